//! `artifact-ref-sibling`: a step uses an output artifact of a step in its own parallel group.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::{diagnostic::Target, engine::Sink, rules::artifacts::REF_SIBLING};

use super::{super::analysis::ArtifactCx, artifact_references, strings_of, unresolved_tag};

pub(crate) fn check(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&REF_SIBLING) {
        return;
    }
    for template in &cx.own().sites.templates {
        let Some(groups) = template.value.get("steps").and_then(Value::as_array) else {
            continue;
        };
        for (g, group) in groups.iter().enumerate() {
            // A step alone in its group has no sibling to wait for.
            let Some(steps) = group.as_array().filter(|steps| steps.len() > 1) else {
                continue;
            };
            let names: Vec<&str> = steps
                .iter()
                .map(|s| s.get("name").and_then(Value::as_str).unwrap_or(""))
                .collect();
            for (s, step) in steps.iter().enumerate() {
                let own = names.get(s).copied().unwrap_or("");
                let path = template.path.key("steps").index(g).index(s);
                let mut reported = BTreeSet::new();
                for (text_path, text) in strings_of(step, &path, |s| s.contains("outputs")) {
                    for reference in artifact_references(text, "steps") {
                        if reference.producer == own
                            || !names.contains(&reference.producer)
                            || !reported.insert((text_path.clone(), reference.producer.to_string()))
                        {
                            continue;
                        }
                        let mut diagnostic = cx
                            .finding(
                                &REF_SIBLING,
                                0,
                                text_path.clone(),
                                Target::Value,
                                format!(
                                    "step `{own}` uses output artifact `{}` of step `{}`, which is in the same parallel group and has not finished when `{own}` starts: the reference cannot resolve at run time",
                                    reference.artifact, reference.producer
                                ),
                            )
                            .help(format!(
                                "Move `{own}` to a later group (start a new `- -` item after the one holding `{}`).",
                                reference.producer
                            ));
                        if let Some(argo) = unresolved_tag(
                            &text_path,
                            "steps",
                            reference.producer,
                            reference.artifact,
                        ) {
                            diagnostic = diagnostic.argo(argo);
                        }
                        sink.report(diagnostic);
                    }
                }
            }
        }
    }
}
