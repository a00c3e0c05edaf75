use crate::blocks::private_dns::links;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{NodeId, Typed};
use crate::source::Span;
use indexmap::IndexMap;

declare_codes! {
    /// ## What it does
    /// Reports a virtual network linked to two private DNS zones that both have
    /// `registration_enabled = true`.
    ///
    /// ## Why it matters
    /// Azure registers a virtual network's machines in one private DNS zone only
    /// (Azure DNS limits: one zone with autoregistration per virtual network);
    /// the second link fails when the deployment reaches it.
    ///
    /// ## Example
    /// ```ashlar
    /// private_dns corp { zone = "corp.internal"  link = [core]  registration_enabled = true ... }
    /// private_dns lab  { zone = "lab.internal"   link = [core]  registration_enabled = true ... }
    /// ```
    ///
    /// ## Fix
    /// Keep autoregistration on one zone per network: set
    /// `registration_enabled = false` on the other, or link it elsewhere.
    pub DNS_AUTOREGISTRATION_CONFLICT = ("ASH258", "dns-autoregistration-conflict", Error);
}

pub const CHECK: Check = Check { code: &DNS_AUTOREGISTRATION_CONFLICT, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    // Each network to the first zone that registers it, with the `link` entry.
    let mut registered: IndexMap<NodeId, (NodeId, Span)> = IndexMap::new();
    for (id, node) in model.of_kind("private_dns") {
        if !matches!(node.get("registration_enabled").map(|a| &a.value), Some(Typed::Bool(true))) {
            continue;
        }
        for (network, span) in links(node) {
            match registered.get(&network) {
                // The same zone twice is `duplicate-private-dns`'s.
                Some(&(first, _)) if first == id => {}
                Some(&(first, first_span)) => {
                    let zone = |n: NodeId| model.node(n).str("zone").unwrap_or_default().to_string();
                    out.push(
                        Diagnostic::new(
                            &DNS_AUTOREGISTRATION_CONFLICT,
                            span,
                            format!(
                                "{} is linked with autoregistration to zone `{}` and to zone `{}`",
                                model.describe(network),
                                zone(id),
                                zone(first)
                            ),
                        )
                        .with_label(first_span, format!("{} registers it here", model.describe(first)))
                        .with_help(format!(
                            "set `registration_enabled = false` on one of {} and {}: Azure registers a network's machines in one zone only",
                            model.describe(id),
                            model.describe(first)
                        )),
                    );
                }
                None => {
                    registered.insert(network, (id, span));
                }
            }
        }
    }
}
