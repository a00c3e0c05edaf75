use crate::address::overlaps;
use crate::check::{nested, Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId, Spanned};
use ipnet::IpNet;

declare_codes! {
    /// ## What it does
    /// Reports a virtual network whose address space overlaps a range on the
    /// other side of a hub's gateway: the `address_space` of a `site`, or the
    /// `address_pool` of a `point_to_site`: for the hub and its spokes, which
    /// reach those ranges through the gateway, and for the plan's other
    /// networks. A warning: Azure deploys the networks, the site and the
    /// gateway; the overlapping range is only routed to one side.
    ///
    /// ## Why it matters
    /// A range is routed to one place only. A virtual network's own address space
    /// wins over routes through the gateway, so traffic for an overlapping site or
    /// client range stays in Azure and never reaches the other side, and replies
    /// go astray. A network not connected through the hub today could not be
    /// connected later without renumbering one side.
    ///
    /// ## Example
    /// ```ashlar
    /// hub core {
    ///   address_space = [10.0.0.0/22]
    ///   site head-office { address_space = [10.0.0.0/16] ... }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give each network, site and point-to-site pool its own range; plan Azure's
    /// ranges and on-premises ranges together.
    pub ON_PREMISES_OVERLAP = ("ASH233", "on-premises-overlap", Warning);
}

pub const CHECK: Check = Check { code: &ON_PREMISES_OVERLAP, run };

/// A range behind a hub's gateway: a site's or the point-to-site pool.
struct Remote {
    prefix: Spanned<IpNet>,
    /// "site `core.head-office`", "the point-to-site pool of hub `core`".
    what: String,
}

fn remotes(model: &Model, hub: NodeId) -> Vec<Remote> {
    let mut found = Vec::new();
    for site in nested(model, hub, "site") {
        let what = model.describe(site);
        found.extend(model.node(site).prefixes("address_space").into_iter().map(|prefix| Remote { prefix, what: what.clone() }));
    }
    for gateway in nested(model, hub, "vpn_gateway") {
        for p2s in nested(model, gateway, "point_to_site") {
            let what = format!("the point-to-site pool of hub `{}`", model.node(hub).name());
            found.extend(model.node(p2s).prefixes("address_pool").into_iter().map(|prefix| Remote { prefix, what: what.clone() }));
        }
    }
    found
}

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let networks: Vec<NodeId> = model.networks().map(|(id, _)| id).collect();
    for (hub, hub_node) in model.of_kind("hub") {
        let remotes = remotes(model, hub);
        if remotes.is_empty() {
            continue;
        }
        for &network in &networks {
            let node = model.node(network);
            let connected = network == hub || node.reference("hub") == Some(hub);
            for prefix in node.prefixes("address_space") {
                for remote in remotes.iter().filter(|r| overlaps(&r.prefix.value, &prefix.value)) {
                    let message =
                        format!("address space {} of {} overlaps {} of {}", prefix.value, model.describe(network), remote.prefix.value, remote.what);
                    let mut d = Diagnostic::new(&ON_PREMISES_OVERLAP, prefix.span, message)
                        .with_label(remote.prefix.span, format!("{} of {}", remote.prefix.value, remote.what));
                    if connected {
                        d = d.with_help(format!(
                            "give {} and {} ranges of their own: through hub `{}`, a range is routed to one place only",
                            model.describe(network),
                            remote.what,
                            hub_node.name()
                        ));
                    } else {
                        d = d.with_help(format!(
                            "{} is not connected through hub `{}`, but it could never be without renumbering; give it and {} ranges of their own",
                            model.describe(network),
                            hub_node.name(),
                            remote.what
                        ));
                    }
                    out.push(d);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::diagnostics;
    use crate::diagnostic::Severity;

    #[test]
    fn connected_and_other_networks_are_warnings() {
        let plan = "settings { location = uksouth }\nkey_vault kv { resource_group = \"rg-kv\" }\nhub core {\n resource_group = \"rg\"\n address_space = [10.0.0.0/22]\n subnet GatewaySubnet 10.0.0.0/27\n vpn_gateway {\n  sku = VpnGw1AZ\n  point_to_site { address_pool = [10.9.0.0/24]  entra_tenant = \"00000000-0000-0000-0000-000000000000\" }\n }\n site office {\n  gateway_ip = 203.0.113.1\n  address_space = [10.1.0.0/16]\n  shared_key = secret(kv, \"k\")\n }\n}\nhub other {\n resource_group = \"rg\"\n address_space = [10.9.0.0/16]\n}\nspoke app1 {\n hub = core\n resource_group = \"rg\"\n address_space = [10.1.4.0/24]\n}\n";
        let found: Vec<(String, Severity)> = diagnostics(plan, "ASH233").into_iter().map(|d| (d.message, d.severity)).collect();
        assert_eq!(
            found,
            [
                (
                    "address space 10.9.0.0/16 of hub `other` overlaps 10.9.0.0/24 of the point-to-site pool of hub `core`".to_string(),
                    Severity::Warning
                ),
                ("address space 10.1.4.0/24 of spoke `app1` overlaps 10.1.0.0/16 of site `core.office`".to_string(), Severity::Warning),
            ]
        );
    }
}
