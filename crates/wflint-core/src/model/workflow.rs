//! The workflow spec shared by Workflow, WorkflowTemplate, ClusterWorkflowTemplate and (as
//! `workflowSpec`) CronWorkflow, with its workflow-level settings.

use k8s_openapi::{
    api::{
        core::v1::{
            Affinity, Container, HostAlias, LocalObjectReference, PersistentVolumeClaim,
            PodDNSConfig, PodResourceClaim, PodSecurityContext, ResourceRequirements, Toleration,
            Volume,
        },
        policy::v1::PodDisruptionBudgetSpec,
    },
    apimachinery::pkg::apis::meta::v1::LabelSelector,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{
    ObjectMeta,
    artifact::{ArtifactRepositoryRef, WorkflowLevelArtifactGC},
    execution::{Metrics, RetryStrategy, Synchronization},
    parameters::Arguments,
    scalars::{StringMap, is_default, nullable},
    template::{ExecutorConfig, LifecycleHooks, Metadata, Template},
};

/// What a workflow runs and how: its templates, entrypoint, arguments and pod settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct WorkflowSpec {
    /// The templates of the workflow.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub templates: Vec<Template>,
    /// Name of the template the workflow starts with.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub entrypoint: String,
    /// Parameters and artifacts passed to the entrypoint, also visible as
    /// `{{workflow.parameters.<name>}}`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub arguments: Arguments,
    /// Service account all pods of the workflow run as.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub service_account_name: String,
    /// Whether the service account token is mounted into the pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automount_service_account_token: Option<bool>,
    /// Settings of the executor containers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub executor: Option<ExecutorConfig>,
    /// Volumes the workflow's containers can mount.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub volumes: Vec<Volume>,
    /// Persistent volume claims created when the workflow starts.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub volume_claim_templates: Vec<PersistentVolumeClaim>,
    /// Most pods of the workflow running at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<i64>,
    /// The artifact repository (a ConfigMap entry) output artifacts go to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact_repository_ref: Option<ArtifactRepositoryRef>,
    /// Start suspended, or suspend a running workflow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspend: Option<bool>,
    /// Node labels all pods must match (templates may override).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub node_selector: StringMap,
    /// Scheduling constraints of all pods (templates may override).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,
    /// Taints all pods tolerate.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub tolerations: Vec<Toleration>,
    /// Secrets used to pull images.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub image_pull_secrets: Vec<LocalObjectReference>,
    /// Use the node's network namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_network: Option<bool>,
    /// DNS policy of the pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns_policy: Option<String>,
    /// DNS settings of the pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns_config: Option<PodDNSConfig>,
    /// Template run when the workflow ends, whatever its outcome.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub on_exit: String,
    /// How long a finished workflow is kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl_strategy: Option<TtlStrategy>,
    /// Seconds the workflow may run before it is stopped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_deadline_seconds: Option<i64>,
    /// Priority among workflows when the controller limits how many run at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
    /// Scheduler that places the pods.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub scheduler_name: String,
    /// When the workflow's pods are deleted.
    #[serde(rename = "podGC", skip_serializing_if = "Option::is_none")]
    pub pod_gc: Option<PodGC>,
    /// Priority class of the pods.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub pod_priority_class_name: String,
    /// Removed in v4.0: pod priority (use `podPriorityClassName`); accepted for v3.x
    /// manifests.
    #[schemars(extend("deprecated" = true, "x-removed-in" = "v4.0"))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_priority: Option<i32>,
    /// Extra `/etc/hosts` entries of the pods.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub host_aliases: Vec<HostAlias>,
    /// Pod-level security settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_context: Option<PodSecurityContext>,
    /// Strategic merge patch applied to every pod spec (YAML or JSON text).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub pod_spec_patch: String,
    /// A PodDisruptionBudget created for the workflow's pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_disruption_budget: Option<PodDisruptionBudgetSpec>,
    /// Prometheus metrics emitted by the workflow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Metrics>,
    /// Stop the workflow: `Terminate` (now) or `Stop` (run exit handlers first).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub shutdown: String,
    /// Run the spec of a WorkflowTemplate or ClusterWorkflowTemplate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_template_ref: Option<WorkflowTemplateRef>,
    /// Mutexes and semaphores the workflow must hold to run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub synchronization: Option<Synchronization>,
    /// When the claims of `volumeClaimTemplates` are deleted.
    #[serde(rename = "volumeClaimGC", skip_serializing_if = "Option::is_none")]
    pub volume_claim_gc: Option<VolumeClaimGC>,
    /// Retry strategy of every template that has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_strategy: Option<RetryStrategy>,
    /// Labels and annotations added to every pod.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_metadata: Option<Metadata>,
    /// Default settings merged into every template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_defaults: Option<Box<Template>>,
    /// Archive the logs of every pod.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive_logs: Option<bool>,
    /// Workflow-level lifecycle hooks: `exit`, or an expression, mapped to a template.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub hooks: LifecycleHooks,
    /// Labels and annotations set on the Workflow object itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_metadata: Option<WorkflowMetadata>,
    /// When the workflow's artifacts are deleted from storage.
    #[serde(rename = "artifactGC", skip_serializing_if = "Option::is_none")]
    pub artifact_gc: Option<WorkflowLevelArtifactGC>,
    /// Executor plugins declared by the workflow itself (needs a controller feature gate).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub executor_plugins: Vec<ExecutorPlugin>,
    /// Pod-level resource requests and limits of every pod.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_resources: Option<ResourceRequirements>,
    /// Dynamic resource claims of every pod.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub resource_claims: Vec<PodResourceClaim>,
}

impl WorkflowSpec {
    /// The template called `name`.
    pub fn template(&self, name: &str) -> Option<&Template> {
        self.templates.iter().find(|t| t.name == name)
    }

    /// Position of the template called `name` in `templates`.
    pub fn template_index(&self, name: &str) -> Option<usize> {
        self.templates.iter().position(|t| t.name == name)
    }

    /// The entrypoint template, if it is defined here.
    pub fn entrypoint_template(&self) -> Option<&Template> {
        self.template(&self.entrypoint)
    }
}

/// How long a finished workflow is kept before it is deleted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct TtlStrategy {
    /// Seconds after the workflow finishes, whatever its outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds_after_completion: Option<i32>,
    /// Seconds after the workflow succeeds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds_after_success: Option<i32>,
    /// Seconds after the workflow fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds_after_failure: Option<i32>,
}

/// When the workflow's pods are deleted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct PodGC {
    /// `OnPodCompletion`, `OnPodSuccess`, `OnWorkflowCompletion` or `OnWorkflowSuccess`
    /// (empty: pods are kept).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub strategy: String,
    /// Only pods with matching labels are deleted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_selector: Option<LabelSelector>,
    /// Wait before deleting a pod (a duration).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub delete_delay_duration: String,
}

/// When the workflow's persistent volume claims are deleted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct VolumeClaimGC {
    /// `OnWorkflowCompletion` or `OnWorkflowSuccess` (the default).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub strategy: String,
}

/// Labels and annotations set on the Workflow object at run time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct WorkflowMetadata {
    /// Labels.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub labels: StringMap,
    /// Annotations.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub annotations: StringMap,
    /// Labels whose values are computed by expressions.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub labels_from: std::collections::BTreeMap<String, LabelValueFrom>,
}

/// A label value computed by an expression.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct LabelValueFrom {
    /// The expression.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub expression: String,
}

/// A reference to the WorkflowTemplate or ClusterWorkflowTemplate a workflow runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct WorkflowTemplateRef {
    /// Name of the template object.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub name: String,
    /// Look up a ClusterWorkflowTemplate instead of a WorkflowTemplate.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub cluster_scope: bool,
}

/// An executor plugin declared inside a workflow.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ExecutorPlugin {
    /// Plugin metadata (its name).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub metadata: ObjectMeta,
    /// The plugin's sidecar.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub spec: ExecutorPluginSpec,
}

/// What an executor plugin runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ExecutorPluginSpec {
    /// The sidecar serving the plugin.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub sidecar: ExecutorPluginSidecar,
}

/// The sidecar container of an executor plugin.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ExecutorPluginSidecar {
    /// Mount the token of the `<plugin>-executor-plugin` service account.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub automount_service_account_token: bool,
    /// The container.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub container: Container,
}
