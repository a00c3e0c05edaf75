//! The command line's options and headers as a user meets them on the first
//! day: `error[CODE]: message` headers, file arguments, `--deny-warnings` for
//! `build`, `--color`, `test --format`, and `fmt --check` over a repository.

#[path = "support/cli.rs"]
mod support;

use std::path::Path;
use support::{ashlar, ashlar_in, plan_files, plan_with, text, workspace, OVERLAP};

/// A plan with one warning (a /28 gateway subnet) and no error.
const WARNED: &str = "settings { location = uksouth }\n\
hub core {\n  resource_group = \"rg\"\n  address_space = [10.0.0.0/22]\n  subnet GatewaySubnet 10.0.0.0/28\n}\n";

#[test]
fn human_reports_start_with_the_severity_and_code_as_rustc_writes_them() {
    let dir = plan_with(OVERLAP);
    let out = ashlar(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let header = stderr.lines().find(|line| line.contains("ASH202")).unwrap_or_default();
    assert!(header.starts_with("error[ASH202]: subnet `b` (10.0.0.64/26) overlaps subnet `a`"), "{header}");

    let dir = plan_with(WARNED);
    let out = ashlar(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("warning[ASH205]: subnet `GatewaySubnet` (10.0.0.0/28) is smaller than /27"), "{stderr}");
}

#[test]
fn a_file_argument_that_is_not_a_plan_file_is_a_usage_error() {
    let folder = tempfile::tempdir().unwrap();
    let built = folder.path().join("out");
    for command in ["check", "build", "fmt", "plan", "test"] {
        let mut args = vec![command, "README.md"];
        if command == "build" {
            args.extend(["-o", built.to_str().unwrap()]);
        }
        let out = ashlar(&args);
        assert_eq!(out.status.code(), Some(2), "{command}");
        let stderr = text(&out.stderr);
        assert!(stderr.starts_with("error[ASH010]: README.md is not a plan file: a file argument must end in `.ashlar`"), "{command}: {stderr}");
    }
    assert!(!built.exists(), "build wrote an output folder");
}

#[test]
fn build_with_deny_warnings_writes_nothing_and_says_why_when_the_plan_warns() {
    let dir = plan_with(WARNED);
    let outs = tempfile::tempdir().unwrap();
    let out = outs.path().join("out");
    let out = out.to_str().unwrap();
    let plan = dir.path().to_str().unwrap();

    let denied = ashlar(&["build", plan, "-o", out, "--deny-warnings"]);
    assert_eq!(denied.status.code(), Some(1));
    let stderr = text(&denied.stderr);
    assert!(stderr.starts_with("warning[ASH205]"), "{stderr}");
    assert!(
        stderr.ends_with(&format!("build failed: 0 errors, 1 warning (warnings are denied by --deny-warnings); nothing was written to {out}\n")),
        "{stderr}"
    );
    assert!(!Path::new(out).exists(), "a denied build wrote {out}");

    // Without the option, the same plan builds; and with it, `check` says why it failed too.
    let built = ashlar(&["build", plan, "-o", out]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    assert!(Path::new(out).join("main.json").is_file());
    let checked = ashlar(&["check", plan, "--deny-warnings"]);
    assert_eq!(checked.status.code(), Some(1));
    assert!(text(&checked.stderr).contains("0 errors, 1 warning (warnings are denied by --deny-warnings)\n"), "{}", text(&checked.stderr));
}

/// Whether a text holds an ANSI escape, the start of every colour.
fn coloured(text: &str) -> bool {
    text.contains("\u{1b}[")
}

#[test]
fn color_always_colours_a_piped_report_and_never_or_no_color_leave_it_plain() {
    let dir = plan_with(OVERLAP);
    let plan = dir.path().to_str().unwrap();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let out = ashlar_in(&workspace(), &[&["check", plan], args].concat(), env);
        assert_eq!(out.status.code(), Some(1));
        text(&out.stderr)
    };
    // Standard error is a pipe here: `auto` leaves it plain.
    assert!(!coloured(&run(&[], &[])));
    assert!(!coloured(&run(&["--color", "auto"], &[])));
    let always = run(&["--color", "always"], &[]);
    assert!(always.contains("\u{1b}[1;31merror[ASH202]\u{1b}[0m"), "{always}");
    // An explicit choice overrides NO_COLOR, as https://no-color.org asks.
    assert!(coloured(&run(&["--color=always"], &[("NO_COLOR", "1")])));
    assert!(!coloured(&run(&["--color", "never"], &[])));
    // The option is global: it may come before the command.
    let before = ashlar_in(&workspace(), &["--color", "always", "check", plan], &[]);
    assert!(coloured(&text(&before.stderr)));
    let wrong = ashlar(&["check", plan, "--color", "sometimes"]);
    assert_eq!(wrong.status.code(), Some(2));
}

/// The headers of a human report, in order: `error[ASH202]: ...` lines.
fn headers(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| ["error[", "warning[", "info["].iter().any(|start| l.starts_with(start))).collect()
}

#[test]
fn a_check_error_leaves_the_tag_policy_to_run_and_a_resolve_error_says_it_did_not() {
    // An overlap is a check's error: the plan is still lowered, and the tag policy reports beside it.
    let dir = plan_with(&format!("{OVERLAP}tags {{\n  require owner\n}}\n"));
    let out = ashlar(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let found: Vec<&str> = headers(&stderr).iter().map(|h| &h[..h.find(':').unwrap()]).collect();
    assert_eq!(found, ["error[ASH501]", "error[ASH202]"], "{stderr}");

    // A reference to nothing stops the plan before its resources: a note says what did not run, last.
    let dir = plan_with(&format!(
        "{OVERLAP}spoke app {{\n  hub = cor\n  resource_group = \"rg\"\n  address_space = [10.1.0.0/24]\n}}\ntags {{\n  require owner\n}}\n"
    ));
    let out = ashlar(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let found = headers(&stderr);
    assert_eq!(found.len(), 3, "{stderr}");
    assert!(found[0].starts_with("error[ASH202]") && found[1].starts_with("error[ASH106]: nothing named `cor`"), "{stderr}");
    assert_eq!(
        found[2],
        "info[ASH019]: the tag policy did not run: it reads the Azure resources, which are made only from a plan that reads and resolves without an error and has no circle"
    );
    // A note is no warning: the count says 2 errors and 0 warnings.
    assert!(stderr.ends_with("2 errors, 0 warnings\n"), "{stderr}");
}

#[test]
fn a_syntax_error_comes_first_and_its_knock_on_references_are_left_out() {
    // `a.ashlar` is read first; the missing `}` is in `z.ashlar`, whose hub it hides.
    let dir = plan_files(&[
        ("a.ashlar", "spoke app {\n  hub = core\n  peer = [other]\n  resource_group = \"rg-app\"\n  address_space = [10.1.0.0/22]\n}\n"),
        ("z.ashlar", "settings { location = uksouth }\n\nhub core {\n  resource_group = \"rg-core\"\n  address_space = [10.0.0.0/22]\n"),
    ]);
    let out = ashlar(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert_eq!(
        headers(&stderr),
        ["error[ASH001]: expected `}`, found the end of the file", "error[ASH106]: nothing named `other` in this plan"],
        "{stderr}"
    );
}

/// A copy of `examples/secured-spokes` whose case `public` expects two
/// findings where there is one: one case passes, one fails.
fn policy_cases_one_failing() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let example = workspace().join("examples/secured-spokes");
    for entry in std::fs::read_dir(&example).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::create_dir(dir.path().join(".cases")).unwrap();
    for entry in std::fs::read_dir(example.join(".cases")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(".cases").join(path.file_name().unwrap())).unwrap();
    }
    let policies = dir.path().join("policies.ashlar");
    let text = std::fs::read_to_string(&policies).unwrap();
    assert!(text.contains("expect = fail  findings = 1"), "{text}");
    std::fs::write(&policies, text.replace("expect = fail  findings = 1", "expect = fail  findings = 2")).unwrap();
    dir
}

#[test]
fn test_reports_its_cases_as_json_and_as_junit_xml_for_ci() {
    let dir = policy_cases_one_failing();
    let plan = dir.path().to_str().unwrap();

    let json = ashlar(&["test", plan, "--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("stdout is JSON");
    assert_eq!((value["passed"].as_u64(), value["failed"].as_u64()), (Some(1), Some(1)));
    assert_eq!(value["cases"][0]["name"], "private_address_space::private");
    assert_eq!(value["cases"][0]["passed"], true);
    assert_eq!(value["cases"][1]["passed"], false);
    assert!(value["cases"][1]["reason"].as_str().is_some_and(|r| !r.is_empty()), "{value}");

    let junit = ashlar(&["test", plan, "--format", "junit"]);
    assert_eq!(junit.status.code(), Some(1));
    let xml = text(&junit.stdout);
    let document = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = document.root_element();
    assert_eq!((root.tag_name().name(), root.attribute("tests"), root.attribute("failures")), ("testsuites", Some("2"), Some("1")));
    let suite = root.children().find(|n| n.is_element()).unwrap();
    assert_eq!((suite.tag_name().name(), suite.attribute("name")), ("testsuite", Some(plan)));
    let cases: Vec<_> = suite.children().filter(|n| n.has_tag_name("testcase")).collect();
    let names: Vec<_> = cases.iter().map(|c| (c.attribute("classname").unwrap(), c.attribute("name").unwrap())).collect();
    assert_eq!(names, [("private_address_space", "private"), ("private_address_space", "public")]);
    assert!(cases[0].children().all(|n| !n.has_tag_name("failure")));
    let failure = cases[1].children().find(|n| n.has_tag_name("failure")).expect("the failing case has a failure");
    assert_eq!(failure.attribute("message"), value["cases"][1]["reason"].as_str());

    // The human format is unchanged, and a passing run exits 0.
    let human = ashlar(&["test", plan]);
    assert!(text(&human.stdout).ends_with("cases: 1 passed, 1 failed\n"), "{}", text(&human.stdout));
    let passing = ashlar(&["test", workspace().join("examples/secured-spokes").to_str().unwrap(), "--format", "junit"]);
    assert_eq!(passing.status.code(), Some(0));
}

#[test]
fn fmt_check_at_the_repository_root_skips_fixture_folders_and_passes() {
    let out = ashlar(&["fmt", "--check", "."]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(text(&out.stdout), "");
    // Named directly, a fixtures folder is formatted as any other: these are unformatted on purpose.
    let fixtures = ashlar(&["fmt", "--check", "tests/fixtures/clean"]);
    assert_eq!(fixtures.status.code(), Some(1));
    assert!(text(&fixtures.stdout).lines().all(|l| l.starts_with("tests/fixtures/clean/")), "{}", text(&fixtures.stdout));
}

#[test]
fn fmt_leaves_out_what_the_plans_ashlar_toml_excludes() {
    let dir = tempfile::tempdir().unwrap();
    let formatted = "settings {\n  location = uksouth\n}\n";
    let messy = "hub   core {\nresource_group=\"rg\"\n    address_space = [10.0.0.0/16]\n}\n";
    std::fs::write(dir.path().join("main.ashlar"), formatted).unwrap();
    std::fs::create_dir_all(dir.path().join("legacy")).unwrap();
    std::fs::write(dir.path().join("legacy/hub.ashlar"), messy).unwrap();
    std::fs::write(dir.path().join("odd.ashlar"), messy.replace("core", "edge").replace("16", "8")).unwrap();
    let toml = dir.path().join("ashlar.toml");
    let run = || ashlar_in(dir.path(), &["fmt", "--check", "."], &[("NO_COLOR", "1")]);

    std::fs::write(&toml, "[severity]\n").unwrap();
    let all = run();
    assert_eq!(all.status.code(), Some(1));
    assert_eq!(text(&all.stdout), "./legacy/hub.ashlar\n./odd.ashlar\n");

    std::fs::write(&toml, "[fmt]\nexclude = [\"legacy\", \"odd.ashlar\"]\n").unwrap();
    let excluded = run();
    assert_eq!(excluded.status.code(), Some(0), "{}{}", text(&excluded.stdout), text(&excluded.stderr));
    assert_eq!(text(&excluded.stdout), "");
    // The section is the project file's own: `check` takes it without a word.
    let checked = ashlar_in(dir.path(), &["check", "."], &[("NO_COLOR", "1")]);
    assert!(!text(&checked.stderr).contains("ASH014"), "{}", text(&checked.stderr));

    // A section of the wrong shape is ASH014.
    std::fs::write(&toml, "[fmt]\nexclude = \"legacy\"\n").unwrap();
    let wrong = ashlar_in(dir.path(), &["check", "."], &[("NO_COLOR", "1")]);
    assert!(text(&wrong.stderr).contains("error[ASH014]: `[fmt]` `exclude` is a list of paths, in `[` and `]`"), "{}", text(&wrong.stderr));
}
