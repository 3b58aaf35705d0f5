//! `artifact-output-unsupported`: git or raw output artifacts.

use crate::{diagnostic::Target, engine::Sink, rules::artifacts::OUTPUT_UNSUPPORTED};

use super::super::{
    analysis::ArtifactCx,
    location::{Driver, driver_of},
    sites::Role,
};

pub(crate) fn check(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&OUTPUT_UNSUPPORTED) {
        return;
    }
    for site in &cx.own().sites.locations {
        if site.role != Role::Output || !cx.template_of(0, site).is_some_and(|t| t.runs_pod) {
            continue;
        }
        let argo = match driver_of(site.value) {
            Some((Driver::Git, _)) => "git output artifacts unsupported",
            Some((Driver::Raw, _)) => "Raw output artifacts unsupported",
            _ => continue,
        };
        let Some((driver, _)) = driver_of(site.value) else {
            continue;
        };
        sink.report(
            cx.finding(
                &OUTPUT_UNSUPPORTED,
                0,
                site.path.key(driver.field()),
                Target::Key,
                format!(
                    "{} is stored with the {} driver, which cannot save outputs: the wait container fails after the main container has run",
                    cx.describe(0, site),
                    driver.field()
                ),
            )
            .argo(argo)
            .help("Store the output in an object store (leave the location out to use the artifact repository), or push to git from the container itself."),
        );
    }
}
