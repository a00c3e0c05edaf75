//! The VM sizes ashlar knows, and what Microsoft's documentation says of each:
//! `compiler/data/vm-sizes.csv`, built from Microsoft Learn's size pages by
//! `scripts/vm-sizes/build.py` (`compiler/data/README.md` gives the pages, their
//! commits and where each column comes from). A fact the pages do not give, or
//! give two ways, is `None`: checks claim nothing from it.
//!
//! The table is read once, on first use, into a map from the lower-case name
//! (Azure takes a size's name in any case); a lookup is one hash.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The catalogue as vendored.
pub const CATALOGUE: &str = include_str!("../../data/vm-sizes.csv");

/// Whether a size supports accelerated networking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accelerated {
    Unsupported,
    Supported,
    /// "Accelerated Networking: Required" (the Dv5 family and others).
    Required,
}

/// The Hyper-V generations a size boots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generations {
    pub gen1: bool,
    pub gen2: bool,
}

/// One size of the catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct VmSize {
    pub name: &'static str,
    pub vcpus: u32,
    pub memory_gib: f64,
    pub premium_storage: Option<bool>,
    pub accelerated_networking: Option<Accelerated>,
    pub generations: Option<Generations>,
    pub max_data_disks: Option<u32>,
    pub max_nics: Option<u32>,
    pub encryption_at_host: Option<bool>,
    pub trusted_launch: Option<bool>,
    /// The series page the size comes from, as its file names it: `dsv5`, `bv1`.
    pub series: &'static str,
}

impl VmSize {
    /// The series as Microsoft writes it: `Dsv5`, `Bv1`, `NVadsA10v5`.
    pub fn series_name(&self) -> String {
        let mut name = self.series.to_string();
        // Upper-case the family letters the file name lowers: `nvadsa10v5` -> `NVadsA10v5`.
        let family = self.name.trim_start_matches("Standard_").trim_start_matches("Basic_");
        let letters = family.chars().take_while(char::is_ascii_uppercase).count();
        name.replace_range(..letters.min(name.len()), &family[..letters]);
        if let Some(a) = name.find("a10") {
            name.replace_range(a..a + 1, "A");
        }
        name
    }
}

struct Catalogue {
    sizes: Vec<VmSize>,
    by_name: HashMap<String, usize>,
}

fn catalogue() -> &'static Catalogue {
    static CATALOGUE_READ: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE_READ.get_or_init(|| {
        let sizes: Vec<VmSize> = CATALOGUE.lines().filter(|l| !l.starts_with('#') && !l.starts_with("name,") && !l.is_empty()).map(row).collect();
        let by_name = sizes.iter().enumerate().map(|(i, s)| (s.name.to_ascii_lowercase(), i)).collect();
        Catalogue { sizes, by_name }
    })
}

fn fact(value: &str) -> Option<bool> {
    match value {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

fn count(value: &str) -> Option<u32> {
    value.parse().ok()
}

fn row(line: &'static str) -> VmSize {
    let f: Vec<&'static str> = line.split(',').collect();
    assert_eq!(f.len(), 11, "vm-sizes.csv: {line}");
    VmSize {
        name: f[0],
        vcpus: f[1].parse().unwrap_or_else(|_| panic!("vm-sizes.csv: vcpus of {line}")),
        memory_gib: f[2].parse().unwrap_or_else(|_| panic!("vm-sizes.csv: memory of {line}")),
        premium_storage: fact(f[3]),
        accelerated_networking: match f[4] {
            "yes" => Some(Accelerated::Supported),
            "required" => Some(Accelerated::Required),
            "no" => Some(Accelerated::Unsupported),
            _ => None,
        },
        generations: match f[5] {
            "1" => Some(Generations { gen1: true, gen2: false }),
            "2" => Some(Generations { gen1: false, gen2: true }),
            "1+2" => Some(Generations { gen1: true, gen2: true }),
            _ => None,
        },
        max_data_disks: count(f[6]),
        max_nics: count(f[7]),
        encryption_at_host: fact(f[8]),
        trusted_launch: fact(f[9]),
        series: f[10],
    }
}

/// The size of that name, in any case.
pub fn lookup(name: &str) -> Option<&'static VmSize> {
    let catalogue = catalogue();
    catalogue.by_name.get(&name.to_ascii_lowercase()).map(|&i| &catalogue.sizes[i])
}

/// Every size, by name.
pub fn all() -> &'static [VmSize] {
    &catalogue().sizes
}

/// The sizes of a series, by name.
pub fn series(series: &str) -> impl Iterator<Item = &'static VmSize> + '_ {
    all().iter().filter(move |s| s.series == series)
}

/// The known sizes nearest an unknown name, best first, at most `n`: the name
/// with `Standard_` before it when that is a size (`D4s_v5`), else the sizes
/// whose names are close (`Standard_D4s_v9`: `Standard_D4s_v4`, `Standard_D4s_v5`, ...).
pub fn nearest(name: &str, n: usize) -> Vec<&'static str> {
    if let Some(size) = lookup(&format!("Standard_{name}")) {
        return vec![size.name];
    }
    let lower = name.to_ascii_lowercase();
    let chars = lower.chars().count();
    let mut scored: Vec<(f64, &'static str)> =
        all().iter().filter_map(|s| crate::diagnostic::near(&lower, chars, &s.name.to_ascii_lowercase()).map(|score| (score, s.name))).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.into_iter().take(n).map(|(_, name)| name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vm_sizes_catalogue_reads_whole_and_sorted() {
        let sizes = all();
        assert!(sizes.len() >= 200, "{}", sizes.len());
        assert!(sizes.windows(2).all(|w| w[0].name < w[1].name), "sorted by name, no duplicates");
        let rows = CATALOGUE.lines().filter(|l| l.starts_with("Standard_") || l.starts_with("Basic_")).count();
        assert_eq!(rows, sizes.len());
    }

    #[test]
    fn vm_sizes_facts_of_known_sizes() {
        let d2s = lookup("Standard_D2s_v5").unwrap();
        assert_eq!((d2s.vcpus, d2s.memory_gib, d2s.max_data_disks, d2s.max_nics), (2, 8.0, Some(4), Some(2)));
        assert_eq!(d2s.premium_storage, Some(true));
        assert_eq!(d2s.accelerated_networking, Some(Accelerated::Required));
        assert_eq!(d2s.generations, Some(Generations { gen1: true, gen2: true }));
        assert_eq!(d2s.encryption_at_host, None);
        assert_eq!(lookup("standard_d2s_v5").map(|s| s.name), Some("Standard_D2s_v5"));
        assert_eq!(lookup("Standard_D2_v5").unwrap().premium_storage, Some(false));
        assert_eq!(lookup("Standard_A2_v2").unwrap().generations, Some(Generations { gen1: true, gen2: false }));
        assert_eq!(lookup("Standard_D2s_v6").unwrap().generations, Some(Generations { gen1: false, gen2: true }));
        assert_eq!(lookup("Standard_B2ms").unwrap().accelerated_networking, Some(Accelerated::Unsupported));
        assert_eq!(lookup("Standard_B12ms").unwrap().accelerated_networking, Some(Accelerated::Supported));
        // Where Microsoft's pages disagree, nothing is known.
        assert_eq!(lookup("Standard_DS2_v2").unwrap().premium_storage, None);
        assert_eq!(lookup("Standard_DS1_v2").unwrap().accelerated_networking, None);
        assert!(lookup("Standard_B1ls").is_some() && lookup("Standard_B1ls2").is_none());
        for missing in ["Standard_Potato", "Standard_D4s_v9", "D4s_v5", ""] {
            assert!(lookup(missing).is_none(), "{missing}");
        }
    }

    #[test]
    fn vm_sizes_nearest_names() {
        assert_eq!(nearest("D4s_v5", 3), ["Standard_D4s_v5"]);
        let near = nearest("Standard_D4s_v9", 3);
        assert_eq!(near.len(), 3);
        assert!(near.iter().all(|n| n.starts_with("Standard_D4")), "{near:?}");
        assert!(nearest("Zebra", 3).is_empty());
    }

    #[test]
    fn vm_sizes_series_names() {
        assert_eq!(lookup("Standard_D2s_v5").unwrap().series_name(), "Dsv5");
        assert_eq!(lookup("Standard_B2ms").unwrap().series_name(), "Bv1");
        assert_eq!(lookup("Standard_NV6ads_A10_v5").unwrap().series_name(), "NVadsA10v5");
        assert_eq!(lookup("Standard_DS1_v2").unwrap().series_name(), "DSv2");
    }
}
