use crate::azure::network::{AZURE_GATEWAY_ASN, GATEWAY_SUBNET_RECOMMENDED};
use crate::check::{nested, subnets, Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::Typed;

declare_codes! {
    /// ## What it does
    /// Reports a hub with both a `vpn_gateway` and an `er_gateway` that breaks
    /// what their coexistence needs (ExpressRoute and site-to-site coexisting
    /// connections, "Limits and limitations"): a `GatewaySubnet` smaller than
    /// /27, or a VPN gateway `asn` other than 65515.
    ///
    /// ## Why it matters
    /// Azure refuses the second gateway in a `GatewaySubnet` smaller than /27,
    /// after the first has taken its half hour to deploy; and the two gateways
    /// exchange routes only when the VPN gateway keeps Azure's ASN 65515.
    ///
    /// ## Example
    /// ```ashlar
    /// hub core {
    ///   subnet GatewaySubnet 10.0.0.0/27
    ///   vpn_gateway { sku = VpnGw1AZ  asn = 65010 }
    ///   er_gateway  { sku = ErGw1AZ }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give `GatewaySubnet` a /27 or larger, and remove the VPN gateway's `asn`
    /// (or set it to 65515).
    pub GATEWAY_COEXISTENCE = ("ASH239", "gateway-coexistence", Error);
}

pub const CHECK: Check = Check { code: &GATEWAY_COEXISTENCE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (hub, _) in model.of_kind("hub") {
        let (Some(vpn), Some(er)) = (nested(model, hub, "vpn_gateway").next(), nested(model, hub, "er_gateway").next()) else { continue };
        let er_head = model.node(er).head;
        for (subnet, prefix) in subnets(model, hub) {
            if model.node(subnet).name() != "GatewaySubnet" || prefix.prefix_len() <= GATEWAY_SUBNET_RECOMMENDED {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &GATEWAY_COEXISTENCE,
                    crate::check::prefix_span(model, subnet),
                    format!("`GatewaySubnet` ({prefix}) is smaller than /{GATEWAY_SUBNET_RECOMMENDED}, too small for a VPN and an ExpressRoute gateway together"),
                )
                .with_label(er_head, "the second gateway")
                .with_help(format!("give `GatewaySubnet` a /{GATEWAY_SUBNET_RECOMMENDED} or larger")),
            );
        }
        if let Some(attr) = model.node(vpn).get("asn") {
            if let Typed::Int(asn) = attr.value {
                if asn != i64::from(AZURE_GATEWAY_ASN) {
                    out.push(
                        Diagnostic::new(
                            &GATEWAY_COEXISTENCE,
                            attr.span,
                            format!("a VPN gateway beside an ExpressRoute gateway must keep ASN {AZURE_GATEWAY_ASN}, and this one has {asn}"),
                        )
                        .with_label(er_head, "the ExpressRoute gateway")
                        .with_help(format!("remove `asn`, or write `asn = {AZURE_GATEWAY_ASN}`")),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(subnet: &str, asn: &str) -> String {
        format!("settings {{ location = uksouth }}\nhub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/24]\n subnet GatewaySubnet {subnet}\n vpn_gateway {{ sku = VpnGw1AZ {asn} }}\n er_gateway {{ sku = ErGw1AZ }}\n}}\n")
    }

    #[test]
    fn coexisting_gateways_need_a_27_and_asn_65515() {
        assert!(messages(&plan("10.0.0.0/27", "asn = 65515"), "ASH239").is_empty());
        assert!(messages(&plan("10.0.0.0/26", ""), "ASH239").is_empty());
        assert_eq!(
            messages(&plan("10.0.0.0/28", "asn = 65010"), "ASH239"),
            [
                "`GatewaySubnet` (10.0.0.0/28) is smaller than /27, too small for a VPN and an ExpressRoute gateway together",
                "a VPN gateway beside an ExpressRoute gateway must keep ASN 65515, and this one has 65010",
            ]
        );
    }
}
