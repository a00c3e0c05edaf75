//! Azure Policy documents as users export them: policy definitions, policy
//! set definitions (initiatives) and assignments, in the JSON of
//! `az policy definition show`, `az policy set-definition show`,
//! `az policy assignment list` and of the REST API (the same objects with
//! their fields under `properties`), one object, an array of them, or a
//! REST list (`{ "value": [...] }`) a file.

use super::INPUT;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use serde_json::{Map, Value};

/// A policy definition.
#[derive(Debug, Clone)]
pub struct Definition {
    /// As written, `/providers/Microsoft.Authorization/policyDefinitions/<name>` for a built-in.
    pub id: String,
    pub name: String,
    pub display_name: String,
    /// `Indexed` evaluates only the types that take tags and a location.
    pub indexed: bool,
    /// Its properties: `policyRule`, `parameters`, `mode`.
    pub properties: Map<String, Value>,
    /// Where it is written.
    pub span: Span,
    pub file: FileId,
}

/// A policy set definition (an initiative).
#[derive(Debug, Clone)]
pub struct SetDefinition {
    pub id: String,
    pub name: String,
    pub display_name: String,
    /// Its `parameters`, with their `defaultValue`s.
    pub parameters: Map<String, Value>,
    pub members: Vec<Member>,
    pub span: Span,
}

/// One definition of an initiative.
#[derive(Debug, Clone)]
pub struct Member {
    pub definition_id: String,
    pub reference_id: String,
    /// `{ NAME: { "value": ... } }`, the values often `[parameters('x')]` of the initiative's.
    pub parameters: Map<String, Value>,
}

/// A policy assignment.
#[derive(Debug, Clone)]
pub struct Assignment {
    pub name: String,
    pub display_name: String,
    pub definition_id: String,
    pub scope: String,
    pub not_scopes: Vec<String>,
    /// `{ NAME: { "value": ... } }`.
    pub parameters: Map<String, Value>,
    /// `enforcementMode` is `DoNotEnforce`.
    pub not_enforced: bool,
    pub span: Span,
}

/// Everything read from the files.
#[derive(Debug, Default)]
pub struct Documents {
    pub definitions: Vec<Definition>,
    pub sets: Vec<SetDefinition>,
    pub assignments: Vec<Assignment>,
}

/// The last segment of a resource ID: a definition's name.
pub fn last_segment(id: &str) -> &str {
    id.rsplit('/').next().unwrap_or(id)
}

/// Whether `id` names a policy set definition rather than a definition.
pub fn is_set_id(id: &str) -> bool {
    id.to_ascii_lowercase().contains("/policysetdefinitions/")
}

/// The span of the first `"needle"` in `text` (a quoted JSON string), else of the file's first byte.
pub fn span_of(file: FileId, text: &str, needle: &str) -> Span {
    span_from(file, text, needle, 0)
}

/// The span of the first `"needle"` in `text` at or after byte `from`, else of the first before it.
fn span_from(file: FileId, text: &str, needle: &str, from: usize) -> Span {
    let quoted = format!("\"{needle}\"");
    let after = text.get(from..).and_then(|rest| rest.find(&quoted)).map(|at| from + at);
    match after.or_else(|| text.find(&quoted)) {
        Some(at) => Span::new(file, at, at + quoted.len()),
        None => Span::new(file, 0, text.len().min(1)),
    }
}

impl Documents {
    /// Reads one file's text; what is not a policy document is reported.
    pub fn read(&mut self, file: FileId, name: &str, text: &str, out: &mut Vec<Diagnostic>) {
        let json: Value = match serde_json::from_str(text) {
            Ok(json) => json,
            Err(e) => {
                let offset = line_col_offset(text, e.line(), e.column());
                out.push(
                    Diagnostic::new(&INPUT, Span::new(file, offset, (offset + 1).min(text.len())), format!("{name} is not JSON: {e}"))
                        .with_help("export it again with `az policy assignment list` or `az policy definition show`, which write JSON"),
                );
                return;
            }
        };
        let items: Vec<&Value> = match &json {
            Value::Array(items) => items.iter().collect(),
            Value::Object(o) if o.get("value").is_some_and(Value::is_array) => o["value"].as_array().map(|a| a.iter().collect()).unwrap_or_default(),
            other => vec![other],
        };
        // The objects come in the order of the text: each is found after the one before.
        let mut cursor = 0;
        for item in items {
            let at = item
                .get("name")
                .and_then(Value::as_str)
                .map_or(Span::new(file, cursor, cursor.min(text.len())), |n| span_from(file, text, n, cursor));
            cursor = at.end as usize;
            if let Err(why) = self.read_one(file, text, item, at) {
                out.push(Diagnostic::new(&INPUT, at, format!("{name}: {why}")).with_help(
                    "give the JSON of policy definitions, policy set definitions or assignments as `az policy ... show` and `az policy assignment list` write it",
                ));
            }
        }
    }

    fn read_one(&mut self, file: FileId, text: &str, item: &Value, at: Span) -> Result<(), String> {
        let object = item.as_object().ok_or("holds something other than a policy object")?;
        // The REST API nests the fields under `properties`; the CLI lifts them to the top.
        let props = object.get("properties").and_then(Value::as_object).unwrap_or(object);
        let string = |key: &str| props.get(key).or_else(|| object.get(key)).and_then(Value::as_str).unwrap_or_default().to_string();
        let name = object.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
        let id = object.get("id").and_then(Value::as_str).unwrap_or_default().to_string();
        let span = if name.is_empty() { Span::new(file, 0, text.len().min(1)) } else { at };
        let display_name = string("displayName");
        if props.contains_key("policyRule") {
            if name.is_empty() && id.is_empty() {
                return Err("a policy definition without `name` or `id`, which assignments name it by".into());
            }
            let indexed = string("mode").eq_ignore_ascii_case("indexed");
            let name = if name.is_empty() { last_segment(&id).to_string() } else { name };
            self.definitions.push(Definition { id, name, display_name, indexed, properties: props.clone(), span, file });
        } else if let Some(members) = props.get("policyDefinitions") {
            let members = members.as_array().ok_or("`policyDefinitions` is not a list")?;
            let mut read = Vec::new();
            for m in members {
                let definition_id =
                    m.get("policyDefinitionId").and_then(Value::as_str).ok_or("a member of `policyDefinitions` has no `policyDefinitionId`")?;
                read.push(Member {
                    definition_id: definition_id.to_string(),
                    reference_id: m.get("policyDefinitionReferenceId").and_then(Value::as_str).unwrap_or(last_segment(definition_id)).to_string(),
                    parameters: m.get("parameters").and_then(Value::as_object).cloned().unwrap_or_default(),
                });
            }
            let name = if name.is_empty() { last_segment(&id).to_string() } else { name };
            let parameters = props.get("parameters").and_then(Value::as_object).cloned().unwrap_or_default();
            self.sets.push(SetDefinition { id, name, display_name, parameters, members: read, span });
        } else if let Some(definition_id) = props.get("policyDefinitionId").and_then(Value::as_str) {
            let not_scopes = match props.get("notScopes") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(list)) => list
                    .iter()
                    .map(|s| s.as_str().map(str::to_string).ok_or("`notScopes` holds something other than a scope"))
                    .collect::<Result<_, _>>()?,
                Some(_) => return Err("`notScopes` is not a list of scopes".into()),
            };
            let scope = string("scope");
            if scope.is_empty() {
                return Err(format!("assignment `{name}` has no `scope`"));
            }
            self.assignments.push(Assignment {
                name: if name.is_empty() { last_segment(&id).to_string() } else { name },
                display_name,
                definition_id: definition_id.to_string(),
                scope,
                not_scopes,
                parameters: props.get("parameters").and_then(Value::as_object).cloned().unwrap_or_default(),
                not_enforced: string("enforcementMode").eq_ignore_ascii_case("DoNotEnforce"),
                span,
            });
        } else {
            return Err(
                "is not a policy definition (no `policyRule`), initiative (no `policyDefinitions`) or assignment (no `policyDefinitionId`)".into()
            );
        }
        Ok(())
    }
}

/// The byte offset of a 1-based line and column, as serde_json reports them.
fn line_col_offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (start + column.saturating_sub(1)).min(text.len())
}
