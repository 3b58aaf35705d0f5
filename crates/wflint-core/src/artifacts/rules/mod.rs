//! The rules of the `artifacts` group, one file each, and the helpers several of them share
//! (garbage-collection strategies, Secret uses, template tags).

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use crate::{
    engine::Sink,
    path::{FieldPath, PointerExt as _},
};

use super::{
    analysis::ArtifactCx,
    execution::{Layer, SpecField},
    location::{
        Driver, block_selectors, driver_of, has_full_location, key_field, key_of,
        repository_driver, secret_selectors,
    },
    resolve::{RepositorySource, Resolution},
    sites::{LocationSite, Role},
};

mod archive_conflict;
mod archive_level;
mod encryption_invalid;
mod gc_ineffective;
mod gc_no_service_account;
mod gc_shared_key;
mod gc_strategy_invalid;
mod gc_unsupported_driver;
mod inline_credentials;
mod insecure;
mod key_extension;
mod output_unsupported;
mod partial_location;
mod ref_looped;
mod ref_not_ancestor;
mod ref_sibling;
mod repository_missing;
mod repository_ref_not_found;
mod repository_unannotated;
mod secret_key_missing;
mod secret_missing;
mod secret_selector_incomplete;

/// Run every rule on one object.
pub(crate) fn run(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    repository_missing::check(cx, sink);
    repository_ref_not_found::check(cx, sink);
    repository_unannotated::check(cx, sink);
    partial_location::check(cx, sink);
    secret_missing::check(cx, sink);
    secret_key_missing::check(cx, sink);
    secret_selector_incomplete::check(cx, sink);
    inline_credentials::check(cx, sink);
    insecure::check(cx, sink);
    encryption_invalid::check(cx, sink);
    archive_conflict::check(cx, sink);
    archive_level::check(cx, sink);
    key_extension::check(cx, sink);
    output_unsupported::check(cx, sink);
    gc_strategy_invalid::check(cx, sink);
    gc_unsupported_driver::check(cx, sink);
    gc_shared_key::check(cx, sink);
    gc_ineffective::check(cx, sink);
    gc_no_service_account::check(cx, sink);
    ref_sibling::check(cx, sink);
    ref_not_ancestor::check(cx, sink);
    ref_looped::check(cx, sink);
}

/// Argo's run-time error for a `{{scope.producer.outputs.artifacts.artifact}}` tag in an
/// artifact's `from` that does not resolve (`ResolveVar`): `Unable to resolve: "…"`. `None`
/// elsewhere: a `fromExpression` fails in expr instead, and other text keeps the tag verbatim
/// (Argo's substitution leaves artifact tags alone), so no message of Argo's applies.
pub(crate) fn unresolved_tag(
    text_path: &FieldPath,
    scope: &str,
    producer: &str,
    artifact: &str,
) -> Option<String> {
    is_from(text_path)
        .then(|| format!("Unable to resolve: \"{scope}.{producer}.outputs.artifacts.{artifact}\""))
}

/// Whether a text is an artifact's `from`.
pub(crate) fn is_from(text_path: &FieldPath) -> bool {
    matches!(text_path.last(), Some(crate::path::Segment::Key(key)) if key == "from")
}

/// Argo's runtime error when no repository is configured (v3.6+/v4 text).
pub(crate) const STORAGE_NOT_CONFIGURED: &str = "artifact storage is not configured; see the docs for setup instructions: https://argo-workflows.readthedocs.io/en/latest/configure-artifact-repository/";

/// The artifact GC strategies Argo knows.
pub(crate) const GC_STRATEGIES: [&str; 3] = ["OnWorkflowCompletion", "OnWorkflowDeletion", "Never"];

/// Whether a strategy deletes artifacts (the two Argo processes).
pub(crate) fn is_deleting(strategy: &str) -> bool {
    matches!(strategy, "OnWorkflowCompletion" | "OnWorkflowDeletion")
}

/// An artifact's own `artifactGC.strategy`, if non-empty.
pub(crate) fn own_strategy(artifact: &Value) -> Option<&str> {
    artifact
        .at("/artifactGC/strategy")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// An output artifact that artifact GC deletes.
pub(crate) struct Collected<'s, 'a> {
    /// Part index.
    pub part: usize,
    /// The output.
    pub site: &'s LocationSite<'a>,
    /// Its effective strategy (a deleting one).
    pub strategy: String,
    /// Whether the strategy is the artifact's own (not the workflow's).
    pub from_artifact: bool,
}

/// Output artifacts of pod templates whose effective GC strategy deletes them (the artifact's
/// own strategy, else the execution spec's). Outputs whose strategy cannot be known are left
/// out.
pub(crate) fn collected_outputs<'s, 'a>(cx: &'s ArtifactCx<'a>) -> Vec<Collected<'s, 'a>> {
    let mut out = Vec::new();
    for (part, site) in cx.all_locations() {
        if site.role != Role::Output || !cx.template_of(part, site).is_some_and(|t| t.runs_pod) {
            continue;
        }
        let (strategy, from_artifact) = match own_strategy(site.value) {
            Some(own) => (own.to_string(), true),
            None => match cx.gc_strategy() {
                SpecField::Set { value, .. } => match value.as_str() {
                    Some(s) => (s.to_string(), false),
                    None => continue,
                },
                SpecField::Unset | SpecField::Unknown { .. } => continue,
            },
        };
        if is_deleting(&strategy) {
            out.push(Collected {
                part,
                site,
                strategy,
                from_artifact,
            });
        }
    }
    out
}

/// Where a finding about a collected output should point when the workflow-level strategy is
/// what makes it collected: the object's own `artifactGC.strategy` when it sets it, else `None`
/// (the output itself).
pub(crate) fn own_spec_strategy_path(cx: &ArtifactCx<'_>) -> Option<FieldPath> {
    (cx.gc_strategy().layer() == Some(Layer::Object))
        .then(|| cx.spec_path.key("artifactGC").key("strategy"))
}

/// Where the output is stored at run time: its own driver when its location is full, else the
/// driver of its template's full `archiveLocation`, else the resolved repository's (`None` when
/// that is unknown or not configured).
pub(crate) fn effective_driver(
    cx: &ArtifactCx<'_>,
    part: usize,
    site: &LocationSite<'_>,
) -> Option<Driver> {
    if has_full_location(site.value) {
        return driver_of(site.value).map(|(d, _)| d);
    }
    if let Some(location) = cx
        .template_of(part, site)
        .and_then(|t| t.value.get("archiveLocation"))
        .filter(|l| has_full_location(l))
    {
        return driver_of(location).map(|(d, _)| d);
    }
    cx.resolved()
        .resolution
        .configured_repository()
        .and_then(|r| repository_driver(r))
        .map(|(d, _)| d)
}

/// The tags (`{{...}}` bodies, trimmed) of a string, in order; an unclosed `{{` ends the scan.
pub(crate) fn tags(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            break;
        };
        out.push(after[..end].trim());
        rest = &after[end + 2..];
    }
    out
}

/// A reference to an output artifact of a step or task: `{{steps.X.outputs.artifacts.Y}}`, or
/// the same path inside an expression (`steps.X.outputs.artifacts.Y`, `steps['X']...`).
pub(crate) struct ArtifactReference<'t> {
    /// The step or task (`X`).
    pub producer: &'t str,
    /// The artifact (`Y`).
    pub artifact: &'t str,
}

/// `steps.X.outputs.artifacts.Y` or `tasks.X...`, with `['X']` indexing for names an
/// expression cannot spell with dots. ASCII-only, so the automaton stays small.
static ARTIFACT_REFERENCE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"(?-u:\b)(steps|tasks)(?:\.([A-Za-z0-9][-A-Za-z0-9_]*)|\[['"]([-A-Za-z0-9_.]+)['"]\])\.outputs\.artifacts(?:\.([-A-Za-z0-9_]+)|\[['"]([-A-Za-z0-9_.]+)['"]\])"#,
    )
    .ok()
});

/// The output-artifact references to `steps` or `tasks` (the `scope`) in a string.
pub(crate) fn artifact_references<'t>(text: &'t str, scope: &str) -> Vec<ArtifactReference<'t>> {
    if !text.contains(scope) || !text.contains("outputs") {
        return Vec::new();
    }
    let Some(regex) = ARTIFACT_REFERENCE.as_ref() else {
        return Vec::new();
    };
    regex
        .captures_iter(text)
        .filter(|c| c.get(1).is_some_and(|m| m.as_str() == scope))
        .filter_map(|c| {
            Some(ArtifactReference {
                producer: c.get(2).or_else(|| c.get(3))?.as_str(),
                artifact: c.get(4).or_else(|| c.get(5))?.as_str(),
            })
        })
        .collect()
}

/// The string values under `value` that `keep` accepts (not descending into `inline`
/// templates), with their paths. Paths are only built for the strings kept.
pub(crate) fn strings_of<'v>(
    value: &'v Value,
    path: &FieldPath,
    keep: impl Fn(&str) -> bool,
) -> Vec<(FieldPath, &'v str)> {
    let mut out = Vec::new();
    let mut at = path.clone();
    collect_strings(value, &mut at, &keep, &mut out, 0);
    out
}

fn collect_strings<'v>(
    value: &'v Value,
    at: &mut FieldPath,
    keep: &impl Fn(&str) -> bool,
    out: &mut Vec<(FieldPath, &'v str)>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    match value {
        Value::String(s) if keep(s) => out.push((at.clone(), s)),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                at.push_index(i);
                collect_strings(item, at, keep, out, depth + 1);
                at.pop();
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                if key != "inline" {
                    at.push_key(key.clone());
                    collect_strings(item, at, keep, out, depth + 1);
                    at.pop();
                }
            }
        }
        _ => {}
    }
}

/// A Secret selector the pods of this object mount.
pub(crate) struct SecretUse {
    /// Part index.
    pub part: usize,
    /// Secret name.
    pub name: String,
    /// Key in the Secret.
    pub key: String,
    /// Path of the selector's `name` (or, for repository secrets, of the first artifact that
    /// needs the repository).
    pub name_path: FieldPath,
    /// Path of the selector's `key` (same fallback).
    pub key_path: FieldPath,
    /// What uses it, for messages ("input artifact `x`", "the artifact repository ...").
    pub user: String,
    /// Whether it comes from the resolved repository rather than the object's text.
    pub from_repository: bool,
}

/// Every Secret selector the object's pods mount: those of its artifacts and full archive
/// locations as written, and those of the resolved repository when a template needs it. Rules
/// read them through [`ArtifactCx::secret_uses`], which collects them once.
pub(crate) fn collect_secret_uses(cx: &ArtifactCx<'_>) -> Vec<SecretUse> {
    let mut uses = Vec::new();
    for (part, site) in cx.all_locations() {
        if site.role == Role::ArchiveLocation && !has_full_location(site.value) {
            continue;
        }
        for selector in secret_selectors(site.value) {
            if let Some((name, key)) = selector.mount() {
                let base = site.path.join(&selector.path);
                uses.push(SecretUse {
                    part,
                    name: name.to_string(),
                    key: key.to_string(),
                    name_path: base.key("name"),
                    key_path: base.key("key"),
                    user: cx.describe(part, site),
                    from_repository: false,
                });
            }
        }
    }
    let resolved = cx.resolved();
    if let (Some(repository), Some((part, first))) = (
        resolved.resolution.configured_repository(),
        cx.needs().first(),
    ) && let Some((driver, block)) = repository_driver(repository)
    {
        let source = repository_source(&resolved.resolution);
        for selector in block_selectors(driver, block) {
            if let Some((name, key)) = selector.mount() {
                uses.push(SecretUse {
                    part: *part,
                    name: name.to_string(),
                    key: key.to_string(),
                    name_path: first.need.path.clone(),
                    key_path: first.need.path.clone(),
                    user: format!("the artifact repository ({source})"),
                    from_repository: true,
                });
            }
        }
    }
    uses
}

/// A plain-words name of where the resolved repository is defined.
pub(crate) fn repository_source(resolution: &Resolution) -> String {
    match resolution {
        Resolution::Resolved {
            source:
                RepositorySource::ConfigMap {
                    namespace,
                    name,
                    key,
                },
            ..
        } => format!("ConfigMap `{name}` key `{key}` in namespace `{namespace}`"),
        Resolution::Resolved {
            source: RepositorySource::ControllerDefault,
            ..
        } => "the controller's `artifactRepository`".to_string(),
        _ => "unknown".to_string(),
    }
}

/// The path of an artifact's key field (e.g. `...artifacts[0].s3.key`), when it has a key.
pub(crate) fn key_path(site: &LocationSite<'_>) -> Option<FieldPath> {
    key_of(site.value)?;
    let (driver, _) = driver_of(site.value)?;
    Some(site.path.key(driver.field()).key(key_field(driver)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_the_trimmed_bodies_of_double_braces() {
        assert_eq!(
            tags("a/{{ workflow.uid }}/{{pod.name}}.tgz"),
            vec!["workflow.uid", "pod.name"]
        );
        assert_eq!(tags("{{=sprig.trim(x)}} {{open"), vec!["=sprig.trim(x)"]);
        assert!(tags("plain").is_empty());
    }

    #[test]
    fn artifact_references_in_tags_and_expressions() {
        let found = |text: &str, scope: &str| -> Vec<(String, String)> {
            artifact_references(text, scope)
                .iter()
                .map(|r| (r.producer.to_string(), r.artifact.to_string()))
                .collect()
        };
        assert_eq!(
            found("{{steps.gen-1.outputs.artifacts.out}}", "steps"),
            vec![("gen-1".into(), "out".into())]
        );
        assert_eq!(
            found(
                "tasks['a-b'].outputs.artifacts['x'] ?? tasks.c.outputs.artifacts.y",
                "tasks"
            ),
            vec![("a-b".into(), "x".into()), ("c".into(), "y".into())]
        );
        assert!(found("{{tasks.a.outputs.parameters.p}}", "tasks").is_empty());
        assert!(found("{{steps.a.outputs.artifacts.x}}", "tasks").is_empty());
    }
}
