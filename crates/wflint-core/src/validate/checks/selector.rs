//! Kubernetes label selectors checked as apimachinery's `LabelSelectorAsSelector` checks them
//! (Argo's `podGC.labelSelector`), with apimachinery's error texts.
//!
//! Each requirement (one `matchLabels` entry or one `matchExpressions` item) is checked on its
//! own; the text for one requirement is exactly what Argo prints when that requirement is the
//! first bad one.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::go;
use crate::{diagnostic::Target, path::FieldPath};

const LABEL_KEY_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_KEY_ERR: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const LABEL_VALUE_ERR: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS_SUBDOMAIN_FMT: &str = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS_SUBDOMAIN_ERR: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const LABEL_MAX: usize = 63;
const DNS_SUBDOMAIN_MAX: usize = 253;

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`: alphanumeric at both ends, `-_.` inside.
fn is_label_key_name(text: &str) -> bool {
    let bytes = text.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*`.
fn is_dns_subdomain(text: &str) -> bool {
    text.split('.').all(|label| {
        let bytes = label.as_bytes();
        let edge = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        match (bytes.first(), bytes.last()) {
            (Some(first), Some(last)) => {
                edge(first) && edge(last) && bytes.iter().all(|b| edge(b) || *b == b'-')
            }
            _ => false,
        }
    })
}

/// apimachinery's `RegexError`.
fn regex_error(message: &str, fmt: &str, examples: &[&str]) -> String {
    let mut out = message.to_string();
    out.push_str(" (e.g. ");
    for (i, example) in examples.iter().enumerate() {
        if i > 0 {
            out.push_str(" or ");
        }
        out.push('\'');
        out.push_str(example);
        out.push_str("', ");
    }
    out.push_str("regex used for validation is '");
    out.push_str(fmt);
    out.push_str("')");
    out
}

fn max_len_error(length: usize) -> String {
    format!("must be no more than {length} bytes")
}

/// apimachinery's `content.IsLabelKey`: the reasons `key` is not a label key (empty when it is).
pub(crate) fn label_key_errors(key: &str) -> Vec<String> {
    let parts: Vec<&str> = key.split('/').collect();
    let mut errors = Vec::new();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errors.push("prefix part must be non-empty".to_string());
            } else {
                if prefix.len() > DNS_SUBDOMAIN_MAX {
                    errors.push(format!("prefix part {}", max_len_error(DNS_SUBDOMAIN_MAX)));
                }
                if !is_dns_subdomain(prefix) {
                    errors.push(format!(
                        "prefix part {}",
                        regex_error(DNS_SUBDOMAIN_ERR, DNS_SUBDOMAIN_FMT, &["example.com"])
                    ));
                }
            }
            *name
        }
        _ => {
            return vec![format!(
                "a valid label key {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(
                    LABEL_KEY_ERR,
                    LABEL_KEY_FMT,
                    &["MyName", "my.name", "123-abc"]
                )
            )];
        }
    };
    if name.is_empty() {
        errors.push("name part must be non-empty".to_string());
    } else if name.len() > LABEL_MAX {
        errors.push(format!("name part {}", max_len_error(LABEL_MAX)));
    }
    if !is_label_key_name(name) {
        errors.push(format!(
            "name part {}",
            regex_error(
                LABEL_KEY_ERR,
                LABEL_KEY_FMT,
                &["MyName", "my.name", "123-abc"]
            )
        ));
    }
    errors
}

/// apimachinery's `content.IsLabelValue`.
pub(crate) fn label_value_errors(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if value.len() > LABEL_MAX {
        errors.push(max_len_error(LABEL_MAX));
    }
    if !(value.is_empty() || is_label_key_name(value)) {
        errors.push(regex_error(
            LABEL_VALUE_ERR,
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    errors
}

/// One bad requirement of a selector.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SelectorProblem {
    /// Where, relative to the selector (`matchExpressions[0].operator`, `matchLabels.app`).
    pub(crate) at: FieldPath,
    /// Key or value of the node at `at`.
    pub(crate) target: Target,
    /// apimachinery's error text for this requirement.
    pub(crate) go_error: String,
    /// What is wrong, in plain words.
    pub(crate) plain: String,
}

/// A field error of apimachinery (`field.Invalid(path, value, detail).Error()`).
struct FieldError {
    path: String,
    bad_value: String,
    detail: String,
}

impl FieldError {
    fn text(&self) -> String {
        format!(
            "{}: Invalid value: {}: {}",
            self.path, self.bad_value, self.detail
        )
    }
}

/// apimachinery's aggregate of field errors: one text, or `[a, b]` with duplicates dropped.
fn aggregate(errors: &[FieldError]) -> String {
    let mut texts: Vec<String> = Vec::new();
    for error in errors {
        let text = error.text();
        if !texts.contains(&text) {
            texts.push(text);
        }
    }
    match texts.as_slice() {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Operator {
    Equals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

/// Check one requirement as `labels.NewRequirement` does; `None` when it is valid.
fn requirement_error(
    key: &str,
    operator: Operator,
    values: Option<&[String]>,
) -> Option<(String, Vec<(String, Target)>)> {
    let mut errors = Vec::new();
    let mut spots = Vec::new();
    let key_errors = label_key_errors(key);
    if !key_errors.is_empty() {
        errors.push(FieldError {
            path: "key".to_string(),
            bad_value: go::quote(key),
            detail: key_errors.join("; "),
        });
        spots.push(("key".to_string(), Target::Key));
    }
    let count = values.map_or(0, <[String]>::len);
    let set_error = match operator {
        Operator::In | Operator::NotIn if count == 0 => {
            Some("for 'in', 'notin' operators, values set can't be empty")
        }
        Operator::Equals if count != 1 => {
            Some("exact-match compatibility requires one single value")
        }
        Operator::Exists | Operator::DoesNotExist if count != 0 => {
            Some("values set must be empty for exists and does not exist")
        }
        _ => None,
    };
    if let Some(detail) = set_error {
        // apimachinery copies the values with `append([]string(nil), ...)`: an empty list
        // marshals as `null`.
        let shown = values.filter(|v| !v.is_empty());
        errors.push(FieldError {
            path: "values".to_string(),
            bad_value: go::json_string_list(shown),
            detail: detail.to_string(),
        });
        spots.push(("values".to_string(), Target::Key));
    }
    for (i, value) in values.unwrap_or_default().iter().enumerate() {
        let value_errors = label_value_errors(value);
        if !value_errors.is_empty() {
            errors.push(FieldError {
                path: format!("values[{i}][{key}]"),
                bad_value: go::quote(value),
                detail: value_errors.join("; "),
            });
            spots.push((format!("values[{i}]"), Target::Value));
        }
    }
    (!errors.is_empty()).then(|| (aggregate(&errors), spots))
}

fn plain_requirement(key: &str, text: &str) -> String {
    format!("label selector requirement on `{key}` is invalid: {text}")
}

/// Every bad requirement of `selector`.
pub(crate) fn label_selector_problems(selector: &LabelSelector) -> Vec<SelectorProblem> {
    let mut problems = Vec::new();
    for (key, value) in selector.match_labels.iter().flatten() {
        let values = [value.clone()];
        if let Some((text, spots)) = requirement_error(key, Operator::Equals, Some(&values)) {
            let on_key = spots.iter().any(|(spot, _)| spot == "key");
            problems.push(SelectorProblem {
                at: FieldPath::root().key("matchLabels").key(key.clone()),
                target: if on_key { Target::Key } else { Target::Value },
                plain: plain_requirement(key, &text),
                go_error: text,
            });
        }
    }
    for (i, expression) in selector.match_expressions.iter().flatten().enumerate() {
        let at = FieldPath::root().key("matchExpressions").index(i);
        let operator = match expression.operator.as_str() {
            "In" => Operator::In,
            "NotIn" => Operator::NotIn,
            "Exists" => Operator::Exists,
            "DoesNotExist" => Operator::DoesNotExist,
            other => {
                problems.push(SelectorProblem {
                    at: at.key("operator"),
                    target: Target::Value,
                    go_error: format!("{} is not a valid label selector operator", go::quote(other)),
                    plain: format!(
                        "label selector operator `{other}` is not one of In, NotIn, Exists, DoesNotExist"
                    ),
                });
                continue;
            }
        };
        if let Some((text, spots)) =
            requirement_error(&expression.key, operator, expression.values.as_deref())
        {
            let (first, target) = spots
                .first()
                .cloned()
                .unwrap_or_else(|| ("key".to_string(), Target::Value));
            let spot = if first.starts_with("values[") {
                let index = first
                    .trim_start_matches("values[")
                    .trim_end_matches(']')
                    .parse()
                    .unwrap_or(0);
                at.key("values").index(index)
            } else {
                at.key(if first == "key" { "key" } else { "values" })
            };
            problems.push(SelectorProblem {
                at: spot,
                target: if first == "key" {
                    Target::Value
                } else {
                    target
                },
                plain: plain_requirement(&expression.key, &text),
                go_error: text,
            });
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

    use super::*;

    fn expression(key: &str, operator: &str, values: Option<Vec<&str>>) -> LabelSelector {
        LabelSelector {
            match_expressions: Some(vec![LabelSelectorRequirement {
                key: key.to_string(),
                operator: operator.to_string(),
                values: values.map(|v| v.into_iter().map(str::to_string).collect()),
            }]),
            match_labels: None,
        }
    }

    fn texts(selector: &LabelSelector) -> Vec<String> {
        label_selector_problems(selector)
            .into_iter()
            .map(|p| p.go_error)
            .collect()
    }

    #[test]
    fn valid_selectors_pass() {
        let mut labels = BTreeMap::new();
        labels.insert("app".to_string(), "web".to_string());
        labels.insert("example.com/tier".to_string(), String::new());
        let selector = LabelSelector {
            match_labels: Some(labels),
            match_expressions: None,
        };
        assert!(texts(&selector).is_empty());
        assert!(texts(&expression("app", "In", Some(vec!["a", "b"]))).is_empty());
        assert!(texts(&expression("app", "Exists", None)).is_empty());
        assert!(texts(&expression("app", "DoesNotExist", Some(vec![]))).is_empty());
        assert!(texts(&LabelSelector::default()).is_empty());
    }

    #[test]
    fn bad_operator_uses_apimachinery_text() {
        assert_eq!(
            texts(&expression("app", "InvalidOperator", None)),
            vec!["\"InvalidOperator\" is not a valid label selector operator"]
        );
        assert_eq!(
            texts(&expression("app", "in", Some(vec!["a"]))),
            vec!["\"in\" is not a valid label selector operator"]
        );
    }

    #[test]
    fn value_set_rules() {
        assert_eq!(
            texts(&expression("app", "In", None)),
            vec![
                "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"
            ]
        );
        assert_eq!(
            texts(&expression("app", "Exists", Some(vec!["x"]))),
            vec![
                "values: Invalid value: [\"x\"]: values set must be empty for exists and does not exist"
            ]
        );
    }

    #[test]
    fn key_and_value_syntax() {
        let problems =
            label_selector_problems(&expression("-app", "In", Some(vec!["ok", "no way"])));
        assert_eq!(problems.len(), 1);
        let text = &problems[0].go_error;
        assert!(text.starts_with("[key: Invalid value: \"-app\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'), values[1][-app]: Invalid value: \"no way\": a valid label must be"), "{text}");
        assert!(text.ends_with("')]"), "{text}");
        assert_eq!(problems[0].at.to_string(), "matchExpressions[0].key");

        assert_eq!(
            label_key_errors("a/b/c"),
            vec![
                "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            ]
        );
        assert_eq!(
            label_key_errors("/x"),
            vec!["prefix part must be non-empty"]
        );
        assert_eq!(label_key_errors("Example.com/x").len(), 1);
        assert_eq!(label_key_errors("").len(), 2);
        assert_eq!(
            label_key_errors(&"a".repeat(64)),
            vec!["name part must be no more than 63 bytes"]
        );
        assert!(label_value_errors("").is_empty());
        assert_eq!(
            label_value_errors(&"v".repeat(64)),
            vec!["must be no more than 63 bytes"]
        );
    }

    #[test]
    fn match_labels_point_at_the_entry() {
        let mut labels = BTreeMap::new();
        labels.insert("app".to_string(), "bad value".to_string());
        let problems = label_selector_problems(&LabelSelector {
            match_labels: Some(labels),
            match_expressions: None,
        });
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].at.to_string(), "matchLabels.app");
        assert_eq!(problems[0].target, Target::Value);
        assert!(
            problems[0]
                .go_error
                .starts_with("values[0][app]: Invalid value: \"bad value\": ")
        );
    }
}
