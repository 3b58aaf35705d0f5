//! wflint-kube: cluster facts for wflint from a live Kubernetes API.
//!
//! Two ways to read them, both answering through [`wflint_core::context::ClusterContext`]:
//! - **Snapshot** (the CLI's `--cluster`): [`Needs`] lists exactly what the linted objects
//!   name, [`fetch_snapshot`] reads it concurrently with a timeout per answer, following
//!   references for a few rounds, into a [`Snapshot`]. [`ClusterArgs`] are the CLI flags;
//!   [`live_context_blocking`] does it all from synchronous code.
//! - **Watch caches** (the admission webhook): [`ClusterCache`] keeps ConfigMaps, Secret key
//!   names and templates warm with kube-runtime watchers, so admission never waits on the API
//!   server.
//!
//! Lookups never claim *missing* unless the API server said so: forbidden, timed out, not yet
//! synced or unreadable answers are *unknown*, with a note. Secret values are skipped while a
//! response is decoded: only key names are ever stored, and never logged.

#![warn(missing_docs)]

mod args;
mod cache;
pub mod facts;
mod live;
mod needs;
mod resources;
mod snapshot;

pub use args::{
    ClusterArgs, KubeError, client_for_url, client_from_config, install_crypto_provider,
    live_context_blocking, parse_duration, snapshot_blocking,
};
pub use cache::{CacheOptions, CacheStats, CachedResource, ClusterCache};
pub use live::{LiveOptions, fetch_snapshot};
pub use needs::Needs;
pub use snapshot::Snapshot;
