//! Object-level checks: name length (W1-W4), the template list (T1), executor plugins (O5),
//! podGC (O1/O2), pod-level resources (O3) and the CronWorkflow settings (C2-C6).

use k8s_openapi::api::core::v1::ResourceRequirements;

use super::{
    cron::{self, ScheduleError},
    go,
    names::{NameProblem, NameRule, name_list_problems},
    selector, timezone,
};
use crate::{
    diagnostic::{Diagnostic, Edit, Fix},
    model::{ArgoKind, ArgoObject, ExecutorPlugin, ObjectMeta, PodGC, Template},
    path::FieldPath,
    rules::argo_checks::{
        CRON_CONCURRENCY_POLICY_INVALID, CRON_SCHEDULE_INVALID, CRON_STARTING_DEADLINE_INVALID,
        CRON_TIMEZONE_INVALID, DUPLICATE_NAME, EXECUTOR_PLUGIN_INVALID, INVALID_NAME,
        NAME_TOO_LONG, POD_GC_INVALID, POD_RESOURCES_INVALID,
    },
};

/// Longest name of a Workflow, WorkflowTemplate or ClusterWorkflowTemplate (a label value).
const MAX_OBJECT_NAME: usize = 63;
/// Longest CronWorkflow name: its runs are named `<name>-<10-digit unix time>`.
const MAX_CRON_NAME: usize = 52;

/// W1-W4 (`Workflow`, `WorkflowTemplate`, `ClusterWorkflowTemplate`, `CronWorkflow`):
/// `metadata.name` length. `generateName` is not checked, as in Argo.
pub(crate) fn check_object_name(kind: ArgoKind, metadata: &ObjectMeta, out: &mut Vec<Diagnostic>) {
    let name = metadata.name.as_deref().unwrap_or_default();
    let (limit, what) = match kind {
        ArgoKind::Workflow => (MAX_OBJECT_NAME, "workflow"),
        ArgoKind::WorkflowTemplate => (MAX_OBJECT_NAME, "workflow template"),
        ArgoKind::ClusterWorkflowTemplate => (MAX_OBJECT_NAME, "cluster workflow template"),
        ArgoKind::CronWorkflow => (MAX_CRON_NAME, "cron workflow"),
    };
    let length = name.len();
    if length <= limit {
        return;
    }
    let help = if kind == ArgoKind::CronWorkflow {
        "shorten the name to 52 characters or fewer: each run is named `<name>-<unix time>`, which must fit in 63"
    } else {
        "shorten the name to 63 characters or fewer (it is stored in a Kubernetes label)"
    };
    out.push(
        Diagnostic::new(
            &NAME_TOO_LONG,
            FieldPath::root().key("metadata").key("name"),
            format!("{what} name is {length} characters long; Argo allows at most {limit}"),
        )
        .argo(format!(
            "{what} name {} must not be more than {limit} characters long (currently {length})",
            go::quote(name)
        ))
        .help(help),
    );
}

/// Report the problems of a list of names (Argo's `validateWorkflowFieldNames`) under
/// `argo_prefix` (`spec.templates`, `templates.main.inputs.parameters`, ...). `item_path(i)` is
/// the path of item `i`; `what` names the items in plain words ("template").
pub(super) fn report_name_list<'a>(
    names: impl IntoIterator<Item = &'a str>,
    rule: NameRule,
    argo_prefix: &dyn std::fmt::Display,
    what: &str,
    item_path: impl Fn(usize) -> FieldPath,
    out: &mut Vec<Diagnostic>,
) {
    let names: Vec<&str> = names.into_iter().collect();
    for (index, problem) in name_list_problems(names.iter().copied(), rule) {
        let name = names.get(index).copied().unwrap_or_default();
        let path = item_path(index).key("name");
        let argo = format!("{argo_prefix}{}", problem.argo_suffix(index, name));
        let diagnostic = match &problem {
            NameProblem::Missing => Diagnostic::new(
                &INVALID_NAME,
                path,
                format!("{what} #{} has no name", index + 1),
            )
            .help(format!("give the {what} a name")),
            NameProblem::Invalid(reasons) => Diagnostic::new(
                &INVALID_NAME,
                path,
                format!("{what} name `{name}` is not allowed: {reasons}"),
            )
            .help(match rule {
                NameRule::WorkflowField => {
                    "use letters, digits and `-`, starting with a letter or digit (at most 128 characters)"
                }
                NameRule::ParamOrArtifact => "use letters, digits, `-` and `_` only",
            }),
            NameProblem::Duplicate(first) => Diagnostic::new(
                &DUPLICATE_NAME,
                path,
                format!("{what} name `{name}` is used more than once"),
            )
            .related(item_path(*first).key("name"), "first used here")
            .help(format!("rename or remove one of the {what}s named `{name}`")),
        };
        out.push(diagnostic.argo(argo));
    }
}

/// T1 (`Workflow` → `validateWorkflowFieldNames(wf.Spec.Templates)`): every template has a
/// valid, unique name. `list` is the path of the `templates` list.
pub(crate) fn check_template_names(
    templates: &[Template],
    list: &FieldPath,
    out: &mut Vec<Diagnostic>,
) {
    report_name_list(
        templates.iter().map(|t| t.name.as_str()),
        NameRule::WorkflowField,
        &"spec.templates",
        "template",
        |i| list.index(i),
        out,
    );
}

/// O5 (`validateExecutorPlugins`): each plugin has a name and a bounded, reachable sidecar.
/// `spec_at` is the path of the workflow spec.
pub(crate) fn check_executor_plugins(
    plugins: &[ExecutorPlugin],
    spec_at: &FieldPath,
    out: &mut Vec<Diagnostic>,
) {
    for (index, plugin) in plugins.iter().enumerate() {
        let at = spec_at.key("executorPlugins").index(index);
        let mut report = |path: FieldPath, problem: &str, plain: String, help: &str| {
            out.push(
                Diagnostic::new(&EXECUTOR_PLUGIN_INVALID, path, plain)
                    .argo(format!("spec.executorPlugins: {problem}"))
                    .help(help),
            );
        };
        let name = plugin.metadata.name.as_deref().unwrap_or_default();
        if name.is_empty() {
            report(
                at.key("metadata").key("name"),
                "executor plugin metadata name is mandatory",
                format!("executor plugin #{} has no `metadata.name`", index + 1),
                "name the plugin in `metadata.name`",
            );
        }
        let label = if name.is_empty() {
            format!("#{}", index + 1)
        } else {
            format!("`{name}`")
        };
        let container = &plugin.spec.sidecar.container;
        let container_at = at.key("spec").key("sidecar").key("container");
        if container.ports.as_ref().is_none_or(Vec::is_empty) {
            report(
                container_at.key("ports"),
                "at least one port is mandatory",
                format!("the sidecar of executor plugin {label} declares no port"),
                "add the port the plugin listens on under `ports`",
            );
        }
        let resources = container.resources.as_ref();
        if resources.and_then(|r| r.requests.as_ref()).is_none() {
            report(
                container_at.key("resources").key("requests"),
                "resources requests are mandatory",
                format!("the sidecar of executor plugin {label} has no resource requests"),
                "set `resources.requests` (cpu and memory)",
            );
        }
        if resources.and_then(|r| r.limits.as_ref()).is_none() {
            report(
                container_at.key("resources").key("limits"),
                "resources limits are mandatory",
                format!("the sidecar of executor plugin {label} has no resource limits"),
                "set `resources.limits` (cpu and memory)",
            );
        }
        if container.security_context.is_none() {
            report(
                container_at.key("securityContext"),
                "security context is mandatory",
                format!("the sidecar of executor plugin {label} has no security context"),
                "set `securityContext` (e.g. `runAsNonRoot: true`)",
            );
        }
    }
}

const POD_GC_STRATEGIES: [&str; 4] = [
    "OnPodCompletion",
    "OnPodSuccess",
    "OnWorkflowCompletion",
    "OnWorkflowSuccess",
];

/// O1/O2 (`Workflow`): `podGC.strategy` and `podGC.labelSelector`. `at` is the path of
/// `podGC`.
pub(crate) fn check_pod_gc(pod_gc: &PodGC, at: &FieldPath, out: &mut Vec<Diagnostic>) {
    let strategy = pod_gc.strategy.as_str();
    if !strategy.is_empty() && !POD_GC_STRATEGIES.contains(&strategy) {
        let mut diagnostic = Diagnostic::new(
            &POD_GC_INVALID,
            at.key("strategy"),
            format!(
                "podGC strategy `{strategy}` is not one of {}",
                POD_GC_STRATEGIES.join(", ")
            ),
        )
        .argo(format!("podGC.strategy unknown strategy '{strategy}'"))
        .help("use OnPodCompletion, OnPodSuccess, OnWorkflowCompletion or OnWorkflowSuccess");
        if let Some(fixed) = POD_GC_STRATEGIES
            .iter()
            .find(|s| s.eq_ignore_ascii_case(strategy))
        {
            diagnostic = diagnostic.fix(replace_value(at.key("strategy"), fixed));
        }
        out.push(diagnostic);
    }
    let Some(selector) = &pod_gc.label_selector else {
        return;
    };
    let selector_at = at.key("labelSelector");
    for problem in selector::label_selector_problems(selector) {
        let mut diagnostic = Diagnostic::new(
            &POD_GC_INVALID,
            selector_at.join(&problem.at),
            format!("podGC {}", problem.plain),
        )
        .argo(format!("podGC.labelSelector invalid: {}", problem.go_error))
        .help("use operators In, NotIn, Exists or DoesNotExist and valid label keys and values");
        diagnostic.target = problem.target;
        out.push(diagnostic);
    }
}

/// O3 (`validatePodResources`): pod-level resources may only be cpu, memory and
/// `hugepages-*`, without claims. `at` is the path of the `podResources` field and
/// `argo_prefix` Argo's name for it (`spec.podResources`, `templates.main.podResources`).
pub(crate) fn check_pod_resources(
    resources: &ResourceRequirements,
    at: &FieldPath,
    argo_prefix: &str,
    out: &mut Vec<Diagnostic>,
) {
    if resources.claims.as_ref().is_some_and(|c| !c.is_empty()) {
        out.push(
            Diagnostic::new(
                &POD_RESOURCES_INVALID,
                at.key("claims"),
                "pod-level resources cannot have `claims`",
            )
            .on_key()
            .argo(format!(
                "{argo_prefix}.claims is not supported for pod-level resources"
            ))
            .help("declare the claims in the pod's `resourceClaims` and reference them from a container's `resources.claims`"),
        );
    }
    for (field, list) in [
        ("limits", resources.limits.as_ref()),
        ("requests", resources.requests.as_ref()),
    ] {
        for name in list.into_iter().flat_map(|l| l.keys()) {
            if name == "cpu" || name == "memory" || name.starts_with("hugepages-") {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &POD_RESOURCES_INVALID,
                    at.key(field).key(name.clone()),
                    format!("`{name}` cannot be requested at pod level; only cpu, memory and hugepages-* can"),
                )
                .on_key()
                .argo(format!(
                    "{argo_prefix}: {} is not a valid pod-level resource, only cpu, memory and hugepages-* are supported",
                    go::quote(name)
                ))
                .help("request this resource on the container (`resources`) instead"),
            );
        }
    }
}

const CONCURRENCY_POLICIES: [&str; 3] = ["Allow", "Forbid", "Replace"];

/// C2-C6 (`CronWorkflow`): schedules, timezone, concurrencyPolicy and
/// startingDeadlineSeconds. The name length (C1) is [`check_object_name`].
pub(crate) fn check_cron(object: &ArgoObject, out: &mut Vec<Diagnostic>) {
    let Some(options) = &object.cron else {
        return;
    };
    let spec_at = FieldPath::root().key("spec");
    if options.schedules.is_empty() {
        let singular = !options.schedule.is_empty();
        let help = if singular {
            "v4 removed the singular `schedule`: write `schedules: [\"<expression>\"]` instead"
        } else {
            "add `schedules:` with at least one cron expression, e.g. `- \"0 * * * *\"`"
        };
        let at = if singular {
            spec_at.key("schedule")
        } else {
            spec_at.key("schedules")
        };
        let mut diagnostic = Diagnostic::new(
            &CRON_SCHEDULE_INVALID,
            at,
            "the CronWorkflow has no schedule under `schedules`",
        )
        .argo("cron workflow must have at least one schedule")
        .help(help);
        if singular {
            diagnostic = diagnostic.on_key();
        }
        out.push(diagnostic);
    }
    for (index, schedule) in options.schedules.iter().enumerate() {
        let at = spec_at.key("schedules").index(index);
        match cron::parse_standard(schedule) {
            Ok(()) => {}
            Err(ScheduleError::Malformed(reason)) => out.push(
                Diagnostic::new(
                    &CRON_SCHEDULE_INVALID,
                    at,
                    format!("schedule `{schedule}` is not a valid cron expression: {reason}"),
                )
                .argo(format!("cron schedule {schedule} is malformed: {reason}"))
                .help("write five fields (minute hour day-of-month month day-of-week) or a descriptor such as `@hourly` or `@every 1h`"),
            ),
            Err(ScheduleError::PrefixWithoutSchedule) => out.push(
                Diagnostic::new(
                    &CRON_SCHEDULE_INVALID,
                    at,
                    format!("schedule `{schedule}` has a time zone prefix but no schedule after it"),
                )
                .help("follow the prefix with a space and the schedule (`TZ=Europe/Paris 0 6 * * *`), or use `spec.timezone`; Argo's parser crashes on this value"),
            ),
        }
    }
    if !options.timezone.is_empty()
        && let Err(reason) = timezone::load_location(&options.timezone)
    {
        let zone = &options.timezone;
        let at = spec_at.key("timezone");
        let mut diagnostic = Diagnostic::new(
            &CRON_TIMEZONE_INVALID,
            at.clone(),
            format!("`{zone}` is not an IANA time zone name"),
        )
        .argo(format!("invalid timezone {}: {reason}", go::quote(zone)));
        match timezone::case_insensitive_match(zone) {
            Some(fixed) => {
                diagnostic = diagnostic
                    .help(format!("time zone names are case-sensitive: use `{fixed}`"))
                    .fix(replace_value(at, &fixed));
            }
            None => {
                diagnostic = diagnostic.help(
                    "use a name from the IANA time zone database, such as `Europe/Paris` or `America/New_York`",
                );
            }
        }
        out.push(diagnostic);
    }
    let policy = options.concurrency_policy.as_str();
    if !policy.is_empty() && !CONCURRENCY_POLICIES.contains(&policy) {
        let at = spec_at.key("concurrencyPolicy");
        let mut diagnostic = Diagnostic::new(
            &CRON_CONCURRENCY_POLICY_INVALID,
            at.clone(),
            format!("concurrencyPolicy `{policy}` is not one of Allow, Forbid, Replace"),
        )
        .argo(format!("'{policy}' is not a valid concurrencyPolicy"))
        .help("use Allow, Forbid or Replace (case-sensitive)");
        if let Some(fixed) = CONCURRENCY_POLICIES
            .iter()
            .find(|p| p.eq_ignore_ascii_case(policy))
        {
            diagnostic = diagnostic.fix(replace_value(at, fixed));
        }
        out.push(diagnostic);
    }
    if let Some(seconds) = options.starting_deadline_seconds
        && seconds < 0
    {
        out.push(
            Diagnostic::new(
                &CRON_STARTING_DEADLINE_INVALID,
                spec_at.key("startingDeadlineSeconds"),
                format!("startingDeadlineSeconds is negative ({seconds})"),
            )
            .argo("startingDeadlineSeconds must be positive")
            .help("use zero or a positive number of seconds, or remove the field"),
        );
    }
}

/// A fix that replaces the scalar at `path` with `value`.
pub(super) fn replace_value(path: FieldPath, value: &str) -> Fix {
    Fix {
        title: format!("Replace with `{value}`"),
        edits: vec![Edit::ReplaceValue {
            path,
            new_value: value.to_string(),
        }],
    }
}
