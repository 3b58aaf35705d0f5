//! Every rule of `rules::argo_checks` has fixtures: at least one `fail-*.yaml` that triggers it
//! and one `pass-*.yaml` that must not, under `tests/fixtures/<code>/` (run by the fixture
//! harness, `tests/fixtures.rs`).

use std::path::Path;

use wflint_core::rules::argo_checks;

#[test]
fn every_argo_checks_rule_has_fail_and_pass_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut missing = Vec::new();
    for rule in argo_checks::RULES {
        let names: Vec<String> = std::fs::read_dir(root.join(rule.code))
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        for prefix in ["fail-", "pass-"] {
            let found = names
                .iter()
                .any(|n| n.starts_with(prefix) && n.ends_with(".yaml"));
            if !found {
                missing.push(format!("{}: no {prefix}*.yaml", rule.code));
            }
        }
        for name in names.iter().filter(|n| n.starts_with("fail-")) {
            let text = std::fs::read_to_string(root.join(rule.code).join(name)).unwrap_or_default();
            if !text.contains(&format!("# expect: {} @", rule.code)) {
                missing.push(format!(
                    "{}/{name}: no `# expect: {} @ <line>`",
                    rule.code, rule.code
                ));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
