//! `auto /N`: subnets from their network, address spaces from a pool, and
//! `ashlar.lock` keeping every chosen prefix in place as the plan changes.

use ashlar::load::{InputFile, PlanInput};

fn analyze(text: &str, lock: Option<&str>) -> ashlar::Analysis {
    let root = std::env::temp_dir();
    ashlar::analyze(&PlanInput {
        root: root.clone(),
        files: vec![InputFile { name: "plan.ashlar".into(), path: root.join("plan.ashlar"), bytes: text.as_bytes().to_vec() }],
        lock: lock.map(|l| l.as_bytes().to_vec()),
        config: None,
        skipped: Vec::new(),
    })
}

/// `path` → prefix of every subnet and address space, from the address plan.
fn prefixes(analysis: &ashlar::Analysis) -> Vec<(String, String)> {
    let plan = ashlar::address_plan::address_plan(&analysis.model);
    let mut out = Vec::new();
    for network in plan.networks {
        out.push((network.name.clone(), network.address_space.join(",")));
        for subnet in network.subnets {
            out.push((format!("{}.{}", network.name, subnet.name), subnet.prefix.unwrap_or_default()));
        }
    }
    out
}

fn prefix_of(analysis: &ashlar::Analysis, path: &str) -> String {
    prefixes(analysis).into_iter().find(|(p, _)| p == path).map(|(_, prefix)| prefix).unwrap_or_else(|| panic!("no {path}"))
}

const POOLED: &str = "settings { location = uksouth }
address_pool spokes { address_space = [10.64.0.0/19] }
hub core { resource_group = \"rg\"  address_space = [10.0.0.0/16] }
spoke app1 {
  hub = core  resource_group = \"rg\"  address_pool = spokes
  address_space = [auto /22]
  subnet web auto /24
  subnet app auto /24
}
spoke app2 {
  hub = core  resource_group = \"rg\"  address_pool = spokes
  address_space = [auto /22, auto /24]
  subnet web auto /23
}
spoke fixed { hub = core  resource_group = \"rg\"  address_space = [10.64.4.0/22] }
";

#[test]
fn address_spaces_come_from_the_pool_around_written_ones() {
    let analysis = analyze(POOLED, None);
    assert!(analysis.diagnostics.is_empty(), "{:?}", analysis.diagnostics);
    // 10.64.4.0/22 is written by `fixed`, so app2 skips it.
    assert_eq!(prefix_of(&analysis, "app1"), "10.64.0.0/22");
    assert_eq!(prefix_of(&analysis, "app2"), "10.64.8.0/22,10.64.12.0/24");
    assert_eq!(prefix_of(&analysis, "app1.app"), "10.64.1.0/24");
    assert_eq!(prefix_of(&analysis, "app2.web"), "10.64.8.0/23");
    // The deployed virtual network carries the chosen prefix.
    let azure = analysis.azure.as_ref().unwrap();
    let vnet = azure.resources.iter().find(|r| r.name == ["app2"]).unwrap();
    assert!(format!("{:?}", vnet.properties).contains("10.64.12.0/24"));
}

#[test]
fn a_full_pool_names_what_is_left() {
    let text = POOLED.replace("10.64.0.0/19", "10.64.0.0/21");
    let analysis = analyze(&text, None);
    let d = analysis.diagnostics.iter().find(|d| d.code.code == "ASH204").expect("exhausted");
    assert!(d.message.contains("address pool `spokes`"), "{}", d.message);
    let auto = analyze("settings { location = uksouth }\nhub core { resource_group = \"rg\"  address_space = [auto /22] }\n", None);
    assert_eq!(auto.diagnostics[0].code.code, "ASH103", "auto without a pool: {:?}", auto.diagnostics);
}

#[test]
fn with_the_lock_adding_and_reordering_blocks_moves_nothing() {
    let first = analyze(POOLED, None);
    let lock = first.lock.clone().expect("auto prefixes make a lock");
    let before = prefixes(&first);

    // A new spoke declared first, a new subnet before the others, blocks reordered.
    let changed = POOLED
        .replace(
            "spoke app1 {",
            "spoke early {\n  hub = core  resource_group = \"rg\"  address_pool = spokes\n  address_space = [auto /22]\n}\nspoke app1 {",
        )
        .replace("  subnet web auto /24\n  subnet app auto /24", "  subnet first auto /24\n  subnet app auto /24\n  subnet web auto /24");
    let after = analyze(&changed, Some(&lock));
    assert!(after.diagnostics.is_empty(), "{:?}", after.diagnostics);
    let after_prefixes = prefixes(&after);
    for (path, prefix) in &before {
        let now = after_prefixes.iter().find(|(p, _)| p == path).map(|(_, x)| x);
        assert_eq!(now, Some(prefix), "{path} moved");
    }
    // The newcomers take what is free.
    assert_eq!(prefix_of(&after, "early"), "10.64.16.0/22");
    assert_eq!(prefix_of(&after, "app1.first"), "10.64.2.0/24");
    // Without the lock, the same change would have moved deployed prefixes.
    let unlocked = analyze(&changed, None);
    assert_ne!(prefix_of(&unlocked, "app1"), prefix_of(&first, "app1"));
    assert_ne!(prefix_of(&unlocked, "app1.web"), prefix_of(&first, "app1.web"));
}

#[test]
fn a_locked_prefix_that_no_longer_fits_is_chosen_anew() {
    let first = analyze(POOLED, None);
    let lock = first.lock.clone().unwrap();
    let changed = POOLED.replace("  subnet web auto /24\n  subnet app auto /24", "  subnet web auto /25\n  subnet app auto /24");
    let after = analyze(&changed, Some(&lock));
    assert!(after.diagnostics.is_empty(), "{:?}", after.diagnostics);
    assert_eq!(prefix_of(&after, "app1.app"), "10.64.1.0/24", "app still fits and stays");
    assert_eq!(prefix_of(&after, "app1.web"), "10.64.0.0/25");
    assert!(after.lock.unwrap().contains("\"app1.web\": \"10.64.0.0/25\""));
    assert_eq!(analyze(POOLED, Some(&lock)).lock, None, "an unchanged plan leaves the lock as it is");
}

#[test]
fn a_broken_lock_is_an_error_at_its_place() {
    let analysis = analyze(POOLED, Some("{\n  \"version\": 1,\n<<<<<<< HEAD\n}"));
    let d = &analysis.diagnostics[0];
    assert_eq!(d.code.code, "ASH013");
    assert_eq!(analysis.sources.get(d.span.unwrap().file).name, "ashlar.lock");
}

#[test]
fn a_resource_group_of_more_than_800_resources_splits_into_chained_deployments() {
    let mut text = String::from("settings { location = uksouth }\nhub core { resource_group = \"rg-core\"  address_space = [10.0.0.0/16] }\n");
    for i in 0..900 {
        text.push_str(&format!(
            "spoke s{i} {{ hub = core  resource_group = \"rg-spokes\"  address_space = [10.{}.{}.0/24] }}\n",
            1 + i / 256,
            i % 256
        ));
    }
    let analysis = analyze(&text, None);
    assert!(analysis.diagnostics.is_empty(), "{:?}", &analysis.diagnostics[..1]);
    let azure = analysis.azure.unwrap();
    for d in azure.deployments() {
        assert!(d.resources.len() <= 800, "{} holds {}", d.name, d.resources.len());
        for &r in &d.resources {
            for &dep in &azure.resources[r].depends_on {
                let other = azure.deployment_of(dep);
                let here = azure.deployment_of(r);
                assert!(
                    other == here || d.depends_on.contains(&other),
                    "{} needs {} without waiting for it",
                    d.name,
                    azure.deployments()[other].name
                );
                assert!(other <= here, "deployments are in dependency order");
            }
        }
    }
    // 900 spoke networks: 800 in the first deployment of the group, 100 in the next.
    let spokes: Vec<usize> = azure.deployments().iter().filter(|d| d.resource_group == "rg-spokes").map(|d| d.resources.len()).collect();
    assert_eq!(&spokes[..2], [800, 100]);
}
