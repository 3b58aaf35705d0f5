//! Template outputs (Argo's `validateOutputs` and `validateOutputParameter`): names (P8, A11),
//! artifact paths (A5, A12, A13), global names (A14, P16) and parameter sources (P9-P15).

use super::{
    artifacts::{check_artifact_path, path_on_non_leaf},
    names::{NameRule, is_parameter, param_or_artifact_name_error},
    workflow::report_name_list,
};
use crate::{
    diagnostic::Diagnostic,
    model::{Parameter, Template, TemplateType},
    path::FieldPath,
    rules::argo_checks::{GLOBAL_NAME_INVALID, OUTPUT_PARAMETER_INVALID},
};

/// P8-P16, A5, A11-A14 (`validateOutputs`). `at` is the path of the template.
pub(crate) fn check_outputs(template: &Template, at: &FieldPath, out: &mut Vec<Diagnostic>) {
    let name = template.name.as_str();
    let outputs_at = at.key("outputs");
    let parameters_at = outputs_at.key("parameters");
    let artifacts_at = outputs_at.key("artifacts");
    // Argo separates the list name from the item with a space here (unlike for inputs).
    report_name_list(
        template.outputs.parameters.iter().map(|p| p.name.as_str()),
        NameRule::ParamOrArtifact,
        &format_args!("templates.{name}.outputs.parameters "),
        "output parameter",
        |i| parameters_at.index(i),
        out,
    );
    report_name_list(
        template.outputs.artifacts.iter().map(|a| a.name.as_str()),
        NameRule::ParamOrArtifact,
        &format_args!("templates.{name}.outputs.artifacts "),
        "output artifact",
        |i| artifacts_at.index(i),
        out,
    );
    let leaf = template.is_leaf();
    for (index, artifact) in template.outputs.artifacts.iter().enumerate() {
        let here = artifacts_at.index(index);
        let reference = format!("outputs.artifacts.{}", artifact.name);
        if leaf {
            check_artifact_path(
                name,
                &reference,
                &artifact.name,
                &artifact.path,
                &here,
                "output",
                out,
            );
        } else if !artifact.path.is_empty() {
            out.push(path_on_non_leaf(
                name,
                &reference,
                &artifact.name,
                "output",
                &here,
            ));
        }
        check_global_name(
            &artifact.global_name,
            &format!("templates.{name}.{reference}"),
            &format!("output artifact `{}`", artifact.name),
            &here,
            out,
        );
    }
    let kind = template.template_type();
    for (index, parameter) in template.outputs.parameters.iter().enumerate() {
        let here = parameters_at.index(index);
        let reference = format!("templates.{name}.outputs.parameters.{}", parameter.name);
        if check_output_parameter(parameter, &reference, &here, out) {
            check_source_for_type(parameter, kind, &reference, &here, out);
        }
        check_global_name(
            &parameter.global_name,
            &reference,
            &format!("output parameter `{}`", parameter.name),
            &here,
            out,
        );
    }
}

/// P16/A14: a literal `globalName` must be a valid parameter name.
fn check_global_name(
    global_name: &str,
    reference: &str,
    what: &str,
    here: &FieldPath,
    out: &mut Vec<Diagnostic>,
) {
    if global_name.is_empty() || is_parameter(global_name) {
        return;
    }
    if let Some(reason) = param_or_artifact_name_error(global_name) {
        out.push(
            Diagnostic::new(
                &GLOBAL_NAME_INVALID,
                here.key("globalName"),
                format!("globalName `{global_name}` of {what} is not a valid parameter name"),
            )
            .argo(format!("{reference}.globalName: {reason}"))
            .help("use letters, digits, `-` and `_` only"),
        );
    }
}

/// P9-P12 (`validateOutputParameter`): one of value and valueFrom, one source in valueFrom.
/// Returns whether the parameter passed (Argo only checks the source type then).
fn check_output_parameter(
    parameter: &Parameter,
    reference: &str,
    here: &FieldPath,
    out: &mut Vec<Diagnostic>,
) -> bool {
    let name = parameter.name.as_str();
    let Some(value_from) = &parameter.value_from else {
        if parameter.value.is_none() {
            out.push(
                Diagnostic::new(
                    &OUTPUT_PARAMETER_INVALID,
                    here.key("valueFrom"),
                    format!("output parameter `{name}` has neither `value` nor `valueFrom`"),
                )
                .argo(format!(
                    "{reference} does not have valueFrom or value specified"
                ))
                .help("say where the value comes from, e.g. `valueFrom: {path: /tmp/out.txt}`"),
            );
            return false;
        }
        return true;
    };
    if parameter.value.is_some() {
        out.push(
            Diagnostic::new(
                &OUTPUT_PARAMETER_INVALID,
                here.key("valueFrom"),
                format!("output parameter `{name}` has both `value` and `valueFrom`"),
            )
            .on_key()
            .argo(format!(
                "{reference} has both valueFrom and value specified, choose one"
            ))
            .help("keep only one of `value` and `valueFrom`"),
        );
        return false;
    }
    let sources: Vec<&str> = [
        ("path", !value_from.path.is_empty()),
        ("jqFilter", !value_from.jq_filter.is_empty()),
        ("jsonPath", !value_from.json_path.is_empty()),
        ("parameter", !value_from.parameter.is_empty()),
        ("expression", !value_from.expression.is_empty()),
        ("supplied", value_from.supplied.is_some()),
    ]
    .into_iter()
    .filter_map(|(field, set)| set.then_some(field))
    .collect();
    match sources.as_slice() {
        [] => {
            out.push(
                Diagnostic::new(
                    &OUTPUT_PARAMETER_INVALID,
                    here.key("valueFrom"),
                    format!("the `valueFrom` of output parameter `{name}` names no source"),
                )
                .on_key()
                .argo("valueFrom type unspecified. choose one of: path, jqFilter, jsonPath, parameter, raw, expression")
                .help("set one of path, jqFilter, jsonPath, parameter, expression or supplied"),
            );
            false
        }
        [_] => true,
        [_, second, ..] => {
            out.push(
                Diagnostic::new(
                    &OUTPUT_PARAMETER_INVALID,
                    here.key("valueFrom").key(*second),
                    format!(
                        "the `valueFrom` of output parameter `{name}` names several sources ({})",
                        sources.join(", ")
                    ),
                )
                .on_key()
                .argo("multiple valueFrom types specified. choose one of: path, jqFilter, jsonPath, parameter, raw")
                .help("keep exactly one source"),
            );
            false
        }
    }
}

/// P13-P15: the source must suit the template type.
fn check_source_for_type(
    parameter: &Parameter,
    kind: TemplateType,
    reference: &str,
    here: &FieldPath,
    out: &mut Vec<Diagnostic>,
) {
    let Some(value_from) = &parameter.value_from else {
        return;
    };
    let name = parameter.name.as_str();
    let type_name = kind.as_str();
    let at = here.key("valueFrom");
    let problem = match kind {
        TemplateType::Container | TemplateType::ContainerSet | TemplateType::Script
            if value_from.path.is_empty() =>
        {
            Some((
                format!("{reference}.path must be specified for {type_name} templates"),
                format!(
                    "output parameter `{name}` of a {type_name} template must read a file with `valueFrom.path`"
                ),
                "use `valueFrom.path` with the file the container writes",
            ))
        }
        TemplateType::Resource
            if value_from.jq_filter.is_empty() && value_from.json_path.is_empty() =>
        {
            Some((
                format!(
                    "{reference} .jqFilter or jsonPath must be specified for {type_name} templates"
                ),
                format!(
                    "output parameter `{name}` of a Resource template must use `valueFrom.jsonPath` or `valueFrom.jqFilter`"
                ),
                "read a field of the resource with `jsonPath` or `jqFilter`",
            ))
        }
        TemplateType::Steps | TemplateType::Dag
            if value_from.parameter.is_empty() && value_from.expression.is_empty() =>
        {
            Some((
                format!(
                    "{reference}.parameter or expression must be specified for {type_name} templates"
                ),
                format!(
                    "output parameter `{name}` of a {type_name} template must use `valueFrom.parameter` or `valueFrom.expression`"
                ),
                "take the value from a child with `parameter: \"{{steps.<step>.outputs.parameters.<name>}}\"`",
            ))
        }
        TemplateType::Steps | TemplateType::Dag
            if !value_from.parameter.is_empty() && !value_from.expression.is_empty() =>
        {
            Some((
                format!(
                    "{reference} shouldn't have both `from` and `expression` specified in `ValueFrom` for {type_name} templates"
                ),
                format!(
                    "output parameter `{name}` has both `valueFrom.parameter` and `valueFrom.expression`"
                ),
                "keep only one of `parameter` and `expression`",
            ))
        }
        _ => None,
    };
    if let Some((argo, plain, help)) = problem {
        out.push(
            Diagnostic::new(&OUTPUT_PARAMETER_INVALID, at, plain)
                .on_key()
                .argo(argo)
                .help(help),
        );
    }
}
