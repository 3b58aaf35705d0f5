//! Prometheus metrics (OpenMetrics text on `GET /metrics`), on a registry owned by the server
//! rather than a global one, so tests can run servers side by side.

use prometheus_client::{
    encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

/// Latency buckets in seconds: sub-millisecond resolution where the gate should live, up to
/// the webhook timeout.
const LATENCY_BUCKETS: [f64; 14] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// Which admission endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `/validate`
    Validate,
    /// `/mutate`
    Mutate,
}

impl Endpoint {
    /// The label text.
    pub fn as_str(self) -> &'static str {
        match self {
            Endpoint::Validate => "validate",
            Endpoint::Mutate => "mutate",
        }
    }
}

/// How a request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Allowed without changes.
    Allowed,
    /// Allowed with a patch.
    Patched,
    /// Denied.
    Denied,
    /// Not an object wflint checks, or an operation it lets through (DELETE, status-only
    /// updates).
    Skipped,
    /// Malformed review (HTTP 400).
    BadRequest,
    /// Not answered in time (HTTP 503, the API server applies `failurePolicy`).
    Timeout,
    /// Internal error (HTTP 500).
    Error,
}

impl Outcome {
    /// The label text.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Patched => "patched",
            Outcome::Denied => "denied",
            Outcome::Skipped => "skipped",
            Outcome::BadRequest => "bad_request",
            Outcome::Timeout => "timeout",
            Outcome::Error => "error",
        }
    }
}

impl EncodeLabelValue for Endpoint {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        EncodeLabelValue::encode(&self.as_str(), encoder)
    }
}

impl EncodeLabelValue for Outcome {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        EncodeLabelValue::encode(&self.as_str(), encoder)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RequestLabels {
    endpoint: Endpoint,
    kind: &'static str,
    outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct EndpointLabels {
    endpoint: Endpoint,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct FindingLabels {
    code: &'static str,
    severity: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ResultLabels {
    result: &'static str,
}

type HistogramFamily = Family<EndpointLabels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// The server's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: HistogramFamily,
    findings: Family<FindingLabels, Counter>,
    cache_synced: Gauge,
    ready: Gauge,
    certificate_reloads: Family<ResultLabels, Counter>,
    policy_reloads: Family<ResultLabels, Counter>,
    verdict_lookups: Family<ResultLabels, Counter>,
    lint_memo_lookups: Family<ResultLabels, Counter>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// Kind label values are limited to the four kinds wflint checks, so that nobody can grow the
/// series count by sending made-up kinds.
pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "Workflow" => "Workflow",
        "WorkflowTemplate" => "WorkflowTemplate",
        "ClusterWorkflowTemplate" => "ClusterWorkflowTemplate",
        "CronWorkflow" => "CronWorkflow",
        "" => "none",
        _ => "other",
    }
}

impl Metrics {
    /// A registry with every metric registered.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("wflint");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "admission_requests",
            "Admission reviews answered, by endpoint, object kind and outcome",
            requests.clone(),
        );
        let latency: HistogramFamily = Family::new_with_constructor(latency_histogram);
        registry.register(
            "admission_duration_seconds",
            "Time from request to answer, by endpoint",
            latency.clone(),
        );
        let findings = Family::<FindingLabels, Counter>::default();
        registry.register(
            "findings",
            "Findings reported in admission reviews, by rule code and severity",
            findings.clone(),
        );
        let cache_synced = Gauge::default();
        registry.register(
            "cache_synced",
            "1 when the cluster caches are synced (or offline context), else 0",
            cache_synced.clone(),
        );
        let ready = Gauge::default();
        registry.register(
            "ready",
            "1 when the server is ready for admission traffic, else 0",
            ready.clone(),
        );
        let certificate_reloads = Family::<ResultLabels, Counter>::default();
        registry.register(
            "certificate_reloads",
            "Serving certificate reloads after the files changed, by result",
            certificate_reloads.clone(),
        );
        let policy_reloads = Family::<ResultLabels, Counter>::default();
        registry.register(
            "policy_reloads",
            "Policy reloads after the file changed, by result (a rejected reload keeps the old policy)",
            policy_reloads.clone(),
        );
        let verdict_lookups = Family::<ResultLabels, Counter>::default();
        registry.register(
            "verdict_cache_lookups",
            "Look-ups of remembered decisions (an identical earlier review), by result (hit, miss)",
            verdict_lookups.clone(),
        );
        let lint_memo_lookups = Family::<ResultLabels, Counter>::default();
        registry.register(
            "lint_memo_lookups",
            "Look-ups of remembered findings of the same object (e.g. /validate after /mutate), by result (hit, miss)",
            lint_memo_lookups.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            findings,
            cache_synced,
            ready,
            certificate_reloads,
            policy_reloads,
            verdict_lookups,
            lint_memo_lookups,
        }
    }

    /// Count one answered request.
    pub fn observe_request(
        &self,
        endpoint: Endpoint,
        kind: &'static str,
        outcome: Outcome,
        seconds: f64,
    ) {
        self.requests
            .get_or_create(&RequestLabels {
                endpoint,
                kind,
                outcome,
            })
            .inc();
        self.latency
            .get_or_create(&EndpointLabels { endpoint })
            .observe(seconds);
    }

    /// Count one finding.
    pub fn observe_finding(&self, code: &'static str, severity: &'static str) {
        self.findings
            .get_or_create(&FindingLabels { code, severity })
            .inc();
    }

    /// Count a certificate reload attempt.
    pub fn observe_certificate_reload(&self, ok: bool) {
        let result = if ok { "ok" } else { "rejected" };
        self.certificate_reloads
            .get_or_create(&ResultLabels { result })
            .inc();
    }

    /// Count a policy reload attempt.
    pub fn observe_policy_reload(&self, ok: bool) {
        let result = if ok { "ok" } else { "rejected" };
        self.policy_reloads
            .get_or_create(&ResultLabels { result })
            .inc();
    }

    /// Count a look-up of a remembered decision.
    pub fn observe_verdict_lookup(&self, hit: bool) {
        let result = if hit { "hit" } else { "miss" };
        self.verdict_lookups
            .get_or_create(&ResultLabels { result })
            .inc();
    }

    /// Count one look-up of remembered findings (see [`crate::verdicts::LintMemo`]).
    pub fn observe_lint_memo_lookup(&self, hit: bool) {
        let result = if hit { "hit" } else { "miss" };
        self.lint_memo_lookups
            .get_or_create(&ResultLabels { result })
            .inc();
    }

    /// The OpenMetrics text, with the gauges set to the current state.
    pub fn encode(&self, cache_synced: bool, ready: bool) -> String {
        self.cache_synced.set(i64::from(cache_synced));
        self.ready.set(i64::from(ready));
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_requests_latency_findings_and_sync_state() {
        let metrics = Metrics::new();
        metrics.observe_request(Endpoint::Validate, "Workflow", Outcome::Denied, 0.0004);
        metrics.observe_finding("invalid-type", "error");
        let text = metrics.encode(false, false);
        assert!(text.contains(
            r#"wflint_admission_requests_total{endpoint="validate",kind="Workflow",outcome="denied"} 1"#
        ), "{text}");
        assert!(
            text.contains(
                r#"wflint_admission_duration_seconds_bucket{le="0.0005",endpoint="validate"} 1"#
            ),
            "{text}"
        );
        assert!(
            text.contains(
                r#"wflint_admission_duration_seconds_bucket{le="0.00025",endpoint="validate"} 0"#
            ),
            "{text}"
        );
        assert!(text.contains(r#"wflint_findings_total{code="invalid-type",severity="error"} 1"#));
        assert!(text.contains("wflint_cache_synced 0"));
        assert!(metrics.encode(true, true).contains("wflint_cache_synced 1"));
    }

    #[test]
    fn kind_labels_are_bounded() {
        assert_eq!(kind_label("CronWorkflow"), "CronWorkflow");
        assert_eq!(kind_label("Pod"), "other");
        assert_eq!(kind_label(""), "none");
    }
}
