//! The workflow controller's `workflowRestrictions`: under `templateReferencing: Strict` or
//! `Secure` ("reference mode") a Workflow must run a WorkflowTemplate through
//! `workflowTemplateRef`, and may set only a few spec fields of its own (Argo's
//! `ValidateUserOverrides`). Both are checked when the workflow starts, not when it is
//! created; wflint checks them when the controller's configuration is known.

use serde_json::Value;

use crate::{
    artifacts::execution::{workflow_spec, workflow_spec_path},
    context::Lookup,
    diagnostic::Diagnostic,
    engine::{ObjectCx, Sink},
    model::ArgoKind,
    rules::argo::TEMPLATE_REFERENCING_RESTRICTED,
};

/// Argo's error for a workflow without `workflowTemplateRef` in reference mode.
const MUST_USE_REFERENCE: &str = "workflows must use workflowTemplateRef to be executed when the controller is in reference mode";

/// The spec fields a workflow that runs a WorkflowTemplate may still set in reference mode.
const ALLOWED: &[&str] = &[
    "arguments",
    "entrypoint",
    "shutdown",
    "suspend",
    "activeDeadlineSeconds",
    "priority",
    "ttlStrategy",
    "podGC",
    "volumeClaimGC",
    "archiveLogs",
    "workflowMetadata",
    "workflowTemplateRef",
    "metrics",
    "artifactGC",
];

/// Every field of Argo's WorkflowSpec (JSON name): a key outside this list is dropped when the
/// controller decodes the workflow, so it cannot be an override.
const SPEC_FIELDS: &[&str] = &[
    "templates",
    "entrypoint",
    "arguments",
    "serviceAccountName",
    "automountServiceAccountToken",
    "executor",
    "volumes",
    "volumeClaimTemplates",
    "parallelism",
    "artifactRepositoryRef",
    "suspend",
    "nodeSelector",
    "affinity",
    "tolerations",
    "imagePullSecrets",
    "hostNetwork",
    "dnsPolicy",
    "dnsConfig",
    "onExit",
    "ttlStrategy",
    "activeDeadlineSeconds",
    "priority",
    "schedulerName",
    "podGC",
    "podPriorityClassName",
    "hostAliases",
    "securityContext",
    "podSpecPatch",
    "podDisruptionBudget",
    "metrics",
    "shutdown",
    "workflowTemplateRef",
    "synchronization",
    "volumeClaimGC",
    "retryStrategy",
    "podMetadata",
    "templateDefaults",
    "archiveLogs",
    "hooks",
    "workflowMetadata",
    "artifactGC",
    "executorPlugins",
    "podResources",
    "resourceClaims",
];

/// The fields of a workflow-level `artifactGC` that stay refused although `artifactGC` is
/// allowed (they reach the GC pod).
const REFUSED_GC_FIELDS: &[&str] = &["podSpecPatch", "serviceAccountName", "podMetadata"];

/// Argo's Go name of a spec field, as its error message lists it.
fn go_name(field: &str) -> String {
    match field {
        "ttlStrategy" => "TTLStrategy".to_string(),
        "dnsPolicy" => "DNSPolicy".to_string(),
        "dnsConfig" => "DNSConfig".to_string(),
        _ => {
            let mut chars = field.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        }
    }
}

/// The spec fields (and `artifactGC` fields) of Go type `string`: their zero value `""`
/// leaves them unset.
const STRING_FIELDS: &[&str] = &[
    "entrypoint",
    "serviceAccountName",
    "onExit",
    "schedulerName",
    "podPriorityClassName",
    "podSpecPatch",
    "shutdown",
];

/// Whether a value sets its field as Argo sees it: Argo compares each field with its Go zero
/// value, and nearly all are pointers, slices or maps, so `false`, `0`, `{}` and `[]` are set;
/// only `null`, and `""` in a string field, are not.
fn sets(field: &str, value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(text) if STRING_FIELDS.contains(&field) => !text.is_empty(),
        _ => true,
    }
}

pub(crate) fn check(cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&TEMPLATE_REFERENCING_RESTRICTED)
        || !matches!(cx.kind, ArgoKind::Workflow | ArgoKind::CronWorkflow)
    {
        return;
    }
    let Lookup::Found(controller) = cx.context.controller() else {
        return;
    };
    if !controller.restricts_template_referencing() {
        return;
    }
    let mode = controller.template_referencing().unwrap_or("Strict");
    let Some(spec) = workflow_spec(cx.kind, cx.value).and_then(Value::as_object) else {
        return;
    };
    let spec_path = workflow_spec_path(cx.kind);
    let runs = if cx.kind == ArgoKind::CronWorkflow {
        "the workflows this CronWorkflow starts error"
    } else {
        "the workflow errors"
    };
    // Argo takes any non-null `workflowTemplateRef` (even `{}`) as running a template.
    if spec.get("workflowTemplateRef").is_none_or(Value::is_null) {
        sink.report(
            Diagnostic::new(
                &TEMPLATE_REFERENCING_RESTRICTED,
                spec_path,
                format!(
                    "the workflow controller is in reference mode (`workflowRestrictions.templateReferencing: {mode}`): a workflow must run a WorkflowTemplate through `workflowTemplateRef`, so {runs} when it starts"
                ),
            )
            .argo(MUST_USE_REFERENCE)
            .help("Move the templates into a WorkflowTemplate and submit a workflow with `workflowTemplateRef` (`argo submit --from workflowtemplate/NAME`)."),
        );
        return;
    }
    // (Argo's name, the field, its path) of each refused override, as Argo sorts them.
    let mut refused: Vec<(String, &str, crate::path::FieldPath)> = Vec::new();
    for (key, value) in spec {
        if let Some(&field) = SPEC_FIELDS.iter().find(|field| **field == key.as_str())
            && !ALLOWED.contains(&field)
            && sets(field, value)
        {
            refused.push((go_name(field), field, spec_path.key(field)));
        }
    }
    if let Some(gc) = spec.get("artifactGC").and_then(Value::as_object) {
        for &field in REFUSED_GC_FIELDS {
            if gc.get(field).is_some_and(|value| sets(field, value)) {
                refused.push((
                    format!("ArtifactGC.{}", go_name(field)),
                    field,
                    spec_path.key("artifactGC").key(field),
                ));
            }
        }
    }
    if refused.is_empty() {
        return;
    }
    refused.sort_by(|a, b| a.0.cmp(&b.0));
    let names: Vec<&str> = refused.iter().map(|(name, ..)| name.as_str()).collect();
    let argo = format!(
        "fields [{}] are not permitted when using workflowTemplateRef with templateReferencing restriction",
        names.join(" ")
    );
    for (name, field, path) in &refused {
        sink.report(
            Diagnostic::new(
                &TEMPLATE_REFERENCING_RESTRICTED,
                path.clone(),
                format!(
                    "`{field}` ({name}) may not be set on a workflow that runs a WorkflowTemplate while the controller's `workflowRestrictions.templateReferencing` is `{mode}`: {runs} when it starts"
                ),
            )
            .on_key()
            .argo(argo.clone())
            .help("Set it in the WorkflowTemplate instead, or remove it here."),
        );
    }
}
