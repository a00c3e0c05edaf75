//! Whatever a user feeds ashlar, it answers with diagnostics or success, never a panic.

#[path = "support/fuzzing.rs"]
mod fuzzing;

fn analyze_bytes(bytes: Vec<u8>) -> ashlar::Analysis {
    ashlar::analyze(&fuzzing::plan_input(&std::env::temp_dir(), bytes))
}

/// Reproducible pseudo-random bytes, from the fuzzers' generator.
fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut rng = fuzzing::Rng::new(seed);
    (0..len).map(|_| rng.next_u64() as u8).collect()
}

#[test]
fn random_bytes_never_panic() {
    for seed in 0..300 {
        let bytes = random_bytes(seed, (seed as usize * 37) % 2000);
        let _ = analyze_bytes(bytes);
    }
}

#[test]
fn random_plan_shaped_text_never_panics() {
    let pieces = [
        "hub ",
        "spoke ",
        "subnet ",
        "core ",
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        "=",
        "\n",
        "10.0.0.0/16",
        "auto /26",
        "\"s\"",
        ",",
        "hub = core",
        "address_space = ",
        "resource_group = \"rg\"",
        "02:00",
        "3h",
        "fd00::/64",
        "use std.naming.caf\n",
        "//c\n",
        "/*",
        "*/",
        "settings { location = uksouth }\n",
        ";",
        "1.2.3",
        "99999999999999999999",
        "x.y.z",
        "\\",
        "'",
    ];
    for seed in 0..400u64 {
        let mut rng = random_bytes(seed, 64).into_iter();
        let text: String = (0..60).filter_map(|_| rng.next()).map(|b| pieces[b as usize % pieces.len()]).collect();
        let _ = analyze_bytes(text.into_bytes());
    }
}

#[test]
fn an_empty_file_is_a_clean_empty_plan() {
    let analysis = analyze_bytes(Vec::new());
    assert!(analysis.diagnostics.is_empty(), "{:?}", analysis.diagnostics);
    assert!(analysis.azure.is_some_and(|p| p.resources.is_empty()));
}

#[test]
fn invalid_utf8_nul_bytes_and_crlf_give_diagnostics_with_places() {
    let analysis = analyze_bytes(b"hub core {\n  resource_group = \"rg-\xff\"\n}".to_vec());
    assert_eq!(analysis.diagnostics[0].code.code, "ASH002");
    assert_eq!(analysis.diagnostics[0].span.unwrap().start, 34);

    let analysis = analyze_bytes(b"hub core {\0}".to_vec());
    assert_eq!(analysis.diagnostics[0].code.code, "ASH001");
    assert!(analysis.diagnostics[0].message.contains("NUL"), "{}", analysis.diagnostics[0].message);

    let crlf = "settings {\r\n  location = uksouth\r\n}\r\nhub core {\r\n  resource_group = \"rg\"\r\n  address_space = [10.0.0.0/16]\r\n}\r\n";
    let analysis = analyze_bytes(crlf.as_bytes().to_vec());
    assert!(analysis.diagnostics.is_empty(), "{:?}", analysis.diagnostics);
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for open in ["[", "{", "("] {
        let text = format!("a = {}", open.repeat(100_000));
        let analysis = analyze_bytes(text.into_bytes());
        assert_eq!(analysis.diagnostics.len(), 1);
        assert_eq!(analysis.diagnostics[0].code.code, "ASH003");
    }
}

#[test]
fn a_five_megabyte_plan_is_analysed() {
    let mut text = String::from("settings { location = uksouth }\nhub core {\n  resource_group = \"rg-core\"\n  address_space = [10.0.0.0/8]\n");
    let mut i = 0u32;
    // At most 3,000 subnets: Azure's limit for one virtual network (ASH209).
    while text.len() < 5 * 1024 * 1024 && i < 3_000 {
        text.push_str(&format!("  subnet s{i} 10.{}.{}.0/24 // subnet {i}, with a comment to make the file larger\n", i / 256, i % 256));
        i += 1;
    }
    while text.len() < 5 * 1024 * 1024 {
        text.push_str("  // filler: a comment line to reach five megabytes without more subnets ........................\n");
    }
    text.push_str("}\n");
    let analysis = analyze_bytes(text.into_bytes());
    // 3000 distinct /24s inside 10.0.0.0/8: the plan is clean, and lowers to one virtual network.
    assert!(analysis.diagnostics.is_empty(), "{:?}", &analysis.diagnostics[..3.min(analysis.diagnostics.len())]);
    assert_eq!(analysis.azure.map(|p| p.resources.len()), Some(1));
}

#[test]
fn huge_numbers_and_prefixes_are_errors() {
    let analysis = analyze_bytes(b"hub core { resource_group = \"rg\" address_space = [10.0.0.0/99] }".to_vec());
    assert!(analysis.diagnostics.iter().any(|d| d.code.code == "ASH004"));
    let analysis = analyze_bytes(b"hub core { subnet a auto /200 }".to_vec());
    assert!(analysis.diagnostics.iter().any(|d| d.code.code == "ASH004"));
}
