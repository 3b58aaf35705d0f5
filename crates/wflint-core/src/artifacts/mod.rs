//! Artifact checks beyond `argo lint` (rule group `artifacts`): repository resolution, key-only
//! artifacts, secrets, archive options, garbage collection and artifact references.
//!
//! The building blocks live in the submodules: [`sites`] (every template and artifact of a
//! spec), [`location`] (full locations, keys, secret selectors, what needs a repository),
//! [`execution`] (the execution spec: object > template > controller defaults), [`resolve`]
//! (Argo's repository resolution) and `analysis` (all of it computed once per object). Each
//! rule is one file under `rules/`; their codes and documentation are in
//! [`crate::rules::artifacts`].

use crate::engine::{ObjectCx, Sink};

pub(crate) mod analysis;
pub mod execution;
pub mod location;
pub mod resolve;
mod rules;
pub mod sites;

/// Run every artifact check on one object.
pub fn run(cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
    if !crate::rules::artifacts::RULES
        .iter()
        .any(|rule| sink.enabled(rule))
    {
        return;
    }
    let own = analysis::own_sites(cx);
    let holders = analysis::discover_holders(cx, &own);
    let artifact_cx = analysis::ArtifactCx::new(cx, own, &holders);
    rules::run(&artifact_cx, sink);
}
