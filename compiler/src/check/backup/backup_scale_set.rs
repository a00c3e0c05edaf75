use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports `backup` on a `scale_set`.
    ///
    /// ## Why it matters
    /// Azure Backup protects virtual machines one by one, each by its name,
    /// while a scale set makes and removes its instances as it scales: a
    /// deployment cannot name the instances to protect, and an instance made
    /// later would have no backup. ashlar refuses it rather than deploy a scale
    /// set that looks protected and is not.
    ///
    /// ## Example
    /// ```ashlar
    /// scale_set workers {
    ///   backup = nightly
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Remove `backup`: keep the data worth keeping off the instances, in a
    /// service with backups of its own (a database, a storage account), or run
    /// the machines as a `compute` block, which `backup` protects.
    pub BACKUP_SCALE_SET = ("ASH454", "backup-scale-set", Error);
}

pub const CHECK: Check = Check { code: &BACKUP_SCALE_SET, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, node) in model.of_kind("scale_set") {
        let Some(attr) = node.get("backup") else { continue };
        out.push(
            Diagnostic::new(
                &BACKUP_SCALE_SET,
                attr.key.to(attr.span),
                format!(
                    "{} cannot have `backup`: Azure Backup protects machines one by one, by name, and a scale set makes and removes its instances as it scales",
                    model.describe(block)
                ),
            )
            .with_help("remove `backup`; keep the data worth keeping off the instances (in a database or a storage account), or run the machines as a `compute` block, which `backup` protects"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages};

    #[test]
    fn scale_sets_take_no_backup() {
        let policy = "backup_policy nightly { daily at 01:00 retain 30d }\n";
        let with = |kind: &str| messages(&machines(&format!("{policy}{}", linux(kind, "w", "backup = nightly"))), "ASH454");
        assert!(with("compute").is_empty());
        assert_eq!(with("scale_set").len(), 1);
    }
}
