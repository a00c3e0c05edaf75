use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a `firewall` with `sku = Basic` and `threat_intel = deny`: Azure
    /// Firewall Basic runs threat intelligence in alert mode only (Azure Firewall
    /// overview, "Azure Firewall Basic").
    ///
    /// ## Why it matters
    /// Azure Firewall Basic has no deny mode for threat intelligence ("supports
    /// Threat Intelligence in alert mode only"): a plan that reads `deny` would
    /// promise a protection the firewall does not give, if Azure deployed the
    /// policy at all.
    ///
    /// ## Example
    /// ```ashlar
    /// firewall {
    ///   sku          = Basic
    ///   threat_intel = deny
    /// }
    /// ```
    ///
    /// ## Fix
    /// Write `threat_intel = alert` (or `off`), or choose `sku = Standard` to
    /// block known-malicious traffic.
    pub FIREWALL_THREAT_INTEL = ("ASH237", "firewall-threat-intel", Error);
}

pub const CHECK: Check = Check { code: &FIREWALL_THREAT_INTEL, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (_, node) in model.of_kind("firewall") {
        let (Some("Basic"), Some("deny"), Some(attr)) = (node.str("sku"), node.str("threat_intel"), node.get("threat_intel")) else { continue };
        let mut d = Diagnostic::new(&FIREWALL_THREAT_INTEL, attr.span, "a Basic firewall only alerts on threat intelligence; it cannot deny")
            .with_help("write `threat_intel = alert`, or `sku = Standard` to deny traffic to and from known-malicious addresses");
        if let Some(sku) = node.get("sku") {
            d = d.with_label(sku.span, "the Basic tier");
        }
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(firewall: &str) -> String {
        format!("settings {{ location = uksouth }}\nhub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/23]\n subnet AzureFirewallSubnet 10.0.0.0/26\n subnet AzureFirewallManagementSubnet 10.0.0.64/26\n firewall {{ {firewall} }}\n}}\n")
    }

    #[test]
    fn only_basic_in_deny_mode_is_refused() {
        assert_eq!(
            messages(&plan("sku = Basic  threat_intel = deny"), "ASH237"),
            ["a Basic firewall only alerts on threat intelligence; it cannot deny"]
        );
        assert!(messages(&plan("sku = Basic  threat_intel = alert"), "ASH237").is_empty());
        assert!(messages(&plan("sku = Standard  threat_intel = deny"), "ASH237").is_empty());
    }
}
