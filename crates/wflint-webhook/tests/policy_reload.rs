//! The policy file is re-read when it changes; an invalid new version is rejected and the old
//! policy stays in force.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic

mod common;

use std::{path::Path, time::Duration};

use common::{Options, TestCa, broken_workflow, client, policy, response_of, review, start};
use serde_json::Value;

const DENY_ERRORS: &str = r#"{"apiVersion": "wflint.dev/v1", "kind": "Policy"}"#;
const WARN_ONLY: &str =
    r#"{"apiVersion": "wflint.dev/v1", "kind": "Policy", "admission": {"denyRules": []}}"#;
const INVALID: &str = r#"{"apiVersion": "wflint.dev/v1", "kind": "Policy", "admission": {"denyRules": ["no-such-rule"]}}"#;

fn write_atomically(path: &Path, text: &str) {
    let staging = path.with_extension("new");
    std::fs::write(&staging, text).unwrap();
    std::fs::rename(&staging, path).unwrap();
}

async fn allowed(client: &reqwest::Client, url: &str) -> bool {
    let body: Value = client
        .post(url)
        .json(&review("uid", "CREATE", &broken_workflow("team")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    response_of(&body)["allowed"].as_bool().unwrap()
}

async fn wait_for_metric(server: &common::TestServer, line: &str) {
    for _ in 0..300 {
        if server.state.metrics().encode(true, true).contains(line) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {line}");
}

#[tokio::test]
async fn policy_changes_apply_and_invalid_ones_are_rejected() {
    let ca = TestCa::new("test CA");
    let policy_dir = tempfile::tempdir().unwrap();
    let policy_path = policy_dir.path().join("policy.json");
    std::fs::write(&policy_path, DENY_ERRORS).unwrap();
    let options = Options {
        // The state starts with a different policy: the file given to the server wins.
        policy: policy(WARN_ONLY),
        policy_path: Some(policy_path.clone()),
        ..Options::default()
    };
    let server = start(&ca, options).await;
    let client = client(&[&ca], true);
    let url = server.url("/validate");
    assert!(
        !allowed(&client, &url).await,
        "the file's policy is in force"
    );

    write_atomically(&policy_path, WARN_ONLY);
    wait_for_metric(&server, r#"wflint_policy_reloads_total{result="ok"} 1"#).await;
    assert!(allowed(&client, &url).await, "the new policy is in force");

    write_atomically(&policy_path, INVALID);
    wait_for_metric(
        &server,
        r#"wflint_policy_reloads_total{result="rejected"} 1"#,
    )
    .await;
    assert!(allowed(&client, &url).await, "the previous policy stays");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_invalid_policy_stops_start_up_with_its_location() {
    let ca = TestCa::new("test CA");
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = ca.write_pair(dir.path());
    let policy_path = dir.path().join("policy.json");
    std::fs::write(&policy_path, INVALID).unwrap();
    let args = wflint_webhook::ServeArgs {
        addr: "127.0.0.1:0".parse().unwrap(),
        tls_cert: cert,
        tls_key: key,
        policy: Some(policy_path.clone()),
        context: Vec::new(),
        controller_config: None,
        cluster: wflint_kube::ClusterArgs::default(),
        metrics_addr: None,
        request_timeout: Duration::from_secs(3),
        max_body_bytes: 1024 * 1024,
        max_concurrent_lints: None,
        verdict_cache_bytes: wflint_webhook::state::DEFAULT_VERDICT_CACHE_BYTES,
        async_threads: None,
        reload_interval: Duration::from_secs(5),
        shutdown_delay: Duration::ZERO,
        drain_timeout: Duration::from_secs(1),
        log_format: wflint_webhook::cli::LogFormat::Text,
    };
    let error = wflint_webhook::serve(&args, std::future::pending())
        .await
        .unwrap_err()
        .to_string();
    let shown = policy_path.display().to_string();
    assert!(
        error.starts_with(&format!("invalid policy file {shown}:")),
        "{error}"
    );
    assert!(
        error.contains("admission.denyRules[0]: unknown rule or group `no-such-rule`"),
        "{error}"
    );
}
