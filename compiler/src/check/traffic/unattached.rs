use crate::blocks::attach::subnets_using;
use crate::blocks::security::includes;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::NodeId;

declare_codes! {
    /// ## What it does
    /// Warns about a network security group or route table that no subnet
    /// uses, and a rule set that no network security group includes.
    ///
    /// ## Why it matters
    /// An NSG or route table is deployed but filters or routes nothing until a
    /// subnet uses it, and a rule set's rules reach Azure only through an NSG:
    /// usually a subnet's `nsg = ...` or an `include` was forgotten or misspelt.
    ///
    /// ## Example
    /// ```ashlar
    /// nsg web_nsg {
    ///   resource_group = "rg-app1-network"
    ///   rule https { inbound allow tcp 443 from Internet priority 100 }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Attach it to a subnet (`subnet web 10.1.0.0/26 { nsg = web_nsg }`), list the
    /// rule set in an NSG's `include`, or remove the block.
    pub UNATTACHED = ("ASH216", "unattached", Warning);
}

pub const CHECK: Check = Check { code: &UNATTACHED, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let mut warn = |id: NodeId, what: &str, help: String| {
        out.push(Diagnostic::new(&UNATTACHED, model.node(id).head, format!("{} {what}", model.describe(id))).with_help(help));
    };
    for (id, node) in model.of_kind("nsg") {
        if subnets_using(model, id).is_empty() {
            warn(
                id,
                "is used by no subnet: it deploys, but filters nothing",
                format!("attach it to a subnet with `nsg = {}`, or remove it", node.name()),
            );
        }
    }
    for (id, node) in model.of_kind("route_table") {
        if subnets_using(model, id).is_empty() {
            warn(
                id,
                "is used by no subnet: it deploys, but routes nothing",
                format!("attach it to a subnet with `route_table = {}`, or remove it", node.name()),
            );
        }
    }
    let included: std::collections::HashSet<NodeId> = model.of_kind("nsg").flat_map(|(nsg, _)| includes(model, nsg)).map(|(set, _)| set).collect();
    for (id, node) in model.of_kind("rule_set") {
        if !included.contains(&id) {
            warn(
                id,
                "is included by no nsg: its rules reach Azure nowhere",
                format!("add it to an nsg's `include = [{}]`, or remove it", node.name()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::diagnostics;
    use crate::diagnostic::Severity;

    #[test]
    fn unused_blocks_are_warnings_and_used_ones_pass() {
        let plan = "settings { location = uksouth }\nrule_set used { }\nrule_set spare { }\nnsg n { include = [used] }\nnsg lone { resource_group = \"rg\" }\nroute_table rt { }\nroute_table idle { resource_group = \"rg\" }\nhub core {\n resource_group = \"rg\"\n address_space = [10.0.0.0/24]\n subnet a 10.0.0.0/26 { nsg = n  route_table = rt }\n}\n";
        let found = diagnostics(plan, "ASH216");
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "rule_set `spare` is included by no nsg: its rules reach Azure nowhere",
                "nsg `lone` is used by no subnet: it deploys, but filters nothing",
                "route_table `idle` is used by no subnet: it deploys, but routes nothing",
            ]
        );
        assert!(found.iter().all(|d| d.severity == Severity::Warning));
    }
}
