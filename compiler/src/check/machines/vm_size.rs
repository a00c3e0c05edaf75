use std::collections::HashMap;

use crate::azure::compute::SUGGESTED_SIZE;
use crate::azure::vm_sizes::{self, Known};
use crate::blocks::compute::machine_blocks;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::{Diagnostic, Help};
use crate::model::Model;
use crate::source::Span;

declare_codes! {
    /// ## What it does
    /// Reports a VM size that cannot be one: the `size` of a `compute`, a
    /// `scale_set` or a `desktop_pool`, or the `vm_size` of an image's `build`,
    /// that does not have the form of Azure's size names (`Standard_Potato`, or
    /// `D4s_v5` without its `Standard_`), or that is missing from a series
    /// ashlar's catalogue of VM sizes lists whole (`Standard_D5s_v5`: the Dsv5
    /// series has 2, 4, 8, 16, 32, 48, 64 and 96 vCPUs). The message names the
    /// nearest known sizes; `D4s_v5` gets the fix `Standard_D4s_v5`.
    ///
    /// The catalogue (`compiler/data/vm-sizes.csv`) is built from Microsoft
    /// Learn's size pages, one page a series, each listing every size of its
    /// series; a size of a series it does not cover at all (a newer version
    /// such as `Standard_D4s_v9`, a rarer family, a constrained-vCPU size) is
    /// not refused but warned of (`ASH422`): the catalogue is a snapshot, and
    /// Microsoft's pages already hold series it lacks (the v7 D series), so a
    /// version it does not know is no proof that Azure has none.
    ///
    /// ## Why it matters
    /// Azure refuses a size it does not have (`InvalidParameter`: "The value
    /// ... of parameter 'vmSize' is invalid"), and only when the deployment
    /// reaches the machine.
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
    /// Write the size as Azure names it, `Standard_D4s_v5`, or choose one of
    /// the sizes the series has (`Standard_D4s_v5` rather than
    /// `Standard_D5s_v5`).
    pub VM_SIZE = ("ASH421", "vm-size", Error);
}

pub const CHECK: Check = Check { code: &VM_SIZE, run };

/// Each VM size a plan names: where, the size, and what names it ("compute `web`").
pub(super) fn sizes(model: &Model) -> impl Iterator<Item = (Span, &str, String)> + '_ {
    let machines = machine_blocks(model).map(|(block, node)| (node.get("size"), node.str("size"), model.describe(block)));
    let builds = model.of_kind("build").map(|(_, node)| {
        let owner = node.parent.map_or_else(|| "an image".to_string(), |p| model.describe(p));
        (node.get("vm_size"), node.str("vm_size"), format!("the build of {owner}"))
    });
    machines.chain(builds).filter_map(|(attr, size, what)| Some((attr?.span, size?, what)))
}

/// What the catalogue says of each distinct size, asked once a name however
/// many machines share it, with its nearest known sizes when it is not one.
pub(super) struct Sizes<'a> {
    seen: HashMap<&'a str, (Known, Vec<&'static str>)>,
}

impl<'a> Sizes<'a> {
    pub(super) fn new() -> Self {
        Sizes { seen: HashMap::new() }
    }

    pub(super) fn classify(&mut self, size: &'a str) -> &(Known, Vec<&'static str>) {
        self.seen.entry(size).or_insert_with(|| {
            let known = vm_sizes::classify(size);
            let near = if matches!(known, Known::Size(_)) { Vec::new() } else { vm_sizes::nearest(size, 3) };
            (known, near)
        })
    }
}

/// "the nearest known sizes are `a`, `b` and `c`", with the first as the fix.
pub(super) fn nearest_help(d: Diagnostic, near: &[&'static str]) -> Diagnostic {
    match near {
        [] => {
            d.with_help(format!("write a size as Azure names it, such as `{SUGGESTED_SIZE}` (compiler/data/vm-sizes.csv lists those ashlar knows)"))
        }
        [first, ..] => {
            let names: Vec<String> = near.iter().map(|n| format!("`{n}`")).collect();
            d.with_help(Help::replace(*first, format!("the nearest known sizes are {}", crate::azure::compute::join(&names))))
        }
    }
}

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let mut known = Sizes::new();
    for (span, size, what) in sizes(cx.model) {
        let (class, near) = known.classify(size);
        match *class {
            Known::Size(_) | Known::UnknownSeries => {}
            Known::NotAName => {
                let d = Diagnostic::new(
                    &VM_SIZE,
                    span,
                    format!("size `{size}` of {what} is not in the form of Azure's VM size names (`Standard_`, family, vCPUs, features, version)"),
                );
                out.push(match near.as_slice() {
                    [one] if !size.to_ascii_lowercase().starts_with("standard_") && !size.to_ascii_lowercase().starts_with("basic_") => {
                        d.with_help(Help::replace(*one, format!("Azure names the size `{one}`")))
                    }
                    _ => nearest_help(d, near),
                });
            }
            Known::NotInSeries(series) => {
                let name = vm_sizes::series(series).next().map_or_else(|| series.to_string(), |s| s.series_name());
                let d = Diagnostic::new(
                    &VM_SIZE,
                    span,
                    format!("size `{size}` of {what} is not a size of the {name} series, whose every size ashlar knows"),
                );
                out.push(nearest_help(d, near));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{diagnostics, linux, machines, messages};

    #[test]
    fn sizes_that_cannot_be_are_refused_with_the_nearest() {
        let with = |size: &str| machines(&linux("compute", "web", "").replace("Standard_D2s_v5", size));
        assert!(messages(&with("Standard_D2s_v5"), "ASH421").is_empty());
        assert!(messages(&with("standard_d2s_v5"), "ASH421").is_empty());
        assert!(messages(&with("Standard_E4s_v4"), "ASH421").is_empty());
        let missing = diagnostics(&with("D4s_v5"), "ASH421");
        assert_eq!(
            missing[0].message,
            "size `D4s_v5` of compute `web` is not in the form of Azure's VM size names (`Standard_`, family, vCPUs, features, version)"
        );
        assert_eq!(missing[0].help.as_deref(), Some("Azure names the size `Standard_D4s_v5`"));
        assert_eq!(missing[0].replacement(), Some("Standard_D4s_v5"));
        let potato = diagnostics(&with("Standard_Potato"), "ASH421");
        assert_eq!(potato.len(), 1);
        let d5 = diagnostics(&with("Standard_D5s_v5"), "ASH421");
        assert_eq!(d5[0].message, "size `Standard_D5s_v5` of compute `web` is not a size of the Dsv5 series, whose every size ashlar knows");
        assert!(d5[0].help.as_deref().unwrap().starts_with("the nearest known sizes are `Standard_D"), "{:?}", d5[0].help);
        // A series the catalogue does not cover is ASH422's, a warning.
        assert!(messages(&with("Standard_D4s_v9"), "ASH421").is_empty());
        let scale_set = machines(&linux("scale_set", "w", "").replace("Standard_D2s_v5", "Standard_D3s_v5"));
        assert_eq!(
            messages(&scale_set, "ASH421"),
            ["size `Standard_D3s_v5` of scale_set `w` is not a size of the Dsv5 series, whose every size ashlar knows"]
        );
    }
}
