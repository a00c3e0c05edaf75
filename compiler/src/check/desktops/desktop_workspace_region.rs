use crate::blocks::desktops::{pool_region, pools_of_workspace};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a `desktop_workspace` named by desktop pools in different
    /// regions. A pool's host pool and application groups deploy in the region
    /// of its session hosts' network, and the workspace in the region of its
    /// first pool.
    ///
    /// ## Why it matters
    /// A workspace lists application groups of its own region only (Microsoft's
    /// Azure Virtual Desktop team, Azure/missionlz#1060: "The app groups and
    /// workspaces need to be in the same region"); Azure refuses the workspace
    /// with the other groups when it reaches it, after the pools are deployed.
    ///
    /// ## Example
    /// ```ashlar
    /// desktop_workspace staff { ... }
    /// desktop_pool london { subnet = uk.hosts   workspace = staff  ... }
    /// desktop_pool dublin { subnet = eu.hosts   workspace = staff  ... }
    /// ```
    /// (`uk` in uksouth, `eu` in northeurope.)
    ///
    /// ## Fix
    /// Give the pools of each region a workspace of their own.
    pub DESKTOP_WORKSPACE_REGION = ("ASH629", "desktop-workspace-region", Error);
}

pub const CHECK: Check = Check { code: &DESKTOP_WORKSPACE_REGION, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (workspace, node) in model.of_kind("desktop_workspace") {
        let pools = pools_of_workspace(model, workspace);
        let Some((first, region)) = pools.iter().find_map(|&p| pool_region(model, p).map(|r| (p, r))) else { continue };
        for &pool in &pools {
            let Some(other) = pool_region(model, pool).filter(|r| *r != region) else { continue };
            let span = model.node(pool).get("workspace").map_or(model.node(pool).head, |a| a.span);
            out.push(
                Diagnostic::new(
                    &DESKTOP_WORKSPACE_REGION,
                    span,
                    format!(
                        "{} is in {other}, but {} is in {region}, with {}",
                        model.describe(pool),
                        model.describe(workspace),
                        model.describe(first)
                    ),
                )
                .with_label(node.head, format!("the workspace deploys in {region}"))
                .with_help(format!(
                    "give the pools in {other} a `desktop_workspace` of their own: a workspace lists application groups of its region only"
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::blocks::desktops::test_support::{plan, pooled};
    use crate::check::test_support::messages;

    #[test]
    fn a_workspace_keeps_to_one_region() {
        let eu = "vnet eu {\n resource_group = \"rg-eu\"\n location = northeurope\n address_space = [10.9.0.0/24]\n subnet hosts 10.9.0.0/26\n}\n";
        let both = plan(&format!("{eu}{}{}", pooled("london", ""), pooled("dublin", "").replace("net.hosts", "eu.hosts")));
        assert_eq!(
            messages(&both, "ASH629"),
            ["desktop_pool `dublin` is in northeurope, but desktop_workspace `staff` is in uksouth, with desktop_pool `london`"]
        );
        let dublin = pooled("dublin", "").replace("net.hosts", "eu.hosts").replace("workspace = staff\n", "workspace = staff_eu\n");
        let apart = plan(&format!("{eu}desktop_workspace staff_eu {{ resource_group = \"rg-ws-eu\" }}\n{}{dublin}", pooled("london", "")));
        assert!(messages(&apart, "ASH629").is_empty(), "{apart}");
    }
}
