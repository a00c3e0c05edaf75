use crate::blocks::private_dns::{endpoints, known_groups, target_type};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::{did_you_mean, Diagnostic};

declare_codes! {
    /// ## What it does
    /// Checks a private endpoint's `group` against the sub-resources its target's
    /// type offers, for the types whose list is fixed (storage accounts, key
    /// vaults, SQL servers, container registries, ...; Microsoft Learn, "What is
    /// a private endpoint?"). Other types are not checked.
    ///
    /// ## Why it matters
    /// Azure checks the group only when it creates the endpoint: a `vault`
    /// endpoint to a storage account fails there, after the resources before it
    /// have been deployed.
    ///
    /// ## Example
    /// ```ashlar
    /// private_endpoint st1 {
    ///   resource_id = "/subscriptions/.../providers/Microsoft.Storage/storageAccounts/stdata01"
    ///   group       = vault
    /// }
    /// ```
    ///
    /// ## Fix
    /// Use one of the sub-resources the message lists: for a storage account,
    /// `blob`, `file`, `queue`, `table`, `web` or `dfs` (or their `_secondary`).
    pub PRIVATE_ENDPOINT_GROUP = ("ASH259", "private-endpoint-group", Error);
}

pub const CHECK: Check = Check { code: &PRIVATE_ENDPOINT_GROUP, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in endpoints(model) {
        let (Some(group), Some(attr)) = (node.str("group"), node.get("group")) else { continue };
        // A broken ID is `private-endpoint-resource-id`'s.
        let Some(resource_type) = target_type(model, id) else { continue };
        let Some((known_type, groups)) = known_groups(&resource_type) else { continue };
        if groups.iter().any(|g| g.eq_ignore_ascii_case(group)) {
            continue;
        }
        let listed = groups.iter().map(|g| format!("`{g}`")).collect::<Vec<_>>().join(", ");
        let help = match did_you_mean(group, groups.iter().copied()) {
            Some(hint) => hint.then(&format!("A {known_type} offers {listed}")),
            None => format!("a {known_type} offers {listed}").into(),
        };
        let mut d = Diagnostic::new(
            &PRIVATE_ENDPOINT_GROUP,
            attr.span,
            format!("`{group}` is not a sub-resource of {known_type}, the target of {}", model.describe(id)),
        )
        .with_help(help);
        if let Some(id_attr) = node.get("target").or_else(|| node.get("resource_id")) {
            d = d.with_label(id_attr.span, format!("a {known_type}"));
        }
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(target: &str, group: &str) -> String {
        format!(
            "settings {{ location = uksouth }}\nvnet v {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/16]\n subnet s 10.0.0.0/24 {{ private_endpoint e {{ resource_id = \"/subscriptions/6a1f3c2e-0b7d-4e59-9c1a-2f4d8e6b0a13/resourceGroups/rg/providers/{target}\"  group = {group} }} }}\n}}\n"
        )
    }

    #[test]
    fn known_types_take_their_groups_in_any_case() {
        assert!(messages(&plan("Microsoft.Storage/storageAccounts/st1", "Blob"), "ASH259").is_empty());
        assert_eq!(
            messages(&plan("microsoft.keyvault/vaults/kv1", "vaults"), "ASH259"),
            ["`vaults` is not a sub-resource of Microsoft.KeyVault/vaults, the target of private_endpoint `v.s.e`"]
        );
    }

    #[test]
    fn unknown_types_and_children_are_not_checked() {
        assert!(messages(&plan("Microsoft.Web/sites/app1", "sites-staging"), "ASH259").is_empty());
        assert!(messages(&plan("Microsoft.Storage/storageAccounts/st1/blobServices/default", "anything"), "ASH259").is_empty());
    }
}
