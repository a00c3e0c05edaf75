//! Azure VM Image Builder templates (`Microsoft.VirtualMachineImages/imageTemplates`)
//! back to the `build { ... }` of the gallery image they distribute to, with
//! the image's `source`, `version`, `replicate_to`, `replicas` and
//! `exclude_from_latest` as the template says them; and the user-assigned
//! identity the templates run as, with its Contributor role assignment, back
//! to the gallery (ashlar writes one of each per gallery of built images).
//!
//! The customizers are read as ashlar writes them (`blocks/images.rs`): `File`
//! (`sourceUri`, `destination`, `sha256Checksum`), `PowerShell` and `Shell`
//! (`inline`), `WindowsRestart`, and `WindowsUpdate` followed by a restart.
//! Anything else a template holds (another customizer, a script by URI, a
//! source or distribution of another kind, a second distribution) is
//! reported (`ASH021`), and a template whose image or source cannot be named
//! stays a comment (`ASH022`).

use super::{string_literal, Mapper, Node, Resource, Value};
use std::collections::HashMap;

pub(super) const TEMPLATE: &str = "Microsoft.VirtualMachineImages/imageTemplates";
const IDENTITY: &str = "Microsoft.ManagedIdentity/userAssignedIdentities";
const ROLE_ASSIGNMENT: &str = "Microsoft.Authorization/roleAssignments";

/// The text of a string, known or not: an ID or the expression that makes it.
fn text(node: &Node) -> Option<&str> {
    match &node.value {
        Value::Str(s) | Value::Unknown(s) => Some(s),
        _ => None,
    }
}

/// (gallery, image, version) of a gallery image version's ID, as an ID or as
/// the `resourceId(...)` expression that makes one.
pub(super) fn gallery_image_version(id: &str) -> Option<(String, String, Option<String>)> {
    let lower = id.to_ascii_lowercase();
    if let Some(at) = lower.find("/providers/microsoft.compute/galleries/") {
        let rest = &id[at + "/providers/microsoft.compute/galleries/".len()..];
        let parts: Vec<&str> = rest.split('/').collect();
        return match parts.as_slice() {
            [g, images, i] if images.eq_ignore_ascii_case("images") => Some((g.to_string(), i.to_string(), None)),
            [g, images, i, versions, v] if images.eq_ignore_ascii_case("images") && versions.eq_ignore_ascii_case("versions") => {
                Some((g.to_string(), i.to_string(), Some(v.to_string())))
            }
            _ => None,
        };
    }
    // `resourceId([group,] 'Microsoft.Compute/galleries/images[/versions]', 'g', 'i'[, 'v'])`
    let at = lower.find("'microsoft.compute/galleries/images")?;
    let args: Vec<String> = id[at..].split(',').skip(1).map(|a| a.trim().trim_end_matches([')', ']']).trim_matches('\'').to_string()).collect();
    match args.as_slice() {
        [g, i] => Some((g.clone(), i.clone(), None)),
        [g, i, v, ..] => Some((g.clone(), i.clone(), Some(v.clone()))),
        _ => None,
    }
}

/// Names a platform image: (mapper, publisher, offer, SKU, version other than
/// `latest`) to a `std.images` name or a `marketplace_image` block's.
pub(super) type Marketplace<'a> = dyn FnMut(&mut Mapper, &str, &str, &str, Option<&str>) -> String + 'a;

/// What an image's block says from the template that builds it.
pub(super) struct Built {
    pub lines: Vec<(usize, String, Option<Node>)>,
    /// The template's name before its content hash, when not the image block's.
    pub template_name: String,
}

impl Mapper {
    /// The builder identities of the galleries whose images are built, by
    /// gallery (lower-case Azure name): the identity's name, and the gallery's
    /// block name as the role assignment's description gives it (ashlar
    /// writes "Azure VM Image Builder writes the images of gallery NAME").
    /// Marks the identities and their role assignments read.
    pub(super) fn builder_identities(
        &mut self,
        rs: &[Resource],
        gallery_of_image: &HashMap<String, String>,
    ) -> HashMap<String, (String, Option<String>)> {
        let mut out = HashMap::new();
        for t in rs.iter().filter(|r| r.is(TEMPLATE)) {
            let Some(image) = self.template_image(t) else { continue };
            let Some(gallery) = gallery_of_image.get(&image.0.to_ascii_lowercase()) else { continue };
            let keys: Vec<String> =
                t.node.at(&["identity", "userAssignedIdentities"]).map(|u| u.members().iter().map(|(k, _)| k.clone()).collect()).unwrap_or_default();
            for (j, id) in rs.iter().enumerate().filter(|(_, r)| r.is(IDENTITY)) {
                let quoted = format!("'{}'", id.name).to_ascii_lowercase();
                let slashed = format!("/{}", id.name).to_ascii_lowercase();
                if !keys.iter().any(|k| {
                    let k = k.to_ascii_lowercase();
                    k.contains(&quoted) || k.trim_end_matches([']', ')']).ends_with(&slashed)
                }) {
                    continue;
                }
                self.used[j] = true;
                let mut block = None;
                // Its Contributor role assignment, whose principal is the identity.
                for (k, role) in rs.iter().enumerate().filter(|(_, r)| r.is(ROLE_ASSIGNMENT)) {
                    let props = role.props();
                    let principal = props.and_then(|p| p.get("principalId")).and_then(text).unwrap_or("").to_ascii_lowercase();
                    let definition = props.and_then(|p| p.get("roleDefinitionId")).and_then(text).unwrap_or("").to_ascii_lowercase();
                    if principal.contains(&quoted) && definition.contains(crate::blocks::images::CONTRIBUTOR_ROLE) {
                        self.used[k] = true;
                        let said = props.and_then(|p| p.get("description")).and_then(Node::as_str);
                        block = said
                            .and_then(|d| d.strip_prefix(crate::blocks::images::BUILDER_ROLE_DESCRIPTION))
                            .filter(|b| super::is_ident(b))
                            .map(str::to_string);
                    }
                }
                out.insert(gallery.clone(), (id.name.clone(), block));
            }
        }
        out
    }

    /// The block name of the image `full` (`gallery/image`) that a template
    /// builds: its distribution's `runOutputName`, which ashlar writes as the
    /// image's block name, when it is one.
    pub(super) fn built_block_name(&self, rs: &[Resource], full: &str) -> Option<String> {
        let t = rs.iter().find(|r| r.is(TEMPLATE) && self.template_image(r).is_some_and(|(f, ..)| f.eq_ignore_ascii_case(full)))?;
        let name = t.props()?.get("distribute")?.items().first()?.get("runOutputName")?.as_str()?;
        super::is_ident(name).then(|| name.to_string())
    }

    /// The (gallery, image, version) a template distributes to.
    fn template_image(&self, t: &Resource) -> Option<(String, String, Option<String>)> {
        let d = t.props()?.get("distribute")?.items().first()?.clone();
        if !d.get("type").and_then(Node::as_str).is_some_and(|s| s.eq_ignore_ascii_case("SharedImage")) {
            return None;
        }
        let (g, i, v) = gallery_image_version(d.get("galleryImageId").and_then(text)?)?;
        Some((format!("{g}/{i}"), i, v))
    }

    /// The template that builds the image `full` (`gallery/image`, lower case),
    /// read into the image's lines; `None` when no template builds it.
    /// `source_of` names a source image: a std.images or marketplace block for
    /// a platform image, the template's image block for a gallery image.
    pub(super) fn image_build(
        &mut self,
        rs: &[Resource],
        full: &str,
        gallery_region: Option<&str>,
        image_blocks: &HashMap<String, String>,
        marketplace: &mut Marketplace,
    ) -> Option<Built> {
        let (i, t) =
            rs.iter().enumerate().find(|(_, r)| r.is(TEMPLATE) && self.template_image(r).is_some_and(|(f, ..)| f.eq_ignore_ascii_case(full)))?;
        let p = t.props()?;
        let (_, _, version) = self.template_image(t)?;
        let source = p.get("source")?;
        let kind = source.get("type").and_then(Node::as_str).unwrap_or("");
        let field = |k: &str| source.get(k).and_then(Node::as_str).map(str::to_string);
        let source_block = if kind.eq_ignore_ascii_case("PlatformImage") {
            let (Some(publisher), Some(offer), Some(sku)) = (field("publisher"), field("offer"), field("sku")) else {
                self.note(source, format!("image template `{}`'s source image is not known before deployment; it stays a comment", t.name));
                return None;
            };
            let v = field("version").filter(|v| !v.eq_ignore_ascii_case("latest"));
            marketplace(self, &publisher, &offer, &sku, v.as_deref())
        } else if kind.eq_ignore_ascii_case("SharedImageVersion") {
            let named = source.get("imageVersionId").and_then(text).and_then(gallery_image_version);
            match named.and_then(|(g, i, _)| image_blocks.get(&format!("{g}/{i}").to_ascii_lowercase()).cloned()) {
                Some(b) => b,
                None => {
                    self.note(
                        source,
                        format!("image template `{}` builds from a gallery image the template does not deploy; it stays a comment", t.name),
                    );
                    return None;
                }
            }
        } else {
            self.note(source, format!("image template `{}`'s source of type `{kind}` is not one a plan writes; it stays a comment", t.name));
            return None;
        };
        self.used[i] = true;

        let mut build: Vec<(usize, String, Option<Node>)> = vec![(1, "build {".into(), None)];
        let strings = |n: &Node| -> Vec<String> {
            n.get("inline").map(|a| a.items().iter().filter_map(Node::as_str).map(string_literal).collect()).unwrap_or_default()
        };
        let list = |key: &str, items: Vec<String>, from: &Node, out: &mut Vec<(usize, String, Option<Node>)>| {
            out.push((2, format!("{key} = ["), Some(from.clone())));
            for s in items {
                out.push((3, format!("{s},"), None));
            }
            out.push((2, "]".into(), None));
        };
        let customize = p.get("customize").map(|c| c.items().to_vec()).unwrap_or_default();
        let mut files = Vec::new();
        let (mut restart, mut update) = (false, false);
        for (n, c) in customize.iter().enumerate() {
            let ty = c.get("type").and_then(Node::as_str).unwrap_or("").to_ascii_lowercase();
            match ty.as_str() {
                "file" => {
                    let mut parts = Vec::new();
                    for (arm, key) in [("sourceUri", "source"), ("destination", "destination"), ("sha256Checksum", "sha256")] {
                        if let Some(v) = c.get(arm).and_then(Node::as_str) {
                            parts.push(format!("{key} = {}", string_literal(v)));
                        }
                    }
                    files.push(format!("{{ {} }}", parts.join("  ")));
                }
                "powershell" | "shell" if c.get("inline").is_some() && c.get("scriptUri").is_none() => {
                    let items = strings(c);
                    list(&ty, items, c, &mut build);
                }
                "windowsrestart" => {
                    // After Windows Update, the restart ashlar writes with it.
                    let after_update =
                        n > 0 && customize[n - 1].get("type").and_then(Node::as_str).is_some_and(|t| t.eq_ignore_ascii_case("WindowsUpdate"));
                    if !after_update {
                        restart = true;
                    }
                }
                "windowsupdate" => update = true,
                _ => self.note(c, format!("image template `{}`'s customizer `{ty}` is not one a plan writes; left out", t.name)),
            }
        }
        if !files.is_empty() {
            let mut head = vec![(2, "files = [".to_string(), p.get("customize").cloned())];
            head.extend(files.into_iter().map(|f| (3, format!("{f},"), None)));
            head.push((2, "]".into(), None));
            build.splice(1..1, head);
        }
        if restart {
            build.push((2, "restart = true".into(), None));
        }
        if update {
            build.push((2, "windows_update = true".into(), None));
        }
        if let Some(size) = p.at(&["vmProfile", "vmSize"]).and_then(Node::as_str) {
            build.push((2, format!("vm_size = {size}"), p.get("vmProfile").cloned()));
        }
        if let Some(minutes) = p.get("buildTimeoutInMinutes").and_then(Node::as_i64).filter(|m| *m > 0) {
            let duration = if minutes % 60 == 0 { format!("{}h", minutes / 60) } else { format!("{minutes}m") };
            build.push((2, format!("timeout = {duration}"), p.get("buildTimeoutInMinutes").cloned()));
        }
        build.push((1, "}".into(), None));

        let mut lines: Vec<(usize, String, Option<Node>)> = vec![(1, format!("source = {source_block}"), Some(source.clone()))];
        lines.extend(build);
        let distribute = p.get("distribute").map(|d| d.items().to_vec()).unwrap_or_default();
        let d = &distribute[0];
        if let Some(v) = version {
            lines.push((1, format!("version = {v}"), d.get("galleryImageId").cloned()));
        }
        let targets = d.get("targetRegions").map(|t| t.items().to_vec()).unwrap_or_default();
        let regions: Vec<String> = targets.iter().filter_map(|x| x.get("name").and_then(Node::as_str)).map(super::region).collect();
        let home_only = matches!(regions.as_slice(), [one] if gallery_region == Some(one.as_str()));
        if !regions.is_empty() && !home_only {
            lines.push((1, format!("replicate_to = [{}]", regions.join(", ")), d.get("targetRegions").cloned()));
        }
        if let Some(n) = targets.first().and_then(|x| x.get("replicaCount")).and_then(Node::as_i64) {
            lines.push((1, format!("replicas = {n}"), d.get("targetRegions").cloned()));
        }
        if let Some(b) = d.get("excludeFromLatest").and_then(Node::as_bool) {
            lines.push((1, format!("exclude_from_latest = {b}"), d.get("excludeFromLatest").cloned()));
        }
        for other in distribute.iter().skip(1) {
            self.note(other, format!("image template `{}` distributes to several places; a build distributes to its image alone, the first", t.name));
        }
        // The name before the content hash ashlar appends (`-` and 8 hexadecimal digits).
        let hash = crate::blocks::images::TEMPLATE_HASH_LEN;
        let template_name = match t.name.rsplit_once('-') {
            Some((base, h)) if h.len() == hash && h.chars().all(|c| c.is_ascii_hexdigit()) => base.to_string(),
            _ => {
                self.note(
                    t.node.get("name").unwrap_or(&t.node),
                    format!("image template `{}` is named without a content hash; a plan's build appends one", t.name),
                );
                t.name.clone()
            }
        };
        Some(Built { lines, template_name })
    }
}

impl Mapper {
    /// The `image` block a machine's image reference names: a gallery image
    /// that a build of the template makes.
    pub(super) fn gallery_image(&self, reference: Option<&Node>) -> Option<String> {
        let (g, i, _) = gallery_image_version(reference?.get("id").and_then(text)?)?;
        self.gallery_images.get(&format!("{g}/{i}").to_ascii_lowercase()).cloned()
    }
}
