//! Editor features over one [`Analysis`]: hover, go to definition,
//! completion, references, rename, symbols and quick fixes. Pure functions of
//! the analysis and a byte offset, so the language server and the tests share
//! them; positions become lines and UTF-16 columns only in [`crate::lsp`].

use crate::ast::{is_name, Term};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Model, Node, NodeId, Spanned, Typed};
use crate::phrases::Address;
use crate::report::address_plan::address_plan;
use crate::schema::attrs;
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
    for (id, node) in model.nodes_with_ids() {
        consider(node.head, Target::Block(id));
        for (name, attr) in &node.attrs {
            consider(attr.key, Target::Key(id, name));
            value_references(&attr.value, attr.span, &mut |span, target| consider(span, Target::Reference(target)));
        }
    }
    // Each segment of `app1.web` names its own block; phrases name blocks too.
    for o in occurrences(analysis).into_iter().filter(|o| !o.declaration) {
        consider(o.span, Target::Reference(o.node));
    }
    best.map(|(_, t)| t)
}

/// Calls `f` with the span and target of every reference in a value.
fn value_references(value: &Typed, span: Span, f: &mut dyn FnMut(Span, NodeId)) {
    match value {
        Typed::Ref(target) => f(span, *target),
        Typed::Secret { vault, .. } => f(span, *vault),
        Typed::List(items) => items.iter().for_each(|i| value_references(&i.value, i.span, f)),
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
    if let Some(location) = model.location(id).filter(|_| node.kind.attribute(attrs::LOCATION).is_some()) {
        out.push_str(&format!("\n\nRegion: `{location}`"));
    }
    if node.is("firewall") {
        if let Some(subnet) = node.parent.and_then(|hub| crate::blocks::network::firewall_subnet(model, hub)) {
            out.push_str(&format!(
                "\n\nPrivate IP address: assigned by Azure from `AzureFirewallSubnet` (`{subnet}`); the routes ashlar derives for the hub's spokes read it from the deployed firewall"
            ));
        }
    }
    let policies = policies_over(analysis, id);
    if !policies.is_empty() {
        out.push_str(&format!("\n\nPolicies over it: {}", policies.join(", ")));
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
        None => schema::TOP_LEVEL
            .iter()
            .filter_map(|k| crate::kinds::kind(k))
            .map(|k| Completion { label: k.kind.into(), detail: k.doc.into() })
            .collect(),
        Some(id) => {
            let node: &Node = analysis.model.node(id);
            let kind = node.kind;
            let attributes = kind
                .attributes
                .iter()
                .filter(|a| !node.attrs.contains_key(a.name) && !kind.positional.contains(&a.name))
                .map(|a| Completion { label: a.name.into(), detail: format!("{}: {}", a.ty.describe(), a.doc) });
            let children =
                kind.children.iter().filter_map(|k| crate::kinds::kind(k)).map(|k| Completion { label: k.kind.into(), detail: k.doc.into() });
            attributes.chain(children).collect()
        }
    }
}

/// The values an attribute of type `ty` can take.
fn values(analysis: &Analysis, ty: &Type) -> Vec<Completion> {
    let model = &analysis.model;
    match ty {
        Type::List(inner) | Type::OneOrList(inner) => values(analysis, inner),
        Type::Boolean => ["true", "false"].iter().map(|w| Completion { label: (*w).into(), detail: "boolean".into() }).collect(),
        Type::Word(words) => words.iter().map(|w| Completion { label: (*w).into(), detail: ty.describe() }).collect(),
        Type::Region => crate::azure::regions::REGIONS.iter().map(|r| Completion { label: (*r).into(), detail: "Azure region".into() }).collect(),
        Type::OwnOrRef(kinds) => {
            let mut own: Vec<Completion> =
                ["true", "false"].iter().map(|w| Completion { label: (*w).into(), detail: "one of its own, or none".into() }).collect();
            own.extend(values(analysis, &Type::Ref(kinds)));
            own
        }
        Type::Ref(kinds) => model
            .nodes_with_ids()
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
        .nodes_with_ids()
        .filter(|(_, n)| n.span.file == file && (n.span.start as usize) < offset && offset < n.span.end as usize)
        .min_by_key(|(_, n)| n.span.end - n.span.start)
        .map(|(id, _)| id)
}

// ---------------------------------------------------------------------------
// Policies over a block

/// The policies whose `for` iterates blocks of this one's kind, by name, and
/// `the tag policy` when the plan has one and the block deploys resources that
/// take tags. A policy over `resources` is not listed: it reads what blocks
/// deploy, not blocks.
pub fn policies_over(analysis: &Analysis, id: NodeId) -> Vec<String> {
    use crate::policy::{check::Walk, fields, parse::Clause};
    let model = &analysis.model;
    let node = model.node(id);
    let parent_kind = node.parent.map(|p| model.node(p).kind.kind);
    let applies = |ty: &fields::Ty| match ty {
        fields::Ty::Entity(fields::Entity::Block(kinds)) => kinds.contains(&node.kind.kind),
        // `rules`, `nsg.rules`, `rule_set.rules`: the rules of NSGs and rule sets.
        fields::Ty::Entity(fields::Entity::Rule) => node.is("rule") && matches!(parent_kind, Some("nsg" | "rule_set")),
        _ => false,
    };
    /// The types of the items each `for` of `clauses` iterates, nested ones too.
    fn iterated(clauses: &[Clause], scope: &mut Vec<(String, fields::Ty)>, out: &mut Vec<fields::Ty>) {
        for clause in clauses {
            let Clause::For(f) = clause else { continue };
            let depth = scope.len();
            let start = match crate::policy::check::root(&f.collection, |n| scope.iter().any(|(v, _)| v == n)) {
                Some(Walk::Top { source, bind }) => {
                    if let Some(bind) = bind {
                        scope.push((bind, source.item()));
                    }
                    Some(source.item())
                }
                Some(Walk::Var(name)) => scope.iter().rev().find(|(v, _)| *v == name).map(|(_, t)| t.clone()),
                None => None,
            };
            let mut ty = start;
            for segment in &f.collection[1..] {
                ty = match ty {
                    Some(fields::Ty::Entity(entity)) => fields::field(&entity, &segment.name),
                    _ => None,
                };
                if let Some(fields::Ty::List(inner)) = ty {
                    ty = Some(*inner);
                }
            }
            if let Some(ty) = ty {
                out.push(ty.clone());
                scope.push((f.var.name.clone(), ty));
                iterated(&f.body, scope, out);
            }
            scope.truncate(depth);
        }
    }
    let mut names = Vec::new();
    for policy in &analysis.policies.policies {
        let clauses: Vec<Clause> = policy.clauses.iter().map(|c| c.clause.clone()).collect();
        let mut items = Vec::new();
        iterated(&clauses, &mut Vec::new(), &mut items);
        if items.iter().any(applies) {
            let from = if model.node(policy.node).from_library {
                format!(" ({})", analysis.sources.get(model.node(policy.node).span.file).name)
            } else {
                String::new()
            };
            names.push(format!("`{}`{from}", policy.name));
        }
    }
    let tagged = analysis
        .azure
        .as_ref()
        .is_some_and(|azure| azure.resources.iter().any(|r| r.origin == id && crate::policy::tags::takes_tags(r.resource_type)));
    if tagged && !analysis.policies.tags.is_empty() {
        names.push("the tag policy".to_string());
    }
    names
}

// ---------------------------------------------------------------------------
// References and rename

/// A place where the plan names a block: its declaration, or a reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Occurrence {
    pub span: Span,
    pub node: NodeId,
    pub declaration: bool,
}

/// Every place the plan names a block: each named block's name; references in
/// attributes (`hub = core`, `include = [base]`, `secret(kv, "x")`); the
/// subnets, hubs and spokes that phrases name as addresses (`from app1.web`);
/// the policies that `allow` lines name. Each segment of a dotted reference
/// names its own block: in `app1.web`, `app1` is the spoke and `web` its subnet.
/// A bare word of a policy's condition (`net.hub == core`) is not a reference.
pub fn occurrences(analysis: &Analysis) -> Vec<Occurrence> {
    let model = &analysis.model;
    let mut out = Vec::new();
    for (id, node) in model.nodes_with_ids() {
        if let Some(name) = &node.name {
            out.push(Occurrence { span: name.span, node: id, declaration: true });
        }
        for attr in node.attrs.values() {
            value_occurrences(analysis, &attr.value, attr.span, &mut out);
        }
        // A phrase's address read from a reference holds the referenced
        // prefix, at the span of the reference; a literal is no path.
        for address in phrase_addresses(model, id).filter(|a| matches!(a.value, Address::Prefix(_) | Address::Ip(_))) {
            path_occurrences(analysis, address.span, &mut out);
        }
        for allow in &node.allows {
            let Some(Term::Value(value)) = allow.terms.first() else { continue };
            let Some(word) = value.as_word() else { continue };
            if let Some(&policy) = model.names.get(&word.name).filter(|&&p| model.node(p).is("policy")) {
                out.push(Occurrence { span: word.span, node: policy, declaration: false });
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The addresses of a rule's or route's phrase, with their spans.
fn phrase_addresses(model: &Model, id: NodeId) -> impl Iterator<Item = &Spanned<Address>> {
    let rule = model.security_rules.get(&id).into_iter().flat_map(|r| r.sources().iter().chain(r.destinations()));
    rule.chain(model.routes.get(&id).map(|r| &r.prefix))
}

fn value_occurrences(analysis: &Analysis, value: &Typed, span: Span, out: &mut Vec<Occurrence>) {
    match value {
        Typed::Ref(_) | Typed::Prefix(_) | Typed::Ip(_) => path_occurrences(analysis, span, out),
        Typed::Secret { .. } => {
            if let Some(vault) = first_argument(analysis, span) {
                path_occurrences(analysis, vault, out);
            }
        }
        Typed::List(items) => items.iter().for_each(|i| value_occurrences(analysis, &i.value, i.span, out)),
        _ => {}
    }
}

/// The blocks each segment of a written path names, resolved as references
/// are: the first among the top-level names, each next among the children.
fn path_occurrences(analysis: &Analysis, span: Span, out: &mut Vec<Occurrence>) {
    let model = &analysis.model;
    let text = analysis.sources.text(span);
    if text.is_empty() || !text.split('.').all(is_name) {
        return;
    }
    let mut current: Option<NodeId> = None;
    let mut start = span.start;
    for segment in text.split('.') {
        let found = match current {
            None => model.names.get(segment).copied(),
            Some(parent) => model.node(parent).children.iter().copied().find(|&c| model.node(c).name() == segment),
        };
        let Some(id) = found else { return };
        let end = start + segment.len() as u32;
        out.push(Occurrence { span: Span { file: span.file, start, end }, node: id, declaration: false });
        current = Some(id);
        start = end + 1;
    }
}

/// The span of the first argument of a call such as `secret(kv, "name")`.
fn first_argument(analysis: &Analysis, call: Span) -> Option<Span> {
    let text = analysis.sources.text(call);
    let open = text.find('(')? + 1;
    let skipped = text[open..].len() - text[open..].trim_start().len();
    let start = open + skipped;
    let len = text[start..].find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))).unwrap_or(text.len() - start);
    (len > 0).then(|| Span::new(call.file, call.start as usize + start, call.start as usize + start + len))
}

/// The block under the cursor, and the span of the name there: a reference's
/// segment, a declaration's name, or (on its kind) a block's name.
fn named_at(analysis: &Analysis, occurrences: &[Occurrence], file: FileId, offset: usize) -> Option<(NodeId, Span)> {
    let here = occurrences.iter().filter(|o| contains(o.span, file, offset)).min_by_key(|o| o.span.end - o.span.start);
    if let Some(o) = here {
        return Some((o.node, o.span));
    }
    let model = &analysis.model;
    let (id, node) = model.nodes_with_ids().filter(|(_, n)| contains(n.head, file, offset)).min_by_key(|(_, n)| n.head.end - n.head.start)?;
    Some((id, node.name.as_ref().map_or(node.head, |n| n.span)))
}

/// Every place that names the block under the cursor, in file order: its
/// references, and its declaration when asked.
pub fn references(analysis: &Analysis, file: FileId, offset: usize, include_declaration: bool) -> Vec<Span> {
    let all = occurrences(analysis);
    let Some((node, _)) = named_at(analysis, &all, file, offset) else { return Vec::new() };
    all.iter().filter(|o| o.node == node && (include_declaration || !o.declaration)).map(|o| o.span).collect()
}

/// Words a name cannot be: the grammar reads them as something else.
const RESERVED: &[&str] = &["true", "false", "use", "auto"];

/// The name under the cursor that a rename would change, or why there is none.
pub fn prepare_rename(analysis: &Analysis, file: FileId, offset: usize) -> Result<Span, String> {
    let all = occurrences(analysis);
    let (node, span) = named_at(analysis, &all, file, offset).ok_or("there is no block's name here to rename")?;
    renamable(analysis, node)?;
    Ok(span)
}

fn renamable(analysis: &Analysis, node: NodeId) -> Result<(), String> {
    let n = analysis.model.node(node);
    if n.name.is_none() {
        return Err(format!("a `{}` block has no name to rename", n.kind.kind));
    }
    if n.from_library {
        return Err(format!("{} is declared by the standard library", analysis.model.describe(node)));
    }
    Ok(())
}

/// The edits that rename the block under the cursor to `new_name`: its name
/// and every reference to it, in every file of the plan; and the keys of
/// `ashlar.lock` under its path, so that the prefixes chosen for `auto` stay.
/// A name that is no name, or that is taken where the block stands, is refused.
pub fn rename(analysis: &Analysis, file: FileId, offset: usize, new_name: &str) -> Result<Vec<(Span, String)>, String> {
    let model = &analysis.model;
    let all = occurrences(analysis);
    let (node, _) = named_at(analysis, &all, file, offset).ok_or("there is no block's name here to rename")?;
    renamable(analysis, node)?;
    let n = model.node(node);
    if !is_name(new_name) || RESERVED.contains(&new_name) {
        return Err(format!("`{new_name}` is not a name: a name starts with a letter or `_`, then letters, digits, `_` and `-`"));
    }
    if new_name == n.name() {
        return Ok(Vec::new());
    }
    let taken = match n.parent {
        None => model.names.get(new_name).map(|&t| model.describe(t)),
        Some(parent) => model.node(parent).children.iter().find(|&&c| model.node(c).name() == new_name).map(|&c| model.describe(c)),
    };
    if let Some(taken) = taken {
        return Err(format!("the name `{new_name}` is taken by {taken}"));
    }
    // A plan's name wins over a service tag in a phrase: renaming a block to a
    // tag the plan uses would change what those phrases mean.
    if n.parent.is_none() {
        let tag = model.nodes_with_ids().find_map(|(id, n)| {
            let in_attrs = n.attrs.values().find_map(|a| service_tag_named(analysis, &a.value, a.span, new_name));
            // The first of a phrase's tags as written.
            let in_phrase = || {
                phrase_addresses(model, id)
                    .filter(|a| matches!(a.value, Address::Tag(_) | Address::Any) && names_tag(analysis, a.span, new_name))
                    .map(|a| a.span)
                    .min()
            };
            in_attrs.or_else(in_phrase)
        });
        if let Some(span) = tag {
            let line = analysis.sources.get(span.file).line_col(span.start as usize).line;
            return Err(format!(
                "`{new_name}` is a service tag the plan uses ({}:{line}): a block of that name would take its place there",
                analysis.sources.get(span.file).name
            ));
        }
    }
    let mut edits: Vec<(Span, String)> = all.iter().filter(|o| o.node == node).map(|o| (o.span, new_name.to_string())).collect();
    let old_path = model.path(node);
    let new_path = match n.parent {
        Some(parent) => format!("{}.{new_name}", model.path(parent)),
        None => new_name.to_string(),
    };
    edits.extend(lock_edits(analysis, &old_path, &new_path));
    Ok(edits)
}

/// Whether the text at `span` is a service tag whose first part is `name`.
fn names_tag(analysis: &Analysis, span: Span, name: &str) -> bool {
    analysis.sources.text(span).split('.').next() == Some(name)
}

/// The span of a service tag written `name` in a typed value, if any.
fn service_tag_named(analysis: &Analysis, value: &Typed, span: Span, name: &str) -> Option<Span> {
    match value {
        Typed::Word(_) if names_tag(analysis, span, name) => Some(span),
        Typed::List(items) => items.iter().find_map(|i| service_tag_named(analysis, &i.value, i.span, name)),
        _ => None,
    }
}

/// Edits of `ashlar.lock`'s keys under `old` (`app1.web`, `app1.address_space.0`).
fn lock_edits(analysis: &Analysis, old: &str, new: &str) -> Vec<(Span, String)> {
    let Some((id, lock)) = analysis.sources.iter().find(|(_, f)| f.name == crate::lockfile::LOCK_FILE && f.path.is_some()) else {
        return Vec::new();
    };
    let Ok(keys) = crate::lockfile::parse(&lock.text) else { return Vec::new() };
    let mut edits = Vec::new();
    for key in keys.keys() {
        let rest = match key.strip_prefix(old) {
            Some(rest) if rest.is_empty() || rest.starts_with('.') => rest,
            _ => continue,
        };
        let quoted = format!("\"{key}\"");
        for (at, _) in lock.text.match_indices(&quoted) {
            let after = lock.text[at + quoted.len()..].trim_start();
            if after.starts_with(':') {
                edits.push((Span::new(id, at + 1, at + quoted.len() - 1), format!("{new}{rest}")));
            }
        }
    }
    edits
}

// ---------------------------------------------------------------------------
// Symbols

/// A block as an outline shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    /// Its name, or its kind for a block without one (`settings`, `firewall`).
    pub name: String,
    pub kind: &'static str,
    /// The kind, and for networks and subnets their prefixes.
    pub detail: String,
    /// The whole block.
    pub span: Span,
    /// Its name.
    pub selection: Span,
    pub children: Vec<Symbol>,
}

/// The outline of one file: its top-level blocks, their nested blocks as children.
pub fn document_symbols(analysis: &Analysis, file: FileId) -> Vec<Symbol> {
    let model = &analysis.model;
    model.nodes_with_ids().filter(|(_, n)| n.parent.is_none() && n.span.file == file).map(|(id, _)| symbol(analysis, id)).collect()
}

fn symbol(analysis: &Analysis, id: NodeId) -> Symbol {
    let model = &analysis.model;
    let node = model.node(id);
    let prefixes: Vec<String> = match node.kind.kind {
        "hub" | "spoke" | "vnet" => node.prefixes("address_space").iter().map(|p| p.value.to_string()).collect(),
        "subnet" => match node.get("address_prefix").map(|a| &a.value) {
            Some(Typed::Auto(len)) => vec![model.subnet_prefix(id).map_or(format!("auto /{len}"), |p| format!("auto /{len}: {p}"))],
            _ => model.subnet_prefix(id).map(|p| p.to_string()).into_iter().collect(),
        },
        _ => Vec::new(),
    };
    let detail = std::iter::once(node.kind.kind.to_string()).chain(prefixes).collect::<Vec<_>>().join(" ");
    Symbol {
        name: node.name().to_string(),
        kind: node.kind.kind,
        detail: if node.name.is_some() { detail } else { String::new() },
        span: node.span,
        selection: node.name.as_ref().map_or(node.head, |n| n.span),
        children: node.children.iter().filter(|&&c| model.node(c).span.file == node.span.file).map(|&c| symbol(analysis, c)).collect(),
    }
}

/// A block found by a workspace-wide search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    pub name: String,
    pub kind: &'static str,
    /// The path of the block it is nested in.
    pub container: Option<String>,
    pub span: Span,
}

/// The plan's blocks (not the standard library's) whose path holds the
/// query's characters in order, ignoring case: `a1w` finds `app1.web`.
pub fn workspace_symbols(analysis: &Analysis, query: &str) -> Vec<WorkspaceSymbol> {
    let model = &analysis.model;
    let query: Vec<char> = query.to_lowercase().chars().filter(|c| !c.is_whitespace()).collect();
    let matches = |path: &str| {
        let mut wanted = query.iter().peekable();
        for c in path.to_lowercase().chars() {
            if wanted.peek() == Some(&&c) {
                wanted.next();
            }
        }
        wanted.peek().is_none()
    };
    model
        .nodes_with_ids()
        .filter(|(id, n)| !n.from_library && matches(&model.path(*id)))
        .map(|(_, n)| WorkspaceSymbol {
            name: n.name().to_string(),
            kind: n.kind.kind,
            container: n.parent.map(|p| model.path(p)),
            span: n.name.as_ref().map_or(n.head, |name| name.span),
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Quick fixes

/// A fix for one diagnostic: edits of the plan's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    /// The diagnostic it fixes, by index in [`Analysis::diagnostics`].
    pub diagnostic: usize,
    pub edits: Vec<(Span, String)>,
    /// The fix to apply without asking, when there is one obvious fix.
    pub preferred: bool,
}

/// The fixes for the diagnostics in a file that touch `start..end`: those
/// the core made ([`crate::fixes`]), and an `allow ... because ""` for a
/// warning or policy finding (whose empty reason the plan then asks for).
pub fn fixes(analysis: &Analysis, file: FileId, start: usize, end: usize) -> Vec<Fix> {
    let cx = crate::fixes::Context::new(&analysis.sources, &analysis.files, &analysis.model);
    let mut out = Vec::new();
    for (index, d) in analysis.diagnostics.iter().enumerate() {
        let Some(span) = d.span else { continue };
        if span.file != file || (span.end as usize) < start || (span.start as usize) > end {
            continue;
        }
        for fix in d.fixes() {
            let edits = fix.edits.iter().map(|e| (e.span, e.text.clone())).collect();
            out.push(Fix { title: fix.title.clone(), diagnostic: index, edits, preferred: fix.preferred });
        }
        if let Some((title, edit)) = suppression(&cx, d, span) {
            out.push(Fix { title, diagnostic: index, edits: vec![edit], preferred: false });
        }
    }
    out
}

/// `allow WHAT because ""` first in the innermost block of several lines that
/// holds the diagnostic, for a warning, an info or a policy finding.
fn suppression(cx: &crate::fixes::Context<'_>, d: &Diagnostic, span: Span) -> Option<(String, (Span, String))> {
    use crate::policy::{INVALID_SUPPRESSION, POLICY_FINDING, UNUSED_SUPPRESSION};
    let finding = crate::policy::is_finding(d);
    if (d.severity == Severity::Error && !finding) || [UNUSED_SUPPRESSION.code, INVALID_SUPPRESSION.code].contains(&d.code.code) {
        return None;
    }
    let what = if d.code.code == POLICY_FINDING.code { d.policy()?.to_string() } else { d.code.code.to_string() };
    let model = cx.model;
    let mut holders: Vec<NodeId> = model
        .nodes_with_ids()
        .filter(|(_, n)| !n.from_library && n.span.file == span.file && n.span.start <= span.start && span.end <= n.span.end)
        .map(|(id, _)| id)
        .collect();
    holders.sort_by_key(|&id| model.node(id).span.end - model.node(id).span.start);
    let allow = format!("allow {what} because \"\"");
    let takes_allow = |id: NodeId| model.node(id).kind.attribute("allow").is_none() && !model.node(id).kind.children.contains(&"allow");
    holders.into_iter().filter(|&id| takes_allow(id)).find_map(|id| {
        let edit = crate::fixes::body_line(cx, id, &allow)?;
        Some((format!("Allow `{what}` in {} (then give the reason)", crate::fixes::shown(model, id)), edit))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_being_typed_leaves_the_rest_of_the_file_to_the_editor() {
        let plan = "settings { location = uksouth }\n\nhub core {\n  resource_group = \"rg\"\n  address_space = [10.0.0.0/16]\n  subnet web 10.0.1.0/24\n}\n\n\
                    spoke app {\n  hub = core\n  resource_group = \"rg-app\"\n  address_space = [10.1.0.0/24]\n  subnet api 10.1.0.0/26\n  peer_to = \n}\n\n\
                    spoke db {\n  hub = core\n  resource_group = \"rg-db\"\n  address_space = [10.2.0.0/24]\n}\n\nnat_gateway egress {\n  subnets = [app.api]\n}\n";
        let analysis = crate::analyze_text(plan, std::path::Path::new("/plan"));
        let codes: Vec<&str> = analysis.diagnostics.iter().map(|d| d.code.code).collect();
        // The one syntax error, and no `app` reported missing while it is typed.
        assert!(codes.contains(&"ASH001") && !codes.contains(&"ASH106"), "{codes:?}");
        let outline: Vec<String> = document_symbols(&analysis, FileId(0)).into_iter().map(|s| s.name).collect();
        assert!(outline.contains(&"core".to_string()) && outline.contains(&"db".to_string()), "{outline:?}");
        let hover_at = plan.rfind("hub = core").unwrap() + "hub = c".len();
        let text = hover(&analysis, FileId(0), hover_at).expect("hover over a reference in a block after the error");
        assert!(text.contains("core"), "{text}");
        assert_eq!(definition(&analysis, FileId(0), hover_at).map(|s| s.file), Some(FileId(0)));
    }

    fn fixes_for(plan: &str, at: &str) -> Vec<(String, String)> {
        let analysis = crate::analyze_text(plan, std::path::Path::new("/plan"));
        let offset = plan.find(at).expect("the place") + 1;
        fixes(&analysis, FileId(0), offset, offset)
            .into_iter()
            .map(|f| {
                let mut text = plan.to_string();
                for (span, new) in f.edits.iter().rev() {
                    text.replace_range(span.range(), new);
                }
                (f.title, text)
            })
            .collect()
    }

    #[test]
    fn a_misspelt_module_is_replaced_in_its_use_line() {
        let plan = "use std.naming.cfa\nsettings { location = uksouth }\n";
        let found = fixes_for(plan, "std.naming.cfa");
        assert_eq!(found, [("Change to `std.naming.caf`".to_string(), "use std.naming.caf\nsettings { location = uksouth }\n".to_string())]);
        let fixed = crate::analyze_text(&found[0].1, std::path::Path::new("/plan"));
        assert!(fixed.diagnostics.is_empty(), "{:?}", fixed.diagnostics);
    }

    #[test]
    fn a_region_azure_writes_otherwise_is_rewritten() {
        let plan = "settings { location = UK-South }\n";
        let found = fixes_for(plan, "UK-South");
        assert_eq!(found, [("Change to `uksouth`".to_string(), "settings { location = uksouth }\n".to_string())]);
    }

    #[test]
    fn the_rules_bastion_requires_are_inserted_in_its_nsg() {
        let plan = "settings { location = uksouth }\nhub core {\n  resource_group = \"rg\"\n  address_space = [10.0.0.0/22]\n  subnet AzureBastionSubnet 10.0.0.0/26 { nsg = b }\n}\n\
                    nsg b {\n  rule https { inbound allow tcp 443 from Internet priority 100 }\n}\n";
        let found = fixes_for(plan, " b }");
        let (title, fixed) = found.iter().find(|(t, _)| t.starts_with("Add the")).expect("a fix that adds the rules");
        assert_eq!(title, "Add the 7 missing rules to nsg `b`");
        assert!(
            fixed.contains("nsg b {\n  rule allow_gateway_manager_inbound { inbound allow tcp 443 from GatewayManager priority 101 }\n"),
            "{fixed}"
        );
        let after = crate::analyze_text(fixed, std::path::Path::new("/plan"));
        assert!(after.diagnostics.is_empty(), "{:?}", after.diagnostics);
    }

    #[test]
    fn the_addresses_of_rules_and_routes_name_blocks_and_tags() {
        let plan = "settings { location = uksouth }\nhub core {\n  resource_group = \"rg\"\n  address_space = [10.0.0.0/24]\n  subnet web 10.0.0.0/26 { nsg = n\n route_table = rt }\n}\n\
                    nsg n {\n  rule r { inbound allow tcp 443 from Storage to core.web priority 100 }\n}\n\
                    route_table rt {\n  route here core via internet\n}\n";
        let analysis = crate::analyze_text(plan, std::path::Path::new("/plan"));
        assert!(analysis.diagnostics.iter().all(|d| d.severity != Severity::Error), "{:?}", analysis.diagnostics);
        let at = |text: &str| plan.find(text).expect("the place") + 1;
        // `core.web` in the rule and `core` in the route name the hub and its subnet.
        let core = analysis.model.names["core"];
        assert_eq!(definition(&analysis, FileId(0), at("core.web")), Some(analysis.model.node(core).head));
        assert_eq!(definition(&analysis, FileId(0), at("core via")), Some(analysis.model.node(core).head));
        let web = analysis.model.node(core).children[0];
        let to_web = occurrences(&analysis).into_iter().filter(|o| o.node == web && !o.declaration).count();
        assert_eq!(to_web, 1);
        // A block may not take the name of a tag a phrase uses, but may take a
        // word of a phrase that is no address.
        let renamed = |name: &str| rename(&analysis, FileId(0), at("core {"), name);
        assert_eq!(
            renamed("Storage").unwrap_err(),
            "`Storage` is a service tag the plan uses (main.ashlar:9): a block of that name would take its place there"
        );
        assert!(renamed("inbound").is_ok());
        assert!(renamed("internet").is_ok());
    }

    #[test]
    fn names_and_string_literals() {
        assert!(is_name("rg-core_1") && is_name("_x") && !is_name("1a") && !is_name("a.b") && !is_name(""));
        assert_eq!(crate::fixes::string_literal("a \"b\" \\ c\n"), r#""a \"b\" \\ c\n""#);
    }
}
