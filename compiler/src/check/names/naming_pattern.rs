use crate::blocks::naming::{ABBREVIATIONS, PLACEHOLDERS};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::model::{Node, Typed};
use crate::source::Span;

declare_codes! {
    /// ## What it does
    /// Reports a pattern of the `naming` block that uses a placeholder ashlar does
    /// not know, a placeholder that has no value in that pattern (`{remote}`
    /// exists only in `peering`, `{vnet}` in `peering` and `private_dns_link`),
    /// or a `{` or `}` without its partner.
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
    /// Use `{name}`, `{type}` and `{location}` in every pattern, `{vnet}` and
    /// `{remote}` in `peering`, `{vnet}` in `private_dns_link`; close every `{`.
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
        "peering" => PLACEHOLDERS,
        "private_dns_link" => &["name", "type", "vnet", "location"],
        _ => &["name", "type", "location"],
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
pub(in crate::check) fn is_sound(naming: Option<&Node>, attr: &str) -> bool {
    let Some(naming) = naming else { return true };
    match naming.str(attr) {
        Some(pattern) => problems(attr, pattern).is_empty(),
        None if crate::blocks::naming::OWN_PATTERN_ONLY.contains(&attr) => true,
        None => naming.str("pattern").is_none_or(|pattern| problems("pattern", pattern).is_empty()),
    }
}

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
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
        for problem in problems(attr_name, pattern) {
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
        assert_eq!(found[0].help.text, "did you mean `name`? A `virtual_network` pattern may use `{name}`, `{type}` and `{location}`");
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
}
