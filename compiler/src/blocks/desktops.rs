//! Azure Virtual Desktop: `desktop_pool` blocks, each a host pool with its
//! application groups, their users, a scaling plan and its session hosts, and
//! `desktop_workspace` blocks, where users find the pools' application groups.
//!
//! What a `desktop_pool` lowers to, in its resource group and in the region of
//! its session hosts' network:
//! - the host pool (`Microsoft.DesktopVirtualization/hostPools`), with a
//!   registration token that expires [`REGISTRATION_TOKEN_VALIDITY`] after the
//!   deployment runs;
//! - an application group per `app_group`, its RemoteApp `application`s, and a
//!   Desktop Virtualization User role assignment on it for each of its `users`;
//! - for a pooled pool with `scaling`, a scaling plan;
//! - the session hosts: virtual machines lowered as a `compute` block's are
//!   ([`compute::lower_machine`]), each joined to Microsoft Entra ID
//!   (AADLoginForWindows, a system-assigned identity, and Virtual Machine User
//!   Login for the pool's users on the hosts' resource group) or to a domain
//!   (JsonADDomainExtension), then registered with the host pool by Microsoft's
//!   AVD agent configuration through the PowerShell DSC extension.
//!
//! A `desktop_workspace` lowers to a workspace that references the application
//! groups of the pools that name it.

use crate::blocks::compute::{self, lower_machine, vm_extension, Machine, Place};
use crate::blocks::lowering::Lowering;
use crate::lower::ir::{Object, Prop, Resource, ResourceId};
use crate::model::{Model, Node, NodeId, Spanned, Typed};
use crate::schema::attrs;
use crate::schema::{attr, KindSchema, Naming, Type};
use indexmap::{IndexMap, IndexSet};

const HOST_POOL: &str = "Microsoft.DesktopVirtualization/hostPools";
const APPLICATION_GROUP: &str = "Microsoft.DesktopVirtualization/applicationGroups";
const APPLICATION: &str = "Microsoft.DesktopVirtualization/applicationGroups/applications";
const WORKSPACE: &str = "Microsoft.DesktopVirtualization/workspaces";
const SCALING_PLAN: &str = "Microsoft.DesktopVirtualization/scalingPlans";
const ROLE_ASSIGNMENT: &str = "Microsoft.Authorization/roleAssignments";
const ROLE_DEFINITION: &str = "Microsoft.Authorization/roleDefinitions";

/// The built-in role Desktop Virtualization User: who may use an application group.
pub const DESKTOP_USER_ROLE: &str = "1d18fff3-a72a-46b5-b4a9-0b38a3cd7e63";
/// The built-in role Virtual Machine User Login: who may sign in to a Microsoft
/// Entra joined machine, here the session hosts.
pub const VM_USER_LOGIN_ROLE: &str = "fb879df8-f326-4884-b1cf-06f3ad86be52";

/// Microsoft's published configuration of the AVD agent, which the PowerShell
/// DSC extension runs on each session host to install the agent and register
/// the host with its pool. Pinned, as Microsoft's Azure/FederalAVD templates pin
/// it (`deployments/hostpools/hostpool.bicep`, `avdAgentsDSCPackage`, at commit
/// 73f37c08907c010426a541d6127a814e8e497090); the agent updates itself once
/// registered.
pub const AGENT_CONFIGURATION_URL: &str = "https://wvdportalstorageblob.blob.core.windows.net/galleryartifacts/Configuration_1.0.03211.1002.zip";
/// The DSC extension's handler version, with minor upgrades.
const DSC_HANDLER_VERSION: &str = "2.73";
/// How long a host pool's registration token lives after the deployment that
/// renews it starts: long enough for its session hosts to register in that
/// deployment, short enough not to leave a usable token lying about.
pub const REGISTRATION_TOKEN_VALIDITY: &str = "PT24H";
/// The custom RDP property that lets clients on devices not joined to Microsoft
/// Entra ID (web, macOS, iOS, Android) connect to Entra joined session hosts.
const ENTRA_JOINED_RDP_PROPERTY: &str = "targetisaadjoined:i:1";

/// The kinds of host pool.
pub const POOL_TYPES: &[&str] = &["pooled", "personal"];
/// How a pooled pool spreads new sessions over its hosts.
pub const LOAD_BALANCING: &[&str] = &["breadth_first", "depth_first"];
/// How a personal pool gives users their desktop.
pub const ASSIGNMENT: &[&str] = &["automatic", "direct"];
/// What session hosts join.
pub const JOIN: &[&str] = &["entra_id", "domain"];
/// The kinds of application group.
pub const APP_GROUP_TYPES: &[&str] = &["desktop", "remote_app"];
/// Days of a scaling schedule.
pub const DAYS: &[&str] = &["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
/// The times of a scaling schedule, in the order of the day: (attribute, ARM property).
pub const PHASES: &[(&str, &str)] =
    &[("ramp_up", "rampUpStartTime"), ("peak", "peakStartTime"), ("ramp_down", "rampDownStartTime"), ("off_peak", "offPeakStartTime")];

/// Attributes that belong to pooled pools only, and to personal pools only.
pub const POOLED_ONLY: &[&str] = &["load_balancing", "max_sessions"];
pub const PERSONAL_ONLY: &[&str] = &["assignment"];
/// Attributes of a domain join.
pub const DOMAIN_JOIN: &[&str] = &["domain", "ou", "join_user", "join_password"];

const DAY: Type = Type::Word(DAYS);
const STRING: Type = Type::String;

pub const DESKTOP_POOL: KindSchema = KindSchema {
    kind: "desktop_pool",
    doc: "An Azure Virtual Desktop host pool with its session hosts, application groups and scaling plan.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attrs::resource_group(true,
            None,
            "Resource group of the host pool, its application groups, scaling plan and session hosts; created when missing, in the region of the hosts' network.",
        ),
        attr("type", Type::Word(POOL_TYPES), true, None, "`pooled`: users share multi-session hosts; `personal`: each user has a host of their own."),
        attr(
            "load_balancing",
            Type::Word(LOAD_BALANCING),
            false,
            Some("breadth_first"),
            "Pooled only: `breadth_first` spreads new sessions over the hosts, `depth_first` fills one host before the next.",
        ),
        attr("max_sessions", Type::Integer { min: 1, max: 999_999 }, false, None, "Pooled only, and needed there: the most sessions a host takes."),
        attr(
            "assignment",
            Type::Word(ASSIGNMENT),
            false,
            Some("automatic"),
            "Personal only: `automatic` gives a user a free host at first sign-in; `direct` waits for an administrator to assign one.",
        ),
        attr("hosts", Type::Integer { min: 1, max: 100 }, true, None, "How many session hosts; they are named `{host_prefix}-1` to `{host_prefix}-N`."),
        attr(
            "host_prefix",
            Type::String,
            false,
            Some("the pool's name"),
            "The start of the session hosts' names; with `-N` and the `virtual_machine` pattern, at most 15 characters.",
        ),
        attrs::subnet("The subnet the session hosts join; the pool's objects deploy in its network's region."),
        attr(
            "image",
            Type::Ref(&["marketplace_image", "image"]),
            true,
            None,
            "The Windows image the hosts start from: a `marketplace_image` such as `win11_multisession`, or a gallery `image` of the plan.",
        ),
        attr("size", Type::Name, true, None, "The session hosts' VM size, such as `Standard_D8s_v5`."),
        attr("workspace", Type::Ref(&["desktop_workspace"]), true, None, "The `desktop_workspace` where users find the pool's application groups."),
        attr("join", Type::Word(JOIN), false, Some("entra_id"), "What the hosts join: `entra_id` (Microsoft Entra ID) or `domain` (Active Directory)."),
        attr("domain", Type::String, false, None, "Domain join: the domain's DNS name, such as `\"corp.contoso.com\"`."),
        attr("ou", Type::String, false, Some("the domain's default"), "Domain join: the organizational unit of the hosts' computer accounts."),
        attr("join_user", Type::String, false, None, "Domain join: the account that joins the hosts, such as `\"svc-join@corp.contoso.com\"`."),
        attr("join_password", Type::Secret, false, None, "Domain join: that account's password, `secret(VAULT, \"NAME\")`."),
        attr("admin_user", Type::String, false, Some("\"azureadmin\""), "The hosts' local administrator's name."),
        attr("admin", Type::Secret, true, None, "The hosts' local administrator's password: `secret(VAULT, \"NAME\")`."),
        attr("zones", Type::List(&compute::ZONE), false, Some("none"), "Availability zones, 1 to 3, the hosts are spread over in turn."),
        attr("trusted_launch", Type::Boolean, false, Some("false"), "Trusted launch: secure boot and a virtual TPM; needs a generation 2 image."),
        attr("encryption_at_host", Type::Boolean, false, Some("false"), "Encryption at host of every disk, the temporary disk and caches included."),
        attr("boot_diagnostics", Type::Boolean, false, Some("false"), "Boot diagnostics with a storage account managed by Azure."),
        attr("accelerated_networking", Type::Boolean, false, Some("false"), "Accelerated networking (SR-IOV) on the hosts' network interfaces."),
        attrs::tags("Tags of the pool's resources, merged over the plan's tags."),
        attr("depends_on", Type::List(&compute::ANY_REF), false, Some("none"), "Blocks to deploy before this one, beyond those it references."),
    ],
    children: &["app_group", "scaling", "os_disk"],
    unique: false,
};

pub const APP_GROUP: KindSchema = KindSchema {
    kind: "app_group",
    doc: "An application group of a desktop pool: its full desktop, or RemoteApp programs, and the users who may use it.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attr(
            "type",
            Type::Word(APP_GROUP_TYPES),
            false,
            Some("desktop"),
            "`desktop`: the hosts' full desktop; `remote_app`: the `application`s listed in it.",
        ),
        attr(
            "users",
            Type::List(&STRING),
            false,
            Some("none"),
            "Object IDs (GUIDs) of the Microsoft Entra users and groups who may use it, such as `\"3f2504e0-4f89-41d3-9a0c-0305e82c3301\"`.",
        ),
        attr("friendly_name", Type::String, false, Some("Azure's"), "The name users see in their client."),
    ],
    children: &["application"],
    unique: false,
};

pub const APPLICATION_KIND: KindSchema = KindSchema {
    kind: "application",
    doc: "A RemoteApp program of a `remote_app` application group.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attr("path", Type::String, true, None, "The program's path on the session hosts, such as `\"C:\\\\Windows\\\\System32\\\\notepad.exe\"`."),
        attr("arguments", Type::String, false, Some("none"), "Command-line arguments the program always starts with."),
        attr("friendly_name", Type::String, false, Some("the block's name"), "The name users see in their client."),
    ],
    children: &[],
    unique: false,
};

pub const SCALING: KindSchema = KindSchema {
    kind: "scaling",
    doc: "A scaling plan for a pooled desktop pool: when Azure starts and stops its session hosts.",
    naming: Naming::Unnamed,
    positional: &[],
    attributes: &[
        attr("ramp_up", Type::TimeOfDay, true, None, "When hosts start for the day's first users."),
        attr("peak", Type::TimeOfDay, true, None, "When the busy hours start."),
        attr("ramp_down", Type::TimeOfDay, true, None, "When users start to leave and hosts may stop."),
        attr("off_peak", Type::TimeOfDay, true, None, "When the quiet hours start."),
        attr("timezone", Type::String, true, None, "The Windows time zone of the times, such as `\"GMT Standard Time\"`."),
        attr(
            "days",
            Type::List(&DAY),
            false,
            Some("monday to friday"),
            "The days the schedule runs; on other days Azure leaves the hosts as they are.",
        ),
    ],
    children: &[],
    unique: false,
};

pub const DESKTOP_WORKSPACE: KindSchema = KindSchema {
    kind: "desktop_workspace",
    doc: "An Azure Virtual Desktop workspace: what users subscribe to, listing the application groups of the desktop pools that name it.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attrs::resource_group(true, None, "Resource group of the workspace; created when missing. The workspace deploys in the region of its pools."),
        attr("friendly_name", Type::String, false, Some("Azure's"), "The name users see in their client."),
        attr("description", Type::String, false, Some("none"), "What the workspace is for."),
        attrs::tags("Tags of the workspace, merged over the plan's tags."),
    ],
    children: &[],
    unique: false,
};

/// Whether a `desktop_pool` is pooled.
pub fn is_pooled(node: &Node) -> bool {
    node.str("type") == Some("pooled")
}

/// Whether a `desktop_pool`'s hosts join a domain rather than Microsoft Entra ID.
pub fn joins_domain(node: &Node) -> bool {
    node.str("join") == Some("domain")
}

/// The start of a pool's session host names: `host_prefix`, else the pool's name.
pub fn host_prefix(node: &Node) -> &str {
    node.str("host_prefix").unwrap_or(node.name())
}

/// The names of a pool's session hosts in the plan: `{host_prefix}-1` to
/// `{host_prefix}-N`, numbered even when there is one, so that hosts added
/// later follow on.
pub fn host_names(node: &Node) -> Vec<String> {
    let prefix = host_prefix(node);
    (1..=compute::count(node)).map(|i| format!("{prefix}-{i}")).collect()
}

/// A pool's nested blocks of one kind, in declaration order.
fn nested(model: &Model, parent: NodeId, kind: &str) -> Vec<NodeId> {
    model.node(parent).children.iter().copied().filter(|&c| model.node(c).is(kind)).collect()
}

/// A pool's application groups, in declaration order.
pub fn app_groups(model: &Model, pool: NodeId) -> Vec<NodeId> {
    nested(model, pool, "app_group")
}

/// An application group's programs, in declaration order.
pub fn applications(model: &Model, group: NodeId) -> Vec<NodeId> {
    nested(model, group, "application")
}

/// A pool's `scaling` block.
pub fn scaling_of(model: &Model, pool: NodeId) -> Option<NodeId> {
    nested(model, pool, "scaling").first().copied()
}

/// Whether an `app_group` publishes RemoteApp programs rather than the desktop.
pub fn is_remote_app(node: &Node) -> bool {
    node.str("type") == Some("remote_app")
}

/// The `users` of an `app_group`, as written.
pub fn users(node: &Node) -> Vec<Spanned<&str>> {
    node.list("users")
        .iter()
        .filter_map(|item| match &item.value {
            Typed::Str(s) => Some(Spanned { value: s.as_str(), span: item.span }),
            _ => None,
        })
        .collect()
}

/// Whether text is a GUID in its usual form: 8-4-4-4-12 hexadecimal digits.
pub fn is_guid(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 5 && parts.iter().zip([8, 4, 4, 4, 12]).all(|(part, len)| part.len() == len && part.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The `marketplace_image` an image comes from: itself, or for a gallery
/// `image` the root of its `source`s. `None` for a gallery image with no
/// source (made outside the plan), or a circle of sources.
pub fn image_root(model: &Model, image: NodeId) -> Option<NodeId> {
    let mut current = image;
    let mut seen: Vec<NodeId> = Vec::new();
    loop {
        let node = model.node(current);
        if node.is("marketplace_image") {
            return Some(current);
        }
        if !node.is("image") || seen.contains(&current) {
            return None;
        }
        seen.push(current);
        current = node.reference("source")?;
    }
}

/// Whether an image lets many users sign in at once, by the rule ashlar keeps:
/// the `marketplace_image` it comes from (see [`image_root`]) is Windows Server
/// (publisher `MicrosoftWindowsServer`: the AVD agent adds the Remote Desktop
/// Session Host role), or its offer or SKU names a multi-session edition (holds
/// `avd`, `evd`, `multi-session` or `multisession`, as `win11-24h2-avd` and
/// `20h2-evd` do). `None` when the root is unknown.
pub fn is_multi_session(model: &Model, image: NodeId) -> Option<bool> {
    let root = model.node(image_root(model, image)?);
    let lower = |attr: &str| root.str(attr).unwrap_or_default().to_ascii_lowercase();
    if lower("publisher") == "microsoftwindowsserver" {
        return Some(true);
    }
    let names = [lower("offer"), lower("sku")];
    Some(names.iter().any(|n| ["avd", "evd", "multi-session", "multisession"].iter().any(|mark| n.contains(mark))))
}

/// Whether an image is a Windows client (Windows 10 or 11, publisher
/// `MicrosoftWindowsDesktop`), whose machines declare the `Windows_Client` license.
pub fn is_windows_client(model: &Model, image: NodeId) -> bool {
    image_root(model, image).is_some_and(|root| model.node(root).str("publisher").is_some_and(|p| p.eq_ignore_ascii_case("MicrosoftWindowsDesktop")))
}

/// The pools that publish in a workspace, in declaration order.
pub fn pools_of_workspace(model: &Model, workspace: NodeId) -> Vec<NodeId> {
    model.of_kind("desktop_pool").filter(|(_, n)| n.reference("workspace") == Some(workspace)).map(|(id, _)| id).collect()
}

/// The region of a pool's objects: its session hosts' network's.
pub fn pool_region(model: &Model, pool: NodeId) -> Option<&str> {
    compute::network_of(model, pool).and_then(|n| model.location(n))
}

/// The region of a workspace: its first pool's.
pub fn workspace_region(model: &Model, workspace: NodeId) -> Option<&str> {
    pools_of_workspace(model, workspace).into_iter().find_map(|p| pool_region(model, p))
}

/// A time of a `scaling` block, in minutes after midnight, with its span.
pub fn time(node: &Node, attr: &str) -> Option<Spanned<u32>> {
    match node.get(attr) {
        Some(a) => match a.value {
            Typed::TimeOfDay(minutes) => Some(Spanned { value: minutes, span: a.span }),
            _ => None,
        },
        None => None,
    }
}

/// The `{ hour, minute }` of a time of day.
fn time_prop(minutes: u32) -> Prop {
    Prop::object([("hour", Prop::Int(i64::from(minutes / 60))), ("minute", Prop::Int(i64::from(minutes % 60)))])
}

/// `BreadthFirst` or `DepthFirst`.
fn algorithm(word: &str) -> &'static str {
    if word == "depth_first" {
        "DepthFirst"
    } else {
        "BreadthFirst"
    }
}

/// Inserts an entry into a resource's properties, which are always an object.
fn set_property(resource: &mut Resource, key: &'static str, value: Prop) {
    if let Prop::Object(entries) = &mut resource.properties {
        entries.insert(key.into(), value);
    }
}

/// A resource in a resource group of the plan.
fn resource(symbol: String, resource_type: &'static str, name: Vec<String>, group: &str, location: Option<String>, origin: NodeId) -> Resource {
    Resource::new(symbol, resource_type, name, group.to_string(), location, IndexMap::new(), origin)
}

/// A role assignment of a built-in role to a principal in `group`, optionally
/// scoped to a resource of the plan there. Its GUID name is seeded with the
/// group, the scope's name, the principal and the role.
fn role_assignment(
    symbol: String,
    group: &str,
    scope: Option<(ResourceId, &str)>,
    principal: &str,
    role: &str,
    description: String,
    origin: NodeId,
) -> Resource {
    let mut seed: Vec<String> = scope.map(|(_, name)| name.to_string()).into_iter().collect();
    seed.push(principal.to_string());
    seed.push(role.to_string());
    let mut assignment = resource(symbol, ROLE_ASSIGNMENT, seed, group, None, origin);
    if let Some((target, _)) = scope {
        assignment.top.insert("scope".into(), Prop::Scope(target));
        assignment.depends_on.push(target);
    }
    assignment.properties = Prop::object([
        ("roleDefinitionId", Prop::SubscriptionResourceId { resource_type: ROLE_DEFINITION, name: role.to_string() }),
        ("principalId", Prop::str(principal)),
        ("description", Prop::str(description)),
    ]);
    assignment
}

/// Each `desktop_pool`, then each `desktop_workspace`.
pub fn lower_desktops(lw: &mut Lowering) {
    let pools: Vec<NodeId> = lw.model.of_kind("desktop_pool").map(|(id, _)| id).collect();
    // Virtual Machine User Login once per resource group and principal.
    let mut logins: IndexSet<(String, String)> = IndexSet::new();
    for pool in pools {
        lower_pool(lw, pool, &mut logins);
    }
    let workspaces: Vec<NodeId> = lw.model.of_kind("desktop_workspace").map(|(id, _)| id).collect();
    for workspace in workspaces {
        lower_workspace(lw, workspace);
    }
}

fn lower_pool(lw: &mut Lowering, pool: NodeId, logins: &mut IndexSet<(String, String)>) {
    let Some(place) = Place::of(lw, pool) else { return };
    let model = lw.model;
    let node = model.node(pool);
    let symbol = node.name().to_string();
    let pooled = is_pooled(node);
    let entra = !joins_domain(node);
    let groups = app_groups(model, pool);

    // The host pool.
    let host_pool_name = lw.names.host_pool(pool);
    let mut host_pool = place.resource(format!("hp_{symbol}"), HOST_POOL, host_pool_name.clone());
    let mut properties = Object::new();
    properties.insert("hostPoolType".into(), Prop::str(if pooled { "Pooled" } else { "Personal" }));
    let balancing = if pooled { algorithm(node.str("load_balancing").unwrap_or("breadth_first")) } else { "Persistent" };
    properties.insert("loadBalancerType".into(), Prop::str(balancing));
    // Users assigned to both kinds of group of one pool see only the preferred kind.
    let has_desktop = groups.iter().any(|&g| !is_remote_app(model.node(g)));
    let preferred = if has_desktop || groups.is_empty() { "Desktop" } else { "RailApplications" };
    properties.insert("preferredAppGroupType".into(), Prop::str(preferred));
    if pooled {
        if let Some(max) = compute::int(node, "max_sessions") {
            properties.insert("maxSessionLimit".into(), Prop::Int(max));
        }
    } else {
        let assignment = if node.str("assignment") == Some("direct") { "Direct" } else { "Automatic" };
        properties.insert("personalDesktopAssignmentType".into(), Prop::str(assignment));
    }
    if entra {
        properties.insert("customRdpProperty".into(), Prop::str(ENTRA_JOINED_RDP_PROPERTY));
    }
    properties.insert(
        "registrationInfo".into(),
        Prop::object([
            ("expirationTime", Prop::DeploymentTimePlus(REGISTRATION_TOKEN_VALIDITY)),
            ("registrationTokenOperation", Prop::str("Update")),
        ]),
    );
    host_pool.properties = Prop::Object(properties);
    let host_pool = lw.push(host_pool);
    lw.primary.insert(pool, host_pool);

    // Application groups, their programs and their users.
    let mut pool_users: Vec<String> = Vec::new();
    for &group in &groups {
        let group_node = model.node(group);
        let group_name = lw.names.application_group(group);
        let group_symbol = format!("ag_{symbol}_{}", group_node.name());
        let mut app_group = place.resource(group_symbol.clone(), APPLICATION_GROUP, group_name.clone());
        let mut properties = Object::new();
        properties.insert("applicationGroupType".into(), Prop::str(if is_remote_app(group_node) { "RemoteApp" } else { "Desktop" }));
        properties.insert("hostPoolArmPath".into(), Prop::Id(host_pool));
        if let Some(friendly) = group_node.str("friendly_name") {
            properties.insert("friendlyName".into(), Prop::str(friendly));
        }
        app_group.properties = Prop::Object(properties);
        app_group.depends_on = vec![host_pool];
        let app_group = lw.push(app_group);
        lw.primary.insert(group, app_group);

        for application in applications(model, group) {
            let app_node = model.node(application);
            let path = app_node.str("path").unwrap_or_default();
            let mut properties = Object::new();
            properties.insert("friendlyName".into(), Prop::str(app_node.str("friendly_name").unwrap_or(app_node.name())));
            properties.insert("filePath".into(), Prop::str(path));
            match app_node.str("arguments") {
                Some(arguments) => {
                    properties.insert("commandLineSetting".into(), Prop::str("Require"));
                    properties.insert("commandLineArguments".into(), Prop::str(arguments));
                }
                None => {
                    properties.insert("commandLineSetting".into(), Prop::str("DoNotAllow"));
                }
            }
            properties.insert("iconPath".into(), Prop::str(path));
            properties.insert("iconIndex".into(), Prop::Int(0));
            properties.insert("showInPortal".into(), Prop::Bool(true));
            let mut app = resource(
                format!("app_{symbol}_{}", app_node.name()),
                APPLICATION,
                vec![group_name.clone(), app_node.name().to_string()],
                &place.resource_group,
                None,
                application,
            );
            app.parent = Some(app_group);
            app.properties = Prop::Object(properties);
            app.depends_on = vec![app_group];
            let app = lw.push(app);
            lw.primary.insert(application, app);
        }

        let mut seen: Vec<&str> = Vec::new();
        for user in users(group_node) {
            // A principal listed twice, in any case, is one assignment.
            if seen.iter().any(|s| s.eq_ignore_ascii_case(user.value)) {
                continue;
            }
            seen.push(user.value);
            let description = format!("Uses application group {} of desktop pool {symbol}", group_node.name());
            let assignment = role_assignment(
                format!("role_{symbol}_{}_user", group_node.name()),
                &place.resource_group,
                Some((app_group, &group_name)),
                user.value,
                DESKTOP_USER_ROLE,
                description,
                group,
            );
            lw.push(assignment);
            if !pool_users.iter().any(|u| u.eq_ignore_ascii_case(user.value)) {
                pool_users.push(user.value.to_string());
            }
        }
    }

    // The scaling plan of a pooled pool.
    if let Some(scaling) = scaling_of(model, pool).filter(|_| pooled) {
        let scaling_node = model.node(scaling);
        let mut schedule = Object::new();
        schedule.insert("name".into(), Prop::str("schedule"));
        let days: Vec<Prop> = match scaling_node.get("days") {
            Some(_) => scaling_node
                .list("days")
                .iter()
                .filter_map(|d| match &d.value {
                    Typed::Word(day) => Some(capitalised(day)),
                    _ => None,
                })
                .collect(),
            None => DAYS[..5].iter().map(|d| capitalised(d)).collect(),
        };
        schedule.insert("daysOfWeek".into(), Prop::Array(days));
        let peak = algorithm(node.str("load_balancing").unwrap_or("breadth_first"));
        for (attr, property) in PHASES {
            if let Some(at) = time(scaling_node, attr) {
                schedule.insert((*property).into(), time_prop(at.value));
            }
        }
        // Fixed values (docs/language.md, `scaling`): start a fifth of the hosts,
        // add hosts at 60% use; at the end of the day keep a tenth on, and stop a
        // host once its last session ends, signing no one out by force (Azure
        // uses the wait and the message only with a forced sign-out).
        schedule.insert("rampUpLoadBalancingAlgorithm".into(), Prop::str("BreadthFirst"));
        schedule.insert("rampUpMinimumHostsPct".into(), Prop::Int(20));
        schedule.insert("rampUpCapacityThresholdPct".into(), Prop::Int(60));
        schedule.insert("peakLoadBalancingAlgorithm".into(), Prop::str(peak));
        schedule.insert("rampDownLoadBalancingAlgorithm".into(), Prop::str("DepthFirst"));
        schedule.insert("rampDownMinimumHostsPct".into(), Prop::Int(10));
        schedule.insert("rampDownCapacityThresholdPct".into(), Prop::Int(90));
        schedule.insert("rampDownForceLogoffUsers".into(), Prop::Bool(false));
        schedule.insert("rampDownStopHostsWhen".into(), Prop::str("ZeroSessions"));
        schedule.insert("rampDownWaitTimeMinutes".into(), Prop::Int(30));
        schedule.insert(
            "rampDownNotificationMessage".into(),
            Prop::str("You will be signed out in 30 minutes. Save your work and sign out; sign in again to continue."),
        );
        schedule.insert("offPeakLoadBalancingAlgorithm".into(), Prop::str("DepthFirst"));
        let mut plan = place.resource(format!("sp_{symbol}"), SCALING_PLAN, lw.names.scaling_plan(pool));
        plan.properties = Prop::object([
            ("timeZone", Prop::str(scaling_node.str("timezone").unwrap_or_default())),
            ("hostPoolType", Prop::str("Pooled")),
            ("schedules", Prop::Array(vec![Prop::Object(schedule)])),
            (
                "hostPoolReferences",
                Prop::Array(vec![Prop::object([("hostPoolArmPath", Prop::Id(host_pool)), ("scalingPlanEnabled", Prop::Bool(true))])]),
            ),
        ]);
        plan.depends_on = vec![host_pool];
        lw.push(plan);
    }

    // The session hosts.
    let client_license = node.reference("image").is_some_and(|image| is_windows_client(model, image));
    for (index, machine) in host_names(node).iter().enumerate() {
        let spec = Machine { index, name: machine, ip: None, backend_pool: None, availability_set: None, placement_group: None };
        let vm = lower_machine(lw, &place, &spec);
        // AADLoginForWindows signs in with the machine's own identity.
        if entra {
            lw.plan[vm].top.insert("identity".into(), Prop::object([("type", Prop::str("SystemAssigned"))]));
        }
        if client_license {
            set_property(&mut lw.plan[vm], "licenseType", Prop::str("Windows_Client"));
        }
        let machine_symbol = machine.replace('-', "_");
        let join = if entra {
            Prop::object([
                ("publisher", Prop::str("Microsoft.Azure.ActiveDirectory")),
                ("type", Prop::str("AADLoginForWindows")),
                ("typeHandlerVersion", Prop::str("1.0")),
                ("autoUpgradeMinorVersion", Prop::Bool(true)),
                ("settings", Prop::Object(Object::new())),
            ])
        } else {
            let mut settings = Object::new();
            settings.insert("name".into(), Prop::str(node.str("domain").unwrap_or_default()));
            if let Some(ou) = node.str("ou") {
                settings.insert("ouPath".into(), Prop::str(ou));
            }
            settings.insert("user".into(), Prop::str(node.str("join_user").unwrap_or_default()));
            settings.insert("restart".into(), Prop::str("true"));
            // NETSETUP_JOIN_DOMAIN | NETSETUP_ACCT_CREATE: join, creating the computer account.
            settings.insert("options".into(), Prop::str("3"));
            let password = node.get("join_password").map(|a| lw.prop(&a.value)).unwrap_or(Prop::str(""));
            Prop::object([
                ("publisher", Prop::str("Microsoft.Compute")),
                ("type", Prop::str("JsonADDomainExtension")),
                ("typeHandlerVersion", Prop::str("1.3")),
                ("autoUpgradeMinorVersion", Prop::Bool(true)),
                ("settings", Prop::Object(settings)),
                ("protectedSettings", Prop::object([("password", password)])),
            ])
        };
        let join_name = if entra { "AADLoginForWindows" } else { "JsonADDomainExtension" };
        let join = vm_extension(lw, &place, vm, format!("ext_{machine_symbol}_join"), join_name, join);
        let join = lw.push(join);

        // The agent registers the host once it has joined; one extension at a time on a machine.
        let agent = Prop::object([
            ("publisher", Prop::str("Microsoft.Powershell")),
            ("type", Prop::str("DSC")),
            ("typeHandlerVersion", Prop::str(DSC_HANDLER_VERSION)),
            ("autoUpgradeMinorVersion", Prop::Bool(true)),
            (
                "settings",
                Prop::object([
                    ("modulesUrl", Prop::str(AGENT_CONFIGURATION_URL)),
                    ("configurationFunction", Prop::str("Configuration.ps1\\AddSessionHost")),
                    (
                        "properties",
                        Prop::object([
                            ("hostPoolName", Prop::str(host_pool_name.clone())),
                            // The token stays in protected settings: the DSC extension hands it to
                            // the configuration as this credential's password.
                            (
                                "registrationInfoTokenCredential",
                                Prop::object([
                                    ("UserName", Prop::str("PLACEHOLDER_DO_NOT_USE")),
                                    ("Password", Prop::str("PrivateSettingsRef:RegistrationInfoToken")),
                                ]),
                            ),
                            ("aadJoin", Prop::Bool(entra)),
                        ]),
                    ),
                ]),
            ),
            ("protectedSettings", Prop::object([("Items", Prop::object([("RegistrationInfoToken", Prop::RegistrationToken(host_pool))]))])),
        ]);
        let mut agent = vm_extension(lw, &place, vm, format!("ext_{machine_symbol}_avd"), "Microsoft.PowerShell.DSC", agent);
        agent.depends_on.extend([join, host_pool]);
        lw.push(agent);
    }

    // Users of Entra joined hosts sign in to them with Virtual Machine User Login.
    if entra {
        for user in pool_users {
            if !logins.insert((place.resource_group.to_ascii_lowercase(), user.to_ascii_lowercase())) {
                continue;
            }
            let description = format!("Signs in to the session hosts of desktop pool {symbol}");
            lw.push(role_assignment(format!("role_{symbol}_login"), &place.resource_group, None, &user, VM_USER_LOGIN_ROLE, description, pool));
        }
    }
}

/// `Monday` for `monday`.
fn capitalised(day: &str) -> Prop {
    let mut chars = day.chars();
    Prop::str(chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default())
}

/// A workspace that some pool names (one no pool names lists nothing, and has no
/// region to go to: `unused-desktop-workspace` warns of it).
fn lower_workspace(lw: &mut Lowering, workspace: NodeId) {
    let model = lw.model;
    let node = model.node(workspace);
    if pools_of_workspace(model, workspace).is_empty() {
        return;
    }
    let region = workspace_region(model, workspace).map(str::to_string);
    let group = lw.resource_group_in(node.str(attrs::RESOURCE_GROUP).unwrap_or_default(), region.clone().unwrap_or_default(), model.tags(workspace));
    // The pools by name, not in declaration order: pools are often written in
    // files of their own (an imported plan writes one per resource group), and
    // the list must not change with the files.
    let mut pools = pools_of_workspace(model, workspace);
    pools.sort_by_key(|&pool| (model.node(pool).name(), pool));
    let app_groups: Vec<ResourceId> =
        pools.into_iter().flat_map(|pool| app_groups(model, pool)).filter_map(|group| lw.primary.get(&group).copied()).collect();
    let mut properties = Object::new();
    if let Some(friendly) = node.str("friendly_name") {
        properties.insert("friendlyName".into(), Prop::str(friendly));
    }
    if let Some(description) = node.str("description") {
        properties.insert("description".into(), Prop::str(description));
    }
    properties.insert("applicationGroupReferences".into(), Prop::Array(app_groups.iter().map(|&g| Prop::Id(g)).collect()));
    let mut resource = resource(format!("ws_{}", node.name()), WORKSPACE, vec![lw.names.desktop_workspace(workspace)], &group, region, workspace);
    resource.tags = model.tags(workspace);
    resource.properties = Prop::Object(properties);
    resource.depends_on = app_groups;
    let resource = lw.push(resource);
    lw.primary.insert(workspace, resource);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day_are_literals_of_their_own() {
        use super::test_support::{plan, pooled};
        let helps = |ramp_up: &str| -> Vec<(&'static str, String)> {
            let scaling = format!("scaling {{ ramp_up = {ramp_up}  peak = 09:00  ramp_down = 18:00  off_peak = 20:00  timezone = \"UTC\" }}");
            crate::analyze_text(&plan(&pooled("finance", &scaling)), std::path::Path::new("."))
                .diagnostics
                .into_iter()
                .map(|d| (d.code.code, d.help.unwrap_or_default()))
                .collect()
        };
        assert!(helps("7:30").is_empty());
        assert_eq!(helps("\"07:30\""), [("ASH104", "remove the quotes: `07:30`".to_string())]);
        assert_eq!(helps("7"), [("ASH104", "write hours and minutes: `07:00`".to_string())]);
        assert_eq!(helps("seven"), [("ASH104", "write HH:MM without quotes, from 00:00 to 23:59, such as `07:30`".to_string())]);
        assert_eq!(helps("24:00")[0].0, "ASH004");
    }

    #[test]
    fn guids_are_five_groups_of_hexadecimal_digits() {
        assert!(is_guid("3f2504e0-4f89-41d3-9a0c-0305e82c3301"));
        assert!(is_guid("3F2504E0-4F89-41D3-9A0C-0305E82C3301"));
        assert!(!is_guid("finance-users"));
        assert!(!is_guid("3f2504e0-4f89-41d3-9a0c-0305e82c330"));
        assert!(!is_guid("{3f2504e0-4f89-41d3-9a0c-0305e82c3301}"));
        assert!(!is_guid("3f2504e04f8941d39a0c0305e82c3301"));
        assert!(!is_guid("3f2504e0-4f89-41d3-9a0c-0305e82c33g1"));
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    /// Object IDs of users and groups, for `users` in tests.
    pub const USER: &str = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    pub const OTHER_USER: &str = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

    /// A plan with a network `net` (subnets `hosts` 10.0.0.0/26 and `small`
    /// 10.0.0.64/29, which reach the Internet through a NAT gateway) in
    /// uksouth, a key vault `kv`, a workspace `staff`, and `blocks`.
    pub fn plan(blocks: &str) -> String {
        format!(
            "settings {{ location = uksouth }}\nkey_vault kv {{ resource_group = \"rg-kv\" }}\nnat_gateway out {{ resource_group = \"rg-net\" }}\nvnet net {{\n resource_group = \"rg-net\"\n address_space = [10.0.0.0/24]\n subnet hosts 10.0.0.0/26 {{ nat_gateway = out }}\n subnet small 10.0.0.64/29 {{ nat_gateway = out }}\n}}\ndesktop_workspace staff {{ resource_group = \"rg-ws\" }}\n{blocks}"
        )
    }

    /// A pooled pool in `net.hosts`: 2 hosts of `win11_multisession`, at most
    /// 10 sessions each, joined to Entra ID, with a desktop group for [`USER`],
    /// and `extra` in its body.
    pub fn pooled(name: &str, extra: &str) -> String {
        format!(
            "desktop_pool {name} {{\n resource_group = \"rg-{name}\"\n type = pooled\n max_sessions = 10\n hosts = 2\n size = Standard_D4s_v5\n image = win11_multisession\n subnet = net.hosts\n admin = secret(kv, \"pw\")\n workspace = staff\n app_group desktop {{ users = [\"{USER}\"] }}\n {extra}\n}}\n"
        )
    }

    /// A personal pool in `net.hosts`: 2 hosts of `win11_multisession`, joined
    /// to Entra ID, with a desktop group for [`USER`], and `extra` in its body.
    pub fn personal(name: &str, extra: &str) -> String {
        format!(
            "desktop_pool {name} {{\n resource_group = \"rg-{name}\"\n type = personal\n hosts = 2\n size = Standard_D4s_v5\n image = win11_multisession\n subnet = net.hosts\n admin = secret(kv, \"pw\")\n workspace = staff\n app_group desktop {{ users = [\"{USER}\"] }}\n {extra}\n}}\n"
        )
    }
}

#[cfg(test)]
mod lowering_tests {
    use super::test_support::{personal, plan, pooled, OTHER_USER, USER};
    use crate::lower::ir::{AzurePlan, Prop, Resource, ResourceId};

    fn lower(text: &str) -> AzurePlan {
        let analysis = crate::analyze_text(text, std::path::Path::new("."));
        assert!(analysis.diagnostics.is_empty(), "{:#?}", analysis.diagnostics);
        analysis.azure.expect("the plan lowers")
    }

    fn find<'a>(plan: &'a AzurePlan, resource_type: &str, name: &[&str]) -> (ResourceId, &'a Resource) {
        plan.resources_with_ids()
            .find(|(_, r)| r.resource_type == resource_type && r.name == name)
            .unwrap_or_else(|| panic!("no {resource_type} {name:?}"))
    }

    fn of_type<'a>(plan: &'a AzurePlan, resource_type: &str) -> Vec<(ResourceId, &'a Resource)> {
        plan.resources_with_ids().filter(|(_, r)| r.resource_type == resource_type).collect()
    }

    fn get<'a>(prop: &'a Prop, path: &[&str]) -> &'a Prop {
        path.iter().fold(prop, |p, key| match p {
            Prop::Object(entries) => entries.get(key).unwrap_or_else(|| panic!("no `{key}` in {p:?}")),
            Prop::Array(items) => &items[key.parse::<usize>().expect("an index")],
            other => panic!("{other:?} has no `{key}`"),
        })
    }

    const APPS: &str = "app_group apps {\n  type = remote_app\n  friendly_name = \"Apps\"\n  users = [\"7c9e6679-7425-40de-944b-e07fc1f90ae7\"]\n  application calc { path = \"C:\\\\Windows\\\\System32\\\\calc.exe\"  arguments = \"/x\" }\n }\n scaling {\n  ramp_up = 07:00\n  peak = 09:30\n  ramp_down = 18:00\n  off_peak = 20:00\n  timezone = \"GMT Standard Time\"\n  days = [saturday]\n }";

    #[test]
    fn session_hosts_join_a_subnet_of_an_existing_network_by_its_id() {
        let pool = pooled("finance", "").replace("subnet = net.hosts", "subnet = shared.hosts");
        let shared = "existing vnet shared {\n resource_group = \"rg-platform\"\n location = uksouth\n subnet hosts 10.9.0.0/24 { name = \"snet-hosts\" }\n}\n";
        let plan = lower(&plan(&format!("{shared}{pool}")));
        let nics = of_type(&plan, "Microsoft.Network/networkInterfaces");
        assert_eq!(nics.len(), 2);
        for (_, nic) in nics {
            let subnet = get(&nic.properties, &["ipConfigurations", "0", "properties", "subnet", "id"]);
            let Prop::External(external) = subnet else { panic!("{subnet:?}") };
            assert_eq!(
                (external.resource_group.as_str(), external.resource_type, external.name.as_str()),
                ("rg-platform", "Microsoft.Network/virtualNetworks/subnets", "shared/snet-hosts")
            );
            assert!(nic.depends_on.is_empty(), "{:?}", nic.depends_on);
        }
    }

    #[test]
    fn a_pooled_pool_is_a_host_pool_with_groups_users_and_a_scaling_plan() {
        let plan = lower(&plan(&pooled("finance", &format!("load_balancing = depth_first\n {APPS}"))));
        let (pool, pool_resource) = find(&plan, super::HOST_POOL, &["finance"]);
        assert_eq!(pool_resource.resource_group, "rg-finance");
        assert_eq!(pool_resource.location.as_deref(), Some("uksouth"));
        let p = &pool_resource.properties;
        assert_eq!(get(p, &["hostPoolType"]), &Prop::str("Pooled"));
        assert_eq!(get(p, &["loadBalancerType"]), &Prop::str("DepthFirst"));
        assert_eq!(get(p, &["preferredAppGroupType"]), &Prop::str("Desktop"));
        assert_eq!(get(p, &["maxSessionLimit"]), &Prop::Int(10));
        assert_eq!(get(p, &["customRdpProperty"]), &Prop::str("targetisaadjoined:i:1"));
        assert_eq!(get(p, &["registrationInfo", "expirationTime"]), &Prop::DeploymentTimePlus("PT24H"));
        assert_eq!(get(p, &["registrationInfo", "registrationTokenOperation"]), &Prop::str("Update"));

        let (desktop, desktop_resource) = find(&plan, super::APPLICATION_GROUP, &["finance-desktop"]);
        assert_eq!(get(&desktop_resource.properties, &["applicationGroupType"]), &Prop::str("Desktop"));
        assert_eq!(get(&desktop_resource.properties, &["hostPoolArmPath"]), &Prop::Id(pool));
        assert_eq!(desktop_resource.depends_on, [pool]);
        let (apps, apps_resource) = find(&plan, super::APPLICATION_GROUP, &["finance-apps"]);
        assert_eq!(get(&apps_resource.properties, &["applicationGroupType"]), &Prop::str("RemoteApp"));
        assert_eq!(get(&apps_resource.properties, &["friendlyName"]), &Prop::str("Apps"));
        let (_, calc) = find(&plan, super::APPLICATION, &["finance-apps", "calc"]);
        assert_eq!(calc.parent, Some(apps));
        assert_eq!(calc.location, None);
        assert_eq!(get(&calc.properties, &["filePath"]), &Prop::str("C:\\Windows\\System32\\calc.exe"));
        assert_eq!(get(&calc.properties, &["commandLineSetting"]), &Prop::str("Require"));
        assert_eq!(get(&calc.properties, &["commandLineArguments"]), &Prop::str("/x"));

        // Desktop Virtualization User on each group, for its users; Virtual Machine
        // User Login on the hosts' group, for all the pool's users.
        let roles = of_type(&plan, "Microsoft.Authorization/roleAssignments");
        let scoped: Vec<(&Prop, &Prop)> =
            roles.iter().filter_map(|(_, r)| r.top.get("scope").map(|s| (s, get(&r.properties, &["principalId"])))).collect();
        assert_eq!(scoped, [(&Prop::Scope(desktop), &Prop::str(USER)), (&Prop::Scope(apps), &Prop::str(OTHER_USER))]);
        let logins: Vec<&Prop> =
            roles.iter().filter(|(_, r)| !r.top.contains_key("scope")).map(|(_, r)| get(&r.properties, &["principalId"])).collect();
        assert_eq!(logins, [&Prop::str(USER), &Prop::str(OTHER_USER)]);
        let (_, first) = roles[0];
        assert_eq!(first.name, ["finance-desktop", USER, super::DESKTOP_USER_ROLE]);
        assert_eq!(first.depends_on, [desktop]);
        assert_eq!(
            get(&first.properties, &["roleDefinitionId"]),
            &Prop::SubscriptionResourceId { resource_type: "Microsoft.Authorization/roleDefinitions", name: super::DESKTOP_USER_ROLE.into() }
        );

        let (_, scaling) = find(&plan, super::SCALING_PLAN, &["finance"]);
        assert_eq!(scaling.depends_on, [pool]);
        assert_eq!(get(&scaling.properties, &["timeZone"]), &Prop::str("GMT Standard Time"));
        assert_eq!(get(&scaling.properties, &["hostPoolReferences", "0", "hostPoolArmPath"]), &Prop::Id(pool));
        let schedule = get(&scaling.properties, &["schedules", "0"]);
        assert_eq!(get(schedule, &["daysOfWeek"]), &Prop::Array(vec![Prop::str("Saturday")]));
        assert_eq!(get(schedule, &["peakStartTime"]), &Prop::object([("hour", Prop::Int(9)), ("minute", Prop::Int(30))]));
        assert_eq!(get(schedule, &["peakLoadBalancingAlgorithm"]), &Prop::str("DepthFirst"));

        let (_, workspace) = find(&plan, super::WORKSPACE, &["staff"]);
        assert_eq!(workspace.resource_group, "rg-ws");
        assert_eq!(get(&workspace.properties, &["applicationGroupReferences"]), &Prop::Array(vec![Prop::Id(desktop), Prop::Id(apps)]));
        assert_eq!(workspace.depends_on, [desktop, apps]);
    }

    #[test]
    fn session_hosts_join_entra_id_then_register_with_the_token() {
        let plan = lower(&plan(&pooled("finance", "zones = [1, 2]")));
        let (pool, _) = find(&plan, super::HOST_POOL, &["finance"]);
        let (vm, machine) = find(&plan, "Microsoft.Compute/virtualMachines", &["finance-2"]);
        assert_eq!(machine.top["identity"], Prop::object([("type", Prop::str("SystemAssigned"))]));
        assert_eq!(machine.top["zones"], Prop::Array(vec![Prop::str("2")]));
        assert_eq!(get(&machine.properties, &["licenseType"]), &Prop::str("Windows_Client"));
        assert_eq!(get(&machine.properties, &["osProfile", "computerName"]), &Prop::str("finance-2"));
        assert!(matches!(get(&machine.properties, &["osProfile", "adminPassword"]), Prop::Secret(s) if s.secret == "pw"));
        assert_eq!(get(&machine.properties, &["storageProfile", "imageReference", "sku"]), &Prop::str("win11-24h2-avd"));
        let (join, join_resource) = find(&plan, "Microsoft.Compute/virtualMachines/extensions", &["finance-2", "AADLoginForWindows"]);
        assert_eq!(join_resource.depends_on, [vm]);
        assert_eq!(get(&join_resource.properties, &["publisher"]), &Prop::str("Microsoft.Azure.ActiveDirectory"));
        let (_, agent) = find(&plan, "Microsoft.Compute/virtualMachines/extensions", &["finance-2", "Microsoft.PowerShell.DSC"]);
        assert_eq!(agent.depends_on, [vm, join, pool]);
        assert_eq!(get(&agent.properties, &["settings", "modulesUrl"]), &Prop::str(super::AGENT_CONFIGURATION_URL));
        assert_eq!(get(&agent.properties, &["settings", "properties", "hostPoolName"]), &Prop::str("finance"));
        assert_eq!(get(&agent.properties, &["settings", "properties", "aadJoin"]), &Prop::Bool(true));
        assert_eq!(
            get(&agent.properties, &["settings", "properties", "registrationInfoTokenCredential", "Password"]),
            &Prop::str("PrivateSettingsRef:RegistrationInfoToken")
        );
        // The token is in protected settings only.
        assert_eq!(get(&agent.properties, &["protectedSettings", "Items", "RegistrationInfoToken"]), &Prop::RegistrationToken(pool));
        let (_, nic) = find(&plan, "Microsoft.Network/networkInterfaces", &["finance-1-nic"]);
        assert_eq!(nic.resource_group, "rg-finance");
    }

    #[test]
    fn a_personal_pool_joins_a_domain_and_assigns_desktops() {
        let domain = "assignment = direct\n join = domain\n domain = \"corp.contoso.com\"\n join_user = \"svc@corp.contoso.com\"\n join_password = secret(kv, \"join\")\n host_prefix = \"dev\"";
        let plan = lower(&plan(&personal("devs", domain).replace("win11_multisession", "windows_2022")));
        let (_, pool) = find(&plan, super::HOST_POOL, &["devs"]);
        assert_eq!(get(&pool.properties, &["loadBalancerType"]), &Prop::str("Persistent"));
        assert_eq!(get(&pool.properties, &["personalDesktopAssignmentType"]), &Prop::str("Direct"));
        let Prop::Object(properties) = &pool.properties else { panic!() };
        assert!(!properties.contains_key("maxSessionLimit") && !properties.contains_key("customRdpProperty"));
        assert!(of_type(&plan, super::SCALING_PLAN).is_empty());
        let (_, machine) = find(&plan, "Microsoft.Compute/virtualMachines", &["dev-1"]);
        // Domain joined: no identity; Windows Server: no client license.
        assert!(!machine.top.contains_key("identity"));
        let Prop::Object(vm_properties) = &machine.properties else { panic!() };
        assert!(!vm_properties.contains_key("licenseType"));
        let (_, join) = find(&plan, "Microsoft.Compute/virtualMachines/extensions", &["dev-1", "JsonADDomainExtension"]);
        assert_eq!(get(&join.properties, &["settings", "name"]), &Prop::str("corp.contoso.com"));
        assert_eq!(get(&join.properties, &["settings", "user"]), &Prop::str("svc@corp.contoso.com"));
        assert!(matches!(get(&join.properties, &["protectedSettings", "password"]), Prop::Secret(s) if s.secret == "join"));
        let (_, agent) = find(&plan, "Microsoft.Compute/virtualMachines/extensions", &["dev-2", "Microsoft.PowerShell.DSC"]);
        assert_eq!(get(&agent.properties, &["settings", "properties", "aadJoin"]), &Prop::Bool(false));
        // Domain joined hosts take no Virtual Machine User Login.
        let roles = of_type(&plan, "Microsoft.Authorization/roleAssignments");
        assert_eq!(roles.len(), 1);
        assert!(roles[0].1.top.contains_key("scope"));
    }

    #[test]
    fn users_and_sign_ins_are_assigned_once() {
        // Two pools in one group, one user listed twice: one sign-in role for the
        // group, one user role a group.
        let twice = format!("app_group desktop {{ users = [\"{USER}\", \"{}\"] }}", USER.to_uppercase());
        let first = pooled("alpha", "").replace(&format!("app_group desktop {{ users = [\"{USER}\"] }}"), &twice);
        let second = pooled("beta", "").replace("rg-beta", "rg-alpha");
        let plan = lower(&plan(&format!("{first}{second}")));
        let roles = of_type(&plan, "Microsoft.Authorization/roleAssignments");
        let scoped = roles.iter().filter(|(_, r)| r.top.contains_key("scope")).count();
        let logins = roles.iter().filter(|(_, r)| !r.top.contains_key("scope")).count();
        assert_eq!((scoped, logins), (2, 1));
    }

    #[test]
    fn remote_apps_only_are_preferred_and_caf_names_the_objects() {
        let only_apps = pooled("finance", "").replace(
            &format!("app_group desktop {{ users = [\"{USER}\"] }}"),
            "app_group apps {\n  type = remote_app\n  application calc { path = \"calc.exe\" }\n }",
        );
        let scaling = "scaling { ramp_up = 07:00  peak = 09:00  ramp_down = 17:00  off_peak = 19:00  timezone = \"UTC\" }";
        let plan = lower(&format!("use std.naming.caf\n{}", plan(&only_apps.replace("\n}\n", &format!("\n {scaling}\n}}\n")))));
        let (_, pool) = find(&plan, super::HOST_POOL, &["vdpool-finance"]);
        assert_eq!(get(&pool.properties, &["preferredAppGroupType"]), &Prop::str("RailApplications"));
        find(&plan, super::APPLICATION_GROUP, &["vdag-finance-apps"]);
        find(&plan, super::SCALING_PLAN, &["vdscaling-finance"]);
        find(&plan, super::WORKSPACE, &["vdws-staff"]);
        find(&plan, "Microsoft.Compute/virtualMachines", &["vm-finance-1"]);
    }

    #[test]
    fn golden_images_from_the_multi_session_marketplace_image_are_client_licensed() {
        let gallery = "gallery g { resource_group = \"rg-img\" }\nimage golden {\n gallery = g\n os = windows\n source = win11_multisession_m365\n version = 1.0.0\n build { powershell = [\"echo\"] }\n}\n";
        let plan = lower(&plan(&format!("{gallery}{}", pooled("finance", "").replace("win11_multisession", "golden"))));
        let (definition, _) = find(&plan, "Microsoft.Compute/galleries/images", &["g", "golden"]);
        let (_, machine) = find(&plan, "Microsoft.Compute/virtualMachines", &["finance-1"]);
        assert_eq!(get(&machine.properties, &["licenseType"]), &Prop::str("Windows_Client"));
        assert_eq!(
            get(&machine.properties, &["storageProfile", "imageReference", "id"]),
            &Prop::ChildId { resource: definition, child: "versions", name: "1.0.0".into() }
        );
        assert!(machine.depends_on.contains(&definition));
    }
}
