use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a `scale_set` that names an update group with `updates`: Azure
    /// Update Manager does not patch virtual machine scale sets ("Virtual
    /// Machine Scale Sets: We recommend that you use Automatic upgrades to
    /// patch the Virtual Machine Scale Sets", learn:
    /// update-manager/unsupported-workloads).
    ///
    /// ## Why it matters
    /// The scale set's instances would be set to patch on a schedule that never
    /// reaches them: with `bypassPlatformSafetyChecksOnUserSchedule` and no
    /// schedule, the platform does not patch them either, and they fall behind
    /// without a word.
    ///
    /// ## Example
    /// ```ashlar
    /// scale_set workers {
    ///   updates = sunday_early
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Remove `updates` and patch the scale set by rolling out a new image
    /// (an `image` with a `build`, and `upgrade = rolling`); keep update groups
    /// for `compute` machines.
    pub UPDATE_SCALE_SET = ("ASH606", "update-scale-set", Warning);
}

pub const CHECK: Check = Check { code: &UPDATE_SCALE_SET, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind("scale_set") {
        let Some(attr) = node.get("updates") else { continue };
        out.push(
            Diagnostic::new(&UPDATE_SCALE_SET, attr.key, format!("{} names an update group, but Azure Update Manager does not patch scale sets", model.describe(id)))
                .with_help("remove `updates`, and patch the instances by rolling out a new image with `upgrade = rolling`; update groups patch `compute` machines"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    #[test]
    fn scale_sets_take_no_update_group() {
        let plan = |machines: &str| {
            format!(
                "settings {{ location = uksouth }}\nvnet net {{\n  resource_group = \"rg\"\n  address_space = [10.0.0.0/16]\n  subnet app 10.0.1.0/24\n}}\n\
                 update_group g {{\n  resource_group = \"rg\"\n  daily at 01:00 for 2h\n}}\n\
                 {machines} {{\n  resource_group = \"rg\"\n  subnet = net.app\n  image = ubuntu_2404\n  size = Standard_D2s_v5\n  ssh_key = \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEq2o0R2ZRWkp3cGXb7gDHxSbOaINKzLw7p1tyOp8SMe me\"\n  updates = g\n}}\n"
            )
        };
        assert_eq!(
            messages(&plan("scale_set workers"), "ASH606"),
            ["scale_set `workers` names an update group, but Azure Update Manager does not patch scale sets"]
        );
        assert!(messages(&plan("compute web"), "ASH606").is_empty());
    }
}
