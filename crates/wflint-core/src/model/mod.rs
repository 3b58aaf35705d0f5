//! The typed model of Argo Workflows objects (v4.1 API, lenient for fields of v3.5 and later).
//!
//! It mirrors Argo's Go types (`pkg/apis/workflow/v1alpha1`) with Kubernetes core types from
//! `k8s-openapi`. Decoding follows Go's JSON rules: unknown fields are ignored (the
//! [`unknown_fields`] pass reports them), `null` means "not set", and Argo's lenient scalars
//! accept what Argo accepts ([`AnyString`], [`IntOrString`], [`Item`]).
//!
//! Entry points: [`decode`] (an object of one of the four kinds), [`ArtifactRepository::from_value`]
//! (a repository ConfigMap entry or the controller setting), [`editor_schema`] (JSON Schema for
//! YAML editors) and [`unknown_fields::find`].

use serde::Deserialize;

use crate::path::FieldPath;

mod artifact;
mod cron;
mod execution;
mod objects;
mod parameters;
mod scalars;
mod schema;
mod template;
pub mod unknown_fields;
mod workflow;

pub use artifact::*;
pub use cron::*;
pub use execution::*;
pub use objects::*;
pub use parameters::*;
pub use scalars::{Amount, AnyString, IntOrString, Item, Json, StringMap};
pub use schema::{editor_schema, kind_schema};
pub use template::*;
pub use workflow::*;

/// The four kinds wflint lints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArgoKind {
    /// `Workflow`
    Workflow,
    /// `WorkflowTemplate`
    WorkflowTemplate,
    /// `ClusterWorkflowTemplate`
    ClusterWorkflowTemplate,
    /// `CronWorkflow`
    CronWorkflow,
}

impl ArgoKind {
    /// All four kinds.
    pub const ALL: [ArgoKind; 4] = [
        ArgoKind::Workflow,
        ArgoKind::WorkflowTemplate,
        ArgoKind::ClusterWorkflowTemplate,
        ArgoKind::CronWorkflow,
    ];

    /// The kind for a `kind:` value, if it is one of the four.
    pub fn from_kind(kind: &str) -> Option<Self> {
        match kind {
            "Workflow" => Some(Self::Workflow),
            "WorkflowTemplate" => Some(Self::WorkflowTemplate),
            "ClusterWorkflowTemplate" => Some(Self::ClusterWorkflowTemplate),
            "CronWorkflow" => Some(Self::CronWorkflow),
            _ => None,
        }
    }

    /// The `kind:` text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Workflow => "Workflow",
            Self::WorkflowTemplate => "WorkflowTemplate",
            Self::ClusterWorkflowTemplate => "ClusterWorkflowTemplate",
            Self::CronWorkflow => "CronWorkflow",
        }
    }

    /// Whether objects of this kind live in a namespace.
    pub fn is_namespaced(self) -> bool {
        self != Self::ClusterWorkflowTemplate
    }
}

/// Kubernetes object metadata.
pub type ObjectMeta = k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// A decoded Argo object, reduced to what the checks need.
#[derive(Debug, Clone, PartialEq)]
pub struct ArgoObject {
    /// Which kind.
    pub kind: ArgoKind,
    /// Its metadata.
    pub metadata: ObjectMeta,
    /// Its workflow spec (for a CronWorkflow: `spec.workflowSpec`).
    pub spec: WorkflowSpec,
    /// For a CronWorkflow: the rest of its spec (schedules, policies).
    pub cron: Option<CronOptions>,
}

impl ArgoObject {
    /// Where [`ArgoObject::spec`] sits in the object: `spec`, or `spec.workflowSpec` for a
    /// CronWorkflow.
    pub fn spec_path(&self) -> FieldPath {
        spec_path_of(self.kind)
    }

    /// `metadata.name`, else `metadata.generateName` (empty when neither is set).
    pub fn name(&self) -> &str {
        self.metadata
            .name
            .as_deref()
            .filter(|n| !n.is_empty())
            .or(self.metadata.generate_name.as_deref())
            .unwrap_or_default()
    }

    /// `metadata.namespace`, if set and not empty.
    pub fn namespace(&self) -> Option<&str> {
        self.metadata.namespace.as_deref().filter(|n| !n.is_empty())
    }
}

/// Where the workflow spec of an object of `kind` sits.
pub fn spec_path_of(kind: ArgoKind) -> FieldPath {
    match kind {
        ArgoKind::CronWorkflow => FieldPath::root().key("spec").key("workflowSpec"),
        _ => FieldPath::root().key("spec"),
    }
}

/// The object could not be decoded into the model (a type error).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct DecodeError {
    /// Where the bad value is.
    pub path: FieldPath,
    /// What is wrong with it.
    pub message: String,
}

/// Decode an object of one of the four kinds from its JSON value. Unknown fields are ignored;
/// a value of the wrong type is an error at its path.
pub fn decode(kind: ArgoKind, value: &serde_json::Value) -> Result<ArgoObject, DecodeError> {
    decode_object(kind, value).map_err(|error| DecodeError {
        path: unknown_fields::refine_type_error(schema::Root::Kind(kind), value, &error.path),
        ..error
    })
}

fn decode_object(kind: ArgoKind, value: &serde_json::Value) -> Result<ArgoObject, DecodeError> {
    let root = FieldPath::root();
    if !value.is_object() {
        return Err(DecodeError {
            path: root,
            message: "expected a mapping".to_string(),
        });
    }
    let metadata: ObjectMeta = decode_field(value, "metadata", &root)?;
    let spec_root = root.key("spec");
    let (spec, cron) = match kind {
        ArgoKind::CronWorkflow => {
            let options: CronOptions = decode_field(value, "spec", &root)?;
            let spec = match value.get("spec") {
                Some(spec_value) if spec_value.is_object() => {
                    decode_field(spec_value, "workflowSpec", &spec_root)?
                }
                _ => WorkflowSpec::default(),
            };
            (spec, Some(options))
        }
        _ => (decode_field(value, "spec", &root)?, None),
    };
    Ok(ArgoObject {
        kind,
        metadata,
        spec,
        cron,
    })
}

/// Decode `parent[key]` (absent or `null` gives the default), reporting errors under `base`.
fn decode_field<T>(
    parent: &serde_json::Value,
    key: &'static str,
    base: &FieldPath,
) -> Result<T, DecodeError>
where
    T: Default + for<'de> Deserialize<'de>,
{
    match parent.get(key) {
        None | Some(serde_json::Value::Null) => Ok(T::default()),
        Some(value) => decode_at(value, base.key(key)),
    }
}

/// Decode `value` as a `T`, reporting a type error with its path below `base`.
pub(crate) fn decode_at<T>(value: &serde_json::Value, base: FieldPath) -> Result<T, DecodeError>
where
    T: for<'de> Deserialize<'de>,
{
    // Most objects decode; tracking the path costs a third of the decoding, so it is only
    // paid again when there is an error to place.
    if let Ok(decoded) = T::deserialize(value) {
        return Ok(decoded);
    }
    serde_path_to_error::deserialize(value).map_err(|error| {
        let mut path = base;
        for segment in error.path().iter() {
            match segment {
                serde_path_to_error::Segment::Seq { index } => path.push_index(*index),
                serde_path_to_error::Segment::Map { key } => path.push_key(key.clone()),
                serde_path_to_error::Segment::Enum { .. }
                | serde_path_to_error::Segment::Unknown => {}
            }
        }
        DecodeError {
            path,
            message: error.into_inner().to_string(),
        }
    })
}

/// Whether `name` is one the API server generates from `generate_name`: the prefix, cut to 58
/// bytes, then 5 characters of its random alphabet (apiserver `names.SimpleNameGenerator`,
/// apimachinery `rand.String`).
pub fn is_generated_name(name: &str, generate_name: &str) -> bool {
    const MAX_PREFIX: usize = 63 - 5;
    const RANDOM_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let prefix = generate_name.get(..MAX_PREFIX).unwrap_or(generate_name);
    name.strip_prefix(prefix).is_some_and(|suffix| {
        suffix.len() == 5 && suffix.bytes().all(|b| RANDOM_ALPHABET.contains(&b))
    })
}

#[cfg(test)]
mod tests {
    use super::is_generated_name;

    #[test]
    fn names_generated_from_generate_name_are_recognised() {
        assert!(is_generated_name("artifact-gc-x7k2p", "artifact-gc-"));
        assert!(is_generated_name("artifact-gc-24b9z", "artifact-gc-"));
        // A long prefix is cut to 58 bytes before the 5 random characters.
        let long = "a".repeat(70);
        assert!(is_generated_name(
            &format!("{}bcdfg", "a".repeat(58)),
            &long
        ));
        assert!(!is_generated_name(&format!("{long}bcdfg"), &long));
        // Not generated: another name, a suffix of the wrong length, or with characters the
        // generator never uses (vowels, 0, 1, 3).
        assert!(!is_generated_name("nightly-report", "artifact-gc-"));
        assert!(!is_generated_name("artifact-gc-x7k2", "artifact-gc-"));
        assert!(!is_generated_name("artifact-gc-x7k2pq", "artifact-gc-"));
        assert!(!is_generated_name("artifact-gc-abcde", "artifact-gc-"));
        assert!(!is_generated_name("artifact-gc-10313", "artifact-gc-"));
        assert!(!is_generated_name("artifact-gc-", "artifact-gc-"));
    }
}
