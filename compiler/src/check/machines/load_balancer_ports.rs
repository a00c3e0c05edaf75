use crate::blocks::compute::{load_balancer, machine_blocks, ports};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a port listed twice in a `load_balancer`'s `ports`.
    ///
    /// ## Why it matters
    /// ashlar makes one load-balancing rule per port; Azure refuses two rules
    /// of one frontend, protocol and port
    /// (`LoadBalancingRuleFrontendPortConflict`), and the load balancer with them.
    ///
    /// ## Example
    /// ```ashlar
    /// load_balancer private { ports = [443, 80, 443] }
    /// ```
    ///
    /// ## Fix
    /// List each port once.
    pub LOAD_BALANCER_PORTS = ("ASH416", "load-balancer-ports", Error);
}

pub const CHECK: Check = Check { code: &LOAD_BALANCER_PORTS, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, _) in machine_blocks(model) {
        let Some(lb) = load_balancer(model, block) else { continue };
        let listed = ports(model.node(lb));
        for (i, port) in listed.iter().enumerate() {
            if let Some(first) = listed[..i].iter().find(|p| p.value == port.value) {
                out.push(
                    Diagnostic::new(
                        &LOAD_BALANCER_PORTS,
                        port.span,
                        format!("port {} is listed twice in the load balancer of {}", port.value, model.describe(block)),
                    )
                    .with_label(first.span, "first listed here")
                    .with_help("list each port once: each becomes one load-balancing rule"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages};

    #[test]
    fn each_port_once() {
        assert_eq!(
            messages(&machines(&linux("compute", "web", "load_balancer { ports = [443, 80, 443] }")), "ASH416"),
            ["port 443 is listed twice in the load balancer of compute `web`"]
        );
        assert!(messages(&machines(&linux("compute", "web", "load_balancer { ports = [443, 80] }")), "ASH416").is_empty());
    }
}
