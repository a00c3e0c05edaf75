//! The language server, in-process over a fixture plan: what an editor sends,
//! and snapshots of what ashlar answers.

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};
use std::path::Path;

struct Client {
    connection: Connection,
    root: String,
    next_id: i32,
}

impl Client {
    fn start(dir: &Path) -> (Client, std::thread::JoinHandle<()>) {
        let (server, client) = Connection::memory();
        let thread = std::thread::spawn(move || ashlar::lsp::serve(server).expect("the server runs"));
        let root = ashlar::lsp::path_to_uri(dir).unwrap().as_str().to_string();
        let mut c = Client { connection: client, root, next_id: 0 };
        let init = c.request("initialize", json!({ "capabilities": {}, "rootUri": c.root }));
        assert_eq!(init["capabilities"]["hoverProvider"], true);
        c.notify("initialized", json!({}));
        (c, thread)
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.connection.sender.send(Message::Request(Request::new(id.clone(), method.into(), params))).unwrap();
        loop {
            match self.connection.receiver.recv_timeout(std::time::Duration::from_secs(20)).expect("an answer") {
                Message::Response(r) if r.id == id => return r.result.unwrap_or(Value::Null),
                _ => continue,
            }
        }
    }

    fn notify(&self, method: &str, params: Value) {
        self.connection.sender.send(Message::Notification(Notification::new(method.into(), params))).unwrap();
    }

    /// The diagnostics published next, by file name.
    fn diagnostics(&self) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        while let Ok(message) = self.connection.receiver.recv_timeout(std::time::Duration::from_millis(1500)) {
            if let Message::Notification(n) = message {
                if n.method == "textDocument/publishDiagnostics" {
                    let file = n.params["uri"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
                    out.push((file, n.params["diagnostics"].clone()));
                }
            }
        }
        out
    }

    fn uri(&self, file: &str) -> String {
        format!("{}/{file}", self.root)
    }

    fn at(&self, file: &str, line: u32, character: u32) -> Value {
        json!({ "textDocument": { "uri": self.uri(file) }, "position": { "line": line, "character": character } })
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
    assert!(hover["contents"]["value"].as_str().unwrap().contains("`10.0.0.68`"), "{hover}");
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
