use crate::blocks::firewall::{public_ip_count, rules, MAX_PUBLIC_ADDRESSES, PUBLIC_IPS};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a hub `firewall` whose public IP addresses (`public_ips`) and
    /// DNAT rules (its `dnat` block) come to more than 250.
    ///
    /// ## Why it matters
    /// "You can deploy an Azure Firewall with up to 250 public IP addresses,
    /// however DNAT destination rules also count toward the 250 maximum.
    /// Public IPs + DNAT rule destination = 250 max"
    /// ([multiple public IP addresses](https://learn.microsoft.com/azure/firewall/deploy-multi-public-ip-powershell)).
    /// Azure refuses the firewall or its policy past that, after the rest of the
    /// deployment has run.
    ///
    /// ## Example
    /// ```ashlar
    /// hub core {
    ///   resource_group = "rg-net"
    ///   address_space  = [10.0.0.0/22]
    ///   subnet AzureFirewallSubnet 10.0.0.0/26
    ///   firewall {
    ///     public_ips = 250
    ///     dnat { rule web tcp 443 to 10.0.1.4 port 443 from any }
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Take fewer public IP addresses, or fewer DNAT rules: one rule can
    /// translate a port of one address to a machine, and a public IP prefix
    /// is not taken by Azure Firewall.
    pub FIREWALL_PUBLIC_ADDRESSES = ("ASH272", "firewall-public-addresses", Error);
}

pub const CHECK: Check = Check { code: &FIREWALL_PUBLIC_ADDRESSES, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (_, firewall) in model.of_kind("firewall") {
        let addresses = public_ip_count(firewall);
        let dnat: usize = firewall.children.iter().filter(|&&c| model.node(c).is("dnat")).map(|&c| rules(model, c).len()).sum();
        let total = addresses + i64::try_from(dnat).unwrap_or(i64::MAX);
        if total <= MAX_PUBLIC_ADDRESSES {
            continue;
        }
        let span = firewall.get(PUBLIC_IPS).map_or(firewall.head, |a| a.span);
        out.push(
            Diagnostic::new(
                &FIREWALL_PUBLIC_ADDRESSES,
                span,
                format!("the firewall has {addresses} public IP addresses and {dnat} DNAT rules: {total}, over Azure's {MAX_PUBLIC_ADDRESSES}"),
            )
            .with_help(format!(
                "Azure counts public IP addresses and DNAT rules together, at most {MAX_PUBLIC_ADDRESSES}: take fewer addresses or fewer DNAT rules"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::diagnostics;

    const HUB: &str = "settings { location = uksouth }\nhub core {\n  resource_group = \"rg\"\n  address_space = [10.0.0.0/22]\n  subnet AzureFirewallSubnet 10.0.0.0/26\n";

    #[test]
    fn addresses_and_dnat_rules_count_together() {
        let at_limit = format!("{HUB}  firewall {{\n    public_ips = 249\n    dnat {{ rule web tcp 443 to 10.0.1.4 port 443 from any }}\n  }}\n}}\n");
        assert!(diagnostics(&at_limit, "ASH272").is_empty(), "249 + 1 is Azure's limit");
        let over = format!(
            "{HUB}  firewall {{\n    public_ips = 249\n    dnat {{\n      rule web tcp 443 to 10.0.1.4 port 443 from any\n      rule ssh tcp 22 to 10.0.1.5 port 22 from any\n    }}\n  }}\n}}\n"
        );
        assert_eq!(diagnostics(&over, "ASH272").len(), 1);
    }
}
