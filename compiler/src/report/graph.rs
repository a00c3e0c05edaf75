//! The plan's graph for people: blocks, the Azure resources they become and
//! their dependencies, in Graphviz DOT and Mermaid (`ashlar graph`).

use crate::graph::{block_graph, top};
use crate::lower::ir::AzurePlan;
use crate::model::{Model, NodeId};

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
    let used = |id: NodeId| {
        let key = format!("b{}", id.index());
        edges.iter().any(|(from, to, _)| *from == key || *to == key)
    };
    let mut nodes: Vec<(String, String, &'static str)> = model
        .nodes_with_ids()
        .filter(|(id, n)| n.parent.is_none() && n.name.is_some() && (!n.from_library || used(*id)) && !crate::policy::KINDS.contains(&n.kind.kind))
        .map(|(id, _)| (format!("b{}", id.index()), model.describe(id), "box"))
        .collect();
    if let Some(plan) = plan {
        for (r, resource) in plan.resources_with_ids() {
            let short_type = resource.resource_type.rsplit('/').next().unwrap_or(resource.resource_type);
            nodes.push((format!("r{}", r.index()), format!("{short_type}\n{}", resource.name.join("/")), "ellipse"));
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
        .map(|(a, b)| (format!("b{}", graph[a].index()), format!("b{}", graph[b].index()), None))
        .collect();
    if let Some(plan) = plan {
        for (r, resource) in plan.resources_with_ids() {
            edges.push((format!("b{}", top(model, resource.origin).index()), format!("r{}", r.index()), Some("lowers to")));
            for &d in &resource.depends_on {
                edges.push((format!("r{}", d.index()), format!("r{}", r.index()), None));
            }
        }
        for (i, resource) in plan.subscription_resources.iter().enumerate() {
            edges.push((format!("b{}", top(model, resource.origin).index()), format!("s{i}"), Some("lowers to")));
            for &d in &resource.depends_on {
                edges.push((format!("r{}", d.index()), format!("s{i}"), None));
            }
        }
    }
    edges
}
