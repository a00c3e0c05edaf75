use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Checks an image's `end_of_life`: a date written `YYYY-MM-DD` that exists
    /// in the calendar.
    ///
    /// ## Why it matters
    /// Azure refuses an image definition whose end-of-life date it cannot read
    /// when the deployment reaches it.
    ///
    /// ## Example
    /// ```ashlar
    /// image web {
    ///   end_of_life = "31/12/2027"
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Write the date as `YYYY-MM-DD`: `"2027-12-31"`.
    pub IMAGE_END_OF_LIFE = ("ASH442", "image-end-of-life", Error);
}

pub const CHECK: Check = Check { code: &IMAGE_END_OF_LIFE, run };

/// What is wrong with a `YYYY-MM-DD` date, if anything.
pub fn date_problem(text: &str) -> Option<String> {
    let parts: Vec<&str> = text.split('-').collect();
    let shaped = parts.len() == 3 && [4, 2, 2].iter().zip(&parts).all(|(len, part)| part.len() == *len && part.chars().all(|c| c.is_ascii_digit()));
    if !shaped {
        return Some(format!("`{text}` is not a date written YYYY-MM-DD"));
    }
    let number = |s: &str| s.parse::<u32>().unwrap_or(0);
    let (year, month, day) = (number(parts[0]), number(parts[1]), number(parts[2]));
    if !(1..=12).contains(&month) {
        return Some(format!("`{text}` has no month {month}"));
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day == 0 || day > days {
        return Some(format!("`{text}` has no day {day}: that month has {days} days"));
    }
    if year == 0 {
        return Some(format!("`{text}` has no year 0"));
    }
    None
}

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind("image") {
        let (Some(text), Some(attr)) = (node.str("end_of_life"), node.get("end_of_life")) else { continue };
        if let Some(problem) = date_problem(text) {
            out.push(
                Diagnostic::new(&IMAGE_END_OF_LIFE, attr.span, format!("the end of life of {}: {problem}", model.describe(id)))
                    .with_help("write a date that exists, as YYYY-MM-DD: `\"2027-12-31\"`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::date_problem;

    #[test]
    fn dates_are_read_as_the_calendar_has_them() {
        for ok in ["2027-12-31", "2028-02-29", "2000-02-29", "2030-04-30"] {
            assert_eq!(date_problem(ok), None, "{ok}");
        }
        assert_eq!(date_problem("31/12/2027").as_deref(), Some("`31/12/2027` is not a date written YYYY-MM-DD"));
        assert_eq!(date_problem("2027-1-31").as_deref(), Some("`2027-1-31` is not a date written YYYY-MM-DD"));
        assert_eq!(date_problem("2027-13-01").as_deref(), Some("`2027-13-01` has no month 13"));
        assert_eq!(date_problem("2100-02-29").as_deref(), Some("`2100-02-29` has no day 29: that month has 28 days"));
        assert_eq!(date_problem("2027-04-31").as_deref(), Some("`2027-04-31` has no day 31: that month has 30 days"));
        assert_eq!(date_problem("2027-12-31T00:00:00Z").as_deref(), Some("`2027-12-31T00:00:00Z` is not a date written YYYY-MM-DD"));
    }
}
