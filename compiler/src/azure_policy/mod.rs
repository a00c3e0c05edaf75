//! The organisation's own Azure Policy, evaluated at compile time.
//!
//! A plan names the policy definitions, initiatives and assignments of the
//! subscription it deploys to, exported as JSON ([`documents`]), in
//! `ashlar.toml` (`[azure_policy] files`) or with `ashlar check
//! --azure-policy PATH`; the built-in definitions vendored in
//! `compiler/data/azure-policy/` ([`builtins`]) need no export. Each assigned
//! definition is evaluated against every resource the plan deploys, as the
//! deployment's request carries it ([`arm`]), by the Azure Policy engine of
//! Microsoft's `regorus` crate (its `azure_policy` feature: the rule language,
//! aliases, `count`, template functions), with the alias catalogue of
//! [`crate::azure::policy_aliases`].
//!
//! Findings land on the block that made the resource: `deny` is an error
//! (`ASH700`), `audit` and `auditIfNotExists` warnings (`ASH701`), `modify`,
//! `append` and `deployIfNotExists` say what Azure will change (`ASH702`). An
//! outcome that hangs on a value known only at deployment is `ASH703`, never a
//! guess; a definition that cannot be evaluated (an alias the catalogue lacks,
//! a definition not given, a parameter without a value) is `ASH704`; a file
//! that is not a policy document is `ASH705`. `docs/azure-policy.md` says how
//! to export a subscription's policy, and what is and is not evaluated.

mod apply;
pub mod arm;
pub mod builtins;
pub mod documents;
pub mod presets;
mod reads;

use crate::declare_codes;
use crate::diagnostic::Diagnostic;
use crate::lower::ir::{AzurePlan, Resource};
use crate::model::Model;
use crate::source::Span;
use arm::{Variant, Writer};
use documents::{is_set_id, last_segment, Assignment, Definition, Documents};
use regorus::languages::azure_policy::aliases::{normalizer, AliasRegistry};
use regorus::languages::azure_policy::{compiler, parser};
use regorus::rvm::program::Program;
use regorus::rvm::vm::{ExecutionMode, VmError};
use regorus::rvm::RegoVM;
use regorus::Value as RValue;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, OnceLock};

declare_codes! {
    /// ## What it does
    /// Reports a resource of the plan that an Azure Policy definition assigned
    /// to its scope denies: the definition's `if` holds for the resource as
    /// the deployment would send it, and its effect is `deny`. The finding
    /// names the definition and the assignment, on the block that made the
    /// resource.
    ///
    /// ## Why it matters
    /// Azure refuses the request with `RequestDisallowedByPolicy`, and the
    /// deployment stops halfway, with what came before it deployed.
    ///
    /// ## Example
    /// With the built-in "Allowed locations" assigned with
    /// `listOfAllowedLocations = ["westeurope"]`:
    /// ```ashlar
    /// resource_group rg { location = "eastus" }
    /// ```
    ///
    /// ## Fix
    /// Change the plan so that the resource complies. When the organisation
    /// has granted a policy exemption for it, say so in the block:
    /// `allow azure-policy-deny because "exemption ..."` (or `allow ASSIGNMENT
    /// because ...`, by the assignment's name).
    pub AZURE_POLICY_DENY = ("ASH700", "azure-policy-deny", Error);

    /// ## What it does
    /// Reports a resource that an assigned Azure Policy definition with the
    /// effect `audit` finds non-compliant, or that falls under an
    /// `auditIfNotExists` definition whose related resource, which Azure
    /// looks for after the deployment under the resource, the plan does not
    /// deploy. An assignment with `enforcementMode` `DoNotEnforce` reports
    /// its `deny` here too: Azure does not enforce it.
    ///
    /// ## Why it matters
    /// The deployment succeeds, and the resource shows as non-compliant in the
    /// organisation's compliance report.
    ///
    /// ## Example
    /// The built-in "Audit VMs that do not use managed disks" over a machine
    /// whose OS disk is a VHD in a storage account.
    ///
    /// ## Fix
    /// Change the plan so that the resource complies, or `allow
    /// azure-policy-audit because "..."` in its block.
    pub AZURE_POLICY_AUDIT = ("ASH701", "azure-policy-audit", Warning);

    /// ## What it does
    /// Says what Azure will change in a resource of the plan as it deploys it:
    /// an assigned definition with the effect `modify` (its operations),
    /// `append` (the fields it adds) or `deployIfNotExists` (the deployment it
    /// runs because the plan deploys no related resource under the resource).
    ///
    /// ## Why it matters
    /// What is deployed is not what the template says: a tag appears, a
    /// property is set, and the next deployment of the same template may
    /// change it back.
    ///
    /// ## Example
    /// The built-in "Add a tag to resources" assigned with `tagName =
    /// "costCenter"` over a resource without the tag.
    ///
    /// ## Fix
    /// Write in the plan what Azure would add (the tag, the property), so that
    /// template and resource agree; or `allow azure-policy-change because
    /// "..."`.
    pub AZURE_POLICY_CHANGE = ("ASH702", "azure-policy-change", Info);

    /// ## What it does
    /// Reports a resource whose outcome under an assigned definition depends
    /// on a value known only at deployment: the subscription's ID (when
    /// `ashlar.toml` does not give it), a secret, a principal ID, an address
    /// Azure allocates. ashlar evaluates the definition with two different
    /// stand-ins for those values, and the outcomes differ. Or on resources
    /// outside the plan: an `auditIfNotExists` or `deployIfNotExists` looks
    /// for its related resource in a resource group or the subscription, and
    /// the plan deploys none there that meets its existence condition.
    ///
    /// ## Why it matters
    /// ashlar cannot tell whether Azure will accept the resource, and does
    /// not guess.
    ///
    /// ## Example
    /// A definition that denies resources whose ID is not in one subscription,
    /// over a plan whose `ashlar.toml` gives no `subscription`.
    ///
    /// ## Fix
    /// Give `subscription = "<ID>"` under `[azure_policy]` in `ashlar.toml`
    /// when the value is the subscription's; otherwise check the outcome
    /// after deployment, and `allow azure-policy-unknown because "..."`.
    pub AZURE_POLICY_UNKNOWN = ("ASH703", "azure-policy-unknown", Warning);

    /// ## What it does
    /// Reports an assigned Azure Policy definition that ashlar cannot
    /// evaluate: it reads an alias of a resource type ashlar emits that the
    /// vendored alias catalogue lacks, the assignment names a definition that
    /// no file gives, a parameter has no value, or the engine refuses the
    /// definition.
    ///
    /// ## Why it matters
    /// Such a definition is neither passed nor failed: Azure may still refuse
    /// the deployment for it.
    ///
    /// ## Example
    /// An assignment of `/providers/Microsoft.Authorization/policyDefinitions/<id>`
    /// without the definition's JSON beside it.
    ///
    /// ## Fix
    /// Export the definition (`az policy definition show --name <id>`) next to
    /// the assignments; for an alias, refresh the catalogue
    /// (`scripts/azure-policy-aliases/build.py`).
    pub AZURE_POLICY_NOT_EVALUATED = ("ASH704", "azure-policy-not-evaluated", Warning);

    /// ## What it does
    /// Reports an Azure Policy file that cannot be read: not found, outside
    /// the plan's folder, not JSON, or JSON that is no policy definition,
    /// initiative or assignment.
    ///
    /// ## Why it matters
    /// The organisation's policy would not be evaluated, silently.
    ///
    /// ## Example
    /// ```toml
    /// [azure_policy]
    /// files = ["policy/assigments.json"]
    /// ```
    ///
    /// ## Fix
    /// Name files that exist, exported with `az policy assignment list` and
    /// `az policy definition show`.
    pub INPUT = ("ASH705", "azure-policy-input", Error);
}

/// Whether `code` is a finding of the organisation's Azure Policy that a
/// plan may `allow` though it is an error: the organisation may have granted
/// an exemption.
pub fn is_finding_code(code: &crate::diagnostic::Code) -> bool {
    code.code == AZURE_POLICY_DENY.code
}

/// The alias catalogue, loaded once.
fn registry() -> Arc<AliasRegistry> {
    static REGISTRY: OnceLock<Arc<AliasRegistry>> = OnceLock::new();
    REGISTRY
        .get_or_init(|| {
            let mut registry = AliasRegistry::new();
            // The catalogue is vendored and tested (`compiler/tests/azure_policy.rs`): it always loads.
            let _ = registry.load_from_json(crate::azure::policy_aliases::CATALOGUE);
            Arc::new(registry)
        })
        .clone()
}

/// The Azure Policy of a plan: its documents, read, and the assignment names
/// a plan may `allow`.
#[derive(Debug, Default)]
pub struct Inputs {
    pub documents: Documents,
    /// The vendored built-in definitions ([`builtins`]), read when there is an assignment.
    pub builtins: Documents,
    pub subscription: Option<String>,
}

impl Inputs {
    pub fn is_empty(&self) -> bool {
        self.documents.assignments.is_empty()
    }

    /// The names of the assignments, which `allow NAME because ...` may name.
    pub fn assignment_names(&self) -> Vec<String> {
        self.documents.assignments.iter().map(|a| a.name.clone()).collect()
    }
}

/// Reads the files `ashlar.toml` names and those given on the command line;
/// each becomes a source file of the analysis, so that findings can point
/// into it.
pub fn read(input: &crate::load::PlanInput, sources: &mut crate::source::SourceMap, out: &mut Vec<Diagnostic>) -> Inputs {
    use crate::source::SourceFile;
    let config = input.config.as_deref().map(crate::config::azure_policy).unwrap_or_default();
    let mut inputs = Inputs { subscription: config.subscription.clone(), ..Inputs::default() };
    let mut files: Vec<(String, std::path::PathBuf, Result<String, String>)> = Vec::new();
    for rel in &config.files {
        let folder = input.root.join(rel);
        if !Path::new(rel).is_absolute() && folder.is_dir() {
            let mut entries: Vec<String> = std::fs::read_dir(&folder)
                .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".json")).collect())
                .unwrap_or_default();
            entries.sort();
            if entries.is_empty() {
                files.push((rel.clone(), folder.clone(), Err(format!("`{rel}` in `[azure_policy] files` holds no .json file"))));
            }
            for entry in entries {
                let name = format!("{}/{entry}", rel.trim_end_matches('/'));
                // Each file is held inside the plan's folder, as `file(...)` is.
                let text = crate::load::resolve_in_plan(&input.root, &name).and_then(|_| input.file_text(&name));
                files.push((name.clone(), folder.join(&entry), text.map_err(|why| format!("`[azure_policy] files`: {why}"))));
            }
            continue;
        }
        let text = crate::load::resolve_in_plan(&input.root, rel).and_then(|_| input.file_text(rel));
        files.push((rel.clone(), input.root.join(rel), text.map_err(|why| format!("`[azure_policy] files`: {why}"))));
    }
    for file in &input.azure_policy {
        let text = String::from_utf8(file.bytes.clone()).map_err(|_| format!("{} is not UTF-8 text", file.name));
        files.push((file.name.clone(), file.path.clone(), text));
    }
    // A file of `ashlar.toml` that cannot be read is reported at its line there.
    let config_text = input.config.as_deref().map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
    let mut config_file = None;
    for (name, path, text) in files {
        match text {
            Ok(text) => {
                let id = sources.add(SourceFile::new(name.clone(), Some(path), text.clone()));
                inputs.documents.read(id, &name, &text, out);
            }
            Err(why) => {
                let help = "name a JSON file or folder inside the plan's folder, as exported with `az policy`";
                let rel = config.files.iter().find(|rel| name == **rel || name.starts_with(&format!("{}/", rel.trim_end_matches('/'))));
                let at = rel.and_then(|rel| config_text.find(&format!("\"{rel}\"")).map(|at| (at, rel.len() + 2)));
                match at {
                    Some((at, len)) => {
                        let file = *config_file.get_or_insert_with(|| {
                            sources.add(SourceFile::new(
                                crate::config::CONFIG_FILE,
                                Some(input.root.join(crate::config::CONFIG_FILE)),
                                config_text.clone(),
                            ))
                        });
                        out.push(Diagnostic::new(&INPUT, Span::new(file, at, at + len), why).with_help(help));
                    }
                    None => out.push(Diagnostic::global(&INPUT, why).with_help(help)),
                }
            }
        }
    }
    presets::assign(&config, &config_text, &mut config_file, &input.root, sources, &mut inputs.documents, out);
    if !inputs.is_empty() {
        inputs.builtins = builtins::documents(sources);
    }
    inputs
}

/// One assigned definition, ready to run: compiled, with its parameters.
struct Assigned<'a> {
    assignment: &'a Assignment,
    definition: &'a Definition,
    /// For a member of an initiative: the initiative's display name and the member's reference.
    via: Option<(String, String)>,
    program: Arc<Program>,
    parameters: RValue,
    /// The same parameters, to show an effect's details with.
    values: Map<String, Value>,
    effect: String,
    /// The only resource types the rule's `if` can hold for, lowercased, when it says so
    /// ([`types_matched`]): the others are compliant without running it.
    types: Option<Vec<String>>,
    /// What the rule reads of a resource: resources equal in it share one run.
    reads: reads::Reads,
    /// Its effect is `auditIfNotExists` or `deployIfNotExists`: it asks for related resources.
    existence: bool,
}

/// Evaluates every assignment over every resource of the plan: first the
/// definitions whose effect is `modify` or `append`, whose changes to tags are
/// then applied to the resources ([`apply`]), then the others over the
/// resources so changed, as Azure orders them.
pub fn evaluate(inputs: &Inputs, model: &Model, plan: &AzurePlan, sources: &crate::source::SourceMap) -> Vec<Diagnostic> {
    if inputs.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let assigned = prepare(inputs, sources, &mut out);
    // The resource groups the plan creates are evaluated too (by definitions of mode `All`).
    let groups: Vec<Resource> = plan.resource_groups.iter().filter_map(|g| arm::resource_group(plan, g)).collect();
    let resources: Vec<&Resource> = groups.iter().chain(&plan.resources).chain(&plan.subscription_resources).collect();
    let subscription = inputs.subscription.as_deref();
    // Each resource as Azure Policy reads it, with each stand-in for what is
    // unknown: variant A once, variant B once for each subscription the
    // assignments' scopes name (when `ashlar.toml` gives none).
    let write = |sub: &str, variant: Variant| -> Written {
        let writer = Writer { plan, subscription: sub, variant };
        let registry = registry();
        let resources: Vec<(String, RValue)> = crate::parallel::map_in_order(resources.clone(), |r| {
            let json = writer.resource(r);
            let mut normalized = normalizer::normalize(&RValue::from(json), Some(&registry), Some(r.api_version).filter(|v| !v.is_empty()));
            // `field('fullName')`: the name with its parents'.
            if let Ok(map) = normalized.as_object_mut() {
                map.insert(RValue::from("fullname"), RValue::from(r.name.join("/")));
            }
            (writer.id(r), normalized)
        });
        let contexts = plan.resource_groups.iter().map(|g| (g.name.clone(), context(Some(g), sub))).collect();
        Written { resources, contexts, no_group: context(None, sub), same_as_a: Vec::new(), numbers: HashMap::new() }
    };
    let a = write(subscription.unwrap_or(arm::STAND_IN_SUBSCRIPTION), Variant::A);
    let mut b_of: BTreeMap<String, Written> = BTreeMap::new();
    for one in &assigned {
        let sub = second_subscription(subscription, &one.assignment.scope);
        if let std::collections::btree_map::Entry::Vacant(entry) = b_of.entry(sub) {
            let mut written = write(entry.key(), Variant::B);
            // Whether a resource reads the same with both stand-ins: then one run decides it.
            // (Those share variant A's value, which halves the memory when the subscription is known.)
            written.same_as_a = written
                .resources
                .iter_mut()
                .zip(&a.resources)
                .map(|(b, a)| {
                    let same = b.1 == a.1;
                    if same {
                        b.1 = a.1.clone();
                    }
                    same
                })
                .collect();
            entry.insert(written);
        }
    }
    let mut of_type: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in resources.iter().enumerate() {
        of_type.entry(r.resource_type.to_ascii_lowercase()).or_default().push(i);
    }
    let mut world = World {
        ids: a.resources.iter().map(|(id, _)| id.to_ascii_lowercase()).collect(),
        group_of: resources
            .iter()
            .map(|r| plan.resource_groups.iter().position(|g| g.name == r.resource_group).map_or(u32::MAX, |at| at as u32))
            .collect(),
        resources,
        of_type,
        a,
        b_of,
        subscription,
        model,
    };
    // `modify` and `append` first; their changes are applied before the others run.
    let (changers, others): (Vec<Assigned>, Vec<Assigned>) = assigned.into_iter().partition(|one| one.effect == "modify" || one.effect == "append");
    world.number(&changers);
    let registry = registry();
    let mut changes: BTreeMap<usize, Vec<apply::Change>> = BTreeMap::new();
    for (found, changed) in crate::parallel::map_in_order(changers, |one| {
        let (found, changed) = world.evaluate(&one);
        let changed: Vec<(usize, Vec<apply::Change>)> =
            changed.into_iter().map(|(i, effect, details)| (i, apply::changes_of(&effect, &details, &one.values, &registry))).collect();
        (found, changed)
    }) {
        out.extend(found);
        for (i, list) in changed {
            changes.entry(i).or_default().extend(list);
        }
    }
    world.apply(&changes);
    world.number(&others);
    out.extend(crate::parallel::flat_map_in_order(1, others, |one| world.evaluate(&one).0));
    out
}

/// The resources as the definitions read them, and what finds them fast.
struct World<'a> {
    resources: Vec<&'a Resource>,
    /// Each resource's ID as variant A writes it, lowercased, for the scopes.
    ids: Vec<String>,
    /// Each resource's group, by its index in the plan's (`u32::MAX`: none).
    group_of: Vec<u32>,
    /// The resources of each type (lowercased), in the plan's order.
    of_type: HashMap<String, Vec<usize>>,
    a: Written,
    b_of: BTreeMap<String, Written>,
    subscription: Option<&'a str>,
    model: &'a Model,
}

/// What one assigned definition found, and the changes its `modify` or
/// `append` makes to each resource it holds for with both stand-ins.
type Evaluated = (Vec<Diagnostic>, Vec<(usize, String, RValue)>);

impl World<'_> {
    /// Numbers what `assigned` read of each resource, in every writing.
    fn number(&mut self, assigned: &[Assigned]) {
        let parts: Vec<reads::Part> =
            assigned.iter().filter_map(|one| one.reads.parts.as_ref()).flatten().cloned().collect::<BTreeSet<_>>().into_iter().collect();
        for written in std::iter::once(&mut self.a).chain(self.b_of.values_mut()) {
            let columns = crate::parallel::map_in_order(parts.clone(), |part| reads::number_values(written.resources.iter().map(|r| &r.1), &part));
            written.numbers = parts.iter().cloned().zip(columns).collect();
        }
    }

    /// Applies the changes of `modify` and `append` to the resources, in every writing.
    fn apply(&mut self, changes: &BTreeMap<usize, Vec<apply::Change>>) {
        for (&i, list) in changes {
            let changed = apply::apply(&self.a.resources[i].1, list);
            for b in self.b_of.values_mut() {
                b.resources[i].1 = if b.same_as_a[i] { changed.clone() } else { apply::apply(&b.resources[i].1, list) };
            }
            self.a.resources[i].1 = changed;
        }
    }

    /// Evaluates one assigned definition over every resource it can apply to.
    fn evaluate(&self, one: &Assigned) -> Evaluated {
        let (a, resources, model) = (&self.a, &self.resources, self.model);
        let sub_b = second_subscription(self.subscription, &one.assignment.scope);
        let b = &self.b_of[&sub_b];
        let columns: Option<Vec<(&[u32], &[u32])>> =
            one.reads.parts.as_ref().map(|parts| parts.iter().map(|p| (a.numbers[p].as_slice(), b.numbers[p].as_slice())).collect());
        let candidates: Vec<usize> = match &one.types {
            Some(types) => {
                let mut list: Vec<usize> = types.iter().filter_map(|t| self.of_type.get(t)).flatten().copied().collect();
                list.sort_unstable();
                list.dedup();
                list
            }
            None => (0..resources.len()).collect(),
        };
        let scopes = Scopes::of(one.assignment);
        let mut vm = RegoVM::new();
        vm.load_program(one.program.clone());
        if one.existence {
            // The engine asks for the related resource: ashlar answers from the plan.
            vm.set_execution_mode(ExecutionMode::Suspendable);
        }
        let mut decided: HashMap<Vec<u32>, (Outcome, Outcome)> = HashMap::new();
        let (mut found, mut changed) = (Vec::new(), Vec::new());
        let mut failed = false;
        for i in candidates {
            let r = resources[i];
            if one.definition.indexed && !indexed(r) {
                continue;
            }
            if !scopes.hold(&self.ids[i], self.subscription) {
                continue;
            }
            let key = columns.as_ref().map(|columns| {
                let mut key: Vec<u32> = columns.iter().flat_map(|(a, b)| [a[i], b[i]]).collect();
                if one.reads.group {
                    key.push(self.group_of[i]);
                }
                key
            });
            let known = key.as_ref().and_then(|key| decided.get(key)).cloned();
            let (first, second) = match known {
                Some(outcomes) => outcomes,
                None => {
                    let (ca, cb) = (a.context(r), b.context(r));
                    let first = run(&mut vm, &a.resources[i].1, ca, &one.parameters, &|request| self.related(i, request, a));
                    let second = if b.same_as_a[i] && ca == cb {
                        first.clone()
                    } else {
                        run(&mut vm, &b.resources[i].1, cb, &one.parameters, &|request| self.related(i, request, b))
                    };
                    if let Some(key) = key {
                        decided.insert(key, (first.clone(), second.clone()));
                    }
                    (first, second)
                }
            };
            match (first, second) {
                (Outcome::Failed(why), _) | (_, Outcome::Failed(why)) => {
                    if !failed {
                        failed = true;
                        found.push(not_evaluated(one, format!("the engine stopped on {} `{}`: {why}", r.resource_type, r.name.join("/"))));
                    }
                }
                (Outcome::Outside(why), Outcome::Outside(_)) => found.push(outside(model, r, one, &why)),
                (x, y) if x != y => found.push(unknown(model, r, one, &x, &y)),
                (Outcome::Compliant, _) => {}
                (outcome, _) => {
                    // An assignment that is not enforced changes nothing.
                    if let Outcome::Effect(effect, details) = &outcome {
                        if !one.assignment.not_enforced {
                            changed.push((i, effect.clone(), details.clone()));
                        }
                    }
                    found.push(finding(model, r, one, &outcome));
                }
            }
        }
        (found, changed)
    }

    /// The related resources an `auditIfNotExists` or `deployIfNotExists`
    /// asks for about resource `i` (`request`: `type`, `name`,
    /// `resourceGroupName`, `existenceScope`), looked for among the plan's
    /// resources as `written` writes them. A type underneath the evaluated
    /// resource is looked for "within the scope of the evaluated resource";
    /// another "within the same resource group or subscription as the
    /// evaluated resource depending on the existenceScope"
    /// ([auditIfNotExists](https://learn.microsoft.com/azure/governance/policy/concepts/effect-audit-if-not-exists)).
    /// The plan knows the resources it deploys under a resource it deploys;
    /// a group or a subscription may hold others.
    fn related(&self, i: usize, request: &RValue, written: &Written) -> Related {
        let text = |key: &str| request[key].as_string().ok().map(|s| s.to_string()).filter(|s| !s.is_empty());
        let Some(wanted) = text("type") else { return Related::Outside("the definition names no related type".into()) };
        let wanted_lower = wanted.to_ascii_lowercase();
        let name = text("name");
        let evaluated = self.resources[i];
        let of_type = self.of_type.get(&wanted_lower).map(Vec::as_slice).unwrap_or_default();
        let named = |j: &&usize| name.as_deref().is_none_or(|pattern| name_matches(pattern, &self.resources[**j].name));
        if wanted_lower.starts_with(&format!("{}/", evaluated.resource_type.to_ascii_lowercase())) {
            let below = format!("{}/", self.ids[i]);
            let found = of_type.iter().filter(|j| self.ids[**j].starts_with(&below)).filter(named).map(|j| written.resources[*j].1.clone()).collect();
            return Related::Within(found);
        }
        let subscription_wide = text("existenceScope").is_some_and(|s| s.eq_ignore_ascii_case("subscription"));
        let group = text("resourceGroupName").unwrap_or_else(|| evaluated.resource_group.clone());
        let found: Vec<RValue> = of_type
            .iter()
            .filter(|j| subscription_wide || self.resources[**j].resource_group.eq_ignore_ascii_case(&group))
            .filter(named)
            .map(|j| written.resources[*j].1.clone())
            .collect();
        let place = if subscription_wide { "the subscription".to_string() } else { format!("resource group `{group}`") };
        Related::Beyond { found, place }
    }
}

/// What the plan holds of the related resources an existence effect asks for.
enum Related {
    /// Under the evaluated resource: the plan deploys all there is.
    Within(Vec<RValue>),
    /// In a resource group or the subscription, which may hold resources the plan does not deploy.
    Beyond { found: Vec<RValue>, place: String },
    /// What ashlar cannot look for.
    Outside(String),
}

/// Whether a related resource's `name` (its segments) is the one a definition's
/// `name` names: the full name (`parent/child`, `?` for any segment) or its last segment.
fn name_matches(pattern: &str, name: &[String]) -> bool {
    let wanted: Vec<&str> = pattern.split('/').collect();
    let same = |p: &str, n: &String| p == "?" || p.eq_ignore_ascii_case(n);
    match wanted.as_slice() {
        [one] => name.last().is_some_and(|last| same(one, last)),
        many => many.len() == name.len() && many.iter().zip(name).all(|(p, n)| same(p, n)),
    }
}

/// The resources written with one variant's stand-ins, and the template
/// functions' context of each resource group.
struct Written {
    resources: Vec<(String, RValue)>,
    contexts: HashMap<String, RValue>,
    no_group: RValue,
    /// For variant B: whether each resource is written as variant A writes it.
    same_as_a: Vec<bool>,
    /// What the definitions read of each resource, numbered: equal values, equal numbers.
    numbers: HashMap<reads::Part, Vec<u32>>,
}

impl Written {
    fn context(&self, r: &Resource) -> &RValue {
        self.contexts.get(&r.resource_group).unwrap_or(&self.no_group)
    }
}

/// The subscription of variant B: the one `ashlar.toml` gives, else the one
/// the assignment's scope names, else a second made-up ID.
fn second_subscription(given: Option<&str>, scope: &str) -> String {
    if let Some(id) = given {
        return id.to_string();
    }
    let lower = scope.to_ascii_lowercase();
    match lower.strip_prefix("/subscriptions/").map(|rest| rest.split('/').next().unwrap_or_default()) {
        Some(id) if !id.is_empty() => id.to_string(),
        _ => "00000000-0000-0000-0000-00000000000b".to_string(),
    }
}

/// Whether a resource is one that mode `Indexed` evaluates: of a type that
/// takes tags and a location.
fn indexed(r: &Resource) -> bool {
    r.location.is_some() && crate::azure::resource_types::resource_type(r.resource_type).is_some_and(|t| t.takes_tags)
}

/// `resourceGroup()` and `subscription()` of the template functions.
fn context(group: Option<&crate::lower::ir::ResourceGroup>, sub: &str) -> RValue {
    let mut ctx = serde_json::json!({
        "subscription": { "subscriptionId": sub, "id": format!("/subscriptions/{sub}") },
    });
    if let Some(g) = group {
        ctx["resourceGroup"] = serde_json::json!({
            "name": g.name,
            "location": g.location,
            "id": format!("/subscriptions/{sub}/resourceGroups/{}", g.name),
            "tags": g.tags,
        });
    }
    RValue::from(ctx)
}

/// What evaluating a definition over a resource gave.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Compliant,
    /// The effect, lowercased, and its details.
    Effect(String, RValue),
    /// `auditIfNotExists` or `deployIfNotExists` whose `if` holds, and no
    /// related resource the plan deploys under the resource meets the existence condition.
    Missing(String),
    /// `auditIfNotExists` or `deployIfNotExists` whose `if` holds, and whose
    /// related resource may be one the plan does not deploy: why.
    Outside(String),
    Failed(String),
}

/// Runs a compiled definition over one resource; an existence effect's
/// question for related resources is answered by `related`.
fn run(vm: &mut RegoVM, resource: &RValue, context: &RValue, parameters: &RValue, related: &dyn Fn(&RValue) -> Related) -> Outcome {
    let mut input = RValue::new_object();
    if let Ok(map) = input.as_object_mut() {
        map.insert(RValue::from("resource"), resource.clone());
        map.insert(RValue::from("parameters"), parameters.clone());
        map.insert(RValue::from("context"), context.clone());
    }
    vm.set_input(input);
    vm.set_context(context.clone());
    let result = vm.execute_entry_point_by_name("main");
    let Some(request) = vm.get_host_await_argument().cloned() else { return outcome(result) };
    // The `if` holds and the engine asks for the related resource: compliant when one of
    // them meets the existence condition ("The audit occurs if there are no related resources
    // or if the resources defined by ExistenceCondition don't evaluate to true", auditIfNotExists).
    let (found, beyond) = match related(&request) {
        Related::Within(found) => (found, None),
        Related::Beyond { found, place } => (found, Some(place)),
        Related::Outside(why) => return Outcome::Outside(why),
    };
    let wanted = request["type"].as_string().map(|s| s.to_string()).unwrap_or_default();
    for (n, candidate) in found.iter().enumerate() {
        if n > 0 {
            // Each candidate is asked for in a run of its own.
            let _ = vm.execute_entry_point_by_name("main");
        }
        match outcome(vm.resume(Some(candidate.clone()))) {
            Outcome::Compliant => return Outcome::Compliant,
            Outcome::Failed(why) => return Outcome::Failed(why),
            _ => {}
        }
    }
    if found.is_empty() {
        if let Outcome::Failed(why) = outcome(vm.resume(Some(RValue::Null))) {
            return Outcome::Failed(why);
        }
    }
    let none = if found.is_empty() { format!("no `{wanted}`") } else { format!("no `{wanted}` that meets the existence condition") };
    match beyond {
        None => Outcome::Missing(format!("the plan deploys {none} under it")),
        Some(place) => Outcome::Outside(format!("the plan deploys {none} in {place}, which may hold one the plan does not deploy")),
    }
}

/// The outcome of an evaluation's result.
fn outcome(result: Result<RValue, VmError>) -> Outcome {
    match result {
        Ok(RValue::Undefined) => Outcome::Compliant,
        Ok(value) => {
            let effect = value["effect"].as_string().map(|s| s.to_ascii_lowercase()).unwrap_or_default();
            match effect.as_str() {
                "" | "disabled" => Outcome::Compliant,
                _ => Outcome::Effect(effect, value["details"].clone()),
            }
        }
        Err(VmError::HostAwaitResponseMissing { .. }) => Outcome::Missing("ashlar could not look for the related resource".into()),
        Err(e) => Outcome::Failed(e.to_string().lines().next().unwrap_or_default().to_string()),
    }
}

/// An assignment's scope and `notScopes`, lowercased, without a trailing `/`.
struct Scopes {
    scope: String,
    not_scopes: Vec<String>,
}

impl Scopes {
    fn of(assignment: &Assignment) -> Scopes {
        let lower = |s: &String| s.trim_end_matches('/').to_ascii_lowercase();
        Scopes { scope: lower(&assignment.scope), not_scopes: assignment.not_scopes.iter().map(lower).collect() }
    }

    /// Whether the scope holds the resource of ID `id` (lowercased), and none
    /// of the `notScopes` does. A management group is taken to hold the
    /// plan's subscription (ashlar cannot see the hierarchy); without
    /// `subscription` in `ashlar.toml`, so is every subscription scope.
    fn hold(&self, id: &str, subscription: Option<&str>) -> bool {
        let id_below = id.strip_prefix("/subscriptions/").and_then(|r| r.split_once('/')).map_or("", |(_, b)| b);
        let holds = |scope: &str| -> bool {
            if scope.starts_with("/providers/microsoft.management/managementgroups/") {
                return true;
            }
            let Some(rest) = scope.strip_prefix("/subscriptions/") else { return false };
            let (sub, below) = rest.split_once('/').map_or((rest, ""), |(s, b)| (s, b));
            if subscription.is_some_and(|mine| mine != sub) {
                return false;
            }
            below.is_empty() || id_below == below || id_below.strip_prefix(below).is_some_and(|rest| rest.starts_with('/'))
        };
        holds(&self.scope) && !self.not_scopes.iter().any(|s| holds(s))
    }
}

/// Each assignment's definitions, compiled with their parameters; what cannot be is reported.
fn prepare<'a>(inputs: &'a Inputs, sources: &crate::source::SourceMap, out: &mut Vec<Diagnostic>) -> Vec<Assigned<'a>> {
    let docs = &inputs.documents;
    let builtins = &inputs.builtins;
    let find_definition = |id: &str| -> Option<&'a Definition> {
        let name = last_segment(id);
        docs.definitions.iter().chain(&builtins.definitions).find(|d| d.id.eq_ignore_ascii_case(id) || d.name.eq_ignore_ascii_case(name))
    };
    let mut assigned = Vec::new();
    let mut programs = Programs::new();
    for assignment in &docs.assignments {
        let not_found = |what: &str, id: &str| {
            Diagnostic::new(
                &AZURE_POLICY_NOT_EVALUATED,
                assignment.span,
                format!("assignment `{}` names {what} `{id}`, which no Azure Policy file gives", assignment.name),
            )
            .with_help(format!(
                "export it beside the assignments: `az policy {} show --name {}`",
                if what == "the initiative" { "set-definition" } else { "definition" },
                last_segment(id)
            ))
        };
        let values: Map<String, Value> =
            assignment.parameters.iter().map(|(k, v)| (k.clone(), v.get("value").cloned().unwrap_or(Value::Null))).collect();
        if is_set_id(&assignment.definition_id) {
            let name = last_segment(&assignment.definition_id);
            let Some(set) = docs.sets.iter().find(|s| s.id.eq_ignore_ascii_case(&assignment.definition_id) || s.name.eq_ignore_ascii_case(name))
            else {
                out.push(not_found("the initiative", &assignment.definition_id));
                continue;
            };
            let set_values = with_defaults(&set.parameters, &values);
            for member in &set.members {
                let Some(definition) = find_definition(&member.definition_id) else {
                    out.push(not_found("(through its initiative) the definition", &member.definition_id));
                    continue;
                };
                let mut member_values = Map::new();
                let mut problem = None;
                for (k, v) in &member.parameters {
                    let v = v.get("value").cloned().unwrap_or(Value::Null);
                    match v.as_str().and_then(parameter_reference) {
                        Some(p) => match set_values.get(p) {
                            Some(value) => {
                                member_values.insert(k.clone(), value.clone());
                            }
                            None => problem = Some(format!("the initiative's parameter `{p}` has no value")),
                        },
                        None if v.as_str().is_some_and(|s| s.starts_with('[') && !s.starts_with("[[")) => {
                            problem =
                                Some(format!("the value of `{k}` is an expression ashlar does not evaluate: {}", v.as_str().unwrap_or_default()))
                        }
                        None => {
                            member_values.insert(k.clone(), v);
                        }
                    }
                }
                let via = Some((if set.display_name.is_empty() { set.name.clone() } else { set.display_name.clone() }, member.reference_id.clone()));
                match problem {
                    Some(why) => out.push(
                        Diagnostic::new(
                            &AZURE_POLICY_NOT_EVALUATED,
                            assignment.span,
                            format!(
                                "assignment `{}`: definition `{}` of its initiative is not evaluated: {why}",
                                assignment.name, member.reference_id
                            ),
                        )
                        .with_help("give the value in the assignment's `parameters`")
                        .with_policy(assignment.name.clone())
                        .with_azure_policy_member(member.reference_id.clone()),
                    ),
                    None => assigned.extend(compile(assignment, definition, via, &member_values, &mut programs, sources, out)),
                }
            }
        } else {
            match find_definition(&assignment.definition_id) {
                Some(definition) => assigned.extend(compile(assignment, definition, None, &values, &mut programs, sources, out)),
                None => out.push(not_found("the definition", &assignment.definition_id)),
            }
        }
    }
    assigned
}

/// `NAME` of `[parameters('NAME')]`.
fn parameter_reference(s: &str) -> Option<&str> {
    s.strip_prefix("[parameters('")?.strip_suffix("')]")
}

/// The values given, with the `defaultValue` of each declared parameter not given.
fn with_defaults(declared: &Map<String, Value>, given: &Map<String, Value>) -> Map<String, Value> {
    let mut values = given.clone();
    for (name, declaration) in declared {
        if !values.contains_key(name) {
            if let Some(default) = declaration.get("defaultValue") {
                values.insert(name.clone(), default.clone());
            }
        }
    }
    values
}

/// The field paths and aliases a policy rule reads: every `field`, and every `field('...')` of an expression.
fn fields_read(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k.eq_ignore_ascii_case("field") {
                    if let Some(s) = v.as_str() {
                        out.push(s.to_string());
                    }
                }
                fields_read(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| fields_read(i, out)),
        Value::String(s) if s.starts_with('[') => {
            let mut rest = s.as_str();
            while let Some(at) = rest.find("field('") {
                rest = &rest[at + 7..];
                if let Some(end) = rest.find('\'') {
                    out.push(rest[..end].to_string());
                }
            }
        }
        _ => {}
    }
}

/// Each definition compiled, by its address: a definition assigned many times is compiled once.
type Programs = std::collections::HashMap<*const Definition, Result<Arc<Program>, String>>;

/// Compiles one definition for one assignment; `None`, reported, when it cannot be evaluated.
fn compile<'a>(
    assignment: &'a Assignment,
    definition: &'a Definition,
    via: Option<(String, String)>,
    given: &Map<String, Value>,
    programs: &mut Programs,
    sources: &crate::source::SourceMap,
    out: &mut Vec<Diagnostic>,
) -> Option<Assigned<'a>> {
    let registry = registry();
    let not_evaluated = |why: String, span: Span| {
        let d = Diagnostic::new(
            &AZURE_POLICY_NOT_EVALUATED,
            span,
            format!("`{}` (assignment `{}`) is not evaluated: {why}", display(definition), assignment.name),
        )
        .with_policy(assignment.name.clone());
        match &via {
            Some((_, reference)) => d.with_azure_policy_member(reference.clone()),
            None => d,
        }
    };
    let declared = definition.properties.get("parameters").and_then(Value::as_object).cloned().unwrap_or_default();
    let values = with_defaults(&declared, given);
    if let Some(missing) = declared.keys().find(|k| !values.contains_key(*k)) {
        out.push(
            not_evaluated(format!("its parameter `{missing}` has no value and no default"), assignment.span)
                .with_help("give it in the assignment's `parameters`"),
        );
        return None;
    }
    let effect = effect_of(definition, &values);
    if effect == "disabled" {
        return None;
    }
    // An alias of a type ashlar emits that the catalogue lacks is never read as absent.
    let mut fields = Vec::new();
    fields_read(definition.properties.get("policyRule").unwrap_or(&Value::Null), &mut fields);
    let map = registry.alias_map();
    let unresolved: Vec<&String> = fields
        .iter()
        .filter(|f| !f.starts_with('[') && f.contains('/'))
        .filter(|f| {
            let lower = f.to_ascii_lowercase();
            !map.contains_key(&lower) && !map.contains_key(&format!("{lower}[*]"))
        })
        .filter(|f| crate::azure::policy_aliases::emitted_type_of(f).is_some())
        .collect();
    if let Some(first) = unresolved.first() {
        let text = sources.get(definition.file).text.as_str();
        let span = documents::span_of(definition.file, text, first);
        let all: Vec<String> = unresolved.iter().map(|f| format!("`{f}`")).collect();
        out.push(
            not_evaluated(format!("the alias catalogue has no {}", all.join(", ")), span)
                .with_help("refresh compiler/data/policy-aliases.json from `az provider list --expand resourceTypes/aliases` (scripts/azure-policy-aliases/build.py)"),
        );
        return None;
    }
    let compiled = programs
        .entry(definition as *const Definition)
        .or_insert_with(|| {
            let text = serde_json::json!({ "properties": definition.properties }).to_string();
            regorus::Source::from_contents(format!("{}.json", definition.name), text)
                .map_err(|e| e.to_string())
                .and_then(|source| parser::parse_policy_definition(&source).map_err(|e| e.to_string()))
                .and_then(|parsed| compiler::compile_policy_definition_with_aliases_opts(&parsed, registry.clone(), true).map_err(|e| e.to_string()))
        })
        .clone();
    match compiled {
        Ok(program) => {
            let rule = definition.properties.get("policyRule").unwrap_or(&Value::Null);
            let types = rule.get("if").and_then(types_matched);
            let existence = effect == "auditifnotexists" || effect == "deployifnotexists";
            // What an existence effect reads includes the plan's other resources: each resource is run alone.
            let reads = if existence { reads::Reads { parts: None, group: true } } else { reads::reads(rule, &values, &registry) };
            Some(Assigned {
                assignment,
                definition,
                via,
                program,
                parameters: RValue::from(Value::Object(values.clone())),
                values,
                effect,
                types,
                reads,
                existence,
            })
        }
        Err(why) => {
            let why = why.lines().last().unwrap_or_default().trim().to_string();
            out.push(not_evaluated(format!("the Azure Policy engine refuses it: {why}"), definition.span));
            None
        }
    }
}

/// The resource types a condition can hold for, when it says so with
/// literals: `{ "field": "type", "equals": T }` or `"in": [...]`, an `allOf`
/// with such a member (the intersection of what its members allow), an
/// `anyOf` whose every member has one (their union). `None`: any type.
fn types_matched(condition: &Value) -> Option<Vec<String>> {
    let object = condition.as_object()?;
    let lower = |v: &Value| v.as_str().filter(|s| !s.starts_with('[')).map(str::to_ascii_lowercase);
    if object.get("field").and_then(Value::as_str).is_some_and(|f| f.eq_ignore_ascii_case("type")) {
        if let Some(t) = object.get("equals").and_then(lower) {
            return Some(vec![t]);
        }
        if let Some(list) = object.get("in").and_then(Value::as_array) {
            return list.iter().map(lower).collect();
        }
        return None;
    }
    if let Some(members) = object.get("allOf").and_then(Value::as_array) {
        let mut allowed: Option<Vec<String>> = None;
        for types in members.iter().filter_map(types_matched) {
            allowed = Some(match allowed {
                None => types,
                Some(before) => before.into_iter().filter(|t| types.contains(t)).collect(),
            });
        }
        return allowed;
    }
    if let Some(members) = object.get("anyOf").and_then(Value::as_array) {
        let mut union = Vec::new();
        for member in members {
            union.extend(types_matched(member)?);
        }
        return Some(union);
    }
    None
}

/// The definition's effect, lowercased, with a `[parameters('x')]` resolved.
fn effect_of(definition: &Definition, values: &Map<String, Value>) -> String {
    let effect =
        definition.properties.get("policyRule").and_then(|r| r.get("then")).and_then(|t| t.get("effect")).and_then(Value::as_str).unwrap_or_default();
    match parameter_reference(effect) {
        Some(p) => values.get(p).and_then(Value::as_str).unwrap_or_default().to_ascii_lowercase(),
        None => effect.to_ascii_lowercase(),
    }
}

fn display(definition: &Definition) -> &str {
    if definition.display_name.is_empty() {
        &definition.name
    } else {
        &definition.display_name
    }
}

/// "Azure Policy `Allowed locations` (assignment `allowed-locations`)", with the initiative's member when there is one.
fn who(one: &Assigned) -> String {
    let mut s = format!("Azure Policy `{}`", display(one.definition));
    match &one.via {
        Some((set, reference)) => s.push_str(&format!(" (`{reference}` of initiative `{set}`, assignment `{}`)", one.assignment.name)),
        None => s.push_str(&format!(" (assignment `{}`)", one.assignment.name)),
    }
    s
}

fn not_evaluated(one: &Assigned, why: String) -> Diagnostic {
    Diagnostic::new(&AZURE_POLICY_NOT_EVALUATED, one.assignment.span, format!("{} is not evaluated: {why}", who(one)))
}

/// "virtual machine `web` (Microsoft.Compute/virtualMachines `vm-web`)".
fn subject(model: &Model, r: &Resource) -> String {
    if r.resource_type == arm::RESOURCE_GROUP {
        return format!("resource group `{}` (of {}, its first resource)", r.name.join("/"), model.describe(r.origin));
    }
    format!("{} ({} `{}`)", model.describe(r.origin), r.resource_type, r.name.join("/"))
}

fn with_finding_data(d: Diagnostic, one: &Assigned) -> Diagnostic {
    let d = d.with_policy(one.assignment.name.clone()).with_label(one.assignment.span, "assigned here");
    match &one.via {
        Some((_, reference)) => d.with_azure_policy_member(reference.clone()),
        None => d,
    }
}

fn finding(model: &Model, r: &Resource, one: &Assigned, outcome: &Outcome) -> Diagnostic {
    let at = model.node(r.origin).head;
    let what = subject(model, r);
    let d = match outcome {
        Outcome::Effect(effect, _) if effect == "deny" && !one.assignment.not_enforced => {
            Diagnostic::new(&AZURE_POLICY_DENY, at, format!("{} denies {what}", who(one)))
                .with_help("change the block so that the resource complies; with an exemption, `allow azure-policy-deny because \"...\"`")
        }
        Outcome::Effect(effect, _) if effect == "deny" => Diagnostic::new(
            &AZURE_POLICY_AUDIT,
            at,
            format!("{} would deny {what}; its enforcement mode is DoNotEnforce, so Azure reports it non-compliant instead", who(one)),
        )
        .with_help("change the block so that the resource complies before the assignment is enforced"),
        Outcome::Effect(effect, details) if effect == "modify" || effect == "append" => Diagnostic::new(
            &AZURE_POLICY_CHANGE,
            at,
            format!("{} will change {what} as Azure deploys it: {}", who(one), changes(effect, details, &one.values)),
        )
        .with_help("write the change in the plan, so that template and resource agree"),
        Outcome::Missing(why) if one.effect == "deployifnotexists" => Diagnostic::new(
            &AZURE_POLICY_CHANGE,
            at,
            format!("{} applies to {what}, and {why}: after the deployment Azure deploys the related resource", who(one)),
        )
        .with_help("deploy the related resource in the plan, or expect Azure's remediation to"),
        Outcome::Missing(why) => Diagnostic::new(
            &AZURE_POLICY_AUDIT,
            at,
            format!("{} applies to {what}, and {why}: after the deployment Azure reports it non-compliant", who(one)),
        )
        .with_help("deploy the related resource the definition names in the plan, or `allow azure-policy-audit because \"...\"`"),
        Outcome::Effect(effect, _) => {
            Diagnostic::new(&AZURE_POLICY_AUDIT, at, format!("{} finds {what} non-compliant (effect `{effect}`)", who(one)))
                .with_help("change the block so that the resource complies, or `allow azure-policy-audit because \"...\"`")
        }
        Outcome::Compliant | Outcome::Outside(_) | Outcome::Failed(_) => unreachable!("only findings are reported"),
    };
    with_finding_data(d, one)
}

fn unknown(model: &Model, r: &Resource, one: &Assigned, x: &Outcome, y: &Outcome) -> Diagnostic {
    let name = |o: &Outcome| match o {
        Outcome::Compliant => "compliant".to_string(),
        Outcome::Effect(e, _) => format!("`{e}`"),
        Outcome::Missing(_) | Outcome::Outside(_) => format!("`{}`", one.effect),
        Outcome::Failed(_) => "not evaluated".to_string(),
    };
    let d = Diagnostic::new(
        &AZURE_POLICY_UNKNOWN,
        model.node(r.origin).head,
        format!(
            "whether {} finds {} compliant depends on values known only at deployment: {} with one stand-in, {} with another",
            who(one),
            subject(model, r),
            name(x),
            name(y)
        ),
    )
    .with_help("give `subscription` under `[azure_policy]` in ashlar.toml if the value is the subscription's ID; otherwise check after deployment");
    with_finding_data(d, one)
}

/// An existence effect whose related resource may be one the plan does not deploy.
fn outside(model: &Model, r: &Resource, one: &Assigned, why: &str) -> Diagnostic {
    let d = Diagnostic::new(
        &AZURE_POLICY_UNKNOWN,
        model.node(r.origin).head,
        format!("whether {} finds {} compliant depends on resources outside the plan: {why}", who(one), subject(model, r)),
    )
    .with_help("deploy the related resource in the plan, or check the outcome after deployment");
    with_finding_data(d, one)
}

/// What a `modify` or `append` effect does, in words: "add `tags['costCenter']` = "x"".
fn changes(effect: &str, details: &RValue, values: &Map<String, Value>) -> String {
    let json: Value = details.to_json_str().ok().and_then(|s| serde_json::from_str(&s).ok()).unwrap_or(Value::Null);
    let ops: Vec<String> = if effect == "append" {
        json.as_array()
            .map(|a| a.iter().map(|op| format!("append `{}` = {}", shown(op["field"].as_str().unwrap_or_default(), values), op["value"])).collect())
            .unwrap_or_default()
    } else {
        json.get("operations")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|op| {
                        let verb = op["operation"].as_str().unwrap_or_default().to_ascii_lowercase();
                        let field = shown(op["field"].as_str().unwrap_or_default(), values);
                        if op.get("value").is_some() {
                            format!("{verb} `{field}` = {}", op["value"])
                        } else {
                            format!("{verb} `{field}`")
                        }
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    if ops.is_empty() {
        json.to_string()
    } else {
        ops.join(", ")
    }
}

/// A field as an effect's details name it, with `[concat('tags[', parameters('tagName'), ']')]`
/// worked out to `tags[costCenter]`; an expression of other functions stays as written.
fn shown(field: &str, values: &Map<String, Value>) -> String {
    let Some(args) = field.strip_prefix("[concat(").and_then(|f| f.strip_suffix(")]")) else {
        return match field.strip_prefix('[').and_then(parameter_reference_inner) {
            Some(p) => values.get(p).and_then(Value::as_str).map_or(field.to_string(), str::to_string),
            None => field.to_string(),
        };
    };
    let mut out = String::new();
    for arg in split_arguments(args) {
        let arg = arg.trim();
        if let Some(literal) = arg.strip_prefix('\'').and_then(|a| a.strip_suffix('\'')) {
            out.push_str(&literal.replace("''", "'"));
        } else if let Some(value) = parameter_reference_inner(arg).and_then(|p| values.get(p)).and_then(Value::as_str) {
            out.push_str(value);
        } else {
            return field.to_string();
        }
    }
    out
}

/// `NAME` of `parameters('NAME')`, with or without the closing `]`.
fn parameter_reference_inner(s: &str) -> Option<&str> {
    let s = s.strip_suffix(']').unwrap_or(s);
    s.strip_prefix("parameters('")?.strip_suffix("')")
}

/// The arguments of a function call, split at the commas outside quotes and parentheses.
fn split_arguments(args: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut quoted, mut start) = (Vec::new(), 0i32, false, 0);
    for (i, c) in args.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                parts.push(&args[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&args[start..]);
    parts
}
