//! Virtual machines read, their network interface folded in, and handed to
//! `gather.rs`, which writes them as `compute` blocks (alike machines
//! as one block with `count`); availability sets to `availability_set`
//! blocks; a password to `secret(VAULT, "NAME")` with the vault as a
//! `key_vault` block.

use super::{id_name, ident, string_literal, write_common, write_names, Common, Context, Mapper, Node, Resource, Value};
use crate::ast::{Item, ValueKind};
use std::collections::HashMap;

const MACHINE: &str = "Microsoft.Compute/virtualMachines";
const NIC: &str = "Microsoft.Network/networkInterfaces";
const AVAILABILITY_SET: &str = "Microsoft.Compute/availabilitySets";

/// The vault a template's password parameter does not name stands in as this
/// `key_vault` block, for the user to name.
pub(super) const PLACEHOLDER_VAULT: &str = "imported-secrets";

/// A `marketplace_image` of `std.images`: (block name, publisher, offer, sku).
pub(super) fn std_images() -> Vec<(String, String, String, String)> {
    let Some(module) = crate::stdlib::module("std.images") else { return Vec::new() };
    let (file, _) = crate::syntax::parse(crate::source::FileId(0), module.source);
    let mut out = Vec::new();
    for item in &file.items {
        let Item::Block(b) = item else { continue };
        let (Some(crate::ast::Term::Value(v)), Some(body)) = (b.terms.first(), &b.body) else { continue };
        let ValueKind::Path(p) = &v.kind else { continue };
        if b.head.name != "marketplace_image" || p.len() != 1 {
            continue;
        }
        let attr = |k: &str| {
            body.items.iter().find_map(|i| match i {
                Item::Attribute(a) if a.key.name == k => match &a.value.kind {
                    ValueKind::Str(s) => Some(s.clone()),
                    _ => None,
                },
                _ => None,
            })
        };
        if let (Some(publisher), Some(offer), Some(sku)) = (attr("publisher"), attr("offer"), attr("sku")) {
            out.push((p[0].name.clone(), publisher, offer, sku));
        }
    }
    out
}

/// The network and subnet a subnet ID names, as written in it.
pub(super) fn subnet_of_id(id: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = id.split('/').collect();
    let at = |word: &str| parts.iter().position(|p| p.eq_ignore_ascii_case(word)).and_then(|i| parts.get(i + 1)).map(|s| s.to_string());
    Some((at("virtualNetworks")?, at("subnets")?))
}

/// What a subnet ID names: subscription and resource group when it says them
/// (not `resourceId`'s placeholders for the deployment's), network and subnet.
pub(super) struct SubnetId {
    pub subscription: Option<String>,
    pub group: Option<String>,
    pub network: String,
    pub subnet: String,
}

/// A subnet ID's parts; `None` when it names no subnet of a virtual network.
pub(super) fn subnet_id_parts(id: &str) -> Option<SubnetId> {
    let parts: Vec<&str> = id.split('/').collect();
    let at = |word: &str| parts.iter().position(|p| p.eq_ignore_ascii_case(word)).and_then(|i| parts.get(i + 1)).map(|s| s.to_string());
    let known = |s: String| (!s.starts_with('{') && !s.is_empty()).then_some(s);
    let (network, subnet) = subnet_of_id(id)?;
    Some(SubnetId { subscription: at("subscriptions").and_then(known), group: at("resourceGroups").and_then(known), network, subnet })
}

/// A network machines join that the template does not deploy: an `existing
/// vnet` block with the subnets they join, by Azure name and block name.
pub(super) struct ExternalNetwork {
    block: String,
    name: String,
    subscription: Option<String>,
    group: String,
    /// The region of the first interface or private endpoint that joins it:
    /// Azure wants both in their network's region, and the plan deploys them
    /// in their network's.
    location: Option<String>,
    subnets: Vec<ExternalSubnet>,
}

/// A subnet of an [`ExternalNetwork`]: its Azure name, its block name, and the
/// blocks written inside it (its private endpoints).
struct ExternalSubnet {
    name: String,
    block: String,
    nested: Vec<String>,
}

/// A Key Vault reference's (resource group, vault): from its ID, or from the
/// quoted names of an ID written as `format(...)` with `subscription()`.
pub(super) fn vault_of(id: &Node) -> Option<(String, String)> {
    match &id.value {
        Value::Str(s) => {
            let parts: Vec<&str> = s.split('/').collect();
            let at = |word: &str| parts.iter().position(|p| p.eq_ignore_ascii_case(word)).and_then(|i| parts.get(i + 1)).map(|s| s.to_string());
            Some((at("resourceGroups")?, at("vaults")?))
        }
        Value::Unknown(text) if text.contains("Microsoft.KeyVault/vaults") => {
            let quoted: Vec<&str> = text.split('\'').skip(1).step_by(2).collect();
            let n = quoted.len();
            (n >= 3).then(|| (quoted[n - 2].to_string(), quoted[n - 1].to_string()))
        }
        _ => None,
    }
}

impl Mapper {
    /// The block path of the subnet `id` names, for a machine, scale set or
    /// session host of resource group `group` that joins it: a subnet of a
    /// network the plan writes (`networks`, by lower-case Azure name), else a
    /// subnet of a network the template does not deploy (see
    /// [`Mapper::external_subnet`]). `None` when the ID is not known before
    /// deployment. `joiner` is the resource whose region the interface has (the
    /// network interface, the scale set).
    pub(super) fn machine_subnet(&mut self, id: Option<&Node>, networks: &HashMap<String, String>, group: &str, joiner: &Node) -> Option<String> {
        let node = id?;
        let parts = node.as_str().and_then(subnet_id_parts)?;
        if let Some(block) = networks.get(&parts.network.to_ascii_lowercase()) {
            return Some(format!("{block}.{}", ident(&parts.subnet)));
        }
        let (key, subnet) = self.external_subnet(node, &parts, group, joiner, "this interface")?;
        Some(format!("{}.{subnet}", self.external_networks[&key].block))
    }

    /// A subnet of a network the template does not deploy, which a machine's
    /// interface or a private endpoint (`joiner`, of resource group `group`)
    /// joins: it becomes a subnet of the `existing vnet` block of its network,
    /// one block a network whatever joins it, without the prefix a template
    /// does not give (said at `id`). Returns the network's key and the
    /// subnet's block name. `what` names the joiner in the note about a second
    /// region.
    pub(super) fn external_subnet(
        &mut self,
        id: &Node,
        parts: &SubnetId,
        group: &str,
        joiner: &Node,
        what: &str,
    ) -> Option<((String, String, String), String)> {
        let location = joiner.get("location").and_then(Node::as_str).map(super::region);
        let group = parts.group.clone().unwrap_or_else(|| group.to_string());
        let key =
            (parts.subscription.clone().unwrap_or_default().to_ascii_lowercase(), group.to_ascii_lowercase(), parts.network.to_ascii_lowercase());
        if !self.external_networks.contains_key(&key) {
            let block = self.names.claim(&parts.network);
            let network = ExternalNetwork {
                block,
                name: parts.network.clone(),
                subscription: parts.subscription.clone(),
                group,
                location: location.clone(),
                subnets: Vec::new(),
            };
            self.external_networks.insert(key.clone(), network);
        }
        let network = self.external_networks.get_mut(&key)?;
        if network.location.is_none() {
            network.location.clone_from(&location);
        }
        if let (Some(first), Some(this)) = (&network.location, &location) {
            if first != this {
                let message = format!(
                    "{what} is in `{this}` but joins network `{}`, whose machines and endpoints the template puts in `{first}`: Azure wants it in its network's region; the plan deploys it in `{first}`",
                    network.name
                );
                self.note(joiner.get("location").unwrap_or(joiner), message);
            }
        }
        let network = self.external_networks.get_mut(&key)?;
        let block = network.block.clone();
        let subnet = match network.subnets.iter().find(|s| s.name.eq_ignore_ascii_case(&parts.subnet)) {
            Some(subnet) => subnet.block.clone(),
            None => {
                let subnet = ident(&parts.subnet);
                network.subnets.push(ExternalSubnet { name: parts.subnet.clone(), block: subnet.clone(), nested: Vec::new() });
                let what = format!("network `{}` (resource group `{}`)", network.name, network.group);
                self.note(
                    id,
                    format!(
                        "subnet `{}` of {what} is not in the template: it is imported into `existing vnet {block}`, without its address prefix, which the template does not give; the checks that need it (a static address inside the subnet, the subnet's room for the machines) are skipped until you write it",
                        parts.subnet
                    ),
                );
                subnet
            }
        };
        Some((key, subnet))
    }

    /// Writes `block` (a `private_endpoint`) inside subnet `subnet` of the
    /// external network `key`.
    pub(super) fn nest_in_external_subnet(&mut self, key: &(String, String, String), subnet: &str, block: String) {
        if let Some(s) = self.external_networks.get_mut(key).and_then(|n| n.subnets.iter_mut().find(|s| s.block == subnet)) {
            s.nested.push(block);
        }
    }

    /// The `existing vnet` blocks of [`Mapper::machine_subnet`], each in the
    /// file of its resource group.
    pub(super) fn write_external_networks(&mut self) {
        let networks: Vec<ExternalNetwork> = std::mem::take(&mut self.external_networks).into_values().collect();
        for network in networks {
            let w = self.file(&network.group);
            w.line(0, &format!("existing vnet {} {{", network.block), None);
            if network.block != network.name {
                w.line(1, &format!("name = {}", string_literal(&network.name)), None);
            }
            w.line(1, &format!("resource_group = {}", string_literal(&network.group)), None);
            if let Some(subscription) = &network.subscription {
                w.line(1, &format!("subscription = {}", string_literal(subscription)), None);
            }
            if let Some(location) = &network.location {
                w.line(1, &format!("location = {location}"), None);
            }
            for subnet in &network.subnets {
                let name = (subnet.name != subnet.block).then(|| format!("name = {}", string_literal(&subnet.name)));
                match (name, subnet.nested.is_empty()) {
                    (None, true) => w.line(1, &format!("subnet {}", subnet.block), None),
                    (Some(name), true) => w.line(1, &format!("subnet {} {{ {name} }}", subnet.block), None),
                    (name, false) => {
                        w.line(1, &format!("subnet {} {{", subnet.block), None);
                        if let Some(name) = name {
                            w.line(2, &name, None);
                        }
                        for nested in &subnet.nested {
                            w.line(2, nested, None);
                        }
                        w.line(1, "}", None);
                    }
                }
            }
            w.line(0, "}", None);
        }
    }

    /// `compute` blocks for the template's machines; `networks` gives the block
    /// of each virtual network the plan writes, by lower-case Azure name.
    pub(super) fn machines(
        &mut self,
        cx: &Context,
        networks: &HashMap<String, String>,
        update_groups: &super::updates::Groups,
        backups: &super::compute_extras::Backups,
        common: &dyn Fn(&Resource, &mut Mapper) -> Common,
    ) {
        let rs = cx.resources;
        let group_of = |r: &Resource| r.group.clone().unwrap_or_else(|| cx.default_group.clone());
        let nics: HashMap<String, usize> = rs.iter().enumerate().filter(|(_, r)| r.is(NIC)).map(|(i, r)| (r.name.to_ascii_lowercase(), i)).collect();

        // Availability sets: a block each, which the machines in it name.
        let mut sets: HashMap<String, String> = HashMap::new();
        for (i, r) in rs.iter().enumerate().filter(|(_, r)| r.is(AVAILABILITY_SET)) {
            let props = r.props();
            let faults = props.and_then(|p| p.get("platformFaultDomainCount")).and_then(Node::as_i64);
            let updates = props.and_then(|p| p.get("platformUpdateDomainCount")).and_then(Node::as_i64);
            if faults.is_some_and(|n| n != 2) || updates.is_some_and(|n| n != 5) {
                self.note(
                    props.unwrap_or(&r.node),
                    format!(
                        "availability set `{}` has {} fault and {} update domains; a plan's set has 2 and 5",
                        r.name,
                        faults.unwrap_or(2),
                        updates.unwrap_or(5)
                    ),
                );
            }
            self.used[i] = true;
            let block = self.names.claim(&r.name);
            sets.insert(r.name.to_ascii_lowercase(), block.clone());
            let c = common(r, self);
            let group = group_of(r);
            let w = self.file(&group);
            w.line(0, &format!("availability_set {block} {{"), Some(&r.node));
            w.line(1, &format!("resource_group = {}", string_literal(&group)), None);
            write_common(w, &c);
            write_names(w, &block, &[("availability_set", &r.name)]);
            w.line(0, "}", None);
        }

        let mut drafts = Vec::new();
        for (i, r) in rs.iter().enumerate().filter(|(_, r)| r.is(MACHINE)) {
            // A desktop pool's session host is already written (desktops.rs).
            let Some(props) = r.props().filter(|_| !self.used[i]) else { continue };
            let group = group_of(r);
            // The network interface: the first one, which must be in the template.
            let nic_refs = props.at(&["networkProfile", "networkInterfaces"]).map(|n| n.items().to_vec()).unwrap_or_default();
            let nic = nic_refs.first().and_then(|n| id_name(Some(n))).and_then(|n| nics.get(&n.to_ascii_lowercase()).copied());
            let Some(nic) = nic else {
                self.note(
                    props.get("networkProfile").unwrap_or(&r.node),
                    format!("machine `{}`'s network interface is not in the template; the machine is not imported", r.name),
                );
                continue;
            };
            if nic_refs.len() > 1 {
                self.note(&nic_refs[1], format!("machine `{}` has several network interfaces; a `compute` block has one, the first", r.name));
            }
            let nic_r = &rs[nic];
            let ipconfig = nic_r.props().and_then(|p| p.get("ipConfigurations")).and_then(|c| c.items().first()).cloned();
            let ip_props = ipconfig.as_ref().and_then(|c| c.get("properties"));
            let subnet_id = ip_props.and_then(|p| p.at(&["subnet", "id"])).and_then(Node::as_str).and_then(subnet_of_id);
            let subnet = self.machine_subnet(ip_props.and_then(|p| p.at(&["subnet", "id"])), networks, &group, &nic_r.node);
            let Some(subnet) = subnet else {
                self.note(
                    ip_props.and_then(|p| p.get("subnet")).unwrap_or(&nic_r.node),
                    format!("machine `{}`'s subnet is not known before deployment; the machine is not imported", r.name),
                );
                continue;
            };
            self.used[i] = true;
            self.used[nic] = true;
            // A property written `null` (a module's option not taken) is no property.
            let given = |n: &&Node| !matches!(n.value, Value::Null);
            if let Some(pip) = ip_props.and_then(|p| p.get("publicIPAddress")).filter(given) {
                self.note(pip, format!("machine `{}` has a public IP address, which a `compute` block does not give; left out", r.name));
            }
            if let Some(nsg) = nic_r.props().and_then(|p| p.get("networkSecurityGroup")).filter(given) {
                self.note(nsg, format!("machine `{}`'s network interface has its own NSG; a plan puts NSGs on subnets, so it is left out", r.name));
            }
            let block = self.names.claim(&r.name);
            let mut c = common(r, self);
            // The update group whose dynamic scope finds the machine by its tag.
            let update_group = c
                .tags
                .iter()
                .position(|(k, v, _)| k.eq_ignore_ascii_case(crate::blocks::updates::TAG) && update_groups.contains_key(&v.to_ascii_lowercase()))
                .map(|at| c.tags.remove(at))
                .map(|(_, v, at)| (update_groups[&v.to_ascii_lowercase()].clone(), at));
            let mut lines: Vec<(String, Option<Node>)> = Vec::new();
            let mut line = |text: String, from: Option<&Node>| lines.push((text, from.cloned()));
            line(format!("subnet = {subnet}"), ip_props.and_then(|p| p.get("subnet")));

            // The image, the OS profile, security and disks: read alike where a scale set keeps them.
            let (windows, image_block, image_lines) = self.image_of(&r.name, &block, props);
            for (text, from) in image_lines {
                line(text, from.as_ref());
            }
            match props.at(&["hardwareProfile", "vmSize"]).and_then(Node::as_str) {
                Some(size) => line(format!("size = {size}"), props.at(&["hardwareProfile", "vmSize"])),
                None => {
                    self.note(
                        props.get("hardwareProfile").unwrap_or(props),
                        format!("machine `{}`'s size is not known before deployment; the plan says `Standard_D2s_v5` in its place", r.name),
                    );
                    line("size = Standard_D2s_v5".into(), props.get("hardwareProfile"));
                }
            }
            if let Some(z) = super::zones_of(r) {
                line(format!("zones = [{z}]"), r.node.get("zones"));
            }
            if let Some(set) = id_name(props.get("availabilitySet")) {
                match sets.get(&set.to_ascii_lowercase()) {
                    Some(b) => line(format!("availability_set = {b}"), props.get("availabilitySet")),
                    None => self.note(
                        props.get("availabilitySet").unwrap_or(props),
                        format!("machine `{}`'s availability set `{set}` is not in the template; left out", r.name),
                    ),
                }
            }

            if let Some(ppg) = props.get("proximityPlacementGroup").filter(given) {
                self.note(ppg, proximity_left_out("machine", &r.name, ppg));
            }

            for (text, from) in self.os_profile_of(&r.name, props, windows, update_group.is_some()) {
                line(text, from.as_ref());
            }
            let os = props.get("osProfile");
            if let Some(name) = os.and_then(|o| o.get("computerName")).and_then(Node::as_str).filter(|n| *n != r.name) {
                line(format!("computer_name = {}", string_literal(name)), os.and_then(|o| o.get("computerName")));
            }
            for (text, from) in self.machine_extras(cx, r, windows) {
                line(text, from.as_ref());
            }
            if let Some((policy, item)) = backups.get(&r.name.to_ascii_lowercase()) {
                self.used[*item] = true;
                line(format!("backup = {policy}"), None);
            }
            if let Some((group, _)) = &update_group {
                line(format!("updates = {group}"), r.node.get("tags"));
            }

            // Identity, security and diagnostics.
            if r.node.at(&["identity", "type"]).and_then(Node::as_str).is_some_and(|t| t.to_ascii_lowercase().contains("systemassigned")) {
                line("identity = system".into(), r.node.get("identity"));
            }
            for (text, from) in super::profiles::security_of(props) {
                line(text, from.as_ref());
            }
            let nic_props = nic_r.props();
            for (key, attr) in [("enableAcceleratedNetworking", "accelerated_networking"), ("enableIPForwarding", "ip_forwarding")] {
                if nic_props.and_then(|p| p.get(key)).and_then(Node::as_bool) == Some(true) {
                    line(format!("{attr} = true"), nic_props.and_then(|p| p.get(key)));
                }
            }
            if ip_props.and_then(|p| p.get("privateIPAllocationMethod")).and_then(Node::as_str).is_some_and(|m| m.eq_ignore_ascii_case("static")) {
                match ip_props.and_then(|p| p.get("privateIPAddress")).and_then(Node::as_str) {
                    Some(ip) => line(format!("ips = [{ip}]"), ip_props.and_then(|p| p.get("privateIPAddress"))),
                    None => self.note(
                        ip_props.unwrap_or(&nic_r.node),
                        format!("machine `{}`'s static address is not known before deployment; imported as dynamic", r.name),
                    ),
                }
            }

            for (text, from) in self.disks_of(&r.name, props) {
                line(text, from.as_ref());
            }

            let pools = ip_props
                .and_then(|p| p.get("loadBalancerBackendAddressPools"))
                .map(|p| {
                    p.items().iter().filter_map(|pool| pool.get("id").and_then(Node::as_str).and_then(super::gather::balancer_of_pool)).collect()
                })
                .unwrap_or_default();
            drafts.push(super::gather::Draft {
                group,
                block,
                common: c,
                lines,
                image_block,
                node: r.node.clone(),
                vm: r.name.clone(),
                nic: nic_r.name.clone(),
                pools,
                subnet: subnet_id.clone(),
            });
        }
        self.write_machines(cx, drafts);
    }

    /// The `key_vault` block of a vault secrets are read from, by (resource
    /// group, name); the placeholder vault has no resource group.
    pub(super) fn vault_block(&mut self, key: &(String, String)) -> String {
        if let Some(b) = self.vaults.get(key) {
            return b.clone();
        }
        let b = self.names.claim(&key.1);
        self.vaults.insert(key.clone(), b.clone());
        b
    }

    /// The vaults passwords and keys are read from: Key Vaults the plan does not create.
    pub(super) fn write_vaults(&mut self) {
        let mut vaults: Vec<_> = std::mem::take(&mut self.vaults).into_iter().collect();
        vaults.sort();
        for ((rg, vault), block) in vaults {
            let w = self.file("settings");
            if rg.is_empty() {
                w.line(0, "// A placeholder: the vault and resource group that hold the passwords and keys.", None);
                w.line(0, &format!("key_vault {block} {{ resource_group = \"rg-imported-secrets\" }}"), None);
            } else {
                let name = if block == vault { String::new() } else { format!("  vault_name = {}", string_literal(&vault)) };
                w.line(0, &format!("key_vault {block} {{ resource_group = {}{name} }}", string_literal(&rg)), None);
            }
        }
    }
}

/// What is said of a machine's or scale set's proximity placement group: a
/// block's `proximity_placement_group` makes a group of the plan's, which the
/// import does not gather from the template yet, so the group is left out.
pub(super) fn proximity_left_out(what: &str, name: &str, ppg: &Node) -> String {
    let group = id_name(Some(ppg)).map(|g| format!(" `{g}`")).unwrap_or_default();
    format!("{what} `{name}`'s proximity placement group{group} is not imported yet (a block's `proximity_placement_group` makes the plan's own); left out")
}
