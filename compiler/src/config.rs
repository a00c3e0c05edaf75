//! `ashlar.toml`: the project file beside a plan. It sets the severity of
//! checks and policies for the whole plan, and what `ashlar fmt` leaves out
//! ([`FMT_SECTION`]):
//!
//! ```toml
//! [severity]
//! ASH208 = "error"                  # by code
//! tag-limits = "error"              # by name
//! no_ssh_from_internet = "warning"  # a policy, by its name
//! boot_diagnostics = "off"          # no longer reported
//!
//! [fmt]
//! exclude = ["tests/fixtures"]      # folders and files `ashlar fmt` leaves out
//!
//! [azure_policy]
//! files = ["policy/assignments.json", "policy/definitions"]  # exported Azure Policy JSON
//! subscription = "00000000-0000-0000-0000-000000000000"      # where the plan deploys (optional)
//! presets = ["std.azure_policy"]                             # Microsoft built-ins, assigned without an export
//!
//! [azure_policy.parameters]                                  # the presets' parameters
//! listOfAllowedLocations = ["uksouth", "ukwest"]
//! ```
//!
//! Warnings, infos and policy findings may become anything; an error of ashlar's
//! own stays an error, since Azure would refuse the plan (as with `allow`).

use crate::declare_codes;
use crate::diagnostic::{Code, Diagnostic, Help, Severity};
use crate::model::Model;
use crate::source::{SourceFile, SourceMap, Span};
use std::collections::BTreeMap;

pub const CONFIG_FILE: &str = "ashlar.toml";

declare_codes! {
    /// ## What it does
    /// Reports an `ashlar.toml` that cannot be applied: not TOML, a section
    /// other than `[severity]`, `[fmt]` and `[azure_policy]`, a `[fmt]` other
    /// than an `exclude` list of paths, an `[azure_policy]` other than a
    /// `files` list of paths, a `subscription` ID, a `presets` list of presets
    /// and the `parameters` they declare, a severity other than `error`, `warning`,
    /// `info` or `off`, a key that names no code and no policy, or an error of
    /// ashlar's own made less than an error.
    ///
    /// ## Why it matters
    /// A misspelt key would leave a rule at a severity the project did not
    /// choose, silently; an error made a warning would let `ashlar build` write
    /// a deployment that Azure refuses.
    ///
    /// ## Example
    /// ```toml
    /// [severity]
    /// ASH202 = "warning"
    /// no_sssh_from_internet = "off"
    /// ```
    ///
    /// ## Fix
    /// Name an existing code, code name or policy, with one of the four
    /// severities; fix what an error reports instead of lowering it.
    pub INVALID_PROJECT_FILE = ("ASH014", "invalid-project-file", Error);
}

/// The section of what `ashlar fmt` leaves out:
///
/// ```toml
/// [fmt]
/// exclude = ["tests/fixtures", "legacy/old.ashlar"]
/// ```
///
/// Each entry is a folder or a file, relative to the folder of `ashlar.toml`;
/// `ashlar fmt` leaves out the `.ashlar` files it names or holds.
pub const FMT_SECTION: &str = "fmt";

/// The `exclude` list of `[fmt]`, or why the section is not one.
fn fmt_section(value: &toml::Value) -> Result<Vec<String>, String> {
    let table = value.as_table().ok_or("is not a section")?;
    let mut excluded = Vec::new();
    for (key, value) in table {
        if key != "exclude" {
            return Err(format!("has no key `{key}`; it takes `exclude`, a list of paths"));
        }
        let list = value.as_array().ok_or("`exclude` is a list of paths, in `[` and `]`")?;
        for entry in list {
            excluded.push(entry.as_str().ok_or("`exclude` holds something other than a path in quotes")?.to_string());
        }
    }
    Ok(excluded)
}

/// What `ashlar fmt` leaves out of a plan, by its `ashlar.toml` (`config`, its
/// bytes): the paths of `[fmt] exclude`, relative to the plan's folder. A file
/// that does not read gives none; `ashlar check` reports it (`ASH014`).
pub fn fmt_excluded(config: &[u8]) -> Vec<String> {
    let table: Option<toml::Table> = std::str::from_utf8(config).ok().and_then(|text| text.parse().ok());
    table.and_then(|t| t.get(FMT_SECTION).and_then(|v| fmt_section(v).ok())).unwrap_or_default()
}

/// The section naming the organisation's Azure Policy, exported as JSON
/// (see `docs/azure-policy.md`):
///
/// ```toml
/// [azure_policy]
/// files = ["policy/assignments.json", "policy/definitions"]
/// subscription = "00000000-0000-0000-0000-000000000000"
/// ```
///
/// `files` are files or folders (every `.json` file in it, by name), relative
/// to the folder of `ashlar.toml` and inside it; `subscription` is the ID of the
/// subscription the plan deploys to, which decides the assignments scoped to a
/// subscription; without it, every subscription scope is taken to hold the plan.
/// `presets` names presets of Microsoft built-in definitions
/// (`crate::azure_policy::presets`), assigned as if the subscription carried
/// them, with the values of `[azure_policy.parameters]`.
pub const AZURE_POLICY_SECTION: &str = "azure_policy";

/// What `[azure_policy]` says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AzurePolicyConfig {
    pub files: Vec<String>,
    pub subscription: Option<String>,
    /// The presets assigned (`std.azure_policy`).
    pub presets: Vec<String>,
    /// The values of the presets' parameters, as JSON.
    pub parameters: BTreeMap<String, serde_json::Value>,
}

/// The `[azure_policy]` section, or why it is not one.
fn azure_policy_section(value: &toml::Value) -> Result<AzurePolicyConfig, String> {
    let table = value.as_table().ok_or("is not a section")?;
    let mut config = AzurePolicyConfig::default();
    for (key, value) in table {
        match key.as_str() {
            "files" => {
                let list = value.as_array().ok_or("`files` is a list of paths, in `[` and `]`")?;
                for entry in list {
                    config.files.push(entry.as_str().ok_or("`files` holds something other than a path in quotes")?.to_string());
                }
            }
            "subscription" => {
                let id = value.as_str().ok_or("`subscription` is a subscription ID in quotes")?;
                let is_guid =
                    id.len() == 36 && id.char_indices().all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() });
                if !is_guid {
                    return Err(format!("`subscription` is \"{id}\", not a subscription ID (8-4-4-4-12 hexadecimal digits)"));
                }
                config.subscription = Some(id.to_ascii_lowercase());
            }
            "presets" => {
                let list = value.as_array().ok_or("`presets` is a list of preset names, in `[` and `]`")?;
                for entry in list {
                    let name = entry.as_str().ok_or("`presets` holds something other than a preset name in quotes")?;
                    if crate::azure_policy::presets::preset(name).is_none() {
                        let known = crate::azure_policy::presets::names().join("`, `");
                        return Err(format!("`presets` names `{name}`, which is no preset; there is `{known}`"));
                    }
                    config.presets.push(name.to_string());
                }
            }
            "parameters" => {
                let table = value.as_table().ok_or("`parameters` is a table of the presets' parameters: `[azure_policy.parameters]`")?;
                for (name, value) in table {
                    config.parameters.insert(name.clone(), toml_to_json(value));
                }
            }
            other => return Err(format!("has no key `{other}`; it takes `files`, a list of paths, `subscription`, `presets` and `parameters`")),
        }
    }
    // Each parameter is one that a named preset declares.
    for name in config.parameters.keys() {
        let declared = config.presets.iter().any(|p| crate::azure_policy::presets::preset(p).is_some_and(|p| p.declares(name)));
        if !declared {
            let presets = if config.presets.is_empty() {
                "no preset is named in `presets`".to_string()
            } else {
                "no preset of `presets` declares it".to_string()
            };
            return Err(format!("`parameters` gives `{name}`, but {presets}"));
        }
    }
    Ok(config)
}

/// A TOML value as the JSON of a policy parameter.
fn toml_to_json(value: &toml::Value) -> serde_json::Value {
    match value {
        toml::Value::String(s) => serde_json::Value::String(s.clone()),
        toml::Value::Integer(i) => serde_json::Value::from(*i),
        toml::Value::Float(f) => serde_json::Value::from(*f),
        toml::Value::Boolean(b) => serde_json::Value::Bool(*b),
        toml::Value::Datetime(d) => serde_json::Value::String(d.to_string()),
        toml::Value::Array(items) => serde_json::Value::Array(items.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => serde_json::Value::Object(t.iter().map(|(k, v)| (k.clone(), toml_to_json(v))).collect()),
    }
}

/// What `[azure_policy]` of a plan's `ashlar.toml` (`config`, its bytes) names;
/// nothing when the file or the section does not read, which `ashlar check`
/// reports (`ASH014`).
pub fn azure_policy(config: &[u8]) -> AzurePolicyConfig {
    let table: Option<toml::Table> = std::str::from_utf8(config).ok().and_then(|text| text.parse().ok());
    table.and_then(|t| t.get(AZURE_POLICY_SECTION).and_then(|v| azure_policy_section(v).ok())).unwrap_or_default()
}

/// What a key sets a diagnostic to.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Level {
    Is(Severity),
    Off,
}

/// Applies the project file's severities (`config`, the bytes of the
/// `ashlar.toml` in the plan's folder `root`) to the diagnostics, and reports
/// what is wrong in the file itself.
pub fn apply_severities(
    config: Option<&[u8]>,
    root: &std::path::Path,
    model: &Model,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
    codes: &[&'static Code],
) {
    let Some(bytes) = config else { return };
    let text = String::from_utf8_lossy(bytes).into_owned();
    let file = sources.add(SourceFile::new(CONFIG_FILE, Some(root.join(CONFIG_FILE)), text.clone()));
    let at = |offset: usize, len: usize| Span::new(file, offset, offset + len);
    let error = |span: Span, message: String, help: Help| Diagnostic::new(&INVALID_PROJECT_FILE, span, message).with_help(help);

    let table: toml::Table = match text.parse() {
        Ok(table) => table,
        Err(e) => {
            let span = e.span().map_or(at(0, 0), |r| at(r.start, r.end - r.start));
            diagnostics.push(error(span, format!("{CONFIG_FILE} is not TOML: {}", e.message()), "fix the line the message names".into()));
            return;
        }
    };
    let find = |needle: &str| text.find(needle).unwrap_or(0);
    // By code, and by the name of the plan policy a finding is of.
    let mut levels: BTreeMap<String, (Level, Span)> = BTreeMap::new();
    let mut policy_levels: BTreeMap<String, (Level, Span)> = BTreeMap::new();
    let mut problems = Vec::new();
    for (section, value) in &table {
        let span = at(find(section), section.len());
        if section == FMT_SECTION {
            if let Err(why) = fmt_section(value) {
                problems.push(error(span, format!("`[{FMT_SECTION}]` {why}"), "write `exclude = [\"tests/fixtures\", \"old.ashlar\"]`".into()));
            }
            continue;
        }
        if section == AZURE_POLICY_SECTION {
            if let Err(why) = azure_policy_section(value) {
                problems.push(error(
                    span,
                    format!("`[{AZURE_POLICY_SECTION}]` {why}"),
                    "write `files = [\"policy/assignments.json\"]`, and `subscription = \"<ID>\"` if you know it".into(),
                ));
            }
            continue;
        }
        let Some(entries) = value.as_table().filter(|_| section == "severity") else {
            problems.push(error(
                span,
                format!("{CONFIG_FILE} has no section `{section}`"),
                "the project file has three sections, `[severity]`, `[fmt]` and `[azure_policy]`".into(),
            ));
            continue;
        };
        for (key, value) in entries {
            let span = at(find(key), key.len());
            let level = match value.as_str() {
                Some("error") => Level::Is(Severity::Error),
                Some("warning") => Level::Is(Severity::Warning),
                Some("info") => Level::Is(Severity::Info),
                Some("off") => Level::Off,
                _ => {
                    let shown = value.as_str().map_or_else(|| format!("a {}", value.type_str()), |s| format!("\"{s}\""));
                    problems.push(error(span, format!("`{key}` is set to {shown}"), "write \"error\", \"warning\", \"info\" or \"off\"".into()));
                    continue;
                }
            };
            let code = crate::diagnostic::find_code(codes, key);
            let policy = model.of_kind("policy").any(|(_, p)| p.name() == key);
            match (code, policy) {
                (None, false) => {
                    let known = codes.iter().map(|c| c.name).chain(model.of_kind("policy").map(|(_, p)| p.name()));
                    let help = crate::diagnostic::did_you_mean(key, known).unwrap_or_else(|| "name a code (ASH208), its name, or a policy".into());
                    problems.push(error(span, format!("`{key}` is no diagnostic code and no policy of the plan"), help));
                }
                (Some(code), _)
                    if code.severity == Severity::Error && level != Level::Is(Severity::Error) && !crate::policy::is_finding_code(code) =>
                {
                    problems.push(error(
                        span,
                        format!("{} ({}) is an error Azure would refuse the plan for; it stays an error", code.code, code.name),
                        "fix what it reports; only warnings, infos and policy findings can be lowered".into(),
                    ));
                }
                (Some(code), _) => {
                    levels.insert(code.code.to_string(), (level, span));
                }
                (None, true) => {
                    policy_levels.insert(key.to_string(), (level, span));
                }
            }
        }
    }
    diagnostics.retain_mut(|d| {
        let level = d.policy().and_then(|p| policy_levels.get(p)).or_else(|| levels.get(d.code.code)).map(|(l, _)| *l);
        match level {
            Some(Level::Off) => false,
            Some(Level::Is(severity)) => {
                d.severity = severity;
                true
            }
            None => true,
        }
    });
    diagnostics.extend(problems);
}
