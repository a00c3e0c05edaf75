use super::{Check, Context};
use crate::blocks::compute::{count, flag, zones};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Warns about a `compute` block of several machines, not in an
    /// availability set, whose machines all join one update group: they are
    /// patched, and restarted, in the same window at the same time. Machines in
    /// an availability set are not: Azure patches them one update domain at a
    /// time ("VMs across multiple Update Domains aren't updated concurrently",
    /// learn: update-manager/scheduled-patching).
    ///
    /// ## Why it matters
    /// Machines of one block usually serve one service behind one load
    /// balancer; a restart of all of them at once takes the service down for
    /// the length of a reboot, however many there are.
    ///
    /// ## Example
    /// ```ashlar
    /// compute web {
    ///   count   = 3
    ///   updates = sunday_early
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Put the machines in an availability set (`availability_set = true`), or
    /// split them into two blocks in two update groups with windows apart.
    pub SHARED_UPDATE_WINDOW = ("ASH607", "shared-update-window", Warning);
}

pub const CHECK: Check = Check { code: &SHARED_UPDATE_WINDOW, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind("compute") {
        let (Some(attr), Some(group)) = (node.get("updates"), node.reference("updates")) else { continue };
        let machines = count(node);
        if machines < 2 || flag(node, "availability_set") {
            continue;
        }
        // An availability set cannot go with zones: splitting is the way then.
        let help = if zones(node).is_empty() {
            "put the machines in an availability set (`availability_set = true`), which Azure patches one update domain at a time, or split them into two blocks in two update groups with windows apart"
        } else {
            "split the machines into two blocks in two update groups with windows apart: machines in zones cannot be in an availability set"
        };
        let mut d = Diagnostic::new(
            &SHARED_UPDATE_WINDOW,
            attr.span,
            format!(
                "all {machines} machines of {} are patched in the window of {} at once: one restart takes every one of them down",
                model.describe(id),
                model.describe(group)
            ),
        );
        if let Some(count_attr) = node.get("count") {
            d = d.with_label(count_attr.span, format!("{machines} machines"));
        }
        out.push(d.with_help(help));
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(extra: &str) -> String {
        format!(
            "settings {{ location = uksouth }}\nvnet net {{\n  resource_group = \"rg\"\n  address_space = [10.0.0.0/16]\n  subnet app 10.0.1.0/24\n}}\n\
             update_group g {{\n  resource_group = \"rg\"\n  daily at 01:00 for 2h\n}}\n\
             compute web {{\n  resource_group = \"rg\"\n  subnet = net.app\n  image = ubuntu_2404\n  size = Standard_D2s_v5\n  ssh_key = \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEq2o0R2ZRWkp3cGXb7gDHxSbOaINKzLw7p1tyOp8SMe me\"\n  updates = g\n  {extra}\n}}\n"
        )
    }

    #[test]
    fn several_machines_outside_an_availability_set() {
        assert_eq!(
            messages(&plan("count = 3"), "ASH607"),
            ["all 3 machines of compute `web` are patched in the window of update_group `g` at once: one restart takes every one of them down"]
        );
        assert_eq!(messages(&plan("count = 2\n  zones = [1, 2]"), "ASH607").len(), 1);
        assert!(messages(&plan("count = 3\n  availability_set = true"), "ASH607").is_empty());
        assert!(messages(&plan("count = 1"), "ASH607").is_empty());
    }
}
