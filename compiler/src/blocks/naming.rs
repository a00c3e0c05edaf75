//! Azure names derived from block names, through the plan's `naming` block.
//!
//! Without one, a virtual network is named like its block, a subnet like its
//! block, a peering `{vnet}-to-{remote}`, a private endpoint like its block and
//! a private DNS zone's link like the virtual network it links. A gallery and
//! an image definition are named like their blocks, the identity Image Builder
//! runs as `{name}-builder` after its gallery, and an image template like its
//! image, with a hash of the template's content after it. An update group's
//! maintenance configuration and the dynamic scope that assigns it are named
//! like the group. `use std.naming.caf` brings the
//! Cloud Adoption Framework's patterns.

use crate::model::{Model, NodeId};
use std::cell::RefCell;
use std::rc::Rc;

/// Placeholders a naming pattern may use.
pub const PLACEHOLDERS: &[&str] = &["name", "type", "vnet", "remote", "location"];

/// Every pattern attribute of a `naming` block, with what `{type}` is in it:
/// the Cloud Adoption Framework's abbreviation of the resource type, or, where
/// the framework has none, a short one in its style. A `naming` block's
/// `abbreviations` change them.
#[rustfmt::skip]
pub const ABBREVIATIONS: &[(&str, &str)] = &[
    ("virtual_network", "vnet"),
    ("subnet", "snet"),
    ("peering", "peer"),
    ("private_endpoint", "pep"),
    ("private_dns_link", "vnetlink"),
    ("network_security_group", "nsg"),
    ("route_table", "rt"),
    ("firewall", "afw"),
    ("firewall_policy", "afwp"),
    ("bastion", "bas"),
    ("vpn_gateway", "vpng"),
    ("er_gateway", "ergw"),
    ("public_ip", "pip"),
    ("local_network_gateway", "lgw"),
    ("connection", "con"),
    ("nat_gateway", "ng"),
    ("gallery", "gal"),
    ("image_definition", "img"),
    ("image_template", "it"),
    ("builder_identity", "id"),
    ("virtual_machine", "vm"),
    ("network_interface", "nic"),
    ("availability_set", "avail"),
    ("proximity_placement_group", "ppg"),
    ("load_balancer", "lbi"),
    ("public_load_balancer", "lbe"),
    ("scale_set", "vmss"),
    ("autoscale", "as"),
    ("maintenance_configuration", "mc"),
    ("maintenance_assignment", "mcs"),
    ("recovery_vault", "rsv"),
    ("host_pool", "vdpool"),
    ("application_group", "vdag"),
    ("desktop_workspace", "vdws"),
    ("scaling_plan", "vdscaling"),
];

/// Patterns the one `pattern` of a `naming` block does not stand in for: their
/// names are made of two networks' names, not of a block's.
pub const OWN_PATTERN_ONLY: &[&str] = &["peering", "private_dns_link"];

/// The pattern a plan's `naming` block gives attribute `attr`, with `{type}`
/// filled in: its own, else the block's `pattern`; `None` means the default.
pub fn pattern_of(naming: Option<&crate::model::Node>, attr: &str) -> Option<String> {
    let naming = naming?;
    let pattern = naming.str(attr).or_else(|| naming.str("pattern").filter(|_| !OWN_PATTERN_ONLY.contains(&attr)))?;
    Some(pattern.replace("{type}", &abbreviation(naming, attr)))
}

/// What `{type}` is in the pattern of `attr`.
pub fn abbreviation(naming: &crate::model::Node, attr: &str) -> String {
    if let Some((_, given)) = naming.map("abbreviations").and_then(|m| m.iter().find(|(k, _)| k.as_str() == attr)) {
        return given.value.clone();
    }
    ABBREVIATIONS.iter().find(|(a, _)| *a == attr).map_or(attr, |(_, abbreviation)| abbreviation).to_string()
}

/// The patterns of a hub's endpoints with their defaults, which keep apart the
/// resources of one hub that share a type (two gateways, several public IPs).
#[rustfmt::skip]
pub const ENDPOINT_PATTERNS: &[(&str, &str)] = &[
    ("firewall", "{name}-firewall"),
    ("firewall_policy", "{name}-firewall-policy"),
    ("bastion", "{name}-bastion"),
    ("vpn_gateway", "{name}-vpn-gateway"),
    ("er_gateway", "{name}-er-gateway"),
    ("public_ip", "{name}-pip"),
    ("local_network_gateway", "{name}"),
    ("connection", "{name}-connection"),
];

/// The patterns of virtual machines, scale sets and what they bring with them,
/// with their defaults. A network interface's default keeps it apart from its
/// virtual machine in listings; an autoscale setting is named after its scale set.
#[rustfmt::skip]
pub const COMPUTE_PATTERNS: &[(&str, &str)] = &[
    ("virtual_machine", "{name}"),
    ("network_interface", "{name}-nic"),
    ("availability_set", "{name}"),
    ("proximity_placement_group", "{name}"),
    ("load_balancer", "{name}"),
    ("public_load_balancer", "{name}"),
    ("scale_set", "{name}"),
    ("autoscale", "{name}-autoscale"),
];

/// A resource group's name without a leading `rg-` or a trailing `-rg`, in any
/// case, unless nothing would be left: what `{name}` is in a vault's pattern.
pub fn vault_base(resource_group: &str) -> &str {
    let lower = resource_group.to_ascii_lowercase();
    let mut base = resource_group;
    if lower.starts_with("rg-") && resource_group.len() > 3 {
        base = &base[3..];
    }
    if base.to_ascii_lowercase().ends_with("-rg") && base.len() > 3 {
        base = &base[..base.len() - 3];
    }
    base
}

/// The patterns of Azure Virtual Desktop's objects, with their defaults: a
/// pool's host pool and scaling plan are named like the pool, an application
/// group `<pool>-<group>`, a workspace like its block.
#[rustfmt::skip]
pub const DESKTOP_PATTERNS: &[(&str, &str)] = &[
    ("host_pool", "{name}"),
    ("application_group", "{name}"),
    ("desktop_workspace", "{name}"),
    ("scaling_plan", "{name}"),
];

pub struct Names<'a> {
    model: &'a Model,
    /// The pattern of each attribute asked for so far: a plan names thousands
    /// of machines through the same few.
    patterns: RefCell<Vec<(&'static str, Rc<str>)>>,
}

impl<'a> Names<'a> {
    pub fn new(model: &'a Model) -> Self {
        Names { model, patterns: RefCell::default() }
    }

    fn pattern(&self, attr: &'static str, default: &'static str) -> Rc<str> {
        if let Some((_, pattern)) = self.patterns.borrow().iter().find(|(a, _)| *a == attr) {
            return pattern.clone();
        }
        let pattern: Rc<str> = pattern_of(self.model.unique("naming"), attr).unwrap_or_else(|| default.to_string()).into();
        self.patterns.borrow_mut().push((attr, pattern.clone()));
        pattern
    }

    /// The virtual network of a hub, spoke or vnet.
    pub fn vnet(&self, network: NodeId) -> String {
        // A network deployed elsewhere keeps the name it has.
        if let Some(name) = crate::blocks::existing::azure_name(self.model, network) {
            return name.to_string();
        }
        let pattern = self.pattern("virtual_network", "{name}");
        self.fill(&pattern, network, &[])
    }

    pub fn subnet(&self, subnet: NodeId) -> String {
        // Azure requires these exact names; a pattern must not touch them.
        let name = self.model.node(subnet).name();
        if crate::azure::network::is_reserved_subnet(name) {
            return name.to_string();
        }
        let pattern = self.pattern("subnet", "{name}");
        self.fill(&pattern, subnet, &[])
    }

    pub fn nsg(&self, nsg: NodeId) -> String {
        self.attachable("network_security_group", nsg)
    }

    pub fn route_table(&self, table: NodeId) -> String {
        self.attachable("route_table", table)
    }

    /// An NSG or route table: `{location}` is its region, which may come from
    /// the network that uses it.
    fn attachable(&self, attr: &'static str, id: NodeId) -> String {
        let mut pattern = self.pattern(attr, "{name}");
        if let Some(location) = crate::blocks::attach::location(self.model, id) {
            pattern = pattern.replace("{location}", location).into();
        }
        self.fill(&pattern, id, &[])
    }

    /// The peering that lives on `local`'s virtual network and points at `remote`.
    pub fn peering(&self, local: NodeId, remote: NodeId) -> String {
        let pattern = self.pattern("peering", "{vnet}-to-{remote}");
        let vnet = self.vnet(local);
        let remote = self.vnet(remote);
        self.fill(&pattern, local, &[("vnet", &vnet), ("remote", &remote)])
    }

    /// A private endpoint.
    pub fn private_endpoint(&self, endpoint: NodeId) -> String {
        let pattern = self.pattern("private_endpoint", "{name}");
        self.fill(&pattern, endpoint, &[])
    }

    /// The link of a `private_dns` block's zone to a network.
    pub fn private_dns_link(&self, dns: NodeId, network: NodeId) -> String {
        let pattern = self.pattern("private_dns_link", "{vnet}");
        let vnet = self.vnet(network);
        self.fill(&pattern, dns, &[("vnet", &vnet)])
    }

    /// A hub's firewall, named after the hub.
    pub fn firewall(&self, hub: NodeId) -> String {
        self.hub_endpoint("firewall", hub)
    }

    /// The firewall policy of a hub's firewall, named after the hub.
    pub fn firewall_policy(&self, hub: NodeId) -> String {
        self.hub_endpoint("firewall_policy", hub)
    }

    pub fn bastion(&self, hub: NodeId) -> String {
        self.hub_endpoint("bastion", hub)
    }

    pub fn vpn_gateway(&self, hub: NodeId) -> String {
        self.hub_endpoint("vpn_gateway", hub)
    }

    pub fn er_gateway(&self, hub: NodeId) -> String {
        self.hub_endpoint("er_gateway", hub)
    }

    /// A public IP address of the resource named `owner` (its Azure name), in `block`'s region.
    pub fn public_ip(&self, owner: &str, block: NodeId) -> String {
        let (_, default) = ENDPOINT_PATTERNS.iter().find(|(a, _)| *a == "public_ip").copied().unwrap_or(("", "{name}"));
        let pattern = self.pattern("public_ip", default);
        self.fill_name(&pattern, owner, block, &[])
    }

    /// The local network gateway of a `site`.
    pub fn local_network_gateway(&self, site: NodeId) -> String {
        self.hub_endpoint("local_network_gateway", site)
    }

    /// The site-to-site connection of a `site`.
    pub fn connection(&self, site: NodeId) -> String {
        self.hub_endpoint("connection", site)
    }

    /// A NAT gateway.
    pub fn nat_gateway(&self, gateway: NodeId) -> String {
        let pattern = self.pattern("nat_gateway", "{name}");
        self.fill(&pattern, gateway, &[])
    }

    /// The route table ashlar derives for a spoke whose hub routes through `via`
    /// (`firewall` or `appliance`): `{name}` is `<spoke>-to-<via>`.
    pub fn hub_route_table(&self, spoke: NodeId, via: &str) -> String {
        let pattern = self.pattern("route_table", "{name}");
        let name = format!("{}-to-{via}", self.model.node(spoke).name());
        self.fill_name(&pattern, &name, spoke, &[])
    }

    /// A virtual machine of a `compute` block; `machine` is its name in the plan,
    /// the block's name with `-N` when the block has several (`web-2`).
    pub fn virtual_machine(&self, compute: NodeId, machine: &str) -> String {
        self.compute_name("virtual_machine", machine, compute)
    }

    /// The network interface of a `compute` block's machine `machine` (`web-2`).
    pub fn network_interface(&self, compute: NodeId, machine: &str) -> String {
        self.compute_name("network_interface", machine, compute)
    }

    /// The availability set of a `compute` block, or a shared `availability_set` block.
    pub fn availability_set(&self, compute: NodeId) -> String {
        self.compute_name("availability_set", self.model.node(compute).name(), compute)
    }

    /// The proximity placement group of a `compute` or `scale_set` block, or a shared `proximity_placement_group` block.
    pub fn proximity_placement_group(&self, block: NodeId) -> String {
        self.compute_name("proximity_placement_group", self.model.node(block).name(), block)
    }

    /// The load balancer of a `compute` or `scale_set` block.
    pub fn load_balancer(&self, block: NodeId, public: bool) -> String {
        let attr = if public { "public_load_balancer" } else { "load_balancer" };
        self.compute_name(attr, self.model.node(block).name(), block)
    }

    /// A virtual machine scale set.
    pub fn scale_set(&self, block: NodeId) -> String {
        self.compute_name("scale_set", self.model.node(block).name(), block)
    }

    /// The autoscale setting of a scale set: `{name}` is the scale set's Azure name.
    pub fn autoscale(&self, block: NodeId) -> String {
        let scale_set = self.scale_set(block);
        self.compute_name("autoscale", &scale_set, block)
    }

    /// The Recovery Services vault of the machines with `backup` in resource
    /// group `resource_group` and region `location`: `{name}` is the group's
    /// name without a leading `rg-` or a trailing `-rg` (`rg-app1` gives `app1`).
    pub fn recovery_vault(&self, resource_group: &str, location: &str) -> String {
        let pattern = self.pattern("recovery_vault", "{name}-vault");
        pattern.replace("{name}", vault_base(resource_group)).replace("{location}", location)
    }

    /// The host pool of a `desktop_pool`: `{location}` is the region of its
    /// session hosts' network, where the pool's objects go.
    pub fn host_pool(&self, pool: NodeId) -> String {
        self.desktop_name("host_pool", self.model.node(pool).name(), pool)
    }

    /// An application group of a `desktop_pool`: `{name}` is `<pool>-<group>`.
    pub fn application_group(&self, group: NodeId) -> String {
        let node = self.model.node(group);
        let Some(pool) = node.parent else { return node.name().to_string() };
        let name = format!("{}-{}", self.model.node(pool).name(), node.name());
        self.desktop_name("application_group", &name, pool)
    }

    /// The scaling plan of a pooled `desktop_pool`.
    pub fn scaling_plan(&self, pool: NodeId) -> String {
        self.desktop_name("scaling_plan", self.model.node(pool).name(), pool)
    }

    /// The Azure Virtual Desktop workspace of a `desktop_workspace`: `{location}`
    /// is the region of the pools that publish in it.
    pub fn desktop_workspace(&self, workspace: NodeId) -> String {
        let (_, default) = DESKTOP_PATTERNS.iter().find(|(a, _)| *a == "desktop_workspace").copied().unwrap_or(("", "{name}"));
        let mut pattern = self.pattern("desktop_workspace", default);
        if let Some(region) = crate::blocks::desktops::workspace_region(self.model, workspace) {
            pattern = pattern.replace("{location}", region).into();
        }
        self.fill(&pattern, workspace, &[])
    }

    /// A name through one of the [`DESKTOP_PATTERNS`], in the region of `pool`'s session hosts.
    fn desktop_name(&self, attr: &'static str, name: &str, pool: NodeId) -> String {
        let (_, default) = DESKTOP_PATTERNS.iter().find(|(a, _)| *a == attr).copied().unwrap_or(("", "{name}"));
        let pattern = self.pattern(attr, default);
        let place = crate::blocks::compute::network_of(self.model, pool).unwrap_or(pool);
        self.fill_name(&pattern, name, place, &[])
    }

    /// The managed OS disk of virtual machine `vm` (its Azure name).
    pub fn os_disk(&self, vm: &str) -> String {
        format!("{vm}-osdisk")
    }

    /// A managed data disk of virtual machine `vm` (its Azure name), after its `data_disk` block.
    pub fn data_disk(&self, vm: &str, disk: NodeId) -> String {
        format!("{vm}-{}", self.model.node(disk).name())
    }

    /// A name through one of the [`COMPUTE_PATTERNS`]: `{location}` is the
    /// region of the network the block's subnet is in, where its resources go.
    fn compute_name(&self, attr: &'static str, name: &str, block: NodeId) -> String {
        let (_, default) = COMPUTE_PATTERNS.iter().find(|(a, _)| *a == attr).copied().unwrap_or(("", "{name}"));
        let pattern = self.pattern(attr, default);
        let place = if pattern.contains("{location}") { crate::blocks::compute::network_of(self.model, block).unwrap_or(block) } else { block };
        self.fill_name(&pattern, name, place, &[])
    }

    /// A name through one of the [`ENDPOINT_PATTERNS`]; `{name}` is the name of
    /// `block`, or of its parent when it has none (a hub's firewall is named after the hub).
    fn hub_endpoint(&self, attr: &'static str, block: NodeId) -> String {
        let (_, default) = ENDPOINT_PATTERNS.iter().find(|(a, _)| *a == attr).copied().unwrap_or(("", "{name}"));
        let pattern = self.pattern(attr, default);
        let node = self.model.node(block);
        let owner = match (&node.name, node.parent) {
            (None, Some(parent)) => parent,
            _ => block,
        };
        self.fill(&pattern, owner, &[])
    }

    /// An Azure Compute Gallery.
    pub fn gallery(&self, gallery: NodeId) -> String {
        let pattern = self.pattern("gallery", "{name}");
        self.fill(&pattern, gallery, &[])
    }

    /// An image definition in its gallery.
    pub fn image_definition(&self, image: NodeId) -> String {
        let pattern = self.pattern("image_definition", "{name}");
        self.fill_in_gallery(&pattern, image)
    }

    /// The managed identity Image Builder runs as for the images of a gallery.
    pub fn builder_identity(&self, gallery: NodeId) -> String {
        let pattern = self.pattern("builder_identity", "{name}-builder");
        self.fill(&pattern, gallery, &[])
    }

    /// The image template that builds an image, before the content hash that
    /// [`crate::blocks::images`] appends: templates cannot be updated, so each
    /// content gets its own name.
    pub fn image_template(&self, image: NodeId) -> String {
        let pattern = self.pattern("image_template", "{name}");
        self.fill_in_gallery(&pattern, image)
    }

    /// The maintenance configuration of an update group.
    pub fn maintenance_configuration(&self, group: NodeId) -> String {
        let pattern = self.pattern("maintenance_configuration", "{name}");
        self.fill(&pattern, group, &[])
    }

    /// The dynamic scope, at subscription scope, that assigns an update group's
    /// maintenance configuration to the machines tagged with the group's name.
    pub fn maintenance_assignment(&self, group: NodeId) -> String {
        let pattern = self.pattern("maintenance_assignment", "{name}");
        self.fill(&pattern, group, &[])
    }

    /// Fills a pattern of an image, whose `{location}` is its gallery's region.
    fn fill_in_gallery(&self, pattern: &str, image: NodeId) -> String {
        let location = self.model.node(image).reference("gallery").and_then(|g| self.model.location(g));
        let pattern = location.map_or_else(|| pattern.to_string(), |l| pattern.replace("{location}", l));
        self.fill(&pattern, image, &[])
    }

    fn fill(&self, pattern: &str, id: NodeId, extra: &[(&str, &str)]) -> String {
        self.fill_name(pattern, self.model.node(id).name(), id, extra)
    }

    fn fill_name(&self, pattern: &str, name: &str, id: NodeId, extra: &[(&str, &str)]) -> String {
        // Most names are the block's own: a plan without a `naming` block names thousands of machines.
        if pattern == "{name}" {
            return name.to_string();
        }
        let mut out = pattern.replace("{name}", name);
        if out.contains("{location}") {
            if let Some(location) = self.model.location(id) {
                out = out.replace("{location}", location);
            }
        }
        for (key, value) in extra {
            out = out.replace(&format!("{{{key}}}"), value);
        }
        out
    }
}
