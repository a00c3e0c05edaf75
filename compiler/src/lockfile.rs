//! `ashlar.lock`: the prefixes ashlar chose for `auto`, kept beside the plan.
//!
//! With it, a prefix once chosen stays put when blocks are added, removed or
//! reordered: like `Cargo.lock`, commit it with the plan. `ashlar build` writes
//! it when what was chosen changes; `ashlar check` only reads it.

use crate::address::Allocations;
use std::collections::BTreeMap;

pub const LOCK_FILE: &str = "ashlar.lock";

const NOTE: &str = "Prefixes ashlar chose for `auto`. Commit this file with the plan: it keeps them from moving.";

/// Reads a lock file; `Err` holds the byte offset and what is wrong.
pub fn parse(text: &str) -> Result<Allocations, (usize, String)> {
    #[derive(serde::Deserialize)]
    struct Lock {
        version: u32,
        prefixes: BTreeMap<String, String>,
    }
    let lock: Lock = serde_json::from_str(text).map_err(|e| (offset(text, e.line(), e.column()), e.to_string()))?;
    if lock.version != 1 {
        return Err((0, format!("version {} is not one this ashlar reads (1)", lock.version)));
    }
    lock.prefixes
        .into_iter()
        .map(|(key, prefix)| match prefix.parse() {
            Ok(net) => Ok((key, net)),
            Err(_) => {
                let at = text.find(&format!("\"{prefix}\"")).unwrap_or(0);
                Err((at, format!("`{prefix}` of `{key}` is not an address prefix")))
            }
        })
        .collect()
}

/// The lock file's text: stable, sorted, one prefix a line.
pub fn render(allocations: &Allocations) -> String {
    let prefixes: BTreeMap<&str, String> = allocations.iter().map(|(k, v)| (k.as_str(), v.to_string())).collect();
    let value = serde_json::json!({ "note": NOTE, "version": 1, "prefixes": prefixes });
    serde_json::to_string_pretty(&value).expect("a lock serialises") + "\n"
}

fn offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (start + column.saturating_sub(1)).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_reads_back_what_was_written() {
        let mut a = Allocations::new();
        a.insert("app1.app".into(), "10.1.0.64/26".parse().unwrap());
        a.insert("app1.address_space.0".into(), "10.64.0.0/22".parse().unwrap());
        assert_eq!(parse(&render(&a)).unwrap(), a);
    }

    #[test]
    fn a_broken_lock_says_where() {
        let (at, why) = parse("{\n  \"version\": 1,\n  \"prefixes\": { \"a\": \"10.0.0.0/33\" }\n}").unwrap_err();
        assert!(why.contains("10.0.0.0/33") && at > 0, "{why} at {at}");
        let (at, _) = parse("{\n  \"version\": 1,\n  oops\n}").unwrap_err();
        assert_eq!(at, 20);
    }
}
