use crate::azure::network::{RequiredRule, BASTION_NSG_RULES};
use crate::blocks::security::{members, rule};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId, Spanned};
use crate::phrases::{Access, Address, Direction, Ports, SecurityRule};

declare_codes! {
    /// ## What it does
    /// Reports a network security group on `AzureBastionSubnet` that lacks one
    /// of the rules Azure Bastion requires, or whose rule is denied by a rule
    /// of higher priority (a lower number): inbound TCP 443 from `Internet`,
    /// from `GatewayManager` and from `AzureLoadBalancer`; inbound 8080 and 5701
    /// from `VirtualNetwork` to `VirtualNetwork`; outbound 22 and 3389 to
    /// `VirtualNetwork`, TCP 443 to `AzureCloud`, 8080 and 5701 from
    /// `VirtualNetwork` to `VirtualNetwork`, and 80 to `Internet`. Rules of the
    /// rule sets the NSG includes count.
    ///
    /// ## Why it matters
    /// Microsoft's page "Working with NSG access and Azure Bastion"
    /// (<https://learn.microsoft.com/azure/bastion/bastion-nsg>) lists these
    /// rules as required. Azure refuses to put an NSG without them on the subnet
    /// (`NetworkSecurityGroupNotCompliantForAzureBastionSubnet`: "Network
    /// security group ... does not have necessary rules for Azure Bastion
    /// Subnet"), so the deployment fails; Azure checks for the rules
    /// themselves, and the default rules that allow outbound traffic do not
    /// count. A required rule that a deny rule shadows leaves Bastion without
    /// its updates or its sessions.
    ///
    /// ## Example
    /// ```ashlar
    /// hub core {
    ///   subnet AzureBastionSubnet 10.0.0.0/26 { nsg = bastion_nsg }
    /// }
    /// nsg bastion_nsg {
    ///   rule https { inbound allow tcp 443 from Internet priority 100 }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Add the missing rules to the NSG (the help lists them, and an editor
    /// inserts them), at priorities before any rule that denies their traffic.
    pub BASTION_NSG_RULES_MISSING = ("ASH262", "bastion-nsg-rules", Error);
}

pub const CHECK: Check = Check { code: &BASTION_NSG_RULES_MISSING, run };

/// A rule of the NSG and its block.
#[derive(Clone, Copy)]
struct Rule<'a> {
    node: NodeId,
    rule: &'a SecurityRule,
}

impl std::ops::Deref for Rule<'_> {
    type Target = SecurityRule;
    fn deref(&self) -> &SecurityRule {
        self.rule
    }
}

/// Why a required rule fails: missing, or denied first by a rule.
enum Gap {
    Missing,
    Denied(NodeId),
}

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (network, node) in model.networks() {
        for &subnet in node.children.iter().filter(|&&c| model.node(c).is("subnet") && model.node(c).name() == "AzureBastionSubnet") {
            let sub = model.node(subnet);
            let (Some(attr), Some(nsg)) = (sub.get("nsg"), sub.reference("nsg")) else { continue };
            let rules: Vec<Rule> = members(model, nsg).iter().filter_map(|m| rule(model, m.rule).map(|rule| Rule { node: m.rule, rule })).collect();
            let gaps: Vec<(&RequiredRule, Gap)> = BASTION_NSG_RULES.iter().filter_map(|req| gap(&rules, req).map(|g| (req, g))).collect();
            if gaps.is_empty() {
                continue;
            }
            let shown: Vec<String> = gaps
                .iter()
                .map(|(req, g)| match g {
                    Gap::Missing => describe(req),
                    Gap::Denied(deny) => format!("{} (denied first by {})", describe(req), model.describe(*deny)),
                })
                .collect();
            let mut d = Diagnostic::new(
                &BASTION_NSG_RULES_MISSING,
                attr.span,
                format!(
                    "{} on subnet `AzureBastionSubnet` of {} does not allow what Azure Bastion requires: {}",
                    model.describe(nsg),
                    model.describe(network),
                    shown.join("; ")
                ),
            )
            .with_label(model.node(nsg).head, format!("{} is declared here", model.describe(nsg)));
            for (req, g) in &gaps {
                if let Gap::Denied(deny) = g {
                    let priority = rule(model, *deny).map_or(0, |r| r.priority.value);
                    d = d.with_label(
                        model.node(*deny).head,
                        format!("{} (priority {priority}) denies {} first", model.describe(*deny), describe(req)),
                    );
                }
            }
            let (lines, stuck) = suggested(model, &rules, &gaps);
            let mut help = Vec::new();
            if !lines.is_empty() {
                help.push(format!("add to {}: {}", model.describe(nsg), lines.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", ")));
            }
            for deny in stuck {
                help.push(format!("give {} a priority after the rules Bastion requires", model.describe(deny)));
            }
            let help = format!(
                "{}; Azure refuses an NSG on AzureBastionSubnet without them (https://learn.microsoft.com/azure/bastion/bastion-nsg)",
                help.join("; ")
            );
            out.push(d.with_help(help).with_added_lines(lines));
        }
    }
}

/// `inbound tcp 443 from GatewayManager`: a required rule in words.
fn describe(req: &RequiredRule) -> String {
    let direction = if req.inbound { "inbound" } else { "outbound" };
    let protocol = if req.tcp { "tcp " } else { "" };
    let ports = req.ports.iter().map(u16::to_string).collect::<Vec<_>>().join(" and ");
    let mut text = format!("{direction} {protocol}{ports}");
    if req.source != "*" {
        text.push_str(&format!(" from {}", req.source));
    }
    if req.destination != "*" {
        text.push_str(&format!(" to {}", req.destination));
    }
    text
}

/// Whether a required rule is missing, or denied before a rule allows it, port by port.
fn gap(rules: &[Rule], req: &RequiredRule) -> Option<Gap> {
    let direction = direction(req);
    let in_direction = |r: &&Rule| r.direction.value == direction && r.protocol.value.matches_tcp();
    for &port in req.ports {
        let allow = rules
            .iter()
            .filter(in_direction)
            .filter(|r| r.access.value == Access::Allow && covers_port(r.ports(), port))
            .filter(|r| allows(r.sources(), req.source) && allows(r.destinations(), req.destination))
            .min_by_key(|r| r.priority.value);
        let Some(allow) = allow else { return Some(Gap::Missing) };
        let deny =
            blocking(rules, req).filter(|r| r.priority.value < allow.priority.value && covers_port(r.ports(), port)).min_by_key(|r| r.priority.value);
        if let Some(deny) = deny {
            return Some(Gap::Denied(deny.node));
        }
    }
    None
}

fn direction(req: &RequiredRule) -> Direction {
    if req.inbound {
        Direction::Inbound
    } else {
        Direction::Outbound
    }
}

/// Whether a rule's ports (empty for any) hold `port`.
fn covers_port(ports: &[Spanned<Ports>], port: u16) -> bool {
    ports.is_empty() || ports.iter().any(|p| p.value.contains(port))
}

/// Whether an address is the service tag `tag`, in any case; `*` is `any`.
fn is_tag(item: &Address, tag: &str) -> bool {
    match item {
        Address::Tag(name) => name.eq_ignore_ascii_case(tag),
        Address::Any => tag == "*",
        Address::Prefix(_) | Address::Ip(_) => false,
    }
}

fn is_address(item: &Address) -> bool {
    matches!(item, Address::Prefix(_) | Address::Ip(_))
}

/// Whether an allow rule's addresses (empty for any) take in a required end.
/// Where Microsoft asks for `Internet` or `VirtualNetwork`, addresses of one's
/// own stand in for the tag (the page allows public addresses one specifies as
/// the source of the users' sessions); the other tags must be written as such.
fn allows(list: &[Spanned<Address>], wanted: &str) -> bool {
    if wanted == "*" || list.is_empty() || list.iter().any(|a| is_tag(&a.value, "*")) {
        return true;
    }
    list.iter().any(|a| is_tag(&a.value, wanted) || (matches!(wanted, "Internet" | "VirtualNetwork") && is_address(&a.value)))
}

/// Whether a deny rule's addresses (empty for any) shut out a required end.
fn denies(list: &[Spanned<Address>], wanted: &str) -> bool {
    list.is_empty() || list.iter().any(|a| is_tag(&a.value, "*") || is_tag(&a.value, wanted) || (wanted == "*" && is_tag(&a.value, "VirtualNetwork")))
}

/// The deny rules that shut out some of a required rule's traffic, whatever allows it.
fn blocking<'r>(rules: &'r [Rule<'r>], req: &RequiredRule) -> impl Iterator<Item = &'r Rule<'r>> + 'r {
    let direction = direction(req);
    let (source, destination, ports) = (req.source, req.destination, req.ports);
    rules.iter().filter(move |r| {
        r.direction.value == direction
            && r.access.value == Access::Deny
            && r.protocol.value.matches_tcp()
            && ports.iter().any(|&p| covers_port(r.ports(), p))
            && denies(r.sources(), source)
            && denies(r.destinations(), destination)
    })
}

/// The rules to add, as the plan writes them, each at the lowest priority its
/// direction leaves free before every rule that would deny its traffic, under
/// a name the NSG does not use yet; and the deny rules that leave no such
/// priority, which must move.
fn suggested(model: &Model, rules: &[Rule], gaps: &[(&RequiredRule, Gap)]) -> (Vec<String>, Vec<NodeId>) {
    let mut taken: Vec<(bool, i64)> = rules.iter().map(|r| (r.direction.value == Direction::Inbound, r.priority.value)).collect();
    let names: Vec<&str> = rules.iter().map(|r| model.node(r.node).name()).collect();
    let mut out = Vec::new();
    let mut stuck = Vec::new();
    for (req, _) in gaps {
        let first_deny = blocking(rules, req).min_by_key(|r| r.priority.value);
        let ceiling = first_deny.map_or(4097, |r| r.priority.value);
        let Some(priority) = (100..ceiling).find(|p| !taken.contains(&(req.inbound, *p))) else {
            if let Some(deny) = first_deny.filter(|d| !stuck.contains(&d.node)) {
                stuck.push(deny.node);
            }
            continue;
        };
        taken.push((req.inbound, priority));
        let name = if names.contains(&req.name) { format!("{}_bastion", req.name) } else { req.name.to_string() };
        let direction = if req.inbound { "inbound" } else { "outbound" };
        let protocol = if req.tcp { "tcp" } else { "any" };
        let ports = match req.ports {
            [one] => one.to_string(),
            many => format!("[{}]", many.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")),
        };
        let source = if req.source == "*" { "any" } else { req.source };
        let to = if req.destination == "*" { String::new() } else { format!(" to {}", req.destination) };
        out.push(format!("rule {name} {{ {direction} allow {protocol} {ports} from {source}{to} priority {priority} }}"));
    }
    (out, stuck)
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    const FULL: &str = " rule a { inbound allow tcp 443 from Internet priority 100 }\n rule b { inbound allow tcp 443 from GatewayManager priority 110 }\n rule c { inbound allow any [8080, 5701] from VirtualNetwork to VirtualNetwork priority 120 }\n rule d { inbound allow tcp 443 from AzureLoadBalancer priority 130 }\n rule e { outbound allow any [22, 3389] from any to VirtualNetwork priority 100 }\n rule f { outbound allow tcp 443 from any to AzureCloud priority 110 }\n rule g { outbound allow any [8080, 5701] from VirtualNetwork to VirtualNetwork priority 120 }\n rule h { outbound allow any 80 from any to Internet priority 130 }\n";

    fn found(subnet: &str, rules: &str) -> Vec<String> {
        let plan = format!(
            "settings {{ location = uksouth }}\nnsg n {{\n{rules}}}\nhub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/22]\n subnet {subnet} 10.0.0.0/26 {{ nsg = n }}\n}}\n"
        );
        messages(&plan, "ASH262")
    }

    #[test]
    fn the_rules_microsoft_lists_pass() {
        assert!(found("AzureBastionSubnet", FULL).is_empty());
        // Only on Bastion's subnet.
        assert!(found("bastion", "").is_empty());
    }

    #[test]
    fn a_missing_rule_is_named() {
        let rules = FULL.replace(" rule f { outbound allow tcp 443 from any to AzureCloud priority 110 }\n", "");
        assert_eq!(
            found("AzureBastionSubnet", &rules),
            ["nsg `n` on subnet `AzureBastionSubnet` of hub `core` does not allow what Azure Bastion requires: outbound tcp 443 to AzureCloud"]
        );
        // Every rule missing: all eight named.
        assert_eq!(found("AzureBastionSubnet", "").len(), 1);
        assert_eq!(found("AzureBastionSubnet", "")[0].matches("; ").count(), 7);
    }

    #[test]
    fn rules_may_be_split_widened_or_given_addresses() {
        let rules = FULL
            .replace("rule c { inbound allow any [8080, 5701]", "rule c { inbound allow tcp 8080")
            .replace("rule e { outbound allow any [22, 3389] from any to VirtualNetwork", "rule e { outbound allow any from any to 10.1.0.0/16")
            .replace("rule a { inbound allow tcp 443 from Internet", "rule a { inbound allow tcp \"400-500\" from 203.0.113.0/24");
        let rules = format!("{rules} rule c2 {{ inbound allow tcp 5701 from VirtualNetwork to VirtualNetwork priority 121 }}\n");
        assert!(found("AzureBastionSubnet", &rules).is_empty(), "{:?}", found("AzureBastionSubnet", &rules));
    }

    #[test]
    fn a_rule_denied_first_counts_as_missing() {
        let with_deny = format!("{FULL} rule no {{ inbound deny any from any priority 105 }}\n");
        let f = found("AzureBastionSubnet", &with_deny);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].ends_with(
                "requires: inbound tcp 443 from GatewayManager (denied first by rule `n.no`); inbound 8080 and 5701 from VirtualNetwork to VirtualNetwork (denied first by rule `n.no`); inbound tcp 443 from AzureLoadBalancer (denied first by rule `n.no`)"
            ),
            "{}",
            f[0]
        );
        // A deny after the allow rules is fine.
        let late = format!("{FULL} rule no {{ inbound deny any from any priority 4000 }}\n");
        assert!(found("AzureBastionSubnet", &late).is_empty());
    }
}
