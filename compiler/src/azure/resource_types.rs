//! The one table of the Azure resource types ashlar emits: for each, the
//! apiVersion it is written at, whether it takes tags, and the rule its names
//! follow. Lowering stamps the version on every resource, the emitters write
//! it, the tag policy asks the table whether a resource can carry tags, and
//! the name check (`ASH301`) checks each lowered resource's name by its type's
//! rule ([`crate::azure::names`]). A new resource type is one row here plus
//! its lowering.
//!
//! The abbreviations that `{type}` stands for in `naming` patterns are not
//! here: they belong to a block's pattern, not to a type (a load balancer is
//! `lbi` or `lbe`, a gateway `vpng` or `ergw`, by what the plan makes of it),
//! so they stay with the patterns in `blocks/naming.rs`.
//!
//! The versions are the ones `shared/arm-schemas/SOURCE.md` names, each tested
//! against Microsoft's published schemas by CI. Types that take no tags are
//! child resources whose schema has no `tags` property (subnets, peerings,
//! security rules, routes, rule collection groups, DNS zone groups), diagnostic
//! settings (extension resources whose schema has no `tags`), backup
//! policies and protected items (their schemas have `tags`, but Azure keeps
//! none: the Terraform provider dropped them as unsupported, #15403; no
//! statement of Microsoft's documentation was found for this, so it stands on
//! that report until one is), and
//! nested deployments, whose tags would only label the deployment record.

use super::names::*;

/// An Azure resource type as ashlar emits it.
#[derive(Debug, PartialEq, Eq)]
pub struct ResourceType {
    /// `Microsoft.Network/virtualNetworks`.
    pub name: &'static str,
    /// The one apiVersion ashlar writes it at.
    pub api_version: &'static str,
    /// Whether its resources carry tags.
    pub takes_tags: bool,
    /// The rule its resources' names follow, or why none is checked.
    pub naming: Naming,
}

/// What the name check knows of a type's names.
#[derive(Debug, PartialEq, Eq)]
pub enum Naming {
    /// Azure's rule, checked on the last segment of every resource's name.
    Rule(&'static NameRule),
    /// No rule is checked on the type's own names, for the reason given.
    Unchecked(&'static str),
}

const fn row(name: &'static str, api_version: &'static str, takes_tags: bool, naming: Naming) -> ResourceType {
    ResourceType { name, api_version, takes_tags, naming }
}

use Naming::{Rule, Unchecked};

/// Every type ashlar emits.
#[rustfmt::skip]
pub const RESOURCE_TYPES: &[ResourceType] = &[
    row("Microsoft.Authorization/roleAssignments", "2022-04-01", true, Unchecked("a GUID that ashlar derives from what the assignment joins")),
    row("Microsoft.Compute/availabilitySets", "2026-03-01", true, Rule(&AVAILABILITY_SET)),
    row("Microsoft.Compute/galleries", "2025-12-03", true, Rule(&GALLERY)),
    row("Microsoft.Compute/galleries/images", "2025-12-03", true, Rule(&IMAGE_DEFINITION)),
    row("Microsoft.Compute/galleries/images/versions", "2025-12-03", true, Unchecked("a version number: a `MAJOR.MINOR.PATCH` literal whose parts the parser holds to 32 bits (`ASH004`, `ASH104`)")),
    row("Microsoft.Compute/proximityPlacementGroups", "2026-03-01", true, Rule(&PROXIMITY_PLACEMENT_GROUP)),
    row("Microsoft.Compute/virtualMachines", "2026-03-01", true, Unchecked("the computer name too unless the block gives a `computer_name`; `ASH400` checks the computer name by the rule of the machine's OS")),
    row("Microsoft.Compute/virtualMachines/extensions", "2026-03-01", true, Unchecked("a fixed name that ashlar gives")),
    row("Microsoft.Compute/virtualMachineScaleSets", "2026-03-01", true, Unchecked("also the prefix of its computer names, which `ASH400` checks by the rule of the OS")),
    row("Microsoft.DesktopVirtualization/applicationGroups", "2025-10-10", true, Rule(&APPLICATION_GROUP)),
    row("Microsoft.DesktopVirtualization/applicationGroups/applications", "2025-10-10", true, Rule(&REMOTE_APPLICATION)),
    row("Microsoft.DesktopVirtualization/hostPools", "2025-10-10", true, Rule(&HOST_POOL)),
    row("Microsoft.DesktopVirtualization/scalingPlans", "2025-10-10", true, Rule(&SCALING_PLAN)),
    row("Microsoft.DesktopVirtualization/workspaces", "2025-10-10", true, Rule(&DESKTOP_WORKSPACE)),
    row("Microsoft.Insights/autoscalesettings", "2022-10-01", true, Unchecked("no rule checked yet")),
    row("Microsoft.Insights/diagnosticSettings", "2021-05-01-preview", false, Unchecked("a name the plan's `diagnostics` block gives, `diagnostics` unless it says otherwise")),
    row("Microsoft.KeyVault/vaults", "2026-02-01", true, Unchecked("no rule checked yet")),
    row("Microsoft.Maintenance/configurationAssignments", "2023-04-01", true, Unchecked("no rule checked yet")),
    row("Microsoft.Maintenance/maintenanceConfigurations", "2023-04-01", true, Unchecked("its length with its resource group's: see `names::MAX_MAINTENANCE_NAMES`")),
    row("Microsoft.ManagedIdentity/userAssignedIdentities", "2024-11-30", true, Rule(&MANAGED_IDENTITY)),
    row("Microsoft.Network/azureFirewalls", "2025-07-01", true, Rule(&FIREWALL)),
    row("Microsoft.Network/bastionHosts", "2025-07-01", true, Rule(&BASTION)),
    row("Microsoft.Network/connections", "2025-07-01", true, Rule(&CONNECTION)),
    row("Microsoft.Network/ddosProtectionPlans", "2025-07-01", true, Unchecked("no rule checked yet")),
    row("Microsoft.Network/firewallPolicies", "2025-07-01", true, Rule(&FIREWALL_POLICY)),
    row("Microsoft.Network/firewallPolicies/ruleCollectionGroups", "2025-07-01", false, Unchecked("a fixed name that ashlar gives")),
    row("Microsoft.Network/loadBalancers", "2025-07-01", true, Rule(&LOAD_BALANCER)),
    row("Microsoft.Network/localNetworkGateways", "2025-07-01", true, Rule(&LOCAL_GATEWAY)),
    row("Microsoft.Network/natGateways", "2025-07-01", true, Rule(&NAT_GATEWAY)),
    row("Microsoft.Network/networkInterfaces", "2025-07-01", true, Rule(&NETWORK_INTERFACE)),
    row("Microsoft.Network/networkSecurityGroups", "2025-07-01", true, Rule(&NSG)),
    row("Microsoft.Network/networkSecurityGroups/securityRules", "2025-07-01", false, Rule(&SECURITY_RULE)),
    row("Microsoft.Network/privateDnsZones", "2024-06-01", true, Unchecked("a DNS zone, which `ASH251` checks")),
    row("Microsoft.Network/privateDnsZones/virtualNetworkLinks", "2024-06-01", true, Rule(&DNS_LINK)),
    row("Microsoft.Network/privateEndpoints", "2025-07-01", true, Rule(&PRIVATE_ENDPOINT)),
    row("Microsoft.Network/privateEndpoints/privateDnsZoneGroups", "2025-07-01", false, Unchecked("a fixed name that ashlar gives")),
    row("Microsoft.Network/publicIPAddresses", "2025-07-01", true, Rule(&PUBLIC_IP)),
    row("Microsoft.Network/routeTables", "2025-07-01", true, Rule(&ROUTE_TABLE)),
    row("Microsoft.Network/routeTables/routes", "2025-07-01", false, Rule(&ROUTE)),
    row("Microsoft.Network/virtualNetworkGateways", "2025-07-01", true, Rule(&GATEWAY)),
    row("Microsoft.Network/virtualNetworks", "2025-07-01", true, Rule(&VIRTUAL_NETWORK)),
    row("Microsoft.Network/virtualNetworks/subnets", "2025-07-01", false, Rule(&SUBNET)),
    row("Microsoft.Network/virtualNetworks/virtualNetworkPeerings", "2025-07-01", false, Rule(&PEERING)),
    row("Microsoft.OperationalInsights/workspaces", "2025-07-01", true, Rule(&LOG_ANALYTICS)),
    row("Microsoft.RecoveryServices/vaults", "2026-05-01", true, Rule(&RECOVERY_VAULT)),
    row("Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems", "2026-05-01", false, Unchecked("Azure Backup's own names for a machine")),
    row("Microsoft.RecoveryServices/vaults/backupPolicies", "2026-05-01", false, Rule(&BACKUP_POLICY)),
    row("Microsoft.Resources/deployments", "2025-04-01", false, Unchecked("names that ashlar gives")),
    row("Microsoft.Resources/resourceGroups", "2025-04-01", true, Rule(&RESOURCE_GROUP)),
    row("Microsoft.VirtualMachineImages/imageTemplates", "2025-10-01", true, Rule(&IMAGE_TEMPLATE)),
];

/// The name rule of a type, when it has one that is checked.
pub fn name_rule(name: &str) -> Option<&'static NameRule> {
    match resource_type(name)?.naming {
        Naming::Rule(rule) => Some(rule),
        Naming::Unchecked(_) => None,
    }
}

/// The row of a type, named as ARM names it (case-insensitively, as ARM compares).
pub fn resource_type(name: &str) -> Option<&'static ResourceType> {
    RESOURCE_TYPES.iter().find(|t| t.name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each row says how its names are checked: a rule, or why there is none
    /// (a row cannot leave it out), and no two types share a rule by mistake.
    #[test]
    fn every_type_has_a_name_rule_or_a_reason() {
        for row in RESOURCE_TYPES {
            match &row.naming {
                Naming::Rule(rule) => {
                    assert!(rule.min >= 1 && rule.min <= rule.max, "{}: {rule:?}", row.name);
                    assert!(!rule.what.is_empty() && !rule.allowed.is_empty(), "{}", row.name);
                }
                Naming::Unchecked(reason) => assert!(!reason.is_empty(), "{}: say why its names are not checked", row.name),
            }
        }
        let rules: Vec<&str> = RESOURCE_TYPES.iter().filter_map(|t| name_rule(t.name)).map(|r| r.what).collect();
        let mut distinct = rules.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(rules.len(), distinct.len(), "each rule names one type: {rules:?}");
        assert_eq!(name_rule("microsoft.network/virtualnetworks").map(|r| r.what), Some("virtual network"));
    }

    #[test]
    fn each_type_has_one_row_in_order() {
        let names: Vec<String> = RESOURCE_TYPES.iter().map(|t| t.name.to_ascii_lowercase()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(names, sorted, "one row a type, in alphabetical order");
    }

    /// Every type the lowering code makes a resource of, written in the
    /// `Resource::new(...)` call or as a constant it names, has a row, so that
    /// no resource reaches the emitters without a version.
    #[test]
    fn every_type_lowering_names_has_a_row() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut missing = Vec::new();
        let mut calls = 0;
        for folder in ["blocks", "lower"] {
            for entry in std::fs::read_dir(root.join(folder)).unwrap() {
                let path = entry.unwrap().path();
                let text = std::fs::read_to_string(&path).unwrap();
                // `const NAME: &str = "Microsoft.…";`
                let constants: Vec<(&str, &str)> = text
                    .lines()
                    .filter_map(|l| {
                        let (head, value) = l.split_once(": &str = \"")?;
                        Some((head.split_whitespace().last()?, value.split('"').next()?))
                    })
                    .filter(|(_, v)| v.starts_with("Microsoft."))
                    .collect();
                // A call may run over several lines: its first three.
                let lines: Vec<&str> = text.lines().collect();
                for (at, _) in lines.iter().enumerate().filter(|(_, l)| l.contains("Resource::new(") && !l.contains("fn ")) {
                    calls += 1;
                    let call = lines[at..lines.len().min(at + 3)].join(" ");
                    let literals = call.split('"').skip(1).step_by(2).filter(|l| l.starts_with("Microsoft."));
                    let named = constants
                        .iter()
                        .filter(|(name, _)| call.split(|c: char| !c.is_alphanumeric() && c != '_').any(|w| w == *name))
                        .map(|(_, v)| *v);
                    for name in literals.chain(named) {
                        if resource_type(name).is_none() {
                            missing.push(format!("{}: {name}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(calls >= 20, "found only {calls} calls of Resource::new");
        assert!(missing.is_empty(), "types without a row: {missing:?}");
    }
}
