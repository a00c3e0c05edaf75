use crate::azure::compute::{generation_1_only, SUGGESTED_SIZE};
use crate::blocks::compute::{flag, generation, image_of, machine_blocks};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports machines whose image generation does not fit: `trusted_launch =
    /// true` with a generation 1 image, and a generation 2 image on a size that
    /// boots only generation 1 (the Av2-series). What a size boots comes from
    /// ashlar's catalogue of VM sizes (`compiler/data/vm-sizes.csv`, built from
    /// the size's Microsoft Learn page, "VM Generation Support").
    ///
    /// ## Why it matters
    /// Trusted launch (secure boot and a virtual TPM) needs UEFI, which only
    /// generation 2 images have; Azure refuses the machine otherwise. A size
    /// that cannot boot generation 2 fails the same way. Every image of
    /// `std.images` is generation 2.
    ///
    /// ## Example
    /// ```ashlar
    /// marketplace_image legacy {
    ///   generation = 1
    ///   ...
    /// }
    /// compute web {
    ///   image          = legacy
    ///   trusted_launch = true
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Use a generation 2 image (its SKU often ends in `-gen2` or `-g2`), or
    /// remove `trusted_launch`; choose a current size such as `Standard_D2s_v5`.
    pub IMAGE_GENERATION = ("ASH403", "image-generation", Error);
}

pub const CHECK: Check = Check { code: &IMAGE_GENERATION, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, node) in machine_blocks(model) {
        let Some(image) = image_of(model, block) else { continue };
        let image_span = node.get("image").map_or(node.head, |a| a.span);
        let gen = generation(model, block);
        if let (true, Some(attr), 1) = (flag(node, "trusted_launch"), node.get("trusted_launch"), gen) {
            out.push(
                Diagnostic::new(
                    &IMAGE_GENERATION,
                    attr.span,
                    format!(
                        "trusted launch of {} needs a generation 2 image, but marketplace_image `{}` is generation 1",
                        model.describe(block),
                        image.name()
                    ),
                )
                .with_label(image_span, "the image is chosen here")
                .with_help("use a generation 2 image (every image of `std.images` is one), or remove `trusted_launch`"),
            );
        }
        let (Some(size), Some(size_attr)) = (node.str("size"), node.get("size")) else { continue };
        let Some(series) = generation_1_only(size).filter(|_| gen == 2) else { continue };
        out.push(
            Diagnostic::new(
                &IMAGE_GENERATION,
                size_attr.span,
                format!(
                    "size `{size}` of {} boots only generation 1 images, but marketplace_image `{}` is generation 2",
                    model.describe(block),
                    image.name()
                ),
            )
            .with_label(image_span, "the image is chosen here")
            .with_help(format!("choose a current size such as `{SUGGESTED_SIZE}`: the {series}-series boots only generation 1")),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages};

    const LEGACY: &str =
        "marketplace_image legacy {\n publisher = \"Canonical\"\n offer = \"UbuntuServer\"\n sku = \"18.04-LTS\"\n os = linux\n generation = 1\n}\n";

    #[test]
    fn trusted_launch_needs_generation_2() {
        let block = linux("compute", "web", "trusted_launch = true").replace("ubuntu_2404", "legacy");
        assert_eq!(
            messages(&machines(&format!("{LEGACY}{block}")), "ASH403"),
            ["trusted launch of compute `web` needs a generation 2 image, but marketplace_image `legacy` is generation 1"]
        );
        let untrusted = linux("compute", "web", "").replace("ubuntu_2404", "legacy");
        assert!(messages(&machines(&format!("{LEGACY}{untrusted}")), "ASH403").is_empty());
        assert!(messages(&machines(&linux("compute", "web", "trusted_launch = true")), "ASH403").is_empty());
    }

    #[test]
    fn a_series_sizes_boot_generation_1_only() {
        let block = linux("scale_set", "w", "").replace("Standard_D2s_v5", "Standard_A2_v2");
        assert_eq!(
            messages(&machines(&block), "ASH403"),
            ["size `Standard_A2_v2` of scale_set `w` boots only generation 1 images, but marketplace_image `ubuntu_2404` is generation 2"]
        );
        let legacy = block.replace("ubuntu_2404", "legacy");
        assert!(messages(&machines(&format!("{LEGACY}{legacy}")), "ASH403").is_empty());
    }
}
