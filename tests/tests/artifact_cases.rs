//! The artifact case suite, in the form of the held-out acceptance test: every
//! `tests/artifact-cases/<case>/` holds `workflow.yaml`, optionally `context/` and
//! `controller.yaml`, and `expect.json`:
//!
//! ```json
//! {"namespace": "team-b", "description": "...", "diagnostics": [{"code": "...", "line": 12}]}
//! ```
//!
//! Each case is linted like `wflint lint --format json --namespace NS --context DIR
//! [--controller-config FILE] workflow.yaml`, in-process and through the binary. A case with no
//! expected diagnostic must be completely clean (no finding of any severity, any group); a
//! broken case must report exactly the expected `artifacts`-group findings (code and line), and
//! the expected findings of other groups among others.
//!
//! Run one case with `WFLINT_CASE=<name> cargo test -p wflint-e2e --test artifact_cases`.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::{collections::BTreeSet, path::PathBuf};

use common::{Seen, describe, lint_files, repo_root, seen, seen_json, wflint_binary};
use serde_json::Value;

struct Case {
    name: String,
    dir: PathBuf,
    namespace: String,
    expected: BTreeSet<(String, usize)>,
    context: Vec<PathBuf>,
    controller: Option<PathBuf>,
}

fn cases() -> Vec<Case> {
    let root = repo_root().join("tests/artifact-cases");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/artifact-cases exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            let expect: Value = serde_json::from_slice(
                &std::fs::read(dir.join("expect.json"))
                    .unwrap_or_else(|e| panic!("{name}: expect.json: {e}")),
            )
            .unwrap_or_else(|e| panic!("{name}: expect.json: {e}"));
            let expected = expect["diagnostics"]
                .as_array()
                .unwrap_or_else(|| panic!("{name}: expect.json has no diagnostics array"))
                .iter()
                .map(|d| {
                    (
                        d["code"].as_str().unwrap().to_string(),
                        d["line"].as_u64().unwrap() as usize,
                    )
                })
                .collect();
            let context = dir.join("context");
            let controller = dir.join("controller.yaml");
            Case {
                namespace: expect["namespace"]
                    .as_str()
                    .unwrap_or("default")
                    .to_string(),
                expected,
                context: if context.is_dir() {
                    vec![context]
                } else {
                    Vec::new()
                },
                controller: controller.is_file().then_some(controller),
                dir,
                name,
            }
        })
        .collect()
}

fn is_artifact_code(code: &str) -> bool {
    wflint_core::rules::by_code(code).is_some_and(|r| r.group == "artifacts")
}

/// What is wrong with `actual` for this case.
fn compare(case: &Case, actual: &[Seen], how: &str) -> Option<String> {
    let pairs: BTreeSet<(String, usize)> =
        actual.iter().map(|s| (s.code.clone(), s.line)).collect();
    let problem = if case.expected.is_empty() {
        (!actual.is_empty()).then(|| "a valid case must be clean".to_string())
    } else {
        let artifact_actual: BTreeSet<_> = pairs
            .iter()
            .filter(|(c, _)| is_artifact_code(c))
            .cloned()
            .collect();
        let artifact_expected: BTreeSet<_> = case
            .expected
            .iter()
            .filter(|(c, _)| is_artifact_code(c))
            .cloned()
            .collect();
        let missing: Vec<_> = case.expected.difference(&pairs).collect();
        let unexpected: Vec<_> = artifact_actual.difference(&artifact_expected).collect();
        (!missing.is_empty() || !unexpected.is_empty())
            .then(|| format!("missing {missing:?}, unexpected {unexpected:?}"))
    };
    problem.map(|p| {
        format!(
            "{} ({how}): {p}\n  findings:\n{}",
            case.name,
            describe(actual)
        )
    })
}

fn lint_case(case: &Case) -> Vec<Seen> {
    let report = lint_files(
        &[case.dir.join("workflow.yaml")],
        &case.context,
        case.controller.as_deref(),
        &case.namespace,
    );
    seen(&report)
}

fn selected(case: &Case) -> bool {
    std::env::var("WFLINT_CASE").map_or(true, |only| only == case.name)
}

#[test]
fn artifact_cases_in_process() {
    let cases = cases();
    let mut problems = Vec::new();
    for case in cases.iter().filter(|c| selected(c)) {
        for (code, _) in &case.expected {
            if wflint_core::rules::by_code(code).is_none() {
                problems.push(format!(
                    "{}: expect.json names unknown rule `{code}`",
                    case.name
                ));
            }
        }
        problems.extend(compare(case, &lint_case(case), "in-process"));
    }
    assert!(
        problems.is_empty(),
        "{} case(s) failed:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn artifact_cases_cover_every_rule_valid_and_broken() {
    let cases = cases();
    let covered: BTreeSet<&str> = cases
        .iter()
        .flat_map(|c| c.expected.iter().map(|(code, _)| code.as_str()))
        .collect();
    let uncovered: Vec<&str> = wflint_core::rules::artifacts::RULES
        .iter()
        .map(|r| r.code)
        .filter(|code| !covered.contains(code))
        .collect();
    assert!(
        uncovered.is_empty(),
        "rules without a broken case: {uncovered:?}"
    );
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let valid = cases.iter().filter(|c| c.expected.is_empty()).count();
    assert!(valid >= 15, "only {valid} valid cases");
}

/// The same cases through the binary, with the acceptance test's exact command line.
#[test]
fn artifact_cases_through_the_cli() {
    let Some(_) = wflint_binary() else {
        panic!(
            "the wflint binary is not built: run `cargo test --workspace` (or `cargo build -p wflint-cli`) first"
        );
    };
    let mut problems = Vec::new();
    for case in cases().iter().filter(|c| selected(c)) {
        let mut command = wflint_binary().expect("built");
        command.current_dir(&case.dir).args([
            "lint",
            "--format",
            "json",
            "--namespace",
            &case.namespace,
        ]);
        if !case.context.is_empty() {
            command.args(["--context", "context"]);
        }
        if case.controller.is_some() {
            command.args(["--controller-config", "controller.yaml"]);
        }
        let output = command.arg("workflow.yaml").output().expect("wflint runs");
        let actual = seen_json(&output.stdout);
        problems.extend(compare(case, &actual, "cli"));
        let has_error = actual.iter().any(|s| {
            wflint_core::rules::by_code(&s.code)
                .is_some_and(|r| r.default_severity == wflint_core::Severity::Error)
        });
        let code = output.status.code();
        if code != Some(i32::from(has_error)) {
            problems.push(format!(
                "{}: exit code {code:?} with {} error finding(s); stderr: {}",
                case.name,
                usize::from(has_error),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} case(s) failed:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
