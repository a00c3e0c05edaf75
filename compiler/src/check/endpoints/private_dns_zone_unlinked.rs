use crate::blocks::existing::EXISTING_VNET;
use crate::blocks::private_dns::{endpoint_network, endpoints, links};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Warns when a private endpoint's `dns` zone is linked neither to the
    /// endpoint's virtual network nor, for an endpoint in a spoke, to the spoke's
    /// hub. An endpoint in a subnet of an `existing vnet` is not judged: the
    /// network's links are its owner's.
    ///
    /// ## Why it matters
    /// The endpoint's record lands in the zone, but Azure DNS answers from a zone
    /// only in the networks linked to it: from the endpoint's own network the
    /// service's name keeps resolving to its public address, and traffic
    /// bypasses the endpoint (or is refused, when public access is off). The
    /// deployment succeeds; the failure shows later, at run time.
    ///
    /// ## Example
    /// ```ashlar
    /// private_dns blob { resource_group = "rg-dns"  zone = "privatelink.blob.core.windows.net"  link = [core] }
    /// vnet shared {
    ///   ...
    ///   subnet data 10.9.0.0/26 {
    ///     private_endpoint st1 { resource_id = "..."  group = blob  dns = blob }
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Add the endpoint's network (or, for a spoke whose DNS goes through its
    /// hub, the hub) to the zone's `link`.
    pub PRIVATE_DNS_ZONE_UNLINKED = ("ASH253", "private-dns-zone-unlinked", Warning);
}

pub const CHECK: Check = Check { code: &PRIVATE_DNS_ZONE_UNLINKED, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in endpoints(model) {
        let (Some(dns), Some(attr)) = (node.reference("dns"), node.get("dns")) else { continue };
        let Some((_, network)) = endpoint_network(model, id) else { continue };
        // An existing network's links are its owner's: a zone's `link` takes
        // only the plan's networks, and which zones resolve there is not known.
        if model.node(network).is(EXISTING_VNET) {
            continue;
        }
        let zone_block = model.node(dns);
        let linked: Vec<_> = links(zone_block).into_iter().map(|(n, _)| n).collect();
        let hub = model.node(network).is("spoke").then(|| model.node(network).reference("hub")).flatten();
        if linked.contains(&network) || hub.is_some_and(|h| linked.contains(&h)) {
            continue;
        }
        let zone = zone_block.str("zone").unwrap_or_default();
        let whom = match hub {
            Some(h) => format!("is linked neither to {} nor to its {}", model.describe(network), model.describe(h)),
            None => format!("is not linked to {}", model.describe(network)),
        };
        let there = zone_block.get("link").map_or(zone_block.head, |a| a.span);
        out.push(
            Diagnostic::new(&PRIVATE_DNS_ZONE_UNLINKED, attr.span, format!("{} keeps its record in zone `{zone}`, which {whom}", model.describe(id)))
                .with_label(there, format!("the networks {} links", model.describe(dns)))
                .with_help(format!(
                    "add `{}` to the `link` of {}: from an unlinked network the service's name resolves to its public address",
                    model.node(network).name(),
                    model.describe(dns)
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(link: &str, network: &str) -> String {
        format!(
            "settings {{ location = uksouth }}\nhub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/16]\n}}\nspoke app {{\n hub = core\n resource_group = \"rg\"\n address_space = [10.1.0.0/16]\n subnet s 10.1.0.0/24 {{ private_endpoint e {{ resource_id = \"/subscriptions/6a1f3c2e-0b7d-4e59-9c1a-2f4d8e6b0a13/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1\"  group = vault  dns = z }} }}\n}}\nvnet other {{\n resource_group = \"rg\"\n address_space = [10.9.0.0/16]\n subnet s 10.9.0.0/24 {{ private_endpoint f {{ resource_id = \"/subscriptions/6a1f3c2e-0b7d-4e59-9c1a-2f4d8e6b0a13/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv2\"  group = vault  dns = z }} }}\n}}\nprivate_dns z {{\n resource_group = \"rg\"\n zone = \"privatelink.vaultcore.azure.net\"\n link = [{link}]\n}}\n{network}"
        )
    }

    #[test]
    fn the_hub_of_a_spoke_counts_but_not_for_a_vnet() {
        assert_eq!(
            messages(&plan("core", ""), "ASH253"),
            ["private_endpoint `other.s.f` keeps its record in zone `privatelink.vaultcore.azure.net`, which is not linked to vnet `other`"]
        );
        assert_eq!(
            messages(&plan("other", ""), "ASH253"),
            ["private_endpoint `app.s.e` keeps its record in zone `privatelink.vaultcore.azure.net`, which is linked neither to spoke `app` nor to its hub `core`"]
        );
        assert!(messages(&plan("app, other", ""), "ASH253").is_empty());
    }
}
