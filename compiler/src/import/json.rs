//! A JSON reader that keeps where each value sits: the byte range of every
//! value in the template's text, so that what is found in a template is
//! reported at its line. `serde_json` gives values without their places.

/// A JSON value and the bytes of the template it was read from (or, for a
/// value an expression computed, the bytes of that expression).
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    /// A number that is not an integer, as written.
    Number(String),
    Str(String),
    Array(Vec<Node>),
    /// Members in the order written; ARM compares names without regard to case.
    Object(Vec<(String, Node)>),
    /// What an expression gives that ashlar cannot know before deployment
    /// (`resourceGroup().location`, `reference(...)`): the expression's text.
    Unknown(String),
}

impl Node {
    pub fn new(value: Value, start: usize, end: usize) -> Node {
        Node { value, start, end }
    }

    /// A member of an object, by name without regard to case.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Object(members) => members.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A member of a member of ..., by a path of names.
    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match &self.value {
            Value::Int(n) => Some(*n),
            Value::Str(s) => s.parse().ok(),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Array(items) => items,
            _ => &[],
        }
    }

    pub fn members(&self) -> &[(String, Node)] {
        match &self.value {
            Value::Object(members) => members,
            _ => &[],
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.value, Value::Unknown(_))
    }
}

/// Why a text is not JSON, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub message: String,
    pub at: usize,
}

/// Reads a JSON text. Comments (`//`, `/* */`) are taken as space, as Azure
/// Resource Manager accepts them in templates.
pub fn parse(text: &str) -> Result<Node, ParseError> {
    let mut reader = Reader { text: text.as_bytes(), pos: 0, depth: 0 };
    reader.space()?;
    let node = reader.value()?;
    reader.space()?;
    if reader.pos < reader.text.len() {
        return Err(reader.error("text after the end of the JSON value"));
    }
    Ok(node)
}

/// Nesting deeper than this is refused rather than followed.
const MAX_DEPTH: usize = 256;

struct Reader<'a> {
    text: &'a [u8],
    pos: usize,
    depth: usize,
}

impl Reader<'_> {
    fn error(&self, message: &str) -> ParseError {
        ParseError { message: message.to_string(), at: self.pos.min(self.text.len()) }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn space(&mut self) -> Result<(), ParseError> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                Some(b'/') if self.text.get(self.pos + 1) == Some(&b'/') => {
                    while self.peek().is_some_and(|c| c != b'\n') {
                        self.pos += 1;
                    }
                }
                Some(b'/') if self.text.get(self.pos + 1) == Some(&b'*') => {
                    let start = self.pos;
                    self.pos += 2;
                    loop {
                        match self.peek() {
                            None => {
                                self.pos = start;
                                return Err(self.error("a comment that is never closed"));
                            }
                            Some(b'*') if self.text.get(self.pos + 1) == Some(&b'/') => {
                                self.pos += 2;
                                break;
                            }
                            _ => self.pos += 1,
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn value(&mut self) -> Result<Node, ParseError> {
        let start = self.pos;
        let value = match self.peek() {
            None => return Err(self.error("the text ends where a value was expected")),
            Some(b'{') => self.nested(|r| r.object())?,
            Some(b'[') => self.nested(|r| r.array())?,
            Some(b'"') => Value::Str(self.string()?),
            Some(b't') => self.word("true", Value::Bool(true))?,
            Some(b'f') => self.word("false", Value::Bool(false))?,
            Some(b'n') => self.word("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => return Err(self.error("a value was expected: an object, array, string, number, true, false or null")),
        };
        Ok(Node::new(value, start, self.pos))
    }

    fn nested(&mut self, read: impl FnOnce(&mut Self) -> Result<Value, ParseError>) -> Result<Value, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("nesting deeper than 256 levels"));
        }
        let value = read(self);
        self.depth -= 1;
        value
    }

    fn word(&mut self, word: &str, value: Value) -> Result<Value, ParseError> {
        if self.text[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error("a value was expected: an object, array, string, number, true, false or null"))
        }
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E')) {
            self.pos += 1;
        }
        let text = std::str::from_utf8(&self.text[start..self.pos]).unwrap_or("");
        if let Ok(n) = text.parse::<i64>() {
            return Ok(Value::Int(n));
        }
        if text.parse::<f64>().is_ok() {
            return Ok(Value::Number(text.to_string()));
        }
        self.pos = start;
        Err(self.error("not a number"))
    }

    fn string(&mut self) -> Result<String, ParseError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None | Some(b'\n') => {
                    self.pos = start;
                    return Err(self.error("a string that is never closed"));
                }
                Some(b'"') => {
                    self.pos += 1;
                    break;
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let escaped = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            let first = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&first) && self.text[self.pos + 1..].starts_with(b"\\u") {
                                self.pos += 2;
                                let second = self.hex4()?;
                                char::from_u32(0x10000 + ((first - 0xD800) << 10) + (second.wrapping_sub(0xDC00) & 0x3FF))
                            } else {
                                char::from_u32(first)
                            };
                            c.unwrap_or('\u{FFFD}')
                        }
                        _ => return Err(self.error("an unknown escape in a string")),
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(escaped.encode_utf8(&mut buf).as_bytes());
                    self.pos += 1;
                }
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
        String::from_utf8(out).map_err(|_| ParseError { message: "a string that is not UTF-8".into(), at: start })
    }

    /// Four hexadecimal digits after `\u`; leaves the position on the last.
    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self.text.get(self.pos + 1..self.pos + 5).ok_or_else(|| self.error("a \\u escape needs four hexadecimal digits"))?;
        let n = std::str::from_utf8(digits).ok().and_then(|d| u32::from_str_radix(d, 16).ok());
        self.pos += 4;
        n.ok_or_else(|| self.error("a \\u escape needs four hexadecimal digits"))
    }

    fn array(&mut self) -> Result<Value, ParseError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.space()?;
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.space()?;
            items.push(self.value()?);
            self.space()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.error("`,` or `]` expected in an array")),
            }
        }
    }

    fn object(&mut self) -> Result<Value, ParseError> {
        self.pos += 1;
        let mut members = Vec::new();
        self.space()?;
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.space()?;
            if self.peek() != Some(b'"') {
                return Err(self.error("a member name in quotes expected in an object"));
            }
            let key = self.string()?;
            self.space()?;
            if self.peek() != Some(b':') {
                return Err(self.error("`:` expected after a member name"));
            }
            self.pos += 1;
            self.space()?;
            let value = self.value()?;
            members.push((key, value));
            self.space()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(members));
                }
                _ => return Err(self.error("`,` or `}` expected in an object")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_their_bytes() {
        let text = "{\n  \"a\": [1, \"x\\u00e9\"],\n  // note\n  \"b\": {\"c\": true}\n}";
        let node = parse(text).unwrap();
        let a = node.get("A").unwrap();
        assert_eq!(&text[a.start..a.end], "[1, \"x\\u00e9\"]");
        assert_eq!(a.items()[1].as_str(), Some("xé"));
        assert_eq!(node.at(&["b", "c"]).unwrap().as_bool(), Some(true));
    }

    #[test]
    fn broken_text_says_where() {
        let error = parse("{\"a\": [1, }").unwrap_err();
        assert_eq!(error.at, 10);
        assert!(parse(&"[".repeat(1000)).is_err());
    }
}
