//! A hub's endpoints, lowered: what each becomes, how they wait for each
//! other, gateway transit on the peerings, and the spokes' default route
//! through the firewall.

use ashlar::lower::ir::{AzurePlan, Prop, Resource, ResourceId};
use std::path::Path;

const HEAD: &str = "settings { location = uksouth }\nkey_vault kv { resource_group = \"rg-kv\" }\n";

fn lower(text: &str) -> AzurePlan {
    let analysis = ashlar::analyze_text(&format!("{HEAD}{text}"), Path::new("."));
    let found: Vec<String> = analysis.diagnostics.iter().map(|d| format!("{} {}", d.code.code, d.message)).collect();
    assert!(found.is_empty(), "{found:#?}");
    analysis.azure.expect("the plan lowers")
}

fn codes(text: &str) -> Vec<(String, String)> {
    let analysis = ashlar::analyze_text(&format!("{HEAD}{text}"), Path::new("."));
    analysis.diagnostics.into_iter().map(|d| (d.code.code.to_string(), d.message)).collect()
}

fn find<'a>(plan: &'a AzurePlan, resource_type: &str, name: &str) -> (ResourceId, &'a Resource) {
    plan.resources_with_ids()
        .find(|(_, r)| r.resource_type == resource_type && r.name.last().map(String::as_str) == Some(name))
        .unwrap_or_else(|| panic!("no {resource_type} {name} among {:?}", plan.resources.iter().map(|r| r.name.join("/")).collect::<Vec<_>>()))
}

fn of_type<'a>(plan: &'a AzurePlan, resource_type: &'a str) -> impl Iterator<Item = &'a Resource> + 'a {
    plan.resources.iter().filter(move |r| r.resource_type == resource_type)
}

/// The value at a path of object keys and array indexes (`"subnets.1.properties"`).
fn at<'a>(prop: &'a Prop, path: &str) -> &'a Prop {
    path.split('.').fold(prop, |p, key| match p {
        Prop::Object(o) => o.get(key).unwrap_or_else(|| panic!("no `{key}` in {p:?}")),
        Prop::Array(a) => &a[key.parse::<usize>().expect("an index")],
        other => panic!("`{key}` in a scalar {other:?}"),
    })
}

fn str_at<'a>(prop: &'a Prop, path: &str) -> &'a str {
    match at(prop, path) {
        Prop::Str(s) => s,
        other => panic!("{path} is {other:?}"),
    }
}

const HUB: &str = "hub core {\n resource_group = \"rg-core\"\n address_space = [10.0.0.0/22]\n subnet GatewaySubnet 10.0.0.0/27\n subnet AzureFirewallSubnet 10.0.0.64/26\n subnet AzureFirewallManagementSubnet 10.0.0.128/26\n subnet AzureBastionSubnet 10.0.0.192/26\n";

fn spoke(name: &str, space: &str, subnets: &str) -> String {
    format!("spoke {name} {{\n hub = core\n resource_group = \"rg-{name}\"\n address_space = [{space}]\n{subnets}}}\n")
}

#[test]
fn spokes_use_the_hubs_gateways_after_the_gateways_and_the_hubs_side() {
    let plan = lower(&format!(
        "{HUB} vpn_gateway {{ sku = VpnGw1AZ }}\n er_gateway {{ sku = ErGw1AZ }}\n}}\n{}",
        spoke("app1", "10.1.0.0/16", " subnet web 10.1.0.0/24\n")
    ));
    let (vpn, _) = find(&plan, "Microsoft.Network/virtualNetworkGateways", "core-vpn-gateway");
    let (er, er_gateway) = find(&plan, "Microsoft.Network/virtualNetworkGateways", "core-er-gateway");
    // The two gateways share GatewaySubnet: one after the other.
    assert!(er_gateway.depends_on.contains(&vpn), "{:?}", er_gateway.depends_on);
    let (hub_side, hub_peering) = find(&plan, "Microsoft.Network/virtualNetworks/virtualNetworkPeerings", "core-to-app1");
    let (_, spoke_peering) = find(&plan, "Microsoft.Network/virtualNetworks/virtualNetworkPeerings", "app1-to-core");
    assert_eq!(at(&hub_peering.properties, "allowGatewayTransit"), &Prop::Bool(true));
    assert_eq!(at(&hub_peering.properties, "useRemoteGateways"), &Prop::Bool(false));
    assert_eq!(at(&spoke_peering.properties, "allowGatewayTransit"), &Prop::Bool(false));
    assert_eq!(at(&spoke_peering.properties, "useRemoteGateways"), &Prop::Bool(true));
    for waited in [vpn, er, hub_side] {
        assert!(spoke_peering.depends_on.contains(&waited), "{:?}", spoke_peering.depends_on);
    }
    let er_properties = &er_gateway.properties;
    assert_eq!(str_at(er_properties, "gatewayType"), "ExpressRoute");
    assert_eq!(str_at(er_properties, "vpnGatewayGeneration"), "None");
    assert!(matches!(er_properties, Prop::Object(o) if !o.contains_key("vpnType") && !o.contains_key("enableBgp")));
}

#[test]
fn without_a_gateway_peerings_have_no_transit() {
    let plan = lower(&format!("{HUB}}}\n{}", spoke("app1", "10.1.0.0/16", "")));
    for peering in of_type(&plan, "Microsoft.Network/virtualNetworks/virtualNetworkPeerings") {
        assert_eq!(at(&peering.properties, "allowGatewayTransit"), &Prop::Bool(false));
        assert_eq!(at(&peering.properties, "useRemoteGateways"), &Prop::Bool(false));
    }
}

#[test]
fn spokes_behind_a_firewall_route_everything_else_to_its_address() {
    let plan = lower(&format!(
        "{HUB} firewall {{ }}\n}}\n{}{}",
        spoke("app1", "10.1.0.0/16", " subnet web 10.1.0.0/24\n subnet AzureBastionSubnet 10.1.1.0/26\n subnet app auto /24\n"),
        spoke("app2", "10.2.0.0/16", "")
    ));
    let (table, route_table) = find(&plan, "Microsoft.Network/routeTables", "app1-to-firewall");
    assert_eq!(route_table.resource_group, "rg-app1");
    assert_eq!(str_at(&route_table.properties, "routes.0.properties.addressPrefix"), "0.0.0.0/0");
    assert_eq!(str_at(&route_table.properties, "routes.0.properties.nextHopType"), "VirtualAppliance");
    // The firewall's address, which Azure assigns, read from the deployed firewall.
    let (firewall, _) = find(&plan, "Microsoft.Network/azureFirewalls", "core-firewall");
    assert_eq!(
        at(&route_table.properties, "routes.0.properties.nextHopIpAddress"),
        &Prop::Reference { resource: firewall, property: "ipConfigurations[0].properties.privateIPAddress" }
    );
    assert!(route_table.depends_on.contains(&firewall), "{:?}", route_table.depends_on);
    let (_, vnet) = find(&plan, "Microsoft.Network/virtualNetworks", "app1");
    assert!(vnet.depends_on.contains(&table));
    let attached: Vec<bool> = match at(&vnet.properties, "subnets") {
        Prop::Array(subnets) => subnets.iter().map(|s| matches!(at(s, "properties"), Prop::Object(o) if o.contains_key("routeTable"))).collect(),
        _ => panic!(),
    };
    // Bastion's subnet takes no such route.
    assert_eq!(attached, [true, false, true]);
    // A spoke without subnets gets no table; the hub gets none.
    assert_eq!(of_type(&plan, "Microsoft.Network/routeTables").count(), 1);
    let model = ashlar::analyze_text(&format!("{HEAD}{HUB} firewall {{ }}\n}}\n"), Path::new(".")).model;
    assert_eq!(ashlar::blocks::network::firewall_subnet(&model, model.names["core"]), Some("10.0.0.64/26".parse().unwrap()));
    let model = ashlar::analyze_text(&format!("{HEAD}{HUB}}}\n"), Path::new(".")).model;
    assert_eq!(ashlar::blocks::network::firewall_subnet(&model, model.names["core"]), None, "no firewall, no firewall subnet");
}

#[test]
fn a_basic_firewall_has_a_management_address_and_rules_go_in_first() {
    let plan = lower(&format!(
        "{HUB} firewall {{\n  sku = Basic\n  zones = [1, 2]\n  dnat {{ rule rdp tcp 3389 to 10.0.1.4 }}\n  network_rules {{ rule dns allow udp 53 from any to 168.63.129.16 }}\n }}\n}}\n"
    ));
    let (pip, public_ip) = find(&plan, "Microsoft.Network/publicIPAddresses", "core-firewall-pip");
    let (management, _) = find(&plan, "Microsoft.Network/publicIPAddresses", "core-firewall-management-pip");
    assert_eq!(public_ip.top.get("zones"), Some(&Prop::Array(vec![Prop::str("1"), Prop::str("2")])));
    let (_, firewall) = find(&plan, "Microsoft.Network/azureFirewalls", "core-firewall");
    assert_eq!(str_at(&firewall.properties, "sku.tier"), "Basic");
    match at(&firewall.properties, "managementIpConfiguration.properties.subnet.id") {
        Prop::ChildId { child, name, .. } => assert_eq!((*child, name.as_str()), ("subnets", "AzureFirewallManagementSubnet")),
        other => panic!("{other:?}"),
    }
    assert_eq!(at(&firewall.properties, "managementIpConfiguration.properties.publicIPAddress.id"), &Prop::Id(management));
    let (policy, policy_resource) = find(&plan, "Microsoft.Network/firewallPolicies", "core-firewall-policy");
    assert_eq!(str_at(&policy_resource.properties, "threatIntelMode"), "Alert");
    let (dnat, dnat_group) = find(&plan, "Microsoft.Network/firewallPolicies/ruleCollectionGroups", "dnat");
    let (network, network_group) = find(&plan, "Microsoft.Network/firewallPolicies/ruleCollectionGroups", "network");
    assert_eq!(dnat_group.parent, Some(policy));
    // The DNAT rule listens on the firewall's public address, known once deployed.
    assert_eq!(
        at(&dnat_group.properties, "ruleCollections.0.rules.0.destinationAddresses.0"),
        &Prop::Reference { resource: pip, property: "ipAddress" }
    );
    assert!(dnat_group.depends_on.contains(&pip));
    assert!(network_group.depends_on.contains(&dnat), "one change to a policy at a time");
    for waited in [policy, dnat, network, pip, management] {
        assert!(firewall.depends_on.contains(&waited), "{waited:?}: {:?}", firewall.depends_on);
    }
}

#[test]
fn endpoints_of_a_hub_deploy_one_after_another_and_wait_with_the_hub() {
    let plan = lower(&format!(
        "hub other {{\n resource_group = \"rg-other\"\n address_space = [10.9.0.0/16]\n}}\n{}",
        HUB.replace("hub core {\n", "hub core {\n depends_on = [other]\n")
            + " vpn_gateway { sku = VpnGw2AZ  active_active = true }\n firewall { }\n bastion { }\n}\n"
    ));
    let (gateway, vpn) = find(&plan, "Microsoft.Network/virtualNetworkGateways", "core-vpn-gateway");
    let (firewall, firewall_resource) = find(&plan, "Microsoft.Network/azureFirewalls", "core-firewall");
    let (_, bastion) = find(&plan, "Microsoft.Network/bastionHosts", "core-bastion");
    assert!(firewall_resource.depends_on.contains(&gateway));
    assert!(bastion.depends_on.contains(&firewall));
    let (other, _) = find(&plan, "Microsoft.Network/virtualNetworks", "other");
    for resource in [vpn, firewall_resource, bastion] {
        assert!(resource.depends_on.contains(&other), "{} waits for the hub's depends_on", resource.name[0]);
    }
    // Active-active: two addresses, two IP configurations, in Generation2.
    assert_eq!(str_at(&vpn.properties, "ipConfigurations.1.name"), "ipconfig2");
    find(&plan, "Microsoft.Network/publicIPAddresses", "core-vpn-gateway-2-pip");
    assert_eq!(str_at(&vpn.properties, "vpnGatewayGeneration"), "Generation2");
    assert_eq!(at(&vpn.properties, "activeActive"), &Prop::Bool(true));
    assert_eq!(at(&vpn.properties, "enableBgp"), &Prop::Bool(false));
}

#[test]
fn a_site_is_a_local_gateway_and_a_connection_with_its_key_from_key_vault() {
    let plan = lower(&format!(
        "{HUB} vpn_gateway {{\n  sku = VpnGw1\n  point_to_site {{ address_pool = [172.16.0.0/24]  root_certificate = \"-----BEGIN CERTIFICATE-----\\nMII{}\\n-----END CERTIFICATE-----\" }}\n }}\n site london {{\n  gateway_ip = 203.0.113.10\n  address_space = [192.168.0.0/20]\n  shared_key = secret(kv, \"london-psk\")\n  asn = 65010\n  bgp_peer_ip = 192.168.15.254\n }}\n site paris {{\n  gateway_ip = 203.0.113.20\n  address_space = [192.168.16.0/20]\n  shared_key = secret(kv, \"paris-psk\")\n }}\n}}\n",
        "A".repeat(120)
    ));
    let (gateway, vpn) = find(&plan, "Microsoft.Network/virtualNetworkGateways", "core-vpn-gateway");
    assert_eq!(str_at(&vpn.properties, "vpnGatewayGeneration"), "Generation1");
    // A site with BGP turns it on, with Azure's default ASN.
    assert_eq!(at(&vpn.properties, "bgpSettings.asn"), &Prop::Int(65515));
    assert_eq!(str_at(&vpn.properties, "vpnClientConfiguration.vpnAuthenticationTypes.0"), "Certificate");
    assert_eq!(
        str_at(&vpn.properties, "vpnClientConfiguration.vpnClientRootCertificates.0.properties.publicCertData"),
        format!("MII{}", "A".repeat(120))
    );
    let (local, london) = find(&plan, "Microsoft.Network/localNetworkGateways", "london");
    assert_eq!(str_at(&london.properties, "gatewayIpAddress"), "203.0.113.10");
    assert_eq!(at(&london.properties, "bgpSettings.asn"), &Prop::Int(65010));
    let (first, connection) = find(&plan, "Microsoft.Network/connections", "london-connection");
    assert_eq!(at(&connection.properties, "virtualNetworkGateway1.id"), &Prop::Id(gateway));
    assert_eq!(at(&connection.properties, "localNetworkGateway2.id"), &Prop::Id(local));
    assert_eq!(at(&connection.properties, "enableBgp"), &Prop::Bool(true));
    match at(&connection.properties, "sharedKey") {
        Prop::Secret(secret) => assert_eq!((secret.vault.as_str(), secret.secret.as_str()), ("kv", "london-psk")),
        other => panic!("the key is {other:?}"),
    }
    let (_, paris) = find(&plan, "Microsoft.Network/connections", "paris-connection");
    assert!(paris.depends_on.contains(&first), "one connection change at a time on a gateway");
    assert_eq!(at(&paris.properties, "enableBgp"), &Prop::Bool(false));
}

#[test]
fn endpoints_stand_once_in_a_hub_and_rules_report_with_their_spans() {
    let found = codes(&format!("{HUB} firewall {{ }}\n firewall {{ }}\n}}\n"));
    assert_eq!(found, [("ASH105".to_string(), "a hub has one `firewall` block; this is a second".to_string())]);
    let found = codes(&format!(
        "{HUB} firewall {{\n  network_rules {{\n   rule dns allow udp 53 from any\n  }}\n  rule x allow tcp 1 from any to any\n }}\n}}\n"
    ));
    assert_eq!(
        found,
        [
            ("ASH109".to_string(), "this rule lacks `to`: the addresses the traffic goes to".to_string()),
            ("ASH101".to_string(), "a `rule` block cannot stand inside a firewall".to_string()),
        ]
    );
}
