//! `ashlar.lock`: the prefixes ashlar chose for `auto`, kept beside the plan.
//!
//! With it, a prefix once chosen stays put when blocks are added, removed or
//! reordered: like `Cargo.lock`, commit it with the plan. `ashlar build` writes
//! it when what was chosen changes; `ashlar check` only reads it.

use crate::diagnostic::codes::INVALID_LOCK_FILE;
use crate::diagnostic::Diagnostic;
use crate::prefixes::earlier_overlaps;
use crate::source::{FileId, Span};
use ipnet::IpNet;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

pub const LOCK_FILE: &str = "ashlar.lock";

/// Prefixes chosen for `auto /N`, by key: `app1.app` for a subnet,
/// `app1.address_space.0` for the first `auto` in a network's address space.
/// Kept in the plan's `ashlar.lock` so that a chosen prefix never moves.
///
/// A map from key to prefix; those read from `ashlar.lock` also know where
/// they stand in it ([`Allocations::place`]), so that a problem with one is
/// reported at its line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Allocations {
    prefixes: BTreeMap<String, IpNet>,
    places: BTreeMap<String, Span>,
}

impl Allocations {
    pub fn new() -> Self {
        Self::default()
    }

    /// Where the entry of `key` stands in the lock file it was read from.
    pub fn place(&self, key: &str) -> Option<Span> {
        self.places.get(key).copied()
    }

    /// Records where the entry of `key` stands in its lock file.
    pub fn set_place(&mut self, key: &str, span: Span) {
        self.places.insert(key.to_string(), span);
    }
}

impl std::ops::Deref for Allocations {
    type Target = BTreeMap<String, IpNet>;

    fn deref(&self) -> &Self::Target {
        &self.prefixes
    }
}

impl std::ops::DerefMut for Allocations {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.prefixes
    }
}

impl FromIterator<(String, IpNet)> for Allocations {
    fn from_iter<I: IntoIterator<Item = (String, IpNet)>>(iter: I) -> Self {
        Allocations { prefixes: iter.into_iter().collect(), places: BTreeMap::new() }
    }
}

const NOTE: &str = "Prefixes ashlar chose for `auto`. Commit this file with the plan: it keeps them from moving.";

const RESTORE: &str = "restore it from version control; delete it only if nothing of the plan is deployed yet";

/// Reads the lock file `text`, added to the plan's sources as `file`, and
/// checks it as plan text is checked: each entry's prefix is an address
/// prefix without host bits, no key stands twice, and no two entries overlap
/// where ashlar never lets them (two address spaces, two subnets of one
/// network). Gives the entries that pass, each with its place, and an
/// `ASH013` error at the line of each that does not: those are not used.
pub fn read(text: &str, file: FileId) -> (Allocations, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let entries = match entries(text) {
        Ok(entries) => entries,
        Err((at, why)) => {
            let problem =
                Diagnostic::new(&INVALID_LOCK_FILE, Span::new(file, at, at), format!("{LOCK_FILE} cannot be read: {why}")).with_help(RESTORE);
            return (Allocations::new(), vec![problem]);
        }
    };
    let line_starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let line = |at: usize| line_starts.partition_point(|&start| start <= at);
    let span = |entry: &Entry| Span::new(file, entry.place.start, entry.place.end);

    // A key written twice: neither prefix can be trusted.
    let mut first: HashMap<&str, &Entry> = HashMap::new();
    let mut twice: HashSet<&str> = HashSet::new();
    for entry in &entries {
        match first.get(entry.key.as_str()) {
            Some(earlier) => {
                twice.insert(&entry.key);
                problems.push(
                    Diagnostic::new(
                        &INVALID_LOCK_FILE,
                        span(entry),
                        format!("`{}` stands twice in {LOCK_FILE} (first on line {})", entry.key, line(earlier.place.start)),
                    )
                    .with_label(span(earlier), "first here")
                    .with_help("keep the entry whose prefix is deployed and delete the other; if unsure, restore the file from version control"),
                );
            }
            None => {
                first.insert(&entry.key, entry);
            }
        }
    }

    let mut good: Vec<(&Entry, IpNet)> = Vec::new();
    for entry in entries.iter().filter(|e| !twice.contains(e.key.as_str())) {
        let Ok(net) = entry.prefix.parse::<IpNet>() else {
            problems.push(
                Diagnostic::new(&INVALID_LOCK_FILE, span(entry), format!("`{}` of `{}` is not an address prefix", entry.prefix, entry.key))
                    .with_help(RESTORE),
            );
            continue;
        };
        if net.trunc() != net {
            problems.push(
                Diagnostic::new(&INVALID_LOCK_FILE, span(entry), format!("`{}` of `{}` has host bits set", entry.prefix, entry.key)).with_help(
                    format!(
                        "Azure wants the prefix's first address: write `{}` if that is the prefix deployed, or restore the file from version control",
                        net.trunc()
                    ),
                ),
            );
            continue;
        }
        good.push((entry, net));
    }

    // Address spaces from pools never overlap one another, nor do two subnets
    // of one network: an entry that does was not written by ashlar.
    let mut groups: BTreeMap<Group, Vec<usize>> = BTreeMap::new();
    for (i, (entry, _)) in good.iter().enumerate() {
        if let Some(group) = group(&entry.key) {
            groups.entry(group).or_default().push(i);
        }
    }
    let mut overlapping = HashSet::new();
    for (group, members) in &groups {
        let prefixes: Vec<IpNet> = members.iter().map(|&i| good[i].1).collect();
        for (n, earlier) in earlier_overlaps(&prefixes).into_iter().enumerate() {
            let Some(earlier) = earlier else { continue };
            let ((entry, net), (other, other_net)) = (good[members[n]], good[members[earlier]]);
            let never = match group {
                Group::Spaces => "address spaces from pools never overlap",
                Group::Subnets(_) => "two subnets of one network never overlap",
            };
            problems.push(
                Diagnostic::new(
                    &INVALID_LOCK_FILE,
                    span(entry),
                    format!(
                        "`{}` = `{net}` overlaps `{}` = `{other_net}` (line {}) in {LOCK_FILE}: {never}",
                        entry.key,
                        other.key,
                        line(other.place.start)
                    ),
                )
                .with_label(span(other), "overlapped here")
                .with_help("restore the file from version control; or delete the entry that was edited, so that ashlar chooses it anew"),
            );
            overlapping.insert(members[n]);
        }
    }

    let mut allocations = Allocations::new();
    for (i, (entry, net)) in good.into_iter().enumerate() {
        if !overlapping.contains(&i) {
            allocations.insert(entry.key.clone(), net);
            allocations.set_place(&entry.key, span(entry));
        }
    }
    problems.sort_by_key(|d| d.span.map(|s| s.start));
    (allocations, problems)
}

/// Reads a lock file: the entries that pass every check of [`read`], or the
/// byte offset and message of its first problem.
pub fn parse(text: &str) -> Result<Allocations, (usize, String)> {
    let (allocations, problems) = read(text, FileId(0));
    match problems.into_iter().next() {
        None => Ok(allocations),
        Some(problem) => {
            let message = problem.message.strip_prefix(&format!("{LOCK_FILE} cannot be read: ")).map(str::to_string).unwrap_or(problem.message);
            Err((problem.span.map_or(0, |s| s.start as usize), message))
        }
    }
}

/// The lock file's text: stable, sorted, one prefix a line.
pub fn render(allocations: &Allocations) -> String {
    let prefixes: BTreeMap<&str, String> = allocations.iter().map(|(k, v)| (k.as_str(), v.to_string())).collect();
    let value = serde_json::json!({ "note": NOTE, "version": 1, "prefixes": prefixes });
    serde_json::to_string_pretty(&value).expect("a lock serialises") + "\n"
}

/// One entry of `prefixes`, as written.
struct Entry {
    key: String,
    prefix: String,
    /// From the key's opening quote to the end of the prefix.
    place: Range<usize>,
}

/// The entries of `prefixes` in the order written, repeated keys too (a map
/// would keep the last silently), each with its place in `text`.
fn entries(text: &str) -> Result<Vec<Entry>, (usize, String)> {
    #[derive(serde::Deserialize)]
    struct Lock {
        version: u32,
        prefixes: Pairs,
    }
    let lock: Lock = serde_json::from_str(text).map_err(|e| (offset(text, e.line(), e.column()), e.to_string()))?;
    if lock.version != 1 {
        return Err((0, format!("version {} is not one this ashlar reads (1)", lock.version)));
    }
    let places = member_places(text);
    Ok(lock
        .prefixes
        .0
        .into_iter()
        .enumerate()
        .map(|(n, (key, prefix))| Entry { key, prefix, place: places.get(n).cloned().unwrap_or(0..0) })
        .collect())
}

/// The members of a JSON object of strings, in order, repeated keys too.
struct Pairs(Vec<(String, String)>);

impl<'de> serde::Deserialize<'de> for Pairs {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Pairs;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of address prefixes by key")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Pairs, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = map.next_entry::<String, String>()? {
                    pairs.push(pair);
                }
                Ok(Pairs(pairs))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// Which entries must not overlap one another.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Group {
    /// `NET.address_space.N`: every address space handed out by a pool.
    Spaces,
    /// `NET.SUBNET`: the subnets of network NET.
    Subnets(String),
}

fn group(key: &str) -> Option<Group> {
    let parts: Vec<&str> = key.split('.').collect();
    match parts.as_slice() {
        [_, "address_space", n] if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => Some(Group::Spaces),
        [network, _] => Some(Group::Subnets(network.to_string())),
        _ => None,
    }
}

/// Where each member of the top-level object's `prefixes` object stands in
/// `text`, a JSON text already known to be valid: from the key's opening
/// quote to the end of its value.
fn member_places(text: &str) -> Vec<Range<usize>> {
    let mut scan = Scan { text: text.as_bytes(), at: 0 };
    scan.space();
    if !scan.eat(b'{') {
        return Vec::new();
    }
    loop {
        scan.space();
        let Some(key) = scan.string() else { return Vec::new() };
        scan.space();
        if !scan.eat(b':') {
            return Vec::new();
        }
        scan.space();
        if serde_json::from_str::<String>(&text[key]).is_ok_and(|k| k == "prefixes") && scan.peek() == Some(b'{') {
            return scan.members();
        }
        scan.value();
        scan.space();
        if !scan.eat(b',') {
            return Vec::new();
        }
    }
}

/// A cursor over JSON text.
struct Scan<'a> {
    text: &'a [u8],
    at: usize,
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.at += 1;
        }
        found
    }

    fn space(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    /// A string, quotes included.
    fn string(&mut self) -> Option<Range<usize>> {
        let start = self.at;
        if !self.eat(b'"') {
            return None;
        }
        while let Some(b) = self.peek() {
            self.at += 1;
            match b {
                b'\\' => self.at += 1,
                b'"' => return Some(start..self.at),
                _ => {}
            }
        }
        None
    }

    /// Any value: skipped.
    fn value(&mut self) {
        match self.peek() {
            Some(b'"') => {
                self.string();
            }
            Some(b'{' | b'[') => {
                let mut depth = 0usize;
                while let Some(b) = self.peek() {
                    match b {
                        b'"' => {
                            self.string();
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.at += 1;
                                return;
                            }
                        }
                        _ => {}
                    }
                    self.at += 1;
                }
            }
            _ => {
                while self.peek().is_some_and(|b| !b",}] \t\r\n".contains(&b)) {
                    self.at += 1;
                }
            }
        }
    }

    /// The members of the object that starts here.
    fn members(&mut self) -> Vec<Range<usize>> {
        let mut places = Vec::new();
        self.eat(b'{');
        loop {
            self.space();
            let Some(key) = self.string() else { return places };
            self.space();
            self.eat(b':');
            self.space();
            self.value();
            places.push(key.start..self.at);
            self.space();
            if !self.eat(b',') {
                return places;
            }
        }
    }
}

fn offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (start + column.saturating_sub(1)).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lock(entries: &[(&str, &str)]) -> String {
        let lines: Vec<String> = entries.iter().map(|(k, v)| format!("    \"{k}\": \"{v}\"")).collect();
        format!("{{\n  \"note\": \"x\",\n  \"version\": 1,\n  \"prefixes\": {{\n{}\n  }}\n}}\n", lines.join(",\n"))
    }

    /// Each problem as (line, message), and the keys of the entries kept.
    fn check(text: &str) -> (Vec<(usize, String)>, Vec<String>) {
        let (allocations, problems) = read(text, FileId(0));
        let problems = problems
            .iter()
            .map(|d| {
                assert_eq!(d.code.code, "ASH013");
                assert!(d.help.is_some(), "{}", d.message);
                let span = d.span.unwrap();
                let line = text[..span.start as usize].matches('\n').count() + 1;
                assert_eq!(line, text[..span.end as usize].matches('\n').count() + 1, "one line: {}", d.message);
                (line, d.message.clone())
            })
            .collect();
        (problems, allocations.keys().cloned().collect())
    }

    #[test]
    fn a_lock_reads_back_what_was_written() {
        let mut a = Allocations::new();
        a.insert("app1.app".into(), "10.1.0.64/26".parse().unwrap());
        a.insert("app1.address_space.0".into(), "10.64.0.0/22".parse().unwrap());
        assert_eq!(parse(&render(&a)).unwrap().iter().collect::<Vec<_>>(), a.iter().collect::<Vec<_>>());
        let (problems, keys) = check(&render(&a));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(keys, ["app1.address_space.0", "app1.app"]);
    }

    #[test]
    fn a_broken_lock_says_where() {
        let (at, why) = parse("{\n  \"version\": 1,\n  \"prefixes\": { \"a\": \"10.0.0.0/33\" }\n}").unwrap_err();
        assert!(why.contains("10.0.0.0/33") && at > 0, "{why} at {at}");
        let (at, _) = parse("{\n  \"version\": 1,\n  oops\n}").unwrap_err();
        assert_eq!(at, 20);
    }

    #[test]
    fn each_entry_knows_its_place() {
        let text = lock(&[("core.shared", "10.0.0.0/24"), ("app1.web", "10.1.0.0/26")]);
        let (allocations, problems) = read(&text, FileId(3));
        assert!(problems.is_empty());
        let place = allocations.place("app1.web").unwrap();
        assert_eq!(place.file, FileId(3));
        assert_eq!(&text[place.range()], "\"app1.web\": \"10.1.0.0/26\"");
    }

    #[test]
    fn a_prefix_with_host_bits_is_an_error_and_not_used() {
        let text = lock(&[("core.app", "10.0.1.0/24"), ("hub.shared", "172.16.0.5/24")]);
        let (problems, keys) = check(&text);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, 6);
        assert!(problems[0].1.contains("`172.16.0.5/24` of `hub.shared` has host bits set"), "{}", problems[0].1);
        assert_eq!(keys, ["core.app"]);
        let (_, problems) = read(&text, FileId(0));
        assert!(problems[0].help.as_deref().unwrap().contains("`172.16.0.0/24`"));
    }

    #[test]
    fn a_key_written_twice_is_an_error_at_the_second_and_neither_is_used() {
        let text = lock(&[("hub.shared", "10.0.0.0/24"), ("hub.app", "10.0.1.0/24"), ("hub.shared", "10.0.2.0/24")]);
        let (problems, keys) = check(&text);
        assert_eq!(problems, [(7, "`hub.shared` stands twice in ashlar.lock (first on line 5)".to_string())]);
        assert_eq!(keys, ["hub.app"]);
        // The same key spelt with an escape is the same key.
        let text = lock(&[("hub.shared", "10.0.0.0/24"), ("hub.\\u0073hared", "10.0.2.0/24")]);
        assert_eq!(check(&text).0.len(), 1);
    }

    #[test]
    fn entries_that_must_not_overlap_are_errors_at_the_later() {
        let text = lock(&[
            ("app1.address_space.0", "10.64.0.0/22"),
            ("app1.web", "10.64.0.0/24"),
            ("app1.app", "10.64.1.0/24"),
            ("app2.address_space.0", "10.64.2.0/24"),
            ("app2.web", "10.64.0.0/24"),
            ("app1.data", "10.64.1.128/25"),
        ]);
        let (problems, keys) = check(&text);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].0, 8);
        assert!(problems[0].1.contains("`app2.address_space.0` = `10.64.2.0/24` overlaps `app1.address_space.0` = `10.64.0.0/22` (line 5)"));
        assert!(problems[0].1.ends_with("address spaces from pools never overlap"));
        assert_eq!(problems[1].0, 10);
        assert!(problems[1].1.contains("`app1.data` = `10.64.1.128/25` overlaps `app1.app`"));
        // A subnet inside an address space, or in another network, overlaps nothing it must not.
        assert_eq!(keys, ["app1.address_space.0", "app1.app", "app1.web", "app2.web"]);
    }

    #[test]
    fn several_problems_are_all_reported_in_order() {
        let text = lock(&[("a.b", "10.0.0.1/24"), ("a.c", "not a prefix"), ("a.c", "10.0.1.0/24"), ("a.d", "10.0.0.0/24")]);
        let (problems, keys) = check(&text);
        let lines: Vec<usize> = problems.iter().map(|p| p.0).collect();
        assert_eq!(lines, [5, 7], "{problems:?}");
        assert_eq!(keys, ["a.d"]);
    }

    #[test]
    fn places_survive_odd_spacing_and_other_members() {
        let text = "{\"note\":\"a \\\"prefixes\\\": {\",\"extra\":[{\"prefixes\":{}}],\"version\":1,\n\"prefixes\":{\"x.y\" :\"10.0.0.0/8\",\n\"x.z\":  \"10.0.0.0/9\"}}";
        let (allocations, problems) = read(text, FileId(0));
        assert_eq!(problems.len(), 1);
        assert_eq!(&text[problems[0].span.unwrap().range()], "\"x.z\":  \"10.0.0.0/9\"");
        assert_eq!(&text[allocations.place("x.y").unwrap().range()], "\"x.y\" :\"10.0.0.0/8\"");
    }

    #[test]
    fn an_unreadable_lock_keeps_nothing() {
        let (allocations, problems) = read("{ \"version\": 2, \"prefixes\": {} }", FileId(0));
        assert!(allocations.is_empty());
        assert!(problems[0].message.contains("version 2"), "{}", problems[0].message);
        let (_, problems) = read("{ \"version\": 1, \"prefixes\": {}, \"prefixes\": {} }", FileId(0));
        assert!(problems[0].message.contains("duplicate field"), "{}", problems[0].message);
    }
}
