//! `artifact-repository-ref-not-found`: the execution spec's `artifactRepositoryRef` matches no
//! repository (or a repository value does not decode), so the workflow errors before any pod.

use serde_json::Value;

use crate::{
    diagnostic::{Diagnostic, Target},
    engine::Sink,
    path::FieldPath,
    rules::artifacts::REPOSITORY_REF_NOT_FOUND,
};

use super::super::{
    analysis::{ArtifactCx, RefSetting},
    execution::Layer,
    resolve::{
        AttemptOutcome, CONTROLLER_NAMESPACE_UNKNOWN, Candidate, DEFAULT_REPOSITORY_ANNOTATION,
        Resolution,
    },
};

/// Which field of the ref is at fault.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fault {
    ConfigMap,
    Key,
}

pub(crate) fn check(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&REPOSITORY_REF_NOT_FOUND) {
        return;
    }
    let resolved = cx.resolved();
    let Some(namespace) = cx.namespace() else {
        return;
    };
    let (fault, message, argo) = match &resolved.resolution {
        Resolution::RefNotFound { reference } => {
            let config_map = reference.config_map_or_default();
            let mut found_somewhere = false;
            let mut details = Vec::new();
            for attempt in &resolved.chain {
                let Candidate::ConfigMap {
                    namespace: ns,
                    name,
                    ..
                } = &attempt.candidate
                else {
                    continue;
                };
                details.push(match &attempt.outcome {
                    AttemptOutcome::ConfigMapMissing if ns == CONTROLLER_NAMESPACE_UNKNOWN => {
                        format!("no other namespace has a ConfigMap `{name}` (so neither does the controller's)")
                    }
                    AttemptOutcome::ConfigMapMissing => {
                        format!("namespace `{ns}` has no ConfigMap `{name}`")
                    }
                    AttemptOutcome::KeyMissing { key } => {
                        found_somewhere = true;
                        format!("ConfigMap `{name}` in `{ns}` has no key `{key}`")
                    }
                    AttemptOutcome::NoDefaultAnnotation => {
                        found_somewhere = true;
                        format!(
                            "ConfigMap `{name}` in `{ns}` has no `{DEFAULT_REPOSITORY_ANNOTATION}` annotation to choose a key"
                        )
                    }
                    other => format!("ConfigMap `{name}` in `{ns}`: {other:?}"),
                });
            }
            let fault = if found_somewhere {
                Fault::Key
            } else {
                Fault::ConfigMap
            };
            (
                fault,
                format!(
                    "artifactRepositoryRef{} (ConfigMap `{config_map}`{}) matches no artifact repository: {}. Argo does not fall back to the default repository: the workflow errors before any pod runs",
                    inherited_from(cx),
                    if reference.key.is_empty() {
                        String::new()
                    } else {
                        format!(", key `{}`", reference.key)
                    },
                    details.join("; ")
                ),
                format!(
                    "failed to resolve artifact repository: failed to find any artifact repository for artifact repository ref \"{reference}\""
                ),
            )
        }
        Resolution::Invalid { error } => {
            let entry = resolved.chain.iter().rev().find_map(|a| match (&a.candidate, &a.outcome) {
                (
                    Candidate::ConfigMap {
                        namespace, name, ..
                    },
                    AttemptOutcome::Invalid { key, error },
                ) => Some(format!(
                    "ConfigMap `{name}` key `{key}` in namespace `{namespace}` is not an artifact repository ({error})"
                )),
                _ => None,
            });
            (
                Fault::Key,
                format!(
                    "{}: Argo cannot read the repository and the workflow in namespace `{namespace}` errors before any pod runs",
                    entry.unwrap_or_else(|| "the artifact repository is invalid".to_string())
                ),
                error.clone(),
            )
        }
        _ => return,
    };
    let diagnostic = place(cx, fault, message)
        .argo(argo)
        .help(format!(
            "Argo tried, in order:\n{}\nName a ConfigMap and key that exist (the ConfigMap may be in `{namespace}` or in the controller's namespace), add the `{DEFAULT_REPOSITORY_ANNOTATION}` annotation when the ref gives no key, or remove the ref to use the namespace or controller default.",
            resolved.describe_chain()
        ));
    sink.report(diagnostic);
}

/// " (inherited from ...)" when the ref is not written in the object.
fn inherited_from(cx: &ArtifactCx<'_>) -> String {
    match cx.ref_setting() {
        RefSetting::Present {
            layer: Layer::WorkflowTemplate,
            ..
        } => " inherited from the workflowTemplateRef's template".to_string(),
        RefSetting::Present {
            layer: Layer::WorkflowDefaults,
            ..
        } => " from the controller's workflowDefaults".to_string(),
        _ => String::new(),
    }
}

/// Point at the field at fault when the object writes it, else at the ref, else at what brings
/// the ref in.
fn place(cx: &ArtifactCx<'_>, fault: Fault, message: String) -> Diagnostic {
    let ref_path = cx.spec_path.key("artifactRepositoryRef");
    let written = cx
        .spec
        .and_then(|s| s.get("artifactRepositoryRef"))
        .filter(|r| r.is_object());
    if let Some(reference) = written {
        let has = |field: &str| {
            reference
                .get(field)
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty())
        };
        let field = match fault {
            Fault::Key if has("key") => Some("key"),
            Fault::Key | Fault::ConfigMap if has("configMap") => Some("configMap"),
            _ => None,
        };
        return match field {
            Some(field) => Diagnostic::new(&REPOSITORY_REF_NOT_FOUND, ref_path.key(field), message),
            None => Diagnostic::new(&REPOSITORY_REF_NOT_FOUND, ref_path, message).on_key(),
        };
    }
    match cx.ref_setting() {
        RefSetting::Present {
            layer: Layer::WorkflowTemplate,
            ..
        } => Diagnostic::new(
            &REPOSITORY_REF_NOT_FOUND,
            cx.spec_path.key("workflowTemplateRef"),
            message,
        )
        .on_key(),
        _ => {
            // The ref comes from the controller (or the namespace default is invalid): point at
            // the first artifact that needs the repository, else at the spec.
            match cx.needs().first() {
                Some((part, need)) => cx.finding(
                    &REPOSITORY_REF_NOT_FOUND,
                    *part,
                    need.need.path.clone(),
                    Target::Value,
                    message,
                ),
                None => Diagnostic::new(
                    &REPOSITORY_REF_NOT_FOUND,
                    FieldPath::root().key("spec"),
                    message,
                )
                .on_key(),
            }
        }
    }
}
