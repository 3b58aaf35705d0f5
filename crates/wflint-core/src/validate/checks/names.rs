//! Name rules of Argo's validator: template/step/task/container names, parameter and artifact
//! names, `{{...}}` parameter detection and Prometheus metric names.

use std::sync::LazyLock;

use regex::Regex;

/// Longest template, step, task or container name Argo accepts (bytes).
pub(crate) const WORKFLOW_FIELD_MAX_LEN: usize = 128;

const WORKFLOW_FIELD_NAME_ERR: &str = "name must consist of alpha-numeric characters or '-', and must start with an alpha-numeric character (e.g. My-name1-2, 123-NAME)";
const PARAM_OR_ARTIFACT_NAME_ERR: &str = "Parameter/Artifact name must consist of alpha-numeric characters, '_' or '-' e.g. my_param_1, MY-PARAM-1";

/// Argo's `isParameter` pattern: a `{{name.path}}` tag anywhere in the text.
static PARAMETER: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\{\{[-a-zA-Z0-9]+(\.[-a-zA-Z0-9_]+)*\}\}").ok());

/// Whether `text` contains a simple `{{...}}` parameter tag (Argo's `isParameter`), which
/// exempts `globalName`s and DAG targets from the name checks.
pub(crate) fn is_parameter(text: &str) -> bool {
    crate::validate::tags::has_tags(text)
        && PARAMETER
            .as_ref()
            .is_some_and(|pattern| pattern.is_match(text))
}

/// `^[a-zA-Z0-9][-a-zA-Z0-9]*$`
fn matches_workflow_field_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphanumeric())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Argo's `isValidWorkflowFieldName`: the reasons a template/step/task/container name is
/// invalid (joined with `;` in Argo's message), empty when it is valid.
pub(crate) fn workflow_field_name_errors(name: &str) -> Vec<&'static str> {
    let mut errors = Vec::new();
    if name.len() > WORKFLOW_FIELD_MAX_LEN {
        errors.push("must be no more than 128 characters");
    }
    if !matches_workflow_field_name(name) {
        errors.push(WORKFLOW_FIELD_NAME_ERR);
    }
    errors
}

/// Argo's `isValidParamOrArtifactName` (`^[-a-zA-Z0-9_]+$`): the reason, if invalid.
pub(crate) fn param_or_artifact_name_error(name: &str) -> Option<&'static str> {
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    (!valid).then_some(PARAM_OR_ARTIFACT_NAME_ERR)
}

/// Which name rule a list follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameRule {
    /// Templates, steps, tasks, containers: `^[a-zA-Z0-9][-a-zA-Z0-9]*$`, at most 128 bytes.
    WorkflowField,
    /// Parameters and artifacts: `^[-a-zA-Z0-9_]+$`.
    ParamOrArtifact,
}

impl NameRule {
    /// The reasons `name` breaks this rule, joined as Argo joins them (`;`).
    pub(crate) fn reasons(self, name: &str) -> Option<String> {
        match self {
            NameRule::WorkflowField => {
                let errors = workflow_field_name_errors(name);
                (!errors.is_empty()).then(|| errors.join(";"))
            }
            NameRule::ParamOrArtifact => param_or_artifact_name_error(name).map(str::to_string),
        }
    }
}

/// What is wrong with one name of a list (Argo's `validateWorkflowFieldNames`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NameProblem {
    /// `[i].name is required`
    Missing,
    /// `[i].name: 'x' is invalid: <reasons>`
    Invalid(String),
    /// `[i].name 'x' is not unique`; carries the index of the first use.
    Duplicate(usize),
}

impl NameProblem {
    /// Argo's text for item `index` named `name`, without the list prefix.
    pub(crate) fn argo_suffix(&self, index: usize, name: &str) -> String {
        match self {
            NameProblem::Missing => format!("[{index}].name is required"),
            NameProblem::Invalid(reasons) => {
                format!("[{index}].name: '{name}' is invalid: {reasons}")
            }
            NameProblem::Duplicate(_) => format!("[{index}].name '{name}' is not unique"),
        }
    }
}

/// Every bad name of a list, in order, as `(index, problem)`. Like Argo, a name that is invalid
/// is not remembered, so it is never also reported as a duplicate.
pub(crate) fn name_list_problems<'a>(
    names: impl IntoIterator<Item = &'a str>,
    rule: NameRule,
) -> Vec<(usize, NameProblem)> {
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut problems = Vec::new();
    for (index, name) in names.into_iter().enumerate() {
        if name.is_empty() {
            problems.push((index, NameProblem::Missing));
        } else if let Some(reasons) = rule.reasons(name) {
            problems.push((index, NameProblem::Invalid(reasons)));
        } else if let Some(first) = seen.get(name) {
            problems.push((index, NameProblem::Duplicate(*first)));
        } else {
            seen.insert(name, index);
        }
    }
    problems
}

/// Prometheus' legacy metric-name rule without `:` (Argo's `IsValidMetricName`), also used for
/// label keys: `^[a-zA-Z_][a-zA-Z0-9_]*$`.
pub(crate) fn is_valid_metric_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_field_names() {
        for ok in [
            "a",
            "main",
            "My-name1-2",
            "123-NAME",
            "a-",
            &"a".repeat(128),
        ] {
            assert!(workflow_field_name_errors(ok).is_empty(), "{ok}");
        }
        assert_eq!(
            workflow_field_name_errors("-a"),
            vec![WORKFLOW_FIELD_NAME_ERR]
        );
        assert_eq!(
            workflow_field_name_errors("a_b"),
            vec![WORKFLOW_FIELD_NAME_ERR]
        );
        assert_eq!(workflow_field_name_errors("a.b").len(), 1);
        assert_eq!(workflow_field_name_errors("é").len(), 1);
        assert_eq!(
            NameRule::WorkflowField.reasons(&format!("_{}", "a".repeat(128))),
            Some(format!(
                "must be no more than 128 characters;{WORKFLOW_FIELD_NAME_ERR}"
            ))
        );
    }

    #[test]
    fn param_names() {
        for ok in ["a", "my_param_1", "MY-PARAM-1", "-_-"] {
            assert_eq!(param_or_artifact_name_error(ok), None, "{ok}");
        }
        for bad in ["", "a.b", "a b", "{{x}}", "é"] {
            assert_eq!(
                param_or_artifact_name_error(bad),
                Some(PARAM_OR_ARTIFACT_NAME_ERR),
                "{bad}"
            );
        }
    }

    #[test]
    fn parameters_are_detected_anywhere() {
        assert!(is_parameter("{{inputs.parameters.x}}"));
        assert!(is_parameter("prefix-{{workflow.name}}-suffix"));
        assert!(is_parameter("{{item}}"));
        assert!(!is_parameter("{{ inputs.parameters.x }}"));
        assert!(!is_parameter("{{=expr}}"));
        assert!(!is_parameter("plain"));
        assert!(!is_parameter("{{a..b}}"));
    }

    #[test]
    fn name_lists_report_every_problem() {
        let problems =
            name_list_problems(["a", "", "a", "b_c", "b_c", "d"], NameRule::WorkflowField);
        assert_eq!(
            problems,
            vec![
                (1, NameProblem::Missing),
                (2, NameProblem::Duplicate(0)),
                (3, NameProblem::Invalid(WORKFLOW_FIELD_NAME_ERR.to_string())),
                (4, NameProblem::Invalid(WORKFLOW_FIELD_NAME_ERR.to_string())),
            ]
        );
        assert_eq!(
            NameProblem::Duplicate(0).argo_suffix(2, "a"),
            "[2].name 'a' is not unique"
        );
        assert_eq!(
            NameProblem::Missing.argo_suffix(1, ""),
            "[1].name is required"
        );
        assert_eq!(
            NameProblem::Invalid("why".into()).argo_suffix(3, "b_c"),
            "[3].name: 'b_c' is invalid: why"
        );
        assert!(name_list_problems(["x_y", "x-y"], NameRule::ParamOrArtifact).is_empty());
    }

    #[test]
    fn metric_names() {
        for ok in ["a", "_a", "metric_name_1", "A"] {
            assert!(is_valid_metric_name(ok), "{ok}");
        }
        for bad in ["", "1a", "invalid.metric.name", "a:b", "a-b", "é"] {
            assert!(!is_valid_metric_name(bad), "{bad}");
        }
    }
}
