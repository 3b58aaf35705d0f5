//! The CLI's live mode: fetch exactly the objects a lint run needs, concurrently and each with
//! a timeout, following references for a bounded number of rounds, into a [`Snapshot`].

use std::{
    collections::{BTreeMap, BTreeSet},
    fmt,
    time::Duration,
};

use futures::{FutureExt, StreamExt, future::BoxFuture};
use kube::{Api, Client, core::DynamicObject};
use serde::de::DeserializeOwned;
use wflint_core::{
    context::{Lookup, SecretKeys},
    model::ArgoKind,
};

use crate::{
    facts::{config_map_info, controller_config, template_object},
    needs::Needs,
    resources::{
        ConfigMapData, SecretKeyNames, cluster_workflow_template_resource,
        workflow_template_resource,
    },
    snapshot::Snapshot,
};

/// How the live mode reads the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveOptions {
    /// Namespace the workflow controller runs in.
    pub controller_namespace: String,
    /// Name of the controller ConfigMap.
    pub controller_configmap: String,
    /// Longest wait for any single answer.
    pub timeout: Duration,
    /// Most requests in flight at once.
    pub concurrency: usize,
    /// Most rounds of following references (templates naming templates, repositories naming
    /// Secrets); the first round fetches what the linted objects name.
    pub max_rounds: usize,
}

impl Default for LiveOptions {
    fn default() -> Self {
        Self {
            controller_namespace: "argo".into(),
            controller_configmap: "workflow-controller-configmap".into(),
            timeout: Duration::from_secs(10),
            concurrency: 8,
            max_rounds: 4,
        }
    }
}

const CONFIG_MAPS: &str = "configmaps";
const SECRETS: &str = "secrets";
const WORKFLOW_TEMPLATES: &str = "workflowtemplates.argoproj.io";
const CLUSTER_WORKFLOW_TEMPLATES: &str = "clusterworkflowtemplates.argoproj.io";

/// Why an answer is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FailureReason {
    Forbidden,
    Unauthorized,
    TimedOut(Duration),
    /// 404 for the resource type itself, not for the object.
    NotServed,
    Http(u16, String),
    /// The answer could not be decoded (the decoder's message is not kept: for Secrets it
    /// could quote a value).
    Unreadable,
    Transport(String),
    Undecodable(String),
}

impl fmt::Display for FailureReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Forbidden => f.write_str("forbidden (HTTP 403)"),
            Self::Unauthorized => f.write_str("unauthorized (HTTP 401)"),
            Self::TimedOut(timeout) => write!(f, "no answer within {}", human(*timeout)),
            Self::NotServed => f.write_str("the API server does not serve this resource"),
            Self::Http(code, reason) if reason.is_empty() => write!(f, "HTTP {code}"),
            Self::Http(code, reason) => write!(f, "HTTP {code} ({reason})"),
            Self::Unreadable => f.write_str("the answer could not be read"),
            Self::Transport(detail) => f.write_str(detail),
            Self::Undecodable(detail) => write!(f, "cannot be decoded: {detail}"),
        }
    }
}

fn human(duration: Duration) -> String {
    if duration.subsec_millis() == 0 {
        format!("{}s", duration.as_secs())
    } else {
        format!("{}ms", duration.as_millis())
    }
}

/// Lookups of one resource in one namespace that failed: the first reason, the names.
type FailureGroup = (FailureReason, BTreeSet<String>);

/// Failed lookups grouped by resource and namespace, so one note covers them all.
#[derive(Default)]
struct Failures {
    groups: BTreeMap<(&'static str, Option<String>), FailureGroup>,
}

impl Failures {
    fn add(
        &mut self,
        resource: &'static str,
        namespace: Option<&str>,
        name: &str,
        reason: FailureReason,
    ) {
        self.groups
            .entry((resource, namespace.map(str::to_string)))
            .or_insert_with(|| (reason, BTreeSet::new()))
            .1
            .insert(name.to_string());
    }

    fn notes(self) -> Vec<String> {
        self.groups
            .into_iter()
            .map(|((resource, namespace), (reason, names))| {
                let place = match namespace {
                    Some(ns) => format!("{resource} in namespace \"{ns}\""),
                    None => resource.to_string(),
                };
                let hint = match reason {
                    FailureReason::NotServed if resource.ends_with("argoproj.io") => {
                        " (are Argo Workflows' CRDs installed?)"
                    }
                    FailureReason::Forbidden => " (RBAC: wflint needs get on them)",
                    _ => "",
                };
                let names: Vec<String> = names.into_iter().collect();
                format!(
                    "cannot read {place}: {reason}{hint}; treated as unknown, so checks that need \
                     them are skipped: {}",
                    names.join(", ")
                )
            })
            .collect()
    }
}

type Fetch<K> = Result<Option<K>, FailureReason>;

/// GET one object: `Ok(None)` only when the API server says this very object does not exist.
async fn get_one<K>(api: Api<K>, name: String, timeout: Duration) -> Fetch<K>
where
    K: Clone + DeserializeOwned + fmt::Debug,
{
    match tokio::time::timeout(timeout, api.get(&name)).await {
        Err(_) => Err(FailureReason::TimedOut(timeout)),
        Ok(Ok(object)) => Ok(Some(object)),
        Ok(Err(error)) => classify(error, &name),
    }
}

fn classify<K>(error: kube::Error, name: &str) -> Fetch<K> {
    match error {
        kube::Error::Api(status) => match status.code {
            // A 404 that names the object: it does not exist. A 404 without that detail comes
            // from a path the server does not serve (e.g. CRDs not installed).
            404 if status.details.as_ref().is_some_and(|d| d.name == name) => Ok(None),
            404 => Err(FailureReason::NotServed),
            403 => Err(FailureReason::Forbidden),
            401 => Err(FailureReason::Unauthorized),
            code => Err(FailureReason::Http(code, status.reason)),
        },
        kube::Error::SerdeError(_) => Err(FailureReason::Unreadable),
        other => Err(FailureReason::Transport(other.to_string())),
    }
}

enum Fetched {
    ConfigMap(String, String, Fetch<ConfigMapData>),
    Secret(String, String, Fetch<SecretKeyNames>),
    WorkflowTemplate(String, String, Fetch<DynamicObject>),
    ClusterWorkflowTemplate(String, Fetch<DynamicObject>),
    Controller(Fetch<ConfigMapData>),
}

fn requests(
    client: &Client,
    needs: &Needs,
    options: &LiveOptions,
) -> Vec<BoxFuture<'static, Fetched>> {
    let timeout = options.timeout;
    let mut requests = Vec::with_capacity(needs.len());
    for (ns, name) in &needs.config_maps {
        let api = Api::<ConfigMapData>::namespaced(client.clone(), ns);
        let (ns, name) = (ns.clone(), name.clone());
        requests.push(
            async move {
                let answer = get_one(api, name.clone(), timeout).await;
                Fetched::ConfigMap(ns, name, answer)
            }
            .boxed(),
        );
    }
    for (ns, name) in &needs.secrets {
        let api = Api::<SecretKeyNames>::namespaced(client.clone(), ns);
        let (ns, name) = (ns.clone(), name.clone());
        requests.push(
            async move {
                let answer = get_one(api, name.clone(), timeout).await;
                Fetched::Secret(ns, name, answer)
            }
            .boxed(),
        );
    }
    for (ns, name) in &needs.workflow_templates {
        let api = Api::<DynamicObject>::namespaced_with(
            client.clone(),
            ns,
            &workflow_template_resource(),
        );
        let (ns, name) = (ns.clone(), name.clone());
        requests.push(
            async move {
                let answer = get_one(api, name.clone(), timeout).await;
                Fetched::WorkflowTemplate(ns, name, answer)
            }
            .boxed(),
        );
    }
    for name in &needs.cluster_workflow_templates {
        let api =
            Api::<DynamicObject>::all_with(client.clone(), &cluster_workflow_template_resource());
        let name = name.clone();
        requests.push(
            async move {
                let answer = get_one(api, name.clone(), timeout).await;
                Fetched::ClusterWorkflowTemplate(name, answer)
            }
            .boxed(),
        );
    }
    if needs.controller {
        let api = Api::<ConfigMapData>::namespaced(client.clone(), &options.controller_namespace);
        let name = options.controller_configmap.clone();
        requests
            .push(async move { Fetched::Controller(get_one(api, name, timeout).await) }.boxed());
    }
    requests
}

fn record(
    fetched: Fetched,
    options: &LiveOptions,
    snapshot: &mut Snapshot,
    failures: &mut Failures,
) {
    match fetched {
        Fetched::ConfigMap(ns, name, answer) => {
            let answer = match answer {
                Ok(Some(cm)) => {
                    Lookup::Found(config_map_info(&ns, &name, cm.annotations(), cm.data))
                }
                Ok(None) => Lookup::Missing,
                Err(reason) => {
                    failures.add(CONFIG_MAPS, Some(&ns), &name, reason);
                    Lookup::Unknown
                }
            };
            snapshot.set_config_map(&ns, &name, answer);
        }
        Fetched::Secret(ns, name, answer) => {
            let answer = match answer {
                Ok(Some(secret)) => Lookup::Found(SecretKeys {
                    namespace: ns.clone(),
                    name: name.clone(),
                    keys: secret.keys.into_iter().collect(),
                }),
                Ok(None) => Lookup::Missing,
                Err(reason) => {
                    failures.add(SECRETS, Some(&ns), &name, reason);
                    Lookup::Unknown
                }
            };
            snapshot.set_secret(&ns, &name, answer);
        }
        Fetched::WorkflowTemplate(ns, name, answer) => {
            let answer = template_answer(ArgoKind::WorkflowTemplate, answer, |reason| {
                failures.add(WORKFLOW_TEMPLATES, Some(&ns), &name, reason);
            });
            snapshot.set_workflow_template(&ns, &name, answer);
        }
        Fetched::ClusterWorkflowTemplate(name, answer) => {
            let answer = template_answer(ArgoKind::ClusterWorkflowTemplate, answer, |reason| {
                failures.add(CLUSTER_WORKFLOW_TEMPLATES, None, &name, reason);
            });
            snapshot.set_cluster_workflow_template(&name, answer);
        }
        Fetched::Controller(answer) => {
            let (ns, name) = (&options.controller_namespace, &options.controller_configmap);
            let answer = match answer {
                Ok(Some(cm)) => match controller_config(ns, name, &cm.data) {
                    Ok(config) => Lookup::Found(config),
                    Err(e) => {
                        snapshot.add_note(format!(
                            "cannot read the controller configuration {ns}/{name}: {e}; treated as \
                             unknown"
                        ));
                        Lookup::Unknown
                    }
                },
                Ok(None) => {
                    snapshot.add_note(format!(
                        "the controller ConfigMap {ns}/{name} does not exist, so no controller \
                         default artifact repository is assumed; if the workflow controller runs \
                         elsewhere, pass --controller-namespace and --controller-configmap"
                    ));
                    Lookup::Missing
                }
                Err(reason) => {
                    failures.add(CONFIG_MAPS, Some(ns), name, reason);
                    Lookup::Unknown
                }
            };
            snapshot.set_controller(answer);
        }
    }
}

fn template_answer(
    kind: ArgoKind,
    answer: Fetch<DynamicObject>,
    mut fail: impl FnMut(FailureReason),
) -> Lookup<wflint_core::context::TemplateObject> {
    match answer {
        Ok(Some(object)) => {
            let decoded = serde_json::to_value(&object)
                .map_err(|e| e.to_string())
                .and_then(|value| template_object(kind, value));
            match decoded {
                Ok(template) => Lookup::Found(template),
                Err(e) => {
                    fail(FailureReason::Undecodable(e));
                    Lookup::Unknown
                }
            }
        }
        Ok(None) => Lookup::Missing,
        Err(reason) => {
            fail(reason);
            Lookup::Unknown
        }
    }
}

/// What the objects fetched so far name in turn: Secrets of repository definitions (in
/// ConfigMaps and the controller configuration), and what fetched templates reference.
fn follow_ups(snapshot: &Snapshot, linted: &[&str], controller_namespace: &str) -> Needs {
    let mut needs = Needs::default();
    for cm in snapshot.found_config_maps() {
        // A repository ConfigMap in the controller's namespace serves workflows of every
        // namespace (ref fallback); one elsewhere serves its own namespace.
        let namespaces: Vec<&str> = if cm.namespace == controller_namespace {
            linted.to_vec()
        } else {
            vec![cm.namespace.as_str()]
        };
        needs.add_repository_config_map(cm.data.values(), &namespaces);
    }
    if let Some(config) = snapshot.found_controller() {
        needs.add_controller(config, linted);
    }
    for (namespace, template) in snapshot.found_workflow_templates() {
        needs.add_template(ArgoKind::WorkflowTemplate, &template.value, &[namespace]);
    }
    for template in snapshot.found_cluster_workflow_templates() {
        needs.add_template(ArgoKind::ClusterWorkflowTemplate, &template.value, linted);
    }
    needs
}

/// Fetch what `needs` names (plus the same ConfigMap and Secret names in the controller's
/// namespace), then what those objects name in turn, for at most `options.max_rounds` rounds.
///
/// Never fails: a 404 naming the object is [`Lookup::Missing`]; a 403, a timeout or any other
/// error is [`Lookup::Unknown`] plus one note per resource and namespace.
pub async fn fetch_snapshot(client: &Client, needs: &Needs, options: &LiveOptions) -> Snapshot {
    let mut snapshot = Snapshot::new();
    let mut failures = Failures::default();
    let linted: Vec<&str> = needs.namespaces.iter().map(String::as_str).collect();
    let mut pending = needs.clone();
    pending.include_controller_namespace(&options.controller_namespace);
    let mut rounds = 0;
    while !pending.is_empty() && rounds < options.max_rounds.max(1) {
        rounds += 1;
        let mut answers = futures::stream::iter(requests(client, &pending, options))
            .buffer_unordered(options.concurrency.max(1));
        while let Some(fetched) = answers.next().await {
            record(fetched, options, &mut snapshot, &mut failures);
        }
        let mut next = follow_ups(&snapshot, &linted, &options.controller_namespace);
        next.include_controller_namespace(&options.controller_namespace);
        pending = next.without(&snapshot.covered());
    }
    if !pending.is_empty() {
        snapshot.add_note(format!(
            "stopped following references after {rounds} rounds; {} further objects are treated \
             as unknown",
            pending.len()
        ));
    }
    for note in failures.notes() {
        snapshot.add_note(note);
    }
    snapshot
}
