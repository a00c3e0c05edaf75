//! What a machine runs besides its image: the extensions a `compute` block
//! writes (the Custom Script extension of `script`, the Azure Monitor Agent
//! of `monitoring`, Microsoft Antimalware of `antimalware`) and cloud-init
//! given as custom data (`cloud_init`), read back into those attributes.
//! Any other extension stays a comment.

use super::{string_literal, Context, Mapper, Node, Resource, Value};
use crate::azure::compute::{powershell_script, unbase64};

const EXTENSION: &str = "Microsoft.Compute/virtualMachines/extensions";

/// An attribute line of the machine's block, and the template value it says.
type Line = (String, Option<Node>);

impl Mapper {
    /// The attributes of machine `vm` that its extensions and custom data
    /// give; the extensions read are taken from the template's comments.
    pub(super) fn machine_extras(&mut self, cx: &Context, vm: &Resource, windows: bool) -> Vec<Line> {
        let mut lines = Vec::new();
        let props = vm.props();

        // cloud-init: `osProfile.customData` "Specifies a base-64 encoded string of custom data"
        // (https://learn.microsoft.com/dotnet/api/azure.resourcemanager.computeschedule.models.virtualmachineosprofile.customdata).
        if let Some(data) = props.and_then(|p| p.at(&["osProfile", "customData"])) {
            match data.as_str().and_then(unbase64).map(String::from_utf8) {
                Some(Ok(text)) if !windows => lines.push((format!("cloud_init = {}", string_literal(&text)), Some(data.clone()))),
                Some(Ok(_)) => self.note(
                    data,
                    format!(
                        "machine `{}` is Windows and has custom data, which a plan gives Linux machines only (as `cloud_init`); left out",
                        vm.name
                    ),
                ),
                _ => self.note(data, format!("machine `{}`'s custom data is not base64 text known before deployment; left out", vm.name)),
            }
        }

        let prefix = format!("{}/", vm.name.to_ascii_lowercase());
        let mut script = None;
        let mut monitoring = false;
        let mut antimalware = false;
        for (i, r) in cx.resources.iter().enumerate() {
            if !r.is(EXTENSION) || !r.name.to_ascii_lowercase().starts_with(&prefix) {
                continue;
            }
            let Some(p) = r.props() else { continue };
            let text = |k: &str| p.get(k).and_then(Node::as_str).unwrap_or("").to_ascii_lowercase();
            let (publisher, kind) = (text("publisher"), text("type"));
            match (publisher.as_str(), kind.as_str()) {
                ("microsoft.compute", "customscriptextension") | ("microsoft.azure.extensions", "customscript") => {
                    let read = self.script_of(r, p, windows);
                    if let Some(s) = read {
                        if script.is_none() {
                            script = Some(s);
                            self.used[i] = true;
                        }
                    }
                }
                ("microsoft.azure.monitor", "azuremonitorwindowsagent" | "azuremonitorlinuxagent") => {
                    monitoring = true;
                    self.used[i] = true;
                }
                ("microsoft.azure.security", "iaasantimalware") => {
                    antimalware = true;
                    self.used[i] = true;
                    let settings = p.get("settings");
                    let on = settings
                        .and_then(|s| s.get("AntimalwareEnabled"))
                        .is_some_and(|v| v.as_bool() == Some(true) || v.as_str().is_some_and(|t| t.eq_ignore_ascii_case("true")));
                    let realtime = settings
                        .and_then(|s| s.get("RealtimeProtectionEnabled"))
                        .is_some_and(|v| v.as_bool() == Some(true) || v.as_str().is_some_and(|t| t.eq_ignore_ascii_case("true")));
                    let other = settings
                        .map(|s| s.members().iter().any(|(k, _)| k != "AntimalwareEnabled" && k != "RealtimeProtectionEnabled"))
                        .unwrap_or(false);
                    if !on || !realtime || other {
                        self.note(
                            settings.unwrap_or(p),
                            format!("machine `{}`'s antimalware settings (exclusions, scans, protection off) are not what a plan's `antimalware = true` writes, antimalware with real-time protection; imported as that", vm.name),
                        );
                    }
                }
                _ => {}
            }
        }
        if let Some((text, from)) = script {
            lines.push((format!("script = {}", string_literal(&text)), Some(from)));
        }
        if monitoring {
            lines.push(("monitoring = true".into(), None));
        }
        if antimalware {
            lines.push(("antimalware = true".into(), None));
        }
        lines
    }

    /// The script a Custom Script extension runs inline, as a plan's `script`
    /// writes it: a Windows PowerShell `-EncodedCommand`, a Linux base64
    /// `script`. `None` (reported) for files it downloads or another command.
    fn script_of(&mut self, r: &Resource, p: &Node, windows: bool) -> Option<(String, Node)> {
        let setting = |k: &str| p.at(&["protectedSettings", k]).or_else(|| p.at(&["settings", k]));
        let downloads = setting("fileUris").is_some_and(|f| !f.items().is_empty());
        let read = if windows {
            setting("commandToExecute").and_then(|c| Some((powershell_script(c.as_str()?)?, c.clone())))
        } else {
            setting("script").and_then(|s| Some((String::from_utf8(unbase64(s.as_str()?)?).ok()?, s.clone())))
        };
        match read {
            Some(found) if !downloads => Some(found),
            _ => {
                let secret = matches!(p.get("protectedSettings").map(|n| &n.value), Some(Value::Unknown(_)));
                let why = if secret {
                    "its protected settings are given at deployment"
                } else if downloads {
                    "it downloads files (`fileUris`), which a plan's `script` does not"
                } else {
                    "its command is not a script given inline"
                };
                self.note(p, format!("extension `{}` runs a script a plan cannot read back: {why}; it stays a comment", r.name));
                None
            }
        }
    }
}
