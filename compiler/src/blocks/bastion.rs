//! A hub's `bastion`: Azure Bastion in `AzureBastionSubnet`, with its public IP address.

use super::endpoints::{nested, zone_list, HubPlace};
use crate::blocks::lowering::Lowering;
use crate::lower::ir::Prop;
use crate::model::NodeId;
use crate::schema::{attr, KindSchema, Naming, Type};

const BASTION_HOST: &str = "Microsoft.Network/bastionHosts";
const ZONE: Type = Type::Integer { min: 1, max: 3 };

pub const BASTION: KindSchema = KindSchema {
    kind: "bastion",
    doc: "Azure Bastion in the hub's `AzureBastionSubnet`: browser and native-client access to virtual machines over TLS, without public addresses on them.",
    naming: Naming::Unnamed,
    positional: &[],
    attributes: &[
        attr(
            "sku",
            Type::Word(&["Basic", "Standard", "Premium"]),
            false,
            Some("Basic"),
            "The Bastion tier: Standard and Premium add native clients, scaling and more.",
        ),
        attr(
            "zones",
            Type::List(&ZONE),
            false,
            Some("no zones"),
            "Availability zones the Bastion host and its public IP address span, from 1 to 3: zone-redundant with two or more, in the regions Microsoft lists for it.",
        ),
    ],
    children: &[],
    unique: false,
};

/// Each hub's `bastion`: a public IP address and the Bastion host.
pub fn lower_bastions(lw: &mut Lowering) {
    let hubs: Vec<NodeId> = lw.model.of_kind("hub").map(|(id, _)| id).collect();
    for hub in hubs {
        for block in nested(lw, hub, "bastion") {
            bastion(lw, hub, block);
        }
    }
}

fn bastion(lw: &mut Lowering, hub: NodeId, block: NodeId) {
    let Some(place) = HubPlace::of(lw, hub) else { return };
    let sku = lw.model.node(block).str("sku").unwrap_or("Basic").to_string();
    let zones = crate::blocks::nat::zones(lw.model.node(block));
    let name = lw.names.bastion(hub);
    let pip = place.public_ip(lw, &name, block, &zones);
    let mut host = place.resource(format!("bas_{}", lw.model.node(hub).name()), BASTION_HOST, name, block);
    host.top.insert("sku".into(), Prop::object([("name", Prop::str(sku))]));
    if !zones.is_empty() {
        host.top.insert("zones".into(), zone_list(&zones));
    }
    let configuration = Prop::object([
        ("name", Prop::str("ipconfig")),
        (
            "properties",
            Prop::object([("subnet", place.subnet(lw, hub, "AzureBastionSubnet")), ("publicIPAddress", Prop::object([("id", Prop::Id(pip))]))]),
        ),
    ]);
    host.properties = Prop::object([("ipConfigurations", Prop::Array(vec![configuration]))]);
    host.depends_on = vec![place.vnet, pip];
    let host = lw.push(host);
    lw.after_last_on(place.vnet, host);
    lw.primary.insert(block, host);
}
