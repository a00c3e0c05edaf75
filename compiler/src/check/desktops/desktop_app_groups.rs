use crate::blocks::desktops::{app_groups, applications, is_remote_app};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a `desktop_pool` with more than one `desktop` application group,
    /// and an `application` in a `desktop` group.
    ///
    /// ## Why it matters
    /// A host pool has at most one Desktop application group (azure-facts
    /// §4.6): Azure refuses the second when it reaches it, after the pool and
    /// the first group are deployed. A Desktop group publishes the hosts' whole
    /// desktop and holds no RemoteApp programs; Azure refuses the program.
    ///
    /// ## Example
    /// ```ashlar
    /// desktop_pool finance {
    ///   app_group staff { users = ["..."] }
    ///   app_group managers { users = ["..."] }
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give one desktop group all the users of the pool's desktop; publish
    /// programs from a `remote_app` group.
    pub DESKTOP_APP_GROUPS = ("ASH627", "desktop-app-groups", Error);
}

pub const CHECK: Check = Check { code: &DESKTOP_APP_GROUPS, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (pool, _) in model.of_kind("desktop_pool") {
        let mut first = None;
        for group in app_groups(model, pool) {
            let node = model.node(group);
            if is_remote_app(node) {
                continue;
            }
            for application in applications(model, group) {
                out.push(
                    Diagnostic::new(
                        &DESKTOP_APP_GROUPS,
                        model.node(application).head,
                        format!("{} publishes the hosts' desktop, which holds no RemoteApp programs", model.describe(group)),
                    )
                    .with_help("move the application into an `app_group` with `type = remote_app`"),
                );
            }
            match first {
                None => first = Some(group),
                Some(first) => out.push(
                    Diagnostic::new(
                        &DESKTOP_APP_GROUPS,
                        node.head,
                        format!("{} is a second desktop application group of {}, which may have one", model.describe(group), model.describe(pool)),
                    )
                    .with_label(model.node(first).head, "the first is here")
                    .with_help(format!("give app_group `{}` these users, and remove this one", model.node(first).name())),
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::blocks::desktops::test_support::{plan, pooled, OTHER_USER};
    use crate::check::test_support::messages;

    #[test]
    fn one_desktop_group_a_pool() {
        let apps = "app_group apps {\n  type = remote_app\n  application calc { path = \"C:\\\\Windows\\\\System32\\\\calc.exe\" }\n }";
        assert!(messages(&plan(&pooled("finance", apps)), "ASH627").is_empty());
        let second = format!("app_group managers {{ users = [\"{OTHER_USER}\"] }}");
        assert_eq!(
            messages(&plan(&pooled("finance", &second)), "ASH627"),
            ["app_group `finance.managers` is a second desktop application group of desktop_pool `finance`, which may have one"]
        );
    }

    #[test]
    fn programs_belong_in_remote_app_groups() {
        let plan = plan(
            &pooled("finance", "")
                .replace("app_group desktop {", "app_group desktop {\n  application calc { path = \"C:\\\\Windows\\\\System32\\\\calc.exe\" }\n "),
        );
        assert_eq!(messages(&plan, "ASH627"), ["app_group `finance.desktop` publishes the hosts' desktop, which holds no RemoteApp programs"]);
    }
}
