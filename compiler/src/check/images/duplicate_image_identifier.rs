use crate::blocks::images::{attr_span, gallery_of, identifier};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::NodeId;

declare_codes! {
    /// ## What it does
    /// Reports two images of one gallery with the same identifier: the same
    /// `publisher`, `offer` and `sku` in their `identity` (compared without
    /// regard to case), defaults included.
    ///
    /// ## Why it matters
    /// An identifier names one image definition in its gallery: Azure refuses the
    /// second definition when the deployment reaches it.
    ///
    /// ## Example
    /// ```ashlar
    /// image web  { gallery = corp  identity { publisher = "Contoso"  offer = "Web"  sku = "2022" } ... }
    /// image web2 { gallery = corp  identity { publisher = "Contoso"  offer = "Web"  sku = "2022" } ... }
    /// ```
    ///
    /// ## Fix
    /// Give each image of a gallery its own identifier, e.g. another `sku`.
    pub DUPLICATE_IMAGE_IDENTIFIER = ("ASH437", "duplicate-image-identifier", Error);
}

pub const CHECK: Check = Check { code: &DUPLICATE_IMAGE_IDENTIFIER, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let mut seen: Vec<(NodeId, (String, String, String), NodeId)> = Vec::new();
    for (id, node) in model.of_kind("image") {
        let Some(gallery) = gallery_of(model, id) else { continue };
        let (publisher, offer, sku) = identifier(model, id);
        let key = (publisher.to_lowercase(), offer.to_lowercase(), sku.to_lowercase());
        if let Some((_, _, first)) = seen.iter().find(|(g, k, _)| *g == gallery && *k == key) {
            out.push(
                Diagnostic::new(
                    &DUPLICATE_IMAGE_IDENTIFIER,
                    attr_span(node, "identity"),
                    format!(
                        "{} has the identifier {publisher}/{offer}/{sku} of {}, in the same {}",
                        model.describe(id),
                        model.describe(*first),
                        model.describe(gallery)
                    ),
                )
                .with_label(attr_span(model.node(*first), "identity"), format!("{} has it first", model.describe(*first)))
                .with_help("give each image of a gallery its own publisher, offer and sku: change one of them in `identity`"),
            );
            continue;
        }
        seen.push((gallery, key, id));
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(second_gallery: &str, sku: &str) -> String {
        format!(
            "settings {{ location = uksouth }}\ngallery corp {{ resource_group = \"rg\" }}\ngallery other {{ resource_group = \"rg\" }}\nimage a {{\n gallery = corp\n os = linux\n identity {{ publisher = \"Contoso\"  offer = \"Web\"  sku = \"1\" }}\n}}\nimage b {{\n gallery = {second_gallery}\n os = linux\n identity {{ publisher = \"contoso\"  offer = \"WEB\"  sku = \"{sku}\" }}\n}}\n"
        )
    }

    #[test]
    fn identifiers_are_unique_in_a_gallery_without_regard_to_case() {
        assert_eq!(messages(&plan("corp", "1"), "ASH437"), ["image `b` has the identifier contoso/WEB/1 of image `a`, in the same gallery `corp`"]);
        assert!(messages(&plan("other", "1"), "ASH437").is_empty());
        assert!(messages(&plan("corp", "2"), "ASH437").is_empty());
    }

    #[test]
    fn defaults_differ_by_image() {
        let plan = "settings { location = uksouth }\ngallery corp { resource_group = \"rg\" }\nimage a { gallery = corp\n os = linux }\nimage b { gallery = corp\n os = linux }\n";
        assert!(messages(plan, "ASH437").is_empty());
    }
}
