//! `artifact-repository-unannotated`: the namespace's `artifact-repositories` ConfigMap is
//! silently skipped (no default annotation, or one naming a missing key).

use crate::{
    context::Lookup, diagnostic::Target, engine::Sink, rules::artifacts::REPOSITORY_UNANNOTATED,
};

use super::{
    super::{
        analysis::{ArtifactCx, RefSetting},
        resolve::{
            AttemptOutcome, Candidate, DEFAULT_REPOSITORY_ANNOTATION, REPOSITORIES_CONFIG_MAP,
        },
    },
    repository_source,
};

pub(crate) fn check(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&REPOSITORY_UNANNOTATED) || *cx.ref_setting() != RefSetting::Absent {
        return;
    }
    let Some(namespace) = cx.namespace() else {
        return;
    };
    let resolved = cx.resolved();
    let Some(first) = resolved.chain.first() else {
        return;
    };
    let Candidate::ConfigMap { namespace: ns, .. } = &first.candidate else {
        return;
    };
    let why = match &first.outcome {
        AttemptOutcome::NoDefaultAnnotation => {
            format!("has no `{DEFAULT_REPOSITORY_ANNOTATION}` annotation")
        }
        AttemptOutcome::KeyMissing { key } => format!(
            "has a `{DEFAULT_REPOSITORY_ANNOTATION}` annotation naming key `{key}`, which its data does not have"
        ),
        _ => return,
    };
    let Some((part, need)) = cx.needs().first() else {
        return;
    };
    let instead = if resolved.resolution.is_configured() {
        format!("uses {} instead", repository_source(&resolved.resolution))
    } else {
        "finds no repository at all".to_string()
    };
    let keys = match cx.object.context.config_map(ns, REPOSITORIES_CONFIG_MAP) {
        Lookup::Found(config_map) => config_map.data.keys().cloned().collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    let key_hint = match keys.as_slice() {
        [only] => only.clone(),
        _ => "<key>".to_string(),
    };
    let listed = if keys.is_empty() {
        String::new()
    } else {
        format!(
            " (its keys: {})",
            keys.iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let diagnostic = cx
        .finding(
            &REPOSITORY_UNANNOTATED,
            *part,
            need.need.path.clone(),
            Target::Value,
            format!(
                "ConfigMap `{REPOSITORIES_CONFIG_MAP}` in namespace `{namespace}` {why}, so Argo silently ignores it and {instead}"
            ),
        )
        .help(format!(
            "Annotate it with the entry to use{listed}: `kubectl annotate configmap {REPOSITORIES_CONFIG_MAP} -n {namespace} {DEFAULT_REPOSITORY_ANNOTATION}={key_hint}`, or pin the entry with `spec.artifactRepositoryRef: {{key: {key_hint}}}`."
        ));
    sink.report(diagnostic);
}
