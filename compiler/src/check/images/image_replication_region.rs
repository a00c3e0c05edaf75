use crate::blocks::images::{gallery_of, region_span, replicate_to};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Checks an image's `replicate_to`: it must include the region of the
    /// image's gallery, and name each region once.
    ///
    /// ## Why it matters
    /// Image Builder creates a new image version in the gallery's region and
    /// replicates it from there; a target list without that region, or with a
    /// region twice, fails the build when it distributes the image, after the
    /// whole customisation has run.
    ///
    /// ## Example
    /// ```ashlar
    /// gallery corp { resource_group = "rg-images"  location = uksouth }
    /// image web {
    ///   gallery      = corp
    ///   replicate_to = [ukwest, northeurope]
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Add the gallery's region to `replicate_to` (`[uksouth, ukwest, northeurope]`),
    /// and remove repeated regions. Without `replicate_to`, a build stays in the
    /// gallery's region.
    pub IMAGE_REPLICATION_REGION = ("ASH430", "image-replication-region", Error);
}

pub const CHECK: Check = Check { code: &IMAGE_REPLICATION_REGION, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind("image") {
        let regions = replicate_to(node);
        let Some(attr) = node.get("replicate_to") else { continue };
        for (n, (region, span)) in regions.iter().enumerate() {
            if let Some((_, first)) = regions[..n].iter().find(|(r, _)| r == region) {
                out.push(
                    Diagnostic::new(&IMAGE_REPLICATION_REGION, *span, format!("`replicate_to` of {} names {region} twice", model.describe(id)))
                        .with_label(*first, "first named here")
                        .with_help(format!("remove the second `{region}`: a version has one replica set per region; `replicas` sets its size")),
                );
            }
        }
        let Some(gallery) = gallery_of(model, id) else { continue };
        let Some(home) = model.location(gallery) else { continue };
        if regions.is_empty() || regions.iter().any(|(r, _)| *r == home) {
            continue;
        }
        out.push(
            Diagnostic::new(
                &IMAGE_REPLICATION_REGION,
                attr.span,
                format!("`replicate_to` of {} leaves out {home}, the region of its {}", model.describe(id), model.describe(gallery)),
            )
            .with_label(region_span(model, gallery), format!("{} is in {home}", model.describe(gallery)))
            .with_help(format!(
                "add `{home}` to `replicate_to`: Image Builder creates each version in the gallery's region and replicates it from there"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(replicate: &str) -> String {
        format!(
            "settings {{ location = uksouth }}\ngallery corp {{ resource_group = \"rg\" }}\nimage web {{\n gallery = corp\n os = linux\n source = ubuntu_2404\n {replicate}\n build {{ shell = [\"true\"] }}\n}}\n"
        )
    }

    #[test]
    fn the_gallery_region_must_be_a_target() {
        assert!(messages(&plan("replicate_to = [ukwest, uksouth]"), "ASH430").is_empty());
        assert!(messages(&plan(""), "ASH430").is_empty());
        assert_eq!(
            messages(&plan("replicate_to = [ukwest]"), "ASH430"),
            ["`replicate_to` of image `web` leaves out uksouth, the region of its gallery `corp`"]
        );
    }

    #[test]
    fn a_region_is_named_once() {
        assert_eq!(messages(&plan("replicate_to = [uksouth, ukwest, uksouth]"), "ASH430"), ["`replicate_to` of image `web` names uksouth twice"]);
    }
}
