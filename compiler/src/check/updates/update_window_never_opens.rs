use crate::blocks::updates::{date, schedule, start};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Warns about an update group whose window has no day to open on between
    /// its start (or today, when that is later) and its expiry: a monthly
    /// window on the second Tuesday that starts after it and expires before
    /// the next one. Today is the UTC date of `SOURCE_DATE_EPOCH` when it is
    /// set, else of the system clock.
    ///
    /// ## Why it matters
    /// Azure deploys such a schedule without complaint, and it never patches a
    /// machine.
    ///
    /// ## Example
    /// ```ashlar
    /// update_group once {
    ///   resource_group = "rg-updates"
    ///   monthly second tuesday at 22:00 for 3h
    ///   starts  = "2027-02-15"
    ///   expires = "2027-03-01"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Move `starts` or `expires` so that the window opens at least once, or
    /// remove `expires`.
    pub UPDATE_WINDOW_NEVER_OPENS = ("ASH605", "update-window-never-opens", Warning);
}

pub const CHECK: Check = Check { code: &UPDATE_WINDOW_NEVER_OPENS, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let (today, _) = cx.today;
    for (id, node) in model.of_kind("update_group") {
        let (Some(schedule), Some(expires), Some(attr)) = (schedule(model, id), date(node, "expires"), node.get("expires")) else { continue };
        let begin = start(node).max(today);
        // An expiry before the start or today is `update-window-expired`'s.
        if begin > expires || !schedule.recurrence.occurrences(start(node), Some(expires), today, 1).is_empty() {
            continue;
        }
        out.push(
            Diagnostic::new(
                &UPDATE_WINDOW_NEVER_OPENS,
                schedule.recurrence_span,
                format!(
                    "the window of {} never opens: it opens {}, and no such day falls between {begin} and {expires}",
                    model.describe(id),
                    schedule.recurrence.describe()
                ),
            )
            .with_label(attr.span, "it expires here")
            .with_help("move `starts` or `expires` so that the window opens at least once, or remove `expires`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::calendar::{with_today, Date};
    use crate::check::test_support::messages;

    fn check(line: &str, dates: &str) -> Vec<String> {
        let plan = format!("settings {{ location = uksouth }}\nupdate_group g {{\n  resource_group = \"rg\"\n  {line}\n  {dates}\n}}\n");
        with_today(Date::parse("2026-08-15").unwrap(), || messages(&plan, "ASH605"))
    }

    #[test]
    fn a_window_opens_at_least_once() {
        let tuesday = "monthly second tuesday at 22:00 for 3h";
        assert!(check(tuesday, "starts = \"2027-02-09\"\n  expires = \"2027-02-09\"").is_empty());
        assert!(check(tuesday, "expires = \"2026-09-08\"").is_empty());
        assert_eq!(
            check(tuesday, "starts = \"2027-02-10\"\n  expires = \"2027-03-08\""),
            ["the window of update_group `g` never opens: it opens on the second Tuesday of every month, and no such day falls between 2027-02-10 and 2027-03-08"]
        );
        // From today on: the second Tuesday of August 2026 has passed.
        assert_eq!(check(tuesday, "expires = \"2026-09-07\"").len(), 1);
        // Expired windows are another check's.
        assert!(check(tuesday, "expires = \"2026-08-01\"").is_empty());
    }
}
