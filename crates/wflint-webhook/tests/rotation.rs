//! Certificate rotation while requests are flowing: new handshakes get the new certificate,
//! established connections keep working, a broken rotation is rejected.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic

mod common;

use std::{
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::Duration,
};

use common::{Options, TestCa, artifact_workflow, client, response_of, review, start_with_files};
use serde_json::Value;

/// Lay out `tls.crt`/`tls.key` as a Secret volume does: visible names are symlinks into
/// `..data`, itself a symlink to a timestamped directory.
fn write_secret_volume(dir: &Path, version: &str, ca: &TestCa) {
    let (cert, key) = ca.serving_pair();
    let data = dir.join(version);
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("tls.crt"), cert).unwrap();
    std::fs::write(data.join("tls.key"), key).unwrap();
    // Atomic swap of `..data`, as the kubelet does it.
    let staging = dir.join("..data_tmp");
    std::os::unix::fs::symlink(version, &staging).unwrap();
    std::fs::rename(&staging, dir.join("..data")).unwrap();
    for name in ["tls.crt", "tls.key"] {
        let visible = dir.join(name);
        if std::fs::symlink_metadata(&visible).is_err() {
            std::os::unix::fs::symlink(Path::new("..data").join(name), &visible).unwrap();
        }
    }
}

async fn admit(client: &reqwest::Client, url: &str, uid: &str) -> Result<(), String> {
    let response = client
        .post(url)
        .json(&review(uid, "CREATE", &artifact_workflow("team")))
        .send()
        .await
        .map_err(|e| format!("{e:?}"))?;
    if response.status() != 200 {
        return Err(format!("status {}", response.status()));
    }
    let body: Value = response.json().await.map_err(|e| e.to_string())?;
    if response_of(&body)["uid"] != uid {
        return Err(format!("wrong answer {body}"));
    }
    Ok(())
}

/// Poll until `condition` holds (bounded, so a broken reload fails the test instead of
/// hanging it).
async fn eventually<F, Fut>(what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..300 {
        if condition().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotation_under_load_keeps_connections_and_serves_the_new_certificate() {
    let old_ca = TestCa::new("old CA");
    let new_ca = TestCa::new("new CA");
    let dir = tempfile::tempdir().unwrap();
    write_secret_volume(dir.path(), "..2026_01_01", &old_ca);
    let (cert, key) = (dir.path().join("tls.crt"), dir.path().join("tls.key"));
    let server = start_with_files(dir, cert, key, Options::default()).await;
    let url = server.url("/validate");

    // Load on long-lived connections that only trust the old CA: one HTTP/2 connection with
    // concurrent streams, one HTTP/1.1 keep-alive connection used sequentially.
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicUsize::new(0));
    let mut load = Vec::new();
    for h2 in [true, false] {
        let client = client(&[&old_ca], h2);
        let streams = if h2 { 4 } else { 1 };
        // Open the connection before starting concurrent streams on it.
        admit(&client, &url, "warm-up").await.unwrap();
        for stream in 0..streams {
            let (client, url, stop, answered) =
                (client.clone(), url.clone(), stop.clone(), answered.clone());
            load.push(tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(Ordering::SeqCst) {
                    admit(&client, &url, &format!("{h2}-{stream}-{n}")).await?;
                    answered.fetch_add(1, Ordering::SeqCst);
                    n += 1;
                }
                Ok::<usize, String>(n)
            }));
        }
    }
    eventually("load to flow", || {
        let answered = answered.clone();
        async move { answered.load(Ordering::SeqCst) >= 20 }
    })
    .await;

    write_secret_volume(server.dir.path(), "..2026_02_01", &new_ca);
    eventually("a new handshake to present the new certificate", || {
        let url = url.clone();
        let fresh = client(&[&new_ca], false);
        async move { admit(&fresh, &url, "new").await.is_ok() }
    })
    .await;
    // New handshakes no longer present the old certificate.
    let fresh_old = client(&[&old_ca], false);
    assert!(admit(&fresh_old, &url, "old").await.is_err());

    // The established connections carried on through the rotation.
    let before_stop = answered.load(Ordering::SeqCst);
    eventually("more answers after the rotation", || {
        let answered = answered.clone();
        async move { answered.load(Ordering::SeqCst) >= before_stop + 20 }
    })
    .await;
    stop.store(true, Ordering::SeqCst);
    for task in load {
        let sent = task
            .await
            .unwrap()
            .expect("no request failed during rotation");
        assert!(sent > 0);
    }

    let metrics = server.state.metrics().encode(true, true);
    assert!(
        metrics.contains(r#"wflint_certificate_reloads_total{result="ok"} 1"#),
        "{metrics}"
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_broken_rotation_keeps_the_old_certificate() {
    let ca = TestCa::new("CA");
    let other = TestCa::new("other CA");
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = ca.write_pair(dir.path());
    let server = start_with_files(dir, cert.clone(), key.clone(), Options::default()).await;
    let url = server.url("/validate");

    // A certificate whose key does not match (half-way through a non-atomic update),
    // written atomically so that exactly one change is seen.
    let (other_cert, _) = other.serving_pair();
    let staging = cert.with_extension("new");
    std::fs::write(&staging, other_cert).unwrap();
    std::fs::rename(&staging, &cert).unwrap();
    eventually("the reload to be rejected", || {
        let state = server.state.clone();
        async move {
            state
                .metrics()
                .encode(true, true)
                .contains(r#"wflint_certificate_reloads_total{result="rejected"} 1"#)
        }
    })
    .await;
    admit(&client(&[&ca], false), &url, "still-old")
        .await
        .unwrap();
    assert!(server.state.readiness().ready());
    server.shutdown().await.unwrap();
}
