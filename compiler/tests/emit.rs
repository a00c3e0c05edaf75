//! The emitters: the shape of an example's output (its bytes are compared in
//! `examples_output.rs`, and the ARM schemas and the Bicep grammar judge it in
//! `validate_output.rs`), escaping of hostile user data in ARM JSON and Bicep,
//! determinism, and the atomic write of the output folder.

use ashlar::emit::{self, OutputFile, Replace};
use ashlar::lower::ir::{api_version, AzurePlan, Deployment, DeploymentId, Object, Prop, Resource, ResourceGroup, ResourceId, SecretRef};
use ashlar::model::NodeId;
use indexmap::IndexMap;
use serde_json::Value;
use std::path::{Path, PathBuf};

#[path = "support/arm_schema.rs"]
mod arm_schema;
#[path = "support/bicep_syntax.rs"]
mod bicep_syntax;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn hub_spoke() -> AzurePlan {
    let input = ashlar::load::read_plan(&workspace().join("examples/hub-spoke")).expect("the example reads");
    let analysis = ashlar::analyze(&input);
    assert!(!analysis.has_errors(), "the example has errors: {:#?}", analysis.diagnostics);
    analysis.azure.expect("the example lowers")
}

fn file<'a>(files: &'a [OutputFile], path: &str) -> &'a str {
    &files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("no {path} among {:?}", paths(files))).contents
}

fn paths(files: &[OutputFile]) -> Vec<&str> {
    files.iter().map(|f| f.path.as_str()).collect()
}

// ---------------------------------------------------------------------------
// The example

#[test]
fn hub_spoke_files() {
    let files = emit::emit(&hub_spoke());
    assert_eq!(
        paths(&files),
        [
            "main.json",
            "main.parameters.json",
            "main.bicep",
            "modules/rg-app2-network.bicep",
            "modules/rg-core-network.bicep",
            "modules/rg-app1-network.bicep",
            "modules/rg-app1-network-2.bicep",
            "modules/rg-core-network-2.bicep",
            "modules/rg-app2-network-2.bicep",
        ]
    );
    for f in &files {
        assert!(f.contents.ends_with('\n') && !f.contents.ends_with("\n\n"), "{} must end with one newline", f.path);
        assert!(!f.contents.contains('\r') && !f.contents.contains(" \n"), "{} has stray whitespace", f.path);
    }
}

#[test]
fn hub_spoke_arm_shape() {
    let files = emit::emit(&hub_spoke());
    let main: Value = serde_json::from_str(file(&files, "main.json")).unwrap();
    assert_eq!(main["$schema"], "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#");
    assert_eq!(main["contentVersion"], "1.0.0.0");
    assert_eq!(main["metadata"]["_generator"]["name"], "ashlar");
    assert_eq!(main["metadata"]["_generator"]["version"], VERSION);
    assert!(main.get("languageVersion").is_none());
    let resources = main["resources"].as_array().unwrap();
    let types: Vec<&str> = resources.iter().map(|r| r["type"].as_str().unwrap()).collect();
    assert_eq!(types.iter().filter(|t| **t == "Microsoft.Resources/resourceGroups").count(), 3);
    assert_eq!(types.iter().filter(|t| **t == "Microsoft.Resources/deployments").count(), 6);

    // The peering from core to app1 waits for app1's network, in another deployment.
    let core2 = resources.iter().find(|r| r["name"] == "ashlar-rg-core-network-2").unwrap();
    assert_eq!(core2["resourceGroup"], "rg-core-network");
    assert_eq!(core2["properties"]["expressionEvaluationOptions"]["scope"], "Inner");
    let depends: Vec<&str> = core2["dependsOn"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
    assert_eq!(depends[0], "[subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg-core-network')]");
    assert!(depends.contains(
        &"[extensionResourceId(format('/subscriptions/{0}/resourceGroups/{1}', subscription().subscriptionId, 'rg-app1-network'), 'Microsoft.Resources/deployments', 'ashlar-rg-app1-network')]"
    ));
    let template = &core2["properties"]["template"];
    assert_eq!(template["$schema"], "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#");
    let peering = &template["resources"][0];
    assert_eq!(peering["type"], "Microsoft.Network/virtualNetworks/virtualNetworkPeerings");
    let remote = peering["properties"]["remoteVirtualNetwork"]["id"].as_str().unwrap();
    assert!(remote.starts_with("[resourceId('rg-app1-network', 'Microsoft.Network/virtualNetworks', "), "{remote}");
    // Its own virtual network is in another deployment: no dependsOn inside the nested template.
    assert!(peering.get("dependsOn").is_none());
}

#[test]
fn hub_spoke_bicep_shape() {
    let plan = hub_spoke();
    let files = emit::emit(&plan);
    let main = file(&files, "main.bicep");
    assert!(main.contains("targetScope = 'subscription'\n"));
    assert!(main.contains(
        "module deploy_rg_core_network_2 'modules/rg-core-network-2.bicep' = {\n  name: 'ashlar-rg-core-network-2'\n  scope: rg_core_network\n"
    ));
    // A peering whose virtual network is deployed by another module refers to it as `existing`.
    let core2 = file(&files, "modules/rg-core-network-2.bicep");
    let vnet = plan.resources.iter().find(|r| r.resource_group == "rg-core-network" && r.parent.is_none()).unwrap();
    let existing =
        format!("resource {} 'Microsoft.Network/virtualNetworks@{}' existing = {{\n  name: '{}'\n}}", vnet.symbol, vnet.api_version, vnet.name[0]);
    assert_eq!(core2.matches(&existing).count(), 1, "{core2}");
    assert!(core2.contains(&format!("  parent: {}\n", vnet.symbol)));
    assert!(core2.contains("resourceId('rg-app1-network', 'Microsoft.Network/virtualNetworks', "));
}

/// What the Bicep grammar finds wrong in the `.bicep` files among `files`.
fn bicep_problems(files: &[OutputFile]) -> Vec<String> {
    files.iter().filter(|f| f.path.ends_with(".bicep")).flat_map(|f| bicep_syntax::bicep_problems(&f.path, &f.contents)).collect()
}

/// What the vendored ARM schemas find wrong in the templates among `files`,
/// and the Bicep grammar in the `.bicep` files (every example's output is
/// judged so in `validate_output.rs`).
fn validator_problems(files: &[OutputFile]) -> Vec<String> {
    let arm = files
        .iter()
        .filter(|f| f.path.ends_with(".json") && arm_schema::is_template(&f.contents))
        .flat_map(|f| arm_schema::validate_template(&f.path, &f.contents))
        .map(|p| p.to_string());
    arm.chain(bicep_problems(files)).collect()
}

#[test]
fn emitting_twice_gives_the_same_bytes() {
    let plan = hub_spoke();
    assert_eq!(emit::emit(&plan), emit::emit(&plan));
    assert_eq!(emit::emit(&hub_spoke()), emit::emit(&plan));
    let hostile = hostile_plan();
    assert_eq!(emit::emit(&hostile), emit::emit(&hostile));
}

// ---------------------------------------------------------------------------
// Hostile strings

/// Strings that mean something to ARM, Bicep, JSON or handlebars.
const HOSTILE: &[&str] = &[
    "[concat('a')]",
    "[]",
    "[test",
    "a[b]",
    "it's",
    "''",
    "${x}",
    "$x {y} $",
    "\\",
    "back\\slash\\'",
    "line1\nline2\r\tend",
    "say \"hi\"",
    "Zürich ☃",
    "{{handlebars}} {{{triple}}} <&>",
    "\u{1}bell\u{7}",
    "// not a comment",
    "*/ /* ",
    " // after a blank",
    "a\n// after an escape",
    "ends with a backslash\\",
    "https://example.com/a//b",
];

/// What ARM JSON must hold for the literal `s`: ARM reads a string that starts
/// with `[` and ends with `]` as an expression, so those get a second `[`.
fn arm_form(s: &str) -> String {
    if s.starts_with('[') && s.ends_with(']') {
        format!("[{s}")
    } else {
        s.to_string()
    }
}

/// A plan built by hand with every hostile string in every place user data goes.
fn hostile_plan() -> AzurePlan {
    let vnet_type = "Microsoft.Network/virtualNetworks";
    let peering_type = "Microsoft.Network/virtualNetworks/virtualNetworkPeerings";
    let mut tags: IndexMap<String, String> = IndexMap::new();
    for (i, s) in HOSTILE.iter().enumerate() {
        tags.insert(format!("k{i}"), s.to_string());
        tags.insert(s.to_string(), format!("v{i}"));
    }
    tags.insert("cost-centre".into(), "a b".into());
    tags.insert("a b".into(), "if".into());
    tags.insert("if".into(), "true".into());
    let strings: Vec<Prop> = HOSTILE.iter().map(|s| Prop::str(*s)).collect();
    let keyed: Object = HOSTILE.iter().map(|s| (s.to_string(), Prop::str(*s))).collect();
    let rg_a = "rg-'a'[x]".to_string();
    let rg_b = "[rg-b]".to_string();
    let origin = NodeId(0);
    let vnet = |name: &str, rg: &str, symbol: &str| Resource {
        symbol: symbol.to_string(),
        resource_type: vnet_type,
        api_version: api_version(vnet_type),
        name: vec![name.to_string()],
        parent: None,
        resource_group: rg.to_string(),
        location: Some("[uk'south]".to_string()),
        tags: tags.clone(),
        top: Object::new(),
        properties: Prop::object([
            ("addressSpace", Prop::object([("addressPrefixes", Prop::Array(vec![Prop::str("10.0.0.0/16")]))])),
            ("subnets", Prop::Array(vec![])),
        ]),
        depends_on: vec![],
        origin,
        unless_listed_in: None,
    };
    // A hostile name in the condition of a resource sent only when not listed.
    let a = Resource { unless_listed_in: Some(ashlar::lower::ir::EXISTING_IMAGE_TEMPLATES), ..vnet("[vnet-'a']", &rg_a, "vnet_a") };
    let b = vnet("vnet-${b}\\", &rg_b, "vnet_b");
    let peering = |name: &str, parent: usize, remote: usize, rg: &str, extra: Vec<(&str, Prop)>| {
        let mut properties = Object::new();
        properties.insert("remoteVirtualNetwork".into(), Prop::object([("id", Prop::Id(ResourceId(remote)))]));
        properties.insert("allowVirtualNetworkAccess".into(), Prop::Bool(true));
        for (k, v) in extra {
            properties.insert(k.to_string().into(), v);
        }
        Resource {
            symbol: format!("peer_{parent}_{remote}"),
            resource_type: peering_type,
            api_version: api_version(peering_type),
            name: vec![if parent == 0 { "[vnet-'a']".into() } else { "vnet-${b}\\".into() }, name.to_string()],
            parent: Some(ResourceId(parent)),
            resource_group: rg.to_string(),
            location: None,
            tags: IndexMap::new(),
            top: Object::new(),
            properties: Prop::Object(properties),
            depends_on: vec![ResourceId(parent), ResourceId(remote)],
            origin,
            unless_listed_in: None,
        }
    };
    // 2: a to b, after both (another deployment of a's group); 3: b to a, likewise;
    // 4: a to a's own network, in the same deployment as a (parent inline, `.id`).
    let p_ab = peering("[peer]", 0, 1, &rg_a, vec![("hostile", Prop::Array(strings.clone()))]);
    let secret = SecretRef {
        vault_subscription: Some("sub'${x}[x]".into()),
        vault_group: "[rg-'kv']".into(),
        vault: "kv-${x}".into(),
        secret: "s'1\n".into(),
    };
    let p_ba = peering("peer-'b'\n", 1, 0, &rg_b, vec![("keyed", Prop::Object(keyed.clone())), ("key", Prop::Secret(Box::new(secret)))]);
    let subnet = Prop::ChildId { resource: ResourceId(1), child: "subnets", name: "[snet-'x']".into() };
    let p_aa =
        peering("${self}", 0, 0, &rg_a, vec![("n", Prop::Int(-42)), ("empty", Prop::object([])), ("none", Prop::Array(vec![])), ("subnet", subnet)]);
    let resources = vec![a, b, p_ab, p_ba, p_aa];
    let deployment = |name: &str, symbol: &str, stem: &str, rg: &str, resources: Vec<usize>, depends_on: Vec<usize>| Deployment {
        name: name.to_string(),
        symbol: symbol.to_string(),
        file_stem: stem.to_string(),
        resource_group: rg.to_string(),
        resources: resources.into_iter().map(ResourceId).collect(),
        depends_on: depends_on.into_iter().map(DeploymentId).collect(),
    };
    AzurePlan::new(
        vec![
            ResourceGroup { name: rg_a.clone(), location: "[uk'south]".into(), tags: tags.clone() },
            ResourceGroup { name: rg_b.clone(), location: "Zürich ☃".into(), tags: tags.clone() },
        ],
        resources,
        vec![
            deployment("[dep-a]", "deploy_a", "rg-a", &rg_a, vec![0, 4], vec![]),
            deployment("dep-'b'", "deploy_b", "rg-b", &rg_b, vec![1], vec![]),
            deployment("dep-a-2", "deploy_a_2", "rg-a-2", &rg_a, vec![2], vec![0, 1]),
            deployment("dep-b-2", "deploy_b_2", "rg-b-2", &rg_b, vec![3], vec![0, 1]),
        ],
        // At subscription scope: an ID of b's network, by its group, after b's and a's deployments.
        vec![Resource {
            symbol: "assign_x".into(),
            resource_type: "Microsoft.Maintenance/configurationAssignments",
            api_version: api_version("Microsoft.Maintenance/configurationAssignments"),
            name: vec!["[assign-'x']".into()],
            parent: None,
            resource_group: String::new(),
            location: None,
            tags: IndexMap::new(),
            top: Object::new(),
            properties: Prop::object([("maintenanceConfigurationId", Prop::Id(ResourceId(1))), ("hostile", Prop::Array(strings.clone()))]),
            depends_on: vec![ResourceId(1), ResourceId(0), ResourceId(1)],
            origin,
            unless_listed_in: None,
        }],
    )
}

/// Every string value and object key of a JSON document.
fn json_strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|i| json_strings(i, out)),
        Value::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                json_strings(v, out);
            }
        }
        _ => {}
    }
}

#[test]
fn hostile_strings_stay_data_in_arm() {
    let plan = hostile_plan();
    let files = emit::emit(&plan);
    let main: Value = serde_json::from_str(file(&files, "main.json")).expect("main.json is JSON");
    let mut strings = Vec::new();
    json_strings(&main, &mut strings);
    for s in HOSTILE {
        assert!(strings.contains(&arm_form(s)), "{s:?} is not in main.json as {:?}", arm_form(s));
    }
    // Strings that ARM would evaluate are only the ones ashlar makes.
    for s in &strings {
        if s.starts_with('[') && s.ends_with(']') && !s.starts_with("[[") {
            let known = [
                "[resourceId(",
                "[subscriptionResourceId(",
                "[extensionResourceId(",
                "[format('/subscriptions/{0}/resourceGroups/{1}/providers/Microsoft.KeyVault/vaults/{2}', subscription().subscriptionId, ",
                // A vault of another subscription: its ID a quoted string.
                "[format('/subscriptions/{0}/resourceGroups/{1}/providers/Microsoft.KeyVault/vaults/{2}', 'sub''${x}[x]', ",
                "[parameters('secret_",
                "[parameters('existingImageTemplates')]",
                "[not(contains(parameters('existingImageTemplates'), ",
            ];
            assert!(known.iter().any(|k| s.starts_with(k)), "unexpected expression {s:?}");
        }
    }

    // The secret reaches its deployment as a Key Vault reference, by a quoted name.
    let text = file(&files, "main.json");
    // A resource sent only when not listed names itself in its condition, quoted.
    assert!(text.contains(r#""[not(contains(parameters('existingImageTemplates'), '[vnet-''a'']'))]""#), "{text}");
    assert!(text.contains(r#""secretName": "s'1\n""#), "{text}");
    assert!(text.contains("'[rg-''kv'']', 'kv-${x}')]"), "{text}");
    assert!(text.contains(r#""[parameters('secret_s_1_')]""#), "{text}");

    let rgs = main["resources"].as_array().unwrap();
    assert_eq!(rgs[0]["name"], "rg-'a'[x]");
    assert_eq!(rgs[0]["location"], "[[uk'south]");
    assert_eq!(rgs[1]["name"], "[[rg-b]");
    assert_eq!(rgs[0]["tags"]["k0"], "[[concat('a')]");
    assert_eq!(rgs[0]["tags"]["[[concat('a')]"], "v0");
    assert_eq!(rgs[0]["tags"]["k2"], "[test");

    let dep_a = &rgs[2];
    assert_eq!(dep_a["name"], "[[dep-a]");
    assert_eq!(dep_a["resourceGroup"], "rg-'a'[x]");
    assert_eq!(dep_a["dependsOn"][0], "[subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg-''a''[x]')]");
    let inner = dep_a["properties"]["template"]["resources"].as_array().unwrap();
    assert_eq!(inner[0]["name"], "[[vnet-'a']");
    assert_eq!(inner[1]["name"], "[vnet-'a']/${self}");
    assert_eq!(inner[1]["properties"]["remoteVirtualNetwork"]["id"], "[resourceId('Microsoft.Network/virtualNetworks', '[vnet-''a'']')]");
    assert_eq!(inner[1]["dependsOn"], serde_json::json!(["[resourceId('Microsoft.Network/virtualNetworks', '[vnet-''a'']')]"]));

    let dep_a2 = &rgs[4];
    assert_eq!(
        dep_a2["dependsOn"][2],
        "[extensionResourceId(format('/subscriptions/{0}/resourceGroups/{1}', subscription().subscriptionId, '[rg-b]'), 'Microsoft.Resources/deployments', 'dep-''b''')]"
    );
    let p_ab = &dep_a2["properties"]["template"]["resources"][0];
    assert_eq!(p_ab["properties"]["remoteVirtualNetwork"]["id"], "[resourceId('[rg-b]', 'Microsoft.Network/virtualNetworks', 'vnet-${b}\\')]");
    let hostile: Vec<String> = p_ab["properties"]["hostile"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    assert_eq!(hostile, HOSTILE.iter().map(|s| arm_form(s)).collect::<Vec<_>>());
    let p_ba = &rgs[5]["properties"]["template"]["resources"][0];
    assert_eq!(p_ba["name"], "vnet-${b}\\/peer-'b'\n");
    let keyed = p_ba["properties"]["keyed"].as_object().unwrap();
    for s in HOSTILE {
        assert_eq!(keyed[&arm_form(s)], arm_form(s));
    }

    // The subscription-scope resource comes last: IDs name their group, and it
    // waits for each deployment it depends on once.
    let assignment = rgs.last().unwrap();
    assert_eq!(assignment["type"], "Microsoft.Maintenance/configurationAssignments");
    assert_eq!(assignment["name"], "[[assign-'x']");
    assert!(assignment.get("resourceGroup").is_none() && assignment.get("location").is_none());
    assert_eq!(assignment["properties"]["maintenanceConfigurationId"], "[resourceId('[rg-b]', 'Microsoft.Network/virtualNetworks', 'vnet-${b}\\')]");
    let hostile: Vec<String> = assignment["properties"]["hostile"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    assert_eq!(hostile, HOSTILE.iter().map(|s| arm_form(s)).collect::<Vec<_>>());
    assert_eq!(
        assignment["dependsOn"],
        serde_json::json!([
            "[extensionResourceId(format('/subscriptions/{0}/resourceGroups/{1}', subscription().subscriptionId, '[rg-b]'), 'Microsoft.Resources/deployments', 'dep-''b''')]",
            "[extensionResourceId(format('/subscriptions/{0}/resourceGroups/{1}', subscription().subscriptionId, 'rg-''a''[x]'), 'Microsoft.Resources/deployments', '[dep-a]')]",
        ])
    );
}

/// Reads the Bicep single-quoted string starting at `text[start]` (a `'`):
/// returns its value and the index after the closing quote. Panics on an
/// escape Bicep does not have and on an unescaped `${`.
fn bicep_unquote(text: &str, start: usize) -> (String, usize) {
    let mut chars = text[start + 1..].char_indices().peekable();
    let mut value = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' => return (value, start + 1 + i + 1),
            '\\' => {
                let (_, e) = chars.next().expect("an escape at the end of the text");
                match e {
                    '\\' => value.push('\\'),
                    '\'' => value.push('\''),
                    '$' => value.push('$'),
                    'n' => value.push('\n'),
                    'r' => value.push('\r'),
                    't' => value.push('\t'),
                    'u' => {
                        assert_eq!(chars.next().map(|(_, c)| c), Some('{'));
                        let mut hex = String::new();
                        for (_, h) in chars.by_ref() {
                            if h == '}' {
                                break;
                            }
                            hex.push(h);
                        }
                        value.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
                    }
                    other => panic!("Bicep has no escape \\{other}"),
                }
            }
            '$' if chars.peek().map(|(_, c)| *c) == Some('{') => panic!("an unescaped ${{ in a Bicep string: {value:?}"),
            '\n' | '\r' => panic!("a raw line break in a Bicep string: {value:?}"),
            c => value.push(c),
        }
    }
    panic!("an unterminated Bicep string at {start}");
}

/// Every single-quoted string of a Bicep file, decoded; comments skipped.
fn bicep_strings(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with('\'') {
            let (value, next) = bicep_unquote(text, i);
            out.push(value);
            i = next;
        } else {
            i += rest.chars().next().unwrap().len_utf8();
        }
    }
    out
}

#[test]
fn hostile_strings_stay_data_in_bicep() {
    let plan = hostile_plan();
    let files = emit::emit(&plan);
    let all: Vec<String> = files.iter().filter(|f| f.path.ends_with(".bicep")).flat_map(|f| bicep_strings(&f.contents)).collect();
    for s in HOSTILE {
        assert!(all.iter().any(|v| v == s), "{s:?} is not among the Bicep strings");
    }
    let main = file(&files, "main.bicep");
    let main_strings = bicep_strings(main);
    for expected in ["rg-'a'[x]", "[rg-b]", "[uk'south]", "Zürich ☃", "[dep-a]", "dep-'b'", "cost-centre", "a b", "if"] {
        assert!(main_strings.iter().any(|v| v == expected), "{expected:?} is not in main.bicep");
    }
    // Keys that are not identifiers are quoted; identifiers are not.
    assert!(main.contains("    k0: '[concat(\\'a\\')]'\n"), "{main}");
    assert!(main.contains("    'cost-centre': 'a b'\n"));
    assert!(main.contains("    'a b': 'if'\n"));
    assert!(main.contains("    'if': 'true'\n"));
    assert!(main.contains("    '\\${x}': 'v6'\n"));
    assert!(main.contains("    'line1\\nline2\\r\\tend': 'v10'\n"));
    assert!(main.contains("    '\\u{1}bell\\u{7}': 'v14'\n"));

    let a = file(&files, "modules/rg-a.bicep");
    assert!(a.contains("  name: '[vnet-\\'a\\']'\n"), "{a}");
    // The peering on a's network to itself: parent inline, reference by symbol,
    // and no dependsOn since both are implied.
    assert!(a.contains("  parent: vnet_a\n  name: '\\${self}'\n"), "{a}");
    assert!(a.contains("      id: vnet_a.id\n"));
    assert!(!a.contains("dependsOn"));
    assert!(a.contains("    n: -42\n    empty: {}\n    none: []\n"));

    let a2 = file(&files, "modules/rg-a-2.bicep");
    assert!(a2.contains("resource vnet_a 'Microsoft.Network/virtualNetworks@2025-07-01' existing = {\n  name: '[vnet-\\'a\\']'\n}\n"), "{a2}");
    // A trailing backslash is written `\u{5C}`, which the pycep parser reads correctly.
    assert!(a2.contains("      id: resourceId('[rg-b]', 'Microsoft.Network/virtualNetworks', 'vnet-\\${b}\\u{5C}')\n"), "{a2}");
    let b2 = file(&files, "modules/rg-b-2.bicep");
    assert!(b2.contains("  name: 'peer-\\'b\\'\\n'\n"), "{b2}");

    // The subscription-scope resource, in main.bicep: IDs by resourceId with the
    // group, after the modules that deploy what it depends on.
    assert!(
        main.contains("resource assign_x 'Microsoft.Maintenance/configurationAssignments@2023-04-01' = {\n  name: '[assign-\\'x\\']'\n"),
        "{main}"
    );
    assert!(
        main.contains("    maintenanceConfigurationId: resourceId('[rg-b]', 'Microsoft.Network/virtualNetworks', 'vnet-\\${b}\\u{5C}')\n"),
        "{main}"
    );
    assert!(main.contains("  dependsOn: [\n    deploy_b\n    deploy_a\n  ]\n}\n"), "{main}");
}

#[test]
fn hostile_plan_passes_the_bicep_grammar() {
    let problems = bicep_problems(&emit::emit(&hostile_plan()));
    assert!(problems.is_empty(), "{problems:#?}");
}

/// A plan written in ashlar, with hostile tag values.
const HOSTILE_PLAN_TEXT: &str = r#"
settings {
  location = uksouth
  tags {
    expr      = "[concat('a')]"
    half      = "[test"
    quote     = "it's"
    interp    = "\${x}"
    braces    = "\{y\}"
    backslash = "a\\b"
    newline   = "line1\nline2"
    dquote    = "say \"hi\""
    unicode   = "Zürich ☃"
    escaped   = "\u{2603}"
    cost-centre = "CC-1"
  }
}

hub core {
  resource_group = "rg-x"
  address_space  = [10.0.0.0/16]
}
"#;

const HOSTILE_TAG_VALUES: &[(&str, &str)] = &[
    ("expr", "[concat('a')]"),
    ("half", "[test"),
    ("quote", "it's"),
    ("interp", "${x}"),
    ("braces", "{y}"),
    ("backslash", "a\\b"),
    ("newline", "line1\nline2"),
    ("dquote", "say \"hi\""),
    ("unicode", "Zürich ☃"),
    ("escaped", "☃"),
    ("cost-centre", "CC-1"),
];

#[test]
fn hostile_tags_from_plan_text() {
    let dir = tempfile::tempdir().unwrap();
    let analysis = ashlar::analyze_text(HOSTILE_PLAN_TEXT, dir.path());
    assert!(!analysis.has_errors(), "{:#?}", analysis.diagnostics);
    let plan = analysis.azure.unwrap();
    let files = emit::emit(&plan);

    let main: Value = serde_json::from_str(file(&files, "main.json")).unwrap();
    let rg_tags = &main["resources"][0]["tags"];
    let vnet_tags = &main["resources"][1]["properties"]["template"]["resources"][0]["tags"];
    for (key, value) in HOSTILE_TAG_VALUES {
        assert_eq!(rg_tags[*key], arm_form(value), "resource group tag {key}");
        assert_eq!(vnet_tags[*key], arm_form(value), "virtual network tag {key}");
    }
    assert_eq!(rg_tags["expr"], "[[concat('a')]");
    assert_eq!(rg_tags["half"], "[test");

    for path in ["main.bicep", "modules/rg-x.bicep"] {
        let text = file(&files, path);
        let strings = bicep_strings(text);
        for (key, value) in HOSTILE_TAG_VALUES {
            assert!(strings.iter().any(|s| s == value), "{path}: tag {key} = {value:?} is not in\n{text}");
        }
        assert!(text.contains("    'cost-centre': 'CC-1'\n"), "{text}");
        assert!(text.contains("    interp: '\\${x}'\n"), "{text}");
    }

    // A valid plan: its output, hostile tags and all, passes both validators.
    let problems = validator_problems(&files);
    assert!(problems.is_empty(), "{problems:#?}");
}

/// A secret read from a vault in another subscription reaches both outputs
/// with that subscription, and passes both validators.
#[test]
fn a_secret_from_a_vault_of_another_subscription() {
    const SUBSCRIPTION: &str = "6a1f3c2e-0b7d-4e59-9c1a-2f4d8e6b0a13";
    let text = format!(
        "settings {{ location = uksouth }}\n\
         key_vault kv {{\n  resource_group = \"rg-kv\"\n  subscription = \"{SUBSCRIPTION}\"\n}}\n\
         vnet net {{\n  resource_group = \"rg-net\"\n  address_space = [10.0.0.0/24]\n  subnet app 10.0.0.0/26\n}}\n\
         compute box {{\n  resource_group = \"rg-app\"\n  subnet = net.app\n  image = windows_2022\n  size = Standard_D2s_v5\n  admin = secret(kv, \"box-admin\")\n}}\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let analysis = ashlar::analyze_text(&text, dir.path());
    assert!(!analysis.has_errors(), "{:#?}", analysis.diagnostics);
    let files = emit::emit(&analysis.azure.unwrap());
    let main = file(&files, "main.json");
    assert!(main.contains(&format!("'{SUBSCRIPTION}', 'rg-kv', 'kv')")), "{main}");
    assert!(!main.contains("subscription().subscriptionId, 'rg-kv'"), "{main}");
    let bicep = file(&files, "main.bicep");
    assert!(bicep.contains(&format!("scope: resourceGroup('{SUBSCRIPTION}', 'rg-kv')")), "{bicep}");
    let problems = validator_problems(&files);
    assert!(problems.is_empty(), "{problems:#?}");
}

// ---------------------------------------------------------------------------
// write_atomically

fn read_tree(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(root, &path, out);
            } else if path.file_name().is_some_and(|n| n == emit::MANIFEST) {
                // The list of what was written: looked at by its own test.
                continue;
            } else {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

fn files(list: &[(&str, &str)]) -> Vec<OutputFile> {
    list.iter().map(|(p, c)| OutputFile { path: p.to_string(), contents: c.to_string() }).collect()
}

fn siblings(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn write_creates_then_replaces_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    emit::write_atomically(&out, &files(&[("main.json", "{}\n"), ("modules/a.bicep", "// a\n"), ("stale.txt", "old\n")]), Replace::OwnOutputOnly)
        .unwrap();
    assert_eq!(
        read_tree(&out),
        [("main.json".into(), "{}\n".into()), ("modules/a.bicep".into(), "// a\n".into()), ("stale.txt".into(), "old\n".into())]
    );

    emit::write_atomically(&out, &files(&[("main.json", "{\"v\": 2}\n"), ("modules/b.bicep", "// b\n")]), Replace::OwnOutputOnly).unwrap();
    // The folder is replaced as a whole: files of the earlier build are gone.
    assert_eq!(read_tree(&out), [("main.json".to_string(), "{\"v\": 2}\n".to_string()), ("modules/b.bicep".into(), "// b\n".into())]);
    // And no temporary folder is left beside it.
    assert_eq!(siblings(dir.path()), ["out"]);
}

#[test]
fn write_the_example() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("build");
    let emitted = emit::emit(&hub_spoke());
    emit::write_atomically(&out, &emitted, Replace::OwnOutputOnly).unwrap();
    let tree = read_tree(&out);
    assert_eq!(tree.len(), emitted.len());
    for f in &emitted {
        assert_eq!(std::fs::read_to_string(out.join(&f.path)).unwrap(), f.contents, "{}", f.path);
    }
    // Optional: a copy to look at by hand.
    if let Ok(keep) = std::env::var("ASHLAR_EMIT_KEEP") {
        emit::write_atomically(Path::new(&keep), &emitted, Replace::OwnOutputOnly).unwrap();
        emit::write_atomically(&Path::new(&keep).join("../hostile"), &emit::emit(&hostile_plan()), Replace::OwnOutputOnly).unwrap();
    }
}

#[test]
fn a_failed_write_leaves_the_earlier_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let first = files(&[("main.json", "first\n"), ("modules/a.bicep", "// a\n")]);
    emit::write_atomically(&out, &first, Replace::OwnOutputOnly).unwrap();
    let before = read_tree(&out);

    // A file in the way of a folder: `main.json` cannot also be a folder.
    let clash = files(&[("main.json", "second\n"), ("main.json/x.bicep", "x\n")]);
    assert!(emit::write_atomically(&out, &clash, Replace::OwnOutputOnly).is_err());
    assert_eq!(read_tree(&out), before);
    assert_eq!(siblings(dir.path()), ["out"], "the staging folder is cleaned up");

    // Paths that would leave the folder are refused before anything is written.
    for bad in ["../escape.txt", "/abs.txt", "", "a/../../b"] {
        assert!(emit::write_atomically(&out, &files(&[("main.json", "third\n"), (bad, "x\n")]), Replace::OwnOutputOnly).is_err(), "{bad:?}");
        assert_eq!(read_tree(&out), before);
    }
    assert_eq!(siblings(dir.path()), ["out"]);
}

#[test]
fn a_write_under_a_file_fails() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("blocker");
    std::fs::write(&blocker, "not a folder").unwrap();
    let out = dir.path().join("out");
    emit::write_atomically(&out, &files(&[("main.json", "kept\n")]), Replace::OwnOutputOnly).unwrap();

    // The parent of the output path is a file.
    let err = emit::write_atomically(&blocker.join("out"), &files(&[("main.json", "x\n")]), Replace::OwnOutputOnly);
    assert!(err.is_err());
    assert_eq!(std::fs::read_to_string(&blocker).unwrap(), "not a folder");
    assert_eq!(read_tree(&out), [("main.json".to_string(), "kept\n".to_string())]);

    // The output path itself is a file: refused, the file kept.
    assert!(emit::write_atomically(&blocker, &files(&[("main.json", "x\n")]), Replace::OwnOutputOnly).is_err());
    assert_eq!(std::fs::read_to_string(&blocker).unwrap(), "not a folder");
    assert_eq!(siblings(dir.path()), ["blocker", "out"]);
}

#[test]
fn a_build_lists_what_it_wrote_and_replaces_only_that() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    emit::write_atomically(&out, &files(&[("main.json", "{}\n"), ("modules/a.bicep", "// a\n")]), Replace::OwnOutputOnly).unwrap();
    let manifest = std::fs::read_to_string(out.join(emit::MANIFEST)).unwrap();
    let listed: Vec<&str> = manifest.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(listed, ["main.json", "modules/a.bicep"]);

    // A file added by someone else stops the next build, which keeps it and the build.
    std::fs::write(out.join("modules/notes.txt"), "mine\n").unwrap();
    let err = emit::write_atomically(&out, &files(&[("main.json", "2\n")]), Replace::OwnOutputOnly).unwrap_err();
    assert!(err.to_string().contains("modules/notes.txt"), "{err}");
    assert_eq!(std::fs::read_to_string(out.join("modules/notes.txt")).unwrap(), "mine\n");
    assert_eq!(std::fs::read_to_string(out.join("main.json")).unwrap(), "{}\n");
    assert_eq!(siblings(dir.path()), ["out"]);

    // Told to, it replaces the folder whole.
    emit::write_atomically(&out, &files(&[("main.json", "3\n")]), Replace::Anything).unwrap();
    assert_eq!(read_tree(&out), [("main.json".to_string(), "3\n".to_string())]);
}

#[test]
fn a_folder_without_the_list_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("docs");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("main.json"), "someone's own\n").unwrap();
    assert!(emit::write_atomically(&out, &files(&[("main.json", "x\n")]), Replace::OwnOutputOnly).is_err());
    assert_eq!(std::fs::read_to_string(out.join("main.json")).unwrap(), "someone's own\n");
    // An empty folder is taken.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    emit::write_atomically(&empty, &files(&[("main.json", "x\n")]), Replace::OwnOutputOnly).unwrap();
    assert_eq!(read_tree(&empty), [("main.json".to_string(), "x\n".to_string())]);
}

/// A process number that no process has now.
fn gone_pid() -> u32 {
    (4_000_000..).find(|pid| !Path::new(&format!("/proc/{pid}")).exists()).unwrap()
}

#[test]
fn staging_folders_of_a_killed_build_are_removed_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let pid = gone_pid();
    // What a build killed while filling its staging folder, and one killed
    // between its two renames, leave behind.
    let staging = dir.path().join(format!(".out.new-{pid}-0"));
    std::fs::create_dir_all(staging.join("modules")).unwrap();
    std::fs::write(staging.join(emit::MANIFEST), "# list\nmain.json\n").unwrap();
    std::fs::write(staging.join("main.json"), "half").unwrap();
    let old = dir.path().join(format!(".out.old-{pid}-1"));
    std::fs::create_dir(&old).unwrap();
    std::fs::write(old.join(emit::MANIFEST), "# list\n").unwrap();
    let empty = dir.path().join(format!(".out.new-{pid}-2"));
    std::fs::create_dir(&empty).unwrap();
    // Not ashlar's: no list in it, a live process's, or another folder's.
    let foreign = dir.path().join(format!(".out.new-{pid}-3"));
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "mine").unwrap();
    let live = dir.path().join(format!(".out.new-{}-4", std::process::id()));
    std::fs::create_dir(&live).unwrap();
    let other = dir.path().join(format!(".other.new-{pid}-5"));
    std::fs::create_dir(&other).unwrap();

    emit::write_atomically(&out, &files(&[("main.json", "{}\n")]), Replace::OwnOutputOnly).unwrap();
    let mut expected =
        vec![format!(".other.new-{pid}-5"), format!(".out.new-{pid}-3"), format!(".out.new-{}-4", std::process::id()), "out".to_string()];
    expected.sort();
    assert_eq!(siblings(dir.path()), expected);
    assert_eq!(std::fs::read_to_string(foreign.join("notes.txt")).unwrap(), "mine");
}

// ---------------------------------------------------------------------------
// Identities, principal IDs and GUID names

/// An identity and a role assignment named by GUID in one group; a resource of
/// another group that reads the identity's ID (as a key) and principal ID.
fn identity_plan() -> AzurePlan {
    let identity_type = "Microsoft.ManagedIdentity/userAssignedIdentities";
    let role_type = "Microsoft.Authorization/roleAssignments";
    let template_type = "Microsoft.VirtualMachineImages/imageTemplates";
    let resource = |symbol: &str, resource_type: &'static str, name: Vec<&str>, rg: &str, properties: Prop, depends_on: Vec<usize>| Resource {
        symbol: symbol.into(),
        resource_type,
        api_version: api_version(resource_type),
        name: name.into_iter().map(String::from).collect(),
        parent: None,
        resource_group: rg.into(),
        location: None,
        tags: IndexMap::new(),
        top: Object::new(),
        properties,
        depends_on: depends_on.into_iter().map(ResourceId).collect(),
        origin: NodeId(0),
        unless_listed_in: None,
    };
    let identity = resource("id_a", identity_type, vec!["id-'a'"], "rg-'id'", Prop::Object(Object::new()), vec![]);
    let role = resource(
        "role_a",
        role_type,
        vec!["seed 'x'", "[y]"],
        "rg-'id'",
        Prop::object([
            ("roleDefinitionId", Prop::SubscriptionResourceId { resource_type: "Microsoft.Authorization/roleDefinitions", name: "it's".into() }),
            ("principalId", Prop::PrincipalId(ResourceId(0))),
        ]),
        vec![0],
    );
    let mut user = resource("it_b", template_type, vec!["it-b"], "rg-b", Prop::object([("principal", Prop::PrincipalId(ResourceId(0)))]), vec![0, 1]);
    user.top.insert("identity".into(), Prop::object([("userAssignedIdentities", Prop::IdKeys(vec![(ResourceId(0), Prop::Object(Object::new()))]))]));
    let deployment = |name: &str, rg: &str, resources: Vec<usize>, depends_on: Vec<usize>| Deployment {
        name: name.into(),
        symbol: format!("deploy_{}", name.replace('-', "_")),
        file_stem: name.into(),
        resource_group: rg.into(),
        resources: resources.into_iter().map(ResourceId).collect(),
        depends_on: depends_on.into_iter().map(DeploymentId).collect(),
    };
    AzurePlan::new(
        vec![
            ResourceGroup { name: "rg-'id'".into(), location: "uksouth".into(), tags: IndexMap::new() },
            ResourceGroup { name: "rg-b".into(), location: "uksouth".into(), tags: IndexMap::new() },
        ],
        vec![identity, role, user],
        vec![deployment("rg-id", "rg-'id'", vec![0, 1], vec![]), deployment("rg-b", "rg-b", vec![2], vec![0])],
        vec![],
    )
}

#[test]
fn guid_names_and_principal_ids_are_expressions_of_literals() {
    let files = emit::emit(&identity_plan());
    let main: Value = serde_json::from_str(file(&files, "main.json")).unwrap();
    let first = &main["resources"][2]["properties"]["template"]["resources"];
    let guid = "guid(subscription().subscriptionId, 'rg-''id''', 'seed ''x''', '[y]')";
    assert_eq!(first[1]["name"], format!("[{guid}]"));
    assert_eq!(first[1]["properties"]["roleDefinitionId"], "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'it''s')]");
    assert_eq!(
        first[1]["properties"]["principalId"],
        "[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id-''a'''), '2024-11-30').principalId]"
    );
    let second = &main["resources"][3]["properties"]["template"]["resources"][0];
    let identity_id = "resourceId('rg-''id''', 'Microsoft.ManagedIdentity/userAssignedIdentities', 'id-''a''')";
    assert_eq!(second["properties"]["principal"], format!("[reference({identity_id}, '2024-11-30').principalId]"));
    assert_eq!(second["identity"]["userAssignedIdentities"], serde_json::json!({ format!("[{identity_id}]"): {} }));

    let id_module = file(&files, "modules/rg-id.bicep");
    assert!(id_module.contains("  name: guid(subscription().subscriptionId, 'rg-\\'id\\'', 'seed \\'x\\'', '[y]')\n"), "{id_module}");
    assert!(id_module.contains("    principalId: id_a.properties.principalId\n"), "{id_module}");
    assert!(id_module.contains("    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'it\\'s')\n"), "{id_module}");
    // The identity is implied by the symbol the role reads: no dependsOn.
    assert!(!id_module.contains("dependsOn"), "{id_module}");
    let b_module = file(&files, "modules/rg-b.bicep");
    assert!(
        b_module.contains(
            "resource id_a 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {\n  scope: resourceGroup('rg-\\'id\\'')\n  name: 'id-\\'a\\''\n}\n"
        ),
        "{b_module}"
    );
    assert!(b_module.contains("      '${id_a.id}': {}\n"), "{b_module}");
    assert!(b_module.contains("    principal: id_a.properties.principalId\n"), "{b_module}");
    let problems = bicep_problems(&files);
    assert!(problems.is_empty(), "{problems:#?}");
}

// ---------------------------------------------------------------------------
// Scopes, registration tokens and the deployment time

/// A host pool and an application group in one group and deployment, a role
/// assignment scoped to the group there, and in a second deployment of the
/// same group an extension that reads the pool's registration token.
fn desktop_plan() -> AzurePlan {
    let pool_type = "Microsoft.DesktopVirtualization/hostPools";
    let group_type = "Microsoft.DesktopVirtualization/applicationGroups";
    let role_type = "Microsoft.Authorization/roleAssignments";
    let vm_type = "Microsoft.Compute/virtualMachines";
    let ext_type = "Microsoft.Compute/virtualMachines/extensions";
    let rg = "rg-'d'";
    let resource = |symbol: &str, resource_type: &'static str, name: Vec<&str>, properties: Prop, depends_on: Vec<usize>| Resource {
        symbol: symbol.into(),
        resource_type,
        api_version: api_version(resource_type),
        name: name.into_iter().map(String::from).collect(),
        parent: None,
        resource_group: rg.into(),
        location: None,
        tags: IndexMap::new(),
        top: Object::new(),
        properties,
        depends_on: depends_on.into_iter().map(ResourceId).collect(),
        origin: NodeId(0),
        unless_listed_in: None,
    };
    let pool = resource(
        "hp_a",
        pool_type,
        vec!["hp-'a'[x]"],
        Prop::object([("registrationInfo", Prop::object([("expirationTime", Prop::DeploymentTimePlus("PT24H"))]))]),
        vec![],
    );
    let group = resource("ag_a", group_type, vec!["[ag-'a']"], Prop::object([("hostPoolArmPath", Prop::Id(ResourceId(0)))]), vec![0]);
    let mut role = resource("role_a", role_type, vec!["[ag-'a']", "p"], Prop::object([("principalId", Prop::str("p"))]), vec![1]);
    role.top.insert("scope".into(), Prop::Scope(ResourceId(1)));
    let vm = resource("vm_a", vm_type, vec!["vm-a"], Prop::Object(Object::new()), vec![]);
    let mut ext = resource(
        "ext_a",
        ext_type,
        vec!["vm-a", "Microsoft.PowerShell.DSC"],
        Prop::object([("token", Prop::RegistrationToken(ResourceId(0)))]),
        vec![3, 0],
    );
    ext.parent = Some(ResourceId(3));
    let deployment = |name: &str, resources: Vec<usize>, depends_on: Vec<usize>| Deployment {
        name: name.into(),
        symbol: format!("deploy_{}", name.replace('-', "_")),
        file_stem: name.into(),
        resource_group: rg.into(),
        resources: resources.into_iter().map(ResourceId).collect(),
        depends_on: depends_on.into_iter().map(DeploymentId).collect(),
    };
    AzurePlan::new(
        vec![ResourceGroup { name: rg.into(), location: "uksouth".into(), tags: IndexMap::new() }],
        vec![pool, group, role, vm, ext],
        vec![deployment("rg-d", vec![0, 1, 2], vec![]), deployment("rg-d-2", vec![3, 4], vec![0])],
        vec![],
    )
}

#[test]
fn scopes_tokens_and_the_deployment_time_are_expressions_of_literals() {
    let files = emit::emit(&desktop_plan());
    let main: Value = serde_json::from_str(file(&files, "main.json")).unwrap();
    let first = &main["resources"][1]["properties"]["template"];
    // The time is a parameter's default value, declared where it is read only.
    assert_eq!(first["parameters"]["deployment_time"], serde_json::json!({ "type": "string", "defaultValue": "[utcNow('u')]" }));
    assert_eq!(first["resources"][0]["properties"]["registrationInfo"]["expirationTime"], "[dateTimeAdd(parameters('deployment_time'), 'PT24H')]");
    assert_eq!(first["resources"][2]["scope"], "[format('Microsoft.DesktopVirtualization/applicationGroups/{0}', '[ag-''a'']')]");
    let second = &main["resources"][2]["properties"]["template"];
    assert!(second.get("parameters").is_none(), "{second}");
    assert_eq!(
        second["resources"][1]["properties"]["token"],
        "[listRegistrationTokens(resourceId('Microsoft.DesktopVirtualization/hostPools', 'hp-''a''[x]'), '2025-10-10').value[0].token]"
    );

    let first = file(&files, "modules/rg-d.bicep");
    assert!(first.contains("param deployment_time string = utcNow('u')\n"), "{first}");
    assert!(first.contains("      expirationTime: dateTimeAdd(deployment_time, 'PT24H')\n"), "{first}");
    assert!(first.contains("  scope: ag_a\n"), "{first}");
    // The group is implied by the scope: no dependsOn.
    assert!(!first.contains("dependsOn"), "{first}");
    let second = file(&files, "modules/rg-d-2.bicep");
    assert!(!second.contains("deployment_time"), "{second}");
    assert!(
        second.contains("resource hp_a 'Microsoft.DesktopVirtualization/hostPools@2025-10-10' existing = {\n  name: 'hp-\\'a\\'[x]'\n}\n"),
        "{second}"
    );
    assert!(second.contains("    token: hp_a.listRegistrationTokens().value[0].token\n"), "{second}");
    let problems = bicep_problems(&files);
    assert!(problems.is_empty(), "{problems:#?}");
}
