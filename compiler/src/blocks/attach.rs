//! Blocks that subnets attach to (`nsg = web_nsg`, `route_table = spoke_rt`):
//! which subnets use them, and the resource group and region they default to.

use crate::blocks::lowering::Lowering;
use crate::diagnostic::codes::MISSING_ATTRIBUTE;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId};
use crate::schema::attrs;
use indexmap::IndexMap;

/// The kinds subnets attach to, each with the subnet attribute that names it.
pub const ATTACHABLE: &[(&str, &str)] = &[("nsg", "nsg"), ("route_table", "route_table")];

/// The subnet attribute that attaches a block of `kind`.
pub fn attribute(kind: &str) -> Option<&'static str> {
    ATTACHABLE.iter().find(|(k, _)| *k == kind).map(|(_, a)| *a)
}

/// The subnets that use `target`, hubs' and spokes' in declaration order.
pub fn subnets_using(model: &Model, target: NodeId) -> &[NodeId] {
    // Found for every block at once, the first time any is asked for: every
    // NSG and route table asks, and a scan of all subnets for each took time
    // in proportion to their product.
    let users = model.attachments.get_or_init(|| {
        let mut users: IndexMap<NodeId, Vec<NodeId>, foldhash::fast::FixedState> = IndexMap::default();
        for subnet in model.networks().flat_map(|(_, network)| network.children.iter().copied()) {
            let node = model.node(subnet);
            if !node.is("subnet") {
                continue;
            }
            for (kind, attr) in ATTACHABLE {
                if let Some(target) = node.reference(attr).filter(|&t| model.node(t).is(kind)) {
                    users.entry(target).or_default().push(subnet);
                }
            }
        }
        users
    });
    users.get(&target).map_or(&[], Vec::as_slice)
}

/// The network of the first subnet that uses `target`.
pub fn first_network(model: &Model, target: NodeId) -> Option<NodeId> {
    subnets_using(model, target).first().and_then(|&s| model.node(s).parent)
}

/// The resource group of an attachable block: its own, else that of the first
/// network whose subnet uses it.
pub fn resource_group(model: &Model, target: NodeId) -> Option<&str> {
    model.node(target).str(attrs::RESOURCE_GROUP).or_else(|| first_network(model, target).and_then(|n| model.node(n).str(attrs::RESOURCE_GROUP)))
}

/// The region of an attachable block: its own, else that of the first network
/// whose subnet uses it, else the plan's.
pub fn location(model: &Model, target: NodeId) -> Option<&str> {
    match (model.node(target).str(attrs::LOCATION), first_network(model, target)) {
        (Some(own), _) => Some(own),
        (None, Some(network)) => model.location(network),
        (None, None) => model.location(target),
    }
}

/// An attachable block that no subnet uses has no resource group to default
/// to, and without a `settings` block, no region.
pub fn require_groups(model: &Model, out: &mut Vec<Diagnostic>) {
    for (kind, attr) in ATTACHABLE {
        for (id, node) in model.of_kind(kind) {
            let attached = first_network(model, id).is_some();
            if node.get(attrs::RESOURCE_GROUP).is_none() && !attached {
                out.push(
                    Diagnostic::new(
                        &MISSING_ATTRIBUTE,
                        node.head,
                        format!("{} lacks `resource_group`, and no subnet uses it to lend one", model.describe(id)),
                    )
                    .with_help(format!("add `resource_group = \"...\"`, or attach it to a subnet with `{attr} = {}`", node.name())),
                );
            }
            if node.get(attrs::LOCATION).is_none() && !attached && model.unique("settings").is_none() {
                out.push(
                    Diagnostic::new(&MISSING_ATTRIBUTE, node.head, format!("{} has no location", model.describe(id)))
                        .with_help("add `location = REGION` here, attach it to a subnet to take its network's region, or add a `settings { location = REGION }` block"),
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
            let name = lw.plan[resource].resource_group.clone();
            let location = location(lw.model, id).unwrap_or_default().to_string();
            let tags = lw.model.tags(id);
            let spelt = lw.resource_group_in(&name, location, tags);
            lw.plan[resource].resource_group = spelt;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze_text;

    fn found(plan: &str) -> Vec<String> {
        let analysis = analyze_text(plan, std::path::Path::new("."));
        analysis.diagnostics.iter().filter(|d| d.code.code == "ASH103").map(|d| d.message.clone()).collect()
    }

    #[test]
    fn an_attached_block_takes_its_group_and_region_from_the_first_network() {
        let plan = "hub core {\n resource_group = \"rg-core\"\n location = westeurope\n address_space = [10.0.0.0/24]\n subnet a 10.0.0.0/26 { nsg = n  route_table = rt }\n}\nhub other {\n resource_group = \"rg-other\"\n location = westeurope\n address_space = [10.1.0.0/24]\n subnet b 10.1.0.0/26 { nsg = n }\n}\nnsg n { }\nroute_table rt { }\n";
        assert!(found(plan).is_empty(), "{:?}", found(plan));
        let analysis = analyze_text(plan, std::path::Path::new("."));
        let n = analysis.model.names["n"];
        assert_eq!(super::resource_group(&analysis.model, n), Some("rg-core"));
        assert_eq!(super::location(&analysis.model, n), Some("westeurope"));
        let plan = analysis.azure.expect("the plan lowers");
        let nsg = plan.resources.iter().find(|r| r.resource_type.ends_with("networkSecurityGroups")).unwrap();
        assert_eq!((nsg.resource_group.as_str(), nsg.location.as_deref()), ("rg-core", Some("westeurope")));
    }

    #[test]
    fn an_unattached_block_needs_its_own_group_and_region() {
        assert_eq!(
            found("nsg n { }\nroute_table rt { resource_group = \"rg\" }\n"),
            ["nsg `n` has no location", "nsg `n` lacks `resource_group`, and no subnet uses it to lend one", "route_table `rt` has no location"]
        );
        assert!(found("nsg n { resource_group = \"rg\"  location = uksouth }\n").is_empty());
        assert!(found("settings { location = uksouth }\nnsg n { resource_group = \"rg\" }\n").is_empty());
    }

    #[test]
    fn a_group_shared_with_a_network_keeps_the_network_region_and_tags() {
        let plan = "settings { location = uksouth }\nhub core {\n resource_group = \"RG-Core\"\n address_space = [10.0.0.0/24]\n tags { tier = \"hub\" }\n subnet a 10.0.0.0/26 { nsg = n }\n}\nnsg n {\n resource_group = \"rg-core\"\n tags { tier = \"nsg\" }\n}\n";
        let analysis = analyze_text(plan, std::path::Path::new("."));
        let plan = analysis.azure.expect("the plan lowers");
        assert_eq!(plan.resource_groups.len(), 1);
        assert_eq!(plan.resource_groups[0].tags["tier"], "hub");
        // The NSG's resource group is spelt as the network first spelt it.
        assert!(plan.resources.iter().all(|r| r.resource_group == "RG-Core"));
    }
}
