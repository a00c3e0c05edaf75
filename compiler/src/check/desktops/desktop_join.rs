use crate::blocks::desktops::{joins_domain, DOMAIN_JOIN};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a `desktop_pool` whose hosts join a domain (`join = domain`)
    /// without `domain`, `join_user` or `join_password`, and one whose hosts
    /// join Microsoft Entra ID (`join = entra_id`, the default) with any of
    /// `domain`, `ou`, `join_user` and `join_password`.
    ///
    /// ## Why it matters
    /// The domain join extension needs the domain and an account allowed to
    /// join computers to it; without them every host fails to join, and then to
    /// register with the pool, after the machines are deployed. Domain settings
    /// on an Entra joined pool would be dropped without a word: the hosts would
    /// not be in the domain the plan names.
    ///
    /// ## Example
    /// ```ashlar
    /// desktop_pool devs {
    ///   join   = domain
    ///   domain = "corp.contoso.com"
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// For a domain join, give `domain`, `join_user` and `join_password =
    /// secret(VAULT, "NAME")` (and `ou` if the computers belong in one); for
    /// Microsoft Entra ID, remove the domain settings.
    pub DESKTOP_JOIN = ("ASH621", "desktop-join", Error);
}

pub const CHECK: Check = Check { code: &DESKTOP_JOIN, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (pool, node) in model.of_kind("desktop_pool") {
        let what = model.describe(pool);
        if joins_domain(node) {
            let needed =
                [("domain", "domain = \"...\""), ("join_user", "join_user = \"...\""), ("join_password", "join_password = secret(VAULT, \"NAME\")")];
            let missing: Vec<(String, String)> =
                needed.iter().filter(|(a, _)| node.get(a).is_none()).map(|(a, example)| (format!("`{a}`"), format!("`{example}`"))).collect();
            if missing.is_empty() {
                continue;
            }
            let names: Vec<String> = missing.iter().map(|(n, _)| n.clone()).collect();
            let examples: Vec<String> = missing.iter().map(|(_, e)| e.clone()).collect();
            let span = node.get("join").map_or(node.head, |a| a.span);
            out.push(
                Diagnostic::new(
                    &DESKTOP_JOIN,
                    span,
                    format!("the hosts of {what} join a domain, but it has no {}", crate::azure::compute::join(&names)),
                )
                .with_help(format!(
                    "add {}: a domain join needs the domain, and an account allowed to join computers to it, with its password in Key Vault",
                    crate::azure::compute::join(&examples)
                )),
            );
        } else {
            for &attr in DOMAIN_JOIN {
                let Some(written) = node.get(attr) else { continue };
                out.push(
                    Diagnostic::new(
                        &DESKTOP_JOIN,
                        written.key,
                        format!("`{attr}` is a domain join setting, but the hosts of {what} join Microsoft Entra ID"),
                    )
                    .with_help(format!("remove `{attr}`, or write `join = domain`")),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::blocks::desktops::test_support::{plan, pooled};
    use crate::check::test_support::messages;

    const DOMAIN: &str =
        "join = domain\n domain = \"corp.contoso.com\"\n join_user = \"svc@corp.contoso.com\"\n join_password = secret(kv, \"join\")";

    #[test]
    fn a_domain_join_needs_its_domain_and_account() {
        assert!(messages(&plan(&pooled("finance", DOMAIN)), "ASH621").is_empty());
        assert!(messages(&plan(&pooled("finance", &format!("{DOMAIN}\n ou = \"OU=AVD,DC=corp,DC=contoso,DC=com\""))), "ASH621").is_empty());
        let partial = DOMAIN.replace("\n join_password = secret(kv, \"join\")", "").replace("\n domain = \"corp.contoso.com\"", "");
        assert_eq!(
            messages(&plan(&pooled("finance", &partial)), "ASH621"),
            ["the hosts of desktop_pool `finance` join a domain, but it has no `domain` and `join_password`"]
        );
    }

    #[test]
    fn domain_settings_on_an_entra_joined_pool_are_reported() {
        assert!(messages(&plan(&pooled("finance", "join = entra_id")), "ASH621").is_empty());
        let found = messages(&plan(&pooled("finance", "ou = \"OU=AVD\"\n join_password = secret(kv, \"join\")")), "ASH621");
        assert_eq!(
            found,
            [
                "`ou` is a domain join setting, but the hosts of desktop_pool `finance` join Microsoft Entra ID",
                "`join_password` is a domain join setting, but the hosts of desktop_pool `finance` join Microsoft Entra ID"
            ]
        );
    }
}
