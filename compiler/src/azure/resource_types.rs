//! The one table of the Azure resource types ashlar emits: for each, the
//! apiVersion it is written at and whether it takes tags. Lowering stamps the
//! version on every resource, the emitters write it, and the tag policy asks
//! the table whether a resource can carry tags. A new resource type is one row
//! here plus its lowering.
//!
//! The versions are the ones `shared/arm-schemas/SOURCE.md` names, each tested
//! against Microsoft's published schemas by CI. Types that take no tags are
//! child resources whose schema has no `tags` property (subnets, peerings,
//! security rules, routes, rule collection groups, DNS zone groups), backup
//! policies and protected items (their schemas have `tags`, but Azure keeps
//! none: the Terraform provider dropped them as unsupported, #15403; no
//! statement of Microsoft's documentation was found for this, so it stands on
//! that report until one is), and
//! nested deployments, whose tags would only label the deployment record.

/// An Azure resource type as ashlar emits it.
#[derive(Debug, PartialEq, Eq)]
pub struct ResourceType {
    /// `Microsoft.Network/virtualNetworks`.
    pub name: &'static str,
    /// The one apiVersion ashlar writes it at.
    pub api_version: &'static str,
    /// Whether its resources carry tags.
    pub takes_tags: bool,
}

const fn row(name: &'static str, api_version: &'static str, takes_tags: bool) -> ResourceType {
    ResourceType { name, api_version, takes_tags }
}

/// Every type ashlar emits.
#[rustfmt::skip]
pub const RESOURCE_TYPES: &[ResourceType] = &[
    row("Microsoft.Authorization/roleAssignments", "2022-04-01", true),
    row("Microsoft.Compute/availabilitySets", "2026-03-01", true),
    row("Microsoft.Compute/galleries", "2025-12-03", true),
    row("Microsoft.Compute/galleries/images", "2025-12-03", true),
    row("Microsoft.Compute/galleries/images/versions", "2025-12-03", true),
    row("Microsoft.Compute/proximityPlacementGroups", "2026-03-01", true),
    row("Microsoft.Compute/virtualMachines", "2026-03-01", true),
    row("Microsoft.Compute/virtualMachines/extensions", "2026-03-01", true),
    row("Microsoft.Compute/virtualMachineScaleSets", "2026-03-01", true),
    row("Microsoft.DesktopVirtualization/applicationGroups", "2025-10-10", true),
    row("Microsoft.DesktopVirtualization/applicationGroups/applications", "2025-10-10", true),
    row("Microsoft.DesktopVirtualization/hostPools", "2025-10-10", true),
    row("Microsoft.DesktopVirtualization/scalingPlans", "2025-10-10", true),
    row("Microsoft.DesktopVirtualization/workspaces", "2025-10-10", true),
    row("Microsoft.Insights/autoscalesettings", "2022-10-01", true),
    row("Microsoft.KeyVault/vaults", "2026-02-01", true),
    row("Microsoft.Maintenance/configurationAssignments", "2023-04-01", true),
    row("Microsoft.Maintenance/maintenanceConfigurations", "2023-04-01", true),
    row("Microsoft.ManagedIdentity/userAssignedIdentities", "2024-11-30", true),
    row("Microsoft.Network/azureFirewalls", "2025-07-01", true),
    row("Microsoft.Network/bastionHosts", "2025-07-01", true),
    row("Microsoft.Network/connections", "2025-07-01", true),
    row("Microsoft.Network/firewallPolicies", "2025-07-01", true),
    row("Microsoft.Network/firewallPolicies/ruleCollectionGroups", "2025-07-01", false),
    row("Microsoft.Network/loadBalancers", "2025-07-01", true),
    row("Microsoft.Network/localNetworkGateways", "2025-07-01", true),
    row("Microsoft.Network/natGateways", "2025-07-01", true),
    row("Microsoft.Network/networkInterfaces", "2025-07-01", true),
    row("Microsoft.Network/networkSecurityGroups", "2025-07-01", true),
    row("Microsoft.Network/networkSecurityGroups/securityRules", "2025-07-01", false),
    row("Microsoft.Network/privateDnsZones", "2024-06-01", true),
    row("Microsoft.Network/privateDnsZones/virtualNetworkLinks", "2024-06-01", true),
    row("Microsoft.Network/privateEndpoints", "2025-07-01", true),
    row("Microsoft.Network/privateEndpoints/privateDnsZoneGroups", "2025-07-01", false),
    row("Microsoft.Network/publicIPAddresses", "2025-07-01", true),
    row("Microsoft.Network/routeTables", "2025-07-01", true),
    row("Microsoft.Network/routeTables/routes", "2025-07-01", false),
    row("Microsoft.Network/virtualNetworkGateways", "2025-07-01", true),
    row("Microsoft.Network/virtualNetworks", "2025-07-01", true),
    row("Microsoft.Network/virtualNetworks/subnets", "2025-07-01", false),
    row("Microsoft.Network/virtualNetworks/virtualNetworkPeerings", "2025-07-01", false),
    row("Microsoft.RecoveryServices/vaults", "2026-05-01", true),
    row("Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems", "2026-05-01", false),
    row("Microsoft.RecoveryServices/vaults/backupPolicies", "2026-05-01", false),
    row("Microsoft.Resources/deployments", "2025-04-01", false),
    row("Microsoft.Resources/resourceGroups", "2025-04-01", true),
    row("Microsoft.VirtualMachineImages/imageTemplates", "2025-10-01", true),
];

/// The row of a type, named as ARM names it (case-insensitively, as ARM compares).
pub fn resource_type(name: &str) -> Option<&'static ResourceType> {
    RESOURCE_TYPES.iter().find(|t| t.name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

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
