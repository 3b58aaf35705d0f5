//! `artifact-gc-unsupported-driver`: a deleting GC strategy on an output stored on a driver
//! that cannot delete.

use crate::{
    artifacts::execution::{Layer, SpecField},
    diagnostic::Target,
    engine::Sink,
    rules::artifacts::GC_UNSUPPORTED_DRIVER,
};

use super::{
    super::analysis::ArtifactCx, collected_outputs, effective_driver, own_spec_strategy_path,
};

/// Argo's error from a driver without delete support.
const DELETE_NOT_SUPPORTED: &str = "delete not supported for this artifact storage, please check the following issue for details: https://github.com/argoproj/argo-workflows/issues/3102";

pub(crate) fn check(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&GC_UNSUPPORTED_DRIVER) {
        return;
    }
    // With `forceFinalizerRemoval: true` the finalizer goes once the GC pods have finished,
    // failed deletions or not: the workflow stays deletable (and the artifact stays stored).
    // An unreadable WorkflowTemplate might set it; unreadable controller defaults count as
    // unset, as for the strategy this rule reports (else no offline lint could report it).
    match cx.spec_value(&["artifactGC", "forceFinalizerRemoval"]) {
        SpecField::Set { value, .. } if value.as_bool() == Some(true) => return,
        SpecField::Unknown { layer } if layer != Layer::WorkflowDefaults => return,
        _ => {}
    }
    for output in collected_outputs(cx) {
        let Some(driver) = effective_driver(cx, output.part, output.site) else {
            continue;
        };
        if driver.can_delete() {
            continue;
        }
        let stored = if super::super::location::has_full_location(output.site.value) {
            format!("is stored with the {} driver", driver.field())
        } else {
            format!(
                "goes to the artifact repository, which uses the {} driver",
                driver.field()
            )
        };
        let message = format!(
            "{} {stored}, which cannot delete, but its GC strategy is {}: the GC pod fails and the workflow keeps its artifact-gc finalizer, so it cannot be deleted",
            cx.describe(output.part, output.site),
            output.strategy
        );
        let diagnostic = match (
            cx.holder(output.part),
            output.from_artifact,
            own_spec_strategy_path(cx),
        ) {
            // An inherited output made collectable by this object's own strategy.
            (Some(_), false, Some(path)) => {
                cx.finding(&GC_UNSUPPORTED_DRIVER, 0, path, Target::Value, message)
            }
            _ => cx.finding(
                &GC_UNSUPPORTED_DRIVER,
                output.part,
                output.site.path.clone(),
                Target::Value,
                message,
            ),
        };
        sink.report(
            diagnostic
                .argo(DELETE_NOT_SUPPORTED)
                .help("Set `artifactGC: {strategy: Never}` on this artifact, store it on s3, gcs, azure or oss, or set `spec.artifactGC.forceFinalizerRemoval: true` so a failed GC does not block deletion."),
        );
    }
}
