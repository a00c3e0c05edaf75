use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId, Spanned};

declare_codes! {
    /// ## What it does
    /// Warns about a port, address or prefix listed twice in one security rule,
    /// also when a subnet's name and its prefix both appear. ashlar writes each
    /// value once.
    ///
    /// ## Why it matters
    /// A value listed twice is usually a slip for another value: a port or
    /// address that was meant to be allowed or denied is not.
    ///
    /// ## Example
    /// ```ashlar
    /// nsg web_nsg {
    ///   rule web { inbound allow tcp [80, 443, 80] from Internet priority 100 }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Remove the repeated value, or write the one that was meant.
    pub RULE_DUPLICATE_VALUE = ("ASH221", "rule-duplicate-value", Warning);
}

pub const CHECK: Check = Check { code: &RULE_DUPLICATE_VALUE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (&id, r) in &model.security_rules {
        duplicates(model, id, "port", r.ports(), out);
        duplicates(model, id, "source", r.sources(), out);
        duplicates(model, id, "destination", r.destinations(), out);
    }
}

/// Each value of a rule's list that an earlier one repeats.
fn duplicates<T: PartialEq + std::fmt::Display>(model: &Model, id: NodeId, what: &str, items: &[Spanned<T>], out: &mut Vec<Diagnostic>) {
    for (i, item) in items.iter().enumerate() {
        let Some(first) = items[..i].iter().find(|f| f.value == item.value) else { continue };
        out.push(
            Diagnostic::new(&RULE_DUPLICATE_VALUE, item.span, format!("the {what} {} is listed twice in {}", item.value, model.describe(id)))
                .with_label(first.span, "first listed here")
                .with_help("remove the repeated value, or write the one that was meant"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    #[test]
    fn repeated_ports_and_addresses_are_found_also_through_references() {
        let plan = "settings { location = uksouth }\nhub core {\n resource_group = \"rg\"\n address_space = [10.0.0.0/24]\n subnet a 10.0.0.0/26 { nsg = n }\n}\nnsg n {\n rule r { inbound allow tcp [80, 443, 80] from [core.a, 10.0.0.0/26] to [10.0.0.4, 10.0.0.5] priority 100 }\n}\n";
        assert_eq!(messages(plan, "ASH221"), ["the port 80 is listed twice in rule `n.r`", "the source 10.0.0.0/26 is listed twice in rule `n.r`"]);
    }
}
