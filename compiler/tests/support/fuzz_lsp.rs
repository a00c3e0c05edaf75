//! The `lsp` fuzz target: bytes as a script of what an editor sends the
//! language server, written out as the byte stream the server reads
//! (`Content-Length` framing, JSON-RPC bodies, and raw bytes between them),
//! and served in-process by [`ashlar::lsp::serve_io`]: the framing reader,
//! the life cycle, `didChange` with ranges (and the syntax trees kept between
//! analyses) and the requests, on a plan of two open files.
//!
//! Included with `#[path]`, beside `fuzzing.rs`, by `tests/fuzz_regressions.rs`
//! and by `fuzz/fuzz_targets/lsp.rs`.
#![allow(dead_code)]

use crate::fuzzing;
use serde_json::{json, Value};
use std::io::{Cursor, Write};
use std::sync::{Arc, Mutex};

/// The documents the script edits, in the plan folder [`fuzzing::nowhere`]:
/// nothing is read from disk, so the plan is what is open.
pub const DOCUMENTS: [&str; 2] = ["fuzz.ashlar", "fuzz-2.ashlar"];

/// The text of the first document when the script starts.
pub const START: &str = "settings {\n  location = uksouth\n}\n\nhub core {\n  resource_group = \"rg\"\n  address_space  = [10.0.0.0/22]\n  subnet shared auto /24 // é😀\n}\n\nspoke app {\n  hub            = core\n  resource_group = \"rg-app\"\n  address_space  = [10.1.0.0/24]\n  subnet web auto /26 { nsg = web }\n}\n\nnsg web {\n  rule https { inbound allow tcp 443 from Internet to app.web priority 100 }\n}\n";

const REQUESTS: [&str; 10] = [
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

/// The script's bytes, read from the front; zeros once they run out.
struct Script<'a> {
    data: &'a [u8],
    at: usize,
}

impl Script<'_> {
    fn done(&self) -> bool {
        self.at >= self.data.len()
    }

    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }

    fn take(&mut self, n: usize) -> &[u8] {
        let start = self.at.min(self.data.len());
        let end = (start + n).min(self.data.len());
        self.at = start + n;
        &self.data[start..end]
    }

    fn text(&mut self, n: usize) -> String {
        String::from_utf8_lossy(self.take(n)).into_owned()
    }

    /// A line or a UTF-16 column: small mostly, now and then far past the end.
    fn number(&mut self, small: u32) -> u32 {
        match self.byte() {
            255 => u32::MAX,
            254 => 1 << 20,
            b => u32::from(b) % small,
        }
    }

    fn position(&mut self) -> Value {
        json!({ "line": self.number(40), "character": self.number(100) })
    }

    fn range(&mut self) -> Value {
        json!({ "start": self.position(), "end": self.position() })
    }
}

/// The byte stream a client writes.
struct Stream {
    bytes: Vec<u8>,
    next_id: i64,
    version: i64,
}

impl Stream {
    fn raw(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        self.bytes.extend_from_slice(&ashlar::lsp::framing::frame(body.as_bytes()));
    }

    fn request(&mut self, method: &str, params: Value) {
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params }));
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn change(&mut self, uri: &str, changes: Vec<Value>) {
        self.version += 1;
        self.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": self.version }, "contentChanges": changes }));
    }
}

fn uri(document: &str) -> String {
    let path = fuzzing::nowhere().join(document);
    ashlar::lsp::path_to_uri(&path).expect("the fuzz folder has a URI").as_str().to_string()
}

/// The stream a script stands for: `initialize`, the first document opened,
/// then one step for each operation of the script, then a request that has
/// the last state analysed.
pub fn stream(data: &[u8]) -> Vec<u8> {
    let root = ashlar::lsp::path_to_uri(&fuzzing::nowhere()).expect("the fuzz folder has a URI").as_str().to_string();
    let uris = DOCUMENTS.map(uri);
    let mut s = Stream { bytes: Vec::new(), next_id: 0, version: 1 };
    s.request("initialize", json!({ "processId": null, "rootUri": root, "capabilities": {} }));
    s.notify("initialized", json!({}));
    s.notify("textDocument/didOpen", json!({ "textDocument": { "uri": uris[0], "languageId": "ashlar", "version": 1, "text": START } }));
    let mut script = Script { data, at: 0 };
    while !script.done() {
        let op = script.byte();
        let document = &uris[usize::from(script.byte() & 1)];
        match op % 8 {
            // Raw bytes: headers, broken or not, and whatever follows.
            0 => {
                let n = usize::from(script.byte());
                let bytes = script.take(n).to_vec();
                s.raw(&bytes);
            }
            // One change of a range.
            1 => {
                let range = script.range();
                let n = usize::from(script.byte());
                let text = script.text(n);
                s.change(document, vec![json!({ "range": range, "text": text })]);
            }
            // The whole text.
            2 => {
                let n = usize::from(u16::from_le_bytes([script.byte(), script.byte()]));
                let text = script.text(n);
                s.change(document, vec![json!({ "text": text })]);
            }
            // A request at a place.
            3 => {
                let method = REQUESTS[usize::from(script.byte()) % REQUESTS.len()];
                let position = script.position();
                let mut params = json!({ "textDocument": { "uri": document }, "position": position });
                match method {
                    "textDocument/references" => params["context"] = json!({ "includeDeclaration": script.byte() & 1 == 1 }),
                    "textDocument/rename" => {
                        let n = usize::from(script.byte() % 16);
                        params["newName"] = json!(script.text(n));
                    }
                    "textDocument/formatting" => params["options"] = json!({ "tabSize": 2, "insertSpaces": true }),
                    "textDocument/codeAction" => {
                        params["range"] = script.range();
                        params["context"] = json!({ "diagnostics": [] });
                    }
                    "workspace/symbol" => {
                        let n = usize::from(script.byte() % 8);
                        params = json!({ "query": script.text(n) });
                    }
                    _ => {}
                }
                s.request(method, params);
            }
            // A framed body of any bytes.
            4 => {
                let n = usize::from(script.byte());
                let body = script.take(n).to_vec();
                s.raw(&ashlar::lsp::framing::frame(&body));
            }
            // Several changes in one notification, applied in turn.
            5 => {
                let changes = (0..1 + script.byte() % 4)
                    .map(|_| {
                        let whole = script.byte() % 8 == 0;
                        let range = script.range();
                        let n = usize::from(script.byte() % 64);
                        let text = script.text(n);
                        if whole {
                            json!({ "text": text })
                        } else {
                            json!({ "range": range, "text": text })
                        }
                    })
                    .collect();
                s.change(document, changes);
            }
            // Opening, closing and saving.
            6 => match script.byte() % 3 {
                0 => {
                    let n = usize::from(script.byte());
                    let text = script.text(n);
                    s.version += 1;
                    let item = json!({ "uri": document, "languageId": "ashlar", "version": s.version, "text": text });
                    s.notify("textDocument/didOpen", json!({ "textDocument": item }));
                }
                1 => s.notify("textDocument/didClose", json!({ "textDocument": { "uri": document } })),
                _ => s.notify("textDocument/didSave", json!({ "textDocument": { "uri": document } })),
            },
            // The protocol around the requests.
            _ => match script.byte() % 8 {
                0 => s.request("shutdown", Value::Null),
                1 => s.request("initialize", json!({ "capabilities": {} })),
                2 => s.send(json!({ "jsonrpc": "2.0", "id": script.byte(), "result": null })),
                3 => s.send(json!({ "jsonrpc": "2.0", "id": "text", "method": "textDocument/hover", "params": script.byte() })),
                4 => s.notify("textDocument/didChange", json!({ "textDocument": { "uri": document }, "contentChanges": script.byte() })),
                5 => s.notify("$/cancelRequest", json!({ "id": script.byte() })),
                6 => s.request("no/such/method", json!({})),
                // `exit` ends the script's effect: rarely.
                _ if script.byte() == 0xEE => s.notify("exit", Value::Null),
                _ => {}
            },
        }
    }
    s.request("workspace/symbol", json!({ "query": "" }));
    s.bytes
}

/// What the server said.
#[derive(Debug, Default)]
pub struct Outcome {
    pub replies: usize,
    pub notifications: usize,
    /// Whether the server stopped with an error (a message over the limit,
    /// the input ending inside a message).
    pub stopped: bool,
}

/// A writer the test keeps a handle on.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Serves the stream of `data` ([`stream`]) and checks what the server
/// wrote: well framed JSON, no request answered with a panic, no analysis
/// that failed, and no error that is not the input's.
pub fn check(data: &[u8]) -> Outcome {
    check_stream(stream(data))
}

/// Serves `input` as it is, and checks what the server wrote.
pub fn check_stream(input: Vec<u8>) -> Outcome {
    let output = Shared::default();
    let served = ashlar::lsp::serve_io(Cursor::new(input), output.clone(), |_| {});
    let mut outcome = Outcome::default();
    if let Err(error) = served {
        let io = error.downcast_ref::<std::io::Error>();
        let kind = io.map(std::io::Error::kind);
        assert!(
            matches!(kind, Some(std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof)),
            "the server stopped on an error that is not the input's: {error}"
        );
        outcome.stopped = true;
    }
    let written = std::mem::take(&mut *output.0.lock().unwrap());
    let mut frames = ashlar::lsp::framing::FrameReader::new(written.as_slice());
    while let Some(frame) = frames.next_frame().expect("the server frames what it writes") {
        let ashlar::lsp::framing::Frame::Body(body) = frame else { panic!("the server wrote a broken frame: {frame:?}") };
        let message: Value = serde_json::from_slice(&body).expect("the server writes JSON");
        let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
        if message.get("method").is_some() {
            outcome.notifications += 1;
            if message["method"] == "window/logMessage" && message["params"]["type"] == 1 {
                panic!("the server logged an error: {}", text(&message["params"]["message"]));
            }
        } else {
            outcome.replies += 1;
            let error = &message["error"];
            if error["code"] == -32603 {
                panic!("a request failed inside the server: {}", text(&error["message"]));
            }
        }
    }
    outcome
}
