//! What a machine runs besides its image: the extensions a `compute` block
//! writes (the Custom Script extension of `script`, the Azure Monitor Agent
//! of `monitoring`, Microsoft Antimalware of `antimalware`) and cloud-init
//! given as custom data (`cloud_init`), read back into those attributes.
//! Any other extension stays a comment. Azure Backup's policies for VMs
//! become `backup_policy` blocks, which the machines they protect name with
//! `backup =`.

use super::{string_literal, Common, Context, Mapper, Node, Resource, Value};
use crate::azure::compute::{powershell_script, unbase64};
use crate::blocks::backup::{POLICY_TYPE, PROTECTED_ITEM_TYPE, VAULT_TYPE};
use std::collections::HashMap;

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
    pub(super) fn script_of(&mut self, r: &Resource, p: &Node, windows: bool) -> Option<(String, Node)> {
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

/// The machines protected by Azure Backup, by lower-case Azure name: the
/// `backup_policy` block each names, and the protected item to consume.
pub(super) type Backups = HashMap<String, (String, usize)>;

/// `01:00` of Azure Backup's `2024-01-01T01:00:00Z`: only the time counts.
fn clock_of(run_time: &str) -> Option<String> {
    let time = run_time.split_once('T')?.1;
    (time.len() >= 5 && time.as_bytes()[2] == b':').then(|| time[..5].to_string())
}

impl Mapper {
    /// `backup_policy` blocks for the Azure VM backup policies that protect
    /// machines of the template, their vaults' names in `naming`; gives the
    /// policy block of each protected machine, for its `backup =`.
    pub(super) fn backups(&mut self, cx: &Context, common: &dyn Fn(&Resource, &mut Mapper) -> Common) -> Backups {
        let rs = cx.resources;
        let mut backups = Backups::new();
        let mut written: HashMap<String, String> = HashMap::new();
        // Policies of one name and content in several vaults are one block, which each vault takes.
        let mut same: HashMap<String, String> = HashMap::new();
        let mut vault_pattern: Option<String> = None;
        for (i, item) in rs.iter().enumerate().filter(|(_, r)| r.is(PROTECTED_ITEM_TYPE)) {
            let Some(p) = item.props() else { continue };
            let source =
                p.get("sourceResourceId").and_then(Node::as_str).filter(|s| s.to_ascii_lowercase().contains("microsoft.compute/virtualmachines/"));
            let policy_id = p.get("policyId").and_then(Node::as_str);
            let (Some(source), Some(policy_id)) = (source, policy_id) else { continue };
            let vm = source.trim_end_matches('/').rsplit('/').next().unwrap_or("").to_ascii_lowercase();
            let parts: Vec<&str> = policy_id.trim_end_matches('/').split('/').collect();
            let (Some(&policy_name), Some(&vault_name)) = (parts.last(), parts.iter().rev().nth(2)) else { continue };
            let Some((j, policy)) =
                rs.iter().enumerate().find(|(_, r)| r.is(POLICY_TYPE) && r.name.eq_ignore_ascii_case(&format!("{vault_name}/{policy_name}")))
            else {
                continue;
            };
            let key = policy.name.to_ascii_lowercase();
            let block = match written.get(&key) {
                Some(b) => b.clone(),
                None => {
                    let Some(block) = self.backup_policy(cx, j, common, &mut same) else { continue };
                    written.insert(key, block.clone());
                    // The vault: in the machines' group, named by the plan's `naming`.
                    if let Some((v, vault)) = rs.iter().enumerate().find(|(_, r)| r.is(VAULT_TYPE) && r.name.eq_ignore_ascii_case(vault_name)) {
                        self.used[v] = true;
                        let group = vault.group.clone().unwrap_or_else(|| cx.default_group.clone());
                        let base = crate::blocks::naming::vault_base(&group);
                        let pattern = if vault.name.contains(base) { vault.name.replacen(base, "{name}", 1) } else { vault.name.clone() };
                        match &vault_pattern {
                            None => vault_pattern = Some(pattern),
                            Some(first) if *first != pattern => self.note(
                                &vault.node,
                                format!("vault `{}` is named unlike the first vault (`{first}`); a plan names its vaults by one pattern", vault.name),
                            ),
                            Some(_) => {}
                        }
                    }
                    block
                }
            };
            backups.insert(vm, (block, i));
        }
        if let Some(pattern) = vault_pattern.filter(|p| p != "{name}-vault") {
            let w = self.file("settings");
            w.line(0, &format!("naming imported {{ recovery_vault = {} }}", string_literal(&pattern)), None);
        }
        backups
    }

    /// A `backup_policy` block of the policy `rs[i]`; `None` (reported) for
    /// one a plan cannot say.
    fn backup_policy(
        &mut self,
        cx: &Context,
        i: usize,
        common: &dyn Fn(&Resource, &mut Mapper) -> Common,
        same: &mut HashMap<String, String>,
    ) -> Option<String> {
        let r = &cx.resources[i];
        let p = r.props()?;
        let text = |n: Option<&Node>| n.and_then(Node::as_str).map(str::to_string);
        let policy_name = r.leaf().to_string();
        if !text(p.get("backupManagementType")).is_some_and(|t| t.eq_ignore_ascii_case("AzureIaasVM")) {
            return None;
        }
        if text(p.get("policyType")).is_some_and(|t| !t.eq_ignore_ascii_case("V1")) {
            self.note(
                p.get("policyType").unwrap_or(p),
                format!("backup policy `{policy_name}` is an Enhanced policy; a plan's policies are Standard (V1), so it stays a comment"),
            );
            return None;
        }
        let schedule = p.get("schedulePolicy");
        let frequency = text(schedule.and_then(|s| s.get("scheduleRunFrequency"))).unwrap_or_default().to_ascii_lowercase();
        let at = schedule.and_then(|s| s.get("scheduleRunTimes")).and_then(|t| t.items().first()).and_then(Node::as_str).and_then(clock_of);
        let (Some(at), true) = (at, frequency == "daily" || frequency == "weekly") else {
            self.note(
                schedule.unwrap_or(p),
                format!("backup policy `{policy_name}` runs neither daily nor weekly at a time known before deployment; it stays a comment"),
            );
            return None;
        };
        let days = |n: Option<&Node>| -> Vec<String> {
            n.map(|a| a.items().iter().filter_map(|d| d.as_str().map(str::to_ascii_lowercase)).collect()).unwrap_or_default()
        };
        let mut lines: Vec<(String, Option<Node>)> = Vec::new();
        let head = if frequency == "weekly" {
            format!("weekly on [{}] at {at}", days(schedule.and_then(|s| s.get("scheduleRunDays"))).join(", "))
        } else {
            format!("daily at {at}")
        };
        let retention = p.get("retentionPolicy");
        let count = |s: &Node| s.at(&["retentionDuration", "count"]).and_then(Node::as_i64);
        let mut first = head;
        if let Some(n) = retention.and_then(|r| r.get("dailySchedule")).and_then(count) {
            first.push_str(&format!(" retain {n}d"));
        }
        lines.push((first, schedule.cloned()));
        if let Some(s) = retention.and_then(|r| r.get("weeklySchedule")) {
            if let Some(n) = count(s) {
                lines.push((format!("retain {n} weeks on [{}]", days(s.get("daysOfTheWeek")).join(", ")), Some(s.clone())));
            }
        }
        for (key, unit) in [("monthlySchedule", "months"), ("yearlySchedule", "years")] {
            let Some(s) = retention.and_then(|r| r.get(key)) else { continue };
            let weekly = s.get("retentionScheduleWeekly");
            let week = weekly.and_then(|w| w.get("weeksOfTheMonth")).and_then(|w| w.items().first()).and_then(Node::as_str);
            let day = weekly.and_then(|w| w.get("daysOfTheWeek")).and_then(|w| w.items().first()).and_then(Node::as_str);
            let (Some(n), Some(week), Some(day)) = (count(s), week, day) else {
                self.note(s, format!("backup policy `{policy_name}` keeps {unit} backups by days of the month; a plan keeps them by a week and a weekday, so they are left out"));
                continue;
            };
            let mut clause = format!("retain {n} {unit} on {} {}", week.to_ascii_lowercase(), day.to_ascii_lowercase());
            if unit == "years" {
                if let Some(month) = s.get("monthsOfYear").and_then(|m| m.items().first()).and_then(Node::as_str) {
                    clause.push_str(&format!(" of {}", month.to_ascii_lowercase()));
                }
            }
            lines.push((clause, Some(s.clone())));
        }
        if let Some(tz) = text(p.get("timeZone")).filter(|t| t != "UTC") {
            lines.push((format!("timezone = {}", string_literal(&tz)), p.get("timeZone").cloned()));
        }
        let default =
            if frequency == "weekly" { crate::blocks::backup::WEEKLY_INSTANT_RESTORE } else { crate::blocks::backup::DEFAULT_INSTANT_RESTORE };
        if let Some(days) = p.get("instantRpRetentionRangeInDays").and_then(Node::as_i64).filter(|d| *d != default) {
            lines.push((format!("instant_restore = {days}d"), p.get("instantRpRetentionRangeInDays").cloned()));
        }
        let vault_name = r.name.split('/').next().unwrap_or("");
        let c = cx.resources.iter().find(|v| v.is(VAULT_TYPE) && v.name.eq_ignore_ascii_case(vault_name)).map(|v| common(v, self));
        let tags: Vec<String> = c.map(|c| c.tags).unwrap_or_default().iter().map(|(k, v, _)| format!("{k} = {}", string_literal(v))).collect();
        let content = format!("{policy_name}\n{}\n{}", lines.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>().join("\n"), tags.join(" "));
        if let Some(block) = same.get(&content) {
            self.used[i] = true;
            return Some(block.clone());
        }
        let block = self.names.claim(&policy_name);
        same.insert(content, block.clone());
        if block != policy_name {
            self.note(&r.node, format!("backup policy `{policy_name}` is named `{block}` in the plan, which names a policy after its block"));
        }
        self.used[i] = true;
        let group = r.group.clone().unwrap_or_else(|| cx.default_group.clone());
        let w = self.file(&group);
        w.line(0, &format!("backup_policy {block} {{"), Some(&r.node));
        for (text, from) in &lines {
            w.line(1, text, from.as_ref());
        }
        // A policy's body holds its phrase, so its tags are written `tags = { ... }`.
        // The vault's tags are the policy's.
        if !tags.is_empty() {
            w.line(1, &format!("tags = {{ {} }}", tags.join("  ")), None);
        }
        w.line(0, "}", None);
        Some(block)
    }
}
