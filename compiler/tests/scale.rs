//! A plan of 10,000 machines: its output splits into templates that ARM
//! takes (at most 4 MB and 800 resources at the top of each, at most 800 in
//! each nested template), deployed in order by `deploy.sh`. `.ci/run` builds
//! the same plan and has the validators judge the output.

#[allow(dead_code)]
#[path = "../examples/gen.rs"]
mod gen;

use ashlar::emit::parts::{MAX_TEMPLATE_BYTES, MAX_TOP_LEVEL_RESOURCES};
use serde_json::Value;
use std::collections::HashSet;

const MACHINES: usize = 10_000;

#[test]
fn ten_thousand_machines_split_into_templates_arm_takes() {
    let text = gen::plan(&gen::Sizes { spokes: 125, subnets: 8, vms: MACHINES, ..Default::default() });
    let analysis = ashlar::analyze_text(&text, std::path::Path::new("/nowhere"));
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics.iter().take(5).collect::<Vec<_>>());
    let plan = analysis.azure.expect("the plan lowers");
    let files = ashlar::emit::emit(&plan);
    let templates: Vec<(&str, Value)> = files
        .iter()
        .filter(|f| f.path.starts_with("main-") && f.path.ends_with(".json"))
        .map(|f| (f.path.as_str(), serde_json::from_str(&f.contents).expect("valid JSON")))
        .collect();
    assert!(templates.len() > 1, "a plan of {MACHINES} machines needs several templates");
    assert!(!files.iter().any(|f| f.path == "main.json"), "no main.json beside its parts, which would deploy only part of the plan");

    let mut deployed: HashSet<String> = HashSet::new();
    let mut machines = 0;
    for (n, (path, template)) in templates.iter().enumerate() {
        assert_eq!(*path, format!("main-{}.json", n + 1));
        assert!(serde_json::to_vec(template).unwrap().len() <= MAX_TEMPLATE_BYTES, "{path} weighs more than ARM takes");
        let top = template["resources"].as_array().unwrap();
        assert!(top.len() <= MAX_TOP_LEVEL_RESOURCES, "{path} has {} resources at its top", top.len());
        let mut here: HashSet<String> = HashSet::new();
        for resource in top.iter().filter(|r| r["type"] == "Microsoft.Resources/deployments") {
            let name = resource["name"].as_str().unwrap().to_string();
            let inner = resource["properties"]["template"]["resources"].as_array().unwrap();
            assert!(inner.len() <= 800, "{name} holds {} resources", inner.len());
            machines += inner.iter().filter(|r| r["type"] == "Microsoft.Compute/virtualMachines").count();
            // Waits only for deployments of its own template: earlier ones have finished.
            for dependency in resource["dependsOn"].as_array().unwrap().iter().filter_map(Value::as_str) {
                if dependency.contains("Microsoft.Resources/deployments") {
                    assert!(here.iter().any(|h| dependency.contains(&format!("'{h}'"))), "{name} in {path} waits for {dependency}");
                }
            }
            here.insert(name.clone());
            assert!(deployed.insert(name.clone()), "{name} is in two templates");
        }
    }
    assert_eq!(machines, MACHINES);
    assert_eq!(deployed.len(), plan.deployments().len());

    let script = &files.iter().find(|f| f.path == "deploy.sh").expect("deploy.sh").contents;
    let order: Vec<&str> = script.lines().filter_map(|l| l.split("--template-file ").nth(1)).map(|rest| rest.split(' ').next().unwrap()).collect();
    let expected: Vec<String> = (1..=templates.len()).map(|n| format!("main-{n}.json")).collect();
    assert_eq!(order, expected);
    // A script the shell reads.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("deploy.sh"), script).unwrap();
    let syntax = std::process::Command::new("sh").arg("-n").arg(dir.path().join("deploy.sh")).output().unwrap();
    assert!(syntax.status.success(), "{}", String::from_utf8_lossy(&syntax.stderr));
    for n in 1..=templates.len() {
        assert!(files.iter().any(|f| f.path == format!("main-{n}.bicep")), "main-{n}.bicep");
    }
}

/// The files `ashlar build` writes for `plan`, with `threads` threads.
fn build_with_threads(plan: &std::path::Path, threads: &str) -> Vec<(String, Vec<u8>)> {
    let out = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_ashlar"))
        .args(["build", plan.to_str().unwrap(), "-o"])
        .arg(out.path().join("out"))
        .env("ASHLAR_THREADS", threads)
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let mut files: Vec<(String, Vec<u8>)> = walk(&out.path().join("out"));
    files.sort();
    files
}

fn walk(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push((path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&path).unwrap()));
        }
    }
    files
}

#[test]
fn output_is_the_same_whatever_the_number_of_threads() {
    // Large enough for policies and files to be shared out over threads.
    let dir = tempfile::tempdir().unwrap();
    let text = gen::plan(&gen::Sizes { spokes: 60, subnets: 4, vms: 800, update_groups: 4, policies: 10, ..Default::default() });
    std::fs::write(dir.path().join("plan.ashlar"), text).unwrap();
    // The first build writes ashlar.lock; the others read it.
    let one = build_with_threads(dir.path(), "1");
    assert!(one.len() > 10, "{} files", one.len());
    assert_eq!(build_with_threads(dir.path(), "4"), one);
    assert_eq!(build_with_threads(dir.path(), "3"), one);
}
