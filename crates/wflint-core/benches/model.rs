//! Benchmark of the model on Argo's examples: decoding plus the unknown-field walk of every
//! object, and a whole lint run of the 218 files, printed as wall time per pass.
//!
//! Run: `WFLINT_SHARED=/path/to/shared cargo bench -p wflint-core --bench model`
//! (defaults to `../shared` beside the repository; skips when the corpus is absent).

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use wflint_core::{
    context::NoContext,
    engine::{self, Input, LintOptions},
    model::{self, unknown_fields},
    source::{self, Limits},
};

const ROUNDS: u32 = 20;

fn examples_folder() -> Option<PathBuf> {
    let shared = std::env::var_os("WFLINT_SHARED").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
        PathBuf::from,
    );
    let folder = shared.join("corpus/argo-examples");
    folder.is_dir().then_some(folder)
}

fn inputs(folder: &Path, out: &mut Vec<Input>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            inputs(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) && let Ok(bytes) = std::fs::read(&path)
        {
            out.push(Input {
                name: path.display().to_string(),
                bytes,
            });
        }
    }
}

fn best_of(rounds: u32, mut run: impl FnMut()) -> Duration {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let Some(folder) = examples_folder() else {
        eprintln!("skipping: the corpus folder is absent (set WFLINT_SHARED)");
        return;
    };
    let mut files = Vec::new();
    inputs(&folder, &mut files);
    let parsed: Vec<_> = files
        .iter()
        .map(|input| source::parse(&input.name, &input.bytes, &Limits::default()))
        .collect();
    let objects: Vec<_> = parsed
        .iter()
        .flat_map(|file| &file.documents)
        .flat_map(|document| engine::objects_in(&document.value))
        .map(|(kind, value, _)| (kind, value.clone()))
        .collect();

    // Schema generation and tree compilation happen once per process.
    let start = Instant::now();
    let _ = unknown_fields::find(model::ArgoKind::Workflow, &serde_json::json!({}));
    let setup = start.elapsed();

    let decode_and_walk = best_of(ROUNDS, || {
        for (kind, value) in &objects {
            let decoded = model::decode(*kind, value);
            let unknown = unknown_fields::find(*kind, value);
            let _ = std::hint::black_box((decoded, unknown));
        }
    });
    let lint = best_of(ROUNDS, || {
        let report = engine::lint_inputs(files.clone(), &NoContext, &LintOptions::default());
        std::hint::black_box(report);
    });
    println!(
        "{} files, {} objects: one-time schema + tree {:.1} ms; decode + unknown-field walk {:.2} ms; \
         whole lint (parse, decode, all passes) {:.2} ms (best of {ROUNDS})",
        files.len(),
        objects.len(),
        setup.as_secs_f64() * 1e3,
        decode_and_walk.as_secs_f64() * 1e3,
        lint.as_secs_f64() * 1e3,
    );
}
