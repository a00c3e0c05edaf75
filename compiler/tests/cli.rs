//! The command line as users meet it: exit codes, formats, explain, graph, build output.

#[path = "support/cli.rs"]
mod support;

use std::process::{Command, Output};
use support::{ashlar, example, plan_files, plan_with, workspace, OVERLAP};

#[test]
fn check_exits_0_on_a_clean_plan_and_1_on_errors() {
    let clean = ashlar(&["check", &example("hub-spoke")]);
    assert_eq!(clean.status.code(), Some(0), "{}", String::from_utf8_lossy(&clean.stderr));
    assert!(String::from_utf8_lossy(&clean.stderr).contains("0 errors"));

    let dir = plan_with(OVERLAP);
    let bad = ashlar(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("ASH202") && stderr.contains("plan.ashlar:6"), "{stderr}");
    assert!(!stderr.contains("\u{1b}["), "colour despite NO_COLOR: {stderr}");
}

#[test]
fn usage_and_io_errors_exit_2() {
    assert_eq!(ashlar(&["check", "/no/such/plan"]).status.code(), Some(2));
    assert_eq!(ashlar(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(ashlar(&["explain", "ASH999"]).status.code(), Some(2));
    let empty = tempfile::tempdir().unwrap();
    let out = ashlar(&["check", empty.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds no .ashlar file"));
}

#[test]
fn json_format_is_a_stable_array_with_positions() {
    let dir = plan_with(OVERLAP);
    let path = dir.path().to_str().unwrap();
    let out = ashlar(&["check", path, "--format", "json", "--base", path]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let first = &json[0];
    assert_eq!(first["code"], "ASH202");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["file"], "plan.ashlar");
    assert_eq!((first["line"].as_u64(), first["column"].as_u64()), (Some(6), Some(12)));
    assert_eq!((first["end_line"].as_u64(), first["end_column"].as_u64()), (Some(6), Some(24)));
    let keys: Vec<&str> = first.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["code", "severity", "message", "file", "line", "column", "end_line", "end_column", "help", "fixes"]);
    // The fixes an editor offers, as data: a free prefix of the same length, then `auto`.
    let fixes = first["fixes"].as_array().unwrap();
    assert!(fixes[0]["title"].as_str().unwrap().starts_with("Allocate a free prefix: "), "{fixes:?}");
    let edit = &fixes[0]["edits"][0];
    assert_eq!((edit["file"].as_str(), edit["line"].as_u64(), edit["column"].as_u64()), (Some("plan.ashlar"), Some(6), Some(12)));
    assert_eq!(fixes[1]["edits"][0]["text"], "auto /26");
}

#[test]
fn explain_prints_the_documentation_of_a_code() {
    let out = ashlar(&["explain", "ASH202"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("subnet-overlap") && text.contains("## Why it matters") && text.contains("## Fix"), "{text}");
    let by_name = ashlar(&["explain", "subnet-overlap"]);
    assert_eq!(by_name.stdout, out.stdout);
    let list = String::from_utf8_lossy(&ashlar(&["explain", "--list"]).stdout).into_owned();
    assert!(list.lines().count() >= 17 && list.contains("ASH001"), "{list}");
}

#[test]
fn graph_prints_dot_and_mermaid() {
    let dot = ashlar(&["graph", &example("hub-spoke")]);
    assert_eq!(dot.status.code(), Some(0));
    let dot = String::from_utf8_lossy(&dot.stdout);
    assert!(dot.starts_with("digraph plan {") && dot.contains("spoke `app1`") && dot.contains("virtualNetworkPeerings"), "{dot}");
    let mermaid = String::from_utf8_lossy(&ashlar(&["graph", &example("hub-spoke"), "--format", "mermaid"]).stdout).into_owned();
    assert!(mermaid.starts_with("flowchart LR") && mermaid.contains("-->"), "{mermaid}");
}

#[test]
fn build_writes_the_deployment_and_a_failed_build_keeps_it() {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("out");
    let target_str = target.to_str().unwrap();
    let built = ashlar(&["build", &example("hub-spoke"), "-o", target_str]);
    assert_eq!(built.status.code(), Some(0), "{}", String::from_utf8_lossy(&built.stderr));
    for file in ["main.json", "main.parameters.json", "main.bicep", "modules/rg-core-network.bicep"] {
        assert!(target.join(file).is_file(), "{file} missing");
    }
    let before = std::fs::read(target.join("main.json")).unwrap();

    let dir = plan_with(OVERLAP);
    let failed = ashlar(&["build", dir.path().to_str().unwrap(), "-o", target_str]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("nothing was written"));
    assert_eq!(std::fs::read(target.join("main.json")).unwrap(), before);
    assert!(target.join("modules/rg-core-network.bicep").is_file());

    let again = ashlar(&["build", &example("hub-spoke"), "-o", target_str]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(std::fs::read(target.join("main.json")).unwrap(), before, "the same plan gives the same bytes");
}

#[test]
fn a_plan_reads_no_file_outside_its_folder() {
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(outer.path().join("secret.txt"), "s3cret").unwrap();
    let plan = outer.path().join("plan");
    std::fs::create_dir(&plan).unwrap();
    std::fs::write(plan.join("plan.ashlar"), "settings { location = uksouth  tags { note = file(\"../secret.txt\") } }\n").unwrap();
    let out = ashlar(&["check", plan.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ASH012") && stderr.contains("outside the plan's folder"), "{stderr}");
    assert!(!stderr.contains("s3cret"));

    std::fs::write(plan.join("note.txt"), "inside").unwrap();
    std::fs::write(plan.join("plan.ashlar"), "settings { location = uksouth  tags { note = file(\"note.txt\") } }\n").unwrap();
    assert_eq!(ashlar(&["check", plan.to_str().unwrap()]).status.code(), Some(0));
}

#[test]
fn plan_prints_the_address_plan_with_free_ranges() {
    let out = ashlar(&["plan", &example("hub-spoke")]);
    assert_eq!(out.status.code(), Some(0));
    let table = String::from_utf8_lossy(&out.stdout);
    let row =
        |start: &str| table.lines().find(|l| l.trim_start().starts_with(start)).unwrap_or_else(|| panic!("no {start} row in\n{table}")).to_string();
    assert!(row("snet-app").contains("10.1.0.64/26 (auto)") && row("snet-app").contains("59"), "{table}");
    assert!(row("GatewaySubnet").contains("VPN or ExpressRoute gateway"), "{table}");
    assert!(table.contains("10.1.0.160/27, 10.1.0.192/26"), "the free ranges of app1: {table}");

    let json = ashlar(&["plan", &example("hub-spoke"), "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let app1 = &value["networks"][1];
    assert_eq!(app1["azure_name"], "vnet-app1");
    assert_eq!(app1["subnets"][2]["prefix"], "10.1.0.128/27");
    assert_eq!(app1["subnets"][2]["auto"], true);
    assert_eq!(app1["free"], serde_json::json!(["10.1.0.160/27", "10.1.0.192/26"]));
}

/// `ashlar` with `SOURCE_DATE_EPOCH` set: the build date every date check and
/// the patch calendar count from.
fn ashlar_on(date_epoch: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ashlar")).args(args).env("NO_COLOR", "1").env("SOURCE_DATE_EPOCH", date_epoch).output().expect("ashlar runs")
}

/// 2026-12-07 00:00 UTC, a Monday.
const DECEMBER_7: &str = "1796601600";

#[test]
fn plan_prints_the_patch_calendar_from_the_build_date() {
    let out = ashlar_on(DECEMBER_7, &["plan", &example("update-management")]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("UPDATE WINDOWS, next 3 from 2026-12-07 00:00 UTC (the build date from SOURCE_DATE_EPOCH)\n"), "{text}");
    assert!(text.contains("    next: Thu 2026-12-10 22:00, Thu 2027-01-14 22:00, Thu 2027-02-11 22:00\n"), "{text}");
    assert!(text.contains("    next: Sun 2026-12-13 02:00, Sun 2026-12-20 02:00, Sun 2026-12-27 02:00\n"), "{text}");
    assert!(text.contains("    next: Mon 2026-12-07 01:00, Wed 2026-12-09 01:00, Fri 2026-12-11 01:00\n"), "{text}");
    assert!(text.contains("    machines: compute `iis`: vm-iis-1, vm-iis-2\n"), "{text}");

    let json = ashlar_on(DECEMBER_7, &["plan", &example("update-management"), "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let thursday = &value["updates"]["groups"][0];
    assert_eq!(value["updates"]["from"], "2026-12-07");
    assert_eq!(value["updates"]["from_time"], "00:00");
    assert_eq!(thursday["azure_name"], "mc-patch_thursday");
    assert_eq!(thursday["time_zone"], "W. Europe Standard Time");
    assert_eq!(thursday["next"][0], "2026-12-10 22:00");
    // A plan without update groups has no `updates` key.
    let none = ashlar_on(DECEMBER_7, &["plan", &example("hub-spoke"), "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&none.stdout).expect("JSON");
    assert!(value.get("updates").is_none());
}

#[test]
fn plan_leaves_out_a_window_that_already_opened_today() {
    // 2026-12-07 12:00 UTC: Monday's 01:00 UTC window is past; the next are Wednesday's, Friday's and Monday's.
    let noon = (DECEMBER_7.parse::<i64>().unwrap() + 12 * 3600).to_string();
    let out = ashlar_on(&noon, &["plan", &example("update-management")]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("UPDATE WINDOWS, next 3 from 2026-12-07 12:00 UTC (the build date from SOURCE_DATE_EPOCH)\n"), "{text}");
    assert!(text.contains("    next: Wed 2026-12-09 01:00, Fri 2026-12-11 01:00, Mon 2026-12-14 01:00\n"), "{text}");
    // At 00:30 UTC, 01:00 is still ahead.
    let early = (DECEMBER_7.parse::<i64>().unwrap() + 30 * 60).to_string();
    let text = String::from_utf8_lossy(&ashlar_on(&early, &["plan", &example("update-management")]).stdout).into_owned();
    assert!(text.contains("    next: Mon 2026-12-07 01:00, Wed 2026-12-09 01:00, Fri 2026-12-11 01:00\n"), "{text}");
    // The time is the window's own zone's: 2026-12-10 21:30 UTC is 22:30 in W. Europe (UTC+01:00),
    // after Thursday's 22:00 opening there.
    let thursday = (DECEMBER_7.parse::<i64>().unwrap() + 3 * 86_400 + 21 * 3600 + 30 * 60).to_string();
    let text = String::from_utf8_lossy(&ashlar_on(&thursday, &["plan", &example("update-management")]).stdout).into_owned();
    assert!(text.contains("    next: Thu 2027-01-14 22:00, Thu 2027-02-11 22:00, Thu 2027-03-11 22:00\n"), "{text}");
}

#[test]
fn an_expiry_is_checked_against_the_build_date() {
    let dir = plan_with(
        "settings { location = uksouth }\nupdate_group g {\n  resource_group = \"rg\"\n  daily at 01:00 for 2h\n  expires = \"2026-12-06\"\n}\n",
    );
    let plan = dir.path().to_str().unwrap();
    let out = ashlar_on(DECEMBER_7, &["check", plan]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ASH603") && stderr.contains("before today, 2026-12-07 (the build date") && stderr.contains("SOURCE_DATE_EPOCH"),
        "{stderr}"
    );
    // On its expiry day (2026-12-06), the same plan is clean.
    assert_eq!(ashlar_on("1796515200", &["check", plan]).status.code(), Some(0));
}

#[test]
fn test_runs_policy_cases_like_a_test_runner() {
    let out = ashlar(&["test", &example("secured-spokes")]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("case private_address_space::public ... ok") && text.contains("cases: 2 passed, 0 failed"), "{text}");

    // A case that expects the wrong thing fails, and says why.
    let dir = plan_files(&[("ok.ashlar", "settings { location = uksouth }\nhub core { resource_group = \"rg\"  address_space = [10.0.0.0/16] }\n"), ("plan.ashlar", "policy small_spaces {\n  for net in networks { deny when count(net.address_space) > 0 message \"{net.name} has space\" }\n  case wrong { plan = file(\"ok.ashlar\")  expect = pass }\n}\n")]);
    let out = ashlar(&["test", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("case small_spaces::wrong ... FAILED: expected no finding of `small_spaces`, got 1"), "{text}");
    assert!(text.contains("cases: 0 passed, 1 failed"), "{text}");
}

/// tests/fixtures/azure-policy-cases, copied where its main.ashlar can be changed.
fn azure_policy_cases(main: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixture = workspace().join("tests/fixtures/azure-policy-cases");
    for rel in
        ["ashlar.toml", "main.ashlar", "policy/assignments.json", ".cases/tagged-uk.ashlar", ".cases/tagged-europe.ashlar", ".cases/untagged.ashlar"]
    {
        let target = dir.path().join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(fixture.join(rel), &target).unwrap();
    }
    if let Some(main) = main {
        std::fs::write(dir.path().join("main.ashlar"), main).unwrap();
    }
    dir
}

#[test]
fn test_runs_the_cases_of_azure_policy_assignments() {
    let out = ashlar(&["test", workspace().join("tests/fixtures/azure-policy-cases").to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    for line in ["case allowed-locations::in_europe ... ok", "case owner-tag::untagged ... ok", "cases: 4 passed, 0 failed"] {
        assert!(text.contains(line), "{line}: {text}");
    }

    // Wrong expectations fail, and say why; so does an assignment ashlar.toml does not make, and an
    // assignment that is not evaluated (its definition reads an alias the catalogue lacks): such a case
    // would test nothing. The preset's `private-subnets` is evaluated, and passes: no subnet keeps default outbound access.
    let main = r#"
azure_policy allowed-locations {
  case in_europe { plan = file(".cases/tagged-europe.ashlar")  expect = pass }
  case in_uk { plan = file(".cases/tagged-uk.ashlar")  expect = fail }
}
azure_policy owner-tag {
  assignment = "std.azure_policy"
  member     = "require-tag"
  case untagged { plan = file(".cases/untagged.ashlar")  expect = fail  findings = 3 }
}
azure_policy private {
  assignment = "std.azure_policy"
  member     = "private-subnets"
  case any { plan = file(".cases/tagged-uk.ashlar")  expect = pass }
}
azure_policy made-up {
  case any { plan = file(".cases/tagged-uk.ashlar")  expect = pass }
}
azure_policy no-such-assignment {
  case any { plan = file(".cases/tagged-uk.ashlar")  expect = pass }
}
"#;
    let dir = azure_policy_cases(Some(main));
    let id = "/subscriptions/11111111-2222-3333-4444-555555555555/providers/Microsoft.Authorization/policyDefinitions/made-up";
    let made_up = serde_json::json!([
        { "id": id, "name": "made-up", "properties": { "displayName": "Made up", "mode": "All", "policyRule": {
            "if": { "field": "Microsoft.Network/virtualNetworks/subnets[*].noSuchSetting", "equals": "x" },
            "then": { "effect": "deny" } } } },
        { "name": "made-up", "policyDefinitionId": id, "scope": "/providers/Microsoft.Management/managementGroups/contoso" }
    ]);
    std::fs::write(dir.path().join("policy/made-up.json"), made_up.to_string()).unwrap();
    let out = ashlar(&["test", dir.path().to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    for line in [
        "case allowed-locations::in_europe ... FAILED: expected no finding of `allowed-locations`, got 1",
        "case allowed-locations::in_uk ... FAILED: expected `allowed-locations` to find something, it found nothing",
        "case owner-tag::untagged ... FAILED: expected 3 findings of `require-tag` of `std.azure_policy`, got 1",
        "case private::any ... ok",
        "case made-up::any ... FAILED: it tests nothing: `Made up` (assignment `made-up`) is not evaluated",
        "case no-such-assignment::any ... FAILED: `ashlar.toml` assigns no `no-such-assignment`: its assignments are `allowed-locations`, `made-up`, `std.azure_policy`",
        "cases: 1 passed, 5 failed",
    ] {
        assert!(text.contains(line), "{line}: {text}");
    }
}

/// tests/fixtures/lsp/plans: four plans with the same names (alpha, marked,
/// with a spoke in a folder below it; alpha/nested, marked; beta and
/// beta/drafts, without a mark), copied where one can be broken.
fn folder_of_plans() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = workspace().join("tests/fixtures/lsp/plans");
    let mut pending = vec![fixtures.clone()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let target = dir.path().join(path.strip_prefix(&fixtures).unwrap());
            if path.is_dir() {
                std::fs::create_dir_all(&target).unwrap();
                pending.push(path);
            } else {
                std::fs::copy(&path, &target).unwrap();
            }
        }
    }
    dir
}

#[test]
fn check_of_a_folder_of_plans_checks_each_plan_by_itself() {
    let dir = folder_of_plans();
    let top = dir.path().to_str().unwrap();
    let clean = ashlar(&["check", top]);
    let stderr = String::from_utf8_lossy(&clean.stderr).into_owned();
    assert_eq!(clean.status.code(), Some(0), "{stderr}");
    for line in
        ["checked alpha (2 files)", "checked alpha/nested (1 file)", "checked beta (1 file)", "checked beta/drafts (1 file)", "checked 4 plans in "]
    {
        assert!(stderr.contains(line), "{line}: {stderr}");
    }
    // One plan broken: its errors, named relative to the folder; exit 1.
    let beta = dir.path().join("beta/plan.ashlar");
    std::fs::write(&beta, std::fs::read_to_string(&beta).unwrap().replace("= core", "= cor")).unwrap();
    let broken = ashlar(&["check", top, "--format", "short"]);
    let stderr = String::from_utf8_lossy(&broken.stderr).into_owned();
    assert_eq!(broken.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("beta/plan.ashlar:13:20: error[ASH106]"), "{stderr}");
    assert!(stderr.contains("checked 4 plans in ") && stderr.contains(", 1 with errors"), "{stderr}");
    assert_eq!(stderr.matches("error[").count(), 1, "only beta's error: {stderr}");
    // Machine formats: one report of all the plans, files named from the base folder.
    let json = ashlar(&["check", top, "--format", "json", "--base", top]);
    assert_eq!(json.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let files: Vec<&str> = report.as_array().unwrap().iter().map(|d| d["file"].as_str().unwrap()).collect();
    assert_eq!(files, ["beta/plan.ashlar"]);
    let sarif = ashlar(&["check", top, "--format", "sarif", "--base", top]);
    let log: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert_eq!(log["runs"].as_array().unwrap().len(), 1);
    assert_eq!(log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "beta/plan.ashlar");
    let junit = String::from_utf8(ashlar(&["check", top, "--format", "junit", "--base", top]).stdout).unwrap();
    assert!(junit.contains("<testsuites name=\"ashlar\" tests=\"7\" failures=\"1\">"), "{junit}");
    assert_eq!(junit.matches("<testsuite ").count(), 4, "{junit}");
    // One plan of them, named: that plan alone.
    let alpha = ashlar(&["check", dir.path().join("alpha").to_str().unwrap()]);
    assert_eq!(alpha.status.code(), Some(0), "{}", String::from_utf8_lossy(&alpha.stderr));
    // A build needs one plan: the folder's own, else it names the plans below.
    let out = tempfile::tempdir().unwrap();
    let built = ashlar(&["build", top, "-o", out.path().join("out").to_str().unwrap(), "--format", "short"]);
    let stderr = String::from_utf8_lossy(&built.stderr).into_owned();
    assert_eq!(built.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("4 plans below it: alpha, alpha/nested, beta, beta/drafts; name one of them"), "{stderr}");
    // `fmt --check` looks at every plan's files.
    let spoke = dir.path().join("alpha/spokes/app.ashlar");
    std::fs::write(&spoke, std::fs::read_to_string(&spoke).unwrap().replace("  hub            = core", "hub=core")).unwrap();
    let fmt = ashlar(&["fmt", "--check", top]);
    assert_eq!(fmt.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&fmt.stdout).contains("alpha/spokes/app.ashlar"));
}

#[test]
fn check_of_a_template_takes_its_parameters_file() {
    let template = workspace().join("tests/fixtures/import/parameters.json");
    let parameters = workspace().join("tests/fixtures/import/parameters.overlap.json");
    let (template, parameters) = (template.to_str().unwrap(), parameters.to_str().unwrap());
    // The default prefix overlaps nothing; the parameters file's does.
    let clean = ashlar(&["check", template]);
    assert_eq!(clean.status.code(), Some(0), "{}", String::from_utf8_lossy(&clean.stderr));
    let out = ashlar(&["check", template, "--parameters", parameters]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error[ASH202]") && stderr.contains("parameters.json:17:"), "{stderr}");
    // A plan's values are in its files: --parameters with a plan is a usage error.
    let plan = ashlar(&["check", &example("hub-spoke"), "--parameters", parameters]);
    assert_eq!(plan.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&plan.stderr).contains("--parameters goes with a template"));
}

#[test]
fn check_of_a_template_reports_findings_in_its_linked_files() {
    let template = workspace().join("tests/fixtures/import/linked/two/main.json");
    let template = template.to_str().unwrap();
    let out = ashlar(&["check", template]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error[ASH202]") && stderr.contains("nested/spoke.json:18:"), "{stderr}");

    let base = workspace();
    let sarif = ashlar(&["check", template, "--format", "sarif", "--base", base.to_str().unwrap()]);
    let log: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("SARIF is JSON");
    let location = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "tests/fixtures/import/linked/two/nested/spoke.json");
    assert_eq!(location["region"]["startLine"], 18);

    let github = ashlar(&["check", template, "--format", "github", "--base", base.to_str().unwrap()]);
    let annotations = String::from_utf8_lossy(&github.stdout);
    assert!(annotations.contains("::error file=tests/fixtures/import/linked/two/nested/spoke.json,line=18,"), "{annotations}");

    // A cycle of links ends, with an error at the link that closes it.
    let cycle = workspace().join("tests/fixtures/import/linked/cycle/a.json");
    let out = ashlar(&["check", cycle.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error[ASH020]") && stderr.contains("a cycle of links: a.json -> b.json -> a.json") && stderr.contains("b.json:9:"),
        "{stderr}"
    );
}
