//! ARM JSON: `main.json`, a subscription-scope template in classic mode (its
//! `resources` an array), with one resource group resource per group, one
//! nested deployment per [`Deployment`], then the plan's subscription-scope
//! resources ([`AzurePlan::subscription_resources`]); and `main.parameters.json`.
//!
//! Every literal goes through [`arm_literal`]; expressions are made only here,
//! from [`Prop::Id`] and the other reference variants and dependencies, with
//! their literals quoted by [`arm_expr_string`].

use super::escape::{arm_expr_string, arm_literal};
use super::parts::Part;
use crate::lower::ir::{
    api_version, named_by_guid, AzurePlan, Deployment, DeploymentId, Prop, Resource, ResourceId, DEPLOYMENT_TIME_PARAMETER, EXISTING_IMAGE_TEMPLATES,
};
use serde_json::{json, Map, Value};

const SUBSCRIPTION_SCHEMA: &str = "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#";
const RESOURCE_GROUP_SCHEMA: &str = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
const PARAMETERS_SCHEMA: &str = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#";
const CONTENT_VERSION: &str = "1.0.0.0";
const RESOURCE_GROUPS: &str = "Microsoft.Resources/resourceGroups";
const DEPLOYMENTS: &str = "Microsoft.Resources/deployments";
/// Child types whose published schema holds the child's own name to a pattern
/// without `/` (`^[A-Za-z0-9@.\-_ ]*$`), which a literal `parent/child` name
/// breaks: their names are written as `bicep build` writes every child's,
/// `[format('{0}/{1}', 'parent', 'child')]`.
const NAMED_BY_FORMAT: &[&str] = &["Microsoft.DesktopVirtualization/applicationGroups/applications"];

/// A top-level template: `main.json`, or one part of a plan split into
/// several ([`Part`]). `bodies` are the [`deployment_body`]s of the part's
/// deployments, in order.
pub fn main_template(plan: &AzurePlan, part: &Part, bodies: Vec<Value>) -> Value {
    let mut resources = Vec::new();
    for rg in part.resource_groups.iter().map(|&g| &plan.resource_groups[g]) {
        let mut r = Map::new();
        r.insert("type".into(), json!(RESOURCE_GROUPS));
        r.insert("apiVersion".into(), json!(api_version(RESOURCE_GROUPS)));
        r.insert("name".into(), literal(&rg.name));
        r.insert("location".into(), literal(&rg.location));
        if !rg.tags.is_empty() {
            r.insert("tags".into(), tags(&rg.tags));
        }
        r.insert("properties".into(), json!({}));
        resources.push(Value::Object(r));
    }
    for (&d, mut body) in part.deployments.iter().zip(bodies) {
        let deployment = &plan[d];
        let mut depends_on = vec![expression(format!(
            "subscriptionResourceId({}, {})",
            arm_expr_string(RESOURCE_GROUPS),
            arm_expr_string(&deployment.resource_group)
        ))];
        // A deployment of an earlier part has finished before this part starts.
        depends_on.extend(deployment.depends_on.iter().filter(|&&other| part.holds(other)).map(|&other| deployment_id(&plan[other])));
        if let Value::Object(map) = &mut body {
            map.insert("dependsOn".into(), Value::Array(depends_on));
        }
        resources.push(body);
    }
    for &s in &part.subscription_resources {
        resources.push(subscription_resource(plan, part, &plan.subscription_resources[s]));
    }
    let mut parameters = Map::new();
    for name in part.deployments.iter().flat_map(|&d| plan.deployment_listing_parameters(d)) {
        parameters.entry(name).or_insert_with(|| listing_parameter(name));
    }
    super::object([
        ("$schema", json!(SUBSCRIPTION_SCHEMA)),
        ("contentVersion", json!(CONTENT_VERSION)),
        ("metadata", json!({ "_generator": { "name": "ashlar", "version": env!("CARGO_PKG_VERSION") } })),
        ("parameters", Value::Object(parameters)),
        ("resources", Value::Array(resources)),
    ])
}

/// The declaration of a top-level parameter listing resources already in
/// Azure ([`Resource::unless_listed_in`]): empty unless a deployment says.
fn listing_parameter(name: &str) -> Value {
    let description = match name {
        EXISTING_IMAGE_TEMPLATES => {
            "The image templates already in Azure, which ARM cannot update: they are not sent again. Empty for a first deployment; see docs/azure.md."
        }
        _ => "Resources already in Azure, which are not sent again.",
    };
    json!({ "type": "array", "defaultValue": [], "metadata": { "description": description } })
}

/// `main.parameters.json`: no parameters yet, in the shape secrets will need.
pub fn parameters() -> Value {
    json!({ "$schema": PARAMETERS_SCHEMA, "contentVersion": CONTENT_VERSION, "parameters": {} })
}

/// A `Microsoft.Resources/deployments` resource holding a resource-group-scope
/// template, without its `dependsOn`, which [`main_template`] adds for the
/// part it is in.
pub fn deployment_body(plan: &AzurePlan, id: DeploymentId) -> Value {
    let deployment = &plan[id];
    let resources: Vec<Value> = deployment.resources.iter().map(|&r| resource(plan, r)).collect();
    // Secrets reach the inner template as secure parameters whose values ARM reads
    // from Key Vault at deployment time: they never appear in a file.
    let mut declared = Map::new();
    let mut passed = Map::new();
    for (name, secret) in plan.deployment_secrets(id) {
        declared.insert(name.clone(), json!({ "type": "securestring" }));
        let subscription = secret.vault_subscription.as_deref().map_or_else(|| "subscription().subscriptionId".to_string(), arm_expr_string);
        let vault_id = format!(
            "format('/subscriptions/{{0}}/resourceGroups/{{1}}/providers/Microsoft.KeyVault/vaults/{{2}}', {subscription}, {}, {})",
            arm_expr_string(&secret.vault_group),
            arm_expr_string(&secret.vault)
        );
        passed.insert(name, json!({ "reference": { "keyVault": { "id": expression(vault_id) }, "secretName": literal(&secret.secret) } }));
    }
    // The time the deployment runs is known only in a parameter's default value.
    if plan.deployment_uses_time(id) {
        declared.insert(DEPLOYMENT_TIME_PARAMETER.into(), json!({ "type": "string", "defaultValue": "[utcNow('u')]" }));
    }
    for name in plan.deployment_listing_parameters(id) {
        declared.insert(name.into(), json!({ "type": "array" }));
        passed.insert(name.into(), json!({ "value": expression(format!("parameters({})", arm_expr_string(name))) }));
    }
    let mut template = Map::new();
    template.insert("$schema".into(), json!(RESOURCE_GROUP_SCHEMA));
    template.insert("contentVersion".into(), json!(CONTENT_VERSION));
    if !declared.is_empty() {
        template.insert("parameters".into(), Value::Object(declared));
    }
    template.insert("resources".into(), Value::Array(resources));
    let mut properties = Map::new();
    properties.insert("expressionEvaluationOptions".into(), json!({ "scope": "Inner" }));
    properties.insert("mode".into(), json!("Incremental"));
    if !passed.is_empty() {
        properties.insert("parameters".into(), Value::Object(passed));
    }
    properties.insert("template".into(), Value::Object(template));
    super::object([
        ("type", json!(DEPLOYMENTS)),
        ("apiVersion", json!(api_version(DEPLOYMENTS))),
        ("name", literal(&deployment.name)),
        ("resourceGroup", literal(&deployment.resource_group)),
        ("properties", Value::Object(properties)),
    ])
}

/// The ID of a nested deployment, from the top-level template.
fn deployment_id(deployment: &Deployment) -> Value {
    expression(format!(
        "extensionResourceId(format('/subscriptions/{{0}}/resourceGroups/{{1}}', subscription().subscriptionId, {}), {}, {})",
        arm_expr_string(&deployment.resource_group),
        arm_expr_string(DEPLOYMENTS),
        arm_expr_string(&deployment.name)
    ))
}

/// A resource of the top-level template, at subscription scope: its IDs of
/// the plan's resources name their resource groups (`resourceId('<rg>', ...)`,
/// valid at subscription scope), and it waits for the deployments that hold
/// the resources it depends on.
fn subscription_resource(plan: &AzurePlan, part: &Part, resource: &Resource) -> Value {
    let mut r = Map::new();
    r.insert("type".into(), json!(resource.resource_type));
    r.insert("apiVersion".into(), json!(resource.api_version));
    r.insert("name".into(), literal(&resource.name.join("/")));
    if let Some(location) = &resource.location {
        r.insert("location".into(), literal(location));
    }
    if !resource.tags.is_empty() {
        r.insert("tags".into(), tags(&resource.tags));
    }
    for (key, value) in &resource.top {
        r.insert(key.to_string(), prop(plan, resource, None, value));
    }
    r.insert("properties".into(), prop(plan, resource, None, &resource.properties));
    let mut depends_on: Vec<Value> = Vec::new();
    for &dep in resource.depends_on.iter().filter(|&&dep| part.holds(plan.deployment_of(dep))) {
        let value = deployment_id(&plan[plan.deployment_of(dep)]);
        if !depends_on.contains(&value) {
            depends_on.push(value);
        }
    }
    if !depends_on.is_empty() {
        r.insert("dependsOn".into(), Value::Array(depends_on));
    }
    Value::Object(r)
}

/// One resource of a nested template.
fn resource(plan: &AzurePlan, id: ResourceId) -> Value {
    let resource = &plan[id];
    let mut r = Map::new();
    if let Some(listing) = resource.unless_listed_in {
        let name = resource.name.join("/");
        r.insert("condition".into(), expression(format!("not(contains(parameters({}), {}))", arm_expr_string(listing), arm_expr_string(&name))));
    }
    r.insert("type".into(), json!(resource.resource_type));
    r.insert("apiVersion".into(), json!(resource.api_version));
    let name = if named_by_guid(resource.resource_type) {
        expression(guid_name(resource))
    } else if NAMED_BY_FORMAT.contains(&resource.resource_type) && resource.name.len() > 1 {
        let shape: Vec<String> = (0..resource.name.len()).map(|n| format!("{{{n}}}")).collect();
        let names: Vec<String> = resource.name.iter().map(|n| arm_expr_string(n)).collect();
        expression(format!("format({}, {})", arm_expr_string(&shape.join("/")), names.join(", ")))
    } else {
        literal(&resource.name.join("/"))
    };
    r.insert("name".into(), name);
    if let Some(location) = &resource.location {
        r.insert("location".into(), literal(location));
    }
    if !resource.tags.is_empty() {
        r.insert("tags".into(), tags(&resource.tags));
    }
    let deployment = plan.deployment_of(id);
    for (key, value) in &resource.top {
        r.insert(key.to_string(), prop(plan, resource, Some(deployment), value));
    }
    r.insert("properties".into(), prop(plan, resource, Some(deployment), &resource.properties));
    let mut depends_on: Vec<Value> = Vec::new();
    for &dep in &resource.depends_on {
        let other = &plan[dep];
        let value = expression(resource_id(other, None, None));
        if plan.deployment_of(dep) == deployment && !depends_on.contains(&value) {
            depends_on.push(value);
        }
    }
    if !depends_on.is_empty() {
        r.insert("dependsOn".into(), Value::Array(depends_on));
    }
    Value::Object(r)
}

/// A property value of `owner`, with its resource IDs relative to `owner`'s group.
/// `deployment` is the owner's, for a nested deployment's resource; `None` for
/// a subscription-scope resource, which carries no secrets.
fn prop(plan: &AzurePlan, owner: &Resource, deployment: Option<DeploymentId>, value: &Prop) -> Value {
    match value {
        Prop::Str(s) => literal(s),
        Prop::Int(i) => json!(i),
        Prop::Bool(b) => json!(b),
        Prop::Array(items) => Value::Array(items.iter().map(|i| prop(plan, owner, deployment, i)).collect()),
        Prop::Object(entries) => Value::Object(entries.iter().map(|(k, v)| (arm_literal(k), prop(plan, owner, deployment, v))).collect()),
        Prop::Id(target) => {
            let target = &plan[*target];
            expression(resource_id(target, other_group(owner, target), None))
        }
        Prop::ChildId { resource, child, name } => {
            let target = &plan[*resource];
            expression(resource_id(target, other_group(owner, target), Some((child, name))))
        }
        Prop::Reference { resource, property } => {
            let target = &plan[*resource];
            let id = resource_id(target, other_group(owner, target), None);
            expression(format!("reference({id}, {}).{property}", arm_expr_string(target.api_version)))
        }
        Prop::Secret(secret) => {
            let (name, _) = plan
                .deployment_secrets(deployment.expect("only resources of nested deployments carry secrets"))
                .into_iter()
                .find(|(_, s)| *s == &**secret)
                .expect("every secret of a deployment has a parameter");
            expression(format!("parameters({})", arm_expr_string(&name)))
        }
        Prop::PrincipalId(target) => {
            let target = &plan[*target];
            let id = resource_id(target, other_group(owner, target), None);
            expression(format!("reference({id}, {}).principalId", arm_expr_string(target.api_version)))
        }
        Prop::IdKeys(entries) => Value::Object(
            entries
                .iter()
                .map(|(target, v)| {
                    let target = &plan[*target];
                    (format!("[{}]", resource_id(target, other_group(owner, target), None)), prop(plan, owner, deployment, v))
                })
                .collect(),
        ),
        Prop::SubscriptionResourceId { resource_type, name } => {
            expression(format!("subscriptionResourceId({}, {})", arm_expr_string(resource_type), arm_expr_string(name)))
        }
        Prop::Scope(target) => {
            let target = &plan[*target];
            match other_group(owner, target) {
                // `<type>/<name>`, segment by segment, as Bicep writes a scope in the same group.
                None => expression(relative_id(target)),
                Some(rg) => expression(resource_id(target, Some(rg), None)),
            }
        }
        Prop::RegistrationToken(target) => {
            let target = &plan[*target];
            let id = resource_id(target, other_group(owner, target), None);
            expression(format!("listRegistrationTokens({id}, {}).value[0].token", arm_expr_string(target.api_version)))
        }
        Prop::DeploymentTimePlus(duration) => {
            expression(format!("dateTimeAdd(parameters({}), {})", arm_expr_string(DEPLOYMENT_TIME_PARAMETER), arm_expr_string(duration)))
        }
        Prop::External(target) => expression(external_id(target, arm_expr_string)),
    }
}

/// `resourceId(['<subscription>',] '<group>', '<type>', '<name>'...)` of a
/// resource deployed elsewhere, every argument a literal quoted by `quote`
/// (ARM's and Bicep's `resourceId` take the same arguments): one name argument
/// for each segment of a child's name (`gallery/image/1.0.0`).
pub(crate) fn external_id(target: &crate::lower::ir::External, quote: impl Fn(&str) -> String) -> String {
    let args: Vec<String> = target
        .subscription
        .iter()
        .map(String::as_str)
        .chain([target.resource_group.as_str(), target.resource_type])
        .chain(target.name.split('/'))
        .map(quote)
        .collect();
    format!("resourceId({})", args.join(", "))
}

/// `format('Microsoft.Network/virtualNetworks/{0}/subnets/{1}', 'core', 'web')`:
/// a resource's type and name, segment by segment, relative to its resource
/// group, as `bicep build` writes the scope of an extension resource. The names
/// are arguments, never part of the format string.
fn relative_id(target: &Resource) -> String {
    let mut types = target.resource_type.split('/');
    let mut shape = types.next().unwrap_or_default().to_string();
    for (n, segment) in types.take(target.name.len()).enumerate() {
        shape.push_str(&format!("/{segment}/{{{n}}}"));
    }
    let names: Vec<String> = target.name.iter().map(|n| arm_expr_string(n)).collect();
    format!("format({}, {})", arm_expr_string(&shape), names.join(", "))
}

/// `guid(subscription().subscriptionId, '<group>', '<seed>'...)`: the name of a
/// resource [`named_by_guid`], every argument a literal.
fn guid_name(resource: &Resource) -> String {
    let args: Vec<String> =
        std::iter::once(resource.resource_group.as_str()).chain(resource.name.iter().map(String::as_str)).map(arm_expr_string).collect();
    format!("guid(subscription().subscriptionId, {})", args.join(", "))
}

/// The target's resource group, when it is not the owner's.
fn other_group<'a>(owner: &Resource, target: &'a Resource) -> Option<&'a str> {
    (!target.resource_group.eq_ignore_ascii_case(&owner.resource_group)).then_some(target.resource_group.as_str())
}

/// `resourceId(['<rg>',] '<type>[/<child>]', '<segment>'...[, '<child name>'])`, without the brackets.
fn resource_id(target: &Resource, rg: Option<&str>, child: Option<(&str, &str)>) -> String {
    let resource_type = match child {
        Some((child_type, _)) => format!("{}/{child_type}", target.resource_type),
        None => target.resource_type.to_string(),
    };
    let mut args: Vec<String> = rg.into_iter().chain(std::iter::once(resource_type.as_str())).map(arm_expr_string).collect();
    if named_by_guid(target.resource_type) {
        args.push(guid_name(target));
    } else {
        args.extend(target.name.iter().map(|n| arm_expr_string(n)));
    }
    args.extend(child.map(|(_, name)| arm_expr_string(name)));
    format!("resourceId({})", args.join(", "))
}

fn tags(tags: &indexmap::IndexMap<String, String>) -> Value {
    Value::Object(tags.iter().map(|(k, v)| (arm_literal(k), literal(v))).collect())
}

/// A string ARM keeps as the text it is.
fn literal(s: &str) -> Value {
    Value::String(arm_literal(s))
}

/// An ARM expression string, `[...]`.
fn expression(e: String) -> Value {
    Value::String(format!("[{e}]"))
}
