use crate::check::names::naming_pattern::inside;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use std::ops::Range;

declare_codes! {
    /// ## What it does
    /// Checks the `zone` of each `private_dns` block against Azure's rule for
    /// private DNS zone names: 2 to 34 labels separated by `.`, each label 1 to
    /// 63 letters, digits, `_` and `-`, the whole at most 253 characters, with no
    /// final `.`.
    ///
    /// ## Why it matters
    /// Azure refuses the zone when the deployment reaches it, after the resources
    /// before it have been deployed; every link and endpoint record of the zone
    /// fails with it.
    ///
    /// ## Example
    /// ```ashlar
    /// private_dns blob {
    ///   resource_group = "rg-dns"
    ///   zone           = "privatelink.blob..core.windows.net."
    /// }
    /// ```
    ///
    /// ## Fix
    /// Write the zone's DNS name without the final dot, e.g.
    /// `privatelink.blob.core.windows.net`.
    pub PRIVATE_DNS_ZONE_NAME = ("ASH251", "private-dns-zone-name", Error);
}

pub const CHECK: Check = Check { code: &PRIVATE_DNS_ZONE_NAME, run };

/// One way a zone name breaks the rule: the byte range, the fact, the fix.
#[derive(Debug, PartialEq)]
struct Problem {
    range: Range<usize>,
    message: String,
    help: String,
}

const MAX_LABEL: usize = 63;
const LABELS: Range<usize> = 2..35;
const MAX_NAME: usize = 253;

fn label_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-')
}

/// Everything wrong with a zone name, in order.
fn problems(zone: &str) -> Vec<Problem> {
    let mut found = Vec::new();
    if zone.is_empty() {
        found.push(Problem {
            range: 0..0,
            message: "the zone name is empty".into(),
            help: "write the zone's DNS name, e.g. `privatelink.blob.core.windows.net`".into(),
        });
        return found;
    }
    let mut name = zone;
    if let Some(stripped) = zone.strip_suffix('.') {
        found.push(Problem {
            range: zone.len() - 1..zone.len(),
            message: format!("the zone name `{zone}` ends with `.`"),
            help: format!("remove the final `.`: Azure takes zone names without it, `{stripped}`"),
        });
        name = stripped;
    }
    let mut start = 0;
    let mut labels = 0;
    for label in name.split('.') {
        let range = start..start + label.len();
        start += label.len() + 1;
        labels += 1;
        if label.is_empty() {
            // The dot that starts or doubles: at the start of the name or before the empty label.
            let dot = if range.start == 0 { 0..1.min(name.len()) } else { range.start - 1..range.start };
            found.push(Problem {
                range: dot,
                message: format!("the zone name `{zone}` has an empty label"),
                help: "remove the extra `.`: labels are separated by one `.`".into(),
            });
            continue;
        }
        let len = label.chars().count();
        if len > MAX_LABEL {
            found.push(Problem {
                range: range.clone(),
                message: format!("the label `{label}` of zone `{zone}` has {len} characters"),
                help: format!("shorten the label to at most {MAX_LABEL} characters"),
            });
        }
        let mut bad: Vec<char> = label.chars().filter(|&c| !label_char(c)).collect();
        bad.sort_unstable();
        bad.dedup();
        if !bad.is_empty() {
            let shown: Vec<String> = bad.iter().map(|c| if *c == ' ' { "a space".to_string() } else { format!("`{c}`") }).collect();
            found.push(Problem {
                range,
                message: format!("the label `{label}` of zone `{zone}` contains {}", shown.join(", ")),
                help: "a zone's labels hold only letters, digits, `_` and `-`".into(),
            });
        }
    }
    if !LABELS.contains(&labels) {
        let plural = if labels == 1 { "label" } else { "labels" };
        found.push(Problem {
            range: 0..zone.len(),
            message: format!("the zone name `{zone}` has {labels} {plural}"),
            help: format!("a private DNS zone has {} to {} labels, such as `contoso.internal`", LABELS.start, LABELS.end - 1),
        });
    }
    let len = name.chars().count();
    if len > MAX_NAME {
        found.push(Problem {
            range: 0..zone.len(),
            message: format!("the zone name has {len} characters"),
            help: format!("a DNS name has at most {MAX_NAME} characters: shorten it"),
        });
    }
    found
}

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (_, node) in cx.model.of_kind("private_dns") {
        let (Some(zone), Some(attr)) = (node.str("zone"), node.get("zone")) else { continue };
        for problem in problems(zone) {
            let span = if problem.range.is_empty() { attr.span } else { inside(attr.span, zone, problem.range) };
            out.push(Diagnostic::new(&PRIVATE_DNS_ZONE_NAME, span, problem.message).with_help(problem.help));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(zone: &str) -> Vec<(String, String)> {
        problems(zone).into_iter().map(|p| (zone[p.range].to_string(), p.message)).collect()
    }

    #[test]
    fn real_zone_names_pass() {
        for zone in ["privatelink.blob.core.windows.net", "privatelink.vaultcore.azure.net", "corp.internal", "_msdcs.corp-1.internal"] {
            assert!(problems(zone).is_empty(), "{zone}");
        }
        let long = vec!["a"; 34].join(".");
        assert!(problems(&long).is_empty());
    }

    #[test]
    fn each_problem_is_found_at_its_place() {
        assert_eq!(found("corp.internal."), [(".".into(), "the zone name `corp.internal.` ends with `.`".into())]);
        assert_eq!(found("corp..internal"), [(".".into(), "the zone name `corp..internal` has an empty label".into())]);
        assert_eq!(found(".corp.internal")[0].0, ".");
        assert_eq!(found("co*rp.internal"), [("co*rp".into(), "the label `co*rp` of zone `co*rp.internal` contains `*`".into())]);
        assert_eq!(found("internal"), [("internal".into(), "the zone name `internal` has 1 label".into())]);
        assert_eq!(found(&vec!["a"; 35].join("."))[0].1, format!("the zone name `{}` has 35 labels", vec!["a"; 35].join(".")));
        let label = "x".repeat(64);
        assert_eq!(found(&format!("{label}.internal"))[0].1, format!("the label `{label}` of zone `{label}.internal` has 64 characters"));
        let long = vec!["x".repeat(63); 4].join(".") + ".internal";
        assert_eq!(found(&long).last().unwrap().1, "the zone name has 264 characters");
        assert_eq!(problems("")[0].message, "the zone name is empty");
    }
}
