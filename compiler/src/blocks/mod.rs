//! The building blocks: for each, its kinds of block (schemas) and the lowering
//! passes that turn its blocks into Azure resources.

pub mod attach;
pub mod backup;
pub mod bastion;
pub mod compute;
pub mod desktops;
pub mod endpoints;
pub mod firewall;
pub mod gateway;
pub mod images;
pub mod nat;
pub mod network;
pub mod phrase;
pub mod private_dns;
pub mod routing;
pub mod scale_set;
pub mod security;
pub mod settings;
pub mod updates;

use crate::diagnostic::Diagnostic;
use crate::model::Model;

/// What resolution leaves to the blocks' own modules, once references are
/// resolved and `auto` prefixes allocated: typing the phrases of phrase kinds
/// ([`crate::schema::PHRASE_KINDS`]), and defaults that depend on other blocks.
pub fn type_phrases(model: &mut Model, diagnostics: &mut Vec<Diagnostic>) {
    security::type_rules(model, diagnostics);
    routing::type_routes(model, diagnostics);
    attach::require_groups(model, diagnostics);
    scale_set::read_autoscale(model, diagnostics);
    updates::read_schedules(model, diagnostics);
    backup::read_policies(model, diagnostics);
}
