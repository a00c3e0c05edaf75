//! What the phrases of NSG rules, routes, firewall rules, backup policies and
//! autoscale blocks say, as data. Each phrase is read once, when the plan is
//! resolved, by its block's module (with the word cursor of
//! [`crate::blocks::phrase`]), and kept in the [`crate::model::Model`] for the
//! checks, the policies, the lowering and the editor; update schedules have
//! their own module, [`crate::schedule`].
//!
//! This module sits below [`crate::model`], which holds its types, so it uses
//! nothing of the model: no [`crate::model::Typed`], no `NodeId`. The
//! addresses of rules and routes are an [`Address`] of their own rather than a
//! `Typed`, because a phrase's address is never a reference: a subnet, hub or
//! spoke named in a phrase is read as its prefixes (a value, not a
//! dependency), and the editor finds the names again at the address's span.
//! So an address is a prefix, an IP address, a service tag or `any`, and
//! nothing a `Typed` could hold besides; moving `Typed` down here instead
//! would have kept the wider type, and let every reader ask again what an
//! address may be.

use crate::source::{Span, Spanned};
use ipnet::IpNet;
use std::fmt;
use std::net::IpAddr;

// ---------------------------------------------------------------------------
// Addresses of NSG rules and routes (`crate::blocks::phrase::addresses`)

/// An address of a security rule's `from` or `to`, or a route's prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Address {
    Prefix(IpNet),
    Ip(IpAddr),
    /// A service tag as Azure spells it: `Internet`, `Storage.WestEurope`.
    Tag(String),
    /// `any` (or `"*"`): every address, Azure's `*`.
    Any,
}

impl Address {
    /// A prefix, or an IP address as a prefix of one address; `None` for a
    /// tag or `any`.
    pub fn net(&self) -> Option<IpNet> {
        match self {
            Address::Prefix(net) => Some(*net),
            Address::Ip(ip) => Some(IpNet::from(*ip)),
            Address::Tag(_) | Address::Any => None,
        }
    }
}

/// The address as Azure writes it: `10.0.0.0/8`, `10.0.0.4`, `Internet`, `*`.
impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Prefix(net) => net.fmt(f),
            Address::Ip(ip) => ip.fmt(f),
            Address::Tag(tag) => f.write_str(tag),
            Address::Any => f.write_str("*"),
        }
    }
}

// ---------------------------------------------------------------------------
// NSG rules (`crate::blocks::security`)

/// Which traffic a security rule is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    Inbound,
    Outbound,
}

impl Direction {
    /// `inbound` or `outbound`, as the phrase writes it.
    pub fn word(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }

    pub fn azure(self) -> &'static str {
        match self {
            Direction::Inbound => "Inbound",
            Direction::Outbound => "Outbound",
        }
    }
}

/// What a security rule does with the traffic it matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Allow,
    Deny,
}

impl Access {
    /// `allow` or `deny`, as the phrase writes it.
    pub fn word(self) -> &'static str {
        match self {
            Access::Allow => "allow",
            Access::Deny => "deny",
        }
    }

    pub fn azure(self) -> &'static str {
        match self {
            Access::Allow => "Allow",
            Access::Deny => "Deny",
        }
    }
}

/// The protocol a security rule matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Tcp,
    Udp,
    Icmp,
    Esp,
    Ah,
    Any,
}

impl Protocol {
    /// Every protocol, in the order the phrase's help lists them.
    pub const ALL: [Protocol; 6] = [Protocol::Tcp, Protocol::Udp, Protocol::Icmp, Protocol::Esp, Protocol::Ah, Protocol::Any];

    /// `tcp`, `udp`, `icmp`, `esp`, `ah` or `any`, as the phrase writes it.
    pub fn word(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Icmp => "icmp",
            Protocol::Esp => "esp",
            Protocol::Ah => "ah",
            Protocol::Any => "any",
        }
    }

    /// `Tcp`, `Udp`, `Icmp`, `Esp`, `Ah` or `*`: Azure's spelling.
    pub fn azure(self) -> &'static str {
        match self {
            Protocol::Tcp => "Tcp",
            Protocol::Udp => "Udp",
            Protocol::Icmp => "Icmp",
            Protocol::Esp => "Esp",
            Protocol::Ah => "Ah",
            Protocol::Any => "*",
        }
    }

    /// Whether the protocol has ports: ICMP, ESP and AH have none.
    pub fn has_ports(self) -> bool {
        !matches!(self, Protocol::Icmp | Protocol::Esp | Protocol::Ah)
    }

    /// Whether a rule for this protocol matches TCP: `tcp` and `any`.
    pub fn matches_tcp(self) -> bool {
        matches!(self, Protocol::Tcp | Protocol::Any)
    }
}

/// A port or a range of ports of a security rule, as written: `443` and
/// `"443-443"` are told apart, since Azure is given each as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ports {
    One(u16),
    Range(u16, u16),
}

impl Ports {
    /// The first and last port.
    pub fn bounds(self) -> (u16, u16) {
        match self {
            Ports::One(port) => (port, port),
            Ports::Range(low, high) => (low, high),
        }
    }

    pub fn contains(self, port: u16) -> bool {
        let (low, high) = self.bounds();
        (low..=high).contains(&port)
    }
}

/// `443` or `5000-5010`, as Azure writes it.
impl fmt::Display for Ports {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ports::One(port) => port.fmt(f),
            Ports::Range(low, high) => write!(f, "{low}-{high}"),
        }
    }
}

/// The phrase of a `rule` of an `nsg` or `rule_set`: `inbound allow tcp 443
/// from Internet to app1.web priority 100 description "..."`. Each part has the
/// span of its word; a list, the span of the whole value as well.
#[derive(Clone, Debug, PartialEq)]
pub struct SecurityRule {
    pub direction: Spanned<Direction>,
    pub access: Spanned<Access>,
    pub protocol: Spanned<Protocol>,
    /// The ports when written; `None` for any port (no ports, `any` or `"*"`).
    pub ports: Option<Spanned<Vec<Spanned<Ports>>>>,
    /// The value after `from`: one address, or several.
    pub source: Spanned<Vec<Spanned<Address>>>,
    /// The value after `to`; `None` for any address.
    pub destination: Option<Spanned<Vec<Spanned<Address>>>>,
    pub priority: Spanned<i64>,
    pub description: Option<Spanned<String>>,
}

impl SecurityRule {
    /// The ports; empty for any port.
    pub fn ports(&self) -> &[Spanned<Ports>] {
        self.ports.as_ref().map_or(&[], |p| p.value.as_slice())
    }

    /// The sources.
    pub fn sources(&self) -> &[Spanned<Address>] {
        &self.source.value
    }

    /// The destinations; empty for any address.
    pub fn destinations(&self) -> &[Spanned<Address>] {
        self.destination.as_ref().map_or(&[], |d| d.value.as_slice())
    }
}

// ---------------------------------------------------------------------------
// Routes (`crate::blocks::routing`)

/// Where a route sends its traffic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextHop {
    /// A virtual appliance at this address.
    Appliance(IpAddr),
    Internet,
    VnetGateway,
    VnetLocal,
    /// `none`: the traffic is dropped.
    None,
}

impl NextHop {
    /// The next hops written as words, with their words.
    pub const WORDS: [(&'static str, NextHop); 4] =
        [("internet", NextHop::Internet), ("vnet_gateway", NextHop::VnetGateway), ("vnet_local", NextHop::VnetLocal), ("none", NextHop::None)];

    /// The word the phrase writes; `None` for an appliance's address.
    pub fn word(self) -> Option<&'static str> {
        NextHop::WORDS.iter().find(|(_, hop)| *hop == self).map(|(word, _)| *word)
    }

    /// Azure's `nextHopType`.
    pub fn azure(self) -> &'static str {
        match self {
            NextHop::Appliance(_) => "VirtualAppliance",
            NextHop::Internet => "Internet",
            NextHop::VnetGateway => "VirtualNetworkGateway",
            NextHop::VnetLocal => "VnetLocal",
            NextHop::None => "None",
        }
    }
}

/// The phrase of a `route`: `route NAME PREFIX via NEXT_HOP`.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// An [`Address::Prefix`] or an [`Address::Tag`].
    pub prefix: Spanned<Address>,
    pub next_hop: Spanned<NextHop>,
}

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
    /// To addresses, or to domain names (`fqdns`, which need the DNS proxy).
    Network {
        action: FirewallAction,
        protocols: Vec<&'static str>,
        ports: Vec<String>,
        sources: Vec<String>,
        destinations: Vec<String>,
        fqdns: Vec<String>,
    },
    Application {
        action: FirewallAction,
        protocols: Vec<(&'static str, i64)>,
        sources: Vec<String>,
        fqdns: Vec<String>,
        fqdn_tags: Vec<String>,
    },
    Dnat {
        protocols: Vec<&'static str>,
        port: i64,
        translated_address: String,
        translated_port: i64,
        sources: Vec<String>,
    },
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
