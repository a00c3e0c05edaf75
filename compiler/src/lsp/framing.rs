//! The wire format of the language server: `Content-Length` framed JSON-RPC
//! messages on a byte stream, read here rather than by `lsp-server`, so that a
//! message can be refused without reading it into memory and broken input
//! does not end the server.
//!
//! - A header block is lines of `Name: value`, each ended by `\r\n` (a bare
//!   `\n` is taken too), then an empty line; `Content-Length` is required and
//!   other headers are ignored. Empty lines between messages are skipped.
//! - A body may be at most [`MAX_MESSAGE_BYTES`]. A larger `Content-Length`
//!   is refused ([`Frame::TooLarge`]) without reading its body: what follows
//!   is junk up to the next `Content-Length` header, where reading goes on.
//! - A header block with a malformed line, or without a `Content-Length`, is
//!   skipped (with its body, when its length is known). A malformed line that
//!   holds `Content-Length:` further on, as the leftover of a body followed by
//!   the next message's headers does, is read as headers from there.
//! - A body that is not JSON, or JSON that is not a message, is answered with
//!   a JSON-RPC error ([`decode`]).

use lsp_server::{ErrorCode, Message};
use serde_json::Value;
use std::io::{self, BufRead, Read};

/// The largest message body the server reads: 128 MiB, twice the largest plan
/// file ashlar reads ([`crate::load::MAX_FILE_BYTES`]), which leaves room for
/// the escaping JSON adds to an open file's text.
pub const MAX_MESSAGE_BYTES: u64 = 2 * crate::load::MAX_FILE_BYTES;

/// The longest header line kept: longer lines are malformed, and only their
/// last this many bytes are looked at.
const MAX_HEADER_LINE: usize = 4096;

/// What the reader found next on the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A message's body, as many bytes as its `Content-Length` said.
    Body(Vec<u8>),
    /// Bytes that are not a message, skipped; why. Reading goes on after them.
    Skipped(String),
    /// A header block whose `Content-Length` is over [`MAX_MESSAGE_BYTES`]:
    /// why. Its body is not read; the bytes up to the next header are skipped.
    TooLarge(String),
}

/// Reads [`Frame`]s from a byte stream.
pub struct FrameReader<R> {
    input: R,
    /// A header line found at the end of a malformed one, read next.
    pending: Option<Vec<u8>>,
}

impl<R: BufRead> FrameReader<R> {
    pub fn new(input: R) -> Self {
        FrameReader { input, pending: None }
    }

    /// The next frame; `None` at the end of the stream between messages. An
    /// error ends the stream: the stream ending inside a message
    /// (`UnexpectedEof`), or the stream failing.
    pub fn next_frame(&mut self) -> io::Result<Option<Frame>> {
        let mut length: Option<u64> = None;
        let mut problem: Option<String> = None;
        let mut lines = 0usize;
        loop {
            let line = match self.pending.take() {
                Some(line) => line,
                None => match self.read_line()? {
                    Some(line) => line,
                    None if lines == 0 => return Ok(None),
                    None => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the input ended inside a message's headers")),
                },
            };
            if line.is_empty() {
                if lines == 0 {
                    continue;
                }
                break;
            }
            lines += 1;
            match header(&line) {
                Header::Length(n) => {
                    if length.is_some_and(|m| m != n) {
                        problem.get_or_insert_with(|| "two different Content-Length headers".to_string());
                    }
                    length = Some(length.map_or(n, |m| m.max(n)));
                }
                parsed => {
                    // Junk and then a header: the rest of a body longer than
                    // its Content-Length said, say, and the next message.
                    if let Some(at) = find_content_length(&line[1..]) {
                        self.pending = Some(line[1 + at..].to_vec());
                        return Ok(Some(Frame::Skipped(format!("{} bytes before a Content-Length header", 1 + at))));
                    }
                    if let Header::Malformed(why) = parsed {
                        problem.get_or_insert(why);
                    }
                }
            }
        }
        let Some(length) = length else {
            return Ok(Some(Frame::Skipped(problem.unwrap_or_else(|| "a message without a Content-Length header".to_string()))));
        };
        if length > MAX_MESSAGE_BYTES {
            // Its body is not read: the bytes that follow are read as header
            // lines, skipped up to the next message's `Content-Length`.
            return Ok(Some(Frame::TooLarge(format!(
                "a message of {length} bytes is larger than the language server takes ({MAX_MESSAGE_BYTES} bytes, {} MiB)",
                MAX_MESSAGE_BYTES >> 20
            ))));
        }
        // Read as the bytes come, so that a length the stream never fills
        // costs what was sent rather than what was announced.
        let mut body = Vec::with_capacity(length.min(1 << 20) as usize);
        (&mut self.input).take(length).read_to_end(&mut body)?;
        if (body.len() as u64) < length {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("the input ended inside a message: {} of its {length} bytes came", body.len()),
            ));
        }
        Ok(Some(match problem {
            Some(why) => Frame::Skipped(why),
            None => Frame::Body(body),
        }))
    }

    /// One line without its line break; `None` at the end of the stream
    /// before any byte of it. Of a line longer than [`MAX_HEADER_LINE`], its
    /// first byte and its last bytes are kept: enough to see it is malformed,
    /// and whether a header follows junk.
    fn read_line(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut line = Vec::new();
        let mut any = false;
        loop {
            let chunk = match self.input.fill_buf() {
                Ok(chunk) => chunk,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                return Ok(any.then_some(line));
            }
            any = true;
            let (part, used, done) = match chunk.iter().position(|&b| b == b'\n') {
                Some(at) => (&chunk[..at], at + 1, true),
                None => (chunk, chunk.len(), false),
            };
            line.extend_from_slice(part);
            if line.len() > MAX_HEADER_LINE {
                let cut = line.len() - MAX_HEADER_LINE;
                line.drain(1..=cut);
            }
            self.input.consume(used);
            if done {
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(Some(line));
            }
        }
    }

    /// The stream, to read what follows the frames.
    pub fn into_inner(self) -> R {
        self.input
    }
}

enum Header {
    Length(u64),
    Other,
    Malformed(String),
}

fn header(line: &[u8]) -> Header {
    let shown = || String::from_utf8_lossy(&line[..line.len().min(80)]).into_owned();
    if line.len() >= MAX_HEADER_LINE {
        return Header::Malformed(format!("a header line longer than {MAX_HEADER_LINE} bytes: {:?}...", shown()));
    }
    let Some(colon) = line.iter().position(|&b| b == b':') else {
        return Header::Malformed(format!("a header line without a colon: {:?}", shown()));
    };
    let name = &line[..colon];
    if name.is_empty() || !name.iter().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(b)) {
        return Header::Malformed(format!("a malformed header name: {:?}", shown()));
    }
    if !name.eq_ignore_ascii_case(b"Content-Length") {
        return Header::Other;
    }
    let value = line[colon + 1..].trim_ascii();
    match std::str::from_utf8(value).ok().filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())).map(str::parse::<u64>) {
        Some(Ok(n)) => Header::Length(n),
        // All digits, yet no u64: past any limit.
        Some(Err(_)) => Header::Length(u64::MAX),
        None => Header::Malformed(format!("a Content-Length that is not a number: {:?}", shown())),
    }
}

/// Where `Content-Length:` starts in `bytes`, in any case.
fn find_content_length(bytes: &[u8]) -> Option<usize> {
    const NAME: &[u8] = b"content-length:";
    bytes.windows(NAME.len()).position(|w| w.eq_ignore_ascii_case(NAME))
}

/// What a message body is to the server.
#[derive(Debug)]
pub enum Decoded {
    Message(Message),
    /// Answered with this JSON-RPC error: the id is the request's when it
    /// could be read, else `null`.
    Refused {
        id: Value,
        code: i32,
        message: String,
    },
    /// Not answered (a reply the server cannot read): why.
    Ignored(String),
}

/// Reads a body as a message: not JSON is a parse error, JSON that is not a
/// request, notification or reply the server reads an invalid request.
pub fn decode(body: &[u8]) -> Decoded {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => return Decoded::Refused { id: Value::Null, code: ErrorCode::ParseError as i32, message: format!("not JSON: {error}") },
    };
    let refuse = |id: Value, message: String| Decoded::Refused { id, code: ErrorCode::InvalidRequest as i32, message };
    let Some(object) = value.as_object() else {
        return refuse(Value::Null, "a message must be a JSON object".to_string());
    };
    let id = object.get("id").cloned();
    // lsp-server takes ids that are strings or 32-bit integers; anything
    // else would be read as a notification and never answered.
    let usable_id = match &id {
        None | Some(Value::String(_)) => true,
        Some(Value::Number(n)) => n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        Some(_) => false,
    };
    let has_method = object.contains_key("method");
    if !usable_id {
        let id = id.unwrap_or(Value::Null);
        if !has_method {
            return Decoded::Ignored(format!("a reply with the id {id}, which ashlar never sends"));
        }
        // JSON-RPC: an id that cannot be read is answered as null.
        let echoed = if matches!(id, Value::Number(_)) { id.clone() } else { Value::Null };
        return refuse(echoed, format!("a request id must be a string or a 32-bit integer, not {id}"));
    }
    if has_method && !object["method"].is_string() {
        return refuse(id.unwrap_or(Value::Null), "a method must be a string".to_string());
    }
    match serde_json::from_value::<Message>(value) {
        Ok(message) => Decoded::Message(message),
        // With an id and no method, it is a reply: replies are not answered.
        Err(error) if !has_method && id.is_some() => Decoded::Ignored(format!("a reply that is not one: {error}")),
        Err(error) => refuse(id.unwrap_or(Value::Null), format!("not a JSON-RPC message: {error}")),
    }
}

/// A JSON-RPC error reply, as bytes framed for the wire.
pub fn error_frame(id: &Value, code: i32, message: &str) -> Vec<u8> {
    let body = serde_json::json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } }).to_string();
    frame(body.as_bytes())
}

/// `Content-Length: N\r\n\r\n` and the body.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// A message as bytes framed for the wire, as `lsp-server` writes it.
pub fn message_frame(message: &Message) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    message.write(&mut out)?;
    Ok(out)
}
