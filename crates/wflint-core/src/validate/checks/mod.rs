//! Argo's self-contained validator checks as pure functions: each takes a piece of the typed
//! model and the path where it sits, and pushes [`Diagnostic`](crate::Diagnostic)s carrying
//! Argo's own text (without the caller-chain prefix the walker adds) in `argo_message`.

mod cron;
mod go;
mod names;
mod paths;
mod selector;
mod timezone;
