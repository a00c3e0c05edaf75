//! How a subnet's machines reach the Internet: its *way out*.
//!
//! From Network API 2025-07-01, the version ashlar writes, the subnets of a
//! new virtual network are private: Azure gives their machines no implicit
//! outbound address ("default outbound access"), and a machine reaches the
//! Internet only by an explicit method (Microsoft, "Default outbound access in
//! Azure", <https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access>):
//! a NAT gateway on its subnet, the backend pool of a load balancer with
//! outbound rules, or a public IP address of its own; or traffic routed to a
//! firewall or appliance that has one of those. ashlar writes
//! `defaultOutboundAccess` on every subnet (`false` unless the plan says
//! `default_outbound_access = true`), so what a subnet can reach never depends
//! on the API version, and this module works out each subnet's way out from
//! the plan alone. `ashlar plan` shows it; the checks of machines that need
//! the Internet read it.

use crate::blocks::compute;
use crate::blocks::network::{firewall_subnet, hub_next_hop, HubNextHop};
use crate::blocks::routing;
use crate::model::{Model, NodeId};
use crate::phrases::{self, NextHop};
use std::collections::HashMap;
use std::net::IpAddr;

/// The subnet attribute that keeps Azure's default outbound access.
pub const DEFAULT_OUTBOUND_ACCESS: &str = "default_outbound_access";

/// How traffic from a subnet to the Internet leaves Azure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WayOut {
    /// The subnet's NAT gateway.
    NatGateway(NodeId),
    /// Azure's default outbound access, which the subnet keeps with
    /// `default_outbound_access = true`: a Microsoft-owned address that may
    /// change, and never given to the machines of a Flexible scale set.
    DefaultOutbound,
    /// A default route to a hub's Azure Firewall (the hub), which reaches the
    /// Internet from its public address; its rules decide what passes.
    Firewall(NodeId),
    /// A default route to a hub's appliance (the `compute` block), which
    /// reaches the Internet the way its own subnet does.
    Appliance(NodeId),
    /// A default route to the virtual network gateway: on-premises decides.
    Gateway,
    /// A default route to an address where the plan deploys nothing ashlar
    /// knows to forward: an appliance outside the plan, taken on trust.
    Address(IpAddr),
    /// The frontend of the machines' public load balancer: ashlar leaves its
    /// rules' `disableOutboundSnat` false, and that property "configures SNAT
    /// for the VMs in the backend pool to use the publicIP address specified in
    /// the frontend of the load balancing rule" (Microsoft's reference of
    /// `LoadBalancingRule.DisableOutboundSnat`,
    /// <https://learn.microsoft.com/dotnet/api/microsoft.azure.management.network.models.loadbalancingrule.disableoutboundsnat>).
    PublicLoadBalancer,
    /// Not known: the subnet's spoke names no hub that resolves, which is
    /// reported on its own.
    Unknown,
    /// Not known to the plan: the subnet is an `existing vnet`'s, whose route
    /// table, NAT gateway and outbound access its owner sets.
    Elsewhere,
}

/// Why a subnet has no way out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoWayOut {
    /// A private subnet with nothing else: no NAT gateway, no default route.
    Private,
    /// A default route (the `route` block) that drops the traffic (`via none`)
    /// or sends it back into the network (`via vnet_local`).
    Dropped(NodeId),
    /// A default route to a hub's appliance (the `compute` block) whose own
    /// subnet has no way out.
    ApplianceStuck(NodeId),
    /// The subnet keeps Azure's default outbound access, which a Flexible
    /// scale set's machines never get.
    FlexibleScaleSet,
}

/// The ways out of a plan's subnets, found once for the plan.
pub struct Egress<'a> {
    model: &'a Model,
    /// The `AzureFirewallSubnet` of each hub with an Azure Firewall, and the
    /// hub: Azure gives the firewall an address of that subnet, where nothing
    /// else forwards traffic.
    firewalls: Vec<(ipnet::IpNet, NodeId)>,
    /// The frontend addresses of appliances' load balancers, to the appliance.
    appliances: HashMap<IpAddr, NodeId>,
}

/// How deep a chain of appliances routing to each other is followed.
const MAX_HOPS: usize = 4;

impl<'a> Egress<'a> {
    pub fn new(model: &'a Model) -> Egress<'a> {
        let mut firewalls = Vec::new();
        let mut appliances = HashMap::new();
        let frontends = compute::frontend_ips(model);
        for (hub, node) in model.of_kind("hub") {
            if let Some(subnet) = firewall_subnet(model, hub) {
                firewalls.push((subnet, hub));
            }
            let Some(appliance) = node.reference("appliance") else { continue };
            if let Some(ip) = compute::load_balancer(model, appliance).and_then(|lb| frontends.get(&lb)) {
                appliances.insert(*ip, appliance);
            }
        }
        Egress { model, firewalls, appliances }
    }

    /// The way out of `subnet`'s machines. `flexible_scale_set`: the machines
    /// are a Flexible scale set's, which Azure never gives default outbound
    /// access.
    pub fn way_out(&self, subnet: NodeId, flexible_scale_set: bool) -> Result<WayOut, NoWayOut> {
        self.way_out_within(subnet, flexible_scale_set, MAX_HOPS)
    }

    fn way_out_within(&self, subnet: NodeId, flexible_scale_set: bool, hops: usize) -> Result<WayOut, NoWayOut> {
        if self.depends_on_nothing(subnet) {
            return Ok(WayOut::Unknown);
        }
        if crate::blocks::existing::is_existing_subnet(self.model, subnet) {
            return Ok(WayOut::Elsewhere);
        }
        // The most specific route wins: a user-defined 0.0.0.0/0 takes
        // Internet traffic before the system route a NAT gateway serves.
        match self.default_route(subnet) {
            Some(DefaultRoute::Appliance(appliance)) => {
                let onward = compute::subnet_of(self.model, appliance).filter(|_| hops > 0);
                match onward.map(|s| self.way_out_within(s, false, hops - 1)) {
                    Some(Ok(_)) => Ok(WayOut::Appliance(appliance)),
                    _ => Err(NoWayOut::ApplianceStuck(appliance)),
                }
            }
            Some(DefaultRoute::Firewall(hub)) => Ok(WayOut::Firewall(hub)),
            Some(DefaultRoute::Gateway) => Ok(WayOut::Gateway),
            Some(DefaultRoute::Address(ip)) => Ok(WayOut::Address(ip)),
            Some(DefaultRoute::Dropped(route)) => Err(NoWayOut::Dropped(route)),
            None => {
                let node = self.model.node(subnet);
                if let Some(gateway) = node.reference("nat_gateway") {
                    Ok(WayOut::NatGateway(gateway))
                } else if compute::flag(node, DEFAULT_OUTBOUND_ACCESS) {
                    if flexible_scale_set {
                        Err(NoWayOut::FlexibleScaleSet)
                    } else {
                        Ok(WayOut::DefaultOutbound)
                    }
                } else {
                    Err(NoWayOut::Private)
                }
            }
        }
    }

    /// Whether the subnet is in a spoke whose hub names nothing (`hub` is
    /// required, so it is missing only when it did not resolve): while the
    /// plan is being written, a misspelt hub is one error, not one more per
    /// machine behind it.
    fn depends_on_nothing(&self, subnet: NodeId) -> bool {
        let model = self.model;
        model.node(subnet).parent.map(|n| model.node(n)).is_some_and(|network| network.is("spoke") && network.reference("hub").is_none())
    }

    /// Where a subnet's route table sends 0.0.0.0/0: the subnet's own table,
    /// else the one ashlar derives for a spoke of a hub with a firewall or an
    /// appliance. `None`: Azure's system route to the Internet.
    fn default_route(&self, subnet: NodeId) -> Option<DefaultRoute> {
        let model = self.model;
        let node = model.node(subnet);
        if let Some(table) = node.reference("route_table") {
            let (id, default) = routing::routes(model, table)
                .filter_map(|r| routing::route(model, r).map(|route| (r, route)))
                .find(|(_, r)| is_default(&r.prefix.value))?;
            return match default.next_hop.value {
                NextHop::Appliance(ip) => Some(self.appliance_at(ip)),
                NextHop::VnetGateway => Some(DefaultRoute::Gateway),
                NextHop::Internet => None,
                NextHop::VnetLocal | NextHop::None => Some(DefaultRoute::Dropped(id)),
            };
        }
        let network = model.node(node.parent?);
        if !network.is("spoke") || crate::azure::network::is_reserved_subnet(node.name()) {
            return None;
        }
        let hub = network.reference("hub")?;
        match hub_next_hop(model, hub)? {
            HubNextHop::Firewall(_) => Some(DefaultRoute::Firewall(hub)),
            HubNextHop::Appliance(ip) => Some(self.appliance_at(ip)),
        }
    }

    fn appliance_at(&self, ip: IpAddr) -> DefaultRoute {
        if let Some(&(_, hub)) = self.firewalls.iter().find(|(subnet, _)| subnet.contains(&ip)) {
            DefaultRoute::Firewall(hub)
        } else if let Some(&appliance) = self.appliances.get(&ip) {
            DefaultRoute::Appliance(appliance)
        } else {
            DefaultRoute::Address(ip)
        }
    }

    /// The way out of a machine block's machines: their subnet's, else their
    /// public load balancer's; `None` when the block names no subnet.
    pub fn of_machines(&self, block: NodeId) -> Option<Result<WayOut, NoWayOut>> {
        let subnet = compute::subnet_of(self.model, block)?;
        let way = self.way_out(subnet, self.model.node(block).is("scale_set"));
        let public_balancer = compute::load_balancer(self.model, block).is_some_and(|lb| compute::is_public(self.model.node(lb)));
        Some(match way {
            Err(NoWayOut::Private) if public_balancer => Ok(WayOut::PublicLoadBalancer),
            way => way,
        })
    }

    /// A way out, or its absence, in words.
    pub fn describe(&self, way: &Result<WayOut, NoWayOut>) -> String {
        let model = self.model;
        match way {
            Ok(WayOut::NatGateway(gateway)) => format!("NAT gateway `{}`", model.node(*gateway).name()),
            Ok(WayOut::DefaultOutbound) => "Azure's default outbound access".into(),
            Ok(WayOut::Firewall(hub)) => format!("the firewall of hub `{}`", model.node(*hub).name()),
            Ok(WayOut::Appliance(appliance)) => format!("appliance `{}`", model.node(*appliance).name()),
            Ok(WayOut::Gateway) => "the virtual network gateway (on-premises)".into(),
            Ok(WayOut::Address(ip)) => format!("an appliance at {ip}"),
            Ok(WayOut::PublicLoadBalancer) => "their public load balancer".into(),
            Ok(WayOut::Unknown) => "unknown: the spoke's hub names nothing".into(),
            Ok(WayOut::Elsewhere) => "unknown: the subnet is an existing network's, whose owner sets it".into(),
            Err(NoWayOut::Private) => "none: a private subnet".into(),
            Err(NoWayOut::Dropped(route)) => format!("none: route `{}` drops it", model.node(*route).name()),
            Err(NoWayOut::FlexibleScaleSet) => "none: a Flexible scale set gets no default outbound access".into(),
            Err(NoWayOut::ApplianceStuck(appliance)) => {
                format!("none: appliance `{}` has no way out", model.node(*appliance).name())
            }
        }
    }
}

/// Where a default route leads.
enum DefaultRoute {
    Firewall(NodeId),
    Appliance(NodeId),
    Gateway,
    Address(IpAddr),
    /// `via none` or `via vnet_local`: the route block.
    Dropped(NodeId),
}

fn is_default(prefix: &phrases::Address) -> bool {
    matches!(prefix, phrases::Address::Prefix(p) if p.prefix_len() == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(text: &str) -> crate::Analysis {
        crate::analyze_text(&format!("settings {{ location = uksouth }}\n{text}"), std::path::Path::new("/plan"))
    }

    fn way_of(text: &str, subnet: &str) -> String {
        let analysis = plan(text);
        let model = &analysis.model;
        let id = model
            .of_kind("subnet")
            .chain(model.of_kind(crate::blocks::existing::EXISTING_SUBNET))
            .find(|(_, n)| n.name() == subnet)
            .map(|(id, _)| id)
            .expect("subnet");
        let egress = Egress::new(model);
        egress.describe(&egress.way_out(id, false))
    }

    const HUB: &str =
        "hub core {\n resource_group = \"rg\"\n address_space = [10.0.0.0/22]\n subnet AzureFirewallSubnet 10.0.0.64/26\n firewall {}\n}\n";

    #[test]
    fn a_subnet_with_nothing_is_private_and_one_with_a_nat_gateway_goes_through_it() {
        let text = "nat_gateway out { resource_group = \"rg\" }\nvnet v {\n resource_group = \"rg\"\n address_space = [10.9.0.0/24]\n subnet a 10.9.0.0/26\n subnet b 10.9.0.64/26 { nat_gateway = out }\n subnet c 10.9.0.128/26 { default_outbound_access = true }\n}\n";
        assert_eq!(way_of(text, "a"), "none: a private subnet");
        assert_eq!(way_of(text, "b"), "NAT gateway `out`");
        assert_eq!(way_of(text, "c"), "Azure's default outbound access");
    }

    #[test]
    fn a_spoke_of_a_hub_with_a_firewall_goes_through_the_firewall_even_with_a_nat_gateway() {
        let text = format!("{HUB}nat_gateway out {{ resource_group = \"rg\" }}\nspoke s {{\n hub = core\n resource_group = \"rg\"\n address_space = [10.1.0.0/24]\n subnet web 10.1.0.0/26 {{ nat_gateway = out }}\n}}\n");
        assert_eq!(way_of(&text, "web"), "the firewall of hub `core`");
    }

    #[test]
    fn a_route_table_decides_before_a_nat_gateway() {
        let text = "nat_gateway out { resource_group = \"rg\" }\nroute_table rt {\n route blackhole 0.0.0.0/0 via none\n}\nroute_table fw {\n route default 0.0.0.0/0 via 10.0.0.68\n}\nroute_table net {\n route default 0.0.0.0/0 via internet\n}\nvnet v {\n resource_group = \"rg\"\n address_space = [10.9.0.0/24]\n subnet a 10.9.0.0/26 { nat_gateway = out  route_table = rt }\n subnet b 10.9.0.64/26 { route_table = fw }\n subnet c 10.9.0.128/26 { route_table = net  nat_gateway = out }\n}\n";
        assert_eq!(way_of(text, "a"), "none: route `blackhole` drops it");
        assert_eq!(way_of(text, "b"), "an appliance at 10.0.0.68");
        assert_eq!(way_of(text, "c"), "NAT gateway `out`");
    }

    #[test]
    fn an_existing_networks_subnet_has_a_way_out_its_owner_sets() {
        let text = "existing vnet shared {\n resource_group = \"rg\"\n subnet app 10.50.0.0/24\n}\n";
        assert_eq!(way_of(text, "app"), "unknown: the subnet is an existing network's, whose owner sets it");
    }

    #[test]
    fn a_misspelt_hub_leaves_the_way_out_unknown_rather_than_none() {
        let text = format!("{HUB}spoke s {{\n hub = cor\n resource_group = \"rg\"\n address_space = [10.1.0.0/24]\n subnet web 10.1.0.0/26\n}}\n");
        assert_eq!(way_of(&text, "web"), "unknown: the spoke's hub names nothing");
    }
}
