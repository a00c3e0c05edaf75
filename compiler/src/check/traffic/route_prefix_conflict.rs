use crate::blocks::routing::{route, routes};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::NodeId;
use crate::phrases::{Address, Route};

declare_codes! {
    /// ## What it does
    /// Reports two routes of one route table for the same address prefix or
    /// service tag.
    ///
    /// ## Why it matters
    /// A route table holds one route per prefix: Azure rejects the table with
    /// `RouteConflict` ("Routes cannot have the same AddressPrefix").
    ///
    /// ## Example
    /// ```ashlar
    /// route_table spoke_rt {
    ///   route default  0.0.0.0/0 via 10.0.0.68
    ///   route internet 0.0.0.0/0 via internet
    /// }
    /// ```
    ///
    /// ## Fix
    /// Keep one of the two routes.
    pub ROUTE_PREFIX_CONFLICT = ("ASH220", "route-prefix-conflict", Error);
}

pub const CHECK: Check = Check { code: &ROUTE_PREFIX_CONFLICT, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (table, _) in model.of_kind("route_table") {
        let typed: Vec<(NodeId, &Route)> = routes(model, table).filter_map(|r| route(model, r).map(|route| (r, route))).collect();
        for (i, &(later_id, later)) in typed.iter().enumerate() {
            let same = |a: &Address, b: &Address| match (a, b) {
                (Address::Tag(x), Address::Tag(y)) => x.eq_ignore_ascii_case(y),
                (x, y) => x == y,
            };
            let Some(&(earlier_id, earlier)) = typed[..i].iter().find(|(_, e)| same(&e.prefix.value, &later.prefix.value)) else { continue };
            let prefix = later.prefix.value.to_string();
            out.push(
                Diagnostic::new(
                    &ROUTE_PREFIX_CONFLICT,
                    later.prefix.span,
                    format!(
                        "routes `{}` and `{}` of {} are both for {prefix}; Azure takes one route per prefix",
                        model.node(earlier_id).name(),
                        model.node(later_id).name(),
                        model.describe(table)
                    ),
                )
                .with_label(earlier.prefix.span, format!("route `{}` is for {prefix} here", model.node(earlier_id).name()))
                .with_help("keep one of the two routes"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::messages;

    #[test]
    fn one_route_per_prefix_or_tag() {
        let plan = "route_table rt {\n resource_group = \"rg\"\n location = uksouth\n route a 0.0.0.0/0 via internet\n route b 0.0.0.0/1 via internet\n route c 0.0.0.0/0 via none\n route d AzureCloud via internet\n route e azurecloud via none\n}\n";
        assert_eq!(
            messages(plan, "ASH220"),
            [
                "routes `a` and `c` of route_table `rt` are both for 0.0.0.0/0; Azure takes one route per prefix",
                "routes `d` and `e` of route_table `rt` are both for azurecloud; Azure takes one route per prefix",
            ]
        );
    }
}
