use crate::azure::compute::{powershell_command, WINDOWS_COMMAND_LINE_MAX, WINDOWS_PROCESS_COMMAND_LINE_MAX};
use crate::blocks::compute::{machine_blocks, os, Os};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::{Diagnostic, Severity};

declare_codes! {
    /// ## What it does
    /// Measures the command that runs a Windows machine's `script`: ashlar
    /// passes the script inline, as PowerShell's `-EncodedCommand` (UTF-16,
    /// base64), which makes it about 2.7 times as long. A command over 32767
    /// characters, the most Windows starts a process with, is an error; one
    /// over 8191, the most `cmd.exe` runs, is a warning.
    ///
    /// ## Why it matters
    /// The Custom Script extension fails on the machine ("The command line is
    /// too long"), and the deployment with it, after the machine is created.
    /// Whether the extension's command passes through `cmd.exe` is not
    /// documented, hence a warning from 8191 characters (about 3000 characters
    /// of script).
    ///
    /// ## Example
    /// ```ashlar
    /// compute web {
    ///   image  = windows_2022
    ///   script = file("scripts/everything.ps1")   // 20 KB
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Keep the inline script short: have it download and run the rest, or
    /// bake the software into a gallery image.
    pub SCRIPT_COMMAND_LENGTH = ("ASH414", "script-command-length", Error);
}

pub const CHECK: Check = Check { code: &SCRIPT_COMMAND_LENGTH, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, node) in machine_blocks(model) {
        if os(model, block) != Some(Os::Windows) {
            continue;
        }
        let (Some(attr), Some(script)) = (node.get("script"), node.str("script")) else { continue };
        let length = powershell_command(script).chars().count();
        if length <= WINDOWS_COMMAND_LINE_MAX {
            continue;
        }
        let (severity, limit, what) = if length > WINDOWS_PROCESS_COMMAND_LINE_MAX {
            (Severity::Error, WINDOWS_PROCESS_COMMAND_LINE_MAX, "Windows starts a process with")
        } else {
            (Severity::Warning, WINDOWS_COMMAND_LINE_MAX, "`cmd.exe` runs")
        };
        let mut d = Diagnostic::new(
            &SCRIPT_COMMAND_LENGTH,
            attr.span,
            format!(
                "the script of {} ({} characters) makes a {length}-character PowerShell command, longer than the {limit} characters {what}",
                model.describe(block),
                script.chars().count()
            ),
        )
        .with_help("keep the inline script short (about 3000 characters at most): have it download and run the rest");
        d.severity = severity;
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{diagnostics, machines, windows};
    use crate::diagnostic::Severity;

    fn severities(script_len: usize) -> Vec<Severity> {
        let script = "x".repeat(script_len);
        diagnostics(&machines(&windows("compute", "web", &format!("script = \"{script}\""))), "ASH414").into_iter().map(|d| d.severity).collect()
    }

    #[test]
    fn long_scripts_warn_then_fail() {
        // About 8/3 characters of command per character of script, after 100 of preamble.
        assert!(severities(3000).is_empty());
        assert_eq!(severities(4000), [Severity::Warning]);
        assert_eq!(severities(13000), [Severity::Error]);
    }
}
