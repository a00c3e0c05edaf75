//! Backup: `backup_policy` blocks, written as phrases (`daily at 01:00 retain
//! 30d`), and `backup = POLICY` on `compute` blocks.
//!
//! What they lower to, for the machines of each region and resource group
//! that have a backup policy:
//! - one Recovery Services vault (`Microsoft.RecoveryServices/vaults`), in the
//!   machines' region and resource group: Azure Backup protects a machine only
//!   from a vault of its own region;
//! - in it, each backup policy those machines use
//!   (`vaults/backupPolicies`, an Azure IaaS VM policy of the Standard type);
//! - a protected item per machine
//!   (`vaults/backupFabrics/protectionContainers/protectedItems`), which puts
//!   the machine under its policy once the machine and the policy exist.

use super::phrase::{self, Words};
use crate::ast::{Term, ValueKind};
use crate::blocks::lowering::Lowering;
use crate::diagnostic::codes::{DUPLICATE_ATTRIBUTE, MALFORMED_BLOCK, TYPE_MISMATCH};
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::lower::ir::{Object, Prop, Resource, ResourceId};
use crate::model::{Model, NodeId, Spanned, Typed};
use crate::schema::attrs;
use crate::schema::{attr, KindSchema, Naming, Type};
use crate::source::Span;
use indexmap::IndexMap;

pub const VAULT_TYPE: &str = "Microsoft.RecoveryServices/vaults";
pub const POLICY_TYPE: &str = "Microsoft.RecoveryServices/vaults/backupPolicies";
pub const PROTECTED_ITEM_TYPE: &str = "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems";

pub const BACKUP_POLICY: KindSchema = KindSchema {
    kind: "backup_policy",
    doc: "When Azure Backup backs machines up and how long it keeps their backups, written as a phrase: `daily at 01:00 retain 30d`, or `weekly on [saturday] at 22:00 retain 12 weeks`, with more `retain N weeks|months|years` clauses. Machines take it with `backup = NAME`.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attr(
            "timezone",
            Type::String,
            false,
            Some("\"UTC\""),
            "The Windows time zone the schedule's time is in, such as \"GMT Standard Time\"; Azure Backup does not move the time for daylight saving.",
        ),
        attr(
            "instant_restore",
            Type::Duration,
            false,
            Some("2d; 5d with a weekly schedule"),
            "How long the snapshot of each backup stays for instant restore: 1 to 5 whole days (`2d`); a weekly schedule keeps it 5 days.",
        ),
        attrs::tags("Tags of the Recovery Services vaults the policy brings (a vault that holds several policies takes the first's), merged over the plan's tags.",
        ),
    ],
    children: &[],
    unique: false,
};

/// How a backup policy reads, for help texts.
pub const SHAPE: &str = "a backup policy reads `daily at 01:00 retain 30d` or `weekly on [saturday] at 22:00 retain 12 weeks`, and may keep weekly, monthly and yearly backups longer with `retain 12 weeks`, `retain 12 months` and `retain 10 years`";

/// How a `retain` clause reads, for help texts.
const RETAIN_SHAPE: &str = "`retain 30d` keeps daily backups 30 days; `retain 12 weeks [on sunday]`, `retain 12 months [on first sunday]` and `retain 10 years [on first sunday of january]` keep weekly, monthly and yearly ones";

/// The days of the week, as Azure spells them.
pub const DAYS: &[&str] = &["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
/// The weeks of a month a monthly or yearly backup may be kept from.
pub const WEEKS: &[&str] = &["First", "Second", "Third", "Fourth", "Last"];
pub const MONTHS: &[&str] =
    &["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// The default time the snapshot of a backup stays for instant restore, in
/// days (Azure's default), and the fixed time of a weekly schedule.
pub const DEFAULT_INSTANT_RESTORE: i64 = 2;
pub const WEEKLY_INSTANT_RESTORE: i64 = 5;
/// The instant restore retention a Standard policy takes, in days.
pub const INSTANT_RESTORE_BOUNDS: (i64, i64) = (1, 5);

const DAY_SECONDS: u64 = 24 * 3600;

pub use crate::phrases::{BackupPolicy, BackupSchedule, Retention, RetentionUnit};

/// Reads a `backup_policy` block's phrase. `Err(None)` means the problem was
/// reported when the plan was parsed (an impossible literal).
fn read(model: &Model, id: NodeId) -> Result<BackupPolicy, Option<Diagnostic>> {
    let node = model.node(id);
    let Some(mut words) = Words::of(model, id) else {
        return Err(Some(Diagnostic::new(&MALFORMED_BLOCK, node.head, format!("backup policy `{}` has no schedule", node.name())).with_help(SHAPE)));
    };
    let schedule = read_schedule(&mut words)?;
    let mut retentions: Vec<Retention> = Vec::new();
    while let Some(term) = words.take() {
        if !is_word(term, "retain") {
            return Err(Some(
                Diagnostic::new(&MALFORMED_BLOCK, term.span(), format!("expected `retain`, found {}", phrase::shown(term))).with_help(RETAIN_SHAPE),
            ));
        }
        let retention = read_retention(&mut words, term.span())?;
        if let Some(first) = retentions.iter().find(|r| r.unit == retention.unit) {
            return Err(Some(
                Diagnostic::new(&DUPLICATE_ATTRIBUTE, retention.span, format!("how long to keep {} is given twice", retention.unit.backups()))
                    .with_label(first.span, "first given here")
                    .with_help("keep one of them"),
            ));
        }
        retentions.push(retention);
    }
    Ok(BackupPolicy { schedule, retentions })
}

/// Every `backup_policy` block whose phrase reads well, with it, in declaration
/// order: read once, by [`read_policies`].
pub fn policies(model: &Model) -> impl Iterator<Item = (NodeId, &BackupPolicy)> {
    model.backup_policies.iter().map(|(&id, policy)| (id, policy))
}

/// `01:30`: a time of day as the plan writes it.
pub fn clock(minutes: u32) -> String {
    format!("{:02}:{:02}", (minutes / 60) % 24, minutes % 60)
}

/// Reads every `backup_policy` block's phrase once, when the plan is resolved,
/// into [`Model::backup_policies`], and reports what is wrong with it.
pub fn read_policies(model: &mut Model, diagnostics: &mut Vec<Diagnostic>) {
    let blocks: Vec<NodeId> = model.of_kind("backup_policy").map(|(id, _)| id).collect();
    for block in blocks {
        match read(model, block) {
            Ok(policy) => {
                model.backup_policies.insert(block, policy);
            }
            Err(Some(d)) => diagnostics.push(d),
            Err(None) => {}
        }
    }
}

fn is_word(term: &Term, word: &str) -> bool {
    phrase::word(term).is_some_and(|w| w.name.eq_ignore_ascii_case(word))
}

fn read_schedule(words: &mut Words) -> Result<BackupSchedule, Option<Diagnostic>> {
    let frequency = phrase::one_of(words, &["daily", "weekly"], "a schedule", SHAPE)?;
    let weekly = frequency.value == "weekly";
    let mut span = frequency.span;
    let mut days = Vec::new();
    if weekly && words.peek().is_some_and(|t| is_word(t, "on")) {
        words.take();
        let (read, days_span) = read_days(words, "`on`")?;
        days = read;
        span = span.to(days_span);
    }
    match words.take() {
        Some(term) if is_word(term, "at") => {}
        Some(term) => {
            let help = if !weekly && is_word(term, "on") {
                "a daily schedule backs up every day: `daily at 01:00`; to back up on some days only, write `weekly on [saturday] at 01:00`"
            } else {
                SHAPE
            };
            return Err(Some(
                Diagnostic::new(&MALFORMED_BLOCK, term.span(), format!("expected `at` and a time, found {}", phrase::shown(term))).with_help(help),
            ));
        }
        None => return Err(Some(Diagnostic::new(&MALFORMED_BLOCK, words.end(), "the schedule ends where `at` and a time belong").with_help(SHAPE))),
    }
    let (time, time_span) = match words.take() {
        Some(Term::Value(v)) => match v.kind {
            ValueKind::TimeOfDay(minutes) => (minutes, v.span),
            ValueKind::Invalid => return Err(None),
            ref other => {
                let help = match other {
                    ValueKind::Str(text) if text.len() == 5 && text.as_bytes()[2] == b':' => {
                        crate::diagnostic::Help::replace(text.clone(), format!("remove the quotes: `{text}`"))
                    }
                    _ => "write the time as HH:MM, such as `01:00`".into(),
                };
                return Err(Some(
                    Diagnostic::new(&TYPE_MISMATCH, v.span, format!("expected a time of day, found {}", other.describe())).with_help(help),
                ));
            }
        },
        Some(term) => {
            return Err(Some(
                Diagnostic::new(&TYPE_MISMATCH, term.span(), format!("expected a time of day, found {}", phrase::describe(term)))
                    .with_help("write the time as HH:MM, such as `01:00`"),
            ))
        }
        None => {
            return Err(Some(
                Diagnostic::new(&MALFORMED_BLOCK, words.end(), "the schedule ends where its time belongs, after `at`")
                    .with_help("write the time as HH:MM, such as `at 01:00`"),
            ))
        }
    };
    Ok(BackupSchedule { weekly, days, span, time, time_span })
}

/// One day of the week, or a list of them; an empty list reads as no days.
fn read_days(words: &mut Words, after: &str) -> Result<(Vec<Spanned<&'static str>>, Span), Option<Diagnostic>> {
    let Some(term) = words.take() else {
        return Err(Some(
            Diagnostic::new(&MALFORMED_BLOCK, words.end(), format!("the phrase ends where days of the week belong, after {after}"))
                .with_help("name a day, `sunday`, or several, `[saturday, sunday]`"),
        ));
    };
    let value = phrase::value(term).map_err(Some)?;
    let items: Vec<&crate::ast::Value> = match &value.kind {
        ValueKind::List(items) => items.iter().collect(),
        ValueKind::Invalid => return Err(None),
        _ => vec![value],
    };
    let mut days: Vec<Spanned<&'static str>> = Vec::new();
    for item in items {
        let day = day(item)?;
        if let Some(first) = days.iter().find(|d| d.value == day.value) {
            return Err(Some(
                Diagnostic::new(&DUPLICATE_ATTRIBUTE, day.span, format!("{} is given twice", day.value))
                    .with_label(first.span, "first given here")
                    .with_help("name each day once"),
            ));
        }
        days.push(day);
    }
    Ok((days, value.span))
}

/// A word of a fixed set, in any case, as the set spells it.
fn word_of(value: &crate::ast::Value, set: &[&'static str], what: &str, example: &str) -> Result<Spanned<&'static str>, Option<Diagnostic>> {
    if matches!(value.kind, ValueKind::Invalid) {
        return Err(None);
    }
    let Some(word) = value.as_word() else {
        return Err(Some(
            Diagnostic::new(&TYPE_MISMATCH, value.span, format!("expected {what}, found {}", value.kind.describe()))
                .with_help(format!("write {what} as a word, such as `{example}`")),
        ));
    };
    match set.iter().find(|s| s.eq_ignore_ascii_case(&word.name)) {
        Some(s) => Ok(Spanned { value: s, span: word.span }),
        None => {
            let lower: Vec<String> = set.iter().map(|s| s.to_ascii_lowercase()).collect();
            let help = did_you_mean(&word.name.to_ascii_lowercase(), lower.iter().map(String::as_str))
                .unwrap_or_else(|| format!("write {what} such as `{example}`").into());
            Err(Some(Diagnostic::new(&TYPE_MISMATCH, word.span, format!("`{}` is not {what}", word.name)).with_help(help)))
        }
    }
}

fn day(value: &crate::ast::Value) -> Result<Spanned<&'static str>, Option<Diagnostic>> {
    word_of(value, DAYS, "a day of the week", "sunday")
}

/// The next term as a value, for a word that must follow `after`.
fn next_value<'a>(words: &mut Words<'a>, what: &str, after: &str) -> Result<&'a crate::ast::Value, Option<Diagnostic>> {
    match words.take() {
        Some(term) => phrase::value(term).map_err(Some),
        None => Err(Some(
            Diagnostic::new(&MALFORMED_BLOCK, words.end(), format!("the phrase ends where {what} belongs, after {after}")).with_help(RETAIN_SHAPE),
        )),
    }
}

fn read_retention(words: &mut Words, retain: Span) -> Result<Retention, Option<Diagnostic>> {
    let value = next_value(words, "how long to keep backups", "`retain`")?;
    let mut end = value.span;
    let (unit, count) = match value.kind {
        ValueKind::Duration(seconds) if seconds % DAY_SECONDS == 0 => (RetentionUnit::Days, i64::try_from(seconds / DAY_SECONDS).unwrap_or(i64::MAX)),
        ValueKind::Duration(_) => {
            return Err(Some(
                Diagnostic::new(&TYPE_MISMATCH, value.span, "Azure Backup keeps daily backups for whole days")
                    .with_help("write a number of days, such as `retain 30d`"),
            ))
        }
        ValueKind::Int(count) => {
            let unit_value = next_value(words, "a unit (`days`, `weeks`, `months` or `years`)", &format!("`{count}`"))?;
            end = unit_value.span;
            let units: &[(&str, RetentionUnit)] = &[
                ("days", RetentionUnit::Days),
                ("day", RetentionUnit::Days),
                ("weeks", RetentionUnit::Weeks),
                ("week", RetentionUnit::Weeks),
                ("months", RetentionUnit::Months),
                ("month", RetentionUnit::Months),
                ("years", RetentionUnit::Years),
                ("year", RetentionUnit::Years),
            ];
            let found = unit_value.as_word().and_then(|w| units.iter().find(|(u, _)| u.eq_ignore_ascii_case(&w.name)));
            match found {
                Some((_, unit)) => (*unit, count),
                None => {
                    let shown = unit_value.as_word().map_or_else(|| unit_value.kind.describe().to_string(), |w| format!("`{}`", w.name));
                    let help = unit_value
                        .as_word()
                        .and_then(|w| did_you_mean(&w.name.to_ascii_lowercase(), ["days", "weeks", "months", "years"]))
                        .unwrap_or_else(|| RETAIN_SHAPE.to_string().into());
                    return Err(Some(
                        Diagnostic::new(&TYPE_MISMATCH, unit_value.span, format!("expected `days`, `weeks`, `months` or `years`, found {shown}"))
                            .with_help(help),
                    ));
                }
            }
        }
        ValueKind::Invalid => return Err(None),
        ref other => {
            return Err(Some(
                Diagnostic::new(&TYPE_MISMATCH, value.span, format!("expected how long to keep backups, found {}", other.describe()))
                    .with_help(RETAIN_SHAPE),
            ))
        }
    };
    let count_span = value.span;
    let mut retention = Retention { unit, count, count_span, days: Vec::new(), week: None, month: None, span: retain.to(end) };
    if words.peek().is_some_and(|t| is_word(t, "on")) {
        let on = words.take().map_or(end, Term::span);
        match unit {
            RetentionUnit::Days => {
                return Err(Some(
                    Diagnostic::new(&MALFORMED_BLOCK, on, "daily backups are kept every day: `on` has no meaning after a number of days")
                        .with_help("remove `on ...`; to keep the backups of some days longer, add `retain 12 weeks on [sunday]`"),
                ))
            }
            RetentionUnit::Weeks => {
                let (days, span) = read_days(words, "`on`")?;
                retention.days = days;
                end = span;
            }
            RetentionUnit::Months | RetentionUnit::Years => {
                let week_value = next_value(words, "a week of the month (`first` to `fourth`, or `last`)", "`on`")?;
                let week = word_of(week_value, WEEKS, "a week of the month", "first")?;
                let day_value = next_value(words, "a day of the week", &format!("`{}`", week.value.to_ascii_lowercase()))?;
                retention.week = Some(week);
                let day = day(day_value)?;
                end = day.span;
                retention.days = vec![day];
            }
        }
    }
    if unit == RetentionUnit::Years && words.peek().is_some_and(|t| is_word(t, "of")) {
        words.take();
        let month_value = next_value(words, "a month", "`of`")?;
        let month = word_of(month_value, MONTHS, "a month", "january")?;
        end = month.span;
        retention.month = Some(month);
    }
    retention.span = retain.to(end);
    Ok(retention)
}

/// How many days the snapshot of each backup stays for instant restore:
/// `instant_restore`, else Azure's default (5 days for a weekly schedule).
/// `None` when `instant_restore` is not whole days.
pub fn instant_restore_days(model: &Model, policy_block: NodeId, policy: &BackupPolicy) -> Option<i64> {
    match model.node(policy_block).get("instant_restore").map(|a| &a.value) {
        Some(Typed::Duration(seconds)) if seconds % DAY_SECONDS == 0 => i64::try_from(seconds / DAY_SECONDS).ok(),
        Some(_) => None,
        None if policy.schedule.weekly => Some(WEEKLY_INSTANT_RESTORE),
        None => Some(DEFAULT_INSTANT_RESTORE),
    }
}

/// The machines of one region and resource group that have a backup policy:
/// they share a vault.
#[derive(Debug, Clone)]
pub struct VaultPlace {
    pub location: String,
    /// As the first of the blocks writes it.
    pub resource_group: String,
    /// The `compute` blocks, in declaration order.
    pub blocks: Vec<NodeId>,
}

/// The vaults backup brings: one per region and resource group of `compute`
/// blocks with `backup`, in the order of their first block.
pub fn vault_places(model: &Model) -> Vec<VaultPlace> {
    let mut places: Vec<VaultPlace> = Vec::new();
    for (block, node) in model.of_kind("compute") {
        if node.reference("backup").is_none() {
            continue;
        }
        let location = super::compute::network_of(model, block).and_then(|n| model.location(n));
        let (Some(location), Some(rg)) = (location, node.str(attrs::RESOURCE_GROUP)) else { continue };
        match places.iter_mut().find(|p| p.location.eq_ignore_ascii_case(location) && p.resource_group.eq_ignore_ascii_case(rg)) {
            Some(place) => place.blocks.push(block),
            None => places.push(VaultPlace { location: location.to_string(), resource_group: rg.to_string(), blocks: vec![block] }),
        }
    }
    places
}

/// `2024-01-01T01:30:00Z`: a time of day as Azure Backup takes it. Only the
/// time counts, in the policy's time zone.
fn run_time(minutes: u32) -> String {
    format!("2024-01-01T{:02}:{:02}:00Z", minutes / 60, minutes % 60)
}

fn strings(values: &[&str]) -> Prop {
    Prop::Array(values.iter().map(|v| Prop::str(*v)).collect())
}

/// The `properties` of a backup policy for Azure VMs: a Standard (V1) policy
/// with a simple schedule and long-term retention.
pub fn policy_properties(model: &Model, block: NodeId, policy: &BackupPolicy) -> Prop {
    let node = model.node(block);
    let times = Prop::Array(vec![Prop::str(run_time(policy.schedule.time))]);
    let mut schedule = Object::new();
    schedule.insert("schedulePolicyType".into(), Prop::str("SimpleSchedulePolicy"));
    schedule.insert("scheduleRunFrequency".into(), Prop::str(if policy.schedule.weekly { "Weekly" } else { "Daily" }));
    if policy.schedule.weekly {
        let days: Vec<&str> = policy.schedule.days.iter().map(|d| d.value).collect();
        schedule.insert("scheduleRunDays".into(), strings(&days));
    }
    schedule.insert("scheduleRunTimes".into(), times.clone());

    let duration = |r: &Retention| Prop::object([("count", Prop::Int(r.count)), ("durationType", Prop::str(r.unit.azure()))]);
    let weekly_format = |r: &Retention| {
        let week = r.week.as_ref().map_or("First", |w| w.value);
        Prop::object([("daysOfTheWeek", strings(&policy.kept_days(r))), ("weeksOfTheMonth", strings(&[week]))])
    };
    let mut retention = Object::new();
    retention.insert("retentionPolicyType".into(), Prop::str("LongTermRetentionPolicy"));
    for r in &policy.retentions {
        let (key, value) = match r.unit {
            RetentionUnit::Days => ("dailySchedule", Prop::object([("retentionTimes", times.clone()), ("retentionDuration", duration(r))])),
            RetentionUnit::Weeks => (
                "weeklySchedule",
                Prop::object([
                    ("daysOfTheWeek", strings(&policy.kept_days(r))),
                    ("retentionTimes", times.clone()),
                    ("retentionDuration", duration(r)),
                ]),
            ),
            RetentionUnit::Months => (
                "monthlySchedule",
                Prop::object([
                    ("retentionScheduleFormatType", Prop::str("Weekly")),
                    ("retentionScheduleWeekly", weekly_format(r)),
                    ("retentionTimes", times.clone()),
                    ("retentionDuration", duration(r)),
                ]),
            ),
            RetentionUnit::Years => (
                "yearlySchedule",
                Prop::object([
                    ("retentionScheduleFormatType", Prop::str("Weekly")),
                    ("monthsOfYear", strings(&[r.month.as_ref().map_or("January", |m| m.value)])),
                    ("retentionScheduleWeekly", weekly_format(r)),
                    ("retentionTimes", times.clone()),
                    ("retentionDuration", duration(r)),
                ]),
            ),
        };
        retention.insert(key.into(), value);
    }
    // Azure's order of the retentions, whatever the order written.
    let order = ["retentionPolicyType", "dailySchedule", "weeklySchedule", "monthlySchedule", "yearlySchedule"];
    retention.sort_by_key(|k, _| order.iter().position(|o| *o == k));

    let mut properties = Object::new();
    properties.insert("backupManagementType".into(), Prop::str("AzureIaasVM"));
    properties.insert("policyType".into(), Prop::str("V1"));
    properties
        .insert("instantRpRetentionRangeInDays".into(), Prop::Int(instant_restore_days(model, block, policy).unwrap_or(DEFAULT_INSTANT_RESTORE)));
    properties.insert("schedulePolicy".into(), Prop::Object(schedule));
    properties.insert("retentionPolicy".into(), Prop::Object(retention));
    properties.insert("timeZone".into(), Prop::str(node.str("timezone").unwrap_or("UTC")));
    Prop::Object(properties)
}

/// The vault, the policies and the protected items of every `compute` block
/// with `backup`. Runs after the machines are lowered.
pub fn lower_backup(lw: &mut Lowering) {
    let model = lw.model;
    // Vaults by region and resource group (as deployed), and policies by vault and block.
    // Region and resource group in lower case: a vault and its name.
    let mut vaults: IndexMap<(String, String), (ResourceId, String)> = IndexMap::new();
    let mut policies: IndexMap<(ResourceId, NodeId), ResourceId> = IndexMap::new();
    // Each block's machines, and each resource's children, in order: found
    // once rather than by a scan of every resource for each block and machine.
    // What this pass adds is neither a machine nor a machine's child.
    let mut machines_of: IndexMap<NodeId, Vec<ResourceId>> = IndexMap::new();
    let mut children_of: IndexMap<ResourceId, Vec<ResourceId>> = IndexMap::new();
    for (r, resource) in lw.plan.resources_with_ids() {
        if resource.resource_type == super::compute::VIRTUAL_MACHINE {
            machines_of.entry(resource.origin).or_default().push(r);
        }
        if let Some(parent) = resource.parent {
            children_of.entry(parent).or_default().push(r);
        }
    }
    for (block, node) in model.of_kind("compute") {
        let Some(policy_block) = node.reference("backup") else { continue };
        let Some(policy) = model.backup_policies.get(&policy_block) else { continue };
        let machines: &[ResourceId] = machines_of.get(&block).map_or(&[], Vec::as_slice);
        let Some(&first) = machines.first() else { continue };
        let location = lw.plan[first].location.clone().unwrap_or_default();
        let rg = lw.plan[first].resource_group.clone();

        let key = (location.to_ascii_lowercase(), rg.to_ascii_lowercase());
        let (vault, vault_name) = match vaults.get(&key) {
            Some((vault, name)) => (*vault, name.clone()),
            None => {
                let name = lw.names.recovery_vault(node.str(attrs::RESOURCE_GROUP).unwrap_or(&rg), &location);
                let mut resource = Resource::new(
                    format!("vault_{name}"),
                    VAULT_TYPE,
                    vec![name.clone()],
                    rg.clone(),
                    Some(location.clone()),
                    model.tags(policy_block),
                    policy_block,
                );
                resource.top.insert("sku".into(), Prop::object([("name", Prop::str("RS0")), ("tier", Prop::str("Standard"))]));
                resource.properties = Prop::object([("publicNetworkAccess", Prop::str("Enabled"))]);
                let vault = lw.push(resource);
                vaults.insert(key, (vault, name.clone()));
                (vault, name)
            }
        };

        let policy_id = match policies.get(&(vault, policy_block)) {
            Some(&id) => id,
            None => {
                let policy_name = model.node(policy_block).name().to_string();
                // Azure keeps no tags on backup policies nor protected items.
                let mut resource = Resource::new(
                    format!("policy_{vault_name}_{policy_name}"),
                    POLICY_TYPE,
                    vec![vault_name.clone(), policy_name],
                    rg.clone(),
                    None,
                    IndexMap::new(),
                    policy_block,
                );
                resource.parent = Some(vault);
                resource.properties = policy_properties(model, policy_block, policy);
                resource.depends_on = vec![vault];
                let id = lw.push(resource);
                policies.insert((vault, policy_block), id);
                id
            }
        };

        for &vm in machines {
            let vm_name = lw.plan[vm].name[0].clone();
            let vm_group = lw.plan[vm].resource_group.clone();
            // After the machine's extensions too: Azure Backup adds its own to the machine.
            let mut depends_on = vec![vault, policy_id, vm];
            depends_on.extend(children_of.get(&vm).into_iter().flatten());
            let name = vec![
                vault_name.clone(),
                "Azure".to_string(),
                format!("iaasvmcontainer;iaasvmcontainerv2;{vm_group};{vm_name}"),
                format!("vm;iaasvmcontainerv2;{vm_group};{vm_name}"),
            ];
            let mut resource = Resource::new(format!("backup_{vm_name}"), PROTECTED_ITEM_TYPE, name, rg.clone(), None, IndexMap::new(), block);
            resource.properties = Prop::object([
                ("protectedItemType", Prop::str("Microsoft.Compute/virtualMachines")),
                ("policyId", Prop::Id(policy_id)),
                ("sourceResourceId", Prop::Id(vm)),
            ]);
            resource.depends_on = depends_on;
            lw.push(resource);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::test_support::{linux, machines, windows};
    use crate::lower::ir::{AzurePlan, ResourceId};

    fn analyze(text: &str) -> crate::Analysis {
        crate::analyze_text(text, std::path::Path::new("."))
    }

    /// The diagnostics of a plan with one policy `nightly` written `body`, as (code, message, help).
    fn problems(body: &str) -> Vec<(&'static str, String, Option<String>)> {
        let text = format!("settings {{ location = uksouth }}\nbackup_policy nightly {{\n{body}\n}}\n");
        analyze(&text).diagnostics.into_iter().filter(|d| d.code.code != "ASH457").map(|d| (d.code.code, d.message, d.help)).collect()
    }

    fn policy(body: &str) -> BackupPolicy {
        let text = format!("settings {{ location = uksouth }}\nbackup_policy nightly {{\n{body}\n}}\n");
        let analysis = analyze(&text);
        let (id, _) = analysis.model.of_kind("backup_policy").next().expect("the policy");
        analysis.model.backup_policies.get(&id).cloned().expect("the phrase reads")
    }

    #[test]
    fn a_policy_reads_on_one_line_or_several() {
        let one = policy(
            "daily at 01:30 retain 30d retain 12 weeks on [saturday, Sunday] retain 6 months on last friday retain 2 years on first monday of march",
        );
        let several =
            policy("daily at 01:30\n retain 30d\n retain 12 weeks on [saturday, Sunday]\n retain 6 months on last friday\n retain 2 years on first monday of march");
        for p in [&one, &several] {
            assert!(!p.schedule.weekly);
            assert_eq!(p.schedule.time, 90);
            let units: Vec<(RetentionUnit, i64)> = p.retentions.iter().map(|r| (r.unit, r.count)).collect();
            assert_eq!(units, [(RetentionUnit::Days, 30), (RetentionUnit::Weeks, 12), (RetentionUnit::Months, 6), (RetentionUnit::Years, 2)]);
            assert_eq!(p.kept_days(&p.retentions[1]), ["Saturday", "Sunday"]);
            assert_eq!(p.retentions[2].week.as_ref().map(|w| w.value), Some("Last"));
            assert_eq!(p.kept_days(&p.retentions[3]), ["Monday"]);
            assert_eq!(p.retentions[3].month.as_ref().map(|m| m.value), Some("March"));
        }
        assert!(problems("daily at 01:00 retain 30 days").is_empty());
    }

    #[test]
    fn kept_days_default_to_the_schedule() {
        let weekly = policy("weekly on [wednesday, saturday] at 22:00 retain 12 weeks retain 12 months retain 1 year");
        assert!(weekly.schedule.weekly);
        assert_eq!(weekly.kept_days(&weekly.retentions[0]), ["Wednesday", "Saturday"]);
        assert_eq!(weekly.kept_days(&weekly.retentions[1]), ["Wednesday"]);
        let daily = policy("daily at 01:00 retain 30d retain 12 weeks");
        assert_eq!(daily.kept_days(&daily.retentions[1]), ["Sunday"]);
    }

    #[test]
    fn phrase_problems_point_at_their_word() {
        let cases: &[(&str, &str, &str)] = &[
            ("", "ASH109", "backup policy `nightly` has no schedule"),
            ("hourly at 01:00 retain 30d", "ASH104", "expected a schedule (`daily`, `weekly`), found `hourly`"),
            ("daily on monday at 01:00 retain 30d", "ASH109", "expected `at` and a time, found `on`"),
            ("daily at noon retain 30d", "ASH104", "expected a time of day, found a name"),
            ("daily at \"01:00\" retain 30d", "ASH104", "expected a time of day, found a string"),
            ("daily at", "ASH109", "the schedule ends where its time belongs, after `at`"),
            ("weekly on [sundy] at 01:00 retain 4 weeks", "ASH104", "`sundy` is not a day of the week"),
            ("weekly on [sunday, sunday] at 01:00 retain 4 weeks", "ASH108", "Sunday is given twice"),
            ("daily at 01:00 retain 36h", "ASH104", "Azure Backup keeps daily backups for whole days"),
            ("daily at 01:00 retain 12 fortnights", "ASH104", "expected `days`, `weeks`, `months` or `years`, found `fortnights`"),
            ("daily at 01:00 retain 12", "ASH109", "the phrase ends where a unit (`days`, `weeks`, `months` or `years`) belongs, after `12`"),
            ("daily at 01:00 retain 30d retain 60d", "ASH108", "how long to keep daily backups is given twice"),
            ("daily at 01:00 retain 30d on monday", "ASH109", "daily backups are kept every day: `on` has no meaning after a number of days"),
            ("daily at 01:00 retain 30d keep 4 weeks", "ASH109", "expected `retain`, found `keep`"),
            ("daily at 01:00 retain 30d retain 6 months on sunday", "ASH104", "`sunday` is not a week of the month"),
            ("daily at 01:00 retain 30d retain 6 months of june", "ASH109", "expected `retain`, found `of`"),
            ("daily at 01:00 retain 30d retain 2 years of juni", "ASH104", "`juni` is not a month"),
        ];
        for (body, code, message) in cases {
            let found = problems(body);
            assert_eq!(found.len(), 1, "{body}: {found:?}");
            assert_eq!((found[0].0, found[0].1.as_str()), (*code, *message), "{body}");
        }
        assert_eq!(problems("weekly on [sundy] at 01:00 retain 4 weeks")[0].2.as_deref(), Some("did you mean `sunday`?"));
        assert!(problems("daily on monday at 01:00 retain 30d")[0].2.as_deref().is_some_and(|h| h.contains("weekly on [saturday]")));
        assert_eq!(problems("daily at \"01:00\" retain 30d")[0].2.as_deref(), Some("remove the quotes: `01:00`"));
    }

    #[test]
    fn attributes_sit_beside_the_phrase() {
        assert!(problems("daily at 01:00 retain 30d\n timezone = \"GMT Standard Time\"\n instant_restore = 3d\n tags { owner = \"ops\" }").is_empty());
        let found = problems("daily at 01:00 retain 30d\n instant_restor = 3d");
        assert_eq!(found[0].0, "ASH102");
        assert_eq!(found[0].2.as_deref(), Some("did you mean `instant_restore`?"));
        let found: Vec<_> = problems("daily at 01:00\n retain = 30d").into_iter().filter(|p| p.0 == "ASH102").collect();
        assert_eq!(found[0].2.as_deref(), Some("a backup_policy is written as a phrase: write `retain ...` without `=`"));
        let found = problems("daily at 01:00 retain 30d\n timezone \"UTC\"");
        assert_eq!(found[0].0, "ASH101");
    }

    fn lower(blocks: &str) -> AzurePlan {
        let analysis = analyze(&machines(blocks));
        assert!(!analysis.has_errors(), "{:#?}", analysis.diagnostics);
        analysis.azure.expect("the plan lowers")
    }

    fn of_type<'a>(plan: &'a AzurePlan, resource_type: &str) -> Vec<(ResourceId, &'a Resource)> {
        plan.resources_with_ids().filter(|(_, r)| r.resource_type == resource_type).collect()
    }

    fn get<'a>(prop: &'a Prop, path: &[&str]) -> &'a Prop {
        path.iter().fold(prop, |p, key| match p {
            Prop::Object(entries) => entries.get(key).unwrap_or_else(|| panic!("no `{key}` in {p:?}")),
            Prop::Array(items) => &items[key.parse::<usize>().expect("an index")],
            other => panic!("{other:?} has no `{key}`"),
        })
    }

    #[test]
    fn machines_of_a_group_share_a_vault_with_their_policies_in_it() {
        let plan = lower(&format!(
            "backup_policy nightly {{ daily at 01:00 retain 30d }}\nbackup_policy weekend {{\n weekly on [saturday] at 22:00 retain 12 weeks retain 12 months\n timezone = \"GMT Standard Time\"\n tags {{ owner = \"ops\" }}\n}}\n{}{}{}",
            windows("compute", "web", "count = 2\n backup = weekend\n script = \"Write-Output hi\""),
            linux("compute", "api", "backup = nightly"),
            linux("compute", "tmp", ""),
        ));
        let vaults = of_type(&plan, VAULT_TYPE);
        assert_eq!(vaults.len(), 1);
        let (vault, vault_resource) = vaults[0];
        assert_eq!(vault_resource.name, ["rg-vault"]);
        assert_eq!(vault_resource.resource_group, "rg");
        assert_eq!(vault_resource.location.as_deref(), Some("uksouth"));
        assert_eq!(vault_resource.tags.get("owner").map(String::as_str), Some("ops"));
        assert_eq!(get(&vault_resource.top["sku"], &["name"]), &Prop::str("RS0"));

        let policies = of_type(&plan, POLICY_TYPE);
        let names: Vec<&[String]> = policies.iter().map(|(_, r)| r.name.as_slice()).collect();
        assert_eq!(names, [["rg-vault".to_string(), "weekend".to_string()], ["rg-vault".to_string(), "nightly".to_string()]]);
        let (weekend, resource) = policies[0];
        assert_eq!(resource.parent, Some(vault));
        assert!(resource.tags.is_empty());
        let props = &resource.properties;
        assert_eq!(get(props, &["instantRpRetentionRangeInDays"]), &Prop::Int(5));
        assert_eq!(get(props, &["timeZone"]), &Prop::str("GMT Standard Time"));
        assert_eq!(get(props, &["schedulePolicy", "scheduleRunFrequency"]), &Prop::str("Weekly"));
        assert_eq!(get(props, &["schedulePolicy", "scheduleRunDays", "0"]), &Prop::str("Saturday"));
        assert_eq!(get(props, &["schedulePolicy", "scheduleRunTimes", "0"]), &Prop::str("2024-01-01T22:00:00Z"));
        let retention = get(props, &["retentionPolicy"]);
        let Prop::Object(entries) = retention else { panic!("an object") };
        assert_eq!(entries.keys().collect::<Vec<_>>(), ["retentionPolicyType", "weeklySchedule", "monthlySchedule"]);
        assert_eq!(get(retention, &["monthlySchedule", "retentionScheduleWeekly", "daysOfTheWeek", "0"]), &Prop::str("Saturday"));
        assert_eq!(get(retention, &["monthlySchedule", "retentionTimes", "0"]), &Prop::str("2024-01-01T22:00:00Z"));
        let nightly = &policies[1].1.properties;
        assert_eq!(get(nightly, &["instantRpRetentionRangeInDays"]), &Prop::Int(2));
        assert_eq!(get(nightly, &["timeZone"]), &Prop::str("UTC"));
        assert_eq!(get(nightly, &["retentionPolicy", "dailySchedule", "retentionDuration", "count"]), &Prop::Int(30));

        let items = of_type(&plan, PROTECTED_ITEM_TYPE);
        assert_eq!(items.len(), 3, "web-1, web-2 and api; not tmp");
        let (_, item) = items[1];
        assert_eq!(item.name, ["rg-vault", "Azure", "iaasvmcontainer;iaasvmcontainerv2;rg;web-2", "vm;iaasvmcontainerv2;rg;web-2"]);
        let vm = plan.resources.iter().position(|r| r.name == ["web-2"]).map(ResourceId).expect("the machine");
        let extension = plan.resources.iter().position(|r| r.parent == Some(vm)).map(ResourceId).expect("its script");
        assert_eq!(get(&item.properties, &["sourceResourceId"]), &Prop::Id(vm));
        assert_eq!(get(&item.properties, &["policyId"]), &Prop::Id(weekend));
        assert_eq!(item.depends_on, [vault, weekend, vm, extension]);
        assert_eq!(get(&items[2].1.properties, &["policyId"]), &Prop::Id(policies[1].0));
    }

    #[test]
    fn each_region_and_group_gets_its_own_vault_named_by_the_pattern() {
        let text = format!(
            "use std.naming.caf\nsettings {{ location = uksouth }}\nbackup_policy nightly {{ daily at 01:00 retain 30d }}\nvnet south {{\n resource_group = \"rg-net\"\n address_space = [10.0.0.0/24]\n subnet web 10.0.0.0/26\n}}\nvnet west {{\n resource_group = \"rg-net-west\"\n location = ukwest\n address_space = [10.1.0.0/24]\n subnet web 10.1.0.0/26\n}}\n{}{}",
            linux("compute", "a", "backup = nightly").replace("net.web", "south.web"),
            linux("compute", "b", "backup = nightly").replace("net.web", "west.web").replace("\"rg\"", "\"app-west-rg\""),
        );
        let analysis = analyze(&text);
        assert!(!analysis.has_errors(), "{:#?}", analysis.diagnostics);
        let plan = analysis.azure.expect("the plan lowers");
        let vaults: Vec<(String, Option<String>)> = of_type(&plan, VAULT_TYPE).iter().map(|(_, r)| (r.name[0].clone(), r.location.clone())).collect();
        assert_eq!(vaults, [("rsv-rg".to_string(), Some("uksouth".to_string())), ("rsv-app-west".to_string(), Some("ukwest".to_string()))]);
        assert_eq!(of_type(&plan, POLICY_TYPE).len(), 2, "the policy in each vault");
    }

    #[test]
    fn vault_names_drop_the_groups_rg() {
        use crate::blocks::naming::vault_base;
        assert_eq!(vault_base("rg-app1-compute"), "app1-compute");
        assert_eq!(vault_base("RG-App"), "App");
        assert_eq!(vault_base("app-rg"), "app");
        assert_eq!(vault_base("rg-app-rg"), "app");
        assert_eq!(vault_base("rg"), "rg");
        assert_eq!(vault_base("rg-"), "rg-");
        assert_eq!(vault_base("backup"), "backup");
    }
}
