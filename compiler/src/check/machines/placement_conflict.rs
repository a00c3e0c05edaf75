use crate::blocks::compute::{distinct_zones, flag, machine_blocks, zones};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;

declare_codes! {
    /// ## What it does
    /// Reports placements of machines that Azure cannot honour together:
    /// `zones` with `availability_set = true`, `proximity_placement_group =
    /// true` with more than one zone, and a zone listed twice.
    ///
    /// ## Why it matters
    /// A virtual machine is in an availability zone or in an availability set,
    /// never both: Azure refuses it. A proximity placement group keeps its
    /// machines in one datacenter, which machines spread over several zones
    /// cannot be in. A zone written twice puts more machines in it than the
    /// list seems to say.
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
        let Some(zones_attr) = node.get("zones").filter(|_| !written.is_empty()) else { continue };
        if let (true, Some(avset)) = (flag(node, "availability_set"), node.get("availability_set")) {
            out.push(
                Diagnostic::new(&PLACEMENT_CONFLICT, avset.span, format!("{} has both `zones` and an availability set", model.describe(block)))
                    .with_label(zones_attr.span, "the zones are here")
                    .with_help("a machine is in a zone or in an availability set, never both: keep `zones` to spread the machines over datacenters, or remove them for the availability set"),
            );
        }
        let distinct = distinct_zones(node);
        if let (true, Some(ppg), true) = (flag(node, "proximity_placement_group"), node.get("proximity_placement_group"), distinct.len() > 1) {
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
}
