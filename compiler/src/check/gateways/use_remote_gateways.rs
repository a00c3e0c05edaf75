use crate::blocks::network::{peers, USE_REMOTE_GATEWAYS};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId, Typed};

declare_codes! {
    /// ## What it does
    /// Checks `use_remote_gateways = NETWORK` on a hub, spoke or vnet against
    /// what Azure accepts of a peering's `useRemoteGateways`: the network must
    /// be in the block's `peer` list; it must have a gateway whose side of the
    /// peering allows gateway transit (`gateway_transit = true` on the
    /// `existing vnet`); the block's own network must have no VPN or
    /// ExpressRoute gateway; and only one of its peerings may use remote
    /// gateways, so a spoke that uses its hub's gateways uses no other's.
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

/// Whether a hub has a VPN or ExpressRoute gateway.
fn has_gateway(model: &Model, network: NodeId) -> bool {
    model.node(network).children.iter().any(|&c| model.node(c).is("vpn_gateway") || model.node(c).is("er_gateway"))
}

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
