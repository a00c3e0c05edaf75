//! An update group's schedule as data: its recurrence (`weekly sunday`,
//! `monthly second tuesday offset 2`), time, length and time zone, when it
//! opens, and how it reads in words. The phrase is read once, at resolution,
//! by [`crate::blocks::updates`], and kept in [`crate::model::Model::schedules`]
//! for the checks, the lowering and the patch calendar.

use crate::calendar::{Date, Weekday};
use crate::source::Span;

/// The time zone of a schedule that names none.
pub const DEFAULT_TIME_ZONE: &str = "UTC";

/// Which week of the month a monthly window falls in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ordinal {
    First,
    Second,
    Third,
    Fourth,
    Last,
}

pub const ORDINALS: &[(&str, Ordinal)] =
    &[("first", Ordinal::First), ("second", Ordinal::Second), ("third", Ordinal::Third), ("fourth", Ordinal::Fourth), ("last", Ordinal::Last)];

impl Ordinal {
    fn word(self) -> &'static str {
        ORDINALS.iter().find(|(_, o)| *o == self).map_or("", |(w, _)| w)
    }

    /// `Second`, as Azure writes it.
    fn azure(self) -> String {
        let word = self.word();
        word[..1].to_ascii_uppercase() + &word[1..]
    }
}

/// How often a window opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recurrence {
    /// Every N days from the start date: `daily` is every 1 day.
    Days(u32),
    /// On these weekdays of every week, Monday first.
    Weekly(Vec<Weekday>),
    /// On these days of every month, in order.
    MonthDays(Vec<u32>),
    /// On a weekday of one week of every month, moved `offset` days (-6 to 6).
    MonthWeekday { ordinal: Ordinal, weekday: Weekday, offset: i32 },
}

/// The most days `every N days` may have between windows.
pub const MAX_EVERY_DAYS: i64 = 365;

impl Recurrence {
    /// Azure's `recurEvery`: `Day`, `3Days`, `Week Saturday,Sunday`,
    /// `Month day1,day15`, `Month Second Tuesday Offset2`.
    pub fn recur_every(&self) -> String {
        match self {
            Recurrence::Days(1) => "Day".to_string(),
            Recurrence::Days(n) => format!("{n}Days"),
            Recurrence::Weekly(days) => format!("Week {}", days.iter().map(|d| d.name()).collect::<Vec<_>>().join(",")),
            Recurrence::MonthDays(days) => format!("Month {}", days.iter().map(|d| format!("day{d}")).collect::<Vec<_>>().join(",")),
            Recurrence::MonthWeekday { ordinal, weekday, offset } => {
                let offset = if *offset == 0 { String::new() } else { format!(" Offset{offset}") };
                format!("Month {} {}{offset}", ordinal.azure(), weekday.name())
            }
        }
    }

    /// In words: `every Sunday`, `2 days after the second Tuesday of every month`.
    pub fn describe(&self) -> String {
        match self {
            Recurrence::Days(1) => "every day".to_string(),
            Recurrence::Days(n) => format!("every {n} days"),
            Recurrence::Weekly(days) => format!("every {}", and(&days.iter().map(|d| d.name().to_string()).collect::<Vec<_>>())),
            Recurrence::MonthDays(days) => {
                let shown: Vec<String> = days.iter().map(ToString::to_string).collect();
                let word = if days.len() == 1 { "day" } else { "days" };
                format!("on {word} {} of every month", and(&shown))
            }
            Recurrence::MonthWeekday { ordinal, weekday, offset } => {
                let base = format!("the {} {} of every month", ordinal.word(), weekday.name());
                match offset {
                    0 => format!("on {base}"),
                    n => {
                        let days = if n.abs() == 1 { "day" } else { "days" };
                        let side = if *n > 0 { "after" } else { "before" };
                        format!("{} {days} {side} {base}", n.abs())
                    }
                }
            }
        }
    }

    /// The days the window opens on, from `from` on (and not before `start`),
    /// up to `count` of them and none after `expires`.
    ///
    /// `every N days` counts from the start date; a day of the month that a
    /// month lacks (31 in April) is skipped that month; an offset may move a
    /// monthly window into the month before or after.
    pub fn occurrences(&self, start: Date, expires: Option<Date>, from: Date, count: usize) -> Vec<Date> {
        let begin = start.max(from);
        let mut found: Vec<Date> = Vec::new();
        let open = |d: Date| expires.is_none_or(|e| d <= e);
        match self {
            Recurrence::Days(n) => {
                let n = i64::from((*n).max(1));
                let behind = begin.days() - start.days();
                let mut day = start.add_days((behind + n - 1).div_euclid(n) * n);
                while found.len() < count && open(day) && day.year < 9999 {
                    found.push(day);
                    day = day.add_days(n);
                }
            }
            Recurrence::Weekly(days) => {
                let mut day = begin;
                while found.len() < count && open(day) && day.year < 9999 && !days.is_empty() {
                    if days.contains(&day.weekday()) {
                        found.push(day);
                    }
                    day = day.add_days(1);
                }
            }
            Recurrence::MonthDays(days) => {
                let mut month = Date { year: begin.year, month: begin.month, day: 1 };
                while found.len() < count && open(month) && month.year < 9999 && !days.is_empty() {
                    for &d in days {
                        if let Some(day) = Date::new(month.year, month.month, d).filter(|&day| day >= begin && open(day)) {
                            if found.len() < count {
                                found.push(day);
                            }
                        }
                    }
                    month = month.next_month();
                }
            }
            Recurrence::MonthWeekday { ordinal, weekday, offset } => {
                // An offset reaches back into the month before: start a month early.
                let first = Date { year: begin.year, month: begin.month, day: 1 }.add_days(-1);
                let mut month = Date { year: first.year, month: first.month, day: 1 };
                while found.len() < count && month.year < 9999 {
                    let day = nth_weekday(month, *ordinal, *weekday).add_days(i64::from(*offset));
                    if !open(day) {
                        break;
                    }
                    if day >= begin {
                        found.push(day);
                    }
                    month = month.next_month();
                }
            }
        }
        found
    }
}

/// The day of `month` (any date in it) that is its `ordinal` `weekday`.
fn nth_weekday(month: Date, ordinal: Ordinal, weekday: Weekday) -> Date {
    let first = Date { year: month.year, month: month.month, day: 1 };
    let to = |from: Weekday| (weekday as i64 - from as i64).rem_euclid(7);
    let week = match ordinal {
        Ordinal::First => 0,
        Ordinal::Second => 1,
        Ordinal::Third => 2,
        Ordinal::Fourth => 3,
        Ordinal::Last => {
            let last = Date { year: month.year, month: month.month, day: crate::calendar::days_in_month(month.year, month.month) };
            return last.add_days(-(last.weekday() as i64 - weekday as i64).rem_euclid(7));
        }
    };
    first.add_days(to(first.weekday()) + 7 * week)
}

/// A duration as ashlar writes it: `3h55m`, `90s`, `0m`.
pub fn duration_words(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    let mut out = String::new();
    for (n, unit) in [(h, "h"), (m, "m"), (s, "s")] {
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    }
    if out.is_empty() {
        out.push_str("0m");
    }
    out
}

/// "a", "a and b", "a, b and c".
fn and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A group's schedule, read from its phrase, with the spans of its parts.
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    pub recurrence: Recurrence,
    /// From the first word to the last word of the recurrence.
    pub recurrence_span: Span,
    /// Minutes after midnight.
    pub at: u32,
    pub at_span: Span,
    /// Seconds.
    pub duration: u64,
    pub duration_span: Span,
    /// The time zone as written, and where.
    pub time_zone: Option<(String, Span)>,
    /// The whole phrase.
    pub span: Span,
}

impl Schedule {
    /// `02:00`.
    pub fn at_text(&self) -> String {
        format!("{:02}:{:02}", self.at / 60, self.at % 60)
    }

    /// Azure's `duration`, `HH:mm`, of whole minutes.
    pub fn duration_text(&self) -> String {
        let minutes = self.duration / 60;
        format!("{:02}:{:02}", minutes / 60, minutes % 60)
    }

    /// The time zone as written, or [`DEFAULT_TIME_ZONE`].
    pub fn time_zone_text(&self) -> &str {
        self.time_zone.as_ref().map_or(DEFAULT_TIME_ZONE, |(tz, _)| tz.as_str())
    }

    /// The Windows time zone ID Azure gets: the table's spelling of the one
    /// written, the one an IANA name stands for, or the text as written when
    /// the table lacks it (ASH601 reports it).
    pub fn time_zone_id(&self) -> String {
        let written = self.time_zone_text();
        crate::timezones::find(written).or_else(|| crate::timezones::for_iana(written)).map_or_else(|| written.to_string(), |z| z.id.to_string())
    }
}
