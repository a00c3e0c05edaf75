use crate::blocks::desktops::{is_guid, users};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports an entry of an `app_group`'s `users` that is not an object ID:
    /// a GUID such as `3f2504e0-4f89-41d3-9a0c-0305e82c3301`.
    ///
    /// ## Why it matters
    /// ashlar lets users in by assigning them roles (Desktop Virtualization
    /// User on the group, and Virtual Machine User Login on Microsoft Entra
    /// joined hosts), and a role assignment names its principal by object ID.
    /// A template cannot look up a group by its display name, and Azure refuses
    /// a principal ID that is not a GUID (`InvalidPrincipalId`) when it
    /// reaches the assignment, after the pool and its hosts are deployed.
    ///
    /// ## Example
    /// ```ashlar
    /// app_group desktop {
    ///   users = ["finance-users"]
    /// }
    /// ```
    ///
    /// ## Fix
    /// Write the object ID of the user or group:
    /// `az ad group show --group finance-users --query id --output tsv`.
    pub DESKTOP_USER_ID = ("ASH628", "desktop-user-id", Error);
}

pub const CHECK: Check = Check { code: &DESKTOP_USER_ID, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (group, node) in model.of_kind("app_group") {
        for user in users(node) {
            if is_guid(user.value) {
                continue;
            }
            let shown = user.value;
            let lookup = if !shown.is_empty() && shown.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@')) {
                if shown.contains('@') {
                    format!("; for a user, `az ad user show --id {shown} --query id --output tsv`")
                } else {
                    format!("; for a group, `az ad group show --group {shown} --query id --output tsv`")
                }
            } else {
                String::new()
            };
            out.push(
                Diagnostic::new(&DESKTOP_USER_ID, user.span, format!("`{shown}` among the users of {} is not an object ID", model.describe(group)))
                    .with_help(format!("write the object ID (a GUID) of the user or group: role assignments name principals by ID{lookup}")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::blocks::desktops::test_support::{plan, pooled, USER};
    use crate::check::test_support::diagnostics;

    #[test]
    fn users_are_object_ids() {
        assert!(diagnostics(&plan(&pooled("finance", "")), "ASH628").is_empty());
        let named = plan(&pooled("finance", "").replace(USER, "finance-users"));
        let found = diagnostics(&named, "ASH628");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "`finance-users` among the users of app_group `finance.desktop` is not an object ID");
        assert_eq!(
            found[0].help.as_deref(),
            Some("write the object ID (a GUID) of the user or group: role assignments name principals by ID; for a group, `az ad group show --group finance-users --query id --output tsv`")
        );
        let email = plan(&pooled("finance", "").replace(USER, "ada@contoso.com"));
        assert!(diagnostics(&email, "ASH628")[0]
            .help
            .as_deref()
            .unwrap()
            .ends_with("`az ad user show --id ada@contoso.com --query id --output tsv`"));
        let spaced = plan(&pooled("finance", "").replace(USER, "Finance Users"));
        assert!(diagnostics(&spaced, "ASH628")[0].help.as_deref().unwrap().ends_with("by ID"));
    }
}
