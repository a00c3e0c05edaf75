use crate::blocks::images::{attr_span, build_of, gallery_region, image_regions, version_source};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a build, or a version made without one, that starts from a
    /// gallery image which is not available in the region the build runs in or
    /// the version is made in: the region of the image's gallery. A gallery
    /// image is available in its gallery's region and the regions of its
    /// `replicate_to`.
    ///
    /// ## Why it matters
    /// Image Builder reads a gallery source in its own region only; a source
    /// that is not replicated there fails the build after the deployment. A
    /// version made from another is refused when "the source ... is not in the
    /// same region as the gallery image being created" (Microsoft Learn,
    /// "Troubleshoot images in an Azure Compute Gallery").
    ///
    /// ## Example
    /// ```ashlar
    /// gallery base { resource_group = "rg-base"  location = westeurope }
    /// gallery apps { resource_group = "rg-apps"  location = uksouth }
    /// image hardened { gallery = base  ... }
    /// image web { gallery = apps  source = hardened  build { ... }  ... }
    /// ```
    ///
    /// ## Fix
    /// Add the building gallery's region to the source image's `replicate_to`.
    pub IMAGE_SOURCE_REGION = ("ASH440", "image-source-region", Error);
}

pub const CHECK: Check = Check { code: &IMAGE_SOURCE_REGION, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind("image") {
        let verb = if build_of(model, id).is_some() {
            "builds"
        } else if version_source(model, id).is_some() {
            "makes its version"
        } else {
            continue;
        };
        let (Some(source), Some(attr)) = (node.reference("source"), node.get("source")) else { continue };
        if !model.node(source).is("image") {
            continue;
        }
        let Some(region) = gallery_region(model, id) else { continue };
        let available = image_regions(model, source);
        if available.iter().any(|r| r == region) {
            continue;
        }
        out.push(
            Diagnostic::new(
                &IMAGE_SOURCE_REGION,
                attr.span,
                format!("{} {verb} in {region}, but its source {} is not replicated there", model.describe(id), model.describe(source)),
            )
            .with_label(attr_span(model.node(source), "replicate_to"), format!("{} is available in {}", model.describe(source), available.join(", ")))
            .with_help(format!("add `{region}` to `replicate_to` of {}", model.describe(source))),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(replicate: &str) -> String {
        format!(
            "settings {{ location = uksouth }}\ngallery base {{ resource_group = \"rg-base\"  location = westeurope }}\ngallery apps {{ resource_group = \"rg-apps\" }}\nimage hardened {{\n gallery = base\n os = linux\n source = ubuntu_2404\n {replicate}\n build {{}}\n}}\nimage web {{\n gallery = apps\n os = linux\n source = hardened\n build {{}}\n}}\n"
        )
    }

    #[test]
    fn a_gallery_source_is_replicated_to_the_build_region() {
        assert_eq!(messages(&plan(""), "ASH440"), ["image `web` builds in uksouth, but its source image `hardened` is not replicated there"]);
        assert!(messages(&plan("replicate_to = [westeurope, uksouth]"), "ASH440").is_empty());
        let copied = plan("version = 1.0.0").replace(" source = hardened\n build {}", " source = hardened\n version = 2.0.0");
        assert_eq!(
            messages(&copied, "ASH440"),
            ["image `web` makes its version in uksouth, but its source image `hardened` is not replicated there"]
        );
    }
}
