//! The IR: Azure resources as ARM knows them, before any output format.
//!
//! Values are typed so that emitters never have to guess: a [`Prop::Str`] is
//! always plain text, escaped on the way out and never read as an ARM or Bicep
//! expression; expressions come only from the reference variants ([`Prop::Id`],
//! [`Prop::ChildId`], [`Prop::PrincipalId`], [`Prop::IdKeys`],
//! [`Prop::SubscriptionResourceId`], [`Prop::Secret`], [`Prop::External`]) and from the names of
//! types [`named_by_guid`], which the emitters render as `resourceId(...)`,
//! `reference(...)`, `guid(...)` or a symbolic reference, with every literal in
//! them quoted.

use crate::model::NodeId;
use indexmap::IndexMap;
use std::sync::OnceLock;

/// Index of a resource in [`AzurePlan::resources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceId(pub usize);

impl ResourceId {
    pub fn index(self) -> usize {
        self.0
    }
}

/// Index of a deployment in [`AzurePlan::deployments`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeploymentId(pub usize);

impl DeploymentId {
    pub fn index(self) -> usize {
        self.0
    }
}

impl std::ops::Index<ResourceId> for AzurePlan {
    type Output = Resource;
    fn index(&self, id: ResourceId) -> &Resource {
        &self.resources[id.0]
    }
}

impl std::ops::IndexMut<ResourceId> for AzurePlan {
    fn index_mut(&mut self, id: ResourceId) -> &mut Resource {
        &mut self.resources[id.0]
    }
}

impl std::ops::Index<DeploymentId> for AzurePlan {
    type Output = Deployment;
    fn index(&self, id: DeploymentId) -> &Deployment {
        &self.deployments()[id.0]
    }
}

/// Everything one `az deployment sub create` deploys.
#[derive(Debug, Default)]
pub struct AzurePlan {
    pub resource_groups: Vec<ResourceGroup>,
    /// In the order lowering made them; [`Deployment::resources`] gives the deploy order.
    pub resources: Vec<Resource>,
    /// Resources deployed at subscription scope by the top-level template
    /// itself, after the deployments that hold what they depend on: dynamic
    /// maintenance scopes. Their `resource_group` is empty and their
    /// `deployment` unused; their [`Resource::depends_on`] and [`Prop::Id`]s
    /// index [`AzurePlan::resources`]. They carry no secrets, principal IDs or
    /// ID keys, which only a nested deployment can resolve.
    pub subscription_resources: Vec<Resource>,
    /// Every resource, each after those it depends on: found by lowering,
    /// which reports resources that wait for each other in a circle.
    pub order: Vec<ResourceId>,
    /// The nested deployments, made from [`AzurePlan::order`] when first asked
    /// for: only a build needs them, not a check or an editor.
    grouping: OnceLock<Grouping>,
    /// [`AzurePlan::deployment_secrets`] of every deployment, found once:
    /// every secret a template passes looks its parameter up there.
    secret_parameters: OnceLock<Vec<Vec<(String, SecretRef)>>>,
}

/// The resources of a plan grouped into nested deployments (see [`crate::lower::deployments::group`]).
#[derive(Debug)]
pub struct Grouping {
    /// In dependency order.
    pub deployments: Vec<Deployment>,
    /// The deployment of each resource, by [`ResourceId`].
    pub of_resource: Vec<DeploymentId>,
}

#[derive(Debug, Clone)]
pub struct ResourceGroup {
    pub name: String,
    pub location: String,
    pub tags: IndexMap<String, String>,
}

/// One Azure resource.
#[derive(Debug, Clone)]
pub struct Resource {
    /// Unique in the plan; `[A-Za-z_][A-Za-z0-9_]*`, usable as a Bicep identifier.
    pub symbol: String,
    /// e.g. `Microsoft.Network/virtualNetworks/virtualNetworkPeerings`.
    pub resource_type: &'static str,
    pub api_version: &'static str,
    /// Name segments: one for a top-level resource, parent's then own for a child.
    pub name: Vec<String>,
    /// The parent resource of a child type, when the plan deploys it.
    pub parent: Option<ResourceId>,
    pub resource_group: String,
    pub location: Option<String>,
    pub tags: IndexMap<String, String>,
    /// Top-level fields other than `properties`, in order: `sku`, `zones`, `identity`.
    pub top: Object,
    /// Always a [`Prop::Object`].
    pub properties: Prop,
    /// Resources that must exist first.
    pub depends_on: Vec<ResourceId>,
    /// The block this resource was derived from.
    pub origin: NodeId,
    /// For a type ARM refuses to update (an image template): the top-level
    /// template parameter listing the names already in Azure. The resource is
    /// deployed only when its name is not in that list, so that a second
    /// deployment of the same output succeeds and changes nothing.
    pub unless_listed_in: Option<&'static str>,
}

impl Resource {
    /// About how many bytes the resource takes in ARM JSON, without spaces.
    pub fn weight(&self) -> usize {
        let names: usize = self.name.iter().map(|n| n.len() + 3).sum();
        let tags: usize = self.tags.iter().map(|(k, v)| k.len() + v.len() + 6).sum();
        let top: usize = self.top.iter().map(|(k, v)| k.len() + 4 + v.weight()).sum();
        // type, apiVersion, location and dependsOn, with their keys.
        let fixed = 100 + self.resource_type.len() + self.location.as_ref().map_or(0, String::len) + 200 * self.depends_on.len();
        fixed + names + tags + top + self.properties.weight()
    }

    /// A resource with nothing but its identity and place, at the
    /// [`api_version`] of its type; callers fill `properties`, `top`,
    /// `depends_on` and `parent` as they need.
    pub fn new(
        symbol: impl Into<String>,
        resource_type: &'static str,
        name: Vec<String>,
        resource_group: String,
        location: Option<String>,
        tags: IndexMap<String, String>,
        origin: NodeId,
    ) -> Resource {
        Resource {
            symbol: symbol.into(),
            resource_type,
            api_version: api_version(resource_type),
            name,
            parent: None,
            resource_group,
            location,
            tags,
            top: Object::new(),
            properties: Prop::Object(Object::new()),
            depends_on: Vec::new(),
            origin,
            unless_listed_in: None,
        }
    }
}

/// The key of an [`Object`]: most are the fixed names of ARM's schemas, which
/// cost no allocation; user text (tag names, extension settings) is owned.
pub type Key = std::borrow::Cow<'static, str>;

/// A JSON object of the IR: its entries in the order they were first
/// inserted. Most objects hold a handful of entries, so a vector searched in
/// order beats a hash table in time and memory; a plan holds millions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Object(Vec<(Key, Prop)>);

impl Object {
    pub fn new() -> Object {
        Object(Vec::new())
    }

    /// Sets `key` to `value`: in place when the key is there already (keeping
    /// its position), else at the end. Returns the value it replaced.
    pub fn insert(&mut self, key: Key, value: Prop) -> Option<Prop> {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, old)) => Some(std::mem::replace(old, value)),
            None => {
                self.0.push((key, value));
                None
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&Prop> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Prop)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }

    /// Orders the entries by `key`, keeping the order of equal ones.
    pub fn sort_by_key<T: Ord>(&mut self, mut key: impl FnMut(&str, &Prop) -> T) {
        self.0.sort_by_key(|(k, v)| key(k, v));
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_ref())
    }

    pub fn values(&self) -> impl Iterator<Item = &Prop> {
        self.0.iter().map(|(_, v)| v)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<K: Into<Key>> FromIterator<(K, Prop)> for Object {
    fn from_iter<I: IntoIterator<Item = (K, Prop)>>(entries: I) -> Object {
        let mut object = Object::new();
        object.extend(entries);
        object
    }
}

impl<K: Into<Key>> Extend<(K, Prop)> for Object {
    fn extend<I: IntoIterator<Item = (K, Prop)>>(&mut self, entries: I) {
        for (k, v) in entries {
            self.insert(k.into(), v);
        }
    }
}

impl std::ops::Index<&str> for Object {
    type Output = Prop;

    /// The value of `key`; panics when there is none, as a map's index does.
    fn index(&self, key: &str) -> &Prop {
        self.get(key).unwrap_or_else(|| panic!("no `{key}` in the object"))
    }
}

impl<'a> IntoIterator for &'a Object {
    type Item = (&'a str, &'a Prop);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (Key, Prop)>, fn(&'a (Key, Prop)) -> (&'a str, &'a Prop)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }
}

/// A property value.
#[derive(Debug, Clone, PartialEq)]
pub enum Prop {
    Str(String),
    Int(i64),
    Bool(bool),
    Array(Vec<Prop>),
    Object(Object),
    /// The full resource ID of another resource of the plan.
    Id(ResourceId),
    /// The full resource ID of a child declared inline in another resource of
    /// the plan: a subnet (`child: "subnets"`) of a virtual network.
    ChildId {
        resource: ResourceId,
        child: &'static str,
        name: String,
    },
    /// A Key Vault secret, passed to the deployment as a secure parameter.
    Secret(Box<SecretRef>),
    /// A property Azure gives a resource of the plan when it deploys it, read
    /// with `reference()`: `ipAddress`, the address a public IP address got.
    /// The reader must also depend on the resource.
    Reference {
        resource: ResourceId,
        property: &'static str,
    },
    /// The principal ID of a managed identity of the plan, known only once ARM
    /// has created it: `reference(<id>, <apiVersion>).principalId`.
    PrincipalId(ResourceId),
    /// An object whose keys are the full resource IDs of resources of the plan:
    /// an `identity`'s `userAssignedIdentities`.
    IdKeys(Vec<(ResourceId, Prop)>),
    /// The full ID of a subscription-level resource the plan does not deploy,
    /// such as a built-in role definition: `subscriptionResourceId(<type>, <name>)`.
    SubscriptionResourceId {
        resource_type: &'static str,
        name: String,
    },
    /// The resource of the plan an extension resource (a role assignment) applies
    /// to, as its top-level `scope`: the target's type and name in ARM, its
    /// symbol in Bicep. The target must be in the owner's resource group, and the
    /// owner must also depend on it.
    Scope(ResourceId),
    /// The registration token of a host pool of the plan, which session hosts
    /// join it with: `listRegistrationTokens(<id>, <apiVersion>).value[0].token`.
    /// Azure returns it only from this action, never in the host pool's
    /// properties. The reader must also depend on the host pool.
    RegistrationToken(ResourceId),
    /// The time the deployment runs, plus an ISO 8601 duration ashlar chose (never
    /// user text): `dateTimeAdd(<deployment time>, 'PT24H')`. ARM knows the time
    /// only in a parameter's default value (`utcNow()`), so each deployment that
    /// uses it declares the parameter [`DEPLOYMENT_TIME_PARAMETER`].
    DeploymentTimePlus(&'static str),
    /// The full ID of a resource the plan refers to but never deploys (an
    /// `existing` block), in this subscription or another:
    /// `resourceId(['<subscription>',] '<group>', '<type>', '<name>')`.
    External(Box<External>),
}

/// A resource deployed elsewhere: see [`Prop::External`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct External {
    /// `None`: the subscription the plan deploys to.
    pub subscription: Option<String>,
    pub resource_group: String,
    pub resource_type: &'static str,
    /// The name, its segments joined by `/` for a child (`gallery/image/1.0.0`).
    pub name: String,
}

/// The parameter of a nested deployment that holds the time it runs, for
/// [`Prop::DeploymentTimePlus`]: its default value is `utcNow('u')`, and nothing
/// passes it a value.
pub const DEPLOYMENT_TIME_PARAMETER: &str = "deployment_time";

/// The parameter of the top-level template, and of the nested deployments
/// holding image templates, listing the image templates already in Azure (see
/// [`Resource::unless_listed_in`]): empty by default, for a first deployment.
pub const EXISTING_IMAGE_TEMPLATES: &str = "existingImageTemplates";

/// A secret in an existing Key Vault: `secret(vault, "name")`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretRef {
    /// The vault's subscription, when it is not the deployment's.
    pub vault_subscription: Option<String>,
    pub vault_group: String,
    pub vault: String,
    pub secret: String,
}

impl Prop {
    /// About how many bytes the value takes in ARM JSON, without spaces: to
    /// keep templates under ARM's size limit.
    pub fn weight(&self) -> usize {
        match self {
            Prop::Str(s) => s.len() + 3,
            Prop::Array(items) => 2 + items.iter().map(|i| i.weight() + 1).sum::<usize>(),
            Prop::Object(entries) => 2 + entries.iter().map(|(k, v)| k.len() + 4 + v.weight()).sum::<usize>(),
            Prop::IdKeys(entries) => 2 + entries.iter().map(|(_, v)| 200 + v.weight()).sum::<usize>(),
            Prop::ChildId { name, .. } => 200 + name.len(),
            Prop::Secret(_) => 60,
            // A resource ID or reference: a `resourceId(...)` expression of the target's names.
            _ => 200,
        }
    }

    /// Every secret a value uses, in order of appearance, into `out` without repeats.
    pub fn secrets<'a>(&'a self, out: &mut Vec<&'a SecretRef>) {
        match self {
            Prop::Secret(s) if !out.contains(&&**s) => {
                out.push(s);
            }
            Prop::Array(items) => items.iter().for_each(|i| i.secrets(out)),
            Prop::Object(entries) => entries.values().for_each(|v| v.secrets(out)),
            Prop::IdKeys(entries) => entries.iter().for_each(|(_, v)| v.secrets(out)),
            _ => {}
        }
    }

    /// Whether a value reads the time of the deployment ([`Prop::DeploymentTimePlus`]).
    pub fn uses_deployment_time(&self) -> bool {
        match self {
            Prop::DeploymentTimePlus(_) => true,
            Prop::Array(items) => items.iter().any(Prop::uses_deployment_time),
            Prop::Object(entries) => entries.values().any(Prop::uses_deployment_time),
            Prop::IdKeys(entries) => entries.iter().any(|(_, v)| v.uses_deployment_time()),
            _ => false,
        }
    }
}

impl AzurePlan {
    pub fn new(
        resource_groups: Vec<ResourceGroup>,
        resources: Vec<Resource>,
        deployments: Vec<Deployment>,
        subscription_resources: Vec<Resource>,
    ) -> AzurePlan {
        let mut of_resource = vec![DeploymentId(0); resources.len()];
        for (d, deployment) in deployments.iter().enumerate() {
            for &r in &deployment.resources {
                of_resource[r.0] = DeploymentId(d);
            }
        }
        let order = deployments.iter().flat_map(|d| d.resources.iter().copied()).collect();
        let grouping = OnceLock::from(Grouping { deployments, of_resource });
        AzurePlan { resource_groups, resources, subscription_resources, order, grouping, secret_parameters: Default::default() }
    }

    /// The nested deployments, in dependency order.
    pub fn deployments(&self) -> &[Deployment] {
        &self.grouping().deployments
    }

    /// The deployment that holds a resource.
    pub fn deployment_of(&self, resource: ResourceId) -> DeploymentId {
        self.grouping().of_resource[resource.0]
    }

    /// The ids of [`AzurePlan::resources`], in order.
    pub fn resource_ids(&self) -> impl Iterator<Item = ResourceId> {
        (0..self.resources.len()).map(ResourceId)
    }

    /// [`AzurePlan::resources`] with their ids, in order.
    pub fn resources_with_ids(&self) -> impl Iterator<Item = (ResourceId, &Resource)> {
        self.resource_ids().zip(&self.resources)
    }

    /// The ids of [`AzurePlan::deployments`], in order.
    pub fn deployment_ids(&self) -> impl Iterator<Item = DeploymentId> {
        (0..self.deployments().len()).map(DeploymentId)
    }

    fn grouping(&self) -> &Grouping {
        self.grouping.get_or_init(|| crate::lower::deployments::group(self))
    }

    /// The secrets a deployment's resources use, each with the name of the secure
    /// parameter that carries it into the deployment: `secret_<name>`, made unique.
    pub fn deployment_secrets(&self, deployment: DeploymentId) -> Vec<(String, &SecretRef)> {
        let all = self.secret_parameters.get_or_init(|| self.deployment_ids().map(|d| self.find_deployment_secrets(d)).collect());
        all.get(deployment.0).map(|named| named.iter().map(|(name, secret)| (name.clone(), secret)).collect()).unwrap_or_default()
    }

    fn find_deployment_secrets(&self, deployment: DeploymentId) -> Vec<(String, SecretRef)> {
        let mut secrets = Vec::new();
        for &r in &self[deployment].resources {
            let resource = &self[r];
            resource.properties.secrets(&mut secrets);
            resource.top.values().for_each(|v| v.secrets(&mut secrets));
        }
        let mut named: Vec<(String, SecretRef)> = Vec::new();
        for secret in secrets {
            let base: String = format!("secret_{}", secret.secret).chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
            let mut name = base.clone();
            let mut n = 2;
            while named.iter().any(|(taken, _)| *taken == name) {
                name = format!("{base}_{n}");
                n += 1;
            }
            named.push((name, secret.clone()));
        }
        named
    }

    /// The parameters listing resources already in Azure that a deployment's
    /// resources are deployed unless named in ([`Resource::unless_listed_in`]),
    /// each once, in a fixed order.
    pub fn deployment_listing_parameters(&self, deployment: DeploymentId) -> Vec<&'static str> {
        let mut parameters: Vec<&'static str> = self[deployment].resources.iter().filter_map(|&r| self[r].unless_listed_in).collect();
        parameters.sort_unstable();
        parameters.dedup();
        parameters
    }

    /// Whether a deployment's resources read the time it runs, so that its
    /// template declares [`DEPLOYMENT_TIME_PARAMETER`].
    pub fn deployment_uses_time(&self, deployment: DeploymentId) -> bool {
        self[deployment].resources.iter().any(|&r| {
            let resource = &self[r];
            resource.properties.uses_deployment_time() || resource.top.values().any(Prop::uses_deployment_time)
        })
    }
}

impl Prop {
    pub fn object<const N: usize>(entries: [(&'static str, Prop); N]) -> Prop {
        Prop::Object(entries.into_iter().collect())
    }

    pub fn str(s: impl Into<String>) -> Prop {
        Prop::Str(s.into())
    }
}

/// One nested deployment (ARM) or module (Bicep): resources of one resource
/// group that can deploy together.
#[derive(Debug, Clone)]
pub struct Deployment {
    /// The deployment's name in Azure: 1-64 of `[-\w._()]`.
    pub name: String,
    /// Unique; a Bicep identifier.
    pub symbol: String,
    /// The Bicep module's file name without `.bicep`, under `modules/`.
    pub file_stem: String,
    pub resource_group: String,
    /// In dependency order: each comes after those it depends on.
    pub resources: Vec<ResourceId>,
    /// Deployments that must finish first.
    pub depends_on: Vec<DeploymentId>,
}

/// The apiVersion ashlar emits for a resource type: its row in
/// [`crate::azure::RESOURCE_TYPES`].
pub fn api_version(resource_type: &str) -> &'static str {
    match crate::azure::resource_types::resource_type(resource_type) {
        Some(row) => row.api_version,
        // A test reads every type the lowering names against the table.
        None => panic!("no row in azure::RESOURCE_TYPES for {resource_type}"),
    }
}

/// Whether resources of a type are named by a GUID that must be unique in the
/// tenant: role assignments. Their [`Resource::name`] is a seed; the emitters
/// write the name as `guid(subscription().subscriptionId, <resource group>,
/// <seed>...)`, so that one plan deployed to two subscriptions of a tenant
/// gets two names, and the same plan redeployed gets the same one. Every
/// argument is a literal: no user value becomes an expression.
pub fn named_by_guid(resource_type: &str) -> bool {
    resource_type == "Microsoft.Authorization/roleAssignments"
}
