//! Which cluster objects a lint run needs, computed from the raw JSON of the objects to lint
//! (independent of the typed model), then from what the first fetches brought back.

use std::collections::BTreeSet;

use serde_json::Value;
use wflint_core::{
    Input,
    artifacts::{location::Driver, resolve::parse_repository},
    context::ControllerConfig,
    engine::{namespace_of, objects_in},
    model::ArgoKind,
    source::{self, Limits, ParsedFile},
};

use crate::facts::{ARTIFACT_REPOSITORIES, looks_like_artifact_repository};

/// Whether `key` opens an artifact location's driver block (whose selectors name Secrets).
fn is_location_key(key: &str) -> bool {
    Driver::ARTIFACT_ORDER.iter().any(|d| d.field() == key)
}

/// The cluster objects a lint run needs, by namespace and name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Needs {
    /// Namespaces the linted objects run in.
    pub namespaces: BTreeSet<String>,
    /// ConfigMaps `(namespace, name)`.
    pub config_maps: BTreeSet<(String, String)>,
    /// Secrets `(namespace, name)` (only their key names are ever read).
    pub secrets: BTreeSet<(String, String)>,
    /// WorkflowTemplates `(namespace, name)`.
    pub workflow_templates: BTreeSet<(String, String)>,
    /// ClusterWorkflowTemplates by name.
    pub cluster_workflow_templates: BTreeSet<String>,
    /// Whether the controller configuration is needed.
    pub controller: bool,
}

impl Needs {
    /// What the Argo objects among `documents` need (documents may be `List`s; other kinds are
    /// skipped). Objects without a namespace run in `default_namespace`.
    pub fn from_documents<'a>(
        documents: impl IntoIterator<Item = &'a Value>,
        default_namespace: &str,
    ) -> Self {
        let mut needs = Self::default();
        for document in documents {
            for (kind, object, _) in objects_in(document) {
                needs.add_object(kind, object, default_namespace);
            }
        }
        needs
    }

    /// What the Argo objects of parsed files need.
    pub fn from_parsed(files: &[ParsedFile], default_namespace: &str) -> Self {
        Self::from_documents(
            files
                .iter()
                .flat_map(|file| file.documents.iter().map(|d| &d.value)),
            default_namespace,
        )
    }

    /// What the Argo objects of raw inputs need (they are parsed here; the lint parses them
    /// again, which costs little next to the cluster round trips).
    pub fn from_inputs(inputs: &[Input], default_namespace: &str, limits: &Limits) -> Self {
        let files: Vec<ParsedFile> = inputs
            .iter()
            .map(|input| source::parse(&input.name, &input.bytes, limits))
            .collect();
        Self::from_parsed(&files, default_namespace)
    }

    /// Add what one Argo object needs: its namespace's `artifact-repositories` ConfigMap, the
    /// ConfigMap of its `artifactRepositoryRef`, the templates it references, the Secrets its
    /// artifact locations name, and the controller configuration.
    pub fn add_object(&mut self, kind: ArgoKind, object: &Value, default_namespace: &str) {
        // A ClusterWorkflowTemplate runs in the namespace of the workflow that uses it.
        let namespace = namespace_of(kind, object, default_namespace).unwrap_or(default_namespace);
        self.namespaces.insert(namespace.to_string());
        self.config_maps
            .insert((namespace.to_string(), ARTIFACT_REPOSITORIES.to_string()));
        self.controller = true;
        self.add_workflow_like(kind, object, &[namespace]);
    }

    /// Add what a WorkflowTemplate or ClusterWorkflowTemplate read from the cluster needs when
    /// it runs in `namespaces`.
    pub fn add_template(&mut self, kind: ArgoKind, template: &Value, namespaces: &[&str]) {
        self.add_workflow_like(kind, template, namespaces);
    }

    /// Add the Secrets an ArtifactRepository value names, for workflows in `namespaces`
    /// (Secrets are mounted into the workflow's pods, so they must exist there).
    pub fn add_repository(&mut self, repository: &Value, namespaces: &[&str]) {
        self.walk(repository, namespaces, false);
    }

    /// Add the Secrets named by the repository definitions among a ConfigMap's values.
    pub fn add_repository_config_map<'a>(
        &mut self,
        values: impl IntoIterator<Item = &'a String>,
        namespaces: &[&str],
    ) {
        for text in values {
            if looks_like_artifact_repository(text)
                && let Ok(repository) = parse_repository(text)
            {
                self.add_repository(&repository, namespaces);
            }
        }
    }

    /// Add what the controller configuration names: its repository's Secrets and what its
    /// `workflowDefaults` reference, for workflows in `namespaces`.
    pub fn add_controller(&mut self, config: &ControllerConfig, namespaces: &[&str]) {
        if let Some(repository) = &config.artifact_repository {
            self.add_repository(repository, namespaces);
        }
        if let Some(defaults) = &config.workflow_defaults {
            self.add_workflow_like(ArgoKind::Workflow, defaults, namespaces);
        }
    }

    /// Also look in the controller's namespace for every ConfigMap and Secret name: Argo falls
    /// back to it for a referenced repository ConfigMap, and rules can then tell a Secret that
    /// exists only there.
    pub fn include_controller_namespace(&mut self, controller_namespace: &str) {
        let names = |set: &BTreeSet<(String, String)>| -> BTreeSet<String> {
            set.iter().map(|(_, name)| name.clone()).collect()
        };
        for name in names(&self.config_maps) {
            self.config_maps
                .insert((controller_namespace.to_string(), name));
        }
        for name in names(&self.secrets) {
            self.secrets
                .insert((controller_namespace.to_string(), name));
        }
    }

    /// Whether nothing is needed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of objects to fetch (the controller configuration counts as one).
    pub fn len(&self) -> usize {
        self.config_maps.len()
            + self.secrets.len()
            + self.workflow_templates.len()
            + self.cluster_workflow_templates.len()
            + usize::from(self.controller)
    }

    /// What `self` needs that `done` does not cover.
    pub fn without(&self, done: &Needs) -> Needs {
        Needs {
            namespaces: self
                .namespaces
                .difference(&done.namespaces)
                .cloned()
                .collect(),
            config_maps: self
                .config_maps
                .difference(&done.config_maps)
                .cloned()
                .collect(),
            secrets: self.secrets.difference(&done.secrets).cloned().collect(),
            workflow_templates: self
                .workflow_templates
                .difference(&done.workflow_templates)
                .cloned()
                .collect(),
            cluster_workflow_templates: self
                .cluster_workflow_templates
                .difference(&done.cluster_workflow_templates)
                .cloned()
                .collect(),
            controller: self.controller && !done.controller,
        }
    }

    /// Add everything `other` needs.
    pub fn extend(&mut self, other: Needs) {
        self.namespaces.extend(other.namespaces);
        self.config_maps.extend(other.config_maps);
        self.secrets.extend(other.secrets);
        self.workflow_templates.extend(other.workflow_templates);
        self.cluster_workflow_templates
            .extend(other.cluster_workflow_templates);
        self.controller |= other.controller;
    }

    fn add_workflow_like(&mut self, kind: ArgoKind, object: &Value, namespaces: &[&str]) {
        let spec = match kind {
            ArgoKind::CronWorkflow => object.pointer("/spec/workflowSpec"),
            _ => object.get("spec"),
        };
        if let Some(spec) = spec {
            if let Some(reference) = spec.get("artifactRepositoryRef").filter(|r| r.is_object()) {
                let config_map = usable_name(reference.get("configMap"))
                    .unwrap_or(ARTIFACT_REPOSITORIES)
                    .to_string();
                for namespace in namespaces {
                    self.config_maps
                        .insert((namespace.to_string(), config_map.clone()));
                }
            }
            if let Some(reference) = spec.get("workflowTemplateRef") {
                self.template_ref(reference, namespaces);
            }
        }
        self.walk(object, namespaces, false);
    }

    fn template_ref(&mut self, reference: &Value, namespaces: &[&str]) {
        let Some(name) = usable_name(reference.get("name")) else {
            return;
        };
        if reference.get("clusterScope").and_then(Value::as_bool) == Some(true) {
            self.cluster_workflow_templates.insert(name.to_string());
        } else {
            for namespace in namespaces {
                self.workflow_templates
                    .insert((namespace.to_string(), name.to_string()));
            }
        }
    }

    /// Collect `templateRef`s anywhere, and secret selectors (`{name, key}` under a key ending
    /// in `Secret`/`SecretRef`) and HDFS `krbConfigConfigMap`s inside artifact locations.
    fn walk(&mut self, value: &Value, namespaces: &[&str], in_location: bool) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    if key == "templateRef" && child.is_object() {
                        self.template_ref(child, namespaces);
                        continue;
                    }
                    if in_location && child.is_object() {
                        let selected = usable_name(child.get("name"));
                        if key.ends_with("Secret") || key.ends_with("SecretRef") {
                            if let Some(name) = selected {
                                for namespace in namespaces {
                                    self.secrets
                                        .insert((namespace.to_string(), name.to_string()));
                                }
                            }
                            continue;
                        }
                        if key == "krbConfigConfigMap" {
                            if let Some(name) = selected {
                                for namespace in namespaces {
                                    self.config_maps
                                        .insert((namespace.to_string(), name.to_string()));
                                }
                            }
                            continue;
                        }
                    }
                    let child_in_location = in_location || is_location_key(key);
                    self.walk(child, namespaces, child_in_location);
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.walk(item, namespaces, in_location);
                }
            }
            _ => {}
        }
    }
}

/// A name that can be looked up: a non-empty string without `{{...}}` placeholders.
fn usable_name(value: Option<&Value>) -> Option<&str> {
    value
        .and_then(Value::as_str)
        .filter(|name| !name.is_empty() && !name.contains("{{"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pairs(items: &[(&str, &str)]) -> BTreeSet<(String, String)> {
        items
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn workflow_needs_its_repository_templates_and_secrets() {
        let workflow = json!({
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Workflow",
            "metadata": {"generateName": "w-", "namespace": "team-a"},
            "spec": {
                "artifactRepositoryRef": {"configMap": "my-repos", "key": "v1"},
                "templates": [
                    {"name": "main", "steps": [[
                        {"name": "a", "templateRef": {"name": "lib", "template": "t"}},
                        {"name": "b", "templateRef": {"name": "global", "template": "t", "clusterScope": true}},
                        {"name": "c", "templateRef": {"name": "{{workflow.parameters.lib}}", "template": "t"}}
                    ]]},
                    {"name": "t", "container": {"image": "alpine",
                        "env": [{"name": "X", "valueFrom": {"secretKeyRef": {"name": "app-env", "key": "x"}}}]},
                     "inputs": {"artifacts": [
                        {"name": "src", "git": {"repo": "r", "sshPrivateKeySecret": {"name": "git-ssh", "key": "id"}}},
                        {"name": "web", "http": {"url": "u", "auth": {"basicAuth": {
                            "usernameSecret": {"name": "web-cred", "key": "user"},
                            "passwordSecret": {"name": "web-cred", "key": "pass"}}}}},
                        {"name": "h", "hdfs": {"addresses": ["a"], "path": "/p",
                            "krbConfigConfigMap": {"name": "krb5", "key": "conf"}}}
                     ]},
                     "outputs": {"artifacts": [
                        {"name": "o", "path": "/o", "s3": {"endpoint": "e", "bucket": "b", "key": "k",
                            "accessKeySecret": {"name": "s3-cred", "key": "a"},
                            "secretKeySecret": {"name": "s3-cred"},
                            "caSecret": {"name": ""}}}
                     ]}}
                ]
            }
        });
        let needs = Needs::from_documents([&workflow], "default");
        assert_eq!(needs.namespaces, BTreeSet::from(["team-a".to_string()]));
        assert_eq!(
            needs.config_maps,
            pairs(&[
                ("team-a", "artifact-repositories"),
                ("team-a", "krb5"),
                ("team-a", "my-repos")
            ])
        );
        assert_eq!(
            needs.secrets,
            pairs(&[
                ("team-a", "git-ssh"),
                ("team-a", "s3-cred"),
                ("team-a", "web-cred")
            ])
        );
        assert_eq!(needs.workflow_templates, pairs(&[("team-a", "lib")]));
        assert_eq!(
            needs.cluster_workflow_templates,
            BTreeSet::from(["global".to_string()])
        );
        assert!(needs.controller);
    }

    #[test]
    fn yaml_inputs() {
        let input = Input {
            name: "wf.yaml".into(),
            bytes: b"apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  generateName: w-\n\
                spec:\n  workflowTemplateRef:\n    name: base\n---\napiVersion: v1\nkind: ConfigMap\n\
                metadata:\n  name: x\n"
                .to_vec(),
        };
        let needs = Needs::from_inputs(&[input], "team", &Limits::default());
        assert_eq!(needs.workflow_templates, pairs(&[("team", "base")]));
        assert_eq!(
            needs.config_maps,
            pairs(&[("team", "artifact-repositories")])
        );
    }

    #[test]
    fn cron_workflow_ref_and_default_namespace() {
        let cron = json!({
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "CronWorkflow",
            "metadata": {"name": "c"},
            "spec": {"schedule": "* * * * *", "workflowSpec": {
                "artifactRepositoryRef": {"key": "only-key"},
                "workflowTemplateRef": {"name": "base"}
            }}
        });
        let needs = Needs::from_documents([&cron], "ci");
        assert_eq!(needs.config_maps, pairs(&[("ci", "artifact-repositories")]));
        assert_eq!(needs.workflow_templates, pairs(&[("ci", "base")]));
    }

    #[test]
    fn lists_are_expanded_and_other_kinds_ignored() {
        let list = json!({
            "apiVersion": "v1", "kind": "List", "items": [
                {"apiVersion": "argoproj.io/v1alpha1", "kind": "WorkflowTemplate",
                 "metadata": {"name": "t", "namespace": "x"}, "spec": {}},
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"},
                 "data": {"s3": "accessKeySecret"}}
            ]
        });
        let needs = Needs::from_documents([&list], "default");
        assert_eq!(needs.namespaces, BTreeSet::from(["x".to_string()]));
        assert!(needs.secrets.is_empty());
    }

    #[test]
    fn repository_definitions_name_secrets_for_every_namespace_given() {
        let mut needs = Needs::default();
        needs.add_repository_config_map(
            [
                &"s3:\n  bucket: b\n  secretKeySecret:\n    name: yaml-cred\n    key: k\n"
                    .to_string(),
                &"not a repository".to_string(),
            ],
            &["a", "b"],
        );
        needs.add_repository(
            &json!({"s3": {"accessKeySecret": {"name": "cred", "key": "k"}}}),
            &["a", "b"],
        );
        assert_eq!(
            needs.secrets,
            pairs(&[
                ("a", "cred"),
                ("a", "yaml-cred"),
                ("b", "cred"),
                ("b", "yaml-cred")
            ])
        );
    }

    #[test]
    fn controller_defaults_and_repository() {
        let config = ControllerConfig {
            namespace: "argo".into(),
            name: "workflow-controller-configmap".into(),
            artifact_repository: Some(
                json!({"gcs": {"bucket": "b", "serviceAccountKeySecret": {"name": "gcs-sa", "key": "k"}}}),
            ),
            workflow_defaults: Some(
                json!({"spec": {"artifactRepositoryRef": {"configMap": "shared"}}}),
            ),
            workflow_restrictions: None,
        };
        let mut needs = Needs::default();
        needs.add_controller(&config, &["team"]);
        assert_eq!(needs.secrets, pairs(&[("team", "gcs-sa")]));
        assert_eq!(needs.config_maps, pairs(&[("team", "shared")]));
    }

    #[test]
    fn controller_namespace_and_differences() {
        let mut needs = Needs {
            config_maps: pairs(&[("a", "artifact-repositories")]),
            secrets: pairs(&[("a", "cred")]),
            ..Needs::default()
        };
        needs.include_controller_namespace("argo");
        assert_eq!(
            needs.config_maps,
            pairs(&[
                ("a", "artifact-repositories"),
                ("argo", "artifact-repositories")
            ])
        );
        assert_eq!(needs.secrets, pairs(&[("a", "cred"), ("argo", "cred")]));
        let done = Needs {
            secrets: pairs(&[("a", "cred")]),
            ..Needs::default()
        };
        let rest = needs.without(&done);
        assert_eq!(rest.secrets, pairs(&[("argo", "cred")]));
        assert_eq!(rest.len(), 3);
    }
}
