//! The *execution spec* of an object: its workflow spec merged, field by field, with the
//! WorkflowTemplate named by `workflowTemplateRef` and the controller's `workflowDefaults`
//! (precedence object > template > defaults, argo-semantics.md §4.1).
//!
//! Works on raw JSON so that it does not depend on the typed model.

use serde_json::Value;

use crate::{
    context::{ClusterContext, Lookup},
    model::ArgoKind,
    path::FieldPath,
};

/// The workflow spec of an object: `spec`, or `spec.workflowSpec` for a CronWorkflow.
pub fn workflow_spec(kind: ArgoKind, object: &Value) -> Option<&Value> {
    let spec = object.get("spec")?;
    match kind {
        ArgoKind::CronWorkflow => spec.get("workflowSpec"),
        _ => Some(spec),
    }
}

/// Where the workflow spec of an object of `kind` is.
pub fn workflow_spec_path(kind: ArgoKind) -> FieldPath {
    match kind {
        ArgoKind::CronWorkflow => FieldPath::root().key("spec").key("workflowSpec"),
        _ => FieldPath::root().key("spec"),
    }
}

/// Which layer of the execution spec a value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// The object itself.
    Object,
    /// The WorkflowTemplate or ClusterWorkflowTemplate named by `workflowTemplateRef`.
    WorkflowTemplate,
    /// The controller's `workflowDefaults`.
    WorkflowDefaults,
}

/// The value of one top-level workflow-spec field in the execution spec.
#[derive(Debug, Clone, PartialEq)]
pub enum SpecField {
    /// Set by this layer.
    Set {
        /// Where the value comes from.
        layer: Layer,
        /// The value.
        value: Value,
    },
    /// Set by no layer.
    Unset,
    /// This layer could not be read (not in the context, forbidden, not synced), and no
    /// layer before it sets the field.
    Unknown {
        /// The layer that could not be read.
        layer: Layer,
    },
}

/// The template named by a spec's `workflowTemplateRef`, if it has one.
pub fn referenced_template(
    spec: &Value,
    namespace: &str,
    context: &dyn ClusterContext,
) -> Option<Lookup<std::sync::Arc<Value>>> {
    let reference = spec.get("workflowTemplateRef").filter(|r| !r.is_null())?;
    let name = reference.get("name").and_then(Value::as_str).unwrap_or("");
    let cluster_scope = reference
        .get("clusterScope")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let lookup = if cluster_scope {
        context.cluster_workflow_template(name)
    } else {
        context.workflow_template(namespace, name)
    };
    Some(lookup.map(|template| template.value))
}

/// The value at `fields` below `spec`, if set (JSON `null` and `""` count as unset, as Go's
/// `omitempty` drops them before Argo merges the layers).
fn set_at<'v>(spec: Option<&'v Value>, fields: &[&str]) -> Option<&'v Value> {
    let mut value = spec?;
    for field in fields {
        value = value.get(field)?;
    }
    match value {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        other => Some(other),
    }
}

/// The effective value of the top-level workflow-spec `field` (e.g. `artifactRepositoryRef`,
/// `artifactGC`, `archiveLogs`) for `object`, linted in `namespace`: the first layer that sets
/// it, as a whole (see [`effective_spec_value`] for one nested field, which Argo merges field by
/// field).
///
/// A missing WorkflowTemplate is skipped (Argo rejects the workflow for it anyway); the
/// controller's defaults are only consulted for Workflows and CronWorkflows, whose runs they
/// apply to, and for WorkflowTemplates (which Workflows run through `workflowTemplateRef`).
pub fn effective_spec_field(
    kind: ArgoKind,
    object: &Value,
    namespace: &str,
    context: &dyn ClusterContext,
    field: &str,
) -> SpecField {
    effective_spec_value(kind, object, namespace, context, &[field])
}

/// The effective value of a (possibly nested) workflow-spec field, e.g.
/// `["artifactGC", "strategy"]`. Argo merges the layers with a strategic merge patch, so each
/// nested field comes from the first layer that sets it (object > WorkflowTemplate > controller
/// `workflowDefaults`).
pub fn effective_spec_value(
    kind: ArgoKind,
    object: &Value,
    namespace: &str,
    context: &dyn ClusterContext,
    fields: &[&str],
) -> SpecField {
    let spec = workflow_spec(kind, object);
    if let Some(value) = set_at(spec, fields) {
        return SpecField::Set {
            layer: Layer::Object,
            value: value.clone(),
        };
    }
    if let Some(lookup) = spec.and_then(|spec| referenced_template(spec, namespace, context)) {
        match lookup {
            Lookup::Found(template) => {
                if let Some(value) = set_at(template.get("spec"), fields) {
                    return SpecField::Set {
                        layer: Layer::WorkflowTemplate,
                        value: value.clone(),
                    };
                }
            }
            Lookup::Missing => {}
            Lookup::Unknown => {
                return SpecField::Unknown {
                    layer: Layer::WorkflowTemplate,
                };
            }
        }
    }
    if kind == ArgoKind::ClusterWorkflowTemplate {
        return SpecField::Unset;
    }
    match context.controller() {
        Lookup::Found(config) => config
            .workflow_defaults
            .as_ref()
            .and_then(|defaults| set_at(defaults.get("spec"), fields))
            .map_or(SpecField::Unset, |value| SpecField::Set {
                layer: Layer::WorkflowDefaults,
                value: value.clone(),
            }),
        Lookup::Missing => SpecField::Unset,
        Lookup::Unknown => SpecField::Unknown {
            layer: Layer::WorkflowDefaults,
        },
    }
}

impl SpecField {
    /// The value, when set.
    pub fn value(&self) -> Option<&Value> {
        match self {
            SpecField::Set { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The layer that sets the field, when set.
    pub fn layer(&self) -> Option<Layer> {
        match self {
            SpecField::Set { layer, .. } => Some(*layer),
            _ => None,
        }
    }

    /// Whether no layer could be read far enough to tell.
    pub fn is_unknown(&self) -> bool {
        matches!(self, SpecField::Unknown { .. })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use super::*;
    use crate::{
        context::{ConfigMapInfo, ControllerConfig, NoContext, SecretKeys, TemplateObject},
        model,
    };

    struct Ctx {
        template: Option<Value>,
        defaults: Option<Value>,
    }

    impl ClusterContext for Ctx {
        fn config_map(&self, _: &str, _: &str) -> Lookup<Arc<ConfigMapInfo>> {
            Lookup::Missing
        }
        fn secret(&self, _: &str, _: &str) -> Lookup<Arc<SecretKeys>> {
            Lookup::Missing
        }
        fn workflow_template(&self, namespace: &str, name: &str) -> Lookup<TemplateObject> {
            match &self.template {
                Some(value) if namespace == "team" && name == "base" => {
                    Lookup::Found(TemplateObject {
                        object: Arc::new(model::decode(ArgoKind::WorkflowTemplate, value).unwrap()),
                        value: Arc::new(value.clone()),
                        origin: None,
                    })
                }
                _ => Lookup::Missing,
            }
        }
        fn cluster_workflow_template(&self, _: &str) -> Lookup<TemplateObject> {
            Lookup::Unknown
        }
        fn controller(&self) -> Lookup<Arc<ControllerConfig>> {
            Lookup::Found(Arc::new(ControllerConfig {
                namespace: "argo".into(),
                name: "workflow-controller-configmap".into(),
                artifact_repository: None,
                workflow_defaults: self.defaults.clone(),
                workflow_restrictions: None,
            }))
        }
    }

    #[test]
    fn cron_workflows_keep_their_spec_one_level_down() {
        let cron = json!({"spec": {"schedule": "* * * * *", "workflowSpec": {"entrypoint": "m"}}});
        assert_eq!(
            workflow_spec(ArgoKind::CronWorkflow, &cron),
            Some(&json!({"entrypoint": "m"}))
        );
        assert_eq!(
            workflow_spec_path(ArgoKind::CronWorkflow).to_json_pointer(),
            "/spec/workflowSpec"
        );
    }

    #[test]
    fn object_then_template_then_defaults() {
        let template = json!({"kind": "WorkflowTemplate", "metadata": {"name": "base"},
            "spec": {"artifactGC": {"strategy": "OnWorkflowDeletion"}}});
        let ctx = Ctx {
            template: Some(template),
            defaults: Some(json!({"spec": {"artifactRepositoryRef": {"key": "d"}}})),
        };
        let own = json!({"spec": {"artifactGC": {"strategy": "Never"},
            "workflowTemplateRef": {"name": "base"}}});
        assert_eq!(
            effective_spec_field(ArgoKind::Workflow, &own, "team", &ctx, "artifactGC"),
            SpecField::Set {
                layer: Layer::Object,
                value: json!({"strategy": "Never"})
            }
        );
        let by_ref = json!({"spec": {"workflowTemplateRef": {"name": "base"}}});
        assert_eq!(
            effective_spec_field(ArgoKind::Workflow, &by_ref, "team", &ctx, "artifactGC"),
            SpecField::Set {
                layer: Layer::WorkflowTemplate,
                value: json!({"strategy": "OnWorkflowDeletion"})
            }
        );
        assert_eq!(
            effective_spec_field(
                ArgoKind::Workflow,
                &by_ref,
                "team",
                &ctx,
                "artifactRepositoryRef"
            ),
            SpecField::Set {
                layer: Layer::WorkflowDefaults,
                value: json!({"key": "d"})
            }
        );
        assert_eq!(
            effective_spec_field(ArgoKind::Workflow, &by_ref, "team", &ctx, "archiveLogs"),
            SpecField::Unset
        );
        let cluster_ref =
            json!({"spec": {"workflowTemplateRef": {"name": "c", "clusterScope": true}}});
        assert_eq!(
            effective_spec_field(
                ArgoKind::Workflow,
                &cluster_ref,
                "team",
                &ctx,
                "archiveLogs"
            ),
            SpecField::Unknown {
                layer: Layer::WorkflowTemplate
            }
        );
    }

    #[test]
    fn nested_fields_merge_field_by_field() {
        let template = json!({"kind": "WorkflowTemplate", "metadata": {"name": "base"},
            "spec": {"artifactGC": {"strategy": "OnWorkflowDeletion", "serviceAccountName": ""}}});
        let ctx = Ctx {
            template: Some(template),
            defaults: Some(json!({"spec": {"artifactGC": {"serviceAccountName": "gc"}}})),
        };
        let wf = json!({"spec": {"workflowTemplateRef": {"name": "base"},
            "artifactGC": {"forceFinalizerRemoval": true}}});
        let at =
            |fields: &[&str]| effective_spec_value(ArgoKind::Workflow, &wf, "team", &ctx, fields);
        assert_eq!(
            at(&["artifactGC", "strategy"]).layer(),
            Some(Layer::WorkflowTemplate)
        );
        // An empty string does not count: the defaults' service account applies.
        assert_eq!(
            at(&["artifactGC", "serviceAccountName"]),
            SpecField::Set {
                layer: Layer::WorkflowDefaults,
                value: json!("gc")
            }
        );
        assert_eq!(
            at(&["artifactGC", "forceFinalizerRemoval"]).layer(),
            Some(Layer::Object)
        );
        assert_eq!(at(&["artifactGC", "podSpecPatch"]), SpecField::Unset);
    }

    #[test]
    fn without_context_the_defaults_are_unknown() {
        let wf = json!({"spec": {"entrypoint": "m"}});
        assert_eq!(
            effective_spec_field(ArgoKind::Workflow, &wf, "x", &NoContext, "artifactGC"),
            SpecField::Unknown {
                layer: Layer::WorkflowDefaults
            }
        );
        assert_eq!(
            effective_spec_field(
                ArgoKind::ClusterWorkflowTemplate,
                &wf,
                "x",
                &NoContext,
                "artifactGC"
            ),
            SpecField::Unset
        );
    }
}
