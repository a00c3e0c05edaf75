//! The kinds of block a plan may hold, with their attributes, types and docs.
//!
//! Resolution types every block against its schema; the language server reads
//! the same tables for hover and completion. A new building block starts here.

/// The type an attribute's value must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    String,
    Integer {
        min: i64,
        max: i64,
    },
    Boolean,
    /// An address prefix such as `10.0.0.0/16`.
    Prefix,
    /// An address prefix, or `auto /N` for the compiler to allocate.
    PrefixOrAuto,
    IpAddress,
    /// An Azure region name such as `uksouth`.
    Region,
    /// A map from names to strings (`tags { environment = "prod" }`).
    StringMap,
    /// A bare word from a fixed set.
    Word(&'static [&'static str]),
    /// A reference to a block of one of these kinds; `&[]` means any named block.
    Ref(&'static [&'static str]),
    List(&'static Type),
}

impl Type {
    /// The type in words, for "expected X" messages and docs.
    pub fn describe(&self) -> String {
        match self {
            Type::String => "a string".into(),
            Type::Integer { .. } => "an integer".into(),
            Type::Boolean => "`true` or `false`".into(),
            Type::Prefix => "an address prefix like 10.0.0.0/16".into(),
            Type::PrefixOrAuto => "an address prefix, or `auto /N`".into(),
            Type::IpAddress => "an IP address".into(),
            Type::Region => "an Azure region like uksouth".into(),
            Type::StringMap => "a map of strings".into(),
            Type::Word(words) => format!("one of {}", words.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(", ")),
            Type::Ref([]) => "a reference to a block".into(),
            Type::Ref(kinds) => format!("a reference to a {}", kinds.join(" or ")),
            Type::List(inner) => format!("a list, each {}", inner.describe()),
        }
    }
}

/// One attribute of a kind.
#[derive(Debug)]
pub struct AttrSchema {
    pub name: &'static str,
    pub ty: Type,
    pub required: bool,
    /// The default in words, when there is one.
    pub default: Option<&'static str>,
    pub doc: &'static str,
}

/// Whether blocks of a kind carry a name after the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    Named,
    Unnamed,
}

/// A kind of block: `hub`, `spoke`, `subnet`, ...
#[derive(Debug)]
pub struct KindSchema {
    pub kind: &'static str,
    pub doc: &'static str,
    pub naming: Naming,
    /// Attributes that may also be written positionally after the name.
    pub positional: &'static [&'static str],
    pub attributes: &'static [AttrSchema],
    /// Kinds of nested block allowed in the body.
    pub children: &'static [&'static str],
    /// At most one block of this kind in a plan.
    pub unique: bool,
}

impl KindSchema {
    pub fn attribute(&'static self, name: &str) -> Option<&'static AttrSchema> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

const fn attr(name: &'static str, ty: Type, required: bool, default: Option<&'static str>, doc: &'static str) -> AttrSchema {
    AttrSchema { name, ty, required, default, doc }
}

const PREFIX: Type = Type::Prefix;
const IP: Type = Type::IpAddress;
const ANY_REF: Type = Type::Ref(&[]);

pub const SETTINGS: KindSchema = KindSchema {
    kind: "settings",
    doc: "Plan-wide settings: the default region and the tags every resource carries.",
    naming: Naming::Unnamed,
    positional: &[],
    attributes: &[
        attr("location", Type::Region, true, None, "Region for every resource group and resource that names none."),
        attr("tags", Type::StringMap, false, Some("no tags"), "Tags put on every resource group and resource; a block's own tags win."),
    ],
    children: &[],
    unique: true,
};

pub const NAMING: KindSchema = KindSchema {
    kind: "naming",
    doc: "How Azure names are derived from block names. Patterns use `{name}` (the block), `{vnet}`, `{remote}` and `{location}`.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attr("virtual_network", Type::String, false, Some("\"{name}\""), "Name of a hub's or spoke's virtual network."),
        attr("subnet", Type::String, false, Some("\"{name}\""), "Name of a subnet."),
        attr("peering", Type::String, false, Some("\"{vnet}-to-{remote}\""), "Name of a peering, on the side of `{vnet}`."),
    ],
    children: &[],
    unique: true,
};

const NETWORK_ATTRIBUTES_HUB: &[AttrSchema] = &[
    attr("resource_group", Type::String, true, None, "Resource group of the virtual network; created when missing."),
    attr("location", Type::Region, false, Some("settings.location"), "Region of the virtual network."),
    attr("address_space", Type::List(&PREFIX), true, None, "Address prefixes of the virtual network."),
    attr("dns_servers", Type::List(&IP), false, Some("Azure-provided DNS"), "Custom DNS servers for the virtual network."),
    attr("tags", Type::StringMap, false, Some("settings.tags"), "Tags of this block's resources, merged over the plan's tags."),
    attr("depends_on", Type::List(&ANY_REF), false, Some("none"), "Blocks to deploy before this one, beyond those it references."),
];

pub const HUB: KindSchema = KindSchema {
    kind: "hub",
    doc: "A hub virtual network: shared services and the connection point of spokes.",
    naming: Naming::Named,
    positional: &[],
    attributes: NETWORK_ATTRIBUTES_HUB,
    children: &["subnet"],
    unique: false,
};

pub const SPOKE: KindSchema = KindSchema {
    kind: "spoke",
    doc: "A spoke virtual network, peered both ways with its hub.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attr("hub", Type::Ref(&["hub"]), true, None, "The hub this spoke is peered with, both ways."),
        attr("resource_group", Type::String, true, None, "Resource group of the virtual network; created when missing."),
        attr("location", Type::Region, false, Some("settings.location"), "Region of the virtual network."),
        attr("address_space", Type::List(&PREFIX), true, None, "Address prefixes of the virtual network."),
        attr("dns_servers", Type::List(&IP), false, Some("Azure-provided DNS"), "Custom DNS servers for the virtual network."),
        attr("tags", Type::StringMap, false, Some("settings.tags"), "Tags of this block's resources, merged over the plan's tags."),
        attr("depends_on", Type::List(&ANY_REF), false, Some("none"), "Blocks to deploy before this one, beyond those it references."),
    ],
    children: &["subnet"],
    unique: false,
};

pub const SUBNET: KindSchema = KindSchema {
    kind: "subnet",
    doc: "A subnet of a hub or spoke: `subnet NAME PREFIX`, or `subnet NAME auto /N` to let ashlar pick a free prefix.",
    naming: Naming::Named,
    positional: &["address_prefix"],
    attributes: &[attr("address_prefix", Type::PrefixOrAuto, true, None, "Address prefix inside the virtual network's address space, or `auto /N`.")],
    children: &[],
    unique: false,
};

/// Every kind, top-level and nested.
pub const ALL_KINDS: &[&KindSchema] = &[&SETTINGS, &NAMING, &HUB, &SPOKE, &SUBNET];

/// Kinds allowed at the top level of a plan.
pub const TOP_LEVEL: &[&str] = &["settings", "naming", "hub", "spoke"];

pub fn kind(name: &str) -> Option<&'static KindSchema> {
    ALL_KINDS.iter().copied().find(|k| k.kind == name)
}
