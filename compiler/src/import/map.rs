//! Resources to plan blocks: virtual networks become `hub`, `spoke` or
//! `vnet` blocks with their subnets and peerings; NSGs `nsg` blocks with
//! `rule` phrases; route tables `route_table` blocks with `route` phrases;
//! NAT gateways `nat_gateway` blocks, their public IP address folded in;
//! virtual machines `compute` blocks ([`machines`]); a hub's firewall,
//! Bastion, gateways and sites, firewall policies, private endpoints and DNS
//! zones, DDoS plans, workspaces and diagnostics ([`hub`]); in-guest patching
//! `update_group` blocks ([`updates`]); galleries and their images `gallery`
//! and `image` blocks ([`images`]). Every other resource is kept as a comment
//! naming it.

use super::json::{Node, Value};
use super::template::Resource;
use super::write::Writer;
use crate::fixes::string_literal;
use std::collections::{BTreeMap, BTreeSet, HashMap};

mod compute_extras;
mod desktops;
mod gather;
mod hub;
mod image_builds;
mod images;
mod machines;
mod profiles;
mod scale_sets;
mod updates;

/// What a value could not be written as, and where it sits in the template.
pub struct Note {
    pub start: usize,
    pub end: usize,
    pub message: String,
}

/// The plan's files, by name, and what was left out.
pub struct Mapped {
    pub files: Vec<(String, Writer)>,
    pub notes: Vec<Note>,
    /// Resources kept as comments: (start, end, type, name).
    pub unmapped: Vec<(usize, usize, String, String)>,
}

/// The resource types read into blocks; public IP addresses only when a
/// block they belong to takes them.
const NETWORK: &str = "Microsoft.Network/virtualNetworks";
const SUBNET: &str = "Microsoft.Network/virtualNetworks/subnets";
const PEERING: &str = "Microsoft.Network/virtualNetworks/virtualNetworkPeerings";
const NSG: &str = "Microsoft.Network/networkSecurityGroups";
const NSG_RULE: &str = "Microsoft.Network/networkSecurityGroups/securityRules";
const ROUTE_TABLE: &str = "Microsoft.Network/routeTables";
const ROUTE: &str = "Microsoft.Network/routeTables/routes";
const NAT: &str = "Microsoft.Network/natGateways";
const PUBLIC_IP: &str = "Microsoft.Network/publicIPAddresses";
const GROUP: &str = "Microsoft.Resources/resourceGroups";

/// The last segment of a resource ID: the name of what it points at.
fn id_name(node: Option<&Node>) -> Option<String> {
    let id = node?.get("id")?.as_str()?;
    Some(id.trim_end_matches('/').rsplit('/').next()?.to_string())
}

/// A block name for an Azure name: letters, digits, `_` and `-`, starting
/// with a letter or `_`.
fn ident(name: &str) -> String {
    let mut out: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

fn is_ident(s: &str) -> bool {
    ident(s) == s
}

struct Names {
    taken: BTreeSet<String>,
}

impl Names {
    /// A top-level block name for `azure`, unique in the plan (names are
    /// compared without regard to case).
    fn claim(&mut self, azure: &str) -> String {
        let base = ident(azure);
        let mut name = base.clone();
        let mut n = 2;
        while !self.taken.insert(name.to_ascii_lowercase()) {
            name = format!("{base}-{n}");
            n += 1;
        }
        name
    }
}

pub struct Context<'a> {
    pub resources: &'a [Resource],
    /// The group of a resource-group-scoped template's resources.
    pub default_group: String,
    /// What the template declares `existing`: referred to, not deployed.
    pub existing: &'a [Resource],
}

pub fn map(cx: &Context) -> Mapped {
    let mut m = Mapper {
        notes: Vec::new(),
        files: BTreeMap::new(),
        names: Names { taken: BTreeSet::new() },
        used: vec![false; cx.resources.len()],
        vaults: HashMap::new(),
        gallery_images: HashMap::new(),
        external_networks: BTreeMap::new(),
    };
    m.run(cx);
    m.subnets_of_existing_networks(cx);
    let unmapped = cx
        .resources
        .iter()
        .zip(&m.used)
        .filter(|(_, used)| !**used)
        .map(|(r, _)| {
            let at = r.node.get("type").map_or((r.node.start, r.node.start), |t| (t.start, t.end));
            (at.0, at.1, r.ty.clone(), r.name.clone())
        })
        .collect();
    Mapped { files: m.files.into_iter().collect(), notes: m.notes, unmapped }
}

struct Mapper {
    notes: Vec<Note>,
    files: BTreeMap<String, Writer>,
    names: Names,
    used: Vec<bool>,
    /// The `key_vault` blocks secrets are read from, by (resource group, vault).
    vaults: HashMap<(String, String), String>,
    /// The `image` blocks of the galleries' images a build makes, by
    /// `gallery/image` (lower case): machines from them name the block.
    gallery_images: HashMap<String, String>,
    /// The networks machines join that the template does not deploy, as
    /// `existing vnet` blocks, by (subscription, resource group, name), lower case.
    external_networks: BTreeMap<(String, String, String), machines::ExternalNetwork>,
}

/// A block's region and tags, compared with the plan's `settings`.
struct Common {
    location: Option<String>,
    tags: Vec<(String, String, (usize, usize))>,
}

impl Mapper {
    fn note(&mut self, node: &Node, message: impl Into<String>) {
        self.notes.push(Note { start: node.start, end: node.end, message: message.into() });
    }

    /// A subnet of a network the template only declares `existing` (and does
    /// not deploy itself) says why it stays a comment: the `existing vnet`
    /// block that could hold it needs an address space, which a template does
    /// not give for a network it does not deploy.
    fn subnets_of_existing_networks(&mut self, cx: &Context) {
        let existing: BTreeSet<String> = cx.existing.iter().filter(|e| e.is(NETWORK)).map(|e| e.name.to_ascii_lowercase()).collect();
        for (i, r) in cx.resources.iter().enumerate() {
            let network = r.name.split('/').next().unwrap_or_default().to_ascii_lowercase();
            if self.used[i] || !r.is(SUBNET) || !existing.contains(&network) {
                continue;
            }
            let at = r.node.get("name").unwrap_or(&r.node);
            self.note(
                at,
                format!(
                    "subnet `{}` of network `{network}`, which the template declares `existing` and does not deploy: its address space is not given, which a plan's `existing vnet` needs; left out",
                    r.leaf()
                ),
            );
        }
    }

    fn file(&mut self, group: &str) -> &mut Writer {
        let name = format!("{}.ashlar", ident(group));
        self.files.entry(name).or_default()
    }

    fn run(&mut self, cx: &Context) {
        let rs = cx.resources;
        let of = |ty: &'static str| rs.iter().enumerate().filter(move |(_, r)| r.is(ty));
        let group_of = |r: &Resource| r.group.clone().unwrap_or_else(|| cx.default_group.clone());

        // The plan's region and tags: the commonest region, and the tags every resource shares.
        let mut regions: BTreeMap<String, usize> = BTreeMap::new();
        let mut shared: Option<Vec<(String, String)>> = None;
        for r in rs {
            if let Some(Value::Str(l)) = r.node.get("location").map(|n| &n.value) {
                *regions.entry(region(l)).or_default() += 1;
            }
            if r.node.get("tags").is_none() {
                continue;
            }
            let tags = tags_of(r);
            shared = Some(match shared {
                None => tags,
                Some(s) => s.into_iter().filter(|t| tags.contains(t)).collect(),
            });
        }
        let location = regions.iter().max_by_key(|(_, n)| **n).map(|(l, _)| l.clone());
        let shared = shared.unwrap_or_default();
        {
            let w = self.files.entry("settings.ashlar".into()).or_default();
            w.line(0, "settings {", None);
            match &location {
                Some(l) => w.line(1, &format!("location = {l}"), None),
                None => w.line(1, "location = westeurope // placeholder: the template names no region before deployment", None),
            }
            let keys: Vec<&(String, String)> = shared.iter().filter(|(k, _)| is_ident(k)).collect();
            if !keys.is_empty() {
                w.line(1, "tags {", None);
                for (k, v) in keys {
                    w.line(2, &format!("{k} = {}", string_literal(v)), None);
                }
                w.line(1, "}", None);
            }
            w.line(0, "}", None);
        }
        if location.is_none() && !rs.is_empty() {
            if let Some(n) = rs.iter().find_map(|r| r.node.get("location")) {
                self.note(n, "the region is not known before deployment; the plan says `westeurope` in its place");
            }
        }
        let common = |r: &Resource, me: &mut Mapper| -> Common {
            let own = r.node.get("location");
            let location = match own.map(|n| &n.value) {
                Some(Value::Str(l)) if Some(region(l)) != location => Some(region(l)),
                Some(Value::Unknown(_)) if location.is_some() => {
                    me.note(own.unwrap_or(&r.node), "the region is not known before deployment; the plan's region stands in for it");
                    None
                }
                _ => None,
            };
            let mut tags = Vec::new();
            if let Some(t) = r.node.get("tags") {
                for (k, v) in t.members() {
                    let Value::Str(value) = &v.value else {
                        me.note(v, format!("tag `{k}` is not a string known before deployment; left out"));
                        continue;
                    };
                    if shared.iter().any(|(sk, sv)| sk == k && sv == value) {
                        continue;
                    }
                    if !is_ident(k) {
                        me.note(v, format!("tag `{k}` has a name a plan cannot write yet (letters, digits, `_` and `-`); left out"));
                        continue;
                    }
                    tags.push((k.clone(), value.clone(), (v.start, v.end)));
                }
            }
            Common { location, tags }
        };

        // Resource groups: consumed; their own region is written when it is not the plan's.
        for (i, r) in of(GROUP) {
            self.used[i] = true;
            let c = common(r, self);
            if (c.location.is_some() || !c.tags.is_empty()) && is_ident(&r.name) {
                let name = r.name.clone();
                let w = self.file(&name);
                w.line(0, &format!("resource_group {name} {{"), Some(&r.node));
                write_common(w, &c);
                w.line(0, "}", None);
            }
        }

        // Public IP addresses by name, for the blocks that fold theirs in.
        let ips: HashMap<String, usize> = of(PUBLIC_IP).map(|(i, r)| (r.name.to_ascii_lowercase(), i)).collect();

        // A hub's services, and the blocks they use.
        let hub_parts = self.hub_parts(cx, &common);

        // NSGs and route tables, with their child resources.
        let mut block_of: HashMap<(String, String), String> = HashMap::new();
        for (i, r) in of(NSG) {
            self.used[i] = true;
            let block = self.names.claim(&r.name);
            block_of.insert(("nsg".into(), r.name.to_ascii_lowercase()), block.clone());
            let c = common(r, self);
            let mut rules: Vec<Node> = r.props().and_then(|p| p.get("securityRules")).map(|s| s.items().to_vec()).unwrap_or_default();
            for (j, child) in of(NSG_RULE) {
                if child.name.to_ascii_lowercase().starts_with(&format!("{}/", r.name.to_ascii_lowercase())) {
                    self.used[j] = true;
                    let mut node = child.node.clone();
                    set_name(&mut node, child.leaf());
                    rules.push(node);
                }
            }
            let group = group_of(r);
            let mut lines = Vec::new();
            for rule in &rules {
                lines.push(self.rule(rule));
            }
            let w = self.file(&group);
            w.line(0, &format!("nsg {block} {{"), Some(&r.node));
            w.line(1, &format!("resource_group = {}", string_literal(&group)), None);
            write_common(w, &c);
            write_names(w, &block, &[("network_security_group", &r.name)]);
            for (line, node) in lines {
                w.line(1, &line, Some(&node));
            }
            w.line(0, "}", None);
        }
        for (i, r) in of(ROUTE_TABLE) {
            self.used[i] = true;
            if hub_parts.derived_tables.contains(&r.name.to_ascii_lowercase()) {
                // The spoke's route to its hub's firewall, which the plan derives.
                block_of.insert(("rt".into(), r.name.to_ascii_lowercase()), String::new());
                continue;
            }
            let block = self.names.claim(&r.name);
            block_of.insert(("rt".into(), r.name.to_ascii_lowercase()), block.clone());
            let c = common(r, self);
            let mut routes: Vec<Node> = r.props().and_then(|p| p.get("routes")).map(|s| s.items().to_vec()).unwrap_or_default();
            for (j, child) in of(ROUTE) {
                if child.name.to_ascii_lowercase().starts_with(&format!("{}/", r.name.to_ascii_lowercase())) {
                    self.used[j] = true;
                    let mut node = child.node.clone();
                    set_name(&mut node, child.leaf());
                    routes.push(node);
                }
            }
            let bgp_off = r.props().and_then(|p| p.get("disableBgpRoutePropagation")).and_then(Node::as_bool) == Some(true);
            let group = group_of(r);
            let lines: Vec<(String, Node)> = routes.iter().map(|route| self.route(route)).collect();
            let w = self.file(&group);
            w.line(0, &format!("route_table {block} {{"), Some(&r.node));
            w.line(1, &format!("resource_group = {}", string_literal(&group)), None);
            write_common(w, &c);
            if bgp_off {
                w.line(1, "bgp_propagation = false", None);
            }
            write_names(w, &block, &[("route_table", &r.name)]);
            for (line, node) in lines {
                w.line(1, &line, Some(&node));
            }
            w.line(0, "}", None);
        }
        for (i, r) in of(NAT) {
            self.used[i] = true;
            let block = self.names.claim(&r.name);
            block_of.insert(("nat".into(), r.name.to_ascii_lowercase()), block.clone());
            let c = common(r, self);
            let props = r.props();
            let pips = props.and_then(|p| p.get("publicIpAddresses")).map(|p| p.items().to_vec()).unwrap_or_default();
            let mut pip_name = None;
            for pip in &pips {
                if let Some(name) = id_name(Some(pip)) {
                    if let Some(&j) = ips.get(&name.to_ascii_lowercase()) {
                        self.used[j] = true;
                    }
                    pip_name = Some(name);
                }
            }
            if pips.len() > 1 {
                self.note(&pips[1], "a NAT gateway block has one public IP address; the others are left out");
            }
            let group = group_of(r);
            let zones = zones_of(r);
            let idle = props.and_then(|p| p.get("idleTimeoutInMinutes")).and_then(Node::as_i64).filter(|n| *n != 4);
            let w = self.file(&group);
            w.line(0, &format!("nat_gateway {block} {{"), Some(&r.node));
            w.line(1, &format!("resource_group = {}", string_literal(&group)), None);
            write_common(w, &c);
            if let Some(z) = zones {
                w.line(1, &format!("zones = [{z}]"), r.node.get("zones"));
            }
            if let Some(idle) = idle {
                w.line(1, &format!("idle_timeout = {idle}"), props.and_then(|p| p.get("idleTimeoutInMinutes")));
            }
            let pip_default = format!("{}-pip", r.name);
            let mut names = vec![("nat_gateway", r.name.as_str())];
            if let Some(p) = pip_name.as_deref().filter(|p| *p != pip_default) {
                names.push(("public_ip", p));
            }
            write_names(w, &block, &names);
            w.line(0, "}", None);
        }

        // Virtual networks: subnets and peerings, inline or as child resources.
        let networks: Vec<(usize, &Resource)> = of(NETWORK).collect();
        let mut blocks: HashMap<String, String> = HashMap::new();
        for (_, r) in &networks {
            let block = self.names.claim(&r.name);
            blocks.insert(r.name.to_ascii_lowercase(), block);
        }
        // Peerings by network: (remote, the peering's node).
        let mut peerings: BTreeMap<String, Vec<(String, Node)>> = BTreeMap::new();
        for (_, r) in &networks {
            for p in r.props().and_then(|p| p.get("virtualNetworkPeerings")).map(|p| p.items().to_vec()).unwrap_or_default() {
                if let Some(remote) = id_name(p.at(&["properties", "remoteVirtualNetwork"])) {
                    peerings.entry(r.name.to_ascii_lowercase()).or_default().push((remote, p));
                }
            }
        }
        for (j, child) in of(PEERING) {
            let network = child.name.split('/').next().unwrap_or("").to_ascii_lowercase();
            if let Some(remote) = id_name(child.node.at(&["properties", "remoteVirtualNetwork"])) {
                if blocks.contains_key(&network) {
                    self.used[j] = true;
                    let mut node = child.node.clone();
                    set_name(&mut node, child.leaf());
                    peerings.entry(network).or_default().push((remote, node));
                }
            }
        }
        let reserved = ["gatewaysubnet", "azurefirewallsubnet", "azurebastionsubnet"];
        let subnets_of = |r: &Resource, used: &mut Vec<bool>| -> Vec<Node> {
            let mut out: Vec<Node> = r.props().and_then(|p| p.get("subnets")).map(|s| s.items().to_vec()).unwrap_or_default();
            for (j, child) in rs.iter().enumerate().filter(|(_, c)| c.is(SUBNET)) {
                if child.name.to_ascii_lowercase().starts_with(&format!("{}/", r.name.to_ascii_lowercase())) {
                    used[j] = true;
                    let mut node = child.node.clone();
                    set_name(&mut node, child.leaf());
                    if !out.iter().any(|s| s.get("name").and_then(Node::as_str).is_some_and(|n| n.eq_ignore_ascii_case(child.leaf()))) {
                        out.push(node);
                    }
                }
            }
            out
        };
        // Hubs: peered networks holding a reserved subnet; a spoke is peered with one hub.
        let mut hub = BTreeSet::new();
        for (_, r) in &networks {
            let key = r.name.to_ascii_lowercase();
            let subnets = subnets_of(r, &mut self.used);
            let has_reserved =
                subnets.iter().any(|s| s.get("name").and_then(Node::as_str).is_some_and(|n| reserved.contains(&n.to_ascii_lowercase().as_str())));
            let serves = hub_parts.networks.get(&key).is_some_and(hub::Extras::makes_hub);
            if has_reserved && (serves || peerings.get(&key).is_some_and(|p| !p.is_empty())) {
                hub.insert(key);
            }
        }
        let mut written_pairs: BTreeSet<(String, String)> = BTreeSet::new();
        let mut written: HashMap<String, String> = HashMap::new();
        for (i, r) in &networks {
            self.used[*i] = true;
            let key = r.name.to_ascii_lowercase();
            let block = blocks[&key].clone();
            let c = common(r, self);
            let props = r.props();
            let mine: Vec<(String, Node)> = peerings.get(&key).cloned().unwrap_or_default();
            let hubs: Vec<&String> = mine.iter().map(|(remote, _)| remote).filter(|remote| hub.contains(&remote.to_ascii_lowercase())).collect();
            let kind = if hub.contains(&key) {
                "hub"
            } else if hubs.len() == 1 {
                "spoke"
            } else {
                "vnet"
            };
            let my_hub = if kind == "spoke" { hubs.first().map(|h| h.to_ascii_lowercase()) } else { None };
            let group = group_of(r);
            let space: Vec<String> = props
                .and_then(|p| p.at(&["addressSpace", "addressPrefixes"]))
                .map(|a| a.items().iter().filter_map(|n| n.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            let space_node = props.and_then(|p| p.at(&["addressSpace", "addressPrefixes"]));
            if space.is_empty() {
                self.note(space_node.unwrap_or(&r.node), "the network's address space is not known before deployment; the network is left out");
                let w = self.file(&group);
                w.line(0, &format!("// not imported: virtual network {} (its address space is not known)", r.name), Some(&r.node));
                continue;
            }
            let dns: Vec<String> = props
                .and_then(|p| p.at(&["dhcpOptions", "dnsServers"]))
                .map(|a| a.items().iter().filter_map(|n| n.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            written.insert(key.clone(), block.clone());
            let subnets = subnets_of(r, &mut self.used);
            let mut subnet_lines = Vec::new();
            for s in &subnets {
                let endpoints = s
                    .get("name")
                    .and_then(Node::as_str)
                    .and_then(|n| hub_parts.endpoints.get(&(key.clone(), n.to_ascii_lowercase())))
                    .cloned()
                    .unwrap_or_default();
                subnet_lines.push(self.subnet(s, &block_of, &endpoints));
            }
            // Peerings: the spoke's hub is `hub =`; others are `peer` on the first side written.
            let mut peers = Vec::new();
            let mut forwarded_off = Vec::new();
            let mut pattern = None;
            let mut patterns_agree = true;
            for (remote, p) in &mine {
                let remote_key = remote.to_ascii_lowercase();
                let Some(remote_block) = blocks.get(&remote_key) else {
                    self.note(p, format!("peering with `{remote}`, a network outside the template: left out (an `existing vnet` block can name it)"));
                    continue;
                };
                if p.at(&["properties", "allowForwardedTraffic"]).and_then(Node::as_bool) == Some(false) {
                    forwarded_off.push(remote_block.clone());
                }
                if let Some(name) = p.get("name").and_then(Node::as_str) {
                    let candidate = name.replacen(&r.name, "{vnet}", 1).replacen(remote.as_str(), "{remote}", 1);
                    match &pattern {
                        None => pattern = Some(candidate),
                        Some(p) if *p != candidate => patterns_agree = false,
                        _ => {}
                    }
                }
                if my_hub.as_deref() == Some(remote_key.as_str()) {
                    continue;
                }
                if kind == "hub" && !hub.contains(&remote_key) {
                    // A spoke names its hub; a network peered with several hubs lists them in `peer`.
                    let remote_hubs =
                        peerings.get(&remote_key).map_or(0, |rp| rp.iter().filter(|(x, _)| hub.contains(&x.to_ascii_lowercase())).count());
                    if remote_hubs == 1 {
                        continue;
                    }
                }
                let pair = if key < remote_key { (key.clone(), remote_key.clone()) } else { (remote_key.clone(), key.clone()) };
                if written_pairs.insert(pair) {
                    peers.push(remote_block.clone());
                }
            }
            let w = self.file(&group);
            w.line(0, &format!("{kind} {block} {{"), Some(&r.node));
            if let Some(h) = &my_hub {
                w.line(1, &format!("hub = {}", blocks[h]), None);
            }
            w.line(1, &format!("resource_group = {}", string_literal(&group)), None);
            write_common(w, &c);
            w.line(1, &format!("address_space = [{}]", space.join(", ")), space_node);
            if !dns.is_empty() {
                w.line(1, &format!("dns_servers = [{}]", dns.join(", ")), props.and_then(|p| p.at(&["dhcpOptions", "dnsServers"])));
            }
            if !peers.is_empty() {
                w.line(1, &format!("peer = [{}]", peers.join(", ")), None);
            }
            let extras = hub_parts.networks.get(&key);
            for attr in extras.map(|e| e.attrs.as_slice()).unwrap_or_default() {
                w.line(1, attr, None);
            }
            let mut names: Vec<(&str, &str)> = vec![("virtual_network", r.name.as_str())];
            for (k, v) in extras.map(|e| e.names.as_slice()).unwrap_or_default() {
                names.push((k, v.as_str()));
            }
            let peering_pattern = pattern.filter(|p| patterns_agree && p != "{vnet}-to-{remote}");
            if let Some(p) = &peering_pattern {
                names.push(("peering", p.as_str()));
            }
            write_names(w, &block, &names);
            for remote in forwarded_off {
                w.line(1, &format!("peering {remote} {{ forwarded_traffic = false }}"), None);
            }
            for (line, node) in subnet_lines {
                w.line(1, &line, Some(&node));
            }
            for (indent, text, from) in extras.map(|e| e.children.as_slice()).unwrap_or_default() {
                w.line(*indent, text, from.as_ref());
            }
            w.line(0, "}", None);
        }

        let update_groups = self.update_groups(cx, &common);
        self.images(cx, &common);
        let backups = self.backups(cx, &common);
        self.desktops(cx, &written, &common);
        self.machines(cx, &written, &update_groups, &backups, &common);
        self.scale_sets(cx, &written, &common);
        self.write_external_networks();
        self.write_vaults();
    }

    /// A subnet: `subnet NAME PREFIX { ... }` on one line.
    /// `nested` are blocks written inside it (its private endpoints).
    fn subnet(&mut self, s: &Node, block_of: &HashMap<(String, String), String>, nested: &[String]) -> (String, Node) {
        let name = s.get("name").and_then(Node::as_str).unwrap_or("subnet").to_string();
        let props = s.get("properties");
        let prefix = props
            .and_then(|p| p.get("addressPrefix"))
            .and_then(Node::as_str)
            .map(str::to_string)
            .or_else(|| props.and_then(|p| p.get("addressPrefixes")).and_then(|a| a.items().first()).and_then(Node::as_str).map(str::to_string));
        let Some(prefix) = prefix else {
            self.note(s, format!("subnet `{name}`'s prefix is not known before deployment; the subnet is left out"));
            return (format!("// not imported: subnet {name} (its prefix is not known)"), s.clone());
        };
        let mut attrs = Vec::new();
        for (key, attr, what) in [("networkSecurityGroup", "nsg", "nsg"), ("routeTable", "route_table", "rt"), ("natGateway", "nat_gateway", "nat")] {
            if let Some(target) = id_name(props.and_then(|p| p.get(key))) {
                match block_of.get(&(what.to_string(), target.to_ascii_lowercase())) {
                    // A route table the plan derives: not named.
                    Some(b) if b.is_empty() => {}
                    Some(b) => attrs.push(format!("{attr} = {b}")),
                    None => self.note(
                        props.and_then(|p| p.get(key)).unwrap_or(s),
                        format!("subnet `{name}` uses `{target}`, which the template does not deploy; left out"),
                    ),
                }
            }
        }
        let endpoints: Vec<String> = props
            .and_then(|p| p.get("serviceEndpoints"))
            .map(|e| e.items().iter().filter_map(|n| n.get("service").and_then(Node::as_str).map(str::to_string)).collect())
            .unwrap_or_default();
        if !endpoints.is_empty() {
            attrs.push(format!("service_endpoints = [{}]", endpoints.join(", ")));
        }
        if let Some(d) = props
            .and_then(|p| p.get("delegations"))
            .and_then(|d| d.items().first())
            .and_then(|d| d.at(&["properties", "serviceName"]))
            .and_then(Node::as_str)
        {
            attrs.push(format!("delegation = {}", string_literal(d)));
        }
        match props.and_then(|p| p.get("privateEndpointNetworkPolicies")).and_then(Node::as_str) {
            Some(v) if v.eq_ignore_ascii_case("disabled") => attrs.push("private_endpoint_policies = disabled".into()),
            Some(v) if v.eq_ignore_ascii_case("enabled") => attrs.push("private_endpoint_policies = enabled".into()),
            Some(v) if v.eq_ignore_ascii_case("NetworkSecurityGroupEnabled") => attrs.push("private_endpoint_policies = nsg_enabled".into()),
            Some(v) if v.eq_ignore_ascii_case("RouteTableEnabled") => attrs.push("private_endpoint_policies = route_table_enabled".into()),
            _ => {}
        }
        // Absent, Azure's default for the API version the template names; ashlar writes it always.
        if props.and_then(|p| p.get("defaultOutboundAccess")).and_then(Node::as_bool) != Some(false) {
            attrs.push("default_outbound_access = true".into());
        }
        let block = ident(&name);
        if block != name {
            attrs.push(format!("names {{ subnet = {} }}", string_literal(&name)));
        }
        attrs.extend(nested.iter().cloned());
        let body = if attrs.is_empty() { String::new() } else { format!(" {{ {} }}", attrs.join("  ")) };
        (format!("subnet {block} {prefix}{body}"), s.clone())
    }

    /// A security rule as a `rule` phrase.
    fn rule(&mut self, rule: &Node) -> (String, Node) {
        let name = rule.get("name").and_then(Node::as_str).unwrap_or("rule").to_string();
        let p = rule.get("properties").unwrap_or(rule);
        let text = |k: &str| p.get(k).and_then(Node::as_str).map(str::to_string);
        let list = |one: &str, many: &str| -> Vec<String> {
            match text(one) {
                Some(v) if !v.is_empty() => vec![v],
                _ => p.get(many).map(|a| a.items().iter().filter_map(|n| n.as_str().map(str::to_string)).collect()).unwrap_or_default(),
            }
        };
        if let Some(src) = text("sourcePortRange").filter(|s| s != "*") {
            self.note(
                p.get("sourcePortRange").unwrap_or(rule),
                format!("rule `{name}` filters source port {src}; a plan's rules match any source port, so it is imported matching any"),
            );
        }
        for asg in ["sourceApplicationSecurityGroups", "destinationApplicationSecurityGroups"] {
            if let Some(n) = p.get(asg).filter(|a| !a.items().is_empty()) {
                self.note(n, format!("rule `{name}` names application security groups, which a plan cannot yet; imported as `any`"));
            }
        }
        let direction = text("direction").unwrap_or_default().to_ascii_lowercase();
        let access = text("access").unwrap_or_default().to_ascii_lowercase();
        let protocol = match text("protocol").unwrap_or_default().to_ascii_lowercase().as_str() {
            "*" | "" => "any".to_string(),
            p => p.to_string(),
        };
        let ports: Vec<String> = list("destinationPortRange", "destinationPortRanges")
            .into_iter()
            .filter(|p| p != "*")
            .map(|p| if p.contains('-') { format!("\"{p}\"") } else { p })
            .collect();
        let address = |values: Vec<String>| -> String {
            let words: Vec<String> = values
                .iter()
                .map(|v| {
                    if v == "*" {
                        "any".to_string()
                    } else if v.contains(':') && !v.contains('/') || v.contains(' ') {
                        string_literal(v)
                    } else {
                        v.clone()
                    }
                })
                .collect();
            match words.len() {
                0 => "any".into(),
                1 => words[0].clone(),
                _ => format!("[{}]", words.join(", ")),
            }
        };
        let mut phrase = format!("{direction} {access} {protocol}");
        match ports.len() {
            0 => {}
            1 => phrase.push_str(&format!(" {}", ports[0])),
            _ => phrase.push_str(&format!(" [{}]", ports.join(", "))),
        }
        phrase.push_str(&format!(" from {}", address(list("sourceAddressPrefix", "sourceAddressPrefixes"))));
        phrase.push_str(&format!(" to {}", address(list("destinationAddressPrefix", "destinationAddressPrefixes"))));
        match p.get("priority").and_then(Node::as_i64) {
            Some(n) => phrase.push_str(&format!(" priority {n}")),
            None => self.note(p.get("priority").unwrap_or(rule), format!("rule `{name}`'s priority is not known before deployment")),
        }
        if let Some(d) = text("description").filter(|d| !d.is_empty()) {
            phrase.push_str(&format!(" description {}", string_literal(&d)));
        }
        (format!("rule {} {{ {phrase} }}", rule_name(&name)), rule.clone())
    }

    /// A route as a `route` phrase.
    fn route(&mut self, route: &Node) -> (String, Node) {
        let name = route.get("name").and_then(Node::as_str).unwrap_or("route").to_string();
        let p = route.get("properties").unwrap_or(route);
        let prefix = p.get("addressPrefix").and_then(Node::as_str).unwrap_or("").to_string();
        let hop = match p.get("nextHopType").and_then(Node::as_str).unwrap_or("").to_ascii_lowercase().as_str() {
            "virtualappliance" => match p.get("nextHopIpAddress").and_then(Node::as_str) {
                Some(ip) => ip.to_string(),
                None => {
                    self.note(p.get("nextHopIpAddress").unwrap_or(route), format!("route `{name}`'s next hop is not known before deployment (an appliance's address read at deployment); the route is left out"));
                    return (format!("// not imported: route {name} {prefix} (its next hop is not known)"), route.clone());
                }
            },
            "internet" => "internet".into(),
            "virtualnetworkgateway" => "vnet_gateway".into(),
            "vnetlocal" => "vnet_local".into(),
            "none" => "none".into(),
            other => {
                self.note(p.get("nextHopType").unwrap_or(route), format!("route `{name}`'s next hop `{other}` is not one a plan writes"));
                "none".into()
            }
        };
        (format!("route {} {prefix} via {hop}", rule_name(&name)), route.clone())
    }
}

/// A rule's or route's name: a block name, or a string when it is none.
fn rule_name(name: &str) -> String {
    if is_ident(name) {
        name.to_string()
    } else {
        ident(name)
    }
}

fn set_name(node: &mut Node, name: &str) {
    if let Value::Object(members) = &mut node.value {
        if let Some((_, n)) = members.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case("name")) {
            n.value = Value::Str(name.to_string());
        }
    }
}

/// A region as a plan writes it: `West Europe` is `westeurope`.
pub(super) fn region(l: &str) -> String {
    l.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase()
}

fn tags_of(r: &Resource) -> Vec<(String, String)> {
    r.node.get("tags").map(|t| t.members().iter().filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string()))).collect()).unwrap_or_default()
}

fn zones_of(r: &Resource) -> Option<String> {
    let zones: Vec<String> = r.node.get("zones")?.items().iter().filter_map(|z| z.as_i64().map(|n| n.to_string())).collect();
    (!zones.is_empty()).then(|| zones.join(", "))
}

fn write_common(w: &mut Writer, c: &Common) {
    if let Some(l) = &c.location {
        w.line(1, &format!("location = {l}"), None);
    }
    if !c.tags.is_empty() {
        let entries: Vec<String> = c.tags.iter().map(|(k, v, _)| format!("{k} = {}", string_literal(v))).collect();
        w.line(1, &format!("tags {{ {} }}", entries.join("  ")), None);
    }
}

/// `names { ... }` for the Azure names the block's name would not give.
fn write_names(w: &mut Writer, block: &str, names: &[(&str, &str)]) {
    let differing: Vec<String> =
        names.iter().filter(|(k, v)| *v != block || *k == "peering").map(|(k, v)| format!("{k} = {}", string_literal(v))).collect();
    if !differing.is_empty() {
        w.line(1, &format!("names {{ {} }}", differing.join("  ")), None);
    }
}
