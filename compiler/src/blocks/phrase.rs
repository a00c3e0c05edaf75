//! Reading phrases: [`Words`], the one cursor every phrase reader moves over
//! the words it reads with, and the readers of words that several phrases
//! share (a word of a fixed set, addresses), each problem reported at its word.
//!
//! A phrase arrives as [`crate::model::Phrase`]s (see [`crate::schema::PHRASE_KINDS`]);
//! a block's phrases are read as one run of words, so that a long phrase may be
//! split over several lines of the block's body.

use crate::ast::{Ident, Term, Value, ValueKind};
use crate::diagnostic::codes::{MALFORMED_BLOCK, TYPE_MISMATCH, UNRESOLVED_REFERENCE, WRONG_REFERENCE_KIND};
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::model::{Model, NodeId, Spanned};
use crate::phrases::Address;
use crate::source::Span;
use ipnet::IpNet;
use std::net::IpAddr;

/// The service tags every virtual network knows, as Azure spells them. A tag
/// written in another case is spelt Azure's way; `any` is Azure's `*`.
pub const DEFAULT_TAGS: &[&str] = &["Internet", "VirtualNetwork", "AzureLoadBalancer"];

/// The words of a block's phrases, one after another.
pub struct Words<'a> {
    words: Vec<&'a Term>,
    at: usize,
    /// The whole phrase, for problems that belong to no word.
    pub span: Span,
}

impl<'a> Words<'a> {
    /// The words of all of `node`'s phrases; `None` when it has none.
    pub fn of(model: &'a Model, node: NodeId) -> Option<Words<'a>> {
        let phrases = &model.node(node).phrases;
        let first = phrases.first()?;
        let last = phrases.last()?;
        let words = phrases.iter().flat_map(|p| p.words.iter()).collect();
        Some(Words { words, at: 0, span: first.span.to(last.span) })
    }

    /// Words read from elsewhere than a phrase kind's phrases (the lines of a
    /// firewall's rule blocks, an update group's schedule, a policy's
    /// condition); `span` is the whole phrase, or where a missing first word
    /// would be reported (a condition's: the word before it).
    pub fn new(words: Vec<&'a Term>, span: Span) -> Words<'a> {
        Words { words, at: 0, span }
    }

    /// The words of one phrase, for kinds whose phrases each stand alone
    /// (an `autoscale` rule a line).
    pub fn phrase(phrase: &'a crate::model::Phrase) -> Words<'a> {
        Words { words: phrase.words.iter().collect(), at: 0, span: phrase.span }
    }

    pub fn peek(&self) -> Option<&'a Term> {
        self.words.get(self.at).copied()
    }

    /// The word `n` words ahead: `peek_nth(0)` is [`Words::peek`].
    pub fn peek_nth(&self, n: usize) -> Option<&'a Term> {
        self.words.get(self.at + n).copied()
    }

    pub fn take(&mut self) -> Option<&'a Term> {
        let term = self.peek();
        self.at += usize::from(term.is_some());
        term
    }

    /// The next term when it is a bare word.
    pub fn peek_word(&self) -> Option<&'a Ident> {
        self.peek().and_then(word)
    }

    /// Where a missing word would go: just after the last word read.
    pub fn end(&self) -> Span {
        let last = self.at.checked_sub(1).and_then(|i| self.words.get(i)).map_or(self.span, |t| t.span());
        Span::new(last.file, last.end as usize, last.end as usize)
    }
}

/// A term that is a bare word (`inbound`, `Internet`), not a reference with dots.
pub fn word(term: &Term) -> Option<&Ident> {
    match term {
        Term::Value(v) => v.as_word(),
        _ => None,
    }
}

/// A term as a value; operators and groups are no values of any phrase.
pub fn value(term: &Term) -> Result<&Value, Diagnostic> {
    match term {
        Term::Value(v) => Ok(v),
        Term::Operator(op, span) => Err(Diagnostic::new(&MALFORMED_BLOCK, *span, format!("`{op}` has no meaning here"))),
        Term::Group(_, span) => Err(Diagnostic::new(&MALFORMED_BLOCK, *span, "a group in parentheses has no meaning here")),
    }
}

/// Reads a word of a fixed set, in any case, as the set spells it.
/// `what` names the word ("a direction"); `help` says where it goes.
/// The help is written only for a diagnostic: a plan's thousands of phrases
/// that read well pay for no text.
pub fn one_of(words: &mut Words, set: &[&'static str], what: &str, help: impl std::fmt::Display) -> Result<Spanned<&'static str>, Diagnostic> {
    let Some(term) = words.take() else {
        return Err(Diagnostic::new(&MALFORMED_BLOCK, words.end(), format!("the phrase ends where {what} belongs")).with_help(help.to_string()));
    };
    let found = word(term).and_then(|w| set.iter().find(|s| s.eq_ignore_ascii_case(&w.name)).map(|s| (s, w.span)));
    match found {
        Some((s, span)) => Ok(Spanned { value: s, span }),
        None => {
            let hint = word(term).and_then(|w| did_you_mean(&w.name, set.iter().copied()));
            let listed = set.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(", ");
            Err(Diagnostic::new(&TYPE_MISMATCH, term.span(), format!("expected {what} ({listed}), found {}", shown(term)))
                .with_help(hint.unwrap_or_else(|| help.to_string().into())))
        }
    }
}

/// A term as messages show it: a word in backquotes, else what it is.
pub fn shown(term: &Term) -> String {
    word(term).map_or_else(|| describe(term).to_string(), |w| format!("`{}`", w.name))
}

/// What a term is, in words.
pub fn describe(term: &Term) -> &'static str {
    match term {
        Term::Value(v) => v.kind.describe(),
        Term::Operator(..) => "an operator",
        Term::Group(..) => "a group",
    }
}

/// The addresses of a rule's `from` or `to`, or of a route: one address, or a list.
///
/// A reference to a subnet (`app1.web`) is its
/// prefix, to a hub or spoke (`app1`) its address space: values, not
/// dependencies, so a rule may name the subnet its NSG protects. `Ok(None)`
/// means a problem reported elsewhere (an address already found invalid).
pub fn addresses(model: &Model, value: &Value) -> Result<Option<Vec<Spanned<Address>>>, Diagnostic> {
    let ValueKind::List(items) = &value.kind else {
        return address(model, value);
    };
    if items.is_empty() {
        return Err(
            Diagnostic::new(&TYPE_MISMATCH, value.span, "an empty list names no address").with_help("write at least one address or prefix, or `any`")
        );
    }
    let mut all = Vec::new();
    for item in items {
        if matches!(item.kind, ValueKind::List(_)) {
            return Err(Diagnostic::new(&TYPE_MISMATCH, item.span, "a list inside a list").with_help("write the addresses in one list"));
        }
        match address(model, item)? {
            Some(found) => all.extend(found),
            None => return Ok(None),
        }
    }
    // Azure takes several addresses in one rule only as IP addresses and prefixes
    // (`SecurityRuleParameterContainsUnsupportedValue`): a tag stands alone.
    if all.len() > 1 {
        if let Some(tag) = all.iter().find(|a| matches!(a.value, Address::Tag(_) | Address::Any)) {
            let shown = match &tag.value {
                Address::Tag(name) => format!("the service tag `{name}`"),
                _ => "`any`".to_string(),
            };
            return Err(Diagnostic::new(&TYPE_MISMATCH, tag.span, format!("{shown} cannot stand in a list of addresses"))
                .with_help("Azure takes several IP addresses and prefixes in one rule, but a service tag or `any` only on its own: write it alone, or in a rule of its own"));
        }
    }
    Ok(Some(all))
}

/// One address: a prefix, an IP address, a service tag, or a reference to a
/// subnet, hub or spoke of the plan (which may stand for several prefixes).
pub fn address(model: &Model, value: &Value) -> Result<Option<Vec<Spanned<Address>>>, Diagnostic> {
    let span = value.span;
    let one = |value: Address| Ok(Some(vec![Spanned { value, span }]));
    match &value.kind {
        ValueKind::Invalid => Ok(None),
        ValueKind::Cidr(net) => one(Address::Prefix(*net)),
        ValueKind::Ipv4(ip) => one(Address::Ip(IpAddr::V4(*ip))),
        ValueKind::Ipv6(ip) => one(Address::Ip(IpAddr::V6(*ip))),
        ValueKind::Str(text) => quoted(text, span).map(|typed| Some(vec![Spanned { value: typed, span }])),
        ValueKind::Path(path) => reference_or_tag(model, path, span),
        other => Err(Diagnostic::new(&TYPE_MISMATCH, span, format!("expected an address, found {}", other.describe()))
            .with_help("write an IP address, a prefix such as 10.1.0.0/24, a service tag such as `Internet`, a subnet such as `app1.web`, or `any`")),
    }
}

/// An address written as a string: `"10.2.0.0/24"`, `"10.2.0.4"`, `"*"` or a tag.
fn quoted(text: &str, span: Span) -> Result<Address, Diagnostic> {
    if text == "*" {
        return Ok(Address::Any);
    }
    if text.contains('/') {
        return match text.parse::<IpNet>() {
            Ok(net) if net.trunc() == net => Ok(Address::Prefix(net)),
            Ok(net) => Err(Diagnostic::new(&TYPE_MISMATCH, span, format!("\"{text}\" has host bits set"))
                .with_help(format!("a prefix starts at its first address: write {}", net.trunc()))),
            Err(_) => {
                Err(Diagnostic::new(&TYPE_MISMATCH, span, format!("\"{text}\" is not an address prefix"))
                    .with_help("write a prefix such as 10.2.0.0/24"))
            }
        };
    }
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok(Address::Ip(ip));
    }
    let is_tag = !text.is_empty()
        && text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if is_tag {
        return Ok(tag(text));
    }
    Err(Diagnostic::new(&TYPE_MISMATCH, span, format!("\"{text}\" is not an address"))
        .with_help("write an IP address, a prefix such as 10.1.0.0/24, a service tag such as `Internet`, or `any`"))
}

/// A service tag as Azure spells it.
fn tag(name: &str) -> Address {
    if name.eq_ignore_ascii_case("any") {
        return Address::Any;
    }
    let spelt = DEFAULT_TAGS.iter().find(|t| t.eq_ignore_ascii_case(name)).map_or(name, |t| *t);
    Address::Tag(spelt.to_string())
}

/// `app1.web`, `app1`, `Internet`, `Storage.WestEurope`: a name of the plan wins
/// over a service tag; a name that is no block of the plan is a service tag.
fn reference_or_tag(model: &Model, path: &[Ident], span: Span) -> Result<Option<Vec<Spanned<Address>>>, Diagnostic> {
    let dotted = path.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(".");
    let Some(&top) = model.names.get(&path[0].name) else {
        return Ok(Some(vec![Spanned { value: tag(&dotted), span }]));
    };
    let mut current = top;
    for segment in &path[1..] {
        let node = model.node(current);
        match node.children.iter().copied().find(|&c| model.node(c).name() == segment.name) {
            Some(child) => current = child,
            None => {
                let names: Vec<&str> = node.children.iter().map(|&c| model.node(c).name()).collect();
                let scope = model.describe(current);
                let help = did_you_mean(&segment.name, names.iter().copied())
                    .unwrap_or_else(|| format!("name a subnet of {scope}, or write an address").into());
                return Err(
                    Diagnostic::new(&UNRESOLVED_REFERENCE, segment.span, format!("nothing named `{}` in {scope}", segment.name)).with_help(help)
                );
            }
        }
    }
    let node = model.node(current);
    let prefixes: Vec<IpNet> = match node.kind.kind {
        "subnet" => model.subnet_prefix(current).into_iter().collect(),
        "hub" | "spoke" => node.prefixes("address_space").into_iter().map(|p| p.value).collect(),
        other => {
            return Err(Diagnostic::new(
                &WRONG_REFERENCE_KIND,
                span,
                format!("expected an address, a subnet, a hub or a spoke, but `{dotted}` is a {other}"),
            )
            .with_label(node.head, format!("{} is declared here", model.describe(current)))
            .with_help("name a subnet, hub or spoke, or write an address; a block's name hides a service tag of the same name"));
        }
    };
    if prefixes.is_empty() {
        // The block's prefix is invalid or was not allocated: reported already.
        return Ok(None);
    }
    Ok(Some(prefixes.into_iter().map(|p| Spanned { value: Address::Prefix(p), span }).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted_ok(text: &str) -> Address {
        quoted(text, Span::new(crate::source::FileId::default(), 0, 0)).unwrap()
    }

    #[test]
    fn quoted_addresses_are_prefixes_ips_tags_or_any() {
        assert_eq!(quoted_ok("10.2.0.0/24"), Address::Prefix("10.2.0.0/24".parse().unwrap()));
        assert_eq!(quoted_ok("fd00::4"), Address::Ip("fd00::4".parse().unwrap()));
        assert_eq!(quoted_ok("*"), Address::Any);
        assert_eq!(quoted_ok("internet"), Address::Tag("Internet".into()));
        assert_eq!(quoted_ok("Storage.WestEurope"), Address::Tag("Storage.WestEurope".into()));
        let span = Span::new(crate::source::FileId::default(), 0, 0);
        assert_eq!(quoted("10.2.0.5/24", span).unwrap_err().help.unwrap(), "a prefix starts at its first address: write 10.2.0.0/24");
        assert!(quoted("10.2.0.0/33", span).is_err());
        assert!(quoted("two words", span).is_err());
        assert!(quoted("", span).is_err());
    }
}
