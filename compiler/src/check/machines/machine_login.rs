use crate::blocks::compute::{machine_blocks, os, Os};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports machines Azure creates no login for: a Windows `compute` or
    /// `scale_set` without `admin` (the password, from Key Vault), and a Linux
    /// one with neither `ssh_key` nor `admin`.
    ///
    /// ## Why it matters
    /// Azure refuses a Windows machine without an administrator password, and a
    /// Linux machine with neither an SSH key nor a password
    /// (`disablePasswordAuthentication` without a public key), when the
    /// deployment reaches it. A Linux machine that logs in with a password only
    /// deploys: that is advice, not an error, and `std.security`'s
    /// `linux_ssh_key` policy reports it.
    ///
    /// ## Example
    /// ```ashlar
    /// compute api {
    ///   image = ubuntu_2404
    ///   size  = Standard_D2s_v5
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Windows: `admin = secret(VAULT, "NAME")`. Linux: `ssh_key =
    /// file("keys/NAME.pub")`, and `admin` too if you want a password for the
    /// serial console.
    pub MACHINE_LOGIN = ("ASH406", "machine-login", Error);
}

pub const CHECK: Check = Check { code: &MACHINE_LOGIN, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, node) in machine_blocks(model) {
        let Some(os) = os(model, block) else { continue };
        let what = model.describe(block);
        match os {
            Os::Windows if node.get("admin").is_none() => out.push(
                Diagnostic::new(&MACHINE_LOGIN, node.head, format!("{what} runs Windows and has no administrator password"))
                    .with_help("add `admin = secret(VAULT, \"NAME\")`: Azure creates no Windows machine without a password"),
            ),
            // A desktop pool on Linux is `session-host-os`'s.
            Os::Linux if node.get("ssh_key").is_none() && node.get("admin").is_none() && !node.is("desktop_pool") => out.push(
                Diagnostic::new(
                    &MACHINE_LOGIN,
                    node.head,
                    format!("{what} runs Linux and has no way to log in: no `ssh_key` and no `admin` password"),
                )
                .with_help("add `ssh_key = file(\"keys/NAME.pub\")`: Azure creates no Linux machine without a key or a password"),
            ),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages, windows};

    #[test]
    fn windows_needs_a_password_and_linux_a_key_or_a_password() {
        let no_password = windows("compute", "web", "").replace(" admin = secret(kv, \"pw\")\n", "");
        assert_eq!(messages(&machines(&no_password), "ASH406"), ["compute `web` runs Windows and has no administrator password"]);
        let password_only =
            linux("scale_set", "w", "admin = secret(kv, \"pw\")").replace(&format!(" ssh_key = \"{}\"\n", crate::check::test_support::SSH_KEY), "");
        assert!(messages(&machines(&password_only), "ASH406").is_empty(), "a password only is std.security's linux_ssh_key");
        let nothing = linux("compute", "api", "").replace(&format!(" ssh_key = \"{}\"\n", crate::check::test_support::SSH_KEY), "");
        assert_eq!(
            messages(&machines(&nothing), "ASH406"),
            ["compute `api` runs Linux and has no way to log in: no `ssh_key` and no `admin` password"]
        );
        assert!(messages(&machines(&linux("compute", "api", "admin = secret(kv, \"pw\")")), "ASH406").is_empty());
        assert!(messages(&machines(&windows("compute", "web", "")), "ASH406").is_empty());
    }

    #[test]
    fn a_password_is_never_a_literal() {
        let literal = windows("compute", "web", "").replace("secret(kv, \"pw\")", "\"P@ssw0rd-2024!\"");
        assert_eq!(messages(&machines(&literal), "ASH104"), ["`admin` takes a secret, never a literal"]);
    }
}
