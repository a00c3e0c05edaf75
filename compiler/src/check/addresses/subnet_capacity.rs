use crate::azure::network::RESERVED_ADDRESSES_PER_SUBNET;
use crate::blocks::compute::{count, is_public, load_balancer, machine_blocks, subnet_of};
use crate::blocks::scale_set::capacity;
use crate::check::{prefix_span, Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::NodeId;
use crate::schema::attrs;
use crate::source::Span;
use indexmap::IndexMap;
use ipnet::IpNet;

declare_codes! {
    /// ## What it does
    /// Adds up the private addresses the plan puts in each IPv4 subnet: one per
    /// machine of each `compute` block and per session host of each
    /// `desktop_pool`, the `max` of each scale set's `capacity`, one per private
    /// load balancer frontend and one per `private_endpoint` nested in the subnet. Reports a subnet where they
    /// exceed its usable addresses: its size less the five Azure keeps.
    ///
    /// ## Why it matters
    /// Azure refuses the network interface that finds no free address
    /// (`SubnetIsFull`) when it reaches it: machines deploy partly, or a scale
    /// set stops growing at the worst moment, under load.
    ///
    /// ## Example
    /// ```ashlar
    /// spoke app1 {
    ///   subnet web 10.1.0.0/28        // 16 addresses, 11 usable
    /// }
    /// compute web { subnet = app1.web  count = 10  load_balancer private { ports = [443] }  ... }
    /// scale_set workers { subnet = app1.web  capacity { default = 2  max = 4 }  ... }
    /// ```
    ///
    /// ## Fix
    /// Give the subnet the prefix the help names, or place some of the machines
    /// in another subnet.
    pub SUBNET_CAPACITY = ("ASH408", "subnet-capacity", Error);
}

pub const CHECK: Check = Check { code: &SUBNET_CAPACITY, run };

/// What takes addresses in a subnet: how many, who, and where that is written.
struct Use {
    addresses: u64,
    what: String,
    span: Span,
}

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let mut uses: IndexMap<NodeId, Vec<Use>> = IndexMap::new();
    for (block, node) in machine_blocks(model) {
        let Some(subnet) = subnet_of(model, block) else { continue };
        let span = node.get(attrs::SUBNET).map_or(node.head, |a| a.span);
        let (addresses, what) = if node.is("compute") {
            let n = count(node) as u64;
            (n, format!("{}: {n} {}", model.describe(block), if n == 1 { "machine" } else { "machines" }))
        } else if node.is("desktop_pool") {
            let n = count(node) as u64;
            (n, format!("{}: {n} session {}", model.describe(block), if n == 1 { "host" } else { "hosts" }))
        } else {
            let max = capacity(model, block).max.max(0) as u64;
            (max, format!("{}: up to {max} instances", model.describe(block)))
        };
        uses.entry(subnet).or_default().push(Use { addresses, what, span });
        if let Some(lb) = load_balancer(model, block).filter(|&lb| !is_public(model.node(lb))) {
            let what = format!("the load balancer of {}: 1 frontend", model.describe(block));
            uses.entry(subnet).or_default().push(Use { addresses: 1, what, span: model.node(lb).head });
        }
    }
    for (endpoint, node) in model.of_kind("private_endpoint") {
        let Some(subnet) = node.parent else { continue };
        uses.entry(subnet).or_default().push(Use { addresses: 1, what: format!("{}: 1 address", model.describe(endpoint)), span: node.head });
    }
    for (subnet, uses) in uses {
        let Some(IpNet::V4(prefix)) = model.subnet_prefix(subnet) else { continue };
        let size = 1u64 << (32 - u32::from(prefix.prefix_len()));
        let usable = size.saturating_sub(u64::from(RESERVED_ADDRESSES_PER_SUBNET));
        let total: u64 = uses.iter().map(|u| u.addresses).sum();
        if total <= usable {
            continue;
        }
        let fits = (2..=29u8).rev().find(|len| (1u64 << (32 - u32::from(*len))) - u64::from(RESERVED_ADDRESSES_PER_SUBNET) >= total);
        let help = match fits {
            Some(len) => format!(
                "give the subnet a /{len} or larger ({} usable addresses), or place some of these in another subnet",
                (1u64 << (32 - u32::from(len))) - u64::from(RESERVED_ADDRESSES_PER_SUBNET)
            ),
            None => "place some of these in another subnet".to_string(),
        };
        let mut d = Diagnostic::new(
            &SUBNET_CAPACITY,
            prefix_span(model, subnet),
            format!("subnet `{}` ({prefix}) has {usable} usable addresses, but the plan puts {total} in it", model.path(subnet)),
        )
        .with_help(help);
        for u in uses {
            d = d.with_label(u.span, u.what);
        }
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages};

    #[test]
    fn machines_frontends_and_scale_set_maxima_add_up() {
        // net.web is a /26: 59 usable addresses.
        let fits = format!(
            "{}{}",
            linux("compute", "web", "count = 50\n load_balancer private { ports = [80] }"),
            linux("scale_set", "w", "capacity { default = 2  max = 8 }")
        );
        assert!(messages(&machines(&fits), "ASH408").is_empty());
        let full = fits.replace("max = 8", "max = 9");
        assert_eq!(messages(&machines(&full), "ASH408"), ["subnet `net.web` (10.0.0.0/26) has 59 usable addresses, but the plan puts 60 in it"]);
        let found = crate::check::test_support::diagnostics(&machines(&full), "ASH408");
        assert_eq!(found[0].labels.len(), 3);
        assert_eq!(
            found[0].help.as_deref(),
            Some("give the subnet a /25 or larger (123 usable addresses), or place some of these in another subnet")
        );
    }

    #[test]
    fn a_small_subnet_counts_public_frontends_out() {
        // net.small is a /29: 3 usable addresses.
        let block = linux("compute", "jump", "count = 3\n load_balancer public { ports = [22] }").replace("net.web", "net.small");
        assert!(messages(&machines(&block), "ASH408").is_empty());
        let private = block.replace("public", "private");
        assert_eq!(messages(&machines(&private), "ASH408"), ["subnet `net.small` (10.0.0.64/29) has 3 usable addresses, but the plan puts 4 in it"]);
    }

    #[test]
    fn session_hosts_take_addresses_too() {
        use crate::blocks::desktops::test_support::{plan, pooled};
        // net.small is a /29: 3 usable addresses.
        let three = plan(&pooled("finance", "").replace("net.hosts", "net.small").replace("hosts = 2", "hosts = 3"));
        assert!(messages(&three, "ASH408").is_empty());
        let four = three.replace("hosts = 3", "hosts = 4");
        assert_eq!(messages(&four, "ASH408"), ["subnet `net.small` (10.0.0.64/29) has 3 usable addresses, but the plan puts 4 in it"]);
        let found = crate::check::test_support::diagnostics(&four, "ASH408");
        assert_eq!(found[0].labels[0].message, "desktop_pool `finance`: 4 session hosts");
    }
}
