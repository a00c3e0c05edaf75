use crate::azure::names::NameRule;
use crate::blocks::existing::{azure_name, subnet_name, EXISTING_IMAGE_VERSION, EXISTING_KINDS, EXISTING_SUBNET, GALLERY_NAME, NAME, SUBSCRIPTION};
use crate::blocks::private_dns::{group_problem, is_guid};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId};
use crate::schema::attrs;

declare_codes! {
    /// ## What it does
    /// Checks what names a resource deployed elsewhere (an `existing` block): its `subscription` is a subscription ID (a GUID), its
    /// resource group a valid resource group name, and its Azure name (`name`,
    /// else the block's) follows the naming rule of its kind: a storage account
    /// takes 3 to 24 lower-case letters and digits, a SQL server 1 to 63
    /// lower-case letters, digits and `-`, and so on (Microsoft Learn, "Naming
    /// rules and restrictions for Azure resources"). An `existing
    /// image_version` names a gallery and an image definition, each checked by
    /// its rule; a subnet of an `existing vnet`, the subnet's rule.
    ///
    /// ## Why it matters
    /// The resource's ID is built from these values when the deployment runs.
    /// A value no resource can have names nothing, and Azure fails the
    /// deployment at the first resource that uses it, after the resources
    /// before it have been deployed.
    ///
    /// ## Example
    /// ```ashlar
    /// existing storage_account logs {
    ///   name           = "st-logs-001"
    ///   resource_group = "rg-shared"
    ///   subscription   = "shared-services"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Copy the values from the resource's ID (`az resource show ... --query id`):
    /// here `stlogs001` and the subscription's GUID, not its display name.
    pub EXISTING_RESOURCE = ("ASH304", "existing-resource", Error);
}

pub const CHECK: Check = Check { code: &EXISTING_RESOURCE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for kind in EXISTING_KINDS.iter() {
        for (id, node) in model.of_kind(kind.kind) {
            let what = model.describe(id);
            if let (Some(subscription), Some(attr)) = (node.str(SUBSCRIPTION), node.get(SUBSCRIPTION)) {
                if !is_guid(subscription) {
                    out.push(
                        Diagnostic::new(&EXISTING_RESOURCE, attr.span, format!("the `subscription` of {what} is not a subscription ID: `{subscription}`"))
                            .with_help("give the subscription's ID, a GUID such as `6a1f3c2e-0b7d-4e59-9c1a-2f4d8e6b0a13`: `az account show --name NAME --query id` prints it"),
                    );
                }
            }
            if let (Some(group), Some(attr)) = (node.str(attrs::RESOURCE_GROUP), node.get(attrs::RESOURCE_GROUP)) {
                if let Some(problem) = group_problem(group) {
                    out.push(
                        Diagnostic::new(
                            &EXISTING_RESOURCE,
                            attr.span,
                            format!("the `resource_group` of {what} is no resource group name: {problem}"),
                        )
                        .with_help("copy the resource group's name from the resource's ID"),
                    );
                }
            }
            // A `key_vault` block's name is not checked yet: see docs/language.md.
            if kind.kind == "key_vault" {
                continue;
            }
            let Some(name) = azure_name(model, id) else { continue };
            let mut named = vec![(name, kind.rule, kind.name_attr)];
            // An image version names its gallery too.
            if let Some(gallery) = node.str(GALLERY_NAME).filter(|_| node.is(EXISTING_IMAGE_VERSION)) {
                named.push((gallery, &crate::azure::names::GALLERY, GALLERY_NAME));
            }
            for (name, rule, name_attr) in named {
                name_problem(model, id, name, rule, name_attr, out);
            }
        }
    }
    // A subnet of an existing network: its group and subscription are the network's.
    for (id, _) in model.of_kind(EXISTING_SUBNET) {
        if let Some(name) = subnet_name(model, id) {
            name_problem(model, id, name, &crate::azure::names::SUBNET, NAME, out);
        }
    }
}

/// `a` or `an`, before what a rule names.
fn article(what: &str) -> &'static str {
    if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// The diagnostic of an existing resource's name that breaks its rule.
fn name_problem(model: &Model, id: NodeId, name: &str, rule: &NameRule, name_attr: &str, out: &mut Vec<Diagnostic>) {
    let node = model.node(id);
    let problems = rule.problems(name);
    if problems.is_empty() {
        return;
    }
    let span = node.get(name_attr).map_or(node.head, |a| a.span);
    let facts: Vec<String> = problems.iter().map(|p| p.fact.clone()).collect();
    let wanted: Vec<String> = problems.iter().map(|p| p.wanted.clone()).collect();
    out.push(
        Diagnostic::new(
            &EXISTING_RESOURCE,
            span,
            format!("`{name}` cannot be the name of {} {}: it {}", article(rule.what), rule.what, crate::azure::names::join(&facts)),
        )
        .with_help(format!(
            "give the {}'s name in Azure, which {}{}",
            rule.what,
            crate::azure::names::join(&wanted),
            if node.get(name_attr).is_none() { format!(", with `{name_attr} = \"...\"`") } else { String::new() }
        )),
    );
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    #[test]
    fn a_subnet_of_an_existing_network_is_named_by_the_subnet_rule() {
        let plan = |name: &str| format!("existing vnet hub {{\n resource_group = \"rg-hub\"\n subnet app {{ name = \"{name}\" }}\n}}\n");
        let found = messages(&plan("snet app"), "ASH304");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("`snet app` cannot be the name of a subnet"), "{found:?}");
        assert!(messages(&plan("snet-app_01.x"), "ASH304").is_empty());
    }

    #[test]
    fn a_key_vault_in_another_subscription_names_it_by_id() {
        let plan =
            |sub: &str| format!("settings {{ location = uksouth }}\nkey_vault kv {{\n resource_group = \"rg-kv\"\n subscription = \"{sub}\"\n}}\n");
        assert!(messages(&plan("6a1f3c2e-0b7d-4e59-9c1a-2f4d8e6b0a13"), "ASH304").is_empty());
        assert_eq!(messages(&plan("prod"), "ASH304"), ["the `subscription` of key_vault `kv` is not a subscription ID: `prod`"]);
    }

    #[test]
    fn an_image_version_names_its_gallery_and_its_definition_by_their_rules() {
        let plan = |gallery: &str, image: &str| {
            format!("existing image_version base {{\n gallery = \"{gallery}\"\n image = \"{image}\"\n version = 1.0.0\n resource_group = \"rg-shared\"\n}}\n")
        };
        assert!(messages(&plan("shared.images", "win2022-base"), "ASH304").is_empty());
        assert_eq!(messages(&plan("shared-images", "win2022-base"), "ASH304"), ["`shared-images` cannot be the name of a gallery: it contains `-`"]);
        assert_eq!(
            messages(&plan("shared.images", "win2022-"), "ASH304"),
            ["`win2022-` cannot be the name of an image definition: it ends with `-`"]
        );
        let machine = "existing virtual_machine vm { name = \"vm_01\"  resource_group = \"rg\" }\n";
        assert_eq!(messages(machine, "ASH304"), ["`vm_01` cannot be the name of a virtual machine: it contains `_`"]);
    }
}
