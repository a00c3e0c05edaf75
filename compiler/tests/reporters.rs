//! CI reports: SARIF 2.1.0 (validated against the published schema, vendored
//! in `tests/schemas/sarif/`), GitHub annotations, JUnit XML, JSON and the
//! short format, each naming files from the working folder or `--base`, and
//! `--deny-warnings`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn ashlar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ashlar")).args(args).output().expect("ashlar runs")
}

/// `ashlar` run from `folder`, as CI runs it from a repository's root.
fn ashlar_in(folder: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ashlar")).args(args).current_dir(folder).env("NO_COLOR", "1").output().expect("ashlar runs")
}

/// A repository holding a plan two folders deep, `plans/app`: a file with an
/// error (overlapping subnets) and a warning (unpeered hubs that overlap), and
/// a file with no problem.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("plans/app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(
        app.join("net work.ashlar"),
        "settings { location = uksouth }\n\
         hub west {\n  resource_group = \"rg-west\"\n  address_space = [10.0.0.0/16]\n  subnet a 10.0.0.0/24\n  subnet b 10.0.0.128/25\n}\n\
         hub north {\n  resource_group = \"rg-north\"\n  address_space = [10.0.128.0/17]\n}\n",
    )
    .unwrap();
    std::fs::write(app.join("clean.ashlar"), "// nothing wrong here\n").unwrap();
    dir
}

/// The path of the plan file with problems, as it is named from the repository's root.
const FILE: &str = "plans/app/net work.ashlar";

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap()
}

/// The vendored SARIF 2.1.0 schema, compiled once per test.
fn sarif_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/schemas/sarif/sarif-schema-2.1.0.json");
    let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("the vendored SARIF schema")).unwrap();
    jsonschema::draft4::new(&schema).expect("the SARIF schema compiles")
}

/// Every way `log` breaks the SARIF schema, one a line; empty when it follows it.
fn schema_errors(validator: &jsonschema::Validator, log: &serde_json::Value) -> String {
    validator.iter_errors(log).map(|e| format!("{} at {}\n", e, e.instance_path())).collect()
}

fn sarif_of(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("SARIF is JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn sarif_names_rules_and_places_and_follows_the_schema() {
    let repo = repository();
    let out = ashlar_in(repo.path(), &["check", "plans/app", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let log = sarif_of(&out);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    let overlap = results.iter().find(|r| r["ruleId"] == "ASH202").expect("the overlap");
    assert_eq!(overlap["level"], "error");
    let region = &overlap["locations"][0]["physicalLocation"]["region"];
    assert_eq!((region["startLine"].as_u64(), region["startColumn"].as_u64()), (Some(6), Some(12)));
    let rule = &run["tool"]["driver"]["rules"][overlap["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(rule["id"], "ASH202");
    assert_eq!(rule["name"], "subnet-overlap");
    assert!(rule["help"]["markdown"].as_str().unwrap().contains("## Fix"));
    assert!(results.iter().any(|r| r["ruleId"] == "ASH208" && r["level"] == "warning"));
    // The fixes editors offer reach SARIF as replacements of the region.
    let fix = &overlap["fixes"][0];
    assert!(fix["description"]["text"].as_str().unwrap().starts_with("Allocate a free prefix: "), "{fix}");
    let change = &fix["artifactChanges"][0];
    let replacement = &change["replacements"][0];
    assert_eq!((replacement["deletedRegion"]["startLine"].as_u64(), replacement["deletedRegion"]["startColumn"].as_u64()), (Some(6), Some(12)));
    assert_eq!(overlap["fixes"][1]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"], "auto /25");

    let errors = schema_errors(&sarif_validator(), &log);
    assert!(errors.is_empty(), "SARIF fails its schema:\n{errors}");
}

#[test]
fn sarif_locates_files_from_the_working_folder_as_code_scanning_expects() {
    let repo = repository();
    let validator = sarif_validator();
    let out = ashlar_in(repo.path(), &["check", "plans/app", "--format", "sarif"]);
    let log = sarif_of(&out);
    let run = &log["runs"][0];
    // %SRCROOT% is the working folder, as a file URI ending in a slash.
    let root = format!("file://{}/", canonical(repo.path()).display());
    assert_eq!(run["originalUriBaseIds"]["%SRCROOT%"]["uri"], root.as_str(), "{run}");
    let overlap = run["results"].as_array().unwrap().iter().find(|r| r["ruleId"] == "ASH202").unwrap();
    let artifact = serde_json::json!({ "uri": "plans/app/net%20work.ashlar", "uriBaseId": "%SRCROOT%" });
    assert_eq!(overlap["locations"][0]["physicalLocation"]["artifactLocation"], artifact);
    assert_eq!(overlap["fixes"][0]["artifactChanges"][0]["artifactLocation"], artifact);
    let related = run["results"].as_array().unwrap().iter().flat_map(|r| r["relatedLocations"].as_array().cloned().unwrap_or_default());
    for location in related {
        assert_eq!(location["physicalLocation"]["artifactLocation"]["uriBaseId"], "%SRCROOT%", "{location}");
    }

    // --base: relative to another folder, which %SRCROOT% then names.
    let based = sarif_of(&ashlar_in(repo.path(), &["check", "plans/app", "--format", "sarif", "--base", "plans"]));
    let run = &based["runs"][0];
    assert_eq!(run["originalUriBaseIds"]["%SRCROOT%"]["uri"], format!("{root}plans/").as_str());
    let overlap = run["results"].as_array().unwrap().iter().find(|r| r["ruleId"] == "ASH202").unwrap();
    assert_eq!(overlap["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "app/net%20work.ashlar");
    assert!(schema_errors(&validator, &based).is_empty(), "{}", schema_errors(&validator, &based));

    // A file outside the base: an absolute file URI, with no base id.
    let elsewhere = tempfile::tempdir().unwrap();
    let outside = sarif_of(&ashlar_in(elsewhere.path(), &["check", repo.path().join("plans/app").to_str().unwrap(), "--format", "sarif"]));
    let overlap = outside["runs"][0]["results"].as_array().unwrap().iter().find(|r| r["ruleId"] == "ASH202").unwrap();
    let artifact = &overlap["locations"][0]["physicalLocation"]["artifactLocation"];
    let absolute = format!("file://{}/plans/app/net%20work.ashlar", canonical(repo.path()).display());
    assert_eq!(artifact, &serde_json::json!({ "uri": absolute }), "{artifact}");
    assert!(schema_errors(&validator, &outside).is_empty(), "{}", schema_errors(&validator, &outside));
}

#[test]
fn the_sarif_schema_check_rejects_a_broken_log() {
    let repo = repository();
    let mut log = sarif_of(&ashlar_in(repo.path(), &["check", "plans/app", "--format", "sarif"]));
    log["runs"][0]["results"][0]["level"] = "fatal".into();
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
    let errors = schema_errors(&sarif_validator(), &log);
    assert!(errors.contains("fatal") && errors.contains("startLine"), "{errors}");
}

#[test]
fn github_annotations_name_files_from_the_working_folder_and_escape_their_fields() {
    let repo = repository();
    let out = ashlar_in(repo.path(), &["check", "plans/app", "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let error = text.lines().find(|l| l.starts_with("::error ")).expect("an error annotation");
    assert!(error.starts_with(&format!("::error file={FILE},line=6,col=12,endLine=6,endColumn=25,title=ASH202 subnet-overlap::")), "{error}");
    assert!(error.contains("%0A"), "help on its own line, escaped: {error}");
    assert!(text.lines().any(|l| l.starts_with(&format!("::warning file={FILE},")) && l.contains("ASH208")), "{text}");

    // The plan named by its absolute path, or as `./plans/app/`, is still named from the working folder.
    let absolute = repo.path().join("plans/app");
    for plan in [absolute.to_str().unwrap(), "./plans/app/", "plans/../plans/app"] {
        let out = ashlar_in(repo.path(), &["check", plan, "--format", "github"]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.starts_with(&format!("::error file={FILE},")), "{plan}: {text}");
    }
    // From inside the plan, the file's own name.
    let inside = ashlar_in(&repo.path().join("plans/app"), &["check", ".", "--format", "github"]);
    assert!(String::from_utf8_lossy(&inside.stdout).starts_with("::error file=net work.ashlar,"), "{}", String::from_utf8_lossy(&inside.stdout));
    // --base, relative to the working folder or absolute.
    for base in ["plans".to_string(), canonical(&repo.path().join("plans")).display().to_string()] {
        let out = ashlar_in(repo.path(), &["check", "plans/app", "--format", "github", "--base", &base]);
        assert!(
            String::from_utf8_lossy(&out.stdout).starts_with("::error file=app/net work.ashlar,"),
            "{base}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    // A file outside the base keeps its absolute path.
    let other = tempfile::tempdir().unwrap();
    let out = ashlar_in(repo.path(), &["check", "plans/app", "--format", "github", "--base", other.path().to_str().unwrap()]);
    let absolute = canonical(&repo.path().join("plans/app/net work.ashlar"));
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with(&format!("::error file={},", absolute.display())),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn json_short_and_junit_name_files_from_the_working_folder_or_the_base() {
    let repo = repository();
    let json = ashlar_in(repo.path(), &["check", "plans/app", "--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let findings: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let overlap = findings.as_array().unwrap().iter().find(|d| d["code"] == "ASH202").unwrap();
    assert_eq!(overlap["file"], FILE);
    assert_eq!(overlap["fixes"][0]["edits"][0]["file"], FILE);
    assert!(findings.as_array().unwrap().iter().all(|d| d["file"] == FILE), "{findings}");

    let short = ashlar_in(repo.path(), &["check", "plans/app", "--format", "short"]);
    assert_eq!(short.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&short.stderr);
    assert!(stderr.lines().any(|l| l.starts_with(&format!("{FILE}:6:12: error[ASH202]: "))), "{stderr}");

    let junit = ashlar_in(repo.path(), &["check", "plans/app", "--format", "junit"]);
    let xml = String::from_utf8_lossy(&junit.stdout);
    assert!(xml.contains("<testcase classname=\"ashlar\" name=\"plans/app/clean.ashlar\"/>"), "{xml}");
    assert!(xml.contains(&format!("<testcase classname=\"ashlar\" name=\"{FILE}\">")), "{xml}");
    assert!(xml.contains(&format!("{FILE}:6:12: error[ASH202]")), "{xml}");

    // --base, for each of them.
    let based = ashlar_in(repo.path(), &["check", "plans/app", "--format", "json", "--base", "plans/app"]);
    let findings: serde_json::Value = serde_json::from_slice(&based.stdout).expect("JSON");
    assert!(findings.as_array().unwrap().iter().all(|d| d["file"] == "net work.ashlar"), "{findings}");
    let short = ashlar_in(repo.path(), &["check", "plans/app", "--format", "short", "--base", "plans"]);
    assert!(String::from_utf8_lossy(&short.stderr).contains("app/net work.ashlar:6:12: error[ASH202]"), "{}", String::from_utf8_lossy(&short.stderr));
    let junit = ashlar_in(repo.path(), &["check", "plans/app", "--format", "junit", "--base", "plans"]);
    assert!(String::from_utf8_lossy(&junit.stdout).contains("name=\"app/clean.ashlar\""), "{}", String::from_utf8_lossy(&junit.stdout));

    // The human report is for people and still names files from the plan's folder.
    let human = ashlar_in(repo.path(), &["check", "plans/app"]);
    assert!(String::from_utf8_lossy(&human.stderr).contains("[net work.ashlar:6:12]"), "{}", String::from_utf8_lossy(&human.stderr));
}

#[test]
fn build_names_files_from_the_working_folder_too() {
    let repo = repository();
    let out = ashlar_in(repo.path(), &["build", "plans/app", "-o", "out", "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with(&format!("::error file={FILE},")), "{}", String::from_utf8_lossy(&out.stdout));
    let based = ashlar_in(repo.path(), &["build", "plans/app", "-o", "out", "--format", "json", "--base", "plans"]);
    let findings: serde_json::Value = serde_json::from_slice(&based.stdout).expect("JSON");
    assert_eq!(findings[0]["file"], "app/net work.ashlar");
}

#[test]
fn a_base_that_is_not_a_folder_is_a_usage_error() {
    let repo = repository();
    for base in ["no-such-folder", "plans/app/clean.ashlar"] {
        for command in [
            &["check", "plans/app", "--format", "sarif", "--base", base][..],
            &["build", "plans/app", "-o", "out", "--format", "json", "--base", base],
        ] {
            let out = ashlar_in(repo.path(), command);
            assert_eq!(out.status.code(), Some(2), "{command:?}");
            assert!(out.stdout.is_empty(), "{command:?}: {}", String::from_utf8_lossy(&out.stdout));
            assert!(String::from_utf8_lossy(&out.stderr).contains("--base"), "{}", String::from_utf8_lossy(&out.stderr));
        }
    }
}

#[test]
fn junit_has_a_case_per_file_and_a_failure_per_problem() {
    let repo = repository();
    let out = ashlar_in(repo.path(), &["check", "plans/app", "--format", "junit"]);
    let xml = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(xml.matches("<failure type=\"ASH202\"").count(), 1, "{xml}");
    assert!(xml.contains("tests=\"2\" failures=\"1\""), "{xml}");
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "), "{xml}");
    let document = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("JUnit is not well-formed XML ({e}):\n{xml}"));
    let cases: Vec<_> = document.descendants().filter(|n| n.has_tag_name("testcase")).collect();
    let names: Vec<_> = cases.iter().filter_map(|c| c.attribute("name")).collect();
    assert_eq!(names, ["plans/app/clean.ashlar", FILE]);
    let failure = cases[1].children().find(|n| n.has_tag_name("failure")).expect("a failure");
    assert_eq!(failure.attribute("type"), Some("ASH202"));
    assert!(failure.text().unwrap_or_default().starts_with(&format!("{FILE}:6:12: error[ASH202]: ")), "{xml}");
}

#[test]
fn deny_warnings_fails_a_plan_with_only_warnings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("plan.ashlar"),
        "settings { location = uksouth }\nhub west { resource_group = \"rg-west\"  address_space = [10.0.0.0/16] }\nhub north { resource_group = \"rg-north\"  address_space = [10.0.128.0/17] }\n",
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    assert_eq!(ashlar(&["check", path]).status.code(), Some(0));
    assert_eq!(ashlar(&["check", path, "--deny-warnings"]).status.code(), Some(1));
}
