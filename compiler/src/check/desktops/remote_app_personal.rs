use crate::blocks::desktops::{app_groups, is_pooled, is_remote_app};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a `remote_app` application group in a personal `desktop_pool`.
    ///
    /// ## Why it matters
    /// RemoteApp programs are published from pooled host pools (azure-facts
    /// §4.6, after Microsoft Learn's AVD guidance): a personal pool's hosts
    /// each belong to one user, and Azure offers its users their desktop. The
    /// group would publish nothing its users could start.
    ///
    /// ## Example
    /// ```ashlar
    /// desktop_pool devs {
    ///   type = personal
    ///   app_group tools { type = remote_app  ... }
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Publish the programs from a pooled pool, or give the personal pool's
    /// users its desktop (`app_group desktop { ... }`).
    pub REMOTE_APP_PERSONAL = ("ASH626", "remote-app-personal", Warning);
}

pub const CHECK: Check = Check { code: &REMOTE_APP_PERSONAL, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (pool, node) in model.of_kind("desktop_pool") {
        if is_pooled(node) {
            continue;
        }
        for group in app_groups(model, pool).into_iter().filter(|&g| is_remote_app(model.node(g))) {
            let group_node = model.node(group);
            let span = group_node.get("type").map_or(group_node.head, |a| a.span);
            out.push(
                Diagnostic::new(
                    &REMOTE_APP_PERSONAL,
                    span,
                    format!("{} publishes RemoteApp programs, but {} is personal", model.describe(group), model.describe(pool)),
                )
                .with_help("publish the programs from a pooled pool, or give this pool's users its desktop: `type = desktop`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::blocks::desktops::test_support::{personal, plan, pooled};
    use crate::check::test_support::messages;

    const TOOLS: &str = "app_group tools {\n  type = remote_app\n  application notepad { path = \"C:\\\\Windows\\\\notepad.exe\" }\n }";

    #[test]
    fn remote_apps_come_from_pooled_pools() {
        assert!(messages(&plan(&pooled("finance", TOOLS)), "ASH626").is_empty());
        assert_eq!(
            messages(&plan(&personal("devs", TOOLS)), "ASH626"),
            ["app_group `devs.tools` publishes RemoteApp programs, but desktop_pool `devs` is personal"]
        );
    }
}
