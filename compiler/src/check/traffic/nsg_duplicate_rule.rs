use crate::blocks::security::{includes, members, Member};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::NodeId;
use indexmap::{IndexMap, IndexSet};

declare_codes! {
    /// ## What it does
    /// Reports two rules of one network security group with the same name,
    /// once the rule sets it includes are added to its own rules, and a rule set
    /// included twice. Names are compared as Azure does, ignoring case.
    ///
    /// ## Why it matters
    /// A rule's name is its identity in Azure: one network security group holds
    /// one rule of each name, so one of the two would silently replace the
    /// other, or the deployment fails.
    ///
    /// ## Example
    /// ```ashlar
    /// rule_set baseline {
    ///   rule deny_all_in { inbound deny any from any priority 4000 }
    /// }
    /// nsg web_nsg {
    ///   include = [baseline]
    ///   rule deny_all_in { inbound deny any from any priority 4096 }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Rename one of the rules, or drop the rule the rule set already gives.
    pub NSG_DUPLICATE_RULE = ("ASH212", "nsg-duplicate-rule", Error);
}

pub const CHECK: Check = Check { code: &NSG_DUPLICATE_RULE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let mut reported: IndexSet<(NodeId, NodeId)> = IndexSet::new();
    for (nsg, _) in model.of_kind("nsg") {
        let mut included: IndexMap<NodeId, crate::source::Span> = IndexMap::new();
        for (set, span) in includes(model, nsg) {
            match included.get(&set) {
                Some(&first) => out.push(
                    Diagnostic::new(&NSG_DUPLICATE_RULE, span, format!("{} is included twice in {}", model.describe(set), model.describe(nsg)))
                        .with_label(first, "first included here")
                        .with_help("list each rule set once"),
                ),
                None => {
                    included.insert(set, span);
                }
            }
        }
        let mut by_name: IndexMap<String, Member> = IndexMap::new();
        for member in members(model, nsg) {
            let node = model.node(member.rule);
            let key = node.name().to_ascii_lowercase();
            let Some(&first) = by_name.get(&key) else {
                by_name.insert(key, member);
                continue;
            };
            if !reported.insert((first.rule, member.rule)) {
                continue;
            }
            let first_node = model.node(first.rule);
            let name_span = |id: NodeId| model.node(id).name.as_ref().map_or(model.node(id).head, |n| n.span);
            let mut d = Diagnostic::new(
                &NSG_DUPLICATE_RULE,
                name_span(member.rule),
                format!(
                    "{} has two rules named `{}`: {} and {}",
                    model.describe(nsg),
                    first_node.name(),
                    model.describe(first.rule),
                    model.describe(member.rule)
                ),
            )
            .with_label(name_span(first.rule), "the first is here");
            for m in [first, member] {
                if let Some((set, include)) = m.via {
                    d = d.with_label(include, format!("{} comes in with {}, included here", model.describe(m.rule), model.describe(set)));
                }
            }
            out.push(d.with_help("rename one of the rules: Azure holds one rule of each name in a network security group, whatever the case"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    const NSG: &str = "nsg n {\n resource_group = \"rg\"\n location = uksouth\n";

    #[test]
    fn a_name_from_a_rule_set_and_the_nsg_clashes_whatever_the_case() {
        let plan = format!(
            "rule_set base {{\n rule Deny_In {{ inbound deny any from any priority 4000 }}\n}}\n{NSG} include = [base]\n rule deny_in {{ inbound deny any from any priority 4001 }}\n}}\n"
        );
        assert_eq!(messages(&plan, "ASH212"), ["nsg `n` has two rules named `Deny_In`: rule `base.Deny_In` and rule `n.deny_in`"]);
    }

    #[test]
    fn two_rule_sets_may_clash_and_a_set_included_twice_is_reported_once() {
        let plan = format!(
            "rule_set a {{\n rule x {{ inbound deny any from any priority 4000 }}\n}}\nrule_set b {{\n rule x {{ inbound deny any from any priority 4001 }}\n}}\n{NSG} include = [a, b, a]\n}}\n"
        );
        assert_eq!(
            messages(&plan, "ASH212"),
            ["nsg `n` has two rules named `x`: rule `a.x` and rule `b.x`", "rule_set `a` is included twice in nsg `n`"]
        );
    }

    #[test]
    fn distinct_names_pass() {
        let plan = format!("{NSG} rule a {{ inbound deny any from any priority 4000 }}\n rule b {{ inbound deny any from any priority 4001 }}\n}}\n");
        assert!(messages(&plan, "ASH212").is_empty());
    }
}
