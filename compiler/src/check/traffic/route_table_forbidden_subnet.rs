use crate::blocks::routing::{bgp_propagation, route, routes};
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Model, NodeId};
use crate::phrases::{Address, NextHop, Route};
use crate::source::Span;

declare_codes! {
    /// ## What it does
    /// Reports a route table on a subnet whose service cannot take it:
    /// `AzureBastionSubnet` and `RouteServerSubnet` take none; on
    /// `AzureFirewallManagementSubnet` the only route allowed is `0.0.0.0/0 via
    /// internet`, with `bgp_propagation = false`; on `AzureFirewallSubnet` a route
    /// for `0.0.0.0/0` must go `via internet`; on `GatewaySubnet` a route for
    /// `0.0.0.0/0` or `bgp_propagation = false` is refused, and any other route
    /// table is a warning, since only some designs need one.
    ///
    /// ## Why it matters
    /// Azure Bastion and Azure Route Server do not support user-defined routes on
    /// their subnets; Azure refuses to create a gateway whose subnet sends
    /// `0.0.0.0/0` elsewhere, and a gateway that does not learn its own routes
    /// stops working; Azure Firewall must reach the Internet directly. The
    /// deployment fails, or the service breaks after it.
    ///
    /// ## Example
    /// ```ashlar
    /// hub core {
    ///   subnet AzureBastionSubnet 10.0.0.64/26 { route_table = hub_rt }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Remove `route_table = ...` from the subnet, or give the subnet a route
    /// table with only the routes its service allows.
    pub ROUTE_TABLE_FORBIDDEN_SUBNET = ("ASH215", "route-table-forbidden-subnet", Error);
}

pub const CHECK: Check = Check { code: &ROUTE_TABLE_FORBIDDEN_SUBNET, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    for (network, node) in model.networks() {
        for &subnet in node.children.iter().filter(|&&c| model.node(c).is("subnet")) {
            let sub = model.node(subnet);
            let (Some(attr), Some(table)) = (sub.get("route_table"), sub.reference("route_table")) else { continue };
            let ctx = Attachment { model, network, subnet, table, at: attr.span };
            match sub.name() {
                "AzureBastionSubnet" => ctx.report(
                    out,
                    None,
                    "Azure Bastion does not support user-defined routes on its subnet",
                    "remove `route_table = ...` from the subnet".into(),
                ),
                "RouteServerSubnet" => ctx.report(
                    out,
                    None,
                    "Azure Route Server does not support a route table on its subnet",
                    "remove `route_table = ...` from the subnet".into(),
                ),
                "AzureFirewallManagementSubnet" => management(&ctx, out),
                "AzureFirewallSubnet" => {
                    for (id, r) in ctx.default_routes().filter(|(_, r)| !is_internet(r)) {
                        ctx.report(
                            out,
                            Some((r.next_hop.span, format!("route `{}` sends 0.0.0.0/0 here", ctx.model.node(id).name()))),
                            "Azure Firewall must reach the Internet directly, so its subnet's route for 0.0.0.0/0 must go via `internet`",
                            "write `via internet` for this route, or give the firewall's subnet a route table of its own".into(),
                        );
                    }
                }
                "GatewaySubnet" => gateway(&ctx, out),
                _ => {}
            }
        }
    }
}

/// A route table on a subnet.
struct Attachment<'a> {
    model: &'a Model,
    network: NodeId,
    subnet: NodeId,
    table: NodeId,
    /// The subnet's `route_table = ...`.
    at: Span,
}

impl<'a> Attachment<'a> {
    /// The routes of the table, each with its block.
    fn routes(&self) -> impl Iterator<Item = (NodeId, &'a Route)> + '_ {
        let model = self.model;
        routes(model, self.table).filter_map(move |r| route(model, r).map(|route| (r, route)))
    }

    fn default_routes(&self) -> impl Iterator<Item = (NodeId, &'a Route)> + '_ {
        self.routes().filter(|(_, r)| is_default(r))
    }

    /// Reports at the subnet's `route_table`, with a label at `detail` (a route's word) when given.
    fn report(&self, out: &mut Vec<Diagnostic>, detail: Option<(Span, String)>, why: &str, help: String) {
        self.report_as(out, Severity::Error, detail, why, help);
    }

    fn report_as(&self, out: &mut Vec<Diagnostic>, severity: Severity, detail: Option<(Span, String)>, why: &str, help: String) {
        let name = self.model.node(self.subnet).name();
        let table = self.model.describe(self.table);
        let mut d = Diagnostic::new(
            &ROUTE_TABLE_FORBIDDEN_SUBNET,
            self.at,
            format!("subnet `{name}` of {} uses {table}: {why}", self.model.describe(self.network)),
        );
        d = match detail {
            Some((span, label)) => d.with_label(span, label),
            None => d.with_label(self.model.node(self.table).head, format!("{table} is declared here")),
        };
        d.severity = severity;
        out.push(d.with_help(help));
    }
}

fn is_default(route: &Route) -> bool {
    matches!(route.prefix.value, Address::Prefix(net) if net.prefix_len() == 0)
}

fn is_internet(route: &Route) -> bool {
    route.next_hop.value == NextHop::Internet
}

/// Forced tunnelling: the management subnet keeps its default route to the
/// Internet and learns no routes from gateways.
fn management(ctx: &Attachment, out: &mut Vec<Diagnostic>) {
    for (id, r) in ctx.routes().filter(|(_, r)| !(is_default(r) && is_internet(r))) {
        ctx.report(
            out,
            Some((r.prefix.span, format!("route `{}` is here", ctx.model.node(id).name()))),
            "the only route Azure Firewall's management subnet allows is 0.0.0.0/0 via `internet`",
            format!("remove route `{}`, or give the management subnet a route table of its own", ctx.model.node(id).name()),
        );
    }
    if bgp_propagation(ctx.model, ctx.table) {
        let at = ctx.model.node(ctx.table).get("bgp_propagation").map(|a| (a.span, "gateway routes are learnt here".to_string()));
        ctx.report(
            out,
            at,
            "Azure Firewall's management subnet must not learn gateway routes",
            format!("write `bgp_propagation = false` in {}", ctx.model.describe(ctx.table)),
        );
    }
}

/// A gateway's subnet may have routes, but not a default route elsewhere, and
/// must learn its gateway's routes.
fn gateway(ctx: &Attachment, out: &mut Vec<Diagnostic>) {
    let mut refused = false;
    for (id, r) in ctx.default_routes() {
        refused = true;
        ctx.report(
            out,
            Some((r.prefix.span, format!("route `{}` is for 0.0.0.0/0", ctx.model.node(id).name()))),
            "Azure refuses to create a gateway whose subnet has a route for 0.0.0.0/0",
            format!("remove route `{}`, or give `GatewaySubnet` a route table of its own", ctx.model.node(id).name()),
        );
    }
    if !bgp_propagation(ctx.model, ctx.table) {
        refused = true;
        let at = ctx.model.node(ctx.table).get("bgp_propagation").map(|a| (a.span, "gateway routes are turned off here".to_string()));
        ctx.report(
            out,
            at,
            "a gateway whose subnet does not learn gateway routes stops working",
            format!("remove `bgp_propagation = false` from {}, or give `GatewaySubnet` a route table of its own", ctx.model.describe(ctx.table)),
        );
    }
    if !refused {
        ctx.report_as(
            out,
            Severity::Warning,
            None,
            "a gateway's subnet needs a route table only in designs that send its traffic through an appliance",
            "remove `route_table = ...` unless traffic from on-premises must pass an appliance; keep it free of a 0.0.0.0/0 route".into(),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::diagnostics;
    use crate::diagnostic::Severity;

    fn found(subnet: &str, table: &str) -> Vec<(Severity, String)> {
        let plan = format!(
            "settings {{ location = uksouth }}\nroute_table rt {{\n{table}\n}}\nhub core {{\n resource_group = \"rg\"\n address_space = [10.0.0.0/22]\n subnet appliance 10.0.2.0/26\n subnet {subnet} 10.0.0.0/26 {{ route_table = rt }}\n}}\n"
        );
        diagnostics(&plan, "ASH215").into_iter().map(|d| (d.severity, d.message)).collect()
    }

    #[test]
    fn bastion_and_route_server_take_no_route_table() {
        assert_eq!(found("AzureBastionSubnet", "").len(), 1);
        assert_eq!(found("RouteServerSubnet", "").len(), 1);
        assert!(found("azurebastionsubnet", "").is_empty());
    }

    #[test]
    fn the_firewall_subnet_sends_its_default_route_to_the_internet() {
        assert!(found("AzureFirewallSubnet", " route d 0.0.0.0/0 via internet\n route o 192.168.0.0/16 via 10.0.2.4").is_empty());
        let f = found("AzureFirewallSubnet", " route d 0.0.0.0/0 via 10.0.2.4");
        assert_eq!(f.len(), 1);
        assert!(f[0].1.ends_with("its subnet's route for 0.0.0.0/0 must go via `internet`"), "{}", f[0].1);
    }

    #[test]
    fn the_management_subnet_takes_only_a_default_route_to_the_internet_without_bgp() {
        assert!(found("AzureFirewallManagementSubnet", " bgp_propagation = false\n route d 0.0.0.0/0 via internet").is_empty());
        assert_eq!(found("AzureFirewallManagementSubnet", " route d 0.0.0.0/0 via internet").len(), 1);
        assert_eq!(found("AzureFirewallManagementSubnet", " bgp_propagation = false\n route o 192.168.0.0/16 via internet").len(), 1);
    }

    #[test]
    fn a_gateway_subnet_route_table_is_a_warning_unless_azure_refuses_it() {
        let f = found("GatewaySubnet", " route o 10.1.0.0/16 via 10.0.2.4");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, Severity::Warning);
        let f = found("GatewaySubnet", " bgp_propagation = false\n route d 0.0.0.0/0 via 10.0.2.4");
        assert_eq!(f.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [Severity::Error, Severity::Error]);
    }
}
