//! Errors are what Azure refuses; advice is a warning that a plan may
//! suppress with a reason. The sorted list of every check in
//! `docs/language.md` ("Errors and advice") agrees with each code's declared
//! severity; every advice code is suppressed by `allow CODE because "..."` in
//! the block it is reported in, and turned off by `ashlar.toml`; no error can
//! be allowed or lowered.

use ashlar::diagnostic::{Code, Diagnostic, Severity};
use std::collections::BTreeMap;
use std::path::Path;

const FIXTURES: &str = "../tests/fixtures/diagnostics";
const TODAY: ashlar::calendar::Date = ashlar::calendar::Date { year: 2026, month: 8, day: 15 };

/// The sort of each code in the table of `docs/language.md`, by code: its name and sort.
fn sorted_list() -> BTreeMap<String, (String, String)> {
    let doc = std::fs::read_to_string("../docs/language.md").expect("docs/language.md");
    let section = doc.split("## Errors and advice").nth(1).expect("a section \"Errors and advice\"");
    let section = section.split("\n## ").next().unwrap_or(section);
    let mut rows = BTreeMap::new();
    for line in section.lines().filter(|l| l.starts_with("| `ASH")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(|c| c.trim().trim_matches('`')).collect();
        let previous = rows.insert(cells[0].to_string(), (cells[1].to_string(), cells[2].to_string()));
        assert!(previous.is_none(), "{} is listed twice", cells[0]);
    }
    rows
}

fn check_codes() -> Vec<&'static Code> {
    ashlar::check::codes().collect()
}

#[test]
fn the_sorted_list_has_every_check_with_its_severity() {
    let rows = sorted_list();
    let mut failures = Vec::new();
    for code in check_codes() {
        let Some((name, sort)) = rows.get(code.code) else {
            failures.push(format!("{} is not in the list", code.code));
            continue;
        };
        if name != code.name {
            failures.push(format!("{} is listed as `{name}`, declared `{}`", code.code, code.name));
        }
        let expected = match sort.as_str() {
            "advice" => Severity::Warning,
            "Azure refuses" | "cannot be written" => Severity::Error,
            other => {
                failures.push(format!("{}: unknown sort {other:?}", code.code));
                continue;
            }
        };
        if code.severity != expected {
            failures.push(format!("{} is listed as {sort} but declared {:?}", code.code, code.severity));
        }
    }
    let known: Vec<&str> = check_codes().iter().map(|c| c.code).collect();
    failures.extend(rows.keys().filter(|c| !known.contains(&c.as_str())).map(|c| format!("{c} is listed but is no check")));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn input(code: &Code) -> ashlar::load::PlanInput {
    let mut input = ashlar::load::read_plan(Path::new(&format!("{FIXTURES}/{}.ashlar", code.code))).expect("the fixture reads");
    input.today = Some((TODAY, ashlar::calendar::TodaySource::Fixed));
    input
}

fn of<'a>(diagnostics: &'a [Diagnostic], code: &str) -> Vec<&'a Diagnostic> {
    diagnostics.iter().filter(|d| d.code.code == code).collect()
}

/// The fixture with `line` added to the top-level block around each of the
/// diagnostics of `code`: the block that starts on the last line at column 0
/// that opens a body, at or before the diagnostic.
fn with_allow(code: &Code, line: &str) -> ashlar::load::PlanInput {
    let mut input = input(code);
    let analysis = ashlar::analyze(&input);
    let mut at: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for d in of(&analysis.diagnostics, code.code) {
        let span = d.span.unwrap_or_else(|| panic!("{}: a diagnostic without a place cannot be allowed", code.code));
        let file = analysis.sources.get(span.file);
        let text = &file.text;
        let line_start = text[..span.start as usize].rfind('\n').map_or(0, |i| i + 1);
        let opening = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .filter(|&i| i <= line_start)
            .filter(|&i| {
                let l = text[i..].lines().next().unwrap_or("");
                l.starts_with(|c: char| c.is_ascii_alphabetic()) && l.trim_end().ends_with('{')
            })
            .max()
            .unwrap_or_else(|| panic!("{}: no block around {span:?}", code.code));
        let end = opening + text[opening..].find('\n').expect("a line end") + 1;
        at.entry(file.name.clone()).or_default().push(end);
    }
    for file in input.files.iter_mut() {
        let Some(ends) = at.get_mut(&file.name) else { continue };
        ends.sort_unstable();
        ends.dedup();
        let mut text = String::from_utf8(file.bytes.clone()).expect("UTF-8");
        for &end in ends.iter().rev() {
            text.insert_str(end, line);
        }
        file.bytes = text.into_bytes();
    }
    input
}

#[test]
fn every_advice_is_suppressed_with_a_reason_and_lowered_by_the_project_file() {
    let mut failures = Vec::new();
    for code in check_codes().into_iter().filter(|c| c.severity != Severity::Error) {
        let found = ashlar::analyze(&input(code)).diagnostics;
        if of(&found, code.code).is_empty() {
            failures.push(format!("{}: its fixture does not report it", code.code));
            continue;
        }
        let allowed = with_allow(code, &format!("  allow {} because \"reviewed: the estate keeps it\"\n", code.code));
        let after = ashlar::analyze(&allowed).diagnostics;
        let left: Vec<String> = after
            .iter()
            .filter(|d| d.code.code == code.code || ["ASH502", "ASH503"].contains(&d.code.code))
            .map(|d| format!("{} {}", d.code.code, d.message))
            .collect();
        if !left.is_empty() {
            failures.push(format!("{}: `allow` left {left:?}", code.code));
        }
        for level in ["off", "info", "error"] {
            let mut lowered = input(code);
            lowered.config = Some(format!("[severity]\n{} = \"{level}\"\n", code.code).into_bytes());
            let after = ashlar::analyze(&lowered).diagnostics;
            if after.iter().any(|d| d.code.code == "ASH014") {
                failures.push(format!("{}: ashlar.toml refused {level:?}", code.code));
            }
            let severities: Vec<Severity> = of(&after, code.code).iter().map(|d| d.severity).collect();
            let expected = match level {
                "off" => severities.is_empty(),
                "info" => !severities.is_empty() && severities.iter().all(|&s| s == Severity::Info),
                _ => !severities.is_empty() && severities.iter().all(|&s| s == Severity::Error),
            };
            if !expected {
                failures.push(format!("{}: set to {level:?} in ashlar.toml, reported as {severities:?}", code.code));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn no_error_of_azure_can_be_allowed_or_lowered() {
    let mut failures = Vec::new();
    for code in check_codes().into_iter().filter(|c| c.severity == Severity::Error) {
        let found = ashlar::analyze(&input(code)).diagnostics;
        // A code of both sorts (ASH414) may have a fixture of its warning.
        if of(&found, code.code).is_empty() {
            failures.push(format!("{}: its fixture does not report it", code.code));
            continue;
        }
        let after = ashlar::analyze(&with_allow(code, &format!("  allow {} because \"it deploys anyway\"\n", code.code))).diagnostics;
        if !after.iter().any(|d| d.code.code == "ASH503") || of(&after, code.code).len() != of(&found, code.code).len() {
            failures.push(format!("{}: `allow` was taken", code.code));
        }
        let mut lowered = input(code);
        lowered.config = Some(format!("[severity]\n{} = \"warning\"\n", code.code).into_bytes());
        let after = ashlar::analyze(&lowered).diagnostics;
        let kept = of(&after, code.code).iter().map(|d| d.severity).eq(of(&found, code.code).iter().map(|d| d.severity));
        if !after.iter().any(|d| d.code.code == "ASH014") || !kept {
            failures.push(format!("{}: ashlar.toml lowered it", code.code));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
