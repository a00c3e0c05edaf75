//! The standard library, written in ashlar: every module compiles clean, and a
//! plan's own blocks take the place of the prelude's.

use ashlar::model::Typed;

fn analyze(text: &str) -> ashlar::Analysis {
    ashlar::analyze_text(text, &std::env::temp_dir())
}

#[test]
fn every_module_compiles_without_a_diagnostic() {
    for module in ashlar::stdlib::MODULES {
        let analysis = analyze(&format!("use {}\nsettings {{ location = uksouth }}\n", module.name));
        assert!(analysis.diagnostics.is_empty(), "{}: {:?}", module.name, analysis.diagnostics);
        let from_module = analysis.model.nodes.iter().filter(|n| n.from_library).count();
        assert!(from_module > 0, "{} declares nothing", module.name);
    }
}

#[test]
fn prelude_images_are_in_every_plan() {
    let analysis = analyze("settings { location = uksouth }\n");
    assert!(analysis.diagnostics.is_empty(), "{:?}", analysis.diagnostics);
    let ubuntu = analysis.model.names.get("ubuntu_2404").map(|&id| analysis.model.node(id)).expect("ubuntu_2404 is declared");
    assert_eq!(ubuntu.str("publisher"), Some("Canonical"));
    assert!(ubuntu.from_library);
}

#[test]
fn a_plan_block_shadows_the_prelude_block_of_its_name() {
    let analysis = analyze(
        "settings { location = uksouth }\n\
         marketplace_image ubuntu_2404 { publisher = \"Canonical\"  offer = \"ubuntu-24_04-lts\"  sku = \"minimal\"  os = linux  version = \"24.04.202501010\" }\n",
    );
    assert!(analysis.diagnostics.is_empty(), "no duplicate-name error: {:?}", analysis.diagnostics);
    let ubuntu = analysis.model.node(analysis.model.names["ubuntu_2404"]);
    assert!(!ubuntu.from_library);
    assert_eq!(ubuntu.str("sku"), Some("minimal"));
    assert_eq!(analysis.model.of_kind("marketplace_image").filter(|(_, n)| n.name() == "ubuntu_2404").count(), 1);
    assert!(matches!(ubuntu.get("version").map(|a| &a.value), Some(Typed::Str(v)) if v == "24.04.202501010"));

    // Two blocks of the plan's own still clash.
    let twice = analyze("marketplace_image a { publisher = \"p\" offer = \"o\" sku = \"s\" os = linux }\nmarketplace_image a { publisher = \"p\" offer = \"o\" sku = \"s\" os = linux }\n");
    assert!(twice.diagnostics.iter().any(|d| d.code.code == "ASH105"), "{:?}", twice.diagnostics);
}

#[test]
fn the_graph_leaves_out_library_blocks_the_plan_does_not_use() {
    let analysis = analyze("settings { location = uksouth }\nhub core { resource_group = \"rg\"  address_space = [10.0.0.0/16] }\n");
    let dot = ashlar::report::graph::to_dot(&analysis.model, analysis.azure.as_ref());
    assert!(dot.contains("hub `core`") && !dot.contains("ubuntu"), "{dot}");
}
