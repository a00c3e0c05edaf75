//! The patch calendar of a plan: each update group's window in words, the
//! next days it opens, and the machines it patches. `ashlar plan` prints it
//! after the address plan.
//!
//! The days are counted from a date the caller gives ([`crate::calendar::today`]
//! for the command line), so the calendar is the same on every run that day.

use crate::blocks::compute::machine_names;
use crate::blocks::naming::Names;
use crate::blocks::updates::{date, group_of_machine, machines_of, os_of, schedule, start, Scope, TAG};
use crate::calendar::Date;
use crate::model::Model;
use crate::schema::attrs;
use serde::Serialize;

/// How many openings of each window the calendar shows.
pub const NEXT: usize = 3;

/// The calendar of every update group, in declaration order.
#[derive(Debug, Serialize)]
pub struct UpdatePlan {
    /// The day the next openings are counted from, `YYYY-MM-DD`.
    pub from: String,
    /// The time of that day counted from, `HH:MM` in UTC, when it is known
    /// (read from a clock or SOURCE_DATE_EPOCH): openings before it are past.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_time: Option<String>,
    pub groups: Vec<UpdateGroupPlan>,
}

#[derive(Debug, Serialize)]
pub struct UpdateGroupPlan {
    pub name: String,
    /// The maintenance configuration's name in Azure.
    pub azure_name: String,
    pub resource_group: String,
    /// `every Sunday, 02:00 to 05:00 (3h)`.
    pub window: String,
    /// The Windows time zone ID of the window.
    pub time_zone: String,
    /// `YYYY-MM-DD`.
    pub starts: String,
    /// `YYYY-MM-DD`, or none when the window never expires.
    pub expires: Option<String>,
    /// `Windows`, `Linux`.
    pub os: Vec<String>,
    /// The regions its dynamic scope is limited to; none when every region.
    pub regions: Option<Vec<String>>,
    /// The resource groups its dynamic scope is limited to; none when every one.
    pub resource_groups: Option<Vec<String>>,
    /// The next openings, `YYYY-MM-DD HH:MM` in the window's time zone.
    pub next: Vec<String>,
    /// The machine blocks in the group, each with its virtual machines:
    /// `compute \`web\`: web-1, web-2`.
    pub machines: Vec<String>,
}

/// The calendar of a plan's update groups from `from` on; `None` when it has none.
/// `minute` is the minute of `from`'s UTC day that counts as now, when known
/// ([`crate::calendar::TodaySource::minute_of_day`]): an opening that day
/// that started before it, in the window's time zone, is past and not shown.
/// Groups whose schedule does not read are left out (their errors say why).
pub fn update_plan(model: &Model, from: Date, minute: Option<u32>) -> Option<UpdatePlan> {
    let names = Names::new(model);
    let mut groups = Vec::new();
    for (id, node) in model.of_kind("update_group") {
        let Some(schedule) = schedule(model, id) else { continue };
        let (windows, linux) = os_of(node);
        let os = [(windows, "Windows"), (linux, "Linux")].into_iter().filter(|(on, _)| *on).map(|(_, os)| os.to_string()).collect();
        let expires = date(node, "expires");
        let scope = Scope::of(node);
        let at = schedule.at_text();
        let next = next_openings(schedule, start(node), expires, from, minute).iter().map(|d| format!("{d} {at}")).collect();
        groups.push(UpdateGroupPlan {
            name: node.name().to_string(),
            azure_name: names.maintenance_configuration(id),
            resource_group: node.str(attrs::RESOURCE_GROUP).unwrap_or_default().to_string(),
            window: format!("{}, {}", schedule.recurrence.describe(), hours(schedule.at, schedule.duration)),
            time_zone: schedule.time_zone_id(),
            starts: start(node).to_string(),
            expires: expires.map(|e| e.to_string()),
            os,
            regions: scope.regions,
            resource_groups: scope.resource_groups,
            next,
            machines: machines_of(model, id)
                .into_iter()
                .filter(|&block| model.node(block).is("compute"))
                .map(|block| {
                    // Several groups take a block's machines in turn: only this group's.
                    let names: Vec<String> = machine_names(model.node(block))
                        .iter()
                        .enumerate()
                        .filter(|(index, _)| group_of_machine(model, block, *index) == Some(id))
                        .map(|(_, m)| names.virtual_machine(block, m))
                        .collect();
                    format!("{}: {}", model.describe(block), names.join(", "))
                })
                .collect(),
        });
    }
    let from_time = minute.map(|m| format!("{:02}:{:02}", m / 60, m % 60));
    (!groups.is_empty()).then(|| UpdatePlan { from: from.to_string(), from_time, groups })
}

/// The next [`NEXT`] days a window opens, from `from` (a UTC date) and, when
/// known, its minute `now`: counted from the date in the window's time zone
/// (by its standard offset), leaving out an opening that day that started
/// before now in that zone.
fn next_openings(schedule: &crate::schedule::Schedule, start: Date, expires: Option<Date>, from: Date, now: Option<u32>) -> Vec<Date> {
    let Some(now) = now else { return schedule.recurrence.occurrences(start, expires, from, NEXT) };
    let offset = crate::timezones::find(&schedule.time_zone_id()).map_or(0, |zone| zone.standard_offset_minutes());
    let local = i64::from(now) + i64::from(offset);
    let (today, minute) = (from.add_days(local.div_euclid(24 * 60)), local.rem_euclid(24 * 60));
    let mut openings = schedule.recurrence.occurrences(start, expires, today, NEXT + 1);
    if openings.first() == Some(&today) && i64::from(schedule.at) < minute {
        openings.remove(0);
    }
    openings.truncate(NEXT);
    openings
}

/// `02:00 to 05:00 (3h)`, `22:00 to 01:55 the next day (3h55m)`.
fn hours(at: u32, seconds: u64) -> String {
    let minutes = u64::from(at) + seconds / 60;
    let end = minutes % (24 * 60);
    let next_day = if minutes >= 24 * 60 { " the next day" } else { "" };
    let duration = crate::blocks::updates::duration_words(seconds);
    format!("{:02}:{:02} to {:02}:{:02}{next_day} ({duration})", at / 60, at % 60, end / 60, end % 60)
}

/// The calendar as text, one paragraph a group. `source` says where `from` came from.
pub fn render(plan: &UpdatePlan, source: &str) -> String {
    let time = plan.from_time.as_ref().map_or(String::new(), |t| format!(" {t} UTC"));
    let mut out = format!("UPDATE WINDOWS, next {NEXT} from {}{time} ({source})\n", plan.from);
    for group in &plan.groups {
        out.push_str(&format!("  update_group {} ({}, {})\n", group.name, group.azure_name, group.resource_group));
        out.push_str(&format!("    {}, {}; {}\n", group.window, group.time_zone, group.os.join(" and ")));
        let limits: Vec<String> = [("regions", &group.regions), ("resource groups", &group.resource_groups)]
            .into_iter()
            .filter_map(|(what, only)| only.as_ref().map(|only| format!("{what} {}", only.join(", "))))
            .collect();
        if !limits.is_empty() {
            out.push_str(&format!("    only machines in {}\n", limits.join("; ")));
        }
        let expires = group.expires.as_ref().map_or("never expires".to_string(), |e| format!("expires {e}"));
        out.push_str(&format!("    starts {}, {expires}\n", group.starts));
        // With the weekday: `Sun 2026-12-06 02:00`.
        let shown: Vec<String> = group
            .next
            .iter()
            .map(|n| n.get(..10).and_then(|d| Date::parse(d).ok()).map_or_else(|| n.clone(), |d| format!("{} {n}", d.weekday().short())))
            .collect();
        let next = if shown.is_empty() { "none: the window has expired or never opens".to_string() } else { shown.join(", ") };
        out.push_str(&format!("    next: {next}\n"));
        let machines = if group.machines.is_empty() {
            format!("none in this plan; any machine tagged `{TAG}: {}` joins", group.name)
        } else {
            group.machines.join("; ")
        };
        out.push_str(&format!("    machines: {machines}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_calendar_counts_from_the_day_given() {
        let text = "settings { location = uksouth }\n\
            update_group sunday_early {\n  resource_group = \"rg-updates\"\n  weekly sunday at 02:00 for 3h timezone \"Europe/London\"\n  starts = \"2026-12-01\"\n  regions = [uksouth]\n  resource_groups = [\"rg-app\", \"rg-web\"]\n}\n\
            update_group patch_tuesday {\n  resource_group = \"rg-updates\"\n  monthly second tuesday offset 2 at 22:00 for 3h55m\n  os = [windows]\n  expires = \"2027-01-31\"\n}\n";
        let analysis = crate::analyze_text(text, std::path::Path::new("."));
        let from = Date::parse("2026-12-07").unwrap();
        let plan = update_plan(&analysis.model, from, None).unwrap();
        assert_eq!(
            render(&plan, "fixed"),
            "UPDATE WINDOWS, next 3 from 2026-12-07 (fixed)\n\
             \x20 update_group sunday_early (sunday_early, rg-updates)\n\
             \x20   every Sunday, 02:00 to 05:00 (3h), GMT Standard Time; Windows and Linux\n\
             \x20   only machines in regions uksouth; resource groups rg-app, rg-web\n\
             \x20   starts 2026-12-01, never expires\n\
             \x20   next: Sun 2026-12-13 02:00, Sun 2026-12-20 02:00, Sun 2026-12-27 02:00\n\
             \x20   machines: none in this plan; any machine tagged `ashlar-update-group: sunday_early` joins\n\
             \x20 update_group patch_tuesday (patch_tuesday, rg-updates)\n\
             \x20   2 days after the second Tuesday of every month, 22:00 to 01:55 the next day (3h55m), UTC; Windows\n\
             \x20   starts 2026-01-01, expires 2027-01-31\n\
             \x20   next: Thu 2026-12-10 22:00, Thu 2027-01-14 22:00\n\
             \x20   machines: none in this plan; any machine tagged `ashlar-update-group: patch_tuesday` joins\n"
        );
        let empty = crate::analyze_text("settings { location = uksouth }\n", std::path::Path::new("."));
        assert!(update_plan(&empty.model, from, None).is_none());
    }
}
