//! What ashlar emits, judged inside `cargo test` without Python: every
//! example's ARM templates against Microsoft's ARM JSON schemas vendored in
//! `tests/schemas/arm/` (`support/arm_schema.rs`), and every Bicep file with
//! the tree-sitter grammar of Bicep (`support/bicep_syntax.rs`). The same output,
//! broken on purpose, must fail, each break with its file, resource, JSON path
//! and the schema's complaint.

#[path = "support/arm_schema.rs"]
mod arm_schema;
#[path = "support/bicep_syntax.rs"]
mod bicep_syntax;

use arm_schema::{is_template, validate_template, Problem};
use ashlar::emit::{self, OutputFile};
use bicep_syntax::bicep_problems;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Every example under `examples/`, by folder name, with the files it emits.
fn examples() -> Vec<(String, Vec<OutputFile>)> {
    let mut names: Vec<String> = std::fs::read_dir(workspace().join("examples"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 10, "examples/ holds {} examples", names.len());
    names
        .into_iter()
        .map(|name| {
            let input = ashlar::load::read_plan(&workspace().join("examples").join(&name)).expect("the example reads");
            let analysis = ashlar::analyze(&input);
            assert!(!analysis.has_errors(), "example {name} has errors: {:#?}", analysis.diagnostics);
            let files = emit::emit(&analysis.azure.expect("the example lowers"));
            (name, files)
        })
        .collect()
}

fn hub_spoke_main() -> Value {
    let (_, files) = examples().into_iter().find(|(n, _)| n == "hub-spoke").expect("the hub-spoke example");
    let main = files.iter().find(|f| f.path == "main.json").expect("main.json");
    serde_json::from_str(&main.contents).unwrap()
}

fn count_resources(template: &Value) -> usize {
    template["resources"]
        .as_array()
        .map(|rs| rs.iter().map(|r| 1 + r.pointer("/properties/template").map(count_resources).unwrap_or(0)).sum())
        .unwrap_or(0)
}

#[test]
fn every_example_passes_the_arm_schemas_and_the_bicep_grammar() {
    let start = Instant::now();
    let (mut templates, mut resources, mut bicep_files) = (0, 0, 0);
    let mut problems = Vec::new();
    for (example, files) in examples() {
        for f in &files {
            let name = format!("{example}/{}", f.path);
            if f.path.ends_with(".bicep") {
                bicep_files += 1;
                problems.extend(bicep_problems(&name, &f.contents));
            } else if f.path.ends_with(".json") && is_template(&f.contents) {
                templates += 1;
                resources += count_resources(&serde_json::from_str(&f.contents).unwrap());
                problems.extend(validate_template(&name, &f.contents).iter().map(Problem::to_string));
            }
        }
    }
    assert!(problems.is_empty(), "{} problems in the examples' output:\n{}", problems.len(), problems.join("\n"));
    assert!(templates >= 10 && bicep_files >= 10, "{templates} templates, {bicep_files} Bicep files");
    println!("{templates} templates ({resources} resources) and {bicep_files} Bicep files valid in {:.1?}", start.elapsed());
}

/// `main` with the value at `pointer` replaced by `value` (or removed when it is `None`).
fn broken(main: &Value, pointer: &str, value: Option<Value>) -> String {
    let mut doc = main.clone();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = doc.pointer_mut(parent).unwrap_or_else(|| panic!("no {parent} in main.json"));
    match value {
        Some(v) => target[key] = v,
        None => assert!(target.as_object_mut().unwrap().remove(key).is_some(), "no {pointer} in main.json"),
    }
    serde_json::to_string_pretty(&doc).unwrap()
}

fn one_problem(text: &str) -> Problem {
    let problems = validate_template("hub-spoke/main.json", text);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    problems.into_iter().next().unwrap()
}

#[test]
fn broken_arm_output_is_reported_with_file_resource_path_and_error() {
    let main = hub_spoke_main();
    assert_eq!(validate_template("hub-spoke/main.json", &main.to_string()), []);

    // An unknown property on a subnet: strict closure finds it.
    let vnet = "/resources/4/properties/template/resources/0";
    assert_eq!(main.pointer(&format!("{vnet}/type")).unwrap(), "Microsoft.Network/virtualNetworks");
    let p = one_problem(&broken(&main, &format!("{vnet}/properties/subnets/0/properties/colour"), Some(json!("blue"))));
    assert_eq!(p.file, "hub-spoke/main.json");
    assert_eq!(p.path, "$.resources[4].properties.template.resources[0].properties.subnets[0].properties");
    assert_eq!(p.message, "unknown property 'colour'");
    assert_eq!(p.resource, "Microsoft.Network/virtualNetworks@2025-07-01 \"vnet-core\"");
    assert!(p.to_string().starts_with("hub-spoke/main.json: $.resources[4]"), "{p}");

    // A value outside an enum.
    let pip = "/resources/3/properties/template/resources/0";
    assert_eq!(main.pointer(&format!("{pip}/type")).unwrap(), "Microsoft.Network/publicIPAddresses");
    let p = one_problem(&broken(&main, &format!("{pip}/properties/publicIPAllocationMethod"), Some(json!("Sometimes"))));
    assert_eq!(p.path, "$.resources[3].properties.template.resources[0].properties.publicIPAllocationMethod");
    assert!(p.message.contains("\"Sometimes\"") && p.message.contains("\"Static\""), "{p}");
    assert!(p.resource.starts_with("Microsoft.Network/publicIPAddresses@2025-07-01"), "{p}");

    // A required property missing.
    let p = one_problem(&broken(&main, "/resources/5/properties/template/resources/0/name", None));
    assert_eq!(p.path, "$.resources[5].properties.template.resources[0]");
    assert_eq!(p.message, "\"name\" is a required property");
    assert_eq!(p.resource, "Microsoft.Network/virtualNetworks@2025-07-01");

    // A type and apiVersion without a schema.
    let peering = "/resources/6/properties/template/resources/0";
    let p = one_problem(&broken(&main, &format!("{peering}/apiVersion"), Some(json!("2099-01-01"))));
    assert_eq!(p.path, "$.resources[6].properties.template.resources[0]");
    assert!(p.message.starts_with("no schema for Microsoft.Network/virtualNetworks/virtualNetworkPeerings@2099-01-01"), "{p}");
    let p = one_problem(&broken(&main, &format!("{peering}/type"), Some(json!("Microsoft.Contoso/widgets"))));
    assert_eq!(p.message, "no schema for Microsoft.Contoso/widgets@2025-07-01 (no vendored schema knows the type)");

    // The envelope of a nested template is judged too.
    let p = one_problem(&broken(&main, "/resources/6/properties/template/contentVersion", Some(json!("one"))));
    assert_eq!(p.path, "$.resources[6].properties.template.contentVersion");
    assert_eq!(p.resource, "");
}

#[test]
fn broken_bicep_output_is_reported_with_file_and_line() {
    let (_, files) = examples().into_iter().find(|(n, _)| n == "hub-spoke").unwrap();
    let module = files.iter().find(|f| f.path == "modules/rg-core-network.bicep").unwrap();
    assert_eq!(bicep_problems(&module.path, &module.contents), Vec::<String>::new());

    // A property without its value, and an object never closed.
    let line = module.contents.lines().position(|l| l.trim_start().starts_with("location:")).expect("a location line") + 1;
    let no_value = module.contents.replacen("location: ", "location: ,", 1);
    let problems = bicep_problems(&module.path, &no_value);
    assert!(!problems.is_empty(), "a property without its value parses");
    assert!(problems.iter().any(|p| p.starts_with(&format!("modules/rg-core-network.bicep:{line}:"))), "{problems:#?}");

    let unclosed = module.contents.trim_end().trim_end_matches('}').to_string();
    let problems = bicep_problems(&module.path, &unclosed);
    assert!(!problems.is_empty(), "an unclosed resource parses");

    // A string left open.
    let problems = bicep_problems("x.bicep", "param a string = 'open\n");
    assert!(!problems.is_empty());
    assert!(problems[0].starts_with("x.bicep:"), "{problems:#?}");
}
