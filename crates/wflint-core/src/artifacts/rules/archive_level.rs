//! `artifact-archive-level`: `archive.tar.compressionLevel` outside what gzip accepts.
//!
//! Outputs only: the executor reads the level when it stages an output for upload; loading an
//! input (or an argument) only looks at which strategy is present, never at the level.

use crate::{
    diagnostic::Target, engine::Sink, path::PointerExt as _, rules::artifacts::ARCHIVE_LEVEL,
};

use super::super::{analysis::ArtifactCx, sites::Role};

pub(crate) fn check(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&ARCHIVE_LEVEL) {
        return;
    }
    for site in &cx.own().sites.locations {
        if site.role != Role::Output {
            continue;
        }
        let Some(level) = site.value.at("/archive/tar/compressionLevel") else {
            continue;
        };
        let Some(number) = level.as_f64() else {
            continue;
        };
        if (-2.0..=9.0).contains(&number) {
            continue;
        }
        sink.report(
            cx.finding(
                &ARCHIVE_LEVEL,
                0,
                site.path.key("archive").key("tar").key("compressionLevel"),
                Target::Value,
                format!(
                    "compressionLevel {level} of {} is not a gzip level (-2..9): staging the output fails after the main container has run",
                    cx.describe(0, site)
                ),
            )
            .argo(format!("gzip: invalid compression level: {level}"))
            .help("Use 0 (no compression) or 1 (fastest) to 9 (best), or remove the field for gzip's default."),
        );
    }
}
