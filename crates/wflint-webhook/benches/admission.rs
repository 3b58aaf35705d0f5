//! CPU cost of one admission review without the network: decode the AdmissionReview, lint the
//! object (offline context of `examples/artifact-passing`), build and encode the answer. The
//! seed's artifact-passing workflow (allowed) and a broken one (denied, findings rendered); the
//! same allowed review answered from the remembered decisions; and `/validate` of an object
//! `/mutate` already checked (its findings remembered).
//!
//! Run: `cargo bench -p wflint-webhook --bench admission`. The HTTPS figures come from
//! `scripts/bench webhook` (wrk against the real server).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot run should stop

use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use wflint_core::{context::files::FileContext, policy::Policy};
use wflint_webhook::{
    admission,
    metrics::Endpoint,
    verdicts::{Basis, LintMemo, ReviewKey, VerdictCache},
};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn admission(c: &mut Criterion) {
    let root = repo();
    let context = FileContext::load(
        &[root.join("examples/artifact-passing/context")],
        None,
        "default",
    )
    .unwrap();
    let policy = Policy::load(&root.join("policies/default.yaml")).unwrap();
    let mut group = c.benchmark_group("admission");
    for (name, file) in [
        ("allow artifact-passing", "review-allow.json"),
        ("deny broken", "review-deny.json"),
    ] {
        let body = std::fs::read(root.join("crates/wflint-webhook/demo").join(file)).unwrap();
        for endpoint in [Endpoint::Validate, Endpoint::Mutate] {
            group.bench_function(format!("{name} /{}", endpoint.as_str()), |b| {
                b.iter(|| {
                    let request = admission::parse_review(&body).unwrap();
                    let decision = admission::decide(endpoint, request, &policy, &context).unwrap();
                    admission::encode_review(&decision.review).unwrap()
                });
            });
        }
    }
    // A review answered before: the key (the body without its uid and server-set metadata), the
    // look-up and the encoding; what the async thread does instead of a lint.
    let body = std::fs::read(root.join("crates/wflint-webhook/demo/review-allow.json")).unwrap();
    let policy = std::sync::Arc::new(policy);
    let cache = VerdictCache::new(1 << 20);
    let basis = Basis::now(&policy, &context).unwrap();
    let key = ReviewKey::of(Endpoint::Validate, &body).unwrap();
    let request = admission::parse_review(&body).unwrap();
    let decision = admission::decide(Endpoint::Validate, request, &policy, &context).unwrap();
    cache.insert(&key, basis.clone(), &decision);
    group.bench_function("allow artifact-passing /validate, remembered", |b| {
        b.iter(|| {
            let key = ReviewKey::of(Endpoint::Validate, &body).unwrap();
            let decision = cache.get(&key, &basis).unwrap();
            admission::encode_review(&decision.review).unwrap()
        });
    });
    // `/validate` after `/mutate` of the same object: the findings are remembered (decode,
    // the memo key, the decision and its encoding; no lint).
    let memo = LintMemo::new(1 << 20);
    let request = admission::parse_review(&body).unwrap();
    let mutated = admission::decide_with(
        Endpoint::Mutate,
        request,
        &policy,
        &context,
        Some((&memo, &basis)),
    )
    .unwrap();
    // The review `/validate` then gets: the object with the patch applied.
    let mut review: serde_json::Value = serde_json::from_slice(&body).unwrap();
    if let Some(patch) = mutated.review.response.and_then(|r| r.patch) {
        let patch: json_patch::Patch = serde_json::from_slice(&patch).unwrap();
        json_patch::patch(&mut review["request"]["object"], &patch).unwrap();
    }
    let body = serde_json::to_vec(&review).unwrap();
    group.bench_function("allow artifact-passing /validate after /mutate", |b| {
        b.iter(|| {
            let request = admission::parse_review(&body).unwrap();
            let decision = admission::decide_with(
                Endpoint::Validate,
                request,
                &policy,
                &context,
                Some((&memo, &basis)),
            )
            .unwrap();
            assert!(decision.lint_reused);
            admission::encode_review(&decision.review).unwrap()
        });
    });
    group.finish();
}

criterion_group!(benches, admission);
criterion_main!(benches);
