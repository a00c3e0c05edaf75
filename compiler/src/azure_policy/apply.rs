//! What `modify` and `append` change in a request, applied before `deny` and
//! `audit` are evaluated over it, as Azure does: "append and modify are then
//! evaluated. Since either could alter the request, a change made may prevent
//! an audit or deny effect from triggering"
//! ([order of evaluation](https://learn.microsoft.com/azure/governance/policy/concepts/effect-basics)).
//!
//! ashlar applies the changes to tags: `modify`'s `addOrReplace` and `remove`,
//! its `add` when the tag is not in the request, and `append` of a tag the
//! request lacks. A change it does not apply (to a property alias, an
//! operation with a `condition`, an `add` or `append` over a tag the request
//! already gives a value) leaves the request as the plan writes it: a `deny`
//! it might prevent is still reported, never hidden on a guess.

use super::reads::{part_of, Part};
use regorus::languages::azure_policy::aliases::AliasRegistry;
use regorus::Value as RValue;
use serde_json::{Map, Value};

/// One change to a tag: set it to a value, or remove it.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Set { tag: String, value: Value, replace: bool },
    Remove { tag: String },
}

/// The changes of a `modify` or `append` effect's details (as the engine
/// returns them, with `values` the assignment's parameters) that ashlar applies.
pub fn changes_of(effect: &str, details: &RValue, values: &Map<String, Value>, registry: &AliasRegistry) -> Vec<Change> {
    let json: Value = details.to_json_str().ok().and_then(|s| serde_json::from_str(&s).ok()).unwrap_or(Value::Null);
    let tag = |op: &Value| -> Option<String> {
        let field = super::shown(op.get("field")?.as_str()?, values);
        match part_of(&field, registry)? {
            Part::Tag(tag) => Some(tag),
            Part::Key(_) | Part::Path(_) => None,
        }
    };
    if effect == "append" {
        let items = match &json {
            Value::Array(items) => items.clone(),
            Value::Object(_) => vec![json.clone()],
            _ => Vec::new(),
        };
        return items.iter().filter_map(|op| Some(Change::Set { tag: tag(op)?, value: op.get("value")?.clone(), replace: false })).collect();
    }
    let operations = json.get("operations").and_then(Value::as_array).cloned().unwrap_or_default();
    operations
        .iter()
        .filter(|op| op.get("condition").is_none())
        .filter_map(|op| {
            let tag = tag(op)?;
            match op.get("operation").and_then(Value::as_str)?.to_ascii_lowercase().as_str() {
                "addorreplace" => Some(Change::Set { tag, value: op.get("value")?.clone(), replace: true }),
                "add" => Some(Change::Set { tag, value: op.get("value")?.clone(), replace: false }),
                "remove" => Some(Change::Remove { tag }),
                _ => None,
            }
        })
        .collect()
}

/// `resource` (normalized, tag names lowercased) with `changes` applied.
pub fn apply(resource: &RValue, changes: &[Change]) -> RValue {
    let mut changed = resource.clone();
    let Ok(map) = changed.as_object_mut() else { return changed };
    let key = RValue::from("tags");
    let mut tags = map.get(&key).cloned().filter(|t| t.as_object().is_ok()).unwrap_or_else(RValue::new_object);
    if let Ok(tags) = tags.as_object_mut() {
        for change in changes {
            match change {
                Change::Set { tag, value, replace } => {
                    let name = RValue::from(tag.as_str());
                    if *replace || !tags.contains_key(&name) {
                        tags.insert(name, RValue::from(value.clone()));
                    }
                }
                Change::Remove { tag } => {
                    tags.remove(&RValue::from(tag.as_str()));
                }
            }
        }
    }
    map.insert(key, tags);
    changed
}
