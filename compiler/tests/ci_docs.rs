//! The pipelines of `docs/ci.md` use the command line as it is: every
//! `ashlar` command in them runs, from a repository's root, on a copy of an
//! example where the pipelines have `plans/app`, and succeeds.

use std::path::Path;
use std::process::Command;

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_folder(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// The `ashlar` commands of the page, as written: `(line, words)`, without
/// redirections and what follows `||`, the plan's variable in place.
fn commands(page: &str) -> Vec<(usize, Vec<String>)> {
    let mut found = Vec::new();
    for (i, line) in page.lines().enumerate() {
        let line = line.trim_start();
        let line = line.strip_prefix("- script: ").or_else(|| line.strip_prefix("run: ")).unwrap_or(line);
        if !line.starts_with("ashlar ") {
            continue;
        }
        let command = line.split("||").next().unwrap().split(" > ").next().unwrap();
        let words =
            command.split_whitespace().skip(1).map(|w| w.trim_matches('"').replace("$(PLAN)", "plans/app").replace("$PLAN", "plans/app")).collect();
        found.push((i + 1, words));
    }
    found
}

#[test]
fn every_ashlar_command_of_the_ci_page_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let page = std::fs::read_to_string(root.join("docs/ci.md")).unwrap();
    let commands = commands(&page);
    let used: Vec<&str> = commands.iter().map(|(_, words)| words[0].as_str()).collect();
    for subcommand in ["fmt", "check", "test", "build"] {
        assert!(used.contains(&subcommand), "docs/ci.md runs no `ashlar {subcommand}`");
    }
    for (line, words) in &commands {
        let repo = tempfile::tempdir().unwrap();
        copy_folder(&root.join("examples/secured-spokes"), &repo.path().join("plans/app"));
        let out = Command::new(env!("CARGO_BIN_EXE_ashlar")).args(words).current_dir(repo.path()).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "docs/ci.md:{line}: ashlar {}\n{}{}",
            words.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if words[0] == "build" {
            assert!(repo.path().join("out/main.json").is_file(), "docs/ci.md:{line}: no out/main.json");
            let lock = std::fs::read(repo.path().join("plans/app/ashlar.lock")).ok();
            assert_eq!(lock, std::fs::read(root.join("examples/secured-spokes/ashlar.lock")).ok(), "the build changed the committed lock");
        }
    }
}
