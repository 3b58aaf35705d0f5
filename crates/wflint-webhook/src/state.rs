//! What every request handler shares: cluster facts, the current policy, metrics, the lint
//! concurrency limit and the readiness flags.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use arc_swap::ArcSwap;
use tokio::sync::Semaphore;
use wflint_core::{context::ClusterContext, policy::Policy};

use crate::{
    metrics::Metrics,
    verdicts::{LintMemo, VerdictCache},
};

/// Cluster facts and whether they can be trusted yet.
///
/// The webhook never calls the API server per request: `context` answers from memory (a
/// kube-backed watch cache, or files given with `--context`). `synced` tells readiness whether
/// the caches have caught up; until then the cache itself answers *unknown*, so nothing is
/// denied on facts it does not have.
#[derive(Clone)]
pub struct ClusterState {
    context: Arc<dyn ClusterContext>,
    synced: Arc<dyn Fn() -> bool + Send + Sync>,
    source: &'static str,
}

impl ClusterState {
    /// Facts that are complete from the start (offline files, or none at all).
    pub fn offline(context: Arc<dyn ClusterContext>) -> Self {
        Self {
            context,
            synced: Arc::new(|| true),
            source: "offline",
        }
    }

    /// Facts from a cache that syncs in the background; `synced` reports whether it has.
    pub fn watched(
        context: Arc<dyn ClusterContext>,
        synced: impl Fn() -> bool + Send + Sync + 'static,
    ) -> Self {
        Self {
            context,
            synced: Arc::new(synced),
            source: "cluster",
        }
    }

    /// The facts.
    pub fn context(&self) -> &dyn ClusterContext {
        self.context.as_ref()
    }

    /// Whether the caches are synced.
    pub fn synced(&self) -> bool {
        (self.synced)()
    }

    /// `offline` or `cluster`, for logs.
    pub fn source(&self) -> &'static str {
        self.source
    }
}

/// Tunables of request handling.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest request body accepted (larger: HTTP 413).
    pub max_body_bytes: usize,
    /// Time to answer one review, queueing included; must stay below the webhook
    /// configuration's `timeoutSeconds` so that the API server gets an answer.
    pub request_timeout: Duration,
    /// Reviews linted at once (each on a blocking worker thread).
    pub max_concurrent_lints: usize,
    /// Bytes of remembered decisions (see [`crate::verdicts`]); 0 turns the cache off.
    pub verdict_cache_bytes: usize,
}

/// Default of [`Limits::verdict_cache_bytes`]: a few hundred typical reviews (about 2 MB of
/// resident memory once full, measured).
pub const DEFAULT_VERDICT_CACHE_BYTES: usize = 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 4 * 1024 * 1024,
            request_timeout: Duration::from_secs(3),
            max_concurrent_lints: std::thread::available_parallelism().map_or(2, |n| n.get() * 2),
            verdict_cache_bytes: DEFAULT_VERDICT_CACHE_BYTES,
        }
    }
}

struct Inner {
    cluster: ClusterState,
    policy: ArcSwap<Policy>,
    metrics: Metrics,
    lint_permits: Arc<Semaphore>,
    verdicts: VerdictCache,
    lint_memo: LintMemo,
    limits: Limits,
    certificate_loaded: AtomicBool,
    draining: AtomicBool,
}

/// Shared state of the server (cheap to clone).
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// Why the server is or is not ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Readiness {
    /// A serving certificate is loaded.
    pub certificate_loaded: bool,
    /// The cluster caches are synced.
    pub caches_synced: bool,
    /// Shutdown has begun.
    pub draining: bool,
}

impl Readiness {
    /// Ready to take admission traffic.
    pub fn ready(&self) -> bool {
        self.certificate_loaded && self.caches_synced && !self.draining
    }
}

impl AppState {
    /// State with this cluster view, policy and limits. The certificate counts as not loaded
    /// until [`AppState::set_certificate_loaded`] (the server calls it once TLS is set up).
    pub fn new(cluster: ClusterState, policy: Policy, limits: Limits) -> Self {
        let permits = limits.max_concurrent_lints.max(1);
        Self(Arc::new(Inner {
            cluster,
            policy: ArcSwap::from_pointee(policy),
            metrics: Metrics::new(),
            lint_permits: Arc::new(Semaphore::new(permits)),
            verdicts: VerdictCache::new(limits.verdict_cache_bytes),
            lint_memo: LintMemo::new(limits.verdict_cache_bytes),
            limits,
            certificate_loaded: AtomicBool::new(false),
            draining: AtomicBool::new(false),
        }))
    }

    /// The cluster view.
    pub fn cluster(&self) -> &ClusterState {
        &self.0.cluster
    }

    /// The policy in force.
    pub fn policy(&self) -> Arc<Policy> {
        self.0.policy.load_full()
    }

    /// Replace the policy (requests already running keep the one they started with).
    pub fn set_policy(&self, policy: Policy) {
        self.0.policy.store(Arc::new(policy));
    }

    /// The metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    /// The request limits.
    pub fn limits(&self) -> &Limits {
        &self.0.limits
    }

    pub(crate) fn lint_permits(&self) -> Arc<Semaphore> {
        Arc::clone(&self.0.lint_permits)
    }

    /// The remembered decisions.
    pub fn verdicts(&self) -> &VerdictCache {
        &self.0.verdicts
    }

    /// Remembered findings of objects already checked (same budget as the decisions).
    pub fn lint_memo(&self) -> &LintMemo {
        &self.0.lint_memo
    }

    /// Record whether a serving certificate is loaded.
    pub fn set_certificate_loaded(&self, loaded: bool) {
        self.0.certificate_loaded.store(loaded, Ordering::SeqCst);
    }

    /// Mark the start of shutdown: readiness turns false so that endpoints drop this pod.
    pub fn begin_draining(&self) {
        self.0.draining.store(true, Ordering::SeqCst);
    }

    /// The readiness flags.
    pub fn readiness(&self) -> Readiness {
        Readiness {
            certificate_loaded: self.0.certificate_loaded.load(Ordering::SeqCst),
            caches_synced: self.0.cluster.synced(),
            draining: self.0.draining.load(Ordering::SeqCst),
        }
    }
}
