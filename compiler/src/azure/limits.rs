//! Azure's limits that a plan's own resources can break, each as Microsoft
//! documents it. The sources, from "Azure subscription and service limits,
//! quotas, and constraints"
//! (<https://learn.microsoft.com/azure/azure-resource-manager/management/azure-subscription-service-limits>),
//! whose sections are the include files of MicrosoftDocs/azure-docs read here:
//!
//! - networking, "Networking limits - Azure Resource Manager":
//!   `includes/azure-virtual-network-limits.md` at commit
//!   `04cb4ea055a71c3905902eea87fa5d417de31501` (ms.date 12/05/2022). The page
//!   notes that "all default limits" were raised "to their maximum limits":
//!   these are the limits, not defaults a support request lifts;
//! - Private Link: `includes/private-link-limits.md` at commit
//!   `1165cd31b628e9a0d32dd390af558b57b6f3b795` (ms.date 04/21/2020);
//! - Azure DNS, "Private DNS zones": `includes/dns-limits.md` at commit
//!   `03aacf3ac03cf9777575213b4bcadf33543c66e0` (ms.date 10/08/2024).
//!
//! Read on 2026-12-06. The data disks and network interfaces a machine takes
//! depend on its size: they are the catalogue's (`vm_sizes.rs`), not here.

/// A limit: how many, of what, per what, and where Microsoft says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: usize,
    /// The row's words, as the page has them.
    pub row: &'static str,
    /// The include file of MicrosoftDocs/azure-docs the row is in.
    pub source: &'static str,
}

const NETWORKING: &str = "includes/azure-virtual-network-limits.md";
const PRIVATE_LINK: &str = "includes/private-link-limits.md";
const DNS: &str = "includes/dns-limits.md";

/// "NSG rules per NSG | 1,000".
pub const RULES_PER_NSG: Limit = Limit { max: 1_000, row: "NSG rules per NSG", source: NETWORKING };
/// "User-defined routes per route table | 400".
pub const ROUTES_PER_ROUTE_TABLE: Limit = Limit { max: 400, row: "User-defined routes per route table", source: NETWORKING };
/// "Subnets per virtual network | 3,000".
pub const SUBNETS_PER_NETWORK: Limit = Limit { max: 3_000, row: "Subnets per virtual network", source: NETWORKING };
/// "Virtual network peerings per virtual network | 500".
pub const PEERINGS_PER_NETWORK: Limit = Limit { max: 500, row: "Virtual network peerings per virtual network", source: NETWORKING };
/// "DNS servers per virtual network | 20".
pub const DNS_SERVERS_PER_NETWORK: Limit = Limit { max: 20, row: "DNS servers per virtual network", source: NETWORKING };
/// "Number of private endpoints per virtual network | 1000".
pub const PRIVATE_ENDPOINTS_PER_NETWORK: Limit = Limit { max: 1_000, row: "Number of private endpoints per virtual network", source: PRIVATE_LINK };
/// "Virtual Network Links per private DNS zone | 1000".
pub const LINKS_PER_PRIVATE_DNS_ZONE: Limit = Limit { max: 1_000, row: "Virtual Network Links per private DNS zone", source: DNS };

impl Limit {
    /// "Azure allows 1,000 (\"NSG rules per NSG\", Azure subscription and service limits)".
    pub fn cited(&self) -> String {
        format!("Azure allows {} (\"{}\", Azure subscription and service limits)", thousands(self.max), self.row)
    }
}

/// `1,000`: a count as Microsoft's pages write it.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_as_cited() {
        assert_eq!(thousands(3990), "3,990");
        assert_eq!(thousands(400), "400");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(RULES_PER_NSG.cited(), "Azure allows 1,000 (\"NSG rules per NSG\", Azure subscription and service limits)");
    }
}
