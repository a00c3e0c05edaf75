use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId};
use crate::phrases::NextHop;

declare_codes! {
    /// ## What it does
    /// Reports a route `via vnet_gateway` in a route table used by a network
    /// whose virtual network gateway cannot take it: a network with no VPN
    /// gateway of its own or of its hub (a spoke uses its hub's gateways), one
    /// whose only gateway is an ExpressRoute gateway, and one whose VPN and
    /// ExpressRoute gateways coexist.
    ///
    /// ## Why it matters
    /// Microsoft's "Virtual network traffic routing"
    /// (<https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview>,
    /// "User-defined"): "The virtual network gateway must be created with type
    /// VPN. You can't specify a virtual network gateway created as type
    /// ExpressRoute in a user-defined route because with ExpressRoute, you must
    /// use BGP for custom routes. You can't specify Virtual Network Gateways if
    /// you have VPN and ExpressRoute coexisting connections either." Such a
    /// route, or one with no gateway at all, leads nowhere: Azure drops the
    /// traffic.
    ///
    /// ## Example
    /// ```ashlar
    /// hub core { er_gateway { sku = ErGw1AZ } ... }
    /// route_table rt {
    ///   route onprem 192.168.0.0/16 via vnet_gateway
    /// }
    /// ```
    ///
    /// ## Fix
    /// Leave on-premises prefixes to the routes the gateway learns (BGP), send
    /// the traffic to an appliance, or give the hub a `vpn_gateway`.
    pub GATEWAY_NEXT_HOP = ("ASH264", "gateway-next-hop", Warning);
}

pub const CHECK: Check = Check { code: &GATEWAY_NEXT_HOP, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let users = crate::blocks::routing::networks_using(model);
    for (&id, r) in &model.routes {
        if r.next_hop.value != NextHop::VnetGateway {
            continue;
        }
        let Some(networks) = model.node(id).parent.and_then(|table| users.get(&table)) else { continue };
        for &network in networks {
            let Some((why, help)) = problem(model, network) else { continue };
            out.push(
                Diagnostic::new(
                    &GATEWAY_NEXT_HOP,
                    r.next_hop.span,
                    format!("{} sends its traffic to the gateway of {}, {why}", model.describe(id), model.describe(network)),
                )
                .with_help(help),
            );
        }
    }
}

/// The hub whose gateways a network's subnets use: its own, a spoke's hub.
fn gateway_hub(model: &Model, network: NodeId) -> Option<NodeId> {
    let node = model.node(network);
    if node.is("hub") {
        return Some(network);
    }
    node.reference("hub").filter(|_| node.is("spoke"))
}

fn has(model: &Model, hub: NodeId, kind: &str) -> bool {
    model.node(hub).children.iter().any(|&c| model.node(c).is(kind))
}

/// Why a network's gateway cannot be a route's next hop, and the fix.
fn problem(model: &Model, network: NodeId) -> Option<(String, String)> {
    const BGP: &str = "leave on-premises prefixes to the routes the gateway learns by BGP, or send the traffic to an appliance";
    let Some(hub) = gateway_hub(model, network) else {
        return Some((
            "which has no virtual network gateway: the traffic is dropped".into(),
            "make the network a spoke of a hub with a `vpn_gateway`, or send the traffic to an appliance".into(),
        ));
    };
    let (vpn, er) = (has(model, hub, "vpn_gateway"), has(model, hub, "er_gateway"));
    let whose = if hub == network { "it".to_string() } else { format!("its hub `{}`", model.node(hub).name()) };
    match (vpn, er) {
        (true, false) => None,
        (true, true) => Some((
            format!("but {whose} has a VPN and an ExpressRoute gateway side by side, and Azure takes no gateway as a route's next hop then"),
            BGP.into(),
        )),
        (false, true) => Some((
            format!("but the only gateway {whose} has is an ExpressRoute gateway, which takes no user-defined route: ExpressRoute routes by BGP"),
            BGP.into(),
        )),
        (false, false) => Some((
            format!("but {whose} has no virtual network gateway: the traffic is dropped"),
            format!("give {} a `vpn_gateway`, or send the traffic to an appliance", model.describe(hub)),
        )),
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn found(gateways: &str, user: &str) -> Vec<String> {
        let plan = format!(
            "settings {{ location = uksouth }}\nhub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/22]\n subnet GatewaySubnet 10.0.0.0/27\n subnet shared 10.0.1.0/24{}\n{gateways}}}\n\
             spoke app1 {{\n hub = core\n resource_group = \"rg\"\n address_space = [10.1.0.0/24]\n subnet web 10.1.0.0/26{}\n}}\n\
             vnet tools {{\n resource_group = \"rg\"\n address_space = [10.9.0.0/24]\n subnet s 10.9.0.0/26{}\n}}\n\
             route_table rt {{\n route onprem 192.168.0.0/16 via vnet_gateway\n}}\n",
            if user == "hub" { " { route_table = rt }" } else { "" },
            if user == "spoke" { " { route_table = rt }" } else { "" },
            if user == "vnet" { " { route_table = rt }" } else { "" },
        );
        messages(&plan, "ASH264")
    }

    const VPN: &str = " vpn_gateway { sku = VpnGw1AZ }\n";
    const ER: &str = " er_gateway { sku = ErGw1AZ }\n";

    #[test]
    fn a_vpn_gateway_of_the_network_or_its_hub_takes_the_route() {
        assert!(found(VPN, "hub").is_empty());
        assert!(found(VPN, "spoke").is_empty());
    }

    #[test]
    fn no_gateway_an_expressroute_gateway_or_both_kinds_do_not() {
        assert_eq!(
            found("", "spoke"),
            ["route `rt.onprem` sends its traffic to the gateway of spoke `app1`, but its hub `core` has no virtual network gateway: the traffic is dropped"]
        );
        assert!(found(ER, "hub")[0].contains("the only gateway it has is an ExpressRoute gateway"));
        assert!(found(&format!("{VPN}{ER}"), "spoke")[0].contains("side by side"));
        assert!(found(VPN, "vnet")[0].ends_with("vnet `tools`, which has no virtual network gateway: the traffic is dropped"));
    }
}
