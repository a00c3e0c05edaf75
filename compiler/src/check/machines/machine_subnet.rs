use crate::azure::network::{is_reserved_subnet, reserved_subnet_service};
use crate::blocks::compute::{machine_blocks, subnet_of};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::schema::attrs;

declare_codes! {
    /// ## What it does
    /// Reports a `compute` or `scale_set` block whose `subnet` is one Azure
    /// keeps for a service (`GatewaySubnet`, `AzureFirewallSubnet`,
    /// `AzureFirewallManagementSubnet`, `AzureBastionSubnet`,
    /// `RouteServerSubnet`) or one delegated to a service (`delegation`).
    ///
    /// ## Why it matters
    /// Azure refuses a virtual machine's network interface in these subnets
    /// (`SubnetDelegated`, or the service's own subnet rules), when it reaches
    /// it, after the network and the machines' other resources are deployed.
    ///
    /// ## Example
    /// ```ashlar
    /// compute jump {
    ///   subnet = core.AzureBastionSubnet
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give the machines a subnet of their own, without a delegation.
    pub MACHINE_SUBNET = ("ASH418", "machine-subnet", Error);
}

pub const CHECK: Check = Check { code: &MACHINE_SUBNET, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, node) in machine_blocks(model) {
        let (Some(subnet), Some(attr)) = (subnet_of(model, block), node.get(attrs::SUBNET)) else { continue };
        let subnet_node = model.node(subnet);
        // A subnet of an existing network by its name in Azure.
        let name = crate::blocks::existing::subnet_name(model, subnet).unwrap_or(subnet_node.name());
        if is_reserved_subnet(name) {
            let service = reserved_subnet_service(name).unwrap_or("its service");
            out.push(
                Diagnostic::new(
                    &MACHINE_SUBNET,
                    attr.span,
                    format!("{} joins subnet `{}`, which Azure keeps for {service}", model.describe(block), model.path(subnet)),
                )
                .with_label(subnet_node.head, "the subnet is declared here")
                .with_help("give the machines a subnet of their own"),
            );
        } else if let (Some(service), Some(delegation)) = (subnet_node.str("delegation"), subnet_node.get("delegation")) {
            out.push(
                Diagnostic::new(
                    &MACHINE_SUBNET,
                    attr.span,
                    format!(
                        "{} joins subnet `{}`, which is delegated to {service}: virtual machines cannot join it",
                        model.describe(block),
                        model.path(subnet)
                    ),
                )
                .with_label(delegation.span, "the delegation is here")
                .with_help("give the machines a subnet without a delegation"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, messages};

    fn plan(subnets: &str, subnet: &str) -> String {
        format!(
            "settings {{ location = uksouth }}\nvnet net {{\n resource_group = \"rg-net\"\n address_space = [10.0.0.0/22]\n {subnets}\n}}\n{}",
            linux("compute", "jump", "").replace("net.web", subnet)
        )
    }

    #[test]
    fn reserved_and_delegated_subnets_take_no_machines() {
        assert_eq!(
            messages(&plan("subnet AzureBastionSubnet 10.0.0.0/26", "net.AzureBastionSubnet"), "ASH418"),
            ["compute `jump` joins subnet `net.AzureBastionSubnet`, which Azure keeps for Azure Bastion"]
        );
        assert_eq!(
            messages(&plan("subnet apps 10.0.1.0/24 { delegation = \"Microsoft.Web/serverFarms\" }", "net.apps"), "ASH418"),
            ["compute `jump` joins subnet `net.apps`, which is delegated to Microsoft.Web/serverFarms: virtual machines cannot join it"]
        );
        assert!(messages(&plan("subnet vms 10.0.1.0/24", "net.vms"), "ASH418").is_empty());
    }
}
