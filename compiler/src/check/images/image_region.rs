use crate::blocks::compute::{machine_blocks, network_of};
use crate::blocks::images::image_regions;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports machines (`compute`, `scale_set`) that start from a gallery
    /// `image` not replicated to their region: the gallery's region and
    /// `replicate_to` must include the region of the machines' network.
    ///
    /// ## Why it matters
    /// Azure creates a machine only from an image version that has a replica
    /// in the machine's region; otherwise the deployment fails at the machine,
    /// after everything before it was deployed.
    ///
    /// ## Example
    /// ```ashlar
    /// gallery corp { resource_group = "rg-images"  location = uksouth }
    /// image web { gallery = corp  replicate_to = [uksouth] ... }
    /// compute app { image = web  subnet = westeurope_spoke.app ... }
    /// ```
    ///
    /// ## Fix
    /// Add the machines' region to the image's `replicate_to`.
    pub IMAGE_REGION = ("ASH420", "image-region", Error);
}

pub const CHECK: Check = Check { code: &IMAGE_REGION, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, node) in machine_blocks(model) {
        let Some(image) = node.reference("image").filter(|&i| model.node(i).is("image")) else { continue };
        let Some(region) = network_of(model, block).and_then(|n| model.location(n)) else { continue };
        let regions = image_regions(model, image);
        if regions.iter().any(|r| r == region) {
            continue;
        }
        let span = node.get("image").map_or(node.head, |a| a.span);
        let mut d = Diagnostic::new(
            &IMAGE_REGION,
            span,
            format!("{} runs in {region}, but image `{}` is only in {}", model.describe(block), model.node(image).name(), regions.join(", ")),
        )
        .with_help(format!("add {region} to `replicate_to` of image `{}`", model.node(image).name()));
        if let Some(attr) = model.node(image).get("replicate_to") {
            d = d.with_label(attr.span, "the image's regions");
        }
        out.push(d);
    }
}
