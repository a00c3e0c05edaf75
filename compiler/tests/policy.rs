//! Policies: every operator and function over a plan with hubs, spokes, NSGs
//! and rule sets, table-driven; the standard packs on fixtures, snapshotted;
//! the insecure plan that `std.security` must refuse; and every example
//! passing `std.security`.

use ashlar::diagnostic::render::{render_terminal, Style};
use std::path::Path;

const PLAN: &str = r#"settings {
  location = uksouth
  tags { environment = "prod" }
}
hub core {
  resource_group = "rg-core"
  address_space  = [10.0.0.0/16]
  subnet web  10.0.1.0/24 { nsg = web_nsg }
  subnet data auto /26
}
spoke app {
  hub            = core
  resource_group = "rg-app"
  address_space  = [10.1.0.0/16, 192.168.0.0/24]
  tags { owner = "team-a" }
  subnet api 10.1.0.0/24 { nsg = web_nsg }
}
rule_set base {
  rule lb { inbound allow any from AzureLoadBalancer priority 4000 }
}
nsg web_nsg {
  include = [base]
  rule ssh   { inbound allow tcp 22 from "*" priority 100 }
  rule web   { inbound allow tcp [80, 443] from Internet priority 110 description "web" }
  rule range { inbound allow udp "5000-5010" from 192.0.2.0/24 to app.api priority 120 }
  rule out   { outbound deny any from any to Internet priority 130 }
}
"#;

fn analyze(text: &str) -> ashlar::Analysis {
    ashlar::analyze_text(text, &std::env::temp_dir())
}

/// The messages of the findings of `policy t { BODY }` over [`PLAN`], without
/// the policy's name; any other diagnostic fails the test.
fn findings(body: &str) -> Vec<String> {
    let analysis = analyze(&format!("{PLAN}policy t {{\n{body}\n}}\n"));
    let others: Vec<String> =
        analysis.diagnostics.iter().filter(|d| d.code.code != "ASH500").map(|d| format!("{} {}", d.code.code, d.message)).collect();
    assert!(others.is_empty(), "{body}: {others:?}");
    analysis.diagnostics.iter().map(|d| d.message.strip_prefix("[t] ").unwrap_or(&d.message).to_string()).collect()
}

/// `for HEAD { deny when CONDITION message "{VAR.name}" }`.
fn names(head: &str, var: &str, condition: &str) -> Vec<String> {
    findings(&format!("for {head} {{\n deny when {condition} message \"{{{var}.name}}\"\n}}"))
}

#[test]
fn the_plan_is_clean_without_policies() {
    let analysis = analyze(PLAN);
    assert!(analysis.diagnostics.is_empty(), "{:?}", analysis.diagnostics);
}

#[test]
fn operators_over_nsg_rules() {
    #[rustfmt::skip]
    let table: &[(&str, &[&str])] = &[
        // Addresses: Internet, any, *, 0.0.0.0/0 are one; service tags in any case.
        ("rule.source == Internet", &["ssh", "web", "out"]),
        ("rule.source == any", &["ssh", "web", "out"]),
        ("rule.source == 0.0.0.0/0", &["ssh", "web", "out"]),
        ("rule.source == \"*\"", &["ssh", "web", "out"]),
        ("rule.source == azureloadbalancer", &["lb"]),
        ("rule.source != Internet", &["lb", "range"]),
        ("192.0.2.7 in rule.source", &["ssh", "range", "out"]),
        ("rule.source == 192.0.2.0/24", &["range"]),
        ("rule.source within 192.0.2.0/23", &["range"]),
        ("rule.source within 10.0.0.0/8", &[]),
        ("rule.destination within 10.1.0.0/16", &["range"]),
        ("rule.destination overlaps 10.1.0.128/25", &["lb", "ssh", "web", "range"]),
        ("rule.destination == Internet", &["lb", "ssh", "web", "out"]),
        // Protocols and words in any case.
        ("rule.protocol == TCP", &["ssh", "web"]),
        ("rule.protocol in [udp, any]", &["lb", "range", "out"]),
        ("rule.protocol not in [udp, any]", &["ssh", "web"]),
        ("rule.direction == outbound", &["out"]),
        ("rule.access == \"Deny\"", &["out"]),
        ("rule.outbound", &["out"]),
        ("rule.deny", &["out"]),
        ("rule.inbound and not rule.allow", &[]),
        // Ports: a rule without ports has them all; a range has each of its ports.
        ("22 in rule.ports", &["lb", "ssh", "out"]),
        ("5005 in rule.ports", &["lb", "range", "out"]),
        ("rule.ports contains 443", &["lb", "web", "out"]),
        ("80 not in rule.ports", &["ssh", "range"]),
        ("rule.ports == 22", &["lb", "ssh", "out"]),
        // Numbers.
        ("rule.priority >= 120", &["lb", "range", "out"]),
        ("rule.priority > 4000", &[]),
        ("rule.priority < 110", &["ssh"]),
        ("rule.priority <= 110", &["ssh", "web"]),
        ("rule.priority != 100", &["lb", "web", "range", "out"]),
        ("rule.priority == 4000", &["lb"]),
        // Text and functions.
        ("rule.description == \"web\"", &["web"]),
        ("present(rule.description)", &["web"]),
        ("not present(rule.description)", &["lb", "ssh", "range", "out"]),
        ("rule.name matches \"^(ssh|web)$\"", &["ssh", "web"]),
        ("lower(rule.name) == \"SSH\"", &[]),
        ("upper(rule.name) == \"SSH\"", &["ssh"]),
        ("starts_with(rule.name, \"r\")", &["range"]),
        ("ends_with(rule.name, \"b\")", &["lb", "web"]),
        ("length(rule.name) == 3", &["ssh", "web", "out"]),
        ("rule.name contains \"an\"", &["range"]),
        // Where a rule comes from.
        ("rule.rule_set.name == \"base\"", &["lb"]),
        ("present(rule.rule_set)", &["lb"]),
        ("rule.nsg == web_nsg", &["lb", "ssh", "web", "range", "out"]),
        ("count(rule.nsg.rules) == 5 and rule.priority == 100", &["ssh"]),
        // Precedence: `and` before `or`, `not` before both.
        ("rule.protocol == tcp or rule.priority == 4000", &["lb", "ssh", "web"]),
        ("not (rule.protocol == tcp) and rule.inbound", &["lb", "range"]),
        ("rule.protocol == udp or rule.protocol == tcp and rule.priority == 100", &["ssh", "range"]),
        ("! rule.inbound", &["out"]),
    ];
    let mut failures = Vec::new();
    for (condition, expected) in table {
        let found = names("rule in nsg.rules", "rule", condition);
        if found != *expected {
            failures.push(format!("{condition}: expected {expected:?}, found {found:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn operators_over_networks_subnets_and_address_space() {
    #[rustfmt::skip]
    let table: &[(&str, &str, &str, &[&str])] = &[
        ("net in networks", "net", "net.tags.owner == \"team-a\"", &["app"]),
        ("net in networks", "net", "\"owner\" in net.tags", &["app"]),
        ("net in networks", "net", "net.tags contains \"Owner\"", &["app"]),
        ("net in networks", "net", "net.tags.environment == \"prod\"", &["core", "app"]),
        ("net in networks", "net", "count(net.tags) == 2", &["app"]),
        ("net in networks", "net", "net.location == uksouth", &["core", "app"]),
        ("net in networks", "net", "net.resource_group == \"rg-app\"", &["app"]),
        ("net in networks", "net", "net.address_space contains 10.1.2.0/24", &["app"]),
        ("net in networks", "net", "10.0.0.0/16 in net.address_space", &["core"]),
        ("net in networks", "net", "net.address_space within 10.0.0.0/8", &["core"]),
        ("net in networks", "net", "net.address_space overlaps 192.168.0.128/25", &["app"]),
        ("net in networks", "net", "count(net.subnets) == 2", &["core"]),
        ("net in networks", "net", "\"api\" in net.subnets.name", &["app"]),
        ("net in networks", "net", "net.kind == spoke", &["app"]),
        ("net in networks", "net", "net.hub == core", &["app"]),
        ("net in spokes", "net", "net.hub.name == \"core\"", &["app"]),
        ("net in hubs", "net", "true", &["core"]),
        ("subnet in subnets", "subnet", "subnet.nsg.name == \"web_nsg\"", &["web", "api"]),
        ("subnet in subnets", "subnet", "not present(subnet.nsg)", &["data"]),
        ("subnet in subnets", "subnet", "subnet.parent.name == \"core\"", &["web", "data"]),
        ("subnet in subnets", "subnet", "subnet.address_prefix within 10.0.0.0/16", &["web", "data"]),
        ("subnet in subnets", "subnet", "prefix_length(subnet.address_prefix) == 26", &["data"]),
        ("subnet in subnets", "subnet", "subnet.resource_group == \"rg-app\"", &["api"]),
        ("subnet in net.subnets", "subnet", "subnet.location == uksouth", &["web", "data", "api"]),
        ("s in nsg.subnets", "s", "s.path == \"app.api\"", &["api"]),
        ("nsg in nsgs", "nsg", "nsg.location == uksouth and nsg.resource_group == \"rg-core\"", &["web_nsg"]),
        ("set in rule_sets", "set", "count(set.rules) == 1", &["base"]),
        // Quantifiers: some item, every item; none of an empty list, all of it.
        ("nsg in nsgs", "nsg", "any rule in nsg.rules (rule.source == Internet and 22 in rule.ports)", &["web_nsg"]),
        ("nsg in nsgs", "nsg", "any rule in nsg.rules (rule.protocol == icmp)", &[]),
        ("nsg in nsgs", "nsg", "all rule in nsg.rules (rule.priority >= 100)", &["web_nsg"]),
        ("nsg in nsgs", "nsg", "not all rule in nsg.rules (present(rule.description))", &["web_nsg"]),
        ("net in networks", "net", "all s in net.subnets (present(s.nsg))", &["app"]),
        ("net in networks", "net", "any s in net.subnets (not present(s.nsg))", &["core"]),
        ("net in networks", "net", "any p in net.address_space (p within 192.168.0.0/16)", &["app"]),
        ("net in networks", "net", "all p in net.address_space (p within 10.0.0.0/8)", &["core"]),
        ("net in networks", "net", "any s in net.subnets (any r in s.nsg.rules (r.deny)) and net.kind == hub", &["core"]),
        ("net in networks", "net", "any n in [80, 443] (n in net.subnets.nsg.rules.ports) and count(net.subnets) == 1", &["app"]),
        ("net in hubs", "net", "all s in subnets (s.location == uksouth)", &["core"]),
        ("net in hubs", "net", "any t in rule_sets (count(t.rules) > 1)", &[]),
        // A list of literals is made once for every item; one that names a variable, for each.
        ("net in networks", "net", "net.name in [\"core\", \"elsewhere\"]", &["core"]),
        ("net in networks", "net", "net.kind in [hub, \"spoke\"]", &["core", "app"]),
        ("net in networks", "net", "net in [net]", &["core", "app"]),
        ("net in networks", "net", "any s in net.subnets (s in [s])", &["core", "app"]),
    ];
    let mut failures = Vec::new();
    for (head, var, condition, expected) in table {
        // `net.subnets` needs `net` bound.
        let found = if head.contains("net.subnets") {
            findings(&format!("for net in networks {{\n for {head} {{\n  deny when {condition} message \"{{{var}.name}}\"\n }}\n}}"))
        } else {
            names(head, var, condition)
        };
        if found != *expected {
            failures.push(format!("for {head} {condition}: expected {expected:?}, found {found:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    let spaces = findings("for space in networks.address_space {\n deny when prefix_length(space) == 16 message \"{space}\"\n}");
    assert_eq!(spaces, ["10.0.0.0/16", "10.1.0.0/16"]);
    let private = findings("for space in networks.address_space {\n deny when not (space within [10.0.0.0/8, 172.16.0.0/12]) message \"{space}\"\n}");
    assert_eq!(private, ["192.168.0.0/24"]);
}

#[test]
fn resources_and_resource_groups_are_seen_after_lowering() {
    let groups = names("rg in resource_groups", "rg", "rg.tags.environment == \"prod\" and rg.location == uksouth");
    assert_eq!(groups, ["rg-core", "rg-app"]);
    let vnets = names("r in resources where r.type == \"microsoft.network/virtualnetworks\"", "r", "r.block.kind in [hub, spoke]");
    assert_eq!(vnets, ["core", "app"]);
    let nsg = names("r in resources", "r", "r.type == \"Microsoft.Network/networkSecurityGroups\" and r.resource_group == \"rg-core\"");
    assert_eq!(nsg, ["web_nsg"]);
}

#[test]
fn a_clause_outside_any_for_points_at_itself() {
    let analysis = analyze(&format!("{PLAN}policy one_hub {{\n require count(hubs) == 2 message \"{{settings.location}} has one hub\"\n}}\n"));
    assert_eq!(analysis.diagnostics.len(), 1, "{:?}", analysis.diagnostics);
    let d = &analysis.diagnostics[0];
    assert_eq!(d.message, "[one_hub] uksouth has one hub");
    let span = d.span.unwrap();
    assert!(analysis.sources.get(span.file).text[span.start as usize..span.end as usize].starts_with("require count(hubs)"));
}

#[test]
fn severity_about_and_default_messages() {
    let analysis = analyze(&format!(
        "{PLAN}policy owners {{\n severity = warning\n about = \"every network has an owner\"\n for net in networks {{ require net.tags.owner }}\n}}\n"
    ));
    let d = &analysis.diagnostics[0];
    assert_eq!(analysis.diagnostics.len(), 1);
    assert_eq!(d.message, "[owners] hub `core` lacks what this policy requires");
    assert_eq!(d.severity, ashlar::diagnostic::Severity::Warning);
    assert_eq!(d.help.as_deref(), Some("every network has an owner"));
    // A warning does not keep the plan from building.
    assert!(analysis.azure.is_some());
}

#[test]
fn an_error_finding_keeps_the_plan_from_deploying_but_resource_policies_still_run() {
    let analysis = analyze(&format!(
        "{PLAN}policy a {{\n for net in hubs {{ deny when true message \"model\" }}\n}}\npolicy b {{\n for rg in resource_groups {{ deny when true message \"{{rg.name}}\" }}\n}}\n"
    ));
    let messages: Vec<&str> = analysis.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages, ["[a] model", "[b] rg-core", "[b] rg-app"]);
    assert!(analysis.azure.is_none());
}

#[test]
fn a_plan_policy_takes_the_place_of_a_library_policy_of_its_name() {
    let insecure = "nsg open {\n rule ssh { inbound allow tcp 22 from Internet priority 100 }\n}\n";
    let base = "use std.security\nsettings { location = uksouth }\nhub hq {\n resource_group = \"rg\"\n address_space = [10.0.0.0/16]\n subnet s 10.0.0.0/24 { nsg = open }\n}\n";
    let strict = analyze(&format!("{base}{insecure}"));
    let found: Vec<(&str, ashlar::diagnostic::Severity)> = strict.diagnostics.iter().map(|d| (d.code.code, d.severity)).collect();
    assert_eq!(found, [("ASH500", ashlar::diagnostic::Severity::Error)]);
    let relaxed = analyze(&format!(
        "{base}{insecure}policy no_ssh_from_internet {{\n severity = info\n for rule in nsg.rules where rule.source == Internet {{ deny when 22 in rule.ports message \"tolerated\" }}\n}}\n"
    ));
    let found: Vec<(&str, &str)> = relaxed.diagnostics.iter().map(|d| (d.severity.as_str(), d.message.as_str())).collect();
    assert_eq!(found, [("info", "[no_ssh_from_internet] tolerated")]);
}

#[test]
fn a_rule_set_rule_is_reported_once_for_each_nsg_that_includes_it() {
    let text = "settings { location = uksouth }\nhub hq {\n resource_group = \"rg\"\n address_space = [10.0.0.0/16]\n subnet a 10.0.0.0/24 { nsg = one }\n subnet b 10.0.1.0/24 { nsg = two }\n}\n\
        rule_set mgmt {\n rule rdp { inbound allow tcp 3389 from Internet priority 100 }\n}\nnsg one { include = [mgmt] }\nnsg two { include = [mgmt] }\n\
        policy p {\n for rule in nsg.rules { deny when 3389 in rule.ports message \"{rule.name} in {nsg.name}\" }\n}\n\
        policy q {\n for rule in nsg.rules { deny when 3389 in rule.ports message \"{rule.name}\" }\n}\n";
    let analysis = analyze(text);
    let found: Vec<(String, usize)> = analysis.diagnostics.iter().map(|d| (d.message.clone(), d.labels.len())).collect();
    // Once per NSG when the message names it; once in all when it does not.
    assert_eq!(found, [("[p] rdp in one".to_string(), 1), ("[p] rdp in two".to_string(), 1), ("[q] rdp".to_string(), 1)]);
}

/// Renders a plan's diagnostics as `ashlar check` prints them.
fn rendered(path: &str) -> (String, Vec<ashlar::diagnostic::Diagnostic>) {
    let input = ashlar::load::read_plan(Path::new(path)).expect("the fixture reads");
    let analysis = ashlar::analyze(&input);
    (render_terminal(&analysis.sources, &analysis.diagnostics, Style::Plain), analysis.diagnostics)
}

#[test]
fn the_insecure_plan_fails_std_security() {
    let (report, diagnostics) = rendered("../tests/fixtures/policy/insecure");
    let found: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        found,
        [
            "[no_rdp_from_internet] rule rdp of jump_nsg opens RDP (port 3389) to the Internet",
            "[no_ssh_from_internet] rule ssh of jump_nsg opens SSH (port 22) to the Internet",
        ]
    );
    insta::assert_snapshot!("insecure", report);
}

#[test]
fn the_machine_policies_of_std_security_cover_every_kind_that_makes_machines() {
    let (_, diagnostics) = rendered("../tests/fixtures/policy/std/encryption_at_host.ashlar");
    let found: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        found,
        [
            "[encryption_at_host] compute plain does not encrypt at the host",
            "[encryption_at_host] scale_set workers does not encrypt at the host",
            "[encryption_at_host] desktop_pool finance does not encrypt at the host",
        ]
    );
    for policy in ["trusted_launch", "boot_diagnostics"] {
        let (_, diagnostics) = rendered(&format!("../tests/fixtures/policy/std/{policy}.ashlar"));
        let kinds: Vec<&str> = diagnostics.iter().filter_map(|d| d.message.split(' ').nth(1)).collect();
        assert_eq!(kinds, ["compute", "scale_set", "desktop_pool"], "{policy}");
    }
}

#[test]
fn each_standard_policy_on_its_fixture() {
    let dir = "../tests/fixtures/policy/std";
    let mut policies: Vec<String> = Vec::new();
    for module in ["std.security", "std.reliability"] {
        let source = ashlar::stdlib::module(module).expect("the module").source;
        policies.extend(source.lines().filter_map(|l| l.strip_prefix("policy ")).map(|l| l.trim_end_matches(" {").to_string()));
    }
    assert_eq!(policies.len(), 13, "{policies:?}");
    for policy in policies {
        let path = format!("{dir}/{policy}.ashlar");
        assert!(Path::new(&path).exists(), "no fixture for {policy} at {path}");
        let (report, diagnostics) = rendered(&path);
        assert!(!diagnostics.is_empty(), "{policy}: no finding");
        for d in &diagnostics {
            assert!(d.code.code == "ASH500" && d.message.starts_with(&format!("[{policy}] ")), "{policy}: {} {}", d.code.code, d.message);
        }
        insta::assert_snapshot!(policy.clone(), report);
    }
}

#[test]
fn every_example_passes_std_security() {
    for entry in std::fs::read_dir("../examples").expect("the examples") {
        let path = entry.expect("an example").path();
        let mut input = ashlar::load::read_plan(&path).expect("the example reads");
        input.files.push(ashlar::load::InputFile {
            name: "policies.ashlar".into(),
            path: path.join("std-security.ashlar"),
            bytes: b"use std.security\n".to_vec(),
        });
        let analysis = ashlar::analyze(&input);
        assert!(analysis.diagnostics.is_empty(), "{}: {:?}", path.display(), analysis.diagnostics);
        assert!(analysis.model.nodes.iter().any(|n| n.is("policy")), "{}: std.security was not loaded", path.display());
    }
}

#[test]
fn the_tag_policy_reads_the_tags_each_resource_gets() {
    let text = "settings {\n location = uksouth\n tags { environment = \"prod\" }\n}\n\
        hub core {\n resource_group = \"rg-core\"\n address_space = [10.0.0.0/16]\n tags { OWNER = \"net\" }\n subnet web 10.0.1.0/24 { nsg = web_nsg }\n}\n\
        nsg web_nsg {\n resource_group = \"rg-sec\"\n tags { environment = \"lab\" }\n rule https { inbound allow tcp 443 from Internet priority 100 }\n}\n\
        tags {\n severity = warning\n about = \"tags pay the bills\"\n require environment in [\"prod\", \"test\"]\n require owner\n}\n";
    let analysis = analyze(text);
    let found: Vec<(&str, &str, String)> = analysis
        .diagnostics
        .iter()
        .map(|d| {
            let span = d.span.unwrap();
            let at = analysis.sources.get(span.file).text[span.start as usize..span.end as usize].to_string();
            (d.severity.as_str(), d.message.as_str(), at)
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "warning",
                "nsg `web_nsg` deploys without the tag `owner` that the plan's tag policy requires: resource group `rg-sec` and networkSecurityGroups `web_nsg`",
                "nsg web_nsg".to_string()
            ),
            (
                "warning",
                "the tag `environment` is \"lab\", which the plan's tag policy does not allow: it must be one of \"prod\", \"test\"",
                "environment = \"lab\"".to_string()
            ),
        ]
    );
    // The hub's `OWNER` is its `owner`: tag names ignore case. A warning leaves the plan to build.
    assert!(analysis.azure.is_some());
    assert_eq!(
        analysis.diagnostics[0].help.as_deref(),
        Some("add `owner = \"...\"` to the block's `tags`, or to `settings { tags { ... } }` for every block. tags pay the bills")
    );
}

#[test]
fn suppressions_cover_their_block_and_the_rule_sets_it_includes() {
    let text = std::fs::read_to_string("../tests/fixtures/clean/ASH502.ashlar").expect("the near miss");
    // Without its suppressions, the near miss has two findings.
    let unsuppressed: String = text.lines().filter(|l| !l.trim_start().starts_with("allow ")).collect::<Vec<_>>().join("\n");
    let found: Vec<String> = analyze(&unsuppressed).diagnostics.iter().map(|d| d.message.clone()).collect();
    assert_eq!(
        found,
        [
            "[no_rdp_from_internet] rule rdp of jump_nsg opens RDP (port 3389) to the Internet",
            "[no_ssh_from_internet] rule ssh of jump_nsg opens SSH (port 22) to the Internet"
        ]
    );
    let analysis = analyze(&text);
    assert!(analysis.diagnostics.is_empty(), "{:?}", analysis.diagnostics);
    assert!(analysis.azure.is_some(), "a plan whose findings are allowed builds");

    // An error of the plan is never allowed, and stays reported.
    let error = analyze(&format!("{PLAN}nsg other {{\n resource_group = \"rg\"\n allow nsg-priority-range because \"no\"\n rule r {{ inbound allow tcp 1 from any priority 5 }}\n}}\n"));
    let found: Vec<&str> = error.diagnostics.iter().map(|d| d.code.code).collect();
    assert!(found.contains(&"ASH503") && found.contains(&"ASH210"), "{found:?}");
}

#[test]
fn std_tags_cloudmarque_checks_each_tag_in_its_format() {
    let (report, diagnostics) = rendered("../tests/fixtures/policy/std/cloudmarque_tags.ashlar");
    let found: Vec<(&str, &str)> = diagnostics.iter().map(|d| (d.code.code, d.message.as_str())).collect();
    assert_eq!(
        found,
        [
            ("ASH501", "the tag `cm-owner` is \"Jane Doe\", which the plan's tag policy does not allow: it must be a name, then an email address in square brackets: `Jane Doe [jane.doe@contoso.com]`"),
            ("ASH501", "the tag `cm-delete` is \"2027-03-31 18:00\", which the plan's tag policy does not allow: it must be a UTC date-time: `2027-03-31T18:00:00Z`"),
            ("ASH501", "hub `core` deploys without the tag `cm-charge` that the plan's tag policy requires: resource group `rg-core` and virtualNetworks `core`"),
            ("ASH501", "the tag `cm-apps` is \"payroll\", which the plan's tag policy does not allow: it must be a JSON array of strings: `[\"payroll\", \"hr-portal\"]`"),
        ]
    );
    insta::assert_snapshot!("cloudmarque_tags", report);
}

#[test]
fn std_tags_cloudmarque_accepts_the_standard_and_leaves_optional_tags_optional() {
    let plan = |tags: &str| {
        format!(
            "use std.tags.cloudmarque\nsettings {{\n location = uksouth\n tags {{\n{tags}\n }}\n}}\n\
             hub core {{\n resource_group = \"rg-core\"\n address_space = [10.0.0.0/16]\n}}\n"
        )
    };
    for tags in [
        "cm-owner = \"Jane Doe [jane.doe@contoso.com]\"\ncm-charge = \"CC-1234\"",
        "cm-owner = \"\\\"Jane Doe\\\" [jane.doe@contoso.com]\"\ncm-charge = \"CC-1234\"\ncm-apps = \"[]\"",
        "cm-owner = \"Ops [ops@contoso.co.uk]\"\ncm-charge = \"IT\"\ncm-apps = \"[\\\"payroll\\\", \\\"hr-portal\\\"]\"\ncm-delete = \"2027-03-31T18:00:00Z\"",
    ] {
        let analysis = analyze(&plan(tags));
        assert!(analysis.diagnostics.is_empty(), "{tags}: {:?}", analysis.diagnostics);
    }
    for (tags, wrong) in [
        ("cm-owner = \"Jane Doe [jane.doe]\"\ncm-charge = \"CC-1234\"", "cm-owner"),
        ("cm-owner = \"[jane@contoso.com]\"\ncm-charge = \"CC-1234\"", "cm-owner"),
        ("cm-owner = \"Jane [jane@contoso.com]\"\ncm-charge = \" \"", "cm-charge"),
        ("cm-owner = \"Jane [jane@contoso.com]\"\ncm-charge = \"IT\"\ncm-apps = \"[payroll]\"", "cm-apps"),
        ("cm-owner = \"Jane [jane@contoso.com]\"\ncm-charge = \"IT\"\ncm-delete = \"2027-02-30T25:00:00Z\"", "cm-delete"),
        ("cm-owner = \"Jane [jane@contoso.com]\"\ncm-charge = \"IT\"\ncm-delete = \"2027-03-31T18:00:00+01:00\"", "cm-delete"),
    ] {
        let analysis = analyze(&plan(tags));
        let messages: Vec<&str> = analysis.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert!(!messages.is_empty() && messages.iter().all(|m| m.contains(&format!("`{wrong}`"))), "{tags}: {messages:?}");
    }
}

#[test]
fn an_optional_tag_needs_its_values_and_a_message_replaces_the_pattern() {
    let base = "settings {\n location = uksouth\n tags { expires = \"soon\" }\n}\nhub core {\n resource_group = \"rg-core\"\n address_space = [10.0.0.0/16]\n}\n";
    let analysis = analyze(&format!("{base}tags {{\n optional expires\n}}\n"));
    let found: Vec<(&str, &str)> = analysis.diagnostics.iter().map(|d| (d.code.code, d.message.as_str())).collect();
    assert_eq!(found, [("ASH510", "`optional` needs the values the tag may take when it is there")]);

    let analysis = analyze(&format!(
        "{base}tags {{\n optional expires matches \"^[0-9-]+$\"\n   message \"it must be a date\"\n optional reviewed in [\"yes\"]\n}}\n"
    ));
    let found: Vec<&str> = analysis.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(found, ["the tag `expires` is \"soon\", which the plan's tag policy does not allow: it must be a date"]);
}

#[test]
fn a_required_tag_missing_from_settings_is_reported_once_at_settings_tags() {
    let analysis = analyze(&format!("{PLAN}tags {{\n require cost_centre in [\"CC-1\", \"CC-2\"]\n}}\n"));
    let found: Vec<(&str, &str, String)> = analysis
        .diagnostics
        .iter()
        .map(|d| {
            let span = d.span.unwrap();
            (d.code.code, d.message.as_str(), analysis.sources.get(span.file).text[span.start as usize..span.end as usize].to_string())
        })
        .collect();
    assert_eq!(
        found,
        [(
            "ASH501",
            "`settings` gives no tag `cost_centre`, which the plan's tag policy requires: 3 blocks deploy without it (5 resources and resource groups): hub `core`, spoke `app` and nsg `web_nsg`",
            "{ environment = \"prod\" }".to_string()
        )]
    );
    assert_eq!(
        analysis.diagnostics[0].help.as_deref(),
        Some("add `cost_centre = \"CC-1\"` to `settings { tags { ... } }` to give it to every block")
    );

    // A tag only one block lacks (the spoke and here the hub have their own) is said at that block.
    let plan = PLAN.replace("  address_space  = [10.0.0.0/16]\n", "  address_space  = [10.0.0.0/16]\n  tags { owner = \"net\" }\n");
    let analysis = analyze(&format!("{plan}tags {{\n require owner\n}}\n"));
    let messages: Vec<&str> = analysis.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages, ["nsg `web_nsg` deploys without the tag `owner` that the plan's tag policy requires: networkSecurityGroups `web_nsg`"]);
}

/// The section of `docs/language.md` that starts at `heading`, up to the next heading of its level or above.
fn doc_section(heading: &str) -> String {
    let doc = std::fs::read_to_string("../docs/language.md").expect("docs/language.md");
    let level = heading.chars().take_while(|c| *c == '#').count();
    let start = doc.find(&format!("\n{heading}\n")).unwrap_or_else(|| panic!("docs/language.md has no {heading}"));
    let rest = &doc[start + heading.len() + 2..];
    let end = rest
        .lines()
        .scan(0, |at, line| {
            let here = *at;
            *at += line.len() + 1;
            Some((here, line))
        })
        .find(|(_, line)| line.starts_with('#') && line.chars().take_while(|c| *c == '#').count() <= level)
        .map_or(rest.len(), |(at, _)| at);
    rest[..end].to_string()
}

/// The names in backquotes of the first column of a Markdown table's rows.
fn first_column_names(section: &str) -> Vec<String> {
    section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .flat_map(|l| l.split('|').nth(1).unwrap_or_default().split('`').skip(1).step_by(2).map(String::from).collect::<Vec<_>>())
        .collect()
}

#[test]
fn the_language_reference_lists_every_collection_a_policy_can_loop_over() {
    let mut documented = first_column_names(&doc_section("#### Collections"));
    let mut known = ashlar::policy::fields::collection_names();
    documented.sort();
    known.sort();
    assert_eq!(documented, known, "the table in docs/language.md, \"#### Collections\", and the evaluator's collections differ");
}

#[test]
fn the_language_reference_lists_every_policy_of_the_standard_packs() {
    let section = doc_section("### The standard policy packs");
    let rows: Vec<Vec<String>> = section
        .lines()
        .filter(|l| l.starts_with("| `std."))
        .map(|l| l.split('|').map(|cell| cell.trim().trim_matches('`').to_string()).collect())
        .collect();
    let mut documented: Vec<(String, String, String)> = rows.iter().map(|r| (r[1].clone(), r[2].clone(), r[3].clone())).collect();
    let mut packs = Vec::new();
    for module in ashlar::stdlib::MODULES.iter().filter(|m| m.name == "std.security" || m.name == "std.reliability") {
        let mut policy = None;
        for line in module.source.lines() {
            if let Some(name) = line.strip_prefix("policy ").and_then(|rest| rest.split_whitespace().next()) {
                policy = Some(name.to_string());
            } else if let (Some(name), Some(severity)) = (&policy, line.trim().strip_prefix("severity = ")) {
                packs.push((module.name.to_string(), name.clone(), severity.trim().to_string()));
                policy = None;
            }
        }
    }
    documented.sort();
    packs.sort();
    assert_eq!(documented, packs, "the packs' table in docs/language.md and the policies of stdlib/ differ");
}
