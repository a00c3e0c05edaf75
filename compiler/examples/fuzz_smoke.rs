//! A bounded, reproducible fuzz run on the stable toolchain, for CI:
//!
//!     cargo run --release --example fuzz_smoke -- --iterations 80000 --seed 1
//!
//! It takes the seed corpus (every `.ashlar` file of `examples/` and
//! `tests/fixtures/`, each example folder's files as one plan of several files, and the
//! fuzz regression inputs of `tests/fixtures/fuzz/`), mutates the inputs with a
//! xorshift generator (byte flips, deletions, lines duplicated or spliced in
//! from other files, tokens such as `{`, `"`, `auto /`, numbers and CIDRs
//! inserted) and runs each through analysis and, when the plan is clean,
//! emission, under `catch_unwind`. The same seed gives the same inputs.
//!
//! On a panic, or an input that runs longer than `--timeout` seconds, it
//! writes the input to a file under the temporary folder, prints it, and exits
//! with 1. Save such a file under `tests/fixtures/fuzz/` once the bug is fixed.
//! The full fuzzers, on nightly, are in `fuzz/` (see docs/performance.md).

#[path = "../tests/support/fuzzing.rs"]
mod fuzzing;

use fuzzing::Rng;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Inputs grow by splicing; beyond this they are cut, to keep each run short.
const MAX_LEN: usize = 16 * 1024;

/// Tokens inserted whole: the grammar's punctuation, literal shapes at and
/// past their limits, keywords, and bytes that are not UTF-8.
const TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"(",
    b")",
    b"\"",
    b"=",
    b"==",
    b",",
    b";",
    b"\n",
    b"\r\n",
    b" ",
    b".",
    b"/",
    b"\\",
    b"//",
    b"/*",
    b"*/",
    b"auto /",
    b"auto /24",
    b"auto /0",
    b"auto /33",
    b"auto /129",
    b"0",
    b"1",
    b"65535",
    b"65536",
    b"4096",
    b"4294967295",
    b"4294967296",
    b"18446744073709551616",
    b"99999999999999999999999999",
    b"-1",
    b"10.0.0.0/16",
    b"10.0.0.0/8",
    b"10.0.0.0/0",
    b"10.0.0.0/32",
    b"10.0.0.0/33",
    b"0.0.0.0/0",
    b"255.255.255.255",
    b"999.0.0.0/8",
    b"192.168.1.0/24",
    b"fd00::/64",
    b"::/0",
    b"::1",
    b"fe80::/10",
    b"1.2.3",
    b"99:99",
    b"23:59",
    b"3h",
    b"0s",
    b"100%",
    b"999%",
    b"true",
    b"false",
    b"use std.naming.caf\n",
    b"use std.security\n",
    b"use std.",
    b"hub ",
    b"spoke ",
    b"subnet ",
    b"settings { location = uksouth }\n",
    b"resource_group = \"rg\"",
    b"address_space = [10.0.0.0/16]",
    b"hub = core",
    b"file(\"x\")",
    b"secret(kv, \"n\")",
    b"\"\\u{10FFFF}\"",
    b"\"\\u{D800}\"",
    b"\"\\u{",
    b"\xef\xbb\xbf",
    b"\x00",
    b"\xff",
    b"\xc3",
    b"\xe2\x80\xae",
    b"\xf0\x9f\x92\xa9",
];

/// Single bytes that are worth setting a byte to.
const BYTES: &[u8] = b"{}[]()\"=,;\n\r\t ./\\*:%0159az_-\x00\x7f\x80\xc0\xff";

struct Args {
    iterations: u64,
    seed: u64,
    timeout: Duration,
}

fn args() -> Args {
    let mut args = Args { iterations: 80_000, seed: 1, timeout: Duration::from_secs(10) };
    let mut given = std::env::args().skip(1);
    while let Some(flag) = given.next() {
        let mut number = |what: &str| -> u64 { given.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| usage(&format!("{flag} needs {what}"))) };
        match flag.as_str() {
            "--iterations" => args.iterations = number("a count"),
            "--seed" => args.seed = number("a number"),
            "--timeout" => args.timeout = Duration::from_secs(number("seconds")),
            "-h" | "--help" => usage(""),
            other => usage(&format!("unknown argument `{other}`")),
        }
    }
    args
}

fn usage(problem: &str) -> ! {
    if !problem.is_empty() {
        eprintln!("fuzz_smoke: {problem}");
    }
    eprintln!("usage: cargo run --release --example fuzz_smoke -- [--iterations N] [--seed S] [--timeout SECONDS]");
    std::process::exit(2)
}

/// A seed input and where it came from.
struct Seed {
    name: String,
    bytes: Vec<u8>,
}

fn seeds(repo: &Path) -> Vec<Seed> {
    let read = |path: &Path| Seed {
        name: path.strip_prefix(repo).unwrap_or(path).display().to_string(),
        bytes: std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display())),
    };
    let mut seeds: Vec<Seed> = fuzzing::seed_files(repo).iter().map(|p| read(p)).collect();
    let regressions = fuzzing::regression_files(repo).unwrap_or_default();
    seeds.extend(regressions.iter().map(|p| read(p)));
    // Each example is a plan of several files: as one input of its files
    // between file breaks, it is one clean plan that gets as far as emission,
    // where a single file of it would not.
    let Ok(examples) = std::fs::read_dir(repo.join("examples")) else { return seeds };
    let mut folders: Vec<PathBuf> = examples.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    folders.sort();
    for folder in folders {
        let files: Vec<Vec<u8>> = fuzzing::ashlar_files_below(&folder).iter().map(|f| read(f).bytes).collect();
        if !files.is_empty() {
            let bytes = files.join(fuzzing::FILE_BREAK);
            seeds.push(Seed { name: format!("{} (its files)", folder.strip_prefix(repo).unwrap_or(&folder).display()), bytes });
        }
    }
    seeds
}

/// The offsets at which lines start, and the end.
fn line_starts(bytes: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(bytes.iter().enumerate().filter(|(_, &b)| b == b'\n').map(|(i, _)| i + 1));
    if starts.last() != Some(&bytes.len()) {
        starts.push(bytes.len());
    }
    starts
}

/// A random whole line of `bytes`, with its newline.
fn random_line(rng: &mut Rng, bytes: &[u8]) -> (usize, usize) {
    let starts = line_starts(bytes);
    if starts.len() < 2 {
        return (0, bytes.len());
    }
    let i = rng.below(starts.len() - 1);
    (starts[i], starts[i + 1])
}

/// A position to insert at: anywhere, or half the time next to a space or a
/// line end, where a whole token reads as one.
fn insertion_point(rng: &mut Rng, bytes: &[u8]) -> usize {
    let at = rng.below(bytes.len() + 1);
    if rng.one_in(2) {
        if let Some(n) = bytes[at..].iter().position(|b| matches!(b, b' ' | b'\n')) {
            return at + n;
        }
    }
    at
}

/// Applies one random mutation to `input`, with `seeds` to splice from, and
/// says which.
fn mutate(rng: &mut Rng, input: &mut Vec<u8>, seeds: &[Seed]) -> &'static str {
    let other = &rng.pick(seeds).bytes;
    if input.is_empty() {
        let token = *rng.pick(TOKENS);
        input.extend_from_slice(token);
        return "insert a token";
    }
    let len = input.len();
    match rng.below(13) {
        0 => {
            let at = rng.below(len);
            input[at] ^= 1 << rng.below(8);
            "flip a bit"
        }
        1 => {
            let at = rng.below(len);
            input[at] = *rng.pick(BYTES);
            "set a byte"
        }
        2 => {
            let at = rng.below(len);
            let end = (at + 1 + rng.below(16)).min(len);
            input.drain(at..end);
            "delete bytes"
        }
        3 => {
            let (start, end) = random_line(rng, input);
            let line = input[start..end].to_vec();
            input.splice(start..start, line);
            "duplicate a line"
        }
        4 => {
            let (start, end) = random_line(rng, input);
            input.drain(start..end);
            "delete a line"
        }
        5 => {
            let (start, end) = random_line(rng, other);
            let starts = line_starts(input);
            let at = *rng.pick(&starts);
            input.splice(at..at, other[start..end].iter().copied());
            "splice in a line of another file"
        }
        6 => {
            let (start, end) = random_line(rng, input);
            let (from, to) = random_line(rng, other);
            input.splice(start..end, other[from..to].iter().copied());
            "replace a line by one of another file"
        }
        7 | 8 => {
            let at = insertion_point(rng, input);
            input.splice(at..at, rng.pick(TOKENS).iter().copied());
            "insert a token"
        }
        9 => {
            // A number in the text becomes another, often out of range.
            let digits: Vec<usize> = (0..len).filter(|&i| input[i].is_ascii_digit()).collect();
            if digits.is_empty() {
                input.truncate(rng.below(len));
                return "truncate";
            }
            let start = *rng.pick(&digits);
            let end = start + input[start..].iter().take_while(|b| b.is_ascii_digit()).count();
            let numbers: &[&[u8]] = &[b"0", b"1", b"33", b"129", b"255", b"256", b"65536", b"4294967296", b"99999999999999999999999"];
            input.splice(start..end, rng.pick(numbers).iter().copied());
            "replace a number"
        }
        10 => {
            input.truncate(rng.below(len));
            "truncate"
        }
        11 => {
            // What follows a line goes to another file of the plan.
            let at = *rng.pick(&line_starts(input));
            input.splice(at..at, fuzzing::FILE_BREAK[1..].iter().copied());
            "cut into two files"
        }
        _ => {
            // This input's beginning, another's end.
            let at = rng.below(len + 1);
            let from = rng.below(other.len() + 1);
            input.truncate(at);
            input.extend_from_slice(&other[from..]);
            "cross over with another file"
        }
    }
}

/// What the watchdog needs to report a hang: the input running, since when.
struct Running {
    iteration: u64,
    started: Instant,
    input: Vec<u8>,
    done: bool,
}

fn save(input: &[u8], seed: u64, iteration: u64) -> PathBuf {
    let path = std::env::temp_dir().join(format!("ashlar-fuzz-smoke-seed{seed}-{iteration}.ashlar"));
    if let Err(e) = std::fs::write(&path, input) {
        eprintln!("fuzz_smoke: cannot write {}: {e}", path.display());
    }
    path
}

fn show(input: &[u8]) -> String {
    const SHOWN: usize = 4000;
    let text = String::from_utf8_lossy(&input[..input.len().min(SHOWN)]).into_owned();
    let more = if input.len() > SHOWN { format!("\n... ({} bytes more)", input.len() - SHOWN) } else { String::new() };
    format!("----- input ({} bytes, not UTF-8 shown as U+FFFD) -----\n{text}{more}\n----- end of input -----", input.len())
}

/// Exits 1 when the input being run takes longer than `timeout`.
fn watchdog(running: Arc<Mutex<Running>>, seed: u64, timeout: Duration) {
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(200));
        let running = running.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if running.done {
            return;
        }
        if running.started.elapsed() > timeout {
            let path = save(&running.input, seed, running.iteration);
            eprintln!(
                "fuzz_smoke: input {} (seed {seed}) ran longer than {}s; written to {}\n{}",
                running.iteration,
                timeout.as_secs(),
                path.display(),
                show(&running.input)
            );
            std::process::exit(1);
        }
    });
}

fn main() {
    let args = args();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("compiler/ has a parent").to_path_buf();
    let seeds = seeds(&repo);
    if seeds.is_empty() {
        eprintln!("fuzz_smoke: no seed input under {}", repo.display());
        std::process::exit(2);
    }
    let root = fuzzing::nowhere();
    let running = Arc::new(Mutex::new(Running { iteration: 0, started: Instant::now(), input: Vec::new(), done: false }));
    watchdog(Arc::clone(&running), args.seed, args.timeout);

    let started = Instant::now();
    let mut rng = Rng::new(args.seed);
    let (mut clean, mut not_utf8) = (0u64, 0u64);
    let mut slowest = (Duration::ZERO, 0u64);
    for iteration in 0..args.iterations {
        // Every seed once, as it is, then mutants of random seeds.
        let index = if iteration < seeds.len() as u64 { iteration as usize } else { rng.below(seeds.len()) };
        let seed = &seeds[index];
        let mut input = seed.bytes.clone();
        let mut applied = Vec::new();
        if iteration >= seeds.len() as u64 {
            for _ in 0..1 + rng.below(4) {
                applied.push(mutate(&mut rng, &mut input, &seeds));
            }
            input.truncate(MAX_LEN);
        }
        {
            let mut running = running.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            running.iteration = iteration;
            running.started = Instant::now();
            running.input.clone_from(&input);
        }
        let began = Instant::now();
        let outcome = std::panic::catch_unwind(|| fuzzing::check_and_build(&root, input.clone()));
        let took = began.elapsed();
        slowest = slowest.max((took, iteration));
        match outcome {
            Ok(outcome) => {
                clean += u64::from(outcome.emitted.is_some());
                not_utf8 += u64::from(std::str::from_utf8(&input).is_err());
            }
            Err(_) => {
                let path = save(&input, args.seed, iteration);
                eprintln!(
                    "fuzz_smoke: ashlar panicked on input {iteration} (seed {}), a mutant of {} ({}); written to {}\n{}",
                    args.seed,
                    seed.name,
                    if applied.is_empty() { "unchanged".to_string() } else { applied.join(", ") },
                    path.display(),
                    show(&input)
                );
                std::process::exit(1);
            }
        }
    }
    running.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).done = true;
    println!(
        "fuzz_smoke: {} inputs from {} seeds (seed {}) in {:.1}s: {clean} clean and emitted, {not_utf8} not UTF-8, no panic; slowest input {} took {:.0}ms",
        args.iterations,
        seeds.len(),
        args.seed,
        started.elapsed().as_secs_f64(),
        slowest.1,
        slowest.0.as_secs_f64() * 1000.0
    );
}
