//! Steps templates (`validateSteps`): step names, loops, arguments, the called templates
//! (first with fake, then with the step's own arguments), hooks, and the variables each step may
//! use, registered step by step in document order.

use std::collections::HashSet;

use serde_json::Value;

use crate::{
    diagnostic::Diagnostic,
    model::{Item, Sequence, Template, WorkflowStep},
    path::FieldPath,
    rules::argo as rules,
};

use super::{
    checks, names,
    scope::{ANY_ITEM, Scope},
    walk::{Args, Base, Holder, Validator, hook_finding},
};

/// Why a loop is malformed (Argo's `addItemsToScope` errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LoopError {
    /// More than one of withItems, withParam, withSequence.
    Several,
    /// withSequence with both count and end.
    CountAndEnd,
}

impl LoopError {
    /// Argo's text.
    pub(crate) fn argo(self) -> &'static str {
        match self {
            LoopError::Several => "only one of withItems, withParam, withSequence can be specified",
            LoopError::CountAndEnd => "only one of count or end can be defined in withSequence",
        }
    }
}

/// `addItemsToScope`: the `item` variables a loop provides; the loop problems found.
pub(crate) fn add_items(
    with_items: &[Item],
    with_param: &str,
    with_sequence: Option<&Sequence>,
    scope: &mut Scope,
) -> Vec<LoopError> {
    let mut errors = Vec::new();
    let defined = usize::from(!with_items.is_empty())
        + usize::from(!with_param.is_empty())
        + usize::from(with_sequence.is_some());
    if defined > 1 {
        errors.push(LoopError::Several);
    }
    for item in with_items {
        match item.value() {
            Value::Array(list) => {
                for index in 0..list.len() {
                    scope.add(format!("item.[{index}]"));
                }
            }
            Value::Object(map) => {
                for key in map.keys() {
                    scope.add(format!("item.{key}"));
                }
            }
            Value::Null => {}
            _ => scope.add("item"),
        }
    }
    if !with_param.is_empty() {
        scope.add("item");
        scope.add(ANY_ITEM);
    }
    if let Some(sequence) = with_sequence {
        if sequence.count.is_some() && sequence.end.is_some() {
            errors.push(LoopError::CountAndEnd);
        }
        scope.add("item");
    }
    errors
}

/// A finding for a malformed loop.
pub(crate) fn loop_finding(at: &FieldPath, error: LoopError, argo_prefix: &str) -> Diagnostic {
    let (message, help) = match error {
        LoopError::Several => (
            "more than one of `withItems`, `withParam` and `withSequence` is set",
            "keep one loop source",
        ),
        LoopError::CountAndEnd => (
            "`withSequence` has both `count` and `end`",
            "use `count` (with an optional `start`), or `start` and `end`",
        ),
    };
    let at = match error {
        LoopError::Several => at.clone(),
        LoopError::CountAndEnd => at.key("withSequence"),
    };
    Diagnostic::new(&rules::LOOP_CONFLICT, at, message)
        .argo(format!("{argo_prefix}{}", error.argo()))
        .help(help)
}

impl Validator<'_> {
    /// `validateSteps` on the substituted template `template` (JSON `value`) at `place`.
    pub(crate) fn validate_steps(
        &mut self,
        template: &Template,
        value: &Value,
        place: &FieldPath,
        base: &Base<'_>,
        scope: &mut Scope,
    ) {
        self.check_with(|out| checks::non_leaf(template, place, out));
        let name = template.name.as_str();
        let mut seen: HashSet<&str> = HashSet::new();
        for (group_index, group) in template.step_groups().iter().enumerate() {
            for (step_index, step) in group.steps.iter().enumerate() {
                let at = place.key("steps").index(group_index).index(step_index);
                let step_value = value
                    .get("steps")
                    .and_then(|s| s.get(group_index))
                    .and_then(|g| g.get(step_index));
                self.validate_step(
                    name,
                    group_index,
                    step,
                    step_value,
                    &at,
                    base,
                    scope,
                    &mut seen,
                );
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn validate_step<'s>(
        &mut self,
        template: &str,
        group: usize,
        step: &'s WorkflowStep,
        step_value: Option<&Value>,
        at: &FieldPath,
        base: &Base<'_>,
        scope: &mut Scope,
        seen: &mut HashSet<&'s str>,
    ) {
        let step_name = step.name.as_str();
        if step_name.is_empty() {
            self.emit(
                Diagnostic::new(
                    &rules::STEP_NAME_INVALID,
                    at.clone(),
                    "this step has no name",
                )
                .argo(format!(
                    "templates.{template}.steps[{group}].name is required"
                ))
                .help("add `name: <step name>`; later steps refer to it as `{{steps.<name>...}}`"),
            );
            return;
        }
        if !seen.insert(step_name) {
            self.emit(
                Diagnostic::new(
                    &rules::STEP_NAME_INVALID,
                    at.key("name"),
                    format!("step name `{step_name}` is used twice in template `{template}`"),
                )
                .argo(format!(
                    "templates.{template}.steps[{group}].name '{step_name}' is not unique"
                ))
                .help("give every step of a template its own name"),
            );
        } else if let Some(reasons) = names::step_name_problems(step_name) {
            self.emit(
                Diagnostic::new(
                    &rules::STEP_NAME_INVALID,
                    at.key("name"),
                    format!("step name `{step_name}` is invalid: {reasons}"),
                )
                .argo(format!(
                    "templates.{template}.steps[{group}].name '{step_name}' is invalid: {reasons}"
                ))
                .help("use letters, digits and `-`, starting with a letter or digit"),
            );
        }
        scope.add(format!("steps.{step_name}.status"));
        let call_prefix = format!("templates.{template}.steps[{group}].{step_name} ");
        for error in add_items(
            &step.with_items,
            &step.with_param,
            step.with_sequence.as_ref(),
            scope,
        ) {
            self.emit(loop_finding(at, error, &call_prefix));
        }
        let arguments_prefix =
            format!("templates.{template}.steps[{group}].{step_name}.arguments.");
        let arguments_at = at.key("arguments");
        self.check_with(|out| {
            checks::arguments(
                &step.arguments,
                &arguments_at,
                &arguments_prefix,
                false,
                out,
            );
        });

        let holder = Holder::of_call(step, at);
        let callee = self.prefixed(call_prefix.clone(), |v| {
            v.validate_holder(&holder, base, Args::Fake)
        });
        let has_exit_hook = step.hooks.contains_key("exit") || !step.on_exit.is_empty();
        if has_exit_hook {
            self.add_outputs(&callee, "steps", step_name, scope, false, false);
        }
        for (hook, definition) in &step.hooks {
            if hook != "exit" && definition.expression.is_empty() {
                self.emit(hook_finding(
                    at.key("hooks").key(hook.clone()),
                    format!(
                        "templates.{template}.steps[{group}].{step_name}.{hook} Expression required"
                    ),
                    hook,
                ));
            }
        }

        let mut step_scope = scope.clone();
        if let Some(inline) = &step.inline {
            for parameter in &inline.inputs.parameters {
                step_scope.add(format!("inputs.parameters.{}", parameter.name));
            }
        }
        if let Some(step_value) = step_value {
            self.resolve_value(
                step_value,
                at,
                &step_scope,
                &format_args!("templates.{template}.steps "),
                template,
            );
        }
        let aggregate = !step.with_items.is_empty() || !step.with_param.is_empty();
        self.add_outputs(&callee, "steps", step_name, scope, aggregate, false);
        self.prefixed(call_prefix, |v| {
            v.validate_holder(&holder, base, Args::Real(&step.arguments))
        });
    }
}
