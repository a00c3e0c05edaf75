use crate::blocks::firewall::{rules, RuleBody};
use crate::blocks::firewall_policy::KIND;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId, Typed};

declare_codes! {
    /// ## What it does
    /// Reports a network rule that goes to domain names (`to "ntp.contoso.com"`)
    /// in a `firewall_policy` whose `dns { proxy = true }` is not set, or in a
    /// hub firewall's own `network_rules`, whose policy has no DNS proxy.
    ///
    /// ## Why it matters
    /// "You must enable DNS Proxy to use FQDNs in your network rules"
    /// ([FQDN filtering in network rules](https://learn.microsoft.com/azure/firewall-manager/fqdn-filtering-network-rules)):
    /// the firewall matches a network rule's domain names against the answers
    /// its DNS proxy gave. Without the proxy, Azure refuses the rule.
    ///
    /// ## Example
    /// ```ashlar
    /// firewall_policy base {
    ///   resource_group = "rg-sec"
    ///   rule_collection_group platform {
    ///     priority = 200
    ///     network_collection time { priority = 100  rule ntp allow udp 123 from any to "time.windows.com" }
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Write `dns { proxy = true }` in the policy (and point the networks' DNS
    /// at the firewall), or move the rule to a shared policy that has it; for
    /// HTTP and HTTPS, an application rule needs no proxy.
    pub FIREWALL_DNS_PROXY = ("ASH269", "firewall-dns-proxy", Error);
}

pub const CHECK: Check = Check { code: &FIREWALL_DNS_PROXY, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind(KIND) {
        let proxy =
            node.children.iter().map(|&c| model.node(c)).any(|c| c.is("dns") && matches!(c.get("proxy").map(|a| &a.value), Some(Typed::Bool(true))));
        if proxy {
            continue;
        }
        for &group in &node.children {
            for &collection in &model.node(group).children {
                if model.node(collection).is("network_collection") {
                    report(model, collection, &format!("the policy `{}` has no DNS proxy", model.node(id).name()), out);
                }
            }
        }
    }
    for (_, firewall) in model.of_kind("firewall") {
        for &block in &firewall.children {
            if model.node(block).is("network_rules") {
                report(model, block, "a hub firewall's own policy has no DNS proxy", out);
            }
        }
    }
}

fn report(model: &Model, block: NodeId, why: &str, out: &mut Vec<Diagnostic>) {
    let node = model.node(block);
    for rule in rules(model, block) {
        let RuleBody::Network { fqdns, .. } = &rule.body else { continue };
        let Some(first) = fqdns.first() else { continue };
        let span = node
            .raw_phrases
            .iter()
            .find(|p| matches!(p.terms.first(), Some(crate::ast::Term::Value(v)) if v.as_word().is_some_and(|w| w.name == rule.name)))
            .map_or(node.head, |p| p.span);
        out.push(
            Diagnostic::new(&FIREWALL_DNS_PROXY, span, format!("the network rule `{}` goes to the domain name \"{first}\", and {why}", rule.name))
                .with_help("domain names in network rules need the DNS proxy: write `dns { proxy = true }` in a `firewall_policy`, or use an application rule for HTTP and HTTPS"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(dns: &str) -> String {
        format!("settings {{ location = uksouth }}\nfirewall_policy base {{\n resource_group = \"rg\"\n {dns}\n rule_collection_group g {{\n  priority = 100\n  network_collection n {{\n   priority = 100\n   rule ntp allow udp 123 from any to \"time.windows.com\"\n   rule dns allow udp 53 from any to 10.0.1.4\n  }}\n }}\n}}\n")
    }

    #[test]
    fn domain_names_in_network_rules_need_the_proxy() {
        assert_eq!(
            messages(&plan(""), "ASH269"),
            ["the network rule `ntp` goes to the domain name \"time.windows.com\", and the policy `base` has no DNS proxy"]
        );
        assert_eq!(messages(&plan("dns { proxy = false }"), "ASH269").len(), 1);
        assert!(messages(&plan("dns { proxy = true }"), "ASH269").is_empty());
    }
}
