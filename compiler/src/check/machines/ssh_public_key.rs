use crate::azure::compute::ssh_key_problem;
use crate::blocks::compute::{machine_blocks, os, Os};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Checks a Linux machine's `ssh_key`: one public key on one line in
    /// OpenSSH's format, of a type Azure takes (`ssh-rsa` or `ssh-ed25519`).
    /// A private key is reported as such.
    ///
    /// ## Why it matters
    /// Azure refuses a key it cannot read, or of another type (ECDSA, DSA),
    /// when it creates the machine. A private key in the plan would be written
    /// into the template and the deployment history, readable by anyone who
    /// can read those.
    ///
    /// ## Example
    /// ```ashlar
    /// compute api {
    ///   ssh_key = file("keys/id_ed25519")
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give the public key, the `.pub` file beside the private one, and keep
    /// the private key out of the plan's folder.
    pub SSH_PUBLIC_KEY = ("ASH417", "ssh-public-key", Error);
}

pub const CHECK: Check = Check { code: &SSH_PUBLIC_KEY, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, node) in machine_blocks(model) {
        // On Windows, an SSH key is `image-os-mismatch`'s to report.
        if os(model, block) != Some(Os::Linux) {
            continue;
        }
        let (Some(attr), Some(key)) = (node.get("ssh_key"), node.str("ssh_key")) else { continue };
        if let Some((problem, help)) = ssh_key_problem(key) {
            out.push(Diagnostic::new(&SSH_PUBLIC_KEY, attr.span, format!("`ssh_key` of {}: {problem}", model.describe(block))).with_help(help));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages, SSH_KEY};

    #[test]
    fn keys_are_checked_on_linux() {
        assert!(messages(&machines(&linux("compute", "api", "")), "ASH417").is_empty());
        let private = linux("compute", "api", "").replace(SSH_KEY, "-----BEGIN OPENSSH PRIVATE KEY-----");
        assert_eq!(
            messages(&machines(&private), "ASH417"),
            ["`ssh_key` of compute `api`: this is a private key, which must never leave your machine; Azure takes the public one"]
        );
        let ecdsa = linux("scale_set", "w", "").replace("ssh-ed25519", "ecdsa-sha2-nistp256");
        assert_eq!(
            messages(&machines(&ecdsa), "ASH417"),
            ["`ssh_key` of scale_set `w`: Azure does not take `ecdsa-sha2-nistp256` keys: only RSA and Ed25519"]
        );
    }
}
