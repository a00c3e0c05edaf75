//! Maintenance configurations of in-guest patching and the dynamic scopes
//! that assign them to `update_group` blocks: the window as a schedule
//! phrase, what to install, and the scope's operating systems, regions and
//! resource groups. A machine tagged with a group's name joins it with
//! `updates = GROUP` ([`super::machines`]).

use super::{is_ident, string_literal, Common, Context, Mapper, Node, Resource};
use crate::blocks::updates::{DEFAULT_CLASSIFICATIONS, DEFAULT_START, LINUX_CLASSIFICATIONS, REBOOT, TAG, WINDOWS_CLASSIFICATIONS};
use crate::calendar::{Date, Weekday};
use crate::schedule::{duration_words, ORDINALS};
use std::collections::HashMap;

const CONFIGURATION: &str = "Microsoft.Maintenance/maintenanceConfigurations";
const ASSIGNMENT: &str = "Microsoft.Maintenance/configurationAssignments";

/// The update groups the plan writes, by the lower-case value of the tag
/// their dynamic scope looks for: the block a tagged machine names.
pub(super) type Groups = HashMap<String, String>;

/// Azure's `recurEvery` as the words of a schedule phrase, or why a plan
/// cannot say it. The format: "Daily schedule are formatted as recurEvery:
/// [Frequency as integer]['Day(s)'] ... Weekly schedule ... [Frequency as
/// integer]['Week(s)'] [Optional comma separated list of weekdays] ...
/// Monthly schedules are formatted as [Frequency as integer]['Month(s)']
/// [Comma separated list of month days] or [Frequency as integer]['Month(s)']
/// [Week of Month (First, Second, Third, Fourth, Last)] [Weekday
/// Monday-Sunday] [Optional Offset(No. of days)]"
/// ([MaintenanceConfigurationData.RecurEvery](https://learn.microsoft.com/dotnet/api/azure.resourcemanager.maintenance.maintenanceconfigurationdata.recurevery)).
/// `start` gives the weekday of a weekly window that names none.
pub(super) fn recurrence_words(recur: &str, start: Date) -> Result<String, String> {
    let mut parts = recur.split_whitespace();
    let head = parts.next().unwrap_or("").to_ascii_lowercase();
    let rest: Vec<&str> = parts.collect();
    let digits: String = head.chars().take_while(char::is_ascii_digit).collect();
    let unit = head[digits.len()..].trim_end_matches('s').to_string();
    let every: u32 = if digits.is_empty() { 1 } else { digits.parse().map_err(|_| format!("`{recur}` names no frequency a plan can say"))? };
    match unit.as_str() {
        "day" if rest.is_empty() => Ok(if every == 1 { "daily".to_string() } else { format!("every {every} days") }),
        "week" if every == 1 => {
            let days: Vec<String> = if rest.is_empty() {
                vec![start.weekday().name().to_ascii_lowercase()]
            } else {
                let mut days = Vec::new();
                for d in rest.join("").split(',').filter(|d| !d.is_empty()) {
                    let day = Weekday::parse(&d.to_ascii_lowercase()).ok_or_else(|| format!("`{d}` is no day of the week"))?;
                    days.push(day.name().to_ascii_lowercase());
                }
                days
            };
            Ok(format!("weekly {}", days.join(" ")))
        }
        "week" => Err(format!("`{recur}` opens every {every} weeks; a plan's weekly window opens every week")),
        "month" if every == 1 => {
            let first = rest.first().map(|w| w.to_ascii_lowercase()).unwrap_or_default();
            if first.starts_with("day") {
                let mut days = Vec::new();
                for d in rest.join("").split(',').filter(|d| !d.is_empty()) {
                    let n = d.to_ascii_lowercase().strip_prefix("day").and_then(|n| n.parse::<u32>().ok()).filter(|n| (1..=31).contains(n));
                    days.push(n.ok_or_else(|| format!("`{d}` is no day of the month"))?.to_string());
                }
                return Ok(format!("monthly on [{}]", days.join(", ")));
            }
            let ordinal = ORDINALS.iter().find(|(w, _)| *w == first).map(|(w, _)| *w);
            let weekday = rest.get(1).and_then(|d| Weekday::parse(&d.to_ascii_lowercase()));
            let (Some(ordinal), Some(weekday)) = (ordinal, weekday) else {
                return Err(format!("`{recur}` names no days of the month, nor a week of the month and a weekday"));
            };
            let mut words = format!("monthly {ordinal} {}", weekday.name().to_ascii_lowercase());
            if let Some(offset) = rest.get(2) {
                let n = offset.to_ascii_lowercase().strip_prefix("offset").and_then(|n| n.parse::<i32>().ok()).filter(|n| (-6..=6).contains(n));
                match n {
                    Some(0) => {}
                    Some(n) if n > 0 => words.push_str(&format!(" offset {n}")),
                    Some(n) => words.push_str(&format!(" offset {} before", -n)),
                    None => return Err(format!("`{offset}` is no offset of -6 to 6 days")),
                }
            }
            Ok(words)
        }
        "month" => Err(format!("`{recur}` opens every {every} months; a plan's monthly window opens every month")),
        _ => Err(format!("`{recur}` is no daily, weekly or monthly recurrence a plan can say")),
    }
}

/// A list of strings of a JSON array.
fn strings(node: Option<&Node>) -> Vec<String> {
    node.map(|a| a.items().iter().filter_map(|n| n.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

impl Mapper {
    /// `update_group` blocks for the template's in-guest patching
    /// configurations and their dynamic scopes.
    pub(super) fn update_groups(&mut self, cx: &Context, common: &dyn Fn(&Resource, &mut Mapper) -> Common) -> Groups {
        let rs = cx.resources;
        let group_of = |r: &Resource| r.group.clone().unwrap_or_else(|| cx.default_group.clone());
        let mut groups = Groups::new();
        for (i, r) in rs.iter().enumerate().filter(|(_, r)| r.is(CONFIGURATION)) {
            let Some(props) = r.props() else { continue };
            // Other scopes (hosts, the platform's own updates) are no update group's.
            if !props.get("maintenanceScope").and_then(Node::as_str).is_some_and(|s| s.eq_ignore_ascii_case("InGuestPatch")) {
                continue;
            }
            // The dynamic scopes that assign it: by the configuration's name in their ID.
            let assignments: Vec<(usize, &Resource)> = rs
                .iter()
                .enumerate()
                .filter(|(_, a)| a.is(ASSIGNMENT))
                .filter(|(_, a)| {
                    a.props()
                        .and_then(|p| p.get("maintenanceConfigurationId"))
                        .and_then(Node::as_str)
                        .and_then(|id| id.trim_end_matches('/').rsplit('/').next())
                        .is_some_and(|n| n.eq_ignore_ascii_case(&r.name))
                })
                .collect();
            let assignment = assignments.first().copied();
            if assignments.len() > 1 {
                let extra = assignments[1].1;
                self.note(
                    &extra.node,
                    format!("maintenance configuration `{}` has several dynamic scopes; an update group has one, the first", r.name),
                );
            }
            let filter = assignment.and_then(|(_, a)| a.props()).and_then(|p| p.get("filter"));
            if let Some((_, a)) = assignment {
                if filter.is_none() {
                    // An assignment to one resource, not a dynamic scope: left as it is.
                    self.note(&a.node, format!("`{}` assigns maintenance configuration `{}` to one resource, not by a dynamic scope; a plan's machines join a group with `updates =`", a.name, r.name));
                }
            }

            // The group's name: the tag value its scope looks for, else the configuration's.
            let tag_settings = filter.and_then(|f| f.get("tagSettings"));
            let mut tag_value = None;
            if let Some(tags) = tag_settings.and_then(|t| t.get("tags")) {
                for (key, values) in tags.members() {
                    let values = strings(Some(values));
                    if key.eq_ignore_ascii_case(TAG) && values.len() == 1 && is_ident(&values[0]) && tag_value.is_none() {
                        tag_value = Some(values[0].clone());
                    } else {
                        self.note(
                            tags,
                            format!(
                                "the dynamic scope of `{}` selects machines by tag `{key}`; a plan's group selects those tagged `{TAG}` with its name",
                                r.name
                            ),
                        );
                    }
                }
            } else if filter.is_some() {
                self.note(
                    filter.unwrap_or(&r.node),
                    format!(
                        "the dynamic scope of `{}` selects machines by no tag; a plan's group selects those tagged `{TAG}` with its name",
                        r.name
                    ),
                );
            }
            let block = match tag_value.as_deref().filter(|v| !self.names.taken.contains(&v.to_ascii_lowercase())) {
                Some(v) => self.names.claim(v),
                None => self.names.claim(&r.name),
            };
            groups.insert(block.to_ascii_lowercase(), block.clone());
            self.used[i] = true;
            if let Some((j, _)) = assignment.filter(|_| filter.is_some()) {
                self.used[j] = true;
            }
            if assignment.is_none() {
                self.note(
                    &r.node,
                    format!("maintenance configuration `{}` has no dynamic scope in the template; the plan's group assigns it to the machines tagged `{TAG}: {block}`", r.name),
                );
            }

            let c = common(r, self);
            let mut lines: Vec<(String, Option<Node>)> = Vec::new();

            // The window.
            let window = props.get("maintenanceWindow");
            let text = |k: &str| window.and_then(|w| w.get(k)).and_then(Node::as_str).map(str::to_string);
            let start = text("startDateTime").unwrap_or_default();
            let (day, at) = start.split_once(' ').unwrap_or((start.as_str(), "00:00"));
            let starts = Date::parse(day).ok();
            if starts.is_none() {
                self.note(
                    window.and_then(|w| w.get("startDateTime")).unwrap_or(props),
                    format!("`{}`'s window has no start known before deployment; it starts on {DEFAULT_START}", r.name),
                );
            }
            let starts = starts.unwrap_or(DEFAULT_START);
            let at: String = at.chars().take(5).collect();
            let duration = text("duration").unwrap_or_else(|| "02:00".to_string());
            let seconds =
                duration.split_once(':').and_then(|(h, m)| Some(h.parse::<u64>().ok()? * 3600 + m.parse::<u64>().ok()? * 60)).unwrap_or_else(|| {
                    self.note(
                        window.and_then(|w| w.get("duration")).unwrap_or(props),
                        format!("`{}`'s window lasts `{duration}`, no `HH:mm` a plan can read; imported as 2h", r.name),
                    );
                    7200
                });
            let recur = text("recurEvery").unwrap_or_default();
            let recurrence = match recurrence_words(&recur, starts) {
                Ok(words) => {
                    // Which day a week without weekdays opens on is not documented with the format.
                    if recur.split_whitespace().count() == 1 && recur.to_ascii_lowercase().ends_with("week") {
                        self.note(
                            window.and_then(|w| w.get("recurEvery")).unwrap_or(props),
                            format!("`{}`'s weekly window names no weekday; the plan opens it on its start's, `{words}`", r.name),
                        );
                    }
                    words
                }
                Err(why) => {
                    self.note(window.and_then(|w| w.get("recurEvery")).unwrap_or(props), format!("{why}; the plan's group opens daily in its place"));
                    "daily".to_string()
                }
            };
            let mut phrase = format!("{recurrence} at {at} for {}", duration_words(seconds));
            if let Some(tz) = text("timeZone") {
                phrase.push_str(&format!(" timezone {}", string_literal(&tz)));
            }
            lines.push((phrase, window.cloned()));
            if starts != DEFAULT_START {
                lines.push((format!("starts = \"{starts}\""), window.and_then(|w| w.get("startDateTime")).cloned()));
            }
            if let Some(expires) = text("expirationDateTime") {
                let (day, time) = expires.split_once(' ').unwrap_or((expires.as_str(), ""));
                match Date::parse(day) {
                    Ok(d) => {
                        if !time.is_empty() && !time.starts_with("23:59") {
                            self.note(
                                window.and_then(|w| w.get("expirationDateTime")).unwrap_or(props),
                                format!("`{}` expires at {time}; a plan's group expires at 23:59 of its last day", r.name),
                            );
                        }
                        lines.push((format!("expires = \"{d}\""), window.and_then(|w| w.get("expirationDateTime")).cloned()));
                    }
                    Err(_) => self.note(
                        window.and_then(|w| w.get("expirationDateTime")).unwrap_or(props),
                        format!("`{}`'s expiry `{expires}` is no date; left out", r.name),
                    ),
                }
            }

            // What to install.
            let patches = props.get("installPatches");
            let windows_params = patches.and_then(|p| p.get("windowsParameters"));
            let linux_params = patches.and_then(|p| p.get("linuxParameters"));
            let mut words: Vec<&str> = Vec::new();
            let mut per_os: Vec<Vec<&str>> = Vec::new();
            for (params, table) in [(windows_params, WINDOWS_CLASSIFICATIONS), (linux_params, LINUX_CLASSIFICATIONS)] {
                let Some(params) = params else { continue };
                let mut mine = Vec::new();
                for azure in strings(params.get("classificationsToInclude")) {
                    match table.iter().find(|(_, a)| a.eq_ignore_ascii_case(&azure)) {
                        Some((word, _)) => {
                            mine.push(*word);
                            if !words.contains(word) {
                                words.push(word);
                            }
                        }
                        None => self.note(
                            params.get("classificationsToInclude").unwrap_or(params),
                            format!("classification `{azure}` of `{}` is not one a plan writes; left out", r.name),
                        ),
                    }
                }
                per_os.push(mine);
            }
            // One list for both systems: each takes the words it knows.
            if let [w, l] = per_os.as_slice() {
                let shared =
                    |word: &&str| LINUX_CLASSIFICATIONS.iter().any(|(x, _)| x == word) && WINDOWS_CLASSIFICATIONS.iter().any(|(x, _)| x == word);
                if w.iter().filter(|x| shared(x)).any(|x| !l.contains(x)) || l.iter().filter(|x| shared(x)).any(|x| !w.contains(x)) {
                    self.note(patches.unwrap_or(props), format!("`{}` installs other classifications on Windows than on Linux; a plan's group has one list for both, imported as their union", r.name));
                }
            }
            let default: Vec<&str> = DEFAULT_CLASSIFICATIONS.to_vec();
            let mut sorted = words.clone();
            sorted.sort_unstable();
            let mut default_sorted = default.clone();
            default_sorted.sort_unstable();
            if sorted != default_sorted && !words.is_empty() {
                lines.push((format!("classifications = [{}]", words.join(", ")), patches.cloned()));
            }
            for (params, key, attr) in [
                (windows_params, "kbNumbersToInclude", "kb_include"),
                (windows_params, "kbNumbersToExclude", "kb_exclude"),
                (linux_params, "packageNameMasksToInclude", "packages_include"),
                (linux_params, "packageNameMasksToExclude", "packages_exclude"),
            ] {
                let values = strings(params.and_then(|p| p.get(key)));
                if !values.is_empty() {
                    let list: Vec<String> = values.iter().map(|v| string_literal(v)).collect();
                    lines.push((format!("{attr} = [{}]", list.join(", ")), params.and_then(|p| p.get(key)).cloned()));
                }
            }
            let reboot = patches.and_then(|p| p.get("rebootSetting")).and_then(Node::as_str).unwrap_or("IfRequired");
            match REBOOT.iter().find(|(_, azure)| azure.eq_ignore_ascii_case(reboot)) {
                Some(("if_required", _)) => {}
                Some((word, _)) => lines.push((format!("reboot = {word}"), patches.and_then(|p| p.get("rebootSetting")).cloned())),
                None => self.note(
                    patches.unwrap_or(props),
                    format!("`{}`'s reboot setting `{reboot}` is not one a plan writes; imported as `if_required`", r.name),
                ),
            }

            // The scope: operating systems, regions, resource groups.
            let os_types = strings(filter.and_then(|f| f.get("osTypes")));
            let (windows, linux) = if os_types.is_empty() {
                (windows_params.is_some() || linux_params.is_none(), linux_params.is_some() || windows_params.is_none())
            } else {
                (os_types.iter().any(|o| o.eq_ignore_ascii_case("windows")), os_types.iter().any(|o| o.eq_ignore_ascii_case("linux")))
            };
            match (windows, linux) {
                (true, false) => lines.push(("os = [windows]".into(), filter.and_then(|f| f.get("osTypes")).cloned())),
                (false, true) => lines.push(("os = [linux]".into(), filter.and_then(|f| f.get("osTypes")).cloned())),
                _ => {}
            }
            let regions = strings(filter.and_then(|f| f.get("locations")));
            if !regions.is_empty() {
                let regions: Vec<String> = regions.iter().map(|l| super::region(l)).collect();
                lines.push((format!("regions = [{}]", regions.join(", ")), filter.and_then(|f| f.get("locations")).cloned()));
            }
            let groups_in = strings(filter.and_then(|f| f.get("resourceGroups")));
            if !groups_in.is_empty() {
                let list: Vec<String> = groups_in.iter().map(|g| string_literal(g)).collect();
                lines.push((format!("resource_groups = [{}]", list.join(", ")), filter.and_then(|f| f.get("resourceGroups")).cloned()));
            }
            let types = strings(filter.and_then(|f| f.get("resourceTypes")));
            if types.iter().any(|t| !t.eq_ignore_ascii_case("Microsoft.Compute/virtualMachines")) {
                self.note(
                    filter.and_then(|f| f.get("resourceTypes")).unwrap_or(props),
                    format!(
                        "the dynamic scope of `{}` takes other resource types than virtual machines; a plan's group takes virtual machines",
                        r.name
                    ),
                );
            }
            if tag_settings.and_then(|t| t.get("filterOperator")).and_then(Node::as_str).is_some_and(|o| !o.eq_ignore_ascii_case("All")) {
                self.note(
                    tag_settings.unwrap_or(props),
                    format!("the dynamic scope of `{}` matches any of its tags; a plan's group matches all", r.name),
                );
            }

            let group = group_of(r);
            let w = self.file(&group);
            w.line(0, &format!("update_group {block} {{"), Some(&r.node));
            w.line(1, &format!("resource_group = {}", string_literal(&group)), None);
            // A group's body holds its schedule phrase, so maps are written `name = { ... }`.
            if let Some(l) = &c.location {
                w.line(1, &format!("location = {l}"), None);
            }
            if !c.tags.is_empty() {
                let entries: Vec<String> = c.tags.iter().map(|(k, v, _)| format!("{k} = {}", string_literal(v))).collect();
                w.line(1, &format!("tags = {{ {} }}", entries.join("  ")), None);
            }
            for (text, from) in &lines {
                w.line(1, text, from.as_ref());
            }
            let mut names = vec![format!("maintenance_configuration = {}", string_literal(&r.name))];
            if let Some((_, a)) = assignment.filter(|_| filter.is_some()).filter(|(_, a)| a.name != block) {
                names.push(format!("maintenance_assignment = {}", string_literal(&a.name)));
            }
            if r.name != block || names.len() > 1 {
                if r.name == block {
                    names.remove(0);
                }
                w.line(1, &format!("names = {{ {} }}", names.join("  ")), None);
            }
            w.line(0, "}", None);
        }
        groups
    }
}

#[cfg(test)]
mod tests {
    use super::recurrence_words;
    use crate::calendar::Date;

    #[test]
    fn azure_recurrences_become_schedule_words() {
        let start = Date::parse("2026-01-01").unwrap();
        let words = |r: &str| recurrence_words(r, start);
        assert_eq!(words("Day").as_deref(), Ok("daily"));
        assert_eq!(words("3Days").as_deref(), Ok("every 3 days"));
        assert_eq!(words("Week Saturday,Sunday").as_deref(), Ok("weekly saturday sunday"));
        // 2026-01-01 is a Thursday: a week without days opens on the start's weekday.
        assert_eq!(words("Week").as_deref(), Ok("weekly thursday"));
        assert_eq!(words("Month day23,day24").as_deref(), Ok("monthly on [23, 24]"));
        assert_eq!(words("Month Second Tuesday Offset2").as_deref(), Ok("monthly second tuesday offset 2"));
        assert_eq!(words("Month Last Sunday Offset-3").as_deref(), Ok("monthly last sunday offset 3 before"));
        assert!(words("2Weeks").unwrap_err().contains("every 2 weeks"));
        assert!(words("2Months").is_err());
        assert!(words("6Hours").is_err());
    }
}
