use crate::blocks::images::builds;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Checks that an image's build has what it needs and that what describes
    /// a version has one to describe: a `build` block needs a `source` to start
    /// from; `version`, `replicate_to`, `replicas` and `exclude_from_latest`
    /// describe the version a build makes, or the version made from `source`,
    /// and mean nothing on an image with neither a `build` block nor a
    /// `source`; an image has one `build` block at most.
    ///
    /// ## Why it matters
    /// An image template without a source is refused by Azure when the deployment
    /// reaches it. An image with neither a build nor a source is an image
    /// definition alone, so a `version` or `replicate_to` there would be dropped
    /// without a word.
    ///
    /// ## Example
    /// ```ashlar
    /// image web {
    ///   gallery = corp
    ///   os      = linux
    ///   version = 1.0.0
    /// }
    /// ```
    ///
    /// ## Fix
    /// Add `source = ...` to an image with a `build` block; give an image whose
    /// version you describe a `build` block or a `source` to make it from, or
    /// remove those attributes; merge two `build` blocks into one.
    pub IMAGE_BUILD_INPUTS = ("ASH438", "image-build-inputs", Error);
}

pub const CHECK: Check = Check { code: &IMAGE_BUILD_INPUTS, run };

/// Attributes that describe the version a build or a source makes.
const NEED_VERSION: &[&str] = &["version", "replicate_to", "replicas", "exclude_from_latest"];

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind("image") {
        let builds = builds(model, id);
        if let [first, rest @ ..] = builds.as_slice() {
            for &extra in rest {
                out.push(
                    Diagnostic::new(&IMAGE_BUILD_INPUTS, model.node(extra).head, format!("{} has a second `build` block", model.describe(id)))
                        .with_label(model.node(*first).head, "the first is here")
                        .with_help("merge the two `build` blocks into one: an image is built by one template"),
                );
            }
            if node.get("source").is_none() {
                out.push(
                    Diagnostic::new(
                        &IMAGE_BUILD_INPUTS,
                        model.node(*first).head,
                        format!("the build of {} has no `source` to start from", model.describe(id)),
                    )
                    .with_label(node.head, format!("{} has no `source`", model.describe(id)))
                    .with_help("add `source = ...` to the image: a marketplace_image such as `ubuntu_2404` or `windows_2022`, or another image"),
                );
            }
            continue;
        }
        if node.get("source").is_some() {
            continue;
        }
        for attr_name in NEED_VERSION {
            let Some(attr) = node.get(attr_name) else { continue };
            out.push(
                Diagnostic::new(
                    &IMAGE_BUILD_INPUTS,
                    attr.key,
                    format!("`{attr_name}` of {} means nothing without a `build` block or a `source`", model.describe(id)),
                )
                .with_help(format!(
                    "without `build` or `source`, ashlar deploys only the image definition: add a `build {{ ... }}` block, a `source` to make the version from, or remove `{attr_name}`"
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(body: &str) -> String {
        format!("settings {{ location = uksouth }}\ngallery corp {{ resource_group = \"rg\" }}\nimage web {{\n gallery = corp\n os = linux\n {body}\n}}\n")
    }

    #[test]
    fn a_build_needs_a_source_and_is_alone() {
        assert!(messages(&plan("source = ubuntu_2404\n build { shell = [\"true\"] }"), "ASH438").is_empty());
        assert_eq!(messages(&plan("build {}"), "ASH438"), ["the build of image `web` has no `source` to start from"]);
        // A second build is refused as it is declared, like any second unnamed block.
        assert_eq!(messages(&plan("source = ubuntu_2404\n build {}\n build {}"), "ASH105"), ["a image has one `build` block; this is a second"]);
    }

    #[test]
    fn version_attributes_need_a_build_or_a_source() {
        assert!(messages(&plan("description = \"definition only\"  trusted_launch = true  end_of_life = \"2030-01-01\""), "ASH438").is_empty());
        assert_eq!(
            messages(&plan("version = 1.0.0\n replicate_to = [uksouth]"), "ASH438"),
            [
                "`version` of image `web` means nothing without a `build` block or a `source`",
                "`replicate_to` of image `web` means nothing without a `build` block or a `source`"
            ]
        );
    }
}
