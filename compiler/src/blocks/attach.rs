//! Blocks that subnets attach to (`nsg = web_nsg`, `route_table = spoke_rt`):
//! which subnets use them, and the resource group and region they default to.

use crate::diagnostic::Diagnostic;
use crate::lower::Lowering;
use crate::model::{Model, NodeId};
use crate::registry::MISSING_ATTRIBUTE;

/// The kinds subnets attach to, each with the subnet attribute that names it.
pub const ATTACHABLE: &[(&str, &str)] = &[("nsg", "nsg"), ("route_table", "route_table")];

/// The subnet attribute that attaches a block of `kind`.
pub fn attribute(kind: &str) -> Option<&'static str> {
    ATTACHABLE.iter().find(|(k, _)| *k == kind).map(|(_, a)| *a)
}

/// The subnets that use `target`, hubs' and spokes' in declaration order.
pub fn subnets_using(model: &Model, target: NodeId) -> Vec<NodeId> {
    let Some(attr) = attribute(model.node(target).kind.kind) else {
        return Vec::new();
    };
    model
        .networks()
        .flat_map(|(_, network)| network.children.iter().copied())
        .filter(|&subnet| model.node(subnet).is("subnet") && model.node(subnet).reference(attr) == Some(target))
        .collect()
}

/// The network of the first subnet that uses `target`.
pub fn first_network(model: &Model, target: NodeId) -> Option<NodeId> {
    subnets_using(model, target).first().and_then(|&s| model.node(s).parent)
}

/// The resource group of an attachable block: its own, else that of the first
/// network whose subnet uses it.
pub fn resource_group(model: &Model, target: NodeId) -> Option<&str> {
    model.node(target).str("resource_group").or_else(|| first_network(model, target).and_then(|n| model.node(n).str("resource_group")))
}

/// The region of an attachable block: its own, else that of the first network
/// whose subnet uses it, else the plan's.
pub fn location(model: &Model, target: NodeId) -> Option<&str> {
    match (model.node(target).str("location"), first_network(model, target)) {
        (Some(own), _) => Some(own),
        (None, Some(network)) => model.location(network),
        (None, None) => model.location(target),
    }
}

/// An attachable block that no subnet uses has no resource group to default to.
pub fn require_groups(model: &Model, out: &mut Vec<Diagnostic>) {
    for (kind, _) in ATTACHABLE {
        for (id, node) in model.of_kind(kind) {
            if node.get("resource_group").is_none() && first_network(model, id).is_none() {
                out.push(
                    Diagnostic::new(
                        &MISSING_ATTRIBUTE,
                        node.head,
                        format!("{} lacks `resource_group`, and no subnet uses it to lend one", model.describe(id)),
                    )
                    .with_help(format!(
                        "add `resource_group = \"...\"`, or attach it to a subnet with `{} = {}`",
                        attribute(kind).unwrap_or(kind),
                        node.name()
                    )),
                );
            }
        }
    }
}

/// Declares the resource groups of the attachable blocks' resources, after the
/// networks have declared theirs: a group both use takes its region and tags
/// from the network, as it would without them.
pub fn declare_groups(lw: &mut Lowering) {
    for (kind, _) in ATTACHABLE {
        let blocks: Vec<NodeId> = lw.model.of_kind(kind).map(|(id, _)| id).collect();
        for id in blocks {
            let Some(&resource) = lw.primary.get(&id) else { continue };
            let name = lw.plan.resources[resource].resource_group.clone();
            let location = location(lw.model, id).unwrap_or_default().to_string();
            let tags = lw.model.tags(id);
            let spelt = lw.resource_group_in(&name, location, tags);
            lw.plan.resources[resource].resource_group = spelt;
        }
    }
}
