//! `ashlar test`: the cases a policy carries, each a small plan checked with
//! that policy alone, reported like a test runner.

use crate::load::{InputFile, PlanInput};
use crate::model::{Model, NodeId, Typed};
use crate::source::SourceMap;

/// The outcome of one case.
#[derive(Debug, Clone, PartialEq)]
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
