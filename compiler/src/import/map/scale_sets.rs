//! Scale sets (`Microsoft.Compute/virtualMachineScaleSets` in Flexible
//! orchestration) to `scale_set` blocks, their autoscale settings read back
//! into `capacity` and `autoscale`, and their load balancer as the block
//! writes it (`crate::blocks::scale_set::lower_scale_sets` is the shape read back).

use super::gather::Draft;
use super::profiles::security_of;
use super::{id_name, string_literal, write_common, write_names, Common, Context, Mapper, Node, Resource};
use crate::blocks::scale_set::{duration_words, DEFAULT_COOLDOWN, DEFAULT_WINDOW, METRICS};
use std::collections::HashMap;

const SCALE_SET: &str = "Microsoft.Compute/virtualMachineScaleSets";
const AUTOSCALE: &str = "Microsoft.Insights/autoscaleSettings";

/// Seconds of an ISO 8601 duration of days, hours, minutes and seconds
/// (`PT10M`, `P1DT1M`); `None` for years, months or weeks.
fn seconds_of(iso: &str) -> Option<u64> {
    let rest = iso.strip_prefix('P')?;
    let (days, time) = rest.split_once('T').unwrap_or((rest, ""));
    let mut total = 0u64;
    if !days.is_empty() {
        total += days.strip_suffix('D')?.parse::<u64>().ok()? * 86400;
    }
    let mut number = String::new();
    for c in time.chars() {
        match c {
            '0'..='9' => number.push(c),
            'H' | 'M' | 'S' => {
                let n: u64 = std::mem::take(&mut number).parse().ok()?;
                total += n * match c {
                    'H' => 3600,
                    'M' => 60,
                    _ => 1,
                };
            }
            _ => return None,
        }
    }
    number.is_empty().then_some(total)
}

impl Mapper {
    /// `scale_set` blocks for the template's Flexible scale sets.
    pub(super) fn scale_sets(&mut self, cx: &Context, networks: &HashMap<String, String>, common: &dyn Fn(&Resource, &mut Mapper) -> Common) {
        let rs = cx.resources;
        for (i, r) in rs.iter().enumerate().filter(|(_, r)| r.is(SCALE_SET)) {
            let Some(props) = r.props() else { continue };
            let flexible = props.get("orchestrationMode").and_then(Node::as_str).is_some_and(|m| m.eq_ignore_ascii_case("flexible"));
            if !flexible {
                self.note(
                    props.get("orchestrationMode").unwrap_or(props),
                    format!("scale set `{}` is not in Flexible orchestration, which a `scale_set` block deploys; it stays a comment", r.name),
                );
                continue;
            }
            let Some(vmp) = props.get("virtualMachineProfile") else { continue };
            let nic = vmp.at(&["networkProfile", "networkInterfaceConfigurations"]).and_then(|n| n.items().first().cloned());
            let ip = nic.as_ref().and_then(|n| n.at(&["properties", "ipConfigurations"])).and_then(|c| c.items().first().cloned());
            let ip_props = ip.as_ref().and_then(|c| c.get("properties"));
            let subnet_id = ip_props.and_then(|p| p.at(&["subnet", "id"])).and_then(Node::as_str).and_then(super::machines::subnet_of_id);
            let group = r.group.clone().unwrap_or_else(|| cx.default_group.clone());
            let subnet = self.machine_subnet(ip_props.and_then(|p| p.at(&["subnet", "id"])), networks, &group, &r.node);
            let Some(subnet) = subnet else {
                self.note(
                    ip_props.and_then(|p| p.get("subnet")).unwrap_or(vmp),
                    format!("scale set `{}`'s subnet is not known before deployment; it stays a comment", r.name),
                );
                continue;
            };
            self.used[i] = true;
            let block = self.names.claim(&r.name);
            let c = common(r, self);
            let mut lines: Vec<(String, Option<Node>)> = Vec::new();
            let mut line = |text: String, from: Option<&Node>| lines.push((text, from.cloned()));
            line(format!("subnet = {subnet}"), ip_props.and_then(|p| p.get("subnet")));

            let (windows, image_block, image_lines) = self.image_of(&r.name, &block, vmp);
            for (text, from) in image_lines {
                line(text, from.as_ref());
            }
            match r.node.at(&["sku", "name"]).and_then(Node::as_str) {
                Some(size) => line(format!("size = {size}"), r.node.at(&["sku", "name"])),
                None => {
                    self.note(
                        r.node.get("sku").unwrap_or(&r.node),
                        format!("scale set `{}`'s size is not known before deployment; the plan says `Standard_D2s_v5` in its place", r.name),
                    );
                    line("size = Standard_D2s_v5".into(), r.node.get("sku"));
                }
            }
            if let Some(z) = super::zones_of(r) {
                line(format!("zones = [{z}]"), r.node.get("zones"));
            }
            let upgrade = props.at(&["upgradePolicy", "mode"]).and_then(Node::as_str).map(str::to_ascii_lowercase);
            let rolling_or_automatic = match upgrade.as_deref() {
                Some("rolling") | Some("automatic") => {
                    line(format!("upgrade = {}", upgrade.as_deref().unwrap_or_default()), props.at(&["upgradePolicy", "mode"]));
                    true
                }
                _ => false,
            };
            let auto_os = props.at(&["upgradePolicy", "automaticOSUpgradePolicy", "enableAutomaticOSUpgrade"]).and_then(Node::as_bool) == Some(true);
            if auto_os {
                line("automatic_os_upgrade = true".into(), props.at(&["upgradePolicy", "automaticOSUpgradePolicy"]));
            }
            for (text, from) in self.os_profile_of(&r.name, vmp, windows, false) {
                line(text, from.as_ref());
            }
            let prefix = vmp.at(&["osProfile", "computerNamePrefix"]);
            if let Some(p) = prefix.and_then(Node::as_str).filter(|p| *p != r.name) {
                line(format!("computer_name = {}", string_literal(p)), prefix);
            }
            // cloud-init: `customData`, "a base-64 encoded string of custom data"
            // (https://learn.microsoft.com/dotnet/api/azure.resourcemanager.computeschedule.models.virtualmachineosprofile.customdata).
            if let Some(data) = vmp.at(&["osProfile", "customData"]) {
                match data.as_str().and_then(crate::azure::compute::unbase64).map(String::from_utf8) {
                    Some(Ok(text)) if !windows => line(format!("cloud_init = {}", string_literal(&text)), Some(data)),
                    _ => self.note(data, format!("scale set `{}`'s custom data is not Linux cloud-init known before deployment; left out", r.name)),
                }
            }
            if let Some(pip) = ip_props.and_then(|p| p.get("publicIPAddressConfiguration")) {
                self.note(
                    pip,
                    format!("scale set `{}` gives its instances public IP addresses, which a `scale_set` block does not; left out", r.name),
                );
            }
            if r.node.at(&["identity", "type"]).and_then(Node::as_str).is_some_and(|t| t.to_ascii_lowercase().contains("systemassigned")) {
                line("identity = system".into(), r.node.get("identity"));
            }
            for (text, from) in security_of(vmp) {
                line(text, from.as_ref());
            }
            if nic.as_ref().and_then(|n| n.at(&["properties", "enableAcceleratedNetworking"])).and_then(Node::as_bool) == Some(true) {
                line("accelerated_networking = true".into(), nic.as_ref());
            }
            if let Some(forwarding) = nic.as_ref().and_then(|n| n.at(&["properties", "enableIPForwarding"])).filter(|f| f.as_bool() == Some(true)) {
                line("ip_forwarding = true".into(), Some(forwarding));
            }
            if let Some(ppg) = props.get("proximityPlacementGroup") {
                self.note(ppg, super::machines::proximity_left_out("scale set", &r.name, ppg));
            }

            // Extensions: a script inline; the health extension the block adds for
            // rolling and automatic OS upgrades; every other one left out.
            let extensions = vmp.at(&["extensionProfile", "extensions"]).map(|e| e.items().to_vec()).unwrap_or_default();
            for ext in &extensions {
                let Some(p) = ext.get("properties") else { continue };
                let text = |k: &str| p.get(k).and_then(Node::as_str).unwrap_or("").to_ascii_lowercase();
                let name = ext.get("name").and_then(Node::as_str).unwrap_or("").to_string();
                match (text("publisher").as_str(), text("type").as_str()) {
                    ("microsoft.compute", "customscriptextension") | ("microsoft.azure.extensions", "customscript") => {
                        let as_resource = Resource { ty: "extension".into(), name: format!("{}/{name}", r.name), group: None, node: ext.clone() };
                        if let Some((script, from)) = self.script_of(&as_resource, p, windows) {
                            line(format!("script = {}", string_literal(&script)), Some(&from));
                        }
                    }
                    ("microsoft.managedservices", "applicationhealthlinux" | "applicationhealthwindows") if rolling_or_automatic || auto_os => {}
                    _ => self.note(ext, format!("scale set `{}`'s extension `{name}` is not one a `scale_set` block writes; left out", r.name)),
                }
            }
            for (text, from) in self.disks_of(&r.name, vmp) {
                line(text, from.as_ref());
            }

            // Capacity and autoscale: the setting that targets this scale set.
            let capacity = r.node.at(&["sku", "capacity"]).and_then(Node::as_i64);
            let mut names: Vec<(&str, String)> = Vec::new();
            if block != r.name {
                names.push(("scale_set", r.name.clone()));
            }
            let setting = rs.iter().enumerate().find(|(_, s)| {
                s.is(AUTOSCALE)
                    && s.props()
                        .and_then(|p| p.get("targetResourceUri"))
                        .and_then(|t| id_name(Some(t)).or_else(|| t.as_str().and_then(|x| x.rsplit('/').next().map(str::to_string))))
                        .is_some_and(|n| n.eq_ignore_ascii_case(&r.name))
            });
            let mut autoscale = None;
            match setting.and_then(|(at, s)| Some((at, s, self.autoscale_of(s)?))) {
                Some((at, s, (min, default, max, rules))) => {
                    self.used[at] = true;
                    line(format!("capacity {{ min = {min}  default = {default}  max = {max} }}"), s.props());
                    autoscale = Some((rules, s.node.clone()));
                    if s.name != format!("{}-autoscale", r.name) {
                        names.push(("autoscale", s.name.clone()));
                    }
                }
                None => {
                    if let Some(n) = capacity.filter(|n| *n != crate::blocks::scale_set::DEFAULT_CAPACITY) {
                        line(format!("capacity {{ default = {n} }}"), r.node.get("sku"));
                    }
                }
            }

            let pools = ip_props
                .and_then(|p| p.get("loadBalancerBackendAddressPools"))
                .map(|p| {
                    p.items().iter().filter_map(|pool| pool.get("id").and_then(Node::as_str).and_then(super::gather::balancer_of_pool)).collect()
                })
                .unwrap_or_default();
            let draft = Draft {
                group: group.clone(),
                block: block.clone(),
                common: c,
                lines: Vec::new(),
                image_block: None,
                node: r.node.clone(),
                vm: r.name.clone(),
                nic: String::new(),
                pools,
                subnet: subnet_id.clone(),
            };
            let balancer = self.balancer(cx, &[&draft], &block);

            let w = self.file(&group);
            if let Some(image) = &image_block {
                w.line(0, image, Some(&r.node));
            }
            w.line(0, &format!("scale_set {block} {{"), Some(&r.node));
            w.line(1, &format!("resource_group = {}", string_literal(&group)), None);
            write_common(w, &draft.common);
            for (text, from) in &lines {
                w.line(1, text, from.as_ref());
            }
            if let Some((rules, from)) = &autoscale {
                w.line(1, "autoscale {", Some(from));
                for rule in rules {
                    w.line(2, rule, None);
                }
                w.line(1, "}", None);
            }
            if let Some((text, from, lb_names)) = &balancer {
                w.line(1, text, Some(from));
                names.extend(lb_names.iter().map(|(k, v)| (*k, v.clone())));
            }
            let names: Vec<(&str, &str)> = names.iter().map(|(k, v)| (*k, v.as_str())).collect();
            write_names(w, &block, &names);
            w.line(0, "}", None);
        }
    }

    /// An autoscale setting as a `capacity` (min, default, max) and
    /// `autoscale` rules; `None` (reported) when a plan cannot say it.
    #[allow(clippy::type_complexity)]
    fn autoscale_of(&mut self, s: &Resource) -> Option<(i64, i64, i64, Vec<String>)> {
        let props = s.props()?;
        let profiles = props.get("profiles").map(|p| p.items().to_vec()).unwrap_or_default();
        let unlike = |m: &mut Mapper, why: String| {
            m.note(&s.node, format!("autoscale setting `{}` {why}; it stays a comment", s.name));
            None
        };
        if profiles.len() != 1 || props.get("enabled").and_then(Node::as_bool) == Some(false) || props.get("notifications").is_some() {
            return unlike(self, "is not one enabled profile without notifications, as a `scale_set` block writes".into());
        }
        let profile = &profiles[0];
        if profile.get("recurrence").is_some() || profile.get("fixedDate").is_some() {
            return unlike(self, "has a schedule, which a plan's autoscale does not".into());
        }
        let count = |k: &str| profile.at(&["capacity", k]).and_then(|n| n.as_i64().or_else(|| n.as_str()?.parse().ok()));
        let (Some(min), Some(default), Some(max)) = (count("minimum"), count("default"), count("maximum")) else {
            return unlike(self, "has a capacity not known before deployment".into());
        };
        let mut rules = Vec::new();
        for rule in profile.get("rules").map(|r| r.items().to_vec()).unwrap_or_default() {
            let t = |k: &str| rule.at(&["metricTrigger", k]).and_then(Node::as_str).unwrap_or("").to_string();
            let a = |k: &str| rule.at(&["scaleAction", k]).and_then(Node::as_str).unwrap_or("").to_string();
            let metric = METRICS.iter().find(|(_, m)| m.eq_ignore_ascii_case(&t("metricName"))).map(|(w, _)| *w);
            let operator = match t("operator").as_str() {
                "GreaterThan" => ">",
                "GreaterThanOrEqual" => ">=",
                "LessThan" => "<",
                "LessThanOrEqual" => "<=",
                _ => "",
            };
            let out = a("direction").eq_ignore_ascii_case("increase");
            let threshold = rule.at(&["metricTrigger", "threshold"]).and_then(Node::as_i64);
            let by = rule.at(&["scaleAction", "value"]).and_then(|n| n.as_i64().or_else(|| n.as_str()?.parse().ok()));
            let (window, cooldown) = (seconds_of(&t("timeWindow")), seconds_of(&a("cooldown")));
            let plain = t("statistic").eq_ignore_ascii_case("average")
                && t("timeAggregation").eq_ignore_ascii_case("average")
                && t("timeGrain").eq_ignore_ascii_case("PT1M")
                && a("type").eq_ignore_ascii_case("ChangeCount")
                && (out == operator.starts_with('>'));
            let (Some(metric), Some(threshold), Some(by), Some(window), Some(cooldown), true, false) =
                (metric, threshold, by, window, cooldown, plain, operator.is_empty())
            else {
                return unlike(
                    self,
                    "has a rule other than an average CPU percentage over one-minute grains changing the count, as a plan's autoscale writes".into(),
                );
            };
            let mut text = format!("{} when {metric} {operator} {threshold}% by {by}", if out { "out" } else { "in" });
            if window != DEFAULT_WINDOW {
                text.push_str(&format!(" over {}", duration_words(window)));
            }
            if cooldown != DEFAULT_COOLDOWN {
                text.push_str(&format!(" cooldown {}", duration_words(cooldown)));
            }
            rules.push(text);
        }
        if rules.is_empty() {
            return unlike(self, "has no rules".into());
        }
        Some((min, default, max, rules))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_durations_read_back() {
        assert_eq!(seconds_of("PT10M"), Some(600));
        assert_eq!(seconds_of("PT1H30M"), Some(5400));
        assert_eq!(seconds_of("P1DT1M"), Some(86460));
        assert_eq!(seconds_of("P1M"), None);
        assert_eq!(duration_words(900), "15m");
    }
}
