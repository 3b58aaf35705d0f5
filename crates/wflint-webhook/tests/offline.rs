//! The gate as `wflint serve` starts it: arguments parsed by clap, the shipped default policy,
//! cluster state from the examples' context files, an example workflow from YAML.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic

mod common;

use std::path::{Path, PathBuf};

use clap::Parser;
use common::{TestCa, client, patch_of, response_of, review};
use serde_json::{Value, json};

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    serve: wflint_webhook::ServeArgs,
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

fn yaml_object(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap();
    let parsed = wflint_core::source::parse(
        &path.display().to_string(),
        &bytes,
        &wflint_core::source::Limits::default(),
    );
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    parsed.documents.into_iter().next().unwrap().value
}

#[tokio::test]
async fn serve_with_context_files_pins_the_examples_namespace_default() {
    let ca = TestCa::new("test CA");
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = ca.write_pair(dir.path());
    let cli = Cli::try_parse_from([
        "wflint-webhook".as_ref(),
        "--addr=127.0.0.1:0".as_ref(),
        "--tls-cert".as_ref(),
        cert.as_os_str(),
        "--tls-key".as_ref(),
        key.as_os_str(),
        "--policy".as_ref(),
        repo("policies/default.yaml").as_os_str(),
        "--context".as_ref(),
        repo("examples/artifact-passing/context").as_os_str(),
        "--log-format=text".as_ref(),
        "--shutdown-delay=0s".as_ref(),
    ])
    .unwrap();
    let server = wflint_webhook::build_server(&cli.serve).await.unwrap();
    let handle = server.handle();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(server.run(async move {
        let _ = stopped.await;
    }));
    let addr = handle.listening().await.unwrap();
    let url = format!("https://localhost:{}/mutate", addr.port());

    let workflow = yaml_object(&repo("examples/artifact-passing/workflow.yaml"));
    let body: Value = client(&[&ca], true)
        .post(&url)
        .json(&review("uid-example", "CREATE", &workflow))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let answer = response_of(&body);
    assert_eq!(answer["allowed"], true, "{answer}");
    assert_eq!(
        serde_json::to_value(patch_of(answer).unwrap()).unwrap(),
        json!([{"op": "add", "path": "/spec/artifactRepositoryRef",
                "value": {"configMap": "artifact-repositories", "key": "my-artifact-repository"}}])
    );

    // A namespace the context does not define has no default to pin (closed world).
    let mut elsewhere = workflow.clone();
    elsewhere["metadata"]["namespace"] = json!("other");
    let body: Value = client(&[&ca], false)
        .post(&url)
        .json(&review("uid-other", "CREATE", &elsewhere))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(response_of(&body).get("patch").is_none(), "{body}");

    stop.send(()).unwrap();
    running.await.unwrap().unwrap();
}

#[test]
fn cluster_and_context_files_exclude_each_other() {
    assert!(
        Cli::try_parse_from([
            "x",
            "--tls-cert=a",
            "--tls-key=b",
            "--cluster",
            "--context=c"
        ])
        .is_err()
    );
    assert!(
        Cli::try_parse_from(["x", "--tls-cert=a", "--tls-key=b", "--kubeconfig=k"]).is_err(),
        "--kubeconfig needs --cluster"
    );
}
