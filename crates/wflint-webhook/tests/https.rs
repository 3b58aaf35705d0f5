//! Real HTTPS round trips: a server on a loopback port with a test CA, rustls clients over
//! HTTP/1.1 and HTTP/2, AdmissionReviews in, decisions and patches out.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic

mod common;

use std::sync::Arc;

use common::{
    MapContext, Options, TestCa, artifact_workflow, broken_workflow, client, patch_of, policy,
    response_of, review, start,
};
use serde_json::{Value, json};

async fn post(client: &reqwest::Client, url: &str, body: &Value) -> (reqwest::StatusCode, Value) {
    let response = client.post(url).json(body).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn a_clean_workflow_is_allowed_over_http1_and_http2() {
    let ca = TestCa::new("test CA");
    let server = start(&ca, Options::default()).await;
    for h2 in [false, true] {
        let client = client(&[&ca], h2);
        let response = client
            .post(server.url("/validate"))
            .json(&review("uid-clean", "CREATE", &artifact_workflow("team")))
            .send()
            .await
            .unwrap();
        let expected = if h2 {
            reqwest::Version::HTTP_2
        } else {
            reqwest::Version::HTTP_11
        };
        assert_eq!(response.version(), expected);
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["apiVersion"], "admission.k8s.io/v1");
        assert_eq!(body["kind"], "AdmissionReview");
        let answer = response_of(&body);
        assert_eq!(answer["uid"], "uid-clean");
        assert_eq!(answer["allowed"], true);
        assert!(answer.get("patch").is_none());
        assert!(answer.get("warnings").is_none());
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn error_findings_deny_with_path_message_and_code() {
    let ca = TestCa::new("test CA");
    let server = start(&ca, Options::default()).await;
    let client = client(&[&ca], true);
    let (status, body) = post(
        &client,
        &server.url("/validate"),
        &review("uid-broken", "CREATE", &broken_workflow("team")),
    )
    .await;
    assert_eq!(status, 200);
    let answer = response_of(&body);
    assert_eq!(answer["uid"], "uid-broken");
    assert_eq!(answer["allowed"], false);
    assert_eq!(answer["status"]["code"], 403);
    let message = answer["status"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("wflint: Workflow broken has 1 problem:\n- "),
        "{message}"
    );
    let finding = message.lines().nth(1).unwrap();
    assert!(finding.ends_with(" [invalid-type]"), "{message}");
    assert!(
        finding.contains("spec"),
        "the finding names its path: {message}"
    );
    assert_eq!(answer["auditAnnotations"]["denied-by"], "invalid-type");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn findings_below_the_deny_level_become_short_warnings() {
    let ca = TestCa::new("test CA");
    let options = Options {
        policy: policy(
            r#"{"apiVersion": "wflint.dev/v1", "kind": "Policy",
                "namespaces": [{"names": ["sandbox-*"], "rules": {"severity": {"invalid-type": "warning"}}}]}"#,
        ),
        ..Options::default()
    };
    let server = start(&ca, options).await;
    let client = client(&[&ca], false);
    let mut object = broken_workflow("sandbox-1");
    object["metadata"]["name"] = json!("x".repeat(200));
    let (_, body) = post(
        &client,
        &server.url("/validate"),
        &review("uid-w", "CREATE", &object),
    )
    .await;
    let answer = response_of(&body);
    assert_eq!(answer["allowed"], true);
    let warnings: Vec<&str> = answer["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("[invalid-type]"), "{warnings:?}");
    assert!(warnings.iter().all(|w| w.chars().count() <= 120));
    // The same object in another namespace is denied.
    let (_, body) = post(
        &client,
        &server.url("/validate"),
        &review("uid-d", "CREATE", &broken_workflow("prod")),
    )
    .await;
    assert_eq!(response_of(&body)["allowed"], false);
    server.shutdown().await.unwrap();
}

const MUTATING_POLICY: &str = r#"{"apiVersion": "wflint.dev/v1", "kind": "Policy",
    "admission": {"mutate": true, "artifactRepositoryRef": "namespaceDefault",
      "artifactGC": {"strategy": "OnWorkflowDeletion", "serviceAccountName": "artifact-gc",
                     "forceFinalizerRemoval": true}}}"#;

#[tokio::test]
async fn mutate_patches_minimally_and_a_second_pass_adds_nothing() {
    let ca = TestCa::new("test CA");
    let options = Options {
        policy: policy(MUTATING_POLICY),
        context: Arc::new(MapContext::default().with_namespace_default("team", "minio")),
        ..Options::default()
    };
    let server = start(&ca, options).await;
    let client = client(&[&ca], true);
    let object = artifact_workflow("team");
    let (status, body) = post(
        &client,
        &server.url("/mutate"),
        &review("uid-m", "CREATE", &object),
    )
    .await;
    assert_eq!(status, 200);
    let answer = response_of(&body);
    assert_eq!(answer["uid"], "uid-m");
    assert_eq!(answer["allowed"], true);
    assert_eq!(answer["patchType"], "JSONPatch");
    let patch = patch_of(answer).expect("a patch");
    assert_eq!(
        serde_json::to_value(&patch).unwrap(),
        json!([
            {"op": "add", "path": "/spec/artifactRepositoryRef",
             "value": {"configMap": "artifact-repositories", "key": "minio"}},
            {"op": "add", "path": "/spec/artifactGC",
             "value": {"strategy": "OnWorkflowDeletion", "serviceAccountName": "artifact-gc",
                       "forceFinalizerRemoval": true}}
        ])
    );
    assert_eq!(
        answer["auditAnnotations"]["artifact-repository-ref"],
        "artifact-repositories#minio"
    );
    assert!(answer["auditAnnotations"]["artifact-gc"].is_string());
    let warnings = answer["warnings"].as_array().unwrap();
    assert!(
        warnings[0]
            .as_str()
            .unwrap()
            .starts_with("wflint set spec.artifactRepositoryRef to artifact-repositories#minio"),
        "{warnings:?}"
    );

    // Applying the patch changes only what was meant.
    let mut patched = object.clone();
    json_patch::patch(&mut patched, &patch).unwrap();
    let mut expected = object.clone();
    expected["spec"]["artifactRepositoryRef"] =
        json!({"configMap": "artifact-repositories", "key": "minio"});
    expected["spec"]["artifactGC"] = json!({"strategy": "OnWorkflowDeletion",
        "serviceAccountName": "artifact-gc", "forceFinalizerRemoval": true});
    assert_eq!(patched, expected);

    // Re-invocation (reinvocationPolicy: IfNeeded) on the patched object adds nothing.
    let (_, body) = post(
        &client,
        &server.url("/mutate"),
        &review("uid-m2", "CREATE", &patched),
    )
    .await;
    let answer = response_of(&body);
    assert_eq!(answer["allowed"], true);
    assert!(answer.get("patch").is_none(), "{answer}");
    assert!(answer.get("auditAnnotations").is_none(), "{answer}");

    // /validate never patches.
    let (_, body) = post(
        &client,
        &server.url("/validate"),
        &review("uid-v", "CREATE", &object),
    )
    .await;
    assert!(response_of(&body).get("patch").is_none());
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn validate_after_mutate_takes_the_findings_mutate_found() {
    // One CREATE as the API server runs it: /mutate, the patch applied, the object named from
    // its generateName and stamped, then /validate of the stored form.
    let ca = TestCa::new("test CA");
    let options = Options {
        policy: policy(MUTATING_POLICY),
        context: Arc::new(
            MapContext::default()
                .with_namespace_default("team", "minio")
                .fixed(),
        ),
        ..Options::default()
    };
    let server = start(&ca, options).await;
    let client = client(&[&ca], false);
    let object = artifact_workflow("team");
    let (_, body) = post(
        &client,
        &server.url("/mutate"),
        &review("uid-m", "CREATE", &object),
    )
    .await;
    let patch = patch_of(response_of(&body)).expect("a patch");
    let mut stored = object.clone();
    json_patch::patch(&mut stored, &patch).unwrap();
    stored["metadata"]["name"] = json!("artifact-passing-q2w7z");
    stored["metadata"]["uid"] = json!("0e8c4a55-0000-4000-8000-00000000000a");
    stored["metadata"]["creationTimestamp"] = json!("2026-12-05T05:00:00Z");
    stored["metadata"]["generation"] = json!(1);
    let (status, body) = post(
        &client,
        &server.url("/validate"),
        &review("uid-v", "CREATE", &stored),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(response_of(&body)["uid"], "uid-v");
    assert_eq!(response_of(&body)["allowed"], true);
    let metrics = metrics_text(&client, &server).await;
    assert!(
        metrics.contains(r#"wflint_lint_memo_lookups_total{result="hit"} 1"#)
            && !metrics.contains(r#"wflint_lint_memo_lookups_total{result="miss"}"#),
        "{metrics}"
    );
    // Another object at /validate: looked up, not found, linted.
    let (_, body) = post(
        &client,
        &server.url("/validate"),
        &review("uid-o", "CREATE", &broken_workflow("team")),
    )
    .await;
    assert_eq!(response_of(&body)["allowed"], false);
    let metrics = metrics_text(&client, &server).await;
    assert!(
        metrics.contains(r#"wflint_lint_memo_lookups_total{result="miss"} 1"#),
        "{metrics}"
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_mutated_object_with_errors_is_denied_without_a_patch() {
    let ca = TestCa::new("test CA");
    let options = Options {
        policy: policy(MUTATING_POLICY),
        context: Arc::new(MapContext::default().with_namespace_default("team", "minio")),
        ..Options::default()
    };
    let server = start(&ca, options).await;
    let client = client(&[&ca], true);
    let (_, body) = post(
        &client,
        &server.url("/mutate"),
        &review("uid-x", "CREATE", &broken_workflow("team")),
    )
    .await;
    let answer = response_of(&body);
    assert_eq!(answer["allowed"], false);
    assert!(answer.get("patch").is_none());
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn delete_other_kinds_and_status_updates_pass_untouched() {
    let ca = TestCa::new("test CA");
    let server = start(&ca, Options::default()).await;
    let client = client(&[&ca], false);
    let broken = broken_workflow("team");

    let mut delete = review("uid-del", "DELETE", &broken);
    delete["request"]["oldObject"] = broken.clone();
    delete["request"]["object"] = Value::Null;
    let (status, body) = post(&client, &server.url("/validate"), &delete).await;
    assert_eq!(status, 200);
    assert_eq!(response_of(&body)["allowed"], true);
    assert_eq!(response_of(&body)["uid"], "uid-del");

    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "team"}, "spec": 5});
    let mut pod_review = review("uid-pod", "CREATE", &pod);
    pod_review["request"]["kind"] = json!({"group": "", "version": "v1", "kind": "Pod"});
    let (_, body) = post(&client, &server.url("/validate"), &pod_review).await;
    assert_eq!(response_of(&body)["allowed"], true);

    // The controller updating the status of a workflow admitted earlier is not blocked.
    let mut status_update = review("uid-status", "UPDATE", &broken);
    let mut with_status = broken.clone();
    with_status["status"] = json!({"phase": "Running"});
    status_update["request"]["object"] = with_status;
    status_update["request"]["oldObject"] = broken.clone();
    let (_, body) = post(&client, &server.url("/validate"), &status_update).await;
    assert_eq!(response_of(&body)["allowed"], true);

    // A spec change that keeps an existing error is not denied for it (e.g. `argo stop`)...
    let mut stop = review("uid-stop", "UPDATE", &broken);
    let mut stopped = broken.clone();
    stopped["spec"]["shutdown"] = json!("Stop");
    stop["request"]["object"] = stopped;
    stop["request"]["oldObject"] = broken.clone();
    let (_, body) = post(&client, &server.url("/validate"), &stop).await;
    let answer = response_of(&body);
    assert_eq!(answer["allowed"], true, "{answer}");
    assert!(
        answer["warnings"][0]
            .as_str()
            .unwrap()
            .contains("[invalid-type]")
    );

    // ...but an update that introduces one is.
    let clean = artifact_workflow("team");
    let mut breaking = review("uid-break", "UPDATE", &broken);
    breaking["request"]["oldObject"] = clean;
    let (_, body) = post(&client, &server.url("/validate"), &breaking).await;
    assert_eq!(response_of(&body)["allowed"], false);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn dry_run_is_answered_the_same() {
    let ca = TestCa::new("test CA");
    let options = Options {
        policy: policy(MUTATING_POLICY),
        context: Arc::new(MapContext::default().with_namespace_default("team", "minio")),
        ..Options::default()
    };
    let server = start(&ca, options).await;
    let client = client(&[&ca], true);
    for object in [artifact_workflow("team"), broken_workflow("team")] {
        let wet = review("uid-same", "CREATE", &object);
        let mut dry = wet.clone();
        dry["request"]["dryRun"] = json!(true);
        let (_, wet_answer) = post(&client, &server.url("/mutate"), &wet).await;
        let (_, dry_answer) = post(&client, &server.url("/mutate"), &dry).await;
        assert_eq!(wet_answer, dry_answer);
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn malformed_reviews_get_400_with_a_json_error_and_big_bodies_413() {
    let ca = TestCa::new("test CA");
    let options = Options {
        limits: wflint_webhook::Limits {
            max_body_bytes: 64 * 1024,
            ..wflint_webhook::Limits::default()
        },
        ..Options::default()
    };
    let server = start(&ca, options).await;
    let client = client(&[&ca], false);
    let bodies: Vec<Vec<u8>> = vec![
        b"not json".to_vec(),
        b"{}".to_vec(),
        br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#.to_vec(),
        serde_json::to_vec(&{
            let mut r = review("uid", "CREATE", &artifact_workflow("team"));
            r["request"]["object"] = Value::Null;
            r
        })
        .unwrap(),
    ];
    for body in bodies {
        let response = client
            .post(server.url("/validate"))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{}", String::from_utf8_lossy(&body));
        let error: Value = response.json().await.unwrap();
        assert!(
            error["error"]
                .as_str()
                .unwrap()
                .starts_with("malformed AdmissionReview"),
            "{error}"
        );
    }
    let mut big = review("uid-big", "CREATE", &artifact_workflow("team"));
    big["request"]["object"]["metadata"]["annotations"] = json!({"a": "x".repeat(100 * 1024)});
    let response = client
        .post(server.url("/validate"))
        .json(&big)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let ca = TestCa::new("test CA");
    let server = start(&ca, Options::default()).await;
    let client = client(&[&ca], false);
    let health = client.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let ready = client.get(server.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    let readiness: Value = ready.json().await.unwrap();
    assert_eq!(
        readiness,
        json!({"certificate_loaded": true, "caches_synced": true, "draining": false})
    );
    post(
        &client,
        &server.url("/validate"),
        &review("uid-1", "CREATE", &broken_workflow("team")),
    )
    .await;
    let metrics = client
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for expected in [
        r#"wflint_admission_requests_total{endpoint="validate",kind="Workflow",outcome="denied"} 1"#,
        r#"wflint_findings_total{code="invalid-type",severity="error"} 1"#,
        r#"wflint_admission_duration_seconds_count{endpoint="validate"} 1"#,
        "wflint_cache_synced 1",
        "wflint_ready 1",
    ] {
        assert!(
            metrics.contains(expected),
            "missing {expected} in\n{metrics}"
        );
    }
    server.shutdown().await.unwrap();
}

async fn metrics_text(client: &reqwest::Client, server: &common::TestServer) -> String {
    client
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_identical_review_is_answered_from_memory_with_its_own_uid() {
    let ca = TestCa::new("test CA");
    let server = start(&ca, Options::default()).await;
    let client = client(&[&ca], false);
    let mut answers = Vec::new();
    for uid in ["uid-first", "uid-second"] {
        let (status, body) = post(
            &client,
            &server.url("/validate"),
            &review(uid, "CREATE", &broken_workflow("team")),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(response_of(&body)["uid"], uid);
        answers.push(body);
    }
    // The same answer but for the uid.
    answers[1]["response"]["uid"] = json!("uid-first");
    assert_eq!(answers[0], answers[1]);
    assert_eq!(response_of(&answers[0])["allowed"], false);
    let metrics = metrics_text(&client, &server).await;
    for expected in [
        r#"wflint_verdict_cache_lookups_total{result="miss"} 1"#,
        r#"wflint_verdict_cache_lookups_total{result="hit"} 1"#,
        // Counted like any answer.
        r#"wflint_admission_requests_total{endpoint="validate",kind="Workflow",outcome="denied"} 2"#,
        r#"wflint_findings_total{code="invalid-type",severity="error"} 2"#,
    ] {
        assert!(
            metrics.contains(expected),
            "missing {expected} in\n{metrics}"
        );
    }
    // The other endpoint, another object: not the same review.
    let (_, mutated) = post(
        &client,
        &server.url("/mutate"),
        &review("uid-third", "CREATE", &broken_workflow("team")),
    )
    .await;
    assert_eq!(response_of(&mutated)["uid"], "uid-third");
    let (_, other) = post(
        &client,
        &server.url("/validate"),
        &review("uid-fourth", "CREATE", &artifact_workflow("team")),
    )
    .await;
    assert_eq!(response_of(&other)["allowed"], true);
    let metrics = metrics_text(&client, &server).await;
    assert!(
        metrics.contains(r#"wflint_verdict_cache_lookups_total{result="hit"} 1"#),
        "{metrics}"
    );
    server.shutdown().await.unwrap();
}

/// Nothing is remembered (decisions or findings) with the cache turned off, nor when the cluster
/// context cannot tell whether its facts changed (`MapContext` reports no generation).
#[tokio::test]
async fn no_verdict_is_remembered_when_off_or_when_facts_may_change_unseen() {
    let ca = TestCa::new("test CA");
    let cache_off = Options {
        limits: wflint_webhook::Limits {
            verdict_cache_bytes: 0,
            ..wflint_webhook::Limits::default()
        },
        ..Options::default()
    };
    let opaque_context = Options {
        context: Arc::new(MapContext::default()),
        ..Options::default()
    };
    for options in [cache_off, opaque_context] {
        let server = start(&ca, options).await;
        let client = client(&[&ca], false);
        for uid in ["a", "b"] {
            let (status, body) = post(
                &client,
                &server.url("/validate"),
                &review(uid, "CREATE", &broken_workflow("team")),
            )
            .await;
            assert_eq!(
                (status.as_u16(), &response_of(&body)["uid"]),
                (200, &json!(uid))
            );
        }
        let metrics = metrics_text(&client, &server).await;
        assert!(
            !metrics.contains("wflint_verdict_cache_lookups_total{")
                && !metrics.contains("wflint_lint_memo_lookups_total{"),
            "{metrics}"
        );
        assert!(server.state.verdicts().is_empty());
        assert!(server.state.lint_memo().is_empty());
        server.shutdown().await.unwrap();
    }
}
