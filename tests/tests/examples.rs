//! Lints every scenario under `examples/` against its own `context/`, in-process and through
//! the binary: working manifests must be completely clean, broken twins must report exactly the
//! expected `artifacts` findings (code and line) plus the listed codes of other groups.
//!
//! Codes of other groups (the `argo` validator) are checked once their rules exist; until then
//! the test says which expectations it could not check yet.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::{collections::BTreeSet, path::PathBuf};

use common::{Seen, describe, lint_files, repo_root, seen, seen_json, wflint_binary};

/// `(file, code, line)`; line 0 means "anywhere in the file" (other groups' codes, whose exact
/// position their own fixtures check).
const EXPECTED: &[(&str, &str, usize)] = &[
    ("archive/broken.yaml", "artifact-archive-level", 23),
    ("archive/broken.yaml", "artifact-archive-conflict", 26),
    ("archive/broken.yaml", "artifact-key-extension", 32),
    ("artifact-gc/broken.yaml", "artifact-gc-shared-key", 25),
    (
        "artifact-gc/broken.yaml",
        "artifact-gc-strategy-invalid",
        31,
    ),
    (
        "artifact-gc/broken.yaml",
        "artifact-gc-unsupported-driver",
        32,
    ),
    ("artifact-passing/broken.yaml", "artifact-ref-sibling", 21),
    ("artifact-passing/broken.yaml", "unresolved-variable", 0),
    ("inputs-git-http-s3/broken.yaml", "artifact-insecure", 22),
    (
        "inputs-git-http-s3/broken.yaml",
        "artifact-secret-key-missing",
        35,
    ),
    (
        "inputs-git-http-s3/broken.yaml",
        "artifact-location-invalid",
        0,
    ),
    (
        "key-only-artifacts/broken.yaml",
        "artifact-repository-missing",
        27,
    ),
    (
        "key-only-artifacts/broken.yaml",
        "artifact-repository-unannotated",
        27,
    ),
    (
        "key-only-artifacts/broken.yaml",
        "artifact-repository-missing",
        37,
    ),
    (
        "repository-precedence/broken-ref.yaml",
        "artifact-repository-ref-not-found",
        13,
    ),
    (
        "repository-precedence/broken-secret.yaml",
        "artifact-secret-missing",
        19,
    ),
];

/// Every example manifest, as `(path relative to examples/, absolute path, context folder)`.
fn example_files() -> Vec<(String, PathBuf, PathBuf)> {
    let root = repo_root().join("examples");
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("examples/ exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        files.sort();
        for file in files {
            let relative = file.strip_prefix(&root).unwrap().display().to_string();
            out.push((relative, file, dir.join("context")));
        }
    }
    out
}

fn is_broken(relative: &str) -> bool {
    relative
        .rsplit('/')
        .next()
        .is_some_and(|name| name.starts_with("broken"))
}

/// What is wrong with the findings of one example.
fn check(relative: &str, actual: &[Seen], unchecked: &mut BTreeSet<String>) -> Option<String> {
    let expected: Vec<(&str, usize)> = EXPECTED
        .iter()
        .filter(|(file, _, _)| *file == relative)
        .map(|(_, code, line)| (*code, *line))
        .collect();
    if !is_broken(relative) {
        return (!actual.is_empty()).then(|| {
            format!(
                "{relative}: a working example must be clean\n{}",
                describe(actual)
            )
        });
    }
    let mut problems = Vec::new();
    for (code, line) in &expected {
        if wflint_core::rules::by_code(code).is_none() {
            unchecked.insert(format!("{relative}: {code} (no such rule yet)"));
            continue;
        }
        if !actual
            .iter()
            .any(|s| s.code == *code && (*line == 0 || s.line == *line))
        {
            problems.push(format!("missing {code} @ {line}"));
        }
    }
    for s in actual
        .iter()
        .filter(|s| wflint_core::rules::by_code(&s.code).is_some_and(|r| r.group == "artifacts"))
    {
        let listed = expected
            .iter()
            .any(|(code, line)| *code == s.code && (*line == 0 || *line == s.line));
        if !listed {
            problems.push(format!("unexpected {} @ {}", s.code, s.line));
        }
    }
    (!problems.is_empty())
        .then(|| format!("{relative}: {}\n{}", problems.join(", "), describe(actual)))
}

#[test]
fn examples_lint_as_documented() {
    let mut problems = Vec::new();
    let mut unchecked = BTreeSet::new();
    let files = example_files();
    assert!(files.len() >= 12, "only {} example files", files.len());
    assert!(
        files.iter().all(|(relative, _, _)| is_broken(relative)
            || !EXPECTED.iter().any(|(f, _, _)| f == relative)),
        "expectations for a working example"
    );
    for (relative, file, context) in &files {
        let report = lint_files(
            std::slice::from_ref(file),
            std::slice::from_ref(context),
            None,
            "default",
        );
        problems.extend(check(relative, &seen(&report), &mut unchecked));
    }
    for (file, _, _) in EXPECTED {
        assert!(
            files.iter().any(|(relative, _, _)| relative == file),
            "EXPECTED names {file}, which does not exist"
        );
    }
    if !unchecked.is_empty() {
        eprintln!(
            "note: not checked yet:\n  {}",
            unchecked.into_iter().collect::<Vec<_>>().join("\n  ")
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn examples_through_the_cli() {
    assert!(
        wflint_binary().is_some(),
        "the wflint binary is not built: run `cargo test --workspace`"
    );
    let mut problems = Vec::new();
    let mut unchecked = BTreeSet::new();
    for (relative, file, context) in example_files() {
        let output = wflint_binary()
            .expect("built")
            .current_dir(repo_root())
            .args(["lint", "--format", "json", "--context"])
            .arg(&context)
            .arg(&file)
            .output()
            .expect("wflint runs");
        let actual = seen_json(&output.stdout);
        problems.extend(check(&relative, &actual, &mut unchecked));
        let expected_exit = i32::from(is_broken(&relative));
        if output.status.code() != Some(expected_exit) {
            problems.push(format!(
                "{relative}: exit code {:?}, expected {expected_exit}",
                output.status.code()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
