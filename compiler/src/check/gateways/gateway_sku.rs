use crate::azure::network::{ER_GATEWAY_SKUS, VPN_GATEWAY_SKUS};
use crate::check::{nested, Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a gateway whose `sku` is of the other gateway type: a
    /// `vpn_gateway` takes VpnGw1 to VpnGw5 and VpnGw1AZ to VpnGw5AZ; an
    /// `er_gateway` takes ErGw1AZ to ErGw3AZ, ErGwScale, and the older Standard,
    /// HighPerformance and UltraPerformance.
    ///
    /// ## Why it matters
    /// Azure refuses a virtual network gateway whose SKU does not belong to its
    /// `gatewayType`, after the public IP addresses and everything before them
    /// were deployed; a gateway takes 30 minutes or more to deploy, so the
    /// failure comes late.
    ///
    /// ## Example
    /// ```ashlar
    /// hub core {
    ///   subnet GatewaySubnet 10.0.0.0/27
    ///   vpn_gateway { sku = ErGw1AZ }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Use a SKU of the gateway's type: `VpnGw1AZ` for a VPN gateway, or move the
    /// SKU to an `er_gateway`.
    pub GATEWAY_SKU = ("ASH231", "gateway-sku", Error);
}

pub const CHECK: Check = Check { code: &GATEWAY_SKU, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (hub, _) in model.of_kind("hub") {
        for (kind, this, valid, other, what) in [
            ("vpn_gateway", "a vpn_gateway", VPN_GATEWAY_SKUS, "an `er_gateway`", "an ExpressRoute gateway SKU"),
            ("er_gateway", "an er_gateway", ER_GATEWAY_SKUS, "a `vpn_gateway`", "a VPN gateway SKU"),
        ] {
            for gateway in nested(model, hub, kind) {
                let node = model.node(gateway);
                let (Some(sku), Some(attr)) = (node.str("sku"), node.get("sku")) else { continue };
                if valid.contains(&sku) {
                    continue;
                }
                let listed = valid.join(", ");
                // Typos are `type-mismatch`; what reaches here is a SKU of the other type.
                let help = format!("{this} takes {listed}; for {what}, declare {other}");
                out.push(Diagnostic::new(&GATEWAY_SKU, attr.span, format!("`{sku}` is {what}, and this is {this}")).with_help(help));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::diagnostics;

    fn found(gateway: &str) -> Vec<(String, String)> {
        let plan = format!(
            "settings {{ location = uksouth }}\nhub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/24]\n subnet GatewaySubnet 10.0.0.0/27\n {gateway}\n}}\n"
        );
        diagnostics(&plan, "ASH231").into_iter().map(|d| (d.message, d.help.unwrap_or_default())).collect()
    }

    #[test]
    fn each_gateway_takes_the_skus_of_its_type() {
        assert!(found("vpn_gateway { sku = VpnGw2AZ }").is_empty());
        assert!(found("er_gateway { sku = ErGwScale }").is_empty());
        assert_eq!(
            found("vpn_gateway { sku = ErGw1AZ }"),
            [(
                "`ErGw1AZ` is an ExpressRoute gateway SKU, and this is a vpn_gateway".to_string(),
                "a vpn_gateway takes VpnGw1, VpnGw2, VpnGw3, VpnGw4, VpnGw5, VpnGw1AZ, VpnGw2AZ, VpnGw3AZ, VpnGw4AZ, VpnGw5AZ; for an ExpressRoute gateway SKU, declare an `er_gateway`".to_string()
            )]
        );
        assert_eq!(
            found("er_gateway { sku = VpnGw5 }")[0].1,
            "an er_gateway takes Standard, HighPerformance, UltraPerformance, ErGw1AZ, ErGw2AZ, ErGw3AZ, ErGwScale; for a VPN gateway SKU, declare a `vpn_gateway`"
        );
    }
}
