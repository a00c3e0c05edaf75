//! `existing KIND NAME { ... }`: resources deployed elsewhere, in this plan's
//! subscription or another, that a plan refers to but never deploys: a storage
//! account, a SQL server, a Log Analytics workspace, a compute gallery, a
//! virtual network, a firewall policy, and the sources of a gallery image
//! version (a managed image, a virtual machine, another gallery's image
//! version); and `existing key_vault`, which is the `key_vault` kind. Each is typed by its kind, so that a reference to one
//! of the wrong kind is an error, and each becomes a resource ID built at
//! deployment time ([`Prop::External`]), never a resource of the output.

use crate::azure::names::{self, NameRule};
use crate::lower::ir::{External, Prop};
use crate::model::{Model, NodeId};
use crate::schema::attrs;
use crate::schema::{attr, AttrSchema, KindSchema, Naming, Type};

/// The word that opens the form: `existing storage_account logs { ... }`.
pub const EXISTING: &str = "existing";

/// One kind of resource a plan may refer to with `existing`.
#[derive(Debug)]
pub struct ExistingKind {
    /// The word after `existing`: `storage_account`.
    pub word: &'static str,
    /// The kind's name in the model: `existing storage_account`.
    pub kind: &'static str,
    /// The Azure resource type its ID names.
    pub resource_type: &'static str,
    /// Azure's rule for its names.
    pub rule: &'static NameRule,
    /// The attribute that holds its Azure name.
    pub name_attr: &'static str,
}

/// Every kind `existing` takes, in the order the docs list them.
#[rustfmt::skip]
pub const EXISTING_KINDS: &[ExistingKind] = &[
    ExistingKind { word: "storage_account", kind: "existing storage_account", resource_type: "Microsoft.Storage/storageAccounts", rule: &names::STORAGE_ACCOUNT, name_attr: NAME },
    ExistingKind { word: "key_vault", kind: "key_vault", resource_type: "Microsoft.KeyVault/vaults", rule: &names::KEY_VAULT, name_attr: "vault_name" },
    ExistingKind { word: "sql_server", kind: "existing sql_server", resource_type: "Microsoft.Sql/servers", rule: &names::SQL_SERVER, name_attr: NAME },
    ExistingKind { word: "log_analytics", kind: "existing log_analytics", resource_type: "Microsoft.OperationalInsights/workspaces", rule: &names::LOG_ANALYTICS, name_attr: NAME },
    ExistingKind { word: "gallery", kind: "existing gallery", resource_type: "Microsoft.Compute/galleries", rule: &names::GALLERY, name_attr: NAME },
    ExistingKind { word: "vnet", kind: "existing vnet", resource_type: "Microsoft.Network/virtualNetworks", rule: &names::VIRTUAL_NETWORK, name_attr: NAME },
    ExistingKind { word: "firewall_policy", kind: "existing firewall_policy", resource_type: "Microsoft.Network/firewallPolicies", rule: &names::FIREWALL_POLICY, name_attr: NAME },
    ExistingKind { word: "managed_image", kind: EXISTING_MANAGED_IMAGE, resource_type: "Microsoft.Compute/images", rule: &names::MANAGED_IMAGE, name_attr: NAME },
    ExistingKind { word: "virtual_machine", kind: EXISTING_VIRTUAL_MACHINE, resource_type: "Microsoft.Compute/virtualMachines", rule: &names::VIRTUAL_MACHINE, name_attr: NAME },
    // Named by three segments; the rule checked is the image definition's (`image`).
    ExistingKind { word: "image_version", kind: EXISTING_IMAGE_VERSION, resource_type: "Microsoft.Compute/galleries/images/versions", rule: &names::IMAGE_DEFINITION, name_attr: IMAGE },
];

/// The kind of an existing managed image.
pub const EXISTING_MANAGED_IMAGE: &str = "existing managed_image";
/// The kind of an existing virtual machine.
pub const EXISTING_VIRTUAL_MACHINE: &str = "existing virtual_machine";
/// The kind of an existing gallery image version.
pub const EXISTING_IMAGE_VERSION: &str = "existing image_version";
/// The kinds an image version can be made from without Image Builder.
pub const VERSION_SOURCES: &[&str] = &[EXISTING_MANAGED_IMAGE, EXISTING_VIRTUAL_MACHINE, EXISTING_IMAGE_VERSION];
/// The attribute of an existing image version's gallery (its Azure name).
pub const GALLERY_NAME: &str = "gallery";
/// The attribute of an existing image version's image definition.
pub const IMAGE: &str = "image";
/// The attribute of an existing image version's version number.
pub const VERSION: &str = "version";

/// The kind of an existing virtual network.
pub const EXISTING_VNET: &str = "existing vnet";

/// The kind a nested block's word `word` stands for inside a block of kind
/// `parent`: the kind of that name, but `subnet` inside an `existing vnet`,
/// which is an [`EXISTING_SUBNET`].
pub fn kind_inside(parent: Option<&str>, word: &str) -> Option<&'static KindSchema> {
    if parent == Some(EXISTING_VNET) && word == "subnet" {
        return Some(&SUBNET);
    }
    crate::kinds::kind(word)
}

/// The word a kind of block is written with: `subnet` for an
/// [`EXISTING_SUBNET`] (inside an `existing vnet`), else the kind's name.
pub fn keyword(kind: &str) -> &str {
    if kind == EXISTING_SUBNET {
        "subnet"
    } else {
        kind
    }
}

/// Whether a block is a subnet of an existing virtual network.
pub fn is_existing_subnet(model: &Model, id: NodeId) -> bool {
    model.node(id).is(EXISTING_SUBNET)
}

/// The Azure name of a subnet of an existing network: written, else the block's.
pub fn subnet_name(model: &Model, id: NodeId) -> Option<&str> {
    let node = model.node(id);
    node.is(EXISTING_SUBNET).then(|| node.str(NAME).unwrap_or(node.name()))
}

/// The resource ID of a subnet of an existing network, built at deployment
/// time in the network's subscription and resource group:
/// `resourceId('<subscription>', '<group>',
/// 'Microsoft.Network/virtualNetworks/subnets', '<network>', '<subnet>')`.
pub fn subnet_id(model: &Model, id: NodeId) -> Option<Prop> {
    let network = model.node(id).parent?;
    let Some(Prop::External(mut external)) = external_id(model, network) else { return None };
    external.resource_type = "Microsoft.Network/virtualNetworks/subnets";
    external.name = format!("{}/{}", external.name, subnet_name(model, id)?);
    Some(Prop::External(external))
}

/// The attribute of an existing resource's Azure name.
pub const NAME: &str = "name";
/// The attribute of an existing resource's subscription.
pub const SUBSCRIPTION: &str = "subscription";

/// The kind `existing WORD` stands for.
pub fn by_word(word: &str) -> Option<&'static ExistingKind> {
    EXISTING_KINDS.iter().find(|k| k.word == word)
}

/// The existing kind of a model kind, when it is one.
pub fn by_kind(kind: &str) -> Option<&'static ExistingKind> {
    EXISTING_KINDS.iter().find(|k| k.kind == kind)
}

/// The attributes every `existing` kind takes.
macro_rules! existing_attributes {
    ($what:literal $(, $extra:expr)*) => {
        &[
            attr(NAME, Type::String, false, Some("the block's name"), concat!("The ", $what, "'s name in Azure, when it differs from the block's.")),
            attrs::resource_group(true, None, concat!("The resource group the ", $what, " is in.")),
            attr(
                SUBSCRIPTION,
                Type::String,
                false,
                Some("the deployment's"),
                concat!("The ID (a GUID) of the subscription the ", $what, " is in, when it is not the one the plan deploys to."),
            ),
            $($extra,)*
        ]
    };
}

const fn existing(kind: &'static str, doc: &'static str, attributes: &'static [AttrSchema]) -> KindSchema {
    KindSchema { kind, doc, naming: Naming::Named, positional: &[], attributes, children: &[], unique: false }
}

pub const STORAGE_ACCOUNT: KindSchema = existing(
    "existing storage_account",
    "A storage account deployed elsewhere, which private endpoints can reach; ashlar never deploys it.",
    existing_attributes!("storage account"),
);

pub const SQL_SERVER: KindSchema = existing(
    "existing sql_server",
    "A logical SQL server deployed elsewhere, which private endpoints can reach; ashlar never deploys it.",
    existing_attributes!("SQL server"),
);

pub const LOG_ANALYTICS: KindSchema = existing(
    "existing log_analytics",
    "A Log Analytics workspace deployed elsewhere; ashlar never deploys it.",
    existing_attributes!("Log Analytics workspace"),
);

pub const GALLERY: KindSchema =
    existing("existing gallery", "An Azure Compute Gallery deployed elsewhere; ashlar never deploys it.", existing_attributes!("gallery"));

pub const FIREWALL_POLICY: KindSchema = existing(
    "existing firewall_policy",
    "An Azure Firewall policy deployed elsewhere; ashlar never deploys it.",
    existing_attributes!("firewall policy"),
);

pub const VNET: KindSchema = KindSchema {
    children: &[EXISTING_SUBNET],
    ..existing(
        EXISTING_VNET,
        "A virtual network deployed elsewhere, which a hub, spoke or vnet can peer with (only this plan's side of the peering is deployed), and whose subnets (`subnet NAME PREFIX`) the plan's machines and private endpoints can join.",
        existing_attributes!(
            "virtual network",
            attr(
                "address_space",
                Type::List(&Type::Prefix),
                false,
                Some("unknown"),
                "The network's address space, for the checks of overlapping peered networks; without it they cannot check this network.",
            ),
            attr(
                "gateway_transit",
                Type::Boolean,
                false,
                Some("false"),
                "Whether the network has a VPN or ExpressRoute gateway and its side of the peering allows gateway transit, so that the plan's side may use it (`use_remote_gateways`).",
            ),
            attrs::location(Some("settings.location"), "The network's region: the machines that join its subnets deploy there, as a network interface must be in its network's region.")
        )
    )
};

/// The kind of a subnet of an existing virtual network: written `subnet NAME
/// [PREFIX]` inside an `existing vnet`.
pub const EXISTING_SUBNET: &str = attrs::SUBNET_KINDS[1];

/// The attribute of a subnet's address prefix, its own or an existing one's.
pub const ADDRESS_PREFIX: &str = "address_prefix";

/// `subnet app 10.50.1.0/24` inside an `existing vnet`: a subnet of a network
/// deployed elsewhere, which the plan's machines join (a machine's `subnet =
/// connectivity.app`) and its private endpoints (nested `private_endpoint`
/// blocks), and never deploys. It takes the options of the plan's own subnets
/// only for `ASH273` to report them: its owner sets them.
pub const SUBNET: KindSchema = KindSchema {
    kind: EXISTING_SUBNET,
    doc: "A subnet of an `existing vnet`, which machines and private endpoints can join; ashlar never deploys it. Its prefix, when given, lets the checks that need it run.",
    naming: Naming::Named,
    positional: &[ADDRESS_PREFIX],
    attributes: &crate::blocks::network::with_subnet_options::<2, 9>([
        attr(
            ADDRESS_PREFIX,
            Type::Prefix,
            false,
            Some("unknown"),
            "The subnet's address prefix as Azure has it, for the checks of the machines' addresses and of its capacity; without it they are skipped for this subnet.",
        ),
        attr(NAME, Type::String, false, Some("the block's name"), "The subnet's name in Azure, when it differs from the block's."),
    ]),
    children: &["private_endpoint"],
    unique: false,
};

pub const MANAGED_IMAGE: KindSchema = existing(
    EXISTING_MANAGED_IMAGE,
    "A managed image deployed elsewhere, which an `image` can make a gallery image version from (`source`); ashlar never deploys it.",
    existing_attributes!("managed image"),
);

pub const VIRTUAL_MACHINE: KindSchema = existing(
    EXISTING_VIRTUAL_MACHINE,
    "A virtual machine deployed elsewhere, which an `image` can capture into a gallery image version (`source`); ashlar never deploys it.",
    existing_attributes!("virtual machine"),
);

pub const IMAGE_VERSION: KindSchema = existing(
    EXISTING_IMAGE_VERSION,
    "An image version in a gallery deployed elsewhere, which an `image` can copy into a version of its own (`source`); ashlar never deploys it.",
    &[
        attr(GALLERY_NAME, Type::String, true, None, "The Azure name of the gallery that holds the version."),
        attr(IMAGE, Type::String, true, None, "The name of the image definition in that gallery."),
        attr(VERSION, Type::Version, true, None, "The version, `MAJOR.MINOR.PATCH`."),
        attrs::resource_group(true, None, "The resource group the gallery is in."),
        attr(
            SUBSCRIPTION,
            Type::String,
            false,
            Some("the deployment's"),
            "The ID (a GUID) of the subscription the gallery is in, when it is not the one the plan deploys to.",
        ),
    ],
);

/// The Azure name of an existing resource: written, else the block's. For an
/// image version, the name of its image definition (its own name is
/// [`segments`]).
pub fn azure_name(model: &Model, id: NodeId) -> Option<&str> {
    let node = model.node(id);
    let kind = by_kind(node.kind.kind)?;
    Some(node.str(kind.name_attr).unwrap_or(node.name()))
}

/// The segments of an existing resource's name, as its ID has them: one, or
/// gallery, image and version for an image version.
pub fn segments(model: &Model, id: NodeId) -> Vec<String> {
    let node = model.node(id);
    if node.is(EXISTING_IMAGE_VERSION) {
        let version = match node.get(VERSION).map(|a| &a.value) {
            Some(crate::model::Typed::Version(major, minor, patch)) => format!("{major}.{minor}.{patch}"),
            _ => String::new(),
        };
        return vec![node.str(GALLERY_NAME).unwrap_or_default().to_string(), node.str(IMAGE).unwrap_or_default().to_string(), version];
    }
    azure_name(model, id).map(|n| vec![n.to_string()]).unwrap_or_default()
}

/// The resource ID of an existing resource, built at deployment time.
pub fn external_id(model: &Model, id: NodeId) -> Option<Prop> {
    let node = model.node(id);
    let kind = by_kind(node.kind.kind)?;
    Some(Prop::External(Box::new(External {
        subscription: node.str(SUBSCRIPTION).map(str::to_string),
        resource_group: node.str(attrs::RESOURCE_GROUP).unwrap_or_default().to_string(),
        resource_type: kind.resource_type,
        name: segments(model, id).join("/"),
    })))
}

/// Whether a block is a resource deployed elsewhere.
pub fn is_existing(model: &Model, id: NodeId) -> bool {
    by_kind(model.node(id).kind.kind).is_some()
}
