//! Template settings: body type (T9/T10), retryPolicy (T11), pod resources (T12), init
//! containers (T23), resourceClaims and timeouts (T15-T18), activeDeadlineSeconds on steps and
//! DAGs (T19) and metrics (M1-M4).

use super::{go, names::is_valid_metric_name, workflow::check_pod_resources};
use crate::{
    diagnostic::Diagnostic,
    model::{Template, TemplateType},
    path::FieldPath,
    rules::argo_checks::{
        ACTIVE_DEADLINE_INVALID, INIT_CONTAINER_NAME, METRIC_INVALID, POD_RESOURCES_INVALID,
        RESOURCE_CLAIMS_UNSUPPORTED, RETRY_POLICY_INVALID, TEMPLATE_TYPE, TIMEOUT_INVALID,
    },
};

const TYPE_CHOICES: &str =
    "container, containerSet, steps, script, resource, dag, suspend, template, template ref";

/// T9 (`templateresolution`: `template '%s' type is unknown`) and T10
/// (`validateTemplateType`): exactly one body. Returns the type when there is exactly one.
pub(crate) fn check_template_type(
    template: &Template,
    at: &FieldPath,
    out: &mut Vec<Diagnostic>,
) -> Option<TemplateType> {
    let name = template.name.as_str();
    let types: Vec<TemplateType> = template.body_types().collect();
    match types.as_slice() {
        [] => {
            out.push(
                Diagnostic::new(
                    &TEMPLATE_TYPE,
                    at.key("name"),
                    format!("template `{name}` has no body: none of container, containerSet, script, resource, steps, dag, suspend, data, http or plugin"),
                )
                .argo(format!("template '{name}' type is unknown"))
                .help("add exactly one body, e.g. `container:` with an image"),
            );
            None
        }
        [only] => Some(*only),
        [first, rest @ ..] => {
            let listed: Vec<&str> = types.iter().filter_map(|t| t.field()).collect();
            for extra in rest {
                let Some(field) = extra.field() else { continue };
                out.push(
                    Diagnostic::new(
                        &TEMPLATE_TYPE,
                        at.key(field),
                        format!(
                            "template `{name}` has several bodies ({}); `{field}` is one too many",
                            listed.join(", ")
                        ),
                    )
                    .on_key()
                    .related(
                        at.key(first.field().unwrap_or("name")),
                        "first body",
                    )
                    .argo(format!(
                        "templates.{name} multiple template types specified. choose one of: {TYPE_CHOICES}"
                    ))
                    .help("keep one body per template; move the others into templates of their own"),
                );
            }
            None
        }
    }
}

const RETRY_POLICIES: [&str; 4] = ["Always", "OnError", "OnFailure", "OnTransientError"];

/// T11 (`validateTemplateHolder`): `retryStrategy.retryPolicy`, checked as written.
pub(crate) fn check_retry_policy(template: &Template, at: &FieldPath, out: &mut Vec<Diagnostic>) {
    let Some(strategy) = &template.retry_strategy else {
        return;
    };
    let policy = strategy.retry_policy.as_str();
    if policy.is_empty() || RETRY_POLICIES.contains(&policy) {
        return;
    }
    let path = at.key("retryStrategy").key("retryPolicy");
    let mut diagnostic = Diagnostic::new(
        &RETRY_POLICY_INVALID,
        path.clone(),
        format!(
            "retryPolicy `{policy}` of template `{}` is not one of {}",
            template.name,
            RETRY_POLICIES.join(", ")
        ),
    )
    .argo(format!("{policy} is not a valid RetryPolicy"));
    if policy.contains("{{") {
        diagnostic = diagnostic.help("Argo checks retryPolicy before substituting parameters, so it must be written literally: Always, OnError, OnFailure or OnTransientError");
    } else {
        diagnostic = diagnostic.help("use Always, OnError, OnFailure or OnTransientError");
    }
    if let Some(fixed) = closest(policy, &RETRY_POLICIES) {
        diagnostic = diagnostic.fix(super::workflow::replace_value(path, fixed));
    }
    out.push(diagnostic);
}

/// The one choice within a small edit distance of `text` (case-insensitive), if exactly one.
fn closest<'a>(text: &str, choices: &[&'a str]) -> Option<&'a str> {
    let lower = text.to_ascii_lowercase();
    let near: Vec<&'a str> = choices
        .iter()
        .copied()
        .filter(|choice| strsim::levenshtein(&lower, &choice.to_ascii_lowercase()) <= 2)
        .collect();
    match near.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

/// T12 and O3 (`validateTemplate`): template `podResources` are not allowed on HTTP and
/// Plugin templates and follow the pod-level rules elsewhere.
pub(crate) fn check_template_pod_resources(
    template: &Template,
    at: &FieldPath,
    out: &mut Vec<Diagnostic>,
) {
    let Some(resources) = &template.pod_resources else {
        return;
    };
    let name = template.name.as_str();
    let here = at.key("podResources");
    match template.template_type() {
        kind @ (TemplateType::Http | TemplateType::Plugin) => out.push(
            Diagnostic::new(
                &POD_RESOURCES_INVALID,
                here,
                format!(
                    "template `{name}` is an {} template, which runs in the shared agent pod and cannot have `podResources`",
                    kind.as_str()
                ),
            )
            .on_key()
            .argo(format!(
                "templates.{name}.podResources is not supported for {} templates",
                kind.as_str()
            ))
            .help("remove `podResources` from this template"),
        ),
        _ => check_pod_resources(resources, &here, &format!("templates.{name}.podResources"), out),
    }
}

/// T23 (`validateInitContainers`): every init container has a name.
pub(crate) fn check_init_containers(
    template: &Template,
    at: &FieldPath,
    out: &mut Vec<Diagnostic>,
) {
    for (index, container) in template.init_containers.iter().enumerate() {
        if container.container.name.is_empty() {
            out.push(
                Diagnostic::new(
                    &INIT_CONTAINER_NAME,
                    at.key("initContainers").index(index).key("name"),
                    format!(
                        "init container #{} of template `{}` has no name",
                        index + 1,
                        template.name
                    ),
                )
                .argo("initContainers must all have container name")
                .help("give the init container a unique `name`"),
            );
        }
    }
}

/// T15-T18 (`validateTemplate`, after argument processing): `resourceClaims` only on
/// templates that create a pod; `timeout` and `pendingTimeout` only on leaf templates, and
/// `timeout` not a bare number. `timeout` is the template's timeout after argument
/// substitution (the written value when the caller's arguments are unknown).
pub(crate) fn check_template_after_args(
    template: &Template,
    at: &FieldPath,
    timeout: &str,
    out: &mut Vec<Diagnostic>,
) {
    let name = template.name.as_str();
    let kind = template.template_type();
    if kind == TemplateType::Unknown {
        return;
    }
    if !template.resource_claims.is_empty() && !kind.is_pod() {
        out.push(
            Diagnostic::new(
                &RESOURCE_CLAIMS_UNSUPPORTED,
                at.key("resourceClaims"),
                format!(
                    "template `{name}` is a {} template, which creates no pod for `resourceClaims`",
                    kind.as_str()
                ),
            )
            .on_key()
            .argo(format!(
                "templates.{name}.resourceClaims is not supported for {} templates, which do not create a pod",
                kind.as_str()
            ))
            .help("move `resourceClaims` to the container or script template that uses the resource"),
        );
    }
    if !timeout.is_empty() {
        if !kind.is_leaf() {
            out.push(
                Diagnostic::new(
                    &TIMEOUT_INVALID,
                    at.key("timeout"),
                    format!(
                        "template `{name}` is a {} template, which cannot have `timeout`",
                        kind.as_str()
                    ),
                )
                .on_key()
                .argo(format!(
                    "{} template doesn't support timeout field",
                    kind.as_str()
                ))
                .help("put `timeout` on the leaf templates it calls, or bound the workflow with `activeDeadlineSeconds`"),
            );
        } else if go::atoi(timeout).is_ok() {
            out.push(
                Diagnostic::new(
                    &TIMEOUT_INVALID,
                    at.key("timeout"),
                    format!("timeout `{timeout}` of template `{name}` has no unit"),
                )
                .argo(format!("{name} has invalid duration format in timeout"))
                .help(format!("write a duration with a unit, e.g. `{timeout}s`")),
            );
        }
    }
    if !template.pending_timeout.is_empty() && !kind.is_leaf() {
        out.push(
            Diagnostic::new(
                &TIMEOUT_INVALID,
                at.key("pendingTimeout"),
                format!(
                    "template `{name}` is a {} template, which cannot have `pendingTimeout`",
                    kind.as_str()
                ),
            )
            .on_key()
            .argo(format!(
                "{} template doesn't support pendingTimeout field",
                kind.as_str()
            ))
            .help("put `pendingTimeout` on the leaf templates it calls"),
        );
    }
}

/// T19 (`validateNonLeaf`, steps and DAG templates): no `activeDeadlineSeconds`.
pub(crate) fn check_non_leaf(template: &Template, at: &FieldPath, out: &mut Vec<Diagnostic>) {
    if template.active_deadline_seconds.is_some() {
        out.push(
            Diagnostic::new(
                &ACTIVE_DEADLINE_INVALID,
                at.key("activeDeadlineSeconds"),
                format!(
                    "template `{}` is a {} template, which cannot have `activeDeadlineSeconds`",
                    template.name,
                    template.template_type().as_str()
                ),
            )
            .on_key()
            .argo(format!(
                "templates.{}.activeDeadlineSeconds is only valid for leaf templates",
                template.name
            ))
            .help("put `activeDeadlineSeconds` on the leaf templates, or on the workflow spec"),
        );
    }
}

/// M1-M4 (`validateTemplate` → `metrics.*`): template Prometheus metrics.
pub(crate) fn check_metrics(template: &Template, at: &FieldPath, out: &mut Vec<Diagnostic>) {
    let Some(metrics) = &template.metrics else {
        return;
    };
    let name = template.name.as_str();
    for (index, metric) in metrics.prometheus.iter().enumerate() {
        let here = at.key("metrics").key("prometheus").index(index);
        let metric_name = metric.name.as_str();
        if !is_valid_metric_name(metric_name) {
            out.push(
                Diagnostic::new(
                    &METRIC_INVALID,
                    here.key("name"),
                    format!("metric name `{metric_name}` of template `{name}` is not a valid Prometheus name"),
                )
                .argo(format!(
                    "templates.{name} metric name '{metric_name}' is invalid. Metric names must contain alphanumeric characters or '_'"
                ))
                .help("use letters, digits and `_`, not starting with a digit"),
            );
        }
        let mut seen: Vec<&str> = Vec::new();
        for (label_index, label) in metric.labels.iter().enumerate() {
            let key = label.key.as_str();
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            if !is_valid_metric_name(key) {
                out.push(
                    Diagnostic::new(
                        &METRIC_INVALID,
                        here.key("labels").index(label_index).key("key"),
                        format!("metric label key `{key}` of metric `{metric_name}` is not a valid Prometheus label name"),
                    )
                    .argo(format!(
                        "metric label '{key}' is invalid: keys may only contain alphanumeric characters or '_'"
                    ))
                    .help("use letters, digits and `_`, not starting with a digit"),
                );
            }
        }
        if metric.help.is_empty() {
            out.push(
                Diagnostic::new(
                    &METRIC_INVALID,
                    here.key("help"),
                    format!("metric `{metric_name}` of template `{name}` has no help text"),
                )
                .argo(format!(
                    "templates.{name} metric '{metric_name}' must contain a help string under 'help: ' field"
                ))
                .help("add `help:` describing the metric"),
            );
        }
        let mut value_error = |path: FieldPath, problem: &str, plain: String, help: &str| {
            out.push(
                Diagnostic::new(&METRIC_INVALID, path, plain)
                    .argo(format!(
                        "templates.{name} metric '{metric_name}' error: {problem}"
                    ))
                    .help(help),
            );
        };
        if let Some(gauge) = &metric.gauge {
            if gauge.value.is_empty() {
                value_error(
                    here.key("gauge").key("value"),
                    "missing gauge.value",
                    format!("gauge `{metric_name}` has no value"),
                    "set `gauge.value`, e.g. `\"{{duration}}\"`",
                );
            }
            if gauge.realtime == Some(true) && gauge.value.contains("resourcesDuration.") {
                value_error(
                    here.key("gauge").key("value"),
                    "'resourcesDuration.*' metrics cannot be used in real-time",
                    format!(
                        "real-time gauge `{metric_name}` uses `resourcesDuration.*`, which is only known when the node ends"
                    ),
                    "set `realtime: false`, or use another value",
                );
            }
        }
        if let Some(counter) = &metric.counter
            && counter.value.is_empty()
        {
            value_error(
                here.key("counter").key("value"),
                "missing counter.value",
                format!("counter `{metric_name}` has no value"),
                "set `counter.value`, e.g. `\"1\"`",
            );
        }
        if let Some(histogram) = &metric.histogram
            && histogram.value.is_empty()
        {
            value_error(
                here.key("histogram").key("value"),
                "missing histogram.value",
                format!("histogram `{metric_name}` has no value"),
                "set `histogram.value`, e.g. `\"{{duration}}\"`",
            );
        }
    }
}
