//! Suppressions: `allow WHAT because "reason"` in a block's body keeps a
//! policy's findings, or a warning, from being reported inside that block.
//!
//! ```ashlar
//! nsg bastion_nsg {
//!   allow no_ssh_from_internet because "the jump host of the incident runbook, closed after each use"
//!   rule ssh { inbound allow tcp 22 from Internet priority 100 }
//! }
//! ```
//!
//! `WHAT` is a policy's name, a code (`ASH500`, `ASH216`) or a code's name
//! (`tag-policy`, `unattached`). A suppression covers the diagnostics whose
//! span, or one of whose labels, lies inside its block: an `allow` in an NSG
//! also covers the rules of the rule sets it includes. Only policy findings
//! and warnings and infos may be suppressed; an error of the plan is never
//! hidden, since Azure would refuse it. A suppression without a reason, of
//! something unknown or of an error, is `ASH503`; one that suppresses nothing
//! is `ASH502`, so that suppressions do not outlive their reason.

use super::{is_finding, INVALID_SUPPRESSION, UNUSED_SUPPRESSION};
use crate::ast::{self, Term, Value, ValueKind};
use crate::diagnostic::{did_you_mean, Code, Diagnostic, Severity};
use crate::model::Model;
use crate::schema::KindSchema;
use crate::source::Span;

/// Whether a nested block of a body is a suppression: `allow` where no kind
/// of that name may stand.
pub fn is_allow(kind: &'static KindSchema, block: &ast::Block) -> bool {
    block.head.name == "allow" && !kind.children.contains(&"allow") && kind.attribute("allow").is_none()
}

enum Target {
    Code(&'static crate::diagnostic::Code),
    Policy(String),
}

struct Allow {
    target: Target,
    what: String,
    /// The block it stands in.
    scope: Span,
    span: Span,
    used: bool,
}

const SHAPE: &str = "write `allow POLICY because \"reason\"`, or `allow CODE because \"reason\"`";

/// Removes the diagnostics the plan's suppressions cover, and reports the
/// suppressions that are wrong or cover nothing; `codes` is every code there
/// is ([`crate::registry::all`]); `assignments` the names of the Azure Policy
/// assignments evaluated ([`crate::azure_policy`]), whose findings an `allow`
/// may name as it names a policy's.
pub fn apply(model: &Model, diagnostics: &mut Vec<Diagnostic>, codes: &[&'static Code], assignments: &[String]) {
    let mut allows: Vec<Allow> = Vec::new();
    let mut problems: Vec<Diagnostic> = Vec::new();
    let mut policies: Vec<&str> = model.of_kind("policy").map(|(_, n)| n.name()).collect();
    policies.extend(assignments.iter().map(String::as_str));
    for node in &model.nodes {
        for block in &node.allows {
            let (allow, problem) = read(block, &policies, codes);
            allows.extend(allow.map(|a| Allow { scope: node.span, ..a }));
            problems.extend(problem);
        }
    }
    if allows.is_empty() && problems.is_empty() {
        return;
    }
    let inside = |scope: Span, span: Span| span.file == scope.file && span.start >= scope.start && span.end <= scope.end;
    diagnostics.retain(|d| {
        let suppressible = is_finding(d) || d.severity != Severity::Error;
        if !suppressible {
            return true;
        }
        let spans: Vec<Span> = d.span.into_iter().chain(d.labels.iter().map(|l| l.span)).collect();
        let mut kept = true;
        for allow in allows.iter_mut() {
            let matches = match &allow.target {
                Target::Code(code) => d.code.code == code.code,
                Target::Policy(name) => d.policy() == Some(name.as_str()),
            };
            if matches && spans.iter().any(|&s| inside(allow.scope, s)) {
                allow.used = true;
                kept = false;
            }
        }
        kept
    });
    for allow in allows.iter().filter(|a| !a.used) {
        problems.push(
            Diagnostic::new(&UNUSED_SUPPRESSION, allow.span, format!("`allow {}` suppresses nothing in this block", allow.what))
                .with_help("remove it: what it allowed is gone, or it stands in another block than the finding"),
        );
    }
    diagnostics.extend(problems);
}

/// A suppression, and what is wrong with it. One without a reason still
/// suppresses, so that the plan reports the missing reason only.
fn read(block: &ast::Block, policies: &[&str], codes: &[&'static Code]) -> (Option<Allow>, Option<Diagnostic>) {
    match target(block, policies, codes) {
        Err(d) => (None, Some(d)),
        Ok((allow, reason)) if reason.is_empty() => {
            let what = allow.what.clone();
            let d = Diagnostic::new(&INVALID_SUPPRESSION, block.span, format!("`allow {what}` gives no reason"))
                .with_help(format!("say why, for whoever reads the plan next: `allow {what} because \"...\"`"));
            (Some(allow), Some(d))
        }
        Ok((allow, _)) => (Some(allow), None),
    }
}

fn target(block: &ast::Block, policies: &[&str], codes: &[&'static Code]) -> Result<(Allow, String), Diagnostic> {
    let invalid = |span: Span, message: String, help: crate::diagnostic::Help| Diagnostic::new(&INVALID_SUPPRESSION, span, message).with_help(help);
    if let Some(body) = &block.body {
        return Err(invalid(body.span, "`allow` takes no `{ ... }`".into(), SHAPE.into()));
    }
    let (what, what_span) = match block.terms.first() {
        Some(Term::Value(v)) if v.as_word().is_some() => {
            let w = v.as_word().map(|w| w.name.clone()).unwrap_or_default();
            (w, v.span)
        }
        _ => return Err(invalid(block.span, "`allow` needs the policy or code it allows".into(), SHAPE.into())),
    };
    let reason = match &block.terms[1..] {
        [] => "",
        [Term::Value(b), Term::Value(Value { kind: ValueKind::Str(reason), .. })] if b.as_word().is_some_and(|w| w.name == "because") => {
            reason.trim()
        }
        [other, ..] => return Err(invalid(other.span(), "a suppression reads `allow WHAT because \"reason\"`".into(), SHAPE.into())),
    };
    let target = if policies.contains(&what.as_str()) {
        Target::Policy(what.clone())
    } else if let Some(code) = crate::diagnostic::find_code(codes, &what) {
        if code.severity == Severity::Error && !super::is_finding_code(code) {
            return Err(invalid(
                what_span,
                format!("{} ({}) is an error: it cannot be allowed", code.code, code.name),
                "an error is what Azure would refuse, or what the plan cannot mean; fix it instead".into(),
            ));
        }
        Target::Code(code)
    } else {
        let mut known: Vec<&str> = policies.to_vec();
        known.extend(codes.iter().map(|c| c.name));
        let help =
            did_you_mean(&what, known.iter().copied()).unwrap_or_else(|| "name a policy of the plan, a code such as ASH216, or a code's name".into());
        return Err(invalid(what_span, format!("there is no policy or code `{what}` to allow"), help));
    };
    Ok((Allow { target, what, scope: block.span, span: block.span, used: false }, reason.to_string()))
}
