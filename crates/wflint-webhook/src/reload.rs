//! Reloading files that change under a running server: the serving certificate (cert-manager
//! rotation) and the policy.
//!
//! Files are polled by *content*, not by inotify or mtime: Kubernetes updates Secret and
//! ConfigMap volumes by swapping a `..data` symlink, which file watchers and mtimes on the
//! visible paths do not reliably report, while reading a few kilobytes every few seconds always
//! sees the new content. A change that does not load (half-written pair, invalid policy) is
//! logged and counted, and the old configuration stays in force.

use std::{future::Future, path::PathBuf, time::Duration};

use axum_server::tls_rustls::RustlsConfig;
use wflint_core::policy::Policy;

use crate::{state::AppState, tls};

/// Contents of a set of files, `None` for files that cannot be read right now.
type Snapshot = Vec<Option<Vec<u8>>>;

async fn snapshot(paths: &[PathBuf]) -> Snapshot {
    let mut contents = Vec::with_capacity(paths.len());
    for path in paths {
        contents.push(tokio::fs::read(path).await.ok());
    }
    contents
}

/// Watch `paths`, calling `on_change` with their contents whenever they differ from the last
/// contents seen, starting from `loaded` (the contents in force), until `stop` completes.
pub async fn watch<F>(
    paths: Vec<PathBuf>,
    loaded: Vec<Vec<u8>>,
    interval: Duration,
    mut on_change: F,
    stop: impl Future<Output = ()>,
) where
    F: FnMut(&[Vec<u8>]) + Send,
{
    let mut last: Snapshot = loaded.into_iter().map(Some).collect();
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker.tick().await;
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => return,
            _ = ticker.tick() => {}
        }
        let current = snapshot(&paths).await;
        if current == last {
            continue;
        }
        // A file that is briefly unreadable (mid-swap) is not a change yet.
        if let Some(contents) = current.iter().cloned().collect::<Option<Vec<_>>>() {
            on_change(&contents);
        }
        last = current;
    }
}

/// Reload the serving certificate from `cert` and `key` when they differ from `loaded`.
pub async fn watch_certificate(
    cert: PathBuf,
    key: PathBuf,
    loaded: Vec<Vec<u8>>,
    interval: Duration,
    config: RustlsConfig,
    state: AppState,
    stop: impl Future<Output = ()>,
) {
    let cert_name = cert.display().to_string();
    let key_name = key.display().to_string();
    watch(
        vec![cert, key],
        loaded,
        interval,
        move |contents| {
            let [cert_pem, key_pem] = contents else {
                return;
            };
            match tls::server_config(cert_pem, key_pem, &cert_name, &key_name) {
                Ok(server_config) => {
                    config.reload_from_config(server_config);
                    state.set_certificate_loaded(true);
                    state.metrics().observe_certificate_reload(true);
                    tracing::info!(cert = %cert_name, "serving certificate reloaded");
                }
                Err(error) => {
                    state.metrics().observe_certificate_reload(false);
                    tracing::warn!(%error, "serving certificate changed but cannot be used; keeping the previous one");
                }
            }
        },
        stop,
    )
    .await;
}

/// Reload the policy from `path` when it differs from `loaded`; an invalid policy is rejected
/// and the old one stays.
pub async fn watch_policy(
    path: PathBuf,
    loaded: Vec<u8>,
    interval: Duration,
    state: AppState,
    stop: impl Future<Output = ()>,
) {
    let origin = path.display().to_string();
    watch(
        vec![path],
        vec![loaded],
        interval,
        move |contents| {
            let Some(bytes) = contents.first() else {
                return;
            };
            match Policy::from_bytes(&origin, bytes) {
                Ok(policy) => {
                    state.set_policy(policy);
                    state.metrics().observe_policy_reload(true);
                    tracing::info!(policy = %origin, "policy reloaded");
                }
                Err(error) => {
                    state.metrics().observe_policy_reload(false);
                    tracing::error!(%error, "policy file changed but is invalid; keeping the previous policy");
                }
            }
        },
        stop,
    )
    .await;
}
