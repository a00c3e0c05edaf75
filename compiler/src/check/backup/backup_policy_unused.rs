use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Warns about a `backup_policy` that no `compute` block names in `backup`.
    ///
    /// ## Why it matters
    /// A backup policy deploys into the vault of the machines it protects:
    /// one that protects no machine deploys nothing, and the machines meant
    /// to have it have no backup. Usually a `backup = ...` was forgotten.
    ///
    /// ## Example
    /// ```ashlar
    /// backup_policy nightly {
    ///   daily at 01:00 retain 30d
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give the machines `backup = nightly`, or remove the policy.
    pub BACKUP_POLICY_UNUSED = ("ASH457", "backup-policy-unused", Warning);
}

pub const CHECK: Check = Check { code: &BACKUP_POLICY_UNUSED, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind("backup_policy") {
        let used = model.of_kind("compute").any(|(_, c)| c.reference("backup") == Some(id));
        if used || node.from_library {
            continue;
        }
        out.push(
            Diagnostic::new(&BACKUP_POLICY_UNUSED, node.head, format!("backup policy `{}` protects no machine: nothing of it deploys", node.name()))
                .with_help(format!("give machines `backup = {}` in their `compute` block, or remove the policy", node.name())),
        );
    }
}
