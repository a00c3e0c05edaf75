use crate::blocks::images::{attr_span, builds, image_os};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Node, Typed};

declare_codes! {
    /// ## What it does
    /// Checks the steps of an image's `build` against its `os`: `powershell`,
    /// `restart` and `windows_update` run only on Windows, `shell` only on Linux.
    ///
    /// ## Why it matters
    /// Image Builder runs each step on the build machine: PowerShell or a Windows
    /// restart on Linux, or a shell script on Windows, fails the build after the
    /// machine has been created and the steps before it have run. Image Builder
    /// has no restart step for Linux at all.
    ///
    /// ## Example
    /// ```ashlar
    /// image web {
    ///   os = linux
    ///   build { powershell = ["Install-WindowsFeature Web-Server"] }
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Use `shell` for Linux commands and `powershell` for Windows ones; update a
    /// Linux image with its package manager in `shell`.
    pub BUILD_CUSTOMIZER_OS = ("ASH431", "build-customizer-os", Error);
}

pub const CHECK: Check = Check { code: &BUILD_CUSTOMIZER_OS, run };

/// Whether a build block asks for a step: a non-empty list, or `true`.
fn asks_for(build: &Node, attr: &str) -> bool {
    match build.get(attr).map(|a| &a.value) {
        Some(Typed::List(items)) => !items.is_empty(),
        Some(Typed::Bool(b)) => *b,
        _ => false,
    }
}

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind("image") {
        let Some(os) = image_os(model, id) else { continue };
        let wrong: &[(&str, &str)] = match os {
            "linux" => &[
                ("powershell", "use `shell` for Linux commands"),
                ("restart", "remove it: Image Builder has no restart step for Linux"),
                ("windows_update", "remove it, and update the packages in `shell`, e.g. `sudo apt-get upgrade -y`"),
            ],
            _ => &[("shell", "use `powershell` for Windows commands")],
        };
        for build in builds(model, id) {
            let build_node = model.node(build);
            for (attr, help) in wrong.iter().filter(|(attr, _)| asks_for(build_node, attr)) {
                let other = if os == "linux" { "Windows" } else { "Linux" };
                out.push(
                    Diagnostic::new(
                        &BUILD_CUSTOMIZER_OS,
                        attr_span(build_node, attr),
                        format!("`{attr}` is a {other} step, but {} is {os}", model.describe(id)),
                    )
                    .with_label(attr_span(node, "os"), format!("{} is {os}", model.describe(id)))
                    .with_help(*help),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(os: &str, source: &str, build: &str) -> String {
        format!("settings {{ location = uksouth }}\ngallery corp {{ resource_group = \"rg\" }}\nimage web {{\n gallery = corp\n os = {os}\n source = {source}\n build {{ {build} }}\n}}\n")
    }

    #[test]
    fn windows_steps_on_linux_are_refused() {
        let found = messages(&plan("linux", "ubuntu_2404", "powershell = [\"x\"]  restart = true  windows_update = true"), "ASH431");
        assert_eq!(
            found,
            [
                "`powershell` is a Windows step, but image `web` is linux",
                "`restart` is a Windows step, but image `web` is linux",
                "`windows_update` is a Windows step, but image `web` is linux"
            ]
        );
        // Asking for nothing is no step.
        assert!(messages(&plan("linux", "ubuntu_2404", "powershell = []  restart = false  shell = [\"x\"]"), "ASH431").is_empty());
    }

    #[test]
    fn shell_on_windows_is_refused() {
        assert_eq!(messages(&plan("windows", "windows_2022", "shell = [\"x\"]"), "ASH431"), ["`shell` is a Linux step, but image `web` is windows"]);
        assert!(messages(&plan("windows", "windows_2022", "powershell = [\"x\"]  restart = true  windows_update = true"), "ASH431").is_empty());
    }
}
