//! Serves a fake cluster with many ConfigMaps and Secrets, for the webhook's memory benchmark
//! (`scripts/bench memory`): the webhook runs `--cluster` against it and caches everything.
//!
//! Usage: `cargo run --release -p wflint-fakekube --example big-cluster -- KUBECONFIG_OUT [N]`
//! (N ConfigMaps and N Secrets, default 10000, spread over 100 namespaces). Writes the
//! kubeconfig, prints `ready` on stdout, then serves until stdin closes or the process is killed.

use std::io::{BufRead, Write};

use serde_json::{Value, json};
use wflint_fakekube::FakeKube;

const NAMESPACES: usize = 100;

fn objects(count: usize) -> Vec<Value> {
    let mut out = Vec::with_capacity(2 * count + NAMESPACES + 2);
    for ns in 0..NAMESPACES {
        let namespace = format!("team-{ns:03}");
        // Each namespace has its default repository and the Secret it names.
        out.push(json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {
                "name": "artifact-repositories", "namespace": namespace,
                "annotations": {"workflows.argoproj.io/default-artifact-repository": "default-v1"}
            },
            "data": {"default-v1": "s3:\n  endpoint: minio.argo:9000\n  bucket: artifacts\n  insecure: false\n  accessKeySecret: {name: s3-cred, key: accesskey}\n  secretKeySecret: {name: s3-cred, key: secretkey}\n"}
        }));
        out.push(json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "s3-cred", "namespace": namespace},
            "data": {"accesskey": "YWRtaW4=", "secretkey": "cGFzc3dvcmQ="}
        }));
    }
    for i in 0..count.saturating_sub(NAMESPACES) {
        let namespace = format!("team-{:03}", i % NAMESPACES);
        out.push(json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": format!("app-config-{i}"), "namespace": namespace,
                         "labels": {"app": "bench"}},
            "data": {"settings.yaml": format!("replicas: {}\nlogLevel: info\nfeature: {i}\n", i % 7),
                     "owner": "platform-team"}
        }));
        out.push(json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": format!("app-secret-{i}"), "namespace": namespace},
            "type": "Opaque",
            "data": {"username": "dXNlcg==", "password": "c2VjcmV0LXNlY3JldC1zZWNyZXQ=",
                     "token": "dG9rZW4tdG9rZW4tdG9rZW4tdG9rZW4tdG9rZW4tdG9rZW4="}
        }));
    }
    out
}

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(kubeconfig_out) = args.next() else {
        eprintln!("usage: big-cluster KUBECONFIG_OUT [N]");
        return std::process::ExitCode::from(2);
    };
    let count = match args.next().map(|n| n.parse::<usize>()) {
        None => 10_000,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("big-cluster: N must be a number: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let kube = FakeKube::start_in_thread();
    kube.apply_all(objects(count));
    if let Err(e) = std::fs::write(&kubeconfig_out, kube.kubeconfig()) {
        eprintln!("big-cluster: cannot write {kubeconfig_out}: {e}");
        return std::process::ExitCode::from(2);
    }
    println!("ready {} configmaps+secrets at {}", 2 * count, kube.url());
    let _ = std::io::stdout().flush();
    // Serve until stdin closes (the benchmark script holds it open).
    for line in std::io::stdin().lock().lines() {
        if line.is_err() {
            break;
        }
    }
    std::process::ExitCode::SUCCESS
}
