use crate::address::overlaps;
use crate::blocks::existing::EXISTING_VNET;
use crate::check::{declared_networks, list, prefix_span, subnets, Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a subnet whose prefix does not lie inside one of the prefixes of
    /// its virtual network's `address_space`; for a subnet of an `existing
    /// vnet`, when both its prefix and the network's space are written.
    ///
    /// ## Why it matters
    /// Azure rejects the virtual network with `NetcfgSubnetRangeOutsideVnet`, after
    /// the resources before it have been deployed. A subnet must fit inside a
    /// single prefix of the address space: straddling two adjacent prefixes is
    /// refused too. A subnet of an existing network that Azure holds lies in
    /// its space by the same rule, so a prefix outside it is a mistake in the
    /// plan's copy of either, and the checks that read it (a machine's static
    /// address, a subnet's room) would judge against the wrong range.
    ///
    /// ## Example
    /// ```ashlar
    /// spoke app1 {
    ///   address_space = [10.1.0.0/24]
    ///   subnet web 10.9.0.0/26
    /// }
    /// ```
    ///
    /// ## Fix
    /// Pick a prefix inside the address space (or write `auto /N`), or add a
    /// prefix that holds the subnet to `address_space`. For an existing
    /// network, copy both as Azure has them.
    pub SUBNET_OUTSIDE_VNET = ("ASH201", "subnet-outside-vnet", Error);
}

pub const CHECK: Check = Check { code: &SUBNET_OUTSIDE_VNET, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (network, node) in declared_networks(model) {
        // Without a typed `address_space` resolution has already reported the block.
        let Some(space_attr) = node.get("address_space") else {
            continue;
        };
        let space: Vec<_> = node.prefixes("address_space").into_iter().map(|p| p.value).collect();
        for (subnet, prefix) in subnets(model, network) {
            if space.iter().any(|s| s.contains(&prefix)) {
                continue;
            }
            let name = model.node(subnet).name();
            let what = model.describe(network);
            let message = if space.is_empty() {
                format!("subnet `{name}` ({prefix}) is outside the address space of {what}, which is empty")
            } else if space.iter().any(|s| overlaps(s, &prefix)) {
                format!("subnet `{name}` ({prefix}) does not fit inside the address space of {what} ({})", list(space.iter().copied()))
            } else {
                format!("subnet `{name}` ({prefix}) is outside the address space of {what} ({})", list(space.iter().copied()))
            };
            let help = if node.is(EXISTING_VNET) {
                "write the subnet's prefix and the network's `address_space` as Azure has them (`az network vnet show --query \"[addressSpace, subnets[].[name, addressPrefix]]\"`)".to_string()
            } else if space.is_empty() {
                format!("add a prefix that holds {prefix} to `address_space`")
            } else {
                format!(
                    "choose a prefix inside {} (or write `auto /N`), or add one that holds {prefix} to `address_space`",
                    list(space.iter().copied())
                )
            };
            out.push(
                Diagnostic::new(&SUBNET_OUTSIDE_VNET, prefix_span(model, subnet), message)
                    .with_label(space_attr.span, format!("the address space of `{}`", node.name()))
                    .with_help(help),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    const HEAD: &str = "settings { location = uksouth }\n";

    #[test]
    fn a_subnet_inside_any_prefix_of_several_is_fine() {
        let plan = format!("{HEAD}hub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/24, 10.5.0.0/24]\n subnet a 10.5.0.64/26\n}}\n");
        assert!(messages(&plan, "ASH201").is_empty());
    }

    #[test]
    fn a_subnet_straddling_two_prefixes_does_not_fit() {
        let plan = format!("{HEAD}hub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/25, 10.0.0.128/25]\n subnet a 10.0.0.0/24\n}}\n");
        assert_eq!(
            messages(&plan, "ASH201"),
            ["subnet `a` (10.0.0.0/24) does not fit inside the address space of hub `core` (10.0.0.0/25, 10.0.0.128/25)"]
        );
    }

    #[test]
    fn an_ipv6_subnet_needs_an_ipv6_address_space() {
        let plan = format!("{HEAD}hub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/16, fd00:db8::/48]\n subnet a fd00:db8:0:1::/64\n subnet b fd00:db9::/64\n}}\n");
        assert_eq!(messages(&plan, "ASH201"), ["subnet `b` (fd00:db9::/64) is outside the address space of hub `core` (10.0.0.0/16, fd00:db8::/48)"]);
    }
}
