use crate::azure::vm_sizes::{self, Known};
use crate::check::machines::vm_size::{nearest_help, sizes, Sizes};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Warns of a VM size in the form of Azure's size names whose series
    /// ashlar's catalogue of VM sizes does not cover: a newer version
    /// (`Standard_D4s_v9`), a rarer family (`Standard_M128ms`), a
    /// constrained-vCPU size (`Standard_E4-2s_v3`). The message says how many
    /// series the catalogue covers and when it was built, and names the
    /// nearest sizes it knows.
    ///
    /// The catalogue (`compiler/data/vm-sizes.csv`) is built from Microsoft
    /// Learn's size pages; a size missing from a series it covers, or a name
    /// not in Azure's form, is an error (`ASH421`). A series it does not cover
    /// is not: the catalogue is a snapshot, and a series it lacks may be real.
    ///
    /// ## Why it matters
    /// The checks that read a size's facts (premium disks `ASH411`,
    /// accelerated networking `ASH404`, generations `ASH403`, data disks and
    /// network interfaces per machine) know nothing of the size and skip it:
    /// the plan builds without them, and a misspelt version (`v9` for `v5`)
    /// reaches Azure, which refuses a size it does not have.
    ///
    /// ## Example
    /// ```ashlar
    /// compute web {
    ///   size = Standard_D4s_v9
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Check the size against Microsoft's size pages. A real size of a series
    /// the catalogue lacks is added by a line in `SERIES` of
    /// `scripts/vm-sizes/build.py` (`compiler/data/README.md`); until then
    /// `allow unknown-vm-series` keeps the plan quiet.
    pub UNKNOWN_VM_SERIES = ("ASH422", "unknown-vm-series", Warning);
}

pub const CHECK: Check = Check { code: &UNKNOWN_VM_SERIES, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let mut known = Sizes::new();
    for (span, size, what) in sizes(cx.model) {
        let (class, near) = known.classify(size);
        if *class != Known::UnknownSeries {
            continue;
        }
        let d = Diagnostic::new(
            &UNKNOWN_VM_SERIES,
            span,
            format!(
                "size `{size}` of {what} is of a series ashlar's catalogue of VM sizes does not know ({} series, built {}): the checks that read a size's facts skip it",
                vm_sizes::series_count(),
                vm_sizes::built()
            ),
        );
        out.push(nearest_help(d, near));
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{diagnostics, linux, machines, messages};

    #[test]
    fn sizes_of_series_the_catalogue_lacks_are_warned_of() {
        let with = |size: &str| machines(&linux("compute", "web", "").replace("Standard_D2s_v5", size));
        let v9 = diagnostics(&with("Standard_D4s_v9"), "ASH422");
        assert_eq!(
            v9[0].message,
            "size `Standard_D4s_v9` of compute `web` is of a series ashlar's catalogue of VM sizes does not know (58 series, built 2026-12-06): the checks that read a size's facts skip it"
        );
        assert_eq!(v9[0].severity, crate::diagnostic::Severity::Warning);
        assert!(v9[0].help.as_deref().unwrap().starts_with("the nearest known sizes are `Standard_D4s_v"), "{:?}", v9[0].help);
        assert!(messages(&with("Standard_D4s_v9"), "ASH421").is_empty());
        for quiet in ["Standard_D2s_v5", "Standard_D5s_v5", "Standard_Potato", "D4s_v5"] {
            assert!(messages(&with(quiet), "ASH422").is_empty(), "{quiet}");
        }
        assert_eq!(messages(&with("Standard_E4-2s_v3"), "ASH422").len(), 1);
    }
}
