use crate::blocks::updates::{date, start, DEFAULT_START};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Checks when an update group's window expires: not before it starts
    /// (`starts`, else 2026-01-01), and not before today. Today is the UTC date
    /// of `SOURCE_DATE_EPOCH` when it is set, else of the system clock.
    ///
    /// ## Why it matters
    /// Azure refuses a maintenance configuration whose expiry is in the past
    /// ("Expiration date must be set to a future date", schema of
    /// `Microsoft.Maintenance/maintenanceConfigurations` 2023-04-01) when the
    /// deployment reaches it, and a window that expires before it starts never
    /// opens.
    ///
    /// ## Example
    /// ```ashlar
    /// update_group sunday {
    ///   resource_group = "rg-updates"
    ///   weekly sunday at 02:00 for 3h
    ///   starts  = "2027-06-01"
    ///   expires = "2027-01-01"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Move `expires` after `starts` and today, or remove it: a window without
    /// one never expires.
    pub UPDATE_WINDOW_EXPIRED = ("ASH603", "update-window-expired", Error);
}

pub const CHECK: Check = Check { code: &UPDATE_WINDOW_EXPIRED, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let (today, source) = cx.today;
    for (id, node) in model.of_kind("update_group") {
        let (Some(expires), Some(attr)) = (date(node, "expires"), node.get("expires")) else { continue };
        let what = model.describe(id);
        if expires < today {
            out.push(
                Diagnostic::new(
                    &UPDATE_WINDOW_EXPIRED,
                    attr.span,
                    format!("the window of {what} expired on {expires}, before today, {today} ({})", source.describe()),
                )
                .with_help("Azure refuses an expiry in the past: move `expires` later, or remove it for a window that never expires"),
            );
            continue;
        }
        let starts = start(node);
        if starts > expires {
            let mut d = Diagnostic::new(
                &UPDATE_WINDOW_EXPIRED,
                attr.span,
                format!("the window of {what} expires on {expires}, before it starts on {starts}"),
            );
            d = match node.get("starts") {
                Some(starts_attr) => d.with_label(starts_attr.span, "it starts here"),
                None => d.with_label(node.head, format!("a group without `starts` starts on {DEFAULT_START}")),
            };
            out.push(d.with_help("move `expires` after `starts`, or remove it for a window that never expires"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::calendar::{with_today, Date};
    use crate::check::test_support::messages;

    fn check(dates: &str, today: &str) -> Vec<String> {
        let plan =
            format!("settings {{ location = uksouth }}\nupdate_group g {{\n  resource_group = \"rg\"\n  daily at 01:00 for 2h\n  {dates}\n}}\n");
        with_today(Date::parse(today).unwrap(), || messages(&plan, "ASH603"))
    }

    #[test]
    fn an_expiry_comes_after_the_start_and_today() {
        assert!(check("expires = \"2026-08-15\"", "2026-08-15").is_empty());
        assert!(check("starts = \"2027-01-01\"\n  expires = \"2027-01-01\"", "2026-08-15").is_empty());
        assert_eq!(
            check("expires = \"2026-08-14\"", "2026-08-15"),
            ["the window of update_group `g` expired on 2026-08-14, before today, 2026-08-15 (the date fixed for this run)"]
        );
        assert_eq!(
            check("starts = \"2027-06-01\"\n  expires = \"2027-01-01\"", "2026-08-15"),
            ["the window of update_group `g` expires on 2027-01-01, before it starts on 2027-06-01"]
        );
        // An expiry in the past is reported once, whatever the start.
        assert_eq!(check("starts = \"2027-06-01\"\n  expires = \"2025-01-01\"", "2026-08-15").len(), 1);
    }

    #[test]
    fn a_large_plan_checked_on_several_threads_keeps_the_fixed_date() {
        // Enough blocks for the checks to be shared out over worker threads.
        let mut plan = String::from("settings { location = uksouth }\n");
        for n in 0..crate::parallel::WORTH_THREADS_FROM {
            plan.push_str(&format!("update_group g{n} {{\n  resource_group = \"rg\"\n  daily at 01:00 for 2h\n}}\n"));
        }
        plan.push_str("update_group last {\n  resource_group = \"rg\"\n  daily at 01:00 for 2h\n  expires = \"2026-09-01\"\n}\n");
        assert!(with_today(Date::parse("2026-08-15").unwrap(), || messages(&plan, "ASH603")).is_empty());
        assert_eq!(with_today(Date::parse("2026-09-02").unwrap(), || messages(&plan, "ASH603")).len(), 1);
    }
}
