//! The manifests in `deploy/` parse, and their names, ports, paths, flags and timeouts agree
//! with each other and with the server (its flags are parsed by the server's own clap
//! definition, its routes are the server's constants).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic

mod common;

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
    process::Command,
};

use clap::Parser;
use serde_json::Value;
use wflint_webhook::{
    ServeArgs,
    server::{HEALTHZ_PATH, MUTATE_PATH, READYZ_PATH, VALIDATE_PATH},
};

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    serve: ServeArgs,
}

fn deploy(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../deploy")
        .join(path)
}

fn documents(path: &Path) -> Vec<Value> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let parsed = wflint_core::source::parse(
        &path.display().to_string(),
        &bytes,
        &wflint_core::source::Limits::default(),
    );
    assert!(
        parsed.problems.is_empty(),
        "{}: {:?}",
        path.display(),
        parsed.problems
    );
    parsed.documents.into_iter().map(|d| d.value).collect()
}

/// Every object of a kustomization's resources (recursively through directories).
fn kustomize(dir: &Path) -> (Value, Vec<Value>) {
    let kustomization = documents(&dir.join("kustomization.yaml")).remove(0);
    let mut objects = Vec::new();
    for resource in kustomization["resources"].as_array().unwrap() {
        let path = dir.join(resource.as_str().unwrap());
        if path.is_dir() {
            objects.extend(kustomize(&path).1);
        } else {
            objects.extend(documents(&path));
        }
    }
    (kustomization, objects)
}

fn find<'a>(objects: &'a [Value], kind: &str) -> Vec<&'a Value> {
    objects.iter().filter(|o| o["kind"] == kind).collect()
}

fn one<'a>(objects: &'a [Value], kind: &str) -> &'a Value {
    let found = find(objects, kind);
    assert_eq!(found.len(), 1, "exactly one {kind}");
    found[0]
}

fn strings(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn port_named(container: &Value, name: &str) -> u64 {
    container["ports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no container port {name}"))["containerPort"]
        .as_u64()
        .unwrap()
}

fn mount_of_volume<'a>(container: &'a Value, volume: &Value) -> &'a str {
    let name = volume["name"].as_str().unwrap();
    container["volumeMounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("volume {name} is not mounted"))["mountPath"]
        .as_str()
        .unwrap()
}

#[test]
fn base_manifests_agree_with_the_server_and_each_other() {
    let (kustomization, objects) = kustomize(&deploy("base"));
    let namespace = one(&objects, "Namespace")["metadata"]["name"]
        .as_str()
        .unwrap();
    assert_eq!(kustomization["namespace"], namespace);

    // Deployment: 2 replicas, hardened, flags the server accepts.
    let deployment = one(&objects, "Deployment");
    assert_eq!(deployment["spec"]["replicas"], 2);
    let pod = &deployment["spec"]["template"]["spec"];
    let pod_labels = &deployment["spec"]["template"]["metadata"]["labels"];
    assert_eq!(&deployment["spec"]["selector"]["matchLabels"], pod_labels);
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    assert!(
        pod["affinity"]["podAntiAffinity"].is_object(),
        "replicas spread over nodes"
    );
    let container = &pod["containers"][0];
    assert_eq!(container["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(
        container["securityContext"]["allowPrivilegeEscalation"],
        false
    );
    assert!(container["resources"]["requests"]["memory"].is_string());
    assert!(container["resources"]["limits"]["memory"].is_string());

    let mut argv = vec!["wflint-webhook".to_string()];
    argv.extend(
        container["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_string()),
    );
    let args = Cli::try_parse_from(&argv)
        .unwrap_or_else(|e| panic!("the server rejects the Deployment's args: {e}"))
        .serve;
    assert_eq!(u64::from(args.addr.port()), port_named(container, "https"));
    let metrics_addr = args.metrics_addr.expect("--metrics-addr for the probes");
    assert_eq!(
        u64::from(metrics_addr.port()),
        port_named(container, "metrics")
    );
    assert_eq!(container["livenessProbe"]["httpGet"]["path"], HEALTHZ_PATH);
    assert_eq!(container["readinessProbe"]["httpGet"]["path"], READYZ_PATH);
    for probe in ["livenessProbe", "readinessProbe"] {
        assert_eq!(container[probe]["httpGet"]["port"], "metrics");
    }
    let grace = pod["terminationGracePeriodSeconds"].as_u64().unwrap();
    assert!(
        (args.shutdown_delay + args.drain_timeout).as_secs() < grace,
        "the pod is killed before the server has drained"
    );

    // The TLS Secret and the policy ConfigMap are mounted where the flags point.
    let volumes = pod["volumes"].as_array().unwrap();
    let tls = volumes
        .iter()
        .find(|v| v["secret"].is_object())
        .expect("TLS secret volume");
    let secret_name = tls["secret"]["secretName"].as_str().unwrap();
    let tls_dir = mount_of_volume(container, tls);
    assert_eq!(args.tls_cert, Path::new(tls_dir).join("tls.crt"));
    assert_eq!(args.tls_key, Path::new(tls_dir).join("tls.key"));
    let policy_volume = volumes
        .iter()
        .find(|v| v["configMap"].is_object())
        .expect("policy volume");
    let generator = &kustomization["configMapGenerator"][0];
    assert_eq!(policy_volume["configMap"]["name"], generator["name"]);
    assert_eq!(generator["options"]["disableNameSuffixHash"], true);
    let policy_file = generator["files"][0].as_str().unwrap();
    assert_eq!(
        args.policy.as_deref(),
        Some(Path::new(mount_of_volume(container, policy_volume)).join(policy_file)).as_deref()
    );
    // The deployed policy is the shipped default, and it loads.
    let deployed_policy = deploy("base").join(policy_file);
    assert_eq!(
        std::fs::read_to_string(&deployed_policy).unwrap(),
        std::fs::read_to_string(deploy("../policies/default.yaml")).unwrap(),
        "deploy/base/policy.yaml must be a copy of policies/default.yaml"
    );
    wflint_core::policy::Policy::load(&deployed_policy).unwrap();

    // ServiceAccount and least-privilege RBAC.
    let account = one(&objects, "ServiceAccount");
    assert_eq!(pod["serviceAccountName"], account["metadata"]["name"]);
    let role = one(&objects, "ClusterRole");
    let mut granted = BTreeSet::new();
    for rule in role["rules"].as_array().unwrap() {
        assert_eq!(
            strings(&rule["verbs"]),
            set(&["get", "list", "watch"]),
            "read-only"
        );
        for group in strings(&rule["apiGroups"]) {
            for resource in strings(&rule["resources"]) {
                granted.insert(format!("{group}/{resource}"));
            }
        }
    }
    assert_eq!(
        granted,
        set(&[
            "/configmaps",
            "/secrets",
            "argoproj.io/workflowtemplates",
            "argoproj.io/clusterworkflowtemplates"
        ])
    );
    let binding = one(&objects, "ClusterRoleBinding");
    assert_eq!(binding["roleRef"]["name"], role["metadata"]["name"]);
    assert_eq!(binding["subjects"][0]["name"], account["metadata"]["name"]);
    assert_eq!(binding["subjects"][0]["namespace"], namespace);

    // Service and PodDisruptionBudget select the pods.
    let service = one(&objects, "Service");
    assert_eq!(&service["spec"]["selector"], pod_labels);
    let https = service["spec"]["ports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["targetPort"] == "https")
        .expect("a Service port to the https container port");
    let pdb = one(&objects, "PodDisruptionBudget");
    assert_eq!(&pdb["spec"]["selector"]["matchLabels"], pod_labels);
    assert_eq!(pdb["spec"]["minAvailable"], 1);

    // Webhooks: the Service, the server's paths, the four kinds.
    let validating = one(&objects, "ValidatingWebhookConfiguration");
    let mutating = one(&objects, "MutatingWebhookConfiguration");
    for (configuration, path) in [(validating, VALIDATE_PATH), (mutating, MUTATE_PATH)] {
        let webhook = &configuration["webhooks"][0];
        let target = &webhook["clientConfig"]["service"];
        assert_eq!(target["name"], service["metadata"]["name"]);
        assert_eq!(target["namespace"], namespace);
        assert_eq!(target["port"], https["port"]);
        assert_eq!(target["path"], path);
        assert_eq!(webhook["sideEffects"], "None");
        assert!(strings(&webhook["admissionReviewVersions"]).contains("v1"));
        assert!(matches!(
            webhook["failurePolicy"].as_str(),
            Some("Fail" | "Ignore")
        ));
        let timeout = webhook["timeoutSeconds"].as_u64().unwrap();
        assert!(
            args.request_timeout.as_secs() < timeout,
            "the server must answer before the API server gives up"
        );
        let rule = &webhook["rules"][0];
        assert_eq!(strings(&rule["apiGroups"]), set(&["argoproj.io"]));
        assert_eq!(
            strings(&rule["resources"]),
            set(&[
                "workflows",
                "workflowtemplates",
                "clusterworkflowtemplates",
                "cronworkflows"
            ])
        );
        assert_eq!(strings(&rule["operations"]), set(&["CREATE", "UPDATE"]));
        let excluded = &webhook["namespaceSelector"]["matchExpressions"][0];
        assert_eq!(excluded["key"], "kubernetes.io/metadata.name");
        assert_eq!(excluded["operator"], "NotIn");
        assert!(strings(&excluded["values"]).is_superset(&set(&["kube-system", namespace])));
        assert!(webhook["matchConditions"][0]["expression"].is_string());
    }
    assert_eq!(validating["webhooks"][0]["failurePolicy"], "Fail");
    assert_eq!(mutating["webhooks"][0]["reinvocationPolicy"], "IfNeeded");

    // gen-certs.sh writes the Secret the Deployment mounts, for the Service's name, and
    // patches these two configurations.
    let script = std::fs::read_to_string(deploy("gen-certs.sh")).unwrap();
    for expected in [
        format!("NAMESPACE={namespace}\n"),
        format!(
            "SERVICE={}\n",
            service["metadata"]["name"].as_str().unwrap()
        ),
        format!("SECRET={secret_name}\n"),
        format!(
            "VALIDATING={}\n",
            validating["metadata"]["name"].as_str().unwrap()
        ),
        format!(
            "MUTATING={}\n",
            mutating["metadata"]["name"].as_str().unwrap()
        ),
    ] {
        assert!(
            script.contains(&expected),
            "gen-certs.sh lacks {expected:?}"
        );
    }
}

#[test]
fn cert_manager_overlay_issues_the_mounted_secret_and_injects_the_ca() {
    let (_, base) = kustomize(&deploy("base"));
    let (kustomization, objects) = kustomize(&deploy("cert-manager"));
    let namespace = one(&base, "Namespace")["metadata"]["name"]
        .as_str()
        .unwrap();
    let service = one(&base, "Service")["metadata"]["name"].as_str().unwrap();
    let secret = one(&base, "Deployment")["spec"]["template"]["spec"]["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|v| v["secret"]["secretName"].as_str())
        .unwrap()
        .to_string();
    let serving = find(&objects, "Certificate")
        .into_iter()
        .find(|c| c["spec"]["secretName"] == secret.as_str())
        .expect("a Certificate for the mounted Secret");
    assert!(
        strings(&serving["spec"]["dnsNames"]).contains(&format!("{service}.{namespace}.svc")),
        "the certificate names the Service"
    );
    let issuer = serving["spec"]["issuerRef"]["name"].as_str().unwrap();
    assert!(
        find(&objects, "Issuer")
            .iter()
            .any(|i| i["metadata"]["name"] == issuer),
        "issuer {issuer} is defined"
    );
    let injection = format!(
        "cert-manager.io/inject-ca-from: {namespace}/{}",
        serving["metadata"]["name"].as_str().unwrap()
    );
    let patches = kustomization["patches"].as_array().unwrap();
    let targets: BTreeSet<String> = patches
        .iter()
        .filter(|p| p["patch"].as_str().unwrap().contains(&injection))
        .map(|p| p["target"]["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        targets,
        set(&[
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration"
        ])
    );
}

#[test]
fn dockerfile_builds_and_runs_the_webhook_binary() {
    let dockerfile = std::fs::read_to_string(deploy("Dockerfile")).unwrap();
    assert!(dockerfile.contains("cargo build --release --locked -p wflint-webhook"));
    assert!(dockerfile.contains(r#"ENTRYPOINT ["/usr/local/bin/wflint-webhook"]"#));
    assert!(dockerfile.contains("FROM gcr.io/distroless/"));
    assert!(dockerfile.contains("USER 65532"));
    let (_, objects) = kustomize(&deploy("base"));
    let container = &one(&objects, "Deployment")["spec"]["template"]["spec"]["containers"][0];
    let exposed = dockerfile
        .lines()
        .find_map(|l| l.strip_prefix("EXPOSE "))
        .unwrap();
    for name in ["https", "metrics"] {
        assert!(
            exposed
                .split_whitespace()
                .any(|p| p == port_named(container, name).to_string()),
            "EXPOSE lacks the {name} port"
        );
    }
}

#[test]
fn kustomize_renders_both_entry_points() {
    if Command::new("kubectl")
        .arg("version")
        .arg("--client")
        .output()
        .is_err()
    {
        eprintln!("skipped: kubectl is not installed");
        return;
    }
    for dir in ["base", "cert-manager"] {
        let output = Command::new("kubectl")
            .arg("kustomize")
            .arg(deploy(dir))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "kubectl kustomize deploy/{dir}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[tokio::test]
async fn gen_certs_makes_a_certificate_the_server_serves_for_the_service_name() {
    if Command::new("openssl").arg("version").output().is_err() {
        eprintln!("skipped: openssl is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new("bash")
        .arg(deploy("gen-certs.sh"))
        .args(["--no-apply", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (cert, key) = (dir.path().join("tls.crt"), dir.path().join("tls.key"));
    let server = common::start_with_files(
        tempfile::tempdir().unwrap(),
        cert,
        key,
        common::Options::default(),
    )
    .await;
    use rustls_pki_types::{CertificateDer, pem::PemObject};
    let ca = CertificateDer::from_pem_file(dir.path().join("ca.crt")).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca).unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let host = "wflint-webhook.wflint-system.svc";
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .resolve(host, server.addr)
        .build()
        .unwrap();
    let response = client
        .get(format!("https://{host}:{}/healthz", server.addr.port()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    server.shutdown().await.unwrap();
}
