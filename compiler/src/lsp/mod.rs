//! `ashlar lsp`: a language server over stdio, on the same [`crate::analyze`]
//! as the command line. Diagnostics for the whole plan folder on open and
//! change, hover, go to definition and completion ([`crate::ide`]). Byte
//! offsets become lines and UTF-16 columns here, and nowhere else.

use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{read_plan, InputFile, PlanInput};
use crate::source::{FileId, SourceMap, Span};
use crate::{analyze, ide, Analysis};
use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types as lsp;
use std::collections::BTreeMap;
use std::error::Error;
use std::path::{Path, PathBuf};

type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

/// Serves on standard input and output until the client says `exit`.
pub fn run_stdio() -> Result<()> {
    let (connection, threads) = Connection::stdio();
    serve(connection)?;
    threads.join()?;
    Ok(())
}

/// Serves one client over `connection`: the tests use an in-memory one.
pub fn serve(connection: Connection) -> Result<()> {
    let capabilities = lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(lsp::TextDocumentSyncKind::FULL)),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        completion_provider: Some(lsp::CompletionOptions { trigger_characters: Some(vec!["=".into(), " ".into()]), ..Default::default() }),
        ..Default::default()
    };
    let params = connection.initialize(serde_json::to_value(capabilities)?)?;
    let params: lsp::InitializeParams = serde_json::from_value(params)?;
    #[allow(deprecated)]
    let root = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .and_then(|f| uri_to_path(&f.uri))
        .or_else(|| params.root_uri.as_ref().and_then(uri_to_path));
    let mut server = Server { connection: &connection, root, open: BTreeMap::new(), published: Vec::new() };
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    return Ok(());
                }
                server.request(request)?;
            }
            Message::Notification(notification) => server.notification(notification)?,
            Message::Response(_) => {}
        }
    }
    Ok(())
}

struct Server<'a> {
    connection: &'a Connection,
    /// The plan folder: the workspace, else the folder of the first file opened.
    root: Option<PathBuf>,
    /// Open documents' text, by path; it wins over what is on disk.
    open: BTreeMap<PathBuf, String>,
    /// Files diagnostics were published for, to clear them when they are gone.
    published: Vec<PathBuf>,
}

impl Server<'_> {
    fn notification(&mut self, notification: Notification) -> Result<()> {
        use lsp::notification::Notification as _;
        match notification.method.as_str() {
            lsp::notification::DidOpenTextDocument::METHOD => {
                let p: lsp::DidOpenTextDocumentParams = serde_json::from_value(notification.params)?;
                if let Some(path) = uri_to_path(&p.text_document.uri) {
                    if self.root.is_none() {
                        self.root = path.parent().map(Path::to_path_buf);
                    }
                    self.open.insert(path, p.text_document.text);
                }
                self.publish()?;
            }
            lsp::notification::DidChangeTextDocument::METHOD => {
                let p: lsp::DidChangeTextDocumentParams = serde_json::from_value(notification.params)?;
                if let (Some(path), Some(change)) = (uri_to_path(&p.text_document.uri), p.content_changes.into_iter().last()) {
                    self.open.insert(path, change.text);
                }
                self.publish()?;
            }
            lsp::notification::DidCloseTextDocument::METHOD => {
                let p: lsp::DidCloseTextDocumentParams = serde_json::from_value(notification.params)?;
                if let Some(path) = uri_to_path(&p.text_document.uri) {
                    self.open.remove(&path);
                }
                self.publish()?;
            }
            _ => {}
        }
        Ok(())
    }

    fn request(&mut self, request: Request) -> Result<()> {
        use lsp::request::Request as _;
        let id = request.id.clone();
        let result = match request.method.as_str() {
            lsp::request::HoverRequest::METHOD => {
                let p: lsp::HoverParams = serde_json::from_value(request.params)?;
                self.at(&p.text_document_position_params, |analysis, file, offset| {
                    ide::hover(analysis, file, offset).map(|markdown| lsp::Hover {
                        contents: lsp::HoverContents::Markup(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value: markdown }),
                        range: None,
                    })
                })
                .map(|h| serde_json::to_value(h))
                .transpose()?
            }
            lsp::request::GotoDefinition::METHOD => {
                let p: lsp::GotoDefinitionParams = serde_json::from_value(request.params)?;
                self.at(&p.text_document_position_params, |analysis, file, offset| {
                    ide::definition(analysis, file, offset).and_then(|span| location(&analysis.sources, span))
                })
                .map(|l| serde_json::to_value(lsp::GotoDefinitionResponse::Scalar(l)))
                .transpose()?
            }
            lsp::request::Completion::METHOD => {
                let p: lsp::CompletionParams = serde_json::from_value(request.params)?;
                let position = &p.text_document_position;
                // The line being typed rarely parses: analyse without it, same offsets.
                let path = uri_to_path(&position.text_document.uri);
                let typed = path.as_ref().and_then(|p| self.open.get(p).cloned());
                let mut before = String::new();
                if let (Some(path), Some(text)) = (&path, &typed) {
                    let line_start = text.split_inclusive('\n').take(position.position.line as usize).map(str::len).sum::<usize>();
                    let line_end = text[line_start..].find('\n').map_or(text.len(), |i| line_start + i);
                    let line = &text[line_start..line_end];
                    let cut: usize = line
                        .chars()
                        .scan(0u32, |units, c| {
                            *units += c.len_utf16() as u32;
                            Some((*units, c.len_utf8()))
                        })
                        .take_while(|(units, _)| *units <= position.position.character)
                        .map(|(_, len)| len)
                        .sum();
                    before = line[..cut.min(line.len())].to_string();
                    let blank = format!("{}{}{}", &text[..line_start], " ".repeat(line.len()), &text[line_end..]);
                    self.open.insert(path.clone(), blank);
                }
                let items = self.at(position, |analysis, file, offset| {
                    Some(
                        ide::completions(analysis, file, offset, &before)
                            .into_iter()
                            .map(|c| lsp::CompletionItem { label: c.label, detail: Some(c.detail), ..Default::default() })
                            .collect::<Vec<_>>(),
                    )
                });
                if let (Some(path), Some(text)) = (path, typed) {
                    self.open.insert(path, text);
                }
                Some(serde_json::to_value(lsp::CompletionResponse::Array(items.unwrap_or_default()))?)
            }
            _ => {
                let error = Response::new_err(id, lsp_server::ErrorCode::MethodNotFound as i32, format!("ashlar does not answer {}", request.method));
                self.connection.sender.send(Message::Response(error))?;
                return Ok(());
            }
        };
        self.connection.sender.send(Message::Response(Response::new_ok(id, result.unwrap_or(serde_json::Value::Null))))?;
        Ok(())
    }

    /// Analyses the plan, finds the document and offset, and asks `f`.
    fn at<T>(&self, position: &lsp::TextDocumentPositionParams, f: impl FnOnce(&Analysis, FileId, usize) -> Option<T>) -> Option<T> {
        let path = uri_to_path(&position.text_document.uri)?;
        let analysis = self.analyze()?;
        let (file, source) = analysis.sources.iter().find(|(_, s)| s.path.as_deref() == Some(path.as_path()))?;
        let offset = source.offset_of_utf16(position.position.line, position.position.character);
        f(&analysis, file, offset)
    }

    /// The plan as the editor sees it: files on disk, open documents over them.
    fn analyze(&self) -> Option<Analysis> {
        let root = self.root.clone()?;
        let mut input = read_plan(&root).unwrap_or(PlanInput { root: root.clone(), files: Vec::new(), lock: None });
        for (path, text) in &self.open {
            let Ok(rel) = path.strip_prefix(&root) else { continue };
            match input.files.iter_mut().find(|f| f.path == *path) {
                Some(file) => file.bytes = text.as_bytes().to_vec(),
                None => input.files.push(InputFile {
                    name: rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"),
                    path: path.clone(),
                    bytes: text.as_bytes().to_vec(),
                }),
            }
        }
        Some(analyze(&input))
    }

    /// Publishes the diagnostics of every plan file, clearing files that have none.
    fn publish(&mut self) -> Result<()> {
        let Some(analysis) = self.analyze() else { return Ok(()) };
        let mut by_file: BTreeMap<PathBuf, Vec<lsp::Diagnostic>> = BTreeMap::new();
        for (_, source) in analysis.sources.iter() {
            if let Some(path) = &source.path {
                by_file.entry(path.clone()).or_default();
            }
        }
        for d in &analysis.diagnostics {
            let Some(span) = d.span else { continue };
            let Some(path) = analysis.sources.get(span.file).path.clone() else { continue };
            by_file.entry(path).or_default().push(to_lsp(&analysis.sources, d));
        }
        for path in std::mem::take(&mut self.published) {
            by_file.entry(path).or_default();
        }
        for (path, diagnostics) in by_file {
            let Some(uri) = path_to_uri(&path) else { continue };
            let params = lsp::PublishDiagnosticsParams { uri, diagnostics, version: None };
            let note = Notification::new(<lsp::notification::PublishDiagnostics as lsp::notification::Notification>::METHOD.into(), params);
            self.connection.sender.send(Message::Notification(note))?;
            self.published.push(path);
        }
        Ok(())
    }
}

fn range(sources: &SourceMap, span: Span) -> lsp::Range {
    let file = sources.get(span.file);
    let (sl, sc) = file.utf16_position(span.start as usize);
    let (el, ec) = file.utf16_position(span.end as usize);
    lsp::Range { start: lsp::Position { line: sl, character: sc }, end: lsp::Position { line: el, character: ec } }
}

fn location(sources: &SourceMap, span: Span) -> Option<lsp::Location> {
    let uri = path_to_uri(sources.get(span.file).path.as_deref()?)?;
    Some(lsp::Location { uri, range: range(sources, span) })
}

/// One diagnostic as the protocol has it; labels become related information.
pub fn to_lsp(sources: &SourceMap, d: &Diagnostic) -> lsp::Diagnostic {
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter_map(|l| location(sources, l.span).map(|location| lsp::DiagnosticRelatedInformation { location, message: l.message.clone() }))
        .collect();
    lsp::Diagnostic {
        range: d.span.map(|s| range(sources, s)).unwrap_or_default(),
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
            Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        }),
        code: Some(lsp::NumberOrString::String(d.code.code.into())),
        source: Some("ashlar".into()),
        message: match &d.help {
            Some(help) => format!("{}\nhelp: {help}", d.message),
            None => d.message.clone(),
        },
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

/// `file:///a%20b/c.ashlar` to `/a b/c.ashlar`.
pub fn uri_to_path(uri: &lsp::Uri) -> Option<PathBuf> {
    let text = uri.as_str().strip_prefix("file://")?;
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    Some(PathBuf::from(String::from_utf8(out).ok()?))
}

/// `/a b/c.ashlar` to `file:///a%20b/c.ashlar`.
pub fn path_to_uri(path: &Path) -> Option<lsp::Uri> {
    let mut text = String::from("file://");
    for b in path.to_str()?.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            text.push(b as char);
        } else {
            text.push_str(&format!("%{b:02X}"));
        }
    }
    text.parse().ok()
}
