//! The `wflint-webhook` binary: starts from flags, logs one JSON line per review, and exits
//! cleanly on SIGTERM.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic

mod common;

use std::{
    io::Read,
    process::{Command, Stdio},
    time::Duration,
};

use common::{TestCa, broken_workflow, client, response_of, review};
use serde_json::Value;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn runs_logs_json_and_stops_on_sigterm() {
    let ca = TestCa::new("test CA");
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = ca.write_pair(dir.path());
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wflint-webhook"))
        .arg(format!("--addr=127.0.0.1:{port}"))
        .arg("--tls-cert")
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key)
        .args(["--shutdown-delay=0s", "--log-format=json"])
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    let client = client(&[&ca], false);
    let base = format!("https://localhost:{port}");
    let mut up = false;
    for _ in 0..200 {
        if client
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(up, "the server did not become ready");
    let body: Value = client
        .post(format!("{base}/validate"))
        .json(&review("uid-binary", "CREATE", &broken_workflow("team")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(response_of(&body)["allowed"], false);

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = tokio::task::spawn_blocking(move || child.wait().map(|s| (s, child)))
        .await
        .unwrap()
        .unwrap();
    let (exit_status, mut child) = exit;
    assert!(exit_status.success(), "exit status {exit_status}");

    let mut logs = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    let lines: Vec<Value> = logs
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let review_line = lines
        .iter()
        .find(|l| l["message"] == "admission review")
        .expect("a log line per review");
    assert_eq!(review_line["uid"], "uid-binary");
    assert_eq!(review_line["kind"], "Workflow");
    assert_eq!(review_line["namespace"], "team");
    assert_eq!(review_line["name"], "broken");
    assert_eq!(review_line["decision"], "denied");
    assert!(review_line["duration_ms"].is_number());
    assert!(
        lines
            .iter()
            .any(|l| l["message"] == "wflint webhook stopped"),
        "{logs}"
    );
}
