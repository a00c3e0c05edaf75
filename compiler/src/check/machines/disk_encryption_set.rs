use crate::blocks::compute::machine_blocks;
use crate::blocks::private_dns::{parse_arm_id, ID_SHAPE};
use crate::check::names::naming_pattern::inside;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Checks a block's `disk_encryption_set`: the full ARM ID of a disk
    /// encryption set, `/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Compute/diskEncryptionSets/<name>`.
    ///
    /// ## Why it matters
    /// ashlar writes the ID as it is into each managed disk's
    /// `diskEncryptionSet.id`; Azure refuses a machine whose ID is malformed or
    /// names another kind of resource (a key vault, a key) when the deployment
    /// reaches it.
    ///
    /// ## Example
    /// ```ashlar
    /// compute db {
    ///   disk_encryption_set = "des-prod"
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give the set's full ID: `az disk-encryption-set show --name NAME
    /// --resource-group GROUP --query id` prints it.
    pub DISK_ENCRYPTION_SET = ("ASH428", "disk-encryption-set", Error);
}

pub const CHECK: Check = Check { code: &DISK_ENCRYPTION_SET, run };

/// The resource type a disk encryption set's ID names.
const SET_TYPE: (&str, &str) = ("Microsoft.Compute", "diskEncryptionSets");

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, node) in machine_blocks(model) {
        let (Some(id), Some(attr)) = (node.str("disk_encryption_set"), node.get("disk_encryption_set")) else { continue };
        let help = "give the set's full ID: `az disk-encryption-set show --name NAME --resource-group GROUP --query id` prints it";
        match parse_arm_id(id) {
            Err(problem) => {
                let span = if problem.range.is_empty() { attr.span } else { inside(attr.span, id, problem.range) };
                out.push(
                    Diagnostic::new(
                        &DISK_ENCRYPTION_SET,
                        span,
                        format!("the `disk_encryption_set` of {} is not an ARM resource ID: {}", model.describe(block), problem.message),
                    )
                    .with_help(format!("{help}; it reads `{ID_SHAPE}`")),
                );
            }
            Ok(parsed) => {
                let is_set = parsed.namespace.eq_ignore_ascii_case(SET_TYPE.0)
                    && matches!(parsed.types.as_slice(), [(kind, _)] if kind.eq_ignore_ascii_case(SET_TYPE.1));
                if !is_set {
                    let kind: Vec<&str> = parsed.types.iter().map(|(t, _)| *t).collect();
                    out.push(
                        Diagnostic::new(
                            &DISK_ENCRYPTION_SET,
                            attr.span,
                            format!(
                                "the `disk_encryption_set` of {} names a {}/{}, not a {}/{}",
                                model.describe(block),
                                parsed.namespace,
                                kind.join("/"),
                                SET_TYPE.0,
                                SET_TYPE.1
                            ),
                        )
                        .with_help(help),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages};

    #[test]
    fn the_id_names_a_disk_encryption_set() {
        let with = |id: &str| messages(&machines(&linux("compute", "db", &format!("disk_encryption_set = \"{id}\""))), "ASH428");
        let sub = "/subscriptions/6a1f3c2e-0b7d-4e59-9c1a-2f4d8e6b0a13/resourceGroups/rg-keys/providers";
        assert!(with(&format!("{sub}/Microsoft.Compute/diskEncryptionSets/des-prod")).is_empty());
        assert_eq!(
            with(&format!("{sub}/Microsoft.KeyVault/vaults/kv-prod")),
            ["the `disk_encryption_set` of compute `db` names a Microsoft.KeyVault/vaults, not a Microsoft.Compute/diskEncryptionSets"]
        );
        assert_eq!(with("des-prod").len(), 1);
    }
}
