//! A lowered resource as Azure Policy sees it in the deployment's request: its
//! ARM JSON with every value written out, IDs in full. What is known only
//! once Azure deploys (the subscription's ID when `ashlar.toml` does not give
//! it, secrets, principal IDs, addresses Azure allocates, the deployment's
//! time, the names ARM derives with `guid()`) is never guessed: it is written
//! as one of two different stand-ins, [`Variant::A`] and [`Variant::B`], and
//! a definition is decided for the resource only when both give the same
//! outcome ([`super::evaluate`]). An unknown subscription is a made-up ID in
//! the one, and in the other the subscription the assignment's scope names,
//! which the plan may well deploy to: a definition that compares IDs with
//! that subscription's is then undecided, not guessed.

use crate::lower::ir::{named_by_guid, AzurePlan, Prop, Resource};
use serde_json::{json, Map, Value};

/// Which stand-in unknown values take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    A,
    B,
}

/// The type Azure Policy gives a resource group, which the plan creates.
pub const RESOURCE_GROUP: &str = "Microsoft.Resources/subscriptions/resourceGroups";

/// A resource group of the plan as a resource Azure Policy evaluates, on the
/// block of the first resource in it (the group has no block of its own);
/// `None` for a group that holds nothing.
pub fn resource_group(plan: &AzurePlan, group: &crate::lower::ir::ResourceGroup) -> Option<Resource> {
    let first = plan.resources.iter().find(|r| r.resource_group == group.name)?;
    Some(Resource {
        symbol: String::new(),
        resource_type: RESOURCE_GROUP,
        api_version: "",
        name: vec![group.name.clone()],
        parent: None,
        resource_group: String::new(),
        location: Some(group.location.clone()),
        tags: group.tags.clone(),
        top: crate::lower::ir::Object::new(),
        properties: Prop::Object(crate::lower::ir::Object::new()),
        depends_on: Vec::new(),
        origin: first.origin,
        unless_listed_in: None,
    })
}

/// The made-up subscription ID of [`Variant::A`] when the real one is not known.
pub const STAND_IN_SUBSCRIPTION: &str = "00000000-0000-0000-0000-00000000000a";

/// What the resources are written with.
pub struct Writer<'a> {
    pub plan: &'a AzurePlan,
    /// The subscription's ID: the one `ashlar.toml` gives, else a stand-in.
    pub subscription: &'a str,
    pub variant: Variant,
}

impl Writer<'_> {
    /// The subscription the plan deploys to, as this variant writes it.
    pub fn subscription(&self) -> &str {
        self.subscription
    }

    /// A value known only at deployment.
    fn unknown(&self, what: &str) -> Value {
        let tag = if self.variant == Variant::A { "a" } else { "b" };
        Value::String(format!("<{what}, known at deployment ({tag})>"))
    }

    /// The name segments of `r` as ARM will have them.
    fn names(&self, r: &Resource) -> Vec<String> {
        if named_by_guid(r.resource_type) {
            let unknown = self.unknown("a name derived with guid()");
            return vec![unknown.as_str().unwrap_or_default().to_string()];
        }
        r.name.clone()
    }

    /// The full ID of a resource of the plan.
    pub fn id(&self, r: &Resource) -> String {
        if r.resource_type == RESOURCE_GROUP {
            return format!("/subscriptions/{}/resourceGroups/{}", self.subscription(), r.name.join("/"));
        }
        let group = if r.resource_group.is_empty() { String::new() } else { format!("/resourceGroups/{}", r.resource_group) };
        let mut segments = r.resource_type.split('/');
        let namespace = segments.next().unwrap_or_default();
        let mut path = format!("/subscriptions/{}{group}/providers/{namespace}", self.subscription());
        for (kind, name) in segments.zip(self.names(r)) {
            path.push_str(&format!("/{kind}/{name}"));
        }
        path
    }

    /// The resource as the request carries it: `id`, `name`, `type`,
    /// `apiVersion`, `location`, `tags`, its top-level fields and `properties`.
    pub fn resource(&self, r: &Resource) -> Value {
        let mut out = Map::new();
        out.insert("id".into(), Value::String(self.id(r)));
        out.insert("name".into(), Value::String(self.names(r).join("/")));
        out.insert("type".into(), Value::String(r.resource_type.into()));
        out.insert("apiVersion".into(), Value::String(r.api_version.into()));
        if let Some(location) = &r.location {
            out.insert("location".into(), Value::String(location.clone()));
        }
        if !r.tags.is_empty() || crate::azure::resource_types::resource_type(r.resource_type).is_some_and(|t| t.takes_tags) {
            out.insert("tags".into(), Value::Object(r.tags.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect()));
        }
        for (key, value) in r.top.iter() {
            out.insert(key.to_string(), self.prop(value));
        }
        out.insert("properties".into(), self.prop(&r.properties));
        Value::Object(out)
    }

    fn prop(&self, value: &Prop) -> Value {
        let plan = self.plan;
        match value {
            Prop::Str(s) => Value::String(s.clone()),
            Prop::Int(i) => json!(i),
            Prop::Bool(b) => json!(b),
            Prop::Array(items) => Value::Array(items.iter().map(|i| self.prop(i)).collect()),
            Prop::Object(entries) => Value::Object(entries.iter().map(|(k, v)| (k.to_string(), self.prop(v))).collect()),
            Prop::Id(target) | Prop::Scope(target) => Value::String(self.id(&plan[*target])),
            Prop::ChildId { resource, child, name } => Value::String(format!("{}/{child}/{name}", self.id(&plan[*resource]))),
            Prop::Secret(_) => self.unknown("a secret from Key Vault"),
            Prop::Reference { property, .. } => self.unknown(&format!("the `{property}` Azure gives")),
            Prop::PrincipalId(_) => self.unknown("a principal ID"),
            Prop::IdKeys(entries) => Value::Object(entries.iter().map(|(id, v)| (self.id(&plan[*id]), self.prop(v))).collect()),
            Prop::SubscriptionResourceId { resource_type, name } => {
                Value::String(format!("/subscriptions/{}/providers/{resource_type}/{name}", self.subscription()))
            }
            Prop::RegistrationToken(_) => self.unknown("a host pool registration token"),
            Prop::DeploymentTimePlus(_) => self.unknown("a time counted from the deployment's"),
            Prop::External(external) => {
                let subscription = external.subscription.as_deref().unwrap_or(self.subscription());
                let mut segments = external.resource_type.split('/');
                let namespace = segments.next().unwrap_or_default();
                let mut path = format!("/subscriptions/{subscription}/resourceGroups/{}/providers/{namespace}", external.resource_group);
                for (kind, name) in segments.zip(external.name.split('/')) {
                    path.push_str(&format!("/{kind}/{name}"));
                }
                Value::String(path)
            }
        }
    }
}
