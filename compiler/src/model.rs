//! The typed model of a plan: every block checked against its kind's schema,
//! references resolved to the blocks they name.

use crate::ast::{Ident, Term};
use crate::schema::attrs;
use crate::schema::KindSchema;
use crate::source::Span;
use indexmap::IndexMap;
use ipnet::IpNet;
use std::net::IpAddr;

/// Index of a block in [`Model::nodes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub usize);

impl NodeId {
    pub fn index(self) -> usize {
        self.0
    }
}

impl std::ops::Index<NodeId> for Model {
    type Output = Node;
    fn index(&self, id: NodeId) -> &Node {
        &self.nodes[id.0]
    }
}

impl std::ops::IndexMut<NodeId> for Model {
    fn index_mut(&mut self, id: NodeId) -> &mut Node {
        &mut self.nodes[id.0]
    }
}

pub use crate::source::Spanned;

/// A value that has its schema type.
#[derive(Clone, Debug, PartialEq)]
pub enum Typed {
    Str(String),
    Int(i64),
    Bool(bool),
    Prefix(IpNet),
    /// `auto /N`, allocated in [`Model::allocations`].
    Auto(u8),
    Ip(IpAddr),
    /// A bare word: a region or one of a fixed set.
    Word(String),
    Ref(NodeId),
    List(Vec<Spanned<Typed>>),
    Map(IndexMap<String, Spanned<String>>),
    /// `secret(vault, "name")`: the `key_vault` block and the secret's name.
    Secret {
        vault: NodeId,
        name: String,
    },
    /// `1.2.0`: major, minor and patch.
    Version(u32, u32, u32),
    /// A duration, in seconds.
    Duration(u64),
    /// A time of day, in minutes after midnight.
    TimeOfDay(u32),
}

/// A block's typed attributes by name. Every derived resource reads several,
/// so they hash with a fixed fast hasher: names are the schema's, never input
/// an attacker picks to collide.
pub type Attrs = IndexMap<&'static str, Attr, foldhash::fast::FixedState>;

/// One block of the plan.
#[derive(Debug)]
pub struct Node {
    pub kind: &'static KindSchema,
    pub name: Option<Ident>,
    /// The whole block.
    pub span: Span,
    /// The kind and name: where "this block" diagnostics point.
    pub head: Span,
    pub parent: Option<NodeId>,
    pub children: Vec<NodeId>,
    /// Typed attributes. A phrase kind's phrase is read into the [`Model`]
    /// instead ([`Model::security_rules`], [`Model::routes`]).
    pub attrs: Attrs,
    /// Declared by the standard library rather than the plan.
    pub from_library: bool,
    /// The phrases of a phrase kind, as written; empty for other kinds.
    pub phrases: Vec<Phrase>,
    /// The phrases of the body as written, for the kinds of
    /// [`crate::kinds::RAW_PHRASE_KINDS`]: firewall rules, schedules, policies.
    pub raw_phrases: Vec<crate::ast::Block>,
    /// `allow CODE because "reason"` lines of the body: suppressions, read by
    /// [`crate::policy::allow`].
    pub allows: Vec<crate::ast::Block>,
}

/// The words of one phrase as written: `inbound allow tcp 443 from Internet`.
/// A phrase on a nested line starts with its head word, as a one-word path.
#[derive(Clone, Debug)]
pub struct Phrase {
    pub words: Vec<Term>,
    pub span: Span,
}

/// An attribute's typed value, with the spans of its key and value.
#[derive(Debug)]
pub struct Attr {
    pub key: Span,
    pub value: Typed,
    pub span: Span,
}

impl Node {
    pub fn name(&self) -> &str {
        self.name.as_ref().map_or(self.kind.kind, |n| n.name.as_str())
    }

    pub fn get(&self, attr: &str) -> Option<&Attr> {
        self.attrs.get(attr)
    }

    pub fn str(&self, attr: &str) -> Option<&str> {
        match self.get(attr).map(|a| &a.value) {
            Some(Typed::Str(s)) | Some(Typed::Word(s)) => Some(s),
            _ => None,
        }
    }

    pub fn reference(&self, attr: &str) -> Option<NodeId> {
        match self.get(attr).map(|a| &a.value) {
            Some(Typed::Ref(id)) => Some(*id),
            _ => None,
        }
    }

    pub fn list(&self, attr: &str) -> &[Spanned<Typed>] {
        match self.get(attr).map(|a| &a.value) {
            Some(Typed::List(items)) => items,
            _ => &[],
        }
    }

    /// The prefixes of a list attribute such as `address_space`, with their spans.
    pub fn prefixes(&self, attr: &str) -> Vec<Spanned<IpNet>> {
        self.list(attr)
            .iter()
            .filter_map(|item| match item.value {
                Typed::Prefix(net) => Some(Spanned { value: net, span: item.span }),
                _ => None,
            })
            .collect()
    }

    pub fn map(&self, attr: &str) -> Option<&IndexMap<String, Spanned<String>>> {
        match self.get(attr).map(|a| &a.value) {
            Some(Typed::Map(m)) => Some(m),
            _ => None,
        }
    }

    pub fn is(&self, kind: &str) -> bool {
        self.kind.kind == kind
    }
}

/// The whole plan, typed.
#[derive(Debug, Default)]
pub struct Model {
    pub nodes: Vec<Node>,
    /// Top-level named blocks by name, in declaration order.
    pub names: IndexMap<String, NodeId, foldhash::fast::FixedState>,
    /// The block of each unique kind (`settings`, `naming`), looked up on every derived name.
    pub uniques: IndexMap<&'static str, NodeId>,
    /// Prefixes chosen for `auto /N` subnets.
    pub allocations: IndexMap<NodeId, IpNet>,
    /// Address-space entries (network, index) that were `auto` and now hold the prefix chosen.
    pub auto_spaces: indexmap::IndexSet<(NodeId, usize)>,
    /// Every `auto` prefix chosen, by its key in `ashlar.lock`.
    pub chosen: crate::lockfile::Allocations,
    /// The path of each `file("...")` read, relative to the plan's folder, by the
    /// span of the call: what a value's file was called, for checks that go by
    /// its extension (`.ps1`).
    pub file_paths: IndexMap<Span, String>,
    /// The subnets that use each NSG and route table, in declaration order:
    /// found when first asked for ([`crate::blocks::attach::subnets_using`]),
    /// which is after resolution has resolved every reference.
    pub attachments: std::sync::OnceLock<IndexMap<NodeId, Vec<NodeId>, foldhash::fast::FixedState>>,
    /// The phrase of each `rule` of an `nsg` or `rule_set` that reads without
    /// error: read once at resolution ([`crate::blocks::security::read_rules`]).
    pub security_rules: IndexMap<NodeId, crate::phrases::SecurityRule, foldhash::fast::FixedState>,
    /// The phrase of each `route` that reads without error: read once at
    /// resolution ([`crate::blocks::routing::read_routes`]).
    pub routes: IndexMap<NodeId, crate::phrases::Route, foldhash::fast::FixedState>,
    /// Each update group's schedule, read once from its phrase at resolution
    /// ([`crate::blocks::updates::read_schedules`]).
    pub schedules: IndexMap<NodeId, crate::schedule::Schedule>,
    /// The rules of each `network_rules`, `application_rules` and `dnat` block,
    /// and of each `network_collection` and `application_collection`, that read without error, in the order written: read once at resolution
    /// ([`crate::blocks::firewall::read_rules`]).
    pub firewall_rules: IndexMap<NodeId, Vec<crate::phrases::FirewallRule>>,
    /// Each `backup_policy` block whose phrase reads without error, read once
    /// at resolution ([`crate::blocks::backup::read_policies`]).
    pub backup_policies: IndexMap<NodeId, crate::phrases::BackupPolicy>,
    /// The rules of each `autoscale` block that read without error, read once
    /// at resolution ([`crate::blocks::scale_set::read_autoscale`]).
    pub autoscale_rules: IndexMap<NodeId, Vec<crate::phrases::ScaleRule>>,
}

impl Model {
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0]
    }

    /// The ids of [`Model::nodes`], in order.
    pub fn node_ids(&self) -> impl Iterator<Item = NodeId> {
        (0..self.nodes.len()).map(NodeId)
    }

    /// [`Model::nodes`] with their ids, in order.
    pub fn nodes_with_ids(&self) -> impl Iterator<Item = (NodeId, &Node)> {
        self.node_ids().zip(&self.nodes)
    }

    /// Blocks of one kind, in declaration order.
    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = (NodeId, &'a Node)> + 'a {
        self.nodes_with_ids().filter(move |(_, n)| n.kind.kind == kind)
    }

    /// The single block of a unique kind (`settings`, `naming`).
    pub fn unique(&self, kind: &str) -> Option<&Node> {
        self.uniques.get(kind).map(|&id| self.node(id))
    }

    /// Hubs, spokes and standalone vnets: every block that is a virtual network.
    pub fn networks(&self) -> impl Iterator<Item = (NodeId, &Node)> {
        self.nodes_with_ids().filter(|(_, n)| n.is("hub") || n.is("spoke") || n.is("vnet"))
    }

    /// The prefix of a subnet: written, or allocated for `auto`.
    pub fn subnet_prefix(&self, subnet: NodeId) -> Option<IpNet> {
        match self.node(subnet).get("address_prefix").map(|a| &a.value) {
            Some(Typed::Prefix(net)) => Some(*net),
            Some(Typed::Auto(_)) => self.allocations.get(&subnet).copied(),
            _ => None,
        }
    }

    /// `hub core`, `subnet app1.web`: how diagnostics name a block.
    pub fn describe(&self, id: NodeId) -> String {
        format!("{} `{}`", self.node(id).kind.kind, self.path(id))
    }

    /// `app1.web` for a subnet, `core` for a hub.
    pub fn path(&self, id: NodeId) -> String {
        let node = self.node(id);
        match node.parent {
            Some(parent) => format!("{}.{}", self.path(parent), node.name()),
            None => node.name().to_string(),
        }
    }

    /// The region of a block: its own `location`, else the plan's.
    pub fn location(&self, id: NodeId) -> Option<&str> {
        self.node(id).str(attrs::LOCATION).or_else(|| self.unique("settings").and_then(|s| s.str(attrs::LOCATION)))
    }

    /// The plan's tags merged with a block's own (the block's win).
    pub fn tags(&self, id: NodeId) -> IndexMap<String, String> {
        let mut tags: IndexMap<String, String> = IndexMap::new();
        let own = self.node(id).map(attrs::TAGS);
        for source in [self.unique("settings").and_then(|s| s.map(attrs::TAGS)), own].into_iter().flatten() {
            for (k, v) in source {
                tags.insert(k.clone(), v.value.clone());
            }
        }
        tags
    }
}
