//! The kinds of block a plan may hold, with their attributes, types and docs.
//!
//! Resolution types every block against its schema; the language server reads
//! the same tables for hover and completion. Each building block defines its
//! kinds in its file under [`crate::blocks`]; [`crate::kinds`] lists them all.
//! This module holds only what a schema is, so the model can hold one.

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
    /// A bare name from no fixed set, such as a private endpoint's `group = blob`.
    Name,
    /// A reference to a block of one of these kinds; `&[]` means any named block.
    Ref(&'static [&'static str]),
    /// `true` for one of the block's own, `false` for none, or a reference to
    /// a shared block of one of these kinds (`availability_set = true` or
    /// `availability_set = sql`).
    OwnOrRef(&'static [&'static str]),
    List(&'static Type),
    /// One value, or a list of them (`updates = a` or `updates = [a, b]`);
    /// typed as a list either way.
    OneOrList(&'static Type),
    /// `secret(vault, "name")`: a secret of a `key_vault` block, never a literal.
    Secret,
    /// A version literal `MAJOR.MINOR.PATCH` such as `1.2.0`, each part at most 2147483647.
    Version,
    /// A duration literal such as `2h`, `90m` or `1h30m`.
    Duration,
    /// A time of day such as `07:00` or `18:30`.
    TimeOfDay,
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
            Type::Name => "a name like `blob`".into(),
            Type::Word(words) => format!("one of {}", words.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(", ")),
            Type::Ref([]) => "a reference to a block".into(),
            Type::Ref(kinds) => format!("a reference to a {}", kinds.join(" or ")),
            Type::OwnOrRef(kinds) => format!("`true`, `false`, or a reference to a {}", kinds.join(" or ")),
            Type::List(inner) => format!("a list, each {}", inner.describe()),
            Type::OneOrList(inner) => format!("{}, or a list of them", inner.describe()),
            Type::Secret => "a secret: `secret(VAULT, \"NAME\")`".into(),
            Type::Version => "a version like 1.2.0".into(),
            Type::Duration => "a duration like 2h or 90m".into(),
            Type::TimeOfDay => "a time of day like 07:00".into(),
        }
    }
}

/// One attribute of a kind.
#[derive(Debug, Clone, Copy)]
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
    /// Its attribute `name`; `names` for the kinds that deploy resources
    /// (see [`NAMED_RESOURCES`]).
    pub fn attribute(&'static self, name: &str) -> Option<&'static AttrSchema> {
        self.attributes
            .iter()
            .find(|a| a.name == name)
            .or_else(|| (name == NAMES_ATTR.name && !names_of(self.kind).is_empty()).then_some(&NAMES_ATTR))
    }

    /// Whether blocks of this kind are written as phrases: see [`PHRASE_KINDS`].
    pub fn takes_phrases(&self) -> bool {
        PHRASE_KINDS.contains(&self.kind)
    }
}

/// `names { PATTERN = "..." }`: what a block's own resources are called, a
/// pattern or an exact name for each, over the plan's `naming`.
pub const NAMES_ATTR: AttrSchema = AttrSchema {
    name: "names",
    ty: Type::StringMap,
    required: false,
    default: Some("the plan's `naming`"),
    doc: "The Azure names of what the block deploys, by the `naming` pattern that names each (`names { virtual_machine = \"VM-LEGACY-01\" }`): a name as it is, or a pattern with the `naming` placeholders.",
};

/// The `naming` patterns of what each kind of block deploys: the keys its
/// `names` map takes. A hub's firewall, Bastion and gateways are named in
/// their own blocks (or in the hub's `names`).
#[rustfmt::skip]
pub const NAMED_RESOURCES: &[(&str, &[&str])] = &[
    ("hub", &["virtual_network", "peering"]),
    ("spoke", &["virtual_network", "peering", "route_table"]),
    ("vnet", &["virtual_network", "peering"]),
    ("subnet", &["subnet"]),
    ("nsg", &["network_security_group"]),
    ("route_table", &["route_table"]),
    ("nat_gateway", &["nat_gateway", "public_ip"]),
    ("private_endpoint", &["private_endpoint"]),
    ("private_dns", &["private_dns_link"]),
    ("firewall", &["firewall", "firewall_policy", "public_ip"]),
    ("firewall_policy", &["firewall_policy"]),
    ("bastion", &["bastion", "public_ip"]),
    ("vpn_gateway", &["vpn_gateway", "public_ip"]),
    ("er_gateway", &["er_gateway", "public_ip"]),
    ("site", &["local_network_gateway", "connection"]),
    ("gallery", &["gallery", "builder_identity"]),
    ("image", &["image_definition", "image_template"]),
    ("compute", &["virtual_machine", "network_interface", "availability_set", "proximity_placement_group", "load_balancer", "public_load_balancer", "public_ip"]),
    ("scale_set", &["scale_set", "proximity_placement_group", "load_balancer", "public_load_balancer", "autoscale", "public_ip"]),
    ("availability_set", &["availability_set"]),
    ("proximity_placement_group", &["proximity_placement_group"]),
    ("update_group", &["maintenance_configuration", "maintenance_assignment"]),
    ("desktop_pool", &["host_pool", "scaling_plan", "virtual_machine", "network_interface"]),
    ("app_group", &["application_group"]),
    ("desktop_workspace", &["desktop_workspace"]),
];

/// The `naming` patterns of what blocks of `kind` deploy; empty for a kind that deploys nothing of its own.
pub fn names_of(kind: &str) -> &'static [&'static str] {
    NAMED_RESOURCES.iter().find(|(k, _)| *k == kind).map_or(&[], |(_, attrs)| attrs)
}

/// Builds an attribute schema; used by the kind definitions in [`crate::blocks`].
pub const fn attr(name: &'static str, ty: Type, required: bool, default: Option<&'static str>, doc: &'static str) -> AttrSchema {
    AttrSchema { name, ty, required, default, doc }
}

/// The attributes many kinds share, each defined once: its name, for the code
/// that reads it (`node.str(attrs::RESOURCE_GROUP)`), and its schema, for the
/// kinds that take it (`attrs::tags("Tags of ...")`).
pub mod attrs {
    use super::{attr, AttrSchema, Type};

    pub const TAGS: &str = "tags";
    pub const RESOURCE_GROUP: &str = "resource_group";
    pub const LOCATION: &str = "location";
    /// The subnet a machine or a session host joins.
    pub const SUBNET: &str = "subnet";
    /// The kinds of subnet machines join: the plan's own, and a subnet of an
    /// `existing vnet` (`existing subnet`, [`crate::blocks::existing::SUBNET`]).
    pub const SUBNET_KINDS: &[&str] = &["subnet", "existing subnet"];

    /// A block's own tags, merged over the plan's.
    pub const fn tags(doc: &'static str) -> AttrSchema {
        attr(TAGS, Type::StringMap, false, Some("settings.tags"), doc)
    }

    /// The resource group of what a block deploys.
    pub const fn resource_group(required: bool, default: Option<&'static str>, doc: &'static str) -> AttrSchema {
        attr(RESOURCE_GROUP, Type::String, required, default, doc)
    }

    /// The region of what a block deploys, when it is not the plan's.
    pub const fn location(default: Option<&'static str>, doc: &'static str) -> AttrSchema {
        attr(LOCATION, Type::Region, false, default, doc)
    }

    /// The subnet that machines join.
    pub const fn subnet(doc: &'static str) -> AttrSchema {
        attr(SUBNET, Type::Ref(SUBNET_KINDS), true, None, doc)
    }
}

/// Kinds whose meaning is a phrase (`rule https { inbound allow tcp 443 ... }`,
/// `route onprem 192.168.0.0/16 via 10.0.0.68`): the words after the name, and
/// the nested blocks of the body that are no kind, are kept in [`crate::model::Node::phrases`]
/// for the kind's own module to read and type (see [`crate::blocks::type_phrases`]).
#[rustfmt::skip]
pub const PHRASE_KINDS: &[&str] = &[
    "rule",
    "route",
    "autoscale",
    "backup_policy",
];

/// Kinds allowed at the top level of a plan.
#[rustfmt::skip]
pub const TOP_LEVEL: &[&str] = &[
    "settings",
    "naming",
    "key_vault",
    "resource_group",
    "existing storage_account",
    "existing sql_server",
    "existing log_analytics",
    "existing gallery",
    "existing vnet",
    "existing firewall_policy",
    "existing managed_image",
    "existing virtual_machine",
    "existing image_version",
    "firewall_policy",
    "hub",
    "spoke",
    "address_pool",
    "nat_gateway",
    "log_analytics",
    "diagnostics",
    "ddos_plan",
    "vnet",
    "private_dns",
    "marketplace_image",
    "nsg",
    "rule_set",
    "route_table",
    "gallery",
    "image",
    "compute",
    "availability_set",
    "proximity_placement_group",
    "scale_set",
    "backup_policy",
    "desktop_pool",
    "desktop_workspace",
    "policy",
    "tags",
    "azure_policy",
    "update_group",
];

/// Reference attributes that relate two blocks without ordering them: the
/// peering or DNS link they make is a resource of its own that waits for both
/// sides, so neither block has to deploy before the other.
#[rustfmt::skip]
pub const UNORDERED_REFERENCES: &[(&str, &str)] = &[
    ("hub", "peer"),
    ("spoke", "peer"),
    ("vnet", "peer"),
    ("private_dns", "link"),
    // The appliance sits in a subnet of the hub; spokes only route to its address.
    ("hub", "appliance"),
];

/// A function a value may call, such as `secret(kv, "name")`: what the
/// language server's signature help and completion show, and the names the
/// resolver knows.
#[derive(Debug)]
pub struct Function {
    pub name: &'static str,
    /// Each parameter as the signature writes it, and what it is.
    pub params: &'static [(&'static str, &'static str)],
    pub doc: &'static str,
}

/// The functions of the language (`docs/language.md`, "Values").
pub const FUNCTIONS: &[Function] = &[
    Function {
        name: "secret",
        params: &[("vault", "the `key_vault` block that holds the secret"), ("\"name\"", "the secret's name in the vault")],
        doc: "A secret of a `key_vault` block: the only way to give an attribute that takes a secret. ARM reads it from the vault during the deployment; it never appears in ashlar's output.",
    },
    Function {
        name: "file",
        params: &[("\"path\"", "a path relative to the plan's folder, which may not leave it")],
        doc: "The text of a file inside the plan's folder, such as a cloud-init script.",
    },
    Function {
        name: "marketplace",
        params: &[("\"publisher\"", "the image's publisher"), ("\"offer\"", "the image's offer"), ("\"sku\"", "the image's SKU")],
        doc: "An image of the Azure Marketplace, by publisher, offer and SKU.",
    },
];

/// The function called `name`.
pub fn function(name: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.name == name)
}
