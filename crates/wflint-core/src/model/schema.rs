//! JSON Schema of the model, generated with schemars: one schema per kind, and one editor
//! schema that accepts any of the four kinds (for yaml-language-server and VS Code YAML).
//!
//! The generated definitions are adjusted once for editors and for the unknown-field walk:
//! objects with a fixed set of fields get `additionalProperties: false` (like Argo's strict
//! decoding), Kubernetes IntOrString and Quantity accept both numbers and strings, and
//! container-shaped objects drop Kubernetes' required `name` (Argo names the main container).

use std::sync::OnceLock;

use schemars::{JsonSchema, generate::SchemaSettings};
use serde_json::{Map, Value, json};

use super::{
    ArgoKind,
    artifact::ArtifactRepository,
    objects::{ClusterWorkflowTemplate, CronWorkflow, Workflow, WorkflowTemplate},
};

const DEFS: &str = "$defs";
const INT_OR_STRING: &str = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
const QUANTITY: &str = "io.k8s.apimachinery.pkg.api.resource.Quantity";
const API_VERSION: &str = "argoproj.io/v1alpha1";

/// A type whose whole documents the model describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Root {
    /// An object of one of the four kinds.
    Kind(ArgoKind),
    /// An artifact repository (ConfigMap entry or controller setting).
    ArtifactRepository,
}

impl Root {
    /// Every root, in the order of [`Definitions::roots`].
    pub(crate) const ALL: [Root; 5] = [
        Root::Kind(ArgoKind::Workflow),
        Root::Kind(ArgoKind::WorkflowTemplate),
        Root::Kind(ArgoKind::ClusterWorkflowTemplate),
        Root::Kind(ArgoKind::CronWorkflow),
        Root::ArtifactRepository,
    ];

    /// Position in [`Root::ALL`].
    pub(crate) fn index(self) -> usize {
        Self::ALL.iter().position(|r| *r == self).unwrap_or(0)
    }
}

/// The model's schema definitions and the definition name of each root.
pub(crate) struct Definitions {
    /// Every definition, keyed by name (`Template`, `io.k8s.api.core.v1.Container`, ...).
    pub(crate) defs: Map<String, Value>,
    /// Definition name of each root, in [`Root::ALL`] order.
    pub(crate) roots: [String; 5],
}

impl Definitions {
    /// The definition name of a root.
    pub(crate) fn root(&self, root: Root) -> &str {
        &self.roots[root.index()]
    }
}

/// The adjusted definitions, generated once.
pub(crate) fn definitions() -> &'static Definitions {
    static DEFINITIONS: OnceLock<Definitions> = OnceLock::new();
    DEFINITIONS.get_or_init(generate)
}

fn generate() -> Definitions {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    let root_refs = [
        root_ref::<Workflow>(&mut generator),
        root_ref::<WorkflowTemplate>(&mut generator),
        root_ref::<ClusterWorkflowTemplate>(&mut generator),
        root_ref::<CronWorkflow>(&mut generator),
        root_ref::<ArtifactRepository>(&mut generator),
    ];
    let mut defs = generator.take_definitions(true);
    for def in defs.values_mut() {
        adjust(def);
    }
    for (name, int_only) in [(INT_OR_STRING, true), (QUANTITY, false)] {
        if let Some(Value::Object(def)) = defs.get_mut(name) {
            let number = if int_only { "integer" } else { "number" };
            def.insert(
                "anyOf".into(),
                json!([{ "type": number }, { "type": "string" }]),
            );
        }
    }
    add_newer_kubernetes_fields(&mut defs);
    for (kind, name) in ArgoKind::ALL.iter().zip(&root_refs) {
        if let Some(Value::Object(def)) = defs.get_mut(name.as_str()) {
            pin_type_meta(def, *kind);
        }
    }
    Definitions {
        defs,
        roots: root_refs,
    }
}

/// Argo v4.1 is built on Kubernetes 1.35 types while the workspace uses k8s-openapi's 1.34
/// ones: add the fields Argo's CRDs have that 1.34 lacks, so that they are not unknown.
fn add_newer_kubernetes_fields(defs: &mut Map<String, Value>) {
    let additions = [(
        "io.k8s.api.core.v1.PodCertificateProjection",
        "userAnnotations",
        json!({
            "description": "Annotations copied to the PodCertificateRequest (Kubernetes 1.35).",
            "type": "object",
            "additionalProperties": { "type": "string" },
        }),
    )];
    for (definition, field, schema) in additions {
        if let Some(Value::Object(properties)) = defs
            .get_mut(definition)
            .and_then(|def| def.get_mut("properties"))
        {
            properties.entry(field).or_insert(schema);
        }
    }
}

/// Register `T` and return the name of its definition.
fn root_ref<T: JsonSchema>(generator: &mut schemars::SchemaGenerator) -> String {
    let schema = generator.subschema_for::<T>();
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
        .map_or_else(|| T::schema_name().into_owned(), str::to_string)
}

/// Close fixed-field objects and relax container-shaped ones, in this schema and every
/// schema nested in it.
fn adjust(schema: &mut Value) {
    let Value::Object(object) = schema else {
        return;
    };
    if let Some(Value::Object(properties)) = object.get("properties") {
        let container_shaped = ["image", "command", "args", "env"]
            .iter()
            .all(|field| properties.contains_key(*field));
        if container_shaped {
            object.remove("required");
        }
        if !object.contains_key("additionalProperties") {
            object.insert("additionalProperties".into(), Value::Bool(false));
        }
    }
    for (keyword, value) in object.iter_mut() {
        match keyword.as_str() {
            "properties" | "patternProperties" | DEFS => {
                if let Value::Object(map) = value {
                    map.values_mut().for_each(adjust);
                }
            }
            "items" | "additionalProperties" | "not" | "if" | "then" | "else" => adjust(value),
            "anyOf" | "oneOf" | "allOf" | "prefixItems" => {
                if let Value::Array(list) = value {
                    list.iter_mut().for_each(adjust);
                }
            }
            _ => {}
        }
    }
}

/// Constrain `apiVersion` and `kind` of a kind's root object.
fn pin_type_meta(def: &mut Map<String, Value>, kind: ArgoKind) {
    if let Some(Value::Object(properties)) = def.get_mut("properties") {
        properties.insert(
            "apiVersion".into(),
            json!({ "description": "API group and version of Argo's objects.", "const": API_VERSION }),
        );
        properties.insert(
            "kind".into(),
            json!({ "description": "The kind of object.", "const": kind.as_str() }),
        );
    }
    def.insert("required".into(), json!(["apiVersion", "kind"]));
}

/// The JSON Schema (draft 2020-12) of one kind's objects.
pub fn kind_schema(kind: ArgoKind) -> Value {
    let definitions = definitions();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("Argo {} (wflint)", kind.as_str()),
        "$ref": format!("#/{DEFS}/{}", definitions.root(Root::Kind(kind))),
        DEFS: definitions.defs,
    })
}

/// One JSON Schema (draft 2020-12) for YAML editors that accepts a Workflow,
/// WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow, chosen by `kind`, with field
/// descriptions for hover and completion. Documents of other kinds are left alone.
pub fn editor_schema() -> Value {
    let definitions = definitions();
    let dispatch: Vec<Value> = ArgoKind::ALL
        .iter()
        .map(|kind| {
            json!({
                "if": {
                    "properties": { "kind": { "const": kind.as_str() } },
                    "required": ["kind"],
                },
                "then": { "$ref": format!("#/{DEFS}/{}", definitions.root(Root::Kind(*kind))) },
            })
        })
        .collect();
    let kinds: Vec<&str> = ArgoKind::ALL.iter().map(|k| k.as_str()).collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Argo Workflows manifests (wflint)",
        "description": "Workflow, WorkflowTemplate, ClusterWorkflowTemplate and CronWorkflow objects of Argo Workflows v4.1 (fields of v3.5 and later accepted), as wflint's model knows them.",
        "type": "object",
        "properties": {
            "apiVersion": {
                "description": "API group and version; Argo's objects use `argoproj.io/v1alpha1`.",
                "type": "string",
                "examples": [API_VERSION],
            },
            "kind": {
                "description": "The kind of object.",
                "type": "string",
                "examples": kinds,
            },
        },
        "allOf": dispatch,
        DEFS: definitions.defs,
    })
}
