//! Facts about Azure virtual networks that several stages share.

/// Subnets whose names Azure reserves for a service, with the smallest prefix
/// each service accepts.
pub const RESERVED_SUBNETS: &[(&str, u8)] = &[
    ("GatewaySubnet", 29),
    ("AzureFirewallSubnet", 26),
    ("AzureFirewallManagementSubnet", 26),
    ("AzureBastionSubnet", 26),
    ("RouteServerSubnet", 27),
];

pub fn is_reserved_subnet(name: &str) -> bool {
    RESERVED_SUBNETS.iter().any(|(n, _)| *n == name)
}

/// The service a reserved subnet is for, as diagnostics name it.
pub fn reserved_subnet_service(name: &str) -> Option<&'static str> {
    Some(match name {
        "GatewaySubnet" => "a VPN or ExpressRoute gateway",
        "AzureFirewallSubnet" => "Azure Firewall",
        "AzureFirewallManagementSubnet" => "Azure Firewall's management traffic",
        "AzureBastionSubnet" => "Azure Bastion",
        "RouteServerSubnet" => "Azure Route Server",
        _ => return None,
    })
}

/// The smallest prefix length a reserved subnet accepts (its prefix may be no longer).
pub fn reserved_subnet_min(name: &str) -> Option<u8> {
    RESERVED_SUBNETS.iter().find(|(n, _)| *n == name).map(|(_, len)| *len)
}

/// Azure accepts a `GatewaySubnet` as small as /29 but recommends /27 or larger
/// (VPN gateway FAQ), so that the gateway can grow and coexist with ExpressRoute.
pub const GATEWAY_SUBNET_RECOMMENDED: u8 = 27;

/// The smallest IPv4 subnet Azure accepts: /29 (5 of its 8 addresses are Azure's).
pub const IPV4_SUBNET_MIN: u8 = 29;

/// The largest IPv4 subnet Azure accepts: /2.
pub const IPV4_SUBNET_MAX: u8 = 2;

/// The one size of an IPv6 subnet: /64.
pub const IPV6_SUBNET_LEN: u8 = 64;

/// Addresses Azure keeps in every subnet: the network address, the default
/// gateway, two for Azure DNS and the broadcast address.
pub const RESERVED_ADDRESSES_PER_SUBNET: u32 = 5;

/// Ranges no virtual network may use, with what Azure uses them for
/// (virtual network FAQ, "What address ranges can I use in my virtual networks?").
pub const FORBIDDEN_RANGES: &[(ipnet::Ipv4Net, &str)] = &[
    (ipnet::Ipv4Net::new_assert(std::net::Ipv4Addr::new(224, 0, 0, 0), 4), "multicast"),
    (ipnet::Ipv4Net::new_assert(std::net::Ipv4Addr::new(255, 255, 255, 255), 32), "broadcast"),
    (ipnet::Ipv4Net::new_assert(std::net::Ipv4Addr::new(127, 0, 0, 0), 8), "loopback"),
    (ipnet::Ipv4Net::new_assert(std::net::Ipv4Addr::new(169, 254, 0, 0), 16), "link-local"),
    (ipnet::Ipv4Net::new_assert(std::net::Ipv4Addr::new(168, 63, 129, 16), 32), "Azure's own DNS, DHCP and health-probe address"),
];

/// Which networks can reach each other through peerings: each hub, spoke and
/// standalone network mapped to the first network of its connected group.
/// Edges are `hub = X` and `peer = [...]`.
pub fn connected_groups(model: &crate::model::Model) -> indexmap::IndexMap<crate::model::NodeId, crate::model::NodeId> {
    use crate::model::{NodeId, Typed};
    let networks: Vec<NodeId> = model.networks().map(|(id, _)| id).collect();
    let mut parent: indexmap::IndexMap<NodeId, NodeId> = networks.iter().map(|&n| (n, n)).collect();
    fn root(parent: &mut indexmap::IndexMap<NodeId, NodeId>, mut n: NodeId) -> NodeId {
        while parent[&n] != n {
            let up = parent[&parent[&n]];
            parent[&n] = up;
            n = up;
        }
        n
    }
    for &network in &networks {
        let node = model.node(network);
        let peers = node.reference("hub").into_iter().chain(node.list("peer").iter().filter_map(|p| match p.value {
            Typed::Ref(id) => Some(id),
            _ => None,
        }));
        for other in peers.collect::<Vec<_>>() {
            if !parent.contains_key(&other) {
                continue;
            }
            let (a, b) = (root(&mut parent, network), root(&mut parent, other));
            // The earlier-declared network names the group, so groups are stable.
            let (low, high) = if a < b { (a, b) } else { (b, a) };
            parent[&high] = low;
        }
    }
    networks.iter().map(|&n| (n, root(&mut parent, n))).collect()
}
