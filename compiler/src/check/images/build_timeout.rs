use crate::blocks::images::{builds, timeout_seconds};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Checks a build's `timeout`: Image Builder takes whole minutes, from 6
    /// minutes to 16 hours (960 minutes); `0m` asks for its default of 4 hours.
    ///
    /// ## Why it matters
    /// Azure refuses an image template whose `buildTimeoutInMinutes` is out of
    /// range when the deployment reaches it; a timeout of seconds would be cut
    /// to whole minutes without a word.
    ///
    /// ## Example
    /// ```ashlar
    /// build {
    ///   timeout = 20h
    /// }
    /// ```
    ///
    /// ## Fix
    /// Write a duration of whole minutes between `6m` and `16h`, or `0m` for the default.
    pub BUILD_TIMEOUT = ("ASH435", "build-timeout", Error);
}

pub const CHECK: Check = Check { code: &BUILD_TIMEOUT, run };

/// The longest build Image Builder allows, in minutes.
pub const MAX_MINUTES: u64 = 960;
/// The shortest, but for 0 (the default).
pub const MIN_MINUTES: u64 = 6;

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, _) in model.of_kind("image") {
        for build in builds(model, id) {
            let node = model.node(build);
            let (Some(seconds), Some(attr)) = (timeout_seconds(node), node.get("timeout")) else { continue };
            let minutes = seconds / 60;
            let (message, help) = if seconds % 60 != 0 {
                (
                    format!("the build timeout of {} is not a whole number of minutes", model.describe(id)),
                    format!("Image Builder counts whole minutes: write `{}m`", minutes.max(MIN_MINUTES)),
                )
            } else if minutes > MAX_MINUTES {
                (
                    format!("the build timeout of {} is {minutes} minutes; Image Builder allows at most {MAX_MINUTES} (16h)", model.describe(id)),
                    "write at most `16h`".to_string(),
                )
            } else if minutes != 0 && minutes < MIN_MINUTES {
                (
                    format!("the build timeout of {} is {minutes} minutes; Image Builder needs at least {MIN_MINUTES}", model.describe(id)),
                    "write at least `6m`, or `0m` for Image Builder's default of 4 hours".to_string(),
                )
            } else {
                continue;
            };
            out.push(Diagnostic::new(&BUILD_TIMEOUT, attr.span, message).with_help(help));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(timeout: &str) -> String {
        format!(
            "settings {{ location = uksouth }}\ngallery corp {{ resource_group = \"rg\" }}\nimage web {{\n gallery = corp\n os = linux\n source = ubuntu_2404\n build {{ timeout = {timeout} }}\n}}\n"
        )
    }

    #[test]
    fn whole_minutes_from_6_to_960_or_0() {
        for ok in ["0m", "6m", "16h", "2h30m", "960m"] {
            assert!(messages(&plan(ok), "ASH435").is_empty(), "{ok}");
        }
        assert_eq!(messages(&plan("16h1m"), "ASH435"), ["the build timeout of image `web` is 961 minutes; Image Builder allows at most 960 (16h)"]);
        assert_eq!(messages(&plan("5m"), "ASH435"), ["the build timeout of image `web` is 5 minutes; Image Builder needs at least 6"]);
        assert_eq!(messages(&plan("90s"), "ASH435"), ["the build timeout of image `web` is not a whole number of minutes"]);
    }
}
