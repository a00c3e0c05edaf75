use crate::azure::network::reserved_subnet_service;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a network security group on a subnet whose service Azure forbids
    /// one on: `GatewaySubnet`, `AzureFirewallSubnet`,
    /// `AzureFirewallManagementSubnet` and `RouteServerSubnet`.
    ///
    /// ## Why it matters
    /// A VPN or ExpressRoute gateway behind an NSG may stop working; Azure
    /// Firewall's subnets do not support NSGs (the firewall filters traffic
    /// itself), and Azure Route Server's subnet cannot have one. The deployment
    /// fails, or the service breaks after it.
    ///
    /// ## Example
    /// ```ashlar
    /// hub core {
    ///   subnet GatewaySubnet 10.0.0.0/27 { nsg = hub_nsg }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Remove `nsg = ...` from the subnet: filter the traffic in the subnets
    /// behind the service, or in Azure Firewall's own rules.
    pub NSG_FORBIDDEN_SUBNET = ("ASH214", "nsg-forbidden-subnet", Error);
}

pub const CHECK: Check = Check { code: &NSG_FORBIDDEN_SUBNET, run };

/// The subnets that take no network security group, with why.
const FORBIDDEN: &[(&str, &str)] = &[
    ("GatewaySubnet", "a gateway behind a network security group may stop working, so Azure does not support one on its subnet"),
    ("AzureFirewallSubnet", "Azure Firewall filters its traffic itself; NSGs on its subnet are not supported"),
    ("AzureFirewallManagementSubnet", "Azure Firewall's management traffic must reach Azure unfiltered; NSGs on its subnet are not supported"),
    ("RouteServerSubnet", "Azure Route Server does not support a network security group on its subnet"),
];

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (network, node) in model.networks() {
        for &subnet in node.children.iter().filter(|&&c| model.node(c).is("subnet")) {
            let sub = model.node(subnet);
            let Some((name, why)) = FORBIDDEN.iter().find(|(n, _)| *n == sub.name()) else { continue };
            let (Some(attr), Some(nsg)) = (sub.get("nsg"), sub.reference("nsg")) else { continue };
            let service = reserved_subnet_service(name).unwrap_or("its service");
            out.push(
                Diagnostic::new(
                    &NSG_FORBIDDEN_SUBNET,
                    attr.span,
                    format!("subnet `{name}` of {} is for {service}, which takes no network security group", model.describe(network)),
                )
                .with_label(model.node(nsg).head, format!("{} is declared here", model.describe(nsg)))
                .with_help(format!("remove `nsg = {}`: {why}", model.node(nsg).name())),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    #[test]
    fn only_the_forbidden_subnets_are_reported() {
        let plan = "settings { location = uksouth }\nnsg n { }\nhub core {\n resource_group = \"rg\"\n address_space = [10.0.0.0/22]\n subnet GatewaySubnet 10.0.0.0/27 { nsg = n }\n subnet AzureFirewallSubnet 10.0.1.0/26 { nsg = n }\n subnet AzureFirewallManagementSubnet 10.0.1.64/26 { nsg = n }\n subnet RouteServerSubnet 10.0.1.128/27 { nsg = n }\n subnet AzureBastionSubnet 10.0.2.0/26 { nsg = n }\n subnet gatewaysubnet 10.0.3.0/27 { nsg = n }\n}\n";
        let found = messages(plan, "ASH214");
        assert_eq!(found.len(), 4, "{found:#?}");
        assert_eq!(found[0], "subnet `GatewaySubnet` of hub `core` is for a VPN or ExpressRoute gateway, which takes no network security group");
        assert!(found[3].starts_with("subnet `RouteServerSubnet`"), "{}", found[3]);
    }
}
