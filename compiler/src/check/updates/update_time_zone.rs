use crate::blocks::updates::schedule;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::timezones::{suggest, windows_id_for};

declare_codes! {
    /// ## What it does
    /// Checks the time zone of an update group's window, and the `time_zone`
    /// of a Windows `compute` or `scale_set` block, against the Windows time
    /// zone IDs, which Azure's maintenance configurations and Windows machines
    /// (`windowsConfiguration.timeZone`) take: `UTC`,
    /// `GMT Standard Time`, `W. Europe Standard Time`, `Pacific Standard Time`.
    /// An IANA name such as `Europe/London` is accepted and written as the
    /// Windows ID it stands for (CLDR's mapping); an abbreviation such as
    /// `PST` gets the ID it most likely means, and a misspelt ID the closest
    /// one.
    ///
    /// ## Why it matters
    /// Azure refuses a maintenance configuration or a machine whose time zone
    /// it does not know when the deployment reaches it; the IDs are long and easy to get
    /// slightly wrong ("W. Europe Standard Time", not "West Europe Standard Time").
    ///
    /// ## Example
    /// ```ashlar
    /// update_group sunday {
    ///   resource_group = "rg-updates"
    ///   weekly sunday at 02:00 for 3h timezone "Europe/London"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Write the Windows time zone ID the help names; `tzutil /l` on Windows
    /// lists them all.
    pub UNKNOWN_TIME_ZONE = ("ASH601", "unknown-time-zone", Error);
}

pub const CHECK: Check = Check { code: &UNKNOWN_TIME_ZONE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, _) in model.of_kind("update_group") {
        let Some(schedule) = schedule(model, id) else { continue };
        let Some((written, span)) = &schedule.time_zone else { continue };
        let what = format!("the window of {} is", model.describe(id));
        report(written, *span, &what, out);
    }
    for (id, node) in crate::blocks::compute::machine_blocks(model) {
        let (Some(written), Some(attr)) = (node.str("time_zone"), node.get("time_zone")) else { continue };
        // A Linux machine's `time_zone` is ASH405's.
        if crate::blocks::compute::os(model, id) != Some(crate::blocks::compute::Os::Windows) {
            continue;
        }
        report(written, attr.span, &format!("the machines of {} are", model.describe(id)), out);
    }
}

/// Reports a time zone Azure does not know, of `what` with its verb ("the
/// window of update_group `g` is", "the machines of compute `web` are").
fn report(written: &str, span: crate::source::Span, what: &str, out: &mut Vec<Diagnostic>) {
    if crate::timezones::find(written).is_some() || crate::timezones::for_iana(written).is_some() {
        return;
    }
    let help = if let Some(zone) = windows_id_for(written) {
        format!("Azure takes Windows time zone IDs: write \"{}\", {}", zone.id, zone.display)
    } else if let Some(zone) = suggest(written) {
        format!("did you mean \"{}\", {}?", zone.id, zone.display)
    } else {
        "write a Windows time zone ID, such as \"UTC\", \"GMT Standard Time\" or \"W. Europe Standard Time\"; `tzutil /l` lists them".to_string()
    };
    out.push(Diagnostic::new(&UNKNOWN_TIME_ZONE, span, format!("{what} in time zone \"{written}\", which Azure does not know")).with_help(help));
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::diagnostics;

    fn help(zone: &str) -> Vec<String> {
        let plan = format!(
            "settings {{ location = uksouth }}\nupdate_group g {{\n  resource_group = \"rg\"\n  daily at 01:00 for 2h timezone \"{zone}\"\n}}\n"
        );
        diagnostics(&plan, "ASH601").into_iter().map(|d| d.help.unwrap_or_default()).collect()
    }

    #[test]
    fn windows_ids_in_any_case_pass() {
        for ok in ["UTC", "GMT Standard Time", "w. europe standard time", "Pacific Standard Time (Mexico)", "UTC+12"] {
            assert!(help(ok).is_empty(), "{ok}");
        }
    }

    #[test]
    fn iana_names_pass() {
        for ok in ["Europe/London", "europe/amsterdam", "America/Argentina/Buenos_Aires", "Etc/GMT"] {
            assert!(help(ok).is_empty(), "{ok}");
        }
    }

    #[test]
    fn others_get_the_windows_id_they_mean() {
        assert_eq!(
            help("Europe/Nowhere"),
            ["write a Windows time zone ID, such as \"UTC\", \"GMT Standard Time\" or \"W. Europe Standard Time\"; `tzutil /l` lists them"]
        );
        assert_eq!(help("PST"), ["Azure takes Windows time zone IDs: write \"Pacific Standard Time\", (UTC-08:00) Pacific Time (US & Canada)"]);
        assert_eq!(
            help("West Europe Standard Time"),
            ["did you mean \"W. Europe Standard Time\", (UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna?"]
        );
        assert_eq!(help("Amsterdam"), ["did you mean \"W. Europe Standard Time\", (UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna?"]);
        assert_eq!(
            help("Olympus Mons"),
            ["write a Windows time zone ID, such as \"UTC\", \"GMT Standard Time\" or \"W. Europe Standard Time\"; `tzutil /l` lists them"]
        );
    }

    #[test]
    fn a_windows_machines_time_zone_is_checked_too() {
        use crate::check::test_support::{machines, messages, windows};
        assert!(messages(&machines(&windows("compute", "web", "time_zone = \"Europe/Amsterdam\"")), "ASH601").is_empty());
        assert_eq!(
            messages(&machines(&windows("compute", "web", "time_zone = \"West Europe Standard Time\"")), "ASH601"),
            ["the machines of compute `web` are in time zone \"West Europe Standard Time\", which Azure does not know"]
        );
    }
}
