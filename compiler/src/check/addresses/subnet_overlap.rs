use crate::address::earlier_overlaps;
use crate::blocks::existing::EXISTING_VNET;
use crate::check::{declared_networks, prefix_span, subnets, Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports two subnets of one virtual network whose prefixes overlap; of an
    /// `existing vnet`, two of the subnets it declares with a prefix.
    ///
    /// ## Why it matters
    /// Azure rejects the virtual network with `NetcfgSubnetRangesOverlap`, after
    /// the resources before it have been deployed. The subnets of an existing
    /// network that Azure holds never overlap, by the same rule: two that do
    /// are a mistake in the plan's copy of their prefixes.
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
    /// Give each subnet its own range, or write `auto /N` and let ashlar pick one;
    /// for an existing network, copy the prefixes as Azure has them.
    pub SUBNET_OVERLAP = ("ASH202", "subnet-overlap", Error);
}

pub const CHECK: Check = Check { code: &SUBNET_OVERLAP, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (network, node) in declared_networks(cx.model) {
        let subnets = subnets(cx.model, network);
        let prefixes: Vec<_> = subnets.iter().map(|(_, p)| *p).collect();
        for (i, partner) in earlier_overlaps(&prefixes).into_iter().enumerate() {
            let (a, pa) = subnets[i];
            if let Some((b, pb)) = partner.map(|j| subnets[j]) {
                let here = prefix_span(cx.model, a);
                let there = prefix_span(cx.model, b);
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
                    .with_help(if node.is(EXISTING_VNET) {
                        "write each subnet's prefix as Azure has it (`az network vnet subnet list --query \"[].[name, addressPrefix]\"`)"
                    } else {
                        "give each subnet its own range, or write `auto /N` to let ashlar pick a free one"
                    }),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    /// A plan network peered with an existing network whose space and subnets
    /// overlap the plan's: the spaces meet in `ASH256` alone, never subnet by
    /// subnet across the two networks.
    const PEERED: &str = "settings { location = uksouth }
existing vnet platform {
 resource_group = \"rg-net\"
 address_space = [10.1.0.0/16]
 subnet app 10.1.0.0/24
 subnet data 10.1.1.0/24
}
vnet app {
 resource_group = \"rg-app\"
 address_space = [10.1.0.0/16]
 peer = [platform]
 subnet app 10.1.0.0/24
}
";

    #[test]
    fn subnets_of_peered_networks_are_never_compared_across_them() {
        assert!(messages(PEERED, "ASH202").is_empty());
        assert!(messages(PEERED, "ASH201").is_empty());
        assert_eq!(messages(PEERED, "ASH256").len(), 1, "{:?}", messages(PEERED, "ASH256"));
    }

    #[test]
    fn overlapping_subnets_of_an_existing_network_are_reported_once() {
        let plan = PEERED.replace("subnet data 10.1.1.0/24", "subnet data 10.1.0.128/25");
        assert_eq!(messages(&plan, "ASH202"), ["subnet `data` (10.1.0.128/25) overlaps subnet `app` (10.1.0.0/24) in existing vnet `platform`"]);
    }
}
