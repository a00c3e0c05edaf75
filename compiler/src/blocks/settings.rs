//! `settings`, `naming` and `key_vault`: plan-wide defaults, how Azure names are
//! derived, and the vaults secrets are read from.

use crate::schema::{attr, KindSchema, Naming, Type};

pub const SETTINGS: KindSchema = KindSchema {
    kind: "settings",
    doc: "Plan-wide settings: the default region and the tags every resource carries.",
    naming: Naming::Unnamed,
    positional: &[],
    attributes: &[
        attr("location", Type::Region, true, None, "Region for every resource group and resource that names none."),
        attr("tags", Type::StringMap, false, Some("no tags"), "Tags put on every resource group and resource; a block's own tags win."),
    ],
    children: &[],
    unique: true,
};

pub const NAMING: KindSchema = KindSchema {
    kind: "naming",
    doc: "How Azure names are derived from block names. Patterns use `{name}` (the block), `{vnet}`, `{remote}` and `{location}`.",
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
        attr(
            "recovery_vault",
            Type::String,
            false,
            Some("\"{name}-vault\""),
            "Name of the Recovery Services vault of the machines with `backup` in one region and resource group; `{name}` is the resource group's, without a leading `rg-` or a trailing `-rg`.",
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
        attr("resource_group", Type::String, true, None, "Resource group of the vault."),
        attr("vault_name", Type::String, false, Some("the block's name"), "The vault's name in Azure, when it differs from the block's."),
    ],
    children: &[],
    unique: false,
};
