//! `artifact-partial-location`: some location fields, but not a full location, so Argo
//! discards them and uses the repository.

use serde_json::Value;

use crate::{diagnostic::Target, engine::Sink, rules::artifacts::PARTIAL_LOCATION};

use super::super::{
    analysis::ArtifactCx,
    location::{Driver, discarded_fields, driver_of, has_full_location, is_set, key_field},
    sites::Role,
};

/// The fields a full location of `driver` needs.
fn required(driver: Driver) -> &'static [&'static str] {
    match driver {
        Driver::S3 | Driver::Oss => &["endpoint", "bucket", "key"],
        Driver::Gcs => &["bucket", "key"],
        Driver::Azure => &["endpoint", "container", "blob"],
        Driver::Artifactory => &["url", "usernameSecret"],
        Driver::Hdfs => &["addresses"],
        Driver::Http => &["url"],
        Driver::Plugin => &["name", "configuration", "key"],
        Driver::Git | Driver::Raw => &[],
    }
}

fn quoted(fields: &[&str]) -> String {
    fields
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn check(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&PARTIAL_LOCATION) {
        return;
    }
    for site in &cx.own().sites.locations {
        if has_full_location(site.value) {
            continue;
        }
        let Some((driver, block)) = driver_of(site.value) else {
            continue;
        };
        let discarded: Vec<&str> = if site.role == Role::ArchiveLocation {
            // A partial archiveLocation is replaced as a whole, key included.
            block
                .as_object()
                .map(|fields| {
                    fields
                        .iter()
                        .filter(|(_, v)| is_set(v))
                        .map(|(k, _)| k.as_str())
                        .collect()
                })
                .unwrap_or_default()
        } else {
            discarded_fields(site.value)
        };
        if discarded.is_empty() {
            continue;
        }
        let missing: Vec<&str> = required(driver)
            .iter()
            .copied()
            .filter(|f| !block.get(*f).is_some_and(is_set))
            .collect();
        let consequence = if site.role == Role::ArchiveLocation {
            "when the template stores anything, Argo replaces the whole archiveLocation with the artifact repository".to_string()
        } else if key_field(driver).is_some_and(|k| {
            block
                .get(k)
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty())
        }) {
            "Argo treats it as key-only: it keeps only the key and takes everything else from the artifact repository".to_string()
        } else if site.role == Role::Output {
            "Argo stores the output in the artifact repository under a generated key".to_string()
        } else {
            "without a key Argo ignores the location: the artifact comes from its arguments or from the artifact repository".to_string()
        };
        let message = format!(
            "the {} location of {} is not full (it lacks {}): {consequence}, so {} {} ignored",
            driver.field(),
            cx.describe(0, site),
            quoted(&missing),
            quoted(&discarded),
            if discarded.len() == 1 { "is" } else { "are" },
        );
        sink.report(
            cx.finding(
                &PARTIAL_LOCATION,
                0,
                site.path.key(driver.field()),
                Target::Key,
                message,
            )
            .help(format!(
                "Either complete the location (add {}) or keep only the key and let the artifact repository supply the rest.",
                quoted(&missing)
            )),
        );
    }
}
