//! Every diagnostic code: unique, documented in the fixed sections, and
//! triggered by its fixture `tests/fixtures/diagnostics/<CODE>.ashlar`, whose
//! rendered report is snapshotted in `snapshots/diagnostics__<CODE>.snap`.
//! Every check also has a near miss, `tests/fixtures/clean/<CODE>.ashlar`, a
//! plan that comes close to its rule and must pass clean.

use ashlar::diagnostic::render::{render_terminal, Style};
use ashlar::diagnostic::{Code, Diagnostic};
use ashlar::source::SourceMap;
use std::collections::HashSet;
use std::path::Path;

/// The fixtures, relative to the package folder (where `cargo test` runs), so
/// that paths in messages are the same on every machine.
const FIXTURES: &str = "../tests/fixtures/diagnostics";

/// The four sections of a code's documentation, in order.
const SECTIONS: [&str; 4] = ["## What it does", "## Why it matters", "## Example", "## Fix"];

/// Near misses: plans that must pass clean.
const CLEAN: &str = "../tests/fixtures/clean";

/// Every code ashlar reports.
fn codes() -> Vec<&'static Code> {
    ashlar::registry::all()
}

/// The codes of checks, plus `auto` allocation and policies: the rules a plan can come close to.
fn rule_codes() -> Vec<&'static Code> {
    let mut codes: Vec<&'static Code> = ashlar::check::codes().collect();
    codes.push(&ashlar::address::AUTO_PREFIX_EXHAUSTED);
    codes.extend(ashlar::policy::CODES.iter().copied());
    codes
}

#[test]
fn every_rule_has_a_near_miss_that_passes_clean() {
    let mut failures = Vec::new();
    for code in rule_codes() {
        let path = format!("{CLEAN}/{}.ashlar", code.code);
        if !Path::new(&path).exists() {
            failures.push(format!("{}: no near miss at {path}", code.code));
            continue;
        }
        let (_, diagnostics) = analyze(&path);
        if !diagnostics.is_empty() {
            let found: Vec<String> = diagnostics.iter().map(|d| format!("{} {}", d.code.code, d.message)).collect();
            failures.push(format!("{}: {found:?}", code.code));
        }
    }
    assert!(failures.is_empty(), "near misses must pass clean:\n{}", failures.join("\n"));
}

/// A code's fixture: a plan, or for a code of `ashlar check TEMPLATE.json`, a template.
fn fixture(code: &Code) -> String {
    let template = format!("{FIXTURES}/{}.json", code.code);
    if Path::new(&template).exists() {
        return template;
    }
    format!("{FIXTURES}/{}.ashlar", code.code)
}

/// "Today" for every fixture, so that no finding depends on the wall clock.
const TODAY: ashlar::calendar::Date = ashlar::calendar::Date { year: 2026, month: 8, day: 15 };

/// Reads and analyses a fixture the way `ashlar check FILE` does, on [`TODAY`].
/// A fixture of a code about `ashlar build`'s output folder is a folder holding
/// the plan in `plan/` and, in `OUT`, the output folder to give the build.
fn analyze(path: &str) -> (SourceMap, Vec<Diagnostic>) {
    if path.ends_with(".json") {
        return ashlar::import::check_template(Path::new(path), None, Some((TODAY, ashlar::calendar::TodaySource::Fixed)));
    }
    if let Ok(out) = std::fs::read_to_string(Path::new(path).join("OUT")) {
        return build_into(Path::new(path), out.trim());
    }
    match ashlar::load::read_plan(Path::new(path)) {
        Ok(mut input) => {
            input.today = Some((TODAY, ashlar::calendar::TodaySource::Fixed));
            let analysis = ashlar::analyze(&input);
            (analysis.sources, analysis.diagnostics)
        }
        Err(diagnostic) => (SourceMap::default(), vec![diagnostic]),
    }
}

/// Builds `fixture/plan` into `fixture/out` the way `ashlar build` does; the
/// fixtures are such that nothing is written.
fn build_into(fixture: &Path, out: &str) -> (SourceMap, Vec<Diagnostic>) {
    use ashlar::emit::Replace;
    let (plan, out) = (fixture.join("plan"), fixture.join(out));
    if let Err(refusal) = ashlar::emit::check_output_folder(&out, &plan, Replace::OwnOutputOnly) {
        return (SourceMap::default(), vec![refusal]);
    }
    let mut input = ashlar::load::read_plan(&plan).expect("the fixture's plan reads");
    input.today = Some((TODAY, ashlar::calendar::TodaySource::Fixed));
    let analysis = ashlar::analyze(&input);
    let mut diagnostics = analysis.diagnostics;
    let azure = analysis.azure.expect("the fixture's plan is clean");
    if let Err(failure) = ashlar::emit::write_output(&out, &ashlar::emit::emit(&azure), Replace::OwnOutputOnly) {
        diagnostics.push(failure);
    }
    (analysis.sources, diagnostics)
}

#[test]
fn codes_and_names_are_unique() {
    let mut seen_codes = HashSet::new();
    let mut seen_names = HashSet::new();
    for code in codes() {
        assert!(seen_codes.insert(code.code), "{} is declared twice", code.code);
        assert!(seen_names.insert(code.name), "the name {} is used twice", code.name);
        assert!(
            code.code.len() == 6 && code.code.starts_with("ASH") && code.code[3..].chars().all(|c| c.is_ascii_digit()),
            "{} is not of the form ASHnnn",
            code.code
        );
        assert!(
            !code.name.is_empty() && code.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{} of {} is not kebab-case",
            code.name,
            code.code
        );
    }
}

#[test]
fn every_code_is_documented_in_the_four_sections() {
    for code in codes() {
        let lines: Vec<&str> = code.doc.lines().map(str::trim).collect();
        let headings: Vec<(usize, &str)> = lines.iter().enumerate().filter(|(_, l)| l.starts_with('#')).map(|(i, l)| (i, *l)).collect();
        let names: Vec<&str> = headings.iter().map(|(_, h)| *h).collect();
        assert_eq!(names, SECTIONS, "{}: the doc must have exactly these sections, in order", code.code);
        for (n, (at, heading)) in headings.iter().enumerate() {
            let end = headings.get(n + 1).map_or(lines.len(), |(next, _)| *next);
            let body: Vec<&str> = lines[at + 1..end].iter().copied().filter(|l| !l.is_empty()).collect();
            assert!(!body.is_empty(), "{}: `{heading}` is empty", code.code);
            if *heading == "## Example" {
                let content = body.iter().filter(|l| !l.starts_with("```")).count();
                assert!(content > 0, "{}: the example shows nothing", code.code);
            }
        }
    }
}

#[test]
fn every_code_has_a_fixture() {
    let missing: Vec<String> = codes().into_iter().map(fixture).filter(|p| !Path::new(p).exists()).collect();
    assert!(missing.is_empty(), "fixtures missing: {missing:?}");
}

#[test]
fn every_fixture_is_for_a_code() {
    let known: HashSet<&str> = codes().iter().map(|c| c.code).collect();
    for entry in std::fs::read_dir(FIXTURES).expect("the fixtures folder") {
        let entry = entry.expect("a fixture");
        // `files/` holds what fixtures read with `file(...)`.
        if entry.path().is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let code = name.strip_suffix(".ashlar").or_else(|| name.strip_suffix(".json")).unwrap_or(&name);
        assert!(known.contains(code), "{name} is a fixture for no known code");
    }
}

#[test]
fn every_fixture_triggers_its_code() {
    let mut failures = Vec::new();
    for code in codes() {
        let (sources, diagnostics) = analyze(&fixture(code));
        if !diagnostics.iter().any(|d| d.code.code == code.code) {
            let found: Vec<&str> = diagnostics.iter().map(|d| d.code.code).collect();
            failures.push(format!("{}: found {found:?}", code.code));
            continue;
        }
        let rendered = render_terminal(&sources, &diagnostics, Style::Plain);
        insta::assert_snapshot!(code.code, rendered);
    }
    assert!(failures.is_empty(), "fixtures that do not trigger their code:\n{}", failures.join("\n"));
}

#[test]
fn fixtures_trigger_no_other_code() {
    let mut noisy = Vec::new();
    for code in codes() {
        // A note about what other errors stopped comes with them by nature.
        if code.code == ashlar::diagnostic::codes::STAGES_SKIPPED.code {
            continue;
        }
        let (_, diagnostics) = analyze(&fixture(code));
        let others: Vec<&str> = diagnostics.iter().map(|d| d.code.code).filter(|c| *c != code.code).collect();
        if !others.is_empty() {
            noisy.push(format!("{}: also {others:?}", code.code));
        }
    }
    assert!(noisy.is_empty(), "keep each fixture to its own code:\n{}", noisy.join("\n"));
}

/// Machines in the subnets of an `existing vnet`: a static address outside a
/// subnet whose prefix is given, and one Azure keeps, are errors (`ASH407`);
/// a subnet without a prefix skips that check (`workers`' address is in no
/// range the plan knows); a reserved subnet keeps `ASH418`; a route table
/// written on such a subnet is `ASH273`.
#[test]
fn machines_in_an_existing_networks_subnets_are_checked() {
    let (sources, diagnostics) = analyze("../tests/fixtures/existing-subnet");
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.code).collect();
    assert_eq!(codes, ["ASH273", "ASH216", "ASH407", "ASH407", "ASH418"], "{diagnostics:#?}");
    assert!(!diagnostics.iter().any(|d| d.message.contains("192.168.7.7")), "{diagnostics:#?}");
    insta::assert_snapshot!("existing_subnet", render_terminal(&sources, &diagnostics, Style::Plain));
}
