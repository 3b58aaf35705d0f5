//! `artifact-ref-not-ancestor`: a DAG task uses an output artifact of a task it does not
//! (transitively) depend on.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::{
    diagnostic::Target,
    engine::Sink,
    path::PointerExt as _,
    rules::artifacts::REF_NOT_ANCESTOR,
    validate::depends::{TaskShape, ancestry, task_dependencies},
};

use super::{super::analysis::ArtifactCx, artifact_references, strings_of, unresolved_tag};

/// What the DAG graph logic (shared with the validator) needs of one task, read from JSON.
fn task_shape(task: &Value) -> TaskShape<'_> {
    let text = |key: &str| task.get(key).and_then(Value::as_str).unwrap_or("");
    let continue_on = |key: &str| {
        task.at(&format!("/continueOn/{key}"))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    };
    TaskShape {
        name: text("name"),
        depends: text("depends"),
        dependencies: task
            .get("dependencies")
            .and_then(Value::as_array)
            .map(|deps| deps.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default(),
        continue_on_error: continue_on("error"),
        continue_on_failed: continue_on("failed"),
    }
}

/// The names of a DAG's tasks and, for each, the names of its transitive ancestors.
fn ancestries(tasks: &[Value]) -> (Vec<&str>, Vec<BTreeSet<&str>>) {
    let shapes: Vec<TaskShape<'_>> = tasks.iter().map(task_shape).collect();
    let by_name: HashMap<&str, &TaskShape<'_>> = shapes.iter().map(|s| (s.name, s)).collect();
    let names: Vec<&str> = shapes.iter().map(|s| s.name).collect();
    let dependencies: Vec<_> = shapes
        .iter()
        .map(|shape| task_dependencies(shape, &by_name))
        .collect();
    let ancestors = (0..names.len())
        .map(|t| {
            ancestry(t, &names, &dependencies)
                .into_iter()
                .filter_map(|i| names.get(i).copied())
                .collect()
        })
        .collect();
    (names, ancestors)
}

pub(crate) fn check(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&REF_NOT_ANCESTOR) {
        return;
    }
    for template in &cx.own().sites.templates {
        let Some(tasks) = template.value.at("/dag/tasks").and_then(Value::as_array) else {
            continue;
        };
        let (names, ancestors) = ancestries(tasks);
        for ((t, task), task_ancestors) in tasks.iter().enumerate().zip(&ancestors) {
            let own = names.get(t).copied().unwrap_or("");
            let path = template.path.key("dag").key("tasks").index(t);
            let mut reported = BTreeSet::new();
            for (text_path, text) in strings_of(task, &path, |s| s.contains("outputs")) {
                for reference in artifact_references(text, "tasks") {
                    if reference.producer == own
                        || !names.contains(&reference.producer)
                        || task_ancestors.contains(reference.producer)
                        || !reported.insert((text_path.clone(), reference.producer.to_string()))
                    {
                        continue;
                    }
                    let mut diagnostic = cx
                        .finding(
                            &REF_NOT_ANCESTOR,
                            0,
                            text_path.clone(),
                            Target::Value,
                            format!(
                                "task `{own}` uses output artifact `{}` of task `{}`, which it does not depend on: it may start before `{}` has produced it",
                                reference.artifact, reference.producer, reference.producer
                            ),
                        )
                        .help(format!(
                            "Add `{}` to the `dependencies` of `{own}` (or to its `depends` expression).",
                            reference.producer
                        ));
                    if let Some(argo) =
                        unresolved_tag(&text_path, "tasks", reference.producer, reference.artifact)
                    {
                        diagnostic = diagnostic.argo(argo);
                    }
                    sink.report(diagnostic);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn ancestors_of(tasks: &Value, at: usize) -> BTreeSet<String> {
        let (_, ancestors) = ancestries(tasks.as_array().unwrap());
        ancestors[at].iter().map(|name| name.to_string()).collect()
    }

    #[test]
    fn depends_expressions_and_dependencies_give_transitive_ancestors() {
        let tasks = json!([
            {"name": "a"},
            {"name": "b-2", "dependencies": ["a"]},
            {"name": "c"},
            {"name": "d", "depends": "(a.Succeeded || b-2) && !c.Failed"},
            {"name": "e", "depends": "d"},
            {"name": "loop", "depends": "loop || e"},
        ]);
        assert_eq!(
            ancestors_of(&tasks, 3),
            BTreeSet::from(["a".into(), "b-2".into(), "c".into()])
        );
        assert_eq!(ancestors_of(&tasks, 4).len(), 4);
        assert!(ancestors_of(&tasks, 0).is_empty());
        // A cycle through the task itself is tolerated.
        assert_eq!(ancestors_of(&tasks, 5).len(), 5);
    }
}
