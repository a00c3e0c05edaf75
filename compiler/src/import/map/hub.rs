//! A hub's services back to blocks: Azure Firewall (its public IP addresses
//! folded in) as the hub's `firewall`, with its own policy's rules as
//! `network_rules`, `application_rules` and `dnat`, or `policy =` a
//! `firewall_policy` block; Bastion as `bastion`; VPN and ExpressRoute
//! gateways as `vpn_gateway` (with `point_to_site`) and `er_gateway`; a local
//! network gateway and its connection as a `site`. Beside them, the blocks a
//! hub's services use: `ddos_plan`, `log_analytics`, and the plan's one
//! `diagnostics` block; and the route tables ashlar derives for the spokes of
//! a hub with a firewall, which the plan does not write.

use super::{id_name, ident, rule_name, string_literal, write_common, zones_of, Common, Context, Mapper, Node, Resource, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

const FIREWALL: &str = "Microsoft.Network/azureFirewalls";
const POLICY: &str = "Microsoft.Network/firewallPolicies";
const RULE_GROUP: &str = "Microsoft.Network/firewallPolicies/ruleCollectionGroups";
const BASTION: &str = "Microsoft.Network/bastionHosts";
const GATEWAY: &str = "Microsoft.Network/virtualNetworkGateways";
const LOCAL_GATEWAY: &str = "Microsoft.Network/localNetworkGateways";
const CONNECTION: &str = "Microsoft.Network/connections";
const DDOS: &str = "Microsoft.Network/ddosProtectionPlans";
const WORKSPACE: &str = "Microsoft.OperationalInsights/workspaces";
const DIAGNOSTIC_SETTING: &str = "Microsoft.Insights/diagnosticSettings";
const DNS_ZONE: &str = "Microsoft.Network/privateDnsZones";
const DNS_LINK: &str = "Microsoft.Network/privateDnsZones/virtualNetworkLinks";
const ENDPOINT: &str = "Microsoft.Network/privateEndpoints";
const ZONE_GROUP: &str = "Microsoft.Network/privateEndpoints/privateDnsZoneGroups";

/// What a network's block gets from its hub's services.
#[derive(Default)]
pub(super) struct Extras {
    /// Attribute lines (`ddos_plan = edge`).
    pub attrs: Vec<String>,
    /// `names` entries beside the network's own (a spoke's derived route table).
    pub names: Vec<(&'static str, String)>,
    /// Nested blocks (`firewall { ... }`), a line each with its indent inside the network's block.
    pub children: Vec<(usize, String, Option<Node>)>,
}

impl Extras {
    /// Whether the network holds a hub's services, and so is a hub.
    pub fn makes_hub(&self) -> bool {
        !self.children.is_empty()
    }
}

/// What [`Mapper::hub_parts`] found, for the networks and route tables written after it.
#[derive(Default)]
pub(super) struct HubParts {
    /// By the network's lower-case Azure name.
    pub networks: HashMap<String, Extras>,
    /// The route tables ashlar derives for a spoke of a hub with a firewall,
    /// by lower-case name: not written, since the plan makes them.
    pub derived_tables: HashSet<String>,
    /// Private endpoints, a `private_endpoint` block each, by the lower-case
    /// names of their network and subnet.
    pub endpoints: HashMap<(String, String), Vec<String>>,
}

/// The resource group and name of a resource ID.
fn group_and_name(id: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = id.trim_end_matches('/').split('/').collect();
    let group = parts.iter().position(|p| p.eq_ignore_ascii_case("resourceGroups")).and_then(|i| parts.get(i + 1))?;
    Some((group.to_string(), parts.last()?.to_string()))
}

/// The network of a subnet ID.
fn network_of_subnet(node: Option<&Node>) -> Option<String> {
    let id = node?.get("id")?.as_str()?;
    let parts: Vec<&str> = id.split('/').collect();
    parts.iter().position(|p| p.eq_ignore_ascii_case("virtualNetworks")).and_then(|i| parts.get(i + 1)).map(|s| s.to_ascii_lowercase())
}

fn strings(node: Option<&Node>) -> Vec<String> {
    node.map(|a| a.items().iter().filter_map(|n| n.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

/// A list as a plan writes it: one item bare, several in brackets.
fn one_or_list(items: &[String]) -> String {
    match items {
        [one] => one.clone(),
        _ => format!("[{}]", items.join(", ")),
    }
}

/// Addresses of a firewall rule: `*` is `any`.
fn addresses(items: &[String]) -> String {
    if items.is_empty() || items.iter().any(|a| a == "*") {
        return "any".into();
    }
    one_or_list(&items.iter().map(|a| if a.contains(':') && !a.contains('/') { string_literal(a) } else { a.clone() }).collect::<Vec<_>>())
}

/// The `names` entries whose Azure name the block's name would not give: each
/// is (key, the name, the name a default pattern would give).
fn names_entries(entries: &[(&str, String, String)]) -> Option<String> {
    let differing: Vec<String> =
        entries.iter().filter(|(_, name, default)| name != default).map(|(k, name, _)| format!("{k} = {}", string_literal(name))).collect();
    (!differing.is_empty()).then(|| format!("names {{ {} }}", differing.join("  ")))
}

/// The `public_ip` pattern that names `pip` after its owner: `{name}-pip` by
/// default, `pip-{name}` for `pip-afw-core` of `afw-core`.
pub(super) fn public_ip_pattern(owner: &str, pip: &str) -> String {
    if pip.contains(owner) {
        pip.replacen(owner, "{name}", 1)
    } else {
        pip.to_string()
    }
}

impl Mapper {
    /// Reads firewalls, firewall policies, Bastion hosts, gateways, sites,
    /// DDoS plans, workspaces and diagnostic settings: top-level blocks are
    /// written here, what goes inside a network's block is returned.
    pub(super) fn hub_parts(&mut self, cx: &Context, common: &dyn Fn(&Resource, &mut Mapper) -> Common) -> HubParts {
        let rs = cx.resources;
        let group_of = |r: &Resource| r.group.clone().unwrap_or_else(|| cx.default_group.clone());
        let mut parts = HubParts::default();
        let index = |ty: &'static str| -> HashMap<String, usize> {
            rs.iter().enumerate().filter(|(_, r)| r.is(ty)).map(|(i, r)| (r.name.to_ascii_lowercase(), i)).collect()
        };
        let ips = index(super::PUBLIC_IP);

        // Workspaces: the plan's own, then those the template only names (`existing`).
        let mut workspaces: HashMap<String, String> = HashMap::new();
        for (i, r) in rs.iter().enumerate().filter(|(_, r)| r.is(WORKSPACE)) {
            self.used[i] = true;
            let block = self.names.claim(&r.name);
            workspaces.insert(r.name.to_ascii_lowercase(), block.clone());
            let c = common(r, self);
            let retention = r.props().and_then(|p| p.get("retentionInDays")).and_then(Node::as_i64).filter(|d| *d != 30);
            let group = group_of(r);
            let w = self.file(&group);
            w.line(0, &format!("log_analytics {block} {{"), Some(&r.node));
            w.line(1, &format!("resource_group = {}", string_literal(&group)), None);
            write_common(w, &c);
            if let Some(days) = retention {
                w.line(1, &format!("retention_days = {days}"), r.props().and_then(|p| p.get("retentionInDays")));
            }
            super::write_names(w, &block, &[("log_analytics", &r.name)]);
            w.line(0, "}", None);
        }
        let mut workspace_block = |me: &mut Mapper, id: &Node| -> Option<String> {
            let (group, name) = group_and_name(id.as_str()?)?;
            if let Some(b) = workspaces.get(&name.to_ascii_lowercase()) {
                return Some(b.clone());
            }
            let block = me.names.claim(&name);
            workspaces.insert(name.to_ascii_lowercase(), block.clone());
            let w = me.file("settings");
            let own = if block == name { String::new() } else { format!("  name = {}", string_literal(&name)) };
            w.line(0, &format!("existing log_analytics {block} {{ resource_group = {}{own} }}", string_literal(&group)), Some(id));
            Some(block)
        };

        // Diagnostic settings: one `diagnostics` block, when they all send to one workspace alike.
        let settings: Vec<usize> = rs.iter().enumerate().filter(|(_, r)| r.is(DIAGNOSTIC_SETTING)).map(|(i, _)| i).collect();
        if let Some(&first) = settings.first() {
            let target = |i: usize| rs[i].props().and_then(|p| p.get("workspaceId")).and_then(Node::as_str).and_then(group_and_name);
            let metrics = |i: usize| rs[i].props().and_then(|p| p.get("metrics")).is_some_and(|m| !m.items().is_empty());
            let alike = settings.iter().all(|&i| target(i) == target(first) && rs[i].name == rs[first].name);
            match (alike, target(first)) {
                (true, Some(_)) => {
                    let id = rs[first].props().and_then(|p| p.get("workspaceId")).cloned();
                    if let Some(block) = id.as_ref().and_then(|id| workspace_block(self, id)) {
                        for &i in &settings {
                            self.used[i] = true;
                        }
                        let mut body = vec![format!("workspace = {block}")];
                        if !settings.iter().any(|&i| metrics(i)) {
                            body.push("metrics = false".into());
                        }
                        if rs[first].name != "diagnostics" {
                            body.push(format!("setting_name = {}", string_literal(&rs[first].name)));
                        }
                        let w = self.file("settings");
                        w.line(0, &format!("diagnostics {{ {} }}", body.join("  ")), Some(&rs[first].node));
                    }
                }
                _ => self.note(
                    &rs[first].node,
                    "the diagnostic settings do not all send to one workspace under one name, as a plan's `diagnostics` block does; they are not imported",
                ),
            }
        }

        // DDoS protection plans, and the networks they protect.
        let mut ddos: HashMap<String, String> = HashMap::new();
        for (i, r) in rs.iter().enumerate().filter(|(_, r)| r.is(DDOS)) {
            self.used[i] = true;
            let block = self.names.claim(&r.name);
            ddos.insert(r.name.to_ascii_lowercase(), block.clone());
            let c = common(r, self);
            let group = group_of(r);
            let w = self.file(&group);
            w.line(0, &format!("ddos_plan {block} {{"), Some(&r.node));
            w.line(1, &format!("resource_group = {}", string_literal(&group)), None);
            write_common(w, &c);
            super::write_names(w, &block, &[("ddos_plan", &r.name)]);
            w.line(0, "}", None);
        }
        for r in rs.iter().filter(|r| r.is(super::NETWORK)) {
            let Some(plan) = id_name(r.props().and_then(|p| p.get("ddosProtectionPlan"))) else { continue };
            match ddos.get(&plan.to_ascii_lowercase()) {
                Some(b) => parts.networks.entry(r.name.to_ascii_lowercase()).or_default().attrs.push(format!("ddos_plan = {b}")),
                None => self.note(
                    r.props().and_then(|p| p.get("ddosProtectionPlan")).unwrap_or(&r.node),
                    format!("network `{}`'s DDoS protection plan `{plan}` is not in the template; left out", r.name),
                ),
            }
        }

        // Firewall policies: a firewall's own (one firewall, holding only what its
        // `firewall` block says) becomes its rule blocks; any other a `firewall_policy` block.
        let policies = index(POLICY);
        let firewalls: Vec<usize> = rs.iter().enumerate().filter(|(_, r)| r.is(FIREWALL)).map(|(i, _)| i).collect();
        let policy_of = |i: usize| id_name(rs[i].props().and_then(|p| p.get("firewallPolicy"))).map(|n| n.to_ascii_lowercase());
        let groups_of = |policy: &Resource| -> Vec<usize> {
            let prefix = format!("{}/", policy.name.to_ascii_lowercase());
            let mut groups: Vec<usize> =
                rs.iter().enumerate().filter(|(_, g)| g.is(RULE_GROUP) && g.name.to_ascii_lowercase().starts_with(&prefix)).map(|(j, _)| j).collect();
            groups.sort_by_key(|&j| rs[j].props().and_then(|p| p.get("priority")).and_then(Node::as_i64).unwrap_or(0));
            groups
        };
        let own_policy = |i: usize| -> Option<usize> {
            let name = policy_of(i)?;
            let &p = policies.get(&name)?;
            if firewalls.iter().filter(|&&f| policy_of(f).as_deref() == Some(name.as_str())).count() != 1 {
                return None;
            }
            let props = rs[p].props()?;
            let only_own = props.members().iter().all(|(k, _)| k == "sku" || k == "threatIntelMode");
            let tier = |n: &Node, path: &[&str]| n.at(path).and_then(Node::as_str).map(str::to_ascii_lowercase);
            let same_tier = tier(props, &["sku", "tier"]) == tier(rs[i].props()?, &["sku", "tier"]);
            let own_groups = groups_of(&rs[p]).iter().all(|&g| {
                let leaf = rs[g].leaf();
                let priority = rs[g].props().and_then(|p| p.get("priority")).and_then(Node::as_i64);
                matches!((leaf, priority), ("dnat", Some(100)) | ("network", Some(200)) | ("application", Some(300)))
            });
            (only_own && same_tier && own_groups).then_some(p)
        };
        let own: HashMap<usize, usize> = firewalls.iter().filter_map(|&f| own_policy(f).map(|p| (f, p))).collect();

        // The other policies, parents before children, as `firewall_policy` blocks.
        let mut policy_blocks: HashMap<String, String> = HashMap::new();
        let shared: Vec<usize> =
            policies.values().copied().filter(|p| !own.values().any(|o| o == p)).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
        for &p in &shared {
            let name = &rs[p].name;
            let block = self.names.claim(name.strip_suffix("-firewall-policy").unwrap_or(name));
            policy_blocks.insert(name.to_ascii_lowercase(), block);
        }
        for &p in &shared {
            self.used[p] = true;
            let r = &rs[p];
            let block = policy_blocks[&r.name.to_ascii_lowercase()].clone();
            let c = common(r, self);
            let group = group_of(r);
            let props = r.props();
            let mut lines: Vec<(usize, String, Option<Node>)> = Vec::new();
            let get = |k: &str| props.and_then(|p| p.get(k));
            if let Some(tier) = get("sku").and_then(|s| s.get("tier")).and_then(Node::as_str).filter(|t| !t.eq_ignore_ascii_case("Standard")) {
                lines.push((1, format!("tier = {tier}"), get("sku").cloned()));
            }
            if let Some(base) = get("basePolicy") {
                let id = base.get("id").and_then(Node::as_str).and_then(group_and_name);
                match id {
                    Some((rg, name)) => {
                        let parent = match policy_blocks.get(&name.to_ascii_lowercase()) {
                            Some(b) => b.clone(),
                            None => {
                                let b = self.names.claim(&name);
                                policy_blocks.insert(name.to_ascii_lowercase(), b.clone());
                                let own_name = if b == name { String::new() } else { format!("  name = {}", string_literal(&name)) };
                                let w = self.file("settings");
                                w.line(
                                    0,
                                    &format!("existing firewall_policy {b} {{ resource_group = {}{own_name} }}", string_literal(&rg)),
                                    Some(base),
                                );
                                b
                            }
                        };
                        lines.push((1, format!("parent = {parent}"), Some(base.clone())));
                    }
                    None => self.note(base, format!("policy `{}`'s parent is not known before deployment; left out", r.name)),
                }
            }
            if let Some(mode) = get("threatIntelMode").and_then(Node::as_str) {
                // Without a parent, Alert is what the block writes when it says nothing.
                if get("basePolicy").is_some() || !mode.eq_ignore_ascii_case("alert") {
                    lines.push((1, format!("threat_intel = {}", mode.to_ascii_lowercase()), get("threatIntelMode").cloned()));
                }
            }
            if let Some(mode) =
                get("intrusionDetection").and_then(|d| d.get("mode")).and_then(Node::as_str).filter(|m| !m.eq_ignore_ascii_case("off"))
            {
                lines.push((1, format!("idps = {}", mode.to_ascii_lowercase()), get("intrusionDetection").cloned()));
            }
            if let Some(allow) = get("threatIntelWhitelist") {
                let ips = strings(allow.get("ipAddresses"));
                let fqdns: Vec<String> = strings(allow.get("fqdns")).iter().map(|f| string_literal(f)).collect();
                lines.push((
                    1,
                    format!("threat_intel_allow {{ ip_addresses = [{}]  fqdns = [{}] }}", ips.join(", "), fqdns.join(", ")),
                    Some(allow.clone()),
                ));
            }
            if let Some(dns) = get("dnsSettings") {
                let proxy = dns.get("enableProxy").and_then(Node::as_bool) == Some(true);
                let servers = strings(dns.get("servers"));
                let mut body = vec![format!("proxy = {proxy}")];
                if !servers.is_empty() {
                    body.push(format!("servers = [{}]", servers.join(", ")));
                }
                lines.push((1, format!("dns {{ {} }}", body.join("  ")), Some(dns.clone())));
            }
            if let Some(insights) = get("insights").filter(|i| i.get("isEnabled").and_then(Node::as_bool) == Some(true)) {
                match insights.at(&["logAnalyticsResources", "defaultWorkspaceId", "id"]).and_then(|id| workspace_block(self, id)) {
                    Some(ws) => {
                        let mut body = vec![format!("workspace = {ws}")];
                        if let Some(days) = insights.get("retentionDays").and_then(Node::as_i64) {
                            body.push(format!("retention_days = {days}"));
                        }
                        lines.push((1, format!("insights {{ {} }}", body.join("  ")), Some(insights.clone())));
                    }
                    None => self.note(insights, format!("policy `{}`'s analytics workspace is not known before deployment; left out", r.name)),
                }
            }
            for g in groups_of(r) {
                self.used[g] = true;
                let gr = &rs[g];
                let priority = gr.props().and_then(|p| p.get("priority")).and_then(Node::as_i64).unwrap_or(100);
                lines.push((1, format!("rule_collection_group {} {{", ident(gr.leaf())), Some(gr.node.clone())));
                lines.push((2, format!("priority = {priority}"), None));
                for collection in gr.props().and_then(|p| p.get("ruleCollections")).map(|c| c.items().to_vec()).unwrap_or_default() {
                    let cname = collection.get("name").and_then(Node::as_str).unwrap_or("collection").to_string();
                    let action = collection.at(&["action", "type"]).and_then(Node::as_str).unwrap_or("Allow").to_ascii_lowercase();
                    let rules = collection.get("rules").map(|r| r.items().to_vec()).unwrap_or_default();
                    let kind = if rules.iter().any(|r| r.get("ruleType").and_then(Node::as_str) == Some("ApplicationRule")) {
                        "application_collection"
                    } else {
                        "network_collection"
                    };
                    if collection.get("ruleCollectionType").and_then(Node::as_str) != Some("FirewallPolicyFilterRuleCollection") {
                        self.note(&collection, format!("collection `{cname}` of a shared policy is no filter collection (a plan's shared policies hold no DNAT rules); left out"));
                        continue;
                    }
                    let cpriority = collection.get("priority").and_then(Node::as_i64).unwrap_or(100);
                    lines.push((2, format!("{kind} {} {{", ident(&cname)), Some(collection.clone())));
                    lines.push((3, format!("priority = {cpriority}"), None));
                    for rule in &rules {
                        if let Some(text) = self.firewall_rule(rule, Some(&action)) {
                            lines.push((3, text, Some(rule.clone())));
                        }
                    }
                    lines.push((2, "}".into(), None));
                }
                lines.push((1, "}".into(), None));
            }
            let w = self.file(&group);
            w.line(0, &format!("firewall_policy {block} {{"), Some(&r.node));
            w.line(1, &format!("resource_group = {}", string_literal(&group)), None);
            write_common(w, &c);
            if let Some(names) = names_entries(&[("firewall_policy", r.name.clone(), format!("{block}-firewall-policy"))]) {
                w.line(1, &names, None);
            }
            for (indent, text, from) in &lines {
                w.line(*indent, text, from.as_ref());
            }
            w.line(0, "}", None);
        }

        // Firewalls, in their hubs.
        for &f in &firewalls {
            let r = &rs[f];
            let props = r.props();
            let configs = props.and_then(|p| p.get("ipConfigurations")).map(|c| c.items().to_vec()).unwrap_or_default();
            let Some(network) = configs.first().and_then(|c| network_of_subnet(c.at(&["properties", "subnet"]))) else {
                self.note(props.unwrap_or(&r.node), format!("firewall `{}`'s network is not known before deployment; it is not imported", r.name));
                continue;
            };
            self.used[f] = true;
            let hub_block =
                ident(&rs.iter().find(|n| n.is(super::NETWORK) && n.name.eq_ignore_ascii_case(&network)).map_or(network.clone(), |n| n.name.clone()));
            let mut body: Vec<(usize, String, Option<Node>)> = Vec::new();
            let tier = props.and_then(|p| p.at(&["sku", "tier"])).and_then(Node::as_str).unwrap_or("Standard").to_string();
            if tier != "Standard" {
                body.push((2, format!("sku = {tier}"), props.and_then(|p| p.get("sku")).cloned()));
            }
            if let Some(z) = zones_of(r) {
                body.push((2, format!("zones = [{z}]"), r.node.get("zones").cloned()));
            }
            if configs.len() > 1 {
                body.push((2, format!("public_ips = {}", configs.len()), props.and_then(|p| p.get("ipConfigurations")).cloned()));
            }
            // The public IP addresses: folded in, named by one pattern.
            let mut pip_names = Vec::new();
            let mut pips: Vec<Node> = configs.clone();
            pips.extend(props.and_then(|p| p.get("managementIpConfiguration")).cloned());
            for c in &pips {
                if let Some(name) = id_name(c.at(&["properties", "publicIPAddress"])) {
                    if let Some(&j) = ips.get(&name.to_ascii_lowercase()) {
                        self.used[j] = true;
                    }
                    pip_names.push(name);
                }
            }
            let mut names = vec![("firewall", r.name.clone(), format!("{hub_block}-firewall"))];
            if let Some(first) = pip_names.first() {
                names.push(("public_ip", public_ip_pattern(&r.name, first), "{name}-pip".into()));
            }
            let policy_name = id_name(props.and_then(|p| p.get("firewallPolicy")));
            match (own.get(&f), policy_name) {
                (Some(&p), _) => {
                    self.used[p] = true;
                    let policy = &rs[p];
                    names.push(("firewall_policy", policy.name.clone(), format!("{hub_block}-firewall-policy")));
                    let mode = policy.props().and_then(|p| p.get("threatIntelMode")).and_then(Node::as_str).unwrap_or("Alert").to_ascii_lowercase();
                    if mode != "alert" {
                        body.push((2, format!("threat_intel = {mode}"), policy.props().and_then(|p| p.get("threatIntelMode")).cloned()));
                    }
                    for g in groups_of(policy) {
                        self.used[g] = true;
                        let gr = &rs[g];
                        let block = match gr.leaf() {
                            "dnat" => "dnat",
                            "network" => "network_rules",
                            _ => "application_rules",
                        };
                        body.push((2, format!("{block} {{"), Some(gr.node.clone())));
                        let mut collections = gr.props().and_then(|p| p.get("ruleCollections")).map(|c| c.items().to_vec()).unwrap_or_default();
                        collections.sort_by_key(|c| c.get("priority").and_then(Node::as_i64).unwrap_or(0));
                        for collection in &collections {
                            let action = collection.at(&["action", "type"]).and_then(Node::as_str).map(str::to_ascii_lowercase);
                            let action = action.filter(|a| a != "dnat");
                            for rule in collection.get("rules").map(|r| r.items().to_vec()).unwrap_or_default() {
                                if let Some(text) = self.firewall_rule(&rule, action.as_deref()) {
                                    body.push((3, text, Some(rule.clone())));
                                }
                            }
                        }
                        body.push((2, "}".into(), None));
                    }
                }
                (None, Some(name)) => match policy_blocks.get(&name.to_ascii_lowercase()) {
                    Some(b) => body.push((2, format!("policy = {b}"), props.and_then(|p| p.get("firewallPolicy")).cloned())),
                    None => self.note(
                        props.and_then(|p| p.get("firewallPolicy")).unwrap_or(&r.node),
                        format!("firewall `{}`'s policy `{name}` is not known before deployment; the firewall is imported with a policy of its own, without rules", r.name),
                    ),
                },
                (None, None) => {}
            }
            if let Some(n) = names_entries(&names) {
                body.insert(0, (2, n, None));
            }
            let extras = parts.networks.entry(network).or_default();
            extras.children.push((1, "firewall {".into(), Some(r.node.clone())));
            extras.children.extend(body);
            extras.children.push((1, "}".into(), None));
        }

        // Bastion hosts.
        for (i, r) in rs.iter().enumerate().filter(|(_, r)| r.is(BASTION)) {
            let config = r.props().and_then(|p| p.get("ipConfigurations")).and_then(|c| c.items().first()).cloned();
            let Some(network) = network_of_subnet(config.as_ref().and_then(|c| c.at(&["properties", "subnet"]))) else {
                self.note(&r.node, format!("Bastion `{}`'s network is not known before deployment; it is not imported", r.name));
                continue;
            };
            self.used[i] = true;
            let hub_block = ident(&network_name(rs, &network));
            let mut body = Vec::new();
            if let Some(sku) = r.node.at(&["sku", "name"]).and_then(Node::as_str).filter(|s| !s.eq_ignore_ascii_case("Basic")) {
                body.push(format!("sku = {sku}"));
            }
            if let Some(z) = zones_of(r) {
                body.push(format!("zones = [{z}]"));
            }
            let mut names = vec![("bastion", r.name.clone(), format!("{hub_block}-bastion"))];
            if let Some(pip) = id_name(config.as_ref().and_then(|c| c.at(&["properties", "publicIPAddress"]))) {
                if let Some(&j) = ips.get(&pip.to_ascii_lowercase()) {
                    self.used[j] = true;
                }
                names.push(("public_ip", public_ip_pattern(&r.name, &pip), "{name}-pip".into()));
            }
            body.extend(names_entries(&names));
            let extras = parts.networks.entry(network).or_default();
            extras.children.push((1, format!("bastion {{ {} }}", body.join("  ")).replace("{  }", "{}"), Some(r.node.clone())));
        }

        // Gateways, and the sites connected to VPN gateways.
        let local_gateways = index(LOCAL_GATEWAY);
        for (i, r) in rs.iter().enumerate().filter(|(_, r)| r.is(GATEWAY)) {
            let props = r.props();
            let configs = props.and_then(|p| p.get("ipConfigurations")).map(|c| c.items().to_vec()).unwrap_or_default();
            let Some(network) = configs.first().and_then(|c| network_of_subnet(c.at(&["properties", "subnet"]))) else {
                self.note(&r.node, format!("gateway `{}`'s network is not known before deployment; it is not imported", r.name));
                continue;
            };
            self.used[i] = true;
            let hub_block = ident(&network_name(rs, &network));
            let vpn = !props.and_then(|p| p.get("gatewayType")).and_then(Node::as_str).is_some_and(|t| t.eq_ignore_ascii_case("ExpressRoute"));
            let kind = if vpn { "vpn_gateway" } else { "er_gateway" };
            let mut body: Vec<(usize, String, Option<Node>)> = Vec::new();
            match props.and_then(|p| p.at(&["sku", "name"])).and_then(Node::as_str) {
                Some(sku) => body.push((2, format!("sku = {sku}"), props.and_then(|p| p.get("sku")).cloned())),
                None => {
                    self.note(&r.node, format!("gateway `{}`'s SKU is not known before deployment; the plan says `VpnGw1AZ`", r.name));
                    body.push((2, "sku = VpnGw1AZ".into(), None));
                }
            }
            if vpn {
                if props.and_then(|p| p.get("enableBgp")).and_then(Node::as_bool) == Some(true) {
                    if let Some(asn) = props.and_then(|p| p.at(&["bgpSettings", "asn"])).and_then(Node::as_i64) {
                        body.push((2, format!("asn = {asn}"), props.and_then(|p| p.get("bgpSettings")).cloned()));
                    }
                }
                if props.and_then(|p| p.get("activeActive")).and_then(Node::as_bool) == Some(true) {
                    body.push((2, "active_active = true".into(), props.and_then(|p| p.get("activeActive")).cloned()));
                }
                if let Some(client) = props.and_then(|p| p.get("vpnClientConfiguration")) {
                    let pool = strings(client.at(&["vpnClientAddressPool", "addressPrefixes"]));
                    let mut p2s = vec![format!("address_pool = [{}]", pool.join(", "))];
                    if let Some(tenant) = client.get("aadTenant").and_then(Node::as_str) {
                        let id = tenant.trim_end_matches('/').rsplit('/').next().unwrap_or(tenant);
                        p2s.push(format!("entra_tenant = {}", string_literal(id)));
                    } else if let Some(cert) = client
                        .get("vpnClientRootCertificates")
                        .and_then(|c| c.items().first())
                        .and_then(|c| c.at(&["properties", "publicCertData"]))
                        .and_then(Node::as_str)
                    {
                        p2s.push(format!("root_certificate = {}", string_literal(cert)));
                    }
                    body.push((2, format!("point_to_site {{ {} }}", p2s.join("  ")), Some(client.clone())));
                }
            }
            let mut pip_names = Vec::new();
            for c in &configs {
                if let Some(name) = id_name(c.at(&["properties", "publicIPAddress"])) {
                    if let Some(&j) = ips.get(&name.to_ascii_lowercase()) {
                        self.used[j] = true;
                    }
                    pip_names.push(name);
                }
            }
            let mut names = vec![(kind, r.name.clone(), format!("{hub_block}-{}", if vpn { "vpn-gateway" } else { "er-gateway" }))];
            if let Some(first) = pip_names.first() {
                names.push(("public_ip", public_ip_pattern(&r.name, first), "{name}-pip".into()));
            }
            if let Some(n) = names_entries(&names) {
                body.insert(0, (2, n, None));
            }
            let mut lines = vec![(1, format!("{kind} {{"), Some(r.node.clone()))];
            lines.extend(body);
            lines.push((1, "}".into(), None));

            // Sites: a connection on this gateway to a local network gateway in the template.
            for (k, con) in rs.iter().enumerate().filter(|(_, c)| c.is(CONNECTION)) {
                let cp = con.props();
                if !vpn || id_name(cp.and_then(|p| p.get("virtualNetworkGateway1"))).is_none_or(|g| !g.eq_ignore_ascii_case(&r.name)) {
                    continue;
                }
                let Some(&l) = id_name(cp.and_then(|p| p.get("localNetworkGateway2"))).and_then(|n| local_gateways.get(&n.to_ascii_lowercase()))
                else {
                    self.note(&con.node, format!("connection `{}` is to no local network gateway in the template; it is not imported", con.name));
                    continue;
                };
                self.used[k] = true;
                self.used[l] = true;
                let local = &rs[l];
                let lp = local.props();
                let block = ident(&local.name);
                let mut site = Vec::new();
                let mut site_line = |text: String| site.push(text);
                match lp.and_then(|p| p.get("gatewayIpAddress")).and_then(Node::as_str) {
                    Some(ip) => site_line(format!("gateway_ip = {ip}")),
                    None => {
                        self.note(
                            lp.unwrap_or(&local.node),
                            format!("site `{}`'s address is not known before deployment; the plan says 192.0.2.1", local.name),
                        );
                        site_line("gateway_ip = 192.0.2.1".into());
                    }
                }
                site_line(format!(
                    "address_space = [{}]",
                    strings(lp.and_then(|p| p.at(&["localNetworkAddressSpace", "addressPrefixes"]))).join(", ")
                ));
                let key = cp.and_then(|p| p.get("sharedKey"));
                let reference =
                    key.and_then(|k| k.get("secretName").and_then(Node::as_str).zip(k.at(&["keyVault", "id"]).and_then(super::machines::vault_of)));
                let (vault, secret) = match reference {
                    Some((secret, (rg, vault))) => ((rg, vault), secret.to_string()),
                    None => {
                        if let Some(k) = key {
                            self.note(k, format!("connection `{}`'s shared key is not read from Key Vault; the plan reads secret `{}-psk` of the placeholder vault `{}`, for you to name", con.name, local.name, super::machines::PLACEHOLDER_VAULT));
                        }
                        ((String::new(), super::machines::PLACEHOLDER_VAULT.to_string()), format!("{}-psk", local.name))
                    }
                };
                let vault_block = self.vault_block(&vault);
                site_line(format!("shared_key = secret({vault_block}, {})", string_literal(&secret)));
                if let (Some(asn), Some(peer)) = (
                    lp.and_then(|p| p.at(&["bgpSettings", "asn"])).and_then(Node::as_i64),
                    lp.and_then(|p| p.at(&["bgpSettings", "bgpPeeringAddress"])).and_then(Node::as_str),
                ) {
                    site_line(format!("asn = {asn}"));
                    site_line(format!("bgp_peer_ip = {peer}"));
                }
                site.extend(names_entries(&[
                    ("local_network_gateway", local.name.clone(), block.clone()),
                    ("connection", con.name.clone(), format!("{block}-connection")),
                ]));
                lines.push((1, format!("site {block} {{"), Some(local.node.clone())));
                lines.extend(site.into_iter().map(|t| (2, t, None)));
                lines.push((1, "}".into(), None));
            }
            parts.networks.entry(network).or_default().children.extend(lines);
        }

        // The route tables ashlar derives for spokes of a hub with a firewall: one
        // default route to the firewall's address, read at deployment.
        for r in rs.iter().filter(|r| r.is(super::ROUTE_TABLE)) {
            let routes = r.props().and_then(|p| p.get("routes")).map(|s| s.items().to_vec()).unwrap_or_default();
            let derived = matches!(routes.as_slice(), [route] if {
                let p = route.get("properties");
                p.and_then(|p| p.get("addressPrefix")).and_then(Node::as_str) == Some("0.0.0.0/0")
                    && matches!(p.and_then(|p| p.get("nextHopIpAddress")).map(|n| &n.value), Some(Value::Unknown(t)) if t.contains("Microsoft.Network/azureFirewalls"))
            });
            if derived {
                parts.derived_tables.insert(r.name.to_ascii_lowercase());
            }
        }
        let mut derived_of: BTreeMap<String, String> = BTreeMap::new();
        for r in rs.iter().filter(|r| r.is(super::NETWORK) || r.is(super::SUBNET)) {
            let (network, subnets) = if r.is(super::NETWORK) {
                (r.name.clone(), r.props().and_then(|p| p.get("subnets")).map(|s| s.items().to_vec()).unwrap_or_default())
            } else {
                (r.name.split('/').next().unwrap_or("").to_string(), vec![r.node.clone()])
            };
            for s in subnets {
                if let Some(table) = id_name(s.at(&["properties", "routeTable"])).filter(|t| parts.derived_tables.contains(&t.to_ascii_lowercase())) {
                    derived_of.insert(network.to_ascii_lowercase(), table);
                }
            }
        }
        for (network, table) in derived_of {
            let default = format!("{}-to-firewall", ident(&network_name(rs, &network)));
            if table != default {
                parts.networks.entry(network).or_default().names.push(("route_table", table));
            }
        }
        self.private_endpoints(cx, common, &mut parts);
        parts
    }

    /// Private DNS zones (with their links) as `private_dns` blocks, and private
    /// endpoints (with their zone groups) as `private_endpoint` blocks of their subnets.
    fn private_endpoints(&mut self, cx: &Context, common: &dyn Fn(&Resource, &mut Mapper) -> Common, parts_out: &mut HubParts) {
        let rs = cx.resources;
        let group_of = |r: &Resource| r.group.clone().unwrap_or_else(|| cx.default_group.clone());
        let networks: HashSet<String> = rs.iter().filter(|r| r.is(super::NETWORK)).map(|r| r.name.to_ascii_lowercase()).collect();
        let mut zones: HashMap<String, String> = HashMap::new();
        for (i, r) in rs.iter().enumerate().filter(|(_, r)| r.is(DNS_ZONE)) {
            self.used[i] = true;
            let block = self.names.claim(&r.name.replace('.', "_"));
            zones.insert(r.name.to_ascii_lowercase(), block.clone());
            // A zone is global: only its tags are its own.
            let c = Common { location: None, ..common(r, self) };
            let prefix = format!("{}/", r.name.to_ascii_lowercase());
            let mut links = Vec::new();
            let mut pattern: Option<String> = None;
            let mut registration = false;
            for (j, link) in rs.iter().enumerate().filter(|(_, l)| l.is(DNS_LINK) && l.name.to_ascii_lowercase().starts_with(&prefix)) {
                let Some(network) = id_name(link.props().and_then(|p| p.get("virtualNetwork"))) else { continue };
                if !networks.contains(&network.to_ascii_lowercase()) {
                    self.note(&link.node, format!("zone `{}` is linked to `{network}`, a network outside the template: left out", r.name));
                    continue;
                }
                self.used[j] = true;
                registration |= link.props().and_then(|p| p.get("registrationEnabled")).and_then(Node::as_bool) == Some(true);
                links.push(ident(&network_name(cx.resources, &network.to_ascii_lowercase())));
                pattern.get_or_insert_with(|| link.leaf().replacen(&network, "{vnet}", 1));
            }
            let group = group_of(r);
            let w = self.file(&group);
            w.line(0, &format!("private_dns {block} {{"), Some(&r.node));
            w.line(1, &format!("resource_group = {}", string_literal(&group)), None);
            w.line(1, &format!("zone = {}", string_literal(&r.name)), None);
            write_common(w, &c);
            if !links.is_empty() {
                w.line(1, &format!("link = [{}]", links.join(", ")), None);
            }
            if registration {
                w.line(1, "registration_enabled = true", None);
            }
            if let Some(names) = names_entries(&[("private_dns_link", pattern.unwrap_or_default(), "{vnet}".into())]) {
                w.line(1, &names, None);
            }
            w.line(0, "}", None);
        }

        for (i, r) in rs.iter().enumerate().filter(|(_, r)| r.is(ENDPOINT)) {
            let props = r.props();
            let id_node = props.and_then(|p| p.at(&["subnet", "id"]));
            let Some(parts) = id_node.and_then(Node::as_str).and_then(super::machines::subnet_id_parts) else {
                self.note(&r.node, format!("private endpoint `{}`'s subnet is not known before deployment; it is not imported", r.name));
                continue;
            };
            // A subnet of a network the template does not deploy joins the
            // `existing vnet` block its machines' subnets join.
            let outside = !networks.contains(&parts.network.to_ascii_lowercase());
            let connection =
                props.and_then(|p| p.get("privateLinkServiceConnections")).and_then(|c| c.items().first()).and_then(|c| c.get("properties"));
            let target = connection.and_then(|c| c.get("privateLinkServiceId"));
            let group_id = connection.and_then(|c| c.get("groupIds")).and_then(|g| g.items().first()).and_then(Node::as_str);
            let (Some(target), Some(group_id)) = (target, group_id) else {
                self.note(&r.node, format!("private endpoint `{}`'s target is not known before deployment; it is not imported", r.name));
                continue;
            };
            let Some(target_text) = self.endpoint_target(target) else { continue };
            self.used[i] = true;
            let block = ident(&r.name);
            let mut body = vec![target_text, format!("group = {group_id}")];
            let prefix = format!("{}/", r.name.to_ascii_lowercase());
            for (j, g) in rs.iter().enumerate().filter(|(_, g)| g.is(ZONE_GROUP) && g.name.to_ascii_lowercase().starts_with(&prefix)) {
                self.used[j] = true;
                let zone = g
                    .props()
                    .and_then(|p| p.get("privateDnsZoneConfigs"))
                    .and_then(|c| c.items().first())
                    .and_then(|c| c.at(&["properties", "privateDnsZoneId"]))
                    .and_then(Node::as_str)
                    .and_then(group_and_name)
                    .map(|(_, zone)| zone);
                match zone.and_then(|z| zones.get(&z.to_ascii_lowercase())) {
                    Some(b) => body.push(format!("dns = {b}")),
                    None => self.note(&g.node, format!("private endpoint `{}`'s DNS zone is not in the template; left out", r.name)),
                }
            }
            // An endpoint in an existing network always names its group (`ASH274`).
            let network_group = rs.iter().find(|n| n.is(super::NETWORK) && n.name.eq_ignore_ascii_case(&parts.network)).map(group_of);
            let group = group_of(r);
            if network_group.as_deref() != Some(group.as_str()) {
                body.push(format!("resource_group = {}", string_literal(&group)));
            }
            let c = common(r, self);
            if !c.tags.is_empty() {
                let entries: Vec<String> = c.tags.iter().map(|(k, v, _)| format!("{k} = {}", string_literal(v))).collect();
                body.push(format!("tags {{ {} }}", entries.join("  ")));
            }
            let line = format!("private_endpoint {block} {{ {} }}", body.join("  "));
            if outside {
                let Some(id_node) = id_node else { continue };
                if let Some((key, subnet)) = self.external_subnet(id_node, &parts, &group, &r.node, "this private endpoint") {
                    self.nest_in_external_subnet(&key, &subnet, line);
                }
                continue;
            }
            parts_out.endpoints.entry((parts.network.to_ascii_lowercase(), parts.subnet.to_ascii_lowercase())).or_default().push(line);
        }
    }

    /// What a private endpoint reaches: `resource_id` for an ID in a named
    /// subscription; in the deployment's, an `existing` block (a Key Vault, a
    /// storage account, a SQL server) as `target`.
    fn endpoint_target(&mut self, target: &Node) -> Option<String> {
        let Some(id) = target.as_str() else {
            self.note(target, "a private endpoint's target is not known before deployment; it is not imported");
            return None;
        };
        if !id.contains("{subscription}") {
            return Some(format!("resource_id = {}", string_literal(id)));
        }
        let (group, name) = group_and_name(id)?;
        let lower = id.to_ascii_lowercase();
        if lower.contains("/microsoft.keyvault/vaults/") {
            return Some(format!("target = {}", self.vault_block(&(group, name))));
        }
        let word = if lower.contains("/microsoft.storage/storageaccounts/") {
            "storage_account"
        } else if lower.contains("/microsoft.sql/servers/") {
            "sql_server"
        } else {
            self.note(
                target,
                "a private endpoint to a resource of this type in the deployment's subscription cannot be written yet; it is not imported",
            );
            return None;
        };
        let block = self.names.claim(&name);
        let own = if block == name { String::new() } else { format!("  name = {}", string_literal(&name)) };
        let w = self.file("settings");
        w.line(0, &format!("existing {word} {block} {{ resource_group = {}{own} }}", string_literal(&group)), Some(target));
        Some(format!("target = {block}"))
    }

    /// A firewall rule as a `rule` phrase; `action` is its collection's
    /// (`None` for DNAT). `None` when the rule is one a plan cannot write.
    fn firewall_rule(&mut self, rule: &Node, action: Option<&str>) -> Option<String> {
        let name = rule_name(rule.get("name").and_then(Node::as_str).unwrap_or("rule"));
        let list = |k: &str| strings(rule.get(k));
        for groups in ["sourceIpGroups", "destinationIpGroups"] {
            if let Some(n) = rule.get(groups).filter(|g| !g.items().is_empty()) {
                self.note(n, format!("rule `{name}` names IP groups, which a plan cannot yet; left out"));
                return None;
            }
        }
        let sources = addresses(&list("sourceAddresses"));
        let protocols = |items: Vec<String>| -> String {
            let words: Vec<String> = items.iter().map(|p| p.to_ascii_lowercase()).collect();
            if words.is_empty() {
                "any".into()
            } else {
                one_or_list(&words)
            }
        };
        let ports = |items: Vec<String>| -> String {
            if items.is_empty() || items.iter().any(|p| p == "*") {
                return "any".into();
            }
            one_or_list(&items.iter().map(|p| if p.contains('-') { string_literal(p) } else { p.clone() }).collect::<Vec<_>>())
        };
        match rule.get("ruleType").and_then(Node::as_str).unwrap_or("") {
            "NetworkRule" => {
                let action = action.unwrap_or("allow");
                let protocol_list = list("ipProtocols");
                let icmp_only = protocol_list.iter().all(|p| p.eq_ignore_ascii_case("ICMP")) && !protocol_list.is_empty();
                let port_text = if icmp_only { String::new() } else { format!(" {}", ports(list("destinationPorts"))) };
                let fqdns = list("destinationFqdns");
                let to = if fqdns.is_empty() {
                    addresses(&list("destinationAddresses"))
                } else {
                    one_or_list(&fqdns.iter().map(|f| string_literal(f)).collect::<Vec<_>>())
                };
                Some(format!("rule {name} {action} {}{port_text} from {sources} to {to}", protocols(protocol_list)))
            }
            "ApplicationRule" => {
                let action = action.unwrap_or("allow");
                let mut words = Vec::new();
                for p in rule.get("protocols").map(|p| p.items().to_vec()).unwrap_or_default() {
                    let ty = p.get("protocolType").and_then(Node::as_str).unwrap_or("").to_ascii_lowercase();
                    let port = p.get("port").and_then(Node::as_i64);
                    match (ty.as_str(), port) {
                        ("http", Some(80) | None) => words.push("http".to_string()),
                        ("https", Some(443) | None) => words.push("https".to_string()),
                        _ => {
                            self.note(
                                &p,
                                format!("rule `{name}` takes {ty} on port {}, which a plan's rules cannot say yet; left out", port.unwrap_or(0)),
                            );
                            return None;
                        }
                    }
                }
                let fqdns = list("targetFqdns");
                let to = if fqdns.is_empty() {
                    one_or_list(&list("fqdnTags"))
                } else {
                    format!("[{}]", fqdns.iter().map(|f| string_literal(f)).collect::<Vec<_>>().join(", "))
                };
                Some(format!("rule {name} {action} {} to {to} from {sources}", one_or_list(&words)))
            }
            "NatRule" => {
                let port = list("destinationPorts").first().cloned().unwrap_or_default();
                let address = rule.get("translatedAddress").and_then(Node::as_str).unwrap_or("").to_string();
                let translated = rule.get("translatedPort").and_then(Node::as_str).map(str::to_string).unwrap_or_else(|| port.clone());
                Some(format!("rule {name} {} {port} to {address} port {translated} from {sources}", protocols(list("ipProtocols"))))
            }
            other => {
                self.note(rule, format!("rule `{name}` is of type `{other}`, which a plan does not write; left out"));
                None
            }
        }
    }
}

/// A network's Azure name as the template writes it, from its lower-case name.
fn network_name(rs: &[Resource], lower: &str) -> String {
    rs.iter().find(|n| n.is(super::NETWORK) && n.name.eq_ignore_ascii_case(lower)).map_or(lower.to_string(), |n| n.name.clone())
}
