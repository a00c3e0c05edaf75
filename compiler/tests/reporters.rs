//! CI reports: SARIF 2.1.0 (validated against the published schema), GitHub
//! annotations, JUnit XML, and `--deny-warnings`.

use std::path::Path;
use std::process::{Command, Output};

fn ashlar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ashlar")).args(args).output().expect("ashlar runs")
}

/// A plan with an error (overlapping subnets) and a warning (unpeered hubs that overlap),
/// and a second file with no problem.
fn plan() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("net work.ashlar"),
        "settings { location = uksouth }\n\
         hub west {\n  resource_group = \"rg-west\"\n  address_space = [10.0.0.0/16]\n  subnet a 10.0.0.0/24\n  subnet b 10.0.0.128/25\n}\n\
         hub north {\n  resource_group = \"rg-north\"\n  address_space = [10.0.128.0/17]\n}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("clean.ashlar"), "// nothing wrong here\n").unwrap();
    dir
}

fn shared() -> std::path::PathBuf {
    std::env::var_os("ASHLAR_SHARED").map(Into::into).unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"))
}

#[test]
fn sarif_names_rules_and_places_and_follows_the_schema() {
    let dir = plan();
    let out = ashlar(&["check", dir.path().to_str().unwrap(), "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    let overlap = results.iter().find(|r| r["ruleId"] == "ASH202").expect("the overlap");
    assert_eq!(overlap["level"], "error");
    let region = &overlap["locations"][0]["physicalLocation"]["region"];
    assert_eq!((region["startLine"].as_u64(), region["startColumn"].as_u64()), (Some(6), Some(12)));
    assert_eq!(overlap["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "net%20work.ashlar");
    let rule = &run["tool"]["driver"]["rules"][overlap["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(rule["id"], "ASH202");
    assert_eq!(rule["name"], "subnet-overlap");
    assert!(rule["help"]["markdown"].as_str().unwrap().contains("## Fix"));
    assert!(results.iter().any(|r| r["ruleId"] == "ASH208" && r["level"] == "warning"));
    // The fixes editors offer reach SARIF as replacements of the region.
    let fix = &overlap["fixes"][0];
    assert!(fix["description"]["text"].as_str().unwrap().starts_with("Allocate a free prefix: "), "{fix}");
    let change = &fix["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "net%20work.ashlar");
    let replacement = &change["replacements"][0];
    assert_eq!((replacement["deletedRegion"]["startLine"].as_u64(), replacement["deletedRegion"]["startColumn"].as_u64()), (Some(6), Some(12)));
    assert_eq!(overlap["fixes"][1]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"], "auto /25");

    let schema = shared().join("sarif/sarif-schema-2.1.0.json");
    let python_ok = Command::new("python3").args(["-c", "import jsonschema"]).output().map(|o| o.status.success()).unwrap_or(false);
    if !schema.exists() || !python_ok {
        println!("note: SARIF schema validation skipped (no {} or no jsonschema)", schema.display());
        return;
    }
    let sarif = dir.path().join("out.sarif");
    std::fs::write(&sarif, &out.stdout).unwrap();
    let check = Command::new("python3")
        .args([
            "-c",
            "import json,sys,jsonschema; s=json.load(open(sys.argv[1])); d=json.load(open(sys.argv[2])); jsonschema.Draft4Validator(s).validate(d); print('valid')",
            schema.to_str().unwrap(),
            sarif.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(check.status.success(), "SARIF fails its schema:\n{}", String::from_utf8_lossy(&check.stderr));
}

#[test]
fn github_annotations_escape_their_fields() {
    let dir = plan();
    let out = ashlar(&["check", dir.path().to_str().unwrap(), "--format", "github"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let error = text.lines().find(|l| l.starts_with("::error ")).expect("an error annotation");
    assert!(error.starts_with("::error file=net work.ashlar,line=6,col=12,endLine=6,endColumn=25,title=ASH202 subnet-overlap::"), "{error}");
    assert!(error.contains("%0A"), "help on its own line, escaped: {error}");
    assert!(text.lines().any(|l| l.starts_with("::warning ") && l.contains("ASH208")), "{text}");
}

#[test]
fn junit_has_a_case_per_file_and_a_failure_per_problem() {
    let dir = plan();
    let out = ashlar(&["check", dir.path().to_str().unwrap(), "--format", "junit"]);
    let xml = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(xml.contains("<testcase classname=\"ashlar\" name=\"clean.ashlar\"/>"), "{xml}");
    assert_eq!(xml.matches("<failure type=\"ASH202\"").count(), 1, "{xml}");
    assert!(xml.contains("tests=\"2\" failures=\"1\""), "{xml}");
    let parsed = Command::new("python3")
        .args(["-c", "import sys,xml.etree.ElementTree as E; E.fromstring(sys.stdin.read()); print('ok')"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn();
    if let Ok(mut child) = parsed {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(xml.as_bytes()).unwrap();
        let result = child.wait_with_output().unwrap();
        assert!(result.status.success(), "JUnit is not well-formed XML: {}", String::from_utf8_lossy(&result.stderr));
    }
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
