use crate::azure::limits::{thousands, Limit, ROUTES_PER_ROUTE_TABLE, RULES_PER_NSG};
use crate::blocks::{routing, security};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a network security group with more security rules than Azure
    /// allows (1,000, "NSG rules per NSG"), counting the rules it deploys with:
    /// its own and those of every `rule_set` it includes; and a route table
    /// with more routes than Azure allows (400, "User-defined routes per route
    /// table"). Both limits are Microsoft's "Azure subscription and service
    /// limits, quotas, and constraints", networking limits for Azure Resource
    /// Manager (`compiler/src/azure/limits.rs` cites the page and its commit);
    /// the page says every default there was raised to its maximum, so no
    /// support request lifts them.
    ///
    /// ## Why it matters
    /// Azure refuses the whole network security group or route table when
    /// the deployment reaches it, with every rule or route in it, and the
    /// subnets that use it wait on it.
    ///
    /// ## Example
    /// ```ashlar
    /// rule_set partners { ... 600 rules ... }
    /// nsg web {
    ///   include = [partners, vendors]  // 600 + 500 rules
    /// }
    /// ```
    ///
    /// ## Fix
    /// Merge rules that differ only in their addresses or ports (a rule takes
    /// lists of both), use service tags or application security groups, or
    /// split the subnets between two network security groups.
    pub RULE_LIMITS = ("ASH223", "rule-limits", Error);
}

pub const CHECK: Check = Check { code: &RULE_LIMITS, run };

fn over(limit: &Limit, count: usize, what: String, items: &str) -> Option<String> {
    (count > limit.max).then(|| format!("{what} has {} {items}: {}", thousands(count), limit.cited()))
}

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind("nsg") {
        let members = security::members(model, id);
        let from_sets = members.iter().filter(|m| m.via.is_some()).count();
        let Some(message) = over(&RULES_PER_NSG, members.len(), model.describe(id), "security rules") else { continue };
        let help = if from_sets > 0 {
            format!("{} of them come from its rule sets; merge rules that differ only in addresses or ports, or split its subnets between two network security groups", thousands(from_sets))
        } else {
            "merge rules that differ only in addresses or ports, or split its subnets between two network security groups".to_string()
        };
        out.push(Diagnostic::new(&RULE_LIMITS, node.head, message).with_help(help));
    }
    for (id, node) in model.of_kind("route_table") {
        let count = routing::routes(model, id).count();
        let Some(message) = over(&ROUTES_PER_ROUTE_TABLE, count, model.describe(id), "routes") else { continue };
        out.push(
            Diagnostic::new(&RULE_LIMITS, node.head, message)
                .with_help("summarise routes into wider prefixes, or split the subnets between route tables"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn nsg(own: usize, shared: usize) -> String {
        let rules = |n: usize, start: usize| {
            (0..n)
                .map(|i| {
                    format!(
                        "  rule r{} {{ inbound allow tcp 443 from 10.9.{}.{}/32 priority {} }}\n",
                        start + i,
                        (start + i) / 250,
                        (start + i) % 250,
                        100 + start + i
                    )
                })
                .collect::<String>()
        };
        format!(
            "settings {{\n  location = uksouth\n}}\nrule_set shared {{\n{}}}\nnsg web {{\n  resource_group = \"rg\"\n  include = [shared]\n{}}}\n",
            rules(shared, 0),
            rules(own, shared)
        )
    }

    #[test]
    fn rules_are_counted_with_those_of_rule_sets() {
        assert!(messages(&nsg(500, 500), "ASH223").is_empty());
        assert_eq!(
            messages(&nsg(500, 501), "ASH223"),
            ["nsg `web` has 1,001 security rules: Azure allows 1,000 (\"NSG rules per NSG\", Azure subscription and service limits)"]
        );
    }
}
