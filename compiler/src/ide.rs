//! Editor features over one [`Analysis`]: hover, go to definition,
//! completion, references, rename, symbols, quick fixes, inlay hints,
//! semantic tokens, signature help, folding, highlights and range formatting. Pure functions of
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
    let Some(target) = target(analysis, file, offset) else {
        return word_hover(analysis, file, offset)
            .or_else(|| rule_hover(analysis, file, offset))
            .or_else(|| unknown_key_hover(analysis, file, offset));
    };
    match target {
        Target::Key(id, name) => {
            let a = model.node(id).kind.attribute(name)?;
            let need = if a.required { "required".to_string() } else { format!("default: {}", a.default.unwrap_or("none")) };
            Some(format!("`{}`: {} ({need})\n\n{}", a.name, a.ty.describe(), a.doc))
        }
        Target::Block(id) | Target::Reference(id) => Some(block_hover(analysis, id)),
    }
}

/// A word of an attribute's value under the cursor: a region, or one of a
/// fixed set (with the others it could be).
fn word_hover(analysis: &Analysis, file: FileId, offset: usize) -> Option<String> {
    fn find<'a>(value: &'a Typed, span: Span, ty: &'static Type, file: FileId, offset: usize) -> Option<(&'a str, &'static Type)> {
        match (value, ty) {
            (Typed::List(items), Type::List(inner) | Type::OneOrList(inner)) => {
                items.iter().find_map(|i| find(&i.value, i.span, inner, file, offset))
            }
            (Typed::Word(word), _) if contains(span, file, offset) => Some((word, ty)),
            _ => None,
        }
    }
    analysis.model.nodes_with_ids().filter(|(_, n)| contains(n.span, file, offset)).find_map(|(_, node)| {
        node.attrs.iter().find_map(|(name, attr)| {
            let schema = node.kind.attribute(name)?;
            let (word, ty) = find(&attr.value, attr.span, &schema.ty, file, offset)?;
            let what = match ty {
                Type::Region => "an Azure region".to_string(),
                Type::Word(words) => {
                    let others: Vec<String> = words.iter().filter(|w| **w != word).map(|w| format!("`{w}`")).collect();
                    if others.is_empty() {
                        "the only value".to_string()
                    } else {
                        format!("one of {}; the others: {}", words.len(), others.join(", "))
                    }
                }
                _ => ty.describe(),
            };
            Some(format!("`{word}`: {what}\n\n`{}` of {}: {}", schema.name, node.kind.kind, schema.doc))
        })
    })
}

/// A firewall rule under the cursor, as ashlar read it and Azure will have it.
fn rule_hover(analysis: &Analysis, file: FileId, offset: usize) -> Option<String> {
    use crate::phrases::FirewallRuleBody as Body;
    let model = &analysis.model;
    let (id, phrase) =
        model.nodes_with_ids().find_map(|(id, node)| node.raw_phrases.iter().find(|p| contains(p.span, file, offset)).map(|p| (id, p)))?;
    let name = phrase.terms.first().and_then(|t| match t {
        Term::Value(v) => v.as_word(),
        _ => None,
    })?;
    let rule = model.firewall_rules.get(&id)?.iter().find(|r| r.name == name.name)?;
    let list =
        |items: &[String]| if items.is_empty() { "none".to_string() } else { items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ") };
    let facts = match &rule.body {
        Body::Network { action, protocols, ports, sources, destinations, fqdns } => {
            let mut out = format!(
                "Network rule: {} {} to ports {}\n\nFrom: {}\n\nTo: {}",
                action.azure(),
                protocols.join(", "),
                list(ports),
                list(sources),
                list(destinations)
            );
            if !fqdns.is_empty() {
                out.push_str(&format!("\n\nTo names: {}", list(fqdns)));
            }
            out
        }
        Body::Application { action, protocols, sources, fqdns, fqdn_tags } => {
            let protocols: Vec<String> = protocols.iter().map(|(p, port)| format!("{p}:{port}")).collect();
            let mut out = format!("Application rule: {} {}\n\nFrom: {}", action.azure(), list(&protocols), list(sources));
            if !fqdns.is_empty() {
                out.push_str(&format!("\n\nTo names: {}", list(fqdns)));
            }
            if !fqdn_tags.is_empty() {
                out.push_str(&format!("\n\nTo FQDN tags: {}", list(fqdn_tags)));
            }
            out
        }
        Body::Dnat { protocols, port, translated_address, translated_port, sources } => format!(
            "DNAT rule: {} port {port} on the firewall's public address to `{translated_address}:{translated_port}`\n\nFrom: {}",
            protocols.join(", "),
            list(sources)
        ),
    };
    Some(format!("**rule `{}`** of {}\n\n{facts}", rule.name, model.describe(id)))
}

/// An attribute key under the cursor that the block's kind does not have:
/// what the kind has that is closest, with its documentation.
fn unknown_key_hover(analysis: &Analysis, file: FileId, offset: usize) -> Option<String> {
    fn key_at(items: &[crate::ast::Item], file: FileId, offset: usize) -> Option<&crate::ast::Ident> {
        items.iter().find_map(|item| match item {
            crate::ast::Item::Attribute(a) if contains(a.key.span, file, offset) => Some(&a.key),
            crate::ast::Item::Block(b) if contains(b.span, file, offset) => key_at(&b.body.as_ref()?.items, file, offset),
            _ => None,
        })
    }
    let (_, tree) = analysis.files.iter().find(|(id, _)| *id == file)?;
    let key = key_at(&tree.items, file, offset)?;
    let node = analysis.model.node(enclosing_block(analysis, file, offset)?);
    if node.kind.attribute(&key.name).is_some() {
        return None;
    }
    let mut out = format!("`{}` is not an attribute of `{}`", key.name, node.kind.kind);
    match crate::diagnostic::closest(&key.name, node.kind.attributes.iter().map(|a| a.name)).and_then(|c| node.kind.attribute(c)) {
        Some(a) => out.push_str(&format!("; did you mean `{}`?\n\n`{}`: {}\n\n{}", a.name, a.name, a.ty.describe(), a.doc)),
        None => {
            let names: Vec<String> = node.kind.attributes.iter().map(|a| format!("`{}`", a.name)).collect();
            out.push_str(&format!("\n\nIts attributes: {}", names.join(", ")));
        }
    }
    Some(out)
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
    pub kind: CompletionKind,
    /// Markdown about it: the schema's documentation.
    pub documentation: String,
    /// What to insert instead of the label, with tab stops (`$1`, `${1:name}`,
    /// `$0`) as the protocol's snippets have them.
    pub snippet: Option<String>,
}

/// What a completion offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum CompletionKind {
    /// A kind of block.
    Kind,
    Attribute,
    /// A block to refer to.
    Reference,
    /// A word of a fixed set, or a boolean.
    Word,
    Region,
    Function,
}

impl Completion {
    fn plain(label: impl Into<String>, detail: impl Into<String>, kind: CompletionKind) -> Completion {
        Completion { label: label.into(), detail: detail.into(), kind, documentation: String::new(), snippet: None }
    }

    /// A kind of block, inserted with its name and body to fill in; `subnet`
    /// as `subnet NAME auto /N`, the way most are written.
    fn kind(schema: &'static schema::KindSchema) -> Completion {
        // An existing network's subnet is written `subnet NAME PREFIX`.
        let k = crate::blocks::existing::keyword(schema.kind);
        let snippet = match (schema.kind, schema.naming) {
            ("subnet", _) => "subnet ${1:name} auto /${2:26}$0".to_string(),
            (crate::blocks::existing::EXISTING_SUBNET, _) => "subnet ${1:name} ${2:10.0.0.0/24}$0".to_string(),
            (_, schema::Naming::Named) => format!("{k} ${{1:name}} {{\n\t$0\n}}"),
            (_, schema::Naming::Unnamed) => format!("{k} {{\n\t$0\n}}"),
        };
        Completion { label: k.into(), detail: "block".into(), kind: CompletionKind::Kind, documentation: schema.doc.into(), snippet: Some(snippet) }
    }

    /// An attribute, inserted as `name = ` with the cursor after it.
    fn attribute(a: &'static schema::AttrSchema) -> Completion {
        let need = if a.required { "required".to_string() } else { format!("default: {}", a.default.unwrap_or("none")) };
        Completion {
            label: a.name.into(),
            detail: format!("{} ({need})", a.ty.describe()),
            kind: CompletionKind::Attribute,
            documentation: a.doc.into(),
            snippet: Some(format!("{} = $0", a.name)),
        }
    }
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
        None => schema::TOP_LEVEL.iter().filter_map(|k| crate::kinds::kind(k)).map(Completion::kind).collect(),
        Some(id) => {
            let node: &Node = analysis.model.node(id);
            let kind = node.kind;
            let attributes =
                kind.attributes.iter().filter(|a| !node.attrs.contains_key(a.name) && !kind.positional.contains(&a.name)).map(Completion::attribute);
            let children = kind.children.iter().filter_map(|k| crate::kinds::kind(k)).map(Completion::kind);
            attributes.chain(children).collect()
        }
    }
}

/// The values an attribute of type `ty` can take.
fn values(analysis: &Analysis, ty: &Type) -> Vec<Completion> {
    let model = &analysis.model;
    match ty {
        Type::List(inner) | Type::OneOrList(inner) => values(analysis, inner),
        Type::Boolean => ["true", "false"].iter().map(|w| Completion::plain(*w, "boolean", CompletionKind::Word)).collect(),
        Type::Word(words) => words.iter().map(|w| Completion::plain(*w, ty.describe(), CompletionKind::Word)).collect(),
        Type::Region => crate::azure::regions::REGIONS.iter().map(|r| Completion::plain(*r, "Azure region", CompletionKind::Region)).collect(),
        Type::OwnOrRef(kinds) => {
            let mut own: Vec<Completion> =
                ["true", "false"].iter().map(|w| Completion::plain(*w, "one of its own, or none", CompletionKind::Word)).collect();
            own.extend(values(analysis, &Type::Ref(kinds)));
            own
        }
        Type::Ref(kinds) => model
            .nodes_with_ids()
            .filter(|(_, n)| kinds.is_empty() || kinds.contains(&n.kind.kind))
            .filter(|(_, n)| n.name.is_some())
            .map(|(id, n)| Completion {
                documentation: n.kind.doc.into(),
                ..Completion::plain(model.path(id), format!("{} {}", n.kind.kind, model.path(id)), CompletionKind::Reference)
            })
            .collect(),
        Type::Secret => schema::function("secret").map(function_completion).into_iter().collect(),
        Type::String => schema::function("file").map(function_completion).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// A function, inserted as a call with its parameters to fill in.
fn function_completion(f: &'static schema::Function) -> Completion {
    let params: Vec<String> = f.params.iter().enumerate().map(|(i, (p, _))| format!("${{{}:{}}}", i + 1, p.replace('"', ""))).collect();
    let quoted: Vec<String> =
        f.params.iter().zip(&params).map(|((p, _), tab)| if p.starts_with('"') { format!("\"{tab}\"") } else { tab.clone() }).collect();
    let signature: Vec<&str> = f.params.iter().map(|(p, _)| *p).collect();
    Completion {
        label: f.name.into(),
        detail: format!("{}({})", f.name, signature.join(", ")),
        kind: CompletionKind::Function,
        documentation: f.doc.into(),
        snippet: Some(format!("{}({})$0", f.name, quoted.join(", "))),
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

// ---------------------------------------------------------------------------
// Inlay hints

/// A note an editor shows inside the text, after `offset`: what the plan
/// does not write but ashlar derived.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InlayHint {
    pub offset: usize,
    pub label: String,
}

/// The hints of one file, in file order: the prefix `auto` chose and the
/// usable range of each IPv4 subnet, after its prefix; where the firewall's
/// private address comes from, after its kind; the names of the machines a
/// `count` makes, after the count.
pub fn inlay_hints(analysis: &Analysis, file: FileId) -> Vec<InlayHint> {
    let model = &analysis.model;
    let mut out = Vec::new();
    for (id, node) in model.nodes_with_ids().filter(|(_, n)| n.span.file == file && !n.from_library) {
        if node.is("subnet") {
            let Some(attr) = node.get("address_prefix") else { continue };
            let Some(prefix) = model.subnet_prefix(id) else { continue };
            let mut label = String::new();
            if matches!(attr.value, Typed::Auto(_)) {
                label.push_str(&format!("= {prefix}"));
            }
            if let ipnet::IpNet::V4(v4) = prefix {
                if let Some((first, last)) = crate::blocks::compute::usable(v4) {
                    let (first, last) = (std::net::Ipv4Addr::from(first), std::net::Ipv4Addr::from(last));
                    let sep = if label.is_empty() { "" } else { ", " };
                    label.push_str(&format!("{sep}usable {first}–{last}"));
                }
            }
            if !label.is_empty() {
                out.push(InlayHint { offset: attr.span.end as usize, label });
            }
        } else if node.is("firewall") {
            if let Some(subnet) = node.parent.and_then(|hub| crate::blocks::network::firewall_subnet(model, hub)) {
                let end = node.span.start as usize + node.kind.kind.len();
                out.push(InlayHint { offset: end, label: format!("private IP from {subnet}") });
            }
        } else if let Some(attr) = node.get("count").filter(|_| node.is("compute")) {
            let names = crate::blocks::compute::machine_names(node);
            let label = match names.as_slice() {
                [] | [_] => continue,
                [_, _] | [_, _, _] => names.join(", "),
                [first, .., last] => format!("{first} … {last}"),
            };
            out.push(InlayHint { offset: attr.span.end as usize, label });
        }
    }
    out.sort_by_key(|h| h.offset);
    out
}

// ---------------------------------------------------------------------------
// Semantic tokens

/// What a token of the text is, for an editor to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum TokenKind {
    /// A block's kind: `spoke`, `subnet`.
    Kind,
    /// An attribute's key.
    Attribute,
    /// A block's name where it is declared.
    Declaration,
    /// A name that refers to a block.
    Reference,
    /// An Azure region.
    Region,
    /// A SKU or size: `sku = Standard`, `size = Standard_D2s_v5`.
    Sku,
    /// A word of a fixed set.
    EnumWord,
    /// A function's name: `secret`, `file`.
    Function,
}

/// A coloured stretch of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Token {
    pub span: Span,
    pub kind: TokenKind,
}

/// The tokens of one file, in file order, none overlapping another: what the
/// analysis knows of each word, which a grammar of the text cannot tell.
pub fn semantic_tokens(analysis: &Analysis, file: FileId) -> Vec<Token> {
    let model = &analysis.model;
    let text = &analysis.sources.get(file).text;
    let mut out = Vec::new();
    let mut push = |span: Span, kind: TokenKind| {
        if span.file == file && span.start < span.end {
            out.push(Token { span, kind });
        }
    };
    for (_, node) in model.nodes_with_ids().filter(|(_, n)| n.span.file == file && !n.from_library) {
        let start = node.span.start as usize;
        if text.get(start..start + node.kind.kind.len()) == Some(node.kind.kind) {
            push(Span { file, start: node.span.start, end: (start + node.kind.kind.len()) as u32 }, TokenKind::Kind);
        }
        for (name, attr) in &node.attrs {
            if attr.key != attr.span {
                push(attr.key, TokenKind::Attribute);
            }
            let Some(schema) = node.kind.attribute(name) else { continue };
            let sku = *name == "sku" || name.ends_with("_sku") || *name == "size";
            word_tokens(&attr.value, attr.span, &schema.ty, sku, &mut push);
            call_token(analysis, &attr.value, attr.span, &mut push);
        }
    }
    for o in occurrences(analysis) {
        push(o.span, if o.declaration { TokenKind::Declaration } else { TokenKind::Reference });
    }
    out.sort();
    out.dedup_by_key(|t| t.span);
    // A token inside another (a reference inside a list's span) keeps the first.
    let mut kept: Vec<Token> = Vec::with_capacity(out.len());
    for token in out {
        if kept.last().is_none_or(|last| last.span.end <= token.span.start) {
            kept.push(token);
        }
    }
    kept
}

/// The words of a value the schema reads from a fixed set or as a region.
fn word_tokens(value: &Typed, span: Span, ty: &Type, sku: bool, push: &mut dyn FnMut(Span, TokenKind)) {
    match (value, ty) {
        (Typed::List(items), Type::List(inner) | Type::OneOrList(inner)) => {
            items.iter().for_each(|i| word_tokens(&i.value, i.span, inner, sku, push));
        }
        (Typed::Word(_), Type::Region) => push(span, TokenKind::Region),
        (Typed::Word(_), _) if sku => push(span, TokenKind::Sku),
        (Typed::Str(_), Type::Name) if sku => push(span, TokenKind::Sku),
        (Typed::Word(_), Type::Word(_)) => push(span, TokenKind::EnumWord),
        _ => {}
    }
}

/// The name of a call such as `secret(kv, "name")` at the start of a value.
fn call_token(analysis: &Analysis, value: &Typed, span: Span, push: &mut dyn FnMut(Span, TokenKind)) {
    if let Typed::List(items) = value {
        return items.iter().for_each(|i| call_token(analysis, &i.value, i.span, push));
    }
    let text = &analysis.sources.get(span.file).text;
    let Some(written) = text.get(span.start as usize..span.end as usize) else { return };
    if let Some((name, _)) = written.split_once('(') {
        if schema::function(name).is_some() {
            push(Span { file: span.file, start: span.start, end: span.start + name.len() as u32 }, TokenKind::Function);
        }
    }
}

// ---------------------------------------------------------------------------
// Signature help

/// The call the cursor is in, and which of its parameters it is at, from the
/// line as typed up to the cursor: `secret(kv, "` is at `secret`'s second.
pub fn signature_help(before: &str) -> Option<(&'static schema::Function, usize)> {
    let mut depth = 0usize;
    let mut commas = 0usize;
    let mut in_string = false;
    let bytes = before.as_bytes();
    // Where each `"` ends a string, read from the left: a `"` inside one opens nothing.
    let mut strings = vec![false; bytes.len()];
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'"' {
            in_string = !in_string;
        }
        strings[i] = in_string || b == b'"';
    }
    for i in (0..bytes.len()).rev() {
        if strings[i] {
            continue;
        }
        match bytes[i] {
            b')' | b']' => depth += 1,
            b'[' if depth > 0 => depth -= 1,
            b'[' => return None,
            b'(' if depth > 0 => depth -= 1,
            b'(' => {
                let name_start = before[..i].rfind(|c: char| !(c.is_alphanumeric() || c == '_')).map_or(0, |p| p + 1);
                return schema::function(&before[name_start..i]).map(|f| (f, commas.min(f.params.len().saturating_sub(1))));
            }
            b',' if depth == 0 => commas += 1,
            _ => {}
        }
    }
    None
}

// ---------------------------------------------------------------------------
// Folding, highlights and formatting of a range

/// The stretches an editor can fold: each block of the file that spans
/// several lines.
pub fn folding_spans(analysis: &Analysis, file: FileId) -> Vec<Span> {
    let text = &analysis.sources.get(file).text;
    let mut spans: Vec<Span> = analysis
        .model
        .nodes_with_ids()
        .map(|(_, n)| n.span)
        .filter(|s| s.file == file && text.get(s.start as usize..s.end as usize).is_some_and(|t| t.contains('\n')))
        .collect();
    spans.sort();
    spans.dedup();
    spans
}

/// Every place in `file` that names the block under the cursor, and whether
/// it is the declaration.
pub fn highlights(analysis: &Analysis, file: FileId, offset: usize) -> Vec<(Span, bool)> {
    let occurrences = occurrences(analysis);
    let Some((node, _)) = named_at(analysis, &occurrences, file, offset) else { return Vec::new() };
    occurrences.iter().filter(|o| o.node == node && o.span.file == file).map(|o| (o.span, o.declaration)).collect()
}

/// Edits that format the top-level blocks of `file` that meet the byte range
/// `start..end`, each formatted as `ashlar fmt` formats it; the rest of the
/// file is left as written. None when a block does not parse.
pub fn format_range(analysis: &Analysis, file: FileId, start: usize, end: usize) -> Vec<(Span, String)> {
    let text = &analysis.sources.get(file).text;
    let mut out = Vec::new();
    for (_, node) in analysis.model.nodes_with_ids().filter(|(_, n)| n.parent.is_none() && n.span.file == file) {
        let span = node.span;
        let (from, to) = (span.start as usize, span.end as usize);
        if to < start || from > end {
            continue;
        }
        let Some(written) = text.get(from..to) else { continue };
        let Ok(formatted) = crate::format::format(written) else { continue };
        let formatted = formatted.strip_suffix('\n').unwrap_or(&formatted);
        if formatted != written {
            out.push((span, formatted.to_string()));
        }
    }
    out
}
