use crate::azure::network::is_reserved_subnet;
use crate::blocks::naming::Names;
use crate::check::names::naming_pattern::is_sound;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId};
use crate::source::Span;

declare_codes! {
    /// ## What it does
    /// Checks the Azure names ashlar derives from block names and the `naming`
    /// patterns against Azure's naming rules: virtual networks and private
    /// endpoints have 2 to 64 characters; subnets, peerings, private DNS zone
    /// links, network security groups, route tables, security rules and routes
    /// 1 to 80; all of letters, digits, `_`, `.` and `-`, starting with a letter
    /// or digit and ending with a letter, digit or `_`; resource groups have 1 to
    /// 90 Unicode letters, digits, `_`, `-`, `.`, `(` and `)`, and do not end
    /// with `.`. The resources of a hub's endpoints (firewall, firewall policy,
    /// Bastion host, gateways, public IP addresses, sites' local network gateways
    /// and connections) and the route tables derived for spokes follow the
    /// subnets' rule, except that a firewall's name has at most 50 characters;
    /// so do what `compute`, `scale_set` and `desktop_pool` blocks bring (network interfaces,
    /// managed disks, load balancers and their public IP addresses,
    /// availability sets, proximity placement groups) and their resource
    /// groups. Virtual machines' and scale sets' own names are computer names,
    /// which `ASH400` checks. Galleries have 1 to 80 letters, digits and `.`,
    /// starting and ending with a letter or digit; image definitions 1 to 80
    /// letters, digits, `_`, `-` and `.`, starting and ending with a letter or
    /// digit; image templates (with their content hash) and run outputs 1 to 64
    /// letters, digits, `-`, `_` and `.`; managed identities 3 to 128 letters,
    /// digits, `-` and `_`, starting with a letter or digit. A maintenance
    /// configuration's name and its resource group's have fewer than 128
    /// characters together. Recovery Services
    /// vaults have 2 to 50 letters, digits and `-`, starting with a letter;
    /// backup policies, named like their blocks, 3 to 150 letters, digits and
    /// `-`, starting with a letter and not ending with `-`. Azure Virtual
    /// Desktop's host pools, application groups, workspaces and scaling plans
    /// have 3 to 64 letters, digits, spaces, `@`, `.`, `-` and `_`; RemoteApp
    /// applications 3 to 24 of them.
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

pub const CHECK: Check = Check { code: &AZURE_NAME, run };

/// Azure's rule for the names of one resource type (azure-facts 5.5).
struct Rule {
    what: &'static str,
    min: usize,
    max: usize,
    /// Characters allowed anywhere, in words.
    allowed: &'static str,
    char_ok: fn(char) -> bool,
    start_ok: fn(char) -> bool,
    /// What a valid name does at its start, in words.
    start: &'static str,
    end_ok: fn(char) -> bool,
    /// What a valid name does at its end, in words.
    end: &'static str,
}

fn network_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

fn network_end(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn group_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '(' | ')')
}

const fn network_rule(what: &'static str, min: usize, max: usize) -> Rule {
    Rule {
        what,
        min,
        max,
        allowed: "letters, digits, `_`, `.` and `-`",
        char_ok: network_char,
        start_ok: |c| c.is_ascii_alphanumeric(),
        start: "starts with a letter or digit",
        end_ok: network_end,
        end: "ends with a letter, digit or `_`",
    }
}

const VIRTUAL_NETWORK: Rule = network_rule("virtual network", 2, 64);
const SUBNET: Rule = network_rule("subnet", 1, 80);
const PEERING: Rule = network_rule("peering", 1, 80);
const PRIVATE_ENDPOINT: Rule = network_rule("private endpoint", 2, 64);
const DNS_LINK: Rule = network_rule("virtual network link", 1, 80);
const NSG: Rule = network_rule("network security group", 1, 80);
const ROUTE_TABLE: Rule = network_rule("route table", 1, 80);
const SECURITY_RULE: Rule = network_rule("security rule", 1, 80);
const ROUTE: Rule = network_rule("route", 1, 80);
/// Azure Firewall names: 50 characters at most (Azure Firewall FAQ).
const FIREWALL: Rule = network_rule("firewall", 1, 50);
const FIREWALL_POLICY: Rule = network_rule("firewall policy", 1, 80);
const BASTION: Rule = network_rule("Bastion host", 1, 80);
const GATEWAY: Rule = network_rule("virtual network gateway", 1, 80);
const PUBLIC_IP: Rule = network_rule("public IP address", 1, 80);
const LOCAL_GATEWAY: Rule = network_rule("local network gateway", 1, 80);
const CONNECTION: Rule = network_rule("connection", 1, 80);
const GALLERY: Rule = Rule {
    what: "gallery",
    min: 1,
    max: 80,
    allowed: "letters, digits and `.`",
    char_ok: |c| c.is_ascii_alphanumeric() || c == '.',
    start_ok: |c| c.is_ascii_alphanumeric(),
    start: "starts with a letter or digit",
    end_ok: |c| c.is_ascii_alphanumeric(),
    end: "ends with a letter or digit",
};
const IMAGE_DEFINITION: Rule = Rule {
    what: "image definition",
    min: 1,
    max: 80,
    allowed: "letters, digits, `_`, `-` and `.`",
    char_ok: network_char,
    start_ok: |c| c.is_ascii_alphanumeric(),
    start: "starts with a letter or digit",
    end_ok: |c| c.is_ascii_alphanumeric(),
    end: "ends with a letter or digit",
};
/// Image templates and the run outputs of their distributions: `^[A-Za-z0-9-_.]{1,64}$`.
const fn template_rule(what: &'static str) -> Rule {
    Rule {
        what,
        min: 1,
        max: 64,
        allowed: "letters, digits, `-`, `_` and `.`",
        char_ok: network_char,
        start_ok: network_char,
        start: "",
        end_ok: network_char,
        end: "",
    }
}
const IMAGE_TEMPLATE: Rule = template_rule("image template");
const RUN_OUTPUT: Rule = template_rule("run output");
const MANAGED_IDENTITY: Rule = Rule {
    what: "managed identity",
    min: 3,
    max: 128,
    allowed: "letters, digits, `-` and `_`",
    char_ok: |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'),
    start_ok: |c| c.is_ascii_alphanumeric(),
    start: "starts with a letter or digit",
    end_ok: |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'),
    end: "",
};
const NAT_GATEWAY: Rule = network_rule("NAT gateway", 1, 80);
/// Recovery Services vaults: 2 to 50 letters, digits and `-`, starting with a letter (azure-facts 5.5).
const RECOVERY_VAULT: Rule = Rule {
    what: "Recovery Services vault",
    min: 2,
    max: 50,
    allowed: "letters, digits and `-`",
    char_ok: |c| c.is_ascii_alphanumeric() || c == '-',
    start_ok: |c| c.is_ascii_alphabetic(),
    start: "starts with a letter",
    end_ok: |c| c.is_ascii_alphanumeric() || c == '-',
    end: "",
};
/// Backup policies: 3 to 150 letters, digits and `-`, starting with a letter, not ending with `-` (azure-facts 5.5).
const BACKUP_POLICY: Rule = Rule {
    what: "backup policy",
    min: 3,
    max: 150,
    allowed: "letters, digits and `-`",
    char_ok: |c| c.is_ascii_alphanumeric() || c == '-',
    start_ok: |c| c.is_ascii_alphabetic(),
    start: "starts with a letter",
    end_ok: |c| c.is_ascii_alphanumeric(),
    end: "does not end with `-`",
};
const NETWORK_INTERFACE: Rule = network_rule("network interface", 1, 80);
const LOAD_BALANCER: Rule = network_rule("load balancer", 1, 80);
const AVAILABILITY_SET: Rule = network_rule("availability set", 1, 80);
const PROXIMITY_PLACEMENT_GROUP: Rule = network_rule("proximity placement group", 1, 80);
const DISK: Rule = network_rule("managed disk", 1, 80);
const RESOURCE_GROUP: Rule = Rule {
    what: "resource group",
    min: 1,
    max: 90,
    allowed: "letters, digits, `_`, `-`, `.`, `(` and `)`",
    char_ok: group_char,
    start_ok: group_char,
    start: "",
    end_ok: |c| group_char(c) && c != '.',
    end: "does not end with `.`",
};

/// Azure Virtual Desktop's objects: `^[A-Za-z0-9@.\-_ ]*$` (bicep-types 2025-10-10).
const fn desktop_rule(what: &'static str, min: usize, max: usize) -> Rule {
    Rule {
        what,
        min,
        max,
        allowed: "letters, digits, spaces, `@`, `.`, `-` and `_`",
        char_ok: |c| c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '-' | '_' | ' '),
        start_ok: |_| true,
        start: "",
        end_ok: |_| true,
        end: "",
    }
}
const HOST_POOL: Rule = desktop_rule("host pool", 3, 64);
const APPLICATION_GROUP: Rule = desktop_rule("application group", 3, 64);
const DESKTOP_WORKSPACE: Rule = desktop_rule("workspace", 3, 64);
const SCALING_PLAN: Rule = desktop_rule("scaling plan", 3, 64);
const REMOTE_APPLICATION: Rule = desktop_rule("application", 3, 24);

/// One way a name breaks its rule: what the name does, and what it should do.
#[derive(Debug, PartialEq)]
struct Problem {
    fact: String,
    wanted: String,
}

/// A character as messages show it.
fn show(c: char) -> String {
    match c {
        ' ' => "a space".to_string(),
        c if c.is_control() || c.is_whitespace() => format!("U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

impl Rule {
    /// What is wrong with a name; empty when it is valid.
    fn problems(&self, name: &str) -> Vec<Problem> {
        let mut found = Vec::new();
        let len = name.chars().count();
        if len < self.min || len > self.max {
            let chars = if len == 1 { "character" } else { "characters" };
            found.push(Problem { fact: format!("has {len} {chars}"), wanted: format!("has {} to {} characters", self.min, self.max) });
        }
        let mut bad: Vec<char> = name.chars().filter(|&c| !(self.char_ok)(c)).collect();
        bad.sort_unstable();
        bad.dedup();
        if !bad.is_empty() {
            let shown: Vec<String> = bad.into_iter().map(show).collect();
            found.push(Problem { fact: format!("contains {}", join(&shown)), wanted: format!("holds only {}", self.allowed) });
        }
        if let Some(c) = name.chars().next().filter(|&c| (self.char_ok)(c) && !(self.start_ok)(c)) {
            found.push(Problem { fact: format!("starts with `{c}`"), wanted: self.start.to_string() });
        }
        if let Some(c) = name.chars().last().filter(|&c| (self.char_ok)(c) && !(self.end_ok)(c)) {
            found.push(Problem { fact: format!("ends with `{c}`"), wanted: self.end.to_string() });
        }
        found
    }
}

/// `a` or `an`, before a word.
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// Joins clauses: "a", "a and b", "a, b and c".
fn join(clauses: &[String]) -> String {
    match clauses {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Reports `name` when it breaks `rule`. `whose` follows the name in the message
/// ("of hub `core`"); `fixer` starts the help ("rename hub `core`").
fn report(out: &mut Vec<Diagnostic>, rule: &Rule, name: &str, whose: &str, span: Span, fixer: &str) {
    report_as(out, rule, name, name, whose, span, fixer);
}

/// Reports `checked` when it breaks `rule`, showing it as `shown`: a name with
/// a part only lowering knows, such as an image template's content hash.
fn report_as(out: &mut Vec<Diagnostic>, rule: &Rule, shown: &str, checked: &str, whose: &str, span: Span, fixer: &str) {
    let name = shown;
    let problems = rule.problems(checked);
    if problems.is_empty() {
        return;
    }
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

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let names = Names::new(model);
    let naming = model.unique("naming");
    // Names derived from a broken pattern are reported by `naming-pattern`.
    let vnet_sound = is_sound(naming, "virtual_network");
    let subnet_sound = is_sound(naming, "subnet");
    let peering_sound = is_sound(naming, "peering") && vnet_sound;

    for (network, node) in model.networks() {
        let whose = format!("of {}", model.describe(network));
        if let (Some(attr), Some(rg)) = (node.get("resource_group"), node.str("resource_group")) {
            report(out, &RESOURCE_GROUP, rg, &whose, attr.span, "rename the resource group");
        }
        if vnet_sound {
            report(out, &VIRTUAL_NETWORK, &names.vnet(network), &whose, node.head, &fixer(model, "virtual_network", network));
        }
        for &subnet in node.children.iter().filter(|&&c| model.node(c).is("subnet")) {
            // Reserved names are Azure's own, kept as they are by any pattern.
            if subnet_sound && !is_reserved_subnet(model.node(subnet).name()) {
                let whose = format!("of {}", model.describe(subnet));
                report(out, &SUBNET, &names.subnet(subnet), &whose, model.node(subnet).head, &fixer(model, "subnet", subnet));
            }
        }
    }
    // Network security groups and route tables, and their resource groups.
    for (kind, rule, pattern) in [("nsg", &NSG, "network_security_group"), ("route_table", &ROUTE_TABLE, "route_table")] {
        let sound = is_sound(naming, pattern);
        for (id, node) in model.of_kind(kind) {
            let whose = format!("of {}", model.describe(id));
            if let (Some(attr), Some(rg)) = (node.get("resource_group"), node.str("resource_group")) {
                report(out, &RESOURCE_GROUP, rg, &whose, attr.span, "rename the resource group");
            }
            if sound {
                let name = if kind == "nsg" { names.nsg(id) } else { names.route_table(id) };
                report(out, rule, &name, &whose, node.head, &fixer(model, pattern, id));
            }
        }
    }
    // Rules and routes, named like their blocks.
    for (kind, rule) in [("rule", &SECURITY_RULE), ("route", &ROUTE)] {
        for (id, node) in model.of_kind(kind) {
            report(out, rule, node.name(), &format!("of {}", model.describe(id)), node.head, &format!("rename {}", model.describe(id)));
        }
    }
    if peering_sound {
        for (spoke, node) in model.of_kind("spoke") {
            let Some(hub) = node.reference("hub") else {
                continue;
            };
            for (local, remote) in [(spoke, hub), (hub, spoke)] {
                let whose = format!("from {} to {}", model.describe(local), model.describe(remote));
                report(out, &PEERING, &names.peering(local, remote), &whose, node.head, &fixer(model, "peering", spoke));
            }
        }
        // `peer` entries, at the entry; self-peerings and repeats are other checks'.
        let mut peered: Vec<(NodeId, NodeId)> = Vec::new();
        for (network, node) in model.networks() {
            for item in node.list("peer") {
                let crate::model::Typed::Ref(other) = item.value else { continue };
                let pair = (network.min(other), network.max(other));
                if other == network || crate::blocks::network::implicit_pair(model, network, other) || peered.contains(&pair) {
                    continue;
                }
                peered.push(pair);
                for (local, remote) in [(network, other), (other, network)] {
                    let whose = format!("from {} to {}", model.describe(local), model.describe(remote));
                    report(out, &PEERING, &names.peering(local, remote), &whose, item.span, &fixer(model, "peering", network));
                }
            }
        }
    }
    private_dns_names(model, &names, out);
    image_names(model, &names, out);
    update_names(model, &names, out);
    compute_names(model, &names, out);
    for (gateway, node) in model.of_kind("nat_gateway") {
        let whose = format!("of {}", model.describe(gateway));
        if let (Some(attr), Some(rg)) = (node.get("resource_group"), node.str("resource_group")) {
            report(out, &RESOURCE_GROUP, rg, &whose, attr.span, "rename the resource group");
        }
        if is_sound(naming, "nat_gateway") {
            report(out, &NAT_GATEWAY, &names.nat_gateway(gateway), &whose, node.head, &fixer(model, "nat_gateway", gateway));
        }
    }
    backup_names(model, &names, out);
    desktop_names(model, &names, out);
}

/// The names of Azure Virtual Desktop's objects: host pools, application groups
/// and their applications, scaling plans, workspaces and their resource groups.
fn desktop_names(model: &Model, names: &Names, out: &mut Vec<Diagnostic>) {
    let naming = model.unique("naming");
    for (pool, node) in model.of_kind("desktop_pool") {
        let whose = format!("of {}", model.describe(pool));
        if is_sound(naming, "host_pool") {
            report(out, &HOST_POOL, &names.host_pool(pool), &whose, node.head, &fixer(model, "host_pool", pool));
        }
        let pooled = crate::blocks::desktops::is_pooled(node);
        if let Some(scaling) = crate::blocks::desktops::scaling_of(model, pool).filter(|_| pooled && is_sound(naming, "scaling_plan")) {
            report(out, &SCALING_PLAN, &names.scaling_plan(pool), &whose, model.node(scaling).head, &fixer(model, "scaling_plan", pool));
        }
        for group in crate::blocks::desktops::app_groups(model, pool) {
            let group_node = model.node(group);
            let whose = format!("of {}", model.describe(group));
            if is_sound(naming, "application_group") {
                let fix = fixer(model, "application_group", group);
                report(out, &APPLICATION_GROUP, &names.application_group(group), &whose, group_node.head, &fix);
            }
            for application in crate::blocks::desktops::applications(model, group) {
                let app_node = model.node(application);
                let whose = format!("of {}", model.describe(application));
                report(out, &REMOTE_APPLICATION, app_node.name(), &whose, app_node.head, &format!("rename {}", model.describe(application)));
            }
        }
    }
    for (workspace, node) in model.of_kind("desktop_workspace") {
        let whose = format!("of {}", model.describe(workspace));
        if let (Some(attr), Some(rg)) = (node.get("resource_group"), node.str("resource_group")) {
            report(out, &RESOURCE_GROUP, rg, &whose, attr.span, "rename the resource group");
        }
        if is_sound(naming, "desktop_workspace") {
            report(out, &DESKTOP_WORKSPACE, &names.desktop_workspace(workspace), &whose, node.head, &fixer(model, "desktop_workspace", workspace));
        }
    }
}

/// Backup policies, named like their blocks, and the Recovery Services vault
/// of each region and resource group of machines with `backup`.
fn backup_names(model: &Model, names: &Names, out: &mut Vec<Diagnostic>) {
    for (id, node) in model.of_kind("backup_policy") {
        report(out, &BACKUP_POLICY, node.name(), &format!("of {}", model.describe(id)), node.head, &format!("rename {}", model.describe(id)));
    }
    let naming = model.unique("naming");
    if !is_sound(naming, "recovery_vault") {
        return;
    }
    for place in crate::blocks::backup::vault_places(model) {
        let first = place.blocks[0];
        let span = model.node(first).get("resource_group").map_or(model.node(first).head, |a| a.span);
        let whose = format!("of the machines with `backup` in resource group `{}` ({})", place.resource_group, place.location);
        let fix = match naming.and_then(|n| n.str("recovery_vault")) {
            Some(pattern) => format!(
                "rename the resource group, or change the `recovery_vault` pattern \"{pattern}\" of naming `{}`,",
                naming.map_or("", |n| n.name())
            ),
            None => "rename the resource group, or give the vaults a `recovery_vault` pattern in a `naming` block,".to_string(),
        };
        report(out, &RECOVERY_VAULT, &names.recovery_vault(&place.resource_group, &place.location), &whose, span, &fix);
    }
}

/// Update groups: their resource groups, and their maintenance configurations,
/// whose name and resource group name have fewer than 128 characters together
/// ("The character count for the resource group name and the maintenance
/// configuration name should be less than 128", learn:
/// virtual-machines/maintenance-configurations).
fn update_names(model: &Model, names: &Names, out: &mut Vec<Diagnostic>) {
    let sound = is_sound(model.unique("naming"), "maintenance_configuration");
    for (group, node) in model.of_kind("update_group") {
        let whose = format!("of {}", model.describe(group));
        let Some(rg) = node.str("resource_group") else { continue };
        if let Some(attr) = node.get("resource_group") {
            report(out, &RESOURCE_GROUP, rg, &whose, attr.span, "rename the resource group");
        }
        let name = names.maintenance_configuration(group);
        let together = rg.chars().count() + name.chars().count();
        if sound && (name.is_empty() || together >= MAX_MAINTENANCE_NAMES) {
            let problem = if name.is_empty() { "is empty".to_string() } else { format!("has {together} characters with its resource group `{rg}`") };
            out.push(
                Diagnostic::new(&AZURE_NAME, node.head, format!("the maintenance configuration name `{name}` {whose} {problem}, but Azure wants a name that has fewer than {MAX_MAINTENANCE_NAMES} characters together with its resource group's"))
                    .with_help(format!("{} so that the two names have fewer than {MAX_MAINTENANCE_NAMES} characters together", fixer(model, "maintenance_configuration", group))),
            );
        }
    }
}

/// Characters a maintenance configuration's name and its resource group's stay under, together.
const MAX_MAINTENANCE_NAMES: usize = 128;

/// Galleries, their resource groups and builder identities, image definitions,
/// image templates and their run outputs.
fn image_names(model: &Model, names: &Names, out: &mut Vec<Diagnostic>) {
    let naming = model.unique("naming");
    let mut builders: Vec<NodeId> = Vec::new();
    for (gallery, node) in model.of_kind("gallery") {
        let whose = format!("of {}", model.describe(gallery));
        if let (Some(attr), Some(rg)) = (node.get("resource_group"), node.str("resource_group")) {
            report(out, &RESOURCE_GROUP, rg, &whose, attr.span, "rename the resource group");
        }
        if is_sound(naming, "gallery") {
            report(out, &GALLERY, &names.gallery(gallery), &whose, node.head, &fixer(model, "gallery", gallery));
        }
    }
    for (image, node) in model.of_kind("image") {
        let whose = format!("of {}", model.describe(image));
        if is_sound(naming, "image_definition") {
            report(out, &IMAGE_DEFINITION, &names.image_definition(image), &whose, node.head, &fixer(model, "image_definition", image));
        }
        let Some(build) = crate::blocks::images::build_of(model, image) else { continue };
        let build_head = model.node(build).head;
        if is_sound(naming, "image_template") {
            let prefix = names.image_template(image);
            let hash_len = crate::blocks::images::TEMPLATE_HASH_LEN;
            let checked = format!("{prefix}-{}", "0".repeat(hash_len));
            let shown = format!("{prefix}-<hash>");
            let whose = format!("that builds {} (`<hash>` is {hash_len} hexadecimal digits)", model.describe(image));
            report_as(out, &IMAGE_TEMPLATE, &shown, &checked, &whose, build_head, &fixer(model, "image_template", image));
        }
        report(out, &RUN_OUTPUT, node.name(), &whose, node.head, &format!("rename {}", model.describe(image)));
        let Some(gallery) = crate::blocks::images::gallery_of(model, image) else { continue };
        if is_sound(naming, "builder_identity") && !builders.contains(&gallery) {
            builders.push(gallery);
            let whose = format!("that builds the images of {}", model.describe(gallery));
            report(out, &MANAGED_IDENTITY, &names.builder_identity(gallery), &whose, build_head, &fixer(model, "builder_identity", gallery));
        }
    }
}

/// The names of what `compute` and `scale_set` blocks bring: network
/// interfaces, load balancers and their public IP addresses, availability sets,
/// proximity placement groups, and the blocks' resource groups. Machine and
/// scale set names are also computer names: `computer-name` checks them.
fn compute_names(model: &Model, names: &Names, out: &mut Vec<Diagnostic>) {
    use crate::blocks::compute::{flag, is_public, load_balancer, machine_blocks, machine_names};
    let naming = model.unique("naming");
    for (block, node) in machine_blocks(model) {
        let whose = format!("of {}", model.describe(block));
        if let (Some(attr), Some(rg)) = (node.get("resource_group"), node.str("resource_group")) {
            report(out, &RESOURCE_GROUP, rg, &whose, attr.span, "rename the resource group");
        }
        // The machines' names differ only in their index: the last is the longest.
        let last = machine_names(node).last().cloned().filter(|_| node.is("compute") || node.is("desktop_pool"));
        if let (Some(machine), true) = (&last, is_sound(naming, "network_interface")) {
            report(out, &NETWORK_INTERFACE, &names.network_interface(block, machine), &whose, node.head, &fixer(model, "network_interface", block));
        }
        // Disks are named after their machine: `{machine}-osdisk`, `{machine}-{disk}`.
        if let (Some(machine), true) = (&last, is_sound(naming, "virtual_machine")) {
            let vm = names.virtual_machine(block, machine);
            report(out, &DISK, &names.os_disk(&vm), &whose, node.head, &fixer(model, "virtual_machine", block));
            for disk in crate::blocks::compute::nested(model, block, "data_disk") {
                let disk_whose = format!("of data disk `{}` of {}", model.node(disk).name(), model.describe(block));
                let fix = format!("rename data disk `{}`, or {}", model.node(disk).name(), fixer(model, "virtual_machine", block));
                report(out, &DISK, &names.data_disk(&vm, disk), &disk_whose, model.node(disk).head, &fix);
            }
        }
        if flag(node, "availability_set") && is_sound(naming, "availability_set") {
            report(out, &AVAILABILITY_SET, &names.availability_set(block), &whose, node.head, &fixer(model, "availability_set", block));
        }
        if flag(node, "proximity_placement_group") && is_sound(naming, "proximity_placement_group") {
            let name = names.proximity_placement_group(block);
            report(out, &PROXIMITY_PLACEMENT_GROUP, &name, &whose, node.head, &fixer(model, "proximity_placement_group", block));
        }
        let Some(lb) = load_balancer(model, block) else { continue };
        let public = is_public(model.node(lb));
        let pattern = if public { "public_load_balancer" } else { "load_balancer" };
        if !is_sound(naming, pattern) {
            continue;
        }
        let lb_name = names.load_balancer(block, public);
        let lb_head = model.node(lb).head;
        report(out, &LOAD_BALANCER, &lb_name, &whose, lb_head, &fixer(model, pattern, block));
        if public && is_sound(naming, "public_ip") {
            report(out, &PUBLIC_IP, &names.public_ip(&lb_name, block), &whose, lb_head, &fixer(model, "public_ip", block));
        }
    }
}

/// Private endpoints, their resource groups, and the links of private DNS zones.
fn private_dns_names(model: &Model, names: &Names, out: &mut Vec<Diagnostic>) {
    let naming = model.unique("naming");
    let endpoint_sound = is_sound(naming, "private_endpoint");
    for (endpoint, node) in crate::blocks::private_dns::endpoints(model) {
        let whose = format!("of {}", model.describe(endpoint));
        if let (Some(attr), Some(rg)) = (node.get("resource_group"), node.str("resource_group")) {
            report(out, &RESOURCE_GROUP, rg, &whose, attr.span, "rename the resource group");
        }
        if endpoint_sound {
            report(out, &PRIVATE_ENDPOINT, &names.private_endpoint(endpoint), &whose, node.head, &fixer(model, "private_endpoint", endpoint));
        }
    }
    let link_sound = is_sound(naming, "private_dns_link") && is_sound(naming, "virtual_network");
    for (dns, node) in model.of_kind("private_dns") {
        let whose = format!("of {}", model.describe(dns));
        if let (Some(attr), Some(rg)) = (node.get("resource_group"), node.str("resource_group")) {
            report(out, &RESOURCE_GROUP, rg, &whose, attr.span, "rename the resource group");
        }
        if !link_sound {
            continue;
        }
        for (network, span) in crate::blocks::private_dns::links(node) {
            let whose = format!("from {} to {}", model.describe(dns), model.describe(network));
            // The link is named after the network unless a pattern says otherwise.
            let fix = match naming.and_then(|n| n.str("private_dns_link")) {
                Some(pattern) => format!("change the `private_dns_link` pattern \"{pattern}\" of naming `{}`", naming.map_or("", |n| n.name())),
                None => fixer(model, "virtual_network", network),
            };
            report(out, &DNS_LINK, &names.private_dns_link(dns, network), &whose, span, &fix);
        }
    }
    endpoint_names(model, names, out);
}

/// The names of hubs' endpoints, their public IP addresses, and the route
/// tables of spokes behind a firewall. An endpoint without a name of its own
/// is named after its hub: renaming the hub or the pattern fixes it.
fn endpoint_names(model: &Model, names: &Names, out: &mut Vec<Diagnostic>) {
    let naming = model.unique("naming");
    let pip_sound = is_sound(naming, "public_ip");
    for (hub, hub_node) in model.of_kind("hub") {
        for &child in &hub_node.children {
            let node = model.node(child);
            let (rule, attr, name, owner): (&Rule, &str, String, NodeId) = match node.kind.kind {
                "firewall" => (&FIREWALL, "firewall", names.firewall(hub), hub),
                "bastion" => (&BASTION, "bastion", names.bastion(hub), hub),
                "vpn_gateway" => (&GATEWAY, "vpn_gateway", names.vpn_gateway(hub), hub),
                "er_gateway" => (&GATEWAY, "er_gateway", names.er_gateway(hub), hub),
                "site" => (&LOCAL_GATEWAY, "local_network_gateway", names.local_network_gateway(child), child),
                _ => continue,
            };
            let whose = match node.name {
                Some(_) => format!("of {}", model.describe(child)),
                None => format!("of the {} of hub `{}`", node.kind.kind, hub_node.name()),
            };
            if !is_sound(naming, attr) {
                continue;
            }
            report(out, rule, &name, &whose, node.head, &fixer(model, attr, owner));
            let mut public_ips: Vec<String> = Vec::new();
            match node.kind.kind {
                "firewall" => {
                    if is_sound(naming, "firewall_policy") {
                        report(out, &FIREWALL_POLICY, &names.firewall_policy(hub), &whose, node.head, &fixer(model, "firewall_policy", hub));
                    }
                    public_ips.push(name.clone());
                    if node.str("sku") == Some("Basic") {
                        public_ips.push(format!("{name}-management"));
                    }
                }
                "vpn_gateway" => {
                    public_ips.push(name.clone());
                    if matches!(node.get("active_active").map(|a| &a.value), Some(crate::model::Typed::Bool(true))) {
                        public_ips.push(format!("{name}-2"));
                    }
                }
                "bastion" | "er_gateway" => public_ips.push(name.clone()),
                _ => {
                    if is_sound(naming, "connection") {
                        report(out, &CONNECTION, &names.connection(child), &whose, node.head, &fixer(model, "connection", child));
                    }
                }
            }
            if pip_sound {
                for owner_name in public_ips {
                    report(out, &PUBLIC_IP, &names.public_ip(&owner_name, child), &whose, node.head, &fixer(model, "public_ip", hub));
                }
            }
        }
    }
    if is_sound(naming, "route_table") {
        for (spoke, node) in model.of_kind("spoke") {
            let Some(hub) = node.reference("hub") else { continue };
            let Some((_, via)) = crate::blocks::network::hub_next_hop(model, hub) else { continue };
            let whose = format!("derived for {} behind the {via} of hub `{}`", model.describe(spoke), model.node(hub).name());
            report(out, &ROUTE_TABLE, &names.hub_route_table(spoke, via), &whose, node.head, &fixer(model, "route_table", spoke));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::test_support::{diagnostics, messages};

    fn facts(rule: &Rule, name: &str) -> Vec<String> {
        rule.problems(name).into_iter().map(|p| p.fact).collect()
    }

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
        let long = "w".repeat(78);
        let plan = machines(&linux(
            "compute",
            &long,
            "count = 12\n availability_set = true\n proximity_placement_group = true\n load_balancer public { ports = [80] }",
        ));
        let found = messages(&plan, "ASH301");
        // Availability set, placement group and load balancer are named like the
        // block and fit in 80; the 12th machine's network interface and OS disk
        // and the load balancer's public IP address do not.
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found[0].starts_with(&format!("the managed disk name `{long}-12-osdisk` of compute")), "{}", found[0]);
        assert!(found[1].starts_with(&format!("the network interface name `{long}-12-nic` of compute")), "{}", found[1]);
        assert!(found[1].ends_with("has 85 characters, but Azure wants a network interface name that has 1 to 80 characters"), "{}", found[1]);
        assert!(found[2].starts_with(&format!("the public IP address name `{long}-pip` of compute")), "{}", found[2]);
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
    fn network_names_follow_the_arm_rule() {
        assert!(VIRTUAL_NETWORK.problems("vnet-core_01.a").is_empty());
        assert!(VIRTUAL_NETWORK.problems("ab_").is_empty());
        assert_eq!(facts(&VIRTUAL_NETWORK, "a"), ["has 1 character"]);
        assert_eq!(facts(&SUBNET, "_web"), ["starts with `_`"]);
        assert_eq!(facts(&SUBNET, "web-"), ["ends with `-`"]);
        assert_eq!(facts(&PEERING, "peer to é\t"), ["contains U+0009, a space and `é`"]);
        assert_eq!(facts(&SUBNET, &"s".repeat(81)), ["has 81 characters"]);
        assert_eq!(facts(&SUBNET, ""), ["has 0 characters"]);
        assert_eq!(facts(&VIRTUAL_NETWORK, "-"), ["has 1 character", "starts with `-`", "ends with `-`"]);
    }

    #[test]
    fn resource_group_names_take_unicode_and_parentheses() {
        assert!(RESOURCE_GROUP.problems("rg-Müller_(prod).1").is_empty());
        assert!(RESOURCE_GROUP.problems(".rg").is_empty());
        assert_eq!(facts(&RESOURCE_GROUP, "rg."), ["ends with `.`"]);
        assert_eq!(facts(&RESOURCE_GROUP, &"r".repeat(91)), ["has 91 characters"]);
        assert_eq!(facts(&RESOURCE_GROUP, "rg/a"), ["contains `/`"]);
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
            "settings {{ location = uksouth }}\nkey_vault kv {{ resource_group = \"rg-kv\" }}\nhub {long} {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/24]\n subnet AzureFirewallSubnet 10.0.0.0/26\n firewall {{ }}\n site s- {{\n  gateway_ip = 203.0.113.1\n  address_space = [192.168.0.0/16]\n  shared_key = secret(kv, \"k\")\n }}\n}}\n"
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
        assert!(HOST_POOL.problems("vdpool-finance @uk.1").is_empty());
        assert_eq!(facts(&HOST_POOL, "ab"), ["has 2 characters"]);
        assert_eq!(facts(&DESKTOP_WORKSPACE, "ws/1"), ["contains `/`"]);
        assert!(REMOTE_APPLICATION.problems("excel").is_empty());
        assert_eq!(facts(&REMOTE_APPLICATION, &"a".repeat(25)), ["has 25 characters"]);
        let long = "p".repeat(56);
        let apps = "app_group apps {\n  type = remote_app\n  application microsoft_excel_for_finance { path = \"excel.exe\" }\n }";
        let text = format!(
            "use std.naming.caf\n{}",
            plan(&pooled(&long, apps).replace(&format!("resource_group = \"rg-{long}\""), "resource_group = \"rg-p\""))
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
    fn gallery_and_image_names_follow_their_rules() {
        assert!(GALLERY.problems("corp.images2").is_empty());
        assert_eq!(facts(&GALLERY, "corp_images"), ["contains `_`"]);
        assert_eq!(facts(&GALLERY, "gal-corp"), ["contains `-`"]);
        assert_eq!(facts(&GALLERY, ".corp."), ["starts with `.`", "ends with `.`"]);
        assert!(IMAGE_DEFINITION.problems("win2022_web-1.0").is_empty());
        assert_eq!(facts(&IMAGE_DEFINITION, "web_"), ["ends with `_`"]);
        assert_eq!(facts(&MANAGED_IDENTITY, "id"), ["has 2 characters"]);
        assert_eq!(facts(&MANAGED_IDENTITY, "_id-x"), ["starts with `_`"]);
        assert!(IMAGE_TEMPLATE.problems("_it.web-1").is_empty());
    }

    #[test]
    fn images_are_named_with_their_patterns_and_the_template_with_its_hash() {
        let long = "w".repeat(60);
        let plan = format!(
            "settings {{ location = uksouth }}\nnaming corp {{\n gallery = \"gal-{{name}}\"\n builder_identity = \"{{name}}\"\n}}\ngallery g {{ resource_group = \"rg\" }}\nimage {long} {{\n gallery = g\n os = linux\n source = ubuntu_2404\n build {{}}\n}}\n"
        );
        let found = messages(&plan, "ASH301");
        assert_eq!(
            found,
            [
                "the gallery name `gal-g` of gallery `g` contains `-`, but Azure wants a gallery name that holds only letters, digits and `.`".to_string(),
                format!("the image template name `{long}-<hash>` that builds image `{long}` (`<hash>` is 8 hexadecimal digits) has 69 characters, but Azure wants an image template name that has 1 to 64 characters"),
                "the managed identity name `g` that builds the images of gallery `g` has 1 character, but Azure wants a managed identity name that has 3 to 128 characters".to_string(),
            ]
        );
    }
}
