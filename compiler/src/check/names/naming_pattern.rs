use crate::blocks::naming::{ABBREVIATIONS, PLACEHOLDERS};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::model::Typed;
use crate::source::Span;

declare_codes! {
    /// ## What it does
    /// Reports a pattern of the `naming` block, or of a block's own `names`,
    /// that uses a placeholder ashlar does not know, a placeholder that has no
    /// value in that pattern (`{remote}` exists only in `peering`, `{vnet}` in
    /// `peering` and `private_dns_link`, `{index}` in `virtual_machine` and
    /// `network_interface`), `{environment}` when `settings` has no
    /// `environment`, `{region}` when a region of the plan has no code, or a
    /// `{` or `}` without its partner; and a key of `names` that is no pattern
    /// of what the block deploys.
    ///
    /// ## Why it matters
    /// ashlar fills in only the placeholders it knows; anything else would reach
    /// Azure as literal text such as `{nmae}` in every derived name, and Azure
    /// rejects names with braces.
    ///
    /// ## Example
    /// ```ashlar
    /// naming corp {
    ///   virtual_network = "vnet-{nmae}"
    ///   subnet          = "snet-{name"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Use `{name}`, `{type}`, `{location}`, `{region}`, `{environment}` and
    /// `{hash}` in every pattern, `{vnet}` and `{remote}` in `peering`, `{vnet}`
    /// in `private_dns_link`, `{index}` in the machines' patterns; give
    /// `settings.environment`, and `naming.region_codes` for a region
    /// Microsoft's geo-code list lacks; close every `{`.
    pub NAMING_PATTERN = ("ASH303", "naming-pattern", Error);
}

pub const CHECK: Check = Check { code: &NAMING_PATTERN, run };

/// The pattern attributes of a `naming` block, in the order of [`ABBREVIATIONS`].
fn patterns() -> impl Iterator<Item = &'static str> + Clone {
    ABBREVIATIONS.iter().map(|(attr, _)| *attr)
}

/// The placeholders that have a value in one pattern.
fn allowed(pattern: &str) -> &'static [&'static str] {
    match pattern {
        "peering" => &["name", "type", "vnet", "remote", "location", "region", "environment", "hash"],
        "private_dns_link" => &["name", "type", "vnet", "location", "region", "environment", "hash"],
        indexed if crate::blocks::naming::INDEXED.contains(&indexed) => &["name", "type", "location", "region", "environment", "hash", "index"],
        _ => &["name", "type", "location", "region", "environment", "hash"],
    }
}

/// The patterns where a placeholder has a value, in words: "the `peering` pattern".
fn homes(placeholder: &str) -> String {
    let homes: Vec<String> = patterns().filter(|p| allowed(p).contains(&placeholder)).map(|p| format!("`{p}`")).collect();
    match homes.as_slice() {
        [one] => format!("the {one} pattern"),
        [rest @ .., last] => format!("the {} and {last} patterns", rest.join(", ")),
        [] => "no pattern".to_string(),
    }
}

/// One thing wrong with a pattern: a byte range in it and what is wrong.
#[derive(Debug, PartialEq)]
struct Problem {
    range: std::ops::Range<usize>,
    message: String,
    help: crate::diagnostic::Help,
}

/// Everything wrong with the pattern of attribute `attr`, in order.
fn problems(attr: &str, pattern: &str) -> Vec<Problem> {
    let mut found = Vec::new();
    let allowed = allowed(attr);
    let listed = match allowed.iter().map(|p| format!("`{{{p}}}`")).collect::<Vec<_>>().as_slice() {
        [rest @ .., last] if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        all => all.join(""),
    };
    let mut rest = 0;
    while let Some(at) = pattern[rest..].find(['{', '}']).map(|i| rest + i) {
        if pattern.as_bytes()[at] == b'}' {
            found.push(Problem {
                range: at..at + 1,
                message: format!("the `{attr}` pattern \"{pattern}\" has a `}}` with no `{{` before it"),
                help: format!("remove the `}}`, or open the placeholder with `{{`: a `{attr}` pattern may use {listed}").into(),
            });
            rest = at + 1;
            continue;
        }
        // The placeholder runs to the next brace, which must close it.
        let close = pattern[at + 1..].find(['{', '}']).map(|i| at + 1 + i);
        let Some(close) = close.filter(|&c| pattern.as_bytes()[c] == b'}') else {
            found.push(Problem {
                range: at..at + 1,
                message: format!("the `{attr}` pattern \"{pattern}\" has a `{{` that is never closed"),
                help: format!("close the placeholder with `}}`: a `{attr}` pattern may use {listed}").into(),
            });
            rest = at + 1;
            continue;
        };
        let name = &pattern[at + 1..close];
        if !allowed.contains(&name) {
            let (message, help) = if PLACEHOLDERS.contains(&name) {
                (
                    format!("`{{{name}}}` has no value in the `{attr}` pattern \"{pattern}\""),
                    format!("`{{{name}}}` has a value only in {}; a `{attr}` pattern may use {listed}", homes(name)).into(),
                )
            } else {
                let help = match did_you_mean(name, allowed.iter().copied()) {
                    Some(hint) => hint.then(&format!("A `{attr}` pattern may use {listed}")),
                    None => format!("a `{attr}` pattern may use {listed}").into(),
                };
                (format!("`{{{name}}}` is not a placeholder of the `{attr}` pattern \"{pattern}\""), help)
            };
            found.push(Problem { range: at..close + 1, message, help });
        }
        rest = close + 1;
    }
    found
}

/// Whether the pattern of `attr` is free of problems, so names derived from it are worth checking.
pub(in crate::check) fn is_sound(model: &crate::model::Model, attr: &str) -> bool {
    let Some(naming) = model.unique("naming") else { return true };
    let sound = |attr: &str, pattern: &str| problems(attr, pattern).is_empty() && plan_problems(model, attr, pattern).is_empty();
    match naming.str(attr) {
        Some(pattern) => sound(attr, pattern),
        None if crate::blocks::naming::OWN_PATTERN_ONLY.contains(&attr) => true,
        None => naming.str("pattern").is_none_or(|pattern| sound("pattern", pattern)),
    }
}

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    own_names(cx, out);
    let Some(naming) = cx.model.unique("naming") else {
        return;
    };
    for attr_name in patterns().chain(["pattern"]) {
        let Some(attr) = naming.get(attr_name) else {
            continue;
        };
        let Typed::Str(pattern) = &attr.value else {
            continue;
        };
        for problem in problems(attr_name, pattern).into_iter().chain(plan_problems(cx.model, attr_name, pattern)) {
            let span = inside(attr.span, pattern, problem.range);
            out.push(Diagnostic::new(&NAMING_PATTERN, span, problem.message).with_help(problem.help));
        }
    }
    for (key, entry) in naming.map("abbreviations").into_iter().flatten() {
        if !patterns().any(|p| p == key) {
            let help = match did_you_mean(key, patterns()) {
                Some(hint) => hint.then("Abbreviations are given by the pattern's attribute, such as `virtual_network`"),
                None => format!("abbreviations are given by the pattern's attribute: {}", patterns().collect::<Vec<_>>().join(", ")).into(),
            };
            out.push(
                Diagnostic::new(&NAMING_PATTERN, entry.span, format!("`{key}` is not a pattern of a `naming` block, so it has no `{{type}}`"))
                    .with_help(help),
            );
        }
    }
}

/// The blocks' own `names`: each key a pattern of what the block deploys, each
/// pattern sound.
fn own_names(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.nodes_with_ids() {
        let Some(names) = node.map(crate::blocks::naming::NAMES) else { continue };
        let keys = crate::schema::names_of(node.kind.kind);
        for (key, entry) in names {
            if !keys.contains(&key.as_str()) {
                let listed = keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
                let help = match did_you_mean(key, keys.iter().copied()) {
                    Some(hint) => hint.then(&format!("The `names` of a {} take {listed}", node.kind.kind)),
                    None => format!("the `names` of a {} take {listed}", node.kind.kind).into(),
                };
                out.push(Diagnostic::new(&NAMING_PATTERN, entry.span, format!("{} deploys no `{key}` to name", model.describe(id))).with_help(help));
                continue;
            }
            let pattern = &entry.value;
            for problem in problems(key, pattern).into_iter().chain(plan_problems(model, key, pattern)) {
                // The entry's span covers `key = "value"`: point at it whole.
                out.push(Diagnostic::new(&NAMING_PATTERN, entry.span, problem.message).with_help(problem.help));
            }
        }
    }
}

/// What the plan lacks for a pattern's placeholders: `settings.environment`
/// for `{environment}`, a code for each of the plan's regions for `{region}`.
fn plan_problems(model: &crate::model::Model, attr: &str, pattern: &str) -> Vec<Problem> {
    let mut found = Vec::new();
    if let Some(at) = pattern.find("{environment}") {
        if model.unique("settings").and_then(|s| s.str("environment")).is_none() {
            found.push(Problem {
                range: at..at + "{environment}".len(),
                message: format!("the `{attr}` pattern \"{pattern}\" uses `{{environment}}`, but `settings` has no `environment`"),
                help: "add `environment = \"prod\"` (or the plan's own) to `settings`".into(),
            });
        }
    }
    if let Some(at) = pattern.find("{region}") {
        let mut missing: Vec<&str> = model
            .nodes_with_ids()
            .filter_map(|(id, _)| model.location(id))
            .filter(|r| crate::blocks::naming::region_code(model, r) == "{region}")
            .collect();
        missing.sort_unstable();
        missing.dedup();
        if let Some(first) = missing.first() {
            found.push(Problem {
                range: at..at + "{region}".len(),
                message: format!(
                    "the `{attr}` pattern \"{pattern}\" uses `{{region}}`, but Microsoft's geo-code list has no code for {}",
                    missing.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ")
                ),
                help: format!("give the plan's own in the `naming` block: `region_codes {{ {first} = \"...\" }}`").into(),
            });
        }
    }
    found
}

/// The span of a byte range of a string's value, when the literal was written
/// without escapes (its span is then the value in quotes); else the whole literal.
pub(in crate::check) fn inside(literal: Span, value: &str, range: std::ops::Range<usize>) -> Span {
    if (literal.end - literal.start) as usize != value.len() + 2 || value.contains(['"', '\\']) {
        return literal;
    }
    let start = literal.start as usize + 1;
    Span::new(literal.file, start + range.start, start + range.end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::test_support::diagnostics;

    fn ranges(attr: &str, pattern: &str) -> Vec<(usize, usize)> {
        problems(attr, pattern).into_iter().map(|p| (p.range.start, p.range.end)).collect()
    }

    #[test]
    fn known_placeholders_are_sound() {
        assert!(problems("virtual_network", "vnet-{name}-{location}").is_empty());
        assert!(problems("peering", "peer-{vnet}-to-{remote}").is_empty());
        assert!(problems("subnet", "plain").is_empty());
    }

    #[test]
    fn unknown_misplaced_and_unbalanced_placeholders_are_found_in_order() {
        assert_eq!(ranges("subnet", "{nmae}-{vnet}"), [(0, 6), (7, 13)]);
        assert_eq!(ranges("subnet", "a}{name"), [(1, 2), (2, 3)]);
        assert_eq!(ranges("subnet", "{{name}"), [(0, 1)]);
        assert_eq!(ranges("subnet", "{}"), [(0, 2)]);
    }

    #[test]
    fn a_misspelt_placeholder_gets_a_suggestion() {
        let found = problems("virtual_network", "vnet-{nmae}");
        assert_eq!(
            found[0].help.text,
            "did you mean `name`? A `virtual_network` pattern may use `{name}`, `{type}`, `{location}`, `{region}`, `{environment}` and `{hash}`"
        );
        assert_eq!(found[0].help.replacement.as_deref(), Some("name"));
    }

    #[test]
    fn the_diagnostic_points_inside_the_string_unless_it_has_escapes() {
        let plan = "settings { location = uksouth }\nnaming corp {\n  subnet = \"snet-{nmae}\"\n  peering = \"p-\\{{vnet}-{x}\"\n}\n";
        let found = diagnostics(plan, "ASH303");
        assert_eq!(found.len(), 3, "{found:?}");
        let spans: Vec<u32> = found.iter().map(|d| d.span.unwrap().end - d.span.unwrap().start).collect();
        // `{nmae}` exactly; the escaped literal as a whole, twice.
        assert_eq!(spans, [6, 16, 16]);
    }

    #[test]
    fn plan_placeholders_need_what_fills_them() {
        let messages = |settings: &str, naming: &str| -> Vec<String> {
            let plan = format!("settings {{\n location = italynorth\n {settings}\n}}\nnaming corp {{\n {naming}\n}}\n");
            diagnostics(&plan, "ASH303").into_iter().map(|d| d.message).collect()
        };
        assert_eq!(
            messages("", "subnet = \"snet-{name}-{environment}\""),
            ["the `subnet` pattern \"snet-{name}-{environment}\" uses `{environment}`, but `settings` has no `environment`"]
        );
        assert!(messages("environment = \"prod\"", "subnet = \"snet-{name}-{environment}\"").is_empty());
        assert_eq!(
            messages("", "subnet = \"snet-{name}-{region}\""),
            ["the `subnet` pattern \"snet-{name}-{region}\" uses `{region}`, but Microsoft's geo-code list has no code for `italynorth`"]
        );
        assert!(messages("", "subnet = \"snet-{name}-{region}\"\n region_codes { italynorth = \"itn\" }").is_empty());
        assert_eq!(messages("", "subnet = \"snet-{name}-{index}\""), ["`{index}` has no value in the `subnet` pattern \"snet-{name}-{index}\""]);
        assert!(messages("", "virtual_machine = \"vm-{name}-{index}\"").is_empty());
    }

    #[test]
    fn a_blocks_own_names_are_patterns_of_what_it_deploys() {
        let plan = "settings { location = uksouth }\nvnet app {\n resource_group = \"rg\"\n address_space = [10.0.0.0/24]\n names {\n  virtual_netwrok = \"x\"\n  peering = \"p-{nmae}\"\n }\n}\n";
        let found: Vec<(String, String)> = diagnostics(plan, "ASH303").into_iter().map(|d| (d.message, d.help.unwrap_or_default())).collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, "vnet `app` deploys no `virtual_netwrok` to name");
        assert!(found[0].1.starts_with("did you mean `virtual_network`?"), "{}", found[0].1);
        assert_eq!(found[1].0, "`{nmae}` is not a placeholder of the `peering` pattern \"p-{nmae}\"");
    }
}
