use crate::address::overlapping_pairs;
use crate::blocks::network::connected_groups;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::NodeId;

declare_codes! {
    /// ## What it does
    /// Warns when two networks of the plan that are not peered, directly or
    /// through a hub, use overlapping address space.
    ///
    /// ## Why it matters
    /// Azure deploys them, but they can never be peered or routed to each
    /// other later without renumbering one: a landing zone that reuses ranges
    /// closes the door on connecting its parts.
    ///
    /// ## Example
    /// ```ashlar
    /// hub west { address_space = [10.0.0.0/16] ... }
    /// hub north { address_space = [10.0.128.0/17] ... }
    /// ```
    ///
    /// ## Fix
    /// Give each network its own range, e.g. from an `address_pool`. If the
    /// overlap is intended (isolated copies of one environment), keep it: this
    /// is a warning.
    pub UNCONNECTED_ADDRESS_OVERLAP = ("ASH208", "unconnected-address-overlap", Warning);
}

pub const CHECK: Check = Check { code: &UNCONNECTED_ADDRESS_OVERLAP, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let groups = connected_groups(model);
    let spaces: Vec<(NodeId, _)> = model.networks().flat_map(|(id, node)| node.prefixes("address_space").into_iter().map(move |p| (id, p))).collect();
    let prefixes: Vec<_> = spaces.iter().map(|(_, p)| p.value).collect();
    let mut reported = vec![false; spaces.len()];
    for (i, j) in overlapping_pairs(&prefixes) {
        let ((a, pa), (b, pb)) = (&spaces[i], &spaces[j]);
        // Peered networks that overlap are errors of their own (ASH203, ASH207).
        if groups[a] == groups[b] || reported[j] {
            continue;
        }
        reported[j] = true;
        out.push(
            Diagnostic::new(
                &UNCONNECTED_ADDRESS_OVERLAP,
                pb.span,
                format!("{} of {} overlaps {} of {}, which it is not peered with", pb.value, model.describe(*b), pa.value, model.describe(*a)),
            )
            .with_label(pa.span, format!("{} of {}", pa.value, model.describe(*a)))
            .with_help("give each network its own range, for example from an `address_pool`, so that they can be connected later"),
        );
    }
}
