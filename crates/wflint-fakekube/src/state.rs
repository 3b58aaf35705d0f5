//! The fake server's data: objects, their event history, faults and the request log.

use std::{collections::BTreeMap, time::Duration};

use serde_json::{Value, json};

/// A resource type the fake server serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceType {
    /// API group (`""` for the core group).
    pub group: &'static str,
    /// API version.
    pub version: &'static str,
    /// `kind`.
    pub kind: &'static str,
    /// URL plural.
    pub plural: &'static str,
    /// Whether objects live in namespaces.
    pub namespaced: bool,
}

impl ResourceType {
    /// `v1` ConfigMaps.
    pub const CONFIG_MAPS: Self = Self::core("ConfigMap", "configmaps");
    /// `v1` Secrets.
    pub const SECRETS: Self = Self::core("Secret", "secrets");
    /// Argo WorkflowTemplates.
    pub const WORKFLOW_TEMPLATES: Self = Self::argo("WorkflowTemplate", "workflowtemplates", true);
    /// Argo ClusterWorkflowTemplates.
    pub const CLUSTER_WORKFLOW_TEMPLATES: Self =
        Self::argo("ClusterWorkflowTemplate", "clusterworkflowtemplates", false);
    /// Argo Workflows.
    pub const WORKFLOWS: Self = Self::argo("Workflow", "workflows", true);
    /// Argo CronWorkflows.
    pub const CRON_WORKFLOWS: Self = Self::argo("CronWorkflow", "cronworkflows", true);

    const fn core(kind: &'static str, plural: &'static str) -> Self {
        Self {
            group: "",
            version: "v1",
            kind,
            plural,
            namespaced: true,
        }
    }

    const fn argo(kind: &'static str, plural: &'static str, namespaced: bool) -> Self {
        Self {
            group: "argoproj.io",
            version: "v1alpha1",
            kind,
            plural,
            namespaced,
        }
    }

    /// Every type the server knows.
    pub fn known() -> &'static [ResourceType] {
        &[
            Self::CONFIG_MAPS,
            Self::SECRETS,
            Self::WORKFLOW_TEMPLATES,
            Self::CLUSTER_WORKFLOW_TEMPLATES,
            Self::WORKFLOWS,
            Self::CRON_WORKFLOWS,
        ]
    }

    /// `apiVersion` text.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// The type served at `group`/`version`/`plural`.
    pub fn find(group: &str, version: &str, plural: &str) -> Option<Self> {
        Self::known()
            .iter()
            .copied()
            .find(|t| t.group == group && t.version == version && t.plural == plural)
    }

    fn of_object(object: &Value) -> Option<Self> {
        let api_version = object.get("apiVersion")?.as_str()?;
        let kind = object.get("kind")?.as_str()?;
        Self::known()
            .iter()
            .copied()
            .find(|t| t.kind == kind && t.api_version() == api_version)
    }
}

/// What a fault does to a matching request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultAction {
    /// Answer with this HTTP status and a `Status` body.
    Status(u16),
    /// Wait this long, then answer normally.
    Delay(Duration),
}

/// A fault injected into matching requests.
#[derive(Debug, Clone)]
pub struct Fault {
    plural: String,
    namespace: Option<String>,
    action: FaultAction,
    remaining: Option<usize>,
}

impl Fault {
    /// A fault for requests on `plural` in `namespace` (`None`: any namespace and cluster-wide).
    pub fn new(plural: &str, namespace: Option<&str>, action: FaultAction) -> Self {
        Self {
            plural: plural.to_string(),
            namespace: namespace.map(str::to_string),
            action,
            remaining: None,
        }
    }

    /// Apply to the next `times` matching requests only.
    pub fn times(mut self, times: usize) -> Self {
        self.remaining = Some(times);
        self
    }

    fn matches(&self, plural: &str, namespace: Option<&str>) -> bool {
        self.plural == plural
            && self.remaining != Some(0)
            && match &self.namespace {
                None => true,
                Some(ns) => namespace == Some(ns.as_str()),
            }
    }
}

/// A request the server answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// HTTP method.
    pub method: String,
    /// URL path.
    pub path: String,
    /// Query string (without `?`), possibly empty.
    pub query: String,
    /// Status code of the answer (200 for watches, whatever they stream).
    pub status: u16,
}

impl RecordedRequest {
    /// Whether this was a watch.
    pub fn is_watch(&self) -> bool {
        self.query
            .split('&')
            .any(|pair| pair == "watch=true" || pair == "watch=1")
    }

    /// Whether this was a LIST (a collection GET that is not a watch) of `plural`.
    pub fn is_list_of(&self, plural: &str) -> bool {
        !self.is_watch() && self.path.ends_with(&format!("/{plural}"))
    }

    /// Whether this was a watch of `plural`.
    pub fn is_watch_of(&self, plural: &str) -> bool {
        self.is_watch() && self.path.ends_with(&format!("/{plural}"))
    }
}

/// Identity of a stored object.
pub(crate) type ObjectKey = (ResourceType, String, String);

/// One change, as watchers see it.
#[derive(Debug, Clone)]
pub(crate) struct HistoryEvent {
    pub(crate) resource_version: u64,
    pub(crate) resource_type: ResourceType,
    pub(crate) namespace: String,
    pub(crate) event_type: &'static str,
    pub(crate) object: Value,
}

#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) resource_version: u64,
    /// (type, namespace or "", name) → object with its resourceVersion set.
    pub(crate) objects: BTreeMap<ObjectKey, Value>,
    pub(crate) history: Vec<HistoryEvent>,
    /// Watches from a resource version below this get `410 Gone`.
    pub(crate) compacted_through: u64,
    pub(crate) break_epoch: u64,
    pub(crate) faults: Vec<Fault>,
    pub(crate) requests: Vec<RecordedRequest>,
    pub(crate) open_watches: usize,
}

impl State {
    pub(crate) fn apply(&mut self, mut object: Value) {
        let resource_type = ResourceType::of_object(&object)
            .unwrap_or_else(|| panic!("fake kube: cannot serve object {object}"));
        let name = object
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("fake kube: object without a name: {object}"))
            .to_string();
        let namespace = if resource_type.namespaced {
            object
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or("default")
                .to_string()
        } else {
            String::new()
        };
        self.resource_version += 1;
        if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
            metadata.insert(
                "resourceVersion".into(),
                Value::String(self.resource_version.to_string()),
            );
            if resource_type.namespaced {
                metadata.insert("namespace".into(), Value::String(namespace.clone()));
            }
        }
        let key = (resource_type, namespace.clone(), name);
        let event_type = if self.objects.contains_key(&key) {
            "MODIFIED"
        } else {
            "ADDED"
        };
        self.history.push(HistoryEvent {
            resource_version: self.resource_version,
            resource_type,
            namespace,
            event_type,
            object: object.clone(),
        });
        self.objects.insert(key, object);
    }

    pub(crate) fn delete(&mut self, plural: &str, namespace: Option<&str>, name: &str) -> bool {
        let Some(key) = self
            .objects
            .keys()
            .find(|(t, ns, n)| t.plural == plural && n == name && ns == namespace.unwrap_or(""))
            .cloned()
        else {
            return false;
        };
        let Some(mut object) = self.objects.remove(&key) else {
            return false;
        };
        self.resource_version += 1;
        if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
            metadata.insert(
                "resourceVersion".into(),
                Value::String(self.resource_version.to_string()),
            );
        }
        self.history.push(HistoryEvent {
            resource_version: self.resource_version,
            resource_type: key.0,
            namespace: key.1,
            event_type: "DELETED",
            object,
        });
        true
    }

    /// Forget the history; the resource version moves on (as etcd's compaction revision does),
    /// so every resume from a version a client already holds is too old, while a fresh list
    /// can be watched from.
    pub(crate) fn compact(&mut self) {
        self.history.clear();
        self.resource_version += 1;
        self.compacted_through = self.resource_version;
    }

    /// Remove an object without a watch event.
    pub(crate) fn remove_silently(
        &mut self,
        plural: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> bool {
        let before = self.objects.len();
        self.objects.retain(|(t, ns, n), _| {
            !(t.plural == plural && n == name && ns == namespace.unwrap_or(""))
        });
        self.objects.len() != before
    }

    /// The fault that applies to a request, consuming one use of a counted fault.
    pub(crate) fn take_fault(&mut self, plural: &str, namespace: Option<&str>) -> Vec<FaultAction> {
        let mut actions = Vec::new();
        for fault in &mut self.faults {
            if fault.matches(plural, namespace) {
                if let Some(remaining) = &mut fault.remaining {
                    *remaining -= 1;
                }
                actions.push(fault.action);
            }
        }
        actions
    }

    /// Objects of a type in a namespace (`None`: all namespaces), sorted by namespace and name.
    pub(crate) fn list(&self, resource_type: ResourceType, namespace: Option<&str>) -> Vec<Value> {
        self.objects
            .iter()
            .filter(|((t, ns, _), _)| *t == resource_type && namespace.is_none_or(|n| n == ns))
            .map(|(_, object)| object.clone())
            .collect()
    }
}

/// A Kubernetes `Status` body.
pub(crate) fn status_body(code: u16, reason: &str, message: &str, details: Option<Value>) -> Value {
    let mut status = json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    });
    if let (Some(details), Some(map)) = (details, status.as_object_mut()) {
        map.insert("details".into(), details);
    }
    status
}
