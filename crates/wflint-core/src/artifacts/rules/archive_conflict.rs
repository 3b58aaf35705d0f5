//! `artifact-archive-conflict`: more than one archive strategy.
//!
//! Outputs only: staging an output picks a strategy by a precedence that depends on where the
//! file lives, while loading an input (or an argument) always picks `none`, then `tar`, then
//! `zip`, and stores nothing.

use crate::{diagnostic::Target, engine::Sink, rules::artifacts::ARCHIVE_CONFLICT};

use super::super::{analysis::ArtifactCx, sites::Role};

/// The strategies set in an artifact's `archive`.
pub(crate) fn strategies(artifact: &serde_json::Value) -> Vec<&'static str> {
    ["tar", "none", "zip"]
        .into_iter()
        .filter(|s| {
            artifact
                .get("archive")
                .and_then(|a| a.get(*s))
                .is_some_and(|v| !v.is_null())
        })
        .collect()
}

pub(crate) fn check(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&ARCHIVE_CONFLICT) {
        return;
    }
    for site in &cx.own().sites.locations {
        if site.role != Role::Output {
            continue;
        }
        let set = strategies(site.value);
        if set.len() < 2 {
            continue;
        }
        let listed = set
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ");
        sink.report(
            cx.finding(
                &ARCHIVE_CONFLICT,
                0,
                site.path.key("archive"),
                Target::Key,
                format!(
                    "the archive of {} sets {listed}: Argo picks one depending on where the file lives (none > zip > tar on a mirrored volume, tar first otherwise), so the stored format is unpredictable",
                    cx.describe(0, site)
                ),
            )
            .help("Keep exactly one of `tar`, `none` and `zip`."),
        );
    }
}
