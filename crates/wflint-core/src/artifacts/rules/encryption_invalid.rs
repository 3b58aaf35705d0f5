//! `artifact-encryption-invalid`: S3 `encryptionOptions` the executor cannot use (an SSE-C key
//! without `enableEncryption: true`, or SSE-C together with `kmsKeyId`).

use serde_json::Value;

use crate::{
    diagnostic::Target, engine::Sink, path::PointerExt as _, rules::artifacts::ENCRYPTION_INVALID,
};

use super::super::{analysis::ArtifactCx, location::has_full_location};

/// Argo's error for SSE-C together with SSE-KMS.
const SSE_C_WITH_KMS: &str = "serverSideCustomerKeySecret and kmsKeyId cannot be set together";

/// The Secret selector's name and key, when both are plain strings.
fn selector(value: &Value) -> Option<(&str, &str)> {
    Some((value.get("name")?.as_str()?, value.get("key")?.as_str()?))
}

fn enabled(options: &Value) -> bool {
    options.get("enableEncryption").and_then(Value::as_bool) == Some(true)
}

pub(crate) fn check(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&ENCRYPTION_INVALID) {
        return;
    }
    let sites = &cx.own().sites.locations;
    // SSE-C keys some location mounts (with encryption enabled): when a location of the same
    // pod names the same key, its file is there after all. Looked up across the whole spec
    // rather than per pod: a finding missed rather than a wrong one.
    let mounted: Vec<(&str, &str)> = sites
        .iter()
        .filter_map(|site| site.value.at("/s3/encryptionOptions"))
        .filter(|options| enabled(options))
        .filter_map(|options| {
            options
                .get("serverSideCustomerKeySecret")
                .and_then(selector)
        })
        .collect();
    for site in sites {
        // A location that is not full is relocated onto the repository's, which drops its
        // encryptionOptions (artifact-partial-location says so).
        if !has_full_location(site.value) {
            continue;
        }
        let Some(options) = site.value.at("/s3/encryptionOptions") else {
            continue;
        };
        let Some(secret) = options
            .get("serverSideCustomerKeySecret")
            .filter(|v| !v.is_null())
        else {
            continue;
        };
        let base = site.path.key("s3").key("encryptionOptions");
        let what = cx.describe(0, site);
        let kms = options
            .get("kmsKeyId")
            .and_then(Value::as_str)
            .is_some_and(|id| !id.is_empty());
        if kms {
            sink.report(
                cx.finding(
                    &ENCRYPTION_INVALID,
                    0,
                    base.key("kmsKeyId"),
                    Target::Key,
                    format!(
                        "{what} sets both a customer-provided key (serverSideCustomerKeySecret) and kmsKeyId: Argo refuses to open the S3 driver, so the transfer fails"
                    ),
                )
                .argo(SSE_C_WITH_KMS)
                .help("Keep one: SSE-C (serverSideCustomerKeySecret with enableEncryption: true) or SSE-KMS (kmsKeyId)."),
            );
            continue;
        }
        if enabled(options) {
            continue;
        }
        let named = selector(secret);
        if named.is_some_and(|named| mounted.contains(&named)) {
            continue;
        }
        let file = named.map_or_else(
            || "the key file".to_string(),
            |(name, key)| format!("/argo/secret/{name}/{key}"),
        );
        let mut diagnostic = cx
            .finding(
                &ENCRYPTION_INVALID,
                0,
                base.key("serverSideCustomerKeySecret"),
                Target::Key,
                format!(
                    "{what} names an SSE-C key without `enableEncryption: true`: Argo mounts the key's Secret only when encryption is enabled but reads it anyway, so the transfer fails ({file} is not in the pod)"
                ),
            )
            .help("Add `enableEncryption: true` to encryptionOptions, or remove serverSideCustomerKeySecret.");
        if let Some((name, key)) = named {
            diagnostic = diagnostic.argo(format!(
                "open /argo/secret/{name}/{key}: no such file or directory"
            ));
        }
        sink.report(diagnostic);
    }
}
