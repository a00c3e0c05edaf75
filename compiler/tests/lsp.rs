//! The language server, in-process over a fixture plan: what an editor sends,
//! and snapshots of what ashlar answers.

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};
use std::path::Path;

struct Client {
    connection: Connection,
    root: String,
    next_id: i32,
    /// Versions of the open documents, by file name.
    versions: std::collections::BTreeMap<String, i32>,
    /// Errors the server logged (`window/logMessage` of type error): a panic it survived.
    logged_errors: Vec<String>,
    /// How many diagnostics of each code were published.
    published_codes: std::collections::BTreeMap<String, usize>,
    /// The reply to `initialize`.
    init: Value,
}

impl Client {
    fn start(dir: &Path) -> (Client, std::thread::JoinHandle<()>) {
        let (server, client) = Connection::memory();
        let thread = std::thread::spawn(move || ashlar::lsp::serve(server).expect("the server runs"));
        let root = ashlar::lsp::path_to_uri(dir).unwrap().as_str().to_string();
        let mut c = Client {
            connection: client,
            root,
            next_id: 0,
            versions: Default::default(),
            logged_errors: Vec::new(),
            published_codes: Default::default(),
            init: Value::Null,
        };
        let init = c.request("initialize", json!({ "capabilities": {}, "rootUri": c.root }));
        assert_eq!(init["capabilities"]["hoverProvider"], true);
        c.init = init;
        c.notify("initialized", json!({}));
        (c, thread)
    }

    /// The reply to a request: its result, or its error as `{"error": ...}`.
    fn reply(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.connection.sender.send(Message::Request(Request::new(id.clone(), method.into(), params))).unwrap();
        loop {
            match self.connection.receiver.recv_timeout(std::time::Duration::from_secs(60)).expect("an answer") {
                Message::Response(r) if r.id == id => {
                    return match r.error {
                        Some(e) => Err(serde_json::to_value(e).unwrap()),
                        None => Ok(r.result.unwrap_or(Value::Null)),
                    }
                }
                Message::Notification(n) => self.noticed(&n),
                _ => continue,
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.reply(method, params).unwrap_or_else(|e| panic!("{method} failed: {e}"))
    }

    /// Keeps what the tests ask about the server's notifications.
    fn noticed(&mut self, n: &Notification) {
        match n.method.as_str() {
            "window/logMessage" if n.params["type"] == 1 => self.logged_errors.push(n.params["message"].to_string()),
            "textDocument/publishDiagnostics" => {
                for d in n.params["diagnostics"].as_array().unwrap() {
                    *self.published_codes.entry(d["code"].as_str().unwrap().to_string()).or_default() += 1;
                }
            }
            _ => {}
        }
    }

    fn notify(&self, method: &str, params: Value) {
        self.connection.sender.send(Message::Notification(Notification::new(method.into(), params))).unwrap();
    }

    /// The diagnostics published since the last call, by file name: the server
    /// publishes before it answers the next request, so one request fences them.
    fn diagnostics(&mut self) -> Vec<(String, Value)> {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let fence = Request::new(id.clone(), "workspace/symbol".into(), json!({ "query": "fence" }));
        self.connection.sender.send(Message::Request(fence)).unwrap();
        let mut out = Vec::new();
        loop {
            match self.connection.receiver.recv_timeout(std::time::Duration::from_secs(60)).expect("an answer") {
                Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                    self.noticed(&n);
                    // By its path below the workspace: `spokes.ashlar`, `alpha/plan.ashlar`.
                    let uri = n.params["uri"].as_str().unwrap();
                    let file = uri.strip_prefix(&format!("{}/", self.root)).unwrap_or(uri).to_string();
                    out.push((file, n.params["diagnostics"].clone()));
                }
                Message::Notification(n) => self.noticed(&n),
                Message::Response(r) if r.id == id => return out,
                _ => {}
            }
        }
    }

    /// The codes of the diagnostics published last, by file: files without any left out.
    fn codes(&mut self) -> std::collections::BTreeMap<String, Vec<String>> {
        let mut latest = std::collections::BTreeMap::new();
        for (file, diagnostics) in self.diagnostics() {
            latest.insert(file, diagnostics.as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect::<Vec<_>>());
        }
        latest.retain(|_, codes: &mut Vec<String>| !codes.is_empty());
        latest
    }

    fn uri(&self, file: &str) -> String {
        format!("{}/{file}", self.root)
    }

    fn at(&self, file: &str, line: u32, character: u32) -> Value {
        json!({ "textDocument": { "uri": self.uri(file) }, "position": { "line": line, "character": character } })
    }

    fn open(&mut self, file: &str, text: &str) {
        self.versions.insert(file.to_string(), 1);
        self.notify("textDocument/didOpen", json!({ "textDocument": { "uri": self.uri(file), "languageId": "ashlar", "version": 1, "text": text } }));
    }

    fn change(&mut self, file: &str, text: &str) {
        let version = self.versions.entry(file.to_string()).or_insert(1);
        *version += 1;
        let version = *version;
        let params = json!({ "textDocument": { "uri": self.uri(file), "version": version }, "contentChanges": [{ "text": text }] });
        self.notify("textDocument/didChange", params);
    }
}

fn fixture() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/lsp/network.ashlar")).unwrap();
    std::fs::write(dir.path().join("network.ashlar"), &text).unwrap();
    (dir, text)
}

/// Replies with the temporary folder's URI replaced, so that snapshots are stable.
fn stable(value: &Value, root: &str) -> Value {
    serde_json::from_str(&value.to_string().replace(root, "file:///PLAN")).unwrap()
}

#[test]
fn diagnostics_hover_definition_and_completion() {
    let (dir, text) = fixture();
    let (mut c, thread) = Client::start(dir.path());

    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": c.uri("network.ashlar"), "languageId": "ashlar", "version": 1, "text": text } }),
    );
    let published = c.diagnostics();
    let (file, diagnostics) = published.last().expect("diagnostics on open");
    assert_eq!(file, "network.ashlar");
    insta::assert_json_snapshot!("open_diagnostics", stable(diagnostics, &c.root));

    // `core` in `hub = core`: line 13 (0-based), in UTF-16 columns.
    let hover = c.request("textDocument/hover", c.at("network.ashlar", 13, 20));
    insta::assert_snapshot!("hover_reference", hover["contents"]["value"].as_str().unwrap());
    let hover = c.request("textDocument/hover", c.at("network.ashlar", 8, 10));
    insta::assert_snapshot!("hover_auto_subnet", hover["contents"]["value"].as_str().unwrap());
    let hover = c.request("textDocument/hover", c.at("network.ashlar", 9, 3));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("assigned by Azure from `AzureFirewallSubnet` (`10.0.0.64/26`)"), "{hover}");
    let hover = c.request("textDocument/hover", c.at("network.ashlar", 6, 4));
    assert!(hover["contents"]["value"].as_str().unwrap().starts_with("`address_space`"), "{hover}");

    let definition = c.request("textDocument/definition", c.at("network.ashlar", 13, 20));
    assert_eq!(
        stable(&definition, &c.root),
        json!({ "uri": "file:///PLAN/network.ashlar", "range": { "start": { "line": 4, "character": 0 }, "end": { "line": 4, "character": 8 } } })
    );

    // Completion of a reference after `hub =`, on a line being typed.
    let typing = text.replace("  hub            = core\n", "  hub = \n");
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": c.uri("network.ashlar"), "version": 2 }, "contentChanges": [{ "text": typing }] }),
    );
    let _ = c.diagnostics();
    let items = c.request("textDocument/completion", c.at("network.ashlar", 13, 8));
    let labels: Vec<&str> = items.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["core"], "only hubs are offered for `hub =`");
    // On a new line of the spoke: the attributes it does not have yet, and its nested kinds.
    let new_line = text.replace("  hub            = core\n", "  hub            = core\n  d\n");
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": c.uri("network.ashlar"), "version": 3 }, "contentChanges": [{ "text": new_line }] }),
    );
    let _ = c.diagnostics();
    let items = c.request("textDocument/completion", c.at("network.ashlar", 14, 3));
    let labels: Vec<&str> = items.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"dns_servers") && labels.contains(&"subnet") && !labels.contains(&"resource_group"), "{labels:?}");

    // Fixing the overlap clears the file's diagnostics.
    let fixed = text.replace("10.1.0.32/27", "10.1.0.64/27");
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": c.uri("network.ashlar"), "version": 4 }, "contentChanges": [{ "text": fixed }] }),
    );
    let published = c.diagnostics();
    assert_eq!(published.last().map(|(_, d)| d.clone()), Some(json!([])));

    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    thread.join().unwrap();
}

#[test]
fn positions_count_utf16_units() {
    let file = ashlar::source::SourceFile::new("x", None, "é😀x\nab".into());
    assert_eq!(file.utf16_position(6), (0, 3), "é is one unit, 😀 two");
    assert_eq!(file.offset_of_utf16(0, 3), 6);
    assert_eq!(file.offset_of_utf16(1, 1), 9);
    assert_eq!(file.offset_of_utf16(7, 0), file.text.len());
}

#[test]
fn a_change_with_a_range_edits_that_range() {
    let change = |text: &str, range: Option<((u32, u32), (u32, u32))>, new: &str| {
        let mut text = text.to_string();
        let range = range.map(|((sl, sc), (el, ec))| lsp_types::Range::new(lsp_types::Position::new(sl, sc), lsp_types::Position::new(el, ec)));
        ashlar::lsp::apply_change(&mut text, lsp_types::TextDocumentContentChangeEvent { range, range_length: None, text: new.into() });
        text
    };
    let text = "é😀x\nab\n";
    assert_eq!(change(text, None, "new"), "new", "no range: the whole text");
    assert_eq!(change(text, Some(((0, 3), (0, 4))), "y"), "é😀y\nab\n", "UTF-16 columns: 😀 is two units");
    assert_eq!(change(text, Some(((0, 3), (1, 1))), ""), "é😀b\n", "across lines");
    assert_eq!(change(text, Some(((1, 1), (0, 3))), ""), "é😀b\n", "ends the wrong way round");
    assert_eq!(change(text, Some(((0, 2), (0, 2))), "z"), "é😀zx\nab\n", "inside 😀: at its end");
    assert_eq!(change(text, Some(((1, 99), (9, 9))), "!"), "é😀x\nab!", "past a line's end and the text's");
}

#[test]
fn changes_with_ranges_reach_the_diagnostics() {
    let (dir, text) = fixture();
    let (mut c, thread) = Client::start(dir.path());
    c.open("network.ashlar", &text);
    let before = c.codes();
    // `hub            = core` on line 13: `core` becomes `cor`, then back, in two changes of one notification.
    let line = text.lines().nth(13).unwrap();
    let column = line.find("core").unwrap() as u32;
    let at = |a: u32, b: u32| json!({ "start": { "line": 13, "character": a }, "end": { "line": 13, "character": b } });
    let uri = c.uri("network.ashlar");
    let edit = |version: i32, changes: Value| json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes });
    c.notify("textDocument/didChange", edit(2, json!([{ "range": at(column + 3, column + 4), "text": "" }])));
    let broken = c.codes();
    assert!(broken["network.ashlar"].contains(&"ASH106".to_string()), "{broken:?}");
    c.notify(
        "textDocument/didChange",
        edit(3, json!([{ "range": at(column, column + 3), "text": "" }, { "range": at(column, column), "text": "core" }])),
    );
    assert_eq!(c.codes(), before);
    stop(c, thread);
}

// ---------------------------------------------------------------------------
// A plan of several files: tests/fixtures/lsp/workspace.

const FILES: &[&str] = &["settings.ashlar", "hub.ashlar", "spokes.ashlar", "security.ashlar", "ashlar.lock"];

/// The workspace fixture copied to a temporary folder, a server on it, and
/// every plan file open.
fn workspace() -> (tempfile::TempDir, Client, std::thread::JoinHandle<()>) {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/lsp/workspace");
    for file in FILES {
        std::fs::copy(fixtures.join(file), dir.path().join(file)).unwrap();
    }
    let (mut c, thread) = Client::start(dir.path());
    for file in FILES.iter().filter(|f| f.ends_with(".ashlar")) {
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
        c.open(file, &text);
    }
    assert_eq!(c.codes(), Default::default(), "the workspace fixture is clean");
    (dir, c, thread)
}

fn stop(mut c: Client, thread: std::thread::JoinHandle<()>) {
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    thread.join().unwrap();
}

fn text_of(dir: &tempfile::TempDir, file: &str) -> String {
    std::fs::read_to_string(dir.path().join(file)).unwrap()
}

/// Applies LSP text edits (lines and UTF-16 columns) to a text.
fn apply_edits(text: &str, edits: &[Value]) -> String {
    let source = ashlar::source::SourceFile::new("x", None, text.to_string());
    let offset = |p: &Value| source.offset_of_utf16(p["line"].as_u64().unwrap() as u32, p["character"].as_u64().unwrap() as u32);
    let mut edits: Vec<(usize, usize, &str)> =
        edits.iter().map(|e| (offset(&e["range"]["start"]), offset(&e["range"]["end"]), e["newText"].as_str().unwrap())).collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new) in edits {
        out.replace_range(start..end, new);
    }
    out
}

/// Applies a workspace edit as an editor does: open documents change, files on disk are written.
fn apply_workspace_edit(c: &mut Client, dir: &tempfile::TempDir, edit: &Value) {
    for (uri, edits) in edit["changes"].as_object().expect("changes") {
        let file = uri.rsplit('/').next().unwrap();
        let text = apply_edits(&text_of(dir, file), edits.as_array().unwrap());
        std::fs::write(dir.path().join(file), &text).unwrap();
        if file.ends_with(".ashlar") {
            c.change(file, &text);
        } else {
            c.notify("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": uri, "type": 2 }] }));
        }
    }
}

/// Edits a file of the workspace: on disk and in the editor.
fn edit_file(c: &mut Client, dir: &tempfile::TempDir, file: &str, from: &str, to: &str) {
    let text = text_of(dir, file);
    assert!(text.contains(from), "{file} has no {from:?}");
    let text = text.replacen(from, to, 1);
    std::fs::write(dir.path().join(file), &text).unwrap();
    c.change(file, &text);
}

/// The 0-based line and UTF-16 column of the `n`th occurrence of `needle` in a file, plus `by` columns.
fn find(dir: &tempfile::TempDir, file: &str, needle: &str, n: usize) -> (u32, u32) {
    let text = text_of(dir, file);
    let at = text.match_indices(needle).nth(n).unwrap_or_else(|| panic!("{file} has no {needle:?} #{n}")).0;
    let source = ashlar::source::SourceFile::new("x", None, text);
    source.utf16_position(at)
}

/// Locations as `file:line:column-line:column`, in file and position order, for assertions.
fn places(locations: &Value) -> Vec<String> {
    let n = |v: &Value| v.as_u64().unwrap();
    let mut out: Vec<(String, [u64; 4])> = locations
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let (s, e) = (&l["range"]["start"], &l["range"]["end"]);
            let file = l["uri"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
            (file, [n(&s["line"]), n(&s["character"]), n(&e["line"]), n(&e["character"])])
        })
        .collect();
    out.sort();
    out.into_iter().map(|(f, [a, b, c, d])| format!("{f}:{a}:{b}-{c}:{d}")).collect()
}

/// A range as `line:column-line:column`.
fn span_text(range: &Value) -> String {
    let (s, e) = (&range["start"], &range["end"]);
    format!("{}:{}-{}:{}", s["line"], s["character"], e["line"], e["character"])
}

/// An outline as indented lines: name, kind, detail, range, name's range.
fn outline(symbols: &Value, depth: usize, out: &mut String) {
    for s in symbols.as_array().unwrap() {
        out.push_str(&format!(
            "{}{} [kind {}] {:?} {} (name {})\n",
            "  ".repeat(depth),
            s["name"].as_str().unwrap(),
            s["kind"],
            s["detail"].as_str().unwrap_or(""),
            span_text(&s["range"]),
            span_text(&s["selectionRange"])
        ));
        outline(&s["children"], depth + 1, out);
    }
}

#[test]
fn references_across_files() {
    let (dir, mut c, thread) = workspace();

    // `core` in `hub = core` of spoke app1: the hub, and both spokes that name it.
    let (line, col) = find(&dir, "spokes.ashlar", "= core", 0);
    let params = |c: &Client, line, col, declaration| {
        let mut p = c.at("spokes.ashlar", line, col);
        p["context"] = json!({ "includeDeclaration": declaration });
        p
    };
    let refs = c.request("textDocument/references", params(&c, line, col + 3, true));
    assert_eq!(places(&refs), ["hub.ashlar:0:4-0:8", "spokes.ashlar:1:19-1:23", "spokes.ashlar:10:19-10:23"]);
    let refs = c.request("textDocument/references", params(&c, line, col + 3, false));
    assert_eq!(places(&refs), ["spokes.ashlar:1:19-1:23", "spokes.ashlar:10:19-10:23"]);

    // From the declaration of spoke `app1`: each `app1` of `app1.web` and
    // `app1.app`, in the NSG's phrases and the machine's subnet.
    let mut p = c.at("spokes.ashlar", 0, 7);
    p["context"] = json!({ "includeDeclaration": true });
    insta::assert_json_snapshot!("references_app1", places(&c.request("textDocument/references", p)));

    // Subnet `app1.app` alone, from the machine's `subnet = app1.app`.
    let (line, col) = find(&dir, "spokes.ashlar", "app1.app", 0);
    let mut p = c.at("spokes.ashlar", line, col + 6);
    p["context"] = json!({ "includeDeclaration": true });
    assert_eq!(
        places(&c.request("textDocument/references", p)),
        ["security.ashlar:3:50-3:53", "spokes.ashlar:6:9-6:12", "spokes.ashlar:19:28-19:31"]
    );

    // A vault named in `secret(kv_core, ...)`, and an NSG used by two subnets.
    let (line, col) = find(&dir, "settings.ashlar", "kv_core", 0);
    let mut p = c.at("settings.ashlar", line, col + 2);
    p["context"] = json!({ "includeDeclaration": false });
    assert_eq!(places(&c.request("textDocument/references", p)), ["spokes.ashlar:23:30-23:37"]);
    let mut p = c.at("security.ashlar", 0, 5);
    p["context"] = json!({ "includeDeclaration": false });
    assert_eq!(places(&c.request("textDocument/references", p)), ["spokes.ashlar:5:33-5:40", "spokes.ashlar:6:30-6:37"]);

    // Definition of a segment goes to that segment's block.
    let (line, col) = find(&dir, "security.ashlar", "app2.data", 0);
    let definition = c.request("textDocument/definition", c.at("security.ashlar", line, col + 1));
    assert_eq!(places(&json!([definition])), ["spokes.ashlar:9:0-9:10"]);
    let definition = c.request("textDocument/definition", c.at("security.ashlar", line, col + 7));
    assert_eq!(places(&json!([definition])), ["spokes.ashlar:14:2-14:13"]);

    // Nothing to find on a bare word.
    let mut p = c.at("settings.ashlar", 4, 14);
    p["context"] = json!({ "includeDeclaration": true });
    assert_eq!(c.request("textDocument/references", p), json!([]));
    stop(c, thread);
}

#[test]
fn rename_across_files_keeps_the_lock() {
    let (dir, mut c, thread) = workspace();

    // Spoke `app1` becomes `frontend`: its name, every `app1.` in other
    // files, and the key of its `auto` subnet in ashlar.lock.
    let (line, col) = find(&dir, "security.ashlar", "app1.web", 0);
    let prepared = c.request("textDocument/prepareRename", c.at("security.ashlar", line, col + 2));
    assert_eq!(span_text(&prepared), format!("{line}:{col}-{line}:{}", col + 4));
    let mut p = c.at("security.ashlar", line, col + 2);
    p["newName"] = json!("frontend");
    let edit = c.request("textDocument/rename", p);
    let mut shown: Vec<String> = edit["changes"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(uri, edits)| {
            let file = uri.rsplit('/').next().unwrap().to_string();
            edits.as_array().unwrap().iter().map(move |e| format!("{file} {} -> {}", span_text(&e["range"]), e["newText"])).collect::<Vec<_>>()
        })
        .collect();
    shown.sort();
    insta::assert_snapshot!("rename_app1", shown.join("\n"));
    apply_workspace_edit(&mut c, &dir, &edit);
    assert_eq!(c.codes(), Default::default(), "the renamed plan is clean");
    assert!(text_of(&dir, "ashlar.lock").contains("\"frontend.app\": \"10.1.0.64/26\""));
    assert!(text_of(&dir, "spokes.ashlar").contains("subnet             = frontend.app"));

    // Refused: names that are not names, or that are taken where the block stands.
    let refuse = |c: &mut Client, file: &str, line, col, name: &str| {
        let mut p = c.at(file, line, col);
        p["newName"] = json!(name);
        let error = c.reply("textDocument/rename", p).expect_err("refused");
        assert_eq!(error["code"], -32803, "{error}");
        error["message"].as_str().unwrap().to_string()
    };
    assert_eq!(refuse(&mut c, "hub.ashlar", 0, 5, "app2"), "the name `app2` is taken by spoke `app2`");
    assert_eq!(refuse(&mut c, "hub.ashlar", 0, 5, "ubuntu_2204"), "the name `ubuntu_2204` is taken by marketplace_image `ubuntu_2204`");
    assert_eq!(refuse(&mut c, "spokes.ashlar", 5, 10, "app"), "the name `app` is taken by subnet `frontend.app`");
    assert!(refuse(&mut c, "hub.ashlar", 0, 5, "9lives").starts_with("`9lives` is not a name"));
    assert!(refuse(&mut c, "hub.ashlar", 0, 5, "two words").starts_with("`two words` is not a name"));
    assert!(refuse(&mut c, "hub.ashlar", 0, 5, "true").starts_with("`true` is not a name"));
    assert_eq!(
        refuse(&mut c, "hub.ashlar", 0, 5, "Internet"),
        "`Internet` is a service tag the plan uses (security.ashlar:2): a block of that name would take its place there"
    );
    // A subnet may take a name a top-level block has.
    let mut p = c.at("spokes.ashlar", 5, 10);
    p["newName"] = json!("core");
    assert!(c.reply("textDocument/rename", p).is_ok());
    // Nothing to rename on a library block or an unnamed one.
    let (line, col) = find(&dir, "spokes.ashlar", "windows_2022", 0);
    let error = c.reply("textDocument/prepareRename", c.at("spokes.ashlar", line, col + 1)).expect_err("refused");
    assert_eq!(error["message"], "marketplace_image `windows_2022` is declared by the standard library");
    let error = c.reply("textDocument/prepareRename", c.at("hub.ashlar", 6, 4)).expect_err("refused");
    assert_eq!(error["message"], "a `firewall` block has no name to rename");
    stop(c, thread);
}

#[test]
fn document_and_workspace_symbols() {
    let (_dir, mut c, thread) = workspace();
    let symbols = c.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": c.uri("spokes.ashlar") } }));
    let mut text = String::new();
    outline(&symbols, 0, &mut text);
    insta::assert_snapshot!("symbols_spokes", text);
    let symbols = c.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": c.uri("settings.ashlar") } }));
    let outline: Vec<(String, u64)> =
        symbols.as_array().unwrap().iter().map(|s| (s["name"].as_str().unwrap().to_string(), s["kind"].as_u64().unwrap())).collect();
    assert_eq!(
        outline,
        [("settings".to_string(), 2), ("tags".to_string(), 24), ("networks_have_owners".to_string(), 24), ("kv_core".to_string(), 20)]
    );

    let names = |c: &mut Client, query: &str| -> Vec<String> {
        let found = c.request("workspace/symbol", json!({ "query": query }));
        found
            .as_array()
            .unwrap()
            .iter()
            .map(|s| match s["containerName"].as_str() {
                Some(container) => format!("{container}.{}", s["name"].as_str().unwrap()),
                None => s["name"].as_str().unwrap().to_string(),
            })
            .collect()
    };
    assert_eq!(names(&mut c, "web"), ["web_nsg", "web_nsg.https", "web_nsg.from_data", "app1.web"]);
    assert_eq!(names(&mut c, "a1w"), ["app1.web"], "characters in order, ignoring case");
    assert_eq!(names(&mut c, "APP2"), ["app2", "app2.data"]);
    assert_eq!(names(&mut c, "ubuntu"), Vec::<String>::new(), "blocks of the standard library are not the plan's");
    assert_eq!(names(&mut c, "").len(), 17);
    let found = c.request("workspace/symbol", json!({ "query": "shared" }));
    assert_eq!(places(&json!(found.as_array().unwrap().iter().map(|s| s["location"].clone()).collect::<Vec<_>>())), ["hub.ashlar:5:9-5:15"]);
    stop(c, thread);
}

#[test]
fn formatting_returns_one_whole_document_edit() {
    let (dir, mut c, thread) = workspace();
    let format = |c: &mut Client, file: &str| {
        c.request("textDocument/formatting", json!({ "textDocument": { "uri": c.uri(file) }, "options": { "tabSize": 2, "insertSpaces": true } }))
    };
    assert_eq!(format(&mut c, "hub.ashlar"), json!([]), "a formatted file needs no edit");

    let messy = "hub core {\nresource_group=\"rg-core-network\"\n      address_space = [10.0.0.0/22]   // the hub's\n  subnet AzureFirewallSubnet 10.0.0.64/26\n subnet shared 10.0.1.0/24\n  firewall { }\n}\n// é😀\n";
    std::fs::write(dir.path().join("hub.ashlar"), messy).unwrap();
    c.change("hub.ashlar", messy);
    let edits = format(&mut c, "hub.ashlar");
    assert_eq!(edits.as_array().unwrap().len(), 1);
    assert_eq!(edits[0]["range"], json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 8, "character": 0 } }));
    let expected = ashlar::format::format(messy).unwrap();
    assert_eq!(edits[0]["newText"], expected);
    assert_eq!(apply_edits(messy, edits.as_array().unwrap()), expected);
    insta::assert_snapshot!("formatted_hub", expected);

    // A file that does not parse gets no edit; a closed file is read from disk.
    c.change("hub.ashlar", "hub core {\n  address_space = [10.0.0.0/22\n");
    assert_eq!(format(&mut c, "hub.ashlar"), json!([]));
    c.notify("textDocument/didClose", json!({ "textDocument": { "uri": c.uri("hub.ashlar") } }));
    assert_eq!(format(&mut c, "hub.ashlar").as_array().unwrap().len(), 1, "the messy text on disk");
    stop(c, thread);
}

/// The quick fixes offered at a place, by title, and the one named applied.
fn fixes_at(c: &mut Client, file: &str, (line, col): (u32, u32)) -> Vec<Value> {
    let params = json!({
        "textDocument": { "uri": c.uri(file) },
        "range": { "start": { "line": line, "character": col }, "end": { "line": line, "character": col } },
        "context": { "diagnostics": [] },
    });
    c.request("textDocument/codeAction", params).as_array().unwrap().clone()
}

fn titles(actions: &[Value]) -> Vec<String> {
    actions.iter().map(|a| format!("{} [{}]", a["title"].as_str().unwrap(), a["diagnostics"][0]["code"].as_str().unwrap())).collect()
}

fn apply_fix(c: &mut Client, dir: &tempfile::TempDir, actions: &[Value], title: &str) {
    let action = actions.iter().find(|a| a["title"] == title).unwrap_or_else(|| panic!("no fix {title:?} in {:?}", titles(actions)));
    assert_eq!(action["kind"], "quickfix");
    apply_workspace_edit(c, dir, &action["edit"]);
}

#[test]
fn quick_fixes_repair_the_plan() {
    let (dir, mut c, thread) = workspace();
    let clean = std::collections::BTreeMap::<String, Vec<String>>::new();

    // "did you mean": a misspelt reference.
    edit_file(
        &mut c,
        &dir,
        "spokes.ashlar",
        "hub            = core\n  resource_group = \"rg-app2",
        "hub            = cor\n  resource_group = \"rg-app2",
    );
    assert_eq!(c.codes()["spokes.ashlar"], ["ASH106"]);
    let actions = fixes_at(&mut c, "spokes.ashlar", find(&dir, "spokes.ashlar", "= cor\n", 0));
    assert_eq!(titles(&actions), Vec::<String>::new(), "the range must touch the diagnostic");
    let (line, col) = find(&dir, "spokes.ashlar", "= cor\n", 0);
    let actions = fixes_at(&mut c, "spokes.ashlar", (line, col + 3));
    assert_eq!(titles(&actions), ["Change to `core` [ASH106]"]);
    assert_eq!(actions[0]["isPreferred"], true);
    apply_fix(&mut c, &dir, &actions, "Change to `core`");
    assert_eq!(c.codes(), clean);

    // ... a misspelt attribute, and a quoted region.
    edit_file(&mut c, &dir, "hub.ashlar", "resource_group", "resource_grup");
    edit_file(&mut c, &dir, "settings.ashlar", "location = uksouth", "location = \"uksouth\"");
    let found = c.codes();
    assert_eq!(found["hub.ashlar"], ["ASH103", "ASH102"], "the hub lacks its resource group");
    assert_eq!(found["settings.ashlar"], ["ASH104"]);
    let actions = fixes_at(&mut c, "hub.ashlar", (1, 4));
    assert_eq!(titles(&actions), ["Change to `resource_group` [ASH102]"]);
    apply_fix(&mut c, &dir, &actions, "Change to `resource_group`");
    let actions = fixes_at(&mut c, "settings.ashlar", (4, 14));
    assert_eq!(titles(&actions), ["Remove the quotes [ASH104]"]);
    apply_fix(&mut c, &dir, &actions, "Remove the quotes");
    assert_eq!(c.codes(), clean);

    // A subnet that overlaps another: a free prefix of its length, or `auto`.
    edit_file(&mut c, &dir, "spokes.ashlar", "  subnet data 10.2.0.0/25\n", "  subnet data 10.2.0.0/25\n  subnet more 10.2.0.64/26\n");
    assert_eq!(c.codes()["spokes.ashlar"], ["ASH202"]);
    let actions = fixes_at(&mut c, "spokes.ashlar", find(&dir, "spokes.ashlar", "10.2.0.64/26", 0));
    assert_eq!(titles(&actions), ["Allocate a free prefix: 10.2.0.128/26 [ASH202]", "Let ashlar choose: `auto /26` [ASH202]"]);
    apply_fix(&mut c, &dir, &actions, "Allocate a free prefix: 10.2.0.128/26");
    assert_eq!(c.codes(), clean);
    assert!(text_of(&dir, "spokes.ashlar").contains("subnet more 10.2.0.128/26"));
    // ... or lies outside its network's address space.
    edit_file(&mut c, &dir, "spokes.ashlar", "subnet more 10.2.0.128/26", "subnet more 10.9.0.0/26");
    assert_eq!(c.codes()["spokes.ashlar"], ["ASH201"]);
    let actions = fixes_at(&mut c, "spokes.ashlar", find(&dir, "spokes.ashlar", "10.9.0.0/26", 0));
    apply_fix(&mut c, &dir, &actions, "Allocate a free prefix: 10.2.0.128/26");
    assert_eq!(c.codes(), clean);

    // A tag the tag policy requires and the plan no longer gives: said once, at
    // `settings`' tags, where one line gives it to every block; the plan's own
    // policy at each network.
    edit_file(&mut c, &dir, "settings.ashlar", "    owner       = \"platform@contoso.com\"\n", "");
    let found = c.codes();
    assert_eq!(found["settings.ashlar"], ["ASH501"]);
    assert_eq!(found["hub.ashlar"], ["ASH500"]);
    assert_eq!(found["spokes.ashlar"], ["ASH500", "ASH500"]);
    let actions = fixes_at(&mut c, "settings.ashlar", find(&dir, "settings.ashlar", "{\n    environment", 0));
    assert_eq!(
        titles(&actions),
        ["Add the tag `owner` to `settings` (every block) [ASH501]", "Allow `ASH501` in `settings` (then give the reason) [ASH501]"]
    );
    apply_fix(&mut c, &dir, &actions, "Add the tag `owner` to `settings` (every block)");
    assert!(text_of(&dir, "settings.ashlar").contains("    environment = \"prod\"\n    owner = \"\"\n  }"), "{}", text_of(&dir, "settings.ashlar"));
    // The tag policy asks only for the tag; the plan's policy wants an owner in it.
    let found = c.codes();
    assert!(found.values().flatten().all(|code| code == "ASH500"), "{found:?}");
    edit_file(&mut c, &dir, "settings.ashlar", "owner = \"\"", "owner = \"platform@contoso.com\"");
    assert_eq!(c.codes(), clean);
    // A required value comes from the rule's list, in a map on one line.
    edit_file(
        &mut c,
        &dir,
        "settings.ashlar",
        "  tags {\n    environment = \"prod\"\n    owner = \"platform@contoso.com\"\n  }",
        "  tags { owner = \"platform@contoso.com\" }",
    );
    let actions = fixes_at(&mut c, "settings.ashlar", find(&dir, "settings.ashlar", "{ owner", 0));
    apply_fix(&mut c, &dir, &actions, "Add the tag `environment` to `settings` (every block)");
    assert!(
        text_of(&dir, "settings.ashlar").contains("  tags { owner = \"platform@contoso.com\"  environment = \"prod\" }\n"),
        "{}",
        text_of(&dir, "settings.ashlar")
    );
    assert_eq!(c.codes(), clean);

    // A policy finding or a warning: allowed in the block, with a reason to give.
    let (_dir2, mut d, thread2) = workspace();
    let dir2 = _dir2;
    edit_file(
        &mut d,
        &dir2,
        "security.ashlar",
        "  rule from_data {",
        "  rule ssh { inbound allow tcp 22 from Internet priority 300 }\n  rule from_data {",
    );
    assert_eq!(d.codes()["security.ashlar"], ["ASH500"]);
    let actions = fixes_at(&mut d, "security.ashlar", find(&dir2, "security.ashlar", "rule ssh", 0));
    assert_eq!(titles(&actions), ["Allow `no_ssh_from_internet` in nsg `web_nsg` (then give the reason) [ASH500]"]);
    apply_fix(&mut d, &dir2, &actions, "Allow `no_ssh_from_internet` in nsg `web_nsg` (then give the reason)");
    assert!(text_of(&dir2, "security.ashlar").starts_with("nsg web_nsg {\n  allow no_ssh_from_internet because \"\"\n  rule https"));
    assert_eq!(d.codes()["security.ashlar"], ["ASH503"], "the finding is gone; the reason is asked for");
    edit_file(&mut d, &dir2, "security.ashlar", "because \"\"", "because \"the jump host, closed after each use\"");
    assert_eq!(d.codes(), clean);
    // A warning: an NSG no subnet uses.
    edit_file(
        &mut d,
        &dir2,
        "security.ashlar",
        "nsg web_nsg {",
        "nsg spare {\n  resource_group = \"rg-spare\"\n  rule a { inbound allow tcp 443 from VirtualNetwork priority 100 }\n}\n\nnsg web_nsg {",
    );
    assert_eq!(d.codes()["security.ashlar"], ["ASH216"]);
    let actions = fixes_at(&mut d, "security.ashlar", (0, 5));
    assert_eq!(titles(&actions), ["Allow `ASH216` in nsg `spare` (then give the reason) [ASH216]"]);
    apply_fix(&mut d, &dir2, &actions, "Allow `ASH216` in nsg `spare` (then give the reason)");
    assert!(text_of(&dir2, "security.ashlar").starts_with("nsg spare {\n  allow ASH216 because \"\"\n  resource_group"));
    assert_eq!(d.codes()["security.ashlar"], ["ASH503"]);
    stop(d, thread2);
    stop(c, thread);
}

#[test]
fn hover_names_the_policies_over_a_block() {
    let (dir, mut c, thread) = workspace();
    let hover = c.request("textDocument/hover", c.at("security.ashlar", 1, 8));
    insta::assert_snapshot!("hover_rule_policies", hover["contents"]["value"].as_str().unwrap());
    let hover = c.request("textDocument/hover", c.at("spokes.ashlar", 0, 7));
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("Policies over it: `networks_have_owners`, the tag policy"), "{text}");
    // A subnet deploys nothing that takes tags, and no policy iterates subnets.
    let (line, col) = find(&dir, "spokes.ashlar", "web 10.1", 0);
    let hover = c.request("textDocument/hover", c.at("spokes.ashlar", line, col));
    assert!(!hover["contents"]["value"].as_str().unwrap().contains("Policies"), "{hover}");
    stop(c, thread);
}

#[test]
fn broken_files_do_not_stop_the_others() {
    let (dir, mut c, thread) = workspace();
    c.change("security.ashlar", "nsg web_nsg {\n  rule https { inbound allow tcp 443 from Internet to app1.web priority 100 }\n  rule = = {\n");
    let found = c.codes();
    assert_eq!(found["security.ashlar"], ["ASH001"], "{found:?}");
    // The other files still answer.
    let hover = c.request("textDocument/hover", c.at("spokes.ashlar", 1, 20));
    assert!(hover["contents"]["value"].as_str().unwrap().starts_with("**hub `core`**"), "{hover}");
    let definition = c.request("textDocument/definition", c.at("spokes.ashlar", 1, 20));
    assert_eq!(places(&json!([definition])), ["hub.ashlar:0:0-0:8"]);
    let (line, col) = find(&dir, "spokes.ashlar", "kv_core", 0);
    let definition = c.request("textDocument/definition", c.at("spokes.ashlar", line, col + 1));
    assert_eq!(places(&json!([definition])), ["settings.ashlar:23:0-23:17"]);
    // The broken file has no outline and no fixes, and says so without failing.
    assert_eq!(c.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": c.uri("security.ashlar") } })), json!([]));
    assert_eq!(c.request("textDocument/hover", c.at("security.ashlar", 1, 8)), Value::Null);
    stop(c, thread);
}

/// A small deterministic generator: xorshift64*.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn three_hundred_random_edits_never_stop_the_server() {
    let (dir, mut c, thread) = workspace();
    let plan: String = FILES.iter().filter(|f| f.ends_with(".ashlar")).map(|f| text_of(&dir, f)).collect();
    let pieces = [
        "{",
        "}",
        "=",
        "\"",
        "\n",
        "[",
        "]",
        "(",
        ")",
        ".",
        "/",
        "auto /",
        "10.0.0.0/8",
        "é😀",
        "\r\n",
        "//",
        "/*",
        "core",
        "app1.web",
        "secret(",
        "allow ",
    ];
    let files: Vec<&str> = FILES.iter().copied().filter(|f| f.ends_with(".ashlar")).collect();
    let mut texts: Vec<String> = files.iter().map(|f| text_of(&dir, f)).collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let char_at = |text: &str, n: usize| text.char_indices().map(|(i, _)| i).chain([text.len()]).nth(n).unwrap_or(text.len());
    let requests = [
        "textDocument/hover",
        "textDocument/definition",
        "textDocument/completion",
        "textDocument/references",
        "textDocument/prepareRename",
        "textDocument/rename",
        "textDocument/documentSymbol",
        "textDocument/formatting",
        "textDocument/codeAction",
        "workspace/symbol",
    ];
    let mut answers = 0;
    for edit in 0..300 {
        let f = rng.below(files.len());
        // Now and then a file is restored, as an undo would: the plan is broken and whole by turns.
        if rng.below(4) == 0 {
            texts[f] = text_of(&dir, files[f]);
        }
        let text = &mut texts[f];
        let chars = text.chars().count();
        let start = char_at(text, rng.below(chars + 1));
        if rng.below(2) == 0 {
            let end = char_at(text, (text[..start].chars().count() + 1 + rng.below(20)).min(chars));
            text.replace_range(start..end.max(start), "");
        } else {
            let piece = if rng.below(3) == 0 {
                pieces[rng.below(pieces.len())].to_string()
            } else {
                let from = char_at(&plan, rng.below(plan.chars().count()));
                plan[from..].chars().take(1 + rng.below(30)).collect()
            };
            text.insert_str(start, &piece);
        }
        let text = text.clone();
        c.change(files[f], &text);
        // Requests at random places, some past the end of the text.
        for _ in 0..2 {
            let method = requests[rng.below(requests.len())];
            let g = rng.below(files.len());
            let file = files[g];
            let (line, character) = (rng.below(texts[g].lines().count() + 2) as u32, rng.below(80) as u32);
            let mut params = c.at(file, line, character);
            match method {
                "textDocument/references" => params["context"] = json!({ "includeDeclaration": true }),
                "textDocument/rename" => params["newName"] = json!("renamed"),
                "textDocument/formatting" => params["options"] = json!({ "tabSize": 2, "insertSpaces": true }),
                "workspace/symbol" => params = json!({ "query": "a" }),
                "textDocument/codeAction" => {
                    params["context"] = json!({ "diagnostics": [] });
                    params["range"] = json!({ "start": { "line": line, "character": 0 }, "end": { "line": line + 3, "character": character } });
                }
                _ => {}
            }
            match c.reply(method, params) {
                Ok(Value::Null) => {}
                Ok(v) if v == json!([]) => {}
                Ok(_) => answers += 1,
                // Renames may be refused; nothing else fails.
                Err(e) if e["code"] == -32803 && (method == "textDocument/rename" || method == "textDocument/prepareRename") => {}
                Err(e) => panic!("edit {edit}: {method} failed: {e}"),
            }
        }
        if edit % 25 == 0 {
            let _ = c.diagnostics();
        }
    }
    // The edits broke the plan in many ways, and the requests still found things.
    let seen = c.published_codes.clone();
    assert!(seen.get("ASH001").is_some_and(|n| *n > 10), "syntax errors: {seen:?}");
    assert!(seen.len() > 5, "several kinds of problem: {seen:?}");
    assert!(answers > 40, "{answers} answers with content");
    eprintln!("{answers} answers with content; published: {seen:?}");
    assert_eq!(c.logged_errors, Vec::<String>::new(), "the analysis never failed");
    // Still serving: the original plan, restored, is clean again.
    for file in &files {
        let text = text_of(&dir, file);
        c.change(file, &text);
    }
    assert_eq!(c.codes(), Default::default());
    stop(c, thread);
}

// Which files form a plan: tests/fixtures/lsp/plans holds alpha (marked by
// its ashlar.toml, with a spoke in spokes/ and a marked plan in nested/) and
// beta (no mark, with a folder drafts/ below it), all with the same names.

fn plans() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/lsp/plans");
    let mut pending = vec![fixtures.clone()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let target = dir.path().join(path.strip_prefix(&fixtures).unwrap());
            if path.is_dir() {
                std::fs::create_dir_all(&target).unwrap();
                pending.push(path);
            } else {
                std::fs::copy(&path, &target).unwrap();
            }
        }
    }
    dir
}

const PLAN_FILES: &[&str] =
    &["alpha/plan.ashlar", "alpha/spokes/app.ashlar", "alpha/nested/plan.ashlar", "beta/plan.ashlar", "beta/drafts/plan.ashlar"];

#[test]
fn sibling_and_nested_plans_are_never_merged() {
    let dir = plans();
    let (mut c, thread) = Client::start(dir.path());
    for file in PLAN_FILES {
        c.open(file, &text_of(&dir, file));
    }
    // The same names in four plans: no "name is taken", no second settings block.
    let published: std::collections::BTreeSet<String> = c.diagnostics().into_iter().map(|(file, _)| file).collect();
    for file in PLAN_FILES {
        assert!(published.contains(*file), "{file} has its diagnostics: {published:?}");
    }
    assert_eq!(c.codes(), Default::default(), "four clean plans");

    // A spoke in a folder below a marked plan is part of it: its hub is alpha's.
    let definition = c.request("textDocument/definition", c.at("alpha/spokes/app.ashlar", 1, 20));
    assert_eq!(definition["uri"], c.uri("alpha/plan.ashlar"), "{definition}");
    let hover = c.request("textDocument/hover", c.at("beta/plan.ashlar", 12, 20));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("core"), "{hover}");
    let definition = c.request("textDocument/definition", c.at("beta/plan.ashlar", 12, 20));
    assert_eq!(definition["uri"], c.uri("beta/plan.ashlar"), "{definition}");

    // A change re-analyses its own plan only: beta's file is published, and no other.
    let broken = text_of(&dir, "beta/plan.ashlar").replacen("hub            = core", "hub            = cor", 1);
    c.change("beta/plan.ashlar", &broken);
    let published: Vec<(String, Value)> = c.diagnostics();
    assert_eq!(published.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(), ["beta/plan.ashlar"]);
    assert_eq!(published[0].1.as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect::<Vec<_>>(), ["ASH106"]);
    // A second settings block in alpha's spoke file is alpha's problem, not nested's or beta's.
    let spoke = text_of(&dir, "alpha/spokes/app.ashlar");
    c.change("alpha/spokes/app.ashlar", &format!("{spoke}\nsettings {{\n  location = westeurope\n}}\n"));
    // Only that file's diagnostics changed (the first settings block is a label of its error): it alone is published.
    let published = c.diagnostics();
    assert_eq!(published.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(), ["alpha/spokes/app.ashlar"]);
    assert!(published[0].1.to_string().contains("alpha/plan.ashlar"), "the other settings block is pointed at: {}", published[0].1);
    // Workspace symbols come from every plan kept.
    let symbols = c.request("workspace/symbol", json!({ "query": "core" }));
    let mut places: Vec<String> = symbols
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["name"] == "core")
        .map(|s| s["location"]["uri"].as_str().unwrap().replace(&c.root, ""))
        .collect();
    places.sort();
    assert_eq!(places, ["/alpha/nested/plan.ashlar", "/alpha/plan.ashlar", "/beta/drafts/plan.ashlar", "/beta/plan.ashlar"]);
    stop(c, thread);
}

#[test]
fn a_file_outside_the_workspace_is_a_plan_of_its_own() {
    let workspace = plans();
    let elsewhere = tempfile::tempdir().unwrap();
    let text = text_of(&workspace, "beta/plan.ashlar").replacen("hub            = core", "hub            = cor", 1);
    std::fs::write(elsewhere.path().join("loose.ashlar"), &text).unwrap();
    let (mut c, thread) = Client::start(workspace.path());
    let uri = ashlar::lsp::path_to_uri(&elsewhere.path().join("loose.ashlar")).unwrap().as_str().to_string();
    c.notify("textDocument/didOpen", json!({ "textDocument": { "uri": uri, "languageId": "ashlar", "version": 1, "text": text } }));
    let published = c.diagnostics();
    let loose: Vec<&Value> = published.iter().filter(|(f, _)| *f == uri).map(|(_, d)| d).collect();
    assert_eq!(loose.len(), 1, "{published:?}");
    assert_eq!(loose[0].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect::<Vec<_>>(), ["ASH106"]);
    // A mark added beside it, then a save: the plan is found anew, and stays its own.
    std::fs::write(elsewhere.path().join("ashlar.toml"), "[severity]\n").unwrap();
    c.notify("textDocument/didSave", json!({ "textDocument": { "uri": uri } }));
    // Its diagnostics are as they were: it is not published again, and not cleared.
    let published = c.diagnostics();
    assert!(published.iter().all(|(f, d)| *f != uri || d.as_array().unwrap().len() == 1), "{published:?}");
    stop(c, thread);
}

#[test]
fn incremental_sync_is_advertised_and_counts_utf16_units() {
    let (dir, mut c, thread) = workspace();
    let (server, client) = Connection::memory();
    let other = std::thread::spawn(move || ashlar::lsp::serve(server).expect("the server runs"));
    client.sender.send(Message::Request(Request::new(RequestId::from(1), "initialize".into(), json!({ "capabilities": {} })))).unwrap();
    let Message::Response(init) = client.receiver.recv().unwrap() else { panic!("a reply") };
    assert_eq!(init.result.unwrap()["capabilities"]["textDocumentSync"], 2, "incremental");
    client.sender.send(Message::Notification(Notification::new("exit".into(), Value::Null))).unwrap();
    other.join().unwrap();

    // A comment with non-ASCII text goes before `hub = core`, then `core` after it loses its `e`.
    let uri = c.uri("spokes.ashlar");
    let edit = |version: i32, changes: Value| json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes });
    let at = |a: u32, b: u32| json!({ "start": { "line": 1, "character": a }, "end": { "line": 1, "character": b } });
    c.notify("textDocument/didChange", edit(2, json!([{ "range": at(2, 2), "text": "/* café 😀 */ " }])));
    // `/* café 😀 */ ` is 14 UTF-16 units (😀 is two, é one), 16 bytes: `core` now starts at column 33.
    c.notify("textDocument/didChange", edit(3, json!([{ "range": at(36, 37), "text": "" }])));
    let published = c.diagnostics();
    let (file, diagnostics) = published.last().unwrap();
    assert_eq!(file, "spokes.ashlar");
    let unknown = diagnostics.as_array().unwrap().iter().find(|d| d["code"] == "ASH106").unwrap_or_else(|| panic!("{diagnostics}"));
    assert_eq!(unknown["range"], json!({ "start": { "line": 1, "character": 33 }, "end": { "line": 1, "character": 36 } }));
    let text = apply_edits(&text_of(&dir, "spokes.ashlar"), &[json!({ "range": at(2, 2), "newText": "/* café 😀 */ " })]);
    assert_eq!(text.lines().nth(1).unwrap(), "  /* café 😀 */ hub            = core");
    // Back to `core`: the plan is clean again.
    c.notify("textDocument/didChange", edit(4, json!([{ "range": at(36, 36), "text": "e" }])));
    assert!(c.codes().is_empty());
    stop(c, thread);
}

#[test]
fn only_files_whose_diagnostics_changed_are_published_again() {
    let (_dir, mut c, thread) = workspace();
    // An error in one file: that file is published, the three others (clean before and after) are not.
    let text = std::fs::read_to_string(_dir.path().join("spokes.ashlar")).unwrap();
    c.change("spokes.ashlar", &text.replacen("hub            = core", "hub            = cor", 1));
    let files: Vec<String> = c.diagnostics().into_iter().map(|(file, _)| file).collect();
    assert_eq!(files, ["spokes.ashlar"]);
    // A change that leaves every file's diagnostics as they were publishes the
    // changed document only, for its new version.
    c.change("spokes.ashlar", &format!("// a comment\n{}", text.replacen("hub            = core", "hub            = cor", 1)));
    let published = c.diagnostics();
    assert_eq!(published.iter().map(|(file, _)| file.as_str()).collect::<Vec<_>>(), ["spokes.ashlar"]);
    // An edit of another file that changes no diagnostics: that file alone is published, for its new version.
    let settings = std::fs::read_to_string(_dir.path().join("settings.ashlar")).unwrap();
    c.change("settings.ashlar", &format!("{settings}\n"));
    let files: Vec<String> = c.diagnostics().into_iter().map(|(file, _)| file).collect();
    assert_eq!(files, ["settings.ashlar"], "the spokes' diagnostics are as they were");
    stop(c, thread);
}

#[test]
fn a_burst_of_changes_publishes_the_latest_text() {
    let (_dir, mut c, thread) = workspace();
    let text = std::fs::read_to_string(_dir.path().join("spokes.ashlar")).unwrap();
    // Twenty versions sent at once, the last one broken: what is published last is
    // the last version's diagnostics, and not every version is analysed.
    for n in 0..20 {
        let hub = if n == 19 { "cor" } else { "core" };
        c.change("spokes.ashlar", &format!("// version {n}\n{}", text.replacen("= core", &format!("= {hub}"), 1)));
    }
    let published: Vec<Value> = c.diagnostics().into_iter().filter(|(file, _)| file == "spokes.ashlar").map(|(_, d)| d).collect();
    assert!(published.len() < 20, "{} publications", published.len());
    let last = published.last().expect("the last version published");
    assert!(last.as_array().unwrap().iter().any(|d| d["code"] == "ASH106"), "{last}");
    stop(c, thread);
}

#[test]
fn an_analysis_is_given_up_when_superseded() {
    let (dir, _) = fixture();
    let input = ashlar::load::read_plan(dir.path()).unwrap();
    let asked = std::cell::Cell::new(0);
    let given_up = ashlar::analyze_unless(&input, &mut ashlar::ParseCache::default(), &|| {
        asked.set(asked.get() + 1);
        true
    });
    assert!(given_up.is_none());
    assert_eq!(asked.get(), 1, "given up after its first stage");
    let done = ashlar::analyze_unless(&input, &mut ashlar::ParseCache::default(), &|| false).expect("an analysis");
    assert_eq!(done.diagnostics.len(), ashlar::analyze(&input).diagnostics.len());
}

// ---------------------------------------------------------------------------
// Editor features over one plan: tests/fixtures/lsp/features.

fn features() -> (tempfile::TempDir, Client, std::thread::JoinHandle<()>, String) {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/lsp/features/plan.ashlar")).unwrap();
    std::fs::write(dir.path().join("plan.ashlar"), &text).unwrap();
    let (mut c, thread) = Client::start(dir.path());
    c.open("plan.ashlar", &text);
    assert_eq!(c.codes(), Default::default(), "the features fixture is clean");
    (dir, c, thread, text)
}

/// The line and UTF-16 column of the `n`th `needle` in `text`, plus `shift` columns.
fn spot(text: &str, needle: &str, n: usize, shift: u32) -> (u32, u32) {
    let offset = text.match_indices(needle).nth(n).unwrap_or_else(|| panic!("{needle} #{n}")).0;
    let line = text[..offset].matches('\n').count() as u32;
    let column = text[..offset].rsplit('\n').next().unwrap().encode_utf16().count() as u32;
    (line, column + shift)
}

fn line_of(text: &str, line: u64) -> &str {
    text.lines().nth(line as usize).unwrap()
}

#[test]
fn initialize_names_the_server_and_its_features() {
    let (_dir, c, thread, _) = features();
    assert_eq!(c.init["serverInfo"]["name"], "ashlar");
    assert_eq!(c.init["serverInfo"]["version"], env!("CARGO_PKG_VERSION"));
    let caps = &c.init["capabilities"];
    for feature in ["inlayHintProvider", "foldingRangeProvider", "documentHighlightProvider", "documentRangeFormattingProvider"] {
        assert_eq!(caps[feature], true, "{feature}");
    }
    assert_eq!(caps["signatureHelpProvider"]["triggerCharacters"], json!(["(", ","]));
    assert_eq!(caps["semanticTokensProvider"]["full"], true);
    assert_eq!(caps["semanticTokensProvider"]["legend"]["tokenTypes"], json!(["keyword", "property", "variable", "enumMember", "function"]));
    stop(c, thread);
}

#[test]
fn inlay_hints_show_what_ashlar_derived() {
    let (_dir, mut c, thread, text) = features();
    let whole = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 999, "character": 0 } });
    let hints = c.request("textDocument/inlayHint", json!({ "textDocument": { "uri": c.uri("plan.ashlar") }, "range": whole }));
    // Each hint with the text of its line up to where it stands.
    let shown: Vec<String> = hints
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let line = line_of(&text, h["position"]["line"].as_u64().unwrap());
            let before: String = line.encode_utf16().take(h["position"]["character"].as_u64().unwrap() as usize).map(|u| u as u8 as char).collect();
            format!("{before} ⟨{}⟩", h["label"].as_str().unwrap())
        })
        .collect();
    insta::assert_snapshot!("inlay_hints", shown.join("\n"));
    // A range asks for the hints inside it only: the firewall's line.
    let (line, _) = spot(&text, "firewall {", 0, 0);
    let range = json!({ "start": { "line": line, "character": 0 }, "end": { "line": line, "character": 99 } });
    let hints = c.request("textDocument/inlayHint", json!({ "textDocument": { "uri": c.uri("plan.ashlar") }, "range": range }));
    assert_eq!(hints.as_array().unwrap().len(), 1, "{hints}");
    stop(c, thread);
}

#[test]
fn semantic_tokens_colour_what_the_analysis_knows() {
    let (_dir, mut c, thread, text) = features();
    let tokens = c.request("textDocument/semanticTokens/full", json!({ "textDocument": { "uri": c.uri("plan.ashlar") } }));
    let data: Vec<u64> = tokens["data"].as_array().unwrap().iter().map(|n| n.as_u64().unwrap()).collect();
    let types = ["keyword", "property", "variable", "enumMember", "function"];
    let modifiers = ["declaration", "region", "sku"];
    let (mut line, mut start) = (0u64, 0u64);
    let mut shown = Vec::new();
    for t in data.chunks(5) {
        if t[0] > 0 {
            start = 0;
        }
        line += t[0];
        start += t[1];
        let units: Vec<u16> = line_of(&text, line).encode_utf16().collect();
        let word = String::from_utf16(&units[start as usize..(start + t[2]) as usize]).unwrap();
        let mods: Vec<&str> = modifiers.iter().enumerate().filter(|(i, _)| t[4] & (1 << i) != 0).map(|(_, m)| *m).collect();
        shown.push(format!("{}:{} {word} {}{}", line, start, types[t[3] as usize], mods.iter().map(|m| format!(".{m}")).collect::<String>()));
    }
    insta::assert_snapshot!("semantic_tokens", shown.join("\n"));
    stop(c, thread);
}

#[test]
fn signature_help_follows_the_arguments() {
    let (_dir, mut c, thread, text) = features();
    let typing = text.replace("secret(kv_core, \"api-admin-password\")", "secret(kv_core, \"api");
    c.change("plan.ashlar", &typing);
    let _ = c.diagnostics();
    let (line, column) = spot(&typing, "secret(", 0, 7);
    let help = c.request("textDocument/signatureHelp", c.at("plan.ashlar", line, column));
    assert_eq!(help["signatures"][0]["label"], "secret(vault, \"name\")");
    assert_eq!(help["activeParameter"], 0);
    let help = c.request("textDocument/signatureHelp", c.at("plan.ashlar", line, column + 12));
    assert_eq!(help["activeParameter"], 1, "after the comma: the secret's name");
    insta::assert_json_snapshot!("signature_secret", help);
    // A comma inside a string is no argument's end; outside a call there is no help.
    assert_eq!(ashlar::ide::signature_help("file(\"a,b").map(|(f, n)| (f.name, n)), Some(("file", 0)));
    assert_eq!(ashlar::ide::signature_help("marketplace(\"p\", \"o\", ").map(|(f, n)| (f.name, n)), Some(("marketplace", 2)));
    assert!(ashlar::ide::signature_help("zones = [1, 2").is_none());
    assert!(ashlar::ide::signature_help("x = secret(kv, \"a\") ").is_none());
    let help = c.request("textDocument/signatureHelp", c.at("plan.ashlar", 2, 5));
    assert_eq!(help, Value::Null);
    stop(c, thread);
}

#[test]
fn completions_have_kinds_documentation_and_snippets() {
    let (_dir, mut c, thread, text) = features();
    // A new line in `settings`, one in `hub core`, and `admin = ` being typed.
    let typing = text
        .replacen("  location = uksouth\n", "  location = uksouth\n  t\n", 1)
        .replacen("  subnet shared auto /24\n", "  subnet shared auto /24\n  s\n", 1)
        .replacen("secret(kv_core, \"api-admin-password\")", "", 1);
    c.change("plan.ashlar", &typing);
    let _ = c.diagnostics();
    let pick = |items: &Value, label: &str| {
        items.as_array().unwrap().iter().find(|i| i["label"] == label).cloned().unwrap_or_else(|| panic!("{label}: {items}"))
    };
    let (line, _) = spot(&typing, "  t\n", 0, 0);
    let items = c.request("textDocument/completion", c.at("plan.ashlar", line, 3));
    let tags = pick(&items, "tags");
    assert_eq!(tags["kind"], 10, "a property");
    let (line, _) = spot(&typing, "  s\n", 0, 0);
    let items = c.request("textDocument/completion", c.at("plan.ashlar", line, 3));
    let subnet = pick(&items, "subnet");
    let location = pick(&items, "location");
    let (line, column) = spot(&typing, "admin              = ", 0, 21);
    let items = c.request("textDocument/completion", c.at("plan.ashlar", line, column));
    let secret = pick(&items, "secret");
    insta::assert_json_snapshot!("completion_items", json!({ "subnet": subnet, "location": location, "secret": secret }));
    stop(c, thread);
}

#[test]
fn folding_highlights_and_range_formatting() {
    let (_dir, mut c, thread, text) = features();
    let uri = c.uri("plan.ashlar");
    let folds = c.request("textDocument/foldingRange", json!({ "textDocument": { "uri": uri } }));
    let shown: Vec<String> = folds
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{}-{} {}", f["startLine"], f["endLine"], line_of(&text, f["startLine"].as_u64().unwrap()).trim()))
        .collect();
    insta::assert_snapshot!("folding_ranges", shown.join("\n"));

    // `core`: declared once (written), named by the spoke's `hub` (read).
    let (line, column) = spot(&text, "= core", 0, 3);
    let highlights = c.request("textDocument/documentHighlight", c.at("plan.ashlar", line, column));
    let shown: Vec<(u64, u64)> =
        highlights.as_array().unwrap().iter().map(|h| (h["range"]["start"]["line"].as_u64().unwrap(), h["kind"].as_u64().unwrap())).collect();
    assert_eq!(shown, [(spot(&text, "hub core", 0, 0).0 as u64, 3), (line as u64, 2)]);

    // The spoke written badly: formatting its lines mends it and leaves the hub's bad line.
    let messy = text.replace("  hub            = core", "hub=core").replace("  address_space  = [10.0.0.0/22]", "    address_space  = [10.0.0.0/22]");
    c.change("plan.ashlar", &messy);
    let _ = c.diagnostics();
    let (line, _) = spot(&messy, "hub=core", 0, 0);
    let range = json!({ "start": { "line": line, "character": 0 }, "end": { "line": line, "character": 3 } });
    let edits = c.request(
        "textDocument/rangeFormatting",
        json!({ "textDocument": { "uri": uri }, "range": range, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(edits.as_array().unwrap().len(), 1, "{edits}");
    let formatted = apply_edits(&messy, edits.as_array().unwrap());
    assert_eq!(formatted, text.replace("  address_space  = [10.0.0.0/22]", "    address_space  = [10.0.0.0/22]"));
    stop(c, thread);
}

#[test]
fn hover_on_words_rules_and_misspelt_attributes() {
    let (_dir, mut c, thread, text) = features();
    let hover = |c: &mut Client, (line, column): (u32, u32)| {
        let reply = c.request("textDocument/hover", c.at("plan.ashlar", line, column));
        reply["contents"]["value"].as_str().unwrap_or_else(|| panic!("a hover at {line}:{column}: {reply}")).to_string()
    };
    let sku = hover(&mut c, spot(&text, "Standard\n", 0, 2));
    let region = hover(&mut c, spot(&text, "uksouth", 0, 2));
    let rule = hover(&mut c, spot(&text, "rule ntp", 0, 6));
    insta::assert_snapshot!("hover_words_and_rules", format!("{sku}\n\n---\n\n{region}\n\n---\n\n{rule}"));
    let misspelt = text.replacen("  address_space  = [10.1.0.0/24]", "  adress_space   = [10.1.0.0/24]", 1);
    c.change("plan.ashlar", &misspelt);
    let _ = c.diagnostics();
    let key = hover(&mut c, spot(&misspelt, "adress_space", 0, 2));
    insta::assert_snapshot!("hover_misspelt_attribute", key);
    stop(c, thread);
}
