use crate::blocks::compute::{os, Os};
use crate::blocks::desktops::{image_root, is_multi_session, is_pooled};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a pooled `desktop_pool` whose image is not multi-session. ashlar
    /// follows a gallery `image` through its `source`s to the
    /// `marketplace_image` it comes from, and counts that image multi-session
    /// when its publisher is `MicrosoftWindowsServer` (Windows Server, to which
    /// the AVD agent adds the Remote Desktop Session Host role), or when its
    /// offer or SKU holds `avd`, `evd`, `multi-session` or `multisession`, as
    /// Microsoft names its Windows 10 and 11 Enterprise multi-session SKUs
    /// (`win11-24h2-avd`, `win10-22h2-avd-m365`, `20h2-evd`). A gallery image
    /// with no `source` is not judged.
    ///
    /// ## Why it matters
    /// A pooled pool shares each host among users, up to `max_sessions`; Windows
    /// 10 and 11 Enterprise take one interactive session at a time. The pool
    /// deploys, and then each host serves one user, so the pool holds a
    /// fraction of the users it was sized for.
    ///
    /// ## Example
    /// ```ashlar
    /// marketplace_image win11_enterprise {
    ///   publisher = "MicrosoftWindowsDesktop"
    ///   offer     = "windows-11"
    ///   sku       = "win11-24h2-ent"
    ///   os        = windows
    /// }
    /// desktop_pool finance {
    ///   type  = pooled
    ///   image = win11_enterprise
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Start from a multi-session image, such as `win11_multisession` or
    /// `win11_multisession_m365` of `std.images`, or make the pool `type =
    /// personal`.
    pub MULTI_SESSION_IMAGE = ("ASH623", "multi-session-image", Warning);
}

pub const CHECK: Check = Check { code: &MULTI_SESSION_IMAGE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (pool, node) in model.of_kind("desktop_pool") {
        let (Some(image), Some(attr)) = (node.reference("image"), node.get("image")) else { continue };
        // A Linux image is `session-host-os`'s.
        if !is_pooled(node) || os(model, pool) != Some(Os::Windows) || is_multi_session(model, image) != Some(false) {
            continue;
        }
        let Some(root) = image_root(model, image) else { continue };
        let root_node = model.node(root);
        let field = |a: &str| root_node.str(a).unwrap_or_default();
        let identity = format!("{} {} {}", field("publisher"), field("offer"), field("sku"));
        let mut d = Diagnostic::new(
            &MULTI_SESSION_IMAGE,
            attr.span,
            format!(
                "{} is pooled, but its image `{}` is single-session ({identity}): each host would take one user at a time",
                model.describe(pool),
                model.node(image).name()
            ),
        )
        .with_help("start from a multi-session image such as `win11_multisession`, or make the pool `type = personal`");
        if root != image {
            d = d.with_label(root_node.head, format!("image `{}` comes from this Marketplace image", model.node(image).name()));
        }
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::blocks::desktops::test_support::{personal, plan, pooled};
    use crate::check::test_support::messages;

    const ENTERPRISE: &str =
        "marketplace_image win11_ent {\n publisher = \"MicrosoftWindowsDesktop\"\n offer = \"windows-11\"\n sku = \"win11-24h2-ent\"\n os = windows\n}\n";

    #[test]
    fn pooled_pools_need_multi_session_images() {
        // win11_multisession (win11-24h2-avd), win11_multisession_m365 and Windows Server are multi-session.
        assert!(messages(&plan(&pooled("finance", "")), "ASH623").is_empty());
        assert!(messages(&plan(&pooled("finance", "").replace("win11_multisession", "win11_multisession_m365")), "ASH623").is_empty());
        assert!(messages(&plan(&pooled("finance", "").replace("win11_multisession", "windows_2022")), "ASH623").is_empty());
        let single = format!("{ENTERPRISE}{}", pooled("finance", "").replace("win11_multisession", "win11_ent"));
        assert_eq!(
            messages(&plan(&single), "ASH623"),
            ["desktop_pool `finance` is pooled, but its image `win11_ent` is single-session (MicrosoftWindowsDesktop windows-11 win11-24h2-ent): each host would take one user at a time"]
        );
        let personal = format!("{ENTERPRISE}{}", personal("devs", "").replace("win11_multisession", "win11_ent"));
        assert!(messages(&plan(&personal), "ASH623").is_empty());
    }

    #[test]
    fn gallery_images_are_judged_by_their_source() {
        let gallery = "gallery g { resource_group = \"rg-img\" }\nimage golden {\n gallery = g\n os = windows\n source = SOURCE\n build { powershell = [\"echo\"] }\n}\n";
        let from = |source: &str| {
            plan(&format!("{ENTERPRISE}{}{}", gallery.replace("SOURCE", source), pooled("finance", "").replace("win11_multisession", "golden")))
        };
        assert!(messages(&from("win11_multisession"), "ASH623").is_empty());
        assert_eq!(messages(&from("win11_ent"), "ASH623").len(), 1);
        // An image made outside the plan is not judged.
        let unknown = plan(&format!(
            "gallery g {{ resource_group = \"rg-img\" }}\nimage golden {{ gallery = g  os = windows }}\n{}",
            pooled("finance", "").replace("win11_multisession", "golden")
        ));
        assert!(messages(&unknown, "ASH623").is_empty());
    }
}
