//! What of a resource an assigned definition reads, so that the resources
//! that read the same to it are decided by one evaluation.
//!
//! A compiled definition reads a resource only through its fields: `type`,
//! `name`, `fullName`, `location`, `tags` (or one tag), `identity`, `kind`,
//! `apiVersion`, and aliases, which the engine turns into paths of the
//! normalized resource (`resolve_alias_path` of regorus's Azure Policy
//! compiler, mirrored by [`part_of`]). Two resources equal in every part a
//! definition reads, and in the template functions' context when the rule
//! calls `resourceGroup()`, get the same outcome from it. When ashlar cannot
//! tell what a rule reads (a field written as an expression other than
//! `concat('tags[', ...)`, an alias the catalogue does not resolve), every
//! resource is evaluated on its own.

use regorus::languages::azure_policy::aliases::AliasRegistry;
use regorus::Value as RValue;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// One part of a normalized resource a definition reads: a top-level key
/// (lowercased, as the normalizer writes them), one tag, or a path of keys
/// (`ipconfigurations[*]`, `publicipaddress`, `id`: `[*]` reads every element).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    Key(String),
    Tag(String),
    Path(Vec<String>),
}

/// What a definition's rule reads of a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reads {
    /// The parts read, always with `type`; `None` when ashlar cannot tell.
    pub parts: Option<Vec<Part>>,
    /// Whether the rule calls `resourceGroup()`: the resource's group is then read too.
    pub group: bool,
}

/// What `rule` (a definition's `policyRule`, with the parameter `values`) reads.
pub fn reads(rule: &Value, values: &Map<String, Value>, registry: &AliasRegistry) -> Reads {
    let group = rule.to_string().to_ascii_lowercase().contains("resourcegroup(");
    let mut fields = Vec::new();
    super::fields_read(rule, &mut fields);
    let mut parts = vec![Part::Key("type".into())];
    for field in fields {
        let field = super::shown(&field, values);
        match part_of(&field, registry) {
            Some(part) => parts.push(part),
            None => return Reads { parts: None, group },
        }
    }
    parts.sort();
    parts.dedup();
    Reads { parts: Some(parts), group }
}

/// The part of the normalized resource a field reads, as the engine resolves
/// it; `None` when ashlar cannot tell.
pub fn part_of(field: &str, registry: &AliasRegistry) -> Option<Part> {
    if field.starts_with('[') {
        return None;
    }
    let lower = field.to_ascii_lowercase();
    let path = if lower.contains('/') {
        let map = registry.alias_map();
        match map.get(&lower) {
            Some(short) => strip_namespace(short).to_ascii_lowercase(),
            None => strip_namespace(map.get(&format!("{lower}[*]"))?).to_ascii_lowercase(),
        }
    } else {
        lower
    };
    if let Some(rest) = path.strip_prefix("tags") {
        if rest.is_empty() {
            return Some(Part::Key("tags".into()));
        }
        let tag = rest
            .strip_prefix('.')
            .or_else(|| rest.strip_prefix("['").and_then(|r| r.strip_suffix("']")))
            .or_else(|| rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')));
        return Some(tag.map_or(Part::Key("tags".into()), |t| Part::Tag(t.to_string())));
    }
    // A path of plain keys, each maybe with `[*]`, is read as such; any other, by its first key.
    let segments: Vec<&str> = path.split('.').collect();
    let plain = |s: &&str| {
        let key = s.strip_suffix("[*]").unwrap_or(s);
        !key.is_empty() && !key.contains(['[', ']', '\'', '"', '(', ')'])
    };
    if segments.iter().all(plain) {
        return Some(if segments.len() == 1 && !path.ends_with("[*]") {
            Part::Key(path)
        } else {
            Part::Path(segments.iter().map(|s| s.to_string()).collect())
        });
    }
    let first = path.split(['.', '[']).next().unwrap_or_default();
    (!first.is_empty()).then(|| Part::Key(first.to_string()))
}

/// An alias's short name without its `Namespace/type/` (regorus's `strip_fq_prefix`).
fn strip_namespace(short: &str) -> &str {
    let head = short.find('[').map_or(short, |at| &short[..at]);
    head.rfind('/').map_or(short, |at| &short[at + 1..])
}

/// The value of one part in a normalized resource.
fn value_of(resource: &RValue, part: &Part) -> RValue {
    match part {
        Part::Key(key) => resource[key.as_str()].clone(),
        Part::Tag(tag) => resource["tags"][tag.as_str()].clone(),
        Part::Path(segments) => along(resource, segments),
    }
}

/// The values at a path: under a `[*]` segment, the list of each element's.
fn along(value: &RValue, segments: &[String]) -> RValue {
    let Some((first, rest)) = segments.split_first() else { return value.clone() };
    match first.strip_suffix("[*]") {
        Some(key) => match value[key].as_array() {
            Ok(items) => RValue::from(items.iter().map(|item| along(item, rest)).collect::<Vec<_>>()),
            Err(_) => value[key].clone(),
        },
        None => along(&value[first.as_str()], rest),
    }
}

/// Numbers each resource's value of `part`: equal values, equal numbers.
pub fn number_values<'a>(resources: impl Iterator<Item = &'a RValue>, part: &Part) -> Vec<u32> {
    let mut seen: BTreeMap<RValue, u32> = BTreeMap::new();
    resources
        .map(|r| {
            let next = seen.len() as u32;
            *seen.entry(value_of(r, part)).or_insert(next)
        })
        .collect()
}
