use crate::blocks::updates::{classifications, os_of, LINUX_CLASSIFICATIONS, WINDOWS_CLASSIFICATIONS};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::Typed;

declare_codes! {
    /// ## What it does
    /// Checks that what an update group installs fits the operating systems it
    /// patches (`os`, Windows and Linux unless written): `kb_include` and
    /// `kb_exclude` are for Windows, `packages_include` and `packages_exclude`
    /// for Linux; `update_rollup`, `feature_pack`, `service_pack`,
    /// `definition`, `tools` and `updates` are Windows classifications, `other`
    /// a Linux one. Each operating system the group patches needs something to
    /// install: a classification of its own, or KB articles (Windows) or
    /// package masks (Linux) to include. `os` names at least one system.
    ///
    /// ## Why it matters
    /// Azure keeps Windows and Linux settings apart (`windowsParameters`,
    /// `linuxParameters`): a Linux setting of a Windows-only group would be
    /// dropped without a word, and machines whose system gets nothing to
    /// install are never patched, though their window opens every time.
    ///
    /// ## Example
    /// ```ashlar
    /// update_group windows_servers {
    ///   resource_group   = "rg-updates"
    ///   weekly sunday at 02:00 for 3h
    ///   os               = [windows]
    ///   packages_include = ["openssl*"]
    /// }
    /// ```
    ///
    /// ## Fix
    /// Remove the setting, or add the operating system it is for to `os`.
    pub UPDATE_OS_SETTINGS = ("ASH604", "update-os-settings", Warning);
}

pub const CHECK: Check = Check { code: &UPDATE_OS_SETTINGS, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind("update_group") {
        let what = model.describe(id);
        let (windows, linux) = os_of(node);
        if !windows && !linux {
            if let Some(attr) = node.get("os") {
                out.push(
                    Diagnostic::new(&UPDATE_OS_SETTINGS, attr.span, format!("`os` of {what} names no operating system"))
                        .with_help("write `os = [windows]`, `os = [linux]`, or remove `os` for both"),
                );
            }
            continue;
        }
        let only = if windows { "Windows" } else { "Linux" };
        // Settings of the system the group does not patch.
        let foreign: &[&str] = match (windows, linux) {
            (true, false) => &["packages_include", "packages_exclude"],
            (false, true) => &["kb_include", "kb_exclude"],
            _ => &[],
        };
        for &name in foreign {
            if let Some(attr) = node.get(name) {
                let other = if windows { "Linux" } else { "Windows" };
                out.push(
                    Diagnostic::new(
                        &UPDATE_OS_SETTINGS,
                        attr.key,
                        format!("`{name}` is for {other} machines, and {what} patches only {only} machines"),
                    )
                    .with_help(format!("remove `{name}`, or add `{}` to `os`", other.to_ascii_lowercase())),
                );
            }
        }
        for item in node.list("classifications") {
            let Typed::Word(word) = &item.value else { continue };
            let for_windows = WINDOWS_CLASSIFICATIONS.iter().any(|(w, _)| w == word);
            let for_linux = LINUX_CLASSIFICATIONS.iter().any(|(w, _)| w == word);
            if (windows && for_windows) || (linux && for_linux) {
                continue;
            }
            let other = if for_windows { "Windows" } else { "Linux" };
            out.push(
                Diagnostic::new(
                    &UPDATE_OS_SETTINGS,
                    item.span,
                    format!("`{word}` is a {other} classification, and {what} patches only {only} machines"),
                )
                .with_help(format!("remove `{word}`, or add `{}` to `os`", other.to_ascii_lowercase())),
            );
        }
        // Each system the group patches gets something to install.
        let chosen = classifications(node);
        let has = |table: &[(&str, &str)]| table.iter().any(|(w, _)| chosen.iter().any(|c| c == w));
        let span = node.get("classifications").map_or(node.head, |a| a.span);
        for (on, system, table, include, listed) in [
            (
                windows,
                "Windows",
                WINDOWS_CLASSIFICATIONS,
                "kb_include",
                "critical, security, update_rollup, feature_pack, service_pack, definition, tools, updates",
            ),
            (linux, "Linux", LINUX_CLASSIFICATIONS, "packages_include", "critical, security, other"),
        ] {
            if on && !has(table) && node.list(include).is_empty() {
                out.push(
                    Diagnostic::new(
                        &UPDATE_OS_SETTINGS,
                        span,
                        format!("{what} patches {system} machines, but installs nothing on them: none of its classifications is a {system} one"),
                    )
                    .with_help(format!("add a {system} classification ({listed}), or `{include}`")),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn check(body: &str) -> Vec<String> {
        let plan =
            format!("settings {{ location = uksouth }}\nupdate_group g {{\n  resource_group = \"rg\"\n  daily at 01:00 for 2h\n  {body}\n}}\n");
        messages(&plan, "ASH604")
    }

    #[test]
    fn settings_fit_the_systems_patched() {
        assert!(check("os = [windows]\n  kb_include = [\"KB5034441\"]").is_empty());
        assert!(check("os = [linux]\n  classifications = [other]").is_empty());
        assert!(check("classifications = [update_rollup, other]").is_empty());
        assert!(check("os = [windows]\n  classifications = []\n  kb_include = [\"KB5034441\"]").is_empty());
        assert_eq!(
            check("os = [windows]\n  packages_exclude = [\"kernel*\"]"),
            ["`packages_exclude` is for Linux machines, and update_group `g` patches only Windows machines"]
        );
        assert_eq!(
            check("os = [linux]\n  kb_include = [\"KB1\"]"),
            ["`kb_include` is for Windows machines, and update_group `g` patches only Linux machines"]
        );
        assert_eq!(
            check("os = [linux]\n  classifications = [security, tools]"),
            ["`tools` is a Windows classification, and update_group `g` patches only Linux machines"]
        );
        assert_eq!(
            check("classifications = [definition]"),
            ["update_group `g` patches Linux machines, but installs nothing on them: none of its classifications is a Linux one"]
        );
        assert_eq!(check("os = []"), ["`os` of update_group `g` names no operating system"]);
    }
}
