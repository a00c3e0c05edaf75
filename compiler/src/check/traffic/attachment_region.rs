use crate::blocks::attach::{self, ATTACHABLE};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::schema::attrs;

declare_codes! {
    /// ## What it does
    /// Reports a subnet that uses a network security group or route table in
    /// another region than its virtual network. An NSG or route table without a
    /// `location` takes the region of the first network whose subnet uses it.
    ///
    /// ## Why it matters
    /// Azure attaches only a network security group or route table of the
    /// virtual network's own region, and rejects the virtual network otherwise,
    /// after everything before it has deployed.
    ///
    /// ## Example
    /// ```ashlar
    /// nsg web_nsg { location = westeurope }
    /// spoke app1 {
    ///   location = uksouth
    ///   subnet web 10.1.0.0/26 { nsg = web_nsg }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give the NSG or route table the network's region, or declare one for each
    /// region and have each subnet use the one in its own.
    pub ATTACHMENT_REGION = ("ASH219", "attachment-region", Error);
}

pub const CHECK: Check = Check { code: &ATTACHMENT_REGION, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (network, node) in model.networks() {
        let Some(region) = model.location(network) else { continue };
        for &subnet in node.children.iter().filter(|&&c| model.node(c).is("subnet")) {
            for (_, attr) in ATTACHABLE {
                let sub = model.node(subnet);
                let (Some(at), Some(target)) = (sub.get(attr), sub.reference(attr)) else { continue };
                let Some(theirs) = attach::location(model, target) else { continue };
                if theirs == region {
                    continue;
                }
                let target_node = model.node(target);
                let label = match target_node.get(attrs::LOCATION) {
                    Some(own) => (own.span, format!("{} is in {theirs}", model.describe(target))),
                    None => {
                        let first = attach::first_network(model, target).map_or_else(String::new, |n| model.describe(n));
                        (target_node.head, format!("{} is in {theirs}, the region of {first}, the first network to use it", model.describe(target)))
                    }
                };
                out.push(
                    Diagnostic::new(
                        &ATTACHMENT_REGION,
                        at.span,
                        format!("{} is in {region}, but uses {} in {theirs}", model.describe(subnet), model.describe(target)),
                    )
                    .with_label(label.0, label.1)
                    .with_help(format!(
                        "a subnet uses only a {} of its virtual network's region: declare one in {region} for this subnet",
                        if target_node.is("nsg") { "network security group" } else { "route table" }
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    #[test]
    fn an_attachment_defaults_to_its_first_network_region_and_must_match_every_network() {
        let plan = "settings { location = uksouth }\nnsg n { }\nroute_table rt { location = uksouth }\nhub core {\n resource_group = \"rg\"\n location = westeurope\n address_space = [10.0.0.0/24]\n subnet a 10.0.0.0/26 { nsg = n  route_table = rt }\n}\nhub far {\n resource_group = \"rg\"\n location = northeurope\n address_space = [10.9.0.0/24]\n subnet b 10.9.0.0/26 { nsg = n }\n}\n";
        assert_eq!(
            messages(plan, "ASH219"),
            [
                "subnet `core.a` is in westeurope, but uses route_table `rt` in uksouth",
                "subnet `far.b` is in northeurope, but uses nsg `n` in westeurope"
            ]
        );
    }
}
