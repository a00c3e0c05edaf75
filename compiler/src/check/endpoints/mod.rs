//! Private endpoints and private DNS: zones, links, groups and the subnets endpoints sit in.

pub(super) mod dns_autoregistration_conflict;
pub(super) mod duplicate_private_dns;
pub(super) mod duplicate_private_endpoint;
pub(super) mod endpoint_subnet;
pub(super) mod existing_subnet_endpoint_group;
pub(super) mod private_dns_zone_name;
pub(super) mod private_dns_zone_unlinked;
pub(super) mod private_endpoint_group;
pub(super) mod private_endpoint_resource_id;
