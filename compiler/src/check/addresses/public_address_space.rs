use crate::address::overlaps;
use crate::azure::network::{is_private_prefix, FORBIDDEN_RANGES};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use ipnet::IpNet;

declare_codes! {
    /// ## What it does
    /// Warns about a hub's or spoke's IPv4 address space that is not private:
    /// outside 10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16 (RFC 1918) and the
    /// shared address space 100.64.0.0/10 (RFC 6598).
    ///
    /// ## Why it matters
    /// Azure accepts public ranges in a virtual network but treats them as
    /// private: the network's resources can no longer reach whoever really owns
    /// those addresses on the Internet, and the range is never reachable from the
    /// Internet. Unless your organisation owns the range, this is a typo or a
    /// future outage.
    ///
    /// ## Example
    /// ```ashlar
    /// spoke app1 {
    ///   address_space = [11.1.0.0/16]
    /// }
    /// ```
    ///
    /// ## Fix
    /// Use a private range; keep a public one only if your organisation owns it.
    pub PUBLIC_ADDRESS_SPACE = ("ASH235", "public-address-space", Warning);
}

pub const CHECK: Check = Check { code: &PUBLIC_ADDRESS_SPACE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (network, node) in model.networks() {
        for prefix in node.prefixes("address_space") {
            let IpNet::V4(v4) = prefix.value else { continue };
            // Ranges Azure keeps for itself are `reserved-address-range`'s to report.
            if is_private_prefix(&v4) || FORBIDDEN_RANGES.iter().any(|(range, _)| overlaps(&IpNet::V4(*range), &prefix.value)) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &PUBLIC_ADDRESS_SPACE,
                    prefix.span,
                    format!("address space {} of {} is not a private range: its addresses belong to someone on the Internet", prefix.value, model.describe(network)),
                )
                .with_help("use a range inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10; keep a public range only if your organisation owns it"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(space: &str) -> String {
        format!("settings {{ location = uksouth }}\nhub core {{\n resource_group = \"rg\"\n address_space = [{space}]\n}}\n")
    }

    #[test]
    fn only_wholly_private_ipv4_ranges_pass() {
        assert!(messages(&plan("10.0.0.0/8, 172.31.0.0/16, 192.168.4.0/24, 100.127.0.0/16, fd00::/48, 2001:db8::/48"), "ASH235").is_empty());
        assert_eq!(
            messages(&plan("11.1.0.0/16, 10.0.0.0/7"), "ASH235"),
            [
                "address space 11.1.0.0/16 of hub `core` is not a private range: its addresses belong to someone on the Internet",
                "address space 10.0.0.0/7 of hub `core` is not a private range: its addresses belong to someone on the Internet",
            ]
        );
        // Azure's own ranges are reported as reserved, not again as public.
        assert!(messages(&plan("169.254.0.0/16"), "ASH235").is_empty());
    }
}
