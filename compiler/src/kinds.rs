//! Every kind of block the language has, and the readers of the phrases some
//! hold: the one table [`crate::resolve`], the policies and the editor look
//! kinds up in. It sits above the building blocks that define the kinds.

use crate::blocks;
use crate::schema::KindSchema;

/// Kinds whose bodies hold lines that are phrases of their own shape. A nested
/// block in such a body that is neither a kind nor an attribute is a phrase:
/// resolution keeps it in [`crate::model::Node::raw_phrases`], as written,
/// and once the plan is resolved the kind's module reads it, once, into typed
/// data of the model and reports its errors: firewall rules
/// (`blocks::firewall::read_rules`), update groups' schedules
/// (`blocks::updates::read_schedules`), policies and the tag policy
/// (`crate::policy::compile`).
#[rustfmt::skip]
pub const RAW_PHRASE_KINDS: &[&str] = &[
    "network_rules",
    "application_rules",
    "dnat",
    "network_collection",
    "application_collection",
    "policy",
    "tags",
    "update_group",
];

/// Whether a kind's body holds raw phrases: see [`RAW_PHRASE_KINDS`].
pub fn keeps_raw_phrases(kind: &KindSchema) -> bool {
    RAW_PHRASE_KINDS.contains(&kind.kind)
}

/// Every kind, top-level and nested.
#[rustfmt::skip]
pub const ALL_KINDS: &[&KindSchema] = &[
    &blocks::settings::SETTINGS,
    &blocks::settings::NAMING,
    &blocks::settings::KEY_VAULT,
    &blocks::settings::RESOURCE_GROUP_KIND,
    &blocks::existing::STORAGE_ACCOUNT,
    &blocks::existing::SQL_SERVER,
    &blocks::existing::LOG_ANALYTICS,
    &blocks::existing::GALLERY,
    &blocks::existing::VNET,
    &blocks::existing::SUBNET,
    &blocks::existing::FIREWALL_POLICY,
    &blocks::existing::MANAGED_IMAGE,
    &blocks::existing::VIRTUAL_MACHINE,
    &blocks::existing::IMAGE_VERSION,
    &blocks::network::HUB,
    &blocks::network::SPOKE,
    &blocks::network::SUBNET,
    &blocks::network::PEERING_OPTIONS,
    &blocks::network::ADDRESS_POOL,
    &blocks::nat::NAT_GATEWAY_KIND,
    &blocks::monitoring::LOG_ANALYTICS,
    &blocks::monitoring::DIAGNOSTICS,
    &blocks::monitoring::DDOS_PLAN_KIND,
    &blocks::network::VNET,
    &blocks::private_dns::PRIVATE_DNS,
    &blocks::private_dns::PRIVATE_ENDPOINT,
    &blocks::images::MARKETPLACE_IMAGE,
    &blocks::security::NSG,
    &blocks::security::RULE_SET,
    &blocks::security::RULE,
    &blocks::routing::ROUTE_TABLE,
    &blocks::routing::ROUTE,
    &blocks::firewall::FIREWALL,
    &blocks::firewall::NETWORK_RULES,
    &blocks::firewall::APPLICATION_RULES,
    &blocks::firewall::DNAT,
    &blocks::firewall_policy::FIREWALL_POLICY,
    &blocks::firewall_policy::THREAT_INTEL_ALLOW,
    &blocks::firewall_policy::DNS,
    &blocks::firewall_policy::INSIGHTS,
    &blocks::firewall_policy::RULE_COLLECTION_GROUP_KIND,
    &blocks::firewall_policy::NETWORK_COLLECTION,
    &blocks::firewall_policy::APPLICATION_COLLECTION,
    &blocks::bastion::BASTION,
    &blocks::gateway::VPN_GATEWAY,
    &blocks::gateway::POINT_TO_SITE,
    &blocks::gateway::ER_GATEWAY,
    &blocks::gateway::SITE,
    &blocks::images::GALLERY,
    &blocks::images::IMAGE,
    &blocks::images::BUILD,
    &blocks::compute::COMPUTE,
    &blocks::compute::OS_DISK,
    &blocks::compute::DATA_DISK,
    &blocks::compute::LOAD_BALANCER,
    &blocks::placement::AVAILABILITY_SET_KIND,
    &blocks::placement::PROXIMITY_PLACEMENT_GROUP_KIND,
    &blocks::scale_set::SCALE_SET,
    &blocks::scale_set::CAPACITY,
    &blocks::scale_set::AUTOSCALE,
    &blocks::backup::BACKUP_POLICY,
    &blocks::desktops::DESKTOP_POOL,
    &blocks::desktops::APP_GROUP,
    &blocks::desktops::APPLICATION_KIND,
    &blocks::desktops::SCALING,
    &blocks::desktops::DESKTOP_WORKSPACE,
    &blocks::policies::POLICY,
    &blocks::policies::TAGS,
    &blocks::policies::CASE,
    &blocks::policies::AZURE_POLICY,
    &blocks::updates::UPDATE_GROUP,
];

/// The kind named `name`.
pub fn kind(name: &str) -> Option<&'static KindSchema> {
    ALL_KINDS.iter().copied().find(|k| k.kind == name)
}
