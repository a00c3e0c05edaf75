//! Address allocation: `subnet app auto /26` gets the first free prefix of that
//! size in its network's address space, and `address_space = [auto /22]` one
//! from the network's `address_pool`. The same plan always gets the same
//! prefixes; with the plan's `ashlar.lock`, adding or reordering blocks never
//! moves a prefix chosen before.

use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Attr, Model, NodeId, Typed};
use crate::registry::MISSING_ATTRIBUTE;
use crate::source::Span;
use ipnet::IpNet;
use std::collections::BTreeMap;

declare_codes! {
    /// ## What it does
    /// Reports an `auto /N` subnet for which no free prefix of that size is left
    /// in its network's address space.
    ///
    /// ## Why it matters
    /// ashlar allocates `auto` prefixes at compile time; if none fits, the subnet
    /// cannot be created.
    ///
    /// ## Example
    /// ```ashlar
    /// spoke app1 {
    ///   address_space = [10.1.0.0/26]
    ///   subnet web 10.1.0.0/26
    ///   subnet app auto /27
    /// }
    /// ```
    ///
    /// ## Fix
    /// Ask for a smaller prefix, or add a prefix to `address_space`.
    pub AUTO_PREFIX_EXHAUSTED = ("ASH204", "auto-prefix-exhausted", Error);
}

/// Prefixes chosen for `auto /N`, by key: `app1.app` for a subnet,
/// `app1.address_space.0` for the first `auto` in a network's address space.
/// Kept in the plan's `ashlar.lock` so that a chosen prefix never moves.
pub type Allocations = BTreeMap<String, IpNet>;

/// One `auto /N` to fill.
struct Request {
    key: String,
    len: u8,
    span: Span,
}

/// Allocates every `auto`: first networks' address spaces from their pools,
/// then subnets from their networks. A prefix recorded in `locked` is kept while
/// it still fits; the others take the lowest free prefix, in declaration order.
/// Returns what was chosen, the content of the next lock file.
pub fn allocate(model: &mut Model, locked: &Allocations, diagnostics: &mut Vec<Diagnostic>) -> Allocations {
    let mut chosen = Allocations::new();

    // Address spaces from pools.
    let pools: Vec<NodeId> = model.of_kind("address_pool").map(|(id, _)| id).collect();
    let networks: Vec<NodeId> = model.networks().map(|(id, _)| id).collect();
    for &network in &networks {
        let node = model.node(network);
        let has_auto = node.list("address_space").iter().any(|i| matches!(i.value, Typed::Auto(_)));
        if has_auto && node.reference("address_pool").is_none() {
            let span = node.get("address_space").map_or(node.head, |a| a.span);
            diagnostics.push(
                Diagnostic::new(
                    &MISSING_ATTRIBUTE,
                    span,
                    format!("`auto` in the address space of {} needs a pool to take it from", model.describe(network)),
                )
                .with_help("add `address_pool = POOL`, naming an `address_pool` block"),
            );
        }
    }
    for pool in pools {
        let range: Vec<IpNet> = model.node(pool).prefixes("address_space").iter().map(|p| p.value).collect();
        let members: Vec<NodeId> = networks.iter().copied().filter(|&n| model.node(n).reference("address_pool") == Some(pool)).collect();
        // Written address spaces anywhere in the plan stay out of the pool's reach.
        let taken: Vec<IpNet> = networks.iter().flat_map(|&n| model.node(n).prefixes("address_space")).map(|p| p.value).collect();
        let mut requests = Vec::new();
        let mut places = Vec::new();
        for &network in &members {
            let items = model.node(network).list("address_space");
            let mut n = 0;
            for (index, item) in items.iter().enumerate() {
                if let Typed::Auto(len) = item.value {
                    requests.push(Request { key: format!("{}.address_space.{n}", model.path(network)), len, span: item.span });
                    places.push((network, index));
                    n += 1;
                }
            }
        }
        let scope = format!("address pool `{}`", model.node(pool).name());
        let results = assign(&requests, &range, taken, locked, &mut chosen, &scope, diagnostics);
        for ((network, index), result) in places.into_iter().zip(results) {
            if let Some(net) = result {
                // Written back, so that every later stage sees a plain prefix.
                if let Some(Attr { value: Typed::List(items), .. }) = model.nodes[network].attrs.get_mut("address_space") {
                    items[index].value = Typed::Prefix(net);
                }
                model.auto_spaces.insert((network, index));
            }
        }
    }

    // Subnets from their networks.
    for network in networks {
        let space: Vec<IpNet> = model.node(network).prefixes("address_space").iter().map(|s| s.value).collect();
        let children = model.node(network).children.clone();
        let taken: Vec<IpNet> = children
            .iter()
            .filter_map(|c| match model.node(*c).get("address_prefix").map(|a| &a.value) {
                Some(Typed::Prefix(net)) => Some(*net),
                _ => None,
            })
            .collect();
        let mut requests = Vec::new();
        let mut subnets = Vec::new();
        for child in children {
            let Some(attr) = model.node(child).get("address_prefix") else { continue };
            let Typed::Auto(len) = attr.value else { continue };
            requests.push(Request { key: model.path(child), len, span: attr.span });
            subnets.push(child);
        }
        let scope = format!("the address space of {}", model.describe(network));
        let results = assign(&requests, &space, taken, locked, &mut chosen, &scope, diagnostics);
        for (subnet, result) in subnets.into_iter().zip(results) {
            if let Some(net) = result {
                model.allocations.insert(subnet, net);
            }
        }
    }
    chosen
}

/// Fills requests from `range`: locked prefixes that still fit first, then the
/// rest in order, each the lowest free prefix of its length.
fn assign(
    requests: &[Request],
    range: &[IpNet],
    mut taken: Vec<IpNet>,
    locked: &Allocations,
    chosen: &mut Allocations,
    scope: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Option<IpNet>> {
    let mut results = vec![None; requests.len()];
    for (i, request) in requests.iter().enumerate() {
        let Some(&net) = locked.get(&request.key) else { continue };
        let fits = net.prefix_len() == request.len && range.iter().any(|r| r.contains(&net)) && !taken.iter().any(|t| overlaps(t, &net));
        if fits {
            taken.push(net);
            results[i] = Some(net);
        }
    }
    for (i, request) in requests.iter().enumerate() {
        if results[i].is_some() {
            continue;
        }
        match first_free(range, &taken, request.len) {
            Some(net) => {
                taken.push(net);
                results[i] = Some(net);
            }
            None => {
                let free = free_ranges(range, &taken);
                let left = match free.as_slice() {
                    [] => "nothing is free".to_string(),
                    ranges => format!("free: {}", ranges.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
                };
                diagnostics.push(
                    Diagnostic::new(&AUTO_PREFIX_EXHAUSTED, request.span, format!("no free /{} is left in {scope} ({left})", request.len))
                        .with_help("ask for a smaller prefix, or add a prefix to the address space it is taken from"),
                );
            }
        }
    }
    for (request, result) in requests.iter().zip(&results) {
        if let Some(net) = result {
            chosen.insert(request.key.clone(), *net);
        }
    }
    results
}

/// The lowest prefix of length `len` inside `space` that overlaps nothing in `taken`.
pub fn first_free(space: &[IpNet], taken: &[IpNet], len: u8) -> Option<IpNet> {
    space.iter().find_map(|range| {
        if len < range.prefix_len() || len > range.max_prefix_len() {
            return None;
        }
        // Candidates in address order: step from the range's start by the block size,
        // skipping past whatever a candidate collides with.
        let mut candidate = IpNet::new(range.network(), len).ok()?.trunc();
        loop {
            if !range.contains(&candidate) {
                return None;
            }
            match taken.iter().find(|t| overlaps(t, &candidate)) {
                None => return Some(candidate),
                Some(blocker) => {
                    let after = next_address(blocker.broadcast())?;
                    let next = IpNet::new(after, len).ok()?.trunc();
                    // Align upwards: the truncated block may start before `after`.
                    candidate = if next.network() < after { next_block(next)? } else { next };
                }
            }
        }
    })
}

/// For each prefix, one prefix listed *before* it that it overlaps, if any.
///
/// Two prefixes overlap exactly when one holds the other, so a sweep in address
/// order with a stack of the prefixes still open finds every overlap in
/// O(n log n + n·d), d being the nesting depth (at most 129): never pairwise.
/// Equal prefixes share one stack entry, which keeps d bounded.
pub fn earlier_overlaps(prefixes: &[IpNet]) -> Vec<Option<usize>> {
    let mut order: Vec<usize> = (0..prefixes.len()).collect();
    order.sort_by_key(|&i| {
        let p = prefixes[i];
        (p.network().is_ipv6(), p.network(), p.prefix_len(), i)
    });
    let mut earlier: Vec<Option<usize>> = vec![None; prefixes.len()];
    let note = |later: usize, partner: usize, earlier: &mut Vec<Option<usize>>| {
        if earlier[later].is_none_or(|p| partner < p) {
            earlier[later] = Some(partner);
        }
    };
    // (prefix, the first-listed index of that prefix)
    let mut open: Vec<(IpNet, usize)> = Vec::new();
    for i in order {
        let p = prefixes[i];
        while open.last().is_some_and(|(q, _)| !q.contains(&p)) {
            open.pop();
        }
        if let Some(&(q, first)) = open.last() {
            if q == p {
                // A repeat: it overlaps the first of its kind, listed earlier (sorted by index).
                note(i, first, &mut earlier);
                continue;
            }
        }
        for &(_, first) in &open {
            if first < i {
                note(i, first, &mut earlier);
            } else {
                note(first, i, &mut earlier);
            }
        }
        open.push((p, i));
    }
    earlier
}

/// Every pair (i, j), i < j, of prefixes that overlap, in order of j then i.
/// A sweep in address order: O(n log n + k) for k pairs.
pub fn overlapping_pairs(prefixes: &[IpNet]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..prefixes.len()).collect();
    order.sort_by_key(|&i| (prefixes[i].network().is_ipv6(), prefixes[i].network(), prefixes[i].prefix_len(), i));
    let mut open: Vec<usize> = Vec::new();
    let mut pairs = Vec::new();
    for i in order {
        while open.last().is_some_and(|&o| !prefixes[o].contains(&prefixes[i])) {
            open.pop();
        }
        pairs.extend(open.iter().map(|&o| (o.min(i), o.max(i))));
        open.push(i);
    }
    pairs.sort_by_key(|&(i, j)| (j, i));
    pairs
}

/// The parts of `space` that nothing in `used` covers, as the fewest prefixes, in address order.
pub fn free_ranges(space: &[IpNet], used: &[IpNet]) -> Vec<IpNet> {
    fn free(range: IpNet, used: &[IpNet], out: &mut Vec<IpNet>) {
        let touching: Vec<IpNet> = used.iter().copied().filter(|u| overlaps(u, &range)).collect();
        if touching.is_empty() {
            out.push(range);
        } else if touching.iter().any(|u| u.contains(&range)) {
            // fully used
        } else if let Ok(halves) = range.subnets(range.prefix_len() + 1) {
            for half in halves {
                free(half, &touching, out);
            }
        }
    }
    let mut out = Vec::new();
    for &range in space {
        free(range, used, &mut out);
    }
    out.sort_by_key(|n| (n.network().is_ipv6(), n.network()));
    out
}

pub fn overlaps(a: &IpNet, b: &IpNet) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

fn next_address(ip: std::net::IpAddr) -> Option<std::net::IpAddr> {
    match ip {
        std::net::IpAddr::V4(v4) => u32::from(v4).checked_add(1).map(|n| std::net::Ipv4Addr::from(n).into()),
        std::net::IpAddr::V6(v6) => u128::from(v6).checked_add(1).map(|n| std::net::Ipv6Addr::from(n).into()),
    }
}

fn next_block(net: IpNet) -> Option<IpNet> {
    let after = next_address(net.broadcast())?;
    IpNet::new(after, net.prefix_len()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> IpNet {
        s.parse().unwrap()
    }

    #[test]
    fn picks_the_lowest_free_aligned_block() {
        let space = [net("10.1.0.0/24")];
        let taken = [net("10.1.0.0/26"), net("10.1.0.128/26")];
        assert_eq!(first_free(&space, &taken, 26), Some(net("10.1.0.64/26")));
        assert_eq!(first_free(&space, &taken, 27), Some(net("10.1.0.64/27")));
    }

    #[test]
    fn skips_past_a_small_blocker_to_the_next_aligned_block() {
        let space = [net("10.0.0.0/24")];
        let taken = [net("10.0.0.8/29")];
        assert_eq!(first_free(&space, &taken, 26), Some(net("10.0.0.64/26")));
    }

    /// The sweep agrees with the pairwise definition on random prefix sets: the same
    /// prefixes have an earlier overlap, and the partner it names does overlap.
    #[test]
    fn sweep_agrees_with_the_pairwise_check_on_random_prefixes() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..2000 {
            let n = (next() % 40) as usize;
            let prefixes: Vec<IpNet> = (0..n)
                .map(|_| {
                    let r = next();
                    if round % 5 == 0 && r % 3 == 0 {
                        IpNet::new(std::net::Ipv6Addr::from(((r as u128) << 64) | 0xfd00 << 112).into(), 8 + (r % 57) as u8).unwrap().trunc()
                    } else {
                        // A small space so that overlaps are common.
                        let addr = std::net::Ipv4Addr::from(0x0a00_0000 | ((r >> 8) as u32 & 0xffff));
                        IpNet::new(addr.into(), 16 + (r % 17) as u8).unwrap().trunc()
                    }
                })
                .collect();
            let sweep = earlier_overlaps(&prefixes);
            for i in 0..n {
                let naive = (0..i).any(|j| overlaps(&prefixes[i], &prefixes[j]));
                assert_eq!(sweep[i].is_some(), naive, "round {round}, {i}: {prefixes:?}");
                if let Some(j) = sweep[i] {
                    assert!(j < i && overlaps(&prefixes[i], &prefixes[j]), "round {round}: {i} vs {j}");
                }
            }
        }
    }

    #[test]
    fn overlapping_pairs_agree_with_the_pairwise_check() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..500 {
            let prefixes: Vec<IpNet> = (0..25)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    IpNet::new(std::net::Ipv4Addr::from(0x0a00_0000 | (state as u32 & 0xffff)).into(), 18 + (state >> 40) as u8 % 12).unwrap().trunc()
                })
                .collect();
            let mut naive = Vec::new();
            for j in 0..prefixes.len() {
                for i in 0..j {
                    if overlaps(&prefixes[i], &prefixes[j]) {
                        naive.push((i, j));
                    }
                }
            }
            assert_eq!(overlapping_pairs(&prefixes), naive, "{prefixes:?}");
        }
    }

    #[test]
    fn free_ranges_are_what_the_subnets_leave() {
        let space = [net("10.1.0.0/24")];
        let used = [net("10.1.0.0/26"), net("10.1.0.128/27")];
        assert_eq!(free_ranges(&space, &used), [net("10.1.0.64/26"), net("10.1.0.160/27"), net("10.1.0.192/26")]);
        assert_eq!(free_ranges(&space, &[net("10.0.0.0/8")]), []);
        assert_eq!(free_ranges(&space, &[]), [net("10.1.0.0/24")]);
    }

    #[test]
    fn tries_each_range_of_the_space_and_gives_up_when_full() {
        let space = [net("10.0.0.0/26"), net("10.0.1.0/24")];
        let taken = [net("10.0.0.0/26")];
        assert_eq!(first_free(&space, &taken, 26), Some(net("10.0.1.0/26")));
        assert_eq!(first_free(&space[..1], &taken, 27), None);
        assert_eq!(first_free(&space, &[], 16), None);
    }
}
