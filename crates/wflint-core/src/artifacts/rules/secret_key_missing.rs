//! `artifact-secret-key-missing`: the Secret exists in the workflow's namespace but lacks the
//! selected key.

use std::collections::BTreeSet;

use crate::{
    context::Lookup, diagnostic::Target, engine::Sink, rules::artifacts::SECRET_KEY_MISSING,
};

use super::super::analysis::ArtifactCx;

pub(crate) fn check(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&SECRET_KEY_MISSING) {
        return;
    }
    let Some(namespace) = cx.namespace() else {
        return;
    };
    let mut reported = BTreeSet::new();
    for secret in cx.secret_uses() {
        let Lookup::Found(found) = cx.object.context.secret(namespace, &secret.name) else {
            continue;
        };
        if found.keys.contains(&secret.key) {
            continue;
        }
        let mut diagnostic = cx.finding(
            &SECRET_KEY_MISSING,
            secret.part,
            secret.key_path.clone(),
            Target::Value,
            String::new(),
        );
        if !reported.insert((
            diagnostic.path.to_string(),
            secret.name.clone(),
            secret.key.clone(),
        )) {
            continue;
        }
        let closest = found
            .keys
            .iter()
            .map(|k| {
                (
                    strsim::jaro_winkler(&k.to_lowercase(), &secret.key.to_lowercase()),
                    k,
                )
            })
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, k)| k.clone());
        let keys: Vec<String> = found.keys.iter().map(|k| format!("`{k}`")).collect();
        diagnostic.message = format!(
            "Secret `{}` in namespace `{namespace}` has no key `{}` (used by {}){}; the pods mounting it stay in ContainerCreating",
            secret.name,
            secret.key,
            secret.user,
            match &closest {
                Some(k) => format!(", did you mean `{k}`?"),
                None => String::new(),
            }
        );
        let diagnostic = diagnostic
            .argo(format!(
                "MountVolume.SetUp failed for volume \"{name}\" : couldn't find key {key} in Secret {namespace}/{name}",
                name = secret.name,
                key = secret.key
            ))
            .help(format!(
                "Key names are case-sensitive. Secret `{}` has: {}. Use one of them{}, or add key `{}` to the Secret.",
                secret.name,
                if keys.is_empty() { "no keys".to_string() } else { keys.join(", ") },
                if secret.from_repository { " in the repository's selector" } else { "" },
                secret.key
            ));
        sink.report(diagnostic);
    }
}
