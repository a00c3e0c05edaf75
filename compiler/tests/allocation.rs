//! `auto /N`: subnets from their network, address spaces from a pool, and
//! `ashlar.lock` keeping every chosen prefix in place as the plan changes.

use ashlar::load::{InputFile, PlanInput};
use ipnet::IpNet;
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

fn analyze(text: &str, lock: Option<&str>) -> ashlar::Analysis {
    let root = std::env::temp_dir();
    ashlar::analyze(&PlanInput {
        root: root.clone(),
        files: vec![InputFile { name: "plan.ashlar".into(), path: root.join("plan.ashlar"), bytes: text.as_bytes().to_vec() }],
        lock: lock.map(|l| l.as_bytes().to_vec()),
        ..PlanInput::default()
    })
}

/// `path` → prefix of every subnet and address space, from the address plan.
fn prefixes(analysis: &ashlar::Analysis) -> Vec<(String, String)> {
    let plan = ashlar::report::address_plan::address_plan(&analysis.model);
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
    // Two hubs of 450 spokes each: a virtual network has at most 500 peerings (ASH209).
    let mut text = String::from(
        "settings { location = uksouth }\nhub core { resource_group = \"rg-core\"  address_space = [10.0.0.0/16] }\nhub core2 { resource_group = \"rg-core\"  address_space = [10.100.0.0/16] }\n",
    );
    for i in 0..900 {
        text.push_str(&format!(
            "spoke s{i} {{ hub = {}  resource_group = \"rg-spokes\"  address_space = [10.{}.{}.0/24] }}\n",
            if i < 450 { "core" } else { "core2" },
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
            for &dep in &azure[r].depends_on {
                let other = azure.deployment_of(dep);
                let here = azure.deployment_of(r);
                assert!(other == here || d.depends_on.contains(&other), "{} needs {} without waiting for it", d.name, azure[other].name);
                assert!(other <= here, "deployments are in dependency order");
            }
        }
    }
    // 900 spoke networks: 800 in the first deployment of the group, 100 in the next.
    let spokes: Vec<usize> = azure.deployments().iter().filter(|d| d.resource_group == "rg-spokes").map(|d| d.resources.len()).collect();
    assert_eq!(&spokes[..2], [800, 100]);
}

#[test]
fn a_network_chosen_anew_takes_its_subnets_along() {
    let first = analyze(POOLED, None);
    let lock = first.lock.clone().unwrap();
    // app1's address space grows: it is chosen anew, and its subnets with it, without complaint.
    let changed = POOLED.replace("address_space = [auto /22]\n  subnet web", "address_space = [auto /21]\n  subnet web");
    let after = analyze(&changed, Some(&lock));
    assert!(after.diagnostics.is_empty(), "{:?}", after.diagnostics);
    assert_eq!(prefix_of(&after, "app1"), "10.64.16.0/21");
    assert_eq!(prefix_of(&after, "app1.web"), "10.64.16.0/24");
    assert_eq!(prefix_of(&after, "app2.web"), prefix_of(&first, "app2.web"));
}

// ---------------------------------------------------------------------------
// The allocator against the obvious first fit

/// xorshift64: the same numbers on every run.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `lo..=hi`.
    fn within(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    fn one_in(&mut self, n: u64) -> bool {
        self.next() % n == 0
    }
}

/// A prefix as (IPv6?, first address, last address).
fn bounds(net: &IpNet) -> (bool, u128, u128) {
    match net {
        IpNet::V4(v4) => (false, u128::from(u32::from(v4.network())), u128::from(u32::from(v4.broadcast()))),
        IpNet::V6(v6) => (true, u128::from(v6.network()), u128::from(v6.broadcast())),
    }
}

fn prefix(ipv6: bool, first: u128, len: u8) -> IpNet {
    let address: IpAddr = if ipv6 { Ipv6Addr::from(first).into() } else { Ipv4Addr::from(first as u32).into() };
    IpNet::new(address, len).unwrap()
}

fn overlap(a: &IpNet, b: &IpNet) -> bool {
    let (a, b) = (bounds(a), bounds(b));
    a.0 == b.0 && a.1 <= b.2 && b.1 <= a.2
}

fn inside(inner: &IpNet, outer: &IpNet) -> bool {
    let (a, b) = (bounds(inner), bounds(outer));
    a.0 == b.0 && b.1 <= a.1 && a.2 <= b.2
}

/// What the allocator must choose, written the plain way: the locked prefixes
/// that fit, in order; then for each other request, every aligned prefix of its
/// length in each range of the space in turn, the first that overlaps nothing
/// taken. Also each request that found nothing, with the free ranges left then.
#[allow(clippy::type_complexity)]
fn first_fit(space: &[IpNet], taken: &[IpNet], requests: &[(u8, Option<IpNet>)]) -> (Vec<Option<IpNet>>, Vec<(usize, Vec<IpNet>)>) {
    let mut used = taken.to_vec();
    let mut out = vec![None; requests.len()];
    for (i, &(len, locked)) in requests.iter().enumerate() {
        if let Some(net) = locked {
            if net.prefix_len() == len && space.iter().any(|r| inside(&net, r)) && !used.iter().any(|u| overlap(u, &net)) {
                used.push(net);
                out[i] = Some(net);
            }
        }
    }
    let mut exhausted = Vec::new();
    for (i, &(len, _)) in requests.iter().enumerate() {
        if out[i].is_some() {
            continue;
        }
        let mut found = None;
        'ranges: for range in space {
            if len < range.prefix_len() || len > range.max_prefix_len() {
                continue;
            }
            let (ipv6, first, last) = bounds(range);
            let size = 1u128 << (range.max_prefix_len() - len);
            let mut at = first;
            while at <= last {
                let candidate = prefix(ipv6, at, len);
                if !used.iter().any(|u| overlap(u, &candidate)) {
                    found = Some(candidate);
                    break 'ranges;
                }
                at += size;
            }
        }
        match found {
            Some(net) => {
                used.push(net);
                out[i] = Some(net);
            }
            None => exhausted.push((i, free_parts(space, &used))),
        }
    }
    (out, exhausted)
}

/// The free parts of each range, each the largest aligned block that starts
/// where the last ended, sorted by address.
fn free_parts(space: &[IpNet], used: &[IpNet]) -> Vec<IpNet> {
    let mut out = Vec::new();
    for range in space {
        let (ipv6, first, last) = bounds(range);
        let width = range.max_prefix_len();
        let mut at = first;
        while at <= last {
            let covering = used.iter().map(bounds).filter(|u| u.0 == ipv6 && u.1 <= at && at <= u.2).map(|u| u.2).max();
            if let Some(end) = covering {
                match end.checked_add(1) {
                    Some(next) => at = next,
                    None => break,
                }
                continue;
            }
            let mut len = width;
            while len > range.prefix_len() {
                let size = 1u128 << (width - len + 1);
                let bigger = prefix(ipv6, at, len - 1);
                if at % size != 0 || !inside(&bigger, range) || used.iter().any(|u| overlap(u, &bigger)) {
                    break;
                }
                len -= 1;
            }
            out.push(prefix(ipv6, at, len));
            at += 1u128 << (width - len);
        }
    }
    out.sort_by_key(|n| (n.network().is_ipv6(), n.network()));
    out
}

/// A random prefix of length `len`, aligned, inside `area`.
fn random_in(rng: &mut Rng, area: &IpNet, len: u8) -> IpNet {
    let (ipv6, first, _) = bounds(area);
    let blocks = 1u128 << (len - area.prefix_len());
    let size = 1u128 << (area.max_prefix_len() - len);
    prefix(ipv6, first + (u128::from(rng.next()) % blocks) * size, len)
}

#[test]
fn the_allocator_chooses_what_a_plain_first_fit_chooses() {
    let mut rng = Rng::new(0xA5A5_0001);
    let (mut compared, mut kept, mut refused, mut full) = (0, 0, 0, 0);
    for round in 0..2000 {
        // A small area, so that ranges, taken prefixes and locked ones collide.
        let v6 = round % 5 == 4;
        let (area, shortest): (IpNet, u8) = if v6 { ("fd00::/116".parse().unwrap(), 116) } else { ("10.0.0.0/20".parse().unwrap(), 20) };
        let space: Vec<IpNet> = (0..rng.within(1, 3))
            .map(|_| {
                let len = shortest + rng.within(2, 4) as u8;
                random_in(&mut rng, &area, len)
            })
            .collect();
        let mut taken: Vec<IpNet> = (0..rng.within(0, 10))
            .map(|_| {
                let least = if rng.one_in(10) { 0 } else { 3 };
                let len = shortest + rng.within(least, 12) as u8;
                random_in(&mut rng, &area, len)
            })
            .collect();
        if rng.one_in(4) {
            // A prefix of the other family, which blocks nothing.
            taken.push(if v6 { "10.0.0.0/8".parse().unwrap() } else { "fd00::/8".parse().unwrap() });
        }
        let requests: Vec<(u8, Option<IpNet>)> = (0..rng.within(1, 24))
            .map(|_| {
                let least = if rng.one_in(10) { 1 } else { 3 };
                let len = shortest + rng.within(least, 10) as u8;
                let range = space[rng.within(0, space.len() as u64 - 1) as usize];
                let other = shortest + rng.within(1, 10) as u8;
                let locked = match rng.within(0, 9) {
                    // Most inside a range, where they may fit.
                    0..=2 if len >= range.prefix_len() => Some(random_in(&mut rng, &range, len)),
                    0..=3 => Some(random_in(&mut rng, &area, len)),
                    4 => Some(random_in(&mut rng, &area, other)),
                    _ => None,
                };
                (len, locked)
            })
            .collect();
        let mut exhausted = Vec::new();
        let chosen = ashlar::address::fill(&space, &taken, &requests, |i, free| exhausted.push((i, free.to_vec())));
        let (expected, expected_exhausted) = first_fit(&space, &taken, &requests);
        let inputs = format!("round {round}: space {space:?}, taken {taken:?}, requests {requests:?}");
        assert_eq!(chosen, expected, "{inputs}");
        assert_eq!(exhausted, expected_exhausted, "{inputs}");
        compared += requests.len();
        kept += requests.iter().zip(&chosen).filter(|(r, c)| r.1.is_some() && r.1 == **c).count();
        refused += requests.iter().zip(&chosen).filter(|(r, c)| r.1.is_some_and(|l| l.prefix_len() == r.0) && r.1 != **c).count();
        full += exhausted.len();
    }
    // Every path is taken often: locked prefixes kept and refused, requests that find no room.
    assert!(compared > 20_000 && kept > 2_000 && refused > 2_000 && full > 2_000, "{compared} compared, {kept} kept, {refused} refused, {full} full");
}

#[test]
fn first_free_and_free_ranges_agree_with_the_plain_definitions() {
    let mut rng = Rng::new(0x5EED_0002);
    for round in 0..1000 {
        let area: IpNet = if round % 4 == 3 { "fd00::/118".parse().unwrap() } else { "192.168.0.0/22".parse().unwrap() };
        let shortest = area.prefix_len();
        let mut random = |most: u64| {
            let len = shortest + rng.within(0, most) as u8;
            random_in(&mut rng, &area, len)
        };
        let space: Vec<IpNet> = (0..3).map(|_| random(3)).take(1 + round % 3).collect();
        let taken: Vec<IpNet> = (0..round % 21).map(|_| random(10)).collect();
        let len = shortest + rng.within(0, 10) as u8;
        let (expected, _) = first_fit(&space, &taken, &[(len, None)]);
        assert_eq!(ashlar::address::first_free(&space, &taken, len), expected[0], "round {round}: {space:?} {taken:?} /{len}");
        assert_eq!(ashlar::address::free_ranges(&space, &taken), free_parts(&space, &taken), "round {round}: {space:?} {taken:?}");
    }
}

/// A random plan of pools and virtual networks, as the allocator sees it.
#[derive(Clone)]
struct Shape {
    pools: Vec<Vec<IpNet>>,
    networks: Vec<Network>,
}

#[derive(Clone)]
struct Network {
    name: String,
    pool: Option<usize>,
    space: Vec<Item>,
    subnets: Vec<(String, Item)>,
}

#[derive(Clone, Copy)]
enum Item {
    Auto(u8),
    Written(IpNet),
}

impl std::fmt::Display for Item {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Item::Auto(len) => write!(f, "auto /{len}"),
            Item::Written(net) => write!(f, "{net}"),
        }
    }
}

impl Shape {
    fn random(rng: &mut Rng, seed: usize) -> Shape {
        let pools: Vec<Vec<IpNet>> = (0..rng.within(1, 2))
            .map(|p| {
                let area: IpNet = format!("10.{p}.0.0/18").parse().unwrap();
                (0..rng.within(1, 2))
                    .map(|_| {
                        let len = rng.within(19, 21) as u8;
                        random_in(rng, &area, len)
                    })
                    .collect()
            })
            .collect();
        let networks = (0..rng.within(1, 7))
            .map(|n| {
                let pool = rng.within(0, pools.len() as u64 - 1) as usize;
                let area: IpNet = format!("10.{pool}.0.0/18").parse().unwrap();
                let mut space: Vec<Item> = (0..rng.within(1, 2)).map(|_| Item::Auto(rng.within(21, 25) as u8)).collect();
                if rng.one_in(3) {
                    let (at, len) = (rng.within(0, space.len() as u64) as usize, rng.within(22, 24) as u8);
                    space.insert(at, Item::Written(random_in(rng, &area, len)));
                }
                if rng.one_in(5) {
                    space.retain(|i| matches!(i, Item::Written(_)));
                    space.push(Item::Written(random_in(rng, &area, 23)));
                }
                let subnets = (0..rng.within(0, 6))
                    .map(|s| {
                        let len = rng.within(26, 28) as u8;
                        let item = if rng.one_in(4) { Item::Written(random_in(rng, &area, len)) } else { Item::Auto(rng.within(25, 29) as u8) };
                        (format!("s{s}"), item)
                    })
                    .collect();
                let has_auto = space.iter().any(|i| matches!(i, Item::Auto(_)));
                Network { name: format!("n{seed}x{n}"), pool: (has_auto || rng.one_in(2)).then_some(pool), space, subnets }
            })
            .collect();
        Shape { pools, networks }
    }

    fn text(&self) -> String {
        let mut text = String::from("settings { location = uksouth }\n");
        for (p, ranges) in self.pools.iter().enumerate() {
            let ranges: Vec<String> = ranges.iter().map(ToString::to_string).collect();
            text.push_str(&format!("address_pool p{p} {{ address_space = [{}] }}\n", ranges.join(", ")));
        }
        for network in &self.networks {
            let space: Vec<String> = network.space.iter().map(ToString::to_string).collect();
            text.push_str(&format!("vnet {} {{\n  resource_group = \"rg\"\n  address_space = [{}]\n", network.name, space.join(", ")));
            if let Some(pool) = network.pool {
                text.push_str(&format!("  address_pool = p{pool}\n"));
            }
            for (name, item) in &network.subnets {
                text.push_str(&format!("  subnet {name} {item}\n"));
            }
            text.push_str("}\n");
        }
        text
    }

    /// The lock's next content, by the plain first fit: the pools' requests in
    /// declaration order, around every written address space and what earlier
    /// pools handed out; then each network's subnets in its address space.
    fn expected(&self, locked: &BTreeMap<String, IpNet>) -> BTreeMap<String, IpNet> {
        let mut chosen = BTreeMap::new();
        let mut taken: Vec<IpNet> =
            self.networks.iter().flat_map(|n| &n.space).filter_map(|i| if let Item::Written(net) = i { Some(*net) } else { None }).collect();
        let mut spaces: Vec<Vec<Option<IpNet>>> =
            self.networks.iter().map(|n| n.space.iter().map(|i| if let Item::Written(net) = i { Some(*net) } else { None }).collect()).collect();
        for (p, range) in self.pools.iter().enumerate() {
            let mut keys = Vec::new();
            let mut requests = Vec::new();
            let mut places = Vec::new();
            for (n, network) in self.networks.iter().enumerate().filter(|(_, n)| n.pool == Some(p)) {
                let autos = network.space.iter().enumerate().filter_map(|(i, item)| if let Item::Auto(len) = item { Some((i, *len)) } else { None });
                for (nth, (index, len)) in autos.enumerate() {
                    let key = format!("{}.address_space.{nth}", network.name);
                    requests.push((len, locked.get(&key).copied()));
                    keys.push(key);
                    places.push((n, index));
                }
            }
            let (results, _) = first_fit(range, &taken, &requests);
            for ((key, (n, index)), result) in keys.into_iter().zip(places).zip(results) {
                if let Some(net) = result {
                    taken.push(net);
                    spaces[n][index] = Some(net);
                    chosen.insert(key, net);
                }
            }
        }
        for (network, space) in self.networks.iter().zip(&spaces) {
            let space: Vec<IpNet> = space.iter().flatten().copied().collect();
            let written: Vec<IpNet> =
                network.subnets.iter().filter_map(|(_, i)| if let Item::Written(net) = i { Some(*net) } else { None }).collect();
            let autos: Vec<(String, u8)> = network
                .subnets
                .iter()
                .filter_map(|(name, i)| if let Item::Auto(len) = i { Some((format!("{}.{name}", network.name), *len)) } else { None })
                .collect();
            let requests: Vec<(u8, Option<IpNet>)> = autos.iter().map(|(key, len)| (*len, locked.get(key).copied())).collect();
            let (results, _) = first_fit(&space, &written, &requests);
            for ((key, _), result) in autos.into_iter().zip(results) {
                if let Some(net) = result {
                    chosen.insert(key, net);
                }
            }
        }
        chosen
    }

    /// The same plan edited as plans are: blocks reordered, one added in front,
    /// one removed, a subnet's length changed.
    fn edited(&self, rng: &mut Rng) -> Shape {
        let mut shape = self.clone();
        shape.networks.reverse();
        for network in &mut shape.networks {
            network.subnets.reverse();
        }
        if shape.networks.len() > 2 {
            let gone = rng.within(0, shape.networks.len() as u64 - 1) as usize;
            shape.networks.remove(gone);
        }
        if let Some((_, item)) = shape.networks.first_mut().and_then(|n| n.subnets.first_mut()) {
            if let Item::Auto(len) = *item {
                *item = Item::Auto(if len == 29 { 28 } else { len + 1 });
            }
        }
        let name = format!("{}new", shape.networks[0].name);
        let subnets = vec![("a".to_string(), Item::Auto(26)), ("b".to_string(), Item::Auto(27))];
        shape.networks.insert(0, Network { name, pool: Some(0), space: vec![Item::Auto(24)], subnets });
        shape
    }
}

fn chosen(analysis: &ashlar::Analysis) -> BTreeMap<String, IpNet> {
    analysis.model.chosen.iter().map(|(k, v)| (k.clone(), *v)).collect()
}

#[test]
fn random_plans_get_the_prefixes_of_a_plain_first_fit_with_and_without_a_lock() {
    let mut rng = Rng::new(0x0B1E_C7ED);
    let mut locked_kept = 0;
    let mut previous: Option<String> = None;
    for seed in 0..120 {
        let shape = Shape::random(&mut rng, seed);
        let text = shape.text();
        let first = analyze(&text, None);
        assert_eq!(chosen(&first), shape.expected(&BTreeMap::new()), "plan {seed}:\n{text}");

        // Edited, with the lock of the first run: what was chosen stays where it still fits.
        let lock = first.lock.clone().unwrap_or_else(|| ashlar::lockfile::render(&Default::default()));
        let locked: BTreeMap<String, IpNet> = ashlar::lockfile::parse(&lock).unwrap().iter().map(|(k, v)| (k.clone(), *v)).collect();
        let edited = shape.edited(&mut rng);
        let edited_text = edited.text();
        let after = analyze(&edited_text, Some(&lock));
        let expected = edited.expected(&locked);
        assert_eq!(chosen(&after), expected, "plan {seed} edited:\n{edited_text}\nlock:\n{lock}");
        locked_kept += expected.iter().filter(|(k, v)| locked.get(*k) == Some(v)).count();
        assert!(after.diagnostics.iter().all(|d| d.code.code != "ASH013"), "plan {seed}: {:?}", after.diagnostics);

        // With the lock of another plan: its entries are used only where they fit.
        if let Some(other) = previous.replace(lock) {
            let other_locked: BTreeMap<String, IpNet> = ashlar::lockfile::parse(&other).unwrap().iter().map(|(k, v)| (k.clone(), *v)).collect();
            let crossed = analyze(&text, Some(&other));
            assert_eq!(chosen(&crossed), shape.expected(&other_locked), "plan {seed} with another's lock:\n{text}\nlock:\n{other}");
        }
    }
    assert!(locked_kept > 300, "only {locked_kept} locked prefixes kept");
}

// ---------------------------------------------------------------------------
// The lock is checked like plan text

const HUB: &str = "settings { location = uksouth }
address_pool spokes { address_space = [10.64.0.0/16] }
hub core {
  resource_group = \"rg\"
  address_space = [172.16.0.0/16]
  subnet shared auto /24
  subnet app auto /24
}
spoke app1 {
  hub = core  resource_group = \"rg\"  address_pool = spokes
  address_space = [auto /22]
  subnet web auto /24
}
";

/// A lock file with these entries, one a line from line 5.
fn lock_text(entries: &[(&str, &str)]) -> String {
    let lines: Vec<String> = entries.iter().map(|(k, v)| format!("    \"{k}\": \"{v}\"")).collect();
    format!("{{\n  \"note\": \"hand-edited\",\n  \"version\": 1,\n  \"prefixes\": {{\n{}\n  }}\n}}\n", lines.join(",\n"))
}

/// `ashlar check` on a plan folder holding `plan.ashlar` and `ashlar.lock`.
fn analyze_folder(plan: &str, lock: &str) -> ashlar::Analysis {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.ashlar"), plan).unwrap();
    std::fs::write(dir.path().join("ashlar.lock"), lock).unwrap();
    let input = ashlar::load::read_plan(dir.path()).unwrap();
    ashlar::analyze(&input)
}

/// Each ASH013 as (line in ashlar.lock, message); every one has help.
fn lock_errors(analysis: &ashlar::Analysis) -> Vec<(usize, String)> {
    analysis
        .diagnostics
        .iter()
        .filter(|d| d.code.code == "ASH013")
        .map(|d| {
            assert!(d.is_error() && d.help.is_some(), "{d:?}");
            let span = d.span.expect("a place in the lock");
            let file = analysis.sources.get(span.file);
            assert_eq!(file.name, "ashlar.lock");
            (file.line_col(span.start as usize).line, d.message.clone())
        })
        .collect()
}

#[test]
fn a_good_lock_passes_its_checks() {
    let lock = analyze(HUB, None).lock.unwrap();
    let analysis = analyze_folder(HUB, &lock);
    assert!(analysis.diagnostics.is_empty(), "{:?}", analysis.diagnostics);
    assert!(analysis.azure.is_some());
}

#[test]
fn a_locked_prefix_with_host_bits_fails_the_build_at_its_line() {
    let lock = lock_text(&[("app1.address_space.0", "10.64.0.0/22"), ("core.shared", "172.16.0.5/24")]);
    let analysis = analyze_folder(HUB, &lock);
    let errors = lock_errors(&analysis);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, 6);
    assert!(errors[0].1.contains("`172.16.0.5/24` of `core.shared` has host bits set"), "{}", errors[0].1);
    assert!(analysis.azure.is_none());
    // The entry is not used: nothing with host bits is chosen.
    assert!(analysis.model.chosen.values().all(|net| net.trunc() == *net), "{:?}", analysis.model.chosen);
}

#[test]
fn a_key_written_twice_fails_the_build_at_the_second() {
    let lock = lock_text(&[("core.shared", "172.16.0.0/24"), ("core.app", "172.16.1.0/24"), ("core.shared", "172.16.2.0/24")]);
    let analysis = analyze_folder(HUB, &lock);
    let errors = lock_errors(&analysis);
    assert_eq!(errors, [(7, "`core.shared` stands twice in ashlar.lock (first on line 5)".to_string())]);
    assert!(analysis.azure.is_none());
}

#[test]
fn a_locked_prefix_outside_its_range_fails_the_build_at_its_line() {
    // A subnet outside its network's address space.
    let lock = lock_text(&[("core.shared", "172.16.0.0/24"), ("core.app", "10.9.0.0/24")]);
    let analysis = analyze_folder(HUB, &lock);
    let errors = lock_errors(&analysis);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, 6);
    assert!(
        errors[0].1.contains("`core.app` = `10.9.0.0/24` in ashlar.lock lies outside the address space of hub `core` (172.16.0.0/16)"),
        "{}",
        errors[0].1
    );
    assert!(analysis.azure.is_none());
    assert_eq!(analysis.model.chosen.get("core.app").map(ToString::to_string).as_deref(), Some("172.16.1.0/24"), "chosen anew, not used");

    // An address space outside its network's pool.
    let lock = lock_text(&[("core.shared", "172.16.0.0/24"), ("app1.address_space.0", "10.65.0.0/22")]);
    let analysis = analyze_folder(HUB, &lock);
    let errors = lock_errors(&analysis);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, 6);
    assert!(errors[0].1.contains("lies outside address pool `spokes` (10.64.0.0/16)"), "{}", errors[0].1);
    assert!(analysis.azure.is_none());
}

#[test]
fn locked_prefixes_that_overlap_fail_the_build_at_the_later() {
    let lock = lock_text(&[("core.shared", "172.16.0.0/24"), ("app1.web", "10.64.0.0/24"), ("core.app", "172.16.0.128/25")]);
    let analysis = analyze_folder(HUB, &lock);
    let errors = lock_errors(&analysis);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, 7);
    assert!(errors[0].1.contains("`core.app` = `172.16.0.128/25` overlaps `core.shared` = `172.16.0.0/24` (line 5)"), "{}", errors[0].1);
    assert!(analysis.azure.is_none());
}
