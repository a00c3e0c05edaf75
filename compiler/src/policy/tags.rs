//! The plan's tag policy: a top-level `tags` block of `require` phrases,
//! checked on every resource group and every resource the plan deploys that
//! takes tags, with the tags each really gets (the plan's merged with the block's).
//!
//! ```ashlar
//! tags {
//!   require environment in ["prod", "test", "dev"]
//!   require cost_centre matches "^CC-[0-9]{4}$"
//!   require owner
//!   optional expires matches "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
//! }
//! ```

use super::parse::{compile_regex, lone_string, with_message_lines};
use super::{eval::Env, POLICY_SYNTAX, POLICY_TYPE_MISMATCH, TAG_POLICY};
use crate::ast::{self, Term, Value, ValueKind};
use crate::diagnostic::{did_you_mean, Diagnostic, Severity};
use crate::lower::ir::AzurePlan;
use crate::model::{Model, NodeId};
use crate::schema::attrs;
use crate::source::Span;
use indexmap::{IndexMap, IndexSet};

/// How a tag policy's phrase reads, for help texts.
const SHAPE: &str = "a tag policy holds `require NAME`, `require NAME in [\"a\", \"b\"]`, `require NAME matches \"PATTERN\"`, and `optional NAME in [...]` or `optional NAME matches \"PATTERN\"` for a tag that may be absent";

/// Whether resources of a type take tags: its row in
/// [`crate::azure::RESOURCE_TYPES`]; a type ashlar does not emit is taken to.
pub fn takes_tags(resource_type: &str) -> bool {
    crate::azure::resource_types::resource_type(resource_type).is_none_or(|row| row.takes_tags)
}

/// What a required tag's value must be.
#[derive(Clone, Debug)]
pub enum Test {
    /// Any value.
    Present,
    /// One of these, exactly.
    OneOf(Vec<String>),
    Matches(regex::Regex),
}

/// `require NAME [in [...] | matches "..."]`, or `optional NAME in [...] | matches "..."`
#[derive(Clone, Debug)]
pub struct TagRule {
    pub name: String,
    /// `require`: a resource without the tag is a finding; `optional`: only a wrong value is.
    pub required: bool,
    /// `message "..."` at the end: what a wrong value should look like, said instead of the pattern.
    pub message: Option<String>,
    pub test: Test,
    pub span: Span,
}

/// A `tags` block, read.
pub struct TagPolicy {
    pub severity: Severity,
    pub about: Option<String>,
    pub rules: Vec<TagRule>,
}

/// The rules of a `tags` block; a phrase with an error is reported and left out.
pub fn rules(phrases: &[ast::Block], out: &mut Vec<Diagnostic>) -> Vec<TagRule> {
    let mut rules: Vec<TagRule> = Vec::new();
    for (block, message_line) in with_message_lines(phrases, &["require", "optional"], out) {
        let Some(mut rule) = rule(block, out) else { continue };
        if let Some(line) = message_line {
            if rule.message.is_some() {
                out.push(
                    Diagnostic::new(&POLICY_SYNTAX, line.head.span, "this phrase has a message already").with_help("give each phrase one message"),
                );
            } else if let Some((text, _)) = lone_string(line, out) {
                rule.message = Some(text.to_string());
            }
        }
        rules.push(rule);
    }
    rules
}

fn rule(block: &ast::Block, out: &mut Vec<Diagnostic>) -> Option<TagRule> {
    let syntax = |span: Span, message: String, help: crate::diagnostic::Help| Diagnostic::new(&POLICY_SYNTAX, span, message).with_help(help);
    let required = block.head.name == "require";
    if !required && block.head.name != "optional" {
        let help = did_you_mean(&block.head.name, ["require", "optional"]).unwrap_or_else(|| SHAPE.to_string().into());
        let mut d = syntax(block.head.span, format!("`{}` is no phrase of a tag policy", block.head.name), help);
        if block.terms.is_empty() && block.body.is_none() {
            d = d.with_help(format!("{SHAPE}; the tags themselves go in `settings {{ tags {{ ... }} }}`"));
        }
        out.push(d);
        return None;
    }
    if let Some(body) = &block.body {
        out.push(syntax(body.span, format!("`{}` takes no `{{ ... }}`", block.head.name), SHAPE.into()));
        return None;
    }
    let name = match block.terms.first() {
        Some(Term::Value(Value { kind: ValueKind::Path(p), .. })) if p.len() == 1 => p[0].name.clone(),
        Some(Term::Value(Value { kind: ValueKind::Str(s), .. })) if !s.is_empty() => s.clone(),
        Some(Term::Value(Value { kind: ValueKind::Invalid, .. })) => return None,
        Some(other) => {
            out.push(syntax(other.span(), format!("`{}` needs the name of a tag", block.head.name), SHAPE.into()));
            return None;
        }
        None => {
            out.push(syntax(block.head.span, format!("`{}` needs the name of a tag", block.head.name), SHAPE.into()));
            return None;
        }
    };
    // `... message "TEXT"` ends a phrase.
    let mut terms = &block.terms[1..];
    let mut message = None;
    if let [rest @ .., Term::Value(w), Term::Value(Value { kind: ValueKind::Str(text), .. })] = terms {
        if w.as_word().is_some_and(|w| w.name == "message") {
            message = Some(text.clone());
            terms = rest;
        }
    }
    let test = match terms {
        [] if !required => {
            let help = format!(
                "write `optional {name} matches \"PATTERN\"` or `optional {name} in [...]`, or `require {name}` when every resource needs it"
            );
            out.push(syntax(block.span, "`optional` needs the values the tag may take when it is there".into(), help.into()));
            return None;
        }
        [] => Test::Present,
        [Term::Value(w), rest @ ..] if w.as_word().is_some_and(|w| w.name == "in") => match rest {
            [Term::Value(Value { kind: ValueKind::List(items), span })] => {
                let mut values = Vec::new();
                for item in items {
                    match &item.kind {
                        ValueKind::Str(s) => values.push(s.clone()),
                        ValueKind::Invalid => return None,
                        other => {
                            out.push(
                                Diagnostic::new(&POLICY_TYPE_MISMATCH, item.span, format!("a tag's value is a string, not {}", other.describe()))
                                    .with_help("write the allowed values in double quotes"),
                            );
                            return None;
                        }
                    }
                }
                if values.is_empty() {
                    out.push(
                        Diagnostic::new(&POLICY_TYPE_MISMATCH, *span, "an empty list allows no value").with_help("list the values the tag may take"),
                    );
                    return None;
                }
                Test::OneOf(values)
            }
            _ => {
                out.push(syntax(w.span, "`in` needs a list of values".into(), "write `require environment in [\"prod\", \"test\"]`".into()));
                return None;
            }
        },
        [Term::Value(w), rest @ ..] if w.as_word().is_some_and(|w| w.name == "matches") => match rest {
            [Term::Value(Value { kind: ValueKind::Str(pattern), span })] => Test::Matches(compile_regex(pattern, *span, out)?),
            _ => {
                out.push(syntax(
                    w.span,
                    "`matches` needs a pattern in quotes".into(),
                    "write `require cost_centre matches \"^CC-[0-9]{4}$\"`".into(),
                ));
                return None;
            }
        },
        [other, ..] => {
            out.push(syntax(other.span(), format!("{} does not belong after the tag's name", shown(other)), SHAPE.into()));
            return None;
        }
    };
    Some(TagRule { name, required, message, test, span: block.span })
}

fn shown(term: &Term) -> String {
    match term {
        Term::Value(v) => v.as_word().map_or_else(|| v.kind.describe().to_string(), |w| format!("`{}`", w.name)),
        Term::Operator(op, _) => format!("`{op}`"),
        Term::Group(..) => "a group".into(),
    }
}

/// The block whose `tags` give a resource its tag `name`: the block, or the
/// block it is nested in, that writes the tag, else `settings`; with the
/// span of the tag's entry.
fn tag_source(model: &Model, origin: NodeId, name: &str) -> Option<Span> {
    let mut at = Some(origin);
    while let Some(id) = at {
        if let Some(entry) = model.node(id).map(attrs::TAGS).and_then(|m| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(name))) {
            return Some(entry.1.span);
        }
        at = model.node(id).parent;
    }
    let settings = model.unique("settings")?;
    settings.map(attrs::TAGS).and_then(|m| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(name))).map(|(_, e)| e.span)
}

/// Checks a tag policy on every resource group and taggable resource of the plan.
pub fn check_plan(policy: &TagPolicy, model: &Model, plan: &AzurePlan, out: &mut Vec<Diagnostic>) {
    let env = Env::new(model, plan.into());
    // Each tagged thing: its name as a message shows it, its owner block, its tags.
    let mut things: Vec<(String, Option<NodeId>, &IndexMap<String, String>)> = Vec::new();
    for (g, group) in plan.resource_groups.iter().enumerate() {
        things.push((format!("resource group `{}`", group.name), env.group_owner(g), &group.tags));
    }
    for resource in plan.resources.iter().filter(|r| takes_tags(r.resource_type)) {
        let short = resource.resource_type.rsplit('/').next().unwrap_or(resource.resource_type);
        things.push((format!("{short} `{}`", resource.name.join("/")), Some(resource.origin), &resource.tags));
    }

    // Missing tags, gathered per owner block and rule: one finding each.
    let mut missing: IndexMap<(Option<NodeId>, usize), Vec<String>> = IndexMap::new();
    let mut findings: Vec<Diagnostic> = Vec::new();
    for (what, owner, tags) in &things {
        for (r, rule) in policy.rules.iter().enumerate() {
            let Some((_, value)) = tags.iter().find(|(k, _)| k.eq_ignore_ascii_case(&rule.name)) else {
                if !rule.required {
                    continue;
                }
                missing.entry((*owner, r)).or_default().push(what.clone());
                continue;
            };
            let wrong = match &rule.test {
                Test::Present => None,
                Test::OneOf(values) if values.contains(value) => None,
                Test::OneOf(values) => {
                    Some(format!("it must be one of {}", values.iter().map(|v| format!("\"{v}\"")).collect::<Vec<_>>().join(", ")))
                }
                Test::Matches(regex) if regex.is_match(value) => None,
                Test::Matches(regex) => Some(format!("it must match \"{}\"", regex.as_str())),
            };
            if let Some(why) = wrong.map(|why| rule.message.clone().unwrap_or(why)) {
                let span = owner.and_then(|o| tag_source(model, o, &rule.name)).or_else(|| owner.map(|o| model.node(o).head));
                let message = format!("the tag `{}` is \"{value}\", which the plan's tag policy does not allow: {why}", rule.name);
                let help = format!("give `{}` a value the policy allows", rule.name);
                findings.push(finding(policy, span, message, rule, Some(help)));
            }
        }
    }
    // A tag missing from the blocks of several owners is missing from
    // `settings`, where one line gives it to them all: said once, there.
    let settings = model.unique("settings");
    let mut owners_missing: IndexMap<usize, Vec<Option<NodeId>>> = IndexMap::new();
    for (owner, r) in missing.keys() {
        owners_missing.entry(*r).or_default().push(*owner);
    }
    for (&r, owners) in &owners_missing {
        let Some(settings) = settings.filter(|_| owners.len() > 1) else { continue };
        let rule = &policy.rules[r];
        let resources: usize = owners.iter().map(|owner| missing[&(*owner, r)].len()).sum();
        let names: Vec<String> = owners.iter().map(|owner| owner.map_or_else(|| "the plan".to_string(), |o| model.describe(o))).collect();
        let list = first_few(&names);
        let message = format!(
            "`settings` gives no tag `{}`, which the plan's tag policy requires: {} blocks deploy without it ({resources} resources and resource groups): {list}",
            rule.name,
            owners.len()
        );
        let span = settings.get(attrs::TAGS).map_or(settings.head, |tags| tags.span);
        let help = format!("add `{} = {}` to `settings {{ tags {{ ... }} }}` to give it to every block", rule.name, example_value(rule));
        findings.push(finding(policy, Some(span), message, rule, Some(help)).with_missing_tag(rule.name.clone()));
    }
    missing.retain(|(_, r), _| settings.is_none() || owners_missing[r].len() == 1);
    for ((owner, r), whats) in missing {
        let rule = &policy.rules[r];
        let span = owner.map(|o| model.node(o).head).or_else(|| model.unique("settings").map(|s| s.head));
        let who = owner.map_or_else(|| "the plan".to_string(), |o| model.describe(o));
        let list = first_few(&whats);
        let message = format!("{who} deploys without the tag `{}` that the plan's tag policy requires: {list}", rule.name);
        let help =
            format!("add `{} = {}` to the block's `tags`, or to `settings {{ tags {{ ... }} }}` for every block", rule.name, example_value(rule));
        findings.push(finding(policy, span, message, rule, Some(help)).with_missing_tag(rule.name.clone()));
    }
    let mut seen: IndexSet<(Option<Span>, String)> = IndexSet::new();
    findings.retain(|d| seen.insert((d.span, d.message.clone())));
    out.extend(findings);
}

/// The first three of a list, as a sentence says them: "a", "a and b",
/// "a, b and c", "a, b, c and 4 more".
fn first_few(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [first @ .., last] if items.len() <= 3 => format!("{} and {last}", first.join(", ")),
        _ => format!("{} and {} more", items[..3].join(", "), items.len() - 3),
    }
}

/// A value a help text suggests for a required tag: the first the rule allows, else `"..."`.
fn example_value(rule: &TagRule) -> String {
    match &rule.test {
        Test::OneOf(values) => format!("\"{}\"", values[0]),
        _ => "\"...\"".to_string(),
    }
}

fn finding(policy: &TagPolicy, span: Option<Span>, message: String, rule: &TagRule, help: Option<String>) -> Diagnostic {
    let mut d = match span {
        Some(span) => {
            Diagnostic::new(&TAG_POLICY, span, message).with_label(rule.span, if rule.required { "required here" } else { "its values are set here" })
        }
        None => Diagnostic::global(&TAG_POLICY, message),
    };
    d.severity = policy.severity;
    let help = match (help, &policy.about) {
        (Some(h), Some(about)) => Some(format!("{h}. {about}")),
        (Some(h), None) => Some(h),
        (None, about) => about.clone(),
    };
    if let Some(help) = help {
        d = d.with_help(help);
    }
    d
}
