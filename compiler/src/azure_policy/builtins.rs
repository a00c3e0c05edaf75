//! Microsoft's built-in Azure Policy definitions that fit ashlar's building
//! blocks, vendored byte for byte from the repository Azure/azure-policy
//! (`built-in-policies/policyDefinitions/`, MIT licence,
//! `compiler/data/azure-policy/LICENSE`; the commit and date are in
//! `compiler/data/README.md`). An assignment of one of them by its definition
//! ID needs no exported definition: `az policy assignment list` is enough.

use super::documents::Documents;
use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, SourceMap};

/// Each vendored definition: its file name under `compiler/data/azure-policy/` and its JSON.
pub const DEFINITIONS: &[(&str, &str)] = &[
    ("AllowedLocations_Deny.json", include_str!("../../data/azure-policy/AllowedLocations_Deny.json")),
    ("RequireTag_Deny.json", include_str!("../../data/azure-policy/RequireTag_Deny.json")),
    ("ResourceGroupRequireTag_Deny.json", include_str!("../../data/azure-policy/ResourceGroupRequireTag_Deny.json")),
    ("AddTag_Modify.json", include_str!("../../data/azure-policy/AddTag_Modify.json")),
    ("NetworkPublicIPNic_Deny.json", include_str!("../../data/azure-policy/NetworkPublicIPNic_Deny.json")),
    ("NetworkIPForwardingNic_Deny.json", include_str!("../../data/azure-policy/NetworkIPForwardingNic_Deny.json")),
    ("PrivateSubnetOnly_Audit.json", include_str!("../../data/azure-policy/PrivateSubnetOnly_Audit.json")),
    ("VMRequireManagedDisk_Audit.json", include_str!("../../data/azure-policy/VMRequireManagedDisk_Audit.json")),
    ("VMSkusAllowed_Deny.json", include_str!("../../data/azure-policy/VMSkusAllowed_Deny.json")),
    ("VirtualMachines_EnableAzureBackup_Audit.json", include_str!("../../data/azure-policy/VirtualMachines_EnableAzureBackup_Audit.json")),
];

/// The vendored definitions, each a source file `std/azure-policy/NAME` of the analysis.
pub fn documents(sources: &mut SourceMap) -> Documents {
    let mut documents = Documents::default();
    let mut problems: Vec<Diagnostic> = Vec::new();
    for (name, text) in DEFINITIONS {
        let shown = format!("std/azure-policy/{name}");
        let id = sources.add(SourceFile::new(shown.clone(), None, text.to_string()));
        documents.read(id, &shown, text, &mut problems);
    }
    debug_assert!(problems.is_empty(), "the vendored definitions read: {problems:?}");
    documents
}
