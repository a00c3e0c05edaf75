use crate::blocks::existing::{EXISTING_SUBNET, EXISTING_VNET};
use crate::blocks::network::SUBNET_OPTIONS;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports an option of the plan's own subnets written on a subnet of an
    /// `existing vnet`: `nsg`, `route_table`, `nat_gateway`,
    /// `service_endpoints`, `delegation`, `private_endpoint_policies` or
    /// `default_outbound_access`.
    ///
    /// ## Why it matters
    /// ashlar deploys nothing of a network deployed elsewhere: its subnets are
    /// its owner's, with the options the owner gave them. An option written
    /// here would be silently ignored, and the plan would read as if the
    /// machines' subnet had an NSG, a route or a way out it may not have.
    ///
    /// ## Example
    /// ```ashlar
    /// existing vnet connectivity {
    ///   resource_group = "rg-connectivity"
    ///   subnet app 10.50.1.0/24 {
    ///     nsg = app_nsg
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Remove the option, and ask the network's owner for it; or deploy the
    /// network from this plan (a `vnet`, `hub` or `spoke`) if it is the plan's.
    pub EXISTING_SUBNET_OPTION = ("ASH273", "existing-subnet-option", Error);
}

pub const CHECK: Check = Check { code: &EXISTING_SUBNET_OPTION, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind(EXISTING_SUBNET) {
        let network = node.parent.map_or(String::new(), |p| format!(" `{}`", model.node(p).name()));
        for option in &SUBNET_OPTIONS {
            let Some(attr) = node.get(option.name) else { continue };
            out.push(
                Diagnostic::new(
                    &EXISTING_SUBNET_OPTION,
                    attr.span,
                    format!(
                        "`{}` cannot be set on {}: the subnet belongs to {EXISTING_VNET}{network}, which this plan does not deploy",
                        option.name,
                        model.describe(id)
                    ),
                )
                .with_help("remove it: the network's owner sets the subnet's options"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, messages};

    fn plan(options: &str) -> String {
        format!(
            "settings {{ location = uksouth }}\nnsg app {{ resource_group = \"rg-app\" }}\nexisting vnet net {{\n resource_group = \"rg-net\"\n subnet web 10.0.0.0/24 {{ {options} }}\n}}\n{}",
            linux("compute", "jump", "")
        )
    }

    #[test]
    fn each_option_of_an_existing_subnet_is_reported() {
        let found = messages(&plan("nsg = app  delegation = \"Microsoft.Web/serverFarms\"  default_outbound_access = true"), "ASH273");
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].starts_with("`nsg` cannot be set on existing subnet `net.web`"), "{found:?}");
    }

    #[test]
    fn a_block_other_than_a_private_endpoint_inside_an_existing_subnet_is_refused_with_what_it_holds() {
        let found = crate::check::test_support::diagnostics(&plan("compute web { }"), "ASH101");
        assert_eq!(found.len(), 1, "{found:?}");
        let help = found[0].help.clone().unwrap_or_default();
        assert!(help.contains("holds only private endpoints (machines join it with `subnet = NETWORK.SUBNET`)"), "{help}");
    }

    #[test]
    fn a_subnet_with_a_prefix_and_a_name_only_is_clean() {
        assert!(messages(&plan("name = \"snet-web\""), "ASH273").is_empty());
    }
}
