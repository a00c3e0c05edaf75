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
    /// `None` once closed.
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    /// Notifications received while waiting for something else.
    backlog: Vec<Value>,
    next_id: i64,
}

impl Server {
    fn start() -> Server {
        Server::start_with(Stdio::inherit())
    }

    fn start_with(stderr: Stdio) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ashlar"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
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
        Server { child, stdin: Some(stdin), messages, backlog: Vec::new(), next_id: 0 }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        self.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    /// Bytes as they are, framed or not.
    fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("standard input is open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// The next message that is not a notification: a reply.
    fn next_reply(&mut self) -> Value {
        loop {
            let message = self.next();
            if message.get("method").is_none() {
                return message;
            }
            self.backlog.push(message);
        }
    }

    fn initialize(&mut self) {
        let init = self.request("initialize", json!({ "processId": null, "rootUri": null, "capabilities": {} }));
        assert_eq!(init["capabilities"]["hoverProvider"], true);
        self.notify("initialized", json!({}));
    }

    /// How the process ended, within 30 s.
    fn wait(&mut self) -> std::process::ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(started.elapsed() < Duration::from_secs(30), "the server exits");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Asks the server to stop, and checks that it stopped cleanly.
    fn stop(&mut self) {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        let status = self.wait();
        assert_eq!(status.code(), Some(0), "{status:?}");
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
    assert_eq!(capabilities["textDocumentSync"], 2, "incremental text sync");
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

/// An exit status that is the program's own: not a signal (an abort is
/// SIGABRT, 134 from a shell) and not a panic's 101.
fn assert_not_a_crash(status: std::process::ExitStatus) {
    assert!(status.code().is_some(), "killed by a signal: {status:?}");
    assert!(![101, 134].contains(&status.code().unwrap()), "{status:?}");
}

/// What the server wrote on standard error, once it has exited.
fn stderr_of(server: &mut Server) -> String {
    let mut text = String::new();
    server.child.stderr.take().expect("standard error is piped").read_to_string(&mut text).unwrap();
    text
}

#[test]
fn a_content_length_past_the_limit_is_refused_and_the_server_goes_on() {
    // lsp-server's reader allocated what the header said: 100 TB aborted the
    // process. Before `initialize` and after it, the server answers with an
    // error, says why on standard error, skips the body, and serves on.
    for initialize_first in [false, true] {
        let mut s = Server::start_with(Stdio::piped());
        if initialize_first {
            s.initialize();
        }
        s.send_raw(b"Content-Length: 100000000000000\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"shutdown\"}");
        let reply = s.next_reply();
        assert_eq!(reply["id"], Value::Null, "{reply}");
        assert_eq!(reply["error"]["code"], -32600, "{reply}");
        let message = reply["error"]["message"].as_str().unwrap();
        assert!(message.contains("100000000000000 bytes") && message.contains("134217728 bytes, 128 MiB"), "{message}");
        if !initialize_first {
            s.initialize();
        }
        s.next_id = 10;
        assert_eq!(s.request("workspace/symbol", json!({ "query": "x" })), json!([]));
        s.stop();
        let stderr = stderr_of(&mut s);
        assert!(stderr.contains("refused a message: a message of 100000000000000 bytes is larger"), "{stderr}");
    }
    // Past u64 too.
    let mut s = Server::start_with(Stdio::piped());
    s.send_raw(b"Content-Length: 99999999999999999999999999\r\n\r\n");
    assert_eq!(s.next_reply()["id"], Value::Null);
    s.initialize();
    s.stop();
}

/// Each bad input of the protocol, then a good request: the server answers
/// the bad one where it can (an error reply, with the request's id when it
/// is known), logs it otherwise, and answers the good one.
#[test]
fn every_protocol_error_leaves_the_server_serving() {
    let dir = tempfile::tempdir().unwrap();
    copy_workspace(dir.path());
    let root = ashlar::lsp::path_to_uri(dir.path()).unwrap().as_str().to_string();
    let spokes = format!("{root}/spokes.ashlar");
    let text = std::fs::read_to_string(dir.path().join("spokes.ashlar")).unwrap();
    let mut s = Server::start_with(Stdio::piped());
    s.initialize();
    s.notify("textDocument/didOpen", json!({ "textDocument": { "uri": spokes, "languageId": "ashlar", "version": 1, "text": text } }));
    assert_eq!(s.diagnostics(&spokes, 1), Vec::<Value>::new());
    let framed = |body: &str| format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes();
    // (what, the bytes, the error reply expected: its id and code; None when only logged)
    type Case<'a> = (&'a str, Vec<u8>, Option<(Value, i64)>);
    let cases: Vec<Case> = vec![
        ("a malformed header", b"Content-Length: twelve\r\n\r\n".to_vec(), None),
        ("a header without a colon", b"Content-Length 12\r\n\r\n".to_vec(), None),
        ("invalid JSON", framed("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": "), Some((Value::Null, -32700))),
        ("JSON that is not a message", framed("[1, 2, 3]"), Some((Value::Null, -32600))),
        ("a request whose method is not a string", framed("{\"jsonrpc\": \"2.0\", \"id\": 77, \"method\": 12}"), Some((json!(77), -32600))),
        (
            "didChange without a version",
            framed(&json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": { "textDocument": { "uri": spokes }, "contentChanges": [{ "text": "x" }] } }).to_string()),
            None,
        ),
        (
            "didOpen of a URI that does not parse",
            framed(&json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": { "textDocument": { "uri": "file://[::1/x y.ashlar", "languageId": "ashlar", "version": 1, "text": "x" } } }).to_string()),
            None,
        ),
        (
            "hover at a URI that does not parse",
            framed(&json!({ "jsonrpc": "2.0", "id": 78, "method": "textDocument/hover", "params": { "textDocument": { "uri": "::not a uri::" }, "position": { "line": 0, "character": 0 } } }).to_string()),
            Some((json!(78), -32602)),
        ),
        (
            "hover in a file of no plan, by a URI that is not a file's",
            framed(&json!({ "jsonrpc": "2.0", "id": 79, "method": "textDocument/hover", "params": { "textDocument": { "uri": "untitled:Untitled-1" }, "position": { "line": 0, "character": 0 } } }).to_string()),
            None,
        ),
        ("a Content-Length past the limit", b"Content-Length: 100000000000000\r\n\r\n{}".to_vec(), Some((Value::Null, -32600))),
    ];
    for (what, bytes, expected) in cases {
        s.send_raw(&bytes);
        if let Some((id, code)) = expected {
            let reply = s.next_reply();
            assert_eq!((reply["id"].clone(), reply["error"]["code"].as_i64()), (id, Some(code)), "{what}: {reply}");
        }
        // The good request after it is answered.
        let hover = s.request("textDocument/hover", json!({ "textDocument": { "uri": spokes }, "position": { "line": 1, "character": 20 } }));
        assert!(hover["contents"]["value"].as_str().is_some_and(|v| v.starts_with("**hub `core`**")), "after {what}: {hover}");
    }
    // The document was not changed by the didChange the server could not read.
    let broken = text.replacen("hub            = core", "hub            = cor", 1);
    s.notify("textDocument/didChange", json!({ "textDocument": { "uri": spokes, "version": 2 }, "contentChanges": [{ "text": broken }] }));
    assert_eq!(s.diagnostics(&spokes, 2).len(), 1);
    let logged: Vec<String> = s.backlog.iter().filter(|m| m["method"] == "window/logMessage").map(|m| m["params"]["message"].to_string()).collect();
    assert!(logged.iter().any(|m| m.contains("textDocument/didChange") && m.contains("version")), "{logged:?}");
    assert!(logged.iter().any(|m| m.contains("textDocument/didOpen")), "{logged:?}");
    // After `shutdown`, a request is refused as invalid, and the server still answers until `exit`.
    assert_eq!(s.request("shutdown", Value::Null), Value::Null);
    for id in [90, 91] {
        s.send(json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": { "textDocument": { "uri": spokes }, "position": { "line": 1, "character": 20 } } }));
        let reply = s.next_reply();
        assert_eq!((reply["id"].as_i64(), reply["error"]["code"].as_i64()), (Some(id), Some(-32600)), "{reply}");
    }
    s.notify("exit", Value::Null);
    let status = s.wait();
    assert_eq!(status.code(), Some(0), "{status:?}");
    let stderr = stderr_of(&mut s);
    for why in ["a Content-Length that is not a number", "a header line without a colon", "not JSON", "larger than the language server takes"] {
        assert!(stderr.contains(why), "{why}: {stderr}");
    }
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    let mut s = Server::start();
    s.initialize();
    s.notify("exit", Value::Null);
    assert_eq!(s.wait().code(), Some(1));
}

#[test]
fn malformed_headers_are_skipped_and_the_server_goes_on() {
    let mut s = Server::start_with(Stdio::piped());
    s.initialize();
    let valid = |id: i64| {
        let body = json!({ "jsonrpc": "2.0", "id": id, "method": "workspace/symbol", "params": { "query": "x" } }).to_string();
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    };
    let broken: [&[u8]; 7] = [
        // Not a number, and no colon: each header block is skipped, and the
        // body after it is read as junk up to the next message's header.
        b"Content-Length: twelve\r\n\r\n{\"jsonrpc\":\"2.0\"}",
        b"Content-Length 12\r\n\r\n{\"jsonrpc\":\"2.0\"}",
        // No Content-Length at all, and a negative one.
        b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n",
        b"Content-Length: -5\r\n\r\n",
        // A bad header beside a good length: that message is skipped whole.
        b"Content-Length: 2\r\nX Y: z\r\n\r\n{}",
        // A length too short for its body: the rest is junk before the next header.
        b"Content-Length: 5\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":99,\"method\":\"shutdown\"}",
        // NUL bytes and invalid UTF-8 in a header.
        b"\x00\xff\xfe: \x80\r\n\r\n",
    ];
    let mut id = 100;
    for bytes in broken {
        s.send_raw(bytes);
        id += 1;
        s.send_raw(valid(id).as_bytes());
        let reply = s.next_reply();
        assert!(reply["id"] == id || reply["id"] == Value::Null, "{reply}");
        // The short body is answered as the JSON it is not.
        let reply = if reply["id"] == Value::Null { s.next_reply() } else { reply };
        assert_eq!(reply["id"], id, "after {:?}: {reply}", String::from_utf8_lossy(bytes));
        assert!(reply.get("error").is_none(), "{reply}");
    }
    let long = format!("X-{}: y\r\n\r\n", "a".repeat(100_000));
    s.send_raw(long.as_bytes());
    s.send_raw(valid(200).as_bytes());
    assert_eq!(s.next_reply()["id"], 200);
    // Bare line feeds are taken, as some clients write them.
    let body = json!({ "jsonrpc": "2.0", "id": 201, "method": "workspace/symbol", "params": { "query": "x" } }).to_string();
    s.send_raw(format!("Content-Length: {}\n\n{body}", body.len()).as_bytes());
    assert_eq!(s.next_reply()["id"], 201);
    assert_eq!(s.request("shutdown", Value::Null), Value::Null);
    s.notify("exit", Value::Null);
    let status = s.wait();
    assert_eq!(status.code(), Some(0), "{status:?}");
    let stderr = stderr_of(&mut s);
    for why in ["a Content-Length that is not a number", "a header line without a colon", "a message without a Content-Length header"] {
        assert!(stderr.contains(why), "{why}: {stderr}");
    }
}

#[test]
fn a_body_that_is_not_a_message_gets_an_error_reply() {
    let mut s = Server::start_with(Stdio::piped());
    s.initialize();
    let cases: [(&str, Value, i64); 6] = [
        // JSON-RPC: a parse error, and an invalid request whose id cannot be read, are answered with id null.
        ("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ", Value::Null, -32700),
        ("\u{1}not json at all", Value::Null, -32700),
        ("[1, 2, 3]", Value::Null, -32600),
        ("{}", Value::Null, -32600),
        ("{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\": 12}", json!(7), -32600),
        // An id lsp-server cannot hold, answered with it.
        ("{\"jsonrpc\": \"2.0\", \"id\": 5000000000, \"method\": \"shutdown\"}", json!(5_000_000_000i64), -32600),
    ];
    for (body, id, code) in cases {
        s.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
        let reply = s.next_reply();
        assert_eq!((reply["id"].clone(), reply["error"]["code"].as_i64()), (id, Some(code)), "{body}: {reply}");
    }
    // Invalid UTF-8 inside a string is not JSON either.
    s.send_raw(b"Content-Length: 6\r\n\r\n\"\xff\xfe\xfd\"\n");
    assert_eq!(s.next_reply()["error"]["code"], -32700);
    // A reply the server never asked for, and one it cannot read: ignored.
    s.send(json!({ "jsonrpc": "2.0", "id": 3, "result": null }));
    s.send(json!({ "jsonrpc": "2.0", "id": 3.5, "result": null }));
    // Parameters that are not what the method takes: an error reply, or for a
    // notification a log message; either way the server goes on.
    s.notify("textDocument/didOpen", json!({ "textDocument": 42 }));
    s.next_id += 1;
    let id = s.next_id;
    s.send(json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": [] }));
    let reply = s.next_reply();
    assert_eq!((reply["id"].as_i64(), reply["error"]["code"].as_i64()), (Some(id), Some(-32602)), "{reply}");
    assert!(s.backlog.iter().any(|m| m["method"] == "window/logMessage" && m["params"]["message"].as_str().unwrap().contains("didOpen")));
    s.stop();
}

#[test]
fn requests_before_initialize_are_refused_and_the_handshake_still_works() {
    let mut s = Server::start();
    s.send(json!({ "jsonrpc": "2.0", "id": 1, "method": "workspace/symbol", "params": { "query": "x" } }));
    assert_eq!(s.next_reply()["error"]["code"], -32002);
    // Notifications before `initialize` are dropped.
    s.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": "file:///nowhere/a.ashlar", "languageId": "ashlar", "version": 1, "text": "x" } }),
    );
    // An `initialize` the server cannot read is refused; the next one is answered.
    s.send(json!({ "jsonrpc": "2.0", "id": 2, "method": "initialize", "params": { "capabilities": 5 } }));
    assert_eq!(s.next_reply()["error"]["code"], -32602);
    s.next_id = 2;
    s.initialize();
    s.send(json!({ "jsonrpc": "2.0", "id": 9, "method": "initialize", "params": { "capabilities": {} } }));
    assert_eq!(s.next_reply()["error"]["code"], -32600);
    // After `shutdown`, requests are refused until `exit`.
    assert_eq!(s.request("shutdown", Value::Null), Value::Null);
    s.send(json!({ "jsonrpc": "2.0", "id": 10, "method": "workspace/symbol", "params": { "query": "x" } }));
    assert_eq!(s.next_reply()["error"]["code"], -32600);
    s.notify("exit", Value::Null);
    assert_eq!(s.wait().code(), Some(0));
}

#[test]
fn input_that_ends_inside_a_message_is_an_error() {
    let mut s = Server::start_with(Stdio::piped());
    s.initialize();
    s.send_raw(b"Content-Length: 50\r\n\r\n{\"jsonrpc\"");
    s.stdin = None;
    let status = s.wait();
    assert_not_a_crash(status);
    assert_eq!(status.code(), Some(2));
    assert!(stderr_of(&mut s).contains("the input ended inside a message: 10 of its 50 bytes came"));
}
