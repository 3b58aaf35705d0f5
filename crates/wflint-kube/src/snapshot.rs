//! An in-memory set of cluster facts read once (the CLI's live mode): every lookup that was
//! made is recorded as found, missing or unknown; anything never looked up is unknown.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::Arc,
};

use wflint_core::context::{
    ClusterContext, ConfigMapInfo, ControllerConfig, Lookup, SecretKeys, TemplateObject,
};

use crate::needs::Needs;

/// Cluster facts read once. Implements [`ClusterContext`].
#[derive(Debug, Clone)]
pub struct Snapshot {
    config_maps: BTreeMap<(String, String), Lookup<Arc<ConfigMapInfo>>>,
    secrets: BTreeMap<(String, String), Lookup<Arc<SecretKeys>>>,
    workflow_templates: BTreeMap<(String, String), Lookup<TemplateObject>>,
    cluster_workflow_templates: BTreeMap<String, Lookup<TemplateObject>>,
    controller: Option<Lookup<Arc<ControllerConfig>>>,
    notes: Vec<String>,
}

impl Default for Snapshot {
    fn default() -> Self {
        Self::new()
    }
}

fn key(namespace: &str, name: &str) -> (String, String) {
    (namespace.to_string(), name.to_string())
}

impl Snapshot {
    /// A snapshot that knows nothing yet (every lookup unknown).
    pub fn new() -> Self {
        Self {
            config_maps: BTreeMap::new(),
            secrets: BTreeMap::new(),
            workflow_templates: BTreeMap::new(),
            cluster_workflow_templates: BTreeMap::new(),
            controller: None,
            notes: Vec::new(),
        }
    }

    /// Record the answer for a ConfigMap.
    pub fn set_config_map(&mut self, namespace: &str, name: &str, answer: Lookup<ConfigMapInfo>) {
        self.config_maps
            .insert(key(namespace, name), answer.map(Arc::new));
    }

    /// Record the answer for a Secret (key names only).
    pub fn set_secret(&mut self, namespace: &str, name: &str, answer: Lookup<SecretKeys>) {
        self.secrets
            .insert(key(namespace, name), answer.map(Arc::new));
    }

    /// Record the answer for a WorkflowTemplate.
    pub fn set_workflow_template(
        &mut self,
        namespace: &str,
        name: &str,
        answer: Lookup<TemplateObject>,
    ) {
        self.workflow_templates.insert(key(namespace, name), answer);
    }

    /// Record the answer for a ClusterWorkflowTemplate.
    pub fn set_cluster_workflow_template(&mut self, name: &str, answer: Lookup<TemplateObject>) {
        self.cluster_workflow_templates
            .insert(name.to_string(), answer);
    }

    /// Record the answer for the controller configuration.
    pub fn set_controller(&mut self, answer: Lookup<ControllerConfig>) {
        self.controller = Some(answer.map(Arc::new));
    }

    /// Add a note about degraded knowledge.
    pub fn add_note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// Everything a lookup was recorded for (whatever the answer).
    pub fn covered(&self) -> Needs {
        Needs {
            namespaces: BTreeSet::new(),
            config_maps: self.config_maps.keys().cloned().collect(),
            secrets: self.secrets.keys().cloned().collect(),
            workflow_templates: self.workflow_templates.keys().cloned().collect(),
            cluster_workflow_templates: self.cluster_workflow_templates.keys().cloned().collect(),
            controller: self.controller.is_some(),
        }
    }

    /// The ConfigMaps found.
    pub fn found_config_maps(&self) -> impl Iterator<Item = &ConfigMapInfo> {
        self.config_maps.values().filter_map(|l| match l {
            Lookup::Found(info) => Some(info.as_ref()),
            _ => None,
        })
    }

    /// The WorkflowTemplates found, with the namespace they were found in.
    pub fn found_workflow_templates(&self) -> impl Iterator<Item = (&str, &TemplateObject)> {
        self.workflow_templates
            .iter()
            .filter_map(|((namespace, _), l)| match l {
                Lookup::Found(template) => Some((namespace.as_str(), template)),
                _ => None,
            })
    }

    /// The ClusterWorkflowTemplates found.
    pub fn found_cluster_workflow_templates(&self) -> impl Iterator<Item = &TemplateObject> {
        self.cluster_workflow_templates
            .values()
            .filter_map(|l| match l {
                Lookup::Found(template) => Some(template),
                _ => None,
            })
    }

    /// The controller configuration, if found.
    pub fn found_controller(&self) -> Option<&ControllerConfig> {
        match &self.controller {
            Some(Lookup::Found(config)) => Some(config),
            _ => None,
        }
    }
}

impl ClusterContext for Snapshot {
    fn config_map(&self, namespace: &str, name: &str) -> Lookup<Arc<ConfigMapInfo>> {
        self.config_maps
            .get(&key(namespace, name))
            .cloned()
            .unwrap_or(Lookup::Unknown)
    }

    fn secret(&self, namespace: &str, name: &str) -> Lookup<Arc<SecretKeys>> {
        self.secrets
            .get(&key(namespace, name))
            .cloned()
            .unwrap_or(Lookup::Unknown)
    }

    fn workflow_template(&self, namespace: &str, name: &str) -> Lookup<TemplateObject> {
        self.workflow_templates
            .get(&key(namespace, name))
            .cloned()
            .unwrap_or(Lookup::Unknown)
    }

    fn cluster_workflow_template(&self, name: &str) -> Lookup<TemplateObject> {
        self.cluster_workflow_templates
            .get(name)
            .cloned()
            .unwrap_or(Lookup::Unknown)
    }

    fn controller(&self) -> Lookup<Arc<ControllerConfig>> {
        self.controller.clone().unwrap_or(Lookup::Unknown)
    }

    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unrecorded_lookups_are_unknown() {
        let mut snapshot = Snapshot::new();
        snapshot.set_secret("a", "gone", Lookup::Missing);
        snapshot.set_secret(
            "a",
            "cred",
            Lookup::Found(SecretKeys {
                namespace: "a".into(),
                name: "cred".into(),
                keys: BTreeSet::from(["k".to_string()]),
            }),
        );
        assert!(snapshot.secret("a", "gone").is_missing());
        assert!(matches!(snapshot.secret("a", "cred"), Lookup::Found(_)));
        assert!(matches!(snapshot.secret("b", "cred"), Lookup::Unknown));
        assert!(matches!(snapshot.controller(), Lookup::Unknown));
        assert!(matches!(
            snapshot.cluster_workflow_template("x"),
            Lookup::Unknown
        ));
        assert_eq!(snapshot.covered().secrets.len(), 2);
    }
}
