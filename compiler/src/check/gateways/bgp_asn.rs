use crate::azure::network::{is_azure_reserved_asn, is_iana_reserved_asn, AZURE_GATEWAY_ASN};
use crate::check::{nested, Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Node, Typed};
use crate::source::Span;

declare_codes! {
    /// ## What it does
    /// Reports BGP settings Azure refuses: an ASN that Azure reserves (8074, 8075,
    /// 12076, 65515, 65517 to 65520) on a `site`, or on a `vpn_gateway` other than
    /// its default 65515; an ASN that IANA reserves (23456, 64496 to 64511, 65535
    /// to 65551) anywhere; a site with the same ASN as its hub's VPN gateway; a
    /// site with `asn` but no `bgp_peer_ip`, or the other way round. Source: VPN
    /// Gateway FAQ, "What ASNs can I use?" and "Can I use the same ASN for both
    /// on-premises VPN networks and Azure virtual networks?".
    ///
    /// ## Why it matters
    /// Azure rejects the local network gateway or the VPN gateway with a reserved
    /// ASN, and a BGP session between two speakers of one ASN never comes up:
    /// each drops the other's routes as its own.
    ///
    /// ## Example
    /// ```ashlar
    /// site head-office {
    ///   gateway_ip    = 203.0.113.10
    ///   address_space = [192.168.0.0/16]
    ///   shared_key    = secret(kv_core, "psk")
    ///   asn           = 65515
    ///   bgp_peer_ip   = 192.168.255.1
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give the site a private ASN of its own from 64512 to 65514 or 65521 to
    /// 65534 (or your public ASN), different from the gateway's.
    pub BGP_ASN = ("ASH232", "bgp-asn", Error);
}

pub const CHECK: Check = Check { code: &BGP_ASN, run };

/// An ASN attribute's value and where it is written.
fn asn(node: &Node) -> Option<(u32, Span)> {
    let attr = node.get("asn")?;
    match attr.value {
        Typed::Int(n) => u32::try_from(n).ok().map(|n| (n, attr.span)),
        _ => None,
    }
}

const PRIVATE_RANGES: &str = "a private ASN from 64512 to 65514 or 65521 to 65534, or a public ASN of your own";

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (hub, _) in model.of_kind("hub") {
        let gateway = nested(model, hub, "vpn_gateway").next();
        let gateway_asn = gateway.and_then(|g| asn(model.node(g)));
        if let Some((n, span)) = gateway_asn {
            if is_iana_reserved_asn(n) {
                out.push(
                    Diagnostic::new(&BGP_ASN, span, format!("ASN {n} is reserved by IANA, and no BGP speaker may use it"))
                        .with_help(format!("keep Azure's default 65515, or use {PRIVATE_RANGES}")),
                );
            } else if is_azure_reserved_asn(n) && n != AZURE_GATEWAY_ASN {
                out.push(
                    Diagnostic::new(&BGP_ASN, span, format!("ASN {n} is reserved by Azure for its own routers"))
                        .with_help(format!("keep Azure's default 65515, or use {PRIVATE_RANGES}")),
                );
            }
        }
        for site in nested(model, hub, "site") {
            let node = model.node(site);
            let site_asn = asn(node);
            match (site_asn, node.get("bgp_peer_ip")) {
                (Some((_, span)), None) => out.push(
                    Diagnostic::new(&BGP_ASN, span, format!("site `{}` has an `asn` but no `bgp_peer_ip`", node.name()))
                        .with_help("add `bgp_peer_ip = ADDRESS`, the BGP address of the site's VPN device, or remove `asn` to route the site's address space statically"),
                ),
                (None, Some(peer)) => out.push(
                    Diagnostic::new(&BGP_ASN, peer.key, format!("site `{}` has a `bgp_peer_ip` but no `asn`", node.name()))
                        .with_help("add `asn = N`, the ASN of the site's VPN device, or remove `bgp_peer_ip`"),
                ),
                _ => {}
            }
            let Some((n, span)) = site_asn else { continue };
            if is_azure_reserved_asn(n) {
                let mut d = Diagnostic::new(&BGP_ASN, span, format!("ASN {n} is reserved by Azure, and an on-premises site may not use it"))
                    .with_help(format!("give site `{}` {PRIVATE_RANGES}", node.name()));
                if n == AZURE_GATEWAY_ASN {
                    d.message = format!("ASN {n} is the ASN of Azure's own gateways, and an on-premises site may not use it");
                }
                out.push(d);
            } else if is_iana_reserved_asn(n) {
                out.push(
                    Diagnostic::new(&BGP_ASN, span, format!("ASN {n} is reserved by IANA, and no BGP speaker may use it"))
                        .with_help(format!("give site `{}` {PRIVATE_RANGES}", node.name())),
                );
            } else if let Some((gateway_n, gateway_span)) = gateway_asn.filter(|(g, _)| *g == n) {
                out.push(
                    Diagnostic::new(
                        &BGP_ASN,
                        span,
                        format!("site `{}` has ASN {n}, the same as the VPN gateway of hub `{}`", node.name(), model.node(hub).name()),
                    )
                    .with_label(gateway_span, format!("the gateway's ASN {gateway_n}"))
                    .with_help("give the site and the gateway different ASNs: BGP drops routes that carry its own ASN"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(gateway_asn: &str, site: &str) -> String {
        format!(
            "settings {{ location = uksouth }}\nkey_vault kv {{ resource_group = \"rg-kv\" }}\nhub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/24]\n subnet GatewaySubnet 10.0.0.0/27\n vpn_gateway {{ sku = VpnGw1AZ {gateway_asn} }}\n site s {{\n  gateway_ip = 203.0.113.1\n  address_space = [192.168.0.0/16]\n  shared_key = secret(kv, \"k\")\n  {site}\n }}\n}}\n"
        )
    }

    #[test]
    fn reserved_asns_are_refused_where_azure_refuses_them() {
        assert!(messages(&plan("asn = 65515", "asn = 65010  bgp_peer_ip = 192.168.255.1"), "ASH232").is_empty());
        assert_eq!(messages(&plan("asn = 65518", ""), "ASH232"), ["ASN 65518 is reserved by Azure for its own routers"]);
        assert_eq!(messages(&plan("asn = 23456", ""), "ASH232"), ["ASN 23456 is reserved by IANA, and no BGP speaker may use it"]);
        assert_eq!(
            messages(&plan("", "asn = 65515  bgp_peer_ip = 192.168.255.1"), "ASH232"),
            ["ASN 65515 is the ASN of Azure's own gateways, and an on-premises site may not use it"]
        );
        assert_eq!(
            messages(&plan("", "asn = 12076  bgp_peer_ip = 192.168.255.1"), "ASH232"),
            ["ASN 12076 is reserved by Azure, and an on-premises site may not use it"]
        );
        assert_eq!(
            messages(&plan("", "asn = 64500  bgp_peer_ip = 192.168.255.1"), "ASH232"),
            ["ASN 64500 is reserved by IANA, and no BGP speaker may use it"]
        );
    }

    #[test]
    fn a_site_needs_its_own_asn_and_its_peer_address() {
        assert_eq!(
            messages(&plan("asn = 65010", "asn = 65010  bgp_peer_ip = 192.168.255.1"), "ASH232"),
            ["site `s` has ASN 65010, the same as the VPN gateway of hub `core`"]
        );
        assert_eq!(messages(&plan("", "asn = 65010"), "ASH232"), ["site `s` has an `asn` but no `bgp_peer_ip`"]);
        assert_eq!(messages(&plan("", "bgp_peer_ip = 192.168.255.1"), "ASH232"), ["site `s` has a `bgp_peer_ip` but no `asn`"]);
    }
}
