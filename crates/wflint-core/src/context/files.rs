//! The offline cluster context: cluster state given as manifest files (`--context`,
//! `--controller-config`), in the form `kubectl get -o yaml` writes it.
//!
//! Only what rules need is kept: ConfigMaps (annotations and string data), Secrets reduced to
//! their key names as soon as they are read (values are never stored, logged or quoted in an
//! error), WorkflowTemplates, ClusterWorkflowTemplates and the workflow controller's
//! configuration. With context files the given state is complete (closed world): an object that
//! is absent is [`Lookup::Missing`], not unknown. When two files define the same object, the
//! first one read wins (files are read in the order given, folders in sorted order).

use std::{
    collections::{BTreeMap, BTreeSet, HashMap, HashSet},
    io,
    path::{Path, PathBuf},
    sync::Arc,
};

use serde_json::Value;

use crate::{
    diagnostic::Target,
    model::{self, ArgoKind},
    path::{FieldPath, PointerExt as _},
    rules,
    source::{self, Document, Limits, ParsedFile},
    span::ColumnUnit,
};

use super::{ClusterContext, ConfigMapInfo, ControllerConfig, Lookup, SecretKeys, TemplateObject};

/// The suffix of the controller ConfigMap's name (`workflow-controller-configmap`, or with a
/// Helm release prefix such as `argo-workflows-workflow-controller-configmap`).
pub const CONTROLLER_CONFIGMAP_SUFFIX: &str = "workflow-controller-configmap";

/// A context file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    /// A file or folder could not be read.
    #[error("cannot read context path {}", path.display())]
    Read {
        /// The path given.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// A context file is not valid YAML/JSON, or one of its Kubernetes objects is malformed.
    #[error("{file}:{line}:{column}: {message}")]
    Invalid {
        /// The file (as named by the caller).
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column (characters).
        column: usize,
        /// What is wrong, in plain words (never quoting a Secret value).
        message: String,
    },
    /// `--controller-config` names a file without a usable controller configuration.
    #[error("{file}: {message}")]
    ControllerConfig {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
}

/// Cluster state read from manifest files.
#[derive(Debug, Default)]
pub struct FileContext {
    config_maps: HashMap<(String, String), Arc<ConfigMapInfo>>,
    secrets: HashMap<(String, String), Arc<SecretKeys>>,
    workflow_templates: HashMap<(String, String), TemplateObject>,
    cluster_workflow_templates: HashMap<String, TemplateObject>,
    controller: Option<Arc<ControllerConfig>>,
    closed_world: bool,
}

impl FileContext {
    /// Start building a context; objects without a namespace go to `default_namespace`.
    pub fn builder(default_namespace: impl Into<String>) -> FileContextBuilder {
        FileContextBuilder {
            default_namespace: default_namespace.into(),
            limits: Limits::default(),
            context: FileContext::default(),
            explicit_controller: None,
            controller_candidates: Vec::new(),
            closed_world: false,
        }
    }

    /// Read the files and folders of `paths` (closed world when there is at least one) and the
    /// controller ConfigMap at `controller_config`, if given. With only a controller ConfigMap,
    /// every other lookup stays [`Lookup::Unknown`].
    pub fn load(
        paths: &[PathBuf],
        controller_config: Option<&Path>,
        default_namespace: &str,
    ) -> Result<Self, ContextError> {
        let mut builder = Self::builder(default_namespace);
        for path in paths {
            builder.add_path(path)?;
        }
        if let Some(path) = controller_config {
            let bytes = std::fs::read(path).map_err(|source| ContextError::Read {
                path: path.to_path_buf(),
                source,
            })?;
            builder.controller_config(&path.display().to_string(), &bytes)?;
        }
        Ok(builder.build())
    }

    /// Whether absent objects are [`Lookup::Missing`] (true once context files were given).
    pub fn is_closed_world(&self) -> bool {
        self.closed_world
    }

    /// How many objects of each sort the context holds: ConfigMaps, Secrets, WorkflowTemplates,
    /// ClusterWorkflowTemplates.
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        (
            self.config_maps.len(),
            self.secrets.len(),
            self.workflow_templates.len(),
            self.cluster_workflow_templates.len(),
        )
    }

    fn absent<T>(&self) -> Lookup<T> {
        if self.closed_world {
            Lookup::Missing
        } else {
            Lookup::Unknown
        }
    }
}

fn key(namespace: &str, name: &str) -> (String, String) {
    (namespace.to_string(), name.to_string())
}

impl ClusterContext for FileContext {
    fn config_map(&self, namespace: &str, name: &str) -> Lookup<Arc<ConfigMapInfo>> {
        match self.config_maps.get(&key(namespace, name)) {
            Some(found) => Lookup::Found(found.clone()),
            None => self.absent(),
        }
    }

    fn secret(&self, namespace: &str, name: &str) -> Lookup<Arc<SecretKeys>> {
        match self.secrets.get(&key(namespace, name)) {
            Some(found) => Lookup::Found(found.clone()),
            None => self.absent(),
        }
    }

    fn workflow_template(&self, namespace: &str, name: &str) -> Lookup<TemplateObject> {
        match self.workflow_templates.get(&key(namespace, name)) {
            Some(found) => Lookup::Found(found.clone()),
            None => self.absent(),
        }
    }

    fn cluster_workflow_template(&self, name: &str) -> Lookup<TemplateObject> {
        match self.cluster_workflow_templates.get(name) {
            Some(found) => Lookup::Found(found.clone()),
            None => self.absent(),
        }
    }

    fn controller(&self) -> Lookup<Arc<ControllerConfig>> {
        match &self.controller {
            Some(found) => Lookup::Found(found.clone()),
            None => self.absent(),
        }
    }

    /// Read once from files and never changed.
    fn generation(&self) -> Option<u64> {
        Some(0)
    }
    fn config_map_namespaces(&self, name: &str) -> Lookup<Vec<String>> {
        if !self.closed_world {
            return Lookup::Unknown;
        }
        let mut namespaces: Vec<String> = self
            .config_maps
            .keys()
            .filter(|(_, n)| n == name)
            .map(|(namespace, _)| namespace.clone())
            .collect();
        namespaces.sort();
        Lookup::Found(namespaces)
    }
}

/// Collects context objects from manifest texts, then resolves the controller configuration.
#[derive(Debug)]
pub struct FileContextBuilder {
    default_namespace: String,
    limits: Limits,
    context: FileContext,
    explicit_controller: Option<Arc<ControllerConfig>>,
    controller_candidates: Vec<ControllerConfig>,
    closed_world: bool,
}

impl FileContextBuilder {
    /// Override the input safety limits used to read context files.
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Add a file, or every `.yaml`/`.yml`/`.json` file under a folder.
    pub fn add_path(&mut self, path: &Path) -> Result<&mut Self, ContextError> {
        let read_error = |source| ContextError::Read {
            path: path.to_path_buf(),
            source,
        };
        self.closed_world = true;
        for file in collect_manifest_files(path).map_err(read_error)? {
            let bytes = std::fs::read(&file).map_err(|source| ContextError::Read {
                path: file.clone(),
                source,
            })?;
            self.add_manifests(&file.display().to_string(), &bytes)?;
        }
        Ok(self)
    }

    /// Add the objects of one manifest text (multi-document YAML, JSON, `List` objects).
    /// Documents that are not Kubernetes objects are skipped; broken syntax and malformed
    /// ConfigMaps, Secrets and templates are errors.
    pub fn add_manifests(&mut self, name: &str, bytes: &[u8]) -> Result<&mut Self, ContextError> {
        self.closed_world = true;
        let parsed = read_manifest_text(name, bytes, &self.limits)?;
        for document in &parsed.documents {
            for object in kubernetes_objects(&document.value) {
                self.add_object(&parsed, document, &object)?;
            }
        }
        Ok(self)
    }

    /// Use the controller ConfigMap in this text (`--controller-config`): a ConfigMap with
    /// `data.config` or `data.artifactRepository`/`data.workflowDefaults`, or the bare
    /// configuration mapping itself. It wins over any controller ConfigMap among the context files.
    pub fn controller_config(
        &mut self,
        name: &str,
        bytes: &[u8],
    ) -> Result<&mut Self, ContextError> {
        let parsed = read_manifest_text(name, bytes, &self.limits)?;
        let mut config_maps = Vec::new();
        let mut bare = None;
        for document in &parsed.documents {
            let objects = kubernetes_objects(&document.value);
            if objects.is_empty() && document.value.is_object() && bare.is_none() {
                bare = Some(document);
            }
            for object in objects {
                if object.kind == "ConfigMap" {
                    config_maps.push((document, object));
                }
            }
        }
        let preferred = config_maps
            .iter()
            .position(|(_, object)| object.name().ends_with(CONTROLLER_CONFIGMAP_SUFFIX))
            .or((config_maps.len() == 1).then_some(0));
        let controller = match (preferred, bare) {
            (Some(index), _) => {
                let (document, object) = &config_maps[index];
                let namespace = object.namespace(&self.default_namespace);
                let data = config_map_data(&parsed, document, object)?;
                controller_from_data(&parsed, document, object, namespace, &data, &self.limits)?
            }
            (None, Some(document)) if config_maps.is_empty() => ControllerConfig::from_config(
                &self.default_namespace,
                CONTROLLER_CONFIGMAP_SUFFIX,
                Some(&document.value),
            ),
            _ => {
                return Err(ContextError::ControllerConfig {
                    file: name.to_string(),
                    message: if config_maps.is_empty() {
                        "no workflow controller ConfigMap found (expected a ConfigMap with \
                         `data.config` or `data.artifactRepository`)"
                            .to_string()
                    } else {
                        format!(
                            "{} ConfigMaps found and none is named `*{CONTROLLER_CONFIGMAP_SUFFIX}`",
                            config_maps.len()
                        )
                    },
                });
            }
        };
        self.explicit_controller = Some(Arc::new(controller));
        Ok(self)
    }

    /// Finish: pick the controller configuration (the explicit one, else a ConfigMap named
    /// `*workflow-controller-configmap` among the context objects).
    pub fn build(mut self) -> FileContext {
        self.context.closed_world = self.closed_world;
        self.context.controller = match self.explicit_controller.take() {
            Some(explicit) => Some(explicit),
            None => self.controller_from_context().map(Arc::new),
        };
        self.context
    }

    fn controller_from_context(&self) -> Option<ControllerConfig> {
        // Prefer the canonical name, then the shortest (least prefixed), then namespace order.
        self.controller_candidates
            .iter()
            .min_by_key(|c| (c.name.len(), c.namespace.clone(), c.name.clone()))
            .cloned()
    }

    fn add_object(
        &mut self,
        parsed: &ParsedFile,
        document: &Document,
        object: &KubeObject<'_>,
    ) -> Result<(), ContextError> {
        match object.kind.as_str() {
            "ConfigMap" => {
                let namespace = object.namespace(&self.default_namespace).to_string();
                let info = ConfigMapInfo {
                    name: object.name().to_string(),
                    annotations: string_map(parsed, document, object, "metadata.annotations")?,
                    data: config_map_data(parsed, document, object)?,
                    namespace,
                };
                if info.name.ends_with(CONTROLLER_CONFIGMAP_SUFFIX) {
                    self.controller_candidates.push(controller_from_data(
                        parsed,
                        document,
                        object,
                        &info.namespace,
                        &info.data,
                        &self.limits,
                    )?);
                }
                self.context
                    .config_maps
                    .entry(key(&info.namespace, &info.name))
                    .or_insert_with(|| Arc::new(info));
            }
            "Secret" => {
                let namespace = object.namespace(&self.default_namespace).to_string();
                let secret = SecretKeys {
                    name: object.name().to_string(),
                    keys: secret_key_names(parsed, document, object)?,
                    namespace,
                };
                self.context
                    .secrets
                    .entry(key(&secret.namespace, &secret.name))
                    .or_insert_with(|| Arc::new(secret));
            }
            "WorkflowTemplate" | "ClusterWorkflowTemplate" if object.is_argo() => {
                let kind = ArgoKind::from_kind(&object.kind).unwrap_or(ArgoKind::WorkflowTemplate);
                let decoded = model::decode(kind, object.value).map_err(|error| {
                    invalid(
                        parsed,
                        document,
                        &object.base.join(&error.path),
                        format!(
                            "{} `{}` cannot be read: {}",
                            object.kind,
                            object.name(),
                            error.message
                        ),
                    )
                })?;
                let template = TemplateObject {
                    object: Arc::new(decoded),
                    value: Arc::new(object.value.clone()),
                    origin: Some(parsed.source.name.clone()),
                };
                let name = object.name().to_string();
                if kind == ArgoKind::ClusterWorkflowTemplate {
                    self.context
                        .cluster_workflow_templates
                        .entry(name)
                        .or_insert(template);
                } else {
                    let namespace = object.namespace(&self.default_namespace);
                    self.context
                        .workflow_templates
                        .entry(key(namespace, &name))
                        .or_insert(template);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// A Kubernetes object inside a document (the document itself or an item of a `List`).
#[derive(Debug)]
struct KubeObject<'v> {
    kind: String,
    api_version: String,
    value: &'v Value,
    base: FieldPath,
}

impl KubeObject<'_> {
    fn is_argo(&self) -> bool {
        self.api_version.starts_with("argoproj.io/")
    }

    fn name(&self) -> &str {
        self.value
            .at("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    fn namespace<'a>(&'a self, default: &'a str) -> &'a str {
        self.value
            .at("/metadata/namespace")
            .and_then(Value::as_str)
            .filter(|ns| !ns.is_empty())
            .unwrap_or(default)
    }
}

/// The objects of a document: itself when it has `kind` and `apiVersion`, or the items of a
/// `List` (`kind: List`, `ConfigMapList`, ...; items of a typed list may omit their kind).
fn kubernetes_objects(value: &Value) -> Vec<KubeObject<'_>> {
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    let (Some(kind), Some(api_version)) = (text(value, "kind"), text(value, "apiVersion")) else {
        return Vec::new();
    };
    if let (Some(item_kind), Some(items)) = (
        kind.strip_suffix("List"),
        value.get("items").and_then(Value::as_array),
    ) {
        return items
            .iter()
            .enumerate()
            .filter(|(_, item)| item.is_object())
            .filter_map(|(i, item)| {
                let kind = text(item, "kind")
                    .or_else(|| (!item_kind.is_empty()).then(|| item_kind.to_string()))?;
                Some(KubeObject {
                    kind,
                    api_version: text(item, "apiVersion").unwrap_or_else(|| api_version.clone()),
                    value: item,
                    base: FieldPath::root().key("items").index(i),
                })
            })
            .collect();
    }
    vec![KubeObject {
        kind,
        api_version,
        value,
        base: FieldPath::root(),
    }]
}

fn read_manifest_text(
    name: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<ParsedFile, ContextError> {
    let parsed = source::parse(name, bytes, limits);
    // A document that is valid YAML but not a mapping is not a Kubernetes object: skip it.
    let fatal = parsed
        .problems
        .iter()
        .find(|problem| !std::ptr::eq(problem.rule, &rules::syntax::NOT_A_MAPPING));
    if let Some(problem) = fatal {
        let at = parsed.source.lines.line_col(
            &parsed.source.text,
            problem.span.start,
            ColumnUnit::Chars,
        );
        return Err(ContextError::Invalid {
            file: name.to_string(),
            line: at.line,
            column: at.column,
            message: format!("{} ({})", problem.message, problem.rule.code),
        });
    }
    Ok(parsed)
}

fn invalid(
    parsed: &ParsedFile,
    document: &Document,
    path: &FieldPath,
    message: String,
) -> ContextError {
    let offset = document
        .locate(path, Target::Value)
        .map_or(document.span.start, |span| span.start);
    let at = parsed
        .source
        .lines
        .line_col(&parsed.source.text, offset, ColumnUnit::Chars);
    ContextError::Invalid {
        file: parsed.source.name.clone(),
        line: at.line,
        column: at.column,
        message,
    }
}

/// A string-to-string mapping at `field` (e.g. `metadata.annotations`); absent or null is empty.
/// Scalars are kept as text, since Kubernetes would accept `"true"` written as `true` only
/// after quoting; anything else is an error.
fn string_map(
    parsed: &ParsedFile,
    document: &Document,
    object: &KubeObject<'_>,
    field: &str,
) -> Result<BTreeMap<String, String>, ContextError> {
    let path = FieldPath::parse(field);
    let what = format!("{} `{}`", object.kind, object.name());
    let mut out = BTreeMap::new();
    let Some(value) = path.lookup(object.value).filter(|v| !v.is_null()) else {
        return Ok(out);
    };
    let Some(map) = value.as_object() else {
        return Err(invalid(
            parsed,
            document,
            &object.base.join(&path),
            format!("{what}: `{field}` must be a mapping of strings"),
        ));
    };
    for (key, value) in map {
        let text = match value {
            Value::String(text) => text.clone(),
            Value::Bool(_) | Value::Number(_) => value.to_string(),
            Value::Null => String::new(),
            Value::Array(_) | Value::Object(_) => {
                return Err(invalid(
                    parsed,
                    document,
                    &object.base.join(&path.key(key.clone())),
                    format!(
                        "{what}: `{field}` values must be strings; write the value of `{key}` \
                         as a YAML block string (`{key}: |`)"
                    ),
                ));
            }
        };
        out.insert(key.clone(), text);
    }
    Ok(out)
}

fn config_map_data(
    parsed: &ParsedFile,
    document: &Document,
    object: &KubeObject<'_>,
) -> Result<BTreeMap<String, String>, ContextError> {
    string_map(parsed, document, object, "data")
}

/// The key names of a Secret's `data` and `stringData`. Values are not looked at, so no error
/// message can quote one.
fn secret_key_names(
    parsed: &ParsedFile,
    document: &Document,
    object: &KubeObject<'_>,
) -> Result<BTreeSet<String>, ContextError> {
    let mut keys = BTreeSet::new();
    for field in ["data", "stringData"] {
        match object.value.get(field) {
            None | Some(Value::Null) => {}
            Some(Value::Object(map)) => keys.extend(map.keys().cloned()),
            Some(_) => {
                return Err(invalid(
                    parsed,
                    document,
                    &object.base.key(field),
                    format!(
                        "Secret `{}`: `{field}` must be a mapping of key names to values",
                        object.name()
                    ),
                ));
            }
        }
    }
    Ok(keys)
}

/// The controller configuration held by a ConfigMap's data: `config` (the whole configuration
/// as one YAML string) or the separate `artifactRepository` and `workflowDefaults` keys.
fn controller_from_data(
    parsed: &ParsedFile,
    document: &Document,
    object: &KubeObject<'_>,
    namespace: &str,
    data: &BTreeMap<String, String>,
    limits: &Limits,
) -> Result<ControllerConfig, ContextError> {
    let origin = parsed.source.name.as_str();
    let at_key = |key: &str, message: String| {
        invalid(
            parsed,
            document,
            &object.base.key("data").key(key.to_owned()),
            message,
        )
    };
    ControllerConfig::from_data(
        namespace,
        object.name(),
        data,
        |key, text| {
            parse_embedded_yaml(origin, key, text, limits).map_err(|error| {
                let message = match error {
                    ContextError::Invalid { message, .. } => message,
                    other => other.to_string(),
                };
                at_key(key, message)
            })
        },
        || at_key("config", super::CONFIG_KEY_NOT_ALONE.to_string()),
    )
}

/// Parse a YAML string held in a ConfigMap value; empty text is `None`.
fn parse_embedded_yaml(
    origin: &str,
    key: &str,
    text: &str,
    limits: &Limits,
) -> Result<Option<Value>, ContextError> {
    let name = format!("{origin} data.{key}");
    let parsed = source::parse(&name, text.as_bytes(), limits);
    if let Some(problem) = parsed.problems.first() {
        let at = parsed.source.lines.line_col(
            &parsed.source.text,
            problem.span.start,
            ColumnUnit::Chars,
        );
        return Err(ContextError::Invalid {
            file: origin.to_string(),
            line: at.line,
            column: at.column,
            message: format!(
                "`data.{key}` is not valid YAML (line {} of the value): {}",
                at.line, problem.message
            ),
        });
    }
    let value = parsed
        .documents
        .into_iter()
        .map(|document| document.value)
        .find(|value| !value.is_null());
    match value {
        None => Ok(None),
        Some(value) if value.is_object() => Ok(Some(value)),
        Some(_) => Err(ContextError::Invalid {
            file: origin.to_string(),
            line: 1,
            column: 1,
            message: format!("`data.{key}` must hold a YAML mapping"),
        }),
    }
}

/// The manifest files at `path`: the file itself, or every `.yaml`, `.yml` and `.json` file
/// below a folder, in sorted order, skipping hidden entries (such as the `..data` folders of
/// mounted ConfigMaps) and `target` folders. Symbolic links are followed once.
pub fn collect_manifest_files(path: &Path) -> io::Result<Vec<PathBuf>> {
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    let mut visited = HashSet::new();
    walk(path, &mut files, &mut visited)?;
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, visited: &mut HashSet<PathBuf>) -> io::Result<()> {
    if !visited.insert(std::fs::canonicalize(dir)?) {
        return Ok(());
    }
    let mut entries = std::fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<io::Result<Vec<_>>>()?;
    entries.sort();
    for entry in entries {
        let Some(name) = entry.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        // A dangling symbolic link is skipped rather than failing the walk.
        let Ok(metadata) = std::fs::metadata(&entry) else {
            continue;
        };
        if metadata.is_dir() {
            if name != "target" {
                walk(&entry, files, visited)?;
            }
        } else if is_manifest_name(name) {
            files.push(entry);
        }
    }
    Ok(())
}

/// Whether a file name has a manifest extension (`.yaml`, `.yml`, `.json`).
pub fn is_manifest_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".yaml", ".yml", ".json"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTEXT: &str = r#"
apiVersion: v1
kind: ConfigMap
metadata:
  name: artifact-repositories
  namespace: team-a
  annotations:
    workflows.argoproj.io/default-artifact-repository: default-v1
data:
  default-v1: |
    s3:
      bucket: my-bucket
      endpoint: minio:9000
---
apiVersion: v1
kind: Secret
metadata:
  name: my-minio-cred
type: Opaque
data:
  accesskey: c2VjcmV0LWFjY2Vzcw==
stringData:
  secretkey: hunter2-plain-text
---
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: shared
  namespace: team-a
spec:
  entrypoint: main
---
apiVersion: argoproj.io/v1alpha1
kind: ClusterWorkflowTemplate
metadata:
  name: cluster-shared
spec:
  entrypoint: main
---
# not a Kubernetes object: skipped quietly
replicas: 3
---
- a list document
"#;

    fn context(text: &str) -> FileContext {
        let mut builder = FileContext::builder("default");
        builder
            .add_manifests("cluster.yaml", text.as_bytes())
            .unwrap();
        builder.build()
    }

    fn error(text: &str) -> ContextError {
        FileContext::builder("default")
            .add_manifests("cluster.yaml", text.as_bytes())
            .unwrap_err()
    }

    #[test]
    fn indexes_config_maps_secrets_and_templates() {
        let ctx = context(CONTEXT);
        let cm = ctx
            .config_map("team-a", "artifact-repositories")
            .found()
            .unwrap();
        assert_eq!(
            cm.annotations
                .get("workflows.argoproj.io/default-artifact-repository")
                .map(String::as_str),
            Some("default-v1")
        );
        assert!(cm.data["default-v1"].contains("bucket: my-bucket"));
        let secret = ctx.secret("default", "my-minio-cred").found().unwrap();
        assert_eq!(
            secret.keys.iter().map(String::as_str).collect::<Vec<_>>(),
            ["accesskey", "secretkey"]
        );
        assert!(matches!(
            ctx.workflow_template("team-a", "shared"),
            Lookup::Found(_)
        ));
        let found = ctx
            .cluster_workflow_template("cluster-shared")
            .found()
            .unwrap();
        assert_eq!(found.origin.as_deref(), Some("cluster.yaml"));
        assert_eq!(ctx.counts(), (1, 1, 1, 1));
    }

    #[test]
    fn secret_values_are_never_kept() {
        let ctx = context(CONTEXT);
        let debug = format!("{ctx:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(!debug.contains("c2VjcmV0"), "{debug}");
    }

    #[test]
    fn the_given_state_is_complete() {
        let ctx = context(CONTEXT);
        assert!(ctx.is_closed_world());
        assert!(
            ctx.config_map("team-b", "artifact-repositories")
                .is_missing()
        );
        assert!(ctx.secret("team-a", "my-minio-cred").is_missing());
        assert!(ctx.workflow_template("default", "shared").is_missing());
        assert!(ctx.cluster_workflow_template("other").is_missing());
        assert!(ctx.controller().is_missing());
    }

    #[test]
    fn without_context_files_absent_objects_are_unknown() {
        let mut builder = FileContext::builder("default");
        builder
            .controller_config(
                "controller.yaml",
                b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: workflow-controller-configmap\n  namespace: argo\ndata:\n  artifactRepository: |\n    s3:\n      bucket: b\n",
            )
            .unwrap();
        let ctx = builder.build();
        assert!(!ctx.is_closed_world());
        assert_eq!(ctx.secret("default", "x"), Lookup::Unknown);
        assert!(matches!(
            ctx.workflow_template("default", "x"),
            Lookup::Unknown
        ));
        let controller = ctx.controller().found().unwrap();
        assert_eq!(controller.namespace, "argo");
        assert_eq!(
            controller.artifact_repository,
            Some(serde_json::json!({"s3": {"bucket": "b"}}))
        );
    }

    #[test]
    fn list_objects_are_unpacked() {
        let ctx = context(
            r#"
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Secret
    metadata: {name: a, namespace: ns}
    data: {k: dg==}
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: b, namespace: ns}
---
apiVersion: v1
kind: ConfigMapList
items:
  - metadata: {name: typed, namespace: ns}
    data: {x: "1"}
"#,
        );
        assert!(ctx.secret("ns", "a").found().unwrap().keys.contains("k"));
        assert!(matches!(ctx.config_map("ns", "b"), Lookup::Found(_)));
        assert_eq!(
            ctx.config_map("ns", "typed").found().unwrap().data["x"],
            "1"
        );
    }

    #[test]
    fn controller_config_nested_under_config_is_found_by_name() {
        let ctx = context(
            r#"
apiVersion: v1
kind: ConfigMap
metadata:
  name: argo-workflows-workflow-controller-configmap
  namespace: argo
data:
  config: |
    artifactRepository:
      archiveLogs: true
      gcs:
        bucket: logs
    workflowDefaults:
      spec:
        serviceAccountName: runner
"#,
        );
        let controller = ctx.controller().found().unwrap();
        assert_eq!(controller.namespace, "argo");
        assert_eq!(
            controller.name,
            "argo-workflows-workflow-controller-configmap"
        );
        assert_eq!(
            controller.artifact_repository,
            Some(serde_json::json!({"archiveLogs": true, "gcs": {"bucket": "logs"}}))
        );
        assert_eq!(
            controller.workflow_defaults,
            Some(serde_json::json!({"spec": {"serviceAccountName": "runner"}}))
        );
    }

    #[test]
    fn explicit_controller_config_wins_and_defaults_its_namespace() {
        let mut builder = FileContext::builder("argo");
        builder
            .add_manifests(
                "cluster.yaml",
                b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: workflow-controller-configmap\n  namespace: other\ndata: {}\n",
            )
            .unwrap();
        builder
            .controller_config(
                "controller.yaml",
                b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: workflow-controller-configmap\ndata:\n  artifactRepository: |\n    s3: {bucket: b}\n",
            )
            .unwrap();
        let controller = builder.build().controller().found().unwrap();
        assert_eq!(controller.namespace, "argo");
        assert!(controller.artifact_repository.is_some());

        // A bare configuration (the content of `data.config`) is accepted too.
        let mut builder = FileContext::builder("argo");
        builder
            .controller_config("config.yaml", b"artifactRepository:\n  s3: {bucket: b}\n")
            .unwrap();
        let controller = builder.build().controller().found().unwrap();
        assert_eq!(controller.name, CONTROLLER_CONFIGMAP_SUFFIX);
        assert!(controller.artifact_repository.is_some());
    }

    #[test]
    fn a_file_without_controller_config_is_an_error() {
        let error = FileContext::builder("default")
            .controller_config(
                "x.yaml",
                b"apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n",
            )
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("no workflow controller ConfigMap"),
            "{error}"
        );
    }

    #[test]
    fn broken_context_files_are_clear_errors() {
        let syntax = error("apiVersion: v1\nkind: ConfigMap\nmetadata: [\n");
        assert!(
            matches!(&syntax, ContextError::Invalid { file, .. } if file == "cluster.yaml"),
            "{syntax:?}"
        );

        let bad_data = error(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: repos}\ndata:\n  default-v1:\n    s3: {bucket: b}\n",
        );
        let ContextError::Invalid { line, message, .. } = &bad_data else {
            panic!("{bad_data:?}")
        };
        assert_eq!(*line, 6, "{bad_data}");
        assert!(message.contains("must be strings"), "{message}");

        let bad_secret =
            error("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: [password-value]\n");
        let text = bad_secret.to_string();
        assert!(text.contains("Secret `s`"), "{text}");
        assert!(!text.contains("password-value"), "{text}");

        let bad_controller = error(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: workflow-controller-configmap}\ndata:\n  config: \"a: [\"\n",
        );
        assert!(
            bad_controller
                .to_string()
                .contains("`data.config` is not valid YAML"),
            "{bad_controller}"
        );

        // Argo refuses a `config` key beside others; so does the live context.
        let crowded = error(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: workflow-controller-configmap}\ndata:\n  config: \"{}\"\n  artifactRepository: \"{}\"\n",
        );
        assert!(
            crowded
                .to_string()
                .contains(crate::context::CONFIG_KEY_NOT_ALONE),
            "{crowded}"
        );
    }

    #[test]
    fn null_controller_fields_are_absent() {
        let ctx = context(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: workflow-controller-configmap, namespace: argo}\n\
             data:\n  config: \"artifactRepository: null\\nworkflowDefaults: {spec: {}}\"\n",
        );
        let controller = ctx.controller().found().unwrap();
        assert_eq!(controller.artifact_repository, None);
        assert!(controller.workflow_defaults.is_some());
    }

    #[test]
    fn workflow_restrictions_are_read_in_every_form() {
        let forms: [&[u8]; 3] = [
            // One key per field.
            b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: workflow-controller-configmap}\n\
              data:\n  workflowRestrictions: |\n    templateReferencing: Strict\n",
            // The whole configuration under `config`.
            b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: workflow-controller-configmap}\n\
              data:\n  config: |\n    workflowRestrictions:\n      templateReferencing: Secure\n",
            // The bare configuration.
            b"workflowRestrictions: {templateReferencing: Strict}\n",
        ];
        for form in forms {
            let mut builder = FileContext::builder("argo");
            builder.controller_config("controller.yaml", form).unwrap();
            let controller = builder.build().controller().found().unwrap();
            assert!(
                controller.restricts_template_referencing(),
                "{controller:?}"
            );
        }
        let mut builder = FileContext::builder("argo");
        builder
            .controller_config(
                "controller.yaml",
                b"workflowRestrictions: {templateReferencing: Lax}\n",
            )
            .unwrap();
        let controller = builder.build().controller().found().unwrap();
        assert!(!controller.restricts_template_referencing());
        assert!(controller.workflow_restrictions.is_some());
    }

    #[test]
    fn non_kubernetes_yaml_is_skipped() {
        let ctx = context("replicas: 3\n---\n- a\n- b\n---\nplain text\n");
        assert_eq!(ctx.counts(), (0, 0, 0, 0));
    }

    #[test]
    fn folders_are_read_recursively() {
        let root = std::env::temp_dir().join(format!("wflint-context-{}", std::process::id()));
        std::fs::create_dir_all(root.join("ns/a")).unwrap();
        std::fs::create_dir_all(root.join("..data")).unwrap();
        std::fs::write(
            root.join("ns/a/cm.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n",
        )
        .unwrap();
        std::fs::write(
            root.join("secret.json"),
            r#"{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "x"}, "data": {"k": ""}}"#,
        )
        .unwrap();
        std::fs::write(root.join("README.md"), "not yaml: [").unwrap();
        std::fs::write(root.join("..data/cm.yaml"), "broken: [").unwrap();
        let ctx = FileContext::load(std::slice::from_ref(&root), None, "team").unwrap();
        assert!(matches!(ctx.config_map("team", "cm"), Lookup::Found(_)));
        assert!(matches!(ctx.secret("x", "s"), Lookup::Found(_)));
        let missing = FileContext::load(&[root.join("nope")], None, "team").unwrap_err();
        assert!(matches!(missing, ContextError::Read { .. }));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
