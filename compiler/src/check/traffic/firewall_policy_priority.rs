use crate::blocks::firewall_policy::KIND;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId, Typed};

declare_codes! {
    /// ## What it does
    /// Reports two `rule_collection_group`s of one `firewall_policy` with the
    /// same `priority`, and two rule collections of one group with the same
    /// `priority`. (A priority outside 100 to 65000 is refused where it is
    /// written.)
    ///
    /// ## Why it matters
    /// The firewall reads rule collection groups, then the collections in each,
    /// in the order of their priorities, "any number between 100 (highest
    /// priority) and 65,000 (lowest priority)"
    /// ([Organizing rule collections and rule collection groups in Azure Firewall Policy](https://techcommunity.microsoft.com/t5/azure-network-security-blog/organizing-rule-collections-and-rule-collection-groups-in-azure/ba-p/4138881);
    /// [Azure Firewall Policy rule sets](https://learn.microsoft.com/azure/firewall/policy-rule-sets)).
    /// Two at one priority leave that order undecided, and Azure refuses the
    /// group.
    ///
    /// ## Example
    /// ```ashlar
    /// rule_collection_group platform {
    ///   priority = 200
    ///   network_collection dns { priority = 100  rule dns allow udp 53 from any to 10.0.1.4 }
    ///   network_collection ntp { priority = 100  rule ntp allow udp 123 from any to 10.0.1.5 }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give each group of a policy, and each collection of a group, a priority
    /// of its own.
    pub FIREWALL_POLICY_PRIORITY = ("ASH267", "firewall-policy-priority", Error);
}

pub const CHECK: Check = Check { code: &FIREWALL_POLICY_PRIORITY, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, _) in model.of_kind(KIND) {
        let groups = children(model, id, &["rule_collection_group"]);
        unique(model, &groups, "rule collection group", out);
        for group in groups {
            unique(model, &children(model, group, &["network_collection", "application_collection"]), "rule collection", out);
        }
    }
}

fn children(model: &Model, id: NodeId, kinds: &[&str]) -> Vec<NodeId> {
    model.node(id).children.iter().copied().filter(|&c| kinds.contains(&model.node(c).kind.kind)).collect()
}

fn unique(model: &Model, blocks: &[NodeId], what: &str, out: &mut Vec<Diagnostic>) {
    let mut seen: Vec<(i64, NodeId)> = Vec::new();
    for &block in blocks {
        let node = model.node(block);
        let Some(attr) = node.get("priority") else { continue };
        let Typed::Int(priority) = attr.value else { continue };
        if let Some(&(_, first)) = seen.iter().find(|(p, _)| *p == priority) {
            let first = model.node(first);
            let mut d = Diagnostic::new(
                &FIREWALL_POLICY_PRIORITY,
                attr.span,
                format!("the {what} `{}` has priority {priority}, as `{}` has", node.name(), first.name()),
            )
            .with_help(format!("give each {what} here a priority of its own, from 100 (first) to 65000 (last)"));
            if let Some(first_attr) = first.get("priority") {
                d = d.with_label(first_attr.span, "the first");
            }
            out.push(d);
            continue;
        }
        seen.push((priority, block));
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(groups: &str) -> String {
        format!("settings {{ location = uksouth }}\nfirewall_policy base {{\n resource_group = \"rg\"\n{groups}\n}}\n")
    }

    #[test]
    fn priorities_are_unique_among_groups_and_among_collections() {
        let groups = "rule_collection_group a { priority = 200 }\nrule_collection_group b { priority = 200 }";
        assert_eq!(messages(&plan(groups), "ASH267"), ["the rule collection group `b` has priority 200, as `a` has"]);
        let collections =
            "rule_collection_group a {\n priority = 200\n network_collection x { priority = 100 }\n application_collection y { priority = 100 }\n}";
        assert_eq!(messages(&plan(collections), "ASH267"), ["the rule collection `y` has priority 100, as `x` has"]);
        let apart = "rule_collection_group a {\n priority = 200\n network_collection x { priority = 100 }\n}\nrule_collection_group b {\n priority = 300\n network_collection y { priority = 100 }\n}";
        assert!(messages(&plan(apart), "ASH267").is_empty());
    }
}
