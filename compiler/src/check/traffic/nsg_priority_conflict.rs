use crate::blocks::security::{members, rule, Member};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId};
use crate::phrases::Direction;
use indexmap::{IndexMap, IndexSet};

declare_codes! {
    /// ## What it does
    /// Reports two rules of one network security group, its own or from the
    /// rule sets it includes, with the same direction and priority.
    ///
    /// ## Why it matters
    /// Azure processes rules in priority order and rejects a network security
    /// group in which two rules of one direction share a priority
    /// (`SecurityRuleConflict`: "Rules cannot have the same Priority and
    /// Direction"). An inbound and an outbound rule may share one.
    ///
    /// ## Example
    /// ```ashlar
    /// nsg web_nsg {
    ///   rule https { inbound allow tcp 443 from Internet priority 100 }
    ///   rule ssh   { inbound deny tcp 22 from Internet priority 100 }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give one of the two rules another priority: the one to be processed first
    /// gets the lower number.
    pub NSG_PRIORITY_CONFLICT = ("ASH211", "nsg-priority-conflict", Error);
}

pub const CHECK: Check = Check { code: &NSG_PRIORITY_CONFLICT, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    // A pair of rules shared by several NSGs through a rule set is reported once.
    let mut reported: IndexSet<(NodeId, NodeId)> = IndexSet::new();
    for (nsg, _) in model.of_kind("nsg") {
        let mut first: IndexMap<(Direction, i64), Member> = IndexMap::new();
        for member in members(model, nsg) {
            let Some(r) = rule(model, member.rule) else { continue };
            let key = (r.direction.value, r.priority.value);
            let Some(&earlier) = first.get(&key) else {
                first.insert(key, member);
                continue;
            };
            if !reported.insert((earlier.rule, member.rule)) {
                continue;
            }
            out.push(conflict(model, nsg, earlier, member, r.direction.value.word(), r.priority.value));
        }
    }
}

fn conflict(model: &Model, nsg: NodeId, earlier: Member, later: Member, direction: &str, priority: i64) -> Diagnostic {
    let name = |m: Member| model.node(m.rule).name().to_string();
    let span = |m: Member| rule(model, m.rule).map_or(model.node(m.rule).head, |r| r.priority.span);
    let mut d = Diagnostic::new(
        &NSG_PRIORITY_CONFLICT,
        span(later),
        format!(
            "rules `{}` and `{}` of {} are both {direction} with priority {priority}; Azure takes one rule per priority and direction",
            name(earlier),
            name(later),
            model.describe(nsg)
        ),
    )
    .with_label(span(earlier), format!("`{}` has priority {priority} here", name(earlier)));
    for m in [earlier, later] {
        if let Some((set, include)) = m.via {
            d = d.with_label(include, format!("`{}` comes from {}, included here", name(m), model.describe(set)));
        }
    }
    d.with_help("give one of the two rules another priority: the rule to be processed first gets the lower number")
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{diagnostics, messages};

    const NSG: &str = "nsg n {\n resource_group = \"rg\"\n location = uksouth\n";

    #[test]
    fn the_same_priority_in_one_direction_conflicts_but_not_across_directions() {
        let plan = format!("{NSG} rule a {{ inbound allow tcp 443 from any priority 100 }}\n rule b {{ outbound allow tcp 443 from any priority 100 }}\n rule c {{ inbound deny tcp 22 from any priority 100 }}\n}}\n");
        assert_eq!(
            messages(&plan, "ASH211"),
            ["rules `a` and `c` of nsg `n` are both inbound with priority 100; Azure takes one rule per priority and direction"]
        );
    }

    #[test]
    fn rules_from_rule_sets_conflict_too_and_are_reported_once() {
        let plan = format!(
            "rule_set base {{\n rule deny_in {{ inbound deny any from any priority 4000 }}\n}}\n{NSG} include = [base]\n rule mine {{ inbound allow any from any priority 4000 }}\n}}\nnsg m {{\n resource_group = \"rg\"\n location = uksouth\n include = [base]\n rule mine {{ inbound allow any from any priority 4000 }}\n}}\n"
        );
        let found = diagnostics(&plan, "ASH211");
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].message.starts_with("rules `deny_in` and `mine` of nsg `n`"), "{}", found[0].message);
        let labels: Vec<&str> = found[0].labels.iter().map(|l| l.message.as_str()).collect();
        assert_eq!(labels, ["`deny_in` has priority 4000 here", "`deny_in` comes from rule_set `base`, included here"]);
    }

    #[test]
    fn a_conflict_inside_a_rule_set_is_reported_once_however_many_nsgs_include_it() {
        let plan = format!(
            "rule_set base {{\n rule a {{ outbound deny any from any priority 300 }}\n rule b {{ outbound allow tcp 443 from any priority 300 }}\n}}\n{NSG} include = [base]\n}}\nnsg m {{\n resource_group = \"rg\"\n location = uksouth\n include = [base]\n}}\n"
        );
        assert_eq!(
            messages(&plan, "ASH211"),
            ["rules `a` and `b` of nsg `n` are both outbound with priority 300; Azure takes one rule per priority and direction"]
        );
    }
}
