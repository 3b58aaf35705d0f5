//! Fixture tests for the rules: every `tests/fixtures/<code>/*.yaml` is linted on its own (all
//! its documents together, namespace `default`) and its findings are compared with the
//! expectations written in the file. The cluster context is the fixture's own non-Argo
//! documents (ConfigMaps, Secrets, a `*workflow-controller-configmap`) as a closed world, like
//! `--context`; a fixture without such documents is linted with no context (facts unknown).
//!
//! Conventions:
//! * The folder name is a rule code.
//! * `fail-*.yaml` must hold at least one expectation comment
//!   `# expect: <code> @ <line>` (also `@ line <line>`), optionally followed by a quoted text
//!   that the finding's `message` or `argo_message` must contain:
//!   `# expect: image-missing @ 12 "container.image may not be empty"`.
//!   The findings of the folder's code and of every code named in an expectation must be
//!   exactly the expected `(code, line)` pairs; findings of other codes are ignored. The same
//!   finding (code, line and message) must not be reported twice.
//! * `pass-*.yaml` must produce no finding of the folder's code (plus any expectations it
//!   states for other codes, checked as above).
//! * Every rule has at least one `fail-` and one `pass-` fixture.
//!
//! Run one folder with `WFLINT_FIXTURE=<code> cargo test -p wflint-core --test fixtures`.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

use wflint_core::{
    Finding, Input, LintOptions,
    context::{ClusterContext, FileContext, NoContext},
    lint_inputs, rules,
};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// One `# expect:` comment.
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
    let span = finding.span?;
    Some(file.lines.line_of(span.start) + 1)
}

fn describe(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            format!(
                "    {} @ {}: {}{}",
                f.diagnostic.rule.code,
                finding_line(f).map_or_else(|| "?".to_string(), |l| l.to_string()),
                f.diagnostic.message,
                f.diagnostic
                    .argo_message
                    .as_deref()
                    .map(|a| format!(" [argo: {a}]"))
                    .unwrap_or_default()
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

/// Lint one fixture file and return what is wrong with its outcome.
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

    // Syntax fixtures may be unreadable as context on purpose: lint them without one.
    let context = match context_of(&name, &bytes) {
        Ok(context) => context,
        Err(_) if rules::by_code(code).is_some_and(|r| r.group == "syntax") => Box::new(NoContext),
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
    let mut said = BTreeSet::new();
    for f in &relevant {
        let key = (
            f.diagnostic.rule.code,
            finding_line(f),
            f.diagnostic.message.as_str(),
        );
        if !said.insert(key) {
            problems.push(format!(
                "{name}: reported twice: {} @ {:?}: {}",
                key.0, key.1, key.2
            ));
        }
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
                        .is_some_and(|a| a.contains(text.as_str())))
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

/// Fixture files by folder (rule code).
fn fixture_files() -> BTreeMap<String, Vec<PathBuf>> {
    let mut out: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    let Ok(folders) = std::fs::read_dir(fixtures_dir()) else {
        return out;
    };
    for folder in folders.flatten() {
        let path = folder.path();
        if !path.is_dir() {
            continue;
        }
        let code = folder.file_name().to_string_lossy().into_owned();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&path)
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
        out.insert(code, files);
    }
    out
}

#[test]
fn fixtures_match_their_expectations() {
    let only = std::env::var("WFLINT_FIXTURE").ok();
    let mut problems = Vec::new();
    let mut checked = 0;
    for (code, files) in fixture_files() {
        if only.as_deref().is_some_and(|o| o != code) {
            continue;
        }
        if rules::by_code(&code).is_none() {
            problems.push(format!("fixtures/{code}: not a rule code"));
            continue;
        }
        for file in files {
            checked += 1;
            problems.extend(check_fixture(&code, &file));
        }
    }
    assert!(
        problems.is_empty(),
        "{} fixture problem(s) in {checked} file(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_rule_has_fixtures() {
    let files = fixture_files();
    let mut missing = Vec::new();
    for rule in rules::all() {
        let names: Vec<String> = files
            .get(rule.code)
            .map(|f| {
                f.iter()
                    .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        for kind in ["fail-", "pass-"] {
            if !names.iter().any(|n| n.starts_with(kind)) {
                missing.push(format!("{}: no {kind}*.yaml", rule.code));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "rules without fixtures:\n{}",
        missing.join("\n")
    );
}

#[test]
fn expectation_comments_parse() {
    let parsed = parse_expectations(
        "# expect: a-b @ 3\n  # expect: c @ line 12 \"x \\\"y\\\"\"\nkind: Workflow\n",
    )
    .unwrap_or_default();
    assert_eq!(
        parsed,
        vec![
            Expectation {
                code: "a-b".into(),
                line: 3,
                text: None
            },
            Expectation {
                code: "c".into(),
                line: 12,
                text: Some("x \"y\"".into())
            },
        ]
    );
    assert!(parse_expectations("# expect: a-b 3\n").is_err());
}
