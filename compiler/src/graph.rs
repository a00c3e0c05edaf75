//! The dependency graph: blocks, the Azure resources they lower to, and the
//! order and grouping of deployments.
//!
//! Edges point from what is needed to what needs it, so a topological order is
//! a deployment order. A circle among blocks is an error naming them.

use crate::diagnostic::codes::DEPENDENCY_CYCLE;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId, Typed};
use indexmap::{IndexMap, IndexSet};
use petgraph::graph::{DiGraph, NodeIndex};

/// The top-level block a block belongs to (a subnet belongs to its network).
pub fn top(model: &Model, mut id: NodeId) -> NodeId {
    while let Some(parent) = model.node(id).parent {
        id = parent;
    }
    id
}

/// Every reference a block and its nested blocks make that orders them (not
/// [`crate::schema::UNORDERED_REFERENCES`]: `peer`, `link`).
fn references(model: &Model, id: NodeId, out: &mut Vec<NodeId>) {
    fn walk(value: &Typed, out: &mut Vec<NodeId>) {
        match value {
            Typed::Ref(target) => out.push(*target),
            Typed::List(items) => items.iter().for_each(|i| walk(&i.value, out)),
            _ => {}
        }
    }
    let node = model.node(id);
    for (name, attr) in &node.attrs {
        if !crate::schema::UNORDERED_REFERENCES.contains(&(node.kind.kind, *name)) {
            walk(&attr.value, out);
        }
    }
    for &child in &node.children {
        references(model, child, out);
    }
}

/// The graph of top-level blocks: an edge from each block to the blocks that
/// reference it or list it in `depends_on`.
pub fn block_graph(model: &Model) -> (DiGraph<NodeId, ()>, IndexMap<NodeId, NodeIndex>) {
    let mut graph = DiGraph::new();
    let mut index = IndexMap::new();
    for (id, node) in model.nodes_with_ids() {
        if node.parent.is_none() {
            index.insert(id, graph.add_node(id));
        }
    }
    for (&id, &from) in &index {
        let mut targets = Vec::new();
        references(model, id, &mut targets);
        let targets: IndexSet<NodeId> = targets.into_iter().map(|t| top(model, t)).collect();
        // Each pair once (the targets are a set, and `from` differs on each
        // turn): `add_edge`, since `update_edge` first walks the target's
        // edges, which for a hub that every spoke names are as many as the spokes.
        for target in targets {
            graph.add_edge(index[&target], from, ());
        }
    }
    (graph, index)
}

/// Top-level blocks in dependency order; among blocks free to go, the one
/// declared first goes first. Blocks in a circle are left out.
pub fn block_order(model: &Model) -> Vec<NodeId> {
    let (graph, index) = block_graph(model);
    let mut waiting: IndexMap<NodeIndex, usize> =
        index.values().map(|&n| (n, graph.neighbors_directed(n, petgraph::Direction::Incoming).count())).collect();
    let mut ready: std::collections::BTreeSet<NodeId> = index.iter().filter(|(_, n)| waiting[*n] == 0).map(|(id, _)| *id).collect();
    let mut order = Vec::with_capacity(index.len());
    while let Some(id) = ready.pop_first() {
        order.push(id);
        for next in graph.neighbors_directed(index[&id], petgraph::Direction::Outgoing) {
            let count = waiting.get_mut(&next).expect("every node is counted");
            *count -= 1;
            if *count == 0 {
                ready.insert(graph[next]);
            }
        }
    }
    order
}

/// `blocks` (top-level) in an order that keeps each after those it depends on,
/// directly or through other blocks, and otherwise follows `key`: unlike
/// [`block_order`], an order that does not change with the file a block is
/// written in, or with its place there. Blocks in a circle come last, by `key`.
pub fn order_by<K: Ord>(model: &Model, blocks: &[NodeId], key: impl Fn(NodeId) -> K) -> Vec<NodeId> {
    let (graph, index) = block_graph(model);
    let wanted: IndexMap<NodeIndex, usize> = blocks.iter().enumerate().filter_map(|(i, b)| index.get(b).map(|&n| (n, i))).collect();
    // after[i]: the blocks that wait for block i; waiting[i]: how many block i waits for.
    let mut after: Vec<Vec<usize>> = vec![Vec::new(); blocks.len()];
    let mut waiting = vec![0usize; blocks.len()];
    for (&start, &i) in &wanted {
        let mut dfs = petgraph::visit::Dfs::new(&graph, start);
        while let Some(reached) = dfs.next(&graph) {
            if let Some(&j) = wanted.get(&reached).filter(|&&j| j != i) {
                after[i].push(j);
                waiting[j] += 1;
            }
        }
    }
    let keys: Vec<K> = blocks.iter().map(|&b| key(b)).collect();
    let mut ready: std::collections::BTreeSet<(&K, usize)> = (0..blocks.len()).filter(|&i| waiting[i] == 0).map(|i| (&keys[i], i)).collect();
    let mut order = Vec::with_capacity(blocks.len());
    let mut placed = vec![false; blocks.len()];
    while let Some((_, i)) = ready.pop_first() {
        order.push(blocks[i]);
        placed[i] = true;
        for &j in &after[i] {
            waiting[j] -= 1;
            if waiting[j] == 0 {
                ready.insert((&keys[j], j));
            }
        }
    }
    let mut rest: Vec<usize> = (0..blocks.len()).filter(|&i| !placed[i]).collect();
    rest.sort_by(|&a, &b| (&keys[a], a).cmp(&(&keys[b], b)));
    order.extend(rest.into_iter().map(|i| blocks[i]));
    order
}

/// Reports each circle of blocks, naming the blocks in it.
pub fn check_cycles(model: &Model) -> Vec<Diagnostic> {
    let (graph, _) = block_graph(model);
    let mut diagnostics = Vec::new();
    for component in petgraph::algo::tarjan_scc(&graph) {
        let is_cycle = component.len() > 1 || graph.contains_edge(component[0], component[0]);
        if !is_cycle {
            continue;
        }
        let mut blocks: Vec<NodeId> = component.iter().map(|i| graph[*i]).collect();
        blocks.sort();
        diagnostics.push(cycle_diagnostic(model, &blocks));
    }
    diagnostics
}

pub(crate) fn cycle_diagnostic(model: &Model, blocks: &[NodeId]) -> Diagnostic {
    let names: Vec<String> = blocks.iter().map(|b| model.describe(*b)).collect();
    let circle = names.iter().chain(names.first()).cloned().collect::<Vec<_>>().join(" → ");
    let mut d = Diagnostic::new(&DEPENDENCY_CYCLE, model.node(blocks[0]).head, format!("these blocks depend on each other in a circle: {circle}"))
        .with_help("remove one of the references or `depends_on` entries in the circle");
    for &b in &blocks[1..] {
        d = d.with_label(model.node(b).head, format!("{} is in the circle", model.describe(b)));
    }
    d
}

/// FNV-1a: a stable hash, the same on every platform and run.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3))
}
