//! Editor features over one [`Analysis`]: hover, go to definition and
//! completion. Pure functions of the analysis and a byte offset, so the
//! language server and the tests share them; positions become lines and UTF-16
//! columns only in [`crate::lsp`].

use crate::address_plan::address_plan;
use crate::model::{Node, NodeId, Typed};
use crate::schema::{self, Type};
use crate::source::{FileId, Span};
use crate::Analysis;

/// What the cursor is on.
enum Target {
    /// A block's kind or name.
    Block(NodeId),
    /// An attribute's key.
    Key(NodeId, &'static str),
    /// A value that references a block.
    Reference(NodeId),
}

fn contains(span: Span, file: FileId, offset: usize) -> bool {
    span.file == file && (span.start as usize) <= offset && offset <= span.end as usize
}

/// The innermost thing at `offset`.
fn target(analysis: &Analysis, file: FileId, offset: usize) -> Option<Target> {
    let model = &analysis.model;
    let mut best: Option<(u32, Target)> = None;
    let mut consider = |span: Span, t: Target| {
        if contains(span, file, offset) && best.as_ref().is_none_or(|(len, _)| span.end - span.start < *len) {
            best = Some((span.end - span.start, t));
        }
    };
    for (id, node) in model.nodes.iter().enumerate() {
        consider(node.head, Target::Block(id));
        for (name, attr) in &node.attrs {
            consider(attr.key, Target::Key(id, name));
            references(&attr.value, attr.span, &mut |span, target| consider(span, Target::Reference(target)));
        }
    }
    best.map(|(_, t)| t)
}

/// Calls `f` with the span and target of every reference in a value.
fn references(value: &Typed, span: Span, f: &mut dyn FnMut(Span, NodeId)) {
    match value {
        Typed::Ref(target) => f(span, *target),
        Typed::Secret { vault, .. } => f(span, *vault),
        Typed::List(items) => items.iter().for_each(|i| references(&i.value, i.span, f)),
        _ => {}
    }
}

/// Where the block under the cursor is declared, for a reference.
pub fn definition(analysis: &Analysis, file: FileId, offset: usize) -> Option<Span> {
    match target(analysis, file, offset)? {
        Target::Reference(id) => Some(analysis.model.node(id).head),
        _ => None,
    }
}

/// Markdown about the thing under the cursor: the kind's or attribute's
/// documentation, and what ashlar derived for the block.
pub fn hover(analysis: &Analysis, file: FileId, offset: usize) -> Option<String> {
    let model = &analysis.model;
    match target(analysis, file, offset)? {
        Target::Key(id, name) => {
            let a = model.node(id).kind.attribute(name)?;
            let need = if a.required { "required".to_string() } else { format!("default: {}", a.default.unwrap_or("none")) };
            Some(format!("`{}`: {} ({need})\n\n{}", a.name, a.ty.describe(), a.doc))
        }
        Target::Block(id) | Target::Reference(id) => Some(block_hover(analysis, id)),
    }
}

fn block_hover(analysis: &Analysis, id: NodeId) -> String {
    let model = &analysis.model;
    let node = model.node(id);
    let mut out = format!("**{}**\n\n{}", model.describe(id), node.kind.doc);
    if node.is("subnet") {
        out.push_str(&subnet_facts(analysis, id));
    }
    if let Some(location) = model.location(id).filter(|_| node.kind.attribute("location").is_some()) {
        out.push_str(&format!("\n\nRegion: `{location}`"));
    }
    if node.is("firewall") {
        if let Some(ip) = node.parent.and_then(|hub| crate::networking::firewall_private_ip(model, hub)) {
            out.push_str(&format!("\n\nPrivate IP address: `{ip}` (the fourth address of `AzureFirewallSubnet`)"));
        }
    }
    if let Some(azure) = &analysis.azure {
        let resources: Vec<String> = azure
            .resources
            .iter()
            .chain(&azure.subscription_resources)
            .filter(|r| r.origin == id || (node.parent.is_none() && crate::graph::top(model, r.origin) == id))
            .map(|r| format!("- `{}` {}", r.resource_type, r.name.join("/")))
            .collect();
        if !resources.is_empty() {
            out.push_str(&format!("\n\nDeploys:\n{}", resources.join("\n")));
        }
    }
    out
}

fn subnet_facts(analysis: &Analysis, subnet: NodeId) -> String {
    let model = &analysis.model;
    let Some(network) = model.node(subnet).parent else { return String::new() };
    let plan = address_plan(model);
    let network_name = model.node(network).name();
    let Some(net) = plan.networks.iter().find(|n| n.name == network_name) else { return String::new() };
    let Some(s) = net.subnets.iter().find(|s| s.name == model.node(subnet).name()) else { return String::new() };
    let mut out = String::new();
    if let Some(prefix) = &s.prefix {
        let how = if s.auto { " (chosen by `auto`)" } else { "" };
        out.push_str(&format!("\n\nPrefix: `{prefix}`{how}; {} addresses, {} usable (Azure keeps 5)", s.addresses, s.usable));
    }
    if !s.used_by.is_empty() {
        out.push_str(&format!("\n\nUsed by: {}", s.used_by.join(", ")));
    }
    let free = if net.free.is_empty() { "none".to_string() } else { net.free.join(", ") };
    out.push_str(&format!("\n\nFree in {}: {free}", model.describe(network)));
    out
}

/// A completion: the text to insert, and what it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Completion {
    pub label: String,
    pub detail: String,
}

/// Completions at `offset`, where the line being typed reads `before` up to the
/// cursor: after `name = `, the values the attribute takes; at the start of a
/// line, the attributes and kinds the enclosing block takes. The analysis may
/// be of the text with that line blanked, since a half-typed line does not parse.
pub fn completions(analysis: &Analysis, file: FileId, offset: usize, before: &str) -> Vec<Completion> {
    let enclosing = enclosing_block(analysis, file, offset);
    if let Some((key, _)) = before.rsplit_once('=').filter(|(_, after)| !after.contains(['"', '['])) {
        let key = key.split_whitespace().last().unwrap_or_default();
        let schema = enclosing.and_then(|id| analysis.model.node(id).kind.attribute(key));
        return schema.map(|a| values(analysis, &a.ty)).unwrap_or_default();
    }
    if !before.trim().chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Vec::new();
    }
    match enclosing {
        None => schema::TOP_LEVEL.iter().filter_map(|k| schema::kind(k)).map(|k| Completion { label: k.kind.into(), detail: k.doc.into() }).collect(),
        Some(id) => {
            let node: &Node = analysis.model.node(id);
            let kind = node.kind;
            let attributes = kind
                .attributes
                .iter()
                .filter(|a| !node.attrs.contains_key(a.name) && !kind.positional.contains(&a.name))
                .map(|a| Completion { label: a.name.into(), detail: format!("{}: {}", a.ty.describe(), a.doc) });
            let children = kind.children.iter().filter_map(|k| schema::kind(k)).map(|k| Completion { label: k.kind.into(), detail: k.doc.into() });
            attributes.chain(children).collect()
        }
    }
}

/// The values an attribute of type `ty` can take.
fn values(analysis: &Analysis, ty: &Type) -> Vec<Completion> {
    let model = &analysis.model;
    match ty {
        Type::List(inner) => values(analysis, inner),
        Type::Boolean => ["true", "false"].iter().map(|w| Completion { label: (*w).into(), detail: "boolean".into() }).collect(),
        Type::Word(words) => words.iter().map(|w| Completion { label: (*w).into(), detail: ty.describe() }).collect(),
        Type::Region => crate::regions::REGIONS.iter().map(|r| Completion { label: (*r).into(), detail: "Azure region".into() }).collect(),
        Type::Ref(kinds) => model
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| kinds.is_empty() || kinds.contains(&n.kind.kind))
            .filter(|(_, n)| n.name.is_some())
            .map(|(id, n)| Completion { label: model.path(id), detail: format!("{} {}", n.kind.kind, n.kind.doc) })
            .collect(),
        _ => Vec::new(),
    }
}

/// The innermost block whose span holds `offset`.
fn enclosing_block(analysis: &Analysis, file: FileId, offset: usize) -> Option<NodeId> {
    analysis
        .model
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.span.file == file && (n.span.start as usize) < offset && offset < n.span.end as usize)
        .min_by_key(|(_, n)| n.span.end - n.span.start)
        .map(|(id, _)| id)
}
