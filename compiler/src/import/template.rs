//! A template's resources, flattened: parameters and variables evaluated,
//! `copy` loops expanded, `condition: false` left out, child resources named
//! in full, and inline nested deployments (`Microsoft.Resources/deployments`
//! with `properties.template`) opened, each into its resource group.

use super::eval::Scope;
use super::json::{Node, Value};

/// One resource the template deploys.
#[derive(Clone, Debug)]
pub struct Resource {
    /// As written, `Microsoft.Network/virtualNetworks/subnets`.
    pub ty: String,
    /// In full for a child: `vnet-core/web`.
    pub name: String,
    /// The resource group, when the template says it (a nested deployment's
    /// `resourceGroup`, or a `Microsoft.Resources/resourceGroups` of its own).
    pub group: Option<String>,
    /// The resource, its expressions evaluated.
    pub node: Node,
}

impl Resource {
    pub fn is(&self, ty: &str) -> bool {
        self.ty.eq_ignore_ascii_case(ty)
    }

    /// The name's last segment: a subnet's own name.
    pub fn leaf(&self) -> &str {
        self.name.rsplit('/').next().unwrap_or(&self.name)
    }

    pub fn props(&self) -> Option<&Node> {
        self.node.get("properties")
    }
}

/// A template's flattened resources, and the values its expressions left unknown
/// where they were needed to know which resources it deploys.
#[derive(Default)]
pub struct Flat {
    pub resources: Vec<Resource>,
    /// Where a resource's name, `copy` count or `condition` could not be known, and why.
    pub unknown: Vec<(usize, usize, String)>,
}

/// Nested deployments deeper than this are not opened.
const MAX_NESTING: usize = 16;
/// A `copy` loop of more than this is not expanded.
const MAX_COPY: i64 = 800;

pub fn flatten(template: &Node, parameter_values: Option<&Node>) -> Flat {
    let mut flat = Flat::default();
    let mut scope = Scope::default();
    let given = parameter_values.map(|p| p.get("parameters").unwrap_or(p));
    read_parameters(template, given, &Scope::default(), &mut scope, true);
    read_template(template, scope, None, 0, &mut flat);
    flat
}

/// Sets each parameter of `template` from `given` (`{ "name": { "value": ... } }`,
/// evaluated in `outer` when `evaluate_given`), else its `defaultValue`.
fn read_parameters(template: &Node, given: Option<&Node>, outer: &Scope, scope: &mut Scope, literal_given: bool) {
    let Some(declared) = template.get("parameters") else { return };
    for (name, declaration) in declared.members() {
        let given = given.and_then(|g| g.get(name));
        // A Key Vault reference (`"reference": { "keyVault": { "id": ... }, "secretName": ... }`)
        // stands as the reference itself: what reads it knows the secret, not its value.
        let value = given.and_then(|p| p.get("value")).or_else(|| given.and_then(|p| p.get("reference")));
        let value = match value {
            Some(v) if literal_given => Some(v.clone()),
            Some(v) => Some(outer.eval(v)),
            None => declaration.get("defaultValue").map(|d| scope.eval(d)),
        };
        if let Some(value) = value {
            scope.parameters.insert(name.clone(), value);
        }
    }
}

fn read_template(template: &Node, mut scope: Scope, group: Option<String>, depth: usize, flat: &mut Flat) {
    // Variables may name each other in any order: a few passes settle them.
    if let Some(variables) = template.get("variables") {
        for _ in 0..3 {
            for (name, value) in variables.members() {
                if name.eq_ignore_ascii_case("copy") {
                    continue;
                }
                let evaluated = scope.eval(value);
                scope.variables.insert(name.clone(), evaluated);
            }
        }
    }
    scope.resource_group = group.clone();
    let resources: Vec<&Node> = match template.get("resources").map(|r| &r.value) {
        Some(Value::Array(items)) => items.iter().collect(),
        // languageVersion 2.0: resources by symbolic name.
        Some(Value::Object(members)) => members.iter().map(|(_, v)| v).collect(),
        _ => Vec::new(),
    };
    for resource in resources {
        read_resource(resource, &scope, &group, None, depth, flat);
    }
}

fn read_resource(raw: &Node, scope: &Scope, group: &Option<String>, parent: Option<&Resource>, depth: usize, flat: &mut Flat) {
    let Some(copy) = raw.get("copy") else {
        return read_one(raw, scope, group, parent, depth, flat);
    };
    let name = copy.get("name").and_then(Node::as_str).unwrap_or("").to_ascii_lowercase();
    let count = scope.eval(copy.get("count").unwrap_or(copy));
    match count.as_i64() {
        Some(n) if (0..=MAX_COPY).contains(&n) => {
            for i in 0..n {
                let mut inner = scope.clone();
                inner.copy.push((name.clone(), i));
                read_one(raw, &inner, group, parent, depth, flat);
            }
        }
        _ => flat.unknown.push((count.start, count.end, format!("the `copy` loop's count is not known before deployment (or not 0 to {MAX_COPY})"))),
    }
}

fn read_one(raw: &Node, scope: &Scope, group: &Option<String>, parent: Option<&Resource>, depth: usize, flat: &mut Flat) {
    if let Some(condition) = raw.get("condition") {
        match scope.eval(condition).value {
            Value::Bool(false) => return,
            Value::Bool(true) => {}
            _ => flat.unknown.push((
                condition.start,
                condition.end,
                "the resource's `condition` is not known before deployment; it is imported as if true".into(),
            )),
        }
    }
    let ty = raw.get("type").and_then(Node::as_str).unwrap_or("").to_string();
    // The resource itself, but for what is read apart: its children and a nested template.
    let mut node = match &raw.value {
        Value::Object(members) => Node::new(
            Value::Object(
                members
                    .iter()
                    .filter(|(k, _)| !k.eq_ignore_ascii_case("resources") && !k.eq_ignore_ascii_case("copy"))
                    .map(|(k, v)| {
                        if k.eq_ignore_ascii_case("properties") {
                            (k.clone(), properties(v, scope, ty.eq_ignore_ascii_case("Microsoft.Resources/deployments")))
                        } else {
                            (k.clone(), scope.eval(v))
                        }
                    })
                    .collect(),
            ),
            raw.start,
            raw.end,
        ),
        _ => return,
    };
    let (ty, name) = match parent {
        Some(parent) if !ty.contains('/') || !ty.contains('.') => (format!("{}/{ty}", parent.ty), None),
        _ => (ty, None::<String>),
    };
    let own_name = match node.get("name").map(|n| &n.value) {
        Some(Value::Str(s)) => s.clone(),
        _ => {
            let at = node.get("name").map_or((raw.start, raw.start), |n| (n.start, n.end));
            flat.unknown.push((at.0, at.1, "the resource's name is not known before deployment".into()));
            name.unwrap_or_else(|| "unknown".into())
        }
    };
    let full = match parent {
        Some(parent) if !own_name.contains('/') => format!("{}/{own_name}", parent.name),
        _ => own_name,
    };
    let group = node.get("resourceGroup").and_then(Node::as_str).map(str::to_string).or_else(|| group.clone());
    if let Value::Object(members) = &mut node.value {
        if let Some((_, n)) = members.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case("name")) {
            n.value = Value::Str(full.clone());
        }
    }
    let resource = Resource { ty, name: full, group: group.clone(), node };
    if resource.is("Microsoft.Resources/deployments") {
        if let Some(template) = raw.at(&["properties", "template"]) {
            if depth < MAX_NESTING {
                let inner = raw
                    .at(&["properties", "expressionEvaluationOptions", "scope"])
                    .and_then(Node::as_str)
                    .is_some_and(|s| s.eq_ignore_ascii_case("inner"));
                let nested_scope = if inner {
                    let mut nested = Scope::default();
                    read_parameters(template, raw.at(&["properties", "parameters"]), scope, &mut nested, false);
                    nested.copy = scope.copy.clone();
                    nested
                } else {
                    scope.clone()
                };
                read_template(template, nested_scope, group, depth + 1, flat);
            }
            return;
        }
    }
    let children: Vec<Node> = raw.get("resources").map(|r| r.items().to_vec()).unwrap_or_default();
    flat.resources.push(resource.clone());
    for child in &children {
        read_resource(child, scope, &resource.group, Some(&resource), depth, flat);
    }
}

/// A resource's properties, their property `copy` loops expanded: each
/// `{ "name": N, "count": C, "input": I }` makes property N the list of I
/// evaluated C times. A deployment's own template is left as written.
fn properties(raw: &Node, scope: &Scope, deployment: bool) -> Node {
    let Value::Object(members) = &raw.value else { return scope.eval(raw) };
    let mut out = Vec::new();
    for (key, value) in members {
        if deployment && key.eq_ignore_ascii_case("template") {
            continue;
        }
        if key.eq_ignore_ascii_case("copy") {
            for loop_ in value.items() {
                let name = loop_.get("name").and_then(Node::as_str).unwrap_or("").to_string();
                let count = loop_.get("count").map(|c| scope.eval(c)).and_then(|c| c.as_i64()).filter(|n| (0..=MAX_COPY).contains(n));
                let items = match (count, loop_.get("input")) {
                    (Some(n), Some(input)) => (0..n)
                        .map(|i| {
                            let mut inner = scope.clone();
                            inner.copy.push((name.to_ascii_lowercase(), i));
                            inner.eval(input)
                        })
                        .collect(),
                    _ => {
                        out.push((name.clone(), Node::new(Value::Unknown("copy".into()), loop_.start, loop_.end)));
                        continue;
                    }
                };
                out.push((name, Node::new(Value::Array(items), loop_.start, loop_.end)));
            }
            continue;
        }
        out.push((key.clone(), scope.eval(value)));
    }
    Node::new(Value::Object(out), raw.start, raw.end)
}
