//! The standard library: modules written in ashlar, embedded in the binary.
//!
//! `use std.naming.caf` adds the blocks of `stdlib/naming/caf.ashlar` to the plan.
//! Prelude modules are added to every plan; a plan's own block of the same name
//! shadows theirs.

/// A module of the standard library.
pub struct Module {
    /// The name after `use`, e.g. `std.naming.caf`.
    pub name: &'static str,
    /// What it gives a plan, in one line.
    pub summary: &'static str,
    /// Loaded into every plan without a `use`. A plan's own block of the same
    /// name shadows a prelude block.
    pub prelude: bool,
    pub source: &'static str,
}

pub const MODULES: &[Module] = &[
    Module {
        name: "std.naming.caf",
        summary: "Cloud Adoption Framework names: vnet-{name}, snet-{name}, peer-{vnet}-to-{remote}",
        prelude: false,
        source: include_str!("../../stdlib/naming/caf.ashlar"),
    },
    Module {
        name: "std.security",
        summary: "Policies: no SSH, RDP or WinRM, and no rule of any protocol, open to the Internet in an NSG",
        prelude: false,
        source: include_str!("../../stdlib/security.ashlar"),
    },
    Module {
        name: "std.reliability",
        summary: "Policies (warnings): zone-redundant gateways and firewalls, spread machines, backup in production",
        prelude: false,
        source: include_str!("../../stdlib/reliability.ashlar"),
    },
    Module {
        name: "std.tags.cloudmarque",
        summary: "Tag policy: cm-owner (\"Name [email]\") and cm-charge required; cm-apps a JSON array, cm-delete a Zulu date-time",
        prelude: false,
        source: include_str!("../../stdlib/tags/cloudmarque.ashlar"),
    },
    Module {
        name: "std.images",
        summary: "Marketplace images by short names (ubuntu_2404, windows_2022, win11_multisession, ...); in every plan",
        prelude: true,
        source: include_str!("../../stdlib/images.ashlar"),
    },
];

pub fn module(name: &str) -> Option<&'static Module> {
    MODULES.iter().find(|m| m.name == name)
}

/// The file name diagnostics show for a module: `std/naming/caf.ashlar`.
pub fn file_name(module: &Module) -> String {
    format!("{}.ashlar", module.name.replace('.', "/"))
}
