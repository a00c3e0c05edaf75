use crate::azure::compute::{accelerated_networking_unsupported, SUGGESTED_SIZE};
use crate::blocks::compute::{flag, machine_blocks};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports `accelerated_networking = true` on a size known not to support
    /// it: the Av2-series, and the first B-series except `Standard_B12ms`,
    /// `Standard_B16ms` and `Standard_B20ms`. What a size supports comes from
    /// ashlar's catalogue of VM sizes (`compiler/data/vm-sizes.csv`, built from
    /// the size's Microsoft Learn page); a size whose page says nothing of it,
    /// or that another page contradicts, is not checked.
    ///
    /// ## Why it matters
    /// Azure refuses to create the machine, or its network interface, with
    /// accelerated networking on a size without it
    /// (`VMSizeIsNotPermittedToEnableAcceleratedNetworking`).
    ///
    /// ## Example
    /// ```ashlar
    /// compute jump {
    ///   size                   = Standard_B2ms
    ///   accelerated_networking = true
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Choose a size that supports it, such as `Standard_D2s_v5` or a B-series
    /// v2 size (`Standard_B2s_v2`), or remove `accelerated_networking`.
    pub ACCELERATED_NETWORKING_SIZE = ("ASH404", "accelerated-networking-size", Error);
}

pub const CHECK: Check = Check { code: &ACCELERATED_NETWORKING_SIZE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, node) in machine_blocks(model) {
        let (true, Some(attr), Some(size)) = (flag(node, "accelerated_networking"), node.get("accelerated_networking"), node.str("size")) else {
            continue;
        };
        let Some(why) = accelerated_networking_unsupported(size) else { continue };
        let why = why.as_str();
        let mut d = Diagnostic::new(
            &ACCELERATED_NETWORKING_SIZE,
            attr.span,
            format!("{} asks for accelerated networking, but size `{size}` does not support it: {why}", model.describe(block)),
        )
        .with_help(format!("choose a size that supports it, such as `{SUGGESTED_SIZE}`, or remove `accelerated_networking`"));
        if let Some(size_attr) = node.get("size") {
            d = d.with_label(size_attr.span, "the size is chosen here");
        }
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages};

    #[test]
    fn sizes_of_the_table_are_refused() {
        let with = |size: &str| machines(&linux("compute", "web", "accelerated_networking = true").replace("Standard_D2s_v5", size));
        assert_eq!(
            messages(&with("Standard_B2ms"), "ASH404"),
            ["compute `web` asks for accelerated networking, but size `Standard_B2ms` does not support it: of the Bv1-series, only Standard_B12ms, Standard_B16ms and Standard_B20ms support accelerated networking"]
        );
        assert_eq!(messages(&with("Standard_A2_v2"), "ASH404").len(), 1);
        // The Dsv2 page says "Supported", the overview wants two vCPUs: not claimed.
        assert!(messages(&with("Standard_DS1_v2"), "ASH404").is_empty());
        assert!(messages(&with("Standard_B2s_v2"), "ASH404").is_empty());
        assert!(messages(&with("Standard_D2s_v5"), "ASH404").is_empty());
        let off = machines(&linux("compute", "web", "").replace("Standard_D2s_v5", "Standard_B2ms"));
        assert!(messages(&off, "ASH404").is_empty());
    }
}
