//! Lowering: the typed model becomes Azure resources ([`ir::AzurePlan`]).
//!
//! Each building block derives what it can: a hub or spoke becomes a virtual
//! network with its subnets inline; `hub = X` on a spoke becomes a peering on
//! each side. Resource groups are gathered from the blocks that name them.
//! Dependencies between resources come from here; the grouping into nested
//! deployments comes from [`crate::graph`].

pub mod ir;

use crate::model::{Model, NodeId, Typed};
use crate::naming::Names;
use indexmap::IndexMap;
use ir::{api_version, AzurePlan, Prop, Resource, ResourceGroup, ResourceId};

const VNET: &str = "Microsoft.Network/virtualNetworks";
const PEERING: &str = "Microsoft.Network/virtualNetworks/virtualNetworkPeerings";

/// Lowers a checked model, which must be free of errors. Fails only when the
/// derived resources depend on each other in a circle.
pub fn lower(model: &Model) -> Result<AzurePlan, Vec<crate::diagnostic::Diagnostic>> {
    let mut lowering = Lowering {
        model,
        names: Names::new(model),
        plan: AzurePlan::default(),
        vnets: IndexMap::new(),
        last_peering: IndexMap::new(),
        symbols: IndexMap::new(),
    };
    for (id, _) in model.networks() {
        lowering.network(id);
    }
    // In dependency order, so that chaining the peerings of one network never
    // runs against a block's `depends_on`.
    for id in crate::graph::block_order(model) {
        let node = model.node(id);
        if !node.is("spoke") {
            continue;
        }
        if let Some(hub) = node.reference("hub") {
            lowering.peering(id, id, hub);
            lowering.peering(id, hub, id);
        }
    }
    lowering.depends_on_blocks();
    let mut plan = lowering.plan;
    crate::graph::order_and_group(&mut plan, model)?;
    Ok(plan)
}

struct Lowering<'a> {
    model: &'a Model,
    names: Names<'a>,
    plan: AzurePlan,
    /// The virtual network resource of each hub and spoke.
    vnets: IndexMap<NodeId, ResourceId>,
    /// The last peering made on each virtual network: Azure fails peerings of one
    /// network deployed at the same time (`AnotherOperationInProgress`), so each
    /// waits for the one before.
    last_peering: IndexMap<ResourceId, ResourceId>,
    /// Symbols in use, to keep them unique.
    symbols: IndexMap<String, ()>,
}

impl Lowering<'_> {
    /// Declares a resource group once, and returns its name as first spelt:
    /// Azure's resource group names ignore case.
    fn resource_group(&mut self, name: &str, block: NodeId) -> String {
        if let Some(rg) = self.plan.resource_groups.iter().find(|rg| rg.name.eq_ignore_ascii_case(name)) {
            return rg.name.clone();
        }
        let location = self.model.location(block).unwrap_or_default().to_string();
        let tags = self.model.tags(block);
        self.plan.resource_groups.push(ResourceGroup { name: name.to_string(), location, tags });
        name.to_string()
    }

    fn symbol(&mut self, base: &str) -> String {
        let mut clean: String = base.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
        if !clean.starts_with(|c: char| c.is_ascii_alphabetic()) {
            clean.insert(0, 'r');
        }
        let mut symbol = clean.clone();
        let mut n = 2;
        while self.symbols.contains_key(&symbol) {
            symbol = format!("{clean}_{n}");
            n += 1;
        }
        self.symbols.insert(symbol.clone(), ());
        symbol
    }

    fn push(&mut self, mut resource: Resource) -> ResourceId {
        resource.symbol = self.symbol(&resource.symbol);
        self.plan.resources.push(resource);
        self.plan.resources.len() - 1
    }

    fn network(&mut self, id: NodeId) {
        let node = self.model.node(id);
        let rg = self.resource_group(node.str("resource_group").unwrap_or_default(), id);
        let name = self.names.vnet(id);

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
            .filter(|c| self.model.node(**c).is("subnet"))
            .map(|&subnet| {
                let prefix = self.model.subnet_prefix(subnet).map(|p| p.to_string()).unwrap_or_default();
                Prop::object([("name", Prop::str(self.names.subnet(subnet))), ("properties", Prop::object([("addressPrefix", Prop::str(prefix))]))])
            })
            .collect();
        properties.insert("subnets".into(), Prop::Array(subnets));

        let resource = Resource {
            symbol: format!("vnet_{}", node.name()),
            resource_type: VNET,
            api_version: api_version(VNET),
            name: vec![name],
            parent: None,
            resource_group: rg,
            location: self.model.location(id).map(str::to_string),
            tags: self.model.tags(id),
            properties: Prop::Object(properties),
            depends_on: Vec::new(),
            origin: id,
            deployment: 0,
        };
        let rid = self.push(resource);
        self.vnets.insert(id, rid);
    }

    /// The peering on `local`'s virtual network towards `remote`'s, derived from
    /// `spoke`'s `hub = ...`.
    fn peering(&mut self, spoke: NodeId, local: NodeId, remote: NodeId) {
        let (Some(&local_vnet), Some(&remote_vnet)) = (self.vnets.get(&local), self.vnets.get(&remote)) else { return };
        let name = self.names.peering(local, remote);
        let vnet_name = self.plan.resources[local_vnet].name[0].clone();
        let rg = self.plan.resources[local_vnet].resource_group.clone();
        let properties = Prop::object([
            ("remoteVirtualNetwork", Prop::object([("id", Prop::Id(remote_vnet))])),
            ("allowVirtualNetworkAccess", Prop::Bool(true)),
            ("allowForwardedTraffic", Prop::Bool(true)),
            ("allowGatewayTransit", Prop::Bool(false)),
            ("useRemoteGateways", Prop::Bool(false)),
        ]);
        let symbol = format!("peer_{}_to_{}", self.model.node(local).name(), self.model.node(remote).name());
        let mut depends_on = vec![local_vnet, remote_vnet];
        depends_on.extend(self.last_peering.get(&local_vnet).copied());
        let peering = self.push(Resource {
            symbol,
            resource_type: PEERING,
            api_version: api_version(PEERING),
            name: vec![vnet_name, name],
            parent: Some(local_vnet),
            resource_group: rg,
            location: None,
            tags: IndexMap::new(),
            properties,
            depends_on,
            origin: spoke,
            deployment: 0,
        });
        self.last_peering.insert(local_vnet, peering);
    }

    /// `depends_on = [...]` on a block: its resources wait for the other block's.
    fn depends_on_blocks(&mut self) {
        for (id, node) in self.model.nodes.iter().enumerate() {
            let waits_for: Vec<NodeId> = node
                .list("depends_on")
                .iter()
                .filter_map(|item| match item.value {
                    Typed::Ref(target) => Some(target),
                    _ => None,
                })
                .collect();
            if waits_for.is_empty() {
                continue;
            }
            let theirs: Vec<ResourceId> = (0..self.plan.resources.len()).filter(|r| waits_for.contains(&self.plan.resources[*r].origin)).collect();
            for resource in self.plan.resources.iter_mut().filter(|r| r.origin == id) {
                for &dep in &theirs {
                    if !resource.depends_on.contains(&dep) {
                        resource.depends_on.push(dep);
                    }
                }
            }
        }
    }
}
