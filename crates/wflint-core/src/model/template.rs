//! Templates and their bodies: container, script, resource, steps, DAG, suspend, container set,
//! data, HTTP and plugin templates, plus the steps and tasks that call other templates.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Affinity, Container, HostAlias, PodResourceClaim, PodSecurityContext, ResourceRequirements,
    SecretKeySelector, Toleration, Volume, VolumeMount,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{
    artifact::{Artifact, ArtifactLocation},
    execution::{Memoize, Metrics, RetryStrategy, Synchronization},
    parameters::{Arguments, Inputs, Outputs},
    scalars::{IntOrString, Item, Json, StringMap, is_default, nullable},
};

/// A reusable unit of work: exactly one body (container, script, steps, dag, ...) plus its
/// inputs, outputs and pod settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Template {
    /// Template name, referenced by steps, tasks, hooks and `entrypoint`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub name: String,
    /// Parameters and artifacts the template receives.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub inputs: Inputs,
    /// Parameters and artifacts the template produces.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub outputs: Outputs,
    /// Node labels the pod must match (overrides the workflow's).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub node_selector: StringMap,
    /// Scheduling constraints of the pod (overrides the workflow's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Box<Affinity>>,
    /// Labels and annotations added to the pod.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub metadata: Metadata,
    /// Run as a daemon: the workflow continues once the container is ready, and the pod is
    /// stopped when the calling scope ends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub daemon: Option<bool>,
    /// Body: groups of steps run one group after another, the steps of a group in parallel.
    /// (`Some(vec![])` for `steps: []`, which Argo still counts as a steps body.)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<ParallelSteps>>,
    /// Body: one container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<Box<Container>>,
    /// Body: several containers in one pod, optionally ordered by dependencies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_set: Option<ContainerSetTemplate>,
    /// Body: a script run by an interpreter image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub script: Option<Box<ScriptTemplate>>,
    /// Body: an action on a Kubernetes resource (create, apply, delete, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<Box<ResourceTemplate>>,
    /// Body: a graph of tasks run as their dependencies complete.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dag: Option<DagTemplate>,
    /// Body: pause the workflow for a duration or until resumed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspend: Option<SuspendTemplate>,
    /// Body: read and transform data without a user container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Box<Data>>,
    /// Body: an HTTP request made by the agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http: Option<Box<Http>>,
    /// Body: a call to an executor plugin; one key naming the plugin, free-form settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plugin: Option<Json>,
    /// Volumes the template's containers can mount.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub volumes: Vec<Volume>,
    /// Containers run before the main container.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub init_containers: Vec<UserContainer>,
    /// Containers run alongside the main container and stopped when it ends.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub sidecars: Vec<UserContainer>,
    /// Where this template's logs and output artifacts go (overrides the repository).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive_location: Option<Box<ArtifactLocation>>,
    /// Seconds the pod may run before it is stopped (a number or a `{{...}}` expression).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_deadline_seconds: Option<IntOrString>,
    /// How the template is retried when it fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_strategy: Option<Box<RetryStrategy>>,
    /// Most steps or tasks of this template running at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<i64>,
    /// Fail the template as soon as one of its children fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fail_fast: Option<bool>,
    /// Taints the pod tolerates.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub tolerations: Vec<Toleration>,
    /// Scheduler that places the pod.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub scheduler_name: String,
    /// Priority class of the pod.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub priority_class_name: String,
    /// Removed in v4.0: pod priority (use `priorityClassName`); accepted for v3.x manifests.
    #[schemars(extend("deprecated" = true, "x-removed-in" = "v4.0"))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
    /// Service account the pod runs as.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub service_account_name: String,
    /// Whether the service account token is mounted into the pod.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automount_service_account_token: Option<bool>,
    /// Settings of the executor (wait) container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub executor: Option<ExecutorConfig>,
    /// Extra `/etc/hosts` entries of the pod.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub host_aliases: Vec<HostAlias>,
    /// Pod-level security settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_context: Option<Box<PodSecurityContext>>,
    /// Strategic merge patch applied to the pod spec (YAML or JSON text).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub pod_spec_patch: String,
    /// Prometheus metrics emitted when the template runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Metrics>,
    /// Mutexes and semaphores the template must hold to run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub synchronization: Option<Box<Synchronization>>,
    /// Reuse the outputs of an earlier run with the same key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memoize: Option<Box<Memoize>>,
    /// Longest the node may take, pending time included (a duration such as `1h`).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub timeout: String,
    /// Annotations of the template's node (e.g. `workflows.argoproj.io/display-name`).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub annotations: StringMap,
    /// Longest the pod may stay pending (a duration).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub pending_timeout: String,
    /// Pod-level resource requests and limits (overrides the workflow's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_resources: Option<ResourceRequirements>,
    /// Dynamic resource claims the pod needs.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub resource_claims: Vec<PodResourceClaim>,
}

/// The body kind of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TemplateType {
    /// `container:`
    Container,
    /// `containerSet:`
    ContainerSet,
    /// `steps:`
    Steps,
    /// `script:`
    Script,
    /// `resource:`
    Resource,
    /// `dag:`
    Dag,
    /// `suspend:`
    Suspend,
    /// `data:`
    Data,
    /// `http:`
    Http,
    /// `plugin:`
    Plugin,
    /// No body at all.
    Unknown,
}

impl TemplateType {
    /// Argo's name for the type (`Container`, `DAG`, `HTTP`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Container => "Container",
            Self::ContainerSet => "ContainerSet",
            Self::Steps => "Steps",
            Self::Script => "Script",
            Self::Resource => "Resource",
            Self::Dag => "DAG",
            Self::Suspend => "Suspend",
            Self::Data => "Data",
            Self::Http => "HTTP",
            Self::Plugin => "Plugin",
            Self::Unknown => "Unknown",
        }
    }

    /// The field that holds this body (`container`, `dag`, ...), `None` for `Unknown`.
    pub fn field(self) -> Option<&'static str> {
        Some(match self {
            Self::Container => "container",
            Self::ContainerSet => "containerSet",
            Self::Steps => "steps",
            Self::Script => "script",
            Self::Resource => "resource",
            Self::Dag => "dag",
            Self::Suspend => "suspend",
            Self::Data => "data",
            Self::Http => "http",
            Self::Plugin => "plugin",
            Self::Unknown => return None,
        })
    }

    /// Whether the template runs in its own pod.
    pub fn is_pod(self) -> bool {
        matches!(
            self,
            Self::Container | Self::ContainerSet | Self::Script | Self::Resource | Self::Data
        )
    }

    /// Whether the template does work itself rather than calling other templates.
    pub fn is_leaf(self) -> bool {
        self.is_pod() || matches!(self, Self::Http | Self::Plugin)
    }
}

impl Template {
    /// The body kind, picked in Argo's order when several bodies are set.
    pub fn template_type(&self) -> TemplateType {
        self.body_types().next().unwrap_or(TemplateType::Unknown)
    }

    /// Every body that is set, in Argo's order (more than one is an error).
    pub fn body_types(&self) -> impl Iterator<Item = TemplateType> {
        [
            (self.container.is_some(), TemplateType::Container),
            (self.container_set.is_some(), TemplateType::ContainerSet),
            (self.steps.is_some(), TemplateType::Steps),
            (self.dag.is_some(), TemplateType::Dag),
            (self.script.is_some(), TemplateType::Script),
            (self.resource.is_some(), TemplateType::Resource),
            (self.data.is_some(), TemplateType::Data),
            (self.suspend.is_some(), TemplateType::Suspend),
            (self.http.is_some(), TemplateType::Http),
            (self.plugin.is_some(), TemplateType::Plugin),
        ]
        .into_iter()
        .filter_map(|(set, kind)| set.then_some(kind))
    }

    /// Whether the template does work itself (container, script, resource, HTTP, ...).
    pub fn is_leaf(&self) -> bool {
        self.template_type().is_leaf()
    }

    /// Whether the template runs in its own pod.
    pub fn is_pod_type(&self) -> bool {
        self.template_type().is_pod()
    }

    /// Whether `daemon: true` is set.
    pub fn is_daemon(&self) -> bool {
        self.daemon == Some(true)
    }

    /// The step groups of a steps template (empty otherwise).
    pub fn step_groups(&self) -> &[ParallelSteps] {
        self.steps.as_deref().unwrap_or_default()
    }

    /// The tasks of a DAG template (empty otherwise).
    pub fn dag_tasks(&self) -> &[DagTask] {
        self.dag.as_ref().map_or(&[], |dag| dag.tasks.as_slice())
    }

    /// The main container's settings of a container or script template.
    pub fn main_container(&self) -> Option<&Container> {
        self.container
            .as_deref()
            .or_else(|| self.script.as_ref().map(|s| &s.container))
    }

    /// Names of the main containers: those of a container set, else `main`.
    pub fn main_container_names(&self) -> Vec<&str> {
        match &self.container_set {
            Some(set) => set
                .containers
                .iter()
                .map(|c| c.container.name.as_str())
                .collect(),
            None => vec!["main"],
        }
    }

    /// Volume mounts of the main container (container, script or container set).
    pub fn volume_mounts(&self) -> &[VolumeMount] {
        if let Some(container) = &self.container {
            container.volume_mounts.as_deref().unwrap_or_default()
        } else if let Some(script) = &self.script {
            script
                .container
                .volume_mounts
                .as_deref()
                .unwrap_or_default()
        } else if let Some(set) = &self.container_set {
            &set.volume_mounts
        } else {
            &[]
        }
    }

    /// Whether logs are archived to `archiveLocation`.
    pub fn saves_logs(&self) -> bool {
        self.archive_location
            .as_deref()
            .is_some_and(ArtifactLocation::is_archive_logs)
    }
}

/// Labels and annotations for a pod.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Metadata {
    /// Annotations.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub annotations: StringMap,
    /// Labels.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub labels: StringMap,
}

/// Settings of the executor container Argo adds to each pod.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ExecutorConfig {
    /// Service account whose token the executor uses.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub service_account_name: String,
}

/// One group of steps that run in parallel (a list item of `steps:`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct ParallelSteps {
    /// The steps of the group.
    #[serde(deserialize_with = "nullable")]
    pub steps: Vec<WorkflowStep>,
}

/// A step: a call of a template within a steps template.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct WorkflowStep {
    /// Step name, used in `{{steps.<name>...}}`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub name: String,
    /// Name of the template to run, in this workflow.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub template: String,
    /// A template written in place (instead of `template` or `templateRef`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inline: Option<Box<Template>>,
    /// Parameters and artifacts passed to the template.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub arguments: Arguments,
    /// A template of a WorkflowTemplate or ClusterWorkflowTemplate to run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_ref: Option<TemplateRef>,
    /// Run the step once per item of this list.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub with_items: Vec<Item>,
    /// Run the step once per element of this JSON list (usually a `{{...}}` reference).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub with_param: String,
    /// Run the step once per number of a sequence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_sequence: Option<Sequence>,
    /// Condition; the step is skipped when it is false.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub when: String,
    /// Keep going when this step errors or fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continue_on: Option<ContinueOn>,
    /// Deprecated: template run when the step ends (use `hooks.exit`).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub on_exit: String,
    /// Lifecycle hooks: `exit`, or an expression, mapped to the template to run.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub hooks: LifecycleHooks,
}

/// A DAG template: tasks that run when their dependencies are done.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct DagTemplate {
    /// Space-separated names of the tasks to run (default: all).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub target: String,
    /// The tasks.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub tasks: Vec<DagTask>,
    /// Stop scheduling new tasks once one fails (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fail_fast: Option<bool>,
}

impl DagTemplate {
    /// The task called `name`.
    pub fn task(&self, name: &str) -> Option<&DagTask> {
        self.tasks.iter().find(|t| t.name == name)
    }
}

/// A task: a call of a template within a DAG.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct DagTask {
    /// Task name, used in `dependencies`, `depends` and `{{tasks.<name>...}}`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub name: String,
    /// Name of the template to run, in this workflow.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub template: String,
    /// A template written in place (instead of `template` or `templateRef`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inline: Option<Box<Template>>,
    /// Parameters and artifacts passed to the template.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub arguments: Arguments,
    /// A template of a WorkflowTemplate or ClusterWorkflowTemplate to run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_ref: Option<TemplateRef>,
    /// Tasks that must succeed first (alternative to `depends`).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub dependencies: Vec<String>,
    /// Run the task once per item of this list.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub with_items: Vec<Item>,
    /// Run the task once per element of this JSON list (usually a `{{...}}` reference).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub with_param: String,
    /// Run the task once per number of a sequence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_sequence: Option<Sequence>,
    /// Condition; the task is skipped when it is false.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub when: String,
    /// Keep going when this task errors or fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continue_on: Option<ContinueOn>,
    /// Deprecated: template run when the task ends (use `hooks.exit`).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub on_exit: String,
    /// Boolean expression over other tasks' results, e.g. `a.Succeeded && (b || c)`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub depends: String,
    /// Lifecycle hooks: `exit`, or an expression, mapped to the template to run.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub hooks: LifecycleHooks,
}

/// Something that calls a template: a step, a task or a hook.
pub trait TemplateCall {
    /// The local template name (empty when `templateRef` or `inline` is used).
    fn template_name(&self) -> &str;
    /// The referenced template of another object.
    fn template_ref(&self) -> Option<&TemplateRef>;
    /// The template written in place.
    fn inline_template(&self) -> Option<&Template>;
    /// The arguments passed.
    fn arguments(&self) -> &Arguments;
}

impl TemplateCall for WorkflowStep {
    fn template_name(&self) -> &str {
        &self.template
    }
    fn template_ref(&self) -> Option<&TemplateRef> {
        self.template_ref.as_ref()
    }
    fn inline_template(&self) -> Option<&Template> {
        self.inline.as_deref()
    }
    fn arguments(&self) -> &Arguments {
        &self.arguments
    }
}

impl TemplateCall for DagTask {
    fn template_name(&self) -> &str {
        &self.template
    }
    fn template_ref(&self) -> Option<&TemplateRef> {
        self.template_ref.as_ref()
    }
    fn inline_template(&self) -> Option<&Template> {
        self.inline.as_deref()
    }
    fn arguments(&self) -> &Arguments {
        &self.arguments
    }
}

impl TemplateCall for LifecycleHook {
    fn template_name(&self) -> &str {
        &self.template
    }
    fn template_ref(&self) -> Option<&TemplateRef> {
        self.template_ref.as_ref()
    }
    fn inline_template(&self) -> Option<&Template> {
        None
    }
    fn arguments(&self) -> &Arguments {
        &self.arguments
    }
}

/// Lifecycle hooks keyed by event: `exit` or a condition expression.
pub type LifecycleHooks = BTreeMap<String, LifecycleHook>;

/// A template run on a lifecycle event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct LifecycleHook {
    /// Name of the template to run, in this workflow.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub template: String,
    /// Parameters and artifacts passed to the template.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub arguments: Arguments,
    /// A template of a WorkflowTemplate or ClusterWorkflowTemplate to run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_ref: Option<TemplateRef>,
    /// Condition that triggers the hook (for hooks not keyed `exit`).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub expression: String,
}

/// A reference to a template in a WorkflowTemplate or ClusterWorkflowTemplate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct TemplateRef {
    /// Name of the WorkflowTemplate (or ClusterWorkflowTemplate).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub name: String,
    /// Name of the template inside it.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub template: String,
    /// Look up a ClusterWorkflowTemplate instead of a WorkflowTemplate.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub cluster_scope: bool,
}

/// A numeric sequence to expand a step or task over.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Sequence {
    /// How many numbers (not with `end`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<IntOrString>,
    /// First number (default 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<IntOrString>,
    /// Last number (not with `count`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<IntOrString>,
    /// printf-style format of each number.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub format: String,
}

/// Which failures of a step or task do not stop the workflow.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ContinueOn {
    /// Continue when the node errors.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub error: bool,
    /// Continue when the node fails.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub failed: bool,
}

/// A container next to the main one (init container or sidecar): a Kubernetes container plus
/// Argo's extra setting.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct UserContainer {
    /// The container (its fields are written inline).
    #[serde(flatten)]
    pub container: Container,
    /// Mount the main container's volumes (and artifacts) at the same paths.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mirror_volume_mounts: Option<bool>,
}

/// A script template: a container whose `source` is run by the image's interpreter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ScriptTemplate {
    /// The container (its fields are written inline).
    #[serde(flatten)]
    pub container: Container,
    /// The script text.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub source: String,
}

/// A resource template: apply an action to a Kubernetes manifest.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ResourceTemplate {
    /// `get`, `create`, `apply`, `delete`, `replace` or `patch`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub action: String,
    /// Patch type for `patch`: `strategic` (default), `merge` or `json`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub merge_strategy: String,
    /// The manifest (YAML or JSON text).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub manifest: String,
    /// Take the manifest from an artifact instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest_from: Option<ManifestFrom>,
    /// Make the workflow the owner of the created resource.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub set_owner_reference: bool,
    /// Label-selector-like condition on the resource that means success.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub success_condition: String,
    /// Label-selector-like condition on the resource that means failure.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub failure_condition: String,
    /// Extra `kubectl` flags.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub flags: Vec<String>,
}

/// The artifact a resource template reads its manifest from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ManifestFrom {
    /// The artifact (usually one of the template's inputs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact: Option<Artifact>,
}

/// A suspend template.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct SuspendTemplate {
    /// How long to wait before resuming on its own (seconds or a duration such as `2m`).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub duration: String,
}

/// Several containers in one pod.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ContainerSetTemplate {
    /// The containers.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub containers: Vec<ContainerNode>,
    /// Volume mounts added to every container of the set.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub volume_mounts: Vec<VolumeMount>,
    /// How the whole set is retried.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_strategy: Option<ContainerSetRetryStrategy>,
}

/// Retries of a container set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ContainerSetRetryStrategy {
    /// Wait between retries (a duration such as `20s`).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub duration: String,
    /// How many retries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retries: Option<IntOrString>,
}

/// One container of a container set: a Kubernetes container plus the containers it waits for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ContainerNode {
    /// The container (its fields are written inline).
    #[serde(flatten)]
    pub container: Container,
    /// Names of containers of the set that must finish first.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub dependencies: Vec<String>,
}

/// A data template: read a source and transform it with expressions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Data {
    /// Where the data comes from.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub source: DataSource,
    /// Expressions applied in order.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub transformation: Vec<TransformationStep>,
}

/// The source of a data template.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct DataSource {
    /// List the file paths of an artifact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact_paths: Option<ArtifactPaths>,
}

/// An artifact whose file paths a data template lists.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ArtifactPaths {
    /// The artifact (its fields are written inline).
    #[serde(flatten)]
    pub artifact: Artifact,
}

/// One transformation of a data template.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct TransformationStep {
    /// An expression over `data`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub expression: String,
}

/// An HTTP template: a request made by the Argo agent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Http {
    /// Request method (default `GET`).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub method: String,
    /// Request URL.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub url: String,
    /// Request headers.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub headers: Vec<HttpHeader>,
    /// Request timeout in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i64>,
    /// Expression over the response that means success (default: a 2xx status).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub success_condition: String,
    /// Request body.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub body: String,
    /// Request body from another source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_from: Option<HttpBodySource>,
    /// Skip TLS certificate verification.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub insecure_skip_verify: bool,
}

/// A header of an HTTP template request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct HttpHeader {
    /// Header name.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub name: String,
    /// Literal header value.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub value: String,
    /// Take the value from a Secret instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_from: Option<HttpHeaderSource>,
}

/// The Secret an HTTP header value is read from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct HttpHeaderSource {
    /// The Secret key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_key_ref: Option<SecretKeySelector>,
}

/// A request body given as bytes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct HttpBodySource {
    /// The body, base64-encoded.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub bytes: String,
}
