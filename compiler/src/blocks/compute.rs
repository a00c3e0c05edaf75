//! Virtual machines: `compute` blocks with their disks and load balancer,
//! lowered to network interfaces, virtual machines, availability sets,
//! proximity placement groups, load balancers and Custom Script extensions.
//! What scale sets share with them (images, logins, disks, load balancers)
//! lives here too; [`super::scale_set`] has the rest.

use crate::azure::compute::{self as facts};
use crate::blocks::lowering::Lowering;
use crate::lower::ir::{Object, Prop, Resource, ResourceId};
use crate::model::{Model, Node, NodeId, Spanned, Typed};
use crate::schema::attrs;
use crate::schema::{attr, KindSchema, Naming, Type};
use indexmap::IndexMap;
use std::net::{IpAddr, Ipv4Addr};

pub const VIRTUAL_MACHINE: &str = "Microsoft.Compute/virtualMachines";
const EXTENSION: &str = "Microsoft.Compute/virtualMachines/extensions";
const NETWORK_INTERFACE: &str = "Microsoft.Network/networkInterfaces";
pub(crate) const AVAILABILITY_SET: &str = "Microsoft.Compute/availabilitySets";
pub(crate) const PROXIMITY_PLACEMENT_GROUP: &str = "Microsoft.Compute/proximityPlacementGroups";
const LOAD_BALANCER_TYPE: &str = "Microsoft.Network/loadBalancers";
const PUBLIC_IP: &str = "Microsoft.Network/publicIPAddresses";

/// Managed disk types a machine's disks may have. Ultra and Premium SSD v2
/// disks need settings ashlar does not offer yet.
pub const DISK_TYPES: &[&str] = &["Standard_LRS", "StandardSSD_LRS", "Premium_LRS", "StandardSSD_ZRS", "Premium_ZRS"];

pub(crate) const ZONE: Type = Type::Integer { min: 1, max: 3 };
const IP: Type = Type::IpAddress;
pub(crate) const UPDATE_GROUP: Type = Type::Ref(&["update_group"]);
const PORT: Type = Type::Integer { min: 1, max: 65534 };
pub(crate) const ANY_REF: Type = Type::Ref(&[]);

/// The attributes `compute` and `scale_set` share, then the kind's own.
macro_rules! machine_attributes {
    ($($own:expr),* $(,)?) => {
        &[
            crate::schema::attrs::resource_group(true, None, "Resource group of the machines and what they bring; created when missing, in the region of their network."),
            crate::schema::attrs::subnet("The subnet the machines' network interfaces join, such as `app1.web`; the machines deploy in its network's region."),
            attr("image", Type::Ref(&["marketplace_image", "image"]), true, None, "The image the machines start from: a `marketplace_image`, such as `ubuntu_2404` or `windows_2022` from `std.images`, or a gallery `image` of the plan."),
            attr("size", Type::Name, true, None, "The VM size, such as `Standard_D2s_v5`."),
            attr("zones", Type::List(&$crate::blocks::compute::ZONE), false, Some("none"), "Availability zones, 1 to 3, the machines are spread over in turn."),
            attr("proximity_placement_group", Type::OwnOrRef(&["proximity_placement_group"]), false, Some("false"), "`true` puts the machines in a proximity placement group of their own, close together in one datacenter; the name of a `proximity_placement_group` block puts them in that one, with the other machines that name it."),
            attr("admin_user", Type::String, false, Some("\"azureadmin\""), "The administrator's user name."),
            attr("admin", Type::Secret, false, Some("none"), "The administrator's password: `secret(VAULT, \"NAME\")`. Windows needs one; on Linux it also allows password login."),
            attr("ssh_key", Type::String, false, Some("none"), "Linux: the administrator's SSH public key, such as `file(\"keys/id_ed25519.pub\")`."),
            attr("identity", Type::Word(&["system", "none"]), false, Some("none"), "`system` gives each machine a system-assigned managed identity."),
            attr("boot_diagnostics", Type::Boolean, false, Some("false"), "Boot diagnostics with a storage account managed by Azure."),
            attr("encryption_at_host", Type::Boolean, false, Some("false"), "Encryption at host of every disk, the temporary disk and caches included; the subscription must have the `EncryptionAtHost` feature registered."),
            attr("trusted_launch", Type::Boolean, false, Some("false"), "Trusted launch: secure boot and a virtual TPM; needs a generation 2 image."),
            attr("accelerated_networking", Type::Boolean, false, Some("false"), "Accelerated networking (SR-IOV) on the network interfaces."),
            attr("ip_forwarding", Type::Boolean, false, Some("false"), "IP forwarding on the network interfaces: the machines route traffic not addressed to them, as a network virtual appliance does."),
            attr("cloud_init", Type::String, false, Some("none"), "Linux: cloud-init configuration, such as `file(\"cloud-init/web.yaml\")`, passed as custom data."),
            attr("script", Type::String, false, Some("none"), "A script run once at deployment by the Custom Script extension: PowerShell (`.ps1`) on Windows, a shell script on Linux."),
            crate::schema::attrs::tags("Tags of the machines' resources, merged over the plan's tags."),
            attr("depends_on", Type::List(&$crate::blocks::compute::ANY_REF), false, Some("none"), "Blocks to deploy before this one, beyond those it references."),
            attr("updates", Type::OneOrList(&$crate::blocks::compute::UPDATE_GROUP), false, Some("none"), "The `update_group` whose window patches the machines, or several, which take the machines in turn (the first machine the first group, the second the second, ...): they get its tag and patch orchestration by customer-managed schedules."),
            attr("patch_mode", Type::Word($crate::blocks::compute::PATCH_MODES), false, Some("Azure's: `automatic_by_os` on Windows, `image_default` on Linux; `automatic_by_platform` with `updates`"), "How the machines take patches outside an update group: `manual` (Windows: no automatic updates), `automatic_by_os` (Windows Update), `image_default` (Linux: the image's own settings), or `automatic_by_platform` (Azure's guest patching, outside business hours of the region)."),
            attr("time_zone", Type::String, false, Some("the image's"), "Windows: the machines' time zone, a Windows time zone ID such as `\"W. Europe Standard Time\"`, or an IANA name such as `\"Europe/Amsterdam\"`, written as the Windows ID it stands for."),
            attr("disk_encryption_set", Type::String, false, Some("none: platform-managed keys"), "The ID of an existing disk encryption set, `/subscriptions/.../resourceGroups/.../providers/Microsoft.Compute/diskEncryptionSets/NAME`, whose customer-managed key encrypts the managed OS and data disks."),
            attr("monitoring", Type::Boolean, false, Some("false"), "The Azure Monitor Agent extension on each machine; it needs `identity = system` and a data collection rule to send anything."),
            attr("antimalware", Type::Boolean, false, Some("false"), "Windows: the Microsoft Antimalware extension on each machine, with real-time protection."),
            attr("allow_extension_operations", Type::Boolean, false, Some("true"), "`false` refuses extensions on the machines, which then take no `script`, `monitoring` or `antimalware`."),
            $($own),*
        ]
    };
}
pub(crate) use machine_attributes;

pub const COMPUTE: KindSchema = KindSchema {
    kind: "compute",
    doc: "Virtual machines: `count` of them, alike, in one subnet, from one image.",
    naming: Naming::Named,
    positional: &[],
    attributes: machine_attributes![
        attr(
            "count",
            Type::Integer { min: 1, max: 100 },
            false,
            Some("1"),
            "How many machines; they are named `{name}-1` to `{name}-N` when there are several."
        ),
        attr(
            "availability_set",
            Type::OwnOrRef(&["availability_set"]),
            false,
            Some("false"),
            "`true` puts the machines in an availability set of their own (2 fault domains, 5 update domains); the name of an `availability_set` block puts them in that one, with the machines of the other blocks that name it; not with `zones`."
        ),
        attr(
            "computer_name",
            Type::String,
            false,
            Some("the virtual machine's name"),
            "The machines' computer (host) name, apart from their Azure name: at most 15 characters on Windows, 64 on Linux; with `count` over 1 each machine's is this name with `-1` to `-N`, or this name with `{n}` replaced by the machine's number."
        ),
        attr("ip", Type::Word(&["dynamic"]), false, Some("dynamic"), "`dynamic`: Azure gives each machine a free address of the subnet."),
        attr("ips", Type::List(&IP), false, Some("none"), "Static private addresses, one per machine, in the subnet."),
        attr(
            "backup",
            Type::Ref(&["backup_policy"]),
            false,
            Some("none"),
            "The `backup_policy` Azure Backup protects the machines with, from a Recovery Services vault of their region and resource group."
        ),
    ],
    children: &["os_disk", "data_disk", "load_balancer"],
    unique: false,
};

/// `patch_mode`'s words and the `patchMode` Azure takes for each: the
/// `WindowsVMGuestPatchMode` and `LinuxVMGuestPatchMode` values of the
/// Compute API (docs/azure.md, "Patch mode").
pub const PATCH_MODES: &[&str] = &["manual", "automatic_by_os", "automatic_by_platform", "image_default"];

/// The Azure `patchMode` of a `patch_mode` word.
pub fn azure_patch_mode(word: &str) -> &'static str {
    match word {
        "manual" => "Manual",
        "automatic_by_os" => "AutomaticByOS",
        "image_default" => "ImageDefault",
        _ => "AutomaticByPlatform",
    }
}

/// The patch modes each operating system takes.
pub fn patch_modes_of(os: Os) -> &'static [&'static str] {
    match os {
        Os::Windows => &["manual", "automatic_by_os", "automatic_by_platform"],
        Os::Linux => &["image_default", "automatic_by_platform"],
    }
}

/// Host caching of a disk: `caching`'s words and Azure's values.
pub const CACHING: &[&str] = &["none", "read_only", "read_write"];

/// The Azure `caching` of a `caching` word.
pub fn azure_caching(word: &str) -> &'static str {
    match word {
        "none" => "None",
        "read_only" => "ReadOnly",
        _ => "ReadWrite",
    }
}

/// Where an ephemeral OS disk lives: `ephemeral`'s words and Azure's `placement`.
pub const EPHEMERAL_PLACEMENTS: &[(&str, &str)] = &[("cache", "CacheDisk"), ("resource", "ResourceDisk"), ("nvme", "NvmeDisk")];

pub const OS_DISK: KindSchema = KindSchema {
    kind: "os_disk",
    doc: "The machines' operating system disk.",
    naming: Naming::Unnamed,
    positional: &[],
    attributes: &[
        attr("size_gb", Type::Integer { min: 1, max: 4095 }, false, Some("the image's"), "Size in GiB; at least the image's."),
        attr(
            "type",
            Type::Word(DISK_TYPES),
            false,
            Some("Premium_LRS when the size takes premium disks, else StandardSSD_LRS"),
            "The managed disk type.",
        ),
        attr(
            "caching",
            Type::Word(CACHING),
            false,
            Some("read_write; read_only when ephemeral"),
            "Host caching of the disk: `none`, `read_only` or `read_write`."
        ),
        attr(
            "ephemeral",
            Type::Word(&["cache", "resource", "nvme"]),
            false,
            Some("none: a managed disk in Azure Storage"),
            "An ephemeral OS disk on the host's local storage: its `cache` disk, its `resource` (temporary) disk, or its `nvme` disk. Nothing written to it survives a reimage, and the machines cannot be stopped (deallocated)."
        ),
    ],
    children: &[],
    unique: false,
};

pub const DATA_DISK: KindSchema = KindSchema {
    kind: "data_disk",
    doc: "An empty managed data disk on each machine, named `{machine}-{name}`.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attr("size_gb", Type::Integer { min: 1, max: 32767 }, true, None, "Size in GiB."),
        attr("type", Type::Word(DISK_TYPES), false, Some("as the OS disk's default"), "The managed disk type."),
        attr("lun", Type::Integer { min: 0, max: 63 }, false, Some("the lowest free one, in order"), "The logical unit number the disk appears at."),
        attr("caching", Type::Word(CACHING), false, Some("Azure's: none"), "Host caching of the disk: `none`, `read_only` or `read_write`."),
    ],
    children: &[],
    unique: false,
};

pub const LOAD_BALANCER: KindSchema = KindSchema {
    kind: "load_balancer",
    doc: "A Standard load balancer in front of the machines: `load_balancer private { ports = [443] }` or `load_balancer public { ... }`.",
    naming: Naming::Unnamed,
    positional: &["frontend"],
    attributes: &[
        attr(
            "frontend",
            Type::Word(&["private", "public"]),
            false,
            Some("private"),
            "`private`: an address in the machines' subnet; `public`: a public IP address.",
        ),
        attr("ports", Type::List(&PORT), false, None, "The ports balanced, the same on the frontend and the machines; required unless `ha_ports`."),
        attr(
            "ha_ports",
            Type::Boolean,
            false,
            Some("false"),
            "HA ports: every port of every protocol balanced by one rule, as network virtual appliances need; private frontends only.",
        ),
        attr("protocol", Type::Word(&["tcp", "udp"]), false, Some("tcp"), "The protocol of the balanced ports."),
        attr(
            "probe",
            Type::Integer { min: 1, max: 65535 },
            false,
            Some("the first port"),
            "The TCP port the health probe connects to on each machine.",
        ),
        attr("ip", IP, false, Some("the subnet's highest free address"), "A private frontend's static address in the subnet."),
    ],
    children: &[],
    unique: false,
};

/// The operating system of a machine's image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    Windows,
    Linux,
}

impl Os {
    pub fn windows(self) -> bool {
        self == Os::Windows
    }

    pub fn word(self) -> &'static str {
        match self {
            Os::Windows => "Windows",
            Os::Linux => "Linux",
        }
    }
}

/// The kinds of block that bring virtual machines: `compute`, `scale_set`, and
/// `desktop_pool` (its session hosts, see [`super::desktops`]).
pub const MACHINE_KINDS: &[&str] = &["compute", "scale_set", "desktop_pool"];

/// Every `compute`, `scale_set` and `desktop_pool` block, in declaration order.
pub fn machine_blocks(model: &Model) -> impl Iterator<Item = (NodeId, &Node)> {
    model.nodes_with_ids().filter(|(_, n)| MACHINE_KINDS.contains(&n.kind.kind))
}

/// The subnet a `compute` or `scale_set` block's machines join.
pub fn subnet_of(model: &Model, block: NodeId) -> Option<NodeId> {
    model.node(block).reference(attrs::SUBNET)
}

/// The network of a machine block's subnet, where its resources deploy.
pub fn network_of(model: &Model, block: NodeId) -> Option<NodeId> {
    let node = model.node(block);
    if !MACHINE_KINDS.contains(&node.kind.kind) {
        return None;
    }
    model.node(subnet_of(model, block)?).parent
}

/// The image block a machine block starts from.
pub fn image_of(model: &Model, block: NodeId) -> Option<&Node> {
    model.node(block).reference("image").map(|id| model.node(id))
}

/// The operating system of a machine block's image.
pub fn os(model: &Model, block: NodeId) -> Option<Os> {
    match image_of(model, block)?.str("os")? {
        "windows" => Some(Os::Windows),
        "linux" => Some(Os::Linux),
        _ => None,
    }
}

/// The Hyper-V generation of a machine block's image (2 unless it says 1).
pub fn generation(model: &Model, block: NodeId) -> i64 {
    match image_of(model, block).and_then(|i| i.get("generation")).map(|a| &a.value) {
        Some(Typed::Int(g)) => *g,
        _ => 2,
    }
}

/// A boolean attribute, `false` when absent.
pub fn flag(node: &Node, attr: &str) -> bool {
    matches!(node.get(attr).map(|a| &a.value), Some(Typed::Bool(true)))
}

/// An integer attribute.
pub fn int(node: &Node, attr: &str) -> Option<i64> {
    match node.get(attr).map(|a| &a.value) {
        Some(Typed::Int(i)) => Some(*i),
        _ => None,
    }
}

/// How many machines a `compute` block has, or session hosts a `desktop_pool`.
pub fn count(node: &Node) -> usize {
    let attr = if node.is("desktop_pool") { "hosts" } else { "count" };
    int(node, attr).map_or(1, |c| c.max(1) as usize)
}

/// The names of a `compute` block's machines in the plan: the block's name,
/// with `-1` to `-N` when there are several. A `desktop_pool`'s session hosts
/// are always numbered: see [`super::desktops::host_names`].
pub fn machine_names(node: &Node) -> Vec<String> {
    if node.is("desktop_pool") {
        return super::desktops::host_names(node);
    }
    match count(node) {
        1 => vec![node.name().to_string()],
        n => (1..=n).map(|i| format!("{}-{i}", node.name())).collect(),
    }
}

/// The zones a machine block lists, as written.
pub fn zones(node: &Node) -> Vec<Spanned<i64>> {
    node.list("zones")
        .iter()
        .filter_map(|z| match z.value {
            Typed::Int(i) => Some(Spanned { value: i, span: z.span }),
            _ => None,
        })
        .collect()
}

/// The zones, each once, in the order first written.
pub fn distinct_zones(node: &Node) -> Vec<i64> {
    let mut out: Vec<i64> = Vec::new();
    for z in zones(node) {
        if !out.contains(&z.value) {
            out.push(z.value);
        }
    }
    out
}

/// The static addresses of a `compute` block's `ips`, as written.
pub fn static_ips(node: &Node) -> Vec<Spanned<IpAddr>> {
    node.list("ips")
        .iter()
        .filter_map(|i| match i.value {
            Typed::Ip(ip) => Some(Spanned { value: ip, span: i.span }),
            _ => None,
        })
        .collect()
}

/// A machine block's nested blocks of one kind, in declaration order.
pub fn nested(model: &Model, block: NodeId, kind: &str) -> Vec<NodeId> {
    model.node(block).children.iter().copied().filter(|&c| model.node(c).is(kind)).collect()
}

/// A machine block's `load_balancer`, if it has one.
pub fn load_balancer(model: &Model, block: NodeId) -> Option<NodeId> {
    nested(model, block, "load_balancer").first().copied()
}

/// Whether a `load_balancer` block has a public frontend.
pub fn is_public(node: &Node) -> bool {
    node.str("frontend") == Some("public")
}

/// The ports a `load_balancer` balances, as written.
pub fn ports(node: &Node) -> Vec<Spanned<i64>> {
    node.list("ports")
        .iter()
        .filter_map(|p| match p.value {
            Typed::Int(i) => Some(Spanned { value: i, span: p.span }),
            _ => None,
        })
        .collect()
}

/// The port a `load_balancer`'s health probe connects to: `probe`, else the first port.
pub fn probe_port(node: &Node) -> Option<i64> {
    int(node, "probe").or_else(|| ports(node).first().map(|p| p.value))
}

/// The default disk type for a size: premium SSD when the size takes it, else standard SSD.
pub fn default_disk_type(size: &str) -> &'static str {
    match facts::supports_premium_storage(size) {
        Some(true) => "Premium_LRS",
        _ => "StandardSSD_LRS",
    }
}

/// The disk type of a disk block of machine block `block`.
pub fn disk_type(model: &Model, block: NodeId, disk: Option<NodeId>) -> String {
    let written = disk.and_then(|d| model.node(d).str("type"));
    let os_disk = nested(model, block, "os_disk").first().and_then(|d| model.node(*d).str("type"));
    let size = model.node(block).str("size").unwrap_or_default();
    written.or(if disk.is_some_and(|d| model.node(d).is("data_disk")) { None } else { os_disk }).unwrap_or(default_disk_type(size)).to_string()
}

/// The LUN of each data disk of a machine block: its own `lun`, else the lowest
/// one no disk of the block takes, in declaration order.
pub fn luns(model: &Model, block: NodeId) -> Vec<(NodeId, i64)> {
    let disks = nested(model, block, "data_disk");
    let written: Vec<i64> = disks.iter().filter_map(|&d| int(model.node(d), "lun")).collect();
    let mut taken = written.clone();
    let mut next = 0;
    disks
        .into_iter()
        .map(|d| match int(model.node(d), "lun") {
            Some(lun) => (d, lun),
            None => {
                while taken.contains(&next) {
                    next += 1;
                }
                taken.push(next);
                (d, next)
            }
        })
        .collect()
}

/// The usable addresses of an IPv4 subnet: all but the five Azure keeps (the
/// network address, the gateway, two for DNS and the broadcast address).
pub fn usable(prefix: ipnet::Ipv4Net) -> Option<(u32, u32)> {
    let first = u32::from(prefix.network()).checked_add(4)?;
    let last = u32::from(prefix.broadcast()).checked_sub(1)?;
    (first <= last).then_some((first, last))
}

/// The static frontend address of each private `load_balancer`: its own `ip`,
/// else the highest usable address of the subnet that no machine's `ips` and no
/// load balancer before it takes. Azure hands out dynamic addresses from the
/// bottom of a subnet, so the top one stays clear of them.
pub fn frontend_ips(model: &Model) -> IndexMap<NodeId, IpAddr> {
    let mut taken: Vec<IpAddr> = Vec::new();
    for (_, node) in model.of_kind("compute") {
        taken.extend(static_ips(node).into_iter().map(|ip| ip.value));
    }
    let balancers: Vec<(NodeId, NodeId)> = machine_blocks(model)
        .filter_map(|(block, _)| load_balancer(model, block).map(|lb| (block, lb)))
        .filter(|(_, lb)| !is_public(model.node(*lb)))
        .collect();
    for &(_, lb) in &balancers {
        if let Some(Typed::Ip(ip)) = model.node(lb).get("ip").map(|a| &a.value) {
            taken.push(*ip);
        }
    }
    let mut out = IndexMap::new();
    for (block, lb) in balancers {
        if let Some(Typed::Ip(ip)) = model.node(lb).get("ip").map(|a| &a.value) {
            out.insert(lb, *ip);
            continue;
        }
        let Some(ipnet::IpNet::V4(prefix)) = subnet_of(model, block).and_then(|s| model.subnet_prefix(s)) else { continue };
        let Some((first, last)) = usable(prefix) else { continue };
        let free = (first..=last).rev().map(|a| IpAddr::V4(Ipv4Addr::from(a))).find(|ip| !taken.contains(ip));
        if let Some(ip) = free {
            taken.push(ip);
            out.insert(lb, ip);
        }
    }
    out
}

/// Where a machine block's resources go: its resource group, in its network's
/// region, joining its subnet.
pub struct Place {
    pub resource_group: String,
    pub location: Option<String>,
    pub tags: IndexMap<String, String>,
    /// The network's virtual network; `None` for a network deployed elsewhere
    /// (an `existing vnet`), which nothing of the plan waits for.
    pub vnet: Option<ResourceId>,
    pub subnet: NodeId,
    /// The subnet's ID.
    pub subnet_id: Prop,
    pub zones: Vec<i64>,
    pub block: NodeId,
}

impl Place {
    /// `None` when the block's network was not lowered.
    pub fn of(lw: &mut Lowering, block: NodeId) -> Option<Place> {
        let subnet = subnet_of(lw.model, block)?;
        let network = lw.model.node(subnet).parent?;
        let (vnet, subnet_id) = Place::subnet_id(lw, subnet)?;
        let node = lw.model.node(block);
        // A group ashlar creates for the machines is in their network's region, with their tags.
        let location = lw.model.location(network).map(str::to_string);
        let tags = lw.model.tags(block);
        let resource_group =
            lw.resource_group_in(node.str(attrs::RESOURCE_GROUP).unwrap_or_default(), location.clone().unwrap_or_default(), tags.clone());
        Some(Place { resource_group, location, tags, vnet, subnet, subnet_id, zones: distinct_zones(node), block })
    }

    /// The ID of a subnet a resource joins (a machine's network interface, a
    /// private endpoint), with the plan's virtual network it is in: for a subnet
    /// of an existing network, its ID built in that network's subscription and
    /// group, and no network of the plan. `None` when the network was not lowered.
    pub fn subnet_id(lw: &Lowering, subnet: NodeId) -> Option<(Option<ResourceId>, Prop)> {
        if let Some(id) = crate::blocks::existing::subnet_id(lw.model, subnet) {
            return Some((None, id));
        }
        let vnet = *lw.primary.get(&lw.model.node(subnet).parent?)?;
        Some((Some(vnet), Prop::ChildId { resource: vnet, child: "subnets", name: lw.names.subnet(subnet) }))
    }

    /// A top-level resource of this block.
    pub fn resource(&self, symbol: String, resource_type: &'static str, name: String) -> Resource {
        Resource::new(symbol, resource_type, vec![name], self.resource_group.clone(), self.location.clone(), self.tags.clone(), self.block)
    }

    /// `{ "id": <the subnet> }`.
    pub fn subnet_ref(&self) -> Prop {
        Prop::object([("id", self.subnet_id.clone())])
    }

    /// What a resource joining the subnet waits for: the virtual network, and the
    /// last change queued on it (a peering or an endpoint), since Azure refuses to
    /// join a network that is updating (`ReferencedResourceNotProvisioned`).
    /// Nothing for a network deployed elsewhere.
    pub fn joins(&self, lw: &Lowering) -> Vec<ResourceId> {
        self.vnet.into_iter().flat_map(|vnet| std::iter::once(vnet).chain(lw.queued_on(vnet))).collect()
    }
}

/// `zones` as ARM writes them: strings.
pub fn zone_list(zones: &[i64]) -> Prop {
    Prop::Array(zones.iter().map(|z| Prop::str(z.to_string())).collect())
}

/// The `zones` of a load balancer's frontend (and of its public address) for
/// machines in `zones`: none for machines in no zone, the machines' zone when
/// they are all in one, and all three zones when they are spread over several.
/// Azure makes a frontend given more than one zone zone-redundant ("when
/// multiple zones are specified in a region with Availability Zones, a
/// zone-redundant resource is created", <https://azure.microsoft.com/updates/zone-behavior-change/>),
/// and a zone-redundant frontend "survives zone failure by using dedicated
/// infrastructure in all the zones simultaneously"
/// (<https://learn.microsoft.com/azure/reliability/migrate-load-balancer>); a
/// region with availability zones has at least three
/// (<https://learn.microsoft.com/azure/reliability/reliability-load-balancer>).
/// So ashlar writes what Azure does, `["1", "2", "3"]`, rather than the
/// machines' two zones, which would read as a frontend in those two only.
pub fn frontend_zones(zones: &[i64]) -> Option<Prop> {
    match zones {
        [] => None,
        [zone] => Some(zone_list(&[*zone])),
        _ => Some(zone_list(&[1, 2, 3])),
    }
}

/// A machine block's `load_balancer`, lowered: its public IP address when
/// public, and the Standard load balancer with one frontend, one backend pool,
/// a TCP probe and a rule per port. Returns the load balancer and the
/// reference to its backend pool that the machines' network interfaces carry.
pub fn lower_load_balancer(lw: &mut Lowering, place: &Place) -> Option<(ResourceId, Prop)> {
    let block = place.block;
    let lb_block = load_balancer(lw.model, block)?;
    let node = lw.model.node(lb_block);
    let public = is_public(node);
    let name = lw.names.load_balancer(block, public);
    let owner = lw.model.node(block).name().to_string();

    let mut frontend = Object::new();
    frontend.insert("name".into(), Prop::str("frontend"));
    let mut depends_on = Vec::new();
    if public {
        let mut pip = place.resource(format!("pip_{owner}"), PUBLIC_IP, lw.names.public_ip(&name, block));
        pip.top.insert("sku".into(), Prop::object([("name", Prop::str("Standard")), ("tier", Prop::str("Regional"))]));
        if let Some(zones) = frontend_zones(&place.zones) {
            pip.top.insert("zones".into(), zones);
        }
        pip.properties = Prop::object([("publicIPAddressVersion", Prop::str("IPv4")), ("publicIPAllocationMethod", Prop::str("Static"))]);
        let pip = lw.push(pip);
        frontend.insert("properties".into(), Prop::object([("publicIPAddress", Prop::object([("id", Prop::Id(pip))]))]));
        depends_on.push(pip);
    } else {
        let ip = frontend_ips(lw.model).get(&lb_block).copied()?;
        frontend.insert(
            "properties".into(),
            Prop::object([
                ("subnet", place.subnet_ref()),
                ("privateIPAddress", Prop::str(ip.to_string())),
                ("privateIPAllocationMethod", Prop::str("Static")),
                ("privateIPAddressVersion", Prop::str("IPv4")),
            ]),
        );
        if let Some(zones) = frontend_zones(&place.zones) {
            frontend.insert("zones".into(), zones);
        }
        depends_on.extend(place.joins(lw));
    }

    let lb_id = ResourceId(lw.plan.resources.len());
    let child =
        |child: &'static str, child_name: &str| Prop::object([("id", Prop::ChildId { resource: lb_id, child, name: child_name.to_string() })]);
    let probe = probe_port(node).unwrap_or(80);
    let probe_name = format!("probe-{probe}");
    let protocol = if node.str("protocol") == Some("udp") { "Udp" } else { "Tcp" };
    let ha_ports = flag(node, "ha_ports");
    let ha_rule = ha_ports.then(|| {
        Prop::object([
            ("name", Prop::str("ha-ports")),
            (
                "properties",
                Prop::object([
                    ("frontendIPConfiguration", child("frontendIPConfigurations", "frontend")),
                    ("backendAddressPool", child("backendAddressPools", "backend")),
                    ("probe", child("probes", &probe_name)),
                    ("protocol", Prop::str("All")),
                    ("frontendPort", Prop::Int(0)),
                    ("backendPort", Prop::Int(0)),
                    ("enableFloatingIP", Prop::Bool(false)),
                    ("idleTimeoutInMinutes", Prop::Int(4)),
                    ("loadDistribution", Prop::str("Default")),
                ]),
            ),
        ])
    });
    let port_rules: Vec<Prop> = ports(node)
        .iter()
        .filter(|_| !ha_ports)
        .map(|port| {
            Prop::object([
                ("name", Prop::str(format!("{}-{}", protocol.to_ascii_lowercase(), port.value))),
                (
                    "properties",
                    Prop::object([
                        ("frontendIPConfiguration", child("frontendIPConfigurations", "frontend")),
                        ("backendAddressPool", child("backendAddressPools", "backend")),
                        ("probe", child("probes", &probe_name)),
                        ("protocol", Prop::str(protocol)),
                        ("frontendPort", Prop::Int(port.value)),
                        ("backendPort", Prop::Int(port.value)),
                        ("enableFloatingIP", Prop::Bool(false)),
                        ("idleTimeoutInMinutes", Prop::Int(4)),
                        ("loadDistribution", Prop::str("Default")),
                    ]),
                ),
            ])
        })
        .collect();
    let rules: Vec<Prop> = ha_rule.into_iter().chain(port_rules).collect();
    let probe_prop = Prop::object([
        ("name", Prop::str(probe_name.clone())),
        ("properties", Prop::object([("protocol", Prop::str("Tcp")), ("port", Prop::Int(probe)), ("intervalInSeconds", Prop::Int(5))])),
    ]);
    let mut lb = place.resource(format!("lb_{owner}"), LOAD_BALANCER_TYPE, name);
    lb.top.insert("sku".into(), Prop::object([("name", Prop::str("Standard")), ("tier", Prop::str("Regional"))]));
    lb.properties = Prop::object([
        ("frontendIPConfigurations", Prop::Array(vec![Prop::Object(frontend)])),
        ("backendAddressPools", Prop::Array(vec![Prop::object([("name", Prop::str("backend"))])])),
        ("probes", Prop::Array(vec![probe_prop])),
        ("loadBalancingRules", Prop::Array(rules)),
    ]);
    lb.depends_on = depends_on;
    let lb = lw.push(lb);
    debug_assert_eq!(lb, lb_id, "the load balancer is the next resource");
    lw.primary.insert(lb_block, lb);
    Some((lb, child("backendAddressPools", "backend")))
}

/// The image reference of a machine block: a gallery image's ID (its `version`,
/// else its latest), or a `marketplace_image`'s publisher, offer, SKU and version.
pub fn image_reference(lw: &Lowering, block: NodeId) -> Prop {
    let model = lw.model;
    if let Some((image, definition)) = gallery_image(lw, block) {
        return match crate::blocks::images::version(model.node(image)) {
            Some(version) => Prop::object([("id", Prop::ChildId { resource: definition, child: "versions", name: version })]),
            None => Prop::object([("id", Prop::Id(definition))]),
        };
    }
    let image = image_of(model, block);
    let field = |attr: &str, default: &str| Prop::str(image.and_then(|i| i.str(attr)).unwrap_or(default));
    Prop::object([
        ("publisher", field("publisher", "")),
        ("offer", field("offer", "")),
        ("sku", field("sku", "")),
        ("version", field("version", "latest")),
    ])
}

/// A machine block's gallery `image` and the image definition the plan deploys
/// for it; `None` for a marketplace image.
pub fn gallery_image(lw: &Lowering, block: NodeId) -> Option<(NodeId, ResourceId)> {
    let image = lw.model.node(block).reference("image").filter(|&i| lw.model.node(i).is("image"))?;
    lw.primary.get(&image).map(|&definition| (image, definition))
}

/// The storage profile of a machine block: image, OS disk and data disks.
/// `vm` is the virtual machine's Azure name, which names its disks; scale sets
/// leave disk names to Azure.
pub fn storage_profile(lw: &Lowering, block: NodeId, vm: Option<&str>) -> Prop {
    let model = lw.model;
    let mut os_disk = Object::new();
    if let Some(vm) = vm {
        os_disk.insert("name".into(), Prop::str(lw.names.os_disk(vm)));
    }
    let os_node = nested(model, block, "os_disk").first().map(|&d| model.node(d));
    let placement = ephemeral_placement(model, block);
    os_disk.insert("createOption".into(), Prop::str("FromImage"));
    // An ephemeral OS disk is cached read-only, as Microsoft's templates for it write (docs/azure.md).
    let os_caching = os_node.and_then(|d| d.str("caching")).map_or(if placement.is_some() { "ReadOnly" } else { "ReadWrite" }, azure_caching);
    os_disk.insert("caching".into(), Prop::str(os_caching));
    if let Some(placement) = placement {
        os_disk.insert("diffDiskSettings".into(), Prop::object([("option", Prop::str("Local")), ("placement", Prop::str(placement))]));
    }
    os_disk.insert("deleteOption".into(), Prop::str("Delete"));
    if let Some(size) = os_node.and_then(|d| int(d, "size_gb")) {
        os_disk.insert("diskSizeGB".into(), Prop::Int(size));
    }
    os_disk.insert("managedDisk".into(), managed_disk(model, block, None, placement.is_none()));
    let data_disks: Vec<Prop> = luns(model, block)
        .into_iter()
        .map(|(disk, lun)| {
            let mut d = Object::new();
            if let Some(vm) = vm {
                d.insert("name".into(), Prop::str(lw.names.data_disk(vm, disk)));
            }
            d.insert("lun".into(), Prop::Int(lun));
            d.insert("createOption".into(), Prop::str("Empty"));
            if let Some(caching) = model.node(disk).str("caching") {
                d.insert("caching".into(), Prop::str(azure_caching(caching)));
            }
            d.insert("diskSizeGB".into(), Prop::Int(int(model.node(disk), "size_gb").unwrap_or(1)));
            d.insert("deleteOption".into(), Prop::str("Delete"));
            d.insert("managedDisk".into(), managed_disk(model, block, Some(disk), true));
            Prop::Object(d)
        })
        .collect();
    let mut profile = Object::new();
    profile.insert("imageReference".into(), image_reference(lw, block));
    profile.insert("osDisk".into(), Prop::Object(os_disk));
    if !data_disks.is_empty() {
        profile.insert("dataDisks".into(), Prop::Array(data_disks));
    }
    Prop::Object(profile)
}

/// The `placement` of a machine block's ephemeral OS disk, when it has one.
pub fn ephemeral_placement(model: &Model, block: NodeId) -> Option<&'static str> {
    let word = nested(model, block, "os_disk").first().and_then(|&d| model.node(d).str("ephemeral"))?;
    EPHEMERAL_PLACEMENTS.iter().find(|(w, _)| *w == word).map(|(_, placement)| *placement)
}

/// The `managedDisk` of a disk of a machine block (`None`: its OS disk): its
/// type, and the block's disk encryption set when it names one and the disk
/// is `stored` in Azure Storage. An ephemeral OS disk is not: server-side
/// encryption, which the set's key drives, encrypts what is stored in Azure
/// Storage, and the temporary disks of the host only with encryption at host
/// (docs/azure.md).
fn managed_disk(model: &Model, block: NodeId, disk: Option<NodeId>, stored: bool) -> Prop {
    let mut managed = Object::new();
    managed.insert("storageAccountType".into(), Prop::str(disk_type(model, block, disk)));
    if let Some(set) = model.node(block).str("disk_encryption_set").filter(|_| stored) {
        managed.insert("diskEncryptionSet".into(), Prop::object([("id", Prop::str(set))]));
    }
    Prop::Object(managed)
}

/// The computer name of machine number `index` (from 0) of a `compute`
/// block whose Azure name is `vm_name`: its `computer_name`, numbered as
/// [`machine_names`] numbers the machines (or in place of `{n}`), else the
/// Azure name.
pub fn computer_name(node: &Node, index: usize, vm_name: &str) -> String {
    let Some(written) = node.str("computer_name") else { return vm_name.to_string() };
    numbered_computer_name(written, count(node), index)
}

/// The computer name of machine number `index` (from 0) of `count` whose
/// `computer_name` is `written`.
pub fn numbered_computer_name(written: &str, count: usize, index: usize) -> String {
    let number = (index + 1).to_string();
    if written.contains("{n}") {
        return written.replace("{n}", &number);
    }
    match count {
        1 => written.to_string(),
        _ => format!("{written}-{number}"),
    }
}

/// Whether Windows' own automatic updates are on: off with `patch_mode =
/// manual`, and on a scale set with automatic OS upgrades, where Azure
/// forbids them (docs/azure.md, "Patch mode").
fn windows_automatic_updates(node: &Node) -> bool {
    node.str("patch_mode") != Some("manual") && !flag(node, "automatic_os_upgrade")
}

/// The `patchSettings` of a machine block: an update group's, else its `patch_mode`'s.
fn patch_settings(model: &Model, block: NodeId) -> Option<Prop> {
    crate::blocks::updates::patch_settings(model, block)
        .or_else(|| model.node(block).str("patch_mode").map(|mode| Prop::object([("patchMode", Prop::str(azure_patch_mode(mode)))])))
}

/// The OS profile of a machine block: `name_key` is `computerName` for a
/// virtual machine, `computerNamePrefix` for a scale set.
pub fn os_profile(lw: &Lowering, block: NodeId, name_key: &'static str, computer_name: String) -> Prop {
    let model = lw.model;
    let node = model.node(block);
    let os = os(model, block).unwrap_or(Os::Linux);
    let user = node.str("admin_user").unwrap_or("azureadmin").to_string();
    let password = node.get("admin").map(|a| lw.prop(&a.value));
    let mut profile = Object::new();
    profile.insert(name_key.into(), Prop::str(computer_name));
    profile.insert("adminUsername".into(), Prop::str(user.clone()));
    if let Some(password) = &password {
        profile.insert("adminPassword".into(), password.clone());
    }
    if let (Os::Linux, Some(cloud_init)) = (os, node.str("cloud_init")) {
        profile.insert("customData".into(), Prop::str(facts::base64(cloud_init.as_bytes())));
    }
    if let Some(Typed::Bool(allow)) = node.get("allow_extension_operations").map(|a| &a.value) {
        profile.insert("allowExtensionOperations".into(), Prop::Bool(*allow));
    }
    match os {
        Os::Windows => {
            let mut windows = Object::new();
            windows.insert("provisionVMAgent".into(), Prop::Bool(true));
            windows.insert("enableAutomaticUpdates".into(), Prop::Bool(windows_automatic_updates(node)));
            if let Some(zone) = node.str("time_zone") {
                let id = crate::timezones::find(zone).or_else(|| crate::timezones::for_iana(zone)).map_or(zone, |z| z.id);
                windows.insert("timeZone".into(), Prop::str(id));
            }
            if let Some(patch) = patch_settings(model, block) {
                windows.insert("patchSettings".into(), patch);
            }
            profile.insert("windowsConfiguration".into(), Prop::Object(windows));
        }
        Os::Linux => {
            let mut linux = Object::new();
            linux.insert("disablePasswordAuthentication".into(), Prop::Bool(password.is_none()));
            if let Some(key) = node.str("ssh_key") {
                let key = Prop::object([("path", Prop::str(format!("/home/{user}/.ssh/authorized_keys"))), ("keyData", Prop::str(key.trim()))]);
                linux.insert("ssh".into(), Prop::object([("publicKeys", Prop::Array(vec![key]))]));
            }
            linux.insert("provisionVMAgent".into(), Prop::Bool(true));
            if let Some(patch) = patch_settings(model, block) {
                linux.insert("patchSettings".into(), patch);
            }
            profile.insert("linuxConfiguration".into(), Prop::Object(linux));
        }
    }
    Prop::Object(profile)
}

/// The security profile of a machine block: encryption at host when asked
/// for, and its security type, always written. Without `trusted_launch` the
/// type is `Standard`, which Compute documents as what an unset type means
/// (and returns from API 2025-11-01): written, what the machine is never
/// depends on the API version or a later change of Azure's default
/// (docs/azure.md). A machine from a gallery image of the plan that is itself
/// marked for trusted launch is left to the image (`trusted_image`).
pub fn security_profile(lw: &Lowering, block: NodeId) -> Option<Prop> {
    let node = lw.model.node(block);
    let mut profile = Object::new();
    if flag(node, "encryption_at_host") {
        profile.insert("encryptionAtHost".into(), Prop::Bool(true));
    }
    if flag(node, "trusted_launch") {
        profile.insert("securityType".into(), Prop::str("TrustedLaunch"));
        profile.insert("uefiSettings".into(), Prop::object([("secureBootEnabled", Prop::Bool(true)), ("vTpmEnabled", Prop::Bool(true))]));
    } else if !trusted_image(lw, block) {
        profile.insert("securityType".into(), Prop::str("Standard"));
    }
    (!profile.is_empty()).then_some(Prop::Object(profile))
}

/// Whether a machine block's image is a gallery image of the plan marked for
/// trusted launch.
fn trusted_image(lw: &Lowering, block: NodeId) -> bool {
    gallery_image(lw, block).is_some_and(|(image, _)| flag(lw.model.node(image), "trusted_launch"))
}

/// `diagnosticsProfile` with managed boot diagnostics, when asked for.
pub fn diagnostics_profile(node: &Node) -> Option<Prop> {
    flag(node, "boot_diagnostics").then(|| Prop::object([("bootDiagnostics", Prop::object([("enabled", Prop::Bool(true))]))]))
}

/// The top-level `identity`, when the block asks for one.
pub fn identity(node: &Node) -> Option<Prop> {
    (node.str("identity") == Some("system")).then(|| Prop::object([("type", Prop::str("SystemAssigned"))]))
}

/// The extensions of each machine of a block, by name: the Custom Script
/// extension of its `script`, the Azure Monitor Agent of `monitoring` and
/// Microsoft Antimalware of `antimalware` (docs/azure.md, "Extensions").
pub fn extensions(model: &Model, block: NodeId) -> Vec<(&'static str, Prop)> {
    let node = model.node(block);
    let Some(os) = os(model, block) else { return Vec::new() };
    let mut out: Vec<(&'static str, Prop)> = script_extension(model, block).into_iter().collect();
    let extension = |publisher: &str, kind: &str, version: &str, settings: Prop| {
        Prop::object([
            ("publisher", Prop::str(publisher)),
            ("type", Prop::str(kind)),
            ("typeHandlerVersion", Prop::str(version)),
            ("autoUpgradeMinorVersion", Prop::Bool(true)),
            ("settings", settings),
        ])
    };
    if flag(node, "monitoring") {
        let name = if os.windows() { "AzureMonitorWindowsAgent" } else { "AzureMonitorLinuxAgent" };
        let mut properties = extension("Microsoft.Azure.Monitor", name, "1.0", Prop::Object(Object::new()));
        if let Prop::Object(p) = &mut properties {
            p.insert("enableAutomaticUpgrade".into(), Prop::Bool(true));
        }
        out.push((name, properties));
    }
    if flag(node, "antimalware") && os.windows() {
        let settings = Prop::object([("AntimalwareEnabled", Prop::Bool(true)), ("RealtimeProtectionEnabled", Prop::str("true"))]);
        out.push(("IaaSAntimalware", extension("Microsoft.Azure.Security", "IaaSAntimalware", "1.3", settings)));
    }
    out
}

/// The Custom Script extension that runs a machine block's `script`: its name
/// and properties. The script goes inline, in protected settings: a Windows
/// script as a PowerShell `-EncodedCommand`, a Linux one base64-encoded.
pub fn script_extension(model: &Model, block: NodeId) -> Option<(&'static str, Prop)> {
    let script = model.node(block).str("script")?;
    let (name, publisher, version, protected) = match os(model, block)? {
        Os::Windows => ("CustomScriptExtension", "Microsoft.Compute", "1.10", ("commandToExecute", facts::powershell_command(script))),
        Os::Linux => ("CustomScript", "Microsoft.Azure.Extensions", "2.1", ("script", facts::base64(script.as_bytes()))),
    };
    Some((
        name,
        Prop::object([
            ("publisher", Prop::str(publisher)),
            ("type", Prop::str(name)),
            ("typeHandlerVersion", Prop::str(version)),
            ("autoUpgradeMinorVersion", Prop::Bool(true)),
            ("settings", Prop::Object(Object::new())),
            ("protectedSettings", Prop::object([(protected.0, Prop::str(protected.1))])),
        ]),
    ))
}

/// A machine block's proximity placement group, when it is in one: a shared
/// one it names (or its shared availability set is in), lowered before, or
/// one of its own, in the block's one zone if it names one.
pub fn proximity_placement_group(lw: &mut Lowering, place: &Place) -> Option<ResourceId> {
    let node = lw.model.node(place.block);
    match crate::blocks::placement::placement_group_of(lw.model, place.block)? {
        crate::blocks::placement::PlacementGroup::Shared(group) => return lw.primary.get(&group).copied(),
        crate::blocks::placement::PlacementGroup::Own(_) => {}
    }
    let mut ppg = place.resource(format!("ppg_{}", node.name()), PROXIMITY_PLACEMENT_GROUP, lw.names.proximity_placement_group(place.block));
    if let [zone] = place.zones.as_slice() {
        ppg.top.insert("zones".into(), zone_list(&[*zone]));
    }
    ppg.properties = Prop::object([("proximityPlacementGroupType", Prop::str("Standard"))]);
    Some(lw.push(ppg))
}

/// Each `compute` block: its proximity placement group and availability set,
/// its load balancer, and for each machine a network interface, the virtual
/// machine and its Custom Script extension.
pub fn lower_compute(lw: &mut Lowering) {
    let blocks: Vec<NodeId> = lw.model.of_kind("compute").map(|(id, _)| id).collect();
    for block in blocks {
        compute(lw, block);
    }
}

fn compute(lw: &mut Lowering, block: NodeId) {
    let Some(place) = Place::of(lw, block) else { return };
    let model = lw.model;
    let node = model.node(block);
    let symbol = node.name().to_string();

    let ppg = proximity_placement_group(lw, &place);
    let avset = match node.get("availability_set").map(|a| &a.value) {
        // A shared set, lowered before the machines.
        Some(Typed::Ref(set)) => lw.primary.get(set).copied(),
        Some(Typed::Bool(true)) => {
            let mut avset = place.resource(format!("avail_{symbol}"), AVAILABILITY_SET, lw.names.availability_set(block));
            avset.top.insert("sku".into(), Prop::object([("name", Prop::str("Aligned"))]));
            avset.properties = crate::blocks::placement::availability_set_properties(ppg);
            avset.depends_on.extend(ppg);
            Some(lw.push(avset))
        }
        _ => None,
    };
    let balancer = lower_load_balancer(lw, &place);
    let ips = static_ips(node);
    let extensions = extensions(model, block);

    for (index, machine) in machine_names(node).iter().enumerate() {
        let spec = Machine {
            index,
            name: machine,
            ip: ips.get(index).map(|ip| ip.value),
            backend_pool: balancer.clone(),
            availability_set: avset,
            placement_group: ppg,
        };
        let vm = lower_machine(lw, &place, &spec);
        if index == 0 {
            lw.primary.insert(block, vm);
        }
        let machine_symbol = machine.replace('-', "_");
        // One after another: a machine takes one extension operation at a time.
        let mut previous: Option<ResourceId> = None;
        for (name, properties) in &extensions {
            let mut ext = vm_extension(lw, &place, vm, format!("ext_{machine_symbol}"), name, properties.clone());
            ext.depends_on.extend(previous);
            previous = Some(lw.push(ext));
        }
    }
}

/// One machine of a machine block, for [`lower_machine`].
pub struct Machine<'a> {
    /// Its place among the block's machines, from 0: it takes the zone at this
    /// place in the block's `zones`, in turn.
    pub index: usize,
    /// Its name in the plan (`web-2`), which its Azure names derive from.
    pub name: &'a str,
    /// A static private address, else Azure gives it a free one.
    pub ip: Option<IpAddr>,
    /// The load balancer and the reference to its backend pool, from [`lower_load_balancer`].
    pub backend_pool: Option<(ResourceId, Prop)>,
    pub availability_set: Option<ResourceId>,
    pub placement_group: Option<ResourceId>,
}

/// One machine of a machine block: its network interface and its virtual
/// machine, with the block's image, size, disks, login, zones and security
/// settings. Returns the virtual machine.
pub fn lower_machine(lw: &mut Lowering, place: &Place, machine: &Machine) -> ResourceId {
    let block = place.block;
    let node = lw.model.node(block);
    let vm_name = lw.names.virtual_machine(block, machine.name);
    let machine_symbol = machine.name.replace('-', "_");

    let mut configuration = Object::new();
    configuration.insert("subnet".into(), place.subnet_ref());
    match machine.ip {
        Some(ip) => {
            configuration.insert("privateIPAllocationMethod".into(), Prop::str("Static"));
            configuration.insert("privateIPAddress".into(), Prop::str(ip.to_string()));
        }
        None => {
            configuration.insert("privateIPAllocationMethod".into(), Prop::str("Dynamic"));
        }
    }
    configuration.insert("privateIPAddressVersion".into(), Prop::str("IPv4"));
    configuration.insert("primary".into(), Prop::Bool(true));
    if let Some((_, pool)) = &machine.backend_pool {
        configuration.insert("loadBalancerBackendAddressPools".into(), Prop::Array(vec![pool.clone()]));
    }
    let mut nic = place.resource(format!("nic_{machine_symbol}"), NETWORK_INTERFACE, lw.names.network_interface(block, machine.name));
    nic.properties = Prop::object([
        ("ipConfigurations", Prop::Array(vec![Prop::object([("name", Prop::str("ipconfig1")), ("properties", Prop::Object(configuration))])])),
        ("enableAcceleratedNetworking", Prop::Bool(flag(node, "accelerated_networking"))),
        ("enableIPForwarding", Prop::Bool(flag(node, "ip_forwarding"))),
    ]);
    nic.depends_on = place.joins(lw);
    if let Some((lb, _)) = &machine.backend_pool {
        nic.depends_on.push(*lb);
    }
    let nic = lw.push(nic);

    let mut vm = place.resource(format!("vm_{machine_symbol}"), VIRTUAL_MACHINE, vm_name.clone());
    crate::blocks::updates::tag_machine(lw.model, block, machine.index, &mut vm.tags);
    if !place.zones.is_empty() {
        vm.top.insert("zones".into(), zone_list(&[place.zones[machine.index % place.zones.len()]]));
    }
    if let Some(identity) = identity(node) {
        vm.top.insert("identity".into(), identity);
    }
    let mut properties = Object::new();
    properties.insert("hardwareProfile".into(), Prop::object([("vmSize", Prop::str(node.str("size").unwrap_or_default()))]));
    properties.insert("storageProfile".into(), storage_profile(lw, block, Some(&vm_name)));
    properties.insert("osProfile".into(), os_profile(lw, block, "computerName", computer_name(node, machine.index, &vm_name)));
    properties.insert(
        "networkProfile".into(),
        Prop::object([(
            "networkInterfaces",
            Prop::Array(vec![Prop::object([
                ("id", Prop::Id(nic)),
                ("properties", Prop::object([("primary", Prop::Bool(true)), ("deleteOption", Prop::str("Delete"))])),
            ])]),
        )]),
    );
    if let Some(security) = security_profile(lw, block) {
        properties.insert("securityProfile".into(), security);
    }
    if let Some(diagnostics) = diagnostics_profile(node) {
        properties.insert("diagnosticsProfile".into(), diagnostics);
    }
    vm.depends_on.push(nic);
    vm.depends_on.extend(gallery_image(lw, block).map(|(_, definition)| definition));
    if let Some(avset) = machine.availability_set {
        properties.insert("availabilitySet".into(), Prop::object([("id", Prop::Id(avset))]));
        vm.depends_on.push(avset);
    }
    if let Some(ppg) = machine.placement_group {
        properties.insert("proximityPlacementGroup".into(), Prop::object([("id", Prop::Id(ppg))]));
        vm.depends_on.push(ppg);
    }
    vm.properties = Prop::Object(properties);
    lw.push(vm)
}

/// An extension of virtual machine `vm` of `place`'s block, named `name`:
/// `symbol` is made unique when pushed.
pub fn vm_extension(lw: &Lowering, place: &Place, vm: ResourceId, symbol: String, name: &str, properties: Prop) -> Resource {
    let mut ext = place.resource(symbol, EXTENSION, lw.plan[vm].name[0].clone());
    ext.name.push(name.to_string());
    ext.parent = Some(vm);
    ext.tags = IndexMap::new();
    ext.properties = properties;
    ext.depends_on = vec![vm];
    ext
}

/// Azure hands out dynamic addresses from the bottom of a subnet, so a network
/// interface or private endpoint that takes any free address could take one a
/// static interface of the plan wants (`PrivateIPAddressInUse`). In each subnet,
/// whatever joins with a dynamic address waits for what joins with a static one:
/// the network interfaces of `compute` blocks with `ips` and the frontends of
/// private load balancers.
pub fn order_static_addresses(lw: &mut Lowering) {
    let model = lw.model;
    let mut fixed: IndexMap<NodeId, Vec<ResourceId>> = IndexMap::new();
    let mut free: IndexMap<NodeId, Vec<ResourceId>> = IndexMap::new();
    // Indexed once: scanning every resource for each block is quadratic in a plan of thousands of machines.
    let mut nics_by_block: IndexMap<NodeId, Vec<ResourceId>> = IndexMap::new();
    for (r, resource) in lw.plan.resources_with_ids() {
        if resource.resource_type == NETWORK_INTERFACE {
            nics_by_block.entry(resource.origin).or_default().push(r);
        }
    }
    let resources_of = |origin: NodeId| -> Vec<ResourceId> { nics_by_block.get(&origin).cloned().unwrap_or_default() };
    for (block, node) in machine_blocks(model) {
        let Some(subnet) = subnet_of(model, block) else { continue };
        if let Some(lb) = load_balancer(model, block).filter(|&lb| !is_public(model.node(lb))) {
            fixed.entry(subnet).or_default().extend(lw.primary.get(&lb).copied());
        }
        if node.is("scale_set") {
            free.entry(subnet).or_default().extend(lw.primary.get(&block).copied());
        } else if static_ips(node).is_empty() {
            free.entry(subnet).or_default().extend(resources_of(block));
        } else {
            fixed.entry(subnet).or_default().extend(resources_of(block));
        }
    }
    for (endpoint, _) in model.of_kind("private_endpoint") {
        if let (Some(subnet), Some(&resource)) = (model.node(endpoint).parent, lw.primary.get(&endpoint)) {
            free.entry(subnet).or_default().push(resource);
        }
    }
    for (subnet, statics) in fixed {
        for &dynamic in free.get(&subnet).map(Vec::as_slice).unwrap_or_default() {
            for &first in &statics {
                // Never wait in a circle: `depends_on = [...]` may already order them the other way.
                if first != dynamic && !lw.plan[dynamic].depends_on.contains(&first) && !waits_for(lw, first, dynamic) {
                    lw.plan[dynamic].depends_on.push(first);
                }
            }
        }
    }
}

/// Whether `resource` waits, directly or not, for `other`.
fn waits_for(lw: &Lowering, resource: ResourceId, other: ResourceId) -> bool {
    let mut seen = vec![false; lw.plan.resources.len()];
    let mut stack = vec![resource];
    while let Some(r) = stack.pop() {
        if r == other {
            return true;
        }
        if std::mem::replace(&mut seen[r.index()], true) {
            continue;
        }
        stack.extend(lw.plan[r].depends_on.iter().copied());
    }
    false
}

#[cfg(test)]
mod lowering_tests {
    use super::{frontend_zones, zone_list};
    use crate::check::test_support::{linux, windows, SSH_KEY};
    use crate::lower::ir::{AzurePlan, Prop, Resource, ResourceId};

    /// A hub and a spoke `app1` with subnet `web` (10.1.0.0/27), a key vault `kv`, and `blocks`.
    fn plan(blocks: &str) -> AzurePlan {
        let text = format!(
            "settings {{ location = uksouth }}\nkey_vault kv {{ resource_group = \"rg-kv\" }}\nhub core {{\n resource_group = \"rg-core\"\n address_space = [10.0.0.0/24]\n}}\nspoke app1 {{\n hub = core\n resource_group = \"rg-net\"\n address_space = [10.1.0.0/24]\n subnet web 10.1.0.0/27 {{\n  private_endpoint kv1 {{ resource_id = \"/subscriptions/6a1f3c2e-0b7d-4e59-9c1a-2f4d8e6b0a13/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv\"  group = vault }}\n }}\n}}\n{}",
            blocks.replace("net.web", "app1.web")
        );
        let analysis = crate::analyze_text(&text, std::path::Path::new("."));
        assert!(!analysis.has_errors(), "{:#?}", analysis.diagnostics);
        analysis.azure.expect("the plan lowers")
    }

    fn find<'a>(plan: &'a AzurePlan, name: &[&str]) -> (ResourceId, &'a Resource) {
        plan.resources_with_ids().find(|(_, r)| r.name == name).unwrap_or_else(|| panic!("no {name:?}"))
    }

    fn get<'a>(prop: &'a Prop, path: &[&str]) -> &'a Prop {
        path.iter().fold(prop, |p, key| match p {
            Prop::Object(entries) => entries.get(key).unwrap_or_else(|| panic!("no `{key}` in {p:?}")),
            Prop::Array(items) => &items[key.parse::<usize>().expect("an index")],
            other => panic!("{other:?} has no `{key}`"),
        })
    }

    #[test]
    fn a_frontend_is_zonal_in_one_zone_and_zone_redundant_in_several() {
        assert_eq!(frontend_zones(&[]), None);
        assert_eq!(frontend_zones(&[2]), Some(zone_list(&[2])));
        assert_eq!(frontend_zones(&[1, 2]), Some(zone_list(&[1, 2, 3])));
        assert_eq!(frontend_zones(&[3, 1, 2]), Some(zone_list(&[1, 2, 3])));
        // A public load balancer's address follows its frontend.
        let plan = plan(&windows("compute", "web", "count = 2\n zones = [1, 3]\n load_balancer public { ports = [443] }"));
        let (_, lb) = find(&plan, &["web"]);
        assert!(!matches!(&lb.properties, Prop::Object(o) if o.contains_key("zones")));
        let pip = plan.resources.iter().find(|r| r.resource_type == "Microsoft.Network/publicIPAddresses").expect("the frontend's address");
        assert_eq!(pip.top["zones"], zone_list(&[1, 2, 3]));
    }

    #[test]
    fn machines_spread_over_zones_behind_their_load_balancer() {
        let plan = plan(&windows("compute", "web", "count = 3\n zones = [1, 2]\n load_balancer private { ports = [443] }"));
        let (vnet, _) = find(&plan, &["app1"]);
        let (peering, _) = find(&plan, &["app1", "app1-to-core"]);
        let (lb, lb_resource) = find(&plan, &["web"]);
        assert_eq!(lb_resource.resource_type, "Microsoft.Network/loadBalancers");
        // The highest usable address of 10.1.0.0/27, away from the dynamic ones.
        assert_eq!(get(&lb_resource.properties, &["frontendIPConfigurations", "0", "properties", "privateIPAddress"]), &Prop::str("10.1.0.30"));
        assert_eq!(lb_resource.depends_on, [vnet, peering]);
        let zones: Vec<&Prop> = ["web-1", "web-2", "web-3"].iter().map(|m| &find(&plan, &[m]).1.top["zones"]).collect();
        assert_eq!(zones, [&Prop::Array(vec![Prop::str("1")]), &Prop::Array(vec![Prop::str("2")]), &Prop::Array(vec![Prop::str("1")])]);
        // Machines in two zones: the frontend is zone-redundant, which Azure serves from every zone.
        assert_eq!(get(&lb_resource.properties, &["frontendIPConfigurations", "0", "zones"]), &zone_list(&[1, 2, 3]));
        let (nic, nic_resource) = find(&plan, &["web-2-nic"]);
        assert_eq!(nic_resource.depends_on, [vnet, peering, lb]);
        assert_eq!(
            get(&nic_resource.properties, &["ipConfigurations", "0", "properties", "loadBalancerBackendAddressPools", "0", "id"]),
            &Prop::ChildId { resource: lb, child: "backendAddressPools", name: "backend".into() }
        );
        let (_, vm) = find(&plan, &["web-2"]);
        assert_eq!(get(&vm.properties, &["networkProfile", "networkInterfaces", "0", "id"]), &Prop::Id(nic));
        assert_eq!(get(&vm.properties, &["osProfile", "computerName"]), &Prop::str("web-2"));
        assert!(matches!(get(&vm.properties, &["osProfile", "adminPassword"]), Prop::Secret(s) if s.secret == "pw" && s.vault == "kv"));
    }

    #[test]
    fn one_machine_keeps_the_block_name_and_linux_gets_its_key_and_custom_data() {
        let plan = plan(&linux("compute", "api", "cloud_init = \"#cloud-config\"\n script = \"echo hi\""));
        let (vm, resource) = find(&plan, &["api"]);
        let os = get(&resource.properties, &["osProfile"]);
        assert_eq!(get(os, &["customData"]), &Prop::str(crate::azure::compute::base64(b"#cloud-config")));
        assert_eq!(get(os, &["linuxConfiguration", "disablePasswordAuthentication"]), &Prop::Bool(true));
        assert_eq!(get(os, &["linuxConfiguration", "ssh", "publicKeys", "0", "keyData"]), &Prop::str(SSH_KEY));
        assert_eq!(get(os, &["linuxConfiguration", "ssh", "publicKeys", "0", "path"]), &Prop::str("/home/azureadmin/.ssh/authorized_keys"));
        // Premium_LRS, since Standard_D2s_v5 takes premium disks.
        assert_eq!(get(&resource.properties, &["storageProfile", "osDisk", "managedDisk", "storageAccountType"]), &Prop::str("Premium_LRS"));
        let (_, ext) = find(&plan, &["api", "CustomScript"]);
        assert_eq!(ext.parent, Some(vm));
        assert_eq!(get(&ext.properties, &["protectedSettings", "script"]), &Prop::str(crate::azure::compute::base64(b"echo hi")));
    }

    #[test]
    fn dynamic_addresses_wait_for_the_static_ones_of_their_subnet() {
        let plan = plan(&format!("{}{}", linux("compute", "fixed", "ips = [10.1.0.4]"), linux("compute", "free", "")));
        let (fixed, _) = find(&plan, &["fixed-nic"]);
        let (_, free) = find(&plan, &["free-nic"]);
        let (_, endpoint) = find(&plan, &["kv1"]);
        assert!(free.depends_on.contains(&fixed), "{:?}", free.depends_on);
        assert!(endpoint.depends_on.contains(&fixed), "{:?}", endpoint.depends_on);
        let (_, fixed_resource) = find(&plan, &["fixed-nic"]);
        assert_eq!(get(&fixed_resource.properties, &["ipConfigurations", "0", "properties", "privateIPAllocationMethod"]), &Prop::str("Static"));
    }

    /// The security type is written whatever the plan says, so that a
    /// machine never rests on the default of an API version.
    #[test]
    fn every_machine_writes_its_security_type() {
        let plan = plan(&format!("{}{}", linux("compute", "plain", ""), linux("compute", "trusted", "trusted_launch = true")));
        let (_, plain) = find(&plan, &["plain"]);
        assert_eq!(get(&plain.properties, &["securityProfile", "securityType"]), &Prop::str("Standard"));
        let (_, trusted) = find(&plan, &["trusted"]);
        assert_eq!(get(&trusted.properties, &["securityProfile", "securityType"]), &Prop::str("TrustedLaunch"));
        assert_eq!(get(&trusted.properties, &["securityProfile", "uefiSettings", "vTpmEnabled"]), &Prop::Bool(true));
    }

    #[test]
    fn availability_sets_and_placement_groups() {
        let plan = plan(&linux("compute", "db", "count = 2\n availability_set = true\n proximity_placement_group = true"));
        let (ppg, _) = find(&plan, &["db"]);
        let avset = plan.resources.iter().position(|r| r.resource_type == "Microsoft.Compute/availabilitySets").map(ResourceId).unwrap();
        assert_eq!(plan[ppg].resource_type, "Microsoft.Compute/proximityPlacementGroups");
        assert_eq!(get(&plan[avset].properties, &["proximityPlacementGroup", "id"]), &Prop::Id(ppg));
        let (_, vm) = find(&plan, &["db-1"]);
        assert_eq!(get(&vm.properties, &["availabilitySet", "id"]), &Prop::Id(avset));
        assert!(vm.depends_on.contains(&avset) && vm.depends_on.contains(&ppg));
        assert!(!vm.top.contains_key("zones"));
    }

    #[test]
    fn machines_as_estates_run_them() {
        let des = "/subscriptions/6a1f3c2e-0b7d-4e59-9c1a-2f4d8e6b0a13/resourceGroups/rg-keys/providers/Microsoft.Compute/diskEncryptionSets/des";
        let plan = plan(&windows(
            "compute",
            "webfrontend-production",
            &format!(
                "count = 2\n computer_name = \"WEB\"\n time_zone = \"Europe/Amsterdam\"\n patch_mode = manual\n identity = system\n monitoring = true\n antimalware = true\n script = \"Write-Output hi\"\n disk_encryption_set = \"{des}\"\n os_disk {{ caching = read_only }}\n data_disk logs {{ size_gb = 64\n caching = none }}"
            ),
        ));
        let (vm, resource) = find(&plan, &["webfrontend-production-2"]);
        let os = get(&resource.properties, &["osProfile"]);
        assert_eq!(get(os, &["computerName"]), &Prop::str("WEB-2"));
        assert_eq!(get(os, &["windowsConfiguration", "timeZone"]), &Prop::str("W. Europe Standard Time"));
        assert_eq!(get(os, &["windowsConfiguration", "enableAutomaticUpdates"]), &Prop::Bool(false));
        assert_eq!(get(os, &["windowsConfiguration", "patchSettings", "patchMode"]), &Prop::str("Manual"));
        let storage = get(&resource.properties, &["storageProfile"]);
        assert_eq!(get(storage, &["osDisk", "caching"]), &Prop::str("ReadOnly"));
        assert_eq!(get(storage, &["osDisk", "managedDisk", "diskEncryptionSet", "id"]), &Prop::str(des));
        assert_eq!(get(storage, &["dataDisks", "0", "caching"]), &Prop::str("None"));
        assert_eq!(get(storage, &["dataDisks", "0", "managedDisk", "diskEncryptionSet", "id"]), &Prop::str(des));
        // The script, the agent and antimalware, one after another.
        let (script, _) = find(&plan, &["webfrontend-production-2", "CustomScriptExtension"]);
        let (agent, agent_resource) = find(&plan, &["webfrontend-production-2", "AzureMonitorWindowsAgent"]);
        let (_, antimalware) = find(&plan, &["webfrontend-production-2", "IaaSAntimalware"]);
        assert_eq!(get(&agent_resource.properties, &["publisher"]), &Prop::str("Microsoft.Azure.Monitor"));
        assert_eq!(agent_resource.depends_on, [vm, script]);
        assert_eq!(antimalware.depends_on, [vm, agent]);
        assert_eq!(get(&antimalware.properties, &["settings", "AntimalwareEnabled"]), &Prop::Bool(true));

        // Linux: an ephemeral OS disk, a numbered computer name and the platform's patching.
        let plan = self::plan(&linux(
            "compute",
            "api",
            &format!("count = 2\n computer_name = \"api{{n}}x\"\n patch_mode = automatic_by_platform\n allow_extension_operations = false\n disk_encryption_set = \"{des}\"\n os_disk {{ ephemeral = resource }}\n data_disk d {{ size_gb = 32 }}"),
        )
        .replace("Standard_D2s_v5", "Standard_D2ds_v5"));
        let (_, resource) = find(&plan, &["api-1"]);
        let os = get(&resource.properties, &["osProfile"]);
        assert_eq!(get(os, &["computerName"]), &Prop::str("api1x"));
        assert_eq!(get(os, &["allowExtensionOperations"]), &Prop::Bool(false));
        assert_eq!(get(os, &["linuxConfiguration", "patchSettings", "patchMode"]), &Prop::str("AutomaticByPlatform"));
        let os_disk = get(&resource.properties, &["storageProfile", "osDisk"]);
        assert_eq!(get(os_disk, &["caching"]), &Prop::str("ReadOnly"));
        assert_eq!(get(os_disk, &["diffDiskSettings", "placement"]), &Prop::str("ResourceDisk"));
        assert_eq!(get(os_disk, &["diffDiskSettings", "option"]), &Prop::str("Local"));
        // The ephemeral disk is not in Azure Storage, which the set's key encrypts; the data disk is.
        assert!(!matches!(get(os_disk, &["managedDisk"]), Prop::Object(o) if o.contains_key("diskEncryptionSet")));
        let data = get(&resource.properties, &["storageProfile", "dataDisks", "0"]);
        assert_eq!(get(data, &["managedDisk", "diskEncryptionSet", "id"]), &Prop::str(des));
    }

    #[test]
    fn automatic_os_upgrades_watch_health_and_turn_windows_updates_off() {
        let plan = plan(&windows("scale_set", "workers", "automatic_os_upgrade = true\n computer_name = \"wrk\"\n load_balancer { ports = [443] }"));
        let (_, vmss) = plan.resources_with_ids().find(|(_, r)| r.resource_type == "Microsoft.Compute/virtualMachineScaleSets").expect("a scale set");
        assert_eq!(get(&vmss.properties, &["upgradePolicy", "automaticOSUpgradePolicy", "enableAutomaticOSUpgrade"]), &Prop::Bool(true));
        let profile = get(&vmss.properties, &["virtualMachineProfile"]);
        assert_eq!(get(profile, &["osProfile", "computerNamePrefix"]), &Prop::str("wrk"));
        assert_eq!(get(profile, &["osProfile", "windowsConfiguration", "enableAutomaticUpdates"]), &Prop::Bool(false));
        assert_eq!(get(profile, &["extensionProfile", "extensions", "0", "properties", "type"]), &Prop::str("ApplicationHealthWindows"));
    }

    #[test]
    fn scale_sets_are_flexible_and_autoscale_on_their_rules() {
        let plan = plan(&linux(
            "scale_set",
            "workers",
            "upgrade = rolling\n capacity { min = 2  default = 3  max = 10 }\n autoscale {\n  out when cpu > 75% by 2\n  in when cpu < 25% by 1 cooldown 10m\n }\n load_balancer { ports = [8080]  probe = 8081 }",
        ));
        // The load balancer and the scale set share the block's name.
        let vmss =
            plan.resources.iter().position(|r| r.resource_type == "Microsoft.Compute/virtualMachineScaleSets").map(ResourceId).expect("a scale set");
        let resource = &plan[vmss];
        assert_eq!(resource.name, ["workers"]);
        assert_eq!(get(&resource.top["sku"], &["capacity"]), &Prop::Int(3));
        assert_eq!(get(&resource.properties, &["orchestrationMode"]), &Prop::str("Flexible"));
        assert_eq!(get(&resource.properties, &["singlePlacementGroup"]), &Prop::Bool(false));
        assert_eq!(get(&resource.properties, &["upgradePolicy", "mode"]), &Prop::str("Rolling"));
        let profile = get(&resource.properties, &["virtualMachineProfile"]);
        assert_eq!(get(profile, &["osProfile", "computerNamePrefix"]), &Prop::str("workers"));
        assert_eq!(get(profile, &["extensionProfile", "extensions", "0", "properties", "settings", "port"]), &Prop::Int(8081));
        let (_, setting) = find(&plan, &["workers-autoscale"]);
        assert_eq!(setting.depends_on, [vmss]);
        assert_eq!(get(&setting.properties, &["targetResourceUri"]), &Prop::Id(vmss));
        let profile = get(&setting.properties, &["profiles", "0"]);
        assert_eq!(get(profile, &["capacity", "minimum"]), &Prop::str("2"));
        assert_eq!(get(profile, &["rules", "1", "scaleAction", "cooldown"]), &Prop::str("PT10M"));
        assert_eq!(get(profile, &["rules", "1", "metricTrigger", "operator"]), &Prop::str("LessThan"));
        assert_eq!(get(profile, &["rules", "0", "scaleAction", "value"]), &Prop::str("2"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frontend_word_alone_is_pointed_to_its_place() {
        use crate::check::test_support::{diagnostics, linux, machines};
        let found = diagnostics(&machines(&linux("compute", "web", "load_balancer {\n  private\n  ports = [443]\n }")), "ASH101");
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].help.as_deref(),
            Some("`private` is a value of `frontend`: write it after the kind, `load_balancer private { ... }`, or write `frontend = private`")
        );
    }

    #[test]
    fn usable_addresses_leave_out_azures_five() {
        let (first, last) = usable("10.1.0.0/29".parse().unwrap()).unwrap();
        assert_eq!((Ipv4Addr::from(first), Ipv4Addr::from(last)), (Ipv4Addr::new(10, 1, 0, 4), Ipv4Addr::new(10, 1, 0, 6)));
        assert_eq!(usable("10.1.0.0/30".parse().unwrap()), None);
    }
}
