use crate::azure::compute::{without_local_storage, EPHEMERAL_OS_DISK_MAX_GB};
use crate::blocks::compute::{int, machine_blocks, nested};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Checks an `os_disk` with `ephemeral`: the machines' size must have local
    /// storage (a size of version 4 or later has it only when its name has a
    /// `d`, as `Standard_D2ds_v5` does and `Standard_D2s_v5` does not), the
    /// disk at most 2,040 GiB, and its caching `read_only`, the only caching
    /// of an ephemeral OS disk.
    ///
    /// ## Why it matters
    /// An ephemeral OS disk lives on the host's cache, temporary or NVMe disk:
    /// "All VM sizes with local storage" take one, and it is at most "Cache,
    /// temp, or NVMe disk size for the VM size or 2,040 GiB, whichever is
    /// smaller" (<https://learn.microsoft.com/azure/virtual-machines/ephemeral-os-disks>).
    /// Azure refuses the machine when the deployment reaches it.
    ///
    /// ## Example
    /// ```ashlar
    /// scale_set workers {
    ///   size = Standard_D2s_v5
    ///   os_disk { ephemeral = resource }
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Choose a size with a local disk (`Standard_D2ds_v5` rather than
    /// `Standard_D2s_v5`), a smaller `size_gb`, or leave `caching` out; or
    /// remove `ephemeral` and keep a managed OS disk.
    pub EPHEMERAL_OS_DISK = ("ASH426", "ephemeral-os-disk", Error);
}

pub const CHECK: Check = Check { code: &EPHEMERAL_OS_DISK, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, node) in machine_blocks(model) {
        for disk in nested(model, block, "os_disk") {
            let disk = model.node(disk);
            let Some(ephemeral) = disk.get("ephemeral") else { continue };
            let what = format!("the ephemeral OS disk of {}", model.describe(block));
            if let Some(size) = node.str("size").filter(|s| without_local_storage(s)) {
                out.push(
                    Diagnostic::new(&EPHEMERAL_OS_DISK, ephemeral.span, format!("{what} needs local storage, and size {size} has no local disk"))
                        .with_help("choose a size whose name has a `d`, such as `Standard_D2ds_v5`, or remove `ephemeral`"),
                );
            }
            if let (Some(gb), Some(attr)) = (int(disk, "size_gb"), disk.get("size_gb")) {
                if gb > EPHEMERAL_OS_DISK_MAX_GB {
                    out.push(
                        Diagnostic::new(
                            &EPHEMERAL_OS_DISK,
                            attr.span,
                            format!("{what} has {gb} GiB, more than the {EPHEMERAL_OS_DISK_MAX_GB} GiB an ephemeral OS disk may have"),
                        )
                        .with_help(format!("give at most {EPHEMERAL_OS_DISK_MAX_GB} GiB, no more than the size's local disk, or remove `ephemeral`")),
                    );
                }
            }
            if let (Some(caching), Some(attr)) = (disk.str("caching"), disk.get("caching")) {
                if caching != "read_only" {
                    out.push(
                        Diagnostic::new(
                            &EPHEMERAL_OS_DISK,
                            attr.span,
                            format!("{what} is cached `{caching}`, but an ephemeral OS disk is cached `read_only`"),
                        )
                        .with_help("remove `caching`: ashlar writes `read_only` for an ephemeral OS disk"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages};

    #[test]
    fn sizes_without_local_storage_sizes_and_caching() {
        let with = |size: &str, disk: &str| machines(&linux("scale_set", "w", &format!("os_disk {{ {disk} }}")).replace("Standard_D2s_v5", size));
        assert_eq!(
            messages(&with("Standard_D2s_v5", "ephemeral = resource"), "ASH426"),
            ["the ephemeral OS disk of scale_set `w` needs local storage, and size Standard_D2s_v5 has no local disk"]
        );
        assert!(messages(&with("Standard_D2ds_v5", "ephemeral = resource"), "ASH426").is_empty());
        // An older size has a temporary disk without the `d`.
        assert!(messages(&with("Standard_DS2_v2", "ephemeral = cache"), "ASH426").is_empty());
        assert_eq!(
            messages(&with("Standard_D2ds_v5", "ephemeral = resource\n size_gb = 3000\n caching = read_write"), "ASH426"),
            [
                "the ephemeral OS disk of scale_set `w` has 3000 GiB, more than the 2040 GiB an ephemeral OS disk may have",
                "the ephemeral OS disk of scale_set `w` is cached `read_write`, but an ephemeral OS disk is cached `read_only`"
            ]
        );
        // A managed OS disk takes any caching.
        assert!(messages(&with("Standard_D2s_v5", "caching = none"), "ASH426").is_empty());
    }
}
