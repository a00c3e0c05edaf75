use crate::blocks::compute::load_balancer;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a scale set with `upgrade = rolling` or `automatic_os_upgrade =
    /// true` and no `load_balancer`. ashlar watches the instances' health
    /// during a rolling upgrade, and during an automatic OS image upgrade,
    /// with the Application Health extension, on the port of the load
    /// balancer's health probe.
    ///
    /// ## Why it matters
    /// Azure refuses a rolling upgrade policy on a Flexible scale set without a
    /// health signal: it could not tell a batch of broken instances from a
    /// healthy one, and would roll a bad change over every instance. Automatic
    /// OS image upgrades need one as much ("You must integrate an Azure Load
    /// Balancer application health probe or Application Health extension",
    /// <https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-automatic-upgrade>);
    /// without it Azure refuses the scale set ("Automatic OS Upgrade is not
    /// supported for this Virtual Machine Scale Set because a health probe or
    /// health extension was not specified").
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
    /// healthy, or choose `upgrade = manual` or `automatic` (and leave out
    /// `automatic_os_upgrade`).
    pub ROLLING_UPGRADE_HEALTH = ("ASH415", "rolling-upgrade-health", Error);
}

pub const CHECK: Check = Check { code: &ROLLING_UPGRADE_HEALTH, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, node) in model.of_kind("scale_set") {
        if load_balancer(model, block).is_some() {
            continue;
        }
        if let Some(attr) = node.get("automatic_os_upgrade").filter(|_| crate::blocks::compute::flag(node, "automatic_os_upgrade")) {
            out.push(
                Diagnostic::new(
                    &ROLLING_UPGRADE_HEALTH,
                    attr.span,
                    format!("automatic OS image upgrades of {} need a health signal, and it has no load balancer to probe", model.describe(block)),
                )
                .with_help("add a `load_balancer` whose `probe` port answers when an instance is healthy: Azure refuses automatic OS upgrades without a health probe or the Application Health extension"),
            );
        }
        let Some(attr) = node.get("upgrade").filter(|_| node.str("upgrade") == Some("rolling")) else { continue };
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
        assert_eq!(
            messages(&machines(&linux("scale_set", "w", "automatic_os_upgrade = true")), "ASH415"),
            ["automatic OS image upgrades of scale_set `w` need a health signal, and it has no load balancer to probe"]
        );
        assert!(messages(&machines(&linux("scale_set", "w", "automatic_os_upgrade = true\n load_balancer { ports = [80] }")), "ASH415").is_empty());
    }
}
