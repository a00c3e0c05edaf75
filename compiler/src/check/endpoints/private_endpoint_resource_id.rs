use crate::blocks::private_dns::{endpoints, parse_arm_id, ID_SHAPE};
use crate::check::names::naming_pattern::inside;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Checks that the `resource_id` of each private endpoint is the full ARM ID
    /// of a resource:
    /// `/subscriptions/<subscription id>/resourceGroups/<group>/providers/<namespace>/<type>/<name>`,
    /// the subscription a GUID, the group a valid resource group name.
    ///
    /// ## Why it matters
    /// Azure resolves the target only when it creates the endpoint: a name, a
    /// truncated ID or a typo in a keyword fails the deployment there, after the
    /// resources before it have been deployed.
    ///
    /// ## Example
    /// ```ashlar
    /// private_endpoint blob1 {
    ///   resource_id = "/subscriptions/6a1f3c2e-0b7d-4e59-9c1a-2f4d8e6b0a13/resourceGroup/rg-data/providers/Microsoft.Storage/storageAccounts/stdata01"
    ///   group       = blob
    /// }
    /// ```
    ///
    /// ## Fix
    /// Copy the target's ID from `az resource show ... --query id` or the
    /// portal's JSON view: here `resourceGroups`, not `resourceGroup`.
    pub PRIVATE_ENDPOINT_RESOURCE_ID = ("ASH252", "private-endpoint-resource-id", Error);
}

pub const CHECK: Check = Check { code: &PRIVATE_ENDPOINT_RESOURCE_ID, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (id, node) in endpoints(cx.model) {
        let (Some(target), Some(attr)) = (node.str("resource_id"), node.get("resource_id")) else { continue };
        let Err(problem) = parse_arm_id(target) else { continue };
        let span = if problem.range.is_empty() { attr.span } else { inside(attr.span, target, problem.range) };
        out.push(
            Diagnostic::new(
                &PRIVATE_ENDPOINT_RESOURCE_ID,
                span,
                format!("the `resource_id` of {} is not an ARM resource ID: {}", cx.model.describe(id), problem.message),
            )
            .with_help(format!("give the target's full ID, `{ID_SHAPE}`: `az resource list --name NAME --query \"[].id\"` prints it")),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::diagnostics;

    #[test]
    fn the_span_is_the_broken_part_of_the_string() {
        let id = "/subscriptions/6a1f3c2e-0b7d-4e59-9c1a-2f4d8e6b0a13/resourcegroups/rg-data/providers/Microsoft.Storage/storageAccounts/st01/";
        let plan = format!(
            "settings {{ location = uksouth }}\nvnet v {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/16]\n subnet s 10.0.0.0/24 {{\n  private_endpoint e {{\n   resource_id = \"{id}\"\n   group = blob\n  }}\n }}\n}}\n"
        );
        let found = diagnostics(&plan, "ASH252");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.ends_with("the resource ID ends with `/`"), "{}", found[0].message);
        let span = found[0].span.unwrap();
        assert_eq!(&plan[span.start as usize..span.end as usize], "/");
        assert_eq!(span.end as usize, plan.find(&format!("{id}\"")).unwrap() + id.len());
    }
}
