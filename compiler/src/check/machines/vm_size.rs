use crate::azure::compute::SUGGESTED_SIZE;
use crate::azure::vm_sizes;
use crate::blocks::compute::machine_blocks;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::{Diagnostic, Help};

declare_codes! {
    /// ## What it does
    /// Reports a VM size that is not in ashlar's catalogue of VM sizes
    /// (`compiler/data/vm-sizes.csv`, built from Microsoft Learn's size
    /// pages): the `size` of a `compute`, a `scale_set` or a `desktop_pool`,
    /// and the `vm_size` of an image's `build`. The message names the nearest
    /// known sizes; a size written without its `Standard_` prefix (`D4s_v5`)
    /// gets the fix `Standard_D4s_v5`.
    ///
    /// ## Why it matters
    /// Azure refuses a size it does not have (`InvalidParameter`: "The value
    /// ... of parameter 'vmSize' is invalid"), and only when the deployment
    /// reaches the machine. A size ashlar does not know is also one it can
    /// check nothing of: premium disks, accelerated networking, generations.
    ///
    /// ## Example
    /// ```ashlar
    /// compute web {
    ///   size = D4s_v5
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Write the size as Azure names it, `Standard_D4s_v5`. A real size the
    /// catalogue lacks is added by a line in `SERIES` of
    /// `scripts/vm-sizes/build.py` (`compiler/data/README.md`); until then
    /// `allow vm-size` keeps the plan building.
    pub VM_SIZE = ("ASH421", "vm-size", Error);
}

pub const CHECK: Check = Check { code: &VM_SIZE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let machines = machine_blocks(model).map(|(block, node)| (node.get("size"), node.str("size"), model.describe(block)));
    let builds = model.of_kind("build").map(|(_, node)| {
        let owner = node.parent.map_or_else(|| "an image".to_string(), |p| model.describe(p));
        (node.get("vm_size"), node.str("vm_size"), format!("the build of {owner}"))
    });
    for (attr, size, what) in machines.chain(builds) {
        let (Some(attr), Some(size)) = (attr, size) else { continue };
        if vm_sizes::lookup(size).is_some() {
            continue;
        }
        let near = vm_sizes::nearest(size, 3);
        let d = Diagnostic::new(&VM_SIZE, attr.span, format!("size `{size}` of {what} is not a VM size ashlar knows"));
        out.push(match near.as_slice() {
            [] => d.with_help(format!(
                "write a size as Azure names it, such as `{SUGGESTED_SIZE}` (compiler/data/vm-sizes.csv lists those ashlar knows)"
            )),
            [one] if !size.starts_with("Standard_") && !size.starts_with("Basic_") => {
                d.with_help(Help::replace(*one, format!("Azure names the size `{one}`")))
            }
            [first, ..] => {
                let names: Vec<String> = near.iter().map(|n| format!("`{n}`")).collect();
                d.with_help(Help::replace(*first, format!("the nearest known sizes are {}", crate::azure::compute::join(&names))))
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{diagnostics, linux, machines, messages};

    #[test]
    fn unknown_sizes_are_refused_with_the_nearest() {
        let with = |size: &str| machines(&linux("compute", "web", "").replace("Standard_D2s_v5", size));
        assert!(messages(&with("Standard_D2s_v5"), "ASH421").is_empty());
        assert!(messages(&with("standard_d2s_v5"), "ASH421").is_empty());
        let missing = diagnostics(&with("D4s_v5"), "ASH421");
        assert_eq!(missing[0].message, "size `D4s_v5` of compute `web` is not a VM size ashlar knows");
        assert_eq!(missing[0].help.as_deref(), Some("Azure names the size `Standard_D4s_v5`"));
        assert_eq!(missing[0].replacement(), Some("Standard_D4s_v5"));
        let v9 = diagnostics(&with("Standard_D4s_v9"), "ASH421");
        assert!(v9[0].help.as_deref().unwrap().starts_with("the nearest known sizes are `Standard_D4s_v"), "{:?}", v9[0].help);
        let potato = diagnostics(&with("Standard_Potato"), "ASH421");
        assert_eq!(potato.len(), 1);
        let scale_set = machines(&linux("scale_set", "w", "").replace("Standard_D2s_v5", "Standard_D2s_v9"));
        assert_eq!(messages(&scale_set, "ASH421"), ["size `Standard_D2s_v9` of scale_set `w` is not a VM size ashlar knows"]);
    }
}
