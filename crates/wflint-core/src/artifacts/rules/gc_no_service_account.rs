//! `artifact-gc-no-service-account`: artifact GC deletes outputs but names no service account,
//! so the GC pod runs as the namespace's `default` one.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::{
    diagnostic::{Diagnostic, Target},
    engine::Sink,
    path::PointerExt as _,
    rules::artifacts::GC_NO_SERVICE_ACCOUNT,
};

use super::{
    super::{analysis::ArtifactCx, execution::SpecField},
    collected_outputs, own_spec_strategy_path,
};

const RBAC_HELP: &str = "Set `serviceAccountName` in `artifactGC` (the workflow's, or the artifact's) to a service account bound to a Role like:\n  rules:\n    - apiGroups: [argoproj.io]\n      resources: [workflowartifactgctasks]\n      verbs: [list, watch]\n    - apiGroups: [argoproj.io]\n      resources: [workflowartifactgctasks/status]\n      verbs: [patch]\nplus what the store needs to delete (e.g. an IAM role through `podMetadata` annotations).";

pub(crate) fn check(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&GC_NO_SERVICE_ACCOUNT) {
        return;
    }
    match cx.gc_service_account() {
        SpecField::Set { .. } | SpecField::Unknown { .. } => return,
        SpecField::Unset => {}
    }
    let namespace = cx.namespace().map_or_else(
        || "the workflow's namespace".to_string(),
        |namespace| format!("`{namespace}`"),
    );
    let mut reported = BTreeSet::new();
    for output in collected_outputs(cx) {
        let own = output
            .site
            .value
            .at("/artifactGC/serviceAccountName")
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty());
        if own {
            continue;
        }
        let message = format!(
            "artifact GC ({}) of {} names no serviceAccountName: the GC pod runs as the `default` service account of {namespace}, which needs RBAC on workflowartifactgctasks or the deletion fails",
            output.strategy,
            cx.describe(output.part, output.site)
        );
        let diagnostic = if output.from_artifact {
            cx.finding(
                &GC_NO_SERVICE_ACCOUNT,
                output.part,
                output.site.path.key("artifactGC"),
                Target::Key,
                message,
            )
        } else if let Some(strategy) = own_spec_strategy_path(cx) {
            Diagnostic::new(&GC_NO_SERVICE_ACCOUNT, strategy.parent(), message).on_key()
        } else {
            cx.finding(
                &GC_NO_SERVICE_ACCOUNT,
                output.part,
                output.site.path.clone(),
                Target::Value,
                message,
            )
        };
        if !reported.insert(diagnostic.path.to_string()) {
            continue;
        }
        sink.report(
            diagnostic
                .argo("workflowartifactgctasks.argoproj.io is forbidden")
                .help(RBAC_HELP),
        );
    }
}
