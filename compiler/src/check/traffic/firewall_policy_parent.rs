use crate::blocks::firewall_policy::{KIND, THREAT_INTEL_MODES};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a `firewall_policy` whose `parent` is a policy of the plan in
    /// another region, and a child policy whose `threat_intel` is less strict
    /// than its parent's.
    ///
    /// ## Why it matters
    /// "The parent policy and the child policy must be in the same region", and
    /// a child inherits its parent's threat intelligence mode: "It's only
    /// possible to override with a stricter value"
    /// ([Azure Firewall Manager policy overview, "Hierarchical policies"](https://learn.microsoft.com/azure/firewall-manager/policy-overview#hierarchical-policies)).
    /// Azure refuses the child policy.
    ///
    /// ## Example
    /// ```ashlar
    /// firewall_policy base { resource_group = "rg-sec"  location = uksouth  threat_intel = deny }
    /// firewall_policy hub  { resource_group = "rg-sec"  location = ukwest   parent = base  threat_intel = alert }
    /// ```
    ///
    /// ## Fix
    /// Put the child in its parent's region (a policy serves firewalls in any
    /// region), and leave `threat_intel` out to inherit the parent's, or write
    /// a stricter one.
    pub FIREWALL_POLICY_PARENT = ("ASH266", "firewall-policy-parent", Error);
}

pub const CHECK: Check = Check { code: &FIREWALL_POLICY_PARENT, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind(KIND) {
        let (Some(parent), Some(attr)) = (node.reference("parent"), node.get("parent")) else { continue };
        // An existing parent's region and mode are not known to the plan.
        if !model.node(parent).is(KIND) {
            continue;
        }
        let (here, there) = (model.location(id), model.location(parent));
        if let (Some(here), Some(there)) = (here, there) {
            if here != there {
                out.push(
                    Diagnostic::new(
                        &FIREWALL_POLICY_PARENT,
                        attr.span,
                        format!("this policy is in {here}, and its parent `{}` in {there}", model.node(parent).name()),
                    )
                    .with_help("a child policy must be in its parent's region; a policy still serves firewalls in any region"),
                );
            }
        }
        let rank = |mode: Option<&str>| THREAT_INTEL_MODES.iter().position(|m| Some(*m) == mode);
        let theirs = model.node(parent).str("threat_intel").unwrap_or("alert");
        if let (Some(ours), Some(ours_attr)) = (node.str("threat_intel"), node.get("threat_intel")) {
            if rank(Some(ours)) < rank(Some(theirs)) {
                out.push(
                    Diagnostic::new(
                        &FIREWALL_POLICY_PARENT,
                        ours_attr.span,
                        format!("threat intelligence `{ours}` is less strict than the parent's `{theirs}`"),
                    )
                    .with_label(attr.span, "the parent")
                    .with_help(format!("leave `threat_intel` out to inherit `{theirs}`, or write a stricter mode")),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(child: &str) -> String {
        format!("settings {{ location = uksouth }}\nfirewall_policy base {{\n resource_group = \"rg\"\n threat_intel = deny\n}}\nfirewall_policy child {{\n resource_group = \"rg\"\n parent = base\n {child}\n}}\n")
    }

    #[test]
    fn a_child_stays_in_its_parents_region_and_mode() {
        assert_eq!(messages(&plan("location = ukwest"), "ASH266"), ["this policy is in ukwest, and its parent `base` in uksouth"]);
        assert_eq!(messages(&plan("threat_intel = alert"), "ASH266"), ["threat intelligence `alert` is less strict than the parent's `deny`"]);
        assert!(messages(&plan("threat_intel = deny"), "ASH266").is_empty());
        assert!(messages(&plan(""), "ASH266").is_empty());
    }
}
