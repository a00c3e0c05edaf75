use crate::azure::compute::CUSTOM_DATA_MAX_BYTES;
use crate::blocks::compute::{machine_blocks, os, Os};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a `cloud_init` configuration larger than 65535 bytes, the most
    /// custom data Azure passes to a machine.
    ///
    /// ## Why it matters
    /// ashlar passes the configuration as the machine's custom data, base64
    /// encoded; Azure refuses custom data over 65535 bytes (decoded) when it
    /// creates the machine.
    ///
    /// ## Example
    /// ```ashlar
    /// compute api {
    ///   cloud_init = file("cloud-init/with-embedded-binaries.yaml")
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Have the configuration download large files (from a storage account, a
    /// package repository) instead of embedding them.
    pub CUSTOM_DATA_SIZE = ("ASH413", "custom-data-size", Error);
}

pub const CHECK: Check = Check { code: &CUSTOM_DATA_SIZE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, node) in machine_blocks(model) {
        // On Windows, cloud-init is `image-os-mismatch`'s to report.
        if os(model, block) != Some(Os::Linux) {
            continue;
        }
        let (Some(attr), Some(text)) = (node.get("cloud_init"), node.str("cloud_init")) else { continue };
        if text.len() > CUSTOM_DATA_MAX_BYTES {
            out.push(
                Diagnostic::new(
                    &CUSTOM_DATA_SIZE,
                    attr.span,
                    format!(
                        "the cloud-init configuration of {} has {} bytes; Azure takes at most {CUSTOM_DATA_MAX_BYTES} bytes of custom data",
                        model.describe(block),
                        text.len()
                    ),
                )
                .with_help("have the configuration download large files instead of embedding them"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages};

    #[test]
    fn up_to_65535_bytes() {
        let with = |bytes: usize| {
            let text = format!("#cloud-config\\n#{}", "x".repeat(bytes - 15));
            messages(&machines(&linux("compute", "api", &format!("cloud_init = \"{text}\""))), "ASH413")
        };
        assert!(with(65535).is_empty());
        assert_eq!(with(65536), ["the cloud-init configuration of compute `api` has 65536 bytes; Azure takes at most 65535 bytes of custom data"]);
    }
}
