//! Type-checking policies against the fields of the model ([`super::fields`]):
//! every collection, field, function and comparison is known before a policy
//! runs, and every problem is an error in the policy, at its word.

use super::fields::{self, Entity, Source, Ty};
use super::parse::{Clause, Expr, ExprKind, Finding, FindingKind, For, Op, Part};
use super::{POLICY_TYPE_MISMATCH, UNKNOWN_POLICY_COLLECTION, UNKNOWN_POLICY_NAME};
use crate::ast::Ident;
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::source::Span;

/// A top-level clause that type-checked.
#[derive(Clone, Debug)]
pub struct Checked {
    pub clause: Clause,
    /// Whether it reads `resources` or `resource_groups`, which exist only once
    /// the plan is lowered.
    pub after_lowering: bool,
}

/// The functions of conditions: name, arguments, what they give.
pub const FUNCTIONS: &[(&str, &str)] = &[
    ("lower", "lower(TEXT): the text in lower case"),
    ("upper", "upper(TEXT): the text in upper case"),
    ("starts_with", "starts_with(TEXT, \"prefix\"): whether the text starts with the prefix"),
    ("ends_with", "ends_with(TEXT, \"suffix\"): whether the text ends with the suffix"),
    ("length", "length(TEXT): the number of characters"),
    ("count", "count(LIST): the number of items of a list, or of tags"),
    ("present", "present(VALUE): whether the value is given (not absent, not empty)"),
    ("prefix_length", "prefix_length(PREFIX): the length of a prefix, 16 for 10.0.0.0/16"),
];

/// Type-checks the clauses of a policy; a top-level clause with an error is left out.
pub fn check(clauses: Vec<Clause>, out: &mut Vec<Diagnostic>) -> Vec<Checked> {
    let mut checked = Vec::new();
    for clause in clauses {
        let mut checker = Checker { scope: Vec::new(), out: &mut *out, failed: false, after_lowering: false };
        checker.clause(&clause);
        if !checker.failed {
            let after_lowering = checker.after_lowering;
            checked.push(Checked { clause, after_lowering });
        }
    }
    checked
}

/// How a `for` finds its items.
#[derive(Clone, Debug, PartialEq)]
pub enum Walk {
    /// A top-level collection; `bind` names the variable that a singular name
    /// (`nsg` in `nsg.rules`) binds to each of its items.
    Top { source: Source, bind: Option<String> },
    /// A variable of an enclosing `for`.
    Var(String),
}

/// The start of a path: a variable, a collection, `settings`, or (one word
/// that is none of these) a bare word. `None` for a path of several segments
/// that starts with none of these.
pub fn root(path: &[Ident], is_var: impl Fn(&str) -> bool) -> Option<Walk> {
    let first = &path[0].name;
    if is_var(first) {
        return Some(Walk::Var(first.clone()));
    }
    match fields::collection(first) {
        Some((source, false)) => Some(Walk::Top { source, bind: None }),
        // A singular name binds a variable only in a `for` over its fields.
        Some((source, true)) if path.len() > 1 => Some(Walk::Top { source, bind: Some(first.clone()) }),
        _ => None,
    }
}

struct Checker<'o> {
    scope: Vec<(String, Ty)>,
    out: &'o mut Vec<Diagnostic>,
    failed: bool,
    after_lowering: bool,
}

impl Checker<'_> {
    fn error(&mut self, d: Diagnostic) -> Option<Ty> {
        self.out.push(d);
        self.failed = true;
        None
    }

    fn var(&self, name: &str) -> Option<&Ty> {
        self.scope.iter().rev().find(|(n, _)| n == name).map(|(_, t)| t)
    }

    fn clause(&mut self, clause: &Clause) {
        match clause {
            Clause::For(f) => self.for_clause(f),
            Clause::Finding(f) => self.finding(f),
        }
    }

    fn for_clause(&mut self, f: &For) {
        let depth = self.scope.len();
        let Some(item) = self.collection(&f.collection) else { return };
        self.scope.push((f.var.name.clone(), item));
        if let Some(filter) = &f.filter {
            self.condition(filter, "`where`");
        }
        for clause in &f.body {
            self.clause(clause);
        }
        self.scope.truncate(depth);
    }

    /// The type of the items of a `for`'s collection; binds the variable of a singular name.
    fn collection(&mut self, path: &[Ident]) -> Option<Ty> {
        let span = path[0].span.to(path[path.len() - 1].span);
        let walk = root(path, |n| self.var(n).is_some());
        let (mut ty, mut listed) = match walk {
            Some(Walk::Var(name)) => (self.var(&name).cloned()?, false),
            Some(Walk::Top { source, bind }) => {
                self.after_lowering |= source.after_lowering();
                if let Some(bind) = bind {
                    self.scope.push((bind, source.item()));
                    (source.item(), true)
                } else {
                    (source.item(), true)
                }
            }
            None => {
                let first = &path[0];
                let mut names = fields::collection_names();
                names.extend(self.scope.iter().map(|(n, _)| n.clone()));
                let help = did_you_mean(&first.name, names.iter().map(String::as_str)).unwrap_or_else(|| {
                    "iterate a collection: hubs, spokes, vnets, networks, subnets, nsgs, rules, route_tables, routes, firewalls, ..., resources, resource_groups; or a list field of a variable, `nsg.rules`".into()
                });
                return self.error(
                    Diagnostic::new(&UNKNOWN_POLICY_COLLECTION, first.span, format!("there is no collection `{}`", first.name)).with_help(help),
                );
            }
        };
        for segment in &path[1..] {
            let next = self.field(&ty, segment)?;
            match next {
                Ty::List(inner) => {
                    ty = *inner;
                    listed = true;
                }
                other => ty = other,
            }
        }
        if !listed {
            return self.error(
                Diagnostic::new(&POLICY_TYPE_MISMATCH, span, format!("`{}` is {}, not a collection", text(path), ty.describe()))
                    .with_help("a `for` iterates a collection or a list field, such as `nsg.rules` or `net.subnets`"),
            );
        }
        Some(ty)
    }

    fn finding(&mut self, f: &Finding) {
        match f.kind {
            FindingKind::Deny => self.condition(&f.condition, "`deny when`"),
            FindingKind::Require => {
                if let Some(Ty::Symbol(word)) = self.ty(&f.condition) {
                    self.unknown_name(&word, f.condition.span);
                }
            }
        }
        if let Some(message) = &f.message {
            for part in &message.parts {
                if let Part::Value(e) = part {
                    if let Some(Ty::Symbol(word)) = self.ty(e) {
                        self.unknown_name(&word, e.span);
                    }
                }
            }
        }
    }

    fn unknown_name(&mut self, word: &str, span: Span) -> Option<Ty> {
        let vars: Vec<String> = self.scope.iter().map(|(n, _)| n.clone()).collect();
        let help = did_you_mean(word, vars.iter().map(String::as_str)).unwrap_or_else(|| match vars.as_slice() {
            [] => "no `for` binds a variable here".to_string().into(),
            names => format!("the variables here are {}", names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")).into(),
        });
        self.error(Diagnostic::new(&UNKNOWN_POLICY_NAME, span, format!("`{word}` is no variable here")).with_help(help))
    }

    /// A condition: its type must be boolean.
    fn condition(&mut self, e: &Expr, what: &str) {
        match self.ty(e) {
            Some(Ty::Bool) | None => {}
            Some(Ty::Symbol(word)) => {
                self.unknown_name(&word, e.span);
            }
            Some(other) => {
                let help = "compare it (`== ...`, `in [...]`), or ask `present(...)`".to_string();
                self.error(
                    Diagnostic::new(&POLICY_TYPE_MISMATCH, e.span, format!("{what} needs a condition, found {}", other.describe())).with_help(help),
                );
            }
        }
    }

    fn field(&mut self, ty: &Ty, segment: &Ident) -> Option<Ty> {
        match ty {
            Ty::Entity(entity) => match fields::field(entity, &segment.name) {
                Some(t) => Some(t),
                None => {
                    let names = fields::field_names(entity);
                    let help = did_you_mean(&segment.name, names.iter().map(String::as_str))
                        .unwrap_or_else(|| format!("{} has {}", ty.describe(), names.join(", ")).into());
                    self.error(
                        Diagnostic::new(&UNKNOWN_POLICY_NAME, segment.span, format!("{} has no field `{}`", ty.describe(), segment.name))
                            .with_help(help),
                    )
                }
            },
            // Any tag: absent when not set.
            Ty::Map => Some(Ty::Str),
            // A field of each item.
            Ty::List(inner) => match self.field(inner, segment)? {
                Ty::List(flat) => Some(Ty::List(flat)),
                one => Some(Ty::List(Box::new(one))),
            },
            other => self.error(
                Diagnostic::new(&UNKNOWN_POLICY_NAME, segment.span, format!("{} has no fields; `{}` is not one", other.describe(), segment.name))
                    .with_help("fields belong to blocks, rules, resources and tags"),
            ),
        }
    }

    fn ty(&mut self, e: &Expr) -> Option<Ty> {
        match &e.kind {
            ExprKind::Int(_) => Some(Ty::Int),
            ExprKind::Str(_) => Some(Ty::Str),
            ExprKind::Bool(_) => Some(Ty::Bool),
            ExprKind::Prefix(_) => Some(Ty::Prefix),
            ExprKind::Ip(_) => Some(Ty::Ip),
            ExprKind::List(items) => {
                let Some(first) = items.first() else {
                    return self.error(
                        Diagnostic::new(&POLICY_TYPE_MISMATCH, e.span, "an empty list holds nothing to compare").with_help("list the values"),
                    );
                };
                let ty = self.ty(first)?;
                for item in &items[1..] {
                    let other = self.ty(item)?;
                    if !compatible(&ty, &other) {
                        return self.error(
                            Diagnostic::new(&POLICY_TYPE_MISMATCH, item.span, format!("a list of {} holds {}", ty.describe(), other.describe()))
                                .with_help("keep the items of a list of one type"),
                        );
                    }
                }
                Some(Ty::List(Box::new(ty)))
            }
            ExprKind::Path(path) => self.path(path),
            ExprKind::Call(name, args) => self.call(name, args, e.span),
            ExprKind::Not(inner) => {
                self.condition(inner, "`not`");
                Some(Ty::Bool)
            }
            ExprKind::And(a, b) | ExprKind::Or(a, b) => {
                let word = if matches!(e.kind, ExprKind::And(..)) { "`and`" } else { "`or`" };
                self.condition(a, word);
                self.condition(b, word);
                Some(Ty::Bool)
            }
            ExprKind::Matches(left, _) => {
                let ty = self.ty(left)?;
                if !matches!(element(&ty), Ty::Str | Ty::Word(_) | Ty::Region | Ty::Entity(_)) {
                    return self.error(
                        Diagnostic::new(&POLICY_TYPE_MISMATCH, left.span, format!("`matches` tests text, not {}", ty.describe()))
                            .with_help("match a name, a string field or a tag"),
                    );
                }
                Some(Ty::Bool)
            }
            ExprKind::Compare(op, left, right) => self.compare(*op, left, right, e.span),
            ExprKind::Quantifier { all, var, list, condition } => {
                let word = if *all { "`all`" } else { "`any`" };
                let item = match self.ty(list)? {
                    Ty::List(item) => *item,
                    Ty::Symbol(name) => return self.unknown_name(&name, list.span),
                    other => {
                        return self.error(
                            Diagnostic::new(&POLICY_TYPE_MISMATCH, list.span, format!("{word} goes over a list, not {}", other.describe()))
                                .with_help("name a collection, a list field such as `nsg.rules` or `net.subnets`, or write `[...]`"),
                        );
                    }
                };
                self.scope.push((var.name.clone(), item));
                self.condition(condition, word);
                self.scope.pop();
                Some(Ty::Bool)
            }
        }
    }

    fn path(&mut self, path: &[Ident]) -> Option<Ty> {
        let mut ty = match root(path, |n| self.var(n).is_some()) {
            Some(Walk::Var(name)) => self.var(&name).cloned()?,
            Some(Walk::Top { source, bind: None }) => {
                self.after_lowering |= source.after_lowering();
                Ty::List(Box::new(source.item()))
            }
            _ if path[0].name == "settings" => Ty::Entity(Entity::Block(vec!["settings"])),
            _ if path.len() == 1 => return Some(Ty::Symbol(path[0].name.clone())),
            _ => return self.unknown_name(&path[0].name, path[0].span),
        };
        for segment in &path[1..] {
            ty = self.field(&ty, segment)?;
        }
        Some(ty)
    }

    fn call(&mut self, name: &Ident, args: &[Expr], span: Span) -> Option<Ty> {
        let Some((_, signature)) = FUNCTIONS.iter().find(|(f, _)| *f == name.name) else {
            let help = did_you_mean(&name.name, FUNCTIONS.iter().map(|(f, _)| *f))
                .unwrap_or_else(|| format!("the functions are {}", FUNCTIONS.iter().map(|(f, _)| *f).collect::<Vec<_>>().join(", ")).into());
            return self.error(Diagnostic::new(&UNKNOWN_POLICY_NAME, name.span, format!("there is no function `{}`", name.name)).with_help(help));
        };
        let arity = if matches!(name.name.as_str(), "starts_with" | "ends_with") { 2 } else { 1 };
        if args.len() != arity {
            return self.error(
                Diagnostic::new(
                    &POLICY_TYPE_MISMATCH,
                    span,
                    format!("`{}` takes {arity} value{}, found {}", name.name, if arity == 1 { "" } else { "s" }, args.len()),
                )
                .with_help(signature.to_string()),
            );
        }
        let mut types = Vec::new();
        for arg in args {
            types.push(self.ty(arg)?);
        }
        let text = |t: &Ty| matches!(t, Ty::Str | Ty::Word(_) | Ty::Region);
        let (ok, result) = match name.name.as_str() {
            "lower" | "upper" => (text(&types[0]), Ty::Str),
            "length" => (text(&types[0]), Ty::Int),
            "starts_with" | "ends_with" => (text(&types[0]) && text(&types[1]), Ty::Bool),
            "count" => (matches!(types[0], Ty::List(_) | Ty::Map), Ty::Int),
            "prefix_length" => (matches!(types[0], Ty::Prefix | Ty::Address), Ty::Int),
            _ => (!matches!(types[0], Ty::Symbol(_)), Ty::Bool),
        };
        if !ok {
            let shown: Vec<String> = types.iter().map(Ty::describe).collect();
            return self.error(
                Diagnostic::new(&POLICY_TYPE_MISMATCH, span, format!("`{}` does not take {}", name.name, shown.join(" and ")))
                    .with_help(signature.to_string()),
            );
        }
        Some(result)
    }

    fn compare(&mut self, op: Op, left: &Expr, right: &Expr, span: Span) -> Option<Ty> {
        let (l, r) = (self.ty(left)?, self.ty(right)?);
        let mismatch =
            |this: &mut Self, why: String, help: &str| this.error(Diagnostic::new(&POLICY_TYPE_MISMATCH, span, why).with_help(help.to_string()));
        match op {
            Op::Eq | Op::Ne => {
                let (le, re) = (element(&l), element(&r));
                if !compatible(le, re) {
                    let why = format!("{} is compared with {}: they are never equal", l.describe(), r.describe());
                    return mismatch(self, why, &compare_help(le, re));
                }
                self.words(le, right).then_some(())?;
                self.words(re, left).then_some(())?;
            }
            Op::Lt | Op::Le | Op::Gt | Op::Ge => {
                if l != Ty::Int || r != Ty::Int {
                    let why = format!("`{}` orders numbers, not {} and {}", op.as_str(), l.describe(), r.describe());
                    return mismatch(self, why, "compare numbers such as `rule.priority < 200` or `count(net.subnets) > 10`");
                }
            }
            Op::In | Op::NotIn => match &r {
                Ty::List(inner) => {
                    if !compatible(element(&l), inner) {
                        let why = format!("{} is looked for in {}: it is never there", l.describe(), r.describe());
                        return mismatch(self, why, &compare_help(element(&l), inner));
                    }
                    self.words(inner, left).then_some(())?;
                    self.words(element(&l), right).then_some(())?;
                }
                Ty::Map if matches!(l, Ty::Str | Ty::Word(_)) => {}
                _ => {
                    let why = format!("`{}` looks in a list or in tags, not in {}", op.as_str(), r.describe());
                    return mismatch(
                        self,
                        why,
                        "write `22 in rule.ports`, `\"prod\" in [\"prod\", \"test\"]` or `\"owner\" in net.tags`; `within` tests prefixes",
                    );
                }
            },
            Op::Contains => match &l {
                Ty::List(inner) if compatible(inner, element(&r)) => {}
                Ty::Map | Ty::Str | Ty::Word(_) if matches!(r, Ty::Str | Ty::Word(_)) => {}
                Ty::Prefix | Ty::Address if matches!(element(&r), Ty::Prefix | Ty::Ip | Ty::Address) => {}
                _ => {
                    let why = format!("{} cannot contain {}", l.describe(), r.describe());
                    return mismatch(self, why, "`contains` looks in a list, tags or text, or for an address in a prefix");
                }
            },
            Op::Within | Op::Overlaps => {
                let address = |t: &Ty| matches!(element(t), Ty::Prefix | Ty::Ip | Ty::Address) || matches!(t, Ty::Symbol(w) if is_any(w));
                if !address(&l) || !address(&r) {
                    let why = format!("`{}` compares addresses, not {} and {}", op.as_str(), l.describe(), r.describe());
                    return mismatch(self, why, "write `space within 10.0.0.0/8` or `rule.source overlaps 192.168.0.0/16`");
                }
            }
        }
        Some(Ty::Bool)
    }

    /// A word compared with a field of a fixed set of words, or with a region,
    /// must be one of them; text compared with a string field must be quoted.
    /// False when reported.
    fn words(&mut self, field: &Ty, other: &Expr) -> bool {
        let literal = match &other.kind {
            ExprKind::Str(s) => Some((s.clone(), true)),
            ExprKind::Path(p) if p.len() == 1 && self.var(&p[0].name).is_none() && fields::collection(&p[0].name).is_none() => {
                Some((p[0].name.clone(), false))
            }
            ExprKind::List(items) => {
                return items.iter().all(|item| self.words(field, item));
            }
            _ => None,
        };
        let Some((word, quoted)) = literal else { return true };
        let problem = match field {
            Ty::Word(Some(set)) if !set.iter().any(|w| w.eq_ignore_ascii_case(&word)) => Some((
                format!("`{word}` is never a value of this field: it holds {}", set.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(", ")),
                did_you_mean(&word, set.iter().copied()).unwrap_or_else(|| "compare with one of these".into()),
            )),
            Ty::Region if !crate::azure::regions::is_region(&word) => Some((
                format!("`{word}` is not an Azure region"),
                did_you_mean(&word, crate::azure::regions::REGIONS.iter().copied())
                    .unwrap_or_else(|| "`az account list-locations -o table` lists the regions".into()),
            )),
            Ty::Str if !quoted => {
                Some((format!("the word `{word}` is compared with a string"), format!("strings are written in double quotes: \"{word}\"").into()))
            }
            _ => None,
        };
        match problem {
            Some((message, help)) => {
                self.error(Diagnostic::new(&POLICY_TYPE_MISMATCH, other.span, message).with_help(help));
                false
            }
            None => true,
        }
    }
}

/// `any`, `*` and `Internet`: the words that stand for address space.
pub fn is_any(word: &str) -> bool {
    ["any", "*", "internet"].contains(&word.to_ascii_lowercase().as_str())
}

/// The type of the items of a list, or the type itself.
fn element(ty: &Ty) -> &Ty {
    match ty {
        Ty::List(inner) => inner,
        other => other,
    }
}

/// What values of two types can equal each other.
fn compatible(a: &Ty, b: &Ty) -> bool {
    use Ty::*;
    let text = |t: &Ty| matches!(t, Str | Word(_) | Region);
    let address = |t: &Ty| matches!(t, Prefix | Ip | Address);
    match (a, b) {
        (Symbol(_), _) | (_, Symbol(_)) => {
            let other = if matches!(a, Symbol(_)) { b } else { a };
            text(other) || address(other) || matches!(other, Entity(_) | Symbol(_))
        }
        (Int, Int) | (Int, Ports) | (Ports, Int) | (Ports, Ports) | (Bool, Bool) | (Map, Map) | (Secret, Secret) => true,
        (x, y) if text(x) && text(y) => true,
        (x, y) if address(x) && address(y) => true,
        // Text names an address (`"10.0.0.0/8"`, `"Internet"`) or a block.
        (x, y) if (text(x) && address(y)) || (address(x) && text(y)) => true,
        (Entity(_), y) | (y, Entity(_)) => text(y) || matches!(y, Entity(_)),
        _ => false,
    }
}

fn compare_help(a: &Ty, b: &Ty) -> String {
    use Ty::*;
    match (a, b) {
        (Prefix | Address, Int) | (Int, Prefix | Address) => {
            "a prefix's length is `prefix_length(x)`; `within` tests whether a prefix lies inside another".into()
        }
        (List(_), _) | (_, List(_)) => "compare one value with one value, or look for a value with `in`".into(),
        _ => "compare values of one type".into(),
    }
}

fn text(path: &[Ident]) -> String {
    path.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The diagnostics of a policy with `clause` inside `for rule in nsg.rules`.
    fn errors(policy: &str) -> Vec<String> {
        let (file, errors) = crate::syntax::parse(crate::source::FileId::default(), policy);
        assert!(errors.is_empty(), "{errors:?}");
        let crate::ast::Item::Block(block) = &file.items[0] else { panic!("a block") };
        let phrases: Vec<_> = block
            .body
            .as_ref()
            .unwrap()
            .items
            .iter()
            .filter_map(|i| match i {
                crate::ast::Item::Block(b) => Some(b.clone()),
                _ => None,
            })
            .collect();
        let mut out = Vec::new();
        let clauses = super::super::parse::clauses(&phrases, &mut out);
        check(clauses, &mut out);
        out.into_iter().map(|d| format!("{} {}", d.code.code, d.message)).collect()
    }

    fn rule(condition: &str) -> Vec<String> {
        errors(&format!("policy p {{\n for rule in nsg.rules {{\n  deny when {condition} message \"{{rule.name}} of {{nsg.name}}\"\n }}\n}}\n"))
    }

    #[test]
    fn well_typed_conditions_pass() {
        for ok in [
            "rule.source == Internet and (22 in rule.ports or 3389 in rule.ports)",
            "rule.inbound and rule.allow and rule.protocol == tcp",
            "rule.protocol == \"TCP\"",
            "not (rule.source within 10.0.0.0/8)",
            "rule.priority < 200 and rule.nsg.name == \"web\"",
            "lower(rule.name) matches \"^ssh\"",
            "count(nsg.rules) > 100",
            "\"owner\" in nsg.tags",
            "nsg.tags.environment in [\"prod\", \"test\"]",
            "nsg.location == uksouth",
            "present(rule.description)",
            "rule.destination overlaps 10.0.0.0/8",
            "rule.ports contains 22",
            "starts_with(nsg.resource_group, \"rg-\")",
            "\"web\" in nsg.subnets.name",
            "count(hubs) > 1",
            "any r in nsg.rules (r.priority < rule.priority and r.deny)",
            "all s in nsg.subnets (s.location == nsg.location)",
            "any n in [22, 3389] (n in rule.ports)",
        ] {
            assert_eq!(rule(ok), Vec::<String>::new(), "{ok}");
        }
    }

    #[test]
    fn ill_typed_conditions_are_errors_in_the_policy() {
        assert_eq!(rule("rule.prot == udp"), ["ASH512 an NSG rule has no field `prot`"]);
        assert_eq!(rule("rul.name == \"x\""), ["ASH512 `rul` is no variable here"]);
        assert_eq!(rule("rule.protocol == tpc"), ["ASH513 `tpc` is never a value of this field: it holds `tcp`, `udp`, `icmp`, `esp`, `ah`, `any`"]);
        assert_eq!(rule("rule.source == 16"), ["ASH513 a list of addresses is compared with a number: they are never equal"]);
        assert_eq!(rule("rule.name"), ["ASH513 `deny when` needs a condition, found a string"]);
        assert_eq!(rule("alow"), ["ASH512 `alow` is no variable here"]);
        assert_eq!(rule("rule.name == ssh"), ["ASH513 the word `ssh` is compared with a string"]);
        assert_eq!(rule("rule.priority < \"100\""), ["ASH513 `<` orders numbers, not a number and a string"]);
        assert_eq!(rule("rule.name within 10.0.0.0/8"), ["ASH513 `within` compares addresses, not a string and an address prefix"]);
        assert_eq!(rule("lowr(rule.name) == \"x\""), ["ASH512 there is no function `lowr`"]);
        assert_eq!(rule("count(rule.name) > 1"), ["ASH513 `count` does not take a string"]);
        assert_eq!(rule("nsg.location == uksuoth"), ["ASH513 `uksuoth` is not an Azure region"]);
        assert_eq!(rule("22 in rule.priority"), ["ASH513 `in` looks in a list or in tags, not in a number"]);
        assert_eq!(rule("rule.ports matches \"2\""), ["ASH513 `matches` tests text, not a list of ports"]);
        assert_eq!(rule("any r in rule.name (r == \"x\")"), ["ASH513 `any` goes over a list, not a string"]);
        assert_eq!(rule("all r in nsg.rules (r.prio > 1)"), ["ASH512 an NSG rule has no field `prio`"]);
        assert_eq!(rule("any r in nsg.rules (r.name)"), ["ASH513 `any` needs a condition, found a string"]);
        assert_eq!(rule("any r in rulez (r.deny)"), ["ASH512 `rulez` is no variable here"]);
        // The variable is bound inside the parentheses only.
        assert_eq!(rule("any r in nsg.rules (r.deny) and r.allow"), ["ASH512 `r` is no variable here"]);
    }

    #[test]
    fn collections_and_message_placeholders_are_checked() {
        let unknown = errors("policy p {\n for net in netwroks { require net.tags.owner }\n}\n");
        assert_eq!(unknown, ["ASH511 there is no collection `netwroks`"]);
        let not_a_list = errors("policy p {\n for n in networks { for x in n.name { require x } }\n}\n");
        assert_eq!(not_a_list, ["ASH513 `n.name` is a string, not a collection"]);
        let placeholder = errors("policy p {\n for net in networks { require net.tags.owner message \"{net.nmae}\" }\n}\n");
        assert_eq!(placeholder, ["ASH512 a network has no field `nmae`"]);
        let flat = errors("policy p {\n for space in networks.address_space { deny when not (space within 10.0.0.0/8) }\n}\n");
        assert!(flat.is_empty(), "{flat:?}");
    }
}
