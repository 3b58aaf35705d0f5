//! Artifact checks beyond `argo lint` (rule group `artifacts`).
//!
//! PLACEHOLDER: repository resolution, key-only artifacts, secrets, archive and GC rules.

use crate::engine::{ObjectCx, Sink};

/// Run every artifact check on one object.
pub fn run(_cx: &ObjectCx<'_>, _sink: &mut Sink<'_>) {}
