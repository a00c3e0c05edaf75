//! What machines and scale sets share, read where it sits: a machine's
//! `properties` or a scale set's `virtualMachineProfile` hold the same
//! `storageProfile`, `osProfile`, `securityProfile` and `diagnosticsProfile`
//! (`crate::blocks::compute` writes both from one code).

use super::machines::{std_images, vault_of, PLACEHOLDER_VAULT};
use super::{ident, string_literal, Mapper, Node, Value};

/// A block's line, with the template's value it was read from.
pub(super) type Line = (String, Option<Node>);

/// Security and diagnostics: boot diagnostics, encryption at host, Trusted Launch.
pub(super) fn security_of(props: &Node) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut line = |text: String, from: Option<&Node>| lines.push((text, from.cloned()));
    if props.at(&["diagnosticsProfile", "bootDiagnostics", "enabled"]).and_then(Node::as_bool) == Some(true) {
        line("boot_diagnostics = true".into(), props.get("diagnosticsProfile"));
    }
    if props.at(&["securityProfile", "encryptionAtHost"]).and_then(Node::as_bool) == Some(true) {
        line("encryption_at_host = true".into(), props.at(&["securityProfile", "encryptionAtHost"]));
    }
    if props.at(&["securityProfile", "securityType"]).and_then(Node::as_str).is_some_and(|t| t.eq_ignore_ascii_case("TrustedLaunch")) {
        line("trusted_launch = true".into(), props.at(&["securityProfile", "securityType"]));
    }
    lines
}

impl Mapper {
    /// The image of `who` (block `block`): whether it runs Windows, its own
    /// `marketplace_image` block if it needs one, and its `image` line.
    pub(super) fn image_of(&mut self, who: &str, block: &str, props: &Node) -> (bool, Option<String>, Vec<Line>) {
        let mut lines: Vec<Line> = Vec::new();
        let mut line = |text: String, from: Option<&Node>| lines.push((text, from.cloned()));
        // The image: one of std.images, else a `marketplace_image` block of its own.
        let image = props.at(&["storageProfile", "imageReference"]);
        let windows = props.at(&["osProfile", "windowsConfiguration"]).is_some()
            || image.and_then(|i| i.get("publisher")).and_then(Node::as_str).is_some_and(|p| p.to_ascii_lowercase().contains("windows"));
        let field = |k: &str| image.and_then(|i| i.get(k)).and_then(Node::as_str).map(str::to_string);
        let mut image_block = None;
        match (field("publisher"), field("offer"), field("sku")) {
            (Some(publisher), Some(offer), Some(sku)) => {
                let version = field("version").filter(|v| !v.eq_ignore_ascii_case("latest"));
                let images = std_images();
                let known = images
                    .iter()
                    .find(|(_, p, o, s)| p.eq_ignore_ascii_case(&publisher) && o.eq_ignore_ascii_case(&offer) && s.eq_ignore_ascii_case(&sku));
                match (known, version) {
                    (Some((name, ..)), None) => line(format!("image = {name}"), image),
                    (_, version) => {
                        let name = self.names.claim(&format!("{block}-image"));
                        let generation =
                            if sku.to_ascii_lowercase().contains("gen2") || props.at(&["securityProfile", "securityType"]).is_some() { 2 } else { 1 };
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
                    format!("machine `{}`'s image is no Marketplace image known before deployment; the plan says `{stand_in}` in its place", who),
                );
                line(format!("image = {stand_in}"), image);
            }
        }
        (windows, image_block, lines)
    }

    /// The OS profile of `who` but its computer name: administrator, password,
    /// SSH key, patch mode and time zone.
    pub(super) fn os_profile_of(&mut self, who: &str, props: &Node, windows: bool, in_update_group: bool) -> Vec<Line> {
        let mut lines: Vec<Line> = Vec::new();
        let mut line = |text: String, from: Option<&Node>| lines.push((text, from.cloned()));
        // The operating system's profile: user, password, SSH key, computer name.
        let os = props.get("osProfile");
        let user = os.and_then(|o| o.get("adminUsername"));
        match user.map(|u| &u.value) {
            Some(Value::Str(u)) if u != "azureadmin" => line(format!("admin_user = {}", string_literal(u)), user),
            Some(Value::Str(_)) | None => {}
            Some(_) => self.note(
                user.unwrap_or(props),
                format!("machine `{}`'s administrator name is not known before deployment; the plan's default, `azureadmin`, stands in", who),
            ),
        }
        // A profile not known before deployment (a module builds it with
        // functions the import leaves to Azure): a Windows machine still has a
        // password, given at deployment as far as the plan can tell.
        let unknown_profile = os.filter(|o| matches!(o.value, Value::Unknown(_)));
        if let Some(profile) = unknown_profile {
            self.note(
                profile,
                format!("machine `{who}`'s OS profile is not known before deployment: its administrator, password and settings are not read"),
            );
        }
        if let Some(password) = os.and_then(|o| o.get("adminPassword")).or(unknown_profile.filter(|_| windows)) {
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
                        who, who
                    ),
                );
                    ((String::new(), PLACEHOLDER_VAULT.to_string()), format!("{}-admin-password", who))
                }
            };
            let vault_block = self.vault_block(&vault_key);
            line(format!("admin = secret({vault_block}, {})", string_literal(&secret)), Some(password));
        }
        let keys = os.and_then(|o| o.at(&["linuxConfiguration", "ssh", "publicKeys"])).map(|k| k.items().to_vec()).unwrap_or_default();
        if let Some(key) = keys.first().and_then(|k| k.get("keyData")) {
            match key.as_str() {
                Some(k) => line(format!("ssh_key = {}", string_literal(k)), Some(key)),
                None => self.note(key, format!("machine `{}`'s SSH key is given at deployment; left out: write it as `ssh_key`", who)),
            }
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
            if let Some(word) = word.filter(|w| !in_update_group || *w != "automatic_by_platform") {
                line(format!("patch_mode = {word}"), config.and_then(|c| c.at(&["patchSettings", "patchMode"])));
            }
        }
        if let Some(tz) = config.and_then(|c| c.get("timeZone")).and_then(Node::as_str) {
            line(format!("time_zone = {}", string_literal(tz)), config.and_then(|c| c.get("timeZone")));
        }

        lines
    }

    /// The OS disk's type, size, ephemeral placement and caching, and empty data disks.
    pub(super) fn disks_of(&mut self, who: &str, props: &Node) -> Vec<Line> {
        let mut lines: Vec<Line> = Vec::new();
        let mut line = |text: String, from: Option<&Node>| lines.push((text, from.cloned()));
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
                            format!("machine `{}`'s ephemeral OS disk names no placement, which Azure picks by size; imported as `cache`", who),
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
                self.note(d, format!("machine `{}`'s data disk {} is not an empty disk of a known size; left out", who, n + 1));
                continue;
            };
            // A data disk's Azure name is `{machine}-{disk}`: the block's name is the rest.
            let own = d.get("name").and_then(Node::as_str).and_then(|x| x.strip_prefix(&format!("{}-", who))).map(ident);
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

        lines
    }
}
