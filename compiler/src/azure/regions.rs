//! Azure public-cloud region names, as `az account list-locations` gives them.

pub const REGIONS: &[&str] = &[
    "australiacentral",
    "australiacentral2",
    "australiaeast",
    "australiasoutheast",
    "austriaeast",
    "belgiumcentral",
    "brazilsouth",
    "brazilsoutheast",
    "canadacentral",
    "canadaeast",
    "centralindia",
    "centralus",
    "chilecentral",
    "eastasia",
    "eastus",
    "eastus2",
    "francecentral",
    "francesouth",
    "germanynorth",
    "germanywestcentral",
    "indonesiacentral",
    "israelcentral",
    "italynorth",
    "japaneast",
    "japanwest",
    "jioindiacentral",
    "jioindiawest",
    "koreacentral",
    "koreasouth",
    "malaysiawest",
    "mexicocentral",
    "newzealandnorth",
    "northcentralus",
    "northeurope",
    "norwayeast",
    "norwaywest",
    "polandcentral",
    "qatarcentral",
    "southafricanorth",
    "southafricawest",
    "southcentralus",
    "southeastasia",
    "southindia",
    "spaincentral",
    "swedencentral",
    "swedensouth",
    "switzerlandnorth",
    "switzerlandwest",
    "uaecentral",
    "uaenorth",
    "uksouth",
    "ukwest",
    "westcentralus",
    "westeurope",
    "westindia",
    "westus",
    "westus2",
    "westus3",
];

pub fn is_region(name: &str) -> bool {
    REGIONS.contains(&name)
}

/// Microsoft's geo-code of each region it lists, what a `{region}` naming
/// placeholder becomes: "Geo-code mapping" (learn: backup/scripts/geo-code-list,
/// <https://learn.microsoft.com/azure/backup/scripts/geo-code-list>), the codes
/// Azure Backup uses in its private endpoints' DNS names. The list's second
/// code of each region (ending in `r`, its pair's) is left out, and so are
/// regions it does not list: a plan gives those its own code
/// (`naming { region_codes { italynorth = "itn" } }`).
#[rustfmt::skip]
pub const GEO_CODES: &[(&str, &str)] = &[
    ("southcentralus", "scus"), ("northcentralus", "ncus"), ("eastus", "eus"), ("westus", "wus"),
    ("northeurope", "ne"), ("westeurope", "we"), ("eastasia", "ea"), ("southeastasia", "sea"),
    ("centralus", "cus"), ("eastus2", "eus2"), ("japaneast", "jpe"), ("japanwest", "jpw"),
    ("brazilsouth", "brs"), ("australiaeast", "ae"), ("australiasoutheast", "ase"), ("centralindia", "inc"),
    ("southindia", "ins"), ("canadacentral", "cnc"), ("canadaeast", "cne"), ("westcentralus", "wcus"),
    ("westus2", "wus2"), ("ukwest", "ukw"), ("uksouth", "uks"), ("koreacentral", "krc"),
    ("koreasouth", "krs"), ("francecentral", "frc"), ("francesouth", "frs"), ("australiacentral", "acl"),
    ("australiacentral2", "acl2"), ("uaecentral", "uac"), ("uaenorth", "uan"), ("southafricanorth", "san"),
    ("southafricawest", "saw"), ("westindia", "inw"), ("germanywestcentral", "gwc"), ("germanynorth", "gn"),
    ("switzerlandnorth", "szn"), ("switzerlandwest", "szw"), ("norwaywest", "nww"), ("norwayeast", "nwe"),
    ("swedencentral", "sdc"), ("swedensouth", "sds"), ("brazilsoutheast", "bse"), ("westus3", "wus3"),
    ("jioindiacentral", "jic"), ("jioindiawest", "jiw"),
];

/// Microsoft's geo-code of a region, when its list has one.
pub fn geo_code(region: &str) -> Option<&'static str> {
    GEO_CODES.iter().find(|(r, _)| r.eq_ignore_ascii_case(region)).map(|(_, code)| *code)
}
