//! VPN and ExpressRoute gateways, sites and point-to-site: SKUs, ASNs, on-premises ranges.

pub(super) mod bgp_asn;
pub(super) mod gateway_coexistence;
pub(super) mod gateway_sku;
pub(super) mod on_premises_overlap;
pub(super) mod on_premises_ranges;
pub(super) mod point_to_site_auth;
pub(super) mod site_gateway_ip;
pub(super) mod site_without_vpn_gateway;
pub(super) mod use_remote_gateways;
