//! Bicep: `main.bicep` at subscription scope, with one resource per resource
//! group, one module per [`Deployment`] and the plan's subscription-scope
//! resources, and `modules/<file_stem>.bicep` for each module.
//!
//! The file skeletons are handlebars templates under `templates/`; every value
//! that reaches them is Bicep source already, made here: strings quoted by
//! [`bicep_string`], keys by [`bicep_key`], nested values by [`value`].

use super::escape::{bicep_key, bicep_string};
use super::parts::Part;
use crate::lower::ir::{api_version, named_by_guid, AzurePlan, DeploymentId, Prop, Resource, ResourceId, DEPLOYMENT_TIME_PARAMETER};
use handlebars::Handlebars;
use indexmap::{IndexMap, IndexSet};
use serde_json::{json, Value};
use std::sync::OnceLock;

const MAIN_TEMPLATE: &str = include_str!("../../../templates/main.bicep.hbs");
const MODULE_TEMPLATE: &str = include_str!("../../../templates/module.bicep.hbs");
const RESOURCE_GROUPS: &str = "Microsoft.Resources/resourceGroups";
const KEY_VAULTS: &str = "Microsoft.KeyVault/vaults";

/// The template registry: strict, and with no escaping of its own (values are
/// escaped for Bicep before they get there; HTML escaping would corrupt them).
fn templates() -> &'static Handlebars<'static> {
    static REGISTRY: OnceLock<Handlebars<'static>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        hb.register_escape_fn(handlebars::no_escape);
        hb.register_template_string("main", MAIN_TEMPLATE).expect("templates/main.bicep.hbs is a valid template");
        hb.register_template_string("module", MODULE_TEMPLATE).expect("templates/module.bicep.hbs is a valid template");
        hb
    })
}

fn render(name: &str, data: &Value) -> String {
    templates().render(name, data).unwrap_or_else(|e| panic!("rendering the {name} Bicep template: {e}"))
}

/// `main.bicep`, or one part of a plan split into several ([`Part`]).
pub fn main(plan: &AzurePlan, part: &Part) -> String {
    let rg_symbols = resource_group_symbols(plan);
    let resource_groups: Vec<Value> = part
        .resource_groups
        .iter()
        .map(|&g| (&plan.resource_groups[g], &rg_symbols[g]))
        .map(|(rg, symbol)| {
            json!({
                "symbol": symbol,
                "type": type_at_api(RESOURCE_GROUPS, api_version(RESOURCE_GROUPS)),
                "name": bicep_string(&rg.name),
                "location": bicep_string(&rg.location),
                "tags": tags(&rg.tags, 1),
            })
        })
        .collect();
    // Key Vaults holding the plan's secrets, read with getSecret() into module parameters.
    let mut vaults: Vec<(Option<&str>, &str, &str)> = Vec::new();
    for &index in &part.deployments {
        for (_, secret) in plan.deployment_secrets(index) {
            let vault = (secret.vault_subscription.as_deref(), secret.vault_group.as_str(), secret.vault.as_str());
            if !vaults.contains(&vault) {
                vaults.push(vault);
            }
        }
    }
    let mut vault_symbols: Vec<String> = Vec::new();
    for (_, _, name) in &vaults {
        let base: String = format!("kv_{name}").chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
        let mut symbol = base.clone();
        let mut n = 2;
        while vault_symbols.contains(&symbol) || rg_symbols.contains(&symbol) || plan.deployments().iter().any(|d| d.symbol == symbol) {
            symbol = format!("{base}_{n}");
            n += 1;
        }
        vault_symbols.push(symbol);
    }
    let key_vaults: Vec<Value> = vaults
        .iter()
        .zip(&vault_symbols)
        .map(|((subscription, group, name), symbol)| {
            let scope = match subscription {
                Some(subscription) => format!("resourceGroup({}, {})", bicep_string(subscription), bicep_string(group)),
                None => format!("resourceGroup({})", bicep_string(group)),
            };
            json!({
                "symbol": symbol,
                "type": type_at_api(KEY_VAULTS, api_version(KEY_VAULTS)),
                "name": bicep_string(name),
                "scope": scope,
            })
        })
        .collect();
    let modules: Vec<Value> = part
        .deployments
        .iter()
        .map(|&index| {
            let d = &plan[index];
            let scope = plan
                .resource_groups
                .iter()
                .position(|rg| rg.name.eq_ignore_ascii_case(&d.resource_group))
                .map(|i| rg_symbols[i].clone())
                // A group the plan does not declare (lowering always declares them): refer to it by name.
                .unwrap_or_else(|| format!("resourceGroup({})", bicep_string(&d.resource_group)));
            // A module of an earlier part has finished before this part starts.
            let depends_on: Vec<&str> = d.depends_on.iter().filter(|&&o| part.holds(o)).map(|&o| plan[o].symbol.as_str()).collect();
            let mut params: Vec<Value> = plan
                .deployment_secrets(index)
                .into_iter()
                .map(|(name, secret)| {
                    let vault = vaults
                        .iter()
                        .position(|v| v == &(secret.vault_subscription.as_deref(), secret.vault_group.as_str(), secret.vault.as_str()))
                        .expect("vault listed");
                    json!({ "name": name, "value": format!("{}.getSecret({})", vault_symbols[vault], bicep_string(&secret.secret)) })
                })
                .collect();
            params.extend(plan.deployment_listing_parameters(index).into_iter().map(|name| json!({ "name": name, "value": name })));
            json!({
                "symbol": d.symbol,
                "params": params,
                "path": bicep_string(&format!("modules/{}.bicep", d.file_stem)),
                "name": bicep_string(&d.name),
                "scope": scope,
                "depends_on": depends_on,
            })
        })
        .collect();
    let mut listing_params: Vec<&'static str> = part.deployments.iter().flat_map(|&d| plan.deployment_listing_parameters(d)).collect();
    listing_params.sort_unstable();
    listing_params.dedup();
    let mut taken: IndexSet<String> = rg_symbols.iter().chain(&vault_symbols).cloned().collect();
    taken.extend(plan.deployments().iter().map(|d| d.symbol.clone()));
    let resources: Vec<Value> =
        part.subscription_resources.iter().map(|&r| subscription_resource(plan, part, &plan.subscription_resources[r], &mut taken)).collect();
    render(
        "main",
        &super::object([
            ("version", json!(env!("CARGO_PKG_VERSION"))),
            ("listing_params", json!(listing_params)),
            ("resource_groups", Value::Array(resource_groups)),
            ("key_vaults", Value::Array(key_vaults)),
            ("modules", Value::Array(modules)),
            ("resources", Value::Array(resources)),
        ]),
    )
}

/// The scope of `main.bicep` itself, for [`value`]: no module's. A value of a
/// resource there refers to the plan's resources by `resourceId('<rg>', ...)`.
/// No deployment has this index, so no resource is [`AzurePlan::deployment_of`] it.
const SUBSCRIPTION_SCOPE: DeploymentId = DeploymentId(usize::MAX);

/// A resource of `main.bicep`, at subscription scope (see
/// [`AzurePlan::subscription_resources`]): its symbol unique among `taken`,
/// waiting for the modules that deploy what it depends on.
fn subscription_resource(plan: &AzurePlan, part: &Part, resource: &Resource, taken: &mut IndexSet<String>) -> Value {
    let mut symbol = resource.symbol.clone();
    let mut n = 2;
    while taken.contains(&symbol) {
        symbol = format!("{}_{n}", resource.symbol);
        n += 1;
    }
    taken.insert(symbol.clone());
    let mut depends_on: Vec<&str> = Vec::new();
    for &dep in resource.depends_on.iter().filter(|&&dep| part.holds(plan.deployment_of(dep))) {
        let module = plan[plan.deployment_of(dep)].symbol.as_str();
        if !depends_on.contains(&module) {
            depends_on.push(module);
        }
    }
    let top: Vec<Value> = resource
        .top
        .iter()
        .map(|(k, v)| {
            super::object([("key", Value::String(bicep_key(k))), ("value", Value::String(value(plan, SUBSCRIPTION_SCOPE, resource, v, 1)))])
        })
        .collect();
    super::object([
        ("symbol", json!(symbol)),
        ("type", json!(type_at_api(resource.resource_type, resource.api_version))),
        ("name", json!(bicep_string(&resource.name.join("/")))),
        ("location", json!(resource.location.as_deref().map(bicep_string))),
        ("tags", json!(tags(&resource.tags, 1))),
        ("top", Value::Array(top)),
        ("properties", Value::String(value(plan, SUBSCRIPTION_SCOPE, resource, &resource.properties, 1))),
        ("depends_on", json!(depends_on)),
    ])
}

/// `modules/<file_stem>.bicep` for deployment `id`.
pub fn module(plan: &AzurePlan, id: DeploymentId) -> String {
    let deployment = &plan[id];
    let in_module = |r: ResourceId| plan.deployment_of(r) == id;

    // Parents deployed elsewhere, and resources deployed elsewhere whose
    // principal ID or ID a value reads by symbol, declared `existing` once each.
    let mut existing: IndexSet<ResourceId> = IndexSet::new();
    for &r in &deployment.resources {
        let resource = &plan[r];
        if let Some(p) = resource.parent.filter(|&p| !in_module(p)) {
            existing.insert(p);
        }
        let mut by_symbol = Vec::new();
        read_by_symbol(&resource.properties, &mut by_symbol);
        resource.top.values().for_each(|v| read_by_symbol(v, &mut by_symbol));
        existing.extend(by_symbol.into_iter().filter(|&t| !in_module(t)));
    }
    let existing: Vec<Value> = existing
        .into_iter()
        .map(|p| {
            let parent = &plan[p];
            let scope = (!parent.resource_group.eq_ignore_ascii_case(&deployment.resource_group))
                .then(|| format!("resourceGroup({})", bicep_string(&parent.resource_group)));
            json!({
                "symbol": parent.symbol,
                "type": type_at_api(parent.resource_type, parent.api_version),
                "scope": scope,
                "name": bicep_string(&parent.name.join("/")),
            })
        })
        .collect();

    let resources: Vec<Value> = deployment
        .resources
        .iter()
        .map(|&r| {
            let resource = &plan[r];
            let (parent, name) = match resource.parent {
                Some(p) => (Some(plan[p].symbol.as_str()), bicep_string(resource.name.last().map(String::as_str).unwrap_or_default())),
                None if named_by_guid(resource.resource_type) => (None, guid_name(resource)),
                None => (None, bicep_string(&resource.name.join("/"))),
            };
            // Bicep infers a dependency on the parent and on every symbol used
            // in the body: list only the others.
            let mut implied: Vec<ResourceId> = resource.parent.into_iter().collect();
            referenced(&resource.properties, &mut implied);
            resource.top.values().for_each(|v| referenced(v, &mut implied));
            let top: Vec<Value> = resource
                .top
                .iter()
                .map(|(k, v)| super::object([("key", Value::String(bicep_key(k))), ("value", Value::String(value(plan, id, resource, v, 1)))]))
                .collect();
            let mut depends_on: Vec<&str> = Vec::new();
            for &d in &resource.depends_on {
                let symbol = plan[d].symbol.as_str();
                if in_module(d) && !implied.contains(&d) && !depends_on.contains(&symbol) {
                    depends_on.push(symbol);
                }
            }
            let condition = resource.unless_listed_in.map(|listing| format!("!contains({listing}, {})", bicep_string(&resource.name.join("/"))));
            super::object([
                ("symbol", json!(resource.symbol)),
                ("type", json!(type_at_api(resource.resource_type, resource.api_version))),
                ("condition", json!(condition)),
                ("parent", json!(parent)),
                ("name", Value::String(name)),
                ("location", json!(resource.location.as_deref().map(bicep_string))),
                ("tags", json!(tags(&resource.tags, 1))),
                ("top", Value::Array(top)),
                ("properties", Value::String(value(plan, id, resource, &resource.properties, 1))),
                ("depends_on", json!(depends_on)),
            ])
        })
        .collect();
    let secure_params: Vec<String> = plan.deployment_secrets(id).into_iter().map(|(name, _)| name).collect();
    // The time the module runs is known only in a parameter's default value; nothing passes it.
    let time_param = plan.deployment_uses_time(id).then_some(DEPLOYMENT_TIME_PARAMETER);
    render(
        "module",
        &super::object([
            ("version", json!(env!("CARGO_PKG_VERSION"))),
            ("params", json!(secure_params)),
            ("time_param", json!(time_param)),
            ("listing_params", json!(plan.deployment_listing_parameters(id))),
            ("existing", Value::Array(existing)),
            ("resources", Value::Array(resources)),
        ]),
    )
}

/// A property value of `owner` (in deployment `id`) as Bicep, its nested lines
/// indented one step (two spaces) deeper than `indent` steps.
pub fn value(plan: &AzurePlan, id: DeploymentId, owner: &Resource, prop: &Prop, indent: usize) -> String {
    match prop {
        Prop::Str(s) => bicep_string(s),
        Prop::Int(i) => i.to_string(),
        Prop::Bool(b) => b.to_string(),
        Prop::Array(items) => block('[', ']', indent, items.iter().map(|i| value(plan, id, owner, i, indent + 1))),
        Prop::Object(entries) => {
            block('{', '}', indent, entries.iter().map(|(k, v)| format!("{}: {}", bicep_key(k), value(plan, id, owner, v, indent + 1))))
        }
        Prop::Id(target) => {
            if plan.deployment_of(*target) == id {
                return format!("{}.id", plan[*target].symbol);
            }
            let target = &plan[*target];
            resource_id(owner, target, None)
        }
        Prop::ChildId { resource, child, name } => resource_id(owner, &plan[*resource], Some((child, name))),
        Prop::Reference { resource, property } => {
            let target = &plan[*resource];
            if plan.deployment_of(*resource) == id {
                return format!("{}.properties.{property}", target.symbol);
            }
            format!("reference({}, {}).{property}", resource_id(owner, target, None), bicep_string(target.api_version))
        }
        Prop::Secret(secret) => plan
            .deployment_secrets(id)
            .into_iter()
            .find(|(_, s)| *s == &**secret)
            .map(|(name, _)| name)
            .expect("every secret of a deployment has a parameter"),
        // By symbol: [`module`] declares the target `existing` when another module deploys it.
        Prop::PrincipalId(target) => format!("{}.properties.principalId", plan[*target].symbol),
        // By symbol too: the Bicep parsers scanners use reject a quote inside an interpolated key.
        Prop::IdKeys(entries) => block(
            '{',
            '}',
            indent,
            entries.iter().map(|(target, v)| format!("'${{{}.id}}': {}", plan[*target].symbol, value(plan, id, owner, v, indent + 1))),
        ),
        Prop::SubscriptionResourceId { resource_type, name } => {
            format!("subscriptionResourceId({}, {})", bicep_string(resource_type), bicep_string(name))
        }
        // By symbol, as the next two: [`module`] declares the target `existing` when another module deploys it.
        Prop::Scope(target) => plan[*target].symbol.clone(),
        Prop::RegistrationToken(target) => format!("{}.listRegistrationTokens().value[0].token", plan[*target].symbol),
        Prop::DeploymentTimePlus(duration) => format!("dateTimeAdd({DEPLOYMENT_TIME_PARAMETER}, {})", bicep_string(duration)),
        Prop::External(target) => super::arm::external_id(target, bicep_string),
    }
}

/// `guid(subscription().subscriptionId, '<group>', '<seed>'...)`: the name of a
/// resource [`named_by_guid`], every argument a literal.
fn guid_name(resource: &Resource) -> String {
    let args: Vec<String> =
        std::iter::once(resource.resource_group.as_str()).chain(resource.name.iter().map(String::as_str)).map(bicep_string).collect();
    format!("guid(subscription().subscriptionId, {})", args.join(", "))
}

/// `resourceId(['<rg>',] '<type>[/<child>]', '<segment>'...[, '<child name>'])`.
fn resource_id(owner: &Resource, target: &Resource, child: Option<(&str, &str)>) -> String {
    let rg = (!target.resource_group.eq_ignore_ascii_case(&owner.resource_group)).then_some(target.resource_group.as_str());
    let resource_type = match child {
        Some((child_type, _)) => format!("{}/{child_type}", target.resource_type),
        None => target.resource_type.to_string(),
    };
    let mut args: Vec<String> = rg.into_iter().chain(std::iter::once(resource_type.as_str())).map(bicep_string).collect();
    if named_by_guid(target.resource_type) {
        args.push(guid_name(target));
    } else {
        args.extend(target.name.iter().map(|n| bicep_string(n)));
    }
    args.extend(child.map(|(_, name)| bicep_string(name)));
    format!("resourceId({})", args.join(", "))
}

/// Lines between brackets: `[]` when empty, else one item a line.
fn block(open: char, close: char, indent: usize, items: impl Iterator<Item = String>) -> String {
    let inner = "  ".repeat(indent + 1);
    let mut out = String::new();
    out.push(open);
    let mut empty = true;
    for item in items {
        empty = false;
        out.push('\n');
        out.push_str(&inner);
        out.push_str(&item);
    }
    if !empty {
        out.push('\n');
        out.push_str(&"  ".repeat(indent));
    }
    out.push(close);
    out
}

/// Tags as a Bicep object, or `None` when there are none.
fn tags(tags: &IndexMap<String, String>, indent: usize) -> Option<String> {
    (!tags.is_empty()).then(|| block('{', '}', indent, tags.iter().map(|(k, v)| format!("{}: {}", bicep_key(k), bicep_string(v)))))
}

/// Resources whose symbol a value reads whichever module deploys them: the
/// targets of [`Prop::PrincipalId`], [`Prop::Scope`] and
/// [`Prop::RegistrationToken`], and the keys of [`Prop::IdKeys`].
fn read_by_symbol(prop: &Prop, out: &mut Vec<ResourceId>) {
    match prop {
        Prop::PrincipalId(r) | Prop::Scope(r) | Prop::RegistrationToken(r) => out.push(*r),
        Prop::IdKeys(entries) => entries.iter().for_each(|(r, v)| {
            out.push(*r);
            read_by_symbol(v, out);
        }),
        Prop::Array(items) => items.iter().for_each(|i| read_by_symbol(i, out)),
        Prop::Object(entries) => entries.values().for_each(|v| read_by_symbol(v, out)),
        Prop::Str(_)
        | Prop::Int(_)
        | Prop::Bool(_)
        | Prop::Id(_)
        | Prop::ChildId { .. }
        | Prop::Secret(_)
        | Prop::SubscriptionResourceId { .. }
        | Prop::Reference { .. }
        | Prop::External(_)
        | Prop::DeploymentTimePlus(_) => {}
    }
}

/// Resources a value refers to by [`Prop::Id`], [`Prop::Reference`],
/// [`Prop::PrincipalId`], [`Prop::Scope`] or [`Prop::RegistrationToken`].
fn referenced(prop: &Prop, out: &mut Vec<ResourceId>) {
    match prop {
        Prop::Id(r) | Prop::PrincipalId(r) | Prop::Reference { resource: r, .. } | Prop::Scope(r) | Prop::RegistrationToken(r) => out.push(*r),
        Prop::Array(items) => items.iter().for_each(|i| referenced(i, out)),
        Prop::Object(entries) => entries.values().for_each(|v| referenced(v, out)),
        Prop::IdKeys(entries) => entries.iter().for_each(|(r, v)| {
            out.push(*r);
            referenced(v, out);
        }),
        // A child's ID is written with resourceId(), which Bicep does not read as a dependency.
        Prop::Str(_)
        | Prop::Int(_)
        | Prop::Bool(_)
        | Prop::ChildId { .. }
        | Prop::Secret(_)
        | Prop::SubscriptionResourceId { .. }
        | Prop::External(_)
        | Prop::DeploymentTimePlus(_) => {}
    }
}

fn type_at_api(resource_type: &str, api: &str) -> String {
    bicep_string(&format!("{resource_type}@{api}"))
}

/// A symbol for each resource group of `main.bicep`: its name made an
/// identifier, `rg_` in front unless it starts so already, unique among
/// themselves and the module symbols.
fn resource_group_symbols(plan: &AzurePlan) -> Vec<String> {
    let mut taken: IndexSet<String> = plan.deployments().iter().map(|d| d.symbol.clone()).collect();
    plan.resource_groups
        .iter()
        .map(|rg| {
            let clean: String = rg.name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
            let base = if clean.starts_with("rg_") { clean } else { format!("rg_{clean}") };
            let mut symbol = base.clone();
            let mut n = 2;
            while taken.contains(&symbol) {
                symbol = format!("{base}_{n}");
                n += 1;
            }
            taken.insert(symbol.clone());
            symbol
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::ir::{Deployment, ResourceGroup};

    #[test]
    fn resource_group_symbols_are_unique_identifiers() {
        let rg = |name: &str| ResourceGroup { name: name.into(), location: "uksouth".into(), tags: IndexMap::new() };
        let resource_groups = vec![rg("rg-a"), rg("rg.a"), rg("net"), rg("[x]"), rg("Zürich")];
        let deployments = vec![Deployment {
            name: "d".into(),
            symbol: "rg_net".into(),
            file_stem: "d".into(),
            resource_group: "net".into(),
            resources: vec![],
            depends_on: vec![],
        }];
        let plan = AzurePlan::new(resource_groups, Vec::new(), deployments, Vec::new());
        assert_eq!(resource_group_symbols(&plan), ["rg_a", "rg_a_2", "rg_net_2", "rg__x_", "rg_Z_rich"]);
    }
}
