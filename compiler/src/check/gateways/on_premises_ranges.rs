use crate::address::overlaps;
use crate::check::{nested, Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{NodeId, Spanned};
use ipnet::IpNet;

declare_codes! {
    /// ## What it does
    /// Reports two sites of one hub whose address spaces overlap, and a site
    /// whose address space overlaps the hub's point-to-site pool: ranges that the
    /// hub's VPN gateway would route to two places.
    ///
    /// ## Why it matters
    /// The gateway picks one route for a range: traffic for the overlap reaches
    /// only one of the sites (or only the clients), and which one can change as
    /// connections go up and down.
    ///
    /// ## Example
    /// ```ashlar
    /// hub core {
    ///   site london { address_space = [192.168.0.0/16] ... }
    ///   site paris  { address_space = [192.168.8.0/24] ... }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give each site, and the point-to-site pool, ranges of its own.
    pub ON_PREMISES_RANGES = ("ASH234", "on-premises-ranges", Warning);
}

pub const CHECK: Check = Check { code: &ON_PREMISES_RANGES, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (hub, hub_node) in model.of_kind("hub") {
        // The point-to-site pool first, then each site in order: each range is
        // compared with those before it, so each overlap is reported once.
        let mut ranges: Vec<(Option<NodeId>, Spanned<IpNet>)> = Vec::new();
        for gateway in nested(model, hub, "vpn_gateway") {
            for p2s in nested(model, gateway, "point_to_site") {
                ranges.extend(model.node(p2s).prefixes("address_pool").into_iter().map(|p| (None, p)));
            }
        }
        for site in nested(model, hub, "site") {
            ranges.extend(model.node(site).prefixes("address_space").into_iter().map(|p| (Some(site), p)));
        }
        let describe = |owner: Option<NodeId>| match owner {
            Some(site) => format!("site `{}`", model.node(site).name()),
            None => format!("the point-to-site pool of hub `{}`", hub_node.name()),
        };
        for (i, (later, prefix)) in ranges.iter().enumerate() {
            let Some(later) = *later else { continue };
            let earlier = ranges[..i].iter().find(|(owner, other)| *owner != Some(later) && overlaps(&other.value, &prefix.value));
            let Some((earlier, other)) = earlier else { continue };
            out.push(
                Diagnostic::new(
                    &ON_PREMISES_RANGES,
                    prefix.span,
                    format!(
                        "address space {} of site `{}` overlaps {} of {}",
                        prefix.value,
                        model.node(later).name(),
                        other.value,
                        describe(*earlier)
                    ),
                )
                .with_label(other.span, format!("{} of {}", other.value, describe(*earlier)))
                .with_help(format!(
                    "give {} and {} ranges of their own: the VPN gateway of hub `{}` routes each range to one place",
                    describe(Some(later)),
                    describe(*earlier),
                    hub_node.name()
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn site(name: &str, space: &str) -> String {
        format!(" site {name} {{\n  gateway_ip = 203.0.113.1\n  address_space = [{space}]\n  shared_key = secret(kv, \"k\")\n }}\n")
    }

    #[test]
    fn sites_are_compared_with_each_other_and_with_the_pool() {
        let plan = format!(
            "settings {{ location = uksouth }}\nkey_vault kv {{ resource_group = \"rg-kv\" }}\nhub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/24]\n subnet GatewaySubnet 10.0.0.0/27\n vpn_gateway {{\n  sku = VpnGw1AZ\n  point_to_site {{ address_pool = [172.16.0.0/24]  entra_tenant = \"00000000-0000-0000-0000-000000000000\" }}\n }}\n{}{}{}}}\n",
            site("london", "192.168.0.0/16, 172.16.0.128/25"),
            site("paris", "192.168.8.0/24"),
            site("rome", "192.169.0.0/16")
        );
        assert_eq!(
            messages(&plan, "ASH234"),
            [
                "address space 172.16.0.128/25 of site `london` overlaps 172.16.0.0/24 of the point-to-site pool of hub `core`",
                "address space 192.168.8.0/24 of site `paris` overlaps 192.168.0.0/16 of site `london`",
            ]
        );
    }
}
