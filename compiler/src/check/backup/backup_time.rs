use crate::blocks::backup::{clock, policies};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a `backup_policy` whose schedule starts backups at a time that
    /// is not on the hour or the half hour: `daily at 01:15`.
    ///
    /// ## Why it matters
    /// Azure Backup starts VM backups on the hour or half hour only: it
    /// refuses a policy with another time (`BMSUserErrorInvalidPolicyInput`,
    /// "Please check format of parameters like schedule time") when the
    /// deployment reaches it, and the machines stay unprotected. Azure
    /// PowerShell ("must be of multiples of 30 Mins") and the Terraform
    /// provider (`HH:00` or `HH:30`) refuse it before sending it.
    ///
    /// ## Example
    /// ```ashlar
    /// backup_policy nightly {
    ///   daily at 01:15 retain 30d
    /// }
    /// ```
    ///
    /// ## Fix
    /// Start on the hour or half hour: `daily at 01:00` or `daily at 01:30`.
    pub BACKUP_TIME = ("ASH453", "backup-time", Error);
}

pub const CHECK: Check = Check { code: &BACKUP_TIME, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, policy) in policies(model) {
        let time = policy.schedule.time;
        if time % 30 == 0 {
            continue;
        }
        let before = time - time % 30;
        let after = (before + 30) % (24 * 60);
        out.push(
            Diagnostic::new(
                &BACKUP_TIME,
                policy.schedule.time_span,
                format!(
                    "backup policy `{}` starts backups at {}, but Azure Backup starts them on the hour or half hour only",
                    model.node(block).name(),
                    clock(time)
                ),
            )
            .with_help(format!("write `at {}` or `at {}`", clock(before), clock(after))),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::diagnostics;

    fn with(time: &str) -> Vec<crate::diagnostic::Diagnostic> {
        diagnostics(&format!("settings {{ location = uksouth }}\nbackup_policy nightly {{\n daily at {time} retain 30d\n}}\n"), "ASH453")
    }

    #[test]
    fn backups_start_on_the_hour_or_half_hour() {
        assert!(with("00:00").is_empty());
        assert!(with("01:30").is_empty());
        assert!(with("23:30").is_empty());
        let found = with("23:45");
        assert_eq!(found[0].message, "backup policy `nightly` starts backups at 23:45, but Azure Backup starts them on the hour or half hour only");
        assert_eq!(found[0].help.as_deref(), Some("write `at 23:30` or `at 00:00`"));
        assert_eq!(with("1:05").len(), 1);
    }
}
