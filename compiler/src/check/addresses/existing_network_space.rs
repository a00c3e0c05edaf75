use crate::blocks::existing::EXISTING_VNET;
use crate::blocks::network::peers;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::Typed;

declare_codes! {
    /// ## What it does
    /// Warns about an `existing vnet` that a network of the plan peers with
    /// while its `address_space` is not given: the checks of overlapping
    /// peered networks (`ASH256`) cannot check it, and say so here.
    ///
    /// ## Why it matters
    /// Azure refuses to peer networks whose address spaces overlap, and a
    /// network peered with two that overlap each other. ashlar knows a network
    /// deployed elsewhere only by what the plan says of it: without its address
    /// space, an overlap shows only when Azure refuses the peering.
    ///
    /// ## Example
    /// ```ashlar
    /// existing vnet shared {
    ///   name           = "vnet-shared"
    ///   resource_group = "rg-shared"
    /// }
    /// vnet app { ... peer = [shared] }
    /// ```
    ///
    /// ## Fix
    /// Give the network's address space as Azure has it
    /// (`az network vnet show ... --query addressSpace.addressPrefixes`):
    /// `address_space = [10.50.0.0/16]`.
    pub EXISTING_NETWORK_SPACE = ("ASH265", "existing-network-space", Warning);
}

pub const CHECK: Check = Check { code: &EXISTING_NETWORK_SPACE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind(EXISTING_VNET) {
        if node.get("address_space").is_some() {
            continue;
        }
        let peered: Vec<_> = model
            .networks()
            .filter(|(_, n)| peers(n).any(|p| p == id))
            .filter_map(|(_, n)| n.list("peer").iter().find(|item| item.value == Typed::Ref(id)).map(|item| item.span))
            .collect();
        let Some(&first) = peered.first() else { continue };
        out.push(
            Diagnostic::new(
                &EXISTING_NETWORK_SPACE,
                node.head,
                format!("{} is peered, but its address space is not given: overlaps with it cannot be checked", model.describe(id)),
            )
            .with_label(first, "peered here")
            .with_help(
                "write the network's `address_space` as Azure has it: `az network vnet show --ids ID --query addressSpace.addressPrefixes` prints it",
            ),
        );
    }
}
