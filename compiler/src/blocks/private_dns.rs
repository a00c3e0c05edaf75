//! Private DNS zones with their virtual network links, and private endpoints in
//! subnets with their DNS zone groups.

use super::network::NETWORK_KINDS;
use crate::blocks::lowering::Lowering;
use crate::lower::ir::{Prop, Resource, ResourceId};
use crate::model::{Model, Node, NodeId, Typed};
use crate::schema::attrs;
use crate::schema::{attr, KindSchema, Naming, Type};
use indexmap::IndexMap;

const ZONE: &str = "Microsoft.Network/privateDnsZones";
const LINK: &str = "Microsoft.Network/privateDnsZones/virtualNetworkLinks";
const ENDPOINT: &str = "Microsoft.Network/privateEndpoints";
const ZONE_GROUP: &str = "Microsoft.Network/privateEndpoints/privateDnsZoneGroups";

const NETWORK_REF: Type = Type::Ref(NETWORK_KINDS);

pub const PRIVATE_DNS: KindSchema = KindSchema {
    kind: "private_dns",
    doc: "A private DNS zone (global), linked to the virtual networks that resolve its names.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attrs::resource_group(true, None, "Resource group of the zone; created when missing."),
        attr("zone", Type::String, true, None, "The zone's DNS name, such as `privatelink.blob.core.windows.net`."),
        attr("link", Type::List(&NETWORK_REF), false, Some("none"), "Virtual networks (hubs, spokes, vnets) that resolve the zone's names."),
        attr(
            "registration_enabled",
            Type::Boolean,
            false,
            Some("false"),
            "Whether Azure registers the linked networks' virtual machines in the zone (autoregistration).",
        ),
        attrs::location(Some("settings.location"), "Region of the resource group, when ashlar creates it; the zone itself is global."),
        attrs::tags("Tags of the zone and its links, merged over the plan's tags."),
    ],
    children: &[],
    unique: false,
};

/// The kinds a private endpoint's `target` may name: resources deployed
/// elsewhere that offer private endpoints.
pub const ENDPOINT_TARGETS: &[&str] = &["existing storage_account", "key_vault", "existing sql_server"];

pub const PRIVATE_ENDPOINT: KindSchema = KindSchema {
    kind: "private_endpoint",
    doc: "A private endpoint in the subnet it is nested in: a private address for an existing resource.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attr(
            "target",
            Type::Ref(ENDPOINT_TARGETS),
            false,
            Some("none"),
            "The resource to reach privately, declared with `existing`: a storage account, key vault or SQL server; or give `resource_id`.",
        ),
        attr(
            "resource_id",
            Type::String,
            false,
            Some("none"),
            "The full ARM resource ID of the resource to reach privately, when no `existing` block declares it; or give `target`.",
        ),
        attr("group", Type::Name, true, None, "The target's sub-resource (group ID): `blob`, `file`, `vault`, `sqlServer`, ..."),
        attr("dns", Type::Ref(&["private_dns"]), false, Some("none"), "A `private_dns` block whose zone gets the endpoint's DNS record."),
        attrs::resource_group(false, Some("the virtual network's"), "Resource group of the endpoint; created when missing."),
        attrs::tags("Tags of the endpoint, merged over the plan's tags."),
    ],
    children: &[],
    unique: false,
};

/// An ARM resource ID, split: `/subscriptions/{subscription}/resourceGroups/{group}/providers/{namespace}/{type}/{name}[/{type}/{name}...]`.
#[derive(Debug, PartialEq, Eq)]
pub struct ArmId<'a> {
    pub subscription: &'a str,
    pub group: &'a str,
    pub namespace: &'a str,
    /// (type, name) pairs: one for a top-level resource, more for a child.
    pub types: Vec<(&'a str, &'a str)>,
}

impl ArmId<'_> {
    /// `Microsoft.Storage/storageAccounts`, for a top-level resource only.
    pub fn top_level_type(&self) -> Option<String> {
        match self.types.as_slice() {
            [(t, _)] => Some(format!("{}/{t}", self.namespace)),
            _ => None,
        }
    }
}

/// Why a string is not an ARM resource ID: the byte range at fault and what is wrong.
#[derive(Debug, PartialEq, Eq)]
pub struct IdProblem {
    pub range: std::ops::Range<usize>,
    pub message: String,
}

/// The shape every resource ID has, for help texts.
pub const ID_SHAPE: &str = "/subscriptions/<subscription id>/resourceGroups/<group>/providers/<namespace>/<type>/<name>";

/// Parses an ARM resource ID of a resource in a resource group. Keywords
/// (`subscriptions`, `resourceGroups`, `providers`) match in any case, as ARM's do.
pub fn parse_arm_id(id: &str) -> Result<ArmId<'_>, IdProblem> {
    let problem = |range: std::ops::Range<usize>, message: String| Err(IdProblem { range, message });
    let whole = 0..id.len();
    if id.trim().is_empty() {
        return problem(whole, "the resource ID is empty".into());
    }
    if !id.starts_with('/') {
        return problem(whole, format!("a resource ID starts with `/subscriptions/`; `{id}` does not"));
    }
    // Segments after the leading `/`, with their byte ranges.
    let mut segments: Vec<(&str, std::ops::Range<usize>)> = Vec::new();
    let mut start = 1;
    for part in id[1..].split('/') {
        segments.push((part, start..start + part.len()));
        start += part.len() + 1;
    }
    let last = segments.len() - 1;
    for (i, (segment, range)) in segments.iter().enumerate() {
        if !segment.is_empty() {
            continue;
        }
        if i < last {
            return problem(range.start - 1..range.start + 1, "the resource ID has an empty segment (`//`)".into());
        }
        if segments.len() >= 9 {
            return problem(range.start - 1..range.start, "the resource ID ends with `/`".into());
        }
    }
    // An incomplete ID's trailing `/` is reported as the part that is missing.
    if segments[last].0.is_empty() {
        segments.pop();
    }
    let segment = |i: usize, what: &str| match segments.get(i) {
        Some((s, range)) => Ok((*s, range.clone())),
        None => Err(IdProblem { range: 0..id.len(), message: format!("the resource ID ends before {what}") }),
    };
    let keyword = |i: usize, word: &str, message: &str| match segment(i, &format!("`{word}`")) {
        Ok((s, _)) if s.eq_ignore_ascii_case(word) => Ok(()),
        Ok((_, range)) => Err(IdProblem { range, message: message.to_string() }),
        Err(e) => Err(e),
    };
    keyword(0, "subscriptions", "a resource ID starts with `/subscriptions/`")?;
    let (subscription, range) = segment(1, "the subscription ID")?;
    if !is_guid(subscription) {
        return problem(range, format!("`{subscription}` is not a subscription ID, a GUID like `00000000-0000-0000-0000-000000000000`"));
    }
    keyword(2, "resourceGroups", "`resourceGroups/<group>` must follow the subscription ID")?;
    let (group, range) = segment(3, "the resource group's name")?;
    if let Some(why) = group_problem(group) {
        return problem(range, why);
    }
    keyword(4, "providers", "`providers/<namespace>/<type>/<name>` must follow the resource group")?;
    let (namespace, range) = segment(5, "the provider namespace, such as `Microsoft.Storage`")?;
    let namespace_ok = namespace.contains('.')
        && !namespace.starts_with('.')
        && !namespace.ends_with('.')
        && !namespace.contains("..")
        && namespace.chars().all(|c| c.is_ascii_alphanumeric() || c == '.');
    if !namespace_ok {
        return problem(range, format!("`{namespace}` is not a provider namespace, such as `Microsoft.Storage`"));
    }
    let rest = &segments[6..];
    if rest.is_empty() {
        return problem(whole, "the resource ID ends before the resource's type and name".into());
    }
    if rest.len() % 2 == 1 {
        let (last, range) = &rest[rest.len() - 1];
        return problem(range.clone(), format!("the resource ID ends with the type `{last}` and no name after it"));
    }
    if let Some((s, range)) = rest.iter().find(|(s, _)| s.chars().any(|c| c.is_whitespace() || c.is_control())) {
        return problem(range.clone(), format!("`{s}` contains white space"));
    }
    let types = rest.chunks(2).map(|pair| (pair[0].0, pair[1].0)).collect();
    Ok(ArmId { subscription, group, namespace, types })
}

/// `8-4-4-4-12` hexadecimal digits.
pub fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5 && parts.iter().zip([8, 4, 4, 4, 12]).all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// What is wrong with a resource group name in an ID (azure-facts 5.5).
pub fn group_problem(name: &str) -> Option<String> {
    let len = name.chars().count();
    if len == 0 || len > 90 {
        return Some(format!("the resource group name `{name}` has {len} characters; Azure's have 1 to 90"));
    }
    if let Some(c) = name.chars().find(|&c| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '(' | ')'))) {
        return Some(format!("the resource group name `{name}` contains `{c}`; Azure's hold letters, digits, `_`, `-`, `.`, `(` and `)`"));
    }
    if name.ends_with('.') {
        return Some(format!("the resource group name `{name}` ends with `.`, which Azure refuses"));
    }
    None
}

/// The sub-resources (group IDs) of the private-link resource types whose list
/// is fixed, from Microsoft Learn's "What is a private endpoint?", table
/// "Private-link resource". Types not listed here are not checked.
pub const PRIVATE_LINK_GROUPS: &[(&str, &[&str])] = &[
    (
        "Microsoft.Storage/storageAccounts",
        &[
            "blob",
            "blob_secondary",
            "table",
            "table_secondary",
            "queue",
            "queue_secondary",
            "file",
            "file_secondary",
            "web",
            "web_secondary",
            "dfs",
            "dfs_secondary",
        ],
    ),
    ("Microsoft.KeyVault/vaults", &["vault"]),
    ("Microsoft.Sql/servers", &["sqlServer"]),
    ("Microsoft.Sql/managedInstances", &["managedInstance"]),
    ("Microsoft.ContainerRegistry/registries", &["registry"]),
    ("Microsoft.EventHub/namespaces", &["namespace"]),
    ("Microsoft.ServiceBus/namespaces", &["namespace"]),
    ("Microsoft.Relay/namespaces", &["namespace"]),
    ("Microsoft.Cache/Redis", &["redisCache"]),
    ("Microsoft.Search/searchServices", &["searchService"]),
    ("Microsoft.CognitiveServices/accounts", &["account"]),
    ("Microsoft.AppConfiguration/configurationStores", &["configurationStores"]),
    ("Microsoft.RecoveryServices/vaults", &["AzureBackup", "AzureSiteRecovery"]),
    ("Microsoft.Batch/batchAccounts", &["batchAccount", "nodeManagement"]),
    ("Microsoft.EventGrid/topics", &["topic"]),
    ("Microsoft.EventGrid/domains", &["domain"]),
    ("Microsoft.MachineLearningServices/workspaces", &["amlworkspace"]),
];

/// The group IDs a resource type offers, when ashlar knows them; types compare
/// without regard to case, as ARM's do.
pub fn known_groups(resource_type: &str) -> Option<(&'static str, &'static [&'static str])> {
    PRIVATE_LINK_GROUPS.iter().find(|(t, _)| t.eq_ignore_ascii_case(resource_type)).copied()
}

/// The resource type of a private endpoint's target: its `target`'s, else
/// the type its `resource_id` names, when that parses.
pub fn target_type(model: &Model, endpoint: NodeId) -> Option<String> {
    let node = model.node(endpoint);
    if let Some(target) = node.reference("target") {
        return crate::blocks::existing::by_kind(model.node(target).kind.kind).map(|k| k.resource_type.to_string());
    }
    parse_arm_id(node.str("resource_id")?).ok().and_then(|id| id.top_level_type())
}

/// The group ID as Azure spells it: the known spelling when the target's type
/// is known and the name matches it in another case, else as written.
pub fn canonical_group(resource_type: Option<&str>, group: &str) -> String {
    resource_type
        .and_then(known_groups)
        .and_then(|(_, groups)| groups.iter().find(|g| g.eq_ignore_ascii_case(group)))
        .map_or_else(|| group.to_string(), |g| g.to_string())
}

/// The network a private endpoint is in: its subnet's parent.
pub fn endpoint_network(model: &Model, endpoint: NodeId) -> Option<(NodeId, NodeId)> {
    let subnet = model.node(endpoint).parent?;
    let network = model.node(subnet).parent?;
    Some((subnet, network))
}

/// Every private endpoint, in declaration order.
pub fn endpoints(model: &Model) -> impl Iterator<Item = (NodeId, &Node)> {
    model.of_kind("private_endpoint")
}

/// The networks a `private_dns` block's `link` names, with the span of each entry.
pub fn links(node: &Node) -> Vec<(NodeId, crate::source::Span)> {
    node.list("link")
        .iter()
        .filter_map(|item| match item.value {
            Typed::Ref(target) => Some((target, item.span)),
            _ => None,
        })
        .collect()
}

/// The resource group a private endpoint deploys to: its own, else its
/// network's when the plan deploys that network. In a subnet of an `existing
/// vnet` only its own: the network's group is its owner's, maybe in another
/// subscription (`ASH274` when it is missing).
pub fn endpoint_group(model: &Model, endpoint: NodeId) -> Option<&str> {
    let node = model.node(endpoint);
    node.str(attrs::RESOURCE_GROUP).or_else(|| {
        endpoint_network(model, endpoint)
            .filter(|&(subnet, _)| !crate::blocks::existing::is_existing_subnet(model, subnet))
            .and_then(|(_, network)| model.node(network).str(attrs::RESOURCE_GROUP))
    })
}

/// Each `private_dns` block becomes a zone, and each network in its `link` a
/// virtual network link of the zone.
pub fn lower_private_dns(lw: &mut Lowering) {
    let blocks: Vec<NodeId> = lw.model.of_kind("private_dns").map(|(id, _)| id).collect();
    for id in blocks {
        let node = lw.model.node(id);
        let rg = lw.resource_group(node.str(attrs::RESOURCE_GROUP).unwrap_or_default(), id);
        let zone_name = node.str("zone").unwrap_or_default().to_string();
        let tags = lw.model.tags(id);
        let zone = lw.push(Resource::new(
            format!("zone_{}", node.name()),
            ZONE,
            vec![zone_name.clone()],
            rg.clone(),
            Some("global".into()),
            tags.clone(),
            id,
        ));
        lw.primary.insert(id, zone);

        let registration = matches!(node.get("registration_enabled").map(|a| &a.value), Some(Typed::Bool(true)));
        let mut linked: Vec<NodeId> = Vec::new();
        for (network, _) in links(node) {
            // A repeated entry is an error the checks report; never lowered twice.
            if linked.contains(&network) {
                continue;
            }
            linked.push(network);
            let Some(&vnet) = lw.primary.get(&network) else { continue };
            let properties =
                Prop::object([("registrationEnabled", Prop::Bool(registration)), ("virtualNetwork", Prop::object([("id", Prop::Id(vnet))]))]);
            let mut resource = Resource::new(
                format!("link_{}_{}", node.name(), lw.model.node(network).name()),
                LINK,
                vec![zone_name.clone(), lw.names.private_dns_link(id, network)],
                rg.clone(),
                Some("global".into()),
                tags.clone(),
                id,
            );
            resource.parent = Some(zone);
            resource.properties = properties;
            resource.depends_on = vec![zone, vnet];
            let link = lw.push(resource);
            // A zone takes one operation at a time: Azure answers concurrent
            // links with `Conflict` ("... already has 1 operations ... queued").
            lw.after_last_on(zone, link);
        }
    }
}

/// Each `private_endpoint` becomes a private endpoint in its subnet and, with
/// `dns`, a DNS zone group that keeps its record in the zone.
pub fn lower_private_endpoints(lw: &mut Lowering) {
    let blocks: Vec<NodeId> = endpoints(lw.model).map(|(id, _)| id).collect();
    // The last endpoint in each network deployed elsewhere, which the next waits for.
    let mut last_elsewhere: IndexMap<NodeId, ResourceId> = IndexMap::new();
    for id in blocks {
        let Some((subnet, network)) = endpoint_network(lw.model, id) else { continue };
        // The subnet's ID as a machine's network interface has it; `None` for a
        // network deployed elsewhere.
        let Some((vnet, subnet_id)) = crate::blocks::compute::Place::subnet_id(lw, subnet) else { continue };
        // Without a group of its own in an existing network, `ASH274` reports it.
        let Some(group_name) = endpoint_group(lw.model, id) else { continue };
        let node = lw.model.node(id);
        // The endpoint's resource group takes the network's region: "The private
        // endpoint must be deployed in the same region and subscription as the
        // virtual network" (https://learn.microsoft.com/azure/private-link/private-endpoint-overview).
        let rg = lw.resource_group(group_name, network);
        let name = lw.names.private_endpoint(id);
        // An `existing` target's ID is built at deployment time; a written one is kept as text.
        let target = match node.reference("target") {
            Some(existing) => crate::blocks::existing::external_id(lw.model, existing).unwrap_or_else(|| Prop::str("")),
            None => Prop::str(node.str("resource_id").unwrap_or_default()),
        };
        let group = canonical_group(target_type(lw.model, id).as_deref(), node.str("group").unwrap_or_default());
        let connection = Prop::object([
            ("name", Prop::str(name.clone())),
            ("properties", Prop::object([("privateLinkServiceId", target), ("groupIds", Prop::Array(vec![Prop::str(group)]))])),
        ]);
        let properties =
            Prop::object([("subnet", Prop::object([("id", subnet_id)])), ("privateLinkServiceConnections", Prop::Array(vec![connection]))]);
        let mut resource = Resource::new(
            format!("pep_{}", node.name()),
            ENDPOINT,
            vec![name.clone()],
            rg.clone(),
            lw.model.location(network).map(str::to_string),
            lw.model.tags(id),
            id,
        );
        resource.properties = properties;
        resource.depends_on = vnet.into_iter().collect();
        let endpoint = lw.push(resource);
        lw.primary.insert(id, endpoint);
        // Private endpoints of one network go one at a time (azure-facts 5.3),
        // in a network deployed elsewhere too: nothing of the plan waits for it.
        match vnet {
            Some(vnet) => lw.after_last_on(vnet, endpoint),
            None => {
                if let Some(before) = last_elsewhere.insert(network, endpoint) {
                    lw.plan[endpoint].depends_on.push(before);
                }
            }
        }

        let Some(dns) = node.reference("dns") else { continue };
        let Some(&zone) = lw.primary.get(&dns) else { continue };
        let zone_name = lw.plan[zone].name[0].clone();
        let config =
            Prop::object([("name", Prop::str(zone_name.replace('.', "-"))), ("properties", Prop::object([("privateDnsZoneId", Prop::Id(zone))]))]);
        let mut resource = Resource::new(format!("pep_{}_dns", node.name()), ZONE_GROUP, vec![name, "default".into()], rg, None, IndexMap::new(), id);
        resource.parent = Some(endpoint);
        resource.properties = Prop::object([("privateDnsZoneConfigs", Prop::Array(vec![config]))]);
        resource.depends_on = vec![endpoint, zone];
        lw.push(resource);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORAGE: &str =
        "/subscriptions/6a1f3c2e-0b7d-4e59-9c1a-2f4d8e6b0a13/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata01";

    fn fails(id: &str) -> (String, String) {
        let p = parse_arm_id(id).expect_err(id);
        (id[p.range.clone()].to_string(), p.message)
    }

    #[test]
    fn a_resource_id_splits_into_its_parts() {
        let id = parse_arm_id(STORAGE).unwrap();
        assert_eq!(id.group, "rg-data");
        assert_eq!(id.top_level_type().as_deref(), Some("Microsoft.Storage/storageAccounts"));
        let child = format!("{STORAGE}/blobServices/default");
        assert_eq!(parse_arm_id(&child).unwrap().types, [("storageAccounts", "stdata01"), ("blobServices", "default")]);
        assert_eq!(parse_arm_id(&child).unwrap().top_level_type(), None);
        // ARM's keywords ignore case.
        assert!(parse_arm_id(&STORAGE.replace("resourceGroups", "resourcegroups")).is_ok());
    }

    #[test]
    fn each_broken_part_is_named_with_its_range() {
        assert_eq!(fails("stdata01").1, "a resource ID starts with `/subscriptions/`; `stdata01` does not");
        assert_eq!(fails("/subscription/x").0, "subscription");
        assert_eq!(fails(&STORAGE.replace("6a1f3c2e-0b7d", "6a1f3c2e0b7d")).0, "6a1f3c2e0b7d-4e59-9c1a-2f4d8e6b0a13");
        assert_eq!(fails(&STORAGE.replace("rg-data", "rg-data.")).0, "rg-data.");
        assert_eq!(fails(&STORAGE.replace("/providers", "/provider")).0, "provider");
        assert_eq!(fails(&STORAGE.replace("Microsoft.Storage", "MicrosoftStorage")).0, "MicrosoftStorage");
        assert_eq!(fails(&format!("{STORAGE}/")).1, "the resource ID ends with `/`");
        assert_eq!(fails(&format!("{STORAGE}/blobServices")).0, "blobServices");
        assert_eq!(fails(&STORAGE.replace("/stdata01", "")).1, "the resource ID ends with the type `storageAccounts` and no name after it");
        assert_eq!(fails(&STORAGE.replace("storageAccounts/", "storageAccounts//")).1, "the resource ID has an empty segment (`//`)");
        assert_eq!(fails("/subscriptions/").1, "the resource ID ends before the subscription ID");
        assert_eq!(fails("/subscriptions//x").0, "//");
        assert_eq!(fails(&STORAGE.replace("/providers/Microsoft.Storage/storageAccounts/stdata01", "")).1, "the resource ID ends before `providers`");
        assert_eq!(fails("").1, "the resource ID is empty");
    }

    #[test]
    fn known_groups_take_azure_spelling() {
        assert_eq!(canonical_group(Some("microsoft.storage/storageaccounts"), "BLOB"), "blob");
        assert_eq!(canonical_group(Some("Microsoft.Storage/storageAccounts"), "vault"), "vault");
        assert_eq!(canonical_group(None, "Blob"), "Blob");
        assert_eq!(known_groups("microsoft.keyvault/VAULTS").map(|(t, _)| t), Some("Microsoft.KeyVault/vaults"));
    }
}

#[cfg(test)]
mod lowering_tests {
    use crate::lower::ir::{AzurePlan, Prop, Resource, ResourceId};

    const PLAN: &str = r#"settings { location = uksouth }
hub core {
  resource_group = "rg-core"
  address_space = [10.0.0.0/16]
}
spoke app1 {
  hub = core
  resource_group = "rg-app1"
  address_space = [10.1.0.0/16]
  subnet data 10.1.0.0/27 {
    private_endpoint st1 {
      resource_id = "/subscriptions/6a1f3c2e-0b7d-4e59-9c1a-2f4d8e6b0a13/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/st1"
      group = BLOB
      dns = blob
    }
    private_endpoint kv1 {
      resource_id = "/subscriptions/6a1f3c2e-0b7d-4e59-9c1a-2f4d8e6b0a13/resourceGroups/rg-sec/providers/Microsoft.KeyVault/vaults/kv1"
      group = vault
    }
  }
}
private_dns blob {
  resource_group = "rg-dns"
  zone = "privatelink.blob.core.windows.net"
  link = [core, app1]
  registration_enabled = true
}
"#;

    fn plan() -> AzurePlan {
        let analysis = crate::analyze_text(PLAN, std::path::Path::new("."));
        assert!(!analysis.has_errors(), "{:#?}", analysis.diagnostics);
        analysis.azure.expect("the plan lowers")
    }

    fn find<'a>(plan: &'a AzurePlan, name: &[&str]) -> (ResourceId, &'a Resource) {
        plan.resources_with_ids().find(|(_, r)| r.name == name).unwrap_or_else(|| panic!("no {name:?}"))
    }

    fn get<'a>(prop: &'a Prop, key: &str) -> &'a Prop {
        match prop {
            Prop::Object(entries) => &entries[key],
            other => panic!("{other:?} is not an object"),
        }
    }

    #[test]
    fn endpoints_go_one_at_a_time_into_their_subnet() {
        let plan = plan();
        let (vnet, _) = find(&plan, &["app1"]);
        let (peering, _) = find(&plan, &["app1", "app1-to-core"]);
        let (st1, st1_resource) = find(&plan, &["st1"]);
        let (_, kv1) = find(&plan, &["kv1"]);
        assert_eq!(st1_resource.depends_on, [vnet, peering]);
        assert_eq!(kv1.depends_on, [vnet, st1]);
        assert_eq!(st1_resource.location.as_deref(), Some("uksouth"));
        assert_eq!(st1_resource.resource_group, "rg-app1");
        assert_eq!(
            get(&st1_resource.properties, "subnet"),
            &Prop::object([("id", Prop::ChildId { resource: vnet, child: "subnets", name: "data".into() })])
        );
        let connection = match get(&st1_resource.properties, "privateLinkServiceConnections") {
            Prop::Array(items) => &items[0],
            other => panic!("{other:?}"),
        };
        assert_eq!(get(connection, "name"), &Prop::str("st1"));
        // Azure's spelling of the group.
        assert_eq!(get(get(connection, "properties"), "groupIds"), &Prop::Array(vec![Prop::str("blob")]));
    }

    #[test]
    fn the_zone_is_global_with_one_link_per_network_and_a_group_per_endpoint() {
        let plan = plan();
        let (zone, zone_resource) = find(&plan, &["privatelink.blob.core.windows.net"]);
        assert_eq!(zone_resource.location.as_deref(), Some("global"));
        assert_eq!(zone_resource.properties, Prop::Object(Default::default()));
        let (core_link, _) = find(&plan, &["privatelink.blob.core.windows.net", "core"]);
        let (_, app1_link) = find(&plan, &["privatelink.blob.core.windows.net", "app1"]);
        let (app1_vnet, _) = find(&plan, &["app1"]);
        assert_eq!(app1_link.depends_on, [zone, app1_vnet, core_link]);
        assert_eq!(get(&app1_link.properties, "registrationEnabled"), &Prop::Bool(true));
        let (st1, _) = find(&plan, &["st1"]);
        let (_, group) = find(&plan, &["st1", "default"]);
        assert_eq!(group.parent, Some(st1));
        assert_eq!(group.depends_on, [st1, zone]);
        let config = Prop::object([
            ("name", Prop::str("privatelink-blob-core-windows-net")),
            ("properties", Prop::object([("privateDnsZoneId", Prop::Id(zone))])),
        ]);
        assert_eq!(get(&group.properties, "privateDnsZoneConfigs"), &Prop::Array(vec![config]));
        // Without `dns`, no zone group.
        assert!(plan.resources.iter().all(|r| r.name != ["kv1", "default"]));
    }

    const EXISTING: &str = r#"settings { location = uksouth }
existing key_vault secrets {
  vault_name = "kv-orders"
  resource_group = "rg-sec"
}
existing vnet spoke {
  name = "vnet-spoke"
  resource_group = "rg-platform"
  subscription = "0b3e5c71-94d2-4f8a-b6e0-7c1d2a9f4e58"
  location = westeurope
  subnet data {
    name = "snet-data"
    private_endpoint kv { target = secrets  group = vault  dns = vaults  resource_group = "rg-orders" }
    private_endpoint st { resource_id = "/subscriptions/0b3e5c71-94d2-4f8a-b6e0-7c1d2a9f4e58/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/st1"  group = blob  resource_group = "rg-orders" }
  }
}
private_dns vaults {
  resource_group = "rg-dns"
  zone = "privatelink.vaultcore.azure.net"
}
"#;

    #[test]
    fn an_endpoint_in_an_existing_subnet_joins_it_by_id_in_the_plans_group_and_the_networks_region() {
        let analysis = crate::analyze_text(EXISTING, std::path::Path::new("."));
        assert!(!analysis.has_errors(), "{:#?}", analysis.diagnostics);
        let plan = analysis.azure.expect("the plan lowers");
        let (kv, kv_resource) = find(&plan, &["kv"]);
        let (_, st) = find(&plan, &["st"]);
        assert_eq!(kv_resource.resource_group, "rg-orders");
        assert_eq!(kv_resource.location.as_deref(), Some("westeurope"));
        let subnet = crate::lower::ir::External {
            subscription: Some("0b3e5c71-94d2-4f8a-b6e0-7c1d2a9f4e58".into()),
            resource_group: "rg-platform".into(),
            resource_type: "Microsoft.Network/virtualNetworks/subnets",
            name: "vnet-spoke/snet-data".into(),
        };
        assert_eq!(get(&kv_resource.properties, "subnet"), &Prop::object([("id", Prop::External(Box::new(subnet)))]));
        // Nothing of the network is deployed; the endpoints go one after another.
        assert!(kv_resource.depends_on.is_empty(), "{:?}", kv_resource.depends_on);
        assert_eq!(st.depends_on, [kv]);
        assert!(plan.resources.iter().all(|r| r.resource_type != "Microsoft.Network/virtualNetworks"));
        assert!(plan.resource_groups.iter().all(|g| g.name != "rg-platform"));
        let orders = plan.resource_groups.iter().find(|g| g.name == "rg-orders").expect("the endpoints' group");
        assert_eq!(orders.location, "westeurope");
        // The DNS zone group, as in the plan's own subnets.
        let (zone, _) = find(&plan, &["privatelink.vaultcore.azure.net"]);
        let (_, group) = find(&plan, &["kv", "default"]);
        assert_eq!(group.parent, Some(kv));
        assert_eq!(group.depends_on, [kv, zone]);
    }
}
