//! Agreement with Argo's own validator on Argo's own corpus (`../shared/corpus`), computed in
//! process the way `shared/tools/corpus-check` computes it through the CLI:
//!
//! * every `valid` example (linted together with its `needs`) gives no error;
//! * every `skip` example lints without trouble;
//! * every validator case with `lint_same=yes` (and no workflow defaults) gives an error exactly
//!   when Argo's test expects one, with the case's `templates` given as cluster context;
//! * for invalid cases that assert a text, at least 80% of them have an error whose
//!   `message + "\n" + argo_message` contains Argo's text.
//!
//! Skipped with a message when the corpus folder is absent.

use std::{
    fmt::Write as _,
    path::{Path, PathBuf},
    sync::Arc,
};

use wflint_core::{
    Finding, Input, LintOptions, Severity,
    context::{
        ClusterContext, ConfigMapInfo, ControllerConfig, Lookup, NoContext, SecretKeys,
        TemplateObject,
    },
    engine::{Layered, TemplateIndex},
    lint_inputs,
    rules::RuleSet,
    source::{self, Limits},
};

/// `../shared/corpus` next to the repository (a worktree one level deeper also finds it), or
/// `$WFLINT_CORPUS`.
fn corpus() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let candidates = std::env::var_os("WFLINT_CORPUS")
        .map(PathBuf::from)
        .into_iter()
        .chain([
            root.join("../shared/corpus"),
            root.join("../../shared/corpus"),
        ]);
    for dir in candidates {
        if dir.join("argo-examples/INDEX.tsv").is_file() {
            return Some(dir);
        }
    }
    eprintln!(
        "skipping corpus agreement: ../shared/corpus (Argo's examples and validator cases) is absent"
    );
    None
}

/// Rows of a TSV file with a header, as (column -> value) lookups.
fn tsv(path: &Path) -> Vec<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap_or_default()
        .split('\t')
        .map(str::to_string)
        .collect();
    lines
        .filter(|l| !l.is_empty())
        .map(|line| {
            header
                .iter()
                .cloned()
                .zip(
                    line.split('\t')
                        .map(str::to_string)
                        .chain(std::iter::repeat(String::new())),
                )
                .collect()
        })
        .collect()
}

fn col<'r>(row: &'r [(String, String)], name: &str) -> &'r str {
    row.iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

fn unescape(text: &str) -> String {
    text.replace("\\t", "\t")
        .replace("\\n", "\n")
        .replace("\\r", "\r")
        .replace("\\\\", "\\")
}

fn options() -> LintOptions {
    let mut rules = RuleSet::all();
    assert!(rules.select(["argo"]).is_ok(), "argo is a group");
    LintOptions {
        rules,
        ..LintOptions::default()
    }
}

fn read_inputs(files: &[PathBuf]) -> Vec<Input> {
    files
        .iter()
        .map(|f| Input {
            name: f.display().to_string(),
            bytes: std::fs::read(f).unwrap_or_default(),
        })
        .collect()
}

/// A cluster that knows only the controller's `workflowDefaults`.
struct Defaults(Option<Arc<ControllerConfig>>);

impl ClusterContext for Defaults {
    fn config_map(&self, _: &str, _: &str) -> Lookup<Arc<ConfigMapInfo>> {
        Lookup::Unknown
    }
    fn secret(&self, _: &str, _: &str) -> Lookup<Arc<SecretKeys>> {
        Lookup::Unknown
    }
    fn workflow_template(&self, _: &str, _: &str) -> Lookup<TemplateObject> {
        Lookup::Unknown
    }
    fn cluster_workflow_template(&self, _: &str) -> Lookup<TemplateObject> {
        Lookup::Unknown
    }
    fn controller(&self) -> Lookup<Arc<ControllerConfig>> {
        self.0.clone().map_or(Lookup::Unknown, Lookup::Found)
    }
}

/// Lint `files` with the WorkflowTemplates of `context_files` (and optionally the controller's
/// `workflowDefaults`) as cluster context; the errors.
fn lint_errors(
    files: &[PathBuf],
    context_files: &[PathBuf],
    defaults: Option<&Path>,
    options: &LintOptions,
) -> Vec<Finding> {
    let parsed: Vec<_> = read_inputs(context_files)
        .iter()
        .map(|i| source::parse(&i.name, &i.bytes, &Limits::default()))
        .collect();
    let index = TemplateIndex::from_files(&parsed, &options.default_namespace);
    let workflow_defaults = defaults.and_then(|path| {
        let bytes = std::fs::read(path).ok()?;
        let file = source::parse(&path.display().to_string(), &bytes, &Limits::default());
        file.documents.into_iter().next().map(|d| d.value)
    });
    let inner = Defaults(workflow_defaults.map(|value| {
        Arc::new(ControllerConfig {
            workflow_defaults: Some(value),
            ..ControllerConfig::default()
        })
    }));
    let context = Layered {
        templates: &index,
        inner: if defaults.is_some() {
            &inner
        } else {
            &NoContext
        },
        closed_world: true,
    };
    lint_inputs(read_inputs(files), &context, options)
        .findings
        .into_iter()
        .filter(|f| f.diagnostic.severity == Severity::Error)
        .collect()
}

fn summary(errors: &[Finding]) -> String {
    if errors.is_empty() {
        return "no error reported".to_string();
    }
    errors
        .iter()
        .take(3)
        .map(|e| {
            format!(
                "{}: {}{}",
                e.diagnostic.rule.code,
                e.diagnostic.message,
                e.diagnostic
                    .argo_message
                    .as_deref()
                    .map(|a| format!(" [argo: {a}]"))
                    .unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[derive(Default)]
struct Tally {
    agree: usize,
    total: usize,
}

impl Tally {
    fn add(&mut self, agrees: bool) {
        self.total += 1;
        self.agree += usize::from(agrees);
    }
}

#[test]
fn corpus_agreement_with_argo() {
    let Some(corpus) = corpus() else { return };
    let options = options();
    let examples = corpus.join("argo-examples");
    let cases = corpus.join("argo-validate-cases");
    let mut report = String::new();
    let (mut ex_valid, mut ex_skip) = (Tally::default(), Tally::default());
    for row in tsv(&examples.join("INDEX.tsv")) {
        let mut files = vec![examples.join(col(&row, "path"))];
        files.extend(
            col(&row, "needs")
                .split_whitespace()
                .map(|n| examples.join(n)),
        );
        let errors = lint_errors(&files, &[], None, &options);
        match col(&row, "expect") {
            "valid" => {
                ex_valid.add(errors.is_empty());
                if !errors.is_empty() {
                    let _ = writeln!(
                        report,
                        "examples:valid {}\n    {}",
                        col(&row, "path"),
                        summary(&errors)
                    );
                }
            }
            _ => ex_skip.add(true),
        }
    }

    let (mut valid, mut invalid, mut texts) =
        (Tally::default(), Tally::default(), Tally::default());
    let mut with_defaults = Tally::default();
    for row in tsv(&cases.join("CASES.tsv")) {
        let expect = col(&row, "expect");
        if col(&row, "lint_same") != "yes"
            || !matches!(expect, "valid" | "invalid")
            || !col(&row, "function").starts_with("validate.")
        {
            continue;
        }
        if !matches!(col(&row, "wf_defaults"), "" | "nil") {
            // Not among corpus-check's figures: the controller's workflowDefaults given as
            // context, as Argo's server and controller do.
            let context: Vec<PathBuf> = col(&row, "templates")
                .split_whitespace()
                .map(|t| cases.join(t))
                .collect();
            let defaults = cases.join(col(&row, "wf_defaults"));
            let file = cases.join(col(&row, "file"));
            let errors = lint_errors(&[file], &context, Some(&defaults), &options);
            let agrees = errors.is_empty() == (expect == "valid");
            with_defaults.add(agrees);
            if !agrees {
                let _ = writeln!(
                    report,
                    "defaults:{expect} {} ({})\n    {}",
                    col(&row, "file"),
                    col(&row, "test"),
                    summary(&errors)
                );
            }
            continue;
        }
        let file = col(&row, "file");
        let context: Vec<PathBuf> = col(&row, "templates")
            .split_whitespace()
            .map(|t| cases.join(t))
            .collect();
        let errors = lint_errors(&[cases.join(file)], &context, None, &options);
        let label = format!("{file} ({})", col(&row, "test"));
        if expect == "valid" {
            valid.add(errors.is_empty());
            if !errors.is_empty() {
                let _ = writeln!(report, "cases:valid {label}\n    {}", summary(&errors));
            }
            continue;
        }
        invalid.add(!errors.is_empty());
        let want = unescape(col(&row, "message"));
        if errors.is_empty() {
            let _ = writeln!(
                report,
                "cases:invalid {label}\n    argo says: {want:?} | no error reported"
            );
            continue;
        }
        if matches!(col(&row, "match"), "" | "none") || want.is_empty() {
            continue;
        }
        let parts: Vec<&str> = if col(&row, "match") == "contains-all" {
            want.split(" && ").collect()
        } else {
            vec![want.as_str()]
        };
        let found = errors.iter().any(|e| {
            let text = format!(
                "{}\n{}",
                e.diagnostic.message,
                e.diagnostic.argo_message.as_deref().unwrap_or_default()
            );
            parts.iter().all(|p| text.contains(p))
        });
        texts.add(found);
        if !found {
            let _ = writeln!(
                report,
                "message   {label}\n    argo says: {want:?} | wflint: {}",
                summary(&errors)
            );
        }
    }

    let figures = format!(
        "examples.valid {}/{}, examples.skip {}/{}, cases.valid {}/{}, cases.invalid {}/{}, \
         message_contains_argo_text {}/{}, with workflowDefaults {}/{}",
        ex_valid.agree,
        ex_valid.total,
        ex_skip.agree,
        ex_skip.total,
        valid.agree,
        valid.total,
        invalid.agree,
        invalid.total,
        texts.agree,
        texts.total,
        with_defaults.agree,
        with_defaults.total
    );
    eprintln!("{report}{figures}");
    assert_eq!(
        (ex_valid.agree, ex_valid.total),
        (212, 212),
        "{report}{figures}"
    );
    assert_eq!((ex_skip.agree, ex_skip.total), (6, 6), "{report}{figures}");
    assert_eq!((valid.agree, valid.total), (70, 70), "{report}{figures}");
    assert_eq!(
        (invalid.agree, invalid.total),
        (89, 89),
        "{report}{figures}"
    );
    assert_eq!(
        with_defaults.agree, with_defaults.total,
        "{report}{figures}"
    );
    assert!(
        texts.agree * 5 >= texts.total * 4,
        "message_contains_argo_text below 80%\n{report}{figures}"
    );
}
