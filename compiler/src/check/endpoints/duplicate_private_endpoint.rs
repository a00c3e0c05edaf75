use crate::blocks::naming::Names;
use crate::blocks::private_dns::{endpoint_group, endpoints};
use crate::check::names::naming_pattern::is_sound;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::NodeId;
use indexmap::IndexMap;

declare_codes! {
    /// ## What it does
    /// Reports two private endpoints that would have the same Azure name in one
    /// resource group (names ignore case): endpoints are named within their
    /// subnet in a plan, but within their resource group in Azure.
    ///
    /// ## Why it matters
    /// The second would deploy over the first: the first endpoint's target loses
    /// its private address without any error, or the template is refused for
    /// declaring one resource twice.
    ///
    /// ## Example
    /// ```ashlar
    /// spoke app1 {
    ///   resource_group = "rg-net"
    ///   subnet web  10.1.0.0/26 { private_endpoint kv { ... } }
    ///   subnet data 10.1.0.64/26 { private_endpoint kv { ... } }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Rename one of them, or give one its own `resource_group`.
    pub DUPLICATE_PRIVATE_ENDPOINT = ("ASH257", "duplicate-private-endpoint", Error);
}

pub const CHECK: Check = Check { code: &DUPLICATE_PRIVATE_ENDPOINT, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    // A broken pattern is `naming-pattern`'s to report.
    if !is_sound(model, "private_endpoint") {
        return;
    }
    let names = Names::new(model);
    let mut seen: IndexMap<(String, String), NodeId> = IndexMap::new();
    for (id, node) in endpoints(model) {
        let name = names.private_endpoint(id);
        // An endpoint of an existing network without a group is `ASH274`'s.
        let Some(group) = endpoint_group(model, id) else { continue };
        match seen.get(&(group.to_lowercase(), name.to_lowercase())) {
            Some(&first) => out.push(
                Diagnostic::new(
                    &DUPLICATE_PRIVATE_ENDPOINT,
                    node.head,
                    format!(
                        "{} and {} would both be private endpoint `{name}` in resource group `{group}`",
                        model.describe(id),
                        model.describe(first)
                    ),
                )
                .with_label(model.node(first).head, format!("{} is here", model.describe(first)))
                .with_help("rename one of them, or give one its own `resource_group`: Azure would deploy the second over the first"),
            ),
            None => {
                seen.insert((group.to_lowercase(), name.to_lowercase()), id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    fn endpoint(name: &str, extra: &str) -> String {
        format!("private_endpoint {name} {{ resource_id = \"/subscriptions/6a1f3c2e-0b7d-4e59-9c1a-2f4d8e6b0a13/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1\"  group = vault {extra} }}")
    }

    #[test]
    fn names_collide_per_resource_group_without_case() {
        let plan = format!(
            "settings {{ location = uksouth }}\nvnet v {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/16]\n subnet a 10.0.0.0/24 {{ {} }}\n subnet b 10.0.1.0/24 {{ {} }}\n subnet c 10.0.2.0/24 {{ {} }}\n}}\n",
            endpoint("kv", ""),
            endpoint("KV", ""),
            endpoint("kv", "resource_group = \"rg-other\""),
        );
        assert_eq!(
            messages(&plan, "ASH257"),
            ["private_endpoint `v.b.KV` and private_endpoint `v.a.kv` would both be private endpoint `KV` in resource group `rg`"]
        );
    }
}
