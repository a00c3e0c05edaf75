//! NSGs, route tables, the firewall and firewall policies: rule priorities and duplicates, the rules Bastion requires, attachments, addresses and next hops in no subnet, in a service's subnet or out of reach, routes to a gateway that takes none, machines with no way out to the Internet.

pub(super) mod address_in_no_subnet;
pub(super) mod attachment_region;
pub(super) mod bastion_nsg_rules;
pub(super) mod firewall_dns_proxy;
pub(super) mod firewall_policy_fit;
pub(super) mod firewall_policy_parent;
pub(super) mod firewall_policy_priority;
pub(super) mod firewall_policy_tier;
pub(super) mod firewall_public_addresses;
pub(super) mod firewall_threat_intel;
pub(super) mod gateway_next_hop;
pub(super) mod machines_offline;
pub(super) mod next_hop_in_no_subnet;
pub(super) mod next_hop_unreachable;
pub(super) mod nsg_duplicate_rule;
pub(super) mod nsg_forbidden_subnet;
pub(super) mod nsg_priority_conflict;
pub(super) mod nsg_priority_range;
pub(super) mod route_prefix_conflict;
pub(super) mod route_table_forbidden_subnet;
pub(super) mod rule_description_length;
pub(super) mod rule_duplicate_value;
pub(super) mod rule_limits;
pub(super) mod session_hosts_offline;
pub(super) mod unattached;
