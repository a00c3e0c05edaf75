//! `docs/tutorial.md` runs as written: in a new folder, each ```` ```ashlar
//! file=PATH ```` block is written to PATH, and each command (`$ ...`) of a
//! ```` ```console ```` block is run with `sh` and must print what the page
//! shows after it (standard output and error together). Blocks marked
//! ```` ```console install ```` and ```` ```console azure ```` are not run: they
//! install ashlar, or need an Azure subscription; the test checks that they
//! hold only such commands (`cargo install`, `az`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// One step of the page, in order.
#[derive(Debug)]
enum Step {
    File {
        path: String,
        text: String,
    },
    /// A command and the output the page shows for it.
    Run {
        command: String,
        output: String,
    },
    /// A command the test does not run, and why (the block's mark).
    NotRun {
        command: String,
        mark: String,
    },
}

fn steps(page: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut lines = page.lines();
    while let Some(line) = lines.next() {
        let fence: String = line.chars().take_while(|c| *c == '`').collect();
        if fence.len() < 3 {
            continue;
        }
        let info: Vec<&str> = line[fence.len()..].split_whitespace().collect();
        let mut body = Vec::new();
        for inner in lines.by_ref() {
            if inner == fence {
                break;
            }
            body.push(inner);
        }
        match info.as_slice() {
            ["ashlar", file] if file.starts_with("file=") => {
                steps.push(Step::File { path: file["file=".len()..].to_string(), text: body.iter().map(|l| format!("{l}\n")).collect() });
            }
            ["console"] => {
                let mut command: Option<(String, Vec<&str>)> = None;
                for line in body {
                    if let Some(next) = line.strip_prefix("$ ") {
                        if let Some((command, output)) = command.take() {
                            steps.push(Step::Run { command, output: output.iter().map(|l| format!("{l}\n")).collect() });
                        }
                        command = Some((next.to_string(), Vec::new()));
                    } else if let Some((_, output)) = &mut command {
                        output.push(line);
                    } else {
                        panic!("output before any command in a console block: {line:?}");
                    }
                }
                if let Some((command, output)) = command {
                    steps.push(Step::Run { command, output: output.iter().map(|l| format!("{l}\n")).collect() });
                }
            }
            ["console", mark] => {
                for line in body {
                    let command = line.strip_prefix("$ ").unwrap_or_else(|| panic!("a `{mark}` block shows no output: {line:?}"));
                    steps.push(Step::NotRun { command: command.to_string(), mark: mark.to_string() });
                }
            }
            _ => {}
        }
    }
    steps
}

/// Trailing blanks are not part of what a page shows.
fn lines_trimmed(text: &str) -> Vec<&str> {
    text.lines().map(str::trim_end).collect()
}

fn binary_folder() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_ashlar")).parent().unwrap().to_path_buf()
}

#[test]
fn every_command_of_the_tutorial_prints_what_the_page_shows() {
    let page = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/tutorial.md")).expect("docs/tutorial.md");
    let steps = steps(&page);
    let folder = tempfile::tempdir().unwrap();
    let path = format!("{}:{}", binary_folder().display(), std::env::var("PATH").unwrap_or_default());
    let (mut files, mut run, mut not_run) = (0, 0, Vec::new());
    for step in &steps {
        match step {
            Step::File { path, text } => {
                let file = folder.path().join(path);
                std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                std::fs::write(file, text).unwrap();
                files += 1;
            }
            Step::Run { command, output } => {
                let out = Command::new("sh")
                    .arg("-c")
                    .arg(format!("{command} 2>&1"))
                    .current_dir(folder.path())
                    .env("PATH", &path)
                    .env("NO_COLOR", "1")
                    .env("LC_ALL", "C")
                    // 2026-12-07 00:00 UTC: the day every date of the page counts from.
                    .env("SOURCE_DATE_EPOCH", "1796601600")
                    .env_remove("ASHLAR_THREADS")
                    .output()
                    .expect("sh runs");
                let printed = String::from_utf8_lossy(&out.stdout);
                assert_eq!(lines_trimmed(&printed), lines_trimmed(output), "`{command}` printed what the tutorial does not show:\n{printed}");
                run += 1;
            }
            Step::NotRun { command, mark } => not_run.push((mark.as_str(), command.as_str())),
        }
    }
    // The page is a tutorial, not an empty shell: it writes a plan and runs ashlar on it.
    assert!(files >= 5 && run >= 10, "{files} files written, {run} commands run");
    // What is not run is only what cannot run here, explicitly marked.
    for (mark, command) in &not_run {
        match *mark {
            "install" => assert!(command.starts_with("cargo install "), "{command}"),
            "azure" => assert!(command.starts_with("az "), "{command}"),
            other => panic!("a console block marked `{other}` is neither run nor allowed to be skipped: {command}"),
        }
    }
    assert_eq!(not_run.iter().filter(|(mark, _)| *mark == "azure").count(), 2, "{not_run:?}");
}

#[test]
fn the_page_is_read_as_files_commands_and_commands_not_run() {
    let page = "```ashlar file=plan/a.ashlar\nsettings { location = uksouth }\n```\n```console\n$ ashlar check plan\nchecked plan (1 file): 0 errors, 0 warnings\n$ echo hi\nhi\n```\n````console azure\n$ az login\n````\n";
    let steps = steps(page);
    assert_eq!(steps.len(), 4, "{steps:?}");
    assert!(
        matches!(&steps[1], Step::Run { command, output } if command == "ashlar check plan" && output == "checked plan (1 file): 0 errors, 0 warnings\n")
    );
    assert!(matches!(&steps[3], Step::NotRun { command, mark } if command == "az login" && mark == "azure"));
}
