use crate::blocks::existing::VERSION_SOURCES;
use crate::blocks::images::{build_of, version};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Checks what an image's version is made from. With a `build` block, Azure
    /// VM Image Builder starts from the `source`: a `marketplace_image` or
    /// another gallery `image`. Without one, the deployment makes the version
    /// from the `source` itself: an `existing managed_image`, an `existing
    /// virtual_machine`, an `existing image_version`, or another gallery `image`
    /// with a `version`; the image then needs a `version` of its own, the new
    /// version's name.
    ///
    /// ## Why it matters
    /// An image version's source is "a VM, managed disk, snapshot, managed
    /// image, or another image version" (Microsoft Learn, "Store and share
    /// images in an Azure Compute Gallery"): a Marketplace image is none of
    /// them, and becomes a version only through a build. A version is named by
    /// its number, `MAJOR.MINOR.PATCH`, which Azure does not choose for a
    /// deployment; and another image gives a version to copy only when it names
    /// one.
    ///
    /// ## Example
    /// ```ashlar
    /// existing managed_image golden { resource_group = "rg-legacy" }
    ///
    /// image web {
    ///   gallery = corp
    ///   os      = windows
    ///   source  = golden
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give the image a `version = 1.0.0`; start a build from a Marketplace or
    /// gallery image, or remove the `build` block to make the version from an
    /// existing resource directly.
    pub IMAGE_VERSION_SOURCE = ("ASH444", "image-version-source", Error);
}

pub const CHECK: Check = Check { code: &IMAGE_VERSION_SOURCE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind("image") {
        let (Some(source), Some(attr)) = (node.reference("source"), node.get("source")) else { continue };
        let source_node = model.node(source);
        let what = model.describe(id);
        let existing = VERSION_SOURCES.iter().any(|k| source_node.is(k));
        if let Some(build) = build_of(model, id) {
            if existing {
                out.push(
                    Diagnostic::new(
                        &IMAGE_VERSION_SOURCE,
                        attr.span,
                        format!(
                            "the build of {what} cannot start from {}: a build starts from a marketplace_image or a gallery image",
                            model.describe(source)
                        ),
                    )
                    .with_label(model.node(build).head, "the build")
                    .with_help(format!("remove the `build` block to make the version from {} as it is", model.describe(source))),
                );
            }
            continue;
        }
        if source_node.is("marketplace_image") {
            out.push(
                Diagnostic::new(
                    &IMAGE_VERSION_SOURCE,
                    attr.span,
                    format!("{what} has no `build`, and a version is made from {} only by a build", model.describe(source)),
                )
                .with_help("add a `build { ... }` block, or make the version from an existing managed image, virtual machine or image version"),
            );
            continue;
        }
        if source_node.is("image") && version(source_node).is_none() {
            out.push(
                Diagnostic::new(&IMAGE_VERSION_SOURCE, attr.span, format!("{what} copies a version of {}, which names none", model.describe(source)))
                    .with_label(source_node.head, "no `version` here")
                    .with_help(format!("give {} a `version`: the one to copy", model.describe(source))),
            );
        }
        if version(node).is_none() {
            out.push(
                Diagnostic::new(
                    &IMAGE_VERSION_SOURCE,
                    node.head,
                    format!("{what} makes a version from {} but does not say its number", model.describe(source)),
                )
                .with_label(attr.span, "made from this")
                .with_help("add `version = 1.0.0`: a version is named MAJOR.MINOR.PATCH"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    const HEAD: &str = "settings { location = uksouth }\ngallery corp { resource_group = \"rg\" }\nexisting managed_image golden { resource_group = \"rg-legacy\" }\nexisting virtual_machine vm1 { resource_group = \"rg-vm\" }\nimage base { gallery = corp  os = linux  source = golden  version = 1.0.0 }\nimage bare { gallery = corp  os = linux }\n";

    fn check(image: &str) -> Vec<String> {
        messages(&format!("{HEAD}image web {{\n gallery = corp\n os = linux\n {image}\n}}\n"), "ASH444")
    }

    #[test]
    fn a_version_comes_from_what_azure_takes() {
        assert!(check("source = golden  version = 2.0.0").is_empty());
        assert!(check("source = vm1  version = 2.0.0").is_empty());
        assert!(check("source = base  version = 2.0.0").is_empty());
        assert!(check("source = ubuntu_2404  build { shell = [\"true\"] }").is_empty());
        assert_eq!(check("source = golden"), ["image `web` makes a version from existing managed_image `golden` but does not say its number"]);
        assert_eq!(
            check("source = vm1  build { shell = [\"true\"] }"),
            ["the build of image `web` cannot start from existing virtual_machine `vm1`: a build starts from a marketplace_image or a gallery image"]
        );
        assert_eq!(
            check("source = ubuntu_2404  version = 1.0.0"),
            ["image `web` has no `build`, and a version is made from marketplace_image `ubuntu_2404` only by a build"]
        );
        assert_eq!(check("source = bare  version = 1.0.0"), ["image `web` copies a version of image `bare`, which names none"]);
    }
}
