use crate::blocks::compute::{flag, is_public, load_balancer};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a hub's `appliance` that cannot route its spokes' traffic: a
    /// `compute` block without `ip_forwarding`, without a private
    /// `load_balancer` with `ha_ports`, or a hub with both a `firewall` and an
    /// `appliance`; an `appliance` on a network that is not a hub; a
    /// `load_balancer` with neither `ports` nor `ha_ports`.
    ///
    /// ## Why it matters
    /// Spokes send every packet to the appliance's frontend. Without IP
    /// forwarding Azure drops what is not addressed to the machines; without HA
    /// ports only the balanced ports pass; with a firewall too, only one of the
    /// two can be the next hop, and traffic silently takes the other path.
    ///
    /// ## Example
    /// ```ashlar
    /// hub core { appliance = nva ... }
    /// compute nva { load_balancer private { ports = [443] } ... }
    /// ```
    ///
    /// ## Fix
    /// Give the appliance `ip_forwarding = true` and
    /// `load_balancer private { ha_ports = true  probe = 22 }`, and keep one of
    /// `firewall` and `appliance` in a hub.
    pub APPLIANCE = ("ASH241", "appliance", Error);
}

pub const CHECK: Check = Check { code: &APPLIANCE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (network, node) in model.networks() {
        let Some(attr) = node.get("appliance") else { continue };
        let Some(appliance) = node.reference("appliance") else { continue };
        let what = model.describe(appliance);
        let mut problem = |message: String, help: &str| {
            out.push(
                Diagnostic::new(&APPLIANCE, attr.span, message).with_label(model.node(appliance).head, format!("{what} is here")).with_help(help),
            );
        };
        if !node.is("hub") {
            problem(
                format!("{} is no hub: no spoke routes through its appliance", model.describe(network)),
                "name the appliance in the hub of the spokes",
            );
            continue;
        }
        if node.children.iter().any(|&c| model.node(c).is("firewall")) {
            problem(
                format!("hub `{}` has a firewall and an appliance; its spokes can route through only one", node.name()),
                "keep the firewall or the appliance",
            );
        }
        if !flag(model.node(appliance), "ip_forwarding") {
            problem(format!("{what} forwards no traffic: it lacks `ip_forwarding = true`"), "add `ip_forwarding = true` to the appliance");
        }
        match load_balancer(model, appliance) {
            Some(lb) if !is_public(model.node(lb)) && flag(model.node(lb), "ha_ports") => {}
            _ => problem(
                format!("{what} needs a private load balancer with HA ports, the next hop its spokes route to"),
                "add `load_balancer private { ha_ports = true  probe = 22 }` to the appliance",
            ),
        }
    }
    for (lb, node) in model.of_kind("load_balancer") {
        if node.get("ports").is_none() && !flag(node, "ha_ports") {
            out.push(
                Diagnostic::new(&APPLIANCE, node.head, format!("{} balances nothing: it has neither `ports` nor `ha_ports`", model.describe(lb)))
                    .with_help("list the balanced `ports`, or write `ha_ports = true` for a network virtual appliance"),
            );
        }
    }
}
