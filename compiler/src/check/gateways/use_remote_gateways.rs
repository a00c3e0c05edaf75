use crate::blocks::network::{has_gateway, options_remote, peered, peers, side, PEERING_KIND, USE_REMOTE_GATEWAYS};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId, Typed};

declare_codes! {
    /// ## What it does
    /// Checks `use_remote_gateways = NETWORK` on a hub, spoke or vnet, and
    /// `peering NETWORK { use_remote_gateways = true }`, against what Azure
    /// accepts of a peering's `useRemoteGateways`: the network must be in the
    /// block's `peer` list (for the attribute); it must have a gateway whose
    /// side of the peering allows gateway transit (`gateway_transit = true` on
    /// an `existing vnet`; a plan network's own gateway and side); the block's
    /// own network must have no VPN or ExpressRoute gateway; and only one of
    /// its peerings may use remote gateways, so a spoke that uses its hub's
    /// gateways uses no other's.
    ///
    /// ## Why it matters
    /// Microsoft's reference of the peering's properties
    /// (`VirtualNetworkPeeringPropertiesFormat`): remote gateways are used when
    /// "allowGatewayTransit on remote peering is also true"; "Only one peering
    /// can have this flag set to true. This flag cannot be set if virtual
    /// network already has a gateway"; and Azure verifies the remote gateway
    /// unless told not to (`doNotVerifyRemoteGateways`). Azure refuses the
    /// peering during the deployment, after the resources before it.
    ///
    /// ## Example
    /// ```ashlar
    /// existing vnet hub_west { name = "vnet-hub-west"  resource_group = "rg-hub" }
    /// spoke app { hub = core  peer = [hub_west]  use_remote_gateways = hub_west }
    /// ```
    ///
    /// ## Fix
    /// Say `gateway_transit = true` on the existing network when it has a
    /// gateway and allows transit; peer with it; and use one network's
    /// gateways only (`gateway_transit = false` on the hub, for a spoke).
    pub USE_REMOTE_GATEWAYS_RULE = ("ASH224", "use-remote-gateways", Error);
}

pub const CHECK: Check = Check { code: &USE_REMOTE_GATEWAYS_RULE, run };

/// Whether a spoke's side of its hub peering uses the hub's gateways.
fn uses_hub_gateways(model: &Model, spoke: NodeId) -> Option<NodeId> {
    let hub = model.node(spoke).reference("hub")?;
    let transit = match model.node(hub).get("gateway_transit").map(|a| &a.value) {
        Some(Typed::Bool(written)) => *written,
        _ => true,
    };
    (transit && has_gateway(model, hub)).then_some(hub)
}

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    options(model, out);
    for (id, node) in model.networks() {
        let (Some(remote), Some(attr)) = (node.reference(USE_REMOTE_GATEWAYS), node.get(USE_REMOTE_GATEWAYS)) else { continue };
        let what = model.describe(id);
        let there = model.describe(remote);
        let remote_name = model.node(remote).name();
        let mut problem = |message: String, help: String| out.push(Diagnostic::new(&USE_REMOTE_GATEWAYS_RULE, attr.span, message).with_help(help));
        if !peers(node).any(|p| p == remote) {
            problem(format!("{what} uses the gateways of {there}, which it is not peered with"), format!("add `{remote_name}` to `peer`"));
            continue;
        }
        if has_gateway(model, id) {
            problem(
                format!("{what} has a gateway of its own, so its peerings cannot use remote gateways"),
                "remove `use_remote_gateways`, or the network's `vpn_gateway` and `er_gateway`: Azure refuses remote gateways on a network that has one".into(),
            );
            continue;
        }
        if let Some(hub) = uses_hub_gateways(model, id) {
            problem(
                format!("{what} uses the gateways of its hub `{}` already; a network uses one peering's remote gateways", model.node(hub).name()),
                format!("remove `use_remote_gateways`, or write `gateway_transit = false` on hub `{}`", model.node(hub).name()),
            );
            continue;
        }
        if !matches!(model.node(remote).get("gateway_transit").map(|a| &a.value), Some(Typed::Bool(true))) {
            problem(
                format!("{there} is not said to have a gateway that allows transit, so {what} cannot use its gateways"),
                format!("write `gateway_transit = true` on `{remote_name}` when its network has a VPN or ExpressRoute gateway and its side of the peering allows gateway transit; otherwise remove `use_remote_gateways`"),
            );
        }
    }
}

/// `peering REMOTE { use_remote_gateways = true }`: the same rules, for the
/// side as the network's defaults and its peering blocks make it.
fn options(model: &Model, out: &mut Vec<Diagnostic>) {
    for (block, node) in model.of_kind(PEERING_KIND) {
        let (Some(local), Some(remote), Some(attr)) = (node.parent, options_remote(model, block), node.get(USE_REMOTE_GATEWAYS)) else { continue };
        if !matches!(attr.value, Typed::Bool(true)) {
            continue;
        }
        let (what, there) = (model.describe(local), model.describe(remote));
        let mut problem = |message: String, help: String| out.push(Diagnostic::new(&USE_REMOTE_GATEWAYS_RULE, attr.span, message).with_help(help));
        if has_gateway(model, local) {
            problem(
                format!("{what} has a gateway of its own, so its peerings cannot use remote gateways"),
                "remove `use_remote_gateways`, or the network's `vpn_gateway` and `er_gateway`: Azure refuses remote gateways on a network that has one".into(),
            );
            continue;
        }
        let offered = if crate::blocks::existing::is_existing(model, remote) {
            matches!(model.node(remote).get("gateway_transit").map(|a| &a.value), Some(Typed::Bool(true)))
        } else {
            has_gateway(model, remote) && side(model, remote, local).allow_transit
        };
        if !offered {
            problem(
                format!("{there} has no gateway whose side of the peering allows transit, so {what} cannot use its gateways"),
                "give the remote network a `vpn_gateway` or `er_gateway` and let its side allow gateway transit, or remove `use_remote_gateways`"
                    .into(),
            );
            continue;
        }
        let others: Vec<NodeId> = peered(model, local).into_iter().filter(|&r| r != remote && side(model, local, r).use_remote).collect();
        if let Some(&other) = others.first() {
            problem(
                format!("{what} uses the gateways of {} already; a network uses one peering's remote gateways", model.describe(other)),
                format!("write `use_remote_gateways = false` in `peering {} {{ ... }}`, or remove it here", model.node(other).name()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(hub_extra: &str, spoke_extra: &str, vnet_extra: &str) -> String {
        format!(
            "settings {{ location = uksouth }}\nhub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/22]\n subnet GatewaySubnet 10.0.0.0/27\n vpn_gateway {{ sku = VpnGw1 }}\n {hub_extra}\n}}\nspoke app {{\n resource_group = \"rg\"\n hub = core\n address_space = [10.1.0.0/16]\n peer = [shared]\n {spoke_extra}\n}}\nvnet shared {{\n resource_group = \"rg\"\n address_space = [10.2.0.0/16]\n {vnet_extra}\n}}\n"
        )
    }

    #[test]
    fn a_peering_block_uses_remote_gateways_only_where_azure_takes_it() {
        // The shared network has no gateway.
        assert_eq!(
            messages(&plan("", "peering shared { use_remote_gateways = true }", ""), "ASH224"),
            ["vnet `shared` has no gateway whose side of the peering allows transit, so spoke `app` cannot use its gateways"]
        );
        // The hub's gateways, turned off on the hub's side.
        assert_eq!(
            messages(&plan("peering app { gateway_transit = false }", "peering core { use_remote_gateways = true }", ""), "ASH224"),
            ["hub `core` has no gateway whose side of the peering allows transit, so spoke `app` cannot use its gateways"]
        );
        // The hub uses no remote gateways: it has its own.
        assert_eq!(
            messages(&plan("peering app { use_remote_gateways = true }", "", ""), "ASH224"),
            ["hub `core` has a gateway of its own, so its peerings cannot use remote gateways"]
        );
        // What the spoke does by default, written out.
        assert!(messages(&plan("", "peering core { use_remote_gateways = true }", ""), "ASH224").is_empty());
    }
}
