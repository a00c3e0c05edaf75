//! The kinds of block that hold an organisation's rules: `policy` (with its
//! test `case`s), `tags`, and `azure_policy`, the test `case`s of an
//! assignment of the organisation's Azure Policy. They deploy nothing; [`crate::policy`] reads
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
    doc: "A test of its policy (or Azure Policy assignment) for `ashlar test`: `case NAME { plan = file(\"cases/x.ashlar\")  expect = fail }`. The case's plan is checked with the policy alone (or with the plan's Azure Policy); `pass` wants no finding of the policy (or assignment), `fail` at least one (or exactly `findings`).",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attr("plan", Type::String, true, None, "The case's plan, usually `file(\"cases/NAME.ashlar\")` inside the plan's folder."),
        attr("expect", Type::Word(&["pass", "fail"]), true, None, "`pass`: the policy (or assignment) finds nothing; `fail`: it finds something."),
        attr("findings", Type::Integer { min: 1, max: 10_000 }, false, Some("any number"), "With `expect = fail`: exactly how many findings."),
    ],
    children: &[],
    unique: false,
};

/// The test cases of an assignment of the organisation's Azure Policy (the
/// files and presets of `ashlar.toml`), run by `ashlar test`.
pub const AZURE_POLICY: KindSchema = KindSchema {
    kind: "azure_policy",
    doc: "Tests of an Azure Policy assignment that `ashlar.toml` names (`[azure_policy]`), for `ashlar test`: `azure_policy allowed-locations { case in_us { plan = file(\".cases/us.ashlar\")  expect = fail } }`. Each case's plan is checked with the plan's Azure Policy; only the findings of the assignment (or of its initiative's `member`) count.",
    naming: Naming::Named,
    positional: &[],
    attributes: &[
        attr(
            "assignment",
            Type::String,
            false,
            Some("the block's name"),
            "The assignment's name, when it is not a name a block can have: `\"std.azure_policy\"` for the preset.",
        ),
        attr(
            "member",
            Type::String,
            false,
            Some("every member"),
            "For the assignment of an initiative: the `policyDefinitionReferenceId` of the one member whose findings count (`\"allowed-locations\"`).",
        ),
    ],
    children: &["case"],
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
