//! `artifact-secret-missing`: a credentials Secret the pods mount is not in the workflow's
//! namespace.

use std::collections::BTreeSet;

use crate::{context::Lookup, diagnostic::Target, engine::Sink, rules::artifacts::SECRET_MISSING};

use super::super::{
    analysis::ArtifactCx,
    resolve::{RepositorySource, Resolution},
};

pub(crate) fn check(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&SECRET_MISSING) {
        return;
    }
    let Some(namespace) = cx.namespace() else {
        return;
    };
    let mut reported = BTreeSet::new();
    for secret in cx.secret_uses() {
        if !cx
            .object
            .context
            .secret(namespace, &secret.name)
            .is_missing()
        {
            continue;
        }
        let diagnostic = cx.finding(
            &SECRET_MISSING,
            secret.part,
            secret.name_path.clone(),
            Target::Value,
            String::new(),
        );
        if !reported.insert((diagnostic.path.to_string(), secret.name.clone())) {
            continue;
        }
        let elsewhere = elsewhere(cx, namespace, &secret.name);
        let message = format!(
            "Secret `{}` (used by {}) is not in namespace `{namespace}`{}; Argo mounts it into the workflow's pods, which stay in ContainerCreating",
            secret.name,
            secret.user,
            match elsewhere.first() {
                Some((ns, why)) => format!(" (it exists only in {why} `{ns}`)"),
                None => String::new(),
            }
        );
        let help = match elsewhere.first() {
            Some((from, _)) => format!(
                "Secrets are read from the workflow's own namespace, whatever namespace defines the repository. Copy it: `kubectl get secret {name} -n {from} -o yaml | grep -v -e '^  namespace:' -e '^  uid:' -e '^  resourceVersion:' -e '^  creationTimestamp:' | kubectl apply -n {namespace} -f -`, or keep copies in sync with a replicator (e.g. kubernetes-replicator or reflector).",
                name = secret.name
            ),
            None => format!(
                "Create Secret `{}` with key `{}` in namespace `{namespace}` (Secrets are read from the workflow's own namespace), or fix the name.",
                secret.name, secret.key
            ),
        };
        let mut diagnostic = diagnostic
            .argo(format!(
                "MountVolume.SetUp failed for volume \"{0}\" : secret \"{0}\" not found",
                secret.name
            ))
            .help(help);
        diagnostic.message = message;
        sink.report(diagnostic);
    }
}

/// Other namespaces the context knows to hold the Secret: the controller's, and the one of the
/// repository's ConfigMap.
fn elsewhere(cx: &ArtifactCx<'_>, namespace: &str, name: &str) -> Vec<(String, &'static str)> {
    let mut candidates: Vec<(String, &'static str)> = Vec::new();
    if let Lookup::Found(config) = cx.object.context.controller()
        && !config.namespace.is_empty()
    {
        candidates.push((config.namespace.clone(), "the controller's namespace"));
    }
    if let Resolution::Resolved {
        source: RepositorySource::ConfigMap { namespace: ns, .. },
        ..
    } = &cx.resolved().resolution
    {
        candidates.push((ns.clone(), "the repository ConfigMap's namespace"));
    }
    let mut seen = BTreeSet::new();
    candidates
        .into_iter()
        .filter(|(ns, _)| ns != namespace && seen.insert(ns.clone()))
        .filter(|(ns, _)| matches!(cx.object.context.secret(ns, name), Lookup::Found(_)))
        .collect()
}
