use crate::address::earlier_overlaps;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::NodeId;

declare_codes! {
    /// ## What it does
    /// Reports a spoke whose address space overlaps its hub's, or the address
    /// space of another spoke of the same hub.
    ///
    /// ## Why it matters
    /// Azure peers only networks with disjoint address spaces, and checks this
    /// across everything already peered with the hub: the second spoke's peering
    /// fails with `VnetAddressSpaceOverlapsWithAlreadyPeeredVnet`, halfway through
    /// the deployment.
    ///
    /// ## Example
    /// ```ashlar
    /// hub core {
    ///   address_space = [10.0.0.0/16]
    /// }
    /// spoke app1 {
    ///   hub = core
    ///   address_space = [10.0.4.0/24]
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give every network peered with a hub, and the hub itself, its own range.
    pub PEERED_ADDRESS_OVERLAP = ("ASH203", "peered-address-overlap", Error);
}

pub const CHECK: Check = Check { code: &PEERED_ADDRESS_OVERLAP, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (hub, _) in model.of_kind("hub") {
        // The hub first, then its spokes in declaration order: each network is
        // compared with those before it, so each overlap is reported once, at the later one.
        let members: Vec<NodeId> =
            std::iter::once(hub).chain(model.of_kind("spoke").filter(|(_, s)| s.reference("hub") == Some(hub)).map(|(id, _)| id)).collect();
        let hub_name = model.describe(hub);
        // Every prefix of every member, in member order; overlaps inside one
        // network are `address-space-overlap`'s to report.
        let spaces: Vec<(NodeId, _)> =
            members.iter().flat_map(|&m| model.node(m).prefixes("address_space").into_iter().map(move |p| (m, p))).collect();
        let prefixes: Vec<_> = spaces.iter().map(|(_, p)| p.value).collect();
        for (i, partner) in earlier_overlaps(&prefixes).into_iter().enumerate() {
            let Some(j) = partner else { continue };
            let ((later, prefix), (earlier, other)) = (&spaces[i], &spaces[j]);
            let (later, earlier) = (*later, *earlier);
            if later == earlier {
                continue;
            }
            let (later_node, earlier_node) = (model.node(later), model.node(earlier));
            let message = if earlier == hub {
                format!("address space {} of spoke `{}` overlaps {} of its {hub_name}", prefix.value, later_node.name(), other.value)
            } else {
                format!(
                    "address space {} of spoke `{}` overlaps {} of spoke `{}`, also peered with {hub_name}",
                    prefix.value,
                    later_node.name(),
                    other.value,
                    earlier_node.name()
                )
            };
            out.push(
                Diagnostic::new(&PEERED_ADDRESS_OVERLAP, prefix.span, message)
                    .with_label(other.span, format!("{} of {}", other.value, model.describe(earlier)))
                    .with_help(format!(
                        "give `{}` a range that no other network peered with `{}` uses; Azure refuses to peer overlapping networks",
                        later_node.name(),
                        model.node(hub).name()
                    )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    const HEAD: &str = "settings { location = uksouth }\nhub core {\n resource_group = \"rg\"\n address_space = [10.0.0.0/16, fd00::/48]\n}\n";

    fn spoke(name: &str, space: &str) -> String {
        format!("spoke {name} {{\n hub = core\n resource_group = \"rg\"\n address_space = [{space}]\n}}\n")
    }

    #[test]
    fn spokes_of_one_hub_are_compared_with_each_other() {
        let plan = format!("{HEAD}{}{}{}", spoke("a", "10.1.0.0/16"), spoke("b", "10.2.0.0/16"), spoke("c", "10.1.128.0/24"));
        assert_eq!(
            messages(&plan, "ASH203"),
            ["address space 10.1.128.0/24 of spoke `c` overlaps 10.1.0.0/16 of spoke `a`, also peered with hub `core`"]
        );
    }

    #[test]
    fn spokes_of_different_hubs_may_overlap() {
        let other_hub = "hub edge {\n resource_group = \"rg\"\n address_space = [10.50.0.0/16]\n}\n";
        let b = "spoke b {\n hub = edge\n resource_group = \"rg\"\n address_space = [10.1.0.0/16]\n}\n";
        let plan = format!("{HEAD}{other_hub}{}{b}", spoke("a", "10.1.0.0/16"));
        assert!(messages(&plan, "ASH203").is_empty());
    }

    #[test]
    fn every_prefix_of_several_is_compared_with_the_hub_in_both_families() {
        let plan = format!("{HEAD}{}", spoke("a", "10.9.0.0/16, 10.0.8.0/24, fd00:0:0:5::/64"));
        assert_eq!(
            messages(&plan, "ASH203"),
            [
                "address space 10.0.8.0/24 of spoke `a` overlaps 10.0.0.0/16 of its hub `core`",
                "address space fd00:0:0:5::/64 of spoke `a` overlaps fd00::/48 of its hub `core`",
            ]
        );
    }
}
