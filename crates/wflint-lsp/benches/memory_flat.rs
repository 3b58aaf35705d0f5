//! Memory over 10,000 edits of a 1,000-line Workflow: each edit is linted and published (no
//! debounce, the client waits for every version), and the resident set size is reported every
//! 1,000 edits. Fails when it grows by more than `ALLOWED_GROWTH_MIB` after the first 1,000 edits
//! (old document versions or lint results kept alive would add megabytes per thousand edits).
//! Run with `cargo bench -p wflint-lsp --bench memory_flat`.
//!
//! glibc gives threads their own malloc arenas, and memory freed on another thread than the one
//! that allocated it (tokio workers, blocking threads, rayon) fragments them: with the default
//! arena count RSS creeps up in steps that say nothing about what the server keeps. The bench
//! therefore re-runs itself with `MALLOC_ARENA_MAX=1` unless the variable is set already (set it
//! yourself, e.g. to 16, to see the default behaviour).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot run should stop

#[path = "../tests/common/mod.rs"]
mod common;

use std::process::ExitCode;

use common::{TestClient, large_workflow, rss_kib};
use serde_json::json;
use wflint_lsp::ServeOptions;

const URI: &str = "file:///bench/big.yaml";
const EDITS: i64 = 10_000;
const ALLOWED_GROWTH_MIB: u64 = 8;

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; a plain `cargo test --benches` run passes nothing and
    // should stay quick.
    if !std::env::args().any(|a| a == "--bench") {
        println!("memory_flat: run with `cargo bench -p wflint-lsp --bench memory_flat`");
        return ExitCode::SUCCESS;
    }
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .args(std::env::args_os().skip(1))
            .env("MALLOC_ARENA_MAX", "1")
            .status()
            .unwrap();
        return if status.success() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    println!(
        "MALLOC_ARENA_MAX={}",
        std::env::var("MALLOC_ARENA_MAX").unwrap_or_default()
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let clean = large_workflow(1_000);
    let faulty = clean.replacen(
        "    note: \"café 😀\"\n",
        "    note: \"café 😀\"\n    note: again\n",
        1,
    );
    let samples = runtime.block_on(async {
        let mut client = TestClient::start(ServeOptions::default());
        client
            .initialize(None, json!({"debounceMs": 0}), None)
            .await;
        client.open(URI, 1, &clean).await;
        client.diagnostics(URI, Some(1)).await;
        let mut samples = Vec::new();
        for version in 2..=EDITS + 1 {
            let text = if version % 2 == 0 { &faulty } else { &clean };
            client.change(URI, version, text).await;
            client.diagnostics(URI, Some(version)).await;
            client.drain_published();
            if (version - 1) % 1_000 == 0 {
                let rss = rss_kib().unwrap_or(0);
                println!("after {:>6} edits: RSS {:>7} KiB", version - 1, rss);
                samples.push(rss);
            }
        }
        client.shutdown().await;
        samples
    });
    let (Some(first), Some(last)) = (samples.first(), samples.last()) else {
        return ExitCode::FAILURE;
    };
    let growth = last.saturating_sub(*first);
    println!(
        "RSS growth from edit 1,000 to edit {EDITS}: {growth} KiB (allowed {} KiB)",
        ALLOWED_GROWTH_MIB * 1024
    );
    if growth > ALLOWED_GROWTH_MIB * 1024 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
