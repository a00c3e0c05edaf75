//! Writes a plan of any size, for benchmarks and scale tests:
//!
//!     cargo run --release --example gen -- --spokes 1000 --subnets 8 > /tmp/big/plan.ashlar
//!
//! One hub in 10.0.0.0/16, then spokes with a /22 each from 10.1.0.0 upwards,
//! spread over one resource group per 50 spokes, each with `--subnets` subnets
//! (half written, half `auto`).

fn main() {
    let mut spokes = 100usize;
    let mut subnets = 4usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().and_then(|v| v.parse().ok());
        match (arg.as_str(), value) {
            ("--spokes", Some(n)) => spokes = n,
            ("--subnets", Some(n)) => subnets = n,
            _ => {
                eprintln!("usage: gen [--spokes N] [--subnets N]  (at most 16000 spokes, 16 subnets)");
                std::process::exit(2);
            }
        }
    }
    if spokes > 16_000 || subnets > 16 || subnets == 0 {
        eprintln!("gen: at most 16000 spokes of 1 to 16 subnets fit the address plan");
        std::process::exit(2);
    }
    let mut out = String::new();
    out.push_str(
        "use std.naming.caf\n\nsettings {\n  location = uksouth\n  tags { environment = \"prod\"  owner = \"platform@contoso.com\" }\n}\n\n",
    );
    out.push_str("hub core {\n  resource_group = \"rg-core-network\"\n  address_space = [10.0.0.0/16]\n");
    out.push_str("  subnet GatewaySubnet 10.0.0.0/27\n  subnet AzureFirewallSubnet 10.0.0.64/26\n  subnet shared 10.0.1.0/24\n}\n\n");
    for i in 0..spokes {
        // /22 blocks from 10.1.0.0: 64 per /16.
        let base = (1u32 << 24) * 10 + (1 << 16) + (i as u32) * 1024;
        let ip = |offset: u32| std::net::Ipv4Addr::from(base + offset);
        out.push_str(&format!("spoke app{i} {{\n  hub = core\n  resource_group = \"rg-spokes-{}\"\n  address_space = [{}/22]\n", i / 50, ip(0)));
        // Each subnet a /26 (1024 / 16 = 64 addresses).
        for s in 0..subnets {
            if s % 2 == 0 {
                out.push_str(&format!("  subnet s{s} {}/26\n", ip(s as u32 * 64)));
            } else {
                out.push_str(&format!("  subnet s{s} auto /26\n"));
            }
        }
        out.push_str("}\n\n");
    }
    print!("{out}");
}
