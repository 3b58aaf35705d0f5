//! DAG templates (`validateDAG`): tasks sorted topologically, task names, `depends` rules,
//! every callee validated (fake arguments) before any task is checked, then each task's
//! variables, arguments, ancestor references and its callee with the real arguments.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::{
    diagnostic::Diagnostic,
    model::{DagTask, Template},
    path::FieldPath,
    rules::argo as rules,
};

use super::{
    checks,
    depends::{self, Dependencies, DependencyType, SortError, TaskShape},
    names,
    scope::Scope,
    steps::{add_items, loop_finding},
    tags,
    walk::{Args, Base, Holder, Resolution, Validator},
};

impl Validator<'_> {
    /// `validateDAG` on the substituted template `template` (JSON `value`) at `place`.
    pub(crate) fn validate_dag(
        &mut self,
        template: &Template,
        value: &Value,
        place: &FieldPath,
        base: &Base<'_>,
        scope: &mut Scope,
    ) {
        self.check_with(|out| checks::non_leaf(template, place, out));
        let name = template.name.as_str();
        let tasks = template.dag_tasks();
        let tasks_at = place.key("dag").key("tasks");
        if tasks.is_empty() {
            self.emit(
                Diagnostic::new(
                    &rules::DAG_EMPTY,
                    place.key("dag"),
                    format!("DAG template `{name}` has no tasks"),
                )
                .on_key()
                .argo(format!("templates.{name} must have at least one task"))
                .help("add tasks under `dag.tasks`, or remove the template"),
            );
            return;
        }
        let using_depends = tasks.iter().any(|t| !t.depends.is_empty());
        let shapes: Vec<TaskShape<'_>> = tasks.iter().map(shape).collect();
        let mut by_name: HashMap<&str, &TaskShape<'_>> = HashMap::new();
        for s in &shapes {
            by_name.entry(s.name).or_insert(s);
        }
        let dependencies: Vec<Dependencies> = shapes
            .iter()
            .map(|s| depends::task_dependencies(s, &by_name))
            .collect();
        let names: Vec<&str> = shapes.iter().map(|s| s.name).collect();
        let order = match depends::topological_order(&names, &dependencies) {
            Ok(order) => order,
            Err(_) => {
                self.report_sort_problems(name, tasks, &names, &dependencies, &tasks_at);
                (0..tasks.len()).collect()
            }
        };
        let index_of: HashMap<&str, usize> = names
            .iter()
            .enumerate()
            .rev()
            .map(|(i, n)| (*n, i))
            .collect();

        for (sorted, &index) in order.iter().enumerate() {
            let task = &tasks[index];
            let at = tasks_at.index(index);
            if task.name.is_empty() {
                self.emit(
                    Diagnostic::new(
                        &rules::STEP_NAME_INVALID,
                        at.clone(),
                        "this task has no name",
                    )
                    .argo(format!("templates.{name}.tasks[{sorted}].name is required"))
                    .help("add `name: <task name>`"),
                );
            } else if let Some(reasons) = names::field_name_problems(&task.name) {
                self.emit(
                    Diagnostic::new(
                        &rules::STEP_NAME_INVALID,
                        at.key("name"),
                        format!("task name `{}` is invalid: {reasons}", task.name),
                    )
                    .argo(format!(
                        "templates.{name}.tasks[{sorted}].name: '{}' is invalid: {reasons}",
                        task.name
                    ))
                    .help("use letters, digits and `-`, starting with a letter or digit"),
                );
            }
        }

        let mut callees: HashMap<usize, Resolution> = HashMap::new();
        for &index in &order {
            let task = &tasks[index];
            let at = tasks_at.index(index);
            let task_prefix = format!("templates.{name}.tasks.{} ", task.name);
            self.check_task_depends(name, task, &at, using_depends);
            let holder = Holder::of_call(task, &at);
            let callee = self.prefixed(task_prefix.clone(), |v| {
                v.validate_holder(&holder, base, Args::Fake)
            });
            let aggregate = !task.with_items.is_empty() || !task.with_param.is_empty();
            self.add_outputs(&callee, "tasks", &task.name, scope, aggregate, false);
            callees.insert(index, callee);
            for (result, dependency) in depends::invalid_task_results(&task.depends) {
                self.emit(
                    Diagnostic::new(
                        &rules::DAG_DEPENDENCY_INVALID,
                        at.key("depends"),
                        format!(
                            "`{dependency}.{result}` is not a task result; use Succeeded, Failed, Errored, Skipped, Omitted, Daemoned, AnySucceeded or AllFailed"
                        ),
                    )
                    .argo(format!(
                        "{task_prefix}task result '{result}' for task '{dependency}' is invalid"
                    ))
                    .help("task results are capitalised, e.g. `A.Succeeded`"),
                );
            }
            for (dependency, kind) in &dependencies[index].0 {
                let Some(&target) = index_of.get(dependency.as_str()) else {
                    continue;
                };
                let target_task = &tasks[target];
                let loops = !target_task.with_items.is_empty()
                    || !target_task.with_param.is_empty()
                    || target_task.with_sequence.is_some();
                if *kind == DependencyType::Items && !loops {
                    self.emit(
                        Diagnostic::new(
                            &rules::DAG_DEPENDENCY_INVALID,
                            at.key("depends"),
                            format!(
                                "`.AnySucceeded`/`.AllFailed` need task `{dependency}` to loop (withItems, withParam or withSequence), and it does not"
                            ),
                        )
                        // Argo prints the dependency's name where the task's would be expected.
                        .argo(format!(
                            "templates.{name}.tasks.{dependency} dependency '{dependency}' uses an items-based condition such as .AnySucceeded or .AllFailed but does not contain any items"
                        ))
                        .help("use `.Succeeded`/`.Failed` for a task that runs once"),
                    );
                }
            }
        }

        let dag_at = place.key("dag");
        let target = template.dag.as_ref().map_or("", |d| d.target.as_str());
        self.resolve_text(
            target,
            &dag_at.key("target"),
            scope,
            &format_args!("templates.{name}.targets "),
            name,
        );
        if !target.is_empty() {
            for target_name in target.split(' ') {
                if tags::is_parameter(target_name) || index_of.contains_key(target_name) {
                    continue;
                }
                self.emit(
                    Diagnostic::new(
                        &rules::DAG_TARGET_INVALID,
                        dag_at.key("target"),
                        format!("target `{target_name}` is not a task of DAG `{name}`"),
                    )
                    .argo(format!(
                        "templates.{name}.targets: target '{target_name}' is not defined"
                    ))
                    .help("list task names separated by single spaces"),
                );
            }
        }

        for &index in &order {
            let task = &tasks[index];
            let at = tasks_at.index(index);
            let callee = callees.get(&index).cloned().unwrap_or(Resolution::Skipped);
            if !task.hooks.is_empty() {
                scope.add(format!("tasks.{}.status", task.name));
            }
            self.add_outputs(&callee, "tasks", &task.name, scope, false, false);
            let mut task_scope = scope.clone();
            let ancestry = depends::ancestry(index, &names, &dependencies);
            for &ancestor in &ancestry {
                let ancestor_task = &tasks[ancestor];
                let aggregate =
                    !ancestor_task.with_items.is_empty() || !ancestor_task.with_param.is_empty();
                let resolution = callees
                    .get(&ancestor)
                    .cloned()
                    .unwrap_or(Resolution::Skipped);
                self.add_outputs(
                    &resolution,
                    "tasks",
                    &ancestor_task.name,
                    &mut task_scope,
                    aggregate,
                    true,
                );
            }
            if let Some(inline) = &task.inline {
                for parameter in &inline.inputs.parameters {
                    task_scope.add(format!("inputs.parameters.{}", parameter.name));
                }
            }
            let task_prefix = format!("templates.{name}.tasks.{} ", task.name);
            for error in add_items(
                &task.with_items,
                &task.with_param,
                task.with_sequence.as_ref(),
                &mut task_scope,
            ) {
                self.emit(loop_finding(&at, error, &task_prefix));
            }
            if let Some(task_value) = value
                .get("dag")
                .and_then(|d| d.get("tasks"))
                .and_then(|t| t.get(index))
            {
                self.resolve_value(task_value, &at, &task_scope, &task_prefix, name);
            }
            let arguments_prefix = format!("templates.{name}.tasks.{}.arguments.", task.name);
            let arguments_at = at.key("arguments");
            self.check_with(|out| {
                checks::arguments(
                    &task.arguments,
                    &arguments_at,
                    &arguments_prefix,
                    false,
                    out,
                );
            });
            let ancestor_names: HashSet<&str> =
                ancestry.iter().map(|&i| tasks[i].name.as_str()).collect();
            self.check_ancestor_references(task, &at, &ancestor_names, &task_prefix);
            let holder = Holder::of_call(task, &at);
            self.prefixed(task_prefix, |v| {
                v.validate_holder(&holder, base, Args::Real(&task.arguments))
            });
        }
    }

    /// D5-D7: names starting with a digit, and `depends` mixed with `dependencies` or
    /// `continueOn`.
    fn check_task_depends(
        &mut self,
        name: &str,
        task: &DagTask,
        at: &FieldPath,
        using_depends: bool,
    ) {
        let starts_with_digit = task.name.bytes().next().is_some_and(|b| b.is_ascii_digit());
        if (using_depends || !task.dependencies.is_empty()) && starts_with_digit {
            self.emit(
                Diagnostic::new(
                    &rules::DAG_DEPENDS_CONFLICT,
                    at.key("name"),
                    format!(
                        "task name `{}` starts with a digit, which `depends`/`dependencies` cannot refer to",
                        task.name
                    ),
                )
                .argo(format!(
                    "templates.{name}.tasks.{} name cannot begin with a digit when using either 'depends' or 'dependencies'",
                    task.name
                ))
                .help("start the task name with a letter"),
            );
        }
        if using_depends && !task.dependencies.is_empty() {
            self.emit(
                Diagnostic::new(
                    &rules::DAG_DEPENDS_CONFLICT,
                    at.key("dependencies"),
                    format!(
                        "task `{}` uses `dependencies` in a DAG whose tasks use `depends`",
                        task.name
                    ),
                )
                .on_key()
                .argo(format!(
                    "templates.{name} cannot use both 'depends' and 'dependencies' in the same DAG template"
                ))
                .help("write the dependencies as `depends: \"A && B\"`"),
            );
        }
        if using_depends && task.continue_on.is_some() {
            self.emit(
                Diagnostic::new(
                    &rules::DAG_DEPENDS_CONFLICT,
                    at.key("continueOn"),
                    format!(
                        "task `{}` uses `continueOn` in a DAG whose tasks use `depends`",
                        task.name
                    ),
                )
                .on_key()
                .argo(format!(
                    "templates.{name} cannot use 'continueOn' when using 'depends'. Instead use 'dep-task.Failed'/'dep-task.Errored'"
                ))
                .help("remove `continueOn` and let dependent tasks use `dep-task.Failed`/`dep-task.Errored`"),
            );
        }
    }

    /// D17: argument values that start with `{{tasks.X.` (artifact `from`) must name an
    /// ancestor.
    fn check_ancestor_references(
        &mut self,
        task: &DagTask,
        at: &FieldPath,
        ancestors: &HashSet<&str>,
        task_prefix: &str,
    ) {
        let referenced = |text: &str| -> Option<String> {
            if !text.starts_with("{{tasks.") {
                return None;
            }
            let producer = text.split('.').nth(1).unwrap_or_default();
            (!ancestors.contains(producer)).then(|| producer.to_string())
        };
        for (index, parameter) in task.arguments.parameters.iter().enumerate() {
            let Some(value) = parameter.value.as_deref() else {
                continue;
            };
            if let Some(producer) = referenced(value) {
                self.emit(missing_dependency(
                    task,
                    at.key("arguments")
                        .key("parameters")
                        .index(index)
                        .key("value"),
                    &producer,
                    "parameter",
                    &parameter.name,
                    task_prefix,
                ));
            }
        }
        for (index, artifact) in task.arguments.artifacts.iter().enumerate() {
            if let Some(producer) = referenced(&artifact.from) {
                self.emit(missing_dependency(
                    task,
                    at.key("arguments")
                        .key("artifacts")
                        .index(index)
                        .key("from"),
                    &producer,
                    "artifact",
                    &artifact.name,
                    task_prefix,
                ));
            }
        }
    }

    /// D3 in full: every duplicate name, every unknown dependency, and a cycle.
    fn report_sort_problems(
        &mut self,
        name: &str,
        tasks: &[DagTask],
        names: &[&str],
        dependencies: &[Dependencies],
        tasks_at: &FieldPath,
    ) {
        let prefix = format!("templates.{name} sorting failed: ");
        let mut seen = HashSet::new();
        let known: HashSet<&str> = names.iter().copied().collect();
        for (index, task) in tasks.iter().enumerate() {
            if !seen.insert(task.name.as_str()) {
                self.emit(
                    Diagnostic::new(
                        &rules::STEP_NAME_INVALID,
                        tasks_at.index(index).key("name"),
                        format!("task name `{}` is used twice in DAG `{name}`", task.name),
                    )
                    .argo(format!(
                        "{prefix}{}",
                        SortError::Duplicated(task.name.clone())
                    ))
                    .help("give every task of a DAG its own name"),
                );
            }
        }
        for (index, task) in tasks.iter().enumerate() {
            for dependency in dependencies[index].names() {
                if known.contains(dependency) {
                    continue;
                }
                let field = if task.depends.is_empty() {
                    "dependencies"
                } else {
                    "depends"
                };
                let suggestion =
                    super::walk::closest(dependency, names.iter().copied()).map(str::to_string);
                let mut diagnostic = Diagnostic::new(
                    &rules::DAG_DEPENDENCY_INVALID,
                    tasks_at.index(index).key(field),
                    format!(
                        "task `{}` depends on `{dependency}`, which is not a task of DAG `{name}`",
                        task.name
                    ),
                )
                .argo(format!(
                    "{prefix}{}",
                    SortError::InvalidDependency(dependency.to_string())
                ));
                diagnostic = match suggestion {
                    Some(s) => diagnostic.help(format!("did you mean `{s}`?")),
                    None => diagnostic.help(
                        "name a task of this DAG; task results are capitalised (`A.Succeeded`)",
                    ),
                };
                self.emit(diagnostic);
            }
        }
        if let Some(cycle) = depends::find_cycle(names, dependencies) {
            let first = cycle.first().cloned().unwrap_or_default();
            let index = names.iter().position(|n| *n == first).unwrap_or(0);
            let field = if tasks[index].depends.is_empty() {
                "dependencies"
            } else {
                "depends"
            };
            self.emit(
                Diagnostic::new(
                    &rules::DAG_CYCLE,
                    tasks_at.index(index).key(field),
                    format!(
                        "tasks of DAG `{name}` depend on each other in a cycle: {}",
                        cycle.join(" -> ")
                    ),
                )
                .argo(format!("{prefix}{}", SortError::Cycle))
                .help("remove one of the dependencies of the cycle"),
            );
        }
    }
}

fn shape(task: &DagTask) -> TaskShape<'_> {
    TaskShape {
        name: &task.name,
        depends: &task.depends,
        dependencies: task.dependencies.iter().map(String::as_str).collect(),
        continue_on_error: task.continue_on.as_ref().is_some_and(|c| c.error),
        continue_on_failed: task.continue_on.as_ref().is_some_and(|c| c.failed),
    }
}

fn missing_dependency(
    task: &DagTask,
    at: FieldPath,
    producer: &str,
    kind: &str,
    argument: &str,
    task_prefix: &str,
) -> Diagnostic {
    Diagnostic::new(
        &rules::DAG_MISSING_DEPENDENCY,
        at,
        format!(
            "{kind} `{argument}` of task `{}` uses task `{producer}`, which the task does not depend on",
            task.name
        ),
    )
    .argo(format!(
        "{task_prefix}missing dependency '{producer}' for {kind} '{argument}'"
    ))
    .help(format!(
        "add `{producer}` to the task's `depends` (or `dependencies`)"
    ))
}
