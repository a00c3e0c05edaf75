use crate::blocks::firewall_policy::{of_firewall, tier, KIND};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a hub's `firewall` whose `policy` is a `firewall_policy` of a
    /// tier its `sku` does not take, and a firewall that names a `policy` and
    /// also holds rule blocks of its own.
    ///
    /// ## Why it matters
    /// A Basic policy serves Basic firewalls, a Standard policy Standard or
    /// Premium ones, a Premium policy Premium ones
    /// ([Azure Firewall Manager policy overview, "Basic, Standard, and Premium policies"](https://learn.microsoft.com/azure/firewall-manager/policy-overview#basic-standard-and-premium-policies)):
    /// Azure refuses to attach any other. A firewall has one policy
    /// (`firewallPolicy`), so rules written beside a shared one would never be
    /// deployed.
    ///
    /// ## Example
    /// ```ashlar
    /// firewall_policy shared { resource_group = "rg-sec"  tier = Premium }
    /// hub core {
    ///   ...
    ///   firewall { sku = Standard  policy = shared }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Match the firewall's `sku` and the policy's `tier`; move the firewall's
    /// rules into a `rule_collection_group` of the policy.
    pub FIREWALL_POLICY_FIT = ("ASH270", "firewall-policy-fit", Error);
}

pub const CHECK: Check = Check { code: &FIREWALL_POLICY_FIT, run };

/// The policy tiers a firewall SKU takes.
fn takes(sku: &str, tier: &str) -> bool {
    match tier {
        "Basic" => sku == "Basic",
        "Standard" => sku == "Standard" || sku == "Premium",
        _ => sku == "Premium",
    }
}

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, firewall) in model.of_kind("firewall") {
        let (Some(policy), Some(attr)) = (of_firewall(model, id), firewall.get("policy")) else { continue };
        for &block in &firewall.children {
            let rules = model.node(block);
            if ["network_rules", "application_rules", "dnat"].contains(&rules.kind.kind) {
                out.push(
                    Diagnostic::new(
                        &FIREWALL_POLICY_FIT,
                        rules.head,
                        format!(
                            "this firewall uses the policy `{}`, and its own {} would not be deployed",
                            model.node(policy).name(),
                            rules.kind.kind
                        ),
                    )
                    .with_label(attr.span, "the policy")
                    .with_help("a firewall has one policy: move these rules into a `rule_collection_group` of that policy"),
                );
            }
        }
        // An existing policy's tier is not known to the plan.
        if !model.node(policy).is(KIND) {
            continue;
        }
        let sku = firewall.str("sku").unwrap_or("Standard");
        let tier = tier(model.node(policy));
        if !takes(sku, tier) {
            let span = firewall.get("sku").map_or(attr.span, |a| a.span);
            out.push(
                Diagnostic::new(&FIREWALL_POLICY_FIT, span, format!("a {sku} firewall cannot use the {tier} policy `{}`", model.node(policy).name()))
                    .with_label(attr.span, "the policy")
                    .with_help("Basic policies serve Basic firewalls, Standard policies Standard or Premium ones, Premium policies Premium ones"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(tier: &str, firewall: &str) -> String {
        format!("settings {{ location = uksouth }}\nfirewall_policy shared {{\n resource_group = \"rg\"\n tier = {tier}\n}}\nhub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/23]\n subnet AzureFirewallSubnet 10.0.0.0/26\n subnet AzureFirewallManagementSubnet 10.0.0.64/26\n firewall {{\n  policy = shared\n  {firewall}\n }}\n}}\n")
    }

    #[test]
    fn a_firewall_takes_the_policies_of_its_tier() {
        assert_eq!(messages(&plan("Premium", "sku = Standard"), "ASH270"), ["a Standard firewall cannot use the Premium policy `shared`"]);
        assert_eq!(messages(&plan("Standard", "sku = Basic"), "ASH270"), ["a Basic firewall cannot use the Standard policy `shared`"]);
        assert!(messages(&plan("Standard", "sku = Premium"), "ASH270").is_empty());
        assert!(messages(&plan("Basic", "sku = Basic"), "ASH270").is_empty());
        assert_eq!(
            messages(&plan("Standard", "network_rules { rule a allow tcp 1 from any to any }"), "ASH270"),
            ["this firewall uses the policy `shared`, and its own network_rules would not be deployed"]
        );
    }
}
