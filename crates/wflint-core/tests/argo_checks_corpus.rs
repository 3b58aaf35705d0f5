//! Acceptance of the self-contained Argo checks (`rules::argo_checks`) on Argo's own validator
//! cases (`../shared/corpus/argo-validate-cases/CASES.tsv`): every row Argo accepts gives no
//! finding of these rules, and every row Argo rejects for one of these checks gives a finding
//! whose `argo_message` carries Argo's asserted text. Skipped when the corpus is absent.

use std::path::{Path, PathBuf};

use wflint_core::{Input, LintOptions, Severity, context::NoContext, lint_inputs, rules::RuleSet};

fn corpus() -> Option<PathBuf> {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    // `<repo>/../shared` in a checkout; one level higher for a worktree under `wt/`.
    for candidate in ["../../../shared/corpus", "../../../../shared/corpus"] {
        let dir = crate_dir.join(candidate);
        if dir.join("argo-validate-cases/CASES.tsv").is_file() {
            return Some(dir);
        }
    }
    eprintln!("skipping: ../shared/corpus is absent");
    None
}

/// Go tests whose rejection comes from a check of `rules::argo_checks`.
const OWN_TESTS: &[&str] = &[
    "TestDAGMissingParamValueInTask",
    "TestFailDAGArgParamValueFromPathInTask",
    "TestDuplicateOrEmptyNames",
    "TestExecutorPluginsValidation/MissingName",
    "TestExecutorPluginsValidation/InvalidSidecar",
    "TestInvalidTemplateName",
    "TestInvalidArgParamName",
    "TestInvalidArgArtName",
    "TestInvalidInputParamName",
    "TestInvalidInputArtName",
    "TestInvalidOutputArtName",
    "TestInvalidOutputParam",
    "TestMultipleTemplateTypes",
    "TestVolumeMountArtifactPathCollision",
    "TestValidActiveDeadlineSeconds",
    "TestLeafWithParallelism",
    "TestInvalidArgumentNoFromOrLocation",
    "TestInvalidArgumentNoValue",
    "TestInvalidResourceWorkflow",
    "TestIncorrectPodGCStrategy",
    "TestInvalidPodGCLabelSelector",
    "TestInvalidMetricName",
    "TestInvalidMetricLabelName",
    "TestInvalidMetricHelp",
    "TestInvalidMetricGauge",
    "TestInvalidNoValueMetricGauge",
    "TestInvalidWfNoImageField",
    "TestInvalidWfNoImageFieldScript",
    "TestIinvalidWfNoImageScriptInTemplateDefault",
    "TestWorkflowTemplateWithEmptyEnumList",
    "TestWorkflowTemplateWithArgumentValueNotFromEnumList",
    "TestMaxLengthName",
    "TestCronWorkflowInvalidTimezoneRejected",
    "TestInvalidContainerSetDependencyNotFound",
    "TestReservedAuxContainerNames",
    "TestInvalidContainerSetNoMainContainer",
    "TestInitContainerHasName",
    "TestPodResourcesValidation",
    "TestPodResourceClaimsValidation",
];

struct Row {
    file: String,
    expect: String,
    message: String,
    test: String,
    matching: String,
    lint_same: String,
}

fn rows(corpus: &Path) -> Vec<Row> {
    let text =
        std::fs::read_to_string(corpus.join("argo-validate-cases/CASES.tsv")).unwrap_or_default();
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            let cell = |i: usize| cells.get(i).copied().unwrap_or_default().to_string();
            cell(2).starts_with("validate.").then(|| Row {
                file: cell(0),
                expect: cell(3),
                message: cell(4).replace("\\\\", "\\"),
                test: cell(5),
                matching: cell(7),
                lint_same: cell(11),
            })
        })
        .collect()
}

/// (code, message, argo_message) of the error findings of `argo_checks` rules.
fn own_errors(path: &Path) -> Vec<(String, String, String)> {
    let mut bytes = std::fs::read(path).unwrap_or_default();
    // A few Go tests decode a manifest without `kind` straight into a Workflow.
    let text = String::from_utf8_lossy(&bytes);
    if !text.starts_with("kind:") && !text.contains("\nkind:") {
        let mut with_kind = b"apiVersion: argoproj.io/v1alpha1\nkind: Workflow\n".to_vec();
        with_kind.extend_from_slice(&bytes);
        bytes = with_kind;
    }
    let mut options = LintOptions::default();
    let mut rules = RuleSet::all();
    let codes: Vec<&str> = wflint_core::rules::argo_checks::RULES
        .iter()
        .map(|r| r.code)
        .collect();
    assert!(rules.select(codes).is_ok());
    options.rules = rules;
    let report = lint_inputs(
        vec![Input {
            name: path.display().to_string(),
            bytes,
        }],
        &NoContext,
        &options,
    );
    report
        .findings
        .iter()
        .filter(|f| f.diagnostic.severity == Severity::Error)
        .map(|f| {
            (
                f.diagnostic.rule.code.to_string(),
                f.diagnostic.message.clone(),
                f.diagnostic.argo_message.clone().unwrap_or_default(),
            )
        })
        .collect()
}

fn agrees(row: &Row, found: &[(String, String, String)]) -> bool {
    if found.is_empty() {
        return false;
    }
    let parts: Vec<&str> = row.message.split(" && ").collect();
    match row.matching.as_str() {
        "none" => true,
        // Argo's text may carry a caller prefix that the walker, not these checks, adds.
        "equals" => found
            .iter()
            .any(|(_, _, argo)| !argo.is_empty() && row.message.ends_with(argo.as_str())),
        _ => found.iter().any(|(_, message, argo)| {
            let text = format!("{message}\n{argo}");
            parts.iter().all(|part| text.contains(part))
        }),
    }
}

#[test]
fn argo_checks_agree_with_argo_validator_cases() {
    let Some(corpus) = corpus() else {
        return;
    };
    let cases = corpus.join("argo-validate-cases");
    let mut failures = Vec::new();
    let mut checked_invalid = 0;
    let mut checked_valid = 0;
    for row in rows(&corpus) {
        if row.lint_same != "yes" {
            continue;
        }
        let found = own_errors(&cases.join(&row.file));
        match row.expect.as_str() {
            "valid" => {
                checked_valid += 1;
                if !found.is_empty() {
                    failures.push(format!(
                        "{} ({}): Argo accepts it, but: {found:?}",
                        row.file, row.test
                    ));
                }
            }
            "invalid" if OWN_TESTS.contains(&row.test.as_str()) => {
                checked_invalid += 1;
                if !agrees(&row, &found) {
                    failures.push(format!(
                        "{} ({}): Argo says `{}` ({}), found {found:?}",
                        row.file, row.test, row.message, row.matching
                    ));
                }
            }
            _ => {}
        }
    }
    assert!(checked_valid >= 60, "only {checked_valid} valid rows read");
    assert!(
        checked_invalid >= 50,
        "only {checked_invalid} invalid rows read"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn argo_examples_pass_the_argo_checks() {
    let Some(corpus) = corpus() else {
        return;
    };
    let examples = corpus.join("argo-examples");
    let index = std::fs::read_to_string(examples.join("INDEX.tsv")).unwrap_or_default();
    let mut failures = Vec::new();
    let mut checked = 0;
    for line in index.lines().skip(1) {
        let cells: Vec<&str> = line.split('\t').collect();
        let (Some(file), Some(&"valid")) = (cells.first(), cells.get(2)) else {
            continue;
        };
        checked += 1;
        let found = own_errors(&examples.join(file));
        if !found.is_empty() {
            failures.push(format!("{file}: {found:?}"));
        }
    }
    assert!(checked >= 200, "only {checked} examples read");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
