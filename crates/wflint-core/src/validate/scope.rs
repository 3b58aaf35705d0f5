//! What a `{{...}}` tag may refer to at one point of the walk: the variables in scope (inputs,
//! earlier steps, DAG tasks, loop items, ...) and the workflow's global variables, with Argo's
//! exemptions (`resolveAllVariables`).

use foldhash::{HashMap, HashSet};

/// Scope marker: any `{{item.*}}` resolves (a `withParam` loop is in scope).
pub(crate) const ANY_ITEM: &str = "item.*";
/// Scope marker: any `{{workflow.outputs.parameters.*}}` resolves (a templated `globalName`).
pub(crate) const ANY_WORKFLOW_OUTPUT_PARAMETER: &str = "workflow.outputs.parameters.*";
/// Scope marker: any `{{workflow.outputs.artifacts.*}}` resolves (a templated `globalName`).
pub(crate) const ANY_WORKFLOW_OUTPUT_ARTIFACT: &str = "workflow.outputs.artifacts.*";

/// The variables visible at one point (Argo's per-template `scope` map).
#[derive(Debug, Clone, Default)]
pub(crate) struct Scope {
    keys: HashSet<String>,
    /// Prefixes under which everything resolves (wflint's own leniency after a call it could
    /// not resolve, so one missing template does not also flag every use of its outputs).
    prefixes: Vec<String>,
}

impl Scope {
    /// Make `key` resolvable.
    pub(crate) fn add(&mut self, key: impl Into<String>) {
        self.keys.insert(key.into());
    }

    /// Make everything under `prefix` (e.g. `steps.a.`) resolvable.
    pub(crate) fn add_prefix(&mut self, prefix: impl Into<String>) {
        self.prefixes.push(prefix.into());
    }

    /// Whether `key` is in scope.
    pub(crate) fn contains(&self, key: &str) -> bool {
        self.keys.contains(key) || self.prefixes.iter().any(|p| key.starts_with(p.as_str()))
    }

    /// The keys, for "did you mean" suggestions.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(String::as_str)
    }
}

/// The workflow's global variables with the values substituted for them while validating
/// (literal parameter values, or internal placeholders).
#[derive(Debug, Clone, Default)]
pub(crate) struct Globals {
    values: HashMap<String, String>,
}

impl Globals {
    /// Register `key` with `value`.
    pub(crate) fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.values.insert(key.into(), value.into());
    }

    /// The value of `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    /// Whether `key` is registered.
    pub(crate) fn contains(&self, key: &str) -> bool {
        self.values.contains_key(key)
    }

    /// The keys, for "did you mean" suggestions.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }
}

/// Whether the simple tag `name` (trimmed, under a checked prefix) resolves: it is in scope or
/// global, or one of Argo's exemptions applies. `in_template_validation` is set while a
/// WorkflowTemplate or ClusterWorkflowTemplate is validated on its own (its
/// `workflow.parameters.*` may come from the Workflow that uses it).
pub(crate) fn resolves(
    name: &str,
    scope: &Scope,
    globals: &Globals,
    in_template_validation: bool,
) -> bool {
    if scope.contains(name) || globals.contains(name) {
        return true;
    }
    // Argo copies the globals into each template's scope when the template is validated; the
    // markers set in the globals are set before any template that could see them.
    let marked = |marker: &str| scope.contains(marker) || globals.contains(marker);
    ((name == "item" || name.starts_with("item.")) && marked(ANY_ITEM))
        || (name.starts_with("workflow.outputs.parameters.")
            && marked(ANY_WORKFLOW_OUTPUT_PARAMETER))
        || (name.starts_with("workflow.outputs.artifacts.") && marked(ANY_WORKFLOW_OUTPUT_ARTIFACT))
        || name.starts_with("outputs.")
        || name.starts_with("workflow.creationTimestamp")
        || name.starts_with("workflow.scheduledTime")
        || name.starts_with("workflow.duration")
        || name.starts_with("tasks.name")
        || name.starts_with("steps.name")
        || name.starts_with("node.name")
        || (in_template_validation && name.starts_with("workflow.parameters"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exemptions_follow_argo() {
        let mut scope = Scope::default();
        let globals = Globals::default();
        scope.add("inputs.parameters.a");
        assert!(resolves("inputs.parameters.a", &scope, &globals, false));
        assert!(!resolves("inputs.parameters.b", &scope, &globals, false));
        assert!(resolves(
            "outputs.parameters.anything",
            &scope,
            &globals,
            false
        ));
        assert!(resolves(
            "steps.namer.outputs.result",
            &scope,
            &globals,
            false
        ));
        assert!(resolves(
            "workflow.creationTimestamp.Y",
            &scope,
            &globals,
            false
        ));
        assert!(!resolves("workflow.parameters.x", &scope, &globals, false));
        assert!(resolves("workflow.parameters.x", &scope, &globals, true));
        assert!(!resolves("item.key", &scope, &globals, false));
        scope.add(ANY_ITEM);
        assert!(resolves("item.key", &scope, &globals, false));
    }
}
