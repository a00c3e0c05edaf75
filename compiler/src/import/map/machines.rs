//! Virtual machines read, their network interface folded in, and handed to
//! `gather.rs`, which writes them as `compute` blocks (alike machines
//! as one block with `count`); availability sets to `availability_set`
//! blocks; a password to `secret(VAULT, "NAME")` with the vault as a
//! `key_vault` block.

use super::{id_name, ident, string_literal, write_common, write_names, Common, Context, Mapper, Node, Resource, Value};
use crate::ast::{Item, ValueKind};
use std::collections::HashMap;

const MACHINE: &str = "Microsoft.Compute/virtualMachines";
const NIC: &str = "Microsoft.Network/networkInterfaces";
const AVAILABILITY_SET: &str = "Microsoft.Compute/availabilitySets";

/// The vault a template's password parameter does not name stands in as this
/// `key_vault` block, for the user to name.
pub(super) const PLACEHOLDER_VAULT: &str = "imported-secrets";

/// A `marketplace_image` of `std.images`: (block name, publisher, offer, sku).
pub(super) fn std_images() -> Vec<(String, String, String, String)> {
    let Some(module) = crate::stdlib::module("std.images") else { return Vec::new() };
    let (file, _) = crate::syntax::parse(crate::source::FileId(0), module.source);
    let mut out = Vec::new();
    for item in &file.items {
        let Item::Block(b) = item else { continue };
        let (Some(crate::ast::Term::Value(v)), Some(body)) = (b.terms.first(), &b.body) else { continue };
        let ValueKind::Path(p) = &v.kind else { continue };
        if b.head.name != "marketplace_image" || p.len() != 1 {
            continue;
        }
        let attr = |k: &str| {
            body.items.iter().find_map(|i| match i {
                Item::Attribute(a) if a.key.name == k => match &a.value.kind {
                    ValueKind::Str(s) => Some(s.clone()),
                    _ => None,
                },
                _ => None,
            })
        };
        if let (Some(publisher), Some(offer), Some(sku)) = (attr("publisher"), attr("offer"), attr("sku")) {
            out.push((p[0].name.clone(), publisher, offer, sku));
        }
    }
    out
}

/// The network and subnet a subnet ID names, as written in it.
pub(super) fn subnet_of_id(id: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = id.split('/').collect();
    let at = |word: &str| parts.iter().position(|p| p.eq_ignore_ascii_case(word)).and_then(|i| parts.get(i + 1)).map(|s| s.to_string());
    Some((at("virtualNetworks")?, at("subnets")?))
}

/// A Key Vault reference's (resource group, vault): from its ID, or from the
/// quoted names of an ID written as `format(...)` with `subscription()`.
pub(super) fn vault_of(id: &Node) -> Option<(String, String)> {
    match &id.value {
        Value::Str(s) => {
            let parts: Vec<&str> = s.split('/').collect();
            let at = |word: &str| parts.iter().position(|p| p.eq_ignore_ascii_case(word)).and_then(|i| parts.get(i + 1)).map(|s| s.to_string());
            Some((at("resourceGroups")?, at("vaults")?))
        }
        Value::Unknown(text) if text.contains("Microsoft.KeyVault/vaults") => {
            let quoted: Vec<&str> = text.split('\'').skip(1).step_by(2).collect();
            let n = quoted.len();
            (n >= 3).then(|| (quoted[n - 2].to_string(), quoted[n - 1].to_string()))
        }
        _ => None,
    }
}

impl Mapper {
    /// `compute` blocks for the template's machines; `networks` gives the block
    /// of each virtual network the plan writes, by lower-case Azure name.
    pub(super) fn machines(
        &mut self,
        cx: &Context,
        networks: &HashMap<String, String>,
        update_groups: &super::updates::Groups,
        backups: &super::compute_extras::Backups,
        common: &dyn Fn(&Resource, &mut Mapper) -> Common,
    ) {
        let rs = cx.resources;
        let group_of = |r: &Resource| r.group.clone().unwrap_or_else(|| cx.default_group.clone());
        let nics: HashMap<String, usize> = rs.iter().enumerate().filter(|(_, r)| r.is(NIC)).map(|(i, r)| (r.name.to_ascii_lowercase(), i)).collect();

        // Availability sets: a block each, which the machines in it name.
        let mut sets: HashMap<String, String> = HashMap::new();
        for (i, r) in rs.iter().enumerate().filter(|(_, r)| r.is(AVAILABILITY_SET)) {
            let props = r.props();
            let faults = props.and_then(|p| p.get("platformFaultDomainCount")).and_then(Node::as_i64);
            let updates = props.and_then(|p| p.get("platformUpdateDomainCount")).and_then(Node::as_i64);
            if faults.is_some_and(|n| n != 2) || updates.is_some_and(|n| n != 5) {
                self.note(
                    props.unwrap_or(&r.node),
                    format!(
                        "availability set `{}` has {} fault and {} update domains; a plan's set has 2 and 5",
                        r.name,
                        faults.unwrap_or(2),
                        updates.unwrap_or(5)
                    ),
                );
            }
            self.used[i] = true;
            let block = self.names.claim(&r.name);
            sets.insert(r.name.to_ascii_lowercase(), block.clone());
            let c = common(r, self);
            let group = group_of(r);
            let w = self.file(&group);
            w.line(0, &format!("availability_set {block} {{"), Some(&r.node));
            w.line(1, &format!("resource_group = {}", string_literal(&group)), None);
            write_common(w, &c);
            write_names(w, &block, &[("availability_set", &r.name)]);
            w.line(0, "}", None);
        }

        let images = std_images();
        let mut drafts = Vec::new();
        for (i, r) in rs.iter().enumerate().filter(|(_, r)| r.is(MACHINE)) {
            // A desktop pool's session host is already written (desktops.rs).
            let Some(props) = r.props().filter(|_| !self.used[i]) else { continue };
            let group = group_of(r);
            // The network interface: the first one, which must be in the template.
            let nic_refs = props.at(&["networkProfile", "networkInterfaces"]).map(|n| n.items().to_vec()).unwrap_or_default();
            let nic = nic_refs.first().and_then(|n| id_name(Some(n))).and_then(|n| nics.get(&n.to_ascii_lowercase()).copied());
            let Some(nic) = nic else {
                self.note(
                    props.get("networkProfile").unwrap_or(&r.node),
                    format!("machine `{}`'s network interface is not in the template; the machine is not imported", r.name),
                );
                continue;
            };
            if nic_refs.len() > 1 {
                self.note(&nic_refs[1], format!("machine `{}` has several network interfaces; a `compute` block has one, the first", r.name));
            }
            let nic_r = &rs[nic];
            let ipconfig = nic_r.props().and_then(|p| p.get("ipConfigurations")).and_then(|c| c.items().first()).cloned();
            let ip_props = ipconfig.as_ref().and_then(|c| c.get("properties"));
            let subnet_id = ip_props.and_then(|p| p.at(&["subnet", "id"])).and_then(Node::as_str).and_then(subnet_of_id);
            let subnet = match &subnet_id {
                Some((vnet, subnet)) => networks.get(&vnet.to_ascii_lowercase()).map(|b| format!("{b}.{}", ident(subnet))),
                None => None,
            };
            let Some(subnet) = subnet else {
                self.note(
                    ip_props.and_then(|p| p.get("subnet")).unwrap_or(&nic_r.node),
                    format!(
                        "machine `{}`'s subnet is not one the template deploys (or not known before deployment); the machine is not imported",
                        r.name
                    ),
                );
                continue;
            };
            self.used[i] = true;
            self.used[nic] = true;
            if let Some(pip) = ip_props.and_then(|p| p.get("publicIPAddress")) {
                self.note(pip, format!("machine `{}` has a public IP address, which a `compute` block does not give; left out", r.name));
            }
            if let Some(nsg) = nic_r.props().and_then(|p| p.get("networkSecurityGroup")) {
                self.note(nsg, format!("machine `{}`'s network interface has its own NSG; a plan puts NSGs on subnets, so it is left out", r.name));
            }
            let block = self.names.claim(&r.name);
            let mut c = common(r, self);
            // The update group whose dynamic scope finds the machine by its tag.
            let update_group = c
                .tags
                .iter()
                .position(|(k, v, _)| k.eq_ignore_ascii_case(crate::blocks::updates::TAG) && update_groups.contains_key(&v.to_ascii_lowercase()))
                .map(|at| c.tags.remove(at))
                .map(|(_, v, at)| (update_groups[&v.to_ascii_lowercase()].clone(), at));
            let mut lines: Vec<(String, Option<Node>)> = Vec::new();
            let mut line = |text: String, from: Option<&Node>| lines.push((text, from.cloned()));
            line(format!("subnet = {subnet}"), ip_props.and_then(|p| p.get("subnet")));

            // The image: one of std.images, else a `marketplace_image` block of its own.
            let image = props.at(&["storageProfile", "imageReference"]);
            let windows = props.at(&["osProfile", "windowsConfiguration"]).is_some()
                || image.and_then(|i| i.get("publisher")).and_then(Node::as_str).is_some_and(|p| p.to_ascii_lowercase().contains("windows"));
            let field = |k: &str| image.and_then(|i| i.get(k)).and_then(Node::as_str).map(str::to_string);
            let mut image_block = None;
            match (field("publisher"), field("offer"), field("sku")) {
                (Some(publisher), Some(offer), Some(sku)) => {
                    let version = field("version").filter(|v| !v.eq_ignore_ascii_case("latest"));
                    let known = images
                        .iter()
                        .find(|(_, p, o, s)| p.eq_ignore_ascii_case(&publisher) && o.eq_ignore_ascii_case(&offer) && s.eq_ignore_ascii_case(&sku));
                    match (known, version) {
                        (Some((name, ..)), None) => line(format!("image = {name}"), image),
                        (_, version) => {
                            let name = self.names.claim(&format!("{block}-image"));
                            let generation = if sku.to_ascii_lowercase().contains("gen2") || props.at(&["securityProfile", "securityType"]).is_some()
                            {
                                2
                            } else {
                                1
                            };
                            let mut text = format!(
                                "marketplace_image {name} {{ publisher = {}  offer = {}  sku = {}  os = {}  generation = {generation}",
                                string_literal(&publisher),
                                string_literal(&offer),
                                string_literal(&sku),
                                if windows { "windows" } else { "linux" }
                            );
                            if let Some(v) = version {
                                text.push_str(&format!("  version = {}", string_literal(&v)));
                            }
                            text.push_str(" }");
                            image_block = Some(text);
                            line(format!("image = {name}"), image);
                        }
                    }
                }
                _ if self.gallery_image(image).is_some() => line(format!("image = {}", self.gallery_image(image).unwrap_or_default()), image),
                _ => {
                    // A stand-in of the machine's system, so that what only it runs (antimalware) stays valid.
                    let stand_in = if windows { "windows_2022" } else { "ubuntu_2404" };
                    self.note(
                        image.unwrap_or(props),
                        format!(
                            "machine `{}`'s image is no Marketplace image known before deployment; the plan says `{stand_in}` in its place",
                            r.name
                        ),
                    );
                    line(format!("image = {stand_in}"), image);
                }
            }
            match props.at(&["hardwareProfile", "vmSize"]).and_then(Node::as_str) {
                Some(size) => line(format!("size = {size}"), props.at(&["hardwareProfile", "vmSize"])),
                None => {
                    self.note(
                        props.get("hardwareProfile").unwrap_or(props),
                        format!("machine `{}`'s size is not known before deployment; the plan says `Standard_D2s_v5` in its place", r.name),
                    );
                    line("size = Standard_D2s_v5".into(), props.get("hardwareProfile"));
                }
            }
            if let Some(z) = super::zones_of(r) {
                line(format!("zones = [{z}]"), r.node.get("zones"));
            }
            if let Some(set) = id_name(props.get("availabilitySet")) {
                match sets.get(&set.to_ascii_lowercase()) {
                    Some(b) => line(format!("availability_set = {b}"), props.get("availabilitySet")),
                    None => self.note(
                        props.get("availabilitySet").unwrap_or(props),
                        format!("machine `{}`'s availability set `{set}` is not in the template; left out", r.name),
                    ),
                }
            }

            // The operating system's profile: user, password, SSH key, computer name.
            let os = props.get("osProfile");
            let user = os.and_then(|o| o.get("adminUsername"));
            match user.map(|u| &u.value) {
                Some(Value::Str(u)) if u != "azureadmin" => line(format!("admin_user = {}", string_literal(u)), user),
                Some(Value::Str(_)) | None => {}
                Some(_) => self.note(
                    user.unwrap_or(props),
                    format!("machine `{}`'s administrator name is not known before deployment; the plan's default, `azureadmin`, stands in", r.name),
                ),
            }
            if let Some(password) = os.and_then(|o| o.get("adminPassword")) {
                let reference = password.get("secretName").and_then(Node::as_str).zip(password.at(&["keyVault", "id"]).and_then(vault_of));
                let (vault_key, secret) = match reference {
                    Some((secret, (rg, vault))) => ((rg, vault), secret.to_string()),
                    None => {
                        let how = if password.as_str().is_some() {
                            "is written in plain text in the template or its parameters file"
                        } else {
                            "is given at deployment, and a template does not say where it comes from"
                        };
                        self.note(
                            password,
                            format!(
                                "machine `{}`'s password {how}; the plan reads it from Key Vault: secret `{}-admin-password` of the placeholder vault `{PLACEHOLDER_VAULT}`, for you to name",
                                r.name, r.name
                            ),
                        );
                        ((String::new(), PLACEHOLDER_VAULT.to_string()), format!("{}-admin-password", r.name))
                    }
                };
                let vault_block = self.vault_block(&vault_key);
                line(format!("admin = secret({vault_block}, {})", string_literal(&secret)), Some(password));
            }
            let keys = os.and_then(|o| o.at(&["linuxConfiguration", "ssh", "publicKeys"])).map(|k| k.items().to_vec()).unwrap_or_default();
            if let Some(key) = keys.first().and_then(|k| k.get("keyData")) {
                match key.as_str() {
                    Some(k) => line(format!("ssh_key = {}", string_literal(k)), Some(key)),
                    None => self.note(key, format!("machine `{}`'s SSH key is given at deployment; left out: write it as `ssh_key`", r.name)),
                }
            }
            if let Some(name) = os.and_then(|o| o.get("computerName")).and_then(Node::as_str).filter(|n| *n != r.name) {
                line(format!("computer_name = {}", string_literal(name)), os.and_then(|o| o.get("computerName")));
            }
            let config = os.and_then(|o| o.get(if windows { "windowsConfiguration" } else { "linuxConfiguration" }));
            if let Some(mode) = config.and_then(|c| c.at(&["patchSettings", "patchMode"])).and_then(Node::as_str) {
                let word = match mode.to_ascii_lowercase().as_str() {
                    "manual" => Some("manual"),
                    "automaticbyos" => Some("automatic_by_os"),
                    "imagedefault" => Some("image_default"),
                    "automaticbyplatform" => Some("automatic_by_platform"),
                    _ => None,
                };
                // A machine in an update group is patched by the platform on the group's schedule.
                if let Some(word) = word.filter(|w| update_group.is_none() || *w != "automatic_by_platform") {
                    line(format!("patch_mode = {word}"), config.and_then(|c| c.at(&["patchSettings", "patchMode"])));
                }
            }
            if let Some(tz) = config.and_then(|c| c.get("timeZone")).and_then(Node::as_str) {
                line(format!("time_zone = {}", string_literal(tz)), config.and_then(|c| c.get("timeZone")));
            }

            for (text, from) in self.machine_extras(cx, r, windows) {
                line(text, from.as_ref());
            }
            if let Some((policy, item)) = backups.get(&r.name.to_ascii_lowercase()) {
                self.used[*item] = true;
                line(format!("backup = {policy}"), None);
            }
            if let Some((group, _)) = &update_group {
                line(format!("updates = {group}"), r.node.get("tags"));
            }

            // Identity, security and diagnostics.
            if r.node.at(&["identity", "type"]).and_then(Node::as_str).is_some_and(|t| t.to_ascii_lowercase().contains("systemassigned")) {
                line("identity = system".into(), r.node.get("identity"));
            }
            if props.at(&["diagnosticsProfile", "bootDiagnostics", "enabled"]).and_then(Node::as_bool) == Some(true) {
                line("boot_diagnostics = true".into(), props.get("diagnosticsProfile"));
            }
            if props.at(&["securityProfile", "encryptionAtHost"]).and_then(Node::as_bool) == Some(true) {
                line("encryption_at_host = true".into(), props.at(&["securityProfile", "encryptionAtHost"]));
            }
            if props.at(&["securityProfile", "securityType"]).and_then(Node::as_str).is_some_and(|t| t.eq_ignore_ascii_case("TrustedLaunch")) {
                line("trusted_launch = true".into(), props.at(&["securityProfile", "securityType"]));
            }
            let nic_props = nic_r.props();
            for (key, attr) in [("enableAcceleratedNetworking", "accelerated_networking"), ("enableIPForwarding", "ip_forwarding")] {
                if nic_props.and_then(|p| p.get(key)).and_then(Node::as_bool) == Some(true) {
                    line(format!("{attr} = true"), nic_props.and_then(|p| p.get(key)));
                }
            }
            if ip_props.and_then(|p| p.get("privateIPAllocationMethod")).and_then(Node::as_str).is_some_and(|m| m.eq_ignore_ascii_case("static")) {
                match ip_props.and_then(|p| p.get("privateIPAddress")).and_then(Node::as_str) {
                    Some(ip) => line(format!("ips = [{ip}]"), ip_props.and_then(|p| p.get("privateIPAddress"))),
                    None => self.note(
                        ip_props.unwrap_or(&nic_r.node),
                        format!("machine `{}`'s static address is not known before deployment; imported as dynamic", r.name),
                    ),
                }
            }

            // Disks: the OS disk's type and size, and empty data disks.
            let os_disk = props.at(&["storageProfile", "osDisk"]);
            let mut disk = Vec::new();
            if let Some(size) = os_disk.and_then(|d| d.get("diskSizeGB")).and_then(Node::as_i64) {
                disk.push(format!("size_gb = {size}"));
            }
            if let Some(ty) = os_disk.and_then(|d| d.at(&["managedDisk", "storageAccountType"])).and_then(Node::as_str) {
                disk.push(format!("type = {ty}"));
            }
            // An ephemeral OS disk: where it lives on the host, by ashlar's word for it.
            let placement = os_disk.and_then(|d| d.at(&["diffDiskSettings", "placement"])).and_then(Node::as_str);
            let ephemeral =
                os_disk.and_then(|d| d.at(&["diffDiskSettings", "option"])).and_then(Node::as_str).is_some_and(|o| o.eq_ignore_ascii_case("local"));
            if ephemeral {
                let word =
                    crate::blocks::compute::EPHEMERAL_PLACEMENTS.iter().find(|(_, azure)| placement.is_some_and(|p| p.eq_ignore_ascii_case(azure)));
                match word {
                    Some((word, _)) => disk.push(format!("ephemeral = {word}")),
                    // "CacheDisk if one is configured for the VM size otherwise
                    // ResourceDisk or NvmeDisk is used" (DiffDiskSettings.placement):
                    // which one depends on the size, so the plan says it.
                    None => {
                        disk.push("ephemeral = cache".into());
                        if let Some(settings) = os_disk.and_then(|d| d.get("diffDiskSettings")) {
                            self.note(
                                settings,
                                format!(
                                    "machine `{}`'s ephemeral OS disk names no placement, which Azure picks by size; imported as `cache`",
                                    r.name
                                ),
                            );
                        }
                    }
                }
            }
            // Caching, when it is not what ashlar writes by default.
            let default_caching = if ephemeral { "readonly" } else { "readwrite" };
            match os_disk.and_then(|d| d.get("caching")).and_then(Node::as_str).map(str::to_ascii_lowercase) {
                Some(c) if c == default_caching => {}
                Some(c) if c == "readonly" => disk.push("caching = read_only".into()),
                Some(c) if c == "readwrite" => disk.push("caching = read_write".into()),
                Some(c) if c == "none" => disk.push("caching = none".into()),
                _ => {}
            }
            if !disk.is_empty() {
                line(format!("os_disk {{ {} }}", disk.join("  ")), os_disk);
            }
            for (n, d) in props.at(&["storageProfile", "dataDisks"]).map(|d| d.items().to_vec()).unwrap_or_default().iter().enumerate() {
                let empty = d.get("createOption").and_then(Node::as_str).is_some_and(|c| c.eq_ignore_ascii_case("empty"));
                let (Some(size), true) = (d.get("diskSizeGB").and_then(Node::as_i64), empty) else {
                    self.note(d, format!("machine `{}`'s data disk {} is not an empty disk of a known size; left out", r.name, n + 1));
                    continue;
                };
                // A data disk's Azure name is `{machine}-{disk}`: the block's name is the rest.
                let own = d.get("name").and_then(Node::as_str).and_then(|x| x.strip_prefix(&format!("{}-", r.name))).map(ident);
                let mut text = format!("data_disk {} {{ size_gb = {size}", own.unwrap_or_else(|| format!("disk{}", n + 1)));
                if let Some(lun) = d.get("lun").and_then(Node::as_i64) {
                    text.push_str(&format!("  lun = {lun}"));
                }
                if let Some(ty) = d.at(&["managedDisk", "storageAccountType"]).and_then(Node::as_str) {
                    text.push_str(&format!("  type = {ty}"));
                }
                match d.get("caching").and_then(Node::as_str).map(str::to_ascii_lowercase).as_deref() {
                    Some("readonly") => text.push_str("  caching = read_only"),
                    Some("readwrite") => text.push_str("  caching = read_write"),
                    Some("none") => text.push_str("  caching = none"),
                    _ => {}
                }
                text.push_str(" }");
                line(text, Some(d));
            }

            let pools = ip_props
                .and_then(|p| p.get("loadBalancerBackendAddressPools"))
                .map(|p| {
                    p.items().iter().filter_map(|pool| pool.get("id").and_then(Node::as_str).and_then(super::gather::balancer_of_pool)).collect()
                })
                .unwrap_or_default();
            drafts.push(super::gather::Draft {
                group,
                block,
                common: c,
                lines,
                image_block,
                node: r.node.clone(),
                vm: r.name.clone(),
                nic: nic_r.name.clone(),
                pools,
            });
        }
        self.write_machines(cx, drafts);
    }

    /// The `key_vault` block of a vault secrets are read from, by (resource
    /// group, name); the placeholder vault has no resource group.
    pub(super) fn vault_block(&mut self, key: &(String, String)) -> String {
        if let Some(b) = self.vaults.get(key) {
            return b.clone();
        }
        let b = self.names.claim(&key.1);
        self.vaults.insert(key.clone(), b.clone());
        b
    }

    /// The vaults passwords and keys are read from: Key Vaults the plan does not create.
    pub(super) fn write_vaults(&mut self) {
        let mut vaults: Vec<_> = std::mem::take(&mut self.vaults).into_iter().collect();
        vaults.sort();
        for ((rg, vault), block) in vaults {
            let w = self.file("settings");
            if rg.is_empty() {
                w.line(0, "// A placeholder: the vault and resource group that hold the passwords and keys.", None);
                w.line(0, &format!("key_vault {block} {{ resource_group = \"rg-imported-secrets\" }}"), None);
            } else {
                let name = if block == vault { String::new() } else { format!("  vault_name = {}", string_literal(&vault)) };
                w.line(0, &format!("key_vault {block} {{ resource_group = {}{name} }}", string_literal(&rg)), None);
            }
        }
    }
}
