use crate::calendar::Date;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Checks an update group's `starts` and `expires`: dates written
    /// `YYYY-MM-DD` that exist in the calendar.
    ///
    /// ## Why it matters
    /// Azure reads a maintenance window's start and expiry as `YYYY-MM-DD hh:mm`
    /// and refuses a configuration whose dates it cannot read when the
    /// deployment reaches it.
    ///
    /// ## Example
    /// ```ashlar
    /// update_group sunday {
    ///   resource_group = "rg-updates"
    ///   weekly sunday at 02:00 for 3h
    ///   starts = "01/12/2026"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Write the date as `YYYY-MM-DD`, a day the month has: `"2026-12-01"`.
    pub UPDATE_DATE = ("ASH602", "update-date", Error);
}

pub const CHECK: Check = Check { code: &UPDATE_DATE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind("update_group") {
        for attr in ["starts", "expires"] {
            let (Some(text), Some(at)) = (node.str(attr), node.get(attr)) else { continue };
            if let Err(problem) = Date::parse(text) {
                out.push(
                    Diagnostic::new(&UPDATE_DATE, at.span, format!("`{attr}` of {}: {problem}", model.describe(id)))
                        .with_help("write a date that exists, as YYYY-MM-DD, such as \"2026-12-01\""),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(starts: &str) -> String {
        format!(
            "settings {{ location = uksouth }}\nupdate_group g {{\n  resource_group = \"rg\"\n  daily at 01:00 for 2h\n  starts = \"{starts}\"\n}}\n"
        )
    }

    #[test]
    fn dates_must_exist() {
        assert!(messages(&plan("2028-02-29"), "ASH602").is_empty());
        assert_eq!(
            messages(&plan("2027-02-29"), "ASH602"),
            ["`starts` of update_group `g`: \"2027-02-29\" has day 29, but February 2027 has 28 days"]
        );
        assert_eq!(messages(&plan("tomorrow"), "ASH602"), ["`starts` of update_group `g`: \"tomorrow\" is not a date written YYYY-MM-DD"]);
    }
}
