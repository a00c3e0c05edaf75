use crate::azure::vm_sizes::lookup;
use crate::blocks::compute::{machine_blocks, nested};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a `compute` or `scale_set` block whose machines take more data
    /// disks (`data_disk` blocks), or more network interfaces, than its `size`
    /// allows: the size's "Max Remote Storage Disks" and "Max NICs" in the VM
    /// size catalogue (`compiler/data/vm-sizes.csv`, built from Microsoft
    /// Learn's size pages, <https://learn.microsoft.com/azure/virtual-machines/sizes/overview>).
    /// ashlar gives each machine one network interface. A size the catalogue
    /// does not know, or whose page gives no number, is not checked.
    ///
    /// ## Why it matters
    /// Azure refuses to create the machine when its data disks or network
    /// interfaces exceed what its size takes, and the deployment stops there.
    ///
    /// ## Example
    /// ```ashlar
    /// compute app {
    ///   size = Standard_B1ms
    ///   data_disk d0 { size_gb = 32 }
    ///   data_disk d1 { size_gb = 32 }
    ///   data_disk d2 { size_gb = 32 }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Choose a larger size, or fewer, larger data disks.
    pub VM_SIZE_LIMITS = ("ASH423", "vm-size-limits", Error);
}

pub const CHECK: Check = Check { code: &VM_SIZE_LIMITS, run };

/// The network interfaces ashlar gives each machine.
const NICS_PER_MACHINE: u32 = 1;

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, node) in machine_blocks(model) {
        let (Some(size_attr), Some(size)) = (node.get("size"), node.str("size").and_then(lookup)) else { continue };
        let disks = nested(model, block, "data_disk");
        if let Some(max) = size.max_data_disks.filter(|&max| disks.len() > max as usize) {
            let span = model.node(disks[max as usize]).head;
            out.push(
                Diagnostic::new(
                    &VM_SIZE_LIMITS,
                    span,
                    format!(
                        "{} has {} data disks, but size `{}` takes at most {max} (\"Max Remote Storage Disks\", Microsoft's {} size page)",
                        model.describe(block),
                        disks.len(),
                        size.name,
                        size.series_name()
                    ),
                )
                .with_label(size_attr.span, "the size is chosen here")
                .with_help(format!("choose a size that takes {} data disks, or use fewer, larger disks", disks.len())),
            );
        }
        if let Some(max) = size.max_nics.filter(|&max| NICS_PER_MACHINE > max) {
            out.push(Diagnostic::new(
                &VM_SIZE_LIMITS,
                size_attr.span,
                format!("size `{}` takes {max} network interfaces (\"Max NICs\"), and each machine of {} has one", size.name, model.describe(block)),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages};

    fn with_disks(size: &str, disks: usize) -> String {
        let disks: String = (0..disks).map(|i| format!("\n data_disk d{i} {{ size_gb = 32 }}")).collect();
        machines(&linux("compute", "web", &disks).replace("Standard_D2s_v5", size))
    }

    #[test]
    fn data_disks_past_the_size_s_maximum_are_refused() {
        // Standard_B1ms takes 2 data disks.
        assert!(messages(&with_disks("Standard_B1ms", 2), "ASH423").is_empty());
        assert_eq!(
            messages(&with_disks("Standard_B1ms", 3), "ASH423"),
            ["compute `web` has 3 data disks, but size `Standard_B1ms` takes at most 2 (\"Max Remote Storage Disks\", Microsoft's Bv1 size page)"]
        );
        // A size the catalogue does not know claims nothing (ASH421 reports it).
        assert!(messages(&with_disks("Standard_Potato", 9), "ASH423").is_empty());
    }

    #[test]
    fn every_size_of_the_catalogue_takes_a_machine_s_one_interface() {
        assert!(crate::azure::vm_sizes::all().iter().all(|s| s.max_nics.is_none_or(|n| n >= super::NICS_PER_MACHINE)));
    }
}
