use crate::blocks::images::{build_of, gallery_of, region_span};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::NodeId;

declare_codes! {
    /// ## What it does
    /// Warns about a gallery whose images are built in a region where Azure VM
    /// Image Builder does not run. An image template is deployed in its
    /// gallery's region. The list of regions is Microsoft Learn's ("Create an
    /// Azure Image Builder Bicep or ARM template JSON template", Location); a
    /// warning, since the service reaches new regions over time.
    ///
    /// ## Why it matters
    /// Azure refuses an image template in a region without Image Builder when
    /// the deployment reaches it, after the gallery and its definitions exist.
    ///
    /// ## Example
    /// ```ashlar
    /// gallery corp { resource_group = "rg-images"  location = chilecentral }
    /// image web { gallery = corp  build { ... }  ... }
    /// ```
    ///
    /// ## Fix
    /// Put the gallery in a region Image Builder runs in, and replicate the
    /// images to the regions you need with `replicate_to`.
    pub IMAGE_BUILDER_REGION = ("ASH441", "image-builder-region", Warning);
}

pub const CHECK: Check = Check { code: &IMAGE_BUILDER_REGION, run };

/// The public regions Azure VM Image Builder runs in (Microsoft Learn, image-builder-json, "Location").
pub const IMAGE_BUILDER_REGIONS: &[&str] = &[
    "australiaeast",
    "australiasoutheast",
    "brazilsouth",
    "canadacentral",
    "centralindia",
    "centralus",
    "eastasia",
    "eastus",
    "eastus2",
    "francecentral",
    "germanywestcentral",
    "israelcentral",
    "italynorth",
    "japaneast",
    "jioindiawest",
    "koreacentral",
    "newzealandnorth",
    "northcentralus",
    "northeurope",
    "norwayeast",
    "polandcentral",
    "qatarcentral",
    "southafricanorth",
    "southcentralus",
    "southeastasia",
    "swedencentral",
    "switzerlandnorth",
    "uaenorth",
    "uksouth",
    "ukwest",
    "westcentralus",
    "westeurope",
    "westus",
    "westus2",
    "westus3",
];

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let mut reported: Vec<NodeId> = Vec::new();
    for (id, _) in model.of_kind("image") {
        let Some(build) = build_of(model, id) else { continue };
        let Some(gallery) = gallery_of(model, id) else { continue };
        let Some(region) = model.location(gallery) else { continue };
        if IMAGE_BUILDER_REGIONS.contains(&region) || reported.contains(&gallery) {
            continue;
        }
        reported.push(gallery);
        out.push(
            Diagnostic::new(
                &IMAGE_BUILDER_REGION,
                region_span(model, gallery),
                format!("Azure VM Image Builder does not run in {region}, where {} would build {}", model.describe(gallery), model.describe(id)),
            )
            .with_label(model.node(build).head, "built here")
            .with_help(format!(
                "put the gallery in a region Image Builder runs in ({}), and reach {region} with `replicate_to`",
                nearby(region).join(", ")
            )),
        );
    }
}

/// Image Builder regions of the same country or area as `region`
/// (`germanynorth`: `germanywestcentral`), else a few common ones.
fn nearby(region: &str) -> Vec<&'static str> {
    let area = |r: &str| {
        let mut a = r.trim_end_matches(|c: char| c.is_ascii_digit()).to_string();
        for word in ["north", "south", "east", "west", "central"] {
            a = a.replace(word, "");
        }
        a
    };
    let own = area(region);
    let close: Vec<&'static str> = IMAGE_BUILDER_REGIONS.iter().copied().filter(|r| !own.is_empty() && area(r) == own).collect();
    if close.is_empty() {
        vec!["westeurope", "northeurope", "eastus", "southeastasia"]
    } else {
        close
    }
}

#[cfg(test)]
mod tests {
    use super::nearby;
    use crate::check::test_support::diagnostics;

    fn plan(location: &str) -> String {
        format!(
            "settings {{ location = uksouth }}\ngallery corp {{ resource_group = \"rg\"  location = {location} }}\nimage a {{\n gallery = corp\n os = linux\n source = ubuntu_2404\n build {{}}\n}}\nimage b {{\n gallery = corp\n os = linux\n source = ubuntu_2404\n build {{}}\n}}\n"
        )
    }

    #[test]
    fn a_region_without_image_builder_is_a_warning_once_per_gallery() {
        let found = diagnostics(&plan("chilecentral"), "ASH441");
        assert_eq!(found.len(), 1);
        assert!(!found[0].is_error());
        assert_eq!(found[0].message, "Azure VM Image Builder does not run in chilecentral, where gallery `corp` would build image `a`");
        assert!(diagnostics(&plan("westeurope"), "ASH441").is_empty());
    }

    #[test]
    fn nearby_regions_share_the_area() {
        assert_eq!(nearby("germanynorth"), ["germanywestcentral"]);
        assert_eq!(nearby("southindia"), ["centralindia"]);
        assert_eq!(nearby("australiacentral2"), ["australiaeast", "australiasoutheast"]);
        assert_eq!(nearby("chilecentral"), ["westeurope", "northeurope", "eastus", "southeastasia"]);
    }
}
