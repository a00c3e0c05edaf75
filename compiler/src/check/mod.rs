//! Checks: Azure's hard rules and the plan's own conventions, one check per file.
//!
//! Each check has a stable code declared in its file, with documentation in
//! fixed sections (what it does, why it matters, example, fix) that
//! `ashlar explain CODE` prints. [`CHECKS`] lists the checks of the model and
//! [`PLAN_CHECKS`] those of the lowered resources ([`codes`] gives both); a
//! test fails when a code lacks docs or a fixture, or when two share a code.
//!
//! The checks are grouped by building block, one folder each: `addresses`,
//! `endpoints` (private endpoints and DNS), `traffic` (NSGs, routes, the
//! firewall), `gateways`, `names` (names and tags), `images`, `machines`,
//! `updates`, `backup`, `desktops`.

mod addresses;
mod backup;
mod desktops;
mod endpoints;
mod gateways;
mod images;
mod machines;
mod names;
mod traffic;
mod updates;

use crate::diagnostic::{Code, Diagnostic};
use crate::lower::ir::AzurePlan;
use crate::model::{Model, NodeId};
use crate::source::Span;
use ipnet::IpNet;

/// What every check sees.
pub struct Context<'a> {
    pub model: &'a Model,
    /// The date checks count from, and where it came from: read once by
    /// [`crate::analyze`] and handed to every check, on whatever thread it runs.
    pub today: (crate::calendar::Date, crate::calendar::TodaySource),
    /// Each subnet's way out to the Internet, worked out once for the checks that ask.
    egress: std::sync::OnceLock<crate::blocks::egress::Egress<'a>>,
}

impl<'a> Context<'a> {
    pub fn new(model: &'a Model, today: (crate::calendar::Date, crate::calendar::TodaySource)) -> Context<'a> {
        Context { model, today, egress: std::sync::OnceLock::new() }
    }

    /// The plan's ways out to the Internet ([`crate::blocks::egress`]), found on first use.
    pub fn egress(&self) -> &crate::blocks::egress::Egress<'a> {
        self.egress.get_or_init(|| crate::blocks::egress::Egress::new(self.model))
    }
}

/// A check: its code and the function that runs it.
pub struct Check {
    pub code: &'static Code,
    pub run: fn(&Context, &mut Vec<Diagnostic>),
}

/// A check of what lowering made: it reads the resources rather than derive
/// them again, so it runs only once the model is lowered: when it read and
/// resolved without an error, has no circle, and no check found an error that
/// [`stops_lowering`] ([`crate::analyze`]).
pub struct PlanCheck {
    pub code: &'static Code,
    pub run: fn(&Context, &AzurePlan, &mut Vec<Diagnostic>),
}

/// Every check of the resources, in the order they run.
pub const PLAN_CHECKS: &[PlanCheck] = &[names::azure_name::CHECK];

/// The code of every check, of the model and of the resources.
pub fn codes() -> impl Iterator<Item = &'static Code> {
    CHECKS.iter().map(|c| c.code).chain(PLAN_CHECKS.iter().map(|c| c.code))
}

/// Every check, in the order they run.
pub const CHECKS: &[Check] = &[
    addresses::subnet_outside_vnet::CHECK,
    addresses::subnet_overlap::CHECK,
    addresses::peered_address_overlap::CHECK,
    addresses::subnet_size::CHECK,
    addresses::reserved_address_range::CHECK,
    addresses::address_space_overlap::CHECK,
    names::tag_limits::CHECK,
    names::naming_pattern::CHECK,
    addresses::unconnected_address_overlap::CHECK,
    images::image_region::CHECK,
    addresses::appliance::CHECK,
    addresses::nat_gateway::CHECK,
    endpoints::duplicate_private_dns::CHECK,
    endpoints::private_dns_zone_name::CHECK,
    endpoints::private_endpoint_resource_id::CHECK,
    endpoints::private_dns_zone_unlinked::CHECK,
    addresses::self_peering::CHECK,
    addresses::redundant_peering::CHECK,
    addresses::explicit_peering_overlap::CHECK,
    addresses::network_limits::CHECK,
    addresses::existing_network_space::CHECK,
    addresses::existing_subnet_option::CHECK,
    names::existing_resource::CHECK,
    gateways::use_remote_gateways::CHECK,
    addresses::peering_options::CHECK,
    endpoints::duplicate_private_endpoint::CHECK,
    endpoints::dns_autoregistration_conflict::CHECK,
    endpoints::private_endpoint_group::CHECK,
    endpoints::existing_subnet_endpoint_group::CHECK,
    traffic::nsg_priority_range::CHECK,
    traffic::nsg_priority_conflict::CHECK,
    traffic::nsg_duplicate_rule::CHECK,
    traffic::rule_description_length::CHECK,
    traffic::nsg_forbidden_subnet::CHECK,
    traffic::bastion_nsg_rules::CHECK,
    traffic::route_table_forbidden_subnet::CHECK,
    traffic::unattached::CHECK,
    traffic::address_in_no_subnet::CHECK,
    traffic::next_hop_in_no_subnet::CHECK,
    traffic::next_hop_unreachable::CHECK,
    traffic::gateway_next_hop::CHECK,
    traffic::attachment_region::CHECK,
    traffic::route_prefix_conflict::CHECK,
    traffic::rule_duplicate_value::CHECK,
    traffic::rule_limits::CHECK,
    traffic::session_hosts_offline::CHECK,
    traffic::machines_offline::CHECK,
    addresses::subnet_delegation::CHECK,
    endpoints::endpoint_subnet::CHECK,
    gateways::gateway_sku::CHECK,
    gateways::bgp_asn::CHECK,
    gateways::on_premises_overlap::CHECK,
    gateways::on_premises_ranges::CHECK,
    addresses::public_address_space::CHECK,
    gateways::site_gateway_ip::CHECK,
    traffic::firewall_threat_intel::CHECK,
    traffic::firewall_policy_parent::CHECK,
    traffic::firewall_policy_priority::CHECK,
    traffic::firewall_policy_tier::CHECK,
    traffic::firewall_dns_proxy::CHECK,
    traffic::firewall_policy_fit::CHECK,
    traffic::firewall_public_addresses::CHECK,
    gateways::point_to_site_auth::CHECK,
    gateways::gateway_coexistence::CHECK,
    gateways::site_without_vpn_gateway::CHECK,
    images::image_replication_region::CHECK,
    images::build_customizer_os::CHECK,
    images::trusted_launch_generation::CHECK,
    images::image_source_os::CHECK,
    images::image_source_generation::CHECK,
    images::build_timeout::CHECK,
    images::image_identifier::CHECK,
    images::duplicate_image_identifier::CHECK,
    images::image_build_inputs::CHECK,
    images::image_build_state::CHECK,
    images::image_source_region::CHECK,
    images::image_builder_region::CHECK,
    images::image_end_of_life::CHECK,
    images::image_version_source::CHECK,
    images::image_recommended_range::CHECK,
    images::build_file::CHECK,
    machines::computer_name::CHECK,
    machines::existing_subnet_subscription::CHECK,
    machines::admin_username::CHECK,
    machines::placement_conflict::CHECK,
    machines::shared_placement::CHECK,
    machines::image_generation::CHECK,
    machines::accelerated_networking::CHECK,
    machines::size_limits::CHECK,
    machines::image_os_mismatch::CHECK,
    machines::patch_mode_conflict::CHECK,
    machines::ephemeral_os_disk::CHECK,
    machines::machine_extensions::CHECK,
    machines::disk_encryption_set::CHECK,
    machines::disk_caching::CHECK,
    machines::machine_login::CHECK,
    machines::static_ip::CHECK,
    addresses::subnet_capacity::CHECK,
    machines::scale_set_capacity::CHECK,
    machines::autoscale_flapping::CHECK,
    machines::disk_type_size::CHECK,
    machines::data_disk_lun::CHECK,
    machines::custom_data_size::CHECK,
    machines::script_command_length::CHECK,
    machines::rolling_upgrade_health::CHECK,
    machines::load_balancer_ports::CHECK,
    machines::ssh_public_key::CHECK,
    machines::machine_subnet::CHECK,
    machines::duplicate_machine_name::CHECK,
    machines::vm_size::CHECK,
    machines::vm_series::CHECK,
    updates::update_window_duration::CHECK,
    updates::update_time_zone::CHECK,
    updates::update_date::CHECK,
    updates::update_window_expiry::CHECK,
    updates::update_os_settings::CHECK,
    updates::update_window_never_opens::CHECK,
    updates::update_scale_set::CHECK,
    updates::shared_update_window::CHECK,
    updates::update_group_os::CHECK,
    updates::update_group_scope::CHECK,
    backup::backup_retention::CHECK,
    backup::backup_instant_restore::CHECK,
    backup::backup_weekly_days::CHECK,
    backup::backup_time::CHECK,
    backup::backup_scale_set::CHECK,
    backup::backup_schedule_retention::CHECK,
    backup::backup_vault_conflict::CHECK,
    backup::backup_policy_unused::CHECK,
    backup::backup_disk_limits::CHECK,
    desktops::desktop_pool_type::CHECK,
    desktops::desktop_join::CHECK,
    desktops::session_host_name::CHECK,
    desktops::multi_session_image::CHECK,
    desktops::session_host_os::CHECK,
    desktops::scaling_schedule::CHECK,
    desktops::remote_app_personal::CHECK,
    desktops::desktop_app_groups::CHECK,
    desktops::desktop_user_id::CHECK,
    desktops::desktop_workspace_region::CHECK,
    desktops::preferred_app_group::CHECK,
    desktops::unused_desktop_workspace::CHECK,
];

/// Whether a check's finding leaves the plan unfit to lower: a naming pattern
/// that does not expand, which would give every name made from it an error of
/// its own (`ASH301`).
pub fn stops_lowering(d: &Diagnostic) -> bool {
    d.is_error() && d.code.code == names::naming_pattern::NAMING_PATTERN.code
}

/// Runs every check over a model, on `today`.
pub fn run(model: &Model, today: (crate::calendar::Date, crate::calendar::TodaySource)) -> Vec<Diagnostic> {
    let context = Context::new(model, today);
    let run_one = |check: &Check| {
        let mut found = Vec::new();
        (check.run)(&context, &mut found);
        found
    };
    // Checks are independent: a large plan's are shared out over the cores,
    // and their diagnostics kept in the checks' order.
    crate::parallel::flat_map_in_order(model.nodes.len(), CHECKS.iter().collect(), run_one)
}

/// Runs every check of the resources over a lowered plan, on `today`.
pub fn run_plan(model: &Model, plan: &AzurePlan, today: (crate::calendar::Date, crate::calendar::TodaySource)) -> Vec<Diagnostic> {
    let context = Context::new(model, today);
    let mut found = Vec::new();
    for check in PLAN_CHECKS {
        (check.run)(&context, plan, &mut found);
    }
    found
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

/// The subnets of a network that have a prefix, written or allocated, in
/// declaration order: of the plan's networks, and of an `existing vnet` (those
/// it declares with a prefix).
fn subnets(model: &Model, network: NodeId) -> Vec<(NodeId, IpNet)> {
    model
        .node(network)
        .children
        .iter()
        .filter(|&&c| crate::schema::attrs::SUBNET_KINDS.iter().any(|&kind| model.node(c).is(kind)))
        .filter_map(|&c| model.subnet_prefix(c).map(|p| (c, p)))
        .collect()
}

/// The networks whose declared subnets must fit their address space and not
/// overlap (`ASH201`, `ASH202`): the plan's own, and the `existing vnet`s, whose
/// subnets and space the plan states and Azure holds to the same rule. Only
/// these two checks walk an existing network's subnets: it is not deployed, and
/// its space meets the plan's peered networks in `ASH256` alone.
fn declared_networks(model: &Model) -> impl Iterator<Item = (NodeId, &crate::model::Node)> {
    model.networks().chain(model.of_kind(crate::blocks::existing::EXISTING_VNET))
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
