//! The webhook's watch caches against the fake API server: readiness only once synced,
//! updates and deletes, recovery from broken watches and `410 Gone`, reduced storage.

mod common;

use std::{collections::BTreeSet, sync::Arc};

use common::*;
use serde_json::json;
use wflint_core::context::{ClusterContext, Lookup};
use wflint_fakekube::FakeKube;
use wflint_kube::{CacheOptions, CachedResource, ClusterCache};

fn populate(fake: &FakeKube) {
    fake.apply_all([
        repository_config_map("team-a", "repo-cred"),
        secret("team-a", "repo-cred", &["accesskey", "secretkey"]),
        controller_config_map("argo", "ctrl-cred"),
        config_map(
            "team-a",
            "app-settings",
            json!({}),
            json!({"log-level": "debug", "big": "x".repeat(1000)}),
        ),
        config_map(
            "team-b",
            "custom-repos",
            json!({}),
            json!({"main": "s3:\n  bucket: b\n"}),
        ),
        workflow_template(
            "team-a",
            "lib",
            json!({"templates": [{"name": "t", "container": {"image": "alpine"}}]}),
        ),
        cluster_workflow_template(
            "global",
            json!({"templates": [{"name": "g", "container": {"image": "alpine"}}]}),
        ),
    ]);
}

fn options() -> CacheOptions {
    CacheOptions {
        // Small pages so the initial lists really page.
        page_size: 2,
        ..CacheOptions::default()
    }
}

async fn synced_cache(fake: &FakeKube) -> Arc<ClusterCache> {
    let cache = ClusterCache::start(client(fake), options());
    within("the caches to sync", cache.wait_until_synced()).await;
    cache
}

fn stats_of(cache: &ClusterCache, resource: CachedResource) -> wflint_kube::CacheStats {
    cache
        .stats()
        .into_iter()
        .find(|s| s.resource == resource)
        .unwrap_or_else(|| panic!("no stats for {resource}"))
}

#[tokio::test]
async fn lookups_are_unknown_until_the_cache_synced() {
    let fake = FakeKube::start().await;
    populate(&fake);
    fake.forbid("secrets", None);

    let cache = ClusterCache::start(client(&fake), options());
    within(
        "configmaps and templates to sync",
        cache.wait_for(|c| {
            c.is_synced(CachedResource::ConfigMaps)
                && c.is_synced(CachedResource::WorkflowTemplates)
                && c.is_synced(CachedResource::ClusterWorkflowTemplates)
                && stats_of(c, CachedResource::Secrets).watch_errors > 0
        }),
    )
    .await;

    // Secrets are forbidden: not synced, so not ready, and secret lookups are unknown.
    assert!(!cache.synced());
    assert!(!cache.is_synced(CachedResource::Secrets));
    assert!(matches!(
        cache.secret("team-a", "repo-cred"),
        Lookup::Unknown
    ));
    assert!(matches!(cache.secret("team-a", "nope"), Lookup::Unknown));
    let secrets = stats_of(&cache, CachedResource::Secrets);
    assert!(
        secrets
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("403")),
        "{secrets:?}"
    );
    let notes = cache.notes();
    assert_eq!(notes.len(), 1, "{notes:#?}");
    assert!(notes[0].contains("secrets") && notes[0].contains("403"));

    // The synced caches answer found and missing.
    assert!(matches!(
        cache.config_map("team-a", "artifact-repositories"),
        Lookup::Found(_)
    ));
    assert!(
        cache
            .config_map("team-b", "artifact-repositories")
            .is_missing()
    );
    assert!(matches!(
        cache.workflow_template("team-a", "lib"),
        Lookup::Found(_)
    ));
    assert!(cache.workflow_template("team-b", "lib").is_missing());
    assert!(matches!(
        cache.cluster_workflow_template("global"),
        Lookup::Found(_)
    ));

    // Once the API allows it, the secrets cache syncs (after kube's backoff) and all is ready.
    fake.clear_faults();
    within("all caches to sync", cache.wait_until_synced()).await;
    assert!(cache.synced());
    assert!(cache.notes().is_empty());
    let keys = cache.secret("team-a", "repo-cred").map(|s| s.keys.clone());
    assert_eq!(
        keys,
        Lookup::Found(BTreeSet::from([
            "accesskey".to_string(),
            "secretkey".to_string(),
            "token".to_string()
        ]))
    );
    assert!(cache.secret("team-a", "nope").is_missing());
}

#[tokio::test]
async fn config_maps_are_kept_in_full_only_when_they_matter() {
    let fake = FakeKube::start().await;
    populate(&fake);
    let cache = synced_cache(&fake).await;

    let Lookup::Found(repositories) = cache.config_map("team-a", "artifact-repositories") else {
        panic!("repository ConfigMap not found");
    };
    assert!(repositories.data["default-v1"].contains("repo-cred"));
    let Lookup::Found(custom) = cache.config_map("team-b", "custom-repos") else {
        panic!("ConfigMap holding a repository definition not found");
    };
    assert_eq!(custom.data["main"], "s3:\n  bucket: b\n");
    // Unrelated: present with its keys and small values; long values dropped.
    let Lookup::Found(settings) = cache.config_map("team-a", "app-settings") else {
        panic!("unrelated ConfigMap not found");
    };
    assert_eq!(
        settings.data.keys().collect::<Vec<_>>(),
        ["big", "log-level"]
    );
    assert_eq!(settings.data["log-level"], "debug");
    assert_eq!(settings.data["big"], "");

    let stats = stats_of(&cache, CachedResource::ConfigMaps);
    assert_eq!((stats.objects, stats.kept_in_full), (4, 3));
    // Four ConfigMaps in pages of two.
    assert_eq!(fake.count_requests(|r| r.is_list_of("configmaps")), 2);

    let Lookup::Found(controller) = cache.controller() else {
        panic!("controller configuration not found");
    };
    assert_eq!(controller.namespace, "argo");
    assert!(controller.artifact_repository.is_some());
}

#[tokio::test]
async fn updates_and_deletes_are_seen() {
    let fake = FakeKube::start().await;
    populate(&fake);
    let cache = synced_cache(&fake).await;

    fake.apply(secret("team-b", "new-cred", &["k"]));
    fake.apply(config_map(
        "team-b",
        "artifact-repositories",
        json!({"workflows.argoproj.io/default-artifact-repository": "main"}),
        json!({"main": "gcs:\n  bucket: g\n"}),
    ));
    fake.delete("workflowtemplates", Some("team-a"), "lib");
    fake.delete("configmaps", Some("argo"), "workflow-controller-configmap");

    within(
        "the changes to reach the cache",
        cache.wait_for(|c| {
            matches!(c.secret("team-b", "new-cred"), Lookup::Found(_))
                && matches!(
                    c.config_map("team-b", "artifact-repositories"),
                    Lookup::Found(_)
                )
                && c.workflow_template("team-a", "lib").is_missing()
                && c.controller().is_missing()
        }),
    )
    .await;

    // An update replaces the previous state of the object.
    fake.apply(secret("team-b", "new-cred", &["other"]));
    within(
        "the update to reach the cache",
        cache.wait_for(|c| {
            c.secret("team-b", "new-cred")
                .found()
                .is_some_and(|s| s.keys.contains("other") && !s.keys.contains("k"))
        }),
    )
    .await;
    assert_eq!(stats_of(&cache, CachedResource::Secrets).relists, 0);
}

#[tokio::test]
async fn a_broken_watch_resumes_without_relisting() {
    let fake = FakeKube::start().await;
    populate(&fake);
    let cache = synced_cache(&fake).await;
    let watches_before = fake.count_requests(|r| r.is_watch_of("secrets"));
    assert_eq!(watches_before, 1);

    fake.break_watches();
    fake.apply(secret("team-a", "after-break", &["k"]));

    within(
        "the cache to see an object created after the break",
        cache.wait_for(|c| matches!(c.secret("team-a", "after-break"), Lookup::Found(_))),
    )
    .await;
    assert!(fake.count_requests(|r| r.is_watch_of("secrets")) > watches_before);
    assert_eq!(fake.count_requests(|r| r.is_list_of("secrets")), 1);
    let stats = stats_of(&cache, CachedResource::Secrets);
    assert_eq!(stats.relists, 0, "{stats:?}");
    assert!(cache.synced());
}

#[tokio::test]
async fn gone_forces_a_relist_that_drops_objects_deleted_meanwhile() {
    let fake = FakeKube::start().await;
    populate(&fake);
    let cache = synced_cache(&fake).await;
    assert!(matches!(
        cache.secret("team-a", "repo-cred"),
        Lookup::Found(_)
    ));
    let lists_before = fake.count_requests(|r| r.is_list_of("secrets"));

    // The deletion's event is lost to compaction; only a fresh list can reveal it.
    fake.delete_without_event("secrets", Some("team-a"), "repo-cred");
    fake.compact();

    within(
        "the cache to relist after 410 Gone",
        cache.wait_for(|c| c.secret("team-a", "repo-cred").is_missing()),
    )
    .await;
    assert!(fake.count_requests(|r| r.is_list_of("secrets")) > lists_before);
    let stats = stats_of(&cache, CachedResource::Secrets);
    assert_eq!(stats.relists, 1, "{stats:?}");
    assert!(stats.watch_errors >= 1, "{stats:?}");
    assert!(cache.synced());
    // Still current afterwards.
    fake.apply(secret("team-a", "later", &["k"]));
    within(
        "events after the relist",
        cache.wait_for(|c| matches!(c.secret("team-a", "later"), Lookup::Found(_))),
    )
    .await;
}

#[tokio::test]
async fn disabled_caches_answer_unknown_and_do_not_block_readiness() {
    let fake = FakeKube::start().await;
    populate(&fake);
    let options = CacheOptions {
        watch_secrets: false,
        watch_templates: false,
        ..options()
    };
    let cache = ClusterCache::start(client(&fake), options);
    within("the caches to sync", cache.wait_until_synced()).await;

    assert!(cache.synced());
    assert!(matches!(
        cache.secret("team-a", "repo-cred"),
        Lookup::Unknown
    ));
    assert!(matches!(
        cache.workflow_template("team-a", "lib"),
        Lookup::Unknown
    ));
    assert!(matches!(
        cache.cluster_workflow_template("global"),
        Lookup::Unknown
    ));
    assert_eq!(fake.count_requests(|r| r.path.contains("secrets")), 0);
    assert_eq!(fake.count_requests(|r| r.path.contains("argoproj.io")), 0);
}

#[tokio::test]
async fn secret_values_never_reach_the_cache_or_the_logs() {
    let logs = CapturedLogs::default();
    let _guard = logs.install();
    let fake = FakeKube::start().await;
    populate(&fake);
    let cache = synced_cache(&fake).await;
    fake.apply(secret("team-a", "rotated", &["password"]));
    within(
        "the new secret",
        cache.wait_for(|c| matches!(c.secret("team-a", "rotated"), Lookup::Found(_))),
    )
    .await;
    fake.break_watches();
    fake.apply(secret("team-a", "rotated-again", &["password"]));
    within(
        "the secret after a broken watch",
        cache.wait_for(|c| matches!(c.secret("team-a", "rotated-again"), Lookup::Found(_))),
    )
    .await;

    let secret = cache.secret("team-a", "rotated");
    assert_no_secret_value(&format!("{secret:?}"), "a secret lookup");
    assert_no_secret_value(&format!("{cache:?}"), "the cache's Debug output");
    let text = logs.text();
    assert!(!text.is_empty(), "the log capture caught nothing");
    assert_no_secret_value(&text, "the logs");
}
