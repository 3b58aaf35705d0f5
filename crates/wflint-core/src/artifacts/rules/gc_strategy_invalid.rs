//! `artifact-gc-strategy-invalid`: an `artifactGC.strategy` Argo does not know, written in the
//! object or inherited (from its WorkflowTemplate or the controller's `workflowDefaults`).

use serde_json::Value;

use crate::{
    diagnostic::{Diagnostic, Edit, Fix, Target},
    engine::Sink,
    path::{FieldPath, PointerExt as _},
    rules::artifacts::GC_STRATEGY_INVALID,
};

use super::{
    super::{
        analysis::ArtifactCx,
        execution::{Layer, SpecField},
    },
    GC_STRATEGIES,
};

/// One strategy to check.
struct Place {
    part: usize,
    path: FieldPath,
    target: Target,
    text: String,
    whose: String,
    /// The value is written at `path` in this object, so it can be replaced there.
    fixable: bool,
}

fn places(cx: &ArtifactCx<'_>) -> Vec<Place> {
    let mut out = Vec::new();
    if let SpecField::Set { layer, value } = cx.gc_strategy()
        && let Some(text) = value.as_str()
    {
        let (path, target, whose, fixable) = match layer {
            Layer::Object => (
                cx.spec_path.key("artifactGC").key("strategy"),
                Target::Value,
                "the workflow's artifactGC".to_string(),
                true,
            ),
            Layer::WorkflowTemplate => (
                cx.spec_path.key("workflowTemplateRef"),
                Target::Key,
                "the artifactGC inherited from the workflowTemplateRef's template".to_string(),
                false,
            ),
            Layer::WorkflowDefaults => (
                FieldPath::root().key("spec"),
                Target::Key,
                "the artifactGC of the controller's workflowDefaults".to_string(),
                false,
            ),
        };
        out.push(Place {
            part: 0,
            path,
            target,
            text: text.to_string(),
            whose,
            fixable,
        });
    }
    for (part, site) in cx.all_locations().filter(|(_, s)| s.role.is_artifact()) {
        if let Some(text) = site
            .value
            .at("/artifactGC/strategy")
            .and_then(Value::as_str)
        {
            out.push(Place {
                part,
                path: site.path.key("artifactGC").key("strategy"),
                target: Target::Value,
                text: text.to_string(),
                whose: format!("the artifactGC of {}", cx.describe(part, site)),
                fixable: part == 0,
            });
        }
    }
    out
}

pub(crate) fn check(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&GC_STRATEGY_INVALID) {
        return;
    }
    for place in places(cx) {
        let text = place.text.as_str();
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
        let message = format!(
            "`{text}` is not an artifact GC strategy ({}): Argo adds the artifact-gc finalizer but never processes the strategy, so the workflow can never be deleted without `argo delete --force`{}",
            place.whose,
            match closest {
                Some(s) => format!("; did you mean `{s}`?"),
                None => String::new(),
            }
        );
        let mut diagnostic: Diagnostic = cx
            .finding(
                &GC_STRATEGY_INVALID,
                place.part,
                place.path.clone(),
                place.target,
                message,
            )
            .help("Use `OnWorkflowCompletion`, `OnWorkflowDeletion` or `Never`.");
        if let (Some(suggestion), true) = (closest, place.fixable) {
            diagnostic = diagnostic.fix(Fix {
                title: format!("Use `{suggestion}`"),
                edits: vec![Edit::ReplaceValue {
                    path: place.path,
                    new_value: suggestion.to_string(),
                }],
            });
        }
        sink.report(diagnostic);
    }
}
