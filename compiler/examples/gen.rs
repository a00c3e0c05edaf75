//! Writes a plan of any size, for benchmarks and scale tests:
//!
//!     cargo run --release --example gen -- --spokes 1000 --subnets 8 \
//!         --vms 10000 --scale-sets 100 --update-groups 20 --pools 20 --policies 50 > /tmp/big/plan.ashlar
//!
//! One hub with a firewall in 10.0.0.0/16 (and one more in a /22 from
//! 172.20.0.0 for every 400 spokes past the first 400: Azure peers a network
//! with 500 at most), then spokes with a /22 each from 10.1.0.0 upwards,
//! spread over one resource group per 50 spokes, each with `--subnets` subnets
//! of 64 addresses (half written, half `auto`). Then, all optional:
//!
//! - `--vms N`: machines in `compute` blocks of 10 (Windows and Linux in
//!   turn, over three zones, one block to a subnet), each joining one of the
//!   update groups when there are any; `--machines-per-block N` changes the 10;
//! - `--backup`: the machines are backed up by one nightly `backup_policy`;
//! - `--scale-sets N`: Linux scale sets with autoscale, one to a subnet;
//! - `--update-groups N`: weekly windows, every other one for Linux;
//! - `--pools N`: pooled desktop pools of 4 hosts with a workspace;
//! - `--policies N`: policy blocks over subnets, rules and machines, and the
//!   standard packs `std.security` and `std.reliability`.
//!
//! Machines, scale sets and pools take subnets in turn: the first subnet of
//! every spoke, then the second, and so on.
//!
//! What each spoke has of its own, as teams write a landing zone:
//!
//! - `--nsg-rules N`: an `nsg` of N rules on every subnet of the spoke;
//! - `--shared-rules`: a `rule_set` that every spoke's NSG includes;
//! - `--nat`: a `nat_gateway` on every subnet of the spoke;
//! - `--endpoints`: a private endpoint in the spoke's last subnet, its record
//!   in a private DNS zone linked to the hub.
//!
//! And of the hub's: `--firewall-rules N`, N network rules in the firewall
//! (between spokes' ranges, one port each) and one application rule for
//! every ten of them.
//!
//! `--landing-zone` is all of these at once: NSGs of 30 rules with a shared
//! rule set, NAT gateways, endpoints, 10 machines a spoke in blocks of 5 with
//! backup and two update groups each (four groups in all); flags after it
//! change its parts.
//!
//! Shapes that test the compiler's limits rather than a real plan:
//!
//! - `--tags N`: N more tags in `settings`;
//! - `--dns-servers N`: the hub's `dns_servers` lists N addresses;
//! - `--long-name N`: a `vnet` whose name is N characters long, which the hub
//!   peers with by a misspelt name (one character changed);
//! - `--duplicates N`: N `key_vault` blocks of one name;
//! - `--misspelt-hub`: every spoke names its hub `cor`, as if the hub had
//!   been renamed `core` since.

const SSH_KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG0pB3r7xQ ops@laptop";
const MACHINES_PER_BLOCK: usize = 10;
/// Spokes of one hub: Azure peers a network with 500 others at most.
const SPOKES_PER_HUB: usize = 400;

/// The hubs that `spokes` spokes need.
fn hubs(spokes: usize) -> usize {
    spokes.div_ceil(SPOKES_PER_HUB).max(1)
}

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
    /// Machines in one `compute` block; 0 is [`MACHINES_PER_BLOCK`].
    pub machines_per_block: usize,
    pub backup: bool,
    pub nsg_rules: usize,
    pub shared_rules: bool,
    pub nat: bool,
    pub endpoints: bool,
    pub firewall_rules: usize,
    pub tags: usize,
    pub dns_servers: usize,
    pub long_name: usize,
    pub duplicates: usize,
    pub misspelt_hub: bool,
}

impl Sizes {
    fn machines_per_block(&self) -> usize {
        if self.machines_per_block == 0 {
            MACHINES_PER_BLOCK
        } else {
            self.machines_per_block
        }
    }
}

fn main() {
    let mut sizes = Sizes { spokes: 100, subnets: 4, ..Sizes::default() };
    let mut landing_zone = false;
    let mut vms_given = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let flag = match arg.as_str() {
            "--landing-zone" => {
                landing_zone = true;
                sizes.nsg_rules = 30;
                sizes.shared_rules = true;
                sizes.nat = true;
                sizes.endpoints = true;
                sizes.machines_per_block = 5;
                sizes.backup = true;
                sizes.update_groups = 4;
                None
            }
            "--backup" => Some(&mut sizes.backup),
            "--shared-rules" => Some(&mut sizes.shared_rules),
            "--nat" => Some(&mut sizes.nat),
            "--endpoints" => Some(&mut sizes.endpoints),
            "--misspelt-hub" => Some(&mut sizes.misspelt_hub),
            _ => {
                let value = args.next().and_then(|v| v.parse().ok());
                let slot = match arg.as_str() {
                    "--spokes" => &mut sizes.spokes,
                    "--subnets" => &mut sizes.subnets,
                    "--vms" => {
                        vms_given = true;
                        &mut sizes.vms
                    }
                    "--scale-sets" => &mut sizes.scale_sets,
                    "--update-groups" => &mut sizes.update_groups,
                    "--pools" => &mut sizes.pools,
                    "--policies" => &mut sizes.policies,
                    "--machines-per-block" => &mut sizes.machines_per_block,
                    "--nsg-rules" => &mut sizes.nsg_rules,
                    "--firewall-rules" => &mut sizes.firewall_rules,
                    "--tags" => &mut sizes.tags,
                    "--dns-servers" => &mut sizes.dns_servers,
                    "--long-name" => &mut sizes.long_name,
                    "--duplicates" => &mut sizes.duplicates,
                    _ => usage(),
                };
                *slot = value.unwrap_or_else(|| usage());
                continue;
            }
        };
        if let Some(flag) = flag {
            *flag = true;
        }
    }
    if landing_zone && !vms_given {
        sizes.vms = sizes.spokes * 10;
    }
    if sizes.spokes == 0 || sizes.spokes > 16_000 || sizes.subnets == 0 || sizes.subnets > 16 {
        fail("at most 16000 spokes of 1 to 16 subnets fit the address plan");
    }
    let blocks = sizes.vms.div_ceil(sizes.machines_per_block()) + sizes.scale_sets + sizes.pools;
    if blocks > sizes.spokes * sizes.subnets {
        fail(&format!(
            "{blocks} machine blocks need a subnet each, and {} spokes x {} subnets make {}",
            sizes.spokes,
            sizes.subnets,
            sizes.spokes * sizes.subnets
        ));
    }
    if sizes.machines_per_block() > 50 {
        fail("at most 50 machines fit a subnet of 64 addresses");
    }
    if sizes.nsg_rules > 300 {
        fail("at most 300 rules a direction fit the priorities 100 to 3999");
    }
    print!("{}", plan(&sizes));
}

fn usage() -> ! {
    eprintln!(
        "usage: gen [--spokes N] [--subnets N] [--vms N] [--machines-per-block N] [--backup] [--scale-sets N] \
         [--update-groups N] [--pools N] [--policies N] [--nsg-rules N] [--shared-rules] [--nat] [--endpoints] [--firewall-rules N] \
         [--landing-zone] [--tags N] [--dns-servers N] [--long-name N] [--duplicates N] [--misspelt-hub]"
    );
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
    out.push_str("\nsettings {\n  location = uksouth\n  tags { environment = \"test\"  owner = \"platform@contoso.com\"");
    for t in 0..sizes.tags {
        out.push_str(&format!("\n    tag{t} = \"value {t}\""));
    }
    out.push_str(" }\n}\n\n");
    out.push_str("hub core {\n  resource_group = \"rg-core-network\"\n  address_space = [10.0.0.0/16]\n");
    if sizes.firewall_rules == 0 {
        out.push_str("  firewall { sku = Standard  zones = [1, 2, 3] }\n");
    } else {
        out.push_str("  firewall {\n    sku   = Standard\n    zones = [1, 2, 3]\n    network_rules {\n");
        for r in 0..sizes.firewall_rules {
            out.push_str(&format!("      rule net{r} allow tcp {} from [10.1.0.0/16] to [10.2.0.0/16]\n", 1024 + r));
        }
        out.push_str("    }\n    application_rules {\n");
        for r in 0..sizes.firewall_rules.div_ceil(10) {
            out.push_str(&format!("      rule web{r} allow https to [\"app{r}.contoso.com\"] from [10.1.0.0/16]\n"));
        }
        out.push_str("    }\n  }\n");
    }
    if sizes.dns_servers > 0 {
        // Addresses from 172.16.0.1 upwards, outside every network of the plan.
        let first = u32::from(std::net::Ipv4Addr::new(172, 16, 0, 1));
        let servers: Vec<String> = (0..sizes.dns_servers as u32).map(|k| std::net::Ipv4Addr::from(first + k).to_string()).collect();
        out.push_str(&format!("  dns_servers = [{}]\n", servers.join(", ")));
    }
    if sizes.long_name > 0 {
        out.push_str(&format!("  peer = [{}]\n", long_name(sizes.long_name, true)));
    }
    out.push_str("  subnet GatewaySubnet 10.0.0.0/27\n  subnet AzureFirewallSubnet 10.0.0.64/26\n  subnet shared 10.0.1.0/24\n}\n\n");
    // Azure peers a network with 500 others at most: more spokes take more hubs,
    // each a /22 from 172.20.0.0 with its own firewall.
    for k in 1..hubs(sizes.spokes) {
        let base = u32::from(std::net::Ipv4Addr::new(172, 20, 0, 0)) + (k as u32) * 1024;
        let ip = |offset: u32| std::net::Ipv4Addr::from(base + offset);
        out.push_str(&format!(
            "hub core{k} {{\n  resource_group = \"rg-core-network\"\n  address_space = [{}/22]\n  firewall {{ sku = Standard  zones = [1, 2, 3] }}\n  subnet GatewaySubnet {}/27\n  subnet AzureFirewallSubnet {}/26\n  subnet shared {}/24\n}}\n\n",
            ip(0),
            ip(0),
            ip(64),
            ip(256)
        ));
    }
    if sizes.long_name > 0 {
        out.push_str(&format!(
            "vnet {} {{\n  resource_group = \"rg-long\"\n  address_space = [192.168.0.0/24]\n  subnet only 192.168.0.0/26\n}}\n\n",
            long_name(sizes.long_name, false)
        ));
    }
    for _ in 0..sizes.duplicates {
        out.push_str("key_vault twin {\n  resource_group = \"rg-core-security\"\n  vault_name     = \"kv-core-prod-01\"\n}\n\n");
    }
    if sizes.shared_rules {
        out.push_str(concat!(
            "rule_set baseline {\n",
            "  rule allow_lb_in { inbound allow any from AzureLoadBalancer priority 4000 }\n",
            "  rule allow_vnet_in { inbound allow any from VirtualNetwork to VirtualNetwork priority 4001 }\n",
            "  rule deny_all_in { inbound deny any from any priority 4096 description \"Deny what no rule above allows\" }\n",
            "  rule allow_vnet_out { outbound allow any from VirtualNetwork to VirtualNetwork priority 4000 }\n",
            "  rule allow_internet_out { outbound allow tcp [80, 443] from VirtualNetwork to Internet priority 4001 }\n",
            "  rule deny_all_out { outbound deny any from any priority 4096 description \"Deny what no rule above allows\" }\n",
            "}\n\n",
        ));
    }
    if sizes.endpoints {
        out.push_str("private_dns privatelink_blob {\n  resource_group = \"rg-core-dns\"\n  zone = \"privatelink.blob.core.windows.net\"\n  link = [core]\n}\n\n");
    }
    for i in 0..sizes.spokes {
        // /22 blocks from 10.1.0.0: 64 per /16.
        let base = (1u32 << 24) * 10 + (1 << 16) + (i as u32) * 1024;
        let ip = |offset: u32| std::net::Ipv4Addr::from(base + offset);
        let group = format!("rg-spokes-{}", i / 50);
        let hub = match (i / SPOKES_PER_HUB, sizes.misspelt_hub) {
            (0, false) => "core".to_string(),
            (0, true) => "cor".to_string(),
            (k, false) => format!("core{k}"),
            (k, true) => format!("cor{k}"),
        };
        out.push_str(&format!("spoke app{i} {{\n  hub = {hub}\n  resource_group = \"{group}\"\n  address_space = [{}/22]\n", ip(0)));
        // Each subnet a /26 (1024 / 16 = 64 addresses).
        for s in 0..sizes.subnets {
            let prefix = if s % 2 == 0 { format!("{}/26", ip(s as u32 * 64)) } else { "auto /26".to_string() };
            let mut body = String::new();
            if sizes.nsg_rules > 0 || sizes.shared_rules {
                body.push_str(&format!("    nsg = app{i}_nsg\n"));
            }
            if sizes.nat {
                body.push_str(&format!("    nat_gateway = app{i}_nat\n"));
            }
            if sizes.endpoints && s == sizes.subnets - 1 {
                body.push_str(&format!(
                    "    private_endpoint blob{i} {{\n      resource_id = \"/subscriptions/6a1f3c2e-0b7d-4e59-9c1a-2f4d8e6b0a13/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stapp{i}\"\n      group = blob\n      dns = privatelink_blob\n    }}\n"
                ));
            }
            if body.is_empty() {
                out.push_str(&format!("  subnet s{s} {prefix}\n"));
            } else {
                out.push_str(&format!("  subnet s{s} {prefix} {{\n{body}  }}\n"));
            }
        }
        out.push_str("}\n\n");
        if sizes.nsg_rules > 0 || sizes.shared_rules {
            out.push_str(&format!("nsg app{i}_nsg {{\n"));
            if sizes.shared_rules {
                out.push_str("  include = [baseline]\n");
            }
            for r in 0..sizes.nsg_rules {
                out.push_str(&nsg_rule(i, r, sizes.subnets));
            }
            out.push_str("}\n\n");
        }
        if sizes.nat {
            out.push_str(&format!("nat_gateway app{i}_nat {{\n  resource_group = \"{group}\"\n  zones = [1]\n}}\n\n"));
        }
    }
    let mut subnets = (0..sizes.subnets).flat_map(|s| (0..sizes.spokes).map(move |i| format!("app{i}.s{s}")));
    if sizes.vms > 0 || sizes.pools > 0 {
        out.push_str("key_vault kv_core {\n  resource_group = \"rg-core-security\"\n  vault_name     = \"kv-core-prod-01\"\n}\n\n");
    }
    if sizes.backup && sizes.vms > 0 {
        out.push_str("backup_policy nightly {\n  daily at 01:00 retain 30d\n  retain 12 weeks on sunday\n  timezone = \"GMT Standard Time\"\n}\n\n");
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
        let count = remaining.min(sizes.machines_per_block());
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
        if sizes.backup {
            out.push_str("  backup = nightly\n");
        }
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
            "desktop_pool pool{p} {{\n  resource_group = \"rg-avd-{p}\"\n  type = pooled\n  max_sessions = 12\n  hosts = 4\n  host_prefix = \"p{p}\"\n  size = Standard_D8s_v5\n  image = win11_multisession\n  subnet = {subnet}\n  zones = [1, 2, 3]\n  trusted_launch = true\n  encryption_at_host = true\n  boot_diagnostics = true\n  join = entra_id\n  admin = secret(kv_core, \"avd-admin-password\")\n  workspace = staff\n  app_group desktop {{ friendly_name = \"Desktop {p}\" }}\n}}\n\n"
        ));
    }
    for p in 0..sizes.policies {
        out.push_str(&policy(p));
    }
    out
}

/// A name of `length` characters; `misspelt` changes its middle character.
fn long_name(length: usize, misspelt: bool) -> String {
    let mut name: Vec<u8> = (0..length).map(|k| b"abcdefghijklmnopqrstuvwxyz"[(k * 7 + k / 26) % 26]).collect();
    if misspelt {
        let middle = length / 2;
        name[middle] = if name[middle] == b'z' { b'y' } else { b'z' };
    }
    String::from_utf8(name).expect("ASCII")
}

/// Rule `r` of spoke `i`'s NSG: inbound and outbound in turn, each with a
/// priority of its own, between the spoke's subnets, the hub and the Internet.
fn nsg_rule(i: usize, r: usize, subnets: usize) -> String {
    let direction = if r % 2 == 0 { "inbound" } else { "outbound" };
    let priority = 100 + (r / 2) * 10;
    let port = 1000 + r;
    let here = format!("app{i}.s{}", r % subnets);
    let there = format!("app{i}.s{}", (r + 1) % subnets);
    match r % 5 {
        0 => format!("  rule r{r} {{ {direction} allow tcp {port} from {there} to {here} priority {priority} }}\n"),
        1 => format!(
            "  rule r{r} {{ {direction} allow tcp [{port}, \"{}-{}\"] from {here} to core.shared priority {priority} }}\n",
            port + 1000,
            port + 1010
        ),
        2 => format!("  rule r{r} {{ {direction} allow udp {port} from [10.0.1.0/24, {there}] to {here} priority {priority} }}\n"),
        3 if r % 2 == 0 => {
            format!("  rule r{r} {{ inbound deny tcp {port} from Internet to {here} priority {priority} description \"No {port} from outside\" }}\n")
        }
        3 => format!("  rule r{r} {{ outbound deny tcp {port} from {here} to Internet priority {priority} description \"No {port} to outside\" }}\n"),
        _ if r % 2 == 0 => format!("  rule r{r} {{ inbound allow tcp 443 from AzureLoadBalancer to {here} priority {priority} }}\n"),
        _ => format!("  rule r{r} {{ outbound allow tcp 443 from {here} to Storage.UKSouth priority {priority} }}\n"),
    }
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
