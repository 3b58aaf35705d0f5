//! Fixtures shared by the tests against the fake API server.

#![allow(dead_code, unreachable_pub)]

use std::{
    io,
    sync::{Arc, Mutex},
    time::Duration,
};

use serde_json::{Value, json};
use wflint_fakekube::FakeKube;

/// Secret values planted in fixtures; none may ever show up in output.
pub const SECRET_VALUE_BASE64: &str = "czNjcjN0LXZhbHVlLTQy"; // "s3cr3t-value-42"
pub const SECRET_VALUE_DECODED: &str = "s3cr3t-value-42";
pub const SECRET_STRING_DATA: &str = "hunter2-plain-text";

pub fn config_map(namespace: &str, name: &str, annotations: Value, data: Value) -> Value {
    json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace, "annotations": annotations},
        "data": data,
    })
}

pub fn secret(namespace: &str, name: &str, keys: &[&str]) -> Value {
    let data: serde_json::Map<String, Value> = keys
        .iter()
        .map(|k| (k.to_string(), Value::String(SECRET_VALUE_BASE64.into())))
        .collect();
    json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": name, "namespace": namespace, "annotations": {
            "kubectl.kubernetes.io/last-applied-configuration":
                format!("{{\"stringData\":{{\"token\":\"{SECRET_STRING_DATA}\"}}}}")
        }},
        "type": "Opaque",
        "data": data,
        "stringData": {"token": SECRET_STRING_DATA},
    })
}

pub fn workflow_template(namespace: &str, name: &str, spec: Value) -> Value {
    json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "WorkflowTemplate",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    })
}

pub fn cluster_workflow_template(name: &str, spec: Value) -> Value {
    json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "ClusterWorkflowTemplate",
        "metadata": {"name": name},
        "spec": spec,
    })
}

/// A namespace repository ConfigMap (annotated) whose repository names `secret`.
pub fn repository_config_map(namespace: &str, secret: &str) -> Value {
    config_map(
        namespace,
        "artifact-repositories",
        json!({"workflows.argoproj.io/default-artifact-repository": "default-v1"}),
        json!({"default-v1": format!(
            "{{\"s3\": {{\"endpoint\": \"minio:9000\", \"bucket\": \"b\", \
             \"accessKeySecret\": {{\"name\": \"{secret}\", \"key\": \"accesskey\"}}, \
             \"secretKeySecret\": {{\"name\": \"{secret}\", \"key\": \"secretkey\"}}}}}}"
        )}),
    )
}

/// The controller ConfigMap with a default repository naming `secret`.
pub fn controller_config_map(namespace: &str, secret: &str) -> Value {
    config_map(
        namespace,
        "workflow-controller-configmap",
        json!({}),
        json!({"artifactRepository": format!(
            "{{\"gcs\": {{\"bucket\": \"g\", \"serviceAccountKeySecret\": {{\"name\": \"{secret}\", \"key\": \"sa.json\"}}}}}}"
        )}),
    )
}

/// A real kube client for the fake server.
pub fn client(fake: &FakeKube) -> kube::Client {
    wflint_kube::client_for_url(fake.url()).unwrap_or_else(|e| panic!("{e}"))
}

/// Fail the test instead of hanging when something never happens.
pub async fn within<T>(what: &str, future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), future)
        .await
        .unwrap_or_else(|_| panic!("gave up waiting: {what}"))
}

/// Everything logged while the guard lives, at every level.
#[derive(Clone, Default)]
pub struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl CapturedLogs {
    pub fn install(&self) -> tracing::subscriber::DefaultGuard {
        let sink = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || sink.clone())
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

impl io::Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

pub fn assert_no_secret_value(text: &str, context: &str) {
    for value in [
        SECRET_VALUE_BASE64,
        SECRET_VALUE_DECODED,
        SECRET_STRING_DATA,
    ] {
        assert!(
            !text.contains(value),
            "a secret value ({value}) leaked into {context}"
        );
    }
}
