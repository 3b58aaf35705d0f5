//! Rules of the `argo` group: everything Argo's own validator (`argo lint --strict`) checks.
//!
//! The checks themselves live in [`crate::validate`]; this file declares their codes and docs.

use crate::declare_rule;

use super::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a field that Argo's API does not have, with the closest known field name.
    ///
    /// ## Why it matters
    /// `argo lint` (strict by default) rejects the object with `strict decoding error: unknown
    /// field`, and the Kubernetes API server prunes or rejects it; a misspelt field
    /// (`containr:`) silently does nothing.
    ///
    /// ## Example
    /// ```yaml
    /// templates:
    ///   - name: main
    ///     containr:
    ///       image: alpine
    /// ```
    ///
    /// ## Fix
    /// Use the suggested field name, or remove the field.
    pub static UNKNOWN_FIELD = {
        code: "unknown-field",
        group: "argo",
        severity: Error,
        summary: "field not in Argo's API",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a value of the wrong type, e.g. a list where Argo expects a mapping.
    ///
    /// ## Why it matters
    /// Argo cannot decode the object at all; it is rejected before any other check runs, so
    /// wflint also stops checking that object after this finding.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   templates:
    ///     name: main    # must be a list of templates
    /// ```
    ///
    /// ## Fix
    /// Give the field the type the Argo API documents.
    pub static INVALID_TYPE = {
        code: "invalid-type",
        group: "argo",
        severity: Error,
        summary: "value has the wrong type",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a Workflow or CronWorkflow without `spec.entrypoint` (and none inherited from
    /// the WorkflowTemplate it references).
    ///
    /// ## Why it matters
    /// Argo does not know which template to start with: `argo submit` and `argo lint` reject
    /// the workflow with `spec.entrypoint is required`, and a Workflow applied with `kubectl`
    /// fails at once with `invalid spec: spec.entrypoint is required`. (WorkflowTemplates may
    /// omit it; the Workflow that uses them names the entrypoint.)
    ///
    /// ## Example
    /// ```yaml
    /// kind: Workflow
    /// spec:
    ///   templates:
    ///     - name: main
    ///       container: {image: alpine}
    /// ```
    ///
    /// ## Fix
    /// Add `entrypoint: <template name>` to the spec.
    pub static ENTRYPOINT_MISSING = {
        code: "entrypoint-missing",
        group: "argo",
        severity: Error,
        summary: "no spec.entrypoint",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a call of a template that does not exist in the same object: the entrypoint, a
    /// step or task `template:`, `onExit`, or a step or task that names no template at all.
    ///
    /// ## Why it matters
    /// Argo rejects the workflow with `template name 'x' undefined` (or `failed to get a
    /// template`); a Workflow created directly fails with `invalid spec: ...` before any pod
    /// runs.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   entrypoint: main
    ///   templates:
    ///     - name: main
    ///       steps:
    ///         - - name: hello
    ///             template: whalesay   # no template of that name
    /// ```
    ///
    /// ## Fix
    /// Use the name of a template of `spec.templates` (wflint suggests a close one), or
    /// `templateRef` for a template of a WorkflowTemplate.
    pub static TEMPLATE_NOT_FOUND = {
        code: "template-not-found",
        group: "argo",
        severity: Error,
        summary: "a called template does not exist",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a malformed `templateRef`: together with `template:`, or without `name` or
    /// `template`.
    ///
    /// ## Why it matters
    /// Argo rejects it with `template name cannot be specified with templateRef`, `resource
    /// name is required` or `template name is required`.
    ///
    /// ## Example
    /// ```yaml
    /// - name: call
    ///   template: print
    ///   templateRef:
    ///     name: library
    ///     template: print
    /// ```
    ///
    /// ## Fix
    /// Use either `template:` (a template of this object) or `templateRef:` with both `name`
    /// (the WorkflowTemplate) and `template` (the template inside it).
    pub static TEMPLATE_REF_INVALID = {
        code: "template-ref-invalid",
        group: "argo",
        severity: Error,
        summary: "templateRef is malformed",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a `templateRef` or `workflowTemplateRef` whose WorkflowTemplate or
    /// ClusterWorkflowTemplate is not among the files linted and the `--context`, or which has
    /// no template of the referenced name.
    ///
    /// ## Why it matters
    /// Argo rejects the workflow (`template reference x.y not found`, or offline
    /// `couldn't find workflow template "x" in namespace "ns"`); at run time the step errors.
    /// WorkflowTemplates are looked up in the namespace of the object being linted.
    ///
    /// ## Example
    /// ```yaml
    /// - name: call
    ///   templateRef:
    ///     name: library      # no WorkflowTemplate `library` in this namespace
    ///     template: print
    /// ```
    ///
    /// ## Fix
    /// Lint the WorkflowTemplate together with the workflow (or give it with `--context`),
    /// check the names and the namespace, and use `clusterScope: true` for a
    /// ClusterWorkflowTemplate.
    pub static TEMPLATE_REF_NOT_FOUND = {
        code: "template-ref-not-found",
        group: "argo",
        severity: Error,
        summary: "referenced WorkflowTemplate or template not found",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a Workflow that has both `workflowTemplateRef` and its own `templates`.
    ///
    /// ## Why it matters
    /// Argo rejects it with `Templates is invalid field in spec if workflow referred
    /// WorkflowTemplate reference`: the templates come from the WorkflowTemplate only.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   workflowTemplateRef:
    ///     name: library
    ///   templates:
    ///     - name: extra
    ///       container: {image: alpine}
    /// ```
    ///
    /// ## Fix
    /// Move the templates into the WorkflowTemplate, or drop `workflowTemplateRef`.
    pub static WORKFLOW_TEMPLATE_REF_CONFLICT = {
        code: "workflow-template-ref-conflict",
        group: "argo",
        severity: Error,
        summary: "workflowTemplateRef together with templates",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a call of a template that does not supply one of its input parameters (without
    /// `value` or `default`) or required input artifacts (not `optional`, no location). Calls
    /// are steps, tasks, the entrypoint (supplied by `spec.arguments`) and `onExit`.
    ///
    /// ## Why it matters
    /// Argo rejects the workflow with `templates.x inputs.parameters.y was not supplied`
    /// (nested calls chain their prefixes); at run time the node errors.
    ///
    /// ## Example
    /// ```yaml
    /// - name: greet
    ///   template: print     # print has input parameter `message` without a default
    /// ```
    ///
    /// ## Fix
    /// Pass the input under `arguments:` of the call, or give the input a `default` (an
    /// artifact: a location, or `optional: true`).
    pub static INPUT_NOT_SUPPLIED = {
        code: "input-not-supplied",
        group: "argo",
        severity: Error,
        summary: "a template input is not supplied by its caller",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a `{{...}}` variable that Argo cannot resolve where it is used: an undeclared
    /// input, a step or task that does not exist or runs later, an output the called template
    /// does not declare, an unknown `workflow.*` variable, `item.x` without a loop, or a
    /// `{{` without `}}`. Like Argo, only variables under `inputs.`, `outputs.`, `steps.`,
    /// `tasks.`, `item.`, `pod.` and `workflow.` are checked, and `{{= ...}}` expressions are
    /// not.
    ///
    /// ## Why it matters
    /// Argo rejects the workflow with `failed to resolve {{...}}`; unresolved variables that
    /// slip through reach the container as literal text.
    ///
    /// ## Example
    /// ```yaml
    /// - name: print
    ///   inputs:
    ///     parameters: [{name: message}]
    ///   container:
    ///     image: alpine
    ///     args: ["{{inputs.parameters.mesage}}"]
    /// ```
    ///
    /// ## Fix
    /// Correct the name, declare the input, or reference only steps of earlier groups (tasks
    /// the task depends on).
    pub static UNRESOLVED_VARIABLE = {
        code: "unresolved-variable",
        group: "argo",
        severity: Error,
        summary: "a {{...}} variable cannot be resolved",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a DAG dependency that names no task of the DAG (in `dependencies` or in a
    /// `depends` expression), a `depends` result Argo does not know (`A.Finished`,
    /// lower-case `A.succeeded`), or `.AnySucceeded`/`.AllFailed` on a task that does not loop.
    ///
    /// ## Why it matters
    /// Argo rejects the workflow with `sorting failed: invalid dependency x`, `task result
    /// 'y' for task 'x' is invalid` or `... uses an items-based condition ... but does not
    /// contain any items`.
    ///
    /// ## Example
    /// ```yaml
    /// tasks:
    ///   - {name: A, template: echo}
    ///   - {name: B, template: echo, depends: "A.Succeded"}
    /// ```
    ///
    /// ## Fix
    /// Name existing tasks and one of `Succeeded`, `Failed`, `Errored`, `Skipped`, `Omitted`,
    /// `Daemoned`, `AnySucceeded`, `AllFailed` (capitalised).
    pub static DAG_DEPENDENCY_INVALID = {
        code: "dag-dependency-invalid",
        group: "argo",
        severity: Error,
        summary: "a DAG dependency is invalid",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports DAG tasks that depend on each other in a cycle.
    ///
    /// ## Why it matters
    /// No task of the cycle can ever start; Argo rejects the workflow with `sorting failed:
    /// graph with cycle`.
    ///
    /// ## Example
    /// ```yaml
    /// tasks:
    ///   - {name: A, template: echo, dependencies: [B]}
    ///   - {name: B, template: echo, dependencies: [A]}
    /// ```
    ///
    /// ## Fix
    /// Remove one of the dependencies of the cycle.
    pub static DAG_CYCLE = {
        code: "dag-cycle",
        group: "argo",
        severity: Error,
        summary: "DAG tasks depend on each other in a cycle",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports DAG settings that do not go with `depends`: `dependencies` or `continueOn` in a
    /// DAG where a task uses `depends`, and a task name starting with a digit when
    /// `depends` or `dependencies` is used.
    ///
    /// ## Why it matters
    /// Argo rejects the workflow (`cannot use both 'depends' and 'dependencies' in the same
    /// DAG template`, `cannot use 'continueOn' when using 'depends'`, `name cannot begin with a
    /// digit when using either 'depends' or 'dependencies'`).
    ///
    /// ## Example
    /// ```yaml
    /// tasks:
    ///   - {name: A, template: echo, continueOn: {failed: true}}
    ///   - {name: B, template: echo, depends: "A"}
    /// ```
    ///
    /// ## Fix
    /// Use only `depends` (`A.Succeeded || A.Failed` replaces `continueOn`), and start task
    /// names with a letter.
    pub static DAG_DEPENDS_CONFLICT = {
        code: "dag-depends-conflict",
        group: "argo",
        severity: Error,
        summary: "depends mixed with dependencies or continueOn",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a DAG `target` that names no task of the DAG.
    ///
    /// ## Why it matters
    /// Argo rejects the workflow with `templates.x.targets: target 'y' is not defined`.
    ///
    /// ## Example
    /// ```yaml
    /// dag:
    ///   target: build deploy   # no task `deploy`
    ///   tasks:
    ///     - {name: build, template: echo}
    /// ```
    ///
    /// ## Fix
    /// List existing task names, separated by single spaces.
    pub static DAG_TARGET_INVALID = {
        code: "dag-target-invalid",
        group: "argo",
        severity: Error,
        summary: "a DAG target is not a task",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a DAG task argument whose value starts with `{{tasks.X.` (or an artifact
    /// `from: "{{tasks.X...`) where X is not a task this task depends on (directly or
    /// transitively).
    ///
    /// ## Why it matters
    /// X may not have run yet when the task starts; Argo rejects the workflow with `missing
    /// dependency 'X' for parameter 'p'`.
    ///
    /// ## Example
    /// ```yaml
    /// tasks:
    ///   - {name: A, template: gen}
    ///   - name: B
    ///     template: print
    ///     arguments:
    ///       parameters: [{name: msg, value: "{{tasks.A.outputs.result}}"}]   # no depends on A
    /// ```
    ///
    /// ## Fix
    /// Add the producing task to `depends` (or `dependencies`).
    pub static DAG_MISSING_DEPENDENCY = {
        code: "dag-missing-dependency",
        group: "argo",
        severity: Error,
        summary: "a task uses the output of a task it does not depend on",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a DAG template without tasks.
    ///
    /// ## Why it matters
    /// Argo rejects the workflow with `templates.x must have at least one task`.
    ///
    /// ## Example
    /// ```yaml
    /// - name: main
    ///   dag:
    ///     tasks: []
    /// ```
    ///
    /// ## Fix
    /// Add tasks, or remove the template.
    pub static DAG_EMPTY = {
        code: "dag-empty",
        group: "argo",
        severity: Error,
        summary: "a DAG has no tasks",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a step or DAG task name that is missing, used twice in the same template, or
    /// not made of letters, digits and `-` (starting with a letter or digit, at most 128
    /// characters).
    ///
    /// ## Why it matters
    /// Names become node names and `{{steps.<name>...}}` keys; Argo rejects the workflow with
    /// `steps[0].name is required`, `... is not unique`, `... is invalid` or, for tasks,
    /// `sorting failed: duplicated nodeName x`.
    ///
    /// ## Example
    /// ```yaml
    /// steps:
    ///   - - name: build_image   # `_` is not allowed
    ///       template: build
    /// ```
    ///
    /// ## Fix
    /// Give each step or task a unique name of letters, digits and dashes.
    pub static STEP_NAME_INVALID = {
        code: "step-name-invalid",
        group: "argo",
        severity: Error,
        summary: "a step or task name is missing, duplicated or invalid",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a step or task with more than one of `withItems`, `withParam` and
    /// `withSequence`, a `withSequence` with both `count` and `end`, or a `withItems` element
    /// Argo cannot loop over.
    ///
    /// ## Why it matters
    /// Argo rejects the workflow with `only one of withItems, withParam, withSequence can be
    /// specified` or `only one of count or end can be defined in withSequence`.
    ///
    /// ## Example
    /// ```yaml
    /// - name: each
    ///   template: print
    ///   withItems: [a, b]
    ///   withParam: "{{steps.list.outputs.result}}"
    /// ```
    ///
    /// ## Fix
    /// Keep one loop source; give `withSequence` either `count` or `start`/`end`.
    pub static LOOP_CONFLICT = {
        code: "loop-conflict",
        group: "argo",
        severity: Error,
        summary: "conflicting loop settings",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a lifecycle hook of the workflow or of a step, other than `exit`, without an
    /// `expression`.
    ///
    /// ## Why it matters
    /// Only the `exit` hook runs without a condition; Argo rejects the workflow with
    /// `hooks.x Expression required`.
    ///
    /// ## Example
    /// ```yaml
    /// hooks:
    ///   running:
    ///     template: notify   # needs `expression: workflow.status == "Running"`
    /// ```
    ///
    /// ## Fix
    /// Add `expression:`, or key the hook `exit`.
    pub static HOOK_EXPRESSION_MISSING = {
        code: "hook-expression-missing",
        group: "argo",
        severity: Error,
        summary: "a hook other than exit has no expression",
    }
}

declare_rule! {
    /// ## What it does
    /// When the workflow controller's configuration is known and sets
    /// `workflowRestrictions.templateReferencing: Strict` or `Secure` ("reference mode"),
    /// reports a Workflow or CronWorkflow that does not run a WorkflowTemplate through
    /// `workflowTemplateRef`, and one that does but also sets spec fields Argo does not let a
    /// user override then: anything but `arguments`, `entrypoint`, `shutdown`, `suspend`,
    /// `activeDeadlineSeconds`, `priority`, `ttlStrategy`, `podGC`, `volumeClaimGC`,
    /// `archiveLogs`, `workflowMetadata`, `metrics` and `artifactGC` (whose
    /// `serviceAccountName`, `podSpecPatch` and `podMetadata` stay refused). A mutating
    /// webhook that injects `artifactRepositoryRef` into such workflows causes exactly this.
    ///
    /// ## Why it matters
    /// The API server accepts the object; the controller marks the workflow `Error` when it
    /// starts, with `workflows must use workflowTemplateRef to be executed when the controller
    /// is in reference mode` or `fields [ArtifactRepositoryRef] are not permitted when using
    /// workflowTemplateRef with templateReferencing restriction`. For a CronWorkflow, every
    /// scheduled run fails. (The controller's `WORKFLOW_USER_OVERRIDE_ALLOWLIST` environment
    /// variable can allow more fields; wflint cannot see it.)
    ///
    /// ## Example
    /// ```yaml
    /// # controller: workflowRestrictions: {templateReferencing: Strict}
    /// spec:
    ///   workflowTemplateRef:
    ///     name: build
    ///   artifactRepositoryRef:
    ///     key: my-repository
    /// ```
    ///
    /// ## Fix
    /// Set the field in the WorkflowTemplate instead, or remove it from the workflow; submit
    /// workflows with `argo submit --from workflowtemplate/NAME`.
    pub static TEMPLATE_REFERENCING_RESTRICTED = {
        code: "template-referencing-restricted",
        group: "argo",
        severity: Error,
        summary: "a workflow the controller's templateReferencing restriction refuses",
    }
}

/// The rules of this group.
pub static RULES: &[&Rule] = &[
    &UNKNOWN_FIELD,
    &INVALID_TYPE,
    &ENTRYPOINT_MISSING,
    &TEMPLATE_NOT_FOUND,
    &TEMPLATE_REF_INVALID,
    &TEMPLATE_REF_NOT_FOUND,
    &WORKFLOW_TEMPLATE_REF_CONFLICT,
    &INPUT_NOT_SUPPLIED,
    &UNRESOLVED_VARIABLE,
    &DAG_DEPENDENCY_INVALID,
    &DAG_CYCLE,
    &DAG_DEPENDS_CONFLICT,
    &DAG_TARGET_INVALID,
    &DAG_MISSING_DEPENDENCY,
    &DAG_EMPTY,
    &STEP_NAME_INVALID,
    &LOOP_CONFLICT,
    &HOOK_EXPRESSION_MISSING,
    &TEMPLATE_REFERENCING_RESTRICTED,
];
