//! Admission decisions: an `admission.k8s.io/v1` AdmissionReview in, the review to answer out.
//!
//! Synchronous and CPU-bound (JSON decoding, linting, patching); the HTTP layer runs it on a
//! blocking worker thread. Findings become a denial (`path: message [code]` per finding) or
//! warnings according to the namespace's policy; the mutating endpoint first applies the
//! policy's defaults and then checks the patched object like any other.

use std::{borrow::Cow, collections::HashSet, fmt::Write as _};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::core::{
    DynamicObject, NamespaceResourceScope, Resource,
    admission::{AdmissionRequest, AdmissionResponse, AdmissionReview, Operation},
};
use serde_json::Value;
use wflint_core::{
    Diagnostic, LintOptions, Severity,
    context::ClusterContext,
    model::ArgoKind,
    policy::{NamespaceSettings, Policy},
};

use crate::{
    metrics::{Endpoint, Outcome, kind_label},
    mutate,
    mutate::Mutation,
    verdicts::{Basis, LintMemo},
};

/// Longest admission warning (the API server truncates long ones; kubectl prints each on a
/// line).
pub const MAX_WARNING_CHARS: usize = 120;
/// Most warnings returned in one answer.
pub const MAX_WARNINGS: usize = 20;
/// Most findings listed in a denial message.
pub const MAX_DENIAL_FINDINGS: usize = 10;

/// The request body is not an AdmissionReview the gate can answer (HTTP 400).
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// Not JSON, or not the shape of an AdmissionReview.
    #[error("malformed AdmissionReview: {0}")]
    Malformed(String),
    /// The review has no `request`.
    #[error("malformed AdmissionReview: no request")]
    NoRequest,
    /// A CREATE or UPDATE without `request.object`.
    #[error("malformed AdmissionReview: {0} without request.object")]
    NoObject(&'static str),
}

/// What the gate decided, with what logs and metrics need.
#[derive(Debug, Clone)]
pub struct Decision {
    /// The review to send back.
    pub review: AdmissionReview<DynamicObject>,
    /// How it ended.
    pub outcome: Outcome,
    /// Request uid.
    pub uid: String,
    /// Object kind (bounded label value).
    pub kind: &'static str,
    /// Object namespace.
    pub namespace: String,
    /// Object name (or generateName).
    pub name: String,
    /// Operation.
    pub operation: &'static str,
    /// Whether the request was a dry run.
    pub dry_run: bool,
    /// Codes and severities of the findings, for metrics.
    pub findings: Vec<(&'static str, Severity)>,
    /// Whether the findings were remembered from an earlier review of the same object (see
    /// [`crate::verdicts::LintMemo`]) rather than linted for this one.
    pub lint_reused: bool,
}

impl Decision {
    /// The same decision answering the review with this uid, dry run or not (a remembered
    /// decision reused).
    pub fn answer_as(&mut self, uid: &str, dry_run: bool) {
        uid.clone_into(&mut self.uid);
        self.dry_run = dry_run;
        if let Some(response) = &mut self.review.response {
            uid.clone_into(&mut response.uid);
        }
    }
}

/// Encode the answer. kube's types write `response.patch` as an array of numbers; the API
/// documents base64 text (Go's `[]byte` in JSON), which is what is sent here.
pub fn encode_review(review: &AdmissionReview<DynamicObject>) -> serde_json::Result<Vec<u8>> {
    let mut value = serde_json::to_value(review)?;
    let patch = review.response.as_ref().and_then(|r| r.patch.clone());
    if let Some(patch) = patch
        && let Some(response) = value.get_mut("response").and_then(Value::as_object_mut)
    {
        response.insert(
            "patch".to_string(),
            serde_json::to_value(k8s_openapi::ByteString(patch))?,
        );
    }
    serde_json::to_vec(&value)
}

/// The object of a review, kept as the JSON it came as. kube's `DynamicObject` splits an object
/// into its type, typed metadata and the rest (a buffered, flattened decode), and the lint needs
/// plain JSON back: decoding straight to JSON saves both steps. Only kube's review types need it
/// to be a [`Resource`]; its typed metadata is never filled in (wflint reads
/// `metadata` from the JSON).
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct ReviewObject {
    value: Value,
    #[serde(skip)]
    unused_metadata: ObjectMeta,
}

impl ReviewObject {
    /// The object's JSON.
    pub fn into_value(self) -> Value {
        self.value
    }
}

impl Resource for ReviewObject {
    type DynamicType = ();
    type Scope = NamespaceResourceScope;

    fn kind((): &()) -> Cow<'_, str> {
        Cow::Borrowed("")
    }
    fn group((): &()) -> Cow<'_, str> {
        Cow::Borrowed("")
    }
    fn version((): &()) -> Cow<'_, str> {
        Cow::Borrowed("")
    }
    fn plural((): &()) -> Cow<'_, str> {
        Cow::Borrowed("")
    }
    fn meta(&self) -> &ObjectMeta {
        &self.unused_metadata
    }
    fn meta_mut(&mut self) -> &mut ObjectMeta {
        &mut self.unused_metadata
    }
}

/// Decode a request body.
pub fn parse_review(body: &[u8]) -> Result<AdmissionRequest<ReviewObject>, ReviewError> {
    let review: AdmissionReview<ReviewObject> =
        serde_json::from_slice(body).map_err(|e| ReviewError::Malformed(e.to_string()))?;
    review.try_into().map_err(|_| ReviewError::NoRequest)
}

fn operation_name(operation: &Operation) -> &'static str {
    match operation {
        Operation::Create => "CREATE",
        Operation::Update => "UPDATE",
        Operation::Delete => "DELETE",
        Operation::Connect => "CONNECT",
    }
}

/// The object of a review, which must be a JSON mapping (`which` names it in the error).
fn object_json(object: ReviewObject, which: &'static str) -> Result<Value, ReviewError> {
    match object.into_value() {
        mapping @ Value::Object(_) => Ok(mapping),
        _ => Err(ReviewError::Malformed(format!("{which} is not an object"))),
    }
}

/// Truncate to `max` characters, marking the cut.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut clipped: String = text.chars().take(max.saturating_sub(1)).collect();
    clipped.push('…');
    clipped
}

/// A finding as `path: message` (its first line; the message alone at the root).
fn finding_text(diagnostic: &Diagnostic) -> String {
    let message = diagnostic.message.lines().next().unwrap_or("");
    if diagnostic.path.is_root() {
        message.to_string()
    } else {
        format!("{}: {message}", diagnostic.path)
    }
}

/// A finding as one line of a denial: `path: message [code]`.
fn finding_line(diagnostic: &Diagnostic) -> String {
    format!("{} [{}]", finding_text(diagnostic), diagnostic.rule.code)
}

/// A finding as one warning of at most `max` characters: the text is clipped, the rule code
/// at its end is kept (it is what `wflint explain` and policy ignores take).
fn warning_line(diagnostic: &Diagnostic, max: usize) -> String {
    let code = format!(" [{}]", diagnostic.rule.code);
    let room = max.saturating_sub(code.chars().count());
    clip(&(clip(&finding_text(diagnostic), room) + &code), max)
}

/// The denial message: one line per finding, at most [`MAX_DENIAL_FINDINGS`].
fn denial_message(kind: ArgoKind, name: &str, denying: &[&Diagnostic]) -> String {
    let mut message = format!(
        "wflint: {} {name} has {} problem{}:",
        kind.as_str(),
        denying.len(),
        if denying.len() == 1 { "" } else { "s" }
    );
    for diagnostic in denying.iter().take(MAX_DENIAL_FINDINGS) {
        let _ = write!(message, "\n- {}", finding_line(diagnostic));
    }
    if denying.len() > MAX_DENIAL_FINDINGS {
        let _ = write!(
            message,
            "\n- and {} more (run `wflint lint` on the manifest for all of them)",
            denying.len() - MAX_DENIAL_FINDINGS
        );
    }
    message
}

fn finding_key(diagnostic: &Diagnostic) -> (String, &'static str) {
    (diagnostic.path.to_string(), diagnostic.rule.code)
}

fn lint(
    object: &Value,
    namespace: Option<&str>,
    settings: &NamespaceSettings,
    context: &dyn ClusterContext,
) -> Vec<Diagnostic> {
    let options = LintOptions {
        default_namespace: namespace.unwrap_or("default").to_string(),
        rules: settings.rules.clone(),
        // A template the cache does not hold is unknown, not missing, until proven otherwise
        // by the cache itself.
        templates_closed_world: false,
        inline_suppressions: false,
        ..LintOptions::default()
    };
    wflint_core::lint_value(object, context, &options)
        .map(|(_, diagnostics)| diagnostics)
        .unwrap_or_default()
}

/// Whether an UPDATE leaves the workflow spec as it was (controller status updates, label
/// changes, finalizer removal): those are let through untouched, so that an object admitted
/// under an older policy can still be updated and deleted.
fn spec_unchanged(object: &Value, old: Option<&Value>) -> bool {
    let Some(old) = old else { return false };
    object.get("spec") == old.get("spec")
}

fn being_deleted(object: &Value) -> bool {
    object
        .pointer("/metadata/deletionTimestamp")
        .is_some_and(|v| !v.is_null())
}

/// Answer one review. `endpoint` says whether mutation may happen.
pub fn decide(
    endpoint: Endpoint,
    request: AdmissionRequest<ReviewObject>,
    policy: &Policy,
    context: &dyn ClusterContext,
) -> Result<Decision, ReviewError> {
    decide_with(endpoint, request, policy, context, None)
}

/// [`decide`] with remembered findings: `/mutate` remembers the findings of the object it
/// checked in `memo`, `/validate` takes them from there when it receives that object.
pub fn decide_with(
    endpoint: Endpoint,
    request: AdmissionRequest<ReviewObject>,
    policy: &Policy,
    context: &dyn ClusterContext,
    memo: Option<(&LintMemo, &Basis)>,
) -> Result<Decision, ReviewError> {
    let mut response = AdmissionResponse::from(&request);
    let operation = operation_name(&request.operation);
    let request_kind = request.kind.kind.as_str();
    let argo_kind = (request.kind.group == "argoproj.io")
        .then(|| ArgoKind::from_kind(request_kind))
        .flatten();
    let mut decision = Decision {
        review: AdmissionResponse::from(&request).into_review(),
        outcome: Outcome::Skipped,
        uid: request.uid.clone(),
        kind: kind_label(request_kind),
        namespace: request.namespace.clone().unwrap_or_default(),
        name: request.name.clone(),
        operation,
        dry_run: request.dry_run,
        findings: Vec::new(),
        lint_reused: false,
    };
    let Some(kind) = argo_kind else {
        return Ok(decision);
    };
    if !matches!(request.operation, Operation::Create | Operation::Update) {
        return Ok(decision);
    }
    let is_update = request.operation == Operation::Update;
    let Some(object) = request.object else {
        return Err(ReviewError::NoObject(operation));
    };
    let mut object = object_json(object, "request.object")?;
    if let Value::Object(map) = &mut object {
        // An object sent without its type takes the request's.
        map.entry("kind")
            .or_insert_with(|| Value::String(request.kind.kind.clone()));
        map.entry("apiVersion").or_insert_with(|| {
            Value::String(format!("{}/{}", request.kind.group, request.kind.version))
        });
    }
    let old_object = request
        .old_object
        .map(|old| object_json(old, "request.oldObject"))
        .transpose()?;
    if decision.name.is_empty() {
        decision.name = wflint_core::engine::object_ref(kind, &object, None, 1).name;
    }
    if is_update && (spec_unchanged(&object, old_object.as_ref()) || being_deleted(&object)) {
        return Ok(decision);
    }

    let namespace = if kind.is_namespaced() {
        request
            .namespace
            .as_deref()
            .filter(|n| !n.is_empty())
            .or_else(|| {
                object
                    .pointer("/metadata/namespace")
                    .and_then(Value::as_str)
            })
            .map(str::to_string)
    } else {
        None
    };
    let settings = policy.settings(namespace.as_deref());

    // Mutate, then check the object as it will be stored. Workflows are only mutated on
    // CREATE: a running workflow's spec is not the place to change artifact settings.
    let mutation = if endpoint == Endpoint::Mutate && (!is_update || kind != ArgoKind::Workflow) {
        mutate::mutate(
            kind,
            &object,
            namespace.as_deref(),
            &settings.admission,
            context,
        )
    } else {
        mutate::Mutation::default()
    };
    let linter = |object: &Value| lint(object, namespace.as_deref(), settings, context);
    let (mutation, checked, found) = if mutation.is_empty() {
        (mutation, object, None)
    } else {
        let (mutation, checked, found) = settle_patch(
            mutation,
            object,
            |d: &Diagnostic| settings.admission.denies(d.rule, d.severity),
            &linter,
        );
        (mutation, checked, Some(found))
    };
    let linted = || found.unwrap_or_else(|| linter(&checked));
    let diagnostics = match (memo, endpoint) {
        (Some((memo, basis)), Endpoint::Mutate) => {
            memo.remember(basis, kind, namespace.as_deref(), &checked, linted)
        }
        (Some((memo, basis)), Endpoint::Validate) => {
            let (diagnostics, reused) =
                memo.recall(basis, kind, namespace.as_deref(), &checked, linted);
            decision.lint_reused = reused;
            diagnostics
        }
        (None, _) => linted(),
    };
    decision.findings = diagnostics
        .iter()
        .map(|d| (d.rule.code, d.severity))
        .collect();

    // On UPDATE, a finding the stored object already had does not deny: the change did not
    // cause it, and denying would block edits such as `argo stop`.
    let previously_denied: HashSet<(String, &'static str)> = match (&old_object, is_update) {
        (Some(old), true) => lint(old, namespace.as_deref(), settings, context)
            .iter()
            .filter(|d| settings.admission.denies(d.rule, d.severity))
            .map(finding_key)
            .collect(),
        _ => HashSet::new(),
    };
    let (denying, others): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
        diagnostics.iter().partition(|d| {
            settings.admission.denies(d.rule, d.severity)
                && !previously_denied.contains(&finding_key(d))
        });

    let mut warnings: Vec<String> = Vec::new();
    if denying.is_empty() {
        for announcement in &mutation.announcements {
            warnings.push(clip(&announcement.warning, MAX_WARNING_CHARS));
            response.audit_annotations.insert(
                announcement.audit_key.to_string(),
                announcement.audit_value.clone(),
            );
        }
        for note in &mutation.notes {
            warnings.push(clip(note, MAX_WARNING_CHARS));
        }
    }
    for diagnostic in others
        .iter()
        .filter(|d| settings.admission.warns(d.severity))
    {
        warnings.push(warning_line(diagnostic, MAX_WARNING_CHARS));
    }
    if warnings.len() > MAX_WARNINGS {
        let more = warnings.len() - (MAX_WARNINGS - 1);
        warnings.truncate(MAX_WARNINGS - 1);
        warnings.push(format!("wflint: {more} more warnings not shown"));
    }
    if !warnings.is_empty() {
        response.warnings = Some(warnings);
    }

    if !denying.is_empty() {
        response = response.deny(denial_message(kind, &decision.name, &denying));
        response.result.status = Some(kube::core::response::StatusSummary::Failure);
        response.result.code = 403;
        response.result.reason = "Forbidden".to_string();
        let codes: Vec<&str> = denying.iter().map(|d| d.rule.code).collect();
        response
            .audit_annotations
            .insert("denied-by".to_string(), codes.join(","));
        decision.outcome = Outcome::Denied;
    } else if !mutation.is_empty() {
        response = response
            .with_patch(json_patch::Patch(mutation.operations))
            .map_err(|e| ReviewError::Malformed(e.to_string()))?;
        decision.outcome = Outcome::Patched;
    } else {
        decision.outcome = Outcome::Allowed;
    }
    decision.review = response.into_review();
    Ok(decision)
}

/// `object` with `mutation` applied. Only additions to an existing mapping are generated;
/// should one not apply, the object is checked and admitted as sent.
fn patched(object: &Value, mutation: &Mutation) -> Value {
    let mut patched = object.clone();
    match json_patch::patch(&mut patched, &mutation.operations) {
        Ok(()) => patched,
        Err(_) => object.clone(),
    }
}

/// The gate never denies an object because of what it added itself: when the patched object
/// has a denying finding that the object as sent does not have (say, the policy's `artifactGC`
/// on an output whose key every run shares), the changes are dropped, fewest first, until no
/// such finding is left, and each dropped change is noted in the warnings. Returns the patch
/// kept, the object as it will be stored and its findings. Costs nothing more unless the
/// patched object is denied.
fn settle_patch(
    mutation: Mutation,
    object: Value,
    denies: impl Fn(&Diagnostic) -> bool,
    lint: &dyn Fn(&Value) -> Vec<Diagnostic>,
) -> (Mutation, Value, Vec<Diagnostic>) {
    let checked = patched(&object, &mutation);
    let found = lint(&checked);
    if !found.iter().any(&denies) {
        return (mutation, checked, found);
    }
    let as_sent = lint(&object);
    let sent: HashSet<(String, &'static str)> = as_sent
        .iter()
        .filter(|d| denies(d))
        .map(finding_key)
        .collect();
    let added = |found: &[Diagnostic]| -> Vec<&'static str> {
        let mut codes: Vec<&'static str> = Vec::new();
        for d in found {
            if denies(d) && !sent.contains(&finding_key(d)) && !codes.contains(&d.rule.code) {
                codes.push(d.rule.code);
            }
        }
        codes
    };
    let caused = added(&found);
    if caused.is_empty() {
        return (mutation, checked, found);
    }
    // Which changes to keep: bit i keeps change i. The most changes first, and among as many,
    // the earlier ones (the repository ref before artifactGC). There are two kinds of change;
    // past the first eight (never reached) changes are dropped.
    let count = mutation.operations.len().min(8);
    let keeps_index = |keep: u32, index: usize| index < count && keep & (1 << index) != 0;
    let mut keeps: Vec<u32> = (0..(1u32 << count) - 1).collect();
    keeps.sort_by_key(|keep| (std::cmp::Reverse(keep.count_ones()), keep.trailing_zeros()));
    for keep in keeps {
        let kept = mutation.keeping(|index| keeps_index(keep, index));
        let (checked, found) = if kept.is_empty() {
            // Keeping nothing: the object as sent, already linted.
            (object.clone(), as_sent.clone())
        } else {
            let checked = patched(&object, &kept);
            let found = lint(&checked);
            (checked, found)
        };
        if added(&found).is_empty() {
            let mut kept = kept;
            for (index, field) in mutation.fields.iter().enumerate() {
                if !keeps_index(keep, index) {
                    kept.notes.push(format!(
                        "wflint: {field} left unset: the object would be denied with it ({})",
                        caused.join(", ")
                    ));
                }
            }
            return (kept, checked, found);
        }
    }
    // Unreachable (keeping nothing adds nothing); the object as sent.
    (Mutation::default(), object, as_sent)
}

const WARM_UP_REVIEW: &str = r#"{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
  "request": {"uid": "warm-up", "operation": "CREATE", "userInfo": {},
    "kind": {"group": "argoproj.io", "version": "v1alpha1", "kind": "Workflow"},
    "resource": {"group": "argoproj.io", "version": "v1alpha1", "resource": "workflows"},
    "namespace": "default",
    "object": {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
      "metadata": {"generateName": "warm-up-", "namespace": "default"},
      "spec": {"entrypoint": "main", "templates": [{"name": "main",
        "container": {"image": "alpine"},
        "outputs": {"artifacts": [{"name": "a", "path": "/tmp/a"}]}}]}}}}"#;

/// Run one review through the whole path so that everything initialised on first use (schemas,
/// rule tables, allocator pools) is ready before the server reports ready: the first real
/// request should not pay for it.
pub fn warm_up(policy: &Policy, context: &dyn ClusterContext) {
    for endpoint in [Endpoint::Validate, Endpoint::Mutate] {
        if let Ok(request) = parse_review(WARM_UP_REVIEW.as_bytes())
            && let Ok(decision) = decide(endpoint, request, policy, context)
        {
            let _ = encode_review(&decision.review);
        }
    }
}

/// Helpers for this crate's unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// The body of an AdmissionReview: CREATE of `object` as a Workflow in namespace `team`.
    pub(crate) fn review_of(object: Value) -> Vec<u8> {
        let review = serde_json::json!({
            "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": {"uid": "u", "operation": "CREATE", "userInfo": {},
                "kind": {"group": "argoproj.io", "version": "v1alpha1", "kind": "Workflow"},
                "resource": {"group": "argoproj.io", "version": "v1alpha1", "resource": "workflows"},
                "namespace": "team",
                "object": object}});
        serde_json::to_vec(&review).unwrap_or_default()
    }

    /// `/validate`'s decision on a review body under `policy`, offline (no cluster facts).
    pub(crate) fn validate(body: &[u8], policy: &Policy) -> Result<Decision, ReviewError> {
        let request = parse_review(body)?;
        decide(
            Endpoint::Validate,
            request,
            policy,
            &wflint_core::context::NoContext,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{testing::*, *};

    #[test]
    fn clips_on_character_boundaries() {
        assert_eq!(clip("short", 120), "short");
        let long = "é".repeat(130);
        let clipped = clip(&long, 120);
        assert_eq!(clipped.chars().count(), 120);
        assert!(clipped.ends_with('…'));
    }

    #[test]
    fn the_warm_up_review_goes_the_whole_way() {
        // If it stopped parsing, warming up would silently do nothing.
        let decision = validate(WARM_UP_REVIEW.as_bytes(), &Policy::default()).unwrap();
        assert_eq!(decision.outcome, Outcome::Allowed);
        assert_eq!(decision.findings, Vec::new());
    }

    /// A Workflow in namespace `team` with these metadata fields and one template.
    fn workflow(mut metadata: Value, template: Value) -> Value {
        metadata["namespace"] = serde_json::json!("team");
        serde_json::json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
            "metadata": metadata,
            "spec": {"entrypoint": "main", "templates": [template]}})
    }

    /// A review of a workflow whose template has `typos` unknown fields.
    fn review_with_typos(typos: usize) -> Vec<u8> {
        let mut template = serde_json::json!({"name": "main", "container": {"image": "alpine"}});
        for i in 0..typos {
            template[format!("typo{i:02}")] = serde_json::json!(true);
        }
        review_of(workflow(serde_json::json!({"name": "typos"}), template))
    }

    #[test]
    fn denials_list_at_most_ten_findings() {
        let decision = validate(&review_with_typos(12), &Policy::default()).unwrap();
        assert_eq!(decision.outcome, Outcome::Denied);
        assert_eq!(decision.findings.len(), 12);
        let response = decision.review.response.unwrap();
        let lines: Vec<&str> = response.result.message.lines().collect();
        assert_eq!(lines[0], "wflint: Workflow typos has 12 problems:");
        assert_eq!(lines.len(), 1 + MAX_DENIAL_FINDINGS + 1);
        assert!(
            lines[1].starts_with("- spec.templates[0].typo00: "),
            "{lines:?}"
        );
        assert!(lines[1].ends_with(" [unknown-field]"), "{lines:?}");
        assert_eq!(
            lines[11],
            "- and 2 more (run `wflint lint` on the manifest for all of them)"
        );
    }

    #[test]
    fn warnings_are_capped_and_say_how_many_were_left_out() {
        let policy = Policy::from_bytes(
            "p.yaml",
            b"apiVersion: wflint.dev/v1\nkind: Policy\nrules: {severity: {unknown-field: warning}}\n",
        )
        .unwrap();
        let decision = validate(&review_with_typos(25), &policy).unwrap();
        assert_eq!(decision.outcome, Outcome::Allowed);
        let warnings = decision.review.response.unwrap().warnings.unwrap();
        assert_eq!(warnings.len(), MAX_WARNINGS);
        assert_eq!(
            warnings[MAX_WARNINGS - 1],
            "wflint: 6 more warnings not shown"
        );
        assert!(
            warnings
                .iter()
                .all(|w| w.chars().count() <= MAX_WARNING_CHARS)
        );
    }

    #[test]
    fn the_object_is_checked_as_sent_like_the_cli_does() {
        // Decoded as plain JSON: nothing of the object is dropped or rewritten before the lint
        // (kube's typed metadata would drop the misspelt `lables` silently).
        let template = serde_json::json!({"name": "main", "container": {"image": "alpine"}});
        let misspelt = workflow(
            serde_json::json!({"name": "w", "lables": {"a": "b"}}),
            template.clone(),
        );
        let decision = validate(&review_of(misspelt), &Policy::default()).unwrap();
        assert_eq!(decision.outcome, Outcome::Denied);
        let message = decision.review.response.unwrap().result.message;
        assert!(
            message.contains("- metadata.lables: ") && message.contains("[unknown-field]"),
            "{message}"
        );
        // Without the typo the same object is allowed.
        let plain = workflow(serde_json::json!({"name": "w"}), template);
        let decision = validate(&review_of(plain), &Policy::default()).unwrap();
        assert_eq!(decision.outcome, Outcome::Allowed);
    }

    #[test]
    fn the_gate_never_denies_because_of_its_own_patch() {
        // The strict policy injects artifactGC; on an output whose fixed key every run of a
        // generateName workflow shares, that GC would be denied (artifact-gc-shared-key) for a
        // field the user never wrote. /mutate drops that change and says so.
        let policy = Policy::from_bytes(
            "strict.yaml",
            include_bytes!("../../../policies/strict.yaml"),
        )
        .unwrap();
        let output = |key: &str| {
            serde_json::json!({"name": "main", "container": {"image": "alpine"},
                "outputs": {"artifacts": [
                    {"name": "report", "path": "/tmp/report", "s3": {"key": key}}]}})
        };
        let mutate = |object: Value| {
            let request = parse_review(&review_of(object)).unwrap();
            decide(
                Endpoint::Mutate,
                request,
                &policy,
                &wflint_core::context::NoContext,
            )
            .unwrap()
        };
        let shared = workflow(
            serde_json::json!({"generateName": "report-"}),
            output("report.tgz"),
        );
        let decision = mutate(shared.clone());
        assert_eq!(decision.outcome, Outcome::Allowed, "{decision:?}");
        let response = decision.review.response.unwrap();
        assert!(response.patch.is_none());
        assert!(!response.audit_annotations.contains_key("artifact-gc"));
        assert_eq!(
            response.warnings.unwrap(),
            vec![
                "wflint: spec.artifactGC left unset: the object would be denied with it \
                 (artifact-gc-shared-key)"
            ]
        );
        // /validate agrees on the object as stored (here: as sent).
        let validated = validate(&review_of(shared), &policy).unwrap();
        assert_eq!(validated.outcome, Outcome::Allowed);

        // A key that differs per run: the default is injected as before.
        let unique = workflow(
            serde_json::json!({"generateName": "report-"}),
            output("{{workflow.uid}}/report.tgz"),
        );
        let decision = mutate(unique);
        assert_eq!(decision.outcome, Outcome::Patched, "{decision:?}");
        let response = decision.review.response.unwrap();
        assert!(response.audit_annotations.contains_key("artifact-gc"));

        // The user's own problems still deny, and nothing is patched then.
        let mut broken = output("{{workflow.uid}}/report.tgz");
        broken["typo"] = serde_json::json!(true);
        let decision = mutate(workflow(
            serde_json::json!({"generateName": "report-"}),
            broken,
        ));
        assert_eq!(decision.outcome, Outcome::Denied);
        let message = decision.review.response.unwrap().result.message;
        assert!(message.contains("[unknown-field]"), "{message}");
    }

    #[test]
    fn a_generated_name_still_makes_a_workflow_that_runs_again_and_again() {
        // The API server names a `generateName` workflow between mutating and validating
        // admission: /validate must still see a spec whose runs overlap (fixed keys that
        // artifact GC deletes are shared between them).
        let object = |metadata: Value| {
            serde_json::json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
            "metadata": metadata,
            "spec": {"entrypoint": "main",
                "artifactGC": {"strategy": "OnWorkflowDeletion", "serviceAccountName": "gc"},
                "templates": [{"name": "main", "container": {"image": "alpine"},
                    "outputs": {"artifacts": [
                        {"name": "report", "path": "/tmp/report", "s3": {"key": "report.tgz"}}
                    ]}}]}})
        };
        let shared_key_warning = |metadata: Value| -> Option<String> {
            let decision = validate(&review_of(object(metadata)), &Policy::default()).unwrap();
            assert_eq!(decision.outcome, Outcome::Allowed);
            let warnings = decision
                .review
                .response
                .unwrap()
                .warnings
                .unwrap_or_default();
            warnings
                .into_iter()
                .find(|w| w.contains("artifact-gc-shared-key"))
        };
        // As /mutate sees it, and as /validate sees it.
        let before = shared_key_warning(serde_json::json!({"generateName": "report-"}));
        let after = shared_key_warning(
            serde_json::json!({"generateName": "report-", "name": "report-x7k2p"}),
        );
        assert!(before.is_some());
        assert_eq!(after, before);
        // Long as it is, the warning is clipped before its rule code, not through it.
        let warning = after.unwrap_or_default();
        assert!(warning.chars().count() <= MAX_WARNING_CHARS, "{warning}");
        assert!(warning.ends_with("… [artifact-gc-shared-key]"), "{warning}");
        // A workflow with a name of its own runs once.
        assert_eq!(
            shared_key_warning(serde_json::json!({"generateName": "report-", "name": "report"})),
            None
        );
    }

    #[test]
    fn validate_after_mutate_reuses_the_findings_of_the_object_as_stored() {
        use crate::verdicts::{Basis, LintMemo};
        // A CREATE as the API server runs it: `/mutate` sees the object as sent; then the
        // patch is applied, the object named from `generateName` and stamped (`uid`,
        // `creationTimestamp`, `generation`, `managedFields`: Kubernetes `Store.Create`, before
        // validating admission), and `/validate` gets it re-encoded, keys in order.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let policy = std::sync::Arc::new(Policy::load(&root.join("policies/strict.yaml")).unwrap());
        let basis = Basis::now(&policy, &wflint_core::context::NoContext).unwrap();
        let memo = LintMemo::new(1 << 20);
        let decide_on = |endpoint, object: &Value, memo: Option<(&LintMemo, &Basis)>| {
            let request = parse_review(&review_of(object.clone())).unwrap();
            decide_with(
                endpoint,
                request,
                &policy,
                &wflint_core::context::NoContext,
                memo,
            )
            .unwrap()
        };
        let sent = serde_json::json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
            "metadata": {"generateName": "report-", "namespace": "team"},
            "spec": {"entrypoint": "main", "templates": [{"name": "main",
                "container": {"image": "alpine"},
                "outputs": {"artifacts": [{"name": "report", "path": "/tmp/report",
                    "s3": {"key": "{{workflow.name}}/report.tgz"}}]}}]}});

        let mutated = decide_on(Endpoint::Mutate, &sent, Some((&memo, &basis)));
        assert_eq!(mutated.outcome, Outcome::Patched);
        assert!(!mutated.lint_reused);
        let patch = mutated.review.response.and_then(|r| r.patch).unwrap();
        let patch: json_patch::Patch = serde_json::from_slice(&patch).unwrap();
        let mut stored = sent.clone();
        json_patch::patch(&mut stored, &patch).unwrap();
        let metadata = &mut stored["metadata"];
        metadata["name"] = serde_json::json!("report-x7k2p");
        metadata["uid"] = serde_json::json!("6c1f7a52-0000-4000-8000-000000000001");
        metadata["creationTimestamp"] = serde_json::json!("2026-12-05T05:00:00Z");
        metadata["generation"] = serde_json::json!(1);
        metadata["managedFields"] = serde_json::json!([{"manager": "kubectl-create",
            "operation": "Update", "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {}}}]);

        let reused = decide_on(Endpoint::Validate, &stored, Some((&memo, &basis)));
        assert!(reused.lint_reused);
        let fresh = decide_on(Endpoint::Validate, &stored, None);
        assert!(!fresh.lint_reused);
        assert_eq!(reused.outcome, fresh.outcome);
        assert_eq!(reused.findings, fresh.findings);
        assert_eq!(
            encode_review(&reused.review).unwrap(),
            encode_review(&fresh.review).unwrap()
        );

        // Anything else of the object counts: a name of its own, another spec.
        let mut named = stored.clone();
        named["metadata"]["name"] = serde_json::json!("report");
        assert!(!decide_on(Endpoint::Validate, &named, Some((&memo, &basis))).lint_reused);
        let mut changed = stored.clone();
        changed["spec"]["templates"][0]["container"]["image"] = serde_json::json!("busybox");
        assert!(!decide_on(Endpoint::Validate, &changed, Some((&memo, &basis))).lint_reused);
        // And so do the policy and the cluster facts.
        let reloaded =
            std::sync::Arc::new(Policy::load(&root.join("policies/strict.yaml")).unwrap());
        let other = Basis::now(&reloaded, &wflint_core::context::NoContext).unwrap();
        assert!(!decide_on(Endpoint::Validate, &stored, Some((&memo, &other))).lint_reused);
    }

    #[test]
    fn malformed_bodies_are_errors_not_panics() {
        assert!(matches!(
            parse_review(b"not json"),
            Err(ReviewError::Malformed(_))
        ));
        assert!(matches!(
            parse_review(br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#),
            Err(ReviewError::NoRequest)
        ));
        let error = validate(&review_of(serde_json::json!([1])), &Policy::default()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "malformed AdmissionReview: request.object is not an object"
        );
    }
}
