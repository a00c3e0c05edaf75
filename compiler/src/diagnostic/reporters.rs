//! Reports for CI: SARIF 2.1.0 (code scanning), GitHub workflow annotations and
//! JUnit XML. Like the terminal and JSON renderings, they only read diagnostics.

use super::{Code, Diagnostic, Severity};
use crate::source::{LineCol, SourceFile, SourceMap, Span};
use serde_json::{json, Value};
use std::path::Path;

/// The name SARIF gives the folder that relative file URIs start from: the
/// working folder, or `--base`. GitHub code scanning reads `%SRCROOT%` as the
/// repository's root.
pub const SARIF_BASE_ID: &str = "%SRCROOT%";

/// Where a diagnostic is, as the reporters need it.
struct Place<'a> {
    source: &'a SourceFile,
    file: String,
    start: LineCol,
    end: LineCol,
}

fn place<'a>(sources: &'a SourceMap, d: &Diagnostic) -> Option<Place<'a>> {
    d.span.map(|span| place_of(sources, span))
}

fn place_of(sources: &SourceMap, span: Span) -> Place<'_> {
    let file = sources.get(span.file);
    Place { source: file, file: file.name.clone(), start: file.line_col(span.start as usize), end: file.line_col(span.end as usize) }
}

/// A section of a code's documentation, without its heading.
fn section(code: &Code, heading: &str) -> String {
    let doc = code.doc_text();
    let Some(start) = doc.find(heading) else { return String::new() };
    let body = &doc[start + heading.len()..];
    let end = body.find("\n## ").unwrap_or(body.len());
    body[..end].trim().to_string()
}

fn first_paragraph(text: &str) -> String {
    text.split("\n\n").next().unwrap_or_default().replace('\n', " ")
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// SARIF 2.1.0: one run, every code of `codes` ([`crate::registry::all`]) as a
/// rule with its documentation, one result per diagnostic; columns count
/// Unicode code points. A file named by a relative path (as
/// [`SourceMap::named_from`] names the files inside the base folder) gets a
/// URI relative to [`SARIF_BASE_ID`], which `originalUriBaseIds` sets to
/// `base`; a file named by an absolute path, an absolute `file://` URI.
pub fn render_sarif(sources: &SourceMap, diagnostics: &[Diagnostic], base: Option<&Path>, codes: &[&'static Code]) -> String {
    let rules: Vec<Value> = codes
        .iter()
        .map(|c| {
            let what = section(c, "## What it does");
            json!({
                "id": c.code,
                "name": c.name,
                "shortDescription": { "text": first_paragraph(&what) },
                "fullDescription": { "text": format!("{}\n\n{}", what, section(c, "## Why it matters")) },
                "help": { "text": section(c, "## Fix"), "markdown": c.doc_text() },
                "defaultConfiguration": { "level": sarif_level(c.severity) },
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut result = json!({
                "ruleId": d.code.code,
                "ruleIndex": codes.iter().position(|c| c.code == d.code.code).unwrap_or(0),
                "level": sarif_level(d.severity),
                "message": { "text": match d.help_text() { Some(help) => format!("{} ({})", d.message, help.replace('\n', " ")), None => d.message.clone() } },
            });
            if let Some(p) = place(sources, d) {
                result["locations"] = json!([location(&p, None)]);
            }
            let related: Vec<Value> = d
                .labels
                .iter()
                .enumerate()
                .map(|(i, label)| {
                    let mut l = location(&place_of(sources, label.span), Some(&label.message));
                    l["id"] = json!(i);
                    l
                })
                .collect();
            if !related.is_empty() {
                result["relatedLocations"] = Value::Array(related);
            }
            let fixes: Vec<Value> = d.fixes().iter().map(|fix| sarif_fix(sources, fix)).collect();
            if !fixes.is_empty() {
                result["fixes"] = Value::Array(fixes);
            }
            result
        })
        .collect();
    let mut run = json!({
        "tool": { "driver": {
            "name": "ashlar",
            "version": env!("CARGO_PKG_VERSION"),
            "informationUri": "https://github.com/ashlar-lang/ashlar",
            "rules": rules,
        } },
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if let Some(base) = base {
        let uri = file_uri(base);
        let uri = if uri.ends_with('/') { uri } else { uri + "/" };
        run["originalUriBaseIds"] = json!({ SARIF_BASE_ID: { "uri": uri } });
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    });
    serde_json::to_string_pretty(&log).expect("SARIF serialises") + "\n"
}

/// A fix as SARIF writes one: its edits as replacements of regions, by file.
fn sarif_fix(sources: &SourceMap, fix: &crate::diagnostic::Fix) -> Value {
    let mut changes: Vec<(String, Value, Vec<Value>)> = Vec::new();
    for edit in &fix.edits {
        let file = sources.get(edit.span.file);
        let (start, end) = (file.line_col(edit.span.start as usize), file.line_col(edit.span.end as usize));
        let replacement = json!({
            "deletedRegion": { "startLine": start.line, "startColumn": start.column, "endLine": end.line, "endColumn": end.column },
            "insertedContent": { "text": edit.text },
        });
        match changes.iter_mut().find(|(name, _, _)| *name == file.name) {
            Some((_, _, replacements)) => replacements.push(replacement),
            None => changes.push((file.name.clone(), artifact(file), vec![replacement])),
        }
    }
    let changes: Vec<Value> =
        changes.into_iter().map(|(_, artifact, replacements)| json!({ "artifactLocation": artifact, "replacements": replacements })).collect();
    json!({ "description": { "text": fix.title }, "artifactChanges": changes })
}

fn location(p: &Place, message: Option<&str>) -> Value {
    let mut l = json!({
        "physicalLocation": {
            "artifactLocation": artifact(p.source),
            "region": { "startLine": p.start.line, "startColumn": p.start.column, "endLine": p.end.line, "endColumn": p.end.column },
        }
    });
    if let Some(m) = message {
        l["message"] = json!({ "text": m });
    }
    l
}

/// A file as SARIF locates it: a plan file named relatively, by a URI relative
/// to [`SARIF_BASE_ID`]; one named by an absolute path (outside the base), by
/// its `file://` URI; a file of the standard library, which is on no disk, by
/// its name alone.
fn artifact(file: &SourceFile) -> Value {
    if file.path.is_none() {
        json!({ "uri": percent_encode(&file.name, false) })
    } else if Path::new(&file.name).is_absolute() {
        json!({ "uri": file_uri(Path::new(&file.name)) })
    } else {
        json!({ "uri": percent_encode(&file.name, false), "uriBaseId": SARIF_BASE_ID })
    }
}

/// The `file://` URI of an absolute path (`file:///C:/...` on Windows).
fn file_uri(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let text = if text.starts_with('/') { text } else { format!("/{text}") };
    format!("file://{}", percent_encode(&text, true))
}

/// Percent-encodes a path for a URI: every byte but letters, digits, `-._~`
/// and `/`; a `:` is kept in an absolute URI's path, and encoded in a relative
/// reference, where it would read as a scheme.
fn percent_encode(path: &str, keep_colon: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(byte as char),
            b':' if keep_colon => out.push(':'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// GitHub Actions workflow commands: `::error file=...,line=...::message`.
pub fn render_github(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut properties = vec![format!("title={}", property(&format!("{} {}", d.code.code, d.code.name)))];
        if let Some(p) = place(sources, d) {
            properties.insert(0, format!("file={}", property(&p.file)));
            properties.insert(1, format!("line={}", p.start.line));
            properties.insert(2, format!("col={}", p.start.column));
            properties.insert(3, format!("endLine={}", p.end.line));
            properties.insert(4, format!("endColumn={}", p.end.column));
        }
        let message = match d.help_text() {
            Some(help) => format!("{}\n{help}", d.message),
            None => d.message.clone(),
        };
        out.push_str(&format!("::{command} {}::{}\n", properties.join(","), data(&message)));
    }
    out
}

/// Escapes a workflow command's message.
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// JUnit XML: a test case per plan file, failing with each error or warning in it;
/// problems that belong to no file fail a case of their own.
pub fn render_junit(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let mut cases: Vec<(String, Vec<&Diagnostic>)> =
        sources.iter().filter(|(_, f)| f.path.is_some()).map(|(_, f)| (f.name.clone(), Vec::new())).collect();
    for d in diagnostics.iter().filter(|d| d.severity != Severity::Info) {
        let file = d.span.map(|s| sources.get(s.file).name.clone()).unwrap_or_else(|| "plan".into());
        match cases.iter_mut().find(|(name, _)| *name == file) {
            Some((_, list)) => list.push(d),
            None => cases.push((file, vec![d])),
        }
    }
    let failures: usize = cases.iter().filter(|(_, list)| !list.is_empty()).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!("<testsuites name=\"ashlar\" tests=\"{}\" failures=\"{failures}\">\n", cases.len()));
    out.push_str(&format!("  <testsuite name=\"ashlar check\" tests=\"{}\" failures=\"{failures}\">\n", cases.len()));
    for (file, list) in &cases {
        if list.is_empty() {
            out.push_str(&format!("    <testcase classname=\"ashlar\" name=\"{}\"/>\n", xml(file)));
            continue;
        }
        out.push_str(&format!("    <testcase classname=\"ashlar\" name=\"{}\">\n", xml(file)));
        for d in list {
            let at = place(sources, d).map(|p| format!("{}:{}:{}: ", p.file, p.start.line, p.start.column)).unwrap_or_default();
            let body = format!("{at}{}[{}]: {}\n{}", d.severity.as_str(), d.code.code, d.message, d.help_text().unwrap_or_default());
            out.push_str(&format!("      <failure type=\"{}\" message=\"{}\">{}</failure>\n", d.code.code, xml(&d.message), xml(body.trim_end())));
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// Escapes text for XML content and attributes, dropping characters XML 1.0 cannot hold.
pub fn xml(s: &str) -> String {
    s.chars()
        .filter(|c| matches!(c, '\t' | '\n' | '\r') || !c.is_control())
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            '\'' => "&apos;".to_string(),
            c => c.to_string(),
        })
        .collect()
}
