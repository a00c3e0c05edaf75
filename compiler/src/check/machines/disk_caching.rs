use crate::blocks::compute::{int, machine_blocks, nested};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a `data_disk` of 4,096 GiB or more with `caching = read_only`
    /// or `read_write`.
    ///
    /// ## Why it matters
    /// "Disk caching isn't supported for disks 4 TiB and larger. If multiple
    /// disks are attached to your VM, each disk that's smaller than 4 TiB
    /// supports caching"
    /// (<https://learn.microsoft.com/azure/virtual-machines/premium-storage-performance#disk-caching>).
    /// ashlar does not write a setting Microsoft does not support, and the
    /// caching asked for would not happen.
    ///
    /// ## Example
    /// ```ashlar
    /// data_disk archive {
    ///   size_gb = 8192
    ///   caching = read_only
    /// }
    /// ```
    ///
    /// ## Fix
    /// Remove `caching` (or write `none`), or split the data over disks smaller
    /// than 4,096 GiB, each of which may be cached.
    pub DISK_CACHING = ("ASH429", "disk-caching", Error);
}

pub const CHECK: Check = Check { code: &DISK_CACHING, run };

/// The smallest disk, in GiB, that Azure does not cache: 4 TiB.
const UNCACHED_FROM_GB: i64 = 4096;

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, _) in machine_blocks(model) {
        for disk in nested(model, block, "data_disk") {
            let disk = model.node(disk);
            let (Some(caching), Some(attr), Some(gb)) = (disk.str("caching"), disk.get("caching"), int(disk, "size_gb")) else { continue };
            if caching == "none" || gb < UNCACHED_FROM_GB {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &DISK_CACHING,
                    attr.span,
                    format!("data_disk `{}` of {} has {gb} GiB, and Azure caches no disk of 4 TiB or more", disk.name(), model.describe(block)),
                )
                .with_help(format!("remove `caching`, or use disks of less than {UNCACHED_FROM_GB} GiB, which Azure caches")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages};

    #[test]
    fn four_tebibytes_and_more_are_not_cached() {
        let disk = |size: i64, caching: &str| {
            machines(&linux("compute", "db", &format!("data_disk archive {{\n size_gb = {size}\n caching = {caching}\n }}")))
        };
        assert_eq!(
            messages(&disk(4096, "read_only"), "ASH429"),
            ["data_disk `archive` of compute `db` has 4096 GiB, and Azure caches no disk of 4 TiB or more"]
        );
        assert!(messages(&disk(4095, "read_only"), "ASH429").is_empty());
        assert!(messages(&disk(8192, "none"), "ASH429").is_empty());
    }
}
