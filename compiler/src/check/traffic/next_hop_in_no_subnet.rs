use crate::azure::network::{reserved_subnet_service, RESERVED_ADDRESSES_PER_SUBNET};
use crate::check::traffic::address_in_no_subnet::Spaces;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::Model;
use crate::phrases::NextHop;
use ipnet::IpNet;
use std::net::IpAddr;

declare_codes! {
    /// ## What it does
    /// Reports a route whose next hop, a virtual appliance's address, lies in
    /// the address space of one of the plan's hubs or spokes but in none of its
    /// subnets; is one of the addresses Azure keeps in every IPv4 subnet (the
    /// first four and the last); or lies in a subnet a service keeps for itself:
    /// `GatewaySubnet`, `AzureBastionSubnet`, `RouteServerSubnet` or
    /// `AzureFirewallManagementSubnet`. An address of `AzureFirewallSubnet` is
    /// taken for the firewall's: Azure assigns the firewall its private address
    /// from that subnet when it deploys it, and no Microsoft page says which,
    /// so ashlar claims nothing about it (the routes ashlar derives for a hub's
    /// spokes read it from the deployed firewall).
    ///
    /// ## Why it matters
    /// No appliance can have such an address, so traffic sent to it is dropped:
    /// the subnets behind the route table lose their connectivity as soon as the
    /// deployment finishes. Azure puts nothing of yours in a service's subnet:
    /// no virtual machine or load balancer may join `GatewaySubnet`,
    /// `AzureBastionSubnet` or `RouteServerSubnet`, and in `AzureFirewallSubnet`
    /// only the firewall forwards traffic.
    ///
    /// ## Example
    /// ```ashlar
    /// hub core {
    ///   address_space = [10.0.0.0/22]
    ///   subnet nva 10.0.0.64/27
    /// }
    /// route_table spoke_rt {
    ///   route onprem 192.168.0.0/16 via 10.0.2.4
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give the private address of the appliance, inside one of the subnets
    /// where machines live, or the firewall's address.
    pub NEXT_HOP_IN_NO_SUBNET = ("ASH218", "next-hop-in-no-subnet", Warning);
}

pub const CHECK: Check = Check { code: &NEXT_HOP_IN_NO_SUBNET, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let spaces = Spaces::new(model);
    let mut subnets = None;
    for (&id, r) in &model.routes {
        let NextHop::Appliance(ip) = r.next_hop.value else { continue };
        let problem = match spaces.stray(model, IpNet::from(ip)) {
            Some((network, subnets)) => {
                let listed: Vec<String> = subnets
                    .iter()
                    .filter(|(s, _)| !crate::azure::network::is_reserved_subnet(model.node(*s).name()))
                    .map(|(s, p)| format!("{} {p}", model.node(*s).name()))
                    .collect();
                let help = if listed.is_empty() {
                    format!("{} has no subnet for appliances yet: add the appliance's subnet, and give its address", model.describe(network))
                } else {
                    format!("give the appliance's address in one of the subnets of {}: {}", model.describe(network), listed.join(", "))
                };
                Some((
                    format!("lies in the address space of {} but in none of its subnets, so no appliance can have it", model.describe(network)),
                    help,
                ))
            }
            None => {
                let subnets = subnets.get_or_insert_with(|| all_subnets(model));
                reserved(model, subnets, ip).or_else(|| service_subnet(model, subnets, ip))
            }
        };
        if let Some((why, help)) = problem {
            out.push(
                Diagnostic::new(&NEXT_HOP_IN_NO_SUBNET, r.next_hop.span, format!("the next hop {ip} of {} {why}", model.describe(id)))
                    .with_help(help),
            );
        }
    }
}

/// When `ip` is an address Azure keeps in its IPv4 subnet: why, and the fix.
fn reserved(model: &Model, subnets: &crate::check::Prefixes, ip: IpAddr) -> Option<(String, String)> {
    let IpAddr::V4(v4) = ip else { return None };
    let (net, subnet) = subnets.first_containing(IpNet::from(ip), u8::MAX)?;
    let IpNet::V4(net) = net else { return None };
    let offset = u32::from(v4) - u32::from(net.network());
    let last = u32::from(net.broadcast()) - u32::from(net.network());
    let role = match offset {
        0 => "the network address",
        1 => "the default gateway",
        2 | 3 => "one of the addresses Azure maps to its DNS",
        o if o == last => "the broadcast address",
        _ => return None,
    };
    let first_free = std::net::Ipv4Addr::from(u32::from(net.network()) + 4);
    Some((
        format!("is {role} of {} ({net}), which Azure keeps for itself", model.describe(subnet)),
        format!("Azure keeps {RESERVED_ADDRESSES_PER_SUBNET} addresses of every subnet; give the appliance's own address, from {first_free} on"),
    ))
}

/// When `ip` lies in a subnet a service keeps for itself other than
/// `AzureFirewallSubnet`, whose addresses are taken for the firewall's: why,
/// and the fix.
fn service_subnet(model: &Model, subnets: &crate::check::Prefixes, ip: IpAddr) -> Option<(String, String)> {
    let (net, subnet) = subnets.first_containing(IpNet::from(ip), u8::MAX)?;
    let node = model.node(subnet);
    let name = node.name();
    let service = reserved_subnet_service(name)?;
    let network = node.parent?;
    if name == "AzureFirewallSubnet" {
        // The firewall's address, which Azure assigns: not known before it deploys.
        return None;
    }
    Some((
        format!("lies in subnet `{name}` of {} ({net}), which Azure keeps for {service}: no appliance can have it", model.describe(network)),
        "give the address of an appliance in a subnet of its own; a service's subnet takes no virtual machine or load balancer".to_string(),
    ))
}

/// Every subnet with a prefix, networks in declaration order, for finding the
/// first that holds an address.
fn all_subnets(model: &Model) -> crate::check::Prefixes {
    let mut prefixes = crate::check::Prefixes::new();
    for (subnet, net) in model.networks().flat_map(|(network, _)| crate::check::subnets(model, network)) {
        prefixes.add(net, subnet);
    }
    prefixes
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn found(hop: &str) -> Vec<String> {
        let plan = format!(
            "settings {{ location = uksouth }}\nhub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/22]\n subnet nva 10.0.0.64/27 {{ route_table = rt }}\n}}\nroute_table rt {{\n route x 192.168.0.0/16 via {hop}\n}}\n"
        );
        messages(&plan, "ASH218")
    }

    #[test]
    fn a_next_hop_must_be_an_address_an_appliance_can_have() {
        assert!(found("10.0.0.68").is_empty());
        assert!(found("10.0.0.94").is_empty());
        // Outside the plan: an appliance on-premises, say.
        assert!(found("172.16.0.4").is_empty());
        assert_eq!(
            found("10.0.2.4"),
            ["the next hop 10.0.2.4 of route `rt.x` lies in the address space of hub `core` but in none of its subnets, so no appliance can have it"]
        );
        assert_eq!(
            found("10.0.0.65"),
            ["the next hop 10.0.0.65 of route `rt.x` is the default gateway of subnet `core.nva` (10.0.0.64/27), which Azure keeps for itself"]
        );
        assert_eq!(found("10.0.0.64").len(), 1);
        assert_eq!(found("10.0.0.67").len(), 1);
        assert_eq!(found("10.0.0.95").len(), 1);
    }

    fn in_service_subnet(subnet: &str, hop: &str, firewall: bool) -> Vec<String> {
        let firewall = if firewall { " firewall { }\n" } else { "" };
        let plan = format!(
            "settings {{ location = uksouth }}\nhub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/22]\n subnet {subnet} 10.0.0.0/26\n subnet shared 10.0.1.0/24 {{ route_table = rt }}\n{firewall}}}\nroute_table rt {{\n route x 192.168.0.0/16 via {hop}\n}}\n"
        );
        messages(&plan, "ASH218")
    }

    #[test]
    fn a_next_hop_in_a_service_subnet_is_the_firewall_s_or_nothing() {
        for subnet in ["GatewaySubnet", "AzureBastionSubnet", "RouteServerSubnet", "AzureFirewallManagementSubnet"] {
            let found = in_service_subnet(subnet, "10.0.0.10", false);
            assert_eq!(found.len(), 1, "{subnet}: {found:?}");
            assert!(found[0].ends_with("no appliance can have it"), "{}", found[0]);
        }
        assert_eq!(
            in_service_subnet("GatewaySubnet", "10.0.0.10", false),
            ["the next hop 10.0.0.10 of route `rt.x` lies in subnet `GatewaySubnet` of hub `core` (10.0.0.0/26), which Azure keeps for a VPN or ExpressRoute gateway: no appliance can have it"]
        );
        // Azure assigns the firewall one of the subnet's addresses, not known before it deploys.
        assert!(in_service_subnet("AzureFirewallSubnet", "10.0.0.4", true).is_empty());
        assert!(in_service_subnet("AzureFirewallSubnet", "10.0.0.5", true).is_empty());
        assert!(in_service_subnet("AzureFirewallSubnet", "10.0.0.5", false).is_empty());
        // Its first four addresses are Azure's, as in every subnet.
        assert_eq!(in_service_subnet("AzureFirewallSubnet", "10.0.0.1", true).len(), 1);
        // Any other subnet is an appliance's.
        assert!(in_service_subnet("appliances", "10.0.0.10", false).is_empty());
    }
}
