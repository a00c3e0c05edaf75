//! Network security groups: `nsg` blocks, the `rule_set`s they include, and the
//! `rule` phrases of both, read once into [`crate::phrases::SecurityRule`]s
//! ([`Model::security_rules`]) and lowered to
//! `Microsoft.Network/networkSecurityGroups` with their security rules inline.

use super::attach;
use super::phrase::{self, Words};
use crate::ast::{Term, ValueKind};
use crate::blocks::lowering::Lowering;
use crate::diagnostic::codes::{DUPLICATE_ATTRIBUTE, MALFORMED_BLOCK, TYPE_MISMATCH};
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::lower::ir::{Object, Prop, Resource};
use crate::model::{Model, NodeId, Spanned, Typed};
use crate::phrases::{Access, Direction, Ports, Protocol, SecurityRule};
use crate::schema::attrs;
use crate::schema::{attr, KindSchema, Naming, Type};
use crate::source::Span;
use indexmap::IndexMap;

const NSG_TYPE: &str = "Microsoft.Network/networkSecurityGroups";

const RULE_SET_REF: Type = Type::Ref(&["rule_set"]);

pub const NSG: KindSchema = KindSchema {
    kind: "nsg",
    doc: "A network security group: its own `rule`s and those of the `rule_set`s it includes. Subnets use it with `nsg = NAME`.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attrs::resource_group(
            false,
            Some("the resource group of the first network whose subnet uses it"),
            "Resource group of the network security group; created when missing. Required when no subnet uses it.",
        ),
        attrs::location(
            Some("the region of the first network whose subnet uses it, else settings.location"),
            "Region of the network security group: the region of the networks whose subnets use it.",
        ),
        attr("include", Type::List(&RULE_SET_REF), false, Some("none"), "Rule sets whose rules this network security group also has."),
        attrs::tags("Tags of the network security group, merged over the plan's tags."),
    ],
    children: &["rule"],
    unique: false,
};

pub const RULE_SET: KindSchema = KindSchema {
    kind: "rule_set",
    doc: "Rules shared by network security groups: each `nsg` that lists it in `include` has its rules. Deploys nothing of its own.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[],
    children: &["rule"],
    unique: false,
};

pub const RULE: KindSchema = KindSchema {
    kind: "rule",
    doc: "A security rule, written as a phrase: `rule NAME { inbound|outbound allow|deny PROTOCOL [PORTS] from SOURCE [to DESTINATION] priority N [description \"...\"] }`.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[],
    children: &[],
    unique: false,
};

pub const DIRECTIONS: &[&str] = &["inbound", "outbound"];
pub const ACCESSES: &[&str] = &["allow", "deny"];
pub const PROTOCOLS: &[&str] = &["tcp", "udp", "icmp", "esp", "ah", "any"];
/// The words that start a clause after the ports.
const CLAUSES: &[&str] = &["from", "to", "priority", "description"];

/// How a rule's phrase reads, for help texts.
pub const SHAPE: &str = "a rule reads `inbound|outbound allow|deny PROTOCOL [PORTS] from SOURCE [to DESTINATION] priority N [description \"...\"]`";

/// The highest port number.
const PORT_MAX: i64 = 65535;

/// Reads the phrase of every `rule` into [`Model::security_rules`], reporting
/// the first problem of each rule at its word.
pub fn read_rules(model: &mut Model, out: &mut Vec<Diagnostic>) {
    let rules: Vec<NodeId> = model.of_kind("rule").map(|(id, _)| id).collect();
    for id in rules {
        match read_rule(model, id) {
            Ok(rule) => {
                model.security_rules.insert(id, rule);
            }
            Err(Some(d)) => out.push(d),
            Err(None) => {}
        }
    }
}

/// The phrase of a `rule`; `None` when it did not read.
pub fn rule(model: &Model, id: NodeId) -> Option<&SecurityRule> {
    model.security_rules.get(&id)
}

type Read<T> = Result<T, Option<Diagnostic>>;

fn read_rule(model: &Model, id: NodeId) -> Read<SecurityRule> {
    let node = model.node(id);
    let Some(mut words) = Words::of(model, id) else {
        return Err(Some(
            Diagnostic::new(&MALFORMED_BLOCK, node.head, format!("{} has no phrase", model.describe(id)))
                .with_help(format!("{SHAPE}, e.g. `rule {} {{ inbound allow tcp 443 from Internet priority 100 }}`", node.name())),
        ));
    };
    let direction = phrase::one_of(&mut words, DIRECTIONS, "a direction", format_args!("a rule starts with its direction: {SHAPE}"))?;
    let direction = Spanned { value: if direction.value == "inbound" { Direction::Inbound } else { Direction::Outbound }, span: direction.span };
    let access = phrase::one_of(&mut words, ACCESSES, "an access", format_args!("after the direction comes the access: {SHAPE}"))?;
    let access = Spanned { value: if access.value == "allow" { Access::Allow } else { Access::Deny }, span: access.span };
    let protocol = phrase::one_of(&mut words, PROTOCOLS, "a protocol", format_args!("after the access comes the protocol: {SHAPE}"))?;
    let protocol = Spanned { value: Protocol::ALL.into_iter().find(|p| p.word() == protocol.value).unwrap_or(Protocol::Any), span: protocol.span };

    // Ports, when the next word starts no clause.
    let mut ports_read = None;
    let starts_clause = |term: &Term| phrase::word(term).is_some_and(|w| CLAUSES.contains(&w.name.as_str()));
    if let Some(term) = words.peek().filter(|t| !starts_clause(t)) {
        words.take();
        let value = phrase::value(term)?;
        if let Some(ports) = ports(value)? {
            if !protocol.value.has_ports() {
                let name = protocol.value.word();
                return Err(Some(
                    Diagnostic::new(&TYPE_MISMATCH, value.span, format!("{name} has no ports"))
                        .with_help(format!("remove the ports: a rule for {name} matches the protocol as a whole")),
                ));
            }
            ports_read = Some(Spanned { value: ports, span: value.span });
        }
    }

    let (mut source, mut destination, mut priority, mut description) = (None, None, None, None);
    let mut seen: IndexMap<&'static str, Span> = IndexMap::new();
    while let Some(term) = words.take() {
        let Some(clause) = phrase::word(term).and_then(|w| CLAUSES.iter().find(|c| **c == w.name)) else {
            let hint = phrase::word(term).and_then(|w| did_you_mean(&w.name, CLAUSES.iter().copied()));
            let help = hint.unwrap_or_else(|| format!("after the ports come `from`, `to`, `priority` and `description`: {SHAPE}").into());
            return Err(Some(
                Diagnostic::new(
                    &MALFORMED_BLOCK,
                    term.span(),
                    format!("{} does not belong in the phrase of {}", phrase::shown(term), model.describe(id)),
                )
                .with_help(help),
            ));
        };
        let key = term.span();
        if let Some(&first) = seen.get(clause) {
            return Err(Some(
                Diagnostic::new(&DUPLICATE_ATTRIBUTE, key, format!("`{clause}` is given twice"))
                    .with_label(first, "first given here")
                    .with_help("keep one of them"),
            ));
        }
        seen.insert(clause, key);
        let Some(operand) = words.take() else {
            let wanted = match *clause {
                "from" | "to" => "an address, a prefix, a service tag, a subnet or `any`",
                "priority" => "a number from 100 to 4096",
                _ => "a string",
            };
            return Err(Some(Diagnostic::new(&MALFORMED_BLOCK, key, format!("`{clause}` needs {wanted} after it")).with_help(SHAPE)));
        };
        let value = phrase::value(operand)?;
        let span = value.span;
        match (*clause, &value.kind) {
            (_, ValueKind::Invalid) => return Err(None),
            ("from" | "to", _) => {
                let Some(list) = phrase::addresses(model, value)? else { return Err(None) };
                let list = Some(Spanned { value: list, span });
                if *clause == "from" {
                    source = list;
                } else {
                    destination = list;
                }
            }
            ("priority", ValueKind::Int(n)) => priority = Some(Spanned { value: *n, span }),
            ("description", ValueKind::Str(s)) => description = Some(Spanned { value: s.clone(), span }),
            ("priority", other) => {
                return Err(Some(
                    Diagnostic::new(&TYPE_MISMATCH, span, format!("expected a priority, a number, found {}", other.describe()))
                        .with_help("write a number from 100 to 4096; lower numbers are processed first"),
                ))
            }
            (_, other) => {
                return Err(Some(
                    Diagnostic::new(&TYPE_MISMATCH, span, format!("expected a description in double quotes, found {}", other.describe()))
                        .with_help("write `description \"...\"`"),
                ))
            }
        }
    }

    let missing = |clause: &str, what: &str, example: &str| {
        Some(
            Diagnostic::new(&MALFORMED_BLOCK, words.span, format!("{} has no `{clause}`: Azure needs {what} for every rule", model.describe(id)))
                .with_help(format!("add `{example}`: {SHAPE}")),
        )
    };
    let source = source.ok_or_else(|| missing("from", "a source", "from Internet"))?;
    let priority = priority.ok_or_else(|| missing("priority", "a priority", "priority 100"))?;
    Ok(SecurityRule { direction, access, protocol, ports: ports_read, source, destination, priority, description })
}

/// The ports of a rule: a number, a range in quotes (`"5000-5010"`), a list of
/// those, or `any`. `None` means any port.
fn ports(value: &crate::ast::Value) -> Result<Option<Vec<Spanned<Ports>>>, Diagnostic> {
    match &value.kind {
        ValueKind::Path(p) if p.len() == 1 && p[0].name.eq_ignore_ascii_case("any") => Ok(None),
        ValueKind::Str(s) if s == "*" => Ok(None),
        ValueKind::List(items) if items.is_empty() => Err(Diagnostic::new(&TYPE_MISMATCH, value.span, "an empty list names no port")
            .with_help("write at least one port, or leave the ports out for any port")),
        ValueKind::List(items) => items.iter().map(|item| port(item, true)).collect::<Result<Vec<_>, _>>().map(Some),
        _ => port(value, false).map(|p| Some(vec![p])),
    }
}

/// One port or range of ports.
fn port(value: &crate::ast::Value, in_list: bool) -> Result<Spanned<Ports>, Diagnostic> {
    let span = value.span;
    let out_of_range = |n: i64| {
        Diagnostic::new(&TYPE_MISMATCH, span, format!("port {n} is out of range")).with_help(format!("ports are numbers from 0 to {PORT_MAX}"))
    };
    // In range once checked against `PORT_MAX`.
    let narrow = |n: i64| u16::try_from(n).unwrap_or(u16::MAX);
    let ports = match &value.kind {
        ValueKind::Int(n) if *n > PORT_MAX => return Err(out_of_range(*n)),
        ValueKind::Int(n) => Ports::One(narrow(*n)),
        ValueKind::Str(s) if s == "*" && in_list => {
            return Err(Diagnostic::new(&TYPE_MISMATCH, span, "`*` cannot stand in a list of ports").with_help("leave the ports out for any port"));
        }
        ValueKind::Str(s) => {
            let number = |part: &str| part.parse::<i64>().ok().filter(|_| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
            let shape = || {
                Diagnostic::new(&TYPE_MISMATCH, span, format!("\"{s}\" is not a port or a range of ports"))
                    .with_help("write a port such as 443, or a range in quotes such as \"5000-5010\"")
            };
            match s.split_once('-') {
                None => {
                    let n = number(s).ok_or_else(shape)?;
                    if n > PORT_MAX {
                        return Err(out_of_range(n));
                    }
                    Ports::One(narrow(n))
                }
                Some((low, high)) => {
                    let (low, high) = (number(low).ok_or_else(shape)?, number(high).ok_or_else(shape)?);
                    if let Some(n) = [low, high].into_iter().find(|n| *n > PORT_MAX) {
                        return Err(out_of_range(n));
                    }
                    if low > high {
                        return Err(Diagnostic::new(&TYPE_MISMATCH, span, format!("the range \"{s}\" ends before it starts"))
                            .with_help(format!("write the lower port first: \"{high}-{low}\"")));
                    }
                    Ports::Range(narrow(low), narrow(high))
                }
            }
        }
        ValueKind::Path(p) if p.len() == 1 && p[0].name.eq_ignore_ascii_case("any") && in_list => {
            return Err(Diagnostic::new(&TYPE_MISMATCH, span, "`any` cannot stand in a list of ports").with_help("leave the ports out for any port"));
        }
        other => {
            return Err(Diagnostic::new(&TYPE_MISMATCH, span, format!("expected ports, found {}", other.describe()))
                .with_help(format!("after the protocol come the ports: 443, \"5000-5010\", [80, 443] or `any`; {SHAPE}")));
        }
    };
    Ok(Spanned { value: ports, span })
}

/// One rule of a network security group, and the rule set it comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Member {
    pub rule: NodeId,
    /// The rule set, with the span of its entry in `include`.
    pub via: Option<(NodeId, Span)>,
}

/// The included rule sets of an NSG, each with the span of its entry, in order.
pub fn includes(model: &Model, nsg: NodeId) -> Vec<(NodeId, Span)> {
    model
        .node(nsg)
        .list("include")
        .iter()
        .filter_map(|item| match item.value {
            Typed::Ref(set) => Some((set, item.span)),
            _ => None,
        })
        .collect()
}

/// Every rule of an NSG: those of its rule sets, in `include` order (a set
/// included twice counts once), then its own.
pub fn members(model: &Model, nsg: NodeId) -> Vec<Member> {
    let mut out = Vec::new();
    let mut sets: Vec<NodeId> = Vec::new();
    for (set, span) in includes(model, nsg) {
        if sets.contains(&set) {
            continue;
        }
        sets.push(set);
        out.extend(rules_of(model, set).map(|rule| Member { rule, via: Some((set, span)) }));
    }
    out.extend(rules_of(model, nsg).map(|rule| Member { rule, via: None }));
    out
}

fn rules_of(model: &Model, block: NodeId) -> impl Iterator<Item = NodeId> + '_ {
    model.node(block).children.iter().copied().filter(|&c| model.node(c).is("rule"))
}

/// `key: "x"` for one value, `keys: ["x", "y"]` for several; `*` for none.
fn one_or_many(properties: &mut Object, one: &'static str, many: &'static str, values: Vec<String>) {
    match values.as_slice() {
        [] => properties.insert(one.into(), Prop::str("*")),
        [single] => properties.insert(one.into(), Prop::str(single.clone())),
        _ => properties.insert(many.into(), Prop::Array(values.into_iter().map(Prop::Str).collect())),
    };
}

/// Each value once, as Azure writes it: a value listed twice is warned about
/// (`rule-duplicate-value`).
fn texts<T: std::fmt::Display>(items: &[Spanned<T>]) -> Vec<String> {
    items.iter().map(|i| i.value.to_string()).collect::<indexmap::IndexSet<_, foldhash::fast::FixedState>>().into_iter().collect()
}

fn security_rule(model: &Model, id: NodeId, rule: &SecurityRule) -> Prop {
    let mut properties = Object::new();
    if let Some(description) = &rule.description {
        properties.insert("description".into(), Prop::str(description.value.as_str()));
    }
    properties.insert("protocol".into(), Prop::str(rule.protocol.value.azure()));
    properties.insert("sourcePortRange".into(), Prop::str("*"));
    one_or_many(&mut properties, "destinationPortRange", "destinationPortRanges", texts(rule.ports()));
    one_or_many(&mut properties, "sourceAddressPrefix", "sourceAddressPrefixes", texts(rule.sources()));
    one_or_many(&mut properties, "destinationAddressPrefix", "destinationAddressPrefixes", texts(rule.destinations()));
    properties.insert("access".into(), Prop::str(rule.access.value.azure()));
    properties.insert("priority".into(), Prop::Int(rule.priority.value));
    properties.insert("direction".into(), Prop::str(rule.direction.value.azure()));
    Prop::object([("name", Prop::str(model.node(id).name())), ("properties", Prop::Object(properties))])
}

/// Each `nsg` becomes a network security group with its rules inline. Runs
/// before the networks, whose subnets refer to it.
pub fn lower_nsgs(lw: &mut Lowering) {
    let model = lw.model;
    for (id, node) in model.of_kind("nsg") {
        let rules: Vec<Prop> = members(model, id).iter().filter_map(|m| rule(model, m.rule).map(|r| security_rule(model, m.rule, r))).collect();
        let mut resource = Resource::new(
            format!("nsg_{}", node.name()),
            NSG_TYPE,
            vec![lw.names.nsg(id)],
            // Declared, and spelt as first declared, by `attach::declare_groups`.
            attach::resource_group(model, id).unwrap_or_default().to_string(),
            attach::location(model, id).map(str::to_string),
            model.tags(id),
            id,
        );
        resource.properties = Prop::object([("securityRules", Prop::Array(rules))]);
        let rid = lw.push(resource);
        lw.primary.insert(id, rid);
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze_text;
    use crate::phrases::SecurityRule;
    use crate::source::Spanned;

    const HEAD: &str = "settings { location = uksouth }\nspoke app1 {\n hub = core\n resource_group = \"rg-app1\"\n address_space = [10.1.0.0/24]\n subnet web 10.1.0.0/26 { nsg = web }\n subnet data auto /26\n}\nhub core {\n resource_group = \"rg-core\"\n address_space = [10.0.0.0/24]\n}\n";

    /// The parts of the rule `r` of nsg `web` with the phrase `phrase`, and the diagnostics.
    fn typed(phrase: &str) -> (Vec<(String, String)>, Vec<String>) {
        let plan = format!("{HEAD}nsg web {{\n rule r {{ {phrase} }}\n}}\n");
        let analysis = analyze_text(&plan, std::path::Path::new("."));
        let rule = analysis.model.of_kind("rule").next().map(|(id, _)| id).unwrap();
        let parts = super::rule(&analysis.model, rule).map(parts).unwrap_or_default();
        let messages = analysis.diagnostics.iter().map(|d| format!("{} {}", d.code.code, d.message)).collect();
        (parts, messages)
    }

    /// A rule's parts, each written, in the order of the phrase's shape.
    fn parts(rule: &SecurityRule) -> Vec<(String, String)> {
        fn list<T: std::fmt::Display>(items: &[Spanned<T>]) -> String {
            format!("[{}]", items.iter().map(|i| i.value.to_string()).collect::<Vec<_>>().join(", "))
        }
        let mut out = vec![
            ("direction", rule.direction.value.word().to_string()),
            ("access", rule.access.value.word().to_string()),
            ("protocol", rule.protocol.value.word().to_string()),
        ];
        if let Some(ports) = &rule.ports {
            out.push(("ports", list(&ports.value)));
        }
        out.push(("source", list(&rule.source.value)));
        if let Some(destination) = &rule.destination {
            out.push(("destination", list(&destination.value)));
        }
        out.push(("priority", rule.priority.value.to_string()));
        if let Some(description) = &rule.description {
            out.push(("description", description.value.clone()));
        }
        out.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }

    fn attrs(phrase: &str) -> Vec<(String, String)> {
        let (attrs, messages) = typed(phrase);
        assert!(messages.is_empty(), "{phrase}: {messages:?}");
        attrs
    }

    fn error(phrase: &str) -> String {
        let (_, messages) = typed(phrase);
        assert_eq!(messages.len(), 1, "{phrase}: {messages:?}");
        messages[0].clone()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn a_full_phrase_types_every_word() {
        assert_eq!(
            attrs("inbound allow tcp [443, \"5000-5010\"] from Internet to app1.web priority 100 description \"web\""),
            pairs(&[
                ("direction", "inbound"),
                ("access", "allow"),
                ("protocol", "tcp"),
                ("ports", "[443, 5000-5010]"),
                ("source", "[Internet]"),
                ("destination", "[10.1.0.0/26]"),
                ("priority", "100"),
                ("description", "web"),
            ])
        );
    }

    #[test]
    fn ports_and_destination_are_optional_and_clauses_go_in_any_order() {
        assert_eq!(
            attrs("OUTBOUND Deny any priority 4000 from any"),
            pairs(&[("direction", "outbound"), ("access", "deny"), ("protocol", "any"), ("source", "[*]"), ("priority", "4000")])
        );
        assert_eq!(attrs("inbound allow udp any from VirtualNetwork priority 200")[3], ("source".to_string(), "[VirtualNetwork]".to_string()));
    }

    #[test]
    fn addresses_are_prefixes_ips_quoted_prefixes_tags_and_references() {
        let source = |from: &str| attrs(&format!("inbound allow tcp 22 from {from} priority 100"))[4].1.clone();
        assert_eq!(source("10.9.0.0/16"), "[10.9.0.0/16]");
        assert_eq!(source("\"10.2.0.0/24\""), "[10.2.0.0/24]");
        assert_eq!(source("[192.168.0.4, fd00::4]"), "[192.168.0.4, fd00::4]");
        assert_eq!(source("Storage.WestEurope"), "[Storage.WestEurope]");
        assert_eq!(source("virtualnetwork"), "[VirtualNetwork]");
        // A spoke is its address space; an `auto` subnet its allocated prefix.
        assert_eq!(source("app1"), "[10.1.0.0/24]");
        assert_eq!(source("app1.data"), "[10.1.0.64/26]");
        assert_eq!(source("[app1.web, app1.data]"), "[10.1.0.0/26, 10.1.0.64/26]");
    }

    #[test]
    fn a_phrase_may_span_lines() {
        let plan = format!("{HEAD}nsg web {{\n rule r {{\n  inbound allow tcp 443\n  from Internet\n  priority 100\n }}\n}}\n");
        let analysis = analyze_text(&plan, std::path::Path::new("."));
        assert!(analysis.diagnostics.is_empty(), "{:?}", analysis.diagnostics);
        let rule = analysis.model.of_kind("rule").next().unwrap().0;
        assert_eq!(super::rule(&analysis.model, rule).map(parts).unwrap_or_default().len(), 6);
    }

    #[test]
    fn a_rule_may_stand_on_one_line() {
        let plan = format!("{HEAD}nsg web {{\n rule r inbound allow tcp 443 from Internet priority 100\n}}\n");
        let analysis = analyze_text(&plan, std::path::Path::new("."));
        assert!(analysis.diagnostics.is_empty(), "{:?}", analysis.diagnostics);
    }

    #[test]
    fn ports_out_of_range_or_reversed_are_type_errors() {
        assert_eq!(error("inbound allow tcp 65536 from any priority 100"), "ASH104 port 65536 is out of range");
        assert_eq!(error("inbound allow tcp \"5010-5000\" from any priority 100"), "ASH104 the range \"5010-5000\" ends before it starts");
        assert_eq!(error("inbound allow tcp [80, \"1-70000\"] from any priority 100"), "ASH104 port 70000 is out of range");
        assert_eq!(error("inbound allow tcp \"80-\" from any priority 100"), "ASH104 \"80-\" is not a port or a range of ports");
        assert_eq!(error("inbound allow tcp \"+80\" from any priority 100"), "ASH104 \"+80\" is not a port or a range of ports");
        assert_eq!(error("inbound allow tcp [] from any priority 100"), "ASH104 an empty list names no port");
        assert_eq!(error("inbound allow tcp [80, any] from any priority 100"), "ASH104 `any` cannot stand in a list of ports");
        assert_eq!(error("inbound allow icmp 8 from any priority 100"), "ASH104 icmp has no ports");
        // The edges are fine.
        assert_eq!(attrs("inbound allow tcp [0, \"65535-65535\"] from any priority 100")[3].1, "[0, 65535-65535]");
    }

    #[test]
    fn an_unquoted_range_is_a_syntax_error_that_says_how_to_write_it() {
        let plan = format!("{HEAD}nsg web {{\n rule r {{ inbound allow tcp 5000-5010 from any priority 100 }}\n}}\n");
        let analysis = analyze_text(&plan, std::path::Path::new("."));
        assert_eq!(analysis.diagnostics.len(), 1, "{:?}", analysis.diagnostics);
        assert_eq!(analysis.diagnostics[0].code.code, "ASH001");
        assert_eq!(analysis.diagnostics[0].help.as_deref(), Some("write a range of ports in quotes: \"5000-5010\""));
    }

    #[test]
    fn words_out_of_place_are_named() {
        assert_eq!(error("inbund allow tcp 443 from any priority 100"), "ASH104 expected a direction (`inbound`, `outbound`), found `inbund`");
        assert_eq!(error("inbound permit tcp 443 from any priority 100"), "ASH104 expected an access (`allow`, `deny`), found `permit`");
        assert_eq!(
            error("inbound allow http 443 from any priority 100"),
            "ASH104 expected a protocol (`tcp`, `udp`, `icmp`, `esp`, `ah`, `any`), found `http`"
        );
        assert_eq!(error("inbound allow tcp 443 form any priority 100"), "ASH109 `form` does not belong in the phrase of rule `web.r`");
        assert_eq!(error("inbound allow tcp 443 from any priority 100 100"), "ASH109 an integer does not belong in the phrase of rule `web.r`");
        assert_eq!(error("inbound allow"), "ASH109 the phrase ends where a protocol belongs");
        assert_eq!(error("inbound allow tcp 443 from any"), "ASH109 rule `web.r` has no `priority`: Azure needs a priority for every rule");
        assert_eq!(error("inbound allow tcp 443 priority 100"), "ASH109 rule `web.r` has no `from`: Azure needs a source for every rule");
        assert_eq!(error("inbound allow tcp 443 from any priority 100 from any"), "ASH108 `from` is given twice");
        assert_eq!(error("inbound allow tcp 443 from any priority"), "ASH109 `priority` needs a number from 100 to 4096 after it");
        assert_eq!(error("inbound allow tcp 443 from any priority \"100\""), "ASH104 expected a priority, a number, found a string");
        assert_eq!(
            error("inbound allow tcp 443 from any priority 100 description x"),
            "ASH104 expected a description in double quotes, found a name"
        );
        assert_eq!(error("inbound allow tcp 443 from any priority 100 == 2"), "ASH109 an operator does not belong in the phrase of rule `web.r`");
    }

    #[test]
    fn addresses_that_azure_refuses_are_type_errors() {
        assert_eq!(
            error("inbound allow tcp 443 from [Internet, 10.0.0.0/8] priority 100"),
            "ASH104 the service tag `Internet` cannot stand in a list of addresses"
        );
        assert_eq!(error("inbound allow tcp 443 from [10.0.0.0/8, any] priority 100"), "ASH104 `any` cannot stand in a list of addresses");
        assert_eq!(error("inbound allow tcp 443 from [] priority 100"), "ASH104 an empty list names no address");
        assert_eq!(error("inbound allow tcp 443 from \"10.0.0.1/8\" priority 100"), "ASH104 \"10.0.0.1/8\" has host bits set");
        assert_eq!(error("inbound allow tcp 443 from 443 priority 100"), "ASH104 expected an address, found an integer");
        assert_eq!(error("inbound allow tcp 443 from app1.wbe priority 100"), "ASH106 nothing named `wbe` in spoke `app1`");
        assert_eq!(
            error("inbound allow tcp 443 from web priority 100"),
            "ASH107 expected an address, a subnet, a hub or a spoke, but `web` is a nsg"
        );
        // A tag alone in a list is one address.
        assert_eq!(attrs("inbound allow tcp 443 from [Internet] priority 100")[4].1, "[Internet]");
    }

    #[test]
    fn a_rule_without_a_phrase_or_with_attributes_is_reported() {
        let plan = format!("{HEAD}nsg web {{\n rule r {{ }}\n rule s {{ priority = 100 }}\n rule t {{ inbound {{ }} }}\n}}\n");
        let analysis = analyze_text(&plan, std::path::Path::new("."));
        let found: Vec<String> = analysis.diagnostics.iter().map(|d| format!("{} {}", d.code.code, d.message)).collect();
        assert_eq!(
            found,
            [
                "ASH109 rule `web.r` has no phrase",
                "ASH109 rule `web.s` has no phrase",
                "ASH102 a rule has no attribute `priority`",
                "ASH109 rule `web.t` has no phrase",
                "ASH109 the phrase of a rule takes no `{ ... }`",
            ]
        );
    }
}
