//! Evaluating policies over the model, and over the Azure resources once the
//! plan is lowered.
//!
//! Each `for` walks its collection once; the model is indexed once per run
//! (blocks by kind, the subnets that use each NSG and route table, the block
//! that first deploys into each resource group), so a policy's cost grows with
//! the size of the model, not with its square.
//!
//! Addresses compare as Azure means them: service tags and words in any case;
//! in `==`, `!=` and `in`, `any`, `*`, `Any`, `0.0.0.0/0`, `::/0` and
//! `Internet` are all equal to each other, so that `rule.source == Internet`
//! holds for a rule open to any address, however its source is spelt. In
//! `within` and `overlaps`, `any` and `*` are every address, and `Internet`
//! is only itself: no prefix lies within it.

use super::check::{self, Walk};
use super::fields::Source;
use super::parse::{Clause, Expr, ExprKind, Finding, FindingKind, For, Op, Part};
use super::{Policies, Policy, POLICY_FINDING};
use crate::blocks::{routing, security};
use crate::diagnostic::Diagnostic;
use crate::lower::ir::{AzurePlan, ResourceId};
use crate::model::{Model, NodeId, Typed};
use crate::phrases::{Access, Address, Direction, NextHop};
use crate::schema::attrs;
use crate::source::Span;
use indexmap::{IndexMap, IndexSet};
use ipnet::IpNet;
use std::collections::HashMap;
use std::net::IpAddr;

/// A value of a policy.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// An attribute not written, a tag not set, a block not there.
    Absent,
    Bool(bool),
    Int(i64),
    Str(String),
    /// A word compared in any case: a protocol, a service tag, a region, `*`.
    Word(String),
    Prefix(IpNet),
    Ip(IpAddr),
    /// A range of ports, both ends included.
    Ports(u16, u16),
    /// Tags; boxed, so that every other value, copied for each item a policy
    /// walks, is small.
    Map(Box<IndexMap<String, String>>),
    Secret(String),
    Node(NodeId),
    /// A rule of an NSG: the rule block, the NSG it is deployed in, and the
    /// rule set it comes from with the span of that set's entry in `include`.
    Rule {
        rule: NodeId,
        nsg: Option<NodeId>,
        set: Option<NodeId>,
        include: Option<Span>,
    },
    Resource(ResourceId),
    Group(usize),
    List(Vec<Item>),
}

/// A value with where the plan writes it, when it does.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub value: Value,
    pub span: Option<Span>,
}

impl Item {
    fn new(value: Value, span: Option<Span>) -> Item {
        Item { value, span }
    }

    fn bare(value: Value) -> Item {
        Item { value, span: None }
    }
}

/// What one evaluation reads, indexed once.
pub struct Env<'a> {
    pub model: &'a Model,
    pub plan: Option<&'a AzurePlan>,
    /// The plan's own blocks by kind, in declaration order.
    /// (Looked up for every walk of a policy: hashed with foldhash, as the model's maps are.)
    kinds: IndexMap<&'static str, Vec<NodeId>, foldhash::fast::FixedState>,
    /// The subnets that use each NSG and route table.
    users: IndexMap<NodeId, Vec<NodeId>, foldhash::fast::FixedState>,
    /// The block that first deploys into each resource group, by the group's index.
    group_owners: Vec<Option<NodeId>>,
    /// The rules of each of the plan's NSGs as deployed, made on the first
    /// walk that reads them: every `for` over `rules` or `nsg.rules` walks them all.
    rules: std::sync::OnceLock<IndexMap<NodeId, Vec<Item>, foldhash::fast::FixedState>>,
}

impl<'a> Env<'a> {
    /// How many blocks and resources a policy may walk: what makes threads worth it.
    fn size(&self) -> usize {
        self.model.nodes.len() + self.plan.map_or(0, |p| p.resources.len())
    }

    pub fn new(model: &'a Model, plan: Option<&'a AzurePlan>) -> Env<'a> {
        let mut kinds: IndexMap<&'static str, Vec<NodeId>, foldhash::fast::FixedState> = IndexMap::default();
        let mut users: IndexMap<NodeId, Vec<NodeId>, foldhash::fast::FixedState> = IndexMap::default();
        for (id, node) in model.nodes_with_ids() {
            if !node.from_library {
                kinds.entry(node.kind.kind).or_default().push(id);
            }
            if node.is("subnet") {
                for (_, attr) in crate::blocks::attach::ATTACHABLE {
                    if let Some(target) = node.reference(attr) {
                        users.entry(target).or_default().push(id);
                    }
                }
            }
        }
        let group_owners = match plan {
            Some(plan) => {
                // The first block that names the group itself, else the first that deploys into it.
                let names_group = |mut id: NodeId| loop {
                    if model.node(id).get(attrs::RESOURCE_GROUP).is_some() {
                        return true;
                    }
                    match model.node(id).parent {
                        Some(p) => id = p,
                        None => return false,
                    }
                };
                let mut first: IndexMap<String, NodeId, foldhash::fast::FixedState> = IndexMap::default();
                for resource in plan.resources.iter().filter(|r| names_group(r.origin)) {
                    first.entry(resource.resource_group.to_ascii_lowercase()).or_insert(resource.origin);
                }
                for resource in &plan.resources {
                    first.entry(resource.resource_group.to_ascii_lowercase()).or_insert(resource.origin);
                }
                plan.resource_groups.iter().map(|g| first.get(&g.name.to_ascii_lowercase()).copied()).collect()
            }
            None => Vec::new(),
        };
        Env { model, plan, kinds, users, group_owners, rules: std::sync::OnceLock::new() }
    }

    /// The block that owns a resource group: the first that deploys into it.
    pub fn group_owner(&self, group: usize) -> Option<NodeId> {
        self.group_owners.get(group).copied().flatten()
    }

    fn of_kind(&self, kind: &str) -> &[NodeId] {
        self.kinds.get(kind).map_or(&[], Vec::as_slice)
    }

    /// The rules of an NSG as deployed, each pointing at its rule block.
    fn nsg_rules(&self, nsg: NodeId) -> std::borrow::Cow<'_, [Item]> {
        let model = self.model;
        let all = self.rules.get_or_init(|| self.of_kind("nsg").iter().map(|&n| (n, nsg_rules(model, n))).collect());
        match all.get(&nsg) {
            Some(rules) => std::borrow::Cow::Borrowed(rules),
            // An NSG of the standard library: not among the plan's.
            None => std::borrow::Cow::Owned(nsg_rules(model, nsg)),
        }
    }

    /// The network of the first subnet that uses an NSG or route table.
    fn first_network(&self, target: NodeId) -> Option<NodeId> {
        self.users.get(&target).and_then(|subnets| subnets.first()).and_then(|&s| self.model.node(s).parent)
    }

    /// A block's region: its own, an attached block's network's, its parent's, the plan's.
    pub fn location(&self, id: NodeId) -> Option<&'a str> {
        let node = self.model.node(id);
        if let Some(own) = node.str(attrs::LOCATION) {
            return Some(own);
        }
        if let Some(network) = self.first_network(id) {
            return self.location(network);
        }
        match node.parent {
            Some(parent) => self.location(parent),
            None => self.model.location(id),
        }
    }

    /// A block's resource group: its own, an attached block's network's, its parent's.
    pub fn resource_group(&self, id: NodeId) -> Option<&'a str> {
        let node = self.model.node(id);
        if let Some(own) = node.str(attrs::RESOURCE_GROUP) {
            return Some(own);
        }
        if let Some(network) = self.first_network(id) {
            return self.resource_group(network);
        }
        node.parent.and_then(|p| self.resource_group(p))
    }

    /// The plan's tags merged with those of the block, or of the nearest block it is nested in.
    pub fn tags(&self, id: NodeId) -> IndexMap<String, String> {
        let mut owner = Some(id);
        while let Some(o) = owner {
            if self.model.node(o).map(attrs::TAGS).is_some() {
                return self.model.tags(o);
            }
            owner = self.model.node(o).parent;
        }
        self.model.tags(id)
    }
}

/// Runs the clauses of every policy that belong to this stage: those over
/// the model when `plan` is `None`, those over `resources` and
/// `resource_groups` when it is given. Findings the same at the same place are
/// reported once.
pub fn run(policies: &Policies, model: &Model, plan: Option<&AzurePlan>) -> Vec<Diagnostic> {
    let env = Env::new(model, plan);
    let work: Vec<(&Policy, &Clause)> = policies
        .policies
        .iter()
        .flat_map(|policy| policy.clauses.iter().filter(|c| c.after_lowering == plan.is_some()).map(move |c| (policy, &c.clause)))
        .collect();
    let run_one = |(policy, clause): (&Policy, &Clause)| {
        let mut found = Vec::new();
        Run { env: &env, policy, scope: Vec::new(), constants: HashMap::default(), out: &mut found }.clause(clause);
        found
    };
    // Clauses are independent: a large plan's are shared out over the cores,
    // and their findings put back in the clauses' order.
    let mut out = crate::parallel::flat_map_in_order(env.size(), work, run_one);
    let mut seen: IndexSet<(Option<Span>, String)> = IndexSet::new();
    out.retain(|d| seen.insert((d.span, d.message.clone())));
    out
}

struct Run<'e, 'a, 'o> {
    env: &'e Env<'a>,
    policy: &'e Policy,
    /// The variables bound where evaluation is, innermost last.
    scope: Vec<(&'e str, Item)>,
    /// The lists of a clause that hold only literals and words, and the bare
    /// words, made once for every item a `for` walks (`[uksouth, ukwest]`,
    /// `Internet`), by the expression's address; `None` for an expression that
    /// is not constant. Which names are variables depends only on where they
    /// are written, so the first evaluation decides for all.
    constants: HashMap<*const Expr, Option<Value>, foldhash::fast::FixedState>,
    out: &'o mut Vec<Diagnostic>,
}

impl<'e> Run<'e, '_, '_> {
    fn clause(&mut self, clause: &'e Clause) {
        match clause {
            Clause::For(f) => self.for_clause(f),
            Clause::Finding(f) => self.finding(f),
        }
    }

    fn var(&self, name: &str) -> Option<&Item> {
        self.scope.iter().rev().find(|(n, _)| *n == name).map(|(_, i)| i)
    }

    /// Runs the body of a `for` for each item of its collection, in order,
    /// without listing the items first: a singular name binds itself (`nsg` in
    /// `nsg.rules`) while its items are walked.
    fn for_clause(&mut self, f: &'e For) {
        let path = &f.collection;
        let name: &'e str = &path[0].name;
        match check::root(path, |n| self.var(n).is_some()) {
            Some(Walk::Var(_)) => {
                if let Some(item) = self.var(name).cloned() {
                    self.walk(f, item, &path[1..]);
                }
            }
            Some(Walk::Top { source, bind }) => {
                for root in self.source(&source) {
                    let depth = self.scope.len();
                    if bind.is_some() {
                        self.scope.push((name, root.clone()));
                    }
                    self.walk(f, root, &path[1..]);
                    self.scope.truncate(depth);
                }
            }
            None => {}
        }
    }

    /// Runs the body of a `for` for each item the fields `segments` reach from
    /// `item`, each list flattened; a variable that holds a list is walked
    /// item by item.
    fn walk(&mut self, f: &'e For, item: Item, segments: &'e [crate::ast::Ident]) {
        match segments.split_first() {
            None => {
                for item in flatten(item) {
                    let depth = self.scope.len();
                    self.scope.push((&f.var.name, item));
                    let keep = f.filter.as_ref().is_none_or(|filter| truthy(&self.eval(filter).value));
                    if keep {
                        for clause in &f.body {
                            self.clause(clause);
                        }
                    }
                    self.scope.truncate(depth);
                }
            }
            Some((segment, rest)) => {
                for next in flatten(self.field(&item, &segment.name)) {
                    self.walk(f, next, rest);
                }
            }
        }
    }

    /// The items of a top-level collection.
    fn source(&self, source: &Source) -> Vec<Item> {
        let env = self.env;
        let model = env.model;
        match source {
            Source::Kinds(kinds) => {
                // In declaration order, whatever the order of the kinds.
                let mut ids: Vec<NodeId> = kinds.iter().flat_map(|k| env.of_kind(k).iter().copied()).collect();
                ids.sort_unstable();
                ids.into_iter().map(|id| node_item(model, id)).collect()
            }
            Source::Rules => env.of_kind("nsg").iter().flat_map(|&nsg| env.nsg_rules(nsg).into_owned()).collect(),
            Source::Resources => env
                .plan
                .map(|plan| plan.resources_with_ids().map(|(i, r)| Item::new(Value::Resource(i), Some(model.node(r.origin).head))).collect())
                .unwrap_or_default(),
            Source::Groups => env
                .plan
                .map(|plan| {
                    (0..plan.resource_groups.len()).map(|g| Item::new(Value::Group(g), env.group_owner(g).map(|o| model.node(o).head))).collect()
                })
                .unwrap_or_default(),
        }
    }

    fn finding(&mut self, f: &'e Finding) {
        let value = self.eval(&f.condition).value;
        let found = match f.kind {
            FindingKind::Deny => value == Value::Bool(true),
            FindingKind::Require => !truthy(&value),
        };
        if !found {
            return;
        }
        let model = self.env.model;
        // The innermost variable the plan writes somewhere is the culprit.
        let culprit = self.scope.iter().rev().find(|(_, item)| item.span.is_some()).map(|(_, item)| item.clone());
        let text = match &f.message {
            Some(message) => message
                .parts
                .iter()
                .map(|part| match part {
                    Part::Text(t) => t.clone(),
                    Part::Value(e) => display(self.env, &self.eval(e).value),
                })
                .collect::<String>(),
            None => {
                let what = culprit.as_ref().map_or_else(|| "the plan".to_string(), |c| describe(self.env, &c.value));
                match f.kind {
                    FindingKind::Deny => format!("{what} is denied by this policy"),
                    FindingKind::Require => format!("{what} lacks what this policy requires"),
                }
            }
        };
        let span = culprit.as_ref().and_then(|c| c.span).unwrap_or(f.span);
        let mut d = Diagnostic::new(&POLICY_FINDING, span, format!("[{}] {text}", self.policy.name)).with_policy(self.policy.name.clone());
        d.severity = self.policy.severity;
        if let Some(Item { value: Value::Rule { nsg: Some(nsg), include: Some(include), .. }, .. }) = &culprit {
            d = d.with_label(*include, format!("included in {} here", model.describe(*nsg)));
        }
        if let Some(about) = &self.policy.about {
            d = d.with_help(about.clone());
        }
        self.out.push(d);
    }

    fn eval(&mut self, e: &'e Expr) -> Item {
        let value = match &e.kind {
            ExprKind::Int(n) => Value::Int(*n),
            ExprKind::Str(s) => Value::Str(s.clone()),
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Prefix(p) => Value::Prefix(*p),
            ExprKind::Ip(ip) => Value::Ip(*ip),
            ExprKind::List(items) => match self.constant(e) {
                Some(constant) => constant.clone(),
                None => Value::List(items.iter().map(|i| self.eval(i)).collect()),
            },
            ExprKind::Path(path) => {
                if path.len() == 1 && self.var(&path[0].name).is_none() {
                    if let Some(word) = self.constant(e) {
                        return Item::bare(word.clone());
                    }
                }
                return self.path(path);
            }
            ExprKind::Call(name, args) => {
                let args: Vec<Value> = args.iter().map(|a| self.eval(a).value).collect();
                call(&name.name, &args)
            }
            ExprKind::Not(inner) => Value::Bool(!truthy(&self.eval(inner).value)),
            ExprKind::And(a, b) => Value::Bool(truthy(&self.eval(a).value) && truthy(&self.eval(b).value)),
            ExprKind::Or(a, b) => Value::Bool(truthy(&self.eval(a).value) || truthy(&self.eval(b).value)),
            ExprKind::Matches(left, regex) => Value::Bool(matches(self.env, &self.eval(left).value, regex)),
            ExprKind::Compare(op, left, right) => {
                let l = self.eval(left).value;
                let env = self.env;
                // `x in [a, b]` reads the list made once, without a copy.
                if let Some(r) = self.constant(right) {
                    return Item::bare(Value::Bool(compare(env, *op, &l, r)));
                }
                let r = self.eval(right).value;
                Value::Bool(compare(env, *op, &l, &r))
            }
            ExprKind::Quantifier { all, var, list, condition } => {
                let items = flatten(self.eval(list));
                let mut holds = *all;
                for item in items {
                    self.scope.push((&var.name, item));
                    let this = truthy(&self.eval(condition).value);
                    self.scope.pop();
                    if this != *all {
                        holds = this;
                        break;
                    }
                }
                Value::Bool(holds)
            }
        };
        Item::bare(value)
    }

    /// The value of a list of literals and words, or of a bare word, made on
    /// its first evaluation; `None` for any other expression.
    fn constant(&mut self, e: &'e Expr) -> Option<&Value> {
        let is_word = |run: &Self, path: &[crate::ast::Ident]| path.len() == 1 && matches!(run.path_root(path).value, Value::Word(_));
        let key = e as *const Expr;
        match &e.kind {
            ExprKind::List(items) => {
                if !self.constants.contains_key(&key) {
                    let literal = items.iter().all(|item| match &item.kind {
                        ExprKind::Int(_) | ExprKind::Str(_) | ExprKind::Bool(_) | ExprKind::Prefix(_) | ExprKind::Ip(_) => true,
                        ExprKind::Path(path) => is_word(self, path),
                        _ => false,
                    });
                    let value = literal.then(|| Value::List(items.iter().map(|i| self.eval(i)).collect()));
                    self.constants.insert(key, value);
                }
            }
            // `Internet` in `rule.source == Internet`: looked up once, not for every rule.
            ExprKind::Path(path) if path.len() == 1 => {
                if !self.constants.contains_key(&key) {
                    let word = self.var(&path[0].name).is_none().then(|| self.path_root(path).value).filter(|v| matches!(v, Value::Word(_)));
                    self.constants.insert(key, word);
                }
            }
            _ => return None,
        }
        self.constants.get(&key).and_then(Option::as_ref)
    }

    fn path(&self, path: &[crate::ast::Ident]) -> Item {
        // Most paths start at a variable, `rule.ports`: read it without the general walk.
        let variable = self.var(&path[0].name).cloned();
        let mut item = match variable {
            Some(item) => item,
            None => self.path_root(path),
        };
        for segment in &path[1..] {
            item = self.field(&item, &segment.name);
        }
        item
    }

    /// The start of a path that does not start at a variable.
    fn path_root(&self, path: &[crate::ast::Ident]) -> Item {
        match check::root(path, |n| self.var(n).is_some()) {
            Some(Walk::Var(name)) => self.var(&name).cloned().unwrap_or(Item::bare(Value::Absent)),
            Some(Walk::Top { source, bind: None }) => Item::bare(Value::List(self.source(&source))),
            _ if path[0].name == "settings" => match self.env.model.uniques.get("settings") {
                Some(&id) => node_item(self.env.model, id),
                None => Item::bare(Value::Absent),
            },
            _ => Item::bare(Value::Word(path[0].name.clone())),
        }
    }

    /// A field of a value; of each item of a list, flattened.
    fn field(&self, item: &Item, name: &str) -> Item {
        let env = self.env;
        let model = env.model;
        match &item.value {
            Value::Node(id) => node_field(env, *id, name),
            Value::Rule { rule, nsg, set, .. } => rule_field(model, *rule, *nsg, *set, name),
            Value::Resource(i) => {
                let Some(resource) = env.plan.and_then(|p| p.resources.get(i.index())) else { return Item::bare(Value::Absent) };
                let value = match name {
                    "name" => Value::Str(resource.name.join("/")),
                    "type" => Value::Word(resource.resource_type.to_string()),
                    "location" => resource.location.clone().map_or(Value::Absent, Value::Word),
                    "resource_group" => Value::Str(resource.resource_group.clone()),
                    "tags" => Value::Map(Box::new(resource.tags.clone())),
                    "block" => return node_item(model, resource.origin),
                    "api_version" => Value::Str(resource.api_version.to_string()),
                    _ => Value::Absent,
                };
                Item::new(value, item.span)
            }
            Value::Group(g) => {
                let Some(group) = env.plan.and_then(|p| p.resource_groups.get(*g)) else { return Item::bare(Value::Absent) };
                let value = match name {
                    "name" => Value::Str(group.name.clone()),
                    "location" => Value::Word(group.location.clone()),
                    "tags" => Value::Map(Box::new(group.tags.clone())),
                    _ => Value::Absent,
                };
                Item::new(value, item.span)
            }
            // Tag names ignore case, as in Azure.
            Value::Map(map) => match map.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)) {
                Some((_, v)) => Item::new(Value::Str(v.clone()), item.span),
                None => Item::bare(Value::Absent),
            },
            Value::List(items) => Item::new(Value::List(items.iter().flat_map(|i| flatten(self.field(i, name))).collect()), item.span),
            _ => Item::bare(Value::Absent),
        }
    }
}

/// The items of a list value, or the value itself; nothing for an absent value.
fn flatten(item: Item) -> impl Iterator<Item = Item> {
    // No list is made for a single value: a `for` flattens every item it walks.
    let (list, single) = match item.value {
        Value::List(items) => (items, None),
        Value::Absent => (Vec::new(), None),
        _ => (Vec::new(), Some(item)),
    };
    list.into_iter().chain(single)
}

fn node_item(model: &Model, id: NodeId) -> Item {
    Item::new(Value::Node(id), Some(model.node(id).head))
}

/// The rules of an NSG as deployed, each pointing at its rule block.
fn nsg_rules(model: &Model, nsg: NodeId) -> Vec<Item> {
    security::members(model, nsg)
        .into_iter()
        .map(|m| {
            let (set, include) = match m.via {
                Some((set, span)) => (Some(set), Some(span)),
                None => (None, None),
            };
            Item::new(Value::Rule { rule: m.rule, nsg: Some(nsg), set, include }, Some(model.node(m.rule).head))
        })
        .collect()
}

fn node_field(env: &Env, id: NodeId, name: &str) -> Item {
    let model = env.model;
    let node = model.node(id);
    let absent = Item::bare(Value::Absent);
    let here = Some(node.head);
    match name {
        "name" => return Item::new(Value::Str(node.name().to_string()), here),
        "kind" => return Item::new(Value::Word(node.kind.kind.to_string()), here),
        "path" => return Item::new(Value::Str(model.path(id)), here),
        "location" => {
            let span = node.get(attrs::LOCATION).map(|a| a.span).or(here);
            return env.location(id).map_or(absent, |l| Item::new(Value::Word(l.to_string()), span));
        }
        "resource_group" => {
            let span = node.get(attrs::RESOURCE_GROUP).map(|a| a.span).or(here);
            return env.resource_group(id).map_or(absent, |g| Item::new(Value::Str(g.to_string()), span));
        }
        "tags" => {
            let span = node.get(attrs::TAGS).map(|a| a.span).or(here);
            return Item::new(Value::Map(Box::new(env.tags(id))), span);
        }
        "parent" => return node.parent.map_or(absent, |p| node_item(model, p)),
        "subnets" if crate::blocks::attach::attribute(node.kind.kind).is_some() => {
            let users = env.users.get(&id).map_or(&[][..], Vec::as_slice);
            return Item::bare(Value::List(users.iter().map(|&s| node_item(model, s)).collect()));
        }
        "rules" if node.is("nsg") => return Item::bare(Value::List(env.nsg_rules(id).into_owned())),
        "rules" if node.is("rule_set") => {
            let rules = node.children.iter().filter(|&&c| model.node(c).is("rule"));
            let items = rules.map(|&r| Item::new(Value::Rule { rule: r, nsg: None, set: Some(id), include: None }, Some(model.node(r).head)));
            return Item::bare(Value::List(items.collect()));
        }
        "os" if super::fields::MACHINES.contains(&node.kind.kind) => {
            let span = node.get("image").map(|a| a.span).or(here);
            return crate::blocks::compute::os(model, id).map_or(absent, |os| Item::new(Value::Word(os.word().to_lowercase()), span));
        }
        "address_prefix" if node.is("subnet") => {
            let span = node.get("address_prefix").map(|a| a.span);
            return model.subnet_prefix(id).map_or(absent, |p| Item::new(Value::Prefix(p), span));
        }
        // A route's phrase, when it read.
        "address_prefix" | "next_hop" => {
            if let Some(r) = routing::route(model, id) {
                if name == "address_prefix" {
                    return address(&r.prefix.value, r.prefix.span);
                }
                let value = match r.next_hop.value {
                    NextHop::Appliance(ip) => Value::Ip(ip),
                    hop => Value::Word(hop.word().unwrap_or_default().to_string()),
                };
                return Item::new(value, Some(r.next_hop.span));
            }
        }
        _ => {}
    }
    if let Some(attr) = node.get(name) {
        // `availability_set = sql` puts the machines in a set as `= true` does:
        // to a policy, both are `true`.
        if let (Typed::Ref(_), Some(crate::schema::Type::OwnOrRef(_))) = (&attr.value, node.kind.attribute(name).map(|a| a.ty)) {
            return Item::bare(Value::Bool(true));
        }
        return typed(&attr.value, attr.span, model);
    }
    // Nested blocks: `subnets`, `sites`, `routes` by their plural; `firewall` by its kind.
    let children: Vec<NodeId> = node
        .children
        .iter()
        .copied()
        .filter(|&c| {
            let child = model.node(c);
            match child.kind.naming {
                crate::schema::Naming::Named => super::fields::is_plural_of(child.kind.kind, name),
                crate::schema::Naming::Unnamed => child.kind.kind == name,
            }
        })
        .collect();
    let unnamed = crate::kinds::kind(name).is_some_and(|k| k.naming == crate::schema::Naming::Unnamed);
    if unnamed {
        return children.first().map_or(absent, |&c| node_item(model, c));
    }
    Item::bare(Value::List(children.into_iter().map(|c| node_item(model, c)).collect()))
}

/// A typed attribute as a policy value.
fn typed(value: &Typed, span: Span, model: &Model) -> Item {
    let v = match value {
        Typed::Str(s) => Value::Str(s.clone()),
        Typed::Int(n) => Value::Int(*n),
        Typed::Bool(b) => Value::Bool(*b),
        Typed::Prefix(p) => Value::Prefix(*p),
        // Allocated prefixes are read by the fields that can hold them.
        Typed::Auto(_) => Value::Absent,
        Typed::Ip(ip) => Value::Ip(*ip),
        Typed::Word(w) => Value::Word(w.clone()),
        Typed::Ref(id) => return node_item(model, *id),
        Typed::List(items) => Value::List(items.iter().map(|i| typed(&i.value, i.span, model)).collect()),
        Typed::Map(map) => Value::Map(Box::new(map.iter().map(|(k, v)| (k.clone(), v.value.clone())).collect())),
        Typed::Secret { vault, name } => Value::Secret(format!("secret({}, \"{name}\")", model.node(*vault).name())),
        Typed::Version(major, minor, patch) => Value::Str(format!("{major}.{minor}.{patch}")),
        // In seconds, so that `timeout > 3600` reads as it looks in the plan's units.
        Typed::Duration(seconds) => Value::Int(*seconds as i64),
        // `07:30`, zero-padded, so that times compare as text in their order.
        Typed::TimeOfDay(minutes) => Value::Str(format!("{:02}:{:02}", minutes / 60, minutes % 60)),
    };
    Item::new(v, Some(span))
}

/// An address of a rule or route as a policy value.
fn address(value: &Address, span: Span) -> Item {
    let v = match value {
        Address::Prefix(p) => Value::Prefix(*p),
        Address::Ip(ip) => Value::Ip(*ip),
        Address::Tag(w) => Value::Word(w.clone()),
        Address::Any => Value::Word("*".into()),
    };
    Item::new(v, Some(span))
}

fn rule_field(model: &Model, id: NodeId, nsg: Option<NodeId>, set: Option<NodeId>, name: &str) -> Item {
    let node = model.node(id);
    let absent = Item::bare(Value::Absent);
    match name {
        "name" => return Item::new(Value::Str(node.name().to_string()), Some(node.head)),
        "kind" => return Item::new(Value::Word("rule".into()), Some(node.head)),
        "path" => return Item::new(Value::Str(model.path(id)), Some(node.head)),
        "nsg" => return nsg.map_or(absent, |n| node_item(model, n)),
        "rule_set" => return set.map_or(absent, |s| node_item(model, s)),
        _ => {}
    }
    let Some(rule) = security::rule(model, id) else { return absent };
    let word = |w: &str| Value::Word(w.to_string());
    let (direction, access) = (rule.direction.value, rule.access.value);
    let (value, span) = match name {
        "direction" => (word(direction.word()), rule.direction.span),
        "access" => (word(access.word()), rule.access.span),
        "inbound" => (Value::Bool(direction == Direction::Inbound), rule.direction.span),
        "outbound" => (Value::Bool(direction == Direction::Outbound), rule.direction.span),
        "allow" => (Value::Bool(access == Access::Allow), rule.access.span),
        "deny" => (Value::Bool(access == Access::Deny), rule.access.span),
        "protocol" => (word(rule.protocol.value.word()), rule.protocol.span),
        "ports" => match &rule.ports {
            None => return Item::bare(Value::List(vec![Item::bare(Value::Ports(0, u16::MAX))])),
            Some(ports) => {
                let items = ports.value.iter().map(|p| {
                    let (low, high) = p.value.bounds();
                    Item::new(Value::Ports(low, high), Some(p.span))
                });
                (Value::List(items.collect()), ports.span)
            }
        },
        "source" => (Value::List(rule.source.value.iter().map(|a| address(&a.value, a.span)).collect()), rule.source.span),
        "destination" => match &rule.destination {
            None => return Item::bare(Value::List(vec![Item::bare(Value::Word("*".into()))])),
            Some(d) => (Value::List(d.value.iter().map(|a| address(&a.value, a.span)).collect()), d.span),
        },
        "priority" => (Value::Int(rule.priority.value), rule.priority.span),
        "description" => return rule.description.as_ref().map_or(absent, |d| Item::new(Value::Str(d.value.clone()), Some(d.span))),
        _ => return absent,
    };
    Item::new(value, Some(span))
}

/// Whether `require` is satisfied: present, not false, not empty.
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Absent => false,
        Value::Bool(b) => *b,
        Value::Str(s) => !s.is_empty(),
        Value::List(items) => !items.is_empty(),
        Value::Map(map) => !map.is_empty(),
        _ => true,
    }
}

/// Whether a word stands for any address in equality: `any`, `*`, `Internet`, in any case.
fn any_word(word: &str) -> bool {
    check::is_any(word)
}

/// Whether a word stands for every address in `within` and `overlaps`: `any`
/// and `*`. `Internet` is no prefix: it lies within and overlaps only itself
/// and `any`.
fn every_address(word: &str) -> bool {
    word == "*" || word.eq_ignore_ascii_case("any")
}

/// A text written where an address is compared: an address, a prefix, or a word.
fn as_address(text: &str) -> Value {
    if let Ok(net) = text.parse::<IpNet>() {
        return Value::Prefix(net);
    }
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Value::Ip(ip);
    }
    Value::Word(text.to_string())
}

fn covers_everything(p: &IpNet) -> bool {
    p.prefix_len() == 0
}

/// Equality as policies mean it: a list equals a value it holds; words and
/// service tags in any case; `any`, `*`, `0.0.0.0/0` and `Internet` are one;
/// a range of ports equals each port it covers; a block equals its name.
pub fn eq(env: &Env, a: &Value, b: &Value) -> bool {
    use Value::*;
    match (a, b) {
        (Absent, _) | (_, Absent) => false,
        (List(x), List(y)) => x.len() == y.len() && x.iter().zip(y).all(|(i, j)| eq(env, &i.value, &j.value)),
        (List(x), y) => x.iter().any(|i| eq(env, &i.value, y)),
        (x, List(y)) => y.iter().any(|j| eq(env, x, &j.value)),
        (Int(x), Int(y)) => x == y,
        (Ports(lo, hi), Int(n)) | (Int(n), Ports(lo, hi)) => (i64::from(*lo)..=i64::from(*hi)).contains(n),
        (Ports(a, b), Ports(c, d)) => a == c && b == d,
        (Bool(x), Bool(y)) => x == y,
        (Str(x), Str(y)) => x == y,
        (Word(x), Word(y)) | (Word(x), Str(y)) | (Str(y), Word(x)) => x.eq_ignore_ascii_case(y) || (any_address(x) && any_address(y)),
        (Word(w), Prefix(p)) | (Prefix(p), Word(w)) => any_word(w) && covers_everything(p),
        (Str(s), x @ (Prefix(_) | Ip(_))) | (x @ (Prefix(_) | Ip(_)), Str(s)) => eq(env, &as_address(s), x),
        (Prefix(x), Prefix(y)) => x == y,
        (Ip(x), Ip(y)) => x == y,
        (Prefix(p), Ip(ip)) | (Ip(ip), Prefix(p)) => p.prefix_len() == p.max_prefix_len() && p.addr() == *ip,
        (Node(x), Node(y)) => x == y,
        (Node(id), Str(s) | Word(s)) | (Str(s) | Word(s), Node(id)) => env.model.node(*id).name() == s || env.model.path(*id) == *s,
        (Rule { rule: r1, nsg: n1, .. }, Rule { rule: r2, nsg: n2, .. }) => r1 == r2 && n1 == n2,
        (Rule { rule, .. }, Str(s) | Word(s)) | (Str(s) | Word(s), Rule { rule, .. }) => env.model.node(*rule).name() == s,
        (Resource(x), Resource(y)) => x == y,
        (Group(x), Group(y)) => x == y,
        (Map(x), Map(y)) => x == y,
        (Secret(x), Secret(y)) => x == y,
        _ => false,
    }
}

/// `any`, `*`, `Internet`, or a prefix of all addresses written as text.
fn any_address(word: &str) -> bool {
    any_word(word) || word == "0.0.0.0/0" || word == "::/0"
}

fn compare(env: &Env, op: Op, l: &Value, r: &Value) -> bool {
    use Value::*;
    match op {
        Op::Eq => eq(env, l, r),
        Op::Ne => !eq(env, l, r),
        Op::Lt | Op::Le | Op::Gt | Op::Ge => match (l, r) {
            (Int(a), Int(b)) => match op {
                Op::Lt => a < b,
                Op::Le => a <= b,
                Op::Gt => a > b,
                _ => a >= b,
            },
            _ => false,
        },
        Op::In => contains(env, r, l),
        Op::NotIn => !matches!(l, Absent) && !contains(env, r, l),
        Op::Contains => contains(env, l, r),
        Op::Within => within(l, r),
        Op::Overlaps => overlaps(l, r),
    }
}

/// Whether `whole` holds `part`: a list an item (a list of addresses, an
/// address inside one of them), tags a name, text a text, a prefix an address.
fn contains(env: &Env, whole: &Value, part: &Value) -> bool {
    use Value::*;
    match (whole, part) {
        (Absent, _) | (_, Absent) => false,
        // A list of addresses holds each address inside one of them.
        (List(items), p) => items.iter().any(|i| eq(env, &i.value, p) || (is_address(&i.value) && is_address(p) && within(p, &i.value))),
        (Map(map), Str(k) | Word(k)) => map.keys().any(|key| key.eq_ignore_ascii_case(k)),
        (Str(s), Str(t)) => s.contains(t.as_str()),
        (Str(s) | Word(s), Word(t)) | (Word(s), Str(t)) => s.to_ascii_lowercase().contains(&t.to_ascii_lowercase()),
        (Prefix(_) | Word(_) | Ip(_), _) => within(part, whole),
        _ => false,
    }
}

fn is_address(value: &Value) -> bool {
    matches!(value, Value::Prefix(_) | Value::Ip(_)) || matches!(value, Value::Word(w) if every_address(w))
}

/// Whether every address of `inner` lies in one of `outer`.
fn within(inner: &Value, outer: &Value) -> bool {
    use Value::*;
    match (inner, outer) {
        (Absent, _) | (_, Absent) => false,
        (List(items), o) => !items.is_empty() && items.iter().all(|i| within(&i.value, o)),
        (i, List(items)) => items.iter().any(|o| within(i, &o.value)),
        (Str(s), o) => within(&as_address(s), o),
        (i, Str(s)) => within(i, &as_address(s)),
        (Prefix(p), Prefix(q)) => q.contains(p),
        (Ip(ip), Prefix(q)) => q.contains(ip),
        (Ip(a), Ip(b)) => a == b,
        (Prefix(p), Ip(ip)) => p.prefix_len() == p.max_prefix_len() && p.addr() == *ip,
        (Word(w), Prefix(q)) => every_address(w) && covers_everything(q),
        (Word(w), Word(o)) => w.eq_ignore_ascii_case(o) || every_address(o),
        (Prefix(_) | Ip(_), Word(o)) => every_address(o),
        _ => false,
    }
}

/// Whether some address of `a` shares an address with some address of `b`.
fn overlaps(a: &Value, b: &Value) -> bool {
    use Value::*;
    match (a, b) {
        (Absent, _) | (_, Absent) => false,
        (List(items), o) => items.iter().any(|i| overlaps(&i.value, o)),
        (i, List(items)) => items.iter().any(|o| overlaps(i, &o.value)),
        (Str(s), o) => overlaps(&as_address(s), o),
        (i, Str(s)) => overlaps(i, &as_address(s)),
        (Prefix(p), Prefix(q)) => p.contains(&q.network()) || q.contains(&p.network()),
        (Ip(ip), Prefix(p)) | (Prefix(p), Ip(ip)) => p.contains(ip),
        (Ip(x), Ip(y)) => x == y,
        (Word(w), x) | (x, Word(w)) => {
            (every_address(w) && matches!(x, Prefix(_) | Ip(_) | Word(_))) || matches!(x, Word(o) if o.eq_ignore_ascii_case(w))
        }
        _ => false,
    }
}

fn matches(env: &Env, value: &Value, regex: &regex::Regex) -> bool {
    match value {
        Value::Str(s) | Value::Word(s) => regex.is_match(s),
        Value::Node(id) => regex.is_match(env.model.node(*id).name()),
        Value::Rule { rule, .. } => regex.is_match(env.model.node(*rule).name()),
        Value::List(items) => items.iter().any(|i| matches(env, &i.value, regex)),
        _ => false,
    }
}

fn call(name: &str, args: &[Value]) -> Value {
    // Read in place: `starts_with(lower(vm.size), "standard_d")` copies no text but the lowered one.
    fn text(v: &Value) -> Option<&str> {
        match v {
            Value::Str(s) | Value::Word(s) => Some(s),
            _ => None,
        }
    }
    match (name, args) {
        ("lower", [v]) => text(v).map_or(Value::Absent, |s| Value::Str(s.to_lowercase())),
        ("upper", [v]) => text(v).map_or(Value::Absent, |s| Value::Str(s.to_uppercase())),
        ("length", [v]) => text(v).map_or(Value::Absent, |s| Value::Int(s.chars().count() as i64)),
        ("starts_with", [v, p]) => Value::Bool(matches!((text(v), text(p)), (Some(s), Some(p)) if s.starts_with(p))),
        ("ends_with", [v, p]) => Value::Bool(matches!((text(v), text(p)), (Some(s), Some(p)) if s.ends_with(p))),
        ("count", [Value::List(items)]) => Value::Int(items.len() as i64),
        ("count", [Value::Map(map)]) => Value::Int(map.len() as i64),
        ("count", [_]) => Value::Int(0),
        ("present", [v]) => Value::Bool(truthy(v)),
        ("prefix_length", [Value::Prefix(p)]) => Value::Int(i64::from(p.prefix_len())),
        ("prefix_length", [Value::Ip(ip)]) => Value::Int(if ip.is_ipv4() { 32 } else { 128 }),
        ("prefix_length", [Value::Word(w)]) if every_address(w) => Value::Int(0),
        _ => Value::Absent,
    }
}

/// A value as a message shows it.
pub fn display(env: &Env, value: &Value) -> String {
    match value {
        Value::Absent => "none".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(n) => n.to_string(),
        Value::Str(s) => s.clone(),
        Value::Word(w) if w == "*" => "any".into(),
        Value::Word(w) => w.clone(),
        Value::Prefix(p) => p.to_string(),
        Value::Ip(ip) => ip.to_string(),
        Value::Ports(0, u16::MAX) => "any port".into(),
        Value::Ports(lo, hi) if lo == hi => lo.to_string(),
        Value::Ports(lo, hi) => format!("{lo}-{hi}"),
        Value::Map(map) => map.iter().map(|(k, v)| format!("{k} = \"{v}\"")).collect::<Vec<_>>().join(", "),
        Value::Secret(s) => s.clone(),
        Value::Node(id) => env.model.path(*id),
        Value::Rule { rule, .. } => env.model.node(*rule).name().to_string(),
        Value::Resource(i) => env.plan.and_then(|p| p.resources.get(i.index())).map_or_else(String::new, |r| r.name.join("/")),
        Value::Group(g) => env.plan.and_then(|p| p.resource_groups.get(*g)).map_or_else(String::new, |r| r.name.clone()),
        Value::List(items) => items.iter().map(|i| display(env, &i.value)).collect::<Vec<_>>().join(", "),
    }
}

/// What a value is, for a finding without a message: `subnet `app1.web``.
fn describe(env: &Env, value: &Value) -> String {
    match value {
        Value::Node(id) => env.model.describe(*id),
        Value::Rule { rule, nsg: Some(nsg), .. } => format!("rule `{}` of {}", env.model.node(*rule).name(), env.model.describe(*nsg)),
        Value::Rule { rule, .. } => env.model.describe(*rule),
        Value::Resource(i) => {
            env.plan.and_then(|p| p.resources.get(i.index())).map_or_else(String::new, |r| format!("the {} `{}`", r.resource_type, r.name.join("/")))
        }
        Value::Group(g) => env.plan.and_then(|p| p.resource_groups.get(*g)).map_or_else(String::new, |r| format!("the resource group `{}`", r.name)),
        other => format!("`{}`", display(env, other)),
    }
}
