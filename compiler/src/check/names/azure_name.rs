use crate::azure::names::{join, NameRule, DISK, MAX_MAINTENANCE_NAMES, RESOURCE_GROUP, ROUTE, RUN_OUTPUT, SECURITY_RULE, SUBNET};
use crate::azure::resource_types::name_rule;
use crate::check::{Context, PlanCheck};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::lower::ir::{AzurePlan, Prop, Resource, ResourceId};
use crate::model::{Model, NodeId};
use crate::schema::attrs;
use crate::source::Span;

declare_codes! {
    /// ## What it does
    /// Checks the name of every Azure resource ashlar derives, from block names
    /// and the `naming` patterns, against its type's rule in Azure's naming
    /// rules: virtual networks and private endpoints have 2 to 64 characters;
    /// subnets, peerings, private DNS zone links, network security groups,
    /// route tables, security rules and routes 1 to 80; all of letters,
    /// digits, `_`, `.` and `-`, starting with a letter or digit and ending
    /// with a letter, digit or `_`; resource groups have 1 to 90 Unicode
    /// letters, digits, `_`, `-`, `.`, `(` and `)`, and do not end with `.`.
    /// The resources of a hub's endpoints (firewall, firewall policy, Bastion
    /// host, gateways, public IP addresses, sites' local network gateways and
    /// connections), NAT gateways and the route tables derived for spokes
    /// follow the subnets' rule, except that a firewall's name has at most 50
    /// characters; so do what `compute`, `scale_set` and `desktop_pool` blocks
    /// bring (network interfaces, managed disks, load balancers and their
    /// public IP addresses, availability sets, proximity placement groups)
    /// and their resource groups. Virtual machines' and scale sets' own names
    /// are computer names, which `ASH400` checks. Galleries have 1 to 80
    /// letters, digits and `.`, starting and ending with a letter or digit;
    /// image definitions 1 to 80 letters, digits, `_`, `-` and `.`, starting
    /// and ending with a letter or digit; image templates (with their content
    /// hash) and run outputs 1 to 64 letters, digits, `-`, `_` and `.`; managed
    /// identities 3 to 128 letters, digits, `-` and `_`, starting with a letter
    /// or digit. A maintenance configuration's name and its resource group's
    /// have fewer than 128 characters together. Recovery Services vaults have
    /// 2 to 50 letters, digits and `-`, starting with a letter; backup
    /// policies, named like their blocks, 3 to 150 letters, digits and `-`,
    /// starting with a letter and not ending with `-`. Azure Virtual Desktop's
    /// host pools, application groups, workspaces and scaling plans have 3 to
    /// 64 letters, digits, spaces, `@`, `.`, `-` and `_`; RemoteApp
    /// applications 3 to 24 of them.
    ///
    /// The names are read from the resources lowering made, so this check runs
    /// once the plan has no other errors: a name error may show only after the
    /// others are fixed.
    ///
    /// ## Why it matters
    /// Azure rejects a resource with an invalid name when it reaches it, after the
    /// resources before it have been deployed. A pattern such as
    /// `use std.naming.caf` lengthens every name, so a block name that is fine on
    /// its own can be too long once derived.
    ///
    /// ## Example
    /// ```ashlar
    /// hub x {
    ///   resource_group = "rg-core."
    ///   address_space = [10.0.0.0/16]
    ///   subnet _web 10.0.0.0/24
    /// }
    /// ```
    ///
    /// ## Fix
    /// Rename the block, or change the `naming` pattern, so that the derived name
    /// follows the rule the message names.
    pub AZURE_NAME = ("ASH301", "azure-name", Error);
}

pub const CHECK: PlanCheck = PlanCheck { code: &AZURE_NAME, run };

/// `a` or `an`, before a word.
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// What a name is reported as: whose it is ("of hub `core`", following the
/// name in the message), where, and who can fix it ("rename hub `core`",
/// starting the help).
struct Subject {
    whose: String,
    span: Span,
    fixer: String,
}

/// Reports `name` when it breaks `rule`; the subject is worked out only then.
fn report(out: &mut Vec<Diagnostic>, rule: &NameRule, name: &str, subject: impl FnOnce() -> Subject) {
    let problems = rule.problems(name);
    if problems.is_empty() {
        return;
    }
    let Subject { whose, span, fixer } = subject();
    let facts: Vec<String> = problems.iter().map(|p| p.fact.clone()).collect();
    let wanted: Vec<String> = problems.iter().map(|p| p.wanted.clone()).collect();
    let what = rule.what;
    out.push(
        Diagnostic::new(
            &AZURE_NAME,
            span,
            format!("the {what} name `{name}` {whose} {}, but Azure wants {} {what} name that {}", join(&facts), article(what), join(&wanted)),
        )
        .with_help(format!("{fixer} so that the name {}", join(&wanted))),
    );
}

/// Who can fix a name derived through pattern `attr`: the block, or the pattern.
fn fixer(model: &Model, attr: &str, block: NodeId) -> String {
    let naming = model.unique("naming");
    match naming.and_then(|n| n.str(attr)) {
        Some(pattern) => {
            format!("rename {}, or change the `{attr}` pattern \"{pattern}\" of naming `{}`,", model.describe(block), naming.map_or("", |n| n.name()))
        }
        None => format!("rename {}", model.describe(block)),
    }
}

/// The name of a resource's block, and who can fix it through pattern `attr`.
fn plain(model: &Model, block: NodeId, attr: &str) -> Subject {
    Subject { whose: format!("of {}", model.describe(block)), span: model.node(block).head, fixer: fixer(model, attr, block) }
}

/// A name made of a block's own name, fixed by renaming the block.
fn own(model: &Model, block: NodeId) -> Subject {
    Subject { whose: format!("of {}", model.describe(block)), span: model.node(block).head, fixer: format!("rename {}", model.describe(block)) }
}

/// Text of `key` in an object property.
fn text<'a>(prop: &'a Prop, key: &str) -> Option<&'a str> {
    match prop {
        Prop::Object(object) => match object.get(key)? {
            Prop::Str(s) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

/// The items of array `key` in an object property.
fn items<'a>(prop: &'a Prop, key: &str) -> &'a [Prop] {
    match prop {
        Prop::Object(object) => match object.get(key) {
            Some(Prop::Array(items)) => items,
            _ => &[],
        },
        _ => &[],
    }
}

/// The block of the resource whose ID is at `key` (`{ "id": ... }`) of an object property.
fn block_at(plan: &AzurePlan, prop: &Prop, key: &str) -> Option<NodeId> {
    let Prop::Object(object) = prop else { return None };
    let Some(Prop::Object(reference)) = object.get(key) else { return None };
    match reference.get("id")? {
        Prop::Id(id) => plan.resources.get(id.index()).map(|r| r.origin),
        _ => None,
    }
}

/// The machines of one block differ only in their index: their names are
/// reported once a block, by the last machine's, the longest.
#[derive(Default)]
struct Machines(Vec<((NodeId, &'static str), Diagnostic)>);

impl Machines {
    fn keep_last(&mut self, key: (NodeId, &'static str), found: Vec<Diagnostic>) {
        for diagnostic in found {
            match self.0.iter_mut().find(|(k, _)| *k == key) {
                Some((_, kept)) => *kept = diagnostic,
                None => self.0.push((key, diagnostic)),
            }
        }
    }
}

fn run(cx: &Context, plan: &AzurePlan, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let mut found = Vec::new();
    let mut machines = Machines::default();
    // A plan holds many resources of few types: each type's row is looked up once.
    let mut rules: std::collections::HashMap<&str, Option<&NameRule>> = std::collections::HashMap::new();
    for (id, resource) in plan.resources_with_ids() {
        let rule = *rules.entry(resource.resource_type).or_insert_with(|| name_rule(resource.resource_type));
        if let (Some(rule), Some(name)) = (rule, resource.name.last()) {
            if resource.resource_type == "Microsoft.Network/networkInterfaces" {
                let mut one = Vec::new();
                report(&mut one, rule, name, || subject(model, plan, id));
                machines.keep_last((resource.origin, "network interface"), one);
            } else {
                report(&mut found, rule, name, || subject(model, plan, id));
            }
        }
        inline_names(model, resource, &mut found, &mut machines);
    }
    resource_groups(model, plan, &mut found);
    found.extend(machines.0.into_iter().map(|(_, d)| d));
    // A rule set that several NSGs include, or a policy that several vaults hold, is reported once.
    let mut seen = std::collections::HashSet::new();
    found.retain(|d| seen.insert((d.span, d.message.clone())));
    out.extend(found);
}

/// How the name of resource `id` is reported: by its block, and by the
/// pattern that named it.
fn subject(model: &Model, plan: &AzurePlan, id: ResourceId) -> Subject {
    let resource = &plan[id];
    let origin = resource.origin;
    let node = model.node(origin);
    match resource.resource_type {
        "Microsoft.Network/virtualNetworks" => plain(model, origin, "virtual_network"),
        "Microsoft.Network/virtualNetworks/virtualNetworkPeerings" => peering(model, plan, resource),
        "Microsoft.Network/privateEndpoints" => plain(model, origin, "private_endpoint"),
        "Microsoft.Network/privateDnsZones/virtualNetworkLinks" => dns_link(model, plan, resource),
        "Microsoft.Network/networkSecurityGroups" => plain(model, origin, "network_security_group"),
        "Microsoft.Network/routeTables" if node.is("spoke") => {
            let hub = node.reference("hub").unwrap_or(origin);
            let via = crate::blocks::network::hub_next_hop(model, hub).map_or("firewall", |h| h.via());
            let whose = format!("derived for {} behind the {via} of hub `{}`", model.describe(origin), model.node(hub).name());
            Subject { whose, span: node.head, fixer: fixer(model, "route_table", origin) }
        }
        "Microsoft.Network/routeTables" => plain(model, origin, "route_table"),
        "Microsoft.Network/natGateways" => plain(model, origin, "nat_gateway"),
        "Microsoft.Network/azureFirewalls" => endpoint(model, origin, "firewall"),
        "Microsoft.Network/firewallPolicies" => endpoint(model, origin, "firewall_policy"),
        "Microsoft.Network/bastionHosts" => endpoint(model, origin, "bastion"),
        "Microsoft.Network/virtualNetworkGateways" => endpoint(model, origin, node.kind.kind),
        "Microsoft.Network/localNetworkGateways" => endpoint(model, origin, "local_network_gateway"),
        "Microsoft.Network/connections" => endpoint(model, origin, "connection"),
        "Microsoft.Network/publicIPAddresses" => match node.kind.kind {
            "firewall" | "bastion" | "vpn_gateway" | "er_gateway" => endpoint(model, origin, "public_ip"),
            // The public IP address of a machine block's load balancer.
            "compute" | "scale_set" | "desktop_pool" => Subject { span: load_balancer_head(model, origin), ..plain(model, origin, "public_ip") },
            _ => plain(model, origin, "public_ip"),
        },
        "Microsoft.Network/networkInterfaces" => plain(model, origin, "network_interface"),
        "Microsoft.Network/loadBalancers" => {
            let public = crate::blocks::compute::load_balancer(model, origin).is_some_and(|lb| crate::blocks::compute::is_public(model.node(lb)));
            let attr = if public { "public_load_balancer" } else { "load_balancer" };
            Subject { span: load_balancer_head(model, origin), ..plain(model, origin, attr) }
        }
        "Microsoft.Compute/availabilitySets" => plain(model, origin, "availability_set"),
        "Microsoft.Compute/proximityPlacementGroups" => plain(model, origin, "proximity_placement_group"),
        "Microsoft.Compute/galleries" => plain(model, origin, "gallery"),
        "Microsoft.Compute/galleries/images" => plain(model, origin, "image_definition"),
        "Microsoft.VirtualMachineImages/imageTemplates" => {
            let build = crate::blocks::images::build_of(model, origin).map_or(node.head, |b| model.node(b).head);
            let hash = crate::blocks::images::TEMPLATE_HASH_LEN;
            let whose = format!("that builds {} (its last {hash} characters a hash of its content)", model.describe(origin));
            Subject { whose, span: build, fixer: fixer(model, "image_template", origin) }
        }
        "Microsoft.ManagedIdentity/userAssignedIdentities" if node.is("gallery") => {
            // Reported at the build of the gallery's first image that has one.
            let build = model
                .of_kind("image")
                .filter(|(image, _)| crate::blocks::images::gallery_of(model, *image) == Some(origin))
                .find_map(|(image, _)| crate::blocks::images::build_of(model, image))
                .map_or(node.head, |b| model.node(b).head);
            let whose = format!("that builds the images of {}", model.describe(origin));
            Subject { whose, span: build, fixer: fixer(model, "builder_identity", origin) }
        }
        "Microsoft.RecoveryServices/vaults" => vault(model, plan, resource),
        "Microsoft.DesktopVirtualization/hostPools" => plain(model, origin, "host_pool"),
        "Microsoft.DesktopVirtualization/scalingPlans" => {
            let span = crate::blocks::desktops::scaling_of(model, origin).map_or(node.head, |s| model.node(s).head);
            Subject { span, ..plain(model, origin, "scaling_plan") }
        }
        "Microsoft.DesktopVirtualization/applicationGroups" => {
            // A pool's groups are lowered in the order of its blocks.
            let earlier = plan.resources[..id.index()].iter().filter(|r| r.resource_type == resource.resource_type && r.origin == origin).count();
            let group = crate::blocks::desktops::app_groups(model, origin).get(earlier).copied().unwrap_or(origin);
            plain(model, group, "application_group")
        }
        "Microsoft.DesktopVirtualization/workspaces" => plain(model, origin, "desktop_workspace"),
        // Backup policies and RemoteApp applications, named like their blocks.
        _ => own(model, origin),
    }
}

/// Where a machine block's load balancer is written.
fn load_balancer_head(model: &Model, block: NodeId) -> Span {
    crate::blocks::compute::load_balancer(model, block).map_or(model.node(block).head, |lb| model.node(lb).head)
}

/// A resource of a hub's endpoint or site, named through pattern `attr`: an
/// endpoint without a name of its own is named after its hub, so renaming the
/// hub (or the pattern) fixes it; a site's resources are named after the site.
fn endpoint(model: &Model, block: NodeId, attr: &str) -> Subject {
    let node = model.node(block);
    let hub = node.parent.unwrap_or(block);
    let whose = match node.name {
        Some(_) => format!("of {}", model.describe(block)),
        None => format!("of the {} of hub `{}`", node.kind.kind, model.node(hub).name()),
    };
    let owner = if node.is("site") { block } else { hub };
    Subject { whose, span: node.head, fixer: fixer(model, attr, owner) }
}

/// A peering, from its network to the other; at the spoke's head when `hub =`
/// made it, else at the `peer` entry.
fn peering(model: &Model, plan: &AzurePlan, resource: &Resource) -> Subject {
    let origin = resource.origin;
    let node = model.node(origin);
    let local = resource.parent.and_then(|p| plan.resources.get(p.index())).map_or(origin, |r| r.origin);
    let remote = block_at(plan, &resource.properties, "remoteVirtualNetwork").unwrap_or(origin);
    let other = if local == origin { remote } else { local };
    let span = if node.is("spoke") && node.reference("hub") == Some(other) {
        node.head
    } else {
        node.list("peer").iter().find(|item| matches!(item.value, crate::model::Typed::Ref(r) if r == other)).map_or(node.head, |item| item.span)
    };
    let whose = format!("from {} to {}", model.describe(local), model.describe(remote));
    Subject { whose, span, fixer: fixer(model, "peering", origin) }
}

/// The link of a private DNS zone to a network, at the network's `link` entry.
/// It is named after the network unless a pattern says otherwise.
fn dns_link(model: &Model, plan: &AzurePlan, resource: &Resource) -> Subject {
    let dns = resource.origin;
    let network = block_at(plan, &resource.properties, "virtualNetwork").unwrap_or(dns);
    let span =
        crate::blocks::private_dns::links(model.node(dns)).into_iter().find(|(n, _)| *n == network).map_or(model.node(dns).head, |(_, span)| span);
    let naming = model.unique("naming");
    let fixer = match naming.and_then(|n| n.str("private_dns_link")) {
        Some(pattern) => format!("change the `private_dns_link` pattern \"{pattern}\" of naming `{}`", naming.map_or("", |n| n.name())),
        None => fixer(model, "virtual_network", network),
    };
    Subject { whose: format!("from {} to {}", model.describe(dns), model.describe(network)), span, fixer }
}

/// The Recovery Services vault of the machines with `backup` in one resource
/// group and region: reported at the `resource_group` of the first of them.
fn vault(model: &Model, plan: &AzurePlan, resource: &Resource) -> Subject {
    let rg = &resource.resource_group;
    let location = resource.location.as_deref().unwrap_or_default();
    let first = plan
        .resources
        .iter()
        .find(|r| {
            r.resource_type == "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems"
                && r.name.first() == resource.name.first()
                && &r.resource_group == rg
        })
        .map_or(resource.origin, |r| r.origin);
    let span = model.node(first).get(attrs::RESOURCE_GROUP).map_or(model.node(first).head, |a| a.span);
    let naming = model.unique("naming");
    let fixer = match naming.and_then(|n| n.str("recovery_vault")) {
        Some(pattern) => {
            format!(
                "rename the resource group, or change the `recovery_vault` pattern \"{pattern}\" of naming `{}`,",
                naming.map_or("", |n| n.name())
            )
        }
        None => "rename the resource group, or give the vaults a `recovery_vault` pattern in a `naming` block,".to_string(),
    };
    Subject { whose: format!("of the machines with `backup` in resource group `{rg}` ({location})"), span, fixer }
}

/// Names lowering writes inside a resource rather than as resources of their
/// own: a network's subnets, an NSG's rules, a route table's routes, a
/// machine's disks, an image template's run outputs; and the maintenance
/// configuration's name, which counts with its resource group's.
fn inline_names(model: &Model, resource: &Resource, out: &mut Vec<Diagnostic>, machines: &mut Machines) {
    let origin = resource.origin;
    let properties = &resource.properties;
    match resource.resource_type {
        "Microsoft.Network/virtualNetworks" => {
            // Lowered one for one, in the order of the network's subnet blocks.
            let mut subnets = model.node(origin).children.iter().copied().filter(|&c| model.node(c).is("subnet"));
            for item in items(properties, "subnets") {
                let subnet = subnets.next().unwrap_or(origin);
                if let Some(name) = text(item, "name") {
                    report(out, &SUBNET, name, || plain(model, subnet, "subnet"));
                }
            }
        }
        "Microsoft.Network/networkSecurityGroups" => {
            for name in items(properties, "securityRules").iter().filter_map(|item| text(item, "name")) {
                // The rule block is looked for only for a name with a problem.
                report(out, &SECURITY_RULE, name, || {
                    let rule = crate::blocks::security::members(model, origin).into_iter().map(|m| m.rule).find(|&r| model.node(r).name() == name);
                    own(model, rule.unwrap_or(origin))
                });
            }
        }
        "Microsoft.Network/routeTables" => {
            for name in items(properties, "routes").iter().filter_map(|item| text(item, "name")) {
                report(out, &ROUTE, name, || {
                    let route = crate::blocks::routing::routes(model, origin).find(|&r| model.node(r).name() == name);
                    own(model, route.unwrap_or(origin))
                });
            }
        }
        "Microsoft.Compute/virtualMachines" => {
            let storage = match properties {
                Prop::Object(object) => object.get("storageProfile"),
                _ => None,
            };
            let Some(storage) = storage else { return };
            if let Some(name) = match storage {
                Prop::Object(object) => object.get("osDisk").and_then(|disk| text(disk, "name")),
                _ => None,
            } {
                let mut one = Vec::new();
                report(&mut one, &DISK, name, || plain(model, origin, "virtual_machine"));
                machines.keep_last((origin, "os disk"), one);
            }
            for (at, item) in items(storage, "dataDisks").iter().enumerate() {
                let Some(name) = text(item, "name").filter(|name| !DISK.problems(name).is_empty()) else { continue };
                // In the order of the block's `data_disk`s.
                let Some(&(disk, _)) = crate::blocks::compute::luns(model, origin).get(at) else { continue };
                let mut one = Vec::new();
                report(&mut one, &DISK, name, || {
                    let disk_name = model.node(disk).name();
                    Subject {
                        whose: format!("of data disk `{disk_name}` of {}", model.describe(origin)),
                        span: model.node(disk).head,
                        fixer: format!("rename data disk `{disk_name}`, or {}", fixer(model, "virtual_machine", origin)),
                    }
                });
                machines.keep_last((disk, "data disk"), one);
            }
        }
        "Microsoft.VirtualMachineImages/imageTemplates" => {
            for name in items(properties, "distribute").iter().filter_map(|item| text(item, "runOutputName")) {
                report(out, &RUN_OUTPUT, name, || own(model, origin));
            }
        }
        "Microsoft.Maintenance/maintenanceConfigurations" => maintenance(model, resource, out),
        _ => {}
    }
}

/// An update group's maintenance configuration, whose name and resource
/// group name have fewer than [`MAX_MAINTENANCE_NAMES`] characters together.
fn maintenance(model: &Model, resource: &Resource, out: &mut Vec<Diagnostic>) {
    let group = resource.origin;
    let name = resource.name.last().map_or("", String::as_str);
    let rg = &resource.resource_group;
    let together = rg.chars().count() + name.chars().count();
    if !name.is_empty() && together < MAX_MAINTENANCE_NAMES {
        return;
    }
    let whose = format!("of {}", model.describe(group));
    let problem = if name.is_empty() { "is empty".to_string() } else { format!("has {together} characters with its resource group `{rg}`") };
    out.push(
        Diagnostic::new(&AZURE_NAME, model.node(group).head, format!("the maintenance configuration name `{name}` {whose} {problem}, but Azure wants a name that has fewer than {MAX_MAINTENANCE_NAMES} characters together with its resource group's"))
            .with_help(format!("{} so that the two names have fewer than {MAX_MAINTENANCE_NAMES} characters together", fixer(model, "maintenance_configuration", group))),
    );
}

/// The plan's resource groups, each reported where a block that puts
/// resources in it writes its `resource_group` (the nearest such block
/// around a resource's own).
fn resource_groups(model: &Model, plan: &AzurePlan, out: &mut Vec<Diagnostic>) {
    let broken: Vec<&str> = plan.resource_groups.iter().map(|g| g.name.as_str()).filter(|name| !RESOURCE_GROUP.problems(name).is_empty()).collect();
    if broken.is_empty() {
        return;
    }
    let mut written: Vec<NodeId> = Vec::new();
    for resource in plan.resources.iter().filter(|r| broken.iter().any(|b| b.eq_ignore_ascii_case(&r.resource_group))) {
        let mut block = Some(resource.origin);
        while let Some(id) = block {
            if model.node(id).str(attrs::RESOURCE_GROUP).is_some() {
                break;
            }
            block = model.node(id).parent;
        }
        if let Some(id) = block.filter(|id| !written.contains(id)) {
            written.push(id);
        }
    }
    for block in written {
        let node = model.node(block);
        let (Some(attr), Some(rg)) = (node.get(attrs::RESOURCE_GROUP), node.str(attrs::RESOURCE_GROUP)) else { continue };
        report(out, &RESOURCE_GROUP, rg, || Subject {
            whose: format!("of {}", model.describe(block)),
            span: attr.span,
            fixer: "rename the resource group".to_string(),
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{diagnostics, messages};

    #[test]
    fn vault_and_backup_policy_names_are_checked() {
        use crate::check::test_support::{linux, machines};
        let plan = |policy: &str, rg: &str, naming: &str| {
            let machine = linux("compute", "web", &format!("backup = {policy}")).replace("\"rg\"", &format!("\"{rg}\""));
            machines(&format!("{naming}\nbackup_policy {policy} {{ daily at 01:00 retain 30d }}\n{machine}"))
        };
        assert!(messages(&plan("nightly-30", "rg-app", ""), "ASH301").is_empty());
        assert_eq!(
            messages(&plan("daily_30", "rg-app", ""), "ASH301"),
            ["the backup policy name `daily_30` of backup_policy `daily_30` contains `_`, but Azure wants a backup policy name that holds only letters, digits and `-`"]
        );
        assert_eq!(messages(&plan("d1", "rg-app", ""), "ASH301").len(), 1);
        assert_eq!(messages(&plan("nightly-", "rg-app", ""), "ASH301").len(), 1);
        // `{name}` is the group without `rg-`: `app.prod` keeps its `.`.
        let found = messages(&plan("nightly", "rg-app.prod", ""), "ASH301");
        assert_eq!(
            found,
            ["the Recovery Services vault name `app.prod-vault` of the machines with `backup` in resource group `rg-app.prod` (uksouth) contains `.`, but Azure wants a Recovery Services vault name that holds only letters, digits and `-`"]
        );
        let long = format!("rg-{}", "a".repeat(45));
        assert_eq!(messages(&plan("nightly", &long, ""), "ASH301").len(), 1, "45 + `-vault` is 51");
        assert!(messages(&plan("nightly", &long, "naming n { recovery_vault = \"{name}\" }"), "ASH301").is_empty());
        let found = diagnostics(&plan("nightly", "rg-app", "naming n { recovery_vault = \"1{name}\" }"), "ASH301");
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].help.as_deref(),
            Some(
                "rename the resource group, or change the `recovery_vault` pattern \"1{name}\" of naming `n`, so that the name starts with a letter"
            )
        );
    }

    #[test]
    fn names_of_what_machines_bring_are_checked() {
        use crate::check::test_support::{linux, machines};
        // 61 characters and `-12` keep the computer names within Linux's 64
        // (`ASH400`), which would otherwise stop the plan before lowering.
        let long = "w".repeat(61);
        let disk = "d".repeat(20);
        let naming =
            "naming n {\n network_interface = \"{name}-nic-of-the-machine-in-the-pool\"\n public_ip = \"{name}-public-ip-of-the-balancer\"\n}\n";
        let plan = machines(&format!(
            "{naming}{}",
            linux(
                "compute",
                &long,
                &format!("count = 12\n availability_set = true\n proximity_placement_group = true\n load_balancer public {{ ports = [80] }}\n data_disk {disk} {{ size_gb = 8 }}"),
            )
        ));
        let found = messages(&plan, "ASH301");
        // Availability set, placement group and load balancer are named like the
        // block and fit in 80; the network interfaces, the data disks and the load
        // balancer's public IP address do not, reported once by the 12th machine's.
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found[0].starts_with(&format!("the network interface name `{long}-12-nic-of-the-machine-in-the-pool` of compute")), "{}", found[0]);
        assert!(found[0].ends_with("has 95 characters, but Azure wants a network interface name that has 1 to 80 characters"), "{}", found[0]);
        assert!(found[1].starts_with(&format!("the public IP address name `{long}-public-ip-of-the-balancer` of compute")), "{}", found[1]);
        assert!(found[2].starts_with(&format!("the managed disk name `{long}-12-{disk}` of data disk `{disk}`")), "{}", found[2]);
        let fine = machines(&linux("compute", "web", "count = 3\n availability_set = true\n load_balancer public { ports = [80] }"));
        assert!(messages(&fine, "ASH301").is_empty());
        // Disks carry the machine's name: 60 + `-` + 20 is 81.
        let disk = format!("data_disk {} {{ size_gb = 8 }}", "d".repeat(20));
        let found = messages(&machines(&linux("compute", &"m".repeat(60), &disk)), "ASH301");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with(&format!("the managed disk name `{}-{}` of data disk", "m".repeat(60), "d".repeat(20))), "{}", found[0]);
    }

    #[test]
    fn maintenance_configurations_and_their_groups_stay_under_128() {
        let plan = |rg: &str, name: &str| {
            format!("settings {{ location = uksouth }}\nupdate_group {name} {{\n  resource_group = \"{rg}\"\n  daily at 01:00 for 2h\n}}\n")
        };
        assert!(messages(&plan(&"r".repeat(60), &"m".repeat(67)), "ASH301").is_empty());
        assert_eq!(
            messages(&plan(&"r".repeat(60), &"m".repeat(68)), "ASH301"),
            [format!(
                "the maintenance configuration name `{}` of update_group `{}` has 128 characters with its resource group `{}`, but Azure wants a name that has fewer than 128 characters together with its resource group's",
                "m".repeat(68),
                "m".repeat(68),
                "r".repeat(60)
            )]
        );
        assert_eq!(messages(&plan("rg-updates.", "g"), "ASH301").len(), 1, "the resource group ends with `.`");
    }

    #[test]
    fn patterns_lengthen_names_and_peerings_are_checked_both_ways() {
        let long = "a".repeat(64);
        let plan = format!(
            "settings {{ location = uksouth }}\nnaming corp {{ virtual_network = \"vnet-{{name}}\" }}\nhub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/16]\n}}\nspoke {long} {{\n hub = core\n resource_group = \"rg\"\n address_space = [10.1.0.0/16]\n}}\n"
        );
        let found = messages(&plan, "ASH301");
        assert_eq!(found.len(), 3, "{found:#?}");
        // One place (the spoke's head), so sorted by message.
        assert!(found[0].starts_with(&format!("the peering name `vnet-{long}-to-vnet-core` from spoke")), "{}", found[0]);
        assert!(found[1].starts_with(&format!("the peering name `vnet-core-to-vnet-{long}` from hub `core`")), "{}", found[1]);
        assert!(found[2].starts_with(&format!("the virtual network name `vnet-{long}` of spoke")), "{}", found[2]);
        assert!(found[2].ends_with("has 69 characters, but Azure wants a virtual network name that has 2 to 64 characters"), "{}", found[2]);
    }

    #[test]
    fn endpoints_links_and_explicit_peerings_are_checked() {
        let long = "e".repeat(61);
        let plan = format!(
            "settings {{ location = uksouth }}\nnaming corp {{\n private_endpoint = \"pep-{{name}}\"\n private_dns_link = \"{{vnet}}-\"\n peering = \"{{vnet}} to {{remote}}\"\n}}\nvnet v1 {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/24]\n peer = [v2]\n subnet s 10.0.0.0/26 {{ private_endpoint {long} {{ resource_id = \"/subscriptions/6a1f3c2e-0b7d-4e59-9c1a-2f4d8e6b0a13/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv\"  group = vault }} }}\n}}\nvnet v2 {{\n resource_group = \"rg\"\n address_space = [10.0.1.0/24]\n}}\nprivate_dns z {{\n resource_group = \"rg\"\n zone = \"corp.internal\"\n link = [v1]\n}}\n"
        );
        let found = messages(&plan, "ASH301");
        assert_eq!(found.len(), 4, "{found:#?}");
        assert!(found[0].starts_with("the peering name `v1 to v2` from vnet `v1` to vnet `v2` contains a space"), "{}", found[0]);
        assert!(found[1].starts_with("the peering name `v2 to v1` from vnet `v2` to vnet `v1` contains a space"), "{}", found[1]);
        assert!(
            found[2].starts_with(&format!("the private endpoint name `pep-{long}` of private_endpoint `v1.s.{long}` has 65 characters")),
            "{}",
            found[2]
        );
        assert!(found[3].starts_with("the virtual network link name `v1-` from private_dns `z` to vnet `v1` ends with `-`"), "{}", found[3]);
    }

    #[test]
    fn nsgs_route_tables_rules_and_routes_follow_the_network_rule() {
        let plan = "settings { location = uksouth }\nnaming corp { network_security_group = \"nsg {name}\" }\nnsg web { resource_group = \"rg.\"\n rule _ssh { inbound deny tcp 22 from any priority 100 }\n}\nroute_table rt- { resource_group = \"rg\"\n route ok 10.9.0.0/16 via internet\n}\n";
        assert_eq!(
            messages(plan, "ASH301"),
            [
                "the network security group name `nsg web` of nsg `web` contains a space, but Azure wants a network security group name that holds only letters, digits, `_`, `.` and `-`",
                "the resource group name `rg.` of nsg `web` ends with `.`, but Azure wants a resource group name that does not end with `.`",
                "the security rule name `_ssh` of rule `web._ssh` starts with `_`, but Azure wants a security rule name that starts with a letter or digit",
                "the route table name `rt-` of route_table `rt-` ends with `-`, but Azure wants a route table name that ends with a letter, digit or `_`",
            ]
        );
    }

    #[test]
    fn reserved_subnet_names_are_kept_and_valid() {
        let plan = "settings { location = uksouth }\nnaming corp { subnet = \"snet {name}\" }\nhub core {\n resource_group = \"rg\"\n address_space = [10.0.0.0/16]\n subnet GatewaySubnet 10.0.0.0/27\n subnet web 10.0.1.0/24\n}\n";
        assert_eq!(
            messages(plan, "ASH301"),
            ["the subnet name `snet web` of subnet `core.web` contains a space, but Azure wants a subnet name that holds only letters, digits, `_`, `.` and `-`"]
        );
    }

    #[test]
    fn endpoint_names_follow_their_rules() {
        let long = "a".repeat(45);
        let plan = format!(
            "settings {{ location = uksouth }}\nkey_vault kv {{ resource_group = \"rg-kv\" }}\nhub {long} {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/24]\n subnet AzureFirewallSubnet 10.0.0.0/26\n subnet GatewaySubnet 10.0.0.64/27\n firewall {{ }}\n vpn_gateway {{ sku = VpnGw2AZ }}\n site s- {{\n  gateway_ip = 203.0.113.1\n  address_space = [192.168.0.0/16]\n  shared_key = secret(kv, \"k\")\n }}\n}}\n"
        );
        let found = messages(&plan, "ASH301");
        assert_eq!(
            found,
            [
                format!("the firewall name `{long}-firewall` of the firewall of hub `{long}` has 54 characters, but Azure wants a firewall name that has 1 to 50 characters"),
                "the local network gateway name `s-` of site `aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.s-` ends with `-`, but Azure wants a local network gateway name that ends with a letter, digit or `_`".to_string(),
            ]
        );
    }

    #[test]
    fn desktop_names_follow_their_rules() {
        use crate::blocks::desktops::test_support::{plan, pooled};
        let long = "p".repeat(56);
        let apps = "app_group apps {\n  type = remote_app\n  application microsoft_excel_for_finance { path = \"excel.exe\" }\n }";
        let text = format!(
            "use std.naming.caf\n{}",
            plan(
                &pooled(&long, &format!("host_prefix = \"fin\"\n {apps}"))
                    .replace(&format!("resource_group = \"rg-{long}\""), "resource_group = \"rg-p\"")
            )
        );
        // `vdpool-` and 56 characters fit in 64; the groups' names do not.
        assert_eq!(
            messages(&text, "ASH301"),
            [
                format!("the application group name `vdag-{long}-desktop` of app_group `{long}.desktop` has 69 characters, but Azure wants an application group name that has 3 to 64 characters"),
                format!("the application group name `vdag-{long}-apps` of app_group `{long}.apps` has 66 characters, but Azure wants an application group name that has 3 to 64 characters"),
                format!("the application name `microsoft_excel_for_finance` of application `{long}.apps.microsoft_excel_for_finance` has 27 characters, but Azure wants an application name that has 3 to 24 characters"),
            ]
        );
    }

    #[test]
    fn images_are_named_with_their_patterns_and_the_template_with_its_hash() {
        let long = "w".repeat(60);
        let plan = format!(
            "settings {{ location = uksouth }}\nnaming corp {{\n gallery = \"gal-{{name}}\"\n builder_identity = \"{{name}}\"\n}}\ngallery g {{ resource_group = \"rg\" }}\nimage {long} {{\n gallery = g\n os = linux\n source = ubuntu_2404\n build {{}}\n}}\n"
        );
        let found = messages(&plan, "ASH301");
        assert_eq!(found.len(), 3, "{found:#?}");
        assert_eq!(
            found[0],
            "the gallery name `gal-g` of gallery `g` contains `-`, but Azure wants a gallery name that holds only letters, digits and `.`"
        );
        // The template's name as lowering made it, with the hash of its content.
        let (template, rest) = found[1].split_once(" that builds ").expect("whose");
        let hash = template.strip_prefix(&format!("the image template name `{long}-")).and_then(|h| h.strip_suffix('`')).expect("the name");
        assert!(hash.len() == 8 && hash.chars().all(|c| c.is_ascii_hexdigit()), "{template}");
        assert_eq!(
            rest,
            format!("image `{long}` (its last 8 characters a hash of its content) has 69 characters, but Azure wants an image template name that has 1 to 64 characters")
        );
        assert_eq!(found[2], "the managed identity name `g` that builds the images of gallery `g` has 1 character, but Azure wants a managed identity name that has 3 to 128 characters");
    }

    /// A plan whose only problem is a name that lowering derives is lowered,
    /// and the name reported at the block it comes from.
    #[test]
    fn a_derived_name_alone_is_reported_at_its_block() {
        let long = "n".repeat(60);
        let text = format!(
            "use std.naming.caf\nsettings {{ location = uksouth }}\nvnet {long} {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/24]\n}}\n"
        );
        let analysis = crate::analyze_text(&text, std::path::Path::new("."));
        let errors: Vec<_> = analysis.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert_eq!(errors[0].code.code, "ASH301");
        assert!(
            errors[0].message.starts_with(&format!("the virtual network name `vnet-{long}` of vnet `{long}` has 65 characters")),
            "{}",
            errors[0].message
        );
        let head = analysis.model.node(analysis.model.names[long.as_str()]).head;
        assert_eq!(errors[0].span, Some(head));
        assert!(analysis.azure.is_none(), "a name error stops the output");
    }

    /// Lowering runs on names Azure would refuse before they are reported:
    /// whatever characters a pattern or a resource group holds, it must not panic.
    #[test]
    fn lowering_takes_any_name() {
        for (rg, pattern) in [("rg/ü x.", "é/{name} ä"), ("", "{name}/"), ("(.)", "-"), ("rg", "\u{1F600}{name}\t")] {
            let text = format!(
                "naming n {{ pattern = \"{pattern}\" }}\n{}",
                crate::check::test_support::machines(&crate::check::test_support::linux("compute", "web", "count = 2\n data_disk d { size_gb = 8 }"))
                    .replace("\"rg\"", &format!("\"{rg}\""))
            );
            let analysis = crate::analyze_text(&text, std::path::Path::new("."));
            assert!(analysis.azure.is_none());
        }
    }
}
