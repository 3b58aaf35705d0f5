//! Every template and artifact location of a workflow spec, with its role and field path: the
//! one walk over a spec that the artifact rules (and [`super::location::repository_needs`])
//! share.
//!
//! Pure over JSON: nothing here looks at the cluster. Templates reached through `templateRef`
//! are only *listed* ([`TemplateRefCall`]); [`super::analysis`] fetches them.

use serde_json::Value;

use crate::path::{FieldPath, PointerExt as _};

/// What an artifact location is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// `spec.arguments.artifacts[i]`: becomes an input of the entrypoint.
    SpecArgument,
    /// `arguments.artifacts[i]` of a step or DAG task: becomes an input of the called template.
    StepArgument,
    /// `inputs.artifacts[i]` of a template (or a data template's source artifact).
    Input,
    /// `outputs.artifacts[i]` of a template.
    Output,
    /// A template's `archiveLocation`.
    ArchiveLocation,
}

impl Role {
    /// Whether this is an artifact (rather than an `archiveLocation`).
    pub fn is_artifact(self) -> bool {
        self != Role::ArchiveLocation
    }

    /// A short noun for messages: "input artifact", "output artifact", ...
    pub fn noun(self) -> &'static str {
        match self {
            Role::SpecArgument => "workflow argument artifact",
            Role::StepArgument => "argument artifact",
            Role::Input => "input artifact",
            Role::Output => "output artifact",
            Role::ArchiveLocation => "archiveLocation",
        }
    }
}

/// The template a step, task or exit hook runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callee<'v> {
    /// `template: name`: a top-level template of the same spec (or holder), by name.
    Template(&'v str),
    /// `inline`: the template at this index of [`SpecSites::templates`].
    Inline(usize),
    /// A `templateRef`, a templated name, or nothing readable: not known here.
    Other,
}

/// One template of a spec (top-level or `inline` in a step or task).
#[derive(Debug, Clone)]
pub struct TemplateSite<'v> {
    /// Its JSON.
    pub value: &'v Value,
    /// Where it is.
    pub path: FieldPath,
    /// Its `name` (empty for inline templates).
    pub name: &'v str,
    /// Whether it runs a pod that uploads outputs and logs (container, script, containerSet,
    /// resource, data).
    pub runs_pod: bool,
    /// Names of the templates its steps and tasks call with `template:` (same holder).
    pub calls: Vec<&'v str>,
    /// Whether it is an `inline` template of a step or task (not callable by name).
    pub inline: bool,
}

/// One artifact or `archiveLocation` of a spec.
#[derive(Debug, Clone)]
pub struct LocationSite<'v> {
    /// The artifact (or `archiveLocation`) JSON.
    pub value: &'v Value,
    /// Where it is.
    pub path: FieldPath,
    /// What it is used for.
    pub role: Role,
    /// Index (in [`SpecSites::templates`]) of the template it belongs to: the template whose
    /// inputs, outputs or archiveLocation it is, or the steps/DAG template holding the step.
    /// `None` for spec arguments.
    pub template: Option<usize>,
    /// For step arguments: the template the step or task runs, which receives the artifact as
    /// its input of the same name.
    pub callee: Option<Callee<'v>>,
}

impl LocationSite<'_> {
    /// The artifact's `name`, or `""`.
    pub fn name(&self) -> &str {
        self.value.get("name").and_then(Value::as_str).unwrap_or("")
    }
}

/// A step or task calling a template of a WorkflowTemplate or ClusterWorkflowTemplate.
#[derive(Debug, Clone)]
pub struct TemplateRefCall<'v> {
    /// The `templateRef` JSON (`{name, template, clusterScope}`).
    pub reference: &'v Value,
    /// Where the `templateRef` field is.
    pub path: FieldPath,
}

/// What [`walk_spec`] and [`walk_template`] found.
#[derive(Debug, Clone, Default)]
pub struct SpecSites<'v> {
    /// Every template, in document order (a template before its inline templates).
    pub templates: Vec<TemplateSite<'v>>,
    /// Every artifact and archiveLocation, in document order.
    pub locations: Vec<LocationSite<'v>>,
    /// Every `templateRef`.
    pub template_refs: Vec<TemplateRefCall<'v>>,
    /// The templates run as exit handlers of steps and tasks (`onExit`, or `hooks.exit`
    /// without arguments of its own): Argo gives them the workflow's `spec.arguments`.
    pub exit_hooks: Vec<Callee<'v>>,
}

/// Template types that run a pod.
const POD_TEMPLATE_TYPES: [&str; 5] = ["container", "script", "containerSet", "resource", "data"];

/// Whether the template runs a pod that can upload artifacts and logs.
pub fn runs_pod(template: &Value) -> bool {
    POD_TEMPLATE_TYPES
        .iter()
        .any(|f| template.get(f).is_some_and(|v| !v.is_null()))
}

fn items<'v>(value: &'v Value, pointer: &str) -> &'v [Value] {
    value
        .at(pointer)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Walk a whole workflow spec (`spec`, or a CronWorkflow's `spec.workflowSpec`) at `spec_path`.
pub fn walk_spec<'v>(spec: &'v Value, spec_path: &FieldPath) -> SpecSites<'v> {
    let mut sites = SpecSites::default();
    let arguments = spec_path.key("arguments").key("artifacts");
    for (i, artifact) in items(spec, "/arguments/artifacts").iter().enumerate() {
        sites.locations.push(LocationSite {
            value: artifact,
            path: arguments.index(i),
            role: Role::SpecArgument,
            template: None,
            callee: None,
        });
    }
    for (i, template) in items(spec, "/templates").iter().enumerate() {
        walk_template(template, &spec_path.key("templates").index(i), &mut sites);
    }
    sites
}

/// Walk one template at `path` (with its inline templates) into `sites`.
pub fn walk_template<'v>(template: &'v Value, path: &FieldPath, sites: &mut SpecSites<'v>) {
    walk_template_as(template, path, false, sites);
}

fn walk_template_as<'v>(
    template: &'v Value,
    path: &FieldPath,
    inline: bool,
    sites: &mut SpecSites<'v>,
) {
    if !template.is_object() {
        return;
    }
    let index = sites.templates.len();
    sites.templates.push(TemplateSite {
        value: template,
        path: path.clone(),
        name: template.get("name").and_then(Value::as_str).unwrap_or(""),
        runs_pod: runs_pod(template),
        calls: Vec::new(),
        inline,
    });
    if let Some(location) = template.get("archiveLocation").filter(|v| v.is_object()) {
        sites.locations.push(LocationSite {
            value: location,
            path: path.key("archiveLocation"),
            role: Role::ArchiveLocation,
            template: Some(index),
            callee: None,
        });
    }
    for (role, pointer, field) in [
        (Role::Input, "/inputs/artifacts", "inputs"),
        (Role::Output, "/outputs/artifacts", "outputs"),
    ] {
        let artifacts = items(template, pointer);
        if artifacts.is_empty() {
            continue;
        }
        let base = path.key(field).key("artifacts");
        for (i, artifact) in artifacts.iter().enumerate() {
            sites.locations.push(LocationSite {
                value: artifact,
                path: base.index(i),
                role,
                template: Some(index),
                callee: None,
            });
        }
    }
    if let Some(source) = template
        .at("/data/source/artifactPaths")
        .filter(|v| v.is_object())
    {
        sites.locations.push(LocationSite {
            value: source,
            path: path.key("data").key("source").key("artifactPaths"),
            role: Role::Input,
            template: Some(index),
            callee: None,
        });
    }
    let mut calls = Vec::new();
    let groups = items(template, "/steps");
    if !groups.is_empty() {
        let steps_path = path.key("steps");
        for (g, group) in groups.iter().enumerate() {
            let group_path = steps_path.index(g);
            let steps = group.as_array().map_or(&[][..], Vec::as_slice);
            for (s, step) in steps.iter().enumerate() {
                walk_call(step, &group_path.index(s), index, &mut calls, sites);
            }
        }
    }
    let tasks = items(template, "/dag/tasks");
    if !tasks.is_empty() {
        let tasks_path = path.key("dag").key("tasks");
        for (t, task) in tasks.iter().enumerate() {
            walk_call(task, &tasks_path.index(t), index, &mut calls, sites);
        }
    }
    if let Some(site) = sites.templates.get_mut(index) {
        site.calls = calls;
    }
}

/// A step or task: its argument artifacts, what it calls, its inline template.
fn walk_call<'v>(
    step: &'v Value,
    path: &FieldPath,
    holder: usize,
    calls: &mut Vec<&'v str>,
    sites: &mut SpecSites<'v>,
) {
    // An inline template is walked below, so it will be the next template.
    let inline = step.get("inline").filter(|v| v.is_object());
    let callee = match step.get("template").and_then(Value::as_str) {
        Some(name) => plain_callee(name),
        None if inline.is_some() => Callee::Inline(sites.templates.len()),
        None => Callee::Other,
    };
    let arguments = items(step, "/arguments/artifacts");
    if !arguments.is_empty() {
        let base = path.key("arguments").key("artifacts");
        for (i, artifact) in arguments.iter().enumerate() {
            sites.locations.push(LocationSite {
                value: artifact,
                path: base.index(i),
                role: Role::StepArgument,
                template: Some(holder),
                callee: Some(callee),
            });
        }
    }
    // Argo ignores an empty `onExit` and then looks at `hooks.exit`.
    if let Some(name) = step
        .get("onExit")
        .and_then(Value::as_str)
        .filter(|name| !name.is_empty())
    {
        sites.exit_hooks.push(plain_callee(name));
    } else if let Some(hook) = step.at("/hooks/exit") {
        sites
            .exit_hooks
            .extend(exit_hook_with_workflow_arguments(hook));
    }
    if let Some(name) = step.get("template").and_then(Value::as_str) {
        calls.push(name);
    }
    if let Some(reference) = step.get("templateRef").filter(|v| v.is_object()) {
        sites.template_refs.push(TemplateRefCall {
            reference,
            path: path.key("templateRef"),
        });
    }
    if let Some(inline) = inline {
        walk_template_as(inline, &path.key("inline"), true, sites);
    }
}

/// A template called by name: [`Callee::Other`] when the name is templated.
fn plain_callee(name: &str) -> Callee<'_> {
    if name.is_empty() || name.contains("{{") {
        Callee::Other
    } else {
        Callee::Template(name)
    }
}

/// The template an exit hook (`hooks.exit` of a step, task or spec) runs, if Argo gives it the
/// workflow's `spec.arguments`: only when the hook has no arguments of its own.
pub fn exit_hook_with_workflow_arguments(hook: &Value) -> Option<Callee<'_>> {
    let own_arguments = ["/arguments/parameters", "/arguments/artifacts"]
        .iter()
        .any(|p| !items(hook, p).is_empty());
    if own_arguments || !hook.is_object() {
        return None;
    }
    Some(match hook.get("template").and_then(Value::as_str) {
        Some(name) => plain_callee(name),
        None => Callee::Other,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn finds_every_artifact_with_its_role_and_template() {
        let spec = json!({
            "arguments": {"artifacts": [{"name": "a"}]},
            "templates": [
                {"name": "main", "steps": [[
                    {"name": "s", "template": "pod",
                     "arguments": {"artifacts": [{"name": "i", "from": "x"}]}},
                    {"name": "r", "templateRef": {"name": "wt", "template": "t"}},
                    {"name": "in", "inline": {"container": {"image": "a"},
                        "outputs": {"artifacts": [{"name": "o2", "path": "/o"}]}}}
                ]]},
                {"name": "pod", "container": {"image": "a"},
                 "archiveLocation": {"archiveLogs": true},
                 "inputs": {"artifacts": [{"name": "i", "path": "/i"}]},
                 "outputs": {"artifacts": [{"name": "o", "path": "/o"}]}}
            ]
        });
        let sites = walk_spec(&spec, &FieldPath::parse("spec"));
        let found: Vec<(Role, String, Option<usize>)> = sites
            .locations
            .iter()
            .map(|l| (l.role, l.path.to_string(), l.template))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    Role::SpecArgument,
                    "spec.arguments.artifacts[0]".into(),
                    None
                ),
                (
                    Role::StepArgument,
                    "spec.templates[0].steps[0][0].arguments.artifacts[0]".into(),
                    Some(0)
                ),
                (
                    Role::Output,
                    "spec.templates[0].steps[0][2].inline.outputs.artifacts[0]".into(),
                    Some(1)
                ),
                (
                    Role::ArchiveLocation,
                    "spec.templates[1].archiveLocation".into(),
                    Some(2)
                ),
                (
                    Role::Input,
                    "spec.templates[1].inputs.artifacts[0]".into(),
                    Some(2)
                ),
                (
                    Role::Output,
                    "spec.templates[1].outputs.artifacts[0]".into(),
                    Some(2)
                ),
            ]
        );
        assert_eq!(sites.templates[0].calls, vec!["pod"]);
        assert!(!sites.templates[0].runs_pod);
        assert!(sites.templates[1].runs_pod && sites.templates[2].runs_pod);
        assert_eq!(
            sites.template_refs[0].path.to_string(),
            "spec.templates[0].steps[0][1].templateRef"
        );
    }

    #[test]
    fn tolerates_malformed_specs() {
        for spec in [
            json!(null),
            json!({"templates": "x"}),
            json!({"templates": [1, {"steps": "x"}, {"dag": {"tasks": [null]}}]}),
        ] {
            let sites = walk_spec(&spec, &FieldPath::root());
            assert!(sites.locations.is_empty());
        }
    }
}
