//! `artifact-gc-ineffective`: `artifactGC` where Argo never collects.

use crate::{diagnostic::Target, engine::Sink, rules::artifacts::GC_INEFFECTIVE};

use super::super::{analysis::ArtifactCx, sites::Role};

pub(crate) fn check(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&GC_INEFFECTIVE) {
        return;
    }
    for site in &cx.own().sites.locations {
        if site
            .value
            .get("artifactGC")
            .is_none_or(serde_json::Value::is_null)
        {
            continue;
        }
        let why = match site.role {
            Role::Output if cx.template_of(0, site).is_some_and(|t| t.runs_pod) => continue,
            Role::Output => {
                "outputs of steps, DAG and other pod-less templates are references, never collected"
            }
            Role::Input => "input artifacts are never collected",
            Role::SpecArgument | Role::StepArgument => "argument artifacts are never collected",
            Role::ArchiveLocation => continue,
        };
        sink.report(
            cx.finding(
                &GC_INEFFECTIVE,
                0,
                site.path.key("artifactGC"),
                Target::Key,
                format!("the artifactGC of {} has no effect: {why}", cx.describe(0, site)),
            )
            .help("Set `artifactGC` on the output artifact of the container/script template that produces the artifact."),
        );
    }
}
