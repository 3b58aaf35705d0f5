//! Arguments passed to a template or a workflow (`spec.arguments`, step and task arguments):
//! names (P1), parameter values, `valueFrom` and `enum` (P2-P6), artifact sources (A1, A2).
//! Argo's `validateArguments`, `validateArgumentsFieldNames` and `validateArgumentsValues`.

use super::{names::NameRule, workflow::report_name_list};
use crate::{
    diagnostic::Diagnostic,
    model::{Arguments, Artifact, ArtifactDriver},
    path::FieldPath,
    rules::argo_checks::{
        ARTIFACT_SOURCE_INVALID, ARTIFACT_SOURCE_MISSING, PARAMETER_ENUM_INVALID,
        PARAMETER_VALUE_FROM_INVALID, PARAMETER_VALUE_MISSING,
    },
};

/// P1-P6, A1, A2 (`validateArguments`). `at` is the path of the `arguments` field;
/// `argo_prefix` is Argo's prefix (`spec.arguments.`,
/// `templates.main.steps[0].hello.arguments.`, `templates.main.tasks.a.arguments.`).
/// `allow_empty_values` is Argo's `allowEmptyValues` for `spec.arguments` and always `false`
/// for step and task arguments.
///
/// Like Argo, a parameter with an `enum` and no value ends the value checks when empty values
/// are allowed: later parameters and all artifacts are then not checked.
pub(crate) fn check_arguments(
    arguments: &Arguments,
    at: &FieldPath,
    argo_prefix: &str,
    allow_empty_values: bool,
    out: &mut Vec<Diagnostic>,
) {
    let parameters_at = at.key("parameters");
    report_name_list(
        arguments.parameters.iter().map(|p| p.name.as_str()),
        NameRule::ParamOrArtifact,
        &format_args!("{argo_prefix}parameters"),
        "argument parameter",
        |i| parameters_at.index(i),
        out,
    );
    let artifacts_at = at.key("artifacts");
    report_name_list(
        arguments.artifacts.iter().map(|a| a.name.as_str()),
        NameRule::ParamOrArtifact,
        &format_args!("{argo_prefix}artifacts"),
        "argument artifact",
        |i| artifacts_at.index(i),
        out,
    );

    for (index, parameter) in arguments.parameters.iter().enumerate() {
        let here = parameters_at.index(index);
        let name = parameter.name.as_str();
        let full = format!("{argo_prefix}{name}");
        let no_value = parameter.value.is_none() && parameter.value_from.is_none();
        if no_value && !allow_empty_values {
            out.push(
                Diagnostic::new(
                    &PARAMETER_VALUE_MISSING,
                    here.key("value"),
                    format!("argument parameter `{name}` has no value"),
                )
                .argo(format!("{full}.value or {full}.valueFrom is required"))
                .help("give the parameter a `value` (or a `valueFrom` with `configMapKeyRef`)"),
            );
        }
        if let Some(value_from) = &parameter.value_from {
            let has_allowed_source = value_from.config_map_key_ref.is_some()
                || !value_from.event.is_empty()
                || value_from.supplied.is_some();
            let output_only: Vec<&str> = [
                ("path", &value_from.path),
                ("jsonPath", &value_from.json_path),
                ("parameter", &value_from.parameter),
                ("expression", &value_from.expression),
            ]
            .into_iter()
            .filter(|(_, text)| !text.is_empty())
            .map(|(field, _)| field)
            .collect();
            if !has_allowed_source || !output_only.is_empty() {
                let (path, plain) = match output_only.first() {
                    Some(field) => (
                        here.key("valueFrom").key(*field),
                        format!(
                            "argument parameter `{name}` cannot take its value from `valueFrom.{field}`, which only output parameters support"
                        ),
                    ),
                    None => (
                        here.key("valueFrom"),
                        format!(
                            "argument parameter `{name}` has a `valueFrom` without configMapKeyRef, event or supplied"
                        ),
                    ),
                };
                let mut diagnostic = Diagnostic::new(&PARAMETER_VALUE_FROM_INVALID, path, plain)
                    .argo(format!(
                        "{full}.valueFrom only allows: default, configMapKeyRef and supplied"
                    ))
                    .help("pass another step's output as `value: \"{{steps.<step>.outputs.parameters.<name>}}\"`, or read a ConfigMap with `valueFrom.configMapKeyRef`");
                if !output_only.is_empty() {
                    diagnostic = diagnostic.on_key();
                }
                out.push(diagnostic);
            }
        }
        let Some(choices) = &parameter.r#enum else {
            continue;
        };
        if choices.is_empty() {
            out.push(
                Diagnostic::new(
                    &PARAMETER_ENUM_INVALID,
                    here.key("enum"),
                    format!("argument parameter `{name}` has an empty enum"),
                )
                .argo(format!("{full}.enum should contain at least one value"))
                .help("list the allowed values, or remove `enum`"),
            );
            continue;
        }
        let Some(value) = parameter.value_str() else {
            if allow_empty_values {
                // Argo returns success here, skipping everything after this parameter.
                return;
            }
            if no_value {
                // Already reported as having neither value nor valueFrom.
                continue;
            }
            out.push(
                Diagnostic::new(
                    &PARAMETER_VALUE_MISSING,
                    here.key("value"),
                    format!("argument parameter `{name}` has an enum but no value"),
                )
                .argo(format!("{full}.value is required"))
                .help("set `value` to one of the enum values"),
            );
            continue;
        };
        if !choices.iter().any(|choice| choice.as_str() == value) {
            let listed: Vec<&str> = choices.iter().map(|c| c.as_str()).collect();
            out.push(
                Diagnostic::new(
                    &PARAMETER_ENUM_INVALID,
                    here.key("value"),
                    format!(
                        "argument parameter `{name}` has value `{value}`, which is not one of its enum values ({})",
                        listed.join(", ")
                    ),
                )
                .argo(format!(
                    "{full}.value should be present in {full}.enum list"
                ))
                .help("use one of the enum values, or add this value to `enum`"),
            );
        }
    }

    for (index, artifact) in arguments.artifacts.iter().enumerate() {
        let here = artifacts_at.index(index);
        let name = artifact.name.as_str();
        let full = format!("{argo_prefix}{name}");
        if artifact.from.is_empty() && !has_location_or_key(artifact) {
            let plain = if artifact.from_expression.is_empty() {
                format!("argument artifact `{name}` has no `from`, location or key")
            } else {
                format!(
                    "argument artifact `{name}` only has `fromExpression`, which Argo's validator does not accept on its own"
                )
            };
            out.push(
                Diagnostic::new(&ARTIFACT_SOURCE_MISSING, here.key("from"), plain)
                    .argo(format!(
                        "{full}.from, artifact location, or key is required"
                    ))
                    .help("add `from: \"{{steps.<step>.outputs.artifacts.<name>}}\"`, a storage location (`s3:`, `http:`, ...) or a `key`"),
            );
        }
        if !artifact.from.is_empty() && !artifact.from_expression.is_empty() {
            out.push(
                Diagnostic::new(
                    &ARTIFACT_SOURCE_INVALID,
                    here.key("fromExpression"),
                    format!("argument artifact `{name}` has both `from` and `fromExpression`"),
                )
                .on_key()
                .argo(format!(
                    "{full} shouldn't have both `from` and `fromExpression` in Artifact"
                ))
                .help("keep only one of `from` and `fromExpression`"),
            );
        }
    }
}

/// Argo's `ArtifactLocation.HasLocationOrKey`.
pub(super) fn has_location_or_key(artifact: &Artifact) -> bool {
    let location = &artifact.location;
    if location.has_location() || location.key().is_some() {
        return true;
    }
    // HTTP and Artifactory locations use the path of their URL as the key.
    match location.driver() {
        Some(ArtifactDriver::Http(http)) => !url_path(&http.url).is_empty(),
        Some(ArtifactDriver::Artifactory(artifactory)) => !url_path(&artifactory.url).is_empty(),
        _ => false,
    }
}

/// The path part of a URL as Go's `url.Parse(...).Path` gives it (an approximation that holds
/// for the URLs artifacts use).
fn url_path(url: &str) -> &str {
    let without_fragment = url.split(['?', '#']).next().unwrap_or_default();
    match without_fragment.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |slash| &rest[slash..]),
        None => without_fragment,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths() {
        assert_eq!(url_path("https://host/a/b?x=1"), "/a/b");
        assert_eq!(url_path("https://host"), "");
        assert_eq!(url_path("relative/file"), "relative/file");
        assert_eq!(url_path(""), "");
    }
}
