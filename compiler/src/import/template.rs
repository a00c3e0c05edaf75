//! A template's resources, flattened: parameters and variables evaluated,
//! `copy` loops expanded, `condition: false` left out, child resources named
//! in full, and inline nested deployments (`Microsoft.Resources/deployments`
//! with `properties.template`) opened, each into its resource group. Linked
//! templates (`properties.templateLink`) are read when they are files beside
//! the template; each linked file's bytes follow the template's in one range
//! of offsets ([`LinkedFile::base`]), so that a value keeps its place.

use super::eval::Scope;
use super::json::{Node, Value};
use std::path::{Path, PathBuf};

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
    /// Resources a template declares `"existing": true` (languageVersion 2.0,
    /// as Bicep compiles its `existing` keyword): references to resources
    /// deployed elsewhere, which the deployment does not deploy again ("The
    /// resource isn't redeployed when referenced with the existing keyword",
    /// [Existing resources in Bicep](https://learn.microsoft.com/azure/azure-resource-manager/bicep/existing-resource)).
    pub existing: Vec<Resource>,
    /// The linked templates and parameters files read, in the order first read.
    pub linked: Vec<LinkedFile>,
    /// Links not followed: the deployment's bytes, and why.
    pub links: Vec<LinkProblem>,
    /// The offset the next linked file's bytes start at.
    next_base: usize,
    /// The files being read, outermost first: a link to one of them is a cycle.
    open: Vec<PathBuf>,
}

impl Flat {
    /// A file as a message shows it: from the first template's directory.
    pub fn shown(&self, path: &Path) -> String {
        let dir = self.open.first().and_then(|p| p.parent());
        dir.and_then(|d| path.strip_prefix(d).ok()).unwrap_or(path).display().to_string()
    }
}

/// A file a deployment links to, as read.
pub struct LinkedFile {
    pub path: PathBuf,
    pub text: String,
    /// Its byte 0 is this offset: values read from it are at `base +` their byte.
    pub base: usize,
    /// Read as JSON, its offsets moved by `base`; `None` when it is not JSON.
    root: Option<Node>,
}

/// A link not followed.
pub struct LinkProblem {
    pub start: usize,
    pub end: usize,
    pub message: String,
    /// A link to what only Azure can read (a URL, a template spec): its
    /// resources are not imported. Otherwise a local file that is missing,
    /// unreadable or links back to a template linking to it: an error.
    pub remote: bool,
}

/// Nested deployments deeper than this are not opened.
const MAX_NESTING: usize = 16;
/// A `copy` loop of more than this is not expanded.
const MAX_COPY: i64 = 800;

pub fn flatten(template: &Node, parameter_values: Option<&Node>) -> Flat {
    flatten_at(template, parameter_values, None, 0)
}

/// As [`flatten`], for a template read from `path` whose text is `len` bytes
/// long: links to files beside it are followed.
pub fn flatten_at(template: &Node, parameter_values: Option<&Node>, path: Option<&Path>, len: usize) -> Flat {
    let mut flat = Flat { next_base: len + 1, ..Flat::default() };
    let mut scope = Scope::default();
    let path = path.map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf()));
    scope.template_uri = path.as_deref().map(file_url);
    flat.open.extend(path);
    let given = parameter_values.map(|p| p.get("parameters").unwrap_or(p));
    read_parameters(template, given, &Scope::default(), &mut scope, true);
    read_template(template, scope, None, 0, &mut flat);
    flat
}

fn file_url(path: &Path) -> String {
    let path = path.to_string_lossy().replace('\\', "/");
    if path.starts_with('/') {
        format!("file://{path}")
    } else {
        format!("file:///{path}")
    }
}

/// The file a link's URI names, when it is a local one: a `file:` URL, or a
/// path (relative to the directory of the template linking). `Err`: why not.
fn local_file(uri: &str, from: &Path) -> Result<PathBuf, String> {
    let uri = uri.split(['?', '#']).next().unwrap_or(uri);
    if let Some(path) = uri.strip_prefix("file://") {
        return Ok(PathBuf::from(path.replace("%20", " ")));
    }
    if uri.contains("://") || uri.starts_with("http:") || uri.starts_with("https:") {
        return Err(format!("it links to `{uri}`, which is not fetched: only files beside the template are read"));
    }
    Ok(from.parent().unwrap_or(Path::new(".")).join(uri))
}

/// Moves every offset in `node` by `by`.
fn shift(node: &mut Node, by: usize) {
    node.start += by;
    node.end += by;
    match &mut node.value {
        Value::Array(items) => items.iter_mut().for_each(|i| shift(i, by)),
        Value::Object(members) => members.iter_mut().for_each(|(_, v)| shift(v, by)),
        _ => {}
    }
}

/// Reads a linked file once (a second link to it gives the same offsets).
/// `Err`: a message saying why it cannot be.
fn read_linked(path: &Path, flat: &mut Flat) -> Result<Node, String> {
    let missing = |e: std::io::Error| format!("it links to {}, which cannot be read: {e}", flat.shown(path));
    let path = std::fs::canonicalize(path).map_err(missing)?;
    if let Some(at) = flat.open.iter().position(|p| *p == path) {
        let chain: Vec<String> = flat.open[at..].iter().chain([&path]).map(|p| flat.shown(p)).collect();
        return Err(format!("a cycle of links: {}", chain.join(" -> ")));
    }
    if let Some(file) = flat.linked.iter().find(|f| f.path == path) {
        return file.root.clone().ok_or_else(|| format!("{} is not JSON", flat.shown(&path)));
    }
    let text = std::fs::read_to_string(&path).map_err(|e| format!("it links to {}, which cannot be read: {e}", flat.shown(&path)))?;
    let base = flat.next_base;
    flat.next_base += text.len() + 1;
    let parsed = super::json::parse(&text);
    let root = parsed.as_ref().ok().map(|root| {
        let mut root = root.clone();
        shift(&mut root, base);
        root
    });
    flat.linked.push(LinkedFile { path: path.clone(), text, base, root: root.clone() });
    match parsed {
        Ok(_) => Ok(root.expect("parsed")),
        Err(e) => Err(format!("{} is not JSON: {} (byte {})", flat.shown(&path), e.message, e.at)),
    }
}

/// A deployment's `templateLink`: the linked template read beside the one
/// linking, with its own parameters; reported when it cannot be.
fn read_link(raw: &Node, link: &Node, scope: &Scope, group: Option<String>, depth: usize, flat: &mut Flat) {
    let problem = |flat: &mut Flat, message: String, remote: bool| {
        let name = raw.get("name").map(|n| scope.eval(n)).and_then(|n| n.as_str().map(str::to_string)).unwrap_or_else(|| "?".into());
        flat.links.push(LinkProblem { start: link.start, end: link.end, message: format!("deployment `{name}`: {message}"), remote });
    };
    let here = scope.template_uri.as_deref().and_then(|u| u.strip_prefix("file://")).map(PathBuf::from);
    let evaluated = |key: &str| link.get(key).map(|n| scope.eval(n));
    let target = if link.get("id").is_some() {
        Err("it deploys a template spec (`templateLink.id`), which is not fetched: only files beside the template are read".to_string())
    } else if let Some(relative) = evaluated("relativePath") {
        // Relative to the parent's location: "The relativePath property can be used to deploy a
        // linked template at a location relative to the parent" (TemplateLink, docs/import.md).
        match (relative.as_str(), &here) {
            (Some(relative), Some(here)) => Ok(here.parent().unwrap_or(Path::new(".")).join(relative)),
            (None, _) => Err("its `relativePath` is not known before deployment".to_string()),
            (_, None) => Err("the template's own location is not known, so a `relativePath` cannot be followed".to_string()),
        }
    } else if let Some(uri) = evaluated("uri") {
        match (uri.as_str(), &here) {
            (Some(uri), Some(here)) => local_file(uri, here),
            (Some(uri), None) if uri.starts_with("file://") => local_file(uri, Path::new(".")),
            (Some(_), None) => Err("the template's own location is not known, so its link cannot be followed".to_string()),
            (None, _) => Err("its `templateLink.uri` is not known before deployment".to_string()),
        }
    } else {
        Err("its `templateLink` names no `uri`, `relativePath` or `id`".to_string())
    };
    let path = match target {
        Ok(path) => path,
        Err(message) => return problem(flat, format!("{message}; the resources it deploys are not imported"), true),
    };
    if depth >= MAX_NESTING {
        return problem(flat, format!("linked templates deeper than {MAX_NESTING} are not read"), true);
    }
    let template = match read_linked(&path, flat) {
        Ok(t) => t,
        Err(message) => return problem(flat, message, false),
    };
    if template.get("resources").is_none() {
        let shown = flat.shown(&path);
        return problem(flat, format!("{shown} is no deployment template: it has no `resources`"), false);
    }
    let path = std::fs::canonicalize(&path).unwrap_or(path);
    // A linked template reads only what the deployment passes it: `parameters`,
    // evaluated in the parent's scope, or a `parametersLink` file.
    let mut nested = Scope { copy: scope.copy.clone(), template_uri: Some(file_url(&path)), ..Scope::default() };
    if let Some(parameters) = raw.at(&["properties", "parameters"]) {
        read_parameters(&template, Some(parameters), scope, &mut nested, false);
    } else if let Some(params_link) = raw.at(&["properties", "parametersLink"]) {
        let file = match params_link.get("uri").map(|n| scope.eval(n)).as_ref().and_then(Node::as_str) {
            Some(uri) => local_file(uri, here.as_deref().unwrap_or(Path::new("."))).map_err(|m| (m, true)),
            None => Err(("its `parametersLink.uri` is not known before deployment".to_string(), true)),
        }
        .and_then(|p| read_linked(&p, flat).map_err(|m| (m, false)));
        match file {
            Ok(values) => read_parameters(&template, Some(values.get("parameters").unwrap_or(&values)), scope, &mut nested, true),
            Err((message, remote)) => problem(flat, format!("parameters: {message}"), remote),
        }
    } else {
        read_parameters(&template, None, scope, &mut nested, false);
    }
    flat.open.push(path);
    read_template(&template, nested, group, depth + 1, flat);
    flat.open.pop();
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
        // `{ "copy": [{ "name": "value", ... }] }`: a value made by a property
        // loop, as Bicep passes a module a list it builds.
        let looped = given.filter(|p| !literal_given && p.get("value").is_none() && p.get("copy").is_some()).and_then(|p| {
            let expanded = properties(p, outer, false);
            expanded.get("value").cloned()
        });
        let value = match (value, looped) {
            (_, Some(v)) => Some(v),
            (Some(v), None) if literal_given => Some(v.clone()),
            (Some(v), None) => Some(outer.eval(v)),
            (None, None) => declaration.get("defaultValue").map(|d| scope.eval(d)),
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
    if resource.node.get("existing").and_then(Node::as_bool) == Some(true) {
        flat.existing.push(resource);
        return;
    }
    if resource.is("Microsoft.Resources/deployments") {
        if let Some(template) = raw.at(&["properties", "template"]) {
            if depth < MAX_NESTING {
                let inner = raw
                    .at(&["properties", "expressionEvaluationOptions", "scope"])
                    .and_then(Node::as_str)
                    .is_some_and(|s| s.eq_ignore_ascii_case("inner"));
                let nested_scope = if inner {
                    let mut nested = Scope { template_uri: scope.template_uri.clone(), ..Scope::default() };
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
        if let Some(link) = raw.at(&["properties", "templateLink"]) {
            return read_link(raw, link, scope, group, depth, flat);
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
/// evaluated C times, at the top of `properties` or in an object inside it
/// (Bicep writes a machine's network interfaces as a loop in its
/// `networkProfile`). A deployment's own template is left as written.
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
        let value = match &value.value {
            Value::Object(_) if !deployment => properties(value, scope, false),
            _ => scope.eval(value),
        };
        out.push((key.clone(), value));
    }
    Node::new(Value::Object(out), raw.start, raw.end)
}
