use crate::blocks::network::{hub_next_hop, implicit_pair, peers, HubNextHop};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId};
use crate::phrases::NextHop;
use ipnet::IpNet;
use std::net::IpAddr;

declare_codes! {
    /// ## What it does
    /// Reports a route whose next hop, a virtual appliance's address, lies in a
    /// network of the plan that a network using the route table is neither nor
    /// peered with directly; and a spoke whose hub's `appliance` stands in such
    /// a network, for the default route ashlar derives to it.
    ///
    /// ## Why it matters
    /// A subnet reaches addresses of its own network and of the networks peered
    /// with it. Peering is not transitive: a spoke does not reach a network that
    /// is peered only with its hub. Microsoft's page on peering
    /// (<https://learn.microsoft.com/azure/virtual-network/virtual-network-peering-overview>,
    /// "Service chaining") lets a user-defined route's next hop be a virtual
    /// machine of a *peered* virtual network; an appliance in any other network
    /// never receives the traffic, which is dropped.
    ///
    /// ## Example
    /// ```ashlar
    /// spoke app1 {
    ///   hub = core
    ///   subnet web 10.1.0.0/24 { route_table = app_rt }
    /// }
    /// vnet tools { subnet nva 10.9.0.0/27 }
    /// route_table app_rt {
    ///   route default 0.0.0.0/0 via 10.9.0.4
    /// }
    /// ```
    ///
    /// ## Fix
    /// Peer the networks (`peer = [tools]`), or send the traffic to an
    /// appliance in the network itself or in its hub.
    pub NEXT_HOP_UNREACHABLE = ("ASH263", "next-hop-unreachable", Warning);
}

pub const CHECK: Check = Check { code: &NEXT_HOP_UNREACHABLE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let users = crate::blocks::routing::networks_using(model);
    for (&id, r) in &model.routes {
        let NextHop::Appliance(ip) = r.next_hop.value else { continue };
        let Some(table) = model.node(id).parent else { continue };
        let Some(networks) = users.get(&table) else { continue };
        let homes = homes(model, ip);
        if homes.is_empty() {
            continue;
        }
        let cut_off: Vec<NodeId> = networks.iter().copied().filter(|&n| !homes.iter().any(|&h| reaches(model, n, h))).collect();
        if cut_off.is_empty() {
            continue;
        }
        let home = homes[0];
        out.push(
            Diagnostic::new(
                &NEXT_HOP_UNREACHABLE,
                r.next_hop.span,
                format!(
                    "the next hop {ip} of {} lies in {}, which {} neither is nor is peered with, so the traffic never reaches it",
                    model.describe(id),
                    model.describe(home),
                    listed(model, &cut_off)
                ),
            )
            .with_help(fix(model, &cut_off, home)),
        );
    }
    // The default route a spoke derives to its hub's appliance.
    for (spoke, node) in model.of_kind("spoke") {
        let Some(hub) = node.reference("hub") else { continue };
        let Some(HubNextHop::Appliance(ip)) = hub_next_hop(model, hub) else { continue };
        let homes = homes(model, ip);
        if homes.is_empty() || homes.iter().any(|&h| reaches(model, spoke, h)) {
            continue;
        }
        let Some(attr) = model.node(hub).get("appliance") else { continue };
        let home = homes[0];
        out.push(
            Diagnostic::new(
                &NEXT_HOP_UNREACHABLE,
                node.get("hub").map_or(node.head, |a| a.span),
                format!(
                    "{} routes 0.0.0.0/0 to its hub's appliance at {ip}, in {}, which it is not peered with, so its traffic never reaches it",
                    model.describe(spoke),
                    model.describe(home)
                ),
            )
            .with_label(attr.span, format!("the appliance of {} is named here", model.describe(hub)))
            .with_help(format!("put the appliance in a subnet of {}, whose spokes all reach it", model.describe(hub))),
        );
    }
}

/// The networks of the plan whose subnets hold `ip`.
fn homes(model: &Model, ip: IpAddr) -> Vec<NodeId> {
    let at = IpNet::from(ip);
    model.networks().filter(|(network, _)| crate::check::subnets(model, *network).iter().any(|(_, p)| p.contains(&at))).map(|(n, _)| n).collect()
}

/// Whether a subnet of `from` reaches an address of `to`: the same network, or
/// one peered with it directly (`hub =` or `peer = [...]`, from either side).
fn reaches(model: &Model, from: NodeId, to: NodeId) -> bool {
    from == to || implicit_pair(model, from, to) || peers(model.node(from)).any(|p| p == to) || peers(model.node(to)).any(|p| p == from)
}

fn listed(model: &Model, networks: &[NodeId]) -> String {
    let names: Vec<String> = networks.iter().map(|&n| model.describe(n)).collect();
    match names.as_slice() {
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        [] => String::new(),
    }
}

fn fix(model: &Model, cut_off: &[NodeId], home: NodeId) -> String {
    let name = model.node(home).name();
    format!(
        "peer {} with {} (`peer = [{name}]`), or send the traffic to an appliance in a network it reaches; peering is not transitive",
        listed(model, cut_off),
        model.describe(home)
    )
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn found(extra: &str, hop: &str) -> Vec<String> {
        let plan = format!(
            "settings {{ location = uksouth }}\nhub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/22]\n subnet nva 10.0.0.64/27\n}}\n\
             spoke app1 {{\n hub = core\n resource_group = \"rg\"\n address_space = [10.1.0.0/24]\n subnet web 10.1.0.0/26 {{ route_table = rt }}\n subnet nva 10.1.0.64/27\n{extra}}}\n\
             spoke app2 {{\n hub = core\n resource_group = \"rg\"\n address_space = [10.2.0.0/24]\n subnet nva 10.2.0.64/27\n}}\n\
             vnet tools {{\n resource_group = \"rg\"\n address_space = [10.9.0.0/24]\n subnet nva 10.9.0.0/27\n}}\n\
             route_table rt {{\n route x 0.0.0.0/0 via {hop}\n}}\n"
        );
        messages(&plan, "ASH263")
    }

    #[test]
    fn a_next_hop_in_the_network_or_a_peered_one_is_reachable() {
        assert!(found("", "10.1.0.68").is_empty());
        assert!(found("", "10.0.0.68").is_empty());
        assert!(found(" peer = [tools]\n", "10.9.0.4").is_empty());
        // Outside the plan: on-premises, say.
        assert!(found("", "192.168.0.4").is_empty());
    }

    #[test]
    fn a_next_hop_in_a_network_peered_only_with_the_hub_or_not_at_all_is_not() {
        assert_eq!(
            found("", "10.2.0.68"),
            ["the next hop 10.2.0.68 of route `rt.x` lies in spoke `app2`, which spoke `app1` neither is nor is peered with, so the traffic never reaches it"]
        );
        assert_eq!(found("", "10.9.0.4").len(), 1);
    }

    fn appliance_in(subnet: &str) -> Vec<String> {
        let plan = format!(
            "settings {{ location = uksouth }}\nhub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/22]\n appliance = nva\n subnet nva 10.0.0.64/27\n}}\n\
             spoke app1 {{\n hub = core\n resource_group = \"rg\"\n address_space = [10.1.0.0/24]\n subnet web 10.1.0.0/26\n}}\n\
             vnet tools {{\n resource_group = \"rg\"\n address_space = [10.9.0.0/24]\n subnet nva 10.9.0.0/27\n peer = [core]\n}}\n\
             compute nva {{\n resource_group = \"rg\"\n subnet = {subnet}\n image = ubuntu_2404\n size = Standard_D2s_v5\n ssh_key = \"ssh-ed25519 AAAA\"\n ip_forwarding = true\n load_balancer private {{ ha_ports = true  probe = 22 }}\n}}\n"
        );
        messages(&plan, "ASH263")
    }

    #[test]
    fn a_spoke_reaches_its_hub_s_appliance_only_in_a_network_it_is_peered_with() {
        assert!(appliance_in("core.nva").is_empty());
        assert_eq!(
            appliance_in("tools.nva"),
            ["spoke `app1` routes 0.0.0.0/0 to its hub's appliance at 10.9.0.30, in vnet `tools`, which it is not peered with, so its traffic never reaches it"]
        );
    }
}
