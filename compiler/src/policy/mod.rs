//! Policies: an organisation's rules, written in ashlar beside its plans and
//! enforced when the plan compiles.
//!
//! ```ashlar
//! policy no_mgmt_from_internet {
//!   severity = error
//!   about    = "Management ports must not be open to the Internet"
//!   for rule in nsg.rules where rule.inbound and rule.allow {
//!     deny when rule.source == Internet and 22 in rule.ports message "rule {rule.name} of {nsg.name} opens {rule.ports} to the Internet"
//!   }
//! }
//! tags {
//!   require environment in ["prod", "test", "dev"]
//!   require owner
//! }
//! ```
//!
//! A `policy` block and the plan's `tags` block are kinds of the schema, so
//! that resolution declares them (a plan's policy shadows a library policy of
//! the same name); the clauses of their bodies are phrases kept raw in
//! [`crate::model::Node::raw_phrases`]. [`compile`] parses and type-checks
//! them once, after the plan resolves, and reports every problem in the
//! policy itself with codes ASH510 to ASH515; the analysis keeps what it
//! compiled for evaluation and for the editor.
//!
//! The stages, one file each: [`parse`] turns phrases into clauses and an
//! expression tree; [`check`] types them against the fields of the model
//! ([`fields`]); [`eval`] runs them over the model, once before lowering and
//! once after it for the clauses over `resources` and `resource_groups`;
//! [`tags`] checks the tag policy on every resource group and resource the
//! plan emits. Findings are ASH500 (`policy`) and ASH501 (`tag-policy`), with
//! the severity the policy gives.

pub mod allow;
pub mod cases;
pub mod check;
pub mod eval;
pub mod fields;
pub mod parse;
pub mod tags;

use crate::ast;
use crate::declare_codes;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::lower::ir::AzurePlan;
use crate::model::{Model, NodeId};

/// The kinds of this module: they deploy nothing, and the graph leaves them out.
pub const KINDS: &[&str] = &["policy", "tags", "azure_policy"];

declare_codes! {
    /// ## What it does
    /// Reports a block, NSG rule, address or resource that a policy of the plan,
    /// or of a standard pack it uses (`use std.security`), forbids (`deny when`)
    /// or that lacks what a policy requires (`require`). The message starts with
    /// the policy's name in brackets; the help is the policy's `about`. The
    /// severity is the policy's `severity`: `error` (the default) fails the
    /// build, `warning` and `info` do not.
    ///
    /// ## Why it matters
    /// An organisation's rules (no management ports open to the Internet, every
    /// production network has an owner) are caught at the line that breaks
    /// them, before anything is deployed, in the editor, in CI and in `ashlar build`.
    ///
    /// ## Example
    /// ```ashlar
    /// policy no_ssh_from_internet {
    ///   about = "SSH must not be open to the Internet"
    ///   for rule in nsg.rules where rule.inbound and rule.allow {
    ///     deny when rule.source == Internet and 22 in rule.ports message "rule {rule.name} of {nsg.name} opens SSH to the Internet"
    ///   }
    /// }
    /// nsg web_nsg {
    ///   rule ssh { inbound allow tcp 22 from Internet priority 100 }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Change the block as the policy asks: here allow SSH only from a known
    /// prefix, or reach the machines through Bastion. When the policy itself is
    /// wrong for the plan, change the policy, or shadow a standard policy with a
    /// plan policy of the same name.
    pub POLICY_FINDING = ("ASH500", "policy", Error);

    /// ## What it does
    /// Checks the plan's tag policy (a top-level `tags` block) on every resource
    /// group and every resource the plan deploys that takes tags: each tag it
    /// `require`s is there (tag names ignore case, as in Azure), with a value
    /// from its `in` list or matching its `matches` pattern. A missing tag is
    /// reported once per block, at the block whose resources lack it; a tag
    /// that several blocks lack, once at `settings`' `tags`, where one line
    /// gives it to them all, counting what it affects; a wrong value at the tag
    /// that gives it.
    ///
    /// ## Why it matters
    /// Cost reports, ownership and clean-up rely on tags; a resource deployed
    /// without them is found only when the invoice arrives.
    ///
    /// ## Example
    /// ```ashlar
    /// settings {
    ///   location = uksouth
    ///   tags { environment = "staging" }
    /// }
    /// tags {
    ///   require environment in ["prod", "test", "dev"]
    ///   require owner
    /// }
    /// ```
    ///
    /// ## Fix
    /// Add the tag to `settings { tags { ... } }` for every block, or to the
    /// block's own `tags`, with a value the policy allows.
    pub TAG_POLICY = ("ASH501", "tag-policy", Error);

    /// ## What it does
    /// Reports a clause of a policy or tag policy of the wrong shape: a `for`
    /// without `in` or without a body, a `deny` without `when`, an operator
    /// without an operand, a word that does not belong, a `message` that is not
    /// a string.
    ///
    /// ## Why it matters
    /// A policy that does not read as intended would check nothing, silently.
    ///
    /// ## Example
    /// ```ashlar
    /// policy p {
    ///   for net in networks {
    ///     deny net.tags.owner == "" message "no owner"
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Write the clause in the shape the help gives: here `deny when CONDITION`.
    pub POLICY_SYNTAX = ("ASH510", "policy-syntax", Error);

    /// ## What it does
    /// Reports a `for` over a collection the model does not have.
    ///
    /// ## Why it matters
    /// A policy over a misspelt collection would iterate nothing and pass every plan.
    ///
    /// ## Example
    /// ```ashlar
    /// policy p {
    ///   for net in netwroks {
    ///     require net.tags.owner message "{net.name} has no owner"
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Name a collection: a kind's plural (`hubs`, `spokes`, `vnets`, `networks`,
    /// `subnets`, `nsgs`, `rules`, `route_tables`, `routes`, `firewalls`, ...),
    /// `resources` or `resource_groups`, or a list field of a variable (`nsg.rules`,
    /// `net.subnets`, `networks.address_space`).
    pub UNKNOWN_POLICY_COLLECTION = ("ASH511", "unknown-policy-collection", Error);

    /// ## What it does
    /// Reports a name in a policy that means nothing: a field the value does not
    /// have (`rule.prot`), a variable no `for` binds, a function ashlar does not
    /// know, in conditions and in `{...}` of messages alike.
    ///
    /// ## Why it matters
    /// A misspelt field would read as absent and make the policy pass or fail
    /// every plan, for the wrong reason.
    ///
    /// ## Example
    /// ```ashlar
    /// policy p {
    ///   for rule in nsg.rules {
    ///     deny when rule.prot == udp message "udp"
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Use a field the help lists, or bind the variable with a `for`.
    pub UNKNOWN_POLICY_NAME = ("ASH512", "unknown-policy-name", Error);

    /// ## What it does
    /// Reports values in a policy that cannot be compared or combined: an
    /// address prefix compared with a number, a string used as a condition, a
    /// word that a field never holds (`rule.protocol == tpc`), `within` on a
    /// name, `count` of a string.
    ///
    /// ## Why it matters
    /// Such a comparison is never true: the policy would pass every plan.
    ///
    /// ## Example
    /// ```ashlar
    /// policy p {
    ///   for net in networks.address_space {
    ///     deny when net == 16 message "too big"
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Compare values of one type: `prefix_length(net) < 16`, or `net within 10.0.0.0/8`.
    pub POLICY_TYPE_MISMATCH = ("ASH513", "policy-type-mismatch", Error);

    /// ## What it does
    /// Reports a `matches` pattern that is not a valid regular expression (the
    /// syntax of Rust's `regex` crate, without look-around or back-references).
    ///
    /// ## Why it matters
    /// A pattern that does not compile could match nothing, or everything.
    ///
    /// ## Example
    /// ```ashlar
    /// tags {
    ///   require cost_centre matches "^CC-[0-9{4}$"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Correct the pattern as the message says: here close the class, `^CC-[0-9]{4}$`.
    pub INVALID_POLICY_REGEX = ("ASH514", "invalid-policy-regex", Error);

    /// ## What it does
    /// Reports a policy message whose `{...}` is not closed or holds no field.
    /// `{{` and `}}` write a brace itself.
    ///
    /// ## Why it matters
    /// The finding would show the braces instead of the value it should name.
    ///
    /// ## Example
    /// ```ashlar
    /// policy p {
    ///   for net in networks {
    ///     require net.tags.owner message "{net.name has no owner"
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Close the brace, `{net.name}`, or write `{{` for a brace of the text.
    pub POLICY_MESSAGE = ("ASH515", "policy-message", Error);

    /// ## What it does
    /// Reports an `allow ... because "..."` that suppresses nothing in its
    /// block: no finding of that policy, no diagnostic of that code, is there.
    ///
    /// ## Why it matters
    /// A suppression that outlives its reason would hide the next finding of
    /// the same kind in that block, unseen.
    ///
    /// ## Example
    /// ```ashlar
    /// nsg web_nsg {
    ///   allow no_ssh_from_internet because "temporary jump host"
    ///   rule https { inbound allow tcp 443 from Internet priority 100 }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Remove the `allow`, or move it into the block whose finding it allows.
    pub UNUSED_SUPPRESSION = ("ASH502", "unused-suppression", Warning);

    /// ## What it does
    /// Reports an `allow` that cannot stand: without `because "reason"`, naming
    /// no policy of the plan and no code, or naming an error, which is never
    /// suppressed.
    ///
    /// ## Why it matters
    /// A suppression is a decision someone must be able to read and review; an
    /// error of the plan is what Azure would refuse, and hiding it would only
    /// move the failure to the deployment.
    ///
    /// ## Example
    /// ```ashlar
    /// nsg web_nsg {
    ///   allow no_ssh_from_internet
    ///   rule ssh { inbound allow tcp 22 from Internet priority 100 }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give the reason, `allow no_ssh_from_internet because "..."`, name a
    /// policy or a warning's code, or fix the error.
    pub INVALID_SUPPRESSION = ("ASH503", "invalid-suppression", Error);
}

/// Every code of this module.
pub const CODES: &[&Code] = DECLARED;

/// Parses and type-checks the clauses of a policy; a clause with an error is left out.
fn compile_clauses(phrases: &[ast::Block], out: &mut Vec<Diagnostic>) -> Vec<check::Checked> {
    let clauses = parse::clauses(phrases, out);
    check::check(clauses, out)
}

/// A compiled policy of the plan.
pub struct Policy {
    pub node: NodeId,
    pub name: String,
    pub severity: Severity,
    pub about: Option<String>,
    pub clauses: Vec<check::Checked>,
}

/// Every policy and tag policy of the plan, compiled.
pub struct Policies {
    pub policies: Vec<Policy>,
    pub tags: Vec<tags::TagPolicy>,
}

/// The severity a policy block gives its findings.
fn severity(model: &Model, id: NodeId) -> Severity {
    match model.node(id).str("severity") {
        Some("warning") => Severity::Warning,
        Some("info") => Severity::Info,
        _ => Severity::Error,
    }
}

/// Compiles the plan's policies. Their errors were reported when the plan resolved.
pub fn compile(model: &Model, out: &mut Vec<Diagnostic>) -> Policies {
    let policies = model
        .of_kind("policy")
        .map(|(id, node)| Policy {
            node: id,
            name: node.name().to_string(),
            severity: severity(model, id),
            about: node.str("about").map(str::to_string),
            clauses: compile_clauses(&node.raw_phrases, out),
        })
        .collect();
    let tags = model
        .of_kind("tags")
        .map(|(id, node)| tags::TagPolicy {
            severity: severity(model, id),
            about: node.str("about").map(str::to_string),
            rules: tags::rules(&node.raw_phrases, out),
        })
        .collect();
    Policies { policies, tags }
}

/// The findings of the policies over the model: every clause that does not
/// iterate `resources` or `resource_groups`.
pub fn evaluate_model(policies: &Policies, model: &Model) -> Vec<Diagnostic> {
    eval::run(policies, model, None)
}

/// The findings over the Azure resources: the clauses over `resources` and
/// `resource_groups`, and the tag policy.
pub fn evaluate_plan(policies: &Policies, model: &Model, plan: &AzurePlan) -> Vec<Diagnostic> {
    let mut out = eval::run(policies, model, Some(plan));
    for tag_policy in &policies.tags {
        tags::check_plan(tag_policy, model, plan, &mut out);
    }
    out
}

/// What of the plan's policies reads the Azure resources, and so runs only on
/// a lowered plan: "the tag policy" and each policy with a clause over
/// `resources` or `resource_groups`, in the plan's order.
pub fn over_resources(policies: &Policies) -> Vec<String> {
    let tags = policies.tags.iter().any(|t| !t.rules.is_empty()).then(|| "the tag policy".to_string());
    let clauses = policies.policies.iter().filter(|p| p.clauses.iter().any(|c| c.after_lowering)).map(|p| format!("policy `{}`", p.name));
    tags.into_iter().chain(clauses).collect()
}

/// Whether a diagnostic is a finding of a policy rather than a problem of the
/// plan's text: findings do not stop the plan from being lowered, so that the
/// policies over its resources run too.
pub fn is_finding(d: &Diagnostic) -> bool {
    is_finding_code(d.code)
}

/// Whether a code is one of policy findings.
pub fn is_finding_code(code: &crate::diagnostic::Code) -> bool {
    code.code == POLICY_FINDING.code || code.code == TAG_POLICY.code || crate::azure_policy::is_finding_code(code)
}
