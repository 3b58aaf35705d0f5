//! The command line of the server: [`ServeArgs`] (shared by the `wflint-webhook` binary and
//! `wflint serve`), [`serve`] (async, for embedding) and [`run`] (blocking, for `main`).

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    process::ExitCode,
    sync::Arc,
    time::Duration,
};

use wflint_core::{
    context::{ClusterContext, FileContext, NoContext},
    policy::Policy,
};

use wflint_kube::{CacheOptions, ClusterArgs, ClusterCache};

use crate::{
    server::{ServeConfig, ServeError, Server},
    state::{AppState, ClusterState, DEFAULT_VERDICT_CACHE_BYTES, Limits},
};

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One JSON object per line (for log collectors).
    Json,
    /// Human-readable lines.
    Text,
}

/// `wflint serve`: the HTTPS admission webhook.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to serve HTTPS on.
    #[arg(long, value_name = "HOST:PORT", default_value = "0.0.0.0:8443")]
    pub addr: SocketAddr,
    /// PEM certificate chain (re-read when it changes).
    #[arg(long, value_name = "FILE")]
    pub tls_cert: PathBuf,
    /// PEM private key (re-read when it changes).
    #[arg(long, value_name = "FILE")]
    pub tls_key: PathBuf,
    /// Policy file (`kind: Policy`); re-read when it changes, an invalid new version is
    /// rejected and the old one kept. Without it: every rule, errors deny, no mutation.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Cluster state as manifest files or folders (as `kubectl get -o yaml` writes them);
    /// repeatable. For trying the gate without a cluster.
    #[arg(long, value_name = "PATH", conflicts_with = "cluster")]
    pub context: Vec<PathBuf>,
    /// The workflow controller's ConfigMap (with `--context`).
    #[arg(long, value_name = "FILE", conflicts_with = "cluster")]
    pub controller_config: Option<PathBuf>,
    /// `--cluster` (watch ConfigMaps, Secrets reduced to key names, WorkflowTemplates and
    /// ClusterWorkflowTemplates through the in-cluster service account or a kubeconfig),
    /// `--kubeconfig`, `--kube-context`, `--controller-namespace`, `--controller-configmap`,
    /// `--cluster-timeout`.
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// Also serve /healthz, /readyz and /metrics over plain HTTP here.
    #[arg(long, value_name = "HOST:PORT")]
    pub metrics_addr: Option<SocketAddr>,
    /// Deadline for answering one review, queueing included; keep it below the webhook's
    /// `timeoutSeconds`.
    #[arg(long, value_name = "DURATION", default_value = "3s", value_parser = humantime::parse_duration)]
    pub request_timeout: Duration,
    /// Largest AdmissionReview body accepted.
    #[arg(long, value_name = "BYTES", default_value_t = 4 * 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Reviews checked at once (default: twice the CPUs).
    #[arg(long, value_name = "N")]
    pub max_concurrent_lints: Option<usize>,
    /// Memory for remembered decisions: a review identical to an earlier one but for its uid
    /// and the metadata the API server stamps on objects (mutate then validate, re-invocations,
    /// dry runs, retries) is answered without a new lint while the policy and the cluster facts
    /// are unchanged. 0 turns it off.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_VERDICT_CACHE_BYTES)]
    pub verdict_cache_bytes: usize,
    /// Threads serving connections (TLS, HTTP); linting runs on separate blocking threads.
    /// Default: half the CPUs, at least one.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub async_threads: Option<u16>,
    /// How often certificate and policy files are checked for changes.
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = humantime::parse_duration)]
    pub reload_interval: Duration,
    /// On SIGTERM: time spent not-ready but still serving, before closing the listener.
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = humantime::parse_duration)]
    pub shutdown_delay: Duration,
    /// Then: longest wait for open requests to finish.
    #[arg(long, value_name = "DURATION", default_value = "20s", value_parser = humantime::parse_duration)]
    pub drain_timeout: Duration,
    /// Log format (`RUST_LOG` sets the level, default `info`).
    #[arg(long, value_enum, default_value = "json")]
    pub log_format: LogFormat,
}

impl ServeArgs {
    /// The request limits these arguments ask for.
    pub fn limits(&self) -> Limits {
        let defaults = Limits::default();
        Limits {
            max_body_bytes: self.max_body_bytes,
            request_timeout: self.request_timeout,
            max_concurrent_lints: self
                .max_concurrent_lints
                .unwrap_or(defaults.max_concurrent_lints),
            verdict_cache_bytes: self.verdict_cache_bytes,
        }
    }

    /// Threads of the async runtime: `--async-threads`, or half the CPUs (at least one). The
    /// connections need little CPU next to linting, which has its own threads; on a small
    /// machine a second async thread only adds wake-ups between threads to every request.
    pub fn async_threads(&self) -> usize {
        self.async_threads.map_or_else(
            || std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1)),
            usize::from,
        )
    }

    /// The server configuration these arguments ask for.
    pub fn serve_config(&self) -> ServeConfig {
        ServeConfig {
            addr: self.addr,
            tls_cert: self.tls_cert.clone(),
            tls_key: self.tls_key.clone(),
            policy: self.policy.clone(),
            metrics_addr: self.metrics_addr,
            reload_interval: self.reload_interval,
            shutdown_delay: self.shutdown_delay,
            drain_timeout: self.drain_timeout,
        }
    }
}

/// The policy of `--policy`, or the built-in one.
pub fn load_policy(path: Option<&Path>) -> Result<Policy, ServeError> {
    match path {
        Some(path) => Ok(Policy::load(path)?),
        None => Ok(Policy::default()),
    }
}

/// The offline cluster view of `--context` / `--controller-config` (closed world once context
/// files are given: what they do not hold is missing). Without either, every cluster fact is
/// unknown: nothing is denied on cluster facts and nothing is pinned.
fn offline_context(
    context: &[PathBuf],
    controller_config: Option<&Path>,
) -> Result<Arc<dyn ClusterContext>, ServeError> {
    if context.is_empty() && controller_config.is_none() {
        return Ok(Arc::new(NoContext));
    }
    let files = FileContext::load(context, controller_config, CONTEXT_DEFAULT_NAMESPACE)?;
    let (config_maps, secrets, templates, cluster_templates) = files.counts();
    tracing::info!(
        config_maps,
        secrets,
        templates,
        cluster_templates,
        "offline cluster context loaded"
    );
    Ok(Arc::new(files))
}

/// Namespace of context objects that name none.
pub const CONTEXT_DEFAULT_NAMESPACE: &str = "default";

/// The cluster view the arguments ask for: watch caches with `--cluster` (readiness waits
/// for them to sync), context files, or nothing (every fact unknown). Call from within a
/// Tokio runtime: the watches are spawned on it.
pub async fn cluster_state(args: &ServeArgs) -> Result<ClusterState, ServeError> {
    if !args.cluster.cluster {
        return Ok(ClusterState::offline(offline_context(
            &args.context,
            args.controller_config.as_deref(),
        )?));
    }
    let client = args.cluster.client().await?;
    let options = CacheOptions {
        controller_namespace: args.cluster.controller_namespace.clone(),
        controller_configmap: args.cluster.controller_configmap.clone(),
        ..CacheOptions::default()
    };
    let cache = ClusterCache::start(client, options);
    let synced = Arc::clone(&cache);
    Ok(ClusterState::watched(cache, move || synced.synced()))
}

/// Build the server the arguments ask for: policy checked, cluster view set up (watches
/// started), nothing bound yet (use [`Server::handle`] to learn the address once running).
pub async fn build_server(args: &ServeArgs) -> Result<Server, ServeError> {
    // Checked here for a prompt error; the server loads the file again at start, as the
    // baseline of its reload watcher.
    load_policy(args.policy.as_deref())?;
    let cluster = cluster_state(args).await?;
    let state = AppState::new(cluster, Policy::default(), args.limits());
    Ok(Server::new(args.serve_config(), state))
}

/// Build everything from the arguments and serve until `shutdown` completes.
pub async fn serve(
    args: &ServeArgs,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> Result<(), ServeError> {
    build_server(args).await?.run(shutdown).await
}

/// Completes on SIGTERM or Ctrl-C.
pub async fn termination_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

/// Install the JSON (or text) log subscriber; a no-op if one is installed already.
pub fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
    };
}

/// Run the server to completion: logging, a multi-threaded runtime, SIGTERM handling. Returns
/// exit code 0 after a clean shutdown, 1 on errors (printed to stderr).
pub fn run(args: ServeArgs) -> ExitCode {
    init_logging(args.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.async_threads())
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(&args, termination_signal())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "wflint webhook failed");
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
