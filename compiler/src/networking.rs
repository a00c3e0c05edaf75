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
