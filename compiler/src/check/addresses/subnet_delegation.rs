use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports a subnet `delegation` that is not the name of a service's
    /// resource type: a namespace of dotted words, `/`, and the type, such as
    /// `"Microsoft.Web/serverFarms"`.
    ///
    /// ## Why it matters
    /// Azure refuses the virtual network when a subnet is delegated to a name
    /// that is no service's resource type, after the resources before it have
    /// been deployed.
    ///
    /// ## Example
    /// ```ashlar
    /// spoke app1 {
    ///   subnet app 10.1.0.64/26 { delegation = "Microsoft.Web.serverFarms" }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Write the service's resource type as the service's documentation names
    /// it, such as `"Microsoft.Web/serverFarms"` or `"Microsoft.Sql/managedInstances"`.
    pub SUBNET_DELEGATION = ("ASH222", "subnet-delegation", Error);
}

pub const CHECK: Check = Check { code: &SUBNET_DELEGATION, run };

/// Whether `service` reads `Namespace.Words/type[/subtype]`.
fn is_service_name(service: &str) -> bool {
    let word = |w: &str| w.starts_with(|c: char| c.is_ascii_alphabetic()) && w.chars().all(|c| c.is_ascii_alphanumeric());
    let mut parts = service.split('/');
    let namespace = parts.next().unwrap_or_default();
    let types: Vec<&str> = parts.collect();
    let segments: Vec<&str> = namespace.split('.').collect();
    segments.len() >= 2 && segments.iter().all(|s| word(s)) && !types.is_empty() && types.iter().all(|t| word(t))
}

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (id, node) in model.of_kind("subnet") {
        let (Some(attr), Some(service)) = (node.get("delegation"), node.str("delegation")) else { continue };
        if is_service_name(service) {
            continue;
        }
        let help = match service.rsplit_once('.') {
            Some((namespace, kind)) if !service.contains('/') && is_service_name(&format!("{namespace}/{kind}")) => {
                format!("a `/` parts the namespace from the type: write \"{namespace}/{kind}\"")
            }
            _ => "write the service's resource type, such as \"Microsoft.Web/serverFarms\"".to_string(),
        };
        out.push(
            Diagnostic::new(
                &SUBNET_DELEGATION,
                attr.span,
                format!("\"{service}\", the delegation of {}, is not a service's resource type", model.describe(id)),
            )
            .with_help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::is_service_name;

    #[test]
    fn service_names_are_a_dotted_namespace_and_a_type() {
        for good in ["Microsoft.Web/serverFarms", "Microsoft.DBforPostgreSQL/flexibleServers", "NGINX.NGINXPLUS/nginxDeployments", "A.B/c/d"] {
            assert!(is_service_name(good), "{good}");
        }
        for bad in ["Microsoft.Web.serverFarms", "Microsoft/serverFarms", "Microsoft.Web/", "Microsoft.Web/server Farms", "", "Microsoft..Web/x"] {
            assert!(!is_service_name(bad), "{bad}");
        }
    }
}
