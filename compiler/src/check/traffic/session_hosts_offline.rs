use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::schema::attrs;

declare_codes! {
    /// ## What it does
    /// Reports a `desktop_pool` whose session hosts join a subnet with no way
    /// out to the Internet: a private subnet (ashlar writes
    /// `defaultOutboundAccess = false` unless `default_outbound_access = true`)
    /// with no NAT gateway and no default route to a firewall or appliance
    /// that has one, or a default route that drops the traffic. `ashlar plan`
    /// shows each subnet's way out.
    ///
    /// ## Why it matters
    /// Each session host downloads the Azure Virtual Desktop agent from a
    /// Microsoft storage account and registers with its host pool over the
    /// Internet; Microsoft lists the endpoints session hosts must reach
    /// ([Required FQDNs and endpoints for Azure Virtual
    /// Desktop](https://learn.microsoft.com/azure/virtual-desktop/required-fqdn-endpoint)).
    /// From Network API 2025-07-01 the subnets of a new virtual network are
    /// private: Azure gives their machines no outbound address of its own
    /// ([Default outbound access in
    /// Azure](https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access)).
    /// The agent's extension then fails and the deployment fails with it,
    /// after the networks and the machines were made.
    ///
    /// ## Example
    /// ```ashlar
    /// vnet vdi {
    ///   resource_group = "rg-vdi"
    ///   address_space  = [10.3.0.0/24]
    ///   subnet hosts 10.3.0.0/26
    /// }
    /// desktop_pool staff { subnet = vdi.hosts ... }
    /// ```
    ///
    /// ## Fix
    /// Give the subnet a way out: `nat_gateway = NAME` on the subnet (the way
    /// Microsoft recommends), or make the network a spoke of a hub with a
    /// `firewall` whose rules allow the endpoints Azure Virtual Desktop needs.
    pub SESSION_HOSTS_OFFLINE = ("ASH260", "session-hosts-offline", Error);
}

pub const CHECK: Check = Check { code: &SESSION_HOSTS_OFFLINE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let egress = cx.egress();
    for (pool, node) in model.of_kind("desktop_pool") {
        let (Some(Err(none)), Some(attr), Some(subnet)) = (egress.of_machines(pool), node.get(attrs::SUBNET), node.reference(attrs::SUBNET)) else {
            continue;
        };
        let d = Diagnostic::new(
                &SESSION_HOSTS_OFFLINE,
                attr.span,
                format!(
                    "the session hosts of {} cannot reach the Internet from subnet `{}` (way out: {}); they cannot install the Azure Virtual Desktop agent, and the deployment fails",
                    model.describe(pool),
                    model.path(subnet),
                    egress.describe(&Err(none))
                ),
            )
            .with_label(model.node(subnet).head, "no way out from this subnet");
        out.push(super::machines_offline::with_fix(d, model, subnet, false));
    }
}
