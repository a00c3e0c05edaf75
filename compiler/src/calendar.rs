//! Dates for update windows: civil dates (no time zone), their weekdays, and
//! what "today" is.
//!
//! "Today" is the UTC date of `SOURCE_DATE_EPOCH` (seconds since 1970-01-01,
//! the reproducible-builds convention) when it is set to a whole number, else
//! the UTC date of the system clock. Tests and embedders fix it for a thread
//! with [`with_today`], so that nothing they check depends on the wall clock.

use std::cell::Cell;
use std::fmt;

/// A day of the proleptic Gregorian calendar, years 1 to 9999.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// A day of the week, Monday first (ISO 8601).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

/// The weekdays in order, Monday first.
pub const WEEKDAYS: [Weekday; 7] =
    [Weekday::Monday, Weekday::Tuesday, Weekday::Wednesday, Weekday::Thursday, Weekday::Friday, Weekday::Saturday, Weekday::Sunday];

impl Weekday {
    /// `Monday`, as Azure and English write it.
    pub fn name(self) -> &'static str {
        match self {
            Weekday::Monday => "Monday",
            Weekday::Tuesday => "Tuesday",
            Weekday::Wednesday => "Wednesday",
            Weekday::Thursday => "Thursday",
            Weekday::Friday => "Friday",
            Weekday::Saturday => "Saturday",
            Weekday::Sunday => "Sunday",
        }
    }

    /// `Mon`.
    pub fn short(self) -> &'static str {
        &self.name()[..3]
    }

    /// The weekday a word names, in any case: `sunday`, `Sunday`.
    pub fn parse(word: &str) -> Option<Weekday> {
        WEEKDAYS.iter().copied().find(|d| d.name().eq_ignore_ascii_case(word))
    }
}

impl Date {
    /// A date, when it exists: `Date::new(2027, 2, 29)` does not.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let valid = (1..=9999).contains(&year) && (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Reads `YYYY-MM-DD`; the error says what is wrong, in words.
    pub fn parse(text: &str) -> Result<Date, String> {
        let parts: Vec<&str> = text.split('-').collect();
        let shaped =
            parts.len() == 3 && [4, 2, 2].iter().zip(&parts).all(|(len, part)| part.len() == *len && part.chars().all(|c| c.is_ascii_digit()));
        if !shaped {
            return Err(format!("\"{text}\" is not a date written YYYY-MM-DD"));
        }
        let number = |part: &str| part.parse::<u32>().unwrap_or(0);
        let (year, month, day) = (number(parts[0]), number(parts[1]), number(parts[2]));
        if year == 0 {
            return Err(format!("\"{text}\" has year 0; years start at 1"));
        }
        if !(1..=12).contains(&month) {
            return Err(format!("\"{text}\" has month {month}; months go from 01 to 12"));
        }
        let year = i32::try_from(year).unwrap_or(i32::MAX);
        let last = days_in_month(year, month);
        Date::new(year, month, day).ok_or_else(|| format!("\"{text}\" has day {day}, but {} {year} has {last} days", month_name(month)))
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days(self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let year_of_era = y - era * 400;
        let day_of_year = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The date `days` after 1970-01-01, clamped to years 1 to 9999.
    pub fn from_days(days: i64) -> Date {
        let z = days.clamp(Date { year: 1, month: 1, day: 1 }.days(), Date { year: 9999, month: 12, day: 31 }.days()) + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097;
        let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let mp = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        Date { year: year as i32, month: month as u32, day: day as u32 }
    }

    pub fn weekday(self) -> Weekday {
        WEEKDAYS[(self.days() + 3).rem_euclid(7) as usize]
    }

    pub fn add_days(self, days: i64) -> Date {
        Date::from_days(self.days() + days)
    }

    /// The first day of the month after this date's.
    pub fn next_month(self) -> Date {
        if self.month == 12 {
            Date { year: (self.year + 1).min(9999), month: 1, day: 1 }
        } else {
            Date { year: self.year, month: self.month + 1, day: 1 }
        }
    }

    /// `Sun 2026-12-06`.
    pub fn with_weekday(self) -> String {
        format!("{} {self}", self.weekday().short())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Reads a date, `YYYY-MM-DD` (midnight UTC), or a date and time with its
/// offset from UTC, `YYYY-MM-DDTHH:MM:SSZ` or `YYYY-MM-DDTHH:MM:SS+HH:MM`
/// (`-HH:MM`), as Azure's API takes a `date-time`. The moment, in minutes
/// since 1970-01-01 00:00 UTC (seconds dropped); the error says what is wrong,
/// in words.
pub fn parse_moment(text: &str) -> Result<i64, String> {
    let Some((date, time)) = text.split_once('T') else {
        return Date::parse(text).map(|d| d.days() * 1440);
    };
    let date = Date::parse(date)?;
    let shape = format!("\"{text}\" is not a date and time written YYYY-MM-DDTHH:MM:SS with its offset, `Z` or `+HH:MM`");
    let (clock, offset) = if let Some(clock) = time.strip_suffix('Z') {
        (clock, 0)
    } else if let Some(at) = time.rfind(['+', '-']) {
        let (clock, zone) = time.split_at(at);
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let minutes = hours_minutes(&zone[1..], 14).ok_or_else(|| shape.clone())?;
        (clock, sign * minutes)
    } else {
        return Err(shape);
    };
    let (hours_and_minutes, seconds) = clock.rsplit_once(':').ok_or_else(|| shape.clone())?;
    let minutes = hours_minutes(hours_and_minutes, 23).ok_or_else(|| shape.clone())?;
    if seconds.len() != 2 || !seconds.chars().all(|c| c.is_ascii_digit()) || seconds > "59" {
        return Err(shape);
    }
    Ok(date.days() * 1440 + minutes - offset)
}

/// `HH:MM`, hours at most `max_hours`, as minutes.
fn hours_minutes(text: &str, max_hours: i64) -> Option<i64> {
    let (hours, minutes) = text.split_once(':')?;
    let two = |s: &str| (s.len() == 2 && s.chars().all(|c| c.is_ascii_digit())).then(|| s.parse::<i64>().ok()).flatten();
    let (hours, minutes) = (two(hours)?, two(minutes)?);
    (hours <= max_hours && minutes <= 59).then_some(hours * 60 + minutes)
}

pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

pub fn month_name(month: u32) -> &'static str {
    const NAMES: [&str; 12] =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    NAMES.get(month.wrapping_sub(1) as usize).copied().unwrap_or("?")
}

thread_local! {
    static FIXED_TODAY: Cell<Option<Date>> = const { Cell::new(None) };
}

/// Where [`today`] came from, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TodaySource {
    /// Fixed for this thread by [`with_today`]: a date without a time of day.
    Fixed,
    /// `SOURCE_DATE_EPOCH`, read at this minute of its UTC day.
    SourceDateEpoch { minute: u32 },
    /// The system clock, read at this minute of its UTC day.
    Clock { minute: u32 },
}

impl TodaySource {
    /// How messages name it: "the build date (SOURCE_DATE_EPOCH)".
    pub fn describe(self) -> &'static str {
        match self {
            TodaySource::Fixed => "the date fixed for this run",
            TodaySource::SourceDateEpoch { .. } => "the build date from SOURCE_DATE_EPOCH",
            TodaySource::Clock { .. } => "the system clock's date, in UTC",
        }
    }

    /// The minute of the UTC day when the date was read (0 to 1439), for a
    /// date read from a clock or SOURCE_DATE_EPOCH; `None` for a fixed date.
    pub fn minute_of_day(self) -> Option<u32> {
        match self {
            TodaySource::Fixed => None,
            TodaySource::SourceDateEpoch { minute } | TodaySource::Clock { minute } => Some(minute),
        }
    }
}

/// The minute of its UTC day that a count of seconds since 1970 falls in.
fn minute_of_day(seconds: i64) -> u32 {
    u32::try_from(seconds.rem_euclid(86_400) / 60).unwrap_or(0)
}

/// Today's date and where it came from: the date fixed by [`with_today`], else
/// the UTC date of `SOURCE_DATE_EPOCH`, else of the system clock.
pub fn today_with_source() -> (Date, TodaySource) {
    if let Some(date) = FIXED_TODAY.with(Cell::get) {
        return (date, TodaySource::Fixed);
    }
    if let Some(seconds) = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()) {
        return (Date::from_days(seconds.div_euclid(86_400)), TodaySource::SourceDateEpoch { minute: minute_of_day(seconds) });
    }
    let seconds = match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
    };
    (Date::from_days(seconds.div_euclid(86_400)), TodaySource::Clock { minute: minute_of_day(seconds) })
}

/// Today's date: see [`today_with_source`].
pub fn today() -> Date {
    today_with_source().0
}

/// Runs `f` with [`today`] fixed to `date` on this thread.
pub fn with_today<R>(date: Date, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Date>);
    impl Drop for Restore {
        fn drop(&mut self) {
            FIXED_TODAY.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(FIXED_TODAY.with(|c| c.replace(Some(date))));
    f()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn moments_are_dates_or_dates_and_times_with_an_offset() {
        let midnight = date("2030-06-30").days() * 1440;
        assert_eq!(parse_moment("2030-06-30"), Ok(midnight));
        assert_eq!(parse_moment("2030-06-30T18:00:00Z"), Ok(midnight + 18 * 60));
        assert_eq!(parse_moment("2030-06-30T18:00:59+01:00"), Ok(midnight + 17 * 60));
        assert_eq!(parse_moment("2030-06-30T23:30:00-05:30"), Ok(midnight + 24 * 60 + 5 * 60));
        assert_eq!(parse_moment("2030-02-30"), Err("\"2030-02-30\" has day 30, but February 2030 has 28 days".to_string()));
        assert_eq!(parse_moment("2030-02-30T00:00:00Z"), Err("\"2030-02-30\" has day 30, but February 2030 has 28 days".to_string()));
        for bad in [
            "2030-06-30T18:00:00",
            "2030-06-30T18:00Z",
            "2030-06-30T24:00:00Z",
            "2030-06-30T18:60:00Z",
            "2030-06-30T18:00:60Z",
            "2030-06-30T18:00:00+15:00",
            "2030-06-30T1:00:00Z",
        ] {
            let error = parse_moment(bad).unwrap_err();
            assert!(error.contains("is not a date and time written YYYY-MM-DDTHH:MM:SS"), "{bad}: {error}");
        }
    }

    #[test]
    fn days_and_weekdays_round_trip() {
        assert_eq!(date("1970-01-01").days(), 0);
        assert_eq!(date("1970-01-01").weekday(), Weekday::Thursday);
        assert_eq!(date("2026-01-01").weekday(), Weekday::Thursday);
        assert_eq!(date("2026-12-06").weekday(), Weekday::Sunday);
        assert_eq!(date("2000-02-29").weekday(), Weekday::Tuesday);
        for text in ["0001-01-01", "1969-12-31", "2000-02-29", "2026-03-01", "9999-12-31"] {
            let d = date(text);
            assert_eq!(Date::from_days(d.days()), d, "{text}");
            assert_eq!(d.to_string(), text);
        }
        assert_eq!(date("2026-12-31").add_days(1), date("2027-01-01"));
        assert_eq!(date("2028-02-28").add_days(1), date("2028-02-29"));
        assert_eq!(date("2027-12-15").next_month(), date("2028-01-01"));
    }

    #[test]
    fn parse_says_what_is_wrong() {
        assert_eq!(Date::parse("2027-02-29").unwrap_err(), "\"2027-02-29\" has day 29, but February 2027 has 28 days");
        assert_eq!(Date::parse("2026-13-01").unwrap_err(), "\"2026-13-01\" has month 13; months go from 01 to 12");
        assert_eq!(Date::parse("2026/12/01").unwrap_err(), "\"2026/12/01\" is not a date written YYYY-MM-DD");
        assert_eq!(Date::parse("2026-1-01").unwrap_err(), "\"2026-1-01\" is not a date written YYYY-MM-DD");
        assert_eq!(Date::parse("0000-01-01").unwrap_err(), "\"0000-01-01\" has year 0; years start at 1");
        assert!(Date::parse("2028-02-29").is_ok());
    }

    #[test]
    fn today_can_be_fixed_for_a_thread() {
        let fixed = date("2026-08-15");
        let (inside, source) = with_today(fixed, today_with_source);
        assert_eq!((inside, source), (fixed, TodaySource::Fixed));
        assert_ne!(today_with_source().1, TodaySource::Fixed);
    }
}
