//! `--cluster`: the gate on watch caches of a (fake) Kubernetes API. Ready only once synced,
//! facts follow the cluster's changes, and admission never calls the API server.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic

mod common;

use std::{ffi::OsString, future::Future, time::Duration};

use clap::Parser;
use common::{TestCa, artifact_workflow, client, patch_of, response_of, review};
use serde_json::{Value, json};
use wflint_fakekube::FakeKube;

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    serve: wflint_webhook::ServeArgs,
}

fn repositories(namespace: &str, key: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "artifact-repositories", "namespace": namespace,
            "annotations": {"workflows.argoproj.io/default-artifact-repository": key}},
        "data": {key: "s3:\n  endpoint: minio:9000\n  bucket: artifacts\n"}
    })
}

const MUTATING_POLICY: &str = "apiVersion: wflint.dev/v1\nkind: Policy\nadmission:\n  mutate: true\n  artifactRepositoryRef: namespaceDefault\n";

struct Running {
    base: String,
    client: reqwest::Client,
    state: wflint_webhook::AppState,
    stop: tokio::sync::oneshot::Sender<()>,
    join: tokio::task::JoinHandle<Result<(), wflint_webhook::ServeError>>,
    _dir: tempfile::TempDir,
}

async fn start(fake: &FakeKube, ca: &TestCa) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = ca.write_pair(dir.path());
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(&kubeconfig, fake.kubeconfig()).unwrap();
    let policy = dir.path().join("policy.yaml");
    std::fs::write(&policy, MUTATING_POLICY).unwrap();
    let mut argv: Vec<OsString> = vec!["wflint-webhook".into(), "--addr=127.0.0.1:0".into()];
    for (flag, value) in [
        ("--tls-cert", cert.as_os_str()),
        ("--tls-key", key.as_os_str()),
        ("--policy", policy.as_os_str()),
        ("--kubeconfig", kubeconfig.as_os_str()),
    ] {
        argv.push(flag.into());
        argv.push(value.into());
    }
    argv.extend(["--cluster", "--shutdown-delay=0s", "--log-format=text"].map(OsString::from));
    let args = Cli::try_parse_from(argv).unwrap().serve;
    let server = wflint_webhook::build_server(&args).await.unwrap();
    let state = server.state().clone();
    let handle = server.handle();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let join = tokio::spawn(server.run(async move {
        let _ = stopped.await;
    }));
    let addr = handle.listening().await.unwrap();
    Running {
        base: format!("https://localhost:{}", addr.port()),
        client: client(&[ca], true),
        state,
        stop,
        join,
        _dir: dir,
    }
}

impl Running {
    async fn mutate(&self, namespace: &str) -> Value {
        let body: Value = self
            .client
            .post(format!("{}/mutate", self.base))
            .json(&review("uid", "CREATE", &artifact_workflow(namespace)))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        response_of(&body).clone()
    }

    async fn readiness(&self) -> (u16, Value) {
        let response = self
            .client
            .get(format!("{}/readyz", self.base))
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }

    async fn stop(self) {
        self.stop.send(()).unwrap();
        self.join.await.unwrap().unwrap();
    }
}

/// Poll `condition` (bounded).
async fn eventually<F, Fut>(what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    for _ in 0..200 {
        if condition().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

fn pinned_key(answer: &Value) -> Option<String> {
    let patch = serde_json::to_value(patch_of(answer)?).unwrap();
    patch[0]["value"]["key"].as_str().map(str::to_string)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_caches_answer_admission_without_api_calls_and_follow_changes() {
    let fake = FakeKube::start().await;
    fake.apply(repositories("team", "v1"));
    let ca = TestCa::new("test CA");
    let running = start(&fake, &ca).await;

    eventually("readiness once the caches synced", || async {
        running.readiness().await.0 == 200
    })
    .await;
    assert_eq!(
        pinned_key(&running.mutate("team").await).as_deref(),
        Some("v1")
    );
    assert_eq!(pinned_key(&running.mutate("elsewhere").await), None);

    // Admission is answered from the caches: no request reaches the API server.
    let before = fake.requests().len();
    for _ in 0..10 {
        running.mutate("team").await;
    }
    assert_eq!(fake.requests().len(), before, "{:?}", fake.requests());
    // The repeated reviews were answered from memory, so the change below also checks that a
    // watch event retires remembered decisions.
    let metrics = running.state.metrics().encode(true, true);
    assert!(
        metrics.contains(r#"wflint_verdict_cache_lookups_total{result="hit"} 10"#),
        "{metrics}"
    );

    // A change in the cluster reaches the gate through the watch.
    fake.apply(repositories("team", "v2"));
    eventually("the new default to be pinned", || async {
        pinned_key(&running.mutate("team").await).as_deref() == Some("v2")
    })
    .await;
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_ready_while_a_cache_cannot_sync_and_nothing_is_pinned_meanwhile() {
    let fake = FakeKube::start().await;
    fake.apply(repositories("team", "v1"));
    fake.forbid("secrets", None);
    let ca = TestCa::new("test CA");
    let running = start(&fake, &ca).await;

    // ConfigMaps sync, Secrets never do (403): the pod stays out of the Service.
    eventually("the configmaps watch to deliver", || async {
        pinned_key(&running.mutate("team").await).is_some()
    })
    .await;
    let (status, readiness) = running.readiness().await;
    assert_eq!(status, 503);
    assert_eq!(
        readiness,
        json!({"certificate_loaded": true, "caches_synced": false, "draining": false})
    );
    let metrics = running.state.metrics().encode(
        running.state.readiness().caches_synced,
        running.state.readiness().ready(),
    );
    assert!(metrics.contains("wflint_cache_synced 0"), "{metrics}");
    assert!(metrics.contains("wflint_ready 0"), "{metrics}");

    fake.clear_faults();
    eventually("readiness once secrets sync", || async {
        running.readiness().await.0 == 200
    })
    .await;
    running.stop().await;
}
