//! Remembered decisions: the same review asked again gets the same answer without a new lint.
//! And remembered findings ([`LintMemo`]): `/validate` of the object `/mutate` just checked
//! takes the findings `/mutate` found.
//!
//! The API server asks again about one object: a server-side dry run followed by the real
//! apply, GitOps tools that dry-run the same manifests over and over, retries after a timeout.
//! Those reviews differ from the first only by their `request.uid`, `dryRun` and `options`,
//! and by the metadata the API server stamps on each object it handles (`metadata.uid`,
//! `creationTimestamp`, ...). (`/validate` after `/mutate` is not such a pair: the endpoint
//! differs, and in between the API server names a `generateName` object.)
//!
//! A decision is reused only when all of this holds:
//! - the request body is the same byte for byte, except the values of those fields (see
//!   [`ReviewKey::of`]); so the user, the operation, the old object and the endpoint all
//!   count;
//! - the policy in force is the very one it was decided under (a reload starts afresh);
//! - the cluster context reports the same [`ClusterContext::generation`]: the watch caches
//!   bump it on every event they apply and every watch error, so any change of ConfigMaps,
//!   Secrets or templates retires every remembered decision. A context that cannot tell
//!   (`None`) disables the cache.
//!
//! Keys are the full bytes (compared on every hit), not only hashes: no collision, crafted or
//! not, can borrow another object's answer. Memory is bounded by a byte budget (oldest entries
//! leave first); bodies over [`MAX_CACHED_BODY`] are never kept.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex, MutexGuard},
};

use serde::Deserialize;
use serde_json::{Value, value::RawValue};
use wflint_core::{
    context::ClusterContext,
    diagnostic::Diagnostic,
    model::{ArgoKind, is_generated_name},
    policy::Policy,
};

use crate::{admission::Decision, metrics::Endpoint};

/// Largest request body whose decision is remembered (larger reviews are rare, and the look-up
/// must stay cheap: it runs on the async threads).
pub const MAX_CACHED_BODY: usize = 64 * 1024;

/// Bytes an entry costs beyond its key (the decision and the bookkeeping), an estimate.
const ENTRY_OVERHEAD: usize = 2048;

/// A review reduced to what its answer depends on, with the uid it must echo and whether it
/// is a dry run (which the answer does not depend on, only the decision's log line).
#[derive(Debug, Clone)]
pub struct ReviewKey {
    bytes: Arc<[u8]>,
    uid: String,
    dry_run: bool,
}

impl ReviewKey {
    /// The key of a request body for `endpoint`: the body without the values of
    /// `request.uid`, of `request.dryRun` and `request.options` (the operation's options:
    /// `dryRun`, `fieldManager`, `fieldValidation`; a dry run is answered as the real request
    /// is, and no check reads the others), and of the metadata the API server sets on every
    /// object (`uid`, `creationTimestamp`, `resourceVersion`, `generation`, `managedFields`; no
    /// check reads them). `None` when the body is too large, not JSON, has no string
    /// `request.uid`, or one of those values is not of its Kubernetes type (such reviews take
    /// the normal path, which reports what is wrong with them).
    pub fn of(endpoint: Endpoint, body: &[u8]) -> Option<Self> {
        #[derive(Deserialize)]
        struct Review<'a> {
            #[serde(borrow)]
            request: Option<Request<'a>>,
        }
        #[derive(Deserialize)]
        struct Request<'a> {
            #[serde(borrow)]
            uid: Option<&'a RawValue>,
            #[serde(borrow, rename = "dryRun")]
            dry_run: Option<&'a RawValue>,
            #[serde(borrow)]
            options: Option<&'a RawValue>,
            #[serde(borrow)]
            object: Option<Object<'a>>,
        }
        #[derive(Deserialize)]
        struct Object<'a> {
            #[serde(borrow)]
            metadata: Option<Metadata<'a>>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Metadata<'a> {
            #[serde(borrow)]
            uid: Option<&'a RawValue>,
            #[serde(borrow)]
            creation_timestamp: Option<&'a RawValue>,
            #[serde(borrow)]
            resource_version: Option<&'a RawValue>,
            #[serde(borrow)]
            generation: Option<&'a RawValue>,
            #[serde(borrow)]
            managed_fields: Option<&'a RawValue>,
        }
        fn typed<T: serde::de::DeserializeOwned>(raw: Option<&RawValue>) -> Option<()> {
            match raw {
                Some(raw) => serde_json::from_str::<Option<T>>(raw.get()).ok().map(drop),
                None => Some(()),
            }
        }
        if body.len() > MAX_CACHED_BODY {
            return None;
        }
        let review: Review<'_> = serde_json::from_slice(body).ok()?;
        let request = review.request?;
        let uid_raw = request.uid?;
        let uid: String = serde_json::from_str(uid_raw.get()).ok()?;
        // A boolean, as the full decoding requires (a `null` reads as absent here and stays in
        // the key).
        let dry_run = match request.dry_run {
            Some(raw) => serde_json::from_str::<bool>(raw.get()).ok()?,
            None => false,
        };
        let mut cuts = vec![uid_raw];
        cuts.extend(request.dry_run);
        cuts.extend(request.options);
        if let Some(metadata) = request.object.and_then(|object| object.metadata) {
            use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ManagedFieldsEntry, Time};
            typed::<String>(metadata.uid)?;
            typed::<Time>(metadata.creation_timestamp)?;
            typed::<String>(metadata.resource_version)?;
            typed::<i64>(metadata.generation)?;
            typed::<Vec<ManagedFieldsEntry>>(metadata.managed_fields)?;
            cuts.extend(
                [
                    metadata.uid,
                    metadata.creation_timestamp,
                    metadata.resource_version,
                    metadata.generation,
                    metadata.managed_fields,
                ]
                .into_iter()
                .flatten(),
            );
        }
        // Each raw value borrows from `body`: its offset there is where the value is written.
        let mut spans = cuts
            .iter()
            .map(|raw| {
                let start = (raw.get().as_ptr() as usize).checked_sub(body.as_ptr() as usize)?;
                Some((start, start.checked_add(raw.get().len())?))
            })
            .collect::<Option<Vec<_>>>()?;
        spans.sort_unstable();
        let mut bytes = Vec::with_capacity(body.len() + 1);
        bytes.push(match endpoint {
            Endpoint::Validate => b'v',
            Endpoint::Mutate => b'm',
        });
        let mut from = 0;
        for (start, end) in spans {
            bytes.extend_from_slice(body.get(from..start)?);
            // A marker, so that a value cut out cannot be confused with bytes around it.
            bytes.push(0xff);
            from = end;
        }
        bytes.extend_from_slice(body.get(from..)?);
        Some(Self {
            bytes: bytes.into(),
            uid,
            dry_run,
        })
    }

    /// The uid the answer must carry.
    pub fn uid(&self) -> &str {
        &self.uid
    }

    /// Whether the review is a dry run.
    pub fn dry_run(&self) -> bool {
        self.dry_run
    }
}

/// What a decision was computed against.
#[derive(Clone)]
pub struct Basis {
    policy: Arc<Policy>,
    generation: u64,
}

impl Basis {
    /// The basis of a decision about to be made with `policy` and `context`; `None` when the
    /// context cannot tell whether it changed (nothing is remembered then). Read *before*
    /// deciding: a change that lands meanwhile makes the decision's generation already stale.
    pub fn now(policy: &Arc<Policy>, context: &dyn ClusterContext) -> Option<Self> {
        Some(Self {
            policy: Arc::clone(policy),
            generation: context.generation()?,
        })
    }

    fn same(&self, other: &Basis) -> bool {
        Arc::ptr_eq(&self.policy, &other.policy) && self.generation == other.generation
    }
}

struct Entry<V> {
    basis: Basis,
    value: V,
    /// When it was inserted (its place in [`Inner::order`]).
    seq: u64,
}

struct Inner<V> {
    entries: HashMap<Arc<[u8]>, Entry<V>>,
    /// Insertions, oldest first. An item whose entry was since removed or inserted again (with
    /// a newer `seq`) is skipped when it comes up.
    order: VecDeque<(u64, Arc<[u8]>)>,
    bytes: usize,
    next_seq: u64,
}

impl<V> Inner<V> {
    fn remove(&mut self, key: &[u8]) {
        if self.entries.remove(key).is_some() {
            self.bytes = self.bytes.saturating_sub(cost(key));
        }
    }
}

fn cost(key: &[u8]) -> usize {
    key.len() + ENTRY_OVERHEAD
}

/// Values remembered by key bytes under a [`Basis`], bounded in bytes, oldest out first.
struct Bounded<V> {
    budget: usize,
    inner: Mutex<Inner<V>>,
}

impl<V: Clone> Bounded<V> {
    fn new(budget: usize) -> Self {
        Self {
            budget,
            inner: Mutex::new(Inner {
                entries: HashMap::new(),
                order: VecDeque::new(),
                bytes: 0,
                next_seq: 0,
            }),
        }
    }

    // An insert that panicked leaves consistent maps (each step is one operation), so a
    // poisoned lock is still usable.
    fn lock(&self) -> MutexGuard<'_, Inner<V>> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The value for `key` if it was remembered under `basis`; an entry remembered under
    /// another basis is dropped.
    fn get(&self, key: &[u8], basis: &Basis) -> Option<V> {
        let mut inner = self.lock();
        let entry = inner.entries.get(key)?;
        if !entry.basis.same(basis) {
            inner.remove(key);
            return None;
        }
        Some(entry.value.clone())
    }

    fn insert(&self, key: &Arc<[u8]>, basis: Basis, value: V) {
        let size = cost(key);
        if size > self.budget {
            return;
        }
        let mut inner = self.lock();
        let seq = inner.next_seq;
        inner.next_seq += 1;
        let entry = Entry { basis, value, seq };
        if inner.entries.insert(Arc::clone(key), entry).is_none() {
            inner.bytes += size;
        }
        inner.order.push_back((seq, Arc::clone(key)));
        while inner.bytes > self.budget {
            let Some((seq, oldest)) = inner.order.pop_front() else {
                break;
            };
            if inner.entries.get(&oldest).is_some_and(|e| e.seq == seq) {
                inner.remove(&oldest);
            }
        }
        // Items of entries removed or inserted again linger in `order`; keep it from growing
        // without bound.
        if inner.order.len() > 2 * inner.entries.len() + 16 {
            let Inner { entries, order, .. } = &mut *inner;
            order.retain(|(seq, key)| entries.get(key).is_some_and(|e| e.seq == *seq));
        }
    }

    fn len(&self) -> usize {
        self.lock().entries.len()
    }
}

impl<V: Clone> std::fmt::Debug for Bounded<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = self.lock();
        f.debug_struct("Bounded")
            .field("budget", &self.budget)
            .field("entries", &inner.entries.len())
            .field("bytes", &inner.bytes)
            .finish()
    }
}

/// The cache of decisions, bounded in bytes. Cheap to share (`&self` methods).
#[derive(Debug)]
pub struct VerdictCache(Bounded<Decision>);

impl VerdictCache {
    /// A cache holding at most `budget` bytes (0: remember nothing).
    pub fn new(budget: usize) -> Self {
        Self(Bounded::new(budget))
    }

    /// Whether the cache may hold anything.
    pub fn enabled(&self) -> bool {
        self.0.budget > 0
    }

    /// The decision remembered for `key` under `basis`, answering `key`'s uid. An entry
    /// decided under another basis is dropped.
    pub fn get(&self, key: &ReviewKey, basis: &Basis) -> Option<Decision> {
        let mut decision = self.0.get(&key.bytes, basis)?;
        decision.answer_as(key.uid(), key.dry_run());
        Some(decision)
    }

    /// Remember `decision` for `key`, decided under `basis`.
    pub fn insert(&self, key: &ReviewKey, basis: Basis, decision: &Decision) {
        self.0.insert(&key.bytes, basis, decision.clone());
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Remembered lints: the findings of an object as checked, for the next review of the same
/// object. What it serves is `/validate` after `/mutate` for one CREATE or UPDATE: `/mutate`
/// checks the object with its mutation applied, and `/validate` then receives that very object
/// with what the API server adds between the two calls (a name generated from `generateName`,
/// `uid`, `creationTimestamp`, `generation`, `managedFields`), which [`lint_key`] leaves out.
/// The findings are the same under the same policy and cluster facts (the [`Basis`]); the
/// decision is then made as for a fresh lint (the endpoint, the operation and the old object
/// still count).
#[derive(Debug)]
pub struct LintMemo(Bounded<Vec<Diagnostic>>);

impl LintMemo {
    /// A memo holding at most `budget` bytes (0: remember nothing).
    pub fn new(budget: usize) -> Self {
        Self(Bounded::new(budget))
    }

    /// `/mutate`: the findings of `object` (of `kind`, checked in `namespace`, the mutation
    /// applied), linted and remembered under `basis` for the `/validate` that follows.
    pub fn remember(
        &self,
        basis: &Basis,
        kind: ArgoKind,
        namespace: Option<&str>,
        object: &Value,
        lint: impl FnOnce() -> Vec<Diagnostic>,
    ) -> Vec<Diagnostic> {
        let found = lint();
        if self.0.budget > 0
            && let Some(key) = lint_key(kind, namespace, object)
        {
            self.0.insert(&key, basis.clone(), found.clone());
        }
        found
    }

    /// `/validate`: the findings `/mutate` remembered for `object` under `basis`, else
    /// `lint()`'s (not remembered: nothing after `/validate` asks for them). The flag says
    /// whether they were remembered. Nothing is computed when nothing is remembered (a gate
    /// without the mutating webhook pays one look at the memo's size).
    pub fn recall(
        &self,
        basis: &Basis,
        kind: ArgoKind,
        namespace: Option<&str>,
        object: &Value,
        lint: impl FnOnce() -> Vec<Diagnostic>,
    ) -> (Vec<Diagnostic>, bool) {
        if !self.is_empty()
            && let Some(key) = lint_key(kind, namespace, object)
            && let Some(found) = self.0.get(&key, basis)
        {
            return (found, true);
        }
        (lint(), false)
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The key of the lint of `object`: kind, namespace and the object's canonical JSON (keys in
/// order, no spaces) without the metadata the API server sets on every object and, for a
/// Workflow, without a `name` it generated from `generateName` (a Workflow's findings do not
/// depend on such a name: see `artifacts::analysis::runs_repeatedly` and the name length
/// check, which a generated name always passes). `None` when too large.
pub fn lint_key(kind: ArgoKind, namespace: Option<&str>, object: &Value) -> Option<Arc<[u8]>> {
    let mut object = object.clone();
    if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        for field in [
            "uid",
            "creationTimestamp",
            "resourceVersion",
            "generation",
            "managedFields",
        ] {
            metadata.remove(field);
        }
        let generated = kind == ArgoKind::Workflow
            && matches!(
                (metadata.get("name"), metadata.get("generateName")),
                (Some(Value::String(name)), Some(Value::String(prefix)))
                    if is_generated_name(name, prefix)
            );
        if generated {
            metadata.remove("name");
        }
    }
    let mut bytes = Vec::with_capacity(1024);
    bytes.extend_from_slice(kind.as_str().as_bytes());
    bytes.push(0xff);
    bytes.extend_from_slice(namespace.unwrap_or("").as_bytes());
    bytes.push(0xff);
    serde_json::to_writer(&mut bytes, &object).ok()?;
    (bytes.len() <= MAX_CACHED_BODY).then(|| bytes.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admission;
    use wflint_core::context::NoContext;

    const REVIEW: &str = r#"{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
      "request": {"uid": "UID", "operation": "CREATE", "userInfo": {},
        "kind": {"group": "argoproj.io", "version": "v1alpha1", "kind": "Workflow"},
        "resource": {"group": "argoproj.io", "version": "v1alpha1", "resource": "workflows"},
        "namespace": "default",
        "object": {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
          "metadata": {"generateName": "w-"},
          "spec": {"entrypoint": "main", "templates": [{"name": "main",
            "container": {"image": "alpine"}}]}}}}"#;

    fn review(uid: &str) -> Vec<u8> {
        REVIEW.replace("UID", uid).into_bytes()
    }

    fn decision(body: &[u8]) -> Decision {
        admission::testing::validate(body, &Policy::default()).unwrap()
    }

    #[test]
    fn keys_ignore_the_uid_and_nothing_else() {
        let a = ReviewKey::of(Endpoint::Validate, &review("a")).unwrap();
        let b = ReviewKey::of(Endpoint::Validate, &review("b-longer")).unwrap();
        assert_eq!(a.bytes, b.bytes);
        assert_eq!((a.uid(), b.uid()), ("a", "b-longer"));
        let mutate = ReviewKey::of(Endpoint::Mutate, &review("a")).unwrap();
        assert_ne!(a.bytes, mutate.bytes);
        let other_namespace = REVIEW
            .replace("UID", "a")
            .replace("\"default\"", "\"team\"");
        let c = ReviewKey::of(Endpoint::Validate, other_namespace.as_bytes()).unwrap();
        assert_ne!(a.bytes, c.bytes);
        // An escaped uid is decoded for the answer.
        let escaped = ReviewKey::of(Endpoint::Validate, &review(r"x\u0041")).unwrap();
        assert_eq!(escaped.uid(), "xA");
    }

    #[test]
    fn keys_ignore_the_metadata_the_api_server_sets() {
        let with_metadata = |uid: &str, stamp: &str, version: &str| {
            REVIEW.replace("UID", "r").replace(
                r#""metadata": {"generateName": "w-"}"#,
                &format!(
                    r#""metadata": {{"generateName": "w-", "uid": "{uid}", "creationTimestamp": "{stamp}", "resourceVersion": "{version}", "generation": 1, "managedFields": [{{"manager": "kubectl", "operation": "Update"}}]}}"#
                ),
            )
        };
        let a = with_metadata("u1", "2026-12-04T10:00:00Z", "1");
        let b = with_metadata("u2", "2026-12-04T10:00:05Z", "17");
        let key_a = ReviewKey::of(Endpoint::Validate, a.as_bytes()).unwrap();
        assert_eq!(
            key_a.bytes,
            ReviewKey::of(Endpoint::Validate, b.as_bytes())
                .unwrap()
                .bytes
        );
        // Without those fields (absent, not only different): another key.
        let plain = ReviewKey::of(Endpoint::Validate, &review("r")).unwrap();
        assert_ne!(key_a.bytes, plain.bytes);
        // A value that is not of its type has no key: the full decoding decides about it.
        let bad_time = with_metadata("u1", "yesterday", "1");
        assert!(ReviewKey::of(Endpoint::Validate, bad_time.as_bytes()).is_none());
        let numeric_version = a.replace(r#""resourceVersion": "1""#, r#""resourceVersion": 1"#);
        assert!(ReviewKey::of(Endpoint::Validate, numeric_version.as_bytes()).is_none());
        // Other metadata counts.
        let renamed = a.replace(r#""generateName": "w-""#, r#""generateName": "v-""#);
        assert_ne!(
            key_a.bytes,
            ReviewKey::of(Endpoint::Validate, renamed.as_bytes())
                .unwrap()
                .bytes
        );
    }

    #[test]
    fn a_dry_run_and_the_real_request_share_a_key() {
        // `kubectl apply --dry-run=server` (or a GitOps diff) and then the apply itself, as the
        // API server writes them: `options` lists `dryRun` only for the dry run.
        let with = |uid: &str, dry_run: bool, options: &str| {
            REVIEW.replace("UID", uid).replace(
                r#""namespace": "default","#,
                &format!(r#""namespace": "default", "dryRun": {dry_run}, "options": {options},"#),
            )
        };
        let dry = with(
            "d",
            true,
            r#"{"kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1", "dryRun": ["All"], "fieldManager": "kubectl-client-side-apply"}"#,
        );
        let real = with(
            "r",
            false,
            r#"{"kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1", "fieldManager": "kubectl-client-side-apply"}"#,
        );
        let dry_key = ReviewKey::of(Endpoint::Validate, dry.as_bytes()).unwrap();
        let real_key = ReviewKey::of(Endpoint::Validate, real.as_bytes()).unwrap();
        assert_eq!(dry_key.bytes, real_key.bytes);
        assert!(dry_key.dry_run() && !real_key.dry_run());

        // The remembered decision reports the request it answers.
        let cache = VerdictCache::new(1 << 20);
        let policy = Arc::new(Policy::default());
        let basis = Basis::now(&policy, &NoContext).unwrap();
        let decided = decision(dry.as_bytes());
        assert!(decided.dry_run);
        cache.insert(&dry_key, basis.clone(), &decided);
        let hit = cache.get(&real_key, &basis).unwrap();
        assert_eq!((hit.uid.as_str(), hit.dry_run), ("r", false));

        // A dryRun that is not a boolean gets no key (the full decoding reports it); the rest
        // of the request still counts.
        let odd = real.replace(r#""dryRun": false"#, r#""dryRun": "no""#);
        assert!(ReviewKey::of(Endpoint::Validate, odd.as_bytes()).is_none());
        // (A `null` is kept in the key, so it cannot borrow the answer of `false`; the full
        // decoding answers it with a 400, which is never remembered.)
        let null = real.replace(r#""dryRun": false"#, r#""dryRun": null"#);
        let null_key = ReviewKey::of(Endpoint::Validate, null.as_bytes()).unwrap();
        assert_ne!(null_key.bytes, real_key.bytes);
        let update = real.replace(r#""operation": "CREATE""#, r#""operation": "UPDATE""#);
        assert_ne!(
            real_key.bytes,
            ReviewKey::of(Endpoint::Validate, update.as_bytes())
                .unwrap()
                .bytes
        );
    }

    #[test]
    fn bodies_without_a_string_uid_or_too_large_have_no_key() {
        assert!(ReviewKey::of(Endpoint::Validate, b"not json").is_none());
        assert!(ReviewKey::of(Endpoint::Validate, br#"{"request": {"uid": 7}}"#).is_none());
        assert!(ReviewKey::of(Endpoint::Validate, br#"{"request": {}}"#).is_none());
        assert!(ReviewKey::of(Endpoint::Validate, br#"{}"#).is_none());
        let mut large = review("a");
        large.extend(std::iter::repeat_n(b' ', MAX_CACHED_BODY));
        assert!(ReviewKey::of(Endpoint::Validate, &large).is_none());
    }

    #[test]
    fn a_hit_answers_the_new_uid() {
        let cache = VerdictCache::new(1 << 20);
        let policy = Arc::new(Policy::default());
        let basis = Basis::now(&policy, &NoContext).unwrap();
        let first = ReviewKey::of(Endpoint::Validate, &review("first")).unwrap();
        cache.insert(&first, basis.clone(), &decision(&review("first")));
        let second = ReviewKey::of(Endpoint::Validate, &review("second")).unwrap();
        let hit = cache.get(&second, &basis).unwrap();
        assert_eq!(hit.uid, "second");
        let encoded = admission::encode_review(&hit.review).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&encoded).unwrap();
        assert_eq!(value["response"]["uid"], "second");
        assert_eq!(value["response"]["allowed"], true);
    }

    #[test]
    fn a_new_policy_or_a_context_change_retires_entries() {
        let cache = VerdictCache::new(1 << 20);
        let policy = Arc::new(Policy::default());
        let at = |policy: &Arc<Policy>, generation| Basis {
            policy: Arc::clone(policy),
            generation,
        };
        let key = ReviewKey::of(Endpoint::Validate, &review("a")).unwrap();
        cache.insert(&key, at(&policy, 1), &decision(&review("a")));
        assert!(cache.get(&key, &at(&policy, 1)).is_some());

        let reloaded = Arc::new(Policy::default());
        assert!(cache.get(&key, &at(&reloaded, 1)).is_none());
        cache.insert(&key, at(&policy, 1), &decision(&review("a")));
        assert!(cache.get(&key, &at(&policy, 2)).is_none());
        assert!(cache.is_empty(), "stale entries are dropped when met");
    }

    #[test]
    fn the_byte_budget_evicts_the_oldest_first() {
        let policy = Arc::new(Policy::default());
        let basis = Basis::now(&policy, &NoContext).unwrap();
        let keys: Vec<ReviewKey> = (0..5)
            .map(|i| {
                let body = REVIEW
                    .replace("UID", "u")
                    .replace("\"w-\"", &format!("\"w{i}-\""));
                ReviewKey::of(Endpoint::Validate, body.as_bytes()).unwrap()
            })
            .collect();
        // Five keys of one size; room for three.
        let cache = VerdictCache::new(3 * cost(&keys[0].bytes));
        let answer = decision(&review("u"));
        for key in &keys {
            cache.insert(key, basis.clone(), &answer);
        }
        assert_eq!(cache.len(), 3);
        assert!(cache.get(&keys[0], &basis).is_none());
        assert!(cache.get(&keys[1], &basis).is_none());
        assert!(cache.get(&keys[4], &basis).is_some());
        // A key inserted again counts as new: it outlives keys inserted before it.
        cache.insert(&keys[2], basis.clone(), &answer);
        cache.insert(&keys[0], basis.clone(), &answer);
        assert!(cache.get(&keys[2], &basis).is_some());
        assert!(cache.get(&keys[3], &basis).is_none());
        assert_eq!(cache.len(), 3);
        let off = VerdictCache::new(0);
        off.insert(&keys[0], basis.clone(), &answer);
        assert!(off.is_empty() && !off.enabled());
    }
}
