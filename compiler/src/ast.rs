//! The syntax tree of one plan file. Every node carries its byte [`Span`].
//!
//! The tree is uniform: attributes (`key = value`) and blocks (`head terms... { body }`).
//! What a block means is decided later, by the kind schemas in [`crate::schema`].

use crate::source::Span;
use std::net::{Ipv4Addr, Ipv6Addr};

/// A name as written, with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// One parsed file.
#[derive(Clone, Debug, Default)]
pub struct File {
    pub uses: Vec<Use>,
    pub items: Vec<Item>,
    /// Top-level text that did not parse and is not in `items` (the file's
    /// syntax error says why): names declared there are unknown, not missing.
    pub left_out: Vec<Span>,
}

/// `use std.naming.caf`
#[derive(Clone, Debug)]
pub struct Use {
    pub path: Vec<Ident>,
    pub span: Span,
}

impl Use {
    pub fn dotted(&self) -> String {
        self.path.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(".")
    }
}

#[derive(Clone, Debug)]
pub enum Item {
    Attribute(Attribute),
    Block(Block),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Attribute(a) => a.span,
            Item::Block(b) => b.span,
        }
    }
}

/// `key = value`
#[derive(Clone, Debug)]
pub struct Attribute {
    pub key: Ident,
    pub value: Value,
    pub span: Span,
}

/// `head term term ... { body }`, e.g. `subnet web 10.1.0.0/26 { nsg = web_nsg }`.
#[derive(Clone, Debug)]
pub struct Block {
    pub head: Ident,
    pub terms: Vec<Term>,
    pub body: Option<Body>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Body {
    pub items: Vec<Item>,
    pub span: Span,
}

/// One word of a block's head line.
#[derive(Clone, Debug)]
pub enum Term {
    Value(Value),
    /// `==`, `!=`, `>=`, `<=`, `>`, `<`, `!`
    Operator(String, Span),
    /// `( terms )`
    Group(Vec<Term>, Span),
}

impl Term {
    pub fn span(&self) -> Span {
        match self {
            Term::Value(v) => v.span,
            Term::Operator(_, s) | Term::Group(_, s) => *s,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

/// A literal or reference. Literals are checked when parsed: an address is a
/// valid address, a prefix has no host bits, an integer fits in 64 bits.
#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    Str(String),
    Int(i64),
    Bool(bool),
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
    Cidr(ipnet::IpNet),
    /// Seconds.
    Duration(u64),
    /// Minutes after midnight.
    TimeOfDay(u32),
    Percent(u32),
    Version(u32, u32, u32),
    /// `auto /26`: the prefix length to allocate.
    Auto(u8),
    /// `name` or `a.b.c`: a reference or a bare word, told apart by the schema.
    Path(Vec<Ident>),
    Call(Ident, Vec<Value>),
    List(Vec<Value>),
    Map(Vec<(Ident, Value)>),
    /// A literal already reported as impossible; later stages skip it silently.
    Invalid,
}

impl ValueKind {
    /// What the value is, in words, for "expected X, found Y" messages.
    pub fn describe(&self) -> &'static str {
        match self {
            ValueKind::Str(_) => "a string",
            ValueKind::Int(_) => "an integer",
            ValueKind::Bool(_) => "a boolean",
            ValueKind::Ipv4(_) | ValueKind::Ipv6(_) => "an IP address",
            ValueKind::Cidr(_) => "an address prefix",
            ValueKind::Duration(_) => "a duration",
            ValueKind::TimeOfDay(_) => "a time of day",
            ValueKind::Percent(_) => "a percentage",
            ValueKind::Version(..) => "a version",
            ValueKind::Auto(_) => "`auto`",
            ValueKind::Path(p) if p.len() == 1 => "a name",
            ValueKind::Path(_) => "a reference",
            ValueKind::Call(..) => "a function call",
            ValueKind::List(_) => "a list",
            ValueKind::Map(_) => "a map",
            ValueKind::Invalid => "an invalid value",
        }
    }
}

impl Value {
    /// The single word of a one-segment path.
    pub fn as_word(&self) -> Option<&Ident> {
        match &self.kind {
            ValueKind::Path(p) if p.len() == 1 => Some(&p[0]),
            _ => None,
        }
    }
}

/// Whether a text is a name: a letter or `_`, then letters, digits, `_`, `-`.
pub fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Moving a tree's spans by a number of bytes: when text before it grew or
/// shrank, the unchanged part of a file keeps its tree ([`crate::syntax::reparse`]).
pub trait Shift {
    /// Adds `by` to the start and end of every span inside.
    fn shift(&mut self, by: i64);
}

impl Shift for Span {
    fn shift(&mut self, by: i64) {
        let moved = |at: u32| u32::try_from(i64::from(at) + by).expect("a span shifted stays inside its file");
        self.start = moved(self.start);
        self.end = moved(self.end);
    }
}

impl<T: Shift> Shift for Vec<T> {
    fn shift(&mut self, by: i64) {
        self.iter_mut().for_each(|t| t.shift(by));
    }
}

impl Shift for Ident {
    fn shift(&mut self, by: i64) {
        self.span.shift(by);
    }
}

impl Shift for Use {
    fn shift(&mut self, by: i64) {
        self.path.shift(by);
        self.span.shift(by);
    }
}

impl Shift for Item {
    fn shift(&mut self, by: i64) {
        match self {
            Item::Attribute(a) => {
                a.key.shift(by);
                a.value.shift(by);
                a.span.shift(by);
            }
            Item::Block(b) => {
                b.head.shift(by);
                b.terms.shift(by);
                if let Some(body) = &mut b.body {
                    body.items.shift(by);
                    body.span.shift(by);
                }
                b.span.shift(by);
            }
        }
    }
}

impl Shift for Term {
    fn shift(&mut self, by: i64) {
        match self {
            Term::Value(v) => v.shift(by),
            Term::Operator(_, span) => span.shift(by),
            Term::Group(terms, span) => {
                terms.shift(by);
                span.shift(by);
            }
        }
    }
}

impl Shift for Value {
    fn shift(&mut self, by: i64) {
        self.span.shift(by);
        match &mut self.kind {
            ValueKind::Path(idents) => idents.shift(by),
            ValueKind::Call(name, args) => {
                name.shift(by);
                args.shift(by);
            }
            ValueKind::List(values) => values.shift(by),
            ValueKind::Map(entries) => entries.iter_mut().for_each(|(key, value)| {
                key.shift(by);
                value.shift(by);
            }),
            ValueKind::Str(_)
            | ValueKind::Int(_)
            | ValueKind::Bool(_)
            | ValueKind::Ipv4(_)
            | ValueKind::Ipv6(_)
            | ValueKind::Cidr(_)
            | ValueKind::Duration(_)
            | ValueKind::TimeOfDay(_)
            | ValueKind::Percent(_)
            | ValueKind::Version(..)
            | ValueKind::Auto(_)
            | ValueKind::Invalid => {}
        }
    }
}
