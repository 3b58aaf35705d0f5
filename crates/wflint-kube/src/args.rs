//! Command-line flags of the live cluster mode, the kube client they describe, and blocking
//! helpers so a synchronous CLI can read a snapshot in a few lines.

use std::{path::PathBuf, time::Duration};

use kube::{
    Client, Config,
    config::{KubeConfigOptions, Kubeconfig},
};
use wflint_core::source::ParsedFile;

use crate::{
    live::{LiveOptions, fetch_snapshot},
    needs::Needs,
    snapshot::Snapshot,
};

/// Errors setting up access to the cluster (lookups themselves never fail: they answer
/// unknown).
#[derive(Debug, thiserror::Error)]
pub enum KubeError {
    /// The kubeconfig file named by `--kubeconfig` could not be read.
    #[error("cannot read kubeconfig {path}: {source}")]
    ReadKubeconfig {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: kube::config::KubeconfigError,
    },
    /// The kubeconfig does not give a usable cluster/context.
    #[error("cannot use the kubeconfig: {0}")]
    Kubeconfig(#[source] kube::config::KubeconfigError),
    /// No kubeconfig and not running in a cluster.
    #[error("no Kubernetes configuration found (no kubeconfig, not in a pod): {0}")]
    Infer(#[source] kube::config::InferConfigError),
    /// The client could not be built from the configuration.
    #[error("cannot create the Kubernetes client: {0}")]
    Client(#[source] kube::Error),
    /// The URL is not a valid cluster URL.
    #[error("invalid cluster URL {url:?}: {detail}")]
    Url {
        /// The URL given.
        url: String,
        /// Why it is invalid.
        detail: String,
    },
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
}

/// Flags of the live cluster mode (flatten into a clap command with `#[command(flatten)]`).
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct ClusterArgs {
    /// Read cluster facts (repository ConfigMaps, Secret key names, templates, the controller
    /// configuration) from the live cluster, for just what the linted objects need.
    #[arg(long)]
    pub cluster: bool,

    /// Kubeconfig file to use with --cluster (default: $KUBECONFIG, ~/.kube/config, or the
    /// in-cluster service account).
    #[arg(long, value_name = "PATH", requires = "cluster")]
    pub kubeconfig: Option<PathBuf>,

    /// Kubeconfig context to use with --cluster (default: the current context).
    #[arg(long, value_name = "NAME", requires = "cluster")]
    pub kube_context: Option<String>,

    /// Namespace the Argo workflow controller runs in.
    #[arg(long, value_name = "NS", default_value = "argo")]
    pub controller_namespace: String,

    /// Name of the workflow controller's ConfigMap.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "workflow-controller-configmap"
    )]
    pub controller_configmap: String,

    /// Longest wait for each cluster answer (e.g. `5s`, `500ms`); slower answers count as
    /// unknown.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub cluster_timeout: Duration,
}

impl Default for ClusterArgs {
    fn default() -> Self {
        Self {
            cluster: false,
            kubeconfig: None,
            kube_context: None,
            controller_namespace: "argo".into(),
            controller_configmap: "workflow-controller-configmap".into(),
            cluster_timeout: Duration::from_secs(10),
        }
    }
}

/// Parse a `--cluster-timeout` value (`10s`, `500ms`, `1m 30s`): more than zero, at most an
/// hour.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let duration = humantime::parse_duration(text.trim())
        .map_err(|e| format!("invalid duration {text:?}: {e} (examples: 10s, 500ms, 2m)"))?;
    if duration.is_zero() || duration > Duration::from_secs(3600) {
        return Err(format!(
            "duration {text:?} out of range (more than 0, at most 1h)"
        ));
    }
    Ok(duration)
}

impl ClusterArgs {
    /// The live-mode options these flags describe.
    pub fn live_options(&self) -> LiveOptions {
        LiveOptions {
            controller_namespace: self.controller_namespace.clone(),
            controller_configmap: self.controller_configmap.clone(),
            timeout: self.cluster_timeout,
            ..LiveOptions::default()
        }
    }

    /// The kube client configuration: `--kubeconfig` and `--kube-context` if given, otherwise
    /// kube's usual inference ($KUBECONFIG, ~/.kube/config, in-cluster).
    pub async fn kube_config(&self) -> Result<Config, KubeError> {
        let options = KubeConfigOptions {
            context: self.kube_context.clone(),
            ..KubeConfigOptions::default()
        };
        let mut config = match (&self.kubeconfig, &self.kube_context) {
            (Some(path), _) => {
                let kubeconfig =
                    Kubeconfig::read_from(path).map_err(|source| KubeError::ReadKubeconfig {
                        path: path.clone(),
                        source,
                    })?;
                Config::from_custom_kubeconfig(kubeconfig, &options)
                    .await
                    .map_err(KubeError::Kubeconfig)?
            }
            (None, Some(_)) => Config::from_kubeconfig(&options)
                .await
                .map_err(KubeError::Kubeconfig)?,
            (None, None) => Config::infer().await.map_err(KubeError::Infer)?,
        };
        // Each lookup has its own deadline; keep the connection's below it so a dead API
        // server fails fast.
        config.connect_timeout = Some(self.cluster_timeout);
        Ok(config)
    }

    /// A kube client for these flags.
    pub async fn client(&self) -> Result<Client, KubeError> {
        client_from_config(self.kube_config().await?)
    }
}

/// A kube client from a configuration, with the `ring` TLS provider installed.
pub fn client_from_config(config: Config) -> Result<Client, KubeError> {
    install_crypto_provider();
    Client::try_from(config).map_err(KubeError::Client)
}

/// A kube client for a plain URL (tests, `kubectl proxy`).
pub fn client_for_url(url: &str) -> Result<Client, KubeError> {
    let uri = url
        .parse()
        .map_err(|e: http::uri::InvalidUri| KubeError::Url {
            url: url.to_string(),
            detail: e.to_string(),
        })?;
    client_from_config(Config::new(uri))
}

/// Make rustls use `ring` (the project's provider) when nothing chose one yet.
pub fn install_crypto_provider() {
    // Fails only when a provider is already installed, which is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn runtime() -> Result<tokio::runtime::Runtime, KubeError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(KubeError::Runtime)
}

/// Read what `needs` names from the cluster these flags describe, blocking the calling thread
/// (for the synchronous CLI).
pub fn snapshot_blocking(args: &ClusterArgs, needs: &Needs) -> Result<Snapshot, KubeError> {
    runtime()?.block_on(async {
        let client = args.client().await?;
        Ok(fetch_snapshot(&client, needs, &args.live_options()).await)
    })
}

/// The live context for a set of parsed files: compute what they need, read it, block until
/// done. Objects without a namespace run in `default_namespace`.
pub fn live_context_blocking(
    args: &ClusterArgs,
    files: &[ParsedFile],
    default_namespace: &str,
) -> Result<Snapshot, KubeError> {
    snapshot_blocking(args, &Needs::from_parsed(files, default_namespace))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        cluster: ClusterArgs,
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1m 30s"), Ok(Duration::from_secs(90)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("ten").is_err());
        assert!(parse_duration("5h").is_err());
        assert!(parse_duration("3").is_err());
    }

    #[test]
    fn flags_and_defaults() {
        let cli = Cli::try_parse_from(["wflint"]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(cli.cluster, ClusterArgs::default());
        let cli = Cli::try_parse_from([
            "wflint",
            "--cluster",
            "--kubeconfig",
            "/tmp/kc",
            "--kube-context",
            "dev",
            "--controller-namespace",
            "workflows",
            "--controller-configmap",
            "cm",
            "--cluster-timeout",
            "2s",
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(cli.cluster.cluster);
        assert_eq!(cli.cluster.kube_context.as_deref(), Some("dev"));
        let options = cli.cluster.live_options();
        assert_eq!(options.controller_namespace, "workflows");
        assert_eq!(options.controller_configmap, "cm");
        assert_eq!(options.timeout, Duration::from_secs(2));
    }

    #[test]
    fn kubeconfig_flags_require_cluster() {
        assert!(Cli::try_parse_from(["wflint", "--kube-context", "dev"]).is_err());
    }
}
