//! Address allocation: `subnet app auto /26` gets the first free prefix of that
//! size in its network's address space, and `address_space = [auto /22]` one
//! from the network's `address_pool`. The same plan always gets the same
//! prefixes; with the plan's `ashlar.lock`, adding or reordering blocks never
//! moves a prefix chosen before.

use crate::declare_codes;
use crate::diagnostic::codes::{INVALID_LOCK_FILE, MISSING_ATTRIBUTE};
use crate::diagnostic::Diagnostic;
use crate::lockfile::{Allocations, LOCK_FILE};
use crate::model::{Attr, Model, NodeId, Typed};
pub use crate::prefixes::{earlier_overlaps, overlapping_pairs, overlaps};
use crate::source::Span;
use ipnet::IpNet;
use std::collections::{HashMap, HashSet};

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
///
/// A locked prefix of the length asked for that lies outside the range it is
/// drawn from is an error (`ASH013`, at its line in the lock) and is not used,
/// except for the subnets of a network whose address space was itself chosen
/// anew: those follow it.
pub fn allocate(model: &mut Model, locked: &Allocations, diagnostics: &mut Vec<Diagnostic>) -> Allocations {
    let mut chosen = Allocations::new();

    // Address spaces from pools.
    let pools: Vec<NodeId> = model.of_kind("address_pool").map(|(id, _)| id).collect();
    let networks: Vec<NodeId> = model.networks().map(|(id, _)| id).collect();
    let mut members: HashMap<NodeId, Vec<NodeId>> = HashMap::new();
    for &network in &networks {
        let node = model.node(network);
        if let Some(pool) = node.reference("address_pool") {
            members.entry(pool).or_default().push(network);
        }
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
    // Written address spaces anywhere in the plan stay out of every pool's reach,
    // and so do those handed out by the pools before.
    let mut taken: Vec<IpNet> = networks.iter().flat_map(|&n| model.node(n).prefixes("address_space")).map(|p| p.value).collect();
    // Networks with an address space chosen anew (or not at all): their subnets' locked
    // prefixes may lie outside it without being wrong.
    let mut moved: HashSet<NodeId> = HashSet::new();
    for pool in pools {
        let range: Vec<IpNet> = model.node(pool).prefixes("address_space").iter().map(|p| p.value).collect();
        let members = members.remove(&pool).unwrap_or_default();
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
        let results = assign(&requests, &range, &taken, locked, true, &mut chosen, &scope, diagnostics);
        for (((network, index), result), request) in places.into_iter().zip(results).zip(&requests) {
            if result.is_none() || locked.get(&request.key) != result.as_ref() {
                moved.insert(network);
            }
            if let Some(net) = result {
                taken.push(net);
                // Written back, so that every later stage sees a plain prefix.
                if let Some(Attr { value: Typed::List(items), .. }) = model[network].attrs.get_mut("address_space") {
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
        let settled = !moved.contains(&network);
        let results = assign(&requests, &space, &taken, locked, settled, &mut chosen, &scope, diagnostics);
        for (subnet, result) in subnets.into_iter().zip(results) {
            if let Some(net) = result {
                model.allocations.insert(subnet, net);
            }
        }
    }
    chosen
}

/// Fills requests from `range` (see [`fill`]), reporting the locked prefixes
/// that lie outside it (when `settled`: the range is as it was when they were
/// chosen) and the requests that find no room.
#[allow(clippy::too_many_arguments)]
fn assign(
    requests: &[Request],
    range: &[IpNet],
    taken: &[IpNet],
    locked: &Allocations,
    settled: bool,
    chosen: &mut Allocations,
    scope: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Option<IpNet>> {
    let within = Taken::new(range);
    let wanted: Vec<(u8, Option<IpNet>)> = requests
        .iter()
        .map(|request| {
            let kept = locked.get(&request.key).copied().filter(|net| {
                let outside = settled && net.prefix_len() == request.len && !within.covers(net);
                if outside {
                    let ranges = range.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
                    let ranges = if ranges.is_empty() { "nothing".to_string() } else { ranges };
                    diagnostics.push(
                        Diagnostic::new(
                            &INVALID_LOCK_FILE,
                            locked.place(&request.key).unwrap_or(request.span),
                            format!("`{}` = `{net}` in {LOCK_FILE} lies outside {scope} ({ranges})", request.key),
                        )
                        .with_help(
                            "restore the entry from version control; if the range changed on purpose, delete the entry so that ashlar chooses a prefix inside it",
                        ),
                    );
                }
                !outside
            });
            (request.len, kept)
        })
        .collect();
    let results = fill(range, taken, &wanted, |i, free| {
        let left = match free {
            [] => "nothing is free".to_string(),
            ranges => format!("free: {}", ranges.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
        };
        diagnostics.push(
            Diagnostic::new(&AUTO_PREFIX_EXHAUSTED, requests[i].span, format!("no free /{} is left in {scope} ({left})", requests[i].len))
                .with_help("ask for a smaller prefix, or add a prefix to the address space it is taken from"),
        );
    });
    for (request, result) in requests.iter().zip(&results) {
        if let Some(net) = result {
            chosen.insert(request.key.clone(), *net);
        }
    }
    results
}

/// The prefixes that `auto /N` requests get from `space`, a list of ranges
/// tried in order, around the prefixes in `taken`. Each request is a prefix
/// length and, when the lock holds one, its locked prefix.
///
/// First the locked prefixes that still fit (the length asked for, inside a
/// range of `space`, overlapping nothing taken or kept before them), in order;
/// then each other request in order gets the lowest free, aligned prefix of
/// its length, in the first range that has one. `exhausted` hears of each
/// request that finds no room, with the free ranges left at that moment.
///
/// Every step walks one path of a binary trie over the address bits, so that n
/// requests cost O(n·w) for addresses of w bits, however full the space is.
pub fn fill(space: &[IpNet], taken: &[IpNet], requests: &[(u8, Option<IpNet>)], mut exhausted: impl FnMut(usize, &[IpNet])) -> Vec<Option<IpNet>> {
    let within = Taken::new(space);
    let mut taken = Taken::new(taken);
    let mut results = vec![None; requests.len()];
    for (i, &(len, locked)) in requests.iter().enumerate() {
        let Some(net) = locked else { continue };
        if net.prefix_len() == len && within.covers(&net) && taken.is_free(&net) {
            taken.insert(&net);
            results[i] = Some(net);
        }
    }
    // For each length, the first range of `space` that may still hold a free
    // prefix of it: once a range has none, it never will, as `taken` only grows.
    let mut first_range = [0usize; 256];
    // The free ranges, while nothing more is taken.
    let mut free: Option<Vec<IpNet>> = None;
    for (i, &(len, _)) in requests.iter().enumerate() {
        if results[i].is_some() {
            continue;
        }
        let cursor = &mut first_range[usize::from(len)];
        let mut found = None;
        while let Some(range) = space.get(*cursor) {
            found = taken.lowest_free(range, len);
            if found.is_some() {
                break;
            }
            *cursor += 1;
        }
        match found {
            Some(net) => {
                taken.insert(&net);
                results[i] = Some(net);
                free = None;
            }
            None => exhausted(i, free.get_or_insert_with(|| taken.free_in(space))),
        }
    }
    results
}

/// The lowest prefix of length `len` inside `space` that overlaps nothing in `taken`.
pub fn first_free(space: &[IpNet], taken: &[IpNet], len: u8) -> Option<IpNet> {
    let taken = Taken::new(taken);
    space.iter().find_map(|range| taken.lowest_free(range, len))
}

/// A set of prefixes, as one binary trie over the address bits for each
/// family: a prefix of length l is the node at depth l on the path of its
/// bits. A node is there when a prefix at or below it was added; `full` when
/// one was added at it (what was below no longer matters). Each node also
/// knows the shortest length of a prefix below it that is wholly free, so
/// that the lowest free prefix of a length is found by walking down one path.
struct Taken {
    v4: Trie,
    v6: Trie,
}

impl Taken {
    fn new(prefixes: &[IpNet]) -> Self {
        let mut taken = Taken { v4: Trie::new(32), v6: Trie::new(128) };
        for net in prefixes {
            taken.insert(net);
        }
        taken
    }

    fn trie(&self, net: &IpNet) -> (&Trie, u128) {
        match net.network() {
            std::net::IpAddr::V4(v4) => (&self.v4, u128::from(u32::from(v4))),
            std::net::IpAddr::V6(v6) => (&self.v6, u128::from(v6)),
        }
    }

    fn insert(&mut self, net: &IpNet) {
        match net.network() {
            std::net::IpAddr::V4(v4) => self.v4.insert(u128::from(u32::from(v4)), net.prefix_len()),
            std::net::IpAddr::V6(v6) => self.v6.insert(u128::from(v6), net.prefix_len()),
        }
    }

    /// Whether `net` overlaps nothing in the set.
    fn is_free(&self, net: &IpNet) -> bool {
        let (trie, bits) = self.trie(net);
        matches!(trie.find(bits, net.prefix_len()), Found::Free)
    }

    /// Whether a prefix in the set holds `net`.
    fn covers(&self, net: &IpNet) -> bool {
        let (trie, bits) = self.trie(net);
        matches!(trie.find(bits, net.prefix_len()), Found::Covered)
    }

    /// The lowest prefix of length `len` inside `range` that overlaps nothing in the set.
    fn lowest_free(&self, range: &IpNet, len: u8) -> Option<IpNet> {
        let (trie, bits) = self.trie(range);
        let found = trie.lowest_free(bits, range.prefix_len(), len)?;
        IpNet::new(address(range, found), len).ok()
    }

    /// The parts of the ranges that nothing in the set overlaps, as the fewest
    /// prefixes, in address order.
    fn free_in(&self, space: &[IpNet]) -> Vec<IpNet> {
        let mut out = Vec::new();
        for range in space {
            let (trie, bits) = self.trie(range);
            let mut found = Vec::new();
            trie.free_in(bits, range.prefix_len(), &mut found);
            out.extend(found.into_iter().filter_map(|(bits, len)| IpNet::new(address(range, bits), len).ok()));
        }
        out.sort_by_key(|n| (n.network().is_ipv6(), n.network()));
        out
    }
}

/// The address of `bits` in the family of `like`.
fn address(like: &IpNet, bits: u128) -> std::net::IpAddr {
    match like {
        IpNet::V4(_) => std::net::Ipv4Addr::from(bits as u32).into(),
        IpNet::V6(_) => std::net::Ipv6Addr::from(bits).into(),
    }
}

/// The trie of one family; see [`Taken`]. Node 0 is the root, once anything is
/// added; a child 0 is a child that is not there.
struct Trie {
    /// Address bits: 32 or 128.
    width: u8,
    nodes: Vec<TrieNode>,
}

#[derive(Clone, Copy)]
struct TrieNode {
    children: [u32; 2],
    full: bool,
    /// The shortest length of a wholly free prefix below, or [`NOTHING_FREE`].
    free: u8,
}

const NOTHING_FREE: u8 = u8::MAX;

/// A prefix, as the set holds it.
enum Found {
    /// Nothing in the set overlaps it.
    Free,
    /// A prefix in the set holds it.
    Covered,
    /// Prefixes in the set lie inside it, at and below this node.
    Partly(u32),
}

impl Trie {
    fn new(width: u8) -> Self {
        Trie { width, nodes: Vec::new() }
    }

    /// Bit `depth` of `bits`, counted from the most significant of the family's width.
    fn bit(&self, bits: u128, depth: u8) -> usize {
        ((bits >> (self.width - 1 - depth)) & 1) as usize
    }

    /// The shortest length of a wholly free prefix within child `side` of `node`, at `depth`.
    fn child_free(&self, node: u32, side: usize, depth: u8) -> u8 {
        match self.nodes[node as usize].children[side] {
            0 => depth + 1,
            child => self.nodes[child as usize].free,
        }
    }

    /// Adds the prefix `bits/len`, and updates what is free along its path.
    fn insert(&mut self, bits: u128, len: u8) {
        const EMPTY: TrieNode = TrieNode { children: [0, 0], full: false, free: 0 };
        if self.nodes.is_empty() {
            self.nodes.push(EMPTY);
        }
        let mut path = [0u32; 128];
        let mut at = 0u32;
        for depth in 0..len {
            if self.nodes[at as usize].full {
                return;
            }
            path[usize::from(depth)] = at;
            let side = self.bit(bits, depth);
            let mut next = self.nodes[at as usize].children[side];
            if next == 0 {
                next = u32::try_from(self.nodes.len()).expect("fewer than 2^32 trie nodes");
                self.nodes.push(EMPTY);
                self.nodes[at as usize].children[side] = next;
            }
            at = next;
        }
        if self.nodes[at as usize].full {
            return;
        }
        self.nodes[at as usize] = TrieNode { children: [0, 0], full: true, free: NOTHING_FREE };
        for depth in (0..len).rev() {
            let node = path[usize::from(depth)];
            let free = self.child_free(node, 0, depth).min(self.child_free(node, 1, depth));
            self.nodes[node as usize].free = free;
        }
    }

    /// Where the prefix `bits/len` stands in the set.
    fn find(&self, bits: u128, len: u8) -> Found {
        if self.nodes.is_empty() {
            return Found::Free;
        }
        let mut at = 0u32;
        for depth in 0..len {
            let node = &self.nodes[at as usize];
            if node.full {
                return Found::Covered;
            }
            match node.children[self.bit(bits, depth)] {
                0 => return Found::Free,
                next => at = next,
            }
        }
        if self.nodes[at as usize].full {
            Found::Covered
        } else {
            Found::Partly(at)
        }
    }

    /// The address of the lowest free prefix of length `len` inside `bits/range_len`.
    fn lowest_free(&self, bits: u128, range_len: u8, len: u8) -> Option<u128> {
        if len < range_len || len > self.width {
            return None;
        }
        let mut at = match self.find(bits, range_len) {
            Found::Covered => return None,
            Found::Free => return Some(bits),
            Found::Partly(node) => node,
        };
        let (mut bits, mut depth) = (bits, range_len);
        loop {
            // A node that is there and not full has a free prefix no shorter than
            // depth + 1; one of length `len` or shorter holds a free prefix of `len`.
            if self.nodes[at as usize].free > len {
                return None;
            }
            let side = if self.child_free(at, 0, depth) <= len { 0 } else { 1 };
            bits |= (side as u128) << (self.width - 1 - depth);
            let next = self.nodes[at as usize].children[side];
            depth += 1;
            if next == 0 {
                return Some(bits);
            }
            at = next;
        }
    }

    /// The wholly free prefixes that make up the rest of `bits/len`, in address order.
    fn free_in(&self, bits: u128, len: u8, out: &mut Vec<(u128, u8)>) {
        match self.find(bits, len) {
            Found::Covered => {}
            Found::Free => out.push((bits, len)),
            Found::Partly(node) => self.free_below(node, bits, len, out),
        }
    }

    fn free_below(&self, node: u32, bits: u128, depth: u8, out: &mut Vec<(u128, u8)>) {
        for side in 0..2 {
            let bits = bits | ((side as u128) << (self.width - 1 - depth));
            match self.nodes[node as usize].children[side] {
                0 => out.push((bits, depth + 1)),
                child if self.nodes[child as usize].full => {}
                child => self.free_below(child, bits, depth + 1, out),
            }
        }
    }
}

/// The parts of `space` that nothing in `used` covers, as the fewest prefixes, in address order.
pub fn free_ranges(space: &[IpNet], used: &[IpNet]) -> Vec<IpNet> {
    Taken::new(used).free_in(space)
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
