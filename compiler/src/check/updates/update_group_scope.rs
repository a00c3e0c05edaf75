use crate::blocks::compute::network_of;
use crate::blocks::updates::{groups_of, Scope};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::schema::attrs;

declare_codes! {
    /// ## What it does
    /// Reports machines that join an update group whose dynamic scope leaves
    /// them out: the group names `regions` and the machine's network is in
    /// another, or it names `resource_groups` and the machine's is not among
    /// them.
    ///
    /// ## Why it matters
    /// A dynamic scope selects machines by every filter at once: subscription,
    /// resource groups, regions, operating systems and tags. A machine tagged
    /// for the group but outside one of its filters is never assigned to the
    /// schedule, and since machines of an update group patch on schedules
    /// only, nothing patches it, without a word from Azure.
    ///
    /// ## Example
    /// ```ashlar
    /// update_group europe {
    ///   regions = [westeurope]
    ///   ...
    /// }
    /// compute api {
    ///   subnet  = uk.app      // a network in uksouth
    ///   updates = europe
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Name a group whose scope holds the machine, or add its region or
    /// resource group to the group's `regions` or `resource_groups`.
    pub UPDATE_GROUP_SCOPE = ("ASH609", "update-group-scope", Warning);
}

pub const CHECK: Check = Check { code: &UPDATE_GROUP_SCOPE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind("compute") {
        let Some(attr) = node.get("updates") else { continue };
        let region = network_of(model, id).and_then(|n| model.location(n));
        let resource_group = node.str(attrs::RESOURCE_GROUP);
        for group in groups_of(model, id) {
            let group_node = model.node(group);
            let scope = Scope::of(group_node);
            let outside = [
                (region.filter(|r| !scope.has_region(r)), "regions", "region"),
                (resource_group.filter(|g| !scope.has_resource_group(g)), "resource_groups", "resource group"),
            ];
            for (value, filter, what) in outside {
                let Some(value) = value else { continue };
                let mut d = Diagnostic::new(
                    &UPDATE_GROUP_SCOPE,
                    attr.span,
                    format!("{} is in {what} `{value}`, outside the scope of {}: nothing patches it", model.describe(id), model.describe(group)),
                );
                if let Some(written) = group_node.get(filter) {
                    d = d.with_label(written.span, format!("the group's {filter}"));
                }
                out.push(d.with_help(format!("add `{value}` to the group's `{filter}`, or name a group whose scope holds the machine")));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{machines, messages, windows};

    /// A Windows machine in resource group `rg` and region `uksouth`, in group `g` with `scope`.
    fn plan(scope: &str) -> String {
        machines(&format!(
            "update_group g {{\n resource_group = \"rg-updates\"\n daily at 01:00 for 2h\n {scope}\n}}\n{}",
            windows("compute", "box", "updates = g")
        ))
    }

    #[test]
    fn a_machine_inside_every_filter_is_patched() {
        assert!(messages(&plan(""), "ASH609").is_empty());
        assert!(messages(&plan("regions = [uksouth, ukwest]"), "ASH609").is_empty());
        // Resource group names are case-insensitive in Azure.
        assert!(messages(&plan("resource_groups = [\"RG\"]"), "ASH609").is_empty());
    }

    #[test]
    fn a_machine_outside_a_filter_is_reported_once_for_each() {
        assert_eq!(
            messages(&plan("regions = [westeurope]"), "ASH609"),
            ["compute `box` is in region `uksouth`, outside the scope of update_group `g`: nothing patches it"]
        );
        assert_eq!(
            messages(&plan("regions = [westeurope]\n resource_groups = [\"rg-web\"]"), "ASH609"),
            [
                "compute `box` is in region `uksouth`, outside the scope of update_group `g`: nothing patches it",
                "compute `box` is in resource group `rg`, outside the scope of update_group `g`: nothing patches it",
            ]
        );
    }
}
