//! The core's artifact-repository resolution over both live contexts (snapshot and watch
//! cache) gives Argo's answers, and the same answers from both.

mod common;

use common::*;
use serde_json::{Value, json};
use wflint_core::artifacts::resolve::{RepositoryRef, RepositorySource, Resolution, resolve};
use wflint_core::context::ClusterContext;
use wflint_fakekube::FakeKube;
use wflint_kube::{CacheOptions, ClusterCache, LiveOptions, Needs, fetch_snapshot};

fn populate(fake: &FakeKube) {
    fake.apply_all([
        repository_config_map("team-a", "repo-cred"),
        controller_config_map("argo", "ctrl-cred"),
        config_map(
            "argo",
            "shared-repos",
            json!({"workflows.argoproj.io/default-artifact-repository": "main"}),
            json!({"main": "s3:\n  bucket: shared\n  endpoint: minio:9000\n"}),
        ),
        // Not annotated: Argo ignores it without a ref naming a key.
        config_map(
            "team-d",
            "artifact-repositories",
            json!({}),
            json!({"v1": "s3:\n  bucket: d\n"}),
        ),
    ]);
    fake.forbid("configmaps", Some("locked"));
}

fn workflow(namespace: &str, reference: Option<Value>) -> Value {
    let mut spec =
        json!({"entrypoint": "main", "templates": [{"name": "main", "container": {"image": "a"}}]});
    if let (Some(reference), Some(map)) = (reference, spec.as_object_mut()) {
        map.insert("artifactRepositoryRef".into(), reference);
    }
    json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
        "metadata": {"generateName": "w-", "namespace": namespace},
        "spec": spec,
    })
}

/// (namespace, ref) cases and the source each must resolve to (`None`: unknown).
fn cases() -> Vec<(&'static str, Option<Value>, Option<&'static str>)> {
    vec![
        (
            "team-a",
            None,
            Some("team-a/artifact-repositories#default-v1"),
        ),
        ("team-b", None, Some("default-artifact-repository")),
        (
            "team-c",
            Some(json!({"configMap": "shared-repos"})),
            Some("argo/shared-repos#main"),
        ),
        ("team-d", None, Some("default-artifact-repository")),
        (
            "team-d",
            Some(json!({"key": "v1"})),
            Some("team-d/artifact-repositories#v1"),
        ),
        ("locked", None, None),
    ]
}

fn resolve_all(context: &dyn ClusterContext) -> Vec<Option<String>> {
    cases()
        .into_iter()
        .map(|(namespace, reference, _)| {
            let reference = reference.as_ref().and_then(RepositoryRef::from_value);
            match resolve(reference.as_ref(), namespace, context).resolution {
                Resolution::Resolved { source, .. } => Some(source.to_string()),
                Resolution::Unknown => None,
                other => Some(format!("unexpected: {other:?}")),
            }
        })
        .collect()
}

fn expected() -> Vec<Option<String>> {
    cases()
        .into_iter()
        .map(|(_, _, source)| source.map(str::to_string))
        .collect()
}

#[tokio::test]
async fn snapshot_and_cache_resolve_like_argo() {
    let fake = FakeKube::start().await;
    populate(&fake);

    let workflows: Vec<Value> = cases()
        .into_iter()
        .map(|(namespace, reference, _)| workflow(namespace, reference))
        .collect();
    let needs = Needs::from_documents(&workflows, "default");
    let snapshot = fetch_snapshot(&client(&fake), &needs, &LiveOptions::default()).await;
    assert_eq!(resolve_all(&snapshot), expected());

    // The cache watches ConfigMaps cluster-wide; the fake forbids one namespace's requests
    // only, so the cluster-wide watch is allowed and `locked` is simply empty there.
    fake.clear_faults();
    let cache = ClusterCache::start(client(&fake), CacheOptions::default());
    within("the caches to sync", cache.wait_until_synced()).await;
    let from_cache = resolve_all(cache.as_ref());
    let mut expected_from_cache = expected();
    if let Some(last) = expected_from_cache.last_mut() {
        *last = Some(RepositorySource::ControllerDefault.to_string());
    }
    assert_eq!(from_cache, expected_from_cache);
}
