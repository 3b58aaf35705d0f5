//! Parameters and the three places they travel with artifacts: a template's inputs and outputs,
//! and the arguments passed to a template or a workflow.

use k8s_openapi::api::core::v1::ConfigMapKeySelector;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{
    artifact::Artifact,
    scalars::{AnyString, is_default, nullable},
};

/// A named string value passed into or out of a template.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Parameter {
    /// Parameter name.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub name: String,
    /// Value used for an input when the caller supplies none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<AnyString>,
    /// The literal value (numbers and booleans are taken as their text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<AnyString>,
    /// Where an output parameter (or an argument) takes its value from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_from: Option<ValueFrom>,
    /// Publishes an output parameter as `workflow.outputs.parameters.<globalName>`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub global_name: String,
    /// The values the parameter may take. `enum: []` is kept apart from no `enum` at all:
    /// Argo rejects an empty list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#enum: Option<Vec<AnyString>>,
    /// Human-readable description (shown in the UI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<AnyString>,
}

impl Parameter {
    /// The literal value, if one is set.
    pub fn value_str(&self) -> Option<&str> {
        self.value.as_ref().map(AnyString::as_str)
    }

    /// The default, if one is set.
    pub fn default_str(&self) -> Option<&str> {
        self.default.as_ref().map(AnyString::as_str)
    }
}

/// The source of a parameter's value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ValueFrom {
    /// File in the container whose content becomes the value (container/script templates).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub path: String,
    /// JSONPath into the resource (resource templates).
    #[serde(
        rename = "jsonPath",
        deserialize_with = "nullable",
        skip_serializing_if = "is_default"
    )]
    pub json_path: String,
    /// jq filter over the resource (resource templates).
    #[serde(
        rename = "jqFilter",
        deserialize_with = "nullable",
        skip_serializing_if = "is_default"
    )]
    pub jq_filter: String,
    /// Expression evaluated against the event that triggered the workflow.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub event: String,
    /// Another output parameter to copy, e.g. `{{steps.a.outputs.parameters.x}}`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub parameter: String,
    /// The value is supplied later, by a person resuming a suspend template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplied: Option<SuppliedValueFrom>,
    /// A ConfigMap key whose value becomes the parameter's value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_map_key_ref: Option<ConfigMapKeySelector>,
    /// Value used when the source cannot be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<AnyString>,
    /// An expression whose result becomes the value.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub expression: String,
}

/// Marker for a value supplied when a suspended workflow is resumed (takes no settings).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct SuppliedValueFrom {}

/// What a template receives.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Inputs {
    /// Input parameters.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub parameters: Vec<Parameter>,
    /// Input artifacts.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub artifacts: Vec<Artifact>,
}

impl Inputs {
    /// The input parameter called `name`.
    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }

    /// The input artifact called `name`.
    pub fn artifact(&self, name: &str) -> Option<&Artifact> {
        self.artifacts.iter().find(|a| a.name == name)
    }

    /// Whether nothing is declared.
    pub fn is_empty(&self) -> bool {
        self.parameters.is_empty() && self.artifacts.is_empty()
    }
}

/// What a template produces.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Outputs {
    /// Output parameters.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub parameters: Vec<Parameter>,
    /// Output artifacts.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub artifacts: Vec<Artifact>,
    /// Standard output of a script or container (set by the controller; rarely written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// Exit code of the main container (set by the controller; rarely written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<String>,
}

impl Outputs {
    /// The output parameter called `name`.
    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }

    /// The output artifact called `name`.
    pub fn artifact(&self, name: &str) -> Option<&Artifact> {
        self.artifacts.iter().find(|a| a.name == name)
    }
}

/// Values passed to a template (from a step, task or hook) or to the workflow's entrypoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Arguments {
    /// Parameter arguments.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub parameters: Vec<Parameter>,
    /// Artifact arguments.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "is_default")]
    pub artifacts: Vec<Artifact>,
}

impl Arguments {
    /// The parameter argument called `name`.
    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }

    /// The artifact argument called `name`.
    pub fn artifact(&self, name: &str) -> Option<&Artifact> {
        self.artifacts.iter().find(|a| a.name == name)
    }

    /// Whether nothing is passed.
    pub fn is_empty(&self) -> bool {
        self.parameters.is_empty() && self.artifacts.is_empty()
    }
}
