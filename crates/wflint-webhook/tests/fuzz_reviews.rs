//! Property tests: arbitrary bytes and mangled AdmissionReviews never make the gate panic or
//! fail internally; what is not a review gets a 400 with a JSON error, what is one gets an
//! answer echoing its uid.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic

mod common;

use std::sync::{Arc, OnceLock};

use axum::{body::Body, http::Request};
use http_body_util::BodyExt;
use proptest::prelude::*;
use serde_json::{Value, json};
use tower::ServiceExt;
use wflint_webhook::{AppState, ClusterState, Limits, router};

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

fn state() -> AppState {
    static STATE: OnceLock<AppState> = OnceLock::new();
    STATE
        .get_or_init(|| {
            let context = common::MapContext::default().with_namespace_default("team", "minio");
            AppState::new(
                ClusterState::offline(Arc::new(context)),
                common::policy(
                    r#"{"apiVersion": "wflint.dev/v1", "kind": "Policy",
                        "admission": {"mutate": true, "artifactRepositoryRef": "namespaceDefault",
                          "artifactGC": {"strategy": "OnWorkflowCompletion"}}}"#,
                ),
                Limits::default(),
            )
        })
        .clone()
}

/// POST `body` to `path` in-process; the status and the body as JSON.
fn call(path: &str, body: Vec<u8>) -> (u16, Value) {
    runtime().block_on(async {
        let request = Request::post(path)
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap();
        let response = router(state()).oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    })
}

fn check(path: &str, body: Vec<u8>) -> Result<(), TestCaseError> {
    let parsed: Option<Value> = serde_json::from_slice(&body).ok();
    let (status, answer) = call(path, body);
    prop_assert!(status == 200 || status == 400, "status {status}: {answer}");
    if status == 400 {
        prop_assert!(
            answer["error"].is_string(),
            "400 without a JSON error: {answer}"
        );
    } else {
        let uid = parsed
            .as_ref()
            .and_then(|v| v.pointer("/request/uid"))
            .cloned();
        prop_assert_eq!(Some(answer["response"]["uid"].clone()), uid);
        prop_assert!(answer["response"]["allowed"].is_boolean());
    }
    Ok(())
}

/// A valid review of one of several objects.
fn base_review() -> impl Strategy<Value = Value> {
    let workflow = common::artifact_workflow("team");
    let broken = common::broken_workflow("team");
    let cron = json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "CronWorkflow",
        "metadata": {"name": "c", "namespace": "team"},
        "spec": {"schedule": "* * * * *", "workflowSpec": workflow["spec"].clone()}});
    let template = json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "ClusterWorkflowTemplate",
        "metadata": {"name": "t"}, "spec": workflow["spec"].clone()});
    prop_oneof![
        Just(common::review("u1", "CREATE", &workflow)),
        Just(common::review("u2", "UPDATE", &broken)),
        Just(common::review("u3", "CREATE", &cron)),
        Just(common::review("u4", "DELETE", &template)),
    ]
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::String),
        Just(json!({})),
        Just(json!([])),
        Just(json!([[{"name": "x"}]])),
    ]
}

/// Every JSON pointer in `value`.
fn pointers(value: &Value, prefix: String, out: &mut Vec<String>) {
    out.push(prefix.clone());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                pointers(child, format!("{prefix}/{escaped}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                pointers(child, format!("{prefix}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum Mangle {
    Replace(usize, Value),
    Remove(usize),
}

fn mangle() -> impl Strategy<Value = Mangle> {
    prop_oneof![
        (any::<usize>(), json_leaf()).prop_map(|(at, v)| Mangle::Replace(at, v)),
        any::<usize>().prop_map(Mangle::Remove),
    ]
}

fn apply(review: &mut Value, mangles: &[Mangle]) {
    for mangle in mangles {
        let mut all = Vec::new();
        pointers(review, String::new(), &mut all);
        let (at, replacement) = match mangle {
            Mangle::Replace(at, v) => (*at, Some(v.clone())),
            Mangle::Remove(at) => (*at, None),
        };
        let pointer = all[at % all.len()].clone();
        match replacement {
            Some(value) => {
                if let Some(slot) = review.pointer_mut(&pointer) {
                    *slot = value;
                }
            }
            None => {
                let Some((parent, last)) = pointer.rsplit_once('/') else {
                    continue;
                };
                match review.pointer_mut(parent) {
                    Some(Value::Object(map)) => {
                        map.remove(&last.replace("~1", "/").replace("~0", "~"));
                    }
                    Some(Value::Array(items)) => {
                        if let Ok(i) = last.parse::<usize>()
                            && i < items.len()
                        {
                            items.remove(i);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        check("/validate", body)?;
    }

    #[test]
    fn mangled_reviews_are_answered_or_refused(
        mut review in base_review(),
        mangles in proptest::collection::vec(mangle(), 1..6),
        mutate in any::<bool>(),
    ) {
        apply(&mut review, &mangles);
        let path = if mutate { "/mutate" } else { "/validate" };
        check(path, serde_json::to_vec(&review).unwrap())?;
    }

    #[test]
    fn truncated_reviews_are_refused(cut in 0usize..400) {
        let body = serde_json::to_vec(&common::review("u", "CREATE", &common::artifact_workflow("team"))).unwrap();
        let cut = cut.min(body.len() - 1);
        let (status, answer) = call("/validate", body[..cut].to_vec());
        prop_assert_eq!(status, 400, "{}", answer);
        prop_assert!(answer["error"].is_string());
    }
}
