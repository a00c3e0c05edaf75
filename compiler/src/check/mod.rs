//! Checks: Azure's hard rules and the plan's own conventions, one check per file.
//!
//! Each check has a stable code declared in its file, with documentation in
//! fixed sections (what it does, why it matters, example, fix) that
//! `ashlar explain CODE` prints. [`CHECKS`] is the one list of them; a test
//! fails when a code lacks docs or a fixture, or when two share a code.

mod accelerated_networking;
mod address_in_no_subnet;
mod address_space_overlap;
mod admin_username;
mod appliance;
mod attachment_region;
mod autoscale_flapping;
mod azure_name;
mod backup_disk_limits;
mod backup_instant_restore;
mod backup_policy_unused;
mod backup_retention;
mod backup_scale_set;
mod backup_schedule_retention;
mod backup_time;
mod backup_vault_conflict;
mod backup_weekly_days;
mod bgp_asn;
mod build_customizer_os;
mod build_file;
mod build_timeout;
mod computer_name;
mod custom_data_size;
mod data_disk_lun;
mod desktop_app_groups;
mod desktop_join;
mod desktop_pool_type;
mod desktop_user_id;
mod desktop_workspace_region;
mod disk_type_size;
mod dns_autoregistration_conflict;
mod duplicate_image_identifier;
mod duplicate_machine_name;
mod duplicate_private_dns;
mod duplicate_private_endpoint;
mod endpoint_subnet;
mod explicit_peering_overlap;
mod firewall_threat_intel;
mod gateway_coexistence;
mod gateway_sku;
mod image_build_inputs;
mod image_build_state;
mod image_builder_region;
mod image_end_of_life;
mod image_generation;
mod image_identifier;
mod image_os_mismatch;
mod image_region;
mod image_replication_region;
mod image_source_generation;
mod image_source_os;
mod image_source_region;
mod load_balancer_ports;
mod machine_login;
mod machine_subnet;
mod multi_session_image;
mod naming_pattern;
mod nat_gateway;
mod next_hop_in_no_subnet;
mod nsg_duplicate_rule;
mod nsg_forbidden_subnet;
mod nsg_priority_conflict;
mod nsg_priority_range;
mod on_premises_overlap;
mod on_premises_ranges;
mod peered_address_overlap;
mod placement_conflict;
mod point_to_site_auth;
mod preferred_app_group;
mod private_dns_zone_name;
mod private_dns_zone_unlinked;
mod private_endpoint_group;
mod private_endpoint_resource_id;
mod public_address_space;
mod redundant_peering;
mod remote_app_personal;
mod reserved_address_range;
mod rolling_upgrade_health;
mod route_prefix_conflict;
mod route_table_forbidden_subnet;
mod rule_description_length;
mod rule_duplicate_value;
mod scale_set_capacity;
mod scaling_schedule;
mod script_command_length;
mod self_peering;
mod session_host_name;
mod session_host_os;
mod shared_update_window;
mod site_gateway_ip;
mod site_without_vpn_gateway;
mod ssh_public_key;
mod static_ip;
mod subnet_capacity;
mod subnet_delegation;
mod subnet_outside_vnet;
mod subnet_overlap;
mod subnet_size;
mod tag_limits;
mod trusted_launch_generation;
mod unattached;
mod unconnected_address_overlap;
mod unused_desktop_workspace;
mod update_date;
mod update_group_os;
mod update_os_settings;
mod update_scale_set;
mod update_time_zone;
mod update_window_duration;
mod update_window_expiry;
mod update_window_never_opens;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Model, NodeId};
use crate::source::Span;
use ipnet::IpNet;

/// What every check sees.
pub struct Context<'a> {
    pub model: &'a Model,
    /// The date checks count from, and where it came from: read once by
    /// [`crate::analyze`] and handed to every check, on whatever thread it runs.
    pub today: (crate::calendar::Date, crate::calendar::TodaySource),
}

/// A check: its code and the function that runs it.
pub struct Check {
    pub code: &'static Code,
    pub run: fn(&Context, &mut Vec<Diagnostic>),
}

/// Every check, in the order they run.
pub const CHECKS: &[Check] = &[
    subnet_outside_vnet::CHECK,
    subnet_overlap::CHECK,
    peered_address_overlap::CHECK,
    subnet_size::CHECK,
    reserved_address_range::CHECK,
    address_space_overlap::CHECK,
    azure_name::CHECK,
    tag_limits::CHECK,
    naming_pattern::CHECK,
    unconnected_address_overlap::CHECK,
    image_region::CHECK,
    appliance::CHECK,
    nat_gateway::CHECK,
    duplicate_private_dns::CHECK,
    private_dns_zone_name::CHECK,
    private_endpoint_resource_id::CHECK,
    private_dns_zone_unlinked::CHECK,
    self_peering::CHECK,
    redundant_peering::CHECK,
    explicit_peering_overlap::CHECK,
    duplicate_private_endpoint::CHECK,
    dns_autoregistration_conflict::CHECK,
    private_endpoint_group::CHECK,
    nsg_priority_range::CHECK,
    nsg_priority_conflict::CHECK,
    nsg_duplicate_rule::CHECK,
    rule_description_length::CHECK,
    nsg_forbidden_subnet::CHECK,
    route_table_forbidden_subnet::CHECK,
    unattached::CHECK,
    address_in_no_subnet::CHECK,
    next_hop_in_no_subnet::CHECK,
    attachment_region::CHECK,
    route_prefix_conflict::CHECK,
    rule_duplicate_value::CHECK,
    subnet_delegation::CHECK,
    endpoint_subnet::CHECK,
    gateway_sku::CHECK,
    bgp_asn::CHECK,
    on_premises_overlap::CHECK,
    on_premises_ranges::CHECK,
    public_address_space::CHECK,
    site_gateway_ip::CHECK,
    firewall_threat_intel::CHECK,
    point_to_site_auth::CHECK,
    gateway_coexistence::CHECK,
    site_without_vpn_gateway::CHECK,
    image_replication_region::CHECK,
    build_customizer_os::CHECK,
    trusted_launch_generation::CHECK,
    image_source_os::CHECK,
    image_source_generation::CHECK,
    build_timeout::CHECK,
    image_identifier::CHECK,
    duplicate_image_identifier::CHECK,
    image_build_inputs::CHECK,
    image_build_state::CHECK,
    image_source_region::CHECK,
    image_builder_region::CHECK,
    image_end_of_life::CHECK,
    build_file::CHECK,
    computer_name::CHECK,
    admin_username::CHECK,
    placement_conflict::CHECK,
    image_generation::CHECK,
    accelerated_networking::CHECK,
    image_os_mismatch::CHECK,
    machine_login::CHECK,
    static_ip::CHECK,
    subnet_capacity::CHECK,
    scale_set_capacity::CHECK,
    autoscale_flapping::CHECK,
    disk_type_size::CHECK,
    data_disk_lun::CHECK,
    custom_data_size::CHECK,
    script_command_length::CHECK,
    rolling_upgrade_health::CHECK,
    load_balancer_ports::CHECK,
    ssh_public_key::CHECK,
    machine_subnet::CHECK,
    duplicate_machine_name::CHECK,
    update_window_duration::CHECK,
    update_time_zone::CHECK,
    update_date::CHECK,
    update_window_expiry::CHECK,
    update_os_settings::CHECK,
    update_window_never_opens::CHECK,
    update_scale_set::CHECK,
    shared_update_window::CHECK,
    update_group_os::CHECK,
    backup_retention::CHECK,
    backup_instant_restore::CHECK,
    backup_weekly_days::CHECK,
    backup_time::CHECK,
    backup_scale_set::CHECK,
    backup_schedule_retention::CHECK,
    backup_vault_conflict::CHECK,
    backup_policy_unused::CHECK,
    backup_disk_limits::CHECK,
    desktop_pool_type::CHECK,
    desktop_join::CHECK,
    session_host_name::CHECK,
    multi_session_image::CHECK,
    session_host_os::CHECK,
    scaling_schedule::CHECK,
    remote_app_personal::CHECK,
    desktop_app_groups::CHECK,
    desktop_user_id::CHECK,
    desktop_workspace_region::CHECK,
    preferred_app_group::CHECK,
    unused_desktop_workspace::CHECK,
];

/// Runs every check over a model, on `today`.
pub fn run(model: &Model, today: (crate::calendar::Date, crate::calendar::TodaySource)) -> Vec<Diagnostic> {
    let context = Context { model, today };
    let run_one = |check: &Check| {
        let mut found = Vec::new();
        (check.run)(&context, &mut found);
        found
    };
    // Checks are independent: a large plan's are shared out over the cores,
    // and their diagnostics kept in the checks' order.
    crate::parallel::flat_map_in_order(model.nodes.len(), CHECKS.iter().collect(), run_one)
}

/// Where a subnet's prefix is written (`auto /N` included), else its head.
fn prefix_span(model: &Model, subnet: NodeId) -> Span {
    let node = model.node(subnet);
    node.get("address_prefix").map_or(node.head, |attr| attr.span)
}

/// `10.0.0.0/16, 10.1.0.0/16`: prefixes for a message.
fn list(prefixes: impl IntoIterator<Item = IpNet>) -> String {
    prefixes.into_iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", ")
}

/// The blocks of one kind nested in a block, in declaration order.
fn nested<'a>(model: &'a Model, parent: NodeId, kind: &'a str) -> impl Iterator<Item = NodeId> + 'a {
    model.node(parent).children.iter().copied().filter(move |&c| model.node(c).is(kind))
}

/// The subnets of a network that have a prefix, written or allocated, in declaration order.
fn subnets(model: &Model, network: NodeId) -> Vec<(NodeId, IpNet)> {
    model.node(network).children.iter().filter(|&&c| model.node(c).is("subnet")).filter_map(|&c| model.subnet_prefix(c).map(|p| (c, p))).collect()
}

/// Prefixes, each with the block it belongs to, for finding the first that
/// holds an address or a prefix by looking up its supernets, one a length,
/// rather than comparing it with every prefix of the plan.
struct Prefixes {
    /// Each prefix (normalised) with the first block given it, and when it was given.
    first: std::collections::HashMap<IpNet, (usize, NodeId), foldhash::fast::FixedState>,
    added: usize,
}

impl Prefixes {
    fn new() -> Prefixes {
        Prefixes { first: Default::default(), added: 0 }
    }

    fn add(&mut self, prefix: IpNet, owner: NodeId) {
        self.first.entry(prefix.trunc()).or_insert((self.added, owner));
        self.added += 1;
    }

    /// The block of the first prefix added that contains `net` and is shorter
    /// than `shorter_than` bits.
    fn first_containing(&self, net: IpNet, shorter_than: u8) -> Option<(IpNet, NodeId)> {
        (0..shorter_than.min(net.prefix_len() + 1))
            .filter_map(|length| {
                let supernet = IpNet::new(net.addr(), length).ok()?.trunc();
                self.first.get(&supernet).map(|&(added, owner)| (added, supernet, owner))
            })
            .min_by_key(|&(added, _, _)| added)
            .map(|(_, prefix, owner)| (prefix, owner))
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::diagnostic::Diagnostic;

    /// Analyses plan text and keeps the diagnostics of one code.
    pub fn diagnostics(text: &str, code: &str) -> Vec<Diagnostic> {
        let analysis = crate::analyze_text(text, std::path::Path::new("."));
        analysis.diagnostics.into_iter().filter(|d| d.code.code == code).collect()
    }

    /// An SSH public key that passes the checks, for Linux machines in tests.
    pub const SSH_KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG0pB3r7xQ ops@laptop";

    /// A plan with a network `net` (subnets `web` 10.0.0.0/26 and `small`
    /// 10.0.0.64/29), a key vault `kv`, and `blocks`.
    pub fn machines(blocks: &str) -> String {
        format!(
            "settings {{ location = uksouth }}\nkey_vault kv {{ resource_group = \"rg-kv\" }}\nvnet net {{\n resource_group = \"rg-net\"\n address_space = [10.0.0.0/24]\n subnet web 10.0.0.0/26\n subnet small 10.0.0.64/29\n}}\n{blocks}"
        )
    }

    /// A Linux `compute` or `scale_set` block in `net.web`, with `extra` in its body.
    pub fn linux(kind: &str, name: &str, extra: &str) -> String {
        format!("{kind} {name} {{\n resource_group = \"rg\"\n subnet = net.web\n image = ubuntu_2404\n size = Standard_D2s_v5\n ssh_key = \"{SSH_KEY}\"\n {extra}\n}}\n")
    }

    /// A Windows `compute` or `scale_set` block in `net.web`, with `extra` in its body.
    pub fn windows(kind: &str, name: &str, extra: &str) -> String {
        format!("{kind} {name} {{\n resource_group = \"rg\"\n subnet = net.web\n image = windows_2022\n size = Standard_D2s_v5\n admin = secret(kv, \"pw\")\n {extra}\n}}\n")
    }

    /// The messages of one code's diagnostics.
    pub fn messages(text: &str, code: &str) -> Vec<String> {
        diagnostics(text, code).into_iter().map(|d| d.message).collect()
    }
}
