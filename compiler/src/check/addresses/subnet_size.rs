use crate::azure::network::{
    reserved_subnet_min, reserved_subnet_service, GATEWAY_SUBNET_RECOMMENDED, IPV4_SUBNET_MAX, IPV4_SUBNET_MIN, IPV6_SUBNET_LEN,
    RESERVED_ADDRESSES_PER_SUBNET,
};
use crate::check::{prefix_span, subnets, Check, Context};
use crate::declare_codes;
use crate::diagnostic::{Diagnostic, Severity};
use ipnet::IpNet;

declare_codes! {
    /// ## What it does
    /// Reports a subnet of a size Azure refuses: an IPv4 subnet smaller than /29
    /// or larger than /2, an IPv6 subnet that is not a /64, or a reserved subnet
    /// smaller than its service needs (`AzureFirewallSubnet`,
    /// `AzureFirewallManagementSubnet` and `AzureBastionSubnet` /26 or larger,
    /// `RouteServerSubnet` /27 or larger, `GatewaySubnet` /29 or larger). A
    /// `GatewaySubnet` smaller than the recommended /27 is a warning.
    ///
    /// ## Why it matters
    /// Azure keeps 5 addresses of every subnet, and rejects the virtual network
    /// (`NetcfgInvalidSubnet`) or fails to provision the gateway, firewall, bastion
    /// or route server in a subnet that is too small, halfway through the deployment.
    ///
    /// ## Example
    /// ```ashlar
    /// hub core {
    ///   address_space = [10.0.0.0/22]
    ///   subnet AzureBastionSubnet 10.0.0.0/27
    ///   subnet tiny 10.0.1.0/30
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give the subnet a prefix of the size the message names, or write `auto /N`
    /// with that size.
    pub SUBNET_SIZE = ("ASH205", "subnet-size", Error);
}

pub const CHECK: Check = Check { code: &SUBNET_SIZE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (network, _) in model.networks() {
        for (subnet, prefix) in subnets(model, network) {
            let name = model.node(subnet).name();
            if let Some(d) = problem(name, prefix) {
                let (message, help, severity) = d;
                let mut d = Diagnostic::new(&SUBNET_SIZE, prefix_span(model, subnet), message).with_help(help);
                d.severity = severity;
                out.push(d);
            }
        }
    }
}

/// What is wrong with a subnet's size, if anything: message, help and severity.
fn problem(name: &str, prefix: IpNet) -> Option<(String, String, Severity)> {
    let len = prefix.prefix_len();
    match prefix {
        IpNet::V6(_) => (len != IPV6_SUBNET_LEN).then(|| {
            let fixed = IpNet::new(prefix.network(), IPV6_SUBNET_LEN).map(|n| n.trunc()).unwrap_or(prefix);
            (
                format!("IPv6 subnet `{name}` ({prefix}) is a /{len}; Azure's IPv6 subnets are exactly /{IPV6_SUBNET_LEN}"),
                format!("write a /{IPV6_SUBNET_LEN} such as {fixed}"),
                Severity::Error,
            )
        }),
        IpNet::V4(_) if len > IPV4_SUBNET_MIN => Some((
            format!("subnet `{name}` ({prefix}) is smaller than /{IPV4_SUBNET_MIN}, the smallest subnet Azure allows"),
            format!("use a /{IPV4_SUBNET_MIN} or larger; Azure keeps {RESERVED_ADDRESSES_PER_SUBNET} addresses of every subnet for itself"),
            Severity::Error,
        )),
        IpNet::V4(_) if len < IPV4_SUBNET_MAX => Some((
            format!("subnet `{name}` ({prefix}) is larger than /{IPV4_SUBNET_MAX}, the largest subnet Azure allows"),
            format!("split it into subnets of /{IPV4_SUBNET_MAX} or smaller"),
            Severity::Error,
        )),
        IpNet::V4(_) => {
            let min = reserved_subnet_min(name)?;
            let service = reserved_subnet_service(name).unwrap_or("its service");
            if len > min {
                Some((
                    format!("subnet `{name}` ({prefix}) is smaller than /{min}, the smallest that {service} accepts"),
                    format!("give `{name}` a /{min} or larger"),
                    Severity::Error,
                ))
            } else if name == "GatewaySubnet" && len > GATEWAY_SUBNET_RECOMMENDED {
                Some((
                    format!("subnet `{name}` ({prefix}) is smaller than /{GATEWAY_SUBNET_RECOMMENDED}, the size Azure recommends for {service}"),
                    format!("give `{name}` a /{GATEWAY_SUBNET_RECOMMENDED} or larger, so that the gateway can grow and coexist with ExpressRoute"),
                    Severity::Warning,
                ))
            } else {
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::test_support::diagnostics;

    fn net(s: &str) -> IpNet {
        s.parse().unwrap()
    }

    fn severity(name: &str, prefix: &str) -> Option<Severity> {
        problem(name, net(prefix)).map(|p| p.2)
    }

    #[test]
    fn ipv4_bounds_are_29_and_2() {
        assert_eq!(severity("a", "10.0.0.0/29"), None);
        assert_eq!(severity("a", "10.0.0.0/30"), Some(Severity::Error));
        assert_eq!(severity("a", "0.0.0.0/2"), None);
        assert_eq!(severity("a", "0.0.0.0/1"), Some(Severity::Error));
    }

    #[test]
    fn ipv6_subnets_are_exactly_64() {
        assert_eq!(severity("a", "fd00::/64"), None);
        assert_eq!(severity("a", "fd00::/63"), Some(Severity::Error));
        assert_eq!(severity("a", "fd00::/80"), Some(Severity::Error));
        // Reserved names follow the IPv6 rule only.
        assert_eq!(severity("AzureBastionSubnet", "fd00::/64"), None);
        assert_eq!(problem("a", net("fd00:0:0:1::/48")).unwrap().1, "write a /64 such as fd00::/64");
    }

    #[test]
    fn reserved_subnets_have_their_own_minimum() {
        assert_eq!(severity("AzureBastionSubnet", "10.0.0.0/26"), None);
        assert_eq!(severity("AzureBastionSubnet", "10.0.0.0/27"), Some(Severity::Error));
        assert_eq!(severity("AzureFirewallSubnet", "10.0.0.0/25"), None);
        assert_eq!(severity("AzureFirewallManagementSubnet", "10.0.0.0/27"), Some(Severity::Error));
        assert_eq!(severity("RouteServerSubnet", "10.0.0.0/27"), None);
        assert_eq!(severity("RouteServerSubnet", "10.0.0.0/28"), Some(Severity::Error));
        // Case matters: Azure reserves the exact names.
        assert_eq!(severity("azurebastionsubnet", "10.0.0.0/27"), None);
    }

    #[test]
    fn a_small_gateway_subnet_is_a_warning_and_a_tiny_one_an_error() {
        assert_eq!(severity("GatewaySubnet", "10.0.0.0/27"), None);
        assert_eq!(severity("GatewaySubnet", "10.0.0.0/28"), Some(Severity::Warning));
        assert_eq!(severity("GatewaySubnet", "10.0.0.0/29"), Some(Severity::Warning));
        assert_eq!(severity("GatewaySubnet", "10.0.0.0/30"), Some(Severity::Error));
    }

    #[test]
    fn allocated_subnets_are_checked_too() {
        let plan = "settings { location = uksouth }\nhub core {\n resource_group = \"rg\"\n address_space = [10.0.0.0/24]\n subnet AzureBastionSubnet auto /27\n}\n";
        let found = diagnostics(plan, "ASH205");
        assert_eq!(found.len(), 1);
        assert!(found[0].message.starts_with("subnet `AzureBastionSubnet` (10.0.0.0/27) is smaller than /26"), "{}", found[0].message);
    }
}
