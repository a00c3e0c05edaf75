//! Fixes: the changes of a plan's text that resolve its diagnostics, made in
//! the core as data ([`Fix`], [`Edit`]) once the diagnostics are known, and
//! rendered only at the edges: quick fixes in editors, `fixes` in SARIF and
//! JSON. Each is worked out from what the diagnostic carries (the word its
//! help suggests, the tag a tag policy finds missing) and the plan's text,
//! never from its message.
//!
//! Fixes offered: the replacement a help suggests (`did you mean`, `remove the
//! quotes`), a free prefix for a subnet that overlaps or lies outside its
//! network (ASH202, ASH201), a tag the tag policy requires (ASH501), and the
//! rules an NSG on Bastion's subnet lacks (ASH262). An
//! editor's "allow ... because" is not a fix of the problem; `ide.rs` offers it.

use crate::ast::{self, is_name};
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::model::{Model, NodeId, Typed};
use crate::schema::attrs;
use crate::source::{FileId, SourceMap, Span};
use std::collections::HashMap;
use std::sync::OnceLock;

/// What fixes are worked out from: the plan's text, trees and model, with
/// indexes built when first needed, so that the fixes of many diagnostics
/// cost time linear in their number.
pub struct Context<'a> {
    pub sources: &'a SourceMap,
    pub files: &'a [(FileId, std::sync::Arc<ast::File>)],
    pub model: &'a Model,
    blocks_by_head: OnceLock<HashMap<Span, NodeId>>,
    subnets_by_prefix: OnceLock<HashMap<Span, NodeId>>,
    trees_by_span: OnceLock<HashMap<Span, &'a ast::Block>>,
}

impl<'a> Context<'a> {
    pub fn new(sources: &'a SourceMap, files: &'a [(FileId, std::sync::Arc<ast::File>)], model: &'a Model) -> Context<'a> {
        Context { sources, files, model, blocks_by_head: OnceLock::new(), subnets_by_prefix: OnceLock::new(), trees_by_span: OnceLock::new() }
    }

    /// The plan's own blocks (not the library's) by the span of their head.
    fn blocks_by_head(&self) -> &HashMap<Span, NodeId> {
        self.blocks_by_head.get_or_init(|| self.model.nodes_with_ids().filter(|(_, n)| !n.from_library).map(|(id, n)| (n.head, id)).collect())
    }

    /// Subnets written with a prefix, by the span of that prefix.
    fn subnets_by_prefix(&self) -> &HashMap<Span, NodeId> {
        self.subnets_by_prefix.get_or_init(|| {
            self.model
                .of_kind("subnet")
                .filter_map(|(id, n)| n.get("address_prefix").filter(|a| matches!(a.value, Typed::Prefix(_))).map(|a| (a.span, id)))
                .collect()
        })
    }

    /// The block of the plan's syntax trees written at exactly `span`.
    pub(crate) fn block_at(&self, span: Span) -> Option<&'a ast::Block> {
        fn walk<'t>(items: &'t [ast::Item], out: &mut HashMap<Span, &'t ast::Block>) {
            for item in items {
                if let ast::Item::Block(b) = item {
                    out.insert(b.span, b);
                    if let Some(body) = &b.body {
                        walk(&body.items, out);
                    }
                }
            }
        }
        let files = self.files;
        self.trees_by_span
            .get_or_init(|| {
                let mut out = HashMap::new();
                for (_, f) in files {
                    walk(&f.items, &mut out);
                }
                out
            })
            .get(&span)
            .copied()
    }
}

/// Attaches to each diagnostic the fixes the plan's text allows.
pub fn attach(cx: &Context<'_>, diagnostics: &mut [Diagnostic]) {
    for d in diagnostics.iter_mut() {
        let Some(span) = d.span else { continue };
        let mut fixes = Vec::new();
        if let Some((title, (at, text))) = suggested(cx, d, span) {
            fixes.push(Fix { title, edits: vec![Edit { span: at, text }], preferred: true });
        }
        for (title, (at, text), preferred) in free_prefix(cx, d, span) {
            fixes.push(Fix { title, edits: vec![Edit { span: at, text }], preferred });
        }
        for (title, edits) in missing_tag(cx, d, span) {
            fixes.push(Fix { title, edits: edits.into_iter().map(|(span, text)| Edit { span, text }).collect(), preferred: false });
        }
        if let Some((title, (at, text))) = added_lines(cx, d) {
            fixes.push(Fix { title, edits: vec![Edit { span: at, text }], preferred: true });
        }
        for fix in fixes {
            d.add_fix(fix);
        }
    }
}

/// The replacement a diagnostic suggests ([`Diagnostic::replacement`]),
/// applied to the part of the span it replaces: the value without its quotes,
/// a word, a word in quotes, a `use`'s path, an entry's key.
fn suggested(cx: &Context<'_>, d: &Diagnostic, span: Span) -> Option<(String, (Span, String))> {
    let word = d.replacement()?;
    let text = cx.sources.text(span);
    if text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) == Some(word) {
        return Some(("Remove the quotes".to_string(), (span, word.to_string())));
    }
    let title = format!("Change to `{word}`");
    let token = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    let at = |from: usize, len: usize| Span::new(span.file, span.start as usize + from, span.start as usize + from + len);
    if token(text) {
        return Some((title, (span, word.to_string())));
    }
    // `"blobb"`: a word in quotes keeps its quotes.
    if let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).filter(|t| token(t)) {
        return Some((title, (at(1, inner.len()), word.to_string())));
    }
    // `use std.naming.cfa`: the module's path.
    if let Some(path) = text.strip_prefix("use").filter(|p| p.starts_with(char::is_whitespace)) {
        let module = path.trim_start();
        return token(module).then(|| (title, (at(text.len() - module.len(), module.len()), word.to_string())));
    }
    // `publsher = "x"`: an entry's key.
    let (key, _) = text.split_once('=')?;
    let key = key.trim_end();
    (token(key) && is_name(key)).then(|| (title, (at(0, key.len()), word.to_string())))
}

/// For a subnet that overlaps another or lies outside its network's address
/// space (ASH202, ASH201): a free prefix of the same length, and `auto /N`.
fn free_prefix(cx: &Context<'_>, d: &Diagnostic, span: Span) -> Vec<(String, (Span, String), bool)> {
    // subnet-outside-vnet and subnet-overlap: the help of both offers `auto /N`.
    if !["ASH201", "ASH202"].contains(&d.code.code) {
        return Vec::new();
    }
    let model = &cx.model;
    let Some(&subnet) = cx.subnets_by_prefix().get(&span) else { return Vec::new() };
    let node = model.node(subnet);
    let (Some(network), Some(Typed::Prefix(prefix))) = (node.parent, node.get("address_prefix").map(|a| &a.value)) else { return Vec::new() };
    let space: Vec<_> = model.node(network).prefixes("address_space").into_iter().map(|p| p.value).collect();
    let taken: Vec<_> = model.node(network).children.iter().filter(|&&c| c != subnet).filter_map(|&c| model.subnet_prefix(c)).collect();
    let len = prefix.prefix_len();
    let mut out = Vec::new();
    if let Some(free) = crate::address::first_free(&space, &taken, len) {
        out.push((format!("Allocate a free prefix: {free}"), (span, free.to_string()), true));
    }
    out.push((format!("Let ashlar choose: `auto /{len}`"), (span, format!("auto /{len}")), false));
    out
}

/// For a block deployed without a tag the tag policy requires (ASH501): the
/// tag added to the block's `tags`, and to the plan's `settings`.
fn missing_tag(cx: &Context<'_>, d: &Diagnostic, span: Span) -> Vec<(String, Vec<(Span, String)>)> {
    if d.code.code != crate::policy::TAG_POLICY.code {
        return Vec::new();
    }
    let Some(name) = d.missing_tag() else { return Vec::new() };
    if !is_name(name) {
        return Vec::new();
    }
    // The value: the first the rule allows, else empty for the user to fill in.
    let rule =
        d.labels.iter().find_map(|l| cx.block_at(l.span)).and_then(|b| crate::policy::tags::rules(std::slice::from_ref(b), &mut Vec::new()).pop());
    let value = match rule.map(|r| r.test) {
        Some(crate::policy::tags::Test::OneOf(values)) => values.first().cloned().unwrap_or_default(),
        _ => String::new(),
    };
    let entry = format!("{name} = {}", string_literal(&value));
    let model = &cx.model;
    let mut out = Vec::new();
    let owner = cx.blocks_by_head().get(&span).copied();
    if let Some(owner) = owner {
        if let Some(edit) = add_tag(cx, owner, &entry) {
            out.push((format!("Add the tag `{name}` to {}", shown(model, owner)), vec![edit]));
        }
    }
    if let Some((settings, _)) = model.of_kind("settings").next().filter(|(id, _)| Some(*id) != owner) {
        if let Some(edit) = add_tag(cx, settings, &entry) {
            out.push((format!("Add the tag `{name}` to `settings` (every block)"), vec![edit]));
        }
    }
    out
}

/// An entry added to a block's `tags`, or a `tags { ... }` line added to its body.
fn add_tag(cx: &Context<'_>, id: NodeId, entry: &str) -> Option<(Span, String)> {
    let node = cx.model.node(id);
    node.kind.attribute(attrs::TAGS)?;
    let Some(tags) = node.get(attrs::TAGS) else {
        return body_line(cx, id, &format!("tags {{ {entry} }}"));
    };
    let text = cx.sources.text(tags.span);
    let inner = text.strip_prefix('{')?.strip_suffix('}')?;
    if inner.trim().is_empty() {
        return Some((tags.span, format!("{{ {entry} }}")));
    }
    match inner.rfind('\n') {
        // The closing brace alone on its line: a line before it, indented as the entries.
        Some(nl) if inner[nl + 1..].trim().is_empty() => {
            let line_start = tags.span.start as usize + 1 + nl + 1;
            let indent = entry_indent(inner).unwrap_or_else(|| format!("{}  ", &inner[nl + 1..]));
            Some((Span::new(tags.span.file, line_start, line_start), format!("{indent}{entry}\n")))
        }
        _ => {
            let at = tags.span.start as usize + 1 + inner.trim_end().len();
            Some((Span::new(tags.span.file, at, at), format!("  {entry}")))
        }
    }
}

/// The indentation of the first entry on a line of its own in a map's text.
fn entry_indent(inner: &str) -> Option<String> {
    inner.split('\n').skip(1).find(|l| !l.trim().is_empty()).map(|l| l[..l.len() - l.trim_start().len()].to_string())
}

/// A line inserted first in a block's body, when the body spans several lines.
pub(crate) fn body_line(cx: &Context<'_>, id: NodeId, line: &str) -> Option<(Span, String)> {
    body_lines(cx, id, &[line.to_string()])
}

/// Lines inserted first in a block's body, in one edit, when the body spans several lines.
fn body_lines(cx: &Context<'_>, id: NodeId, lines: &[String]) -> Option<(Span, String)> {
    let node = cx.model.node(id);
    let body = cx.block_at(node.span)?.body.as_ref()?;
    let source = cx.sources.get(body.span.file);
    let text = &source.text;
    let open = body.span.start as usize;
    let after_open = open + text[open..].find('\n')? + 1;
    if after_open >= body.span.end as usize {
        return None;
    }
    let block_line = source.line_start(source.line_col(node.span.start as usize).line - 1)?;
    let indent: String = text[block_line..].chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    let inserted: String = lines.iter().map(|line| format!("{indent}  {line}\n")).collect();
    Some((Span::new(body.span.file, after_open, after_open), inserted))
}

/// For a block the diagnostic finds lines missing from (the rules an NSG on
/// Bastion's subnet lacks, ASH262): the lines, inserted in the block its
/// first label marks.
fn added_lines(cx: &Context<'_>, d: &Diagnostic) -> Option<(String, (Span, String))> {
    let lines = d.added_lines();
    if lines.is_empty() {
        return None;
    }
    let head = d.labels.first()?.span;
    let id = *cx.blocks_by_head().get(&head)?;
    let edit = body_lines(cx, id, lines)?;
    let what = if lines.len() == 1 { "the missing rule".to_string() } else { format!("the {} missing rules", lines.len()) };
    Some((format!("Add {what} to {}", shown(cx.model, id)), edit))
}

/// How a fix's title names a block: ``hub `core` ``, or by its path one without a name.
pub(crate) fn shown(model: &crate::model::Model, id: NodeId) -> String {
    match model.node(id).name {
        Some(_) => model.describe(id),
        None => format!("`{}`", model.path(id)),
    }
}

/// A string as the plan writes it, in double quotes with its escapes.
pub(crate) fn string_literal(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
