//! Every input a fuzzer ever found (`tests/fixtures/fuzz/`), and every plan file
//! the fuzzers start from, goes through analysis and, when clean, emission
//! without a panic. See "Fuzzing" in docs/performance.md.

#[path = "support/fuzzing.rs"]
mod fuzzing;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("compiler/ has a parent").to_path_buf()
}

/// Runs each file through the pipeline and fails naming every file that panicked.
fn run_all(files: &[PathBuf], root: impl Fn(&Path) -> PathBuf) -> Vec<fuzzing::Outcome> {
    let mut outcomes = Vec::new();
    let mut panicked = Vec::new();
    for file in files {
        let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        match catch_unwind(AssertUnwindSafe(|| fuzzing::check_and_build(&root(file), bytes))) {
            Ok(outcome) => outcomes.push(outcome),
            Err(_) => panicked.push(file.display().to_string()),
        }
    }
    assert!(panicked.is_empty(), "ashlar panicked on {} input(s):\n  {}", panicked.len(), panicked.join("\n  "));
    outcomes
}

#[test]
fn fuzz_regression_inputs_never_panic() {
    let files = fuzzing::regression_files(&repo())
        .unwrap_or_else(|e| panic!("cannot list {}: {e}; the fuzz regression inputs must be there", fuzzing::REGRESSIONS));
    assert!(files.len() >= 5, "{} holds {} input(s); expected the fuzz regression inputs", fuzzing::REGRESSIONS, files.len());
    // Found by fuzzing, they come from nowhere: `file(...)` in them reads nothing.
    let outcomes = run_all(&files, |_| fuzzing::nowhere());
    // Broken input is what this folder is for: most of it must be diagnosed.
    assert!(outcomes.iter().any(|o| o.diagnostics > 0));
}

#[test]
fn seed_plans_never_panic() {
    let files = fuzzing::seed_files(&repo());
    assert!(files.len() >= 50, "found only {} seed plan files under examples/ and tests/fixtures/", files.len());
    // Each in its own folder, so that `file(...)` finds what it names.
    let outcomes = run_all(&files, |file| file.parent().map(Path::to_path_buf).unwrap_or_default());
    // Some of the seeds are whole plans on their own, and get as far as emission.
    assert!(outcomes.iter().any(|o| o.emitted.is_some()), "no seed plan was clean on its own");
}

// What the fuzzers found, as the diagnostics the parser gives.

fn parse_errors(text: &str) -> Vec<ashlar::diagnostic::Diagnostic> {
    ashlar::syntax::parse(ashlar::source::FileId(0), text).1
}

#[test]
fn a_use_inside_a_block_is_a_syntax_error() {
    // tests/fixtures/fuzz/use-inside-block-body.ashlar: the parser panicked.
    let errors = parse_errors("hub core {\n  use std.security\n}\n");
    let found: Vec<(&str, &str)> = errors.iter().map(|d| (d.code.code, d.message.as_str())).collect();
    assert_eq!(found, [("ASH001", "`use` must be at the top level of a file, not inside a block")]);
    assert_eq!((errors[0].span.unwrap().start, errors[0].span.unwrap().end), (13, 29));
}

#[test]
fn a_unicode_escape_without_its_braces_is_an_invalid_literal() {
    // tests/fixtures/fuzz/unicode-escape-u-then-*.ashlar: the parser sliced the
    // string out of bounds, or inside a character, and panicked.
    for text in ["x = \"\\u}\"", "x = \"\\u\u{20ac}}\"", "x = \"\\u{}\"", "x = \"\\u{+41}\"", "x = \"\\u41}\""] {
        let errors = parse_errors(text);
        let found: Vec<(&str, &str)> = errors.iter().map(|d| (d.code.code, d.message.as_str())).collect();
        assert_eq!(found, [("ASH004", "unknown escape `\\u`")], "{text}");
        assert_eq!((errors[0].span.unwrap().start, errors[0].span.unwrap().end), (5, 7), "{text}");
    }
    // What was right stays right.
    assert!(parse_errors("x = \"\\u{41}\\u{1F600}\\u{10FFFF}\"").is_empty());
}

#[test]
fn an_input_with_file_breaks_is_a_plan_of_several_files() {
    // The hub-spoke example, its files between file breaks: the plan the
    // example folder is, emitted the same.
    let folder = repo().join("examples/hub-spoke");
    let files: Vec<Vec<u8>> = fuzzing::ashlar_files_below(&folder).iter().map(|f| std::fs::read(f).unwrap()).collect();
    assert!(files.len() > 1, "hub-spoke is a plan of several files");
    let input = fuzzing::plan_input(&fuzzing::nowhere(), files.join(fuzzing::FILE_BREAK));
    assert_eq!(input.files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>()[..2], ["fuzz.ashlar", "fuzz-2.ashlar"]);
    assert_eq!(input.files.len(), files.len());
    let emitted = |input: &ashlar::load::PlanInput| {
        let analysis = ashlar::analyze(input);
        assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
        ashlar::emit::emit(analysis.azure.as_ref().expect("the example lowers"))
    };
    assert_eq!(emitted(&input), emitted(&ashlar::load::read_plan(&folder).unwrap()));
}
