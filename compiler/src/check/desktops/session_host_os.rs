use crate::blocks::compute::{os, Os};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a `desktop_pool` whose image runs Linux.
    ///
    /// ## Why it matters
    /// Azure Virtual Desktop's session hosts run Windows: the agent that
    /// registers a host with its pool is a Windows service, installed by the
    /// PowerShell DSC extension. On Linux the hosts deploy and the extension
    /// fails on each of them, after the machines are paid for.
    ///
    /// ## Example
    /// ```ashlar
    /// desktop_pool lab {
    ///   image = ubuntu_2404
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Start from a Windows image: `win11_multisession` for a pooled pool,
    /// Windows 11 Enterprise or multi-session for a personal one.
    pub SESSION_HOST_OS = ("ASH624", "session-host-os", Error);
}

pub const CHECK: Check = Check { code: &SESSION_HOST_OS, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (pool, node) in model.of_kind("desktop_pool") {
        let (Some(Os::Linux), Some(attr), Some(image)) = (os(model, pool), node.get("image"), node.reference("image")) else { continue };
        out.push(
            Diagnostic::new(
                &SESSION_HOST_OS,
                attr.span,
                format!("{} starts from `{}`, a Linux image, but session hosts run Windows", model.describe(pool), model.node(image).name()),
            )
            .with_help("start from a Windows image, such as `win11_multisession`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::blocks::desktops::test_support::{plan, pooled};
    use crate::check::test_support::diagnostics;

    #[test]
    fn linux_hosts_are_refused_alone() {
        let linux = plan(&pooled("lab", "").replace("win11_multisession", "ubuntu_2404"));
        let analysis = crate::analyze_text(&linux, std::path::Path::new("."));
        let codes: Vec<&str> = analysis.diagnostics.iter().map(|d| d.code.code).collect();
        assert_eq!(codes, ["ASH624"]);
        assert_eq!(
            diagnostics(&linux, "ASH624")[0].message,
            "desktop_pool `lab` starts from `ubuntu_2404`, a Linux image, but session hosts run Windows"
        );
        assert!(diagnostics(&plan(&pooled("lab", "")), "ASH624").is_empty());
    }
}
