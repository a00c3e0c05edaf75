//! A hub's `firewall`: Azure Firewall in `AzureFirewallSubnet`, its firewall
//! policy with the rules of `network_rules`, `application_rules` and `dnat`,
//! and the default route through it that every spoke of the hub gets.
//!
//! Rules are phrases, one a line:
//!
//! ```text
//! network_rules     { rule dns allow udp 53 from 10.0.0.0/8 to 168.63.129.16 }
//! application_rules { rule web allow https to ["*.microsoft.com"] from 10.1.0.0/16 }
//! dnat              { rule rdp tcp 3389 to 10.1.0.4 port 3389 from 203.0.113.0/24 }
//! ```
//!
//! Resolution keeps them as written ([`crate::model::Node::raw_phrases`]);
//! [`read_rules`] reads them once, reporting what is wrong with them, into
//! [`crate::model::Model::firewall_rules`], which lowering takes them from.

use super::endpoints::{nested, zone_list, HubPlace};
use super::phrase::Words;
use crate::ast::{self, Term, ValueKind};
use crate::blocks::lowering::Lowering;
use crate::blocks::network::HubNextHop;
use crate::diagnostic::codes::{DUPLICATE_NAME, MALFORMED_BLOCK, TYPE_MISMATCH};
use crate::diagnostic::Diagnostic;
use crate::lower::ir::{Object, Prop, Resource, ResourceId};
use crate::model::{Model, NodeId, Typed};
use crate::schema::attrs;
use crate::schema::{attr, KindSchema, Naming, Type};
use crate::source::Span;
use indexmap::IndexMap;

const FIREWALL_TYPE: &str = "Microsoft.Network/azureFirewalls";
const POLICY: &str = "Microsoft.Network/firewallPolicies";
const RULE_COLLECTION_GROUP: &str = "Microsoft.Network/firewallPolicies/ruleCollectionGroups";
const ROUTE_TABLE: &str = "Microsoft.Network/routeTables";

const ZONE: Type = Type::Integer { min: 1, max: 3 };

/// The attribute of a firewall's number of public IP addresses.
pub const PUBLIC_IPS: &str = "public_ips";

/// A firewall's public IP addresses and DNAT rules together, at most: "Public
/// IPs + DNAT rule destination = 250 max". Source:
/// <https://learn.microsoft.com/azure/firewall/deploy-multi-public-ip-powershell>.
pub const MAX_PUBLIC_ADDRESSES: i64 = 250;

/// The number of public IP addresses a firewall block asks for.
pub fn public_ip_count(node: &crate::model::Node) -> i64 {
    match node.get(PUBLIC_IPS).map(|a| &a.value) {
        Some(Typed::Int(n)) => *n,
        _ => 1,
    }
}

/// The firewall SKUs, as Azure spells their tiers.
pub const FIREWALL_SKUS: &[&str] = &["Basic", "Standard", "Premium"];

pub const FIREWALL: KindSchema = KindSchema {
    kind: "firewall",
    doc: "Azure Firewall in the hub's `AzureFirewallSubnet`, with a firewall policy that holds its rules. Every spoke of the hub sends its traffic for other networks and the Internet through it.",
    naming: Naming::Unnamed,
    positional: &[],
    attributes: &[
        attr("sku", Type::Word(FIREWALL_SKUS), false, Some("Standard"), "The firewall's tier, and its policy's. Basic also needs an `AzureFirewallManagementSubnet`."),
        attr("threat_intel", Type::Word(&["off", "alert", "deny"]), false, Some("alert"), "What the firewall does with traffic to and from addresses and domains Microsoft knows to be malicious. Basic only alerts."),
        attr("zones", Type::List(&ZONE), false, Some("no zones"), "Availability zones the firewall and its public IP addresses span, from 1 to 3."),
        attr(
            PUBLIC_IPS,
            Type::Integer { min: 1, max: MAX_PUBLIC_ADDRESSES },
            false,
            Some("1"),
            "How many public IP addresses the firewall has: more spread outbound connections over more SNAT ports and let DNAT rules take the same port on several addresses. With the DNAT rules, at most 250 (`ASH272`).",
        ),
        attr(
            "policy",
            Type::Ref(crate::blocks::firewall_policy::POLICY_KINDS),
            false,
            Some("its own, from its rule blocks"),
            "A `firewall_policy` or `existing firewall_policy` the firewall uses instead of a policy of its own; it then holds no rule blocks, and its policy's tier must fit its own (`ASH270`).",
        ),
    ],
    children: &["network_rules", "application_rules", "dnat"],
    unique: false,
};

pub const NETWORK_RULES: KindSchema = KindSchema {
    kind: "network_rules",
    doc: "Network rules of a firewall, one phrase a line: `rule NAME allow|deny PROTOCOL PORTS from SOURCES to DESTINATIONS`.",
    naming: Naming::Unnamed,
    positional: &[],
    attributes: &[],
    children: &[],
    unique: false,
};

pub const APPLICATION_RULES: KindSchema = KindSchema {
    kind: "application_rules",
    doc: "Application rules of a firewall, one phrase a line: `rule NAME allow|deny http|https [PORT] to FQDNS from SOURCES`.",
    naming: Naming::Unnamed,
    positional: &[],
    attributes: &[],
    children: &[],
    unique: false,
};

pub const DNAT: KindSchema = KindSchema {
    kind: "dnat",
    doc: "Destination NAT rules of a firewall, one phrase a line: `rule NAME tcp|udp PORT to ADDRESS [port PORT] [from SOURCES]`; traffic to the firewall's public IP address on PORT goes to ADDRESS.",
    naming: Naming::Unnamed,
    positional: &[],
    attributes: &[],
    children: &[],
    unique: false,
};

// ---------------------------------------------------------------------------
// Rules, read from their phrases once, when the plan is resolved

pub use crate::phrases::{FirewallAction as Action, FirewallRule as Rule, FirewallRuleBody as RuleBody};

/// The three kinds of rule block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Network,
    Application,
    Dnat,
}

impl Kind {
    fn of(block: &str) -> Option<Kind> {
        match block {
            "network_rules" => Some(Kind::Network),
            "application_rules" => Some(Kind::Application),
            "dnat" => Some(Kind::Dnat),
            "network_collection" => Some(Kind::Network),
            "application_collection" => Some(Kind::Application),
            _ => None,
        }
    }

    /// The phrase's shape, for help texts.
    fn shape(self) -> &'static str {
        match self {
            Kind::Network => "rule NAME allow|deny PROTOCOL PORTS from SOURCES to DESTINATIONS",
            Kind::Application => "rule NAME allow|deny http|https [PORT] to FQDNS from SOURCES",
            Kind::Dnat => "rule NAME tcp|udp PORT to ADDRESS [port PORT] [from SOURCES]",
        }
    }

    fn example(self) -> &'static str {
        match self {
            Kind::Network => "rule dns allow udp 53 from 10.0.0.0/8 to 168.63.129.16",
            Kind::Application => "rule web allow https to [\"*.microsoft.com\"] from 10.1.0.0/16",
            Kind::Dnat => "rule rdp tcp 3389 to 10.1.0.4 port 3389",
        }
    }
}

/// Reads the rules of every `network_rules`, `application_rules` and `dnat`
/// block of a hub's firewall, and of every `network_collection` and
/// `application_collection` of a `firewall_policy`, once, into
/// [`Model::firewall_rules`], and reports what is wrong with them.
pub fn read_rules(model: &mut Model, out: &mut Vec<Diagnostic>) {
    let blocks: Vec<(NodeId, Kind, &'static str)> =
        model.nodes_with_ids().filter_map(|(id, n)| Kind::of(n.kind.kind).map(|k| (id, k, n.kind.kind))).collect();
    for (id, kind, block) in blocks {
        let rules = read_all(kind, block, &model.node(id).raw_phrases, out);
        model.firewall_rules.insert(id, rules);
    }
}

/// The action of a rule that has one (DNAT rules have none).
pub fn action_of(rule: &Rule) -> Option<Action> {
    match &rule.body {
        RuleBody::Network { action, .. } | RuleBody::Application { action, .. } => Some(*action),
        RuleBody::Dnat { .. } => None,
    }
}

/// The rules of a `network_rules`, `application_rules` or `dnat` block that
/// read without error, in the order written.
pub fn rules(model: &Model, block: NodeId) -> &[Rule] {
    model.firewall_rules.get(&block).map_or(&[], Vec::as_slice)
}

fn read_all(kind: Kind, block: &str, phrases: &[ast::Block], out: &mut Vec<Diagnostic>) -> Vec<Rule> {
    // A policy's rule collection has one action, which all its rules share
    // (Azure's FirewallPolicyFilterRuleCollection takes one `action`).
    let one_action = block.ends_with("_collection");
    let mut rules: Vec<(Rule, Span)> = Vec::new();
    for phrase in phrases {
        match read_rule(kind, block, phrase) {
            Ok((rule, name_span)) => {
                if let Some((first, first_span)) = rules.first().filter(|(first, _)| one_action && action_of(first) != action_of(&rule)) {
                    let (this, that) = (action_of(&rule).map_or("", Action::azure), action_of(first).map_or("", Action::azure));
                    out.push(
                        Diagnostic::new(&MALFORMED_BLOCK, name_span, format!("this rule's action is {this}, and the {block}'s is {that}"))
                            .with_label(*first_span, format!("`{}` sets the collection's action", first.name))
                            .with_help("a rule collection has one action: put the rules that act otherwise in a collection of their own"),
                    );
                    continue;
                }
                if let Some((_, first)) = rules.iter().find(|(r, _)| r.name == rule.name) {
                    out.push(
                        Diagnostic::new(&DUPLICATE_NAME, name_span, format!("the {block} already have a rule `{}`", rule.name))
                            .with_label(*first, "first declared here")
                            .with_help("give each rule of a block its own name"),
                    );
                    continue;
                }
                rules.push((rule, name_span));
            }
            Err(Some(d)) => out.push(d),
            // Already reported where the value was parsed.
            Err(None) => {}
        }
    }
    rules.into_iter().map(|(r, _)| r).collect()
}

/// A problem to report, or `None` for one reported already (an invalid literal).
type Read<T> = Result<T, Option<Diagnostic>>;

/// One value a rule's word holds: a word of a list, or the word itself. `None`
/// stands for an operator or a group, which is no value.
type Item<'a> = (Span, Option<&'a ast::Value>);

/// The values of a word: the items of a list, else the word alone.
fn items(term: &Term) -> Vec<Item<'_>> {
    match term {
        Term::Value(ast::Value { kind: ValueKind::List(items), .. }) => items.iter().map(|v| (v.span, Some(v))).collect(),
        Term::Value(v) => vec![(v.span, Some(v))],
        other => vec![(other.span(), None)],
    }
}

fn value_of(term: &Term) -> Option<&ast::Value> {
    match term {
        Term::Value(v) => Some(v),
        _ => None,
    }
}

/// A bare word, lower-cased.
fn bare(value: Option<&ast::Value>) -> Option<String> {
    value.and_then(ast::Value::as_word).map(|w| w.name.to_ascii_lowercase())
}

fn is(value: Option<&ast::Value>, word: &str) -> bool {
    bare(value).is_some_and(|w| w == word)
}

fn malformed(kind: Kind, span: Span, message: impl Into<String>) -> Option<Diagnostic> {
    Some(Diagnostic::new(&MALFORMED_BLOCK, span, message).with_help(format!("write `{}`, e.g. `{}`", kind.shape(), kind.example())))
}

fn mismatch(span: Span, expected: &str, found: Option<&ast::Value>, help: impl Into<String>) -> Option<Diagnostic> {
    if let Some(ast::Value { kind: ValueKind::Invalid, .. }) = found {
        return None;
    }
    let what = found.map_or("an operator or group", |v| v.kind.describe());
    Some(Diagnostic::new(&TYPE_MISMATCH, span, format!("expected {expected}, found {what}")).with_help(help.into()))
}

/// Reads `rule NAME ...` or `rule NAME { ... }`; returns the rule and the span of its name.
fn read_rule(kind: Kind, block: &str, phrase: &ast::Block) -> Read<(Rule, Span)> {
    if phrase.head.name != "rule" {
        let message = format!("a {block} block holds rules, and `{}` does not start one", phrase.head.name);
        return Err(malformed(kind, phrase.head.span, message));
    }
    let name = match phrase.terms.first().and_then(value_of).and_then(ast::Value::as_word) {
        Some(name) => name.clone(),
        None => return Err(malformed(kind, phrase.head.span, "this rule has no name")),
    };
    // `rule dns { allow udp 53 from ... }`: the phrase is the body's one line,
    // its head word a one-word path as resolution keeps a phrase's first word.
    let inner = match &phrase.body {
        None => None,
        Some(body) => match (phrase.terms.len() == 1, body.items.as_slice()) {
            (true, [ast::Item::Block(inner)]) => {
                if inner.body.is_some() {
                    return Err(malformed(kind, inner.head.span, "a rule's phrase takes no braces"));
                }
                Some(inner)
            }
            _ => return Err(malformed(kind, body.span, "a rule is one phrase, after its name or alone in braces")),
        },
    };
    let head = inner.map(|inner| Term::Value(ast::Value { kind: ValueKind::Path(vec![inner.head.clone()]), span: inner.head.span }));
    let terms: Vec<&Term> = match (inner, &head) {
        (Some(inner), Some(head)) => std::iter::once(head).chain(&inner.terms).collect(),
        _ => phrase.terms[1..].iter().collect(),
    };
    let mut reader = RuleReader { kind, words: Words::new(terms, phrase.span) };
    let body = match kind {
        Kind::Network => reader.network()?,
        Kind::Application => reader.application()?,
        Kind::Dnat => reader.dnat()?,
    };
    Ok((Rule { name: name.name, body }, name.span))
}

/// Reads the words of one rule after its name, for the kind of block it is in.
struct RuleReader<'a> {
    kind: Kind,
    /// Its span is the whole phrase: where "something is missing" points.
    words: Words<'a>,
}

impl<'a> RuleReader<'a> {
    fn peek(&self) -> Option<&'a ast::Value> {
        self.words.peek().and_then(value_of)
    }

    fn next(&mut self, missing: &str) -> Read<&'a Term> {
        self.words.take().ok_or_else(|| malformed(self.kind, self.words.span, format!("this rule lacks {missing}")))
    }

    fn action(&mut self) -> Read<Action> {
        let term = self.next("`allow` or `deny`")?;
        match bare(value_of(term)).as_deref() {
            Some("allow") => Ok(Action::Allow),
            Some("deny") => Ok(Action::Deny),
            _ => {
                Err(mismatch(term.span(), "`allow` or `deny`", value_of(term), format!("a rule starts with what it does: `{}`", self.kind.example())))
            }
        }
    }

    /// One word or a list of words, each mapped by `pick`.
    fn words_or_list<T>(&mut self, missing: &str, expected: &str, pick: impl Fn(&str) -> Option<T>) -> Read<Vec<T>> {
        let term = self.next(missing)?;
        let mut picked = Vec::new();
        for (span, item) in items(term) {
            match bare(item).as_deref().and_then(&pick) {
                Some(p) => picked.push(p),
                None => return Err(mismatch(span, expected, item, format!("write {expected}"))),
            }
        }
        if picked.is_empty() {
            return Err(mismatch(term.span(), expected, value_of(term), format!("write {expected}")));
        }
        Ok(picked)
    }

    /// Ports: `443`, `"8000-8080"`, `any`, or a list of them.
    fn ports(&mut self) -> Read<Vec<String>> {
        let term = self.next("its ports")?;
        let expected = "a port from 1 to 65535, a range like \"8000-8080\", or `any`";
        let mut ports = Vec::new();
        for (span, item) in items(term) {
            let port = match item.map(|v| &v.kind) {
                Some(ValueKind::Int(n)) if (1..=65535).contains(n) => n.to_string(),
                Some(ValueKind::Str(s)) if is_port_range(s) => s.clone(),
                _ if is(item, "any") => "*".to_string(),
                _ => return Err(mismatch(span, expected, item, format!("write {expected}"))),
            };
            ports.push(port);
        }
        if ports.is_empty() {
            return Err(mismatch(term.span(), expected, value_of(term), format!("write {expected}")));
        }
        Ok(ports)
    }

    fn port(&mut self, missing: &str) -> Read<i64> {
        let term = self.next(missing)?;
        match value_of(term).map(|v| &v.kind) {
            Some(ValueKind::Int(n)) if (1..=65535).contains(n) => Ok(*n),
            _ => Err(mismatch(term.span(), "a port from 1 to 65535", value_of(term), "write one port, e.g. `3389`")),
        }
    }

    /// Addresses after `from` or `to`: addresses, prefixes, `any`, service tags
    /// (when `tags`), or a list of them.
    fn addresses(&mut self, clause: &str, tags: bool) -> Read<Vec<String>> {
        let term = self.next(&format!("the addresses after `{clause}`"))?;
        let expected = if tags { "an address, a prefix, a service tag or `any`" } else { "an address, a prefix or `any`" };
        let mut out = Vec::new();
        for (span, item) in items(term) {
            let text = match item.map(|v| &v.kind) {
                Some(ValueKind::Ipv4(ip)) => ip.to_string(),
                Some(ValueKind::Ipv6(ip)) => ip.to_string(),
                Some(ValueKind::Cidr(net)) => net.to_string(),
                _ if is(item, "any") => "*".to_string(),
                Some(ValueKind::Path(path)) if tags => path.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join("."),
                _ => {
                    let help = if tags {
                        format!("write addresses like 10.1.0.4 or 10.1.0.0/16, a service tag like AzureCloud, or `any`, after `{clause}`")
                    } else {
                        format!("write addresses like 10.1.0.4 or 10.1.0.0/16, or `any`, after `{clause}`")
                    };
                    return Err(mismatch(span, expected, item, help));
                }
            };
            out.push(text);
        }
        if out.is_empty() {
            return Err(mismatch(term.span(), expected, value_of(term), format!("list at least one after `{clause}`")));
        }
        Ok(out)
    }

    /// `from X`, `to Y`, `port N` in any order, each at most once; `read` reads
    /// the value after the keyword it is given. Returns the keywords read.
    fn clauses(&mut self, allowed: &[&str], mut read: impl FnMut(&mut Self, &str) -> Read<()>) -> Read<Vec<String>> {
        let mut seen: Vec<(String, Span)> = Vec::new();
        while let Some(term) = self.words.take() {
            let Some(keyword) = bare(value_of(term)).filter(|w| allowed.contains(&w.as_str())) else {
                let listed = allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(" or ");
                return Err(malformed(self.kind, term.span(), format!("expected {listed} here")));
            };
            if let Some((_, first)) = seen.iter().find(|(k, _)| *k == keyword) {
                let d = Diagnostic::new(&MALFORMED_BLOCK, term.span(), format!("`{keyword}` is given twice in this rule"))
                    .with_label(*first, "first given here")
                    .with_help(format!("list several values in one `{keyword} [...]`"));
                return Err(Some(d));
            }
            seen.push((keyword.clone(), term.span()));
            read(self, &keyword)?;
        }
        Ok(seen.into_iter().map(|(k, _)| k).collect())
    }

    fn require(&self, seen: &[String], keyword: &str, what: &str) -> Read<()> {
        if seen.iter().any(|k| k == keyword) {
            return Ok(());
        }
        Err(malformed(self.kind, self.words.span, format!("this rule lacks `{keyword}`: {what}")))
    }

    fn network(&mut self) -> Read<RuleBody> {
        let action = self.action()?;
        let protocols = self.words_or_list("its protocol", "`tcp`, `udp`, `icmp` or `any`", |w| match w {
            "tcp" => Some("TCP"),
            "udp" => Some("UDP"),
            "icmp" => Some("ICMP"),
            "any" => Some("Any"),
            _ => None,
        })?;
        let has_ports = self.words.peek().is_some_and(|t| !is(value_of(t), "from") && !is(value_of(t), "to"));
        let ports = if has_ports {
            self.ports()?
        } else if protocols.iter().all(|p| *p == "ICMP") {
            vec!["*".to_string()]
        } else {
            return Err(malformed(self.kind, self.words.span, "this rule lacks its ports: write them after the protocol, or `any`"));
        };
        let (mut sources, mut destinations, mut fqdns) = (Vec::new(), Vec::new(), Vec::new());
        let seen = self.clauses(&["from", "to"], |r, keyword| {
            if keyword == "from" {
                sources = r.addresses("from", false)?;
            } else if r.words.peek().is_some_and(|t| items(t).iter().any(|(_, v)| matches!(v.map(|v| &v.kind), Some(ValueKind::Str(_))))) {
                fqdns = r.domain_names()?;
            } else {
                destinations = r.addresses("to", true)?;
            }
            Ok(())
        })?;
        self.require(&seen, "from", "the addresses the traffic comes from")?;
        self.require(&seen, "to", "the addresses the traffic goes to")?;
        Ok(RuleBody::Network { action, protocols, ports, sources, destinations, fqdns })
    }

    fn application(&mut self) -> Read<RuleBody> {
        let action = self.action()?;
        let kinds = self.words_or_list("its protocol", "`http` or `https`", |w| match w {
            "http" => Some(("Http", 80)),
            "https" => Some(("Https", 443)),
            _ => None,
        })?;
        let port = match self.peek().map(|v| &v.kind) {
            Some(ValueKind::Int(_)) => Some(self.port("its port")?),
            _ => None,
        };
        let protocols: Vec<(&'static str, i64)> = kinds.into_iter().map(|(p, default)| (p, port.unwrap_or(default))).collect();
        let (mut sources, mut fqdns, mut fqdn_tags) = (Vec::new(), Vec::new(), Vec::new());
        let seen = self.clauses(&["from", "to"], |r, keyword| {
            if keyword == "from" {
                sources = r.addresses("from", false)?;
            } else {
                (fqdns, fqdn_tags) = r.targets()?;
            }
            Ok(())
        })?;
        self.require(&seen, "to", "the domain names the traffic goes to")?;
        self.require(&seen, "from", "the addresses the traffic comes from")?;
        Ok(RuleBody::Application { action, protocols, sources, fqdns, fqdn_tags })
    }

    /// After `to` in a network rule that goes to domain names: each in quotes,
    /// without wildcards, which Azure does not resolve for network rules.
    fn domain_names(&mut self) -> Read<Vec<String>> {
        let term = self.next("the domain names after `to`")?;
        let mut fqdns = Vec::new();
        for (span, item) in items(term) {
            match item.map(|v| &v.kind) {
                Some(ValueKind::Str(s)) if !s.trim().is_empty() && !s.contains('*') => fqdns.push(s.clone()),
                _ => {
                    return Err(mismatch(
                        span,
                        "a domain name in quotes, without wildcards",
                        item,
                        "a network rule goes to addresses or to domain names like \"ntp.contoso.com\", not both; wildcards are for application rules",
                    ))
                }
            }
        }
        Ok(fqdns)
    }

    /// After `to` in an application rule: domain names in quotes (`"*.microsoft.com"`)
    /// or FQDN tags as words (`WindowsUpdate`), one or a list, not both.
    fn targets(&mut self) -> Read<(Vec<String>, Vec<String>)> {
        let term = self.next("the domain names after `to`")?;
        let (mut fqdns, mut tags) = (Vec::new(), Vec::new());
        for (span, item) in items(term) {
            match item.map(|v| &v.kind) {
                Some(ValueKind::Str(s)) if !s.trim().is_empty() => fqdns.push(s.clone()),
                Some(ValueKind::Path(p)) if p.len() == 1 => tags.push(p[0].name.clone()),
                _ => {
                    let expected = "a domain name in quotes or an FQDN tag";
                    return Err(mismatch(span, expected, item, "write domain names like \"*.microsoft.com\", or FQDN tags like WindowsUpdate"));
                }
            }
        }
        if !fqdns.is_empty() && !tags.is_empty() {
            let d = Diagnostic::new(&TYPE_MISMATCH, term.span(), "a rule goes to domain names or to FQDN tags, not both")
                .with_help("split it into two rules, one for the domain names and one for the tags");
            return Err(Some(d));
        }
        if fqdns.is_empty() && tags.is_empty() {
            return Err(mismatch(term.span(), "a domain name in quotes or an FQDN tag", value_of(term), "list at least one after `to`"));
        }
        Ok((fqdns, tags))
    }

    fn dnat(&mut self) -> Read<RuleBody> {
        let protocols = self.words_or_list("its protocol", "`tcp` or `udp`", |w| match w {
            "tcp" => Some("TCP"),
            "udp" => Some("UDP"),
            _ => None,
        })?;
        let port = self.port("the port it listens on")?;
        let (mut address, mut translated_port, mut sources) = (None, None, vec!["*".to_string()]);
        let seen = self.clauses(&["to", "port", "from"], |r, keyword| {
            match keyword {
                "to" => {
                    let term = r.next("the address after `to`")?;
                    match value_of(term).map(|v| &v.kind) {
                        Some(ValueKind::Ipv4(ip)) => address = Some(ip.to_string()),
                        _ => {
                            return Err(mismatch(
                                term.span(),
                                "an IPv4 address",
                                value_of(term),
                                "write the private address traffic goes to, e.g. `to 10.1.0.4`",
                            ))
                        }
                    }
                }
                "port" => translated_port = Some(r.port("the port after `port`")?),
                _ => sources = r.addresses("from", false)?,
            }
            Ok(())
        })?;
        self.require(&seen, "to", "the address traffic is sent on to")?;
        let translated_address = address.unwrap_or_default();
        Ok(RuleBody::Dnat { protocols, port, translated_address, translated_port: translated_port.unwrap_or(port), sources })
    }
}

/// `"8000-8080"`: two ports, the first no larger.
fn is_port_range(s: &str) -> bool {
    let Some((low, high)) = s.split_once('-') else { return false };
    match (low.parse::<u32>(), high.parse::<u32>()) {
        (Ok(low), Ok(high)) => (1..=65535).contains(&low) && (1..=65535).contains(&high) && low <= high,
        _ => false,
    }
}

// ---------------------------------------------------------------------------
// Lowering

/// Every spoke of a hub with a firewall gets a route table sending everything
/// not in a peered network (0.0.0.0/0) to the firewall's private IP address,
/// attached to each subnet that has no route table of its own. Azure's
/// reserved subnets are left alone: Bastion's and the gateways' do not take
/// such a route. Runs before the virtual networks, which attach it; a route to
/// a firewall gets its address from [`read_firewall_addresses`], once the
/// firewall is lowered.
pub fn lower_firewall_routes(lw: &mut Lowering) {
    let spokes: Vec<NodeId> = lw.model.of_kind("spoke").map(|(id, _)| id).collect();
    for spoke in spokes {
        let node = lw.model.node(spoke);
        let Some(hub) = node.reference("hub") else { continue };
        let Some(next_hop) = crate::blocks::network::hub_next_hop(lw.model, hub) else { continue };
        let via = next_hop.via();
        let subnets: Vec<NodeId> = node
            .children
            .iter()
            .copied()
            .filter(|&c| {
                let subnet = lw.model.node(c);
                subnet.is("subnet") && !crate::azure::network::is_reserved_subnet(subnet.name()) && subnet.get("route_table").is_none()
            })
            .collect();
        if subnets.is_empty() {
            continue;
        }
        let rg = lw.resource_group(node.str(attrs::RESOURCE_GROUP).unwrap_or_default(), spoke);
        let mut resource = Resource::new(
            format!("rt_{}_to_{via}", node.name()),
            ROUTE_TABLE,
            vec![lw.names.hub_route_table(spoke, via)],
            rg,
            lw.model.location(spoke).map(str::to_string),
            lw.model.tags(spoke),
            spoke,
        );
        let routes = match next_hop {
            HubNextHop::Appliance(ip) => vec![default_route(via, Prop::str(ip.to_string()))],
            // Filled in by `read_firewall_addresses`.
            HubNextHop::Firewall(_) => Vec::new(),
        };
        resource.properties = Prop::object([("routes", Prop::Array(routes)), ("disableBgpRoutePropagation", Prop::Bool(false))]);
        let table = lw.push(resource);
        if let HubNextHop::Firewall(firewall) = next_hop {
            lw.firewall_route_tables.push((table, firewall));
        }
        for subnet in subnets {
            lw.subnet_route_tables.insert(subnet, table);
        }
    }
}

/// The property of a deployed Azure Firewall that holds its private address,
/// the next hop of user-defined routes: `privateIPAddress` of its first (and
/// only) IP configuration, which Azure assigns.
pub const FIREWALL_PRIVATE_ADDRESS: &str = "ipConfigurations[0].properties.privateIPAddress";

/// The route tables [`lower_firewall_routes`] made for spokes of a hub with a
/// firewall get their default route, to the firewall's private address read
/// from the deployed firewall (`reference()` in ARM, the firewall's properties
/// in Bicep), and wait for the firewall. Runs after [`lower_firewalls`].
pub fn read_firewall_addresses(lw: &mut Lowering) {
    for (table, firewall_block) in std::mem::take(&mut lw.firewall_route_tables) {
        // A model free of errors lowers every firewall.
        let Some(&firewall) = lw.primary.get(&firewall_block) else { continue };
        let address = Prop::Reference { resource: firewall, property: FIREWALL_PRIVATE_ADDRESS };
        let resource = &mut lw.plan[table];
        resource.properties =
            Prop::object([("routes", Prop::Array(vec![default_route("firewall", address)])), ("disableBgpRoutePropagation", Prop::Bool(false))]);
        if !resource.depends_on.contains(&firewall) {
            resource.depends_on.push(firewall);
        }
    }
}

/// `default-via-<via>`: 0.0.0.0/0 to a virtual appliance at `next_hop`.
fn default_route(via: &str, next_hop: Prop) -> Prop {
    Prop::object([
        ("name", Prop::str(format!("default-via-{via}"))),
        (
            "properties",
            Prop::object([("addressPrefix", Prop::str("0.0.0.0/0")), ("nextHopType", Prop::str("VirtualAppliance")), ("nextHopIpAddress", next_hop)]),
        ),
    ])
}

/// Each hub's `firewall`: public IP addresses, a firewall policy with a rule
/// collection group per rule block, and the firewall.
pub fn lower_firewalls(lw: &mut Lowering) {
    let hubs: Vec<NodeId> = lw.model.of_kind("hub").map(|(id, _)| id).collect();
    for hub in hubs {
        for firewall_node in nested(lw, hub, "firewall") {
            firewall(lw, hub, firewall_node);
        }
    }
}

fn firewall(lw: &mut Lowering, hub: NodeId, block: NodeId) {
    let Some(place) = HubPlace::of(lw, hub) else { return };
    let node = lw.model.node(block);
    let tier = node.str("sku").unwrap_or("Standard").to_string();
    let threat_intel = match node.str("threat_intel").unwrap_or("alert") {
        "off" => "Off",
        "deny" => "Deny",
        _ => "Alert",
    };
    let zones: Vec<i64> = node
        .list("zones")
        .iter()
        .filter_map(|z| match z.value {
            Typed::Int(n) => Some(n),
            _ => None,
        })
        .collect();
    let name = lw.names.firewall(hub);
    let hub_name = lw.model.node(hub).name().to_string();

    let pip = place.public_ip(lw, &name, block, &zones);
    // More addresses: `<name>-pip-2`, `<name>-pip-3`, ... beside the first.
    let more_pips: Vec<ResourceId> =
        (2..=public_ip_count(lw.model.node(block))).map(|n| place.public_ip(lw, &format!("{name}-{n}"), block, &zones)).collect();
    let management_pip = (tier == "Basic").then(|| place.public_ip(lw, &format!("{name}-management"), block, &zones));

    // A firewall that names a policy uses it; one that names none has its own, from its rule blocks.
    let (policy_id, waits_for) = match crate::blocks::firewall_policy::of_firewall(lw.model, block) {
        Some(shared) => match crate::blocks::firewall_policy::policy_id(lw, shared) {
            Some(id) => (id, crate::blocks::firewall_policy::waits_for(lw, shared)),
            None => return,
        },
        None => {
            let (policy, groups) = own_policy(lw, &place, hub, block, &tier, threat_intel, pip);
            (Prop::Id(policy), std::iter::once(policy).chain(groups).collect())
        }
    };

    let ip_configuration = |config: &str, subnet: &str, pip: ResourceId| {
        Prop::object([
            ("name", Prop::str(config)),
            ("properties", Prop::object([("subnet", place.subnet(lw, hub, subnet)), ("publicIPAddress", Prop::object([("id", Prop::Id(pip))]))])),
        ])
    };
    let mut properties = Object::new();
    properties.insert("sku".into(), Prop::object([("name", Prop::str("AZFW_VNet")), ("tier", Prop::str(tier.clone()))]));
    // Only the first configuration names the subnet; the others hold an address each.
    let mut configurations = vec![ip_configuration("ipconfig", "AzureFirewallSubnet", pip)];
    for (n, &more) in more_pips.iter().enumerate() {
        configurations.push(Prop::object([
            ("name", Prop::str(format!("ipconfig{}", n + 2))),
            ("properties", Prop::object([("publicIPAddress", Prop::object([("id", Prop::Id(more))]))])),
        ]));
    }
    properties.insert("ipConfigurations".into(), Prop::Array(configurations));
    if let Some(management_pip) = management_pip {
        properties.insert("managementIpConfiguration".into(), ip_configuration("management", "AzureFirewallManagementSubnet", management_pip));
    }
    properties.insert("firewallPolicy".into(), Prop::object([("id", policy_id)]));

    let mut firewall = place.resource(format!("afw_{hub_name}"), FIREWALL_TYPE, name, block);
    if !zones.is_empty() {
        firewall.top.insert("zones".into(), zone_list(&zones));
    }
    firewall.properties = Prop::Object(properties);
    // The rules go in first, so that the firewall starts with them and no rule
    // change runs while the firewall is being created.
    firewall.depends_on = [place.vnet, pip].into_iter().chain(more_pips).chain(management_pip).chain(waits_for).collect();
    let firewall = lw.push(firewall);
    lw.after_last_on(place.vnet, firewall);
    lw.primary.insert(block, firewall);
}

/// The policy of a firewall that names none: its tier and threat intelligence
/// mode, and a rule collection group per rule block. Returns the policy and its groups.
fn own_policy(
    lw: &mut Lowering,
    place: &HubPlace,
    hub: NodeId,
    block: NodeId,
    tier: &str,
    threat_intel: &str,
    pip: ResourceId,
) -> (ResourceId, Vec<ResourceId>) {
    let hub_name = lw.model.node(hub).name().to_string();
    let mut policy = place.resource(format!("afwp_{hub_name}"), POLICY, lw.names.firewall_policy(hub), block);
    policy.properties = Prop::object([("sku", Prop::object([("tier", Prop::str(tier))])), ("threatIntelMode", Prop::str(threat_intel))]);
    let policy = lw.push(policy);

    let mut groups = Vec::new();
    for (kind, group_name, priority) in [("dnat", "dnat", 100), ("network_rules", "network", 200), ("application_rules", "application", 300)] {
        for rules_block in lw.model.node(block).children.clone().into_iter().filter(|&c| lw.model.node(c).is(kind)) {
            let rules = rules(lw.model, rules_block);
            if rules.is_empty() {
                continue;
            }
            let collections = collections(group_name, rules, pip);
            let policy_name = lw.plan[policy].name[0].clone();
            let mut group = place.resource(format!("rcg_{hub_name}_{group_name}"), RULE_COLLECTION_GROUP, String::new(), rules_block);
            group.name = vec![policy_name, group_name.to_string()];
            group.parent = Some(policy);
            group.location = None;
            group.tags = IndexMap::new();
            group.properties = Prop::object([("priority", Prop::Int(priority)), ("ruleCollections", Prop::Array(collections))]);
            group.depends_on = vec![policy];
            if kind == "dnat" {
                group.depends_on.push(pip);
            }
            let group = lw.push(group);
            // Azure takes one change at a time to a policy's rule collection groups.
            lw.after_last_on(policy, group);
            groups.push(group);
        }
    }

    (policy, groups)
}

/// The rule collections of one rule block: consecutive rules with the same
/// action form one collection, so that the rules apply in the order written;
/// collections take priorities 100, 200, ... in that order.
fn collections(group: &str, rules: &[Rule], public_ip: ResourceId) -> Vec<Prop> {
    let mut runs: Vec<(Option<Action>, Vec<&Rule>)> = Vec::new();
    for rule in rules {
        let action = action_of(rule);
        match runs.last_mut() {
            Some((last, members)) if *last == action => members.push(rule),
            _ => runs.push((action, vec![rule])),
        }
    }
    let mut names: Vec<String> = Vec::new();
    runs.into_iter()
        .enumerate()
        .map(|(i, (action, members))| {
            let base = match action {
                Some(action) => format!("{group}-{}", action.azure().to_ascii_lowercase()),
                None => group.to_string(),
            };
            let mut name = base.clone();
            let mut n = 2;
            while names.contains(&name) {
                name = format!("{base}-{n}");
                n += 1;
            }
            names.push(name.clone());
            let priority = Prop::Int(100 * (i as i64 + 1));
            let rules = Prop::Array(members.iter().map(|r| rule_prop(r, Some(public_ip))).collect());
            match action {
                Some(action) => Prop::object([
                    ("ruleCollectionType", Prop::str("FirewallPolicyFilterRuleCollection")),
                    ("name", Prop::str(name)),
                    ("priority", priority),
                    ("action", Prop::object([("type", Prop::str(action.azure()))])),
                    ("rules", rules),
                ]),
                None => Prop::object([
                    ("ruleCollectionType", Prop::str("FirewallPolicyNatRuleCollection")),
                    ("name", Prop::str(name)),
                    ("priority", priority),
                    ("action", Prop::object([("type", Prop::str("DNAT"))])),
                    ("rules", rules),
                ]),
            }
        })
        .collect()
}

fn strings(items: &[String]) -> Prop {
    Prop::Array(items.iter().map(|s| Prop::str(s.clone())).collect())
}

/// A rule as Azure takes it; `public_ip` is the firewall's address a DNAT rule
/// listens on (a shared policy holds no DNAT rules, and passes `None`).
pub fn rule_prop(rule: &Rule, public_ip: Option<ResourceId>) -> Prop {
    let name = Prop::str(rule.name.clone());
    match &rule.body {
        RuleBody::Network { protocols, ports, sources, destinations, fqdns, .. } => {
            let destination = if fqdns.is_empty() { ("destinationAddresses", strings(destinations)) } else { ("destinationFqdns", strings(fqdns)) };
            Prop::object([
                ("ruleType", Prop::str("NetworkRule")),
                ("name", name),
                ("ipProtocols", Prop::Array(protocols.iter().map(|p| Prop::str(*p)).collect())),
                ("sourceAddresses", strings(sources)),
                destination,
                ("destinationPorts", strings(ports)),
            ])
        }
        RuleBody::Application { protocols, sources, fqdns, fqdn_tags, .. } => {
            let protocols =
                protocols.iter().map(|(protocol, port)| Prop::object([("protocolType", Prop::str(*protocol)), ("port", Prop::Int(*port))])).collect();
            let mut rule = Object::new();
            rule.insert("ruleType".into(), Prop::str("ApplicationRule"));
            rule.insert("name".into(), name);
            rule.insert("protocols".into(), Prop::Array(protocols));
            rule.insert("sourceAddresses".into(), strings(sources));
            if fqdns.is_empty() {
                rule.insert("fqdnTags".into(), strings(fqdn_tags));
            } else {
                rule.insert("targetFqdns".into(), strings(fqdns));
            }
            Prop::Object(rule)
        }
        RuleBody::Dnat { protocols, port, translated_address, translated_port, sources } => Prop::object([
            ("ruleType", Prop::str("NatRule")),
            ("name", name),
            ("ipProtocols", Prop::Array(protocols.iter().map(|p| Prop::str(*p)).collect())),
            ("sourceAddresses", strings(sources)),
            // Traffic to the firewall's public IP address, which Azure picks when it deploys it.
            ("destinationAddresses", Prop::Array(public_ip.map(|ip| Prop::Reference { resource: ip, property: "ipAddress" }).into_iter().collect())),
            ("destinationPorts", Prop::Array(vec![Prop::str(port.to_string())])),
            ("translatedAddress", Prop::str(translated_address.clone())),
            ("translatedPort", Prop::str(translated_port.to_string())),
        ]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(kind: Kind, text: &str) -> (Vec<Rule>, Vec<String>) {
        let plan = format!("x {{\n{text}\n}}\n");
        let (file, errors) = crate::syntax::parse(crate::source::FileId::default(), &plan);
        assert!(errors.is_empty(), "{errors:?}");
        let ast::Item::Block(block) = &file.items[0] else { panic!("a block") };
        let phrases: Vec<ast::Block> = block
            .body
            .as_ref()
            .unwrap()
            .items
            .iter()
            .filter_map(|i| match i {
                ast::Item::Block(b) => Some(b.clone()),
                _ => None,
            })
            .collect();
        let mut out = Vec::new();
        let block = match kind {
            Kind::Network => "network_rules",
            Kind::Application => "application_rules",
            Kind::Dnat => "dnat",
        };
        let rules = read_all(kind, block, &phrases, &mut out);
        (rules, out.into_iter().map(|d| format!("{} {}", d.code.code, d.message)).collect())
    }

    #[test]
    fn a_network_rule_reads_in_either_form() {
        let (one_line, errors) = read(Kind::Network, "rule dns allow udp 53 from 10.0.0.0/8 to 168.63.129.16");
        assert!(errors.is_empty(), "{errors:?}");
        let (braced, _) = read(Kind::Network, "rule dns { allow udp 53 from 10.0.0.0/8 to 168.63.129.16 }");
        assert_eq!(one_line, braced);
        assert_eq!(
            one_line[0].body,
            RuleBody::Network {
                action: Action::Allow,
                protocols: vec!["UDP"],
                ports: vec!["53".into()],
                sources: vec!["10.0.0.0/8".into()],
                destinations: vec!["168.63.129.16".into()],
                fqdns: vec![],
            }
        );
    }

    #[test]
    fn lists_any_service_tags_ranges_and_icmp() {
        let (rules, errors) = read(
            Kind::Network,
            "rule a deny [tcp, udp] [80, \"8000-8080\"] to [AzureCloud.uksouth, 10.2.0.0/16] from any\nrule b allow icmp from any to any",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let RuleBody::Network { protocols, ports, sources, destinations, .. } = &rules[0].body else { panic!() };
        assert_eq!((protocols.as_slice(), ports.as_slice()), (["TCP", "UDP"].as_slice(), ["80".to_string(), "8000-8080".to_string()].as_slice()));
        assert_eq!(
            (sources.as_slice(), destinations.as_slice()),
            (["*".to_string()].as_slice(), ["AzureCloud.uksouth".to_string(), "10.2.0.0/16".to_string()].as_slice())
        );
        let RuleBody::Network { ports, .. } = &rules[1].body else { panic!() };
        assert_eq!(ports, &["*"]);
    }

    #[test]
    fn application_and_dnat_rules() {
        let (rules, errors) = read(
            Kind::Application,
            "rule web allow [http, https] to [\"*.microsoft.com\"] from 10.1.0.0/16\nrule wu allow https to WindowsUpdate from any",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let RuleBody::Application { protocols, fqdns, fqdn_tags, .. } = &rules[0].body else { panic!() };
        assert_eq!(protocols, &[("Http", 80), ("Https", 443)]);
        assert_eq!((fqdns.len(), fqdn_tags.len()), (1, 0));
        let RuleBody::Application { fqdn_tags, .. } = &rules[1].body else { panic!() };
        assert_eq!(fqdn_tags, &["WindowsUpdate"]);

        let (rules, errors) = read(Kind::Dnat, "rule rdp tcp 3389 to 10.1.0.4 port 3390");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            rules[0].body,
            RuleBody::Dnat {
                protocols: vec!["TCP"],
                port: 3389,
                translated_address: "10.1.0.4".into(),
                translated_port: 3390,
                sources: vec!["*".into()]
            }
        );
    }

    #[test]
    fn what_is_wrong_is_said_with_the_resolver_codes() {
        let (_, errors) = read(
            Kind::Network,
            "rule a permit tcp 1 from any to any\nrule b allow tcp from any to any\nrule c allow tcp 70000 from any to any\nrule d allow tcp 1 from any\nrule e allow tcp 1 from any from any to any\nrule a allow tcp 1 from any to any\nrules f\nrule g allow tcp 1 to \"*.contoso.com\" from any",
        );
        assert_eq!(
            errors,
            [
                "ASH104 expected `allow` or `deny`, found a name",
                "ASH109 this rule lacks its ports: write them after the protocol, or `any`",
                "ASH104 expected a port from 1 to 65535, a range like \"8000-8080\", or `any`, found an integer",
                "ASH109 this rule lacks `to`: the addresses the traffic goes to",
                "ASH109 `from` is given twice in this rule",
                "ASH109 a network_rules block holds rules, and `rules` does not start one",
                "ASH104 expected a domain name in quotes, without wildcards, found a string",
            ]
        );
        let (_, errors) = read(Kind::Network, "rule a allow tcp 1 from any to any\nrule a allow tcp 2 from any to any");
        assert_eq!(errors, ["ASH105 the network_rules already have a rule `a`"]);
        let (_, errors) = read(Kind::Application, "rule a allow https to [\"x.com\", WindowsUpdate] from any");
        assert_eq!(errors, ["ASH104 a rule goes to domain names or to FQDN tags, not both"]);
    }

    #[test]
    fn a_policy_collection_has_one_action_and_network_rules_may_go_to_domain_names() {
        let plan = "x {\nrule a allow tcp 1 from any to any\nrule b deny tcp 2 from any to any\nrule c allow udp 123 from any to [\"time.windows.com\"]\n}\n";
        let (file, _) = crate::syntax::parse(crate::source::FileId::default(), plan);
        let ast::Item::Block(block) = &file.items[0] else { panic!("a block") };
        let phrases: Vec<ast::Block> =
            block.body.as_ref().unwrap().items.iter().filter_map(|i| if let ast::Item::Block(b) = i { Some(b.clone()) } else { None }).collect();
        let mut out = Vec::new();
        let rules = read_all(Kind::Network, "network_collection", &phrases, &mut out);
        let errors: Vec<String> = out.iter().map(|d| format!("{} {}", d.code.code, d.message)).collect();
        assert_eq!(errors, ["ASH109 this rule's action is Deny, and the network_collection's is Allow"]);
        assert_eq!(rules.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["a", "c"]);
        let RuleBody::Network { fqdns, destinations, .. } = &rules[1].body else { panic!() };
        assert_eq!((fqdns.as_slice(), destinations.len()), (["time.windows.com".to_string()].as_slice(), 0));
        // The same rules in a firewall's own block form collections by action.
        let mut out = Vec::new();
        assert_eq!(read_all(Kind::Network, "network_rules", &phrases, &mut out).len(), 3);
        assert!(out.is_empty());
    }

    #[test]
    fn collections_follow_the_order_of_actions() {
        let (rules, _) = read(
            Kind::Network,
            "rule a allow tcp 1 from any to any\nrule b allow tcp 2 from any to any\nrule c deny tcp 3 from any to any\nrule d allow tcp 4 from any to any",
        );
        let names: Vec<(String, i64)> = collections("network", &rules, ResourceId(0))
            .into_iter()
            .map(|c| match c {
                Prop::Object(o) => match (&o["name"], &o["priority"]) {
                    (Prop::Str(n), Prop::Int(p)) => (n.clone(), *p),
                    _ => panic!(),
                },
                _ => panic!(),
            })
            .collect();
        assert_eq!(names, [("network-allow".into(), 100), ("network-deny".into(), 200), ("network-allow-2".into(), 300)]);
    }
}
