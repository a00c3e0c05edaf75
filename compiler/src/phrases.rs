//! What the phrases of firewall rules, backup policies and autoscale blocks
//! say, as data. Each phrase is read once, when the plan is resolved, by its
//! block's module (with the word cursor of [`crate::blocks::phrase`]), and
//! kept in the [`crate::model::Model`] for the checks, the lowering and the
//! editor; update schedules have their own module, [`crate::schedule`].

use crate::source::{Span, Spanned};

// ---------------------------------------------------------------------------
// Firewall rules (`crate::blocks::firewall`)

/// What a firewall rule does with the traffic it matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FirewallAction {
    Allow,
    Deny,
}

impl FirewallAction {
    /// `Allow` or `Deny`, as Azure writes it.
    pub fn azure(self) -> &'static str {
        match self {
            FirewallAction::Allow => "Allow",
            FirewallAction::Deny => "Deny",
        }
    }
}

/// One rule of a firewall's `network_rules`, `application_rules` or `dnat`.
#[derive(Clone, Debug, PartialEq)]
pub struct FirewallRule {
    pub name: String,
    pub body: FirewallRuleBody,
}

/// What a firewall rule matches and does, by the kind of block it is in.
/// Protocols, ports and addresses are spelt as Azure takes them.
#[derive(Clone, Debug, PartialEq)]
pub enum FirewallRuleBody {
    Network { action: FirewallAction, protocols: Vec<&'static str>, ports: Vec<String>, sources: Vec<String>, destinations: Vec<String> },
    Application { action: FirewallAction, protocols: Vec<(&'static str, i64)>, sources: Vec<String>, fqdns: Vec<String>, fqdn_tags: Vec<String> },
    Dnat { protocols: Vec<&'static str>, port: i64, translated_address: String, translated_port: i64, sources: Vec<String> },
}

// ---------------------------------------------------------------------------
// Backup policies (`crate::blocks::backup`)

/// How long backups are kept: in days (daily backups), weeks, months or years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetentionUnit {
    Days,
    Weeks,
    Months,
    Years,
}

impl RetentionUnit {
    /// The unit as a `retain` clause writes it, plural.
    pub fn word(self) -> &'static str {
        match self {
            RetentionUnit::Days => "days",
            RetentionUnit::Weeks => "weeks",
            RetentionUnit::Months => "months",
            RetentionUnit::Years => "years",
        }
    }

    /// What backups a retention of this unit keeps, in words.
    pub fn backups(self) -> &'static str {
        match self {
            RetentionUnit::Days => "daily backups",
            RetentionUnit::Weeks => "weekly backups",
            RetentionUnit::Months => "monthly backups",
            RetentionUnit::Years => "yearly backups",
        }
    }

    /// Azure's `durationType`.
    pub fn azure(self) -> &'static str {
        match self {
            RetentionUnit::Days => "Days",
            RetentionUnit::Weeks => "Weeks",
            RetentionUnit::Months => "Months",
            RetentionUnit::Years => "Years",
        }
    }

    /// How many of the unit Azure Backup keeps backups of an Azure VM: daily
    /// ones at least 7 days (Azure refuses fewer since 2022, see the
    /// `azurerm_backup_policy_vm` resource) and at most 9999; weekly ones up to
    /// 5163 weeks, monthly ones 1188 months, yearly ones 99 years (the
    /// `PolicyConstants` of Azure PowerShell's Az.RecoveryServices).
    pub fn bounds(self) -> (i64, i64) {
        match self {
            RetentionUnit::Days => (7, 9999),
            RetentionUnit::Weeks => (1, 5163),
            RetentionUnit::Months => (1, 1188),
            RetentionUnit::Years => (1, 99),
        }
    }
}

/// When backups run.
#[derive(Debug, Clone)]
pub struct BackupSchedule {
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
    pub unit: RetentionUnit,
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

/// A `backup_policy` block's phrase: when backups run and how long they are kept.
#[derive(Debug, Clone)]
pub struct BackupPolicy {
    pub schedule: BackupSchedule,
    pub retentions: Vec<Retention>,
}

impl BackupPolicy {
    /// The retention of one unit, when the policy has one.
    pub fn retention(&self, unit: RetentionUnit) -> Option<&Retention> {
        self.retentions.iter().find(|r| r.unit == unit)
    }

    /// The day monthly and yearly backups are kept from unless their clause
    /// says: a weekly schedule's first day, else Sunday.
    pub fn first_day(&self) -> &'static str {
        self.schedule.days.first().map_or("Sunday", |d| d.value)
    }

    /// The days a retention keeps the backups of: its own, else a weekly
    /// schedule's days for weekly backups, and [`BackupPolicy::first_day`].
    pub fn kept_days(&self, retention: &Retention) -> Vec<&'static str> {
        if !retention.days.is_empty() {
            return retention.days.iter().map(|d| d.value).collect();
        }
        match (retention.unit, self.schedule.weekly) {
            (RetentionUnit::Weeks, true) => self.schedule.days.iter().map(|d| d.value).collect(),
            _ => vec![self.first_day()],
        }
    }
}

// ---------------------------------------------------------------------------
// Autoscale rules (`crate::blocks::scale_set`)

/// One autoscale rule, read from its phrase.
#[derive(Debug, Clone, PartialEq)]
pub struct ScaleRule {
    /// `out` (add instances) or `in` (remove them).
    pub out: bool,
    pub metric: &'static str,
    /// `>`, `>=`, `<` or `<=`.
    pub operator: &'static str,
    /// A percentage.
    pub threshold: u32,
    pub threshold_span: Span,
    /// How many instances to add or remove.
    pub by: i64,
    /// Seconds the metric is averaged over.
    pub over: u64,
    /// Seconds to wait after scaling before the rule may fire again.
    pub cooldown: u64,
    /// The whole phrase.
    pub span: Span,
}

impl ScaleRule {
    /// Azure's name of the comparison.
    pub fn azure_operator(&self) -> &'static str {
        match self.operator {
            ">" => "GreaterThan",
            ">=" => "GreaterThanOrEqual",
            "<" => "LessThan",
            _ => "LessThanOrEqual",
        }
    }
}
