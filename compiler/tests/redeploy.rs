//! A second deployment of a plan changed elsewhere must succeed and change
//! nothing that was deployed: every example is built, then built again with an
//! unrelated network added, and every resource of the first output must come
//! out of the second exactly as it was (no resource renamed, no property
//! changed), while the resources ARM refuses to update (image templates) are
//! sent only when they are not already in Azure (docs/azure.md); image
//! versions, whose source is the same each time, are sent again.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn examples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join("examples");
    let mut examples: Vec<PathBuf> = std::fs::read_dir(root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    examples.sort();
    examples
}

/// A network no example uses, in its own resource group.
const UNRELATED: &str =
    "vnet unrelated_probe {\n  resource_group = \"rg-unrelated-probe\"\n  address_space  = [172.31.250.0/24]\n  subnet probe 172.31.250.0/26\n}\n";

/// The ARM template of a build, every resource of every nested deployment by
/// type and name; nested deployments themselves are compared by what they hold.
fn resources(input: &ashlar::load::PlanInput) -> BTreeMap<(String, String), Value> {
    let analysis = ashlar::analyze(input);
    let azure =
        analysis.azure.as_ref().unwrap_or_else(|| panic!("builds: {:?}", analysis.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>()));
    let mut found = BTreeMap::new();
    for file in ashlar::emit::emit(azure).into_iter().filter(|f| f.path.ends_with(".json") && !f.path.contains("parameters")) {
        let template: Value = serde_json::from_str(&file.contents).unwrap();
        collect(&template, &mut found);
    }
    found
}

fn collect(template: &Value, found: &mut BTreeMap<(String, String), Value>) {
    for resource in template["resources"].as_array().into_iter().flatten() {
        let kind = resource["type"].as_str().unwrap_or_default().to_string();
        if kind == "Microsoft.Resources/deployments" {
            collect(&resource["properties"]["template"], found);
            continue;
        }
        // An extension resource (a diagnostic setting) is known by its name and its scope.
        let name = match resource.get("scope") {
            Some(scope) => format!("{} on {scope}", resource["name"]),
            None => resource["name"].to_string(),
        };
        found.insert((kind, name), resource.clone());
    }
}

#[test]
fn a_second_build_with_an_unrelated_change_changes_nothing_deployed() {
    let mut failures = Vec::new();
    for example in examples() {
        let name = example.file_name().unwrap().to_string_lossy().into_owned();
        let first_input = ashlar::load::read_plan(&example).expect("the example reads");
        let mut second_input = ashlar::load::read_plan(&example).expect("the example reads");
        second_input.files.push(ashlar::load::InputFile {
            name: "zz-unrelated.ashlar".into(),
            path: example.join("zz-unrelated.ashlar"),
            bytes: UNRELATED.as_bytes().to_vec(),
        });
        let first = resources(&first_input);
        let second = resources(&second_input);
        for (key, before) in &first {
            match second.get(key) {
                None => failures.push(format!("{name}: {} {} is gone or renamed", key.0, key.1)),
                Some(after) if after != before => failures.push(format!("{name}: {} {} changed", key.0, key.1)),
                Some(_) => {}
            }
        }
        let added: Vec<&(String, String)> = second.keys().filter(|k| !first.contains_key(*k)).collect();
        let expected: Vec<(String, String)> = vec![
            ("Microsoft.Network/virtualNetworks".into(), "\"unrelated_probe\"".into()),
            ("Microsoft.Resources/resourceGroups".into(), "\"rg-unrelated-probe\"".into()),
            // A plan's `diagnostics` block watches every network, the new one too.
            ("Microsoft.Insights/diagnosticSettings".into(), "on the unrelated_probe network".into()),
        ];
        for key in &added {
            if !expected.iter().any(|e| e.0 == key.0 && (e.1 == key.1 || key.1.contains("unrelated_probe") || key.1.contains("unrelated-probe"))) {
                failures.push(format!("{name}: the unrelated change added {} {}", key.0, key.1));
            }
        }
        // What ARM cannot update is sent only when it is not in Azure already.
        for ((kind, resource_name), resource) in &first {
            if kind == "Microsoft.VirtualMachineImages/imageTemplates" {
                let condition = resource["condition"].as_str().unwrap_or_default();
                if !condition.contains("parameters('existingImageTemplates')") {
                    failures.push(format!("{name}: image template {resource_name} is sent on every deployment"));
                }
            }
            // An image version is sent again unchanged, which Azure accepts (same source,
            // docs/azure.md): no condition keeps a change of its regions from reaching it.
            if kind == "Microsoft.Compute/galleries/images/versions" && resource.get("condition").is_some() {
                failures.push(format!("{name}: image version {resource_name} is deployed only under a condition"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn an_image_template_already_in_azure_is_not_sent_again() {
    let example = examples().into_iter().find(|e| e.ends_with("golden-image")).expect("the golden-image example");
    let input = ashlar::load::read_plan(&example).unwrap();
    let analysis = ashlar::analyze(&input);
    let files = ashlar::emit::emit(analysis.azure.as_ref().expect("builds"));
    let main: Value = serde_json::from_str(&files.iter().find(|f| f.path == "main.json").unwrap().contents).unwrap();
    assert_eq!(main["parameters"]["existingImageTemplates"]["defaultValue"], serde_json::json!([]), "a first deployment sends every template");
    let mut templates = BTreeMap::new();
    collect(&main, &mut templates);
    let names: Vec<String> = templates
        .keys()
        .filter(|(kind, _)| kind == "Microsoft.VirtualMachineImages/imageTemplates")
        .map(|(_, n)| n.trim_matches('"').to_string())
        .collect();
    assert!(!names.is_empty());
    for name in &names {
        let condition = templates[&("Microsoft.VirtualMachineImages/imageTemplates".to_string(), format!("\"{name}\""))]["condition"].clone();
        assert_eq!(condition, Value::String(format!("[not(contains(parameters('existingImageTemplates'), '{name}'))]")));
    }
    let bicep = files.iter().filter(|f| f.path.ends_with(".bicep")).map(|f| f.contents.as_str()).collect::<String>();
    assert!(bicep.contains("param existingImageTemplates array = []"));
    for name in &names {
        assert!(bicep.contains(&format!("= if (!contains(existingImageTemplates, '{name}')) {{")), "{name} is conditional in Bicep");
    }
}

/// A resource an `existing` block declares is referred to, never deployed:
/// no template of any example holds a resource of its type and name, while
/// the examples do refer to such resources by ID. A second deployment of the
/// same output therefore cannot change them (the test above covers the rest).
#[test]
fn no_existing_resource_is_deployed() {
    let mut declared = 0;
    for example in examples() {
        let input = ashlar::load::read_plan(&example).unwrap();
        let analysis = ashlar::analyze(&input);
        let azure = analysis.azure.as_ref().expect("builds");
        let mut found = BTreeMap::new();
        let files = ashlar::emit::emit(azure);
        for file in files.iter().filter(|f| f.path.ends_with(".json") && !f.path.contains("parameters")) {
            collect(&serde_json::from_str(&file.contents).unwrap(), &mut found);
        }
        let text: String = files.iter().map(|f| f.contents.as_str()).collect();
        for kind in ashlar::blocks::existing::EXISTING_KINDS {
            for (id, _) in analysis.model.of_kind(kind.kind) {
                let name = ashlar::blocks::existing::azure_name(&analysis.model, id).unwrap();
                declared += 1;
                assert!(
                    !found.keys().any(|(t, n)| t.eq_ignore_ascii_case(kind.resource_type) && n.trim_matches('"').eq_ignore_ascii_case(name)),
                    "{}: {} {name} is deployed",
                    example.display(),
                    kind.resource_type
                );
                assert!(!azure.resources.iter().any(|r| r.origin == id), "{}: `{name}` lowered to a resource", example.display());
                // Referred to by ID where the plan uses it: resourceId(..., '<type>', '<name>'...),
                // a name argument for each segment (an image version has three).
                let used = analysis.model.nodes_with_ids().any(|(_, n)| n.attrs.values().any(|a| refers_to(&a.value, id)));
                if used {
                    let segments = ashlar::blocks::existing::segments(&analysis.model, id).join("', '");
                    assert!(
                        text.contains(&format!("'{}', '{segments}')", kind.resource_type)),
                        "{}: `{name}` is never referred to by ID",
                        example.display()
                    );
                }
            }
        }
    }
    assert!(declared >= 3, "the examples declare existing resources: {declared}");
}

/// A subnet of an `existing vnet` is referred to by ID, in its network's
/// subscription and resource group, and never deployed: no virtual network
/// or subnet resource of that name, nothing lowered from it, and no resource
/// waits for anything to join it.
#[test]
fn no_subnet_of_an_existing_network_is_deployed() {
    use ashlar::blocks::existing::{subnet_name, EXISTING_SUBNET};
    let mut declared = 0;
    for example in examples() {
        let input = ashlar::load::read_plan(&example).unwrap();
        let analysis = ashlar::analyze(&input);
        let azure = analysis.azure.as_ref().expect("builds");
        let files = ashlar::emit::emit(azure);
        let mut found = BTreeMap::new();
        for file in files.iter().filter(|f| f.path.ends_with(".json") && !f.path.contains("parameters")) {
            collect(&serde_json::from_str(&file.contents).unwrap(), &mut found);
        }
        let text: String = files.iter().map(|f| f.contents.as_str()).collect();
        for (id, node) in analysis.model.of_kind(EXISTING_SUBNET) {
            declared += 1;
            let name = subnet_name(&analysis.model, id).unwrap();
            let network = ashlar::blocks::existing::azure_name(&analysis.model, node.parent.unwrap()).unwrap();
            assert!(
                !found.keys().any(|(t, n)| t.starts_with("Microsoft.Network/virtualNetworks") && n.contains(network)),
                "{}: network {network} or its subnet is deployed",
                example.display()
            );
            assert!(!azure.resources.iter().any(|r| r.origin == id || Some(r.origin) == node.parent), "{}: `{name}` lowered", example.display());
            assert!(
                text.contains(&format!("'Microsoft.Network/virtualNetworks/subnets', '{network}', '{name}')")),
                "{}: `{name}` is never referred to by ID",
                example.display()
            );
        }
    }
    assert!(declared >= 2, "the examples declare subnets of existing networks: {declared}");
}

fn refers_to(value: &ashlar::model::Typed, id: ashlar::model::NodeId) -> bool {
    match value {
        ashlar::model::Typed::Ref(r) => *r == id,
        ashlar::model::Typed::List(items) => items.iter().any(|i| refers_to(&i.value, id)),
        _ => false,
    }
}
