use crate::blocks::updates::{duration_words, schedule, MAX_WINDOW_MINUTES, MIN_WINDOW_MINUTES};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Checks how long an update group's window lasts: Azure Update Manager
    /// takes whole minutes, at least 1 hour 30 minutes and at most 3 hours 55
    /// minutes ("The upper maintenance window is 3 hours and 55 minutes. A
    /// minimum of 1 hour and 30 minutes is required for the maintenance
    /// window", learn: virtual-machines/maintenance-configurations, Guest scope).
    ///
    /// ## Why it matters
    /// Azure refuses a maintenance configuration of scope InGuestPatch with a
    /// window outside those bounds when the deployment reaches it; seconds
    /// would be cut off without a word, since Azure reads `HH:mm`.
    ///
    /// ## Example
    /// ```ashlar
    /// update_group nightly {
    ///   resource_group = "rg-updates"
    ///   daily at 01:00 for 6h
    /// }
    /// ```
    ///
    /// ## Fix
    /// Write a duration of whole minutes from `1h30m` to `3h55m`; a longer
    /// maintenance needs two windows in two groups.
    pub UPDATE_WINDOW_DURATION = ("ASH600", "update-window-duration", Error);
}

pub const CHECK: Check = Check { code: &UPDATE_WINDOW_DURATION, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, _) in model.of_kind("update_group") {
        let Some(schedule) = schedule(model, id) else { continue };
        let seconds = schedule.duration;
        let minutes = seconds / 60;
        let lasts = duration_words(seconds);
        let what = model.describe(id);
        let (message, help) = if seconds % 60 != 0 {
            let whole = duration_words(minutes.clamp(MIN_WINDOW_MINUTES, MAX_WINDOW_MINUTES) * 60);
            (
                format!("the window of {what} lasts {lasts}, which is not a whole number of minutes"),
                format!("Azure takes hours and minutes: write `for {whole}`"),
            )
        } else if minutes < MIN_WINDOW_MINUTES {
            (
                format!("the window of {what} lasts {lasts}; Azure Update Manager needs at least 1h30m"),
                "write `for 1h30m` or longer: a window shorter than that cannot be saved".to_string(),
            )
        } else if minutes > MAX_WINDOW_MINUTES {
            (
                format!("the window of {what} lasts {lasts}; Azure Update Manager allows at most 3h55m"),
                "write `for 3h55m` or less; a longer maintenance needs a second group with a window of its own".to_string(),
            )
        } else {
            continue;
        };
        out.push(Diagnostic::new(&UPDATE_WINDOW_DURATION, schedule.duration_span, message).with_help(help));
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(duration: &str) -> String {
        format!("settings {{ location = uksouth }}\nupdate_group g {{\n  resource_group = \"rg\"\n  daily at 01:00 for {duration}\n}}\n")
    }

    #[test]
    fn from_1h30m_to_3h55m_in_whole_minutes() {
        for ok in ["1h30m", "90m", "2h", "3h55m", "235m"] {
            assert!(messages(&plan(ok), "ASH600").is_empty(), "{ok}");
        }
        assert_eq!(messages(&plan("1h29m"), "ASH600"), ["the window of update_group `g` lasts 1h29m; Azure Update Manager needs at least 1h30m"]);
        assert_eq!(messages(&plan("4h"), "ASH600"), ["the window of update_group `g` lasts 4h; Azure Update Manager allows at most 3h55m"]);
        assert_eq!(messages(&plan("2h30s"), "ASH600"), ["the window of update_group `g` lasts 2h30s, which is not a whole number of minutes"]);
    }
}
