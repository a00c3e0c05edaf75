use crate::blocks::compute::load_balancer;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a scale set with `upgrade = rolling` and no `load_balancer`.
    /// ashlar watches the instances' health during a rolling upgrade with the
    /// Application Health extension, on the port of the load balancer's
    /// health probe.
    ///
    /// ## Why it matters
    /// Azure refuses a rolling upgrade policy on a Flexible scale set without a
    /// health signal: it could not tell a batch of broken instances from a
    /// healthy one, and would roll a bad change over every instance.
    ///
    /// ## Example
    /// ```ashlar
    /// scale_set workers {
    ///   upgrade = rolling
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Add a `load_balancer` whose `probe` port answers when an instance is
    /// healthy, or choose `upgrade = manual` or `automatic`.
    pub ROLLING_UPGRADE_HEALTH = ("ASH415", "rolling-upgrade-health", Error);
}

pub const CHECK: Check = Check { code: &ROLLING_UPGRADE_HEALTH, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, node) in model.of_kind("scale_set") {
        let Some(attr) = node.get("upgrade").filter(|_| node.str("upgrade") == Some("rolling")) else { continue };
        if load_balancer(model, block).is_some() {
            continue;
        }
        out.push(
            Diagnostic::new(
                &ROLLING_UPGRADE_HEALTH,
                attr.span,
                format!("a rolling upgrade of {} needs a health signal, and it has no load balancer to probe", model.describe(block)),
            )
            .with_help("add a `load_balancer` whose `probe` port answers when an instance is healthy, or choose `upgrade = manual` or `automatic`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages};

    #[test]
    fn rolling_needs_a_probe() {
        assert_eq!(
            messages(&machines(&linux("scale_set", "w", "upgrade = rolling")), "ASH415"),
            ["a rolling upgrade of scale_set `w` needs a health signal, and it has no load balancer to probe"]
        );
        assert!(messages(&machines(&linux("scale_set", "w", "upgrade = rolling\n load_balancer { ports = [80] }")), "ASH415").is_empty());
        assert!(messages(&machines(&linux("scale_set", "w", "upgrade = automatic")), "ASH415").is_empty());
    }
}
