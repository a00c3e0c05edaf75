//! The address plan of a plan: every virtual network and subnet, its prefix,
//! how many addresses Azure leaves usable, what uses it, its way out to the
//! Internet ([`crate::blocks::egress`]), and the free ranges left. `ashlar plan` prints it; editors show parts of it on hover.

use crate::address::free_ranges;
use crate::azure::network::{reserved_subnet_service, RESERVED_ADDRESSES_PER_SUBNET};
use crate::blocks::egress::Egress;
use crate::blocks::naming::Names;
use crate::model::{Model, NodeId, Typed};
use crate::schema::attrs;
use ipnet::IpNet;
use serde::Serialize;

/// The whole address plan, networks in declaration order.
#[derive(Debug, Serialize)]
pub struct AddressPlan {
    pub networks: Vec<NetworkPlan>,
}

#[derive(Debug, Serialize)]
pub struct NetworkPlan {
    /// `hub`, `spoke`, ...
    pub kind: String,
    pub name: String,
    /// The virtual network's name in Azure.
    pub azure_name: String,
    pub resource_group: String,
    pub address_space: Vec<String>,
    pub subnets: Vec<SubnetPlan>,
    /// What no subnet covers, as the fewest prefixes.
    pub free: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct SubnetPlan {
    pub name: String,
    pub azure_name: String,
    /// `None` when an `auto` prefix could not be allocated.
    pub prefix: Option<String>,
    /// Whether ashlar chose the prefix (`auto /N`).
    pub auto: bool,
    /// Addresses in the prefix, and those left after Azure keeps five.
    pub addresses: String,
    pub usable: String,
    /// The service Azure reserves the subnet for, and the blocks that use it.
    pub used_by: Vec<String>,
    /// How its machines reach the Internet, in words; empty for the subnets
    /// Azure keeps for a service, which brings its own.
    pub way_out: String,
}

/// Builds the address plan from a typed model (errors or not: it shows what it can).
pub fn address_plan(model: &Model) -> AddressPlan {
    let names = Names::new(model);
    let egress = Egress::new(model);
    let networks = model
        .networks()
        .map(|(id, node)| {
            let space: Vec<IpNet> = node.prefixes("address_space").iter().map(|p| p.value).collect();
            let subnets: Vec<NodeId> = node.children.iter().copied().filter(|c| model.node(*c).is("subnet")).collect();
            let used: Vec<IpNet> = subnets.iter().filter_map(|s| model.subnet_prefix(*s)).collect();
            NetworkPlan {
                kind: node.kind.kind.to_string(),
                name: node.name().to_string(),
                azure_name: names.vnet(id),
                resource_group: node.str(attrs::RESOURCE_GROUP).unwrap_or_default().to_string(),
                address_space: space.iter().map(ToString::to_string).collect(),
                subnets: subnets.iter().map(|&s| subnet_plan(model, &names, &egress, s)).collect(),
                free: free_ranges(&space, &used).iter().map(ToString::to_string).collect(),
            }
        })
        .collect();
    AddressPlan { networks }
}

fn subnet_plan(model: &Model, names: &Names, egress: &Egress, subnet: NodeId) -> SubnetPlan {
    let node = model.node(subnet);
    let prefix = model.subnet_prefix(subnet);
    let (addresses, usable) = prefix.map(sizes).unwrap_or_default();
    let service = reserved_subnet_service(node.name());
    let way_out = if service.is_some() { String::new() } else { egress.describe(&egress.way_out(subnet, false)) };
    let mut used_by: Vec<String> = service.map(str::to_string).into_iter().collect();
    used_by.extend(node.children.iter().map(|c| model.describe(*c)));
    used_by.extend(referrers(model, subnet).into_iter().map(|r| model.describe(r)));
    SubnetPlan {
        name: node.name().to_string(),
        azure_name: names.subnet(subnet),
        prefix: prefix.map(|p| p.to_string()),
        auto: matches!(node.get("address_prefix").map(|a| &a.value), Some(Typed::Auto(_))),
        addresses,
        usable,
        used_by,
        way_out,
    }
}

/// Blocks with an attribute that references `target`.
fn referrers(model: &Model, target: NodeId) -> Vec<NodeId> {
    fn mentions(value: &Typed, target: NodeId) -> bool {
        match value {
            Typed::Ref(id) => *id == target,
            Typed::List(items) => items.iter().any(|i| mentions(&i.value, target)),
            _ => false,
        }
    }
    model.node_ids().filter(|&id| model.node(id).attrs.values().any(|a| mentions(&a.value, target))).collect()
}

/// Addresses in a prefix and those usable after Azure's five, as text: IPv6
/// counts are written as powers of two.
fn sizes(prefix: IpNet) -> (String, String) {
    let host_bits = u32::from(prefix.max_prefix_len() - prefix.prefix_len());
    if host_bits >= 64 {
        let power = format!("2^{host_bits}");
        return (power.clone(), format!("{power} - {RESERVED_ADDRESSES_PER_SUBNET}"));
    }
    let total = 1u128 << host_bits;
    (total.to_string(), total.saturating_sub(u128::from(RESERVED_ADDRESSES_PER_SUBNET)).to_string())
}

/// The address plan as an aligned text table.
pub fn render_table(plan: &AddressPlan) -> String {
    let mut rows: Vec<[String; 6]> =
        vec![["NETWORK / SUBNET".into(), "PREFIX".into(), "ADDRESSES".into(), "USABLE".into(), "WAY OUT".into(), "USED BY".into()]];
    let mut out = String::new();
    for network in &plan.networks {
        rows.push([
            format!("{} {} ({}, {})", network.kind, network.name, network.azure_name, network.resource_group),
            network.address_space.join(", "),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]);
        for s in &network.subnets {
            let prefix = match (&s.prefix, s.auto) {
                (Some(p), true) => format!("{p} (auto)"),
                (Some(p), false) => p.clone(),
                (None, _) => "(none free)".into(),
            };
            rows.push([format!("  {}", s.azure_name), prefix, s.addresses.clone(), s.usable.clone(), s.way_out.clone(), s.used_by.join(", ")]);
        }
        let free = if network.free.is_empty() { "none".to_string() } else { network.free.join(", ") };
        rows.push(["  free".into(), free, String::new(), String::new(), String::new(), String::new()]);
    }
    let widths: Vec<usize> = (0..6).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    for row in &rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if c + 1 < row.len() {
                line.push_str(&" ".repeat(widths[c] - cell.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
