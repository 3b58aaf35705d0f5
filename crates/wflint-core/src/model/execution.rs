//! How templates and workflows run: retries, Prometheus metrics, memoization and
//! synchronization (mutexes and semaphores).

use k8s_openapi::api::core::v1::ConfigMapKeySelector;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::scalars::{Amount, AnyString, IntOrString, is_default, nullable};

/// How a failed node is retried.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct RetryStrategy {
    /// Most retries after the first attempt (a number or a `{{...}}` expression).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<IntOrString>,
    /// Which outcomes are retried: `Always`, `OnFailure` (default), `OnError` or
    /// `OnTransientError`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub retry_policy: String,
    /// Wait between attempts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backoff: Option<Backoff>,
    /// Where retries may be scheduled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affinity: Option<RetryAffinity>,
    /// Condition checked before each retry; no retry when it is false.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub expression: String,
}

/// Back-off between retries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Backoff {
    /// First wait (seconds, or a duration such as `2m`).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub duration: String,
    /// Multiplier applied to the wait after each attempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub factor: Option<IntOrString>,
    /// Longest total time spent retrying.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub max_duration: String,
    /// Longest single wait.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub cap: String,
}

/// Scheduling constraints of retries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct RetryAffinity {
    /// Avoid the nodes earlier attempts ran on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_anti_affinity: Option<RetryNodeAntiAffinity>,
}

/// Marker: retry on a different node (takes no settings).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RetryNodeAntiAffinity {}

/// Prometheus metrics emitted by a template or workflow.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Metrics {
    /// The metrics.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub prometheus: Vec<Prometheus>,
}

/// One Prometheus metric.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Prometheus {
    /// Metric name.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub name: String,
    /// Metric labels.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub labels: Vec<MetricLabel>,
    /// Help text.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub help: String,
    /// Condition; the metric is emitted only when it is true.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub when: String,
    /// A gauge.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gauge: Option<Gauge>,
    /// A histogram.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub histogram: Option<Histogram>,
    /// A counter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counter: Option<Counter>,
}

/// A label of a metric.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct MetricLabel {
    /// Label name.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub key: String,
    /// Label value.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub value: AnyString,
}

/// A gauge metric.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Gauge {
    /// The value (usually a `{{...}}` reference).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub value: AnyString,
    /// Emit the value continuously while the node runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub realtime: Option<bool>,
    /// `Set` (default), `Add` or `Sub`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub operation: String,
}

/// A histogram metric.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Histogram {
    /// The observed value.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub value: AnyString,
    /// Upper bounds of the buckets.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub buckets: Vec<Amount>,
}

/// A counter metric.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Counter {
    /// The increment.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub value: AnyString,
}

/// Reuse of earlier outputs: a node whose key is in the cache is not run again.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Memoize {
    /// Cache key (usually built from inputs).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub key: String,
    /// Where entries are stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache: Option<Cache>,
    /// Oldest entry still used (a duration such as `24h`).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub max_age: String,
}

/// A memoization cache.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Cache {
    /// The ConfigMap holding the entries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_map: Option<CacheConfigMap>,
}

/// The ConfigMap of a memoization cache.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct CacheConfigMap {
    /// ConfigMap name.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub name: String,
    /// Removed in v4.0 (the cache uses the whole ConfigMap); accepted for v3.x manifests.
    #[schemars(extend("deprecated" = true, "x-removed-in" = "v4.0"))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Removed in v4.0; accepted for v3.x manifests.
    #[schemars(extend("deprecated" = true, "x-removed-in" = "v4.0"))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
}

/// Locks a workflow or template must hold to run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Synchronization {
    /// Semaphores to acquire.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub semaphores: Vec<SemaphoreRef>,
    /// Mutexes to acquire.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub mutexes: Vec<Mutex>,
    /// Removed in v4.0: a single semaphore (use `semaphores`); accepted for v3.x manifests.
    #[schemars(extend("deprecated" = true, "x-removed-in" = "v4.0"))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semaphore: Option<SemaphoreRef>,
    /// Removed in v4.0: a single mutex (use `mutexes`); accepted for v3.x manifests.
    #[schemars(extend("deprecated" = true, "x-removed-in" = "v4.0"))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mutex: Option<Mutex>,
}

/// A semaphore, whose limit lives in a ConfigMap key or in the database.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct SemaphoreRef {
    /// ConfigMap key holding the semaphore's limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_map_key_ref: Option<ConfigMapKeySelector>,
    /// Namespace of the ConfigMap (default: the workflow's).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub namespace: String,
    /// A semaphore kept in the synchronization database.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<SyncDatabaseRef>,
}

/// A semaphore in the synchronization database.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct SyncDatabaseRef {
    /// Semaphore name in the database.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub key: String,
}

/// A mutex.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Mutex {
    /// Mutex name.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub name: String,
    /// Namespace of the mutex (default: the workflow's).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub namespace: String,
    /// Keep the mutex in the synchronization database.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub database: bool,
}
