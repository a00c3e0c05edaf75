//! The building blocks: for each, its kinds of block (schemas) and the lowering
//! passes that turn its blocks into Azure resources.

pub mod attach;
pub mod backup;
pub mod bastion;
pub mod compute;
pub mod desktops;
pub mod egress;
pub mod endpoints;
pub mod existing;
pub mod firewall;
pub mod firewall_policy;
pub mod gateway;
pub mod images;
pub mod lowering;
pub mod monitoring;
pub mod naming;
pub mod nat;
pub mod network;
pub mod phrase;
pub mod placement;
pub mod policies;
pub mod private_dns;
pub mod routing;
pub mod scale_set;
pub mod security;
pub mod settings;
pub mod updates;

use crate::diagnostic::Diagnostic;
use crate::model::Model;
use lowering::Lowering;

/// What resolution leaves to the blocks' own modules, once references are
/// resolved and `auto` prefixes allocated: typing the phrases of phrase kinds
/// ([`crate::schema::PHRASE_KINDS`]), and defaults that depend on other blocks.
pub fn type_phrases(model: &mut Model, diagnostics: &mut Vec<Diagnostic>) {
    security::read_rules(model, diagnostics);
    routing::read_routes(model, diagnostics);
    firewall::read_rules(model, diagnostics);
    attach::require_groups(model, diagnostics);
    scale_set::read_autoscale(model, diagnostics);
    updates::read_schedules(model, diagnostics);
    backup::read_policies(model, diagnostics);
}

/// Lowers a checked model, which must be free of errors. Fails only when the
/// derived resources depend on each other in a circle.
pub fn lower(model: &Model) -> Result<crate::lower::ir::AzurePlan, Vec<Diagnostic>> {
    let mut lowering = Lowering::new(model);
    // Workspaces and DDoS plans first: policies, networks and diagnostics refer to them.
    monitoring::lower_workspaces(&mut lowering);
    monitoring::lower_ddos_plans(&mut lowering);
    // Each pass may refer to the resources of the passes before it.
    security::lower_nsgs(&mut lowering);
    routing::lower_route_tables(&mut lowering);
    firewall::lower_firewall_routes(&mut lowering);
    nat::lower_nat_gateways(&mut lowering);
    network::lower_networks(&mut lowering);
    gateway::lower_gateways(&mut lowering);
    firewall_policy::lower_policies(&mut lowering);
    firewall::lower_firewalls(&mut lowering);
    firewall::read_firewall_addresses(&mut lowering);
    bastion::lower_bastions(&mut lowering);
    network::lower_peerings(&mut lowering);
    private_dns::lower_private_dns(&mut lowering);
    // Images before the machines that start from them.
    images::lower_galleries(&mut lowering);
    images::lower_images(&mut lowering);
    // Machines before private endpoints, so that endpoints can wait for the
    // static addresses of their subnet (see `order_static_addresses`).
    placement::lower_placement(&mut lowering);
    compute::lower_compute(&mut lowering);
    scale_set::lower_scale_sets(&mut lowering);
    // Backup after the machines it protects.
    backup::lower_backup(&mut lowering);
    desktops::lower_desktops(&mut lowering);
    private_dns::lower_private_endpoints(&mut lowering);
    attach::declare_groups(&mut lowering);
    updates::lower_update_groups(&mut lowering);
    compute::order_static_addresses(&mut lowering);
    // Diagnostics last: they watch the resources of every pass before.
    monitoring::lower_diagnostics(&mut lowering);
    lowering.finish()
}
