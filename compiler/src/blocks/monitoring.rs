//! Observability and protection: `log_analytics` workspaces, the plan's one
//! `diagnostics` block that sends the resource logs and metrics of its
//! firewalls, gateways, Bastion hosts, NSGs and virtual networks to a
//! workspace, and `ddos_plan`s that networks opt into (`ddos_plan = NAME`).
//!
//! ```text
//! log_analytics central { resource_group = "rg-management"  retention_days = 90 }
//! diagnostics { workspace = central }
//! ddos_plan edge { resource_group = "rg-network" }
//! hub core { ddos_plan = edge ... }
//! ```
//!
//! Diagnostic settings are extension resources: each is scoped to the
//! resource it watches and deploys in that resource's group, written once
//! here for every resource of the plan of a covered type.

use crate::blocks::existing;
use crate::blocks::lowering::Lowering;
use crate::lower::ir::{Prop, Resource, ResourceId};
use crate::model::{Model, NodeId, Typed};
use crate::schema::attrs;
use crate::schema::{attr, KindSchema, Naming, Type};
use indexmap::IndexMap;

const WORKSPACE: &str = "Microsoft.OperationalInsights/workspaces";
const DIAGNOSTIC_SETTING: &str = "Microsoft.Insights/diagnosticSettings";
const DDOS_PLAN: &str = "Microsoft.Network/ddosProtectionPlans";

/// The kinds a workspace reference may name: a plan's or an existing one.
pub const WORKSPACE_KINDS: &[&str] = &["log_analytics", "existing log_analytics"];

/// Days a workspace keeps its data for queries: 30 by default; the
/// workspace-level setting goes from 4 to 730 (two years). Source:
/// <https://learn.microsoft.com/azure/azure-monitor/logs/data-retention-configure>.
pub const RETENTION_DAYS: Type = Type::Integer { min: 4, max: 730 };

/// The default retention of a workspace, in days (same source).
pub const DEFAULT_RETENTION_DAYS: i64 = 30;

pub const LOG_ANALYTICS: KindSchema = KindSchema {
    kind: "log_analytics",
    doc: "A Log Analytics workspace the plan deploys: where `diagnostics` sends resource logs and metrics, and where a firewall policy's `insights` read them.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attrs::resource_group(true, None, "Resource group of the workspace."),
        attrs::location(Some("settings.location"), "Region of the workspace."),
        attr(
            "retention_days",
            RETENTION_DAYS,
            false,
            Some("30"),
            "Days the workspace keeps data for queries (its interactive retention), from 4 to 730; written on every deployment, so a change in the portal is undone.",
        ),
        attrs::tags("Tags, merged over the plan's tags."),
    ],
    children: &[],
    unique: false,
};

pub const DIAGNOSTICS: KindSchema = KindSchema {
    kind: "diagnostics",
    doc: "Diagnostic settings written once for the whole plan: every firewall, VPN and ExpressRoute gateway, Bastion host, network security group and virtual network the plan deploys sends its resource logs (and metrics) to one Log Analytics workspace.",
    naming: Naming::Unnamed,
    positional: &[],
    attributes: &[
        attr(
            "workspace",
            Type::Ref(WORKSPACE_KINDS),
            true,
            None,
            "The workspace the logs go to: a `log_analytics` block or an `existing log_analytics`.",
        ),
        attr("metrics", Type::Boolean, false, Some("true"), "Whether the platform metrics (`AllMetrics`) go too, beside the logs."),
        attr(
            "setting_name",
            Type::String,
            false,
            Some("\"diagnostics\""),
            "The name of each diagnostic setting, unique among the settings of one resource; a second deployment updates the setting of that name.",
        ),
    ],
    children: &[],
    unique: true,
};

pub const DDOS_PLAN_KIND: KindSchema = KindSchema {
    kind: "ddos_plan",
    doc: "An Azure DDoS Network Protection plan: the hubs, spokes and vnets that name it (`ddos_plan = NAME`) are protected by it.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attrs::resource_group(true, None, "Resource group of the plan."),
        attrs::location(Some("settings.location"), "Region of the plan; it protects networks in any region."),
        attrs::tags("Tags, merged over the plan's tags."),
    ],
    children: &[],
    unique: false,
};

/// What a diagnostic setting sends for each type the `diagnostics` block
/// covers: its log categories (a category group, or categories by name) and
/// the source of that list.
pub struct Covered {
    pub resource_type: &'static str,
    pub logs: Logs,
    pub source: &'static str,
}

/// The logs a setting enables for one type.
pub enum Logs {
    /// A category group: `allLogs`, every category the type has, now and later.
    Group(&'static str),
    /// Categories by name, for types whose support of category groups no
    /// Microsoft page confirms.
    Categories(&'static [&'static str]),
    /// No log category: metrics only.
    None,
}

/// The types `diagnostics` covers, in the order the docs list them.
#[rustfmt::skip]
pub const COVERED: &[Covered] = &[
    // Microsoft's built-in policy "Enable logging by category group for Firewall
    // (microsoft.network/azurefirewalls) to Log Analytics" deploys `allLogs`.
    Covered { resource_type: "Microsoft.Network/azureFirewalls", logs: Logs::Group("allLogs"), source: "https://github.com/Azure/azure-policy/blob/master/built-in-policies/policyDefinitions/Monitoring/DiagSettings_logAnalytics_firewall_DINE.json" },
    // VPN and ExpressRoute gateways share the type; the built-in policy
    // "Enable logging by category group for Virtual network gateways" (ed6ae75a-828f-4fea-88fd-dead1145f1dd).
    Covered { resource_type: "Microsoft.Network/virtualNetworkGateways", logs: Logs::Group("allLogs"), source: "https://learn.microsoft.com/azure/vpn-gateway/troubleshoot-vpn-with-azure-diagnostics" },
    // The built-in policy "Enable logging by category group for Bastions" (f8352124-56fa-4f94-9441-425109cdc14b).
    Covered { resource_type: "Microsoft.Network/bastionHosts", logs: Logs::Group("allLogs"), source: "https://learn.microsoft.com/azure/azure-monitor/reference/supported-logs/microsoft-network-bastionhosts-logs" },
    // The two categories of the supported-logs page that go through diagnostic
    // settings (flow logs go through Network Watcher instead).
    Covered { resource_type: "Microsoft.Network/networkSecurityGroups", logs: Logs::Categories(&["NetworkSecurityGroupEvent", "NetworkSecurityGroupRuleCounter"]), source: "https://learn.microsoft.com/azure/azure-monitor/reference/supported-logs/microsoft-network-networksecuritygroups-logs" },
    // Metrics only: no log category of virtual networks was confirmed.
    Covered { resource_type: "Microsoft.Network/virtualNetworks", logs: Logs::None, source: "https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-network-virtualnetworks-metrics" },
];

/// The covered row of a resource type, when `diagnostics` covers it.
pub fn covered(resource_type: &str) -> Option<&'static Covered> {
    COVERED.iter().find(|c| c.resource_type.eq_ignore_ascii_case(resource_type))
}

/// Each `log_analytics` block becomes a workspace. Runs before the passes
/// that refer to workspaces (firewall policies' insights, diagnostics).
pub fn lower_workspaces(lw: &mut Lowering) {
    let blocks: Vec<NodeId> = lw.model.of_kind("log_analytics").map(|(id, _)| id).collect();
    for id in blocks {
        let node = lw.model.node(id);
        let rg = lw.resource_group(node.str(attrs::RESOURCE_GROUP).unwrap_or_default(), id);
        let name = lw.names.log_analytics(id);
        let retention = match node.get("retention_days").map(|a| &a.value) {
            Some(Typed::Int(days)) => *days,
            _ => DEFAULT_RETENTION_DAYS,
        };
        let location = lw.model.location(id).map(str::to_string);
        let mut workspace = Resource::new(format!("log_{}", node.name()), WORKSPACE, vec![name], rg, location, lw.model.tags(id), id);
        // Pay-as-you-go, the one pricing tier new workspaces take.
        workspace.properties = Prop::object([("sku", Prop::object([("name", Prop::str("PerGB2018"))])), ("retentionInDays", Prop::Int(retention))]);
        let workspace = lw.push(workspace);
        lw.primary.insert(id, workspace);
    }
}

/// Each `ddos_plan` block becomes a DDoS protection plan. Runs before the
/// networks, which refer to their plan.
pub fn lower_ddos_plans(lw: &mut Lowering) {
    let blocks: Vec<NodeId> = lw.model.of_kind("ddos_plan").map(|(id, _)| id).collect();
    for id in blocks {
        let node = lw.model.node(id);
        let rg = lw.resource_group(node.str(attrs::RESOURCE_GROUP).unwrap_or_default(), id);
        let name = lw.names.ddos_plan(id);
        let location = lw.model.location(id).map(str::to_string);
        let plan = Resource::new(format!("ddos_{}", node.name()), DDOS_PLAN, vec![name], rg, location, lw.model.tags(id), id);
        let plan = lw.push(plan);
        lw.primary.insert(id, plan);
    }
}

/// The resource ID of a workspace block, the plan's or an existing one, and
/// the resource to wait for when the plan deploys it.
pub fn workspace_id(lw: &Lowering, workspace: NodeId) -> Option<(Prop, Option<ResourceId>)> {
    if let Some(&resource) = lw.primary.get(&workspace) {
        return Some((Prop::Id(resource), Some(resource)));
    }
    existing::external_id(lw.model, workspace).map(|id| (id, None))
}

/// The `ddos_plan` a network names, as the properties that put it under the plan.
pub fn ddos_properties(lw: &Lowering, network: NodeId) -> Option<(Prop, ResourceId)> {
    let plan = lw.model.node(network).reference("ddos_plan")?;
    let &resource = lw.primary.get(&plan)?;
    Some((Prop::object([("id", Prop::Id(resource))]), resource))
}

/// The workspace the plan's `diagnostics` block names.
pub fn diagnostics_workspace(model: &Model) -> Option<NodeId> {
    model.unique("diagnostics")?.reference("workspace")
}

/// The `diagnostics` block: a diagnostic setting on every resource of a
/// covered type. Runs after every pass that makes such resources.
pub fn lower_diagnostics(lw: &mut Lowering) {
    let Some((block, node)) = lw.model.of_kind("diagnostics").next() else { return };
    let Some(workspace) = node.reference("workspace") else { return };
    let Some((workspace_id, waits_for)) = workspace_id(lw, workspace) else { return };
    let metrics = !matches!(node.get("metrics").map(|a| &a.value), Some(Typed::Bool(false)));
    let setting_name = node.str("setting_name").unwrap_or("diagnostics").to_string();
    let targets: Vec<(ResourceId, &'static Covered)> =
        lw.plan.resources_with_ids().filter_map(|(id, r)| covered(r.resource_type).map(|c| (id, c))).collect();
    for (target, covered) in targets {
        let logs: Vec<Prop> = match covered.logs {
            Logs::Group(group) => vec![Prop::object([("categoryGroup", Prop::str(group)), ("enabled", Prop::Bool(true))])],
            Logs::Categories(categories) => {
                categories.iter().map(|c| Prop::object([("category", Prop::str(*c)), ("enabled", Prop::Bool(true))])).collect()
            }
            Logs::None => Vec::new(),
        };
        let metric_settings: Vec<Prop> =
            if metrics { vec![Prop::object([("category", Prop::str("AllMetrics")), ("enabled", Prop::Bool(true))])] } else { Vec::new() };
        if logs.is_empty() && metric_settings.is_empty() {
            continue;
        }
        let resource = &lw.plan[target];
        let symbol = format!("diag_{}", resource.symbol);
        let rg = resource.resource_group.clone();
        let mut setting = Resource::new(symbol, DIAGNOSTIC_SETTING, vec![setting_name.clone()], rg, None, IndexMap::new(), block);
        setting.top.insert("scope".into(), Prop::Scope(target));
        let mut properties = crate::lower::ir::Object::new();
        properties.insert("workspaceId".into(), workspace_id.clone());
        if !logs.is_empty() {
            properties.insert("logs".into(), Prop::Array(logs));
        }
        if !metric_settings.is_empty() {
            properties.insert("metrics".into(), Prop::Array(metric_settings));
        }
        setting.properties = Prop::Object(properties);
        setting.depends_on = std::iter::once(target).chain(waits_for).collect();
        lw.push(setting);
    }
}
