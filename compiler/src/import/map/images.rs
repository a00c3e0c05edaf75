//! Azure Compute Galleries to `gallery` blocks, their image definitions to
//! `image` blocks, and an image version made from a source the template
//! names (a managed image, a machine, another gallery's version, or an image
//! of the template's) to the image's `version` and `source`, the source as an
//! `existing` block. An Image Builder template that distributes to an image
//! becomes the image's `build` ([`super::image_builds`]).

use super::{ident, string_literal, write_common, write_names, Common, Context, Mapper, Node, Resource};
use std::collections::HashMap;

const GALLERY: &str = "Microsoft.Compute/galleries";
const IMAGE: &str = "Microsoft.Compute/galleries/images";
const VERSION: &str = "Microsoft.Compute/galleries/images/versions";

/// (resource group, type's last segment, names) of a resource ID, as written in it.
fn id_parts(id: &str) -> Option<(String, Vec<String>)> {
    let parts: Vec<&str> = id.split('/').collect();
    let group = parts.iter().position(|p| p.eq_ignore_ascii_case("resourceGroups")).and_then(|i| parts.get(i + 1))?.to_string();
    let providers = parts.iter().position(|p| p.eq_ignore_ascii_case("providers"))?;
    // After the namespace come type and name pairs.
    let names: Vec<String> = parts[providers + 2..].iter().skip(1).step_by(2).map(|s| s.to_string()).collect();
    Some((group, names))
}

impl Mapper {
    /// `gallery` and `image` blocks, with the `existing` blocks their versions come from.
    pub(super) fn images(&mut self, cx: &Context, common: &dyn Fn(&Resource, &mut Mapper) -> Common) {
        let rs = cx.resources;
        let group_of = |r: &Resource| r.group.clone().unwrap_or_else(|| cx.default_group.clone());
        let mut galleries: HashMap<String, (String, Option<String>)> = HashMap::new();
        // The galleries' images by `gallery/image`, for the builds that name them.
        let gallery_of_image: HashMap<String, String> = rs
            .iter()
            .filter(|r| r.is(IMAGE))
            .map(|r| (r.name.to_ascii_lowercase(), r.name.split('/').next().unwrap_or("").to_ascii_lowercase()))
            .collect();
        let builders = self.builder_identities(rs, &gallery_of_image);
        for (i, r) in rs.iter().enumerate().filter(|(_, r)| r.is(GALLERY)) {
            self.used[i] = true;
            let builder = builders.get(&r.name.to_ascii_lowercase());
            let block = self.names.claim(builder.and_then(|(_, b)| b.as_deref()).unwrap_or(&r.name));
            let c = common(r, self);
            let home = r.node.get("location").and_then(Node::as_str).map(super::region);
            galleries.insert(r.name.to_ascii_lowercase(), (block.clone(), home));
            let group = group_of(r);
            let description = r.props().and_then(|p| p.get("description")).and_then(Node::as_str).map(str::to_string);
            let w = self.file(&group);
            w.line(0, &format!("gallery {block} {{"), Some(&r.node));
            w.line(1, &format!("resource_group = {}", string_literal(&group)), None);
            write_common(w, &c);
            if let Some(d) = description {
                w.line(1, &format!("description = {}", string_literal(&d)), None);
            }
            let mut names = vec![("gallery", r.name.as_str())];
            if let Some((b, _)) = builder.filter(|(b, _)| *b != format!("{block}-builder")) {
                names.push(("builder_identity", b.as_str()));
            }
            write_names(w, &block, &names);
            w.line(0, "}", None);
        }

        // Image definitions: the template's images by their full name, for a version made from one.
        let mut blocks: HashMap<String, String> = HashMap::new();
        let definitions: Vec<(usize, &Resource)> = rs.iter().enumerate().filter(|(_, r)| r.is(IMAGE)).collect();
        for (_, r) in &definitions {
            if galleries.contains_key(&r.name.split('/').next().unwrap_or("").to_ascii_lowercase()) {
                let built = self.built_block_name(rs, &r.name);
                let block = self.names.claim(built.as_deref().unwrap_or(r.leaf()));
                blocks.insert(r.name.to_ascii_lowercase(), block);
            }
        }
        let mut existing: Vec<String> = Vec::new();
        let mut existing_blocks: HashMap<String, String> = HashMap::new();
        let std_images = super::machines::std_images();
        for (i, r) in definitions {
            let gallery_name = r.name.split('/').next().unwrap_or("").to_ascii_lowercase();
            let (Some((gallery, gallery_region)), Some(block)) =
                (galleries.get(&gallery_name).cloned(), blocks.get(&r.name.to_ascii_lowercase()).cloned())
            else {
                continue;
            };
            let Some(p) = r.props() else { continue };
            self.used[i] = true;
            let c = common(r, self);
            let text = |n: Option<&Node>| n.and_then(Node::as_str).map(str::to_string);
            let mut lines: Vec<(String, Option<Node>)> = vec![(format!("gallery = {gallery}"), None)];
            let windows = text(p.get("osType")).is_some_and(|o| o.eq_ignore_ascii_case("windows"));
            lines.push((format!("os = {}", if windows { "windows" } else { "linux" }), p.get("osType").cloned()));
            if text(p.get("osState")).is_some_and(|s| s.eq_ignore_ascii_case("specialized")) {
                lines.push(("state = specialized".into(), p.get("osState").cloned()));
            }
            if text(p.get("hyperVGeneration")).is_some_and(|g| g.eq_ignore_ascii_case("V1")) {
                lines.push(("generation = 1".into(), p.get("hyperVGeneration").cloned()));
            }
            let trusted = p.get("features").is_some_and(|f| {
                f.items().iter().any(|x| {
                    text(x.get("name")).is_some_and(|n| n.eq_ignore_ascii_case("SecurityType"))
                        && text(x.get("value")).is_some_and(|v| v.eq_ignore_ascii_case("TrustedLaunch"))
                })
            });
            if trusted {
                lines.push(("trusted_launch = true".into(), p.get("features").cloned()));
            }
            if let Some(id) = p.get("identifier") {
                let part = |k: &str| text(id.get(k)).map(|v| format!("{k} = {}", string_literal(&v)));
                let parts: Vec<String> = ["publisher", "offer", "sku"].iter().filter_map(|k| part(k)).collect();
                lines.push((format!("identity {{ {} }}", parts.join("  ")), Some(id.clone())));
            }
            if let Some(d) = text(p.get("description")) {
                lines.push((format!("description = {}", string_literal(&d)), p.get("description").cloned()));
            }
            if let Some(eol) = text(p.get("endOfLifeDate")) {
                lines.push((format!("end_of_life = {}", string_literal(&eol)), p.get("endOfLifeDate").cloned()));
            }
            for (path, attr) in [
                (["vCPUs", "min"], "min_vcpus"),
                (["vCPUs", "max"], "max_vcpus"),
                (["memory", "min"], "min_memory"),
                (["memory", "max"], "max_memory"),
            ] {
                if let Some(n) = p.get("recommended").and_then(|x| x.at(&path)).and_then(Node::as_i64) {
                    lines.push((format!("{attr} = {n}"), p.get("recommended").cloned()));
                }
            }

            // Built by Image Builder: the template's source, build and distribution.
            let windows_image = windows;
            let generation = if text(p.get("hyperVGeneration")).is_some_and(|g| g.eq_ignore_ascii_case("V1")) { 1 } else { 2 };
            let mut marketplace = |me: &mut Mapper, publisher: &str, offer: &str, sku: &str, version: Option<&str>| -> String {
                let known = std_images
                    .iter()
                    .find(|(_, p, o, s)| p.eq_ignore_ascii_case(publisher) && o.eq_ignore_ascii_case(offer) && s.eq_ignore_ascii_case(sku));
                if let (Some((name, ..)), None) = (known, version) {
                    return name.clone();
                }
                let name = me.names.claim(&format!("{block}-source"));
                let mut text = format!(
                    "marketplace_image {name} {{ publisher = {}  offer = {}  sku = {}  os = {}  generation = {generation}",
                    string_literal(publisher),
                    string_literal(offer),
                    string_literal(sku),
                    if windows_image { "windows" } else { "linux" }
                );
                if let Some(v) = version {
                    text.push_str(&format!("  version = {}", string_literal(v)));
                }
                text.push_str(" }");
                existing.push(text);
                name
            };
            let built = self.image_build(rs, &r.name, gallery_region.as_deref(), &blocks, &mut marketplace);
            if built.is_some() {
                self.gallery_images.insert(r.name.to_ascii_lowercase(), block.clone());
            }

            // A version made from a source, not by Image Builder: the first one.
            let prefix = format!("{}/", r.name.to_ascii_lowercase());
            let versions: Vec<(usize, &Resource)> =
                rs.iter().enumerate().filter(|(_, v)| v.is(VERSION) && v.name.to_ascii_lowercase().starts_with(&prefix)).collect();
            if let (Some(&(j, v)), None) = (versions.first(), &built) {
                if let Some(source) = self.version_source(v, &blocks, &mut existing, &mut existing_blocks) {
                    self.used[j] = true;
                    lines.push((format!("source = {source}"), v.props().and_then(|p| p.get("storageProfile")).cloned()));
                    lines.push((format!("version = {}", v.leaf()), v.node.get("name").cloned()));
                    let profile = v.props().and_then(|p| p.get("publishingProfile"));
                    let regions: Vec<String> = profile
                        .and_then(|p| p.get("targetRegions"))
                        .map(|t| t.items().iter().filter_map(|x| x.get("name").and_then(Node::as_str)).map(super::region).collect())
                        .unwrap_or_default();
                    // Only the gallery's region is the default.
                    let home_only = matches!(regions.as_slice(), [one] if gallery_region.as_deref() == Some(one.as_str()));
                    if !regions.is_empty() && !home_only {
                        lines.push((format!("replicate_to = [{}]", regions.join(", ")), profile.and_then(|p| p.get("targetRegions")).cloned()));
                    }
                    if let Some(n) = profile.and_then(|p| p.get("replicaCount")).and_then(Node::as_i64).filter(|n| *n != 1) {
                        lines.push((format!("replicas = {n}"), profile.and_then(|p| p.get("replicaCount")).cloned()));
                    }
                    if profile.and_then(|p| p.get("excludeFromLatest")).and_then(Node::as_bool) == Some(true) {
                        lines.push(("exclude_from_latest = true".into(), profile.and_then(|p| p.get("excludeFromLatest")).cloned()));
                    }
                }
                for &(_, other) in versions.iter().skip(1) {
                    self.note(&other.node, format!("image `{}` has several versions; an image block makes one, the first", r.name));
                }
            }

            let group = group_of(r);
            let w = self.file(&group);
            w.line(0, &format!("image {block} {{"), Some(&r.node));
            write_common(w, &c);
            for (text, from) in &lines {
                w.line(1, text, from.as_ref());
            }
            let mut names = vec![("image_definition", r.leaf())];
            if let Some(b) = &built {
                for (indent, text, from) in &b.lines {
                    w.line(*indent, text, from.as_ref());
                }
                if b.template_name != block {
                    names.push(("image_template", b.template_name.as_str()));
                }
            }
            write_names(w, &block, &names);
            w.line(0, "}", None);
        }
        for text in existing {
            self.file("settings").line(0, &text, None);
        }
    }

    /// The `source` of a version made from an ID, with the `existing` block
    /// it names; `None` (reported) for one built by Image Builder or read at
    /// deployment.
    fn version_source(
        &mut self,
        v: &Resource,
        blocks: &HashMap<String, String>,
        existing: &mut Vec<String>,
        existing_blocks: &mut HashMap<String, String>,
    ) -> Option<String> {
        let source = v.props().and_then(|p| p.at(&["storageProfile", "source"]))?;
        let (id, machine) = match (source.get("id").and_then(Node::as_str), source.get("virtualMachineId").and_then(Node::as_str)) {
            (Some(id), _) => (id.to_string(), false),
            (None, Some(id)) => (id.to_string(), true),
            _ => {
                self.note(source, format!("image version `{}`'s source is not known before deployment; the version stays a comment", v.name));
                return None;
            }
        };
        let lower = id.to_ascii_lowercase();
        let (group, names) = id_parts(&id)?;
        // An image of the template's own.
        if lower.contains("/microsoft.compute/galleries/") && names.len() == 3 {
            if let Some(block) = blocks.get(&format!("{}/{}", names[0], names[1]).to_ascii_lowercase()) {
                return Some(block.clone());
            }
        }
        let (word, body) = if machine {
            ("virtual_machine", format!("name = {}", string_literal(names.last()?)))
        } else if lower.contains("/microsoft.compute/images/") {
            ("managed_image", format!("name = {}", string_literal(names.last()?)))
        } else if lower.contains("/microsoft.compute/galleries/") && names.len() == 3 {
            ("image_version", format!("gallery = {}  image = {}  version = {}", string_literal(&names[0]), string_literal(&names[1]), names[2]))
        } else {
            self.note(
                source,
                format!("image version `{}`'s source `{id}` is no managed image, machine or gallery version; the version stays a comment", v.name),
            );
            return None;
        };
        let key = lower.clone();
        if let Some(b) = existing_blocks.get(&key) {
            return Some(b.clone());
        }
        let own = if word == "image_version" { names.get(1) } else { names.last() };
        let block = self.names.claim(&ident(own.map_or("source", String::as_str)));
        existing.push(format!("existing {word} {block} {{ {body}  resource_group = {} }}", string_literal(&group)));
        existing_blocks.insert(key, block.clone());
        Some(block)
    }
}
