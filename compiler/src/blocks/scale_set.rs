//! Scale sets: `scale_set` blocks with their `capacity` and `autoscale` rules,
//! lowered to a virtual machine scale set in Flexible orchestration and an
//! autoscale setting. What they share with `compute` blocks (images, logins,
//! disks, load balancers) lives in [`super::compute`].

use super::compute::{self, machine_attributes, Place};
use super::phrase::{self, Words};
use crate::ast::{Term, ValueKind};
use crate::blocks::lowering::Lowering;
use crate::diagnostic::codes::{DUPLICATE_ATTRIBUTE, MALFORMED_BLOCK, TYPE_MISMATCH};
use crate::diagnostic::Diagnostic;
use crate::lower::ir::{Object, Prop, ResourceId};
use crate::model::{Model, NodeId};
use crate::schema::{attr, KindSchema, Naming, Type};
use crate::source::Span;

const SCALE_SET_TYPE: &str = "Microsoft.Compute/virtualMachineScaleSets";
const AUTOSCALE_SETTING: &str = "Microsoft.Insights/autoscalesettings";

/// The Microsoft.Network API version a Flexible scale set creates its network
/// interfaces with (`networkProfile.networkApiVersion`).
const NETWORK_API_VERSION: &str = "2022-11-01";

/// Instances of a scale set without a `capacity` block.
pub const DEFAULT_CAPACITY: i64 = 2;

/// The most instances a Flexible scale set holds.
const MAX_INSTANCES: i64 = 1000;
const INSTANCES: Type = Type::Integer { min: 0, max: MAX_INSTANCES };

pub const SCALE_SET: KindSchema = KindSchema {
    kind: "scale_set",
    doc: "A virtual machine scale set in Flexible orchestration: alike machines whose number `capacity` and `autoscale` set.",
    naming: Naming::Named,
    positional: &[],
    attributes: machine_attributes![
        attr(
            "upgrade",
            Type::Word(&["manual", "automatic", "rolling"]),
            false,
            Some("manual"),
            "How instances take a changed model: `manual`, `automatic` (all at once) or `rolling` (in batches, watching their health)."
        ),
        attr(
            "automatic_os_upgrade",
            Type::Boolean,
            false,
            Some("false"),
            "Automatic OS image upgrades: when the image's publisher releases a new version, Azure replaces the instances' OS disks with it, a batch at a time, watching their health through the `load_balancer`'s probe."
        ),
        attr(
            "computer_name",
            Type::String,
            false,
            Some("the scale set's name"),
            "The prefix of the instances' computer (host) names, to which Azure appends 6 characters: at most 9 characters on Windows, 58 on Linux."
        ),
        attr(
            "backup",
            Type::Ref(&["backup_policy"]),
            false,
            Some("none"),
            "Not for scale sets (`ASH454`): Azure Backup protects machines one by one, by name, and a scale set makes and removes its instances as it scales."
        ),
    ],
    children: &["os_disk", "data_disk", "load_balancer", "capacity", "autoscale"],
    unique: false,
};

pub const CAPACITY: KindSchema = KindSchema {
    kind: "capacity",
    doc: "How many instances a scale set has: `default` at deployment, between `min` and `max` under autoscale.",
    naming: Naming::Unnamed,
    positional: &[],
    attributes: &[
        attr("min", INSTANCES, false, Some("default"), "The fewest instances autoscale leaves."),
        attr("default", INSTANCES, true, None, "Instances at deployment, and when autoscale has no metrics."),
        attr("max", INSTANCES, false, Some("default"), "The most instances autoscale makes."),
    ],
    children: &[],
    unique: false,
};

pub const AUTOSCALE: KindSchema = KindSchema {
    kind: "autoscale",
    doc: "Autoscale rules of a scale set, one a line: `out when cpu > 70% by 2` and `in when cpu < 30% by 1`.",
    naming: Naming::Unnamed,
    positional: &[],
    attributes: &[],
    children: &[],
    unique: false,
};

/// How an autoscale rule reads, for help texts.
pub const SHAPE: &str = "an autoscale rule reads `out when cpu > 70% by 2` or `in when cpu < 30% by 1`, optionally followed by `over 10m` (the time the average is taken over) and `cooldown 5m`";

/// The most rules one autoscale profile takes (Azure Monitor autoscale limits).
pub const MAX_RULES: usize = 10;

/// The metrics an autoscale rule may watch: its word, Azure's metric name.
pub const METRICS: &[(&str, &str)] = &[("cpu", "Percentage CPU")];

/// The default time a rule's metric is averaged over, and the default cooldown, in seconds.
pub const DEFAULT_WINDOW: u64 = 10 * 60;
pub const DEFAULT_COOLDOWN: u64 = 5 * 60;
/// Azure's bounds on a rule's time window (5 minutes to 12 hours) and cooldown (1 minute to 1 week).
const WINDOW_BOUNDS: (u64, u64) = (5 * 60, 12 * 3600);
const COOLDOWN_BOUNDS: (u64, u64) = (60, 7 * 24 * 3600);

pub use crate::phrases::ScaleRule;

/// Reads the rules of an `autoscale` block: those that read well, and what is
/// wrong with the others.
fn read_rules(model: &Model, autoscale: NodeId) -> (Vec<ScaleRule>, Vec<Diagnostic>) {
    let node = model.node(autoscale);
    let mut rules = Vec::new();
    let mut problems = Vec::new();
    if node.phrases.is_empty() {
        problems.push(Diagnostic::new(&MALFORMED_BLOCK, node.head, "this autoscale block has no rules").with_help(SHAPE));
    }
    for (index, phrase) in node.phrases.iter().enumerate() {
        if index == MAX_RULES {
            problems.push(
                Diagnostic::new(
                    &MALFORMED_BLOCK,
                    phrase.span,
                    format!("an autoscale profile takes at most {MAX_RULES} rules; this is rule {}", index + 1),
                )
                .with_help("keep the rules that matter most: Azure refuses more"),
            );
            break;
        }
        match read_rule(&mut Words::phrase(phrase)) {
            Ok(rule) => rules.push(rule),
            Err(d) => problems.push(d),
        }
    }
    (rules, problems)
}

/// Reads every `autoscale` block's rules once, when the plan is resolved,
/// into [`Model::autoscale_rules`], and reports what is wrong with them.
pub fn read_autoscale(model: &mut Model, diagnostics: &mut Vec<Diagnostic>) {
    let blocks: Vec<NodeId> = model.of_kind("autoscale").map(|(id, _)| id).collect();
    for block in blocks {
        let (rules, problems) = read_rules(model, block);
        diagnostics.extend(problems);
        model.autoscale_rules.insert(block, rules);
    }
}

/// The rules of an `autoscale` block that read well, in the order written.
pub fn autoscale_rules(model: &Model, autoscale: NodeId) -> &[ScaleRule] {
    model.autoscale_rules.get(&autoscale).map_or(&[], Vec::as_slice)
}

fn expect(words: &mut Words, word: &str, after: &str) -> Result<(), Diagnostic> {
    match words.take() {
        Some(term) if phrase::word(term).is_some_and(|w| w.name.eq_ignore_ascii_case(word)) => Ok(()),
        Some(term) => Err(Diagnostic::new(&MALFORMED_BLOCK, term.span(), format!("expected `{word}` after {after}, found {}", phrase::shown(term)))
            .with_help(SHAPE)),
        None => Err(Diagnostic::new(&MALFORMED_BLOCK, words.end(), format!("the rule ends where `{word}` belongs, after {after}")).with_help(SHAPE)),
    }
}

fn read_rule(words: &mut Words) -> Result<ScaleRule, Diagnostic> {
    let span = words.span;
    let direction = phrase::one_of(words, &["out", "in"], "a direction", SHAPE)?;
    let out = direction.value == "out";
    expect(words, "when", &format!("`{}`", direction.value))?;
    let metric_words: Vec<&'static str> = METRICS.iter().map(|(w, _)| *w).collect();
    let metric = phrase::one_of(words, &metric_words, "a metric", "autoscale watches `cpu`: the average CPU percentage of the instances")?;

    let operator = match words.take() {
        Some(Term::Operator(op, op_span)) => {
            let (allowed, why): (&[&'static str], &str) = if out {
                (&[">", ">="], "a rule that scales out fires when the metric is high: write `>` or `>=`")
            } else {
                (&["<", "<="], "a rule that scales in fires when the metric is low: write `<` or `<=`")
            };
            match allowed.iter().find(|a| **a == op) {
                Some(a) => *a,
                None => {
                    return Err(Diagnostic::new(&TYPE_MISMATCH, *op_span, format!("`{op}` cannot start a scale-{} condition", direction.value))
                        .with_help(why))
                }
            }
        }
        Some(term) => {
            return Err(Diagnostic::new(
                &MALFORMED_BLOCK,
                term.span(),
                format!("expected a comparison (`>`, `<`, ...) after the metric, found {}", phrase::shown(term)),
            )
            .with_help(SHAPE))
        }
        None => return Err(Diagnostic::new(&MALFORMED_BLOCK, words.end(), "the rule ends where a comparison belongs").with_help(SHAPE)),
    };

    let (threshold, threshold_span) = match words.take() {
        Some(Term::Value(v)) => match v.kind {
            ValueKind::Percent(p) => (p, v.span),
            ValueKind::Int(n) => {
                return Err(Diagnostic::new(&TYPE_MISMATCH, v.span, format!("expected a percentage, found the number {n}"))
                    .with_help(format!("CPU is a percentage: write `{n}%`")))
            }
            ValueKind::Invalid => return Err(Diagnostic::new(&MALFORMED_BLOCK, v.span, "this threshold is not a percentage")),
            ref other => {
                return Err(Diagnostic::new(&TYPE_MISMATCH, v.span, format!("expected a percentage, found {}", other.describe())).with_help(SHAPE))
            }
        },
        Some(term) => {
            return Err(
                Diagnostic::new(&TYPE_MISMATCH, term.span(), format!("expected a percentage, found {}", phrase::describe(term))).with_help(SHAPE)
            )
        }
        None => return Err(Diagnostic::new(&MALFORMED_BLOCK, words.end(), "the rule ends where its threshold belongs").with_help(SHAPE)),
    };

    expect(words, "by", "the threshold")?;
    let by = match words.take() {
        Some(Term::Value(v)) => match v.kind {
            ValueKind::Int(n) if (1..=MAX_INSTANCES).contains(&n) => n,
            ValueKind::Int(n) => {
                return Err(Diagnostic::new(&TYPE_MISMATCH, v.span, format!("a rule adds or removes 1 to {MAX_INSTANCES} instances, not {n}"))
                    .with_help("write how many instances the rule adds or removes: `by 1`"))
            }
            ref other => {
                return Err(Diagnostic::new(&TYPE_MISMATCH, v.span, format!("expected a number of instances, found {}", other.describe()))
                    .with_help("write how many instances the rule adds or removes: `by 2`"))
            }
        },
        Some(term) => {
            return Err(Diagnostic::new(&TYPE_MISMATCH, term.span(), format!("expected a number of instances, found {}", phrase::describe(term)))
                .with_help(SHAPE))
        }
        None => {
            return Err(
                Diagnostic::new(&MALFORMED_BLOCK, words.end(), "the rule ends where the number of instances belongs, after `by`").with_help(SHAPE)
            )
        }
    };

    let mut over: Option<(u64, Span)> = None;
    let mut cooldown: Option<(u64, Span)> = None;
    while let Some(term) = words.take() {
        let clause = phrase::word(term).map(|w| w.name.to_ascii_lowercase());
        let (slot, bounds, what) = match clause.as_deref() {
            Some("over") => (&mut over, WINDOW_BOUNDS, "the time the metric is averaged over"),
            Some("cooldown") => (&mut cooldown, COOLDOWN_BOUNDS, "the cooldown"),
            _ => {
                return Err(Diagnostic::new(&MALFORMED_BLOCK, term.span(), format!("{} has no meaning after `by N`", phrase::shown(term)))
                    .with_help("after `by N` a rule may take `over DURATION` and `cooldown DURATION`, e.g. `over 10m cooldown 5m`"))
            }
        };
        let name = clause.unwrap_or_default();
        if let Some((_, first)) = slot {
            return Err(Diagnostic::new(&DUPLICATE_ATTRIBUTE, term.span(), format!("`{name}` is given twice")).with_label(*first, "first given here"));
        }
        let seconds = match words.take() {
            Some(Term::Value(v)) => match v.kind {
                ValueKind::Duration(s) if (bounds.0..=bounds.1).contains(&s) => s,
                ValueKind::Duration(_) => {
                    return Err(Diagnostic::new(
                        &TYPE_MISMATCH,
                        v.span,
                        format!("Azure takes {what} from {} to {}", duration_words(bounds.0), duration_words(bounds.1)),
                    )
                    .with_help(format!(
                        "write a duration in that range, such as `{name} {}`",
                        duration_words(if name == "over" { DEFAULT_WINDOW } else { DEFAULT_COOLDOWN })
                    )))
                }
                ref other => {
                    return Err(Diagnostic::new(&TYPE_MISMATCH, v.span, format!("expected a duration after `{name}`, found {}", other.describe()))
                        .with_help("write a duration such as `10m`"))
                }
            },
            Some(other) => {
                return Err(Diagnostic::new(
                    &TYPE_MISMATCH,
                    other.span(),
                    format!("expected a duration after `{name}`, found {}", phrase::describe(other)),
                )
                .with_help("write a duration such as `10m`"))
            }
            None => {
                return Err(Diagnostic::new(&MALFORMED_BLOCK, words.end(), format!("the rule ends where a duration belongs, after `{name}`"))
                    .with_help("write a duration such as `10m`"))
            }
        };
        *slot = Some((seconds, term.span()));
    }

    Ok(ScaleRule {
        out,
        metric: metric.value,
        operator,
        threshold,
        threshold_span,
        by,
        over: over.map_or(DEFAULT_WINDOW, |o| o.0),
        cooldown: cooldown.map_or(DEFAULT_COOLDOWN, |c| c.0),
        span,
    })
}

/// `10m`, `1h30m`, `7d`: a number of seconds as the language writes it.
pub fn duration_words(seconds: u64) -> String {
    let mut out = String::new();
    let mut rest = seconds;
    for (unit, size) in [("d", 86400), ("h", 3600), ("m", 60), ("s", 1)] {
        if rest >= size {
            out.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    if out.is_empty() {
        out.push_str("0s");
    }
    out
}

/// A number of seconds as an ISO 8601 duration: `PT10M`, `PT1H30M`, `P7D`.
pub fn iso_duration(seconds: u64) -> String {
    let days = seconds / 86400;
    let (hours, minutes, secs) = ((seconds % 86400) / 3600, (seconds % 3600) / 60, seconds % 60);
    let mut out = String::from("P");
    if days > 0 {
        out.push_str(&format!("{days}D"));
    }
    if hours + minutes + secs > 0 || days == 0 {
        out.push('T');
        for (value, unit) in [(hours, 'H'), (minutes, 'M'), (secs, 'S')] {
            if value > 0 {
                out.push_str(&format!("{value}{unit}"));
            }
        }
        if out.ends_with('T') {
            out.push_str("0S");
        }
    }
    out
}

/// A scale set's instance counts: minimum, default, maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capacity {
    pub min: i64,
    pub default: i64,
    pub max: i64,
}

/// The capacity of a scale set: its `capacity` block, where `min` and `max`
/// default to `default`; [`DEFAULT_CAPACITY`] instances without one.
pub fn capacity(model: &Model, block: NodeId) -> Capacity {
    match compute::nested(model, block, "capacity").first().map(|&c| model.node(c)) {
        Some(node) => {
            let default = compute::int(node, "default").unwrap_or(DEFAULT_CAPACITY);
            Capacity { min: compute::int(node, "min").unwrap_or(default), default, max: compute::int(node, "max").unwrap_or(default) }
        }
        None => Capacity { min: DEFAULT_CAPACITY, default: DEFAULT_CAPACITY, max: DEFAULT_CAPACITY },
    }
}

/// Each `scale_set` block: its proximity placement group, load balancer, the
/// scale set, and its autoscale setting.
pub fn lower_scale_sets(lw: &mut Lowering) {
    let blocks: Vec<NodeId> = lw.model.of_kind("scale_set").map(|(id, _)| id).collect();
    for block in blocks {
        scale_set(lw, block);
    }
}

fn scale_set(lw: &mut Lowering, block: NodeId) {
    let Some(place) = Place::of(lw, block) else { return };
    let model = lw.model;
    let node = model.node(block);
    let name = lw.names.scale_set(block);
    let ppg = compute::proximity_placement_group(lw, &place);
    let balancer = compute::lower_load_balancer(lw, &place);
    let capacity = capacity(model, block);
    let os = compute::os(model, block).unwrap_or(compute::Os::Linux);

    let mut vmss = place.resource(format!("vmss_{}", node.name()), SCALE_SET_TYPE, name.clone());
    vmss.top.insert(
        "sku".into(),
        Prop::object([
            ("name", Prop::str(node.str("size").unwrap_or_default())),
            ("tier", Prop::str("Standard")),
            ("capacity", Prop::Int(capacity.default)),
        ]),
    );
    if !place.zones.is_empty() {
        vmss.top.insert("zones".into(), compute::zone_list(&place.zones));
    }
    if let Some(identity) = compute::identity(node) {
        vmss.top.insert("identity".into(), identity);
    }

    let mut ip_configuration = Object::new();
    ip_configuration.insert("primary".into(), Prop::Bool(true));
    ip_configuration.insert("subnet".into(), place.subnet_ref());
    if let Some((_, pool)) = &balancer {
        ip_configuration.insert("loadBalancerBackendAddressPools".into(), Prop::Array(vec![pool.clone()]));
    }
    let mut nic = Object::new();
    nic.insert("primary".into(), Prop::Bool(true));
    nic.insert("enableAcceleratedNetworking".into(), Prop::Bool(compute::flag(node, "accelerated_networking")));
    // "Whether IP forwarding enabled on this NIC"
    // (https://learn.microsoft.com/javascript/api/@azure/arm-compute/virtualmachinescalesetnetworkconfiguration):
    // written when `ip_forwarding` asks for it, as on a machine's interface.
    if compute::flag(node, "ip_forwarding") {
        nic.insert("enableIPForwarding".into(), Prop::Bool(true));
    }
    nic.insert("deleteOption".into(), Prop::str("Delete"));
    nic.insert(
        "ipConfigurations".into(),
        Prop::Array(vec![Prop::object([("name", Prop::str("ipconfig1")), ("properties", Prop::Object(ip_configuration))])]),
    );
    let network_profile = Prop::object([
        ("networkApiVersion", Prop::str(NETWORK_API_VERSION)),
        ("networkInterfaceConfigurations", Prop::Array(vec![Prop::object([("name", Prop::str("nic")), ("properties", Prop::Object(nic))])])),
    ]);

    let mut extensions: Vec<Prop> = Vec::new();
    for (ext_name, properties) in compute::extensions(model, block) {
        extensions.push(Prop::object([("name", Prop::str(ext_name)), ("properties", properties)]));
    }
    let upgrade = node.str("upgrade").unwrap_or("manual");
    let automatic_os_upgrade = compute::flag(node, "automatic_os_upgrade");
    if upgrade == "rolling" || automatic_os_upgrade {
        // Rolling upgrades of a Flexible scale set watch each instance's health
        // through the Application Health extension, here on the load balancer's probe port.
        let port = compute::load_balancer(model, block).and_then(|lb| compute::probe_port(model.node(lb)));
        if let Some(port) = port {
            let extension_type = if os.windows() { "ApplicationHealthWindows" } else { "ApplicationHealthLinux" };
            extensions.push(Prop::object([
                ("name", Prop::str("HealthExtension")),
                (
                    "properties",
                    Prop::object([
                        ("publisher", Prop::str("Microsoft.ManagedServices")),
                        ("type", Prop::str(extension_type)),
                        ("typeHandlerVersion", Prop::str("2.0")),
                        ("autoUpgradeMinorVersion", Prop::Bool(true)),
                        ("settings", Prop::object([("protocol", Prop::str("tcp")), ("port", Prop::Int(port))])),
                    ]),
                ),
            ]));
        }
    }

    let mut profile = Object::new();
    let prefix = node.str("computer_name").map_or_else(|| name.clone(), str::to_string);
    profile.insert("osProfile".into(), compute::os_profile(lw, block, "computerNamePrefix", prefix));
    profile.insert("storageProfile".into(), compute::storage_profile(lw, block, None));
    profile.insert("networkProfile".into(), network_profile);
    if let Some(security) = compute::security_profile(lw, block) {
        profile.insert("securityProfile".into(), security);
    }
    if let Some(diagnostics) = compute::diagnostics_profile(node) {
        profile.insert("diagnosticsProfile".into(), diagnostics);
    }
    if !extensions.is_empty() {
        profile.insert("extensionProfile".into(), Prop::object([("extensions", Prop::Array(extensions))]));
    }

    let mode = match upgrade {
        "automatic" => "Automatic",
        "rolling" => "Rolling",
        _ => "Manual",
    };
    let mut properties = Object::new();
    properties.insert("orchestrationMode".into(), Prop::str("Flexible"));
    // As Microsoft's Flexible quickstart writes it: one placement group would cap the scale set at 100.
    properties.insert("singlePlacementGroup".into(), Prop::Bool(false));
    // Flexible orchestration spreads instances over as many fault domains as it can with 1.
    properties.insert("platformFaultDomainCount".into(), Prop::Int(1));
    let mut upgrade_policy = Object::new();
    upgrade_policy.insert("mode".into(), Prop::str(mode));
    if automatic_os_upgrade {
        upgrade_policy.insert("automaticOSUpgradePolicy".into(), Prop::object([("enableAutomaticOSUpgrade", Prop::Bool(true))]));
    }
    properties.insert("upgradePolicy".into(), Prop::Object(upgrade_policy));
    properties.insert("virtualMachineProfile".into(), Prop::Object(profile));
    vmss.depends_on = place.joins(lw);
    if let Some(ppg) = ppg {
        properties.insert("proximityPlacementGroup".into(), Prop::object([("id", Prop::Id(ppg))]));
        vmss.depends_on.push(ppg);
    }
    if let Some((lb, _)) = balancer {
        vmss.depends_on.push(lb);
    }
    vmss.properties = Prop::Object(properties);
    vmss.depends_on.extend(compute::gallery_image(lw, block).map(|(_, definition)| definition));
    let vmss = lw.push(vmss);
    lw.primary.insert(block, vmss);

    if let Some(&autoscale) = compute::nested(model, block, "autoscale").first() {
        autoscale_setting(lw, &place, block, autoscale, vmss, capacity);
    }
}

fn autoscale_setting(lw: &mut Lowering, place: &Place, block: NodeId, autoscale: NodeId, vmss: ResourceId, capacity: Capacity) {
    let rules: Vec<Prop> = autoscale_rules(lw.model, autoscale)
        .iter()
        .map(|rule| {
            let metric = METRICS.iter().find(|(w, _)| *w == rule.metric).map_or("Percentage CPU", |(_, m)| m);
            Prop::object([
                (
                    "metricTrigger",
                    Prop::object([
                        ("metricName", Prop::str(metric)),
                        ("metricNamespace", Prop::str("microsoft.compute/virtualmachinescalesets")),
                        ("metricResourceUri", Prop::Id(vmss)),
                        ("timeGrain", Prop::str("PT1M")),
                        ("statistic", Prop::str("Average")),
                        ("timeWindow", Prop::str(iso_duration(rule.over))),
                        ("timeAggregation", Prop::str("Average")),
                        ("operator", Prop::str(rule.azure_operator())),
                        ("threshold", Prop::Int(i64::from(rule.threshold))),
                    ]),
                ),
                (
                    "scaleAction",
                    Prop::object([
                        ("direction", Prop::str(if rule.out { "Increase" } else { "Decrease" })),
                        ("type", Prop::str("ChangeCount")),
                        ("value", Prop::str(rule.by.to_string())),
                        ("cooldown", Prop::str(iso_duration(rule.cooldown))),
                    ]),
                ),
            ])
        })
        .collect();
    let profile = Prop::object([
        ("name", Prop::str("default")),
        (
            "capacity",
            Prop::object([
                ("minimum", Prop::str(capacity.min.to_string())),
                ("maximum", Prop::str(capacity.max.to_string())),
                ("default", Prop::str(capacity.default.to_string())),
            ]),
        ),
        ("rules", Prop::Array(rules)),
    ]);
    let mut setting = place.resource(format!("autoscale_{}", lw.model.node(block).name()), AUTOSCALE_SETTING, lw.names.autoscale(block));
    setting.properties =
        Prop::object([("enabled", Prop::Bool(true)), ("targetResourceUri", Prop::Id(vmss)), ("profiles", Prop::Array(vec![profile]))]);
    setting.depends_on = vec![vmss];
    lw.push(setting);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_iso_8601() {
        assert_eq!(iso_duration(600), "PT10M");
        assert_eq!(iso_duration(5400), "PT1H30M");
        assert_eq!(iso_duration(7 * 86400), "P7D");
        assert_eq!(iso_duration(86400 + 60), "P1DT1M");
        assert_eq!(iso_duration(45), "PT45S");
        assert_eq!(iso_duration(0), "PT0S");
        assert_eq!(duration_words(5400), "1h30m");
        assert_eq!(duration_words(7 * 86400), "7d");
    }

    fn rules(text: &str) -> (Vec<ScaleRule>, Vec<String>) {
        use crate::check::test_support::{linux, machines};
        let plan = machines(&linux("scale_set", "w", &format!("capacity {{ min = 1  default = 2  max = 5 }}\n autoscale {{\n{text}\n }}")));
        let analysis = crate::analyze_text(&plan, std::path::Path::new("."));
        let block = analysis.model.of_kind("autoscale").next().map(|(id, _)| id).expect("an autoscale block");
        let read = autoscale_rules(&analysis.model, block).to_vec();
        (read, analysis.diagnostics.iter().map(|d| format!("{} {}", d.code.code, d.message)).collect())
    }

    #[test]
    fn rules_read_with_their_defaults_and_clauses() {
        let (read, problems) = rules("out when cpu > 70% by 2\nin when CPU <= 25% by 1 over 15m cooldown 10m");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(read.len(), 2);
        assert_eq!((read[0].out, read[0].operator, read[0].threshold, read[0].by, read[0].over, read[0].cooldown), (true, ">", 70, 2, 600, 300));
        assert_eq!(
            (read[1].out, read[1].azure_operator(), read[1].threshold, read[1].over, read[1].cooldown),
            (false, "LessThanOrEqual", 25, 900, 600)
        );
    }

    #[test]
    fn broken_rules_say_what_is_wrong_where() {
        let cases = [
            ("up when cpu > 70% by 2", "ASH104 expected a direction (`out`, `in`), found `up`"),
            ("out if cpu > 70% by 2", "ASH109 expected `when` after `out`, found `if`"),
            ("out when memory > 70% by 2", "ASH104 expected a metric (`cpu`), found `memory`"),
            ("out when cpu < 70% by 2", "ASH104 `<` cannot start a scale-out condition"),
            ("in when cpu > 30% by 1", "ASH104 `>` cannot start a scale-in condition"),
            ("out when cpu > 70 by 2", "ASH104 expected a percentage, found the number 70"),
            ("out when cpu > 70% by 0", "ASH104 a rule adds or removes 1 to 1000 instances, not 0"),
            ("out when cpu > 70%", "ASH109 the rule ends where `by` belongs, after the threshold"),
            ("out when cpu > 70% by 2 over 1m", "ASH104 Azure takes the time the metric is averaged over from 5m to 12h"),
            ("out when cpu > 70% by 2 cooldown 5m cooldown 6m", "ASH108 `cooldown` is given twice"),
            ("out when cpu > 70% by 2 fast", "ASH109 `fast` has no meaning after `by N`"),
        ];
        for (text, expected) in cases {
            let (_, problems) = rules(text);
            assert_eq!(problems, [expected], "{text}");
        }
    }

    #[test]
    fn an_empty_block_and_too_many_rules_are_refused() {
        let (_, problems) = rules("");
        assert_eq!(problems, ["ASH109 this autoscale block has no rules"]);
        let many = (0..11).map(|i| format!("out when cpu > {}% by 1", 50 + i)).collect::<Vec<_>>().join("\n");
        let (read, problems) = rules(&many);
        assert_eq!(read.len(), 10);
        assert_eq!(problems, ["ASH109 an autoscale profile takes at most 10 rules; this is rule 11"]);
    }
}
