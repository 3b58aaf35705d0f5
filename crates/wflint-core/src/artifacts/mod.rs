//! Artifact checks beyond `argo lint` (rule group `artifacts`).
//!
//! PLACEHOLDER: repository resolution, key-only artifacts, secrets, archive and GC rules.
//! The building blocks the rules share live in the submodules: [`location`] (full locations,
//! keys, what needs a repository), [`execution`] (the execution spec: object > template >
//! controller defaults) and [`resolve`] (Argo's repository resolution).

use crate::engine::{ObjectCx, Sink};

pub mod execution;
pub mod location;
pub mod resolve;

/// Run every artifact check on one object.
pub fn run(_cx: &ObjectCx<'_>, _sink: &mut Sink<'_>) {}
