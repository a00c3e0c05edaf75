//! Address spaces, subnets and peerings: overlaps, sizes, Azure's reserved ranges, delegations, NAT gateways and appliances.

pub(super) mod address_space_overlap;
pub(super) mod appliance;
pub(super) mod existing_network_space;
pub(super) mod existing_subnet_option;
pub(super) mod explicit_peering_overlap;
pub(super) mod nat_gateway;
pub(super) mod network_limits;
pub(super) mod peered_address_overlap;
pub(super) mod peering_options;
pub(super) mod public_address_space;
pub(super) mod redundant_peering;
pub(super) mod reserved_address_range;
pub(super) mod self_peering;
pub(super) mod subnet_capacity;
pub(super) mod subnet_delegation;
pub(super) mod subnet_outside_vnet;
pub(super) mod subnet_overlap;
pub(super) mod subnet_size;
pub(super) mod unconnected_address_overlap;
