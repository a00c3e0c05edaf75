//! How a build splits into top-level templates.
//!
//! ARM refuses a template of more than 4 MB (the nested templates inline in it
//! count), or with more than 800 resources at its top. Most plans fit one
//! template, `main.json`. A larger plan's nested deployments are dealt, in
//! their dependency order, into parts `main-1.json`, `main-2.json`, ...,
//! deployed one after another: every deployment a part's deployment waits for
//! is in the same part or an earlier one.

use crate::lower::ir::{AzurePlan, DeploymentId};

/// The most a top-level template may weigh, in bytes of JSON without spaces.
pub const MAX_TEMPLATE_BYTES: usize = 4 * 1024 * 1024;

/// Room kept in each part for what is not a nested deployment: its resource
/// groups, its subscription-scope resources and the template around them.
const ROOM_FOR_THE_REST: usize = 256 * 1024;

/// ARM's limit of resources at the top of one template.
pub const MAX_TOP_LEVEL_RESOURCES: usize = 800;

/// One top-level template: the deployments it holds, the resource groups they
/// deploy into (each part declares the groups it uses, which is harmless when
/// one already exists) and the subscription-scope resources it deploys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub deployments: Vec<DeploymentId>,
    /// Indexes into [`AzurePlan::resource_groups`], in the plan's order.
    pub resource_groups: Vec<usize>,
    /// Indexes into [`AzurePlan::subscription_resources`].
    pub subscription_resources: Vec<usize>,
}

impl Part {
    pub fn holds(&self, deployment: DeploymentId) -> bool {
        self.deployments.binary_search(&deployment).is_ok()
    }
}

/// The parts of a plan whose nested deployments weigh `sizes` bytes each.
pub fn parts(plan: &AzurePlan, sizes: &[usize]) -> Vec<Part> {
    let mut runs: Vec<Vec<DeploymentId>> = vec![Vec::new()];
    let mut weight = 0;
    let mut groups_in_run: Vec<&str> = Vec::new();
    for (d, &size) in plan.deployment_ids().zip(sizes) {
        let group = plan[d].resource_group.as_str();
        let new_group = usize::from(!groups_in_run.iter().any(|g| g.eq_ignore_ascii_case(group)));
        let run = runs.last_mut().expect("there is always a run");
        // Deployments and the resource groups they need, at the top of the template.
        let top = run.len() + groups_in_run.len() + 1 + new_group;
        if !run.is_empty() && (weight + size > MAX_TEMPLATE_BYTES - ROOM_FOR_THE_REST || top > MAX_TOP_LEVEL_RESOURCES / 2) {
            runs.push(Vec::new());
            weight = 0;
            groups_in_run.clear();
        }
        if !groups_in_run.iter().any(|g| g.eq_ignore_ascii_case(group)) {
            groups_in_run.push(group);
        }
        runs.last_mut().expect("there is always a run").push(d);
        weight += size;
    }
    let last = runs.len() - 1;
    let mut parts: Vec<Part> = runs
        .into_iter()
        .enumerate()
        .map(|(i, deployments)| {
            let resource_groups = (0..plan.resource_groups.len())
                .filter(|&g| {
                    let name = &plan.resource_groups[g].name;
                    let used_here = deployments.iter().any(|&d| plan[d].resource_group.eq_ignore_ascii_case(name));
                    // A group no deployment uses still belongs somewhere: in the first part.
                    let used_at_all = plan.deployments().iter().any(|d| d.resource_group.eq_ignore_ascii_case(name));
                    used_here || (i == 0 && !used_at_all)
                })
                .collect();
            Part { deployments, resource_groups, subscription_resources: Vec::new() }
        })
        .collect();
    // A subscription-scope resource goes with the last deployment it waits
    // for; without one, in the last part. At most half of a part's top is
    // deployments and groups, so they always fit.
    for (s, resource) in plan.subscription_resources.iter().enumerate() {
        let latest = resource.depends_on.iter().map(|&r| plan.deployment_of(r)).max();
        let part = latest.and_then(|d| parts.iter().position(|p| p.holds(d))).unwrap_or(last);
        parts[part].subscription_resources.push(s);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::ir::{Deployment, ResourceGroup};

    fn plan(groups: &[&str]) -> AzurePlan {
        let resource_groups =
            groups.iter().map(|g| ResourceGroup { name: g.to_string(), location: "uksouth".into(), tags: Default::default() }).collect();
        let deployments = groups
            .iter()
            .enumerate()
            .map(|(i, g)| Deployment {
                name: format!("ashlar-{g}"),
                symbol: format!("d{i}"),
                file_stem: g.to_string(),
                resource_group: g.to_string(),
                resources: vec![],
                depends_on: vec![],
            })
            .collect();
        AzurePlan::new(resource_groups, Vec::new(), deployments, Vec::new())
    }

    #[test]
    fn a_plan_that_fits_is_one_part_with_everything() {
        let plan = plan(&["a", "b", "c"]);
        assert_eq!(
            parts(&plan, &[1000, 2000, 3000]),
            [Part {
                deployments: vec![DeploymentId(0), DeploymentId(1), DeploymentId(2)],
                resource_groups: vec![0, 1, 2],
                subscription_resources: vec![]
            }]
        );
    }

    #[test]
    fn deployments_split_by_weight_in_order_each_part_with_its_groups() {
        let plan = plan(&["a", "b", "c", "d"]);
        let three_mb = 3 * 1024 * 1024;
        let split = parts(&plan, &[three_mb, 500_000, three_mb, 10]);
        assert_eq!(
            split.iter().map(|p| p.deployments.clone()).collect::<Vec<_>>(),
            [vec![DeploymentId(0), DeploymentId(1)], vec![DeploymentId(2), DeploymentId(3)]]
        );
        assert_eq!(split[1].resource_groups, [2, 3]);
        assert!(split.iter().all(|p| p.deployments.len() <= MAX_TOP_LEVEL_RESOURCES));
    }

    #[test]
    fn many_small_deployments_split_by_count() {
        let names: Vec<String> = (0..1000).map(|i| format!("rg{i}")).collect();
        let plan = plan(&names.iter().map(String::as_str).collect::<Vec<_>>());
        let split = parts(&plan, &vec![100; 1000]);
        assert!(split.len() > 1);
        for part in &split {
            assert!(part.deployments.len() + part.resource_groups.len() <= MAX_TOP_LEVEL_RESOURCES / 2);
        }
        assert_eq!(split.iter().map(|p| p.deployments.len()).sum::<usize>(), 1000);
    }
}
