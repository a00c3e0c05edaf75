use crate::blocks::existing::is_existing_subnet;
use crate::blocks::private_dns::{endpoint_group, endpoint_network, endpoints};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a private endpoint in a subnet of an `existing vnet` without a
    /// `resource_group` of its own.
    ///
    /// ## Why it matters
    /// A private endpoint in a subnet of the plan's own network deploys in that
    /// network's resource group. An existing network's group is its owner's,
    /// maybe in another subscription: ashlar would deploy into it, and declare
    /// it, as if it were the plan's. The endpoint is the plan's, so it names the
    /// plan's group. It deploys in the network's region, as Azure requires:
    /// "The private endpoint must be deployed in the same region and
    /// subscription as the virtual network"
    /// (<https://learn.microsoft.com/azure/private-link/private-endpoint-overview>).
    ///
    /// ## Example
    /// ```ashlar
    /// existing vnet spoke {
    ///   resource_group = "rg-platform-network"
    ///   subnet data 10.60.2.0/24 {
    ///     private_endpoint vault { target = secrets  group = vault }
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give the endpoint the plan's resource group: `resource_group = "rg-orders-data"`.
    pub EXISTING_SUBNET_ENDPOINT_GROUP = ("ASH274", "existing-subnet-endpoint-group", Error);
}

pub const CHECK: Check = Check { code: &EXISTING_SUBNET_ENDPOINT_GROUP, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in endpoints(model) {
        let Some((subnet, network)) = endpoint_network(model, id) else { continue };
        if !is_existing_subnet(model, subnet) || endpoint_group(model, id).is_some() {
            continue;
        }
        out.push(
            Diagnostic::new(
                &EXISTING_SUBNET_ENDPOINT_GROUP,
                node.head,
                format!(
                    "{} needs a `resource_group`: its subnet belongs to {}, whose resource group is not the plan's",
                    model.describe(id),
                    model.describe(network)
                ),
            )
            .with_help("write the resource group of the plan the endpoint deploys in: `resource_group = \"rg-...\"`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(group: &str) -> String {
        format!(
            "settings {{ location = uksouth }}\nexisting key_vault secrets {{\n vault_name = \"kv-orders\"\n resource_group = \"rg-sec\"\n}}\nexisting vnet net {{\n resource_group = \"rg-net\"\n subnet data {{\n  private_endpoint kv {{ target = secrets  group = vault  {group} }}\n }}\n}}\n"
        )
    }

    #[test]
    fn an_endpoint_in_an_existing_subnet_names_its_group() {
        assert_eq!(
            messages(&plan(""), "ASH274"),
            ["private_endpoint `net.data.kv` needs a `resource_group`: its subnet belongs to existing vnet `net`, whose resource group is not the plan's"]
        );
        assert!(messages(&plan("resource_group = \"rg-app\""), "ASH274").is_empty());
    }
}
