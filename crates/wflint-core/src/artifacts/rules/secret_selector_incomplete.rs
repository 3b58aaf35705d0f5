//! `artifact-secret-selector-incomplete`: a Secret selector without `name` or `key`, or half of
//! a credential pair Argo needs whole.

use serde_json::Value;

use crate::{
    diagnostic::Target, engine::Sink, path::FieldPath, rules::artifacts::SECRET_SELECTOR_INCOMPLETE,
};

use super::{
    super::{
        analysis::ArtifactCx,
        location::{
            Driver, SelectorRef, block_selectors, dotted_field, driver_of, has_full_location,
            repository_driver,
        },
    },
    repository_source,
};

/// One problem, relative to the driver block.
struct Problem {
    path: FieldPath,
    target: Target,
    message: String,
    argo: Option<&'static str>,
}

const DIRECTORY_ERROR: &str = "failed to save outputs: read /argo/secret: is a directory";
const NIL_POINTER: &str = "runtime error: invalid memory address or nil pointer dereference";

fn named(block: &Value, field: &str) -> bool {
    dotted_field(block, field)
        .and_then(|s| s.get("name"))
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty())
}

fn present(block: &Value, field: &str) -> bool {
    dotted_field(block, field).is_some_and(Value::is_object)
}

/// The problems of one driver block (paths relative to the block).
fn problems(driver: Driver, block: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    for selector in block_selectors(driver, block) {
        out.extend(selector_problem(&selector));
    }
    let pair = |out: &mut Vec<Problem>,
                first: &str,
                second: &str,
                argo: Option<&'static str>,
                why: &str| {
        for (have, lack) in [(first, second), (second, first)] {
            if named(block, have) && !present(block, lack) {
                out.push(Problem {
                    path: FieldPath::parse(have),
                    target: Target::Key,
                    message: format!("`{have}` is set without `{lack}`: {why}"),
                    argo,
                });
            }
        }
    };
    let sdk_creds = block
        .get("useSDKCreds")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    match driver {
        // With `useSDKCreds` a lone `secretKeySecret` is dead configuration (the executor reads
        // the static keys only when `accessKeySecret` names a Secret, and the SDK chain supplies
        // the credentials), but a lone `accessKeySecret` still makes it read the missing
        // `secretKeySecret`.
        Driver::S3 if sdk_creds => out.extend(
            (named(block, "accessKeySecret") && !present(block, "secretKeySecret")).then(|| Problem {
                path: FieldPath::parse("accessKeySecret"),
                target: Target::Key,
                message: "`accessKeySecret` is set without `secretKeySecret`: even with `useSDKCreds` the executor reads static keys whenever `accessKeySecret` names a Secret, and crashes reading the missing secret key".to_string(),
                argo: Some(NIL_POINTER),
            }),
        ),
        Driver::S3 => pair(
            &mut out,
            "accessKeySecret",
            "secretKeySecret",
            Some(NIL_POINTER),
            "Argo needs both; with only the access key the executor crashes reading the missing secret key, with only the secret key it ignores the credentials",
        ),
        // OSS reads the static keys only without `useSDKCreds`.
        Driver::Oss if !sdk_creds => pair(
            &mut out,
            "accessKeySecret",
            "secretKeySecret",
            Some(NIL_POINTER),
            "Argo needs both; with only the access key the executor crashes reading the missing secret key, with only the secret key it ignores the credentials",
        ),
        Driver::Artifactory
            if present(block, "usernameSecret") && !present(block, "passwordSecret") =>
        {
            out.push(Problem {
                path: FieldPath::parse("usernameSecret"),
                target: Target::Key,
                message: "`usernameSecret` is set without `passwordSecret`: the executor reads both unconditionally and crashes".to_string(),
                argo: Some(NIL_POINTER),
            });
        }
        Driver::Http => {
            let group = |out: &mut Vec<Problem>, fields: &[&str], what: &str| {
                let set: Vec<&str> = fields
                    .iter()
                    .copied()
                    .filter(|f| present(block, f))
                    .collect();
                if !set.is_empty() && set.len() < fields.len() {
                    let lacking: Vec<String> = fields
                        .iter()
                        .filter(|f| !set.contains(f))
                        .map(|f| format!("`{}`", f.rsplit('.').next().unwrap_or(f)))
                        .collect();
                    out.push(Problem {
                        path: FieldPath::parse(set[0]),
                        target: Target::Key,
                        message: format!(
                            "{what} lacks {}: Argo uses it only when all of its Secrets are set, so the request is sent without it",
                            lacking.join(" and ")
                        ),
                        argo: None,
                    });
                }
            };
            group(
                &mut out,
                &[
                    "auth.clientCert.clientCertSecret",
                    "auth.clientCert.clientKeySecret",
                ],
                "the client certificate",
            );
            group(
                &mut out,
                &[
                    "auth.oauth2.clientIDSecret",
                    "auth.oauth2.clientSecretSecret",
                    "auth.oauth2.tokenURLSecret",
                ],
                "the OAuth2 configuration",
            );
        }
        _ => {}
    }
    out
}

fn selector_problem(selector: &SelectorRef<'_>) -> Option<Problem> {
    let field = selector
        .path
        .segments()
        .last()
        .map(|s| match s {
            crate::path::Segment::Key(k) => k.to_string(),
            crate::path::Segment::Index(i) => i.to_string(),
        })
        .unwrap_or_default();
    match (selector.name(), selector.key()) {
        (Some(_), Some(_)) => None,
        (Some(name), None) => Some(Problem {
            path: selector.path.key("name"),
            target: Target::Value,
            message: format!(
                "`{field}` names Secret `{name}` but no `key`: Argo does not mount it and the executor fails reading the Secret directory"
            ),
            argo: Some(DIRECTORY_ERROR),
        }),
        (None, Some(key)) => Some(Problem {
            path: selector.path.key("key"),
            target: Target::Value,
            message: format!(
                "`{field}` selects key `{key}` but names no Secret: Argo does not mount it and the credentials are not used"
            ),
            argo: None,
        }),
        (None, None) => Some(Problem {
            path: selector.path.clone(),
            target: Target::Key,
            message: format!(
                "`{field}` has neither `name` nor `key`: Argo does not mount it and the credentials are not used"
            ),
            argo: None,
        }),
    }
}

pub(crate) fn check(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&SECRET_SELECTOR_INCOMPLETE) {
        return;
    }
    for site in &cx.own().sites.locations {
        // A location that is not full is relocated and its selectors dropped (see
        // artifact-partial-location); only full ones are used as written.
        if !has_full_location(site.value) {
            continue;
        }
        let Some((driver, block)) = driver_of(site.value) else {
            continue;
        };
        for problem in problems(driver, block) {
            let path = site.path.key(driver.field()).join(&problem.path);
            let mut diagnostic = cx
                .finding(
                    &SECRET_SELECTOR_INCOMPLETE,
                    0,
                    path,
                    problem.target,
                    format!("{} of {}", problem.message, cx.describe(0, site)),
                )
                .help("Give every Secret selector both `name` and `key`, and set both halves of a credential pair.");
            if let Some(argo) = problem.argo {
                diagnostic = diagnostic.argo(argo);
            }
            sink.report(diagnostic);
        }
    }
    let resolved = cx.resolved();
    let (Some(repository), Some((part, need))) = (
        resolved.resolution.configured_repository(),
        cx.needs().first(),
    ) else {
        return;
    };
    let Some((driver, block)) = repository_driver(repository) else {
        return;
    };
    let source = repository_source(&resolved.resolution);
    for problem in problems(driver, block) {
        let mut diagnostic = cx
            .finding(
                &SECRET_SELECTOR_INCOMPLETE,
                *part,
                need.need.path.clone(),
                Target::Value,
                format!(
                    "in the artifact repository ({source}) this workflow uses, {}.{}: {}",
                    driver.field(),
                    problem.path,
                    problem.message
                ),
            )
            .help("Fix the repository definition: give every Secret selector both `name` and `key` (a mis-indented selector is a common cause), and set both halves of a credential pair.");
        if let Some(argo) = problem.argo {
            diagnostic = diagnostic.argo(argo);
        }
        sink.report(diagnostic);
    }
}
