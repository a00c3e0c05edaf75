use crate::blocks::existing::EXISTING_VNET;
use std::collections::{HashMap, HashSet};

use crate::azure::limits::{
    thousands, Limit, DNS_SERVERS_PER_NETWORK, LINKS_PER_PRIVATE_DNS_ZONE, PEERINGS_PER_NETWORK, PRIVATE_ENDPOINTS_PER_NETWORK, SUBNETS_PER_NETWORK,
};
use crate::blocks::{network, private_dns};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::NodeId;

declare_codes! {
    /// ## What it does
    /// Reports a virtual network (`vnet`, `hub` or `spoke`) past one of
    /// Azure's limits on what a network holds, counting what the plan deploys
    /// in it: subnets (3,000, "Subnets per virtual network"), peerings (500,
    /// "Virtual network peerings per virtual network": one for each network it
    /// is peered with through `peer`, `hub` or a spoke's `hub`), DNS servers
    /// (20, "DNS servers per virtual network") and private endpoints in its
    /// subnets (1,000, "Number of private endpoints per virtual network"); and
    /// a `private_dns` zone linked to more networks (`link`) than Azure takes
    /// (1,000, "Virtual Network Links per private DNS zone").
    /// The numbers are Microsoft's "Azure subscription and service limits,
    /// quotas, and constraints" (`compiler/src/azure/limits.rs` cites the
    /// sections and their commits).
    ///
    /// ## Why it matters
    /// Azure refuses the virtual network, or the peering or endpoint past the
    /// limit, when the deployment reaches it; these limits are not raised by a
    /// support request.
    ///
    /// ## Example
    /// ```ashlar
    /// vnet app {
    ///   address_space = [10.0.0.0/8]
    ///   subnet s0001 auto /28
    ///   ... 3,500 subnets ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Split the network into several, peered through a hub; use fewer,
    /// larger subnets; or move private endpoints to another network.
    pub NETWORK_LIMITS = ("ASH209", "network-limits", Error);
}

pub const CHECK: Check = Check { code: &NETWORK_LIMITS, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    // Peerings: one a side for each pair of networks joined by `hub` or `peer`.
    let mut pairs: HashSet<(NodeId, NodeId)> = HashSet::new();
    let mut endpoints: HashMap<NodeId, usize> = HashMap::new();
    for (id, node) in model.networks() {
        let hub = if node.is("spoke") { node.reference("hub") } else { None };
        for remote in hub.into_iter().chain(network::peers(node)) {
            // A network deployed elsewhere counts on this side; its own count is not the plan's to know.
            if remote != id && (network::NETWORK_KINDS.iter().any(|k| model.node(remote).is(k)) || model.node(remote).is(EXISTING_VNET)) {
                pairs.insert((id.min(remote), id.max(remote)));
            }
        }
    }
    let mut peerings: HashMap<NodeId, usize> = HashMap::new();
    for (a, b) in pairs {
        *peerings.entry(a).or_default() += 1;
        *peerings.entry(b).or_default() += 1;
    }
    for (endpoint, _) in private_dns::endpoints(model) {
        if let Some((_, network)) = private_dns::endpoint_network(model, endpoint) {
            *endpoints.entry(network).or_default() += 1;
        }
    }
    for (id, node) in model.networks() {
        let subnets = node.children.iter().filter(|&&c| model.node(c).is("subnet")).count();
        let counts = [
            (&SUBNETS_PER_NETWORK, subnets, "subnets", "use fewer, larger subnets, or split the network into several peered through a hub"),
            (
                &PEERINGS_PER_NETWORK,
                peerings.get(&id).copied().unwrap_or(0),
                "peerings",
                "spread the peerings over more networks: a second hub for some of the spokes, or spokes reaching each other through their hub rather than peered each with each",
            ),
            (
                &DNS_SERVERS_PER_NETWORK,
                node.list("dns_servers").len(),
                "DNS servers",
                "list at most 20 DNS servers, or point the network at a DNS forwarder",
            ),
            (
                &PRIVATE_ENDPOINTS_PER_NETWORK,
                endpoints.get(&id).copied().unwrap_or(0),
                "private endpoints",
                "move some private endpoints to a subnet of another network that reaches the same resources",
            ),
        ];
        for (limit, count, items, fix) in counts {
            if count > limit.max {
                out.push(over(limit, count, &model.describe(id), items, node.head).with_help(fix));
            }
        }
    }
    for (zone, node) in model.of_kind("private_dns") {
        let links = node.list("link").len();
        if links > LINKS_PER_PRIVATE_DNS_ZONE.max {
            let span = node.get("link").map_or(node.head, |a| a.span);
            out.push(
                over(&LINKS_PER_PRIVATE_DNS_ZONE, links, &model.describe(zone), "virtual network links", span)
                    .with_help("resolve the zone in a hub's network and have spokes use the hub's DNS, rather than linking every spoke"),
            );
        }
    }
}

fn over(limit: &Limit, count: usize, what: &str, items: &str, span: crate::source::Span) -> Diagnostic {
    Diagnostic::new(&NETWORK_LIMITS, span, format!("{what} has {} {items}: {}", thousands(count), limit.cited()))
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn vnet(subnets: usize, dns: usize) -> String {
        let subnets: String = (0..subnets).map(|i| format!("  subnet s{i} 10.{}.{}.0/28\n", i / 256, i % 256)).collect();
        let dns: Vec<String> = (0..dns).map(|i| format!("10.0.0.{}", i + 4)).collect();
        format!(
            "settings {{\n  location = uksouth\n}}\nvnet app {{\n  resource_group = \"rg\"\n  address_space = [10.0.0.0/8]\n  dns_servers = [{}]\n{subnets}}}\n",
            dns.join(", ")
        )
    }

    #[test]
    fn subnets_and_dns_servers_are_counted() {
        assert!(messages(&vnet(3000, 20), "ASH209").is_empty());
        assert_eq!(
            messages(&vnet(3001, 21), "ASH209"),
            [
                "vnet `app` has 21 DNS servers: Azure allows 20 (\"DNS servers per virtual network\", Azure subscription and service limits)",
                "vnet `app` has 3,001 subnets: Azure allows 3,000 (\"Subnets per virtual network\", Azure subscription and service limits)"
            ]
        );
    }

    #[test]
    fn peerings_are_counted_on_both_sides_once() {
        let mut text = String::from("settings {\n  location = uksouth\n}\n");
        let peers: Vec<String> = (0..501).map(|i| format!("n{i}")).collect();
        text += &format!("vnet hubnet {{\n  resource_group = \"rg\"\n  address_space = [10.0.0.0/16]\n  peer = [{}]\n}}\n", peers.join(", "));
        for i in 0..501 {
            // Listed from both sides: one pair, one peering a side.
            text +=
                &format!("vnet n{i} {{\n  resource_group = \"rg\"\n  address_space = [10.{}.{}.0/24]\n  peer = [hubnet]\n}}\n", 1 + i / 256, i % 256);
        }
        assert_eq!(
            messages(&text, "ASH209"),
            ["vnet `hubnet` has 501 peerings: Azure allows 500 (\"Virtual network peerings per virtual network\", Azure subscription and service limits)"]
        );
    }

    #[test]
    fn private_endpoints_and_dns_zone_links_are_counted() {
        let settings = "settings {\n  location = uksouth\n}\n";
        let endpoints = |n: usize| {
            let subnets: String = (0..n)
                .map(|i| {
                    format!(
                        "  subnet s{i} 10.{}.{}.0/28 {{\n    private_endpoint pe{i} {{ resource_id = \"/subscriptions/6a1f3c2e-0b7d-4e59-9c1a-2f4d8e6b0a13/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st{i}\"  group = blob }}\n  }}\n",
                        i / 256,
                        i % 256
                    )
                })
                .collect();
            format!("{settings}vnet app {{\n  resource_group = \"rg\"\n  address_space = [10.0.0.0/8]\n{subnets}}}\n")
        };
        assert!(messages(&endpoints(1000), "ASH209").is_empty());
        assert_eq!(
            messages(&endpoints(1001), "ASH209"),
            ["vnet `app` has 1,001 private endpoints: Azure allows 1,000 (\"Number of private endpoints per virtual network\", Azure subscription and service limits)"]
        );
        let links = |n: usize| {
            let networks: String = (0..n)
                .map(|i| format!("vnet n{i} {{\n  resource_group = \"rg\"\n  address_space = [10.{}.{}.0/24]\n}}\n", i / 256, i % 256))
                .collect();
            let names: Vec<String> = (0..n).map(|i| format!("n{i}")).collect();
            format!(
                "{settings}{networks}private_dns blob {{\n  resource_group = \"rg\"\n  zone = \"privatelink.blob.core.windows.net\"\n  link = [{}]\n}}\n",
                names.join(", ")
            )
        };
        assert!(messages(&links(1000), "ASH209").is_empty());
        assert_eq!(
            messages(&links(1001), "ASH209"),
            ["private_dns `blob` has 1,001 virtual network links: Azure allows 1,000 (\"Virtual Network Links per private DNS zone\", Azure subscription and service limits)"]
        );
    }
}
