//! Artifact locations as Argo reads them: which driver block counts, what a *full* location is,
//! what the key is, and which artifacts of a workflow spec need an artifact repository.
//!
//! Works on the raw JSON of an object (argo-semantics.md §4.6, §5.1) so that it does not depend
//! on the typed model; every function takes the JSON of one artifact, location or spec.

use serde_json::Value;

use crate::path::FieldPath;

/// A storage driver block of an artifact location (`s3:`, `gcs:`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Driver {
    /// `artifactory`
    Artifactory,
    /// `azure`
    Azure,
    /// `git`
    Git,
    /// `gcs`
    Gcs,
    /// `hdfs`
    Hdfs,
    /// `http`
    Http,
    /// `oss`
    Oss,
    /// `raw`
    Raw,
    /// `s3`
    S3,
    /// `plugin`
    Plugin,
}

impl Driver {
    /// Argo's order when an artifact has several driver blocks: the first present wins.
    pub const ARTIFACT_ORDER: [Driver; 10] = [
        Driver::Artifactory,
        Driver::Azure,
        Driver::Git,
        Driver::Gcs,
        Driver::Hdfs,
        Driver::Http,
        Driver::Oss,
        Driver::Raw,
        Driver::S3,
        Driver::Plugin,
    ];

    /// The drivers an `ArtifactRepository` may use, in Argo's precedence order.
    pub const REPOSITORY_ORDER: [Driver; 7] = [
        Driver::Artifactory,
        Driver::Azure,
        Driver::Gcs,
        Driver::Hdfs,
        Driver::Oss,
        Driver::Plugin,
        Driver::S3,
    ];

    /// The field name of the driver block.
    pub fn field(self) -> &'static str {
        match self {
            Driver::Artifactory => "artifactory",
            Driver::Azure => "azure",
            Driver::Git => "git",
            Driver::Gcs => "gcs",
            Driver::Hdfs => "hdfs",
            Driver::Http => "http",
            Driver::Oss => "oss",
            Driver::Raw => "raw",
            Driver::S3 => "s3",
            Driver::Plugin => "plugin",
        }
    }
}

/// A present (non-null) field.
fn present<'v>(value: &'v Value, field: &str) -> Option<&'v Value> {
    value.get(field).filter(|v| !v.is_null())
}

/// A non-empty string field (Go's `!= ""`; templated values count as set).
fn text<'v>(value: &'v Value, field: &str) -> Option<&'v str> {
    value
        .get(field)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// The driver block that counts for an artifact or location, with its value.
pub fn driver_of(location: &Value) -> Option<(Driver, &Value)> {
    Driver::ARTIFACT_ORDER
        .iter()
        .find_map(|&driver| present(location, driver.field()).map(|block| (driver, block)))
}

/// The driver block of an `ArtifactRepository` value, with its value.
pub fn repository_driver(repository: &Value) -> Option<(Driver, &Value)> {
    Driver::REPOSITORY_ORDER
        .iter()
        .find_map(|&driver| present(repository, driver.field()).map(|block| (driver, block)))
}

/// Whether the artifact or location has a *full* location (`ArtifactLocation.HasLocation`):
/// it is used as written and nothing is taken from the repository.
pub fn has_full_location(location: &Value) -> bool {
    let Some((driver, block)) = driver_of(location) else {
        return false;
    };
    match driver {
        Driver::S3 => ["endpoint", "bucket", "key"]
            .iter()
            .all(|f| text(block, f).is_some()),
        Driver::Gcs => ["bucket", "key"].iter().all(|f| text(block, f).is_some()),
        Driver::Azure => ["endpoint", "container", "blob"]
            .iter()
            .all(|f| text(block, f).is_some()),
        Driver::Oss => ["endpoint", "bucket", "key"]
            .iter()
            .all(|f| text(block, f).is_some()),
        Driver::Artifactory => {
            text(block, "url").is_some() && present(block, "usernameSecret").is_some()
        }
        Driver::Hdfs => block
            .get("addresses")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty()),
        Driver::Http => text(block, "url").is_some(),
        Driver::Git => text(block, "repo").is_some(),
        Driver::Raw => true,
        Driver::Plugin => ["name", "configuration", "key"]
            .iter()
            .all(|f| text(block, f).is_some()),
    }
}

/// The path part of a URL as Go's `url.Parse(...).Path` gives it for ordinary URLs.
fn url_path(url: &str) -> &str {
    let without_fragment = url.split(['?', '#']).next().unwrap_or("");
    match without_fragment.find("://") {
        Some(scheme_end) => {
            let after = &without_fragment[scheme_end + 3..];
            after.find('/').map_or("", |slash| &after[slash..])
        }
        None => without_fragment,
    }
}

/// The artifact's key (`ArtifactLocation.GetKey`), if it has a non-empty one. Git and raw
/// artifacts have none.
pub fn key_of(location: &Value) -> Option<&str> {
    let (driver, block) = driver_of(location)?;
    let key = match driver {
        Driver::S3 | Driver::Gcs | Driver::Oss | Driver::Plugin => text(block, "key"),
        Driver::Azure => text(block, "blob"),
        Driver::Hdfs => text(block, "path"),
        Driver::Artifactory | Driver::Http => text(block, "url").map(url_path),
        Driver::Git | Driver::Raw => None,
    };
    key.filter(|k| !k.is_empty())
}

/// A key but no full location: Argo completes it from the repository (or the template's
/// `archiveLocation`) at run time.
pub fn is_key_only(location: &Value) -> bool {
    !has_full_location(location) && key_of(location).is_some()
}

/// Neither a full location nor a key (e.g. `- name: a` with only a `path`, or `http: {}`).
pub fn is_location_less(location: &Value) -> bool {
    !has_full_location(location) && key_of(location).is_none()
}

/// Why a workflow spec needs an artifact repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NeedReason {
    /// An output artifact of a pod template without a full location (uploaded to the
    /// repository).
    OutputWithoutLocation,
    /// A key-only input or argument artifact (read from the repository).
    KeyOnlyInput,
    /// Logs are archived and the template has no full `archiveLocation`.
    ArchivedLogs,
}

/// One place in a spec that needs an artifact repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepositoryNeed {
    /// Why.
    pub reason: NeedReason,
    /// Where (relative to the root of the object when `spec_path` was the spec's path).
    pub path: FieldPath,
}

impl RepositoryNeed {
    /// A short description for help texts and admission warnings.
    pub fn describe(&self) -> String {
        match self.reason {
            NeedReason::OutputWithoutLocation => {
                format!(
                    "{} is an output artifact without a full location",
                    self.path
                )
            }
            NeedReason::KeyOnlyInput => format!("{} is a key-only artifact", self.path),
            NeedReason::ArchivedLogs => format!("{} archives its logs", self.path),
        }
    }
}

/// Whether the template runs a pod that can upload artifacts and logs.
fn runs_pod(template: &Value) -> bool {
    ["container", "script", "containerSet", "resource", "data"]
        .iter()
        .any(|f| present(template, f).is_some())
}

fn array<'v>(value: &'v Value, pointer: &str) -> &'v [Value] {
    value
        .pointer(pointer)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn key_only_artifacts(artifacts: &[Value], path: &FieldPath, needs: &mut Vec<RepositoryNeed>) {
    for (i, artifact) in artifacts.iter().enumerate() {
        if is_key_only(artifact) {
            needs.push(RepositoryNeed {
                reason: NeedReason::KeyOnlyInput,
                path: path.index(i),
            });
        }
    }
}

fn template_needs(
    template: &Value,
    path: &FieldPath,
    spec_archive_logs: Option<bool>,
    needs: &mut Vec<RepositoryNeed>,
) {
    let archive_location = present(template, "archiveLocation");
    // A full archiveLocation takes the repository's place for everything in this template.
    if archive_location.is_some_and(has_full_location) {
        return;
    }
    key_only_artifacts(
        array(template, "/inputs/artifacts"),
        &path.key("inputs").key("artifacts"),
        needs,
    );
    if runs_pod(template) {
        for (i, artifact) in array(template, "/outputs/artifacts").iter().enumerate() {
            if !has_full_location(artifact) {
                needs.push(RepositoryNeed {
                    reason: NeedReason::OutputWithoutLocation,
                    path: path.key("outputs").key("artifacts").index(i),
                });
            }
        }
        let template_archive_logs = archive_location
            .and_then(|l| l.get("archiveLogs"))
            .and_then(Value::as_bool);
        if template_archive_logs.or(spec_archive_logs) == Some(true) {
            needs.push(RepositoryNeed {
                reason: NeedReason::ArchivedLogs,
                path: if template_archive_logs.is_some() {
                    path.key("archiveLocation").key("archiveLogs")
                } else {
                    path.clone()
                },
            });
        }
    }
    for (g, group) in array(template, "/steps").iter().enumerate() {
        let steps = group.as_array().map_or(&[][..], Vec::as_slice);
        for (s, step) in steps.iter().enumerate() {
            let step_path = path.key("steps").index(g).index(s);
            step_needs(step, &step_path, spec_archive_logs, needs);
        }
    }
    for (t, task) in array(template, "/dag/tasks").iter().enumerate() {
        let task_path = path.key("dag").key("tasks").index(t);
        step_needs(task, &task_path, spec_archive_logs, needs);
    }
}

fn step_needs(
    step: &Value,
    path: &FieldPath,
    spec_archive_logs: Option<bool>,
    needs: &mut Vec<RepositoryNeed>,
) {
    key_only_artifacts(
        array(step, "/arguments/artifacts"),
        &path.key("arguments").key("artifacts"),
        needs,
    );
    if let Some(inline) = present(step, "inline") {
        template_needs(inline, &path.key("inline"), spec_archive_logs, needs);
    }
}

/// Every place in a workflow spec (`spec`, or a CronWorkflow's `spec.workflowSpec`) that needs
/// an artifact repository: output artifacts of pod templates without a full location, key-only
/// input and argument artifacts, archived logs — except in templates with a full
/// `archiveLocation`. Paths are `spec_path` joined with the path inside the spec.
///
/// Only the spec's own templates are looked at (not those reached through `templateRef` or
/// `workflowTemplateRef`).
pub fn repository_needs(spec: &Value, spec_path: &FieldPath) -> Vec<RepositoryNeed> {
    let mut needs = Vec::new();
    key_only_artifacts(
        array(spec, "/arguments/artifacts"),
        &spec_path.key("arguments").key("artifacts"),
        &mut needs,
    );
    let spec_archive_logs = spec.get("archiveLogs").and_then(Value::as_bool);
    for (i, template) in array(spec, "/templates").iter().enumerate() {
        template_needs(
            template,
            &spec_path.key("templates").index(i),
            spec_archive_logs,
            &mut needs,
        );
    }
    needs
}

/// Whether anything in the spec needs an artifact repository (see [`repository_needs`]).
pub fn needs_repository(spec: &Value) -> bool {
    !repository_needs(spec, &FieldPath::root()).is_empty()
}

/// Whether the spec has output artifacts that artifact GC could collect (outputs of pod
/// templates, or archived logs).
pub fn produces_collectable_artifacts(spec: &Value) -> bool {
    let spec_archive_logs = spec.get("archiveLogs").and_then(Value::as_bool);
    array(spec, "/templates").iter().any(|template| {
        let logs = template
            .pointer("/archiveLocation/archiveLogs")
            .and_then(Value::as_bool)
            .or(spec_archive_logs);
        runs_pod(template)
            && (!array(template, "/outputs/artifacts").is_empty() || logs == Some(true))
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn full_location_per_driver() {
        let full = [
            json!({"s3": {"endpoint": "e", "bucket": "b", "key": "k"}}),
            json!({"gcs": {"bucket": "b", "key": "k"}}),
            json!({"azure": {"endpoint": "e", "container": "c", "blob": "b"}}),
            json!({"oss": {"endpoint": "e", "bucket": "b", "key": "k"}}),
            json!({"artifactory": {"url": "https://a/x", "usernameSecret": {}}}),
            json!({"hdfs": {"addresses": ["a:1"]}}),
            json!({"http": {"url": "https://x/y"}}),
            json!({"git": {"repo": "https://g"}}),
            json!({"raw": {}}),
            json!({"plugin": {"name": "p", "configuration": "c", "key": "k"}}),
        ];
        for location in &full {
            assert!(has_full_location(location), "{location}");
        }
        let partial = [
            json!({"s3": {"bucket": "b", "key": "k"}}),
            json!({"s3": {"endpoint": "", "bucket": "b", "key": "k"}}),
            json!({"gcs": {"key": "k"}}),
            json!({"azure": {"blob": "b"}}),
            json!({"artifactory": {"url": "https://a/x"}}),
            json!({"hdfs": {"path": "/p", "addresses": []}}),
            json!({"http": {}}),
            json!({"plugin": {"name": "p", "key": "k"}}),
            json!({"name": "a", "path": "/tmp/a"}),
            json!({"s3": null}),
        ];
        for location in &partial {
            assert!(!has_full_location(location), "{location}");
        }
    }

    #[test]
    fn keys_and_key_only() {
        assert_eq!(key_of(&json!({"s3": {"key": "a/b"}})), Some("a/b"));
        assert_eq!(key_of(&json!({"azure": {"blob": "x"}})), Some("x"));
        assert_eq!(key_of(&json!({"hdfs": {"path": "/p"}})), Some("/p"));
        assert_eq!(
            key_of(&json!({"artifactory": {"url": "https://h:8/repo/f.tgz?x=1"}})),
            Some("/repo/f.tgz")
        );
        assert_eq!(key_of(&json!({"http": {"url": "https://host"}})), None);
        assert_eq!(key_of(&json!({"git": {"repo": "r"}})), None);
        assert!(is_key_only(&json!({"s3": {"key": "k", "bucket": "b"}})));
        assert!(is_key_only(&json!({"artifactory": {"url": "https://a/x"}})));
        assert!(!is_key_only(&json!({"gcs": {"bucket": "b", "key": "k"}})));
        assert!(is_location_less(&json!({"name": "a", "path": "/a"})));
        assert!(is_location_less(&json!({"http": {}})));
    }

    #[test]
    fn first_driver_in_argo_order_wins() {
        // Artifactory comes before S3: the full s3 block is not the one that counts.
        let both = json!({
            "s3": {"endpoint": "e", "bucket": "b", "key": "k"},
            "artifactory": {"url": "https://a/x"}
        });
        assert_eq!(driver_of(&both).map(|d| d.0), Some(Driver::Artifactory));
        assert!(!has_full_location(&both));
        let repo = json!({"s3": {"bucket": "b"}, "gcs": {"bucket": "g"}});
        assert_eq!(repository_driver(&repo).map(|d| d.0), Some(Driver::Gcs));
        assert_eq!(repository_driver(&json!({"archiveLogs": true})), None);
    }

    fn spec_with(template: Value) -> Value {
        json!({"entrypoint": "main", "templates": [template]})
    }

    #[test]
    fn outputs_without_location_need_a_repository() {
        let spec = spec_with(json!({
            "name": "main",
            "container": {"image": "alpine"},
            "outputs": {"artifacts": [
                {"name": "full", "path": "/a", "gcs": {"bucket": "b", "key": "k"}},
                {"name": "plain", "path": "/b"}
            ]}
        }));
        let needs = repository_needs(&spec, &FieldPath::parse("spec"));
        assert_eq!(
            needs,
            vec![RepositoryNeed {
                reason: NeedReason::OutputWithoutLocation,
                path: FieldPath::parse("spec.templates[0].outputs.artifacts[1]"),
            }]
        );
        assert!(produces_collectable_artifacts(&spec));
    }

    #[test]
    fn steps_outputs_are_references_not_uploads() {
        let spec = spec_with(json!({
            "name": "main",
            "steps": [[{"name": "a", "template": "t"}]],
            "outputs": {"artifacts": [{"name": "o", "from": "{{steps.a.outputs.artifacts.x}}"}]}
        }));
        assert!(!needs_repository(&spec));
        assert!(!produces_collectable_artifacts(&spec));
    }

    #[test]
    fn full_archive_location_covers_its_template() {
        let spec = spec_with(json!({
            "name": "main",
            "container": {"image": "alpine"},
            "archiveLocation": {"archiveLogs": true, "s3": {"endpoint": "e", "bucket": "b", "key": "k"}},
            "inputs": {"artifacts": [{"name": "i", "path": "/i", "s3": {"key": "in"}}]},
            "outputs": {"artifacts": [{"name": "o", "path": "/o"}]}
        }));
        assert!(!needs_repository(&spec));
    }

    #[test]
    fn key_only_inputs_arguments_and_archived_logs() {
        let spec = json!({
            "archiveLogs": true,
            "arguments": {"artifacts": [{"name": "a", "s3": {"key": "x"}}]},
            "templates": [
                {"name": "pod", "container": {"image": "alpine"},
                 "inputs": {"artifacts": [{"name": "i", "path": "/i", "gcs": {"key": "k"}}]}},
                {"name": "quiet", "script": {"image": "alpine", "source": "true"},
                 "archiveLocation": {"archiveLogs": false}},
                {"name": "flow", "dag": {"tasks": [
                    {"name": "t", "template": "pod",
                     "arguments": {"artifacts": [{"name": "i", "oss": {"key": "y"}}]}}
                ]}}
            ]
        });
        let needs = repository_needs(&spec, &FieldPath::parse("spec"));
        let described: Vec<(NeedReason, String)> = needs
            .iter()
            .map(|n| (n.reason.clone(), n.path.to_string()))
            .collect();
        assert_eq!(
            described,
            vec![
                (
                    NeedReason::KeyOnlyInput,
                    "spec.arguments.artifacts[0]".to_string()
                ),
                (
                    NeedReason::KeyOnlyInput,
                    "spec.templates[0].inputs.artifacts[0]".to_string()
                ),
                (NeedReason::ArchivedLogs, "spec.templates[0]".to_string()),
                (
                    NeedReason::KeyOnlyInput,
                    "spec.templates[2].dag.tasks[0].arguments.artifacts[0]".to_string()
                ),
            ]
        );
    }

    #[test]
    fn nothing_to_store_needs_nothing() {
        let spec = spec_with(json!({"name": "main", "container": {"image": "alpine"}}));
        assert!(!needs_repository(&spec));
        assert!(!produces_collectable_artifacts(&spec));
        assert!(!needs_repository(&json!(null)));
        assert!(!needs_repository(&json!({"templates": "not a list"})));
    }
}
