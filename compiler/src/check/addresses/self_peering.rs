use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::Typed;

declare_codes! {
    /// ## What it does
    /// Reports a hub, spoke or vnet that lists itself in its `peer` list.
    ///
    /// ## Why it matters
    /// A virtual network cannot be peered with itself: Azure refuses the
    /// peering when the deployment reaches it, after the resources before it
    /// have been deployed.
    ///
    /// ## Example
    /// ```ashlar
    /// vnet shared {
    ///   resource_group = "rg-shared"
    ///   address_space  = [10.9.0.0/24]
    ///   peer           = [core, shared]
    /// }
    /// ```
    ///
    /// ## Fix
    /// Remove the network's own name from its `peer` list.
    pub SELF_PEERING = ("ASH254", "self-peering", Error);
}

pub const CHECK: Check = Check { code: &SELF_PEERING, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.networks() {
        for item in node.list("peer") {
            if item.value == Typed::Ref(id) {
                out.push(
                    Diagnostic::new(&SELF_PEERING, item.span, format!("{} lists itself in `peer`", model.describe(id)))
                        .with_help(format!("remove `{}` from its own `peer` list: a virtual network cannot be peered with itself", node.name())),
                );
            }
        }
    }
}
