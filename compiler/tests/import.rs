//! `ashlar import` and `ashlar check TEMPLATE.json`: ashlar's own output
//! imported builds to the same resources, and findings on a template point at
//! its lines.

use ashlar::import::json::{self, Node, Value};
use ashlar::import::template;
use std::collections::BTreeMap;
use std::path::Path;

/// A resource as compared: its type (lower-case), name (and scope), region,
/// tags, properties and what it depends on, written as JSON; not its bytes or
/// its place in the template.
/// Resources by (type, name), each as compared.
type Resources = BTreeMap<(String, String), String>;

fn resources(text: &str) -> Resources {
    let root = json::parse(text).expect("a template");
    let flat = template::flatten(&root, None);
    flat.resources
        .iter()
        .filter(|r| !r.is("Microsoft.Resources/resourceGroups"))
        .map(|r| {
            // Names known only at deployment (`guid(...)`) are told apart by what they deploy.
            let name = match r.name.as_str() {
                "unknown" => format!("unknown {}", r.node.get("properties").map(plain).unwrap_or_default()),
                known => known.to_string(),
            };
            // An extension resource (a diagnostic setting) is one per scope under one name.
            let name = match r.node.get("scope") {
                Some(scope) => format!("{name} on {}", plain(scope)),
                None => name,
            };
            let key = (r.ty.to_ascii_lowercase(), name);
            let part = |k: &str| r.node.get(k).map(plain).unwrap_or_default();
            // What it waits for, in any order: "Azure Resource Manager evaluates
            // the dependencies between resources, and deploys them in their
            // dependent order" (https://learn.microsoft.com/azure/azure-resource-manager/templates/resource-dependency),
            // so the chain of one network's peerings is compared, not the list's order.
            let mut depends: Vec<String> = r.node.get("dependsOn").map(|d| d.items().iter().map(plain).collect()).unwrap_or_default();
            depends.sort();
            (
                key,
                format!(
                    "location={} tags={} sku={} zones={} properties={} dependsOn=[{}]",
                    part("location"),
                    part("tags"),
                    part("sku"),
                    part("zones"),
                    part("properties"),
                    depends.join(",")
                ),
            )
        })
        .collect()
}

/// A value as JSON text, without its bytes.
fn plain(node: &Node) -> String {
    match &node.value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(n) => n.to_string(),
        Value::Number(n) => n.clone(),
        Value::Str(s) | Value::Unknown(s) => format!("{s:?}"),
        Value::Array(items) => format!("[{}]", items.iter().map(plain).collect::<Vec<_>>().join(",")),
        // Members in any order: Azure reads an object by its names.
        Value::Object(members) => {
            let mut members: Vec<String> = members.iter().map(|(k, v)| format!("{k:?}:{}", plain(v))).collect();
            members.sort();
            format!("{{{}}}", members.join(","))
        }
    }
}

/// Imports `tests/expected/<example>/main.json`, builds the plan, and gives
/// both templates' resources.
fn round_trip(example: &str) -> (Resources, Resources) {
    let (before, after) = round_trip_texts(example);
    (resources(&before), resources(&after))
}

/// Imports `tests/expected/<example>/main.json` and builds the plan: the
/// template before and after.
fn round_trip_texts(example: &str) -> (String, String) {
    let path = format!("../tests/expected/{example}/main.json");
    let text = std::fs::read_to_string(&path).expect("the example's output");
    let imported = ashlar::import::import("main.json", None, &text, None, &Default::default()).map_err(|e| e.1.message.clone()).expect("imports");
    let dir = tempfile::tempdir().expect("a folder");
    for (name, text) in &imported.files {
        std::fs::write(dir.path().join(name), text).expect("written");
    }
    let input = ashlar::load::read_plan(dir.path()).expect("the imported plan reads");
    let analysis = ashlar::analyze(&input);
    let errors: Vec<String> = analysis.diagnostics.iter().filter(|d| d.is_error()).map(|d| format!("{} {}", d.code.code, d.message)).collect();
    assert!(errors.is_empty(), "{example}: the imported plan has errors: {errors:?}");
    let built = ashlar::emit::emit(analysis.azure.as_ref().expect("lowered"));
    let main = built.iter().find(|f| f.path == "main.json").expect("main.json");
    (text, main.contents.clone())
}

/// The examples whose every resource the import reads.
const COMPLETE: &[&str] = &[
    "application-team",
    "compute",
    "enterprise-landing-zone",
    "virtual-desktops",
    "golden-image",
    "hub-firewall-vpn",
    "hub-nva",
    "hub-spoke",
    "secured-spokes",
    "shared-firewall-policy",
    "single-file",
    "update-management",
];

#[test]
fn complete_examples_round_trip_to_the_same_resources() {
    for example in COMPLETE {
        let (before, after) = round_trip(example);
        assert!(!before.is_empty());
        for (key, value) in &before {
            assert_eq!(after.get(key), Some(value), "{example}: {key:?} differs or is missing after the round trip");
        }
        let extra: Vec<_> = after.keys().filter(|k| !before.contains_key(*k)).collect();
        assert!(extra.is_empty(), "{example}: the round trip added {extra:?}");
    }
}

#[test]
fn every_example_imports_to_a_plan_without_errors() {
    // The resources of other examples the import does not read yet are
    // comments (ASH022); what it reads must still build.
    let mut failures = Vec::new();
    for entry in std::fs::read_dir("../tests/expected").expect("the expected outputs") {
        let example = entry.expect("an entry").file_name().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(format!("../tests/expected/{example}/main.json")).expect("main.json");
        let imported = ashlar::import::import("main.json", None, &text, None, &Default::default()).map_err(|e| e.1.message.clone()).expect("imports");
        let (_, diagnostics) = ashlar::import::check_imported(imported, Path::new("."), None);
        let errors: Vec<String> = diagnostics.iter().filter(|d| d.is_error()).map(|d| format!("{} {}", d.code.code, d.message)).collect();
        if !errors.is_empty() {
            failures.push(format!("{example}: {errors:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn findings_point_at_the_template_line() {
    let (sources, diagnostics) = ashlar::import::check_template(Path::new("../tests/fixtures/import/overlap.json"), None, None);
    let overlap = diagnostics.iter().find(|d| d.code.code == "ASH202").expect("the overlapping subnets are found");
    let span = overlap.span.expect("a span");
    let file = sources.get(span.file);
    assert_eq!(file.name, "overlap.json");
    assert!(file.text[span.range()].contains("10.0.1.0/24") || file.text[span.range()].contains("\"name\""), "{}", &file.text[span.range()]);
    assert_eq!(file.line_col(span.start as usize).line, 20);
}

/// A module's template as Bicep compiles it (`languageVersion` 2.0, each
/// subnet a nested deployment in a `copy` loop, values through `coalesce` and
/// `tryGet`): with its parameters, the overlap and the prefix outside the
/// address space are found at the subnet of the nested template; without them,
/// the loop's count is reported as known only at deployment, never guessed.
#[test]
fn a_compiled_module_with_coalesce_and_try_get_is_checked() {
    let template = Path::new("../tests/fixtures/import/module-style/main.json");
    let parameters = Path::new("../tests/fixtures/import/module-style/main.parameters.json");
    let (sources, diagnostics) = ashlar::import::check_template(template, Some(parameters), None);
    let errors: Vec<(&str, &str)> = diagnostics.iter().filter(|d| d.is_error()).map(|d| (d.code.code, d.message.as_str())).collect();
    assert_eq!(
        errors,
        vec![
            ("ASH201", "subnet `outside` (10.1.0.0/24) is outside the address space of vnet `vnet-app` (10.0.0.0/16)"),
            ("ASH202", "subnet `data` (10.0.1.128/25) overlaps subnet `app` (10.0.1.0/24) in vnet `vnet-app`"),
        ]
    );
    let overlap = diagnostics.iter().find(|d| d.code.code == "ASH202").and_then(|d| d.span).expect("a span");
    assert_eq!(sources.get(overlap.file).line_col(overlap.start as usize).line, 52);
    // The network each subnet deployment declares `existing` is the module's
    // own, referred to: not a network of its own, nor one left out.
    assert!(!diagnostics.iter().any(|d| d.code.code == "ASH021" && d.message.contains("address space")), "{diagnostics:?}");
    let text = std::fs::read_to_string(template).expect("the template");
    let params = std::fs::read_to_string(parameters).expect("the parameters");
    let imported =
        ashlar::import::import("main.json", None, &text, Some(&params), &Default::default()).map_err(|e| e.1.message.clone()).expect("imports");
    let plan: String = imported.files.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(plan.matches("vnet vnet-app {").count(), 1, "{plan}");
    for subnet in ["subnet app 10.0.1.0/24", "subnet data 10.0.1.128/25", "subnet outside 10.1.0.0/24"] {
        assert!(plan.lines().any(|l| l.split_whitespace().collect::<Vec<_>>().join(" ").starts_with(subnet)), "{subnet} in:\n{plan}");
    }
    assert!(!plan.contains("not imported"), "{plan}");

    let (_, without) = ashlar::import::check_template(template, None, None);
    assert!(!without.iter().any(|d| d.is_error()), "{without:?}");
    assert!(without.iter().any(|d| d.code.code == "ASH021" && d.message.contains("`copy` loop's count")), "{without:?}");
}

/// A module that deploys subnets into a network it only declares `existing`
/// (deployed elsewhere): the network is not imported as one it deploys, and
/// each subnet, which an `existing vnet` block could hold only with the
/// address space a template does not give, is reported and kept as a comment.
#[test]
fn subnets_of_a_network_declared_existing_are_reported() {
    let text = std::fs::read_to_string("../tests/fixtures/import/module-style/main.json").expect("the template");
    let params = std::fs::read_to_string("../tests/fixtures/import/module-style/main.parameters.json").expect("the parameters");
    // The module without its own network: the subnets' `existing` network is deployed elsewhere.
    let start = text.find("\"network\": {").expect("the network");
    let end = text.find("\"network_subnets\": {").expect("the subnets");
    let template = format!("{}{}", &text[..start], &text[end..]).replace(r#""dependsOn": ["network"]"#, r#""dependsOn": []"#);
    let imported =
        ashlar::import::import("main.json", None, &template, Some(&params), &Default::default()).map_err(|e| e.1.message.clone()).expect("imports");
    let plan: String = imported.files.iter().map(|(_, t)| t.as_str()).collect();
    assert!(!plan.contains("vnet vnet-app"), "{plan}");
    let subnets: Vec<&str> = imported
        .diagnostics
        .iter()
        .filter(|d| d.code.code == "ASH021" && d.message.contains("declares `existing`"))
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(subnets.len(), 3, "{:#?}", imported.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>());
    assert!(subnets[0].contains("subnet `app` of network `vnet-app`"), "{subnets:?}");
    assert_eq!(plan.matches("// not imported: Microsoft.Network/virtualNetworks/subnets").count(), 3, "{plan}");
}

/// The extensions of a `compute` block's `script`, `monitoring` and
/// `antimalware`; a desktop pool's (domain join, DSC) are the pool's.
const COMPUTE_EXTENSIONS: &[&str] =
    &["CustomScriptExtension", "CustomScript", "AzureMonitorWindowsAgent", "AzureMonitorLinuxAgent", "IaaSAntimalware"];

/// What the import reads of a machine (its cloud-init among it), its
/// extensions, its network interface, its availability set and its backup
/// (vault, policy, protected item), and galleries, their image definitions
/// and the versions made from a source, by (type, name): the rest of these
/// resources comes from blocks the import does not write yet (load
/// balancers, image builds, desktop pools), so it is not compared here.
fn machine_parts(text: &str) -> Resources {
    let root = json::parse(text).expect("a template");
    let flat = template::flatten(&root, None);
    let pick = |node: &Node, paths: &[&[&str]]| -> String {
        paths.iter().map(|p| format!("{}={}", p.join("."), node.at(p).map(plain).unwrap_or_default())).collect::<Vec<_>>().join(" ")
    };
    let mut out = Resources::new();
    for r in &flat.resources {
        let parts = if r.is("Microsoft.Compute/virtualMachines") {
            pick(
                &r.node,
                &[
                    &["location"],
                    &["zones"],
                    &["identity"],
                    &["properties", "hardwareProfile"],
                    &["properties", "securityProfile"],
                    &["properties", "diagnosticsProfile"],
                    &["properties", "availabilitySet"],
                    &["properties", "networkProfile"],
                    &["properties", "storageProfile", "osDisk"],
                    &["properties", "storageProfile", "dataDisks"],
                    &["properties", "osProfile", "adminUsername"],
                    &["properties", "osProfile", "adminPassword"],
                    &["properties", "osProfile", "computerName"],
                    &["properties", "osProfile", "linuxConfiguration", "ssh"],
                    &["properties", "osProfile", "windowsConfiguration", "timeZone"],
                    &["properties", "osProfile", "customData"],
                ],
            )
        } else if r.is("Microsoft.Compute/virtualMachines/extensions")
            && r.node.at(&["properties", "type"]).and_then(Node::as_str).is_some_and(|t| COMPUTE_EXTENSIONS.contains(&t))
        {
            pick(&r.node, &[&["location"], &["properties"]])
        } else if r.is("Microsoft.Network/networkInterfaces") {
            let config = r.node.at(&["properties", "ipConfigurations"]).and_then(|c| c.items().first()).cloned();
            let config = config
                .map(|c| pick(&c, &[&["properties", "subnet"], &["properties", "privateIPAllocationMethod"], &["properties", "privateIPAddress"]]));
            format!(
                "{} {}",
                pick(&r.node, &[&["location"], &["properties", "enableAcceleratedNetworking"], &["properties", "enableIPForwarding"]]),
                config.unwrap_or_default()
            )
        } else if r.is("Microsoft.RecoveryServices/vaults")
            || r.is("Microsoft.RecoveryServices/vaults/backupPolicies")
            || r.is("Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems")
        {
            pick(&r.node, &[&["location"], &["tags"], &["sku"], &["properties"]])
        } else if r.is("Microsoft.Compute/galleries") || r.is("Microsoft.Compute/galleries/images") {
            pick(&r.node, &[&["location"], &["tags"], &["properties"]])
        } else if r.is("Microsoft.Compute/galleries/images/versions") && r.node.at(&["properties", "storageProfile", "source"]).is_some() {
            // A version made from a source; one that Image Builder makes is the image template's.
            pick(&r.node, &[&["location"], &["tags"], &["properties"]])
        } else if r.is("Microsoft.Compute/availabilitySets") {
            pick(&r.node, &[&["location"], &["tags"], &["sku"], &["properties"]])
        } else {
            continue;
        };
        out.insert((r.ty.to_ascii_lowercase(), r.name.clone()), parts);
    }
    out
}

#[test]
fn machines_and_images_round_trip_in_every_example_as_far_as_imported() {
    let mut failures = Vec::new();
    let mut compared = 0;
    for entry in std::fs::read_dir("../tests/expected").expect("the expected outputs") {
        let example = entry.expect("an entry").file_name().to_string_lossy().into_owned();
        let (before, after) = round_trip_texts(&example);
        let (before, after) = (machine_parts(&before), machine_parts(&after));
        for (key, value) in &before {
            compared += 1;
            match after.get(key) {
                Some(v) if v == value => {}
                Some(v) => failures.push(format!("{example}: {key:?} differs:\n  before {value}\n  after  {v}")),
                None => failures.push(format!("{example}: {key:?} is missing after the round trip")),
            }
        }
        for key in after.keys().filter(|k| !before.contains_key(*k)) {
            failures.push(format!("{example}: the round trip added {key:?}"));
        }
    }
    assert!(compared >= 20, "machines, interfaces and sets compared: {compared}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A machine's password: given at deployment, or written in plain text in the
/// parameters file; either way the imported plan reads it from a placeholder
/// Key Vault secret, and the finding says which.
#[test]
fn a_password_in_a_parameters_file_is_reported_as_plain_text() {
    let dir = Path::new("../tests/fixtures/import/own");
    let template = dir.join("machine-password.json");
    let messages = |parameters: Option<&Path>| -> Vec<String> {
        let (_, diagnostics) = ashlar::import::check_template(&template, parameters, None);
        diagnostics.into_iter().filter(|d| d.code.code == "ASH021").map(|d| d.message).collect()
    };
    let given = messages(None);
    assert!(given.iter().any(|m| m.contains("given at deployment") && m.contains("imported-secrets")), "{given:#?}");
    let plain = messages(Some(&dir.join("machine-password.parameters.json")));
    assert!(plain.iter().any(|m| m.contains("plain text") && m.contains("imported-secrets")), "{plain:#?}");
}

/// private-endpoints peers a network with `existing vnet identity`, in another
/// subscription: a template gives no address space for it, so the import
/// leaves that peering out (ASH021), and `shared_services` becomes a spoke of
/// the hub. Every other resource, the endpoints, zones and links among them,
/// builds the same.
#[test]
fn private_endpoints_round_trip_but_for_the_network_outside_the_template() {
    let (before, after) = round_trip("private-endpoints");
    let outside = |key: &(String, String)| key.1.contains("vnet-identity-weu");
    let mut compared = 0;
    for (key, value) in before.iter().filter(|(k, _)| !outside(k)) {
        compared += 1;
        assert_eq!(after.get(key), Some(value), "{key:?} differs or is missing after the round trip");
    }
    assert!(before.keys().any(outside), "the peering with the network outside the template");
    assert!(compared >= 20, "resources compared: {compared}");
    let extra: Vec<_> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    assert!(extra.is_empty(), "the round trip added {extra:?}");
}

/// The hub services and what they use, in every example (the enterprise
/// landing zone's hub among them): each firewall, firewall policy and rule
/// collection group, Bastion host, gateway, site, DDoS plan, workspace,
/// private endpoint and private DNS zone rebuilt from the import is the same
/// resource as before, compared in full.
#[test]
fn hub_services_round_trip_in_every_example() {
    const TYPES: &[&str] = &[
        "microsoft.network/azurefirewalls",
        "microsoft.network/firewallpolicies",
        "microsoft.network/firewallpolicies/rulecollectiongroups",
        "microsoft.network/bastionhosts",
        "microsoft.network/virtualnetworkgateways",
        "microsoft.network/localnetworkgateways",
        "microsoft.network/connections",
        "microsoft.network/ddosprotectionplans",
        "microsoft.operationalinsights/workspaces",
        "microsoft.network/privateendpoints",
        "microsoft.network/privateendpoints/privatednszonegroups",
        "microsoft.network/privatednszones",
    ];
    let mut failures = Vec::new();
    let mut compared = 0;
    for entry in std::fs::read_dir("../tests/expected").expect("the expected outputs") {
        let example = entry.expect("an entry").file_name().to_string_lossy().into_owned();
        let (before, after) = round_trip(&example);
        for (key, value) in before.iter().filter(|(k, _)| TYPES.contains(&k.0.as_str())) {
            compared += 1;
            if after.get(key) != Some(value) {
                failures.push(format!("{example}: {key:?} differs or is missing:\n  before {value}\n  after  {:?}", after.get(key)));
            }
        }
    }
    assert!(compared >= 30, "hub services compared: {compared}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A maintenance configuration of another tool's: a weekly window without
/// days opens on its start's weekday, a scope by another tag is reported, and
/// a fortnightly window, which a plan cannot say, is reported where it is.
#[test]
fn maintenance_configurations_import_as_update_groups() {
    let template = r#"{
  "resources": [
    { "type": "Microsoft.Maintenance/maintenanceConfigurations", "apiVersion": "2023-04-01", "name": "weekly", "location": "westeurope",
      "properties": { "maintenanceScope": "InGuestPatch",
        "maintenanceWindow": { "startDateTime": "2026-03-05 03:00", "duration": "01:30", "timeZone": "UTC", "recurEvery": "Week" },
        "installPatches": { "rebootSetting": "Never", "linuxParameters": { "classificationsToInclude": ["Critical", "Security", "Other"] } } } },
    { "type": "Microsoft.Maintenance/configurationAssignments", "apiVersion": "2023-04-01", "name": "weekly-scope",
      "properties": { "maintenanceConfigurationId": "[resourceId('rg-imported', 'Microsoft.Maintenance/maintenanceConfigurations', 'weekly')]",
        "filter": { "resourceTypes": ["Microsoft.Compute/virtualMachines"], "osTypes": ["Linux"], "tagSettings": { "tags": { "patch": ["weekly"] }, "filterOperator": "All" } } } },
    { "type": "Microsoft.Maintenance/maintenanceConfigurations", "apiVersion": "2023-04-01", "name": "fortnightly", "location": "westeurope",
      "properties": { "maintenanceScope": "InGuestPatch",
        "maintenanceWindow": { "startDateTime": "2026-03-05 03:00", "duration": "01:30", "timeZone": "UTC", "recurEvery": "2Weeks Sunday" },
        "installPatches": { "rebootSetting": "IfRequired", "windowsParameters": { "classificationsToInclude": ["Critical"] } } } }
  ]
}"#;
    let imported = ashlar::import::import("t.json", None, template, None, &Default::default()).map_err(|e| e.1.message.clone()).expect("imports");
    let plan: String = imported.files.iter().map(|(_, t)| t.as_str()).collect();
    assert!(plan.contains("update_group weekly {"), "{plan}");
    // 2026-03-05 is a Thursday.
    assert!(plan.contains("weekly thursday at 03:00 for 1h30m timezone \"UTC\""), "{plan}");
    assert!(plan.contains("classifications = [critical, security, other]") && plan.contains("reboot          = never"), "{plan}");
    assert!(plan.contains("update_group fortnightly {") && plan.contains("daily at 03:00"), "{plan}");
    let messages: Vec<&str> = imported.diagnostics.iter().filter(|d| d.code.code == "ASH021").map(|d| d.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("by tag `patch`")), "{messages:#?}");
    assert!(messages.iter().any(|m| m.contains("names no weekday")), "{messages:#?}");
    assert!(messages.iter().any(|m| m.contains("every 2 weeks")), "{messages:#?}");
    assert!(messages.iter().any(|m| m.contains("`fortnightly` has no dynamic scope")), "{messages:#?}");
    assert!(!imported.diagnostics.iter().any(|d| d.code.code == "ASH022"), "both configurations and the scope are imported");
}

/// Extensions of another tool's: a script that downloads its file is
/// reported and stays a comment; the Azure Monitor Agent and antimalware with
/// exclusions become `monitoring` and `antimalware`, the latter reported.
#[test]
fn extensions_a_plan_cannot_say_are_reported() {
    let text = std::fs::read_to_string("../tests/fixtures/import/own/machine-password.json").expect("the template");
    let extension = |name: &str, publisher: &str, ty: &str, settings: &str| {
        format!(
            r#"{{ "type": "Microsoft.Compute/virtualMachines/extensions", "apiVersion": "2024-11-01", "name": "box/{name}", "location": "uksouth",
               "properties": {{ "publisher": "{publisher}", "type": "{ty}", "typeHandlerVersion": "1.0", "settings": {settings} }} }}"#
        )
    };
    let extensions = [
        extension(
            "setup",
            "Microsoft.Compute",
            "CustomScriptExtension",
            r#"{ "fileUris": ["https://example.org/setup.ps1"], "commandToExecute": "powershell -File setup.ps1" }"#,
        ),
        extension("ama", "Microsoft.Azure.Monitor", "AzureMonitorWindowsAgent", "{}"),
        extension(
            "mal",
            "Microsoft.Azure.Security",
            "IaaSAntimalware",
            r#"{ "AntimalwareEnabled": true, "RealtimeProtectionEnabled": "true", "Exclusions": { "Paths": "D:\\data" } }"#,
        ),
    ];
    let at = text.rfind(']').expect("the resources' end");
    let template = format!("{},\n{}\n{}", text[..at].trim_end(), extensions.join(",\n"), &text[at..]);
    let imported = ashlar::import::import("t.json", None, &template, None, &Default::default()).map_err(|e| e.1.message.clone()).expect("imports");
    let plan: String = imported.files.iter().map(|(_, t)| t.as_str()).collect();
    assert!(plan.contains("monitoring") && plan.contains("antimalware"), "{plan}");
    assert!(!plan.contains("script "), "{plan}");
    assert!(plan.contains("// not imported: Microsoft.Compute/virtualMachines/extensions \"box/setup\""), "{plan}");
    let messages: Vec<&str> = imported.diagnostics.iter().filter(|d| d.code.code == "ASH021").map(|d| d.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("box/setup") && m.contains("fileUris")), "{messages:#?}");
    assert!(messages.iter().any(|m| m.contains("antimalware settings")), "{messages:#?}");
}

/// A backup policy of another tool's, protecting a machine of the template:
/// a weekly schedule with its retentions becomes the `backup_policy` phrase
/// and the machine's `backup =`; an Enhanced policy is reported and stays a
/// comment, as its protected item does.
#[test]
fn backup_policies_import_with_the_machines_they_protect() {
    let text = std::fs::read_to_string("../tests/fixtures/import/own/machine-password.json").expect("the template");
    let policy = |name: &str, ty: &str| {
        format!(
            r#"{{ "type": "Microsoft.RecoveryServices/vaults/backupPolicies", "apiVersion": "2024-04-01", "name": "vault-box/{name}",
               "properties": {{ "backupManagementType": "AzureIaasVM", "policyType": "{ty}", "instantRpRetentionRangeInDays": 3, "timeZone": "UTC",
                 "schedulePolicy": {{ "schedulePolicyType": "SimpleSchedulePolicy", "scheduleRunFrequency": "Weekly", "scheduleRunDays": ["Saturday"], "scheduleRunTimes": ["2024-01-01T22:30:00Z"] }},
                 "retentionPolicy": {{ "retentionPolicyType": "LongTermRetentionPolicy",
                   "weeklySchedule": {{ "daysOfTheWeek": ["Saturday"], "retentionTimes": ["2024-01-01T22:30:00Z"], "retentionDuration": {{ "count": 8, "durationType": "Weeks" }} }},
                   "yearlySchedule": {{ "retentionScheduleFormatType": "Weekly", "monthsOfYear": ["December"], "retentionScheduleWeekly": {{ "daysOfTheWeek": ["Saturday"], "weeksOfTheMonth": ["Last"] }},
                     "retentionTimes": ["2024-01-01T22:30:00Z"], "retentionDuration": {{ "count": 7, "durationType": "Years" }} }} }} }} }}"#
        )
    };
    let item = |policy: &str| {
        format!(
            r#"{{ "type": "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems", "apiVersion": "2024-04-01",
               "name": "vault-box/Azure/iaasvmcontainer;iaasvmcontainerv2;rg-imported;box/vm;iaasvmcontainerv2;rg-imported;box-{policy}",
               "properties": {{ "protectedItemType": "Microsoft.Compute/virtualMachines", "policyId": "[resourceId('Microsoft.RecoveryServices/vaults/backupPolicies', 'vault-box', '{policy}')]",
                 "sourceResourceId": "[resourceId('Microsoft.Compute/virtualMachines', 'box')]" }} }}"#
        )
    };
    let vault = r#"{ "type": "Microsoft.RecoveryServices/vaults", "apiVersion": "2024-04-01", "name": "vault-box", "location": "uksouth", "sku": { "name": "RS0", "tier": "Standard" }, "properties": {} }"#;
    let added = [vault.to_string(), policy("enhanced", "V2"), item("enhanced"), policy("weekends", "V1"), item("weekends")];
    let at = text.rfind(']').expect("the resources' end");
    let template = format!("{},\n{}\n{}", text[..at].trim_end(), added.join(",\n"), &text[at..]);
    let imported = ashlar::import::import("t.json", None, &template, None, &Default::default()).map_err(|e| e.1.message.clone()).expect("imports");
    let plan: String = imported.files.iter().map(|(_, t)| t.as_str()).collect();
    assert!(plan.contains("weekly on [saturday] at 22:30"), "{plan}");
    assert!(plan.contains("retain 8 weeks on [saturday]") && plan.contains("retain 7 years on last saturday of december"), "{plan}");
    assert!(plan.contains("instant_restore = 3d") && plan.contains("backup") && plan.contains("= weekends"), "{plan}");
    assert!(plan.contains("naming imported { recovery_vault = \"vault-{name}\" }") || plan.contains("recovery_vault = \"vault-box\""), "{plan}");
    let messages: Vec<&str> = imported.diagnostics.iter().filter(|d| d.code.code == "ASH021").map(|d| d.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("`enhanced` is an Enhanced policy")), "{messages:#?}");
    assert!(plan.contains("// not imported: Microsoft.RecoveryServices/vaults/backupPolicies \"vault-box/enhanced\""), "{plan}");
}

const LINKED: &str = "../tests/fixtures/import/linked";

/// Imports a template file as `ashlar import` does: its linked templates
/// read beside it.
fn import_file(path: &str) -> ashlar::import::Imported {
    let text = std::fs::read_to_string(path).expect("the template");
    let name = Path::new(path).file_name().unwrap().to_string_lossy().into_owned();
    ashlar::import::import(&name, Some(path.into()), &text, None, &Default::default()).map_err(|e| e.1.message.clone()).expect("imports")
}

/// A template file's resources as the import reads them, linked templates followed.
fn linked_resources(path: &str) -> Resources {
    let text = std::fs::read_to_string(path).expect("the template");
    let root = json::parse(&text).expect("a template");
    let flat = template::flatten_at(&root, None, Some(Path::new(path)), text.len());
    assert!(flat.links.is_empty(), "every link is followed: {:?}", flat.links.iter().map(|l| &l.message).collect::<Vec<_>>());
    flat.resources
        .iter()
        .filter(|r| !r.is("Microsoft.Resources/resourceGroups"))
        .map(|r| ((r.ty.to_ascii_lowercase(), r.name.clone()), plain(&r.node)))
        .collect()
}

/// `hub-spoke`'s output as the current build writes it (`tests/expected`,
/// kept current by `examples_output`), its inline deployments moved into
/// `nested/NAME.json` beside it: the first four linked by `relativePath`, the
/// others by `uri(deployment().properties.templateLink.uri, ...)`. Made here
/// from the build, so it follows every change of the emitter.
fn split_into_linked_files(unsplit: &str, dir: &Path) -> usize {
    let mut root: serde_json::Value = serde_json::from_str(unsplit).expect("the example's output");
    std::fs::create_dir_all(dir.join("nested")).expect("a folder");
    let mut moved = 0;
    for resource in root["resources"].as_array_mut().expect("resources") {
        if resource["type"] != "Microsoft.Resources/deployments" {
            continue;
        }
        let Some(properties) = resource["properties"].as_object_mut() else { continue };
        let Some(template) = properties.remove("template") else { continue };
        // A linked template is read as a template of its own: no evaluation scope to choose.
        properties.remove("expressionEvaluationOptions");
        let file = format!("nested/{}.json", resource["name"].as_str().expect("a name"));
        std::fs::write(dir.join(&file), serde_json::to_string_pretty(&template).expect("JSON")).expect("written");
        let link = if moved < 4 {
            serde_json::json!({ "relativePath": file })
        } else {
            serde_json::json!({ "uri": format!("[uri(deployment().properties.templateLink.uri, '{file}')]") })
        };
        resource["properties"]["templateLink"] = link;
        moved += 1;
    }
    std::fs::write(dir.join("main.json"), serde_json::to_string_pretty(&root).expect("JSON")).expect("written");
    moved
}

#[test]
fn an_example_split_into_linked_templates_imports_as_the_unsplit_one() {
    let unsplit = "../tests/expected/hub-spoke/main.json";
    let dir = tempfile::tempdir().expect("a folder");
    let linked = split_into_linked_files(&std::fs::read_to_string(unsplit).expect("the example's output"), dir.path());
    assert_eq!(linked, 6, "hub-spoke's six deployments");
    let split = dir.path().join("main.json").to_string_lossy().into_owned();
    let (before, after) = (linked_resources(unsplit), linked_resources(&split));
    assert!(before.len() >= 6, "{before:?}");
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>());
    for (key, resource) in &before {
        assert_eq!(Some(resource), after.get(key), "{key:?}");
    }
    let (a, b) = (import_file(unsplit), import_file(&split));
    assert_eq!(a.files, b.files, "the same plan");
    assert!(b.diagnostics.is_empty(), "{:?}", b.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>());
    assert_eq!(b.sources.iter().count(), 7, "the template and its six linked files");
}

#[test]
fn linked_templates_take_their_parameters_and_findings_point_into_them() {
    let imported = import_file(&format!("{LINKED}/two/main.json"));
    let plan: String = imported.files.iter().map(|(_, t)| t.as_str()).collect();
    // `relativePath`, its name passed inline from the parent's variable.
    assert!(plan.contains("vnet vnet-app-hub {") && plan.contains("resource_group = \"rg-hub\""), "{plan}");
    // `uri(deployment()...)`, its values from a `parametersLink` file.
    assert!(plan.contains("vnet vnet-app-spoke {") && plan.contains("subnet app 10.1.1.128/25"), "{plan}");

    let (sources, diagnostics) = ashlar::import::check_template(Path::new(&format!("{LINKED}/two/main.json")), None, None);
    let overlap = diagnostics.iter().find(|d| d.code.code == "ASH202").expect("the overlapping subnets are found");
    let span = overlap.span.expect("a span");
    let file = sources.get(span.file);
    assert_eq!(file.name, "nested/spoke.json");
    assert_eq!(file.line_col(span.start as usize).line, 18);
    assert!(file.text[span.range()].contains("\"name\": \"app\""), "{}", &file.text[span.range()]);
    let label = overlap.labels.first().expect("the other subnet");
    assert_eq!(
        (sources.get(label.span.file).name.as_str(), sources.get(label.span.file).line_col(label.span.start as usize).line),
        ("nested/spoke.json", 17)
    );
}

#[test]
fn remote_links_are_reported_by_deployment_not_dropped() {
    let imported = import_file(&format!("{LINKED}/remote/main.json"));
    let found: Vec<(&str, &str)> = imported.diagnostics.iter().map(|d| (d.code.code, d.message.as_str())).collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|(code, _)| *code == "ASH023"), "{found:?}");
    assert!(found[0].1.contains("`from-storage`") && found[0].1.contains("https://example.org/templates/spoke.json"), "{found:?}");
    assert!(found[1].1.contains("`from-spec`") && found[1].1.contains("template spec"), "{found:?}");
    let span = imported.diagnostics[0].span.expect("at the link");
    assert_eq!(imported.sources.get(span.file).line_col(span.start as usize).line, 12);
}

#[test]
fn a_cycle_of_links_and_a_missing_file_are_errors() {
    let (_, cycle) = ashlar::import::check_template(Path::new(&format!("{LINKED}/cycle/a.json")), None, None);
    let messages: Vec<String> = cycle.iter().filter(|d| d.is_error()).map(|d| format!("{} {}", d.code.code, d.message)).collect();
    assert_eq!(messages, ["ASH020 deployment `back-to-a`: a cycle of links: a.json -> b.json -> a.json"]);

    let (sources, missing) = ashlar::import::check_template(Path::new(&format!("{LINKED}/missing/main.json")), None, None);
    let error = missing.iter().find(|d| d.is_error()).expect("an error");
    assert_eq!(error.code.code, "ASH020");
    assert!(error.message.contains("`absent`") && error.message.contains("nested/absent.json, which cannot be read"), "{}", error.message);
    let span = error.span.expect("at the link");
    assert_eq!((sources.get(span.file).name.as_str(), sources.get(span.file).line_col(span.start as usize).line), ("main.json", 9));
}

/// Load balancers and the network interfaces in their backend pools, in every
/// example: machines a `compute` block with `count` lowers to are gathered
/// into that block again, and its load balancer (with its public IP address)
/// rebuilt from the import is the same resource as before, compared in full.
#[test]
fn load_balancers_round_trip_with_their_machines_in_every_example() {
    let mut failures = Vec::new();
    let mut balancers = 0;
    for entry in std::fs::read_dir("../tests/expected").expect("the expected outputs") {
        let example = entry.expect("an entry").file_name().to_string_lossy().into_owned();
        let (before, after) = round_trip(&example);
        let balancer_ips: Vec<String> = before
            .iter()
            .filter(|(k, _)| k.0 == "microsoft.network/loadbalancers")
            .flat_map(|(_, v)| v.split("publicIPAddresses/").skip(1).map(|s| s.split('"').next().unwrap_or_default().to_string()).collect::<Vec<_>>())
            .collect();
        let compared = |k: &(String, String)| {
            k.0 == "microsoft.network/loadbalancers"
                || k.0 == "microsoft.network/networkinterfaces"
                || (k.0 == "microsoft.network/publicipaddresses" && balancer_ips.iter().any(|ip| ip.contains(&k.1)))
        };
        for (key, value) in before.iter().filter(|(k, _)| compared(k)) {
            balancers += usize::from(key.0 == "microsoft.network/loadbalancers");
            if after.get(key) != Some(value) {
                failures.push(format!("{example}: {key:?} differs or is missing:\n  before {value}\n  after  {:?}", after.get(key)));
            }
        }
    }
    assert!(balancers >= 5, "load balancers compared: {balancers}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Machines numbered alike but set up differently are written one block
/// each, and the load balancer in front of them, which a `compute` block
/// could only give one block of machines, is reported and stays a comment.
#[test]
fn machines_unlike_each_other_stay_apart_and_their_load_balancer_a_comment() {
    let text = std::fs::read_to_string("../tests/expected/hub-nva/main.json").expect("the example's output");
    let at = text.find("\"vmSize\": \"Standard_D2s_v5\"").expect("a machine's size");
    let template = format!("{}\"vmSize\": \"Standard_D4s_v5\"{}", &text[..at], &text[at + "\"vmSize\": \"Standard_D2s_v5\"".len()..]);
    let imported = ashlar::import::import("t.json", None, &template, None, &Default::default()).map_err(|e| e.1.message.clone()).expect("imports");
    let plan: String = imported.files.iter().map(|(_, t)| t.as_str()).collect();
    assert!(plan.contains("compute vm-nva-1 {") && plan.contains("compute vm-nva-2 {"), "{plan}");
    assert!(!plan.contains("count") && !plan.contains("load_balancer"), "{plan}");
    assert!(plan.contains("// not imported: Microsoft.Network/loadBalancers \"lbi-nva\""), "{plan}");
    let messages: Vec<&str> = imported.diagnostics.iter().filter(|d| d.code.code == "ASH021").map(|d| d.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("lbi-nva") && m.contains("other machines")), "{messages:#?}");
    // Alike, the same machines are one block behind their load balancer.
    let imported = ashlar::import::import("t.json", None, &text, None, &Default::default()).map_err(|e| e.1.message.clone()).expect("imports");
    let plan: String = imported.files.iter().map(|(_, t)| t.as_str()).collect();
    assert!(plan.lines().any(|l| l.split_whitespace().eq(["count", "=", "2"])), "{plan}");
    assert!(plan.contains("load_balancer private { ha_ports = true  ip = 10.0.0.94  probe = 22 }"), "{plan}");
}

/// A load balancer whose frontend is in another subnet than its machines is
/// not what a `load_balancer` block writes: reported, and kept as a comment.
#[test]
fn a_load_balancer_with_its_frontend_elsewhere_stays_a_comment() {
    let text = std::fs::read_to_string("../tests/expected/hub-nva/main.json").expect("the example's output");
    let lb = text.find("\"name\": \"lbi-nva\"").expect("the load balancer");
    let subnet = "'vnet-core', 'snet-appliances'";
    let at = lb + text[lb..].find(subnet).expect("its frontend's subnet");
    let template = format!("{}'vnet-core', 'AzureBastionSubnet'{}", &text[..at], &text[at + subnet.len()..]);
    let imported = ashlar::import::import("t.json", None, &template, None, &Default::default()).map_err(|e| e.1.message.clone()).expect("imports");
    let plan: String = imported.files.iter().map(|(_, t)| t.as_str()).collect();
    assert!(!plan.contains("load_balancer "), "{plan}");
    assert!(plan.contains("// not imported: Microsoft.Network/loadBalancers \"lbi-nva\""), "{plan}");
    let messages: Vec<&str> = imported.diagnostics.iter().filter(|d| d.code.code == "ASH021").map(|d| d.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("lbi-nva") && m.contains("another subnet")), "{messages:#?}");
}

/// `golden-image` and `enterprise-landing-zone`: the Image Builder templates,
/// their identity and role assignment come back as the images' `build`, and
/// the machines from a built image name that image again, behind their load
/// balancers; every resource builds the same.
#[test]
fn built_images_round_trip() {
    for example in ["golden-image", "enterprise-landing-zone"] {
        let (before, after) = round_trip(example);
        let mut compared = 0;
        for (key, value) in &before {
            compared += 1;
            assert_eq!(after.get(key), Some(value), "{example}: {key:?} differs or is missing after the round trip");
        }
        for ty in
            ["microsoft.virtualmachineimages/imagetemplates", "microsoft.managedidentity/userassignedidentities", "microsoft.compute/virtualmachines"]
        {
            assert!(before.keys().any(|k| k.0 == ty), "{example}: {ty} compared");
        }
        assert!(compared >= 15, "{example}: resources compared: {compared}");
        assert!(before.iter().any(|(k, v)| k.0 == "microsoft.network/networkinterfaces" && v.contains("loadBalancerBackendAddressPools")));
        let extra: Vec<_> = after.keys().filter(|k| !before.contains_key(*k)).collect();
        assert!(extra.is_empty(), "{example}: the round trip added {extra:?}");
    }
}

/// An Image Builder template becomes its image's `build`, as ashlar writes it.
#[test]
fn an_image_template_imports_as_the_image_build() {
    let text = std::fs::read_to_string("../tests/expected/golden-image/main.json").expect("the example's output");
    let imported = ashlar::import::import("main.json", None, &text, None, &Default::default()).map_err(|e| e.1.message.clone()).expect("imports");
    // Compared without the alignment the formatter gives.
    let all: String = imported.files.iter().map(|(_, t)| t.split_whitespace().collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join("\n");
    for expected in [
        "gallery corp {",
        "builder_identity = \"id-corp-builder\"",
        "source = windows_2022",
        "build {",
        "powershell = [",
        "windows_update = true",
        "vm_size = Standard_D2s_v5",
        "timeout = 2h",
        "replicas = 2",
        "image = ubuntu_web",
    ] {
        assert!(all.contains(expected), "`{expected}` in the imported plan:\n{all}");
    }
    assert!(!all.contains("not imported: Microsoft.VirtualMachineImages"), "{all}");
}

/// A template of scale sets a plan says in part: a Flexible scale set is a
/// `scale_set` block, its instance count without an autoscale setting it can
/// read as `capacity`, an extension and a scheduled autoscale setting
/// reported; a scale set in Uniform orchestration stays a comment.
#[test]
fn scale_sets_import_and_what_a_plan_cannot_say_is_reported() {
    let subnet = "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-app', 'snet-app')]";
    let vmss = |name: &str, mode: &str, extensions: &str| {
        format!(
            r#"{{ "type": "Microsoft.Compute/virtualMachineScaleSets", "apiVersion": "2024-03-01", "name": "{name}", "location": "westeurope",
              "sku": {{ "name": "Standard_D2s_v5", "capacity": 4 }},
              "properties": {{ "orchestrationMode": "{mode}", "upgradePolicy": {{ "mode": "Manual" }},
                "virtualMachineProfile": {{
                  "osProfile": {{ "computerNamePrefix": "app", "adminUsername": "ops",
                    "linuxConfiguration": {{ "ssh": {{ "publicKeys": [ {{ "path": "/home/ops/.ssh/authorized_keys", "keyData": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMw3Yp9b0n3cVwS8m1yqQ3H2f0e5y4K6Gz7xFJt9aLrQ ops" }} ] }} }} }},
                  "storageProfile": {{ "imageReference": {{ "publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest" }},
                    "osDisk": {{ "createOption": "FromImage", "caching": "ReadWrite", "managedDisk": {{ "storageAccountType": "Premium_LRS" }}, "diskSizeGB": 64 }} }},
                  "networkProfile": {{ "networkApiVersion": "2022-11-01", "networkInterfaceConfigurations": [ {{ "name": "nic", "properties": {{ "primary": true,
                    "ipConfigurations": [ {{ "name": "ipconfig1", "properties": {{ "subnet": {{ "id": "{subnet}" }} }} }} ] }} }} ] }},
                  "extensionProfile": {{ "extensions": [ {extensions} ] }} }} }} }}"#
        )
    };
    let agent = r#"{ "name": "DependencyAgent", "properties": { "publisher": "Microsoft.Azure.Monitoring.DependencyAgent", "type": "DependencyAgentLinux", "typeHandlerVersion": "9.10" } }"#;
    let template = format!(
        r#"{{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0", "resources": [
          {{ "type": "Microsoft.Network/virtualNetworks", "apiVersion": "2024-05-01", "name": "vnet-app", "location": "westeurope",
            "properties": {{ "addressSpace": {{ "addressPrefixes": ["10.9.0.0/16"] }}, "subnets": [ {{ "name": "snet-app", "properties": {{ "addressPrefix": "10.9.0.0/24" }} }} ] }} }},
          {flexible},
          {uniform},
          {{ "type": "Microsoft.Insights/autoscaleSettings", "apiVersion": "2022-10-01", "name": "vmss-app-autoscale", "location": "westeurope",
            "properties": {{ "enabled": true, "targetResourceUri": "[resourceId('Microsoft.Compute/virtualMachineScaleSets', 'vmss-app')]",
              "profiles": [ {{ "name": "weekdays", "capacity": {{ "minimum": "1", "maximum": "5", "default": "2" }}, "rules": [],
                "recurrence": {{ "frequency": "Week", "schedule": {{ "timeZone": "UTC", "days": ["Monday"], "hours": [8], "minutes": [0] }} }} }} ] }} }}
        ] }}"#,
        flexible = vmss("vmss-app", "Flexible", agent)
            .replace(r#""primary": true,"#, r#""primary": true, "enableIPForwarding": true,"#)
            .replace(
                r#""orchestrationMode": "Flexible","#,
                r#""orchestrationMode": "Flexible", "proximityPlacementGroup": { "id": "[resourceId('Microsoft.Compute/proximityPlacementGroups', 'ppg-app')]" },"#,
            ),
        uniform = vmss("vmss-legacy", "Uniform", ""),
    );
    let imported = ashlar::import::import("t.json", None, &template, None, &Default::default()).map_err(|e| e.1.message.clone()).expect("imports");
    let plan: String = imported.files.iter().map(|(_, t)| t.as_str()).collect();
    assert!(plan.contains("scale_set vmss-app {"), "{plan}");
    let flat = plan.split_whitespace().collect::<Vec<_>>().join(" ");
    for line in [
        "subnet = vnet-app.snet-app",
        "image = ubuntu_2404",
        "size = Standard_D2s_v5",
        "admin_user = \"ops\"",
        "computer_name = \"app\"",
        "capacity { default = 4 }",
        "os_disk { size_gb = 64  type = Premium_LRS }",
        "ip_forwarding = true",
    ] {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(&line), "{line} missing from:\n{plan}");
    }
    assert!(!plan.contains("autoscale {"), "{plan}");
    assert!(plan.contains("// not imported: Microsoft.Compute/virtualMachineScaleSets \"vmss-legacy\""), "{plan}");
    assert!(plan.contains("// not imported: Microsoft.Insights/autoscaleSettings \"vmss-app-autoscale\""), "{plan}");
    let messages: Vec<&str> = imported.diagnostics.iter().filter(|d| d.code.code == "ASH021").map(|d| d.message.as_str()).collect();
    for (what, words) in
        [("vmss-legacy", "Flexible"), ("DependencyAgent", "left out"), ("vmss-app-autoscale", "schedule"), ("`ppg-app`", "proximity placement group")]
    {
        assert!(messages.iter().any(|m| m.contains(what) && m.contains(words)), "{what}: {messages:#?}");
    }
    // The plan builds without errors.
    let analysis = ashlar::analyze_text(&plan, std::path::Path::new("."));
    let errors: Vec<String> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity == ashlar::diagnostic::Severity::Error)
        .map(|d| format!("{} {}", d.code.code, d.message))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{plan}");
    // ... and forwards IP on its instances' interfaces, as the template's did.
    let built = ashlar::emit::emit(analysis.azure.as_ref().expect("lowered"));
    let main = built.iter().find(|f| f.path == "main.json").expect("main.json");
    let scale_set = resources(&main.contents)
        .into_iter()
        .find(|(k, _)| k.0 == "microsoft.compute/virtualmachinescalesets")
        .map(|(_, v)| v)
        .expect("the scale set");
    assert!(scale_set.contains("\"enableIPForwarding\":true"), "{scale_set}");
}

/// The plan an import writes puts each block in its resource group's file, so
/// what lowering orders among blocks of several files must not follow the
/// files: the chain of a hub's peerings (each waits for the one before) is in
/// the spokes' names' order whichever file holds which spoke.
#[test]
fn a_hubs_peering_chain_does_not_follow_the_files() {
    let hub = "settings { location = uksouth }\nhub core {\n  resource_group = \"rg-core\"\n  address_space = [10.0.0.0/22]\n  subnet AzureFirewallSubnet 10.0.0.0/26\n}\n";
    let spoke = |name: &str, n: u8| {
        format!(
            "spoke {name} {{\n  hub = core\n  resource_group = \"rg-{name}\"\n  address_space = [10.{n}.0.0/24]\n  subnet web 10.{n}.0.0/26\n}}\n"
        )
    };
    let chain = |files: &[(&str, String)]| -> Vec<(String, String)> {
        let dir = tempfile::tempdir().expect("a folder");
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("written");
        }
        let input = ashlar::load::read_plan(dir.path()).expect("the plan reads");
        let analysis = ashlar::analyze(&input);
        assert!(!analysis.diagnostics.iter().any(|d| d.is_error()), "{:?}", analysis.diagnostics);
        let built = ashlar::emit::emit(analysis.azure.as_ref().expect("lowered"));
        let main = built.iter().find(|f| f.path == "main.json").expect("main.json");
        let mut waits: Vec<(String, String)> = resources(&main.contents)
            .into_iter()
            .filter(|(k, _)| k.0 == "microsoft.network/virtualnetworks/virtualnetworkpeerings" && k.1.starts_with("core/"))
            .map(|(k, v)| (k.1, v.split("dependsOn=").nth(1).unwrap_or_default().to_string()))
            .collect();
        waits.sort();
        waits
    };
    let one = chain(&[("hub.ashlar", hub.to_string()), ("spokes.ashlar", spoke("beta", 2) + &spoke("alpha", 1) + &spoke("gamma", 3))]);
    let split =
        chain(&[("a.ashlar", spoke("gamma", 3)), ("b.ashlar", spoke("beta", 2)), ("c.ashlar", hub.to_string()), ("d.ashlar", spoke("alpha", 1))]);
    assert_eq!(one.len(), 3, "{one:?}");
    assert_eq!(one, split);
    // alpha first, then beta after it, gamma after beta.
    assert!(one[0].1 == "[]" && one[1].1.contains("core-to-alpha") && one[2].1.contains("core-to-beta"), "{one:?}");
}

/// A machine in a proximity placement group: the group is not imported yet,
/// and the machine says so rather than losing it unsaid.
#[test]
fn a_machines_proximity_placement_group_is_reported() {
    let text = std::fs::read_to_string("../tests/fixtures/import/own/machine-password.json").expect("the template");
    let at = text.find("\"hardwareProfile\"").expect("the machine's hardware profile");
    let template = format!(
        "{}\"proximityPlacementGroup\": {{ \"id\": \"[resourceId('Microsoft.Compute/proximityPlacementGroups', 'ppg-box')]\" }},\n{}",
        &text[..at],
        &text[at..]
    );
    let imported = ashlar::import::import("t.json", None, &template, None, &Default::default()).map_err(|e| e.1.message.clone()).expect("imports");
    let found = imported.diagnostics.iter().find(|d| d.code.code == "ASH021" && d.message.contains("proximity placement group `ppg-box`"));
    let found = found.expect("the group reported");
    let span = found.span.expect("at the value");
    assert!(imported.sources.get(span.file).text[span.range()].contains("ppg-box"));
}

/// Session hosts of one pool are built alike: a host of another size, or
/// declaring a license the pool does not write, is reported where it says so.
#[test]
fn session_hosts_unlike_the_pools_are_reported() {
    let text = std::fs::read_to_string("../tests/expected/virtual-desktops/main.json").expect("the example's output");
    let (before, after) = ("\"licenseType\": \"Windows_Client\"", "\"licenseType\": \"Windows_Server\"");
    let at = text.find(before).expect("a host's license");
    let mut template = format!("{}{after}{}", &text[..at], &text[at + before.len()..]);
    // The second finance host, a size larger.
    let host = template.find("\"name\": \"vm-fin-2\"").expect("a second host");
    let size = host + template[host..].find("\"vmSize\": \"").expect("its size") + "\"vmSize\": \"".len();
    let end = size + template[size..].find('"').expect("the size's end");
    template.replace_range(size..end, "Standard_D16s_v5");
    let imported = ashlar::import::import("t.json", None, &template, None, &Default::default()).map_err(|e| e.1.message.clone()).expect("imports");
    let messages: Vec<&str> = imported.diagnostics.iter().filter(|d| d.code.code == "ASH021").map(|d| d.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("license type `Windows_Server`")), "{messages:#?}");
    assert!(messages.iter().any(|m| m.contains("vm-fin-2") && m.contains("size is not the first host's")), "{messages:#?}");
    // As written, the example's hosts say nothing of the kind.
    let imported = ashlar::import::import("t.json", None, &text, None, &Default::default()).map_err(|e| e.1.message.clone()).expect("imports");
    assert!(!imported.diagnostics.iter().any(|d| d.message.contains("license type") || d.message.contains("first host's")));
}

/// A machine module shaped like Azure Verified Modules' (the machine's
/// network interfaces a property loop in its `networkProfile`, the interface
/// in a nested deployment in a `copy` loop, its IP configurations a property
/// loop over a parameter): the subnet, given by resource ID in a network the
/// template does not deploy, becomes a subnet of an `existing vnet` without its
/// prefix, the machine is imported into it, and the machine checks run on it.
#[test]
fn a_machine_in_a_subnet_outside_the_template_is_imported_into_an_existing_vnet() {
    let template = Path::new("../tests/fixtures/import/machine-module/main.json");
    let parameters = Path::new("../tests/fixtures/import/machine-module/main.parameters.json");
    let text = std::fs::read_to_string(template).expect("the template");
    let params = std::fs::read_to_string(parameters).expect("the parameters");
    let imported =
        ashlar::import::import("main.json", None, &text, Some(&params), &Default::default()).map_err(|e| e.1.message.clone()).expect("imports");
    let plan: String = imported.files.iter().map(|(_, t)| t.as_str()).collect();
    let squeezed: Vec<String> = plan.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
    for line in [
        "existing vnet vnet-spoke-app {",
        "resource_group = \"rg-platform-network\"",
        "subscription = \"0b3e5c71-94d2-4f8a-b6e0-7c1d2a9f4e58\"",
        "subnet snet-app",
        "compute vm-application-server-01 {",
        "subnet = vnet-spoke-app.snet-app",
        "ips = [10.60.1.10]",
    ] {
        assert!(squeezed.iter().any(|l| l == line), "`{line}` in:\n{plan}");
    }
    // The network's region is the interface's: Azure wants them the same.
    let network: Vec<&String> = squeezed.iter().skip_while(|l| *l != "existing vnet vnet-spoke-app {").take_while(|l| *l != "}").collect();
    assert!(network.iter().any(|l| *l == "location = westeurope"), "{network:?}");
    assert!(!plan.contains("not imported: Microsoft.Compute/virtualMachines"), "{plan}");
    let skipped = imported.diagnostics.iter().find(|d| d.code.code == "ASH021" && d.message.contains("without its address prefix"));
    assert!(skipped.is_some_and(|d| d.message.contains("subnet `snet-app` of network `vnet-spoke-app`")), "{:#?}", imported.diagnostics);

    // Checked as a plan: the Windows computer name of 24 characters, zone 4,
    // and the subscription the network is in, which the plan must deploy to.
    let (_, diagnostics) = ashlar::import::check_template(template, Some(parameters), None);
    let codes: Vec<&str> = diagnostics.iter().filter(|d| d.code.code != "ASH021").map(|d| d.code.code).collect();
    assert!(codes.contains(&"ASH400"), "{diagnostics:#?}");
    assert!(codes.contains(&"ASH104"), "{diagnostics:#?}");
    assert!(codes.contains(&"ASH459"), "{diagnostics:#?}");
    let name = diagnostics.iter().find(|d| d.code.code == "ASH400").expect("ASH400");
    assert!(name.message.contains("has 24 characters, more than the 15 Windows allows"), "{}", name.message);

    // A subnet ID known only at deployment stays as before: the machine is not imported.
    let unknown = text.replace(
        "[parameters('ipConfigurations')[copyIndex('ipConfigurations')].subnetResourceId]",
        "[resourceId('Microsoft.Network/virtualNetworks/subnets', uniqueString(parameters('name')), 'app')]",
    );
    assert_ne!(unknown, text);
    let imported =
        ashlar::import::import("main.json", None, &unknown, Some(&params), &Default::default()).map_err(|e| e.1.message.clone()).expect("imports");
    let plan: String = imported.files.iter().map(|(_, t)| t.as_str()).collect();
    assert!(!plan.contains("existing vnet"), "{plan}");
    assert!(
        imported
            .diagnostics
            .iter()
            .any(|d| d.code.code == "ASH021" && d.message.contains("subnet is not known before deployment; the machine is not imported")),
        "{:#?}",
        imported.diagnostics
    );
}

/// A private endpoint in a subnet of a network the template does not deploy
/// (ashlar's own output for `examples/application-team`) joins the `existing
/// vnet` block the machines' subnets join, with the resource group it deploys
/// in; in a network of its own, it makes that network's block.
#[test]
fn a_private_endpoint_in_a_subnet_outside_the_template_joins_its_existing_vnet() {
    let text = std::fs::read_to_string("../tests/expected/application-team/main.json").expect("the example's output");
    let import = |text: &str| {
        let imported = ashlar::import::import("main.json", None, text, None, &Default::default()).map_err(|e| e.1.message.clone()).expect("imports");
        let plan: String = imported.files.iter().map(|(_, t)| t.as_str()).collect();
        let squeezed: Vec<String> = plan.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
        (imported, plan, squeezed)
    };
    let (imported, plan, squeezed) = import(&text);
    assert_eq!(plan.matches("existing vnet ").count(), 1, "{plan}");
    let network: Vec<&String> =
        squeezed.iter().skip_while(|l| *l != "existing vnet vnet-spoke-orders-weu {").skip(1).take_while(|l| !l.starts_with("existing ")).collect();
    for line in [
        "subnet snet-data {",
        "private_endpoint vault {",
        "target = kv-orders-prod-01",
        "group = vault",
        "resource_group = \"rg-orders-endpoints\"",
        "subnet snet-app",
        "subnet snet-batch",
    ] {
        assert!(network.iter().any(|l| *l == line), "`{line}` in:\n{plan}");
    }
    assert!(!imported.diagnostics.iter().any(|d| d.message.contains("private endpoint")), "{:#?}", imported.diagnostics);

    // The endpoint's subnet in a network of another subscription: a second block, with its subscription.
    let other = text.replace(
        "[resourceId('rg-platform-network', 'Microsoft.Network/virtualNetworks/subnets', 'vnet-spoke-orders-weu', 'snet-data')]",
        "[resourceId('0b3e5c71-94d2-4f8a-b6e0-7c1d2a9f4e58', 'rg-data-network', 'Microsoft.Network/virtualNetworks/subnets', 'vnet-data', 'snet-endpoints')]",
    );
    assert_ne!(other, text);
    let (_, plan, squeezed) = import(&other);
    assert_eq!(plan.matches("existing vnet ").count(), 2, "{plan}");
    let network: Vec<&String> =
        squeezed.iter().skip_while(|l| *l != "existing vnet vnet-data {").skip(1).take_while(|l| !l.starts_with("existing ")).collect();
    for line in [
        "resource_group = \"rg-data-network\"",
        "subscription = \"0b3e5c71-94d2-4f8a-b6e0-7c1d2a9f4e58\"",
        "location = westeurope",
        "subnet snet-endpoints {",
        "private_endpoint vault {",
    ] {
        assert!(network.iter().any(|l| *l == line), "`{line}` in:\n{plan}");
    }
}
