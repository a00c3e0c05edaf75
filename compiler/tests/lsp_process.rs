//! The language server as an editor runs it: the `ashlar lsp` binary, spoken
//! to over standard input and output with `Content-Length` framing, from
//! `initialize` to `exit` and the process's exit code.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Notifications received while waiting for something else.
    backlog: Vec<Value>,
    next_id: i64,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ashlar"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("ashlar lsp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (send, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                // Headers, then a blank line, then exactly Content-Length bytes.
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = Some(n.parse::<usize>().expect("a length"));
                    }
                }
                let mut body = vec![0; length.expect("every message has a Content-Length")];
                reader.read_exact(&mut body).expect("the whole body");
                if send.send(serde_json::from_slice::<Value>(&body).expect("JSON")).is_err() {
                    return;
                }
            }
        });
        Server { child, stdin, messages, backlog: Vec::new(), next_id: 0 }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn next(&mut self) -> Value {
        self.messages.recv_timeout(Duration::from_secs(30)).expect("the server answers within 30 s")
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let message = self.next();
            if message["id"] == id && message.get("method").is_none() {
                assert!(message.get("error").is_none(), "{method}: {message}");
                return message["result"].clone();
            }
            self.backlog.push(message);
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// The next diagnostics published for a file, at a document version.
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let wanted = |m: &Value| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri && m["params"]["version"] == version;
        if let Some(i) = self.backlog.iter().position(wanted) {
            return self.backlog.remove(i)["params"]["diagnostics"].as_array().unwrap().clone();
        }
        loop {
            let message = self.next();
            if wanted(&message) {
                return message["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }
}

fn copy_workspace(dir: &Path) {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/lsp/workspace");
    for entry in std::fs::read_dir(fixtures).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
}

#[test]
fn ashlar_lsp_speaks_the_protocol_over_stdio() {
    let dir = tempfile::tempdir().unwrap();
    copy_workspace(dir.path());
    let root = ashlar::lsp::path_to_uri(dir.path()).unwrap().as_str().to_string();
    let spokes = format!("{root}/spokes.ashlar");
    let text = std::fs::read_to_string(dir.path().join("spokes.ashlar")).unwrap();
    let mut s = Server::start();

    let init = s.request(
        "initialize",
        json!({ "processId": null, "rootUri": root, "capabilities": {}, "workspaceFolders": [{ "uri": root, "name": "plan" }] }),
    );
    let capabilities = &init["capabilities"];
    for provider in ["hoverProvider", "definitionProvider", "referencesProvider", "documentSymbolProvider", "documentFormattingProvider"] {
        assert_eq!(capabilities[provider], true, "{provider}");
    }
    assert_eq!(capabilities["renameProvider"]["prepareProvider"], true);
    assert_eq!(capabilities["textDocumentSync"], 1, "full text sync");
    s.notify("initialized", json!({}));

    // Open: the plan of four files is clean.
    s.notify("textDocument/didOpen", json!({ "textDocument": { "uri": spokes, "languageId": "ashlar", "version": 1, "text": text } }));
    assert_eq!(s.diagnostics(&spokes, 1), Vec::<Value>::new());

    // Change: a misspelt hub, at its line and UTF-16 column.
    let broken = text.replacen("hub            = core", "hub            = cor", 1);
    s.notify("textDocument/didChange", json!({ "textDocument": { "uri": spokes, "version": 2 }, "contentChanges": [{ "text": broken }] }));
    let diagnostics = s.diagnostics(&spokes, 2);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "ASH106");
    assert_eq!(diagnostics[0]["range"], json!({ "start": { "line": 1, "character": 19 }, "end": { "line": 1, "character": 22 } }));
    assert!(diagnostics[0]["message"].as_str().unwrap().contains("did you mean `core`?"));
    s.notify("textDocument/didChange", json!({ "textDocument": { "uri": spokes, "version": 3 }, "contentChanges": [{ "text": text }] }));
    assert_eq!(s.diagnostics(&spokes, 3), Vec::<Value>::new());

    let at = |line: u32, character: u32| json!({ "textDocument": { "uri": spokes }, "position": { "line": line, "character": character } });
    let hover = s.request("textDocument/hover", at(1, 20));
    assert!(hover["contents"]["value"].as_str().unwrap().starts_with("**hub `core`**"), "{hover}");

    let items = s.request("textDocument/completion", at(3, 2));
    let labels: Vec<&str> = items.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"dns_servers") && labels.contains(&"subnet"), "{labels:?}");

    let definition = s.request("textDocument/definition", at(5, 35));
    assert_eq!(definition["uri"], format!("{root}/security.ashlar"));
    assert_eq!(definition["range"]["start"], json!({ "line": 0, "character": 0 }));

    let edit = s.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": spokes }, "position": { "line": 1, "character": 20 }, "newName": "backbone" }),
    );
    let changes = edit["changes"].as_object().unwrap();
    let mut files: Vec<&str> = changes.keys().map(|k| k.rsplit('/').next().unwrap()).collect();
    files.sort();
    assert_eq!(files, ["hub.ashlar", "spokes.ashlar"]);
    assert_eq!(changes[&spokes].as_array().unwrap().len(), 2);

    let messy = text.replacen("  hub            = core", "hub=core", 1);
    s.notify("textDocument/didChange", json!({ "textDocument": { "uri": spokes, "version": 4 }, "contentChanges": [{ "text": messy }] }));
    let edits = s.request("textDocument/formatting", json!({ "textDocument": { "uri": spokes }, "options": { "tabSize": 2, "insertSpaces": true } }));
    assert_eq!(edits.as_array().unwrap().len(), 1);
    assert_eq!(edits[0]["newText"], text, "the fixture is formatted");

    assert_eq!(s.request("shutdown", Value::Null), Value::Null);
    s.notify("exit", Value::Null);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "the server exits after `exit`");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
}
