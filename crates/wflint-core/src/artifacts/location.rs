//! Artifact locations as Argo reads them: which driver block counts, what a *full* location is,
//! what the key is, and which artifacts of a workflow spec need an artifact repository.
//!
//! Works on the raw JSON of an object (argo-semantics.md §4.6, §5.1) so that it does not depend
//! on the typed model; every function takes the JSON of one artifact, location or spec.

use serde_json::Value;

use crate::path::{FieldPath, PointerExt as _};

use super::sites::{
    Callee, LocationSite, Role, SpecSites, exit_hook_with_workflow_arguments, walk_spec,
};

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

    /// Whether artifact GC can delete from this driver (Argo's drivers for http, artifactory,
    /// hdfs, git and raw answer "delete not supported").
    pub fn can_delete(self) -> bool {
        matches!(
            self,
            Driver::S3 | Driver::Gcs | Driver::Azure | Driver::Oss | Driver::Plugin
        )
    }

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

/// The driver block that counts for an artifact or location, with its value: the first of
/// [`Driver::ARTIFACT_ORDER`] present. One pass over the object's few keys (a look-up per
/// driver showed in profiles: this runs for every artifact of every rule).
pub fn driver_of(location: &Value) -> Option<(Driver, &Value)> {
    location
        .as_object()?
        .iter()
        .filter(|(_, block)| !block.is_null())
        .filter_map(|(key, block)| {
            let (rank, &driver) = Driver::ARTIFACT_ORDER
                .iter()
                .enumerate()
                .find(|(_, driver)| driver.field() == key)?;
            Some((rank, driver, block))
        })
        .min_by_key(|&(rank, ..)| rank)
        .map(|(_, driver, block)| (driver, block))
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

/// The field of a driver block that holds the key (`None` for git and raw, which have none).
pub fn key_field(driver: Driver) -> Option<&'static str> {
    match driver {
        Driver::S3 | Driver::Gcs | Driver::Oss | Driver::Plugin => Some("key"),
        Driver::Azure => Some("blob"),
        Driver::Hdfs => Some("path"),
        Driver::Artifactory | Driver::Http => Some("url"),
        Driver::Git | Driver::Raw => None,
    }
}

/// Whether a JSON value counts as "set" the way Go's zero values and `omitempty` see it.
pub fn is_set(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Number(_) => true,
    }
}

/// The fields of a location that is not full which Argo discards when it relocates the artifact
/// into the repository (every set field of the driver block except the key; for an
/// artifactory/http URL with a host, the host part of the URL too, reported as `url`).
pub fn discarded_fields(location: &Value) -> Vec<&str> {
    if has_full_location(location) {
        return Vec::new();
    }
    let Some((driver, block)) = driver_of(location) else {
        return Vec::new();
    };
    if matches!(driver, Driver::Git | Driver::Raw) {
        return Vec::new();
    }
    let key = key_field(driver);
    let Some(fields) = block.as_object() else {
        return Vec::new();
    };
    fields
        .iter()
        .filter(|(name, value)| {
            if Some(name.as_str()) == key {
                // Only the path of a URL survives relocation.
                matches!(driver, Driver::Artifactory | Driver::Http)
                    && value.as_str().is_some_and(|url| url.contains("://"))
            } else {
                is_set(value)
            }
        })
        .map(|(name, _)| name.as_str())
        .collect()
}

/// A Kubernetes `SecretKeySelector` position in a driver block.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectorRef<'v> {
    /// Path of the selector relative to the driver block (e.g. `accessKeySecret`,
    /// `auth.basicAuth.usernameSecret`).
    pub path: FieldPath,
    /// The selector JSON (`{name, key}`).
    pub value: &'v Value,
    /// Whether Argo mounts it into the pod as a volume when `name` and `key` are set (SSE-C
    /// keys are only mounted with `enableEncryption: true`).
    pub mounted: bool,
}

impl<'v> SelectorRef<'v> {
    /// `name`, if non-empty.
    pub fn name(&self) -> Option<&'v str> {
        text(self.value, "name")
    }

    /// `key`, if non-empty.
    pub fn key(&self) -> Option<&'v str> {
        text(self.value, "key")
    }

    /// The Secret name and key when Argo mounts this selector (both set).
    pub fn mount(&self) -> Option<(&'v str, &'v str)> {
        if !self.mounted {
            return None;
        }
        Some((self.name()?, self.key()?))
    }
}

/// The selector positions of each driver, relative to its block.
fn selector_fields(driver: Driver) -> &'static [&'static str] {
    match driver {
        Driver::S3 => &[
            "accessKeySecret",
            "secretKeySecret",
            "sessionTokenSecret",
            "caSecret",
            "encryptionOptions.serverSideCustomerKeySecret",
        ],
        Driver::Git => &["usernameSecret", "passwordSecret", "sshPrivateKeySecret"],
        Driver::Artifactory => &["usernameSecret", "passwordSecret"],
        Driver::Hdfs => &["krbCCacheSecret", "krbKeytabSecret"],
        Driver::Oss => &["accessKeySecret", "secretKeySecret"],
        Driver::Gcs => &["serviceAccountKeySecret"],
        Driver::Http => &[
            "auth.basicAuth.usernameSecret",
            "auth.basicAuth.passwordSecret",
            "auth.clientCert.clientCertSecret",
            "auth.clientCert.clientKeySecret",
            "auth.oauth2.clientIDSecret",
            "auth.oauth2.clientSecretSecret",
            "auth.oauth2.tokenURLSecret",
        ],
        Driver::Azure => &["accountKeySecret"],
        Driver::Raw | Driver::Plugin => &[],
    }
}

/// The Secret selectors present (as mappings) in a driver block.
pub fn block_selectors(driver: Driver, block: &Value) -> Vec<SelectorRef<'_>> {
    let sse_c_enabled = block
        .at("/encryptionOptions/enableEncryption")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    selector_fields(driver)
        .iter()
        .filter_map(|dotted| {
            let value = dotted_field(block, dotted).filter(|v| v.is_object())?;
            let mounted =
                *dotted != "encryptionOptions.serverSideCustomerKeySecret" || sse_c_enabled;
            Some(SelectorRef {
                path: FieldPath::parse(dotted),
                value,
                mounted,
            })
        })
        .collect()
}

/// The value at a dotted field of a driver block (`auth.basicAuth.usernameSecret`; keys
/// only, no indices), found without building a path.
pub(crate) fn dotted_field<'v>(block: &'v Value, dotted: &str) -> Option<&'v Value> {
    dotted
        .split('.')
        .try_fold(block, |value, key| value.get(key))
}

/// The Secret selectors of an artifact or location, with paths relative to it (e.g.
/// `s3.accessKeySecret`).
pub fn secret_selectors(location: &Value) -> Vec<SelectorRef<'_>> {
    let Some((driver, block)) = driver_of(location) else {
        return Vec::new();
    };
    let base = FieldPath::root().key(driver.field());
    block_selectors(driver, block)
        .into_iter()
        .map(|selector| SelectorRef {
            path: base.join(&selector.path),
            ..selector
        })
        .collect()
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
    /// An argument taking (`from`) an output its producer stored through its template's full
    /// `archiveLocation` without a location of its own: Argo records that output with its key
    /// only, so the pod loading it reads it from the repository.
    ArchivedOutputPassed,
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
            NeedReason::ArchivedOutputPassed => format!(
                "{} takes an output stored through an archiveLocation (recorded by key only)",
                self.path
            ),
        }
    }
}

/// Settings of the execution spec that decide which templates need the repository.
#[derive(Debug, Clone, Copy, Default)]
pub struct NeedSettings<'a> {
    /// `spec.archiveLogs` (of the execution spec).
    pub spec_archive_logs: Option<bool>,
    /// Whether the resolved repository has `archiveLogs: true` (then every pod archives its
    /// logs, whatever the spec and templates say).
    pub repository_archive_logs: bool,
    /// `spec.templateDefaults.archiveLocation` (of the execution spec).
    pub default_archive_location: Option<&'a Value>,
    /// The templates the workflow's `spec.arguments` are given to at the top (see
    /// [`workflow_receivers`]); `None` when not known, and then every key-only workflow
    /// argument counts as needing the repository.
    pub workflow_receivers: Option<&'a [Callee<'a>]>,
}

/// The templates Argo gives the workflow's `spec.arguments` to, from the execution spec's
/// `entrypoint`, `onExit` and `hooks`: the entrypoint, and the exit handler (`onExit`, else
/// `hooks.exit` when it has no arguments of its own). `None` when the entrypoint is not a plain
/// template name (unset, templated, or given at submission).
pub fn workflow_receivers<'v>(
    entrypoint: Option<&'v Value>,
    on_exit: Option<&'v Value>,
    hooks: Option<&'v Value>,
) -> Option<Vec<Callee<'v>>> {
    let entrypoint = entrypoint
        .and_then(Value::as_str)
        .filter(|name| !name.is_empty() && !name.contains("{{"))?;
    let mut receivers = vec![Callee::Template(entrypoint)];
    match on_exit
        .and_then(Value::as_str)
        .filter(|name| !name.is_empty())
    {
        Some(name) if name.contains("{{") => receivers.push(Callee::Other),
        Some(name) => receivers.push(Callee::Template(name)),
        None => receivers.extend(
            hooks
                .and_then(|h| h.get("exit"))
                .and_then(exit_hook_with_workflow_arguments),
        ),
    }
    Some(receivers)
}

/// Whether `text` (a `from` or `fromExpression`) names the input artifact `name`:
/// `inputs.artifacts.NAME` or `inputs.artifacts['NAME']`.
fn mentions_input(text: &str, name: &str) -> bool {
    const PREFIX: &str = "inputs.artifacts";
    let mut rest = text;
    while let Some(at) = rest.find(PREFIX) {
        let after = &rest[at + PREFIX.len()..];
        let named = if let Some(tail) = after.strip_prefix('.') {
            tail.strip_prefix(name).is_some_and(|end| {
                !end.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            })
        } else if let Some(tail) = after.strip_prefix('[') {
            ['\'', '"'].iter().any(|quote| {
                tail.strip_prefix(*quote)
                    .and_then(|t| t.strip_prefix(name))
                    .and_then(|t| t.strip_prefix(*quote))
                    .is_some_and(|t| t.starts_with(']'))
            })
        } else {
            false
        };
        if named {
            return true;
        }
        rest = after;
    }
    false
}

/// Whether an artifact (step argument or steps/DAG output) takes its value from the
/// template's input artifact `name` (`from` or `fromExpression`).
fn passes_input(artifact: &Value, name: &str) -> bool {
    ["from", "fromExpression"].iter().any(|field| {
        artifact
            .get(field)
            .and_then(Value::as_str)
            .is_some_and(|text| mentions_input(text, name))
    })
}

/// Whether the template declares the input artifact `name`.
fn declares_input(template: &Value, name: &str) -> bool {
    template
        .at("/inputs/artifacts")
        .and_then(Value::as_array)
        .is_some_and(|inputs| {
            inputs
                .iter()
                .any(|i| i.get("name").and_then(Value::as_str) == Some(name))
        })
}

/// At most this many templates deep is an argument followed through steps and DAGs.
const MAX_ARGUMENT_DEPTH: usize = 32;

/// Whether an artifact given to `callee` as its input `name` may be loaded by a pod that takes
/// its archive location from the repository: a pod template that declares the input and has no
/// full archive location (own or `templateDefaults`), or one reached by passing the input on
/// (`from: "{{inputs.artifacts.NAME}}"`) through steps and DAGs. What cannot be followed (a
/// `templateRef`, a template not in `sites`, a steps/DAG output passing the input on, another
/// template type) counts as loaded, as it did before arguments were followed. A template that
/// does not declare the input ignores the argument.
fn argument_reaches_repository(
    sites: &SpecSites<'_>,
    covered: &[bool],
    callee: Callee<'_>,
    name: &str,
    visited: &mut Vec<(usize, String)>,
    depth: usize,
) -> bool {
    let index = match callee {
        Callee::Template(wanted) => sites
            .templates
            .iter()
            .position(|t| !t.inline && t.name == wanted),
        Callee::Inline(index) => Some(index),
        Callee::Other => None,
    };
    let Some((index, template)) =
        index.and_then(|i| sites.templates.get(i).map(|template| (i, template)))
    else {
        return true;
    };
    if !declares_input(template.value, name) {
        return false;
    }
    if template.runs_pod {
        return !covered.get(index).copied().unwrap_or(false);
    }
    let composite = template.value.get("steps").is_some_and(Value::is_array)
        || template.value.at("/dag/tasks").is_some_and(Value::is_array);
    if !composite || depth >= MAX_ARGUMENT_DEPTH {
        return true;
    }
    if visited.iter().any(|(t, n)| *t == index && n == name) {
        return false;
    }
    visited.push((index, name.to_string()));
    for site in sites
        .locations
        .iter()
        .filter(|l| l.template == Some(index) && passes_input(l.value, name))
    {
        let reaches = match site.role {
            Role::StepArgument => argument_reaches_repository(
                sites,
                covered,
                site.callee.unwrap_or(Callee::Other),
                site.name(),
                visited,
                depth + 1,
            ),
            // An output of the steps/DAG template: its consumers are not followed.
            Role::Output => true,
            _ => false,
        };
        if reaches {
            return true;
        }
    }
    false
}

/// `{{steps.STEP.outputs.artifacts.NAME}}` (or `tasks.`), the whole text: scope, step, name.
fn output_tag(text: &str) -> Option<(&str, &str, &str)> {
    let inner = text.trim().strip_prefix("{{")?.strip_suffix("}}")?.trim();
    let (scope, rest) = inner.split_once('.')?;
    let (step, rest) = rest.split_once(".outputs.artifacts.")?;
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    (matches!(scope, "steps" | "tasks") && plain(step) && plain(rest))
        .then_some((scope, step, rest))
}

/// Whether a step argument takes (`from`) an output of a sibling step whose pod template has a
/// full archive location and gives that output no location of its own: the executor stores it
/// there but records it with its key only (`saveArtifactFromFile`), so it reaches the next pod
/// key-only. Only what can be followed within the template (a plain step name running a plain
/// template name) is considered.
fn passes_archived_output(
    sites: &SpecSites<'_>,
    covered: &[bool],
    site: &LocationSite<'_>,
) -> bool {
    // The common case: no template of the spec has its own archive location.
    if !covered.contains(&true) {
        return false;
    }
    let Some((scope, step, artifact)) = site
        .value
        .get("from")
        .and_then(Value::as_str)
        .and_then(output_tag)
    else {
        return false;
    };
    let Some(holder) = site.template.and_then(|t| sites.templates.get(t)) else {
        return false;
    };
    let steps: Vec<&Value> = match scope {
        "steps" => holder
            .value
            .get("steps")
            .and_then(Value::as_array)
            .map(|groups| {
                groups
                    .iter()
                    .filter_map(Value::as_array)
                    .flatten()
                    .collect()
            })
            .unwrap_or_default(),
        _ => holder
            .value
            .at("/dag/tasks")
            .and_then(Value::as_array)
            .map(|tasks| tasks.iter().collect())
            .unwrap_or_default(),
    };
    let Some(producer) = steps
        .iter()
        .find(|s| s.get("name").and_then(Value::as_str) == Some(step))
        .and_then(|s| s.get("template"))
        .and_then(Value::as_str)
    else {
        return false;
    };
    let Some((index, template)) = sites
        .templates
        .iter()
        .enumerate()
        .find(|(_, t)| !t.inline && t.name == producer)
    else {
        return false;
    };
    template.runs_pod
        && covered.get(index).copied().unwrap_or(false)
        && template
            .value
            .at("/outputs/artifacts")
            .and_then(Value::as_array)
            .and_then(|outputs| {
                outputs
                    .iter()
                    .find(|o| o.get("name").and_then(Value::as_str) == Some(artifact))
            })
            .is_some_and(|output| !has_full_location(output))
}

/// One need found by [`spec_needs`], with the site it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteNeed {
    /// The need.
    pub need: RepositoryNeed,
    /// Index of the template (in [`SpecSites::templates`]) whose pod needs the repository
    /// (`None` for workflow arguments).
    pub template: Option<usize>,
    /// Index of the artifact (in [`SpecSites::locations`]), `None` for archived logs.
    pub location: Option<usize>,
    /// For archived logs: whether the flag comes from the template (`archiveLocation.archiveLogs`)
    /// rather than the spec or the repository.
    pub logs_from_template: bool,
}

/// Whether the template's effective archive location is full (its own `archiveLocation`, else
/// the execution spec's `templateDefaults.archiveLocation`).
pub fn has_full_archive_location(template: &Value, settings: &NeedSettings<'_>) -> bool {
    match template
        .get("archiveLocation")
        .filter(|l| driver_of(l).is_some())
    {
        Some(own) => has_full_location(own),
        None => settings
            .default_archive_location
            .is_some_and(has_full_location),
    }
}

/// Whether the template archives its logs (`IsArchiveLogs`: repository on > template > spec).
pub fn archives_logs(template: &Value, settings: &NeedSettings<'_>) -> (bool, bool) {
    if settings.repository_archive_logs {
        return (true, false);
    }
    let own = template
        .at("/archiveLocation/archiveLogs")
        .and_then(Value::as_bool);
    let defaults = settings
        .default_archive_location
        .and_then(|l| l.get("archiveLogs"))
        .and_then(Value::as_bool);
    match own.or(defaults) {
        Some(flag) => (flag, own.is_some()),
        None => (settings.spec_archive_logs == Some(true), false),
    }
}

/// Every place among `sites` that needs an artifact repository: output artifacts of pod
/// templates without a full location, key-only input and argument artifacts, archived logs —
/// except in templates whose archive location is full.
pub fn spec_needs(sites: &SpecSites<'_>, settings: &NeedSettings<'_>) -> Vec<SiteNeed> {
    let covered: Vec<bool> = sites
        .templates
        .iter()
        .map(|t| has_full_archive_location(t.value, settings))
        .collect();
    let mut needs = Vec::new();
    for (index, site) in sites.locations.iter().enumerate() {
        let template = site.template.and_then(|t| sites.templates.get(t));
        let template_covered = site
            .template
            .is_some_and(|t| covered.get(t).copied().unwrap_or(false));
        let reason = match site.role {
            // An argument is read by the pods of the templates it reaches (see
            // `argument_reaches_repository`), not by the step or workflow passing it.
            Role::SpecArgument if is_key_only(site.value) => {
                let reaches = match settings.workflow_receivers {
                    None => true,
                    Some(receivers) => {
                        let mut visited = Vec::new();
                        receivers.iter().chain(&sites.exit_hooks).any(|callee| {
                            argument_reaches_repository(
                                sites,
                                &covered,
                                *callee,
                                site.name(),
                                &mut visited,
                                0,
                            )
                        })
                    }
                };
                reaches.then_some(NeedReason::KeyOnlyInput)
            }
            Role::StepArgument if is_key_only(site.value) => argument_reaches_repository(
                sites,
                &covered,
                site.callee.unwrap_or(Callee::Other),
                site.name(),
                &mut Vec::new(),
                0,
            )
            .then_some(NeedReason::KeyOnlyInput),
            Role::StepArgument
                if !has_full_location(site.value)
                    && passes_archived_output(sites, &covered, site) =>
            {
                argument_reaches_repository(
                    sites,
                    &covered,
                    site.callee.unwrap_or(Callee::Other),
                    site.name(),
                    &mut Vec::new(),
                    0,
                )
                .then_some(NeedReason::ArchivedOutputPassed)
            }
            Role::Input if !template_covered && is_key_only(site.value) => match site.template {
                // A steps or DAG template loads nothing itself: its key-only default is read by
                // the pods it passes the input on to.
                Some(index) if template.is_some_and(|t| !t.runs_pod) => {
                    argument_reaches_repository(
                        sites,
                        &covered,
                        Callee::Inline(index),
                        site.name(),
                        &mut Vec::new(),
                        0,
                    )
                    .then_some(NeedReason::KeyOnlyInput)
                }
                _ => Some(NeedReason::KeyOnlyInput),
            },
            Role::Output
                if !template_covered
                    && template.is_some_and(|t| t.runs_pod)
                    && !has_full_location(site.value) =>
            {
                Some(NeedReason::OutputWithoutLocation)
            }
            _ => None,
        };
        if let Some(reason) = reason {
            needs.push(SiteNeed {
                need: RepositoryNeed {
                    reason,
                    path: site.path.clone(),
                },
                template: if site.role == Role::SpecArgument {
                    None
                } else {
                    site.template
                },
                location: Some(index),
                logs_from_template: false,
            });
        }
    }
    for (t, template) in sites.templates.iter().enumerate() {
        if !template.runs_pod || covered.get(t).copied().unwrap_or(false) {
            continue;
        }
        let (archived, from_template) = archives_logs(template.value, settings);
        if archived {
            needs.push(SiteNeed {
                need: RepositoryNeed {
                    reason: NeedReason::ArchivedLogs,
                    path: if from_template {
                        template.path.key("archiveLocation").key("archiveLogs")
                    } else {
                        template.path.clone()
                    },
                },
                template: Some(t),
                location: None,
                logs_from_template: from_template,
            });
        }
    }
    needs.sort_by_key(|n| order_key(sites, n));
    needs
}

/// Document order of a need: its artifact's position, or for logs the position right after the
/// template's last artifact.
fn order_key(sites: &SpecSites<'_>, need: &SiteNeed) -> (usize, usize) {
    match need.location {
        Some(index) => (index, 0),
        None => {
            let last = sites
                .locations
                .iter()
                .enumerate()
                .filter(|(_, l)| l.template == need.template && l.role != Role::StepArgument)
                .map(|(i, _)| i)
                .max();
            match (last, need.template) {
                (Some(i), _) => (i, 1),
                (None, Some(t)) => {
                    // A template without artifacts: after the artifacts of earlier templates.
                    let before = sites
                        .locations
                        .iter()
                        .position(|l| l.template.is_some_and(|lt| lt > t))
                        .unwrap_or(sites.locations.len());
                    (before, 0)
                }
                (None, None) => (usize::MAX, 0),
            }
        }
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
    let sites = walk_spec(spec, spec_path);
    let receivers = workflow_receivers(
        spec.get("entrypoint"),
        spec.get("onExit"),
        spec.get("hooks"),
    );
    let settings = NeedSettings {
        spec_archive_logs: spec.get("archiveLogs").and_then(Value::as_bool),
        repository_archive_logs: false,
        default_archive_location: spec.at("/templateDefaults/archiveLocation"),
        workflow_receivers: receivers.as_deref(),
    };
    spec_needs(&sites, &settings)
        .into_iter()
        .map(|n| n.need)
        .collect()
}

/// Whether anything in the spec needs an artifact repository (see [`repository_needs`]).
pub fn needs_repository(spec: &Value) -> bool {
    !repository_needs(spec, &FieldPath::root()).is_empty()
}

/// Whether the spec has output artifacts that artifact GC could collect (outputs of pod
/// templates, or archived logs).
pub fn produces_collectable_artifacts(spec: &Value) -> bool {
    let sites = walk_spec(spec, &FieldPath::root());
    let settings = NeedSettings {
        spec_archive_logs: spec.get("archiveLogs").and_then(Value::as_bool),
        ..NeedSettings::default()
    };
    sites.templates.iter().enumerate().any(|(t, template)| {
        template.runs_pod
            && (archives_logs(template.value, &settings).0
                || sites
                    .locations
                    .iter()
                    .any(|l| l.role == Role::Output && l.template == Some(t)))
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_first_present_driver_in_argos_order_counts() {
        for driver in Driver::ARTIFACT_ORDER {
            let block = json!({driver.field(): {}});
            assert_eq!(driver_of(&block).map(|(d, _)| d), Some(driver));
        }
        assert_eq!(driver_of(&json!({"name": {}})), None);
        // s3 comes after git in Argo's order, whatever the key order of the mapping.
        let both = json!({"s3": {"key": "k"}, "name": "a", "git": {"repo": "r"}});
        assert_eq!(driver_of(&both).map(|(d, _)| d), Some(Driver::Git));
        // A null block is absent.
        let null_git = json!({"s3": {"key": "k"}, "git": null});
        let (driver, block) = driver_of(&null_git).unwrap();
        assert_eq!((driver, block), (Driver::S3, &json!({"key": "k"})));
        assert_eq!(driver_of(&json!({"name": "a"})), None);
        assert_eq!(driver_of(&json!("s3")), None);
    }

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
    fn arguments_need_the_repository_only_where_they_are_loaded() {
        let spec = |entrypoint: &str| {
            json!({
                "entrypoint": entrypoint,
                "arguments": {"artifacts": [{"name": "a", "s3": {"key": "x"}}]},
                "templates": [
                    {"name": "flow", "inputs": {"artifacts": [{"name": "a"}]},
                     "steps": [[{"name": "s", "template": "full",
                        "arguments": {"artifacts": [{"name": "i", "from": "{{inputs.artifacts.a}}"}]}}]]},
                    {"name": "leak", "inputs": {"artifacts": [{"name": "a"}]},
                     "outputs": {"artifacts": [{"name": "o", "from": "{{inputs.artifacts.a}}"}]},
                     "steps": [[{"name": "s", "template": "full"}]]},
                    {"name": "full", "container": {"image": "a"},
                     "archiveLocation": {"s3": {"bucket": "b", "key": "k", "endpoint": "e"}},
                     "inputs": {"artifacts": [{"name": "i", "path": "/i"}]}},
                    {"name": "bare", "container": {"image": "a"},
                     "inputs": {"artifacts": [{"name": "a", "path": "/a"}]}}
                ]
            })
        };
        let needed =
            |entrypoint: &str| !repository_needs(&spec(entrypoint), &FieldPath::root()).is_empty();
        assert!(!needed("flow"));
        // Passed on as an output of the steps template: its consumers are not followed.
        assert!(needed("leak"));
        assert!(needed("bare"));
        // Declared by nobody: ignored.
        assert!(!needed("full"));
        // Templated or missing entrypoints are not followed.
        assert!(needed("{{workflow.parameters.e}}"));
        assert!(needed("nowhere"));
    }

    #[test]
    fn input_mentions() {
        assert!(mentions_input("{{inputs.artifacts.a-b}}", "a-b"));
        assert!(mentions_input("x ? inputs.artifacts['a'] : nil", "a"));
        assert!(mentions_input(r#"inputs.artifacts["a"]"#, "a"));
        assert!(!mentions_input("{{inputs.artifacts.ab}}", "a"));
        assert!(!mentions_input("{{inputs.artifacts.a-b}}", "a"));
        assert!(!mentions_input("{{inputs.parameters.a}}", "a"));
        assert!(mentions_input(
            "inputs.artifacts.b + inputs.artifacts.a",
            "a"
        ));
    }

    #[test]
    fn settings_of_the_execution_spec_decide_logs_and_coverage() {
        let spec = json!({"templates": [
            {"name": "pod", "container": {"image": "a"}},
            {"name": "quiet", "container": {"image": "a"}, "archiveLocation": {"archiveLogs": false}}
        ]});
        let sites = walk_spec(&spec, &FieldPath::root());
        let reasons = |settings: &NeedSettings<'_>| -> Vec<(String, bool)> {
            spec_needs(&sites, settings)
                .iter()
                .map(|n| (n.need.path.to_string(), n.logs_from_template))
                .collect()
        };
        assert!(reasons(&NeedSettings::default()).is_empty());
        // A repository with archiveLogs: true wins over the template's `false`.
        let forced = NeedSettings {
            repository_archive_logs: true,
            ..NeedSettings::default()
        };
        assert_eq!(
            reasons(&forced),
            vec![
                ("templates[0]".to_string(), false),
                ("templates[1]".to_string(), false)
            ]
        );
        // templateDefaults with a full archiveLocation covers every template.
        let location = json!({"archiveLogs": true, "gcs": {"bucket": "b", "key": "k"}});
        let covered = NeedSettings {
            spec_archive_logs: Some(true),
            default_archive_location: Some(&location),
            ..NeedSettings::default()
        };
        assert!(reasons(&covered).is_empty());
    }

    #[test]
    fn discarded_fields_and_selectors() {
        assert_eq!(
            discarded_fields(
                &json!({"s3": {"bucket": "b", "key": "k", "region": "", "insecure": false}})
            ),
            vec!["bucket"]
        );
        assert_eq!(
            discarded_fields(&json!({"artifactory": {"url": "https://host/repo/x"}})),
            vec!["url"]
        );
        assert!(discarded_fields(&json!({"s3": {"key": "k"}})).is_empty());
        assert!(discarded_fields(&json!({"git": {"revision": "main"}})).is_empty());
        let location = json!({"s3": {
            "accessKeySecret": {"name": "s", "key": "a"},
            "secretKeySecret": {"name": "s"},
            "encryptionOptions": {"serverSideCustomerKeySecret": {"name": "c", "key": "k"}}
        }});
        let mounts: Vec<Option<(&str, &str)>> = secret_selectors(&location)
            .iter()
            .map(SelectorRef::mount)
            .collect();
        // secretKeySecret has no key; SSE-C is mounted only with enableEncryption.
        assert_eq!(mounts, vec![Some(("s", "a")), None, None]);
        assert_eq!(
            secret_selectors(&location)[0].path.to_string(),
            "s3.accessKeySecret"
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
