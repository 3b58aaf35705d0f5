//! A hand-built report shared by the renderer snapshot tests, independent of what the rules
//! currently find: an error with Argo's text, help and a related location, a warning, an info
//! on a line with multi-byte characters, and two file-level syntax findings.

use std::sync::Arc;

use wflint_core::{
    Diagnostic, Finding, ObjectRef, Report, declare_rule, diagnostic::SourceFile, path::FieldPath,
    rules, span::Span,
};

declare_rule! {
    /// ## What it does
    /// Reports a step that calls a template the workflow does not define.
    ///
    /// ## Why it matters
    /// Argo rejects the workflow.
    ///
    /// ## Example
    /// `template: mian`
    ///
    /// ## Fix
    /// Name an existing template.
    static TEMPLATE_NOT_FOUND = {
        code: "template-not-found",
        group: "argo",
        severity: Error,
        summary: "a step calls an undefined template",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports `insecure: true` on an S3 location.
    ///
    /// ## Why it matters
    /// Credentials and data travel in clear text.
    ///
    /// ## Example
    /// `insecure: true`
    ///
    /// ## Fix
    /// Use TLS.
    static ARTIFACT_INSECURE = {
        code: "artifact-insecure",
        group: "artifacts",
        severity: Warning,
        summary: "an artifact location disables TLS",
    }
}

declare_rule! {
    /// ## What it does
    /// A sample informational rule.
    ///
    /// ## Why it matters
    /// It shows how infos render.
    ///
    /// ## Example
    /// `description: x`
    ///
    /// ## Fix
    /// Write a longer description.
    static SHORT_DESCRIPTION = {
        code: "short-description",
        group: "argo",
        severity: Info,
        summary: "the description is very short",
    }
}

const WORKFLOW: &str = r#"apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: hello-
  annotations: {note: "café ☕", workflows.argoproj.io/description: x}
spec:
  entrypoint: main
  templates:
    - name: main
      containr:
        image: alpine:3.20
      outputs:
        artifacts:
          - name: result
            path: /tmp/result.txt
            s3:
              bucket: my-bucket
              insecure: true
    - name: extra
      steps:
        - - name: run
            template: mian
"#;

const BROKEN: &str = r#"apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: broken
  name: broken-2
spec:
  entrypoint: [main
"#;

fn span_of(text: &str, needle: &str) -> Span {
    span_at(text, needle, needle.len())
}

/// The first `len` bytes of the first occurrence of `needle`.
fn span_at(text: &str, needle: &str, len: usize) -> Span {
    let start = text.find(needle).expect("needle in sample text");
    Span::new(start, start + len)
}

fn finding(
    diagnostic: Diagnostic,
    file: &Arc<SourceFile>,
    object: Option<&ObjectRef>,
    span: Span,
    related_spans: Vec<Option<Span>>,
) -> Finding {
    Finding {
        diagnostic,
        file: Some(file.clone()),
        object: object.cloned(),
        span: Some(span),
        related_spans,
    }
}

/// The shared sample report.
pub(crate) fn sample_report() -> Report {
    let workflow = Arc::new(SourceFile::new("workflows/hello.yaml", WORKFLOW));
    let broken = Arc::new(SourceFile::new("legacy/broken.yaml", BROKEN));
    let hello = ObjectRef {
        kind: "Workflow".into(),
        name: "hello-".into(),
        namespace: Some("default".into()),
    };
    let findings = vec![
        finding(
            Diagnostic::new(
                &SHORT_DESCRIPTION,
                FieldPath::parse(r#"metadata.annotations["workflows.argoproj.io/description"]"#),
                "the workflow's description is a single character",
            ),
            &workflow,
            Some(&hello),
            span_at(WORKFLOW, "x}", 1),
            Vec::new(),
        ),
        finding(
            Diagnostic::new(
                rules::by_code("unknown-field").expect("unknown-field is a rule"),
                FieldPath::parse("spec.templates[0].containr"),
                "`containr` is not a field of a template",
            )
            .argo("json: unknown field \"containr\"")
            .help("did you mean `container`?")
            .on_key(),
            &workflow,
            Some(&hello),
            span_of(WORKFLOW, "containr"),
            Vec::new(),
        ),
        finding(
            Diagnostic::new(
                &ARTIFACT_INSECURE,
                FieldPath::parse("spec.templates[0].outputs.artifacts[0].s3.insecure"),
                "artifact `result` is stored over plain HTTP, credentials included",
            )
            .help("remove `insecure: true` and give the endpoint a TLS certificate"),
            &workflow,
            Some(&hello),
            span_of(WORKFLOW, "true"),
            Vec::new(),
        ),
        finding(
            Diagnostic::new(
                &TEMPLATE_NOT_FOUND,
                FieldPath::parse("spec.templates[1].steps[0][0].template"),
                "step `run` calls template `mian`, which this workflow does not define",
            )
            .argo("templates.extra.steps[0].run template name 'mian' undefined")
            .help("did you mean `main`?")
            .related(
                FieldPath::parse("spec.templates[0].name"),
                "template `main` is defined here",
            ),
            &workflow,
            Some(&hello),
            span_of(WORKFLOW, "mian"),
            vec![Some(span_at(WORKFLOW, "main\n      containr", 4))],
        ),
        finding(
            Diagnostic::new(
                rules::by_code("duplicate-key").expect("duplicate-key is a rule"),
                FieldPath::root(),
                "key `name` appears twice in this mapping; the last value wins",
            )
            .related(FieldPath::root(), "first defined here"),
            &broken,
            None,
            span_at(BROKEN, "name: broken-2", 4),
            vec![Some(span_at(BROKEN, "name: broken\n", 4))],
        ),
        finding(
            Diagnostic::new(
                rules::by_code("yaml-syntax").expect("yaml-syntax is a rule"),
                FieldPath::root(),
                "did not find expected ',' or ']' while parsing a flow sequence",
            ),
            &broken,
            None,
            Span::point(BROKEN.len()),
            Vec::new(),
        ),
    ];
    Report {
        files: vec![workflow, broken],
        findings,
        objects: 1,
        notes: Vec::new(),
    }
}
