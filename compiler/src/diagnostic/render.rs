//! The edges: diagnostics as terminal reports (miette) and as stable JSON.

use super::{Diagnostic, Severity};
use crate::source::{SourceMap, Span};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use std::fmt;

/// How to draw terminal reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Colours and Unicode box drawing, for an interactive terminal.
    Colour,
    /// Unicode box drawing without colour (NO_COLOR, pipes, snapshots).
    Plain,
}

/// Renders diagnostics as miette reports, one after another.
pub fn render_terminal(sources: &SourceMap, diagnostics: &[Diagnostic], style: Style) -> String {
    let theme = match style {
        Style::Colour => GraphicalTheme::unicode(),
        Style::Plain => GraphicalTheme::unicode_nocolor(),
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let report = Report::new(sources, diagnostic);
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&format!("{}: {}\n", diagnostic.code.code, diagnostic.message));
        }
        out.push('\n');
    }
    out
}

/// One line per diagnostic: `file:line:col: severity[CODE]: message`.
pub fn render_short(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let place = match d.span {
            Some(span) => {
                let file = sources.get(span.file);
                let lc = file.line_col(span.start as usize);
                format!("{}:{}:{}: ", file.name, lc.line, lc.column)
            }
            None => String::new(),
        };
        out.push_str(&format!("{place}{}[{}]: {}\n", d.severity.as_str(), d.code.code, d.message));
    }
    out
}

/// One diagnostic in the stable JSON shape of `--format json`.
#[derive(Debug, serde::Serialize)]
pub struct JsonDiagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub end_line: Option<usize>,
    pub end_column: Option<usize>,
    pub help: Option<String>,
}

pub fn to_json(sources: &SourceMap, diagnostics: &[Diagnostic]) -> Vec<JsonDiagnostic> {
    diagnostics
        .iter()
        .map(|d| {
            let place = d.span.map(|span| {
                let file = sources.get(span.file);
                (file.name.clone(), file.line_col(span.start as usize), file.line_col(span.end as usize))
            });
            JsonDiagnostic {
                code: d.code.code,
                severity: d.severity,
                message: d.message.clone(),
                file: place.as_ref().map(|p| p.0.clone()),
                line: place.as_ref().map(|p| p.1.line),
                column: place.as_ref().map(|p| p.1.column),
                end_line: place.as_ref().map(|p| p.2.line),
                end_column: place.as_ref().map(|p| p.2.column),
                help: d.help.clone(),
            }
        })
        .collect()
}

pub fn render_json(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    serde_json::to_string_pretty(&to_json(sources, diagnostics)).expect("diagnostics serialise") + "\n"
}

/// Adapts a [`Diagnostic`] to miette. Labels in other files become related reports.
struct Report {
    message: String,
    code: &'static str,
    severity: Severity,
    help: Option<String>,
    source: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl Report {
    fn new(sources: &SourceMap, d: &Diagnostic) -> Report {
        let mut labels = Vec::new();
        let mut related = Vec::new();
        if let Some(span) = d.span {
            labels.push(LabeledSpan::new_primary_with_span(None, to_miette(span)));
        }
        for label in &d.labels {
            if Some(label.span.file) == d.span.map(|s| s.file) {
                labels.push(LabeledSpan::new_with_span(Some(label.message.clone()), to_miette(label.span)));
            } else {
                related.push(Report {
                    message: label.message.clone(),
                    code: d.code.code,
                    severity: Severity::Info,
                    help: None,
                    source: Some(named_source(sources, label.span)),
                    labels: vec![LabeledSpan::new_primary_with_span(None, to_miette(label.span))],
                    related: Vec::new(),
                });
            }
        }
        Report {
            message: d.message.clone(),
            code: d.code.code,
            severity: d.severity,
            help: d.help.clone(),
            source: d.span.map(|span| named_source(sources, span)),
            labels,
            related,
        }
    }
}

fn named_source(sources: &SourceMap, span: Span) -> NamedSource<String> {
    let file = sources.get(span.file);
    NamedSource::new(file.name.clone(), file.text.clone())
}

fn to_miette(span: Span) -> miette::SourceSpan {
    (span.start as usize, (span.end - span.start) as usize).into()
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|r| r as &dyn miette::Diagnostic)))
        }
    }
}
