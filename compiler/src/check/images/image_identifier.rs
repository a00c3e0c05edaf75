use crate::blocks::images::IDENTITY_KEYS;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::{did_you_mean, Diagnostic};

declare_codes! {
    /// ## What it does
    /// Checks an image's `identity`: its keys are `publisher`, `offer` and `sku`,
    /// each with a value that is not empty. A key left out takes its default.
    ///
    /// ## Why it matters
    /// Azure requires all three parts of an image definition's identifier and
    /// refuses an empty one when the deployment reaches it; a misspelt key would
    /// silently leave its part to the default.
    ///
    /// ## Example
    /// ```ashlar
    /// image web {
    ///   identity { publisher = "Contoso"  ofer = "WindowsServer"  sku = "" }
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Spell the keys `publisher`, `offer` and `sku`, and give each a value.
    pub IMAGE_IDENTIFIER = ("ASH436", "image-identifier", Error);
}

pub const CHECK: Check = Check { code: &IMAGE_IDENTIFIER, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind("image") {
        let Some(identity) = node.map("identity") else { continue };
        for (key, value) in identity {
            if !IDENTITY_KEYS.contains(&key.as_str()) {
                let help = did_you_mean(key, IDENTITY_KEYS.iter().copied())
                    .map(|hint| hint.then("An identity has `publisher`, `offer` and `sku`"))
                    .unwrap_or_else(|| "an identity has `publisher`, `offer` and `sku`".into());
                out.push(
                    Diagnostic::new(&IMAGE_IDENTIFIER, value.span, format!("the identity of {} has no key `{key}`", model.describe(id)))
                        .with_help(help),
                );
            } else if value.value.trim().is_empty() {
                out.push(
                    Diagnostic::new(&IMAGE_IDENTIFIER, value.span, format!("the `{key}` of the identity of {} is empty", model.describe(id)))
                        .with_help(format!("give the `{key}` a value, or leave the key out for its default")),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    #[test]
    fn keys_are_known_and_values_given() {
        let plan = |identity: &str| {
            format!("settings {{ location = uksouth }}\ngallery corp {{ resource_group = \"rg\" }}\nimage web {{\n gallery = corp\n os = linux\n identity {{ {identity} }}\n}}\n")
        };
        assert!(messages(&plan("publisher = \"Contoso\"  offer = \"Web\"  sku = \"1\""), "ASH436").is_empty());
        assert!(messages(&plan("sku = \"gen2-web\""), "ASH436").is_empty());
        assert_eq!(
            messages(&plan("publisher = \"Contoso\"  ofer = \"Web\"  sku = \" \""), "ASH436"),
            ["the identity of image `web` has no key `ofer`", "the `sku` of the identity of image `web` is empty"]
        );
    }
}
