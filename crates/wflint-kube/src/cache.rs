//! The webhook's cluster state: kube-runtime watchers keep ConfigMaps, Secret key names,
//! WorkflowTemplates and ClusterWorkflowTemplates in compact in-memory stores, so admission
//! never calls the API server. A store answers *unknown* until its initial list completed.

use std::{
    collections::{BTreeMap, HashMap},
    fmt,
    sync::{
        Arc, RwLock, RwLockReadGuard, RwLockWriteGuard,
        atomic::{AtomicU64, Ordering},
    },
};

use futures::{Stream, StreamExt};
use kube::{
    Api, Client,
    core::DynamicObject,
    runtime::{
        WatchStreamExt,
        watcher::{self, Event},
    },
};
use wflint_core::{
    context::{
        ClusterContext, ConfigMapInfo, ControllerConfig, Lookup, SecretKeys, TemplateObject,
    },
    model::ArgoKind,
};

use crate::{
    facts::{config_map_info, config_map_matters, controller_config, template_object},
    resources::{
        ConfigMapData, SecretKeyNames, cluster_workflow_template_resource,
        workflow_template_resource,
    },
};

/// What the watch caches watch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheOptions {
    /// Namespace the workflow controller runs in.
    pub controller_namespace: String,
    /// Name of the controller ConfigMap.
    pub controller_configmap: String,
    /// Watch Secrets (needs `list`/`watch` on secrets). When off, secret lookups are unknown.
    pub watch_secrets: bool,
    /// Watch WorkflowTemplates and ClusterWorkflowTemplates. When off, template lookups are
    /// unknown.
    pub watch_templates: bool,
    /// Objects per page of the initial lists.
    pub page_size: u32,
}

impl Default for CacheOptions {
    fn default() -> Self {
        Self {
            controller_namespace: "argo".into(),
            controller_configmap: "workflow-controller-configmap".into(),
            watch_secrets: true,
            watch_templates: true,
            page_size: 500,
        }
    }
}

/// One of the watched resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CachedResource {
    /// `configmaps`
    ConfigMaps,
    /// `secrets` (key names only)
    Secrets,
    /// `workflowtemplates.argoproj.io`
    WorkflowTemplates,
    /// `clusterworkflowtemplates.argoproj.io`
    ClusterWorkflowTemplates,
}

impl CachedResource {
    /// Every watched resource.
    pub const ALL: [CachedResource; 4] = [
        Self::ConfigMaps,
        Self::Secrets,
        Self::WorkflowTemplates,
        Self::ClusterWorkflowTemplates,
    ];

    /// A stable name, suitable as a metric label.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ConfigMaps => "configmaps",
            Self::Secrets => "secrets",
            Self::WorkflowTemplates => "workflowtemplates",
            Self::ClusterWorkflowTemplates => "clusterworkflowtemplates",
        }
    }
}

impl fmt::Display for CachedResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Counters of one watch cache, for metrics and readiness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheStats {
    /// Which resource.
    pub resource: CachedResource,
    /// Whether it is watched at all (see [`CacheOptions`]).
    pub enabled: bool,
    /// Whether the initial list completed (lookups answer found/missing only then).
    pub synced: bool,
    /// Objects known.
    pub objects: usize,
    /// Of those, objects kept in full: ConfigMaps that matter to artifact rules (the others
    /// keep their keys and small values), decodable templates. Secrets: always 0, only their
    /// key names are kept.
    pub kept_in_full: usize,
    /// Complete re-lists after the first (after `410 Gone` or a failed watch restart).
    pub relists: u64,
    /// Errors of the list/watch calls (each one is retried after kube's default backoff).
    pub watch_errors: u64,
    /// The latest error, if any, without object contents.
    pub last_error: Option<String>,
}

/// `namespace → name → entry`; cluster-scoped objects live under the namespace `""`.
struct Objects<V> {
    by_namespace: HashMap<Arc<str>, HashMap<Box<str>, V>>,
    len: usize,
}

impl<V> Default for Objects<V> {
    fn default() -> Self {
        Self {
            by_namespace: HashMap::new(),
            len: 0,
        }
    }
}

impl<V> Objects<V> {
    fn get(&self, namespace: &str, name: &str) -> Option<&V> {
        self.by_namespace.get(namespace)?.get(name)
    }

    fn insert(&mut self, namespace: &str, name: &str, entry: V) {
        let names = match self.by_namespace.get_mut(namespace) {
            Some(names) => names,
            None => self.by_namespace.entry(Arc::from(namespace)).or_default(),
        };
        if names.insert(Box::from(name), entry).is_none() {
            self.len += 1;
        }
    }

    fn remove(&mut self, namespace: &str, name: &str) {
        let Some(names) = self.by_namespace.get_mut(namespace) else {
            return;
        };
        if names.remove(name).is_some() {
            self.len -= 1;
        }
        if names.is_empty() {
            self.by_namespace.remove(namespace);
        }
    }

    fn values(&self) -> impl Iterator<Item = &V> {
        self.by_namespace.values().flat_map(HashMap::values)
    }
}

struct StoreState<V> {
    live: Objects<V>,
    /// Objects of a list in progress; replaces `live` when the list completes.
    relisting: Option<Objects<V>>,
    synced: bool,
    lists: u64,
    last_error: Option<String>,
}

/// One watched resource's store.
struct Store<V> {
    resource: CachedResource,
    state: RwLock<StoreState<V>>,
    watch_errors: AtomicU64,
}

impl<V> Store<V> {
    fn new(resource: CachedResource) -> Self {
        Self {
            resource,
            state: RwLock::new(StoreState {
                live: Objects::default(),
                relisting: None,
                synced: false,
                lists: 0,
                last_error: None,
            }),
            watch_errors: AtomicU64::new(0),
        }
    }

    // A writer that panicked leaves consistent data (each update is one map operation), so a
    // poisoned lock is still usable.
    fn read(&self) -> RwLockReadGuard<'_, StoreState<V>> {
        self.state
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, StoreState<V>> {
        self.state
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn lookup<T>(
        &self,
        namespace: &str,
        name: &str,
        answer: impl FnOnce(&V) -> Lookup<T>,
    ) -> Lookup<T> {
        let state = self.read();
        if !state.synced {
            return Lookup::Unknown;
        }
        match state.live.get(namespace, name) {
            Some(entry) => answer(entry),
            None => Lookup::Missing,
        }
    }

    fn apply(&self, event: Event<(String, String, V)>) {
        let mut state = self.write();
        match event {
            Event::Init => {
                state.lists += 1;
                state.relisting = Some(Objects::default());
            }
            Event::InitApply((namespace, name, entry)) => {
                if let Some(relisting) = &mut state.relisting {
                    relisting.insert(&namespace, &name, entry);
                }
            }
            Event::InitDone => {
                if let Some(listed) = state.relisting.take() {
                    state.live = listed;
                }
                state.synced = true;
            }
            Event::Apply((namespace, name, entry)) => state.live.insert(&namespace, &name, entry),
            Event::Delete((namespace, name, _)) => state.live.remove(&namespace, &name),
        }
    }

    fn record_error(&self, error: String) {
        self.watch_errors.fetch_add(1, Ordering::Relaxed);
        self.write().last_error = Some(error);
    }

    fn stats(&self, kept_in_full: impl Fn(&V) -> bool) -> CacheStats {
        let state = self.read();
        CacheStats {
            resource: self.resource,
            enabled: true,
            synced: state.synced,
            objects: state.live.len,
            kept_in_full: state.live.values().filter(|v| kept_in_full(v)).count(),
            relists: state.lists.saturating_sub(1),
            watch_errors: self.watch_errors.load(Ordering::Relaxed),
            last_error: state.last_error.clone(),
        }
    }
}

/// Values of ConfigMaps that do not matter to artifact rules are kept up to this size (a
/// mistyped `artifactRepositoryRef` key then still reads the value Argo would read); longer
/// ones are dropped.
const SMALL_VALUE_BYTES: usize = 256;

/// A ConfigMap as cached: in full when artifact rules may read it, else its keys with only
/// their small values.
enum ConfigMapEntry {
    Full(Arc<ConfigMapInfo>),
    /// The controller ConfigMap, with its configuration parsed once per change.
    Controller(Arc<ConfigMapInfo>, Result<Arc<ControllerConfig>, String>),
    /// Keys, each with its value when at most [`SMALL_VALUE_BYTES`] long.
    Digest(Box<[DigestEntry]>),
}

/// A key of a ConfigMap kept as a digest, with its value if small.
type DigestEntry = (Box<str>, Option<Box<str>>);

/// Key names of a Secret.
type SecretEntry = Box<[Box<str>]>;

/// A template, or `None` when it exists but cannot be decoded (lookups say unknown).
type TemplateEntry = Option<TemplateObject>;

/// Cluster facts kept warm by watches. Implements [`ClusterContext`]; dropping the last
/// handle stops the watches.
pub struct ClusterCache {
    options: CacheOptions,
    config_maps: Arc<Store<ConfigMapEntry>>,
    secrets: Option<Arc<Store<SecretEntry>>>,
    workflow_templates: Option<Arc<Store<TemplateEntry>>>,
    cluster_workflow_templates: Option<Arc<Store<TemplateEntry>>>,
    changes: Arc<tokio::sync::watch::Sender<u64>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl fmt::Debug for ClusterCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClusterCache")
            .field("options", &self.options)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl Drop for ClusterCache {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// A short description of a watch error, never quoting object contents.
fn describe(error: &watcher::Error) -> String {
    fn client(error: &kube::Error) -> String {
        match error {
            kube::Error::Api(status) => format!("HTTP {} {}", status.code, status.reason),
            kube::Error::SerdeError(_) => "unreadable answer".into(),
            other => other.to_string(),
        }
    }
    match error {
        watcher::Error::InitialListFailed(e) => format!("list failed: {}", client(e)),
        watcher::Error::WatchStartFailed(e) => format!("watch failed to start: {}", client(e)),
        watcher::Error::WatchFailed(e) => format!("watch broke: {}", client(e)),
        watcher::Error::WatchError(status) => {
            format!("watch error: HTTP {} {}", status.code, status.reason)
        }
        watcher::Error::NoResourceVersion => "no resourceVersion in the answer".into(),
    }
}

/// Feed one watcher into a store, reducing each object at once.
async fn run_store<K, V>(
    events: impl Stream<Item = Result<Event<K>, watcher::Error>>,
    store: Arc<Store<V>>,
    reduce: impl Fn(K) -> (String, String, V),
    changes: Arc<tokio::sync::watch::Sender<u64>>,
) {
    let mut events = std::pin::pin!(events);
    while let Some(event) = events.next().await {
        match event {
            Ok(event) => {
                let event = match event {
                    Event::Init => Event::Init,
                    Event::InitDone => Event::InitDone,
                    Event::InitApply(object) => Event::InitApply(reduce(object)),
                    Event::Apply(object) => Event::Apply(reduce(object)),
                    Event::Delete(object) => Event::Delete(reduce(object)),
                };
                store.apply(event);
            }
            Err(error) => {
                let description = describe(&error);
                tracing::warn!(resource = %store.resource, error = %description, "watch error; retrying after backoff");
                store.record_error(description);
            }
        }
        changes.send_modify(|generation| *generation = generation.wrapping_add(1));
    }
}

fn reduce_config_map(
    cm: ConfigMapData,
    options: &CacheOptions,
) -> (String, String, ConfigMapEntry) {
    let namespace = cm.namespace().to_string();
    let name = cm.name().to_string();
    let annotations = cm.annotations();
    let is_controller =
        namespace == options.controller_namespace && name == options.controller_configmap;
    let entry = if config_map_matters(&name, &annotations, &cm.data, is_controller) {
        let controller =
            is_controller.then(|| controller_config(&namespace, &name, &cm.data).map(Arc::new));
        let info = Arc::new(config_map_info(&namespace, &name, annotations, cm.data));
        match controller {
            Some(config) => ConfigMapEntry::Controller(info, config),
            None => ConfigMapEntry::Full(info),
        }
    } else {
        let digest = cm
            .data
            .into_iter()
            .map(|(key, value)| {
                let small = (value.len() <= SMALL_VALUE_BYTES).then(|| Box::from(value));
                (Box::from(key), small)
            })
            .collect();
        ConfigMapEntry::Digest(digest)
    };
    (namespace, name, entry)
}

fn reduce_secret(secret: SecretKeyNames) -> (String, String, SecretEntry) {
    let namespace = secret.namespace().to_string();
    let name = secret.name().to_string();
    let keys = secret.keys.into_iter().map(Box::from).collect();
    (namespace, name, keys)
}

fn reduce_template(kind: ArgoKind, object: DynamicObject) -> (String, String, TemplateEntry) {
    let namespace = object.metadata.namespace.clone().unwrap_or_default();
    let name = object.metadata.name.clone().unwrap_or_default();
    let decoded = serde_json::to_value(&object)
        .map_err(|e| e.to_string())
        .and_then(|value| template_object(kind, value));
    let entry = match decoded {
        Ok(template) => Some(template),
        Err(error) => {
            tracing::warn!(kind = kind.as_str(), %namespace, %name, %error, "template cannot be decoded; lookups of it are unknown");
            None
        }
    };
    (namespace, name, entry)
}

impl ClusterCache {
    /// Start the watches (spawned on the current Tokio runtime; call from within one).
    pub fn start(client: Client, options: CacheOptions) -> Arc<ClusterCache> {
        let changes = Arc::new(tokio::sync::watch::channel(0u64).0);
        let config = watcher::Config::default().page_size(options.page_size);
        let mut tasks = Vec::new();

        let config_maps = Arc::new(Store::new(CachedResource::ConfigMaps));
        {
            let events = watcher(Api::<ConfigMapData>::all(client.clone()), config.clone());
            let reduce_options = options.clone();
            tasks.push(tokio::spawn(run_store(
                events,
                Arc::clone(&config_maps),
                move |cm| reduce_config_map(cm, &reduce_options),
                Arc::clone(&changes),
            )));
        }

        let secrets = options.watch_secrets.then(|| {
            let store = Arc::new(Store::new(CachedResource::Secrets));
            let events = watcher(Api::<SecretKeyNames>::all(client.clone()), config.clone());
            tasks.push(tokio::spawn(run_store(
                events,
                Arc::clone(&store),
                reduce_secret,
                Arc::clone(&changes),
            )));
            store
        });

        let mut template_store = |resource, kind, api_resource| {
            let store = Arc::new(Store::new(resource));
            let events = watcher(
                Api::<DynamicObject>::all_with(client.clone(), &api_resource),
                config.clone(),
            );
            tasks.push(tokio::spawn(run_store(
                events,
                Arc::clone(&store),
                move |object| reduce_template(kind, object),
                Arc::clone(&changes),
            )));
            store
        };
        let (workflow_templates, cluster_workflow_templates) = if options.watch_templates {
            (
                Some(template_store(
                    CachedResource::WorkflowTemplates,
                    ArgoKind::WorkflowTemplate,
                    workflow_template_resource(),
                )),
                Some(template_store(
                    CachedResource::ClusterWorkflowTemplates,
                    ArgoKind::ClusterWorkflowTemplate,
                    cluster_workflow_template_resource(),
                )),
            )
        } else {
            (None, None)
        };

        Arc::new(ClusterCache {
            options,
            config_maps,
            secrets,
            workflow_templates,
            cluster_workflow_templates,
            changes,
            tasks,
        })
    }

    /// The options the cache was started with.
    pub fn options(&self) -> &CacheOptions {
        &self.options
    }

    /// Whether every enabled cache completed its initial list (readiness).
    pub fn synced(&self) -> bool {
        self.stats().iter().all(|s| !s.enabled || s.synced)
    }

    /// Whether one resource's cache completed its initial list (`false` when not watched).
    pub fn is_synced(&self, resource: CachedResource) -> bool {
        self.stats()
            .iter()
            .any(|s| s.resource == resource && s.enabled && s.synced)
    }

    /// Counters of every cache, in [`CachedResource::ALL`] order.
    pub fn stats(&self) -> Vec<CacheStats> {
        let disabled = |resource| CacheStats {
            resource,
            enabled: false,
            synced: false,
            objects: 0,
            kept_in_full: 0,
            relists: 0,
            watch_errors: 0,
            last_error: None,
        };
        let template_stats = |store: &Option<Arc<Store<TemplateEntry>>>, resource| {
            store
                .as_ref()
                .map_or_else(|| disabled(resource), |s| s.stats(Option::is_some))
        };
        vec![
            self.config_maps
                .stats(|entry| !matches!(entry, ConfigMapEntry::Digest(_))),
            self.secrets
                .as_ref()
                .map_or_else(|| disabled(CachedResource::Secrets), |s| s.stats(|_| false)),
            template_stats(&self.workflow_templates, CachedResource::WorkflowTemplates),
            template_stats(
                &self.cluster_workflow_templates,
                CachedResource::ClusterWorkflowTemplates,
            ),
        ]
    }

    /// A receiver that sees a new value after every change of any cache (events, sync,
    /// errors), e.g. to update metrics or readiness without polling.
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// Wait until `condition` holds, re-checking after every change.
    pub async fn wait_for(&self, condition: impl Fn(&ClusterCache) -> bool) {
        let mut changes = self.subscribe();
        while !condition(self) {
            if changes.changed().await.is_err() {
                return;
            }
        }
    }

    /// Wait until every enabled cache is synced.
    pub async fn wait_until_synced(&self) {
        self.wait_for(ClusterCache::synced).await;
    }
}

impl ClusterContext for ClusterCache {
    fn config_map(&self, namespace: &str, name: &str) -> Lookup<Arc<ConfigMapInfo>> {
        self.config_maps
            .lookup(namespace, name, |entry| match entry {
                ConfigMapEntry::Full(info) | ConfigMapEntry::Controller(info, _) => {
                    Lookup::Found(Arc::clone(info))
                }
                // No value reads like a repository definition and it has no Argo annotation.
                // The keys are exact, so "key not found" answers stay true; a dropped (long)
                // value reads as empty, i.e. an empty repository, never as a false error.
                ConfigMapEntry::Digest(entries) => Lookup::Found(Arc::new(ConfigMapInfo {
                    namespace: namespace.to_string(),
                    name: name.to_string(),
                    annotations: BTreeMap::new(),
                    data: entries
                        .iter()
                        .map(|(key, value)| {
                            (key.to_string(), value.as_deref().unwrap_or("").to_string())
                        })
                        .collect(),
                })),
            })
    }

    fn secret(&self, namespace: &str, name: &str) -> Lookup<Arc<SecretKeys>> {
        let Some(secrets) = &self.secrets else {
            return Lookup::Unknown;
        };
        secrets.lookup(namespace, name, |keys| {
            Lookup::Found(Arc::new(SecretKeys {
                namespace: namespace.to_string(),
                name: name.to_string(),
                keys: keys.iter().map(|key| key.to_string()).collect(),
            }))
        })
    }

    fn workflow_template(&self, namespace: &str, name: &str) -> Lookup<TemplateObject> {
        let Some(templates) = &self.workflow_templates else {
            return Lookup::Unknown;
        };
        templates.lookup(namespace, name, |entry| match entry {
            Some(template) => Lookup::Found(template.clone()),
            None => Lookup::Unknown,
        })
    }

    fn cluster_workflow_template(&self, name: &str) -> Lookup<TemplateObject> {
        let Some(templates) = &self.cluster_workflow_templates else {
            return Lookup::Unknown;
        };
        templates.lookup("", name, |entry| match entry {
            Some(template) => Lookup::Found(template.clone()),
            None => Lookup::Unknown,
        })
    }

    fn controller(&self) -> Lookup<Arc<ControllerConfig>> {
        let (namespace, name) = (
            &self.options.controller_namespace,
            &self.options.controller_configmap,
        );
        self.config_maps
            .lookup(namespace, name, |entry| match entry {
                ConfigMapEntry::Controller(_, Ok(config)) => Lookup::Found(Arc::clone(config)),
                _ => Lookup::Unknown,
            })
    }

    /// Bumped after every event a watch delivers (applied first) and every watch error.
    fn generation(&self) -> Option<u64> {
        Some(*self.changes.borrow())
    }

    fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        for stats in self.stats() {
            if stats.enabled && !stats.synced {
                let error = stats
                    .last_error
                    .map_or_else(String::new, |e| format!(" (last error: {e})"));
                notes.push(format!(
                    "the {} cache has not synced yet{error}; lookups of {} are unknown",
                    stats.resource, stats.resource
                ));
            }
        }
        let controller_error = self
            .config_maps
            .lookup(
                &self.options.controller_namespace,
                &self.options.controller_configmap,
                |entry| match entry {
                    ConfigMapEntry::Controller(_, Err(e)) => Lookup::Found(e.clone()),
                    _ => Lookup::Missing,
                },
            )
            .found();
        if let Some(error) = controller_error {
            notes.push(format!(
                "cannot read the controller configuration {}/{}: {error}; treated as unknown",
                self.options.controller_namespace, self.options.controller_configmap
            ));
        }
        notes
    }
}

fn watcher<K>(
    api: Api<K>,
    config: watcher::Config,
) -> impl Stream<Item = Result<Event<K>, watcher::Error>> + Send
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + fmt::Debug + Send + 'static,
{
    watcher::watcher(api, config).default_backoff()
}
