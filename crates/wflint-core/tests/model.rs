//! Behaviour of the typed model: decoding (lenient scalars, type errors with paths) and the
//! unknown-field walk (paths, suggestions, Argo's messages), on hand-written objects.

use serde_json::{Value, json};
use wflint_core::{
    context::NoContext,
    diagnostic::{Edit, Target},
    engine::{LintOptions, lint_value},
    model::{
        self, ArgoKind, ArtifactDriver, ArtifactRepository, TemplateType,
        unknown_fields::{self, ArgoReaction},
    },
    path::FieldPath,
};

fn workflow(templates: Value) -> Value {
    json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {"generateName": "test-"},
        "spec": {"entrypoint": "main", "templates": templates},
    })
}

fn unknown(kind: ArgoKind, value: &Value) -> Vec<(String, Option<String>, Option<String>)> {
    unknown_fields::find(kind, value)
        .into_iter()
        .map(|f| (f.path.to_string(), f.suggestion.clone(), f.argo_message()))
        .collect()
}

#[test]
fn misspelt_template_field_is_reported_with_a_suggestion_and_argo_text() {
    let wf = workflow(json!([{"name": "main", "containr": {"image": "alpine"}}]));
    assert_eq!(
        unknown(ArgoKind::Workflow, &wf),
        vec![(
            "spec.templates[0].containr".to_string(),
            Some("container".to_string()),
            Some("strict decoding error: unknown field \"spec.templates[0].containr\"".to_string()),
        )]
    );
}

#[test]
fn fields_inside_inline_containers_are_checked() {
    let wf = workflow(json!([
        {"name": "main", "script": {"imagee": "python", "source": "print(1)"},
         "sidecars": [{"name": "db", "image": "postgres", "mirrorVolumeMount": true}],
         "containerSet": {"containers": [{"name": "a", "image": "x", "dependencies": [], "comand": ["x"]}]}},
    ]));
    let found = unknown(ArgoKind::Workflow, &wf);
    let summary: Vec<(&str, Option<&str>)> = found
        .iter()
        .map(|(p, s, _)| (p.as_str(), s.as_deref()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "spec.templates[0].containerSet.containers[0].comand",
                Some("command")
            ),
            ("spec.templates[0].script.imagee", Some("image")),
            (
                "spec.templates[0].sidecars[0].mirrorVolumeMount",
                Some("mirrorVolumeMounts")
            ),
        ]
    );
}

#[test]
fn artifact_location_fields_are_known_and_driver_typos_are_not() {
    let wf = workflow(json!([{
        "name": "main",
        "container": {"image": "alpine"},
        "outputs": {"artifacts": [
            {"name": "a", "path": "/a", "s3": {"key": "k", "bucket": "b", "endpoint": "e",
             "accessKeySecret": {"name": "s", "key": "k"}}, "archive": {"none": {}}},
            {"name": "b", "path": "/b", "gcs": {"bucket": "b", "kye": "k"}},
        ]},
    }]));
    let found = unknown(ArgoKind::Workflow, &wf);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "spec.templates[0].outputs.artifacts[1].gcs.kye");
    assert_eq!(found[0].1.as_deref(), Some("key"));
}

#[test]
fn step_keys_get_argos_step_decoder_text_and_deeper_keys_none() {
    let wf = workflow(json!([{
        "name": "main",
        "steps": [[{"name": "a", "templat": "b", "arguments": {"parameter": []}}]],
    }]));
    let mut found = unknown_fields::find(ArgoKind::Workflow, &wf);
    found.sort_by_key(|f| f.path.len());
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(
        found[0].path.to_string(),
        "spec.templates[0].steps[0][0].templat"
    );
    assert_eq!(found[0].suggestion.as_deref(), Some("template"));
    assert_eq!(found[0].argo, ArgoReaction::StepDecoding);
    assert_eq!(
        found[0].argo_message().as_deref(),
        Some("json: unknown field \"templat\"")
    );
    assert_eq!(
        found[1].path.to_string(),
        "spec.templates[0].steps[0][0].arguments.parameter"
    );
    assert_eq!(found[1].suggestion.as_deref(), Some("parameters"));
    assert_eq!(found[1].argo, ArgoReaction::Ignored);
    assert_eq!(found[1].argo_message(), None);
}

#[test]
fn dag_tasks_and_their_inline_templates_are_strict() {
    let wf = workflow(json!([{
        "name": "main",
        "dag": {"tasks": [{"name": "a", "dependencis": [], "inline": {"contianer": {}}}]},
    }]));
    let found = unknown(ArgoKind::Workflow, &wf);
    assert_eq!(
        found,
        vec![
            (
                "spec.templates[0].dag.tasks[0].dependencis".to_string(),
                Some("dependencies".to_string()),
                Some(
                    "strict decoding error: unknown field \"spec.templates[0].dag.tasks[0].dependencis\""
                        .to_string()
                ),
            ),
            (
                "spec.templates[0].dag.tasks[0].inline.contianer".to_string(),
                Some("container".to_string()),
                Some(
                    "strict decoding error: unknown field \"spec.templates[0].dag.tasks[0].inline.contianer\""
                        .to_string()
                ),
            ),
        ]
    );
}

#[test]
fn cron_workflow_spec_and_its_workflow_spec_are_checked() {
    let cron = json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "CronWorkflow",
        "metadata": {"name": "c"},
        "spec": {
            "schedules": ["* * * * *"],
            "concurencyPolicy": "Forbid",
            "workflowSpec": {"entrypoin": "main", "templates": []},
        },
    });
    let found = unknown(ArgoKind::CronWorkflow, &cron);
    let summary: Vec<(&str, Option<&str>)> = found
        .iter()
        .map(|(p, s, _)| (p.as_str(), s.as_deref()))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("spec.concurencyPolicy", Some("concurrencyPolicy")),
            ("spec.workflowSpec.entrypoin", Some("entrypoint")),
        ]
    );
}

#[test]
fn free_form_places_are_not_walked_but_metadata_is() {
    let wf = json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {"nam": "x", "labels": {"anything": "goes"}, "annotations": {"a/b": "c"}},
        "spec": {
            "templates": [{"name": "p", "plugin": {"hello": {"any": {"thing": 1}}}},
                          {"name": "r", "resource": {"action": "create", "manifest": "kind: X"}},
                          {"name": "s", "steps": [[{"name": "x", "template": "p",
                              "withItems": [{"free": "form"}, 1, "a"]}]]}],
        },
        "status": {"phase": "Running", "whatever": {}},
    });
    let found = unknown(ArgoKind::Workflow, &wf);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "metadata.nam");
    assert_eq!(found[0].1.as_deref(), Some("name"));
}

#[test]
fn suggestions_skip_fields_already_set_and_far_names() {
    let wf = workflow(
        json!([{"name": "main", "container": {"image": "a"}, "containr": {}, "zzzzzz": 1}]),
    );
    let found = unknown_fields::find(ArgoKind::Workflow, &wf);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].suggestion, None, "container is already set");
    assert_eq!(found[1].suggestion, None);
    assert!(found[1].known.contains(&"container".to_string()));
}

#[test]
fn removed_v3_fields_are_accepted_and_listed() {
    let cron = json!({
        "kind": "CronWorkflow",
        "spec": {"schedule": "* * * * *", "workflowSpec": {
            "podPriority": 1,
            "synchronization": {"mutex": {"name": "m"}},
            "templates": [{"name": "a", "priority": 3, "memoize": {"key": "k", "maxAge": "1h",
                "cache": {"configMap": {"name": "c", "key": "k"}}}}]}},
    });
    let scan = unknown_fields::scan(ArgoKind::CronWorkflow, &cron);
    assert!(scan.unknown.is_empty(), "{:?}", scan.unknown);
    let removed: Vec<String> = scan.removed.iter().map(|r| r.path.to_string()).collect();
    assert_eq!(
        removed,
        [
            "spec.schedule",
            "spec.workflowSpec.podPriority",
            "spec.workflowSpec.synchronization.mutex",
            "spec.workflowSpec.templates[0].memoize.cache.configMap.key",
            "spec.workflowSpec.templates[0].priority",
        ]
    );
    let object = model::decode(ArgoKind::CronWorkflow, &cron).unwrap();
    assert_eq!(object.cron.unwrap().schedule, "* * * * *");
}

#[test]
fn unknown_field_diagnostic_points_at_the_key_with_a_rename_fix() {
    let wf = workflow(json!([{"name": "main", "containr": {"image": "alpine"}}]));
    let (_, diagnostics) = lint_value(&wf, &NoContext, &LintOptions::default()).unwrap();
    let diagnostic = diagnostics
        .iter()
        .find(|d| d.code() == "unknown-field")
        .expect("an unknown-field finding");
    assert_eq!(diagnostic.target, Target::Key);
    assert_eq!(diagnostic.path.to_string(), "spec.templates[0].containr");
    assert_eq!(
        diagnostic.help.as_deref(),
        Some("did you mean `container`?")
    );
    assert_eq!(
        diagnostic.argo_message.as_deref(),
        Some("strict decoding error: unknown field \"spec.templates[0].containr\"")
    );
    let fix = diagnostic.fix.as_ref().expect("a fix");
    assert_eq!(
        fix.edits,
        vec![Edit::RenameKey {
            path: FieldPath::parse("spec.templates[0].containr"),
            new_key: "container".to_string(),
        }]
    );
}

#[test]
fn type_errors_carry_the_path_of_the_bad_value() {
    let wf = workflow(json!([{"name": "main", "container": {"image": "a", "args": "not-a-list"}}]));
    let error = model::decode(ArgoKind::Workflow, &wf).unwrap_err();
    assert_eq!(error.path.to_string(), "spec.templates[0].container.args");

    // Inside an inline (flattened) container serde loses the path; the schema finds it again.
    let wf =
        workflow(json!([{"name": "main", "script": {"image": "a", "source": "x", "args": 3}}]));
    let error = model::decode(ArgoKind::Workflow, &wf).unwrap_err();
    assert_eq!(error.path.to_string(), "spec.templates[0].script.args");

    let wf = workflow(json!([{"name": "main", "container": {"image": "a"},
        "outputs": {"artifacts": [{"name": "x", "s3": {"key": 5}}]}}]));
    let error = model::decode(ArgoKind::Workflow, &wf).unwrap_err();
    assert_eq!(
        error.path.to_string(),
        "spec.templates[0].outputs.artifacts[0].s3.key"
    );

    let (_, diagnostics) = lint_value(&wf, &NoContext, &LintOptions::default()).unwrap();
    let invalid: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.code() == "invalid-type")
        .map(|d| d.path.to_string())
        .collect();
    assert_eq!(invalid, ["spec.templates[0].outputs.artifacts[0].s3.key"]);
}

#[test]
fn cron_type_errors_are_placed_under_the_workflow_spec() {
    let cron = json!({"kind": "CronWorkflow", "spec": {"schedules": "* * * * *",
        "workflowSpec": {"templates": [{"name": 7}]}}});
    let error = model::decode(ArgoKind::CronWorkflow, &cron).unwrap_err();
    assert_eq!(error.path.to_string(), "spec.schedules");
    let cron =
        json!({"kind": "CronWorkflow", "spec": {"workflowSpec": {"templates": [{"name": 7}]}}});
    let error = model::decode(ArgoKind::CronWorkflow, &cron).unwrap_err();
    assert_eq!(
        error.path.to_string(),
        "spec.workflowSpec.templates[0].name"
    );
}

#[test]
fn parameter_values_accept_numbers_and_booleans_like_argo() {
    let mut wf = workflow(json!([{"name": "main", "container": {"image": "a"}}]));
    wf["spec"]["arguments"] = json!({"parameters": [
        {"name": "n", "value": 3}, {"name": "b", "value": true}, {"name": "f", "value": 1.5},
        {"name": "e", "enum": [1, "two", false]}, {"name": "d", "default": 0},
    ]});
    let object = model::decode(ArgoKind::Workflow, &wf).unwrap();
    let parameters = &object.spec.arguments.parameters;
    assert_eq!(parameters[0].value_str(), Some("3"));
    assert_eq!(parameters[1].value_str(), Some("true"));
    assert_eq!(parameters[2].value_str(), Some("1.5"));
    let enum_values: Vec<&str> = parameters[3]
        .r#enum
        .iter()
        .flatten()
        .map(|v| v.as_str())
        .collect();
    assert_eq!(enum_values, ["1", "two", "false"]);
    assert_eq!(parameters[4].default_str(), Some("0"));

    wf["spec"]["arguments"]["parameters"][0]["value"] = json!({"a": 1});
    let error = model::decode(ArgoKind::Workflow, &wf).unwrap_err();
    assert_eq!(error.path.to_string(), "spec.arguments.parameters[0].value");
}

#[test]
fn int_or_string_fields_take_both_and_null_means_unset() {
    let wf = workflow(json!([
        {"name": "a", "activeDeadlineSeconds": 10, "retryStrategy": {"limit": "{{inputs.parameters.n}}"},
         "container": {"image": "x"}, "inputs": null, "volumes": null},
        {"name": "b", "activeDeadlineSeconds": "{{workflow.parameters.t}}",
         "retryStrategy": {"limit": 3, "backoff": {"factor": 2}}, "container": {"image": "x"}},
    ]));
    let object = model::decode(ArgoKind::Workflow, &wf).unwrap();
    assert_eq!(object.spec.templates.len(), 2);
    assert!(object.spec.templates[0].inputs.is_empty());
}

#[test]
fn model_helpers_answer_the_usual_questions() {
    let wf = workflow(json!([
        {"name": "main", "steps": [[{"name": "a", "template": "gen"}]]},
        {"name": "gen", "container": {"image": "x"},
         "outputs": {"artifacts": [{"name": "out", "path": "/o", "s3": {"key": "k"}}]}},
    ]));
    let object = model::decode(ArgoKind::Workflow, &wf).unwrap();
    assert_eq!(object.spec_path().to_string(), "spec");
    assert_eq!(object.name(), "test-");
    let main = object.spec.entrypoint_template().unwrap();
    assert_eq!(main.template_type(), TemplateType::Steps);
    assert_eq!(main.step_groups()[0].steps[0].template, "gen");
    let generator = object.spec.template("gen").unwrap();
    assert!(generator.is_leaf());
    let artifact = generator.outputs.artifact("out").unwrap();
    let driver = artifact.driver().unwrap();
    assert!(matches!(driver, ArtifactDriver::S3(_)));
    assert_eq!(driver.key(), Some("k"));
    assert!(!artifact.location().has_location(), "key-only artifact");
}

#[test]
fn artifact_repositories_decode_on_their_own() {
    let value = json!({"archiveLogs": true, "s3": {"bucket": "b", "endpoint": "minio:9000",
        "insecure": true, "keyFormat": "{{workflow.name}}/x", "accessKeySecret": {"name": "s", "key": "a"}},
        "unknown": "ignored"});
    let repository = ArtifactRepository::from_value(&value).unwrap();
    assert!(repository.is_archive_logs());
    let driver = repository.driver().unwrap();
    assert_eq!(driver.name(), "s3");
    assert_eq!(driver.key_format(), Some("{{workflow.name}}/x"));
    let error = ArtifactRepository::from_value(&json!({"s3": {"bucket": 3}})).unwrap_err();
    assert_eq!(error.path.to_string(), "s3.bucket");
    let unknown = unknown_fields::find_in_repository(&value);
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0].path.to_string(), "unknown");
    assert_eq!(
        unknown[0].argo_message(),
        None,
        "Argo reads repositories leniently"
    );
}
