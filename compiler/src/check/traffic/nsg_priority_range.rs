use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a security rule whose priority is outside 100 to 4096, in an
    /// `nsg` or in a `rule_set`.
    ///
    /// ## Why it matters
    /// Azure takes priorities from 100 to 4096 only (65000 and above belong to
    /// its default rules) and rejects the whole network security group, with
    /// every rule in it, when one rule is out of range.
    ///
    /// ## Example
    /// ```ashlar
    /// nsg web_nsg {
    ///   rule deny_all { inbound deny any from any priority 5000 }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give the rule a priority from 100 to 4096; lower numbers are processed first.
    pub NSG_PRIORITY_RANGE = ("ASH210", "nsg-priority-range", Error);
}

pub const CHECK: Check = Check { code: &NSG_PRIORITY_RANGE, run };

/// The priorities Azure takes for security rules.
pub const PRIORITIES: std::ops::RangeInclusive<i64> = 100..=4096;

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (&id, rule) in &model.security_rules {
        let priority = rule.priority.value;
        if PRIORITIES.contains(&priority) {
            continue;
        }
        let (low, high) = (PRIORITIES.start(), PRIORITIES.end());
        let nearest = priority.clamp(*low, *high);
        out.push(
            Diagnostic::new(
                &NSG_PRIORITY_RANGE,
                rule.priority.span,
                format!(
                    "the priority {priority} of {} is outside {low} to {high}, the priorities Azure takes for security rules",
                    model.describe(id)
                ),
            )
            .with_help(format!("give it a priority from {low} to {high}, e.g. {nearest}; lower numbers are processed first")),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    #[test]
    fn priorities_from_100_to_4096_pass_in_nsgs_and_rule_sets() {
        let plan = "rule_set base {\n rule a { inbound deny any from any priority 99 }\n rule b { inbound deny any from any priority 100 }\n}\nnsg n {\n resource_group = \"rg\"\n location = uksouth\n include = [base]\n rule c { outbound deny any from any priority 4096 }\n rule d { outbound deny any from any priority 4097 }\n}\n";
        let found = messages(plan, "ASH210");
        assert_eq!(
            found,
            [
                "the priority 99 of rule `base.a` is outside 100 to 4096, the priorities Azure takes for security rules",
                "the priority 4097 of rule `n.d` is outside 100 to 4096, the priorities Azure takes for security rules",
            ]
        );
    }
}
