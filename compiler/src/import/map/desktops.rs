//! Azure Virtual Desktop: host pools, their application groups (with their
//! applications and users' role assignments), scaling plans and session hosts
//! become `desktop_pool` blocks; workspaces `desktop_workspace` blocks. A
//! session host is a machine whose DSC extension registers it with a pool
//! (`hostPoolName`); its Entra ID login or domain join extension gives the
//! pool's `join`.

use super::machines::{std_images, vault_of, PLACEHOLDER_VAULT};
use super::{id_name, ident, string_literal, write_common, write_names, Common, Context, Mapper, Node, Resource};
use std::collections::HashMap;

const HOST_POOL: &str = "Microsoft.DesktopVirtualization/hostPools";
const APP_GROUP: &str = "Microsoft.DesktopVirtualization/applicationGroups";
const APPLICATION: &str = "Microsoft.DesktopVirtualization/applicationGroups/applications";
const WORKSPACE: &str = "Microsoft.DesktopVirtualization/workspaces";
const SCALING_PLAN: &str = "Microsoft.DesktopVirtualization/scalingPlans";
const ROLE_ASSIGNMENT: &str = "Microsoft.Authorization/roleAssignments";
const MACHINE: &str = "Microsoft.Compute/virtualMachines";
const EXTENSION: &str = "Microsoft.Compute/virtualMachines/extensions";
const NIC: &str = "Microsoft.Network/networkInterfaces";
/// Desktop Virtualization User, which lets a user use an application group.
const DESKTOP_USER_ROLE: &str = "1d18fff3-a72a-46b5-b4a9-0b38a3cd7e63";
/// Virtual Machine User Login, which a pool joined to Entra ID gives its users.
const VM_LOGIN_ROLE: &str = "fb879df8-f326-4884-b1cf-06f3ad86be52";

fn text<'a>(node: Option<&'a Node>, path: &[&str]) -> Option<&'a str> {
    node.and_then(|n| n.at(path)).and_then(Node::as_str)
}

/// The last `/`-separated part of an ID (or a `format`ted scope).
fn last_part(id: &str) -> String {
    id.trim_end_matches('/').rsplit('/').next().unwrap_or(id).to_string()
}

/// The role a role assignment gives, and to whom.
fn role_of(r: &Resource) -> Option<(String, String)> {
    let role = last_part(text(r.props(), &["roleDefinitionId"])?).to_ascii_lowercase();
    Some((role, text(r.props(), &["principalId"])?.to_string()))
}

/// `HH:MM` from a scaling schedule's `{ hour, minute }`.
fn time_of(node: Option<&Node>) -> Option<String> {
    let n = node?;
    Some(format!("{:02}:{:02}", n.get("hour")?.as_i64()?, n.get("minute").and_then(Node::as_i64).unwrap_or(0)))
}

impl Mapper {
    /// The template's desktop pools and workspaces; `networks` gives the block
    /// of each virtual network the plan writes, by lower-case Azure name.
    pub(super) fn desktops(&mut self, cx: &Context, networks: &HashMap<String, String>, common: &dyn Fn(&Resource, &mut Mapper) -> Common) {
        let rs = cx.resources;
        let group_of = |r: &Resource| r.group.clone().unwrap_or_else(|| cx.default_group.clone());
        let lower = |s: &str| s.to_ascii_lowercase();
        let of = |ty: &'static str| rs.iter().enumerate().filter(move |(_, r)| r.is(ty));

        // Workspaces: the application groups each lists.
        let mut workspace_of_group: HashMap<String, usize> = HashMap::new();
        for (i, w) in of(WORKSPACE) {
            for g in w.props().and_then(|p| p.get("applicationGroupReferences")).map(|g| g.items().to_vec()).unwrap_or_default() {
                if let Some(id) = g.as_str() {
                    workspace_of_group.insert(lower(&last_part(id)), i);
                }
            }
        }
        let mut workspace_blocks: HashMap<usize, String> = HashMap::new();

        for (p, pool) in of(HOST_POOL) {
            let props = pool.props();
            let groups: Vec<(usize, &Resource)> = of(APP_GROUP)
                .filter(|(_, g)| text(g.props(), &["hostPoolArmPath"]).is_some_and(|id| last_part(id).eq_ignore_ascii_case(&pool.name)))
                .collect();
            let workspace = groups.iter().find_map(|(_, g)| workspace_of_group.get(&lower(&g.name)).copied());
            // Session hosts: machines whose DSC extension registers them with this pool.
            let hosts: Vec<(usize, usize)> = of(EXTENSION)
                .filter(|(_, e)| text(e.props(), &["settings", "properties", "hostPoolName"]).is_some_and(|n| n.eq_ignore_ascii_case(&pool.name)))
                .filter_map(|(x, e)| {
                    let vm = e.name.split('/').next()?;
                    let m = rs.iter().position(|r| r.is(MACHINE) && r.name.eq_ignore_ascii_case(vm))?;
                    Some((m, x))
                })
                .collect();
            let Some(workspace) = workspace else {
                self.note(
                    &pool.node,
                    format!("host pool `{}` publishes in no workspace of the template, which a `desktop_pool` needs; kept as a comment", pool.name),
                );
                continue;
            };
            let Some(&(first, _)) = hosts.first() else {
                self.note(
                    &pool.node,
                    format!("host pool `{}` has no session host in the template, which a `desktop_pool` needs; kept as a comment", pool.name),
                );
                continue;
            };
            let vm = &rs[first];
            let vm_props = vm.props();
            let nic = vm_props
                .and_then(|v| v.at(&["networkProfile", "networkInterfaces"]))
                .and_then(|n| n.items().first())
                .and_then(|n| id_name(Some(n)))
                .and_then(|n| rs.iter().position(|r| r.is(NIC) && r.name.eq_ignore_ascii_case(&n)));
            let ip = nic
                .and_then(|n| rs[n].props())
                .and_then(|p| p.get("ipConfigurations"))
                .and_then(|c| c.items().first())
                .and_then(|c| c.get("properties"));
            let group = vm.group.clone().unwrap_or_else(|| cx.default_group.clone());
            let subnet = match nic {
                Some(n) => self.machine_subnet(ip.and_then(|p| p.at(&["subnet", "id"])), networks, &group, &rs[n].node),
                None => None,
            };
            let (Some(nic), Some(subnet)) = (nic, subnet) else {
                self.note(
                    &vm.node,
                    format!(
                        "session host `{}`'s network interface or subnet is not in the template; host pool `{}` is kept as a comment",
                        vm.name, pool.name
                    ),
                );
                continue;
            };

            // The workspace's block, once.
            let workspace_block = match workspace_blocks.get(&workspace) {
                Some(b) => b.clone(),
                None => {
                    let w = &rs[workspace];
                    self.used[workspace] = true;
                    let block = self.names.claim(w.name.strip_prefix("vdws-").unwrap_or(&w.name));
                    let c = common(w, self);
                    let group = group_of(w);
                    let out = self.file(&group);
                    out.line(0, &format!("desktop_workspace {block} {{"), Some(&w.node));
                    out.line(1, &format!("resource_group = {}", string_literal(&group)), None);
                    for (key, attr) in [("friendlyName", "friendly_name"), ("description", "description")] {
                        if let Some(v) = text(w.props(), &[key]) {
                            out.line(1, &format!("{attr} = {}", string_literal(v)), w.props().and_then(|p| p.get(key)));
                        }
                    }
                    if !c.tags.is_empty() {
                        write_common(out, &Common { location: None, tags: c.tags });
                    }
                    write_names(out, &block, &[("desktop_workspace", &w.name)]);
                    out.line(0, "}", None);
                    workspace_blocks.insert(workspace, block.clone());
                    block
                }
            };

            self.used[p] = true;
            let block = self.names.claim(pool.name.strip_prefix("vdpool-").unwrap_or(&pool.name));
            let mut lines: Vec<(String, Option<Node>)> = Vec::new();
            let pooled = !text(props, &["hostPoolType"]).is_some_and(|t| t.eq_ignore_ascii_case("personal"));
            lines.push((format!("type = {}", if pooled { "pooled" } else { "personal" }), props.and_then(|p| p.get("hostPoolType")).cloned()));
            if pooled {
                if text(props, &["loadBalancerType"]).is_some_and(|t| t.eq_ignore_ascii_case("depthfirst")) {
                    lines.push(("load_balancing = depth_first".into(), props.and_then(|p| p.get("loadBalancerType")).cloned()));
                }
                match props.and_then(|p| p.get("maxSessionLimit")).and_then(Node::as_i64) {
                    Some(n) => lines.push((format!("max_sessions = {n}"), props.and_then(|p| p.get("maxSessionLimit")).cloned())),
                    None => {
                        self.note(
                            props.unwrap_or(&pool.node),
                            format!("host pool `{}` gives no known session limit; the plan says 10 in its place", pool.name),
                        );
                        lines.push(("max_sessions = 10".into(), None));
                    }
                }
            } else if text(props, &["personalDesktopAssignmentType"]).is_some_and(|t| t.eq_ignore_ascii_case("direct")) {
                lines.push(("assignment = direct".into(), props.and_then(|p| p.get("personalDesktopAssignmentType")).cloned()));
            }
            lines.push((format!("hosts = {}", hosts.len()), None));
            lines.push((format!("subnet = {subnet}"), ip.and_then(|i| i.get("subnet")).cloned()));

            // The image, size and security of the first host, which the others share.
            let image = vm_props.and_then(|v| v.at(&["storageProfile", "imageReference"]));
            let field = |k: &str| text(image, &[k]).map(str::to_string);
            let std_name = match (field("publisher"), field("offer"), field("sku")) {
                (Some(pb), Some(of), Some(sk)) if field("version").is_none_or(|v| v.eq_ignore_ascii_case("latest")) => std_images()
                    .into_iter()
                    .find(|(_, p, o, s)| p.eq_ignore_ascii_case(&pb) && o.eq_ignore_ascii_case(&of) && s.eq_ignore_ascii_case(&sk))
                    .map(|(n, ..)| n),
                _ => None,
            };
            let known = match (std_name, field("publisher"), field("offer"), field("sku")) {
                (Some(n), ..) => Some(n),
                (None, Some(pb), Some(of), Some(sk)) => {
                    // A block of the pool's own: session hosts run Windows; generation 2 for a `-gen2` SKU or a security type.
                    let generation =
                        if sk.to_ascii_lowercase().contains("gen2") || vm_props.and_then(|v| v.at(&["securityProfile", "securityType"])).is_some() {
                            2
                        } else {
                            1
                        };
                    let name = self.names.claim(&format!("{block}-image"));
                    let mut t = format!(
                        "marketplace_image {name} {{ publisher = {}  offer = {}  sku = {}  os = windows  generation = {generation}",
                        string_literal(&pb),
                        string_literal(&of),
                        string_literal(&sk)
                    );
                    if let Some(v) = field("version").filter(|v| !v.eq_ignore_ascii_case("latest")) {
                        t.push_str(&format!("  version = {}", string_literal(&v)));
                    }
                    t.push_str(" }");
                    let group = group_of(pool);
                    self.file(&group).line(0, &t, image);
                    Some(name)
                }
                _ => self.gallery_image(image),
            };
            let image_name = known.unwrap_or_else(|| {
                self.note(
                    image.unwrap_or(&vm.node),
                    format!("session host `{}`'s image is not one the plan knows; `win11_multisession` stands in", vm.name),
                );
                "win11_multisession".into()
            });
            lines.push((format!("image = {image_name}"), image.cloned()));
            if let Some(size) = text(vm_props, &["hardwareProfile", "vmSize"]) {
                lines.push((format!("size = {size}"), vm_props.and_then(|v| v.at(&["hardwareProfile", "vmSize"])).cloned()));
            }
            // Zones: the hosts are spread over them in turn.
            let mut zones: Vec<String> = Vec::new();
            for (m, _) in &hosts {
                if let Some(z) = rs[*m].node.get("zones").and_then(|z| z.items().first()).and_then(Node::as_i64).map(|z| z.to_string()) {
                    if !zones.contains(&z) {
                        zones.push(z);
                    }
                }
            }
            if !zones.is_empty() {
                lines.push((format!("zones = [{}]", zones.join(", ")), vm.node.get("zones").cloned()));
            }
            if text(vm_props, &["securityProfile", "securityType"]).is_some_and(|t| t.eq_ignore_ascii_case("TrustedLaunch")) {
                lines.push(("trusted_launch = true".into(), None));
            }
            for (path, attr) in [
                (&["securityProfile", "encryptionAtHost"][..], "encryption_at_host"),
                (&["diagnosticsProfile", "bootDiagnostics", "enabled"][..], "boot_diagnostics"),
            ] {
                if vm_props.and_then(|v| v.at(path)).and_then(Node::as_bool) == Some(true) {
                    lines.push((format!("{attr} = true"), None));
                }
            }
            if rs[nic].props().and_then(|p| p.get("enableAcceleratedNetworking")).and_then(Node::as_bool) == Some(true) {
                lines.push(("accelerated_networking = true".into(), None));
            }
            // The hosts are alike in a pool: one that differs from the first in its
            // size, image or security type is reported, and built as the first.
            let setting = |m: usize, path: &[&str]| -> String {
                let node = rs[m].props().and_then(|p| p.at(path));
                match node {
                    Some(n) if n.as_str().is_some() => n.as_str().unwrap_or_default().to_ascii_lowercase(),
                    Some(n) => n
                        .members()
                        .iter()
                        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default().to_ascii_lowercase()))
                        .collect::<Vec<_>>()
                        .join(","),
                    None => String::new(),
                }
            };
            for (m, _) in hosts.iter().skip(1) {
                for (path, what) in [
                    (&["hardwareProfile", "vmSize"][..], "size"),
                    (&["storageProfile", "imageReference"][..], "image"),
                    (&["securityProfile", "securityType"][..], "security type"),
                ] {
                    if setting(*m, path) != setting(first, path) {
                        self.note(
                            rs[*m].props().and_then(|p| p.at(path)).unwrap_or(&rs[*m].node),
                            format!("session host `{}`'s {what} is not the first host's (`{}`), which a desktop pool gives all its hosts; built as the first's", rs[*m].name, vm.name),
                        );
                    }
                }
            }
            // The license: the pool declares `Windows_Client` for hosts of a Windows
            // client image (`crate::blocks::desktops::is_windows_client`) and none
            // otherwise; a host that declares another is reported, not followed.
            let client = field("publisher").map(|p| p.eq_ignore_ascii_case("MicrosoftWindowsDesktop"));
            for (m, _) in &hosts {
                let Some(license) = rs[*m].props().and_then(|p| p.get("licenseType")) else { continue };
                let declared = license.as_str().unwrap_or_default();
                let expected = match client {
                    Some(true) => declared == "Windows_Client",
                    Some(false) => false,
                    // A gallery image: the pool declares `Windows_Client` when its definition is a Windows client's.
                    None => declared == "Windows_Client",
                };
                if !expected {
                    self.note(
                        license,
                        format!(
                            "session host `{}` declares license type `{declared}`, which a desktop pool does not write (it declares `Windows_Client` for a Windows client image, else none); left out",
                            rs[*m].name
                        ),
                    );
                }
            }

            // The join: Entra ID login, or a domain join with its account.
            let mut entra = false;
            for (m, dsc) in &hosts {
                self.used[*m] = true;
                self.used[*dsc] = true;
                let prefix = format!("{}/", lower(&rs[*m].name));
                for (x, e) in of(EXTENSION).filter(|(_, e)| lower(&e.name).starts_with(&prefix)) {
                    let ty = text(e.props(), &["type"]).unwrap_or_default().to_ascii_lowercase();
                    if ty == "aadloginforwindows" {
                        entra = true;
                        self.used[x] = true;
                    } else if ty == "jsonaddomainextension" {
                        self.used[x] = true;
                    }
                }
                let nic_of = rs[*m]
                    .props()
                    .and_then(|v| v.at(&["networkProfile", "networkInterfaces"]))
                    .and_then(|n| n.items().first())
                    .and_then(|n| id_name(Some(n)));
                if let Some(n) = nic_of.and_then(|n| rs.iter().position(|r| r.is(NIC) && r.name.eq_ignore_ascii_case(&n))) {
                    self.used[n] = true;
                }
            }
            let join = of(EXTENSION).find(|(_, e)| {
                lower(&e.name).starts_with(&format!("{}/", lower(&vm.name)))
                    && text(e.props(), &["type"]).is_some_and(|t| t.eq_ignore_ascii_case("JsonADDomainExtension"))
            });
            if let (Some((_, j)), false) = (join, entra) {
                lines.push(("join = domain".into(), None));
                let s = j.props().and_then(|p| p.get("settings"));
                for (key, attr) in [("name", "domain"), ("ouPath", "ou"), ("user", "join_user")] {
                    if let Some(v) = text(s, &[key]) {
                        lines.push((format!("{attr} = {}", string_literal(v)), s.and_then(|s| s.get(key)).cloned()));
                    }
                }
                if let Some(pw) = j.props().and_then(|p| p.at(&["protectedSettings", "password"])) {
                    let secret =
                        self.secret_of(pw, &format!("{}-join-password", pool.name), &format!("host pool `{}`'s domain join password", pool.name));
                    lines.push((format!("join_password = {secret}"), Some(pw.clone())));
                }
            }
            let os = vm_props.and_then(|v| v.get("osProfile"));
            if let Some(u) = text(os, &["adminUsername"]).filter(|u| *u != "azureadmin") {
                lines.push((format!("admin_user = {}", string_literal(u)), None));
            }
            match os.and_then(|o| o.get("adminPassword")) {
                Some(pw) => {
                    let secret = self.secret_of(pw, &format!("{}-admin-password", pool.name), &format!("session host `{}`'s password", vm.name));
                    lines.push((format!("admin = {secret}"), Some(pw.clone())));
                }
                None => {
                    let vault = self.vault_block(&(String::new(), PLACEHOLDER_VAULT.to_string()));
                    self.note(
                        &vm.node,
                        format!(
                            "session host `{}` has no password in the template; the plan reads one from the placeholder vault `{PLACEHOLDER_VAULT}`",
                            vm.name
                        ),
                    );
                    lines.push((format!("admin = secret({vault}, {})", string_literal(&format!("{}-admin-password", pool.name))), None));
                }
            }
            lines.push((format!("workspace = {workspace_block}"), None));
            if let Some(size) = vm_props.and_then(|v| v.at(&["storageProfile", "osDisk", "diskSizeGB"])).and_then(Node::as_i64) {
                lines.push((format!("os_disk {{ size_gb = {size} }}"), None));
            }

            // Names: the pool's, its scaling plan's and its hosts', by their number.
            let mut names: Vec<(&str, String)> = vec![("host_pool", pool.name.clone())];
            let numbered = |name: &str| -> Option<String> {
                let (stem, n) = name.rsplit_once('-')?;
                n.parse::<usize>().ok().map(|_| format!("{stem}-{{index}}"))
            };
            let host_default = format!("{block}-{{index}}");
            match numbered(&vm.name) {
                Some(p) if p != host_default => names.push(("virtual_machine", p)),
                Some(_) => {}
                None => self.note(&vm.node, format!("session host `{}` is not named `NAME-N`; the plan numbers its hosts", vm.name)),
            }
            if let Some(p) = numbered(&rs[nic].name).filter(|p| *p != format!("{block}-{{index}}-nic")) {
                names.push(("network_interface", p));
            }
            let scaling = of(SCALING_PLAN).find(|(_, s)| {
                s.props().and_then(|p| p.get("hostPoolReferences")).is_some_and(|h| {
                    h.items().iter().any(|h| text(Some(h), &["hostPoolArmPath"]).is_some_and(|id| last_part(id).eq_ignore_ascii_case(&pool.name)))
                })
            });
            if let Some((_, s)) = scaling {
                names.push(("scaling_plan", s.name.clone()));
            }

            // Application groups, their applications and users.
            let mut users: Vec<String> = Vec::new();
            let mut group_pattern: Option<String> = None;
            let mut children: Vec<(usize, String, Option<Node>)> = Vec::new();
            for (g, group) in &groups {
                self.used[*g] = true;
                let gp = group.props();
                let mut gname = group.name.strip_prefix(&format!("{}-", pool.name)).map(str::to_string);
                if gname.is_none() {
                    gname = group.name.rsplit('-').next().map(str::to_string);
                }
                let gblock = ident(&gname.unwrap_or_else(|| group.name.clone()));
                children.push((1, format!("app_group {gblock} {{"), Some(group.node.clone())));
                let remote = text(gp, &["applicationGroupType"]).is_some_and(|t| t.eq_ignore_ascii_case("RemoteApp"));
                if remote {
                    children.push((2, "type = remote_app".into(), None));
                }
                if let Some(f) = text(gp, &["friendlyName"]) {
                    children.push((2, format!("friendly_name = {}", string_literal(f)), None));
                }
                let mut group_users = Vec::new();
                for (a, ra) in of(ROLE_ASSIGNMENT) {
                    let scope = ra.node.get("scope").and_then(Node::as_str).map(last_part);
                    if let (Some((role, who)), Some(scope)) = (role_of(ra), scope) {
                        if role == DESKTOP_USER_ROLE && scope.eq_ignore_ascii_case(&group.name) {
                            self.used[a] = true;
                            if !group_users.contains(&who) {
                                group_users.push(who.clone());
                            }
                            if !users.contains(&who) {
                                users.push(who);
                            }
                        }
                    }
                }
                if !group_users.is_empty() {
                    let list: Vec<String> = group_users.iter().map(|u| string_literal(u)).collect();
                    children.push((2, format!("users = [{}]", list.join(", ")), None));
                }
                // The pool's pattern names every group: `{name}` is `<pool>-<group>`.
                let pattern = group.name.replacen(&format!("{block}-{gblock}"), "{name}", 1);
                if pattern != "{name}" {
                    children.push((2, format!("names {{ application_group = {} }}", string_literal(&pattern)), None));
                }
                match &group_pattern {
                    None => group_pattern = Some(pattern),
                    Some(p) if *p != pattern => self.note(
                        &group.node,
                        format!("application group `{}` is named after another pattern than the pool's other groups; it takes theirs", group.name),
                    ),
                    _ => {}
                }
                let prefix = format!("{}/", lower(&group.name));
                for (x, app) in of(APPLICATION).filter(|(_, a)| lower(&a.name).starts_with(&prefix)) {
                    self.used[x] = true;
                    let ap = app.props();
                    let name = ident(&app.name[prefix.len()..]);
                    let mut t = format!("application {name} {{ path = {}", string_literal(text(ap, &["filePath"]).unwrap_or_default()));
                    if let Some(args) = text(ap, &["commandLineArguments"]).filter(|a| !a.is_empty()) {
                        t.push_str(&format!("  arguments = {}", string_literal(args)));
                    }
                    if let Some(f) = text(ap, &["friendlyName"]) {
                        t.push_str(&format!("  friendly_name = {}", string_literal(f)));
                    }
                    t.push_str(" }");
                    children.push((2, t, Some(app.node.clone())));
                }
                children.push((1, "}".into(), None));
            }
            // Sign-ins to Entra-joined hosts: derived from the groups' users.
            for (a, ra) in of(ROLE_ASSIGNMENT) {
                if let Some((role, who)) = role_of(ra) {
                    if role == VM_LOGIN_ROLE && entra && users.iter().any(|u| u.eq_ignore_ascii_case(&who)) && group_of(ra) == group_of(pool) {
                        self.used[a] = true;
                    }
                }
            }
            if let Some((s, sp)) = scaling {
                self.used[s] = true;
                let schedule = sp.props().and_then(|p| p.get("schedules")).and_then(|s| s.items().first());
                children.push((1, "scaling {".into(), Some(sp.node.clone())));
                for (attr, key) in
                    [("ramp_up", "rampUpStartTime"), ("peak", "peakStartTime"), ("ramp_down", "rampDownStartTime"), ("off_peak", "offPeakStartTime")]
                {
                    if let Some(t) = time_of(schedule.and_then(|s| s.get(key))) {
                        children.push((2, format!("{attr} = {t}"), None));
                    }
                }
                children.push((2, format!("timezone = {}", string_literal(text(sp.props(), &["timeZone"]).unwrap_or("UTC"))), None));
                let days: Vec<String> = schedule
                    .and_then(|s| s.get("daysOfWeek"))
                    .map(|d| d.items().iter().filter_map(|d| d.as_str().map(|d| d.to_ascii_lowercase())).collect())
                    .unwrap_or_default();
                if !days.is_empty() && days != ["monday", "tuesday", "wednesday", "thursday", "friday"] {
                    children.push((2, format!("days = [{}]", days.join(", ")), None));
                }
                if let Some(n) = sp.props().and_then(|p| p.get("schedules")).and_then(|s| s.items().get(1)) {
                    self.note(n, format!("scaling plan `{}` has several schedules; a pool's `scaling` has one, the first", sp.name));
                }
                children.push((1, "}".into(), None));
            }

            let c = common(pool, self);
            let group = group_of(pool);
            let w = self.file(&group);
            w.line(0, &format!("desktop_pool {block} {{"), Some(&pool.node));
            w.line(1, &format!("resource_group = {}", string_literal(&group)), None);
            if !c.tags.is_empty() {
                write_common(w, &Common { location: None, tags: c.tags });
            }
            for (t, from) in &lines {
                w.line(1, t, from.as_ref());
            }
            let names: Vec<(&str, &str)> = names.iter().map(|(k, v)| (*k, v.as_str())).collect();
            write_names(w, &block, &names);
            for (indent, t, from) in &children {
                w.line(*indent, t, from.as_ref());
            }
            w.line(0, "}", None);
        }
    }

    /// `secret(VAULT, "NAME")` for a password: the Key Vault reference it is,
    /// else secret `fallback` of the placeholder vault, reported.
    fn secret_of(&mut self, password: &Node, fallback: &str, what: &str) -> String {
        let reference = password.get("secretName").and_then(Node::as_str).zip(password.at(&["keyVault", "id"]).and_then(vault_of));
        let (key, secret) = match reference {
            Some((secret, (rg, vault))) => ((rg, vault), secret.to_string()),
            None => {
                self.note(
                    password,
                    format!("{what} is given at deployment or in plain text; the plan reads it from Key Vault: secret `{fallback}` of the placeholder vault `{PLACEHOLDER_VAULT}`, for you to name"),
                );
                ((String::new(), PLACEHOLDER_VAULT.to_string()), fallback.to_string())
            }
        };
        let vault = self.vault_block(&key);
        format!("secret({vault}, {})", string_literal(&secret))
    }
}
