//! Cluster facts the rules may need, behind one trait whose lookups answer
//! *found*, *missing* or *unknown*.
//!
//! A rule reports that something is missing only on [`Lookup::Missing`]; [`Lookup::Unknown`]
//! (no context given, RBAC denied, cache not synced, timeout) never produces a finding.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::Arc,
};

use crate::model::ArgoObject;

pub mod files;

pub use files::{ContextError, FileContext, FileContextBuilder};

/// The answer to a cluster lookup.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup<T> {
    /// The object exists; here it is.
    Found(T),
    /// The object certainly does not exist.
    Missing,
    /// Nobody can tell (no context, forbidden, not synced, timed out).
    Unknown,
}

impl<T> Lookup<T> {
    /// The found value, if any.
    pub fn found(self) -> Option<T> {
        match self {
            Lookup::Found(value) => Some(value),
            _ => None,
        }
    }

    /// Whether this is [`Lookup::Missing`].
    pub fn is_missing(&self) -> bool {
        matches!(self, Lookup::Missing)
    }

    /// Map the found value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Lookup<U> {
        match self {
            Lookup::Found(value) => Lookup::Found(f(value)),
            Lookup::Missing => Lookup::Missing,
            Lookup::Unknown => Lookup::Unknown,
        }
    }
}

/// A ConfigMap as the rules see it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConfigMapInfo {
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// `metadata.annotations`.
    pub annotations: BTreeMap<String, String>,
    /// `data` (string values only).
    pub data: BTreeMap<String, String>,
}

/// A Secret reduced to the names of its keys. Values are never kept.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SecretKeys {
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// The key names of `data` and `stringData`.
    pub keys: BTreeSet<String>,
}

/// What wflint knows of the workflow controller's configuration.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ControllerConfig {
    /// The controller's namespace (where its ConfigMap lives).
    pub namespace: String,
    /// Name of the controller ConfigMap.
    pub name: String,
    /// The `artifactRepository` value, if configured.
    pub artifact_repository: Option<serde_json::Value>,
    /// The `workflowDefaults` value, if configured.
    pub workflow_defaults: Option<serde_json::Value>,
    /// The `workflowRestrictions` value, if configured.
    pub workflow_restrictions: Option<serde_json::Value>,
}

/// Argo's error when a controller ConfigMap has a `config` key beside others.
pub const CONFIG_KEY_NOT_ALONE: &str =
    "if you have an item in your config map named 'config', you must only have one item";

/// The keys of the controller's configuration wflint reads.
const CONTROLLER_KEYS: [&str; 3] = [
    "artifactRepository",
    "workflowDefaults",
    "workflowRestrictions",
];

impl ControllerConfig {
    /// Read the fields wflint uses from the controller's whole configuration (a mapping; null
    /// values count as absent).
    pub fn from_config(namespace: &str, name: &str, config: Option<&serde_json::Value>) -> Self {
        let field = |key: &str| {
            config
                .and_then(|config| config.get(key))
                .filter(|v| !v.is_null())
                .cloned()
        };
        let [
            artifact_repository,
            workflow_defaults,
            workflow_restrictions,
        ] = CONTROLLER_KEYS.map(field);
        Self {
            namespace: namespace.to_string(),
            name: name.to_string(),
            artifact_repository,
            workflow_defaults,
            workflow_restrictions,
        }
    }

    /// `workflowRestrictions.templateReferencing` is `Strict` or `Secure`: a Workflow that runs
    /// a WorkflowTemplate (`workflowTemplateRef`) may then set only a few spec fields of its own
    /// (Argo's `ValidateUserOverrides`; `artifactRepositoryRef` is not one of them).
    pub fn restricts_template_referencing(&self) -> bool {
        matches!(self.template_referencing(), Some("Strict" | "Secure"))
    }

    /// `workflowRestrictions.templateReferencing`, when set to a string.
    pub fn template_referencing(&self) -> Option<&str> {
        self.workflow_restrictions
            .as_ref()?
            .get("templateReferencing")?
            .as_str()
    }

    /// Read the controller ConfigMap's `data` as Argo does: a `config` key holding the whole
    /// configuration (then it must be the only key, else `not_alone` gives the error), or one
    /// key per field (`artifactRepository`, `workflowDefaults`, `workflowRestrictions`).
    /// `parse` turns the text of one
    /// key into its value (`None` when empty); null values count as absent. The offline context
    /// and the live one share this reading and differ only in how they parse and report.
    pub fn from_data<E>(
        namespace: &str,
        name: &str,
        data: &BTreeMap<String, String>,
        mut parse: impl FnMut(&str, &str) -> Result<Option<serde_json::Value>, E>,
        not_alone: impl FnOnce() -> E,
    ) -> Result<Self, E> {
        let config = match data.get("config") {
            Some(_) if data.len() != 1 => return Err(not_alone()),
            Some(text) => parse("config", text)?,
            None => {
                let mut fields = serde_json::Map::new();
                for key in CONTROLLER_KEYS {
                    if let Some(text) = data.get(key)
                        && let Some(value) = parse(key, text)?
                    {
                        fields.insert(key.to_string(), value);
                    }
                }
                Some(serde_json::Value::Object(fields))
            }
        };
        Ok(Self::from_config(namespace, name, config.as_ref()))
    }
}

/// A WorkflowTemplate or ClusterWorkflowTemplate known to the context.
#[derive(Debug, Clone)]
pub struct TemplateObject {
    /// The decoded object.
    pub object: Arc<ArgoObject>,
    /// Its JSON value as read.
    pub value: Arc<serde_json::Value>,
    /// Where it was read from (file path), if from a file.
    pub origin: Option<String>,
}

/// Source of cluster facts. Implementations: [`NoContext`], the offline [`FileContext`], the
/// kube-backed caches of the CLI and the webhook.
pub trait ClusterContext: Send + Sync {
    /// A ConfigMap by namespace and name.
    fn config_map(&self, namespace: &str, name: &str) -> Lookup<Arc<ConfigMapInfo>>;
    /// A Secret's key names by namespace and name.
    fn secret(&self, namespace: &str, name: &str) -> Lookup<Arc<SecretKeys>>;
    /// A WorkflowTemplate by namespace and name.
    fn workflow_template(&self, namespace: &str, name: &str) -> Lookup<TemplateObject>;
    /// A ClusterWorkflowTemplate by name.
    fn cluster_workflow_template(&self, name: &str) -> Lookup<TemplateObject>;
    /// The controller configuration.
    fn controller(&self) -> Lookup<Arc<ControllerConfig>>;
    /// Notes about degraded knowledge (e.g. "secrets in namespace x: forbidden"), shown once.
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
    /// The namespaces holding a ConfigMap named `name`, when the context knows every ConfigMap
    /// (a closed world); [`Lookup::Unknown`] otherwise. Used when the controller's namespace is
    /// not known to tell whether a ConfigMap can exist anywhere.
    fn config_map_namespaces(&self, _name: &str) -> Lookup<Vec<String>> {
        Lookup::Unknown
    }
    /// A number that changes whenever any answer of this context may have changed (a context
    /// that never changes answers a constant). Callers that remember results computed against
    /// the context (the webhook's verdict cache) reuse them only while it is unchanged. `None`
    /// (the default): the context cannot tell, and nothing may be remembered.
    fn generation(&self) -> Option<u64> {
        None
    }
}

/// A context that knows nothing: every lookup is [`Lookup::Unknown`].
#[derive(Debug, Clone, Copy, Default)]
pub struct NoContext;

impl ClusterContext for NoContext {
    fn config_map(&self, _: &str, _: &str) -> Lookup<Arc<ConfigMapInfo>> {
        Lookup::Unknown
    }
    fn secret(&self, _: &str, _: &str) -> Lookup<Arc<SecretKeys>> {
        Lookup::Unknown
    }
    fn workflow_template(&self, _: &str, _: &str) -> Lookup<TemplateObject> {
        Lookup::Unknown
    }
    fn cluster_workflow_template(&self, _: &str) -> Lookup<TemplateObject> {
        Lookup::Unknown
    }
    fn controller(&self) -> Lookup<Arc<ControllerConfig>> {
        Lookup::Unknown
    }
    fn generation(&self) -> Option<u64> {
        Some(0)
    }
}
