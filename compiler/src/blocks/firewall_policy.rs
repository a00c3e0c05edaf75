//! `firewall_policy NAME { ... }`: an Azure Firewall policy of its own, which
//! the firewalls of several hubs share (`firewall { policy = NAME }`), which
//! may inherit from a parent policy, and which deploys even when no firewall
//! uses it.
//!
//! ```text
//! firewall_policy spokes {
//!   resource_group = "rg-security"
//!   parent         = base
//!   threat_intel   = deny
//!   threat_intel_allow { ip_addresses = [203.0.113.7]  fqdns = ["scanner.contoso.com"] }
//!   dns { proxy = true  servers = [10.0.1.4] }
//!   rule_collection_group platform {
//!     priority = 200
//!     network_collection dns { priority = 100  rule dns allow udp 53 from 10.0.0.0/8 to 10.0.1.4 }
//!     application_collection web { priority = 200  rule ms allow https to ["*.microsoft.com"] from any }
//!   }
//! }
//! ```
//!
//! The rules of a collection are the phrases of a hub firewall's
//! `network_rules` and `application_rules`, read once by
//! [`crate::blocks::firewall::read_rules`] into [`crate::model::Model::firewall_rules`].

use crate::blocks::existing;
use crate::blocks::firewall::{self, Action};
use crate::blocks::lowering::Lowering;
use crate::lower::ir::{Prop, Resource, ResourceId};
use crate::model::{Model, Node, NodeId, Typed};
use crate::schema::attrs;
use crate::schema::{attr, KindSchema, Naming, Type};
use indexmap::IndexMap;

const POLICY: &str = "Microsoft.Network/firewallPolicies";
const RULE_COLLECTION_GROUP: &str = "Microsoft.Network/firewallPolicies/ruleCollectionGroups";

/// The kind of a policy block, and of an existing one.
pub const KIND: &str = "firewall_policy";
pub const POLICY_KINDS: &[&str] = &[KIND, "existing firewall_policy"];

/// The priorities Azure takes for rule collection groups and rule collections,
/// from 100 (first) to 65000 (last).
pub const PRIORITY: Type = Type::Integer { min: 100, max: 65000 };

/// Threat intelligence modes, from the least strict.
pub const THREAT_INTEL_MODES: &[&str] = &["off", "alert", "deny"];

/// The policy tiers, as Azure spells them.
pub const TIERS: &[&str] = &["Basic", "Standard", "Premium"];

pub const FIREWALL_POLICY: KindSchema = KindSchema {
    kind: KIND,
    doc: "An Azure Firewall policy of its own: rule collection groups, threat intelligence and DNS settings that the firewalls of several hubs can share (`firewall { policy = NAME }`). It deploys even when no firewall uses it.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attrs::resource_group(true, None, "Resource group of the policy."),
        attrs::location(Some("settings.location"), "Region of the policy; a child policy must be in its parent's (`ASH266`)."),
        attr("tier", Type::Word(TIERS), false, Some("Standard"), "The policy's tier: what it may hold, and the tier of the firewalls that may use it (`ASH268`, `ASH270`)."),
        attr("parent", Type::Ref(POLICY_KINDS), false, Some("none"), "The policy this one inherits rule collections, threat intelligence mode and allow list from: a `firewall_policy` or an `existing firewall_policy`."),
        attr("threat_intel", Type::Word(THREAT_INTEL_MODES), false, Some("alert, or the parent's"), "What firewalls using the policy do with traffic to and from addresses and domains Microsoft knows to be malicious; a child policy inherits its parent's, and may only make it stricter (`ASH266`)."),
        attr("idps", Type::Word(&["off", "alert", "deny"]), false, Some("off"), "Intrusion detection and prevention (signature-based); Premium only (`ASH268`)."),
        attrs::tags("Tags, merged over the plan's tags."),
    ],
    children: &["threat_intel_allow", "dns", "insights", "rule_collection_group"],
    unique: false,
};

pub const THREAT_INTEL_ALLOW: KindSchema = KindSchema {
    kind: "threat_intel_allow",
    doc: "Addresses and domain names threat intelligence lets through (Azure's threat intelligence allow list).",
    naming: Naming::Unnamed,
    positional: &[],
    attributes: &[
        attr("ip_addresses", Type::List(&Type::IpAddress), false, Some("none"), "IP addresses threat intelligence never alerts on or denies."),
        attr("fqdns", Type::List(&Type::String), false, Some("none"), "Domain names threat intelligence never alerts on or denies."),
    ],
    children: &[],
    unique: false,
};

pub const DNS: KindSchema = KindSchema {
    kind: "dns",
    doc: "DNS settings of the firewalls that use the policy: the DNS proxy and the servers they ask.",
    naming: Naming::Unnamed,
    positional: &[],
    attributes: &[
        attr(
            "proxy",
            Type::Boolean,
            false,
            Some("false"),
            "Whether the firewalls answer DNS queries on port 53 and forward them; domain names in network rules need it (`ASH269`).",
        ),
        attr("servers", Type::List(&Type::IpAddress), false, Some("Azure DNS"), "The DNS servers the firewalls ask."),
    ],
    children: &[],
    unique: false,
};

pub const INSIGHTS: KindSchema = KindSchema {
    kind: "insights",
    doc: "Policy analytics of the firewalls that use the policy (the policy's `insights`): rule hit counts and recommendations, read from the firewalls' logs in a Log Analytics workspace.",
    naming: Naming::Unnamed,
    positional: &[],
    attributes: &[
        attr(
            "workspace",
            Type::Ref(crate::blocks::monitoring::WORKSPACE_KINDS),
            true,
            None,
            "The workspace the analytics read: a `log_analytics` block or an `existing log_analytics`; the firewalls' logs must reach it (a `diagnostics` block with this workspace sends them).",
        ),
        attr(
            "retention_days",
            crate::blocks::monitoring::RETENTION_DAYS,
            false,
            Some("Azure's"),
            "Days the insights cover (`retentionDays`); at most the 730 days a workspace keeps data for queries.",
        ),
    ],
    children: &[],
    unique: false,
};

pub const RULE_COLLECTION_GROUP_KIND: KindSchema = KindSchema {
    kind: "rule_collection_group",
    doc: "A rule collection group of a firewall policy: rule collections that the firewall reads in the order of the groups' priorities.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[attr(
        "priority",
        PRIORITY,
        true,
        None,
        "Where the group comes among the policy's groups: 100 first, 65000 last; unique in the policy (`ASH267`).",
    )],
    children: &["network_collection", "application_collection"],
    unique: false,
};

pub const NETWORK_COLLECTION: KindSchema = KindSchema {
    kind: "network_collection",
    doc: "A network rule collection: its priority, and network rules that all allow or all deny, one phrase a line: `rule NAME allow|deny PROTOCOL PORTS from SOURCES to DESTINATIONS`.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[attr("priority", PRIORITY, true, None, "Where the collection comes in its group: 100 first, 65000 last; unique in the group (`ASH267`).")],
    children: &[],
    unique: false,
};

pub const APPLICATION_COLLECTION: KindSchema = KindSchema {
    kind: "application_collection",
    doc: "An application rule collection: its priority, and application rules that all allow or all deny, one phrase a line: `rule NAME allow|deny http|https [PORT] to FQDNS from SOURCES`.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[attr("priority", PRIORITY, true, None, "Where the collection comes in its group: 100 first, 65000 last; unique in the group (`ASH267`).")],
    children: &[],
    unique: false,
};

/// A policy's tier: written, else Standard.
pub fn tier(node: &Node) -> &str {
    node.str("tier").unwrap_or("Standard")
}

/// The policy a hub's firewall uses, when it names one.
pub fn of_firewall(model: &Model, firewall: NodeId) -> Option<NodeId> {
    model.node(firewall).reference("policy")
}

/// The action of a collection: its rules' one action, once read.
pub fn collection_action(model: &Model, collection: NodeId) -> Option<Action> {
    firewall::rules(model, collection).iter().find_map(firewall::action_of)
}

/// The ID of a policy: the plan's own, else an existing one's.
pub fn policy_id(lw: &Lowering, policy: NodeId) -> Option<Prop> {
    match lw.primary.get(&policy) {
        Some(&id) => Some(Prop::Id(id)),
        None => existing::external_id(lw.model, policy),
    }
}

fn mode(word: Option<&str>, default: &'static str) -> &'static str {
    match word.unwrap_or(default) {
        "off" => "Off",
        "deny" => "Deny",
        _ => "Alert",
    }
}

fn strings(items: &[crate::model::Spanned<Typed>]) -> Prop {
    Prop::Array(
        items
            .iter()
            .filter_map(|i| match &i.value {
                Typed::Str(s) => Some(Prop::str(s.clone())),
                Typed::Ip(ip) => Some(Prop::str(ip.to_string())),
                _ => None,
            })
            .collect(),
    )
}

fn child<'m>(model: &'m Model, block: NodeId, kind: &str) -> Option<&'m Node> {
    model.node(block).children.iter().map(|&c| model.node(c)).find(|c| c.is(kind))
}

/// Each `firewall_policy`: the policy, then its rule collection groups, one
/// change at a time. Parents come before their children, so that a child's
/// `basePolicy` refers to a resource already lowered. Runs before the
/// firewalls, which refer to the policies.
pub fn lower_policies(lw: &mut Lowering) {
    let mut pending: Vec<NodeId> = lw.model.of_kind(KIND).map(|(id, _)| id).collect();
    while !pending.is_empty() {
        let before = pending.len();
        let mut i = 0;
        while i < pending.len() {
            let id = pending[i];
            let parent = lw.model.node(id).reference("parent");
            let ready = parent.is_none_or(|p| !lw.model.node(p).is(KIND) || lw.primary.contains_key(&p));
            if ready {
                policy(lw, id);
                pending.remove(i);
            } else {
                i += 1;
            }
        }
        // A circle of parents is reported by resolution; lower what is left as it stands.
        if pending.len() == before {
            for id in std::mem::take(&mut pending) {
                policy(lw, id);
            }
        }
    }
}

fn policy(lw: &mut Lowering, id: NodeId) {
    let model = lw.model;
    let node = model.node(id);
    let rg = lw.resource_group(node.str(attrs::RESOURCE_GROUP).unwrap_or_default(), id);
    let name = lw.names.firewall_policy(id);
    let mut resource = Resource::new(
        format!("afwp_{}", node.name()),
        POLICY,
        vec![name.clone()],
        rg.clone(),
        model.location(id).map(str::to_string),
        model.tags(id),
        id,
    );

    let mut properties = crate::lower::ir::Object::new();
    properties.insert("sku".into(), Prop::object([("tier", Prop::str(tier(node)))]));
    // A child policy inherits its parent's mode unless it writes one.
    if node.get("threat_intel").is_some() || node.get("parent").is_none() {
        properties.insert("threatIntelMode".into(), Prop::str(mode(node.str("threat_intel"), "alert")));
    }
    if let Some(allow) = child(model, id, "threat_intel_allow") {
        properties.insert(
            "threatIntelWhitelist".into(),
            Prop::object([("ipAddresses", strings(allow.list("ip_addresses"))), ("fqdns", strings(allow.list("fqdns")))]),
        );
    }
    if let Some(dns) = child(model, id, "dns") {
        let proxy = matches!(dns.get("proxy").map(|a| &a.value), Some(Typed::Bool(true)));
        properties.insert("dnsSettings".into(), Prop::object([("enableProxy", Prop::Bool(proxy)), ("servers", strings(dns.list("servers")))]));
    }
    let mut waits_for_workspace = None;
    if let Some(insights) = child(model, id, "insights") {
        if let Some((workspace, resource)) = insights.reference("workspace").and_then(|w| crate::blocks::monitoring::workspace_id(lw, w)) {
            let mut object = crate::lower::ir::Object::new();
            object.insert("isEnabled".into(), Prop::Bool(true));
            if let Some(Typed::Int(days)) = insights.get("retention_days").map(|a| &a.value) {
                object.insert("retentionDays".into(), Prop::Int(*days));
            }
            object.insert("logAnalyticsResources".into(), Prop::object([("defaultWorkspaceId", Prop::object([("id", workspace)]))]));
            properties.insert("insights".into(), Prop::Object(object));
            waits_for_workspace = resource;
        }
    }
    if tier(node) == "Premium" {
        properties.insert("intrusionDetection".into(), Prop::object([("mode", Prop::str(mode(node.str("idps"), "off")))]));
    }
    let parent = node.reference("parent");
    if let Some(base) = parent.and_then(|p| policy_id(lw, p)) {
        properties.insert("basePolicy".into(), Prop::object([("id", base)]));
    }
    resource.properties = Prop::Object(properties);
    if let Some(&parent) = parent.and_then(|p| lw.primary.get(&p)) {
        resource.depends_on.push(parent);
    }
    resource.depends_on.extend(waits_for_workspace);
    let policy = lw.push(resource);
    lw.primary.insert(id, policy);

    let groups: Vec<NodeId> = node.children.iter().copied().filter(|&c| model.node(c).is("rule_collection_group")).collect();
    for group_block in groups {
        let group_node = model.node(group_block);
        let collections: Vec<Prop> = group_node.children.iter().filter_map(|&c| collection(model, c)).collect();
        let mut group = Resource::new(
            format!("rcg_{}_{}", node.name(), group_node.name()),
            RULE_COLLECTION_GROUP,
            vec![name.clone(), group_node.name().to_string()],
            rg.clone(),
            None,
            IndexMap::new(),
            group_block,
        );
        group.parent = Some(policy);
        group.properties = Prop::object([("priority", priority(group_node)), ("ruleCollections", Prop::Array(collections))]);
        group.depends_on = vec![policy];
        let group = lw.push(group);
        // Azure takes one change at a time to a policy's rule collection groups.
        lw.after_last_on(policy, group);
    }
}

fn priority(node: &Node) -> Prop {
    match node.get("priority").map(|a| &a.value) {
        Some(Typed::Int(p)) => Prop::Int(*p),
        _ => Prop::Int(100),
    }
}

/// One `network_collection` or `application_collection`: a filter rule
/// collection with its rules' action.
fn collection(model: &Model, block: NodeId) -> Option<Prop> {
    let node = model.node(block);
    if !node.is("network_collection") && !node.is("application_collection") {
        return None;
    }
    let action = collection_action(model, block).unwrap_or(Action::Allow);
    let rules: Vec<Prop> = firewall::rules(model, block).iter().map(|r| firewall::rule_prop(r, None)).collect();
    Some(Prop::object([
        ("ruleCollectionType", Prop::str("FirewallPolicyFilterRuleCollection")),
        ("name", Prop::str(node.name())),
        ("priority", priority(node)),
        ("action", Prop::object([("type", Prop::str(action.azure()))])),
        ("rules", Prop::Array(rules)),
    ]))
}

/// The resources a firewall that uses `policy` waits for: the policy and its
/// last rule collection group (which waits for the others).
pub fn waits_for(lw: &Lowering, policy: NodeId) -> Vec<ResourceId> {
    let Some(&resource) = lw.primary.get(&policy) else { return Vec::new() };
    std::iter::once(resource).chain(lw.queued_on(resource)).collect()
}
