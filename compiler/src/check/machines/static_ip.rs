use crate::blocks::compute::{count, is_public, load_balancer, machine_blocks, static_ips, subnet_of, usable};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId, Typed};
use crate::source::Span;
use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr};

declare_codes! {
    /// ## What it does
    /// Checks static private addresses: the `ips` of a `compute` block and the
    /// `ip` of a private `load_balancer`. Each must be an IPv4 address inside
    /// the subnet the machines join, not one of the five Azure keeps in every
    /// subnet (the network address, the gateway `.1`, DNS `.2` and `.3`, the
    /// broadcast address), and given once in the whole plan; `ips` must give
    /// one address per machine, and not stand with `ip = dynamic`. A public
    /// load balancer takes no `ip`.
    ///
    /// ## Why it matters
    /// Azure refuses an address outside the subnet or kept for itself
    /// (`PrivateIPAddressNotInSubnet`, `PrivateIPAddressIsReserved`), and a
    /// second network interface with an address in use
    /// (`PrivateIPAddressInUse`), each when it reaches that interface, halfway
    /// through the deployment.
    ///
    /// ## Example
    /// ```ashlar
    /// compute web {
    ///   subnet = app1.web             // 10.1.0.0/27
    ///   count  = 3
    ///   ips    = [10.1.0.1, 10.1.0.40]
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give one address per machine from the subnet's usable range (the help
    /// names it), each once in the plan.
    pub STATIC_IP = ("ASH407", "static-ip", Error);
}

pub const CHECK: Check = Check { code: &STATIC_IP, run };

/// A static address the plan gives, with who gives it.
struct Claim {
    ip: IpAddr,
    span: Span,
    owner: String,
}

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let mut claims: Vec<Claim> = Vec::new();
    for (block, node) in machine_blocks(model) {
        let subnet = subnet_of(model, block);
        if node.is("compute") {
            let ips = static_ips(node);
            if let (Some(ip_attr), Some(ips_attr)) = (node.get("ip"), node.get("ips")) {
                out.push(
                    Diagnostic::new(&STATIC_IP, ip_attr.span, format!("`ip = dynamic` and `ips` of {} contradict each other", model.describe(block)))
                        .with_label(ips_attr.span, "static addresses are given here")
                        .with_help("remove `ip = dynamic`: `ips` gives each machine a static address"),
                );
            }
            if let Some(ips_attr) = node.get("ips") {
                let machines = count(node);
                if ips.len() != machines {
                    let (has, gives) = (plural(machines, "machine"), plural(ips.len(), "address"));
                    out.push(
                        Diagnostic::new(&STATIC_IP, ips_attr.span, format!("{} has {has}, but `ips` gives {gives}", model.describe(block)))
                            .with_help(format!("give one address per machine, in the order of their names, or set `count = {}`", ips.len().max(1))),
                    );
                }
            }
            for ip in ips {
                place(model, subnet, ip.value, ip.span, &model.describe(block), out);
                claims.push(Claim { ip: ip.value, span: ip.span, owner: model.describe(block) });
            }
        }
        let Some(lb) = load_balancer(model, block) else { continue };
        let lb_node = model.node(lb);
        let Some(attr) = lb_node.get("ip") else { continue };
        let Typed::Ip(ip) = attr.value else { continue };
        let owner = format!("the load balancer of {}", model.describe(block));
        if is_public(lb_node) {
            out.push(
                Diagnostic::new(
                    &STATIC_IP,
                    attr.span,
                    format!("{owner} is public: its frontend has a public IP address, and `ip` sets a private one"),
                )
                .with_help("remove `ip`, or make the load balancer `private`"),
            );
            continue;
        }
        place(model, subnet, ip, attr.span, &owner, out);
        claims.push(Claim { ip, span: attr.span, owner });
    }
    for (i, claim) in claims.iter().enumerate() {
        if let Some(first) = claims[..i].iter().find(|c| c.ip == claim.ip) {
            let whom =
                if first.owner == claim.owner { format!("twice to {}", claim.owner) } else { format!("to {} and to {}", first.owner, claim.owner) };
            out.push(
                Diagnostic::new(&STATIC_IP, claim.span, format!("{} is given {whom}", claim.ip))
                    .with_label(first.span, "first given here")
                    .with_help("give each static address once: two network interfaces cannot share one"),
            );
        }
    }
}

/// Checks that `ip` can be a static address in `subnet`.
fn place(model: &Model, subnet: Option<NodeId>, ip: IpAddr, span: Span, owner: &str, out: &mut Vec<Diagnostic>) {
    let IpAddr::V4(v4) = ip else {
        out.push(
            Diagnostic::new(&STATIC_IP, span, format!("{ip} is an IPv6 address; ashlar gives {owner} IPv4 addresses"))
                .with_help("write an IPv4 address of the subnet"),
        );
        return;
    };
    let Some(subnet) = subnet else { return };
    let Some(IpNet::V4(prefix)) = model.subnet_prefix(subnet) else { return };
    let range = usable(prefix).map(|(first, last)| format!("choose an address from {} to {}", Ipv4Addr::from(first), Ipv4Addr::from(last)));
    let range = range.unwrap_or_else(|| "give the subnet room for machines: a /29 or larger".to_string());
    let subnet_name = format!("subnet `{}` ({prefix})", model.path(subnet));
    if !prefix.contains(&v4) {
        out.push(Diagnostic::new(&STATIC_IP, span, format!("{ip} is outside {subnet_name}, which {owner} joins")).with_help(range));
        return;
    }
    let offset = u32::from(v4) - u32::from(prefix.network());
    let kept = match offset {
        0 => Some("the network address"),
        1 => Some("the default gateway"),
        2 | 3 => Some("an address of Azure DNS"),
        _ if v4 == prefix.broadcast() => Some("the broadcast address"),
        _ => None,
    };
    if let Some(what) = kept {
        out.push(
            Diagnostic::new(&STATIC_IP, span, format!("{ip} is {what} of {subnet_name}, one of the five addresses Azure keeps in every subnet"))
                .with_help(range),
        );
    }
}

fn plural(n: usize, word: &str) -> String {
    match (n, word) {
        (1, _) => format!("1 {word}"),
        (_, "address") => format!("{n} addresses"),
        _ => format!("{n} {word}s"),
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages};

    #[test]
    fn addresses_must_fit_their_subnet() {
        let found = messages(&machines(&linux("compute", "web", "count = 4\n ips = [10.0.0.1, 10.0.0.63, 10.0.0.70, 10.0.0.10]")), "ASH407");
        assert_eq!(
            found,
            [
                "10.0.0.1 is the default gateway of subnet `net.web` (10.0.0.0/26), one of the five addresses Azure keeps in every subnet",
                "10.0.0.63 is the broadcast address of subnet `net.web` (10.0.0.0/26), one of the five addresses Azure keeps in every subnet",
                "10.0.0.70 is outside subnet `net.web` (10.0.0.0/26), which compute `web` joins",
            ]
        );
        assert!(messages(&machines(&linux("compute", "web", "count = 2\n ips = [10.0.0.4, 10.0.0.62]")), "ASH407").is_empty());
    }

    #[test]
    fn one_address_per_machine_each_once() {
        assert_eq!(
            messages(&machines(&linux("compute", "web", "count = 3\n ips = [10.0.0.10, 10.0.0.11]")), "ASH407"),
            ["compute `web` has 3 machines, but `ips` gives 2 addresses"]
        );
        let two = format!(
            "{}{}",
            linux("compute", "web", "ips = [10.0.0.10]"),
            linux("compute", "api", "ips = [10.0.0.12]\n load_balancer private { ports = [80]  ip = 10.0.0.10 }")
        );
        assert_eq!(messages(&machines(&two), "ASH407"), ["10.0.0.10 is given to compute `web` and to the load balancer of compute `api`"]);
        assert_eq!(
            messages(&machines(&linux("compute", "web", "ip = dynamic\n ips = [10.0.0.10]")), "ASH407"),
            ["`ip = dynamic` and `ips` of compute `web` contradict each other"]
        );
        assert_eq!(
            messages(&machines(&linux("compute", "web", "load_balancer public { ports = [80]  ip = 10.0.0.9 }")), "ASH407"),
            ["the load balancer of compute `web` is public: its frontend has a public IP address, and `ip` sets a private one"]
        );
    }
}
