//! Template expressions: `"[concat('vnet-', parameters('name'))]"` evaluated
//! where their values are known before deployment. What depends on the
//! deployment (`resourceGroup().location`, `reference()`, `uniqueString()`)
//! is [`Value::Unknown`], carrying the expression's text.
//!
//! Syntax and functions as Microsoft describes them: expressions are strings
//! in `[` `]`, a string starting `[[` is a literal, function names are
//! without regard to case, strings in single quotes with `''` for a quote
//! ([Syntax and expressions in ARM templates](https://learn.microsoft.com/azure/azure-resource-manager/templates/template-expressions);
//! [ARM template functions](https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions)).

use super::json::{Node, Value};
use std::collections::HashMap;

/// What a template's expressions can read: its parameters and variables, and
/// the index of each `copy` loop being expanded.
#[derive(Default, Clone)]
pub struct Scope {
    pub parameters: HashMap<String, Node>,
    pub variables: HashMap<String, Node>,
    /// `copyIndex()` and `copyIndex('loop')`: the loop's name, lower-case, and its index.
    pub copy: Vec<(String, i64)>,
    /// The resource group the resources deploy to, when the template says it.
    pub resource_group: Option<String>,
    /// Where the template being read sits, as a `file:` URL, when it is read
    /// from a file: `deployment().properties.templateLink.uri`, from which a
    /// linked template's `uri(...)` is made.
    pub template_uri: Option<String>,
}

impl Scope {
    /// Evaluates every expression in `node`, depth first; each result keeps
    /// the bytes of the string it came from.
    pub fn eval(&self, node: &Node) -> Node {
        match &node.value {
            Value::Str(s) => match expression(s) {
                Some(text) => {
                    let value = Parser { text, pos: 0 }.parse().map(|e| self.value(&e)).unwrap_or_else(|| Value::Unknown(s.clone()));
                    let value = match value {
                        Value::Unknown(_) => Value::Unknown(s.clone()),
                        v => v,
                    };
                    Node::new(value, node.start, node.end)
                }
                None => Node::new(Value::Str(literal(s)), node.start, node.end),
            },
            Value::Array(items) => Node::new(Value::Array(items.iter().map(|i| self.eval(i)).collect()), node.start, node.end),
            Value::Object(members) => {
                Node::new(Value::Object(members.iter().map(|(k, v)| (k.clone(), self.eval(v))).collect()), node.start, node.end)
            }
            _ => node.clone(),
        }
    }

    fn value(&self, e: &Expr) -> Value {
        match e {
            Expr::Str(s) => Value::Str(s.clone()),
            Expr::Int(n) => Value::Int(*n),
            Expr::Member(inner, key) => match self.value(inner) {
                Value::Object(members) => {
                    members.into_iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.value).unwrap_or(Value::Unknown(String::new()))
                }
                _ => Value::Unknown(String::new()),
            },
            Expr::Index(inner, index) => match (self.value(inner), self.value(index)) {
                (Value::Array(items), Value::Int(i)) => {
                    usize::try_from(i).ok().and_then(|i| items.get(i)).map(|n| n.value.clone()).unwrap_or(Value::Unknown(String::new()))
                }
                (Value::Object(members), Value::Str(key)) => {
                    members.into_iter().find(|(k, _)| k.eq_ignore_ascii_case(&key)).map(|(_, v)| v.value).unwrap_or(Value::Unknown(String::new()))
                }
                _ => Value::Unknown(String::new()),
            },
            Expr::Call(name, args) => self.call(&name.to_ascii_lowercase(), args),
        }
    }

    fn call(&self, name: &str, args: &[Expr]) -> Value {
        let unknown = Value::Unknown(String::new());
        // `if` evaluates only the branch it takes.
        if name == "if" && args.len() == 3 {
            return match self.value(&args[0]) {
                Value::Bool(true) => self.value(&args[1]),
                Value::Bool(false) => self.value(&args[2]),
                _ => unknown,
            };
        }
        let values: Vec<Value> = args.iter().map(|a| self.value(a)).collect();
        let strings = || values.iter().map(as_text).collect::<Option<Vec<String>>>();
        let int = |i: usize| match values.get(i) {
            Some(Value::Int(n)) => Some(*n),
            Some(Value::Str(s)) => s.parse().ok(),
            _ => None,
        };
        let known = !values.iter().any(|v| matches!(v, Value::Unknown(_)));
        match name {
            "parameters" | "variables" => {
                let table = if name == "parameters" { &self.parameters } else { &self.variables };
                match values.first() {
                    Some(Value::Str(key)) => table.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.value.clone()).unwrap_or(unknown),
                    _ => unknown,
                }
            }
            "copyindex" => {
                let (loop_name, offset) = match values.as_slice() {
                    [Value::Str(n)] => (Some(n.to_ascii_lowercase()), 0),
                    [Value::Str(n), Value::Int(o)] => (Some(n.to_ascii_lowercase()), *o),
                    [Value::Int(o)] => (None, *o),
                    _ => (None, 0),
                };
                let index = match loop_name {
                    Some(n) => self.copy.iter().rev().find(|(l, _)| *l == n).map(|(_, i)| *i),
                    None => self.copy.last().map(|(_, i)| *i),
                };
                index.map_or(unknown, |i| Value::Int(i + offset))
            }
            "deployment" if values.is_empty() => match &self.template_uri {
                Some(uri) => {
                    let object = |key: &str, value: Value| Value::Object(vec![(key.to_string(), Node::new(value, 0, 0))]);
                    object("properties", object("templateLink", object("uri", Value::Str(uri.clone()))))
                }
                None => unknown,
            },
            // "Returns first non-null value from the parameters. Empty strings, empty arrays, and
            // empty objects aren't null." ... "Null if all parameters are null."
            // (https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-comparison#coalesce)
            // A value known only at deployment before the first non-null one leaves it unknown.
            "coalesce" => match values.iter().find(|v| !matches!(v, Value::Null)) {
                Some(Value::Unknown(_)) => unknown,
                Some(value) => value.clone(),
                None => Value::Null,
            },
            // "If the specified key or index does not exist, tryGet returns null instead of
            // throwing an error" (https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-array#tryget);
            // of null, null, as Bicep's `.?`, which it is written for, says: "If a evaluates to
            // null, the result of a.?x or a[?x] is null"
            // (https://learn.microsoft.com/azure/azure-resource-manager/bicep/operator-safe-dereference).
            "tryget" if values.len() >= 2 => {
                let mut item = values[0].clone();
                for key in &values[1..] {
                    item = match (item, key) {
                        (Value::Null, Value::Str(_) | Value::Int(_)) => Value::Null,
                        (Value::Object(members), Value::Str(k)) => {
                            members.into_iter().find(|(m, _)| m.eq_ignore_ascii_case(k)).map_or(Value::Null, |(_, n)| n.value)
                        }
                        (Value::Array(items), Value::Int(i)) => {
                            usize::try_from(*i).ok().and_then(|i| items.into_iter().nth(i)).map_or(Value::Null, |n| n.value)
                        }
                        _ => return unknown,
                    };
                }
                item
            }
            _ if !known => unknown,
            "true" if values.is_empty() => Value::Bool(true),
            "false" if values.is_empty() => Value::Bool(false),
            "null" if values.is_empty() => Value::Null,
            "concat" => {
                if values.iter().all(|v| matches!(v, Value::Array(_))) && !values.is_empty() {
                    Value::Array(values.into_iter().flat_map(|v| if let Value::Array(items) = v { items } else { Vec::new() }).collect())
                } else {
                    strings().map_or(unknown, |s| Value::Str(s.concat()))
                }
            }
            "format" => match strings() {
                Some(s) if !s.is_empty() => format(&s[0], &s[1..]).map_or(unknown, Value::Str),
                _ => unknown,
            },
            "tolower" => strings().map_or(unknown, |s| Value::Str(s.concat().to_lowercase())),
            "toupper" => strings().map_or(unknown, |s| Value::Str(s.concat().to_uppercase())),
            "trim" => strings().map_or(unknown, |s| Value::Str(s.concat().trim().to_string())),
            "string" => match values.first() {
                Some(v) => as_text(v).map_or(unknown, Value::Str),
                None => unknown,
            },
            "int" => int(0).map_or(unknown, Value::Int),
            "bool" => match values.first() {
                Some(Value::Bool(b)) => Value::Bool(*b),
                Some(Value::Str(s)) => Value::Bool(s.eq_ignore_ascii_case("true")),
                _ => unknown,
            },
            "add" | "sub" | "mul" | "div" | "mod" => match (int(0), int(1)) {
                (Some(a), Some(b)) => match name {
                    "add" => Value::Int(a.wrapping_add(b)),
                    "sub" => Value::Int(a.wrapping_sub(b)),
                    "mul" => Value::Int(a.wrapping_mul(b)),
                    "div" if b != 0 => Value::Int(a / b),
                    "mod" if b != 0 => Value::Int(a % b),
                    _ => unknown,
                },
                _ => unknown,
            },
            "equals" => match values.as_slice() {
                [a, b] => Value::Bool(same(a, b)),
                _ => unknown,
            },
            "not" => match values.as_slice() {
                [Value::Bool(b)] => Value::Bool(!b),
                _ => unknown,
            },
            "and" | "or" => {
                let bools: Option<Vec<bool>> = values.iter().map(|v| if let Value::Bool(b) = v { Some(*b) } else { None }).collect();
                bools.map_or(unknown, |b| Value::Bool(if name == "and" { b.iter().all(|x| *x) } else { b.iter().any(|x| *x) }))
            }
            "empty" => match values.first() {
                Some(Value::Str(s)) => Value::Bool(s.is_empty()),
                Some(Value::Array(a)) => Value::Bool(a.is_empty()),
                Some(Value::Object(o)) => Value::Bool(o.is_empty()),
                Some(Value::Null) => Value::Bool(true),
                _ => unknown,
            },
            "length" => match values.first() {
                Some(Value::Str(s)) => Value::Int(s.chars().count() as i64),
                Some(Value::Array(a)) => Value::Int(a.len() as i64),
                Some(Value::Object(o)) => Value::Int(o.len() as i64),
                _ => unknown,
            },
            "createarray" => Value::Array(values.into_iter().map(|v| Node::new(v, 0, 0)).collect()),
            // "Converts the value to an array": an array as it is, another known value as its one item
            // (https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-array#array).
            "array" => match values.as_slice() {
                [Value::Array(items)] => Value::Array(items.clone()),
                [v] if !matches!(v, Value::Unknown(_)) => Value::Array(vec![Node::new(v.clone(), 0, 0)]),
                _ => unknown,
            },
            "createobject" => {
                let mut members = Vec::new();
                for pair in values.chunks(2) {
                    match pair {
                        [Value::Str(k), v] => members.push((k.clone(), Node::new(v.clone(), 0, 0))),
                        _ => return unknown,
                    }
                }
                Value::Object(members)
            }
            "first" | "last" => match values.first() {
                Some(Value::Array(a)) => {
                    let item = if name == "first" { a.first() } else { a.last() };
                    item.map_or(unknown, |n| n.value.clone())
                }
                Some(Value::Str(s)) => {
                    let c = if name == "first" { s.chars().next() } else { s.chars().last() };
                    c.map_or(unknown, |c| Value::Str(c.to_string()))
                }
                _ => unknown,
            },
            "replace" => match strings().as_deref() {
                Some([s, from, to]) => Value::Str(s.replace(from.as_str(), to)),
                _ => unknown,
            },
            "split" => match values.as_slice() {
                [Value::Str(s), Value::Str(sep)] => Value::Array(s.split(sep.as_str()).map(|p| Node::new(Value::Str(p.to_string()), 0, 0)).collect()),
                _ => unknown,
            },
            "contains" => match values.as_slice() {
                [Value::Str(s), Value::Str(p)] => Value::Bool(s.contains(p.as_str())),
                [Value::Array(a), v] => Value::Bool(a.iter().any(|n| same(&n.value, v))),
                [Value::Object(o), Value::Str(k)] => Value::Bool(o.iter().any(|(key, _)| key.eq_ignore_ascii_case(k))),
                _ => unknown,
            },
            "union" => match values.as_slice() {
                [Value::Object(_), ..] => {
                    let mut members: Vec<(String, Node)> = Vec::new();
                    for v in &values {
                        let Value::Object(more) = v else { return unknown };
                        for (k, n) in more {
                            members.retain(|(key, _)| !key.eq_ignore_ascii_case(k));
                            members.push((k.clone(), n.clone()));
                        }
                    }
                    Value::Object(members)
                }
                _ => unknown,
            },
            "uri" => match strings().as_deref() {
                Some([base, relative]) => Value::Str(uri(base, relative)),
                _ => unknown,
            },
            "resourceid" | "subscriptionresourceid" => strings().map_or(unknown, |s| resource_id(&s, self.resource_group.as_deref())),
            "json" => match values.first() {
                Some(Value::Str(s)) if s.trim() == "null" => Value::Null,
                Some(Value::Str(s)) => super::json::parse(s).map_or(unknown, |n| n.value),
                _ => unknown,
            },
            _ => unknown,
        }
    }
}

/// `uri(baseUri, relativeUri)`: the relative reference resolved against the
/// base, as a URI's relative reference is (RFC 3986, 5.2.3: a base not ending
/// in `/` loses its last segment), a query string on the base dropped
/// ([uri](https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-string#uri)).
pub fn uri(base: &str, relative: &str) -> String {
    if relative.contains("://") {
        return relative.to_string();
    }
    let base = base.split(['?', '#']).next().unwrap_or(base);
    match base.rfind('/') {
        Some(slash) if base[..slash].ends_with('/') && !base.ends_with('/') => format!("{base}/{relative}"),
        Some(slash) => format!("{}{relative}", &base[..=slash]),
        None => format!("{base}/{relative}"),
    }
}

/// The ID `resourceId` gives, as far as the template says it: a subscription
/// it does not name is the deployment's, so it stays a placeholder. The type's
/// name segments follow it: `resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'web')`.
fn resource_id(args: &[String], group: Option<&str>) -> Value {
    let Some(at) = args.iter().position(|a| a.contains('/') && a.contains('.') && !a.starts_with('/')) else {
        return Value::Unknown(String::new());
    };
    let group = args.get(at.wrapping_sub(1)).filter(|_| at >= 1).map(String::as_str).or(group).unwrap_or("{resourceGroup}");
    let mut segments = args[at].split('/');
    let provider = segments.next().unwrap_or("");
    // `resourceId([subscriptionId], [resourceGroupName], resourceType, ...)`: a subscription
    // written before the group is known; otherwise it is the deployment's.
    let subscription = if at >= 2 { args[at - 2].as_str() } else { "{subscription}" };
    let mut id = format!("/subscriptions/{subscription}/resourceGroups/{group}/providers/{provider}");
    let types: Vec<&str> = segments.collect();
    for (i, name) in args[at + 1..].iter().enumerate() {
        id.push_str(&format!("/{}/{name}", types.get(i).copied().unwrap_or("")));
    }
    Value::Str(id)
}

/// A value as text, the way `concat` and `format` write it.
fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::Str(s) => Some(s.clone()),
        Value::Int(n) => Some(n.to_string()),
        Value::Number(n) => Some(n.clone()),
        Value::Bool(b) => Some(if *b { "True" } else { "False" }.to_string()),
        _ => None,
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => x.eq_ignore_ascii_case(y),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(&p.value, &q.value)),
        _ => a == b,
    }
}

/// `format('{0}-{1}', a, b)`: positional placeholders, `{{` and `}}` for braces.
fn format(pattern: &str, args: &[String]) -> Option<String> {
    let mut out = String::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut inside = String::new();
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                    inside.push(c);
                }
                let index: usize = inside.split([':', ',']).next()?.trim().parse().ok()?;
                out.push_str(args.get(index)?);
            }
            c => out.push(c),
        }
    }
    Some(out)
}

/// The expression inside a string, when the string is one: `[` ... `]`, not `[[`.
pub fn expression(s: &str) -> Option<&str> {
    let t = s.strip_prefix('[')?.strip_suffix(']')?;
    (!t.starts_with('[')).then_some(t)
}

/// A string that is not an expression: `[[x]` is the literal `[x]`.
fn literal(s: &str) -> String {
    match s.strip_prefix("[[") {
        Some(rest) if s.ends_with(']') => format!("[{rest}"),
        _ => s.to_string(),
    }
}

enum Expr {
    Str(String),
    Int(i64),
    Call(String, Vec<Expr>),
    Member(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn parse(mut self) -> Option<Expr> {
        let e = self.expr(0)?;
        self.space();
        (self.pos == self.text.len()).then_some(e)
    }

    fn space(&mut self) {
        while self.text[self.pos..].starts_with(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.space();
        if self.text[self.pos..].starts_with(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expr(&mut self, depth: usize) -> Option<Expr> {
        if depth > 64 {
            return None;
        }
        self.space();
        let rest = &self.text[self.pos..];
        let mut e = if rest.starts_with('\'') {
            self.pos += 1;
            let mut s = String::new();
            loop {
                let c = self.text[self.pos..].chars().next()?;
                self.pos += c.len_utf8();
                if c == '\'' {
                    if self.text[self.pos..].starts_with('\'') {
                        self.pos += 1;
                        s.push('\'');
                    } else {
                        break;
                    }
                } else {
                    s.push(c);
                }
            }
            Expr::Str(s)
        } else if rest.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
            let len = rest.char_indices().skip(1).find(|(_, c)| !c.is_ascii_digit()).map_or(rest.len(), |(i, _)| i);
            self.pos += len;
            Expr::Int(rest[..len].parse().ok()?)
        } else {
            let len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')).unwrap_or(rest.len());
            // A user-defined function's namespace (`ns.fn`) is one name here.
            let name = rest[..len].to_string();
            if name.is_empty() {
                return None;
            }
            self.pos += len;
            if !self.eat('(') {
                return None;
            }
            let mut args = Vec::new();
            if !self.eat(')') {
                loop {
                    args.push(self.expr(depth + 1)?);
                    if self.eat(')') {
                        break;
                    }
                    if !self.eat(',') {
                        return None;
                    }
                }
            }
            Expr::Call(name, args)
        };
        loop {
            if self.eat('.') {
                self.space();
                let rest = &self.text[self.pos..];
                let len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$')).unwrap_or(rest.len());
                if len == 0 {
                    return None;
                }
                e = Expr::Member(Box::new(e), rest[..len].to_string());
                self.pos += len;
            } else if self.eat('[') {
                let index = self.expr(depth + 1)?;
                if !self.eat(']') {
                    return None;
                }
                e = Expr::Index(Box::new(e), Box::new(index));
            } else {
                return Some(e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(scope: &Scope, s: &str) -> Value {
        scope.eval(&Node::new(Value::Str(s.into()), 0, 0)).value
    }

    #[test]
    fn known_values_are_computed() {
        let mut scope = Scope::default();
        scope.parameters.insert("name".into(), Node::new(Value::Str("app".into()), 0, 0));
        scope.copy.push(("subnets".into(), 2));
        assert_eq!(eval(&scope, "[concat('vnet-', parameters('NAME'))]"), Value::Str("vnet-app".into()));
        assert_eq!(eval(&scope, "[format('{0}-{1}', parameters('name'), copyIndex(1))]"), Value::Str("app-3".into()));
        assert_eq!(eval(&scope, "[[literal]"), Value::Str("[literal]".into()));
        assert_eq!(eval(&scope, "[array(string(add(2, 2)))]"), Value::Array(vec![Node::new(Value::Str("4".into()), 0, 0)]));
        assert_eq!(eval(&scope, "[array(createArray(1))]"), Value::Array(vec![Node::new(Value::Int(1), 0, 0)]));
        assert_eq!(
            eval(&scope, "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'v', 's')]"),
            Value::Str("/subscriptions/{subscription}/resourceGroups/{resourceGroup}/providers/Microsoft.Network/virtualNetworks/v/subnets/s".into())
        );
        assert_eq!(eval(&scope, "[if(equals(parameters('name'), 'app'), 'yes', 'no')]"), Value::Str("yes".into()));
    }

    #[test]
    fn a_linked_template_uri_is_made_from_the_template_location() {
        let scope = Scope { template_uri: Some("file:///plans/main.json".into()), ..Scope::default() };
        let linked = "[uri(deployment().properties.templateLink.uri, 'nested/spoke.json')]";
        assert_eq!(eval(&scope, linked), Value::Str("file:///plans/nested/spoke.json".into()));
        assert_eq!(eval(&Scope::default(), linked), Value::Unknown(linked.into()));
        assert_eq!(uri("https://host", "a.json"), "https://host/a.json");
        assert_eq!(uri("https://host/dir/?sv=token", "a.json"), "https://host/dir/a.json");
        assert_eq!(uri("https://host/dir/main.json", "https://other/b.json"), "https://other/b.json");
    }

    #[test]
    fn deployment_values_are_unknown() {
        let scope = Scope::default();
        assert_eq!(eval(&scope, "[resourceGroup().location]"), Value::Unknown("[resourceGroup().location]".into()));
        assert_eq!(
            eval(&scope, "[concat('x', uniqueString(resourceGroup().id))]"),
            Value::Unknown("[concat('x', uniqueString(resourceGroup().id))]".into())
        );
        assert_eq!(eval(&scope, "[broken(]"), Value::Unknown("[broken(]".into()));
        assert_eq!(eval(&scope, "[and(true(), not(false()))]"), Value::Bool(true));
        assert_eq!(eval(&scope, "[if(false(), 'x', null())]"), Value::Null);
    }

    #[test]
    fn coalesce_takes_the_first_value_that_is_not_null() {
        let mut scope = Scope::default();
        scope.parameters.insert("subnets".into(), Node::new(Value::Array(vec![Node::new(Value::Str("a".into()), 0, 0)]), 0, 0));
        scope.parameters.insert("none".into(), Node::new(Value::Null, 0, 0));
        assert_eq!(eval(&scope, "[length(coalesce(parameters('subnets'), createArray()))]"), Value::Int(1));
        assert_eq!(eval(&scope, "[length(coalesce(parameters('none'), createArray()))]"), Value::Int(0));
        assert_eq!(eval(&scope, "[coalesce(parameters('none'), '', 'x')]"), Value::Str(String::new()));
        assert_eq!(eval(&scope, "[coalesce(null(), null())]"), Value::Null);
        // A parameter without a value is known only at deployment: so is what follows it.
        let unknown = "[coalesce(parameters('missing'), createArray())]";
        assert_eq!(eval(&scope, unknown), Value::Unknown(unknown.into()));
        assert_eq!(eval(&scope, "[coalesce('first', parameters('missing'))]"), Value::Str("first".into()));
    }

    #[test]
    fn try_get_gives_null_for_what_is_not_there() {
        let mut scope = Scope::default();
        let subnet = Value::Object(vec![("addressPrefix".into(), Node::new(Value::Str("10.0.1.0/24".into()), 0, 0))]);
        scope.parameters.insert("subnets".into(), Node::new(Value::Array(vec![Node::new(subnet, 0, 0)]), 0, 0));
        scope.parameters.insert("lock".into(), Node::new(Value::Null, 0, 0));
        assert_eq!(eval(&scope, "[tryGet(parameters('subnets')[0], 'addressprefix')]"), Value::Str("10.0.1.0/24".into()));
        assert_eq!(eval(&scope, "[tryGet(parameters('subnets')[0], 'delegation')]"), Value::Null);
        assert_eq!(eval(&scope, "[tryGet(parameters('subnets'), 3)]"), Value::Null);
        assert_eq!(eval(&scope, "[coalesce(tryGet(parameters('lock'), 'kind'), '')]"), Value::Str(String::new()));
        // Of a value known only at deployment, or with a key that is no key, nothing is known.
        let unknown = "[tryGet(parameters('missing'), 'kind')]";
        assert_eq!(eval(&scope, unknown), Value::Unknown(unknown.into()));
        let wrong = "[tryGet(parameters('subnets'), 'first')]";
        assert_eq!(eval(&scope, wrong), Value::Unknown(wrong.into()));
    }
}
