use crate::blocks::desktops::pools_of_workspace;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Warns of a `desktop_workspace` that no `desktop_pool` names in its
    /// `workspace`. ashlar deploys nothing for it.
    ///
    /// ## Why it matters
    /// A workspace lists the application groups of the pools that name it, and
    /// deploys in their region: with no pool it would list nothing and have no
    /// region, so users subscribing to it would find an empty feed. Most often
    /// a pool names another workspace by mistake.
    ///
    /// ## Example
    /// ```ashlar
    /// desktop_workspace staff { resource_group = "rg-avd-shared" }
    /// desktop_pool finance { workspace = finance_ws  ... }
    /// ```
    ///
    /// ## Fix
    /// Name the workspace in the `workspace` of the pools it should list, or
    /// remove it.
    pub UNUSED_DESKTOP_WORKSPACE = ("ASH631", "unused-desktop-workspace", Warning);
}

pub const CHECK: Check = Check { code: &UNUSED_DESKTOP_WORKSPACE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (workspace, node) in model.of_kind("desktop_workspace") {
        if !pools_of_workspace(model, workspace).is_empty() {
            continue;
        }
        out.push(
            Diagnostic::new(
                &UNUSED_DESKTOP_WORKSPACE,
                node.head,
                format!("no desktop_pool names {}: ashlar deploys nothing for it", model.describe(workspace)),
            )
            .with_help(format!("write `workspace = {}` in the pools it should list, or remove it", node.name())),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::blocks::desktops::test_support::{plan, pooled};
    use crate::check::test_support::messages;

    #[test]
    fn a_workspace_no_pool_names_deploys_nothing() {
        assert!(messages(&plan(&pooled("finance", "")), "ASH631").is_empty());
        let alone = plan("desktop_workspace spare { resource_group = \"rg-ws\" }\n");
        // In the order of the plan: the helper's `staff`, then `spare`.
        assert_eq!(
            messages(&alone, "ASH631"),
            [
                "no desktop_pool names desktop_workspace `staff`: ashlar deploys nothing for it",
                "no desktop_pool names desktop_workspace `spare`: ashlar deploys nothing for it"
            ]
        );
        let analysis = crate::analyze_text(&alone, std::path::Path::new("."));
        let plan = analysis.azure.expect("warnings only");
        assert!(plan.resources.iter().all(|r| r.resource_type != "Microsoft.DesktopVirtualization/workspaces"));
    }
}
