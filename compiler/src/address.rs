//! Address allocation: `subnet app auto /26` gets the first free prefix of that
//! size in its network's address space, in declaration order, so the same plan
//! always gets the same addresses.

use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, Typed};
use ipnet::IpNet;

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

/// Fills [`Model::allocations`] for every `auto` subnet.
pub fn allocate(model: &mut Model, diagnostics: &mut Vec<Diagnostic>) {
    let networks: Vec<usize> = model.networks().map(|(id, _)| id).collect();
    for network in networks {
        let space = model.node(network).prefixes("address_space");
        let children = model.node(network).children.clone();
        let mut taken: Vec<IpNet> = children
            .iter()
            .filter_map(|c| match model.node(*c).get("address_prefix").map(|a| &a.value) {
                Some(Typed::Prefix(net)) => Some(*net),
                _ => None,
            })
            .collect();
        for child in children {
            let Some(attr) = model.node(child).get("address_prefix") else { continue };
            let Typed::Auto(len) = attr.value else { continue };
            let span = attr.span;
            match first_free(&space.iter().map(|s| s.value).collect::<Vec<_>>(), &taken, len) {
                Some(net) => {
                    taken.push(net);
                    model.allocations.insert(child, net);
                }
                None => {
                    let what = model.describe(network);
                    let free = free_ranges(&space.iter().map(|s| s.value).collect::<Vec<_>>(), &taken);
                    let left = match free.as_slice() {
                        [] => "nothing is free".to_string(),
                        ranges => format!("free: {}", ranges.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
                    };
                    diagnostics.push(
                        Diagnostic::new(&AUTO_PREFIX_EXHAUSTED, span, format!("no free /{len} is left in the address space of {what} ({left})"))
                            .with_help("ask for a smaller prefix, or add a prefix to `address_space`"),
                    );
                }
            }
        }
    }
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
