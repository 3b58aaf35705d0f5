//! One lint of one editor document, run on a blocking thread: the core engine's findings turned
//! into LSP diagnostics, each with its quick fix and "ignore" edit ready for code actions.

use std::{collections::HashSet, sync::Arc};

use tower_lsp_server::ls_types::{
    CodeDescription, Diagnostic as LspDiagnostic, DiagnosticRelatedInformation, DiagnosticSeverity,
    Location, NumberOrString, Position, Range, TextEdit, Uri,
};
use wflint_core::{
    Finding, Severity,
    engine::{TemplateIndex, lint_parsed, objects_in},
    model::ArgoKind,
    rules::Rule,
    source::{self, ParsedFile},
};

use crate::{
    encoding::{PositionEncoding, PositionMap},
    fixes::{ByteEdit, ignore_edit, resolve_fix},
    settings::LintSetup,
    workspace::{EditorContext, WorkspaceTemplates},
};

/// The `source` of every diagnostic wflint publishes.
pub const SOURCE: &str = "wflint";

/// Everything one lint needs, owned so it can move to a blocking thread.
pub(crate) struct LintJob {
    pub(crate) uri: Uri,
    /// The file name the engine reports (the path for `file:` URIs).
    pub(crate) name: String,
    pub(crate) text: Arc<str>,
    pub(crate) encoding: PositionEncoding,
    pub(crate) setup: Arc<LintSetup>,
    /// Template indexes of the other open documents.
    pub(crate) open: Vec<Arc<TemplateIndex>>,
    pub(crate) workspace: Option<Arc<WorkspaceTemplates>>,
    /// File names of all open documents (their workspace copies are shadowed).
    pub(crate) open_files: HashSet<String>,
}

/// A published diagnostic and the edits its code actions apply.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub(crate) diagnostic: LspDiagnostic,
    pub(crate) rule: &'static Rule,
    pub(crate) fix: Option<QuickFix>,
    pub(crate) ignore: Option<TextEdit>,
}

/// A rule's fix as LSP text edits.
#[derive(Debug, Clone)]
pub(crate) struct QuickFix {
    pub(crate) title: String,
    pub(crate) edits: Vec<TextEdit>,
}

/// The result of linting one document version.
pub(crate) struct LintOutcome {
    pub(crate) items: Vec<Item>,
    /// The templates this document defines, for the lints of the other open documents.
    pub(crate) templates: Option<Arc<TemplateIndex>>,
}

/// Lint the job's document.
pub(crate) fn lint(job: &LintJob) -> LintOutcome {
    let setup_options = &job.setup.options;
    let file = source::parse(&job.name, job.text.as_bytes(), &setup_options.limits);
    let files = std::slice::from_ref(&file);
    let context = EditorContext {
        open: &job.open,
        workspace: job.workspace.as_deref().map(|w| &w.index),
        open_files: &job.open_files,
        inner: job.setup.context.as_ref(),
    };
    // Without the workspace's templates, a templateRef to another file is unknown, not missing.
    let closed_world = setup_options.templates_closed_world && job.workspace.is_some();
    let report = if closed_world == setup_options.templates_closed_world {
        lint_parsed(files, &context, setup_options)
    } else {
        let mut options = setup_options.clone();
        options.templates_closed_world = closed_world;
        lint_parsed(files, &context, &options)
    };
    let templates = defines_templates(&file).then(|| {
        Arc::new(TemplateIndex::from_files(
            files,
            &setup_options.default_namespace,
        ))
    });
    let items = if is_argo_file(&file) {
        let map = PositionMap::new(&file.source.text, &file.source.lines, job.encoding);
        report
            .findings
            .iter()
            .filter(|finding| in_argo_document(finding, &file))
            .map(|finding| to_item(finding, &file, &map, &job.uri))
            .collect()
    } else {
        Vec::new()
    };
    LintOutcome { items, templates }
}

fn defines_templates(file: &ParsedFile) -> bool {
    file.documents.iter().any(|document| {
        objects_in(&document.value).iter().any(|(kind, _, _)| {
            matches!(
                kind,
                ArgoKind::WorkflowTemplate | ArgoKind::ClusterWorkflowTemplate
            )
        })
    })
}

/// Whether the file holds an Argo manifest: a parsed Argo object, or (while a syntax error keeps
/// the document from parsing) an `apiVersion: argoproj.io/...` line.
fn is_argo_file(file: &ParsedFile) -> bool {
    let parsed_argo = file
        .documents
        .iter()
        .any(|document| !objects_in(&document.value).is_empty());
    parsed_argo
        || file.source.text.lines().any(|line| {
            let line = line.trim_start().trim_start_matches("- ");
            line.strip_prefix("apiVersion:").is_some_and(|rest| {
                rest.trim()
                    .trim_matches(['"', '\''])
                    .starts_with("argoproj.io/")
            })
        })
}

/// Findings inside a parsed document that is a Kubernetes object of another kind (a ConfigMap
/// next to a Workflow) are not ours to show.
fn in_argo_document(finding: &Finding, file: &ParsedFile) -> bool {
    if finding.object.is_some() {
        return true;
    }
    let Some(span) = finding.span else {
        return true;
    };
    file.documents
        .iter()
        .find(|d| d.span.start <= span.start && span.end <= d.span.end)
        .is_none_or(|document| {
            !document.value.is_object() || !objects_in(&document.value).is_empty()
        })
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

fn to_item(finding: &Finding, file: &ParsedFile, map: &PositionMap<'_>, uri: &Uri) -> Item {
    let diagnostic = &finding.diagnostic;
    let rule = diagnostic.rule;
    let range = finding.span.map_or_else(
        || Range::new(Position::new(0, 0), Position::new(0, 0)),
        |span| map.range(span),
    );
    let related: Vec<DiagnosticRelatedInformation> = diagnostic
        .related
        .iter()
        .zip(&finding.related_spans)
        .filter_map(|(related, span)| {
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri.clone(), map.range((*span)?)),
                message: related.message.clone(),
            })
        })
        .collect();
    let message = match &diagnostic.help {
        Some(help) => format!("{}\nhelp: {help}", diagnostic.message),
        None => diagnostic.message.clone(),
    };
    let to_text_edits = |edits: Vec<ByteEdit>| {
        edits
            .into_iter()
            .map(|edit| TextEdit::new(map.range(edit.span), edit.new_text))
            .collect()
    };
    let fix = diagnostic.fix.as_ref().and_then(|fix| {
        Some(QuickFix {
            title: fix.title.clone(),
            edits: to_text_edits(resolve_fix(fix, finding, file)?),
        })
    });
    let ignore = finding.span.map(|span| {
        let edit = ignore_edit(rule.code, span.start, file);
        TextEdit::new(map.range(edit.span), edit.new_text)
    });
    Item {
        diagnostic: LspDiagnostic {
            range,
            severity: Some(severity(diagnostic.severity)),
            code: Some(NumberOrString::String(rule.code.to_string())),
            code_description: rule
                .url()
                .parse::<Uri>()
                .ok()
                .map(|href| CodeDescription { href }),
            source: Some(SOURCE.to_string()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: None,
        },
        rule,
        fix,
        ignore,
    }
}

#[cfg(test)]
mod tests {
    use wflint_core::{
        Diagnostic,
        diagnostic::{Edit, Fix, Target},
        path,
        rules::argo::UNKNOWN_FIELD,
        source::Limits,
    };

    use super::*;

    const TEXT: &str = "\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: x
base: &base {note: \"é\"}
spec:
  templates:
    - {name: \"café 😀\", containr: {image: 'alpine:3'}}
    - <<: *base
      nme: y
";

    /// A synthetic finding at `path` (placed like the engine places it) carrying `edit`.
    fn finding(
        file: &ParsedFile,
        path: wflint_core::FieldPath,
        target: Target,
        edit: Edit,
    ) -> Finding {
        let mut diagnostic = Diagnostic::new(&UNKNOWN_FIELD, path.clone(), "synthetic").fix(Fix {
            title: "Apply".into(),
            edits: vec![edit],
        });
        diagnostic.target = target;
        Finding {
            span: file.documents[0].locate(&path, target),
            diagnostic,
            file: Some(file.source.clone()),
            object: None,
            related_spans: Vec::new(),
        }
    }

    fn item(edit: Edit, path: wflint_core::FieldPath, target: Target) -> Item {
        let file = source::parse("t.yaml", TEXT.as_bytes(), &Limits::default());
        let uri: Uri = "file:///t.yaml".parse().unwrap();
        let map = PositionMap::new(
            &file.source.text,
            &file.source.lines,
            PositionEncoding::Utf16,
        );
        let finding = finding(&file, path, target, edit);
        to_item(&finding, &file, &map, &uri)
    }

    #[test]
    fn rename_key_becomes_an_edit_of_the_key_after_multibyte_text() {
        let path = path!["spec", "templates", 0, "containr"];
        let edit = Edit::RenameKey {
            path: path.clone(),
            new_key: "container".into(),
        };
        let fix = item(edit, path, Target::Key).fix.expect("a fix");
        // `    - {name: "café 😀", ` is 23 characters, 24 UTF-16 units.
        assert_eq!(
            fix.edits,
            vec![TextEdit::new(
                Range::new(Position::new(7, 24), Position::new(7, 32)),
                "container".into()
            )]
        );
    }

    #[test]
    fn replace_value_keeps_single_quotes() {
        let path = path!["spec", "templates", 0, "containr", "image"];
        let edit = Edit::ReplaceValue {
            path: path.clone(),
            new_value: "alpine:3.20".into(),
        };
        let fix = item(edit, path, Target::Value).fix.expect("a fix");
        assert_eq!(fix.edits[0].new_text, "'alpine:3.20'");
        assert_eq!(
            fix.edits[0].range,
            Range::new(Position::new(7, 42), Position::new(7, 52))
        );
    }

    #[test]
    fn keys_that_come_from_a_merge_are_not_renamed_in_the_wrong_place() {
        let path = path!["spec", "templates", 1, "note"];
        let edit = Edit::RenameKey {
            path: path.clone(),
            new_key: "notes".into(),
        };
        let item = item(edit, path, Target::Key);
        assert!(item.fix.is_none());
        assert!(item.ignore.is_some());
    }
}
