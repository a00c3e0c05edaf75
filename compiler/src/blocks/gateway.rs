//! A hub's gateways and on-premises sites: `vpn_gateway` (with
//! `point_to_site`), `er_gateway`, and `site NAME`, which becomes a local
//! network gateway and a site-to-site connection on the VPN gateway.
//!
//! Spokes of a hub with a gateway use it: their peerings get gateway transit
//! ([`gateways`], read by the peering pass).

use super::endpoints::{nested, HubPlace, ALL_ZONES};
use crate::azure::network::{is_zone_redundant_gateway_sku, vpn_gateway_generation, AZURE_GATEWAY_ASN, GATEWAY_SKUS};
use crate::blocks::lowering::Lowering;
use crate::lower::ir::{Object, Prop, ResourceId};
use crate::model::{NodeId, Typed};
use crate::schema::{attr, KindSchema, Naming, Type};

const GATEWAY: &str = "Microsoft.Network/virtualNetworkGateways";
const LOCAL_GATEWAY: &str = "Microsoft.Network/localNetworkGateways";
const CONNECTION: &str = "Microsoft.Network/connections";

const PREFIX: Type = Type::Prefix;
const ASN: Type = Type::Integer { min: 1, max: 4_294_967_294 };

/// Application ID of the Azure VPN Client that Microsoft registers in every
/// tenant: the audience of Microsoft Entra ID authentication for point-to-site.
pub const AZURE_VPN_CLIENT_APP: &str = "c632b3df-fb67-4d84-bdcf-b95ad541b5c8";

pub const VPN_GATEWAY: KindSchema = KindSchema {
    kind: "vpn_gateway",
    doc: "A route-based VPN gateway in the hub's `GatewaySubnet`, for the hub's `site`s and for point-to-site clients; the hub's spokes use it through gateway transit.",
    naming: Naming::Unnamed,
    positional: &[],
    attributes: &[
        attr("sku", Type::Word(GATEWAY_SKUS), true, None, "The gateway SKU: VpnGw1 to VpnGw5, or their zone-redundant VpnGw1AZ to VpnGw5AZ."),
        attr("asn", ASN, false, Some("65515, when BGP is used"), "The gateway's BGP autonomous system number; giving one turns BGP on."),
        attr("active_active", Type::Boolean, false, Some("false"), "Two instances, each with its own public IP address, both carrying traffic."),
    ],
    children: &["point_to_site"],
    unique: false,
};

pub const POINT_TO_SITE: KindSchema = KindSchema {
    kind: "point_to_site",
    doc: "Point-to-site VPN on a `vpn_gateway`: clients get addresses from `address_pool` and sign in with Microsoft Entra ID (`entra_tenant`) or a certificate issued under `root_certificate`.",
    naming: Naming::Unnamed,
    positional: &[],
    attributes: &[
        attr("address_pool", Type::List(&PREFIX), true, None, "Prefixes the gateway hands out to clients; they must overlap no network the clients reach."),
        attr("entra_tenant", Type::String, false, None, "ID of the Microsoft Entra tenant clients sign in with (OpenVPN and the Azure VPN Client)."),
        attr("root_certificate", Type::String, false, None, "Public data of the root certificate client certificates chain to, in Base64 or PEM: `file(\"p2s-root.cer\")` (IKEv2 and OpenVPN)."),
    ],
    children: &[],
    unique: false,
};

pub const ER_GATEWAY: KindSchema = KindSchema {
    kind: "er_gateway",
    doc: "An ExpressRoute gateway in the hub's `GatewaySubnet`; the hub's spokes use it through gateway transit. Connecting it to a circuit is not part of the plan.",
    naming: Naming::Unnamed,
    positional: &[],
    attributes: &[attr(
        "sku",
        Type::Word(GATEWAY_SKUS),
        true,
        None,
        "The gateway SKU: ErGw1AZ to ErGw3AZ, ErGwScale, or the older Standard, HighPerformance and UltraPerformance.",
    )],
    children: &[],
    unique: false,
};

pub const SITE: KindSchema = KindSchema {
    kind: "site",
    doc: "An on-premises site, connected to the hub's `vpn_gateway` by a site-to-site IPsec connection.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attr("gateway_ip", Type::IpAddress, true, None, "The public IP address of the site's VPN device."),
        attr("address_space", Type::List(&PREFIX), true, None, "The site's address prefixes, routed through the connection."),
        attr("shared_key", Type::Secret, true, None, "The connection's pre-shared key: `secret(VAULT, \"NAME\")`."),
        attr("asn", ASN, false, Some("no BGP"), "The site's BGP autonomous system number; with `bgp_peer_ip`, the connection uses BGP."),
        attr("bgp_peer_ip", Type::IpAddress, false, None, "The BGP peer address of the site's VPN device."),
    ],
    children: &[],
    unique: false,
};

/// The gateways of a hub, for gateway transit: what its spokes' peerings wait for.
pub fn gateways(lw: &Lowering, hub: NodeId) -> Vec<ResourceId> {
    let mut found = Vec::new();
    for kind in ["vpn_gateway", "er_gateway"] {
        found.extend(nested(lw, hub, kind).into_iter().filter_map(|g| lw.primary.get(&g).copied()));
    }
    found
}

/// Each hub's gateways, VPN first, and the sites connected to its VPN gateway.
pub fn lower_gateways(lw: &mut Lowering) {
    let hubs: Vec<NodeId> = lw.model.of_kind("hub").map(|(id, _)| id).collect();
    for hub in hubs {
        let Some(place) = HubPlace::of(lw, hub) else { continue };
        for block in nested(lw, hub, "vpn_gateway") {
            let gateway = gateway(lw, &place, hub, block, true);
            for site_block in nested(lw, hub, "site") {
                site(lw, &place, site_block, gateway);
            }
        }
        for block in nested(lw, hub, "er_gateway") {
            gateway(lw, &place, hub, block, false);
        }
    }
}

/// Whether a site uses BGP: it gives its ASN and its peer address.
fn site_bgp(lw: &Lowering, site: NodeId) -> Option<(i64, String)> {
    let node = lw.model.node(site);
    let asn = match node.get("asn").map(|a| &a.value) {
        Some(Typed::Int(asn)) => *asn,
        _ => return None,
    };
    match node.get("bgp_peer_ip").map(|a| &a.value) {
        Some(Typed::Ip(ip)) => Some((asn, ip.to_string())),
        _ => None,
    }
}

fn gateway(lw: &mut Lowering, place: &HubPlace, hub: NodeId, block: NodeId, vpn: bool) -> ResourceId {
    let node = lw.model.node(block);
    let sku = node.str("sku").unwrap_or_default().to_string();
    let active_active = vpn && matches!(node.get("active_active").map(|a| &a.value), Some(Typed::Bool(true)));
    let asn = match node.get("asn").map(|a| &a.value) {
        Some(Typed::Int(asn)) => Some(*asn),
        _ => None,
    };
    let point_to_site = nested(lw, block, "point_to_site").into_iter().next();
    let name = if vpn { lw.names.vpn_gateway(hub) } else { lw.names.er_gateway(hub) };
    let zones: &[i64] = if is_zone_redundant_gateway_sku(&sku) { ALL_ZONES } else { &[] };

    let mut pips = vec![place.public_ip(lw, &name, block, zones)];
    if active_active {
        pips.push(place.public_ip(lw, &format!("{name}-2"), block, zones));
    }
    let configurations: Vec<Prop> = pips
        .iter()
        .enumerate()
        .map(|(i, pip)| {
            Prop::object([
                ("name", Prop::str(format!("ipconfig{}", i + 1))),
                (
                    "properties",
                    Prop::object([
                        ("privateIPAllocationMethod", Prop::str("Dynamic")),
                        ("subnet", place.subnet(lw, hub, "GatewaySubnet")),
                        ("publicIPAddress", Prop::object([("id", Prop::Id(*pip))])),
                    ]),
                ),
            ])
        })
        .collect();

    let mut properties = Object::new();
    properties.insert("gatewayType".into(), Prop::str(if vpn { "Vpn" } else { "ExpressRoute" }));
    if vpn {
        properties.insert("vpnType".into(), Prop::str("RouteBased"));
    }
    properties.insert("vpnGatewayGeneration".into(), Prop::str(if vpn { vpn_gateway_generation(&sku) } else { "None" }));
    properties.insert("sku".into(), Prop::object([("name", Prop::str(sku.clone())), ("tier", Prop::str(sku))]));
    properties.insert("ipConfigurations".into(), Prop::Array(configurations));
    if vpn {
        properties.insert("activeActive".into(), Prop::Bool(active_active));
        let sites_use_bgp = nested(lw, hub, "site").into_iter().any(|s| site_bgp(lw, s).is_some());
        let bgp = asn.is_some() || sites_use_bgp;
        properties.insert("enableBgp".into(), Prop::Bool(bgp));
        if bgp {
            properties.insert("bgpSettings".into(), Prop::object([("asn", Prop::Int(asn.unwrap_or(i64::from(AZURE_GATEWAY_ASN))))]));
        }
        if let Some(p2s) = point_to_site {
            properties.insert("vpnClientConfiguration".into(), client_configuration(lw, p2s));
        }
    }

    let symbol = format!("{}_{}", if vpn { "vpng" } else { "ergw" }, lw.model.node(hub).name());
    let mut gateway = place.resource(symbol, GATEWAY, name, block);
    gateway.properties = Prop::Object(properties);
    gateway.depends_on = std::iter::once(place.vnet).chain(pips).collect();
    let gateway = lw.push(gateway);
    // One gateway operation at a time in a virtual network: Azure builds a
    // VPN and an ExpressRoute gateway in one GatewaySubnet one after the other.
    lw.after_last_on(place.vnet, gateway);
    lw.primary.insert(block, gateway);
    gateway
}

/// `vpnClientConfiguration` of a `point_to_site`.
fn client_configuration(lw: &Lowering, block: NodeId) -> Prop {
    let node = lw.model.node(block);
    let pool: Vec<Prop> = node.prefixes("address_pool").iter().map(|p| Prop::str(p.value.to_string())).collect();
    let mut config = Object::new();
    config.insert("vpnClientAddressPool".into(), Prop::object([("addressPrefixes", Prop::Array(pool))]));
    if let Some(tenant) = node.str("entra_tenant") {
        let tenant = tenant.trim();
        // The Azure VPN Client signs in with Entra ID over OpenVPN only.
        config.insert("vpnClientProtocols".into(), Prop::Array(vec![Prop::str("OpenVPN")]));
        config.insert("vpnAuthenticationTypes".into(), Prop::Array(vec![Prop::str("AAD")]));
        config.insert("aadTenant".into(), Prop::str(format!("https://login.microsoftonline.com/{tenant}")));
        config.insert("aadAudience".into(), Prop::str(AZURE_VPN_CLIENT_APP));
        config.insert("aadIssuer".into(), Prop::str(format!("https://sts.windows.net/{tenant}/")));
    } else if let Some(certificate) = node.str("root_certificate") {
        config.insert("vpnClientProtocols".into(), Prop::Array(vec![Prop::str("IkeV2"), Prop::str("OpenVPN")]));
        config.insert("vpnAuthenticationTypes".into(), Prop::Array(vec![Prop::str("Certificate")]));
        let root =
            Prop::object([("name", Prop::str("root")), ("properties", Prop::object([("publicCertData", Prop::str(certificate_data(certificate)))]))]);
        config.insert("vpnClientRootCertificates".into(), Prop::Array(vec![root]));
    }
    Prop::Object(config)
}

/// The Base64 body of a certificate, without PEM armour or line breaks, as Azure takes it.
pub fn certificate_data(text: &str) -> String {
    text.lines().map(str::trim).filter(|l| !l.starts_with("-----")).collect()
}

/// A site: its local network gateway and its connection on `gateway`.
fn site(lw: &mut Lowering, place: &HubPlace, block: NodeId, gateway: ResourceId) {
    let node = lw.model.node(block);
    let bgp = site_bgp(lw, block);
    let space: Vec<Prop> = node.prefixes("address_space").iter().map(|p| Prop::str(p.value.to_string())).collect();
    let gateway_ip = match node.get("gateway_ip").map(|a| &a.value) {
        Some(Typed::Ip(ip)) => ip.to_string(),
        _ => String::new(),
    };
    let shared_key = node.get("shared_key").map(|a| lw.prop(&a.value));

    let mut local = Object::new();
    local.insert("gatewayIpAddress".into(), Prop::str(gateway_ip));
    local.insert("localNetworkAddressSpace".into(), Prop::object([("addressPrefixes", Prop::Array(space))]));
    if let Some((asn, peer)) = &bgp {
        local.insert("bgpSettings".into(), Prop::object([("asn", Prop::Int(*asn)), ("bgpPeeringAddress", Prop::str(peer.clone()))]));
    }
    let site_name = node.name().to_string();
    let mut local_gateway = place.resource(format!("lgw_{site_name}"), LOCAL_GATEWAY, lw.names.local_network_gateway(block), block);
    local_gateway.properties = Prop::Object(local);
    let local_gateway = lw.push(local_gateway);

    let mut connection = Object::new();
    connection.insert("connectionType".into(), Prop::str("IPsec"));
    connection.insert("connectionProtocol".into(), Prop::str("IKEv2"));
    // ARM's schema requires `properties` beside the `id` of a gateway a connection names; Azure reads only the `id`.
    connection.insert("virtualNetworkGateway1".into(), Prop::object([("id", Prop::Id(gateway)), ("properties", Prop::Object(Object::new()))]));
    connection.insert("localNetworkGateway2".into(), Prop::object([("id", Prop::Id(local_gateway)), ("properties", Prop::Object(Object::new()))]));
    if let Some(key) = shared_key {
        connection.insert("sharedKey".into(), key);
    }
    connection.insert("enableBgp".into(), Prop::Bool(bgp.is_some()));
    let mut resource = place.resource(format!("con_{site_name}"), CONNECTION, lw.names.connection(block), block);
    resource.properties = Prop::Object(connection);
    resource.depends_on = vec![gateway, local_gateway];
    let resource = lw.push(resource);
    // One connection change at a time on a gateway.
    lw.after_last_on(gateway, resource);
    lw.primary.insert(block, resource);
}

#[cfg(test)]
mod tests {
    use super::certificate_data;

    #[test]
    fn pem_armour_and_line_breaks_are_dropped() {
        assert_eq!(certificate_data("-----BEGIN CERTIFICATE-----\r\nMIIC\r\n  5zCC\n-----END CERTIFICATE-----\n"), "MIIC5zCC");
        assert_eq!(certificate_data("MIIC5zCC"), "MIIC5zCC");
    }
}
