use crate::blocks::compute::{self, Os};
use crate::blocks::updates::groups_of;
use crate::check::{Check, Context};
use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Model, NodeId};
use crate::schema::attrs;

declare_codes! {
    /// ## What it does
    /// Reports `compute` and `scale_set` blocks whose machines need the
    /// Internet and join a subnet with no way out to it (see `ASH260` for what
    /// a way out is; `ashlar plan` shows each subnet's). A machine needs the
    /// Internet when it is in an update group (patches come from Windows
    /// Update or the distribution's repositories), when its `script` or
    /// `cloud_init` installs packages or fetches from a URL, when it runs
    /// Windows (activation and Windows Update), or when it is a hub's
    /// `appliance`, forwarding the spokes' traffic to the Internet. A Flexible
    /// scale set never has Azure's default outbound access, even where the
    /// subnet keeps it.
    ///
    /// ## Why it matters
    /// From Network API 2025-07-01 the subnets of a new virtual network are
    /// private, and Microsoft notes that Windows activation and Windows Update
    /// do not work in a private subnet without an explicit way out ([Default
    /// outbound access in
    /// Azure](https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access)).
    /// The deployment succeeds, and then nothing is patched, packages never
    /// install, or every spoke's Internet traffic is dropped at the appliance.
    ///
    /// ## Example
    /// ```ashlar
    /// vnet app {
    ///   resource_group = "rg-app"
    ///   address_space  = [10.1.0.0/24]
    ///   subnet web 10.1.0.0/26
    /// }
    /// compute web { subnet = app.web  updates = sunday ... }
    /// ```
    ///
    /// ## Fix
    /// Give the subnet a way out: `nat_gateway = NAME` on the subnet (the way
    /// Microsoft recommends), a default route to a hub's `firewall`, or a
    /// `load_balancer public` in front of the machines.
    pub MACHINES_OFFLINE = ("ASH261", "machines-offline", Warning);
}

pub const CHECK: Check = Check { code: &MACHINES_OFFLINE, run };

fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let egress = cx.egress();
    let appliances: Vec<(NodeId, NodeId)> =
        model.of_kind("hub").filter_map(|(hub, node)| node.reference("appliance").map(|appliance| (appliance, hub))).collect();
    for (block, node) in model.of_kind("compute").chain(model.of_kind("scale_set")) {
        let (Some(Err(none)), Some(attr), Some(subnet)) = (egress.of_machines(block), node.get(attrs::SUBNET), node.reference(attrs::SUBNET)) else {
            continue;
        };
        let hub = appliances.iter().find(|(appliance, _)| *appliance == block).map(|(_, hub)| *hub);
        let Some(need) = need(model, block, hub) else { continue };
        let d = Diagnostic::new(
            &MACHINES_OFFLINE,
            attr.span,
            format!(
                "{} cannot reach the Internet from subnet `{}` (way out: {}), but {need}",
                model.describe(block),
                model.path(subnet),
                egress.describe(&Err(none))
            ),
        )
        .with_label(model.node(subnet).head, "no way out from this subnet");
        out.push(with_fix(d, model, subnet, node.is("scale_set")));
    }
}

/// Why a machine block's machines need the Internet, the first reason found.
fn need(model: &Model, block: NodeId, appliance_of: Option<NodeId>) -> Option<String> {
    let node = model.node(block);
    if let Some(hub) = appliance_of {
        return Some(format!("as hub `{}`'s appliance it forwards the spokes' traffic to the Internet, which is dropped", model.node(hub).name()));
    }
    if let Some(&group) = groups_of(model, block).first() {
        return Some(format!("update group `{}` patches it from the Internet", model.node(group).name()));
    }
    for (attr, what) in [("script", "its script"), ("cloud_init", "its cloud-init configuration")] {
        if node.str(attr).is_some_and(fetches) {
            return Some(format!("{what} installs packages or downloads from the Internet"));
        }
    }
    (compute::os(model, block) == Some(Os::Windows)).then(|| "Windows activates and updates over the Internet".to_string())
}

/// Whether a script or cloud-init configuration installs packages or
/// downloads: the words of the common package managers and fetchers.
fn fetches(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "package_update",
        "package_upgrade",
        "packages:",
        "apt-get ",
        "apt ",
        "yum ",
        "dnf ",
        "zypper ",
        "curl ",
        "wget ",
        "http://",
        "https://",
        "Invoke-WebRequest",
        "Install-Module",
        "Install-PackageProvider",
        "choco ",
        "winget ",
    ];
    WORDS.iter().any(|w| text.contains(w))
}

/// The fix for a subnet with no way out, in words, with the fallback of
/// Azure's default outbound access as a hint, except for a Flexible scale
/// set, which never gets it.
pub(super) fn with_fix(d: Diagnostic, model: &Model, subnet: NodeId, scale_set: bool) -> Diagnostic {
    let d = d.with_help(format!(
        "give subnet `{}` a way out: `nat_gateway = NAME` (a `nat_gateway` block in its region), or a default route to a hub's firewall",
        model.path(subnet)
    ));
    if scale_set {
        d
    } else {
        d.with_hint("`default_outbound_access = true` on the subnet keeps Azure's implicit address instead, which Microsoft advises against")
    }
}
