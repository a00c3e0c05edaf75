//! Azure names derived from block names, through the plan's `naming` block.
//!
//! Without one, a virtual network is named like its block, a subnet like its
//! block, a peering `{vnet}-to-{remote}`, a private endpoint like its block and
//! a private DNS zone's link like the virtual network it links. A gallery and
//! an image definition are named like their blocks, the identity Image Builder
//! runs as `{name}-builder` after its gallery, and an image template like its
//! image, with a hash of the template's content after it. `use std.naming.caf` brings the
//! Cloud Adoption Framework's patterns.

use crate::model::{Model, NodeId};

/// Placeholders a naming pattern may use.
pub const PLACEHOLDERS: &[&str] = &["name", "vnet", "remote", "location"];

pub struct Names<'a> {
    model: &'a Model,
}

impl<'a> Names<'a> {
    pub fn new(model: &'a Model) -> Self {
        Names { model }
    }

    fn pattern(&self, attr: &str, default: &'static str) -> String {
        self.model.unique("naming").and_then(|n| n.str(attr)).unwrap_or(default).to_string()
    }

    /// The virtual network of a hub, spoke or vnet.
    pub fn vnet(&self, network: NodeId) -> String {
        let pattern = self.pattern("virtual_network", "{name}");
        self.fill(&pattern, network, &[])
    }

    pub fn subnet(&self, subnet: NodeId) -> String {
        // Azure requires these exact names; a pattern must not touch them.
        let name = self.model.node(subnet).name();
        if crate::networking::is_reserved_subnet(name) {
            return name.to_string();
        }
        let pattern = self.pattern("subnet", "{name}");
        self.fill(&pattern, subnet, &[])
    }

    /// The peering that lives on `local`'s virtual network and points at `remote`.
    pub fn peering(&self, local: NodeId, remote: NodeId) -> String {
        let pattern = self.pattern("peering", "{vnet}-to-{remote}");
        let vnet = self.vnet(local);
        let remote = self.vnet(remote);
        self.fill(&pattern, local, &[("vnet", &vnet), ("remote", &remote)])
    }

    /// A private endpoint.
    pub fn private_endpoint(&self, endpoint: NodeId) -> String {
        let pattern = self.pattern("private_endpoint", "{name}");
        self.fill(&pattern, endpoint, &[])
    }

    /// The link of a `private_dns` block's zone to a network.
    pub fn private_dns_link(&self, dns: NodeId, network: NodeId) -> String {
        let pattern = self.pattern("private_dns_link", "{vnet}");
        let vnet = self.vnet(network);
        self.fill(&pattern, dns, &[("vnet", &vnet)])
    }

    /// An Azure Compute Gallery.
    pub fn gallery(&self, gallery: NodeId) -> String {
        let pattern = self.pattern("gallery", "{name}");
        self.fill(&pattern, gallery, &[])
    }

    /// An image definition in its gallery.
    pub fn image_definition(&self, image: NodeId) -> String {
        let pattern = self.pattern("image_definition", "{name}");
        self.fill_in_gallery(&pattern, image)
    }

    /// The managed identity Image Builder runs as for the images of a gallery.
    pub fn builder_identity(&self, gallery: NodeId) -> String {
        let pattern = self.pattern("builder_identity", "{name}-builder");
        self.fill(&pattern, gallery, &[])
    }

    /// The image template that builds an image, before the content hash that
    /// [`crate::blocks::images`] appends: templates cannot be updated, so each
    /// content gets its own name.
    pub fn image_template(&self, image: NodeId) -> String {
        let pattern = self.pattern("image_template", "{name}");
        self.fill_in_gallery(&pattern, image)
    }

    /// Fills a pattern of an image, whose `{location}` is its gallery's region.
    fn fill_in_gallery(&self, pattern: &str, image: NodeId) -> String {
        let location = self.model.node(image).reference("gallery").and_then(|g| self.model.location(g));
        let pattern = location.map_or_else(|| pattern.to_string(), |l| pattern.replace("{location}", l));
        self.fill(&pattern, image, &[])
    }

    fn fill(&self, pattern: &str, id: NodeId, extra: &[(&str, &str)]) -> String {
        let node = self.model.node(id);
        let mut out = pattern.replace("{name}", node.name());
        if let Some(location) = self.model.location(id) {
            out = out.replace("{location}", location);
        }
        for (key, value) in extra {
            out = out.replace(&format!("{{{key}}}"), value);
        }
        out
    }
}
