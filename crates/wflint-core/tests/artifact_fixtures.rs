//! Fixture tests of the `artifacts` rules: every `tests/fixtures/<code>/*.yaml` whose folder
//! names an `artifacts` rule is linted on its own and its findings are compared with the
//! expectations written in the file.
//!
//! Same conventions as the validator's fixtures (`fail-*.yaml` holds
//! `# expect: <code> @ <line> ["text"]` comments; `pass-*.yaml` must not trigger the folder's
//! code), plus one: the cluster context is the fixture's own non-Argo documents (ConfigMaps,
//! Secrets, `List`s, a `*workflow-controller-configmap`), read with [`FileContext`] as a closed
//! world. A fixture without such documents is linted with no context (every cluster fact
//! unknown), which is how the "no false positive on unknown" fixtures are written. Objects
//! without a namespace are in `default`.
//!
//! Run one folder with `WFLINT_FIXTURE=<code> cargo test -p wflint-core --test artifact_fixtures`.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

use wflint_core::{
    Finding, Input, LintOptions,
    context::{ClusterContext, FileContext, NoContext},
    lint_inputs,
    rules::{self, artifacts::RULES},
};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Expectation {
    code: String,
    line: usize,
    text: Option<String>,
}

fn parse_expectations(text: &str) -> Result<Vec<Expectation>, String> {
    let mut out = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let Some(rest) = line.trim_start().strip_prefix('#') else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix("expect:") else {
            continue;
        };
        let bad = || {
            format!(
                "line {}: cannot read expectation `{}`",
                number + 1,
                line.trim()
            )
        };
        let (code, rest) = rest.split_once('@').ok_or_else(bad)?;
        let rest = rest.trim_start();
        let rest = rest.strip_prefix("line").unwrap_or(rest).trim_start();
        let digits_end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let expected_line: usize = rest[..digits_end].parse().map_err(|_| bad())?;
        let tail = rest[digits_end..].trim();
        let text = if tail.is_empty() {
            None
        } else {
            let inner = tail
                .strip_prefix('"')
                .and_then(|t| t.strip_suffix('"'))
                .ok_or_else(bad)?;
            Some(inner.replace("\\\"", "\""))
        };
        out.push(Expectation {
            code: code.trim().to_string(),
            line: expected_line,
            text,
        });
    }
    Ok(out)
}

fn finding_line(finding: &Finding) -> Option<usize> {
    let file = finding.file.as_ref()?;
    Some(file.lines.line_of(finding.span?.start) + 1)
}

fn describe(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            format!(
                "    {} @ {}: {}",
                f.diagnostic.rule.code,
                finding_line(f).map_or_else(|| "?".to_string(), |l| l.to_string()),
                f.diagnostic.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The fixture's own cluster objects as a closed-world context, or none.
fn context_of(name: &str, bytes: &[u8]) -> Result<Box<dyn ClusterContext>, String> {
    let mut builder = FileContext::builder("default");
    builder
        .add_manifests(name, bytes)
        .map_err(|e| format!("{name}: context: {e}"))?;
    let context = builder.build();
    let (config_maps, secrets, _, _) = context.counts();
    if config_maps + secrets == 0 {
        Ok(Box::new(NoContext))
    } else {
        Ok(Box::new(context))
    }
}

fn check_fixture(code: &str, path: &Path) -> Vec<String> {
    let name = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => return vec![format!("{name}: cannot read: {error}")],
    };
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let expectations = match parse_expectations(&text) {
        Ok(e) => e,
        Err(error) => return vec![format!("{name}: {error}")],
    };
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let is_fail = file_name.starts_with("fail");
    let mut problems = Vec::new();
    if !is_fail && !file_name.starts_with("pass") {
        problems.push(format!(
            "{name}: fixture names start with `fail-` or `pass-`"
        ));
    }
    if is_fail && !expectations.iter().any(|e| e.code == code) {
        problems.push(format!(
            "{name}: a fail fixture needs `# expect: {code} @ <line>`"
        ));
    }
    for e in &expectations {
        if rules::by_code(&e.code).is_none() {
            problems.push(format!(
                "{name}: expectation names unknown rule `{}`",
                e.code
            ));
        }
    }
    let context = match context_of(&name, &bytes) {
        Ok(context) => context,
        Err(error) => return vec![error],
    };
    let report = lint_inputs(
        vec![Input {
            name: name.clone(),
            bytes,
        }],
        context.as_ref(),
        &LintOptions::default(),
    );
    let watched: BTreeSet<&str> = expectations
        .iter()
        .map(|e| e.code.as_str())
        .chain([code])
        .collect();
    let relevant: Vec<Finding> = report
        .findings
        .iter()
        .filter(|f| watched.contains(f.diagnostic.rule.code))
        .cloned()
        .collect();
    let actual: BTreeSet<(String, usize)> = relevant
        .iter()
        .map(|f| {
            (
                f.diagnostic.rule.code.to_string(),
                finding_line(f).unwrap_or(0),
            )
        })
        .collect();
    let expected: BTreeSet<(String, usize)> = expectations
        .iter()
        .map(|e| (e.code.clone(), e.line))
        .collect();
    if actual != expected {
        let missing: Vec<_> = expected.difference(&actual).collect();
        let unexpected: Vec<_> = actual.difference(&expected).collect();
        problems.push(format!(
            "{name}:\n  missing: {missing:?}\n  unexpected: {unexpected:?}\n  findings:\n{}",
            describe(&report.findings)
        ));
    }
    for e in &expectations {
        let Some(text) = &e.text else { continue };
        let found = relevant.iter().any(|f| {
            f.diagnostic.rule.code == e.code
                && finding_line(f) == Some(e.line)
                && (f.diagnostic.message.contains(text.as_str())
                    || f.diagnostic
                        .argo_message
                        .as_deref()
                        .is_some_and(|a| a.contains(text.as_str()))
                    || f.diagnostic
                        .help
                        .as_deref()
                        .is_some_and(|h| h.contains(text.as_str())))
        });
        if !found {
            problems.push(format!(
                "{name}: no {} finding at line {} contains {text:?}\n  findings:\n{}",
                e.code,
                e.line,
                describe(&relevant)
            ));
        }
    }
    problems
}

fn artifact_fixture_files() -> BTreeMap<String, Vec<PathBuf>> {
    let mut out = BTreeMap::new();
    for rule in RULES {
        let folder = fixtures_dir().join(rule.code);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| {
                        matches!(
                            p.extension().and_then(|e| e.to_str()),
                            Some("yaml" | "yml" | "json")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        out.insert(rule.code.to_string(), files);
    }
    out
}

#[test]
fn artifact_fixtures_match_their_expectations() {
    let only = std::env::var("WFLINT_FIXTURE").ok();
    let mut problems = Vec::new();
    let mut checked = 0;
    for (code, files) in artifact_fixture_files() {
        if only.as_deref().is_some_and(|o| o != code) {
            continue;
        }
        for file in files {
            checked += 1;
            problems.extend(check_fixture(&code, &file));
        }
    }
    assert!(
        checked > 0,
        "no artifact fixtures found under {}",
        fixtures_dir().display()
    );
    assert!(
        problems.is_empty(),
        "{} fixture problem(s) in {checked} file(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_artifact_rule_has_fixtures() {
    let mut missing = Vec::new();
    for (code, files) in artifact_fixture_files() {
        let names: Vec<String> = files
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        for kind in ["fail-", "pass-"] {
            if !names.iter().any(|n| n.starts_with(kind)) {
                missing.push(format!("{code}: no {kind}*.yaml"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "rules without fixtures:\n{}",
        missing.join("\n")
    );
}
