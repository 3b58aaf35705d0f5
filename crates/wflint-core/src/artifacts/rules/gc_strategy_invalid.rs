//! `artifact-gc-strategy-invalid`: an `artifactGC.strategy` Argo does not know.

use serde_json::Value;

use crate::{
    diagnostic::{Edit, Fix, Target},
    engine::Sink,
    path::FieldPath,
    rules::artifacts::GC_STRATEGY_INVALID,
};

use super::{super::analysis::ArtifactCx, GC_STRATEGIES};

pub(crate) fn check(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&GC_STRATEGY_INVALID) {
        return;
    }
    let mut places: Vec<(FieldPath, &Value, String)> = Vec::new();
    if let Some(strategy) = cx.spec.and_then(|s| s.pointer("/artifactGC/strategy")) {
        places.push((
            cx.spec_path.key("artifactGC").key("strategy"),
            strategy,
            "the workflow's artifactGC".to_string(),
        ));
    }
    for site in cx
        .own()
        .sites
        .locations
        .iter()
        .filter(|s| s.role.is_artifact())
    {
        if let Some(strategy) = site.value.pointer("/artifactGC/strategy") {
            places.push((
                site.path.key("artifactGC").key("strategy"),
                strategy,
                format!("the artifactGC of {}", cx.describe(0, site)),
            ));
        }
    }
    for (path, strategy, whose) in places {
        let Some(text) = strategy.as_str() else {
            continue;
        };
        if text.is_empty() || GC_STRATEGIES.contains(&text) {
            continue;
        }
        let closest = GC_STRATEGIES
            .iter()
            .map(|s| {
                (
                    strsim::jaro_winkler(&text.to_lowercase(), &s.to_lowercase()),
                    *s,
                )
            })
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .filter(|(score, _)| *score > 0.7)
            .map(|(_, s)| s);
        let mut diagnostic = cx
            .finding(
                &GC_STRATEGY_INVALID,
                0,
                path.clone(),
                Target::Value,
                format!(
                    "`{text}` is not an artifact GC strategy ({whose}): Argo adds the artifact-gc finalizer but never processes the strategy, so the workflow can never be deleted without `argo delete --force`{}",
                    match closest {
                        Some(s) => format!("; did you mean `{s}`?"),
                        None => String::new(),
                    }
                ),
            )
            .help("Use `OnWorkflowCompletion`, `OnWorkflowDeletion` or `Never`.");
        if let Some(suggestion) = closest {
            diagnostic = diagnostic.fix(Fix {
                title: format!("Use `{suggestion}`"),
                edits: vec![Edit::ReplaceValue {
                    path,
                    new_value: suggestion.to_string(),
                }],
            });
        }
        sink.report(diagnostic);
    }
}
