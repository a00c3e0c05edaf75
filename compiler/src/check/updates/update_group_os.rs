use crate::blocks::compute::{os, Os};
use crate::blocks::updates::{groups_of, os_of};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId};
use crate::source::Span;

declare_codes! {
    /// ## What it does
    /// Reports machines that join an update group which does not patch their
    /// operating system: a Windows `compute` block in a group with
    /// `os = [linux]`, or the reverse.
    ///
    /// ## Why it matters
    /// The group's dynamic scope selects machines by tag and operating system:
    /// it leaves these machines out, and since they patch on schedules only,
    /// nothing patches them, without a word.
    ///
    /// ## Example
    /// ```ashlar
    /// update_group linux_servers {
    ///   os = [linux]
    ///   ...
    /// }
    /// compute iis {
    ///   image   = windows_2022
    ///   updates = linux_servers
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Name a group for the machines' operating system, or add it to the
    /// group's `os`.
    pub UPDATE_GROUP_OS = ("ASH608", "update-group-os", Warning);
}

pub const CHECK: Check = Check { code: &UPDATE_GROUP_OS, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind("compute") {
        let Some(attr) = node.get("updates") else { continue };
        let Some(machine_os) = os(model, id) else { continue };
        for group in groups_of(model, id) {
            wrong_os(model, id, machine_os, group, attr.span, out);
        }
    }
}

/// Reports `group` when it does not patch `machine_os`.
fn wrong_os(model: &Model, id: NodeId, machine_os: Os, group: NodeId, at: Span, out: &mut Vec<Diagnostic>) {
    let (windows, linux) = os_of(model.node(group));
    let patched = match machine_os {
        Os::Windows => windows,
        Os::Linux => linux,
    };
    if patched || (!windows && !linux) {
        return;
    }
    let system = machine_os.word();
    let mut d = Diagnostic::new(
        &UPDATE_GROUP_OS,
        at,
        format!(
            "{} runs {system}, but {} patches only {} machines",
            model.describe(id),
            model.describe(group),
            if windows { "Windows" } else { "Linux" }
        ),
    );
    if let Some(os_attr) = model.node(group).get("os") {
        d = d.with_label(os_attr.span, "the group's operating systems");
    }
    out.push(d.with_help(format!("name a group that patches {system} machines, or add `{}` to the group's `os`", system.to_ascii_lowercase())));
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(os: &str, image: &str) -> String {
        format!(
            "settings {{ location = uksouth }}\nkey_vault kv {{ resource_group = \"rg-kv\" }}\nvnet net {{\n  resource_group = \"rg\"\n  address_space = [10.0.0.0/16]\n  subnet app 10.0.1.0/24\n}}\n\
             update_group g {{\n  resource_group = \"rg\"\n  daily at 01:00 for 2h\n  {os}\n}}\n\
             compute box {{\n  resource_group = \"rg\"\n  subnet = net.app\n  image = {image}\n  size = Standard_D2s_v5\n  admin = secret(kv, \"pw\")\n  updates = g\n}}\n"
        )
    }

    #[test]
    fn the_group_patches_the_machines_system() {
        assert!(messages(&plan("os = [windows]", "windows_2022"), "ASH608").is_empty());
        assert!(messages(&plan("", "windows_2022"), "ASH608").is_empty());
        assert!(messages(&plan("os = [linux]", "ubuntu_2404"), "ASH608").is_empty());
        assert_eq!(
            messages(&plan("os = [linux]", "windows_2022"), "ASH608"),
            ["compute `box` runs Windows, but update_group `g` patches only Linux machines"]
        );
        assert_eq!(
            messages(&plan("os = [windows]", "ubuntu_2404"), "ASH608"),
            ["compute `box` runs Linux, but update_group `g` patches only Windows machines"]
        );
    }
}
