//! Helpers shared by the end-to-end tests: lint in-process the way `wflint lint` does, run the
//! binary, and compare findings as `(code, line)` pairs.

// Test helpers: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, dead_code)]

use std::path::{Path, PathBuf};

use serde_json::Value;
use wflint_core::{
    Input, LintOptions, Report,
    context::{ClusterContext, FileContext, NoContext},
    lint_inputs,
};

/// The repository root.
pub(crate) fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// One finding as the comparisons see it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Seen {
    pub(crate) code: String,
    pub(crate) line: usize,
    pub(crate) message: String,
}

/// The cluster context `wflint lint` builds from `--context`/`--controller-config`.
pub(crate) fn context(
    context: &[PathBuf],
    controller: Option<&Path>,
    namespace: &str,
) -> Box<dyn ClusterContext> {
    if context.is_empty() && controller.is_none() {
        return Box::new(NoContext);
    }
    Box::new(FileContext::load(context, controller, namespace).expect("the context loads"))
}

/// Lint files in-process like `wflint lint --namespace NS --context ... FILES`.
pub(crate) fn lint_files(
    files: &[PathBuf],
    context_paths: &[PathBuf],
    controller: Option<&Path>,
    namespace: &str,
) -> Report {
    let inputs = files
        .iter()
        .map(|f| Input {
            name: f.display().to_string(),
            bytes: std::fs::read(f).expect("the input is readable"),
        })
        .collect();
    let options = LintOptions {
        default_namespace: namespace.to_string(),
        ..LintOptions::default()
    };
    let context = context(context_paths, controller, namespace);
    lint_inputs(inputs, context.as_ref(), &options)
}

/// The findings of a report as `(code, line, message)`.
pub(crate) fn seen(report: &Report) -> Vec<Seen> {
    let mut out: Vec<Seen> = report
        .findings
        .iter()
        .map(|f| Seen {
            code: f.diagnostic.rule.code.to_string(),
            line: match (&f.file, f.span) {
                (Some(file), Some(span)) => file.lines.line_of(span.start) + 1,
                _ => 0,
            },
            message: f.diagnostic.message.clone(),
        })
        .collect();
    out.sort();
    out
}

/// The findings of `wflint lint --format json` output.
pub(crate) fn seen_json(stdout: &[u8]) -> Vec<Seen> {
    let json: Value = serde_json::from_slice(stdout).expect("JSON output");
    let mut out: Vec<Seen> = json["diagnostics"]
        .as_array()
        .expect("a diagnostics array")
        .iter()
        .map(|d| Seen {
            code: d["code"].as_str().unwrap_or("").to_string(),
            line: d["line"].as_u64().unwrap_or(0) as usize,
            message: d["message"].as_str().unwrap_or("").to_string(),
        })
        .collect();
    out.sort();
    out
}

/// The `wflint` binary, if it was built (`cargo test --workspace` builds it).
pub(crate) fn wflint_binary() -> Option<assert_cmd::Command> {
    assert_cmd::Command::cargo_bin("wflint").ok()
}

/// `code @ line: message` lines for failure output.
pub(crate) fn describe(findings: &[Seen]) -> String {
    findings
        .iter()
        .map(|s| format!("    {} @ {}: {}", s.code, s.line, s.message))
        .collect::<Vec<_>>()
        .join("\n")
}
