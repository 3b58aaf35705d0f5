//! The typed model of Argo Workflows objects (v4.1 API, lenient for v3.5+ fields).
//!
//! PLACEHOLDER: replaced by the full model. Only the entry points below are stable API.

use serde::Deserialize;

use crate::path::FieldPath;

/// The four kinds wflint lints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArgoKind {
    /// `Workflow`
    Workflow,
    /// `WorkflowTemplate`
    WorkflowTemplate,
    /// `ClusterWorkflowTemplate`
    ClusterWorkflowTemplate,
    /// `CronWorkflow`
    CronWorkflow,
}

impl ArgoKind {
    /// The kind for a `kind:` value, if it is one of the four.
    pub fn from_kind(kind: &str) -> Option<Self> {
        match kind {
            "Workflow" => Some(Self::Workflow),
            "WorkflowTemplate" => Some(Self::WorkflowTemplate),
            "ClusterWorkflowTemplate" => Some(Self::ClusterWorkflowTemplate),
            "CronWorkflow" => Some(Self::CronWorkflow),
            _ => None,
        }
    }

    /// The `kind:` text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Workflow => "Workflow",
            Self::WorkflowTemplate => "WorkflowTemplate",
            Self::ClusterWorkflowTemplate => "ClusterWorkflowTemplate",
            Self::CronWorkflow => "CronWorkflow",
        }
    }

    /// Whether objects of this kind live in a namespace.
    pub fn is_namespaced(self) -> bool {
        self != Self::ClusterWorkflowTemplate
    }
}

/// Kubernetes object metadata.
pub type ObjectMeta = k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// PLACEHOLDER workflow spec.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowSpec {
    /// The template to start with.
    pub entrypoint: Option<String>,
}

/// A decoded Argo object.
#[derive(Debug, Clone)]
pub struct ArgoObject {
    /// Which kind.
    pub kind: ArgoKind,
    /// Its metadata.
    pub metadata: ObjectMeta,
    /// Its workflow spec (for a CronWorkflow: `spec.workflowSpec`).
    pub spec: WorkflowSpec,
}

/// The object could not be decoded into the model (a type error).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct DecodeError {
    /// Where the bad value is.
    pub path: FieldPath,
    /// What is wrong with it.
    pub message: String,
}

/// Decode an object of one of the four kinds from its JSON value.
pub fn decode(kind: ArgoKind, value: &serde_json::Value) -> Result<ArgoObject, DecodeError> {
    let metadata = match value.get("metadata") {
        Some(m) => serde_json::from_value(m.clone()).map_err(|e| DecodeError {
            path: FieldPath::root().key("metadata"),
            message: e.to_string(),
        })?,
        None => ObjectMeta::default(),
    };
    let spec_value = match kind {
        ArgoKind::CronWorkflow => value.get("spec").and_then(|s| s.get("workflowSpec")),
        _ => value.get("spec"),
    };
    let spec = match spec_value {
        Some(s) => serde_json::from_value(s.clone()).map_err(|e| DecodeError {
            path: FieldPath::root().key("spec"),
            message: e.to_string(),
        })?,
        None => WorkflowSpec::default(),
    };
    Ok(ArgoObject {
        kind,
        metadata,
        spec,
    })
}
