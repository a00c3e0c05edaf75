use crate::blocks::network::{options_remote, PEERING_KIND};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a `peering NAME { ... }` block whose `NAME` is no network its
    /// network is peered with (its hub, one of its spokes, or a network of
    /// either's `peer` list). (Two blocks for one network are two blocks of
    /// one name, `ASH105`.)
    ///
    /// ## Why it matters
    /// The block's options belong to one side of one peering. With no such
    /// peering they apply to nothing: the plan deploys, without the options
    /// the block asks for.
    ///
    /// ## Example
    /// ```ashlar
    /// spoke app {
    ///   hub = core
    ///   peering shared { forwarded_traffic = false }   // app is not peered with shared
    /// }
    /// ```
    ///
    /// ## Fix
    /// Name the network as its block is named, add it to `peer`, or remove the
    /// block.
    pub PEERING_OPTIONS = ("ASH271", "peering-options", Warning);
}

pub const CHECK: Check = Check { code: &PEERING_OPTIONS, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, node) in model.of_kind(PEERING_KIND) {
        let Some(local) = node.parent else { continue };
        if options_remote(model, block).is_none() {
            out.push(
                Diagnostic::new(&PEERING_OPTIONS, node.head, format!("{} is peered with no network named `{}`", model.describe(local), node.name()))
                    .with_help("name a network this one is peered with (its hub, a spoke of it, or one of a `peer` list), or remove the block"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(spoke_extra: &str) -> String {
        format!(
            "settings {{ location = uksouth }}\nhub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/22]\n}}\nspoke app {{\n resource_group = \"rg\"\n hub = core\n address_space = [10.1.0.0/16]\n {spoke_extra}\n}}\nvnet shared {{\n resource_group = \"rg\"\n address_space = [10.2.0.0/16]\n peer = [app]\n}}\nvnet lone {{\n resource_group = \"rg\"\n address_space = [10.3.0.0/16]\n}}\n"
        )
    }

    #[test]
    fn a_peering_block_names_a_peered_network() {
        assert_eq!(messages(&plan("peering lone { forwarded_traffic = false }"), "ASH271"), ["spoke `app` is peered with no network named `lone`"]);
        assert_eq!(
            messages(&plan("peering nowhere { forwarded_traffic = false }"), "ASH271"),
            ["spoke `app` is peered with no network named `nowhere`"]
        );
        // Its hub, and a network whose `peer` list names it.
        assert!(messages(&plan("peering core { forwarded_traffic = false }\n peering shared { forwarded_traffic = false }"), "ASH271").is_empty());
    }
}
