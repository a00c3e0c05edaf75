//! ARM templates judged by Microsoft's published ARM JSON schemas, offline: the
//! files the emitted types need are vendored in `tests/schemas/arm/` (see its
//! `SOURCE.md`), validated with the `jsonschema` crate (draft 4) through a
//! registry that holds every vendored file and retrieves nothing else.
//!
//! Per template (and, recursively, per inline template of a nested deployment):
//! 1. the envelope against its `$schema` (subscription or resource-group scope),
//!    its "any resource" list replaced by `resourceBase`: step 2 checks each
//!    resource instead, with errors that name it;
//! 2. each resource against the provider schema picked by its type, apiVersion and
//!    the deployment's scope. A type and apiVersion without a vendored schema is
//!    an error, never a pass.
//!
//! Strict: the published schemas never close their objects, so a misspelt
//! property would pass. Every object schema of the generated provider files is
//! closed (`additionalProperties: false`), allowing on a resource the keys of
//! ARM's template envelope (`dependsOn`, `condition`, `scope`, ...).
//!
//! Adjustments made in memory (the vendored files stay byte-identical):
//! - `oneOf [X, expression]` becomes `anyOf`: an expression string may also
//!   satisfy X (a plain string), which `oneOf` would reject; the same for a
//!   `oneOf` holding the empty schema;
//! - `resourceBase.tags` and a nested deployment's parameter values may be an
//!   expression;
//! - the discriminated unions of `Microsoft.VirtualMachineImages` (an `allOf`
//!   whose first member says `additionalProperties: false`, which in draft 4
//!   rejects every variant's own properties) lose that closure;
//! - a closed enum that the API documents as deprecated (Compute's `vmSize`,
//!   whose list stops at old sizes) becomes any string;
//! - the .NET regular expression `[\w-._]` (a `-` right after a class escape,
//!   literal there) is written `[\w\-._]`.
//!
//! What ARM itself says, that this relies on:
//! - the `$schema` of a template names its scope: `2019-04-01/deploymentTemplate.json#`
//!   for a resource group, `2018-05-01/subscriptionDeploymentTemplate.json#` for a
//!   subscription (<https://learn.microsoft.com/en-us/training/modules/explore-azure-governance-manageability/4-explore-azure-resource-manager-template-structure-schema>);
//! - a resource carries, beside its REST body, the template's own elements
//!   (`condition`, `dependsOn`, `copy`, `comments`, `scope`, ...)
//!   (<https://docs.azure.cn/en-us/azure-resource-manager/resource-group-authoring-templates>);
//! - an expression is a string that starts with `[` and ends with `]`, and `[[`
//!   escapes a literal one; a resource's `type` and `apiVersion` must be literals
//!   (<https://docs.azure.cn/en-us/azure-resource-manager/templates/template-expressions>).
//!
//! Not checked: what only ARM's evaluation shows (expressions are opaque),
//! `format` keywords, property copy loops and child `resources` (ashlar emits
//! neither: both are reported rather than passed).
#![allow(dead_code)]

use jsonschema::error::ValidationErrorKind;
use jsonschema::{Draft, Registry, Retrieve, Uri, ValidationError, Validator};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// Where `https://schema.management.azure.com/schemas/<path>` is vendored: `<dir>/<path>`.
pub const SCHEMA_BASE: &str = "https://schema.management.azure.com/schemas/";
const EXPR_REF: &str = "https://schema.management.azure.com/schemas/common/definitions.json#/definitions/expression";
const SUBSCRIPTION_TEMPLATE: &str = "2018-05-01/subscriptionDeploymentTemplate.json";
const GROUP_TEMPLATE: &str = "2019-04-01/deploymentTemplate.json";

/// The sections of a provider schema, by the scope they deploy at.
const SECTIONS: &[&str] = &[
    "resourceDefinitions",
    "subscription_resourceDefinitions",
    "managementGroup_resourceDefinitions",
    "tenant_resourceDefinitions",
    "extension_resourceDefinitions",
    "unknown_resourceDefinitions",
];

/// Keys of ARM's template envelope that a resource may carry but that are no
/// part of its REST body, so the provider schemas do not list them.
const ENVELOPE_KEYS: &[&str] =
    &["condition", "dependsOn", "copy", "comments", "scope", "metadata", "existing", "resourceGroup", "subscriptionId", "apiVersion", "type", "name"];

/// The folder of the vendored schemas.
pub fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/schemas/arm")
}

/// One way a template breaks its schemas.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The template's file, as given.
    pub file: String,
    /// Where in the file, as a JSON path (`$.resources[1].properties...`).
    pub path: String,
    /// The resource it is in: `type@apiVersion 'name'`, or empty for the envelope.
    pub resource: String,
    /// What the schema says.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.path, self.message)?;
        if !self.resource.is_empty() {
            write!(f, " [resource {}]", self.resource)?;
        }
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Scope {
    Subscription,
    ResourceGroup,
}

impl Scope {
    fn template(self) -> &'static str {
        match self {
            Scope::Subscription => SUBSCRIPTION_TEMPLATE,
            Scope::ResourceGroup => GROUP_TEMPLATE,
        }
    }
    fn section(self) -> &'static str {
        match self {
            Scope::Subscription => "subscription_resourceDefinitions",
            Scope::ResourceGroup => "resourceDefinitions",
        }
    }
    fn name(self) -> &'static str {
        match self {
            Scope::Subscription => "subscription",
            Scope::ResourceGroup => "resource group",
        }
    }
}

/// Where a resource type's schema is: its file's URI, the pointer to its
/// definition, and the type as the schema spells it.
#[derive(Clone, Debug)]
struct Entry {
    uri: String,
    pointer: String,
    canonical_type: String,
}

struct Store {
    registry: Registry<'static>,
    /// (lower-case type, apiVersion) -> section -> where.
    index: HashMap<(String, String), HashMap<&'static str, Entry>>,
    validators: Mutex<HashMap<String, Arc<Validator>>>,
}

/// A retriever that fetches nothing: every `$ref` must land in a vendored file.
struct VendoredOnly;

impl Retrieve for VendoredOnly {
    fn retrieve(&self, uri: &Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        Err(format!("{uri} is not vendored in tests/schemas/arm").into())
    }
}

fn store() -> &'static Store {
    static STORE: OnceLock<Store> = OnceLock::new();
    STORE.get_or_init(|| Store::load(&schema_dir()))
}

impl Store {
    fn load(dir: &Path) -> Store {
        let mut docs: Vec<(String, Value)> = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "json") {
                    let rel = p.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                    let text = std::fs::read_to_string(&p).unwrap();
                    let doc: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap_or_else(|e| panic!("{rel}: {e}"));
                    docs.push((rel, doc));
                }
            }
        }
        docs.sort_by(|a, b| a.0.cmp(&b.0));
        let mut index: HashMap<(String, String), HashMap<&'static str, Entry>> = HashMap::new();
        for (rel, doc) in &mut docs {
            patch(rel, doc);
            for section in SECTIONS {
                let Some(defs) = doc.get(*section).and_then(Value::as_object) else { continue };
                for (name, def) in defs {
                    let strings = |key: &str| -> Vec<String> {
                        def.pointer(&format!("/properties/{key}/enum"))
                            .and_then(Value::as_array)
                            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                            .unwrap_or_default()
                    };
                    for t in strings("type") {
                        for api in strings("apiVersion") {
                            index.entry((t.to_lowercase(), api)).or_default().insert(
                                section,
                                Entry { uri: format!("{SCHEMA_BASE}{rel}"), pointer: format!("/{section}/{name}"), canonical_type: t.clone() },
                            );
                        }
                    }
                }
            }
        }
        let resources = docs.into_iter().map(|(rel, doc)| (format!("{SCHEMA_BASE}{rel}"), Draft::Draft4.create_resource(doc)));
        let registry = Registry::new()
            .draft(Draft::Draft4)
            .retriever(VendoredOnly)
            .extend(resources)
            .and_then(|b| b.prepare())
            .unwrap_or_else(|e| panic!("the vendored ARM schemas do not form a registry: {e}"));
        Store { registry, index, validators: Mutex::new(HashMap::new()) }
    }

    /// The validator of the schema at `uri#pointer`, compiled once.
    fn validator(&'static self, uri: &str, pointer: &str) -> Result<Arc<Validator>, String> {
        let key = format!("{uri}#{pointer}");
        if let Some(v) = self.validators.lock().unwrap().get(&key) {
            return Ok(v.clone());
        }
        let v = jsonschema::draft4::options()
            .with_registry(&self.registry)
            .should_validate_formats(false)
            .build(&json!({ "$ref": key }))
            .map_err(|e| format!("the schema {key} does not compile: {e}"))?;
        let v = Arc::new(v);
        self.validators.lock().unwrap().insert(key, v.clone());
        Ok(v)
    }

    fn lookup(&self, rtype: &str, api: &str, sections: &[&str]) -> Option<&Entry> {
        let entry = self.index.get(&(rtype.to_lowercase(), api.to_string()))?;
        sections.iter().find_map(|s| entry.get(*s))
    }

    fn api_versions(&self, rtype: &str) -> Vec<String> {
        let mut out: Vec<String> = self.index.keys().filter(|(t, _)| *t == rtype.to_lowercase()).map(|(_, a)| a.clone()).collect();
        out.sort();
        out
    }
}

// ---------------------------------------------------------------------------
// Adjusting the published schemas

fn is_expr_ref(v: &Value) -> bool {
    v.get("$ref").and_then(Value::as_str) == Some(EXPR_REF)
}

fn expr_or(other: Value) -> Value {
    json!({ "anyOf": [{ "$ref": EXPR_REF }, other] })
}

#[derive(Clone, Copy, PartialEq)]
enum Role {
    Root,
    Schema,
    Envelope,
    ChildResource,
    AllOfMember,
}

/// Visits every schema node below `node`, children first.
fn walk(node: &mut Value, role: Role, f: &mut dyn FnMut(&mut Value, Role)) {
    let Some(obj) = node.as_object_mut() else { return };
    for key in ["properties", "patternProperties", "definitions"] {
        if let Some(Value::Object(sub)) = obj.get_mut(key) {
            for (k, v) in sub.iter_mut() {
                let r = if key == "definitions" && k.ends_with("_childResource") { Role::ChildResource } else { Role::Schema };
                walk(v, r, f);
            }
        }
    }
    if role == Role::Root {
        for section in SECTIONS {
            if let Some(Value::Object(sub)) = obj.get_mut(*section) {
                for v in sub.values_mut() {
                    walk(v, Role::Envelope, f);
                }
            }
        }
    }
    for key in ["additionalProperties", "not", "additionalItems", "items"] {
        match obj.get_mut(key) {
            Some(v @ Value::Object(_)) => walk(v, Role::Schema, f),
            Some(Value::Array(items)) if key == "items" => items.iter_mut().for_each(|v| walk(v, Role::Schema, f)),
            _ => {}
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(list)) = obj.get_mut(key) {
            list.iter_mut().for_each(|v| walk(v, Role::Schema, f));
        }
    }
    if let Some(Value::Array(list)) = obj.get_mut("allOf") {
        list.iter_mut().for_each(|v| walk(v, Role::AllOfMember, f));
    }
    f(node, role);
}

fn patch(rel: &str, doc: &mut Value) {
    let is_template = rel == SUBSCRIPTION_TEMPLATE || rel == GROUP_TEMPLATE;
    if is_template {
        // Each resource is checked against its provider's schema instead.
        doc["definitions"]["resource"] = json!({ "$ref": "#/definitions/resourceBase" });
    }
    if is_template || rel == "common/definitions.json" {
        if let Some(Value::Array(members)) = doc.pointer_mut("/definitions/resourceBase/allOf") {
            for m in members {
                if let Some(tags) = m.pointer_mut("/properties/tags") {
                    if tags.get("oneOf").is_none() && tags.get("anyOf").is_none() {
                        *tags = expr_or(json!({ "type": "object" }));
                    }
                }
            }
        }
    }
    if doc.pointer("/definitions/DeploymentParameter").is_some() {
        walk(doc, Role::Root, &mut |n, _| {
            if n.get("additionalProperties") == Some(&json!({ "$ref": "#/definitions/DeploymentParameter" })) {
                n["additionalProperties"] = expr_or(json!({ "$ref": "#/definitions/DeploymentParameter" }));
            }
        });
    }
    let mut variants_of: Vec<(String, Vec<String>)> = Vec::new();
    walk(doc, Role::Root, &mut |n, _| adjust(n, &mut variants_of));
    // The base's own properties (a customizer's `name`) live only in the base:
    // the variants that strict closure closes must allow them too.
    for (reference, names) in variants_of {
        if let Some(Value::Object(props)) = doc.pointer_mut(&format!("/definitions/{reference}/properties")) {
            for n in names {
                props.entry(n).or_insert(json!({}));
            }
        }
    }
    let generated = !(rel.starts_with("common/") || is_template || rel.ends_with("Microsoft.Compute.Extensions.json"));
    if generated && SECTIONS.iter().any(|s| doc.get(*s).is_some()) {
        walk(doc, Role::Root, &mut close);
    }
}

/// The adjustments every node gets; `variants_of` collects the definitions
/// that a discriminated union refers to, with the base's property names.
fn adjust(node: &mut Value, variants_of: &mut Vec<(String, Vec<String>)>) {
    let Some(obj) = node.as_object_mut() else { return };
    if let Some(Value::Array(one)) = obj.get("oneOf") {
        if one.iter().any(|b| is_expr_ref(b) || *b == json!({})) {
            let mut list: Vec<Value> = one.iter().filter(|b| is_expr_ref(b)).cloned().collect();
            list.extend(one.iter().filter(|b| !is_expr_ref(b)).cloned());
            obj.remove("oneOf");
            obj.insert("anyOf".into(), Value::Array(list));
        }
    }
    if let Some(Value::Array(all)) = obj.get_mut("allOf") {
        if all.len() == 2 && all[0].get("additionalProperties") == Some(&Value::Bool(false)) && all[1].get("oneOf").is_some() {
            all[0].as_object_mut().unwrap().remove("additionalProperties");
            let base: Vec<String> = all[0].get("properties").and_then(Value::as_object).map(|p| p.keys().cloned().collect()).unwrap_or_default();
            for branch in all[1]["oneOf"].as_array().into_iter().flatten() {
                let members = branch.get("allOf").and_then(Value::as_array).cloned().unwrap_or_else(|| vec![branch.clone()]);
                for m in members {
                    if let Some(name) = m.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/definitions/")) {
                        variants_of.push((name.to_string(), base.clone()));
                    }
                }
            }
        }
    }
    let deprecated = obj.get("description").and_then(Value::as_str).is_some_and(|d| d.contains("enum data type is currently deprecated"));
    if deprecated {
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(list)) = obj.get_mut(key) {
                for b in list.iter_mut().filter(|b| b.get("enum").is_some()) {
                    *b = json!({ "type": "string" });
                }
            }
        }
    }
    if let Some(Value::String(p)) = obj.get_mut("pattern") {
        for class in ["\\w", "\\W", "\\d", "\\D", "\\s", "\\S"] {
            *p = p.replace(&format!("{class}-"), &format!("{class}\\-"));
        }
    }
}

fn variant_branches(obj: &Map<String, Value>) -> Vec<usize> {
    obj.get("oneOf")
        .or_else(|| obj.get("anyOf"))
        .and_then(Value::as_array)
        .map(|l| (0..l.len()).filter(|i| l[*i].is_object() && !is_expr_ref(&l[*i])).collect())
        .unwrap_or_default()
}

/// Marks an object schema that strict closure closed (draft 4 ignores unknown keywords).
const STRICT_MARK: &str = "x-ashlar-strict";

/// Strict closure of one object schema.
fn close(node: &mut Value, role: Role) {
    let Some(obj) = node.as_object_mut() else { return };
    let Some(Value::Object(props)) = obj.get("properties") else { return };
    if obj.contains_key("additionalProperties") || obj.contains_key("patternProperties") || role == Role::AllOfMember || obj.contains_key("allOf") {
        return;
    }
    let names: Vec<String> = props.keys().cloned().collect();
    let branches = variant_branches(obj);
    if !branches.is_empty() {
        // A discriminated base: close each inline variant, allowing the base's properties.
        let key = if obj.contains_key("oneOf") { "oneOf" } else { "anyOf" };
        for i in branches {
            let b = obj[key][i].as_object_mut().unwrap();
            let open_or_ours = !b.contains_key("additionalProperties") || b.contains_key(STRICT_MARK);
            if b.get("properties").is_some_and(Value::is_object) && !b.contains_key("$ref") && !b.contains_key("allOf") && open_or_ours {
                let bp = b["properties"].as_object_mut().unwrap();
                for n in &names {
                    bp.entry(n.clone()).or_insert(json!({}));
                }
                b.insert("additionalProperties".into(), Value::Bool(false));
                b.insert(STRICT_MARK.into(), Value::Bool(true));
            }
        }
        return;
    }
    if matches!(role, Role::Envelope | Role::ChildResource) {
        let props = obj.get_mut("properties").unwrap().as_object_mut().unwrap();
        for k in ENVELOPE_KEYS {
            props.entry(*k).or_insert(json!({}));
        }
    }
    obj.insert("additionalProperties".into(), Value::Bool(false));
    obj.insert(STRICT_MARK.into(), Value::Bool(true));
}

// ---------------------------------------------------------------------------
// Errors

fn is_expression(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.starts_with('[') && s.ends_with(']') && !s.starts_with("[["))
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() <= 80 {
        s
    } else {
        format!("{}...", s.chars().take(77).collect::<String>())
    }
}

fn pointer_parts(location: &str) -> Vec<String> {
    location.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~")).collect()
}

/// `prefix` followed by the parts of an instance path, in JSON-path form.
fn json_path(prefix: &str, parts: &[String]) -> String {
    let mut s = prefix.to_string();
    for p in parts {
        if p.parse::<usize>().is_ok() {
            s.push_str(&format!("[{p}]"));
        } else if p.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            s.push('.');
            s.push_str(p);
        } else {
            s.push_str(&format!("[{}]", Value::String(p.clone())));
        }
    }
    s
}

/// How unlikely a branch of `anyOf`/`oneOf` is to be the one meant: the
/// branches that failed on the value's very shape, or that only accept an
/// expression, come last; a wrong discriminator next.
fn branch_penalty(errors: &[ValidationError<'static>], depth: usize) -> (u32, usize) {
    let mut penalty = 0;
    for e in errors {
        let here = e.instance_path().as_str().split('/').count() - 1;
        let expr_branch = e.absolute_keyword_location().is_some_and(|u| u.as_str().contains("common/definitions.json#/definitions/expression"));
        if expr_branch {
            penalty = penalty.max(900);
        }
        if here == depth && matches!(e.kind(), ValidationErrorKind::Type { .. }) {
            penalty = penalty.max(1000);
        }
        if here == depth + 1 {
            if let ValidationErrorKind::Enum { options } = e.kind() {
                if options.as_array().is_some_and(|o| o.len() == 1) {
                    penalty = penalty.max(500);
                }
            }
        }
    }
    (penalty, errors.len())
}

/// The leaf errors of `e`, following the most plausible branch of each
/// `anyOf`/`oneOf`: (instance path parts, message).
fn leaves(e: &ValidationError<'static>, out: &mut Vec<(Vec<String>, String)>) {
    let parts = pointer_parts(e.instance_path().as_str());
    let context = match e.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => Some(context),
        _ => None,
    };
    if let Some(context) = context.filter(|c| !c.is_empty()) {
        let depth = parts.len();
        let best = context.iter().min_by_key(|errs| branch_penalty(errs, depth)).unwrap();
        if branch_penalty(best, depth).0 >= 900 || best.is_empty() {
            let expected: Vec<String> = context.iter().filter_map(|errs| errs.first()).map(|x| x.to_string()).collect();
            out.push((parts, format!("{} is not valid here: {}", short(e.instance()), expected.join("; or "))));
            return;
        }
        for x in best {
            leaves(x, out);
        }
        return;
    }
    let mut msg = match e.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => format!(
            "unknown propert{} {}",
            if unexpected.len() == 1 { "y" } else { "ies" },
            unexpected.iter().map(|u| format!("'{u}'")).collect::<Vec<_>>().join(", ")
        ),
        _ => e.to_string(),
    };
    if msg.chars().count() > 300 {
        msg = format!("{}...", msg.chars().take(297).collect::<String>());
    }
    if is_expression(e.instance()) && !matches!(e.kind(), ValidationErrorKind::AdditionalProperties { .. }) {
        msg.push_str(" (the schema offers no ARM-expression alternative here)");
    }
    out.push((parts, msg));
}

// ---------------------------------------------------------------------------
// Templates

/// Every problem of the template `text`, read from `file` (the name only
/// labels the problems).
pub fn validate_template(file: &str, text: &str) -> Vec<Problem> {
    let mut run = Run { file: file.to_string(), problems: Vec::new() };
    match serde_json::from_str::<Value>(text.trim_start_matches('\u{feff}')) {
        Ok(doc) => run.template(&doc, "$", None),
        Err(e) => run.problem("$", "", format!("not JSON: {e}")),
    }
    // The envelope's resourceBase and the provider schema may both find the
    // same fault in a resource: keep the report that names the resource.
    let named: Vec<(String, String)> = run.problems.iter().filter(|p| !p.resource.is_empty()).map(|p| (p.path.clone(), p.message.clone())).collect();
    run.problems.retain(|p| !p.resource.is_empty() || !named.contains(&(p.path.clone(), p.message.clone())));
    run.problems
}

/// Whether `text` is an ARM deployment template (its `$schema` says so).
pub fn is_template(text: &str) -> bool {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|d| d.get("$schema").and_then(Value::as_str).map(|s| s.to_lowercase().contains("deploymenttemplate.json")))
        .unwrap_or(false)
}

struct Run {
    file: String,
    problems: Vec<Problem>,
}

fn scope_of(schema: Option<&Value>) -> Option<Scope> {
    let url = schema?.as_str()?.trim().split('#').next()?.replacen("http://", "https://", 1);
    match url.strip_prefix(SCHEMA_BASE)? {
        SUBSCRIPTION_TEMPLATE => Some(Scope::Subscription),
        GROUP_TEMPLATE => Some(Scope::ResourceGroup),
        _ => None,
    }
}

impl Run {
    fn problem(&mut self, path: &str, resource: &str, message: String) {
        self.problems.push(Problem { file: self.file.clone(), path: path.to_string(), resource: resource.to_string(), message });
    }

    fn validate(&mut self, uri: &str, pointer: &str, instance: &Value, prefix: &str, resource: &str) {
        let validator = match store().validator(uri, pointer) {
            Ok(v) => v,
            Err(e) => return self.problem(prefix, resource, e),
        };
        let mut found = Vec::new();
        for e in validator.iter_errors(instance) {
            leaves(&e.to_owned(), &mut found);
        }
        for (parts, message) in found {
            self.problem(&json_path(prefix, &parts), resource, message);
        }
    }

    fn template(&mut self, tpl: &Value, prefix: &str, expected: Option<Scope>) {
        if !tpl.is_object() {
            return self.problem(prefix, "", "a template must be a JSON object".into());
        }
        let scope = match (scope_of(tpl.get("$schema")), expected) {
            (Some(s), Some(e)) if s != e => {
                self.problem(
                    &json_path(prefix, &["$schema".into()]),
                    "",
                    format!("the inner template's $schema is of {} scope, but the deployment targets {} scope", s.name(), e.name()),
                );
                e
            }
            (Some(s), _) => s,
            (None, _) => {
                return self.problem(
                    &json_path(prefix, &["$schema".into()]),
                    "",
                    format!(
                        "unknown template $schema {} (known: {SCHEMA_BASE}{SUBSCRIPTION_TEMPLATE}#, {SCHEMA_BASE}{GROUP_TEMPLATE}#)",
                        tpl.get("$schema").map(short).unwrap_or_else(|| "(none)".into())
                    ),
                )
            }
        };
        self.validate(&format!("{SCHEMA_BASE}{}", scope.template()), "", tpl, prefix, "");
        if let Some(resources) = tpl.get("resources").and_then(Value::as_array) {
            for (i, r) in resources.iter().enumerate() {
                self.resource(r, &json_path(prefix, &["resources".into(), i.to_string()]), scope);
            }
        }
    }

    fn resource(&mut self, r: &Value, path: &str, scope: Scope) {
        let (Some(rtype), Some(api)) = (r.get("type").and_then(Value::as_str), r.get("apiVersion").and_then(Value::as_str)) else {
            return self.problem(path, "", "a resource needs a literal string type and apiVersion".into());
        };
        let label = match r.get("name") {
            Some(n) => format!("{rtype}@{api} {}", short(n)),
            None => format!("{rtype}@{api}"),
        };
        if is_expression(&Value::String(rtype.into())) || is_expression(&Value::String(api.into())) {
            return self.problem(path, &label, "a resource needs a literal string type and apiVersion".into());
        }
        let sections: Vec<&str> = if r.get("scope").is_some() {
            vec!["extension_resourceDefinitions", scope.section(), "unknown_resourceDefinitions"]
        } else {
            vec![scope.section(), "unknown_resourceDefinitions", "extension_resourceDefinitions"]
        };
        let Some(entry) = store().lookup(rtype, api, &sections).cloned() else {
            let have = store().api_versions(rtype);
            let why = if store().index.contains_key(&(rtype.to_lowercase(), api.to_string())) {
                format!(" at {} scope", scope.name())
            } else if have.is_empty() {
                " (no vendored schema knows the type)".to_string()
            } else {
                format!(" (vendored apiVersions: {})", have.join(", "))
            };
            return self.problem(path, &label, format!("no schema for {rtype}@{api}{why}"));
        };
        if r.get("resources").is_some() {
            self.problem(&json_path(path, &["resources".into()]), &label, "child resources are not checked by this validator".into());
        }
        if r.get("properties").is_some_and(|p| p.to_string().contains("\"copy\":[")) {
            self.problem(&json_path(path, &["properties".into()]), &label, "property copy loops are not checked by this validator".into());
        }
        let mut body = r.clone();
        body["type"] = Value::String(entry.canonical_type.clone());
        body.as_object_mut().unwrap().remove("resources");
        self.validate(&entry.uri, &entry.pointer, &body, path, &label);
        if entry.canonical_type.eq_ignore_ascii_case("Microsoft.Resources/deployments") {
            if let Some(inner) = r.pointer("/properties/template") {
                let inner_scope = match scope {
                    Scope::Subscription if r.get("resourceGroup").is_some() => Scope::ResourceGroup,
                    Scope::Subscription => Scope::Subscription,
                    Scope::ResourceGroup if r.get("subscriptionId").is_some() && r.get("resourceGroup").is_none() => Scope::Subscription,
                    Scope::ResourceGroup => Scope::ResourceGroup,
                };
                self.template(inner, &json_path(path, &["properties".into(), "template".into()]), Some(inner_scope));
            }
        }
    }
}
