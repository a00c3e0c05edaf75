//! `ashlar lsp`: a language server over stdio, on the same [`crate::analyze`]
//! as the command line. Diagnostics for each plan on open and change; hover,
//! go to definition, completion (with kinds, documentation and snippets),
//! signature help, references, document highlight, rename, document and
//! workspace symbols, folding ranges, inlay hints, semantic tokens, formatting
//! of a document or a range, and quick fixes ([`crate::ide`]). Byte offsets
//! become lines and UTF-16 columns here, and nowhere else.
//!
//! Which files form a plan is [`crate::load`]'s rule: a file's plan is rooted
//! at the nearest folder holding `ashlar.toml` or `ashlar.lock`, else at its
//! own folder. The server keeps one analysis per plan root (the workspace
//! folder's plan, and the plan of each file opened); a change re-analyses its
//! own plan only, once, when no other message waits (a burst of keystrokes is
//! analysed once), and every request answers from that analysis. An analysis
//! is given up between two of its stages when a message comes meanwhile: the
//! latest text wins, and no result of a superseded text is published. Text
//! arrives by incremental sync (ranges in UTF-16 columns, [`apply_change`]);
//! only the files whose diagnostics changed, or whose open document's version
//! did, are published again. A panic anywhere in the compiler becomes an error reply or a log
//! message: the server keeps serving.
//!
//! Messages are read off the byte stream by [`framing`], not by `lsp-server`:
//! a message may be at most [`framing::MAX_MESSAGE_BYTES`] (128 MiB), and
//! broken input (malformed headers, a body that is not JSON or not a message)
//! is skipped or answered with a JSON-RPC error, and reading goes on; so is a
//! larger `Content-Length`, whose body is skipped. Only the input ending inside
//! a message stops the server, with an error. `exit` without `shutdown` ends
//! it with exit code 1, as the protocol has it ([`Ended`]).

use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{read_plan, InputFile, PlanInput};
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::{ide, Analysis};
pub mod framing;

use framing::{Decoded, Frame, FrameReader};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types as lsp;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::error::Error;
use std::io::{BufRead, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

/// Serves on standard input and output until the client says `exit`; what
/// the server skips is logged on standard error.
pub fn run_stdio() -> Result<Ended> {
    serve_io_until(std::io::BufReader::new(std::io::stdin()), std::io::stdout(), |line| eprintln!("ashlar lsp: {line}"))
}

/// How serving ended, when it ended well.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    /// `exit` after `shutdown`: exit code 0.
    Exit,
    /// `exit` before any `shutdown`: exit code 1, as the protocol has it.
    ExitWithoutShutdown,
    /// The client's side went away (the input ended between messages).
    Closed,
}

/// Serves one client that speaks over a byte stream, `Content-Length` framed,
/// until it says `exit` or the stream ends. Input that is not a message is
/// skipped, and `log` told why; a body that is not a message is answered
/// with a JSON-RPC error. An error is returned when the input cannot be read
/// on (a message over [`framing::MAX_MESSAGE_BYTES`], the input ending inside
/// a message), or the output cannot be written.
pub fn serve_io<R, W, L>(input: R, output: W, log: L) -> Result<()>
where
    R: BufRead + Send + 'static,
    W: Write + Send + 'static,
    L: Fn(&str) + Send + 'static,
{
    serve_io_until(input, output, log).map(|_| ())
}

/// [`serve_io`], saying how serving ended.
pub fn serve_io_until<R, W, L>(input: R, output: W, log: L) -> Result<Ended>
where
    R: BufRead + Send + 'static,
    W: Write + Send + 'static,
    L: Fn(&str) + Send + 'static,
{
    let output = Arc::new(Mutex::new(output));
    let (server, client) = Connection::memory();
    let Connection { sender: to_server, receiver: from_server } = client;
    let reader = {
        let output = Arc::clone(&output);
        std::thread::Builder::new()
            .name("ashlar-lsp-reader".into())
            .spawn(move || read_messages(input, |message| to_server.send(message).is_ok(), &output, &log))?
    };
    let writer = {
        let output = Arc::clone(&output);
        std::thread::Builder::new().name("ashlar-lsp-writer".into()).spawn(move || -> std::io::Result<()> {
            for message in from_server {
                write_frame(&output, &framing::message_frame(&message)?)?;
            }
            Ok(())
        })?
    };
    // Dropping the server's side of the connection ends the writer, once it
    // has written what is left.
    let served = serve_until(server);
    let written = writer.join().unwrap_or_else(|_| Err(std::io::Error::other("the writer failed")));
    // The reader stops at `exit`, at the end of the input, or on an error
    // (which is why the server stopped, then). After a failure of the
    // server's own it may wait on input that never comes: it is left.
    if served.is_ok() || reader.is_finished() {
        reader.join().unwrap_or_else(|_| Err(std::io::Error::other("the reader failed")))?;
    }
    let ended = served?;
    written?;
    Ok(ended)
}

/// Reads frames off `input` and hands the messages to the server (`send`
/// is false once it is gone), until `exit`, the end of the input, or an error.
fn read_messages<R: BufRead, W: Write>(input: R, send: impl Fn(Message) -> bool, output: &Mutex<W>, log: &dyn Fn(&str)) -> std::io::Result<()> {
    let mut frames = FrameReader::new(input);
    loop {
        let frame = match frames.next_frame() {
            Ok(Some(frame)) => frame,
            Ok(None) => return Ok(()),
            Err(error) => return Err(error),
        };
        match frame {
            Frame::Skipped(why) => log(&format!("skipped input that is not a message: {why}")),
            Frame::TooLarge(why) => {
                // Told to the client too: it may show it. Its id is in the body, unread.
                let message = format!("{why}; its body is skipped");
                log(&format!("refused a message: {message}"));
                write_frame(output, &framing::error_frame(&Value::Null, ErrorCode::InvalidRequest as i32, &message))?;
            }
            Frame::Body(body) => match framing::decode(&body) {
                Decoded::Message(message) => {
                    let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                    if !send(message) || exit {
                        return Ok(());
                    }
                }
                Decoded::Refused { id, code, message } => {
                    log(&format!("answered a message with an error: {message}"));
                    write_frame(output, &framing::error_frame(&id, code, &message))?;
                }
                Decoded::Ignored(why) => log(&format!("ignored a message: {why}")),
            },
        }
    }
}

/// Writes one framed message whole, and flushes it.
fn write_frame<W: Write>(output: &Mutex<W>, bytes: &[u8]) -> std::io::Result<()> {
    let mut output = output.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    output.write_all(bytes)?;
    output.flush()
}

/// What the server answers, as it tells the client on `initialize`.
pub fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(lsp::TextDocumentSyncKind::INCREMENTAL)),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions { prepare_provider: Some(true), work_done_progress_options: Default::default() })),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(lsp::CodeActionOptions {
            code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        completion_provider: Some(lsp::CompletionOptions { trigger_characters: Some(vec!["=".into(), " ".into()]), ..Default::default() }),
        inlay_hint_provider: Some(lsp::OneOf::Left(true)),
        semantic_tokens_provider: Some(lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(lsp::SemanticTokensOptions {
            legend: token_legend(),
            full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
            range: None,
            work_done_progress_options: Default::default(),
        })),
        signature_help_provider: Some(lsp::SignatureHelpOptions {
            trigger_characters: Some(vec!["(".into(), ",".into()]),
            retrigger_characters: None,
            work_done_progress_options: Default::default(),
        }),
        folding_range_provider: Some(lsp::FoldingRangeProviderCapability::Simple(true)),
        document_highlight_provider: Some(lsp::OneOf::Left(true)),
        document_range_formatting_provider: Some(lsp::OneOf::Left(true)),
        ..Default::default()
    }
}

/// The server's name and version, as it tells the client on `initialize`.
pub fn server_info() -> lsp::ServerInfo {
    lsp::ServerInfo { name: "ashlar".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }
}

/// The token types and modifiers of semantic tokens, in the order their
/// numbers refer to: a kind of block is a `keyword`, an attribute's key a
/// `property`, a block's name a `variable` (with `declaration` where it is
/// declared), a region, a SKU or another word of a fixed set an `enumMember`
/// (with `region` or `sku`), a function's name a `function`.
pub fn token_legend() -> lsp::SemanticTokensLegend {
    use lsp::{SemanticTokenModifier as M, SemanticTokenType as T};
    lsp::SemanticTokensLegend {
        token_types: vec![T::KEYWORD, T::PROPERTY, T::VARIABLE, T::ENUM_MEMBER, T::FUNCTION],
        token_modifiers: vec![M::DECLARATION, M::new("region"), M::new("sku")],
    }
}

/// A token kind's type and modifiers, as numbers of [`token_legend`].
fn token_type(kind: ide::TokenKind) -> (u32, u32) {
    use ide::TokenKind as K;
    match kind {
        K::Kind => (0, 0),
        K::Attribute => (1, 0),
        K::Declaration => (2, 1),
        K::Reference => (2, 0),
        K::EnumWord => (3, 0),
        K::Region => (3, 1 << 1),
        K::Sku => (3, 1 << 2),
        K::Function => (4, 0),
    }
}

/// Serves one client over `connection`: the tests use an in-memory one.
/// Before `initialize`, requests are refused and notifications dropped; after
/// `shutdown`, requests are refused; `exit` ends it, and so does the client's
/// side of the connection going away.
pub fn serve(connection: Connection) -> Result<()> {
    serve_until(connection).map(|_| ())
}

/// [`serve`], saying how serving ended.
pub fn serve_until(connection: Connection) -> Result<Ended> {
    let mut server = Server {
        connection: &connection,
        stage: Stage::Starting,
        workspace: None,
        open: BTreeMap::new(),
        plans: BTreeMap::new(),
        published: BTreeMap::new(),
    };
    while let Ok(message) = connection.receiver.recv() {
        let starting = server.stage == Stage::Starting;
        match message {
            Message::Request(request) => server.request(request)?,
            Message::Notification(notification) if notification.method == "exit" => {
                return Ok(if server.stage == Stage::ShuttingDown { Ended::Exit } else { Ended::ExitWithoutShutdown });
            }
            Message::Notification(notification) => server.notification(notification),
            Message::Response(_) => {}
        }
        // Analyse once the burst of messages is handled, not on every keystroke
        // of it; not before `initialize` is answered and another message came.
        let serving = matches!(server.stage, Stage::Initialized | Stage::Running);
        // A message that comes meanwhile supersedes the analysis: it is given
        // up, and made again once that message is handled (the latest text wins).
        if !starting && serving && server.stale() && connection.receiver.is_empty() {
            server.refresh(true)?;
        }
    }
    Ok(Ended::Closed)
}

/// Where the server is in the protocol's life cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// Waiting for `initialize`.
    Starting,
    /// Answered `initialize`, waiting for `initialized` (requests are answered).
    Initialized,
    Running,
    /// Answered `shutdown`, waiting for `exit`.
    ShuttingDown,
}

/// An open document: its text wins over the file on disk.
struct Document {
    text: String,
    version: i32,
    /// The root of its plan.
    root: PathBuf,
}

/// One plan the server keeps: its analysis, and what it needs to make the next.
#[derive(Default)]
struct Plan {
    /// The plan as last analysed; `None` until then, or when the analysis failed.
    analysis: Option<Analysis>,
    /// Whether the plan changed since it was analysed.
    stale: bool,
    /// The syntax trees of the files last analysed: a change parses one file, not the plan.
    parsed: RefCell<crate::ParseCache>,
}

/// Why a request gets an error reply.
struct Failure {
    code: ErrorCode,
    message: String,
}

impl Failure {
    fn params(error: impl std::fmt::Display) -> Failure {
        Failure { code: ErrorCode::InvalidParams, message: error.to_string() }
    }
}

struct Server<'a> {
    connection: &'a Connection,
    stage: Stage,
    /// The workspace folder, from `initialize`: its plan is analysed from the start.
    workspace: Option<PathBuf>,
    open: BTreeMap<PathBuf, Document>,
    /// The plans kept, by root: the workspace's and those of open documents.
    plans: BTreeMap<PathBuf, Plan>,
    /// Files diagnostics were published for, with what was published: to
    /// clear them when they are gone from their plan, and to publish again
    /// only what changed.
    published: BTreeMap<PathBuf, Published>,
}

/// What the server last published for one file.
struct Published {
    /// The root of the plan that published it.
    root: PathBuf,
    /// The version of the open document it was published for.
    version: Option<i32>,
    diagnostics: Vec<lsp::Diagnostic>,
}

/// How an analysis of a plan ended.
enum Analyzed {
    Done(Box<Analysis>),
    /// It failed (a panic, logged).
    Failed,
    /// A message came that may change the plan: the analysis was given up.
    Superseded,
}

impl Server<'_> {
    /// Takes in a notification; one whose parameters cannot be read is logged
    /// and otherwise ignored.
    fn notification(&mut self, notification: Notification) {
        use lsp::notification::Notification as _;
        let method = notification.method.clone();
        match self.stage {
            // Dropped before `initialize`, as the protocol has it, and after `shutdown`.
            Stage::Starting | Stage::ShuttingDown => return,
            Stage::Initialized if method == lsp::notification::Initialized::METHOD => self.stage = Stage::Running,
            Stage::Initialized | Stage::Running => {}
        }
        if let Err(error) = self.take_in(notification) {
            self.log(lsp::MessageType::WARNING, format!("ashlar ignored {method}: {error}"));
        }
    }

    /// Applies a notification, marking the plans it changes.
    fn take_in(&mut self, notification: Notification) -> serde_json::Result<()> {
        use lsp::notification::Notification as _;
        match notification.method.as_str() {
            lsp::notification::DidOpenTextDocument::METHOD => {
                let p: lsp::DidOpenTextDocumentParams = serde_json::from_value(notification.params)?;
                if let Some(path) = uri_to_path(&p.text_document.uri) {
                    let root = crate::load::plan_root_of(&path);
                    self.changed(&root);
                    self.open.insert(path, Document { text: p.text_document.text, version: p.text_document.version, root });
                }
            }
            lsp::notification::DidChangeTextDocument::METHOD => {
                let p: lsp::DidChangeTextDocumentParams = serde_json::from_value(notification.params)?;
                if let Some(path) = uri_to_path(&p.text_document.uri) {
                    let document = self.open.entry(path).or_insert_with_key(|path| Document {
                        text: String::new(),
                        version: 0,
                        root: crate::load::plan_root_of(path),
                    });
                    for change in p.content_changes {
                        apply_change(&mut document.text, change);
                    }
                    document.version = p.text_document.version;
                    let root = document.root.clone();
                    self.changed(&root);
                }
            }
            lsp::notification::DidCloseTextDocument::METHOD => {
                let p: lsp::DidCloseTextDocumentParams = serde_json::from_value(notification.params)?;
                if let Some(path) = uri_to_path(&p.text_document.uri) {
                    // The file on disk counts again.
                    if let Some(document) = self.open.remove(&path) {
                        self.changed(&document.root);
                    }
                }
            }
            // Files changed on disk: saved, or edited by another program. An
            // `ashlar.toml` or `ashlar.lock` may have come or gone: each open
            // file's plan is found again, and every plan analysed anew.
            lsp::notification::DidSaveTextDocument::METHOD | lsp::notification::DidChangeWatchedFiles::METHOD => self.find_plans_again(),
            _ => {}
        }
        Ok(())
    }

    /// Marks the plan rooted at `root` as changed, keeping it if it is new.
    fn changed(&mut self, root: &Path) {
        self.plans.entry(root.to_path_buf()).or_default().stale = true;
    }

    /// Whether a plan waits to be analysed.
    fn stale(&self) -> bool {
        self.plans.values().any(|plan| plan.stale)
    }

    /// The root of the plan `path` belongs to: its open document's, else found on disk.
    fn root_of(&self, path: &Path) -> PathBuf {
        match self.open.get(path) {
            Some(document) => document.root.clone(),
            None => crate::load::plan_root_of(path),
        }
    }

    /// Finds the plan of each open file anew, keeps the plans still wanted
    /// (the workspace's, and those of open files) and marks them all changed.
    fn find_plans_again(&mut self) {
        for (path, document) in self.open.iter_mut() {
            document.root = crate::load::plan_root_of(path);
        }
        let mut wanted: BTreeSet<PathBuf> = self.open.values().map(|d| d.root.clone()).collect();
        wanted.extend(self.workspace.as_deref().map(crate::load::plan_root_of));
        self.plans.retain(|root, _| wanted.contains(root));
        for root in wanted {
            self.changed(&root);
        }
    }

    fn request(&mut self, request: Request) -> Result<()> {
        use lsp::request::Request as _;
        let id = request.id.clone();
        let method = request.method.clone();
        let refuse = |code: ErrorCode, message: &str| Message::Response(Response::new_err(id.clone(), code as i32, message.into()));
        let is_initialize = method == lsp::request::Initialize::METHOD;
        match self.stage {
            Stage::Starting if is_initialize => return self.initialize(request),
            Stage::Starting => {
                self.connection.sender.send(refuse(ErrorCode::ServerNotInitialized, "the server waits for `initialize`"))?;
                return Ok(());
            }
            Stage::ShuttingDown => {
                self.connection.sender.send(refuse(ErrorCode::InvalidRequest, "the server is shutting down"))?;
                return Ok(());
            }
            Stage::Initialized | Stage::Running if is_initialize => {
                self.connection.sender.send(refuse(ErrorCode::InvalidRequest, "the server is initialized already"))?;
                return Ok(());
            }
            Stage::Initialized | Stage::Running if method == lsp::request::Shutdown::METHOD => {
                self.stage = Stage::ShuttingDown;
                self.connection.sender.send(Message::Response(Response::new_ok(id, Value::Null)))?;
                return Ok(());
            }
            Stage::Initialized | Stage::Running => {}
        }
        // A request about a file whose plan is not kept yet: analyse that plan.
        if let Some(path) = request
            .params
            .pointer("/textDocument/uri")
            .and_then(Value::as_str)
            .and_then(|uri| uri.parse().ok())
            .and_then(|uri: lsp::Uri| uri_to_path(&uri))
        {
            let root = self.root_of(&path);
            if !self.plans.contains_key(&root) {
                self.changed(&root);
            }
        }
        if self.stale() {
            self.refresh(false)?;
        }
        let reply = match catch_unwind(AssertUnwindSafe(|| self.answer(request))) {
            Ok(Ok(result)) => Response::new_ok(id, result),
            Ok(Err(failure)) => Response::new_err(id, failure.code as i32, failure.message),
            Err(panic) => Response::new_err(id, ErrorCode::InternalError as i32, format!("ashlar failed on {method}: {}", panic_text(&panic))),
        };
        self.connection.sender.send(Message::Response(reply))?;
        Ok(())
    }

    /// Answers `initialize` with what the server does, and takes the plan
    /// folder from the workspace.
    fn initialize(&mut self, request: Request) -> Result<()> {
        let params = match serde_json::from_value::<lsp::InitializeParams>(request.params) {
            Ok(params) => params,
            Err(error) => {
                let reply = Response::new_err(request.id, ErrorCode::InvalidParams as i32, format!("cannot read `initialize`: {error}"));
                self.connection.sender.send(Message::Response(reply))?;
                return Ok(());
            }
        };
        #[allow(deprecated)]
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .and_then(|f| uri_to_path(&f.uri))
            .or_else(|| params.root_uri.as_ref().and_then(uri_to_path));
        if let Some(root) = &root {
            self.changed(&crate::load::plan_root_of(root));
        }
        self.workspace = root;
        self.stage = Stage::Initialized;
        let result = serde_json::json!({ "capabilities": capabilities(), "serverInfo": server_info() });
        self.connection.sender.send(Message::Response(Response::new_ok(request.id, result)))?;
        Ok(())
    }

    fn answer(&mut self, request: Request) -> std::result::Result<Value, Failure> {
        use lsp::request::*;
        let params = request.params;
        let json = |value: serde_json::Result<Value>| value.map_err(|e| Failure { code: ErrorCode::InternalError, message: e.to_string() });
        match request.method.as_str() {
            HoverRequest::METHOD => {
                let p: lsp::HoverParams = serde_json::from_value(params).map_err(Failure::params)?;
                let hover = self.at(&p.text_document_position_params, |analysis, file, offset| {
                    ide::hover(analysis, file, offset).map(|markdown| lsp::Hover {
                        contents: lsp::HoverContents::Markup(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value: markdown }),
                        range: None,
                    })
                });
                json(serde_json::to_value(hover))
            }
            GotoDefinition::METHOD => {
                let p: lsp::GotoDefinitionParams = serde_json::from_value(params).map_err(Failure::params)?;
                let location = self.at(&p.text_document_position_params, |analysis, file, offset| {
                    ide::definition(analysis, file, offset).and_then(|span| location(&analysis.sources, span))
                });
                json(serde_json::to_value(location.map(lsp::GotoDefinitionResponse::Scalar)))
            }
            Completion::METHOD => {
                let p: lsp::CompletionParams = serde_json::from_value(params).map_err(Failure::params)?;
                json(serde_json::to_value(lsp::CompletionResponse::Array(self.completions(&p.text_document_position))))
            }
            References::METHOD => {
                let p: lsp::ReferenceParams = serde_json::from_value(params).map_err(Failure::params)?;
                let include = p.context.include_declaration;
                let locations = self.at(&p.text_document_position, |analysis, file, offset| {
                    Some(
                        ide::references(analysis, file, offset, include)
                            .into_iter()
                            .filter_map(|s| location(&analysis.sources, s))
                            .collect::<Vec<_>>(),
                    )
                });
                json(serde_json::to_value(locations.unwrap_or_default()))
            }
            PrepareRenameRequest::METHOD => {
                let p: lsp::TextDocumentPositionParams = serde_json::from_value(params).map_err(Failure::params)?;
                let span =
                    self.at(&p, |analysis, file, offset| Some(ide::prepare_rename(analysis, file, offset).map(|s| range(&analysis.sources, s))));
                match span {
                    Some(Ok(range)) => json(serde_json::to_value(lsp::PrepareRenameResponse::Range(range))),
                    Some(Err(why)) => Err(Failure { code: ErrorCode::RequestFailed, message: why }),
                    None => Ok(Value::Null),
                }
            }
            Rename::METHOD => {
                let p: lsp::RenameParams = serde_json::from_value(params).map_err(Failure::params)?;
                let new_name = p.new_name.clone();
                let edits = self.at(&p.text_document_position, |analysis, file, offset| {
                    Some(ide::rename(analysis, file, offset, &new_name).map(|edits| workspace_edit(&analysis.sources, &edits)))
                });
                match edits {
                    Some(Ok(edit)) => json(serde_json::to_value(edit)),
                    Some(Err(why)) => Err(Failure { code: ErrorCode::RequestFailed, message: why }),
                    None => Ok(Value::Null),
                }
            }
            DocumentSymbolRequest::METHOD => {
                let p: lsp::DocumentSymbolParams = serde_json::from_value(params).map_err(Failure::params)?;
                let symbols = self.in_file(&p.text_document.uri, |analysis, file| {
                    ide::document_symbols(analysis, file).into_iter().map(|s| document_symbol(&analysis.sources, s)).collect::<Vec<_>>()
                });
                json(serde_json::to_value(lsp::DocumentSymbolResponse::Nested(symbols.unwrap_or_default())))
            }
            WorkspaceSymbolRequest::METHOD => {
                let p: lsp::WorkspaceSymbolParams = serde_json::from_value(params).map_err(Failure::params)?;
                let symbols: Vec<lsp::SymbolInformation> = self
                    .plans
                    .values()
                    .filter_map(|plan| plan.analysis.as_ref())
                    .flat_map(|analysis| {
                        ide::workspace_symbols(analysis, &p.query).into_iter().filter_map(|s| {
                            #[allow(deprecated)]
                            Some(lsp::SymbolInformation {
                                name: s.name,
                                kind: symbol_kind(s.kind),
                                tags: None,
                                deprecated: None,
                                location: location(&analysis.sources, s.span)?,
                                container_name: s.container,
                            })
                        })
                    })
                    .collect();
                json(serde_json::to_value(lsp::WorkspaceSymbolResponse::Flat(symbols)))
            }
            Formatting::METHOD => {
                let p: lsp::DocumentFormattingParams = serde_json::from_value(params).map_err(Failure::params)?;
                json(serde_json::to_value(self.format(&p.text_document.uri)))
            }
            CodeActionRequest::METHOD => {
                let p: lsp::CodeActionParams = serde_json::from_value(params).map_err(Failure::params)?;
                let actions = self.in_file(&p.text_document.uri, |analysis, file| {
                    let source = analysis.sources.get(file);
                    let start = source.offset_of_utf16(p.range.start.line, p.range.start.character);
                    let end = source.offset_of_utf16(p.range.end.line, p.range.end.character);
                    ide::fixes(analysis, file, start, end).into_iter().map(|fix| code_action(analysis, fix)).collect::<Vec<_>>()
                });
                json(serde_json::to_value(actions.unwrap_or_default()))
            }
            InlayHintRequest::METHOD => {
                let p: lsp::InlayHintParams = serde_json::from_value(params).map_err(Failure::params)?;
                let hints = self.in_file(&p.text_document.uri, |analysis, file| {
                    let source = analysis.sources.get(file);
                    let start = source.offset_of_utf16(p.range.start.line, p.range.start.character);
                    let end = source.offset_of_utf16(p.range.end.line, p.range.end.character);
                    ide::inlay_hints(analysis, file)
                        .into_iter()
                        .filter(|h| start <= h.offset && h.offset <= end)
                        .map(|h| {
                            let (line, character) = source.utf16_position(h.offset);
                            lsp::InlayHint {
                                position: lsp::Position { line, character },
                                label: lsp::InlayHintLabel::String(h.label),
                                kind: Some(lsp::InlayHintKind::TYPE),
                                text_edits: None,
                                tooltip: None,
                                padding_left: Some(true),
                                padding_right: None,
                                data: None,
                            }
                        })
                        .collect::<Vec<_>>()
                });
                json(serde_json::to_value(hints.unwrap_or_default()))
            }
            SemanticTokensFullRequest::METHOD => {
                let p: lsp::SemanticTokensParams = serde_json::from_value(params).map_err(Failure::params)?;
                let data = self.in_file(&p.text_document.uri, |analysis, file| {
                    let source = analysis.sources.get(file);
                    let mut data = Vec::new();
                    let (mut last_line, mut last_start) = (0, 0);
                    for token in ide::semantic_tokens(analysis, file) {
                        let (line, start) = source.utf16_position(token.span.start as usize);
                        let (end_line, end) = source.utf16_position(token.span.end as usize);
                        if end_line != line {
                            continue;
                        }
                        let (token_type, token_modifiers_bitset) = token_type(token.kind);
                        let delta_start = if line == last_line { start - last_start } else { start };
                        data.push(lsp::SemanticToken {
                            delta_line: line - last_line,
                            delta_start,
                            length: end - start,
                            token_type,
                            token_modifiers_bitset,
                        });
                        (last_line, last_start) = (line, start);
                    }
                    data
                });
                json(serde_json::to_value(lsp::SemanticTokens { result_id: None, data: data.unwrap_or_default() }))
            }
            SignatureHelpRequest::METHOD => {
                let p: lsp::SignatureHelpParams = serde_json::from_value(params).map_err(Failure::params)?;
                json(serde_json::to_value(self.signature_help(&p.text_document_position_params)))
            }
            FoldingRangeRequest::METHOD => {
                let p: lsp::FoldingRangeParams = serde_json::from_value(params).map_err(Failure::params)?;
                let ranges = self.in_file(&p.text_document.uri, |analysis, file| {
                    ide::folding_spans(analysis, file)
                        .into_iter()
                        .map(|span| range(&analysis.sources, span))
                        .filter(|r| r.end.line > r.start.line)
                        // The line of the closing `}` stays in sight.
                        .map(|r| lsp::FoldingRange { start_line: r.start.line, end_line: r.end.line - 1, ..Default::default() })
                        .collect::<Vec<_>>()
                });
                json(serde_json::to_value(ranges.unwrap_or_default()))
            }
            DocumentHighlightRequest::METHOD => {
                let p: lsp::DocumentHighlightParams = serde_json::from_value(params).map_err(Failure::params)?;
                let highlights = self.at(&p.text_document_position_params, |analysis, file, offset| {
                    let kind = |declaration: bool| if declaration { lsp::DocumentHighlightKind::WRITE } else { lsp::DocumentHighlightKind::READ };
                    Some(
                        ide::highlights(analysis, file, offset)
                            .into_iter()
                            .map(|(span, declaration)| lsp::DocumentHighlight {
                                range: range(&analysis.sources, span),
                                kind: Some(kind(declaration)),
                            })
                            .collect::<Vec<_>>(),
                    )
                });
                json(serde_json::to_value(highlights.unwrap_or_default()))
            }
            RangeFormatting::METHOD => {
                let p: lsp::DocumentRangeFormattingParams = serde_json::from_value(params).map_err(Failure::params)?;
                let edits = self.in_file(&p.text_document.uri, |analysis, file| {
                    let source = analysis.sources.get(file);
                    let start = source.offset_of_utf16(p.range.start.line, p.range.start.character);
                    let end = source.offset_of_utf16(p.range.end.line, p.range.end.character);
                    ide::format_range(analysis, file, start, end)
                        .into_iter()
                        .map(|(span, new_text)| lsp::TextEdit { range: range(&analysis.sources, span), new_text })
                        .collect::<Vec<_>>()
                });
                json(serde_json::to_value(edits.unwrap_or_default()))
            }
            _ => Err(Failure { code: ErrorCode::MethodNotFound, message: format!("ashlar does not answer {}", request.method) }),
        }
    }

    /// Finds the document and offset in the current analysis, and asks `f`.
    fn at<T>(&self, position: &lsp::TextDocumentPositionParams, f: impl FnOnce(&Analysis, FileId, usize) -> Option<T>) -> Option<T> {
        self.in_file(&position.text_document.uri, |analysis, file| {
            let offset = analysis.sources.get(file).offset_of_utf16(position.position.line, position.position.character);
            f(analysis, file, offset)
        })
        .flatten()
    }

    /// Finds the document in the current analysis, and asks `f`.
    fn in_file<T>(&self, uri: &lsp::Uri, f: impl FnOnce(&Analysis, FileId) -> T) -> Option<T> {
        let path = uri_to_path(uri)?;
        let analysis = self.plans.get(&self.root_of(&path))?.analysis.as_ref()?;
        let file = analysis.sources.find_path(&path)?;
        Some(f(analysis, file))
    }

    /// Completions where the user types. The line being typed rarely parses:
    /// the plan is analysed with that line blanked, which keeps every offset.
    fn completions(&self, position: &lsp::TextDocumentPositionParams) -> Vec<lsp::CompletionItem> {
        let Some(path) = uri_to_path(&position.text_document.uri) else { return Vec::new() };
        let Some(text) = self.open.get(&path).map(|d| d.text.as_str()) else { return Vec::new() };
        let file = SourceFile::new("", None, text.to_string());
        let line = position.position.line as usize;
        let Some(line_start) = file.line_start(line) else { return Vec::new() };
        let line_end = file.line_start(line + 1).map_or(text.len(), |next| next - 1);
        let cursor = file.offset_of_utf16(position.position.line, position.position.character).clamp(line_start, line_end);
        let before = &text[line_start..cursor];
        let blank = format!("{}{}{}", &text[..line_start], " ".repeat(line_end - line_start), &text[line_end..]);
        let Analyzed::Done(analysis) = self.analyze(&self.root_of(&path), Some((&path, &blank)), false) else { return Vec::new() };
        let Some(id) = analysis.sources.find_path(&path) else { return Vec::new() };
        ide::completions(&analysis, id, cursor, before).into_iter().map(completion_item).collect()
    }

    /// The signature of the call the cursor is in, from the line as typed.
    fn signature_help(&self, position: &lsp::TextDocumentPositionParams) -> Option<lsp::SignatureHelp> {
        let path = uri_to_path(&position.text_document.uri)?;
        let text = self.open.get(&path)?.text.as_str();
        let file = SourceFile::new("", None, text.to_string());
        let line_start = file.line_start(position.position.line as usize)?;
        let cursor = file.offset_of_utf16(position.position.line, position.position.character).max(line_start);
        let (function, active) = ide::signature_help(&text[line_start..cursor])?;
        let markdown = |value: &str| lsp::Documentation::MarkupContent(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value: value.into() });
        let labels: Vec<&str> = function.params.iter().map(|(p, _)| *p).collect();
        let signature = lsp::SignatureInformation {
            label: format!("{}({})", function.name, labels.join(", ")),
            documentation: Some(markdown(function.doc)),
            parameters: Some(
                function
                    .params
                    .iter()
                    .map(|(label, doc)| lsp::ParameterInformation {
                        label: lsp::ParameterLabel::Simple((*label).into()),
                        documentation: Some(markdown(doc)),
                    })
                    .collect(),
            ),
            active_parameter: Some(active as u32),
        };
        Some(lsp::SignatureHelp { signatures: vec![signature], active_signature: Some(0), active_parameter: Some(active as u32) })
    }

    /// One edit that replaces the document with its formatted text; none when
    /// it is formatted already or does not parse.
    fn format(&self, uri: &lsp::Uri) -> Vec<lsp::TextEdit> {
        let Some(path) = uri_to_path(uri) else { return Vec::new() };
        let text = match self.open.get(&path) {
            Some(document) => document.text.clone(),
            None => match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(_) => return Vec::new(),
            },
        };
        match crate::format::format(&text) {
            Ok(formatted) if formatted != text => {
                let (line, character) = SourceFile::new("", None, text.clone()).utf16_position(text.len());
                let end = lsp::Position { line, character };
                vec![lsp::TextEdit { range: lsp::Range { start: lsp::Position::default(), end }, new_text: formatted }]
            }
            _ => Vec::new(),
        }
    }

    /// The plan rooted at `root` as the editor sees it: files on disk, open
    /// documents of the plan over them, and `overlay` over those. When
    /// `yielding`, the analysis is given up as soon as another message waits.
    fn analyze(&self, root: &Path, overlay: Option<(&Path, &str)>, yielding: bool) -> Analyzed {
        let Some(plan) = self.plans.get(root) else { return Analyzed::Failed };
        let mut input = read_plan(root).unwrap_or(PlanInput { root: root.to_path_buf(), ..PlanInput::default() });
        let texts = self.open.iter().filter(|(_, d)| d.root == root).map(|(path, d)| (path.as_path(), d.text.as_str())).chain(overlay);
        for (path, text) in texts {
            let Ok(rel) = path.strip_prefix(root) else { continue };
            match input.files.iter_mut().find(|f| f.path == path) {
                Some(file) => file.bytes = text.as_bytes().to_vec(),
                None => input.files.push(InputFile {
                    name: rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"),
                    path: path.to_path_buf(),
                    bytes: text.as_bytes().to_vec(),
                }),
            }
        }
        let mut parsed = plan.parsed.borrow_mut();
        let receiver = &self.connection.receiver;
        let superseded = || yielding && !receiver.is_empty();
        match catch_unwind(AssertUnwindSafe(|| crate::analyze_unless(&input, &mut parsed, &superseded))) {
            Ok(Some(analysis)) => Analyzed::Done(Box::new(analysis)),
            Ok(None) => Analyzed::Superseded,
            Err(panic) => {
                // A tree may be half built: parse everything anew next time.
                *parsed = Default::default();
                self.log(lsp::MessageType::ERROR, format!("ashlar failed to analyse the plan: {}", panic_text(&panic)));
                Analyzed::Failed
            }
        }
    }

    /// Analyses the plans that changed anew and publishes their diagnostics;
    /// the others are left as they are. When `yielding`, an analysis another
    /// message supersedes is given up, and its plan left stale.
    fn refresh(&mut self, yielding: bool) -> Result<()> {
        let stale: Vec<PathBuf> = self.plans.iter().filter(|(_, plan)| plan.stale).map(|(root, _)| root.clone()).collect();
        for root in stale {
            let new = match self.analyze(&root, None, yielding) {
                Analyzed::Done(analysis) => Some(*analysis),
                Analyzed::Failed => None,
                Analyzed::Superseded => return Ok(()),
            };
            let Some(plan) = self.plans.get_mut(&root) else { continue };
            plan.stale = false;
            // The old analysis is dropped once the new diagnostics are out: freeing
            // a large plan's takes a few milliseconds the editor need not wait for.
            let old = std::mem::replace(&mut plan.analysis, new);
            let published = self.publish(&root);
            drop(old);
            published?;
        }
        Ok(())
    }

    /// Publishes the diagnostics of the files of the plan rooted at `root`
    /// whose diagnostics changed since they were last published, or whose
    /// open document's version did (its diagnostics are then those of the
    /// version the editor shows); a file with none is published empty, and so
    /// is one it published before that it no longer holds (unless another
    /// plan took it since).
    fn publish(&mut self, root: &Path) -> Result<()> {
        let Some(analysis) = self.plans.get(root).and_then(|plan| plan.analysis.as_ref()) else { return Ok(()) };
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
        let gone: Vec<PathBuf> =
            self.published.iter().filter(|(path, last)| last.root == root && !by_file.contains_key(*path)).map(|(path, _)| path.clone()).collect();
        for path in gone {
            self.published.remove(&path);
            by_file.insert(path, Vec::new());
        }
        for (path, diagnostics) in by_file {
            let Some(uri) = path_to_uri(&path) else { continue };
            let version = self.open.get(&path).map(|d| d.version);
            let unchanged =
                self.published.get(&path).is_some_and(|last| last.root == root && last.version == version && last.diagnostics == diagnostics);
            if unchanged {
                continue;
            }
            let params = lsp::PublishDiagnosticsParams { uri, diagnostics, version };
            let note = Notification::new(<lsp::notification::PublishDiagnostics as lsp::notification::Notification>::METHOD.into(), &params);
            self.connection.sender.send(Message::Notification(note))?;
            if analysis.sources.find_path(&path).is_some() {
                self.published.insert(path, Published { root: root.to_path_buf(), version, diagnostics: params.diagnostics });
            }
        }
        Ok(())
    }

    fn log(&self, typ: lsp::MessageType, message: String) {
        let params = lsp::LogMessageParams { typ, message };
        let note = Notification::new(<lsp::notification::LogMessage as lsp::notification::Notification>::METHOD.into(), params);
        let _ = self.connection.sender.send(Message::Notification(note));
    }
}

/// Applies one change of `didChange` to a document's text: a change with a
/// range replaces that range (its ends clamped to the text and its lines, as
/// positions are), one without replaces the whole text.
pub fn apply_change(text: &mut String, change: lsp::TextDocumentContentChangeEvent) {
    let Some(range) = change.range else {
        *text = change.text;
        return;
    };
    let file = SourceFile::new("", None, std::mem::take(text));
    let start = file.offset_of_utf16(range.start.line, range.start.character);
    let end = file.offset_of_utf16(range.end.line, range.end.character);
    let mut new = file.text;
    new.replace_range(start.min(end)..start.max(end), &change.text);
    *text = new;
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned()).unwrap_or_else(|| "a panic".into())
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

/// Edits by file, as the protocol has them; edits of files without a path
/// (the standard library) are left out.
// `Uri` caches its parts inside; its hash and equality are of the text.
#[allow(clippy::mutable_key_type)]
fn workspace_edit(sources: &SourceMap, edits: &[(Span, String)]) -> lsp::WorkspaceEdit {
    let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
    for (span, new_text) in edits {
        if let Some(at) = location(sources, *span) {
            changes.entry(at.uri).or_default().push(lsp::TextEdit { range: at.range, new_text: new_text.clone() });
        }
    }
    lsp::WorkspaceEdit { changes: Some(changes), ..Default::default() }
}

fn code_action(analysis: &Analysis, fix: ide::Fix) -> lsp::CodeActionOrCommand {
    lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: fix.title,
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![to_lsp(&analysis.sources, &analysis.diagnostics[fix.diagnostic])]),
        edit: Some(workspace_edit(&analysis.sources, &fix.edits)),
        is_preferred: fix.preferred.then_some(true),
        ..Default::default()
    })
}

/// A completion as the protocol has it: its kind, documentation in Markdown,
/// and a snippet to insert where it has one.
fn completion_item(c: ide::Completion) -> lsp::CompletionItem {
    use ide::CompletionKind as K;
    let kind = match c.kind {
        K::Kind => lsp::CompletionItemKind::CLASS,
        K::Attribute => lsp::CompletionItemKind::PROPERTY,
        K::Reference => lsp::CompletionItemKind::REFERENCE,
        K::Word => lsp::CompletionItemKind::ENUM_MEMBER,
        K::Region => lsp::CompletionItemKind::CONSTANT,
        K::Function => lsp::CompletionItemKind::FUNCTION,
    };
    let documentation = match c.documentation.is_empty() {
        true => None,
        false => Some(lsp::Documentation::MarkupContent(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value: c.documentation })),
    };
    lsp::CompletionItem {
        label: c.label,
        kind: Some(kind),
        detail: Some(c.detail),
        documentation,
        insert_text_format: c.snippet.is_some().then_some(lsp::InsertTextFormat::SNIPPET),
        insert_text: c.snippet,
        ..Default::default()
    }
}

/// How an outline shows a kind of block.
pub fn symbol_kind(kind: &str) -> lsp::SymbolKind {
    use lsp::SymbolKind as K;
    match kind {
        "settings" | "naming" => K::MODULE,
        "hub" | "spoke" | "vnet" => K::NAMESPACE,
        "subnet" | "address_pool" => K::STRUCT,
        "policy" | "tags" => K::EVENT,
        "rule" | "route" => K::PROPERTY,
        "key_vault" => K::KEY,
        "nsg" | "rule_set" | "route_table" => K::INTERFACE,
        "marketplace_image" | "gallery" | "image" | "build" => K::PACKAGE,
        "network_rules" | "application_rules" | "dnat" | "network_collection" | "application_collection" => K::ARRAY,
        "os_disk" | "data_disk" | "capacity" | "autoscale" | "load_balancer" | "point_to_site" => K::FIELD,
        _ => K::OBJECT,
    }
}

fn document_symbol(sources: &SourceMap, symbol: ide::Symbol) -> lsp::DocumentSymbol {
    #[allow(deprecated)]
    lsp::DocumentSymbol {
        name: symbol.name,
        detail: (!symbol.detail.is_empty()).then_some(symbol.detail),
        kind: symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        range: range(sources, symbol.span),
        selection_range: range(sources, symbol.selection),
        children: Some(symbol.children.into_iter().map(|c| document_symbol(sources, c)).collect()),
    }
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
        message: match d.help_text() {
            Some(help) => format!("{}\nhelp: {}", d.message, help.replace('\n', "\nhelp: ")),
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
