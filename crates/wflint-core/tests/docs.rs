//! `docs/rules.md` is generated from the rule registry (each rule's doc comment) and must stay
//! in sync with it. Regenerate with `WFLINT_UPDATE_DOCS=1 cargo test -p wflint-core --test docs`.

use std::path::Path;

use wflint_core::rules::{self, GROUPS};

fn group_intro(group: &str) -> &'static str {
    match group {
        "syntax" => {
            "Input that cannot be read as Kubernetes manifests. `argo lint` drops such documents silently."
        }
        "argo" => {
            "Everything Argo's own validator checks (`argo lint --strict`). A finding here carries Argo's text in `argo_message`."
        }
        "artifacts" => {
            "Artifact failures that pass `argo lint` and only show up at run time: repository resolution, key-only artifacts, Secrets, archive options, garbage collection."
        }
        _ => "",
    }
}

fn render() -> String {
    let mut out = String::from(
        "# wflint rules\n\n<!-- Generated from the rule declarations by crates/wflint-core/tests/docs.rs; do not edit. -->\n\n\
         `wflint rules` lists them, `wflint explain CODE` prints one. Select or ignore them by code or group \
         (`--select`, `--ignore`, `wflint.toml`, policies), suppress one finding with `# wflint: ignore[CODE]` \
         on its line or the line above.\n\n",
    );
    for group in GROUPS {
        out.push_str(&format!(
            "| group `{group}` | severity | summary |\n|---|---|---|\n"
        ));
        for rule in rules::all().filter(|r| r.group == *group) {
            out.push_str(&format!(
                "| [{0}](#{0}) | {1} | {2} |\n",
                rule.code, rule.default_severity, rule.summary
            ));
        }
        out.push('\n');
    }
    for group in GROUPS {
        out.push_str(&format!("## Group `{group}`\n\n{}\n\n", group_intro(group)));
        for rule in rules::all().filter(|r| r.group == *group) {
            out.push_str(&format!(
                "### {}\n\nGroup `{}`, default severity **{}**. {}.\n\n",
                rule.code, rule.group, rule.default_severity, rule.summary
            ));
            for line in rule.documentation().lines() {
                match line.strip_prefix("## ") {
                    Some(title) => out.push_str(&format!("#### {title}\n")),
                    None => {
                        out.push_str(line);
                        out.push('\n');
                    }
                }
            }
            out.push('\n');
        }
    }
    out
}

#[test]
fn rules_md_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md");
    let expected = render();
    if std::env::var_os("WFLINT_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).expect("write docs/rules.md");
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/rules.md is stale: run `WFLINT_UPDATE_DOCS=1 cargo test -p wflint-core --test docs`"
    );
}
