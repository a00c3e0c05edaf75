use crate::blocks::images::{int, RECOMMENDED_RANGES};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Checks an image's recommended machine configuration: `min_vcpus` is no
    /// more than `max_vcpus`, and `min_memory` no more than `max_memory`.
    ///
    /// ## Why it matters
    /// Azure refuses the image definition: "The minimum value of <property>
    /// must not be greater than the maximum value of <property>" (Microsoft
    /// Learn, "Troubleshoot images in an Azure Compute Gallery").
    ///
    /// ## Example
    /// ```ashlar
    /// image web {
    ///   min_vcpus = 8
    ///   max_vcpus = 4
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Swap the two, or correct the one mistyped.
    pub IMAGE_RECOMMENDED_RANGE = ("ASH445", "image-recommended-range", Error);
}

pub const CHECK: Check = Check { code: &IMAGE_RECOMMENDED_RANGE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind("image") {
        for (min_attr, max_attr, _) in RECOMMENDED_RANGES {
            let (Some(min), Some(max)) = (int(node, min_attr), int(node, max_attr)) else { continue };
            let (Some(min_at), Some(max_at)) = (node.get(min_attr), node.get(max_attr)) else { continue };
            if min <= max {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &IMAGE_RECOMMENDED_RANGE,
                    min_at.span,
                    format!("`{min_attr}` of {} is {min}, more than its `{max_attr}`, {max}", model.describe(id)),
                )
                .with_label(max_at.span, "the maximum")
                .with_help(format!("Azure refuses a minimum above the maximum: swap them, or make `{min_attr}` at most {max}")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn check(body: &str) -> Vec<String> {
        messages(&format!("settings {{ location = uksouth }}\ngallery corp {{ resource_group = \"rg\" }}\nimage web {{\n gallery = corp\n os = linux\n {body}\n}}\n"), "ASH445")
    }

    #[test]
    fn a_minimum_is_no_more_than_its_maximum() {
        assert!(check("min_vcpus = 2  max_vcpus = 2  min_memory = 4  max_memory = 64").is_empty());
        assert!(check("min_vcpus = 8  max_memory = 4").is_empty());
        assert_eq!(check("min_vcpus = 8  max_vcpus = 4"), ["`min_vcpus` of image `web` is 8, more than its `max_vcpus`, 4"]);
        assert_eq!(check("min_memory = 65  max_memory = 64"), ["`min_memory` of image `web` is 65, more than its `max_memory`, 64"]);
    }
}
