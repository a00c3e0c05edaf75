//! Hubs, spokes and their subnets: virtual networks, and the peerings derived
//! from `hub = X`.

use crate::lower::ir::{api_version, Prop, Resource, ResourceId};
use crate::lower::Lowering;
use crate::model::{NodeId, Typed};
use crate::schema::{attr, AttrSchema, KindSchema, Naming, Type};
use indexmap::IndexMap;

const VNET: &str = "Microsoft.Network/virtualNetworks";
const PEERING: &str = "Microsoft.Network/virtualNetworks/virtualNetworkPeerings";

const PREFIX: Type = Type::Prefix;
const IP: Type = Type::IpAddress;
const ANY_REF: Type = Type::Ref(&[]);

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
    children: &["subnet", "firewall", "bastion", "vpn_gateway", "er_gateway", "site"],
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

/// Each hub and spoke becomes a virtual network.
pub fn lower_networks(lw: &mut Lowering) {
    let networks: Vec<NodeId> = lw.model.networks().map(|(id, _)| id).collect();
    for id in networks {
        network(lw, id);
    }
}

/// `hub = X` on a spoke becomes a peering on each side.
pub fn lower_peerings(lw: &mut Lowering) {
    // In dependency order, so that chaining the peerings of one network never
    // runs against a block's `depends_on`.
    for id in crate::graph::block_order(lw.model) {
        let node = lw.model.node(id);
        if !node.is("spoke") {
            continue;
        }
        if let Some(hub) = node.reference("hub") {
            let gateways = crate::blocks::gateway::gateways(lw, hub);
            if gateways.is_empty() {
                peering(lw, id, id, hub, &[]);
                peering(lw, id, hub, id, &[]);
            } else {
                // Gateway transit: the spoke's side uses the hub's gateways, which
                // Azure allows once they exist and the hub's side allows it.
                let hub_side = peering(lw, id, hub, id, &gateways);
                let waits: Vec<ResourceId> = gateways.iter().copied().chain(hub_side).collect();
                peering(lw, id, id, hub, &waits);
            }
        }
    }
}

fn network(lw: &mut Lowering, id: NodeId) {
    let node = lw.model.node(id);
    let rg = lw.resource_group(node.str("resource_group").unwrap_or_default(), id);
    let name = lw.names.vnet(id);

    let mut properties = IndexMap::new();
    let space: Vec<Prop> = node.prefixes("address_space").iter().map(|p| Prop::str(p.value.to_string())).collect();
    properties.insert("addressSpace".into(), Prop::object([("addressPrefixes", Prop::Array(space))]));
    let dns: Vec<Prop> = node
        .list("dns_servers")
        .iter()
        .filter_map(|d| match &d.value {
            Typed::Ip(ip) => Some(Prop::str(ip.to_string())),
            _ => None,
        })
        .collect();
    if !dns.is_empty() {
        properties.insert("dhcpOptions".into(), Prop::object([("dnsServers", Prop::Array(dns))]));
    }
    // Subnets inline, never as child resources: a redeploy of a virtual network
    // without its subnets listed would try to delete them.
    let subnets: Vec<Prop> = node
        .children
        .iter()
        .filter(|c| lw.model.node(**c).is("subnet"))
        .map(|&subnet| {
            let prefix = lw.model.subnet_prefix(subnet).map(|p| p.to_string()).unwrap_or_default();
            let mut subnet_properties = IndexMap::new();
            subnet_properties.insert("addressPrefix".to_string(), Prop::str(prefix));
            if let Some(&table) = lw.subnet_route_tables.get(&subnet) {
                subnet_properties.insert("routeTable".to_string(), Prop::object([("id", Prop::Id(table))]));
            }
            Prop::object([("name", Prop::str(lw.names.subnet(subnet))), ("properties", Prop::Object(subnet_properties))])
        })
        .collect();
    properties.insert("subnets".into(), Prop::Array(subnets));
    let mut depends_on: Vec<ResourceId> = Vec::new();
    for &subnet in &node.children {
        if let Some(&table) = lw.subnet_route_tables.get(&subnet) {
            if !depends_on.contains(&table) {
                depends_on.push(table);
            }
        }
    }

    let resource = Resource {
        symbol: format!("vnet_{}", node.name()),
        resource_type: VNET,
        api_version: api_version(VNET),
        name: vec![name],
        parent: None,
        resource_group: rg,
        location: lw.model.location(id).map(str::to_string),
        tags: lw.model.tags(id),
        top: IndexMap::new(),
        properties: Prop::Object(properties),
        depends_on,
        origin: id,
        deployment: 0,
    };
    let rid = lw.push(resource);
    lw.primary.insert(id, rid);
}

/// The peering on `local`'s virtual network towards `remote`'s, derived from
/// `spoke`'s `hub = ...`. With the hub's `gateways`, the hub's side allows
/// gateway transit and the spoke's uses them, after `gateways` (which then also
/// holds the hub's side).
fn peering(lw: &mut Lowering, spoke: NodeId, local: NodeId, remote: NodeId, gateways: &[ResourceId]) -> Option<ResourceId> {
    let (Some(&local_vnet), Some(&remote_vnet)) = (lw.primary.get(&local), lw.primary.get(&remote)) else { return None };
    let transit = !gateways.is_empty();
    let name = lw.names.peering(local, remote);
    let vnet_name = lw.plan.resources[local_vnet].name[0].clone();
    let rg = lw.plan.resources[local_vnet].resource_group.clone();
    let properties = Prop::object([
        ("remoteVirtualNetwork", Prop::object([("id", Prop::Id(remote_vnet))])),
        ("allowVirtualNetworkAccess", Prop::Bool(true)),
        ("allowForwardedTraffic", Prop::Bool(true)),
        ("allowGatewayTransit", Prop::Bool(transit && local != spoke)),
        ("useRemoteGateways", Prop::Bool(transit && local == spoke)),
    ]);
    let symbol = format!("peer_{}_to_{}", lw.model.node(local).name(), lw.model.node(remote).name());
    let peering = lw.push(Resource {
        symbol,
        resource_type: PEERING,
        api_version: api_version(PEERING),
        name: vec![vnet_name, name],
        parent: Some(local_vnet),
        resource_group: rg,
        location: None,
        tags: IndexMap::new(),
        top: IndexMap::new(),
        properties,
        depends_on: [local_vnet, remote_vnet].into_iter().chain(gateways.iter().copied()).collect(),
        origin: spoke,
        deployment: 0,
    });
    lw.after_last_on(local_vnet, peering);
    Some(peering)
}
