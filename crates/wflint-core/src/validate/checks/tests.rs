//! Tests of the entry points on decoded objects: Argo's exact texts, the paths findings point
//! at, and the quirks copied from Argo.

use serde_json::{Value, json};

use super::*;
use crate::model::{self, ArgoKind};

fn object(kind: ArgoKind, value: Value) -> ArgoObject {
    match model::decode(kind, &value) {
        Ok(object) => object,
        Err(error) => panic!("test object does not decode: {error}"),
    }
}

fn workflow(spec: Value) -> ArgoObject {
    object(
        ArgoKind::Workflow,
        json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
               "metadata": {"generateName": "t-"}, "spec": spec}),
    )
}

/// `(code, path, argo_message)` of every finding of [`check_object`].
fn findings(object: &ArgoObject) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    check_object(object, &mut out);
    out.into_iter()
        .map(|d| {
            (
                d.rule.code.to_string(),
                d.path.to_string(),
                d.argo_message.unwrap_or_default(),
            )
        })
        .collect()
}

fn argo_texts(object: &ArgoObject) -> Vec<String> {
    findings(object).into_iter().map(|(_, _, a)| a).collect()
}

#[test]
fn valid_workflow_has_no_findings() {
    let wf = workflow(json!({
        "entrypoint": "main",
        "arguments": {"parameters": [{"name": "p", "value": "a", "enum": ["a", "b"]}]},
        "templates": [
            {"name": "main", "steps": [[{"name": "a", "template": "leaf",
                "arguments": {"parameters": [{"name": "x", "value": "1"}],
                              "artifacts": [{"name": "in", "from": "{{workflow.outputs.artifacts.x}}"}]}}]],
             "outputs": {"parameters": [{"name": "o", "valueFrom": {"parameter": "{{steps.a.outputs.parameters.x}}"}}]}},
            {"name": "leaf", "inputs": {"parameters": [{"name": "x"}], "artifacts": [{"name": "in", "path": "/in"}]},
             "outputs": {"parameters": [{"name": "x", "valueFrom": {"path": "/tmp/x"}}]},
             "container": {"image": "alpine"}}
        ]
    }));
    assert_eq!(findings(&wf), Vec::<(String, String, String)>::new());
}

#[test]
fn template_names_and_output_prefix_spacing() {
    let wf = workflow(json!({
        "entrypoint": "main",
        "templates": [
            {"name": "main", "container": {"image": "a"},
             "inputs": {"parameters": [{"name": ""}]},
             "outputs": {"parameters": [{"name": "x y", "value": "1"}]}},
            {"name": "main", "container": {"image": "a"}},
            {"name": "bad_name", "container": {"image": "a"}}
        ]
    }));
    let found = findings(&wf);
    let expect = [
        (
            "duplicate-name",
            "spec.templates[1].name",
            "spec.templates[1].name 'main' is not unique",
        ),
        (
            "invalid-name",
            "spec.templates[2].name",
            "spec.templates[2].name: 'bad_name' is invalid: name must consist of alpha-numeric characters or '-', and must start with an alpha-numeric character (e.g. My-name1-2, 123-NAME)",
        ),
        (
            "invalid-name",
            "spec.templates[0].inputs.parameters[0].name",
            "templates.main.inputs.parameters[0].name is required",
        ),
        (
            "invalid-name",
            "spec.templates[0].outputs.parameters[0].name",
            "templates.main.outputs.parameters [0].name: 'x y' is invalid: Parameter/Artifact name must consist of alpha-numeric characters, '_' or '-' e.g. my_param_1, MY-PARAM-1",
        ),
    ];
    for (code, path, argo) in expect {
        assert!(
            found
                .iter()
                .any(|(c, p, a)| c == code && p == path && a == argo),
            "missing {code} at {path}: {argo}\nfound: {found:#?}"
        );
    }
}

#[test]
fn lint_mode_enum_without_value_ends_the_argument_checks() {
    let spec = json!({
        "entrypoint": "main",
        "arguments": {
            "parameters": [{"name": "e", "enum": ["a"]}, {"name": "later", "valueFrom": {"path": "/x"}}],
            "artifacts": [{"name": "art"}]
        },
        "templates": [{"name": "main", "container": {"image": "a"}}]
    });
    // A Workflow is linted with empty values allowed: Argo stops at `e`.
    assert!(argo_texts(&workflow(spec.clone())).is_empty());
    // A CronWorkflow's spec is validated without Lint: every problem shows.
    let cron = object(
        ArgoKind::CronWorkflow,
        json!({"kind": "CronWorkflow", "metadata": {"name": "c"},
               "spec": {"schedules": ["@daily"], "workflowSpec": spec}}),
    );
    assert_eq!(
        argo_texts(&cron),
        vec![
            "spec.arguments.e.value or spec.arguments.e.valueFrom is required",
            "spec.arguments.later.valueFrom only allows: default, configMapKeyRef and supplied",
            "spec.arguments.art.from, artifact location, or key is required",
        ]
    );
}

#[test]
fn argument_artifacts_accept_keys_and_url_paths() {
    let mut out = Vec::new();
    let args: Arguments = serde_json::from_value(json!({"artifacts": [
        {"name": "a", "s3": {"key": "k"}},
        {"name": "b", "artifactory": {"url": "https://repo/x/y"}},
        {"name": "c", "http": {"url": ""}},
        {"name": "d", "fromExpression": "x"},
        {"name": "e", "from": "{{x}}", "fromExpression": "x"}
    ]}))
    .unwrap_or_default();
    arguments(
        &args,
        &FieldPath::parse("spec.arguments"),
        "spec.arguments.",
        true,
        &mut out,
    );
    let texts: Vec<(String, String)> = out
        .iter()
        .map(|d| {
            (
                d.path.to_string(),
                d.argo_message.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        texts,
        vec![
            (
                "spec.arguments.artifacts[2].from".to_string(),
                "spec.arguments.c.from, artifact location, or key is required".to_string()
            ),
            (
                "spec.arguments.artifacts[3].from".to_string(),
                "spec.arguments.d.from, artifact location, or key is required".to_string()
            ),
            (
                "spec.arguments.artifacts[4].fromExpression".to_string(),
                "spec.arguments.e shouldn't have both `from` and `fromExpression` in Artifact"
                    .to_string()
            ),
        ]
    );
}

#[test]
fn artifact_paths_and_locations() {
    let wf = workflow(json!({
        "entrypoint": "main",
        "templates": [
            {"name": "main", "container": {"image": "a"},
             "inputs": {"artifacts": [
                {"name": "nopath", "raw": {"data": "x"}},
                {"name": "up", "path": "/tmp/a/..", "from": "{{x}}"},
                {"name": "h", "path": "/h", "hdfs": {"path": "{{inputs.parameters.p}}",
                    "krbKeytabSecret": {"name": "s", "key": "k"}}}
             ]},
             "outputs": {"artifacts": [{"name": "o", "path": "/o", "globalName": "a.b"}]},
             "archiveLocation": {"git": {"revision": "x"}}},
            {"name": "steps", "steps": [[{"name": "a", "template": "main"}]],
             "inputs": {"artifacts": [{"name": "i", "path": "/i"}]},
             "outputs": {"artifacts": [{"name": "o", "path": "/o", "from": "{{steps.a.outputs.artifacts.o}}"}]}}
        ]
    }));
    let texts = argo_texts(&wf);
    for expected in [
        "error in templates.main.inputs.artifacts.nopath: Artifact 'nopath' did not specify a path",
        "error in templates.main.inputs.artifacts.up: Artifact 'up' attempted to use a path containing '..'. Directory traversal is not permitted",
        "templates.main.inputs.artifacts.up.from not valid in inputs",
        "templates.main.inputs.artifacts.h.hdfs.addresses is required",
        "templates.main.inputs.artifacts.h.hdfs.path must be a absolute file path",
        "templates.main.inputs.artifacts.h.hdfs.krbServicePrincipalName, templates.main.inputs.artifacts.h.hdfs.krbConfigConfigMap, templates.main.inputs.artifacts.h.hdfs.krbUsername and templates.main.inputs.artifacts.h.hdfs.krbRealm are required with templates.main.inputs.artifacts.h.hdfs.krbKeytabSecret",
        "templates.main.outputs.artifacts.o.globalName: Parameter/Artifact name must consist of alpha-numeric characters, '_' or '-' e.g. my_param_1, MY-PARAM-1",
        "templates.main.archiveLocation.git.repo is required",
        "templates.steps.inputs.artifacts.i.path only valid in container/script templates",
        "templates.steps.outputs.artifacts.o.path only valid in container/script templates",
    ] {
        assert!(
            texts.iter().any(|t| t == expected),
            "missing `{expected}` in {texts:#?}"
        );
    }
    assert_eq!(texts.len(), 10, "{texts:#?}");
}

#[test]
fn leaf_checks_follow_argo_texts() {
    let wf = workflow(json!({
        "entrypoint": "main",
        "templates": [
            {"name": "main",
             "inputs": {"artifacts": [{"name": "a", "path": "/m", "raw": {"data": "x"}},
                                      {"name": "b", "path": "/b", "raw": {"data": "x"}},
                                      {"name": "c", "path": "/b", "raw": {"data": "x"}}]},
             "container": {"image": "", "volumeMounts": [{"name": "v", "mountPath": "/m"}]},
             "sidecars": [{"name": "artifact-plugin-s3"}],
             "parallelism": 1,
             "activeDeadlineSeconds": "-1"},
            {"name": "res", "resource": {"action": "__argo__internal__placeholder-3",
                                         "manifest": "__argo__internal__placeholder-4"}},
            {"name": "res2", "resource": {"action": "{{inputs.parameters.a}}-x",
                                          "manifest": "a: {{= sprig.upper(x) }}\nb: {{inputs.parameters.n}}\n"}},
            {"name": "res3", "resource": {"action": "create",
                                          "manifest": "a: {{item}}\n"}}
        ]
    }));
    assert_eq!(
        argo_texts(&wf),
        vec![
            "templates.main.inputs.artifacts[0].path '/m' already mounted in container.volumeMounts.v",
            "templates.main.inputs.artifacts[2].path '/b' already mounted in inputs.artifacts.b",
            "templates.main.container.image may not be empty",
            "templates.main.sidecars: \"artifact-plugin-s3\" is a reserved Argo container name",
            "templates.main.activeDeadlineSeconds must be a positive integer > 0 or an argo variable",
            "templates.main.parallelism is only valid for steps and dag templates",
            // Argo leaves `{{item}}` in a template's manifest as written, where it is a
            // mapping used as a key.
            "templates.res3.resource.manifest must be a valid yaml",
        ]
    );
}

#[test]
fn container_set_cycles_and_long_chains() {
    let mut containers: Vec<Value> = (0..5000)
        .map(|i| json!({"name": format!("c{i}"), "image": "a", "dependencies": [format!("c{}", i + 1)]}))
        .collect();
    containers.push(json!({"name": "c5000", "image": "a"}));
    let chain = workflow(json!({"entrypoint": "main", "templates": [
        {"name": "main", "containerSet": {"containers": containers}}
    ]}));
    assert!(argo_texts(&chain).is_empty());

    let cycle = workflow(json!({"entrypoint": "main", "templates": [
        {"name": "main", "containerSet": {"containers": [
            {"name": "z", "image": "a", "dependencies": ["z"]},
            {"name": "a", "image": "a", "dependencies": ["b"]},
            {"name": "b", "image": "a", "dependencies": ["a"]}
        ]}}
    ]}));
    assert_eq!(
        argo_texts(&cycle),
        vec!["templates.main.containerSet.containers dependency cycle detected: b->a->b"]
    );
}

#[test]
fn substituted_timeouts_and_claims() {
    let template: Template = serde_json::from_value(json!({
        "name": "s", "timeout": "60", "pendingTimeout": "1m", "resourceClaims": [{"name": "x"}],
        "dag": {"tasks": [{"name": "a", "template": "b"}]}
    }))
    .unwrap_or_default();
    let mut out = Vec::new();
    after_substitution(&template, &FieldPath::parse("spec.templates[0]"), &mut out);
    let texts: Vec<String> = out.into_iter().filter_map(|d| d.argo_message).collect();
    assert_eq!(
        texts,
        vec![
            "templates.s.resourceClaims is not supported for DAG templates, which do not create a pod",
            "DAG template doesn't support timeout field",
            "DAG template doesn't support pendingTimeout field",
        ]
    );
    let leaf: Template = serde_json::from_value(json!({
        "name": "l", "timeout": "60", "container": {"image": "a"}
    }))
    .unwrap_or_default();
    let mut out = Vec::new();
    after_substitution(&leaf, &FieldPath::root(), &mut out);
    assert_eq!(
        out.first().and_then(|d| d.argo_message.clone()).as_deref(),
        Some("l has invalid duration format in timeout")
    );
}

#[test]
fn pod_gc_selector_problems_point_into_the_selector() {
    let wf = workflow(json!({
        "entrypoint": "main",
        "podGC": {"strategy": "onpodsuccess", "labelSelector": {
            "matchLabels": {"ok": "yes", "bad key!": "v"},
            "matchExpressions": [{"key": "k", "operator": "NotIn"}]
        }},
        "templates": [{"name": "main", "container": {"image": "a"}}]
    }));
    let found = findings(&wf);
    assert_eq!(found.len(), 3, "{found:#?}");
    assert_eq!(found[0].1, "spec.podGC.strategy");
    assert_eq!(found[0].2, "podGC.strategy unknown strategy 'onpodsuccess'");
    assert_eq!(
        found[1].1,
        "spec.podGC.labelSelector.matchLabels[\"bad key!\"]"
    );
    assert!(found[1].2.starts_with(
        "podGC.labelSelector invalid: key: Invalid value: \"bad key!\": name part must consist of"
    ));
    assert_eq!(
        found[2].1,
        "spec.podGC.labelSelector.matchExpressions[0].values"
    );
    assert_eq!(
        found[2].2,
        "podGC.labelSelector invalid: values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"
    );
}

#[test]
fn cron_settings() {
    let cron = object(
        ArgoKind::CronWorkflow,
        json!({"kind": "CronWorkflow", "metadata": {"name": "c"},
               "spec": {"schedules": ["* * * *", "TZ=UTC"], "timezone": "europe/paris",
                        "concurrencyPolicy": "Sometimes", "startingDeadlineSeconds": -1,
                        "workflowSpec": {"entrypoint": "main",
                            "templates": [{"name": "main", "container": {"image": "a"}}]}}}),
    );
    let mut out = Vec::new();
    super::cron(&cron, &mut out);
    let summary: Vec<(String, Option<String>, bool)> = out
        .iter()
        .map(|d| (d.path.to_string(), d.argo_message.clone(), d.fix.is_some()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "spec.schedules[0]".to_string(),
                Some("cron schedule * * * * is malformed: expected exactly 5 fields, found 4: [* * * *]".to_string()),
                false
            ),
            ("spec.schedules[1]".to_string(), None, false),
            (
                "spec.timezone".to_string(),
                Some("invalid timezone \"europe/paris\": unknown time zone europe/paris".to_string()),
                true
            ),
            (
                "spec.concurrencyPolicy".to_string(),
                Some("'Sometimes' is not a valid concurrencyPolicy".to_string()),
                false
            ),
            (
                "spec.startingDeadlineSeconds".to_string(),
                Some("startingDeadlineSeconds must be positive".to_string()),
                false
            ),
        ]
    );
    let empty = object(
        ArgoKind::CronWorkflow,
        json!({"kind": "CronWorkflow", "metadata": {"name": "c"}, "spec": {}}),
    );
    let mut out = Vec::new();
    super::cron(&empty, &mut out);
    assert_eq!(
        out.first().and_then(|d| d.argo_message.clone()).as_deref(),
        Some("cron workflow must have at least one schedule")
    );
}

#[test]
fn object_name_limits_per_kind() {
    let long = "a".repeat(64);
    for (kind, expect) in [
        (ArgoKind::Workflow, Some("workflow name")),
        (ArgoKind::WorkflowTemplate, Some("workflow template name")),
        (
            ArgoKind::ClusterWorkflowTemplate,
            Some("cluster workflow template name"),
        ),
    ] {
        let object = object(
            kind,
            json!({"kind": kind.as_str(), "metadata": {"name": long}, "spec": {}}),
        );
        let mut out = Vec::new();
        workflow_level(&object, &FieldPath::parse("spec"), &mut out);
        let text = out.first().and_then(|d| d.argo_message.clone());
        assert_eq!(
            text.as_deref()
                .map(|t| t.split(" \"").next().unwrap_or_default()),
            expect
        );
    }
    let cron = object(
        ArgoKind::CronWorkflow,
        json!({"kind": "CronWorkflow", "metadata": {"name": "a".repeat(53)},
               "spec": {"schedules": ["@daily"]}}),
    );
    let mut out = Vec::new();
    workflow_level(&cron, &FieldPath::parse("spec.workflowSpec"), &mut out);
    assert!(out.is_empty(), "a CronWorkflow's name is checked by `cron`");
    super::cron(&cron, &mut out);
    assert_eq!(
        out.first().and_then(|d| d.argo_message.clone()),
        Some(format!(
            "cron workflow name \"{}\" must not be more than 52 characters long (currently 53)",
            "a".repeat(53)
        ))
    );
}

#[test]
fn metric_texts() {
    let wf = workflow(json!({"entrypoint": "main", "templates": [{
        "name": "main", "container": {"image": "a"},
        "metrics": {"prometheus": [
            {"name": "", "help": "h", "histogram": {"value": "", "buckets": [1]}},
            {"name": "g", "help": "h", "gauge": {"value": "{{resourcesDuration.cpu}}", "realtime": true},
             "labels": [{"key": "1x", "value": "a"}, {"key": "1x", "value": "b"}]}
        ]}
    }]}));
    assert_eq!(
        argo_texts(&wf),
        vec![
            "templates.main metric name '' is invalid. Metric names must contain alphanumeric characters or '_'",
            "templates.main metric '' error: missing histogram.value",
            "metric label '1x' is invalid: keys may only contain alphanumeric characters or '_'",
            "templates.main metric 'g' error: 'resourcesDuration.*' metrics cannot be used in real-time",
        ]
    );
}

#[test]
fn enum_parameter_with_value_from_still_needs_a_value_when_values_are_required() {
    let args: Arguments = serde_json::from_value(json!({"parameters": [
        {"name": "p", "enum": ["a"], "valueFrom": {"configMapKeyRef": {"name": "c", "key": "k"}}}
    ]}))
    .unwrap_or_default();
    let mut out = Vec::new();
    arguments(
        &args,
        &FieldPath::root(),
        "spec.arguments.",
        false,
        &mut out,
    );
    let texts: Vec<String> = out.into_iter().filter_map(|d| d.argo_message).collect();
    assert_eq!(texts, vec!["spec.arguments.p.value is required"]);
}

/// Replace every string of `value` (not the keys) by `text`, and every number by `number`.
fn mutate(value: &Value, text: &str, number: i64) -> Value {
    match value {
        Value::String(_) => Value::String(text.to_string()),
        Value::Number(_) => json!(number),
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| mutate(v, text, number)).collect())
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    // Keep the kind so the document still decodes as an Argo object.
                    let v = if k == "kind" || k == "apiVersion" {
                        v.clone()
                    } else {
                        mutate(v, text, number)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

#[test]
fn mutated_corpus_documents_never_panic() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(corpus) = ["../../../shared/corpus", "../../../../shared/corpus"]
        .iter()
        .map(|c| root.join(c))
        .find(|dir| dir.is_dir())
    else {
        eprintln!("skipping: ../shared/corpus is absent");
        return;
    };
    let tricky = [
        "",
        "{{",
        "TZ=",
        "CRON_TZ=x y",
        "@every 1",
        "a/../..",
        "é/ü\u{0}",
        "*/-1-2-3/4/5",
        "__argo__internal__placeholder-1",
        "x\ny: [",
        "99999999999999999999",
    ];
    let mut documents = Vec::new();
    let mut stack = vec![
        corpus.join("argo-validate-cases"),
        corpus.join("argo-examples"),
    ];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).into_iter().flatten().flatten() {
                stack.push(entry.path());
            }
        } else if path.extension().is_some_and(|e| e == "yaml") {
            let bytes = std::fs::read(&path).unwrap_or_default();
            let parsed = crate::source::parse("x.yaml", &bytes, &crate::source::Limits::default());
            documents.extend(parsed.documents.into_iter().map(|d| d.value));
        }
    }
    let mut checked = 0;
    for document in &documents {
        let Some(kind) = document
            .get("kind")
            .and_then(Value::as_str)
            .and_then(ArgoKind::from_kind)
        else {
            continue;
        };
        for (i, text) in tricky.iter().enumerate() {
            let number = if i % 2 == 0 { -1 } else { i64::MAX };
            let mutated = mutate(document, text, number);
            if let Ok(object) = model::decode(kind, &mutated) {
                let mut out = Vec::new();
                check_object(&object, &mut out);
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "only {checked} mutated objects decoded");
}
