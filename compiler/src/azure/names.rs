//! Azure's rules for the names of the resources ashlar emits: each a length,
//! the characters allowed, and what a name may start and end with, in words
//! for messages. [`crate::azure::resource_types`] gives each type its rule;
//! the few names that are not resources of their own (managed disks, an image
//! template's run outputs) have theirs here too.
//!
//! Source, unless a rule says otherwise: "Naming rules and restrictions for
//! Azure resources",
//! <https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules>
//! (shared design notes, azure-facts 5.5).

/// Azure's rule for the names of one resource type.
#[derive(Debug)]
pub struct NameRule {
    /// The resource in words, for messages: `virtual network`.
    pub what: &'static str,
    pub min: usize,
    pub max: usize,
    /// Characters allowed anywhere, in words.
    pub allowed: &'static str,
    pub char_ok: fn(char) -> bool,
    pub start_ok: fn(char) -> bool,
    /// What a valid name does at its start, in words.
    pub start: &'static str,
    pub end_ok: fn(char) -> bool,
    /// What a valid name does at its end, in words.
    pub end: &'static str,
}

impl PartialEq for NameRule {
    fn eq(&self, other: &Self) -> bool {
        self.what == other.what && self.min == other.min && self.max == other.max && self.allowed == other.allowed
    }
}

impl Eq for NameRule {}

/// One way a name breaks its rule: what the name does, and what it should do.
#[derive(Debug, PartialEq)]
pub struct Problem {
    pub fact: String,
    pub wanted: String,
}

/// A character as messages show it.
fn show(c: char) -> String {
    match c {
        ' ' => "a space".to_string(),
        c if c.is_control() || c.is_whitespace() => format!("U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

/// Joins clauses: "a", "a and b", "a, b and c".
pub fn join(clauses: &[String]) -> String {
    match clauses {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

impl NameRule {
    /// What is wrong with a name; empty when it is valid.
    pub fn problems(&self, name: &str) -> Vec<Problem> {
        let mut found = Vec::new();
        let len = name.chars().count();
        if len < self.min || len > self.max {
            let chars = if len == 1 { "character" } else { "characters" };
            found.push(Problem { fact: format!("has {len} {chars}"), wanted: format!("has {} to {} characters", self.min, self.max) });
        }
        let mut bad: Vec<char> = name.chars().filter(|&c| !(self.char_ok)(c)).collect();
        bad.sort_unstable();
        bad.dedup();
        if !bad.is_empty() {
            let shown: Vec<String> = bad.into_iter().map(show).collect();
            found.push(Problem { fact: format!("contains {}", join(&shown)), wanted: format!("holds only {}", self.allowed) });
        }
        if let Some(c) = name.chars().next().filter(|&c| (self.char_ok)(c) && !(self.start_ok)(c)) {
            found.push(Problem { fact: format!("starts with `{c}`"), wanted: self.start.to_string() });
        }
        if let Some(c) = name.chars().last().filter(|&c| (self.char_ok)(c) && !(self.end_ok)(c)) {
            found.push(Problem { fact: format!("ends with `{c}`"), wanted: self.end.to_string() });
        }
        found
    }
}

fn network_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

fn network_end(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn group_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '(' | ')')
}

/// The rule of most `Microsoft.Network` and `Microsoft.Compute` types: letters,
/// digits, `_`, `.` and `-`, starting with a letter or digit and ending with a
/// letter, digit or `_`.
const fn network_rule(what: &'static str, min: usize, max: usize) -> NameRule {
    NameRule {
        what,
        min,
        max,
        allowed: "letters, digits, `_`, `.` and `-`",
        char_ok: network_char,
        start_ok: |c| c.is_ascii_alphanumeric(),
        start: "starts with a letter or digit",
        end_ok: network_end,
        end: "ends with a letter, digit or `_`",
    }
}

/// `Microsoft.Network/virtualNetworks`: 2 to 64.
pub const VIRTUAL_NETWORK: NameRule = network_rule("virtual network", 2, 64);
/// `virtualNetworks/subnets`: 1 to 80.
pub const SUBNET: NameRule = network_rule("subnet", 1, 80);
/// `virtualNetworks/virtualNetworkPeerings`: 1 to 80.
pub const PEERING: NameRule = network_rule("peering", 1, 80);
/// `Microsoft.Network/privateEndpoints`: 2 to 64.
pub const PRIVATE_ENDPOINT: NameRule = network_rule("private endpoint", 2, 64);
/// `privateDnsZones/virtualNetworkLinks`: 1 to 80.
pub const DNS_LINK: NameRule = network_rule("virtual network link", 1, 80);
/// `Microsoft.Network/networkSecurityGroups`: 1 to 80.
pub const NSG: NameRule = network_rule("network security group", 1, 80);
/// `Microsoft.Network/routeTables`: 1 to 80.
pub const ROUTE_TABLE: NameRule = network_rule("route table", 1, 80);
/// `networkSecurityGroups/securityRules`: 1 to 80.
pub const SECURITY_RULE: NameRule = network_rule("security rule", 1, 80);
/// `routeTables/routes`: 1 to 80.
pub const ROUTE: NameRule = network_rule("route", 1, 80);
/// `Microsoft.Network/azureFirewalls`: 1 to 80 by the naming rules, and 50 at
/// most by the Azure Firewall FAQ ("There's a 50 character limit for a
/// firewall name", <https://learn.microsoft.com/azure/firewall/firewall-faq>).
pub const FIREWALL: NameRule = network_rule("firewall", 1, 50);
/// `Microsoft.Network/firewallPolicies`: 1 to 80.
pub const FIREWALL_POLICY: NameRule = network_rule("firewall policy", 1, 80);
/// `Microsoft.Network/bastionHosts`: 1 to 80.
pub const BASTION: NameRule = network_rule("Bastion host", 1, 80);
/// `Microsoft.Network/virtualNetworkGateways`: 1 to 80.
pub const GATEWAY: NameRule = network_rule("virtual network gateway", 1, 80);
/// `Microsoft.Network/publicIPAddresses`: 1 to 80.
pub const PUBLIC_IP: NameRule = network_rule("public IP address", 1, 80);
/// `Microsoft.Network/localNetworkGateways`: 1 to 80.
pub const LOCAL_GATEWAY: NameRule = network_rule("local network gateway", 1, 80);
/// `Microsoft.Network/connections`: 1 to 80.
pub const CONNECTION: NameRule = network_rule("connection", 1, 80);
/// `Microsoft.Network/natGateways`: 1 to 80.
pub const NAT_GATEWAY: NameRule = network_rule("NAT gateway", 1, 80);
/// `Microsoft.Network/networkInterfaces`: 1 to 80.
pub const NETWORK_INTERFACE: NameRule = network_rule("network interface", 1, 80);
/// `Microsoft.Network/loadBalancers`: 1 to 80.
pub const LOAD_BALANCER: NameRule = network_rule("load balancer", 1, 80);
/// `Microsoft.Compute/availabilitySets`: 1 to 80.
pub const AVAILABILITY_SET: NameRule = network_rule("availability set", 1, 80);
/// `Microsoft.Compute/proximityPlacementGroups`: 1 to 80.
pub const PROXIMITY_PLACEMENT_GROUP: NameRule = network_rule("proximity placement group", 1, 80);
/// `Microsoft.Compute/disks`: 1 to 80. A machine's managed disks are named in
/// its `storageProfile`, not deployed as resources of their own.
pub const DISK: NameRule = network_rule("managed disk", 1, 80);

/// `Microsoft.Compute/images` (managed images): 1 to 80, as the naming rules
/// give them with availability sets and snapshots.
pub const MANAGED_IMAGE: NameRule = network_rule("managed image", 1, 80);
/// `Microsoft.Compute/virtualMachines`, the resource's name: 1 to 64 (the 15
/// characters of Windows are its computer name's), none of
/// `` ~ ! @ # $ % ^ & * ( ) = + _ [ ] { } \ | ; : ' " , < > / ? `` nor spaces,
/// not ending with `.` or `-`. A `.` is refused in a Windows machine's name
/// only, which an `existing virtual_machine` does not say: it is let through.
pub const VIRTUAL_MACHINE: NameRule = NameRule {
    what: "virtual machine",
    min: 1,
    max: 64,
    allowed: "letters, digits, `-` and `.`",
    char_ok: |c| c.is_ascii_alphanumeric() || c == '-' || c == '.',
    start_ok: |c| c.is_ascii_alphanumeric() || c == '-' || c == '.',
    start: "starts with a letter, digit, `-` or `.`",
    end_ok: |c| c.is_ascii_alphanumeric(),
    end: "ends with a letter or digit",
};

/// `Microsoft.Compute/galleries`: 1 to 80 letters, digits and `.`, starting
/// and ending with a letter or digit.
pub const GALLERY: NameRule = NameRule {
    what: "gallery",
    min: 1,
    max: 80,
    allowed: "letters, digits and `.`",
    char_ok: |c| c.is_ascii_alphanumeric() || c == '.',
    start_ok: |c| c.is_ascii_alphanumeric(),
    start: "starts with a letter or digit",
    end_ok: |c| c.is_ascii_alphanumeric(),
    end: "ends with a letter or digit",
};
/// `Microsoft.Storage/storageAccounts`: 3 to 24 lower-case letters and
/// digits ("Storage account names must be between 3 and 24 characters in
/// length and use numbers and lower-case letters only",
/// <https://learn.microsoft.com/dotnet/api/microsoft.azure.powershell.cmdlets.functions.models.ifunctionsidentity.accountname>).
/// Only existing accounts are named in a plan (`existing storage_account`).
pub const STORAGE_ACCOUNT: NameRule = NameRule {
    what: "storage account",
    min: 3,
    max: 24,
    allowed: "lower-case letters and digits",
    char_ok: |c| c.is_ascii_lowercase() || c.is_ascii_digit(),
    start_ok: |_| true,
    start: "",
    end_ok: |_| true,
    end: "",
};
/// `Microsoft.KeyVault/vaults`: 3 to 24 letters, digits and `-`, starting with
/// a letter and ending with a letter or digit.
pub const KEY_VAULT: NameRule = NameRule {
    what: "key vault",
    min: 3,
    max: 24,
    allowed: "letters, digits and `-`",
    char_ok: |c| c.is_ascii_alphanumeric() || c == '-',
    start_ok: |c| c.is_ascii_alphabetic(),
    start: "starts with a letter",
    end_ok: |c| c.is_ascii_alphanumeric(),
    end: "ends with a letter or digit",
};
/// `Microsoft.Sql/servers`: 1 to 63 lower-case letters, digits and `-`, not
/// starting or ending with `-`.
pub const SQL_SERVER: NameRule = NameRule {
    what: "SQL server",
    min: 1,
    max: 63,
    allowed: "lower-case letters, digits and `-`",
    char_ok: |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
    start_ok: |c| c != '-',
    start: "starts with a letter or digit",
    end_ok: |c| c != '-',
    end: "ends with a letter or digit",
};
/// `Microsoft.OperationalInsights/workspaces`: 4 to 63 letters, digits and
/// `-`, starting and ending with a letter or digit.
pub const LOG_ANALYTICS: NameRule = NameRule {
    what: "Log Analytics workspace",
    min: 4,
    max: 63,
    allowed: "letters, digits and `-`",
    char_ok: |c| c.is_ascii_alphanumeric() || c == '-',
    start_ok: |c| c.is_ascii_alphanumeric(),
    start: "starts with a letter or digit",
    end_ok: |c| c.is_ascii_alphanumeric(),
    end: "ends with a letter or digit",
};
/// `galleries/images`: 1 to 80 letters, digits, `_`, `-` and `.`, starting and
/// ending with a letter or digit.
pub const IMAGE_DEFINITION: NameRule = NameRule {
    what: "image definition",
    min: 1,
    max: 80,
    allowed: "letters, digits, `_`, `-` and `.`",
    char_ok: network_char,
    start_ok: |c| c.is_ascii_alphanumeric(),
    start: "starts with a letter or digit",
    end_ok: |c| c.is_ascii_alphanumeric(),
    end: "ends with a letter or digit",
};
/// Image templates and the run outputs of their distributions:
/// `^[A-Za-z0-9-_.]{1,64}$` (the `Microsoft.VirtualMachineImages` schema).
const fn template_rule(what: &'static str) -> NameRule {
    NameRule {
        what,
        min: 1,
        max: 64,
        allowed: "letters, digits, `-`, `_` and `.`",
        char_ok: network_char,
        start_ok: network_char,
        start: "",
        end_ok: network_char,
        end: "",
    }
}
/// `Microsoft.VirtualMachineImages/imageTemplates`.
pub const IMAGE_TEMPLATE: NameRule = template_rule("image template");
/// The `runOutputName` of an image template's distribution: not a resource of its own.
pub const RUN_OUTPUT: NameRule = template_rule("run output");
/// `Microsoft.ManagedIdentity/userAssignedIdentities`: 3 to 128 letters,
/// digits, `-` and `_`, starting with a letter or digit.
pub const MANAGED_IDENTITY: NameRule = NameRule {
    what: "managed identity",
    min: 3,
    max: 128,
    allowed: "letters, digits, `-` and `_`",
    char_ok: |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'),
    start_ok: |c| c.is_ascii_alphanumeric(),
    start: "starts with a letter or digit",
    end_ok: |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'),
    end: "",
};
/// `Microsoft.RecoveryServices/vaults`: 2 to 50 letters, digits and `-`,
/// starting with a letter.
pub const RECOVERY_VAULT: NameRule = NameRule {
    what: "Recovery Services vault",
    min: 2,
    max: 50,
    allowed: "letters, digits and `-`",
    char_ok: |c| c.is_ascii_alphanumeric() || c == '-',
    start_ok: |c| c.is_ascii_alphabetic(),
    start: "starts with a letter",
    end_ok: |c| c.is_ascii_alphanumeric() || c == '-',
    end: "",
};
/// `vaults/backupPolicies`: 3 to 150 letters, digits and `-`, starting with a
/// letter and not ending with `-`.
pub const BACKUP_POLICY: NameRule = NameRule {
    what: "backup policy",
    min: 3,
    max: 150,
    allowed: "letters, digits and `-`",
    char_ok: |c| c.is_ascii_alphanumeric() || c == '-',
    start_ok: |c| c.is_ascii_alphabetic(),
    start: "starts with a letter",
    end_ok: |c| c.is_ascii_alphanumeric(),
    end: "does not end with `-`",
};
/// `Microsoft.Resources/resourceGroups`: 1 to 90 Unicode letters and digits,
/// `_`, `-`, `.`, `(` and `)`, not ending with `.`.
pub const RESOURCE_GROUP: NameRule = NameRule {
    what: "resource group",
    min: 1,
    max: 90,
    allowed: "letters, digits, `_`, `-`, `.`, `(` and `)`",
    char_ok: group_char,
    start_ok: group_char,
    start: "",
    end_ok: |c| group_char(c) && c != '.',
    end: "does not end with `.`",
};

/// Azure Virtual Desktop's objects: `^[A-Za-z0-9@.\-_ ]*$` (the
/// `Microsoft.DesktopVirtualization` schema in bicep-types, 2025-10-10).
const fn desktop_rule(what: &'static str, min: usize, max: usize) -> NameRule {
    NameRule {
        what,
        min,
        max,
        allowed: "letters, digits, spaces, `@`, `.`, `-` and `_`",
        char_ok: |c| c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '-' | '_' | ' '),
        start_ok: |_| true,
        start: "",
        end_ok: |_| true,
        end: "",
    }
}
/// `Microsoft.DesktopVirtualization/hostPools`: 3 to 64.
pub const HOST_POOL: NameRule = desktop_rule("host pool", 3, 64);
/// `Microsoft.DesktopVirtualization/applicationGroups`: 3 to 64.
pub const APPLICATION_GROUP: NameRule = desktop_rule("application group", 3, 64);
/// `Microsoft.DesktopVirtualization/workspaces`: 3 to 64.
pub const DESKTOP_WORKSPACE: NameRule = desktop_rule("workspace", 3, 64);
/// `Microsoft.DesktopVirtualization/scalingPlans`: 3 to 64.
pub const SCALING_PLAN: NameRule = desktop_rule("scaling plan", 3, 64);
/// `applicationGroups/applications`: 3 to 24.
pub const REMOTE_APPLICATION: NameRule = desktop_rule("application", 3, 24);

/// Characters a maintenance configuration's name and its resource group's stay
/// under, together ("The character count for the resource group name and the
/// maintenance configuration name should be less than 128",
/// <https://learn.microsoft.com/azure/virtual-machines/maintenance-configurations>).
pub const MAX_MAINTENANCE_NAMES: usize = 128;

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(rule: &NameRule, name: &str) -> Vec<String> {
        rule.problems(name).into_iter().map(|p| p.fact).collect()
    }

    #[test]
    fn network_names_follow_the_arm_rule() {
        assert!(VIRTUAL_NETWORK.problems("vnet-core_01.a").is_empty());
        assert!(VIRTUAL_NETWORK.problems("ab_").is_empty());
        assert_eq!(facts(&VIRTUAL_NETWORK, "a"), ["has 1 character"]);
        assert_eq!(facts(&SUBNET, "_web"), ["starts with `_`"]);
        assert_eq!(facts(&SUBNET, "web-"), ["ends with `-`"]);
        assert_eq!(facts(&PEERING, "peer to é\t"), ["contains U+0009, a space and `é`"]);
        assert_eq!(facts(&SUBNET, &"s".repeat(81)), ["has 81 characters"]);
        assert_eq!(facts(&SUBNET, ""), ["has 0 characters"]);
        assert_eq!(facts(&VIRTUAL_NETWORK, "-"), ["has 1 character", "starts with `-`", "ends with `-`"]);
    }

    #[test]
    fn resource_group_names_take_unicode_and_parentheses() {
        assert!(RESOURCE_GROUP.problems("rg-Müller_(prod).1").is_empty());
        assert!(RESOURCE_GROUP.problems(".rg").is_empty());
        assert_eq!(facts(&RESOURCE_GROUP, "rg."), ["ends with `.`"]);
        assert_eq!(facts(&RESOURCE_GROUP, &"r".repeat(91)), ["has 91 characters"]);
        assert_eq!(facts(&RESOURCE_GROUP, "rg/a"), ["contains `/`"]);
    }

    #[test]
    fn desktop_names_follow_their_rules() {
        assert!(HOST_POOL.problems("vdpool-finance @uk.1").is_empty());
        assert_eq!(facts(&HOST_POOL, "ab"), ["has 2 characters"]);
        assert_eq!(facts(&DESKTOP_WORKSPACE, "ws/1"), ["contains `/`"]);
        assert!(REMOTE_APPLICATION.problems("excel").is_empty());
        assert_eq!(facts(&REMOTE_APPLICATION, &"a".repeat(25)), ["has 25 characters"]);
    }

    #[test]
    fn gallery_and_image_names_follow_their_rules() {
        assert!(GALLERY.problems("corp.images2").is_empty());
        assert_eq!(facts(&GALLERY, "corp_images"), ["contains `_`"]);
        assert_eq!(facts(&GALLERY, "gal-corp"), ["contains `-`"]);
        assert_eq!(facts(&GALLERY, ".corp."), ["starts with `.`", "ends with `.`"]);
        assert!(IMAGE_DEFINITION.problems("win2022_web-1.0").is_empty());
        assert_eq!(facts(&IMAGE_DEFINITION, "web_"), ["ends with `_`"]);
        assert_eq!(facts(&MANAGED_IDENTITY, "id"), ["has 2 characters"]);
        assert_eq!(facts(&MANAGED_IDENTITY, "_id-x"), ["starts with `_`"]);
        assert!(IMAGE_TEMPLATE.problems("_it.web-1").is_empty());
    }
}
