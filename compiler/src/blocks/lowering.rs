//! The state the lowering passes of the blocks share: the model, the names of
//! what they make, the resources so far, resource groups, unique symbols and
//! each block's main resource.

use crate::blocks::naming::Names;
use crate::lower::ir::{AzurePlan, Prop, Resource, ResourceGroup, ResourceId, SecretRef};
use crate::model::{Model, NodeId, Typed};
use crate::schema::attrs;
use indexmap::IndexMap;

impl<'a> Lowering<'a> {
    /// A lowering of `model`, with no resource yet.
    pub fn new(model: &'a Model) -> Lowering<'a> {
        let mut lowering = Lowering {
            model,
            names: Names::new(model),
            plan: AzurePlan::default(),
            primary: IndexMap::new(),
            subnet_route_tables: IndexMap::new(),
            firewall_route_tables: Vec::new(),
            last_on: IndexMap::new(),
            symbols: IndexMap::new(),
        };
        // A Bicep module's parameter: no resource may take its name as a symbol.
        lowering.symbols.insert(crate::lower::ir::DEPLOYMENT_TIME_PARAMETER.to_string(), ());
        lowering
    }

    /// The resources the passes made, each after those it depends on; fails
    /// when some wait for each other in a circle.
    pub fn finish(mut self) -> Result<AzurePlan, Vec<crate::diagnostic::Diagnostic>> {
        self.depends_on_blocks();
        let mut plan = self.plan;
        crate::lower::deployments::order(&mut plan, self.model)?;
        Ok(plan)
    }
}

/// The state the lowering passes share.
pub struct Lowering<'a> {
    pub model: &'a Model,
    pub names: Names<'a>,
    pub plan: AzurePlan,
    /// The main resource each block lowered to: a hub's virtual network, say.
    pub primary: IndexMap<NodeId, ResourceId>,
    /// The route table of each subnet that has one, for the virtual network's pass to attach.
    pub subnet_route_tables: IndexMap<NodeId, ResourceId>,
    /// The route tables derived for spokes whose default route goes to their
    /// hub's firewall (the `firewall` block), which read its address once it is lowered.
    pub firewall_route_tables: Vec<(ResourceId, NodeId)>,
    /// The last child operation queued on each resource; see [`Lowering::after_last_on`].
    last_on: IndexMap<ResourceId, ResourceId>,
    /// Symbols in use, to keep them unique.
    symbols: IndexMap<String, ()>,
}

impl Lowering<'_> {
    /// Makes `resource` wait for the one queued on `parent` before it, and queues it.
    /// Azure fails concurrent changes under one resource (peerings of one virtual
    /// network: `AnotherOperationInProgress`), so these go one after another.
    pub fn after_last_on(&mut self, parent: ResourceId, resource: ResourceId) {
        if let Some(&before) = self.last_on.get(&parent) {
            if !self.plan[resource].depends_on.contains(&before) {
                self.plan[resource].depends_on.push(before);
            }
        }
        self.last_on.insert(parent, resource);
    }

    /// The last child operation queued on `parent`, which a resource that joins
    /// it without changing it (a network interface in a subnet) waits for.
    pub fn queued_on(&self, parent: ResourceId) -> Option<ResourceId> {
        self.last_on.get(&parent).copied()
    }

    /// Declares a resource group once, and returns its name as first spelt:
    /// Azure's resource group names ignore case.
    pub fn resource_group(&mut self, name: &str, block: NodeId) -> String {
        let location = self.model.location(block).unwrap_or_default().to_string();
        let tags = self.model.tags(block);
        self.resource_group_in(name, location, tags)
    }

    /// Declares a resource group once, in `location` with `tags` when it is new,
    /// and returns its name as first spelt.
    pub fn resource_group_in(&mut self, name: &str, location: String, tags: IndexMap<String, String>) -> String {
        if let Some(rg) = self.plan.resource_groups.iter().find(|rg| rg.name.eq_ignore_ascii_case(name)) {
            return rg.name.clone();
        }
        // A `resource_group` block gives the group its own region and tags.
        let declared = self.model.of_kind("resource_group").find(|(_, node)| node.name().eq_ignore_ascii_case(name)).map(|(id, _)| id);
        let (location, tags) = match declared {
            Some(id) => (self.model.node(id).str(crate::schema::attrs::LOCATION).map_or(location, str::to_string), self.model.tags(id)),
            None => (location, tags),
        };
        self.plan.resource_groups.push(ResourceGroup { name: name.to_string(), location, tags });
        name.to_string()
    }

    fn symbol(&mut self, base: &str) -> String {
        let mut clean: String = base.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
        if !clean.starts_with(|c: char| c.is_ascii_alphabetic()) {
            clean.insert(0, 'r');
        }
        let mut symbol = clean.clone();
        let mut n = 2;
        while self.symbols.contains_key(&symbol) {
            symbol = format!("{clean}_{n}");
            n += 1;
        }
        self.symbols.insert(symbol.clone(), ());
        symbol
    }

    /// The IR form of a typed value: strings, numbers, booleans, words and
    /// lists as data, secrets as Key Vault references. References to blocks
    /// have no generic form; each pass says what they become.
    pub fn prop(&self, value: &Typed) -> Prop {
        match value {
            Typed::Str(s) | Typed::Word(s) => Prop::str(s.clone()),
            Typed::Int(i) => Prop::Int(*i),
            Typed::Bool(b) => Prop::Bool(*b),
            Typed::Prefix(p) => Prop::str(p.to_string()),
            Typed::Ip(ip) => Prop::str(ip.to_string()),
            Typed::List(items) => Prop::Array(items.iter().map(|i| self.prop(&i.value)).collect()),
            Typed::Map(map) => Prop::Object(map.iter().map(|(k, v)| (k.clone(), Prop::str(v.value.clone()))).collect()),
            Typed::Secret { vault, name } => {
                let node = self.model.node(*vault);
                Prop::Secret(Box::new(SecretRef {
                    vault_subscription: node.str(crate::blocks::existing::SUBSCRIPTION).map(str::to_string),
                    vault_group: node.str(attrs::RESOURCE_GROUP).unwrap_or_default().to_string(),
                    vault: node.str("vault_name").unwrap_or(node.name()).to_string(),
                    secret: name.clone(),
                }))
            }
            Typed::Version(major, minor, patch) => Prop::str(format!("{major}.{minor}.{patch}")),
            // Seconds: a pass that needs another unit converts the typed value itself.
            Typed::Duration(seconds) => Prop::Int(i64::try_from(*seconds).unwrap_or(i64::MAX)),
            Typed::TimeOfDay(minutes) => Prop::str(format!("{:02}:{:02}", minutes / 60, minutes % 60)),
            Typed::Auto(_) | Typed::Ref(_) => unreachable!("lowering passes resolve `auto` and references themselves"),
        }
    }

    /// Adds a resource, making its symbol unique.
    pub fn push(&mut self, mut resource: Resource) -> ResourceId {
        resource.symbol = self.symbol(&resource.symbol);
        self.plan.resources.push(resource);
        ResourceId(self.plan.resources.len() - 1)
    }

    /// Adds a resource deployed at subscription scope by the top-level template
    /// (see [`AzurePlan::subscription_resources`]), making its symbol unique;
    /// returns its index there.
    pub fn push_subscription(&mut self, mut resource: Resource) -> usize {
        resource.symbol = self.symbol(&resource.symbol);
        self.plan.subscription_resources.push(resource);
        self.plan.subscription_resources.len() - 1
    }

    /// `depends_on = [...]` on a block: its resources wait for the other block's.
    fn depends_on_blocks(&mut self) {
        for (id, node) in self.model.nodes_with_ids() {
            let waits_for: Vec<NodeId> = node
                .list("depends_on")
                .iter()
                .filter_map(|item| match item.value {
                    Typed::Ref(target) => Some(target),
                    _ => None,
                })
                .collect();
            if waits_for.is_empty() {
                continue;
            }
            // A block's resources include those of its nested blocks: a hub's firewall waits with the hub.
            let top = |origin: NodeId| crate::graph::top(self.model, origin);
            let theirs: Vec<ResourceId> = self
                .plan
                .resource_ids()
                .filter(|r| {
                    let origin = self.plan[*r].origin;
                    waits_for.contains(&origin) || waits_for.contains(&top(origin))
                })
                .collect();
            let model = self.model;
            for resource in self.plan.resources.iter_mut().filter(|r| crate::graph::top(model, r.origin) == id) {
                for &dep in &theirs {
                    if !resource.depends_on.contains(&dep) {
                        resource.depends_on.push(dep);
                    }
                }
            }
        }
    }
}
