//! `artifact-ref-not-ancestor`: a DAG task uses an output artifact of a task it does not
//! (transitively) depend on.

use std::{
    collections::{BTreeSet, HashMap},
    sync::LazyLock,
};

use regex::Regex;
use serde_json::Value;

use crate::{diagnostic::Target, engine::Sink, rules::artifacts::REF_NOT_ANCESTOR};

use super::{super::analysis::ArtifactCx, artifact_references, strings_of};

/// A task name, optionally followed by `.Result` (as Argo's `GetTaskDependencies` reads
/// `depends`).
static DEPENDS_NAME: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"([a-zA-Z0-9][-a-zA-Z0-9]*?)\.[A-Z][a-zA-Z]+|([a-zA-Z0-9][-a-zA-Z0-9]*)").ok()
});

/// The tasks a task names as direct dependencies (`depends` when set, else `dependencies`).
fn direct_dependencies(task: &Value) -> Vec<String> {
    if let Some(depends) = task
        .get("depends")
        .and_then(Value::as_str)
        .filter(|d| !d.is_empty())
    {
        let Some(regex) = DEPENDS_NAME.as_ref() else {
            return Vec::new();
        };
        return regex
            .captures_iter(depends)
            .filter_map(|c| c.get(1).or_else(|| c.get(2)))
            .map(|m| m.as_str().to_string())
            .collect();
    }
    task.get("dependencies")
        .and_then(Value::as_array)
        .map(|deps| {
            deps.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The transitive ancestors of `start` (cycles and unknown names tolerated).
fn ancestors<'a>(start: &str, direct: &'a HashMap<&str, Vec<String>>) -> BTreeSet<&'a str> {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut stack: Vec<&str> = direct
        .get(start)
        .map(|d| d.iter().map(String::as_str).collect())
        .unwrap_or_default();
    while let Some(name) = stack.pop() {
        let Some((key, deps)) = direct.get_key_value(name) else {
            continue;
        };
        if seen.insert(key) {
            stack.extend(deps.iter().map(String::as_str));
        }
    }
    seen
}

pub(crate) fn check(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&REF_NOT_ANCESTOR) {
        return;
    }
    for template in &cx.own().sites.templates {
        let Some(tasks) = template
            .value
            .pointer("/dag/tasks")
            .and_then(Value::as_array)
        else {
            continue;
        };
        let names: Vec<&str> = tasks
            .iter()
            .map(|t| t.get("name").and_then(Value::as_str).unwrap_or(""))
            .collect();
        let direct: HashMap<&str, Vec<String>> = names
            .iter()
            .zip(tasks)
            .map(|(name, task)| (*name, direct_dependencies(task)))
            .collect();
        for (t, task) in tasks.iter().enumerate() {
            let own = names.get(t).copied().unwrap_or("");
            let task_ancestors = ancestors(own, &direct);
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
                    sink.report(
                        cx.finding(
                            &REF_NOT_ANCESTOR,
                            0,
                            text_path.clone(),
                            Target::Value,
                            format!(
                                "task `{own}` uses output artifact `{}` of task `{}`, which it does not depend on: it may start before `{}` has produced it",
                                reference.artifact, reference.producer, reference.producer
                            ),
                        )
                        .argo(format!(
                            "Unable to resolve: {{{{tasks.{}.outputs.artifacts.{}}}}}",
                            reference.producer, reference.artifact
                        ))
                        .help(format!(
                            "Add `{}` to the `dependencies` of `{own}` (or to its `depends` expression).",
                            reference.producer
                        )),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn depends_expressions_name_their_tasks() {
        let task = json!({"depends": "(a.Succeeded || b-2) && !c.Failed"});
        assert_eq!(direct_dependencies(&task), vec!["a", "b-2", "c"]);
        let task = json!({"dependencies": ["x", "y"]});
        assert_eq!(direct_dependencies(&task), vec!["x", "y"]);
    }

    #[test]
    fn ancestry_is_transitive_and_survives_cycles() {
        let direct: HashMap<&str, Vec<String>> = HashMap::from([
            ("a", vec![]),
            ("b", vec!["a".to_string()]),
            ("c", vec!["b".to_string(), "c".to_string()]),
        ]);
        assert_eq!(ancestors("c", &direct), BTreeSet::from(["a", "b", "c"]));
        assert!(ancestors("a", &direct).is_empty());
    }
}
