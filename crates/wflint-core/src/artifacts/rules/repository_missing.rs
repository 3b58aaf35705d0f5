//! `artifact-repository-missing`: an artifact needs the repository and none resolves.

use std::collections::BTreeSet;

use crate::{
    context::Lookup, diagnostic::Target, engine::Sink, path::PointerExt as _,
    rules::artifacts::REPOSITORY_MISSING,
};

use super::{
    super::{
        analysis::{ArtifactCx, RefSetting},
        execution::Layer,
        location::{NeedReason, repository_driver},
        resolve::{AttemptOutcome, Candidate, DEFAULT_REPOSITORY_ANNOTATION, Resolution},
        sites::TemplateSite,
    },
    STORAGE_NOT_CONFIGURED,
};

pub(crate) fn check(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&REPOSITORY_MISSING) {
        return;
    }
    let resolved = cx.resolved();
    if !matches!(resolved.resolution, Resolution::Resolved { .. })
        || resolved.resolution.is_configured()
    {
        return;
    }
    let Some(namespace) = cx.namespace() else {
        return;
    };
    let spec_logs_in_object = cx.spec_value(&["archiveLogs"]).layer() == Some(Layer::Object);
    let mut reported = BTreeSet::new();
    for (part, site_need) in cx.needs() {
        let sites = &cx.parts[*part].sites;
        let template = site_need.template.and_then(|t| sites.templates.get(t));
        let location = site_need.location.and_then(|l| sites.locations.get(l));
        let (path, message) = match (&site_need.need.reason, location) {
            (NeedReason::ArchivedLogs, _) => {
                let path = if !site_need.logs_from_template
                    && spec_logs_in_object
                    && !resolved.resolution.archives_logs()
                {
                    cx.spec_path.key("archiveLogs")
                } else {
                    site_need.need.path.clone()
                };
                let who = template.filter(|t| !t.name.is_empty()).map_or_else(
                    || "this template".to_string(),
                    |t| format!("template `{}`", t.name),
                );
                (
                    path,
                    format!(
                        "{who}{} archives its logs, but no artifact repository resolves for namespace `{namespace}`: saving the logs fails after the main container has run",
                        cx.where_inherited(*part, None)
                    ),
                )
            }
            (NeedReason::OutputWithoutLocation, Some(site)) => (
                site_need.need.path.clone(),
                format!(
                    "{} has no full location of its own, so Argo uploads it to the artifact repository, but none resolves for namespace `{namespace}`: the upload fails in the wait container after the main container has run",
                    cx.describe(*part, site)
                ),
            ),
            (NeedReason::KeyOnlyInput, Some(site)) => (
                site_need.need.path.clone(),
                format!(
                    "{} names only a key, so Argo reads it from the artifact repository, but none resolves for namespace `{namespace}`: the pod fails loading it before the main container starts",
                    cx.describe(*part, site)
                ),
            ),
            (NeedReason::ArchivedOutputPassed, Some(site)) => (
                site_need.need.path.clone(),
                format!(
                    "{} takes an output that its producer stored through its template's archiveLocation; Argo records that output by its key only, so the pod loading it reads it from the artifact repository, but none resolves for namespace `{namespace}`: the pod fails loading it before the main container starts",
                    cx.describe(*part, site)
                ),
            ),
            (_, None) => continue,
        };
        let mut message = message;
        if let Some(holder) = cx.holder(*part)
            && !holder.whole
            && holder.value.at("/spec/artifactRepositoryRef").is_some()
        {
            message.push_str(&format!(
                " ({}'s own artifactRepositoryRef does not apply: Argo honours it only through workflowTemplateRef, not templateRef)",
                holder.label()
            ));
        }
        let diagnostic = cx.finding(&REPOSITORY_MISSING, *part, path, Target::Value, message);
        if !reported.insert(diagnostic.path.to_string()) {
            continue;
        }
        sink.report(
            diagnostic
                .argo(STORAGE_NOT_CONFIGURED)
                .help(help(cx, namespace, template)),
        );
    }
}

/// The resolution chain tried, step by step, and how to fix it.
fn help(cx: &ArtifactCx<'_>, namespace: &str, template: Option<&TemplateSite<'_>>) -> String {
    let mut steps = Vec::new();
    let archive_location = template.and_then(|t| t.value.get("archiveLocation"));
    steps.push(match template {
        Some(t) => format!(
            "{} archiveLocation: {}",
            if t.name.is_empty() {
                "the inline template's".to_string()
            } else {
                format!("template `{}`", t.name)
            },
            match archive_location {
                None => "not set",
                Some(_) => "set, but not a full location (ignored)",
            }
        ),
        None => {
            "template archiveLocation: none (a workflow argument, read by the entrypoint's pod)"
                .to_string()
        }
    });
    steps.push(match cx.ref_setting() {
        RefSetting::Absent => "artifactRepositoryRef: not set (in the workflow, its WorkflowTemplate or the controller's workflowDefaults)".to_string(),
        RefSetting::Present { reference, .. } => format!("artifactRepositoryRef: `{reference}`"),
        RefSetting::Unknown => "artifactRepositoryRef: unknown".to_string(),
    });
    let resolved = cx.resolved();
    for attempt in &resolved.chain {
        let place = match &attempt.candidate {
            Candidate::ConfigMap {
                namespace, name, ..
            } => format!("namespace default: ConfigMap `{namespace}/{name}`"),
            Candidate::ControllerDefault => match cx.object.context.controller() {
                Lookup::Found(config) if !config.name.is_empty() => format!(
                    "controller default: `artifactRepository` of ConfigMap `{}/{}`",
                    config.namespace, config.name
                ),
                _ => "controller default: the controller's `artifactRepository`".to_string(),
            },
        };
        let outcome = match &attempt.outcome {
            AttemptOutcome::Found { key } if key.is_empty() => {
                "set, but it defines no storage (s3, gcs, azure, oss, artifactory, hdfs or plugin)"
                    .to_string()
            }
            AttemptOutcome::Found { key } => {
                let empty = match &resolved.resolution {
                    Resolution::Resolved {
                        repository: Some(repository),
                        ..
                    } => repository_driver(repository).is_none(),
                    _ => false,
                };
                if empty {
                    format!("key `{key}` found, but it defines no storage")
                } else {
                    format!("key `{key}` found")
                }
            }
            AttemptOutcome::ConfigMapMissing => "no such ConfigMap".to_string(),
            AttemptOutcome::NoDefaultAnnotation => format!(
                "exists, but has no `{DEFAULT_REPOSITORY_ANNOTATION}` annotation, so Argo skips it"
            ),
            AttemptOutcome::KeyMissing { key } => {
                format!(
                    "its annotation names key `{key}`, which it does not have, so Argo skips it"
                )
            }
            AttemptOutcome::Invalid { key, error } => format!("key `{key}` is invalid: {error}"),
            AttemptOutcome::NotConfigured => "not configured".to_string(),
            AttemptOutcome::Unknown => "unknown".to_string(),
        };
        steps.push(format!("{place}: {outcome}"));
    }
    let chain: Vec<String> = steps
        .iter()
        .enumerate()
        .map(|(i, step)| format!("  {}. {step}", i + 1))
        .collect();
    format!(
        "Argo looked for an artifact repository for namespace `{namespace}`:\n{}\nConfigure one: an `artifact-repositories` ConfigMap in `{namespace}` with the `{DEFAULT_REPOSITORY_ANNOTATION}` annotation, the controller's `artifactRepository`, or `spec.artifactRepositoryRef`; or give the artifact a full location (s3: endpoint, bucket and key).",
        chain.join("\n")
    )
}
