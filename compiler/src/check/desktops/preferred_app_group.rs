use crate::blocks::desktops::{app_groups, is_remote_app, users};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Warns when one user or group is among the `users` of both a `desktop`
    /// and a `remote_app` application group of the same `desktop_pool`.
    ///
    /// ## Why it matters
    /// A host pool has one preferred application group type, which ashlar sets
    /// to Desktop when the pool has a desktop group. A user assigned to both
    /// kinds of group of one pool is shown the preferred kind only: their
    /// client lists the desktop, and the RemoteApp programs the plan gives
    /// them never appear.
    ///
    /// ## Example
    /// ```ashlar
    /// desktop_pool finance {
    ///   app_group desktop { users = ["3f2504e0-4f89-41d3-9a0c-0305e82c3301"] }
    ///   app_group apps    { type = remote_app  users = ["3f2504e0-4f89-41d3-9a0c-0305e82c3301"]  ... }
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give each user one kind of group per pool: the desktop (which can start
    /// the same programs), or the RemoteApp programs.
    pub PREFERRED_APP_GROUP = ("ASH630", "preferred-app-group", Warning);
}

pub const CHECK: Check = Check { code: &PREFERRED_APP_GROUP, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (pool, _) in model.of_kind("desktop_pool") {
        let groups = app_groups(model, pool);
        let desktops: Vec<_> = groups.iter().filter(|&&g| !is_remote_app(model.node(g))).collect();
        for &remote in groups.iter().filter(|&&g| is_remote_app(model.node(g))) {
            for user in users(model.node(remote)) {
                let found = desktops
                    .iter()
                    .find_map(|&&d| users(model.node(d)).into_iter().find(|u| u.value.eq_ignore_ascii_case(user.value)).map(|u| (d, u)));
                let Some((desktop, there)) = found else { continue };
                out.push(
                    Diagnostic::new(
                        &PREFERRED_APP_GROUP,
                        user.span,
                        format!(
                            "`{}` uses both {} and {}: {} shows it the desktop only",
                            user.value,
                            model.describe(desktop),
                            model.describe(remote),
                            model.describe(pool)
                        ),
                    )
                    .with_label(there.span, "also a user of the desktop here")
                    .with_help("give each user one kind of application group per pool: the desktop, or the RemoteApp programs"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::blocks::desktops::test_support::{plan, pooled, OTHER_USER, USER};
    use crate::check::test_support::messages;

    #[test]
    fn a_user_of_both_kinds_sees_the_desktop_only() {
        let apps =
            |user: &str| format!("app_group apps {{\n  type = remote_app\n  users = [\"{user}\"]\n  application calc {{ path = \"calc.exe\" }}\n }}");
        assert!(messages(&plan(&pooled("finance", &apps(OTHER_USER))), "ASH630").is_empty());
        assert_eq!(
            messages(&plan(&pooled("finance", &apps(&USER.to_uppercase()))), "ASH630"),
            [format!(
                "`{}` uses both app_group `finance.desktop` and app_group `finance.apps`: desktop_pool `finance` shows it the desktop only",
                USER.to_uppercase()
            )]
        );
    }
}
