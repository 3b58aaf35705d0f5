//! The Kubernetes objects wflint reads, decoded straight into reduced forms: a Secret becomes
//! its key names while the response is parsed (values are skipped by the parser and never
//! stored), a ConfigMap keeps only what the artifact rules read.

use std::{borrow::Cow, collections::BTreeMap, fmt};

use k8s_openapi::{NamespaceResourceScope, apimachinery::pkg::apis::meta::v1::ObjectMeta};
use kube::core::ApiResource;
use serde::{
    Deserialize, Deserializer,
    de::{IgnoredAny, MapAccess, Visitor},
};

/// Annotations kept on ConfigMaps: Argo's own (`workflows.argoproj.io/...`). Others, such as
/// `kubectl.kubernetes.io/last-applied-configuration`, can be large and are of no use here.
const KEPT_ANNOTATION_PREFIX: &str = "workflows.argoproj.io/";

/// The metadata fields wflint needs (`managedFields` and other bulky fields are skipped).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SlimMeta {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    namespace: Option<String>,
    #[serde(default)]
    resource_version: Option<String>,
    #[serde(default)]
    annotations: Option<BTreeMap<String, Option<String>>>,
}

impl SlimMeta {
    fn into_object_meta(self, keep_annotations: bool) -> ObjectMeta {
        let annotations = if keep_annotations {
            self.annotations.map(|all| {
                all.into_iter()
                    .filter(|(key, _)| key.starts_with(KEPT_ANNOTATION_PREFIX))
                    .map(|(key, value)| (key, value.unwrap_or_default()))
                    .collect::<BTreeMap<_, _>>()
            })
        } else {
            None
        };
        ObjectMeta {
            name: self.name,
            namespace: self.namespace,
            resource_version: self.resource_version,
            annotations,
            ..ObjectMeta::default()
        }
    }
}

/// The keys of a map whose values are skipped unread (`null` reads as no keys).
#[derive(Default)]
struct KeyNames(Vec<String>);

impl<'de> Deserialize<'de> for KeyNames {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyNamesVisitor;

        impl<'de> Visitor<'de> for KeyNamesVisitor {
            type Value = KeyNames;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map or null")
            }

            fn visit_unit<E>(self) -> Result<KeyNames, E> {
                Ok(KeyNames::default())
            }

            fn visit_none<E>(self) -> Result<KeyNames, E> {
                Ok(KeyNames::default())
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyNames, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    map.next_value::<IgnoredAny>()?;
                    keys.push(key);
                }
                Ok(KeyNames(keys))
            }
        }

        deserializer.deserialize_any(KeyNamesVisitor)
    }
}

/// A Secret reduced to its name and key names while it is decoded.
///
/// `Debug` shows names only; there is nothing else to show.
#[derive(Clone, Debug)]
pub(crate) struct SecretKeyNames {
    metadata: ObjectMeta,
    /// Sorted, deduplicated names of the `data` and `stringData` keys.
    pub(crate) keys: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSecret {
    #[serde(default)]
    metadata: SlimMeta,
    #[serde(default)]
    data: KeyNames,
    #[serde(default)]
    string_data: KeyNames,
}

impl<'de> Deserialize<'de> for SecretKeyNames {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawSecret::deserialize(deserializer)?;
        let mut keys = raw.data.0;
        keys.extend(raw.string_data.0);
        keys.sort_unstable();
        keys.dedup();
        Ok(Self {
            // Secret annotations may hold the whole Secret (last-applied-configuration).
            metadata: raw.metadata.into_object_meta(false),
            keys,
        })
    }
}

impl SecretKeyNames {
    pub(crate) fn name(&self) -> &str {
        self.metadata.name.as_deref().unwrap_or("")
    }

    pub(crate) fn namespace(&self) -> &str {
        self.metadata.namespace.as_deref().unwrap_or("")
    }
}

/// A ConfigMap with its Argo annotations and string data (`binaryData` is skipped).
#[derive(Clone, Debug)]
pub(crate) struct ConfigMapData {
    metadata: ObjectMeta,
    pub(crate) data: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct RawConfigMap {
    #[serde(default)]
    metadata: SlimMeta,
    #[serde(default)]
    data: Option<BTreeMap<String, Option<String>>>,
}

impl<'de> Deserialize<'de> for ConfigMapData {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawConfigMap::deserialize(deserializer)?;
        Ok(Self {
            metadata: raw.metadata.into_object_meta(true),
            data: raw
                .data
                .unwrap_or_default()
                .into_iter()
                .map(|(key, value)| (key, value.unwrap_or_default()))
                .collect(),
        })
    }
}

impl ConfigMapData {
    pub(crate) fn name(&self) -> &str {
        self.metadata.name.as_deref().unwrap_or("")
    }

    pub(crate) fn namespace(&self) -> &str {
        self.metadata.namespace.as_deref().unwrap_or("")
    }

    pub(crate) fn annotations(&self) -> BTreeMap<String, String> {
        self.metadata.annotations.clone().unwrap_or_default()
    }
}

macro_rules! core_v1_resource {
    ($ty:ty, $kind:literal, $plural:literal) => {
        impl kube::Resource for $ty {
            type DynamicType = ();
            type Scope = NamespaceResourceScope;

            fn kind(_: &()) -> Cow<'_, str> {
                Cow::Borrowed($kind)
            }
            fn group(_: &()) -> Cow<'_, str> {
                Cow::Borrowed("")
            }
            fn version(_: &()) -> Cow<'_, str> {
                Cow::Borrowed("v1")
            }
            fn plural(_: &()) -> Cow<'_, str> {
                Cow::Borrowed($plural)
            }
            fn meta(&self) -> &ObjectMeta {
                &self.metadata
            }
            fn meta_mut(&mut self) -> &mut ObjectMeta {
                &mut self.metadata
            }
        }
    };
}

core_v1_resource!(SecretKeyNames, "Secret", "secrets");
core_v1_resource!(ConfigMapData, "ConfigMap", "configmaps");

/// `argoproj.io/v1alpha1` WorkflowTemplates.
pub(crate) fn workflow_template_resource() -> ApiResource {
    argo_resource("WorkflowTemplate", "workflowtemplates")
}

/// `argoproj.io/v1alpha1` ClusterWorkflowTemplates.
pub(crate) fn cluster_workflow_template_resource() -> ApiResource {
    argo_resource("ClusterWorkflowTemplate", "clusterworkflowtemplates")
}

fn argo_resource(kind: &str, plural: &str) -> ApiResource {
    ApiResource {
        group: "argoproj.io".into(),
        version: "v1alpha1".into(),
        api_version: "argoproj.io/v1alpha1".into(),
        kind: kind.into(),
        plural: plural.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_decodes_to_key_names_only() {
        let json = r#"{
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "cred", "namespace": "ns", "resourceVersion": "7",
                "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"secretkey\":\"c2VjcmV0LXZhbHVl\"}}"},
                "managedFields": [{"manager": "kubectl"}]},
            "data": {"secretkey": "c2VjcmV0LXZhbHVl", "accesskey": "YWNjZXNz"},
            "stringData": {"token": "plain-text-token", "accesskey": "dup"},
            "type": "Opaque"
        }"#;
        let secret: SecretKeyNames = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(secret.name(), "cred");
        assert_eq!(secret.namespace(), "ns");
        assert_eq!(secret.keys, ["accesskey", "secretkey", "token"]);
        let debug = format!("{secret:?}");
        for value in [
            "c2VjcmV0LXZhbHVl",
            "YWNjZXNz",
            "plain-text-token",
            "last-applied",
        ] {
            assert!(!debug.contains(value), "{value} leaked into {debug}");
        }
    }

    #[test]
    fn secret_without_data_has_no_keys() {
        let secret: SecretKeyNames =
            serde_json::from_str(r#"{"metadata": {"name": "empty"}, "data": null}"#)
                .unwrap_or_else(|e| panic!("{e}"));
        assert!(secret.keys.is_empty());
    }

    #[test]
    fn config_map_keeps_argo_annotations_only() {
        let json = r#"{
            "metadata": {"name": "artifact-repositories", "namespace": "ns", "annotations": {
                "workflows.argoproj.io/default-artifact-repository": "default-v1",
                "kubectl.kubernetes.io/last-applied-configuration": "{}"}},
            "data": {"default-v1": "s3: {}", "empty": null},
            "binaryData": {"blob": "AAAA"}
        }"#;
        let cm: ConfigMapData = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            cm.annotations().keys().collect::<Vec<_>>(),
            ["workflows.argoproj.io/default-artifact-repository"]
        );
        assert_eq!(
            cm.data.get("default-v1").map(String::as_str),
            Some("s3: {}")
        );
        assert_eq!(cm.data.get("empty").map(String::as_str), Some(""));
        assert!(!cm.data.contains_key("blob"));
    }
}
