//! The one diagnostic type of ashlar, made in the core and rendered at the edges.
//!
//! Every stage reports problems as [`Diagnostic`]s carrying a stable [`Code`]
//! from the [`registry`](crate::registry). Rendering lives in [`render`]: miette
//! for terminals, a stable JSON array for CI, LSP types in editors.

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

/// Declares diagnostic codes; the `///` doc comment of each becomes its `explain` text.
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
    /// The plan policy whose finding this is, by name: what `allow NAME`,
    /// `ashlar.toml` severities and `ashlar test` match, never the message.
    pub policy: Option<String>,
}

impl Diagnostic {
    pub fn new(code: &'static Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic { code, severity: code.severity, message: message.into(), span: Some(span), labels: Vec::new(), help: None, policy: None }
    }

    /// A problem that has no place in a file (an unreadable folder, say).
    pub fn global(code: &'static Code, message: impl Into<String>) -> Self {
        Diagnostic { code, severity: code.severity, message: message.into(), span: None, labels: Vec::new(), help: None, policy: None }
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label { span, message: message.into() });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Marks a finding as the named policy's.
    pub fn with_policy(mut self, name: impl Into<String>) -> Self {
        self.policy = Some(name.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics by file, position and code, so output is the same on every run.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| (d.span.map(|s| (s.file, s.start, s.end)), d.code.code);
        key(a).cmp(&key(b)).then_with(|| a.message.cmp(&b.message))
    });
}

/// "did you mean `x`?" for a misspelt name, when one candidate is close enough.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    closest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// The candidate closest to a misspelt name, when one is close enough.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score > 0.82)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}
