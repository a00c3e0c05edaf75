//! What a policy can see: the collections it iterates and the fields of each
//! value, with their types. [`super::check`] types policies against these
//! tables and [`super::eval`] reads the same fields from the model, so that a
//! field either type-checks and has a value, or is refused at compile time.

use crate::blocks::security::{ACCESSES, DIRECTIONS, PROTOCOLS};
use crate::schema::{Naming, Type};

/// The type of a value in a policy.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    Bool,
    Int,
    /// Text compared exactly.
    Str,
    /// A word compared in any case; `Some` when it is one of a fixed set.
    Word(Option<&'static [&'static str]>),
    /// An Azure region.
    Region,
    Prefix,
    Ip,
    /// An address of an NSG rule or a route: a prefix, an IP address, a service
    /// tag, or `*` for any.
    Address,
    /// A port or a range of ports.
    Ports,
    /// Tags: names to strings.
    Map,
    /// `secret(vault, "name")`: only its presence and its name are visible.
    Secret,
    Entity(Entity),
    List(Box<Ty>),
    /// A bare word written in the policy that is no variable: `Internet`, `tcp`, `uksouth`.
    Symbol(String),
}

/// A value with fields.
#[derive(Clone, Debug, PartialEq)]
pub enum Entity {
    /// A block of one of these kinds; empty for any block.
    Block(Vec<&'static str>),
    /// A security rule of an NSG, as deployed: its typed phrase and its NSG.
    Rule,
    /// An Azure resource the plan deploys.
    Resource,
    /// A resource group the plan deploys.
    Group,
}

impl Ty {
    /// The type in words, for messages.
    pub fn describe(&self) -> String {
        match self {
            Ty::Bool => "a condition".into(),
            Ty::Int => "a number".into(),
            Ty::Str => "a string".into(),
            Ty::Word(_) => "a word".into(),
            Ty::Region => "a region".into(),
            Ty::Prefix => "an address prefix".into(),
            Ty::Ip => "an IP address".into(),
            Ty::Address => "an address".into(),
            Ty::Ports => "ports".into(),
            Ty::Map => "tags".into(),
            Ty::Secret => "a secret".into(),
            Ty::Entity(Entity::Block(kinds)) if kinds.is_empty() => "a block".into(),
            Ty::Entity(Entity::Block(kinds)) if kinds == NETWORKS => "a network".into(),
            Ty::Entity(Entity::Block(kinds)) if kinds == MACHINES => "a machine block".into(),
            Ty::Entity(Entity::Block(kinds)) => format!("a {}", kinds.join(" or ")),
            Ty::Entity(Entity::Rule) => "an NSG rule".into(),
            Ty::Entity(Entity::Resource) => "a resource".into(),
            Ty::Entity(Entity::Group) => "a resource group".into(),
            Ty::List(inner) => format!("a list of {}", plural_words(inner)),
            Ty::Symbol(w) => format!("the word `{w}`"),
        }
    }
}

fn plural_words(ty: &Ty) -> String {
    match ty {
        Ty::Entity(Entity::Block(kinds)) if kinds == NETWORKS => "networks".into(),
        Ty::Entity(Entity::Block(kinds)) if kinds == MACHINES => "machine blocks".into(),
        Ty::Entity(Entity::Block(kinds)) if !kinds.is_empty() => kinds.iter().map(|k| plural(k)).collect::<Vec<_>>().join(" and "),
        Ty::Entity(Entity::Rule) => "NSG rules".into(),
        Ty::Address => "addresses".into(),
        Ty::Prefix => "address prefixes".into(),
        Ty::Ip => "IP addresses".into(),
        Ty::Ports => "ports".into(),
        other => format!("values, each {}", other.describe()),
    }
}

/// Kinds a policy does not see: the policies themselves and their test cases,
/// and the blocks of settings, which are read through `settings`. The firewall's rule
/// collections have no typed fields yet, nor a firewall policy's `dns` and
/// `threat_intel_allow` settings. Resources outside the plan (`existing KIND`)
/// are not the plan's to judge.
const HIDDEN: &[&str] = &[
    "policy",
    "case",
    "azure_policy",
    "resource_group",
    "tags",
    "settings",
    "naming",
    "network_rules",
    "application_rules",
    "dnat",
    "network_collection",
    "application_collection",
    "dns",
    "threat_intel_allow",
];

/// The kinds that are networks.
pub const NETWORKS: &[&str] = &["hub", "spoke", "vnet"];

/// The kinds that make virtual machines: single machines, scale sets, and the
/// session hosts of desktop pools.
pub const MACHINES: &[&str] = &["compute", "scale_set", "desktop_pool"];

/// A machine's `os`: that of its image, `windows` or `linux`.
pub const OS_WORDS: &[&str] = &["windows", "linux"];

/// The plural of a kind, as collections and list fields are named.
pub fn plural(kind: &str) -> String {
    match irregular_plural(kind) {
        Some(plural) => plural.into(),
        None => format!("{kind}s"),
    }
}

/// Whether `name` is the plural of `kind`, without making the plural: fields
/// are looked up for every item a policy visits.
pub fn is_plural_of(kind: &str, name: &str) -> bool {
    match irregular_plural(kind) {
        Some(plural) => plural == name,
        None => name.strip_suffix('s') == Some(kind),
    }
}

fn irregular_plural(kind: &str) -> Option<&'static str> {
    match kind {
        "private_dns" => Some("private_dns_zones"),
        "backup_policy" => Some("backup_policies"),
        "gallery" => Some("galleries"),
        "capacity" => Some("capacities"),
        "firewall_policy" => Some("firewall_policies"),
        "log_analytics" => Some("log_analytics_workspaces"),
        // Their own plurals, as `compute` is.
        "diagnostics" => Some("diagnostics"),
        "insights" => Some("insights"),
        // `for vm in compute`: the kind is its own plural.
        "compute" => Some("compute"),
        _ => None,
    }
}

/// Where the items of a top-level collection come from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// The plan's blocks of these kinds, in declaration order.
    Kinds(Vec<&'static str>),
    /// The rules of every NSG, as deployed: those of included rule sets too.
    Rules,
    Resources,
    Groups,
}

impl Source {
    /// The type of one item.
    pub fn item(&self) -> Ty {
        match self {
            Source::Kinds(kinds) => Ty::Entity(Entity::Block(kinds.clone())),
            Source::Rules => Ty::Entity(Entity::Rule),
            Source::Resources => Ty::Entity(Entity::Resource),
            Source::Groups => Ty::Entity(Entity::Group),
        }
    }

    /// Whether the items exist only once the plan is lowered.
    pub fn after_lowering(&self) -> bool {
        matches!(self, Source::Resources | Source::Groups)
    }
}

/// A top-level collection by name: plural (`nsgs`) or singular (`nsg`, which
/// in `for rule in nsg.rules` also binds `nsg` to each NSG). The flag is true
/// for a singular name.
pub fn collection(name: &str) -> Option<(Source, bool)> {
    match name {
        "networks" => return Some((Source::Kinds(NETWORKS.to_vec()), false)),
        "network" => return Some((Source::Kinds(NETWORKS.to_vec()), true)),
        "machines" => return Some((Source::Kinds(MACHINES.to_vec()), false)),
        "machine" => return Some((Source::Kinds(MACHINES.to_vec()), true)),
        "rules" => return Some((Source::Rules, false)),
        "rule" => return Some((Source::Rules, true)),
        "resources" => return Some((Source::Resources, false)),
        "resource" => return Some((Source::Resources, true)),
        "resource_groups" => return Some((Source::Groups, false)),
        "resource_group" => return Some((Source::Groups, true)),
        _ => {}
    }
    // Every bare word of a policy is looked up here, once per item it is
    // evaluated for: the names are found in a table made once, hashed with
    // foldhash as the model's maps are.
    type ByName = std::collections::HashMap<String, (&'static str, bool), foldhash::fast::FixedState>;
    static BY_NAME: std::sync::OnceLock<ByName> = std::sync::OnceLock::new();
    let by_name = BY_NAME.get_or_init(|| {
        let mut map = ByName::default();
        for k in visible_kinds() {
            map.entry(plural(k)).or_insert((k, false));
            map.entry(k.to_string()).or_insert((k, true));
        }
        map
    });
    by_name.get(name).map(|&(k, singular)| (Source::Kinds(vec![k]), singular))
}

/// The names of the plural collections, for "did you mean" and the docs.
pub fn collection_names() -> Vec<String> {
    let mut names: Vec<String> = visible_kinds().filter(|k| *k != "rule").map(plural).collect();
    names.extend(["networks", "machines", "rules", "resources", "resource_groups"].map(String::from));
    names
}

fn visible_kinds() -> impl Iterator<Item = &'static str> {
    crate::kinds::ALL_KINDS.iter().map(|k| k.kind).filter(|k| !HIDDEN.contains(k) && !k.starts_with("existing "))
}

/// The policy type of an attribute's schema type.
pub fn of_schema(ty: &Type) -> Ty {
    match ty {
        Type::String => Ty::Str,
        Type::Integer { .. } => Ty::Int,
        // A shared block counts as `true`: the block has one (see `eval`).
        Type::Boolean | Type::OwnOrRef(_) => Ty::Bool,
        Type::Prefix | Type::PrefixOrAuto => Ty::Prefix,
        Type::IpAddress => Ty::Ip,
        Type::Region => Ty::Region,
        Type::StringMap => Ty::Map,
        Type::Word(set) => Ty::Word(Some(set)),
        Type::Name => Ty::Word(None),
        Type::Ref(kinds) => Ty::Entity(Entity::Block(kinds.to_vec())),
        Type::List(inner) | Type::OneOrList(inner) => Ty::List(Box::new(of_schema(inner))),
        Type::Secret => Ty::Secret,
        Type::Version => Ty::Str,
        Type::Duration => Ty::Int,
        Type::TimeOfDay => Ty::Str,
    }
}

/// Fields every block has, whatever its kind.
const COMMON: &[&str] = &["name", "kind", "path", "location", "resource_group", "tags"];

/// The fields of an NSG rule.
pub const RULE_FIELDS: &[&str] = &[
    "name",
    "kind",
    "path",
    "nsg",
    "rule_set",
    "direction",
    "access",
    "inbound",
    "outbound",
    "allow",
    "deny",
    "protocol",
    "ports",
    "source",
    "destination",
    "priority",
    "description",
];

const RESOURCE_FIELDS: &[&str] = &["name", "type", "location", "resource_group", "tags", "block", "api_version"];
const GROUP_FIELDS: &[&str] = &["name", "location", "tags"];

/// The kinds whose blocks hold blocks of `kinds`.
fn parents(kinds: &[&'static str]) -> Vec<&'static str> {
    crate::kinds::ALL_KINDS.iter().filter(|k| k.children.iter().any(|c| kinds.contains(c))).map(|k| k.kind).collect()
}

/// The kinds `nsg` and `route_table` are used by subnets: `nsg.subnets` lists them.
fn attached(kind: &str) -> bool {
    crate::blocks::attach::attribute(kind).is_some()
}

/// The type of a field of an entity; `None` when it has no such field.
pub fn field(entity: &Entity, name: &str) -> Option<Ty> {
    match entity {
        Entity::Rule => rule_field(name),
        Entity::Resource => match name {
            "name" | "resource_group" | "api_version" => Some(Ty::Str),
            "type" => Some(Ty::Word(None)),
            "location" => Some(Ty::Region),
            "tags" => Some(Ty::Map),
            "block" => Some(Ty::Entity(Entity::Block(Vec::new()))),
            _ => None,
        },
        Entity::Group => match name {
            "name" => Some(Ty::Str),
            "location" => Some(Ty::Region),
            "tags" => Some(Ty::Map),
            _ => None,
        },
        Entity::Block(kinds) => block_field(kinds, name),
    }
}

fn rule_field(name: &str) -> Option<Ty> {
    Some(match name {
        "name" | "path" | "description" => Ty::Str,
        "kind" => Ty::Word(None),
        "nsg" => Ty::Entity(Entity::Block(vec!["nsg"])),
        "rule_set" => Ty::Entity(Entity::Block(vec!["rule_set"])),
        "direction" => Ty::Word(Some(DIRECTIONS)),
        "access" => Ty::Word(Some(ACCESSES)),
        "inbound" | "outbound" | "allow" | "deny" => Ty::Bool,
        "protocol" => Ty::Word(Some(PROTOCOLS)),
        "ports" => Ty::List(Box::new(Ty::Ports)),
        "source" | "destination" => Ty::List(Box::new(Ty::Address)),
        "priority" => Ty::Int,
        _ => return None,
    })
}

fn block_field(kinds: &[&'static str], name: &str) -> Option<Ty> {
    match name {
        "name" | "path" => return Some(Ty::Str),
        "kind" => return Some(Ty::Word(None)),
        "location" => return Some(Ty::Region),
        "resource_group" => return Some(Ty::Str),
        "tags" => return Some(Ty::Map),
        _ => {}
    }
    if name == "parent" {
        let parents = parents(kinds);
        return (!kinds.is_empty() && !parents.is_empty()).then_some(Ty::Entity(Entity::Block(parents)));
    }
    if name == "subnets" && !kinds.is_empty() && kinds.iter().all(|k| attached(k)) {
        return Some(Ty::List(Box::new(Ty::Entity(Entity::Block(vec!["subnet"])))));
    }
    // A machine's operating system, from its image.
    if name == "os" && !kinds.is_empty() && kinds.iter().all(|k| MACHINES.contains(k)) {
        return Some(Ty::Word(Some(OS_WORDS)));
    }
    // A route's phrase.
    if kinds == ["route"] && (name == "address_prefix" || name == "next_hop") {
        return Some(Ty::Address);
    }
    for kind in kinds.iter().filter_map(|k| crate::kinds::kind(k)) {
        if let Some(attr) = kind.attribute(name) {
            return Some(of_schema(&attr.ty));
        }
        for child in kind.children.iter().filter_map(|c| crate::kinds::kind(c)).filter(|c| !HIDDEN.contains(&c.kind)) {
            match child.naming {
                Naming::Named if is_plural_of(child.kind, name) && child.kind == "rule" => return Some(Ty::List(Box::new(Ty::Entity(Entity::Rule)))),
                Naming::Named if is_plural_of(child.kind, name) => return Some(Ty::List(Box::new(Ty::Entity(Entity::Block(vec![child.kind]))))),
                Naming::Unnamed if child.kind == name => return Some(Ty::Entity(Entity::Block(vec![child.kind]))),
                _ => {}
            }
        }
    }
    None
}

/// Every field of an entity, for "did you mean" and help.
pub fn field_names(entity: &Entity) -> Vec<String> {
    match entity {
        Entity::Rule => RULE_FIELDS.iter().map(|s| s.to_string()).collect(),
        Entity::Resource => RESOURCE_FIELDS.iter().map(|s| s.to_string()).collect(),
        Entity::Group => GROUP_FIELDS.iter().map(|s| s.to_string()).collect(),
        Entity::Block(kinds) => {
            let mut names: Vec<String> = COMMON.iter().map(|s| s.to_string()).collect();
            let mut candidates: Vec<String> = vec!["parent".into(), "subnets".into(), "address_prefix".into(), "next_hop".into(), "os".into()];
            for kind in kinds.iter().filter_map(|k| crate::kinds::kind(k)) {
                candidates.extend(kind.attributes.iter().map(|a| a.name.to_string()));
                for child in kind.children.iter().filter_map(|c| crate::kinds::kind(c)) {
                    candidates.push(match child.naming {
                        Naming::Named => plural(child.kind),
                        Naming::Unnamed => child.kind.to_string(),
                    });
                }
            }
            for c in candidates {
                if !names.contains(&c) && block_field(kinds, &c).is_some() {
                    names.push(c);
                }
            }
            names
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collections_by_plural_and_singular_names() {
        assert_eq!(collection("hubs"), Some((Source::Kinds(vec!["hub"]), false)));
        assert_eq!(collection("nsg"), Some((Source::Kinds(vec!["nsg"]), true)));
        assert_eq!(collection("private_dns_zones"), Some((Source::Kinds(vec!["private_dns"]), false)));
        assert_eq!(collection("networks"), Some((Source::Kinds(vec!["hub", "spoke", "vnet"]), false)));
        assert_eq!(collection("rules"), Some((Source::Rules, false)));
        assert_eq!(collection("machines"), Some((Source::Kinds(vec!["compute", "scale_set", "desktop_pool"]), false)));
        assert_eq!(collection("policies"), None);
        assert_eq!(collection("settings"), None);
        assert!(collection_names().contains(&"route_tables".to_string()));
    }

    #[test]
    fn fields_of_blocks_come_from_their_schemas() {
        let hub = Entity::Block(vec!["hub"]);
        assert_eq!(field(&hub, "address_space"), Some(Ty::List(Box::new(Ty::Prefix))));
        assert_eq!(field(&hub, "subnets"), Some(Ty::List(Box::new(Ty::Entity(Entity::Block(vec!["subnet"]))))));
        assert_eq!(field(&hub, "firewall"), Some(Ty::Entity(Entity::Block(vec!["firewall"]))));
        assert_eq!(field(&hub, "parent"), None);
        assert_eq!(field(&Entity::Block(vec!["nsg"]), "rules"), Some(Ty::List(Box::new(Ty::Entity(Entity::Rule)))));
        assert_eq!(field(&Entity::Block(vec!["nsg"]), "subnets"), Some(Ty::List(Box::new(Ty::Entity(Entity::Block(vec!["subnet"]))))));
        assert_eq!(field(&Entity::Block(vec!["subnet"]), "parent"), Some(Ty::Entity(Entity::Block(vec!["hub", "spoke", "vnet"]))));
        assert_eq!(field(&Entity::Block(vec!["subnet"]), "nsg"), Some(Ty::Entity(Entity::Block(vec!["nsg"]))));
        assert_eq!(field(&Entity::Block(vec![]), "address_space"), None);
        assert_eq!(field(&Entity::Rule, "ports"), Some(Ty::List(Box::new(Ty::Ports))));
        let names = field_names(&hub);
        assert!(names.contains(&"vpn_gateway".to_string()) && names.contains(&"sites".to_string()), "{names:?}");
        // Every listed field types.
        for entity in [hub, Entity::Rule, Entity::Resource, Entity::Group, Entity::Block(vec!["subnet"]), Entity::Block(vec!["route"])] {
            for name in field_names(&entity) {
                assert!(field(&entity, &name).is_some(), "{entity:?}.{name}");
            }
        }
    }
}
