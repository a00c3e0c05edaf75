//! Every input a fuzzer ever found (`tests/fixtures/fuzz/`), and every plan file
//! the fuzzers start from, goes through analysis and, when clean, emission
//! without a panic; so does every lock file, project file and language-server
//! script of `tests/fixtures/fuzz/{lock,config,lsp}/`, as the `lock`, `config`
//! and `lsp` targets run them. See "Fuzzing" in docs/performance.md.

#[path = "support/fuzz_files.rs"]
mod fuzz_files;
#[path = "support/fuzz_lsp.rs"]
mod fuzz_lsp;
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

/// Runs `check` on every file of the regression subfolder `name` (which must
/// hold at least `at_least` files), naming every file that panicked.
fn replay<T>(name: &str, at_least: usize, check: impl Fn(Vec<u8>) -> T) -> Vec<T> {
    let folder = format!("{}/{name}", fuzzing::REGRESSIONS);
    let files = fuzz_files::regression_folder(&repo(), name).unwrap_or_else(|e| panic!("cannot list {folder}: {e}; its inputs must be there"));
    assert!(files.len() >= at_least, "{folder} holds {} input(s); expected at least {at_least}", files.len());
    let mut outcomes = Vec::new();
    let mut panicked = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        match catch_unwind(AssertUnwindSafe(|| check(bytes))) {
            Ok(outcome) => outcomes.push(outcome),
            Err(panic) => {
                let why = panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
                panicked.push(format!("{}: {}", file.display(), why.unwrap_or_default()));
            }
        }
    }
    assert!(panicked.is_empty(), "{} input(s) of {folder} failed:\n  {}", panicked.len(), panicked.join("\n  "));
    outcomes
}

#[test]
fn lock_regression_inputs_never_panic() {
    let outcomes = replay("lock", 5, fuzz_files::check_lock);
    // Broken locks are diagnosed, and a right one builds.
    assert!(outcomes.iter().any(|o| o.diagnostics > 0) && outcomes.iter().any(|o| o.emitted.is_some()));
}

#[test]
fn config_regression_inputs_never_panic() {
    let outcomes = replay("config", 5, fuzz_files::check_config);
    assert!(outcomes.iter().any(|o| o.emitted.is_some()), "no project file let the plan build");
}

#[test]
fn lsp_regression_inputs_never_panic() {
    let outcomes = replay("lsp", 3, |bytes| fuzz_lsp::check(&bytes));
    assert!(outcomes.iter().all(|o| o.replies > 0), "every script is answered");
}

#[test]
fn seed_locks_and_project_files_never_panic() {
    // What the seed script gives the `lock` and `config` targets besides the regressions.
    let mut locks = 0;
    let mut configs = 0;
    for dir in ["examples", "tests/fixtures"] {
        for entry in walk(&repo().join(dir)) {
            let name = entry.file_name().unwrap().to_string_lossy().to_string();
            if name == "ashlar.lock" {
                fuzz_files::check_lock(std::fs::read(&entry).unwrap());
                locks += 1;
            } else if name == "ashlar.toml" {
                fuzz_files::check_config(std::fs::read(&entry).unwrap());
                configs += 1;
            }
        }
    }
    assert!(locks >= 3 && configs >= 1, "{locks} locks, {configs} project files");
}

/// Every file below `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            match entry.file_type() {
                Ok(t) if t.is_dir() => pending.push(entry.path()),
                Ok(t) if t.is_file() => found.push(entry.path()),
                _ => {}
            }
        }
    }
    found.sort();
    found
}

#[test]
fn an_lsp_script_is_the_stream_an_editor_writes() {
    // No script at all: initialize, the first document opened, a last request.
    let outcome = fuzz_lsp::check(b"");
    assert_eq!((outcome.replies, outcome.stopped), (2, false));
    assert!(outcome.notifications > 0, "diagnostics are published");
    // A change of a range, then a hover at it: two more messages answered or published.
    let script = [1, 0, 5, 3, 5, 3, 3, b'c', b'o', b'r', 3, 0, 0, 12, 19];
    let outcome = fuzz_lsp::check(&script);
    assert_eq!((outcome.replies, outcome.stopped), (3, false));
    // Raw bytes with a Content-Length past the limit: an error reply, its
    // body skipped, and the last request still answered.
    let mut script = vec![0, 0, 40];
    script.extend_from_slice(b"Content-Length: 100000000000000\r\n\r\n{}  ");
    let outcome = fuzz_lsp::check(&script);
    assert_eq!((outcome.replies, outcome.stopped), (3, false));
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
