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

/// The private IPv4 ranges: RFC 1918's three and RFC 6598's shared address
/// space 100.64.0.0/10, which the virtual network FAQ also lists as usable.
pub const PRIVATE_RANGES: &[ipnet::Ipv4Net] = &[
    ipnet::Ipv4Net::new_assert(std::net::Ipv4Addr::new(10, 0, 0, 0), 8),
    ipnet::Ipv4Net::new_assert(std::net::Ipv4Addr::new(172, 16, 0, 0), 12),
    ipnet::Ipv4Net::new_assert(std::net::Ipv4Addr::new(192, 168, 0, 0), 16),
    ipnet::Ipv4Net::new_assert(std::net::Ipv4Addr::new(100, 64, 0, 0), 10),
];

/// Whether an IPv4 prefix lies wholly inside one of the [`PRIVATE_RANGES`].
pub fn is_private_prefix(prefix: &ipnet::Ipv4Net) -> bool {
    PRIVATE_RANGES.iter().any(|range| range.contains(prefix))
}

/// Whether an address can never be an on-premises device's address on the
/// Internet: private (RFC 1918, RFC 6598), loopback, link-local, unspecified,
/// multicast or broadcast; for IPv6, unique-local, link-local, loopback,
/// unspecified or multicast.
pub fn is_non_public_address(ip: std::net::IpAddr) -> bool {
    match ip {
        std::net::IpAddr::V4(v4) => {
            PRIVATE_RANGES.iter().any(|r| r.contains(&v4))
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
        }
        std::net::IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback() || v6.is_unspecified() || v6.is_multicast() || first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfe80
        }
    }
}

/// SKUs of VPN gateways (`gatewayType` `Vpn`) ashlar deploys.
pub const VPN_GATEWAY_SKUS: &[&str] = &["VpnGw1", "VpnGw2", "VpnGw3", "VpnGw4", "VpnGw5", "VpnGw1AZ", "VpnGw2AZ", "VpnGw3AZ", "VpnGw4AZ", "VpnGw5AZ"];

/// SKUs of ExpressRoute gateways (`gatewayType` `ExpressRoute`).
pub const ER_GATEWAY_SKUS: &[&str] = &["Standard", "HighPerformance", "UltraPerformance", "ErGw1AZ", "ErGw2AZ", "ErGw3AZ", "ErGwScale"];

/// Every gateway SKU, VPN's then ExpressRoute's: the words `sku` takes on either gateway.
pub const GATEWAY_SKUS: &[&str] = &[
    "VpnGw1",
    "VpnGw2",
    "VpnGw3",
    "VpnGw4",
    "VpnGw5",
    "VpnGw1AZ",
    "VpnGw2AZ",
    "VpnGw3AZ",
    "VpnGw4AZ",
    "VpnGw5AZ",
    "Standard",
    "HighPerformance",
    "UltraPerformance",
    "ErGw1AZ",
    "ErGw2AZ",
    "ErGw3AZ",
    "ErGwScale",
];

/// Whether a gateway SKU is zone-redundant, so that its public IP addresses
/// must be zone-redundant too (`AZ` SKUs; ErGwScale is zone-redundant by design).
pub fn is_zone_redundant_gateway_sku(sku: &str) -> bool {
    sku.ends_with("AZ") || sku == "ErGwScale"
}

/// The VPN gateway generation of a SKU: VpnGw1 exists only in Generation1,
/// VpnGw4 and VpnGw5 only in Generation2, VpnGw2 and VpnGw3 in both (ashlar
/// takes Generation2, the faster).
pub fn vpn_gateway_generation(sku: &str) -> &'static str {
    if sku.starts_with("VpnGw1") {
        "Generation1"
    } else {
        "Generation2"
    }
}

/// ASNs Azure reserves (VPN Gateway FAQ, "What ASNs can I use?"): public
/// 8074, 8075 and 12076, private 65515 and 65517 to 65520. 65515 is also the
/// default ASN of Azure's own gateways.
pub const AZURE_RESERVED_ASNS: &[(u32, u32)] = &[(8074, 8075), (12076, 12076), (65515, 65515), (65517, 65520)];

/// ASNs IANA reserves, which no BGP speaker may use (the same FAQ; IANA's
/// special-purpose AS numbers registry): 0, 23456 (AS_TRANS), 64496 to 64511
/// and 65536 to 65551 (documentation), 65535 and 4294967295.
pub const IANA_RESERVED_ASNS: &[(u32, u32)] = &[(0, 0), (23456, 23456), (64496, 64511), (65535, 65551), (4294967295, 4294967295)];

/// The default ASN of an Azure VPN gateway; the one it must keep when it
/// shares a virtual network with an ExpressRoute gateway.
pub const AZURE_GATEWAY_ASN: u32 = 65515;

fn in_ranges(asn: u32, ranges: &[(u32, u32)]) -> bool {
    ranges.iter().any(|(low, high)| (*low..=*high).contains(&asn))
}

pub fn is_azure_reserved_asn(asn: u32) -> bool {
    in_ranges(asn, AZURE_RESERVED_ASNS)
}

pub fn is_iana_reserved_asn(asn: u32) -> bool {
    in_ranges(asn, IANA_RESERVED_ASNS)
}

/// A security rule a service requires in the network security group of its
/// subnet: the traffic it must allow.
#[derive(Debug)]
pub struct RequiredRule {
    /// The name ashlar suggests for it, after Microsoft's own.
    pub name: &'static str,
    pub inbound: bool,
    /// Whether Microsoft's table lists the rule for TCP only (`*` otherwise).
    pub tcp: bool,
    pub ports: &'static [u16],
    /// A service tag, or `*` for any address.
    pub source: &'static str,
    pub destination: &'static str,
    /// What the rule is for, as Microsoft's page says.
    pub purpose: &'static str,
}

/// The rules an NSG on `AzureBastionSubnet` must carry: Microsoft Learn,
/// "Working with NSG access and Azure Bastion"
/// (<https://learn.microsoft.com/azure/bastion/bastion-nsg>), whose table of
/// required rules this follows, in its order. Azure refuses to associate an
/// NSG without them (`NetworkSecurityGroupNotCompliantForAzureBastionSubnet`),
/// and checks for the rules themselves: the default rules that allow all
/// outbound traffic do not count (MicrosoftDocs/azure-docs#80806).
pub const BASTION_NSG_RULES: &[RequiredRule] = &[
    RequiredRule {
        name: "allow_https_inbound",
        inbound: true,
        tcp: true,
        ports: &[443],
        source: "Internet",
        destination: "*",
        purpose: "users' sessions reach Bastion's public IP address",
    },
    RequiredRule {
        name: "allow_gateway_manager_inbound",
        inbound: true,
        tcp: true,
        ports: &[443],
        source: "GatewayManager",
        destination: "*",
        purpose: "Bastion's control plane reaches it",
    },
    RequiredRule {
        name: "allow_bastion_host_communication",
        inbound: true,
        tcp: false,
        ports: &[8080, 5701],
        source: "VirtualNetwork",
        destination: "VirtualNetwork",
        purpose: "Bastion's components talk to each other",
    },
    RequiredRule {
        name: "allow_azure_load_balancer_inbound",
        inbound: true,
        tcp: true,
        ports: &[443],
        source: "AzureLoadBalancer",
        destination: "*",
        purpose: "Azure's health probes reach Bastion",
    },
    RequiredRule {
        name: "allow_ssh_rdp_outbound",
        inbound: false,
        tcp: false,
        ports: &[22, 3389],
        source: "*",
        destination: "VirtualNetwork",
        purpose: "Bastion reaches the machines it connects to",
    },
    RequiredRule {
        name: "allow_azure_cloud_outbound",
        inbound: false,
        tcp: true,
        ports: &[443],
        source: "*",
        destination: "AzureCloud",
        purpose: "Bastion reaches Azure's public endpoints, for diagnostics and metering",
    },
    RequiredRule {
        name: "allow_bastion_communication",
        inbound: false,
        tcp: false,
        ports: &[8080, 5701],
        source: "VirtualNetwork",
        destination: "VirtualNetwork",
        purpose: "Bastion's components talk to each other",
    },
    RequiredRule {
        name: "allow_http_outbound",
        inbound: false,
        tcp: false,
        ports: &[80],
        source: "*",
        destination: "Internet",
        purpose: "Bastion validates certificates and reaches session services on the Internet",
    },
];
