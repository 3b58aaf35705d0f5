//! Rules of the `argo` group for Argo's self-contained validator checks: names, template
//! settings, leaf templates, parameters, artifacts, metrics, podGC, executor plugins and
//! CronWorkflow settings.
//!
//! The checks live in `validate::checks`; this file declares their codes and documentation.
//! Every finding also carries Argo's own message in `argo_message`.

use crate::declare_rule;

use super::Rule;

declare_rule! {
    /// ## What it does
    /// Reports an object name longer than Argo allows: 63 characters for a Workflow,
    /// WorkflowTemplate or ClusterWorkflowTemplate, 52 for a CronWorkflow (whose runs are named
    /// `<name>-<unix time>`). `generateName` is not checked.
    ///
    /// ## Why it matters
    /// Argo copies the name into a Kubernetes label, whose values are limited to 63 characters.
    /// `argo lint` and the API server reject the object with
    /// `workflow name "..." must not be more than 63 characters long (currently 70)`.
    ///
    /// ## Example
    /// ```yaml
    /// kind: CronWorkflow
    /// metadata:
    ///   name: nightly-database-backup-of-the-production-cluster-eu-west
    /// ```
    ///
    /// ## Fix
    /// Shorten the name (52 characters at most for a CronWorkflow, 63 otherwise).
    pub static NAME_TOO_LONG = {
        code: "name-too-long",
        group: "argo",
        severity: Error,
        summary: "object name longer than Argo allows",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a missing or malformed name of a template, input or output parameter or
    /// artifact, argument, or containerSet container. Template and container names must match
    /// `^[a-zA-Z0-9][-a-zA-Z0-9]*$` (at most 128 characters); parameter and artifact names
    /// `^[-a-zA-Z0-9_]+$`.
    ///
    /// ## Why it matters
    /// Names become node names, pod names and `{{...}}` variables. Argo rejects the object
    /// with e.g. `spec.templates[0].name: 'my_step' is invalid: name must consist of
    /// alpha-numeric characters or '-', ...` or `templates.main.inputs.parameters[0].name is
    /// required`; a submitted Workflow fails with `invalid spec: ...`.
    ///
    /// ## Example
    /// ```yaml
    /// templates:
    ///   - name: build_image     # `_` is not allowed in template names
    ///     inputs:
    ///       parameters:
    ///         - name: "tag.name"  # `.` is not allowed in parameter names
    /// ```
    ///
    /// ## Fix
    /// Use letters, digits and `-` for templates and containers (also `_` for parameters and
    /// artifacts), and give every item a name.
    pub static INVALID_NAME = {
        code: "invalid-name",
        group: "argo",
        severity: Error,
        summary: "name missing or not allowed by Argo",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a name used twice in the same list: templates of a spec, input or output
    /// parameters or artifacts of a template, arguments, containers of a containerSet.
    ///
    /// ## Why it matters
    /// Argo looks items up by name, so the second one would be unreachable. It rejects the
    /// object with e.g. `spec.templates[3].name 'build' is not unique`.
    ///
    /// ## Example
    /// ```yaml
    /// templates:
    ///   - name: build
    ///     container: {image: alpine}
    ///   - name: build
    ///     script: {image: python, source: "print(1)"}
    /// ```
    ///
    /// ## Fix
    /// Rename or remove one of the two.
    pub static DUPLICATE_NAME = {
        code: "duplicate-name",
        group: "argo",
        severity: Error,
        summary: "name used twice in the same list",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a template that has no body (none of container, containerSet, script,
    /// resource, steps, dag, suspend, data, http, plugin) or more than one.
    ///
    /// ## Why it matters
    /// Argo cannot tell what the template should run. It fails with
    /// `template 'main' type is unknown` or `templates.main multiple template types specified.
    /// choose one of: container, containerSet, steps, script, resource, dag, suspend, template,
    /// template ref`.
    ///
    /// ## Example
    /// ```yaml
    /// - name: main
    ///   container: {image: alpine}
    ///   script: {image: python, source: "print(1)"}
    /// ```
    ///
    /// ## Fix
    /// Keep exactly one body per template; split the others into their own templates.
    pub static TEMPLATE_TYPE = {
        code: "template-type",
        group: "argo",
        severity: Error,
        summary: "template has no body or more than one",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a `retryStrategy.retryPolicy` that is not `Always`, `OnFailure`, `OnError` or
    /// `OnTransientError`. Argo checks the value as written, so a `{{...}}` parameter is
    /// rejected too.
    ///
    /// ## Why it matters
    /// Argo rejects the template with `OnFaliure is not a valid RetryPolicy`, without saying
    /// which template it is.
    ///
    /// ## Example
    /// ```yaml
    /// retryStrategy:
    ///   limit: 3
    ///   retryPolicy: OnFaliure
    /// ```
    ///
    /// ## Fix
    /// Use one of `Always`, `OnFailure`, `OnError`, `OnTransientError`, or leave it out
    /// (`OnFailure`).
    pub static RETRY_POLICY_INVALID = {
        code: "retry-policy-invalid",
        group: "argo",
        severity: Error,
        summary: "retryPolicy is not a known policy",
    }
}

declare_rule! {
    /// ## What it does
    /// Checks pod-level `podResources` (on the spec and on templates): only `cpu`, `memory`
    /// and `hugepages-*` may be requested, `claims` are not supported, and HTTP and Plugin
    /// templates cannot have them at all.
    ///
    /// ## Why it matters
    /// Kubernetes only accepts those resources at pod level; anything else would pass
    /// submission and then fail pod creation mid-workflow. Argo rejects it up front with
    /// `spec.podResources: "nvidia.com/gpu" is not a valid pod-level resource, only cpu, memory
    /// and hugepages-* are supported` or `templates.main.podResources is not supported for HTTP
    /// templates`.
    ///
    /// ## Example
    /// ```yaml
    /// podResources:
    ///   limits:
    ///     nvidia.com/gpu: 1
    /// ```
    ///
    /// ## Fix
    /// Request extended resources on the containers (`container.resources`) instead.
    pub static POD_RESOURCES_INVALID = {
        code: "pod-resources-invalid",
        group: "argo",
        severity: Error,
        summary: "pod-level resources Kubernetes does not support",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports `resourceClaims` on a template that does not create a pod: steps, dag,
    /// suspend, http and plugin templates.
    ///
    /// ## Why it matters
    /// Claims are attached to the template's pod; without one they have nowhere to go. Argo
    /// rejects it with `templates.main.resourceClaims is not supported for Steps templates,
    /// which do not create a pod`.
    ///
    /// ## Example
    /// ```yaml
    /// - name: main
    ///   resourceClaims:
    ///     - name: gpu
    ///       resourceClaimName: gpu-claim
    ///   steps: [[{name: a, template: work}]]
    /// ```
    ///
    /// ## Fix
    /// Move `resourceClaims` to the container or script template that needs the resource.
    pub static RESOURCE_CLAIMS_UNSUPPORTED = {
        code: "resource-claims-unsupported",
        group: "argo",
        severity: Error,
        summary: "resourceClaims on a template without a pod",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports `timeout` or `pendingTimeout` on a steps, dag or suspend template, and a
    /// `timeout` written as a bare number (`timeout: "60"`) instead of a duration.
    ///
    /// ## Why it matters
    /// Both only apply to templates that run a pod, and a bare number has no unit. Argo rejects
    /// the object with `Steps template doesn't support timeout field` or `main has invalid
    /// duration format in timeout`.
    ///
    /// ## Example
    /// ```yaml
    /// - name: main
    ///   timeout: "300"
    ///   container: {image: alpine}
    /// ```
    ///
    /// ## Fix
    /// Write a duration with a unit (`300s`, `5m`), and put timeouts on leaf templates; use
    /// `activeDeadlineSeconds` on the workflow to bound steps or a DAG.
    pub static TIMEOUT_INVALID = {
        code: "timeout-invalid",
        group: "argo",
        severity: Error,
        summary: "timeout on a non-leaf template or without a unit",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports template `activeDeadlineSeconds` on a steps or dag template, and a value that is
    /// neither a non-negative integer nor a `{{...}}` variable.
    ///
    /// ## Why it matters
    /// The deadline is enforced on the template's pod, so steps and DAGs cannot have one, and a
    /// value like `10m` is not a number of seconds. Argo rejects the object with
    /// `templates.main.activeDeadlineSeconds is only valid for leaf templates` or `... must be a
    /// positive integer > 0 or an argo variable`.
    ///
    /// ## Example
    /// ```yaml
    /// - name: main
    ///   activeDeadlineSeconds: 10m
    ///   container: {image: alpine}
    /// ```
    ///
    /// ## Fix
    /// Give a number of seconds (`600`) on a leaf template, or use `spec.activeDeadlineSeconds`.
    pub static ACTIVE_DEADLINE_INVALID = {
        code: "active-deadline-invalid",
        group: "argo",
        severity: Error,
        summary: "template activeDeadlineSeconds misplaced or not a number",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports template `parallelism` on anything but a steps or dag template.
    ///
    /// ## Why it matters
    /// `parallelism` limits how many children a steps or DAG template runs at once; other
    /// templates have no children. Argo rejects the object with `templates.main.parallelism is
    /// only valid for steps and dag templates`.
    ///
    /// ## Example
    /// ```yaml
    /// - name: main
    ///   parallelism: 2
    ///   container: {image: alpine}
    /// ```
    ///
    /// ## Fix
    /// Move `parallelism` to the steps or dag template that calls this one, or to the spec.
    pub static PARALLELISM_INVALID = {
        code: "parallelism-invalid",
        group: "argo",
        severity: Error,
        summary: "parallelism on a template without children",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports an entry of a template's `initContainers` without a `name`.
    ///
    /// ## Why it matters
    /// Kubernetes requires container names. Argo rejects the object with
    /// `initContainers must all have container name`, without saying which template.
    ///
    /// ## Example
    /// ```yaml
    /// initContainers:
    ///   - image: busybox
    ///     command: [sh, -c, "echo init"]
    /// ```
    ///
    /// ## Fix
    /// Give each init container a unique `name`.
    pub static INIT_CONTAINER_NAME = {
        code: "init-container-name",
        group: "argo",
        severity: Error,
        summary: "init container without a name",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports two `volumeMounts` of a container (or of a containerSet) with the same
    /// `mountPath`, and an input artifact whose `path` equals a mount path or another input
    /// artifact's path.
    ///
    /// ## Why it matters
    /// Kubernetes rejects pods with duplicate mount paths, and an artifact loaded where a volume
    /// is mounted would be hidden. Argo rejects the object with `templates.main.container.
    /// volumeMounts[1].mountPath '/work' already mounted in container.volumeMounts.data`.
    ///
    /// ## Example
    /// ```yaml
    /// inputs:
    ///   artifacts:
    ///     - name: src
    ///       path: /work
    /// container:
    ///   volumeMounts:
    ///     - name: data
    ///       mountPath: /work
    /// ```
    ///
    /// ## Fix
    /// Use distinct paths, e.g. load the artifact into a subfolder of the volume.
    pub static MOUNT_PATH_CONFLICT = {
        code: "mount-path-conflict",
        group: "argo",
        severity: Error,
        summary: "two mounts or artifacts at the same path",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a container or script template without an `image`, unless the Workflow or
    /// WorkflowTemplate it comes from sets `templateDefaults.container.image` (or
    /// `templateDefaults.script.image`). Templates reached through a ClusterWorkflowTemplate
    /// never get that exemption, as in Argo.
    ///
    /// ## Why it matters
    /// A pod needs an image. Argo rejects the object with `templates.main.container.image may
    /// not be empty`.
    ///
    /// ## Example
    /// ```yaml
    /// - name: main
    ///   container:
    ///     command: [echo, hello]
    /// ```
    ///
    /// ## Fix
    /// Set `image:` on the template, or `templateDefaults.container.image` on the spec.
    pub static IMAGE_MISSING = {
        code: "image-missing",
        group: "argo",
        severity: Error,
        summary: "container or script template without an image",
    }
}

declare_rule! {
    /// ## What it does
    /// Checks the structure of a `containerSet`: at least one container, `dependencies` that
    /// name containers of the set, no dependency cycle, and a container named `main` when the
    /// template has input artifacts, output parameters or output artifacts.
    ///
    /// ## Why it matters
    /// Argo runs the containers in dependency order and moves artifacts and parameters in and
    /// out of the `main` container. It rejects the object with e.g.
    /// `templates.main.containerSet.containers.b dependency 'c' not defined` or
    /// `templates.main.containerSet.containers must have a container named "main" for input or
    /// output`.
    ///
    /// ## Example
    /// ```yaml
    /// containerSet:
    ///   containers:
    ///     - name: a
    ///       image: alpine
    ///     - name: b
    ///       image: alpine
    ///       dependencies: [c]
    /// ```
    ///
    /// ## Fix
    /// Name existing containers in `dependencies`, break cycles, and call the container that
    /// handles inputs and outputs `main`.
    pub static CONTAINER_SET_INVALID = {
        code: "container-set-invalid",
        group: "argo",
        severity: Error,
        summary: "containerSet structure Argo cannot run",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a sidecar or containerSet container named like one of Argo's own containers:
    /// `wait`, `supervisor`, or a name starting with `artifact-plugin-`.
    ///
    /// ## Why it matters
    /// Argo adds containers with these names to every pod; a user container with the same name
    /// collides with them and is mistaken for Argo's. Argo rejects the object with
    /// `templates.main.sidecars: "wait" is a reserved Argo container name`.
    ///
    /// ## Example
    /// ```yaml
    /// sidecars:
    ///   - name: wait
    ///     image: alpine
    /// ```
    ///
    /// ## Fix
    /// Rename the container.
    pub static RESERVED_CONTAINER_NAME = {
        code: "reserved-container-name",
        group: "argo",
        severity: Error,
        summary: "container named like one of Argo's own",
    }
}

declare_rule! {
    /// ## What it does
    /// Checks resource templates: `action` is one of get, create, apply, delete, replace,
    /// patch; actions other than get and delete have exactly one of `manifest` and
    /// `manifestFrom`; `manifestFrom.artifact` names an input artifact; and `manifest` is
    /// valid YAML (with `{{=...}}` expressions replaced by placeholders first).
    ///
    /// ## Why it matters
    /// Otherwise Argo has nothing, or something unreadable, to send to the API server. It
    /// rejects the object with e.g. `templates.main.resource.manifest must be a valid yaml` or
    /// `either templates.main.resource.manifest or templates.main.resource.manifestFrom must be
    /// specified`.
    ///
    /// ## Example
    /// ```yaml
    /// resource:
    ///   action: create
    ///   manifest: |
    ///     apiVersion: v1
    ///     kind: ConfigMap
    ///       metadata: {name: x}
    /// ```
    ///
    /// ## Fix
    /// Use a supported action and give one well-formed manifest (inline or from an input
    /// artifact).
    pub static RESOURCE_TEMPLATE_INVALID = {
        code: "resource-template-invalid",
        group: "argo",
        severity: Error,
        summary: "resource template action or manifest Argo cannot use",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports an argument parameter (of `spec.arguments`, a step or a task) with neither
    /// `value` nor `valueFrom`, and one with an `enum` but no `value`. Arguments of steps and
    /// tasks always need a value; `spec.arguments` only where Argo requires one: for a
    /// CronWorkflow, and for a Workflow when it is submitted (not when linted).
    ///
    /// ## Why it matters
    /// The called template would receive nothing. Argo rejects the object with
    /// `spec.arguments.message.value or spec.arguments.message.valueFrom is required` (for
    /// example when a CronWorkflow starts a run).
    ///
    /// ## Example
    /// ```yaml
    /// arguments:
    ///   parameters:
    ///     - name: message
    /// ```
    ///
    /// ## Fix
    /// Give the parameter a `value` (or a `valueFrom`).
    pub static PARAMETER_VALUE_MISSING = {
        code: "parameter-value-missing",
        group: "argo",
        severity: Error,
        summary: "argument parameter without a value",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports an argument parameter whose `valueFrom` uses something other than
    /// `configMapKeyRef`, `event` or `supplied` (with an optional `default`): `path`,
    /// `jsonPath`, `parameter` and `expression` belong to output parameters.
    ///
    /// ## Why it matters
    /// Arguments are resolved before anything runs, so they cannot read a file or another
    /// step's output through `valueFrom`. Argo rejects the object with
    /// `templates.main.tasks.a.arguments.x.valueFrom only allows: default, configMapKeyRef and
    /// supplied`.
    ///
    /// ## Example
    /// ```yaml
    /// arguments:
    ///   parameters:
    ///     - name: x
    ///       valueFrom:
    ///         path: /tmp/x
    /// ```
    ///
    /// ## Fix
    /// Pass another step's output with `value: "{{steps.a.outputs.parameters.x}}"`, or read a
    /// ConfigMap with `configMapKeyRef`.
    pub static PARAMETER_VALUE_FROM_INVALID = {
        code: "parameter-value-from-invalid",
        group: "argo",
        severity: Error,
        summary: "argument valueFrom source not allowed",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports an argument parameter with an empty `enum` list, or whose `value` is not one of
    /// its `enum` values.
    ///
    /// ## Why it matters
    /// The UI and CLI offer only the enum values, and Argo rejects the object with
    /// `spec.arguments.env.value should be present in spec.arguments.env.enum list` or
    /// `spec.arguments.env.enum should contain at least one value`.
    ///
    /// ## Example
    /// ```yaml
    /// - name: env
    ///   value: prod
    ///   enum: [dev, staging]
    /// ```
    ///
    /// ## Fix
    /// Add the value to the enum, or pick one of the listed values.
    pub static PARAMETER_ENUM_INVALID = {
        code: "parameter-enum-invalid",
        group: "argo",
        severity: Error,
        summary: "argument value not in its enum",
    }
}

declare_rule! {
    /// ## What it does
    /// Checks output parameters: exactly one of `value` and `valueFrom`; exactly one source in
    /// `valueFrom`; and the source the template type supports (`path` for container, script and
    /// containerSet templates, `jsonPath` or `jqFilter` for resource templates, `parameter` or
    /// `expression` for steps and dag templates).
    ///
    /// ## Why it matters
    /// Argo cannot collect the output otherwise. It rejects the object with e.g.
    /// `templates.main.outputs.parameters.result.path must be specified for Container
    /// templates` or `templates.main.outputs.parameters.result does not have valueFrom or
    /// value specified`.
    ///
    /// ## Example
    /// ```yaml
    /// outputs:
    ///   parameters:
    ///     - name: result
    ///       valueFrom:
    ///         jsonPath: "{.status}"   # a container template needs `path`
    /// ```
    ///
    /// ## Fix
    /// Use the source that matches the template type, and only one.
    pub static OUTPUT_PARAMETER_INVALID = {
        code: "output-parameter-invalid",
        group: "argo",
        severity: Error,
        summary: "output parameter without a usable source",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports an output parameter or artifact `globalName` that is not a valid parameter
    /// name (`^[-a-zA-Z0-9_]+$`). Names containing a `{{...}}` variable are checked at run
    /// time instead.
    ///
    /// ## Why it matters
    /// The global name becomes `{{workflow.outputs.parameters.<globalName>}}`. Argo rejects
    /// the object with `templates.main.outputs.parameters.result.globalName: Parameter/Artifact
    /// name must consist of alpha-numeric characters, '_' or '-' e.g. my_param_1, MY-PARAM-1`.
    ///
    /// ## Example
    /// ```yaml
    /// outputs:
    ///   parameters:
    ///     - name: result
    ///       globalName: final.result
    ///       valueFrom: {path: /tmp/result}
    /// ```
    ///
    /// ## Fix
    /// Use letters, digits, `-` and `_` only.
    pub static GLOBAL_NAME_INVALID = {
        code: "global-name-invalid",
        group: "argo",
        severity: Error,
        summary: "globalName not a valid parameter name",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports an argument artifact (of `spec.arguments`, a step or a task) with no `from`, no
    /// storage location and no `key`. Note that Argo does not accept `fromExpression` alone
    /// here, although the controller would resolve it.
    ///
    /// ## Why it matters
    /// The called template would get no artifact. Argo rejects the object with
    /// `templates.main.steps[0].consume.arguments.data.from, artifact location, or key is
    /// required`.
    ///
    /// ## Example
    /// ```yaml
    /// arguments:
    ///   artifacts:
    ///     - name: data
    /// ```
    ///
    /// ## Fix
    /// Add `from: "{{steps.produce.outputs.artifacts.data}}"`, a location (`s3:`, `http:`,
    /// ...) or a `key` in the artifact repository.
    pub static ARTIFACT_SOURCE_MISSING = {
        code: "artifact-source-missing",
        group: "argo",
        severity: Error,
        summary: "argument artifact with nowhere to come from",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports an argument artifact with both `from` and `fromExpression`, and an input
    /// artifact with `from` (inputs are filled by the caller's arguments).
    ///
    /// ## Why it matters
    /// Argo would not know which source wins, and an input's `from` is never used. It rejects
    /// the object with ``templates.main.inputs.artifacts.data.from not valid in inputs`` or
    /// ``... shouldn't have both `from` and `fromExpression` in Artifact``.
    ///
    /// ## Example
    /// ```yaml
    /// inputs:
    ///   artifacts:
    ///     - name: data
    ///       from: "{{steps.produce.outputs.artifacts.data}}"
    /// ```
    ///
    /// ## Fix
    /// Pass the artifact from the calling step's `arguments` and keep one source per artifact.
    pub static ARTIFACT_SOURCE_INVALID = {
        code: "artifact-source-invalid",
        group: "argo",
        severity: Error,
        summary: "artifact source given twice or in the wrong place",
    }
}

declare_rule! {
    /// ## What it does
    /// Checks input and output artifact paths: templates that run a container (container,
    /// script, containerSet, resource, data, http, plugin) need a `path`; steps, dag and
    /// suspend templates must not have one; and a `..` segment must not climb out of the
    /// folder written before it.
    ///
    /// ## Why it matters
    /// Argo places and collects artifacts at these paths inside the pod. It rejects the
    /// object with e.g. `error in templates.main.inputs.artifacts.data: Artifact 'data' did not
    /// specify a path` or `... attempted to use a path containing '..'. Directory traversal is
    /// not permitted`.
    ///
    /// ## Example
    /// ```yaml
    /// outputs:
    ///   artifacts:
    ///     - name: report
    ///       path: /tmp/out/../../etc/report
    /// ```
    ///
    /// ## Fix
    /// Give leaf templates a plain absolute path, and pass artifacts of steps and DAGs with
    /// `from` instead of `path`.
    pub static ARTIFACT_PATH_INVALID = {
        code: "artifact-path-invalid",
        group: "argo",
        severity: Error,
        summary: "artifact path missing, misplaced or escaping its folder",
    }
}

declare_rule! {
    /// ## What it does
    /// Checks the locations Argo validates: a `git` input artifact needs a `repo`; an `hdfs`
    /// input artifact or archive location needs `addresses`, an absolute `path` (as written,
    /// before `{{...}}` substitution), and credentials (`hdfsUser`, `krbCCacheSecret` or
    /// `krbKeytabSecret`, the Kerberos ones with their companion fields).
    ///
    /// ## Why it matters
    /// The executor cannot fetch the artifact otherwise. Argo rejects the object with e.g.
    /// `templates.main.inputs.artifacts.src.git.repo is required` or
    /// `templates.main.archiveLocation.hdfs.path must be a absolute file path`.
    ///
    /// ## Example
    /// ```yaml
    /// inputs:
    ///   artifacts:
    ///     - name: src
    ///       path: /src
    ///       git:
    ///         revision: main
    /// ```
    ///
    /// ## Fix
    /// Add the missing fields (`repo:` for git; `addresses`, an absolute `path` and a user or
    /// Kerberos settings for HDFS).
    pub static ARTIFACT_LOCATION_INVALID = {
        code: "artifact-location-invalid",
        group: "argo",
        severity: Error,
        summary: "git or HDFS artifact location incomplete",
    }
}

declare_rule! {
    /// ## What it does
    /// Checks template Prometheus metrics: names and label keys match
    /// `^[a-zA-Z_][a-zA-Z0-9_]*$`, `help` is set, gauges, counters and histograms have a
    /// `value`, and a real-time gauge does not use `resourcesDuration.*`.
    ///
    /// ## Why it matters
    /// Prometheus rejects such metrics, and Argo rejects the object first, with e.g.
    /// `templates.main metric name 'build.time' is invalid. Metric names must contain
    /// alphanumeric characters or '_'` or `templates.main metric 'build_time' must contain a
    /// help string under 'help: ' field`.
    ///
    /// ## Example
    /// ```yaml
    /// metrics:
    ///   prometheus:
    ///     - name: build.time
    ///       gauge:
    ///         value: "{{duration}}"
    /// ```
    ///
    /// ## Fix
    /// Use `_` instead of `.` or `-`, add a `help:` text and a `value:`.
    pub static METRIC_INVALID = {
        code: "metric-invalid",
        group: "argo",
        severity: Error,
        summary: "template metric Prometheus or Argo cannot emit",
    }
}

declare_rule! {
    /// ## What it does
    /// Checks `spec.podGC`: the strategy is one of `OnPodCompletion`, `OnPodSuccess`,
    /// `OnWorkflowCompletion`, `OnWorkflowSuccess`, and `labelSelector` is a valid Kubernetes
    /// label selector (operators `In`, `NotIn`, `Exists`, `DoesNotExist`, valid keys and
    /// values).
    ///
    /// ## Why it matters
    /// Argo rejects the object with `podGC.strategy unknown strategy 'OnSuccess'` or
    /// `podGC.labelSelector invalid: "Equals" is not a valid label selector operator`.
    ///
    /// ## Example
    /// ```yaml
    /// podGC:
    ///   strategy: OnSuccess
    /// ```
    ///
    /// ## Fix
    /// Use one of the listed strategies and Kubernetes selector syntax.
    pub static POD_GC_INVALID = {
        code: "pod-gc-invalid",
        group: "argo",
        severity: Error,
        summary: "podGC strategy or label selector invalid",
    }
}

declare_rule! {
    /// ## What it does
    /// Checks `spec.executorPlugins`: each plugin has `metadata.name`, and its sidecar
    /// container declares at least one port, resource requests and limits, and a security
    /// context.
    ///
    /// ## Why it matters
    /// Argo runs plugin sidecars in every agent pod and requires them to be bounded and
    /// reachable. It rejects the object with e.g. `spec.executorPlugins: at least one port is
    /// mandatory`.
    ///
    /// ## Example
    /// ```yaml
    /// executorPlugins:
    ///   - metadata: {name: hello}
    ///     spec:
    ///       sidecar:
    ///         container:
    ///           image: hello-plugin
    /// ```
    ///
    /// ## Fix
    /// Add `ports`, `resources.requests`, `resources.limits` and `securityContext` to the
    /// sidecar container, and a name to the plugin.
    pub static EXECUTOR_PLUGIN_INVALID = {
        code: "executor-plugin-invalid",
        group: "argo",
        severity: Error,
        summary: "executor plugin incomplete",
    }
}

declare_rule! {
    /// ## What it does
    /// Checks `spec.schedules` of a CronWorkflow: at least one schedule, each a standard
    /// five-field cron expression (minute, hour, day of month, month, day of week; `*`, `?`,
    /// ranges, steps, lists, `JAN`-`DEC`, `SUN`-`SAT`) or a descriptor (`@hourly`, `@daily`,
    /// `@every 5m`, ...), optionally after a `TZ=<zone> ` or `CRON_TZ=<zone> ` prefix. Parsing
    /// follows robfig/cron v3, the library Argo uses.
    ///
    /// ## Why it matters
    /// The CronWorkflow would never run. Argo rejects it with `cron schedule 0 0 * * * * is
    /// malformed: expected exactly 5 fields, found 6: [0 0 * * * *]` or `cron workflow must
    /// have at least one schedule` (v4 removed the singular `schedule` field). A `TZ=` prefix
    /// without a schedule after it even crashes Argo's parser.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   schedules:
    ///     - "0 0 * * * *"   # six fields: seconds are not supported
    /// ```
    ///
    /// ## Fix
    /// Write five fields (or a descriptor), and list schedules under `schedules:`.
    pub static CRON_SCHEDULE_INVALID = {
        code: "cron-schedule-invalid",
        group: "argo",
        severity: Error,
        summary: "CronWorkflow schedule missing or malformed",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a CronWorkflow `timezone` that is not an IANA time zone name (such as
    /// `Europe/Paris` or `America/New_York`; the names are case-sensitive).
    ///
    /// ## Why it matters
    /// Argo cannot compute when to run. It rejects the CronWorkflow with
    /// `invalid timezone "Europe/Paris ": unknown time zone Europe/Paris `.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   timezone: CEST
    /// ```
    ///
    /// ## Fix
    /// Use a zone name from the IANA database (`Europe/Berlin`), not an abbreviation.
    pub static CRON_TIMEZONE_INVALID = {
        code: "cron-timezone-invalid",
        group: "argo",
        severity: Error,
        summary: "CronWorkflow timezone unknown",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a CronWorkflow `concurrencyPolicy` other than `Allow`, `Forbid` or `Replace`.
    ///
    /// ## Why it matters
    /// Argo rejects the CronWorkflow with `'forbid' is not a valid concurrencyPolicy`; the
    /// values are case-sensitive.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   concurrencyPolicy: forbid
    /// ```
    ///
    /// ## Fix
    /// Use `Allow`, `Forbid` or `Replace`.
    pub static CRON_CONCURRENCY_POLICY_INVALID = {
        code: "cron-concurrency-policy-invalid",
        group: "argo",
        severity: Error,
        summary: "CronWorkflow concurrencyPolicy unknown",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a negative CronWorkflow `startingDeadlineSeconds` (zero is allowed).
    ///
    /// ## Why it matters
    /// Argo rejects the CronWorkflow with `startingDeadlineSeconds must be positive`.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   startingDeadlineSeconds: -60
    /// ```
    ///
    /// ## Fix
    /// Use zero or a positive number of seconds, or leave the field out.
    pub static CRON_STARTING_DEADLINE_INVALID = {
        code: "cron-starting-deadline-invalid",
        group: "argo",
        severity: Error,
        summary: "CronWorkflow startingDeadlineSeconds negative",
    }
}

/// The rules of this file.
pub static RULES: &[&Rule] = &[
    &NAME_TOO_LONG,
    &INVALID_NAME,
    &DUPLICATE_NAME,
    &TEMPLATE_TYPE,
    &RETRY_POLICY_INVALID,
    &POD_RESOURCES_INVALID,
    &RESOURCE_CLAIMS_UNSUPPORTED,
    &TIMEOUT_INVALID,
    &ACTIVE_DEADLINE_INVALID,
    &PARALLELISM_INVALID,
    &INIT_CONTAINER_NAME,
    &MOUNT_PATH_CONFLICT,
    &IMAGE_MISSING,
    &CONTAINER_SET_INVALID,
    &RESERVED_CONTAINER_NAME,
    &RESOURCE_TEMPLATE_INVALID,
    &PARAMETER_VALUE_MISSING,
    &PARAMETER_VALUE_FROM_INVALID,
    &PARAMETER_ENUM_INVALID,
    &OUTPUT_PARAMETER_INVALID,
    &GLOBAL_NAME_INVALID,
    &ARTIFACT_SOURCE_MISSING,
    &ARTIFACT_SOURCE_INVALID,
    &ARTIFACT_PATH_INVALID,
    &ARTIFACT_LOCATION_INVALID,
    &METRIC_INVALID,
    &POD_GC_INVALID,
    &EXECUTOR_PLUGIN_INVALID,
    &CRON_SCHEDULE_INVALID,
    &CRON_TIMEZONE_INVALID,
    &CRON_CONCURRENCY_POLICY_INVALID,
    &CRON_STARTING_DEADLINE_INVALID,
];
