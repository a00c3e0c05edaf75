//! The one table of diagnostic codes: those of the pipeline
//! ([`crate::diagnostic::codes`]), of each check ([`crate::check::CHECKS`]), of
//! `auto` allocation, the project file and the policies. [`all`] lists them;
//! tests assert each is unique, documented in the fixed sections and covered by
//! a fixture. It sits above the stages it lists: stages that need the table
//! (the severities of `ashlar.toml`, `allow`, SARIF's rules) are handed it.

use crate::diagnostic::codes::*;
use crate::diagnostic::Code;

/// Every code ashlar can report, pipeline and checks.
pub fn all() -> Vec<&'static Code> {
    let mut codes: Vec<&'static Code> = vec![
        &SYNTAX_ERROR,
        &INVALID_ENCODING,
        &NESTING_TOO_DEEP,
        &INVALID_LITERAL,
        &UNREADABLE_PLAN,
        &UNKNOWN_MODULE,
        &FILE_OUTSIDE_PLAN,
        &INVALID_LOCK_FILE,
        &UNSAFE_OUTPUT_FOLDER,
        &FOREIGN_OUTPUT_FILES,
        &SKIPPED_PLAN_ENTRY,
        &OUTPUT_NOT_WRITTEN,
        &crate::config::INVALID_PROJECT_FILE,
        &UNKNOWN_KIND,
        &UNKNOWN_ATTRIBUTE,
        &MISSING_ATTRIBUTE,
        &TYPE_MISMATCH,
        &DUPLICATE_NAME,
        &UNRESOLVED_REFERENCE,
        &WRONG_REFERENCE_KIND,
        &DUPLICATE_ATTRIBUTE,
        &MALFORMED_BLOCK,
        &DEPENDENCY_CYCLE,
        &crate::address::AUTO_PREFIX_EXHAUSTED,
    ];
    codes.extend(crate::check::CHECKS.iter().map(|c| c.code));
    codes.extend(crate::policy::CODES.iter().copied());
    codes.sort_by_key(|c| c.code);
    codes
}

/// Looks a code up by its code (`ASH202`) or its name (`subnet-overlap`), case-insensitively.
pub fn find(query: &str) -> Option<&'static Code> {
    crate::diagnostic::find_code(&all(), query)
}
