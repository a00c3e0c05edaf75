use crate::address::first_free;
use crate::azure::network::{reserved_subnet_min, GATEWAY_SUBNET_RECOMMENDED};
use crate::check::{nested, subnets, Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId};
use ipnet::IpNet;

declare_codes! {
    /// ## What it does
    /// Reports a hub endpoint whose subnet is missing from the hub: a `firewall`
    /// needs `AzureFirewallSubnet` (and, with `sku = Basic`, also
    /// `AzureFirewallManagementSubnet`), a `bastion` needs `AzureBastionSubnet`,
    /// a `vpn_gateway` or `er_gateway` needs `GatewaySubnet`. The help names a
    /// free prefix of the right size in the hub's address space.
    ///
    /// ## Why it matters
    /// Azure deploys these services only into subnets with exactly these names, in
    /// the same virtual network; without one, the firewall, Bastion host or
    /// gateway fails after the network and everything before it were deployed.
    ///
    /// ## Example
    /// ```ashlar
    /// hub core {
    ///   address_space = [10.0.0.0/22]
    ///   subnet shared 10.0.1.0/24
    ///   firewall { sku = Standard }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Add the subnet to the hub, e.g. `subnet AzureFirewallSubnet 10.0.0.0/26`,
    /// spelt exactly as Azure names it.
    pub ENDPOINT_SUBNET = ("ASH230", "endpoint-subnet", Error);
}

pub const CHECK: Check = Check { code: &ENDPOINT_SUBNET, run };

/// Each endpoint kind and the subnets it needs.
fn needs(model: &Model, endpoint: NodeId) -> &'static [&'static str] {
    let node = model.node(endpoint);
    match node.kind.kind {
        "firewall" if node.str("sku") == Some("Basic") => &["AzureFirewallSubnet", "AzureFirewallManagementSubnet"],
        "firewall" => &["AzureFirewallSubnet"],
        "bastion" => &["AzureBastionSubnet"],
        "vpn_gateway" | "er_gateway" => &["GatewaySubnet"],
        _ => &[],
    }
}

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (hub, node) in model.of_kind("hub") {
        let hub_subnets: Vec<NodeId> = nested(model, hub, "subnet").collect();
        // Prefixes in use, and those suggested already: two missing subnets get two free prefixes.
        let mut taken: Vec<IpNet> = subnets(model, hub).into_iter().map(|(_, p)| p).collect();
        for kind in ["firewall", "bastion", "vpn_gateway", "er_gateway"] {
            for endpoint in nested(model, hub, kind) {
                for &wanted in needs(model, endpoint) {
                    if hub_subnets.iter().any(|&s| model.node(s).name() == wanted) {
                        continue;
                    }
                    let why = if wanted == "AzureFirewallManagementSubnet" { " with `sku = Basic`" } else { "" };
                    let mut d = Diagnostic::new(
                        &ENDPOINT_SUBNET,
                        model.node(endpoint).head,
                        format!("this {kind}{why} needs a subnet named `{wanted}` in hub `{}`, and the hub has none", node.name()),
                    );
                    // A subnet that differs only in case: Azure wants the exact name.
                    match hub_subnets.iter().copied().find(|&s| model.node(s).name().eq_ignore_ascii_case(wanted)) {
                        Some(near) => {
                            d = d
                                .with_label(model.node(near).head, format!("`{}` is not `{wanted}`", model.node(near).name()))
                                .with_help(format!("rename subnet `{}` to `{wanted}`: Azure wants that exact name", model.node(near).name()));
                        }
                        None => d = d.with_help(suggestion(model, hub, wanted, &mut taken)),
                    }
                    out.push(d);
                }
            }
        }
    }
}

/// "add `subnet AzureFirewallSubnet 10.0.0.64/26` to hub `core`", with a free prefix when there is one.
fn suggestion(model: &Model, hub: NodeId, wanted: &str, taken: &mut Vec<IpNet>) -> String {
    let len = if wanted == "GatewaySubnet" { GATEWAY_SUBNET_RECOMMENDED } else { reserved_subnet_min(wanted).unwrap_or(26) };
    let space: Vec<IpNet> = model.node(hub).prefixes("address_space").iter().map(|p| p.value).filter(|p| p.network().is_ipv4()).collect();
    let hub_name = model.node(hub).name();
    match first_free(&space, taken, len) {
        Some(free) => {
            taken.push(free);
            format!("add `subnet {wanted} {free}` to hub `{hub_name}`: a /{len}, free in its address space")
        }
        None => format!(
            "add a /{len} `subnet {wanted}` to hub `{hub_name}`; its address space has no free /{len} left, so add a prefix to `address_space`"
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::diagnostics;

    fn hub(body: &str) -> String {
        format!("settings {{ location = uksouth }}\nhub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/24]\n subnet shared 10.0.0.0/26\n{body}\n}}\n")
    }

    fn found(body: &str) -> Vec<(String, String)> {
        diagnostics(&hub(body), "ASH230").into_iter().map(|d| (d.message, d.help.unwrap_or_default())).collect()
    }

    #[test]
    fn each_endpoint_names_its_subnet_and_a_free_prefix() {
        assert_eq!(
            found(" firewall { }\n bastion { }\n er_gateway { sku = ErGw1AZ }"),
            [
                (
                    "this firewall needs a subnet named `AzureFirewallSubnet` in hub `core`, and the hub has none".to_string(),
                    "add `subnet AzureFirewallSubnet 10.0.0.64/26` to hub `core`: a /26, free in its address space".to_string()
                ),
                (
                    "this bastion needs a subnet named `AzureBastionSubnet` in hub `core`, and the hub has none".to_string(),
                    "add `subnet AzureBastionSubnet 10.0.0.128/26` to hub `core`: a /26, free in its address space".to_string()
                ),
                (
                    "this er_gateway needs a subnet named `GatewaySubnet` in hub `core`, and the hub has none".to_string(),
                    "add `subnet GatewaySubnet 10.0.0.192/27` to hub `core`: a /27, free in its address space".to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_basic_firewall_also_needs_the_management_subnet() {
        let messages: Vec<String> =
            found(" subnet AzureFirewallSubnet 10.0.0.64/26\n firewall { sku = Basic }").into_iter().map(|(m, _)| m).collect();
        assert_eq!(
            messages,
            ["this firewall with `sku = Basic` needs a subnet named `AzureFirewallManagementSubnet` in hub `core`, and the hub has none"]
        );
        assert!(found(" subnet AzureFirewallSubnet 10.0.0.64/26\n firewall { sku = Premium }").is_empty());
    }

    #[test]
    fn a_name_in_the_wrong_case_is_pointed_at_and_a_full_space_said() {
        let (_, help) = &found(" subnet gatewaysubnet 10.0.0.64/27\n vpn_gateway { sku = VpnGw1AZ }")[0];
        assert_eq!(help, "rename subnet `gatewaysubnet` to `GatewaySubnet`: Azure wants that exact name");
        let (_, help) = &found(" subnet a 10.0.0.64/26\n subnet b 10.0.0.128/26\n subnet c 10.0.0.192/26\n bastion { }")[0];
        assert_eq!(
            help,
            "add a /26 `subnet AzureBastionSubnet` to hub `core`; its address space has no free /26 left, so add a prefix to `address_space`"
        );
    }
}
