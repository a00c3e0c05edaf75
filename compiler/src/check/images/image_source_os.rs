use crate::blocks::images::{attr_span, image_os};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports an image whose `source` holds another operating system than its
    /// `os` says.
    ///
    /// ## Why it matters
    /// The image Image Builder makes holds the source's operating system. Azure
    /// refuses to put it in an image definition of the other type when the
    /// build distributes it, after the whole customisation has run; and with the
    /// wrong `os` the build's steps are checked against the wrong system.
    ///
    /// ## Example
    /// ```ashlar
    /// image web {
    ///   os     = windows
    ///   source = ubuntu_2404
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Start from an image of the same operating system (`windows_2022`), or
    /// correct `os`.
    pub IMAGE_SOURCE_OS = ("ASH433", "image-source-os", Error);
}

pub const CHECK: Check = Check { code: &IMAGE_SOURCE_OS, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind("image") {
        let (Some(source), Some(attr)) = (node.reference("source"), node.get("source")) else { continue };
        let (Some(os), Some(source_os)) = (image_os(model, id), image_os(model, source)) else { continue };
        if os == source_os {
            continue;
        }
        let source_node = model.node(source);
        out.push(
            Diagnostic::new(
                &IMAGE_SOURCE_OS,
                attr.span,
                format!("{} is {os}, but its source {} is {source_os}", model.describe(id), model.describe(source)),
            )
            .with_label(attr_span(source_node, "os"), format!("{} is {source_os}", model.describe(source)))
            .with_label(attr_span(node, "os"), format!("{} is {os}", model.describe(id)))
            .with_help(format!("start from a {os} image, or set `os = {source_os}`")),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    #[test]
    fn the_source_holds_the_same_system() {
        let plan = |os: &str, source: &str| {
            format!("settings {{ location = uksouth }}\ngallery corp {{ resource_group = \"rg\" }}\nimage web {{\n gallery = corp\n os = {os}\n source = {source}\n build {{}}\n}}\n")
        };
        assert_eq!(
            messages(&plan("windows", "ubuntu_2404"), "ASH433"),
            ["image `web` is windows, but its source marketplace_image `ubuntu_2404` is linux"]
        );
        assert!(messages(&plan("linux", "ubuntu_2404"), "ASH433").is_empty());
        assert!(messages(&plan("windows", "windows_2025"), "ASH433").is_empty());
    }
}
