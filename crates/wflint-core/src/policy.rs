//! Policies: one YAML file (`apiVersion: wflint.dev/v1`, `kind: Policy`) that sets rule
//! severities and ignores, and per namespace (exact names and globs) what the admission gate
//! denies and which artifact defaults it injects. The CLI (`--policy`) and the webhook read the
//! same files.
//!
//! A file is checked in three steps, each giving `file:line:column` errors where it can: the
//! reader (YAML syntax), the JSON Schema generated from [`PolicyDocument`] (shapes, unknown
//! fields, enum values), then the meaning (rule codes exist, globs compile).
//!
//! ```yaml
//! apiVersion: wflint.dev/v1
//! kind: Policy
//! rules:
//!   ignore: [artifact-key-extension]
//!   severity: {artifact-gc-shared-key: error}
//! admission:
//!   denyAt: error
//!   mutate: true
//!   artifactRepositoryRef: namespaceDefault
//! namespaces:
//!   - names: [sandbox, "dev-*"]
//!     admission: {denyRules: []}
//! ```

use std::{
    collections::BTreeMap,
    fmt,
    path::Path,
    sync::{Arc, OnceLock},
};

use globset::{Glob, GlobSet, GlobSetBuilder};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{
    diagnostic::{Severity, Target},
    path::FieldPath,
    rules::{self, Rule, RuleSet, UnknownSelector},
    source::{self, Document, Limits},
    span::{ColumnUnit, LineCol},
};

/// The only `apiVersion` of policy files.
pub const API_VERSION: &str = "wflint.dev/v1";

// ---------------------------------------------------------------------------------------------
// The file format
// ---------------------------------------------------------------------------------------------

/// A wflint policy: which rules run at which severity, what the admission gate denies, and the
/// artifact defaults it injects, with per-namespace overrides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "wflint Policy")]
pub struct PolicyDocument {
    /// Must be `wflint.dev/v1`.
    pub api_version: PolicyApiVersion,
    /// Must be `Policy`.
    pub kind: PolicyKind,
    /// Name and description, for logs and humans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<PolicyMetadata>,
    /// Rule selection and severities, everywhere (CLI and admission).
    #[serde(default)]
    pub rules: RulesConfig,
    /// What the admission gate does, unless a namespace entry says otherwise.
    #[serde(default)]
    pub admission: AdmissionConfig,
    /// Per-namespace overrides. An entry naming the namespace exactly wins; otherwise the first
    /// entry with a matching glob applies; otherwise none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub namespaces: Vec<NamespacePolicy>,
}

/// `apiVersion` of a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PolicyApiVersion {
    /// Version 1.
    #[serde(rename = "wflint.dev/v1")]
    V1,
}

/// `kind` of a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PolicyKind {
    /// The only kind.
    Policy,
}

/// Identification of a policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PolicyMetadata {
    /// Short name, shown in logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What the policy is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Which rules run, at which severity. Selectors are rule codes, group names (`syntax`, `argo`,
/// `artifacts`) or `all`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RulesConfig {
    /// Run only these rules (replaces any selection of an outer level).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select: Option<Vec<String>>,
    /// Never run these rules (added to the ignores of the outer level).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<String>,
    /// Report these rules at this severity (a code wins over its group).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub severity: BTreeMap<String, Severity>,
}

/// What the admission gate does. Every field given replaces the outer level's value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AdmissionConfig {
    /// Findings at this severity or above deny the request (default `error`)...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deny_at: Option<Severity>,
    /// ...when their rule matches one of these selectors (default `[all]`; `[]` never denies:
    /// every finding becomes a warning).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deny_rules: Option<Vec<String>>,
    /// Findings that do not deny are returned as admission warnings from this severity up
    /// (default `warning`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warn_at: Option<Severity>,
    /// Whether the mutating webhook changes objects at all (default `false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutate: Option<bool>,
    /// The `spec.artifactRepositoryRef` to set on objects that store artifacts and set none:
    /// `namespaceDefault` pins the namespace's default repository, `none` sets nothing
    /// (default), or a `{configMap, key}` ref.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_repository_ref: Option<RepositoryRefPolicy>,
    /// The `spec.artifactGC` to set on objects that produce artifacts and have none
    /// (`none`, the default, sets nothing).
    #[serde(
        default,
        rename = "artifactGC",
        skip_serializing_if = "Option::is_none"
    )]
    pub artifact_gc: Option<ArtifactGcPolicy>,
}

/// Which `artifactRepositoryRef` to inject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RepositoryRefPolicy {
    /// `namespaceDefault` or `none`.
    Mode(RepositoryRefMode),
    /// This ref.
    Ref(RepositoryRefSpec),
}

/// Named ways of choosing the ref.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum RepositoryRefMode {
    /// Pin the namespace's default: `artifact-repositories` with the key of its
    /// `workflows.argoproj.io/default-artifact-repository` annotation, when it resolves.
    NamespaceDefault,
    /// Inject nothing.
    None,
}

/// An `artifactRepositoryRef` as Argo spells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RepositoryRefSpec {
    /// The ConfigMap (Argo's default: `artifact-repositories`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_map: Option<String>,
    /// The key (Argo's default: the ConfigMap's default annotation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// Which `artifactGC` to inject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ArtifactGcPolicy {
    /// `none`: inject nothing.
    Off(Off),
    /// Inject this.
    Defaults(ArtifactGcDefaults),
}

/// The word `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Off {
    /// Nothing.
    None,
}

/// A workflow-level `artifactGC` (the fields the gate sets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ArtifactGcDefaults {
    /// When artifacts are deleted.
    pub strategy: ArtifactGcStrategy,
    /// The service account of the GC pod (it needs the RBAC Argo's docs list; without one the
    /// namespace's `default` account is used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account_name: Option<String>,
    /// Remove the finalizer once every GC pod has completed, even if deletion failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force_finalizer_removal: Option<bool>,
}

impl ArtifactGcDefaults {
    /// The `spec.artifactGC` value to inject.
    pub fn to_value(&self) -> Value {
        let mut object = serde_json::Map::new();
        object.insert(
            "strategy".into(),
            Value::String(self.strategy.as_str().into()),
        );
        if let Some(account) = &self.service_account_name {
            object.insert("serviceAccountName".into(), Value::String(account.clone()));
        }
        if let Some(force) = self.force_finalizer_removal {
            object.insert("forceFinalizerRemoval".into(), Value::Bool(force));
        }
        Value::Object(object)
    }
}

/// Argo's artifact GC strategies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ArtifactGcStrategy {
    /// Delete when the workflow completes.
    OnWorkflowCompletion,
    /// Delete when the workflow is deleted.
    OnWorkflowDeletion,
    /// Never delete.
    Never,
}

impl ArtifactGcStrategy {
    /// Argo's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ArtifactGcStrategy::OnWorkflowCompletion => "OnWorkflowCompletion",
            ArtifactGcStrategy::OnWorkflowDeletion => "OnWorkflowDeletion",
            ArtifactGcStrategy::Never => "Never",
        }
    }
}

/// Overrides for some namespaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NamespacePolicy {
    /// Namespace names (`argo`) or globs (`team-*`, `dev-?`).
    #[schemars(length(min = 1))]
    pub names: Vec<String>,
    /// Layered over the top-level `rules`.
    #[serde(default)]
    pub rules: RulesConfig,
    /// Fields given replace the top-level `admission` values.
    #[serde(default)]
    pub admission: AdmissionConfig,
}

/// The JSON Schema of policy files (for validation and editors).
pub fn json_schema() -> Value {
    let mut schema =
        serde_json::to_value(schemars::schema_for!(PolicyDocument)).unwrap_or(Value::Null);
    enums_from_constants(&mut schema);
    schema
}

/// schemars writes an enum whose variants have docs as `oneOf` a list of `const`s; an `enum`
/// gives editors the completion list and users a plain "is not one of" error. The variants'
/// docs move into the description.
fn enums_from_constants(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            let constants =
                object
                    .get("oneOf")
                    .and_then(Value::as_array)
                    .and_then(|alternatives| {
                        alternatives
                            .iter()
                            .map(|alternative| {
                                let alternative = alternative.as_object()?;
                                let only_const = alternative.keys().all(|k| {
                                    matches!(k.as_str(), "const" | "description" | "type")
                                });
                                let constant = alternative.get("const").filter(|_| only_const)?;
                                let doc = alternative.get("description").and_then(Value::as_str);
                                Some((constant.clone(), doc.map(str::to_string)))
                            })
                            .collect::<Option<Vec<_>>>()
                    });
            if let Some(constants) = constants {
                object.remove("oneOf");
                let docs: Vec<String> = constants
                    .iter()
                    .filter_map(|(value, doc)| {
                        Some(format!("`{}`: {}", value.as_str()?, doc.as_ref()?))
                    })
                    .collect();
                object.insert(
                    "enum".into(),
                    Value::Array(constants.into_iter().map(|(value, _)| value).collect()),
                );
                if !docs.is_empty() && !object.contains_key("description") {
                    object.insert("description".into(), Value::String(docs.join("; ")));
                }
            }
            object.values_mut().for_each(enums_from_constants);
        }
        Value::Array(items) => items.iter_mut().for_each(enums_from_constants),
        _ => {}
    }
}

fn validator() -> Result<&'static jsonschema::Validator, String> {
    static VALIDATOR: OnceLock<Result<jsonschema::Validator, String>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| jsonschema::validator_for(&json_schema()).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(Clone::clone)
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// One problem in a policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyProblem {
    /// Where in the file (1-based), when the reader could tell.
    pub position: Option<LineCol>,
    /// Where in the document.
    pub path: FieldPath,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for PolicyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(position) = self.position {
            write!(f, "{}:{}: ", position.line, position.column)?;
        }
        if !self.path.is_root() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

/// A policy file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The file could not be read.
    #[error("cannot read policy file {origin}")]
    Io {
        /// The file.
        origin: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file was read but is not a valid policy.
    #[error("invalid policy file {origin}:\n{}", .problems.iter().map(|p| format!("  {origin}:{p}")).collect::<Vec<_>>().join("\n"))]
    Invalid {
        /// The file.
        origin: String,
        /// Every problem found (at least one).
        problems: Vec<PolicyProblem>,
    },
}

// ---------------------------------------------------------------------------------------------
// The checked, ready-to-use form
// ---------------------------------------------------------------------------------------------

/// How the gate chooses the `artifactRepositoryRef` it injects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefInjection {
    /// Nothing.
    None,
    /// The namespace's default, pinned.
    NamespaceDefault,
    /// This ref.
    Ref(crate::artifacts::resolve::RepositoryRef),
}

/// Admission settings for one namespace, defaults filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmissionSettings {
    /// Findings at or above this severity deny...
    pub deny_at: Severity,
    /// ...when their rule matches one of these selectors.
    pub deny_rules: Vec<String>,
    /// Non-denying findings at or above this severity become warnings.
    pub warn_at: Severity,
    /// Whether mutation is on.
    pub mutate: bool,
    /// Which ref to inject (only when `mutate`).
    pub artifact_repository_ref: RefInjection,
    /// Which `artifactGC` to inject (only when `mutate`).
    pub artifact_gc: Option<ArtifactGcDefaults>,
}

impl Default for AdmissionSettings {
    fn default() -> Self {
        Self {
            deny_at: Severity::Error,
            deny_rules: vec!["all".to_string()],
            warn_at: Severity::Warning,
            mutate: false,
            artifact_repository_ref: RefInjection::None,
            artifact_gc: None,
        }
    }
}

fn selector_matches(selector: &str, rule: &Rule) -> bool {
    selector == "all" || selector == rule.code || selector == rule.group
}

impl AdmissionSettings {
    /// Whether a finding of `rule` at `severity` denies the request.
    pub fn denies(&self, rule: &Rule, severity: Severity) -> bool {
        severity >= self.deny_at && self.deny_rules.iter().any(|s| selector_matches(s, rule))
    }

    /// Whether a finding that does not deny is returned as a warning.
    pub fn warns(&self, severity: Severity) -> bool {
        severity >= self.warn_at
    }

    fn apply(&mut self, config: &AdmissionConfig) {
        if let Some(deny_at) = config.deny_at {
            self.deny_at = deny_at;
        }
        if let Some(rules) = &config.deny_rules {
            self.deny_rules.clone_from(rules);
        }
        if let Some(warn_at) = config.warn_at {
            self.warn_at = warn_at;
        }
        if let Some(mutate) = config.mutate {
            self.mutate = mutate;
        }
        if let Some(reference) = &config.artifact_repository_ref {
            self.artifact_repository_ref = match reference {
                RepositoryRefPolicy::Mode(RepositoryRefMode::None) => RefInjection::None,
                RepositoryRefPolicy::Mode(RepositoryRefMode::NamespaceDefault) => {
                    RefInjection::NamespaceDefault
                }
                RepositoryRefPolicy::Ref(spec) => {
                    RefInjection::Ref(crate::artifacts::resolve::RepositoryRef {
                        config_map: spec.config_map.clone().unwrap_or_default(),
                        key: spec.key.clone().unwrap_or_default(),
                    })
                }
            };
        }
        if let Some(gc) = &config.artifact_gc {
            self.artifact_gc = match gc {
                ArtifactGcPolicy::Off(Off::None) => None,
                ArtifactGcPolicy::Defaults(defaults) => Some(defaults.clone()),
            };
        }
    }
}

/// Everything that applies in one namespace.
#[derive(Debug, Clone)]
pub struct NamespaceSettings {
    /// The rules, as the lint engine takes them.
    pub rules: RuleSet,
    /// What admission does.
    pub admission: AdmissionSettings,
}

#[derive(Debug)]
struct NamespaceEntry {
    exact: Vec<String>,
    globs: GlobSet,
    settings: NamespaceSettings,
}

/// A checked policy: settings precomputed for the top level and every namespace entry, so
/// choosing the settings of a namespace is a lookup.
#[derive(Debug)]
pub struct Policy {
    origin: String,
    document: PolicyDocument,
    base: NamespaceSettings,
    entries: Vec<NamespaceEntry>,
}

impl Default for Policy {
    /// The policy in force without a policy file: every rule at its default severity, errors
    /// deny, warnings warn, no mutation.
    fn default() -> Self {
        let document = PolicyDocument {
            api_version: PolicyApiVersion::V1,
            kind: PolicyKind::Policy,
            metadata: None,
            rules: RulesConfig::default(),
            admission: AdmissionConfig::default(),
            namespaces: Vec::new(),
        };
        Self {
            origin: "built-in defaults".to_string(),
            document,
            base: NamespaceSettings {
                rules: RuleSet::all(),
                admission: AdmissionSettings::default(),
            },
            entries: Vec::new(),
        }
    }
}

fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?', '[', '{'])
}

fn check_selector(selector: &str) -> Result<(), UnknownSelector> {
    if selector == "all" || rules::GROUPS.contains(&selector) || rules::by_code(selector).is_some()
    {
        Ok(())
    } else {
        Err(UnknownSelector {
            selector: selector.to_string(),
            suggestion: rules::suggest(selector),
        })
    }
}

/// Collects problems of the meaning check, with their paths.
struct Checker {
    problems: Vec<(FieldPath, Target, String)>,
}

impl Checker {
    fn selector(&mut self, selector: &str, path: FieldPath, target: Target) {
        if let Err(error) = check_selector(selector) {
            self.problems.push((path, target, error.to_string()));
        }
    }

    fn rules(&mut self, config: &RulesConfig, path: &FieldPath, into: &mut RuleSet) {
        if let Some(select) = &config.select {
            for (i, s) in select.iter().enumerate() {
                self.selector(s, path.key("select").index(i), Target::Value);
            }
            // Unknown selectors were reported above; only valid ones reach the rule set.
            let valid: Vec<&String> = select
                .iter()
                .filter(|s| check_selector(s).is_ok())
                .collect();
            let _ = into.select(valid.into_iter().cloned());
        }
        for (i, s) in config.ignore.iter().enumerate() {
            self.selector(s, path.key("ignore").index(i), Target::Value);
            let _ = into.ignore([s.as_str()]);
        }
        // Groups first, then codes, so that a code wins over its group whatever the file order.
        let (codes, groups): (Vec<_>, Vec<_>) = config
            .severity
            .iter()
            .partition(|(selector, _)| rules::by_code(selector).is_some());
        for (selector, severity) in groups.into_iter().chain(codes) {
            self.selector(
                selector,
                path.key("severity").key(selector.clone()),
                Target::Key,
            );
            let _ = into.set_severity(selector, *severity);
        }
    }

    fn admission(&mut self, config: &AdmissionConfig, path: &FieldPath) {
        for (i, s) in config.deny_rules.iter().flatten().enumerate() {
            self.selector(s, path.key("denyRules").index(i), Target::Value);
        }
    }
}

impl Policy {
    /// Read and check the policy file at `path`.
    pub fn load(path: &Path) -> Result<Self, PolicyError> {
        let origin = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| PolicyError::Io {
            origin: origin.clone(),
            source,
        })?;
        Self::from_bytes(&origin, &bytes)
    }

    /// Check a policy given as YAML (or JSON) text; `origin` names it in errors.
    pub fn from_bytes(origin: &str, bytes: &[u8]) -> Result<Self, PolicyError> {
        let parsed = source::parse(origin, bytes, &Limits::default());
        let text = &parsed.source.text;
        let position = |offset: usize| {
            parsed
                .source
                .lines
                .line_col(text, offset, ColumnUnit::Chars)
        };
        let invalid = |problems: Vec<PolicyProblem>| PolicyError::Invalid {
            origin: origin.to_string(),
            problems,
        };
        if !parsed.problems.is_empty() {
            return Err(invalid(
                parsed
                    .problems
                    .iter()
                    .map(|p| PolicyProblem {
                        position: Some(position(p.span.start)),
                        path: FieldPath::root(),
                        message: p.message.clone(),
                    })
                    .collect(),
            ));
        }
        let document = match parsed.documents.as_slice() {
            [document] => document,
            [] => {
                return Err(invalid(vec![PolicyProblem {
                    position: None,
                    path: FieldPath::root(),
                    message: "the file is empty; a policy needs `apiVersion: wflint.dev/v1` and `kind: Policy`".into(),
                }]));
            }
            [_, second, ..] => {
                return Err(invalid(vec![PolicyProblem {
                    position: Some(position(second.span.start)),
                    path: FieldPath::root(),
                    message: "a policy file holds exactly one document".into(),
                }]));
            }
        };
        let locate = |path: &FieldPath, target: Target| {
            document
                .locate(path, target)
                .map(|span| position(span.start))
        };
        let schema_problems = schema_problems(document);
        if !schema_problems.is_empty() {
            return Err(invalid(
                schema_problems
                    .into_iter()
                    .map(|(path, target, message)| PolicyProblem {
                        position: locate(&path, target),
                        path,
                        message,
                    })
                    .collect(),
            ));
        }
        let policy: PolicyDocument =
            serde_json::from_value(document.value.clone()).map_err(|e| {
                invalid(vec![PolicyProblem {
                    position: None,
                    path: FieldPath::root(),
                    message: e.to_string(),
                }])
            })?;
        Self::from_document(origin, policy).map_err(|problems| {
            invalid(
                problems
                    .into_iter()
                    .map(|(path, target, message)| PolicyProblem {
                        position: locate(&path, target),
                        path,
                        message,
                    })
                    .collect(),
            )
        })
    }

    /// Check a policy given as a document; problems come with their paths.
    fn from_document(
        origin: &str,
        document: PolicyDocument,
    ) -> Result<Self, Vec<(FieldPath, Target, String)>> {
        let mut checker = Checker {
            problems: Vec::new(),
        };
        let mut base_rules = RuleSet::all();
        checker.rules(
            &document.rules,
            &FieldPath::root().key("rules"),
            &mut base_rules,
        );
        checker.admission(&document.admission, &FieldPath::root().key("admission"));
        let mut base_admission = AdmissionSettings::default();
        base_admission.apply(&document.admission);
        let base = NamespaceSettings {
            rules: base_rules,
            admission: base_admission,
        };
        let mut entries = Vec::new();
        for (i, entry) in document.namespaces.iter().enumerate() {
            let path = FieldPath::root().key("namespaces").index(i);
            let mut exact = Vec::new();
            let mut globs = GlobSetBuilder::new();
            for (n, name) in entry.names.iter().enumerate() {
                if !is_glob(name) {
                    exact.push(name.clone());
                    continue;
                }
                match Glob::new(name) {
                    Ok(glob) => {
                        globs.add(glob);
                    }
                    Err(error) => checker.problems.push((
                        path.key("names").index(n),
                        Target::Value,
                        format!("invalid glob {name:?}: {}", error.kind()),
                    )),
                }
            }
            let globs = globs.build().unwrap_or_else(|_| GlobSet::empty());
            let mut rules = base.rules.clone();
            checker.rules(&entry.rules, &path.key("rules"), &mut rules);
            checker.admission(&entry.admission, &path.key("admission"));
            let mut admission = base.admission.clone();
            admission.apply(&entry.admission);
            entries.push(NamespaceEntry {
                exact,
                globs,
                settings: NamespaceSettings { rules, admission },
            });
        }
        if !checker.problems.is_empty() {
            return Err(checker.problems);
        }
        Ok(Self {
            origin: origin.to_string(),
            document,
            base,
            entries,
        })
    }

    /// Where the policy came from (file path or `built-in defaults`).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// `metadata.name`, if given.
    pub fn name(&self) -> Option<&str> {
        self.document.metadata.as_ref()?.name.as_deref()
    }

    /// The document as written.
    pub fn document(&self) -> &PolicyDocument {
        &self.document
    }

    /// The settings for objects in `namespace` (`None`: cluster-scoped objects and the CLI
    /// without `--namespace` get the top-level settings).
    pub fn settings(&self, namespace: Option<&str>) -> &NamespaceSettings {
        let Some(namespace) = namespace else {
            return &self.base;
        };
        self.entries
            .iter()
            .find(|e| e.exact.iter().any(|n| n == namespace))
            .or_else(|| self.entries.iter().find(|e| e.globs.is_match(namespace)))
            .map_or(&self.base, |e| &e.settings)
    }

    /// The rule set for `namespace` (what `wflint lint --policy FILE --namespace NS` uses).
    pub fn rule_set(&self, namespace: Option<&str>) -> RuleSet {
        self.settings(namespace).rules.clone()
    }
}

/// Shared, swappable handle: the webhook replaces the policy on reload.
pub type SharedPolicy = Arc<Policy>;

/// The first complaint of each alternative of an `anyOf`/`oneOf`, flattening nested ones and
/// leaving out the `null` alternative every optional field has.
fn explain_alternatives(
    context: &[Vec<jsonschema::ValidationError<'static>>],
    out: &mut Vec<String>,
) {
    for branch in context {
        let Some(first) = branch.first() else {
            continue;
        };
        match first.kind() {
            jsonschema::error::ValidationErrorKind::AnyOf { context }
            | jsonschema::error::ValidationErrorKind::OneOfNotValid { context } => {
                explain_alternatives(context, out);
            }
            jsonschema::error::ValidationErrorKind::Type {
                kind: jsonschema::error::TypeKind::Single(jsonschema::JsonType::Null),
            } => {}
            _ => out.push(first.to_string()),
        }
    }
}

fn schema_problems(document: &Document) -> Vec<(FieldPath, Target, String)> {
    let validator = match validator() {
        Ok(validator) => validator,
        Err(error) => {
            return vec![(
                FieldPath::root(),
                Target::Value,
                format!("internal error: the policy schema does not compile: {error}"),
            )];
        }
    };
    let mut problems = Vec::new();
    for error in validator.iter_errors(&document.value) {
        let mut path = FieldPath::root();
        for segment in error.instance_path().iter() {
            match segment {
                jsonschema::paths::LocationSegment::Property(name) => {
                    path.push_key(name.to_string())
                }
                jsonschema::paths::LocationSegment::Index(i) => path.push_index(i),
            }
        }
        match error.kind() {
            jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
                for field in unexpected {
                    problems.push((
                        path.key(field.clone()),
                        Target::Key,
                        format!("unknown field `{field}`"),
                    ));
                }
            }
            jsonschema::error::ValidationErrorKind::AnyOf { context }
            | jsonschema::error::ValidationErrorKind::OneOfNotValid { context } => {
                // "not valid under any of the schemas" says nothing; each alternative's
                // complaint does.
                let mut alternatives = Vec::new();
                explain_alternatives(context, &mut alternatives);
                problems.push((path, Target::Value, alternatives.join(", or ")));
            }
            _ => problems.push((path, Target::Value, error.to_string())),
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Policy, PolicyError> {
        Policy::from_bytes("policy.json", text.as_bytes())
    }

    fn problems(text: &str) -> Vec<String> {
        match load(text) {
            Ok(_) => panic!("accepted: {text}"),
            Err(PolicyError::Invalid { problems, .. }) => problems
                .iter()
                .map(|p| format!("{}: {}", p.path, p.message))
                .collect(),
            Err(other) => panic!("{other}"),
        }
    }

    const HEADER: &str = r#""apiVersion": "wflint.dev/v1", "kind": "Policy""#;

    #[test]
    fn minimal_policy_has_the_built_in_settings() {
        let policy = load(&format!("{{{HEADER}}}")).unwrap();
        let settings = policy.settings(Some("anything"));
        assert_eq!(settings.admission, AdmissionSettings::default());
        let rule = rules::by_code("invalid-type").unwrap();
        assert_eq!(settings.rules.severity(rule), Some(Severity::Error));
        assert!(settings.admission.denies(rule, Severity::Error));
        assert!(!settings.admission.denies(rule, Severity::Warning));
        assert!(settings.admission.warns(Severity::Warning));
        assert!(!settings.admission.warns(Severity::Info));
    }

    #[test]
    fn namespaces_exact_names_win_over_globs_then_first_glob() {
        let policy = load(&format!(
            r#"{{{HEADER},
            "rules": {{"severity": {{"invalid-type": "warning"}}}},
            "admission": {{"mutate": true, "artifactRepositoryRef": "namespaceDefault"}},
            "namespaces": [
              {{"names": ["team-*"], "admission": {{"denyRules": []}}}},
              {{"names": ["team-b", "ops"], "rules": {{"ignore": ["argo"]}},
                "admission": {{"artifactRepositoryRef": {{"configMap": "repos", "key": "k"}},
                  "artifactGC": {{"strategy": "OnWorkflowDeletion", "forceFinalizerRemoval": true}}}}}},
              {{"names": ["team-?"], "admission": {{"mutate": false}}}}
            ]}}"#
        ))
        .unwrap();
        let rule = rules::by_code("invalid-type").unwrap();

        let a = policy.settings(Some("team-a"));
        assert_eq!(a.admission.deny_rules, Vec::<String>::new());
        assert!(a.admission.mutate, "first matching glob wins");
        assert_eq!(a.rules.severity(rule), Some(Severity::Warning));

        let b = policy.settings(Some("team-b"));
        assert_eq!(
            b.rules.severity(rule),
            None,
            "exact name wins, argo ignored"
        );
        assert_eq!(
            b.admission.artifact_repository_ref,
            RefInjection::Ref(crate::artifacts::resolve::RepositoryRef {
                config_map: "repos".into(),
                key: "k".into()
            })
        );
        assert_eq!(
            b.admission
                .artifact_gc
                .as_ref()
                .map(ArtifactGcDefaults::to_value),
            Some(
                serde_json::json!({"strategy": "OnWorkflowDeletion", "forceFinalizerRemoval": true})
            )
        );
        assert_eq!(b.admission.deny_rules, vec!["all".to_string()]);

        let other = policy.settings(Some("prod"));
        assert_eq!(
            other.admission.artifact_repository_ref,
            RefInjection::NamespaceDefault
        );
        assert_eq!(
            policy.rule_set(None).severity(rule),
            Some(Severity::Warning)
        );
    }

    #[test]
    fn a_code_wins_over_its_group_whatever_the_order() {
        let policy = load(&format!(
            r#"{{{HEADER}, "rules": {{"severity": {{"invalid-type": "info", "argo": "warning"}}}}}}"#
        ))
        .unwrap();
        let rules = policy.rule_set(None);
        assert_eq!(
            rules.severity(rules::by_code("invalid-type").unwrap()),
            Some(Severity::Info)
        );
        assert_eq!(
            rules.severity(rules::by_code("unknown-field").unwrap()),
            Some(Severity::Warning)
        );
    }

    #[test]
    fn schema_errors_name_the_field() {
        assert_eq!(
            problems(r#"{"apiVersion": "wflint.dev/v2", "kind": "Policy"}"#),
            vec![r#"apiVersion: "wflint.dev/v2" is not one of "wflint.dev/v1""#.to_string()]
        );
        assert_eq!(
            problems(&format!(
                r#"{{{HEADER}, "admission": {{"mutatee": true}}}}"#
            )),
            vec!["admission.mutatee: unknown field `mutatee`".to_string()]
        );
        let bad_severity = problems(&format!(
            r#"{{{HEADER}, "rules": {{"severity": {{"invalid-type": "fatal"}}}}}}"#
        ));
        assert_eq!(bad_severity.len(), 1);
        assert!(
            bad_severity[0].starts_with("rules.severity.invalid-type: \"fatal\""),
            "{bad_severity:?}"
        );
        let no_names = problems(&format!(r#"{{{HEADER}, "namespaces": [{{"names": []}}]}}"#));
        assert!(
            no_names[0].starts_with("namespaces[0].names: "),
            "{no_names:?}"
        );
        assert_eq!(problems(r#"[1]"#).len(), 1);
        assert_eq!(
            problems(&format!(r#"{{{HEADER}, "admission": {{"artifactRepositoryRef": "pinned"}}}}"#)),
            vec![r#"admission.artifactRepositoryRef: "pinned" is not one of "namespaceDefault" or "none", or "pinned" is not of type "object""#.to_string()]
        );
    }

    #[test]
    fn unknown_rules_and_bad_globs_are_reported_with_suggestions() {
        let found = problems(&format!(
            r#"{{{HEADER},
              "rules": {{"ignore": ["invalid-typ"]}},
              "admission": {{"denyRules": ["nope"]}},
              "namespaces": [{{"names": ["team-[a"]}}]}}"#
        ));
        assert_eq!(
            found,
            vec![
                "rules.ignore[0]: unknown rule or group `invalid-typ` (did you mean `invalid-type`?)",
                "admission.denyRules[0]: unknown rule or group `nope`",
                "namespaces[0].names[0]: invalid glob \"team-[a\": unclosed character class; missing ']'",
            ]
        );
    }

    #[test]
    fn errors_render_with_file_and_path() {
        let error = load("{").unwrap_err().to_string();
        assert!(
            error.starts_with("invalid policy file policy.json:\n  policy.json:1:"),
            "{error}"
        );
        let error = load(&format!(r#"{{{HEADER}, "extra": 1}}"#))
            .unwrap_err()
            .to_string();
        assert!(error.contains("extra: unknown field `extra`"), "{error}");
    }

    #[test]
    fn the_schema_describes_the_format() {
        let schema = json_schema();
        assert_eq!(schema["title"], "wflint Policy");
        assert!(schema["properties"]["admission"].is_object());
        assert!(validator().is_ok());
    }
}
