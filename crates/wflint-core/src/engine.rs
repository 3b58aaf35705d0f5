//! The lint engine: parse inputs, find Argo objects, run every pass on each object, place the
//! diagnostics in their source and apply suppressions.

use std::{collections::HashMap, sync::Arc};

use rayon::prelude::*;

use crate::{
    context::{
        ClusterContext, ConfigMapInfo, ControllerConfig, Lookup, SecretKeys, TemplateObject,
    },
    diagnostic::{Diagnostic, Finding, ObjectRef, Severity, SourceFile},
    model::{self, ArgoKind, ArgoObject},
    path::{FieldPath, PointerExt as _},
    rules::{self, Rule, RuleSet},
    source::{self, Comment, Document, Limits, ParsedFile},
    span::Span,
};

/// Options of one lint run.
#[derive(Debug, Clone)]
pub struct LintOptions {
    /// Namespace for objects that do not name one.
    pub default_namespace: String,
    /// Which rules run, at which severity.
    pub rules: RuleSet,
    /// Input safety limits.
    pub limits: Limits,
    /// Treat a WorkflowTemplate/ClusterWorkflowTemplate that neither the inputs nor the context
    /// know as missing (like `argo lint --offline`), rather than unknown.
    pub templates_closed_world: bool,
    /// Honour `# wflint: ignore[...]` comments.
    pub inline_suppressions: bool,
}

impl Default for LintOptions {
    fn default() -> Self {
        Self {
            default_namespace: "default".to_string(),
            rules: RuleSet::all(),
            limits: Limits::default(),
            templates_closed_world: true,
            inline_suppressions: true,
        }
    }
}

/// One input file.
#[derive(Debug, Clone)]
pub struct Input {
    /// Display name (path, `stdin`, editor URI).
    pub name: String,
    /// Raw content.
    pub bytes: Vec<u8>,
}

/// The outcome of a lint run.
#[derive(Debug, Default)]
pub struct Report {
    /// The files read, in input order.
    pub files: Vec<Arc<SourceFile>>,
    /// All findings, ordered by file, then position.
    pub findings: Vec<Finding>,
    /// Number of Argo objects linted.
    pub objects: usize,
    /// Notes from the context (degraded knowledge), shown once.
    pub notes: Vec<String>,
}

impl Report {
    /// Number of findings at `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.diagnostic.severity == severity)
            .count()
    }
}

/// An Argo object found in an input, ready to lint.
#[derive(Debug, Clone)]
pub struct ObjectInput<'a> {
    /// Its kind.
    pub kind: ArgoKind,
    /// Its JSON value.
    pub value: &'a serde_json::Value,
    /// Path of the object inside its document (root, or `items[i]` in a `List`).
    pub base: FieldPath,
    /// 1-based position among the objects of its file (for `object #n` names).
    pub ordinal: usize,
}

/// What a pass sees of the object it checks.
pub struct ObjectCx<'a> {
    /// The object's kind.
    pub kind: ArgoKind,
    /// The object's JSON value.
    pub value: &'a serde_json::Value,
    /// The decoded object (`None` when decoding failed; only passes that work on raw JSON run).
    pub object: Option<&'a ArgoObject>,
    /// The namespace the object is linted in (`None` for ClusterWorkflowTemplates).
    pub namespace: Option<&'a str>,
    /// Cluster facts, with the templates of all inputs layered on top.
    pub context: &'a dyn ClusterContext,
    /// Run options.
    pub options: &'a LintOptions,
}

/// Collects the diagnostics of one object, dropping disabled rules and applying severities.
pub struct Sink<'a> {
    rules: &'a RuleSet,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Sink<'a> {
    /// A sink filtering by `rules`.
    pub fn new(rules: &'a RuleSet) -> Self {
        Self {
            rules,
            diagnostics: Vec::new(),
        }
    }

    /// Whether `rule` would be kept (lets passes skip expensive work).
    pub fn enabled(&self, rule: &Rule) -> bool {
        self.rules.enabled(rule)
    }

    /// Report a diagnostic (dropped if its rule is disabled).
    pub fn report(&mut self, mut diagnostic: Diagnostic) {
        if let Some(severity) = self.rules.severity(diagnostic.rule) {
            if diagnostic.severity == diagnostic.rule.default_severity {
                diagnostic.severity = severity;
            }
            self.diagnostics.push(diagnostic);
        }
    }

    /// The diagnostics collected so far.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}

/// Run every pass on one object.
pub fn lint_object(cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
    crate::model::unknown_fields::run(cx, sink);
    crate::validate::run(cx, sink);
    crate::artifacts::run(cx, sink);
    crate::restrictions::check(cx, sink);
    drop_cascades(&mut sink.diagnostics);
}

/// The keys that give a template its body.
const TEMPLATE_BODIES: &[&str] = &[
    "container",
    "containerSet",
    "script",
    "resource",
    "steps",
    "dag",
    "suspend",
    "data",
    "http",
    "plugin",
];

/// One mistake, one finding: a template whose body key is misspelt (`contaner:`) is reported
/// once, as the unknown field with its rename, and not a second time as a template without a
/// body (which is what Argo's non-strict decoding would then say).
fn drop_cascades(diagnostics: &mut Vec<Diagnostic>) {
    // A task reading an artifact of a task it does not depend on: Argo's validator refuses it
    // (`dag-missing-dependency`); the artifact rule's run-time view of the same reference
    // would say it twice.
    let missing_dependencies: Vec<FieldPath> = diagnostics
        .iter()
        .filter(|d| std::ptr::eq(d.rule, &rules::argo::DAG_MISSING_DEPENDENCY))
        .map(|d| d.path.clone())
        .collect();
    if !missing_dependencies.is_empty() {
        diagnostics.retain(|d| {
            !(std::ptr::eq(d.rule, &rules::artifacts::REF_NOT_ANCESTOR)
                && missing_dependencies.contains(&d.path))
        });
    }
    let misspelt_body_parents: Vec<FieldPath> = diagnostics
        .iter()
        .filter(|d| std::ptr::eq(d.rule, &rules::argo::UNKNOWN_FIELD))
        .filter_map(|d| d.fix.as_ref())
        .flat_map(|fix| &fix.edits)
        .filter_map(|edit| match edit {
            crate::diagnostic::Edit::RenameKey { path, new_key }
                if TEMPLATE_BODIES.contains(&new_key.as_str()) =>
            {
                Some(path.parent())
            }
            _ => None,
        })
        .collect();
    if misspelt_body_parents.is_empty() {
        return;
    }
    diagnostics.retain(|d| {
        let no_body = std::ptr::eq(d.rule, &rules::argo_checks::TEMPLATE_TYPE)
            && matches!(d.path.last(), Some(crate::path::Segment::Key(key)) if key == "name");
        !(no_body && misspelt_body_parents.contains(&d.path.parent()))
    });
}

/// The identity wflint prints for an object.
pub fn object_ref(
    kind: ArgoKind,
    value: &serde_json::Value,
    namespace: Option<&str>,
    ordinal: usize,
) -> ObjectRef {
    let meta = value.get("metadata");
    let text = |key: &str| {
        meta.and_then(|m| m.get(key))
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
    };
    let name = text("name")
        .or_else(|| text("generateName"))
        .map_or_else(|| format!("object #{ordinal}"), str::to_string);
    ObjectRef {
        kind: kind.as_str().to_string(),
        name,
        namespace: namespace.map(str::to_string),
    }
}

/// The namespace an object is linted in.
pub fn namespace_of<'v>(
    kind: ArgoKind,
    value: &'v serde_json::Value,
    default: &'v str,
) -> Option<&'v str> {
    if !kind.is_namespaced() {
        return None;
    }
    let ns = value
        .get("metadata")
        .and_then(|m| m.get("namespace"))
        .and_then(|v| v.as_str());
    Some(ns.filter(|s| !s.is_empty()).unwrap_or(default))
}

/// Lint one object given as JSON, without source text (the admission webhook's entry point).
pub fn lint_value(
    value: &serde_json::Value,
    context: &dyn ClusterContext,
    options: &LintOptions,
) -> Option<(ObjectRef, Vec<Diagnostic>)> {
    let kind = argo_kind_of(value)?;
    let sink = decode_and_lint(kind, value, context, options);
    let namespace = namespace_of(kind, value, &options.default_namespace);
    Some((
        object_ref(kind, value, namespace, 1),
        sink.into_diagnostics(),
    ))
}

/// Decode one object and run every pass on it (a decode error is a finding too); the
/// diagnostics are not placed in any source yet.
fn decode_and_lint<'o>(
    kind: ArgoKind,
    value: &serde_json::Value,
    context: &dyn ClusterContext,
    options: &'o LintOptions,
) -> Sink<'o> {
    let namespace = namespace_of(kind, value, &options.default_namespace);
    let object = model::decode(kind, value);
    let mut sink = Sink::new(&options.rules);
    if let Err(error) = &object {
        sink.report(decode_error(error));
    }
    let cx = ObjectCx {
        kind,
        value,
        object: object.as_ref().ok(),
        namespace,
        context,
        options,
    };
    lint_object(&cx, &mut sink);
    sink
}

fn decode_error(error: &model::DecodeError) -> Diagnostic {
    Diagnostic::new(
        &rules::argo::INVALID_TYPE,
        error.path.clone(),
        error.message.clone(),
    )
}

/// The Argo kind of a document, if it is one wflint lints (`apiVersion: argoproj.io/*`).
pub fn argo_kind_of(value: &serde_json::Value) -> Option<ArgoKind> {
    let api_version = value
        .get("apiVersion")
        .and_then(|v| v.as_str())
        .unwrap_or("argoproj.io/v1alpha1");
    if !api_version.starts_with("argoproj.io/") {
        return None;
    }
    ArgoKind::from_kind(value.get("kind")?.as_str()?)
}

/// A document with neither `apiVersion` nor `kind` whose `spec` is clearly a workflow spec
/// (Argo's own tests decode such YAML straight into a Workflow). wflint lints it as one and
/// reports `missing-kind`.
pub fn is_kindless_workflow(value: &serde_json::Value) -> bool {
    value.get("kind").is_none()
        && value.get("apiVersion").is_none()
        && value
            .get("spec")
            .and_then(|s| s.as_object())
            .is_some_and(|spec| {
                ["templates", "entrypoint", "workflowTemplateRef"]
                    .iter()
                    .any(|k| spec.contains_key(*k))
            })
}

/// The Argo objects of a document: the document itself, or the items of a `kind: List`.
pub fn objects_in(value: &serde_json::Value) -> Vec<(ArgoKind, &serde_json::Value, FieldPath)> {
    if let Some(kind) = argo_kind_of(value) {
        return vec![(kind, value, FieldPath::root())];
    }
    if is_kindless_workflow(value) {
        return vec![(ArgoKind::Workflow, value, FieldPath::root())];
    }
    let is_list = value
        .get("kind")
        .and_then(|k| k.as_str())
        .is_some_and(|k| k.ends_with("List"));
    match value.get("items").and_then(|items| items.as_array()) {
        Some(items) if is_list => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                argo_kind_of(item).map(|k| (k, item, FieldPath::root().key("items").index(i)))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// WorkflowTemplates and ClusterWorkflowTemplates defined by the inputs, layered over a context.
pub struct TemplateIndex {
    namespaced: HashMap<(String, String), TemplateObject>,
    cluster: HashMap<String, TemplateObject>,
}

impl TemplateIndex {
    /// Index the templates among `files` (objects without a namespace go to `default_namespace`).
    pub fn from_files(files: &[ParsedFile], default_namespace: &str) -> Self {
        let mut index = Self::empty();
        for file in files {
            index.add_file(file, default_namespace);
        }
        index
    }

    /// An empty index.
    pub fn empty() -> Self {
        Self {
            namespaced: HashMap::new(),
            cluster: HashMap::new(),
        }
    }

    /// Add the templates one parsed file defines (the earlier wins).
    pub fn add_file(&mut self, file: &ParsedFile, default_namespace: &str) {
        for document in &file.documents {
            for (kind, value, _) in objects_in(&document.value) {
                self.add(
                    kind,
                    value,
                    Some(file.source.name.clone()),
                    default_namespace,
                );
            }
        }
    }

    /// Add one object if it is a template (the first of two with the same identity wins).
    pub fn add(
        &mut self,
        kind: ArgoKind,
        value: &serde_json::Value,
        origin: Option<String>,
        default_namespace: &str,
    ) {
        if !matches!(
            kind,
            ArgoKind::WorkflowTemplate | ArgoKind::ClusterWorkflowTemplate
        ) {
            return;
        }
        let Some(name) = value.at("/metadata/name").and_then(|v| v.as_str()) else {
            return;
        };
        let Ok(object) = model::decode(kind, value) else {
            return;
        };
        let entry = TemplateObject {
            object: Arc::new(object),
            value: Arc::new(value.clone()),
            origin,
        };
        if kind == ArgoKind::ClusterWorkflowTemplate {
            self.cluster.entry(name.to_string()).or_insert(entry);
        } else {
            let ns = namespace_of(kind, value, default_namespace).unwrap_or(default_namespace);
            self.namespaced
                .entry((ns.to_string(), name.to_string()))
                .or_insert(entry);
        }
    }
}

/// A context that answers template lookups from a [`TemplateIndex`] first.
pub struct Layered<'a> {
    /// Templates from the inputs.
    pub templates: &'a TemplateIndex,
    /// Everything else.
    pub inner: &'a dyn ClusterContext,
    /// Whether templates unknown to both are missing (offline lint) rather than unknown.
    pub closed_world: bool,
}

impl Layered<'_> {
    fn close(&self, lookup: Lookup<TemplateObject>) -> Lookup<TemplateObject> {
        match lookup {
            Lookup::Unknown if self.closed_world => Lookup::Missing,
            other => other,
        }
    }
}

impl ClusterContext for Layered<'_> {
    fn config_map(&self, namespace: &str, name: &str) -> Lookup<Arc<ConfigMapInfo>> {
        self.inner.config_map(namespace, name)
    }
    fn secret(&self, namespace: &str, name: &str) -> Lookup<Arc<SecretKeys>> {
        self.inner.secret(namespace, name)
    }
    fn workflow_template(&self, namespace: &str, name: &str) -> Lookup<TemplateObject> {
        match self
            .templates
            .namespaced
            .get(&(namespace.to_string(), name.to_string()))
        {
            Some(found) => Lookup::Found(found.clone()),
            None => self.close(self.inner.workflow_template(namespace, name)),
        }
    }
    fn cluster_workflow_template(&self, name: &str) -> Lookup<TemplateObject> {
        match self.templates.cluster.get(name) {
            Some(found) => Lookup::Found(found.clone()),
            None => self.close(self.inner.cluster_workflow_template(name)),
        }
    }
    fn controller(&self) -> Lookup<Arc<ControllerConfig>> {
        self.inner.controller()
    }
    fn notes(&self) -> Vec<String> {
        self.inner.notes()
    }
    fn config_map_namespaces(&self, name: &str) -> Lookup<Vec<String>> {
        self.inner.config_map_namespaces(name)
    }
}

/// Lint a set of inputs: the CLI's entry point.
///
/// Two passes, so that memory does not grow with the number of files: the first indexes the
/// WorkflowTemplates and ClusterWorkflowTemplates the inputs define (parsing only the files that
/// can hold one, and keeping them for the second pass), the second parses, lints and drops each
/// other file in turn; only the source text (for snippets) and the findings are kept.
pub fn lint_inputs(
    inputs: Vec<Input>,
    context: &dyn ClusterContext,
    options: &LintOptions,
) -> Report {
    // Pass 1: parse the files that can define a template, and index their templates.
    let early: Vec<Option<ParsedFile>> = inputs
        .par_iter()
        .map(|input| {
            may_define_template(&input.bytes)
                .then(|| source::parse(&input.name, &input.bytes, &options.limits))
        })
        .collect();
    let mut templates = TemplateIndex::empty();
    for file in early.iter().flatten() {
        templates.add_file(file, &options.default_namespace);
    }
    let layered = Layered {
        templates: &templates,
        inner: context,
        closed_world: options.templates_closed_world,
    };
    // Pass 2: lint every file (parsing those pass 1 did not), keeping only what the report needs.
    let per_file: Vec<FileOutcome> = inputs
        .into_par_iter()
        .zip(early)
        .map(|(input, early)| {
            let file =
                early.unwrap_or_else(|| source::parse(&input.name, &input.bytes, &options.limits));
            drop(input);
            let (findings, objects) = lint_file(&file, &layered, options);
            (file.source, findings, objects)
        })
        .collect();
    assemble(context, per_file)
}

/// What linting one file leaves: its source (for snippets), its findings, its object count.
type FileOutcome = (Arc<SourceFile>, Vec<Finding>, usize);

/// The report of a run, files in input order.
fn assemble(context: &dyn ClusterContext, per_file: Vec<FileOutcome>) -> Report {
    let mut report = Report {
        notes: context.notes(),
        ..Report::default()
    };
    for (source, findings, objects) in per_file {
        report.files.push(source);
        report.findings.extend(findings);
        report.objects += objects;
    }
    report
}

/// Whether a file can define a (Cluster)WorkflowTemplate: its kind must be spelled out in the
/// text, unless an escape that can stand for a letter hides it (JSON `\u0057`, YAML `\x57`,
/// `\U00000057`, or an escaped line break inside a double-quoted scalar). `\n`, `\"` and the
/// like cannot, so scripts full of backslashes are not parsed early.
fn may_define_template(bytes: &[u8]) -> bool {
    const KIND: &[u8] = b"WorkflowTemplate";
    bytes
        .windows(2)
        .any(|w| w[0] == b'\\' && matches!(w[1], b'u' | b'U' | b'x' | b'\n' | b'\r'))
        || bytes.windows(KIND.len()).any(|w| w == KIND)
}

/// Lint files that were already parsed.
pub fn lint_parsed(
    files: &[ParsedFile],
    context: &dyn ClusterContext,
    options: &LintOptions,
) -> Report {
    let templates = TemplateIndex::from_files(files, &options.default_namespace);
    let layered = Layered {
        templates: &templates,
        inner: context,
        closed_world: options.templates_closed_world,
    };
    let per_file: Vec<FileOutcome> = files
        .par_iter()
        .map(|file| {
            let (findings, objects) = lint_file(file, &layered, options);
            (file.source.clone(), findings, objects)
        })
        .collect();
    assemble(context, per_file)
}

fn lint_file(
    file: &ParsedFile,
    context: &dyn ClusterContext,
    options: &LintOptions,
) -> (Vec<Finding>, usize) {
    let mut findings = Vec::new();
    for problem in &file.problems {
        let Some(severity) = options.rules.severity(problem.rule) else {
            continue;
        };
        let mut diagnostic =
            Diagnostic::new(problem.rule, FieldPath::root(), problem.message.clone())
                .severity(severity);
        let mut related_spans = Vec::new();
        if let Some((span, message)) = &problem.related {
            diagnostic = diagnostic.related(FieldPath::root(), message.clone());
            related_spans.push(Some(*span));
        }
        findings.push(Finding {
            diagnostic,
            file: Some(file.source.clone()),
            object: None,
            span: Some(problem.span),
            related_spans,
        });
    }
    findings.extend(non_mapping_documents(file, options));
    let mut ordinal = 0;
    for document in &file.documents {
        for (kind, value, base) in objects_in(&document.value) {
            ordinal += 1;
            let mut sink = decode_and_lint(kind, value, context, options);
            if base.is_root() && is_kindless_workflow(value) {
                sink.report(
                    Diagnostic::new(
                        &rules::syntax::MISSING_KIND,
                        FieldPath::root(),
                        "this document has no `apiVersion` and `kind`; it is linted as a Workflow",
                    )
                    .help("add `apiVersion: argoproj.io/v1alpha1` and `kind: Workflow`"),
                );
            }
            let namespace = namespace_of(kind, value, &options.default_namespace);
            let object_ref = object_ref(kind, value, namespace, ordinal);
            for diagnostic in sink.into_diagnostics() {
                findings.push(place(diagnostic, file, document, &base, &object_ref));
            }
        }
    }
    if options.inline_suppressions {
        findings.retain(|finding| !suppressed(finding, file));
    }
    findings.sort_by_key(|f| (f.span.map_or(0, |s| s.start), f.diagnostic.rule.code));
    (findings, ordinal)
}

fn looks_like_k8s(value: &serde_json::Value) -> bool {
    value.get("kind").is_some_and(|k| k.is_string())
        && value.get("apiVersion").is_some_and(|a| a.is_string())
}

/// Documents that are lists or scalars, in files that hold Kubernetes manifests (a YAML file of
/// some other tool is not ours to judge).
fn non_mapping_documents(file: &ParsedFile, options: &LintOptions) -> Vec<Finding> {
    let Some(severity) = options.rules.severity(&rules::syntax::NOT_A_MAPPING) else {
        return Vec::new();
    };
    let manifests = file.documents.iter().any(|d| looks_like_k8s(&d.value));
    file.documents
        .iter()
        .filter(|d| !d.value.is_object() && !d.value.is_null())
        .filter(|d| manifests || d.value.as_array().is_some_and(|items| items.iter().any(looks_like_k8s)))
        .map(|d| {
            let what = if d.value.is_array() { "a list" } else { "a scalar" };
            let mut diagnostic = Diagnostic::new(
                &rules::syntax::NOT_A_MAPPING,
                FieldPath::root(),
                format!("document {} is {what}, not a Kubernetes object (a mapping)", d.index + 1),
            )
            .severity(severity);
            if d.value.is_array() {
                diagnostic = diagnostic.help("remove the leading `- ` or wrap the items in a `kind: List` object under `items:`");
            }
            Finding { diagnostic, file: Some(file.source.clone()), object: None, span: Some(d.span), related_spans: Vec::new() }
        })
        .collect()
}

fn place(
    diagnostic: Diagnostic,
    file: &ParsedFile,
    document: &Document,
    base: &FieldPath,
    object: &ObjectRef,
) -> Finding {
    let span = document.locate(&base.join(&diagnostic.path), diagnostic.target);
    let related_spans = diagnostic
        .related
        .iter()
        .map(|r| document.locate(&base.join(&r.path), crate::diagnostic::Target::Value))
        .collect();
    Finding {
        diagnostic,
        file: Some(file.source.clone()),
        object: Some(object.clone()),
        span,
        related_spans,
    }
}

/// Codes named by a `wflint: ignore[a, b]` comment (`all` ignores everything).
pub fn suppression_codes(comment: &str) -> Option<Vec<&str>> {
    let rest = comment.trim_start_matches('#').trim_start();
    let rest = rest.strip_prefix("wflint:")?.trim_start();
    let rest = rest.strip_prefix("ignore[")?;
    let list = &rest[..rest.find(']')?];
    Some(
        list.split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect(),
    )
}

fn suppressed(finding: &Finding, file: &ParsedFile) -> bool {
    let Some(span) = finding.span else {
        return false;
    };
    let lines = &file.source.lines;
    let line = lines.line_of(span.start);
    let applies = |comment: &Comment| {
        let comment_line = lines.line_of(comment.span.start);
        comment_line == line || (comment.own_line && comment_line + 1 == line)
    };
    file.comments.iter().filter(|c| applies(c)).any(|c| {
        suppression_codes(&c.text).is_some_and(|codes| {
            codes.iter().any(|code| {
                *code == "all"
                    || *code == finding.diagnostic.rule.code
                    || *code == finding.diagnostic.rule.group
            })
        })
    })
}

/// Span helper for passes that already know a byte range (kept for symmetry with `locate`).
pub fn span_of(document: &Document, path: &FieldPath) -> Option<Span> {
    document.locate(path, crate::diagnostic::Target::Value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppression_comment_syntax() {
        assert_eq!(
            suppression_codes("# wflint: ignore[a, b]"),
            Some(vec!["a", "b"])
        );
        assert_eq!(
            suppression_codes(" wflint: ignore[unknown-field] because"),
            Some(vec!["unknown-field"])
        );
        assert_eq!(suppression_codes("# ignore[a]"), None);
    }

    #[test]
    fn object_names_fall_back_like_argo() {
        let v = serde_json::json!({"kind": "Workflow", "metadata": {"generateName": "x-"}});
        assert_eq!(
            object_ref(ArgoKind::Workflow, &v, Some("default"), 1).name,
            "x-"
        );
        let v = serde_json::json!({"kind": "Workflow"});
        assert_eq!(
            object_ref(ArgoKind::Workflow, &v, Some("default"), 3).name,
            "object #3"
        );
    }
}
