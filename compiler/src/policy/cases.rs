//! `ashlar test`: the cases a policy carries, each a small plan checked with
//! that policy alone, and the cases of an Azure Policy assignment (an
//! `azure_policy` block), each a small plan checked with the plan's Azure
//! Policy; reported like a test runner.

use crate::load::{InputFile, PlanInput};
use crate::model::{Model, NodeId, Typed};
use crate::source::SourceMap;

/// The outcome of one case.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CaseResult {
    /// `policy::case`.
    pub name: String,
    pub passed: bool,
    /// Why it failed, in words.
    pub reason: Option<String>,
}

/// Runs every case of every policy of the plan, then those of its
/// `azure_policy` blocks. `root` is the plan's folder; `sources` holds the
/// policy blocks' text; `config` is the plan's `ashlar.toml`, whose
/// `[azure_policy]` the Azure Policy cases are checked with.
pub fn run(model: &Model, sources: &SourceMap, root: &std::path::Path, config: Option<&[u8]>) -> Vec<CaseResult> {
    let mut results = Vec::new();
    for (policy, node) in model.of_kind("policy") {
        if node.from_library {
            continue;
        }
        let policy_text = sources.text(node.span).to_string();
        for &case in node.children.iter().filter(|&&c| model.node(c).is("case")) {
            results.push(run_case(model, policy, case, &policy_text, root));
        }
    }
    for (block, node) in model.of_kind("azure_policy") {
        for &case in node.children.iter().filter(|&&c| model.node(c).is("case")) {
            results.push(run_azure_policy_case(model, block, case, root, config));
        }
    }
    results
}

/// What a case asks of its findings: `expect` and `findings`.
fn expectation(model: &Model, case: NodeId) -> (bool, Option<usize>) {
    let node = model.node(case);
    let exactly = match node.get("findings").map(|a| &a.value) {
        Some(Typed::Int(n)) => Some(*n as usize),
        _ => None,
    };
    (node.str("expect") == Some("fail"), exactly)
}

/// Why a case failed, if it did: its plan's first error (`broken`), or the
/// findings of `what` against what it expects.
fn verdict(broken: Option<&String>, expect_fail: bool, exactly: Option<usize>, findings: usize, what: &str) -> Option<String> {
    if let Some(first) = broken {
        Some(format!("the case's plan does not compile: {first}"))
    } else if !expect_fail && findings > 0 {
        Some(format!("expected no finding of `{what}`, got {findings}"))
    } else if expect_fail && findings == 0 {
        Some(format!("expected `{what}` to find something, it found nothing"))
    } else {
        exactly.filter(|n| expect_fail && *n != findings).map(|n| format!("expected {n} findings of `{what}`, got {findings}"))
    }
}

/// A case of an Azure Policy assignment: the case's plan, alone, with the
/// plan's `ashlar.toml` (so its `[azure_policy]` files, read from the plan's
/// folder, and presets); only the findings of the assignment (of its
/// initiative's `member`, when the block names one) count. What of them is
/// not evaluated (`ASH704`) fails the case: it would test nothing.
fn run_azure_policy_case(model: &Model, block: NodeId, case: NodeId, root: &std::path::Path, config: Option<&[u8]>) -> CaseResult {
    let node = model.node(block);
    let assignment = node.str("assignment").unwrap_or(node.name());
    let name = format!("{}::{}", node.name(), model.node(case).name());
    let what = node.str("member").map_or(assignment.to_string(), |m| format!("{m}` of `{assignment}"));
    let plan = model.node(case).str("plan").unwrap_or_default();
    let (expect_fail, exactly) = expectation(model, case);
    let input = PlanInput {
        root: root.to_path_buf(),
        files: vec![InputFile { name: "case.ashlar".into(), path: root.join(".case.ashlar"), bytes: plan.as_bytes().to_vec() }],
        config: config.map(<[u8]>::to_vec),
        ..PlanInput::default()
    };
    let analysis = crate::analyze(&input);
    let member = node.str("member");
    let ours = |d: &&crate::diagnostic::Diagnostic| d.policy() == Some(assignment) && member.is_none_or(|m| d.azure_policy_member() == Some(m));
    let not_evaluated = crate::azure_policy::AZURE_POLICY_NOT_EVALUATED.code;
    let findings = analysis.diagnostics.iter().filter(ours).filter(|d| d.code.code != not_evaluated).count();
    let broken: Vec<String> =
        analysis.diagnostics.iter().filter(|d| d.is_error() && !super::is_finding(d)).map(|d| format!("{} {}", d.code.code, d.message)).collect();
    let unevaluated = analysis.diagnostics.iter().filter(ours).find(|d| d.code.code == not_evaluated);
    let known = crate::azure_policy::read(&input, &mut SourceMap::default(), &mut Vec::new()).assignment_names();
    let reason = if let (None, Some(d)) = (broken.first(), unevaluated) {
        Some(format!("it tests nothing: {}", d.message))
    } else if !known.iter().any(|n| n == assignment) {
        Some(format!(
            "`ashlar.toml` assigns no `{assignment}`: its assignments are {}",
            if known.is_empty() { "none".to_string() } else { known.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ") }
        ))
    } else {
        verdict(broken.first(), expect_fail, exactly, findings, &what)
    };
    CaseResult { name, passed: reason.is_none(), reason }
}

fn run_case(model: &Model, policy: NodeId, case: NodeId, policy_text: &str, root: &std::path::Path) -> CaseResult {
    let policy_name = model.node(policy).name();
    let node = model.node(case);
    let name = format!("{policy_name}::{}", node.name());
    let plan = node.str("plan").unwrap_or_default();
    let (expect_fail, exactly) = expectation(model, case);
    let input = PlanInput {
        root: root.to_path_buf(),
        files: vec![
            InputFile { name: "case.ashlar".into(), path: root.join(".case.ashlar"), bytes: plan.as_bytes().to_vec() },
            InputFile { name: "policy.ashlar".into(), path: root.join(".policy.ashlar"), bytes: policy_text.as_bytes().to_vec() },
        ],
        ..PlanInput::default()
    };
    let analysis = crate::analyze(&input);
    let findings = analysis.diagnostics.iter().filter(|d| d.policy() == Some(policy_name)).count();
    // A case whose plan does not compile tests nothing.
    let broken: Vec<String> =
        analysis.diagnostics.iter().filter(|d| d.is_error() && !super::is_finding(d)).map(|d| format!("{} {}", d.code.code, d.message)).collect();
    let reason = verdict(broken.first(), expect_fail, exactly, findings, policy_name);
    CaseResult { name, passed: reason.is_none(), reason }
}

/// The results as `ashlar test --format json` prints them: every case, then
/// how many passed and failed.
pub fn render_json(results: &[CaseResult]) -> String {
    let failed = results.iter().filter(|r| !r.passed).count();
    let value = serde_json::json!({ "cases": results, "passed": results.len() - failed, "failed": failed });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// The results as JUnit XML, for the test reports of CI systems: one suite
/// named after the plan, a test case per `case` (its policy is the class), and
/// a `failure` with the reason for each that failed.
pub fn render_junit(results: &[CaseResult], plan: &str) -> String {
    use crate::diagnostic::reporters::xml;
    let failed = results.iter().filter(|r| !r.passed).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!("<testsuites name=\"ashlar test\" tests=\"{}\" failures=\"{failed}\">\n", results.len()));
    out.push_str(&format!("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\">\n", xml(plan), results.len()));
    for r in results {
        let (policy, case) = r.name.split_once("::").unwrap_or(("policy", &r.name));
        let open = format!("    <testcase classname=\"{}\" name=\"{}\"", xml(policy), xml(case));
        match &r.reason {
            Some(why) if !r.passed => {
                out.push_str(&format!("{open}>\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n", xml(why), xml(why)));
            }
            _ => out.push_str(&format!("{open}/>\n")),
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
