//! The one diagnostic type of ashlar, made in the core and rendered at the edges.
//!
//! Every stage reports problems as [`Diagnostic`]s carrying a stable [`Code`]
//! from the [`registry`](crate::registry). Rendering lives in [`render`]: miette
//! for terminals, a stable JSON array for CI, LSP types in editors.

pub mod codes;
pub mod render;
pub mod reporters;

use crate::source::Span;

/// How bad a finding is. Errors fail `check` and `build`; warnings do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A stable diagnostic code with its documentation (see `ashlar explain`).
#[derive(Debug)]
pub struct Code {
    /// Stable identifier, e.g. `ASH202`. Never reused for another meaning.
    pub code: &'static str,
    /// Kebab-case name, e.g. `subnet-overlap`.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// Markdown in fixed sections: what it does, why it matters, example, fix.
    pub doc: &'static str,
}

/// Declares diagnostic codes; the `///` doc comment of each becomes its
/// `explain` text. It also declares `DECLARED`, the codes of the invocation,
/// which [`crate::registry::all`] gathers: a code is never listed by hand.
#[macro_export]
macro_rules! declare_codes {
    ($( $(#[doc = $doc:literal])* pub $ident:ident = ($code:literal, $name:literal, $sev:ident); )*) => {
        $(
            $(#[doc = $doc])*
            pub const $ident: $crate::diagnostic::Code = $crate::diagnostic::Code {
                code: $code,
                name: $name,
                severity: $crate::diagnostic::Severity::$sev,
                doc: concat!($($doc, "\n"),*),
            };
        )*
        /// Every code declared here.
        #[allow(dead_code)]
        pub const DECLARED: &[&$crate::diagnostic::Code] = &[$(&$ident),*];
    };
}

impl Code {
    /// The documentation as Markdown, without the space each `///` line starts with.
    pub fn doc_text(&self) -> String {
        self.doc.lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect::<Vec<_>>().join("\n") + "\n"
    }
}

/// A secondary span with a message, e.g. "the other subnet is here".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One problem found in a plan.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub code: &'static Code,
    pub severity: Severity,
    pub message: String,
    /// Where the problem is. `None` only for problems that belong to no file.
    pub span: Option<Span>,
    pub labels: Vec<Label>,
    /// How to fix it, in one sentence.
    pub help: Option<String>,
    /// What some diagnostics carry besides their words ([`Data`]), boxed to
    /// keep every diagnostic small: most have none.
    pub data: Option<Box<Data>>,
}

/// What a diagnostic carries as data, for the features that act on it:
/// nothing of it is ever read back out of the message or the help.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Data {
    /// The plan policy whose finding this is, by name: what `allow NAME`,
    /// `ashlar.toml` severities and `ashlar test` match.
    pub policy: Option<String>,
    /// For a finding of an Azure Policy initiative's assignment (whose name is
    /// [`Self::policy`]): the member definition's reference ID, which
    /// `ashlar test` matches.
    pub azure_policy_member: Option<String>,
    /// The word the help suggests writing where the diagnostic points (a
    /// misspelt name's nearest, Azure's spelling, a value without its quotes):
    /// an editor's quick fix.
    pub replacement: Option<String>,
    /// The tag a tag policy finds missing: an editor's quick fix adds it.
    pub missing_tag: Option<String>,
    /// Lines the help suggests adding to the block the first label marks
    /// (the rules an NSG lacks): a fix inserts them ([`crate::fixes`]).
    pub added_lines: Vec<String>,
    /// Hints after the help, each a sentence of its own.
    pub hints: Vec<String>,
    /// Changes of the plan's text that resolve the diagnostic ([`crate::fixes`]).
    pub fixes: Vec<Fix>,
}

/// A change of a plan's text that resolves a diagnostic: an editor's quick
/// fix, SARIF's and JSON's `fixes`. Made in the core, as data.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Fix {
    /// What the fix does, for a menu: "Change to `core`".
    pub title: String,
    /// Applied together; they never overlap.
    pub edits: Vec<Edit>,
    /// The one obvious fix, which an editor may apply without asking.
    pub preferred: bool,
}

/// Text that replaces a span of a file; an empty span inserts.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Edit {
    #[serde(skip)]
    pub span: Span,
    pub text: String,
}

/// A help text, with the word it suggests writing instead when it suggests one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Help {
    pub text: String,
    pub replacement: Option<String>,
}

impl Help {
    /// A help that suggests writing `word` where the diagnostic points.
    pub fn replace(word: impl Into<String>, text: impl Into<String>) -> Help {
        Help { text: text.into(), replacement: Some(word.into()) }
    }

    /// The same suggestion, with more words after the help's own.
    pub fn then(self, more: &str) -> Help {
        Help { text: format!("{} {more}", self.text), ..self }
    }
}

impl From<String> for Help {
    fn from(text: String) -> Help {
        Help { text, replacement: None }
    }
}

impl From<&str> for Help {
    fn from(text: &str) -> Help {
        Help { text: text.to_string(), replacement: None }
    }
}

impl std::fmt::Display for Help {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl Diagnostic {
    pub fn new(code: &'static Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic { code, severity: code.severity, message: message.into(), span: Some(span), labels: Vec::new(), help: None, data: None }
    }

    /// A problem that has no place in a file (an unreadable folder, say).
    pub fn global(code: &'static Code, message: impl Into<String>) -> Self {
        Diagnostic { code, severity: code.severity, message: message.into(), span: None, labels: Vec::new(), help: None, data: None }
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label { span, message: message.into() });
        self
    }

    /// Sets the help, and the replacement it suggests when it suggests one.
    pub fn with_help(mut self, help: impl Into<Help>) -> Self {
        let help = help.into();
        if let Some(word) = help.replacement {
            self.data_mut().replacement = Some(word);
        }
        self.help = Some(help.text);
        self
    }

    /// Adds a hint after the help: a further sentence the reader may need.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.data_mut().hints.push(hint.into());
        self
    }

    /// Adds a fix ([`crate::fixes`] attaches those the plan's text allows).
    pub fn add_fix(&mut self, fix: Fix) {
        self.data_mut().fixes.push(fix);
    }

    /// The help and the hints after it, one a line; `None` without either.
    pub fn help_text(&self) -> Option<String> {
        let lines: Vec<&str> = self.help.iter().map(String::as_str).chain(self.hints().iter().map(String::as_str)).collect();
        (!lines.is_empty()).then(|| lines.join("\n"))
    }

    /// The hints after the help ([`Data::hints`]).
    pub fn hints(&self) -> &[String] {
        self.data.as_ref().map_or(&[], |d| &d.hints)
    }

    /// The fixes of the diagnostic ([`Data::fixes`]).
    pub fn fixes(&self) -> &[Fix] {
        self.data.as_ref().map_or(&[], |d| &d.fixes)
    }

    /// Marks a finding as the named policy's.
    pub fn with_policy(mut self, name: impl Into<String>) -> Self {
        self.data_mut().policy = Some(name.into());
        self
    }

    /// Marks an Azure Policy finding with the initiative member it is of.
    pub fn with_azure_policy_member(mut self, reference: impl Into<String>) -> Self {
        self.data_mut().azure_policy_member = Some(reference.into());
        self
    }

    /// The initiative member an Azure Policy finding is of ([`Data::azure_policy_member`]).
    pub fn azure_policy_member(&self) -> Option<&str> {
        self.data.as_ref()?.azure_policy_member.as_deref()
    }

    /// Marks a tag policy's finding with the tag it finds missing.
    pub fn with_missing_tag(mut self, tag: impl Into<String>) -> Self {
        self.data_mut().missing_tag = Some(tag.into());
        self
    }

    /// Marks the lines to add to the block the first label marks.
    pub fn with_added_lines(mut self, lines: Vec<String>) -> Self {
        if !lines.is_empty() {
            self.data_mut().added_lines = lines;
        }
        self
    }

    fn data_mut(&mut self) -> &mut Data {
        self.data.get_or_insert_with(Box::default)
    }

    /// The policy whose finding this is ([`Data::policy`]).
    pub fn policy(&self) -> Option<&str> {
        self.data.as_ref()?.policy.as_deref()
    }

    /// The word the help suggests writing instead ([`Data::replacement`]).
    pub fn replacement(&self) -> Option<&str> {
        self.data.as_ref()?.replacement.as_deref()
    }

    /// The lines to add to the block the first label marks ([`Data::added_lines`]).
    pub fn added_lines(&self) -> &[String] {
        self.data.as_ref().map_or(&[], |d| d.added_lines.as_slice())
    }

    /// The tag a tag policy finds missing ([`Data::missing_tag`]).
    pub fn missing_tag(&self) -> Option<&str> {
        self.data.as_ref()?.missing_tag.as_deref()
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Whether it is an error of reading a file's text: its syntax, encoding,
    /// nesting or a literal (`ASH001` to `ASH004`), which the rest of a plan's
    /// errors may follow from.
    pub fn is_syntax(&self) -> bool {
        [&codes::SYNTAX_ERROR, &codes::INVALID_ENCODING, &codes::NESTING_TOO_DEEP, &codes::INVALID_LITERAL].iter().any(|c| c.code == self.code.code)
    }
}

/// The code of `codes` named by its code (`ASH202`) or its name
/// (`subnet-overlap`), case-insensitively.
pub fn find_code(codes: &[&'static Code], query: &str) -> Option<&'static Code> {
    codes.iter().copied().find(|c| c.code.eq_ignore_ascii_case(query) || c.name.eq_ignore_ascii_case(query))
}

/// Sorts diagnostics so that output is the same on every run, in the order
/// they are best read: syntax errors first (what follows may be their knock-on
/// effect), then the rest by file, position and code, then the notes of what
/// did not run ([`codes::STAGES_SKIPPED`]).
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        let rank = |d: &Diagnostic| {
            if d.is_syntax() {
                0
            } else if d.code.code == codes::STAGES_SKIPPED.code {
                2
            } else {
                1
            }
        };
        let key = |d: &Diagnostic| (rank(d), d.span.map(|s| (s.file, s.start, s.end)), d.code.code);
        key(a).cmp(&key(b)).then_with(|| a.message.cmp(&b.message))
    });
}

/// "did you mean `x`?" for a misspelt name, when one candidate is close enough.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<Help> {
    closest(name, candidates).map(|c| Help::replace(c, format!("did you mean `{c}`?")))
}

/// The candidate closest to a misspelt name, when one is close enough.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    let lower_chars = lower.chars().count();
    candidates
        .into_iter()
        .filter_map(|c| near(&lower, lower_chars, &c.to_ascii_lowercase()).map(|score| (score, c)))
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// How similar a candidate must be to a misspelt name to be suggested
/// ([`jaro_winkler`]).
pub const NEAR: f64 = 0.82;

/// The similarity of a misspelt name of `name_chars` characters and a
/// candidate, when it passes [`NEAR`]. A name and a candidate of which one is
/// more than ten times as long as the other are not compared: they share at
/// most a tenth of the longer's characters, which makes Jaro's similarity at
/// most 0.7, and Winkler's prefix can raise that to no more than 0.82.
pub fn near(name: &str, name_chars: usize, candidate: &str) -> Option<f64> {
    let candidate_chars = candidate.chars().count();
    if name_chars.min(candidate_chars) * 10 < name_chars.max(candidate_chars) {
        return None;
    }
    Some(jaro_winkler(name, candidate)).filter(|&score| score > NEAR)
}

/// The Jaro-Winkler similarity of two strings, as `strsim::jaro_winkler`
/// computes it (the same matches, transpositions and arithmetic, so the same
/// number), in time linear in their length: strsim scans the whole window of
/// the second string for each character of the first, which took seconds for
/// names of 100,000 characters. Short strings still go to strsim.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    if a.len().saturating_mul(b.len()) <= 64 * 64 {
        return strsim::jaro_winkler(a, b);
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let sim = jaro(&a, &b);
    if sim > 0.7 {
        let prefix = a.iter().take(4).zip(&b).take_while(|(x, y)| x == y).count();
        sim + 0.1 * prefix as f64 * (1.0 - sim)
    } else {
        sim
    }
}

/// Jaro's similarity, matching as strsim does: each character of `a`, in
/// order, takes the first character of `b` within the window around its
/// position that is equal and not yet taken. For each character, the
/// positions where `b` has it are kept in order with a cursor: positions
/// before the cursor are taken or have left the window, which only moves
/// right, so the cursor's position, once past those left behind, is the one
/// strsim's scan finds.
fn jaro(a: &[char], b: &[char]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    } else if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    // The positions of `b` ordered by character, then position; each
    // character's run with its cursor.
    let mut order: Vec<usize> = (0..b.len()).collect();
    order.sort_by_key(|&j| (b[j], j));
    let mut runs: std::collections::HashMap<char, (usize, usize), foldhash::fast::FixedState> = Default::default();
    for (k, &j) in order.iter().enumerate() {
        runs.entry(b[j]).or_insert((k, k)).1 = k + 1;
    }
    let mut cursors: std::collections::HashMap<char, usize, foldhash::fast::FixedState> = Default::default();
    let mut a_matched = vec![false; a.len()];
    let mut b_matched = vec![false; b.len()];
    let mut matches = 0usize;
    for (i, c) in a.iter().enumerate() {
        let Some(&(start, end)) = runs.get(c) else { continue };
        let low = i.saturating_sub(window);
        let high = b.len().min(i + window + 1);
        let cursor = cursors.entry(*c).or_insert(start);
        while *cursor < end && order[*cursor] < low {
            *cursor += 1;
        }
        if *cursor < end && order[*cursor] < high {
            a_matched[i] = true;
            b_matched[order[*cursor]] = true;
            matches += 1;
            *cursor += 1;
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let in_a = a.iter().zip(&a_matched).filter(|(_, &m)| m).map(|(c, _)| c);
    let in_b = b.iter().zip(&b_matched).filter(|(_, &m)| m).map(|(c, _)| c);
    let transpositions = in_a.zip(in_b).filter(|(x, y)| x != y).count() / 2;
    ((matches as f64 / a.len() as f64) + (matches as f64 / b.len() as f64) + ((matches - transpositions) as f64 / matches as f64)) / 3.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A xorshift generator: the same strings on every run.
    fn strings(seed: u64, count: usize, max_len: usize, alphabet: &[char]) -> Vec<String> {
        let mut state = seed;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..count)
            .map(|_| {
                let len = (next() % (max_len as u64 + 1)) as usize;
                (0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect()
            })
            .collect()
    }

    #[test]
    fn jaro_winkler_gives_strsims_numbers() {
        let alphabets: [&[char]; 3] = [&['a', 'b'], &['a', 'b', 'c', 'd', 'e', '-'], &['a', 'é', '名', 'z', '_', '1', 'A']];
        for (seed, alphabet) in alphabets.iter().enumerate() {
            let words = strings(seed as u64 + 1, 120, 200, alphabet);
            for a in &words {
                for b in words.iter().take(40) {
                    let (chars_a, chars_b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                    let ours = jaro(&chars_a, &chars_b);
                    assert_eq!(ours.to_bits(), strsim::jaro(a, b).to_bits(), "jaro({a:?}, {b:?})");
                    assert_eq!(jaro_winkler(a, b).to_bits(), strsim::jaro_winkler(a, b).to_bits(), "jaro_winkler({a:?}, {b:?})");
                }
            }
        }
        // Near misses of long names: one character changed, dropped, or two swapped.
        let long: String = (0..3000).map(|k| ['a', 'b', 'c', 'x', '-'][(k * 7 + k / 5) % 5]).collect();
        let changed = format!("{}z{}", &long[..1500], &long[1501..]);
        let dropped = format!("{}{}", &long[..10], &long[11..]);
        let swapped = format!("{}{}{}{}", &long[..20], &long[21..22], &long[20..21], &long[22..]);
        for other in [&changed, &dropped, &swapped, &long[..2000].to_string()] {
            assert_eq!(jaro_winkler(&long, other).to_bits(), strsim::jaro_winkler(&long, other).to_bits());
        }
    }

    #[test]
    fn near_names_are_suggested_however_long() {
        assert_eq!(did_you_mean("app1.wbe", ["app1.web", "app2.data"]), Some(Help::replace("app1.web", "did you mean `app1.web`?")));
        assert_eq!(closest("uksoth", ["uksouth", "ukwest", "westeurope"]), Some("uksouth"));
        assert_eq!(closest("nothing_like_it", ["uksouth", "ukwest"]), None);
        for length in [100, 10_000, 200_000] {
            let name: String = (0..length).map(|k| (b'a' + ((k * 7 + k / 26) % 26) as u8) as char).collect();
            let mut misspelt = name.clone().into_bytes();
            misspelt[length / 2] = if misspelt[length / 2] == b'z' { b'y' } else { b'z' };
            let misspelt = String::from_utf8(misspelt).unwrap();
            let shorter = &name[..length / 2];
            assert_eq!(closest(&misspelt, [shorter, "core", name.as_str(), "app1"]), Some(name.as_str()), "{length} characters");
        }
    }

    #[test]
    fn names_of_very_different_lengths_are_never_near() {
        // Whatever is left out could not have passed: every candidate up to
        // ten times as long, or as short, is scored as before.
        for (name, candidate) in [("ab", "abcdefghijklmnopqrstu"), ("abcdefghijklmnopqrstu", "ab"), ("a", "aaaaaaaaaaa")] {
            assert!(strsim::jaro_winkler(name, candidate) <= NEAR);
            assert_eq!(near(name, name.chars().count(), candidate), None);
        }
        assert!(near("appgateway", 10, "appgateway1").is_some());
    }
}
