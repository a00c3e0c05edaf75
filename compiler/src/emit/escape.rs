//! Escaping user data for ARM JSON and for Bicep.
//!
//! Every name, location, tag and [`Prop::Str`](crate::lower::ir::Prop::Str) is
//! plain text written by the plan's author. These functions make sure that
//! ARM and Bicep read it back as that text and never as an expression.

/// A literal string as an ARM template JSON string value or object key
/// (before JSON escaping, which `serde_json` does).
///
/// ARM reads a string that starts with `[` and ends with `]` as an expression;
/// an extra leading `[` makes it a literal again (`"[[x]"` is the text `[x]`).
/// A string that starts with `[` but does not end with `]` is already a literal,
/// and ARM would keep a doubled bracket in it, so it is left alone: the same
/// rule `bicep build` follows (`'[test'` emits `"[test"`, `'[test]'` emits `"[[test]"`).
pub fn arm_literal(s: &str) -> String {
    if s.starts_with('[') && s.ends_with(']') {
        format!("[{s}")
    } else {
        s.to_string()
    }
}

/// A string literal inside an ARM expression: single-quoted, `'` doubled.
pub fn arm_expr_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A Bicep single-quoted string literal holding exactly `s`.
///
/// `\` `'` and `${` are escaped, as are newline, carriage return and tab;
/// any other control character becomes `\u{X}`.
///
/// Two more escapes keep the literal readable by the parsers that scanners
/// use (see `shared/tools/validate-bicep`), which lag the Bicep language:
/// - a `\` that ends the string is written `\u{5C}`: pycep-parser reads `\\'`
///   as an escaped quote and runs past the end of the string;
/// - a `/` that starts `//` at the beginning of the text or right after an
///   escape (blanks aside) is written `\u{2F}`: tree-sitter-bicep reads a
///   comment there and loses the closing quote.
///
/// Bicep reads both as the plain characters, so the value is unchanged.
pub fn bicep_string(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    // Whether the text since the opening quote or the last escape is blank.
    let mut blank_run = true;
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let escape = match c {
            '\\' if next.is_none() => Some("\\u{5C}".to_string()),
            '\\' => Some("\\\\".to_string()),
            '\'' => Some("\\'".to_string()),
            '$' if next == Some('{') => Some("\\$".to_string()),
            '\n' => Some("\\n".to_string()),
            '\r' => Some("\\r".to_string()),
            '\t' => Some("\\t".to_string()),
            '/' if next == Some('/') && blank_run => Some("\\u{2F}".to_string()),
            c if c.is_control() => Some(format!("\\u{{{:X}}}", u32::from(c))),
            _ => None,
        };
        match escape {
            Some(e) => {
                out.push_str(&e);
                blank_run = true;
            }
            None => {
                out.push(c);
                blank_run &= c.is_whitespace();
            }
        }
    }
    out.push('\'');
    out
}

/// Words that are safest quoted when they name an object property: Bicep's
/// keywords and literals, which some parsers do not accept as bare keys.
const BICEP_KEYWORDS: &[&str] = &[
    "as",
    "assert",
    "existing",
    "extension",
    "false",
    "for",
    "func",
    "if",
    "import",
    "in",
    "metadata",
    "module",
    "null",
    "output",
    "param",
    "provider",
    "resource",
    "targetScope",
    "test",
    "true",
    "type",
    "using",
    "var",
    "with",
];

/// `[A-Za-z_][A-Za-z0-9_]*`: usable bare as a Bicep identifier.
pub fn is_bicep_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_') && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// An object key in Bicep: bare when it is an identifier (and not a keyword),
/// otherwise a quoted string with the same escaping as [`bicep_string`].
pub fn bicep_key(s: &str) -> String {
    if is_bicep_identifier(s) && !BICEP_KEYWORDS.contains(&s) {
        s.to_string()
    } else {
        bicep_string(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arm_brackets() {
        assert_eq!(arm_literal("[concat('a')]"), "[[concat('a')]");
        assert_eq!(arm_literal("[]"), "[[]");
        assert_eq!(arm_literal("[test"), "[test");
        assert_eq!(arm_literal("a[b]"), "a[b]");
        assert_eq!(arm_literal(""), "");
        assert_eq!(arm_expr_string("it's"), "'it''s'");
    }

    #[test]
    fn bicep_strings() {
        assert_eq!(bicep_string("a'b"), r"'a\'b'");
        assert_eq!(bicep_string(r"a\b"), r"'a\\b'");
        assert_eq!(bicep_string("${x} $y $"), r"'\${x} $y $'");
        assert_eq!(bicep_string("a\nb\r\tc"), r"'a\nb\r\tc'");
        assert_eq!(bicep_string("\u{1}\u{7f}"), r"'\u{1}\u{7F}'");
        assert_eq!(bicep_string("Zürich ☃"), "'Zürich ☃'");
    }

    #[test]
    fn bicep_strings_the_parsers_can_read() {
        assert_eq!(bicep_string(r"a\"), r"'a\u{5C}'");
        assert_eq!(bicep_string(r"\\"), r"'\\\u{5C}'");
        assert_eq!(bicep_string("// x"), r"'\u{2F}/ x'");
        assert_eq!(bicep_string(" // x"), r"' \u{2F}/ x'");
        assert_eq!(bicep_string("a\n// x"), r"'a\n\u{2F}/ x'");
        assert_eq!(bicep_string("///"), r"'\u{2F}\u{2F}/'");
        assert_eq!(bicep_string("https://x/y"), "'https://x/y'");
        assert_eq!(bicep_string("a // b /* c */"), "'a // b /* c */'");
    }

    #[test]
    fn bicep_keys() {
        assert_eq!(bicep_key("cost_centre"), "cost_centre");
        assert_eq!(bicep_key("cost-centre"), "'cost-centre'");
        assert_eq!(bicep_key("a b"), "'a b'");
        assert_eq!(bicep_key("1a"), "'1a'");
        assert_eq!(bicep_key("if"), "'if'");
        assert_eq!(bicep_key(""), "''");
    }
}
