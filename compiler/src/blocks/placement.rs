//! Shared placement: `availability_set` and `proximity_placement_group`
//! blocks that several machine blocks name, where `availability_set = true`
//! or `proximity_placement_group = true` gives a block one of its own.
//!
//! ```text
//! proximity_placement_group sql_close {
//!   resource_group = "rg-sql"
//!   zones          = [1]
//! }
//! availability_set sql {
//!   resource_group            = "rg-sql"
//!   proximity_placement_group = sql_close
//! }
//! compute sql_primary { availability_set = sql ... }
//! compute sql_witness { availability_set = sql ... }
//! ```
//!
//! Each lowers to its one resource before the machines: an aligned
//! availability set with 2 fault and 5 update domains (as a block's own set),
//! and a `Standard` proximity placement group, in the block's region and
//! resource group. The machines refer to it by ID.

use crate::blocks::compute::{AVAILABILITY_SET, PROXIMITY_PLACEMENT_GROUP, ZONE};
use crate::blocks::endpoints::zone_list;
use crate::blocks::lowering::Lowering;
use crate::lower::ir::{Object, Prop, Resource};
use crate::model::{Model, Node, NodeId, Typed};
use crate::schema::attrs;
use crate::schema::{attr, KindSchema, Naming, Type};

pub const AVAILABILITY_SET_KIND: KindSchema = KindSchema {
    kind: "availability_set",
    doc: "An availability set that several `compute` blocks share (`availability_set = NAME`): their machines are spread over its 2 fault and 5 update domains together.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attrs::resource_group(true, None, "Resource group of the set; the machines that join it must be in it too (`ASH424`)."),
        attrs::location(Some("settings.location"), "Region of the set; the machines that join it must be in it (`ASH424`)."),
        attr(
            "proximity_placement_group",
            Type::Ref(&["proximity_placement_group"]),
            false,
            Some("none"),
            "A `proximity_placement_group` the set, and so its machines, are in.",
        ),
        attrs::tags("Tags of the set, merged over the plan's tags."),
    ],
    children: &[],
    unique: false,
};

pub const PROXIMITY_PLACEMENT_GROUP_KIND: KindSchema = KindSchema {
    kind: "proximity_placement_group",
    doc: "A proximity placement group that several `compute` and `scale_set` blocks, or availability sets, share (`proximity_placement_group = NAME`): their machines are kept close together in one datacenter.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attrs::resource_group(true, None, "Resource group of the group."),
        attrs::location(Some("settings.location"), "Region of the group; the machines in it must be in it (`ASH424`)."),
        attr("zones", Type::List(&ZONE), false, Some("no zone"), "The one availability zone its machines are created in (`ASH402`)."),
        attrs::tags("Tags of the group, merged over the plan's tags."),
    ],
    children: &[],
    unique: false,
};

/// A shared placement block a machine block names in `attr`: `None` when the
/// attribute is `true`, `false` or absent.
pub fn shared(model: &Model, block: NodeId, attr: &str) -> Option<NodeId> {
    match model.node(block).get(attr).map(|a| &a.value) {
        Some(Typed::Ref(target)) => Some(*target),
        _ => None,
    }
}

/// Whether a machine block is in an availability set, its own or a shared one.
pub fn in_availability_set(node: &Node) -> bool {
    matches!(node.get("availability_set").map(|a| &a.value), Some(Typed::Bool(true) | Typed::Ref(_)))
}

/// The proximity placement group a machine block's machines are in: its own
/// (`true`), a shared one it names, or the one of the shared availability
/// set it joins. `Own` carries the block itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlacementGroup {
    Own(NodeId),
    Shared(NodeId),
}

pub fn placement_group_of(model: &Model, block: NodeId) -> Option<PlacementGroup> {
    let node = model.node(block);
    match node.get("proximity_placement_group").map(|a| &a.value) {
        Some(Typed::Bool(true)) => return Some(PlacementGroup::Own(block)),
        Some(Typed::Ref(group)) => return Some(PlacementGroup::Shared(*group)),
        _ => {}
    }
    let set = shared(model, block, "availability_set")?;
    shared(model, set, "proximity_placement_group").map(PlacementGroup::Shared)
}

/// The zones a shared proximity placement group names.
pub fn zones(node: &Node) -> Vec<i64> {
    node.list("zones").iter().filter_map(|z| if let Typed::Int(n) = z.value { Some(n) } else { None }).collect()
}

/// Each shared proximity placement group, then each shared availability set,
/// before the machines that refer to them.
pub fn lower_placement(lw: &mut Lowering) {
    let groups: Vec<NodeId> = lw.model.of_kind("proximity_placement_group").map(|(id, _)| id).collect();
    for id in groups {
        let node = lw.model.node(id);
        let mut ppg = shared_resource(lw, id, format!("ppg_{}", node.name()), PROXIMITY_PLACEMENT_GROUP, lw.names.proximity_placement_group(id));
        if let [zone] = zones(node).as_slice() {
            ppg.top.insert("zones".into(), zone_list(&[*zone]));
        }
        ppg.properties = Prop::object([("proximityPlacementGroupType", Prop::str("Standard"))]);
        let ppg = lw.push(ppg);
        lw.primary.insert(id, ppg);
    }
    let sets: Vec<NodeId> = lw.model.of_kind("availability_set").map(|(id, _)| id).collect();
    for id in sets {
        let node = lw.model.node(id);
        let mut set = shared_resource(lw, id, format!("avail_{}", node.name()), AVAILABILITY_SET, lw.names.availability_set(id));
        let ppg = shared(lw.model, id, "proximity_placement_group").and_then(|g| lw.primary.get(&g).copied());
        set.top.insert("sku".into(), Prop::object([("name", Prop::str("Aligned"))]));
        set.properties = availability_set_properties(ppg);
        set.depends_on.extend(ppg);
        let set = lw.push(set);
        lw.primary.insert(id, set);
    }
}

/// The properties of an availability set, a block's own or a shared one:
/// aligned, 2 fault domains and 5 update domains, in `ppg` when given.
pub fn availability_set_properties(ppg: Option<crate::lower::ir::ResourceId>) -> Prop {
    let mut properties = Object::new();
    properties.insert("platformFaultDomainCount".into(), Prop::Int(2));
    properties.insert("platformUpdateDomainCount".into(), Prop::Int(5));
    if let Some(ppg) = ppg {
        properties.insert("proximityPlacementGroup".into(), Prop::object([("id", Prop::Id(ppg))]));
    }
    Prop::Object(properties)
}

fn shared_resource(lw: &mut Lowering, id: NodeId, symbol: String, resource_type: &'static str, name: String) -> Resource {
    let model = lw.model;
    let rg = lw.resource_group(model.node(id).str(attrs::RESOURCE_GROUP).unwrap_or_default(), id);
    Resource::new(symbol, resource_type, vec![name], rg, model.location(id).map(str::to_string), model.tags(id), id)
}
