//! The shapes of `benches/adversarial.sh`, small: what each must still find
//! and say now that it no longer takes time out of proportion to the plan.
//! (How long they take is measured by the script, never asserted here.)

#[allow(dead_code)]
#[path = "../examples/gen.rs"]
mod gen;

use ashlar::diagnostic::render::{render_terminal, Style};
use ashlar::Analysis;

fn analyze(sizes: &gen::Sizes) -> Analysis {
    ashlar::analyze_text(&gen::plan(sizes), std::path::Path::new("/nowhere"))
}

fn codes(analysis: &Analysis) -> Vec<&str> {
    analysis.diagnostics.iter().map(|d| d.code.code).collect()
}

#[test]
fn a_landing_zone_is_clean_and_each_nsg_lands_with_its_spoke() {
    let sizes = gen::Sizes {
        spokes: 4,
        subnets: 4,
        vms: 40,
        machines_per_block: 5,
        backup: true,
        update_groups: 4,
        nsg_rules: 30,
        shared_rules: true,
        nat: true,
        endpoints: true,
        ..Default::default()
    };
    let analysis = analyze(&sizes);
    assert!(analysis.diagnostics.is_empty(), "{:?}", analysis.diagnostics.iter().take(5).collect::<Vec<_>>());
    let plan = analysis.azure.expect("the plan lowers");
    let of_type = |suffix: &str| plan.resources.iter().filter(|r| r.resource_type.ends_with(suffix)).collect::<Vec<_>>();
    // Each spoke's NSG takes the resource group of the first network whose subnet uses it.
    let nsgs = of_type("networkSecurityGroups");
    assert_eq!(nsgs.len(), 4);
    for nsg in nsgs {
        assert_eq!(nsg.resource_group, "rg-spokes-0");
        let rules = format!("{:?}", nsg.properties);
        assert!(rules.contains("deny_all_in") && rules.contains("r29"), "the shared rules and the NSG's own: {rules}");
    }
    assert_eq!(of_type("natGateways").len(), 4);
    assert_eq!(of_type("privateEndpoints").len(), 4);
    // Every machine is backed up, after its extensions.
    let machines = of_type("Microsoft.Compute/virtualMachines");
    let protected = of_type("protectedItems");
    assert_eq!((machines.len(), protected.len()), (40, 40));
}

#[test]
fn stray_addresses_and_unused_nsgs_are_still_found_among_many_spokes() {
    let mut text = gen::plan(&gen::Sizes { spokes: 30, subnets: 2, nsg_rules: 4, ..Default::default() });
    // Spoke app7 is 10.1.28.0/22, its subnets 10.1.28.0/26 and the next /26.
    text.push_str("nsg spare {\n  resource_group = \"rg\"\n  rule stray { inbound allow tcp 443 from 10.1.29.10 to app7.s0 priority 100 }\n}\n");
    text.push_str("route_table rt {\n  resource_group = \"rg\"\n  route x 192.168.0.0/16 via 10.1.28.1\n  route y 192.168.1.0/24 via 10.1.30.4\n}\n");
    let analysis = ashlar::analyze_text(&text, std::path::Path::new("/nowhere"));
    let messages: Vec<String> = analysis.diagnostics.iter().map(|d| format!("{} {}", d.code.code, d.message)).collect();
    assert_eq!(
        messages,
        [
            "ASH216 nsg `spare` is used by no subnet: it deploys, but filters nothing",
            "ASH217 10.1.29.10 in rule `spare.stray` lies in the address space of spoke `app7` (10.1.28.0/22) but in none of its subnets",
            "ASH216 route_table `rt` is used by no subnet: it deploys, but routes nothing",
            "ASH218 the next hop 10.1.28.1 of route `rt.x` is the default gateway of subnet `app7.s0` (10.1.28.0/26), which Azure keeps for itself",
            "ASH218 the next hop 10.1.30.4 of route `rt.y` lies in the address space of spoke `app7` but in none of its subnets, so no appliance can have it",
        ]
    );
}

#[test]
fn case_twins_among_many_tags_are_each_reported_once() {
    let mut sizes = gen::Sizes { spokes: 1, subnets: 1, tags: 3_000, ..Default::default() };
    let mut text = gen::plan(&sizes);
    text = text.replacen("tag2999 = ", "TAG17 = ", 1).replacen("tag2998 = ", "Owner = ", 1);
    let analysis = ashlar::analyze_text(&text, std::path::Path::new("/nowhere"));
    let twins: Vec<&str> =
        analysis.diagnostics.iter().filter(|d| d.code.code == "ASH302" && d.message.contains("twice")).map(|d| d.message.as_str()).collect();
    assert_eq!(
        twins,
        [
            "the tags of `settings` name `owner` twice: `Owner` differs from it only by case",
            "the tags of `settings` name `tag17` twice: `TAG17` differs from it only by case",
        ]
    );
    sizes.tags = 0;
    assert!(codes(&analyze(&sizes)).is_empty());
}

#[test]
fn a_long_misspelt_name_is_still_suggested() {
    let analysis = analyze(&gen::Sizes { spokes: 1, subnets: 1, long_name: 50_000, ..Default::default() });
    let unresolved = analysis.diagnostics.iter().find(|d| d.code.code == "ASH106").expect("the misspelt peer");
    let help = unresolved.help.as_deref().unwrap_or_default();
    let declared = analysis.model.of_kind("vnet").next().map(|(_, n)| n.name().to_string()).expect("the long vnet");
    assert_eq!(declared.len(), 50_000);
    assert_eq!(help, format!("did you mean `{declared}`?"));
}

#[test]
fn every_reference_to_a_renamed_hub_gets_the_suggestion() {
    let analysis = analyze(&gen::Sizes { spokes: 50, subnets: 1, misspelt_hub: true, ..Default::default() });
    let unresolved: Vec<_> = analysis.diagnostics.iter().filter(|d| d.code.code == "ASH106").collect();
    assert_eq!(unresolved.len(), 50);
    assert!(unresolved.iter().all(|d| d.message == "nothing named `cor` in this plan" && d.help.as_deref() == Some("did you mean `core`?")));
}

#[test]
fn a_report_of_many_duplicate_names_shows_each_in_place() {
    let analysis = analyze(&gen::Sizes { spokes: 1, subnets: 1, duplicates: 300, ..Default::default() });
    assert_eq!(codes(&analysis), ["ASH105"; 299]);
    let report = render_terminal(&analysis.sources, &analysis.diagnostics, Style::Plain);
    assert_eq!(report.matches("the name `twin` is taken by key_vault `twin`").count(), 299);
    // Each report shows its own line, numbered as in the file.
    let text = analysis.sources.iter().next().map(|(_, f)| f.text.clone()).unwrap();
    let lines: Vec<usize> = text.lines().enumerate().filter(|(_, l)| *l == "key_vault twin {").map(|(n, _)| n + 1).collect();
    for line in &lines[1..] {
        assert!(report.contains(&format!(" {line} │ key_vault twin {{")), "line {line} is shown");
    }
}
