use crate::blocks::desktops::{time, PHASES};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::Typed;

declare_codes! {
    /// ## What it does
    /// Reports a `scaling` block whose times are not in the order of the day,
    /// each later than the one before: `ramp_up`, `peak`, `ramp_down`,
    /// `off_peak`; and a day listed twice in `days`.
    ///
    /// ## Why it matters
    /// A scaling plan's schedule is four phases of one day, each ending when
    /// the next starts. Out of order, a phase would end before it starts:
    /// hosts would stop while users arrive, or start for the night. A day
    /// listed twice is two schedules for one day, which Azure cannot apply.
    ///
    /// ## Example
    /// ```ashlar
    /// scaling {
    ///   ramp_up   = 07:00
    ///   peak      = 06:30
    ///   ramp_down = 18:00
    ///   off_peak  = 20:00
    ///   timezone  = "GMT Standard Time"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Put the times in order within one day, and list each day once.
    pub SCALING_SCHEDULE = ("ASH625", "scaling-schedule", Error);
}

pub const CHECK: Check = Check { code: &SCALING_SCHEDULE, run };

/// `07:30`.
fn clock(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (_, node) in model.of_kind("scaling") {
        let whose = node.parent.map(|p| model.describe(p)).unwrap_or_else(|| "its pool".to_string());
        let times: Vec<(&str, _)> = PHASES.iter().filter_map(|(attr, _)| time(node, attr).map(|t| (*attr, t))).collect();
        // Each against the one before it: one time out of place is one report.
        for pair in times.windows(2) {
            let ((before, previous), (attr, at)) = (&pair[0], &pair[1]);
            if at.value > previous.value {
                continue;
            }
            let same = if at.value == previous.value { "is also" } else { "comes before" };
            out.push(
                Diagnostic::new(
                    &SCALING_SCHEDULE,
                    at.span,
                    format!("`{attr}` ({}) {same} `{before}` ({}) in the scaling of {whose}", clock(at.value), clock(previous.value)),
                )
                .with_label(previous.span, format!("`{before}` is here"))
                .with_help("the phases follow one another through one day: ramp_up, peak, ramp_down, off_peak, each later than the one before"),
            );
        }
        let mut seen: Vec<(&str, crate::source::Span)> = Vec::new();
        for day in node.list("days") {
            let Typed::Word(name) = &day.value else { continue };
            match seen.iter().find(|(d, _)| d == name) {
                Some((_, first)) => out.push(
                    Diagnostic::new(&SCALING_SCHEDULE, day.span, format!("`{name}` is listed twice in the scaling of {whose}"))
                        .with_label(*first, "first listed here")
                        .with_help("list each day once"),
                ),
                None => seen.push((name, day.span)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::blocks::desktops::test_support::{plan, pooled};
    use crate::check::test_support::messages;

    fn scaling(times: [&str; 4], days: &str) -> String {
        plan(&pooled(
            "finance",
            &format!(
                "scaling {{\n  ramp_up = {}\n  peak = {}\n  ramp_down = {}\n  off_peak = {}\n  timezone = \"GMT Standard Time\"\n  {days}\n }}",
                times[0], times[1], times[2], times[3]
            ),
        ))
    }

    #[test]
    fn the_phases_run_in_the_order_of_the_day() {
        assert!(messages(&scaling(["07:00", "09:00", "18:00", "20:00"], ""), "ASH625").is_empty());
        assert!(messages(&scaling(["00:00", "00:01", "23:58", "23:59"], "days = [saturday, sunday]"), "ASH625").is_empty());
        assert_eq!(
            messages(&scaling(["07:00", "06:30", "18:00", "20:00"], ""), "ASH625"),
            ["`peak` (06:30) comes before `ramp_up` (07:00) in the scaling of desktop_pool `finance`"]
        );
        assert_eq!(
            messages(&scaling(["07:00", "09:00", "18:00", "18:00"], ""), "ASH625"),
            ["`off_peak` (18:00) is also `ramp_down` (18:00) in the scaling of desktop_pool `finance`"]
        );
        // One time out of place is one report.
        assert_eq!(
            messages(&scaling(["07:00", "23:00", "18:00", "20:00"], ""), "ASH625"),
            ["`ramp_down` (18:00) comes before `peak` (23:00) in the scaling of desktop_pool `finance`"]
        );
        assert_eq!(messages(&scaling(["19:00", "09:00", "18:00", "20:00"], ""), "ASH625").len(), 1);
    }

    #[test]
    fn each_day_once() {
        assert_eq!(
            messages(&scaling(["07:00", "09:00", "18:00", "20:00"], "days = [monday, tuesday, monday]"), "ASH625"),
            ["`monday` is listed twice in the scaling of desktop_pool `finance`"]
        );
    }
}
