use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::Node;

declare_codes! {
    /// ## What it does
    /// Reports a `point_to_site` without exactly one way for clients to sign in:
    /// `entra_tenant` (Microsoft Entra ID, with the Azure VPN Client over
    /// OpenVPN) or `root_certificate` (client certificates, over IKEv2 and
    /// OpenVPN). Also reports an `entra_tenant` that is not a tenant ID (a GUID),
    /// and a `root_certificate` that is not a certificate in Base64 or PEM.
    ///
    /// ## Why it matters
    /// Without a way to sign in, Azure deploys the gateway's point-to-site
    /// configuration and no client can ever connect; with both, ashlar would have
    /// to guess which one you meant. Azure refuses a malformed tenant or
    /// certificate only after the gateway's 30-minute deployment.
    ///
    /// ## Example
    /// ```ashlar
    /// vpn_gateway {
    ///   sku = VpnGw1AZ
    ///   point_to_site { address_pool = [172.16.200.0/24] }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Add `entra_tenant = "<your tenant ID>"`, or
    /// `root_certificate = file("p2s-root.cer")`.
    pub POINT_TO_SITE_AUTH = ("ASH238", "point-to-site-auth", Error);
}

pub const CHECK: Check = Check { code: &POINT_TO_SITE_AUTH, run };

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, in hex digits.
fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5 && parts.iter().zip([8, 4, 4, 4, 12]).all(|(p, len)| p.len() == len && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Base64 of a DER certificate: its body (after any PEM armour) is Base64 and starts `MII`.
fn is_certificate(text: &str) -> bool {
    let body = crate::blocks::gateway::certificate_data(text);
    body.len() > 100 && body.starts_with("MII") && body.trim_end_matches('=').chars().all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '/')
}

fn check(node: &Node, out: &mut Vec<Diagnostic>) {
    match (node.get("entra_tenant"), node.get("root_certificate")) {
        (None, None) => out.push(Diagnostic::new(&POINT_TO_SITE_AUTH, node.head, "this point_to_site gives clients no way to sign in").with_help(
            "add `entra_tenant = \"<tenant ID>\"` for Microsoft Entra ID, or `root_certificate = file(\"p2s-root.cer\")` for client certificates",
        )),
        (Some(tenant), Some(certificate)) => out.push(
            Diagnostic::new(&POINT_TO_SITE_AUTH, certificate.key, "this point_to_site has both `entra_tenant` and `root_certificate`")
                .with_label(tenant.key, "Microsoft Entra ID sign-in")
                .with_help("keep one way to sign in: `entra_tenant` or `root_certificate`"),
        ),
        (Some(tenant), None) => {
            let text = node.str("entra_tenant").unwrap_or_default().trim();
            if !is_guid(text) {
                out.push(
                    Diagnostic::new(&POINT_TO_SITE_AUTH, tenant.span, format!("\"{text}\" is not a tenant ID"))
                        .with_help("write the ID of your Microsoft Entra tenant, a GUID like \"11111111-2222-3333-4444-555555555555\" (`az account show --query tenantId`)"),
                );
            }
        }
        (None, Some(certificate)) => {
            if !is_certificate(node.str("root_certificate").unwrap_or_default()) {
                out.push(
                    Diagnostic::new(&POINT_TO_SITE_AUTH, certificate.span, "`root_certificate` does not hold a certificate in Base64 or PEM")
                        .with_help("export the root certificate's public part as Base-64 encoded X.509 (.cer) and write `root_certificate = file(\"p2s-root.cer\")`"),
                );
            }
        }
    }
}

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (_, node) in cx.model.of_kind("point_to_site") {
        check(node, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::test_support::messages;

    fn plan(p2s: &str) -> String {
        format!("settings {{ location = uksouth }}\nhub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/24]\n subnet GatewaySubnet 10.0.0.0/27\n vpn_gateway {{\n  sku = VpnGw1AZ\n  point_to_site {{ address_pool = [172.16.0.0/24] {p2s} }}\n }}\n}}\n")
    }

    #[test]
    fn exactly_one_well_formed_way_to_sign_in() {
        let cert = format!("MII{}", "A".repeat(120));
        assert!(messages(&plan("entra_tenant = \"11111111-2222-3333-4444-555555555555\""), "ASH238").is_empty());
        assert!(messages(&plan(&format!("root_certificate = \"{cert}\"")), "ASH238").is_empty());
        assert_eq!(messages(&plan(""), "ASH238"), ["this point_to_site gives clients no way to sign in"]);
        assert_eq!(messages(&plan("entra_tenant = \"contoso.onmicrosoft.com\""), "ASH238"), ["\"contoso.onmicrosoft.com\" is not a tenant ID"]);
        assert_eq!(
            messages(&plan("root_certificate = \"not a cert\""), "ASH238"),
            ["`root_certificate` does not hold a certificate in Base64 or PEM"]
        );
        assert_eq!(
            messages(&plan(&format!("entra_tenant = \"11111111-2222-3333-4444-555555555555\"  root_certificate = \"{cert}\"")), "ASH238"),
            ["this point_to_site has both `entra_tenant` and `root_certificate`"]
        );
    }

    #[test]
    fn pem_certificates_are_read_through_their_armour() {
        let pem = format!("-----BEGIN CERTIFICATE-----\nMII{}\n{}==\n-----END CERTIFICATE-----\n", "A".repeat(61), "B".repeat(62));
        assert!(is_certificate(&pem));
        assert!(!is_certificate("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"));
    }
}
