//! The one table of diagnostic codes: those of the pipeline
//! ([`crate::diagnostic::codes`]), of each check ([`crate::check::codes`]), of
//! `auto` allocation, the project file and the policies. [`all`] lists them;
//! tests assert each is unique, documented in the fixed sections and covered by
//! a fixture. It sits above the stages it lists: stages that need the table
//! (the severities of `ashlar.toml`, `allow`, SARIF's rules) are handed it.

use crate::diagnostic::Code;

/// Every code ashlar can report, pipeline and checks.
pub fn all() -> Vec<&'static Code> {
    // Each module's codes as its `declare_codes!` declared them; checks by their `CHECK`.
    let mut codes: Vec<&'static Code> = Vec::new();
    codes.extend(crate::diagnostic::codes::DECLARED);
    codes.extend(crate::config::DECLARED);
    codes.extend(crate::address::DECLARED);
    codes.extend(crate::check::codes());
    codes.extend(crate::policy::DECLARED);
    codes.extend(crate::import::DECLARED);
    codes.extend(crate::azure_policy::DECLARED);
    codes.sort_by_key(|c| c.code);
    codes
}

/// Looks a code up by its code (`ASH202`) or its name (`subnet-overlap`), case-insensitively.
pub fn find(query: &str) -> Option<&'static Code> {
    crate::diagnostic::find_code(&all(), query)
}
