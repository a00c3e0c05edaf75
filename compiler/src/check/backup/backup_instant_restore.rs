use crate::blocks::backup::{policies, INSTANT_RESTORE_BOUNDS, WEEKLY_INSTANT_RESTORE};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::Typed;

declare_codes! {
    /// ## What it does
    /// Checks a `backup_policy`'s `instant_restore`: whole days, 1 to 5 (a
    /// Standard policy's bounds), and exactly 5 with a weekly schedule, whose
    /// snapshots Azure keeps 5 days.
    ///
    /// ## Why it matters
    /// Azure refuses the policy when the deployment reaches it, and the
    /// machines stay unprotected.
    ///
    /// ## Example
    /// ```ashlar
    /// backup_policy nightly {
    ///   daily at 01:00 retain 30d
    ///   instant_restore = 7d
    /// }
    /// ```
    ///
    /// ## Fix
    /// Keep the snapshots 1 to 5 days, `instant_restore = 5d`; with a weekly
    /// schedule, leave `instant_restore` out.
    pub BACKUP_INSTANT_RESTORE = ("ASH451", "backup-instant-restore", Error);
}

pub const CHECK: Check = Check { code: &BACKUP_INSTANT_RESTORE, run };

const DAY: u64 = 24 * 3600;

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let (min, max) = INSTANT_RESTORE_BOUNDS;
    for (block, policy) in policies(model) {
        let node = model.node(block);
        let Some(attr) = node.get("instant_restore") else { continue };
        let Typed::Duration(seconds) = attr.value else { continue };
        let name = node.name();
        let days = seconds / DAY;
        let (message, help) = if seconds % DAY != 0 {
            (
                format!("backup policy `{name}` keeps snapshots for instant restore a time that is not whole days, but Azure counts it in days"),
                if policy.schedule.weekly {
                    format!("a weekly schedule keeps them {WEEKLY_INSTANT_RESTORE} days: remove `instant_restore`")
                } else {
                    format!("write {min} to {max} days, such as `instant_restore = {}d`", (days.max(1)).min(max as u64))
                },
            )
        } else if policy.schedule.weekly && days != WEEKLY_INSTANT_RESTORE as u64 {
            (
                format!("backup policy `{name}` backs up weekly, and Azure keeps the snapshot of a weekly backup {WEEKLY_INSTANT_RESTORE} days for instant restore, not {days}"),
                format!("remove `instant_restore`, or write `instant_restore = {WEEKLY_INSTANT_RESTORE}d`"),
            )
        } else if !(min as u64..=max as u64).contains(&days) {
            (
                format!("backup policy `{name}` keeps snapshots {days} days for instant restore, but Azure keeps them {min} to {max} days"),
                format!("write {min} to {max} days, such as `instant_restore = {}d`", days.clamp(min as u64, max as u64)),
            )
        } else {
            continue;
        };
        out.push(Diagnostic::new(&BACKUP_INSTANT_RESTORE, attr.span, message).with_help(help));
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn with(body: &str) -> Vec<String> {
        messages(&format!("settings {{ location = uksouth }}\nbackup_policy nightly {{\n {body}\n}}\n"), "ASH451")
    }

    #[test]
    fn instant_restore_is_one_to_five_whole_days() {
        assert!(with("daily at 01:00 retain 30d").is_empty());
        assert!(with("daily at 01:00 retain 30d\n instant_restore = 1d").is_empty());
        assert!(with("daily at 01:00 retain 30d\n instant_restore = 5d").is_empty());
        assert_eq!(
            with("daily at 01:00 retain 30d\n instant_restore = 6d"),
            ["backup policy `nightly` keeps snapshots 6 days for instant restore, but Azure keeps them 1 to 5 days"]
        );
        assert_eq!(with("daily at 01:00 retain 30d\n instant_restore = 0d").len(), 1);
        assert_eq!(with("daily at 01:00 retain 30d\n instant_restore = 36h").len(), 1);
    }

    #[test]
    fn a_weekly_schedule_keeps_snapshots_five_days() {
        assert!(with("weekly on sunday at 01:00 retain 12 weeks").is_empty());
        assert!(with("weekly on sunday at 01:00 retain 12 weeks\n instant_restore = 5d").is_empty());
        assert_eq!(
            with("weekly on sunday at 01:00 retain 12 weeks\n instant_restore = 2d"),
            ["backup policy `nightly` backs up weekly, and Azure keeps the snapshot of a weekly backup 5 days for instant restore, not 2"]
        );
    }
}
