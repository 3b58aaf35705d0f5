//! Argo's self-contained validator checks as pure functions.
//!
//! The entry points below are what the walker calls, each at the moment Argo's
//! `workflow/validate/validate.go` runs the matching code (named in each doc). Each takes a
//! piece of the typed model plus `at`, the path of that piece inside the linted object, and
//! pushes one [`Diagnostic`] per problem (Argo stops at the first; wflint reports them all)
//! with `path` absolute inside the object and `argo_message` set to Argo's text exactly as that
//! code produces it, without the caller-chain prefix the walker adds (`templates.main `,
//! `templates.main.steps[0].a `, `cannot validate Workflow: `).
//!
//! Templates may be passed as written or after argument substitution (the walker substitutes
//! `{{...}}` tags with Argo's `__argo__internal__placeholder-N` values): the checks treat a
//! value that starts with a tag or a placeholder the way Argo treats a placeholder.

mod arguments;
mod artifacts;
mod cron;
mod go;
mod leaf;
mod names;
mod outputs;
mod paths;
mod selector;
mod template;
mod timezone;
mod workflow;

pub(crate) use leaf::ImageDefaults;

use crate::{
    diagnostic::Diagnostic,
    model::{ArgoKind, ArgoObject, Arguments, Template},
    path::FieldPath,
};

/// Argo's prefix of the values its validator substitutes for variables.
pub(crate) const PLACEHOLDER_PREFIX: &str = "__argo__internal__placeholder-";

/// Whether Argo would see `text` as a placeholder (`IsPlaceholder`): it starts with one, or
/// with a `{{...}}` tag that argument processing turns into one.
pub(crate) fn is_placeholder_like(text: &str) -> bool {
    text.starts_with(PLACEHOLDER_PREFIX) || text.starts_with("{{")
}

/// Object-level checks of `Workflow()` (and `WorkflowTemplate()`/`ClusterWorkflowTemplate()`):
/// name length (W1-W3; a CronWorkflow's W4 is in [`cron`]), executor plugins (O5), podGC
/// (O1, O2) and `spec.podResources` (O3). `spec_at` is where the workflow spec sits (`spec`,
/// or `spec.workflowSpec` for a CronWorkflow).
pub(crate) fn workflow_level(object: &ArgoObject, spec_at: &FieldPath, out: &mut Vec<Diagnostic>) {
    if object.kind != ArgoKind::CronWorkflow {
        workflow::check_object_name(object.kind, &object.metadata, out);
    }
    let spec = &object.spec;
    workflow::check_executor_plugins(&spec.executor_plugins, spec_at, out);
    if let Some(pod_gc) = &spec.pod_gc {
        workflow::check_pod_gc(pod_gc, &spec_at.key("podGC"), out);
    }
    if let Some(resources) = &spec.pod_resources {
        workflow::check_pod_resources(
            resources,
            &spec_at.key("podResources"),
            "spec.podResources",
            out,
        );
    }
}

/// `CronWorkflow()`: name length (W4/C1), schedules (C2, C3), timezone (C4),
/// concurrencyPolicy (C5) and startingDeadlineSeconds (C6).
pub(crate) fn cron(object: &ArgoObject, out: &mut Vec<Diagnostic>) {
    workflow::check_object_name(ArgoKind::CronWorkflow, &object.metadata, out);
    workflow::check_cron(object, out);
}

/// T1 (`validateWorkflowFieldNames(wf.Spec.Templates)`): template names present, valid and
/// unique. `at` is the path of the `templates` list.
pub(crate) fn template_names(templates: &[Template], at: &FieldPath, out: &mut Vec<Diagnostic>) {
    workflow::check_template_names(templates, at, out);
}

/// P1-P6, A1, A2 (`validateArguments`). `at` is the path of the `arguments` field; `prefix`
/// Argo's (`spec.arguments.`, `templates.<t>.steps[<g>].<s>.arguments.`,
/// `templates.<t>.tasks.<task>.arguments.`). Like Argo, an `enum` parameter without a value
/// ends the value checks when `allow_empty_values` is set.
pub(crate) fn arguments(
    arguments: &Arguments,
    at: &FieldPath,
    prefix: &str,
    allow_empty_values: bool,
    out: &mut Vec<Diagnostic>,
) {
    arguments::check_arguments(arguments, at, prefix, allow_empty_values, out);
}

/// T11 (`validateTemplateHolder`): `retryStrategy.retryPolicy` of the resolved template, as
/// written.
pub(crate) fn retry_policy(template: &Template, at: &FieldPath, out: &mut Vec<Diagnostic>) {
    template::check_retry_policy(template, at, out);
}

/// T9 (`template '%s' type is unknown`, from template resolution) and T10
/// (`validateTemplateType`): exactly one body.
pub(crate) fn template_type(template: &Template, at: &FieldPath, out: &mut Vec<Diagnostic>) {
    template::check_template_type(template, at, out);
}

/// The checks of `validateTemplate` before argument processing other than the inputs:
/// template `podResources` (T12, O3) and init container names (T23).
pub(crate) fn template_local(template: &Template, at: &FieldPath, out: &mut Vec<Diagnostic>) {
    template::check_template_pod_resources(template, at, out);
    template::check_init_containers(template, at, out);
}

/// P7, A3-A9 (`validateInputs`, on the template as written): input names, input artifact
/// paths, `from` and git/HDFS locations.
pub(crate) fn inputs(template: &Template, at: &FieldPath, out: &mut Vec<Diagnostic>) {
    artifacts::check_inputs(template, at, out);
}

/// T15-T18 (`validateTemplate` after `ProcessArgs`): `resourceClaims` only on templates that
/// create a pod, `timeout`/`pendingTimeout` only on leaf templates, `timeout` with a unit.
pub(crate) fn after_substitution(
    substituted: &Template,
    at: &FieldPath,
    out: &mut Vec<Diagnostic>,
) {
    template::check_template_after_args(substituted, at, &substituted.timeout, out);
}

/// T19 (`validateNonLeaf`, steps and DAG templates): no `activeDeadlineSeconds`.
pub(crate) fn non_leaf(template: &Template, at: &FieldPath, out: &mut Vec<Diagnostic>) {
    template::check_non_leaf(template, at, out);
}

/// L1-L13, T20, T21 (`validateLeaf` after the variable check, for every template that is
/// not steps or DAG). `image_defaults` says whether the object the template comes from gives
/// a default image.
pub(crate) fn leaf(
    template: &Template,
    at: &FieldPath,
    image_defaults: ImageDefaults,
    out: &mut Vec<Diagnostic>,
) {
    leaf::check_leaf(template, at, image_defaults, out);
}

/// P8-P16, A5, A11-A14 (`validateOutputs` apart from its variable check).
pub(crate) fn outputs(template: &Template, at: &FieldPath, out: &mut Vec<Diagnostic>) {
    outputs::check_outputs(template, at, out);
}

/// The end of `validateTemplate`: `archiveLocation` (A10) and metrics (M1-M4).
pub(crate) fn template_tail(template: &Template, at: &FieldPath, out: &mut Vec<Diagnostic>) {
    artifacts::check_archive_location(template, at, out);
    template::check_metrics(template, at, out);
}

/// Every check of this module on one object, each template as written and every step and task
/// argument list, without the walker's traversal, scopes or caller prefixes. Used until (and
/// beside) the walker to run these checks on their own, e.g. in tests.
#[cfg(test)]
pub(crate) fn check_object(object: &ArgoObject, out: &mut Vec<Diagnostic>) {
    let spec_at = object.spec_path();
    let spec = &object.spec;
    if object.kind == ArgoKind::CronWorkflow {
        cron(object, out);
    }
    workflow_level(object, &spec_at, out);
    template_names(&spec.templates, &spec_at.key("templates"), out);
    let allow_empty_values = object.kind != ArgoKind::CronWorkflow;
    arguments(
        &spec.arguments,
        &spec_at.key("arguments"),
        "spec.arguments.",
        allow_empty_values,
        out,
    );
    let images = match object.kind {
        ArgoKind::ClusterWorkflowTemplate => ImageDefaults::NONE,
        _ => ImageDefaults::of(spec),
    };
    for (index, template) in spec.templates.iter().enumerate() {
        let at = spec_at.key("templates").index(index);
        check_template(template, &at, images, out);
    }
}

/// Every template-local check on one template as written, in Argo's order, plus the argument
/// checks of its steps and tasks.
#[cfg(test)]
pub(crate) fn check_template(
    template: &Template,
    at: &FieldPath,
    images: ImageDefaults,
    out: &mut Vec<Diagnostic>,
) {
    let before = out.len();
    template_type(template, at, out);
    use crate::model::TemplateType;
    if out.len() > before || template.template_type() == TemplateType::Unknown {
        return;
    }
    retry_policy(template, at, out);
    template_local(template, at, out);
    inputs(template, at, out);
    after_substitution(template, at, out);
    let name = template.name.as_str();
    match template.template_type() {
        TemplateType::Steps => {
            non_leaf(template, at, out);
            for (group, steps) in template.step_groups().iter().enumerate() {
                for (index, step) in steps.steps.iter().enumerate() {
                    arguments(
                        &step.arguments,
                        &at.key("steps").index(group).index(index).key("arguments"),
                        &format!("templates.{name}.steps[{group}].{}.arguments.", step.name),
                        false,
                        out,
                    );
                }
            }
        }
        TemplateType::Dag => {
            non_leaf(template, at, out);
            for (index, task) in template.dag_tasks().iter().enumerate() {
                arguments(
                    &task.arguments,
                    &at.key("dag").key("tasks").index(index).key("arguments"),
                    &format!("templates.{name}.tasks.{}.arguments.", task.name),
                    false,
                    out,
                );
            }
        }
        _ => leaf(template, at, images, out),
    }
    outputs(template, at, out);
    template_tail(template, at, out);
}

#[cfg(test)]
mod tests;
