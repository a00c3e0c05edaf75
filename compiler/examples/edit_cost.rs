//! What one edit costs the analysis the language server runs, without the
//! server: the plan of `benches/lsp.sh` split into files as `lsp_bench` splits
//! it, analysed once, then one subnet's prefix in the middle file edited
//! (`/26` and `/27` by turns) and the plan analysed again with the same
//! [`ashlar::ParseCache`], as the server does on a `didChange`.
//!
//!     cargo run --release --example gen -- --spokes 140 --subnets 4 --nsg-rules 8 \
//!         --shared-rules --policies 20 --firewall-rules 300 --vms 300 > /tmp/plan.ashlar
//!     ASHLAR_THREADS=1 cargo run --release --example edit_cost -- /tmp/plan.ashlar [EDITS] [FILES]
//!
//! It prints the median, fastest and worst wall time of EDITS (20) edits, and
//! the median time of each stage. For instruction counts, under callgrind,
//! only the edits are counted:
//!
//!     ASHLAR_THREADS=1 valgrind --tool=callgrind --collect-atstart=no \
//!         --toggle-collect='*edit_cost*one_edit*' target/release/examples/edit_cost /tmp/plan.ashlar 5
//!
//! and the instructions of one edit are the total divided by EDITS.

use ashlar::load::{InputFile, PlanInput};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(plan) = args.first() else {
        eprintln!("usage: edit_cost PLAN.ashlar [EDITS] [FILES]");
        std::process::exit(2);
    };
    let edits: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(20);
    let parts: usize = args.get(2).and_then(|n| n.parse().ok()).filter(|n| *n > 0).unwrap_or(5);
    let text = std::fs::read_to_string(plan).expect("the plan reads");

    // Split at the spokes as lsp_bench does: the head stays with the first part.
    let starts: Vec<usize> = text.match_indices("\nspoke ").map(|(i, _)| i + 1).collect();
    let per_file = starts.len().div_ceil(parts).max(1);
    let mut cuts: Vec<usize> = starts.iter().copied().step_by(per_file).skip(1).collect();
    cuts.insert(0, 0);
    cuts.push(text.len());
    let root = std::path::PathBuf::from("/nonexistent/edit-cost");
    let files: Vec<InputFile> = cuts
        .windows(2)
        .enumerate()
        .map(|(n, pair)| InputFile {
            name: format!("part{n}.ashlar"),
            path: root.join(format!("part{n}.ashlar")),
            bytes: text.as_bytes()[pair[0]..pair[1]].to_vec(),
        })
        .collect();
    let middle = files.len() / 2;
    let original = String::from_utf8(files[middle].bytes.clone()).expect("UTF-8");
    let start = original.find("  subnet s0 ").expect("a subnet s0");
    let at = start + original[start..].find("/26").expect("a /26 subnet");
    let mut input = PlanInput {
        root: root.clone(),
        files,
        today: Some((ashlar::calendar::Date::new(2025, 6, 1).expect("a date"), ashlar::calendar::TodaySource::Fixed)),
        ..PlanInput::default()
    };

    let mut cache = ashlar::ParseCache::default();
    // The first analysis parses every file: not an edit, and not counted.
    let first = ashlar::analyze_unless(&input, &mut cache, &|| false).expect("nothing supersedes it");
    println!("plan: {} bytes in {} files; {} diagnostics", text.len(), input.files.len(), first.diagnostics.len());
    drop(first);

    let mut times = Vec::new();
    let mut stages: Vec<(&'static str, Vec<Duration>)> = Vec::new();
    for n in 0..edits {
        let prefix: &[u8] = if n % 2 == 0 { b"/27" } else { b"/26" };
        input.files[middle].bytes[at..at + 3].copy_from_slice(prefix);
        let began = Instant::now();
        let analysis = one_edit(&input, &mut cache);
        times.push(began.elapsed());
        assert!(analysis.diagnostics.is_empty(), "every edit leaves a clean plan: {:?}", analysis.diagnostics.first().map(|d| &d.message));
        for (stage, took) in &analysis.timings.stages {
            match stages.iter_mut().find(|(s, _)| s == stage) {
                Some((_, all)) => all.push(*took),
                None => stages.push((stage, vec![*took])),
            }
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = |times: &mut Vec<Duration>| {
        times.sort();
        times[times.len() / 2]
    };
    if edits > 0 {
        println!(
            "{edits} edits: median {:.2} ms, fastest {:.2} ms, worst {:.2} ms",
            ms(median(&mut times)),
            ms(times[0]),
            ms(times[times.len() - 1])
        );
        for (stage, mut all) in stages {
            println!("  {stage:<24} {:>7.2} ms", ms(median(&mut all)));
        }
    }
}

/// One analysis of the plan after an edit, as the server runs it.
#[inline(never)]
fn one_edit(input: &PlanInput, cache: &mut ashlar::ParseCache) -> ashlar::Analysis {
    ashlar::analyze_unless(input, cache, &|| false).expect("nothing supersedes it")
}

// The allocator of `ashlar` itself (`src/main.rs`), so that the edit costs what it costs the server.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
