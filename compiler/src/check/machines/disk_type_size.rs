use crate::azure::compute::{parse_size, supports_premium_storage};
use crate::blocks::compute::{machine_blocks, nested};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a premium SSD (`Premium_LRS`, `Premium_ZRS`) on a size that
    /// cannot use one, such as `Standard_D2_v5` or `Standard_A2_v2`. What a
    /// size takes comes from ashlar's catalogue of VM sizes
    /// (`compiler/data/vm-sizes.csv`, built from the size's Microsoft Learn
    /// page, "Premium Storage: Not Supported"); a size whose page says nothing
    /// of it, or that another page contradicts, is not checked.
    ///
    /// ## Why it matters
    /// Azure refuses the machine: the storage account type `Premium_LRS` is
    /// not supported for the size (`BadRequest`). Without a `type`, ashlar
    /// picks `Premium_LRS` only for sizes that take it, else `StandardSSD_LRS`.
    ///
    /// ## Example
    /// ```ashlar
    /// compute web {
    ///   size = Standard_D2_v5
    ///   os_disk { type = Premium_LRS }
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Choose the size's premium-capable sibling (`Standard_D2s_v5`), or a
    /// standard SSD (`StandardSSD_LRS`).
    pub DISK_TYPE_SIZE = ("ASH411", "disk-type-size", Error);
}

pub const CHECK: Check = Check { code: &DISK_TYPE_SIZE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, node) in machine_blocks(model) {
        let Some(size) = node.str("size") else { continue };
        if supports_premium_storage(size) != Some(false) {
            continue;
        }
        // The premium-capable sibling (`Standard_D2_v5`: `Standard_D2s_v5`), when the catalogue has it so.
        let sibling = parse_size(size)
            .map(|p| {
                let features = format!("{}s", p.features);
                let version = p.version.map_or(String::new(), |v| format!("_v{v}"));
                format!("{}_{}{}{features}{version}", p.tier, p.family, p.vcpus)
            })
            .filter(|s| supports_premium_storage(s) == Some(true));
        let mut disks = nested(model, block, "os_disk");
        disks.extend(nested(model, block, "data_disk"));
        for disk in disks {
            let disk_node = model.node(disk);
            let (Some(attr), Some(kind)) = (disk_node.get("type"), disk_node.str("type")) else { continue };
            if !kind.starts_with("Premium") {
                continue;
            }
            let which = if disk_node.is("os_disk") { "the OS disk".to_string() } else { format!("data disk `{}`", disk_node.name()) };
            let suggestion = sibling.as_ref().map_or(String::new(), |s| format!("a size with `s`, such as `{s}`, or "));
            let mut d = Diagnostic::new(
                &DISK_TYPE_SIZE,
                attr.span,
                format!("{which} of {} is {kind}, but size `{size}` cannot use premium SSDs", model.describe(block)),
            )
            .with_help(format!("choose {suggestion}`StandardSSD_LRS`: Microsoft's page for size `{size}` says \"Premium Storage: Not Supported\""));
            if let Some(size_attr) = node.get("size") {
                d = d.with_label(size_attr.span, "the size is chosen here");
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages};

    #[test]
    fn premium_disks_need_an_s_size() {
        let with = |size: &str, disks: &str| messages(&machines(&linux("compute", "web", disks).replace("Standard_D2s_v5", size)), "ASH411");
        assert_eq!(
            with("Standard_D2_v5", "os_disk { type = Premium_LRS }\n data_disk logs { size_gb = 8  type = Premium_ZRS }\n data_disk tmp { size_gb = 8  type = StandardSSD_LRS }"),
            [
                "the OS disk of compute `web` is Premium_LRS, but size `Standard_D2_v5` cannot use premium SSDs",
                "data disk `logs` of compute `web` is Premium_ZRS, but size `Standard_D2_v5` cannot use premium SSDs",
            ]
        );
        let found = crate::check::test_support::diagnostics(
            &machines(&linux("compute", "web", "os_disk { type = Premium_LRS }").replace("Standard_D2s_v5", "Standard_D2_v5")),
            "ASH411",
        );
        assert_eq!(
            found[0].help.as_deref(),
            Some("choose a size with `s`, such as `Standard_D2s_v5`, or `StandardSSD_LRS`: Microsoft's page for size `Standard_D2_v5` says \"Premium Storage: Not Supported\"")
        );
        assert!(with("Standard_D2s_v5", "os_disk { type = Premium_LRS }").is_empty());
        // The catalogue knows nothing of premium storage on Dsv2 (its page contradicts its name): not claimed.
        assert!(with("Standard_DS2_v2", "os_disk { type = Premium_LRS }").is_empty());
        assert_eq!(with("Standard_E2_v5", "os_disk { type = Premium_LRS }").len(), 1);
        // No type: ashlar picks one the size takes.
        assert!(with("Standard_D2_v5", "os_disk { size_gb = 64 }").is_empty());
    }
}
