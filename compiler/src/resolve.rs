//! Resolution: the syntax trees of a plan's files become one typed [`Model`].
//!
//! Two passes. The first declares every block, so that order of blocks and files
//! never matters; the second types each attribute against its kind's schema and
//! resolves references. Every problem is reported; none stops the others.

use crate::ast::{self, Ident, Term, ValueKind};
use crate::blocks::existing;
use crate::diagnostic::codes::*;
use crate::diagnostic::{did_you_mean, Diagnostic, Help};
use crate::load::PlanInput;
use crate::model::{Attr, Attrs, Model, Node, NodeId, Phrase, Spanned, Typed};
use crate::schema::attrs;
use crate::schema::{self, AttrSchema, Naming, Type};
use crate::source::{FileId, Span};
use indexmap::IndexMap;

/// Builds the typed model of a plan from its parsed files.
/// `library` holds the files of the standard library, whose blocks a plan's own
/// blocks of the same name shadow.
pub fn resolve(
    files: &[&ast::File],
    library: &[FileId],
    input: Option<&PlanInput>,
    locked: &crate::lockfile::Allocations,
) -> (Model, Vec<Diagnostic>) {
    let mut r = Resolver { library, input, model: Model::default(), raw: Vec::new(), diagnostics: Vec::new(), suggestions: Default::default() };
    for file in files {
        for item in &file.items {
            match item {
                ast::Item::Block(block) => r.declare(block, None),
                ast::Item::Attribute(attr) => r.diagnostics.push(
                    Diagnostic::new(&MALFORMED_BLOCK, attr.key.span, format!("`{}` stands outside any block", attr.key.name))
                        .with_help("attributes belong inside a block, e.g. `settings { location = uksouth }`"),
                ),
            }
        }
    }
    for id in r.model.node_ids() {
        r.type_attributes(id);
    }
    r.model.chosen = crate::address::allocate(&mut r.model, locked, &mut r.diagnostics);
    // Phrases may name subnets, whose `auto` prefixes are known only now.
    crate::blocks::type_phrases(&mut r.model, &mut r.diagnostics);
    (r.model, r.diagnostics)
}

/// An attribute as written, before typing.
struct RawAttr {
    key: Ident,
    value: ast::Value,
}

struct Resolver<'a> {
    library: &'a [FileId],
    /// What `file(...)` reads from; `None` for text with no plan around it.
    input: Option<&'a PlanInput>,
    model: Model,
    /// Untyped attributes of each node, by node id.
    raw: Vec<Vec<RawAttr>>,
    diagnostics: Vec<Diagnostic>,
    /// The "did you mean" of each misspelt name in each scope, found once: a
    /// hub renamed leaves every spoke naming the old name, and each search
    /// compares with every name of the plan.
    suggestions: std::collections::HashMap<(Option<NodeId>, String), Option<crate::diagnostic::Help>>,
}

impl Resolver<'_> {
    fn error(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// Declares a block and its nested blocks; attributes are typed later.
    fn declare(&mut self, block: &ast::Block, parent: Option<NodeId>) {
        let allowed: &[&str] = match parent {
            None => schema::TOP_LEVEL,
            Some(p) => self.model.node(p).kind.children,
        };
        let mut terms = block.terms.iter();
        // `existing storage_account logs { ... }`: the word after `existing` says the kind.
        let existing_head;
        let head = if block.head.name == existing::EXISTING {
            match self.existing_kind(block, parent) {
                Some(head) => {
                    terms.next();
                    existing_head = head;
                    &existing_head
                }
                None => return,
            }
        } else {
            &block.head
        };
        let parent_kind = parent.map(|p| self.model.node(p).kind.kind);
        let kind = match existing::kind_inside(parent_kind, &head.name).filter(|k| allowed.contains(&k.kind)) {
            Some(kind) => kind,
            None => return self.unknown_kind(block, parent, allowed),
        };

        let name = match kind.naming {
            Naming::Named => match terms.next().and_then(term_word) {
                Some(name) => Some(name.clone()),
                None => {
                    return self.error(
                        Diagnostic::new(&MALFORMED_BLOCK, head.span, format!("this {} has no name", kind.kind))
                            .with_help(format!("write `{} NAME {{ ... }}`", kind.kind)),
                    )
                }
            },
            Naming::Unnamed => None,
        };
        let head_span = name.as_ref().map_or(head.span, |n| head.span.to(n.span));

        if kind.unique {
            let first = self.model.of_kind(kind.kind).next().map(|(_, n)| n.head);
            if let Some(first) = first {
                return self.error(
                    Diagnostic::new(&DUPLICATE_NAME, head_span, format!("a plan has one `{}` block; this is a second", kind.kind))
                        .with_label(first, "the first is here")
                        .with_help("merge the two blocks into one"),
                );
            }
        }
        // A nested block without a name stands at most once in its parent: a hub has one firewall.
        if let (Naming::Unnamed, Some(p)) = (kind.naming, parent) {
            let first = self.model.node(p).children.iter().map(|&c| self.model.node(c)).find(|c| c.kind.kind == kind.kind).map(|c| c.head);
            if let Some(first) = first {
                let parent_kind = self.model.node(p).kind.kind;
                return self.error(
                    Diagnostic::new(&DUPLICATE_NAME, head_span, format!("a {parent_kind} has one `{}` block; this is a second", kind.kind))
                        .with_label(first, "the first is here")
                        .with_help("merge the two blocks into one"),
                );
            }
        }
        if let Some(name) = &name {
            if let Some(first) = self.find_name(&name.name, parent) {
                // The plan's own block of this name shadows the library's.
                let shadowed = self.library.contains(&name.span.file) && !self.library.contains(&self.model.node(first).span.file);
                if shadowed {
                    return;
                }
                let what = self.model.describe(first);
                let first_span = self.model.node(first).head;
                return self.error(
                    Diagnostic::new(&DUPLICATE_NAME, name.span, format!("the name `{}` is taken by {what}", name.name))
                        .with_label(first_span, "first declared here")
                        .with_help("give each block its own name"),
                );
            }
        }

        let id = NodeId(self.model.nodes.len());
        self.model.nodes.push(Node {
            kind,
            name: name.clone(),
            span: block.span,
            head: head_span,
            parent,
            children: Vec::new(),
            attrs: Attrs::default(),
            from_library: self.library.contains(&block.span.file),
            phrases: Vec::new(),
            raw_phrases: Vec::new(),
            allows: Vec::new(),
        });
        self.raw.push(Vec::new());
        if kind.unique {
            self.model.uniques.insert(kind.kind, id);
        }
        match parent {
            Some(p) => self.model[p].children.push(id),
            None => {
                if let Some(name) = &name {
                    self.model.names.insert(name.name.clone(), id);
                }
            }
        }

        // The words after the name of a phrase kind are its phrase.
        if kind.takes_phrases() {
            let words: Vec<Term> = terms.by_ref().cloned().collect();
            if let (Some(first), Some(last)) = (words.first(), words.last()) {
                let span = first.span().to(last.span());
                self.model[id].phrases.push(Phrase { words, span });
            }
        }
        // Words after the name fill the kind's positional attributes in order.
        let mut positional = kind.positional.iter();
        for term in terms {
            match (positional.next(), term) {
                (Some(attr_name), Term::Value(value)) => {
                    let key = Ident { name: attr_name.to_string(), span: value.span };
                    self.raw[id.index()].push(RawAttr { key, value: value.clone() });
                }
                _ => {
                    let shape = std::iter::once(kind.kind.to_string())
                        .chain(name.iter().map(|_| "NAME".to_string()))
                        .chain(kind.positional.iter().map(|p| p.to_uppercase()))
                        .collect::<Vec<_>>()
                        .join(" ");
                    self.error(
                        Diagnostic::new(&MALFORMED_BLOCK, term.span(), format!("unexpected word in a {} block's first line", kind.kind))
                            .with_help(format!("write `{shape} {{ ... }}`")),
                    );
                    break;
                }
            }
        }

        if let Some(body) = &block.body {
            let raw_phrases = crate::kinds::keeps_raw_phrases(kind);
            for item in &body.items {
                match item {
                    ast::Item::Attribute(attr) => self.add_attribute(id, attr.key.clone(), attr.value.clone()),
                    ast::Item::Block(child) if crate::policy::allow::is_allow(kind, child) => self.model[id].allows.push(child.clone()),
                    ast::Item::Block(child) if kind.takes_phrases() && is_phrase(kind, child) => self.phrase(id, child),
                    ast::Item::Block(child) if raw_phrases && is_phrase(kind, child) => self.model[id].raw_phrases.push(child.clone()),
                    ast::Item::Block(child) => self.declare(child, Some(id)),
                }
            }
        }
    }

    /// The kind of `existing WORD NAME`, as a head spanning both words; `None`
    /// (and an error) when the word names no kind a plan can refer to, or the
    /// form stands inside a block.
    fn existing_kind(&mut self, block: &ast::Block, parent: Option<NodeId>) -> Option<Ident> {
        let words: Vec<&str> = existing::EXISTING_KINDS.iter().map(|k| k.word).collect();
        let shape = "write `existing KIND NAME { resource_group = \"...\" }`";
        if parent.is_some() {
            self.error(
                Diagnostic::new(&UNKNOWN_KIND, block.head.span, "an `existing` block stands at the top of a plan, not inside a block")
                    .with_help("move it to the top of the file"),
            );
            return None;
        }
        let Some(word) = block.terms.first().and_then(term_word) else {
            self.error(
                Diagnostic::new(&MALFORMED_BLOCK, block.head.span, "`existing` needs the kind of the resource, then a name")
                    .with_help(format!("{shape}; KIND is one of {}", words.join(", "))),
            );
            return None;
        };
        match existing::by_word(&word.name) {
            Some(kind) => Some(Ident { name: kind.kind.to_string(), span: block.head.span.to(word.span) }),
            None => {
                let help = did_you_mean(&word.name, words.iter().copied())
                    .unwrap_or_else(|| format!("ashlar refers to these kinds of existing resource: {}", words.join(", ")).into());
                self.error(
                    Diagnostic::new(&UNKNOWN_KIND, word.span, format!("`existing {}` is no kind of resource ashlar refers to", word.name))
                        .with_help(help),
                );
                None
            }
        }
    }

    /// A line of a phrase kind's body: its head word and the words after it.
    fn phrase(&mut self, id: NodeId, block: &ast::Block) {
        if let Some(body) = &block.body {
            let kind = self.model.node(id).kind.kind;
            return self.error(
                Diagnostic::new(&MALFORMED_BLOCK, body.span, format!("the phrase of a {kind} takes no `{{ ... }}`"))
                    .with_help(format!("write the {kind}'s words on one line, or on several lines without braces")),
            );
        }
        let head = ast::Value { kind: ValueKind::Path(vec![block.head.clone()]), span: block.head.span };
        let words: Vec<Term> = std::iter::once(Term::Value(head)).chain(block.terms.iter().cloned()).collect();
        self.model[id].phrases.push(Phrase { words, span: block.span });
    }

    /// A nested block that is not a kind: `tags { k = "v" }` is a map attribute
    /// written as a block; anything else is an unknown kind.
    fn unknown_kind(&mut self, block: &ast::Block, parent: Option<NodeId>, allowed: &[&str]) {
        let head = &block.head;
        if let Some(p) = parent {
            let parent_kind = self.model.node(p).kind;
            if let Some(attr) = parent_kind.attribute(&head.name) {
                if matches!(attr.ty, Type::StringMap) && block.terms.is_empty() {
                    let body = block.body.as_ref();
                    let entries = body
                        .map(|b| {
                            b.items
                                .iter()
                                .filter_map(|item| match item {
                                    ast::Item::Attribute(a) => Some((a.key.clone(), a.value.clone())),
                                    ast::Item::Block(b) => {
                                        self.diagnostics.push(
                                            Diagnostic::new(
                                                &TYPE_MISMATCH,
                                                b.head.span,
                                                format!("`{}` holds only `name = \"value\"` entries", head.name),
                                            )
                                            .with_help(format!("write `{} = \"...\"`", b.head.name)),
                                        );
                                        None
                                    }
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    let span = body.map_or(head.span, |b| b.span);
                    let value = ast::Value { kind: ValueKind::Map(entries), span };
                    return self.add_attribute(p, head.clone(), value);
                }
            }
        }
        let parent_kind = parent.map(|p| self.model.node(p).kind);
        let message = match (crate::kinds::kind(&head.name), parent_kind) {
            (Some(_), None) => format!("a `{}` block cannot stand at the top of a plan", head.name),
            (Some(_), Some(pk)) => format!("a `{}` block cannot stand inside {} {}", head.name, a(pk.kind), pk.kind),
            (None, _) => format!("unknown block kind `{}`", head.name),
        };
        let mut candidates: Vec<&str> = allowed.to_vec();
        if let Some(pk) = parent_kind {
            candidates.extend(pk.attributes.iter().map(|a| a.name));
        }
        let help = did_you_mean(&head.name, candidates.iter().copied()).unwrap_or_else(|| match allowed {
            [] => "this block takes no nested blocks".to_string().into(),
            kinds => format!("blocks allowed here: {}", kinds.iter().map(|k| existing::keyword(k)).collect::<Vec<_>>().join(", ")).into(),
        });
        let help = match parent_kind.map(|pk| pk.kind) {
            Some(existing::EXISTING_SUBNET) if crate::kinds::kind(&head.name).is_some() => {
                "a subnet of an `existing vnet` holds only private endpoints (machines join it with `subnet = NETWORK.SUBNET`): put this block in a subnet of the plan's own network"
                    .into()
            }
            _ => help,
        };
        // `hub = core` written without `=` parses as a block; say so.
        let help = match parent_kind.and_then(|pk| pk.attribute(&head.name)) {
            Some(_) => format!("`{}` is an attribute: write `{} = ...`", head.name, head.name).into(),
            None => help,
        };
        // A bare word that is a value of an attribute: `private` alone in a `load_balancer`.
        let value_of = parent_kind.filter(|_| block.terms.is_empty() && block.body.is_none()).and_then(|pk| {
            let attr = pk.attributes.iter().find(|a| matches!(a.ty, Type::Word(words) if words.contains(&head.name.as_str())))?;
            Some((pk, attr))
        });
        let help = match value_of {
            Some((pk, attr)) if pk.positional.first() == Some(&attr.name) => format!(
                "`{}` is a value of `{}`: write it after the kind, `{} {} {{ ... }}`, or write `{} = {}`",
                head.name, attr.name, pk.kind, head.name, attr.name, head.name
            )
            .into(),
            Some((_, attr)) => format!("`{}` is a value of `{}`: write `{} = {}`", head.name, attr.name, attr.name, head.name).into(),
            None => help,
        };
        self.error(Diagnostic::new(&UNKNOWN_KIND, head.span, message).with_help(help));
    }

    fn find_name(&self, name: &str, parent: Option<NodeId>) -> Option<NodeId> {
        match parent {
            None => self.model.names.get(name).copied(),
            Some(p) => self.model.node(p).children.iter().copied().find(|c| self.model.node(*c).name() == name),
        }
    }

    fn add_attribute(&mut self, id: NodeId, key: Ident, value: ast::Value) {
        let kind = self.model.node(id).kind;
        if kind.attribute(&key.name).is_none() && kind.takes_phrases() {
            // A phrase kind may have attributes too (`backup_policy`): a near miss is one of them.
            let help = did_you_mean(&key.name, kind.attributes.iter().map(|a| a.name))
                .unwrap_or_else(|| format!("a {} is written as a phrase: write `{} ...` without `=`", kind.kind, key.name).into());
            return self
                .error(Diagnostic::new(&UNKNOWN_ATTRIBUTE, key.span, format!("a {} has no attribute `{}`", kind.kind, key.name)).with_help(help));
        }
        if kind.attribute(&key.name).is_none() {
            let candidates = kind.attributes.iter().map(|a| a.name).chain(kind.children.iter().copied());
            let help = did_you_mean(&key.name, candidates).unwrap_or_else(|| match kind.attributes {
                [] => format!("a {} block takes no attributes", kind.kind).into(),
                attributes => format!("a {} has: {}", kind.kind, attributes.iter().map(|a| a.name).collect::<Vec<_>>().join(", ")).into(),
            });
            return self
                .error(Diagnostic::new(&UNKNOWN_ATTRIBUTE, key.span, format!("a {} has no attribute `{}`", kind.kind, key.name)).with_help(help));
        }
        if let Some(first) = self.raw[id.index()].iter().find(|a| a.key.name == key.name) {
            let first = first.key.span;
            return self.error(
                Diagnostic::new(&DUPLICATE_ATTRIBUTE, key.span, format!("`{}` is given twice", key.name))
                    .with_label(first, "first given here")
                    .with_help("keep one of them"),
            );
        }
        self.raw[id.index()].push(RawAttr { key, value });
    }

    fn type_attributes(&mut self, id: NodeId) {
        let kind = self.model.node(id).kind;
        let raw = std::mem::take(&mut self.raw[id.index()]);
        for attr in &raw {
            let schema = kind.attribute(&attr.key.name).expect("unknown attributes were dropped when declared");
            if let Some(value) = self.typed(&schema.ty, &attr.value, schema) {
                self.model[id].attrs.insert(schema.name, Attr { key: attr.key.span, value, span: attr.value.span });
            }
        }
        let given: Vec<&str> = raw.iter().map(|a| a.key.name.as_str()).collect();
        for schema in kind.attributes.iter().filter(|a| a.required && !given.contains(&a.name)) {
            self.missing(id, schema);
        }
        // Blocks that subnets attach to may take their region from the network
        // instead: `attach::require_groups` checks them once references are known.
        let attachable = crate::blocks::attach::attribute(kind.kind).is_some();
        if kind.attribute(attrs::LOCATION).is_some() && !given.contains(&attrs::LOCATION) && !kind.unique && !attachable {
            // With a `settings` block, its own required `location` is the default.
            if self.model.unique("settings").is_none() {
                let node = self.model.node(id);
                self.error(
                    Diagnostic::new(&MISSING_ATTRIBUTE, node.head, format!("{} has no location", self.model.describe(id)))
                        .with_help("add `location = REGION` here, or a `settings { location = REGION }` block for the whole plan"),
                );
            }
        }
    }

    fn missing(&mut self, id: NodeId, schema: &AttrSchema) {
        let node = self.model.node(id);
        let positional = node.kind.positional.contains(&schema.name);
        let help = if positional {
            format!("write it after the name: `{} {} {}`", node.kind.kind, node.name(), schema.name.to_uppercase())
        } else {
            format!("add `{} = ...`: {}", schema.name, schema.doc)
        };
        let message = format!("{} lacks `{}`, {}", self.model.describe(id), schema.name, schema.ty.describe());
        self.error(Diagnostic::new(&MISSING_ATTRIBUTE, node.head, message).with_help(help));
    }

    fn mismatch(&mut self, ty: &Type, value: &ast::Value, help: Option<Help>) -> Option<Typed> {
        let mut d = Diagnostic::new(&TYPE_MISMATCH, value.span, format!("expected {}, found {}", ty.describe(), value.kind.describe()));
        let help = help.or_else(|| match (&value.kind, ty) {
            (ValueKind::Str(s), Type::Prefix | Type::PrefixOrAuto | Type::IpAddress | Type::Region | Type::Word(_) | Type::Name) => Some(unquote(s)),
            (_, Type::List(_)) if !matches!(value.kind, ValueKind::List(_)) => Some("write a list in brackets: `[...]`".into()),
            (ValueKind::Path(_), Type::String) => Some("strings are written in double quotes".into()),
            (ValueKind::Str(s), Type::Version) if is_version_text(s) => Some(unquote(s)),
            (ValueKind::Str(_), Type::Version) => Some("write MAJOR.MINOR.PATCH without quotes, such as `1.2.0`".into()),
            (ValueKind::Str(s), Type::Duration) if is_duration_text(s) => Some(unquote(s)),
            (ValueKind::Str(_), Type::Duration) => {
                Some("write a number and a unit (`d`, `h`, `m`, `s`) without quotes, such as `2h` or `1h30m`".into())
            }
            (ValueKind::Ipv4(ip), Type::Version) => Some(format!("a version has three parts, MAJOR.MINOR.PATCH; `{ip}` has four").into()),
            (ValueKind::Int(n), Type::Duration) => Some(format!("give the unit: `{n}m` for minutes, `{n}h` for hours").into()),
            (ValueKind::Str(s), Type::TimeOfDay) if is_time_text(s) => Some(unquote(s)),
            (ValueKind::Int(n), Type::TimeOfDay) if *n < 24 => Some(format!("write hours and minutes: `{n:02}:00`").into()),
            (_, Type::TimeOfDay) => Some("write HH:MM without quotes, from 00:00 to 23:59, such as `07:30`".into()),
            _ => None,
        });
        if let Some(help) = help {
            d = d.with_help(help);
        }
        self.error(d);
        None
    }

    fn typed(&mut self, ty: &Type, value: &ast::Value, schema: &AttrSchema) -> Option<Typed> {
        let span = value.span;
        match (ty, &value.kind) {
            // Already reported when parsed.
            (_, ValueKind::Invalid) => None,
            (Type::String, ValueKind::Str(s)) => Some(Typed::Str(s.clone())),
            (Type::String, ValueKind::Call(name, args)) if name.name == "file" => self.read_file(name, args, span),
            (Type::Integer { min, max }, ValueKind::Int(n)) => {
                if (min..=max).contains(&n) {
                    Some(Typed::Int(*n))
                } else {
                    let message = format!("{n} is out of range: `{}` takes a whole number from {min} to {max}", schema.name);
                    self.error(Diagnostic::new(&TYPE_MISMATCH, value.span, message).with_help(format!("write a number from {min} to {max}")));
                    None
                }
            }
            (Type::Boolean, ValueKind::Bool(b)) => Some(Typed::Bool(*b)),
            (Type::Version, ValueKind::Version(major, minor, patch)) => Some(Typed::Version(*major, *minor, *patch)),
            (Type::Duration, ValueKind::Duration(seconds)) => Some(Typed::Duration(*seconds)),
            (Type::TimeOfDay, ValueKind::TimeOfDay(minutes)) => Some(Typed::TimeOfDay(*minutes)),
            (Type::Prefix | Type::PrefixOrAuto, ValueKind::Cidr(net)) => Some(Typed::Prefix(*net)),
            (Type::PrefixOrAuto, ValueKind::Auto(len)) => Some(Typed::Auto(*len)),
            (Type::IpAddress, ValueKind::Ipv4(ip)) => Some(Typed::Ip((*ip).into())),
            (Type::IpAddress, ValueKind::Ipv6(ip)) => Some(Typed::Ip((*ip).into())),
            (Type::Region, ValueKind::Path(p)) if p.len() == 1 => {
                let name = &p[0].name;
                if crate::azure::regions::is_region(name) {
                    Some(Typed::Word(name.clone()))
                } else {
                    let lower = name.to_ascii_lowercase().replace(['-', '_'], "");
                    let help = if crate::azure::regions::is_region(&lower) {
                        crate::diagnostic::Help::replace(lower.clone(), format!("Azure writes it `{lower}`"))
                    } else {
                        did_you_mean(name, crate::azure::regions::REGIONS.iter().copied())
                            .unwrap_or_else(|| "`az account list-locations -o table` lists the regions".into())
                    };
                    self.error(Diagnostic::new(&TYPE_MISMATCH, span, format!("`{name}` is not an Azure region")).with_help(help));
                    None
                }
            }
            // A dotted word such as `Microsoft.Storage` is one word of the set.
            (Type::Word(words), ValueKind::Path(p)) => {
                let name = &path_text(p);
                match words.iter().find(|w| w.eq_ignore_ascii_case(name)) {
                    Some(w) => Some(Typed::Word(w.to_string())),
                    None => {
                        let help = did_you_mean(name, words.iter().copied()).unwrap_or_else(|| format!("use {}", ty.describe()).into());
                        self.error(Diagnostic::new(&TYPE_MISMATCH, span, format!("`{name}` is not a value of `{}`", schema.name)).with_help(help));
                        None
                    }
                }
            }
            (Type::Name, ValueKind::Path(p)) if p.len() == 1 => Some(Typed::Word(p[0].name.clone())),
            (Type::Ref(kinds) | Type::OwnOrRef(kinds), ValueKind::Path(path)) => self.reference(kinds, path, span),
            (Type::OwnOrRef(_), ValueKind::Bool(b)) => Some(Typed::Bool(*b)),
            (Type::Secret, ValueKind::Call(name, args)) if name.name == "secret" => match args.as_slice() {
                [ast::Value { kind: ValueKind::Path(vault), span: vault_span }, ast::Value { kind: ValueKind::Str(secret), .. }] => {
                    let Typed::Ref(vault) = self.reference(&["key_vault"], vault, *vault_span)? else { return None };
                    Some(Typed::Secret { vault, name: secret.clone() })
                }
                _ => {
                    self.error(
                        Diagnostic::new(&TYPE_MISMATCH, span, "`secret` takes a key_vault block and the secret's name")
                            .with_help("write `secret(kv_core, \"onprem-psk\")`"),
                    );
                    None
                }
            },
            (Type::Secret, ValueKind::Str(_)) => {
                self.error(
                    Diagnostic::new(&TYPE_MISMATCH, span, format!("`{}` takes a secret, never a literal", schema.name))
                        .with_help("keep the value in Key Vault and write `secret(VAULT, \"NAME\")`; a literal would be stored in the template and the deployment history"),
                );
                None
            }
            (Type::StringMap, ValueKind::Map(entries)) => {
                let mut map = IndexMap::new();
                for (key, v) in entries {
                    let text = match &v.kind {
                        ValueKind::Str(s) => s.clone(),
                        ValueKind::Call(name, args) if name.name == "file" => match self.read_file(name, args, v.span) {
                            Some(Typed::Str(s)) => s,
                            _ => continue,
                        },
                        _ => {
                            self.mismatch(&Type::String, v, None);
                            continue;
                        }
                    };
                    if let Some(first) = map.get(&key.name).map(|f: &Spanned<String>| f.span) {
                        self.error(
                            Diagnostic::new(&DUPLICATE_ATTRIBUTE, key.span, format!("`{}` is given twice", key.name))
                                .with_label(first, "first given here")
                                .with_help("keep one of them"),
                        );
                        continue;
                    }
                    map.insert(key.name.clone(), Spanned { value: text, span: key.span.to(v.span) });
                }
                Some(Typed::Map(map))
            }
            (Type::OneOrList(inner), ValueKind::List(_)) => self.typed(&Type::List(inner), value, schema),
            (Type::OneOrList(inner), _) => self.typed(inner, value, schema).map(|one| Typed::List(vec![Spanned { value: one, span }])),
            (Type::List(inner), ValueKind::List(items)) => {
                let typed: Vec<Spanned<Typed>> =
                    items.iter().filter_map(|item| self.typed(inner, item, schema).map(|value| Spanned { value, span: item.span })).collect();
                (typed.len() == items.len()).then_some(Typed::List(typed))
            }
            (_, ValueKind::Call(name, _)) if crate::schema::function(&name.name).is_none() => {
                let names = crate::schema::FUNCTIONS.iter().map(|f| f.name);
                let help = did_you_mean(&name.name, names.clone())
                    .unwrap_or_else(|| format!("the functions are {}", names.collect::<Vec<_>>().join(", ")).into());
                self.error(Diagnostic::new(&TYPE_MISMATCH, name.span, format!("unknown function `{}`", name.name)).with_help(help));
                None
            }
            _ => self.mismatch(ty, value, None),
        }
    }

    /// `file("path")`: the text of a file inside the plan's folder.
    fn read_file(&mut self, name: &Ident, args: &[ast::Value], span: Span) -> Option<Typed> {
        let [ast::Value { kind: ValueKind::Str(rel), .. }] = args else {
            self.error(Diagnostic::new(&TYPE_MISMATCH, span, "`file` takes one string: the path").with_help("write `file(\"cloud-init/web.yaml\")`"));
            return None;
        };
        let Some(input) = self.input else {
            self.error(Diagnostic::new(&FILE_OUTSIDE_PLAN, name.span, "this plan has no folder to read files from"));
            return None;
        };
        let read = input.file_text(rel);
        match read {
            Ok(text) => {
                self.model.file_paths.insert(span, rel.clone());
                Some(Typed::Str(text))
            }
            Err(why) => {
                self.error(
                    Diagnostic::new(&FILE_OUTSIDE_PLAN, span, why).with_help("give a path to a file inside the plan's folder, relative to it"),
                );
                None
            }
        }
    }

    /// Resolves `name` or `name.child` to a block of one of `kinds`.
    fn reference(&mut self, kinds: &[&str], path: &[Ident], span: Span) -> Option<Typed> {
        let mut current: Option<NodeId> = None;
        for segment in path {
            let found = self.find_name(&segment.name, current);
            match found {
                Some(id) => current = Some(id),
                None => {
                    let scope = match current {
                        None => "this plan".to_string(),
                        Some(p) => self.model.describe(p),
                    };
                    let model = &self.model;
                    let suggestion = self.suggestions.entry((current, segment.name.clone())).or_insert_with(|| match current {
                        None => did_you_mean(&segment.name, model.names.keys().map(String::as_str)),
                        Some(p) => did_you_mean(&segment.name, model.node(p).children.iter().map(|&c| model.node(c).name())),
                    });
                    let help = suggestion.clone().unwrap_or_else(|| format!("declare it, or reference one of the blocks in {scope}").into());
                    self.error(
                        Diagnostic::new(&UNRESOLVED_REFERENCE, segment.span, format!("nothing named `{}` in {scope}", segment.name)).with_help(help),
                    );
                    return None;
                }
            }
        }
        let id = current?;
        let node = self.model.node(id);
        if !kinds.is_empty() && !kinds.contains(&node.kind.kind) {
            let wanted = kinds.join(" or ");
            let what = self.model.describe(id);
            let head = node.head;
            // The fix: a block of a wanted kind, the closest in name when the plan has several.
            let written = path_text(path);
            let right: Vec<&str> =
                self.model.names.iter().filter(|(_, &n)| kinds.contains(&self.model.node(n).kind.kind)).map(|(k, _)| k.as_str()).collect();
            let help = match right.as_slice() {
                [] => format!("reference {} {wanted} here, or declare one", a(kinds[0])).into(),
                [one] => Help::replace(*one, format!("reference `{one}`, the plan's {}", self.model.node(self.model.names[*one]).kind.kind)),
                several => crate::diagnostic::closest(&written, several.iter().copied())
                    .map(|c| {
                        Help::replace(
                            c,
                            format!(
                                "reference one of {}: did you mean `{c}`?",
                                several.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                            ),
                        )
                    })
                    .unwrap_or_else(|| {
                        format!("reference one of {}", several.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")).into()
                    }),
            };
            self.error(
                Diagnostic::new(
                    &WRONG_REFERENCE_KIND,
                    span,
                    format!("expected {} {wanted}, but `{written}` is {} {}", a(kinds[0]), a(node.kind.kind), node.kind.kind),
                )
                .with_label(head, format!("{what} is declared here"))
                .with_help(help),
            );
            return None;
        }
        Some(Typed::Ref(id))
    }
}

/// The article of a kind's name: "an" before `existing ...` and `image`.
fn a(kind: &str) -> &'static str {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// Whether a nested block of a phrase-taking kind is a phrase: neither a kind
/// allowed there nor one of its attributes.
fn is_phrase(kind: &schema::KindSchema, block: &ast::Block) -> bool {
    !kind.children.contains(&block.head.name.as_str()) && kind.attributes.iter().all(|a| a.name != block.head.name)
}

/// "remove the quotes", suggesting the value without them.
fn unquote(text: &str) -> Help {
    Help::replace(text, format!("remove the quotes: `{text}`"))
}

/// `1.2.0`: what a version literal looks like, for "remove the quotes" help.
fn is_version_text(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// `07:30`: what a time of day looks like, for "remove the quotes" help.
fn is_time_text(s: &str) -> bool {
    matches!(s.split_once(':'), Some((h, m)) if (1..=2).contains(&h.len()) && m.len() == 2 && h.chars().chain(m.chars()).all(|c| c.is_ascii_digit()))
}

/// `2h`, `1h30m`: what a duration literal looks like, for "remove the quotes" help.
fn is_duration_text(s: &str) -> bool {
    let mut digits = 0;
    let mut units = 0;
    for c in s.chars() {
        match c {
            '0'..='9' => digits += 1,
            'd' | 'h' | 'm' | 's' if digits > 0 => {
                digits = 0;
                units += 1;
            }
            _ => return false,
        }
    }
    digits == 0 && units > 0
}

fn term_word(term: &Term) -> Option<&Ident> {
    match term {
        Term::Value(v) => v.as_word(),
        _ => None,
    }
}

fn path_text(path: &[Ident]) -> String {
    path.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(".")
}
