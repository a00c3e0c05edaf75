use crate::address::overlaps;
use crate::blocks::existing::EXISTING_VNET;
use crate::blocks::network::{hub_of, implicit_pair};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId, Typed};
use crate::source::Span;
use indexmap::{IndexMap, IndexSet};
use ipnet::IpNet;

declare_codes! {
    /// ## What it does
    /// Reports networks that `peer` entries bring together with overlapping
    /// address spaces: two networks peered explicitly, or two networks both
    /// peered with a third when at least one of those peerings is a `peer`
    /// entry. (A hub's spokes among themselves are `peered-address-overlap`'s.)
    ///
    /// ## Why it matters
    /// Azure peers only networks with disjoint address spaces, and checks this
    /// against every network already peered with either side: the peering fails
    /// with `VnetAddressSpaceOverlapsWithAlreadyPeeredVnet` halfway through the
    /// deployment.
    ///
    /// ## Example
    /// ```ashlar
    /// hub core { address_space = [10.0.0.0/16] ... }
    /// vnet shared {
    ///   address_space = [10.0.9.0/24]
    ///   peer          = [core]
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give each network peered with another, and every network peered with
    /// the same one, its own range.
    pub EXPLICIT_PEERING_OVERLAP = ("ASH256", "explicit-peering-overlap", Error);
}

pub const CHECK: Check = Check { code: &EXPLICIT_PEERING_OVERLAP, run };

/// Each network's explicit peers, both ways, with the `peer` entry that makes each peering.
fn explicit_peers(model: &Model) -> IndexMap<NodeId, IndexMap<NodeId, Span>> {
    let mut peers_of: IndexMap<NodeId, IndexMap<NodeId, Span>> = IndexMap::new();
    for (id, node) in model.networks() {
        for item in node.list("peer") {
            let Typed::Ref(other) = item.value else { continue };
            // Self-peerings and peerings `hub =` makes are other checks'.
            if other == id || implicit_pair(model, id, other) {
                continue;
            }
            peers_of.entry(id).or_default().entry(other).or_insert(item.span);
            peers_of.entry(other).or_default().entry(id).or_insert(item.span);
        }
    }
    peers_of
}

/// The networks `hub =` peers with `network`, and itself: a hub and its spokes, a spoke and its hub.
fn hub_group(model: &Model, network: NodeId) -> Vec<NodeId> {
    let node = model.node(network);
    if node.is("hub") {
        let spokes = model.of_kind("spoke").filter(|(_, s)| s.reference("hub") == Some(network)).map(|(id, _)| id);
        return std::iter::once(network).chain(spokes).collect();
    }
    match hub_of(model, network) {
        Some(hub) => vec![network, hub],
        None => vec![network],
    }
}

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let explicit = explicit_peers(model);
    let spaces: IndexMap<NodeId, Vec<crate::model::Spanned<IpNet>>> =
        model.networks().chain(model.of_kind(EXISTING_VNET)).map(|(id, node)| (id, node.prefixes("address_space"))).collect();
    // (earlier network, its prefix, later network, its prefix) already reported.
    let mut reported: IndexSet<(NodeId, IpNet, NodeId, IpNet)> = IndexSet::new();
    for (&center, direct) in &explicit {
        let group = hub_group(model, center);
        let explicit_members: Vec<NodeId> = direct.keys().copied().collect();
        // Pairs with at least one side peered with `center` explicitly.
        for (i, &u) in explicit_members.iter().enumerate() {
            let others = explicit_members[i + 1..].iter().chain(group.iter()).copied();
            for v in others {
                // Two members of one hub's group are `peered-address-overlap`'s.
                if u == v || hub_of(model, u).is_some_and(|h| hub_of(model, v) == Some(h)) {
                    continue;
                }
                let (earlier, later) = (u.min(v), u.max(v));
                for p in &spaces[&later] {
                    for q in &spaces[&earlier] {
                        if !overlaps(&p.value, &q.value) || !reported.insert((earlier, q.value, later, p.value)) {
                            continue;
                        }
                        let peered_directly = explicit.get(&later).is_some_and(|d| d.contains_key(&earlier));
                        let (how, entry, help) = if peered_directly {
                            (
                                "which it is peered with".to_string(),
                                explicit[&later][&earlier],
                                "Azure refuses to peer networks whose address spaces overlap".to_string(),
                            )
                        } else {
                            (
                                format!("both peered with {}", model.describe(center)),
                                direct[&u],
                                format!("Azure refuses a peering with `{}` while another network peered with it overlaps", model.node(center).name()),
                            )
                        };
                        out.push(
                            Diagnostic::new(
                                &EXPLICIT_PEERING_OVERLAP,
                                p.span,
                                format!(
                                    "address space {} of {} overlaps {} of {}, {how}",
                                    p.value,
                                    model.describe(later),
                                    q.value,
                                    model.describe(earlier)
                                ),
                            )
                            .with_label(q.span, format!("{} of {}", q.value, model.describe(earlier)))
                            .with_label(entry, "peered here")
                            .with_help(format!(
                                "give `{}` a range apart from `{}`'s: {help}",
                                model.node(later).name(),
                                model.node(earlier).name()
                            )),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    const HEAD: &str = "settings { location = uksouth }\nhub core {\n resource_group = \"rg\"\n address_space = [10.0.0.0/16]\n}\nspoke app1 {\n hub = core\n resource_group = \"rg\"\n address_space = [10.1.0.0/16]\n}\n";

    fn vnet(name: &str, space: &str, peer: &str) -> String {
        format!("vnet {name} {{\n resource_group = \"rg\"\n address_space = [{space}]\n peer = [{peer}]\n}}\n")
    }

    #[test]
    fn direct_and_shared_peers_are_compared_once() {
        let plan = format!("{HEAD}{}", vnet("shared", "10.0.8.0/24, 10.1.4.0/24", "core"));
        assert_eq!(
            messages(&plan, "ASH256"),
            [
                "address space 10.0.8.0/24 of vnet `shared` overlaps 10.0.0.0/16 of hub `core`, which it is peered with",
                "address space 10.1.4.0/24 of vnet `shared` overlaps 10.1.0.0/16 of spoke `app1`, both peered with hub `core`",
            ]
        );
    }

    #[test]
    fn networks_peered_with_nothing_in_common_may_overlap() {
        let plan = format!("{HEAD}{}{}", vnet("a", "10.50.0.0/16", "core"), vnet("b", "10.50.0.0/16", "app1"));
        // `a` and `b` are not peered with a common network: `b`'s peers are app1 alone,
        // and app1's are core and b; `a` and app1 share only core, and do not overlap.
        assert_eq!(messages(&plan, "ASH256"), Vec::<String>::new());
    }

    #[test]
    fn two_vnets_peered_with_one_vnet_are_compared() {
        let plan = format!(
            "settings {{ location = uksouth }}\n{}{}{}",
            vnet("hubby", "10.0.0.0/16", "x, y"),
            vnet("x", "10.1.0.0/16", ""),
            vnet("y", "10.1.0.0/24", "")
        );
        assert_eq!(
            messages(&plan, "ASH256"),
            ["address space 10.1.0.0/24 of vnet `y` overlaps 10.1.0.0/16 of vnet `x`, both peered with vnet `hubby`"]
        );
    }
}
