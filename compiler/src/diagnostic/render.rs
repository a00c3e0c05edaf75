//! The edges: diagnostics as terminal reports (miette) and as stable JSON.

use super::{Diagnostic, Severity};
use crate::source::{SourceMap, Span};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan};
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
    // Each file's lines are found once, for all the reports that show it.
    let mut lines: Vec<Option<Vec<usize>>> = sources.iter().map(|_| None).collect();
    let spans = diagnostics.iter().flat_map(|d| d.span.iter().chain(d.labels.iter().map(|l| &l.span)));
    for span in spans {
        let slot = &mut lines[span.file.0 as usize];
        if slot.is_none() {
            *slot = Some(miette_line_starts(&sources.get(span.file).text));
        }
    }
    let source = |span: Span| {
        let file = sources.get(span.file);
        let line_starts = lines[span.file.0 as usize].as_deref().expect("lines found for every span");
        Source { name: &file.name, text: &file.text, line_starts }
    };
    render_reports(diagnostics, style, |d| Report::new(d, &source))
}

/// Renders each diagnostic's report with miette's graphical handler.
fn render_reports<'a, S: miette::SourceCode>(diagnostics: &'a [Diagnostic], style: Style, report: impl Fn(&'a Diagnostic) -> Report<S>) -> String {
    let theme = match style {
        Style::Colour => GraphicalTheme::unicode(),
        Style::Plain => GraphicalTheme::unicode_nocolor(),
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false);
    let mut out = String::new();
    for diagnostic in diagnostics {
        out.push_str(&header(diagnostic, style));
        // miette draws the report without a message of its own: its first
        // line, the empty cause line, gives way to the header above.
        let mut body = String::new();
        let mut shown = report(diagnostic);
        shown.message.clear();
        shown.code = None;
        if handler.render_report(&mut body, &shown).is_ok() {
            out.push_str(body.split_once('\n').map_or("", |(_, rest)| rest));
        }
        out.push('\n');
    }
    out
}

/// The first line of a terminal report, as rustc writes it:
/// `error[ASH211]: message` (`warning[...]`, `info[...]`), with the severity
/// coloured and the message in bold when `style` is [`Style::Colour`].
fn header(diagnostic: &Diagnostic, style: Style) -> String {
    let severity = diagnostic.severity.as_str();
    let code = diagnostic.code.code;
    match style {
        Style::Plain => format!("{severity}[{code}]: {}\n", diagnostic.message),
        Style::Colour => {
            let colour = match diagnostic.severity {
                Severity::Error => "31",
                Severity::Warning => "33",
                Severity::Info => "36",
            };
            format!("\x1b[1;{colour}m{severity}[{code}]\x1b[0m\x1b[1m: {}\x1b[0m\n", diagnostic.message)
        }
    }
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
    /// The fixes, when the plan's text allows some.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<JsonFix>,
}

/// A fix in `--format json`: its title and its edits, each a range and the text that replaces it.
#[derive(Debug, serde::Serialize)]
pub struct JsonFix {
    pub title: String,
    pub edits: Vec<JsonEdit>,
}

#[derive(Debug, serde::Serialize)]
pub struct JsonEdit {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub text: String,
}

fn json_fix(sources: &SourceMap, fix: &super::Fix) -> JsonFix {
    let edits = fix
        .edits
        .iter()
        .map(|e| {
            let file = sources.get(e.span.file);
            let (start, end) = (file.line_col(e.span.start as usize), file.line_col(e.span.end as usize));
            JsonEdit {
                file: file.name.clone(),
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                text: e.text.clone(),
            }
        })
        .collect();
    JsonFix { title: fix.title.clone(), edits }
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
                help: d.help_text(),
                fixes: d.fixes().iter().map(|f| json_fix(sources, f)).collect(),
            }
        })
        .collect()
}

pub fn render_json(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    serde_json::to_string_pretty(&to_json(sources, diagnostics)).expect("diagnostics serialise") + "\n"
}

/// Adapts a [`Diagnostic`] to miette. Labels in other files become related reports.
struct Report<S> {
    message: String,
    /// `None` for a report whose header is written before it ([`header`]).
    code: Option<&'static str>,
    severity: Severity,
    help: Option<String>,
    source: Option<S>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report<S>>,
}

impl<S> Report<S> {
    /// `source` gives the text of the file a span is in, as miette reads it.
    fn new(d: &Diagnostic, source: &impl Fn(Span) -> S) -> Report<S> {
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
                    code: Some(d.code.code),
                    severity: Severity::Info,
                    help: None,
                    source: Some(source(label.span)),
                    labels: vec![LabeledSpan::new_primary_with_span(None, to_miette(label.span))],
                    related: Vec::new(),
                });
            }
        }
        Report {
            message: d.message.clone(),
            code: Some(d.code.code),
            severity: d.severity,
            help: d.help_text(),
            source: d.span.map(source),
            labels,
            related,
        }
    }
}

/// One file's text as a report shows it. miette reads a span's lines by
/// scanning the text from its start, which made a report of many diagnostics
/// in a large file take time in proportion to both: this starts the scan a few
/// lines above the span, from the lines found once for the file, and gives
/// miette the same lines, line numbers and columns as a scan from the start.
#[derive(Clone, Copy)]
struct Source<'a> {
    name: &'a str,
    text: &'a str,
    /// Where each line starts, as miette counts lines ([`miette_line_starts`]).
    line_starts: &'a [usize],
}

/// Where each line of a text starts, as miette counts them: 0, then after
/// every `\r\n`, lone `\n` and lone `\r`.
fn miette_line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                starts.push(i + 2);
                i += 2;
            }
            b'\r' | b'\n' => {
                starts.push(i + 1);
                i += 1;
            }
            _ => i += 1,
        }
    }
    starts
}

impl miette::SourceCode for Source<'_> {
    fn read_span<'b>(
        &'b self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'b> + 'b>, miette::MietteError> {
        // miette keeps the starts of the `context_lines_before` lines above the
        // span's: starting one line further up, at a line start, it sees the
        // same lines above the span, and everything after it as before.
        let ended = self.line_starts.partition_point(|&start| start <= span.offset()) - 1;
        let first = ended.saturating_sub(context_lines_before + 1);
        let skip = self.line_starts[first];
        let shifted = miette::SourceSpan::new((span.offset() - skip).into(), span.len());
        let rest: &[u8] = &self.text.as_bytes()[skip..];
        let inner = rest.read_span(&shifted, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            miette::SourceSpan::new((inner.span().offset() + skip).into(), inner.span().len()),
            inner.line() + first,
            inner.column(),
            inner.line_count() + first,
        )))
    }
}

fn to_miette(span: Span) -> miette::SourceSpan {
    (span.start as usize, (span.end - span.start) as usize).into()
}

impl<S> fmt::Display for Report<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl<S> fmt::Debug for Report<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl<S> std::error::Error for Report<S> {}

impl<S: miette::SourceCode> miette::Diagnostic for Report<S> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code.map(|code| Box::new(code) as Box<dyn fmt::Display>)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::codes::DUPLICATE_NAME;
    use crate::source::{FileId, SourceFile};
    use miette::NamedSource;

    /// Reports as miette renders them from the whole text of each file,
    /// scanning it from the start for every span: the reference.
    fn from_whole_text(sources: &SourceMap, diagnostics: &[Diagnostic], style: Style) -> String {
        let source = |span: Span| {
            let file = sources.get(span.file);
            NamedSource::new(file.name.clone(), file.text.clone())
        };
        render_reports(diagnostics, style, |d| Report::new(d, &source))
    }

    /// Texts with every kind of line break miette knows, empty lines, lines
    /// of several bytes a character, and breaks at the very start and end.
    const TEXTS: &[&str] = &[
        "hub core {\n  address_space = [10.0.0.0/16]\n\n  subnet a 10.0.0.0/24\n}\n",
        "\r\n\r\nspoke app1 {\r\n  hub = core\r\n}\r\n",
        "a\rb\r\rc\n\rd\r\n\ne",
        "naïve = \"é名\"\n// ünïcödé\n\tx = 1\n",
        "no line break at all",
        "\n",
        "",
        "x\n\n\n\n\n\n\n\ny\n\n\n\n\nz",
    ];

    fn spans(file: FileId, text: &str, step: usize) -> Vec<Span> {
        let bounds: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
        let mut spans = Vec::new();
        for (k, &start) in bounds.iter().enumerate().step_by(step) {
            for &end in [bounds[k], bounds[(k + 1).min(bounds.len() - 1)], bounds[(k + 7).min(bounds.len() - 1)], text.len()].iter() {
                spans.push(Span::new(file, start, end));
            }
        }
        spans
    }

    #[test]
    fn reports_read_from_line_starts_equal_reports_read_from_the_top() {
        let mut sources = SourceMap::default();
        let ids: Vec<FileId> =
            TEXTS.iter().enumerate().map(|(i, t)| sources.add(SourceFile::new(format!("f{i}.ashlar"), None, t.to_string()))).collect();
        let mut diagnostics = Vec::new();
        for (&id, text) in ids.iter().zip(TEXTS) {
            let spans = spans(id, text, 1);
            for (k, &span) in spans.iter().enumerate() {
                let mut d = Diagnostic::new(&DUPLICATE_NAME, span, format!("diagnostic {k}")).with_help("help");
                // A label in the same file, before or after, and one in another file.
                if k % 3 == 0 {
                    d = d.with_label(spans[(k * 7) % spans.len()], "here too");
                }
                if k % 5 == 0 {
                    let other = ids[(id.0 as usize + 1) % ids.len()];
                    let other_spans = self::spans(other, TEXTS[other.0 as usize], 3);
                    if let Some(&s) = other_spans.get(k % other_spans.len().max(1)) {
                        d = d.with_label(s, "and in another file");
                    }
                }
                diagnostics.push(d);
            }
        }
        diagnostics.push(Diagnostic::global(&DUPLICATE_NAME, "no place"));
        for style in [Style::Plain, Style::Colour] {
            let fast = render_terminal(&sources, &diagnostics, style);
            let slow = from_whole_text(&sources, &diagnostics, style);
            if fast != slow {
                let line = fast.lines().zip(slow.lines()).position(|(a, b)| a != b).unwrap_or(0);
                panic!("reports differ from line {line}:\n{}\n---\n{}", fast.lines().nth(line).unwrap_or(""), slow.lines().nth(line).unwrap_or(""));
            }
        }
    }

    #[test]
    fn line_starts_follow_miettes_line_breaks() {
        assert_eq!(miette_line_starts("a\r\nb\rc\nd"), [0, 3, 5, 7]);
        assert_eq!(miette_line_starts("\r\r\n\n"), [0, 1, 3, 4]);
        assert_eq!(miette_line_starts(""), [0]);
    }
}
