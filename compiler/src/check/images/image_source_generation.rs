use crate::blocks::images::{attr_span, image_generation};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports an image whose Hyper-V `generation` differs from its source's:
    /// a generation 2 image built from a generation 1 Marketplace image, say.
    ///
    /// ## Why it matters
    /// The image Image Builder makes has its source's generation. Azure refuses
    /// to put it in an image definition of the other generation when the build
    /// distributes it, after the whole customisation has run.
    ///
    /// ## Example
    /// ```ashlar
    /// marketplace_image ws2019_gen1 {
    ///   publisher = "MicrosoftWindowsServer"  offer = "WindowsServer"
    ///   sku = "2019-datacenter"  os = windows  generation = 1
    /// }
    /// image web { source = ws2019_gen1  generation = 2  ... }
    /// ```
    ///
    /// ## Fix
    /// Start from a source of the image's generation (Marketplace SKUs of
    /// generation 2 usually end in `-gen2` or `-g2`), or set the image's
    /// `generation` to its source's.
    pub IMAGE_SOURCE_GENERATION = ("ASH434", "image-source-generation", Error);
}

pub const CHECK: Check = Check { code: &IMAGE_SOURCE_GENERATION, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind("image") {
        let (Some(source), Some(attr)) = (node.reference("source"), node.get("source")) else { continue };
        let (Some(generation), Some(source_generation)) = (image_generation(model, id), image_generation(model, source)) else { continue };
        if generation == source_generation {
            continue;
        }
        let help = if generation > source_generation {
            format!("start from a generation {generation} source, or set `generation = {source_generation}`")
        } else {
            format!("set `generation = {source_generation}`, or start from a generation {generation} source")
        };
        out.push(
            Diagnostic::new(
                &IMAGE_SOURCE_GENERATION,
                attr.span,
                format!(
                    "{} is generation {generation}, but its source {} is generation {source_generation}",
                    model.describe(id),
                    model.describe(source)
                ),
            )
            .with_label(attr_span(model.node(source), "generation"), format!("{} is generation {source_generation}", model.describe(source)))
            .with_help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn plan(generation: &str, source_generation: &str) -> String {
        format!(
            "settings {{ location = uksouth }}\nmarketplace_image src {{ publisher = \"p\"  offer = \"o\"  sku = \"s\"  os = linux  {source_generation} }}\ngallery corp {{ resource_group = \"rg\" }}\nimage web {{\n gallery = corp\n os = linux\n source = src\n {generation}\n build {{}}\n}}\n"
        )
    }

    #[test]
    fn generations_must_match_both_ways() {
        assert_eq!(
            messages(&plan("", "generation = 1"), "ASH434"),
            ["image `web` is generation 2, but its source marketplace_image `src` is generation 1"]
        );
        assert_eq!(
            messages(&plan("generation = 1", ""), "ASH434"),
            ["image `web` is generation 1, but its source marketplace_image `src` is generation 2"]
        );
        assert!(messages(&plan("generation = 1", "generation = 1"), "ASH434").is_empty());
        assert!(messages(&plan("", ""), "ASH434").is_empty());
    }
}
