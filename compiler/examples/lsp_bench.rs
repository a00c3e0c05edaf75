//! How long the language server takes from a `didChange` to the
//! `publishDiagnostics` of that change, on a large plan split over several
//! files. `benches/lsp.sh` generates the plan and runs this:
//!
//!     cargo run --release --example gen -- --spokes 500 > /tmp/big.ashlar
//!     cargo build --release && cargo run --release --example lsp_bench -- /tmp/big.ashlar target/release/ashlar [FILES]
//!
//! The plan is split at its spokes into 5 files, or FILES (the first keeps `settings`
//! and the hub), `ashlar lsp` runs as an editor runs it (a process, stdio,
//! `Content-Length` framing), and one spoke's subnet is edited 20 times, each
//! edit a clean plan, so that every change runs the whole analysis: parse,
//! resolve, checks, policies and lowering. Each edit is a `didChange` of one
//! range (incremental sync, as editors send it), `/26` to `/27` and back.
//!
//! Two measures: single edits, each sent once the previous one's diagnostics
//! are out (the median and worst of 20); and bursts, 20 edits 30 ms apart as
//! a user types, timed from the last edit to the diagnostics of its version
//! (the median and worst of 10 bursts).

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

/// Files the plan is split into, unless the command line says otherwise.
const FILES: usize = 5;
const CHANGES: usize = 20;
const WARM_UP: usize = 3;
const BURSTS: usize = 10;
const BURST_GAP: Duration = Duration::from_millis(30);

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (plan, ashlar, parts) = match args.as_slice() {
        [plan, ashlar] => (plan, ashlar, FILES),
        [plan, ashlar, parts] if parts.parse::<usize>().is_ok_and(|n| n > 0) => (plan, ashlar, parts.parse().unwrap_or(FILES)),
        _ => {
            eprintln!("usage: lsp_bench PLAN.ashlar PATH/TO/ashlar [FILES]");
            std::process::exit(2);
        }
    };
    let text = std::fs::read_to_string(plan).expect("the plan reads");
    let dir = tempfile::tempdir().expect("a temporary folder");

    // Split at the spokes: the head (use, settings, hub) stays with the first part.
    let starts: Vec<usize> = text.match_indices("\nspoke ").map(|(i, _)| i + 1).collect();
    let per_file = starts.len().div_ceil(parts).max(1);
    let mut cuts: Vec<usize> = starts.iter().copied().step_by(per_file).skip(1).collect();
    cuts.insert(0, 0);
    cuts.push(text.len());
    let mut files = Vec::new();
    for (n, pair) in cuts.windows(2).enumerate() {
        let name = format!("part{n}.ashlar");
        std::fs::write(dir.path().join(&name), &text[pair[0]..pair[1]]).expect("a part writes");
        files.push((name, text[pair[0]..pair[1]].to_string()));
    }
    let lines: usize = files.iter().map(|(_, t)| t.lines().count()).sum();

    let mut child = Command::new(ashlar).arg("lsp").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("ashlar lsp starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let (send, messages) = channel::<Value>();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        loop {
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                if line.trim_end().is_empty() {
                    break;
                }
                if let Some(n) = line.trim_end().strip_prefix("Content-Length: ") {
                    length = n.parse().expect("a length");
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).expect("a body");
            if send.send(serde_json::from_slice(&body).expect("JSON")).is_err() {
                return;
            }
        }
    });
    let mut write = |message: Value| {
        let body = message.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("the server reads");
        stdin.flush().expect("the server reads");
    };
    let wait = |what: &dyn Fn(&Value) -> bool| loop {
        let message = messages.recv_timeout(Duration::from_secs(60)).expect("the server answers");
        if what(&message) {
            return message;
        }
    };

    let root = ashlar::lsp::path_to_uri(dir.path()).expect("a URI").as_str().to_string();
    write(json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "processId": null, "rootUri": root, "capabilities": {} } }));
    wait(&|m| m["id"] == 1);
    write(json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }));

    // Edit the middle file: one written subnet's prefix, /26 and /27 by turns.
    let (name, original) = &files[files.len() / 2];
    let uri = format!("{root}/{name}");
    let start = original.find("  subnet s0 ").expect("a subnet s0");
    let line_end = start + original[start..].find('\n').expect("a line");
    let line = &original[start..line_end];
    let line_number = original[..start].matches('\n').count();
    // The plan is ASCII: a column in bytes is one in UTF-16 units.
    let column = line.find("/26").expect("a /26 subnet");
    let edit = |version: i64| {
        let prefix = if version % 2 == 0 { "/27" } else { "/26" };
        let range = json!({ "start": { "line": line_number, "character": column }, "end": { "line": line_number, "character": column + 3 } });
        json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": { "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "range": range, "text": prefix }] } })
    };
    write(
        json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": { "textDocument": { "uri": uri, "languageId": "ashlar", "version": 1, "text": original } } }),
    );
    let first = wait(&|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri && m["params"]["version"] == 1);
    let problems = first["params"]["diagnostics"].as_array().map_or(0, Vec::len);

    let mut times = Vec::new();
    for version in 2..(2 + WARM_UP + CHANGES) as i64 {
        let sent = Instant::now();
        write(edit(version));
        let published = wait(&|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri && m["params"]["version"] == version);
        let elapsed = sent.elapsed();
        let found = published["params"]["diagnostics"].as_array().map_or(0, Vec::len);
        assert_eq!(found, 0, "every edit leaves a clean plan: {published}");
        if version as usize >= 2 + WARM_UP {
            times.push(elapsed);
        }
    }

    // Bursts: 20 edits 30 ms apart, timed from the last one's sending.
    let mut version = (2 + WARM_UP + CHANGES) as i64;
    let mut bursts = Vec::new();
    for _ in 0..BURSTS {
        let began = Instant::now();
        let mut sent = began;
        for n in 0..CHANGES {
            let due = began + BURST_GAP * n as u32;
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
            sent = Instant::now();
            write(edit(version));
            version += 1;
        }
        let last = version - 1;
        let published = wait(&|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri && m["params"]["version"] == last);
        bursts.push(sent.elapsed());
        let found = published["params"]["diagnostics"].as_array().map_or(0, Vec::len);
        assert_eq!(found, 0, "every edit leaves a clean plan: {published}");
        std::thread::sleep(Duration::from_millis(200));
    }
    write(json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null }));
    wait(&|m| m["id"] == 2);
    write(json!({ "jsonrpc": "2.0", "method": "exit", "params": null }));
    let status = child.wait().expect("the server exits");

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = |times: &mut Vec<Duration>| {
        times.sort();
        let n = times.len();
        if n % 2 == 1 {
            times[n / 2]
        } else {
            (times[n / 2 - 1] + times[n / 2]) / 2
        }
    };
    println!("plan: {lines} lines in {} files, {} bytes; {problems} diagnostics on open", files.len(), text.len());
    println!(
        "single edits, didChange to publishDiagnostics over {CHANGES}: median {:.1} ms, min {:.1} ms, worst {:.1} ms",
        ms(median(&mut times)),
        ms(times[0]),
        ms(times[times.len() - 1])
    );
    println!(
        "bursts of {CHANGES} edits {} ms apart, last didChange to its publishDiagnostics over {BURSTS}: median {:.1} ms, min {:.1} ms, worst {:.1} ms (server exit: {status})",
        BURST_GAP.as_millis(),
        ms(median(&mut bursts)),
        ms(bursts[0]),
        ms(bursts[bursts.len() - 1])
    );
}
