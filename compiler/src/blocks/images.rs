//! Images that machines start from. `marketplace_image` names an image of the
//! Azure Marketplace; the prelude module `std.images` declares the common ones.

use crate::schema::{attr, KindSchema, Naming, Type};

/// The operating systems an image can hold.
pub const OS: &[&str] = &["windows", "linux"];

pub const MARKETPLACE_IMAGE: KindSchema = KindSchema {
    kind: "marketplace_image",
    doc: "An Azure Marketplace image by publisher, offer and SKU. `std.images` (in every plan) names the common ones: ubuntu_2204, ubuntu_2404, debian_12, rhel_9, windows_2022, windows_2025, win11_multisession, win11_multisession_m365.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attr("publisher", Type::String, true, None, "The image's publisher, e.g. \"Canonical\"."),
        attr("offer", Type::String, true, None, "The publisher's offer, e.g. \"ubuntu-24_04-lts\"."),
        attr("sku", Type::String, true, None, "The offer's SKU, e.g. \"server\"."),
        attr("version", Type::String, false, Some("\"latest\""), "The image version; pin one for repeatable machines."),
        attr("os", Type::Word(OS), true, None, "The operating system: `windows` or `linux`."),
        attr("generation", Type::Integer { min: 1, max: 2 }, false, Some("2"), "Hyper-V generation; trusted launch needs 2."),
    ],
    children: &[],
    unique: false,
};
