//! The artifact rules on Argo's own examples (`../shared/corpus/argo-examples`): they never
//! panic, with no context (every cluster fact unknown: no finding may claim that something is
//! missing) and with an empty closed-world context (nothing exists: the repository rules fire).
//!
//! The corpus is looked for at `$WFLINT_SHARED/corpus` or `<repo>/../shared/corpus`; the tests
//! skip with a message when it is absent.

use std::path::{Path, PathBuf};

use wflint_core::{
    Input, LintOptions, Report,
    context::{ClusterContext, FileContext, NoContext},
    lint_inputs,
    rules::RuleSet,
};

fn corpus_examples() -> Option<PathBuf> {
    let shared = std::env::var_os("WFLINT_SHARED").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
        PathBuf::from,
    );
    let dir = shared.join("corpus/argo-examples");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: {} is absent (set WFLINT_SHARED)", dir.display());
        None
    }
}

fn manifest_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for path in entries.flatten().map(|e| e.path()) {
        if path.is_dir() {
            manifest_files(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            out.push(path);
        }
    }
}

fn inputs(dir: &Path) -> Vec<Input> {
    let mut files = Vec::new();
    manifest_files(dir, &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|path| {
            Some(Input {
                name: path.display().to_string(),
                bytes: std::fs::read(&path).ok()?,
            })
        })
        .collect()
}

fn lint_artifacts(dir: &Path, context: &dyn ClusterContext) -> Report {
    let mut rules = RuleSet::all();
    if rules.select(["artifacts"]).is_err() {
        panic!("the artifacts group exists");
    }
    let options = LintOptions {
        rules,
        ..LintOptions::default()
    };
    lint_inputs(inputs(dir), context, &options)
}

/// Codes whose findings claim a cluster fact.
const CONTEXT_CODES: [&str; 5] = [
    "artifact-repository-missing",
    "artifact-repository-ref-not-found",
    "artifact-repository-unannotated",
    "artifact-secret-missing",
    "artifact-secret-key-missing",
];

#[test]
fn unknown_context_claims_nothing_missing() {
    let Some(dir) = corpus_examples() else { return };
    let report = lint_artifacts(&dir, &NoContext);
    assert!(
        report.objects > 200,
        "only {} objects linted",
        report.objects
    );
    let claims: Vec<String> = report
        .findings
        .iter()
        .filter(|f| CONTEXT_CODES.contains(&f.diagnostic.rule.code))
        .map(|f| format!("{}: {}", f.diagnostic.rule.code, f.diagnostic.message))
        .collect();
    assert!(
        claims.is_empty(),
        "claims without context:\n{}",
        claims.join("\n")
    );
}

#[test]
fn an_empty_cluster_makes_the_repository_rules_fire_without_panicking() {
    let Some(dir) = corpus_examples() else { return };
    let mut builder = FileContext::builder("argo");
    let controller = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: workflow-controller-configmap, namespace: argo}\ndata: {}\n";
    if let Err(error) = builder.add_manifests("controller.yaml", controller) {
        panic!("context: {error}");
    }
    let context = builder.build();
    let report = lint_artifacts(&dir, &context);
    let count = |code: &str| {
        report
            .findings
            .iter()
            .filter(|f| f.diagnostic.rule.code == code)
            .count()
    };
    // Many examples store outputs (artifact-passing.yaml among them) and nothing is configured.
    assert!(
        count("artifact-repository-missing") > 10,
        "{}",
        count("artifact-repository-missing")
    );
    // Every finding is placed in its file.
    assert!(report.findings.iter().all(|f| f.span.is_some()));
}
