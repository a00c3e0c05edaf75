use crate::address::overlaps;
use crate::azure::network::FORBIDDEN_RANGES;
use crate::check::{prefix_span, subnets, Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use ipnet::IpNet;

declare_codes! {
    /// ## What it does
    /// Reports an address space or subnet prefix that overlaps a range Azure keeps
    /// for itself: multicast 224.0.0.0/4, broadcast 255.255.255.255/32, loopback
    /// 127.0.0.0/8, link-local 169.254.0.0/16, and 168.63.129.16/32 (Azure's DNS,
    /// DHCP and health probes).
    ///
    /// ## Why it matters
    /// Azure refuses a virtual network that uses any of these ranges, after the
    /// resources before it have been deployed.
    ///
    /// ## Example
    /// ```ashlar
    /// hub core {
    ///   address_space = [169.254.0.0/16]
    /// }
    /// ```
    ///
    /// ## Fix
    /// Use a private range such as 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16.
    pub RESERVED_ADDRESS_RANGE = ("ASH206", "reserved-address-range", Error);
}

pub const CHECK: Check = Check { code: &RESERVED_ADDRESS_RANGE, run };

/// The forbidden ranges a prefix overlaps, with what Azure uses them for.
fn forbidden(prefix: &IpNet) -> impl Iterator<Item = (IpNet, &'static str)> + '_ {
    FORBIDDEN_RANGES.iter().map(|(range, what)| (IpNet::V4(*range), *what)).filter(move |(range, _)| overlaps(range, prefix))
}

fn describe(range: IpNet, what: &str) -> String {
    if range.prefix_len() == range.max_prefix_len() {
        format!("{}, {what}", range.addr())
    } else {
        format!("the {what} range {range}")
    }
}

fn help(range: IpNet) -> String {
    format!("use a range outside {range}, such as one from 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16")
}

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (network, node) in model.networks() {
        let space = node.prefixes("address_space");
        for prefix in &space {
            for (range, what) in forbidden(&prefix.value) {
                out.push(
                    Diagnostic::new(
                        &RESERVED_ADDRESS_RANGE,
                        prefix.span,
                        format!(
                            "address space {} of {} {} {}, which Azure keeps for itself",
                            prefix.value,
                            model.describe(network),
                            if prefix.value == range { "is" } else { "overlaps" },
                            describe(range, what)
                        ),
                    )
                    .with_help(help(range)),
                );
            }
        }
        // A subnet inside a reported prefix would only repeat it.
        for (subnet, prefix) in subnets(model, network) {
            for (range, what) in forbidden(&prefix) {
                if space.iter().any(|s| overlaps(&s.value, &range)) {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        &RESERVED_ADDRESS_RANGE,
                        prefix_span(model, subnet),
                        format!("subnet `{}` ({prefix}) overlaps {}, which Azure keeps for itself", model.node(subnet).name(), describe(range, what)),
                    )
                    .with_help(help(range)),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(space: &str, subnet: &str) -> String {
        format!("settings {{ location = uksouth }}\nhub core {{\n resource_group = \"rg\"\n address_space = [{space}]\n subnet s {subnet}\n}}\n")
    }

    #[test]
    fn a_space_holding_the_platform_address_is_refused_once() {
        assert_eq!(
            messages(&plan("168.63.0.0/16", "168.63.129.0/24"), "ASH206"),
            ["address space 168.63.0.0/16 of hub `core` overlaps 168.63.129.16, Azure's own DNS, DHCP and health-probe address, which Azure keeps for itself"]
        );
    }

    #[test]
    fn a_subnet_outside_the_space_is_reported_itself() {
        assert_eq!(
            messages(&plan("10.0.0.0/16", "127.0.0.0/29"), "ASH206"),
            ["subnet `s` (127.0.0.0/29) overlaps the loopback range 127.0.0.0/8, which Azure keeps for itself"]
        );
    }

    #[test]
    fn public_and_ipv6_ranges_are_fine() {
        assert!(messages(&plan("20.0.0.0/16, fd00::/48", "fd00::/64"), "ASH206").is_empty());
        assert!(messages(&plan("168.63.130.0/24", "168.63.130.0/29"), "ASH206").is_empty());
    }
}
