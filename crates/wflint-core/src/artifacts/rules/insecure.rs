//! `artifact-insecure`: transfers without TLS or host verification (`insecure: true` on s3, git
//! `insecureIgnoreHostKey`/`insecureSkipTLS`, credentials over plain `http://`).

use serde_json::Value;

use crate::{diagnostic::Target, engine::Sink, rules::artifacts::INSECURE};

use super::super::{
    analysis::ArtifactCx,
    location::{Driver, driver_of, has_full_location, secret_selectors},
};

/// Whether a URL is plain `http://` with user information (`user:pass@`).
fn http_with_userinfo(url: &str) -> bool {
    let Some(rest) = strip_http(url) else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    authority.contains('@')
}

fn strip_http(url: &str) -> Option<&str> {
    let prefix = url.get(..7)?;
    prefix
        .eq_ignore_ascii_case("http://")
        .then(|| url.get(7..))
        .flatten()
}

pub(crate) fn check(cx: &ArtifactCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&INSECURE) {
        return;
    }
    for site in &cx.own().sites.locations {
        let Some((driver, block)) = driver_of(site.value) else {
            continue;
        };
        let base = site.path.key(driver.field());
        let what = cx.describe(0, site);
        let flag = |field: &str| block.get(field).and_then(Value::as_bool) == Some(true);
        let mut report = |field: &str, message: String, help: &str| {
            sink.report(
                cx.finding(
                    &INSECURE,
                    0,
                    base.key(field.to_owned()),
                    Target::Value,
                    message,
                )
                .help(help),
            );
        };
        match driver {
            Driver::S3 if flag("insecure") && has_full_location(site.value) => report(
                "insecure",
                format!(
                    "{what} talks to its s3 endpoint without TLS (`insecure: true`): credentials and contents travel in clear text"
                ),
                "Remove `insecure: true` and serve the endpoint over TLS (use `caSecret` for a private CA).",
            ),
            Driver::Git => {
                for (field, why) in [
                    ("insecureIgnoreHostKey", "does not verify the SSH host key"),
                    (
                        "insecureSkipTLS",
                        "does not verify the server's TLS certificate",
                    ),
                ] {
                    if flag(field) {
                        report(
                            field,
                            format!(
                                "{what} {why} (`{field}: true`): anyone on the path can impersonate the git server"
                            ),
                            "Remove the flag and trust the server properly (known host keys, a valid certificate).",
                        );
                    }
                }
                if let Some(repo) = block.get("repo").and_then(Value::as_str)
                    && http_with_userinfo(repo)
                {
                    report(
                        "repo",
                        format!(
                            "{what} sends the credentials written in its repo URL over plain http://"
                        ),
                        "Use an https:// URL and put the credentials in `usernameSecret`/`passwordSecret`.",
                    );
                }
            }
            Driver::Http | Driver::Artifactory => {
                let Some(url) = block.get("url").and_then(Value::as_str) else {
                    continue;
                };
                if strip_http(url).is_none() {
                    continue;
                }
                let credentials = if http_with_userinfo(url) {
                    Some("the user and password written in the URL")
                } else if !secret_selectors(site.value).is_empty() {
                    Some("its credentials")
                } else {
                    None
                };
                if let Some(credentials) = credentials {
                    report(
                        "url",
                        format!(
                            "{what} sends {credentials} over plain http://: anyone on the path can read them"
                        ),
                        "Use an https:// URL, and keep credentials in Secrets rather than in the URL.",
                    );
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_information_only_counts_in_the_authority_of_http_urls() {
        assert!(http_with_userinfo("http://u:p@host/x"));
        assert!(http_with_userinfo("HTTP://u@host"));
        assert!(!http_with_userinfo("https://u:p@host/x"));
        assert!(!http_with_userinfo("http://host/a@b"));
        assert!(!http_with_userinfo("http"));
    }
}
