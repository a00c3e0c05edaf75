use crate::blocks::compute::{flag, image_of, machine_blocks, os, patch_modes_of, Os};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports settings of a `compute` or `scale_set` block that do not fit
    /// the operating system of its image: `cloud_init` or `ssh_key` on a
    /// Windows image, a script that is not PowerShell (`.ps1`, no `#!` line)
    /// on Windows, and a PowerShell or batch script (`.ps1`, `.psm1`, `.bat`,
    /// `.cmd`) on Linux; a `time_zone` or `antimalware` on Linux (Azure sets
    /// the time zone of Windows machines only, and Microsoft Antimalware is a
    /// Windows extension); a `patch_mode` the OS has not: `manual` and
    /// `automatic_by_os` are Windows', `image_default` is Linux's.
    ///
    /// ## Why it matters
    /// Windows runs no cloud-init and takes no SSH key at creation: the setting
    /// would be ignored, or refused (`linuxConfiguration` on a Windows machine).
    /// The Custom Script extension runs a Windows script with PowerShell and a
    /// Linux one with the shell: the wrong kind of script fails on the machine,
    /// and the deployment with it.
    ///
    /// ## Example
    /// ```ashlar
    /// compute web {
    ///   image      = windows_2022
    ///   cloud_init = file("cloud-init/web.yaml")
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Configure Windows machines with a PowerShell `script`, Linux ones with
    /// `cloud_init` or a shell `script`; log in to Windows with `admin` (a
    /// password), to Linux with `ssh_key`.
    pub IMAGE_OS_MISMATCH = ("ASH405", "image-os-mismatch", Error);
}

pub const CHECK: Check = Check { code: &IMAGE_OS_MISMATCH, run };

/// Extensions of scripts only Windows runs.
const WINDOWS_SCRIPTS: &[&str] = &["ps1", "psm1", "bat", "cmd"];

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, node) in machine_blocks(model) {
        let (Some(os), Some(image)) = (os(model, block), image_of(model, block)) else { continue };
        let what = format!("{} runs marketplace_image `{}`, a {} image", model.describe(block), image.name(), os.word());
        let mut report = |span, message: String, help: &str| out.push(Diagnostic::new(&IMAGE_OS_MISMATCH, span, message).with_help(help.to_string()));
        if os == Os::Windows {
            if let Some(attr) = node.get("cloud_init") {
                report(
                    attr.span,
                    format!("cloud-init configures Linux machines, but {what}"),
                    "configure Windows machines with `script = file(\"....ps1\")`, a PowerShell script",
                );
            }
            if let Some(attr) = node.get("ssh_key") {
                report(
                    attr.span,
                    format!("an SSH key logs in to Linux machines, but {what}"),
                    "remove `ssh_key`: Windows machines log in with `admin`, a password from Key Vault",
                );
            }
        }
        if os == Os::Linux {
            if let Some(attr) = node.get("time_zone") {
                report(
                    attr.span,
                    format!("Azure sets the time zone of Windows machines only, but {what}"),
                    "remove `time_zone`: a Linux machine's time zone is the image's, set inside it with cloud-init's `timezone`",
                );
            }
            if let Some(attr) = node.get("antimalware").filter(|_| flag(node, "antimalware")) {
                report(
                    attr.span,
                    format!("Microsoft Antimalware is a Windows extension, but {what}"),
                    "remove `antimalware`; protect Linux machines with Microsoft Defender for Endpoint",
                );
            }
        }
        if let (Some(attr), Some(mode)) = (node.get("patch_mode"), node.str("patch_mode")) {
            let modes = patch_modes_of(os);
            if !modes.contains(&mode) {
                let shown: Vec<String> = modes.iter().map(|m| format!("`{m}`")).collect();
                let help = format!("a {} machine takes `patch_mode` {}", os.word(), crate::azure::compute::join(&shown));
                report(attr.span, format!("`patch_mode = {mode}` is not a {} patch mode, but {what}", os.word()), &help);
            }
        }
        let (Some(attr), Some(script)) = (node.get("script"), node.str("script")) else { continue };
        let path = model.file_paths.get(&attr.span);
        let extension = path.and_then(|p| std::path::Path::new(p).extension()).map(|e| e.to_string_lossy().to_ascii_lowercase());
        match os {
            Os::Windows => {
                let shebang = script.trim_start_matches('\u{feff}').starts_with("#!");
                let not_powershell = extension.as_deref().is_some_and(|e| e != "ps1");
                if shebang || not_powershell {
                    let shown = path.map_or_else(|| "this script".to_string(), |p| format!("`{p}`"));
                    let why = if shebang { "starts with a `#!` line, as shell scripts do" } else { "is not a PowerShell script (`.ps1`)" };
                    report(
                        attr.span,
                        format!("{shown} {why}, but {what}, whose scripts run with PowerShell"),
                        "give a PowerShell script, `script = file(\"....ps1\")`",
                    );
                }
            }
            Os::Linux => {
                if let Some(e) = extension.as_deref().filter(|e| WINDOWS_SCRIPTS.contains(e)) {
                    let shown = path.map_or_else(|| "this script".to_string(), |p| format!("`{p}`"));
                    report(
                        attr.span,
                        format!("{shown} is a Windows script (`.{e}`), but {what}, whose scripts run with the shell"),
                        "give a shell script, such as `script = file(\"scripts/setup.sh\")`",
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages, windows};

    #[test]
    fn linux_settings_on_windows_are_refused() {
        assert_eq!(
            messages(&machines(&windows("compute", "web", "cloud_init = \"#cloud-config\"")), "ASH405"),
            ["cloud-init configures Linux machines, but compute `web` runs marketplace_image `windows_2022`, a Windows image"]
        );
        assert_eq!(messages(&machines(&windows("scale_set", "w", "ssh_key = \"ssh-rsa AAAA\"")), "ASH405").len(), 1);
        assert_eq!(
            messages(&machines(&windows("compute", "web", "script = \"#!/bin/sh\\necho hi\"")), "ASH405"),
            ["this script starts with a `#!` line, as shell scripts do, but compute `web` runs marketplace_image `windows_2022`, a Windows image, whose scripts run with PowerShell"]
        );
        assert!(messages(&machines(&windows("compute", "web", "script = \"Install-WindowsFeature Web-Server\"")), "ASH405").is_empty());
        assert!(messages(&machines(&linux("compute", "api", "cloud_init = \"#cloud-config\"\n script = \"#!/bin/sh\"")), "ASH405").is_empty());
    }

    #[test]
    fn scripts_go_by_their_file_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("setup.ps1"), "Write-Output hi\n").unwrap();
        std::fs::write(dir.path().join("setup.sh"), "echo hi\n").unwrap();
        let run = |text: String| {
            let analysis = crate::analyze_text(&text, dir.path());
            analysis.diagnostics.into_iter().filter(|d| d.code.code == "ASH405").map(|d| d.message).collect::<Vec<_>>()
        };
        assert_eq!(
            run(machines(&linux("compute", "api", "script = file(\"setup.ps1\")"))),
            ["`setup.ps1` is a Windows script (`.ps1`), but compute `api` runs marketplace_image `ubuntu_2404`, a Linux image, whose scripts run with the shell"]
        );
        assert_eq!(
            run(machines(&windows("compute", "web", "script = file(\"setup.sh\")"))),
            ["`setup.sh` is not a PowerShell script (`.ps1`), but compute `web` runs marketplace_image `windows_2022`, a Windows image, whose scripts run with PowerShell"]
        );
        assert!(run(machines(&windows("compute", "web", "script = file(\"setup.ps1\")"))).is_empty());
        assert!(run(machines(&linux("compute", "api", "script = file(\"setup.sh\")"))).is_empty());
    }

    #[test]
    fn windows_only_settings_on_linux_are_refused() {
        assert_eq!(
            messages(&machines(&linux("compute", "api", "time_zone = \"Europe/London\"\n antimalware = true")), "ASH405"),
            [
                "Azure sets the time zone of Windows machines only, but compute `api` runs marketplace_image `ubuntu_2404`, a Linux image",
                "Microsoft Antimalware is a Windows extension, but compute `api` runs marketplace_image `ubuntu_2404`, a Linux image"
            ]
        );
        assert_eq!(
            messages(&machines(&linux("compute", "api", "patch_mode = automatic_by_os")), "ASH405"),
            ["`patch_mode = automatic_by_os` is not a Linux patch mode, but compute `api` runs marketplace_image `ubuntu_2404`, a Linux image"]
        );
        assert_eq!(messages(&machines(&windows("scale_set", "w", "patch_mode = image_default")), "ASH405").len(), 1);
        assert!(messages(&machines(&linux("compute", "api", "patch_mode = image_default\n antimalware = false")), "ASH405").is_empty());
        assert!(
            messages(&machines(&windows("compute", "web", "patch_mode = manual\n time_zone = \"UTC\"\n antimalware = true")), "ASH405").is_empty()
        );
    }
}
