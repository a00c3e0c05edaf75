use crate::blocks::images::{attr_span, image_generation};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::Typed;

declare_codes! {
    /// ## What it does
    /// Reports an image with `trusted_launch = true` and `generation = 1`.
    ///
    /// ## Why it matters
    /// Trusted launch (secure boot and a virtual TPM) exists only for Hyper-V
    /// generation 2 machines: Azure refuses a generation 1 image definition with
    /// the `TrustedLaunch` security type when the deployment reaches it.
    ///
    /// ## Example
    /// ```ashlar
    /// image web {
    ///   generation     = 1
    ///   trusted_launch = true
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Build a generation 2 image (`generation = 2`, the default, from a
    /// generation 2 source), or remove `trusted_launch`.
    pub TRUSTED_LAUNCH_GENERATION = ("ASH432", "trusted-launch-generation", Error);
}

pub const CHECK: Check = Check { code: &TRUSTED_LAUNCH_GENERATION, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind("image") {
        let Some(attr) = node.get("trusted_launch").filter(|a| a.value == Typed::Bool(true)) else { continue };
        if image_generation(model, id) != Some(1) {
            continue;
        }
        out.push(
            Diagnostic::new(
                &TRUSTED_LAUNCH_GENERATION,
                attr.span,
                format!("{} asks for trusted launch, which needs generation 2", model.describe(id)),
            )
            .with_label(attr_span(node, "generation"), "generation 1 here")
            .with_help("set `generation = 2` and start from a generation 2 source, or remove `trusted_launch`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(attrs: &str) -> String {
        format!("settings {{ location = uksouth }}\ngallery corp {{ resource_group = \"rg\" }}\nimage web {{\n gallery = corp\n os = linux\n {attrs}\n}}\n")
    }

    #[test]
    fn trusted_launch_needs_generation_2() {
        assert_eq!(
            messages(&plan("generation = 1  trusted_launch = true"), "ASH432"),
            ["image `web` asks for trusted launch, which needs generation 2"]
        );
        assert!(messages(&plan("trusted_launch = true"), "ASH432").is_empty());
        assert!(messages(&plan("generation = 1  trusted_launch = false"), "ASH432").is_empty());
    }
}
