//! What the fuzzers share: running bytes through the whole pipeline, the seed
//! corpus, and a reproducible pseudo-random generator.
//!
//! Included with `#[path]` by `tests/fuzz_regressions.rs`, `tests/robustness.rs`, the stable
//! fuzz smoke `examples/fuzz_smoke.rs` and by the cargo-fuzz targets in
//! `fuzz/fuzz_targets/`, so that all of them run an input the same way.
#![allow(dead_code)]

use ashlar::load::{InputFile, PlanInput};
use std::path::{Path, PathBuf};

/// The folder under the repository root that holds the regression inputs the
/// fuzzers found: raw bytes, one input a file, whatever the extension.
pub const REGRESSIONS: &str = "tests/fixtures/fuzz";

/// A plan folder that does not exist, for inputs that come from nowhere: a
/// `file("...")` in them is an error instead of reading whatever is around.
pub fn nowhere() -> PathBuf {
    std::env::temp_dir().join("ashlar-fuzz-no-such-folder")
}

/// A line that cuts an input into the files of one plan, so that any input,
/// a regression file included, can be a plan of several files.
pub const FILE_BREAK: &[u8] = b"\n// fuzz: next file\n";

/// One plan in `root` with these bytes: `fuzz.ashlar`, or, when they hold
/// [`FILE_BREAK`] lines, `fuzz.ashlar`, `fuzz-2.ashlar`, ... cut there.
pub fn plan_input(root: &Path, bytes: Vec<u8>) -> PlanInput {
    let mut parts: Vec<Vec<u8>> = Vec::new();
    let mut rest = bytes.as_slice();
    while let Some(at) = rest.windows(FILE_BREAK.len()).position(|w| w == FILE_BREAK) {
        parts.push(rest[..at + 1].to_vec());
        rest = &rest[at + FILE_BREAK.len()..];
    }
    parts.push(rest.to_vec());
    let files = parts
        .into_iter()
        .enumerate()
        .map(|(n, bytes)| {
            let name = if n == 0 { "fuzz.ashlar".to_string() } else { format!("fuzz-{}.ashlar", n + 1) };
            InputFile { path: root.join(&name), name, bytes }
        })
        .collect();
    PlanInput { root: root.to_path_buf(), files, ..PlanInput::default() }
}

/// What one run of the pipeline gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub diagnostics: usize,
    /// How many files were emitted, when the plan was clean.
    pub emitted: Option<usize>,
}

/// Analyses `bytes` as a plan in `root` and, when it is clean, emits it:
/// everything `ashlar build` does but writing the files. Text that parses is
/// also formatted, as `ashlar fmt` would (see [`check_formatting`]).
pub fn check_and_build(root: &Path, bytes: Vec<u8>) -> Outcome {
    if let Ok(text) = std::str::from_utf8(&bytes) {
        check_formatting(text);
    }
    let analysis = ashlar::analyze(&plan_input(root, bytes));
    let emitted = analysis.azure.as_ref().map(|plan| ashlar::emit::emit(plan).len());
    Outcome { diagnostics: analysis.diagnostics.len(), emitted }
}

/// Formats `text` when it parses, and panics when the result does not parse
/// or does not format to itself: `ashlar fmt` would then write a broken file,
/// or change it again on every run.
pub fn check_formatting(text: &str) {
    let Ok(formatted) = ashlar::format::format(text) else { return };
    match ashlar::format::format(&formatted) {
        Ok(again) => assert!(again == formatted, "formatting the formatted text changes it:\n{formatted}\n---\n{again}"),
        Err(error) => panic!("the formatted text does not parse ({error}):\n{formatted}"),
    }
}

/// Every `.ashlar` file below `dir`, sorted; nothing when `dir` is missing.
/// Hidden folders are skipped, and so is the regression folder, which
/// [`regression_files`] lists whatever its files are called.
pub fn ashlar_files_below(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() && !hidden && !path.ends_with(REGRESSIONS) {
                pending.push(path);
            } else if kind.is_file() && path.extension().is_some_and(|x| x == "ashlar") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The seeds: every `.ashlar` file of `examples/` and `tests/fixtures/`.
pub fn seed_files(repo: &Path) -> Vec<PathBuf> {
    let mut files = ashlar_files_below(&repo.join("examples"));
    files.extend(ashlar_files_below(&repo.join("tests/fixtures")));
    files
}

/// Every file of the regression folder, sorted; an error when the folder is
/// missing, so that a test over it cannot pass on nothing.
pub fn regression_files(repo: &Path) -> std::io::Result<Vec<PathBuf>> {
    files_in(&repo.join(REGRESSIONS))
}

/// The files of `dir` that are not hidden, sorted; an error when it is missing.
pub fn files_in(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()) && !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .collect();
    files.sort();
    Ok(files)
}

/// xorshift64: reproducible pseudo-random numbers without a dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n`; 0 when `n` is 0.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// True one time in `n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}
