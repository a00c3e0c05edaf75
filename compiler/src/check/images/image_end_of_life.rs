use crate::calendar::{parse_moment, Date};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Checks an image's `end_of_life`: a date `YYYY-MM-DD` or a date and time
    /// with its offset from UTC, `YYYY-MM-DDTHH:MM:SSZ` or
    /// `YYYY-MM-DDTHH:MM:SS+01:00`, that exists in the calendar and is after
    /// today. A date alone is midnight UTC that day.
    ///
    /// ## Why it matters
    /// Azure refuses an image definition whose end-of-life date it cannot read
    /// ("Could not convert string to DateTimeOffset"), and one whose date has
    /// passed ("EndOfLifeDate must be set to a future date"): Microsoft Learn,
    /// "Troubleshoot images in an Azure Compute Gallery".
    ///
    /// ## Example
    /// ```ashlar
    /// image web {
    ///   end_of_life = "31/12/2027 18:00"
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Write a date to come as `YYYY-MM-DD`, `"2027-12-31"`, or a date and time
    /// with its offset, `"2027-12-31T18:00:00Z"`.
    pub IMAGE_END_OF_LIFE = ("ASH442", "image-end-of-life", Error);
}

pub const CHECK: Check = Check { code: &IMAGE_END_OF_LIFE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let (today, source) = cx.today;
    for (id, node) in model.of_kind("image") {
        let (Some(text), Some(attr)) = (node.str("end_of_life"), node.get("end_of_life")) else { continue };
        match parse_moment(text) {
            Err(problem) => out.push(
                Diagnostic::new(&IMAGE_END_OF_LIFE, attr.span, format!("the end of life of {}: {problem}", model.describe(id)))
                    .with_help("write a date that exists, `\"2027-12-31\"`, or a date and time with its offset, `\"2027-12-31T18:00:00Z\"`"),
            ),
            // Midnight UTC today has passed whatever the hour: a moment no later is not to come.
            Ok(moment) if moment <= today.days() * 1440 => {
                let day = Date::from_days(moment.div_euclid(1440));
                out.push(
                    Diagnostic::new(
                        &IMAGE_END_OF_LIFE,
                        attr.span,
                        format!(
                            "the end of life of {} is not in the future: {day} (UTC) is not after today, {today} ({})",
                            model.describe(id),
                            source.describe()
                        ),
                    )
                    .with_help("Azure refuses an end of life that has passed: write a later date, or remove `end_of_life`"),
                );
            }
            Ok(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::calendar::{with_today, Date};
    use crate::check::test_support::messages;

    fn plan(end: &str) -> String {
        format!("settings {{ location = uksouth }}\ngallery corp {{ resource_group = \"rg\" }}\nimage web {{\n gallery = corp\n os = linux\n end_of_life = \"{end}\"\n}}\n")
    }

    fn on(today: &str, end: &str) -> Vec<String> {
        with_today(Date::parse(today).unwrap(), || messages(&plan(end), "ASH442"))
    }

    #[test]
    fn an_end_of_life_is_a_moment_to_come() {
        for ok in ["2027-12-31", "2028-02-29", "2027-12-31T18:00:00Z", "2027-01-01T00:30:00+00:00", "2026-12-08T01:00:00+01:00"] {
            assert!(on("2026-12-07", ok).is_empty(), "{ok}");
        }
        assert_eq!(on("2026-12-07", "31/12/2027"), ["the end of life of image `web`: \"31/12/2027\" is not a date written YYYY-MM-DD"]);
        assert_eq!(on("2026-12-07", "2100-02-29"), ["the end of life of image `web`: \"2100-02-29\" has day 29, but February 2100 has 28 days"]);
        assert_eq!(
            on("2026-12-07", "2027-12-31T18:00:00"),
            ["the end of life of image `web`: \"2027-12-31T18:00:00\" is not a date and time written YYYY-MM-DDTHH:MM:SS with its offset, `Z` or `+HH:MM`"]
        );
        // Today at midnight has passed; tomorrow is to come; an offset moves the moment.
        assert_eq!(on("2026-12-07", "2026-12-07").len(), 1);
        assert!(on("2026-12-07", "2026-12-08").is_empty());
        assert_eq!(on("2026-12-07", "2026-12-07T00:30:00+01:00").len(), 1);
        assert!(on("2026-12-07", "2026-12-07T00:30:00-01:00").is_empty());
        assert!(on("2026-12-07", "2020-01-01")[0]
            .starts_with("the end of life of image `web` is not in the future: 2020-01-01 (UTC) is not after today, 2026-12-07"));
    }
}
