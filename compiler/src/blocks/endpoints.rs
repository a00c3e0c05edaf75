//! What a hub's endpoints share: the hub's resource group, region and tags,
//! references to the hub's subnets, and public IP addresses.
//!
//! Every endpoint deploys into its hub's resource group and region, carries the
//! hub's tags, and joins a subnet of the hub's virtual network. Endpoints that
//! join subnets of one virtual network deploy one after another, and before the
//! hub's peerings: Azure refuses concurrent changes to one virtual network's
//! subnets (`AnotherOperationInProgress`), and gateway transit needs the
//! gateways first.

use crate::blocks::lowering::Lowering;
use crate::lower::ir::{Prop, Resource, ResourceId};
use crate::model::NodeId;
use indexmap::IndexMap;

pub const PUBLIC_IP: &str = "Microsoft.Network/publicIPAddresses";

/// Where a hub's endpoints go: the hub's resource group, region and tags.
pub struct HubPlace {
    pub resource_group: String,
    pub location: Option<String>,
    pub tags: IndexMap<String, String>,
    /// The hub's virtual network.
    pub vnet: ResourceId,
}

impl HubPlace {
    /// `None` when the hub's virtual network was not lowered.
    pub fn of(lw: &mut Lowering, hub: NodeId) -> Option<HubPlace> {
        let vnet = *lw.primary.get(&hub)?;
        Some(HubPlace {
            resource_group: lw.plan[vnet].resource_group.clone(),
            location: lw.model.location(hub).map(str::to_string),
            tags: lw.model.tags(hub),
            vnet,
        })
    }

    /// A resource of this hub, with what every endpoint resource shares.
    pub fn resource(&self, symbol: String, resource_type: &'static str, name: String, origin: NodeId) -> Resource {
        Resource::new(symbol, resource_type, vec![name], self.resource_group.clone(), self.location.clone(), self.tags.clone(), origin)
    }

    /// `{ "id": <the hub's subnet `name`> }`; the subnet's resource must also depend on the network.
    pub fn subnet(&self, lw: &Lowering, hub: NodeId, name: &str) -> Prop {
        // Reserved subnet names reach Azure as written; any other goes through the naming pattern.
        let node = lw.model.node(hub);
        let azure_name = node
            .children
            .iter()
            .copied()
            .find(|&c| lw.model.node(c).is("subnet") && lw.model.node(c).name() == name)
            .map_or_else(|| name.to_string(), |subnet| lw.names.subnet(subnet));
        Prop::object([("id", Prop::ChildId { resource: self.vnet, child: "subnets", name: azure_name })])
    }

    /// A Standard, static public IP address for the resource named `owner`,
    /// zone-redundant across `zones` when there are any.
    pub fn public_ip(&self, lw: &mut Lowering, owner: &str, origin: NodeId, zones: &[i64]) -> ResourceId {
        let name = lw.names.public_ip(owner, origin);
        let mut pip = self.resource(format!("pip_{owner}"), PUBLIC_IP, name, origin);
        pip.top.insert("sku".into(), Prop::object([("name", Prop::str("Standard")), ("tier", Prop::str("Regional"))]));
        if !zones.is_empty() {
            pip.top.insert("zones".into(), zone_list(zones));
        }
        pip.properties = Prop::object([("publicIPAddressVersion", Prop::str("IPv4")), ("publicIPAllocationMethod", Prop::str("Static"))]);
        lw.push(pip)
    }
}

/// `zones` as ARM writes them: strings.
pub fn zone_list(zones: &[i64]) -> Prop {
    Prop::Array(zones.iter().map(|z| Prop::str(z.to_string())).collect())
}

/// The zones of a zone-redundant resource: all three.
pub const ALL_ZONES: &[i64] = &[1, 2, 3];

/// The hub's nested blocks of one kind, in declaration order.
pub fn nested(lw: &Lowering, hub: NodeId, kind: &str) -> Vec<NodeId> {
    lw.model.node(hub).children.iter().copied().filter(|&c| lw.model.node(c).is(kind)).collect()
}
