//! The four Argo objects as whole documents (`apiVersion`, `kind`, `metadata`, `spec`,
//! `status`), used for schema generation and by callers that want a typed object.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{
    ObjectMeta,
    cron::CronWorkflowSpec,
    scalars::{Json, is_default, nullable},
    workflow::WorkflowSpec,
};

/// A Workflow: one run of a workflow spec.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Workflow {
    /// `argoproj.io/v1alpha1`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub api_version: String,
    /// `Workflow`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub kind: String,
    /// Name (or `generateName`), namespace, labels and annotations.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub metadata: ObjectMeta,
    /// What the workflow runs.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub spec: WorkflowSpec,
    /// Run state written by the controller (not checked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Json>,
}

/// A WorkflowTemplate: a namespaced library of templates and a workflow spec to submit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct WorkflowTemplate {
    /// `argoproj.io/v1alpha1`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub api_version: String,
    /// `WorkflowTemplate`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub kind: String,
    /// Name, namespace, labels and annotations.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub metadata: ObjectMeta,
    /// The templates and workflow settings.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub spec: WorkflowSpec,
    /// State written by the cluster (not checked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Json>,
}

/// A ClusterWorkflowTemplate: a WorkflowTemplate visible from every namespace.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ClusterWorkflowTemplate {
    /// `argoproj.io/v1alpha1`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub api_version: String,
    /// `ClusterWorkflowTemplate`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub kind: String,
    /// Name, labels and annotations.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub metadata: ObjectMeta,
    /// The templates and workflow settings.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub spec: WorkflowSpec,
    /// State written by the cluster (not checked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Json>,
}

/// A CronWorkflow: a workflow spec started on a schedule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct CronWorkflow {
    /// `argoproj.io/v1alpha1`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub api_version: String,
    /// `CronWorkflow`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub kind: String,
    /// Name, namespace, labels and annotations.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub metadata: ObjectMeta,
    /// Schedules, run policy and the workflow spec.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub spec: CronWorkflowSpec,
    /// Scheduling state written by the controller (not checked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Json>,
}
