use crate::blocks::compute::{distinct_zones, machine_blocks, zones};
use crate::blocks::placement::{in_availability_set, placement_group_of, shared, PlacementGroup};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports placements of machines that Azure cannot honour together:
    /// `zones` with an availability set (a block's own or a shared one), a
    /// proximity placement group with machines in more than one zone, or in
    /// another zone than the group's, a block in a shared availability set
    /// naming another proximity placement group than the set's, and a zone
    /// listed twice.
    ///
    /// ## Why it matters
    /// A virtual machine is in an availability zone or in an availability set,
    /// never both: Azure refuses it. A proximity placement group keeps its
    /// machines in one datacenter, which machines spread over several zones
    /// cannot be in; a group given a zone creates its machines in that zone
    /// only. The machines of an availability set are in the set's proximity
    /// placement group. A zone written twice puts more machines in it than
    /// the list seems to say.
    ///
    /// ## Example
    /// ```ashlar
    /// compute web {
    ///   zones            = [1, 2, 3]
    ///   availability_set = true
    ///   ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// Keep `zones` (machines in separate datacenters) or the availability set
    /// (separate racks of one datacenter), not both; give a proximity placement
    /// group one zone at most; write each zone once.
    pub PLACEMENT_CONFLICT = ("ASH402", "placement-conflict", Error);
}

pub const CHECK: Check = Check { code: &PLACEMENT_CONFLICT, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (block, node) in machine_blocks(model) {
        let written = zones(node);
        let mut seen: Vec<i64> = Vec::new();
        for zone in &written {
            if seen.contains(&zone.value) {
                let first = written.iter().find(|z| z.value == zone.value).map_or(zone.span, |z| z.span);
                out.push(
                    Diagnostic::new(
                        &PLACEMENT_CONFLICT,
                        zone.span,
                        format!("zone {} is listed twice in `zones` of {}", zone.value, model.describe(block)),
                    )
                    .with_label(first, "first listed here")
                    .with_help("write each zone once: the machines are spread over the zones in turn"),
                );
            }
            seen.push(zone.value);
        }
        // A block in a shared set that also names a group: the set's must be it.
        if let (Some(set), Some(written)) = (shared(model, block, "availability_set"), node.get("proximity_placement_group")) {
            let own = placement_group_of_written(model, block);
            let set_group = shared(model, set, "proximity_placement_group");
            if own.is_some() && own != set_group.map(PlacementGroup::Shared) {
                let in_set = set_group.map_or("in no proximity placement group".to_string(), |g| format!("in {}", model.describe(g)));
                out.push(
                    Diagnostic::new(
                        &PLACEMENT_CONFLICT,
                        written.span,
                        format!("{} joins {}, which is {in_set}, but names another proximity placement group", model.describe(block), model.describe(set)),
                    )
                    .with_help("the machines of an availability set are in the set's proximity placement group: remove `proximity_placement_group` here, or give the set this one"),
                );
            }
        }
        let Some(zones_attr) = node.get("zones").filter(|_| !written.is_empty()) else { continue };
        if let (true, Some(avset)) = (in_availability_set(node), node.get("availability_set")) {
            out.push(
                Diagnostic::new(&PLACEMENT_CONFLICT, avset.span, format!("{} has both `zones` and an availability set", model.describe(block)))
                    .with_label(zones_attr.span, "the zones are here")
                    .with_help("a machine is in a zone or in an availability set, never both: keep `zones` to spread the machines over datacenters, or remove them for the availability set"),
            );
            continue;
        }
        let distinct = distinct_zones(node);
        let group = placement_group_of(model, block);
        // A shared group given a zone: the machines must be in it.
        if let Some(PlacementGroup::Shared(shared_group)) = group {
            if let [zone] = crate::blocks::placement::zones(model.node(shared_group)).as_slice() {
                if let Some(other) = distinct.iter().find(|z| *z != zone) {
                    out.push(
                        Diagnostic::new(
                            &PLACEMENT_CONFLICT,
                            zones_attr.span,
                            format!(
                                "{} puts machines in zone {other}, but {} creates its machines in zone {zone}",
                                model.describe(block),
                                model.describe(shared_group)
                            ),
                        )
                        .with_help(format!("write `zones = [{zone}]`, or name another proximity placement group")),
                    );
                    continue;
                }
            }
        }
        if let (true, Some(ppg), true) = (group.is_some(), node.get("proximity_placement_group"), distinct.len() > 1) {
            let listed = distinct.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
            out.push(
                Diagnostic::new(
                    &PLACEMENT_CONFLICT,
                    ppg.span,
                    format!(
                        "the proximity placement group of {} keeps its machines in one datacenter, but they are spread over zones {listed}",
                        model.describe(block)
                    ),
                )
                .with_label(zones_attr.span, "the zones are here")
                .with_help("give one zone, or remove `proximity_placement_group`"),
            );
        }
    }
}

/// The proximity placement group a block names itself, not through its set.
fn placement_group_of_written(model: &crate::model::Model, block: crate::model::NodeId) -> Option<PlacementGroup> {
    match model.node(block).get("proximity_placement_group").map(|a| &a.value) {
        Some(crate::model::Typed::Bool(true)) => Some(PlacementGroup::Own(block)),
        Some(crate::model::Typed::Ref(group)) => Some(PlacementGroup::Shared(*group)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::{linux, machines, messages};

    #[test]
    fn zones_exclude_availability_sets_and_spread_placement_groups() {
        assert_eq!(
            messages(&machines(&linux("compute", "web", "zones = [1, 2]\n availability_set = true")), "ASH402"),
            ["compute `web` has both `zones` and an availability set"]
        );
        assert_eq!(
            messages(&machines(&linux("scale_set", "w", "zones = [1, 3]\n proximity_placement_group = true")), "ASH402"),
            ["the proximity placement group of scale_set `w` keeps its machines in one datacenter, but they are spread over zones 1, 3"]
        );
        assert_eq!(
            messages(&machines(&linux("compute", "web", "zones = [1, 2, 1]")), "ASH402"),
            ["zone 1 is listed twice in `zones` of compute `web`"]
        );
        for fine in [
            "zones = [2]\n proximity_placement_group = true",
            "availability_set = true\n proximity_placement_group = true",
            "zones = [1, 2, 3]",
            "availability_set = false\n zones = [1]",
        ] {
            assert!(messages(&machines(&linux("compute", "web", fine)), "ASH402").is_empty(), "{fine}");
        }
    }

    #[test]
    fn shared_sets_and_groups_place_their_machines() {
        let shared = "proximity_placement_group close {\n resource_group = \"rg\"\n zones = [1]\n}\nproximity_placement_group other {\n resource_group = \"rg\"\n}\navailability_set db {\n resource_group = \"rg\"\n proximity_placement_group = close\n}\n";
        let check = |extra: &str| messages(&machines(&format!("{shared}{}", linux("compute", "web", extra))), "ASH402");
        assert_eq!(check("zones = [1]\n availability_set = db"), ["compute `web` has both `zones` and an availability set"]);
        assert_eq!(
            check("zones = [2]\n proximity_placement_group = close"),
            ["compute `web` puts machines in zone 2, but proximity_placement_group `close` creates its machines in zone 1"]
        );
        assert_eq!(
            check("availability_set = db\n proximity_placement_group = other"),
            ["compute `web` joins availability_set `db`, which is in proximity_placement_group `close`, but names another proximity placement group"]
        );
        assert_eq!(
            check("availability_set = db\n proximity_placement_group = true"),
            ["compute `web` joins availability_set `db`, which is in proximity_placement_group `close`, but names another proximity placement group"]
        );
        for fine in [
            "availability_set = db",
            "availability_set = db\n proximity_placement_group = close",
            "zones = [1]\n proximity_placement_group = close",
            "proximity_placement_group = other\n zones = [3]",
        ] {
            assert!(check(fine).is_empty(), "{fine}");
        }
    }
}
