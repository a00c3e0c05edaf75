use crate::azure::network::is_non_public_address;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::Typed;

declare_codes! {
    /// ## What it does
    /// Reports a `site` whose `gateway_ip` is not a public address: a private
    /// (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10), loopback,
    /// link-local, multicast or unspecified address.
    ///
    /// ## Why it matters
    /// The connections ashlar builds run over the Internet: `gateway_ip` is where
    /// Azure's VPN gateway reaches the site's VPN device. Azure accepts a private
    /// address (it has a use with VPN over ExpressRoute private peering, which
    /// ashlar does not build) and then never brings the tunnel up. A private
    /// address here is usually the device's inside address, or a BGP address that
    /// belongs in `bgp_peer_ip`.
    ///
    /// ## Example
    /// ```ashlar
    /// site head-office {
    ///   gateway_ip = 192.168.1.1
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Write the public IP address of the site's VPN device (the one its Internet
    /// link has, after any NAT).
    pub SITE_GATEWAY_IP = ("ASH236", "site-gateway-ip", Warning);
}

pub const CHECK: Check = Check { code: &SITE_GATEWAY_IP, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (site, node) in model.of_kind("site") {
        let Some(attr) = node.get("gateway_ip") else { continue };
        let Typed::Ip(ip) = attr.value else { continue };
        if !is_non_public_address(ip) {
            continue;
        }
        out.push(
            Diagnostic::new(
                &SITE_GATEWAY_IP,
                attr.span,
                format!("`gateway_ip` of {} is {ip}, which is not an address on the Internet", model.describe(site)),
            )
            .with_help("write the public IP address of the site's VPN device; an inside address for BGP belongs in `bgp_peer_ip`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(ip: &str) -> String {
        format!(
            "settings {{ location = uksouth }}\nkey_vault kv {{ resource_group = \"rg-kv\" }}\nhub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/24]\n subnet GatewaySubnet 10.0.0.0/27\n vpn_gateway {{ sku = VpnGw1AZ }}\n site s {{\n  gateway_ip = {ip}\n  address_space = [192.168.0.0/16]\n  shared_key = secret(kv, \"k\")\n }}\n}}\n"
        )
    }

    #[test]
    fn private_and_special_addresses_are_refused() {
        for ip in ["203.0.113.10", "81.2.69.160", "2001:db8::1"] {
            assert!(messages(&plan(ip), "ASH236").is_empty(), "{ip}");
        }
        for ip in ["10.1.2.3", "172.20.0.1", "192.168.1.1", "100.64.0.1", "127.0.0.1", "169.254.1.1", "0.0.0.0", "224.0.0.5", "fd00::1", "fe80::1"] {
            assert_eq!(messages(&plan(ip), "ASH236").len(), 1, "{ip}");
        }
        assert_eq!(
            messages(&plan("192.168.1.1"), "ASH236"),
            ["`gateway_ip` of site `core.s` is 192.168.1.1, which is not an address on the Internet"]
        );
    }
}
