//! Writes a plan of any size, for benchmarks and scale tests:
//!
//!     cargo run --release --example gen -- --spokes 1000 --subnets 8 \
//!         --vms 10000 --scale-sets 100 --update-groups 20 --pools 20 --policies 50 > /tmp/big/plan.ashlar
//!
//! One hub in 10.0.0.0/16, then spokes with a /22 each from 10.1.0.0 upwards,
//! spread over one resource group per 50 spokes, each with `--subnets` subnets
//! of 64 addresses (half written, half `auto`). Then, all optional:
//!
//! - `--vms N`: machines in `compute` blocks of 10 (Windows and Linux in
//!   turn, over three zones, one block to a subnet), each joining one of the
//!   update groups when there are any;
//! - `--scale-sets N`: Linux scale sets with autoscale, one to a subnet;
//! - `--update-groups N`: weekly windows, every other one for Linux;
//! - `--pools N`: pooled desktop pools of 4 hosts with a workspace;
//! - `--policies N`: policy blocks over subnets, rules and machines, and the
//!   standard packs `std.security` and `std.reliability`.
//!
//! Machines, scale sets and pools take subnets in turn: the first subnet of
//! every spoke, then the second, and so on.

const SSH_KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG0pB3r7xQ ops@laptop";
const MACHINES_PER_BLOCK: usize = 10;

/// How much of each thing the plan holds. The scale test includes this file
/// and calls [`plan`] itself.
#[derive(Default)]
pub struct Sizes {
    pub spokes: usize,
    pub subnets: usize,
    pub vms: usize,
    pub scale_sets: usize,
    pub update_groups: usize,
    pub pools: usize,
    pub policies: usize,
}

fn main() {
    let mut sizes = Sizes { spokes: 100, subnets: 4, ..Sizes::default() };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().and_then(|v| v.parse().ok());
        let slot = match arg.as_str() {
            "--spokes" => &mut sizes.spokes,
            "--subnets" => &mut sizes.subnets,
            "--vms" => &mut sizes.vms,
            "--scale-sets" => &mut sizes.scale_sets,
            "--update-groups" => &mut sizes.update_groups,
            "--pools" => &mut sizes.pools,
            "--policies" => &mut sizes.policies,
            _ => usage(),
        };
        *slot = value.unwrap_or_else(|| usage());
    }
    if sizes.spokes == 0 || sizes.spokes > 16_000 || sizes.subnets == 0 || sizes.subnets > 16 {
        fail("at most 16000 spokes of 1 to 16 subnets fit the address plan");
    }
    let blocks = sizes.vms.div_ceil(MACHINES_PER_BLOCK) + sizes.scale_sets + sizes.pools;
    if blocks > sizes.spokes * sizes.subnets {
        fail(&format!(
            "{blocks} machine blocks need a subnet each, and {} spokes x {} subnets make {}",
            sizes.spokes,
            sizes.subnets,
            sizes.spokes * sizes.subnets
        ));
    }
    print!("{}", plan(&sizes));
}

fn usage() -> ! {
    eprintln!("usage: gen [--spokes N] [--subnets N] [--vms N] [--scale-sets N] [--update-groups N] [--pools N] [--policies N]");
    std::process::exit(2);
}

fn fail(message: &str) -> ! {
    eprintln!("gen: {message}");
    std::process::exit(2);
}

pub fn plan(sizes: &Sizes) -> String {
    let mut out = String::new();
    out.push_str("use std.naming.caf\n");
    if sizes.policies > 0 {
        out.push_str("use std.security\nuse std.reliability\n");
    }
    out.push_str("\nsettings {\n  location = uksouth\n  tags { environment = \"test\"  owner = \"platform@contoso.com\" }\n}\n\n");
    out.push_str("hub core {\n  resource_group = \"rg-core-network\"\n  address_space = [10.0.0.0/16]\n");
    out.push_str("  subnet GatewaySubnet 10.0.0.0/27\n  subnet AzureFirewallSubnet 10.0.0.64/26\n  subnet shared 10.0.1.0/24\n}\n\n");
    for i in 0..sizes.spokes {
        // /22 blocks from 10.1.0.0: 64 per /16.
        let base = (1u32 << 24) * 10 + (1 << 16) + (i as u32) * 1024;
        let ip = |offset: u32| std::net::Ipv4Addr::from(base + offset);
        out.push_str(&format!("spoke app{i} {{\n  hub = core\n  resource_group = \"rg-spokes-{}\"\n  address_space = [{}/22]\n", i / 50, ip(0)));
        // Each subnet a /26 (1024 / 16 = 64 addresses).
        for s in 0..sizes.subnets {
            if s % 2 == 0 {
                out.push_str(&format!("  subnet s{s} {}/26\n", ip(s as u32 * 64)));
            } else {
                out.push_str(&format!("  subnet s{s} auto /26\n"));
            }
        }
        out.push_str("}\n\n");
    }
    let mut subnets = (0..sizes.subnets).flat_map(|s| (0..sizes.spokes).map(move |i| format!("app{i}.s{s}")));
    if sizes.vms > 0 || sizes.pools > 0 {
        out.push_str("key_vault kv_core {\n  resource_group = \"rg-core-security\"\n  vault_name     = \"kv-core-prod-01\"\n}\n\n");
    }
    for g in 0..sizes.update_groups {
        let os = if g % 2 == 0 { "windows" } else { "linux" };
        let day = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"][g % 7];
        out.push_str(&format!(
            "update_group patch{g} {{\n  resource_group = \"rg-core-updates\"\n  weekly {day} at {:02}:00 for 3h timezone \"UTC\"\n  os = [{os}]\n  reboot = if_required\n}}\n\n",
            g % 20
        ));
    }
    let mut remaining = sizes.vms;
    let mut block = 0;
    while remaining > 0 {
        let count = remaining.min(MACHINES_PER_BLOCK);
        remaining -= count;
        let subnet = subnets.next().expect("checked: a subnet for every block");
        let windows = block % 2 == 0;
        out.push_str(&format!(
            "compute m{block} {{\n  resource_group = \"rg-compute-{}\"\n  subnet = {subnet}\n  size = Standard_D2s_v5\n  count = {count}\n  zones = [1, 2, 3]\n  admin_user = \"azureadmin\"\n",
            block / 50
        ));
        if windows {
            out.push_str("  image = windows_2022\n  admin = secret(kv_core, \"vm-admin-password\")\n");
        } else {
            out.push_str(&format!("  image = ubuntu_2404\n  ssh_key = \"{SSH_KEY}\"\n"));
        }
        out.push_str("  trusted_launch = true\n  encryption_at_host = true\n  boot_diagnostics = true\n");
        // Windows groups are the even ones, Linux the odd ones; a block's
        // machines take turns in two groups of their system, on different days.
        let own: Vec<usize> = (usize::from(!windows)..sizes.update_groups).step_by(2).collect();
        match own.len() {
            0 => {}
            1 => out.push_str(&format!("  updates = patch{}\n", own[0])),
            n => out.push_str(&format!("  updates = [patch{}, patch{}]\n", own[block % n], own[(block + 1) % n])),
        }
        out.push_str("}\n\n");
        block += 1;
    }
    for s in 0..sizes.scale_sets {
        let subnet = subnets.next().expect("checked: a subnet for every block");
        out.push_str(&format!(
            "scale_set ss{s} {{\n  resource_group = \"rg-scale-{}\"\n  subnet = {subnet}\n  image = ubuntu_2404\n  size = Standard_D2s_v5\n  zones = [1, 2, 3]\n  admin_user = \"azureadmin\"\n  ssh_key = \"{SSH_KEY}\"\n  trusted_launch = true\n  encryption_at_host = true\n  boot_diagnostics = true\n  capacity {{ min = 2  default = 3  max = 20 }}\n  autoscale {{\n    out when cpu > 70% by 2\n    in when cpu < 30% by 1\n  }}\n}}\n\n",
            s / 50
        ));
    }
    if sizes.pools > 0 {
        out.push_str("desktop_workspace staff {\n  resource_group = \"rg-avd-shared\"\n  friendly_name = \"Desktops\"\n}\n\n");
    }
    for p in 0..sizes.pools {
        let subnet = subnets.next().expect("checked: a subnet for every block");
        out.push_str(&format!(
            "desktop_pool pool{p} {{\n  resource_group = \"rg-avd-{p}\"\n  type = pooled\n  max_sessions = 12\n  hosts = 4\n  host_prefix = \"p{p}\"\n  size = Standard_D8s_v5\n  image = win11_multisession\n  subnet = {subnet}\n  zones = [1, 2, 3]\n  trusted_launch = true\n  join = entra_id\n  admin = secret(kv_core, \"avd-admin-password\")\n  workspace = staff\n  app_group desktop {{ friendly_name = \"Desktop {p}\" }}\n}}\n\n"
        ));
    }
    for p in 0..sizes.policies {
        out.push_str(&policy(p));
    }
    out
}

/// One of five kinds of policy, in turn, each under its own name.
fn policy(p: usize) -> String {
    match p % 5 {
        0 => format!(
            "policy private_space_{p} {{\n  about = \"Networks take private addresses\"\n  for space in networks.address_space {{\n    deny when not (space within [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]) message \"{{space}} is public\"\n  }}\n}}\n\n"
        ),
        1 => format!(
            "policy subnet_size_{p} {{\n  severity = warning\n  about = \"Subnets are no larger than a /20\"\n  for subnet in subnets {{\n    deny when prefix_length(subnet.address_prefix) < 20 message \"{{subnet.name}} is too large\"\n  }}\n}}\n\n"
        ),
        2 => format!(
            "policy machine_size_{p} {{\n  about = \"Machines use approved sizes\"\n  for vm in compute {{\n    deny when not starts_with(lower(vm.size), \"standard_d\") message \"{{vm.name}}: size {{vm.size}}\"\n  }}\n}}\n\n"
        ),
        3 => format!(
            "policy rules_described_{p} {{\n  severity = warning\n  about = \"Deny rules say why\"\n  for rule in nsg.rules where rule.deny {{\n    require rule.description message \"rule {{rule.name}} has no description\"\n  }}\n}}\n\n"
        ),
        _ => format!(
            "policy resource_location_{p} {{\n  about = \"Resources stay in the UK\"\n  for r in resources {{\n    deny when present(r.location) and r.location not in [uksouth, ukwest] message \"{{r.name}} is in {{r.location}}\"\n  }}\n}}\n\n"
        ),
    }
}
