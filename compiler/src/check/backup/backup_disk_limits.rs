use crate::blocks::compute::{int, nested};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Checks the disks of `compute` machines with `backup` against what Azure
    /// Backup protects: at most 32 data disks, and at most 256 TiB (262144 GiB)
    /// of disks in all, the OS disk's written `size_gb` included (Support
    /// matrix for Azure VM backup, "VM storage support").
    ///
    /// ## Why it matters
    /// Azure Backup does not back up a machine beyond these limits: the plan
    /// deploys, and the machines have no backups.
    ///
    /// ## Example
    /// ```ashlar
    /// compute db {
    ///   backup = nightly
    ///   data_disk d1 { size_gb = 32767 }
    ///   ...
    ///   data_disk d9 { size_gb = 32767 }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Fewer or smaller data disks; keep large data in a service with backups of
    /// its own, such as a storage account.
    pub BACKUP_DISK_LIMITS = ("ASH458", "backup-disk-limits", Warning);
}

pub const CHECK: Check = Check { code: &BACKUP_DISK_LIMITS, run };

/// The most data disks, and GiB of disks, Azure Backup protects on one machine.
const MAX_DATA_DISKS: usize = 32;
const MAX_GIB: i64 = 256 * 1024;

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, node) in model.of_kind("compute") {
        let Some(backup) = node.get("backup") else { continue };
        let disks = nested(model, block, "data_disk");
        let what = model.describe(block);
        if disks.len() > MAX_DATA_DISKS {
            out.push(
                Diagnostic::new(
                    &BACKUP_DISK_LIMITS,
                    model.node(disks[MAX_DATA_DISKS]).head,
                    format!("{what} has {} data disks, but Azure Backup protects machines with at most {MAX_DATA_DISKS}", disks.len()),
                )
                .with_label(backup.key.to(backup.span), "backup is asked for here")
                .with_help(format!("give the machines at most {MAX_DATA_DISKS} data disks, or keep the data elsewhere")),
            );
            continue;
        }
        let os = nested(model, block, "os_disk").first().and_then(|&d| int(model.node(d), "size_gb")).unwrap_or(0);
        let total: i64 = os + disks.iter().filter_map(|&d| int(model.node(d), "size_gb")).sum::<i64>();
        if total > MAX_GIB {
            out.push(
                Diagnostic::new(
                    &BACKUP_DISK_LIMITS,
                    backup.key.to(backup.span),
                    format!("the disks of each machine of {what} hold {total} GiB, but Azure Backup protects machines with at most {MAX_GIB} GiB (256 TiB) of disks"),
                )
                .with_help("make the disks smaller or fewer, or keep the large data in a service with backups of its own"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages};

    fn with(disks: &str) -> Vec<String> {
        let policy = "backup_policy nightly { daily at 01:00 retain 30d }\n";
        messages(&machines(&format!("{policy}{}", linux("compute", "db", &format!("backup = nightly\n{disks}")))), "ASH458")
    }

    fn disks(n: usize, size: i64) -> String {
        (0..n).map(|i| format!(" data_disk d{i} {{ size_gb = {size} }}\n")).collect()
    }

    #[test]
    fn thirty_two_data_disks_and_256_tib_at_most() {
        assert!(with(&disks(32, 8192)).is_empty(), "32 disks of 8 TiB: 256 TiB exactly");
        assert_eq!(with(&disks(33, 8)), ["compute `db` has 33 data disks, but Azure Backup protects machines with at most 32"]);
        assert_eq!(
            with(&format!("{} os_disk {{ size_gb = 1 }}\n", disks(32, 8192))),
            ["the disks of each machine of compute `db` hold 262145 GiB, but Azure Backup protects machines with at most 262144 GiB (256 TiB) of disks"]
        );
        // Without backup, nothing to check.
        let plain = machines(&linux("compute", "db", &disks(33, 8)));
        assert!(messages(&plain, "ASH458").is_empty());
    }
}
