use crate::check::{nested, Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a `site` in a hub that has no `vpn_gateway`.
    ///
    /// ## Why it matters
    /// A site is connected through its hub's VPN gateway; without one, ashlar
    /// has nothing to connect it to, and the site would silently not be
    /// deployed.
    ///
    /// ## Example
    /// ```ashlar
    /// hub core {
    ///   site head-office { ... }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Add a `vpn_gateway { sku = VpnGw1AZ }` and a `GatewaySubnet` to the hub,
    /// or remove the site.
    pub SITE_WITHOUT_VPN_GATEWAY = ("ASH240", "site-without-vpn-gateway", Error);
}

pub const CHECK: Check = Check { code: &SITE_WITHOUT_VPN_GATEWAY, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (hub, hub_node) in model.of_kind("hub") {
        if nested(model, hub, "vpn_gateway").next().is_some() {
            continue;
        }
        let er = nested(model, hub, "er_gateway").next();
        let has_subnet = nested(model, hub, "subnet").any(|s| model.node(s).name() == "GatewaySubnet");
        let subnet = if has_subnet { "" } else { ", and a `subnet GatewaySubnet` (a /27)" };
        for site in nested(model, hub, "site") {
            let mut d = Diagnostic::new(
                &SITE_WITHOUT_VPN_GATEWAY,
                model.node(site).head,
                format!("site `{}` needs a VPN gateway in hub `{}`, and the hub has none", model.node(site).name(), hub_node.name()),
            )
            .with_help(format!("add `vpn_gateway {{ sku = VpnGw1AZ }}` to hub `{}`{subnet}", hub_node.name()));
            if let Some(er) = er {
                d = d.with_label(model.node(er).head, "an ExpressRoute gateway does not carry site-to-site VPN connections");
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    #[test]
    fn a_site_needs_the_hubs_vpn_gateway() {
        let plan = |gateway: &str| {
            format!("settings {{ location = uksouth }}\nkey_vault kv {{ resource_group = \"rg-kv\" }}\nhub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/24]\n subnet GatewaySubnet 10.0.0.0/27\n {gateway}\n site s {{\n  gateway_ip = 203.0.113.1\n  address_space = [192.168.0.0/16]\n  shared_key = secret(kv, \"k\")\n }}\n}}\n")
        };
        assert_eq!(messages(&plan("er_gateway { sku = ErGw1AZ }"), "ASH240"), ["site `s` needs a VPN gateway in hub `core`, and the hub has none"]);
        assert!(messages(&plan("vpn_gateway { sku = VpnGw1AZ }"), "ASH240").is_empty());
    }
}
