//! DAG graph logic as Argo's validator and controller see it: which tasks a task depends on
//! (from `dependencies` or from the names in a `depends` expression), the topological order the
//! validator walks tasks in, task ancestry and the `depends` result names.
//!
//! Everything here works on [`TaskShape`]s, so it needs nothing from the model.

use std::{
    collections::{HashMap, HashSet},
    sync::LazyLock,
};

use regex::Regex;

/// `name.Result` or a bare task name, as in `common.GetTaskDependencies` (leftmost-first, lazy
/// name before the dot, result starting with a capital letter).
static TASK_NAME: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"([a-zA-Z0-9][-a-zA-Z0-9]*?\.[A-Z][a-zA-Z]+)|([a-zA-Z0-9][-a-zA-Z0-9]*)").ok()
});

/// `name.Result` only (`common.ValidateTaskResults`).
static TASK_RESULT: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"([a-zA-Z0-9][-a-zA-Z0-9]*?\.[A-Z][a-zA-Z]+)").ok());

/// The results a `depends` expression may test.
pub(crate) const TASK_RESULTS: [&str; 8] = [
    "Succeeded",
    "Failed",
    "Errored",
    "Skipped",
    "Omitted",
    "Daemoned",
    "AnySucceeded",
    "AllFailed",
];

/// What the graph logic needs to know of one DAG task.
#[derive(Debug, Clone, Default)]
pub(crate) struct TaskShape<'a> {
    /// `name`.
    pub(crate) name: &'a str,
    /// `depends` (empty when absent).
    pub(crate) depends: &'a str,
    /// `dependencies`.
    pub(crate) dependencies: Vec<&'a str>,
    /// `continueOn.error`.
    pub(crate) continue_on_error: bool,
    /// `continueOn.failed`.
    pub(crate) continue_on_failed: bool,
}

/// How a task depends on another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DependencyType {
    /// An ordinary dependency.
    Task,
    /// Through `.AnySucceeded` / `.AllFailed`, which need the dependency to loop.
    Items,
}

/// The dependencies of a task, in order of first mention.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Dependencies(pub(crate) Vec<(String, DependencyType)>);

impl Dependencies {
    fn set(&mut self, name: &str, kind: DependencyType, overwrite: bool) {
        match self.0.iter_mut().find(|(n, _)| n == name) {
            Some(entry) if overwrite => entry.1 = kind,
            Some(_) => {}
            None => self.0.push((name.to_string(), kind)),
        }
    }

    /// The names.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(n, _)| n.as_str())
    }
}

/// The `depends` logic of a task: its own `depends`, else its `dependencies` expanded as Argo
/// does (`(A.Succeeded || A.Skipped || A.Daemoned)`, plus `Errored`/`Failed` for a dependency
/// with `continueOn`).
fn depends_logic(task: &TaskShape<'_>, tasks: &HashMap<&str, &TaskShape<'_>>) -> String {
    if !task.depends.is_empty() {
        return task.depends.to_string();
    }
    task.dependencies
        .iter()
        .map(|dep| expand(dep, tasks.get(dep).copied()))
        .collect::<Vec<_>>()
        .join(" && ")
}

fn expand(name: &str, task: Option<&TaskShape<'_>>) -> String {
    let mut results = vec!["Succeeded", "Skipped", "Daemoned"];
    if let Some(task) = task {
        if task.continue_on_error {
            results.push("Errored");
        }
        if task.continue_on_failed {
            results.push("Failed");
        }
    }
    let parts: Vec<String> = results.iter().map(|r| format!("{name}.{r}")).collect();
    format!("({})", parts.join(" || "))
}

/// The tasks `task` depends on (`common.GetTaskDependencies`): every `name.Result` and every
/// bare name-like token of its depends logic. A lower-case result (`A.succeeded`) is not a
/// result, so `succeeded` becomes a (bogus) dependency, exactly as in Argo.
pub(crate) fn task_dependencies(
    task: &TaskShape<'_>,
    tasks: &HashMap<&str, &TaskShape<'_>>,
) -> Dependencies {
    let logic = depends_logic(task, tasks);
    let mut out = Dependencies::default();
    let Some(regex) = TASK_NAME.as_ref() else {
        return out;
    };
    for captures in regex.captures_iter(&logic) {
        if let Some(with_result) = captures.get(1) {
            let (name, result) = with_result
                .as_str()
                .split_once('.')
                .unwrap_or((with_result.as_str(), ""));
            if result == "AnySucceeded" || result == "AllFailed" {
                out.set(name, DependencyType::Items, true);
            } else {
                out.set(name, DependencyType::Task, false);
            }
        } else if let Some(bare) = captures.get(2) {
            out.set(bare.as_str(), DependencyType::Task, true);
        }
    }
    out
}

/// `name.Result` pairs of a `depends` expression whose result Argo does not know, as
/// `(result, task)` (`common.ValidateTaskResults`).
pub(crate) fn invalid_task_results(depends: &str) -> Vec<(String, String)> {
    let Some(regex) = TASK_RESULT.as_ref() else {
        return Vec::new();
    };
    regex
        .find_iter(depends)
        .filter_map(|m| {
            let (task, result) = m.as_str().split_once('.')?;
            (!TASK_RESULTS.contains(&result)).then(|| (result.to_string(), task.to_string()))
        })
        .collect()
}

/// Why the topological sort of a DAG failed (`sorting.TopologicalSorting`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SortError {
    /// Two tasks share a name.
    Duplicated(String),
    /// A dependency names no task.
    InvalidDependency(String),
    /// The graph has a cycle.
    Cycle,
}

impl std::fmt::Display for SortError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SortError::Duplicated(name) => write!(f, "duplicated nodeName {name}"),
            SortError::InvalidDependency(name) => write!(f, "invalid dependency {name}"),
            SortError::Cycle => f.write_str("graph with cycle"),
        }
    }
}

/// Task indices in the order Argo's validator walks them (Kahn's algorithm; roots in document
/// order where Go's map order is random).
pub(crate) fn topological_order(
    names: &[&str],
    dependencies: &[Dependencies],
) -> Result<Vec<usize>, SortError> {
    let mut index_of: HashMap<&str, usize> = HashMap::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        if index_of.insert(name, i).is_some() {
            return Err(SortError::Duplicated((*name).to_string()));
        }
    }
    let mut pending: Vec<usize> = dependencies.iter().map(|d| d.0.len()).collect();
    let mut next: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
    for (i, deps) in dependencies.iter().enumerate() {
        for dep in deps.names() {
            let Some(&d) = index_of.get(dep) else {
                return Err(SortError::InvalidDependency(dep.to_string()));
            };
            next[d].push(i);
        }
    }
    let mut order: Vec<usize> = (0..names.len()).filter(|&i| pending[i] == 0).collect();
    let mut head = 0;
    while head < order.len() {
        let current = order[head];
        for &n in &next[current] {
            if pending[n] == 1 {
                order.push(n);
            }
            pending[n] = pending[n].saturating_sub(1);
        }
        head += 1;
    }
    if order.len() < names.len() {
        return Err(SortError::Cycle);
    }
    Ok(order)
}

/// One cycle of the dependency graph, as task names (first name repeated at the end), if any.
pub(crate) fn find_cycle(names: &[&str], dependencies: &[Dependencies]) -> Option<Vec<String>> {
    let index_of: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    // 0 = unvisited, 1 = on the stack, 2 = done
    let mut state = vec![0u8; names.len()];
    let mut stack: Vec<usize> = Vec::new();
    fn visit(
        at: usize,
        dependencies: &[Dependencies],
        index_of: &HashMap<&str, usize>,
        state: &mut [u8],
        stack: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        state[at] = 1;
        stack.push(at);
        for dep in dependencies[at].names() {
            let Some(&d) = index_of.get(dep) else {
                continue;
            };
            if state[d] == 1 {
                let from = stack.iter().position(|&s| s == d).unwrap_or(0);
                let mut cycle = stack[from..].to_vec();
                cycle.push(d);
                return Some(cycle);
            }
            if state[d] == 0
                && let Some(cycle) = visit(d, dependencies, index_of, state, stack)
            {
                return Some(cycle);
            }
        }
        stack.pop();
        state[at] = 2;
        None
    }
    (0..names.len()).find_map(|start| {
        if state[start] != 0 {
            return None;
        }
        visit(start, dependencies, &index_of, &mut state, &mut stack)
            .map(|cycle| cycle.iter().map(|&i| names[i].to_string()).collect())
    })
}

/// The (transitive) ancestors of task `at`, dependencies first (`common.GetTaskAncestry`; cycles
/// and unknown names are tolerated).
pub(crate) fn ancestry(at: usize, names: &[&str], dependencies: &[Dependencies]) -> Vec<usize> {
    let index_of: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let mut seen: HashSet<usize> = HashSet::new();
    let mut out = Vec::new();
    // Iterative post-order DFS so a deep chain cannot overflow the stack.
    let mut stack: Vec<(usize, usize)> = vec![(at, 0)];
    seen.insert(at);
    while let Some(top) = stack.last_mut() {
        let (node, child) = *top;
        match dependencies[node].0.get(child) {
            Some((dep, _)) => {
                top.1 += 1;
                if let Some(&d) = index_of.get(dep.as_str())
                    && seen.insert(d)
                {
                    stack.push((d, 0));
                }
            }
            None => {
                stack.pop();
                if node != at {
                    out.push(node);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape<'a>(name: &'a str, depends: &'a str, dependencies: &[&'a str]) -> TaskShape<'a> {
        TaskShape {
            name,
            depends,
            dependencies: dependencies.to_vec(),
            ..TaskShape::default()
        }
    }

    fn deps_of(tasks: &[TaskShape<'_>]) -> Vec<Dependencies> {
        let by_name: HashMap<&str, &TaskShape<'_>> = tasks.iter().map(|t| (t.name, t)).collect();
        tasks
            .iter()
            .map(|t| task_dependencies(t, &by_name))
            .collect()
    }

    #[test]
    fn depends_expressions_name_their_tasks() {
        let tasks = [
            shape("A", "", &[]),
            shape("B", "A.Succeeded || (A.Failed && !C)", &[]),
            shape("C", "A.AnySucceeded && my-task.Failed", &[]),
            shape("D", "A.succeeded", &[]),
        ];
        let deps = deps_of(&tasks);
        assert_eq!(deps[1].names().collect::<Vec<_>>(), vec!["A", "C"]);
        assert_eq!(
            deps[2].0,
            vec![
                ("A".to_string(), DependencyType::Items),
                ("my-task".to_string(), DependencyType::Task)
            ]
        );
        assert_eq!(deps[3].names().collect::<Vec<_>>(), vec!["A", "succeeded"]);
    }

    #[test]
    fn dependencies_lists_are_expanded() {
        let tasks = [shape("A", "", &[]), shape("B", "", &["A"])];
        let deps = deps_of(&tasks);
        assert_eq!(deps[1].names().collect::<Vec<_>>(), vec!["A"]);
    }

    #[test]
    fn sorting_reports_duplicates_unknowns_and_cycles() {
        let names = ["A", "B", "C"];
        let tasks = [
            shape("A", "", &[]),
            shape("B", "C", &[]),
            shape("C", "A", &[]),
        ];
        assert_eq!(
            topological_order(&names, &deps_of(&tasks)),
            Ok(vec![0, 2, 1])
        );
        let dup = [shape("A", "", &[]), shape("A", "", &[])];
        assert_eq!(
            topological_order(&["A", "A"], &deps_of(&dup)),
            Err(SortError::Duplicated("A".into()))
        );
        let unknown = [shape("A", "X", &[])];
        assert_eq!(
            topological_order(&["A"], &deps_of(&unknown)),
            Err(SortError::InvalidDependency("X".into()))
        );
        let cycle = [
            shape("A", "", &["C"]),
            shape("B", "", &["A"]),
            shape("C", "", &["A"]),
        ];
        let deps = deps_of(&cycle);
        assert_eq!(topological_order(&names, &deps), Err(SortError::Cycle));
        assert_eq!(
            find_cycle(&names, &deps),
            Some(vec!["A".to_string(), "C".to_string(), "A".to_string()])
        );
    }

    #[test]
    fn ancestry_is_transitive() {
        let names = ["A", "B", "C", "D"];
        let tasks = [
            shape("A", "", &[]),
            shape("B", "A", &[]),
            shape("C", "B", &[]),
            shape("D", "", &[]),
        ];
        let deps = deps_of(&tasks);
        assert_eq!(ancestry(2, &names, &deps), vec![0, 1]);
        assert!(ancestry(3, &names, &deps).is_empty());
    }

    #[test]
    fn task_results_are_checked() {
        assert_eq!(
            invalid_task_results("A.Succeeded && B.Finished || C"),
            vec![("Finished".to_string(), "B".to_string())]
        );
    }
}
