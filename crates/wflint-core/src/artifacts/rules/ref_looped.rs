//! `artifact-ref-looped`: a reference to an output artifact of a looped step or task.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::{
    diagnostic::Target,
    engine::Sink,
    path::{FieldPath, PointerExt as _},
    rules::artifacts::REF_LOOPED,
};

use super::{
    super::analysis::ArtifactCx, artifact_references, is_from, strings_of, unresolved_tag,
};

/// Whether a step or task is expanded into one node per item (an empty `withItems` is not:
/// Argo runs such a step once, as a plain step).
fn is_looped(step: &Value) -> bool {
    ["withItems", "withParam", "withSequence"]
        .iter()
        .any(|field| match step.get(field) {
            None | Some(Value::Null) => false,
            Some(Value::String(text)) => !text.is_empty(),
            Some(Value::Array(items)) => !items.is_empty(),
            Some(_) => true,
        })
}

/// The steps (with their paths) of a steps template, or the tasks of a DAG template, and the
/// scope their references use.
fn calls<'v>(template: &'v Value, path: &FieldPath) -> Vec<(FieldPath, &'v Value, &'static str)> {
    let mut out = Vec::new();
    if let Some(groups) = template.get("steps").and_then(Value::as_array) {
        for (g, group) in groups.iter().enumerate() {
            for (s, step) in group.as_array().into_iter().flatten().enumerate() {
                out.push((path.key("steps").index(g).index(s), step, "steps"));
            }
        }
    }
    if let Some(tasks) = template.at("/dag/tasks").and_then(Value::as_array) {
        for (t, task) in tasks.iter().enumerate() {
            out.push((path.key("dag").key("tasks").index(t), task, "tasks"));
        }
    }
    out
}

pub(crate) fn check(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&REF_LOOPED) {
        return;
    }
    for template in &cx.own().sites.templates {
        let calls = calls(template.value, &template.path);
        let looped: BTreeSet<(&str, &str)> = calls
            .iter()
            .filter(|(_, step, _)| is_looped(step))
            .filter_map(|(_, step, scope)| Some((*scope, step.get("name")?.as_str()?)))
            .collect();
        if looped.is_empty() {
            continue;
        }
        // Every step or task of the template, and its outputs: all resolve in its scope.
        let mut texts = Vec::new();
        for (path, step, scope) in &calls {
            let own = step.get("name").and_then(Value::as_str).unwrap_or("");
            texts.extend(
                strings_of(step, path, |s| s.contains("outputs"))
                    .into_iter()
                    .map(|(p, t)| (p, t, *scope, own)),
            );
        }
        if let Some(outputs) = template.value.get("outputs") {
            for scope in ["steps", "tasks"] {
                texts.extend(
                    strings_of(outputs, &template.path.key("outputs"), |s| {
                        s.contains("outputs")
                    })
                    .into_iter()
                    .map(|(p, t)| (p, t, scope, "")),
                );
            }
        }
        let mut reported = BTreeSet::new();
        for (text_path, text, scope, own) in texts {
            for reference in artifact_references(text, scope) {
                if reference.producer == own
                    || !looped.contains(&(scope, reference.producer))
                    || !reported.insert((
                        text_path.clone(),
                        reference.producer.to_string(),
                        reference.artifact.to_string(),
                    ))
                {
                    continue;
                }
                // Argo skips an optional artifact whose `from` does not resolve.
                if is_from(&text_path)
                    && text_path
                        .parent()
                        .lookup(cx.object.value)
                        .and_then(|artifact| artifact.get("optional"))
                        .and_then(Value::as_bool)
                        == Some(true)
                {
                    continue;
                }
                let noun = if scope == "steps" { "step" } else { "task" };
                let mut diagnostic = cx
                    .finding(
                        &REF_LOOPED,
                        0,
                        text_path.clone(),
                        Target::Value,
                        format!(
                            "output artifact `{}` of {noun} `{}` is referenced, but `{}` loops (withItems/withParam/withSequence): Argo collects only the output parameters and results of a loop's iterations, never their artifacts, so the reference cannot resolve at run time",
                            reference.artifact, reference.producer, reference.producer
                        ),
                    )
                    .help(format!(
                        "Give each iteration's artifact its own key and read them in the consumer (e.g. with an s3 key prefix), pass values through output parameters (`{{{{{scope}.{}.outputs.parameters.NAME}}}}` is aggregated into a JSON list), or move the consumer into the looped template.",
                        reference.producer
                    ));
                if let Some(argo) =
                    unresolved_tag(&text_path, scope, reference.producer, reference.artifact)
                {
                    diagnostic = diagnostic.argo(argo);
                }
                sink.report(diagnostic);
            }
        }
    }
}
