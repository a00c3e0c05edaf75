use crate::azure::compute::{computer_name_problems, join, LINUX_COMPUTER_NAME_MAX, SCALE_SET_NAME_SUFFIX, WINDOWS_COMPUTER_NAME_MAX};
use crate::blocks::compute::{computer_name, machine_names, os};
use crate::blocks::naming::Names;
use crate::check::names::naming_pattern::is_sound;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId};

declare_codes! {
    /// ## What it does
    /// Checks the computer name of every virtual machine: its `computer_name`,
    /// else its Azure name, which is then also its host name. The limits are
    /// the computer name's, not the Azure name's: with a `computer_name`, a
    /// longer Azure name is fine. A Windows computer name has at most 15 characters,
    /// a Linux one at most 64, the `-1`, `-2`, ... suffix of a `compute` block
    /// with `count` over 1 included; letters, digits and `-` only (Linux also
    /// `.`), not only digits on Windows, not ending with `-` (or `.` on Linux).
    /// A scale set's `computer_name` (else its name) is the prefix of its
    /// instances' computer names, to which Azure appends 6 characters: at most
    /// 9 on Windows, 58 on Linux.
    ///
    /// ## Why it matters
    /// Azure refuses the machine (`InvalidParameter` on `computerName`) when it
    /// reaches it, after everything before it has deployed. ashlar never
    /// shortens a name: two machines could end up with one name, and the names
    /// in the plan would no longer be the names in Azure.
    ///
    /// ## Example
    /// ```ashlar
    /// compute webfrontend01 {
    ///   image = windows_2022
    ///   count = 12
    ///   ...
    /// }
    /// ```
    /// (`webfrontend01-9` has 15 characters, `webfrontend01-10` 16.)
    ///
    /// ## Fix
    /// Give the machines a shorter `computer_name` (`computer_name = "WEB"`
    /// makes `WEB-1` to `WEB-12`), rename the block, or change the
    /// `virtual_machine` (or `scale_set`) pattern of the `naming` block, so
    /// that the longest name fits.
    pub COMPUTER_NAME = ("ASH400", "computer-name", Error);
}

pub const CHECK: Check = Check { code: &COMPUTER_NAME, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let names = Names::new(model);
    let naming = model.unique("naming");
    let sound = is_sound(model, "virtual_machine");
    for (block, node) in model.of_kind("compute") {
        let Some(os) = os(model, block) else { continue };
        let written = node.get("computer_name");
        if written.is_none() && !sound {
            continue;
        }
        let max = if os.windows() { WINDOWS_COMPUTER_NAME_MAX } else { LINUX_COMPUTER_NAME_MAX };
        let machines = machine_names(node);
        let failing: Vec<(String, Vec<String>)> = machines
            .iter()
            .enumerate()
            .map(|(index, m)| computer_name(node, index, &names.virtual_machine(block, m)))
            .map(|name| {
                let mut problems = computer_name_problems(&name, os.windows());
                let len = name.chars().count();
                if len > max {
                    problems.insert(0, format!("has {len} characters, more than the {max} {} allows", os.word()));
                }
                (name, problems)
            })
            .filter(|(_, problems)| !problems.is_empty())
            .collect();
        // The names differ only in their index: the last is the longest.
        let Some((name, problems)) = failing.last() else { continue };
        let mut message = format!("the computer name `{name}` of {} {}", model.describe(block), join(problems));
        match failing.len() - 1 {
            0 => {}
            1 => message.push_str(&format!(", and so does the name of one more of its {} machines", machines.len())),
            more => message.push_str(&format!(", and so do the names of {more} more of its {} machines", machines.len())),
        }
        let span = written.map_or(node.head, |a| a.span);
        let help = if written.is_some() {
            if name.chars().count() > max {
                format!("give a `computer_name` short enough that `{name}` fits in {max} characters")
            } else {
                "give a `computer_name` with none of these problems".to_string()
            }
        } else if name.chars().count() > max {
            let suffix = if machines.len() > 1 { " with its `-N` suffix" } else { "" };
            format!(
                "give the machines a shorter `computer_name`, their host name apart from their Azure name, or {} at most {} characters, so that `{name}`{suffix} fits in {max}{}; ashlar never shortens a name",
                rename(model, block),
                shortened(node.name(), name, max),
                pattern(naming, "virtual_machine")
            )
        } else {
            format!(
                "give the machines a `computer_name`, or rename {}{}, so that its computer name has none of these problems",
                model.describe(block),
                pattern(naming, "virtual_machine")
            )
        };
        out.push(Diagnostic::new(&COMPUTER_NAME, span, message).with_help(help));
    }
    let sound = is_sound(model, "scale_set");
    for (block, node) in model.of_kind("scale_set") {
        let Some(os) = os(model, block) else { continue };
        let written = node.get("computer_name");
        if written.is_none() && !sound {
            continue;
        }
        let max = if os.windows() { WINDOWS_COMPUTER_NAME_MAX } else { LINUX_COMPUTER_NAME_MAX } - SCALE_SET_NAME_SUFFIX;
        let prefix = node.str("computer_name").map_or_else(|| names.scale_set(block), str::to_string);
        let mut problems = computer_name_problems(&prefix, os.windows());
        let len = prefix.chars().count();
        if len > max {
            problems.insert(0, format!("has {len} characters, more than the {max} a {} scale set's prefix may have", os.word()));
        }
        if problems.is_empty() {
            continue;
        }
        let message = format!("the computer name prefix `{prefix}` of {} {}", model.describe(block), join(&problems));
        let span = written.map_or(node.head, |a| a.span);
        let help = if written.is_some() {
            format!("give a `computer_name` of at most {max} characters with none of these problems: Azure appends {SCALE_SET_NAME_SUFFIX} characters to the prefix for each instance")
        } else if len > max {
            format!(
                "give the scale set a shorter `computer_name`, or {} at most {} characters: Azure appends {SCALE_SET_NAME_SUFFIX} characters to the prefix for each instance{}",
                rename(model, block),
                shortened(node.name(), &prefix, max),
                pattern(naming, "scale_set")
            )
        } else {
            format!(
                "give the scale set a `computer_name`, or rename {}{}, so that its computer name prefix has none of these problems",
                model.describe(block),
                pattern(naming, "scale_set")
            )
        };
        out.push(Diagnostic::new(&COMPUTER_NAME, span, message).with_help(help));
    }
}

/// "rename compute `web` to".
fn rename(model: &Model, block: NodeId) -> String {
    format!("rename {} to", model.describe(block))
}

/// How long the block's name may be for `derived` (the name it gives) to fit in `max`.
fn shortened(block_name: &str, derived: &str, max: usize) -> usize {
    let overhead = derived.chars().count().saturating_sub(block_name.chars().count());
    max.saturating_sub(overhead)
}

/// ", or change the `attr` pattern \"...\"" when the plan has such a pattern.
fn pattern(naming: Option<&crate::model::Node>, attr: &str) -> String {
    match naming.and_then(|n| n.str(attr)) {
        Some(p) => format!(", or change the `{attr}` pattern \"{p}\""),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages, windows};

    #[test]
    fn the_index_suffix_counts_and_names_are_never_shortened() {
        // `webfrontend01-9` has 15 characters; `-10` to `-12` make 16.
        assert!(messages(&machines(&windows("compute", "webfrontend01", "count = 9")), "ASH400").is_empty());
        let found = crate::check::test_support::diagnostics(&machines(&windows("compute", "webfrontend01", "count = 12")), "ASH400");
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "the computer name `webfrontend01-12` of compute `webfrontend01` has 16 characters, more than the 15 Windows allows, and so do the names of 2 more of its 12 machines"
        );
        assert_eq!(
            found[0].help.as_deref(),
            Some("give the machines a shorter `computer_name`, their host name apart from their Azure name, or rename compute `webfrontend01` to at most 12 characters, so that `webfrontend01-12` with its `-N` suffix fits in 15; ashlar never shortens a name")
        );
        // One machine has no suffix.
        assert!(messages(&machines(&windows("compute", "webfrontend-012", "")), "ASH400").is_empty());
    }

    #[test]
    fn linux_allows_64_and_patterns_count() {
        let name = "a".repeat(62);
        assert!(messages(&machines(&linux("compute", &name, "count = 9")), "ASH400").is_empty());
        assert_eq!(messages(&machines(&linux("compute", &name, "count = 10")), "ASH400").len(), 1);
        let caf = format!("use std.naming.caf\n{}", machines(&windows("compute", "webfrontend", "count = 2")));
        let found = crate::check::test_support::diagnostics(&caf, "ASH400");
        assert_eq!(found[0].message, "the computer name `vm-webfrontend-2` of compute `webfrontend` has 16 characters, more than the 15 Windows allows, and so does the name of one more of its 2 machines");
        assert_eq!(
            found[0].help.as_deref(),
            Some("give the machines a shorter `computer_name`, their host name apart from their Azure name, or rename compute `webfrontend` to at most 10 characters, so that `vm-webfrontend-2` with its `-N` suffix fits in 15, or change the `virtual_machine` pattern \"vm-{name}\"; ashlar never shortens a name")
        );
    }

    #[test]
    fn characters_and_scale_set_prefixes() {
        assert_eq!(
            messages(&machines(&windows("compute", "web_app", "")), "ASH400"),
            ["the computer name `web_app` of compute `web_app` contains `_` (a Windows computer name holds only letters, digits and `-`)"]
        );
        assert!(messages(&machines(&linux("scale_set", "workers01", "")), "ASH400").is_empty());
        assert!(messages(&machines(&windows("scale_set", "workers01", "")), "ASH400").is_empty());
        assert_eq!(
            messages(&machines(&windows("scale_set", "workers012", "")), "ASH400"),
            ["the computer name prefix `workers012` of scale_set `workers012` has 10 characters, more than the 9 a Windows scale set's prefix may have"]
        );
    }

    #[test]
    fn a_computer_name_frees_the_azure_name() {
        // A long Azure name is fine once the computer name is apart from it.
        let long = "webfrontend-production-01";
        assert!(messages(&machines(&windows("compute", long, "computer_name = \"WEBPROD\"\n count = 12")), "ASH400").is_empty());
        assert_eq!(messages(&machines(&windows("compute", long, "")), "ASH400").len(), 1);
        // `{n}` places the number; without it `-N` follows the name.
        assert!(messages(&machines(&windows("compute", long, "computer_name = \"WEB{n}PROD\"\n count = 3")), "ASH400").is_empty());
        let found = crate::check::test_support::diagnostics(
            &machines(&windows("compute", "web", "computer_name = \"WEBFRONTEND01\"\n count = 12")),
            "ASH400",
        );
        assert_eq!(
            found[0].message,
            "the computer name `WEBFRONTEND01-12` of compute `web` has 16 characters, more than the 15 Windows allows, and so do the names of 2 more of its 12 machines"
        );
        assert_eq!(found[0].help.as_deref(), Some("give a `computer_name` short enough that `WEBFRONTEND01-12` fits in 15 characters"));
        // A scale set's prefix.
        assert!(messages(&machines(&windows("scale_set", "workers-production", "computer_name = \"wrk\"")), "ASH400").is_empty());
        assert_eq!(
            messages(&machines(&windows("scale_set", "w", "computer_name = \"workers012\"")), "ASH400"),
            ["the computer name prefix `workers012` of scale_set `w` has 10 characters, more than the 9 a Windows scale set's prefix may have"]
        );
    }
}
