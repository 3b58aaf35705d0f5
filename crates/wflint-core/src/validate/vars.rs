//! Checking that every `{{...}}` tag of a (substituted) template part resolves in its scope
//! (`resolveAllVariables`), and explaining in plain words why one does not.

use std::fmt;

use serde_json::Value;

use crate::{
    diagnostic::{Diagnostic, Edit, Fix},
    path::FieldPath,
    rules::argo as rules,
};

use super::{
    scope::{Globals, Scope, resolves},
    tags,
    walk::{Validator, closest},
};

impl Validator<'_> {
    /// Report each checked tag in the strings (and mapping keys) of `value` that does not
    /// resolve; `at` is where `value` sits, `argo_prefix` Argo's prefix for this part
    /// (`templates.x: `, `templates.x.steps `, ...).
    pub(crate) fn resolve_value(
        &mut self,
        value: &Value,
        at: &FieldPath,
        scope: &Scope,
        argo_prefix: &dyn fmt::Display,
        template: &str,
    ) {
        let mut path = at.clone();
        let mut found = Vec::new();
        let cx = ResolveCx {
            scope,
            globals: &self.globals,
            in_template_validation: self.opts.template_validation,
            argo_prefix,
            template,
        };
        walk(value, &mut path, &cx, &mut found);
        self.absorb(found);
    }

    /// Report each unresolved tag of one string at `at`.
    pub(crate) fn resolve_text(
        &mut self,
        text: &str,
        at: &FieldPath,
        scope: &Scope,
        argo_prefix: &dyn fmt::Display,
        template: &str,
    ) {
        let mut found = Vec::new();
        let cx = ResolveCx {
            scope,
            globals: &self.globals,
            in_template_validation: self.opts.template_validation,
            argo_prefix,
            template,
        };
        check_text(text, at, false, &cx, &mut found);
        self.absorb(found);
    }
}

struct ResolveCx<'c> {
    scope: &'c Scope,
    globals: &'c Globals,
    in_template_validation: bool,
    argo_prefix: &'c dyn fmt::Display,
    template: &'c str,
}

fn walk(value: &Value, path: &mut FieldPath, cx: &ResolveCx<'_>, out: &mut Vec<Diagnostic>) {
    match value {
        Value::String(text) => check_text(text, path, false, cx, out),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push_index(index);
                walk(item, path, cx, out);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                path.push_key(key.clone());
                if tags::has_tags(key) {
                    check_text(key, path, true, cx, out);
                }
                walk(item, path, cx, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn check_text(
    text: &str,
    at: &FieldPath,
    is_key: bool,
    cx: &ResolveCx<'_>,
    out: &mut Vec<Diagnostic>,
) {
    if !tags::has_tags(text) {
        return;
    }
    let found = match tags::scan(text) {
        Ok(found) => found,
        Err(unclosed) => {
            let rest: String = text[unclosed.start..].chars().take(40).collect();
            let mut diagnostic = Diagnostic::new(
                &rules::UNRESOLVED_VARIABLE,
                at.clone(),
                format!("`{rest}` opens a `{{{{` variable that is never closed with `}}}}`"),
            )
            .help("close the variable with `}}`, or write a literal `{{` some other way");
            if is_key {
                diagnostic = diagnostic.on_key();
            }
            out.push(diagnostic);
            return;
        }
    };
    for tag in found {
        if !tag.is_checked() {
            continue;
        }
        let name = tag.name();
        if resolves(name, cx.scope, cx.globals, cx.in_template_validation) {
            continue;
        }
        let argo = format!(
            "{}failed to resolve {{{{{}}}}}",
            cx.argo_prefix,
            tags::as_go_json(tag.text)
        );
        let suggestion = suggest(name, cx.scope, cx.globals);
        let mut message = format!(
            "`{{{{{}}}}}` cannot be resolved: {}",
            tag.text,
            explain(name, cx)
        );
        if let Some(s) = &suggestion {
            message.push_str(&format!(" (did you mean `{{{{{s}}}}}`?)"));
        }
        let mut diagnostic = Diagnostic::new(&rules::UNRESOLVED_VARIABLE, at.clone(), message)
            .argo(argo)
            .help(help_for(name));
        if is_key {
            diagnostic = diagnostic.on_key();
        } else if let Some(s) = &suggestion {
            // Only offer to edit text that is exactly as written (no substituted values).
            if !text.contains(tags::PLACEHOLDER_PREFIX) {
                let mut fixed = String::with_capacity(text.len());
                fixed.push_str(&text[..tag.start]);
                fixed.push_str("{{");
                fixed.push_str(s);
                fixed.push_str("}}");
                fixed.push_str(&text[tag.end..]);
                diagnostic = diagnostic.fix(Fix {
                    title: format!("Use `{{{{{s}}}}}`"),
                    edits: vec![Edit::ReplaceValue {
                        path: at.clone(),
                        new_value: fixed,
                    }],
                });
            }
        }
        out.push(diagnostic);
    }
}

/// A variable in scope that differs from `name` only by a close last segment
/// (`inputs.parameters.mesage` -> `inputs.parameters.message`).
fn suggest(name: &str, scope: &Scope, globals: &Globals) -> Option<String> {
    let (parent, last) = name.rsplit_once('.')?;
    let siblings: Vec<&str> = scope
        .keys()
        .chain(globals.keys())
        .filter_map(|k| {
            k.rsplit_once('.')
                .filter(|(p, _)| *p == parent)
                .map(|(_, l)| l)
        })
        .filter(|l| *l != "*")
        .collect();
    closest(last, siblings.into_iter()).map(|l| format!("{parent}.{l}"))
}

/// Why `name` does not resolve, in plain words.
fn explain(name: &str, cx: &ResolveCx<'_>) -> String {
    let parts: Vec<&str> = name.split('.').collect();
    let template = cx.template;
    let second = parts.get(1).copied().unwrap_or_default();
    let third = parts.get(2).copied().unwrap_or_default();
    match parts.first().copied().unwrap_or_default() {
        "inputs" if second == "parameters" => {
            format!("template `{template}` declares no input parameter `{third}`")
        }
        "inputs" if second == "artifacts" && parts.len() > 3 => format!(
            "`.{}` of input artifact `{third}` exists only in templates that run a pod and declare it",
            parts[3..].join(".")
        ),
        "inputs" if second == "artifacts" => {
            format!("template `{template}` declares no input artifact `{third}`")
        }
        "steps" => format!(
            "no step `{second}` runs before this point of template `{template}` (or it does not produce this)"
        ),
        "tasks" if parts.last() == Some(&"status") => {
            format!("task `{second}` is not a dependency (direct or indirect) of this task")
        }
        "tasks" => format!("template `{template}` has no task `{second}` that produces this"),
        "item" => "no `withItems`/`withParam` loop supplies this item field here".to_string(),
        "pod" => "only templates that run a pod have `pod.name`".to_string(),
        "workflow" if second == "parameters" => {
            format!("the workflow has no parameter `{third}` in `spec.arguments.parameters`")
        }
        "workflow" if second == "outputs" => format!(
            "no step or task validated before this point publishes a global output `{}`",
            parts.get(3).copied().unwrap_or_default()
        ),
        "workflow" if second == "labels" || second == "annotations" => format!(
            "the workflow is not known to carry {} `{}`",
            if second == "labels" {
                "label"
            } else {
                "annotation"
            },
            parts[2..].join(".")
        ),
        "workflow" if second == "failures" => {
            "`workflow.failures` is only available in the `onExit` handler".to_string()
        }
        "workflow" if second == "priority" => {
            "`workflow.priority` is only set when `spec.priority` is".to_string()
        }
        _ => "it is not a variable Argo knows at this point".to_string(),
    }
}

fn help_for(name: &str) -> &'static str {
    match name.split('.').next().unwrap_or_default() {
        "inputs" => "declare the input under `inputs:` of the template, or correct the name",
        "steps" => "reference a step of an earlier step group, by its exact name",
        "tasks" => "reference a task of this DAG that the task depends on",
        "item" => "loop the step or task with `withItems`/`withParam`, or correct the field",
        "workflow" => "correct the variable name, or declare what it refers to",
        _ => "correct the variable name",
    }
}
