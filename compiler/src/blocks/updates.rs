//! Update management: `update_group` blocks, each a schedule of Azure Update
//! Manager for the machines that name it.
//!
//! ```text
//! update_group sunday_early {
//!   resource_group = "rg-core-updates"
//!   weekly sunday at 02:00 for 3h timezone "GMT Standard Time"
//!   classifications = [critical, security]
//! }
//! ```
//!
//! What a group lowers to:
//! - a maintenance configuration (`Microsoft.Maintenance/maintenanceConfigurations`,
//!   scope `InGuestPatch`) in the group's resource group, holding the window
//!   and what to install;
//! - a dynamic scope (`Microsoft.Maintenance/configurationAssignments`) at
//!   subscription scope, deployed by `main.json` itself, that assigns the
//!   configuration to every virtual machine of the subscription tagged
//!   [`TAG`] with the group's name, whichever plan deployed it.
//!
//! The schedule is a phrase, read once when the plan is resolved by
//! [`read_schedules`], which reports its errors and keeps it in the model;
//! [`schedule`] gives it to the checks and the lowering.

use super::phrase::Words;
use crate::ast::{self, Ident, Term, ValueKind};
use crate::blocks::lowering::Lowering;
use crate::calendar::{Date, Weekday};
use crate::diagnostic::codes::{DUPLICATE_ATTRIBUTE, MALFORMED_BLOCK, MISSING_ATTRIBUTE, TYPE_MISMATCH};
use crate::diagnostic::{did_you_mean, Diagnostic, Help};
use crate::lower::ir::{Object, Prop, Resource};
use crate::model::{Model, Node, NodeId, Typed};
use crate::schema::attrs;
use crate::schema::{attr, KindSchema, Naming, Type};
use crate::source::Span;
use indexmap::IndexMap;

const MAINTENANCE_CONFIGURATION: &str = "Microsoft.Maintenance/maintenanceConfigurations";
const CONFIGURATION_ASSIGNMENT: &str = "Microsoft.Maintenance/configurationAssignments";
/// The only resource type a dynamic scope of scope InGuestPatch selects here.
const VIRTUAL_MACHINES: &str = "Microsoft.Compute/virtualMachines";

/// The tag that puts a machine in an update group: its value is the group's name.
pub const TAG: &str = "ashlar-update-group";

/// The start of a window whose group has no `starts`: Azure needs a fixed date,
/// and a window starts at its first occurrence on or after it. A date in the
/// past changes nothing for windows on given weekdays or days of the month,
/// and keeps every build of a plan the same; for `every N days` it sets which
/// days (see docs/language.md).
pub const DEFAULT_START: Date = Date { year: 2026, month: 1, day: 1 };

/// The shortest and longest window of scope InGuestPatch, in minutes: "The
/// upper maintenance window is 3 hours and 55 minutes. A minimum of 1 hour and
/// 30 minutes is required for the maintenance window." (learn:
/// virtual-machines/maintenance-configurations, Guest scope).
pub const MIN_WINDOW_MINUTES: u64 = 90;
pub const MAX_WINDOW_MINUTES: u64 = 235;

/// The operating systems a group patches.
pub const OS: &[&str] = &["windows", "linux"];

/// Update classifications, as ashlar writes them, with Azure's name for them.
pub const WINDOWS_CLASSIFICATIONS: &[(&str, &str)] = &[
    ("critical", "Critical"),
    ("security", "Security"),
    ("update_rollup", "UpdateRollup"),
    ("feature_pack", "FeaturePack"),
    ("service_pack", "ServicePack"),
    ("definition", "Definition"),
    ("tools", "Tools"),
    ("updates", "Updates"),
];
pub const LINUX_CLASSIFICATIONS: &[(&str, &str)] = &[("critical", "Critical"), ("security", "Security"), ("other", "Other")];

/// Every classification word, Windows's then Linux's own.
pub const CLASSIFICATIONS: &[&str] =
    &["critical", "security", "update_rollup", "feature_pack", "service_pack", "definition", "tools", "updates", "other"];
/// The classifications of a group that names none.
pub const DEFAULT_CLASSIFICATIONS: &[&str] = &["critical", "security"];

/// Reboot settings, as ashlar writes them, with Azure's.
pub const REBOOT: &[(&str, &str)] = &[("if_required", "IfRequired"), ("never", "Never"), ("always", "Always")];

const OS_TYPE: Type = Type::Word(OS);
const CLASSIFICATION: Type = Type::Word(CLASSIFICATIONS);
const STRING: Type = Type::String;
const REGION: Type = Type::Region;

pub const UPDATE_GROUP: KindSchema = KindSchema {
    kind: "update_group",
    doc: "A patch schedule of Azure Update Manager: a window, written as a phrase (`weekly sunday at 02:00 for 3h timezone \"GMT Standard Time\"`), and what to install in it, on every machine tagged `ashlar-update-group` with the group's name.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attrs::resource_group(true, None, "Resource group of the maintenance configuration; created when missing."),
        attrs::location(Some("settings.location"), "Region of the maintenance configuration; the machines it patches may be in any region."),
        attr("starts", Type::String, false, Some("\"2026-01-01\""), "The first day the window may open, `YYYY-MM-DD`."),
        attr("expires", Type::String, false, Some("never"), "The last day the window may open, `YYYY-MM-DD`; it expires at 23:59 that day, in the window's time zone."),
        attr(
            "classifications",
            Type::List(&CLASSIFICATION),
            false,
            Some("[critical, security]"),
            "Updates to install. Windows: critical, security, update_rollup, feature_pack, service_pack, definition, tools, updates; Linux: critical, security, other.",
        ),
        attr("kb_include", Type::List(&STRING), false, Some("none"), "Windows: KB articles to install whatever their classification, such as \"KB5034441\"."),
        attr("kb_exclude", Type::List(&STRING), false, Some("none"), "Windows: KB articles never to install."),
        attr("packages_include", Type::List(&STRING), false, Some("none"), "Linux: package name masks to install, such as \"openssl*\"."),
        attr("packages_exclude", Type::List(&STRING), false, Some("none"), "Linux: package name masks never to install."),
        attr("reboot", Type::Word(&["if_required", "never", "always"]), false, Some("if_required"), "Whether machines restart after installing: `if_required`, `never` or `always`."),
        attr("os", Type::List(&OS_TYPE), false, Some("[windows, linux]"), "The operating systems of the machines the group patches."),
        attr(
            "regions",
            Type::List(&REGION),
            false,
            Some("every region"),
            "The regions of the machines the group patches: its dynamic scope leaves out a machine in any other.",
        ),
        attr(
            "resource_groups",
            Type::List(&STRING),
            false,
            Some("every resource group"),
            "The resource groups of the machines the group patches: its dynamic scope leaves out a machine in any other.",
        ),
        attrs::tags("Tags of the maintenance configuration, merged over the plan's tags."),
    ],
    children: &[],
    unique: false,
};

// ---------------------------------------------------------------------------
// The schedule phrase: read here into a [`Schedule`] (`crate::schedule`)

pub use crate::schedule::{duration_words, Ordinal, Recurrence, Schedule, DEFAULT_TIME_ZONE, MAX_EVERY_DAYS, ORDINALS};

/// The shape of a schedule, for help texts.
pub const SHAPE: &str =
    "daily|every N days|weekly DAYS|monthly on DAYS|monthly ORDINAL WEEKDAY [offset N [before]] at HH:MM for DURATION [timezone \"ZONE\"]";
const EXAMPLE: &str = "weekly sunday at 02:00 for 3h timezone \"GMT Standard Time\"";
/// The words a schedule starts with.
const RECURRENCES: &[&str] = &["daily", "every", "weekly", "monthly"];

/// A problem to report, or `None` for one reported already (an invalid literal).
type Read<T> = Result<T, Option<Diagnostic>>;

/// Reads each update group's schedule, once, and keeps it in
/// [`Model::schedules`] for the checks, the lowering and the patch calendar.
/// Reports what is wrong with it (one schedule, each word in its place), and
/// a group without one; a line that looks like a misspelt schedule
/// (`weekyl sunday ...`) has its own error.
pub fn read_schedules(model: &mut Model, diagnostics: &mut Vec<Diagnostic>) {
    let groups: Vec<NodeId> = model.of_kind("update_group").map(|(id, _)| id).collect();
    for id in groups {
        let node = model.node(id);
        let mut first: Option<Span> = None;
        let mut schedule = None;
        for phrase in &node.raw_phrases {
            // A line that is no schedule (a misspelt attribute, say) has its own error.
            if !is_schedule(phrase) {
                if let Err(Some(d)) = read_schedule(phrase) {
                    diagnostics.push(d);
                }
                continue;
            }
            if let Some(first) = first {
                diagnostics.push(
                    Diagnostic::new(&MALFORMED_BLOCK, phrase.span, "an update group has one schedule, and this is a second")
                        .with_label(first, "the first is here")
                        .with_help("keep one schedule a group; a second window needs a second `update_group`"),
                );
                continue;
            }
            first = Some(phrase.span);
            match read_schedule(phrase) {
                Ok(read) => schedule = Some(read),
                Err(Some(d)) => diagnostics.push(d),
                Err(None) => {}
            }
        }
        let misspelt = node.raw_phrases.iter().any(|p| crate::diagnostic::closest(&p.head.name, RECURRENCES.iter().copied()).is_some());
        if first.is_none() && !misspelt {
            diagnostics.push(
                Diagnostic::new(&MISSING_ATTRIBUTE, node.head, format!("{} has no schedule", model.describe(id)))
                    .with_help(format!("add its window as a line of the block, such as `{EXAMPLE}`")),
            );
        }
        if let Some(schedule) = schedule {
            model.schedules.insert(id, schedule);
        }
    }
}

/// Whether a line of an update group starts like a schedule: `daily`, `every`, `weekly`, `monthly`.
fn is_schedule(phrase: &ast::Block) -> bool {
    RECURRENCES.iter().any(|r| r.eq_ignore_ascii_case(&phrase.head.name))
}

/// The schedule of an update group, when it reads without error: read once,
/// by [`read_schedules`].
pub fn schedule(model: &Model, group: NodeId) -> Option<&Schedule> {
    model.schedules.get(&group)
}

/// One word of a phrase: a bare word, another value, or an operator or group.
#[derive(Clone, Copy)]
enum Word<'a> {
    Bare(&'a Ident),
    Value(&'a ast::Value),
    Other(Span),
}

impl<'a> Word<'a> {
    fn of(term: &'a Term) -> Word<'a> {
        match term {
            Term::Value(v) => v.as_word().map_or(Word::Value(v), Word::Bare),
            other => Word::Other(other.span()),
        }
    }

    fn span(&self) -> Span {
        match self {
            Word::Bare(i) => i.span,
            Word::Value(v) => v.span,
            Word::Other(s) => *s,
        }
    }

    fn bare(&self) -> Option<String> {
        match self {
            Word::Bare(i) => Some(i.name.to_ascii_lowercase()),
            _ => None,
        }
    }

    fn is(&self, word: &str) -> bool {
        self.bare().is_some_and(|w| w == word)
    }

    /// What the word is, for "found ..." messages.
    fn shown(&self) -> String {
        match self {
            Word::Bare(i) => format!("`{}`", i.name),
            Word::Value(v) => v.kind.describe().to_string(),
            Word::Other(_) => "an operator or group".to_string(),
        }
    }

    fn invalid(&self) -> bool {
        matches!(self, Word::Value(ast::Value { kind: ValueKind::Invalid, .. }))
    }
}

fn malformed(span: Span, message: impl Into<String>, help: impl Into<Help>) -> Option<Diagnostic> {
    Some(Diagnostic::new(&MALFORMED_BLOCK, span, message).with_help(help))
}

fn mismatch(word: &Word, expected: &str, help: impl Into<Help>) -> Option<Diagnostic> {
    if word.invalid() {
        return None;
    }
    Some(Diagnostic::new(&TYPE_MISMATCH, word.span(), format!("expected {expected}, found {}", word.shown())).with_help(help))
}

/// The next word, or an error saying what belongs where the schedule ends.
fn next<'a>(r: &mut Words<'a>, missing: &str, help: &str) -> Read<Word<'a>> {
    r.take().map(Word::of).ok_or_else(|| malformed(r.end(), format!("the schedule ends where {missing} belongs"), help))
}

/// The next word when it is `word`, taken.
fn take_if<'a>(r: &mut Words<'a>, word: &str) -> Option<Word<'a>> {
    let found = r.peek().map(Word::of).filter(|w| w.is(word));
    if found.is_some() {
        r.take();
    }
    found
}

/// A whole number in `range`.
fn number(r: &mut Words, what: &str, range: std::ops::RangeInclusive<i64>, help: &str) -> Read<(i64, Span)> {
    let word = next(r, what, help)?;
    match word {
        Word::Value(ast::Value { kind: ValueKind::Int(n), span }) if range.contains(n) => Ok((*n, *span)),
        Word::Value(ast::Value { kind: ValueKind::Int(n), span }) => Err(Some(
            Diagnostic::new(&TYPE_MISMATCH, *span, format!("{what} is {n}, out of {} to {}", range.start(), range.end())).with_help(help.to_string()),
        )),
        other => Err(mismatch(&other, what, help)),
    }
}

/// Reads one schedule phrase: `weekly sunday at 02:00 for 3h timezone "GMT Standard Time"`.
fn read_schedule(phrase: &ast::Block) -> Read<Schedule> {
    let help = format!("write `{SHAPE}`, such as `{EXAMPLE}`");
    if let Some(body) = &phrase.body {
        return Err(malformed(body.span, "a schedule is one line and takes no `{ ... }`", help));
    }
    // The head word as a one-word path, as resolution keeps a phrase's first word.
    let head_term = Term::Value(ast::Value { kind: ValueKind::Path(vec![phrase.head.clone()]), span: phrase.head.span });
    let mut r = Words::new(std::iter::once(&head_term).chain(&phrase.terms).collect(), phrase.span);
    r.take();
    let head = Word::of(&head_term);
    let recurrence = match head.bare().as_deref() {
        Some("daily") => Recurrence::Days(1),
        Some("every") => every(&mut r)?,
        Some("weekly") => {
            take_if(&mut r, "on");
            Recurrence::Weekly(weekdays(&mut r)?)
        }
        Some("monthly") => monthly(&mut r)?,
        _ => {
            let name = phrase.head.name.as_str();
            let hint = did_you_mean(name, RECURRENCES.iter().copied());
            let attribute = did_you_mean(name, UPDATE_GROUP.attributes.iter().map(|a| a.name)).map(|h| h.then("Attributes take `=`."));
            let help = hint.or(attribute).unwrap_or_else(|| format!("a schedule starts with `daily`, `every`, `weekly` or `monthly`: {help}").into());
            return Err(Some(
                Diagnostic::new(
                    &TYPE_MISMATCH,
                    phrase.head.span,
                    format!("expected a schedule (`daily`, `every`, `weekly` or `monthly`), found `{name}`"),
                )
                .with_help(help),
            ));
        }
    };
    let recurrence_span = phrase.head.span.to(r.end());
    let mut at: Option<(u32, Span, Span)> = None;
    let mut duration: Option<(u64, Span, Span)> = None;
    let mut time_zone: Option<(String, Span, Span)> = None;
    while let Some(word) = r.take().map(Word::of) {
        let keyword = word.span();
        let given_before = match word.bare().as_deref() {
            Some("at") => at.as_ref().map(|a| a.2),
            Some("for") => duration.as_ref().map(|d| d.2),
            Some("timezone") => time_zone.as_ref().map(|t| t.2),
            _ => None,
        };
        if let Some(first) = given_before {
            let name = word.bare().unwrap_or_default();
            return Err(Some(
                Diagnostic::new(&DUPLICATE_ATTRIBUTE, keyword, format!("the schedule gives `{name}` twice"))
                    .with_label(first, "first given here")
                    .with_help("keep one of them"),
            ));
        }
        match word.bare().as_deref() {
            Some("at") => {
                let value = next(&mut r, "a time of day after `at`", "write the time the window opens, such as `at 02:00`")?;
                match value {
                    Word::Value(ast::Value { kind: ValueKind::TimeOfDay(minutes), span }) => at = Some((*minutes, *span, keyword)),
                    other => {
                        return Err(mismatch(&other, "a time of day like 02:00", "write the time the window opens, 24-hour, such as `at 02:00`"))
                    }
                }
            }
            Some("for") => {
                let value = next(&mut r, "a duration after `for`", "write how long the window lasts, such as `for 3h`")?;
                match value {
                    Word::Value(ast::Value { kind: ValueKind::Duration(seconds), span }) => duration = Some((*seconds, *span, keyword)),
                    Word::Value(ast::Value { kind: ValueKind::Int(n), .. }) => {
                        return Err(mismatch(&value, "a duration like 3h", format!("give the unit: `{n}h` for hours, `{n}m` for minutes")))
                    }
                    other => return Err(mismatch(&other, "a duration like 3h", "write how long the window lasts, such as `for 3h` or `for 2h30m`")),
                }
            }
            Some("timezone") => {
                let value = next(&mut r, "a time zone after `timezone`", "write a Windows time zone ID, such as `timezone \"GMT Standard Time\"`")?;
                match value {
                    Word::Value(ast::Value { kind: ValueKind::Str(s), span }) => time_zone = Some((s.clone(), *span, keyword)),
                    Word::Bare(ident) => time_zone = Some((ident.name.clone(), ident.span, keyword)),
                    other => {
                        return Err(mismatch(
                            &other,
                            "a time zone",
                            "write a Windows time zone ID in quotes, such as `timezone \"W. Europe Standard Time\"`",
                        ))
                    }
                }
            }
            _ => {
                let hint = word.bare().and_then(|w| did_you_mean(&w, ["at", "for", "timezone"]));
                return Err(mismatch(
                    &word,
                    "`at`, `for` or `timezone`",
                    hint.unwrap_or_else(|| format!("after the days come `at HH:MM`, `for DURATION` and `timezone \"ZONE\"`: {help}").into()),
                ));
            }
        }
    }
    let Some((at, at_span, _)) = at else {
        return Err(malformed(r.end(), "the schedule does not say when the window opens", "add `at HH:MM`, such as `at 02:00`"));
    };
    let Some((duration, duration_span, _)) = duration else {
        return Err(malformed(r.end(), "the schedule does not say how long the window lasts", "add `for DURATION`, such as `for 3h`"));
    };
    Ok(Schedule {
        recurrence,
        recurrence_span,
        at,
        at_span,
        duration,
        duration_span,
        time_zone: time_zone.map(|(tz, span, _)| (tz, span)),
        span: phrase.span,
    })
}

/// `every N days`.
fn every(r: &mut Words) -> Read<Recurrence> {
    let help = "write `every N days`, such as `every 3 days`; weekly and monthly windows are written `weekly DAYS` and `monthly ...`";
    let (n, _) = number(r, "the number of days", 1..=MAX_EVERY_DAYS, help)?;
    let unit = next(r, "`days`", help)?;
    match unit.bare().as_deref() {
        Some("day" | "days") => Ok(Recurrence::Days(n as u32)),
        Some(w @ ("week" | "weeks" | "month" | "months")) => {
            Err(Some(Diagnostic::new(&TYPE_MISMATCH, unit.span(), format!("ashlar writes `every` with days only, not {w}")).with_help(
                "write a weekly window `weekly DAYS`, such as `weekly sunday`, and a monthly one `monthly on 15` or `monthly second tuesday`",
            )))
        }
        _ => Err(mismatch(&unit, "`days`", help)),
    }
}

/// Weekdays: one or more words, or a list of them.
fn weekdays(r: &mut Words) -> Read<Vec<Weekday>> {
    let help = "name the days, such as `weekly sunday` or `weekly [saturday, sunday]`";
    let first = next(r, "a day of the week", help)?;
    let mut words: Vec<Word> = Vec::new();
    if let Word::Value(ast::Value { kind: ValueKind::List(items), span }) = first {
        if items.is_empty() {
            return Err(Some(Diagnostic::new(&TYPE_MISMATCH, *span, "an empty list names no day").with_help(help)));
        }
        words.extend(items.iter().map(|v| v.as_word().map_or(Word::Value(v), Word::Bare)));
    } else {
        words.push(first);
        while let Some(next) = r.peek().map(Word::of).filter(|w| w.bare().is_some_and(|b| Weekday::parse(&b).is_some())) {
            words.push(next);
            r.take();
        }
    }
    let mut days: Vec<(Weekday, Span)> = Vec::new();
    for word in words {
        let day = word.bare().and_then(|b| Weekday::parse(&b));
        let Some(day) = day else {
            let names = crate::calendar::WEEKDAYS.map(|d| d.name().to_ascii_lowercase());
            let hint = word.bare().and_then(|b| did_you_mean(&b, names.iter().map(String::as_str)));
            return Err(mismatch(&word, "a day of the week", hint.unwrap_or_else(|| help.to_string().into())));
        };
        if let Some((_, first)) = days.iter().find(|(d, _)| *d == day) {
            return Err(Some(
                Diagnostic::new(&TYPE_MISMATCH, word.span(), format!("{} is named twice", day.name()))
                    .with_label(*first, "first named here")
                    .with_help("name each day once"),
            ));
        }
        days.push((day, word.span()));
    }
    let mut days: Vec<Weekday> = days.into_iter().map(|(d, _)| d).collect();
    days.sort();
    Ok(days)
}

/// `monthly on DAYS` or `monthly ORDINAL WEEKDAY [offset N [day|days] [before|after]]`.
fn monthly(r: &mut Words) -> Read<Recurrence> {
    let help = "write `monthly on 15`, `monthly on [1, 15]` or `monthly second tuesday`, with `offset N` to move it N days later";
    let word = next(r, "`on DAY` or a week of the month", help)?;
    if word.is("on") {
        return month_days(r).map(Recurrence::MonthDays);
    }
    let Some(ordinal) = word.bare().and_then(|b| ORDINALS.iter().find(|(w, _)| *w == b).map(|(_, o)| *o)) else {
        let words = ["on", "first", "second", "third", "fourth", "last"];
        let hint = word.bare().and_then(|b| did_you_mean(&b, words));
        let expected = "`on` or a week of the month (`first`, `second`, `third`, `fourth`, `last`)";
        return Err(mismatch(&word, expected, hint.unwrap_or_else(|| help.to_string().into())));
    };
    let day_word = next(r, "a day of the week", help)?;
    let Some(weekday) = day_word.bare().and_then(|b| Weekday::parse(&b)) else {
        let names = crate::calendar::WEEKDAYS.map(|d| d.name().to_ascii_lowercase());
        let hint = day_word.bare().and_then(|b| did_you_mean(&b, names.iter().map(String::as_str)));
        return Err(mismatch(&day_word, "a day of the week", hint.unwrap_or_else(|| help.to_string().into())));
    };
    let mut offset = 0;
    if take_if(r, "offset").is_some() {
        let offset_help = "write `offset N` to open the window N days later, `offset N before` N days earlier; N is 0 to 6";
        let (n, _) = number(r, "the offset", 0..=6, offset_help)?;
        if take_if(r, "day").is_none() {
            take_if(r, "days");
        }
        offset = n as i32;
        if take_if(r, "before").is_some() {
            offset = -offset;
        } else {
            take_if(r, "after");
        }
    }
    Ok(Recurrence::MonthWeekday { ordinal, weekday, offset })
}

/// Days of the month, 1 to 31: one or more numbers, or a list of them.
fn month_days(r: &mut Words) -> Read<Vec<u32>> {
    let help = "name the days of the month, 1 to 31, such as `monthly on 15` or `monthly on [1, 15]`";
    let first = next(r, "a day of the month", help)?;
    let mut words: Vec<Word> = Vec::new();
    if let Word::Value(ast::Value { kind: ValueKind::List(items), span }) = first {
        if items.is_empty() {
            return Err(Some(Diagnostic::new(&TYPE_MISMATCH, *span, "an empty list names no day").with_help(help)));
        }
        words.extend(items.iter().map(Word::Value));
    } else {
        words.push(first);
        while let Some(next) = r.peek().map(Word::of).filter(|w| matches!(w, Word::Value(ast::Value { kind: ValueKind::Int(_), .. }))) {
            words.push(next);
            r.take();
        }
    }
    let mut days: Vec<(u32, Span)> = Vec::new();
    for word in words {
        let day = match word {
            Word::Value(ast::Value { kind: ValueKind::Int(n), span }) => {
                if !(1..=31).contains(n) {
                    return Err(Some(Diagnostic::new(&TYPE_MISMATCH, *span, format!("day {n} of the month is out of 1 to 31")).with_help(help)));
                }
                *n as u32
            }
            other => return Err(mismatch(&other, "a day of the month", help)),
        };
        if let Some((_, first)) = days.iter().find(|(d, _)| *d == day) {
            return Err(Some(
                Diagnostic::new(&TYPE_MISMATCH, word.span(), format!("day {day} is named twice"))
                    .with_label(*first, "first named here")
                    .with_help("name each day once"),
            ));
        }
        days.push((day, word.span()));
    }
    let mut days: Vec<u32> = days.into_iter().map(|(d, _)| d).collect();
    days.sort_unstable();
    Ok(days)
}

// ---------------------------------------------------------------------------
// What a group says, with its defaults

/// Which operating systems a group patches: (windows, linux).
pub fn os_of(node: &Node) -> (bool, bool) {
    if node.get("os").is_none() {
        return (true, true);
    }
    let words: Vec<&str> = node.list("os").iter().filter_map(|i| if let Typed::Word(w) = &i.value { Some(w.as_str()) } else { None }).collect();
    (words.contains(&"windows"), words.contains(&"linux"))
}

/// Where a group's dynamic scope looks for machines, beyond its tag and
/// operating systems: `None` for every region, or every resource group.
pub struct Scope {
    pub regions: Option<Vec<String>>,
    pub resource_groups: Option<Vec<String>>,
}

impl Scope {
    pub fn of(group: &Node) -> Scope {
        let regions = group
            .get("regions")
            .map(|_| group.list("regions").iter().filter_map(|i| if let Typed::Word(w) = &i.value { Some(w.clone()) } else { None }).collect());
        let resource_groups = group.get("resource_groups").map(|_| strings(group, "resource_groups"));
        Scope { regions, resource_groups }
    }

    /// Whether a machine in `region` is inside the scope; Azure writes
    /// regions in lower case, as ashlar checks they are.
    pub fn has_region(&self, region: &str) -> bool {
        self.regions.as_ref().is_none_or(|all| all.iter().any(|r| r.eq_ignore_ascii_case(region)))
    }

    /// Whether a machine in `resource_group` is inside the scope: resource
    /// group names are case-insensitive.
    pub fn has_resource_group(&self, resource_group: &str) -> bool {
        self.resource_groups.as_ref().is_none_or(|all| all.iter().any(|g| g.eq_ignore_ascii_case(resource_group)))
    }
}

/// The classification words of a group: written, or the default.
pub fn classifications(node: &Node) -> Vec<String> {
    if node.get("classifications").is_none() {
        return DEFAULT_CLASSIFICATIONS.iter().map(|c| c.to_string()).collect();
    }
    node.list("classifications").iter().filter_map(|i| if let Typed::Word(w) = &i.value { Some(w.clone()) } else { None }).collect()
}

/// A date attribute (`starts`, `expires`), when written and valid.
pub fn date(node: &Node, attr: &str) -> Option<Date> {
    node.str(attr).and_then(|text| Date::parse(text).ok())
}

/// The first day the window may open: `starts`, else [`DEFAULT_START`].
pub fn start(node: &Node) -> Date {
    date(node, "starts").unwrap_or(DEFAULT_START)
}

/// The strings of a list attribute.
fn strings(node: &Node, attr: &str) -> Vec<String> {
    node.list(attr).iter().filter_map(|i| if let Typed::Str(s) = &i.value { Some(s.clone()) } else { None }).collect()
}

/// Azure's names of the classifications a group installs on one operating system.
fn azure_classifications(node: &Node, table: &[(&str, &'static str)]) -> Vec<Prop> {
    let chosen = classifications(node);
    table.iter().filter(|(word, _)| chosen.iter().any(|c| c == word)).map(|(_, azure)| Prop::str(*azure)).collect()
}

// ---------------------------------------------------------------------------
// Machines in a group

/// The update groups a `compute` or `scale_set` block names with `updates`,
/// in the order written: one, or several that take its machines in turn.
pub fn groups_of(model: &Model, block: NodeId) -> Vec<NodeId> {
    model
        .node(block)
        .list("updates")
        .iter()
        .filter_map(|item| match item.value {
            Typed::Ref(g) if model.node(g).is("update_group") => Some(g),
            _ => None,
        })
        .collect()
}

/// The update group of the block's machine number `index` (from 0): the
/// groups take the machines in turn.
pub fn group_of_machine(model: &Model, block: NodeId, index: usize) -> Option<NodeId> {
    let groups = groups_of(model, block);
    (!groups.is_empty()).then(|| groups[index % groups.len()])
}

/// The machine blocks (`compute`, `scale_set`) in an update group, in declaration order.
pub fn machines_of(model: &Model, group: NodeId) -> Vec<NodeId> {
    model.node_ids().filter(|&id| (model.node(id).is("compute") || model.node(id).is("scale_set")) && groups_of(model, id).contains(&group)).collect()
}

/// The `patchSettings` of the OS profile of a machine in an update group:
/// patched by the platform (`AutomaticByPlatform`) on the customer's schedule
/// only (`bypassPlatformSafetyChecksOnUserSchedule`), which Update Manager's
/// scheduled patching needs ("Patch mode = AutomaticByPlatform,
/// BypassPlatformSafetyChecksOnUserSchedule = TRUE", learn:
/// update-manager/prerequsite-for-schedule-patching), and assessed by the
/// platform periodically. `None` for a machine in no group.
pub fn patch_settings(model: &Model, block: NodeId) -> Option<Prop> {
    if groups_of(model, block).is_empty() {
        return None;
    }
    Some(Prop::object([
        ("patchMode", Prop::str("AutomaticByPlatform")),
        ("assessmentMode", Prop::str("AutomaticByPlatform")),
        ("automaticByPlatformSettings", Prop::object([("bypassPlatformSafetyChecksOnUserSchedule", Prop::Bool(true))])),
    ]))
}

/// Adds the group tag to the block's machine number `index` (from 0), when
/// it is in an update group: the dynamic scope finds it by it.
pub fn tag_machine(model: &Model, block: NodeId, index: usize, tags: &mut IndexMap<String, String>) {
    if let Some(group) = group_of_machine(model, block, index) {
        tags.insert(TAG.to_string(), model.node(group).name().to_string());
    }
}

// ---------------------------------------------------------------------------
// Lowering

/// Each `update_group` becomes a maintenance configuration in its resource
/// group and a dynamic scope at subscription scope that assigns it to the
/// machines tagged with the group's name.
pub fn lower_update_groups(lw: &mut Lowering) {
    let groups: Vec<NodeId> = lw.model.of_kind("update_group").map(|(id, _)| id).collect();
    for id in groups {
        let model = lw.model;
        let node = model.node(id);
        let Some(schedule) = schedule(model, id) else { continue };
        let rg = lw.resource_group(node.str(attrs::RESOURCE_GROUP).unwrap_or_default(), id);
        let (windows, linux) = os_of(node);

        let mut window = Object::new();
        window.insert("startDateTime".into(), Prop::str(format!("{} {}", start(node), schedule.at_text())));
        window.insert("duration".into(), Prop::str(schedule.duration_text()));
        window.insert("timeZone".into(), Prop::str(schedule.time_zone_id()));
        window.insert("recurEvery".into(), Prop::str(schedule.recurrence.recur_every()));
        if let Some(expires) = date(node, "expires") {
            window.insert("expirationDateTime".into(), Prop::str(format!("{expires} 23:59")));
        }

        let reboot = node.str("reboot").and_then(|r| REBOOT.iter().find(|(w, _)| *w == r)).map_or("IfRequired", |(_, azure)| azure);
        let mut patches = Object::new();
        patches.insert("rebootSetting".into(), Prop::str(reboot));
        if windows {
            let mut parameters = Object::new();
            parameters.insert("classificationsToInclude".into(), Prop::Array(azure_classifications(node, WINDOWS_CLASSIFICATIONS)));
            for (attr, key) in [("kb_include", "kbNumbersToInclude"), ("kb_exclude", "kbNumbersToExclude")] {
                let kbs = strings(node, attr);
                if !kbs.is_empty() {
                    parameters.insert(key.into(), Prop::Array(kbs.into_iter().map(Prop::Str).collect()));
                }
            }
            patches.insert("windowsParameters".into(), Prop::Object(parameters));
        }
        if linux {
            let mut parameters = Object::new();
            parameters.insert("classificationsToInclude".into(), Prop::Array(azure_classifications(node, LINUX_CLASSIFICATIONS)));
            for (attr, key) in [("packages_include", "packageNameMasksToInclude"), ("packages_exclude", "packageNameMasksToExclude")] {
                let masks = strings(node, attr);
                if !masks.is_empty() {
                    parameters.insert(key.into(), Prop::Array(masks.into_iter().map(Prop::Str).collect()));
                }
            }
            patches.insert("linuxParameters".into(), Prop::Object(parameters));
        }

        let mut properties = Object::new();
        properties.insert("maintenanceScope".into(), Prop::str("InGuestPatch"));
        properties.insert("extensionProperties".into(), Prop::object([("InGuestPatchMode", Prop::str("User"))]));
        properties.insert("maintenanceWindow".into(), Prop::Object(window));
        properties.insert("installPatches".into(), Prop::Object(patches));
        properties.insert("visibility".into(), Prop::str("Custom"));
        let mut resource = Resource::new(
            format!("mc_{}", node.name()),
            MAINTENANCE_CONFIGURATION,
            vec![lw.names.maintenance_configuration(id)],
            rg,
            model.location(id).map(str::to_string),
            model.tags(id),
            id,
        );
        resource.properties = Prop::Object(properties);
        let configuration = lw.push(resource);
        lw.primary.insert(id, configuration);

        // The dynamic scope: every virtual machine of the subscription with the tag.
        let os_types: Vec<Prop> = [(windows, "Windows"), (linux, "Linux")].into_iter().filter(|(on, _)| *on).map(|(_, os)| Prop::str(os)).collect();
        let mut tags = Object::new();
        tags.insert(TAG.into(), Prop::Array(vec![Prop::str(node.name())]));
        let mut filter = Object::new();
        filter.insert("resourceTypes".into(), Prop::Array(vec![Prop::str(VIRTUAL_MACHINES)]));
        let scope = Scope::of(node);
        if let Some(regions) = scope.regions {
            filter.insert("locations".into(), Prop::Array(regions.into_iter().map(Prop::Str).collect()));
        }
        if let Some(groups) = scope.resource_groups {
            filter.insert("resourceGroups".into(), Prop::Array(groups.into_iter().map(Prop::Str).collect()));
        }
        filter.insert("osTypes".into(), Prop::Array(os_types));
        filter.insert("tagSettings".into(), Prop::object([("tags", Prop::Object(tags)), ("filterOperator", Prop::str("All"))]));
        let filter = Prop::Object(filter);
        // No resource group, and "create subscription-level dynamic scope
        // assignments with an empty location" (learn: update-manager/manage-dynamic-scoping).
        let mut resource = Resource::new(
            format!("assign_{}", node.name()),
            CONFIGURATION_ASSIGNMENT,
            vec![lw.names.maintenance_assignment(id)],
            String::new(),
            None,
            IndexMap::new(),
            id,
        );
        resource.properties = Prop::object([("maintenanceConfigurationId", Prop::Id(configuration)), ("filter", filter)]);
        resource.depends_on = vec![configuration];
        lw.push_subscription(resource);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Weekday::*;

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn read(line: &str) -> Result<Schedule, String> {
        let text = format!("update_group g {{\n  {line}\n}}\n");
        let (tree, errors) = crate::syntax::parse(crate::source::FileId::default(), &text);
        assert!(errors.is_empty(), "{line}: {errors:?}");
        let Some(ast::Item::Block(group)) = tree.items.first() else { panic!("no block") };
        let Some(ast::Item::Block(phrase)) = group.body.as_ref().and_then(|b| b.items.first()) else { panic!("no phrase") };
        read_schedule(phrase).map_err(|d| d.map(|d| format!("{}: {}", d.code.code, d.message)).unwrap_or_default())
    }

    fn recur(line: &str) -> String {
        read(line).unwrap().recurrence.recur_every()
    }

    #[test]
    fn phrases_become_azure_recurrences() {
        assert_eq!(recur("daily at 02:00 for 2h"), "Day");
        assert_eq!(recur("every 1 day at 02:00 for 2h"), "Day");
        assert_eq!(recur("every 3 days at 02:00 for 2h"), "3Days");
        assert_eq!(recur("weekly sunday at 02:00 for 2h"), "Week Sunday");
        assert_eq!(recur("weekly on sunday saturday at 02:00 for 2h"), "Week Saturday,Sunday");
        assert_eq!(recur("weekly [Sunday, wednesday] at 02:00 for 2h"), "Week Wednesday,Sunday");
        assert_eq!(recur("monthly on 15 at 02:00 for 2h"), "Month day15");
        assert_eq!(recur("monthly on [15, 1] at 02:00 for 2h"), "Month day1,day15");
        assert_eq!(recur("monthly second tuesday at 22:00 for 3h"), "Month Second Tuesday");
        assert_eq!(recur("monthly second tuesday offset 2 at 22:00 for 3h"), "Month Second Tuesday Offset2");
        assert_eq!(recur("monthly last sunday offset 3 days before at 22:00 for 3h"), "Month Last Sunday Offset-3");
        assert_eq!(recur("monthly last sunday offset 0 at 22:00 for 3h"), "Month Last Sunday");
    }

    #[test]
    fn clauses_come_in_any_order() {
        let s = read("weekly sunday timezone \"GMT Standard Time\" for 3h at 2:30").unwrap();
        assert_eq!((s.at_text(), s.duration_text(), s.time_zone_id()), ("02:30".into(), "03:00".into(), "GMT Standard Time".into()));
        let s = read("daily at 23:15 for 1h45m timezone utc").unwrap();
        assert_eq!((s.at_text(), s.duration_text(), s.time_zone_id()), ("23:15".into(), "01:45".into(), "UTC".into()));
        assert_eq!(read("daily at 01:00 for 2h").unwrap().time_zone_id(), "UTC");
    }

    #[test]
    fn errors_point_at_the_word() {
        assert_eq!(read("weekly sundy at 02:00 for 2h").unwrap_err(), "ASH104: expected a day of the week, found `sundy`");
        assert_eq!(
            read("fortnightly at 02:00 for 2h").unwrap_err(),
            "ASH104: expected a schedule (`daily`, `every`, `weekly` or `monthly`), found `fortnightly`"
        );
        assert_eq!(read("every 2 weeks at 02:00 for 2h").unwrap_err(), "ASH104: ashlar writes `every` with days only, not weeks");
        assert_eq!(read("every 0 days at 02:00 for 2h").unwrap_err(), "ASH104: the number of days is 0, out of 1 to 365");
        assert_eq!(read("monthly on 32 at 02:00 for 2h").unwrap_err(), "ASH104: day 32 of the month is out of 1 to 31");
        assert_eq!(read("monthly on 1 1 at 02:00 for 2h").unwrap_err(), "ASH104: day 1 is named twice");
        assert_eq!(
            read("monthly fifth monday at 02:00 for 2h").unwrap_err(),
            "ASH104: expected `on` or a week of the month (`first`, `second`, `third`, `fourth`, `last`), found `fifth`"
        );
        assert_eq!(read("monthly second tuesday offset 7 at 02:00 for 2h").unwrap_err(), "ASH104: the offset is 7, out of 0 to 6");
        assert_eq!(read("weekly sunday sunday at 02:00 for 2h").unwrap_err(), "ASH104: Sunday is named twice");
        assert_eq!(read("weekly sunday at 02:00 for 3").unwrap_err(), "ASH104: expected a duration like 3h, found an integer");
        assert_eq!(read("weekly sunday at noon for 3h").unwrap_err(), "ASH104: expected a time of day like 02:00, found `noon`");
        assert_eq!(read("weekly sunday for 3h").unwrap_err(), "ASH109: the schedule does not say when the window opens");
        assert_eq!(read("weekly sunday at 02:00").unwrap_err(), "ASH109: the schedule does not say how long the window lasts");
        assert_eq!(read("weekly sunday at 02:00 at 03:00 for 3h").unwrap_err(), "ASH108: the schedule gives `at` twice");
        assert_eq!(read("weekly sunday at 02:00 for 3h until 2027").unwrap_err(), "ASH104: expected `at`, `for` or `timezone`, found `until`");
        assert_eq!(read("weekly at 02:00 for 3h").unwrap_err(), "ASH104: expected a day of the week, found `at`");
        assert_eq!(read("weekly").unwrap_err(), "ASH109: the schedule ends where a day of the week belongs");
    }

    #[test]
    fn recurrences_in_words() {
        let words = |line: &str| read(line).unwrap().recurrence.describe();
        assert_eq!(words("daily at 02:00 for 2h"), "every day");
        assert_eq!(words("every 3 days at 02:00 for 2h"), "every 3 days");
        assert_eq!(words("weekly saturday sunday at 02:00 for 2h"), "every Saturday and Sunday");
        assert_eq!(words("weekly monday wednesday friday at 02:00 for 2h"), "every Monday, Wednesday and Friday");
        assert_eq!(words("monthly on 15 at 02:00 for 2h"), "on day 15 of every month");
        assert_eq!(words("monthly on 1 15 at 02:00 for 2h"), "on days 1 and 15 of every month");
        assert_eq!(words("monthly second tuesday at 02:00 for 2h"), "on the second Tuesday of every month");
        assert_eq!(words("monthly second tuesday offset 2 at 02:00 for 2h"), "2 days after the second Tuesday of every month");
        assert_eq!(words("monthly last sunday offset 1 before at 02:00 for 2h"), "1 day before the last Sunday of every month");
    }

    /// The JSON form of a property, for assertions.
    fn json(prop: &Prop) -> serde_json::Value {
        match prop {
            Prop::Str(s) => serde_json::json!(s),
            Prop::Bool(b) => serde_json::json!(b),
            Prop::Int(i) => serde_json::json!(i),
            Prop::Array(items) => serde_json::Value::Array(items.iter().map(json).collect()),
            Prop::Object(entries) => serde_json::Value::Object(entries.iter().map(|(k, v)| (k.to_string(), json(v))).collect()),
            Prop::Id(r) => serde_json::json!(format!("<id of {}>", r.index())),
            other => serde_json::json!(format!("{other:?}")),
        }
    }

    #[test]
    fn a_group_lowers_to_its_configuration_and_dynamic_scope_and_tags_its_machines() {
        use crate::check::test_support::{linux, machines, windows};
        let text = machines(&format!(
            "update_group patch {{\n resource_group = \"rg-updates\"\n monthly second tuesday offset 2 at 22:00 for 3h55m timezone \"w. europe standard time\"\n os = [windows]\n starts = \"2026-12-01\"\n expires = \"2099-12-31\"\n classifications = [security, definition]\n kb_include = [\"KB5034441\"]\n reboot = never\n}}\n\
             update_group nightly {{\n resource_group = \"rg-updates\"\n daily at 01:00 for 2h timezone \"Europe/Amsterdam\"\n regions = [uksouth, westeurope]\n resource_groups = [\"rg-app\"]\n}}\n{}{}",
            windows("compute", "iis", "updates = patch"),
            linux("compute", "api", "")
        ));
        let analysis = crate::calendar::with_today(DEFAULT_START, || crate::analyze_text(&text, std::path::Path::new(".")));
        assert!(!analysis.has_errors(), "{:#?}", analysis.diagnostics);
        let plan = analysis.azure.unwrap();
        let (index, configuration) = plan.resources_with_ids().find(|(_, r)| r.name == ["patch"]).unwrap();
        assert_eq!(configuration.resource_type, MAINTENANCE_CONFIGURATION);
        assert_eq!(configuration.resource_group, "rg-updates");
        assert_eq!(
            json(&configuration.properties),
            serde_json::json!({
                "maintenanceScope": "InGuestPatch",
                "extensionProperties": { "InGuestPatchMode": "User" },
                "maintenanceWindow": {
                    "startDateTime": "2026-12-01 22:00",
                    "duration": "03:55",
                    "timeZone": "W. Europe Standard Time",
                    "recurEvery": "Month Second Tuesday Offset2",
                    "expirationDateTime": "2099-12-31 23:59",
                },
                "installPatches": {
                    "rebootSetting": "Never",
                    "windowsParameters": { "classificationsToInclude": ["Security", "Definition"], "kbNumbersToInclude": ["KB5034441"] },
                },
                "visibility": "Custom",
            })
        );
        // The dynamic scope, at subscription scope, waits for the configuration.
        let scope = plan.subscription_resources.iter().find(|r| r.name == ["patch"]).unwrap();
        assert_eq!((scope.resource_type, scope.location.as_deref(), scope.depends_on.as_slice()), (CONFIGURATION_ASSIGNMENT, None, &[index][..]));
        assert_eq!(
            json(&scope.properties),
            serde_json::json!({
                "maintenanceConfigurationId": format!("<id of {}>", index.index()),
                "filter": {
                    "resourceTypes": ["Microsoft.Compute/virtualMachines"],
                    "osTypes": ["Windows"],
                    "tagSettings": { "tags": { "ashlar-update-group": ["patch"] }, "filterOperator": "All" },
                },
            })
        );
        let nightly = plan.resources.iter().find(|r| r.name == ["nightly"]).unwrap();
        assert_eq!(json(&nightly.properties)["maintenanceWindow"]["startDateTime"], "2026-01-01 01:00");
        // An IANA name is written as the Windows ID Azure takes.
        assert_eq!(json(&nightly.properties)["maintenanceWindow"]["timeZone"], "W. Europe Standard Time");
        // Its scope filters by regions and resource groups too.
        let scope = plan.subscription_resources.iter().find(|r| r.name == ["nightly"]).unwrap();
        assert_eq!(
            json(&scope.properties)["filter"],
            serde_json::json!({
                "resourceTypes": ["Microsoft.Compute/virtualMachines"],
                "locations": ["uksouth", "westeurope"],
                "resourceGroups": ["rg-app"],
                "osTypes": ["Windows", "Linux"],
                "tagSettings": { "tags": { "ashlar-update-group": ["nightly"] }, "filterOperator": "All" },
            })
        );
        assert_eq!(
            json(&nightly.properties)["installPatches"]["linuxParameters"],
            serde_json::json!({ "classificationsToInclude": ["Critical", "Security"] })
        );

        // The machine in the group carries the tag and patches on schedules only; the other does neither.
        let iis = plan.resources.iter().find(|r| r.name == ["iis"]).unwrap();
        assert_eq!(iis.tags.get(TAG).map(String::as_str), Some("patch"));
        assert_eq!(
            json(&iis.properties)["osProfile"]["windowsConfiguration"]["patchSettings"],
            serde_json::json!({
                "patchMode": "AutomaticByPlatform",
                "assessmentMode": "AutomaticByPlatform",
                "automaticByPlatformSettings": { "bypassPlatformSafetyChecksOnUserSchedule": true },
            })
        );
        let api = plan.resources.iter().find(|r| r.name == ["api"]).unwrap();
        assert!(!api.tags.contains_key(TAG));
        assert!(json(&api.properties)["osProfile"]["linuxConfiguration"].get("patchSettings").is_none());
    }

    #[test]
    fn occurrences_follow_the_calendar() {
        let start = DEFAULT_START;
        let from = d("2026-12-01");
        let dates = |r: Recurrence, expires: Option<Date>| r.occurrences(start, expires, from, 3).iter().map(|d| d.to_string()).collect::<Vec<_>>();
        assert_eq!(dates(Recurrence::Days(1), None), ["2026-12-01", "2026-12-02", "2026-12-03"]);
        // 2026-01-01 + 333 days = 2026-11-30; every 3 days from the start.
        assert_eq!(dates(Recurrence::Days(3), None), ["2026-12-03", "2026-12-06", "2026-12-09"]);
        assert_eq!(dates(Recurrence::Weekly(vec![Saturday, Sunday]), None), ["2026-12-05", "2026-12-06", "2026-12-12"]);
        assert_eq!(dates(Recurrence::MonthDays(vec![1, 31]), None), ["2026-12-01", "2026-12-31", "2027-01-01"]);
        assert_eq!(dates(Recurrence::MonthDays(vec![31]), None), ["2026-12-31", "2027-01-31", "2027-03-31"]);
        // Patch Tuesday: the second Tuesday; two days later is Thursday.
        let patch_tuesday = Recurrence::MonthWeekday { ordinal: Ordinal::Second, weekday: Tuesday, offset: 0 };
        assert_eq!(dates(patch_tuesday, None), ["2026-12-08", "2027-01-12", "2027-02-09"]);
        let after = Recurrence::MonthWeekday { ordinal: Ordinal::Second, weekday: Tuesday, offset: 2 };
        assert_eq!(dates(after, None), ["2026-12-10", "2027-01-14", "2027-02-11"]);
        let last = Recurrence::MonthWeekday { ordinal: Ordinal::Last, weekday: Sunday, offset: -6 };
        assert_eq!(dates(last, None), ["2026-12-21", "2027-01-25", "2027-02-22"]);
        // The first Monday of January 2027 is the 4th; six days before is in December.
        let early = Recurrence::MonthWeekday { ordinal: Ordinal::First, weekday: Monday, offset: -6 };
        assert_eq!(dates(early, None), ["2026-12-01", "2026-12-29", "2027-01-26"]);
        assert_eq!(dates(Recurrence::Weekly(vec![Sunday]), Some(d("2026-12-13"))), ["2026-12-06", "2026-12-13"]);
        assert!(dates(Recurrence::Days(1), Some(d("2026-11-30"))).is_empty());
        // Not before the start, when it is later than `from`.
        assert_eq!(Recurrence::Days(2).occurrences(d("2027-01-10"), None, from, 2), [d("2027-01-10"), d("2027-01-12")]);
    }
}
