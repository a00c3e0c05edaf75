use crate::blocks::backup::vault_places;
use crate::blocks::naming::Names;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::schema::attrs;

declare_codes! {
    /// ## What it does
    /// Reports machines with `backup` in one resource group but in networks of
    /// two regions, whose two Recovery Services vaults (one per region: a
    /// vault protects machines of its own region only) would get one name.
    ///
    /// ## Why it matters
    /// A resource group holds one resource of a type and name: the second
    /// vault would be the first one, in the wrong region, and Azure refuses
    /// to move it (`InvalidResourceLocation`) halfway through the deployment.
    ///
    /// ## Example
    /// ```ashlar
    /// compute web_west  { resource_group = "rg-web"  subnet = west.web   backup = nightly  ... }
    /// compute web_north { resource_group = "rg-web"  subnet = north.web  backup = nightly  ... }
    /// ```
    ///
    /// ## Fix
    /// Put the region in the vaults' names with a `naming` block,
    /// `naming vaults { recovery_vault = "{name}-{location}-vault" }`, or give
    /// the machines of each region a resource group of their own.
    pub BACKUP_VAULT_CONFLICT = ("ASH456", "backup-vault-conflict", Error);
}

pub const CHECK: Check = Check { code: &BACKUP_VAULT_CONFLICT, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let names = Names::new(model);
    let places = vault_places(model);
    for (i, place) in places.iter().enumerate() {
        let name = names.recovery_vault(&place.resource_group, &place.location);
        let earlier = places[..i].iter().find(|p| {
            p.resource_group.eq_ignore_ascii_case(&place.resource_group)
                && names.recovery_vault(&p.resource_group, &p.location).eq_ignore_ascii_case(&name)
        });
        let Some(earlier) = earlier else { continue };
        let (first, block) = (earlier.blocks[0], place.blocks[0]);
        let span_of = |b: crate::model::NodeId| model.node(b).get(attrs::RESOURCE_GROUP).map_or(model.node(b).head, |a| a.span);
        let help = match model.unique("naming").filter(|n| n.str("recovery_vault").is_some()) {
            Some(naming) => format!(
                "put `{{location}}` into the `recovery_vault` pattern of naming `{}`, or give the machines of each region a resource group of their own",
                naming.name()
            ),
            None => "put the region into the vaults' names with a `naming` block, `naming vaults { recovery_vault = \"{name}-{location}-vault\" }`, or give the machines of each region a resource group of their own".to_string(),
        };
        out.push(
            Diagnostic::new(
                &BACKUP_VAULT_CONFLICT,
                span_of(block),
                format!(
                    "{} in {} and {} in {} are in resource group `{}`, and the machines of each region get a Recovery Services vault there named `{name}`",
                    model.describe(block),
                    place.location,
                    model.describe(first),
                    earlier.location,
                    place.resource_group
                ),
            )
            .with_label(span_of(first), format!("{} is here", model.describe(first)))
            .with_help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{messages, SSH_KEY};

    fn plan(naming: &str, second_group: &str) -> String {
        let machine = |name: &str, network: &str, rg: &str| {
            format!("compute {name} {{\n resource_group = \"{rg}\"\n subnet = {network}.web\n image = ubuntu_2404\n size = Standard_D2s_v5\n ssh_key = \"{SSH_KEY}\"\n backup = nightly\n}}\n")
        };
        format!(
            "settings {{ location = uksouth }}\n{naming}\nbackup_policy nightly {{ daily at 01:00 retain 30d }}\nvnet south {{\n resource_group = \"rg-net\"\n address_space = [10.0.0.0/24]\n subnet web 10.0.0.0/26\n}}\nvnet west {{\n resource_group = \"rg-net-west\"\n location = ukwest\n address_space = [10.1.0.0/24]\n subnet web 10.1.0.0/26\n}}\n{}{}",
            machine("a", "south", "rg-app"),
            machine("b", "west", second_group)
        )
    }

    #[test]
    fn two_regions_in_one_group_need_two_vault_names() {
        assert_eq!(
            messages(&plan("", "rg-app"), "ASH456"),
            ["compute `b` in ukwest and compute `a` in uksouth are in resource group `rg-app`, and the machines of each region get a Recovery Services vault there named `app-vault`"]
        );
        assert!(messages(&plan("", "rg-app-west"), "ASH456").is_empty());
        assert!(messages(&plan("naming n { recovery_vault = \"{name}-{location}\" }", "rg-app"), "ASH456").is_empty());
    }
}
