//! Argo's `validateLeaf` (every template that is not steps or DAG, suspend included): mount
//! paths (L1, L2), images (L3, L4), containerSet structure (L5-L7), sidecar names (L8),
//! resource templates (L9-L13), activeDeadlineSeconds (T20) and parallelism (T21). The
//! variable check Argo runs first (V1) is the walker's.

use std::{
    borrow::Cow,
    collections::{BTreeMap, HashMap, HashSet},
    sync::LazyLock,
};

use k8s_openapi::api::core::v1::VolumeMount;
use regex::Regex;

use super::{
    PLACEHOLDER_PREFIX, go, is_placeholder_like, names::NameRule, workflow::report_name_list,
};
use crate::{
    diagnostic::Diagnostic,
    model::{ContainerSetTemplate, IntOrString, ResourceTemplate, Template, WorkflowSpec},
    path::FieldPath,
    rules::argo_checks::{
        ACTIVE_DEADLINE_INVALID, CONTAINER_SET_INVALID, IMAGE_MISSING, MOUNT_PATH_CONFLICT,
        PARALLELISM_INVALID, RESERVED_CONTAINER_NAME, RESOURCE_TEMPLATE_INVALID,
    },
    source::{self, Limits},
};

/// Whether the object a template comes from gives container and script templates a default
/// image (`templateDefaults`). Argo honours it for Workflows and WorkflowTemplates only, never
/// for templates reached through a ClusterWorkflowTemplate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ImageDefaults {
    /// `templateDefaults.container.image` is set.
    pub(crate) container: bool,
    /// `templateDefaults.script.image` is set.
    pub(crate) script: bool,
}

impl ImageDefaults {
    /// No default image (templates of a ClusterWorkflowTemplate).
    pub(crate) const NONE: ImageDefaults = ImageDefaults {
        container: false,
        script: false,
    };

    /// The defaults of a Workflow's or WorkflowTemplate's spec.
    pub(crate) fn of(spec: &WorkflowSpec) -> Self {
        let defaults = spec.template_defaults.as_deref();
        let image_set = |image: Option<&String>| image.is_some_and(|i| !i.is_empty());
        ImageDefaults {
            container: defaults
                .and_then(|d| d.container.as_ref())
                .is_some_and(|c| image_set(c.image.as_ref())),
            script: defaults
                .and_then(|d| d.script.as_ref())
                .is_some_and(|s| image_set(s.container.image.as_ref())),
        }
    }
}

/// L1-L13, T20, T21 (`validateLeaf`). `at` is the path of the template; `images` the
/// `templateDefaults` of the object it comes from.
pub(crate) fn check_leaf(
    template: &Template,
    at: &FieldPath,
    images: ImageDefaults,
    out: &mut Vec<Diagnostic>,
) {
    let name = template.name.as_str();
    if let Some(container) = &template.container {
        check_container_mounts(
            template,
            container.volume_mounts.as_deref().unwrap_or_default(),
            at,
            out,
        );
        if container.image.as_deref().unwrap_or_default().is_empty() && !images.container {
            out.push(missing_image(name, "container", at));
        }
    }
    if let Some(set) = &template.container_set {
        check_container_set(template, set, &at.key("containerSet"), out);
    }
    for (index, sidecar) in template.sidecars.iter().enumerate() {
        let sidecar_name = sidecar.container.name.as_str();
        if is_argo_container_name(sidecar_name) {
            out.push(reserved_name(
                name,
                "sidecars",
                sidecar_name,
                at.key("sidecars").index(index).key("name"),
            ));
        }
    }
    if let Some(resource) = &template.resource {
        check_resource(template, resource, &at.key("resource"), out);
    }
    if let Some(script) = &template.script
        && script
            .container
            .image
            .as_deref()
            .unwrap_or_default()
            .is_empty()
        && !images.script
    {
        out.push(missing_image(name, "script", at));
    }
    if let Some(deadline) = &template.active_deadline_seconds
        && !is_valid_deadline(deadline)
    {
        let shown = match deadline {
            IntOrString::Int(i) => i.to_string(),
            IntOrString::String(s) => s.clone(),
        };
        out.push(
            Diagnostic::new(
                &ACTIVE_DEADLINE_INVALID,
                at.key("activeDeadlineSeconds"),
                format!("activeDeadlineSeconds `{shown}` of template `{name}` is not a non-negative number of seconds or a `{{{{...}}}}` variable"),
            )
            .argo(format!(
                "templates.{name}.activeDeadlineSeconds must be a positive integer > 0 or an argo variable"
            ))
            .help("give a whole number of seconds, e.g. `600`"),
        );
    }
    if template.parallelism.is_some() {
        out.push(
            Diagnostic::new(
                &PARALLELISM_INVALID,
                at.key("parallelism"),
                format!(
                    "template `{name}` is a {} template, which has no children to run in parallel",
                    template.template_type().as_str()
                ),
            )
            .on_key()
            .argo(format!(
                "templates.{name}.parallelism is only valid for steps and dag templates"
            ))
            .help("move `parallelism` to the steps or dag template that calls this one"),
        );
    }
}

fn missing_image(template: &str, body: &'static str, at: &FieldPath) -> Diagnostic {
    Diagnostic::new(
        &IMAGE_MISSING,
        at.key(body).key("image"),
        format!("{body} template `{template}` has no image"),
    )
    .argo(format!(
        "templates.{template}.{body}.image may not be empty"
    ))
    .help(format!(
        "set `{body}.image`, or `templateDefaults.{body}.image` on the workflow spec"
    ))
}

/// T20: an integer, an integer string, or a `{{...}}` variable; never negative.
fn is_valid_deadline(deadline: &IntOrString) -> bool {
    match deadline {
        IntOrString::Int(value) => *value >= 0,
        IntOrString::String(text) => match go::atoi(text) {
            Ok(value) => value >= 0,
            Err(_) => {
                (text.starts_with("{{") && text.ends_with("}}"))
                    || text.starts_with(PLACEHOLDER_PREFIX)
            }
        },
    }
}

/// L1, L2: duplicate volume mount paths of a container, and input artifacts placed at a mount
/// path or at another input artifact's path.
fn check_container_mounts(
    template: &Template,
    mounts: &[VolumeMount],
    at: &FieldPath,
    out: &mut Vec<Diagnostic>,
) {
    let name = template.name.as_str();
    let mut taken: HashMap<&str, (String, FieldPath)> = HashMap::new();
    for (index, mount) in mounts.iter().enumerate() {
        let here = at
            .key("container")
            .key("volumeMounts")
            .index(index)
            .key("mountPath");
        let path = mount.mount_path.as_str();
        match taken.get(path) {
            Some((previous, previous_at)) => out.push(
                Diagnostic::new(
                    &MOUNT_PATH_CONFLICT,
                    here,
                    format!("`{path}` is mounted twice in template `{name}`"),
                )
                .related(previous_at.clone(), "first mounted here")
                .argo(format!(
                    "templates.{name}.container.volumeMounts[{index}].mountPath '{path}' already mounted in {previous}"
                ))
                .help("mount each volume at its own path (use `subPath` to mount parts of one volume)"),
            ),
            None => {
                taken.insert(path, (format!("container.volumeMounts.{}", mount.name), here));
            }
        }
    }
    for (index, artifact) in template.inputs.artifacts.iter().enumerate() {
        let path = artifact.path.as_str();
        if path.is_empty() {
            continue;
        }
        let here = at.key("inputs").key("artifacts").index(index).key("path");
        match taken.get(path) {
            Some((previous, previous_at)) => out.push(
                Diagnostic::new(
                    &MOUNT_PATH_CONFLICT,
                    here,
                    format!(
                        "input artifact `{}` of template `{name}` is placed at `{path}`, which is already taken",
                        artifact.name
                    ),
                )
                .related(previous_at.clone(), "already used here")
                .argo(format!(
                    "templates.{name}.inputs.artifacts[{index}].path '{path}' already mounted in {previous}"
                ))
                .help("place the artifact at a path of its own, e.g. a file or folder inside the volume"),
            ),
            None => {
                taken.insert(path, (format!("inputs.artifacts.{}", artifact.name), here));
            }
        }
    }
}

/// Argo's `common.IsArgoSidecar`: the names of the containers Argo adds to pods.
fn is_argo_container_name(name: &str) -> bool {
    name == "wait" || name == "supervisor" || name.starts_with("artifact-plugin-")
}

fn reserved_name(template: &str, list: &str, container: &str, path: FieldPath) -> Diagnostic {
    Diagnostic::new(
        &RESERVED_CONTAINER_NAME,
        path,
        format!("container name `{container}` in template `{template}` is reserved for Argo's own containers"),
    )
    .argo(format!(
        "templates.{template}.{list}: {} is a reserved Argo container name",
        go::quote(container)
    ))
    .help("rename the container (`wait`, `supervisor` and `artifact-plugin-*` are Argo's)")
}

/// L5-L7 (`ContainerSetTemplate.Validate` and the checks after it). `here` is the path of
/// `containerSet`.
fn check_container_set(
    template: &Template,
    set: &ContainerSetTemplate,
    here: &FieldPath,
    out: &mut Vec<Diagnostic>,
) {
    let name = template.name.as_str();
    let prefix = format!("templates.{name}.containerSet.");
    let containers_at = here.key("containers");
    if set.containers.is_empty() {
        out.push(
            Diagnostic::new(
                &CONTAINER_SET_INVALID,
                containers_at,
                format!("containerSet of template `{name}` has no containers"),
            )
            .on_key()
            .argo(format!(
                "{prefix}containers must have at least one container"
            ))
            .help("add at least one container"),
        );
        return;
    }
    report_name_list(
        set.containers.iter().map(|c| c.container.name.as_str()),
        NameRule::WorkflowField,
        &format_args!("{prefix}containers"),
        "container",
        |i| containers_at.index(i),
        out,
    );
    let mut mounts: HashMap<&str, (String, FieldPath)> = HashMap::new();
    for (index, mount) in set.volume_mounts.iter().enumerate() {
        let at = here.key("volumeMounts").index(index).key("mountPath");
        let path = mount.mount_path.as_str();
        match mounts.get(path) {
            Some((previous, previous_at)) => out.push(
                Diagnostic::new(
                    &MOUNT_PATH_CONFLICT,
                    at,
                    format!("`{path}` is mounted twice in the containerSet of template `{name}`"),
                )
                .related(previous_at.clone(), "first mounted here")
                .argo(format!(
                    "{prefix}volumeMounts[{index}].mountPath '{path}' already mounted in {previous}"
                ))
                .help("mount each volume at its own path"),
            ),
            None => {
                mounts.insert(path, (format!("volumeMounts.{}", mount.name), at));
            }
        }
    }
    let names: Vec<&str> = set
        .containers
        .iter()
        .map(|c| c.container.name.as_str())
        .collect();
    for (index, node) in set.containers.iter().enumerate() {
        for (dep_index, dependency) in node.dependencies.iter().enumerate() {
            if !names.contains(&dependency.as_str()) {
                out.push(
                    Diagnostic::new(
                        &CONTAINER_SET_INVALID,
                        containers_at.index(index).key("dependencies").index(dep_index),
                        format!(
                            "container `{}` depends on `{dependency}`, which is not a container of this set",
                            node.container.name
                        ),
                    )
                    .argo(format!(
                        "{prefix}containers.{} dependency '{dependency}' not defined",
                        node.container.name
                    ))
                    .help("name a container of the same containerSet"),
                );
            }
        }
    }
    if let Some((path, closing)) = first_dependency_cycle(set) {
        let at = names.iter().position(|n| *n == closing).map_or_else(
            || containers_at.clone(),
            |i| containers_at.index(i).key("dependencies"),
        );
        out.push(
            Diagnostic::new(
                &CONTAINER_SET_INVALID,
                at,
                format!("containers of template `{name}` depend on each other in a cycle: {path}->{closing}"),
            )
            .argo(format!(
                "{prefix}containers dependency cycle detected: {path}->{closing}"
            ))
            .help("remove one of the dependencies so the containers can run in order"),
        );
    }
    let has_io = !template.inputs.artifacts.is_empty()
        || !template.outputs.parameters.is_empty()
        || !template.outputs.artifacts.is_empty();
    if has_io && !names.contains(&"main") {
        out.push(
            Diagnostic::new(
                &CONTAINER_SET_INVALID,
                containers_at.clone(),
                format!("containerSet of template `{name}` has inputs or outputs but no container named `main`"),
            )
            .on_key()
            .argo(format!(
                "{prefix}containers must have a container named \"main\" for input or output"
            ))
            .help("name the container that reads the inputs and writes the outputs `main`"),
        );
    }
    for (index, node) in set.containers.iter().enumerate() {
        let container_name = node.container.name.as_str();
        if is_argo_container_name(container_name) {
            out.push(reserved_name(
                name,
                "containerSet.containers",
                container_name,
                containers_at.index(index).key("name"),
            ));
        }
    }
}

/// Argo's `validateNoCycles` over the containers' dependencies: names visited in sorted order,
/// depth first; the first cycle as (`a->b`, `a`), Argo's `%s->%s` operands. Iterative, so a
/// long dependency chain cannot exhaust the stack.
fn first_dependency_cycle(set: &ContainerSetTemplate) -> Option<(String, String)> {
    let mut graph: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for node in &set.containers {
        graph
            .entry(node.container.name.as_str())
            .or_default()
            .extend(node.dependencies.iter().map(String::as_str));
    }
    let no_dependencies: &[&str] = &[];
    let mut visited: HashSet<&str> = HashSet::new();
    for start in graph.keys().copied() {
        let mut chain: Vec<&str> = Vec::new();
        let mut frames: Vec<(&str, usize)> = vec![(start, 0)];
        while let Some((node, next)) = frames.last_mut() {
            let dependencies = graph.get(*node).map_or(no_dependencies, Vec::as_slice);
            match dependencies.get(*next).copied() {
                Some(dependency) => {
                    *next += 1;
                    if chain.contains(&dependency) {
                        return Some((chain.join("->"), dependency.to_string()));
                    }
                    if !visited.contains(dependency) && graph.contains_key(dependency) {
                        chain.push(dependency);
                        frames.push((dependency, 0));
                    }
                }
                None => {
                    visited.insert(*node);
                    frames.pop();
                    if !frames.is_empty() {
                        chain.pop();
                    }
                }
            }
        }
    }
    None
}

const RESOURCE_ACTIONS: [&str; 6] = ["get", "create", "apply", "delete", "replace", "patch"];

/// L9-L13: action, manifest or manifestFrom, and manifest YAML. `here` is the path of
/// `resource`.
fn check_resource(
    template: &Template,
    resource: &ResourceTemplate,
    here: &FieldPath,
    out: &mut Vec<Diagnostic>,
) {
    let name = template.name.as_str();
    let action = resource.action.as_str();
    if !is_placeholder_like(action) && !RESOURCE_ACTIONS.contains(&action) {
        let plain = if action.is_empty() {
            format!("resource template `{name}` has no action")
        } else {
            format!(
                "resource action `{action}` of template `{name}` is not one of {}",
                RESOURCE_ACTIONS.join(", ")
            )
        };
        let mut diagnostic = Diagnostic::new(&RESOURCE_TEMPLATE_INVALID, here.key("action"), plain)
            .argo(format!(
                "templates.{name}.resource.action must be one of: get, create, apply, delete, replace, patch"
            ))
            .help("use get, create, apply, delete, replace or patch");
        if let Some(fixed) = RESOURCE_ACTIONS
            .iter()
            .find(|a| a.eq_ignore_ascii_case(action) && !action.is_empty())
        {
            diagnostic = diagnostic.fix(super::workflow::replace_value(here.key("action"), fixed));
        }
        out.push(diagnostic);
    }
    if action == "delete" || action == "get" {
        return;
    }
    let manifest = resource.manifest.as_str();
    if manifest.is_empty() && resource.manifest_from.is_none() {
        out.push(
            Diagnostic::new(
                &RESOURCE_TEMPLATE_INVALID,
                here.clone(),
                format!("resource template `{name}` has neither `manifest` nor `manifestFrom`"),
            )
            .on_key()
            .argo(format!(
                "either templates.{name}.resource.manifest or templates.{name}.resource.manifestFrom must be specified"
            ))
            .help("give the object to act on in `manifest`, or read it from an input artifact with `manifestFrom`"),
        );
    }
    if !manifest.is_empty() && resource.manifest_from.is_some() {
        out.push(
            Diagnostic::new(
                &RESOURCE_TEMPLATE_INVALID,
                here.key("manifestFrom"),
                format!("resource template `{name}` has both `manifest` and `manifestFrom`"),
            )
            .on_key()
            .argo("shouldn't have both `manifest` and `manifestFrom` specified in `Manifest` for resource template")
            .help("keep only one of `manifest` and `manifestFrom`"),
        );
    }
    if let Some(artifact) = resource
        .manifest_from
        .as_ref()
        .and_then(|m| m.artifact.as_ref())
        && !template
            .inputs
            .artifacts
            .iter()
            .any(|input| input.name == artifact.name)
    {
        out.push(
            Diagnostic::new(
                &RESOURCE_TEMPLATE_INVALID,
                here.key("manifestFrom").key("artifact").key("name"),
                format!(
                    "`manifestFrom` names artifact `{}`, which is not an input artifact of template `{name}`",
                    artifact.name
                ),
            )
            .argo(format!(
                "artifact {} in `manifestFrom` refer to a non-exist artifact",
                artifact.name
            ))
            .help("name one of the template's `inputs.artifacts`"),
        );
    }
    if !manifest.is_empty()
        && !is_placeholder_like(manifest)
        && let Some(reason) = manifest_yaml_error(manifest)
    {
        out.push(
            Diagnostic::new(
                &RESOURCE_TEMPLATE_INVALID,
                here.key("manifest"),
                format!("the manifest of resource template `{name}` is not valid YAML: {reason}"),
            )
            .argo(format!(
                "templates.{name}.resource.manifest must be a valid yaml"
            ))
            .help("fix the manifest's YAML (indentation, quoting); quote `{{...}}` values that may contain `:` or start with `{`"),
        );
    }
}

/// Argo's `resourceManifestExpressionPattern`: a `{{=...}}` expression on one line.
static EXPRESSION: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\{\{\s*=\s*(.+?)\s*\}\}").ok());

/// A simple `{{...}}` tag that argument processing replaces (arguments, globals, `pod.name`,
/// retries) or that fails the variable check first: any tag under one of the prefixes Argo
/// checks. Other tags (`{{item}}`, custom ones) stay in the manifest as written, as in Argo.
static SUBSTITUTED_TAG: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"\{\{\s*(?:item\.|steps\.|inputs\.|outputs\.|pod\.|workflow\.|tasks\.|retries|lastRetry\.)[^{}\n]*\}\}",
    )
    .ok()
});

/// Why the manifest is not YAML once tags are replaced by placeholders as Argo replaces them
/// (arguments and globals by `ProcessArgs`, expressions by
/// `SubstituteResourceManifestExpressions`).
fn manifest_yaml_error(manifest: &str) -> Option<String> {
    let mut text: Cow<'_, str> = Cow::Borrowed(manifest);
    for pattern in [&*SUBSTITUTED_TAG, &*EXPRESSION].into_iter().flatten() {
        if pattern.is_match(&text) {
            text = Cow::Owned(
                pattern
                    .replace_all(&text, "__argo__internal__placeholder-0")
                    .into_owned(),
            );
        }
    }
    let parsed = source::parse("manifest.yaml", text.as_bytes(), &Limits::default());
    parsed
        .problems
        .iter()
        .find(|p| matches!(p.rule.code, "yaml-syntax" | "input-limit"))
        .map(|p| {
            let line = parsed.source.lines.line_of(p.span.start) + 1;
            format!("{} (line {line} of the manifest)", p.message)
        })
}
