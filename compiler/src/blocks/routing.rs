//! Route tables: `route_table` blocks and their `route` phrases, read once
//! into [`crate::phrases::Route`]s ([`Model::routes`]) and lowered to
//! `Microsoft.Network/routeTables` with their routes inline.

use super::attach;
use super::phrase::{self, Words};
use crate::ast::ValueKind;
use crate::blocks::lowering::Lowering;
use crate::diagnostic::codes::{MALFORMED_BLOCK, TYPE_MISMATCH};
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::lower::ir::{Object, Prop, Resource};
use crate::model::{Model, NodeId, Spanned, Typed};
use crate::phrases::{Address, NextHop, Route};
use crate::schema::attrs;
use crate::schema::{attr, KindSchema, Naming, Type};
use std::net::IpAddr;

const ROUTE_TABLE_TYPE: &str = "Microsoft.Network/routeTables";

pub const ROUTE_TABLE: KindSchema = KindSchema {
    kind: "route_table",
    doc: "A route table: user-defined routes for the subnets that use it with `route_table = NAME`.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attrs::resource_group(
            false,
            Some("the resource group of the first network whose subnet uses it"),
            "Resource group of the route table; created when missing. Required when no subnet uses it.",
        ),
        attrs::location(
            Some("the region of the first network whose subnet uses it, else settings.location"),
            "Region of the route table: the region of the networks whose subnets use it.",
        ),
        attr(
            "bgp_propagation",
            Type::Boolean,
            false,
            Some("true"),
            "Whether the subnets learn routes from virtual network gateways (BGP); `false` keeps only this table's routes and the system routes.",
        ),
        attrs::tags("Tags of the route table, merged over the plan's tags."),
    ],
    children: &["route"],
    unique: false,
};

pub const ROUTE: KindSchema = KindSchema {
    kind: "route",
    doc: "A route, written as a phrase: `route NAME PREFIX via NEXT_HOP`, the next hop an IP address (a virtual appliance), `internet`, `vnet_gateway`, `vnet_local` or `none`.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[],
    children: &[],
    unique: false,
};

/// How a route's phrase reads, for help texts.
pub const SHAPE: &str = "a route reads `route NAME PREFIX via NEXT_HOP`, e.g. `route onprem 192.168.0.0/16 via 10.0.0.68`; the next hop is an IP address (a virtual appliance), `internet`, `vnet_gateway`, `vnet_local` or `none`";

/// Reads the phrase of every `route` into [`Model::routes`].
pub fn read_routes(model: &mut Model, out: &mut Vec<Diagnostic>) {
    let routes: Vec<NodeId> = model.of_kind("route").map(|(id, _)| id).collect();
    for id in routes {
        match read_route(model, id) {
            Ok(route) => {
                model.routes.insert(id, route);
            }
            Err(Some(d)) => out.push(d),
            Err(None) => {}
        }
    }
}

/// The phrase of a `route`; `None` when it did not read.
pub fn route(model: &Model, id: NodeId) -> Option<&Route> {
    model.routes.get(&id)
}

fn read_route(model: &Model, id: NodeId) -> Result<Route, Option<Diagnostic>> {
    let node = model.node(id);
    let Some(mut words) = Words::of(model, id) else {
        return Err(Some(
            Diagnostic::new(&MALFORMED_BLOCK, node.head, format!("{} has no prefix and next hop", model.describe(id))).with_help(SHAPE),
        ));
    };
    let Some(first) = words.take() else { return Err(None) };
    let value = phrase::value(first)?;
    let span = value.span;
    if matches!(value.kind, ValueKind::List(_)) {
        return Err(Some(Diagnostic::new(&TYPE_MISMATCH, span, "a route takes one prefix, not a list").with_help("write a route for each prefix")));
    }
    let Some(found) = phrase::address(model, value)? else { return Err(None) };
    let prefix = match found.as_slice() {
        [one] => one.clone(),
        many => {
            return Err(Some(
                Diagnostic::new(&TYPE_MISMATCH, span, format!("this names {} prefixes; a route takes one", many.len()))
                    .with_help("write a route for each prefix of the network"),
            ))
        }
    };
    match &prefix.value {
        Address::Ip(ip) => {
            let len = if ip.is_ipv4() { 32 } else { 128 };
            return Err(Some(
                Diagnostic::new(&TYPE_MISMATCH, span, format!("expected an address prefix, found the address {ip}"))
                    .with_help(format!("a route is for a prefix: write {ip}/{len} for this one address")),
            ));
        }
        Address::Any => {
            return Err(Some(
                Diagnostic::new(&TYPE_MISMATCH, span, "a route is for a prefix or a service tag, not `any`")
                    .with_help("write 0.0.0.0/0 for every IPv4 address"),
            ));
        }
        _ => {}
    }

    match words.take() {
        Some(term) if phrase::word(term).is_some_and(|w| w.name == "via") => {}
        Some(term) => {
            return Err(Some(
                Diagnostic::new(&MALFORMED_BLOCK, term.span(), format!("expected `via` after the prefix, found {}", phrase::shown(term)))
                    .with_help(SHAPE),
            ));
        }
        None => {
            return Err(Some(
                Diagnostic::new(&MALFORMED_BLOCK, words.end(), "the route has no next hop: expected `via` after the prefix").with_help(SHAPE),
            ));
        }
    }

    let Some(term) = words.take() else {
        return Err(Some(Diagnostic::new(&MALFORMED_BLOCK, words.end(), "the route has no next hop after `via`").with_help(SHAPE)));
    };
    let hop = phrase::value(term)?;
    let words_listed = NextHop::WORDS.iter().map(|(w, _)| *w);
    let next_hop = match &hop.kind {
        ValueKind::Invalid => return Err(None),
        ValueKind::Ipv4(ip) => NextHop::Appliance(IpAddr::V4(*ip)),
        ValueKind::Ipv6(ip) => NextHop::Appliance(IpAddr::V6(*ip)),
        ValueKind::Path(p) if p.len() == 1 => match NextHop::WORDS.iter().find(|(w, _)| w.eq_ignore_ascii_case(&p[0].name)) {
            Some((_, hop)) => *hop,
            None => {
                let help = did_you_mean(&p[0].name, words_listed).unwrap_or_else(|| SHAPE.to_string().into());
                return Err(Some(Diagnostic::new(&TYPE_MISMATCH, hop.span, format!("`{}` is not a next hop", p[0].name)).with_help(help)));
            }
        },
        other => {
            return Err(Some(Diagnostic::new(&TYPE_MISMATCH, hop.span, format!("expected a next hop, found {}", other.describe())).with_help(SHAPE)));
        }
    };
    // A route for IPv4 addresses cannot be sent to an IPv6 appliance, and back.
    if let (Address::Prefix(net), NextHop::Appliance(ip)) = (&prefix.value, &next_hop) {
        if net.addr().is_ipv4() != ip.is_ipv4() {
            let (net_family, ip_family) = if net.addr().is_ipv4() { ("IPv4", "IPv6") } else { ("IPv6", "IPv4") };
            return Err(Some(
                Diagnostic::new(&TYPE_MISMATCH, hop.span, format!("an {net_family} route cannot go via the {ip_family} address {ip}"))
                    .with_label(prefix.span, format!("this prefix is {net_family}"))
                    .with_help(format!("give the appliance's {net_family} address")),
            ));
        }
    }
    if let Some(extra) = words.take() {
        return Err(Some(
            Diagnostic::new(&MALFORMED_BLOCK, extra.span(), format!("{} does not belong after the next hop", phrase::shown(extra))).with_help(SHAPE),
        ));
    }
    Ok(Route { prefix, next_hop: Spanned { value: next_hop, span: hop.span } })
}

/// The routes of a route table, in declaration order.
pub fn routes(model: &Model, table: NodeId) -> impl Iterator<Item = NodeId> + '_ {
    model.node(table).children.iter().copied().filter(|&c| model.node(c).is("route"))
}

/// The networks whose subnets use each route table (by `route_table =`), in
/// declaration order, each once.
pub fn networks_using(model: &Model) -> indexmap::IndexMap<NodeId, Vec<NodeId>> {
    let mut users: indexmap::IndexMap<NodeId, Vec<NodeId>> = indexmap::IndexMap::new();
    for (network, node) in model.networks() {
        for &subnet in node.children.iter().filter(|&&c| model.node(c).is("subnet")) {
            if let Some(table) = model.node(subnet).reference("route_table") {
                let list = users.entry(table).or_default();
                if !list.contains(&network) {
                    list.push(network);
                }
            }
        }
    }
    users
}

/// Whether a route table's subnets learn gateway routes.
pub fn bgp_propagation(model: &Model, table: NodeId) -> bool {
    !matches!(model.node(table).get("bgp_propagation").map(|a| &a.value), Some(Typed::Bool(false)))
}

fn route_prop(model: &Model, id: NodeId, route: &Route) -> Prop {
    let mut properties = Object::new();
    properties.insert("addressPrefix".into(), Prop::str(route.prefix.value.to_string()));
    properties.insert("nextHopType".into(), Prop::str(route.next_hop.value.azure()));
    if let NextHop::Appliance(ip) = route.next_hop.value {
        properties.insert("nextHopIpAddress".into(), Prop::str(ip.to_string()));
    }
    Prop::object([("name", Prop::str(model.node(id).name())), ("properties", Prop::Object(properties))])
}

/// Each `route_table` becomes a route table with its routes inline. Runs
/// before the networks, whose subnets refer to it.
pub fn lower_route_tables(lw: &mut Lowering) {
    let model = lw.model;
    for (id, node) in model.of_kind("route_table") {
        let routes: Vec<Prop> = routes(model, id).filter_map(|r| route(model, r).map(|route| route_prop(model, r, route))).collect();
        let properties = Prop::object([("disableBgpRoutePropagation", Prop::Bool(!bgp_propagation(model, id))), ("routes", Prop::Array(routes))]);
        let mut resource = Resource::new(
            format!("rt_{}", node.name()),
            ROUTE_TABLE_TYPE,
            vec![lw.names.route_table(id)],
            // Declared, and spelt as first declared, by `attach::declare_groups`.
            attach::resource_group(model, id).unwrap_or_default().to_string(),
            attach::location(model, id).map(str::to_string),
            model.tags(id),
            id,
        );
        resource.properties = properties;
        let rid = lw.push(resource);
        lw.primary.insert(id, rid);
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze_text;

    const HEAD: &str = "settings { location = uksouth }\nhub core {\n resource_group = \"rg-core\"\n address_space = [10.0.0.0/24, 10.0.8.0/24]\n subnet shared 10.0.0.0/26 { route_table = rt }\n subnet GatewaySubnet 10.0.8.0/27\n vpn_gateway { sku = VpnGw1AZ }\n}\n";

    fn typed(phrase: &str) -> (Vec<String>, Vec<String>) {
        let plan = format!("{HEAD}route_table rt {{\n route r {phrase}\n}}\n");
        let analysis = analyze_text(&plan, std::path::Path::new("."));
        let route = analysis.model.of_kind("route").next().map(|(id, _)| id).unwrap();
        let attrs = super::route(&analysis.model, route).map_or_else(Vec::new, |r| {
            let hop = match r.next_hop.value {
                crate::phrases::NextHop::Appliance(ip) => ip.to_string(),
                other => other.word().unwrap_or_default().to_string(),
            };
            vec![format!("address_prefix={}", r.prefix.value), format!("next_hop={hop}")]
        });
        let messages = analysis.diagnostics.iter().map(|d| format!("{} {}", d.code.code, d.message)).collect();
        (attrs, messages)
    }

    fn ok(phrase: &str) -> Vec<String> {
        let (attrs, messages) = typed(phrase);
        assert!(messages.is_empty(), "{phrase}: {messages:?}");
        attrs
    }

    fn error(phrase: &str) -> String {
        let (_, messages) = typed(phrase);
        assert_eq!(messages.len(), 1, "{phrase}: {messages:?}");
        messages[0].clone()
    }

    #[test]
    fn routes_take_a_prefix_and_a_next_hop() {
        assert_eq!(ok("192.168.0.0/16 via 10.0.0.4"), ["address_prefix=192.168.0.0/16", "next_hop=10.0.0.4"]);
        assert_eq!(ok("0.0.0.0/0 via Internet"), ["address_prefix=0.0.0.0/0", "next_hop=internet"]);
        assert_eq!(ok("AzureCloud via none"), ["address_prefix=AzureCloud", "next_hop=none"]);
        assert_eq!(ok("core.shared via vnet_local"), ["address_prefix=10.0.0.0/26", "next_hop=vnet_local"]);
        assert_eq!(ok("\"10.9.0.0/16\" via vnet_gateway"), ["address_prefix=10.9.0.0/16", "next_hop=vnet_gateway"]);
        assert_eq!(ok("fd00:9::/48 via fd00::4"), ["address_prefix=fd00:9::/48", "next_hop=fd00::4"]);
    }

    #[test]
    fn malformed_routes_are_named_at_their_word() {
        assert_eq!(error("10.9.0.0/16 10.0.0.4"), "ASH109 expected `via` after the prefix, found an IP address");
        assert_eq!(error("10.9.0.0/16"), "ASH109 the route has no next hop: expected `via` after the prefix");
        assert_eq!(error("10.9.0.0/16 via"), "ASH109 the route has no next hop after `via`");
        assert_eq!(error("10.9.0.0/16 via internt"), "ASH104 `internt` is not a next hop");
        assert_eq!(error("10.9.0.0/16 via \"10.0.0.4\""), "ASH104 expected a next hop, found a string");
        assert_eq!(error("10.9.0.0/16 via internet now"), "ASH109 `now` does not belong after the next hop");
        assert_eq!(error("10.9.0.4 via internet"), "ASH104 expected an address prefix, found the address 10.9.0.4");
        assert_eq!(error("any via internet"), "ASH104 a route is for a prefix or a service tag, not `any`");
        assert_eq!(error("[10.9.0.0/16] via internet"), "ASH104 a route takes one prefix, not a list");
        assert_eq!(error("core via internet"), "ASH104 this names 2 prefixes; a route takes one");
        assert_eq!(error("fd00:9::/48 via 10.0.0.4"), "ASH104 an IPv6 route cannot go via the IPv4 address 10.0.0.4");
    }

    #[test]
    fn a_route_without_words_is_reported() {
        let plan = format!("{HEAD}route_table rt {{\n route r\n}}\n");
        let analysis = analyze_text(&plan, std::path::Path::new("."));
        let found: Vec<String> = analysis.diagnostics.iter().map(|d| format!("{} {}", d.code.code, d.message)).collect();
        assert_eq!(found, ["ASH109 route `rt.r` has no prefix and next hop"]);
    }
}
