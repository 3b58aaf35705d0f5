//! Measures the resident memory of a `ClusterCache` holding many ConfigMaps and Secrets
//! (issue 4's target: under 64 MB with 10,000 cached). The fake API server runs in a child
//! process so its own copies of the objects do not count.
//!
//! `cargo run -p wflint-kube --example cache_memory -- [COUNT]` (COUNT ConfigMaps and COUNT
//! Secrets, default 10000; add `--release` for figures closer to a deployed binary).

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::json;
use wflint_fakekube::FakeKube;
use wflint_kube::{CacheOptions, ClusterCache, client_for_url};

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("serve") {
        let count = args.get(2).and_then(|c| c.parse().ok()).unwrap_or(10_000);
        return serve(count);
    }
    let count: usize = args.get(1).and_then(|c| c.parse().ok()).unwrap_or(10_000);
    measure(count)
}

/// Child process: a fake API server with `count` ConfigMaps and Secrets in 100 namespaces.
fn serve(count: usize) -> Result<(), Error> {
    let fake = FakeKube::start_in_thread();
    fake.apply_all((0..count).flat_map(|i| {
        let namespace = format!("team-{}", i % 100);
        let config_map = json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": format!("app-config-{i}"), "namespace": namespace,
                "labels": {"app": format!("app-{i}")},
                "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "x".repeat(600)}},
            "data": {"settings.yaml": format!("log-level: info\nreplicas: {i}\n{}", "# padding\n".repeat(60)),
                     "feature-flags": "a=true,b=false"},
        });
        let secret = json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": format!("app-secret-{i}"), "namespace": namespace,
                "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "y".repeat(600)}},
            "type": "Opaque",
            "data": {"username": "dXNlcm5hbWU=", "password": "cGFzc3dvcmQtdmFsdWUtbG9uZy1lbm91Z2g=",
                     "tls.crt": "Q0VSVA==".repeat(200)},
        });
        [config_map, secret]
    }));
    println!("{}", fake.url());
    // Serve until the parent closes our stdin.
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
    Ok(())
}

fn rss_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

fn measure(count: usize) -> Result<(), Error> {
    let mut child = Command::new(std::env::current_exe()?)
        .args(["serve", &count.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let stdout = child
        .stdout
        .take()
        .ok_or("no stdout from the server process")?;
    let mut url = String::new();
    BufReader::new(stdout).read_line(&mut url)?;
    let url = url.trim().to_string();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let result = runtime.block_on(async {
        let client = client_for_url(&url)?;
        let before = rss_kib("VmRSS:").unwrap_or(0);
        let started = Instant::now();
        let cache = ClusterCache::start(
            client,
            CacheOptions {
                watch_templates: false,
                ..CacheOptions::default()
            },
        );
        tokio::time::timeout(Duration::from_secs(300), cache.wait_until_synced()).await?;
        let synced_after = started.elapsed();
        tokio::time::sleep(Duration::from_secs(1)).await;
        let after = rss_kib("VmRSS:").unwrap_or(0);
        let peak = rss_kib("VmHWM:").unwrap_or(0);
        println!("objects: {count} ConfigMaps + {count} Secrets, synced in {synced_after:.2?}");
        for stats in cache.stats().iter().filter(|s| s.enabled) {
            println!(
                "  {}: {} objects ({} kept in full)",
                stats.resource, stats.objects, stats.kept_in_full
            );
        }
        println!(
            "resident memory: {:.1} MiB before the cache, {:.1} MiB synced, peak {:.1} MiB",
            before as f64 / 1024.0,
            after as f64 / 1024.0,
            peak as f64 / 1024.0
        );
        Ok::<(), Error>(())
    });
    drop(child.stdin.take());
    let _ = child.wait();
    result
}
