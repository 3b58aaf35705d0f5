//! The artifact rules against a live cluster: each example scenario's `context/` is served by a
//! local fake Kubernetes API (`wflint-fakekube`), and `wflint lint --cluster` must report exactly
//! what `wflint lint --context` reports offline. Forbidden and slow answers make the facts
//! unknown: no false "missing" finding, one note.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use common::{Seen, describe, repo_root, seen_json, wflint_binary};
use serde_json::Value;
use wflint_core::source::{self, Limits};
use wflint_fakekube::FakeKube;

/// The Kubernetes objects of a context folder, `List`s expanded.
fn objects_of(folder: &Path) -> Vec<Value> {
    let mut out = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        let parsed = source::parse(&file.display().to_string(), &bytes, &Limits::default());
        for document in parsed.documents {
            match document.value.get("items").and_then(Value::as_array) {
                Some(items) => out.extend(items.iter().cloned()),
                None if document.value.is_object() => out.push(document.value),
                None => {}
            }
        }
    }
    out
}

struct Cluster {
    fake: FakeKube,
    kubeconfig: tempfile::NamedTempFile,
}

fn serve(context: &Path) -> Cluster {
    let fake = FakeKube::start_in_thread();
    fake.apply_all(objects_of(context));
    let kubeconfig = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(kubeconfig.path(), fake.kubeconfig()).unwrap();
    Cluster { fake, kubeconfig }
}

fn lint(args: &[&str], file: &Path) -> (Vec<Seen>, String, i32) {
    let output = wflint_binary()
        .expect("the wflint binary is built by `cargo test --workspace`")
        .current_dir(repo_root())
        .args(["lint", "--format", "json"])
        .args(args)
        .arg(file)
        .output()
        .unwrap();
    let code = output.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "wflint failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (
        seen_json(&output.stdout),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        code,
    )
}

fn scenarios() -> Vec<(PathBuf, Vec<PathBuf>)> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(repo_root().join("examples"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("context").is_dir())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
                .collect();
            files.sort();
            (dir, files)
        })
        .collect()
}

#[test]
fn live_findings_equal_offline_findings_for_every_example() {
    let mut problems = Vec::new();
    let mut compared = 0;
    for (dir, files) in scenarios() {
        let context = dir.join("context");
        let cluster = serve(&context);
        let kubeconfig = cluster.kubeconfig.path().to_str().unwrap().to_string();
        for file in files {
            let (offline, _, offline_code) = lint(&["--context", context.to_str().unwrap()], &file);
            let (live, notes, live_code) = lint(&["--cluster", "--kubeconfig", &kubeconfig], &file);
            compared += 1;
            if offline != live || offline_code != live_code {
                problems.push(format!(
                    "{}:\n  offline (exit {offline_code}):\n{}\n  live (exit {live_code}):\n{}\n  notes: {notes}",
                    file.display(),
                    describe(&offline),
                    describe(&live)
                ));
            }
        }
        // Only reads, and only what the objects need (never a list of every Secret).
        let requests = cluster.fake.requests();
        assert!(requests.iter().all(|r| r.method == "GET"), "{requests:?}");
    }
    assert!(compared >= 12, "only {compared} examples compared");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn forbidden_secrets_are_unknown_not_missing() {
    let dir = repo_root().join("examples/inputs-git-http-s3");
    let broken = dir.join("broken.yaml");
    let cluster = serve(&dir.join("context"));
    let kubeconfig = cluster.kubeconfig.path().to_str().unwrap().to_string();
    let (before, _, _) = lint(&["--cluster", "--kubeconfig", &kubeconfig], &broken);
    assert!(
        before
            .iter()
            .any(|s| s.code == "artifact-secret-key-missing"),
        "{}",
        describe(&before)
    );

    cluster.fake.forbid("secrets", Some("demo"));
    let (after, notes, _) = lint(&["--cluster", "--kubeconfig", &kubeconfig], &broken);
    assert!(
        !after.iter().any(|s| s.code.starts_with("artifact-secret")),
        "a 403 must not become a missing Secret:\n{}",
        describe(&after)
    );
    assert!(
        notes.contains("secrets") && notes.contains("demo"),
        "one note about the 403: {notes}"
    );
    let about_secrets = notes
        .lines()
        .filter(|l| l.starts_with("note:") && l.contains("secrets"))
        .count();
    assert_eq!(
        about_secrets, 1,
        "one note per resource and namespace, not per Secret: {notes}"
    );
}

#[test]
fn slow_answers_are_unknown_not_missing() {
    let dir = repo_root().join("examples/key-only-artifacts");
    let broken = dir.join("broken.yaml");
    let cluster = serve(&dir.join("context"));
    let kubeconfig = cluster.kubeconfig.path().to_str().unwrap().to_string();
    let (before, _, before_code) = lint(&["--cluster", "--kubeconfig", &kubeconfig], &broken);
    assert_eq!(before_code, 1);
    assert!(
        before
            .iter()
            .any(|s| s.code == "artifact-repository-missing"),
        "{}",
        describe(&before)
    );

    cluster
        .fake
        .delay("configmaps", None, std::time::Duration::from_secs(3));
    let (after, notes, after_code) = lint(
        &[
            "--cluster",
            "--kubeconfig",
            &kubeconfig,
            "--cluster-timeout",
            "300ms",
        ],
        &broken,
    );
    assert!(
        !after
            .iter()
            .any(|s| s.code.starts_with("artifact-repository")),
        "a timeout must not become a missing repository:\n{}",
        describe(&after)
    );
    assert_eq!(after_code, 0, "{}", describe(&after));
    assert!(
        notes.contains("note:"),
        "a note about the slow answer: {notes}"
    );
}
