//! The CronWorkflow spec: schedules and run policy around the workflow spec it starts.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{
    ObjectMeta,
    scalars::{is_default, nullable},
    workflow::WorkflowSpec,
};

/// The spec of a CronWorkflow.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct CronWorkflowSpec {
    /// The workflow started on each schedule.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub workflow_spec: WorkflowSpec,
    /// Schedules and run policy (written inline next to `workflowSpec`).
    #[serde(flatten)]
    pub options: CronOptions,
}

/// Everything in a CronWorkflow's spec except the workflow it starts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct CronOptions {
    /// What to do when a run is due while an earlier one is still running: `Allow`
    /// (default), `Forbid` or `Replace`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub concurrency_policy: String,
    /// Stop starting new runs.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub suspend: bool,
    /// Seconds after a missed schedule during which the run may still start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starting_deadline_seconds: Option<i64>,
    /// Successful workflows kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub successful_jobs_history_limit: Option<i32>,
    /// Failed workflows kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_jobs_history_limit: Option<i32>,
    /// IANA time zone of the schedules (default: the controller's).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub timezone: String,
    /// Metadata given to each workflow started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_metadata: Option<ObjectMeta>,
    /// Condition that stops the CronWorkflow for good once true.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_strategy: Option<StopStrategy>,
    /// Cron expressions of when to run.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub schedules: Vec<String>,
    /// Removed in v4.0: a single cron expression (use `schedules`); accepted for v3.x
    /// manifests.
    #[schemars(extend("deprecated" = true, "x-removed-in" = "v4.0"))]
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub schedule: String,
    /// Condition checked at each scheduled time; the run is skipped when false.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub when: String,
}

/// When a CronWorkflow stops scheduling.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct StopStrategy {
    /// Condition over `cronworkflow.*` variables, e.g. `cronworkflow.failed >= 3`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub expression: String,
}
