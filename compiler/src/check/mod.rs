//! Checks: Azure's hard rules and the plan's own conventions, one check per file.
//!
//! Each check has a stable code declared in its file, with documentation in
//! fixed sections (what it does, why it matters, example, fix) that
//! `ashlar explain CODE` prints. [`CHECKS`] is the one list of them; a test
//! fails when a code lacks docs or a fixture, or when two share a code.

mod subnet_overlap;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::Model;

/// What every check sees.
pub struct Context<'a> {
    pub model: &'a Model,
}

/// A check: its code and the function that runs it.
pub struct Check {
    pub code: &'static Code,
    pub run: fn(&Context, &mut Vec<Diagnostic>),
}

/// Every check, in the order they run.
pub const CHECKS: &[Check] = &[subnet_overlap::CHECK];

/// Runs every check over a model.
pub fn run(model: &Model) -> Vec<Diagnostic> {
    let context = Context { model };
    let mut diagnostics = Vec::new();
    for check in CHECKS {
        (check.run)(&context, &mut diagnostics);
    }
    diagnostics
}
