//! The kinds of block that hold an organisation's rules: `policy` (with its
//! test `case`s) and `tags`. They deploy nothing; [`crate::policy`] reads
//! their phrases and runs them.

use crate::schema::{attr, KindSchema, Naming, Type};

/// How bad a finding of a policy is.
pub const SEVERITIES: &[&str] = &["error", "warning", "info"];

pub const POLICY: KindSchema = KindSchema {
    kind: "policy",
    doc: "A rule of the organisation, checked when the plan compiles: `for VAR in COLLECTION [where CONDITION] { deny when CONDITION message \"...\" }`, `require VALUE message \"...\"`.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attr("severity", Type::Word(SEVERITIES), false, Some("error"), "How bad a finding of the policy is: `error` fails the build, `warning` and `info` do not."),
        attr("about", Type::String, false, Some("none"), "What the policy asks and why, in one sentence: the help of each finding."),
    ],
    children: &["case"],
    unique: false,
};

/// A test case of a policy, run by `ashlar test`: a small plan that must pass
/// the policy, or fail it.
pub const CASE: KindSchema = KindSchema {
    kind: "case",
    doc: "A test of its policy for `ashlar test`: `case NAME { plan = file(\"cases/x.ashlar\")  expect = fail }`. The case's plan is checked with the policy alone; `pass` wants no finding of the policy, `fail` at least one (or exactly `findings`).",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attr("plan", Type::String, true, None, "The case's plan, usually `file(\"cases/NAME.ashlar\")` inside the plan's folder."),
        attr("expect", Type::Word(&["pass", "fail"]), true, None, "`pass`: the policy finds nothing; `fail`: it finds something."),
        attr("findings", Type::Integer { min: 1, max: 10_000 }, false, Some("any number"), "With `expect = fail`: exactly how many findings."),
    ],
    children: &[],
    unique: false,
};

pub const TAGS: KindSchema = KindSchema {
    kind: "tags",
    doc: "The plan's tag policy, at the top level: `require NAME`, `require NAME in [\"a\", \"b\"]`, `require NAME matches \"REGEX\"`, and `optional NAME in [...]` or `optional NAME matches \"REGEX\"` for a tag that may be absent, checked on every resource group and resource the plan deploys. The tags themselves go in `settings { tags { ... } }` and in blocks.",
    naming: Naming::Unnamed,
    positional: &[],
    attributes: &[
        attr("severity", Type::Word(SEVERITIES), false, Some("error"), "How bad a finding of the tag policy is."),
        attr("about", Type::String, false, Some("none"), "Why the plan tags what it tags: the help of each finding."),
    ],
    children: &[],
    unique: false,
};
