//! `ashlar.toml`: severities for the whole plan, and what it refuses.

use std::process::Command;

fn check(plan: &str, toml: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.ashlar"), plan).unwrap();
    std::fs::write(dir.path().join("ashlar.toml"), toml).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ashlar")).args(["check", dir.path().to_str().unwrap(), "--format", "short"]).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

const OVERLAPPING_HUBS: &str = "settings { location = uksouth }\nhub west { resource_group = \"rg-w\"  address_space = [10.0.0.0/16] }\nhub north { resource_group = \"rg-n\"  address_space = [10.0.128.0/17] }\n";

const MACHINE: &str = "use std.security\nsettings { location = uksouth }\nhub core { resource_group = \"rg\"  address_space = [10.0.0.0/16]  subnet s 10.0.1.0/24 }\n\
compute vm { resource_group = \"rg-vm\"  subnet = core.s  image = ubuntu_2404  size = Standard_D2s_v5  trusted_launch = true  encryption_at_host = true\n  ssh_key = \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@contoso\" }\n";

#[test]
fn a_warning_raised_to_an_error_fails_the_check() {
    let (code, out) = check(OVERLAPPING_HUBS, "");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("warning[ASH208]"), "{out}");
    let (code, out) = check(OVERLAPPING_HUBS, "[severity]\nunconnected-address-overlap = \"error\"\n");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error[ASH208]"), "{out}");
}

#[test]
fn a_policy_can_be_turned_off_or_made_an_error_by_its_name() {
    let (_, out) = check(MACHINE, "");
    assert!(out.contains("[boot_diagnostics]"), "{out}");
    let (code, out) = check(MACHINE, "[severity]\nboot_diagnostics = \"off\"\n");
    assert_eq!(code, 0);
    assert!(!out.contains("[boot_diagnostics]"), "{out}");
    let (code, out) = check(MACHINE, "[severity]\nboot_diagnostics = \"error\"\n");
    assert_eq!(code, 1);
    assert!(out.contains("error[ASH500]: [boot_diagnostics]"), "{out}");
}

#[test]
fn errors_stay_errors_and_mistakes_are_reported_in_the_file() {
    let (code, out) = check(OVERLAPPING_HUBS, "[severity]\nASH202 = \"warning\"\n");
    assert_eq!(code, 1);
    assert!(out.contains("ashlar.toml:2:1: error[ASH014]: ASH202 (subnet-overlap) is an error"), "{out}");
    let (_, out) = check(OVERLAPPING_HUBS, "[severity]\nunconected-address-overlap = \"off\"\n");
    assert!(out.contains("ashlar.toml:2:1: error[ASH014]: `unconected-address-overlap` is no diagnostic code"), "{out}");
    let (_, out) = check(OVERLAPPING_HUBS, "[severity]\nASH208 = \"loud\"\n");
    assert!(out.contains("`ASH208` is set to \"loud\""), "{out}");
    let (_, out) = check(OVERLAPPING_HUBS, "[severity\n");
    assert!(out.contains("ashlar.toml") && out.contains("is not TOML"), "{out}");
    let (_, out) = check(OVERLAPPING_HUBS, "[colours]\nASH208 = \"error\"\n");
    assert!(out.contains("has no section `colours`"), "{out}");
}
