use crate::blocks::compute::{count, flag, zones};
use crate::blocks::updates::{group_of_machine, schedule, start};
use crate::calendar::Date;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId};

declare_codes! {
    /// ## What it does
    /// Warns about a `compute` block of several machines, not in an
    /// availability set, whose machines are all patched in one window: they
    /// join one update group, or several whose windows open at the same time.
    /// Machines in an availability set are not: Azure patches them one update
    /// domain at a time ("VMs across multiple Update Domains aren't updated
    /// concurrently", learn: update-manager/scheduled-patching).
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
    /// Spread the machines over update groups with windows apart, which take
    /// them in turn (`updates = [sunday_early, wednesday_early]`), or put them
    /// in an availability set (`availability_set = true`).
    pub SHARED_UPDATE_WINDOW = ("ASH607", "shared-update-window", Warning);
}

pub const CHECK: Check = Check { code: &SHARED_UPDATE_WINDOW, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind("compute") {
        let Some(attr) = node.get("updates") else { continue };
        let machines = count(node);
        if machines < 2 || flag(node, "availability_set") {
            continue;
        }
        // The groups that get a machine, each once: a list longer than the block takes only its first.
        let mut groups: Vec<NodeId> = Vec::new();
        for index in 0..machines {
            if let Some(g) = group_of_machine(model, id, index).filter(|g| !groups.contains(g)) {
                groups.push(g);
            }
        }
        let windows: Vec<Option<Window>> = groups.iter().map(|&g| window(model, g)).collect();
        let at_once = match windows.as_slice() {
            [] => false,
            [_] => true,
            [first, rest @ ..] => first.is_some() && rest.iter().all(|w| w == first),
        };
        if !at_once {
            continue;
        }
        let (message, fix) = match groups.as_slice() {
            [group] => (
                format!(
                    "all {machines} machines of {} are patched in the window of {} at once: one restart takes every one of them down",
                    model.describe(id),
                    model.describe(*group)
                ),
                format!(
                    "spread the machines over two update groups with windows apart, which take them in turn: `updates = [{}, OTHER]`",
                    model.node(*group).name()
                ),
            ),
            _ => (
                format!(
                    "all {machines} machines of {} are patched at once: the windows of {} open at the same time",
                    model.describe(id),
                    groups.iter().map(|&g| format!("`{}`", model.node(g).name())).collect::<Vec<_>>().join(" and ")
                ),
                "give the update groups windows apart: another day or time".to_string(),
            ),
        };
        // An availability set cannot go with zones: spreading over windows is the way then.
        let help = if zones(node).is_empty() {
            format!("{fix}; or put the machines in an availability set (`availability_set = true`), which Azure patches one update domain at a time")
        } else {
            format!("{fix} (machines in zones cannot be in an availability set)")
        };
        let mut d = Diagnostic::new(&SHARED_UPDATE_WINDOW, attr.span, message);
        if let Some(count_attr) = node.get("count") {
            d = d.with_label(count_attr.span, format!("{machines} machines"));
        }
        out.push(d.with_help(help));
    }
}

/// When a group's window opens and how long it lasts, as Azure reads it.
type Window = (String, String, String, String, Date);

fn window(model: &Model, group: NodeId) -> Option<Window> {
    let node = model.node(group);
    let schedule = schedule(model, group)?;
    Some((schedule.recurrence.recur_every(), schedule.at_text(), schedule.duration_text(), schedule.time_zone_id(), start(node)))
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(extra: &str) -> String {
        format!(
            "settings {{ location = uksouth }}\nvnet net {{\n  resource_group = \"rg\"\n  address_space = [10.0.0.0/16]\n  subnet app 10.0.1.0/24\n}}\n\
             update_group g {{\n  resource_group = \"rg\"\n  daily at 01:00 for 2h\n}}\n\
             update_group h {{\n  resource_group = \"rg\"\n  daily at 04:00 for 2h\n}}\n\
             update_group same {{\n  resource_group = \"rg\"\n  daily at 01:00 for 2h\n}}\n\
             compute web {{\n  resource_group = \"rg\"\n  subnet = net.app\n  image = ubuntu_2404\n  size = Standard_D2s_v5\n  ssh_key = \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEq2o0R2ZRWkp3cGXb7gDHxSbOaINKzLw7p1tyOp8SMe me\"\n  {extra}\n}}\n"
        )
    }

    #[test]
    fn several_machines_outside_an_availability_set() {
        assert_eq!(
            messages(&plan("count = 3\n  updates = g"), "ASH607"),
            ["all 3 machines of compute `web` are patched in the window of update_group `g` at once: one restart takes every one of them down"]
        );
        assert_eq!(messages(&plan("count = 2\n  zones = [1, 2]\n  updates = [g]"), "ASH607").len(), 1);
        assert!(messages(&plan("count = 3\n  availability_set = true\n  updates = g"), "ASH607").is_empty());
        assert!(messages(&plan("count = 1\n  updates = g"), "ASH607").is_empty());
    }

    #[test]
    fn machines_spread_over_windows_apart() {
        assert!(messages(&plan("count = 3\n  updates = [g, h]"), "ASH607").is_empty());
        assert_eq!(
            messages(&plan("count = 3\n  updates = [g, same]"), "ASH607"),
            ["all 3 machines of compute `web` are patched at once: the windows of `g` and `same` open at the same time"]
        );
        // One machine gets only the first of two groups.
        assert!(messages(&plan("count = 1\n  updates = [g, h]"), "ASH607").is_empty());
    }
}
