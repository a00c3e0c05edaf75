use crate::blocks::compute::{int, machine_blocks, nested};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports two data disks of one `compute` or `scale_set` block with the
    /// same `lun`. Disks without `lun` take the lowest free ones, in order.
    ///
    /// ## Why it matters
    /// A LUN is the slot a disk takes on the machine's disk controller: Azure
    /// refuses a machine with two disks in one slot (`InvalidParameter`,
    /// duplicate LUN), after the resources before it have deployed.
    ///
    /// ## Example
    /// ```ashlar
    /// compute db {
    ///   data_disk data { size_gb = 512  lun = 0 }
    ///   data_disk logs { size_gb = 128  lun = 0 }
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give each disk its own `lun`, or leave `lun` out and let ashlar number them.
    pub DATA_DISK_LUN = ("ASH412", "data-disk-lun", Error);
}

pub const CHECK: Check = Check { code: &DATA_DISK_LUN, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, _) in machine_blocks(model) {
        let mut seen: Vec<(i64, crate::source::Span, &str)> = Vec::new();
        for disk in nested(model, block, "data_disk") {
            let node = model.node(disk);
            let (Some(lun), Some(attr)) = (int(node, "lun"), node.get("lun")) else { continue };
            if let Some((_, first, first_name)) = seen.iter().find(|(l, _, _)| *l == lun) {
                out.push(
                    Diagnostic::new(
                        &DATA_DISK_LUN,
                        attr.span,
                        format!("data disks `{first_name}` and `{}` of {} both take LUN {lun}", node.name(), model.describe(block)),
                    )
                    .with_label(*first, "the first takes it here")
                    .with_help("give each disk its own `lun`, or leave `lun` out and let ashlar number the disks"),
                );
                continue;
            }
            seen.push((lun, attr.span, node.name()));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages};

    #[test]
    fn each_lun_once() {
        let with = |disks: &str| messages(&machines(&linux("compute", "db", disks)), "ASH412");
        assert_eq!(
            with("data_disk data { size_gb = 8  lun = 0 }\n data_disk logs { size_gb = 8  lun = 0 }"),
            ["data disks `data` and `logs` of compute `db` both take LUN 0"]
        );
        assert!(with("data_disk data { size_gb = 8  lun = 1 }\n data_disk logs { size_gb = 8 }\n data_disk tmp { size_gb = 8 }").is_empty());
    }

    #[test]
    fn disks_without_a_lun_take_the_free_ones() {
        let plan =
            machines(&linux("compute", "db", "data_disk a { size_gb = 8 }\n data_disk b { size_gb = 8  lun = 0 }\n data_disk c { size_gb = 8 }"));
        let analysis = crate::analyze_text(&plan, std::path::Path::new("."));
        let block = analysis.model.of_kind("compute").next().unwrap().0;
        let luns: Vec<i64> = crate::blocks::compute::luns(&analysis.model, block).into_iter().map(|(_, l)| l).collect();
        assert_eq!(luns, [1, 0, 2]);
    }
}
