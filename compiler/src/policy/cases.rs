//! `ashlar test`: the cases a policy carries, each a small plan checked with
//! that policy alone, reported like a test runner.

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

/// Runs every case of every policy of the plan. `root` is the plan's folder;
/// `sources` holds the policy blocks' text.
pub fn run(model: &Model, sources: &SourceMap, root: &std::path::Path) -> Vec<CaseResult> {
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
    results
}

fn run_case(model: &Model, policy: NodeId, case: NodeId, policy_text: &str, root: &std::path::Path) -> CaseResult {
    let policy_name = model.node(policy).name();
    let node = model.node(case);
    let name = format!("{policy_name}::{}", node.name());
    let plan = node.str("plan").unwrap_or_default();
    let expect_fail = node.str("expect") == Some("fail");
    let exactly = match node.get("findings").map(|a| &a.value) {
        Some(Typed::Int(n)) => Some(*n as usize),
        _ => None,
    };
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
    let reason = if let Some(first) = broken.first() {
        Some(format!("the case's plan does not compile: {first}"))
    } else if !expect_fail && findings > 0 {
        Some(format!("expected no finding of `{policy_name}`, got {findings}"))
    } else if expect_fail && findings == 0 {
        Some(format!("expected `{policy_name}` to find something, it found nothing"))
    } else {
        exactly.filter(|n| expect_fail && *n != findings).map(|n| format!("expected {n} findings of `{policy_name}`, got {findings}"))
    };
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
