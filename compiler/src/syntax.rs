//! Parsing: text to [`ast::File`], with syntax errors users can read.
//!
//! The grammar lives in `grammar/ashlar.pest`. The parser never panics: input
//! that is not UTF-8, nested too deep for the recursive-descent parser, or a
//! literal out of range is reported as a diagnostic with a span.

use crate::ast::*;
use crate::diagnostic::codes::{INVALID_ENCODING, INVALID_LITERAL, NESTING_TOO_DEEP, SYNTAX_ERROR};
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use pest::iterators::Pair;
use pest::Parser as _;

#[derive(pest_derive::Parser)]
#[grammar = "../../grammar/ashlar.pest"]
struct AshlarParser;

/// How deep `{`, `[` and `(` may nest. Plans nest a handful of levels; the limit
/// keeps the recursive-descent parser far from the stack's end.
pub const MAX_NESTING: usize = 64;

/// Decodes file bytes as UTF-8, or reports the first bad byte.
pub fn decode(file: FileId, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Diagnostic::new(&INVALID_ENCODING, Span::new(file, at, at), "this file is not valid UTF-8")
            .with_help("save the file as UTF-8; ashlar reads no other encoding")
    })
}

/// Parses one file. A syntax error is reported as it is found in the whole
/// file, and the file's other top-level items are kept (see [`recover`]), so
/// that an editor keeps its outline, hover and completion while one block is
/// being typed.
pub fn parse(file: FileId, text: &str) -> (File, Vec<Diagnostic>) {
    let threads = crate::parallel::threads();
    let pieces = if text.len() >= PARALLEL_PARSE_FROM && threads > 1 { threads } else { 1 };
    parse_in_pieces(file, text, pieces, MIN_PIECE)
}

/// Files from this size up are parsed in pieces, one per core.
const PARALLEL_PARSE_FROM: usize = 128 * 1024;
/// The least a piece holds: threads cost more than parsing a few lines.
const MIN_PIECE: usize = 32 * 1024;

/// [`parse`], with the file cut into up to `pieces` runs of whole top-level
/// items (see [`top_level_pieces`]) of at least `min_len` bytes each, parsed on
/// as many threads. The tree and diagnostics are those of the whole file
/// parsed at once: a file with a syntax error anywhere is parsed again whole,
/// so that its error is found and worded as it always is.
fn parse_in_pieces(file: FileId, text: &str, pieces: usize, min_len: usize) -> (File, Vec<Diagnostic>) {
    if let Some(diagnostic) = check_nesting(file, text) {
        return (File::default(), vec![diagnostic]);
    }
    let ranges = if pieces > 1 { top_level_pieces(text, pieces, min_len) } else { Vec::new() };
    if ranges.len() > 1 {
        let parsed = crate::parallel::map_in_order(ranges, |range| parse_piece(file, text, range).ok());
        if parsed.iter().all(Option::is_some) {
            let mut whole = File::default();
            let mut diagnostics = Vec::new();
            for (tree, found) in parsed.into_iter().flatten() {
                whole.uses.extend(tree.uses);
                whole.items.extend(tree.items);
                diagnostics.extend(found);
            }
            return (whole, diagnostics);
        }
    }
    match parse_piece(file, text, 0..text.len()) {
        Ok(parsed) => parsed,
        Err(error) => {
            let (tree, mut diagnostics) = recover(file, text);
            diagnostics.insert(0, syntax_error(file, text, *error));
            (tree, diagnostics)
        }
    }
}

/// Where each top-level piece of a file (see [`top_level_pieces`]) is, and
/// how many `use`s and items of its tree it holds, in order: what
/// [`reparse`] needs to parse again only the pieces an edit touches.
#[derive(Clone, Debug)]
pub struct Pieces(Vec<Piece>);

#[derive(Clone, Debug)]
struct Piece {
    range: std::ops::Range<usize>,
    uses: usize,
    items: usize,
}

impl Pieces {
    /// The pieces of `text`, parsed into `tree` without a diagnostic; `None`
    /// when the tree is not that of whole pieces (text left out, or an item
    /// across a cut).
    pub fn of(tree: &File, text: &str) -> Option<Pieces> {
        if !tree.left_out.is_empty() || text.is_empty() {
            return None;
        }
        let ranges = top_level_pieces(text, usize::MAX, 1);
        let mut pieces: Vec<Piece> = ranges.into_iter().map(|range| Piece { range, uses: 0, items: 0 }).collect();
        let piece_of = |span: Span, pieces: &[Piece]| {
            let at = pieces.partition_point(|p| p.range.end <= span.start as usize);
            pieces.get(at).filter(|p| span.end as usize <= p.range.end).map(|_| at)
        };
        for u in &tree.uses {
            let at = piece_of(u.span, &pieces)?;
            pieces[at].uses += 1;
        }
        for item in &tree.items {
            let at = piece_of(item.span(), &pieces)?;
            pieces[at].items += 1;
        }
        // The tree's order is the text's, so counts in order rebuild it.
        let in_order = |spans: Vec<Span>| spans.windows(2).all(|w| w[0].start <= w[1].start);
        if !in_order(tree.uses.iter().map(|u| u.span).collect()) || !in_order(tree.items.iter().map(Item::span).collect()) {
            return None;
        }
        Some(Pieces(pieces))
    }
}

/// The tree of `new`, an edit of `old` whose tree is `tree` (parsed without
/// a diagnostic) cut into `pieces`: the pieces the edit touches are parsed
/// again, those before it are kept, and those after it are kept with their
/// spans moved by what the edit added or took away. The tree and diagnostics
/// are those [`parse`] gives for `new`; `None` when the edit's pieces do not
/// parse by themselves (the file is then parsed whole, which words the error).
pub fn reparse(file: FileId, old: &str, tree: &File, pieces: &Pieces, new: &str) -> Option<(File, Vec<Diagnostic>, Pieces)> {
    let pieces = &pieces.0;
    let last_piece = pieces.last()?;
    if last_piece.range.end != old.len() || new.is_empty() {
        return None;
    }
    // The edit: `old[same_start..old.len() - same_end]` became `new[same_start..new.len() - same_end]`.
    let same_start = old.bytes().zip(new.bytes()).take_while(|(a, b)| a == b).count();
    let most_end = old.len().min(new.len()) - same_start;
    let same_end = old.bytes().rev().zip(new.bytes().rev()).take(most_end).take_while(|(a, b)| a == b).count();
    let old_end = old.len() - same_end;
    let by = new.len() as i64 - old.len() as i64;
    let moved = |at: usize| (at as i64 + by) as usize;

    // The pieces from the one the edit starts in to the one it ends in, and on
    // until the edited text ends where a piece may end, as the scan of the whole
    // file would find it: from there on the text and its pieces are the old ones.
    let first = pieces.partition_point(|p| p.range.end <= same_start).min(pieces.len() - 1);
    let mut last = if old_end > same_start { pieces.partition_point(|p| p.range.end < old_end) } else { first };
    let start = pieces[first].range.start;
    let end = loop {
        let end = moved(pieces[last].range.end);
        if end == new.len() || ends_between_items(&new[start..end]) {
            break end;
        }
        last += 1;
    };
    let region = &new[start..end];
    if check_nesting(file, region).is_some() {
        return None;
    }
    let mut fresh = Vec::new();
    let mut diagnostics = Vec::new();
    let mut middle = File::default();
    for range in top_level_pieces(region, usize::MAX, 1) {
        let range = start + range.start..start + range.end;
        let (parsed, found) = parse_piece(file, new, range.clone()).ok()?;
        fresh.push(Piece { range, uses: parsed.uses.len(), items: parsed.items.len() });
        middle.uses.extend(parsed.uses);
        middle.items.extend(parsed.items);
        diagnostics.extend(found);
    }

    let count = |pieces: &[Piece]| (pieces.iter().map(|p| p.uses).sum::<usize>(), pieces.iter().map(|p| p.items).sum::<usize>());
    let (uses_before, items_before) = count(&pieces[..first]);
    let (uses_after, items_after) = count(&pieces[last + 1..]);
    let kept_after = |all: usize, after: usize| all - after..all;
    let mut uses = tree.uses[..uses_before].to_vec();
    uses.extend(middle.uses);
    let mut items = tree.items[..items_before].to_vec();
    items.extend(middle.items);
    let mut shifted_uses = tree.uses[kept_after(tree.uses.len(), uses_after)].to_vec();
    let mut shifted_items = tree.items[kept_after(tree.items.len(), items_after)].to_vec();
    if by != 0 {
        shifted_uses.shift(by);
        shifted_items.shift(by);
    }
    uses.extend(shifted_uses);
    items.extend(shifted_items);

    let mut all = pieces[..first].to_vec();
    all.extend(fresh);
    all.extend(pieces[last + 1..].iter().map(|p| Piece { range: moved(p.range.start)..moved(p.range.end), ..*p }));
    Some((File { uses, items, left_out: Vec::new() }, diagnostics, Pieces(all)))
}

/// Whether `text`, which starts between two top-level items, ends between two:
/// its scan ends after a line break outside brackets, strings and comments,
/// on a line that does not end in `=`, where [`top_level_pieces`] may cut.
fn ends_between_items(text: &str) -> bool {
    let mut between = ItemEnds::default();
    let mut ends_with_break = false;
    scan(text, |lexeme| {
        ends_with_break = between.after(lexeme) == Some(text.len());
        true
    });
    ends_with_break
}

/// The state of a scan from a point between two top-level items: the bracket
/// depth and the last byte outside whitespace and comments, which together say
/// whether a line break ends an item (outside brackets, on a line that does
/// not end in `=`, since a value may start on the next line).
#[derive(Default)]
struct ItemEnds {
    depth: usize,
    last: Option<u8>,
}

impl ItemEnds {
    /// Takes the next lexeme; after a line break where an item may end, the
    /// offset just after it.
    fn after(&mut self, lexeme: Lexeme) -> Option<usize> {
        match lexeme {
            Lexeme::Bracket(_, b) => {
                self.depth = if matches!(b, b'{' | b'[' | b'(') { self.depth + 1 } else { self.depth.saturating_sub(1) };
                self.last = Some(b);
            }
            Lexeme::String(_) => self.last = Some(b'"'),
            Lexeme::Comment(..) | Lexeme::Code(_, b' ' | b'\t' | b'\r') => {}
            Lexeme::Code(i, b'\n') => return (self.depth == 0 && self.last != Some(b'=')).then_some(i + 1),
            Lexeme::Code(_, b) => self.last = Some(b),
        }
        None
    }
}

/// The top-level items of a file that does not parse, each parsed by itself:
/// those that parse are kept, with their own diagnostics; those that do not are
/// left out (the whole file's error says why). Items are cut as
/// [`top_level_pieces`] cuts them; a piece that fails is cut again at each
/// line that starts with a word in the first column, since an unclosed
/// bracket in one block would otherwise carry it to the end of the file.
fn recover(file: FileId, text: &str) -> (File, Vec<Diagnostic>) {
    let mut tree = File::default();
    let mut diagnostics = Vec::new();
    let mut left_out = Vec::new();
    let mut keep = |parsed: (File, Vec<Diagnostic>)| {
        tree.uses.extend(parsed.0.uses);
        tree.items.extend(parsed.0.items);
        diagnostics.extend(parsed.1);
    };
    for range in top_level_pieces(text, usize::MAX, 1) {
        match parse_piece(file, text, range.clone()) {
            Ok(parsed) => keep(parsed),
            Err(_) => {
                for line_range in first_column_pieces(text, range) {
                    match parse_piece(file, text, line_range.clone()) {
                        Ok(parsed) => keep(parsed),
                        Err(_) => left_out.push(Span::new(file, line_range.start, line_range.end)),
                    }
                }
            }
        }
    }
    tree.left_out = left_out;
    (tree, diagnostics)
}

/// `range` of `text` cut before every line that starts with a letter or `_`
/// in its first column, outside comments and strings.
fn first_column_pieces(text: &str, range: std::ops::Range<usize>) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut cuts = vec![range.start];
    scan(&text[range.clone()], |lexeme| {
        if let Lexeme::Code(i, b'\n') = lexeme {
            let next = range.start + i + 1;
            if bytes.get(next).is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_') {
                cuts.push(next);
            }
        }
        true
    });
    cuts.push(range.end);
    cuts.windows(2).map(|w| w[0]..w[1]).filter(|r| !r.is_empty()).collect()
}

/// Parses `text[range]`, a run of whole top-level items, with spans in `text`.
fn parse_piece(file: FileId, text: &str, range: std::ops::Range<usize>) -> Result<(File, Vec<Diagnostic>), Box<pest::error::Error<Rule>>> {
    let mut pairs = AshlarParser::parse(Rule::file, &text[range.clone()]).map_err(Box::new)?;
    let mut builder = Builder { file, base: range.start, diagnostics: Vec::new() };
    let root = pairs.next().expect("the file rule always yields one pair");
    let tree = builder.file(root);
    Ok((tree, builder.diagnostics))
}

/// Cuts `text` into up to `pieces` consecutive ranges of at least `min_len`
/// bytes, each a run of whole top-level items, so that each parses by itself
/// as the `file` rule. A cut falls only just after a line break outside
/// brackets, strings and comments, where the line before does not end in `=`
/// (an attribute's value may start on the next line): there the grammar is
/// always between two items, since only a value after `=`, brackets and
/// comments carry an item over a line break. Text that is not valid may be cut
/// elsewhere; its pieces then fail to parse, and [`parse_in_pieces`] parses
/// it whole.
fn top_level_pieces(text: &str, pieces: usize, min_len: usize) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let target = (text.len() / pieces).max(min_len).max(1);
    let mut start = 0;
    let mut between = ItemEnds::default();
    scan(text, |lexeme| {
        if let Some(at) = between.after(lexeme) {
            if at - start >= target && ranges.len() + 1 < pieces && text.len() - at >= min_len {
                ranges.push(start..at);
                start = at;
            }
        }
        true
    });
    ranges.push(start..text.len());
    ranges
}

/// What the lexical scan of [`scan`] reports.
pub enum Lexeme {
    /// `{ [ ( } ] )` at an offset.
    Bracket(usize, u8),
    /// A `//` or `/* */` comment's byte range.
    Comment(usize, usize),
    /// A string starts at an offset; the scan skips to its end, or to the
    /// line break where a string left open ends.
    String(usize),
    /// Any other byte outside strings and comments, line breaks and spaces included.
    Code(usize, u8),
}

/// Scans text for brackets, comments, strings and line breaks, without
/// parsing, as the grammar reads them (a comment or a string ends at `\n` or a
/// lone `\r`): the nesting guard runs before the parser, the parser cuts a
/// large file at line breaks between items, and the formatter needs the
/// comments the grammar skips. Returning `false` from `visit` stops the scan.
pub fn scan(text: &str, mut visit: impl FnMut(Lexeme) -> bool) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                if !visit(Lexeme::String(i)) {
                    return;
                }
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && !matches!(bytes[i], b'\n' | b'\r') {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                // The closing quote; a line break that ends an open string is code.
                if bytes.get(i) == Some(&b'"') {
                    i += 1;
                }
                continue;
            }
            b'/' if matches!(bytes.get(i + 1), Some(b'/') | Some(b'*')) => {
                let end = if bytes[i + 1] == b'/' {
                    text[i..].find(['\n', '\r']).map_or(text.len(), |n| i + n)
                } else {
                    text[i + 2..].find("*/").map_or(text.len(), |n| i + 2 + n + 2)
                };
                if !visit(Lexeme::Comment(i, end)) {
                    return;
                }
                i = end;
                continue;
            }
            b @ (b'{' | b'[' | b'(' | b'}' | b']' | b')') => {
                if !visit(Lexeme::Bracket(i, b)) {
                    return;
                }
            }
            b => {
                if !visit(Lexeme::Code(i, b)) {
                    return;
                }
            }
        }
        i += 1;
    }
}

/// Calls `visit` with the offset and byte of each bracket outside strings and comments.
fn scan_brackets(text: &str, mut visit: impl FnMut(usize, u8) -> bool) {
    scan(text, |lexeme| match lexeme {
        Lexeme::Bracket(i, b) => visit(i, b),
        _ => true,
    });
}

/// Finds the first bracket nested deeper than [`MAX_NESTING`].
fn check_nesting(file: FileId, text: &str) -> Option<Diagnostic> {
    let mut depth = 0usize;
    let mut too_deep = None;
    scan_brackets(text, |i, b| {
        if matches!(b, b'{' | b'[' | b'(') {
            depth += 1;
            if depth > MAX_NESTING {
                too_deep = Some(i);
                return false;
            }
        } else {
            depth = depth.saturating_sub(1);
        }
        true
    });
    too_deep.map(|i| {
        Diagnostic::new(&NESTING_TOO_DEEP, Span::new(file, i, i + 1), format!("nested more than {MAX_NESTING} levels deep"))
            .with_help("flatten the structure; no Azure building block needs this depth")
    })
}

/// The innermost bracket still open at the end of the text.
fn unclosed(text: &str) -> Option<(usize, u8)> {
    let mut open = Vec::new();
    scan_brackets(text, |i, b| {
        if matches!(b, b'{' | b'[' | b'(') {
            open.push((i, b));
        } else {
            open.pop();
        }
        true
    });
    open.pop()
}

/// Turns pest's error into one diagnostic that names what was expected in words.
fn syntax_error(file: FileId, text: &str, error: pest::error::Error<Rule>) -> Diagnostic {
    let at = match error.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let expected: Vec<&str> = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => expected_words(positives),
        pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let found = match text[at..].chars().next() {
        None => "the end of the file".to_string(),
        Some('\n') | Some('\r') => "the end of the line".to_string(),
        Some('\0') => "a NUL byte".to_string(),
        Some(c) if c.is_control() => format!("the control character U+{:04X}", c as u32),
        Some(c) => format!("`{c}`"),
    };
    let message = match expected.as_slice() {
        [] => format!("unexpected {found}"),
        [one] => format!("expected {one}, found {found}"),
        many => {
            let (last, rest) = many.split_last().expect("non-empty");
            format!("expected {} or {last}, found {found}", rest.join(", "))
        }
    };
    let end = at + text[at..].chars().next().map_or(0, char::len_utf8);
    if at == text.len() {
        if let Some((open, bracket)) = unclosed(text) {
            let close = match bracket {
                b'{' => '}',
                b'[' => ']',
                _ => ')',
            };
            return Diagnostic::new(&SYNTAX_ERROR, Span::new(file, at, at), format!("expected `{close}`, found the end of the file"))
                .with_label(Span::new(file, open, open + 1), format!("this `{}` is never closed", bracket as char))
                .with_help(format!("add `{close}` where the block or list ends"));
        }
    }
    let mut d = Diagnostic::new(&SYNTAX_ERROR, Span::new(file, at, end), message);
    if let Some(help) = hint(text, at) {
        d = d.with_help(help);
    }
    d
}

/// What the parser tried at the error, in words users know, never rule names.
/// Literal kinds fold into "a value"; after a block's words, `=` is offered too,
/// since the grammar tries an attribute there first.
fn expected_words(positives: &[Rule]) -> Vec<&'static str> {
    let is_value = |r: &Rule| {
        matches!(
            r,
            Rule::string
                | Rule::auto
                | Rule::cidr
                | Rule::ipv4
                | Rule::ipv6
                | Rule::version
                | Rule::time_of_day
                | Rule::duration
                | Rule::percent
                | Rule::integer
                | Rule::boolean
                | Rule::call
                | Rule::call_name
                | Rule::path
                | Rule::list
                | Rule::map
        )
    };
    let values = positives.iter().filter(|r| is_value(r)).count();
    let mut words: Vec<&'static str> = Vec::new();
    let in_block_line = positives.contains(&Rule::body);
    if in_block_line {
        words.push("`=`");
    }
    if values == 1 {
        words.extend(positives.iter().filter(|r| is_value(r)).filter_map(|r| describe(*r)));
    } else if values > 1 {
        words.push("a value");
    }
    for rule in positives.iter().filter(|r| !is_value(r)) {
        // Operators and groups only matter inside phrases; offering them everywhere is noise.
        if values > 1 && matches!(rule, Rule::operator | Rule::group) {
            continue;
        }
        if in_block_line && *rule == Rule::EOI {
            continue;
        }
        if let Some(word) = describe(*rule) {
            words.push(word);
        }
    }
    if in_block_line {
        words.push("the end of the line");
    }
    let mut seen = Vec::new();
    words.retain(|w| {
        if seen.contains(w) {
            false
        } else {
            seen.push(*w);
            true
        }
    });
    words
}

/// Words users know for what a grammar rule stands for; `None` hides helper rules.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "the end of the file",
        Rule::use_decl | Rule::use_kw => "`use`",
        Rule::module_path => "a module name like `std.naming.caf`",
        Rule::attribute | Rule::key | Rule::map_entry => "an attribute (`name = value`)",
        Rule::block | Rule::head => "a block",
        Rule::body => "`{`",
        Rule::operator => "an operator",
        Rule::group => "`(`",
        Rule::string | Rule::string_inner => "a string",
        Rule::escape => "an escape such as `\\n`",
        Rule::auto => "`auto /N`",
        Rule::prefix_len => "a prefix length",
        Rule::cidr => "an address prefix",
        Rule::ipv4 | Rule::ipv6 => "an IP address",
        Rule::version => "a version",
        Rule::time_of_day => "a time of day",
        Rule::duration => "a duration",
        Rule::percent => "a percentage",
        Rule::integer => "a number",
        Rule::boolean => "`true` or `false`",
        Rule::call | Rule::call_name => "a function call",
        Rule::path => "a name",
        Rule::list => "a list",
        Rule::map => "a map",
        _ => return None,
    })
}

/// Extra advice for common slips, judged from the text at the error.
fn hint(text: &str, at: usize) -> Option<String> {
    let rest = &text[at..];
    if rest.starts_with('\'') {
        return Some("strings are written in double quotes: \"like this\"".into());
    }
    if rest.starts_with(':') {
        return Some("attributes are written `name = value`, not `name: value`".into());
    }
    // `5000-5010` and `5000..5010` are no literal: a range of ports is a string.
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let number_start = text[..at].bytes().rev().take_while(u8::is_ascii_digit).count();
    let number = &text[at - number_start..];
    let low = digits(number);
    let alone = !text[..at - number_start].ends_with(|c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':'));
    if low > 0 && alone {
        let after = &number[low..];
        let rest = after.strip_prefix("..").or_else(|| after.strip_prefix('-'));
        let rest = rest.unwrap_or_default();
        let high = digits(rest);
        // Two numbers and no more, so that a date such as 2024-01-01 gets no such advice.
        let ends = rest[high..].chars().next().is_none_or(|c| c.is_whitespace() || matches!(c, ',' | ']' | '}' | ';'));
        if high > 0 && ends {
            let range = format!("{}-{}", &number[..low], &rest[..high]);
            return Some(format!("write a range of ports in quotes: \"{range}\""));
        }
    }
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    if text[line_start..at].contains('"') && text[line_start..at].matches('"').count() % 2 == 1 {
        return Some("a string must end on the line it starts; write a line break as `\\n`".into());
    }
    None
}

struct Builder {
    file: FileId,
    /// Where the parsed text starts in the file: pest counts from the start of a piece.
    base: usize,
    diagnostics: Vec<Diagnostic>,
}

impl Builder {
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        self.at(s.start(), s.end())
    }

    /// The span of `start..end` of the parsed text.
    fn at(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, self.base + start, self.base + end)
    }

    fn ident(&self, pair: &Pair<Rule>) -> Ident {
        Ident { name: pair.as_str().to_string(), span: self.span(pair) }
    }

    fn file(&mut self, root: Pair<Rule>) -> File {
        let mut file = File::default();
        for pair in root.into_inner() {
            match pair.as_rule() {
                Rule::use_decl => {
                    let span = self.span(&pair);
                    let path_pair = pair.into_inner().find(|p| p.as_rule() == Rule::module_path).expect("use has a path");
                    let path = self.dotted(&path_pair);
                    file.uses.push(Use { path, span });
                }
                Rule::EOI => {}
                _ => file.items.push(self.item(pair)),
            }
        }
        file
    }

    /// Splits `a.b.c` into idents with their own spans.
    fn dotted(&self, pair: &Pair<Rule>) -> Vec<Ident> {
        let base = pair.as_span().start();
        let mut offset = base;
        pair.as_str()
            .split('.')
            .map(|part| {
                let ident = Ident { name: part.to_string(), span: self.at(offset, offset + part.len()) };
                offset += part.len() + 1;
                ident
            })
            .collect()
    }

    /// An item of a block's body. The grammar shares `items` with the file, so
    /// a `use` parses there too: it is an error, and is left out of the tree.
    fn body_item(&mut self, pair: Pair<Rule>) -> Option<Item> {
        if pair.as_rule() != Rule::use_decl {
            return Some(self.item(pair));
        }
        let d = Diagnostic::new(&SYNTAX_ERROR, self.span(&pair), "`use` must be at the top level of a file, not inside a block")
            .with_help("move this `use` out of the block, to the top of the file");
        self.diagnostics.push(d);
        None
    }

    fn item(&mut self, pair: Pair<Rule>) -> Item {
        match pair.as_rule() {
            Rule::attribute => Item::Attribute(self.attribute(pair)),
            Rule::block => Item::Block(self.block(pair)),
            other => unreachable!("items hold attributes and blocks, not {other:?}"),
        }
    }

    fn attribute(&mut self, pair: Pair<Rule>) -> Attribute {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let key = self.ident(&inner.next().expect("attribute key"));
        let value = self.value(inner.next().expect("attribute value"));
        Attribute { key, value, span }
    }

    fn block(&mut self, pair: Pair<Rule>) -> Block {
        let span = self.span(&pair);
        let mut head = None;
        let mut terms = Vec::new();
        let mut body = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::head => head = Some(self.ident(&part)),
                Rule::body => {
                    let body_span = self.span(&part);
                    let items = part.into_inner().filter_map(|p| self.body_item(p)).collect();
                    body = Some(Body { items, span: body_span });
                }
                _ => terms.push(self.term(part)),
            }
        }
        Block { head: head.expect("block head"), terms, body, span }
    }

    fn term(&mut self, pair: Pair<Rule>) -> Term {
        match pair.as_rule() {
            Rule::operator => Term::Operator(pair.as_str().to_string(), self.span(&pair)),
            Rule::group => {
                let span = self.span(&pair);
                Term::Group(pair.into_inner().map(|p| self.term(p)).collect(), span)
            }
            _ => Term::Value(self.value(pair)),
        }
    }

    fn invalid(&mut self, span: Span, message: String, help: Option<String>) -> ValueKind {
        let mut d = Diagnostic::new(&INVALID_LITERAL, span, message);
        if let Some(help) = help {
            d = d.with_help(help);
        }
        self.diagnostics.push(d);
        ValueKind::Invalid
    }

    fn value(&mut self, pair: Pair<Rule>) -> Value {
        let span = self.span(&pair);
        let text = pair.as_str();
        let kind = match pair.as_rule() {
            Rule::string => {
                let inner = pair.into_inner().next().expect("string body");
                self.unescape(&inner)
            }
            Rule::integer => match text.parse::<i64>() {
                Ok(n) => ValueKind::Int(n),
                Err(_) => self.invalid(span, format!("{text} is too large for a number"), Some(format!("numbers go up to {}", i64::MAX))),
            },
            Rule::boolean => ValueKind::Bool(text == "true"),
            Rule::ipv4 => match text.parse() {
                Ok(ip) => ValueKind::Ipv4(ip),
                Err(_) => self.invalid(span, format!("`{text}` is not an IPv4 address"), Some("each of the four numbers is 0 to 255".into())),
            },
            Rule::ipv6 => match text.parse() {
                Ok(ip) => ValueKind::Ipv6(ip),
                Err(_) => self.invalid(span, format!("`{text}` is not an IPv6 address"), None),
            },
            Rule::cidr => self.cidr(span, text),
            Rule::version => {
                let parts: Vec<Option<u32>> = text.split('.').map(|p| p.parse().ok()).collect();
                match parts[..] {
                    [Some(a), Some(b), Some(c)] if [a, b, c].iter().all(|n| *n <= i32::MAX as u32) => ValueKind::Version(a, b, c),
                    _ => self.invalid(span, format!("`{text}` is not a version"), Some("each part of a version is at most 2147483647".into())),
                }
            }
            Rule::time_of_day => {
                let (h, m) = text.split_once(':').expect("grammar has a colon");
                let (h, m): (u32, u32) = (h.parse().unwrap_or(99), m.parse().unwrap_or(99));
                if h < 24 && m < 60 {
                    ValueKind::TimeOfDay(h * 60 + m)
                } else {
                    self.invalid(span, format!("`{text}` is not a time of day"), Some("times run from 00:00 to 23:59".into()))
                }
            }
            Rule::duration => match parse_duration(text) {
                Some(secs) => ValueKind::Duration(secs),
                None => self.invalid(span, format!("the duration `{text}` is too long"), None),
            },
            Rule::percent => match text.trim_end_matches('%').parse::<u32>() {
                Ok(p) if p <= 100 => ValueKind::Percent(p),
                _ => self.invalid(span, format!("`{text}` is not a percentage from 0% to 100%"), None),
            },
            Rule::auto => {
                let len = pair.into_inner().next().expect("prefix length").as_str();
                match len.parse::<u8>() {
                    Ok(n) if n <= 128 => ValueKind::Auto(n),
                    _ => self.invalid(
                        span,
                        format!("/{len} is not a prefix length"),
                        Some("a prefix length is 0 to 32 for IPv4, 0 to 128 for IPv6".into()),
                    ),
                }
            }
            Rule::path => ValueKind::Path(self.dotted(&pair)),
            Rule::call => {
                let mut inner = pair.into_inner();
                let name = self.ident(&inner.next().expect("call name"));
                let args = inner.map(|p| self.value(p)).collect();
                ValueKind::Call(name, args)
            }
            Rule::list => ValueKind::List(pair.into_inner().map(|p| self.value(p)).collect()),
            Rule::map => ValueKind::Map(
                pair.into_inner()
                    .map(|entry| {
                        let mut inner = entry.into_inner();
                        let key = self.ident(&inner.next().expect("entry key"));
                        let value = self.value(inner.next().expect("entry value"));
                        (key, value)
                    })
                    .collect(),
            ),
            other => unreachable!("not a value rule: {other:?}"),
        };
        Value { kind, span }
    }

    fn cidr(&mut self, span: Span, text: &str) -> ValueKind {
        let (addr, len) = text.split_once('/').expect("grammar has a slash");
        let Ok(ip) = addr.parse::<std::net::IpAddr>() else {
            return self.invalid(span, format!("`{addr}` is not an IP address"), None);
        };
        let max = if ip.is_ipv4() { 32 } else { 128 };
        let len = match len.parse::<u8>() {
            Ok(n) if n <= max => n,
            _ => {
                return self.invalid(
                    span,
                    format!("/{len} is not a prefix length for this address"),
                    Some(format!("the prefix length is 0 to {max}")),
                )
            }
        };
        let net = ipnet::IpNet::new(ip, len).expect("length checked above");
        if net.network() != ip {
            let fixed = net.trunc();
            return self.invalid(
                span,
                format!("`{text}` has host bits set"),
                Some(format!("Azure wants the prefix's first address: write `{fixed}`")),
            );
        }
        ValueKind::Cidr(net)
    }

    fn unescape(&mut self, pair: &Pair<Rule>) -> ValueKind {
        let raw = pair.as_str();
        let base = pair.as_span().start();
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some((_, e)) = chars.next() else { break };
            let decoded = match e {
                'n' => Some('\n'),
                't' => Some('\t'),
                'r' => Some('\r'),
                '0' => Some('\0'),
                '"' | '\\' | '{' | '}' | '$' => Some(e),
                'u' => {
                    // `\u{HEX}`; the grammar also lets `\u` through without the braces.
                    let rest = &raw[i + 2..];
                    let close = rest.strip_prefix('{').and_then(|r| r.find('}')).map(|c| c + 1);
                    let hex = close.map(|c| &rest[1..c]).filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()));
                    let code = hex.and_then(|h| u32::from_str_radix(h, 16).ok()).and_then(char::from_u32);
                    if let Some(close) = close {
                        // Skip `{HEX}`: the `u` is already consumed.
                        for _ in rest[..=close].chars() {
                            chars.next();
                        }
                    }
                    code
                }
                _ => None,
            };
            match decoded {
                Some(ch) => out.push(ch),
                None => {
                    let end = i + 1 + e.len_utf8();
                    let span = self.at(base + i, base + end);
                    self.diagnostics.push(
                        Diagnostic::new(&INVALID_LITERAL, span, format!("unknown escape `{}`", &raw[i..end]))
                            .with_help("escapes are \\n \\t \\r \\\" \\\\ \\{ \\} \\$ and \\u{HEX}"),
                    );
                }
            }
        }
        ValueKind::Str(out)
    }
}

/// `3h30m` to seconds; `None` on overflow.
fn parse_duration(text: &str) -> Option<u64> {
    let mut total: u64 = 0;
    let mut number: u64 = 0;
    for c in text.chars() {
        if let Some(d) = c.to_digit(10) {
            number = number.checked_mul(10)?.checked_add(d as u64)?;
        } else {
            let unit = match c {
                'd' => 86_400,
                'h' => 3_600,
                'm' => 60,
                _ => 1,
            };
            total = total.checked_add(number.checked_mul(unit)?)?;
            number = 0;
        }
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::{parse_in_pieces, top_level_pieces, MIN_PIECE, PARALLEL_PARSE_FROM};
    use crate::source::FileId;

    /// The tree and diagnostics of `text` parsed whole and in `pieces` pieces, as text.
    fn both(text: &str, pieces: usize) -> (String, String) {
        let file = FileId(0);
        let whole = parse_in_pieces(file, text, 1, 0);
        let cut = parse_in_pieces(file, text, pieces, 1);
        (format!("{whole:?}"), format!("{cut:?}"))
    }

    #[test]
    fn pieces_parse_to_the_tree_and_diagnostics_of_the_whole_file() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = 0;
        for dir in ["examples", "tests/fixtures", "stdlib"] {
            for entry in walkdir::WalkDir::new(root.join(dir)).into_iter().filter_map(Result::ok) {
                if entry.path().extension().is_none_or(|e| e != "ashlar") {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
                files += 1;
                for pieces in [2, 3, 7, usize::MAX] {
                    let (whole, cut) = both(&text, pieces);
                    assert_eq!(whole, cut, "{} in {pieces} pieces", entry.path().display());
                }
            }
        }
        assert!(files > 300, "found only {files} plan files");
    }

    /// Texts and edits of them, as a user types: every plan file of the
    /// repository, and all its examples in one file (a large plan).
    fn plans() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut texts = Vec::new();
        for dir in ["examples", "tests/fixtures", "stdlib"] {
            for entry in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name().into_iter().filter_map(Result::ok) {
                if entry.path().extension().is_some_and(|e| e == "ashlar") {
                    texts.extend(std::fs::read_to_string(entry.path()).ok());
                }
            }
        }
        let examples: String = texts.iter().take(40).map(String::as_str).collect::<Vec<_>>().join("\n");
        texts.push(examples);
        texts
    }

    /// A small deterministic generator (xorshift), so that a failure repeats.
    struct Random(u64);

    impl Random {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n.max(1) as u64) as usize
        }
    }

    /// One edit of `text` at char boundaries: text typed, deleted or replaced.
    fn edit(text: &str, random: &mut Random) -> String {
        const TYPED: [&str; 16] = [
            " ",
            "\n",
            "x",
            "{",
            "}",
            "\"",
            "/*",
            "*/",
            "//",
            "=",
            "10.0.0.0/24",
            "[",
            "]",
            "use std.security\n",
            "\nspoke z {\n  hub = core\n}\n",
            "é",
        ];
        let boundary = |at: usize| (at..=text.len()).find(|i| text.is_char_boundary(*i)).unwrap_or(text.len());
        let start = boundary(random.below(text.len() + 1));
        let end = match random.below(3) {
            0 => start,
            _ => boundary((start + random.below(24)).min(text.len())),
        };
        let typed = if random.below(4) == 0 { "" } else { TYPED[random.below(TYPED.len())] };
        format!("{}{typed}{}", &text[..start], &text[end..])
    }

    #[test]
    fn an_edit_parsed_again_in_pieces_gives_the_tree_of_the_whole_file() {
        let file = FileId(3);
        let mut random = Random(0x2545_f491_4f6c_dd1d);
        let mut reparsed = 0;
        for plan in plans() {
            let (tree, diagnostics) = super::parse(file, &plan);
            let original = (plan.clone(), tree.clone(), diagnostics.is_empty().then(|| super::Pieces::of(&tree, &plan)).flatten());
            let mut state = original.clone();
            for _ in 0..12 {
                let new = edit(&state.0, &mut random);
                let (fresh, fresh_diagnostics) = super::parse(file, &new);
                let pieces = fresh_diagnostics.is_empty().then(|| super::Pieces::of(&fresh, &new)).flatten();
                let incremental = state.2.as_ref().and_then(|pieces| super::reparse(file, &state.0, &state.1, pieces, &new));
                // A file kept in pieces whose edit parses is always parsed again in pieces
                // (but for an empty file, which a whole parse reads at no cost).
                assert!(
                    incremental.is_some() || state.2.is_none() || !fresh_diagnostics.is_empty() || new.is_empty(),
                    "{:?}\nedited to\n{new:?}",
                    state.0
                );
                state = match incremental {
                    Some((tree, found, kept)) => {
                        reparsed += 1;
                        assert_eq!(format!("{tree:?}"), format!("{fresh:?}"), "{:?}\nedited to\n{new:?}", state.0);
                        assert_eq!(format!("{found:?}"), format!("{fresh_diagnostics:?}"), "{new:?}");
                        if found.is_empty() {
                            assert_eq!(format!("{:?}", Some(&kept)), format!("{:?}", pieces.as_ref()), "{new:?}");
                        }
                        (new, tree, found.is_empty().then_some(kept))
                    }
                    None => (new, fresh, pieces),
                };
                // A user fixes what does not parse: the next edit starts from the plan again.
                if state.2.is_none() {
                    state = original.clone();
                }
            }
        }
        assert!(reparsed > 1000, "only {reparsed} edits were parsed again in pieces");
    }

    #[test]
    fn pieces_end_only_between_items() {
        let cases = [
            // A value on the line after its `=`, also after a comment.
            "a = 1\nb =\n  2\nc = // why\n  3\nd = /* multi\nline */\n  4\n",
            // Line breaks inside brackets, strings with comment marks, `;` between items.
            "network hub {\n  x = [1,\n 2]\n}\ns = \"// not a comment\"; t = \"=\"\nu = call(1,\n 2)\n",
            // A block comment across lines in a block's head.
            "subnet web /* a\nb */ 10.0.0.0/24\nv = 1\n",
            // Errors in later items: the whole file's first error, as ever.
            "a = 1\nb = 2\nc = \"open\nd = 4\n",
            "a = 1\nb = 2\n}\nd = 4\n",
            "a = 1\nb = 2\nnetwork x {\nd = 4\n",
            "a = 1\nb = \"\\q\"\nc = 999999999999999999999\n",
        ];
        for text in cases {
            for pieces in [2, 3, usize::MAX] {
                let (whole, cut) = both(text, pieces);
                assert_eq!(whole, cut, "{text:?} in {pieces} pieces");
            }
        }
        // A value on the next line keeps its attribute in one piece.
        let ranges = top_level_pieces(cases[0], usize::MAX, 1);
        let texts: Vec<&str> = ranges.into_iter().map(|r| &cases[0][r]).collect();
        assert_eq!(texts, ["a = 1\n", "b =\n  2\n", "c = // why\n  3\n", "d = /* multi\nline */\n  4\n"]);
    }

    #[test]
    fn a_syntax_error_leaves_the_other_items_of_the_file() {
        let file = FileId(0);
        let names = |text: &str| {
            let (tree, diagnostics) = super::parse(file, text);
            let names: Vec<String> = tree
                .items
                .iter()
                .filter_map(|i| match i {
                    crate::ast::Item::Block(b) => Some(b.head.name.clone()),
                    _ => None,
                })
                .collect();
            (names, diagnostics.iter().map(|d| d.code.code).collect::<Vec<_>>())
        };
        // A block being typed between two whole ones.
        let text = "hub core {\n  address_space = [10.0.0.0/16]\n}\n\nspoke app {\n  hub = \n}\n\nspoke db {\n  hub = core\n}\n";
        assert_eq!(names(text), (vec!["hub".to_string(), "spoke".to_string()], vec!["ASH001"]));
        // An unclosed block: what follows it still counts.
        let text = "hub core {\n  address_space = [10.0.0.0/16]\n\nspoke db {\n  hub = core\n}\n";
        assert_eq!(names(text), (vec!["spoke".to_string()], vec!["ASH001"]));
        // A word in the first column inside a comment is no item.
        let text = "hub core {\n/*\nspoke ghost {}\n*/\n";
        assert_eq!(names(text), (vec![], vec!["ASH001"]));
        // The error itself is worded as the whole file's first error, as ever.
        let broken = "a = 1\nb = 2\nnetwork x {\nd = 4\n";
        let (_, diagnostics) = super::parse(file, broken);
        assert_eq!(diagnostics[0].code.code, "ASH001");
        assert_eq!(diagnostics.iter().filter(|d| d.code.code == "ASH001").count(), 1);
    }

    #[test]
    fn a_large_file_is_cut_into_one_piece_per_thread() {
        let text = "a = 1\n".repeat(PARALLEL_PARSE_FROM / 3);
        let ranges = top_level_pieces(&text, 4, MIN_PIECE);
        assert_eq!(ranges.len(), 4);
        assert_eq!(ranges.iter().map(|r| r.len()).sum::<usize>(), text.len());
        assert!(ranges.windows(2).all(|w| w[0].end == w[1].start));
    }
}
