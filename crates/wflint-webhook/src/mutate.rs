//! The mutating half of the gate: the artifact defaults a policy asks for, as a minimal RFC 6902
//! JSON Patch that only *adds* fields the object (and its execution spec) leaves unset.
//!
//! - `spec.artifactRepositoryRef` when the object stores artifacts (see
//!   [`wflint_core::artifacts::location::repository_needs`]) and its execution spec names no
//!   ref: the namespace's default pinned, or the policy's ref when it resolves.
//! - `spec.artifactGC` when the object produces collectable artifacts and its execution spec
//!   sets no `artifactGC`.
//!
//! A second pass over the patched object adds nothing (both fields are then set).

use json_patch::{AddOperation, PatchOperation, jsonptr::PointerBuf};
use serde_json::Value;
use wflint_core::{
    artifacts::{
        execution::{self, Layer, SpecField},
        location::repository_needs,
        resolve::{self, Resolution},
    },
    context::{ClusterContext, Lookup},
    model::ArgoKind,
    path::FieldPath,
    policy::{AdmissionSettings, RefInjection},
};

/// One change, described for users (`warnings`) and auditors (`auditAnnotations`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement {
    /// Audit annotation key (the API server prefixes it with the webhook's name).
    pub audit_key: &'static str,
    /// Audit annotation value.
    pub audit_value: String,
    /// Admission warning text.
    pub warning: String,
}

/// The outcome of mutation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mutation {
    /// The patch (empty: nothing to change).
    pub operations: Vec<PatchOperation>,
    /// What was changed.
    pub announcements: Vec<Announcement>,
    /// Why something the policy asks for was not done (shown as warnings).
    pub notes: Vec<String>,
    /// The field each operation sets, as users read it (`spec.artifactGC`).
    pub fields: Vec<String>,
}

impl Mutation {
    /// Whether there is nothing to patch.
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty()
    }

    fn add(&mut self, path: &FieldPath, value: Value, announcement: Announcement) {
        let tokens: Vec<String> = path
            .segments()
            .iter()
            .map(|segment| match segment {
                wflint_core::path::Segment::Key(key) => key.to_string(),
                wflint_core::path::Segment::Index(index) => index.to_string(),
            })
            .collect();
        self.operations.push(PatchOperation::Add(AddOperation {
            path: PointerBuf::from_tokens(tokens),
            value,
        }));
        self.announcements.push(announcement);
        self.fields.push(path.to_string());
    }

    /// The changes whose index `keep` accepts (with their announcements), and every note.
    pub fn keeping(&self, keep: impl Fn(usize) -> bool) -> Mutation {
        let mut kept = Mutation {
            notes: self.notes.clone(),
            ..Mutation::default()
        };
        for (index, operation) in self.operations.iter().enumerate() {
            if keep(index) {
                kept.operations.push(operation.clone());
                kept.announcements
                    .extend(self.announcements.get(index).cloned());
                kept.fields.extend(self.fields.get(index).cloned());
            }
        }
        kept
    }
}

/// Whether a field is unset in the whole execution spec, as far as mutation is concerned. An
/// unreadable WorkflowTemplate might set it, so nothing is injected; unreadable controller
/// defaults are treated as unset (the policy author asked for the value, and the object's own
/// value would win over defaults anyway), except for pinning the namespace's default
/// repository (see [`inject_repository_ref`]).
fn unset_for_mutation(field: &SpecField) -> bool {
    match field {
        SpecField::Unset => true,
        SpecField::Unknown { layer } => *layer == Layer::WorkflowDefaults,
        SpecField::Set { .. } => false,
    }
}

/// Compute the patch the policy asks for on `object` (of `kind`, in `namespace`; `None` for a
/// ClusterWorkflowTemplate).
pub fn mutate(
    kind: ArgoKind,
    object: &Value,
    namespace: Option<&str>,
    settings: &AdmissionSettings,
    context: &dyn ClusterContext,
) -> Mutation {
    let mut mutation = Mutation::default();
    if !settings.mutate {
        return mutation;
    }
    let Some(spec) = execution::workflow_spec(kind, object).filter(|s| s.is_object()) else {
        return mutation;
    };
    let spec_path = execution::workflow_spec_path(kind);
    let lookup_namespace = namespace.unwrap_or("");
    let template = execution::referenced_template(spec, lookup_namespace, context);

    inject_repository_ref(
        kind,
        object,
        spec,
        &spec_path,
        namespace,
        template.as_ref(),
        settings,
        context,
        &mut mutation,
    );
    inject_artifact_gc(
        kind,
        object,
        spec,
        &spec_path,
        lookup_namespace,
        template.is_some(),
        settings,
        context,
        &mut mutation,
    );
    mutation
}

#[allow(clippy::too_many_arguments)]
fn inject_repository_ref(
    kind: ArgoKind,
    object: &Value,
    spec: &Value,
    spec_path: &FieldPath,
    namespace: Option<&str>,
    template: Option<&Lookup<std::sync::Arc<Value>>>,
    settings: &AdmissionSettings,
    context: &dyn ClusterContext,
    mutation: &mut Mutation,
) {
    if settings.artifact_repository_ref == RefInjection::None {
        return;
    }
    let field_path = spec_path.key("artifactRepositoryRef");
    let lookup_namespace = namespace.unwrap_or("");
    let current = execution::effective_spec_field(
        kind,
        object,
        lookup_namespace,
        context,
        "artifactRepositoryRef",
    );
    if !unset_for_mutation(&current) {
        return;
    }
    // Unreadable controller defaults might name a ref, which ranks above the namespace default:
    // pinning that default would change the repository. (A ref the policy names is the
    // policy author's decision and is injected.)
    if settings.artifact_repository_ref == RefInjection::NamespaceDefault
        && matches!(current, SpecField::Unknown { .. })
    {
        return;
    }
    // What the execution spec stores: this object's templates, plus the WorkflowTemplate's
    // when the object runs one through workflowTemplateRef.
    let mut needs = repository_needs(spec, spec_path);
    if let Some(Lookup::Found(template)) = template
        && let Some(template_spec) = template.get("spec")
    {
        needs.extend(repository_needs(template_spec, &FieldPath::root()));
    }
    if needs.is_empty() {
        return;
    }
    let (reference, why) = match &settings.artifact_repository_ref {
        RefInjection::None => return,
        RefInjection::NamespaceDefault => {
            // A cluster-scoped template runs in many namespaces: there is no one default.
            let Some(namespace) = namespace else { return };
            let resolved = resolve::resolve(None, namespace, context);
            let Resolution::Resolved { source, .. } = &resolved.resolution else {
                return;
            };
            let Some(reference) = source.pinned_ref() else {
                // The controller default is in force; no ref can name it.
                return;
            };
            (reference, "the namespace default")
        }
        RefInjection::Ref(reference) => {
            if let Some(namespace) = namespace {
                let resolved = resolve::resolve(Some(reference), namespace, context);
                if matches!(
                    resolved.resolution,
                    Resolution::RefNotFound { .. } | Resolution::Invalid { .. }
                ) {
                    mutation.notes.push(format!(
                        "wflint: policy ref {reference} does not resolve in {namespace}; {field_path} left unset"
                    ));
                    return;
                }
            }
            (reference.clone(), "the policy's ref")
        }
    };
    // A workflow that runs a WorkflowTemplate may set only a few fields of its own when the
    // controller restricts template referencing (`Strict`, `Secure`); `artifactRepositoryRef`
    // is not one of them, and Argo would fail every run of the patched object.
    if template.is_some() {
        // Short enough to survive the 120-character warning limit, on a CronWorkflow too.
        let refused = match context.controller() {
            Lookup::Found(config) if config.restricts_template_referencing() => format!(
                "templateReferencing {}: not with workflowTemplateRef",
                config.template_referencing().unwrap_or("Strict")
            ),
            Lookup::Found(_) | Lookup::Missing => String::new(),
            Lookup::Unknown => "workflowRestrictions unknown; Strict/Secure forbid it".to_string(),
        };
        if !refused.is_empty() {
            mutation
                .notes
                .push(format!("wflint: {field_path} left unset: {refused}"));
            return;
        }
    }
    let text = reference.to_string();
    mutation.add(
        &field_path,
        reference.to_value(),
        Announcement {
            audit_key: "artifact-repository-ref",
            audit_value: text.clone(),
            warning: format!("wflint set {field_path} to {text}, {why}"),
        },
    );
}

#[allow(clippy::too_many_arguments)]
fn inject_artifact_gc(
    kind: ArgoKind,
    object: &Value,
    spec: &Value,
    spec_path: &FieldPath,
    namespace: &str,
    runs_template: bool,
    settings: &AdmissionSettings,
    context: &dyn ClusterContext,
    mutation: &mut Mutation,
) {
    let Some(defaults) = &settings.artifact_gc else {
        return;
    };
    // A workflow that runs a WorkflowTemplate takes its artifactGC from there; setting fields
    // such as serviceAccountName on it is refused under templateReferencing restrictions.
    if runs_template {
        return;
    }
    if !wflint_core::artifacts::location::produces_collectable_artifacts(spec) {
        return;
    }
    let current = execution::effective_spec_field(kind, object, namespace, context, "artifactGC");
    if !unset_for_mutation(&current) {
        return;
    }
    let field_path = spec_path.key("artifactGC");
    let strategy = defaults.strategy.as_str();
    mutation.add(
        &field_path,
        defaults.to_value(),
        Announcement {
            audit_key: "artifact-gc",
            audit_value: defaults.to_value().to_string(),
            warning: format!("wflint set {field_path} to strategy {strategy}, the policy default"),
        },
    );
}

#[cfg(test)]
mod tests {
    use std::{collections::BTreeMap, sync::Arc};

    use serde_json::json;
    use wflint_core::{
        artifacts::resolve::{DEFAULT_REPOSITORY_ANNOTATION, RepositoryRef},
        context::{ConfigMapInfo, ControllerConfig, NoContext, SecretKeys, TemplateObject},
        policy::{ArtifactGcDefaults, ArtifactGcStrategy},
    };

    use super::*;

    /// Namespace `team` has an annotated `artifact-repositories`; with `template`, a
    /// WorkflowTemplate `team/base` that stores an artifact; the controller in `argo` with the
    /// given `workflowRestrictions` (`None`: its configuration cannot be read).
    struct Ctx {
        template: bool,
        restrictions: Option<Value>,
    }

    impl Ctx {
        /// No WorkflowTemplate, a controller without restrictions.
        fn plain() -> Self {
            Self::new(false, Some(json!({})))
        }

        fn new(template: bool, restrictions: Option<Value>) -> Self {
            Self {
                template,
                restrictions,
            }
        }
    }

    impl ClusterContext for Ctx {
        fn config_map(&self, namespace: &str, name: &str) -> Lookup<Arc<ConfigMapInfo>> {
            if namespace == "team" && name == "artifact-repositories" {
                Lookup::Found(Arc::new(ConfigMapInfo {
                    namespace: namespace.into(),
                    name: name.into(),
                    annotations: BTreeMap::from([(
                        DEFAULT_REPOSITORY_ANNOTATION.to_string(),
                        "v1".to_string(),
                    )]),
                    data: BTreeMap::from([(
                        "v1".to_string(),
                        r#"{"s3": {"bucket": "b"}}"#.to_string(),
                    )]),
                }))
            } else {
                Lookup::Missing
            }
        }
        fn secret(&self, _: &str, _: &str) -> Lookup<Arc<SecretKeys>> {
            Lookup::Missing
        }
        fn workflow_template(&self, namespace: &str, name: &str) -> Lookup<TemplateObject> {
            if !self.template || namespace != "team" || name != "base" {
                return Lookup::Missing;
            }
            let mut value = workflow("team");
            value["kind"] = json!("WorkflowTemplate");
            value["metadata"] = json!({"name": "base", "namespace": "team"});
            let object = wflint_core::model::decode(ArgoKind::WorkflowTemplate, &value).unwrap();
            Lookup::Found(TemplateObject {
                object: Arc::new(object),
                value: Arc::new(value),
                origin: None,
            })
        }
        fn cluster_workflow_template(&self, _: &str) -> Lookup<TemplateObject> {
            Lookup::Missing
        }
        fn controller(&self) -> Lookup<Arc<ControllerConfig>> {
            match &self.restrictions {
                Some(restrictions) => Lookup::Found(Arc::new(ControllerConfig {
                    namespace: "argo".into(),
                    workflow_restrictions: Some(restrictions.clone()),
                    ..ControllerConfig::default()
                })),
                None => Lookup::Unknown,
            }
        }
    }

    fn settings(reference: RefInjection, gc: bool) -> AdmissionSettings {
        AdmissionSettings {
            mutate: true,
            artifact_repository_ref: reference,
            artifact_gc: gc.then(|| ArtifactGcDefaults {
                strategy: ArtifactGcStrategy::OnWorkflowDeletion,
                service_account_name: Some("artifact-gc".into()),
                force_finalizer_removal: Some(true),
            }),
            ..AdmissionSettings::default()
        }
    }

    fn workflow(namespace: &str) -> Value {
        json!({
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Workflow",
            "metadata": {"generateName": "art-", "namespace": namespace},
            "spec": {"entrypoint": "main", "templates": [{
                "name": "main",
                "container": {"image": "alpine"},
                "outputs": {"artifacts": [{"name": "out", "path": "/tmp/out"}]}
            }]}
        })
    }

    fn apply(object: &Value, mutation: &Mutation) -> Value {
        let mut patched = object.clone();
        json_patch::patch(&mut patched, &mutation.operations).unwrap();
        patched
    }

    #[test]
    fn pins_the_namespace_default_and_injects_gc_once() {
        let object = workflow("team");
        let settings = settings(RefInjection::NamespaceDefault, true);
        let first = mutate(
            ArgoKind::Workflow,
            &object,
            Some("team"),
            &settings,
            &Ctx::plain(),
        );
        assert_eq!(
            serde_json::to_value(json_patch::Patch(first.operations.clone())).unwrap(),
            json!([
                {"op": "add", "path": "/spec/artifactRepositoryRef",
                 "value": {"configMap": "artifact-repositories", "key": "v1"}},
                {"op": "add", "path": "/spec/artifactGC",
                 "value": {"strategy": "OnWorkflowDeletion", "serviceAccountName": "artifact-gc",
                           "forceFinalizerRemoval": true}}
            ])
        );
        assert_eq!(
            first.announcements[0].warning,
            "wflint set spec.artifactRepositoryRef to artifact-repositories#v1, the namespace default"
        );
        let patched = apply(&object, &first);
        let second = mutate(
            ArgoKind::Workflow,
            &patched,
            Some("team"),
            &settings,
            &Ctx::plain(),
        );
        assert!(second.is_empty(), "{second:?}");
    }

    #[test]
    fn never_overrides_what_the_user_set() {
        let mut object = workflow("team");
        object["spec"]["artifactRepositoryRef"] = json!({"key": "mine"});
        object["spec"]["artifactGC"] = json!({"strategy": "Never"});
        let mutation = mutate(
            ArgoKind::Workflow,
            &object,
            Some("team"),
            &settings(RefInjection::NamespaceDefault, true),
            &Ctx::plain(),
        );
        assert!(mutation.is_empty());
    }

    #[test]
    fn nothing_without_artifacts_or_without_mutation() {
        let mut object = workflow("team");
        object["spec"]["templates"][0]["outputs"] = json!({});
        let settings_on = settings(RefInjection::NamespaceDefault, true);
        assert!(
            mutate(
                ArgoKind::Workflow,
                &object,
                Some("team"),
                &settings_on,
                &Ctx::plain()
            )
            .is_empty()
        );
        let off = AdmissionSettings {
            mutate: false,
            ..settings_on
        };
        assert!(
            mutate(
                ArgoKind::Workflow,
                &workflow("team"),
                Some("team"),
                &off,
                &Ctx::plain()
            )
            .is_empty()
        );
    }

    #[test]
    fn no_namespace_default_means_no_ref() {
        // `other` has no artifact-repositories: the controller default applies, and no ref
        // can name it.
        let mutation = mutate(
            ArgoKind::Workflow,
            &workflow("other"),
            Some("other"),
            &settings(RefInjection::NamespaceDefault, false),
            &Ctx::plain(),
        );
        assert!(mutation.is_empty());
        // Without cluster facts, nothing is pinned either.
        let mutation = mutate(
            ArgoKind::Workflow,
            &workflow("team"),
            Some("team"),
            &settings(RefInjection::NamespaceDefault, false),
            &NoContext,
        );
        assert!(mutation.is_empty());
    }

    #[test]
    fn unknown_controller_defaults_keep_the_namespace_default_unpinned() {
        // workflowDefaults might name a ref, which would win over the namespace default.
        let namespace_default = mutate(
            ArgoKind::Workflow,
            &workflow("team"),
            Some("team"),
            &settings(RefInjection::NamespaceDefault, true),
            &Ctx::new(false, None),
        );
        assert_eq!(namespace_default.fields, vec!["spec.artifactGC"]);
        // The policy's own ref is still injected.
        let reference = RepositoryRef {
            config_map: "artifact-repositories".into(),
            key: "v1".into(),
        };
        let policy_ref = mutate(
            ArgoKind::Workflow,
            &workflow("team"),
            Some("team"),
            &settings(RefInjection::Ref(reference), false),
            &Ctx::new(false, None),
        );
        assert_eq!(policy_ref.fields, vec!["spec.artifactRepositoryRef"]);
    }

    #[test]
    fn a_policy_ref_that_does_not_resolve_is_not_injected() {
        let reference = RepositoryRef {
            config_map: "nowhere".into(),
            key: "k".into(),
        };
        let mutation = mutate(
            ArgoKind::Workflow,
            &workflow("team"),
            Some("team"),
            &settings(RefInjection::Ref(reference.clone()), false),
            &Ctx::plain(),
        );
        assert!(mutation.is_empty());
        assert_eq!(
            mutation.notes,
            vec![
                "wflint: policy ref nowhere#k does not resolve in team; spec.artifactRepositoryRef left unset"
            ]
        );
        // Unknown facts: the policy author's ref is trusted.
        let mutation = mutate(
            ArgoKind::Workflow,
            &workflow("team"),
            Some("team"),
            &settings(RefInjection::Ref(reference), false),
            &NoContext,
        );
        assert_eq!(mutation.operations.len(), 1);
    }

    #[test]
    fn cron_workflows_are_patched_under_workflow_spec() {
        let object = json!({
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "CronWorkflow",
            "metadata": {"name": "nightly", "namespace": "team"},
            "spec": {"schedule": "0 0 * * *", "workflowSpec": workflow("team")["spec"].clone()}
        });
        let mutation = mutate(
            ArgoKind::CronWorkflow,
            &object,
            Some("team"),
            &settings(RefInjection::NamespaceDefault, true),
            &Ctx::plain(),
        );
        let paths: Vec<String> = mutation
            .operations
            .iter()
            .map(|op| match op {
                PatchOperation::Add(add) => add.path.to_string(),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            paths,
            vec![
                "/spec/workflowSpec/artifactRepositoryRef",
                "/spec/workflowSpec/artifactGC"
            ]
        );
    }

    #[test]
    fn no_ref_on_a_workflow_running_a_template_unless_the_controller_allows_it() {
        let object = json!({
            "kind": "Workflow",
            "metadata": {"generateName": "run-", "namespace": "team"},
            "spec": {"workflowTemplateRef": {"name": "base"}}
        });
        let cron = json!({
            "kind": "CronWorkflow",
            "metadata": {"name": "nightly", "namespace": "team"},
            "spec": {"schedule": "0 0 * * *", "workflowSpec": object["spec"].clone()}
        });
        let settings_of = settings;
        let settings = settings_of(RefInjection::NamespaceDefault, true);
        let run = |kind, object: &Value, restrictions: Option<Value>| {
            mutate(
                kind,
                object,
                Some("team"),
                &settings,
                &Ctx::new(true, restrictions),
            )
        };
        // No restriction: the namespace default is pinned (and no GC: the template's applies).
        for restrictions in [json!({}), json!({"templateReferencing": "Lax"})] {
            let mutation = run(ArgoKind::Workflow, &object, Some(restrictions));
            assert_eq!(mutation.operations.len(), 1, "{mutation:?}");
        }
        // Strict or Secure: nothing, and a note says why.
        for restrictions in [
            json!({"templateReferencing": "Strict"}),
            json!({"templateReferencing": "Secure"}),
        ] {
            for (kind, object) in [
                (ArgoKind::Workflow, &object),
                (ArgoKind::CronWorkflow, &cron),
            ] {
                let mutation = run(kind, object, Some(restrictions.clone()));
                assert!(mutation.is_empty(), "{mutation:?}");
                assert_eq!(mutation.notes.len(), 1, "{mutation:?}");
                assert!(mutation.notes[0].contains("artifactRepositoryRef left unset"));
                let mode = restrictions["templateReferencing"].as_str().unwrap();
                assert!(
                    mutation.notes[0].ends_with(&format!(
                        "templateReferencing {mode}: not with workflowTemplateRef"
                    )),
                    "{:?}",
                    mutation.notes
                );
                assert!(
                    mutation.notes[0].chars().count() <= 120,
                    "{:?}",
                    mutation.notes
                );
            }
        }
        // Restrictions not known: not even the policy's own ref.
        let reference = RepositoryRef {
            config_map: "artifact-repositories".into(),
            key: "v1".into(),
        };
        let mutation = mutate(
            ArgoKind::Workflow,
            &object,
            Some("team"),
            &settings_of(RefInjection::Ref(reference), false),
            &Ctx::new(true, None),
        );
        assert!(mutation.is_empty(), "{mutation:?}");
        assert!(mutation.notes[0].contains("workflowRestrictions unknown"));
        // A workflow with its own templates is pinned whatever the restriction.
        let own = mutate(
            ArgoKind::Workflow,
            &workflow("team"),
            Some("team"),
            &settings,
            &Ctx::new(true, Some(json!({"templateReferencing": "Strict"}))),
        );
        assert_eq!(own.operations.len(), 2);
    }

    #[test]
    fn workflows_running_a_template_get_no_gc_and_no_ref_while_the_template_is_unknown() {
        let object = json!({
            "kind": "Workflow",
            "metadata": {"generateName": "x-", "namespace": "team"},
            "spec": {"workflowTemplateRef": {"name": "base"}}
        });
        let mutation = mutate(
            ArgoKind::Workflow,
            &object,
            Some("team"),
            &settings(RefInjection::NamespaceDefault, true),
            &NoContext,
        );
        assert!(mutation.is_empty());
    }
}
