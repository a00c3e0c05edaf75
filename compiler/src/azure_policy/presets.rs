//! Presets of Microsoft's built-in definitions that fit ashlar's building
//! blocks, which a plan assigns from `ashlar.toml` without exporting anything:
//!
//! ```toml
//! [azure_policy]
//! presets = ["std.azure_policy"]
//!
//! [azure_policy.parameters]
//! listOfAllowedLocations = ["uksouth", "ukwest"]
//! tagName = "owner"
//! ```
//!
//! A preset is an initiative (a policy set definition) in the JSON Azure
//! takes (`stdlib/azure_policy.json`), whose members name the built-ins by
//! their definition IDs (vendored in `compiler/data/azure-policy/`,
//! [`super::builtins`]). Naming it in `presets` assigns it, as if the
//! subscription carried the assignment: at the subscription of
//! `ashlar.toml`, else at a management group (which holds the plan's
//! subscription, as `applies` in `mod.rs` takes it). Its parameters are those of
//! `[azure_policy.parameters]`; a member whose parameter is given no value
//! there and has no default is left out of the assignment (allowed locations,
//! a required tag and allowed sizes are the organisation's to choose).

use super::documents::{Assignment, Documents};
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use serde_json::{Map, Value};

/// A preset: its name in `presets` and its initiative's JSON.
pub struct Preset {
    pub name: &'static str,
    pub json: &'static str,
}

impl Preset {
    /// The initiative's declared parameters.
    fn parameters(&self) -> Map<String, Value> {
        let json: Value = serde_json::from_str(self.json).unwrap_or_default();
        json["properties"]["parameters"].as_object().cloned().unwrap_or_default()
    }

    /// Whether the preset's initiative declares the parameter `name`.
    pub fn declares(&self, name: &str) -> bool {
        self.parameters().contains_key(name)
    }

    /// The file name diagnostics show for it: `std/azure_policy.json`.
    pub fn file_name(&self) -> String {
        format!("{}.json", self.name.replace('.', "/"))
    }
}

pub const PRESETS: &[Preset] = &[Preset { name: "std.azure_policy", json: include_str!("../../../stdlib/azure_policy.json") }];

pub fn preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

pub fn names() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.name).collect()
}

/// The management group a preset is assigned at when `ashlar.toml` names no
/// subscription: a management group holds the plan's subscription.
const ANY_SUBSCRIPTION: &str = "/providers/Microsoft.Management/managementGroups/ashlar-presets";

/// Adds the presets `config` names to `documents`: each initiative, read
/// from its JSON as a source file, and its assignment, on the preset's name
/// in `ashlar.toml` (`config_text`, whose source file is `config_file`, added
/// when first needed).
pub fn assign(
    config: &crate::config::AzurePolicyConfig,
    config_text: &str,
    config_file: &mut Option<FileId>,
    root: &std::path::Path,
    sources: &mut SourceMap,
    documents: &mut Documents,
    out: &mut Vec<Diagnostic>,
) {
    for name in &config.presets {
        let Some(preset) = preset(name) else { continue };
        let shown = preset.file_name();
        let id = sources.add(SourceFile::new(shown.clone(), None, preset.json.to_string()));
        let before = documents.sets.len();
        documents.read(id, &shown, preset.json, out);
        let Some(set) = documents.sets.get_mut(before) else { continue };
        // A member whose parameter has no value and no default is left out.
        let has_value = |p: &str| config.parameters.contains_key(p) || set.parameters.get(p).is_some_and(|d| d.get("defaultValue").is_some());
        set.members.retain(|member| {
            member.parameters.values().all(|v| {
                let v = v.get("value").and_then(Value::as_str).unwrap_or_default();
                v.strip_prefix("[parameters('").and_then(|s| s.strip_suffix("')]")).is_none_or(has_value)
            })
        });
        let file = *config_file.get_or_insert_with(|| {
            sources.add(SourceFile::new(crate::config::CONFIG_FILE, Some(root.join(crate::config::CONFIG_FILE)), config_text.to_string()))
        });
        let quoted = format!("\"{name}\"");
        let span = config_text.find(&quoted).map_or(Span::new(file, 0, config_text.len().min(1)), |at| Span::new(file, at, at + quoted.len()));
        let parameters =
            config.parameters.iter().filter(|(p, _)| preset.declares(p)).map(|(p, v)| (p.clone(), serde_json::json!({ "value": v }))).collect();
        documents.assignments.push(Assignment {
            name: preset.name.to_string(),
            display_name: preset.name.to_string(),
            definition_id: set.id.clone(),
            scope: config.subscription.as_ref().map_or(ANY_SUBSCRIPTION.to_string(), |s| format!("/subscriptions/{s}")),
            not_scopes: Vec::new(),
            parameters,
            not_enforced: false,
            span,
        });
    }
}
