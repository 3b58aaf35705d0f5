//! The traversal of Argo's validator (`validate.Workflow` and the functions it calls): which
//! templates are validated, in which order, with which arguments and scope, where each finding
//! points, and which Argo message prefix chain it carries.
//!
//! Argo stops at the first error; wflint keeps going and reports every finding once. The order
//! of the walk is Argo's, so the first finding reached is the one `argo lint` would print, and
//! the prefix chain of each finding is the one of the first call path that reached it.

use std::{borrow::Cow, collections::HashSet, sync::Arc};

use crate::{
    context::{Lookup, TemplateObject},
    diagnostic::{Diagnostic, Fix, Target},
    engine::ObjectCx,
    model::{
        ArgoKind, ArgoObject, Arguments, Template, TemplateCall, TemplateRef, TemplateType,
        WorkflowSpec,
    },
    path::{FieldPath, PointerExt as _},
    rules::argo as rules,
};

use super::{
    checks::{self, ImageDefaults},
    scope::{ANY_WORKFLOW_OUTPUT_ARTIFACT, Globals, Scope},
    tags,
};

/// Argo's `validate.Opts` for the object being linted.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Opts {
    /// `Lint`: validating for `argo lint`.
    pub(crate) lint: bool,
    /// `IgnoreEntrypoint`: a (Cluster)WorkflowTemplate without entrypoint.
    pub(crate) ignore_entrypoint: bool,
    /// `WorkflowTemplateValidation`: a (Cluster)WorkflowTemplate validated on its own.
    pub(crate) template_validation: bool,
    /// `Submit`: validating a submission.
    pub(crate) submit: bool,
}

impl Opts {
    /// The options `argo lint` uses for an object of `kind` (empty options for a
    /// CronWorkflow, whose embedded workflow is validated outside lint mode).
    pub(crate) fn for_lint(kind: ArgoKind, spec: &WorkflowSpec) -> Self {
        match kind {
            ArgoKind::Workflow => Self {
                lint: true,
                ..Self::default()
            },
            ArgoKind::WorkflowTemplate | ArgoKind::ClusterWorkflowTemplate => Self {
                lint: true,
                ignore_entrypoint: spec.entrypoint.is_empty(),
                template_validation: true,
                submit: false,
            },
            ArgoKind::CronWorkflow => Self::default(),
        }
    }

    /// Whether `spec.arguments` parameters may lack values.
    pub(crate) fn allow_empty_values(self) -> bool {
        self.lint || (self.template_validation && !self.submit)
    }
}

/// Argo's resource scope of a template holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BaseScope {
    /// The object being validated (wrapped into a Workflow, as Argo does).
    Local,
    /// A WorkflowTemplate reached through `templateRef`.
    Namespaced,
    /// A ClusterWorkflowTemplate reached through `templateRef`.
    Cluster,
}

#[derive(Clone)]
enum SpecSource<'a> {
    Local(&'a WorkflowSpec),
    Remote(Arc<ArgoObject>),
}

/// A holder of templates: the object being linted or a referenced (Cluster)WorkflowTemplate.
#[derive(Clone)]
pub(crate) struct Base<'a> {
    pub(crate) scope: BaseScope,
    pub(crate) name: String,
    source: SpecSource<'a>,
    /// Path of `templates` (in the linted object for the local base, else in the referenced
    /// object, where it only serves to describe a location).
    pub(crate) templates_path: FieldPath,
}

impl<'a> Base<'a> {
    fn local(spec: &'a WorkflowSpec, spec_path: &FieldPath) -> Self {
        Self {
            scope: BaseScope::Local,
            name: String::new(),
            source: SpecSource::Local(spec),
            templates_path: spec_path.key("templates"),
        }
    }

    fn remote(scope: BaseScope, name: &str, object: Arc<ArgoObject>) -> Self {
        Self {
            scope,
            name: name.to_string(),
            templates_path: object.spec_path().key("templates"),
            source: SpecSource::Remote(object),
        }
    }

    /// The workflow spec holding the templates.
    pub(crate) fn spec(&self) -> &WorkflowSpec {
        match &self.source {
            SpecSource::Local(spec) => spec,
            SpecSource::Remote(object) => &object.spec,
        }
    }

    /// The template called `name`, with its index.
    pub(crate) fn template(&self, name: &str) -> Option<(usize, &Template)> {
        self.spec()
            .templates
            .iter()
            .enumerate()
            .find(|(_, t)| t.name == name)
    }

    fn key(&self) -> String {
        let scope = match self.scope {
            BaseScope::Local => "local",
            BaseScope::Namespaced => "namespaced",
            BaseScope::Cluster => "cluster",
        };
        [scope, "/", &self.name].concat()
    }

    fn describe(&self) -> String {
        match self.scope {
            BaseScope::Local => "this object".to_string(),
            BaseScope::Namespaced => format!("WorkflowTemplate `{}`", self.name),
            BaseScope::Cluster => format!("ClusterWorkflowTemplate `{}`", self.name),
        }
    }

    /// Whether `templateDefaults` lets container/script templates of this holder omit their
    /// image (never for a ClusterWorkflowTemplate reached through a reference, as in Argo).
    fn image_defaults(&self) -> ImageDefaults {
        match self.scope {
            BaseScope::Cluster => ImageDefaults::NONE,
            _ => ImageDefaults::of(self.spec()),
        }
    }
}

/// Where findings inside a referenced object are reported: the call site in the linted object.
#[derive(Debug, Clone)]
pub(crate) struct Anchor {
    path: FieldPath,
    object: String,
}

/// The arguments a template is validated with.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Args<'t> {
    /// Argo's `FakeArguments`: every input is supplied (with a placeholder).
    Fake,
    /// The caller's arguments.
    Real(&'t Arguments),
}

/// Something that calls a template (Argo's `TemplateReferenceHolder`), with where it is written.
pub(crate) struct Holder<'t> {
    pub(crate) template: &'t str,
    pub(crate) template_ref: Option<Cow<'t, TemplateRef>>,
    pub(crate) inline: Option<&'t Template>,
    /// The calling node (step, task, `spec`).
    pub(crate) node: FieldPath,
    /// Where input-not-supplied findings point: the call's `arguments`, else its template.
    pub(crate) site: FieldPath,
    /// Where the template name is written.
    pub(crate) name_at: FieldPath,
    /// Where the `templateRef` is written.
    pub(crate) ref_at: FieldPath,
}

impl<'t> Holder<'t> {
    /// The holder of a step or task at `at`.
    pub(crate) fn of_call(call: &'t impl TemplateCall, at: &FieldPath) -> Self {
        let site = if !call.arguments().is_empty() {
            at.key("arguments")
        } else if !call.template_name().is_empty() {
            at.key("template")
        } else if call.template_ref().is_some() {
            at.key("templateRef")
        } else {
            at.clone()
        };
        Self {
            template: call.template_name(),
            template_ref: call.template_ref().map(Cow::Borrowed),
            inline: call.inline_template(),
            node: at.clone(),
            site,
            name_at: at.key("template"),
            ref_at: at.key("templateRef"),
        }
    }

    /// A call by name written at `name_at`.
    pub(crate) fn by_name(name: &'t str, site: FieldPath, name_at: FieldPath) -> Self {
        Self {
            template: name,
            template_ref: None,
            inline: None,
            ref_at: name_at.clone(),
            node: site.clone(),
            site,
            name_at,
        }
    }

    /// A call through a reference built by the walker (entrypoint of a `workflowTemplateRef`).
    pub(crate) fn by_ref(reference: TemplateRef, at: FieldPath) -> Self {
        Self {
            template: "",
            template_ref: Some(Cow::Owned(reference)),
            inline: None,
            node: at.clone(),
            site: at.clone(),
            name_at: at.clone(),
            ref_at: at,
        }
    }
}

/// One call being validated: its holder, and the anchor in effect where the call is written
/// (input-not-supplied findings belong to the caller, not to the template called).
pub(crate) struct Call<'c> {
    holder: &'c Holder<'c>,
    inline: bool,
    caller_anchor: &'c Option<Anchor>,
}

/// What a caller learns about the template it called (for `addOutputsToScope`).
#[derive(Debug, Clone)]
pub(crate) struct Callee {
    pub(crate) kind: TemplateType,
    pub(crate) daemon: bool,
    pub(crate) has_output: bool,
    /// `(name, globalName)` of each output parameter.
    pub(crate) parameters: Vec<(String, String)>,
    /// `(name, globalName)` of each output artifact.
    pub(crate) artifacts: Vec<(String, String)>,
}

impl Callee {
    fn of(template: &Template) -> Self {
        let has_output = template.container.is_some()
            || template
                .container_set
                .as_ref()
                .is_some_and(|set| set.containers.iter().any(|c| c.container.name == "main"))
            || template.script.is_some()
            || template.data.is_some()
            || template.http.is_some()
            || template.plugin.is_some();
        Self {
            kind: template.template_type(),
            daemon: template.is_daemon(),
            has_output,
            parameters: template
                .outputs
                .parameters
                .iter()
                .map(|p| (p.name.clone(), p.global_name.clone()))
                .collect(),
            artifacts: template
                .outputs
                .artifacts
                .iter()
                .map(|a| (a.name.clone(), a.global_name.clone()))
                .collect(),
        }
    }
}

/// The outcome of validating a call.
#[derive(Debug, Clone)]
pub(crate) enum Resolution {
    /// The template was found (whatever its own findings).
    Resolved(Callee),
    /// Argo skips the call: a `templateRef` still holding a variable, or a parameterised
    /// template name. Nothing of the callee is known, as in Argo.
    Skipped,
    /// The referenced object is not known to the context (no finding; be lenient).
    Unknown,
    /// The call is broken (reported).
    Failed,
}

/// The validator of one object.
pub(crate) struct Validator<'a> {
    pub(crate) cx: &'a ObjectCx<'a>,
    pub(crate) object: &'a ArgoObject,
    pub(crate) opts: Opts,
    /// `spec` (`spec.workflowSpec` for a CronWorkflow).
    pub(crate) spec_path: FieldPath,
    pub(crate) globals: Globals,
    next_placeholder: usize,
    /// The variable each placeholder stands for, by number.
    origins: Vec<String>,
    /// Templates fully validated (Argo's `results` cache).
    validated: foldhash::HashSet<String>,
    /// Argo's error prefixes of the calls being walked, outermost first.
    chain: Vec<String>,
    /// Set while walking a referenced object.
    anchor: Option<Anchor>,
    pub(crate) out: Vec<Diagnostic>,
}

impl<'a> Validator<'a> {
    /// A validator for `object` with `argo lint`'s options.
    pub(crate) fn new(cx: &'a ObjectCx<'a>, object: &'a ArgoObject) -> Self {
        Self {
            cx,
            object,
            opts: Opts::for_lint(object.kind, &object.spec),
            spec_path: object.spec_path(),
            globals: Globals::default(),
            next_placeholder: 0,
            origins: Vec::new(),
            validated: foldhash::HashSet::default(),
            chain: Vec::new(),
            anchor: None,
            out: Vec::new(),
        }
    }

    /// A fresh internal placeholder value standing for the variable `origin`.
    pub(crate) fn placeholder_for(&mut self, origin: &str) -> String {
        let mut number = itoa::Buffer::new();
        let text = [
            tags::PLACEHOLDER_PREFIX,
            number.format(self.next_placeholder),
        ]
        .concat();
        self.next_placeholder += 1;
        self.origins.push(origin.to_string());
        text
    }

    /// `text` with internal placeholders written back as the variables they stand for (for
    /// plain-words messages; Argo's own text keeps them).
    fn humanize(&self, text: &str) -> String {
        let prefix = tags::PLACEHOLDER_PREFIX;
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find(prefix) {
            let after = &rest[start + prefix.len()..];
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            out.push_str(&rest[..start]);
            match after[..digits]
                .parse::<usize>()
                .ok()
                .and_then(|n| self.origins.get(n))
            {
                Some(origin) => {
                    out.push_str("{{");
                    out.push_str(origin);
                    out.push_str("}}");
                }
                None => out.push_str(&rest[start..start + prefix.len() + digits]),
            }
            rest = &after[digits..];
        }
        out.push_str(rest);
        out
    }

    /// Report a finding: prefix its Argo text with the current call chain, and move it to the
    /// call site when it lies in a referenced object.
    pub(crate) fn emit(&mut self, mut diagnostic: Diagnostic) {
        if diagnostic.message.contains(tags::PLACEHOLDER_PREFIX) {
            diagnostic.message = self.humanize(&diagnostic.message);
        }
        if let Some(text) = diagnostic.argo_message.take() {
            let mut full: String = self.chain.concat();
            full.push_str(&text);
            diagnostic.argo_message = Some(full);
        }
        if let Some(anchor) = &self.anchor {
            diagnostic.message = format!(
                "{} (in {}, at {})",
                diagnostic.message, anchor.object, diagnostic.path
            );
            diagnostic.path = anchor.path.clone();
            diagnostic.target = Target::Value;
            diagnostic.related.clear();
            diagnostic.fix = None;
        }
        self.out.push(diagnostic);
    }

    /// Report the findings of a check function.
    pub(crate) fn absorb(&mut self, diagnostics: Vec<Diagnostic>) {
        for diagnostic in diagnostics {
            self.emit(diagnostic);
        }
    }

    /// Run `f` with `prefix` added to the Argo message chain.
    pub(crate) fn prefixed<R>(&mut self, prefix: String, f: impl FnOnce(&mut Self) -> R) -> R {
        self.chain.push(prefix);
        let result = f(self);
        self.chain.pop();
        result
    }

    pub(crate) fn check_with(&mut self, f: impl FnOnce(&mut Vec<Diagnostic>)) {
        let mut found = Vec::new();
        f(&mut found);
        self.absorb(found);
    }

    /// `validate.Workflow` (with the CronWorkflow wrapping of `validate.CronWorkflow`).
    pub(crate) fn run(&mut self) {
        let object = self.object;
        let spec = &object.spec;
        let spec_path = self.spec_path.clone();
        if object.kind == ArgoKind::CronWorkflow {
            self.check_with(|out| checks::cron(object, out));
            self.chain.push("cannot validate Workflow: ".to_string());
        }
        self.check_with(|out| checks::workflow_level(object, &spec_path, out));

        let local = Base::local(spec, &spec_path);
        let mut entrypoint = spec.entrypoint.clone();
        let mut referenced: Option<Base<'_>> = None;
        let mut reference_unknown = false;
        if let Some(reference) = &spec.workflow_template_ref {
            let ref_path = spec_path.key("workflowTemplateRef");
            if !spec.templates.is_empty() {
                self.emit(
                    Diagnostic::new(
                        &rules::WORKFLOW_TEMPLATE_REF_CONFLICT,
                        spec_path.key("templates"),
                        format!(
                            "a workflow that uses `workflowTemplateRef` takes its templates from `{}`; its own `templates` are not allowed",
                            reference.name
                        ),
                    )
                    .on_key()
                    .argo("Templates is invalid field in spec if workflow referred WorkflowTemplate reference")
                    .help("move these templates into the WorkflowTemplate, or remove `workflowTemplateRef`"),
                );
            }
            match self.lookup_holder(&reference.name, reference.cluster_scope) {
                Lookup::Found(base) => referenced = Some(base),
                Lookup::Missing => {
                    let diagnostic = self.missing_object(
                        &reference.name,
                        reference.cluster_scope,
                        ref_path.key("name"),
                    );
                    self.emit(diagnostic);
                    reference_unknown = true;
                }
                Lookup::Unknown => reference_unknown = true,
            }
            if entrypoint.is_empty()
                && let Some(base) = &referenced
            {
                entrypoint = base.spec().entrypoint.clone();
            }
        }

        let templates = &spec.templates;
        self.check_with(|out| checks::template_names(templates, &spec_path.key("templates"), out));

        let merged = self.merged_arguments(referenced.as_ref());
        let allow_empty = self.opts.allow_empty_values();
        self.check_spec_arguments(&merged, referenced.is_some(), allow_empty);
        self.register_globals(&merged.arguments, referenced.as_ref());

        let opts = self.opts;
        if !opts.ignore_entrypoint && entrypoint.is_empty() && !reference_unknown {
            self.emit(
                Diagnostic::new(
                    &rules::ENTRYPOINT_MISSING,
                    spec_path.clone(),
                    "the workflow has no `entrypoint`: Argo does not know which template to start",
                )
                .on_key()
                .argo("spec.entrypoint is required")
                .help(entrypoint_help(spec)),
            );
        }

        if !opts.ignore_entrypoint && !entrypoint.is_empty() {
            let args = if opts.template_validation {
                Args::Fake
            } else {
                Args::Real(&merged.arguments)
            };
            match (&spec.workflow_template_ref, &referenced) {
                (Some(reference), Some(_)) => {
                    let holder = Holder::by_ref(
                        TemplateRef {
                            name: reference.name.clone(),
                            template: entrypoint.clone(),
                            cluster_scope: reference.cluster_scope,
                        },
                        spec_path.key("workflowTemplateRef"),
                    );
                    self.validate_holder(&holder, &local, args);
                }
                (Some(_), None) => {}
                (None, _) => {
                    // Inputs of the entrypoint come from `spec.arguments`.
                    let site = if spec.arguments.is_empty() {
                        spec_path.key("entrypoint")
                    } else {
                        spec_path.key("arguments")
                    };
                    let holder = Holder::by_name(&entrypoint, site, spec_path.key("entrypoint"));
                    self.validate_holder(&holder, &local, args);
                }
            }
        }

        self.validate_exit_handler(&local, referenced.as_ref(), reference_unknown);
        self.check_hooks(spec, &spec_path);

        match (&spec.workflow_template_ref, &referenced) {
            (Some(reference), Some(base)) => {
                let names: Vec<String> = base
                    .spec()
                    .templates
                    .iter()
                    .map(|t| t.name.clone())
                    .filter(|n| !n.is_empty())
                    .collect();
                for name in names {
                    let holder = Holder::by_ref(
                        TemplateRef {
                            name: reference.name.clone(),
                            template: name.clone(),
                            cluster_scope: reference.cluster_scope,
                        },
                        spec_path.key("workflowTemplateRef"),
                    );
                    self.prefixed(format!("templates.{name} "), |v| {
                        v.validate_holder(&holder, &local, Args::Fake)
                    });
                }
            }
            (Some(_), None) => {}
            (None, _) => {
                for (index, template) in spec.templates.iter().enumerate() {
                    if template.name.is_empty() {
                        continue;
                    }
                    let at = spec_path.key("templates").index(index);
                    let holder = Holder::by_name(&template.name, at.clone(), at.key("name"));
                    self.prefixed(format!("templates.{} ", template.name), |v| {
                        v.validate_holder(&holder, &local, Args::Fake)
                    });
                }
            }
        }
    }

    /// `spec.onExit` (or the referenced template's), validated with the workflow's own
    /// arguments after `workflow.failures` is registered.
    fn validate_exit_handler(
        &mut self,
        local: &Base<'_>,
        referenced: Option<&Base<'_>>,
        reference_unknown: bool,
    ) {
        let object = self.object;
        let spec = &object.spec;
        let spec_path = self.spec_path.clone();
        let on_exit_path = spec_path.key("onExit");
        let holder = match (&spec.workflow_template_ref, referenced) {
            (None, _) if !spec.on_exit.is_empty() => {
                Holder::by_name(&spec.on_exit, on_exit_path.clone(), on_exit_path)
            }
            (Some(reference), Some(base)) => {
                let name = if spec.on_exit.is_empty() {
                    base.spec().on_exit.clone()
                } else {
                    spec.on_exit.clone()
                };
                if name.is_empty() {
                    return;
                }
                let at = if spec.on_exit.is_empty() {
                    spec_path.key("workflowTemplateRef")
                } else {
                    on_exit_path
                };
                Holder::by_ref(
                    TemplateRef {
                        name: reference.name.clone(),
                        template: name,
                        cluster_scope: reference.cluster_scope,
                    },
                    at,
                )
            }
            _ => {
                if reference_unknown && !spec.on_exit.is_empty() {
                    let placeholder = self.placeholder_for("workflow.failures");
                    self.globals.set("workflow.failures", placeholder);
                }
                return;
            }
        };
        let placeholder = self.placeholder_for("workflow.failures");
        self.globals.set("workflow.failures", placeholder);
        let templated_global_artifact = |templates: &[Template]| {
            templates.iter().any(|t| {
                t.outputs
                    .artifacts
                    .iter()
                    .any(|a| !a.global_name.is_empty() && tags::is_parameter(&a.global_name))
            })
        };
        if templated_global_artifact(&spec.templates)
            || referenced.is_some_and(|b| templated_global_artifact(&b.spec().templates))
        {
            self.globals.set(ANY_WORKFLOW_OUTPUT_ARTIFACT, "true");
        }
        self.validate_holder(&holder, local, Args::Real(&spec.arguments));
    }

    /// H1: workflow hooks other than `exit` need an expression.
    fn check_hooks(&mut self, spec: &WorkflowSpec, spec_path: &FieldPath) {
        for (name, hook) in &spec.hooks {
            if name != "exit" && hook.expression.is_empty() {
                self.emit(hook_finding(
                    spec_path.key("hooks").key(name.clone()),
                    format!("hooks.{name} Expression required"),
                    name,
                ));
            }
        }
    }

    /// `spec.arguments`, merged with the referenced WorkflowTemplate's when there is one
    /// (the workflow's own win by name).
    fn merged_arguments(&self, referenced: Option<&Base<'_>>) -> MergedArguments {
        let own = &self.object.spec.arguments;
        let Some(base) = referenced else {
            return MergedArguments {
                arguments: own.clone(),
                parameter_origin: (0..own.parameters.len()).map(Some).collect(),
                artifact_origin: (0..own.artifacts.len()).map(Some).collect(),
            };
        };
        let theirs = &base.spec().arguments;
        let mut merged = MergedArguments {
            arguments: Arguments::default(),
            parameter_origin: Vec::new(),
            artifact_origin: Vec::new(),
        };
        let mut seen = HashSet::new();
        for (origin, parameter) in own
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (Some(i), p))
            .chain(theirs.parameters.iter().map(|p| (None, p)))
        {
            if seen.insert(parameter.name.clone()) {
                merged.arguments.parameters.push(parameter.clone());
                merged.parameter_origin.push(origin);
            }
        }
        seen.clear();
        for (origin, artifact) in own
            .artifacts
            .iter()
            .enumerate()
            .map(|(i, a)| (Some(i), a))
            .chain(theirs.artifacts.iter().map(|a| (None, a)))
        {
            if seen.insert(artifact.name.clone()) {
                merged.arguments.artifacts.push(artifact.clone());
                merged.artifact_origin.push(origin);
            }
        }
        merged
    }

    /// P1-P6, A1, A2 on the (merged) `spec.arguments`; findings about arguments that come
    /// from the referenced WorkflowTemplate point at `workflowTemplateRef`.
    fn check_spec_arguments(
        &mut self,
        merged: &MergedArguments,
        is_merged: bool,
        allow_empty: bool,
    ) {
        let at = self.spec_path.key("arguments");
        let mut found = Vec::new();
        checks::arguments(
            &merged.arguments,
            &at,
            "spec.arguments.",
            allow_empty,
            &mut found,
        );
        if is_merged {
            let ref_path = self.spec_path.key("workflowTemplateRef");
            for diagnostic in &mut found {
                remap_merged(diagnostic, &at, merged, &ref_path);
            }
        }
        self.absorb(found);
    }

    /// The global variables of section 3.3 (all but `workflow.failures` and the outputs, which
    /// are registered during the walk).
    fn register_globals(&mut self, arguments: &Arguments, referenced: Option<&Base<'_>>) {
        for key in [
            "workflow.name",
            "workflow.namespace",
            "workflow.mainEntrypoint",
            "workflow.serviceAccountName",
            "workflow.uid",
        ] {
            let placeholder = self.placeholder_for(key);
            self.globals.set(key, placeholder);
        }
        if !arguments.parameters.is_empty() {
            for key in ["workflow.parameters", "workflow.parameters.json"] {
                let placeholder = self.placeholder_for(key);
                self.globals.set(key, placeholder);
            }
        }
        for parameter in &arguments.parameters {
            if parameter.name.is_empty() {
                continue;
            }
            let value = match &parameter.value {
                Some(value) => value.to_string(),
                None => self.placeholder_for(&format!("workflow.parameters.{}", parameter.name)),
            };
            self.globals
                .set(format!("workflow.parameters.{}", parameter.name), value);
        }
        let (labels, annotations) = self.metadata_keys(referenced);
        for key in annotations {
            let placeholder = self.placeholder_for(&format!("workflow.annotations.{key}"));
            self.globals
                .set(format!("workflow.annotations.{key}"), placeholder);
        }
        for key in ["workflow.annotations", "workflow.annotations.json"] {
            let placeholder = self.placeholder_for(key);
            self.globals.set(key, placeholder);
        }
        for key in labels {
            let placeholder = self.placeholder_for(&format!("workflow.labels.{key}"));
            self.globals
                .set(format!("workflow.labels.{key}"), placeholder);
        }
        for key in ["workflow.labels", "workflow.labels.json"] {
            let placeholder = self.placeholder_for(key);
            self.globals.set(key, placeholder);
        }
        if let Some(priority) = self.object.spec.priority {
            self.globals.set("workflow.priority", priority.to_string());
        }
        let placeholder = self.placeholder_for("workflow.status");
        self.globals.set("workflow.status", placeholder);
    }

    /// Label and annotation keys the workflow is known to carry (sorted, unique).
    fn metadata_keys(&self, referenced: Option<&Base<'_>>) -> (Vec<String>, Vec<String>) {
        let object = self.object;
        let mut labels: Vec<String> = Vec::new();
        let mut annotations: Vec<String> = Vec::new();
        if object.kind == ArgoKind::CronWorkflow {
            // What `ConvertCronWorkflowToWorkflow` gives the workflow it validates.
            labels.push("workflows.argoproj.io/cron-workflow".to_string());
            annotations.push("workflows.argoproj.io/scheduled-time".to_string());
            let own = object.metadata.labels.as_ref();
            let instance = "workflows.argoproj.io/controller-instanceid";
            if own.is_some_and(|l| l.contains_key(instance)) {
                labels.push(instance.to_string());
            }
            if let Some(meta) = object
                .cron
                .as_ref()
                .and_then(|c| c.workflow_metadata.as_ref())
            {
                labels.extend(meta.labels.iter().flatten().map(|(k, _)| k.clone()));
                annotations.extend(meta.annotations.iter().flatten().map(|(k, _)| k.clone()));
            }
        } else {
            labels.extend(
                object
                    .metadata
                    .labels
                    .iter()
                    .flatten()
                    .map(|(k, _)| k.clone()),
            );
            annotations.extend(
                object
                    .metadata
                    .annotations
                    .iter()
                    .flatten()
                    .map(|(k, _)| k.clone()),
            );
        }
        // The controller's `workflowDefaults` (Argo's server and controller pass them).
        if let Lookup::Found(controller) = self.cx.context.controller()
            && let Some(meta) = controller
                .workflow_defaults
                .as_ref()
                .and_then(|d| d.at("/spec/workflowMetadata"))
        {
            let keys = |field: &str| -> Vec<String> {
                meta.get(field)
                    .and_then(serde_json::Value::as_object)
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default()
            };
            labels.extend(keys("labels"));
            labels.extend(keys("labelsFrom"));
            annotations.extend(keys("annotations"));
        }
        let specs = std::iter::once(&object.spec).chain(referenced.map(Base::spec));
        for spec in specs {
            if let Some(meta) = &spec.workflow_metadata {
                labels.extend(meta.labels.keys().cloned());
                labels.extend(meta.labels_from.keys().cloned());
                annotations.extend(meta.annotations.keys().cloned());
            }
        }
        labels.sort();
        labels.dedup();
        annotations.sort();
        annotations.dedup();
        (labels, annotations)
    }

    /// The WorkflowTemplate (or ClusterWorkflowTemplate) `name` as a template holder.
    fn lookup_holder(&self, name: &str, cluster: bool) -> Lookup<Base<'static>> {
        let found: Lookup<TemplateObject> = if cluster {
            self.cx.context.cluster_workflow_template(name)
        } else {
            match self.cx.namespace {
                Some(namespace) => self.cx.context.workflow_template(namespace, name),
                // A ClusterWorkflowTemplate cannot see namespaced templates while linted
                // (Argo passes no getter and would crash).
                None => Lookup::Unknown,
            }
        };
        let scope = if cluster {
            BaseScope::Cluster
        } else {
            BaseScope::Namespaced
        };
        found.map(|t| Base::remote(scope, name, t.object))
    }

    /// The finding for a `templateRef`/`workflowTemplateRef` whose object does not exist.
    fn missing_object(&self, name: &str, cluster: bool, at: FieldPath) -> Diagnostic {
        let (message, argo) = if cluster {
            (
                format!("ClusterWorkflowTemplate `{name}` not found"),
                format!("couldn't find cluster workflow template {}", go_quote(name)),
            )
        } else {
            let namespace = self.cx.namespace.unwrap_or_default();
            (
                format!("WorkflowTemplate `{name}` not found in namespace `{namespace}`"),
                format!(
                    "couldn't find workflow template {} in namespace {}",
                    go_quote(name),
                    go_quote(namespace)
                ),
            )
        };
        Diagnostic::new(&rules::TEMPLATE_REF_NOT_FOUND, at, message)
            .argo(argo)
            .help(
                "lint the WorkflowTemplate together with this file or pass it with `--context`; \
                 `clusterScope: true` refers to a ClusterWorkflowTemplate",
            )
    }

    /// `validateTemplateHolder`: check and resolve the call, then validate the template.
    pub(crate) fn validate_holder(
        &mut self,
        holder: &Holder<'_>,
        base: &Base<'_>,
        args: Args<'_>,
    ) -> Resolution {
        let caller_anchor = self.anchor.clone();
        if let Some(reference) = &holder.template_ref {
            let mut malformed = false;
            if !holder.template.is_empty() {
                malformed = true;
                self.emit(
                    Diagnostic::new(
                        &rules::TEMPLATE_REF_INVALID,
                        holder.name_at.clone(),
                        "`template` and `templateRef` are both set; a call uses one of them",
                    )
                    .on_key()
                    .argo("template name cannot be specified with templateRef")
                    .help("remove `template:` (or `templateRef:`)"),
                );
            }
            if reference.name.is_empty() {
                malformed = true;
                self.emit(
                    Diagnostic::new(
                        &rules::TEMPLATE_REF_INVALID,
                        holder.ref_at.clone(),
                        "`templateRef` has no `name` (the WorkflowTemplate to use)",
                    )
                    .on_key()
                    .argo("resource name is required")
                    .help("add `name: <WorkflowTemplate name>` to the templateRef"),
                );
            }
            if reference.template.is_empty() {
                malformed = true;
                self.emit(
                    Diagnostic::new(
                        &rules::TEMPLATE_REF_INVALID,
                        holder.ref_at.clone(),
                        "`templateRef` has no `template` (the template inside the WorkflowTemplate)",
                    )
                    .on_key()
                    .argo("template name is required")
                    .help("add `template: <template name>` to the templateRef"),
                );
            }
            if malformed {
                return Resolution::Failed;
            }
            let has_variable = |text: &str| {
                tags::scan(text).is_ok_and(|found| found.iter().any(|t| !t.is_expression()))
            };
            if has_variable(&reference.name) || has_variable(&reference.template) {
                return Resolution::Skipped;
            }
        } else if !holder.template.is_empty() && base.template(holder.template).is_none() {
            let diagnostic = self.undefined_template(holder, base);
            self.emit(diagnostic);
            return Resolution::Failed;
        }
        // Argo's `GetTemplate` order: an inline template wins, then the reference, then the
        // name.
        if let Some(inline) = holder.inline {
            let place = holder.node.key("inline");
            let call = Call {
                holder,
                inline: true,
                caller_anchor: &caller_anchor,
            };
            self.validate_resolved(inline, &place, base, args, &call)
        } else if let Some(reference) = &holder.template_ref {
            self.validate_reference(holder, reference, args, &caller_anchor)
        } else if let Some((index, template)) = base.template(holder.template) {
            let place = base.templates_path.index(index);
            let call = Call {
                holder,
                inline: false,
                caller_anchor: &caller_anchor,
            };
            self.validate_resolved(template, &place, base, args, &call)
        } else {
            self.emit(
                Diagnostic::new(
                    &rules::TEMPLATE_NOT_FOUND,
                    holder.node.clone(),
                    "this call names no template: set `template`, `templateRef` or `inline`",
                )
                .argo("failed to get a template")
                .help("add `template: <name>` naming a template of this workflow"),
            );
            Resolution::Failed
        }
    }

    fn undefined_template(&self, holder: &Holder<'_>, base: &Base<'_>) -> Diagnostic {
        let name = holder.template;
        let known: Vec<&str> = base
            .spec()
            .templates
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        let mut diagnostic = Diagnostic::new(
            &rules::TEMPLATE_NOT_FOUND,
            holder.name_at.clone(),
            format!("there is no template named `{name}` in {}", base.describe()),
        )
        .argo(format!("template name '{name}' undefined"));
        match closest(name, known.iter().copied()) {
            Some(suggestion) => {
                diagnostic = diagnostic
                    .help(format!("did you mean `{suggestion}`?"))
                    .fix(Fix {
                        title: format!("Use template `{suggestion}`"),
                        edits: vec![crate::diagnostic::Edit::ReplaceValue {
                            path: holder.name_at.clone(),
                            new_value: suggestion.to_string(),
                        }],
                    });
            }
            None => {
                diagnostic = diagnostic.help(
                    "name a template of `spec.templates`, or use `templateRef` for a template of a WorkflowTemplate",
                );
            }
        }
        diagnostic
    }

    /// Resolve a `templateRef` through the context and validate the template it names.
    fn validate_reference(
        &mut self,
        holder: &Holder<'_>,
        reference: &TemplateRef,
        args: Args<'_>,
        caller_anchor: &Option<Anchor>,
    ) -> Resolution {
        let target = match self.lookup_holder(&reference.name, reference.cluster_scope) {
            Lookup::Found(target) => target,
            Lookup::Missing => {
                let diagnostic = self.missing_object(
                    &reference.name,
                    reference.cluster_scope,
                    holder.ref_at.key("name"),
                );
                self.emit(diagnostic);
                return Resolution::Failed;
            }
            Lookup::Unknown => return Resolution::Unknown,
        };
        let Some((index, template)) = target.template(&reference.template) else {
            if reference.template.contains(tags::PLACEHOLDER_PREFIX) {
                return Resolution::Skipped;
            }
            let known: Vec<&str> = target
                .spec()
                .templates
                .iter()
                .map(|t| t.name.as_str())
                .collect();
            let mut diagnostic = Diagnostic::new(
                &rules::TEMPLATE_REF_NOT_FOUND,
                holder.ref_at.key("template"),
                format!(
                    "template reference not found: {} has no template `{}`",
                    target.describe(),
                    reference.template
                ),
            )
            .argo(format!(
                "template reference {}.{} not found",
                reference.name, reference.template
            ));
            if let Some(suggestion) = closest(&reference.template, known.iter().copied()) {
                diagnostic = diagnostic.help(format!("did you mean `{suggestion}`?"));
            }
            self.emit(diagnostic);
            return Resolution::Failed;
        };
        let template = template.clone();
        let place = target.templates_path.index(index);
        let entering = self.anchor.is_none();
        if entering {
            self.anchor = Some(Anchor {
                path: holder.ref_at.clone(),
                object: target.describe(),
            });
        }
        let call = Call {
            holder,
            inline: false,
            caller_anchor,
        };
        let resolution = self.validate_resolved(&template, &place, &target, args, &call);
        if entering {
            self.anchor = None;
        }
        resolution
    }

    /// The part of `validateTemplateHolder` after resolution: the type (T9), the retry
    /// policy (T11), then `validateTemplate`.
    fn validate_resolved(
        &mut self,
        template: &Template,
        place: &FieldPath,
        base: &Base<'_>,
        args: Args<'_>,
        call: &Call<'_>,
    ) -> Resolution {
        let callee = Callee::of(template);
        if template.template_type() == TemplateType::Unknown {
            self.check_with(|out| checks::template_type(template, place, out));
            return Resolution::Resolved(callee);
        }
        self.check_with(|out| checks::retry_policy(template, place, out));
        self.validate_template(template, place, base, args, call);
        Resolution::Resolved(callee)
    }

    /// `validateTemplate`.
    fn validate_template(
        &mut self,
        template: &Template,
        place: &FieldPath,
        base: &Base<'_>,
        args: Args<'_>,
        call: &Call<'_>,
    ) {
        self.check_with(|out| {
            checks::template_type(template, place, out);
            checks::template_local(template, place, out);
            checks::inputs(template, place, out);
        });

        let mut scope = Scope::default();
        for parameter in &template.inputs.parameters {
            scope.add(["inputs.parameters.", &parameter.name].concat());
        }
        if !template.inputs.parameters.is_empty() {
            scope.add("inputs.parameters");
        }
        let leaf = template.is_leaf();
        for artifact in &template.inputs.artifacts {
            scope.add(["inputs.artifacts.", &artifact.name].concat());
            if leaf {
                scope.add(["inputs.artifacts.", &artifact.name, ".path"].concat());
            }
        }
        let mut locals: Vec<(String, String)> = Vec::new();
        if template.is_pod_type() {
            let placeholder = self.placeholder_for("pod.name");
            locals.push(("pod.name".to_string(), placeholder));
            scope.add("pod.name");
        }
        if template.retry_strategy.is_some() {
            for key in [
                "retries",
                "lastRetry.exitCode",
                "lastRetry.status",
                "lastRetry.duration",
                "lastRetry.message",
            ] {
                let placeholder = self.placeholder_for(key);
                locals.push((key.to_string(), placeholder));
                scope.add(key);
            }
        }
        if leaf {
            for artifact in &template.outputs.artifacts {
                if !artifact.path.is_empty() {
                    scope.add(["outputs.artifacts.", &artifact.name, ".path"].concat());
                }
            }
            for parameter in &template.outputs.parameters {
                if parameter
                    .value_from
                    .as_ref()
                    .is_some_and(|v| !v.path.is_empty())
                {
                    scope.add(["outputs.parameters.", &parameter.name, ".path"].concat());
                }
            }
        }

        let bound = self.bind_inputs(template, args);
        if !bound.missing.is_empty() {
            let saved = std::mem::replace(&mut self.anchor, call.caller_anchor.clone());
            for missing in &bound.missing {
                let diagnostic = missing_input(template, missing, call.holder);
                self.emit(diagnostic);
            }
            self.anchor = saved;
        }

        let key = if call.inline {
            format!("inline:{}:{place}", base.key())
        } else {
            [base.key().as_str(), "/", &template.name].concat()
        };
        if self.validated.contains(&key) {
            // Argo re-runs only the checks before its cache on later calls; of those, only
            // the ones on substituted fields can differ from one call to the next.
            let needs_check = !template.timeout.is_empty()
                || !template.pending_timeout.is_empty()
                || !template.resource_claims.is_empty();
            if needs_check {
                let mut light = template.clone();
                light.timeout = self.substitute_field(&template.timeout, template, &bound, &locals);
                light.pending_timeout =
                    self.substitute_field(&template.pending_timeout, template, &bound, &locals);
                self.check_with(|out| checks::after_substitution(&light, place, out));
            }
            return;
        }
        self.validated.insert(key);
        let processed = self.substitute_template(template, args, &bound, &locals);
        let substituted: &Template = &processed.template;
        self.check_with(|out| checks::after_substitution(substituted, place, out));

        let name = template.name.clone();
        match substituted.template_type() {
            TemplateType::Steps => {
                self.validate_steps(substituted, &processed.value, place, base, &mut scope);
            }
            TemplateType::Dag => {
                self.validate_dag(substituted, &processed.value, place, base, &mut scope);
            }
            _ => {
                self.resolve_value(
                    &processed.value,
                    place,
                    &scope,
                    &format_args!("templates.{name}: "),
                    &name,
                );
                self.resolve_pod_metadata(template, base, &bound, &locals, &scope);
                let image_defaults = base.image_defaults();
                self.check_with(|out| checks::leaf(substituted, place, image_defaults, out));
            }
        }
        self.check_with(|out| checks::outputs(substituted, place, out));
        if let Some(outputs) = processed.value.get("outputs") {
            self.resolve_value(
                outputs,
                &place.key("outputs"),
                &scope,
                &format_args!("templates.{name}.outputs "),
                &name,
            );
        }
        self.check_with(|out| checks::template_tail(substituted, place, out));
    }

    /// The holder's `podMetadata` labels and annotations are merged into each template's
    /// metadata when it is resolved (keys the template sets itself win), so Argo checks their
    /// variables as part of every leaf template.
    fn resolve_pod_metadata(
        &mut self,
        template: &Template,
        base: &Base<'_>,
        bound: &super::args::Bound,
        locals: &[(String, String)],
        scope: &Scope,
    ) {
        let Some(pod_metadata) = base.spec().pod_metadata.as_ref() else {
            return;
        };
        let at = base.templates_path.parent().key("podMetadata");
        let name = template.name.as_str();
        for (field, entries, own) in [
            ("labels", &pod_metadata.labels, &template.metadata.labels),
            (
                "annotations",
                &pod_metadata.annotations,
                &template.metadata.annotations,
            ),
        ] {
            for (key, value) in entries {
                if own.contains_key(key) || !tags::has_tags(value) {
                    continue;
                }
                let substituted = self.substitute_field(value, template, bound, locals);
                self.resolve_text(
                    &substituted,
                    &at.key(field).key(key.clone()),
                    scope,
                    &format_args!("templates.{name}: "),
                    name,
                );
            }
        }
    }

    /// `addOutputsToScope`: what the rest of a steps/DAG template may reference of a call.
    pub(crate) fn add_outputs(
        &mut self,
        callee: &Resolution,
        root: &str,
        name: &str,
        scope: &mut Scope,
        aggregate: bool,
        ancestor: bool,
    ) {
        let node = [root, ".", name].concat();
        for field in ["id", "startedAt", "finishedAt", "hostNodeName"] {
            scope.add([node.as_str(), ".", field].concat());
        }
        if ancestor {
            scope.add([node.as_str(), ".status"].concat());
        }
        let callee = match callee {
            Resolution::Resolved(callee) => callee,
            Resolution::Skipped => return,
            Resolution::Unknown | Resolution::Failed => {
                scope.add_prefix([node.as_str(), "."].concat());
                return;
            }
        };
        if callee.daemon {
            scope.add([node.as_str(), ".ip"].concat());
        }
        if callee.has_output {
            scope.add([node.as_str(), ".outputs.result"].concat());
            scope.add([node.as_str(), ".exitCode"].concat());
        }
        for (parameter, global) in &callee.parameters {
            scope.add([node.as_str(), ".outputs.parameters.", parameter].concat());
            if !global.is_empty() {
                if tags::is_parameter(global) {
                    scope.add(super::scope::ANY_WORKFLOW_OUTPUT_PARAMETER);
                } else {
                    let key = ["workflow.outputs.parameters.", global].concat();
                    scope.add(key.clone());
                    let placeholder = self.placeholder_for(&key);
                    self.globals.set(key, placeholder);
                }
            }
        }
        for (artifact, global) in &callee.artifacts {
            scope.add([node.as_str(), ".outputs.artifacts.", artifact].concat());
            if !global.is_empty() {
                if tags::is_parameter(global) {
                    scope.add(ANY_WORKFLOW_OUTPUT_ARTIFACT);
                } else {
                    let key = ["workflow.outputs.artifacts.", global].concat();
                    scope.add(key.clone());
                    let placeholder = self.placeholder_for(&key);
                    self.globals.set(key, placeholder);
                }
            }
        }
        if aggregate {
            if matches!(
                callee.kind,
                TemplateType::Script | TemplateType::ContainerSet
            ) {
                scope.add([node.as_str(), ".outputs.result"].concat());
                scope.add([node.as_str(), ".exitCode"].concat());
            }
            scope.add([node.as_str(), ".outputs.parameters"].concat());
        }
    }
}

/// `spec.arguments` after the `workflowTemplateRef` merge, with where each item came from
/// (`Some(index)` in the workflow's own list, `None` from the WorkflowTemplate).
pub(crate) struct MergedArguments {
    pub(crate) arguments: Arguments,
    parameter_origin: Vec<Option<usize>>,
    artifact_origin: Vec<Option<usize>>,
}

/// Point a finding about merged argument `i` at the workflow's own argument, or at
/// `workflowTemplateRef` when the argument comes from the WorkflowTemplate.
fn remap_merged(
    diagnostic: &mut Diagnostic,
    at: &FieldPath,
    merged: &MergedArguments,
    ref_path: &FieldPath,
) {
    use crate::path::Segment;
    let segments = diagnostic.path.segments();
    let base = at.segments();
    if !diagnostic.path.starts_with(at) || segments.len() < base.len() + 2 {
        return;
    }
    let (Segment::Key(list), Segment::Index(index)) =
        (&segments[base.len()], &segments[base.len() + 1])
    else {
        return;
    };
    let origin = match &**list {
        "parameters" => merged.parameter_origin.get(*index),
        "artifacts" => merged.artifact_origin.get(*index),
        _ => return,
    };
    match origin {
        Some(Some(own)) => {
            let mut path = at.key(list.clone()).index(*own);
            for segment in &segments[base.len() + 2..] {
                match segment {
                    Segment::Key(k) => path.push_key(k.clone()),
                    Segment::Index(i) => path.push_index(*i),
                }
            }
            diagnostic.path = path;
        }
        _ => {
            diagnostic.message = format!(
                "{} (argument of the referenced WorkflowTemplate)",
                diagnostic.message
            );
            diagnostic.path = ref_path.clone();
            diagnostic.target = Target::Value;
            diagnostic.fix = None;
        }
    }
}

/// An input a call does not supply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Missing {
    Parameter(String),
    Artifact(String),
}

fn missing_input(template: &Template, missing: &Missing, holder: &Holder<'_>) -> Diagnostic {
    let name = &template.name;
    let (what, input, argo) = match missing {
        Missing::Parameter(p) => (
            "input parameter",
            p,
            format!("templates.{name} inputs.parameters.{p} was not supplied"),
        ),
        Missing::Artifact(a) => (
            "input artifact",
            a,
            format!("templates.{name} inputs.artifacts.{a} was not supplied"),
        ),
    };
    let help = match missing {
        Missing::Parameter(p) => format!(
            "pass it under `arguments.parameters` (`- name: {p}` with a `value`), or give the input a `default`"
        ),
        Missing::Artifact(a) => format!(
            "pass it under `arguments.artifacts` (`- name: {a}` with `from` or a location), or mark the input `optional: true`"
        ),
    };
    Diagnostic::new(
        &rules::INPUT_NOT_SUPPLIED,
        holder.site.clone(),
        format!("template `{name}` needs {what} `{input}`, but this call does not supply it"),
    )
    .argo(argo)
    .help(help)
}

/// A finding for a hook without an expression.
pub(crate) fn hook_finding(at: FieldPath, argo: String, name: &str) -> Diagnostic {
    Diagnostic::new(
        &rules::HOOK_EXPRESSION_MISSING,
        at,
        format!("hook `{name}` has no `expression`; only the `exit` hook runs without one"),
    )
    .on_key()
    .argo(argo)
    .help("add `expression: <condition>` to the hook, or key it `exit`")
}

fn entrypoint_help(spec: &WorkflowSpec) -> String {
    match spec.templates.first() {
        Some(first) if !first.name.is_empty() => {
            format!(
                "add `entrypoint: {}` (or another template's name)",
                first.name
            )
        }
        _ => "add `entrypoint: <template name>`".to_string(),
    }
}

/// Go's `%q` of a string (enough for names: quotes and backslashes escaped).
pub(crate) fn go_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The candidate closest to `name`, when one is clearly meant.
pub(crate) fn closest<'c>(
    name: &str,
    candidates: impl Iterator<Item = &'c str>,
) -> Option<&'c str> {
    candidates
        .filter(|c| !c.is_empty() && *c != name)
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
