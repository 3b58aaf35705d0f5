//! The HTTP side: the axum [`router`] (admission endpoints, health, readiness, metrics) and the
//! HTTPS [`Server`] around it (rustls with certificate reload, graceful shutdown).

use std::{
    future::Future,
    net::SocketAddr,
    path::PathBuf,
    time::{Duration, Instant},
};

use axum::{
    Router,
    body::Bytes,
    extract::{DefaultBodyLimit, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use axum_server::{Handle, tls_rustls::RustlsConfig};
use serde_json::json;
use tokio::sync::watch;
use wflint_core::policy::{Policy, PolicyError};

use crate::{
    admission::{self, Decision, ReviewError},
    metrics::{Endpoint, Outcome},
    reload,
    state::AppState,
    tls::{self, TlsError},
    verdicts::{Basis, ReviewKey},
};

/// Paths of the admission endpoints (the webhook configurations in `deploy/` use them).
pub const VALIDATE_PATH: &str = "/validate";
/// See [`VALIDATE_PATH`].
pub const MUTATE_PATH: &str = "/mutate";
/// Liveness.
pub const HEALTHZ_PATH: &str = "/healthz";
/// Readiness.
pub const READYZ_PATH: &str = "/readyz";
/// Prometheus metrics.
pub const METRICS_PATH: &str = "/metrics";

/// The routes of the server. Tests call it in-process (`tower::ServiceExt::oneshot`) and over a
/// real socket through [`Server`].
pub fn router(state: AppState) -> Router {
    let body_limit = state.limits().max_body_bytes;
    Router::new()
        .route(VALIDATE_PATH, post(validate))
        .route(MUTATE_PATH, post(mutate))
        .merge(probe_routes())
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state)
}

/// Health, readiness and metrics only (for the optional plain-HTTP metrics listener).
pub fn probe_router(state: AppState) -> Router {
    probe_routes().with_state(state)
}

fn probe_routes() -> Router<AppState> {
    Router::new()
        .route(HEALTHZ_PATH, get(healthz))
        .route(READYZ_PATH, get(readyz))
        .route(METRICS_PATH, get(metrics))
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<AppState>) -> Response {
    let readiness = state.readiness();
    let status = if readiness.ready() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(readiness)).into_response()
}

async fn metrics(State(state): State<AppState>) -> Response {
    let readiness = state.readiness();
    let text = state
        .metrics()
        .encode(readiness.caches_synced, readiness.ready());
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

async fn validate(State(state): State<AppState>, body: Bytes) -> Response {
    admit(Endpoint::Validate, state, body).await
}

async fn mutate(State(state): State<AppState>, body: Bytes) -> Response {
    admit(Endpoint::Mutate, state, body).await
}

fn error_response(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "error": message }))).into_response()
}

/// What the blocking worker hands back.
type Worked = Result<(Decision, Vec<u8>), ReviewError>;

/// Answer a review: a remembered decision when the same review was answered before under the
/// same policy and cluster facts (see [`crate::verdicts`]; a look-up, done here), otherwise
/// decode, decide and encode on a blocking worker thread, under the concurrency limit and the
/// request deadline.
async fn admit(endpoint: Endpoint, state: AppState, body: Bytes) -> Response {
    let started = Instant::now();
    // The policy in force when the review arrived decides it. The basis is read before
    // deciding, so that facts changing meanwhile make the decision's basis stale.
    let policy = state.policy();
    // One basis for the remembered decision and the remembered findings.
    let basis = if state.verdicts().enabled() {
        Basis::now(&policy, state.cluster().context())
    } else {
        None
    };
    let remember = basis
        .clone()
        .and_then(|basis| Some((ReviewKey::of(endpoint, &body)?, basis)));
    if let Some((key, basis)) = &remember {
        let remembered = state.verdicts().get(key, basis);
        state.metrics().observe_verdict_lookup(remembered.is_some());
        if let Some(decision) = remembered
            && let Ok(encoded) = admission::encode_review(&decision.review)
        {
            return answered(endpoint, &state, &decision, encoded, started, true);
        }
    }
    let deadline = state.limits().request_timeout;
    let permits = state.lint_permits();
    let worker_state = state.clone();
    let work = async move {
        let permit = permits.acquire_owned().await.ok()?;
        let joined = tokio::task::spawn_blocking(move || -> Worked {
            // Held until the work is done, even if the request has timed out meanwhile, so
            // that abandoned work still counts against the limit.
            let _permit = permit;
            let request = admission::parse_review(&body)?;
            let context = worker_state.cluster().context();
            let memo = basis
                .as_ref()
                .map(|basis| (worker_state.lint_memo(), basis));
            let decision = admission::decide_with(endpoint, request, &policy, context, memo)?;
            if memo.is_some()
                && endpoint == Endpoint::Validate
                && decision.outcome != Outcome::Skipped
            {
                worker_state
                    .metrics()
                    .observe_lint_memo_lookup(decision.lint_reused);
            }
            let encoded = admission::encode_review(&decision.review)
                .map_err(|e| ReviewError::Malformed(e.to_string()))?;
            if let Some((key, basis)) = remember
                && decision.outcome != Outcome::Skipped
            {
                worker_state.verdicts().insert(&key, basis, &decision);
            }
            Ok((decision, encoded))
        })
        .await;
        Some(joined)
    };
    let result = tokio::time::timeout(deadline, work).await;
    let seconds = started.elapsed().as_secs_f64();
    let metrics = state.metrics();
    match result {
        Ok(Some(Ok(Ok((decision, encoded))))) => {
            answered(endpoint, &state, &decision, encoded, started, false)
        }
        Ok(Some(Ok(Err(error)))) => {
            metrics.observe_request(endpoint, "none", Outcome::BadRequest, seconds);
            tracing::warn!(endpoint = endpoint.as_str(), %error, duration_ms = seconds * 1000.0, "bad admission request");
            error_response(StatusCode::BAD_REQUEST, &error.to_string())
        }
        Ok(Some(Err(join_error))) => {
            metrics.observe_request(endpoint, "none", Outcome::Error, seconds);
            tracing::error!(endpoint = endpoint.as_str(), error = %join_error, "admission worker failed");
            error_response(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
        Ok(None) => {
            metrics.observe_request(endpoint, "none", Outcome::Error, seconds);
            error_response(StatusCode::SERVICE_UNAVAILABLE, "shutting down")
        }
        Err(_elapsed) => {
            metrics.observe_request(endpoint, "none", Outcome::Timeout, seconds);
            tracing::warn!(
                endpoint = endpoint.as_str(),
                timeout_ms = deadline.as_millis() as u64,
                "admission review not answered in time"
            );
            // Not a decision: the API server applies the webhook's failurePolicy.
            error_response(
                StatusCode::SERVICE_UNAVAILABLE,
                "wflint could not answer in time",
            )
        }
    }
}

/// The HTTP answer of a decision, counted and logged.
fn answered(
    endpoint: Endpoint,
    state: &AppState,
    decision: &Decision,
    encoded: Vec<u8>,
    started: Instant,
    remembered: bool,
) -> Response {
    let seconds = started.elapsed().as_secs_f64();
    let metrics = state.metrics();
    metrics.observe_request(endpoint, decision.kind, decision.outcome, seconds);
    for (code, severity) in &decision.findings {
        metrics.observe_finding(code, severity.as_str());
    }
    tracing::info!(
        endpoint = endpoint.as_str(),
        uid = %decision.uid,
        kind = decision.kind,
        namespace = %decision.namespace,
        name = %decision.name,
        operation = decision.operation,
        dry_run = decision.dry_run,
        decision = decision.outcome.as_str(),
        findings = decision.findings.len(),
        remembered,
        // A remembered decision was not linted now, whatever the first answer did.
        lint_reused = decision.lint_reused && !remembered,
        duration_ms = seconds * 1000.0,
        "admission review"
    );
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        encoded,
    )
        .into_response()
}

/// How to run the HTTPS server.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Where to listen (HTTPS).
    pub addr: SocketAddr,
    /// PEM certificate chain.
    pub tls_cert: PathBuf,
    /// PEM private key.
    pub tls_key: PathBuf,
    /// Policy file: loaded at start (replacing the state's policy) and reloaded when it
    /// changes.
    pub policy: Option<PathBuf>,
    /// Optional plain-HTTP listener for `/healthz`, `/readyz` and `/metrics`.
    pub metrics_addr: Option<SocketAddr>,
    /// How often certificate and policy files are checked for changes.
    pub reload_interval: Duration,
    /// After the shutdown signal: time with readiness false while still serving, so that
    /// endpoints stop routing here before connections close.
    pub shutdown_delay: Duration,
    /// Then: longest wait for open connections to finish their requests.
    pub drain_timeout: Duration,
}

/// The server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Certificate or key unusable at start-up.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// The policy file is unusable at start-up.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// A listener failed.
    #[error("cannot serve on {addr}: {source}")]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The offline context files are unusable.
    #[error(transparent)]
    Context(#[from] wflint_core::context::ContextError),
    /// The cluster cannot be reached or configured (`--cluster`).
    #[error(transparent)]
    Kube(#[from] wflint_kube::KubeError),
}

/// A handle on a running [`Server`]: where it listens.
#[derive(Clone, Debug)]
pub struct ServerHandle {
    handle: Handle<SocketAddr>,
}

impl ServerHandle {
    /// The bound HTTPS address, once listening (`None` if binding failed).
    pub async fn listening(&self) -> Option<SocketAddr> {
        self.handle.listening().await
    }

    /// Open connections.
    pub fn connection_count(&self) -> usize {
        self.handle.connection_count()
    }
}

/// The HTTPS admission server.
pub struct Server {
    config: ServeConfig,
    state: AppState,
    handle: Handle<SocketAddr>,
}

impl Server {
    /// A server for this configuration and state.
    pub fn new(config: ServeConfig, state: AppState) -> Self {
        Self {
            config,
            state,
            handle: Handle::new(),
        }
    }

    /// The shared state (policy, metrics, readiness).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// A handle to learn the bound address.
    pub fn handle(&self) -> ServerHandle {
        ServerHandle {
            handle: self.handle.clone(),
        }
    }

    /// Serve until `shutdown` completes, then: readiness false, wait `shutdown_delay`, stop
    /// accepting, let open connections finish (at most `drain_timeout`), return.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) -> Result<(), ServeError> {
        let Self {
            config,
            state,
            handle,
        } = self;
        // The contents loaded here are the baseline of the reload watchers, so that a change
        // made while starting up is not missed.
        let cert_pem = tls::read(&config.tls_cert)?;
        let key_pem = tls::read(&config.tls_key)?;
        let server_config = tls::server_config(
            &cert_pem,
            &key_pem,
            &config.tls_cert.display().to_string(),
            &config.tls_key.display().to_string(),
        )?;
        let rustls_config = RustlsConfig::from_config(server_config);
        state.set_certificate_loaded(true);
        let policy_bytes = match &config.policy {
            Some(path) => {
                let bytes = std::fs::read(path).map_err(|source| PolicyError::Io {
                    origin: path.display().to_string(),
                    source,
                })?;
                state.set_policy(Policy::from_bytes(&path.display().to_string(), &bytes)?);
                Some(bytes)
            }
            None => None,
        };

        let (stop_tx, stop_rx) = watch::channel(false);
        let stopped = move || {
            let mut rx = stop_rx.clone();
            async move {
                let _ = rx.wait_for(|stop| *stop).await;
            }
        };
        let mut background = tokio::task::JoinSet::new();
        background.spawn(reload::watch_certificate(
            config.tls_cert.clone(),
            config.tls_key.clone(),
            vec![cert_pem, key_pem],
            config.reload_interval,
            rustls_config.clone(),
            state.clone(),
            stopped(),
        ));
        if let (Some(policy), Some(loaded)) = (&config.policy, policy_bytes) {
            background.spawn(reload::watch_policy(
                policy.clone(),
                loaded,
                config.reload_interval,
                state.clone(),
                stopped(),
            ));
        }
        if let Some(addr) = config.metrics_addr {
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|source| ServeError::Listen { addr, source })?;
            let app = probe_router(state.clone());
            let stop = stopped();
            background.spawn(async move {
                if let Err(error) = axum::serve(listener, app)
                    .with_graceful_shutdown(stop)
                    .await
                {
                    tracing::error!(%error, "metrics listener failed");
                }
            });
        }

        let warm_state = state.clone();
        let _ = tokio::task::spawn_blocking(move || {
            admission::warm_up(&warm_state.policy(), warm_state.cluster().context());
        })
        .await;

        let app = router(state.clone());
        let https = axum_server::bind_rustls(config.addr, rustls_config)
            .handle(handle.clone())
            .serve(app.into_make_service());
        let mut https = tokio::spawn(https);
        if let Some(addr) = handle.listening().await {
            tracing::info!(%addr, cluster = state.cluster().source(), policy = %state.policy().origin(), "wflint webhook listening");
        }

        let result = tokio::select! {
            served = &mut https => Some(served),
            () = shutdown => None,
        };
        let result = match result {
            Some(early) => early,
            None => {
                tracing::info!("shutdown signal: not ready, draining");
                state.begin_draining();
                tokio::time::sleep(config.shutdown_delay).await;
                handle.graceful_shutdown(Some(config.drain_timeout));
                https.await
            }
        };
        let _ = stop_tx.send(true);
        while background.join_next().await.is_some() {}
        match result {
            Ok(Ok(())) => {
                tracing::info!("wflint webhook stopped");
                Ok(())
            }
            Ok(Err(source)) => Err(ServeError::Listen {
                addr: config.addr,
                source,
            }),
            Err(join_error) => Err(ServeError::Listen {
                addr: config.addr,
                source: std::io::Error::other(join_error.to_string()),
            }),
        }
    }
}
