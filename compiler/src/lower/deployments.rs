//! The order of a plan's resources and their grouping into nested
//! deployments: each resource after those it depends on, each deployment one
//! resource group's, within ARM's limits of 800 resources and 4 MB a template.

use crate::diagnostic::Diagnostic;
use crate::graph::{cycle_diagnostic, fnv1a};
use crate::lower::ir::{AzurePlan, Deployment, DeploymentId, Grouping, ResourceId};
use crate::model::{Model, NodeId};
use indexmap::{IndexMap, IndexSet};

/// ARM's limit of resources in one template.
pub const MAX_RESOURCES_PER_DEPLOYMENT: usize = 800;

/// Puts the resources of a plan in an order where each comes after those it
/// depends on, into [`AzurePlan::order`]; fails when some wait for each other
/// in a circle.
pub fn order(plan: &mut AzurePlan, model: &Model) -> Result<(), Vec<Diagnostic>> {
    plan.order = topological_order(plan).map_err(|stuck| {
        let mut blocks: Vec<NodeId> = stuck.iter().map(|r| plan[*r].origin).collect();
        blocks.sort();
        blocks.dedup();
        vec![cycle_diagnostic(model, &blocks)]
    })?;
    Ok(())
}

/// Groups the resources of an ordered plan into nested deployments.
///
/// A deployment holds resources of one resource group. A resource that needs a
/// resource of another group goes into a later deployment of its own group, so
/// that deployments never wait on each other in a circle: a peering from hub to
/// spoke deploys after both virtual networks, whichever groups they are in.
pub fn group(plan: &AzurePlan) -> Grouping {
    let order = &plan.order;

    // Stage of each resource: the same as a dependency in its own group, one
    // later than a dependency in another group.
    let mut stage = vec![0usize; plan.resources.len()];
    for &r in order {
        let resource = &plan[r];
        stage[r.index()] = resource
            .depends_on
            .iter()
            .map(|&d| stage[d.index()] + usize::from(!same_group(&plan[d].resource_group, &resource.resource_group)))
            .max()
            .unwrap_or(0);
    }
    let mut groups: IndexMap<(usize, String), Vec<ResourceId>> = IndexMap::new();
    for &r in order {
        let key = (stage[r.index()], plan[r].resource_group.to_ascii_lowercase());
        groups.entry(key).or_default().push(r);
    }
    groups.sort_by(|a, _, b, _| a.0.cmp(&b.0));
    // ARM refuses a template of more than 800 resources. A group in dependency
    // order splits into consecutive chunks: every dependency then lies in the
    // same chunk or an earlier one, so the chunks chain without circles.
    // A template also weighs at most 4 MB: a chunk ends early at about 3 MB
    // of JSON, so that any deployment fits a top-level template by itself.
    let groups: Vec<((usize, String), Vec<ResourceId>)> =
        groups.into_iter().flat_map(|(key, resources)| chunks(plan, &resources).into_iter().map(move |chunk| (key.clone(), chunk))).collect();

    let mut per_group_count: IndexMap<String, usize> = IndexMap::new();
    let mut stems: IndexSet<String> = IndexSet::new();
    let mut deployments = Vec::new();
    let mut of_resource = vec![DeploymentId(0); plan.resources.len()];
    for ((_, group_key), resources) in groups {
        let rg = plan[resources[0]].resource_group.clone();
        let n = per_group_count.entry(group_key).or_insert(0);
        *n += 1;
        let suffix = if *n == 1 { String::new() } else { format!("-{n}") };
        let mut stem = format!("{}{suffix}", file_safe(&rg));
        while stems.contains(&stem.to_ascii_lowercase()) {
            stem.push('_');
        }
        stems.insert(stem.to_ascii_lowercase());
        let index = DeploymentId(deployments.len());
        for &r in &resources {
            of_resource[r.index()] = index;
        }
        deployments.push(Deployment {
            name: deployment_name(&rg, &suffix),
            symbol: format!("deploy_{}", stem.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect::<String>()),
            file_stem: stem,
            resource_group: rg,
            resources,
            depends_on: Vec::new(),
        });
    }
    for deployment in &mut deployments {
        let mut needs: IndexSet<DeploymentId> = IndexSet::new();
        for &r in &deployment.resources {
            for &d in &plan[r].depends_on {
                let other = of_resource[d.index()];
                if other != of_resource[r.index()] {
                    needs.insert(other);
                }
            }
        }
        let mut needs: Vec<DeploymentId> = needs.into_iter().collect();
        needs.sort();
        deployment.depends_on = needs;
    }
    // Symbols must be unique even when two stems differ only in case or punctuation.
    let mut seen: IndexSet<String> = IndexSet::new();
    for deployment in &mut deployments {
        while !seen.insert(deployment.symbol.clone()) {
            deployment.symbol.push('_');
        }
    }
    Grouping { deployments, of_resource }
}

/// Roughly how many bytes of JSON a nested deployment may hold: well under
/// ARM's 4 MB for a whole template, leaving room for the template around it.
pub const MAX_DEPLOYMENT_WEIGHT: usize = 3 * 1024 * 1024;

/// Consecutive runs of `resources`, each of at most
/// [`MAX_RESOURCES_PER_DEPLOYMENT`] resources and, unless one resource is
/// heavier by itself, [`MAX_DEPLOYMENT_WEIGHT`].
fn chunks(plan: &AzurePlan, resources: &[ResourceId]) -> Vec<Vec<ResourceId>> {
    let mut chunks: Vec<Vec<ResourceId>> = Vec::new();
    let mut current: Vec<ResourceId> = Vec::new();
    let mut weight = 0;
    for &r in resources {
        let w = plan[r].weight();
        if !current.is_empty() && (current.len() == MAX_RESOURCES_PER_DEPLOYMENT || weight + w > MAX_DEPLOYMENT_WEIGHT) {
            chunks.push(std::mem::take(&mut current));
            weight = 0;
        }
        current.push(r);
        weight += w;
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    chunks
}

fn same_group(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Kahn's algorithm, always taking the earliest-made resource that is ready, so
/// the order is the same on every run. `Err` holds the resources left in a circle.
fn topological_order(plan: &AzurePlan) -> Result<Vec<ResourceId>, Vec<ResourceId>> {
    let n = plan.resources.len();
    let mut waiting: Vec<usize> = plan.resources.iter().map(|r| r.depends_on.len()).collect();
    let mut dependents: Vec<Vec<ResourceId>> = vec![Vec::new(); n];
    for (r, resource) in plan.resource_ids().zip(&plan.resources) {
        for &d in &resource.depends_on {
            dependents[d.index()].push(r);
        }
    }
    let mut ready: std::collections::BTreeSet<ResourceId> = plan.resource_ids().filter(|r| waiting[r.index()] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(r) = ready.pop_first() {
        order.push(r);
        for &next in &dependents[r.index()] {
            waiting[next.index()] -= 1;
            if waiting[next.index()] == 0 {
                ready.insert(next);
            }
        }
    }
    if order.len() == n {
        Ok(order)
    } else {
        Err(plan.resource_ids().filter(|r| waiting[r.index()] > 0).collect())
    }
}

/// A file name for a resource group's module: letters, digits, `.`, `_`, `-`.
fn file_safe(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '_' }).collect()
}

/// `ashlar-<group><suffix>`, cut to Azure's 64 characters with a hash that keeps it unique.
fn deployment_name(rg: &str, suffix: &str) -> String {
    let full = format!("ashlar-{rg}{suffix}");
    if full.chars().count() <= 64 {
        return full;
    }
    let hash = format!("{:08x}", fnv1a(full.as_bytes()) as u32);
    let keep: String = full.chars().take(64 - 1 - hash.len()).collect();
    format!("{keep}-{hash}")
}
