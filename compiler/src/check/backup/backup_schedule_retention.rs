use crate::blocks::backup::{policies, RetentionUnit};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Checks that a `backup_policy` keeps the backups its schedule takes: a
    /// daily schedule says how long to keep its daily backups (`retain 30d`);
    /// a weekly one has no daily backups, and says how long to keep its weekly
    /// ones (`retain 12 weeks`). With a weekly schedule, the weekly, monthly
    /// and yearly backups kept are of days the schedule backs up on.
    ///
    /// ## Why it matters
    /// Azure refuses such a policy when the deployment reaches it
    /// (`BMSUserErrorInvalidPolicyInput`), and the machines stay unprotected.
    ///
    /// ## Example
    /// ```ashlar
    /// backup_policy weekend {
    ///   weekly on saturday at 22:00 retain 30d
    /// }
    /// ```
    ///
    /// ## Fix
    /// Keep what the schedule takes: `daily at 01:00 retain 30d`, or
    /// `weekly on saturday at 22:00 retain 12 weeks`; keep the backups of a day
    /// the schedule backs up on.
    pub BACKUP_SCHEDULE_RETENTION = ("ASH455", "backup-schedule-retention", Error);
}

pub const CHECK: Check = Check { code: &BACKUP_SCHEDULE_RETENTION, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, policy) in policies(model) {
        let name = model.node(block).name();
        let schedule = &policy.schedule;
        if !schedule.weekly {
            if policy.retention(RetentionUnit::Days).is_none() {
                out.push(
                    Diagnostic::new(
                        &BACKUP_SCHEDULE_RETENTION,
                        schedule.span,
                        format!("backup policy `{name}` backs up daily, but says not how long to keep the daily backups"),
                    )
                    .with_help("say how long after the time: `daily at 01:00 retain 30d`"),
                );
            }
            continue;
        }
        if let Some(daily) = policy.retention(RetentionUnit::Days) {
            out.push(
                Diagnostic::new(
                    &BACKUP_SCHEDULE_RETENTION,
                    daily.span,
                    format!("backup policy `{name}` backs up weekly, so it has no daily backups to keep"),
                )
                .with_label(schedule.span, "the schedule is weekly")
                .with_help("keep the weekly backups instead, such as `retain 12 weeks`, or back up every day: `daily at ...`"),
            );
        } else if policy.retention(RetentionUnit::Weeks).is_none() {
            out.push(
                Diagnostic::new(
                    &BACKUP_SCHEDULE_RETENTION,
                    schedule.span,
                    format!("backup policy `{name}` backs up weekly, but says not how long to keep the weekly backups"),
                )
                .with_help("add how long, such as `retain 12 weeks`"),
            );
        }
        // Without days, `backup-weekly-days` reports the schedule.
        if schedule.days.is_empty() {
            continue;
        }
        let scheduled: Vec<&str> = schedule.days.iter().map(|d| d.value).collect();
        let listed = match scheduled.as_slice() {
            [one] => format!("{one} only"),
            [rest @ .., last] => format!("{} and {last} only", rest.join(", ")),
            [] => String::new(),
        };
        for retention in &policy.retentions {
            for day in retention.days.iter().filter(|d| !scheduled.contains(&d.value)) {
                out.push(
                    Diagnostic::new(
                        &BACKUP_SCHEDULE_RETENTION,
                        day.span,
                        format!("backup policy `{name}` keeps {} of {}, but backs up on {listed}", retention.unit.backups(), day.value),
                    )
                    .with_label(schedule.span, "the schedule is here")
                    .with_help(format!(
                        "keep the backups of a day the policy backs up on, such as `on {}`, or back up on {} too",
                        scheduled[0].to_ascii_lowercase(),
                        day.value
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn with(phrase: &str) -> Vec<String> {
        messages(&format!("settings {{ location = uksouth }}\nbackup_policy weekend {{\n {phrase}\n}}\n"), "ASH455")
    }

    #[test]
    fn a_schedule_keeps_the_backups_it_takes() {
        assert!(with("daily at 01:00 retain 30d").is_empty());
        assert!(with("daily at 01:00 retain 30d retain 12 weeks on monday retain 12 months on last friday").is_empty());
        assert!(with("weekly on [saturday, sunday] at 22:00 retain 12 weeks retain 12 months retain 2 years on first sunday").is_empty());
        assert_eq!(
            with("daily at 01:00 retain 12 weeks"),
            ["backup policy `weekend` backs up daily, but says not how long to keep the daily backups"]
        );
        assert_eq!(with("weekly on saturday at 22:00 retain 30d"), ["backup policy `weekend` backs up weekly, so it has no daily backups to keep"]);
        assert_eq!(
            with("weekly on saturday at 22:00 retain 12 months"),
            ["backup policy `weekend` backs up weekly, but says not how long to keep the weekly backups"]
        );
    }

    #[test]
    fn a_weekly_schedule_keeps_backups_of_its_own_days() {
        assert_eq!(
            with("weekly on saturday at 22:00 retain 12 weeks on sunday"),
            ["backup policy `weekend` keeps weekly backups of Sunday, but backs up on Saturday only"]
        );
        assert_eq!(
            with("weekly on [friday, saturday] at 22:00 retain 12 weeks retain 6 months on first monday"),
            ["backup policy `weekend` keeps monthly backups of Monday, but backs up on Friday and Saturday only"]
        );
    }
}
