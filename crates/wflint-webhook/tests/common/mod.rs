//! Test helpers: a test CA (rcgen), a server on a loopback port, rustls clients, review bodies
//! and an in-memory cluster context.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::BTreeMap,
    net::SocketAddr,
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, SanType};
use serde_json::{Value, json};
use tokio::{sync::oneshot, task::JoinHandle};
use wflint_core::{
    artifacts::resolve::DEFAULT_REPOSITORY_ANNOTATION,
    context::{
        ClusterContext, ConfigMapInfo, ControllerConfig, Lookup, NoContext, SecretKeys,
        TemplateObject,
    },
    policy::Policy,
};
use wflint_webhook::{
    AppState, ClusterState, Limits, ServeConfig, ServeError, Server, ServerHandle,
};

/// A CA that signs serving certificates for `localhost` / 127.0.0.1.
pub struct TestCa {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl TestCa {
    pub fn new(name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        Self { issuer }
    }

    pub fn cert_pem(&self) -> String {
        self.issuer.pem()
    }

    pub fn cert_der(&self) -> rustls_pki_types::CertificateDer<'static> {
        self.issuer.der().clone()
    }

    /// A serving certificate and key (PEM).
    pub fn serving_pair(&self) -> (String, String) {
        let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        params
            .subject_alt_names
            .push(SanType::IpAddress("127.0.0.1".parse().unwrap()));
        params
            .distinguished_name
            .push(DnType::CommonName, "wflint.wflint-system.svc");
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        (cert.pem(), key.serialize_pem())
    }

    pub fn write_pair(&self, dir: &Path) -> (PathBuf, PathBuf) {
        let (cert, key) = self.serving_pair();
        let cert_path = dir.join("tls.crt");
        let key_path = dir.join("tls.key");
        std::fs::write(&cert_path, cert).unwrap();
        std::fs::write(&key_path, key).unwrap();
        (cert_path, key_path)
    }
}

/// An HTTP client trusting `cas`, speaking HTTP/2 when `h2` (by ALPN), else HTTP/1.1.
pub fn client(cas: &[&TestCa], h2: bool) -> reqwest::Client {
    let mut roots = rustls::RootCertStore::empty();
    for ca in cas {
        roots.add(ca.cert_der()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    tls.alpn_protocols = if h2 {
        vec![b"h2".to_vec()]
    } else {
        vec![b"http/1.1".to_vec()]
    };
    let builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .timeout(Duration::from_secs(30));
    let builder = if h2 { builder } else { builder.http1_only() };
    builder.build().unwrap()
}

/// A running server and what the test needs to reach and stop it.
pub struct TestServer {
    pub addr: SocketAddr,
    pub state: AppState,
    pub handle: ServerHandle,
    pub dir: tempfile::TempDir,
    pub cert: PathBuf,
    pub key: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    join: Option<JoinHandle<Result<(), ServeError>>>,
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.addr.port())
    }

    /// Trigger shutdown (like SIGTERM) without waiting.
    pub fn trigger_shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// Trigger shutdown and wait for the server to return.
    pub async fn shutdown(mut self) -> Result<(), ServeError> {
        self.trigger_shutdown();
        self.join.take().unwrap().await.unwrap()
    }
}

pub struct Options {
    pub policy: Policy,
    pub policy_path: Option<PathBuf>,
    pub context: Arc<dyn ClusterContext>,
    pub limits: Limits,
    pub reload_interval: Duration,
    pub shutdown_delay: Duration,
    pub drain_timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            policy: Policy::default(),
            policy_path: None,
            context: Arc::new(NoContext),
            limits: Limits::default(),
            reload_interval: Duration::from_millis(100),
            shutdown_delay: Duration::ZERO,
            drain_timeout: Duration::from_secs(10),
        }
    }
}

/// Start a server with a certificate from `ca`; `prepare` may replace the certificate files
/// (e.g. with symlinks) before the server starts.
pub async fn start(ca: &TestCa, options: Options) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = ca.write_pair(dir.path());
    start_with_files(dir, cert, key, options).await
}

pub async fn start_with_files(
    dir: tempfile::TempDir,
    cert: PathBuf,
    key: PathBuf,
    options: Options,
) -> TestServer {
    let state = AppState::new(
        ClusterState::offline(options.context),
        options.policy,
        options.limits,
    );
    let config = ServeConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        tls_cert: cert.clone(),
        tls_key: key.clone(),
        policy: options.policy_path,
        metrics_addr: None,
        reload_interval: options.reload_interval,
        shutdown_delay: options.shutdown_delay,
        drain_timeout: options.drain_timeout,
    };
    let server = Server::new(config, state.clone());
    let handle = server.handle();
    let (stop, stopped) = oneshot::channel::<()>();
    let join = tokio::spawn(server.run(async move {
        let _ = stopped.await;
    }));
    let addr = handle.listening().await.expect("server listens");
    TestServer {
        addr,
        state,
        handle,
        dir,
        cert,
        key,
        stop: Some(stop),
        join: Some(join),
    }
}

/// An AdmissionReview for `object` (kind and namespace taken from it).
pub fn review(uid: &str, operation: &str, object: &Value) -> Value {
    let kind = object["kind"].as_str().unwrap_or("Workflow");
    let resource = format!("{}s", kind.to_lowercase());
    let mut request = json!({
        "uid": uid,
        "kind": {"group": "argoproj.io", "version": "v1alpha1", "kind": kind},
        "resource": {"group": "argoproj.io", "version": "v1alpha1", "resource": resource},
        "name": object.pointer("/metadata/name").cloned().unwrap_or(json!("")),
        "operation": operation,
        "userInfo": {"username": "alice", "groups": ["system:authenticated"]},
        "object": object,
        "oldObject": null,
        "dryRun": false
    });
    if let Some(ns) = object.pointer("/metadata/namespace") {
        request["namespace"] = ns.clone();
    }
    json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request})
}

/// A workflow whose one container template writes an output artifact without a location.
pub fn artifact_workflow(namespace: &str) -> Value {
    json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {"generateName": "artifact-passing-", "namespace": namespace},
        "spec": {
            "entrypoint": "main",
            "templates": [{
                "name": "main",
                "container": {"image": "alpine:3.20", "command": ["sh", "-c", "echo hi > /tmp/out"]},
                "outputs": {"artifacts": [{"name": "out", "path": "/tmp/out"}]}
            }]
        }
    })
}

/// A workflow the placeholder model cannot decode (`entrypoint` is a number): an
/// `invalid-type` error at `spec.entrypoint`... or wherever the model reports it.
pub fn broken_workflow(namespace: &str) -> Value {
    let mut workflow = artifact_workflow(namespace);
    workflow["metadata"] = json!({"name": "broken", "namespace": namespace});
    workflow["spec"]["entrypoint"] = json!(5);
    workflow
}

/// The `response` of an answer.
pub fn response_of(body: &Value) -> &Value {
    &body["response"]
}

/// The JSON Patch of a response, decoded from base64.
pub fn patch_of(response: &Value) -> Option<json_patch::Patch> {
    let encoded = response.get("patch")?;
    let bytes: k8s_openapi::ByteString = serde_json::from_value(encoded.clone()).unwrap();
    Some(serde_json::from_slice(&bytes.0).unwrap())
}

/// A closed-world context: the ConfigMaps given, the controller in `argo` with no default. It
/// reports no generation (nothing decided under it is remembered) unless [`MapContext::fixed`].
#[derive(Default)]
pub struct MapContext {
    pub config_maps: Vec<ConfigMapInfo>,
    pub generation: Option<u64>,
}

impl MapContext {
    /// The same context, telling the webhook that its facts never change (as offline files).
    pub fn fixed(mut self) -> Self {
        self.generation = Some(0);
        self
    }

    /// `namespace` has an `artifact-repositories` ConfigMap whose default key is `key`.
    pub fn with_namespace_default(mut self, namespace: &str, key: &str) -> Self {
        self.config_maps.push(ConfigMapInfo {
            namespace: namespace.into(),
            name: "artifact-repositories".into(),
            annotations: BTreeMap::from([(
                DEFAULT_REPOSITORY_ANNOTATION.to_string(),
                key.to_string(),
            )]),
            data: BTreeMap::from([(
                key.to_string(),
                r#"{"s3": {"endpoint": "minio:9000", "bucket": "artifacts"}}"#.to_string(),
            )]),
        });
        self
    }
}

impl ClusterContext for MapContext {
    fn generation(&self) -> Option<u64> {
        self.generation
    }
    fn config_map(&self, namespace: &str, name: &str) -> Lookup<Arc<ConfigMapInfo>> {
        self.config_maps
            .iter()
            .find(|c| c.namespace == namespace && c.name == name)
            .map_or(Lookup::Missing, |c| Lookup::Found(Arc::new(c.clone())))
    }
    fn secret(&self, _: &str, _: &str) -> Lookup<Arc<SecretKeys>> {
        Lookup::Missing
    }
    fn workflow_template(&self, _: &str, _: &str) -> Lookup<TemplateObject> {
        Lookup::Missing
    }
    fn cluster_workflow_template(&self, _: &str) -> Lookup<TemplateObject> {
        Lookup::Missing
    }
    fn controller(&self) -> Lookup<Arc<ControllerConfig>> {
        Lookup::Found(Arc::new(ControllerConfig {
            namespace: "argo".into(),
            name: "workflow-controller-configmap".into(),
            artifact_repository: None,
            workflow_defaults: None,
            workflow_restrictions: None,
        }))
    }
}

/// A policy from JSON text (the YAML reader accepts JSON too).
pub fn policy(json: &str) -> Policy {
    Policy::from_bytes("test-policy.json", json.as_bytes()).unwrap()
}
