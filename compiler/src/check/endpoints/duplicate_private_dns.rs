use crate::blocks::private_dns::links;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::NodeId;
use crate::source::Span;
use indexmap::IndexMap;

declare_codes! {
    /// ## What it does
    /// Reports two `private_dns` blocks of one zone (DNS names ignore case), and
    /// a network listed twice in one zone's `link`.
    ///
    /// ## Why it matters
    /// In one resource group the second block would deploy over the first, its
    /// links and tags replacing the first's; in two, the plan holds two zones of
    /// one name, and each private endpoint's record lands in only one of them, so
    /// networks linked to the other never resolve it. Azure allows one link
    /// between a zone and a virtual network, and a template that declares the
    /// same link twice is refused.
    ///
    /// ## Example
    /// ```ashlar
    /// private_dns blob_a { resource_group = "rg-dns"  zone = "privatelink.blob.core.windows.net" }
    /// private_dns blob_b { resource_group = "rg-dns"  zone = "PrivateLink.Blob.Core.Windows.Net" }
    /// ```
    ///
    /// ## Fix
    /// Keep one `private_dns` block per zone and list each network that should
    /// resolve it once in its `link`.
    pub DUPLICATE_PRIVATE_DNS = ("ASH250", "duplicate-private-dns", Error);
}

pub const CHECK: Check = Check { code: &DUPLICATE_PRIVATE_DNS, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    // Zone name, lowercased, to the first block of it.
    let mut zones: IndexMap<String, NodeId> = IndexMap::new();
    for (id, node) in model.of_kind("private_dns") {
        if let (Some(zone), Some(attr)) = (node.str("zone"), node.get("zone")) {
            let key = zone.trim_end_matches('.').to_ascii_lowercase();
            match zones.get(&key) {
                Some(&first) => {
                    let first_node = model.node(first);
                    let first_zone = first_node.str("zone").unwrap_or_default();
                    let case = if first_zone == zone { String::new() } else { format!(" (as `{first_zone}`: DNS names ignore case)") };
                    let first_span = first_node.get("zone").map_or(first_node.head, |a| a.span);
                    out.push(
                        Diagnostic::new(
                            &DUPLICATE_PRIVATE_DNS,
                            attr.span,
                            format!("{} declares zone `{zone}`, which {} declares already{case}", model.describe(id), model.describe(first)),
                        )
                        .with_label(first_span, format!("{} declares it here", model.describe(first)))
                        .with_help(format!("keep one `private_dns` block for `{zone}` and list every network that should resolve it in its `link`")),
                    );
                }
                None => {
                    zones.insert(key, id);
                }
            }
        }
        let mut linked: Vec<(NodeId, Span)> = Vec::new();
        for (network, span) in links(node) {
            match linked.iter().find(|(n, _)| *n == network) {
                Some(&(_, first)) => {
                    let name = model.node(network).name();
                    out.push(
                        Diagnostic::new(&DUPLICATE_PRIVATE_DNS, span, format!("{} links {} twice", model.describe(id), model.describe(network)))
                            .with_label(first, "first linked here")
                            .with_help(format!("remove the second `{name}`: a zone has one link to each virtual network")),
                    );
                }
                None => linked.push((network, span)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    const HEAD: &str = "settings { location = uksouth }\nhub core {\n resource_group = \"rg\"\n address_space = [10.0.0.0/16]\n}\n";

    #[test]
    fn zones_compare_without_case_and_final_dot() {
        let plan = format!(
            "{HEAD}private_dns a {{ resource_group = \"rg\"  zone = \"privatelink.blob.core.windows.net\" }}\nprivate_dns b {{ resource_group = \"rg2\"  zone = \"PrivateLink.Blob.core.windows.net\" }}\nprivate_dns c {{ resource_group = \"rg\"  zone = \"privatelink.file.core.windows.net\" }}\n"
        );
        assert_eq!(
            messages(&plan, "ASH250"),
            ["private_dns `b` declares zone `PrivateLink.Blob.core.windows.net`, which private_dns `a` declares already (as `privatelink.blob.core.windows.net`: DNS names ignore case)"]
        );
    }

    #[test]
    fn a_network_linked_twice_is_reported_once_per_repeat() {
        let plan = format!("{HEAD}private_dns a {{\n resource_group = \"rg\"\n zone = \"corp.internal\"\n link = [core, core, core]\n}}\n");
        assert_eq!(messages(&plan, "ASH250"), ["private_dns `a` links hub `core` twice", "private_dns `a` links hub `core` twice"]);
    }
}
