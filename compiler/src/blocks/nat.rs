//! NAT gateways: outbound Internet access for subnets, from static public
//! addresses, without public IPs on the machines.

use crate::blocks::endpoints::{zone_list, PUBLIC_IP};
use crate::blocks::lowering::Lowering;
use crate::lower::ir::{Prop, Resource};
use crate::model::{NodeId, Typed};
use crate::schema::attrs;
use crate::schema::{attr, KindSchema, Naming, Type};

const NAT_GATEWAY: &str = "Microsoft.Network/natGateways";
const ZONE: Type = Type::Integer { min: 1, max: 3 };

pub const NAT_GATEWAY_KIND: KindSchema = KindSchema {
    kind: "nat_gateway",
    doc: "A NAT gateway: subnets that name it (`nat_gateway = NAME`) reach the Internet from its static public IP address.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attrs::resource_group(true, None, "Resource group of the NAT gateway and its public IP address."),
        attrs::location(Some("settings.location"), "Region; the subnets that use it must be in it."),
        attr("zones", Type::List(&ZONE), false, Some("no zone"), "The availability zone of the gateway and its address: at most one (`ASH242`)."),
        attr("idle_timeout", Type::Integer { min: 4, max: 120 }, false, Some("4"), "Minutes an idle outbound connection stays open."),
        attrs::tags("Tags, merged over the plan's tags."),
    ],
    children: &[],
    unique: false,
};

/// The zones a NAT gateway block names.
pub fn zones(node: &crate::model::Node) -> Vec<i64> {
    node.list("zones").iter().filter_map(|z| if let Typed::Int(n) = z.value { Some(n) } else { None }).collect()
}

/// Each `nat_gateway` becomes a public IP address and the gateway. Runs before
/// the networks, whose subnets refer to the gateways.
pub fn lower_nat_gateways(lw: &mut Lowering) {
    let gateways: Vec<NodeId> = lw.model.of_kind("nat_gateway").map(|(id, _)| id).collect();
    for id in gateways {
        let node = lw.model.node(id);
        let rg = lw.resource_group(node.str(attrs::RESOURCE_GROUP).unwrap_or_default(), id);
        let zones = zones(node);
        let name = lw.names.nat_gateway(id);
        let base = |symbol: String, resource_type: &'static str, name: String| {
            Resource::new(symbol, resource_type, vec![name], rg.clone(), lw.model.location(id).map(str::to_string), lw.model.tags(id), id)
        };
        let mut pip = base(format!("pip_{}", node.name()), PUBLIC_IP, lw.names.public_ip(&name, id));
        let mut gateway = base(format!("ng_{}", node.name()), NAT_GATEWAY, name);
        pip.top.insert("sku".into(), Prop::object([("name", Prop::str("Standard")), ("tier", Prop::str("Regional"))]));
        gateway.top.insert("sku".into(), Prop::object([("name", Prop::str("Standard"))]));
        if !zones.is_empty() {
            pip.top.insert("zones".into(), zone_list(&zones));
            gateway.top.insert("zones".into(), zone_list(&zones));
        }
        pip.properties = Prop::object([("publicIPAddressVersion", Prop::str("IPv4")), ("publicIPAllocationMethod", Prop::str("Static"))]);
        let idle = match node.get("idle_timeout").map(|a| &a.value) {
            Some(Typed::Int(minutes)) => *minutes,
            _ => 4,
        };
        let pip = lw.push(pip);
        gateway.properties = Prop::object([
            ("idleTimeoutInMinutes", Prop::Int(idle)),
            ("publicIpAddresses", Prop::Array(vec![Prop::object([("id", Prop::Id(pip))])])),
        ]);
        gateway.depends_on = vec![pip];
        let gateway = lw.push(gateway);
        lw.primary.insert(id, gateway);
    }
}
