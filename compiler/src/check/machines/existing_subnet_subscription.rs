use crate::blocks::compute::{machine_blocks, subnet_of};
use crate::blocks::existing::{is_existing_subnet, SUBSCRIPTION};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId};
use crate::schema::attrs;
use crate::source::Span;

declare_codes! {
    /// ## What it does
    /// Warns about a `compute`, `scale_set` or `desktop_pool` whose machines
    /// join a subnet of an `existing vnet` that names a `subscription`, and
    /// about a private endpoint in such a subnet.
    ///
    /// ## Why it matters
    /// "Each NIC must be connected to a VNet that exists in the same Azure
    /// location and subscription as the NIC"
    /// (<https://learn.microsoft.com/azure/virtual-network/network-overview>);
    /// "The private endpoint must be deployed in the same region and
    /// subscription as the virtual network"
    /// (<https://learn.microsoft.com/azure/private-link/private-endpoint-overview>).
    /// The machines' network interfaces and the endpoints deploy in the subscription the plan
    /// deploys to, which ashlar does not know: a network in another
    /// subscription cannot take them, and Azure refuses them only when the
    /// deployment reaches them.
    ///
    /// ## Example
    /// ```ashlar
    /// existing vnet spoke {
    ///   resource_group = "rg-platform-network"
    ///   subscription   = "0b3e5c71-94d2-4f8a-b6e0-7c1d2a9f4e58"
    ///   subnet app 10.60.1.0/24
    /// }
    /// compute orders { subnet = spoke.app ... }
    /// ```
    ///
    /// ## Fix
    /// Deploy the plan into the network's subscription and remove
    /// `subscription`; or, for machines that must stay in another
    /// subscription, put them in a network of that subscription (a spoke
    /// peered with this one).
    pub EXISTING_SUBNET_SUBSCRIPTION = ("ASH459", "existing-subnet-subscription", Warning);
}

pub const CHECK: Check = Check { code: &EXISTING_SUBNET_SUBSCRIPTION, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, node) in machine_blocks(model) {
        let (Some(subnet), Some(attr)) = (subnet_of(model, block), node.get(attrs::SUBNET)) else { continue };
        let Some((subscription, written)) = other_subscription(model, subnet) else { continue };
        out.push(report(
            attr.span,
            format!(
                "{} joins subnet `{}` of a network in subscription {subscription}: a network interface must be in its network's subscription, so the plan must deploy there",
                model.describe(block),
                model.path(subnet)
            ),
            written,
        ));
    }
    for (endpoint, node) in crate::blocks::private_dns::endpoints(model) {
        let Some((subnet, _)) = crate::blocks::private_dns::endpoint_network(model, endpoint) else { continue };
        let Some((subscription, written)) = other_subscription(model, subnet) else { continue };
        out.push(report(
            node.head,
            format!(
                "{} is in subnet `{}` of a network in subscription {subscription}: a private endpoint must be in its network's subscription, so the plan must deploy there",
                model.describe(endpoint),
                model.path(subnet)
            ),
            written,
        ));
    }
}

/// The subscription an `existing vnet` names, and where, when `subnet` is one of its subnets.
fn other_subscription(model: &Model, subnet: NodeId) -> Option<(&str, Span)> {
    if !is_existing_subnet(model, subnet) {
        return None;
    }
    let network = model.node(model.node(subnet).parent?);
    Some((network.str(SUBSCRIPTION)?, network.get(SUBSCRIPTION)?.span))
}

fn report(at: Span, message: String, written: Span) -> Diagnostic {
    Diagnostic::new(&EXISTING_SUBNET_SUBSCRIPTION, at, message)
        .with_label(written, "the network's subscription")
        .with_help("deploy the plan into that subscription and remove `subscription`, which then is the deployment's")
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, messages};

    fn plan(subscription: &str) -> String {
        format!(
            "settings {{ location = uksouth }}\nexisting vnet net {{\n resource_group = \"rg-net\"\n {subscription}\n subnet web 10.0.0.0/24\n}}\n{}",
            linux("compute", "jump", "")
        )
    }

    #[test]
    fn a_subnet_of_a_network_in_another_subscription_is_reported() {
        let found = messages(&plan("subscription = \"0b3e5c71-94d2-4f8a-b6e0-7c1d2a9f4e58\""), "ASH459");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("compute `jump` joins subnet `net.web` of a network in subscription 0b3e5c71"), "{found:?}");
    }

    #[test]
    fn a_private_endpoint_in_such_a_subnet_is_reported_too() {
        let text = plan("subscription = \"0b3e5c71-94d2-4f8a-b6e0-7c1d2a9f4e58\"").replace(
            "subnet web 10.0.0.0/24",
            "subnet web 10.0.0.0/24 {\n  private_endpoint kv { resource_id = \"/subscriptions/6a1f3c2e-0b7d-4e59-9c1a-2f4d8e6b0a13/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1\"  group = vault  resource_group = \"rg-app\" }\n }",
        );
        let found = messages(&text, "ASH459");
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("private_endpoint `net.web.kv` is in subnet `net.web` of a network in subscription 0b3e5c71"), "{found:?}");
    }

    #[test]
    fn a_subnet_of_a_network_in_the_deployments_subscription_is_not() {
        assert!(messages(&plan(""), "ASH459").is_empty());
    }
}
