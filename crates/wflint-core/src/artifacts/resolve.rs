//! Argo's artifact repository resolution (`artifactRepositories.Resolve`, argo-semantics.md
//! §4.2) over a [`ClusterContext`], recording every candidate tried so that findings can show
//! the chain in their help text.
//!
//! - Ref absent: the `artifact-repositories` ConfigMap of the workflow's namespace with the key
//!   named by its default annotation, else the controller default (which always "succeeds", even
//!   when the controller configures no repository).
//! - Ref present: the ref's ConfigMap (default `artifact-repositories`) in the workflow's
//!   namespace, then the same name in the controller's namespace; the key is the ref's or the
//!   ConfigMap's annotation. No fallback to the controller default.
//!
//! A candidate whose ConfigMap is missing, or lacks the key, is skipped; a value that does not
//! decode aborts resolution, as in Argo. An *unknown* lookup makes the outcome unknown, so that
//! no rule reports a missing repository it cannot be sure of.

use std::{
    collections::HashMap,
    fmt,
    sync::{Arc, LazyLock, Mutex, PoisonError},
};

use serde_json::Value;

use crate::{
    context::{ClusterContext, ConfigMapInfo, Lookup},
    source::{self, Limits},
};

use super::location::repository_driver;

/// Name of the ConfigMap Argo looks in by default.
pub const REPOSITORIES_CONFIG_MAP: &str = "artifact-repositories";

/// Annotation of a repositories ConfigMap naming its default key.
pub const DEFAULT_REPOSITORY_ANNOTATION: &str = "workflows.argoproj.io/default-artifact-repository";

/// The namespace recorded in a [`Candidate`] when the controller's namespace is not known.
pub const CONTROLLER_NAMESPACE_UNKNOWN: &str = "<controller namespace>";

/// `spec.artifactRepositoryRef`: empty fields take Argo's defaults.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RepositoryRef {
    /// `configMap` (empty: `artifact-repositories`).
    pub config_map: String,
    /// `key` (empty: the ConfigMap's default annotation).
    pub key: String,
}

impl RepositoryRef {
    /// Read a ref from its JSON (`{configMap, key}`); `None` when absent (`null`) or not a
    /// mapping. Non-string fields count as empty.
    pub fn from_value(value: &Value) -> Option<Self> {
        let object = value.as_object()?;
        let field = |name: &str| {
            object
                .get(name)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        Some(Self {
            config_map: field("configMap"),
            key: field("key"),
        })
    }

    /// The ref's `artifactRepositoryRef` in a workflow spec, if set.
    pub fn from_spec(spec: &Value) -> Option<Self> {
        spec.get("artifactRepositoryRef").and_then(Self::from_value)
    }

    /// The ConfigMap name Argo looks up.
    pub fn config_map_or_default(&self) -> &str {
        if self.config_map.is_empty() {
            REPOSITORIES_CONFIG_MAP
        } else {
            &self.config_map
        }
    }

    /// The ref as JSON, with only the non-empty fields.
    pub fn to_value(&self) -> Value {
        let mut object = serde_json::Map::new();
        if !self.config_map.is_empty() {
            object.insert("configMap".into(), Value::String(self.config_map.clone()));
        }
        if !self.key.is_empty() {
            object.insert("key".into(), Value::String(self.key.clone()));
        }
        Value::Object(object)
    }
}

/// Argo's text form, `configMap#key` (either side may be empty).
impl fmt::Display for RepositoryRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.config_map, self.key)
    }
}

/// A place Argo looks for the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Candidate {
    /// A repositories ConfigMap.
    ConfigMap {
        /// Its namespace.
        namespace: String,
        /// Its name.
        name: String,
        /// The key given by the ref (`None`: the ConfigMap's default annotation).
        key: Option<String>,
    },
    /// The controller's `artifactRepository`.
    ControllerDefault,
}

impl fmt::Display for Candidate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Candidate::ConfigMap {
                namespace,
                name,
                key: Some(key),
            } => write!(f, "ConfigMap {namespace}/{name} key {key:?}"),
            Candidate::ConfigMap {
                namespace, name, ..
            } => write!(
                f,
                "ConfigMap {namespace}/{name} (key from its {DEFAULT_REPOSITORY_ANNOTATION} annotation)"
            ),
            Candidate::ControllerDefault => f.write_str("the controller's artifactRepository"),
        }
    }
}

/// What one candidate gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The repository was found here (under `key`).
    Found {
        /// The key used.
        key: String,
    },
    /// The ConfigMap does not exist (skipped).
    ConfigMapMissing,
    /// No key was given and the ConfigMap has no default annotation (skipped).
    NoDefaultAnnotation,
    /// The ConfigMap has no such key (skipped).
    KeyMissing {
        /// The key looked for.
        key: String,
    },
    /// The value under the key is not a valid ArtifactRepository (resolution aborts).
    Invalid {
        /// The key.
        key: String,
        /// Why it does not decode.
        error: String,
    },
    /// The controller configuration is known but sets no repository (Argo still "resolves" to
    /// it, with an empty repository).
    NotConfigured,
    /// The lookup could not be answered (resolution stops, outcome unknown).
    Unknown,
}

/// One candidate tried, and what it gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// Where Argo looked.
    pub candidate: Candidate,
    /// What it found there.
    pub outcome: AttemptOutcome,
}

impl fmt::Display for Attempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.candidate)?;
        match &self.outcome {
            AttemptOutcome::Found { key } => write!(f, "found (key {key:?})"),
            AttemptOutcome::ConfigMapMissing => f.write_str("no such ConfigMap"),
            AttemptOutcome::NoDefaultAnnotation => {
                write!(f, "no {DEFAULT_REPOSITORY_ANNOTATION} annotation")
            }
            AttemptOutcome::KeyMissing { key } => write!(f, "no key {key:?}"),
            AttemptOutcome::Invalid { key, error } => write!(f, "key {key:?} is invalid: {error}"),
            AttemptOutcome::NotConfigured => f.write_str("not configured"),
            AttemptOutcome::Unknown => f.write_str("unknown (not in the cluster context)"),
        }
    }
}

/// Where the resolved repository is defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepositorySource {
    /// A repositories ConfigMap, with the key actually used (annotation filled in).
    ConfigMap {
        /// Its namespace.
        namespace: String,
        /// Its name.
        name: String,
        /// The key.
        key: String,
    },
    /// The controller's `artifactRepository`.
    ControllerDefault,
}

impl RepositorySource {
    /// The ref that pins exactly this ConfigMap entry (`None` for the controller default,
    /// which no ref can name).
    pub fn pinned_ref(&self) -> Option<RepositoryRef> {
        match self {
            RepositorySource::ConfigMap { name, key, .. } => Some(RepositoryRef {
                config_map: name.clone(),
                key: key.clone(),
            }),
            RepositorySource::ControllerDefault => None,
        }
    }
}

/// Argo's log form: `<namespace>/<configMap>#<key>` or `default-artifact-repository`.
impl fmt::Display for RepositorySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RepositorySource::ConfigMap {
                namespace,
                name,
                key,
            } => write!(f, "{namespace}/{name}#{key}"),
            RepositorySource::ControllerDefault => f.write_str("default-artifact-repository"),
        }
    }
}

/// The outcome of resolution.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    /// Argo resolves to this source. `repository` is `None` when it is the controller default
    /// and the controller configures none (then nothing can be stored: see
    /// [`Resolution::is_configured`]).
    Resolved {
        /// Where.
        source: RepositorySource,
        /// The ArtifactRepository value.
        repository: Option<Arc<Value>>,
    },
    /// A ref is set and neither namespace has it: Argo fails the workflow with
    /// `failed to find any artifact repository for artifact repository ref "<ref>"`.
    RefNotFound {
        /// The ref, as written.
        reference: RepositoryRef,
    },
    /// A candidate's value does not decode: Argo fails the workflow with this error.
    Invalid {
        /// Argo's error text, as the workflow's message shows it.
        error: String,
    },
    /// The context cannot tell.
    Unknown,
}

impl Resolution {
    /// Whether a usable repository (one with a storage driver) resolves.
    pub fn is_configured(&self) -> bool {
        matches!(self, Resolution::Resolved { repository: Some(repo), .. } if repository_driver(repo).is_some())
    }

    /// The resolved repository, when it has a storage driver.
    pub fn configured_repository(&self) -> Option<&Arc<Value>> {
        match self {
            Resolution::Resolved {
                repository: Some(repository),
                ..
            } if repository_driver(repository).is_some() => Some(repository),
            _ => None,
        }
    }

    /// Whether the resolved repository has `archiveLogs: true` (then every pod archives its
    /// logs).
    pub fn archives_logs(&self) -> bool {
        matches!(self, Resolution::Resolved { repository: Some(repository), .. }
            if repository.get("archiveLogs").and_then(Value::as_bool) == Some(true))
    }
}

/// A resolution with the candidates tried, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// The outcome.
    pub resolution: Resolution,
    /// Every candidate tried.
    pub chain: Vec<Attempt>,
}

impl Resolved {
    /// The chain as lines for a help text (`1. ConfigMap argo/artifact-repositories ...`).
    pub fn describe_chain(&self) -> String {
        self.chain
            .iter()
            .enumerate()
            .map(|(i, attempt)| format!("{}. {attempt}", i + 1))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Decode an ArtifactRepository value from a ConfigMap entry: YAML text, leniently (unknown
/// fields are ignored), but it must be a mapping whose driver blocks are mappings.
pub fn parse_repository(text: &str) -> Result<Value, String> {
    if text.trim().is_empty() {
        return Ok(Value::Object(serde_json::Map::new()));
    }
    let parsed = source::parse("artifact repository", text.as_bytes(), &Limits::default());
    if let Some(problem) = parsed.problems.first() {
        return Err(problem.message.clone());
    }
    let value = match parsed.documents.into_iter().next() {
        Some(document) => document.value,
        None => Value::Null,
    };
    match value {
        Value::Null => Ok(Value::Object(serde_json::Map::new())),
        Value::Object(map) => {
            for driver in super::location::Driver::REPOSITORY_ORDER {
                if let Some(block) = map.get(driver.field())
                    && !(block.is_object() || block.is_null())
                {
                    return Err(format!("{} must be a mapping", driver.field()));
                }
            }
            Ok(Value::Object(map))
        }
        other => Err(format!(
            "an artifact repository must be a mapping, not {}",
            json_type(&other)
        )),
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// Parsed entries of the repository ConfigMaps seen so far, keyed by the address of the shared
/// [`ConfigMapInfo`] a context handed out. The cache holds a clone of that `Arc`, so the address
/// cannot be reused by another ConfigMap while the entry lives; a context that reloads a
/// ConfigMap hands out a new `Arc`, hence a new entry. Bounded: cleared when full.
type ParsedEntries = HashMap<String, Result<Arc<Value>, String>>;

type ParsedCache = HashMap<usize, (Arc<ConfigMapInfo>, ParsedEntries)>;

static PARSED: LazyLock<Mutex<ParsedCache>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// How many ConfigMaps the cache keeps before starting afresh.
const PARSED_CACHE_LIMIT: usize = 256;

/// [`parse_repository`] of one ConfigMap entry, parsed once per ConfigMap object (every object
/// of a run resolving to the same entry shares the result).
fn parse_entry(
    config_map: &Arc<ConfigMapInfo>,
    key: &str,
    text: &str,
) -> Result<Arc<Value>, String> {
    let address = Arc::as_ptr(config_map) as usize;
    {
        let cache = PARSED.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = cache
            .get(&address)
            .and_then(|(_, entries)| entries.get(key))
        {
            return found.clone();
        }
    }
    let parsed = parse_repository(text).map(Arc::new);
    let mut cache = PARSED.lock().unwrap_or_else(PoisonError::into_inner);
    if cache.len() >= PARSED_CACHE_LIMIT && !cache.contains_key(&address) {
        cache.clear();
    }
    cache
        .entry(address)
        .or_insert_with(|| (Arc::clone(config_map), HashMap::new()))
        .1
        .insert(key.to_string(), parsed.clone());
    parsed
}

/// Look one ConfigMap candidate up. `Ok(Some)` found, `Ok(None)` skipped, `Err` stops.
fn try_config_map(
    context: &dyn ClusterContext,
    namespace: &str,
    name: &str,
    explicit_key: Option<&str>,
    argo_ref: &str,
    chain: &mut Vec<Attempt>,
) -> Result<Option<Resolution>, Resolution> {
    let candidate = Candidate::ConfigMap {
        namespace: namespace.to_string(),
        name: name.to_string(),
        key: explicit_key.map(str::to_string),
    };
    let (outcome, result) = match context.config_map(namespace, name) {
        Lookup::Unknown => (AttemptOutcome::Unknown, Err(Resolution::Unknown)),
        Lookup::Missing => (AttemptOutcome::ConfigMapMissing, Ok(None)),
        Lookup::Found(config_map) => lookup_key(&config_map, explicit_key, argo_ref),
    };
    chain.push(Attempt { candidate, outcome });
    result
}

fn lookup_key(
    config_map: &Arc<ConfigMapInfo>,
    explicit_key: Option<&str>,
    argo_ref: &str,
) -> (AttemptOutcome, Result<Option<Resolution>, Resolution>) {
    let key = match explicit_key {
        Some(key) => key,
        None => match config_map.annotations.get(DEFAULT_REPOSITORY_ANNOTATION) {
            Some(key) if !key.is_empty() => key.as_str(),
            _ => return (AttemptOutcome::NoDefaultAnnotation, Ok(None)),
        },
    };
    let Some(text) = config_map.data.get(key) else {
        return (
            AttemptOutcome::KeyMissing {
                key: key.to_string(),
            },
            Ok(None),
        );
    };
    match parse_entry(config_map, key, text) {
        Ok(repository) => (
            AttemptOutcome::Found {
                key: key.to_string(),
            },
            Ok(Some(Resolution::Resolved {
                source: RepositorySource::ConfigMap {
                    namespace: config_map.namespace.clone(),
                    name: config_map.name.clone(),
                    key: key.to_string(),
                },
                repository: Some(repository),
            })),
        ),
        Err(error) => {
            // The controller wraps the candidate's error twice before marking the workflow.
            let argo = format!(
                "failed to resolve artifact repository: error getting config map for artifact repository ref \"{argo_ref}\": failed to unmarshall config map key {key:?} for artifact repository ref \"{argo_ref}\": {error}"
            );
            (
                AttemptOutcome::Invalid {
                    key: key.to_string(),
                    error,
                },
                Err(Resolution::Invalid { error: argo }),
            )
        }
    }
}

/// Resolve the repository of a workflow in `workflow_namespace` whose execution spec has
/// `reference` as its `artifactRepositoryRef` (`None`: no ref).
pub fn resolve(
    reference: Option<&RepositoryRef>,
    workflow_namespace: &str,
    context: &dyn ClusterContext,
) -> Resolved {
    let mut chain = Vec::new();
    let resolution = match reference {
        None => resolve_default(workflow_namespace, context, &mut chain),
        Some(reference) => resolve_ref(reference, workflow_namespace, context, &mut chain),
    };
    Resolved { resolution, chain }
}

fn resolve_default(
    namespace: &str,
    context: &dyn ClusterContext,
    chain: &mut Vec<Attempt>,
) -> Resolution {
    // Argo prints the candidate as `<namespace>/<ref configMap>#<ref key>`, both empty here.
    let argo_ref = format!("{namespace}/#");
    match try_config_map(
        context,
        namespace,
        REPOSITORIES_CONFIG_MAP,
        None,
        &argo_ref,
        chain,
    ) {
        Ok(Some(found)) => return found,
        Ok(None) => {}
        Err(stop) => return stop,
    }
    let (outcome, resolution) = match context.controller() {
        Lookup::Found(config) => match &config.artifact_repository {
            Some(repository) if !repository.is_null() => (
                AttemptOutcome::Found { key: String::new() },
                Resolution::Resolved {
                    source: RepositorySource::ControllerDefault,
                    repository: Some(Arc::new(repository.clone())),
                },
            ),
            _ => (
                AttemptOutcome::NotConfigured,
                Resolution::Resolved {
                    source: RepositorySource::ControllerDefault,
                    repository: None,
                },
            ),
        },
        // The context knows there is no controller configuration: Argo's default is empty.
        Lookup::Missing => (
            AttemptOutcome::NotConfigured,
            Resolution::Resolved {
                source: RepositorySource::ControllerDefault,
                repository: None,
            },
        ),
        Lookup::Unknown => (AttemptOutcome::Unknown, Resolution::Unknown),
    };
    chain.push(Attempt {
        candidate: Candidate::ControllerDefault,
        outcome,
    });
    resolution
}

fn resolve_ref(
    reference: &RepositoryRef,
    namespace: &str,
    context: &dyn ClusterContext,
    chain: &mut Vec<Attempt>,
) -> Resolution {
    let name = reference.config_map_or_default();
    let key = (!reference.key.is_empty()).then_some(reference.key.as_str());
    let argo_ref = |ns: &str| format!("{ns}/{reference}");
    match try_config_map(context, namespace, name, key, &argo_ref(namespace), chain) {
        Ok(Some(found)) => return found,
        Ok(None) => {}
        Err(stop) => return stop,
    }
    let controller_namespace = match context.controller() {
        Lookup::Found(config) => config.namespace.clone(),
        Lookup::Missing | Lookup::Unknown => {
            // The controller's namespace is not known. In a closed world where no other
            // namespace has the ConfigMap, it cannot be found there either.
            let elsewhere = context
                .config_map_namespaces(name)
                .map(|list| list.into_iter().any(|ns| ns != namespace));
            let outcome = match elsewhere {
                Lookup::Found(false) => AttemptOutcome::ConfigMapMissing,
                _ => AttemptOutcome::Unknown,
            };
            let found_nowhere = outcome == AttemptOutcome::ConfigMapMissing;
            chain.push(Attempt {
                candidate: Candidate::ConfigMap {
                    namespace: CONTROLLER_NAMESPACE_UNKNOWN.to_string(),
                    name: name.to_string(),
                    key: key.map(str::to_string),
                },
                outcome,
            });
            return if found_nowhere {
                Resolution::RefNotFound {
                    reference: reference.clone(),
                }
            } else {
                Resolution::Unknown
            };
        }
    };
    // Argo tries the controller's namespace even when it is the workflow's; the answer is the
    // same, so one attempt is recorded.
    if controller_namespace != namespace {
        let text = argo_ref(&controller_namespace);
        match try_config_map(context, &controller_namespace, name, key, &text, chain) {
            Ok(Some(found)) => return found,
            Ok(None) => {}
            Err(stop) => return stop,
        }
    }
    Resolution::RefNotFound {
        reference: reference.clone(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::*;
    use crate::context::{ControllerConfig, NoContext, SecretKeys, TemplateObject};

    /// A closed-world context: ConfigMaps as given, controller in `argo`.
    #[derive(Default)]
    struct Ctx {
        config_maps: Vec<ConfigMapInfo>,
        controller_repository: Option<Value>,
        controller_unknown: bool,
        controller_missing: bool,
        lists_config_maps: bool,
    }

    impl Ctx {
        fn with(
            mut self,
            namespace: &str,
            name: &str,
            default: Option<&str>,
            data: &[(&str, &str)],
        ) -> Self {
            let mut annotations = BTreeMap::new();
            if let Some(key) = default {
                annotations.insert(DEFAULT_REPOSITORY_ANNOTATION.to_string(), key.to_string());
            }
            self.config_maps.push(ConfigMapInfo {
                namespace: namespace.into(),
                name: name.into(),
                annotations,
                data: data
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            });
            self
        }
    }

    impl ClusterContext for Ctx {
        fn config_map(&self, namespace: &str, name: &str) -> Lookup<Arc<ConfigMapInfo>> {
            self.config_maps
                .iter()
                .find(|c| c.namespace == namespace && c.name == name)
                .map_or(Lookup::Missing, |c| Lookup::Found(Arc::new(c.clone())))
        }
        fn secret(&self, _: &str, _: &str) -> Lookup<Arc<SecretKeys>> {
            Lookup::Missing
        }
        fn workflow_template(&self, _: &str, _: &str) -> Lookup<TemplateObject> {
            Lookup::Missing
        }
        fn cluster_workflow_template(&self, _: &str) -> Lookup<TemplateObject> {
            Lookup::Missing
        }
        fn config_map_namespaces(&self, name: &str) -> Lookup<Vec<String>> {
            if !self.lists_config_maps {
                return Lookup::Unknown;
            }
            Lookup::Found(
                self.config_maps
                    .iter()
                    .filter(|c| c.name == name)
                    .map(|c| c.namespace.clone())
                    .collect(),
            )
        }
        fn controller(&self) -> Lookup<Arc<ControllerConfig>> {
            if self.controller_unknown {
                return Lookup::Unknown;
            }
            if self.controller_missing {
                return Lookup::Missing;
            }
            Lookup::Found(Arc::new(ControllerConfig {
                namespace: "argo".into(),
                name: "workflow-controller-configmap".into(),
                artifact_repository: self.controller_repository.clone(),
                workflow_defaults: None,
                workflow_restrictions: None,
            }))
        }
    }

    const S3: &str = r#"{"s3": {"bucket": "b", "endpoint": "minio:9000"}}"#;

    fn source_of(resolved: &Resolved) -> Option<String> {
        match &resolved.resolution {
            Resolution::Resolved { source, .. } => Some(source.to_string()),
            _ => None,
        }
    }

    #[test]
    fn no_ref_prefers_the_annotated_namespace_config_map() {
        let ctx = Ctx {
            controller_repository: Some(json!({"gcs": {"bucket": "c"}})),
            ..Ctx::default()
        }
        .with("team", REPOSITORIES_CONFIG_MAP, Some("v1"), &[("v1", S3)]);
        let resolved = resolve(None, "team", &ctx);
        assert_eq!(
            source_of(&resolved).as_deref(),
            Some("team/artifact-repositories#v1")
        );
        assert!(resolved.resolution.is_configured());
        assert_eq!(resolved.chain.len(), 1);
        let Resolution::Resolved { source, .. } = &resolved.resolution else {
            unreachable!()
        };
        assert_eq!(
            source.pinned_ref(),
            Some(RepositoryRef {
                config_map: "artifact-repositories".into(),
                key: "v1".into()
            })
        );
    }

    #[test]
    fn an_unannotated_namespace_config_map_is_skipped_for_the_controller_default() {
        let ctx = Ctx {
            controller_repository: Some(json!({"gcs": {"bucket": "c"}})),
            ..Ctx::default()
        }
        .with("team", REPOSITORIES_CONFIG_MAP, None, &[("v1", S3)]);
        let resolved = resolve(None, "team", &ctx);
        assert_eq!(
            source_of(&resolved).as_deref(),
            Some("default-artifact-repository")
        );
        assert_eq!(
            resolved.chain[0].outcome,
            AttemptOutcome::NoDefaultAnnotation
        );
        assert!(resolved.resolution.is_configured());
        assert!(resolved.describe_chain().starts_with(
            "1. ConfigMap team/artifact-repositories (key from its workflows.argoproj.io/default-artifact-repository annotation): no workflows.argoproj.io/default-artifact-repository annotation\n2. the controller's artifactRepository: found"
        ));
    }

    #[test]
    fn the_controller_default_always_resolves_even_when_empty() {
        let resolved = resolve(None, "team", &Ctx::default());
        assert_eq!(
            resolved.resolution,
            Resolution::Resolved {
                source: RepositorySource::ControllerDefault,
                repository: None
            }
        );
        assert!(!resolved.resolution.is_configured());
        // archiveLogs alone is no storage either.
        let ctx = Ctx {
            controller_repository: Some(json!({"archiveLogs": true})),
            ..Ctx::default()
        };
        assert!(!resolve(None, "team", &ctx).resolution.is_configured());
    }

    #[test]
    fn a_ref_looks_in_the_workflow_namespace_then_the_controller_namespace() {
        let reference = RepositoryRef {
            config_map: "repos".into(),
            key: "main".into(),
        };
        let ctx = Ctx::default()
            .with("team", "repos", None, &[("other", S3)])
            .with("argo", "repos", None, &[("main", S3)]);
        let resolved = resolve(Some(&reference), "team", &ctx);
        assert_eq!(source_of(&resolved).as_deref(), Some("argo/repos#main"));
        assert_eq!(
            resolved.chain[0].outcome,
            AttemptOutcome::KeyMissing { key: "main".into() }
        );
    }

    #[test]
    fn a_ref_never_falls_back_to_the_controller_default() {
        let ctx = Ctx {
            controller_repository: Some(json!({"gcs": {"bucket": "c"}})),
            ..Ctx::default()
        };
        let reference = RepositoryRef::default();
        let resolved = resolve(Some(&reference), "team", &ctx);
        assert_eq!(
            resolved.resolution,
            Resolution::RefNotFound {
                reference: RepositoryRef::default()
            }
        );
        assert_eq!(resolved.chain.len(), 2);
        assert_eq!(reference.to_string(), "#");
    }

    #[test]
    fn without_a_known_controller_a_closed_world_still_decides() {
        let reference = RepositoryRef {
            config_map: "repos".into(),
            key: "main".into(),
        };
        let ctx = Ctx {
            controller_missing: true,
            lists_config_maps: true,
            ..Ctx::default()
        }
        .with("team", "repos", None, &[("other", S3)]);
        let resolved = resolve(Some(&reference), "team", &ctx);
        assert!(
            matches!(resolved.resolution, Resolution::RefNotFound { .. }),
            "{resolved:?}"
        );
        // A ConfigMap of that name elsewhere may be in the controller's namespace: unknown.
        let ctx = ctx.with("argo-system", "repos", None, &[("main", S3)]);
        assert_eq!(
            resolve(Some(&reference), "team", &ctx).resolution,
            Resolution::Unknown
        );
    }

    #[test]
    fn a_ref_without_key_uses_the_annotation() {
        let reference = RepositoryRef::from_value(&json!({"configMap": "repos"})).unwrap();
        let ctx = Ctx::default().with("team", "repos", Some("k"), &[("k", S3)]);
        let resolved = resolve(Some(&reference), "team", &ctx);
        assert_eq!(source_of(&resolved).as_deref(), Some("team/repos#k"));
        // Without the annotation the key is "", which is missing: skipped.
        let ctx = Ctx::default().with("team", "repos", None, &[("k", S3)]);
        let resolved = resolve(Some(&reference), "team", &ctx);
        assert!(matches!(
            resolved.resolution,
            Resolution::RefNotFound { .. }
        ));
    }

    #[test]
    fn an_undecodable_value_aborts() {
        let ctx = Ctx {
            controller_repository: Some(json!({"gcs": {"bucket": "c"}})),
            ..Ctx::default()
        }
        .with(
            "team",
            REPOSITORIES_CONFIG_MAP,
            Some("v1"),
            &[("v1", "\"just text\"")],
        );
        let resolved = resolve(None, "team", &ctx);
        let Resolution::Invalid { error } = &resolved.resolution else {
            panic!("{resolved:?}")
        };
        assert!(
            error.starts_with("failed to resolve artifact repository: error getting config map for artifact repository ref \"team/#\": failed to unmarshall config map key \"v1\" for artifact repository ref \"team/#\": "),
            "{error}"
        );
    }

    #[test]
    fn unknown_facts_give_an_unknown_outcome() {
        assert_eq!(
            resolve(None, "team", &NoContext).resolution,
            Resolution::Unknown
        );
        let ctx = Ctx {
            controller_unknown: true,
            ..Ctx::default()
        };
        assert_eq!(resolve(None, "team", &ctx).resolution, Resolution::Unknown);
        let reference = RepositoryRef::default();
        assert_eq!(
            resolve(Some(&reference), "team", &ctx).resolution,
            Resolution::Unknown
        );
    }

    #[test]
    fn refs_read_from_specs() {
        assert_eq!(RepositoryRef::from_spec(&json!({})), None);
        assert_eq!(
            RepositoryRef::from_spec(&json!({"artifactRepositoryRef": null})),
            None
        );
        assert_eq!(
            RepositoryRef::from_spec(&json!({"artifactRepositoryRef": {}})),
            Some(RepositoryRef::default())
        );
        let r = RepositoryRef::from_value(&json!({"configMap": "a", "key": "b"})).unwrap();
        assert_eq!(r.to_string(), "a#b");
        assert_eq!(r.to_value(), json!({"configMap": "a", "key": "b"}));
    }
}
