use crate::blocks::backup::policies;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a `backup_policy` with a weekly schedule that names no day to
    /// back up on: `weekly at 22:00`, or `weekly on [] at 22:00`.
    ///
    /// ## Why it matters
    /// Azure refuses a weekly schedule without days when the deployment
    /// reaches the policy, and the machines stay unprotected.
    ///
    /// ## Example
    /// ```ashlar
    /// backup_policy weekend {
    ///   weekly at 22:00 retain 12 weeks
    /// }
    /// ```
    ///
    /// ## Fix
    /// Name the days after `on`: `weekly on [saturday, sunday] at 22:00`, or
    /// back up every day with `daily at 22:00`.
    pub BACKUP_WEEKLY_DAYS = ("ASH452", "backup-weekly-days", Error);
}

pub const CHECK: Check = Check { code: &BACKUP_WEEKLY_DAYS, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, policy) in policies(model) {
        if !policy.schedule.weekly || !policy.schedule.days.is_empty() {
            continue;
        }
        let time = crate::blocks::backup::clock(policy.schedule.time);
        out.push(
            Diagnostic::new(
                &BACKUP_WEEKLY_DAYS,
                policy.schedule.span,
                format!("backup policy `{}` backs up weekly, but on no day", model.node(block).name()),
            )
            .with_help(format!("name the days after `on`: `weekly on [saturday] at {time}`, or back up every day: `daily at {time}`")),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn with(phrase: &str) -> Vec<String> {
        messages(&format!("settings {{ location = uksouth }}\nbackup_policy weekend {{\n {phrase}\n}}\n"), "ASH452")
    }

    #[test]
    fn a_weekly_schedule_names_its_days() {
        assert!(with("weekly on saturday at 22:00 retain 12 weeks").is_empty());
        assert!(with("weekly on [saturday, sunday] at 22:00 retain 12 weeks").is_empty());
        assert!(with("daily at 22:00 retain 30d").is_empty());
        assert_eq!(with("weekly at 22:00 retain 12 weeks"), ["backup policy `weekend` backs up weekly, but on no day"]);
        assert_eq!(with("weekly on [] at 22:00 retain 12 weeks").len(), 1);
    }
}
