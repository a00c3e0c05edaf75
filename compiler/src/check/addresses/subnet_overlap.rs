use crate::address::earlier_overlaps;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports two subnets of one virtual network whose prefixes overlap.
    ///
    /// ## Why it matters
    /// Azure rejects the virtual network with `NetcfgSubnetRangesOverlap`, after
    /// the resources before it have been deployed.
    ///
    /// ## Example
    /// ```ashlar
    /// spoke app1 {
    ///   address_space = [10.1.0.0/24]
    ///   subnet web 10.1.0.0/25
    ///   subnet app 10.1.0.64/26
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give each subnet its own range, or write `auto /N` and let ashlar pick one.
    pub SUBNET_OVERLAP = ("ASH202", "subnet-overlap", Error);
}

pub const CHECK: Check = Check { code: &SUBNET_OVERLAP, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (network, node) in cx.model.networks() {
        let subnets: Vec<_> = node.children.iter().filter_map(|&s| cx.model.subnet_prefix(s).map(|p| (s, p))).collect();
        let prefixes: Vec<_> = subnets.iter().map(|(_, p)| *p).collect();
        for (i, partner) in earlier_overlaps(&prefixes).into_iter().enumerate() {
            let (a, pa) = subnets[i];
            if let Some((b, pb)) = partner.map(|j| subnets[j]) {
                let here = cx.model.node(a).get("address_prefix").map_or(cx.model.node(a).head, |attr| attr.span);
                let there = cx.model.node(b).get("address_prefix").map_or(cx.model.node(b).head, |attr| attr.span);
                out.push(
                    Diagnostic::new(
                        &SUBNET_OVERLAP,
                        here,
                        format!(
                            "subnet `{}` ({pa}) overlaps subnet `{}` ({pb}) in {}",
                            cx.model.node(a).name(),
                            cx.model.node(b).name(),
                            cx.model.describe(network)
                        ),
                    )
                    .with_label(there, format!("`{}` is here", cx.model.node(b).name()))
                    .with_help("give each subnet its own range, or write `auto /N` to let ashlar pick a free one"),
                );
            }
        }
    }
}
