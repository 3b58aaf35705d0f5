//! Edit → diagnostics latency for a 1,000-line Workflow: the time from sending a full-text
//! `didChange` to receiving the `publishDiagnostics` for that version, through the real
//! JSON-RPC transport (in-memory pipes). Measured with the default debounce and with none (the
//! lint and protocol cost alone).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot run should stop

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{TestClient, large_workflow};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use wflint_lsp::ServeOptions;

const URI: &str = "file:///bench/big.yaml";

fn edit_to_diagnostics(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let clean = large_workflow(1_000);
    assert!(
        clean.lines().count() >= 1_000,
        "{} lines",
        clean.lines().count()
    );
    // Every other edit adds a duplicate key, so each version has different diagnostics.
    let faulty = clean.replacen(
        "    note: \"café 😀\"\n",
        "    note: \"café 😀\"\n    note: again\n",
        1,
    );
    let mut group = c.benchmark_group("edit_to_diagnostics_1000_lines");
    for (label, debounce_ms) in [("default_debounce_20ms", None), ("no_debounce", Some(0))] {
        let mut client = runtime.block_on(async {
            let mut client = TestClient::start(ServeOptions::default());
            let options = match debounce_ms {
                Some(ms) => json!({"debounceMs": ms}),
                None => json!({}),
            };
            client.initialize(None, options, None).await;
            client.open(URI, 1, &clean).await;
            client.diagnostics(URI, Some(1)).await;
            client
        });
        let mut version = 1;
        group.bench_function(label, |b| {
            b.iter_custom(|iterations| {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    version += 1;
                    let text = if version % 2 == 0 { &faulty } else { &clean };
                    total += runtime.block_on(async {
                        let start = Instant::now();
                        client.change(URI, version, text).await;
                        let diagnostics = client.diagnostics(URI, Some(version)).await;
                        let elapsed = start.elapsed();
                        assert_eq!(diagnostics.len(), usize::from(version % 2 == 0));
                        elapsed
                    });
                }
                total
            });
        });
        runtime.block_on(client.shutdown());
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(Duration::from_secs(10));
    targets = edit_to_diagnostics
}
criterion_main!(benches);
