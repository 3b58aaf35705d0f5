//! The policies shipped in `policies/` load, and mean what their comments say.

use std::path::{Path, PathBuf};

use wflint_core::{
    Severity,
    policy::{ArtifactGcStrategy, Policy, PolicyError, RefInjection},
    rules,
};

fn shipped(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../policies")
        .join(name)
}

#[test]
fn default_policy_denies_errors_warns_warnings_and_pins_the_namespace_default() {
    let policy = Policy::load(&shipped("default.yaml")).unwrap();
    assert_eq!(policy.name(), Some("default"));
    let settings = policy.settings(Some("any-namespace"));
    let rule = rules::by_code("unknown-field").unwrap();
    assert_eq!(settings.rules.severity(rule), Some(Severity::Error));
    assert!(settings.admission.denies(rule, Severity::Error));
    assert!(!settings.admission.denies(rule, Severity::Warning));
    assert!(settings.admission.warns(Severity::Warning));
    assert!(!settings.admission.warns(Severity::Info));
    assert!(settings.admission.mutate);
    assert_eq!(
        settings.admission.artifact_repository_ref,
        RefInjection::NamespaceDefault
    );
    assert_eq!(settings.admission.artifact_gc, None);
}

#[test]
fn strict_policy_denies_warnings_and_collects_artifacts_except_in_sandboxes() {
    let policy = Policy::load(&shipped("strict.yaml")).unwrap();
    let rule = rules::by_code("unknown-field").unwrap();
    let prod = policy.settings(Some("payments"));
    assert!(prod.admission.denies(rule, Severity::Warning));
    assert!(!prod.admission.denies(rule, Severity::Info));
    assert!(prod.admission.warns(Severity::Info));
    let gc = prod.admission.artifact_gc.as_ref().unwrap();
    assert_eq!(gc.strategy, ArtifactGcStrategy::OnWorkflowDeletion);
    assert_eq!(gc.service_account_name.as_deref(), Some("artifact-gc"));
    assert_eq!(gc.force_finalizer_removal, Some(true));

    for sandbox in ["sandbox", "team-a-sandbox"] {
        let settings = policy.settings(Some(sandbox));
        assert!(
            !settings.admission.denies(rule, Severity::Warning),
            "{sandbox}"
        );
        assert!(
            settings.admission.denies(rule, Severity::Error),
            "{sandbox}"
        );
        assert_eq!(settings.admission.artifact_gc, None, "{sandbox}");
        assert!(settings.admission.mutate, "{sandbox}");
    }
    // Cluster-scoped objects (no namespace) get the top level.
    assert!(
        policy
            .settings(None)
            .admission
            .denies(rule, Severity::Warning)
    );
}

#[test]
fn yaml_policy_errors_point_at_the_line() {
    let text = "apiVersion: wflint.dev/v1\nkind: Policy\nadmission:\n  denyAt: fatal\n  mutate: yes please\nrules:\n  ignore: [unknown-feild]\n";
    let Err(PolicyError::Invalid { problems, .. }) = Policy::from_bytes("p.yaml", text.as_bytes())
    else {
        panic!("accepted")
    };
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(
        shown[0].starts_with("4:11: admission.denyAt: \"fatal\""),
        "{shown:?}"
    );
    assert!(
        shown[1].starts_with("5:11: admission.mutate: \"yes please\""),
        "{shown:?}"
    );
    assert_eq!(
        shown.len(),
        2,
        "meaning is checked once the shape is right: {shown:?}"
    );

    let text = "apiVersion: wflint.dev/v1\nkind: Policy\nrules:\n  ignore: [unknown-feild]\n";
    let error = Policy::from_bytes("p.yaml", text.as_bytes())
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "invalid policy file p.yaml:\n  p.yaml:4:12: rules.ignore[0]: unknown rule or group `unknown-feild` (did you mean `unknown-field`?)"
    );
    let text = "apiVersion: wflint.dev/v1\nkind: Policy\nadmision: {}\n";
    let error = Policy::from_bytes("p.yaml", text.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        error.ends_with("p.yaml:3:1: admision: unknown field `admision`"),
        "{error}"
    );
}
