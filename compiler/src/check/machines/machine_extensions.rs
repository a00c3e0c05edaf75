use crate::blocks::compute::{flag, load_balancer, machine_blocks};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Checks what a block's extensions need: `allow_extension_operations =
    /// false` with a `script`, `monitoring`, `antimalware`, or the health
    /// extension of a scale set's rolling or automatic OS upgrades; and
    /// `monitoring` without `identity = system`.
    ///
    /// ## Why it matters
    /// `allowExtensionOperations` "may only be set to False when no extensions
    /// are present on the virtual machine"
    /// (<https://learn.microsoft.com/dotnet/api/microsoft.azure.management.compute.models.osprofile.allowextensionoperations>):
    /// Azure refuses the machine and its extensions. The Azure Monitor Agent
    /// authenticates with the machine's managed identity ("Managed identity
    /// must be enabled on Azure virtual machines",
    /// <https://learn.microsoft.com/azure/azure-monitor/agents/azure-monitor-agent-requirements>):
    /// without one it is installed and sends nothing.
    ///
    /// ## Example
    /// ```ashlar
    /// compute web {
    ///   monitoring                 = true
    ///   allow_extension_operations = false
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Remove `allow_extension_operations = false`, or the extensions; give
    /// monitored machines `identity = system`.
    pub MACHINE_EXTENSIONS = ("ASH427", "machine-extensions", Error);
}

pub const CHECK: Check = Check { code: &MACHINE_EXTENSIONS, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, node) in machine_blocks(model) {
        if let Some(attr) = node
            .get("allow_extension_operations")
            .filter(|_| matches!(node.get("allow_extension_operations").map(|a| &a.value), Some(crate::model::Typed::Bool(false))))
        {
            let mut wanted: Vec<String> = Vec::new();
            if node.get("script").is_some() {
                wanted.push("`script` (the Custom Script extension)".into());
            }
            if flag(node, "monitoring") {
                wanted.push("`monitoring` (the Azure Monitor Agent)".into());
            }
            if flag(node, "antimalware") {
                wanted.push("`antimalware` (Microsoft Antimalware)".into());
            }
            let upgrades = node.str("upgrade") == Some("rolling") || flag(node, "automatic_os_upgrade");
            if node.is("scale_set") && upgrades && load_balancer(model, block).is_some() {
                wanted.push("its upgrades' health watch (the Application Health extension)".into());
            }
            if !wanted.is_empty() {
                out.push(
                    Diagnostic::new(
                        &MACHINE_EXTENSIONS,
                        attr.span,
                        format!(
                            "{} refuses extensions, but {} need{} one",
                            model.describe(block),
                            crate::azure::compute::join(&wanted),
                            if wanted.len() == 1 { "s" } else { "" }
                        ),
                    )
                    .with_help("remove `allow_extension_operations = false`: Azure takes it only on machines without extensions"),
                );
            }
        }
        if let Some(attr) = node.get("monitoring").filter(|_| flag(node, "monitoring")) {
            if node.str("identity") != Some("system") {
                out.push(
                    Diagnostic::new(
                        &MACHINE_EXTENSIONS,
                        attr.span,
                        format!(
                            "the Azure Monitor Agent of {} authenticates with a managed identity, and the machines have none",
                            model.describe(block)
                        ),
                    )
                    .with_help("add `identity = system`"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages, windows};

    #[test]
    fn extensions_need_extension_operations_and_the_agent_an_identity() {
        assert_eq!(
            messages(
                &machines(&windows("compute", "web", "allow_extension_operations = false\n script = \"Write-Output hi\"\n antimalware = true")),
                "ASH427"
            ),
            ["compute `web` refuses extensions, but `script` (the Custom Script extension) and `antimalware` (Microsoft Antimalware) need one"]
        );
        assert!(messages(&machines(&windows("compute", "web", "allow_extension_operations = false")), "ASH427").is_empty());
        assert_eq!(
            messages(
                &machines(&linux("scale_set", "w", "allow_extension_operations = false\n upgrade = rolling\n load_balancer { ports = [80] }")),
                "ASH427"
            ),
            ["scale_set `w` refuses extensions, but its upgrades' health watch (the Application Health extension) needs one"]
        );
        assert_eq!(
            messages(&machines(&linux("compute", "api", "monitoring = true")), "ASH427"),
            ["the Azure Monitor Agent of compute `api` authenticates with a managed identity, and the machines have none"]
        );
        assert!(messages(&machines(&linux("compute", "api", "monitoring = true\n identity = system")), "ASH427").is_empty());
    }
}
