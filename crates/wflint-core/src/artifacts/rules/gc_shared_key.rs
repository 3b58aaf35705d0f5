//! `artifact-gc-shared-key`: a garbage-collected output whose key is the same for every run.

use serde_json::Value;

use crate::{diagnostic::Target, engine::Sink, rules::artifacts::GC_SHARED_KEY};

use super::{
    super::{
        analysis::ArtifactCx,
        location::{has_full_location, key_of, repository_driver},
    },
    collected_outputs, effective_driver, key_path, own_spec_strategy_path, tags,
};

/// Tags whose value is the same for every run of a spec.
const RUN_INVARIANT_TAGS: [&str; 3] = [
    "workflow.namespace",
    "workflow.serviceAccountName",
    "workflow.mainEntrypoint",
];

/// Whether a key template is the same for every run (no tag, or only run-invariant ones).
fn same_for_every_run(key: &str) -> bool {
    tags(key).iter().all(|tag| RUN_INVARIANT_TAGS.contains(tag))
}

/// The key template a repository-placed output gets: the archive location's key pattern
/// (template `archiveLocation` if full, else the repository's `keyFormat` or Argo's default).
fn archive_key_pattern(cx: &ArtifactCx<'_>, template: Option<&Value>) -> Option<String> {
    if let Some(location) = template
        .and_then(|t| t.get("archiveLocation"))
        .filter(|l| has_full_location(l))
    {
        return key_of(location).map(str::to_string);
    }
    let repository = cx.resolved().resolution.configured_repository()?;
    let (driver, block) = repository_driver(repository)?;
    let field = match driver.field() {
        "azure" => "blobNameFormat",
        "hdfs" => "pathFormat",
        _ => "keyFormat",
    };
    let format = block.get(field).and_then(Value::as_str).unwrap_or("");
    if !format.is_empty() {
        return Some(format.to_string());
    }
    // Argo's default pattern varies per run.
    None
}

pub(crate) fn check(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&GC_SHARED_KEY) || !cx.runs_repeatedly() {
        return;
    }
    for output in collected_outputs(cx) {
        // A store that cannot delete is artifact-gc-unsupported-driver's finding.
        if effective_driver(cx, output.part, output.site).is_some_and(|d| !d.can_delete()) {
            continue;
        }
        let explicit = key_of(output.site.value);
        let (key, path) = match explicit {
            Some(key) => (key.to_string(), key_path(output.site)),
            None => {
                let template = cx.template_of(output.part, output.site).map(|t| t.value);
                match archive_key_pattern(cx, template) {
                    Some(pattern) => (pattern, None),
                    None => continue,
                }
            }
        };
        if !same_for_every_run(&key) {
            continue;
        }
        let message = format!(
            "{} is deleted by artifact GC ({}) but its key `{key}` is the same for every run{}: concurrent runs overwrite it and one run's GC deletes the artifact another run still needs",
            cx.describe(output.part, output.site),
            output.strategy,
            if explicit.is_none() {
                " (from the archive location's key format)"
            } else {
                ""
            }
        );
        let diagnostic = match (
            cx.holder(output.part),
            output.from_artifact,
            own_spec_strategy_path(cx),
        ) {
            (Some(_), false, Some(spec_path)) => {
                cx.finding(&GC_SHARED_KEY, 0, spec_path, Target::Value, message)
            }
            _ => cx.finding(
                &GC_SHARED_KEY,
                output.part,
                path.unwrap_or_else(|| output.site.path.clone()),
                Target::Value,
                message,
            ),
        };
        sink.report(diagnostic.help(
            "Make the key unique per run, e.g. `{{workflow.uid}}/<name>.tgz`, or leave the key out so the repository's key format (by default `{{workflow.name}}/{{pod.name}}`) places it.",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_vary_per_run_with_any_run_specific_tag() {
        assert!(same_for_every_run("temporary-artifact.tgz"));
        assert!(same_for_every_run("{{workflow.namespace}}/a.tgz"));
        assert!(!same_for_every_run("{{workflow.uid}}/a.tgz"));
        assert!(!same_for_every_run("{{ workflow.name }}/a.tgz"));
        assert!(!same_for_every_run("{{inputs.parameters.id}}/a.tgz"));
        assert!(!same_for_every_run("{{=sprig.date()}}/a.tgz"));
    }
}
