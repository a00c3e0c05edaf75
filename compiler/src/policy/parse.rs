//! Parsing policies: the phrases of a `policy` block become clauses, and the
//! words of a condition an expression tree, by precedence climbing over the
//! [`ast::Term`]s the grammar already gives (words, operators, groups), with
//! the word cursor every phrase reader uses, [`crate::blocks::phrase::Words`].
//!
//! Precedence, loosest first: `or`; `and`; `not` (also `!`); comparisons
//! (`==`, `!=`, `<`, `<=`, `>`, `>=`, `in`, `not in`, `matches`, `within`,
//! `overlaps`, `contains`), which do not chain; then values: literals, lists,
//! paths `a.b.c`, calls `lower(x)` and groups `( ... )`.

use super::{INVALID_POLICY_REGEX, POLICY_MESSAGE, POLICY_SYNTAX, POLICY_TYPE_MISMATCH};
use crate::ast::{self, Ident, Term, Value, ValueKind};
use crate::blocks::phrase::{describe, word, Words};
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::source::Span;
use ipnet::IpNet;
use std::net::IpAddr;

/// A clause of a policy.
#[derive(Clone, Debug)]
pub enum Clause {
    For(For),
    Finding(Finding),
}

/// `for VAR in COLLECTION [where CONDITION] { clauses }`
#[derive(Clone, Debug)]
pub struct For {
    pub var: Ident,
    /// `nsgs`, `nsg.rules`, `net.subnets`, `networks.address_space`.
    pub collection: Vec<Ident>,
    pub filter: Option<Expr>,
    pub body: Vec<Clause>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingKind {
    /// `deny when CONDITION`: a finding when the condition holds.
    Deny,
    /// `require VALUE`: a finding when the value is absent, false or empty.
    Require,
}

/// `deny when CONDITION [message "..."]`, `require VALUE [message "..."]`.
#[derive(Clone, Debug)]
pub struct Finding {
    pub kind: FindingKind,
    pub condition: Expr,
    pub message: Option<Message>,
    pub span: Span,
}

/// A message with `{path}` placeholders.
#[derive(Clone, Debug)]
pub struct Message {
    pub parts: Vec<Part>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Part {
    Text(String),
    /// `{rule.name}`: a path, with the span of the placeholder.
    Value(Expr),
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Int(i64),
    Str(String),
    Bool(bool),
    Prefix(IpNet),
    Ip(IpAddr),
    List(Vec<Expr>),
    /// A variable and its fields, a collection, or a bare word: told apart by scope.
    Path(Vec<Ident>),
    Call(Ident, Vec<Expr>),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Compare(Op, Box<Expr>, Box<Expr>),
    /// `x matches "pattern"`, the pattern compiled.
    Matches(Box<Expr>, regex::Regex),
    /// `any VAR in LIST (CONDITION)`, `all VAR in LIST (CONDITION)`: whether
    /// the condition holds for some item of the list, or for every one (an
    /// empty list has none, and all of its items hold anything).
    Quantifier {
        all: bool,
        var: Ident,
        list: Box<Expr>,
        condition: Box<Expr>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Within,
    Overlaps,
    Contains,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::In => "in",
            Op::NotIn => "not in",
            Op::Within => "within",
            Op::Overlaps => "overlaps",
            Op::Contains => "contains",
        }
    }
}

/// Words with a meaning in conditions; no variable may take these names.
pub const KEYWORDS: &[&str] = &["and", "or", "not", "in", "matches", "within", "overlaps", "contains", "when", "where", "message"];

/// How a policy reads, for help texts.
pub const SHAPE: &str =
    "a policy holds `for VAR in COLLECTION [where CONDITION] { ... }`, `deny when CONDITION [message \"...\"]` and `require VALUE [message \"...\"]`";

fn syntax(span: Span, message: impl Into<String>, help: impl Into<crate::diagnostic::Help>) -> Diagnostic {
    Diagnostic::new(&POLICY_SYNTAX, span, message).with_help(help)
}

/// The clauses of a policy's body. A clause with an error is reported and left out.
pub fn clauses(phrases: &[ast::Block], out: &mut Vec<Diagnostic>) -> Vec<Clause> {
    let mut clauses: Vec<Clause> = Vec::new();
    for (block, message_line) in with_message_lines(phrases, &["deny", "require"], out) {
        // A clause that failed to read was reported, and its message goes with it.
        let Some(mut clause) = clause(block, out) else { continue };
        if let (Some(line), Clause::Finding(f)) = (message_line, &mut clause) {
            if f.message.is_some() {
                out.push(syntax(line.head.span, "this clause has a message already", "give each `deny` or `require` one message"));
            } else if let Some(message) = lone_string(line, out).and_then(|(text, span)| message(text, span, out)) {
                f.span = f.span.to(line.span);
                f.message = Some(message);
            }
        }
        clauses.push(clause);
    }
    clauses
}

/// Pairs each phrase with the `message "..."` line right after it, if any: a
/// long phrase's message may go on the next line. A `message` line after no
/// phrase headed by one of `owners` is reported and left out.
pub(super) fn with_message_lines<'a>(
    phrases: &'a [ast::Block],
    owners: &[&str],
    out: &mut Vec<Diagnostic>,
) -> Vec<(&'a ast::Block, Option<&'a ast::Block>)> {
    let mut paired: Vec<(&ast::Block, Option<&ast::Block>)> = Vec::new();
    for block in phrases {
        if block.head.name != "message" {
            paired.push((block, None));
            continue;
        }
        match paired.last_mut() {
            Some((owner, line @ None)) if owners.contains(&owner.head.name.as_str()) => *line = Some(block),
            _ => {
                let names: Vec<String> = owners.iter().map(|o| format!("`{o}`")).collect();
                out.push(syntax(
                    block.head.span,
                    format!("a `message` belongs to the {} just before it", names.join(" or ")),
                    "write the message after the condition, on the clause's line or the next",
                ));
            }
        }
    }
    paired
}

/// The text of a `message "..."` line, with the span of its literal.
pub(super) fn lone_string<'a>(block: &'a ast::Block, out: &mut Vec<Diagnostic>) -> Option<(&'a str, Span)> {
    if let Some(body) = &block.body {
        out.push(syntax(body.span, "a message takes no `{ ... }`", "write `message \"...\"`"));
        return None;
    }
    match block.terms.as_slice() {
        [Term::Value(Value { kind: ValueKind::Str(text), span })] => Some((text, *span)),
        [Term::Value(Value { kind: ValueKind::Invalid, .. })] => None,
        _ => {
            out.push(syntax(block.span, "`message` takes one string", "write `message \"...\"`"));
            None
        }
    }
}

fn clause(block: &ast::Block, out: &mut Vec<Diagnostic>) -> Option<Clause> {
    match block.head.name.as_str() {
        "for" => for_clause(block, out).map(Clause::For),
        "deny" | "require" => finding(block, out).map(Clause::Finding),
        other => {
            let help = did_you_mean(other, ["for", "deny", "require", "message"]).unwrap_or_else(|| SHAPE.to_string().into());
            out.push(syntax(block.head.span, format!("`{other}` is no clause of a policy"), help));
            None
        }
    }
}

fn is_word(term: &Term, w: &str) -> bool {
    word(term).is_some_and(|i| i.name == w)
}

/// Where a missing word would go: just after `span`.
fn after(span: Span) -> Span {
    Span::new(span.file, span.end as usize, span.end as usize)
}

fn for_clause(block: &ast::Block, out: &mut Vec<Diagnostic>) -> Option<For> {
    let shape = "write `for VAR in COLLECTION [where CONDITION] { deny when ... }`";
    let terms = &block.terms;
    let Some(var) = terms.first().and_then(word) else {
        out.push(syntax(terms.first().map_or(after(block.head.span), Term::span), "`for` needs a variable name", shape));
        return None;
    };
    if KEYWORDS.contains(&var.name.as_str()) {
        out.push(syntax(var.span, format!("`{}` is a word of conditions, not a variable name", var.name), shape));
        return None;
    }
    if !terms.get(1).is_some_and(|t| is_word(t, "in")) {
        out.push(syntax(terms.get(1).map_or(after(var.span), Term::span), format!("`in` belongs after `for {}`", var.name), shape));
        return None;
    }
    let collection = match terms.get(2) {
        Some(Term::Value(Value { kind: ValueKind::Path(path), .. })) => path.clone(),
        Some(Term::Value(Value { kind: ValueKind::Invalid, .. })) => return None,
        other => {
            out.push(syntax(
                other.map_or(after(terms[1].span()), Term::span),
                "`in` needs a collection",
                "name a collection such as `networks`, `nsg.rules` or `resources`",
            ));
            return None;
        }
    };
    let filter = match terms.get(3) {
        None => None,
        Some(t) if is_word(t, "where") => {
            if terms.len() == 4 {
                out.push(syntax(after(t.span()), "`where` needs a condition", shape));
                return None;
            }
            Some(expression(&terms[4..], t.span(), out)?)
        }
        Some(t) => {
            out.push(syntax(
                t.span(),
                format!("{} does not belong after the collection", shown(t)),
                "a `for` filters its items with `where CONDITION`",
            ));
            return None;
        }
    };
    let Some(body) = &block.body else {
        out.push(syntax(block.span, format!("this `for {}` has no body", var.name), shape));
        return None;
    };
    let mut phrases = Vec::new();
    for item in &body.items {
        match item {
            ast::Item::Block(b) => phrases.push(b.clone()),
            ast::Item::Attribute(a) => {
                out.push(syntax(a.key.span, format!("`{}` is an attribute: a `for` holds clauses", a.key.name), SHAPE));
            }
        }
    }
    let body = clauses(&phrases, out);
    Some(For { var: var.clone(), collection, filter, body, span: block.span })
}

fn finding(block: &ast::Block, out: &mut Vec<Diagnostic>) -> Option<Finding> {
    let kind = if block.head.name == "deny" { FindingKind::Deny } else { FindingKind::Require };
    if let Some(body) = &block.body {
        out.push(syntax(
            body.span,
            format!("`{}` takes no `{{ ... }}`", block.head.name),
            "write the clause on one line: `deny when CONDITION message \"...\"`",
        ));
        return None;
    }
    let mut terms: &[Term] = &block.terms;
    let mut start = block.head.span;
    if kind == FindingKind::Deny {
        match terms.first() {
            Some(t) if is_word(t, "when") => {
                start = t.span();
                terms = &terms[1..];
            }
            _ => {
                out.push(syntax(
                    terms.first().map_or(after(block.head.span), Term::span),
                    "`deny` needs `when` before its condition",
                    "write `deny when CONDITION message \"...\"`",
                ));
                return None;
            }
        }
    }
    // `message "..."` ends the clause.
    let mut message_part = None;
    if let Some(at) = terms.iter().position(|t| is_word(t, "message")) {
        let rest = &terms[at + 1..];
        match rest {
            [Term::Value(Value { kind: ValueKind::Str(text), span })] => message_part = Some(message(text, *span, out)?),
            [Term::Value(Value { kind: ValueKind::Invalid, .. })] => return None,
            [] => {
                out.push(syntax(terms[at].span(), "`message` needs a string after it", "write `message \"...\"`"));
                return None;
            }
            [first, ..] => {
                out.push(syntax(first.span(), "`message` takes one string, last in the clause", "write `message \"...\"` at the end of the clause"));
                return None;
            }
        }
        terms = &terms[..at];
    }
    if terms.is_empty() {
        let what = if kind == FindingKind::Deny { "`deny when` needs a condition" } else { "`require` needs a value" };
        out.push(syntax(after(start), what, SHAPE));
        return None;
    }
    let condition = expression(terms, start, out)?;
    Some(Finding { kind, condition, message: message_part, span: block.span })
}

/// A term as messages show it.
fn shown(term: &Term) -> String {
    match term {
        Term::Value(v) => match &v.kind {
            ValueKind::Path(p) => format!("`{}`", p.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(".")),
            other => other.describe().to_string(),
        },
        Term::Operator(op, _) => format!("`{op}`"),
        Term::Group(..) => "a group in parentheses".into(),
    }
}

/// Parses a whole condition; `before` is the span of the word before it.
pub fn expression(terms: &[Term], before: Span, out: &mut Vec<Diagnostic>) -> Option<Expr> {
    let mut parser = Parser { words: Words::new(terms.iter().collect(), before), out, depth: 0 };
    let expr = parser.expr(0)?;
    if let Some(extra) = parser.peek() {
        let help =
            if is_word(extra, "message") { "a `message` ends the clause".to_string() } else { "join conditions with `and` or `or`".to_string() };
        parser.out.push(syntax(extra.span(), format!("{} does not belong here", shown(extra)), help));
        return None;
    }
    Some(expr)
}

struct Parser<'a, 'o> {
    /// The words of the condition; their span is that of the word before it,
    /// where a condition with no words is missing one.
    words: Words<'a>,
    out: &'o mut Vec<Diagnostic>,
    /// How many `not`s and groups the parser is inside.
    depth: usize,
}

/// Deeper than any condition a person writes; keeps the parser's stack bounded on any input.
const MAX_DEPTH: usize = 64;

/// Binding powers: `or` 1, `and` 2, `not` 3, comparisons 4.
const OR: u8 = 1;
const AND: u8 = 2;
const NOT: u8 = 3;
const COMPARE: u8 = 4;

impl<'a> Parser<'a, '_> {
    fn peek(&self) -> Option<&'a Term> {
        self.words.peek()
    }

    fn next(&mut self) -> Option<&'a Term> {
        self.words.take()
    }

    /// Where a missing word goes: just after the last word read.
    fn end(&self) -> Span {
        self.words.end()
    }

    /// The comparison the next words start, with how many words it takes.
    fn comparison(&self) -> Option<(Op, usize)> {
        let term = self.peek()?;
        if let Term::Operator(op, _) = term {
            return Some((
                match op.as_str() {
                    "==" => Op::Eq,
                    "!=" => Op::Ne,
                    "<" => Op::Lt,
                    "<=" => Op::Le,
                    ">" => Op::Gt,
                    ">=" => Op::Ge,
                    _ => return None,
                },
                1,
            ));
        }
        let w = word(term)?;
        Some(match w.name.as_str() {
            "in" => (Op::In, 1),
            "within" => (Op::Within, 1),
            "overlaps" => (Op::Overlaps, 1),
            "contains" => (Op::Contains, 1),
            "matches" => return None,
            "not" if self.words.peek_nth(1).is_some_and(|t| is_word(t, "in")) => (Op::NotIn, 2),
            _ => return None,
        })
    }

    fn expr(&mut self, min: u8) -> Option<Expr> {
        let mut left = self.prefix()?;
        while let Some(term) = self.peek() {
            if is_word(term, "or") || is_word(term, "and") {
                let (bp, is_or) = if is_word(term, "or") { (OR, true) } else { (AND, false) };
                if bp <= min {
                    break;
                }
                self.next();
                let right = self.operand(bp, term)?;
                let span = left.span.to(right.span);
                let (l, r) = (Box::new(left), Box::new(right));
                left = Expr { kind: if is_or { ExprKind::Or(l, r) } else { ExprKind::And(l, r) }, span };
                continue;
            }
            if COMPARE <= min {
                break;
            }
            if is_word(term, "matches") {
                self.next();
                left = self.matches(left, term)?;
                continue;
            }
            let Some((op, words)) = self.comparison() else { break };
            for _ in 0..words {
                self.next();
            }
            let right = self.operand(COMPARE, term)?;
            if let Some(next) = self.peek() {
                if self.comparison().is_some() || is_word(next, "matches") {
                    self.out.push(syntax(next.span(), "comparisons do not chain", "join two comparisons with `and`: `a < b and b < c`"));
                    return None;
                }
            }
            let span = left.span.to(right.span);
            left = Expr { kind: ExprKind::Compare(op, Box::new(left), Box::new(right)), span };
        }
        Some(left)
    }

    /// The right operand of an operator written as `term`.
    fn operand(&mut self, bp: u8, term: &Term) -> Option<Expr> {
        if self.peek().is_none() {
            self.out.push(syntax(self.end(), format!("{} needs a value after it", shown(term)), "complete the condition"));
            return None;
        }
        self.expr(bp)
    }

    fn matches(&mut self, left: Expr, term: &Term) -> Option<Expr> {
        let Some(next) = self.next() else {
            self.out.push(syntax(after(term.span()), "`matches` needs a pattern in quotes after it", "write `matches \"^CC-[0-9]{4}$\"`"));
            return None;
        };
        let (text, span) = match next {
            Term::Value(Value { kind: ValueKind::Str(text), span }) => (text, *span),
            Term::Value(Value { kind: ValueKind::Invalid, .. }) => return None,
            other => {
                self.out.push(
                    Diagnostic::new(&POLICY_TYPE_MISMATCH, other.span(), format!("`matches` takes a pattern in quotes, found {}", describe(other)))
                        .with_help("write `matches \"^CC-[0-9]{4}$\"`"),
                );
                return None;
            }
        };
        let regex = compile_regex(text, span, self.out)?;
        Some(Expr { span: left.span.to(span), kind: ExprKind::Matches(Box::new(left), regex) })
    }

    /// `any VAR in LIST (CONDITION)` or `all ...`, when `term` starts one;
    /// `None` when it does not, so that `any` stays a word (`rule.protocol == any`).
    fn quantifier(&mut self, term: &Term) -> Option<Option<Expr>> {
        let all = match word(term)?.name.as_str() {
            "any" => false,
            "all" => true,
            _ => return None,
        };
        let var = word(self.peek()?).filter(|v| !KEYWORDS.contains(&v.name.as_str()))?;
        if !is_word(self.words.peek_nth(1)?, "in") {
            return None;
        }
        let shape = format!("write `{} VAR in LIST (CONDITION)`, such as `any rule in nsg.rules (rule.deny)`", if all { "all" } else { "any" });
        let (list, group) = match (self.words.peek_nth(2), self.words.peek_nth(3)) {
            (Some(Term::Value(list)), Some(Term::Group(inner, span))) => (list, (inner, *span)),
            (Some(Term::Value(list)), _) => {
                self.out.push(syntax(after(list.span), "the condition of a quantifier goes in parentheses after its list", shape));
                return Some(None);
            }
            (other, _) => {
                let at = other.map_or_else(|| self.end(), Term::span);
                self.out.push(syntax(at, "a quantifier goes over a list: a collection, a list field or `[...]`", shape));
                return Some(None);
            }
        };
        for _ in 0..4 {
            self.next();
        }
        let list = match value_expr(list, self.out) {
            Some(list) => list,
            None => return Some(None),
        };
        let (inner, span) = group;
        if inner.is_empty() {
            self.out.push(syntax(span, "empty parentheses", "write the condition each item is tested with inside them"));
            return Some(None);
        }
        let mut sub = Parser { words: Words::new(inner.iter().collect(), span), out: self.out, depth: self.depth + 1 };
        let Some(condition) = sub.expr(0) else { return Some(None) };
        if let Some(extra) = sub.peek() {
            self.out.push(syntax(extra.span(), format!("{} does not belong here", shown(extra)), "join conditions with `and` or `or`"));
            return Some(None);
        }
        Some(Some(Expr {
            span: term.span().to(span),
            kind: ExprKind::Quantifier { all, var: var.clone(), list: Box::new(list), condition: Box::new(condition) },
        }))
    }

    fn prefix(&mut self) -> Option<Expr> {
        let Some(term) = self.next() else {
            self.out.push(syntax(self.end(), "a value is missing here", "complete the condition"));
            return None;
        };
        let negation = is_word(term, "not") || matches!(term, Term::Operator(op, _) if op == "!");
        if self.depth > MAX_DEPTH {
            self.out.push(syntax(term.span(), "this condition nests too deeply", "write it with fewer `not`s and parentheses"));
            return None;
        }
        if negation {
            self.depth += 1;
            let inner = self.operand(NOT, term);
            self.depth -= 1;
            let inner = inner?;
            return Some(Expr { span: term.span().to(inner.span), kind: ExprKind::Not(Box::new(inner)) });
        }
        if let Some(quantifier) = self.quantifier(term) {
            return quantifier;
        }
        match term {
            Term::Group(inner, span) => {
                if inner.is_empty() {
                    self.out.push(syntax(*span, "empty parentheses", "write a condition inside them"));
                    return None;
                }
                let mut sub = Parser { words: Words::new(inner.iter().collect(), *span), out: self.out, depth: self.depth + 1 };
                let mut expr = sub.expr(0)?;
                if let Some(extra) = sub.peek() {
                    self.out.push(syntax(extra.span(), format!("{} does not belong here", shown(extra)), "join conditions with `and` or `or`"));
                    return None;
                }
                expr.span = *span;
                Some(expr)
            }
            Term::Operator(op, span) => {
                self.out.push(syntax(*span, format!("`{op}` needs a value before it"), "complete the condition"));
                None
            }
            Term::Value(value) => {
                if let Some(w) = value.as_word().filter(|w| KEYWORDS.contains(&w.name.as_str())) {
                    self.out.push(syntax(w.span, format!("`{}` needs a value before it", w.name), "complete the condition"));
                    return None;
                }
                value_expr(value, self.out)
            }
        }
    }
}

/// A value of a condition: a literal, a list, a path or a call.
pub fn value_expr(value: &Value, out: &mut Vec<Diagnostic>) -> Option<Expr> {
    let span = value.span;
    let kind = match &value.kind {
        ValueKind::Invalid => return None,
        ValueKind::Int(n) => ExprKind::Int(*n),
        ValueKind::Str(s) => ExprKind::Str(s.clone()),
        ValueKind::Bool(b) => ExprKind::Bool(*b),
        ValueKind::Cidr(net) => ExprKind::Prefix(*net),
        ValueKind::Ipv4(ip) => ExprKind::Ip(IpAddr::V4(*ip)),
        ValueKind::Ipv6(ip) => ExprKind::Ip(IpAddr::V6(*ip)),
        ValueKind::Path(path) => ExprKind::Path(path.clone()),
        ValueKind::List(items) => ExprKind::List(items.iter().map(|i| value_expr(i, out)).collect::<Option<Vec<_>>>()?),
        ValueKind::Call(name, args) => ExprKind::Call(name.clone(), args.iter().map(|a| value_expr(a, out)).collect::<Option<Vec<_>>>()?),
        other => {
            out.push(
                Diagnostic::new(
                    &POLICY_TYPE_MISMATCH,
                    span,
                    format!("a policy compares no {}", other.describe().trim_start_matches("a ").trim_start_matches("an ")),
                )
                .with_help("policies compare numbers, strings, words, addresses, prefixes, ports and the fields of the plan's blocks"),
            );
            return None;
        }
    };
    Some(Expr { kind, span })
}

/// A regular expression of a policy, or its error at the literal.
pub fn compile_regex(text: &str, span: Span, out: &mut Vec<Diagnostic>) -> Option<regex::Regex> {
    // Patterns are small; the size limit keeps a hostile one from blowing up.
    match regex::RegexBuilder::new(text).size_limit(1 << 20).build() {
        Ok(regex) => Some(regex),
        Err(e) => {
            let why = match &e {
                regex::Error::Syntax(s) => s
                    .lines()
                    .filter(|l| l.starts_with("error:"))
                    .map(|l| l.trim_start_matches("error:").trim().to_string())
                    .next()
                    .unwrap_or_else(|| s.clone()),
                regex::Error::CompiledTooBig(_) => "the pattern is too large".to_string(),
                other => other.to_string(),
            };
            out.push(
                Diagnostic::new(&INVALID_POLICY_REGEX, span, format!("\"{text}\" is not a valid pattern: {why}"))
                    .with_help("a pattern is a regular expression of Rust's `regex` crate, without look-around or back-references; in a string a backslash is doubled: `\\\\d` for a digit"),
            );
            None
        }
    }
}

/// The parts of a message: text, `{path}` placeholders, `{{` and `}}` for braces.
pub fn message(text: &str, literal: Span, out: &mut Vec<Diagnostic>) -> Option<Message> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if chars.peek().is_some_and(|(_, n)| *n == '{') => {
                chars.next();
                current.push('{');
            }
            '}' if chars.peek().is_some_and(|(_, n)| *n == '}') => {
                chars.next();
                current.push('}');
            }
            '}' => {
                out.push(
                    Diagnostic::new(&POLICY_MESSAGE, inside(literal, text, i..i + 1), "this `}` closes no `{`")
                        .with_help("write `}}` for a brace of the text"),
                );
                return None;
            }
            '{' => {
                let Some(close) = text[i + 1..].find('}').map(|c| i + 1 + c) else {
                    out.push(
                        Diagnostic::new(&POLICY_MESSAGE, inside(literal, text, i..text.len()), "this `{` is never closed")
                            .with_help("close the placeholder, `{rule.name}`, or write `{{` for a brace of the text"),
                    );
                    return None;
                };
                let inner = &text[i + 1..close];
                let span = inside(literal, text, i..close + 1);
                let Some(path) = placeholder(inner, span) else {
                    let shown = if inner.trim().is_empty() { "nothing".to_string() } else { format!("`{inner}`") };
                    out.push(
                        Diagnostic::new(&POLICY_MESSAGE, span, format!("a placeholder holds a variable or a field such as `rule.name`, not {shown}"))
                            .with_help("write `{VAR}` or `{VAR.FIELD}`, or `{{` for a brace of the text"),
                    );
                    return None;
                };
                if !current.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut current)));
                }
                parts.push(Part::Value(Expr { kind: ExprKind::Path(path), span }));
                while chars.peek().is_some_and(|(j, _)| *j <= close) {
                    chars.next();
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        parts.push(Part::Text(current));
    }
    Some(Message { parts, span: literal })
}

/// `rule.name` inside braces, as a path.
fn placeholder(inner: &str, span: Span) -> Option<Vec<Ident>> {
    let inner = inner.trim();
    let ok = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    let segments: Vec<&str> = inner.split('.').collect();
    (!inner.is_empty() && segments.iter().all(|s| ok(s))).then(|| segments.iter().map(|s| Ident { name: s.to_string(), span }).collect())
}

/// The span of a byte range of a string's value, when the literal was written
/// without escapes; else the whole literal.
fn inside(literal: Span, value: &str, range: std::ops::Range<usize>) -> Span {
    if (literal.end - literal.start) as usize != value.len() + 2 || value.contains(['"', '\\']) {
        return literal;
    }
    let start = literal.start as usize + 1;
    Span::new(literal.file, start + range.start, start + range.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<String, Vec<String>> {
        let (file, errors) = crate::syntax::parse(crate::source::FileId::default(), &format!("x {text}\n"));
        assert!(errors.is_empty(), "{errors:?}");
        let ast::Item::Block(block) = &file.items[0] else { panic!("a block") };
        let mut out = Vec::new();
        match expression(&block.terms, block.head.span, &mut out) {
            Some(e) => Ok(show(&e)),
            None => Err(out.into_iter().map(|d| format!("{} {}", d.code.code, d.message)).collect()),
        }
    }

    fn show(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Int(n) => n.to_string(),
            ExprKind::Str(s) => format!("{s:?}"),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Prefix(p) => p.to_string(),
            ExprKind::Ip(ip) => ip.to_string(),
            ExprKind::List(items) => format!("[{}]", items.iter().map(show).collect::<Vec<_>>().join(", ")),
            ExprKind::Path(p) => p.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join("."),
            ExprKind::Call(f, args) => format!("{}({})", f.name, args.iter().map(show).collect::<Vec<_>>().join(", ")),
            ExprKind::Not(inner) => format!("(not {})", show(inner)),
            ExprKind::And(a, b) => format!("({} and {})", show(a), show(b)),
            ExprKind::Or(a, b) => format!("({} or {})", show(a), show(b)),
            ExprKind::Compare(op, a, b) => format!("({} {} {})", show(a), op.as_str(), show(b)),
            ExprKind::Matches(a, r) => format!("({} matches {:?})", show(a), r.as_str()),
            ExprKind::Quantifier { all, var, list, condition } => {
                format!("({} {} in {} ({}))", if *all { "all" } else { "any" }, var.name, show(list), show(condition))
            }
        }
    }

    #[test]
    fn precedence_is_or_and_not_comparison() {
        assert_eq!(parse("a or b and c").unwrap(), "(a or (b and c))");
        assert_eq!(parse("a and b or c").unwrap(), "((a and b) or c)");
        assert_eq!(parse("not a == b and c").unwrap(), "((not (a == b)) and c)");
        assert_eq!(parse("! a").unwrap(), "(not a)");
        assert_eq!(
            parse("r.source == Internet and (22 in r.ports or 3389 in r.ports)").unwrap(),
            "((r.source == Internet) and ((22 in r.ports) or (3389 in r.ports)))"
        );
        assert_eq!(parse("x not in [1, 2]").unwrap(), "(x not in [1, 2])");
        assert_eq!(parse("not (s within 10.0.0.0/8)").unwrap(), "(not (s within 10.0.0.0/8))");
        assert_eq!(parse("lower(n.name) matches \"^a\" or n.priority >= 100").unwrap(), "((lower(n.name) matches \"^a\") or (n.priority >= 100))");
        assert_eq!(parse("a and b and c").unwrap(), "((a and b) and c)");
        assert_eq!(parse("any r in n.rules (r.deny) and x").unwrap(), "((any r in n.rules (r.deny)) and x)");
        assert_eq!(parse("not all s in [1, 2] (s > 1 or s == 0)").unwrap(), "(not (all s in [1, 2] (((s > 1) or (s == 0)))))");
        // Without a variable and `in`, `any` is a word, as in `rule.protocol == any`.
        assert_eq!(parse("r.protocol == any").unwrap(), "(r.protocol == any)");
        assert_eq!(parse("any in r.source").unwrap(), "(any in r.source)");
    }

    #[test]
    fn malformed_quantifiers_are_reported() {
        assert_eq!(parse("any r in n.rules").unwrap_err(), ["ASH510 the condition of a quantifier goes in parentheses after its list"]);
        assert_eq!(parse("any r in n.rules r.deny").unwrap_err(), ["ASH510 the condition of a quantifier goes in parentheses after its list"]);
        assert_eq!(parse("all r in (r.deny)").unwrap_err(), ["ASH510 a quantifier goes over a list: a collection, a list field or `[...]`"]);
        assert_eq!(parse("any r in n.rules ()").unwrap_err(), ["ASH510 empty parentheses"]);
    }

    #[test]
    fn malformed_conditions_are_reported() {
        assert_eq!(parse("a ==").unwrap_err(), ["ASH510 `==` needs a value after it"]);
        assert_eq!(parse("== a").unwrap_err(), ["ASH510 `==` needs a value before it"]);
        assert_eq!(parse("a == b == c").unwrap_err(), ["ASH510 comparisons do not chain"]);
        assert_eq!(parse("a b").unwrap_err(), ["ASH510 `b` does not belong here"]);
        assert_eq!(parse("and b").unwrap_err(), ["ASH510 `and` needs a value before it"]);
        assert_eq!(parse("a matches b").unwrap_err(), ["ASH513 `matches` takes a pattern in quotes, found a name"]);
        assert_eq!(parse("a == 3h").unwrap_err(), ["ASH513 a policy compares no duration"]);
        assert_eq!(parse("()").unwrap_err(), ["ASH510 empty parentheses"]);
        assert_eq!(parse(&format!("{}a", "not ".repeat(10_000))).unwrap_err(), ["ASH510 this condition nests too deeply"]);
        assert!(parse("a matches \"[0-9\"").unwrap_err()[0].starts_with("ASH514 \"[0-9\" is not a valid pattern: unclosed character class"));
    }

    #[test]
    fn messages_interpolate_paths_and_escape_braces() {
        let span = Span::new(crate::source::FileId::default(), 0, 0);
        let mut out = Vec::new();
        let m = message("rule {rule.name} of {{x}} {nsg.name}", span, &mut out).unwrap();
        let shown: Vec<String> = m
            .parts
            .iter()
            .map(|p| match p {
                Part::Text(t) => t.clone(),
                Part::Value(e) => format!("<{}>", show(e)),
            })
            .collect();
        assert_eq!(shown, ["rule ", "<rule.name>", " of {x} ", "<nsg.name>"]);
        assert!(out.is_empty());
        for bad in ["{rule.name", "a } b", "{}", "{a b}"] {
            let mut out = Vec::new();
            assert!(message(bad, span, &mut out).is_none(), "{bad}");
            assert_eq!(out[0].code.code, "ASH515", "{bad}");
        }
    }
}
