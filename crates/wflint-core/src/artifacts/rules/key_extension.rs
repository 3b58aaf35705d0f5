//! `artifact-key-extension`: a tar-archived output's explicit key does not end in `.tgz` /
//! `.tar.gz`, or ends in `/`.

use crate::{diagnostic::Target, engine::Sink, rules::artifacts::KEY_EXTENSION};

use super::{
    super::{analysis::ArtifactCx, location::key_of, sites::Role},
    archive_conflict::strategies,
    key_path,
};

pub(crate) fn check(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&KEY_EXTENSION) {
        return;
    }
    for site in &cx.own().sites.locations {
        if site.role != Role::Output || !cx.template_of(0, site).is_some_and(|t| t.runs_pod) {
            continue;
        }
        // Outputs are tarred unless `archive` says `none` or `zip`.
        let set = strategies(site.value);
        if !(set.is_empty() || set == ["tar"]) {
            continue;
        }
        let (Some(key), Some(path)) = (key_of(site.value), key_path(site)) else {
            continue;
        };
        let lower = key.to_ascii_lowercase();
        let message = if key.ends_with('/') {
            format!(
                "{} is tarred but its key `{key}` ends in `/`, which names a directory: Argo cannot store the archive file there",
                cx.describe(0, site)
            )
        } else if lower.ends_with(".tgz") || lower.ends_with(".tar.gz") || key.ends_with("}}") {
            continue;
        } else {
            format!(
                "{} is stored as a tar+gzip archive, but its key `{key}` does not end in `.tgz` or `.tar.gz`",
                cx.describe(0, site)
            )
        };
        sink.report(
            cx.finding(&KEY_EXTENSION, 0, path, Target::Value, message)
                .help("End the key in `.tgz` (outputs are tarred and gzipped by default), or set `archive: {none: {}}` to store the file as is."),
        );
    }
}
