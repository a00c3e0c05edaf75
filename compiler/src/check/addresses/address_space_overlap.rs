use crate::address::earlier_overlaps;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports two prefixes of one virtual network's `address_space` that overlap:
    /// the same prefix twice, or one inside the other.
    ///
    /// ## Why it matters
    /// Azure rejects a virtual network whose address prefixes overlap, after the
    /// resources before it have been deployed; and ashlar could not tell which
    /// prefix an `auto` subnet belongs to.
    ///
    /// ## Example
    /// ```ashlar
    /// hub core {
    ///   address_space = [10.0.0.0/16, 10.0.4.0/24]
    /// }
    /// ```
    ///
    /// ## Fix
    /// Remove the prefix that the other already holds.
    pub ADDRESS_SPACE_OVERLAP = ("ASH207", "address-space-overlap", Error);
}

pub const CHECK: Check = Check { code: &ADDRESS_SPACE_OVERLAP, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (network, node) in model.networks() {
        let space = node.prefixes("address_space");
        let prefixes: Vec<_> = space.iter().map(|s| s.value).collect();
        for (i, partner) in earlier_overlaps(&prefixes).into_iter().enumerate() {
            let Some(earlier) = partner.map(|j| &space[j]) else { continue };
            let later = &space[i];
            let (a, b) = (later.value, earlier.value);
            let what = model.describe(network);
            let (message, help) = if a == b {
                (format!("{a} is given twice in the address space of {what}"), format!("remove the second {a}"))
            } else if b.contains(&a) {
                (format!("{a} lies inside {b}, also in the address space of {what}"), format!("remove {a}: {b} already holds it"))
            } else {
                (format!("{a} holds {b}, also in the address space of {what}"), format!("remove {b}: {a} already holds it"))
            };
            out.push(Diagnostic::new(&ADDRESS_SPACE_OVERLAP, later.span, message).with_label(earlier.span, format!("{b} is here")).with_help(help));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(space: &str) -> String {
        format!("settings {{ location = uksouth }}\nhub core {{\n resource_group = \"rg\"\n address_space = [{space}]\n}}\n")
    }

    #[test]
    fn each_overlap_is_reported_at_the_later_prefix() {
        assert_eq!(
            messages(&plan("10.0.4.0/24, 10.1.0.0/16, 10.0.0.0/16, 10.1.0.0/16"), "ASH207"),
            [
                "10.0.0.0/16 holds 10.0.4.0/24, also in the address space of hub `core`",
                "10.1.0.0/16 is given twice in the address space of hub `core`",
            ]
        );
    }

    #[test]
    fn ipv4_and_ipv6_prefixes_never_overlap() {
        assert!(messages(&plan("0.0.0.0/2, ::/2"), "ASH207").is_empty());
        assert_eq!(
            messages(&plan("fd00::/48, fd00:0:0:8::/64"), "ASH207"),
            ["fd00:0:0:8::/64 lies inside fd00::/48, also in the address space of hub `core`"]
        );
    }
}
