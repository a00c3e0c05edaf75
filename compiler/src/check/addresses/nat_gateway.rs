use crate::blocks::nat::zones;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a NAT gateway Azure would refuse: in more than one availability
    /// zone, attached to `GatewaySubnet` or `AzureBastionSubnet`, used by a
    /// subnet of a network in another region, or used by the subnets of more
    /// than one virtual network.
    ///
    /// ## Why it matters
    /// A NAT gateway is a zonal (or non-zonal) regional resource: Azure refuses
    /// several zones, an association across regions, and the subnets of VPN
    /// gateways and Bastion, which manage their own outbound traffic. "A NAT
    /// gateway can't span multiple virtual networks" ([What is Azure NAT
    /// Gateway?](https://learn.microsoft.com/azure/nat-gateway/nat-overview)):
    /// the second network's deployment fails.
    ///
    /// ## Example
    /// ```ashlar
    /// nat_gateway egress { resource_group = "rg-net"  zones = [1, 2] }
    /// ```
    ///
    /// ## Fix
    /// Keep one zone (or none), one gateway per region and virtual network,
    /// and attach it only to workload subnets.
    pub NAT_GATEWAY = ("ASH242", "nat-gateway", Error);
}

pub const CHECK: Check = Check { code: &NAT_GATEWAY, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (gateway, node) in model.of_kind("nat_gateway") {
        if let (true, Some(attr)) = (zones(node).len() > 1, node.get("zones")) {
            out.push(
                Diagnostic::new(
                    &NAT_GATEWAY,
                    attr.span,
                    format!("{} is in {} zones; a NAT gateway is in one zone at most", model.describe(gateway), zones(node).len()),
                )
                .with_help("keep one zone, and give each zone's subnets a gateway of their own if you need zone isolation"),
            );
        }
    }
    // The first network each gateway serves, with the subnet that made it so.
    let mut first_network: std::collections::HashMap<crate::model::NodeId, (crate::model::NodeId, crate::model::NodeId)> = Default::default();
    for (subnet, node) in model.of_kind("subnet") {
        let (Some(gateway), Some(attr)) = (node.reference("nat_gateway"), node.get("nat_gateway")) else { continue };
        if let Some(network) = node.parent {
            let (first, by) = *first_network.entry(gateway).or_insert((network, subnet));
            if first != network {
                out.push(
                    Diagnostic::new(
                        &NAT_GATEWAY,
                        attr.span,
                        format!(
                            "{} already serves {}; a NAT gateway serves the subnets of one virtual network",
                            model.describe(gateway),
                            model.describe(first)
                        ),
                    )
                    .with_label(model.node(by).head, format!("subnet `{}` uses it in {}", model.path(by), model.describe(first)))
                    .with_help(format!("give {} a NAT gateway of its own", model.describe(network))),
                );
            }
        }
        if matches!(node.name(), "GatewaySubnet" | "AzureBastionSubnet") {
            out.push(
                Diagnostic::new(&NAT_GATEWAY, attr.span, format!("Azure attaches no NAT gateway to `{}`", node.name()))
                    .with_help("remove `nat_gateway` from this subnet; its service manages its own outbound traffic"),
            );
        }
        let network = node.parent.unwrap_or(subnet);
        if let (Some(here), Some(there)) = (model.location(network), model.location(gateway)) {
            if here != there {
                out.push(
                    Diagnostic::new(
                        &NAT_GATEWAY,
                        attr.span,
                        format!("subnet `{}` is in {here}, but {} is in {there}", model.path(subnet), model.describe(gateway)),
                    )
                    .with_label(model.node(gateway).head, format!("{} is here", model.describe(gateway)))
                    .with_help("use a NAT gateway in the subnet's region"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::diagnostics;

    #[test]
    fn a_gateway_serves_one_network_and_its_second_is_named() {
        let plan = |second: &str| {
            format!(
                "settings {{ location = uksouth }}\nnat_gateway out {{ resource_group = \"rg\" }}\nvnet a {{\n resource_group = \"rg\"\n address_space = [10.1.0.0/24]\n subnet x 10.1.0.0/26 {{ nat_gateway = out }}\n subnet y 10.1.0.64/26 {{ nat_gateway = out }}\n}}\nvnet b {{\n resource_group = \"rg\"\n address_space = [10.2.0.0/24]\n subnet z 10.2.0.0/26 {second}\n}}\n"
            )
        };
        assert!(diagnostics(&plan(""), "ASH242").is_empty(), "two subnets of one network share a gateway");
        let found = diagnostics(&plan("{ nat_gateway = out }"), "ASH242");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "nat_gateway `out` already serves vnet `a`; a NAT gateway serves the subnets of one virtual network");
    }
}
