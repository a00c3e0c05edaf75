use crate::blocks::compute::{machine_blocks, network_of};
use crate::blocks::placement::shared;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId};
use crate::schema::attrs;

declare_codes! {
    /// ## What it does
    /// Reports machines that name a shared `availability_set` or
    /// `proximity_placement_group` in another region than theirs (the region
    /// of their subnet's network), an availability set in another region than
    /// its proximity placement group, and `compute` blocks in another resource
    /// group than the shared availability set they join.
    ///
    /// ## Why it matters
    /// Availability sets and proximity placement groups are regional: they
    /// place machines within one region, so a machine of another region cannot
    /// join them. Microsoft's documentation of availability sets says nothing
    /// of machines joining a set of another resource group, so ashlar keeps a
    /// set and its machines in one, where it is known to deploy.
    ///
    /// ## Example
    /// ```ashlar
    /// availability_set sql {
    ///   resource_group = "rg-sql"
    /// }
    /// compute sql_primary {
    ///   resource_group   = "rg-sql-vms"
    ///   availability_set = sql
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give the shared block the machines' region (`location`) and resource
    /// group, or name one of their region.
    pub SHARED_PLACEMENT = ("ASH424", "shared-placement", Error);
}

pub const CHECK: Check = Check { code: &SHARED_PLACEMENT, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, node) in machine_blocks(model) {
        let region = network_of(model, block).and_then(|n| model.location(n));
        for attr in ["availability_set", "proximity_placement_group"] {
            let (Some(target), Some(written)) = (shared(model, block, attr), node.get(attr)) else { continue };
            if let (Some(region), Some(theirs)) = (region, model.location(target)) {
                if !region.eq_ignore_ascii_case(theirs) {
                    out.push(
                        Diagnostic::new(
                            &SHARED_PLACEMENT,
                            written.span,
                            format!("{} is in {region}, but {} is in {theirs}", model.describe(block), model.describe(target)),
                        )
                        .with_help(format!("give {} `location = {region}`, or name one in {region}", model.describe(target))),
                    );
                }
            }
        }
        if let (Some(set), Some(written)) = (shared(model, block, "availability_set"), node.get("availability_set")) {
            let (mine, theirs) = (node.str(attrs::RESOURCE_GROUP), model.node(set).str(attrs::RESOURCE_GROUP));
            if let (Some(mine), Some(theirs)) = (mine, theirs) {
                if !mine.eq_ignore_ascii_case(theirs) {
                    out.push(
                        Diagnostic::new(
                            &SHARED_PLACEMENT,
                            written.span,
                            format!("{} is in resource group `{mine}`, but {} is in `{theirs}`", model.describe(block), model.describe(set)),
                        )
                        .with_help(format!(
                            "put the machines and the set in one resource group: `resource_group = \"{theirs}\"` here, or a set of `{mine}`"
                        )),
                    );
                }
            }
        }
    }
    for (set, node) in model.of_kind("availability_set") {
        let Some(group) = shared(model, set, "proximity_placement_group") else { continue };
        set_in_group_region(model, set, group, node.get("proximity_placement_group").map(|a| a.span), out);
    }
}

fn set_in_group_region(model: &Model, set: NodeId, group: NodeId, at: Option<crate::source::Span>, out: &mut Vec<Diagnostic>) {
    let (Some(at), Some(mine), Some(theirs)) = (at, model.location(set), model.location(group)) else { return };
    if !mine.eq_ignore_ascii_case(theirs) {
        out.push(
            Diagnostic::new(&SHARED_PLACEMENT, at, format!("{} is in {mine}, but {} is in {theirs}", model.describe(set), model.describe(group)))
                .with_help(format!("give both one region: `location = {theirs}` on {}", model.describe(set))),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages};

    const SHARED: &str =
        "availability_set db {\n resource_group = \"rg\"\n}\nproximity_placement_group far {\n resource_group = \"rg\"\n location = westeurope\n}\n";

    fn check(extra: &str, more: &str) -> Vec<String> {
        messages(&machines(&format!("{SHARED}{more}{}", linux("compute", "web", extra))), "ASH424")
    }

    #[test]
    fn machines_join_sets_and_groups_of_their_region_and_resource_group() {
        assert!(check("availability_set = db", "").is_empty());
        assert_eq!(
            check("proximity_placement_group = far", ""),
            ["compute `web` is in uksouth, but proximity_placement_group `far` is in westeurope"]
        );
        assert_eq!(
            check("availability_set = other", "availability_set other {\n resource_group = \"rg-other\"\n}\n"),
            ["compute `web` is in resource group `rg`, but availability_set `other` is in `rg-other`"]
        );
        // Resource group names compare in any case.
        assert!(check("availability_set = other", "availability_set other {\n resource_group = \"RG\"\n}\n").is_empty());
        assert_eq!(
            check("", "availability_set far_set {\n resource_group = \"rg\"\n proximity_placement_group = far\n}\n"),
            ["availability_set `far_set` is in uksouth, but proximity_placement_group `far` is in westeurope"]
        );
    }
}
