//! The dependency graph: blocks, the Azure resources they lower to, and the
//! order and grouping of deployments.
//!
//! Edges point from what is needed to what needs it, so a topological order is
//! a deployment order. A circle among blocks is an error naming them.

use crate::diagnostic::codes::DEPENDENCY_CYCLE;
use crate::diagnostic::Diagnostic;
use crate::lower::ir::{AzurePlan, Deployment, Grouping, ResourceId};
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
    for (id, node) in model.nodes.iter().enumerate() {
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

fn cycle_diagnostic(model: &Model, blocks: &[NodeId]) -> Diagnostic {
    let names: Vec<String> = blocks.iter().map(|b| model.describe(*b)).collect();
    let circle = names.iter().chain(names.first()).cloned().collect::<Vec<_>>().join(" → ");
    let mut d = Diagnostic::new(&DEPENDENCY_CYCLE, model.node(blocks[0]).head, format!("these blocks depend on each other in a circle: {circle}"))
        .with_help("remove one of the references or `depends_on` entries in the circle");
    for &b in &blocks[1..] {
        d = d.with_label(model.node(b).head, format!("{} is in the circle", model.describe(b)));
    }
    d
}

/// ARM's limit of resources in one template.
pub const MAX_RESOURCES_PER_DEPLOYMENT: usize = 800;

/// Puts the resources of a plan in an order where each comes after those it
/// depends on, into [`AzurePlan::order`]; fails when some wait for each other
/// in a circle.
pub fn order(plan: &mut AzurePlan, model: &Model) -> Result<(), Vec<Diagnostic>> {
    plan.order = topological_order(plan).map_err(|stuck| {
        let mut blocks: Vec<NodeId> = stuck.iter().map(|r| plan.resources[*r].origin).collect();
        blocks.sort();
        blocks.dedup();
        vec![cycle_diagnostic(model, &blocks)]
    })?;
    Ok(())
}

/// Groups the resources of an ordered plan into nested deployments.
///
/// A deployment holds resources of one resource group. A resource that needs a
/// resource of another group goes into a later deployment of its own group, so
/// that deployments never wait on each other in a circle: a peering from hub to
/// spoke deploys after both virtual networks, whichever groups they are in.
pub fn group(plan: &AzurePlan) -> Grouping {
    let order = &plan.order;

    // Stage of each resource: the same as a dependency in its own group, one
    // later than a dependency in another group.
    let mut stage = vec![0usize; plan.resources.len()];
    for &r in order {
        let resource = &plan.resources[r];
        stage[r] = resource
            .depends_on
            .iter()
            .map(|&d| stage[d] + usize::from(!same_group(&plan.resources[d].resource_group, &resource.resource_group)))
            .max()
            .unwrap_or(0);
    }
    let mut groups: IndexMap<(usize, String), Vec<ResourceId>> = IndexMap::new();
    for &r in order {
        let key = (stage[r], plan.resources[r].resource_group.to_ascii_lowercase());
        groups.entry(key).or_default().push(r);
    }
    groups.sort_by(|a, _, b, _| a.0.cmp(&b.0));
    // ARM refuses a template of more than 800 resources. A group in dependency
    // order splits into consecutive chunks: every dependency then lies in the
    // same chunk or an earlier one, so the chunks chain without circles.
    // A template also weighs at most 4 MB: a chunk ends early at about 3 MB
    // of JSON, so that any deployment fits a top-level template by itself.
    let groups: Vec<((usize, String), Vec<ResourceId>)> =
        groups.into_iter().flat_map(|(key, resources)| chunks(plan, &resources).into_iter().map(move |chunk| (key.clone(), chunk))).collect();

    let mut per_group_count: IndexMap<String, usize> = IndexMap::new();
    let mut stems: IndexSet<String> = IndexSet::new();
    let mut deployments = Vec::new();
    let mut of_resource = vec![0; plan.resources.len()];
    for ((_, group_key), resources) in groups {
        let rg = plan.resources[resources[0]].resource_group.clone();
        let n = per_group_count.entry(group_key).or_insert(0);
        *n += 1;
        let suffix = if *n == 1 { String::new() } else { format!("-{n}") };
        let mut stem = format!("{}{suffix}", file_safe(&rg));
        while stems.contains(&stem.to_ascii_lowercase()) {
            stem.push('_');
        }
        stems.insert(stem.to_ascii_lowercase());
        let index = deployments.len();
        for &r in &resources {
            of_resource[r] = index;
        }
        deployments.push(Deployment {
            name: deployment_name(&rg, &suffix),
            symbol: format!("deploy_{}", stem.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect::<String>()),
            file_stem: stem,
            resource_group: rg,
            resources,
            depends_on: Vec::new(),
        });
    }
    for deployment in &mut deployments {
        let mut needs: IndexSet<usize> = IndexSet::new();
        for &r in &deployment.resources {
            for &d in &plan.resources[r].depends_on {
                let other = of_resource[d];
                if other != of_resource[r] {
                    needs.insert(other);
                }
            }
        }
        let mut needs: Vec<usize> = needs.into_iter().collect();
        needs.sort();
        deployment.depends_on = needs;
    }
    // Symbols must be unique even when two stems differ only in case or punctuation.
    let mut seen: IndexSet<String> = IndexSet::new();
    for deployment in &mut deployments {
        while !seen.insert(deployment.symbol.clone()) {
            deployment.symbol.push('_');
        }
    }
    Grouping { deployments, of_resource }
}

/// Roughly how many bytes of JSON a nested deployment may hold: well under
/// ARM's 4 MB for a whole template, leaving room for the template around it.
pub const MAX_DEPLOYMENT_WEIGHT: usize = 3 * 1024 * 1024;

/// Consecutive runs of `resources`, each of at most
/// [`MAX_RESOURCES_PER_DEPLOYMENT`] resources and, unless one resource is
/// heavier by itself, [`MAX_DEPLOYMENT_WEIGHT`].
fn chunks(plan: &AzurePlan, resources: &[ResourceId]) -> Vec<Vec<ResourceId>> {
    let mut chunks: Vec<Vec<ResourceId>> = Vec::new();
    let mut current: Vec<ResourceId> = Vec::new();
    let mut weight = 0;
    for &r in resources {
        let w = plan.resources[r].weight();
        if !current.is_empty() && (current.len() == MAX_RESOURCES_PER_DEPLOYMENT || weight + w > MAX_DEPLOYMENT_WEIGHT) {
            chunks.push(std::mem::take(&mut current));
            weight = 0;
        }
        current.push(r);
        weight += w;
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    chunks
}

fn same_group(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Kahn's algorithm, always taking the earliest-made resource that is ready, so
/// the order is the same on every run. `Err` holds the resources left in a circle.
fn topological_order(plan: &AzurePlan) -> Result<Vec<ResourceId>, Vec<ResourceId>> {
    let n = plan.resources.len();
    let mut waiting: Vec<usize> = plan.resources.iter().map(|r| r.depends_on.len()).collect();
    let mut dependents: Vec<Vec<ResourceId>> = vec![Vec::new(); n];
    for (r, resource) in plan.resources.iter().enumerate() {
        for &d in &resource.depends_on {
            dependents[d].push(r);
        }
    }
    let mut ready: std::collections::BTreeSet<ResourceId> = (0..n).filter(|r| waiting[*r] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(r) = ready.pop_first() {
        order.push(r);
        for &next in &dependents[r] {
            waiting[next] -= 1;
            if waiting[next] == 0 {
                ready.insert(next);
            }
        }
    }
    if order.len() == n {
        Ok(order)
    } else {
        Err((0..n).filter(|r| waiting[*r] > 0).collect())
    }
}

/// A file name for a resource group's module: letters, digits, `.`, `_`, `-`.
fn file_safe(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '_' }).collect()
}

/// `ashlar-<group><suffix>`, cut to Azure's 64 characters with a hash that keeps it unique.
fn deployment_name(rg: &str, suffix: &str) -> String {
    let full = format!("ashlar-{rg}{suffix}");
    if full.chars().count() <= 64 {
        return full;
    }
    let hash = format!("{:08x}", fnv1a(full.as_bytes()) as u32);
    let keep: String = full.chars().take(64 - 1 - hash.len()).collect();
    format!("{keep}-{hash}")
}

/// FNV-1a: a stable hash, the same on every platform and run.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// The plan's graph in Graphviz DOT: blocks, their resources, and dependencies.
pub fn to_dot(model: &Model, plan: Option<&AzurePlan>) -> String {
    let mut out = String::from("digraph plan {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
    let edges = graph_edges(model, plan);
    for (id, label, shape) in graph_nodes(model, plan, &edges) {
        out.push_str(&format!("  {id} [label={} shape={shape}];\n", dot_quote(&label)));
    }
    for (from, to, label) in edges {
        match label {
            Some(l) => out.push_str(&format!("  {from} -> {to} [style=dashed label={}];\n", dot_quote(l))),
            None => out.push_str(&format!("  {from} -> {to};\n")),
        }
    }
    out.push_str("}\n");
    out
}

/// The plan's graph as a Mermaid flowchart.
pub fn to_mermaid(model: &Model, plan: Option<&AzurePlan>) -> String {
    let mut out = String::from("flowchart LR\n");
    let edges = graph_edges(model, plan);
    for (id, label, shape) in graph_nodes(model, plan, &edges) {
        let label = label.replace('"', "#quot;").replace('\n', "<br/>");
        if shape == "box" {
            out.push_str(&format!("  {id}[\"{label}\"]\n"));
        } else {
            out.push_str(&format!("  {id}([\"{label}\"])\n"));
        }
    }
    for (from, to, label) in edges {
        match label {
            Some(l) => out.push_str(&format!("  {from} -.->|{l}| {to}\n")),
            None => out.push_str(&format!("  {from} --> {to}\n")),
        }
    }
    out
}

fn dot_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n"))
}

/// (id, label, shape): blocks are boxes, resources are ellipses. Library blocks
/// the plan does not use are left out.
fn graph_nodes(model: &Model, plan: Option<&AzurePlan>, edges: &[(String, String, Option<&'static str>)]) -> Vec<(String, String, &'static str)> {
    let used = |id: usize| {
        let key = format!("b{id}");
        edges.iter().any(|(from, to, _)| *from == key || *to == key)
    };
    let mut nodes: Vec<(String, String, &'static str)> = model
        .nodes
        .iter()
        .enumerate()
        .filter(|(id, n)| n.parent.is_none() && n.name.is_some() && (!n.from_library || used(*id)) && !crate::policy::KINDS.contains(&n.kind.kind))
        .map(|(id, _)| (format!("b{id}"), model.describe(id), "box"))
        .collect();
    if let Some(plan) = plan {
        for (r, resource) in plan.resources.iter().enumerate() {
            let short_type = resource.resource_type.rsplit('/').next().unwrap_or(resource.resource_type);
            nodes.push((format!("r{r}"), format!("{short_type}\n{}", resource.name.join("/")), "ellipse"));
        }
        for (i, resource) in plan.subscription_resources.iter().enumerate() {
            let short_type = resource.resource_type.rsplit('/').next().unwrap_or(resource.resource_type);
            nodes.push((format!("s{i}"), format!("{short_type}\n{}", resource.name.join("/")), "ellipse"));
        }
    }
    nodes
}

/// (from, to, label): dependency edges, and dashed "lowers to" edges from blocks to resources.
fn graph_edges(model: &Model, plan: Option<&AzurePlan>) -> Vec<(String, String, Option<&'static str>)> {
    let (graph, _) = block_graph(model);
    let mut edges: Vec<(String, String, Option<&'static str>)> = graph
        .edge_indices()
        .filter_map(|e| graph.edge_endpoints(e))
        .filter(|(a, b)| model.node(graph[*a]).name.is_some() && model.node(graph[*b]).name.is_some())
        .map(|(a, b)| (format!("b{}", graph[a]), format!("b{}", graph[b]), None))
        .collect();
    if let Some(plan) = plan {
        for (r, resource) in plan.resources.iter().enumerate() {
            edges.push((format!("b{}", top(model, resource.origin)), format!("r{r}"), Some("lowers to")));
            for &d in &resource.depends_on {
                edges.push((format!("r{d}"), format!("r{r}"), None));
            }
        }
        for (i, resource) in plan.subscription_resources.iter().enumerate() {
            edges.push((format!("b{}", top(model, resource.origin)), format!("s{i}"), Some("lowers to")));
            for &d in &resource.depends_on {
                edges.push((format!("r{d}"), format!("s{i}"), None));
            }
        }
    }
    edges
}
