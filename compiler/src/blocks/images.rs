//! Images that machines start from. `marketplace_image` names an image of the
//! Azure Marketplace; the prelude module `std.images` declares the common ones.
//! `gallery` is an Azure Compute Gallery, and `image` an image definition in
//! one, which Azure VM Image Builder can build from a source image with the
//! customisation of its `build` block.
//!
//! What an `image` lowers to:
//! - always, the image definition (`Microsoft.Compute/galleries/images`);
//! - without `build` but with a `source` that is a version already (an
//!   `existing managed_image`, `existing virtual_machine`, `existing
//!   image_version`, or another `image` with its `version`), the image version
//!   (`Microsoft.Compute/galleries/images/versions`) made from it;
//! - with `build`, an image template (`Microsoft.VirtualMachineImages/imageTemplates`)
//!   named after a hash of its content, since templates cannot be updated; and
//!   once per gallery, the identity Image Builder runs as with a Contributor role
//!   assignment on the gallery's resource group.
//!
//! A built version is not deployed: it comes into being when the template
//! runs (`az image builder run`), after the deployment.

use crate::blocks::lowering::Lowering;
use crate::blocks::naming::Names;
use crate::lower::ir::{AzurePlan, Object, Prop, Resource, ResourceId};
use crate::model::{Model, Node, NodeId, Spanned, Typed};
use crate::schema::attrs;
use crate::schema::{attr, KindSchema, Naming, Type};
use indexmap::IndexMap;

const GALLERY_TYPE: &str = "Microsoft.Compute/galleries";
const IMAGE_TYPE: &str = "Microsoft.Compute/galleries/images";
const VERSION_TYPE: &str = "Microsoft.Compute/galleries/images/versions";
const TEMPLATE_TYPE: &str = "Microsoft.VirtualMachineImages/imageTemplates";
const IDENTITY_TYPE: &str = "Microsoft.ManagedIdentity/userAssignedIdentities";
const ROLE_ASSIGNMENT_TYPE: &str = "Microsoft.Authorization/roleAssignments";
const ROLE_DEFINITION_TYPE: &str = "Microsoft.Authorization/roleDefinitions";
/// The built-in role Contributor, which Image Builder's identity gets on the gallery's resource group.
pub const CONTRIBUTOR_ROLE: &str = "b24988ac-6180-42a0-ab88-20f7382dd24c";
/// The description of the builder's role assignment, before the gallery's block name.
pub const BUILDER_ROLE_DESCRIPTION: &str = "Azure VM Image Builder writes the images of gallery ";
/// Hexadecimal digits of the content hash after an image template's name.
pub const TEMPLATE_HASH_LEN: usize = 8;

/// The operating systems an image can hold.
pub const OS: &[&str] = &["windows", "linux"];
/// Whether an image's machines start from a generalized or a specialized disk.
pub const OS_STATE: &[&str] = &["generalized", "specialized"];

const REGION: Type = Type::Region;
/// A recommended number of vCPUs or of memory: a positive 32-bit integer, as
/// the API's `ResourceRange` holds.
const RECOMMENDED: Type = Type::Integer { min: 1, max: i32::MAX as i64 };
/// The attributes of an image's recommended machine configuration.
pub const MIN_VCPUS: &str = "min_vcpus";
pub const MAX_VCPUS: &str = "max_vcpus";
pub const MIN_MEMORY: &str = "min_memory";
pub const MAX_MEMORY: &str = "max_memory";
/// Each recommended range: its attributes (min, max) and its key in `recommended`.
pub const RECOMMENDED_RANGES: &[(&str, &str, &str)] = &[(MIN_VCPUS, MAX_VCPUS, "vCPUs"), (MIN_MEMORY, MAX_MEMORY, "memory")];
const STRING: Type = Type::String;
const FILE: Type = Type::StringMap;

/// The keys of a `files` entry of a `build` block.
pub const FILE_KEYS: &[&str] = &["source", "destination", "sha256"];
/// The keys of an image's `identity`.
pub const IDENTITY_KEYS: &[&str] = &["publisher", "offer", "sku"];

pub const MARKETPLACE_IMAGE: KindSchema = KindSchema {
    kind: "marketplace_image",
    doc: "An Azure Marketplace image by publisher, offer and SKU. `std.images` (in every plan) names the common ones: ubuntu_2204, ubuntu_2404, debian_12, rhel_9, windows_2022, windows_2025, win11_multisession, win11_multisession_m365.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attr("publisher", Type::String, true, None, "The image's publisher, e.g. \"Canonical\"."),
        attr("offer", Type::String, true, None, "The publisher's offer, e.g. \"ubuntu-24_04-lts\"."),
        attr("sku", Type::String, true, None, "The offer's SKU, e.g. \"server\"."),
        attr("version", Type::String, false, Some("\"latest\""), "The image version; pin one for repeatable machines."),
        attr("os", Type::Word(OS), true, None, "The operating system: `windows` or `linux`."),
        attr("generation", Type::Integer { min: 1, max: 2 }, false, Some("2"), "Hyper-V generation; trusted launch needs 2."),
    ],
    children: &[],
    unique: false,
};

pub const GALLERY: KindSchema = KindSchema {
    kind: "gallery",
    doc: "An Azure Compute Gallery: the home of image definitions and their versions.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attrs::resource_group(true, None, "Resource group of the gallery, its images and their builds; created when missing."),
        attrs::location(Some("settings.location"), "Region of the gallery; images are built here."),
        attr("description", Type::String, false, Some("none"), "What the gallery holds."),
        attrs::tags("Tags of the gallery and of its builder identity, merged over the plan's tags."),
    ],
    children: &[],
    unique: false,
};

pub const IMAGE: KindSchema = KindSchema {
    kind: "image",
    doc: "An image definition in a gallery, optionally built by Azure VM Image Builder from a source image (`build { ... }`).",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attr("gallery", Type::Ref(&["gallery"]), true, None, "The gallery that holds the image."),
        attr("os", Type::Word(OS), true, None, "The operating system: `windows` or `linux`."),
        attr("state", Type::Word(OS_STATE), false, Some("generalized"), "`generalized` (machines get new identities) or `specialized`."),
        attr("generation", Type::Integer { min: 1, max: 2 }, false, Some("2"), "Hyper-V generation; trusted launch needs 2."),
        attr(
            "identity",
            Type::StringMap,
            false,
            Some("publisher: the gallery's name, offer: the image's name, sku: gen1 or gen2"),
            "The image definition's identifier: `identity { publisher = \"...\"  offer = \"...\"  sku = \"...\" }`, unique in the gallery.",
        ),
        attr("description", Type::String, false, Some("none"), "What the image is for."),
        attr(
            "trusted_launch",
            Type::Boolean,
            false,
            Some("false"),
            "Whether machines from the image use trusted launch (security type `TrustedLaunch`).",
        ),
        attr(
            "source",
            Type::Ref(&[
                "marketplace_image",
                "image",
                crate::blocks::existing::EXISTING_MANAGED_IMAGE,
                crate::blocks::existing::EXISTING_VIRTUAL_MACHINE,
                crate::blocks::existing::EXISTING_IMAGE_VERSION,
            ]),
            false,
            Some("none"),
            "What the image's version comes from. With `build`: a `marketplace_image`, or another gallery `image` (its `version`, else its latest). Without: an `existing managed_image`, `existing virtual_machine` or `existing image_version`, or another gallery `image` with a `version`; the deployment then makes the version itself.",
        ),
        attr(
            "version",
            Type::Version,
            false,
            Some("chosen by Image Builder"),
            "The version a build makes, or that is made from `source` without a build (then required), `MAJOR.MINOR.PATCH`.",
        ),
        attr("replicate_to", Type::List(&REGION), false, Some("the gallery's region"), "Regions the version is replicated to; must include the gallery's."),
        attr("replicas", Type::Integer { min: 1, max: 100 }, false, Some("1"), "Replicas of the version in each region."),
        attr(
            "end_of_life",
            Type::String,
            false,
            Some("none"),
            "The definition's end of life: a date `YYYY-MM-DD` (midnight UTC) or a date and time `YYYY-MM-DDTHH:MM:SSZ` (or with an offset, `+01:00`), in the future.",
        ),
        attr("exclude_from_latest", Type::Boolean, false, Some("false"), "Whether the version is left out of `latest`."),
        attr(MIN_VCPUS, RECOMMENDED, false, Some("none"), "The fewest vCPUs recommended for machines from the image."),
        attr(MAX_VCPUS, RECOMMENDED, false, Some("none"), "The most vCPUs recommended for machines from the image."),
        attr(MIN_MEMORY, RECOMMENDED, false, Some("none"), "The least memory recommended for machines from the image, as Azure stores it (`recommended.memory.min`)."),
        attr(MAX_MEMORY, RECOMMENDED, false, Some("none"), "The most memory recommended for machines from the image, as Azure stores it (`recommended.memory.max`)."),
        attrs::tags("Tags of the image definition and its template, merged over the plan's tags."),
    ],
    children: &["build"],
    unique: false,
};

pub const BUILD: KindSchema = KindSchema {
    kind: "build",
    doc: "How Azure VM Image Builder customises an image's source: files, then scripts, then a restart and Windows Update.",
    naming: Naming::Unnamed,
    positional: &[],
    attributes: &[
        attr(
            "files",
            Type::List(&FILE),
            false,
            Some("none"),
            "Files to download first: `{ source = \"https://...\"  destination = \"...\"  sha256 = \"...\" }` (`sha256` optional).",
        ),
        attr("powershell", Type::List(&STRING), false, Some("none"), "PowerShell commands, run elevated (Windows)."),
        attr("shell", Type::List(&STRING), false, Some("none"), "Shell commands; prefix with `sudo` what needs root (Linux)."),
        attr("restart", Type::Boolean, false, Some("false"), "Restart Windows after the commands."),
        attr("windows_update", Type::Boolean, false, Some("false"), "Install Windows updates last, then restart."),
        attr(
            "vm_size",
            Type::Name,
            false,
            Some("Standard_D1_v2 for generation 1, Standard_D2ds_v4 for generation 2"),
            "Size of the machine the build runs on.",
        ),
        attr("timeout", Type::Duration, false, Some("4h"), "How long a build may take: whole minutes, 6m to 16h; `0m` means the default."),
    ],
    children: &[],
    unique: false,
};

/// The gallery an image is in.
pub fn gallery_of(model: &Model, image: NodeId) -> Option<NodeId> {
    model.node(image).reference("gallery")
}

/// The `build` blocks of an image, in order (more than one is an error the checks report).
pub fn builds(model: &Model, image: NodeId) -> Vec<NodeId> {
    model.node(image).children.iter().copied().filter(|&c| model.node(c).is("build")).collect()
}

/// The `build` block of an image, the first when there are more.
pub fn build_of(model: &Model, image: NodeId) -> Option<NodeId> {
    builds(model, image).first().copied()
}

/// The source an image's version is made from by the deployment itself: its
/// `source` when the image has no `build` and the source is a version already
/// (an existing managed image, virtual machine or image version, or another
/// `image`). A `marketplace_image` is none: only a build starts from one.
pub fn version_source(model: &Model, image: NodeId) -> Option<NodeId> {
    if build_of(model, image).is_some() {
        return None;
    }
    let source = model.node(image).reference("source")?;
    let node = model.node(source);
    (node.is("image") || crate::blocks::existing::VERSION_SOURCES.iter().any(|k| node.is(k))).then_some(source)
}

/// An integer attribute of a block, when written.
pub fn int(node: &Node, attr: &str) -> Option<i64> {
    match node.get(attr).map(|a| &a.value) {
        Some(Typed::Int(n)) => Some(*n),
        _ => None,
    }
}

/// The operating system of a `marketplace_image` or an `image`: `windows` or `linux`.
pub fn image_os(model: &Model, id: NodeId) -> Option<&str> {
    let node = model.node(id);
    (node.is("marketplace_image") || node.is("image")).then(|| node.str("os")).flatten()
}

/// The Hyper-V generation of a `marketplace_image` or an `image` (2 unless written).
pub fn image_generation(model: &Model, id: NodeId) -> Option<i64> {
    let node = model.node(id);
    if !(node.is("marketplace_image") || node.is("image")) {
        return None;
    }
    match node.get("generation").map(|a| &a.value) {
        Some(Typed::Int(n)) => Some(*n),
        _ => Some(2),
    }
}

/// The regions an image is available in, for machines that start from it.
///
/// For an `image`: its gallery's region, then the regions of `replicate_to` (in
/// order, without repeats), where a built version is replicated. For a
/// `marketplace_image`: every public region ashlar knows, since the Marketplace
/// serves them all. For any other block: none.
pub fn image_regions(model: &Model, image: NodeId) -> Vec<String> {
    let node = model.node(image);
    if node.is("marketplace_image") {
        return crate::azure::regions::REGIONS.iter().map(|r| r.to_string()).collect();
    }
    if !node.is("image") {
        return Vec::new();
    }
    let mut regions: Vec<String> = Vec::new();
    if let Some(location) = gallery_of(model, image).and_then(|g| model.location(g)) {
        regions.push(location.to_string());
    }
    for (region, _) in replicate_to(node) {
        if !regions.iter().any(|r| r == region) {
            regions.push(region.to_string());
        }
    }
    regions
}

/// The regions an image's `replicate_to` names, with the span of each entry.
pub fn replicate_to(node: &Node) -> Vec<(&str, crate::source::Span)> {
    node.list("replicate_to")
        .iter()
        .filter_map(|item| match &item.value {
            Typed::Word(region) => Some((region.as_str(), item.span)),
            _ => None,
        })
        .collect()
}

/// The version an image's `version` names: `1.2.0`.
pub fn version(node: &Node) -> Option<String> {
    match node.get("version").map(|a| &a.value) {
        Some(Typed::Version(major, minor, patch)) => Some(format!("{major}.{minor}.{patch}")),
        _ => None,
    }
}

/// The image definition's identifier (publisher, offer, sku): the `identity`
/// given, each key missing taking its default.
pub fn identifier(model: &Model, image: NodeId) -> (String, String, String) {
    let names = Names::new(model);
    let node = model.node(image);
    let given = |key: &str| node.map("identity").and_then(|m| m.get(key)).map(|v| v.value.clone());
    let publisher = given("publisher").unwrap_or_else(|| gallery_of(model, image).map(|g| names.gallery(g)).unwrap_or_default());
    let offer = given("offer").unwrap_or_else(|| names.image_definition(image));
    let sku = given("sku").unwrap_or_else(|| format!("gen{}", image_generation(model, image).unwrap_or(2)));
    (publisher, offer, sku)
}

/// The `files` entries of a build block, as maps from key to value.
pub fn files(node: &Node) -> Vec<Spanned<&IndexMap<String, Spanned<String>>>> {
    node.list("files")
        .iter()
        .filter_map(|item| match &item.value {
            Typed::Map(map) => Some(Spanned { value: map, span: item.span }),
            _ => None,
        })
        .collect()
}

/// A build's `timeout`, in seconds, when written.
pub fn timeout_seconds(build: &Node) -> Option<u64> {
    match build.get("timeout").map(|a| &a.value) {
        Some(Typed::Duration(seconds)) => Some(*seconds),
        _ => None,
    }
}

fn is_true(node: &Node, attr: &str) -> bool {
    matches!(node.get(attr).map(|a| &a.value), Some(Typed::Bool(true)))
}

fn strings(node: &Node, attr: &str) -> Vec<Prop> {
    node.list(attr)
        .iter()
        .filter_map(|item| match &item.value {
            Typed::Str(s) => Some(Prop::str(s.clone())),
            _ => None,
        })
        .collect()
}

/// Each `gallery` block becomes a gallery.
pub fn lower_galleries(lw: &mut Lowering) {
    let galleries: Vec<NodeId> = lw.model.of_kind("gallery").map(|(id, _)| id).collect();
    for id in galleries {
        let node = lw.model.node(id);
        let rg = lw.resource_group(node.str(attrs::RESOURCE_GROUP).unwrap_or_default(), id);
        let mut properties = Object::new();
        if let Some(description) = node.str("description") {
            properties.insert("description".into(), Prop::str(description));
        }
        let mut resource = Resource::new(
            format!("gal_{}", node.name()),
            GALLERY_TYPE,
            vec![lw.names.gallery(id)],
            rg,
            lw.model.location(id).map(str::to_string),
            lw.model.tags(id),
            id,
        );
        resource.properties = Prop::Object(properties);
        let gallery = lw.push(resource);
        lw.primary.insert(id, gallery);
    }
}

/// Each `image` becomes an image definition in its gallery and, with `build`, an
/// image template; each gallery with a build gets Image Builder's identity and
/// its role assignment once.
pub fn lower_images(lw: &mut Lowering) {
    // Sources first: a template refers to the definition of a gallery image it starts from.
    let images: Vec<NodeId> = crate::graph::block_order(lw.model).into_iter().filter(|&id| lw.model.node(id).is("image")).collect();
    let mut builders: IndexMap<NodeId, (ResourceId, ResourceId)> = IndexMap::new();
    let mut versions: IndexMap<NodeId, ResourceId> = IndexMap::new();
    for id in images {
        let Some(definition) = definition(lw, id) else { continue };
        lw.primary.insert(id, definition);
        if let Some(made) = image_version(lw, id, definition, &versions) {
            versions.insert(id, made);
        }
        let Some(build) = build_of(lw.model, id) else { continue };
        let Some(gallery) = gallery_of(lw.model, id) else { continue };
        let builder = match builders.get(&gallery) {
            Some(&builder) => builder,
            None => {
                let Some(builder) = builder_identity(lw, gallery) else { continue };
                builders.insert(gallery, builder);
                builder
            }
        };
        template(lw, id, build, definition, builder);
    }
}

/// An `end_of_life` as the API takes it: a date is midnight UTC, a date and
/// time is written as given.
fn end_of_life(text: &str) -> String {
    if text.contains('T') {
        text.to_string()
    } else {
        format!("{text}T00:00:00Z")
    }
}

fn definition(lw: &mut Lowering, id: NodeId) -> Option<ResourceId> {
    let model = lw.model;
    let node = model.node(id);
    let gallery = gallery_of(model, id)?;
    let gallery_resource = *lw.primary.get(&gallery)?;
    let (publisher, offer, sku) = identifier(model, id);
    let mut properties = Object::new();
    properties.insert("identifier".into(), Prop::object([("publisher", Prop::str(publisher)), ("offer", Prop::str(offer)), ("sku", Prop::str(sku))]));
    let os = if image_os(model, id) == Some("windows") { "Windows" } else { "Linux" };
    properties.insert("osType".into(), Prop::str(os));
    let state = if node.str("state") == Some("specialized") { "Specialized" } else { "Generalized" };
    properties.insert("osState".into(), Prop::str(state));
    properties.insert("hyperVGeneration".into(), Prop::str(format!("V{}", image_generation(model, id).unwrap_or(2))));
    if is_true(node, "trusted_launch") {
        let feature = Prop::object([("name", Prop::str("SecurityType")), ("value", Prop::str("TrustedLaunch"))]);
        properties.insert("features".into(), Prop::Array(vec![feature]));
    }
    if let Some(description) = node.str("description") {
        properties.insert("description".into(), Prop::str(description));
    }
    if let Some(end) = node.str("end_of_life") {
        properties.insert("endOfLifeDate".into(), Prop::str(end_of_life(end)));
    }
    let mut recommended = Object::new();
    for (min, max, key) in RECOMMENDED_RANGES {
        let mut range = Object::new();
        for (attr, bound) in [(min, "min"), (max, "max")] {
            if let Some(n) = int(node, attr) {
                range.insert(bound.into(), Prop::Int(n));
            }
        }
        if !range.is_empty() {
            recommended.insert((*key).into(), Prop::Object(range));
        }
    }
    if !recommended.is_empty() {
        properties.insert("recommended".into(), Prop::Object(recommended));
    }
    let gallery_name = lw.plan[gallery_resource].name[0].clone();
    let rg = lw.plan[gallery_resource].resource_group.clone();
    let location = lw.plan[gallery_resource].location.clone();
    let mut resource = Resource::new(
        format!("img_{}", node.name()),
        IMAGE_TYPE,
        vec![gallery_name, lw.names.image_definition(id)],
        rg,
        location,
        model.tags(id),
        id,
    );
    resource.parent = Some(gallery_resource);
    resource.properties = Prop::Object(properties);
    resource.depends_on = vec![gallery_resource];
    Some(lw.push(resource))
}

/// The image version an image without a build makes from its `source`
/// ([`version_source`]), in the gallery's region and replicated to
/// `replicate_to`. `versions` holds the versions lowered before, by image: a
/// version made from another of the plan's images waits for that image's.
fn image_version(lw: &mut Lowering, id: NodeId, definition: ResourceId, versions: &IndexMap<NodeId, ResourceId>) -> Option<ResourceId> {
    let model = lw.model;
    let node = model.node(id);
    let source = version_source(model, id)?;
    let number = version(node)?;
    let source_node = model.node(source);
    let mut depends_on = vec![definition];
    let source_prop = if source_node.is("image") {
        let &source_definition = lw.primary.get(&source)?;
        depends_on.push(versions.get(&source).copied().unwrap_or(source_definition));
        Prop::object([("id", Prop::ChildId { resource: source_definition, child: "versions", name: version(source_node)? })])
    } else {
        let external = crate::blocks::existing::external_id(model, source)?;
        // A machine is captured through its own property (API 2023-07-03 and later).
        let key = if source_node.is(crate::blocks::existing::EXISTING_VIRTUAL_MACHINE) { "virtualMachineId" } else { "id" };
        Prop::object([(key, external)])
    };
    let target_regions: Vec<Prop> =
        image_regions_for_build(model, id).into_iter().map(|region| Prop::object([("name", Prop::str(region))])).collect();
    let mut publishing = Object::new();
    publishing.insert("targetRegions".into(), Prop::Array(target_regions));
    if let Some(n) = int(node, "replicas") {
        publishing.insert("replicaCount".into(), Prop::Int(n));
    }
    if let Some(Typed::Bool(exclude)) = node.get("exclude_from_latest").map(|a| &a.value) {
        publishing.insert("excludeFromLatest".into(), Prop::Bool(*exclude));
    }
    let properties = Prop::object([("publishingProfile", Prop::Object(publishing)), ("storageProfile", Prop::object([("source", source_prop)]))]);
    let definition_resource = &lw.plan[definition];
    let mut name = definition_resource.name.clone();
    name.push(number);
    let rg = definition_resource.resource_group.clone();
    let location = definition_resource.location.clone();
    let mut resource = Resource::new(format!("ver_{}", node.name()), VERSION_TYPE, name, rg, location, model.tags(id), id);
    resource.parent = Some(definition);
    resource.properties = properties;
    resource.depends_on = depends_on;
    Some(lw.push(resource))
}

/// Image Builder's identity for a gallery, and its Contributor role on the
/// gallery's resource group: it writes image versions there.
fn builder_identity(lw: &mut Lowering, gallery: NodeId) -> Option<(ResourceId, ResourceId)> {
    let gallery_resource = *lw.primary.get(&gallery)?;
    let rg = lw.plan[gallery_resource].resource_group.clone();
    let location = lw.plan[gallery_resource].location.clone();
    let name = lw.names.builder_identity(gallery);
    let gallery_block = lw.model.node(gallery).name().to_string();
    let identity = lw.push(Resource::new(
        format!("id_{gallery_block}_builder"),
        IDENTITY_TYPE,
        vec![name.clone()],
        rg.clone(),
        location,
        lw.model.tags(gallery),
        gallery,
    ));
    let properties = Prop::object([
        ("roleDefinitionId", Prop::SubscriptionResourceId { resource_type: ROLE_DEFINITION_TYPE, name: CONTRIBUTOR_ROLE.to_string() }),
        ("principalId", Prop::PrincipalId(identity)),
        // A new identity may not have reached every replica of Entra ID yet: the
        // type lets ARM assign the role without looking the principal up.
        ("principalType", Prop::str("ServicePrincipal")),
        ("description", Prop::str(format!("{BUILDER_ROLE_DESCRIPTION}{gallery_block}"))),
    ]);
    // The seed of the GUID name: the identity and the role (see `ir::named_by_guid`).
    let seed = vec![name, CONTRIBUTOR_ROLE.to_string()];
    let mut resource = Resource::new(format!("role_{gallery_block}_builder"), ROLE_ASSIGNMENT_TYPE, seed, rg, None, IndexMap::new(), gallery);
    resource.properties = properties;
    resource.depends_on = vec![identity];
    let role = lw.push(resource);
    Some((identity, role))
}

/// The image template that builds `image` from its source, into its definition.
fn template(lw: &mut Lowering, image: NodeId, build: NodeId, definition: ResourceId, (identity, role): (ResourceId, ResourceId)) {
    let model = lw.model;
    let node = model.node(image);
    let build_node = model.node(build);
    let mut depends_on = vec![identity, role, definition];

    let Some(source) = node.reference("source") else { return };
    let source_node = model.node(source);
    let source_prop = if source_node.is("marketplace_image") {
        Prop::object([
            ("type", Prop::str("PlatformImage")),
            ("publisher", Prop::str(source_node.str("publisher").unwrap_or_default())),
            ("offer", Prop::str(source_node.str("offer").unwrap_or_default())),
            ("sku", Prop::str(source_node.str("sku").unwrap_or_default())),
            ("version", Prop::str(source_node.str("version").unwrap_or("latest"))),
        ])
    } else {
        let Some(&source_definition) = lw.primary.get(&source) else { return };
        depends_on.push(source_definition);
        // The version the source names, else whichever is latest when the build runs.
        let version = version(source_node).unwrap_or_else(|| "latest".to_string());
        Prop::object([
            ("type", Prop::str("SharedImageVersion")),
            ("imageVersionId", Prop::ChildId { resource: source_definition, child: "versions", name: version }),
        ])
    };

    let mut customize: Vec<Prop> = Vec::new();
    for (n, file) in files(build_node).into_iter().enumerate() {
        let mut entry = Object::new();
        entry.insert("type".into(), Prop::str("File"));
        entry.insert("name".into(), Prop::str(format!("file-{}", n + 1)));
        let key = |k: &str| file.value.get(k).map(|v| Prop::str(v.value.clone()));
        for (key_name, arm_name) in [("source", "sourceUri"), ("destination", "destination"), ("sha256", "sha256Checksum")] {
            if let Some(value) = key(key_name) {
                entry.insert(arm_name.into(), value);
            }
        }
        customize.push(Prop::Object(entry));
    }
    let powershell = strings(build_node, "powershell");
    if !powershell.is_empty() {
        customize.push(Prop::object([
            ("type", Prop::str("PowerShell")),
            ("name", Prop::str("powershell")),
            ("inline", Prop::Array(powershell)),
            ("runElevated", Prop::Bool(true)),
        ]));
    }
    let shell = strings(build_node, "shell");
    if !shell.is_empty() {
        customize.push(Prop::object([("type", Prop::str("Shell")), ("name", Prop::str("shell")), ("inline", Prop::Array(shell))]));
    }
    if is_true(build_node, "restart") {
        customize.push(Prop::object([("type", Prop::str("WindowsRestart")), ("name", Prop::str("restart"))]));
    }
    if is_true(build_node, "windows_update") {
        customize.push(Prop::object([("type", Prop::str("WindowsUpdate")), ("name", Prop::str("windows-update"))]));
        // Sysprep fails while an update waits for a restart.
        customize.push(Prop::object([("type", Prop::str("WindowsRestart")), ("name", Prop::str("restart-after-updates"))]));
    }

    let image_id = match version(node) {
        Some(v) => Prop::ChildId { resource: definition, child: "versions", name: v },
        None => Prop::Id(definition),
    };
    let replicas = match node.get("replicas").map(|a| &a.value) {
        Some(Typed::Int(n)) => Some(*n),
        _ => None,
    };
    let target_regions: Vec<Prop> = image_regions_for_build(model, image)
        .into_iter()
        .map(|region| {
            let mut entry = Object::new();
            entry.insert("name".into(), Prop::str(region));
            if let Some(n) = replicas {
                entry.insert("replicaCount".into(), Prop::Int(n));
            }
            Prop::Object(entry)
        })
        .collect();
    let mut distribute = Object::new();
    distribute.insert("type".into(), Prop::str("SharedImage"));
    distribute.insert("galleryImageId".into(), image_id);
    distribute.insert("runOutputName".into(), Prop::str(node.name()));
    distribute.insert("targetRegions".into(), Prop::Array(target_regions));
    if let Some(Typed::Bool(exclude)) = node.get("exclude_from_latest").map(|a| &a.value) {
        distribute.insert("excludeFromLatest".into(), Prop::Bool(*exclude));
    }

    let mut properties = Object::new();
    if let Some(seconds) = timeout_seconds(build_node) {
        properties.insert("buildTimeoutInMinutes".into(), Prop::Int(i64::try_from(seconds / 60).unwrap_or(i64::MAX)));
    }
    if !customize.is_empty() {
        properties.insert("customize".into(), Prop::Array(customize));
    }
    properties.insert("distribute".into(), Prop::Array(vec![Prop::Object(distribute)]));
    properties.insert("source".into(), source_prop);
    if let Some(size) = build_node.str("vm_size") {
        properties.insert("vmProfile".into(), Prop::object([("vmSize", Prop::str(size))]));
    }

    let definition_resource = &lw.plan[definition];
    let rg = definition_resource.resource_group.clone();
    let location = definition_resource.location.clone();
    let mut top = Object::new();
    top.insert(
        "identity".into(),
        Prop::object([("type", Prop::str("UserAssigned")), ("userAssignedIdentities", Prop::IdKeys(vec![(identity, Prop::Object(Object::new()))]))]),
    );
    let mut resource = Resource::new(format!("it_{}", node.name()), TEMPLATE_TYPE, Vec::new(), rg, location, model.tags(image), image);
    resource.top = top;
    resource.properties = Prop::Object(properties);
    resource.depends_on = depends_on;
    resource.name = vec![format!("{}-{}", lw.names.image_template(image), content_hash(&lw.plan, &resource))];
    // ARM refuses to update an image template, even to the same content: one
    // already in Azure is named in this parameter and not sent again.
    resource.unless_listed_in = Some(crate::lower::ir::EXISTING_IMAGE_TEMPLATES);
    lw.push(resource);
}

/// The regions a build replicates to: `replicate_to`, else the gallery's region.
fn image_regions_for_build(model: &Model, image: NodeId) -> Vec<String> {
    let node = model.node(image);
    let written: Vec<String> = replicate_to(node).into_iter().map(|(r, _)| r.to_string()).collect();
    if !written.is_empty() {
        return written;
    }
    gallery_of(model, image).and_then(|g| model.location(g)).map(|l| vec![l.to_string()]).unwrap_or_default()
}

/// A hash of everything ARM would be asked to store in an image template:
/// a template whose content changes gets a new name, since Image Builder
/// refuses to update one (azure-facts 4.3). References hash as the resources
/// they name, never as their index in the plan.
pub fn content_hash(plan: &AzurePlan, resource: &Resource) -> String {
    let mut text = String::new();
    text.push_str(resource.resource_type);
    text.push('\u{0}');
    text.push_str(resource.api_version);
    text.push('\u{0}');
    text.push_str(&resource.resource_group.to_ascii_lowercase());
    text.push('\u{0}');
    text.push_str(resource.location.as_deref().unwrap_or_default());
    for (key, value) in &resource.tags {
        text.push_str(&format!("\u{0}tag {key:?}={value:?}"));
    }
    for (key, value) in &resource.top {
        text.push_str(&format!("\u{0}{key:?}="));
        canonical(plan, value, &mut text);
    }
    text.push_str("\u{0}properties=");
    canonical(plan, &resource.properties, &mut text);
    let hash = format!("{:016x}", crate::graph::fnv1a(text.as_bytes()));
    hash[..TEMPLATE_HASH_LEN].to_string()
}

/// A property value as unambiguous text, references by what they name.
fn canonical(plan: &AzurePlan, prop: &Prop, out: &mut String) {
    let named = |r: ResourceId| {
        let resource = &plan[r];
        format!("{}@{}:{}", resource.resource_type, resource.resource_group.to_ascii_lowercase(), resource.name.join("/"))
    };
    match prop {
        Prop::Str(s) => out.push_str(&format!("{s:?}")),
        Prop::Int(i) => out.push_str(&i.to_string()),
        Prop::Bool(b) => out.push_str(&b.to_string()),
        Prop::Array(items) => {
            out.push('[');
            for item in items {
                canonical(plan, item, out);
                out.push(',');
            }
            out.push(']');
        }
        Prop::Object(entries) => {
            out.push('{');
            for (key, value) in entries {
                out.push_str(&format!("{key:?}:"));
                canonical(plan, value, out);
                out.push(',');
            }
            out.push('}');
        }
        Prop::Id(r) => out.push_str(&format!("id({})", named(*r))),
        Prop::ChildId { resource, child, name } => out.push_str(&format!("id({}/{child}/{name:?})", named(*resource))),
        Prop::Secret(secret) => out.push_str(&format!("secret({:?},{:?},{:?})", secret.vault_group, secret.vault, secret.secret)),
        Prop::PrincipalId(r) => out.push_str(&format!("principal({})", named(*r))),
        Prop::External(e) => out.push_str(&format!("external({:?},{:?},{},{:?})", e.subscription, e.resource_group, e.resource_type, e.name)),
        Prop::IdKeys(entries) => {
            out.push('{');
            for (r, value) in entries {
                out.push_str(&format!("id({}):", named(*r)));
                canonical(plan, value, out);
                out.push(',');
            }
            out.push('}');
        }
        Prop::SubscriptionResourceId { resource_type, name } => out.push_str(&format!("sub({resource_type}/{name:?})")),
        Prop::Reference { resource, property } => out.push_str(&format!("reference({}).{property}", named(*resource))),
        Prop::Scope(r) => out.push_str(&format!("scope({})", named(*r))),
        Prop::RegistrationToken(r) => out.push_str(&format!("token({})", named(*r))),
        Prop::DeploymentTimePlus(duration) => out.push_str(&format!("now+{duration}")),
    }
}

/// The region an image's gallery is in, where its template builds.
pub fn gallery_region(model: &Model, image: NodeId) -> Option<&str> {
    gallery_of(model, image).and_then(|g| model.location(g))
}

/// Where a gallery's region is written: its `location`, else the plan's, else its head.
pub fn region_span(model: &Model, gallery: NodeId) -> crate::source::Span {
    let node = model.node(gallery);
    node.get(attrs::LOCATION).or_else(|| model.unique("settings").and_then(|s| s.get(attrs::LOCATION))).map_or(node.head, |a| a.span)
}

/// Where an attribute of a block is written, else the block's head.
pub fn attr_span(node: &Node, attr: &str) -> crate::source::Span {
    node.get(attr).map_or(node.head, |a| a.span)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyze(text: &str) -> crate::Analysis {
        crate::analyze_text(text, std::path::Path::new("."))
    }

    const PLAN: &str = r#"settings { location = uksouth }
gallery corp { resource_group = "rg-images" }
gallery eu { resource_group = "rg-eu"  location = westeurope }
image web {
  gallery      = corp
  os           = windows
  source       = windows_2022
  replicate_to = [ukwest, uksouth, northeurope]
  build { powershell = ["Install-WindowsFeature Web-Server"] }
}
image plain { gallery = eu  os = linux }
hub core { resource_group = "rg-core"  address_space = [10.0.0.0/16] }
"#;

    #[test]
    fn image_regions_are_the_gallery_region_then_the_replicas() {
        let analysis = analyze(PLAN);
        assert!(!analysis.has_errors(), "{:#?}", analysis.diagnostics);
        let model = &analysis.model;
        assert_eq!(image_regions(model, model.names["web"]), ["uksouth", "ukwest", "northeurope"]);
        assert_eq!(image_regions(model, model.names["plain"]), ["westeurope"]);
        // The Marketplace serves every region; other blocks hold no image.
        let marketplace = image_regions(model, model.names["ubuntu_2404"]);
        assert_eq!(marketplace.len(), crate::azure::regions::REGIONS.len());
        assert!(marketplace.iter().any(|r| r == "chilecentral"));
        assert!(image_regions(model, model.names["core"]).is_empty());
    }

    #[test]
    fn image_os_reads_both_kinds_of_image() {
        let analysis = analyze(PLAN);
        let model = &analysis.model;
        assert_eq!(image_os(model, model.names["web"]), Some("windows"));
        assert_eq!(image_os(model, model.names["plain"]), Some("linux"));
        assert_eq!(image_os(model, model.names["ubuntu_2404"]), Some("linux"));
        assert_eq!(image_os(model, model.names["windows_2025"]), Some("windows"));
        assert_eq!(image_os(model, model.names["core"]), None);
        assert_eq!(image_generation(model, model.names["plain"]), Some(2));
        assert_eq!(image_generation(model, model.names["core"]), None);
    }

    /// (code, help) of each diagnostic of a plan.
    fn helps(text: &str) -> Vec<(&'static str, String)> {
        analyze(text).diagnostics.into_iter().map(|d| (d.code.code, d.help.unwrap_or_default())).collect()
    }

    #[test]
    fn versions_and_durations_are_literals_of_their_own() {
        let plan = |version: &str, timeout: &str| {
            format!(
                "settings {{ location = uksouth }}\ngallery corp {{ resource_group = \"rg\" }}\nimage web {{\n gallery = corp\n os = linux\n source = ubuntu_2404\n version = {version}\n build {{ timeout = {timeout} }}\n}}\n"
            )
        };
        let analysis = analyze(&plan("1.20.3", "1h30m"));
        assert!(analysis.diagnostics.is_empty(), "{:#?}", analysis.diagnostics);
        let web = analysis.model.node(analysis.model.names["web"]);
        assert_eq!(version(web).as_deref(), Some("1.20.3"));
        let build = analysis.model.node(build_of(&analysis.model, analysis.model.names["web"]).unwrap());
        assert_eq!(timeout_seconds(build), Some(5400));

        assert_eq!(helps(&plan("\"1.2.0\"", "2h")), [("ASH104", "remove the quotes: `1.2.0`".to_string())]);
        assert_eq!(helps(&plan("\"v1\"", "2h")), [("ASH104", "write MAJOR.MINOR.PATCH without quotes, such as `1.2.0`".to_string())]);
        assert_eq!(helps(&plan("1.2.0.0", "2h")), [("ASH104", "a version has three parts, MAJOR.MINOR.PATCH; `1.2.0.0` has four".to_string())]);
        assert_eq!(helps(&plan("1.2.0", "120")), [("ASH104", "give the unit: `120m` for minutes, `120h` for hours".to_string())]);
        assert_eq!(helps(&plan("1.2.0", "\"2h\"")), [("ASH104", "remove the quotes: `2h`".to_string())]);
        assert_eq!(helps(&plan("1.2.0", "\"two hours\"")).len(), 1);
        // Each part of a version fits in 32 bits, as a gallery's do.
        assert_eq!(helps(&plan("2147483648.0.0", "2h"))[0].0, "ASH004");
    }

    #[test]
    fn identifiers_default_to_gallery_image_and_generation() {
        let analysis = analyze(
            "settings { location = uksouth }\ngallery corp { resource_group = \"rg\" }\nimage a { gallery = corp  os = linux  generation = 1 }\nimage b { gallery = corp  os = linux  identity { sku = \"web\" } }\n",
        );
        let model = &analysis.model;
        assert_eq!(identifier(model, model.names["a"]), ("corp".to_string(), "a".to_string(), "gen1".to_string()));
        assert_eq!(identifier(model, model.names["b"]), ("corp".to_string(), "b".to_string(), "web".to_string()));
    }
}

#[cfg(test)]
mod lowering_tests {
    use crate::lower::ir::{AzurePlan, Prop, Resource, ResourceId};

    fn lower(text: &str) -> AzurePlan {
        let analysis = crate::analyze_text(text, std::path::Path::new("."));
        assert!(!analysis.has_errors(), "{:#?}", analysis.diagnostics);
        analysis.azure.expect("the plan lowers")
    }

    fn of_type<'a>(plan: &'a AzurePlan, resource_type: &str) -> Vec<(ResourceId, &'a Resource)> {
        plan.resources_with_ids().filter(|(_, r)| r.resource_type == resource_type).collect()
    }

    fn get<'a>(prop: &'a Prop, key: &str) -> &'a Prop {
        match prop {
            Prop::Object(entries) => entries.get(key).unwrap_or_else(|| panic!("no {key} in {prop:?}")),
            other => panic!("{other:?} is not an object"),
        }
    }

    const PLAN: &str = r#"settings { location = uksouth }
gallery corp { resource_group = "rg-images"  description = "Golden images" }
image web {
  gallery        = corp
  os             = windows
  trusted_launch = true
  identity       { publisher = "Contoso"  offer = "WindowsServer"  sku = "2022-web" }
  source         = windows_2022
  version        = 1.2.0
  replicate_to   = [uksouth, ukwest]
  replicas       = 2
  end_of_life    = "2027-12-31"
  build {
    powershell     = ["Install-WindowsFeature -Name Web-Server"]
    restart        = true
    windows_update = true
    vm_size        = Standard_D2s_v5
    timeout        = 2h
  }
}
image app {
  gallery = corp
  os      = windows
  source  = web
  build { powershell = ["echo app"] }
}
image manual { gallery = corp  os = linux  state = specialized  generation = 1 }
"#;

    #[test]
    fn an_image_without_build_is_a_definition_only() {
        let plan = lower(PLAN);
        let definitions = of_type(&plan, "Microsoft.Compute/galleries/images");
        assert_eq!(definitions.len(), 3);
        let (_, manual) = definitions.iter().find(|(_, r)| r.name == ["corp", "manual"]).unwrap();
        assert_eq!(get(&manual.properties, "osType"), &Prop::str("Linux"));
        assert_eq!(get(&manual.properties, "osState"), &Prop::str("Specialized"));
        assert_eq!(get(&manual.properties, "hyperVGeneration"), &Prop::str("V1"));
        assert_eq!(
            get(&manual.properties, "identifier"),
            &Prop::object([("publisher", Prop::str("corp")), ("offer", Prop::str("manual")), ("sku", Prop::str("gen1"))])
        );
        // Two builds, one gallery: one identity, one role assignment, two templates, no versions.
        assert_eq!(of_type(&plan, "Microsoft.ManagedIdentity/userAssignedIdentities").len(), 1);
        assert_eq!(of_type(&plan, "Microsoft.Authorization/roleAssignments").len(), 1);
        assert_eq!(of_type(&plan, "Microsoft.VirtualMachineImages/imageTemplates").len(), 2);
        assert!(of_type(&plan, "Microsoft.Compute/galleries/images/versions").is_empty());
    }

    #[test]
    fn the_definition_carries_identifier_features_and_end_of_life() {
        let plan = lower(PLAN);
        let (gallery, gallery_resource) = of_type(&plan, "Microsoft.Compute/galleries")[0];
        assert_eq!(get(&gallery_resource.properties, "description"), &Prop::str("Golden images"));
        let (_, web) = of_type(&plan, "Microsoft.Compute/galleries/images").into_iter().find(|(_, r)| r.name == ["corp", "web"]).unwrap();
        assert_eq!(web.parent, Some(gallery));
        assert_eq!(web.location.as_deref(), Some("uksouth"));
        assert_eq!(
            get(&web.properties, "features"),
            &Prop::Array(vec![Prop::object([("name", Prop::str("SecurityType")), ("value", Prop::str("TrustedLaunch"))])])
        );
        assert_eq!(get(&web.properties, "endOfLifeDate"), &Prop::str("2027-12-31T00:00:00Z"));
        assert_eq!(get(get(&web.properties, "identifier"), "sku"), &Prop::str("2022-web"));
    }

    #[test]
    fn the_builder_identity_is_contributor_on_the_gallery_group() {
        let plan = lower(PLAN);
        let (identity, identity_resource) = of_type(&plan, "Microsoft.ManagedIdentity/userAssignedIdentities")[0];
        assert_eq!(identity_resource.name, ["corp-builder"]);
        assert_eq!(identity_resource.resource_group, "rg-images");
        let (_, role) = of_type(&plan, "Microsoft.Authorization/roleAssignments")[0];
        assert_eq!(role.resource_group, "rg-images");
        assert_eq!(role.depends_on, [identity]);
        assert_eq!(get(&role.properties, "principalId"), &Prop::PrincipalId(identity));
        assert_eq!(
            get(&role.properties, "roleDefinitionId"),
            &Prop::SubscriptionResourceId { resource_type: "Microsoft.Authorization/roleDefinitions", name: super::CONTRIBUTOR_ROLE.into() }
        );
        assert_eq!(get(&role.properties, "principalType"), &Prop::str("ServicePrincipal"));
    }

    #[test]
    fn the_template_builds_from_the_marketplace_into_the_version() {
        let plan = lower(PLAN);
        let (identity, _) = of_type(&plan, "Microsoft.ManagedIdentity/userAssignedIdentities")[0];
        let (role, _) = of_type(&plan, "Microsoft.Authorization/roleAssignments")[0];
        let (definition, _) = plan.resources_with_ids().find(|(_, r)| r.name == ["corp", "web"]).unwrap();
        let (_, template) =
            of_type(&plan, "Microsoft.VirtualMachineImages/imageTemplates").into_iter().find(|(_, r)| r.origin == plan[definition].origin).unwrap();
        assert!(template.name[0].starts_with("web-") && template.name[0].len() == "web-".len() + super::TEMPLATE_HASH_LEN, "{:?}", template.name);
        assert_eq!(template.depends_on, [identity, role, definition]);
        assert_eq!(
            template.top["identity"],
            Prop::object([
                ("type", Prop::str("UserAssigned")),
                ("userAssignedIdentities", Prop::IdKeys(vec![(identity, Prop::Object(Default::default()))]))
            ])
        );
        let p = &template.properties;
        assert_eq!(get(p, "buildTimeoutInMinutes"), &Prop::Int(120));
        assert_eq!(get(get(p, "vmProfile"), "vmSize"), &Prop::str("Standard_D2s_v5"));
        assert_eq!(get(get(p, "source"), "type"), &Prop::str("PlatformImage"));
        assert_eq!(get(get(p, "source"), "sku"), &Prop::str("2022-datacenter-azure-edition"));
        assert_eq!(get(get(p, "source"), "version"), &Prop::str("latest"));
        let Prop::Array(steps) = get(p, "customize") else { panic!() };
        let kinds: Vec<&Prop> = steps.iter().map(|s| get(s, "type")).collect();
        assert_eq!(kinds, [&Prop::str("PowerShell"), &Prop::str("WindowsRestart"), &Prop::str("WindowsUpdate"), &Prop::str("WindowsRestart")]);
        assert_eq!(get(&steps[0], "runElevated"), &Prop::Bool(true));
        let Prop::Array(distribute) = get(p, "distribute") else { panic!() };
        assert_eq!(get(&distribute[0], "galleryImageId"), &Prop::ChildId { resource: definition, child: "versions", name: "1.2.0".into() });
        assert_eq!(get(&distribute[0], "runOutputName"), &Prop::str("web"));
        let regions =
            Prop::Array(["uksouth", "ukwest"].iter().map(|r| Prop::object([("name", Prop::str(*r)), ("replicaCount", Prop::Int(2))])).collect());
        assert_eq!(get(&distribute[0], "targetRegions"), &regions);
    }

    #[test]
    fn a_gallery_source_is_its_version_or_the_latest() {
        let plan = lower(PLAN);
        let (web, _) = plan.resources_with_ids().find(|(_, r)| r.name == ["corp", "web"]).unwrap();
        let (app, _) = plan.resources_with_ids().find(|(_, r)| r.name == ["corp", "app"]).unwrap();
        let (_, template) =
            of_type(&plan, "Microsoft.VirtualMachineImages/imageTemplates").into_iter().find(|(_, r)| r.name[0].starts_with("app-")).unwrap();
        assert_eq!(
            get(&template.properties, "source"),
            &Prop::object([
                ("type", Prop::str("SharedImageVersion")),
                ("imageVersionId", Prop::ChildId { resource: web, child: "versions", name: "1.2.0".into() })
            ])
        );
        assert!(template.depends_on.contains(&web));
        // No version of its own: Image Builder numbers it; no replicate_to: the gallery's region.
        let Prop::Array(distribute) = get(&template.properties, "distribute") else { panic!() };
        assert_eq!(get(&distribute[0], "galleryImageId"), &Prop::Id(app));
        assert_eq!(get(&distribute[0], "targetRegions"), &Prop::Array(vec![Prop::object([("name", Prop::str("uksouth"))])]));
        let latest = lower(&PLAN.replace("  version        = 1.2.0\n", ""));
        let (web, _) = latest.resources_with_ids().find(|(_, r)| r.name == ["corp", "web"]).unwrap();
        let (_, template) =
            of_type(&latest, "Microsoft.VirtualMachineImages/imageTemplates").into_iter().find(|(_, r)| r.name[0].starts_with("app-")).unwrap();
        assert_eq!(
            get(get(&template.properties, "source"), "imageVersionId"),
            &Prop::ChildId { resource: web, child: "versions", name: "latest".into() }
        );
    }

    const SOURCES: &str = r#"settings { location = uksouth }
gallery corp { resource_group = "rg-images" }
existing managed_image golden { name = "img-golden"  resource_group = "rg-legacy" }
existing virtual_machine builder { resource_group = "rg-build" }
existing image_version base { gallery = "shared"  image = "win2022"  version = 3.1.0  resource_group = "rg-shared"  subscription = "6a1f3c2e-0b7d-4e59-9c1a-2f4d8e6b0a13" }
image legacy {
  gallery = corp  os = windows  source = golden  version = 1.0.0
  replicate_to = [uksouth, ukwest]  replicas = 2  exclude_from_latest = true
  min_vcpus = 2  max_vcpus = 16  max_memory = 64  end_of_life = "2030-06-30T18:00:00+01:00"
}
image captured { gallery = corp  os = linux  state = specialized  source = builder  version = 1.0.0 }
image copied { gallery = corp  os = windows  source = base  version = 3.1.0 }
image again { gallery = corp  os = windows  source = legacy  version = 1.0.1 }
image plain { gallery = corp  os = linux  end_of_life = "2030-06-30" }
"#;

    fn external(subscription: Option<&str>, group: &str, resource_type: &'static str, name: &str) -> Prop {
        Prop::External(Box::new(crate::lower::ir::External {
            subscription: subscription.map(str::to_string),
            resource_group: group.into(),
            resource_type,
            name: name.into(),
        }))
    }

    #[test]
    fn a_version_is_made_from_each_kind_of_source() {
        let plan = lower(SOURCES);
        let versions = of_type(&plan, "Microsoft.Compute/galleries/images/versions");
        assert_eq!(versions.len(), 4, "no version for an image without a source");
        let find = |name: &str| versions.iter().find(|(_, r)| r.name[1] == name).map(|(id, r)| (*id, *r)).unwrap();
        let definition = |name: &str| {
            plan.resources_with_ids().find(|(_, r)| r.resource_type == "Microsoft.Compute/galleries/images" && r.name[1] == name).unwrap().0
        };
        let (legacy_id, legacy) = find("legacy");
        assert_eq!(legacy.name, ["corp", "legacy", "1.0.0"]);
        assert_eq!(legacy.location.as_deref(), Some("uksouth"));
        assert_eq!(legacy.parent, Some(definition("legacy")));
        assert_eq!(legacy.depends_on, [definition("legacy")]);
        let publishing = get(&legacy.properties, "publishingProfile");
        let regions = Prop::Array(vec![Prop::object([("name", Prop::str("uksouth"))]), Prop::object([("name", Prop::str("ukwest"))])]);
        assert_eq!(get(publishing, "targetRegions"), &regions);
        assert_eq!(get(publishing, "replicaCount"), &Prop::Int(2));
        assert_eq!(get(publishing, "excludeFromLatest"), &Prop::Bool(true));
        let source = |r: &Resource| get(get(&r.properties, "storageProfile"), "source").clone();
        assert_eq!(source(legacy), Prop::object([("id", external(None, "rg-legacy", "Microsoft.Compute/images", "img-golden"))]));
        assert_eq!(
            source(find("captured").1),
            Prop::object([("virtualMachineId", external(None, "rg-build", "Microsoft.Compute/virtualMachines", "builder"))])
        );
        assert_eq!(
            source(find("copied").1),
            Prop::object([(
                "id",
                external(
                    Some("6a1f3c2e-0b7d-4e59-9c1a-2f4d8e6b0a13"),
                    "rg-shared",
                    "Microsoft.Compute/galleries/images/versions",
                    "shared/win2022/3.1.0"
                )
            )])
        );
        // A version of the plan's own: its ID, after it.
        let (_, again) = find("again");
        assert_eq!(source(again), Prop::object([("id", Prop::ChildId { resource: definition("legacy"), child: "versions", name: "1.0.0".into() })]));
        assert_eq!(again.depends_on, [definition("again"), legacy_id]);
    }

    #[test]
    fn the_definition_carries_the_recommended_ranges_and_the_moment_of_its_end() {
        let plan = lower(SOURCES);
        let definition = |name: &str| {
            plan.resources_with_ids().find(|(_, r)| r.resource_type == "Microsoft.Compute/galleries/images" && r.name[1] == name).unwrap().1
        };
        let legacy = definition("legacy");
        assert_eq!(
            get(&legacy.properties, "recommended"),
            &Prop::object([
                ("vCPUs", Prop::object([("min", Prop::Int(2)), ("max", Prop::Int(16))])),
                ("memory", Prop::object([("max", Prop::Int(64))]))
            ])
        );
        assert_eq!(get(&legacy.properties, "endOfLifeDate"), &Prop::str("2030-06-30T18:00:00+01:00"));
        let plain = definition("plain");
        assert_eq!(get(&plain.properties, "endOfLifeDate"), &Prop::str("2030-06-30T00:00:00Z"));
        assert!(matches!(&plain.properties, Prop::Object(p) if !p.contains_key("recommended")));
    }

    #[test]
    fn the_template_name_follows_its_content_and_nothing_else() {
        let name = |plan: &AzurePlan, prefix: &str| {
            of_type(plan, "Microsoft.VirtualMachineImages/imageTemplates")
                .into_iter()
                .map(|(_, r)| r.name[0].clone())
                .find(|n| n.starts_with(prefix))
                .unwrap()
        };
        let base = lower(PLAN);
        // The same plan, again and with unrelated blocks before it: the same names.
        assert_eq!(name(&lower(PLAN), "web-"), name(&base, "web-"));
        let more = format!("hub core {{ resource_group = \"rg-core\"  address_space = [10.0.0.0/16] }}\n{PLAN}");
        assert_eq!(name(&lower(&more), "web-"), name(&base, "web-"));
        // A changed build, version or source: a new name.
        for change in [
            ("timeout        = 2h", "timeout        = 3h"),
            ("version        = 1.2.0", "version        = 1.3.0"),
            ("source         = windows_2022", "source         = windows_2025"),
        ] {
            let changed = lower(&PLAN.replace(change.0, change.1));
            assert_ne!(name(&changed, "web-"), name(&base, "web-"), "{change:?}");
        }
        // The source's version is part of what `app` builds from.
        let changed = lower(&PLAN.replace("version        = 1.2.0", "version        = 1.3.0"));
        assert_ne!(name(&changed, "app-"), name(&base, "app-"));
    }
}
