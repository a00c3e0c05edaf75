//! The organisation's Azure Policy, evaluated over what a plan deploys: real
//! built-in definitions (vendored in `compiler/data/azure-policy/`) over the
//! examples and over plans that must fail, an initiative with parameters, a
//! `notScopes` exclusion, enforcement modes, scopes, suppressions, and what
//! cannot be evaluated. Each expectation follows what Microsoft documents for
//! the definition (its rule, quoted in the test).

use ashlar::diagnostic::{Diagnostic, Severity};
use std::path::Path;
use std::process::Command;

const SUB: &str = "11111111-2222-3333-4444-555555555555";

/// `/providers/Microsoft.Authorization/policyDefinitions/<id>`.
fn builtin(id: &str) -> String {
    format!("/providers/Microsoft.Authorization/policyDefinitions/{id}")
}

const ALLOWED_LOCATIONS: &str = "e56962a6-4747-49cd-b67b-bf8b01975c4c";
const REQUIRE_TAG: &str = "871b6d14-10aa-478d-b590-94f262ecfa99";
const RG_REQUIRE_TAG: &str = "96670d01-0a4d-4649-9c89-2d3abc0a5025";
const ADD_TAG: &str = "4f9dc7db-30c1-420c-b61a-e1d640128d26";
const VM_SIZES: &str = "cccc23c7-8427-4f53-ad12-b6a63eb452b3";
const NIC_PUBLIC_IP: &str = "83a86a26-fd1f-447c-b59d-e51f44264114";
const MANAGED_DISKS: &str = "06a78e20-9358-41c9-923c-fb736d382a4d";
const PRIVATE_SUBNETS: &str = "7bca8353-aa3b-429b-904a-9229c4385837";
const NIC_IP_FORWARDING: &str = "88c0b9da-ce96-4b03-9635-f29a937e2900";

/// An assignment of `definition` at `scope` with `parameters` (`{ NAME: VALUE }`).
fn assignment(name: &str, definition: &str, scope: &str, parameters: serde_json::Value) -> serde_json::Value {
    let parameters: serde_json::Map<String, serde_json::Value> =
        parameters.as_object().cloned().unwrap_or_default().into_iter().map(|(k, v)| (k, serde_json::json!({ "value": v }))).collect();
    serde_json::json!({ "name": name, "policyDefinitionId": definition, "scope": scope, "parameters": parameters })
}

/// Analyses the plan in `dir` with `policy` given as `policy/policy.json` in `ashlar.toml`.
fn analyze_in(dir: &Path, policy: &serde_json::Value, toml_extra: &str) -> Vec<Diagnostic> {
    std::fs::create_dir_all(dir.join("policy")).unwrap();
    std::fs::write(dir.join("policy/policy.json"), serde_json::to_string_pretty(policy).unwrap()).unwrap();
    std::fs::write(dir.join("ashlar.toml"), format!("[azure_policy]\nfiles = [\"policy\"]\n{toml_extra}")).unwrap();
    let input = ashlar::load::read_plan(dir).expect("the plan reads");
    ashlar::analyze(&input).diagnostics
}

/// Analyses `plan` (one file) with `policy`.
fn analyze(plan: &str, policy: serde_json::Value) -> Vec<Diagnostic> {
    analyze_with(plan, policy, &format!("subscription = \"{SUB}\"\n"))
}

fn analyze_with(plan: &str, policy: serde_json::Value, toml_extra: &str) -> Vec<Diagnostic> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.ashlar"), plan).unwrap();
    analyze_in(dir.path(), &policy, toml_extra)
}

/// Analyses an example with `policy` given on the side, as `--azure-policy` does.
fn analyze_example(example: &str, policy: serde_json::Value) -> Vec<Diagnostic> {
    let mut input = ashlar::load::read_plan(&Path::new("../examples").join(example)).expect("the example reads");
    let bytes = serde_json::to_vec(&policy).unwrap();
    input.azure_policy = vec![ashlar::load::InputFile { name: "policy.json".into(), path: "policy.json".into(), bytes }];
    let analysis = ashlar::analyze(&input);
    assert!(analysis.azure.is_some() || analysis.diagnostics.iter().any(|d| d.code.code.starts_with("ASH70")), "{example} lowers");
    analysis.diagnostics
}

fn of<'a>(diagnostics: &'a [Diagnostic], code: &str) -> Vec<&'a Diagnostic> {
    diagnostics.iter().filter(|d| d.code.code == code).collect()
}

fn messages(diagnostics: &[&Diagnostic]) -> Vec<String> {
    diagnostics.iter().map(|d| d.message.clone()).collect()
}

/// Two hubs in two resource groups, in westeurope; one with an `owner` tag.
const TWO_HUBS: &str = r#"
settings { location = westeurope }
hub west {
  resource_group = "rg-west"
  address_space  = [10.0.0.0/16]
  tags { owner = "network-team" }
}
hub east {
  resource_group = "rg-east"
  address_space  = [10.1.0.0/16]
}
"#;

#[test]
fn allowed_locations_denies_what_is_deployed_elsewhere_and_nothing_else() {
    // "if": { "allOf": [ location notIn listOfAllowedLocations, location notEquals global, ... ] }, effect: deny by default.
    let sub = format!("/subscriptions/{SUB}");
    let denied = analyze(
        TWO_HUBS,
        serde_json::json!([assignment("locations", &builtin(ALLOWED_LOCATIONS), &sub, serde_json::json!({ "listOfAllowedLocations": ["uksouth"] }))]),
    );
    let found = of(&denied, "ASH700");
    assert_eq!(found.len(), 2, "{:?}", messages(&found));
    assert!(found.iter().all(|d| d.severity == Severity::Error && d.message.contains("`Allowed locations` (assignment `locations`) denies hub")));
    let allowed = analyze(
        TWO_HUBS,
        serde_json::json!([assignment(
            "locations",
            &builtin(ALLOWED_LOCATIONS),
            &sub,
            serde_json::json!({ "listOfAllowedLocations": ["westeurope"] })
        )]),
    );
    assert!(allowed.is_empty(), "{:?}", allowed.iter().map(|d| &d.message).collect::<Vec<_>>());
}

#[test]
fn require_a_tag_denies_only_the_resources_without_it() {
    // "if": { "field": "[concat('tags[', parameters('tagName'), ']')]", "exists": "false" }, effect: deny.
    let policy =
        serde_json::json!([assignment("owner", &builtin(REQUIRE_TAG), &format!("/subscriptions/{SUB}"), serde_json::json!({ "tagName": "owner" }))]);
    let found = analyze(TWO_HUBS, policy);
    let denied = of(&found, "ASH700");
    assert_eq!(
        messages(&denied),
        vec!["Azure Policy `Require a tag on resources` (assignment `owner`) denies hub `east` (Microsoft.Network/virtualNetworks `east`)"]
    );
}

#[test]
fn a_resource_group_without_a_required_tag_is_denied_on_the_block_of_its_first_resource() {
    // "Require a tag on resource groups", mode All: type equals Microsoft.Resources/subscriptions/resourceGroups and the tag does not exist.
    // A group takes the tags of the first block in it: rg-west hub west's `owner`, rg-east none.
    let plan = TWO_HUBS;
    let policy = serde_json::json!([assignment(
        "rg-owner",
        &builtin(RG_REQUIRE_TAG),
        &format!("/subscriptions/{SUB}"),
        serde_json::json!({ "tagName": "owner" })
    )]);
    let found = analyze(plan, policy);
    assert_eq!(
        messages(&of(&found, "ASH700")),
        vec!["Azure Policy `Require a tag on resource groups` (assignment `rg-owner`) denies resource group `rg-east` (of hub `east`, its first resource)"]
    );
}

#[test]
fn add_a_tag_says_what_azure_will_change() {
    // effect: modify, operations: [ add tags[tagName] = tagValue ], when the tag is missing.
    let policy = serde_json::json!([assignment(
        "cost",
        &builtin(ADD_TAG),
        &format!("/subscriptions/{SUB}"),
        serde_json::json!({ "tagName": "owner", "tagValue": "platform" })
    )]);
    let found = analyze(TWO_HUBS, policy);
    let changed = of(&found, "ASH702");
    assert_eq!(changed.len(), 1, "{:?}", messages(&changed));
    assert_eq!(changed[0].severity, Severity::Info);
    assert!(
        changed[0].message.contains("will change hub `east`") && changed[0].message.ends_with("add `tags[owner]` = \"platform\""),
        "{}",
        changed[0].message
    );
}

/// An initiative of two built-ins, its parameters passed on to them.
fn initiative() -> serde_json::Value {
    serde_json::json!({
        "id": "/providers/Microsoft.Management/managementGroups/contoso/providers/Microsoft.Authorization/policySetDefinitions/contoso-baseline",
        "name": "contoso-baseline",
        "properties": {
            "displayName": "Contoso baseline",
            "parameters": {
                "regions": { "type": "Array" },
                "ownerTag": { "type": "String", "defaultValue": "owner" }
            },
            "policyDefinitions": [
                { "policyDefinitionReferenceId": "locations", "policyDefinitionId": builtin(ALLOWED_LOCATIONS),
                  "parameters": { "listOfAllowedLocations": { "value": "[parameters('regions')]" } } },
                { "policyDefinitionReferenceId": "owner-tag", "policyDefinitionId": builtin(REQUIRE_TAG),
                  "parameters": { "tagName": { "value": "[parameters('ownerTag')]" } } }
            ]
        }
    })
}

#[test]
fn an_initiative_passes_its_parameters_on_and_not_scopes_exclude_a_resource_group() {
    let set = "/providers/Microsoft.Management/managementGroups/contoso/providers/Microsoft.Authorization/policySetDefinitions/contoso-baseline";
    let mut assigned = assignment("baseline", set, &format!("/subscriptions/{SUB}"), serde_json::json!({ "regions": ["uksouth"] }));
    let found = analyze(TWO_HUBS, serde_json::json!([initiative(), assigned.clone()]));
    let denied = messages(&of(&found, "ASH700"));
    assert_eq!(denied.len(), 3, "both hubs are in westeurope, east has no owner tag: {denied:?}");
    assert!(denied.iter().all(|m| m.contains("of initiative `Contoso baseline`, assignment `baseline`")), "{denied:?}");
    assert!(denied.iter().any(|m| m.contains("`owner-tag`") && m.contains("hub `east`")), "{denied:?}");

    assigned["notScopes"] = serde_json::json!([format!("/subscriptions/{SUB}/resourceGroups/rg-east")]);
    let found = analyze(TWO_HUBS, serde_json::json!([initiative(), assigned]));
    let denied = messages(&of(&found, "ASH700"));
    assert_eq!(denied.len(), 1, "rg-east is excluded: {denied:?}");
    assert!(denied[0].contains("`locations` of initiative") && denied[0].contains("hub `west`"), "{denied:?}");
}

#[test]
fn an_assignment_applies_only_inside_its_scope() {
    let rg = format!("/subscriptions/{SUB}/resourceGroups/rg-west");
    let found = analyze(
        TWO_HUBS,
        serde_json::json!([assignment("locations", &builtin(ALLOWED_LOCATIONS), &rg, serde_json::json!({ "listOfAllowedLocations": ["uksouth"] }))]),
    );
    assert_eq!(
        messages(&of(&found, "ASH700")),
        vec!["Azure Policy `Allowed locations` (assignment `locations`) denies hub `west` (Microsoft.Network/virtualNetworks `west`)"]
    );
    // Another subscription's assignment does not apply when ashlar.toml says where the plan deploys.
    let other = "/subscriptions/99999999-2222-3333-4444-555555555555";
    let found = analyze(
        TWO_HUBS,
        serde_json::json!([assignment(
            "locations",
            &builtin(ALLOWED_LOCATIONS),
            other,
            serde_json::json!({ "listOfAllowedLocations": ["uksouth"] })
        )]),
    );
    assert!(of(&found, "ASH700").is_empty());
}

#[test]
fn do_not_enforce_makes_a_deny_a_warning() {
    let mut a = assignment(
        "locations",
        &builtin(ALLOWED_LOCATIONS),
        &format!("/subscriptions/{SUB}"),
        serde_json::json!({ "listOfAllowedLocations": ["uksouth"] }),
    );
    a["enforcementMode"] = serde_json::json!("DoNotEnforce");
    let found = analyze(TWO_HUBS, serde_json::json!([a]));
    assert!(of(&found, "ASH700").is_empty());
    let warned = of(&found, "ASH701");
    assert_eq!(warned.len(), 2);
    assert!(warned.iter().all(|d| d.severity == Severity::Warning && d.message.contains("DoNotEnforce")));
}

#[test]
fn a_finding_is_allowed_by_the_assignment_name_or_the_code_in_its_block() {
    let plan = TWO_HUBS.replace(
        "  address_space  = [10.1.0.0/16]\n",
        "  address_space  = [10.1.0.0/16]\n  allow locations because \"exemption EX-42 until the move to uksouth\"\n",
    );
    let policy = serde_json::json!([assignment(
        "locations",
        &builtin(ALLOWED_LOCATIONS),
        &format!("/subscriptions/{SUB}"),
        serde_json::json!({ "listOfAllowedLocations": ["uksouth"] })
    )]);
    let found = analyze(&plan, policy.clone());
    assert_eq!(
        messages(&of(&found, "ASH700")),
        vec!["Azure Policy `Allowed locations` (assignment `locations`) denies hub `west` (Microsoft.Network/virtualNetworks `west`)"]
    );
    let by_code = TWO_HUBS
        .replace("  address_space  = [10.1.0.0/16]\n", "  address_space  = [10.1.0.0/16]\n  allow azure-policy-deny because \"exemption EX-42\"\n");
    let found = analyze(&by_code, policy);
    assert_eq!(of(&found, "ASH700").len(), 1);
    assert!(of(&found, "ASH502").is_empty() && of(&found, "ASH503").is_empty());
}

/// A custom definition `name` denying `type` where `alias` equals `value`, and its assignment `name` at the subscription.
fn custom(name: &str, resource_type: &str, alias: &str, value: serde_json::Value) -> serde_json::Value {
    let id = format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/policyDefinitions/{name}");
    serde_json::json!([
        {
            "id": id,
            "name": name,
            "properties": {
                "displayName": name,
                "mode": "All",
                "policyRule": {
                    "if": { "allOf": [ { "field": "type", "equals": resource_type }, { "field": alias, "equals": value } ] },
                    "then": { "effect": "deny" }
                }
            }
        },
        assignment(name, &id, &format!("/subscriptions/{SUB}"), serde_json::json!({}))
    ])
}

#[test]
fn an_alias_the_catalogue_lacks_is_reported_never_read_as_absent() {
    // No such property of a subnet: Azure has no such alias, and neither has the catalogue.
    let found = analyze(
        TWO_HUBS,
        custom("made-up", "Microsoft.Network/virtualNetworks", "Microsoft.Network/virtualNetworks/subnets[*].noSuchSetting", serde_json::json!("x")),
    );
    let codes: Vec<&str> = found.iter().map(|d| d.code.code).collect();
    assert_eq!(codes, vec!["ASH704"], "{:?}", found.iter().map(|d| &d.message).collect::<Vec<_>>());
    assert!(
        found[0].message.contains("the alias catalogue has no `Microsoft.Network/virtualNetworks/subnets[*].noSuchSetting`"),
        "{}",
        found[0].message
    );
    // The same definition on an alias the catalogue has is evaluated (a virtual network's subnets' prefixes).
    let found = analyze(
        TWO_HUBS,
        custom(
            "prefix",
            "Microsoft.Network/virtualNetworks",
            "Microsoft.Network/virtualNetworks/addressSpace.addressPrefixes[*]",
            serde_json::json!("10.1.0.0/16"),
        ),
    );
    assert_eq!(
        messages(&of(&found, "ASH700")),
        vec!["Azure Policy `prefix` (assignment `prefix`) denies hub `east` (Microsoft.Network/virtualNetworks `east`)"]
    );
    assert!(of(&found, "ASH704").is_empty());
}

/// Two hubs: `west`'s subnet `app` private as ashlar writes it by default, `east`'s subnet `legacy`
/// keeping Azure's default outbound access.
const OUTBOUND: &str = r#"
settings { location = westeurope }
hub west {
  resource_group = "rg-west"
  address_space  = [10.0.0.0/16]
  subnet app 10.0.1.0/24 {}
}
hub east {
  resource_group = "rg-east"
  address_space  = [10.1.0.0/16]
  subnet legacy 10.1.1.0/24 { default_outbound_access = true }
}
"#;

#[test]
fn subnets_should_be_private_audits_only_the_network_whose_subnet_keeps_default_outbound_access() {
    // "count" of "Microsoft.Network/virtualNetworks/subnets[*]" where "defaultOutboundAccess" "notEquals" "false"
    // or "exists" false, "greater" 0, on "Microsoft.Network/virtualNetworks"; effect "Audit" by default.
    // ashlar writes `defaultOutboundAccess` on every subnet, false unless the plan says otherwise.
    let sub = format!("/subscriptions/{SUB}");
    let found = analyze(OUTBOUND, serde_json::json!([assignment("private", &builtin(PRIVATE_SUBNETS), &sub, serde_json::json!({}))]));
    assert!(of(&found, "ASH704").is_empty(), "{:?}", messages(&of(&found, "ASH704")));
    assert_eq!(
        messages(&of(&found, "ASH701")),
        vec!["Azure Policy `Subnets should be private` (assignment `private`) finds hub `east` (Microsoft.Network/virtualNetworks `east`) non-compliant (effect `audit`)"]
    );
    // With "effect": "Deny", the same network is denied.
    let found =
        analyze(OUTBOUND, serde_json::json!([assignment("private", &builtin(PRIVATE_SUBNETS), &sub, serde_json::json!({ "effect": "Deny" }))]));
    assert_eq!(of(&found, "ASH700").len(), 1, "{:?}", messages(&of(&found, "ASH700")));
    // A network without the subnet that keeps it passes.
    let found = analyze(
        &OUTBOUND.replace(" { default_outbound_access = true }", " {}"),
        serde_json::json!([assignment("private", &builtin(PRIVATE_SUBNETS), &sub, serde_json::json!({}))]),
    );
    let policy: Vec<&String> = found.iter().filter(|d| d.code.code.starts_with("ASH70")).map(|d| &d.message).collect();
    assert!(policy.is_empty(), "{policy:?}");
}

#[test]
fn network_interfaces_with_ip_forwarding_are_denied() {
    // "Microsoft.Network/networkInterfaces/enableIpForwarding" "equals" "true", effect deny: the hub-nva example's
    // appliances forward (`ip_forwarding = true`); the compute example's machines do not.
    let sub = format!("/subscriptions/{SUB}");
    let input = ashlar::load::read_plan(Path::new("../examples/hub-nva")).expect("the example reads");
    let plan = ashlar::analyze(&input).azure.expect("the example lowers");
    let forwarding: Vec<String> = plan
        .resources
        .iter()
        .filter(|r| r.resource_type == "Microsoft.Network/networkInterfaces")
        .filter(|r| matches!(&r.properties, ashlar::lower::ir::Prop::Object(o) if o.get("enableIPForwarding") == Some(&ashlar::lower::ir::Prop::Bool(true))))
        .map(|r| r.name.join("/"))
        .collect();
    assert!(!forwarding.is_empty());
    let policy = serde_json::json!([assignment("no-forwarding", &builtin(NIC_IP_FORWARDING), &sub, serde_json::json!({}))]);
    let found = analyze_example("hub-nva", policy.clone());
    assert!(of(&found, "ASH704").is_empty(), "{:?}", messages(&of(&found, "ASH704")));
    let denied = messages(&of(&found, "ASH700"));
    assert_eq!(denied.len(), forwarding.len(), "{denied:?}");
    for name in forwarding {
        assert!(denied.iter().any(|m| m.contains(&format!("Microsoft.Network/networkInterfaces `{name}`"))), "{name}: {denied:?}");
    }
    let input = ashlar::load::read_plan(Path::new("../examples/compute")).expect("the example reads");
    let plan = ashlar::analyze(&input).azure.expect("the example lowers");
    assert!(plan.resources.iter().any(|r| r.resource_type == "Microsoft.Network/networkInterfaces"));
    let found = analyze_example("compute", policy);
    let policy: Vec<&String> = found.iter().filter(|d| d.code.code.starts_with("ASH70")).map(|d| &d.message).collect();
    assert!(policy.is_empty(), "{policy:?}");
}

#[test]
fn an_alias_from_psrules_provider_data_is_read() {
    // Microsoft.DesktopVirtualization/hostPools/hostPoolType -> properties.hostPoolType comes from PSRule's
    // data/providers/microsoft.desktopvirtualization/types.json alone (compiler/data/README.md).
    let definition = serde_json::json!({
        "id": "/subscriptions/11111111-2222-3333-4444-555555555555/providers/Microsoft.Authorization/policyDefinitions/personal-pools-only",
        "name": "personal-pools-only",
        "properties": {
            "displayName": "Personal host pools only",
            "mode": "Indexed",
            "policyRule": {
                "if": { "allOf": [
                    { "field": "type", "equals": "Microsoft.DesktopVirtualization/hostPools" },
                    { "field": "Microsoft.DesktopVirtualization/hostPools/hostPoolType", "notEquals": "Personal" }
                ] },
                "then": { "effect": "deny" }
            }
        }
    });
    let policy = serde_json::json!([
        definition,
        assignment(
            "personal",
            "/subscriptions/11111111-2222-3333-4444-555555555555/providers/Microsoft.Authorization/policyDefinitions/personal-pools-only",
            &format!("/subscriptions/{SUB}"),
            serde_json::json!({})
        )
    ]);
    let found = analyze_example("virtual-desktops", policy);
    assert!(of(&found, "ASH704").is_empty(), "{:?}", messages(&of(&found, "ASH704")));
    // The example's pool `finance` is pooled, `devs` personal.
    let denied = messages(&of(&found, "ASH700"));
    assert_eq!(denied.len(), 1, "{denied:?}");
    assert!(denied[0].contains("`Personal host pools only`") && denied[0].contains("desktop_pool `finance`"), "{denied:?}");
}

#[test]
fn the_examples_under_real_built_in_definitions() {
    let sub = format!("/subscriptions/{SUB}");
    let baseline = |locations: &[&str]| {
        serde_json::json!([
            assignment("locations", &builtin(ALLOWED_LOCATIONS), &sub, serde_json::json!({ "listOfAllowedLocations": locations })),
            assignment("no-public-nics", &builtin(NIC_PUBLIC_IP), &sub, serde_json::json!({})),
            assignment("managed-disks", &builtin(MANAGED_DISKS), &sub, serde_json::json!({})),
        ])
    };
    // ashlar gives network interfaces no public IP and machines managed disks: every example passes those two.
    for entry in std::fs::read_dir("../examples").unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let found = analyze_example(&name, baseline(&["uksouth", "ukwest", "westeurope"]));
        let policy: Vec<&String> = found.iter().filter(|d| d.code.code.starts_with("ASH70")).map(|d| &d.message).collect();
        assert!(policy.is_empty(), "{name}: {policy:?}");
    }
    // The single-file example is in westeurope: its two networks are denied where only uksouth is allowed.
    let found = analyze_example("single-file", baseline(&["uksouth"]));
    let denied = messages(&of(&found, "ASH700"));
    assert_eq!(denied.len(), 2, "{denied:?}");
    assert!(denied.iter().all(|m| m.contains("Microsoft.Network/virtualNetworks")));
}

/// The findings of the assignment `name`, by code.
fn of_assignment<'a>(diagnostics: &'a [Diagnostic], name: &str) -> Vec<(&'static str, &'a str)> {
    let tag = format!("assignment `{name}`");
    diagnostics.iter().filter(|d| d.message.contains(&tag)).map(|d| (d.code.code, d.message.as_str())).collect()
}

#[test]
fn every_vendored_built_in_over_every_example() {
    // Each of the nine vendored built-ins assigned at once, over each example; what each finds is
    // compared with what its rule says of the resources ashlar lowers (counted from the plan, not from
    // the engine): the JSON ashlar writes for the request must put each value where the alias reads it.
    let sub = format!("/subscriptions/{SUB}");
    let tag = "cost-centre-never-set";
    for entry in std::fs::read_dir("../examples").unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let input = ashlar::load::read_plan(&Path::new("../examples").join(&name)).expect("the example reads");
        let plan = ashlar::analyze(&input).azure.expect("the example lowers");
        let resources: Vec<&ashlar::lower::ir::Resource> = plan.resources.iter().chain(&plan.subscription_resources).collect();
        let mut locations: Vec<String> = resources.iter().filter_map(|r| r.location.clone()).collect();
        locations.extend(plan.resource_groups.iter().map(|g| g.location.clone()));
        let count = |t: &str| resources.iter().filter(|r| r.resource_type == t).count();
        let forwarding = resources
            .iter()
            .filter(|r| r.resource_type == "Microsoft.Network/networkInterfaces")
            .filter(|r| matches!(&r.properties, ashlar::lower::ir::Prop::Object(o) if o.get("enableIPForwarding") == Some(&ashlar::lower::ir::Prop::Bool(true))))
            .count();
        let open_networks = resources
            .iter()
            .filter(|r| r.resource_type == "Microsoft.Network/virtualNetworks")
            .filter(|r| {
                let ashlar::lower::ir::Prop::Object(o) = &r.properties else { return false };
                let Some(ashlar::lower::ir::Prop::Array(subnets)) = o.get("subnets") else { return false };
                subnets.iter().any(|s| match s {
                    ashlar::lower::ir::Prop::Object(s) => match s.get("properties") {
                        Some(ashlar::lower::ir::Prop::Object(p)) => p.get("defaultOutboundAccess") != Some(&ashlar::lower::ir::Prop::Bool(false)),
                        _ => true,
                    },
                    _ => true,
                })
            })
            .count();
        // Indexed definitions evaluate the types that take tags and a location (docs/azure-policy.md, "Mode").
        let indexed = resources
            .iter()
            .filter(|r| r.location.is_some() && ashlar::azure::resource_types::resource_type(r.resource_type).is_some_and(|t| t.takes_tags))
            .count();
        let groups = plan.resource_groups.iter().filter(|g| plan.resources.iter().any(|r| r.resource_group == g.name)).count();

        let policy = serde_json::json!([
            assignment("locations", &builtin(ALLOWED_LOCATIONS), &sub, serde_json::json!({ "listOfAllowedLocations": locations })),
            assignment("tag", &builtin(REQUIRE_TAG), &sub, serde_json::json!({ "tagName": tag })),
            assignment("group-tag", &builtin(RG_REQUIRE_TAG), &sub, serde_json::json!({ "tagName": tag })),
            assignment("add-tag", &builtin(ADD_TAG), &sub, serde_json::json!({ "tagName": tag, "tagValue": "unset" })),
            assignment("no-public-nics", &builtin(NIC_PUBLIC_IP), &sub, serde_json::json!({})),
            assignment("no-forwarding", &builtin(NIC_IP_FORWARDING), &sub, serde_json::json!({})),
            assignment("private", &builtin(PRIVATE_SUBNETS), &sub, serde_json::json!({})),
            assignment("managed-disks", &builtin(MANAGED_DISKS), &sub, serde_json::json!({})),
            assignment("sizes", &builtin(VM_SIZES), &sub, serde_json::json!({ "listOfAllowedSKUs": [] })),
        ]);
        let found = analyze_example(&name, policy);
        let codes = |assignment: &str| -> Vec<&'static str> { of_assignment(&found, assignment).iter().map(|(c, _)| *c).collect() };
        let all = |code: &'static str, n: usize| vec![code; n];
        // "location notIn listOfAllowedLocations": every location the plan uses is allowed.
        assert_eq!(codes("locations"), all("ASH700", 0), "{name}");
        // "tags[tagName] exists false", deny, mode Indexed: every resource that takes tags lacks it,
        // but "add-tag" adds it first (modify runs before deny), so none is denied.
        assert_eq!(codes("tag"), all("ASH700", 0), "{name}");
        // The same for resource groups, mode All, "type equals Microsoft.Resources/subscriptions/resourceGroups".
        assert_eq!(codes("group-tag"), all("ASH700", groups), "{name}");
        // Modify "addOrReplace" the tag where it "exists false", mode Indexed.
        assert_eq!(codes("add-tag"), all("ASH702", indexed), "{name}");
        // "ipconfigurations[*].publicIpAddress.id notEquals ''" on network interfaces: ashlar gives them none.
        assert_eq!(codes("no-public-nics"), all("ASH700", 0), "{name}");
        // "enableIpForwarding equals true" on network interfaces: those the plan makes forward.
        assert_eq!(codes("no-forwarding"), all("ASH700", forwarding), "{name}");
        // A virtual network with a subnet whose "defaultOutboundAccess" "notEquals" "false" (or is absent),
        // audited: those with a subnet the plan gives `default_outbound_access = true`.
        assert_eq!(codes("private"), all("ASH701", open_networks), "{name}");
        // "osDisk.uri exists true" (unmanaged disks) and the like: ashlar's machines use managed disks.
        assert_eq!(codes("managed-disks"), all("ASH701", 0), "{name}");
        // "type equals Microsoft.Compute/virtualMachines", "sku.name" not in listOfAllowedSKUs: with none
        // allowed, each machine is denied (and no scale set: the rule names machines only).
        assert_eq!(codes("sizes"), all("ASH700", count("Microsoft.Compute/virtualMachines")), "{name}");
    }
}

#[test]
fn no_vendored_built_in_reads_an_alias_the_catalogue_lacks_over_any_example() {
    // Every vendored definition, assigned with a value for each parameter that has no default, over every
    // example: each reads only aliases the catalogue resolves, so none is left unevaluated (`ASH704`).
    let sub = format!("/subscriptions/{SUB}");
    let values = serde_json::json!({
        "listOfAllowedLocations": ["westeurope", "uksouth", "ukwest"],
        "listOfAllowedSKUs": ["Standard_D2s_v5"],
        "tagName": "owner",
        "tagValue": "unset",
    });
    let mut policy = Vec::new();
    for (file, text) in ashlar::azure_policy::builtins::DEFINITIONS {
        let json: serde_json::Value = serde_json::from_str(text).unwrap();
        let mut given = serde_json::Map::new();
        for (parameter, declared) in json["properties"]["parameters"].as_object().into_iter().flatten() {
            if declared.get("defaultValue").is_none() {
                let value = values.get(parameter).unwrap_or_else(|| panic!("{file}: give its parameter `{parameter}` a value here"));
                given.insert(parameter.clone(), value.clone());
            }
        }
        policy.push(assignment(file, &builtin(json["name"].as_str().unwrap()), &sub, serde_json::Value::Object(given)));
    }
    let mut examples = 0;
    for entry in std::fs::read_dir("../examples").unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let found = analyze_example(&name, serde_json::Value::Array(policy.clone()));
        let not_evaluated = messages(&of(&found, "ASH704"));
        assert!(not_evaluated.is_empty(), "{name}: {not_evaluated:?}");
        examples += 1;
    }
    assert!(examples >= 10);
}

#[test]
fn allowed_vm_sizes_deny_the_machines_of_other_sizes() {
    // "if": { "allOf": [ type equals virtualMachines, Microsoft.Compute/virtualMachines/sku.name notIn listOfAllowedSKUs ] }.
    let sub = format!("/subscriptions/{SUB}");
    let found = analyze_example(
        "update-management",
        serde_json::json!([assignment("sizes", &builtin(VM_SIZES), &sub, serde_json::json!({ "listOfAllowedSKUs": ["Standard_B1s"] }))]),
    );
    let denied = of(&found, "ASH700");
    assert!(!denied.is_empty());
    assert!(denied.iter().all(|d| d.message.contains("Microsoft.Compute/virtualMachines")), "{:?}", messages(&denied));
    let input = ashlar::load::read_plan(Path::new("../examples/update-management")).unwrap();
    let plan = ashlar::analyze(&input).azure.expect("the example lowers");
    let machines = plan.resources.iter().filter(|r| r.resource_type == "Microsoft.Compute/virtualMachines").count();
    assert_eq!(denied.len(), machines);
}

#[test]
fn a_subscription_the_plan_may_deploy_to_makes_an_outcome_unknown_not_guessed() {
    let definition = serde_json::json!({
        "name": "only-here",
        "properties": {
            "displayName": "Only in the landing zone", "mode": "All",
            "policyRule": { "if": { "field": "id", "notLike": format!("/subscriptions/{SUB}/*") }, "then": { "effect": "deny" } }
        }
    });
    let a = assignment(
        "only-here",
        "/subscriptions/x/providers/Microsoft.Authorization/policyDefinitions/only-here",
        &format!("/subscriptions/{SUB}"),
        serde_json::json!({}),
    );
    let found = analyze_with(TWO_HUBS, serde_json::json!([definition.clone(), a.clone()]), "");
    assert!(of(&found, "ASH700").is_empty());
    // Mode All: the two networks and their two resource groups.
    assert_eq!(of(&found, "ASH703").len(), 4, "{:?}", found.iter().map(|d| &d.message).collect::<Vec<_>>());
    // Known, it is decided: the plan deploys to that subscription.
    let found = analyze(TWO_HUBS, serde_json::json!([definition, a]));
    assert!(found.is_empty(), "{:?}", found.iter().map(|d| &d.message).collect::<Vec<_>>());
}

#[test]
fn what_cannot_be_read_is_reported_where_it_is() {
    let found = analyze_with(TWO_HUBS, serde_json::json!([]), "subscription = \"not-an-id\"\n");
    assert_eq!(of(&found, "ASH014").len(), 1, "{:?}", found.iter().map(|d| &d.message).collect::<Vec<_>>());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.ashlar"), TWO_HUBS).unwrap();
    std::fs::write(dir.path().join("ashlar.toml"), "[azure_policy]\nfiles = [\"../outside.json\", \"missing.json\"]\n").unwrap();
    let analysis = ashlar::analyze(&ashlar::load::read_plan(dir.path()).unwrap());
    let unreadable = of(&analysis.diagnostics, "ASH705");
    assert_eq!(unreadable.len(), 2, "{:?}", messages(&unreadable));
    let at: Vec<&str> = unreadable.iter().map(|d| analysis.sources.text(d.span.expect("a place in ashlar.toml"))).collect();
    assert_eq!(at, vec!["\"../outside.json\"", "\"missing.json\""]);
    std::fs::write(dir.path().join("ashlar.toml"), "[azure_policy]\nfiles = [\"p.json\"]\n").unwrap();
    std::fs::write(dir.path().join("p.json"), "[{\"name\": \"x\",").unwrap();
    let found = ashlar::analyze(&ashlar::load::read_plan(dir.path()).unwrap()).diagnostics;
    let bad = of(&found, "ASH705");
    assert_eq!(bad.len(), 1);
    assert!(bad[0].message.starts_with("p.json is not JSON") && bad[0].span.is_some(), "{}", bad[0].message);
}

#[test]
fn the_command_line_takes_azure_policy_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.ashlar"), TWO_HUBS).unwrap();
    let policy = dir.path().join("assignments.json");
    let a = assignment(
        "locations",
        &builtin(ALLOWED_LOCATIONS),
        &format!("/subscriptions/{SUB}"),
        serde_json::json!({ "listOfAllowedLocations": ["uksouth"] }),
    );
    std::fs::write(&policy, serde_json::to_string(&serde_json::json!([a])).unwrap()).unwrap();
    let run = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_ashlar")).args(args).output().unwrap();
    let out = run(&["check", dir.path().join("plan.ashlar").to_str().unwrap(), "--format", "short", "--azure-policy", policy.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.matches("error[ASH700]").count(), 2, "{stderr}");
    let out = run(&["check", dir.path().join("plan.ashlar").to_str().unwrap(), "--azure-policy", "/nonexistent/policy.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ASH705"));
}

#[test]
fn the_alias_catalogue_holds_only_types_ashlar_emits() {
    let catalogue: serde_json::Value = serde_json::from_str(ashlar::azure::policy_aliases::CATALOGUE).expect("the catalogue is JSON");
    let mut types = Vec::new();
    for provider in catalogue.as_array().unwrap() {
        for rt in provider["resourceTypes"].as_array().unwrap() {
            let name = format!("{}/{}", provider["namespace"].as_str().unwrap(), rt["resourceType"].as_str().unwrap());
            assert!(ashlar::azure::resource_types::resource_type(&name).is_some(), "{name} is not a type ashlar emits");
            assert!(!rt["aliases"].as_array().unwrap().is_empty());
            types.push(name.to_ascii_lowercase());
        }
    }
    // Every type ashlar emits has its aliases, but the one docs/azure-policy.md ("The alias catalogue") names.
    let docs = std::fs::read_to_string("../docs/azure-policy.md").unwrap();
    let without: Vec<&str> =
        ashlar::azure::RESOURCE_TYPES.iter().map(|t| t.name).filter(|name| !types.contains(&name.to_ascii_lowercase())).collect();
    assert_eq!(without, vec!["Microsoft.Resources/resourceGroups"]);
    assert!(docs.contains("`Microsoft.Resources/resourceGroups`"));
    assert_eq!(types.len(), 49, "compiler/data/README.md and docs/azure-policy.md name how many types it covers");
    assert_eq!(
        ashlar::azure::policy_aliases::emitted_type_of("Microsoft.Network/virtualNetworks/subnets/defaultOutboundAccess"),
        Some("Microsoft.Network/virtualNetworks/subnets")
    );
    assert_eq!(ashlar::azure::policy_aliases::emitted_type_of("Microsoft.Storage/storageAccounts/supportsHttpsTrafficOnly"), None);
}

#[test]
fn the_vendored_built_ins_are_the_definitions_their_sources_name() {
    let readme = std::fs::read_to_string("data/README.md").unwrap();
    let docs = std::fs::read_to_string("../docs/azure-policy.md").unwrap();
    for (file, text) in ashlar::azure_policy::builtins::DEFINITIONS {
        let json: serde_json::Value = serde_json::from_str(text).unwrap();
        let id = json["name"].as_str().unwrap();
        assert_eq!(json["id"].as_str().unwrap(), builtin(id), "{file}");
        assert!(readme.contains(&format!("| `{file}` |")) && readme.contains(id), "{file} ({id}) is listed in compiler/data/README.md");
        assert!(docs.contains(id), "{id} is listed in docs/azure-policy.md");
    }
}

/// Analyses `plan` (one file) with `toml` as its `ashlar.toml`, and no exported policy.
fn analyze_with_toml(plan: &str, toml: &str) -> Vec<Diagnostic> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.ashlar"), plan).unwrap();
    std::fs::write(dir.path().join("ashlar.toml"), toml).unwrap();
    let input = ashlar::load::read_plan(dir.path()).expect("the plan reads");
    ashlar::analyze(&input).diagnostics
}

#[test]
fn the_std_azure_policy_preset_assigns_built_ins_without_an_export() {
    // Allowed locations (listOfAllowedLocations given) denies both westeurope hubs; Require a tag on
    // resources and on resource groups (tagName given) deny `east` and its group rg-east, which lack `owner`.
    let toml = "[azure_policy]\npresets = [\"std.azure_policy\"]\n\n[azure_policy.parameters]\nlistOfAllowedLocations = [\"uksouth\"]\ntagName = \"owner\"\n";
    let found = analyze_with_toml(TWO_HUBS, toml);
    let denied = messages(&of(&found, "ASH700"));
    assert_eq!(denied.len(), 4, "{denied:?}");
    assert!(denied.iter().all(|m| m.contains("of initiative `std.azure_policy`, assignment `std.azure_policy`")), "{denied:?}");
    assert_eq!(denied.iter().filter(|m| m.contains("`allowed-locations`")).count(), 2, "{denied:?}");
    assert!(denied.iter().any(|m| m.contains("`require-tag`") && m.contains("hub `east`")), "{denied:?}");
    assert!(denied.iter().any(|m| m.contains("`require-group-tag`") && m.contains("resource group `rg-east`")), "{denied:?}");
    // The finding points at the preset's name in ashlar.toml.
    let located = of(&found, "ASH700")[0];
    assert!(located.labels.iter().any(|l| l.span.start as usize == toml.find("\"std.azure_policy\"").unwrap()), "{located:?}");
    // Every member is evaluated; no subnet of the two hubs keeps default outbound access, so Subnets should be private finds nothing.
    assert!(of(&found, "ASH704").is_empty(), "{:?}", messages(&of(&found, "ASH704")));
    assert!(of(&found, "ASH701").is_empty(), "{:?}", messages(&of(&found, "ASH701")));

    // The effect parameter of a member: Allowed locations as an audit.
    let audit = format!("{toml}allowedLocationsEffect = \"Audit\"\n");
    let found = analyze_with_toml(TWO_HUBS, &audit);
    assert_eq!(of(&found, "ASH700").len(), 2, "only the two tag denials are left");
    assert_eq!(messages(&of(&found, "ASH701")).iter().filter(|m| m.contains("`allowed-locations`")).count(), 2);

    // Without the parameters, the members that need them are left out: nothing is denied.
    let found = analyze_with_toml(TWO_HUBS, "[azure_policy]\npresets = [\"std.azure_policy\"]\n");
    assert!(of(&found, "ASH700").is_empty(), "{:?}", messages(&of(&found, "ASH700")));
    assert!(of(&found, "ASH014").is_empty());
}

#[test]
fn the_preset_denies_machines_of_sizes_not_allowed_in_an_example() {
    // Allowed virtual machine size SKUs with one size: each machine of the compute example of another size is denied.
    let mut input = ashlar::load::read_plan(Path::new("../examples/compute")).expect("the example reads");
    let plan = ashlar::analyze(&input).azure.expect("the example lowers");
    let machines = plan.resources.iter().filter(|r| r.resource_type == "Microsoft.Compute/virtualMachines").count();
    input.config =
        Some(b"[azure_policy]\npresets = [\"std.azure_policy\"]\n\n[azure_policy.parameters]\nlistOfAllowedSKUs = [\"Standard_B1s\"]\n".to_vec());
    let analysis = ashlar::analyze(&input);
    let denied = messages(&of(&analysis.diagnostics, "ASH700"));
    assert!(machines > 0);
    assert_eq!(denied.len(), machines, "{denied:?}");
    assert!(denied.iter().all(|m| m.contains("`allowed-vm-sizes`")), "{denied:?}");
}

#[test]
fn a_preset_or_parameter_ashlar_does_not_know_is_reported_in_ashlar_toml() {
    let found = analyze_with_toml(TWO_HUBS, "[azure_policy]\npresets = [\"std.azure-policy\"]\n");
    let bad = messages(&of(&found, "ASH014"));
    assert_eq!(bad.len(), 1, "{found:?}");
    assert!(bad[0].contains("`presets` names `std.azure-policy`, which is no preset; there is `std.azure_policy`"), "{bad:?}");
    let found = analyze_with_toml(
        TWO_HUBS,
        "[azure_policy]\npresets = [\"std.azure_policy\"]\n[azure_policy.parameters]\nallowedLocations = [\"uksouth\"]\n",
    );
    let bad = messages(&of(&found, "ASH014"));
    assert_eq!(bad.len(), 1, "{found:?}");
    assert!(bad[0].contains("`parameters` gives `allowedLocations`, but no preset of `presets` declares it"), "{bad:?}");
}

#[test]
fn the_preset_names_vendored_built_ins_by_their_definition_ids() {
    let preset: serde_json::Value = serde_json::from_str(ashlar::azure_policy::presets::PRESETS[0].json).unwrap();
    let vendored: Vec<String> = ashlar::azure_policy::builtins::DEFINITIONS
        .iter()
        .map(|(_, text)| serde_json::from_str::<serde_json::Value>(text).unwrap()["id"].as_str().unwrap().to_string())
        .collect();
    let members = preset["properties"]["policyDefinitions"].as_array().unwrap();
    assert!(members.len() >= 6);
    for member in members {
        let id = member["policyDefinitionId"].as_str().unwrap();
        assert!(vendored.iter().any(|v| v.eq_ignore_ascii_case(id)), "{id} is not vendored");
        let row = format!("`{}`", id.rsplit('/').next().unwrap());
        let docs = std::fs::read_to_string("../docs/azure-policy.md").unwrap();
        assert!(docs.contains(&row), "docs/azure-policy.md has no row for {row}");
    }
}

#[test]
fn build_takes_azure_policy_files_and_stops_on_a_deny() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("plan")).unwrap();
    let plan = dir.path().join("plan/plan.ashlar");
    std::fs::write(&plan, TWO_HUBS).unwrap();
    let policy = dir.path().join("assignments.json");
    let allowed = |locations: &[&str]| {
        let a = assignment(
            "locations",
            &builtin(ALLOWED_LOCATIONS),
            &format!("/subscriptions/{SUB}"),
            serde_json::json!({ "listOfAllowedLocations": locations }),
        );
        std::fs::write(&policy, serde_json::to_string(&serde_json::json!([a])).unwrap()).unwrap();
    };
    let out = dir.path().join("out");
    let build = || {
        Command::new(env!("CARGO_BIN_EXE_ashlar"))
            .args(["build", plan.to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "short", "--azure-policy", policy.to_str().unwrap()])
            .output()
            .unwrap()
    };
    // Both hubs are in westeurope: where only uksouth is allowed, Azure denies them, and nothing is written.
    allowed(&["uksouth"]);
    let run = build();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.matches("error[ASH700]").count(), 2, "{stderr}");
    assert!(!out.exists(), "a denied plan writes nothing");
    // Allowed where they are, the plan builds.
    allowed(&["westeurope"]);
    let run = build();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(out.join("main.json").is_file());
    // A policy file that cannot be read stops the build as it stops `check`.
    let run = Command::new(env!("CARGO_BIN_EXE_ashlar"))
        .args(["build", plan.to_str().unwrap(), "-o", out.to_str().unwrap(), "--azure-policy", "/nonexistent/policy.json"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("ASH705"));
}

#[test]
fn a_tag_a_modify_adds_satisfies_a_deny_that_requires_it() {
    // Azure evaluates append and modify before deny: "Since either could alter the request, a change
    // made may prevent an audit or deny effect from triggering" (effect basics, order of evaluation).
    let sub = format!("/subscriptions/{SUB}");
    let require = assignment("owner", &builtin(REQUIRE_TAG), &sub, serde_json::json!({ "tagName": "owner" }));
    let add = |tag: &str| assignment(&format!("add-{tag}"), &builtin(ADD_TAG), &sub, serde_json::json!({ "tagName": tag, "tagValue": "platform" }));
    // Hub east lacks `owner`: the modify adds it, so the deny does not trigger; the change is still said.
    let found = analyze(TWO_HUBS, serde_json::json!([require.clone(), add("owner")]));
    assert!(of(&found, "ASH700").is_empty(), "{:?}", messages(&of(&found, "ASH700")));
    let changed = messages(&of(&found, "ASH702"));
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].contains("hub `east`"), "{changed:?}");
    // The assignments' order does not matter: the modify runs first.
    let found = analyze(TWO_HUBS, serde_json::json!([add("owner"), require.clone()]));
    assert!(of(&found, "ASH700").is_empty());
    // Another tag added does not satisfy it.
    let found = analyze(TWO_HUBS, serde_json::json!([require, add("costCenter")]));
    assert_eq!(
        messages(&of(&found, "ASH700")),
        vec!["Azure Policy `Require a tag on resources` (assignment `owner`) denies hub `east` (Microsoft.Network/virtualNetworks `east`)"]
    );
    // "Add a tag to resources" is mode Indexed, which does not evaluate resource groups: rg-east is still denied.
    let rg = assignment("rg-owner", &builtin(RG_REQUIRE_TAG), &sub, serde_json::json!({ "tagName": "owner" }));
    let found = analyze(TWO_HUBS, serde_json::json!([rg, add("owner")]));
    assert_eq!(
        messages(&of(&found, "ASH700")),
        vec!["Azure Policy `Require a tag on resource groups` (assignment `rg-owner`) denies resource group `rg-east` (of hub `east`, its first resource)"]
    );
}

const BACKUP: &str = "013e242c-8828-4970-87b3-ab247555486d";

#[test]
fn a_related_resource_outside_the_plan_makes_an_existence_effect_unknown() {
    // "Azure Backup should be enabled for Virtual Machines": auditIfNotExists of a related
    // `Microsoft.RecoveryServices/backupprotecteditems`, a type not underneath the machine, so Azure
    // looks for it in the machine's resource group, which may hold resources the plan does not deploy.
    let sub = format!("/subscriptions/{SUB}");
    let found = analyze_example("update-management", serde_json::json!([assignment("backup", &builtin(BACKUP), &sub, serde_json::json!({}))]));
    let input = ashlar::load::read_plan(Path::new("../examples/update-management")).unwrap();
    let plan = ashlar::analyze(&input).azure.expect("the example lowers");
    let machines = plan.resources.iter().filter(|r| r.resource_type == "Microsoft.Compute/virtualMachines").count();
    let unknown = messages(&of(&found, "ASH703"));
    assert_eq!(unknown.len(), machines, "{unknown:?}");
    assert!(
        unknown.iter().all(|m| m.contains("depends on resources outside the plan")
            && m.contains("the plan deploys no `Microsoft.RecoveryServices/backupprotecteditems` in resource group")),
        "{unknown:?}"
    );
    assert!(of(&found, "ASH701").is_empty() && of(&found, "ASH704").is_empty(), "{found:?}");
}

/// A definition of the organisation's: machines need the extension `name` (a child resource).
fn needs_extension(effect: &str, name: &str) -> serde_json::Value {
    serde_json::json!({
        "name": "needs-extension",
        "properties": {
            "displayName": "Machines need their extension", "mode": "Indexed",
            "policyRule": {
                "if": { "field": "type", "equals": "Microsoft.Compute/virtualMachines" },
                "then": { "effect": effect, "details": { "type": "Microsoft.Compute/virtualMachines/extensions", "name": name } }
            }
        }
    })
}

#[test]
fn a_related_resource_under_the_resource_is_looked_for_among_the_plans() {
    // A type underneath the evaluated resource is looked for "within the scope of the evaluated resource"
    // (auditIfNotExists): the machine's extensions, all of which the plan deploys.
    let input = ashlar::load::read_plan(Path::new("../examples/virtual-desktops")).unwrap();
    let plan = ashlar::analyze(&input).azure.expect("the example lowers");
    let machines: Vec<&str> =
        plan.resources.iter().filter(|r| r.resource_type == "Microsoft.Compute/virtualMachines").map(|r| r.name[0].as_str()).collect();
    let joined: Vec<&str> = plan
        .resources
        .iter()
        .filter(|r| r.resource_type == "Microsoft.Compute/virtualMachines/extensions" && r.name[1] == "AADLoginForWindows")
        .map(|r| r.name[0].as_str())
        .collect();
    assert!(!joined.is_empty() && joined.len() < machines.len(), "some machines join Entra ID, some do not: {joined:?} of {machines:?}");
    let a = assignment(
        "needs-extension",
        "/subscriptions/x/providers/Microsoft.Authorization/policyDefinitions/needs-extension",
        &format!("/subscriptions/{SUB}"),
        serde_json::json!({}),
    );
    let found = analyze_example("virtual-desktops", serde_json::json!([needs_extension("AuditIfNotExists", "AADLoginForWindows"), a.clone()]));
    let audited = messages(&of(&found, "ASH701"));
    assert_eq!(audited.len(), machines.len() - joined.len(), "{audited:?}");
    assert!(audited.iter().all(|m| m.contains("the plan deploys no `Microsoft.Compute/virtualMachines/extensions` under it")), "{audited:?}");
    assert!(joined.iter().all(|vm| !audited.iter().any(|m| m.contains(&format!("`{vm}`")))), "{audited:?}");
    assert!(of(&found, "ASH703").is_empty());
    // deployIfNotExists: Azure deploys what is missing.
    let found = analyze_example("virtual-desktops", serde_json::json!([needs_extension("DeployIfNotExists", "AADLoginForWindows"), a.clone()]));
    let deployed = messages(&of(&found, "ASH702"));
    assert_eq!(deployed.len(), machines.len() - joined.len(), "{deployed:?}");
    assert!(deployed.iter().all(|m| m.contains("Azure deploys the related resource")), "{deployed:?}");
    // An extension no machine has: every machine is audited.
    let found = analyze_example("virtual-desktops", serde_json::json!([needs_extension("AuditIfNotExists", "NoSuchExtension"), a]));
    assert_eq!(of(&found, "ASH701").len(), machines.len());
}

#[test]
fn a_related_resource_in_the_group_meets_the_existence_condition_or_is_unknown() {
    // Another type is looked for in the evaluated resource's group, or in the subscription with
    // `existenceScope: Subscription` (auditIfNotExists); `existenceCondition` is read on the related resource.
    let definition = |scope: Option<&str>| {
        let mut details = serde_json::json!({
            "type": "Microsoft.Network/virtualNetworks",
            "existenceCondition": { "field": "name", "equals": "west" }
        });
        if let Some(scope) = scope {
            details["existenceScope"] = serde_json::json!(scope);
        }
        serde_json::json!({
            "name": "west-network",
            "properties": {
                "displayName": "A network named west", "mode": "All",
                "policyRule": {
                    "if": { "field": "type", "equals": "Microsoft.Network/virtualNetworks" },
                    "then": { "effect": "auditIfNotExists", "details": details }
                }
            }
        })
    };
    let a = assignment(
        "west-network",
        "/subscriptions/x/providers/Microsoft.Authorization/policyDefinitions/west-network",
        &format!("/subscriptions/{SUB}"),
        serde_json::json!({}),
    );
    // rg-west holds hub west; rg-east holds only hub east, and may hold a west the plan does not deploy.
    let found = analyze(TWO_HUBS, serde_json::json!([definition(None), a.clone()]));
    let unknown = messages(&of(&found, "ASH703"));
    assert_eq!(unknown.len(), 1, "{found:?}");
    assert!(
        unknown[0].contains("hub `east`")
            && unknown[0].contains("no `Microsoft.Network/virtualNetworks` that meets the existence condition in resource group `rg-east`"),
        "{unknown:?}"
    );
    assert!(of(&found, "ASH701").is_empty());
    // Looked for in the whole subscription, hub west is found for both.
    let found = analyze(TWO_HUBS, serde_json::json!([definition(Some("Subscription")), a]));
    assert!(found.is_empty(), "{:?}", messages(&found.iter().collect::<Vec<_>>()));
}

#[test]
fn resources_alike_in_what_a_definition_reads_differ_by_their_resource_group_when_it_reads_it() {
    // Both hubs read the same to a rule of `type` and `location`; `resourceGroup()` tells them apart.
    let definition = serde_json::json!({
        "name": "no-east",
        "properties": {
            "displayName": "Nothing in rg-east", "mode": "Indexed",
            "policyRule": {
                "if": { "allOf": [
                    { "field": "location", "equals": "westeurope" },
                    { "value": "[resourceGroup().name]", "equals": "rg-east" }
                ] },
                "then": { "effect": "deny" }
            }
        }
    });
    let a = assignment(
        "no-east",
        "/subscriptions/x/providers/Microsoft.Authorization/policyDefinitions/no-east",
        &format!("/subscriptions/{SUB}"),
        serde_json::json!({}),
    );
    let found = analyze(TWO_HUBS, serde_json::json!([definition, a]));
    assert_eq!(
        messages(&of(&found, "ASH700")),
        vec!["Azure Policy `Nothing in rg-east` (assignment `no-east`) denies hub `east` (Microsoft.Network/virtualNetworks `east`)"]
    );
}
