use crate::blocks::images::build_of;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a built image whose definition is `specialized`, and a build that
    /// starts from a `specialized` gallery image.
    ///
    /// ## Why it matters
    /// Image Builder generalizes every image it builds (Sysprep on Windows,
    /// `waagent -deprovision` on Linux) and starts only from generalized images.
    /// A generalized version cannot go into a specialized definition, and a
    /// specialized source is refused: either fails the build after the
    /// deployment.
    ///
    /// ## Example
    /// ```ashlar
    /// image web {
    ///   state = specialized
    ///   build { ... }
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Leave `state` at `generalized`, the default, for images that are built,
    /// and start builds from generalized images.
    pub IMAGE_BUILD_STATE = ("ASH439", "image-build-state", Error);
}

pub const CHECK: Check = Check { code: &IMAGE_BUILD_STATE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind("image") {
        let Some(build) = build_of(model, id) else { continue };
        if let Some(attr) = node.get("state").filter(|_| node.str("state") == Some("specialized")) {
            out.push(
                Diagnostic::new(
                    &IMAGE_BUILD_STATE,
                    attr.span,
                    format!("{} is specialized, but Image Builder generalizes every image it builds", model.describe(id)),
                )
                .with_label(model.node(build).head, "built here")
                .with_help("remove `state = specialized` (generalized is the default), or remove the `build` block"),
            );
        }
        let (Some(source), Some(attr)) = (node.reference("source"), node.get("source")) else { continue };
        let source_node = model.node(source);
        if source_node.is("image") && source_node.str("state") == Some("specialized") {
            let mut d = Diagnostic::new(
                &IMAGE_BUILD_STATE,
                attr.span,
                format!(
                    "{} is built from {}, which is specialized; Image Builder starts only from generalized images",
                    model.describe(id),
                    model.describe(source)
                ),
            )
            .with_help("start from a generalized image");
            if let Some(state) = source_node.get("state") {
                d = d.with_label(state.span, format!("{} is specialized", model.describe(source)));
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(state: &str, base_state: &str) -> String {
        format!(
            "settings {{ location = uksouth }}\ngallery corp {{ resource_group = \"rg\" }}\nimage base {{\n gallery = corp\n os = linux\n {base_state}\n}}\nimage web {{\n gallery = corp\n os = linux\n {state}\n source = base\n build {{}}\n}}\n"
        )
    }

    #[test]
    fn builds_are_generalized_from_generalized_sources() {
        assert!(messages(&plan("state = generalized", ""), "ASH439").is_empty());
        // A specialized definition without a build is fine.
        assert!(messages(&plan("", "state = specialized").replace("source = base\n build {}", ""), "ASH439").is_empty());
        assert_eq!(
            messages(&plan("state = specialized", ""), "ASH439"),
            ["image `web` is specialized, but Image Builder generalizes every image it builds"]
        );
        assert_eq!(
            messages(&plan("", "state = specialized"), "ASH439"),
            ["image `web` is built from image `base`, which is specialized; Image Builder starts only from generalized images"]
        );
    }
}
