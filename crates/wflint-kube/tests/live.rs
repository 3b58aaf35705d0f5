//! The CLI's live mode against the fake API server: found/missing/unknown, notes, rounds of
//! references, secrets reduced to key names, timeouts.

mod common;

use std::{collections::BTreeSet, time::Duration};

use common::*;
use serde_json::{Value, json};
use wflint_core::context::{ClusterContext, Lookup};
use wflint_fakekube::FakeKube;
use wflint_kube::{ClusterArgs, LiveOptions, Needs, Snapshot, fetch_snapshot};

fn workflow(namespace: &str, templates: Value) -> Value {
    json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
        "metadata": {"generateName": "w-", "namespace": namespace},
        "spec": {"entrypoint": "main", "templates": templates},
    })
}

fn s3_output(secret: &str) -> Value {
    json!({"name": "out", "path": "/tmp/out", "s3": {
        "endpoint": "minio:9000", "bucket": "b", "key": "k",
        "accessKeySecret": {"name": secret, "key": "accesskey"},
        "secretKeySecret": {"name": secret, "key": "secretkey"}}})
}

/// A cluster: team-a with a repository, templates and secrets; the controller in `argo`.
fn populate(fake: &FakeKube) {
    fake.apply_all([
        repository_config_map("team-a", "repo-cred"),
        secret("team-a", "repo-cred", &["accesskey", "secretkey"]),
        workflow_template(
            "team-a",
            "lib",
            json!({"templates": [
                {"name": "t", "steps": [[{"name": "s", "templateRef": {"name": "lib2", "template": "u"}}]]},
                {"name": "u", "container": {"image": "alpine"}, "outputs": {"artifacts": [s3_output("tmpl-cred")]}}
            ]}),
        ),
        workflow_template("team-a", "lib2", json!({"templates": [{"name": "u", "container": {"image": "alpine"}}]})),
        cluster_workflow_template("global", json!({"templates": [{"name": "g", "container": {"image": "alpine"}}]})),
        controller_config_map("argo", "ctrl-cred"),
        secret("argo", "ctrl-cred", &["sa.json"]),
        config_map("team-a", "unrelated", json!({}), json!({"x": "y"})),
        secret("team-a", "unrelated", &["x"]),
    ]);
}

fn linted_objects() -> Vec<Value> {
    vec![
        workflow(
            "team-a",
            json!([
                {"name": "main", "steps": [[
                    {"name": "a", "templateRef": {"name": "lib", "template": "t"}},
                    {"name": "b", "templateRef": {"name": "global", "template": "g", "clusterScope": true}},
                    {"name": "c", "templateRef": {"name": "absent", "template": "x", "clusterScope": true}}
                ]]},
                {"name": "gen", "container": {"image": "alpine"}, "outputs": {"artifacts": [s3_output("missing-cred")]}}
            ]),
        ),
        workflow(
            "team-b",
            json!([{"name": "main", "container": {"image": "alpine"},
                    "outputs": {"artifacts": [s3_output("b-cred")]}}]),
        ),
    ]
}

fn options() -> LiveOptions {
    LiveOptions {
        timeout: Duration::from_secs(5),
        ..LiveOptions::default()
    }
}

fn keys(snapshot: &Snapshot, namespace: &str, name: &str) -> Lookup<BTreeSet<String>> {
    snapshot
        .secret(namespace, name)
        .map(|secret| secret.keys.clone())
}

#[tokio::test]
async fn found_missing_and_unknown_with_one_note_per_namespace() {
    let fake = FakeKube::start().await;
    populate(&fake);
    fake.forbid("secrets", Some("team-b"));
    let objects = linted_objects();
    let needs = Needs::from_documents(&objects, "default");

    let snapshot = fetch_snapshot(&client(&fake), &needs, &options()).await;

    // Repository ConfigMap of the workflow's namespace, with its annotation.
    let repositories = snapshot.config_map("team-a", "artifact-repositories");
    let Lookup::Found(repositories) = repositories else {
        panic!("expected the repository ConfigMap, got {repositories:?}");
    };
    assert_eq!(
        repositories
            .annotations
            .get("workflows.argoproj.io/default-artifact-repository")
            .map(String::as_str),
        Some("default-v1")
    );
    assert!(
        snapshot
            .config_map("team-b", "artifact-repositories")
            .is_missing()
    );

    // Secrets: named by the workflow, by the repository definition (second round), by a
    // fetched template; reduced to key names.
    assert!(snapshot.secret("team-a", "missing-cred").is_missing());
    assert_eq!(
        keys(&snapshot, "team-a", "repo-cred"),
        Lookup::Found(BTreeSet::from([
            "accesskey".to_string(),
            "secretkey".to_string(),
            "token".to_string()
        ]))
    );
    assert!(snapshot.secret("team-a", "tmpl-cred").is_missing());

    // The controller's repository secret exists only in the controller's namespace.
    assert!(snapshot.secret("team-a", "ctrl-cred").is_missing());
    assert_eq!(
        keys(&snapshot, "argo", "ctrl-cred"),
        Lookup::Found(BTreeSet::from(["sa.json".to_string(), "token".to_string()]))
    );

    // Forbidden: unknown, never missing.
    assert_eq!(keys(&snapshot, "team-b", "b-cred"), Lookup::Unknown);
    assert_eq!(keys(&snapshot, "team-b", "b-cred-other"), Lookup::Unknown);

    // Templates, followed through references.
    assert!(matches!(
        snapshot.workflow_template("team-a", "lib"),
        Lookup::Found(_)
    ));
    assert!(matches!(
        snapshot.workflow_template("team-a", "lib2"),
        Lookup::Found(_)
    ));
    assert!(matches!(
        snapshot.cluster_workflow_template("global"),
        Lookup::Found(_)
    ));
    assert!(snapshot.cluster_workflow_template("absent").is_missing());
    // Never asked: unknown.
    assert!(matches!(
        snapshot.workflow_template("team-b", "lib"),
        Lookup::Unknown
    ));

    let controller = snapshot.controller();
    let Lookup::Found(controller) = controller else {
        panic!("expected the controller configuration, got {controller:?}");
    };
    assert_eq!(controller.namespace, "argo");
    assert_eq!(
        controller
            .artifact_repository
            .as_ref()
            .and_then(|r| r.pointer("/gcs/bucket")),
        Some(&json!("g"))
    );

    let notes = snapshot.notes();
    let secret_notes: Vec<&String> = notes.iter().filter(|n| n.contains("secrets")).collect();
    assert_eq!(secret_notes.len(), 1, "{notes:#?}");
    assert!(secret_notes[0].contains("\"team-b\"") && secret_notes[0].contains("forbidden"));
    assert!(secret_notes[0].contains("b-cred"));
    assert_eq!(notes.len(), 1, "{notes:#?}");
}

#[tokio::test]
async fn only_the_needed_objects_are_fetched_with_gets() {
    let fake = FakeKube::start().await;
    populate(&fake);
    let objects = linted_objects();
    let needs = Needs::from_documents(&objects, "default");
    let _ = fetch_snapshot(&client(&fake), &needs, &options()).await;

    let requests = fake.requests();
    assert!(requests.iter().all(|r| r.method == "GET"));
    assert!(
        requests
            .iter()
            .all(|r| !r.is_watch() && !r.path.ends_with("/secrets")),
        "a list or watch was made: {requests:#?}"
    );
    let paths: BTreeSet<&str> = requests.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths.len(), requests.len(), "an object was fetched twice");
    assert!(paths.contains("/api/v1/namespaces/team-a/secrets/repo-cred"));
    assert!(paths.contains("/api/v1/namespaces/argo/secrets/missing-cred"));
    assert!(paths.contains("/api/v1/namespaces/argo/configmaps/workflow-controller-configmap"));
    assert!(paths.contains("/apis/argoproj.io/v1alpha1/clusterworkflowtemplates/global"));
    assert!(!paths.iter().any(|p| p.ends_with("/unrelated")));
}

#[tokio::test]
async fn secret_values_stay_out_of_the_snapshot_and_the_logs() {
    let logs = CapturedLogs::default();
    let _guard = logs.install();
    let fake = FakeKube::start().await;
    populate(&fake);
    let objects = linted_objects();
    let needs = Needs::from_documents(&objects, "default");
    let snapshot = fetch_snapshot(&client(&fake), &needs, &options()).await;

    assert!(matches!(
        snapshot.secret("team-a", "repo-cred"),
        Lookup::Found(_)
    ));
    assert_no_secret_value(&format!("{snapshot:?}"), "the snapshot's Debug output");
    let text = logs.text();
    assert!(!text.is_empty(), "the log capture caught nothing");
    assert_no_secret_value(&text, "the logs");
}

#[tokio::test]
async fn a_slow_answer_is_unknown_with_a_note() {
    let fake = FakeKube::start().await;
    populate(&fake);
    fake.delay("configmaps", Some("team-a"), Duration::from_secs(30));
    let objects = linted_objects();
    let needs = Needs::from_documents(&objects, "default");
    let options = LiveOptions {
        timeout: Duration::from_millis(300),
        ..LiveOptions::default()
    };

    let snapshot = fetch_snapshot(&client(&fake), &needs, &options).await;

    assert!(matches!(
        snapshot.config_map("team-a", "artifact-repositories"),
        Lookup::Unknown
    ));
    // Other namespaces answer normally.
    assert!(
        snapshot
            .config_map("team-b", "artifact-repositories")
            .is_missing()
    );
    let notes = snapshot.notes();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("configmaps in namespace \"team-a\"")
                && n.contains("no answer within 300ms")),
        "{notes:#?}"
    );
}

#[tokio::test]
async fn a_resource_the_server_does_not_serve_is_unknown() {
    let fake = FakeKube::start().await;
    populate(&fake);
    // A 404 without the object's name: the path itself is not served (CRDs not installed).
    fake.fail_next("workflowtemplates", 10, 404);
    let objects = linted_objects();
    let needs = Needs::from_documents(&objects, "default");

    let snapshot = fetch_snapshot(&client(&fake), &needs, &options()).await;

    assert!(matches!(
        snapshot.workflow_template("team-a", "lib"),
        Lookup::Unknown
    ));
    assert!(
        snapshot
            .notes()
            .iter()
            .any(|n| n.contains("workflowtemplates.argoproj.io") && n.contains("CRDs")),
        "{:#?}",
        snapshot.notes()
    );
}

#[tokio::test]
async fn a_missing_controller_config_map_is_missing_with_a_hint() {
    let fake = FakeKube::start().await;
    let objects = [workflow("team-a", json!([]))];
    let needs = Needs::from_documents(&objects, "default");
    let options = LiveOptions {
        controller_namespace: "workflows".into(),
        ..options()
    };

    let snapshot = fetch_snapshot(&client(&fake), &needs, &options).await;

    assert!(snapshot.controller().is_missing());
    assert!(
        snapshot
            .notes()
            .iter()
            .any(|n| n.contains("workflows/workflow-controller-configmap")
                && n.contains("--controller-namespace")),
        "{:#?}",
        snapshot.notes()
    );
}

#[test]
fn blocking_helper_reads_through_a_kubeconfig() {
    let fake = FakeKube::start_in_thread();
    populate(&fake);
    let path = std::env::temp_dir().join(format!(
        "wflint-kube-test-{}.kubeconfig",
        std::process::id()
    ));
    std::fs::write(&path, fake.kubeconfig()).unwrap_or_else(|e| panic!("{e}"));
    let args = ClusterArgs {
        cluster: true,
        kubeconfig: Some(path.clone()),
        kube_context: Some("fake".into()),
        ..ClusterArgs::default()
    };
    let objects = linted_objects();
    let needs = Needs::from_documents(&objects, "default");

    let snapshot = wflint_kube::snapshot_blocking(&args, &needs);
    let _ = std::fs::remove_file(&path);

    let snapshot = snapshot.unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        snapshot.secret("team-a", "repo-cred"),
        Lookup::Found(_)
    ));
    assert!(matches!(snapshot.controller(), Lookup::Found(_)));
}

#[test]
fn an_unknown_kube_context_is_an_error() {
    let fake = FakeKube::start_in_thread();
    let path = std::env::temp_dir().join(format!(
        "wflint-kube-test-ctx-{}.kubeconfig",
        std::process::id()
    ));
    std::fs::write(&path, fake.kubeconfig()).unwrap_or_else(|e| panic!("{e}"));
    let args = ClusterArgs {
        cluster: true,
        kubeconfig: Some(path.clone()),
        kube_context: Some("nope".into()),
        ..ClusterArgs::default()
    };
    let result = wflint_kube::snapshot_blocking(&args, &Needs::default());
    let _ = std::fs::remove_file(&path);
    let error = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error.contains("nope"), "{error}");
}
