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
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::lower::ir::{api_version, Prop, Resource, ResourceId};
use crate::lower::Lowering;
use crate::model::{Model, NodeId, Spanned, Typed};
use crate::registry::{DUPLICATE_ATTRIBUTE, MALFORMED_BLOCK, TYPE_MISMATCH};
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
        attr(
            "tags",
            Type::StringMap,
            false,
            Some("settings.tags"),
            "Tags of the Recovery Services vaults the policy brings (a vault that holds several policies takes the first's), merged over the plan's tags.",
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

/// How long backups are kept: in days (daily backups), weeks, months or years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Days,
    Weeks,
    Months,
    Years,
}

impl Unit {
    /// The unit as a `retain` clause writes it, plural.
    pub fn word(self) -> &'static str {
        match self {
            Unit::Days => "days",
            Unit::Weeks => "weeks",
            Unit::Months => "months",
            Unit::Years => "years",
        }
    }

    /// What backups a retention of this unit keeps, in words.
    pub fn backups(self) -> &'static str {
        match self {
            Unit::Days => "daily backups",
            Unit::Weeks => "weekly backups",
            Unit::Months => "monthly backups",
            Unit::Years => "yearly backups",
        }
    }

    /// Azure's `durationType`.
    fn azure(self) -> &'static str {
        match self {
            Unit::Days => "Days",
            Unit::Weeks => "Weeks",
            Unit::Months => "Months",
            Unit::Years => "Years",
        }
    }

    /// How many of the unit Azure Backup keeps backups of an Azure VM: daily
    /// ones at least 7 days (Azure refuses fewer since 2022, see the
    /// `azurerm_backup_policy_vm` resource) and at most 9999; weekly ones up to
    /// 5163 weeks, monthly ones 1188 months, yearly ones 99 years (the
    /// `PolicyConstants` of Azure PowerShell's Az.RecoveryServices).
    pub fn bounds(self) -> (i64, i64) {
        match self {
            Unit::Days => (7, 9999),
            Unit::Weeks => (1, 5163),
            Unit::Months => (1, 1188),
            Unit::Years => (1, 99),
        }
    }
}

/// When backups run.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub weekly: bool,
    /// A weekly schedule's days, as written; empty for a daily one.
    pub days: Vec<Spanned<&'static str>>,
    /// The words `daily` or `weekly`, and the days after `on` when written.
    pub span: Span,
    /// Minutes after midnight, in the policy's time zone.
    pub time: u32,
    pub time_span: Span,
}

/// A `retain` clause: how long backups of one kind are kept.
#[derive(Debug, Clone)]
pub struct Retention {
    pub unit: Unit,
    pub count: i64,
    pub count_span: Span,
    /// `on DAYS` of a weekly retention, or the day of `on WEEK DAY`.
    pub days: Vec<Spanned<&'static str>>,
    /// The week of `on WEEK DAY` of a monthly or yearly retention.
    pub week: Option<Spanned<&'static str>>,
    /// The month of `of MONTH` of a yearly retention.
    pub month: Option<Spanned<&'static str>>,
    /// The whole clause.
    pub span: Span,
}

/// A `backup_policy` block's phrase, read.
#[derive(Debug, Clone)]
pub struct Policy {
    pub schedule: Schedule,
    pub retentions: Vec<Retention>,
}

impl Policy {
    /// The retention of one unit, when the policy has one.
    pub fn retention(&self, unit: Unit) -> Option<&Retention> {
        self.retentions.iter().find(|r| r.unit == unit)
    }

    /// The day monthly and yearly backups are kept from unless their clause
    /// says: a weekly schedule's first day, else Sunday.
    pub fn first_day(&self) -> &'static str {
        self.schedule.days.first().map_or("Sunday", |d| d.value)
    }

    /// The days a retention keeps the backups of: its own, else a weekly
    /// schedule's days for weekly backups, and [`Policy::first_day`].
    pub fn kept_days(&self, retention: &Retention) -> Vec<&'static str> {
        if !retention.days.is_empty() {
            return retention.days.iter().map(|d| d.value).collect();
        }
        match (retention.unit, self.schedule.weekly) {
            (Unit::Weeks, true) => self.schedule.days.iter().map(|d| d.value).collect(),
            _ => vec![self.first_day()],
        }
    }
}

/// Reads a `backup_policy` block's phrase. `Err(None)` means the problem was
/// reported when the plan was parsed (an impossible literal).
pub fn read(model: &Model, id: NodeId) -> Result<Policy, Option<Diagnostic>> {
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
    Ok(Policy { schedule, retentions })
}

/// Reports what is wrong with every `backup_policy` block's phrase, when the plan is resolved.
pub fn read_policies(model: &mut Model, diagnostics: &mut Vec<Diagnostic>) {
    let blocks: Vec<NodeId> = model.of_kind("backup_policy").map(|(id, _)| id).collect();
    for block in blocks {
        if let Err(Some(d)) = read(model, block) {
            diagnostics.push(d);
        }
    }
}

fn is_word(term: &Term, word: &str) -> bool {
    phrase::word(term).is_some_and(|w| w.name.eq_ignore_ascii_case(word))
}

fn read_schedule(words: &mut Words) -> Result<Schedule, Option<Diagnostic>> {
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
                return Err(Some(
                    Diagnostic::new(&TYPE_MISMATCH, v.span, format!("expected a time of day, found {}", other.describe()))
                        .with_help("write the time as HH:MM, such as `01:00`"),
                ))
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
    Ok(Schedule { weekly, days, span, time, time_span })
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
                .unwrap_or_else(|| format!("write {what} such as `{example}`"));
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
        ValueKind::Duration(seconds) if seconds % DAY_SECONDS == 0 => (Unit::Days, i64::try_from(seconds / DAY_SECONDS).unwrap_or(i64::MAX)),
        ValueKind::Duration(_) => {
            return Err(Some(
                Diagnostic::new(&TYPE_MISMATCH, value.span, "Azure Backup keeps daily backups for whole days")
                    .with_help("write a number of days, such as `retain 30d`"),
            ))
        }
        ValueKind::Int(count) => {
            let unit_value = next_value(words, "a unit (`days`, `weeks`, `months` or `years`)", &format!("`{count}`"))?;
            end = unit_value.span;
            let units: &[(&str, Unit)] = &[
                ("days", Unit::Days),
                ("day", Unit::Days),
                ("weeks", Unit::Weeks),
                ("week", Unit::Weeks),
                ("months", Unit::Months),
                ("month", Unit::Months),
                ("years", Unit::Years),
                ("year", Unit::Years),
            ];
            let found = unit_value.as_word().and_then(|w| units.iter().find(|(u, _)| u.eq_ignore_ascii_case(&w.name)));
            match found {
                Some((_, unit)) => (*unit, count),
                None => {
                    let shown = unit_value.as_word().map_or_else(|| unit_value.kind.describe().to_string(), |w| format!("`{}`", w.name));
                    let help = unit_value
                        .as_word()
                        .and_then(|w| did_you_mean(&w.name.to_ascii_lowercase(), ["days", "weeks", "months", "years"]))
                        .unwrap_or_else(|| RETAIN_SHAPE.to_string());
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
            Unit::Days => {
                return Err(Some(
                    Diagnostic::new(&MALFORMED_BLOCK, on, "daily backups are kept every day: `on` has no meaning after a number of days")
                        .with_help("remove `on ...`; to keep the backups of some days longer, add `retain 12 weeks on [sunday]`"),
                ))
            }
            Unit::Weeks => {
                let (days, span) = read_days(words, "`on`")?;
                retention.days = days;
                end = span;
            }
            Unit::Months | Unit::Years => {
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
    if unit == Unit::Years && words.peek().is_some_and(|t| is_word(t, "of")) {
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
pub fn instant_restore_days(model: &Model, policy_block: NodeId, policy: &Policy) -> Option<i64> {
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
        let (Some(location), Some(rg)) = (location, node.str("resource_group")) else { continue };
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
pub fn policy_properties(model: &Model, block: NodeId, policy: &Policy) -> Prop {
    let node = model.node(block);
    let times = Prop::Array(vec![Prop::str(run_time(policy.schedule.time))]);
    let mut schedule = IndexMap::new();
    schedule.insert("schedulePolicyType".to_string(), Prop::str("SimpleSchedulePolicy"));
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
    let mut retention = IndexMap::new();
    retention.insert("retentionPolicyType".to_string(), Prop::str("LongTermRetentionPolicy"));
    for r in &policy.retentions {
        let (key, value) = match r.unit {
            Unit::Days => ("dailySchedule", Prop::object([("retentionTimes", times.clone()), ("retentionDuration", duration(r))])),
            Unit::Weeks => (
                "weeklySchedule",
                Prop::object([
                    ("daysOfTheWeek", strings(&policy.kept_days(r))),
                    ("retentionTimes", times.clone()),
                    ("retentionDuration", duration(r)),
                ]),
            ),
            Unit::Months => (
                "monthlySchedule",
                Prop::object([
                    ("retentionScheduleFormatType", Prop::str("Weekly")),
                    ("retentionScheduleWeekly", weekly_format(r)),
                    ("retentionTimes", times.clone()),
                    ("retentionDuration", duration(r)),
                ]),
            ),
            Unit::Years => (
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
        retention.insert(key.to_string(), value);
    }
    // Azure's order of the retentions, whatever the order written.
    let order = ["retentionPolicyType", "dailySchedule", "weeklySchedule", "monthlySchedule", "yearlySchedule"];
    retention.sort_by_key(|k, _| order.iter().position(|o| o == k));

    let mut properties = IndexMap::new();
    properties.insert("backupManagementType".to_string(), Prop::str("AzureIaasVM"));
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
    let mut vaults: Vec<(String, String, ResourceId, String)> = Vec::new();
    let mut policies: IndexMap<(ResourceId, NodeId), ResourceId> = IndexMap::new();
    for (block, node) in model.of_kind("compute") {
        let Some(policy_block) = node.reference("backup") else { continue };
        let Ok(policy) = read(model, policy_block) else { continue };
        let machines: Vec<ResourceId> = (0..lw.plan.resources.len())
            .filter(|&r| lw.plan.resources[r].origin == block && lw.plan.resources[r].resource_type == super::compute::VIRTUAL_MACHINE)
            .collect();
        let Some(&first) = machines.first() else { continue };
        let location = lw.plan.resources[first].location.clone().unwrap_or_default();
        let rg = lw.plan.resources[first].resource_group.clone();

        let existing = vaults.iter().find(|(l, g, _, _)| l.eq_ignore_ascii_case(&location) && g.eq_ignore_ascii_case(&rg));
        let (vault, vault_name) = match existing {
            Some((_, _, vault, name)) => (*vault, name.clone()),
            None => {
                let name = lw.names.recovery_vault(node.str("resource_group").unwrap_or(&rg), &location);
                let mut top = IndexMap::new();
                top.insert("sku".to_string(), Prop::object([("name", Prop::str("RS0")), ("tier", Prop::str("Standard"))]));
                let vault = lw.push(Resource {
                    symbol: format!("rsv_{name}"),
                    resource_type: VAULT_TYPE,
                    api_version: api_version(VAULT_TYPE),
                    name: vec![name.clone()],
                    parent: None,
                    resource_group: rg.clone(),
                    location: Some(location.clone()),
                    tags: model.tags(policy_block),
                    top,
                    properties: Prop::object([("publicNetworkAccess", Prop::str("Enabled"))]),
                    depends_on: Vec::new(),
                    origin: policy_block,
                    deployment: 0,
                });
                vaults.push((location.clone(), rg.clone(), vault, name.clone()));
                (vault, name)
            }
        };

        let policy_id = match policies.get(&(vault, policy_block)) {
            Some(&id) => id,
            None => {
                let policy_name = model.node(policy_block).name().to_string();
                let id = lw.push(Resource {
                    symbol: format!("policy_{vault_name}_{policy_name}"),
                    resource_type: POLICY_TYPE,
                    api_version: api_version(POLICY_TYPE),
                    name: vec![vault_name.clone(), policy_name],
                    parent: Some(vault),
                    resource_group: rg.clone(),
                    location: None,
                    // Azure keeps no tags on backup policies nor protected items.
                    tags: IndexMap::new(),
                    top: IndexMap::new(),
                    properties: policy_properties(model, policy_block, &policy),
                    depends_on: vec![vault],
                    origin: policy_block,
                    deployment: 0,
                });
                policies.insert((vault, policy_block), id);
                id
            }
        };

        for vm in machines {
            let vm_name = lw.plan.resources[vm].name[0].clone();
            let vm_group = lw.plan.resources[vm].resource_group.clone();
            // After the machine's extensions too: Azure Backup adds its own to the machine.
            let mut depends_on = vec![vault, policy_id, vm];
            depends_on.extend((0..lw.plan.resources.len()).filter(|&r| lw.plan.resources[r].parent == Some(vm)));
            lw.push(Resource {
                symbol: format!("backup_{vm_name}"),
                resource_type: PROTECTED_ITEM_TYPE,
                api_version: api_version(PROTECTED_ITEM_TYPE),
                name: vec![
                    vault_name.clone(),
                    "Azure".to_string(),
                    format!("iaasvmcontainer;iaasvmcontainerv2;{vm_group};{vm_name}"),
                    format!("vm;iaasvmcontainerv2;{vm_group};{vm_name}"),
                ],
                parent: None,
                resource_group: rg.clone(),
                location: None,
                tags: IndexMap::new(),
                top: IndexMap::new(),
                properties: Prop::object([
                    ("protectedItemType", Prop::str("Microsoft.Compute/virtualMachines")),
                    ("policyId", Prop::Id(policy_id)),
                    ("sourceResourceId", Prop::Id(vm)),
                ]),
                depends_on,
                origin: block,
                deployment: 0,
            });
        }
    }
}
