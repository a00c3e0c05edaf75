use crate::blocks::compute::{flag, machine_blocks, os};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a `patch_mode` that contradicts the rest of the block: with
    /// `updates`, anything but `automatic_by_platform` (an update group
    /// patches the machines by customer-managed schedules, which take the
    /// platform's patch mode); on a Windows scale set with
    /// `automatic_os_upgrade`, `automatic_by_os` or `automatic_by_platform`.
    ///
    /// ## Why it matters
    /// Customer-managed schedules patch only machines whose patch mode is
    /// `AutomaticByPlatform` with `bypassPlatformSafetyChecksOnUserSchedule`,
    /// which `updates` writes; another mode leaves the machines outside their
    /// group's window. `AutomaticByOS` and `AutomaticByPlatform` need
    /// `enableAutomaticUpdates` true
    /// (<https://learn.microsoft.com/dotnet/api/azure.resourcemanager.compute.models.patchsettings.patchmode>),
    /// which automatic OS upgrades forbid on Windows ("enableAutomaticUpdates
    /// is automatically set to false and cannot be set to true",
    /// <https://learn.microsoft.com/dotnet/api/azure.resourcemanager.compute.models.automaticosupgradepolicy.enableautomaticosupgrade>):
    /// Azure refuses the scale set.
    ///
    /// ## Example
    /// ```ashlar
    /// compute web {
    ///   updates    = sunday_early
    ///   patch_mode = automatic_by_os
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Remove `patch_mode`: `updates` sets the patch mode its schedules need,
    /// and a Windows scale set with automatic OS upgrades takes `manual`.
    pub PATCH_MODE_CONFLICT = ("ASH425", "patch-mode-conflict", Error);
}

pub const CHECK: Check = Check { code: &PATCH_MODE_CONFLICT, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, node) in machine_blocks(model) {
        let (Some(attr), Some(mode)) = (node.get("patch_mode"), node.str("patch_mode")) else { continue };
        if node.get("updates").is_some() && mode != "automatic_by_platform" {
            out.push(
                Diagnostic::new(
                    &PATCH_MODE_CONFLICT,
                    attr.span,
                    format!("{} is in an update group, whose schedules patch only machines in patch mode `automatic_by_platform`, but its `patch_mode` is `{mode}`", model.describe(block)),
                )
                .with_help("remove `patch_mode`: `updates` sets `automatic_by_platform` with customer-managed schedules"),
            );
        }
        let windows = os(model, block).is_some_and(|o| o.windows());
        if windows && flag(node, "automatic_os_upgrade") && matches!(mode, "automatic_by_os" | "automatic_by_platform") {
            out.push(
                Diagnostic::new(
                    &PATCH_MODE_CONFLICT,
                    attr.span,
                    format!("`patch_mode = {mode}` needs Windows' automatic updates, which Azure turns off on {}, a Windows scale set with automatic OS upgrades", model.describe(block)),
                )
                .with_help("remove `patch_mode` or write `patch_mode = manual`: new images patch the instances"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{machines, messages, windows};

    fn with_group(block: &str) -> String {
        format!("update_group g {{\n resource_group = \"rg\"\n daily at 01:00 for 2h\n}}\n{}", machines(block))
    }

    #[test]
    fn update_groups_take_the_platforms_mode() {
        assert_eq!(
            messages(&with_group(&windows("compute", "web", "updates = g\n patch_mode = automatic_by_os")), "ASH425"),
            ["compute `web` is in an update group, whose schedules patch only machines in patch mode `automatic_by_platform`, but its `patch_mode` is `automatic_by_os`"]
        );
        assert!(messages(&with_group(&windows("compute", "web", "updates = g\n patch_mode = automatic_by_platform")), "ASH425").is_empty());
        assert!(messages(&with_group(&windows("compute", "web", "patch_mode = manual")), "ASH425").is_empty());
    }

    #[test]
    fn automatic_os_upgrades_turn_windows_updates_off() {
        let lb = "load_balancer { ports = [443] }";
        assert_eq!(
            messages(&machines(&windows("scale_set", "w", &format!("automatic_os_upgrade = true\n patch_mode = automatic_by_os\n {lb}"))), "ASH425"),
            ["`patch_mode = automatic_by_os` needs Windows' automatic updates, which Azure turns off on scale_set `w`, a Windows scale set with automatic OS upgrades"]
        );
        assert!(messages(&machines(&windows("scale_set", "w", &format!("automatic_os_upgrade = true\n patch_mode = manual\n {lb}"))), "ASH425")
            .is_empty());
    }
}
