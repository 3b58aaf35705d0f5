//! wflint's admission gate: an HTTPS validating and mutating webhook for Argo Workflows
//! objects, built on the wflint core.
//!
//! - [`server::router`] — the axum routes (`/validate`, `/mutate`, `/healthz`, `/readyz`,
//!   `/metrics`), usable in-process.
//! - [`server::Server`] — rustls HTTPS (HTTP/1.1 and HTTP/2), certificate and policy reload,
//!   graceful shutdown.
//! - [`admission::decide`] — one AdmissionReview in, the answer out (sync, CPU-bound).
//! - [`mutate::mutate`] — the artifact defaults of the policy as a JSON Patch.
//! - [`cli::ServeArgs`] / [`cli::run`] / [`cli::serve`] — the command line, shared with
//!   `wflint serve`.

#![warn(missing_docs)]

pub mod admission;
pub mod cli;
pub mod metrics;
pub mod mutate;
pub mod reload;
pub mod server;
pub mod state;
pub mod tls;
pub mod verdicts;

pub use cli::{ServeArgs, build_server, run, serve};
pub use server::{ServeConfig, ServeError, Server, ServerHandle, router};
pub use state::{AppState, ClusterState, Limits};
