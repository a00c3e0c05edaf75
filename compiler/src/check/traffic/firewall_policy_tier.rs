use crate::blocks::firewall_policy::{tier, KIND};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::Typed;

declare_codes! {
    /// ## What it does
    /// Reports what a `firewall_policy`'s tier does not hold: intrusion
    /// detection (`idps`) on a policy below Premium; network rule collections,
    /// the DNS proxy, custom DNS servers or `threat_intel = deny` on a Basic
    /// policy.
    ///
    /// ## Why it matters
    /// A Basic policy holds "NAT rules, Application rules, IP Groups, Threat
    /// Intelligence (alerts)"; a Standard one adds network rules, custom DNS and
    /// the DNS proxy; IDPS is Premium's
    /// ([Azure Firewall Manager policy overview, "Basic, Standard, and Premium policies"](https://learn.microsoft.com/azure/firewall-manager/policy-overview#basic-standard-and-premium-policies)).
    /// Azure refuses a policy that asks its tier for more.
    ///
    /// ## Example
    /// ```ashlar
    /// firewall_policy base {
    ///   resource_group = "rg-sec"
    ///   tier           = Standard
    ///   idps           = deny
    /// }
    /// ```
    ///
    /// ## Fix
    /// Raise the policy's `tier` (and its firewalls' `sku`), or leave the
    /// feature out.
    pub FIREWALL_POLICY_TIER = ("ASH268", "firewall-policy-tier", Error);
}

pub const CHECK: Check = Check { code: &FIREWALL_POLICY_TIER, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (_, node) in model.of_kind(KIND) {
        let tier = tier(node);
        let tier_label = node.get("tier").map(|a| a.span);
        let mut report = |span, what: String, help: &str| {
            let mut d = Diagnostic::new(&FIREWALL_POLICY_TIER, span, format!("{what}, and a {tier} policy has none")).with_help(help.to_string());
            if let Some(label) = tier_label {
                d = d.with_label(label, "the tier");
            }
            out.push(d);
        };
        if tier != "Premium" {
            if let (Some(attr), Some(mode)) = (node.get("idps"), node.str("idps")) {
                if mode != "off" {
                    report(attr.span, "intrusion detection (IDPS) is a Premium feature".into(), "write `tier = Premium`, or leave `idps` out");
                }
            }
        }
        if tier != "Basic" {
            continue;
        }
        if let (Some(attr), Some("deny")) = (node.get("threat_intel"), node.str("threat_intel")) {
            report(attr.span, "threat intelligence denies".into(), "a Basic policy only alerts: write `threat_intel = alert`, or `tier = Standard`");
        }
        for &child in &node.children {
            let child_node = model.node(child);
            if child_node.is("dns") {
                if let Some(attr) = child_node.get("proxy").filter(|a| matches!(a.value, Typed::Bool(true))) {
                    report(attr.span, "the DNS proxy is on".into(), "write `tier = Standard` for the DNS proxy");
                }
                if let Some(attr) = child_node.get("servers").filter(|_| !child_node.list("servers").is_empty()) {
                    report(attr.span, "custom DNS servers are set".into(), "write `tier = Standard` for custom DNS servers");
                }
            }
            if child_node.is("rule_collection_group") {
                for &collection in &child_node.children {
                    let c = model.node(collection);
                    if c.is("network_collection") {
                        report(
                            c.head,
                            format!("`{}` is a network rule collection", c.name()),
                            "a Basic policy holds application rules: write `tier = Standard` for network rules",
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(body: &str) -> String {
        format!("settings {{ location = uksouth }}\nfirewall_policy base {{\n resource_group = \"rg\"\n{body}\n}}\n")
    }

    #[test]
    fn each_tier_holds_its_own_features() {
        assert_eq!(
            messages(&plan("tier = Standard\nidps = deny"), "ASH268"),
            ["intrusion detection (IDPS) is a Premium feature, and a Standard policy has none"]
        );
        assert!(messages(&plan("tier = Premium\nidps = deny"), "ASH268").is_empty());
        assert_eq!(
            messages(&plan("tier = Basic\nthreat_intel = deny\ndns { proxy = true }\nrule_collection_group g {\n priority = 100\n network_collection n { priority = 100 }\n}"), "ASH268"),
            [
                "threat intelligence denies, and a Basic policy has none",
                "the DNS proxy is on, and a Basic policy has none",
                "`n` is a network rule collection, and a Basic policy has none"
            ]
        );
        assert!(messages(&plan("tier = Standard\nthreat_intel = deny\ndns { proxy = true }"), "ASH268").is_empty());
    }
}
