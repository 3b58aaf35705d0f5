//! Turning Kubernetes objects into the facts of `wflint_core::context`: ConfigMaps, the
//! controller configuration and templates; which ConfigMaps matter to artifact rules.

use std::{collections::BTreeMap, sync::Arc};

use serde_json::Value;
pub use wflint_core::artifacts::resolve::{
    DEFAULT_REPOSITORY_ANNOTATION, REPOSITORIES_CONFIG_MAP as ARTIFACT_REPOSITORIES,
};
use wflint_core::{
    artifacts::location::Driver,
    context::{CONFIG_KEY_NOT_ALONE, ConfigMapInfo, ControllerConfig, TemplateObject},
    model::{self, ArgoKind},
    source::{self, Limits},
};

/// Whether `key` is a top-level key of an ArtifactRepository value.
fn is_repository_key(key: &str) -> bool {
    key == "archiveLogs" || Driver::REPOSITORY_ORDER.iter().any(|d| d.field() == key)
}

/// The key a line starts with, if it reads like `key:` or `"key":` (YAML or JSON).
fn leading_key(line: &str) -> Option<&str> {
    let line = line.trim_start_matches(|c: char| c.is_whitespace() || c == '{' || c == ',');
    let (key, rest) = match line.strip_prefix('"') {
        Some(quoted) => {
            let end = quoted.find('"')?;
            (&quoted[..end], &quoted[end + 1..])
        }
        None => {
            let end = line.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
            line.split_at(end)
        }
    };
    rest.trim_start().starts_with(':').then_some(key)
}

/// Values larger than this are never taken for repository definitions (real ones are tiny).
const MAX_REPOSITORY_VALUE_BYTES: usize = 64 * 1024;

/// Whether a ConfigMap value reads like an ArtifactRepository (a cheap textual test, so the
/// watch cache can decide without parsing every ConfigMap in the cluster): some line starts
/// with one of the repository's top-level keys followed by `:`, in YAML or JSON form.
pub fn looks_like_artifact_repository(value: &str) -> bool {
    if value.len() > MAX_REPOSITORY_VALUE_BYTES {
        return false;
    }
    value
        .lines()
        .any(|line| leading_key(line).is_some_and(is_repository_key))
}

/// Whether the artifact rules may read this ConfigMap's data: the `artifact-repositories`
/// ConfigMaps, ones carrying the default-repository annotation, the controller's, and any
/// whose values read like repository definitions.
pub fn config_map_matters(
    name: &str,
    annotations: &BTreeMap<String, String>,
    data: &BTreeMap<String, String>,
    is_controller: bool,
) -> bool {
    is_controller
        || name == ARTIFACT_REPOSITORIES
        || annotations.contains_key(DEFAULT_REPOSITORY_ANNOTATION)
        || data.values().any(|v| looks_like_artifact_repository(v))
}

/// Parse a YAML (or JSON) text holding one document.
pub fn parse_yaml(text: &str) -> Result<Value, String> {
    let parsed = source::parse("<configmap value>", text.as_bytes(), &Limits::default());
    if let Some(problem) = parsed.problems.first() {
        return Err(problem.message.clone());
    }
    match parsed.documents.into_iter().next() {
        Some(document) => Ok(document.value),
        None => Ok(Value::Null),
    }
}

/// The controller configuration held by the controller ConfigMap's `data`: either a single
/// `config` key with the whole configuration, or one key per field (as Argo reads it).
pub fn controller_config(
    namespace: &str,
    name: &str,
    data: &BTreeMap<String, String>,
) -> Result<ControllerConfig, String> {
    ControllerConfig::from_data(
        namespace,
        name,
        data,
        |key, text| {
            let value = parse_yaml(text).map_err(|e| format!("data.{key}: {e}"))?;
            match value {
                Value::Null => Ok(None),
                Value::Object(_) => Ok(Some(value)),
                _ => Err(format!("data.{key}: must hold a YAML mapping")),
            }
        },
        || CONFIG_KEY_NOT_ALONE.to_string(),
    )
}

/// A ConfigMap as the rules see it.
pub fn config_map_info(
    namespace: &str,
    name: &str,
    annotations: BTreeMap<String, String>,
    data: BTreeMap<String, String>,
) -> ConfigMapInfo {
    ConfigMapInfo {
        namespace: namespace.to_string(),
        name: name.to_string(),
        annotations,
        data,
    }
}

/// A WorkflowTemplate or ClusterWorkflowTemplate read from the API, decoded for the rules.
/// `managedFields` and the last-applied annotation are dropped first (bulky, never read).
pub fn template_object(kind: ArgoKind, mut value: Value) -> Result<TemplateObject, String> {
    if let Some(map) = value.as_object_mut() {
        map.entry("apiVersion")
            .or_insert_with(|| Value::String("argoproj.io/v1alpha1".into()));
        map.entry("kind")
            .or_insert_with(|| Value::String(kind.as_str().into()));
    }
    if let Some(metadata) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata.remove("managedFields");
        if let Some(annotations) = metadata
            .get_mut("annotations")
            .and_then(Value::as_object_mut)
        {
            annotations.remove("kubectl.kubernetes.io/last-applied-configuration");
        }
    }
    let object = model::decode(kind, &value).map_err(|e| e.to_string())?;
    Ok(TemplateObject {
        object: Arc::new(object),
        value: Arc::new(value),
        origin: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn repository_values_are_recognised() {
        assert!(looks_like_artifact_repository(
            "archiveLogs: true\ns3:\n  bucket: b\n"
        ));
        assert!(looks_like_artifact_repository("  gcs:\n    bucket: b"));
        assert!(looks_like_artifact_repository(r#"{"s3": {"bucket": "b"}}"#));
        assert!(looks_like_artifact_repository("{s3: {bucket: b}}"));
        assert!(!looks_like_artifact_repository("log-level: debug\n"));
        assert!(!looks_like_artifact_repository("s3bucket: x"));
        assert!(!looks_like_artifact_repository("url: s3://bucket/key"));
    }

    #[test]
    fn config_maps_that_matter() {
        let none = BTreeMap::new();
        assert!(config_map_matters(
            ARTIFACT_REPOSITORIES,
            &none,
            &none,
            false
        ));
        assert!(config_map_matters("cm", &none, &none, true));
        assert!(config_map_matters(
            "cm",
            &data(&[(DEFAULT_REPOSITORY_ANNOTATION, "k")]),
            &none,
            false
        ));
        assert!(config_map_matters(
            "my-repos",
            &none,
            &data(&[("k", "s3:\n  bucket: b")]),
            false
        ));
        assert!(!config_map_matters(
            "kube-root-ca.crt",
            &none,
            &data(&[("ca.crt", "-----BEGIN CERTIFICATE-----")]),
            false
        ));
    }

    #[test]
    fn controller_config_per_key() {
        let config = controller_config(
            "argo",
            "workflow-controller-configmap",
            &data(&[
                ("artifactRepository", r#"{"s3": {"bucket": "b"}}"#),
                ("parallelism", "10"),
            ]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.namespace, "argo");
        assert_eq!(
            config.artifact_repository,
            Some(serde_json::json!({"s3": {"bucket": "b"}}))
        );
        assert_eq!(config.workflow_defaults, None);
    }

    #[test]
    fn controller_config_nested_under_config() {
        let config = controller_config(
            "argo",
            "cm",
            &data(&[(
                "config",
                r#"{"workflowDefaults": {"spec": {"artifactRepositoryRef": {"key": "k"}}}}"#,
            )]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.artifact_repository, None);
        assert_eq!(
            config.workflow_defaults,
            Some(serde_json::json!({"spec": {"artifactRepositoryRef": {"key": "k"}}}))
        );
    }

    #[test]
    fn controller_config_in_yaml() {
        let config = controller_config(
            "argo",
            "workflow-controller-configmap",
            &data(&[
                (
                    "artifactRepository",
                    "archiveLogs: true\ns3:\n  bucket: my-bucket\n  endpoint: minio:9000\n  \
                     accessKeySecret:\n    name: my-minio-cred\n    key: accesskey\n",
                ),
                (
                    "workflowDefaults",
                    "spec:\n  artifactGC:\n    strategy: OnWorkflowDeletion\n",
                ),
            ]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            config.artifact_repository,
            Some(serde_json::json!({"archiveLogs": true, "s3": {
                "bucket": "my-bucket", "endpoint": "minio:9000",
                "accessKeySecret": {"name": "my-minio-cred", "key": "accesskey"}}}))
        );
        assert_eq!(
            config
                .workflow_defaults
                .as_ref()
                .and_then(|d| d.pointer("/spec/artifactGC/strategy")),
            Some(&serde_json::json!("OnWorkflowDeletion"))
        );
    }

    #[test]
    fn controller_config_with_bad_yaml_is_an_error() {
        let result = controller_config("argo", "cm", &data(&[("artifactRepository", "s3: [")]));
        assert!(result.is_err_and(|e| e.contains("data.artifactRepository")));
    }

    #[test]
    fn controller_config_with_config_and_more_is_an_error() {
        let result = controller_config("argo", "cm", &data(&[("config", "{}"), ("x", "1")]));
        assert!(result.is_err());
    }

    #[test]
    fn templates_as_the_api_serves_them_decode() {
        let value = serde_json::json!({
            "apiVersion": "argoproj.io/v1alpha1", "kind": "ClusterWorkflowTemplate",
            "metadata": {"name": "t", "uid": "0b5c6a8e-1111-2222-3333-444455556666",
                "resourceVersion": "12345", "generation": 3,
                "creationTimestamp": "2026-01-02T03:04:05Z",
                "labels": {"app": "x"}},
            "spec": {"entrypoint": "main", "templates": [{
                "name": "main",
                "inputs": {"parameters": [{"name": "p", "value": "1"}],
                    "artifacts": [{"name": "a", "path": "/a", "s3": {"key": "k"}}]},
                "container": {"image": "alpine:3.20", "command": ["sh", "-c"], "args": ["ls /a"]},
                "outputs": {"artifacts": [{"name": "o", "path": "/o", "archive": {"none": {}}}]}
            }]}
        });
        let template = template_object(ArgoKind::ClusterWorkflowTemplate, value);
        assert!(template.is_ok(), "{:?}", template.err());
    }

    #[test]
    fn templates_are_stripped_and_decoded() {
        let value = serde_json::json!({
            "metadata": {"name": "t", "namespace": "ns", "managedFields": [{}],
                "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}", "a": "b"}},
            "spec": {"entrypoint": "main"}
        });
        let template =
            template_object(ArgoKind::WorkflowTemplate, value).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            template.value.pointer("/kind"),
            Some(&serde_json::json!("WorkflowTemplate"))
        );
        assert_eq!(template.value.pointer("/metadata/managedFields"), None);
        assert_eq!(
            template.value.pointer("/metadata/annotations"),
            Some(&serde_json::json!({"a": "b"}))
        );
    }
}
