//! The real binary against what users' folders and shells do to it: a build
//! never deletes a file it did not write, a closed pipe never crashes it or
//! turns a failing run green, and the walk of a plan folder survives editor
//! artefacts and links.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn ashlar_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ashlar")).args(args).current_dir(dir).env("NO_COLOR", "1").output().expect("ashlar runs")
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples").join(name)
}

/// Copies the files of `examples/hub-spoke` into `dir`, with a note and a lock of the user's.
fn plan_at(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for entry in std::fs::read_dir(example("hub-spoke")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    std::fs::write(dir.join("notes.txt"), "the user's own notes\n").unwrap();
}

/// Every file below `dir` with its bytes (links as where they point).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let rel = path.strip_prefix(dir).unwrap().to_path_buf();
            if meta.file_type().is_symlink() {
                files.insert(rel, std::fs::read_link(&path).unwrap().into_os_string().into_encoded_bytes());
            } else if meta.is_dir() {
                files.insert(rel, b"<folder>".to_vec());
                pending.push(path);
            } else {
                files.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts a refused build: exit 2, the code named, every file as it was.
fn assert_refused(work: &Path, args: &[&str], code: &str, words: &str) {
    let before = snapshot(work);
    let out = ashlar_in(work, args);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    let text = stderr(&out);
    assert!(text.contains(code) && text.contains(words), "{args:?}: {text}");
    assert!(text.contains("nothing was written"), "{args:?}: {text}");
    assert_eq!(snapshot(work), before, "{args:?} changed files");
}

#[test]
fn a_build_into_the_plan_or_above_it_is_refused_and_every_file_kept() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    plan_at(&w.join("p"));
    std::fs::write(w.join("p/ashlar.lock"), "{\"version\": 1, \"prefixes\": {}}\n").unwrap();
    plan_at(&w.join("plans/app"));
    plan_at(&w.join("plans/other"));

    assert_refused(w, &["build", "p", "-o", "p"], "ASH015", "is the plan's folder");
    assert_refused(w, &["build", "p", "-o", "p/out"], "ASH015", "inside the plan's folder");
    assert_refused(w, &["build", "p/hub.ashlar", "-o", "p/out"], "ASH015", "inside the plan's folder");
    assert_refused(w, &["build", "plans/app", "-o", "plans"], "ASH015", "holds the plan's folder");
    assert_refused(w, &["build", "plans/app", "-o", "."], "ASH015", "is the working folder");
    assert_refused(w, &["build", "plans/app", "-o", w.to_str().unwrap()], "ASH015", "is the working folder");
    std::fs::create_dir_all(w.join("work/sub")).unwrap();
    assert_refused(&w.join("work/sub"), &["build", "../../p", "-o", ".."], "ASH015", "holds the working folder");
    assert_refused(w, &["build", "plans/app", "-o", "/"], "ASH015", "the root folder");
    // --force never overrides these.
    assert_refused(w, &["build", "p", "-o", "p", "--force"], "ASH015", "is the plan's folder");
    assert_refused(w, &["build", "plans/app", "-o", "plans", "--force"], "ASH015", "holds the plan's folder");
    assert_refused(w, &["build", "plans/app", "-o", ".", "--force"], "ASH015", "is the working folder");
}

#[test]
fn a_build_into_the_home_folder_or_above_it_is_refused() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    plan_at(&w.join("p"));
    std::fs::create_dir_all(w.join("users/ada")).unwrap();
    std::fs::write(w.join("users/ada/.profile"), "export EDITOR=vi\n").unwrap();
    for (out, words) in [("users/ada", "is the home folder"), ("users", "holds the home folder")] {
        let before = snapshot(w);
        let run = Command::new(env!("CARGO_BIN_EXE_ashlar"))
            .args(["build", "p", "-o", out, "--force"])
            .current_dir(w)
            .env("HOME", w.join("users/ada"))
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
        assert!(stderr(&run).contains(words), "{}", stderr(&run));
        assert_eq!(snapshot(w), before);
    }
}

#[test]
fn a_folder_holding_other_files_is_replaced_only_with_force() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    plan_at(&w.join("p"));
    std::fs::create_dir(w.join("existing")).unwrap();
    std::fs::write(w.join("existing/mine.txt"), "keep me\n").unwrap();
    assert_refused(w, &["build", "p", "-o", "existing"], "ASH016", "`mine.txt`");

    let forced = ashlar_in(w, &["build", "p", "-o", "existing", "--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert!(w.join("existing/main.json").is_file() && !w.join("existing/mine.txt").exists());
}

#[test]
fn an_earlier_build_is_replaced_but_a_file_added_to_it_stops_the_next() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    plan_at(&w.join("p"));
    for _ in 0..2 {
        let out = ashlar_in(w, &["build", "p", "-o", "out"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let listed = std::fs::read_to_string(w.join("out/.ashlar-output")).unwrap();
    assert!(listed.lines().any(|l| l == "main.json") && listed.lines().any(|l| l.starts_with("modules/")), "{listed}");

    std::fs::write(w.join("out/modules/tweak.bicep"), "// mine\n").unwrap();
    assert_refused(w, &["build", "p", "-o", "out"], "ASH016", "`modules/tweak.bicep`");
    // The same in a format for machines: the refusal is the report.
    let json = ashlar_in(w, &["build", "p", "-o", "out", "--format", "json"]);
    assert_eq!(json.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("a JSON report");
    assert_eq!(report[0]["code"], "ASH016");
}

#[test]
fn a_failed_write_is_said_in_every_format() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    plan_at(&w.join("p"));
    std::fs::write(w.join("README.md"), "a file, not a folder\n").unwrap();
    for (format, expect) in [
        ("json", "\"code\": \"ASH018\""),
        ("sarif", "\"ruleId\": \"ASH018\""),
        ("github", "::error title=ASH018"),
        ("junit", "failures=\"1\""),
        ("short", "error[ASH018]"),
        ("human", "ASH018"),
    ] {
        let out = ashlar_in(w, &["build", "p", "-o", "README.md/out", "--format", format]);
        assert_eq!(out.status.code(), Some(2), "{format}");
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
        assert!(text.contains(expect) && text.contains("cannot write README.md/out"), "{format}: {text}");
    }
    assert_eq!(std::fs::read_to_string(w.join("README.md")).unwrap(), "a file, not a folder\n");
}

#[test]
fn a_killed_builds_staging_folder_is_removed_by_the_next_build() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    plan_at(&w.join("p"));
    let pid = (4_000_000..).find(|pid| !Path::new(&format!("/proc/{pid}")).exists()).unwrap();
    let stale = w.join(format!(".out.new-{pid}-0"));
    std::fs::create_dir_all(stale.join("modules")).unwrap();
    std::fs::write(stale.join(".ashlar-output"), "# list\nmain.json\n").unwrap();
    std::fs::write(stale.join("main.json"), "{").unwrap();
    let out = ashlar_in(w, &["build", "p", "-o", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stale.exists(), "the stale staging folder is left");
}

/// Runs ashlar with its standard output and error going into pipes whose
/// reading ends are closed at once, as `ashlar ... 2>&1 | head -0` does.
fn with_closed_pipes(args: &[&str]) -> std::process::ExitStatus {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ashlar")).args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    drop(child.stdout.take());
    drop(child.stderr.take());
    child.wait().unwrap()
}

#[test]
fn a_closed_pipe_ends_the_run_quietly_with_its_status() {
    let compute = example("compute");
    let compute = compute.to_str().unwrap();
    let broken = tempfile::tempdir().unwrap();
    std::fs::write(broken.path().join("plan.ashlar"), "hub core {\n  address_space = [10.0.0.5/24]\n}\n").unwrap();
    let broken = broken.path().to_str().unwrap();
    for format in ["human", "short"] {
        assert_eq!(with_closed_pipes(&["check", compute, "--format", format]).code(), Some(0), "{format}");
        assert_eq!(with_closed_pipes(&["check", broken, "--format", format]).code(), Some(1), "{format}");
    }
    // A failing plan stays failing when the reader of a machine report went away.
    for format in ["json", "sarif", "github", "junit"] {
        assert_eq!(with_closed_pipes(&["check", broken, "--format", format]).code(), Some(1), "{format}");
    }
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("out");
    assert_eq!(with_closed_pipes(&["build", compute, "-o", target.to_str().unwrap()]).code(), Some(0));
    assert!(target.join("main.json").is_file());
    assert_eq!(with_closed_pipes(&["graph", compute]).code(), Some(0));
    assert_eq!(with_closed_pipes(&["explain", "--list"]).code(), Some(0));
}

#[test]
fn editor_artefacts_and_links_do_not_stop_a_plan() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let plan = w.join("plan");
    plan_at(&plan);
    // Emacs' lock while hub.ashlar is edited, and a link left by a removed folder.
    std::os::unix::fs::symlink("ada@laptop.4242:1764979200", plan.join(".#hub.ashlar")).unwrap();
    std::os::unix::fs::symlink("../gone", plan.join("modules")).unwrap();
    // A folder of someone else's plans, linked in: never walked.
    let outside = w.join("elsewhere");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("broken.ashlar"), "hub {").unwrap();
    std::os::unix::fs::symlink(&outside, plan.join("shared")).unwrap();
    std::os::unix::fs::symlink(outside.join("broken.ashlar"), plan.join("linked.ashlar")).unwrap();
    // A draft hidden from the plan, and a link that loops.
    std::fs::write(plan.join(".draft.ashlar"), "hub {").unwrap();
    std::os::unix::fs::symlink(".", plan.join("again")).unwrap();

    let out = ashlar_in(w, &["check", "plan", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let skipped: Vec<String> =
        report.as_array().unwrap().iter().filter(|d| d["code"] == "ASH017").map(|d| d["message"].as_str().unwrap().to_string()).collect();
    for (entry, why) in [
        (".#hub.ashlar", "a link to nothing"),
        ("modules", "a link to nothing"),
        ("shared", "a link out of the plan's folder"),
        ("linked.ashlar", "a link out of the plan's folder"),
        (".draft.ashlar", "a hidden file"),
        ("again", "not followed again"),
    ] {
        assert!(skipped.iter().any(|m| m.starts_with(&format!("{entry}: ")) && m.contains(why)), "{entry}: {skipped:?}");
    }
    // The plan's own files were all read: the human report counts them.
    let human = ashlar_in(w, &["check", "plan"]);
    assert!(stderr(&human).contains("(3 files)"), "{}", stderr(&human));
    let denied = ashlar_in(w, &["check", "plan", "--deny-warnings", "--format", "short"]);
    assert_eq!(denied.status.code(), Some(1));
}

#[test]
fn the_progress_line_is_cleared_before_the_report_on_a_terminal() {
    // `script` gives the run a terminal for standard error, as a person has.
    let Ok(script) = which("script") else {
        panic!("`script` (util-linux) is needed to give ashlar a terminal");
    };
    let work = tempfile::tempdir().unwrap();
    let plan = example("hub-spoke");
    let out = work.path().join("out");
    for args in [format!("check {}", plan.display()), format!("build {} -o {}", plan.display(), out.display())] {
        let command = format!("{} {args}", env!("CARGO_BIN_EXE_ashlar"));
        let run = Command::new(&script).args(["-qec", &command, "/dev/null"]).env("NO_COLOR", "1").output().unwrap();
        let text = String::from_utf8_lossy(&run.stdout).into_owned();
        assert!(run.status.success(), "{args}: {text}");
        // What a person sees: each carriage return or erase starts the line again.
        let last_line = text.lines().last().unwrap_or_default();
        let seen = last_line.rsplit(['\r']).next().unwrap_or_default().replace("\u{1b}[2K", "");
        assert!(seen.starts_with("checked ") || seen.starts_with("wrote "), "{args}: {seen:?} in {text:?}");
        assert!(!text.contains("donechecked") && !text.contains("donewrote") && !text.contains("report done"), "{args}: {text:?}");
    }
}

#[test]
fn a_report_for_machines_shows_no_progress_even_on_a_terminal() {
    let script = which("script").expect("`script` (util-linux) is needed to give ashlar a terminal");
    let command = format!("{} check {} --format json", env!("CARGO_BIN_EXE_ashlar"), example("hub-spoke").display());
    let run = Command::new(&script).args(["-qec", &command, "/dev/null"]).env("NO_COLOR", "1").output().unwrap();
    let text = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(run.status.success(), "{text}");
    // The terminal writes each line break as CR LF; a progress line would erase itself with ESC [2K.
    assert!(!text.contains(" done") && !text.contains("\u{1b}[2K"), "{text:?}");
    let report: serde_json::Value = serde_json::from_str(text.trim()).expect("only the JSON report");
    assert!(report.as_array().is_some_and(|a| a.is_empty()), "{text}");
}

fn which(program: &str) -> Result<PathBuf, ()> {
    std::env::var_os("PATH").and_then(|paths| std::env::split_paths(&paths).map(|p| p.join(program)).find(|p| p.is_file())).ok_or(())
}

#[test]
fn small_messages_say_what_is_wrong() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    std::fs::write(
        w.join("plan.ashlar"),
        "settings { location = uksouth }\nhub core {\n  resource_group = \"rg\"\n  address_space = [10.0.0.0/16]\n  subnet a 10.0.0.0/24\n}\n\
         compute web {\n  resource_group = \"rg\"\n  subnet = core.a\n  image = ubuntu_2404\n  size = Standard_D2s_v5\n  count = 100000\n  admin_user = \"azureadmin\"\n  ssh_key = file(\"\")\n}\n",
    )
    .unwrap();
    let out = ashlar_in(w, &["check", ".", "--format", "short"]);
    let text = stderr(&out);
    assert!(text.contains("100000 is out of range") && !text.contains("found an integer"), "{text}");
    assert!(text.contains("names no file") && !text.contains("directory"), "{text}");
}

#[test]
fn file_naming_a_folder_is_refused() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    std::fs::create_dir(w.join("cloud-init")).unwrap();
    std::fs::write(
        w.join("plan.ashlar"),
        "settings { location = uksouth }\nhub core {\n  resource_group = \"rg\"\n  address_space = [10.0.0.0/16]\n  subnet a 10.0.0.0/24\n}\n\
         compute web {\n  resource_group = \"rg\"\n  subnet = core.a\n  image = ubuntu_2404\n  size = Standard_D2s_v5\n  admin_user = \"azureadmin\"\n  ssh_key = file(\"cloud-init\")\n}\n",
    )
    .unwrap();
    let out = ashlar_in(w, &["check", ".", "--format", "short"]);
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("ASH012") && text.contains("`cloud-init` is a folder"), "{text}");
}
