use crate::check::{list, Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId, Spanned};
use crate::phrases::Address;
use ipnet::IpNet;

declare_codes! {
    /// ## What it does
    /// Warns about an address or prefix in a security rule or a route that lies
    /// inside the address space of one of the plan's hubs or spokes, but in none
    /// of its subnets.
    ///
    /// ## Why it matters
    /// Nothing can have an address outside every subnet, so the rule or route
    /// matches nothing: usually the address has a typo, or a subnet is missing.
    ///
    /// ## Example
    /// ```ashlar
    /// spoke app1 {
    ///   address_space = [10.1.0.0/24]
    ///   subnet web 10.1.0.0/26
    /// }
    /// nsg web_nsg {
    ///   rule https { inbound allow tcp 443 from Internet to 10.1.0.200 priority 100 }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Correct the address, or name the subnet instead (`to app1.web`) so that
    /// the rule follows the subnet's prefix.
    pub ADDRESS_IN_NO_SUBNET = ("ASH217", "address-in-no-subnet", Warning);
}

pub const CHECK: Check = Check { code: &ADDRESS_IN_NO_SUBNET, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let spaces = Spaces::new(model);
    for (&id, r) in &model.security_rules {
        for address in r.sources().iter().chain(r.destinations()) {
            check(model, &spaces, id, address, out);
        }
    }
    for (&id, r) in &model.routes {
        check(model, &spaces, id, &r.prefix, out);
    }
}

/// The address spaces of the plan's networks, to find the network an address is in.
pub(in crate::check) struct Spaces(crate::check::Prefixes);

impl Spaces {
    pub(in crate::check) fn new(model: &Model) -> Spaces {
        let mut prefixes = crate::check::Prefixes::new();
        for (network, node) in model.networks() {
            for prefix in node.prefixes("address_space") {
                prefixes.add(prefix.value, network);
            }
        }
        Spaces(prefixes)
    }

    /// The network whose address space holds `net` (an address is a /32 or
    /// /128), with the subnets it has, when `net` lies in no subnet. A prefix
    /// as large as a whole address space is no typo.
    pub(in crate::check) fn stray(&self, model: &Model, net: IpNet) -> Option<(NodeId, Vec<(NodeId, IpNet)>)> {
        let (_, network) = self.0.first_containing(net, net.prefix_len())?;
        let subnets = crate::check::subnets(model, network);
        let in_subnet = subnets.iter().any(|(_, s)| s.contains(&net) || net.contains(s));
        (!in_subnet).then_some((network, subnets))
    }
}

fn check(model: &Model, spaces: &Spaces, owner: NodeId, address: &Spanned<Address>, out: &mut Vec<Diagnostic>) {
    let Some(net) = address.value.net() else { return };
    let Some((network, subnets)) = spaces.stray(model, net) else { return };
    let shown = address.value.to_string();
    let help = if subnets.is_empty() {
        format!("{} has no subnet yet: check the address, or add the subnet it belongs to", model.describe(network))
    } else {
        let listed: Vec<String> = subnets.iter().map(|(s, p)| format!("{} {p}", model.node(*s).name())).collect();
        format!("check the address for a typo, or name the subnet instead; the subnets of {} are {}", model.describe(network), listed.join(", "))
    };
    let space = list(model.node(network).prefixes("address_space").iter().map(|p| p.value));
    out.push(
        Diagnostic::new(
            &ADDRESS_IN_NO_SUBNET,
            address.span,
            format!(
                "{shown} in {} lies in the address space of {} ({space}) but in none of its subnets",
                model.describe(owner),
                model.describe(network)
            ),
        )
        .with_help(help),
    );
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    const HEAD: &str = "settings { location = uksouth }\nspoke app1 {\n hub = core\n resource_group = \"rg\"\n address_space = [10.1.0.0/24]\n subnet web 10.1.0.0/26 { nsg = n  route_table = rt }\n}\nhub core {\n resource_group = \"rg\"\n address_space = [10.0.0.0/24]\n subnet nva 10.0.0.0/27\n}\n";

    fn found(rule: &str, route: &str) -> Vec<String> {
        messages(&format!("{HEAD}nsg n {{\n rule r {{ {rule} }}\n}}\nroute_table rt {{\n route x {route}\n}}\n"), "ASH217")
    }

    #[test]
    fn addresses_outside_every_subnet_of_a_network_are_reported() {
        assert!(found("inbound allow tcp 443 from 192.168.0.1 to [10.1.0.4, 10.1.0.0/24, app1] priority 100", "10.1.0.0/26 via 10.0.0.4").is_empty());
        // A prefix that covers a subnet is no typo either.
        assert!(found("inbound allow tcp 443 from 10.1.0.0/25 priority 100", "10.0.0.0/26 via 10.0.0.4").is_empty());
        assert_eq!(
            found("inbound allow tcp 443 from any to 10.1.0.200 priority 100", "10.1.0.128/26 via 10.0.0.4"),
            [
                "10.1.0.200 in rule `n.r` lies in the address space of spoke `app1` (10.1.0.0/24) but in none of its subnets",
                "10.1.0.128/26 in route `rt.x` lies in the address space of spoke `app1` (10.1.0.0/24) but in none of its subnets",
            ]
        );
    }
}
