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
        // Accelerators the file name lowers: `a10`, `a100`, `t4` (`NCasT4v3`, `NCA100v4`).
        for accelerator in ["a10", "t4"] {
            if let Some(a) = name[letters.min(name.len())..].find(accelerator) {
                let at = letters.min(name.len()) + a;
                name.replace_range(at..at + 1, &accelerator[..1].to_ascii_uppercase());
            }
        }
        name
    }
}

struct Catalogue {
    sizes: Vec<VmSize>,
    by_name: HashMap<String, usize>,
    /// Each series' key ([`series_key`]) and its series: what a name must match
    /// for the catalogue to know every size of its series.
    by_key: HashMap<String, &'static str>,
}

fn catalogue() -> &'static Catalogue {
    static CATALOGUE_READ: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE_READ.get_or_init(|| {
        let sizes: Vec<VmSize> = CATALOGUE.lines().filter(|l| !l.starts_with('#') && !l.starts_with("name,") && !l.is_empty()).map(row).collect();
        let by_name = sizes.iter().enumerate().map(|(i, s)| (s.name.to_ascii_lowercase(), i)).collect();
        let by_key = sizes
            .iter()
            .map(|s| (series_key(&s.name.to_ascii_lowercase()).unwrap_or_else(|| panic!("vm-sizes.csv: {} is not a size name", s.name)), s.series))
            .collect();
        Catalogue { sizes, by_name, by_key }
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

/// The date the catalogue was built, as its header says (`2026-12-06`).
pub fn built() -> &'static str {
    CATALOGUE.lines().find_map(|l| l.strip_prefix("# Built: ")).and_then(|rest| rest.split(['.', ' ']).next()).unwrap_or("an unknown date")
}

/// How many series the catalogue covers.
pub fn series_count() -> usize {
    let mut series: Vec<&str> = all().iter().map(|s| s.series).collect();
    series.sort_unstable();
    series.dedup();
    series.len()
}

/// What the catalogue says of a size's name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Known {
    /// A size of the catalogue.
    Size(&'static VmSize),
    /// Not a size, though its series is one the catalogue lists whole: the
    /// series as its file names it (`dsv5` for `Standard_D5s_v5`).
    NotInSeries(&'static str),
    /// A name in Azure's form whose series the catalogue does not cover (a
    /// newer version, a rarer series, a constrained-vCPU size).
    UnknownSeries,
    /// Not a name in Azure's form: no `Standard_` or `Basic_`, no vCPU count
    /// (`Standard_Potato`, `D4s_v5`).
    NotAName,
}

/// What the catalogue says of a name, in any case.
pub fn classify(name: &str) -> Known {
    if let Some(size) = lookup(name) {
        return Known::Size(size);
    }
    let Some(key) = series_key(&name.to_ascii_lowercase()) else { return Known::NotAName };
    match catalogue().by_key.get(&key) {
        Some(series) => Known::NotInSeries(series),
        None => Known::UnknownSeries,
    }
}

/// A lower-case size name without its vCPU count, after "Azure virtual machine
/// sizes naming conventions" (`[Family] + [Sub-family]* + [# of vCPUs] +
/// [Constrained vCPUs]* + [Additive Features] + [Accelerator Type]* +
/// [Version]`): `standard_d4s_v5` -> `d|s_v5`, `standard_nc4as_t4_v3` ->
/// `nc|as_t4_v3`. Two sizes of one series share it. A constrained-vCPU size
/// (`standard_e4-2s_v3`) keeps a `-`, so it never matches a series the
/// catalogue lists (the size pages do not list them). `None` when the name
/// does not have that form.
fn series_key(lower: &str) -> Option<String> {
    let rest = lower.strip_prefix("standard_").or_else(|| lower.strip_prefix("basic_"))?;
    let family_len = rest.bytes().take_while(u8::is_ascii_lowercase).count();
    let (family, rest) = rest.split_at(family_len);
    let vcpus = rest.bytes().take_while(u8::is_ascii_digit).count();
    if family.is_empty() || vcpus == 0 {
        return None;
    }
    let mut rest = &rest[vcpus..];
    let mut constrained = false;
    if let Some(after) = rest.strip_prefix('-') {
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        constrained = true;
        rest = &after[digits..];
    }
    let features_len = rest.bytes().take_while(u8::is_ascii_lowercase).count();
    let (features, suffix) = rest.split_at(features_len);
    // What follows is `_` and a word, as often as it comes: `_t4`, `_v3`.
    if !suffix.is_empty()
        && !suffix.strip_prefix('_')?.split('_').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
    {
        return None;
    }
    Some(format!("{family}{}|{features}{suffix}", if constrained { "-" } else { "" }))
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
        // Names mended from footnote marks run into them.
        assert!(lookup("Standard_D2a_v4").is_some() && lookup("Standard_D2a_v41").is_none());
        assert!(lookup("Standard_L80s_v2").is_some() && lookup("Standard_L80s_v26").is_none());
        let e4s = lookup("Standard_E4s_v4").unwrap();
        assert_eq!((e4s.vcpus, e4s.memory_gib, e4s.max_data_disks, e4s.max_nics, e4s.series), (4, 32.0, Some(8), Some(2), "esv4"));
        let e2v3 = lookup("Standard_E2_v3").unwrap();
        assert_eq!((e2v3.max_data_disks, e2v3.max_nics, e2v3.premium_storage, e2v3.generations), (Some(4), Some(2), Some(false), None));
        for missing in ["Standard_Potato", "Standard_D4s_v9", "D4s_v5", ""] {
            assert!(lookup(missing).is_none(), "{missing}");
        }
    }

    #[test]
    fn vm_sizes_classify_names_by_series() {
        assert!(matches!(classify("Standard_D4s_v5"), Known::Size(_)));
        assert!(matches!(classify("Standard_E4s_v4"), Known::Size(_)));
        assert_eq!(classify("Standard_D5s_v5"), Known::NotInSeries("dsv5"));
        assert_eq!(classify("standard_d5s_v5"), Known::NotInSeries("dsv5"));
        assert_eq!(classify("Standard_B3ms"), Known::NotInSeries("bv1"));
        assert_eq!(classify("Standard_NC5as_T4_v3"), Known::NotInSeries("ncast4v3"));
        for unknown in ["Standard_D4s_v9", "Standard_D4s_v7", "Standard_M128ms", "Standard_E4-2s_v3", "Basic_A1", "Standard_A1"] {
            assert_eq!(classify(unknown), Known::UnknownSeries, "{unknown}");
        }
        for not_a_name in ["Standard_Potato", "D4s_v5", "", "Standard_", "Standard_D4s_", "Standard_D4s__v5", "Standard_D-4s_v5", "Standard_4s_v5"] {
            assert_eq!(classify(not_a_name), Known::NotAName, "{not_a_name}");
        }
        assert_eq!(built(), "2026-12-06");
        assert_eq!(series_count(), 58);
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
        assert_eq!(lookup("Standard_NC4as_T4_v3").unwrap().series_name(), "NCasT4v3");
        assert_eq!(lookup("Standard_NC24ads_A100_v4").unwrap().series_name(), "NCA100v4");
        assert_eq!(lookup("Standard_E2s_v3").unwrap().series_name(), "Esv3");
    }
}
