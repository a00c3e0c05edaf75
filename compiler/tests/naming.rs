//! The `naming` block's one `pattern` with `{type}`: the names a plan deploys,
//! the abbreviations a plan changes, and the errors a pattern leads to.

use ashlar::lower::ir::Prop;

const NETWORKS: &str = "settings {\n location = uksouth\n}\n\
    hub core {\n resource_group = \"rg-core\"\n address_space = [10.0.0.0/16]\n subnet shared 10.0.1.0/24 { nsg = web }\n}\n\
    spoke app {\n hub = core\n resource_group = \"rg-app\"\n address_space = [10.1.0.0/16]\n subnet api 10.1.0.0/24\n}\n\
    nsg web {\n rule https { inbound allow tcp 443 from Internet priority 100 }\n}\n";

fn analyze(naming: &str) -> ashlar::Analysis {
    ashlar::analyze_text(&format!("{NETWORKS}naming corp {{\n{naming}\n}}\n"), &std::env::temp_dir())
}

/// Each deployed resource as `TYPE NAME`, the type without its namespace;
/// subnets, which deploy inside their virtual network, as `subnets VNET/NAME`.
fn names(naming: &str) -> Vec<String> {
    let analysis = analyze(naming);
    assert!(analysis.diagnostics.is_empty(), "{naming}: {:?}", analysis.diagnostics);
    let plan = analysis.azure.expect("the plan lowers");
    let mut names = Vec::new();
    for resource in plan.resources.iter().filter(|r| !r.resource_type.starts_with("Microsoft.Resources")) {
        names.push(format!("{} {}", resource.resource_type.rsplit('/').next().unwrap(), resource.name.join("/")));
        let Prop::Object(properties) = &resource.properties else { continue };
        let Some(Prop::Array(subnets)) = properties.get("subnets") else { continue };
        for subnet in subnets {
            if let Prop::Object(subnet) = subnet {
                if let Some(Prop::Str(name)) = subnet.get("name") {
                    names.push(format!("subnets {}/{name}", resource.name.join("/")));
                }
            }
        }
    }
    names
}

#[test]
fn one_pattern_names_every_type_by_its_abbreviation() {
    let found = names("pattern = \"{type}-{name}-{location}\"");
    for expected in [
        "virtualNetworks vnet-core-uksouth",
        "subnets vnet-core-uksouth/snet-shared-uksouth",
        "virtualNetworks vnet-app-uksouth",
        "networkSecurityGroups nsg-web-uksouth",
        // A peering's name is made of its two networks' names, not of a pattern with `{name}`.
        "virtualNetworkPeerings vnet-core-uksouth/vnet-core-uksouth-to-vnet-app-uksouth",
    ] {
        assert!(found.iter().any(|f| f == expected), "{expected} not in {found:?}");
    }
}

#[test]
fn a_types_own_pattern_and_abbreviation_win() {
    let found =
        names("pattern = \"{type}-{name}\"\n subnet = \"{name}-{type}\"\n abbreviations {\n  virtual_network = \"vn\"\n  subnet = \"sn\"\n }");
    for expected in ["virtualNetworks vn-core", "subnets vn-core/shared-sn", "networkSecurityGroups nsg-web"] {
        assert!(found.iter().any(|f| f == expected), "{expected} not in {found:?}");
    }
}

#[test]
fn a_wrong_placeholder_or_abbreviation_is_an_error_at_its_word() {
    let analysis = analyze("pattern = \"{type}-{nmae}\"\n abbreviations {\n  virtul_network = \"vn\"\n }");
    let found: Vec<(&str, &str)> = analysis.diagnostics.iter().map(|d| (d.code.code, d.message.as_str())).collect();
    assert_eq!(
        found,
        [
            ("ASH303", "`{nmae}` is not a placeholder of the `pattern` pattern \"{type}-{nmae}\""),
            ("ASH303", "`virtul_network` is not a pattern of a `naming` block, so it has no `{type}`"),
        ]
    );
    assert_eq!(
        analysis.diagnostics[1].help.as_deref(),
        Some("did you mean `virtual_network`? Abbreviations are given by the pattern's attribute, such as `virtual_network`")
    );
}

#[test]
fn a_name_the_pattern_makes_too_long_is_an_error_never_shortened() {
    let analysis = analyze("pattern = \"{type}-{name}-{location}-0123456789012345678901234567890123456789012345678901234567890123456789\"");
    assert!(analysis.azure.is_none(), "the plan must not lower");
    assert!(analysis.diagnostics.iter().any(|d| d.code.code == "ASH301" && d.message.contains("nsg-web-uksouth-0123")), "{:?}", analysis.diagnostics);
}
