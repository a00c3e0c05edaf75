use crate::blocks::network::implicit_pair;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{NodeId, Typed};
use crate::source::Span;
use indexmap::IndexMap;

declare_codes! {
    /// ## What it does
    /// Reports a `peer` entry that peers two networks already peered: a spoke
    /// and its hub (through `hub =`), or two networks a `peer` entry before it
    /// peers (in either network's list).
    ///
    /// ## Why it matters
    /// One `peer` entry peers both networks, both ways. A second would declare
    /// the same two peerings again, and a template that declares a resource twice
    /// is refused.
    ///
    /// ## Example
    /// ```ashlar
    /// spoke app1 {
    ///   hub  = core
    ///   peer = [core, app2]
    ///   ...
    /// }
    /// spoke app2 {
    ///   hub  = core
    ///   peer = [app1]
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Remove the entry: `hub = core` peers the spoke with its hub, and one
    /// `peer` entry on either side peers two networks.
    pub REDUNDANT_PEERING = ("ASH255", "redundant-peering", Error);
}

pub const CHECK: Check = Check { code: &REDUNDANT_PEERING, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    // Each pair of networks (lower id first) to the `peer` entry that peers it first.
    let mut peered: IndexMap<(NodeId, NodeId), Span> = IndexMap::new();
    for (id, node) in model.networks() {
        for item in node.list("peer") {
            let Typed::Ref(other) = item.value else { continue };
            if other == id {
                continue; // self-peering's to report
            }
            let (a, b) = (model.describe(id), model.describe(other));
            if implicit_pair(model, id, other) {
                let spoke = if model.node(id).is("spoke") { id } else { other };
                let hub_attr = model.node(spoke).get("hub").map_or(model.node(spoke).head, |attr| attr.span);
                out.push(
                    Diagnostic::new(&REDUNDANT_PEERING, item.span, format!("{a} and {b} are peered already, through `hub =`"))
                        .with_label(hub_attr, format!("{} peers them", model.describe(spoke)))
                        .with_help(format!(
                            "remove `{}` from this `peer` list: `hub =` peers a spoke with its hub, both ways",
                            model.node(other).name()
                        )),
                );
                continue;
            }
            let key = (id.min(other), id.max(other));
            match peered.get(&key) {
                Some(&first) => out.push(
                    Diagnostic::new(&REDUNDANT_PEERING, item.span, format!("{a} and {b} are peered already"))
                        .with_label(first, "this entry peers them")
                        .with_help(format!(
                            "remove `{}` from this `peer` list: one entry, in either network's list, peers both ways",
                            model.node(other).name()
                        )),
                ),
                None => {
                    peered.insert(key, item.span);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    #[test]
    fn repeats_on_either_side_and_hub_peerings_are_found() {
        let plan = "settings { location = uksouth }\nhub core {\n resource_group = \"rg\"\n address_space = [10.0.0.0/16]\n peer = [app1]\n}\nspoke app1 {\n hub = core\n resource_group = \"rg\"\n address_space = [10.1.0.0/16]\n peer = [v, v]\n}\nvnet v {\n resource_group = \"rg\"\n address_space = [10.9.0.0/16]\n peer = [app1]\n}\n";
        assert_eq!(
            messages(plan, "ASH255"),
            [
                "hub `core` and spoke `app1` are peered already, through `hub =`",
                "spoke `app1` and vnet `v` are peered already",
                "vnet `v` and spoke `app1` are peered already",
            ]
        );
    }
}
