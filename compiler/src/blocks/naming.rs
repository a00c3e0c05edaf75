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
pub const PLACEHOLDERS: &[&str] = &["name", "type", "vnet", "remote", "location", "region", "environment", "hash", "index"];

/// The patterns in which `{index}`, a machine's number, has a value.
pub const INDEXED: &[&str] = &["virtual_machine", "network_interface"];

/// The attribute of a block that names what it deploys, pattern by pattern:
/// `names { virtual_machine = "VM-LEGACY-01" }`.
pub const NAMES: &str = "names";

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
    ("log_analytics", "log"),
    ("ddos_plan", "ddos"),
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

/// The pattern a block gives `attr` in its own `names`, or that a child block
/// which deploys it gives (a hub's `firewall { names { firewall = "..." } }`).
pub fn own_pattern<'m>(model: &'m Model, attr: &str, block: NodeId) -> Option<&'m str> {
    let own = |id: NodeId| model.node(id).map(NAMES).and_then(|m| m.get(attr)).map(|v| v.value.as_str());
    own(block).or_else(|| {
        model.node(block).children.iter().copied().filter(|&c| crate::schema::names_of(model.node(c).kind.kind).contains(&attr)).find_map(own)
    })
}

/// What `{region}` is for `location`: the plan's `naming.region_codes`, else
/// Microsoft's geo-code of the region ([`crate::azure::regions::geo_code`]),
/// else the placeholder as written, which `ASH303` reports.
pub fn region_code(model: &Model, location: &str) -> String {
    let own = model.unique("naming").and_then(|n| n.map("region_codes")).and_then(|m| m.get(location)).map(|v| v.value.clone());
    own.or_else(|| crate::azure::regions::geo_code(location).map(str::to_string)).unwrap_or_else(|| "{region}".to_string())
}

/// What `{hash}` is: six hexadecimal digits of a hash of the pattern's
/// attribute and what it names, the same from build to build.
fn short_hash(attr: &str, identity: &str) -> String {
    format!("{:06x}", crate::graph::fnv1a(format!("{attr}:{identity}").as_bytes()) & 0xff_ffff)
}

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

    /// The pattern of `attr` for what `block` deploys: the block's own
    /// `names` (or those of the child block that deploys it: a hub's
    /// `firewall`), else the plan's `naming`, else `default`.
    fn pattern(&self, attr: &'static str, default: &'static str, block: NodeId) -> Rc<str> {
        if let Some(own) = own_pattern(self.model, attr, block) {
            let naming = self.model.unique("naming");
            let abbreviation = naming
                .map_or_else(|| ABBREVIATIONS.iter().find(|(a, _)| *a == attr).map_or(attr, |(_, ab)| ab).to_string(), |n| abbreviation(n, attr));
            return own.replace("{type}", &abbreviation).into();
        }
        self.plan_pattern(attr, default)
    }

    /// The plan's pattern of `attr`: its `naming` block's, else `default`.
    fn plan_pattern(&self, attr: &'static str, default: &'static str) -> Rc<str> {
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
        let pattern = self.pattern("virtual_network", "{name}", network);
        self.fill("virtual_network", &pattern, network, &[])
    }

    pub fn subnet(&self, subnet: NodeId) -> String {
        // A subnet of a network deployed elsewhere keeps the name it has.
        if let Some(name) = crate::blocks::existing::subnet_name(self.model, subnet) {
            return name.to_string();
        }
        // Azure requires these exact names; a pattern must not touch them.
        let name = self.model.node(subnet).name();
        if crate::azure::network::is_reserved_subnet(name) {
            return name.to_string();
        }
        let pattern = self.pattern("subnet", "{name}", subnet);
        self.fill("subnet", &pattern, subnet, &[])
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
        let mut pattern = self.pattern(attr, "{name}", id);
        if let Some(location) = crate::blocks::attach::location(self.model, id) {
            pattern = pattern.replace("{location}", location).replace("{region}", &region_code(self.model, location)).into();
        }
        self.fill(attr, &pattern, id, &[])
    }

    /// The peering that lives on `local`'s virtual network and points at `remote`.
    pub fn peering(&self, local: NodeId, remote: NodeId) -> String {
        let pattern = self.pattern("peering", "{vnet}-to-{remote}", local);
        let vnet = self.vnet(local);
        let remote = self.vnet(remote);
        self.fill("peering", &pattern, local, &[("vnet", &vnet), ("remote", &remote)])
    }

    /// A private endpoint.
    pub fn private_endpoint(&self, endpoint: NodeId) -> String {
        let pattern = self.pattern("private_endpoint", "{name}", endpoint);
        self.fill("private_endpoint", &pattern, endpoint, &[])
    }

    /// The link of a `private_dns` block's zone to a network.
    pub fn private_dns_link(&self, dns: NodeId, network: NodeId) -> String {
        let pattern = self.pattern("private_dns_link", "{vnet}", dns);
        let vnet = self.vnet(network);
        self.fill("private_dns_link", &pattern, dns, &[("vnet", &vnet)])
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
        let pattern = self.pattern("public_ip", default, block);
        self.fill_name("public_ip", &pattern, owner, block, &[])
    }

    /// The local network gateway of a `site`.
    pub fn local_network_gateway(&self, site: NodeId) -> String {
        self.hub_endpoint("local_network_gateway", site)
    }

    /// The site-to-site connection of a `site`.
    pub fn connection(&self, site: NodeId) -> String {
        self.hub_endpoint("connection", site)
    }

    /// A Log Analytics workspace.
    pub fn log_analytics(&self, workspace: NodeId) -> String {
        let pattern = self.pattern("log_analytics", "{name}", workspace);
        self.fill("log_analytics", &pattern, workspace, &[])
    }

    /// A DDoS protection plan.
    pub fn ddos_plan(&self, plan: NodeId) -> String {
        let pattern = self.pattern("ddos_plan", "{name}", plan);
        self.fill("ddos_plan", &pattern, plan, &[])
    }

    /// A NAT gateway.
    pub fn nat_gateway(&self, gateway: NodeId) -> String {
        let pattern = self.pattern("nat_gateway", "{name}", gateway);
        self.fill("nat_gateway", &pattern, gateway, &[])
    }

    /// The route table ashlar derives for a spoke whose hub routes through `via`
    /// (`firewall` or `appliance`): `{name}` is `<spoke>-to-<via>`.
    pub fn hub_route_table(&self, spoke: NodeId, via: &str) -> String {
        let pattern = self.pattern("route_table", "{name}", spoke);
        let name = format!("{}-to-{via}", self.model.node(spoke).name());
        self.fill_name("route_table", &pattern, &name, spoke, &[])
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
        let pattern = self.plan_pattern("recovery_vault", "{name}-vault");
        let filled = pattern
            .replace("{name}", vault_base(resource_group))
            .replace("{location}", location)
            .replace("{region}", &region_code(self.model, location));
        self.plan_placeholders("recovery_vault", &filled, &format!("{resource_group}/{location}"))
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
        let mut pattern = self.pattern("desktop_workspace", default, workspace);
        if let Some(region) = crate::blocks::desktops::workspace_region(self.model, workspace) {
            pattern = pattern.replace("{location}", region).replace("{region}", &region_code(self.model, region)).into();
        }
        self.fill("desktop_workspace", &pattern, workspace, &[])
    }

    /// A name through one of the [`DESKTOP_PATTERNS`], in the region of `pool`'s session hosts.
    fn desktop_name(&self, attr: &'static str, name: &str, pool: NodeId) -> String {
        let (_, default) = DESKTOP_PATTERNS.iter().find(|(a, _)| *a == attr).copied().unwrap_or(("", "{name}"));
        let pattern = self.pattern(attr, default, pool);
        let place = crate::blocks::compute::network_of(self.model, pool).unwrap_or(pool);
        self.fill_name_at(attr, &pattern, name, pool, place, &[])
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
        let pattern = self.pattern(attr, default, block);
        let place = if pattern.contains("{location}") || pattern.contains("{region}") {
            crate::blocks::compute::network_of(self.model, block).unwrap_or(block)
        } else {
            block
        };
        // `{index}`: the machine's number, and `{name}` the block's own name without it.
        if INDEXED.contains(&attr) && pattern.contains("{index}") {
            let base = self.model.node(block).name();
            let index = name.strip_prefix(base).and_then(|rest| rest.strip_prefix('-')).and_then(|n| n.parse::<usize>().ok()).unwrap_or(1);
            // Each machine's own `{hash}`, though `{name}` is the block's.
            let identity = format!("{}/{name}", self.model.path(block));
            let pattern = pattern.replace("{index}", &index.to_string()).replace("{hash}", &short_hash(attr, &identity));
            return self.fill_name_at(attr, &pattern, base, block, place, &[]);
        }
        self.fill_name_at(attr, &pattern, name, block, place, &[])
    }

    /// A name through one of the [`ENDPOINT_PATTERNS`]; `{name}` is the name of
    /// `block`, or of its parent when it has none (a hub's firewall is named after the hub).
    fn hub_endpoint(&self, attr: &'static str, block: NodeId) -> String {
        let (_, default) = ENDPOINT_PATTERNS.iter().find(|(a, _)| *a == attr).copied().unwrap_or(("", "{name}"));
        let pattern = self.pattern(attr, default, block);
        let node = self.model.node(block);
        let owner = match (&node.name, node.parent) {
            (None, Some(parent)) => parent,
            _ => block,
        };
        self.fill(attr, &pattern, owner, &[])
    }

    /// An Azure Compute Gallery.
    pub fn gallery(&self, gallery: NodeId) -> String {
        let pattern = self.pattern("gallery", "{name}", gallery);
        self.fill("gallery", &pattern, gallery, &[])
    }

    /// An image definition in its gallery.
    pub fn image_definition(&self, image: NodeId) -> String {
        let pattern = self.pattern("image_definition", "{name}", image);
        self.fill_in_gallery("image_definition", &pattern, image)
    }

    /// The managed identity Image Builder runs as for the images of a gallery.
    pub fn builder_identity(&self, gallery: NodeId) -> String {
        let pattern = self.pattern("builder_identity", "{name}-builder", gallery);
        self.fill("builder_identity", &pattern, gallery, &[])
    }

    /// The image template that builds an image, before the content hash that
    /// [`crate::blocks::images`] appends: templates cannot be updated, so each
    /// content gets its own name.
    pub fn image_template(&self, image: NodeId) -> String {
        let pattern = self.pattern("image_template", "{name}", image);
        self.fill_in_gallery("image_template", &pattern, image)
    }

    /// The maintenance configuration of an update group.
    pub fn maintenance_configuration(&self, group: NodeId) -> String {
        let pattern = self.pattern("maintenance_configuration", "{name}", group);
        self.fill("maintenance_configuration", &pattern, group, &[])
    }

    /// The dynamic scope, at subscription scope, that assigns an update group's
    /// maintenance configuration to the machines tagged with the group's name.
    pub fn maintenance_assignment(&self, group: NodeId) -> String {
        let pattern = self.pattern("maintenance_assignment", "{name}", group);
        self.fill("maintenance_assignment", &pattern, group, &[])
    }

    /// Fills a pattern of an image, whose `{location}` is its gallery's region.
    fn fill_in_gallery(&self, attr: &'static str, pattern: &str, image: NodeId) -> String {
        let location = self.model.node(image).reference("gallery").and_then(|g| self.model.location(g));
        let pattern =
            location.map_or_else(|| pattern.to_string(), |l| pattern.replace("{location}", l).replace("{region}", &region_code(self.model, l)));
        self.fill(attr, &pattern, image, &[])
    }

    fn fill(&self, attr: &'static str, pattern: &str, id: NodeId, extra: &[(&str, &str)]) -> String {
        self.fill_name(attr, pattern, self.model.node(id).name(), id, extra)
    }

    fn fill_name(&self, attr: &'static str, pattern: &str, name: &str, id: NodeId, extra: &[(&str, &str)]) -> String {
        self.fill_name_at(attr, pattern, name, id, id, extra)
    }

    /// Fills `pattern` for what block `id` deploys as `attr`, with `{name}`
    /// as `name` and `{location}` and `{region}` those of block `place`.
    fn fill_name_at(&self, attr: &'static str, pattern: &str, name: &str, id: NodeId, place: NodeId, extra: &[(&str, &str)]) -> String {
        // Most names are the block's own: a plan without a `naming` block names thousands of machines.
        if pattern == "{name}" {
            return name.to_string();
        }
        let mut out = pattern.replace("{name}", name);
        if out.contains("{location}") || out.contains("{region}") {
            if let Some(location) = self.model.location(place) {
                out = out.replace("{location}", location).replace("{region}", &region_code(self.model, location));
            }
        }
        for (key, value) in extra {
            out = out.replace(&format!("{{{key}}}"), value);
        }
        self.plan_placeholders(attr, &out, &format!("{}/{name}", self.model.path(id)))
    }

    /// Fills the placeholders that come from the plan rather than a block:
    /// `{environment}` (`settings.environment`) and `{hash}`, six hexadecimal
    /// digits of a hash of `attr` and `identity` (the block's path and name),
    /// which stay the same from build to build. One left unfilled (no
    /// `environment`) stays as written, and `ASH303` reports it.
    fn plan_placeholders(&self, attr: &str, out: &str, identity: &str) -> String {
        let mut out = out.to_string();
        if out.contains("{environment}") {
            if let Some(environment) = self.model.unique("settings").and_then(|s| s.str("environment")) {
                out = out.replace("{environment}", environment);
            }
        }
        if out.contains("{hash}") {
            out = out.replace("{hash}", &short_hash(attr, identity));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    /// The name of each resource the plan deploys, by type (the part after the last `/`).
    fn names(plan: &str) -> Vec<(String, String)> {
        let analysis = crate::analyze_text(plan, std::path::Path::new("."));
        assert!(!analysis.has_errors(), "{:#?}", analysis.diagnostics);
        let azure = analysis.azure.expect("lowered");
        azure.resources.iter().map(|r| (r.resource_type.rsplit('/').next().unwrap().to_string(), r.name.join("/"))).collect()
    }

    fn named<'a>(all: &'a [(String, String)], resource_type: &str) -> Vec<&'a str> {
        all.iter().filter(|(t, _)| t == resource_type).map(|(_, n)| n.as_str()).collect()
    }

    const MACHINES: &str = "compute app {\n resource_group = \"rg-app\"\n subnet = core.shared\n image = ubuntu_2404\n size = Standard_D2s_v5\n ssh_key = \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEq2o0R2ZRWkp3cGXb7gDHxSbOaINKzLw7p1tyOp8SMe azureadmin\"\n count = 2\n NAMES\n}\n";

    fn plan(settings: &str, naming: &str, hub_names: &str, machine_names: &str) -> String {
        format!(
            "settings {{\n location = uksouth\n {settings}\n}}\n{naming}\nhub core {{\n resource_group = \"rg-core\"\n address_space = [10.0.0.0/22]\n {hub_names}\n subnet AzureFirewallSubnet 10.0.0.0/26\n subnet shared 10.0.1.0/24\n firewall {{\n  sku = Standard\n  names {{\n   firewall = \"afw-hub-01\"\n   public_ip = \"pip-afw-hub-01\"\n  }}\n }}\n}}\n{}",
            MACHINES.replace("NAMES", machine_names)
        )
    }

    #[test]
    fn a_block_keeps_the_names_it_is_given() {
        let all = names(&plan("", "", "names { virtual_network = \"VNET-CORE-LEGACY\" }", ""));
        assert_eq!(named(&all, "virtualNetworks"), ["VNET-CORE-LEGACY"]);
        assert_eq!(named(&all, "azureFirewalls"), ["afw-hub-01"]);
        assert_eq!(named(&all, "publicIPAddresses"), ["pip-afw-hub-01"]);
        // What the block does not name keeps the default.
        assert_eq!(named(&all, "firewallPolicies"), ["core-firewall-policy"]);
        assert_eq!(named(&all, "virtualMachines"), ["app-1", "app-2"]);
    }

    #[test]
    fn placeholders_organisations_use() {
        let naming = "naming corp {\n pattern = \"{type}-{name}-{environment}-{region}\"\n virtual_machine = \"vm{name}{index}\"\n}";
        let all = names(&plan("environment = \"prod\"", naming, "", "names { network_interface = \"nic-{name}-{index}-{hash}\" }"));
        assert_eq!(named(&all, "virtualNetworks"), ["vnet-core-prod-uks"]);
        assert_eq!(named(&all, "virtualMachines"), ["vmapp1", "vmapp2"]);
        let nics = named(&all, "networkInterfaces");
        assert!(nics[0].starts_with("nic-app-1-") && nics[1].starts_with("nic-app-2-"), "{nics:?}");
        // Six hexadecimal digits, the same from build to build, different by machine.
        let hash = |nic: &str| nic.rsplit('-').next().unwrap().to_string();
        assert_eq!(hash(nics[0]).len(), 6);
        assert!(hash(nics[0]).chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(hash(nics[0]), hash(nics[1]));
        let again = names(&plan("environment = \"prod\"", naming, "", "names { network_interface = \"nic-{name}-{index}-{hash}\" }"));
        assert_eq!(named(&again, "networkInterfaces"), nics);
    }

    #[test]
    fn a_shared_firewall_policy_keeps_its_name() {
        let policy = "firewall_policy corp {\n resource_group = \"rg-sec\"\n names { firewall_policy = \"AFWP-CORP-01\" }\n}\n";
        let all = names(&format!("{}{policy}", plan("", "", "", "")));
        assert!(named(&all, "firewallPolicies").contains(&"AFWP-CORP-01"), "{all:?}");
    }

    #[test]
    fn a_plan_gives_its_own_region_codes() {
        let naming = "naming corp {\n virtual_network = \"vnet-{name}-{region}\"\n region_codes { uksouth = \"lon\" }\n}";
        assert_eq!(named(&names(&plan("", naming, "", "")), "virtualNetworks"), ["vnet-core-lon"]);
    }
}
