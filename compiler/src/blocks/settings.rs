//! `settings`, `naming` and `key_vault`: plan-wide defaults, how Azure names are
//! derived, and the vaults secrets are read from.

use crate::schema::attrs;
use crate::schema::{attr, KindSchema, Naming, Type};

pub const SETTINGS: KindSchema = KindSchema {
    kind: "settings",
    doc: "Plan-wide settings: the default region and the tags every resource carries.",
    naming: Naming::Unnamed,
    positional: &[],
    attributes: &[
        attr(attrs::LOCATION, Type::Region, true, None, "Region for every resource group and resource that names none."),
        attr(attrs::TAGS, Type::StringMap, false, Some("no tags"), "Tags put on every resource group and resource; a block's own tags win."),
        attr(
            "environment",
            Type::String,
            false,
            Some("none"),
            "The plan's environment, such as `\"prod\"`: what `{environment}` is in naming patterns.",
        ),
    ],
    children: &[],
    unique: true,
};

pub const NAMING: KindSchema = KindSchema {
    kind: "naming",
    doc: "How Azure names are derived from block names. Patterns use `{name}` (the block), `{type}` (the abbreviation of the resource's type), `{location}`, `{region}` (its short code), `{environment}`, `{hash}`, `{index}` (a machine's number), `{vnet}` and `{remote}`; a block's own `names` win over them.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attr("virtual_network", Type::String, false, Some("\"{name}\""), "Name of a hub's, spoke's or vnet's virtual network."),
        attr("subnet", Type::String, false, Some("\"{name}\""), "Name of a subnet."),
        attr("peering", Type::String, false, Some("\"{vnet}-to-{remote}\""), "Name of a peering, on the side of `{vnet}`."),
        attr("private_endpoint", Type::String, false, Some("\"{name}\""), "Name of a private endpoint."),
        attr(
            "private_dns_link",
            Type::String,
            false,
            Some("\"{vnet}\""),
            "Name of a private DNS zone's link to the virtual network `{vnet}`; `{name}` is the `private_dns` block.",
        ),
        attr("network_security_group", Type::String, false, Some("\"{name}\""), "Name of a network security group."),
        attr("firewall", Type::String, false, Some("\"{name}-firewall\""), "Name of a hub's firewall; `{name}` is the hub's."),
        attr(
            "firewall_policy",
            Type::String,
            false,
            Some("\"{name}-firewall-policy\""),
            "Name of the policy of a hub's firewall; `{name}` is the hub's.",
        ),
        attr("bastion", Type::String, false, Some("\"{name}-bastion\""), "Name of a hub's Bastion host; `{name}` is the hub's."),
        attr("vpn_gateway", Type::String, false, Some("\"{name}-vpn-gateway\""), "Name of a hub's VPN gateway; `{name}` is the hub's."),
        attr("er_gateway", Type::String, false, Some("\"{name}-er-gateway\""), "Name of a hub's ExpressRoute gateway; `{name}` is the hub's."),
        attr(
            "public_ip",
            Type::String,
            false,
            Some("\"{name}-pip\""),
            "Name of a public IP address; `{name}` is the Azure name of the resource it is for.",
        ),
        attr("local_network_gateway", Type::String, false, Some("\"{name}\""), "Name of a site's local network gateway; `{name}` is the site's."),
        attr("nat_gateway", Type::String, false, Some("\"{name}\""), "Name of a NAT gateway."),
        attr("log_analytics", Type::String, false, Some("\"{name}\""), "Name of a `log_analytics` block's Log Analytics workspace."),
        attr("ddos_plan", Type::String, false, Some("\"{name}\""), "Name of a `ddos_plan` block's DDoS protection plan."),
        attr("connection", Type::String, false, Some("\"{name}-connection\""), "Name of a site's site-to-site connection; `{name}` is the site's."),
        attr(
            "route_table",
            Type::String,
            false,
            Some("\"{name}\""),
            "Name of a route table; for the one ashlar derives for a spoke behind a firewall, `{name}` is `<spoke>-to-firewall`.",
        ),
        attr("gallery", Type::String, false, Some("\"{name}\""), "Name of an Azure Compute Gallery."),
        attr("image_definition", Type::String, false, Some("\"{name}\""), "Name of an image definition in its gallery."),
        attr(
            "image_template",
            Type::String,
            false,
            Some("\"{name}\""),
            "Name of the image template that builds an image; `-` and a hash of the template's content always follow it.",
        ),
        attr(
            "builder_identity",
            Type::String,
            false,
            Some("\"{name}-builder\""),
            "Name of the managed identity Image Builder runs as for the images of a gallery; `{name}` is the gallery.",
        ),
        attr(
            "virtual_machine",
            Type::String,
            false,
            Some("\"{name}\""),
            "Name of a virtual machine, and its computer name; `{name}` is the `compute` block's, with `-1`, `-2`, ... when `count` is over 1.",
        ),
        attr(
            "network_interface",
            Type::String,
            false,
            Some("\"{name}-nic\""),
            "Name of a virtual machine's network interface; `{name}` as in `virtual_machine`.",
        ),
        attr("availability_set", Type::String, false, Some("\"{name}\""), "Name of a `compute` block's availability set."),
        attr(
            "proximity_placement_group",
            Type::String,
            false,
            Some("\"{name}\""),
            "Name of a `compute` or `scale_set` block's proximity placement group.",
        ),
        attr(
            "load_balancer",
            Type::String,
            false,
            Some("\"{name}\""),
            "Name of a private (internal) load balancer; `{name}` is the `compute` or `scale_set` block's.",
        ),
        attr(
            "public_load_balancer",
            Type::String,
            false,
            Some("\"{name}\""),
            "Name of a public load balancer; `{name}` is the `compute` or `scale_set` block's.",
        ),
        attr("scale_set", Type::String, false, Some("\"{name}\""), "Name of a virtual machine scale set, and its computer name prefix."),
        attr(
            "autoscale",
            Type::String,
            false,
            Some("\"{name}-autoscale\""),
            "Name of a scale set's autoscale setting; `{name}` is the scale set's Azure name.",
        ),
        attr("maintenance_configuration", Type::String, false, Some("\"{name}\""), "Name of an update group's maintenance configuration."),
        attr(
            "maintenance_assignment",
            Type::String,
            false,
            Some("\"{name}\""),
            "Name of the dynamic scope, at subscription scope, that assigns an update group's maintenance configuration to its machines.",
        ),
        attr(
            "recovery_vault",
            Type::String,
            false,
            Some("\"{name}-vault\""),
            "Name of the Recovery Services vault of the machines with `backup` in one region and resource group; `{name}` is the resource group's, without a leading `rg-` or a trailing `-rg`.",
        ),
        attr("host_pool", Type::String, false, Some("\"{name}\""), "Name of a `desktop_pool`'s host pool."),
        attr(
            "application_group",
            Type::String,
            false,
            Some("\"{name}\""),
            "Name of an application group; `{name}` is `<pool>-<app_group>`, such as `finance-desktop`.",
        ),
        attr("desktop_workspace", Type::String, false, Some("\"{name}\""), "Name of a `desktop_workspace`'s Azure Virtual Desktop workspace."),
        attr("scaling_plan", Type::String, false, Some("\"{name}\""), "Name of a `desktop_pool`'s scaling plan; `{name}` is the pool's."),
        attr(
            "pattern",
            Type::String,
            false,
            Some("none"),
            "One pattern for every kind of name the block does not set itself (but `peering` and `private_dns_link`), e.g. `\"{type}-{name}-{location}\"`.",
        ),
        attr(
            "region_codes",
            Type::StringMap,
            false,
            Some("Microsoft's geo-codes"),
            "What `{region}` is, by region, for regions Microsoft's geo-code list lacks or where the plan writes its own: `region_codes { italynorth = \"itn\" }`.",
        ),
        attr(
            "abbreviations",
            Type::StringMap,
            false,
            Some("the Cloud Adoption Framework's"),
            "What `{type}` is in each pattern, by the pattern's attribute: `{ virtual_network = \"vn\" }`.",
        ),
    ],
    children: &[],
    unique: true,
};

pub const KEY_VAULT: KindSchema = KindSchema {
    kind: "key_vault",
    doc: "An existing Key Vault that `secret(VAULT, \"NAME\")` reads from at deployment time; ashlar does not create it. The vault must allow Azure Resource Manager for template deployment.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attrs::resource_group(true, None, "Resource group of the vault."),
        attr("vault_name", Type::String, false, Some("the block's name"), "The vault's name in Azure, when it differs from the block's."),
        attr(
            "subscription",
            Type::String,
            false,
            Some("the deployment's"),
            "The ID (a GUID) of the subscription the vault is in, when it is not the one the plan deploys to.",
        ),
    ],
    children: &[],
    unique: false,
};

pub const RESOURCE_GROUP_KIND: KindSchema = KindSchema {
    kind: "resource_group",
    doc: "A resource group that blocks name (`resource_group = \"NAME\"`), declared to give it a region and tags of its own: an estate's group keeps the region it was created in, which Azure never changes.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attrs::location(Some("the region of the first block in it"), "The group's own region, where Azure keeps its metadata; the resources in it may be in any region."),
        attrs::tags("Tags of the group, merged over the plan's tags."),
    ],
    children: &[],
    unique: false,
};

#[cfg(test)]
mod tests {
    #[test]
    fn a_declared_resource_group_keeps_its_region_and_tags() {
        let plan = "settings {\n location = uksouth\n tags { owner = \"platform\" }\n}\n\
                    resource_group RG-APP {\n location = westeurope\n tags { cost_centre = \"42\" }\n}\n\
                    vnet app {\n resource_group = \"rg-app\"\n address_space = [10.0.0.0/24]\n}\n\
                    vnet other {\n resource_group = \"rg-other\"\n address_space = [10.1.0.0/24]\n}\n";
        let analysis = crate::analyze_text(plan, std::path::Path::new("."));
        assert!(!analysis.has_errors(), "{:#?}", analysis.diagnostics);
        let azure = analysis.azure.unwrap();
        type Group<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>);
        let groups: Vec<Group> = azure
            .resource_groups
            .iter()
            .map(|g| (g.name.as_str(), g.location.as_str(), g.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()))
            .collect();
        assert_eq!(
            groups,
            [
                // Named as the blocks spell it; the region and tags the group block gives.
                ("rg-app", "westeurope", vec![("owner", "platform"), ("cost_centre", "42")]),
                ("rg-other", "uksouth", vec![("owner", "platform")]),
            ]
        );
        // The network stays in the plan's region, whatever its group's.
        let vnet = azure.resources.iter().find(|r| r.name == ["app"]).unwrap();
        assert_eq!(vnet.location.as_deref(), Some("uksouth"));
    }
}
