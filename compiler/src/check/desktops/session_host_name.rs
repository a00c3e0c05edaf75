use crate::azure::compute::{computer_name_problems, join, WINDOWS_COMPUTER_NAME_MAX};
use crate::blocks::compute::machine_names;
use crate::blocks::desktops::host_prefix;
use crate::blocks::naming::Names;
use crate::check::names::naming_pattern::is_sound;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Checks the names of a `desktop_pool`'s session hosts: `{host_prefix}-N`
    /// (the pool's name when there is no `host_prefix`) through the naming
    /// block's `virtual_machine` pattern, for N from 1 to `hosts`. Each is a
    /// Windows computer name: at most 15 characters, the `-N` included; letters,
    /// digits and `-` only; not only digits; not ending with `-`.
    ///
    /// ## Why it matters
    /// Azure refuses the virtual machine (`InvalidParameter` on `computerName`)
    /// when it reaches it, after the host pool and the hosts before it are
    /// deployed. ashlar never shortens a name: two hosts could end up with one
    /// name, and the names users and administrators see in the pool would not be
    /// the plan's.
    ///
    /// ## Example
    /// ```ashlar
    /// use std.naming.caf      // vm-{name}
    ///
    /// desktop_pool finance {
    ///   host_prefix = "finance-pool"
    ///   hosts       = 12
    ///   ...
    /// }
    /// ```
    /// (`vm-finance-pool-12` has 18 characters.)
    ///
    /// ## Fix
    /// Shorten `host_prefix` to the length the help names, or change the
    /// `virtual_machine` pattern.
    pub SESSION_HOST_NAME = ("ASH622", "session-host-name", Error);
}

pub const CHECK: Check = Check { code: &SESSION_HOST_NAME, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let names = Names::new(model);
    let naming = model.unique("naming");
    if !is_sound(model, "virtual_machine") {
        return;
    }
    for (pool, node) in model.of_kind("desktop_pool") {
        // The names differ only in their index: the last is the longest.
        let Some(last) = machine_names(node).last().cloned() else { continue };
        let name = names.virtual_machine(pool, &last);
        let mut problems = computer_name_problems(&name, true);
        let len = name.chars().count();
        if len > WINDOWS_COMPUTER_NAME_MAX {
            problems.insert(0, format!("has {len} characters, more than the {WINDOWS_COMPUTER_NAME_MAX} Windows allows"));
        }
        if problems.is_empty() {
            continue;
        }
        let span = node.get("host_prefix").map_or(node.head, |a| a.span);
        let message = format!("the session host name `{name}` of {} {}", model.describe(pool), join(&problems));
        let prefix = host_prefix(node);
        let pattern = match naming.and_then(|n| n.str("virtual_machine")) {
            Some(p) => format!(", or change the `virtual_machine` pattern \"{p}\""),
            None => String::new(),
        };
        let help = if len > WINDOWS_COMPUTER_NAME_MAX {
            let room = WINDOWS_COMPUTER_NAME_MAX.saturating_sub(len - prefix.chars().count());
            format!("set `host_prefix` to at most {room} characters, so that `{name}` fits in {WINDOWS_COMPUTER_NAME_MAX}{pattern}; ashlar never shortens a name")
        } else {
            format!("set `host_prefix` to letters, digits and `-`{pattern}")
        };
        out.push(Diagnostic::new(&SESSION_HOST_NAME, span, message).with_help(help));
    }
}

#[cfg(test)]
mod tests {
    use crate::blocks::desktops::test_support::{plan, pooled};
    use crate::check::test_support::{diagnostics, messages};

    #[test]
    fn the_index_counts_and_names_are_never_shortened() {
        // `finance-pool-9` has 14 characters, `finance-pool-10` 15, `-12` too.
        assert!(messages(&plan(&pooled("finance", "host_prefix = \"finance-pool\"")), "ASH622").is_empty());
        let many = plan(&pooled("finance", "host_prefix = \"finance-pool\"").replace("hosts = 2", "hosts = 12"));
        assert!(messages(&many, "ASH622").is_empty());
        let caf = format!("use std.naming.caf\n{many}");
        let found = diagnostics(&caf, "ASH622");
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "the session host name `vm-finance-pool-12` of desktop_pool `finance` has 18 characters, more than the 15 Windows allows"
        );
        assert_eq!(
            found[0].help.as_deref(),
            Some("set `host_prefix` to at most 9 characters, so that `vm-finance-pool-12` fits in 15, or change the `virtual_machine` pattern \"vm-{name}\"; ashlar never shortens a name")
        );
    }

    #[test]
    fn the_pool_name_is_the_default_prefix_and_characters_count() {
        // One host is numbered too: `accountspayable-1` has 17 characters.
        let one = plan(&pooled("accountspayable", "").replace("hosts = 2", "hosts = 1"));
        assert_eq!(
            messages(&one, "ASH622"),
            ["the session host name `accountspayable-1` of desktop_pool `accountspayable` has 17 characters, more than the 15 Windows allows"]
        );
        assert_eq!(
            messages(&plan(&pooled("finance", "host_prefix = \"fin_ops\"")), "ASH622"),
            ["the session host name `fin_ops-2` of desktop_pool `finance` contains `_` (a Windows computer name holds only letters, digits and `-`)"]
        );
    }
}
