//! `ashlar fmt`: one canonical layout for plan files, keeping every comment.
//!
//! Two spaces of indentation; one item a line; `=` aligned in a run of
//! attributes; a blank line between top-level blocks, and at most one kept
//! between items inside a block. Literals are kept exactly as written. A
//! comment stays before the item it was before, or at the end of the line it
//! ended; an item with a comment inside it is kept as written, re-indented, so
//! that no comment is ever lost.

use crate::ast::{Attribute, Block, File, Item, Term, Value, ValueKind};
use crate::source::FileId;

const INDENT: &str = "  ";
/// Lists longer than this go one item a line.
const LINE_WIDTH: usize = 100;

/// A comment of the source, with its byte range.
#[derive(Debug, Clone)]
struct Comment {
    start: usize,
    end: usize,
    text: String,
    /// Whether code precedes it on its line (a trailing comment).
    trailing: bool,
}

/// Formats a file's text; `Err` with the parser's message when it does not parse.
pub fn format(text: &str) -> Result<String, String> {
    // Every line break the grammar knows (`\r\n`, a lone `\r`) is written `\n`,
    // and read as one from here on. No string holds one, so only the layout
    // and the line ends of block comments change.
    let text = &text.replace("\r\n", "\n").replace('\r', "\n");
    let (file, errors) = crate::syntax::parse(FileId(0), text);
    if let Some(error) = errors.first() {
        return Err(error.message.clone());
    }
    let comments = comments(text);
    let mut f = Formatter { text, comments, next_comment: 0, out: String::new(), trailing: Vec::new() };
    f.file(&file);
    Ok(align_trailing_comments(&f.out, &f.trailing))
}

struct Formatter<'a> {
    text: &'a str,
    comments: Vec<Comment>,
    next_comment: usize,
    out: String,
    /// Where in `out` each trailing comment starts, for
    /// [`align_trailing_comments`]: kept aside, since no character is safe to
    /// mark them with in the text (a string literal may hold any).
    trailing: Vec<usize>,
}

/// Where an item of a file or body starts: `use` lines and items alike.
enum Entry<'a> {
    Use(&'a crate::ast::Use),
    Item(&'a Item),
}

impl Entry<'_> {
    fn start(&self) -> usize {
        match self {
            Entry::Use(u) => u.span.start as usize,
            Entry::Item(i) => i.span().start as usize,
        }
    }

    fn end(&self) -> usize {
        match self {
            Entry::Use(u) => u.path.last().map_or(u.span.end, |p| p.span.end) as usize,
            Entry::Item(i) => code_end(i),
        }
    }
}

/// Where an item's code ends. Its span may run on over a comment at the end
/// of its line, which the grammar reads as space before the line's end.
fn code_end(item: &Item) -> usize {
    match item {
        Item::Attribute(a) => a.value.span.end as usize,
        Item::Block(b) => block_code_end(b),
    }
}

/// Whether a block written as `text` is written on one line by the formatter,
/// its words permitting: it was written on one, or over several with no
/// comment among them (a comment keeps the block as written).
fn joins_on_one_line(text: &str) -> bool {
    if !text.contains('\n') {
        return true;
    }
    let mut comment = false;
    crate::syntax::scan(text, |lexeme| {
        comment = matches!(lexeme, crate::syntax::Lexeme::Comment(..));
        !comment
    });
    !comment
}

fn block_code_end(b: &Block) -> usize {
    match (&b.body, b.terms.last()) {
        (Some(body), _) => body.span.end as usize,
        (None, Some(term)) => term.span().end as usize,
        (None, None) => b.head.span.end as usize,
    }
}

impl Formatter<'_> {
    fn file(&mut self, file: &File) {
        let mut entries: Vec<Entry> = file.uses.iter().map(Entry::Use).chain(file.items.iter().map(Entry::Item)).collect();
        entries.sort_by_key(Entry::start);
        let mut previous: Option<(usize, bool)> = None;
        for entry in &entries {
            let is_block = matches!(entry, Entry::Item(Item::Block(b)) if b.body.is_some());
            if let Some((end, was_block)) = previous {
                // Blocks stand apart; other lines keep one blank line if they had
                // one before them and their leading comments.
                if was_block || is_block || self.blank_line_between(end, self.gap_end(entry.start())) {
                    self.out.push('\n');
                }
            }
            self.leading_comments(entry.start(), 0);
            match entry {
                Entry::Use(u) => self.out.push_str(&format!("use {}", u.dotted())),
                Entry::Item(item) => self.item(item, 0, 0),
            }
            self.trailing_comment(entry.end());
            self.out.push('\n');
            previous = Some((entry.end(), is_block));
        }
        // Comments after the last item.
        let rest: Vec<Comment> = self.comments[self.next_comment..].to_vec();
        if !rest.is_empty() && !self.out.is_empty() {
            self.out.push('\n');
        }
        for c in rest {
            self.out.push_str(&c.text);
            self.out.push('\n');
        }
        self.next_comment = self.comments.len();
    }

    /// Where the gap before the item at `start` ends: at the first comment
    /// still to write before it, or at the item.
    fn gap_end(&self, start: usize) -> usize {
        self.comments.get(self.next_comment).map_or(start, |c| c.start.min(start))
    }

    fn blank_line_between(&self, end: usize, start: usize) -> bool {
        self.text.get(end..start).is_some_and(|gap| gap.matches('\n').count() >= 2)
    }

    /// Writes the comments that come before `start`, one a line, at `depth`.
    fn leading_comments(&mut self, start: usize, depth: usize) {
        while let Some(c) = self.comments.get(self.next_comment).filter(|c| c.start < start).cloned() {
            self.next_comment += 1;
            self.out.push_str(&INDENT.repeat(depth));
            // A block comment's own lines are the author's: only its first line moves.
            self.out.push_str(&c.text);
            self.out.push('\n');
            // A blank line after a comment, as in the source, keeps a header apart.
            let next = self.gap_end(start);
            if self.blank_line_between(c.end, next) && next == start {
                self.out.push('\n');
            }
        }
    }

    /// Appends a comment that sat at the end of the line where `end` is.
    fn trailing_comment(&mut self, end: usize) {
        let line_end = self.text[end..].find('\n').map_or(self.text.len(), |i| end + i);
        if let Some(c) = self.comments.get(self.next_comment).filter(|c| c.trailing && c.start >= end && c.start < line_end).cloned() {
            self.next_comment += 1;
            self.trailing.push(self.out.len());
            self.out.push_str(&c.text);
        }
    }

    /// Whether a comment lies inside `start..end`: such an item is kept as written.
    fn has_comment_inside(&self, start: usize, end: usize) -> bool {
        self.comments[self.next_comment..].iter().any(|c| c.start > start && c.end <= end)
    }

    /// Writes an item at `depth`, `=` of attributes padded to `key_width`.
    fn item(&mut self, item: &Item, depth: usize, key_width: usize) {
        match item {
            Item::Attribute(a) => self.attribute(a, depth, key_width),
            Item::Block(b) => self.block(b, depth),
        }
    }

    fn attribute(&mut self, a: &Attribute, depth: usize, key_width: usize) {
        if self.comment_before_value(a) {
            // A comment between `=` and the value: keep the attribute as written.
            self.skip_comments_within(a.value.span.end as usize);
            let written = reindent(&self.text[a.key.span.start as usize..a.value.span.end as usize], depth);
            self.out.push_str(&format!("{}{written}", INDENT.repeat(depth)));
            return;
        }
        let value = if self.has_comment_inside(a.value.span.start as usize, a.value.span.end as usize) {
            self.skip_comments_within(a.value.span.end as usize);
            reindent(&self.text[a.value.span.range()], depth)
        } else {
            self.value(&a.value, depth)
        };
        let pad = key_width.saturating_sub(a.key.name.chars().count());
        self.out.push_str(&format!("{}{}{} = {value}", INDENT.repeat(depth), a.key.name, " ".repeat(pad)));
    }

    /// Whether a comment stands between an attribute's key and its value.
    fn comment_before_value(&self, a: &Attribute) -> bool {
        self.has_comment_inside(a.key.span.end as usize, a.value.span.start as usize)
    }

    fn skip_comments_within(&mut self, end: usize) {
        while self.comments.get(self.next_comment).is_some_and(|c| c.end <= end) {
            self.next_comment += 1;
        }
    }

    fn block(&mut self, b: &Block, depth: usize) {
        let head_end = b.body.as_ref().map_or(block_code_end(b), |body| body.span.start as usize);
        let mut line = format!("{}{}", INDENT.repeat(depth), b.head.name);
        if self.has_comment_inside(b.head.span.start as usize, head_end) {
            // A comment between the words of a head: keep the head as written.
            self.skip_comments_within(head_end);
            line = format!("{}{}", INDENT.repeat(depth), self.text[b.head.span.start as usize..head_end].trim_end());
        } else {
            for term in &b.terms {
                line.push(' ');
                line.push_str(&self.term(term, depth));
            }
        }
        self.out.push_str(&line);
        let Some(body) = &b.body else { return };
        if body.items.is_empty() && !self.has_comment_inside(body.span.start as usize, body.span.end as usize) {
            self.out.push_str(" {}");
            return;
        }
        // A short body written on one line stays on one line: a few attributes,
        // or a phrase (`rule https { inbound allow tcp 443 ... }`).
        let written_on_one_line = !self.text[body.span.range()].contains('\n');
        let simple = |i: &Item| match i {
            Item::Attribute(_) => true,
            Item::Block(b) => b.body.is_none(),
        };
        if written_on_one_line && body.items.len() <= 4 && body.items.iter().all(simple) {
            let mut one_line = String::from(" { ");
            for (n, item) in body.items.iter().enumerate() {
                if n > 0 {
                    // A phrase ends at `;`; attributes end by themselves.
                    one_line.push_str(if matches!(body.items[n - 1], Item::Block(_)) { "; " } else { "  " });
                }
                match item {
                    Item::Attribute(a) => one_line.push_str(&format!("{} = {}", a.key.name, self.value(&a.value, depth + 1))),
                    Item::Block(b) => {
                        one_line.push_str(&b.head.name);
                        for term in &b.terms {
                            one_line.push(' ');
                            one_line.push_str(&self.term(term, depth + 1));
                        }
                    }
                }
            }
            one_line.push_str(" }");
            let column = self.out.len() - self.out.rfind('\n').map_or(0, |i| i + 1);
            if column + one_line.len() <= LINE_WIDTH
                && !one_line.contains('\n')
                && !self.has_comment_inside(body.span.start as usize, body.span.end as usize)
            {
                self.out.push_str(&one_line);
                return;
            }
        }
        self.out.push_str(" {\n");
        let widths = self.key_widths(&body.items, depth + 1);
        let columns = self.phrase_columns(&body.items, depth + 1);
        let mut previous_end: Option<usize> = None;
        let mut previous_item: Option<&Item> = None;
        for (item, width) in body.items.iter().zip(widths) {
            let start = item.span().start as usize;
            // Only the gap before the item's leading comments, if it has any.
            let gap_end = self.gap_end(start);
            if previous_end.is_some_and(|end| self.blank_line_between(end, gap_end)) {
                self.out.push('\n');
            }
            self.leading_comments(start, depth + 1);
            // A `message` line continues the `deny`, `require` or `optional` phrase above it.
            let continues = matches!(item, Item::Block(b) if b.head.name == "message")
                && matches!(previous_item, Some(Item::Block(p)) if p.body.is_none() && matches!(p.head.name.as_str(), "deny" | "require" | "optional"));
            let item_depth = depth + 1 + usize::from(continues);
            match (item, columns.get(&start)) {
                (Item::Block(b), Some(widths)) if !continues => self.aligned_block(b, item_depth, widths),
                _ => self.item(item, item_depth, width),
            }
            previous_item = Some(item);
            self.trailing_comment(code_end(item));
            self.out.push('\n');
            previous_end = Some(code_end(item));
        }
        self.leading_comments(body.span.end as usize - 1, depth + 1);
        self.out.push_str(&INDENT.repeat(depth));
        self.out.push('}');
    }

    /// Column widths for runs of two or more consecutive one-line blocks of the same
    /// head (`subnet` lines, firewall rules), by the start of each block in the run:
    /// so that hand-aligned tables stay aligned.
    fn phrase_columns<'i>(&self, items: &'i [Item], depth: usize) -> std::collections::HashMap<usize, Vec<usize>> {
        let text = self.text;
        let mut out = std::collections::HashMap::new();
        // Formatted on one line: judged by the formatted words, not by how the
        // block was written (a list wrapped by hand is joined), so that a second
        // run lines up the same. A comment inside keeps the block as written.
        let one_line_block = |item: &'i Item| -> Option<&'i Block> {
            match item {
                Item::Block(b)
                    if b.body.is_none()
                        && !b.terms.is_empty()
                        && joins_on_one_line(&text[b.span.start as usize..block_code_end(b)])
                        && b.terms.iter().all(|t| !self.term(t, depth).contains('\n')) =>
                {
                    Some(b)
                }
                _ => None,
            }
        };
        let mut i = 0;
        while i < items.len() {
            let Some(first) = one_line_block(&items[i]) else {
                i += 1;
                continue;
            };
            let mut run = vec![first];
            let mut j = i + 1;
            while let Some(next) = items.get(j).and_then(one_line_block) {
                let gap = &text[block_code_end(run[run.len() - 1])..next.span.start as usize];
                if next.head.name != first.head.name || gap.matches('\n').count() >= 2 {
                    break;
                }
                run.push(next);
                j += 1;
            }
            if run.len() >= 2 {
                let mut widths: Vec<usize> = Vec::new();
                for b in &run {
                    // The kind and the name: later words differ in shape from line to line.
                    let words =
                        std::iter::once(b.head.name.chars().count()).chain(b.terms.iter().take(1).map(|t| text[t.span().range()].chars().count()));
                    for (n, w) in words.enumerate() {
                        if widths.len() <= n {
                            widths.push(0);
                        }
                        widths[n] = widths[n].max(w);
                    }
                }
                for b in &run {
                    out.insert(b.span.start as usize, widths.clone());
                }
            }
            i = j;
        }
        out
    }

    /// A one-line block whose words line up with its neighbours' (`subnet` lines,
    /// rule tables): each word padded to its column's width.
    fn aligned_block(&mut self, b: &Block, depth: usize, widths: &[usize]) {
        let mut words = vec![b.head.name.clone()];
        words.extend(b.terms.iter().map(|t| self.term(t, depth)));
        let mut line = INDENT.repeat(depth);
        for (n, word) in words.iter().enumerate() {
            line.push_str(word);
            if n + 1 < words.len() {
                let width = widths.get(n).copied().unwrap_or(0);
                line.push_str(&" ".repeat(width.saturating_sub(word.chars().count()) + 1));
            }
        }
        self.out.push_str(&line);
    }

    /// For each item, the width to pad its key to: the longest key in its run of
    /// consecutive attributes that format on one line; 0 for the others.
    fn key_widths(&self, items: &[Item], depth: usize) -> Vec<usize> {
        let mut widths = vec![0; items.len()];
        let mut run: Vec<usize> = Vec::new();
        let flush = |run: &mut Vec<usize>, widths: &mut Vec<usize>| {
            let width = run
                .iter()
                .map(|&i| match &items[i] {
                    Item::Attribute(a) => a.key.name.chars().count(),
                    Item::Block(_) => 0,
                })
                .max()
                .unwrap_or(0);
            for &i in run.iter() {
                widths[i] = width;
            }
            run.clear();
        };
        for (i, item) in items.iter().enumerate() {
            // Judged by the formatted value, so that a second run pads the same.
            let one_line_attribute =
                matches!(item, Item::Attribute(a) if !self.comment_before_value(a) && !self.value(&a.value, depth).contains('\n'));
            let gap_breaks =
                i > 0 && self.text.get(code_end(&items[i - 1])..item.span().start as usize).is_some_and(|g| g.matches('\n').count() >= 2);
            if !one_line_attribute || gap_breaks {
                flush(&mut run, &mut widths);
            }
            if one_line_attribute {
                run.push(i);
            }
        }
        flush(&mut run, &mut widths);
        widths
    }

    fn term(&self, term: &Term, depth: usize) -> String {
        match term {
            Term::Value(v) => self.value(v, depth),
            Term::Operator(op, _) => op.clone(),
            Term::Group(terms, _) => format!("({})", terms.iter().map(|t| self.term(t, depth)).collect::<Vec<_>>().join(" ")),
        }
    }

    fn value(&self, v: &Value, depth: usize) -> String {
        match &v.kind {
            ValueKind::List(items) => {
                let parts: Vec<String> = items.iter().map(|i| self.value(i, depth + 1)).collect();
                let one_line = format!("[{}]", parts.join(", "));
                if one_line.len() + depth * 2 <= LINE_WIDTH && !one_line.contains('\n') {
                    one_line
                } else {
                    let inner = INDENT.repeat(depth + 1);
                    format!("[\n{}\n{}]", parts.iter().map(|p| format!("{inner}{p},")).collect::<Vec<_>>().join("\n"), INDENT.repeat(depth))
                }
            }
            ValueKind::Map(entries) => {
                if entries.is_empty() {
                    return "{}".into();
                }
                let width = entries.iter().map(|(k, _)| k.name.chars().count()).max().unwrap_or(0);
                let inner = INDENT.repeat(depth + 1);
                let lines: Vec<String> = entries
                    .iter()
                    .map(|(k, val)| format!("{inner}{}{} = {}", k.name, " ".repeat(width - k.name.chars().count()), self.value(val, depth + 1)))
                    .collect();
                format!("{{\n{}\n{}}}", lines.join("\n"), INDENT.repeat(depth))
            }
            ValueKind::Call(name, args) => format!("{}({})", name.name, args.iter().map(|a| self.value(a, depth)).collect::<Vec<_>>().join(", ")),
            ValueKind::Auto(len) => format!("auto /{len}"),
            // Every other literal exactly as written.
            _ => self.text[v.span.range()].to_string(),
        }
    }
}

/// Lines up the trailing comments of consecutive lines two spaces after the
/// longest code among them.
fn align_trailing_comments(out: &str, trailing: &[usize]) -> String {
    // Each line, split where its trailing comment starts, if it has one.
    let mut lines: Vec<(&str, Option<&str>)> = Vec::new();
    let mut start = 0;
    let mut marks = trailing.iter().peekable();
    for line in out.split('\n') {
        let end = start + line.len();
        let mut mark = None;
        while let Some(&m) = marks.next_if(|&&m| m <= end) {
            mark = mark.or(m.checked_sub(start));
        }
        lines.push(match mark {
            Some(at) => (&line[..at], Some(&line[at..])),
            None => (line, None),
        });
        start = end + 1;
    }
    let mut result: Vec<String> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        if lines[i].1.is_none() {
            result.push(lines[i].0.to_string());
            i += 1;
            continue;
        }
        let mut j = i;
        while j < lines.len() && lines[j].1.is_some() {
            j += 1;
        }
        let width = lines[i..j].iter().map(|(code, _)| code.chars().count()).max().unwrap_or(0);
        for (code, comment) in &lines[i..j] {
            result.push(format!("{code}{}{}", " ".repeat(width - code.chars().count() + 2), comment.unwrap_or_default()));
        }
        i = j;
    }
    result.join("\n")
}

/// Every comment of the text, outside strings, in order.
fn comments(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    crate::syntax::scan(text, |lexeme| {
        if let crate::syntax::Lexeme::Comment(start, end) = lexeme {
            let line_start = text[..start].rfind('\n').map_or(0, |n| n + 1);
            let trailing = !text[line_start..start].trim().is_empty();
            out.push(Comment { start, end, text: text[start..end].trim_end().to_string(), trailing });
        }
        true
    });
    out
}

/// Re-indents the continuation lines of a multi-line piece to `depth`.
fn reindent(text: &str, depth: usize) -> String {
    let mut lines = text.lines();
    // No string spans a line: what ends a line before its break is only space.
    let first = lines.next().unwrap_or_default().trim_end().to_string();
    let rest: Vec<&str> = lines.collect();
    // The closing line of a bracketed piece sits at the item's own depth.
    let closing = rest.last().filter(|l| l.trim_start().starts_with([']', '}', ')'])).map(|_| rest.len() - 1);
    // The lines between keep their indentation relative to each other, one
    // level in: measured without the closing line, so that formatting the
    // result again gives it back unchanged.
    let indent = |l: &str| l.len() - l.trim_start().len();
    let common = rest.iter().enumerate().filter(|&(n, l)| Some(n) != closing && !l.trim().is_empty()).map(|(_, l)| indent(l)).min().unwrap_or(0);
    let mut out = first;
    for (n, line) in rest.iter().enumerate() {
        out.push('\n');
        if line.trim().is_empty() {
            continue;
        }
        if Some(n) == closing {
            out.push_str(&INDENT.repeat(depth));
            out.push_str(line.trim_start());
        } else {
            out.push_str(&INDENT.repeat(depth + 1));
            out.push_str(&line[common.min(indent(line))..]);
        }
    }
    out
}
