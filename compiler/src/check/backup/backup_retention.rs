use crate::blocks::backup::{policies, RetentionUnit};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Checks how long a `backup_policy` keeps backups against Azure Backup's
    /// bounds for virtual machines: daily backups 7 to 9999 days, weekly ones
    /// 1 to 5163 weeks, monthly ones 1 to 1188 months, yearly ones 1 to 99 years.
    ///
    /// ## Why it matters
    /// Azure refuses the policy when the deployment reaches it, after the vault
    /// and the machines are deployed, and the machines stay unprotected.
    ///
    /// ## Example
    /// ```ashlar
    /// backup_policy nightly {
    ///   daily at 01:00 retain 5d
    /// }
    /// ```
    ///
    /// ## Fix
    /// Keep the backups within the bounds, such as `retain 7d`; to keep some
    /// backups for longer than daily ones may be kept, keep weekly, monthly or
    /// yearly ones too: `retain 10 years`.
    pub BACKUP_RETENTION = ("ASH450", "backup-retention", Error);
}

pub const CHECK: Check = Check { code: &BACKUP_RETENTION, run };

/// `12 weeks`, `1 week`, `30d`: a retention as a `retain` clause writes it.
fn written(unit: RetentionUnit, count: i64) -> String {
    match unit {
        RetentionUnit::Days => format!("{count}d"),
        _ if count == 1 => format!("1 {}", unit.word().trim_end_matches('s')),
        _ => format!("{count} {}", unit.word()),
    }
}

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, policy) in policies(model) {
        for retention in &policy.retentions {
            let (min, max) = retention.unit.bounds();
            if (min..=max).contains(&retention.count) {
                continue;
            }
            let unit = retention.unit.word();
            let kept = match retention.unit {
                RetentionUnit::Days if retention.count == 1 => "1 day".to_string(),
                RetentionUnit::Days => format!("{} days", retention.count),
                other => written(other, retention.count),
            };
            let message = format!(
                "backup policy `{}` keeps {} {kept}, but Azure Backup keeps them {min} to {max} {unit}",
                model.node(block).name(),
                retention.unit.backups()
            );
            let help = if retention.count < min {
                format!("keep them at least {min} {unit}: `retain {}`", written(retention.unit, min))
            } else if retention.unit == RetentionUnit::Years {
                format!("keep them at most {max} years: `retain {}`", written(retention.unit, max))
            } else {
                format!(
                    "keep them at most {max} {unit}: `retain {}`; to keep backups longer, keep yearly ones too, such as `retain 10 years`",
                    written(retention.unit, max)
                )
            };
            out.push(Diagnostic::new(&BACKUP_RETENTION, retention.count_span, message).with_help(help));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn with(phrase: &str) -> Vec<String> {
        messages(&format!("settings {{ location = uksouth }}\nbackup_policy nightly {{\n {phrase}\n}}\n"), "ASH450")
    }

    #[test]
    fn retention_stays_within_azures_bounds() {
        assert!(with("daily at 01:00 retain 7d").is_empty());
        assert!(with("daily at 01:00 retain 9999 days retain 5163 weeks retain 1188 months retain 99 years").is_empty());
        assert_eq!(
            with("daily at 01:00 retain 6d"),
            ["backup policy `nightly` keeps daily backups 6 days, but Azure Backup keeps them 7 to 9999 days"]
        );
        assert_eq!(with("daily at 01:00 retain 10000 days").len(), 1);
        assert_eq!(
            with("daily at 01:00 retain 30d retain 0 weeks"),
            ["backup policy `nightly` keeps weekly backups 0 weeks, but Azure Backup keeps them 1 to 5163 weeks"]
        );
        assert_eq!(with("daily at 01:00 retain 30d retain 1189 months").len(), 1);
        assert_eq!(with("daily at 01:00 retain 30d retain 100 years").len(), 1);
    }

    #[test]
    fn the_help_gives_a_retention_in_bounds() {
        let text = "settings { location = uksouth }\nbackup_policy nightly {\n daily at 01:00 retain 1d\n}\n";
        let found = crate::check::test_support::diagnostics(text, "ASH450");
        assert_eq!(found[0].help.as_deref(), Some("keep them at least 7 days: `retain 7d`"));
        let span = found[0].span.expect("a span");
        assert_eq!(&text[span.start as usize..span.end as usize], "1d");
    }
}
