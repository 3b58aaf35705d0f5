//! The model against Argo's own data: every property of Argo's full CRDs is a known field, and
//! every valid Argo example decodes, has no unknown field and validates against the editor
//! schema.
//!
//! Reads `../shared/corpus` beside the repository (or `$WFLINT_SHARED/corpus`); each test skips
//! with a message when it is absent.

// Helpers outside `#[test]` functions panic on malformed corpus files, like the tests do.
#![allow(clippy::expect_used)]

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};
use wflint_core::{
    context::NoContext,
    engine::{self, Input, LintOptions},
    model::{self, ArgoKind, unknown_fields},
    source::{self, Limits},
};

fn corpus() -> Option<PathBuf> {
    let shared = std::env::var_os("WFLINT_SHARED").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
        PathBuf::from,
    );
    let dir = shared.join("corpus");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipping: {} is absent (set WFLINT_SHARED to the shared folder)",
            dir.display()
        );
        None
    }
}

fn read_yaml(path: &Path) -> Vec<Value> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let parsed = source::parse(&path.display().to_string(), &bytes, &Limits::default());
    // One example repeats a key (the reader keeps the last value, like Kubernetes).
    let problems: Vec<_> = parsed
        .problems
        .iter()
        .filter(|p| p.rule.code != "duplicate-key")
        .collect();
    assert!(problems.is_empty(), "{}: {problems:?}", path.display());
    parsed.documents.into_iter().map(|d| d.value).collect()
}

/// An object that has every property the CRD schema declares (one item per list, one key `x`
/// per map), with `null` leaves: walking it finds exactly the CRD fields the model lacks.
fn probe(schema: &Value) -> Value {
    let mut object = Map::new();
    if let Some(Value::Object(properties)) = schema.get("properties") {
        for (name, property) in properties {
            object.insert(name.clone(), probe(property));
        }
    }
    if let Some(values @ Value::Object(_)) = schema.get("additionalProperties") {
        object.insert("x".to_string(), probe(values));
    }
    if let Some(items @ Value::Object(_)) = schema.get("items") {
        return Value::Array(vec![probe(items)]);
    }
    if object.is_empty() {
        Value::Null
    } else {
        Value::Object(object)
    }
}

#[test]
fn every_property_of_argos_crds_is_a_known_field() {
    let Some(corpus) = corpus() else { return };
    let crds = corpus.join("argo-schema/crds-full");
    let mut missing = Vec::new();
    let mut checked = 0;
    for (file, kind) in [
        ("argoproj.io_workflows.yaml", ArgoKind::Workflow),
        (
            "argoproj.io_workflowtemplates.yaml",
            ArgoKind::WorkflowTemplate,
        ),
        (
            "argoproj.io_clusterworkflowtemplates.yaml",
            ArgoKind::ClusterWorkflowTemplate,
        ),
        ("argoproj.io_cronworkflows.yaml", ArgoKind::CronWorkflow),
    ] {
        let crd = read_yaml(&crds.join(file)).remove(0);
        let versions = crd["spec"]["versions"].as_array().expect("versions");
        for version in versions {
            let schema = &version["schema"]["openAPIV3Schema"];
            let mut object = probe(schema);
            // The controller's status is free-form to wflint, and the CRDs leave metadata open.
            if let Some(map) = object.as_object_mut() {
                map.remove("status");
                map.remove("metadata");
            }
            checked += 1;
            for field in unknown_fields::find(kind, &object) {
                missing.push(format!("{}: {}", kind.as_str(), field.path));
            }
        }
    }
    assert_eq!(checked, 4, "one schema version per CRD");
    assert!(
        missing.is_empty(),
        "{} CRD properties unknown to the model:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn the_probe_finds_what_the_model_lacks() {
    // Guards the CRD test above against passing vacuously.
    let schema = json!({"properties": {"spec": {"properties": {
        "templates": {"items": {"properties": {"name": {}, "notAField": {}}}},
    }}}});
    let found = unknown_fields::find(ArgoKind::Workflow, &probe(&schema));
    let paths: Vec<String> = found.iter().map(|f| f.path.to_string()).collect();
    assert_eq!(paths, ["spec.templates[0].notAField"]);
}

struct Example {
    path: String,
    needs: Vec<String>,
}

fn valid_examples(corpus: &Path) -> Vec<Example> {
    let index = std::fs::read_to_string(corpus.join("argo-examples/INDEX.tsv")).expect("INDEX.tsv");
    let mut lines = index.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (path, expect, needs) = (column("path"), column("expect"), column("needs"));
    lines
        .map(|line| line.split('\t').collect::<Vec<_>>())
        .filter(|row| row.get(expect) == Some(&"valid"))
        .map(|row| Example {
            path: row[path].to_string(),
            needs: row
                .get(needs)
                .map(|n| n.split_whitespace().map(str::to_string).collect())
                .unwrap_or_default(),
        })
        .collect()
}

#[test]
fn valid_examples_decode_without_unknown_fields() {
    let Some(corpus) = corpus() else { return };
    let examples = valid_examples(&corpus);
    assert_eq!(examples.len(), 212);
    let mut problems = Vec::new();
    let mut objects = 0;
    for example in &examples {
        let file = corpus.join("argo-examples").join(&example.path);
        for document in read_yaml(&file) {
            for (kind, value, base) in engine::objects_in(&document) {
                objects += 1;
                if let Err(error) = model::decode(kind, value) {
                    problems.push(format!("{}{base}: invalid type: {error}", example.path));
                }
                for field in unknown_fields::find(kind, value) {
                    problems.push(format!("{}: unknown field {}", example.path, field.path));
                }
            }
        }
    }
    assert!(objects >= 212);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn linting_valid_examples_reports_no_unknown_field_or_invalid_type() {
    let Some(corpus) = corpus() else { return };
    let folder = corpus.join("argo-examples");
    let read = |name: &str| Input {
        name: name.to_string(),
        bytes: std::fs::read(folder.join(name)).expect("example"),
    };
    for example in valid_examples(&corpus) {
        let inputs = std::iter::once(&example.path)
            .chain(&example.needs)
            .map(|name| read(name))
            .collect();
        let report = engine::lint_inputs(inputs, &NoContext, &LintOptions::default());
        let model_findings: Vec<String> = report
            .findings
            .iter()
            .filter(|f| matches!(f.diagnostic.code(), "unknown-field" | "invalid-type"))
            .map(|f| format!("{}: {}", f.diagnostic.path, f.diagnostic.message))
            .collect();
        assert!(
            model_findings.is_empty(),
            "{}: {model_findings:?}",
            example.path
        );
    }
}

#[test]
fn valid_examples_validate_against_the_editor_schema() {
    let Some(corpus) = corpus() else { return };
    let schema = model::editor_schema();
    let validator = jsonschema::validator_for(&schema).expect("the editor schema compiles");
    let mut failures = Vec::new();
    for example in valid_examples(&corpus) {
        let file = corpus.join("argo-examples").join(&example.path);
        for document in read_yaml(&file) {
            for (_, value, base) in engine::objects_in(&document) {
                for error in validator.iter_errors(value) {
                    failures.push(format!(
                        "{}{base} at {}: {error}",
                        example.path,
                        error.instance_path()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_editor_schema_rejects_typos_and_wrong_types() {
    let schema = model::editor_schema();
    let validator = jsonschema::validator_for(&schema).expect("the editor schema compiles");
    let workflow = |template: Value| {
        json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
               "metadata": {"generateName": "x-"},
               "spec": {"entrypoint": "main", "templates": [template]}})
    };
    let good = workflow(json!({"name": "main", "container": {"image": "alpine"},
        "retryStrategy": {"limit": 3}, "activeDeadlineSeconds": "{{workflow.parameters.t}}",
        "inputs": {"parameters": [{"name": "n", "value": 3}]}}));
    assert!(validator.is_valid(&good));
    assert!(!validator.is_valid(&workflow(json!({"name": "main", "containr": {}}))));
    assert!(!validator.is_valid(&workflow(
        json!({"name": "main", "script": {"source": "x", "imagee": "y"}})
    )));
    assert!(!validator.is_valid(&workflow(
        json!({"name": "main", "retryStrategy": {"limit": 1.5}})
    )));
    // Other kinds of documents are left alone.
    assert!(validator.is_valid(&json!({"apiVersion": "v1", "kind": "ConfigMap", "data": {}})));
    let cron = json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "CronWorkflow",
        "spec": {"schedules": ["* * * * *"], "workflowSpec": {"entrypoin": "x"}}});
    assert!(!validator.is_valid(&cron));
}

#[test]
fn the_editor_schema_describes_fields_and_dispatches_on_kind() {
    let schema = model::editor_schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let dispatch = schema["allOf"].as_array().expect("allOf");
    assert_eq!(dispatch.len(), 4);
    let template = &schema["$defs"]["Template"];
    assert_eq!(template["additionalProperties"], false);
    let description = template["properties"]["container"]["description"]
        .as_str()
        .expect("field descriptions come from doc comments");
    assert!(description.contains("container"), "{description}");
    let kind = model::kind_schema(ArgoKind::CronWorkflow);
    assert_eq!(kind["$ref"], "#/$defs/CronWorkflow");
}
