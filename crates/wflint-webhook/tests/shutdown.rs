//! Graceful shutdown under load: readiness turns false first, the server keeps answering during
//! the shutdown delay, and every request the server answered reaches its client intact.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic

mod common;

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::Duration,
};

use common::{
    Options, TestCa, artifact_workflow, broken_workflow, client, response_of, review, start,
};
use serde_json::Value;

/// Sum of `wflint_admission_requests_total` over all label sets.
fn answered_by_server(metrics: &str) -> u64 {
    metrics
        .lines()
        .filter(|line| line.starts_with("wflint_admission_requests_total{"))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_during_load_loses_no_answered_request() {
    let ca = TestCa::new("test CA");
    let options = Options {
        shutdown_delay: Duration::from_millis(500),
        ..Options::default()
    };
    let mut server = start(&ca, options).await;
    let url = server.url("/validate");
    let shutting_down = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicUsize::new(0));

    let mut workers = Vec::new();
    for worker in 0..8 {
        // Half on HTTP/2, half on HTTP/1.1, each with its own connection pool.
        let client = client(&[&ca], worker % 2 == 0);
        let (url, shutting_down, answered) = (url.clone(), shutting_down.clone(), answered.clone());
        workers.push(tokio::spawn(async move {
            let mut ok = 0usize;
            for n in 0.. {
                let uid = format!("w{worker}-{n}");
                let object = if n % 3 == 0 {
                    broken_workflow("team")
                } else {
                    artifact_workflow("team")
                };
                match client
                    .post(&url)
                    .json(&review(&uid, "CREATE", &object))
                    .send()
                    .await
                {
                    Ok(response) => {
                        // An answer, once started, arrives whole and right.
                        assert_eq!(response.status(), 200, "{uid}");
                        let body: Value = response.json().await.expect("complete body");
                        assert_eq!(response_of(&body)["uid"], uid.as_str());
                        assert_eq!(response_of(&body)["allowed"], n % 3 != 0);
                        ok += 1;
                        answered.fetch_add(1, Ordering::SeqCst);
                    }
                    Err(error) => {
                        // Refused or closed connections only once shutdown has begun.
                        assert!(
                            shutting_down.load(Ordering::SeqCst),
                            "request failed before shutdown: {error:?}"
                        );
                        return ok;
                    }
                }
            }
            ok
        }));
    }

    while answered.load(Ordering::SeqCst) < 100 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    shutting_down.store(true, Ordering::SeqCst);
    server.trigger_shutdown();

    // Readiness turns false while requests are still answered.
    let probe = client(&[&ca], false);
    let mut saw_not_ready = false;
    for _ in 0..100 {
        match probe.get(server.url("/readyz")).send().await {
            Ok(response) if response.status() == 503 => {
                let readiness: Value = response.json().await.unwrap();
                assert_eq!(readiness["draining"], true);
                saw_not_ready = true;
                break;
            }
            Ok(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            Err(_) => break,
        }
    }
    assert!(saw_not_ready, "readiness never reported draining");

    let state = server.state.clone();
    let join = tokio::spawn(async move { server.shutdown().await });
    let mut received = 0usize;
    for worker in workers {
        received += worker.await.expect("worker panicked");
    }
    join.await.unwrap().expect("clean shutdown");
    assert!(received >= 100);
    let metrics = state.metrics().encode(true, false);
    assert_eq!(
        answered_by_server(&metrics),
        received as u64,
        "the server answered requests that never reached their client:\n{metrics}"
    );
}
