//! Hubs, spokes, standalone vnets and their subnets: virtual networks, and the
//! peerings derived from `hub = X` and `peer = [...]`.

use crate::blocks::lowering::Lowering;
use crate::lower::ir::{Object, Prop, Resource, ResourceId};
use crate::model::{Model, NodeId, Typed};
use crate::schema::attrs;
use crate::schema::{attr, AttrSchema, KindSchema, Naming, Type};
use indexmap::IndexMap;

const VNET_TYPE: &str = "Microsoft.Network/virtualNetworks";
const PEERING: &str = "Microsoft.Network/virtualNetworks/virtualNetworkPeerings";

const PREFIX: Type = Type::Prefix;
const PREFIX_OR_AUTO: Type = Type::PrefixOrAuto;
const IP: Type = Type::IpAddress;
const ANY_REF: Type = Type::Ref(&[]);
/// Kinds of block that are a virtual network.
pub const NETWORK_KINDS: &[&str] = &["hub", "spoke", "vnet"];
/// What a `peer` list may name: a network of the plan, or one deployed
/// elsewhere (`existing vnet`), of which only the plan's side is deployed.
const PEER_KINDS: &[&str] = &["hub", "spoke", "vnet", crate::blocks::existing::EXISTING_VNET];
const PEER_REF: Type = Type::Ref(PEER_KINDS);

/// The services a subnet can have a service endpoint for (virtual network
/// service endpoints overview).
pub const SERVICE_ENDPOINTS: &[&str] = &[
    "Microsoft.AzureActiveDirectory",
    "Microsoft.AzureCosmosDB",
    "Microsoft.CognitiveServices",
    "Microsoft.ContainerRegistry",
    "Microsoft.EventHub",
    "Microsoft.KeyVault",
    "Microsoft.ServiceBus",
    "Microsoft.Sql",
    "Microsoft.Storage",
    "Microsoft.Storage.Global",
    "Microsoft.Web",
];
const SERVICE_ENDPOINT: Type = Type::Word(SERVICE_ENDPOINTS);

/// `private_endpoint_policies` words, with Azure's `privateEndpointNetworkPolicies` for each.
pub const PRIVATE_ENDPOINT_POLICY_VALUES: &[(&str, &str)] =
    &[("disabled", "Disabled"), ("enabled", "Enabled"), ("nsg_enabled", "NetworkSecurityGroupEnabled"), ("route_table_enabled", "RouteTableEnabled")];
const PRIVATE_ENDPOINT_POLICIES: &[&str] = &["disabled", "enabled", "nsg_enabled", "route_table_enabled"];

/// The attributes of every network kind: `$first` before them (a spoke's
/// `hub`), the common ones with `peer` described as `$peer`, then `$rest`.
macro_rules! network_attributes {
    ([$($first:expr),*], $peer:expr, [$($rest:expr),*]) => {
        &[
            $($first,)*
            attrs::resource_group(true, None, "Resource group of the virtual network; created when missing."),
            attrs::location(Some("settings.location"), "Region of the virtual network."),
            attr(
                "address_space",
                Type::List(&PREFIX_OR_AUTO),
                true,
                None,
                "Address prefixes of the virtual network; `auto /N` takes one from `address_pool`.",
            ),
            attr("address_pool", Type::Ref(&["address_pool"]), false, Some("none"), "The pool that `auto /N` in `address_space` takes prefixes from."),
            attr("dns_servers", Type::List(&IP), false, Some("Azure-provided DNS"), "Custom DNS servers for the virtual network."),
            attrs::tags("Tags of this block's resources, merged over the plan's tags."),
            attr("depends_on", Type::List(&ANY_REF), false, Some("none"), "Blocks to deploy before this one, beyond those it references."),
            attr("peer", Type::List(&PEER_REF), false, Some("none"), $peer),
            $($rest,)*
        ]
    };
}

const APPLIANCE: AttrSchema = attr(
    "appliance",
    Type::Ref(&["compute"]),
    false,
    Some("none"),
    "A hub's network virtual appliance: a `compute` block with `ip_forwarding` behind a private `load_balancer` with `ha_ports`; every spoke routes 0.0.0.0/0 to its frontend.",
);

/// What `peer` is on a hub or a vnet.
const PEER_OF_HUB_OR_VNET: &str =
    "Other networks to peer with, both ways, beyond the peerings `hub =` makes; an `existing vnet` gets this side only.";

const FORWARDED_TRAFFIC: AttrSchema = attr(
    "forwarded_traffic",
    Type::Boolean,
    false,
    Some("true"),
    "Whether this network's side of each of its peerings allows forwarded traffic (`allowForwardedTraffic`).",
);

const USE_REMOTE_GATEWAYS_ATTR: AttrSchema = attr(
    USE_REMOTE_GATEWAYS,
    Type::Ref(&[crate::blocks::existing::EXISTING_VNET]),
    false,
    Some("none"),
    "An `existing vnet` in this network's `peer` list whose gateways this network's side of that peering uses (`useRemoteGateways`).",
);

const DDOS_PLAN: AttrSchema = attr(
    "ddos_plan",
    Type::Ref(&["ddos_plan"]),
    false,
    Some("none"),
    "The `ddos_plan` that protects the network's public addresses (`ddosProtectionPlan`, with `enableDdosProtection`).",
);

const GATEWAY_TRANSIT: AttrSchema = attr(
    "gateway_transit",
    Type::Boolean,
    false,
    Some("true with a `vpn_gateway` or `er_gateway`"),
    "Whether the hub's side of its spoke peerings allows gateway transit and its spokes use the hub's gateways.",
);

const NETWORK_ATTRIBUTES_HUB: &[AttrSchema] =
    network_attributes!([], PEER_OF_HUB_OR_VNET, [APPLIANCE, FORWARDED_TRAFFIC, USE_REMOTE_GATEWAYS_ATTR, DDOS_PLAN, GATEWAY_TRANSIT]);
const NETWORK_ATTRIBUTES_VNET: &[AttrSchema] =
    network_attributes!([], PEER_OF_HUB_OR_VNET, [APPLIANCE, FORWARDED_TRAFFIC, USE_REMOTE_GATEWAYS_ATTR, DDOS_PLAN]);

pub const HUB: KindSchema = KindSchema {
    kind: "hub",
    doc: "A hub virtual network: shared services and the connection point of spokes.",
    naming: Naming::Named,
    positional: &[],
    attributes: NETWORK_ATTRIBUTES_HUB,
    children: &["subnet", "peering", "firewall", "bastion", "vpn_gateway", "er_gateway", "site"],
    unique: false,
};

pub const SPOKE: KindSchema = KindSchema {
    kind: "spoke",
    doc: "A spoke virtual network, peered both ways with its hub.",
    naming: Naming::Named,
    positional: &[],
    attributes: network_attributes!(
        [attr("hub", Type::Ref(&["hub"]), true, None, "The hub this spoke is peered with, both ways.")],
        "Other networks to peer with, both ways, beyond the hub; an `existing vnet` gets this side only.",
        [FORWARDED_TRAFFIC, DDOS_PLAN]
    ),
    children: &["subnet", "peering"],
    unique: false,
};

pub const ADDRESS_POOL: KindSchema = KindSchema {
    kind: "address_pool",
    doc: "A range that networks take their address space from: `address_space = [auto /22]` with `address_pool = POOL`. Prefixes written anywhere in the plan stay out of its reach.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[attr("address_space", Type::List(&PREFIX), true, None, "The prefixes the pool hands out.")],
    children: &[],
    unique: false,
};

pub const VNET: KindSchema = KindSchema {
    kind: "vnet",
    doc: "A standalone virtual network: a hub's attributes, peered with nothing but the networks its `peer` names.",
    naming: Naming::Named,
    positional: &[],
    attributes: NETWORK_ATTRIBUTES_VNET,
    children: &["subnet", "peering"],
    unique: false,
};

/// The kind of a network's options for one of its peerings.
pub const PEERING_KIND: &str = "peering";

pub const PEERING_OPTIONS: KindSchema = KindSchema {
    kind: PEERING_KIND,
    doc: "Options of this network's side of its peering with the network named `REMOTE` (its hub, a spoke of it, or a network of either's `peer` list): `peering REMOTE { forwarded_traffic = false }`. What it leaves out keeps the network's defaults.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attr("forwarded_traffic", Type::Boolean, false, Some("the network's `forwarded_traffic`"), "Whether this side allows forwarded traffic (`allowForwardedTraffic`)."),
        attr("gateway_transit", Type::Boolean, false, Some("a hub's `gateway_transit` towards its spokes, else false"), "Whether this side lets the remote network use this network's gateways (`allowGatewayTransit`)."),
        attr(
            USE_REMOTE_GATEWAYS,
            Type::Boolean,
            false,
            Some("true for a spoke whose hub has gateways and allows transit, or for the network `use_remote_gateways` names"),
            "Whether this side uses the remote network's gateways (`useRemoteGateways`); see `ASH224`.",
        ),
    ],
    children: &[],
    unique: false,
};

pub const SUBNET: KindSchema = KindSchema {
    kind: "subnet",
    doc: "A subnet of a hub, spoke or vnet: `subnet NAME PREFIX`, or `subnet NAME auto /N` to let ashlar pick a free prefix.",
    naming: Naming::Named,
    positional: &["address_prefix"],
    attributes: &with_subnet_options::<1, 8>([attr(
        "address_prefix",
        Type::PrefixOrAuto,
        true,
        None,
        "Address prefix inside the virtual network's address space, or `auto /N`.",
    )]),
    children: &["private_endpoint"],
    unique: false,
};

/// What a subnet of the plan's own networks carries and deploys with it: an
/// `existing vnet`'s subnet, which its owner configures, takes none of them
/// (`ASH273`).
pub const SUBNET_OPTIONS: [AttrSchema; 7] = [
    attr("nsg", Type::Ref(&["nsg"]), false, Some("none"), "The network security group that filters the subnet's traffic."),
    attr("route_table", Type::Ref(&["route_table"]), false, Some("none"), "The route table whose routes the subnet's traffic follows."),
    attr("nat_gateway", Type::Ref(&["nat_gateway"]), false, Some("none"), "The NAT gateway the subnet reaches the Internet through."),
    attr("service_endpoints", Type::List(&SERVICE_ENDPOINT), false, Some("none"), "Services the subnet reaches over the Azure backbone, such as `Microsoft.Storage`."),
    attr("delegation", Type::String, false, Some("none"), "The service the subnet is delegated to, such as \"Microsoft.Web/serverFarms\"."),
    attr("private_endpoint_policies", Type::Word(PRIVATE_ENDPOINT_POLICIES), false, Some("Azure's: `disabled`"), "Whether the NSG and route table apply to private endpoints in the subnet: `disabled`, `enabled`, `nsg_enabled` or `route_table_enabled`."),
    attr(
        crate::blocks::egress::DEFAULT_OUTBOUND_ACCESS,
        Type::Boolean,
        false,
        Some("false: a private subnet"),
        "Whether machines with no other way out get Azure's default outbound access, a Microsoft-owned address that may change; prefer a `nat_gateway`. Written on every subnet as `defaultOutboundAccess`.",
    ),
];

/// `head`, then [`SUBNET_OPTIONS`]: the attributes of a kind of subnet, the
/// plan's own or an existing network's. `M` is `N` and the options' count.
pub const fn with_subnet_options<const N: usize, const M: usize>(head: [AttrSchema; N]) -> [AttrSchema; M] {
    assert!(M == N + SUBNET_OPTIONS.len());
    let mut all = [SUBNET_OPTIONS[0]; M];
    let mut i = 0;
    while i < M {
        all[i] = if i < N { head[i] } else { SUBNET_OPTIONS[i - N] };
        i += 1;
    }
    all
}

/// Each hub, spoke and vnet becomes a virtual network.
pub fn lower_networks(lw: &mut Lowering) {
    let networks: Vec<NodeId> = lw.model.networks().map(|(id, _)| id).collect();
    for id in networks {
        network(lw, id);
    }
}

/// `hub = X` on a spoke, and each `peer` entry, becomes a peering on each side.
pub fn lower_peerings(lw: &mut Lowering) {
    // In dependency order, so that chaining the peerings of one network never
    // runs against a block's `depends_on`; otherwise by the networks' Azure
    // names, so that the chain does not change with the files the blocks are
    // written in (an imported plan writes a file per resource group).
    let mut done: std::collections::HashSet<(NodeId, NodeId)> = std::collections::HashSet::new();
    let networks: Vec<NodeId> = lw.model.networks().map(|(id, _)| id).collect();
    for id in crate::graph::order_by(lw.model, &networks, |id| lw.names.vnet(id)) {
        let node = lw.model.node(id);
        if node.is("spoke") {
            if let Some(hub) = node.reference("hub") {
                both_sides(lw, id, id, hub);
                done.insert(pair(id, hub));
            }
        }
        // Self-peerings and repeats are errors the checks report; never lowered twice.
        for remote in peers(lw.model.node(id)) {
            if remote == id || done.contains(&pair(id, remote)) || implicit_pair(lw.model, id, remote) {
                continue;
            }
            // A network deployed elsewhere: this side only; its owner makes the other.
            if crate::blocks::existing::is_existing(lw.model, remote) {
                external_peering(lw, id, remote);
                continue;
            }
            both_sides(lw, id, id, remote);
            done.insert(pair(id, remote));
        }
    }
}

/// The two sides of the peering of `a` and `b`, written by `origin`. A side
/// that uses the other's gateways waits for them and for the other side, which
/// allows the transit; otherwise `a`'s side comes first.
fn both_sides(lw: &mut Lowering, origin: NodeId, a: NodeId, b: NodeId) {
    let (side_a, side_b) = (side(lw.model, a, b), side(lw.model, b, a));
    let (first, second) = if side_a.use_remote && !side_b.use_remote { ((b, side_b), (a, side_a)) } else { ((a, side_a), (b, side_b)) };
    let (first_local, first_side) = first;
    let (second_local, second_side) = second;
    let first_gateways =
        if first_side.allow_transit && second_side.use_remote { crate::blocks::gateway::gateways(lw, first_local) } else { Vec::new() };
    let done = peering(lw, origin, first_local, second_local, first_side, &first_gateways);
    let waits: Vec<ResourceId> = if second_side.use_remote { first_gateways.iter().copied().chain(done).collect() } else { Vec::new() };
    peering(lw, origin, second_local, first_local, second_side, &waits);
}

/// One side of a peering: what `local`'s peering towards a remote network
/// allows and uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Side {
    /// `allowForwardedTraffic`.
    pub forwarded: bool,
    /// `allowGatewayTransit`: the remote network may use this one's gateways.
    pub allow_transit: bool,
    /// `useRemoteGateways`: this network uses the remote one's gateways.
    pub use_remote: bool,
}

/// Whether a network has a VPN or ExpressRoute gateway.
pub fn has_gateway(model: &Model, network: NodeId) -> bool {
    model.node(network).children.iter().any(|&c| model.node(c).is("vpn_gateway") || model.node(c).is("er_gateway"))
}

/// The networks `local` is peered with, in the plan's order: its hub, its
/// spokes, and the networks of its `peer` list and of those naming it in theirs.
pub fn peered(model: &Model, local: NodeId) -> Vec<NodeId> {
    let mut out: Vec<NodeId> = Vec::new();
    for (id, node) in model.networks() {
        let linked = implicit_pair(model, local, id) || peers(model.node(local)).any(|p| p == id) || peers(node).any(|p| p == local);
        if id != local && linked {
            out.push(id);
        }
    }
    for remote in peers(model.node(local)) {
        if remote != local && !out.contains(&remote) {
            out.push(remote);
        }
    }
    out
}

/// The network a `peering NAME { ... }` block of `local` is for: the peered
/// network of that name, if any.
pub fn options_remote(model: &Model, block: NodeId) -> Option<NodeId> {
    let local = model.node(block).parent?;
    let name = model.node(block).name();
    peered(model, local).into_iter().find(|&r| model.node(r).name() == name)
}

/// The `peering REMOTE { ... }` block of `local` for `remote`, when written.
pub fn options_block(model: &Model, local: NodeId, remote: NodeId) -> Option<NodeId> {
    let remote_name = model.node(remote).name();
    model.node(local).children.iter().copied().find(|&c| model.node(c).is(PEERING_KIND) && model.node(c).name() == remote_name)
}

/// `local`'s side of its peering with `remote`: the network's defaults (its
/// `forwarded_traffic`; a hub's `gateway_transit` towards its spokes, which
/// use its gateways when it has some; `use_remote_gateways = remote`), then
/// what its `peering REMOTE { ... }` block writes.
pub fn side(model: &Model, local: NodeId, remote: NodeId) -> Side {
    let flag = |node: NodeId, attr: &str| match model.node(node).get(attr).map(|a| &a.value) {
        Some(Typed::Bool(b)) => Some(*b),
        _ => None,
    };
    let spoke_of = |spoke: NodeId, hub: NodeId| model.node(spoke).is("spoke") && model.node(spoke).reference("hub") == Some(hub);
    let mut side = Side { forwarded: flag(local, "forwarded_traffic").unwrap_or(true), allow_transit: false, use_remote: false };
    if spoke_of(local, remote) {
        side.use_remote = gateway_transit(model.node(remote), has_gateway(model, remote)) && has_gateway(model, remote);
    } else if spoke_of(remote, local) {
        side.allow_transit = gateway_transit(model.node(local), has_gateway(model, local));
    } else {
        side.use_remote = uses_remote_gateways(model, local, remote);
    }
    if let Some(block) = options_block(model, local, remote) {
        side.forwarded = flag(block, "forwarded_traffic").unwrap_or(side.forwarded);
        side.allow_transit = flag(block, "gateway_transit").unwrap_or(side.allow_transit);
        side.use_remote = flag(block, USE_REMOTE_GATEWAYS).unwrap_or(side.use_remote);
    }
    side
}

/// The networks a block's `peer` list names, in order.
pub fn peers(node: &crate::model::Node) -> impl Iterator<Item = NodeId> + '_ {
    node.list("peer").iter().filter_map(|item| match item.value {
        Typed::Ref(target) => Some(target),
        _ => None,
    })
}

/// The hub whose peerings a network takes part in through `hub =`: a hub's own,
/// a spoke's hub; `None` for a standalone vnet.
pub fn hub_of(model: &Model, network: NodeId) -> Option<NodeId> {
    let node = model.node(network);
    match node.kind.kind {
        "hub" => Some(network),
        "spoke" => node.reference("hub"),
        _ => None,
    }
}

/// Whether `hub =` already peers the two networks.
pub fn implicit_pair(model: &Model, a: NodeId, b: NodeId) -> bool {
    let spoke_of = |spoke: NodeId, hub: NodeId| model.node(spoke).is("spoke") && model.node(spoke).reference("hub") == Some(hub);
    spoke_of(a, b) || spoke_of(b, a)
}

fn pair(a: NodeId, b: NodeId) -> (NodeId, NodeId) {
    (a.min(b), a.max(b))
}

fn network(lw: &mut Lowering, id: NodeId) {
    let node = lw.model.node(id);
    let rg = lw.resource_group(node.str(attrs::RESOURCE_GROUP).unwrap_or_default(), id);
    let name = lw.names.vnet(id);

    let mut properties = Object::new();
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
    let mut depends_on = Vec::new();
    let subnets: Vec<Prop> = node
        .children
        .iter()
        .filter(|c| lw.model.node(**c).is("subnet"))
        .map(|&subnet| Prop::object([("name", Prop::str(lw.names.subnet(subnet))), ("properties", subnet_properties(lw, subnet, &mut depends_on))]))
        .collect();
    properties.insert("subnets".into(), Prop::Array(subnets));
    if let Some((plan, plan_resource)) = crate::blocks::monitoring::ddos_properties(lw, id) {
        properties.insert("enableDdosProtection".into(), Prop::Bool(true));
        properties.insert("ddosProtectionPlan".into(), plan);
        depends_on.push(plan_resource);
    }

    let mut resource =
        Resource::new(format!("vnet_{}", node.name()), VNET_TYPE, vec![name], rg, lw.model.location(id).map(str::to_string), lw.model.tags(id), id);
    resource.properties = Prop::Object(properties);
    resource.depends_on = depends_on;
    let rid = lw.push(resource);
    lw.primary.insert(id, rid);
}

/// A subnet's properties; the network security group and route table it uses
/// go into `depends_on`, since they must exist before the virtual network.
fn subnet_properties(lw: &Lowering, subnet: NodeId, depends_on: &mut Vec<ResourceId>) -> Prop {
    let node = lw.model.node(subnet);
    let prefix = lw.model.subnet_prefix(subnet).map(|p| p.to_string()).unwrap_or_default();
    let mut properties = Object::new();
    properties.insert("addressPrefix".into(), Prop::str(prefix));
    // A subnet's own route table wins over the one derived for a spoke behind a firewall.
    let nsg = node.reference("nsg").and_then(|target| lw.primary.get(&target)).copied();
    let nat_gateway = node.reference("nat_gateway").and_then(|target| lw.primary.get(&target)).copied();
    let route_table =
        node.reference("route_table").and_then(|target| lw.primary.get(&target)).or_else(|| lw.subnet_route_tables.get(&subnet)).copied();
    for (key, resource) in [("networkSecurityGroup", nsg), ("routeTable", route_table), ("natGateway", nat_gateway)] {
        if let Some(resource) = resource {
            properties.insert(key.into(), Prop::object([("id", Prop::Id(resource))]));
            if !depends_on.contains(&resource) {
                depends_on.push(resource);
            }
        }
    }
    let endpoints: Vec<Prop> = node
        .list("service_endpoints")
        .iter()
        .filter_map(|e| match &e.value {
            Typed::Word(service) => Some(Prop::object([("service", Prop::str(service.clone()))])),
            _ => None,
        })
        .collect();
    if !endpoints.is_empty() {
        properties.insert("serviceEndpoints".into(), Prop::Array(endpoints));
    }
    if let Some(service) = node.str("delegation") {
        // The delegation's name is the service's, with `.` for `/`.
        let delegation =
            Prop::object([("name", Prop::str(service.replace('/', "."))), ("properties", Prop::object([("serviceName", Prop::str(service))]))]);
        properties.insert("delegations".into(), Prop::Array(vec![delegation]));
    }
    if let Some(policy) = node.str("private_endpoint_policies") {
        let azure = PRIVATE_ENDPOINT_POLICY_VALUES.iter().find(|(word, _)| *word == policy).map_or(policy, |(_, value)| value);
        properties.insert("privateEndpointNetworkPolicies".into(), Prop::str(azure));
    }
    // Written always: from API 2025-07-01 a new network's subnets are private
    // unless told, an older network's are not; what a plan deploys must not
    // depend on which (see `blocks::egress`).
    let default_outbound = crate::blocks::compute::flag(node, crate::blocks::egress::DEFAULT_OUTBOUND_ACCESS);
    properties.insert("defaultOutboundAccess".into(), Prop::Bool(default_outbound));
    Prop::Object(properties)
}

/// A hub's `gateway_transit`: written, else whether it has gateways.
pub fn gateway_transit(hub: &crate::model::Node, has_gateways: bool) -> bool {
    match hub.get("gateway_transit").map(|a| &a.value) {
        Some(Typed::Bool(written)) => *written,
        _ => has_gateways,
    }
}

/// The peering on `local`'s virtual network towards `remote`'s, derived from
/// `origin`'s `hub = ...` or `peer = [...]`, with `side`'s options; after
/// `waits` (a hub's gateways, and for the side that uses them the other side too).
fn peering(lw: &mut Lowering, origin: NodeId, local: NodeId, remote: NodeId, side: Side, waits: &[ResourceId]) -> Option<ResourceId> {
    let (Some(&local_vnet), Some(&remote_vnet)) = (lw.primary.get(&local), lw.primary.get(&remote)) else { return None };
    let name = lw.names.peering(local, remote);
    let vnet_name = lw.plan[local_vnet].name[0].clone();
    let rg = lw.plan[local_vnet].resource_group.clone();
    let properties = side_properties(Prop::Id(remote_vnet), side);
    let symbol = format!("peer_{}_to_{}", lw.model.node(local).name(), lw.model.node(remote).name());
    let mut resource = Resource::new(symbol, PEERING, vec![vnet_name, name], rg, None, IndexMap::new(), origin);
    resource.parent = Some(local_vnet);
    resource.properties = properties;
    resource.depends_on = [local_vnet, remote_vnet].into_iter().chain(waits.iter().copied()).collect();
    let peering = lw.push(resource);
    lw.after_last_on(local_vnet, peering);
    Some(peering)
}

/// The properties of one side of a peering towards the network `remote`
/// identifies.
fn side_properties(remote: Prop, side: Side) -> Prop {
    Prop::object([
        ("remoteVirtualNetwork", Prop::object([("id", remote)])),
        ("allowVirtualNetworkAccess", Prop::Bool(true)),
        ("allowForwardedTraffic", Prop::Bool(side.forwarded)),
        ("allowGatewayTransit", Prop::Bool(side.allow_transit)),
        ("useRemoteGateways", Prop::Bool(side.use_remote)),
    ])
}

/// Whether `network`'s side of its peering with `remote` uses `remote`'s
/// gateways: `use_remote_gateways = remote`.
pub fn uses_remote_gateways(model: &Model, network: NodeId, remote: NodeId) -> bool {
    model.node(network).reference(USE_REMOTE_GATEWAYS) == Some(remote)
}

/// The attribute naming the peered network whose gateways a network uses.
pub const USE_REMOTE_GATEWAYS: &str = "use_remote_gateways";

/// The peering on `local`'s virtual network towards a network deployed
/// elsewhere, whose ID is built at deployment time; the other side is its
/// owner's to make.
fn external_peering(lw: &mut Lowering, local: NodeId, remote: NodeId) -> Option<ResourceId> {
    let &local_vnet = lw.primary.get(&local)?;
    let remote_id = crate::blocks::existing::external_id(lw.model, remote)?;
    let name = lw.names.peering(local, remote);
    let vnet_name = lw.plan[local_vnet].name[0].clone();
    let rg = lw.plan[local_vnet].resource_group.clone();
    let properties = side_properties(remote_id, side(lw.model, local, remote));
    let symbol = format!("peer_{}_to_{}", lw.model.node(local).name(), lw.model.node(remote).name());
    let mut resource = Resource::new(symbol, PEERING, vec![vnet_name, name], rg, None, IndexMap::new(), local);
    resource.parent = Some(local_vnet);
    resource.properties = properties;
    resource.depends_on = vec![local_vnet];
    let peering = lw.push(resource);
    lw.after_last_on(local_vnet, peering);
    Some(peering)
}

/// Which networks can reach each other through peerings: each hub, spoke and
/// standalone network mapped to the first network of its connected group.
/// Edges are `hub = X` and `peer = [...]`.
pub fn connected_groups(model: &crate::model::Model) -> indexmap::IndexMap<crate::model::NodeId, crate::model::NodeId> {
    use crate::model::{NodeId, Typed};
    let networks: Vec<NodeId> = model.networks().map(|(id, _)| id).collect();
    let mut parent: indexmap::IndexMap<NodeId, NodeId> = networks.iter().map(|&n| (n, n)).collect();
    fn root(parent: &mut indexmap::IndexMap<NodeId, NodeId>, mut n: NodeId) -> NodeId {
        while parent[&n] != n {
            let up = parent[&parent[&n]];
            parent[&n] = up;
            n = up;
        }
        n
    }
    for &network in &networks {
        let node = model.node(network);
        let peers = node.reference("hub").into_iter().chain(node.list("peer").iter().filter_map(|p| match p.value {
            Typed::Ref(id) => Some(id),
            _ => None,
        }));
        for other in peers.collect::<Vec<_>>() {
            if !parent.contains_key(&other) {
                continue;
            }
            let (a, b) = (root(&mut parent, network), root(&mut parent, other));
            // The earlier-declared network names the group, so groups are stable.
            let (low, high) = if a < b { (a, b) } else { (b, a) };
            parent[&high] = low;
        }
    }
    networks.iter().map(|&n| (n, root(&mut parent, n))).collect()
}

/// The prefix of a hub's `AzureFirewallSubnet` when the hub has a `firewall`.
///
/// Azure gives the firewall its private address when it deploys it, from this
/// subnet: the template reference documents `privateIPAddress` of an Azure
/// Firewall's IP configuration as read-only, "The Firewall Internal Load
/// Balancer IP to be used as the next hop in User Defined Routes"
/// (<https://learn.microsoft.com/javascript/api/@azure/arm-network/azurefirewallipconfiguration>:
/// "It can only be populated by the server"), and no Microsoft page says which
/// address of the subnet it is. So ashlar never guesses it: the routes it
/// derives for spokes read it from the deployed firewall ([`HubNextHop`]), and
/// the checks take an address of this subnet, where only the firewall forwards
/// traffic, for the firewall's.
pub fn firewall_subnet(model: &crate::model::Model, hub: crate::model::NodeId) -> Option<ipnet::IpNet> {
    let node = model.node(hub);
    node.children.iter().find(|&&c| model.node(c).is("firewall"))?;
    let subnet = node.children.iter().copied().find(|&c| model.node(c).is("subnet") && model.node(c).name() == "AzureFirewallSubnet")?;
    model.subnet_prefix(subnet)
}

/// Where a hub's spokes send their default route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HubNextHop {
    /// The hub's Azure Firewall (the `firewall` block): its private address,
    /// which Azure assigns, is read from the firewall when the route table
    /// deploys.
    Firewall(crate::model::NodeId),
    /// The frontend of the hub's `appliance` load balancer, an address ashlar
    /// gives it (static).
    Appliance(std::net::IpAddr),
}

impl HubNextHop {
    /// `firewall` or `appliance`: what the route is named after.
    pub fn via(&self) -> &'static str {
        match self {
            HubNextHop::Firewall(_) => "firewall",
            HubNextHop::Appliance(_) => "appliance",
        }
    }
}

/// Where a hub's spokes send their default route: the hub's firewall, else the
/// frontend of the hub's `appliance` load balancer.
pub fn hub_next_hop(model: &crate::model::Model, hub: crate::model::NodeId) -> Option<HubNextHop> {
    let node = model.node(hub);
    if let Some(&firewall) = node.children.iter().find(|&&c| model.node(c).is("firewall")) {
        return Some(HubNextHop::Firewall(firewall));
    }
    let appliance = node.reference("appliance")?;
    let balancer = crate::blocks::compute::load_balancer(model, appliance)?;
    crate::blocks::compute::frontend_ips(model).get(&balancer).map(|ip| HubNextHop::Appliance(*ip))
}

#[cfg(test)]
mod tests {
    use crate::lower::ir::{AzurePlan, Prop, ResourceId};

    fn lower(text: &str) -> AzurePlan {
        let analysis = crate::analyze_text(text, std::path::Path::new("."));
        assert!(!analysis.has_errors(), "{:#?}", analysis.diagnostics);
        analysis.azure.expect("the plan lowers")
    }

    fn find<'a>(plan: &'a AzurePlan, name: &[&str]) -> (ResourceId, &'a crate::lower::ir::Resource) {
        plan.resources_with_ids().find(|(_, r)| r.name == name).unwrap_or_else(|| panic!("no {name:?}"))
    }

    #[test]
    fn a_peer_entry_peers_both_ways_and_queues_behind_the_hub_peerings() {
        let plan = lower(
            "settings { location = uksouth }\nhub core {\n resource_group = \"rg-core\"\n address_space = [10.0.0.0/16]\n}\nspoke app1 {\n hub = core\n resource_group = \"rg-app1\"\n address_space = [10.1.0.0/16]\n peer = [shared]\n}\nvnet shared {\n resource_group = \"rg-shared\"\n address_space = [10.9.0.0/24]\n}\n",
        );
        let peerings: Vec<Vec<String>> =
            plan.resources.iter().filter(|r| r.resource_type.ends_with("virtualNetworkPeerings")).map(|r| r.name.clone()).collect();
        assert_eq!(
            peerings,
            [["app1", "app1-to-core"], ["core", "core-to-app1"], ["app1", "app1-to-shared"], ["shared", "shared-to-app1"]]
                .map(|p| p.map(String::from).to_vec())
        );
        let (shared_vnet, _) = find(&plan, &["shared"]);
        let (app1_to_core, _) = find(&plan, &["app1", "app1-to-core"]);
        let (_, to_shared) = find(&plan, &["app1", "app1-to-shared"]);
        // Waits for both networks, and for the peering before it on app1's network.
        assert!(to_shared.depends_on.contains(&shared_vnet) && to_shared.depends_on.contains(&app1_to_core), "{:?}", to_shared.depends_on);
        let Prop::Object(properties) = &to_shared.properties else { panic!("properties are an object") };
        assert_eq!(properties["remoteVirtualNetwork"], Prop::object([("id", Prop::Id(shared_vnet))]));
    }

    #[test]
    fn two_networks_may_name_each_other_without_a_circle_of_blocks() {
        // A repeated peering is an error, but not a dependency cycle.
        let analysis = crate::analyze_text(
            "settings { location = uksouth }\nvnet va {\n resource_group = \"rg\"\n address_space = [10.0.0.0/24]\n peer = [vb]\n}\nvnet vb {\n resource_group = \"rg\"\n address_space = [10.0.1.0/24]\n peer = [va]\n}\n",
            std::path::Path::new("."),
        );
        let codes: Vec<&str> = analysis.diagnostics.iter().map(|d| d.code.code).collect();
        assert_eq!(codes, ["ASH255"]);
    }
    #[test]
    fn forwarded_traffic_and_gateway_transit_set_each_side_of_a_peering() {
        let props = |plan: &AzurePlan, name: &[&str]| {
            let (_, peering) = find(plan, name);
            let Prop::Object(p) = &peering.properties else { panic!("properties are an object") };
            ["allowForwardedTraffic", "allowGatewayTransit", "useRemoteGateways"].map(|k| p[k].clone())
        };
        let (t, f) = (Prop::Bool(true), Prop::Bool(false));
        let gateway = " subnet GatewaySubnet 10.0.255.0/27\n vpn_gateway {\n  sku = VpnGw1AZ\n }\n";
        let text = |hub_extra: &str, spoke_extra: &str, gateway: &str| {
            format!(
                "settings {{ location = uksouth }}\nhub core {{\n resource_group = \"rg-core\"\n address_space = [10.0.0.0/16]\n{hub_extra}{gateway}}}\nspoke app1 {{\n hub = core\n resource_group = \"rg-app1\"\n address_space = [10.1.0.0/16]\n{spoke_extra}}}\n"
            )
        };
        // Absent: forwarded traffic both ways, transit derived from the gateway.
        let plan = lower(&text("", "", gateway));
        assert_eq!(props(&plan, &["core", "core-to-app1"]), [t.clone(), t.clone(), f.clone()]);
        assert_eq!(props(&plan, &["app1", "app1-to-core"]), [t.clone(), f.clone(), t.clone()]);
        // Switched off: each side as its own network writes it, and the spoke no
        // longer waits for the hub's gateway.
        let plan = lower(&text(" gateway_transit = false\n", " forwarded_traffic = false\n", gateway));
        assert_eq!(props(&plan, &["core", "core-to-app1"]), [t.clone(), f.clone(), f.clone()]);
        assert_eq!(props(&plan, &["app1", "app1-to-core"]), [f.clone(), f.clone(), f.clone()]);
        let (vpn, _) = plan.resources_with_ids().find(|(_, r)| r.resource_type.ends_with("virtualNetworkGateways")).expect("a gateway");
        assert!(!find(&plan, &["app1", "app1-to-core"]).1.depends_on.contains(&vpn));
        // A hub without gateways may still allow transit on its side; its spokes have nothing to use.
        let plan = lower(&text(" gateway_transit = true\n forwarded_traffic = false\n", "", ""));
        assert_eq!(props(&plan, &["core", "core-to-app1"]), [f.clone(), t.clone(), f.clone()]);
        assert_eq!(props(&plan, &["app1", "app1-to-core"]), [t, f.clone(), f]);
    }

    #[test]
    fn a_peering_block_sets_one_side_of_one_peering() {
        let props = |plan: &AzurePlan, name: &[&str]| {
            let (_, peering) = find(plan, name);
            let Prop::Object(p) = &peering.properties else { panic!("properties are an object") };
            ["allowForwardedTraffic", "allowGatewayTransit", "useRemoteGateways"].map(|k| p[k].clone())
        };
        let (t, f) = (Prop::Bool(true), Prop::Bool(false));
        let text = |hub_extra: &str, spoke_extra: &str| {
            format!(
                "settings {{ location = uksouth }}\nhub core {{\n resource_group = \"rg-core\"\n address_space = [10.0.0.0/16]\n subnet GatewaySubnet 10.0.255.0/27\n vpn_gateway {{\n  sku = VpnGw1AZ\n }}\n{hub_extra}}}\nspoke app1 {{\n hub = core\n resource_group = \"rg-app1\"\n address_space = [10.1.0.0/16]\n peer = [shared]\n{spoke_extra}}}\nvnet shared {{\n resource_group = \"rg-shared\"\n address_space = [10.9.0.0/24]\n}}\n"
            )
        };
        // Forwarded traffic off towards the shared network only; the hub peering keeps the network's default.
        let plan = lower(&text("", " peering shared {\n  forwarded_traffic = false\n }\n"));
        assert_eq!(props(&plan, &["app1", "app1-to-shared"]), [f.clone(), f.clone(), f.clone()]);
        assert_eq!(props(&plan, &["app1", "app1-to-core"]), [t.clone(), f.clone(), t.clone()]);
        assert_eq!(props(&plan, &["shared", "shared-to-app1"]), [t.clone(), f.clone(), f.clone()]);
        // The spoke stops using the hub's gateway; the hub still allows transit, and the spoke no longer waits for the gateway.
        let plan = lower(&text("", " peering core {\n  use_remote_gateways = false\n }\n"));
        assert_eq!(props(&plan, &["app1", "app1-to-core"]), [t.clone(), f.clone(), f.clone()]);
        assert_eq!(props(&plan, &["core", "core-to-app1"]), [t.clone(), t.clone(), f.clone()]);
        let (vpn, _) = plan.resources_with_ids().find(|(_, r)| r.resource_type.ends_with("virtualNetworkGateways")).expect("a gateway");
        assert!(!find(&plan, &["app1", "app1-to-core"]).1.depends_on.contains(&vpn));
        // The hub's side towards this spoke only: no transit, no forwarded traffic.
        let plan = lower(&text(
            " peering app1 {\n  gateway_transit = false\n  forwarded_traffic = false\n }\n",
            " peering core {\n  use_remote_gateways = false\n }\n",
        ));
        assert_eq!(props(&plan, &["core", "core-to-app1"]), [f.clone(), f.clone(), f.clone()]);
        assert_eq!(props(&plan, &["app1", "app1-to-core"]), [t, f.clone(), f]);
    }
}
