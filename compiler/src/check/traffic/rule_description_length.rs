use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a security rule whose `description` is longer than 140 characters.
    ///
    /// ## Why it matters
    /// Azure keeps at most 140 characters of a security rule's description and
    /// rejects the network security group when one is longer.
    ///
    /// ## Example
    /// ```ashlar
    /// nsg web_nsg {
    ///   rule https { inbound allow tcp 443 from Internet priority 100 description "Lets the public reach the web tier ... (150 characters)" }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Shorten the description to 140 characters or fewer; keep longer notes in
    /// a comment beside the rule.
    pub RULE_DESCRIPTION_LENGTH = ("ASH213", "rule-description-length", Error);
}

pub const CHECK: Check = Check { code: &RULE_DESCRIPTION_LENGTH, run };

/// The longest description Azure takes for a security rule.
pub const DESCRIPTION_MAX: usize = 140;

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (&id, rule) in &model.security_rules {
        let Some(description) = &rule.description else { continue };
        let len = description.value.chars().count();
        if len > DESCRIPTION_MAX {
            out.push(
                Diagnostic::new(
                    &RULE_DESCRIPTION_LENGTH,
                    description.span,
                    format!("the description of {} has {len} characters; Azure takes at most {DESCRIPTION_MAX}", model.describe(id)),
                )
                .with_help(format!(
                    "shorten it by {} character{}, or keep the longer note in a `//` comment beside the rule",
                    len - DESCRIPTION_MAX,
                    if len - DESCRIPTION_MAX == 1 { "" } else { "s" }
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(description: &str) -> String {
        format!("nsg n {{\n resource_group = \"rg\"\n location = uksouth\n rule r {{ inbound deny any from any priority 4000 description \"{description}\" }}\n}}\n")
    }

    #[test]
    fn descriptions_are_counted_in_characters() {
        assert!(messages(&plan(&"é".repeat(140)), "ASH213").is_empty());
        assert_eq!(messages(&plan(&"é".repeat(141)), "ASH213"), ["the description of rule `n.r` has 141 characters; Azure takes at most 140"]);
    }
}
