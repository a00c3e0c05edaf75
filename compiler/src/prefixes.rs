//! Arithmetic of address prefixes that several stages share: which overlap,
//! found by sweeping in address order, never pairwise.

use ipnet::IpNet;

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

/// Whether two prefixes share an address: one holds the other.
pub fn overlaps(a: &IpNet, b: &IpNet) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}
