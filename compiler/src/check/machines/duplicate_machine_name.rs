use crate::blocks::compute::{flag, is_public, load_balancer, machine_blocks, machine_names};
use crate::blocks::naming::Names;
use crate::check::names::naming_pattern::is_sound;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::NodeId;
use crate::schema::attrs;
use indexmap::IndexMap;

declare_codes! {
    /// ## What it does
    /// Reports two `compute`, `scale_set` or `desktop_pool` blocks that would
    /// give two resources of one type the same Azure name in one resource group
    /// (names ignore case): virtual machines, their network interfaces, scale
    /// sets, load balancers, availability sets, proximity placement groups.
    /// Machines of a `compute` block with `count` over 1 are named `{name}-1`,
    /// `{name}-2`, ..., so `compute web { count = 2 }` and `compute web-2`
    /// collide; a desktop pool's session hosts are `{host_prefix}-1`, ....
    /// Also the machines of one block named alike, by an exact name in its
    /// `names` for a `count` over 1.
    ///
    /// ## Why it matters
    /// The second would deploy over the first: ARM refuses a template that
    /// declares one resource twice, or, across deployments, the later one
    /// silently changes the machine the first made.
    ///
    /// ## Example
    /// ```ashlar
    /// compute web   { count = 2  resource_group = "rg-app"  ... }
    /// compute web-2 { resource_group = "rg-app"  ... }
    /// ```
    ///
    /// ## Fix
    /// Rename one of the blocks, or give it its own `resource_group`.
    pub DUPLICATE_MACHINE_NAME = ("ASH419", "duplicate-machine-name", Error);
}

pub const CHECK: Check = Check { code: &DUPLICATE_MACHINE_NAME, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let names = Names::new(model);
    // (type, resource group, name), all lower case → the first block that takes it.
    let mut seen: IndexMap<(&str, String, String), NodeId> = IndexMap::new();
    // Asked once, not for each of a plan's machines.
    let (machines_sound, interfaces_sound) = (is_sound(model, "virtual_machine"), is_sound(model, "network_interface"));
    for (block, node) in machine_blocks(model) {
        let Some(group) = node.str(attrs::RESOURCE_GROUP) else { continue };
        let mut taken: Vec<(&str, String)> = Vec::new();
        if node.is("compute") || node.is("desktop_pool") {
            for machine in machine_names(node) {
                if machines_sound {
                    taken.push(("virtual machine", names.virtual_machine(block, &machine)));
                }
                if interfaces_sound {
                    taken.push(("network interface", names.network_interface(block, &machine)));
                }
            }
            if flag(node, "availability_set") && is_sound(model, "availability_set") {
                taken.push(("availability set", names.availability_set(block)));
            }
        } else if is_sound(model, "scale_set") {
            taken.push(("scale set", names.scale_set(block)));
        }
        if flag(node, "proximity_placement_group") && is_sound(model, "proximity_placement_group") {
            taken.push(("proximity placement group", names.proximity_placement_group(block)));
        }
        if let Some(lb) = load_balancer(model, block) {
            let public = is_public(model.node(lb));
            if is_sound(model, if public { "public_load_balancer" } else { "load_balancer" }) {
                taken.push(("load balancer", names.load_balancer(block, public)));
            }
        }
        let mut reported = false;
        for (what, name) in taken {
            let key = (what, group.to_lowercase(), name.to_lowercase());
            match seen.get(&key) {
                Some(&first) if first != block => {
                    if !reported {
                        out.push(
                            Diagnostic::new(
                                &DUPLICATE_MACHINE_NAME,
                                node.head,
                                format!(
                                    "{} and {} would both deploy {what} `{name}` in resource group `{group}`",
                                    model.describe(block),
                                    model.describe(first)
                                ),
                            )
                            .with_label(model.node(first).head, format!("{} is here", model.describe(first)))
                            .with_help("rename one of the blocks, or give it its own `resource_group`: Azure would deploy the second over the first"),
                        );
                    }
                    reported = true;
                }
                Some(_) => {
                    // The block's own machines named alike: an exact name in `names` for a `count`.
                    if !reported {
                        out.push(
                            Diagnostic::new(
                                &DUPLICATE_MACHINE_NAME,
                                node.head,
                                format!("{} would deploy {what} `{name}` twice in resource group `{group}`", model.describe(block)),
                            )
                            .with_help("name each machine its own: put `{index}` (the machine's number) or `{name}` in its `names` pattern"),
                        );
                    }
                    reported = true;
                }
                None => {
                    seen.insert(key, block);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages};

    #[test]
    fn an_exact_name_for_several_machines_collides_with_itself() {
        let plan = machines(&linux("compute", "web", "count = 2\n names { virtual_machine = \"WEBVM\" }"));
        assert_eq!(messages(&plan, "ASH419"), ["compute `web` would deploy virtual machine `WEBVM` twice in resource group `rg`"]);
        let indexed = machines(&linux("compute", "web", "count = 2\n names { virtual_machine = \"WEBVM{index}\" }"));
        assert!(messages(&indexed, "ASH419").is_empty());
    }

    #[test]
    fn indexed_names_collide_with_other_blocks() {
        let plan = machines(&format!("{}{}", linux("compute", "web", "count = 2"), linux("compute", "WEB-2", "")));
        assert_eq!(messages(&plan, "ASH419"), ["compute `WEB-2` and compute `web` would both deploy virtual machine `WEB-2` in resource group `rg`"]);
        let apart = machines(&format!("{}{}", linux("compute", "web", "count = 2"), linux("compute", "web-3", "")));
        assert!(messages(&apart, "ASH419").is_empty());
        let other_group =
            machines(&format!("{}{}", linux("compute", "web", "count = 2"), linux("compute", "web-2", "").replace("\"rg\"", "\"rg-2\"")));
        assert!(messages(&other_group, "ASH419").is_empty());
    }

    #[test]
    fn load_balancers_and_scale_sets_too() {
        let plan = machines(&format!(
            "{}{}",
            linux("compute", "web", "load_balancer { ports = [80] }"),
            linux("scale_set", "web2", "load_balancer { ports = [80] }")
        ));
        assert!(messages(&plan, "ASH419").is_empty());
        let caf = format!(
            "naming n {{ load_balancer = \"lb\" }}\n{}",
            machines(&format!(
                "{}{}",
                linux("compute", "web", "load_balancer { ports = [80] }"),
                linux("scale_set", "w", "load_balancer { ports = [80] }")
            ))
        );
        assert_eq!(messages(&caf, "ASH419"), ["scale_set `w` and compute `web` would both deploy load balancer `lb` in resource group `rg`"]);
    }

    #[test]
    fn session_hosts_collide_with_machines() {
        use crate::blocks::desktops::test_support::{plan, pooled};
        let machine = crate::check::test_support::windows("compute", "web", "count = 2").replace("net.web", "net.hosts");
        let pool = pooled("desks", "host_prefix = \"web\"").replace("rg-desks", "rg");
        assert_eq!(
            messages(&plan(&format!("{machine}{pool}")), "ASH419"),
            ["desktop_pool `desks` and compute `web` would both deploy virtual machine `web-1` in resource group `rg`"]
        );
        let apart = pooled("desks", "host_prefix = \"desk\"").replace("rg-desks", "rg");
        assert!(messages(&plan(&format!("{machine}{apart}")), "ASH419").is_empty());
    }
}
