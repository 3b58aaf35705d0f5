//! `artifact-inline-credentials`: a full object-store location with its credentials written in
//! the workflow instead of an artifact repository.

use crate::{diagnostic::Target, engine::Sink, rules::artifacts::INLINE_CREDENTIALS};

use super::super::{
    analysis::ArtifactCx,
    location::{Driver, driver_of, has_full_location, secret_selectors},
};

pub(crate) fn check(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&INLINE_CREDENTIALS) {
        return;
    }
    for site in &cx.own().sites.locations {
        let Some((driver, _)) = driver_of(site.value) else {
            continue;
        };
        if !matches!(
            driver,
            Driver::S3 | Driver::Gcs | Driver::Azure | Driver::Oss
        ) || !has_full_location(site.value)
        {
            continue;
        }
        let mut unique: Vec<String> = Vec::new();
        for name in secret_selectors(site.value).iter().filter_map(|s| s.name()) {
            let quoted = format!("`{name}`");
            if !unique.contains(&quoted) {
                unique.push(quoted);
            }
        }
        if unique.is_empty() {
            continue;
        }
        sink.report(
            cx.finding(
                &INLINE_CREDENTIALS,
                0,
                site.path.key(driver.field()),
                Target::Key,
                format!(
                    "{} writes its own {} {} and credentials (Secret {}) instead of using an artifact repository",
                    cx.describe(0, site),
                    driver.field(),
                    match driver {
                        Driver::Gcs => "bucket",
                        Driver::Azure => "endpoint, container",
                        _ => "endpoint, bucket",
                    },
                    unique.join(", ")
                ),
            )
            .help(format!(
                "Define the location once in an artifact repository (the namespace's `artifact-repositories` ConfigMap or one named by `spec.artifactRepositoryRef`) and keep only `{}: {{key: ...}}` here; or suppress with `# wflint: ignore[artifact-inline-credentials]` for a deliberate one-off.",
                driver.field()
            )),
        );
    }
}
