//! End-to-end tests of the `wflint` binary: exit codes, rule selection, configuration,
//! inputs (stdin, folders), suppressions, context errors and every output format.

// The helpers below are test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::{
    path::{Path, PathBuf},
    process::Output,
};

use assert_cmd::Command;
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// `wflint` run in `cwd` with a scrubbed environment.
fn wflint_in(cwd: &Path) -> Command {
    let mut command = Command::cargo_bin("wflint").expect("the wflint binary is built");
    command
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("COLUMNS", "100");
    command
}

/// `wflint lint --no-config ARGS` in the fixtures folder.
fn lint(args: &[&str]) -> Output {
    wflint_in(&fixtures())
        .arg("lint")
        .arg("--no-config")
        .args(args)
        .output()
        .expect("wflint runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 stderr")
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("an exit code")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            stdout(output),
            stderr(output)
        )
    })
}

/// The codes reported, in order.
fn codes(report: &Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().expect("code").to_string())
        .collect()
}

/// A temporary folder removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("wflint-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("temp dir");
        Self(path)
    }

    fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("parent dir");
        std::fs::write(&path, contents).expect("write");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const DUPLICATE_KEY_WORKFLOW: &str = "apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: dup
  name: dup-again
spec:
  entrypoint: main
  templates:
    - name: main
      container: {image: alpine:3.20}
";

const TYPE_ERROR_WORKFLOW: &str = "apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: typed
spec:
  entrypoint: [main]
";

// ---------------------------------------------------------------------------------------------
// Exit codes

#[test]
fn a_clean_manifest_exits_0() {
    let output = lint(&["clean.yaml"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output), "No problems found in 1 file (1 object).\n");
}

#[test]
fn an_error_finding_exits_1() {
    let output = lint(&["--format", "json", "findings.yaml"]);
    assert_eq!(code(&output), 1);
    let report = json(&output);
    assert!(codes(&report).contains(&"duplicate-key".to_string()));
    assert!(report["summary"]["errors"].as_u64().unwrap() >= 1);
}

#[test]
fn an_unreadable_path_exits_2_naming_it() {
    let output = lint(&["no-such-file.yaml"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("cannot read no-such-file.yaml"),
        "{}",
        stderr(&output)
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn a_bad_flag_exits_2() {
    assert_eq!(code(&lint(&["--format", "xml", "clean.yaml"])), 2);
    assert_eq!(code(&lint(&["--no-such-flag", "clean.yaml"])), 2);
    let output = wflint_in(&fixtures()).arg("lint").output().unwrap();
    assert_eq!(code(&output), 2, "PATH is required");
}

#[test]
fn deny_warnings_fails_on_warnings_only() {
    let dir = TempDir::new("deny-warnings");
    dir.write("wf.yaml", DUPLICATE_KEY_WORKFLOW);
    dir.write(
        "wflint.toml",
        "[rules.severity]\nduplicate-key = \"warning\"\n",
    );
    let run = |extra: &[&str]| {
        wflint_in(&dir.0)
            .args(["lint", "--format", "json"])
            .args(extra)
            .arg("wf.yaml")
            .output()
            .unwrap()
    };
    let output = run(&[]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["diagnostics"][0]["severity"], "warning");
    assert_eq!(report["summary"]["warnings"], 1);
    assert_eq!(code(&run(&["--deny-warnings"])), 1);

    dir.write(
        "wflint.toml",
        "[rules.severity]\nduplicate-key = \"info\"\n",
    );
    assert_eq!(code(&run(&["--deny-warnings"])), 0, "infos never fail");
}

// ---------------------------------------------------------------------------------------------
// Rule selection

#[test]
fn select_and_ignore_take_codes_and_groups() {
    let run = |args: &[&str]| {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        all.push("findings.yaml");
        codes(&json(&lint(&all)))
    };
    let everything = run(&[]);
    assert!(everything.contains(&"duplicate-key".to_string()));
    assert!(everything.contains(&"yaml-syntax".to_string()));
    assert!(everything.contains(&"invalid-type".to_string()));

    assert_eq!(run(&["--select", "duplicate-key"]), ["duplicate-key"]);
    let syntax = run(&["--select", "syntax"]);
    assert_eq!(syntax, ["duplicate-key", "yaml-syntax"]);
    assert_eq!(
        run(&["--select", "syntax", "--ignore", "yaml-syntax"]),
        ["duplicate-key"]
    );
    assert_eq!(
        run(&["--ignore", "argo,duplicate-key"]),
        ["yaml-syntax"],
        "comma-separated"
    );
    assert_eq!(
        run(&["--ignore", "argo", "--ignore", "yaml-syntax"]),
        ["duplicate-key"],
        "repeated"
    );
    assert!(run(&["--ignore", "all"]).is_empty());
}

#[test]
fn an_unknown_code_exits_2_with_a_suggestion() {
    for flag in ["--select", "--ignore"] {
        let output = lint(&[flag, "duplicate-kye", "clean.yaml"]);
        assert_eq!(code(&output), 2);
        let text = stderr(&output);
        assert!(
            text.contains(&format!("{flag}: unknown rule or group `duplicate-kye`"))
                && text.contains("did you mean `duplicate-key`?"),
            "{text}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Configuration

#[test]
fn the_configuration_file_is_found_upwards_and_flags_override_it() {
    let dir = TempDir::new("config-discovery");
    dir.write("manifests/deep/wf.yaml", DUPLICATE_KEY_WORKFLOW);
    dir.write("manifests/deep/typed.yaml", TYPE_ERROR_WORKFLOW);
    dir.write(
        "wflint.toml",
        "namespace = \"from-config\"\n[rules]\nignore = [\"duplicate-key\"]\n",
    );
    let cwd = dir.0.join("manifests/deep");
    let run = |extra: &[&str]| {
        wflint_in(&cwd)
            .args(["lint", "--format", "json"])
            .args(extra)
            .arg("wf.yaml")
            .output()
            .unwrap()
    };

    let found = run(&[]);
    assert_eq!(code(&found), 0, "{}", stderr(&found));
    assert!(codes(&json(&found)).is_empty(), "the file's ignore applies");

    let without = run(&["--no-config"]);
    assert_eq!(code(&without), 1);
    assert_eq!(codes(&json(&without)), ["duplicate-key"]);

    // The file's namespace applies, and --namespace wins over it.
    let namespace = |extra: &[&str]| {
        let output = wflint_in(&cwd)
            .args(["lint", "--format", "json"])
            .args(extra)
            .arg("typed.yaml")
            .output()
            .unwrap();
        json(&output)["diagnostics"][0]["object"]["namespace"].clone()
    };
    assert_eq!(namespace(&[]), "from-config");
    assert_eq!(namespace(&["--namespace", "from-flag"]), "from-flag");
    assert_eq!(namespace(&["--no-config"]), "default");

    // --select replaces the file's select.
    assert!(codes(&json(&run(&["--select", "argo"]))).is_empty());

    // --config names another file.
    dir.write("other.toml", "[rules.severity]\nduplicate-key = \"info\"\n");
    let other = dir.0.join("other.toml");
    let report = json(&run(&["--config", other.to_str().unwrap()]));
    assert_eq!(report["diagnostics"][0]["severity"], "info");
}

#[test]
fn a_bad_configuration_file_exits_2_naming_file_and_line() {
    let dir = TempDir::new("config-bad");
    dir.write("wf.yaml", DUPLICATE_KEY_WORKFLOW);
    for (text, expected) in [
        (
            "[rules]\nselect = [\"syntax\"]\nignroe = []\n",
            "wflint.toml:3:1: unknown field `ignroe`",
        ),
        (
            "[rules]\nignore = [\"duplicate-kye\"]\n",
            "wflint.toml:2:11: unknown rule or group `duplicate-kye` (did you mean `duplicate-key`?)",
        ),
        (
            "[rules.severity]\nduplicate-key = \"fatal\"\n",
            "wflint.toml:2:17: unknown severity `fatal`",
        ),
        ("[rules\n", "wflint.toml:1:"),
    ] {
        dir.write("wflint.toml", text);
        let output = wflint_in(&dir.0)
            .args(["lint", "wf.yaml"])
            .output()
            .unwrap();
        assert_eq!(code(&output), 2, "{text}");
        let message = stderr(&output);
        assert!(message.contains(expected), "{text}\n{message}");
    }
    let output = wflint_in(&dir.0)
        .args(["lint", "--config", "missing.toml", "wf.yaml"])
        .output()
        .unwrap();
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("cannot read configuration file"));
}

#[test]
fn per_path_ignores_apply_below_the_configuration_folder() {
    let dir = TempDir::new("config-paths");
    dir.write("legacy/old/wf.yaml", DUPLICATE_KEY_WORKFLOW);
    dir.write("current/wf.yaml", DUPLICATE_KEY_WORKFLOW);
    dir.write(
        "wflint.toml",
        "[[ignore]]\npaths = [\"legacy/**\"]\ncodes = [\"syntax\"]\n",
    );
    let output = wflint_in(&dir.0.join("current"))
        .args(["lint", "--format", "json", "..", "../legacy/old/wf.yaml"])
        .output()
        .unwrap();
    let report = json(&output);
    let files: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["../current/wf.yaml"]);
}

// ---------------------------------------------------------------------------------------------
// Inputs

#[test]
fn stdin_is_linted_as_stdin() {
    let output = wflint_in(&fixtures())
        .args(["lint", "--no-config", "--format", "json", "-"])
        .write_stdin(DUPLICATE_KEY_WORKFLOW)
        .output()
        .unwrap();
    assert_eq!(code(&output), 1);
    let report = json(&output);
    assert_eq!(report["diagnostics"][0]["file"], "stdin");
    assert_eq!(report["diagnostics"][0]["line"], 5);
    assert_eq!(report["summary"]["files"], 1);
}

#[test]
fn folders_are_linted_recursively_in_sorted_order() {
    let output = lint(&["--format", "json", "tree"]);
    let report = json(&output);
    assert_eq!(report["summary"]["files"], 3, "a.yaml, b.yml, c.json");
    assert_eq!(report["summary"]["objects"], 3);
    let files: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert!(files.iter().all(|f| *f == "tree/nested/b.yml"), "{files:?}");

    let github = stdout(&lint(&["--format", "github", "tree"]));
    assert!(!github.contains(".hidden") && !github.contains("target/"));
}

#[test]
fn nothing_to_lint_exits_0_with_a_note() {
    let output = lint(&["not-argo.yaml"]);
    assert_eq!(code(&output), 0);
    assert!(output.stdout.is_empty(), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("nothing to lint"),
        "{}",
        stderr(&output)
    );

    // Machine formats still write a valid, empty document.
    let output = lint(&["--format", "json", "not-argo.yaml"]);
    assert_eq!(code(&output), 0);
    assert_eq!(json(&output)["summary"]["objects"], 0);

    let dir = TempDir::new("empty");
    let output = wflint_in(&dir.0)
        .args(["lint", "--no-config", "."])
        .output()
        .unwrap();
    assert_eq!(code(&output), 0);
    assert!(stderr(&output).contains("no .yaml, .yml or .json file found"));
}

#[test]
fn inline_suppressions_silence_the_named_code() {
    let output = lint(&["--format", "json", "suppressed.yaml"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    assert!(codes(&json(&output)).is_empty());

    let dir = TempDir::new("suppress");
    let unsuppressed = std::fs::read_to_string(fixtures().join("suppressed.yaml"))
        .unwrap()
        .replace("ignore[duplicate-key]", "ignore[invalid-type]");
    dir.write("wf.yaml", unsuppressed);
    let output = wflint_in(&dir.0)
        .args(["lint", "--no-config", "--format", "json", "wf.yaml"])
        .output()
        .unwrap();
    assert_eq!(codes(&json(&output)), ["duplicate-key"]);
}

// ---------------------------------------------------------------------------------------------
// Bad input: a clear finding at the right place, exit 1, never a panic.

fn lint_file(dir: &TempDir, name: &str, contents: impl AsRef<[u8]>) -> (i32, Value) {
    dir.write(name, contents);
    let output = wflint_in(&dir.0)
        .args(["lint", "--no-config", "--format", "json", name])
        .output()
        .unwrap();
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    (code(&output), json(&output))
}

fn first(report: &Value, code: &str) -> Value {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {report:#}"))
        .clone()
}

#[test]
fn a_yaml_syntax_error_is_reported_at_its_position() {
    let dir = TempDir::new("bad-syntax");
    let (code, report) = lint_file(
        &dir,
        "wf.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nspec:\n  entrypoint: main\n   templates: []\n",
    );
    assert_eq!(code, 1);
    let finding = first(&report, "yaml-syntax");
    assert_eq!(
        (finding["line"].as_u64(), finding["column"].as_u64()),
        (Some(5), Some(13))
    );
    assert!(finding["object"].is_null());
    assert_eq!(finding["path"], "");
}

#[test]
fn a_duplicate_key_is_reported_at_the_second_key() {
    let dir = TempDir::new("bad-duplicate");
    let (code, report) = lint_file(&dir, "wf.yaml", DUPLICATE_KEY_WORKFLOW);
    assert_eq!(code, 1);
    let finding = first(&report, "duplicate-key");
    assert_eq!(finding["line"], 5);
    assert_eq!(finding["column"], 3);
    assert_eq!(finding["end_column"], 7);
}

#[test]
fn a_non_utf8_file_is_reported_and_still_linted() {
    let dir = TempDir::new("bad-encoding");
    let (code, report) = lint_file(
        &dir,
        "wf.yaml",
        b"apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: caf\xe9\n  name: again\n",
    );
    assert_eq!(code, 1);
    let finding = first(&report, "invalid-encoding");
    assert_eq!(finding["line"], 4);
    assert_eq!(finding["column"], 12);
    // The rest of the file is still read.
    first(&report, "duplicate-key");
    assert_eq!(report["summary"]["objects"], 1);
}

#[test]
fn a_document_that_is_not_a_mapping_is_reported() {
    let dir = TempDir::new("bad-list");
    let (code, report) = lint_file(
        &dir,
        "wf.yaml",
        "- apiVersion: argoproj.io/v1alpha1\n  kind: Workflow\n",
    );
    assert_eq!(code, 1);
    let finding = first(&report, "not-a-mapping");
    assert_eq!(finding["line"], 1);
    assert!(finding["help"].as_str().is_some());
}

#[test]
fn an_alias_bomb_is_stopped() {
    let dir = TempDir::new("bad-bomb");
    let mut text = String::from(
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: bomb}\nspec:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n",
    );
    for level in 1..10 {
        let previous = format!("*a{}", level - 1);
        let items = [previous.as_str(); 10].join(", ");
        text.push_str(&format!("  a{level}: &a{level} [{items}]\n"));
    }
    let (code, report) = lint_file(&dir, "bomb.yaml", text);
    assert_eq!(code, 1);
    let finding = first(&report, "input-limit");
    assert!(finding["line"].as_u64().unwrap() > 4, "{finding}");
}

#[test]
fn a_huge_file_is_refused_without_reading_it() {
    let dir = TempDir::new("bad-huge");
    let mut text = String::from(
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  annotations:\n",
    );
    let line = format!("    k: \"{}\"\n", "x".repeat(1000));
    while text.len() <= 17 * 1024 * 1024 {
        text.push_str(&line);
    }
    let (code, report) = lint_file(&dir, "huge.yaml", text);
    assert_eq!(code, 1);
    let finding = first(&report, "input-limit");
    assert_eq!(finding["line"], 1);
    assert!(
        finding["message"].as_str().unwrap().contains("limit"),
        "{finding}"
    );
}

// ---------------------------------------------------------------------------------------------
// Cluster context

#[test]
fn context_files_are_loaded_and_bad_ones_exit_2() {
    let dir = TempDir::new("context");
    dir.write(
        "wf.yaml",
        std::fs::read(fixtures().join("clean.yaml")).unwrap(),
    );
    dir.write(
        "cluster/repos.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: artifact-repositories}\ndata:\n  default-v1: |\n    s3: {bucket: b}\n",
    );
    dir.write("cluster/values.yaml", "replicas: 3\n");
    let ok = wflint_in(&dir.0)
        .args(["lint", "--no-config", "--context", "cluster", "wf.yaml"])
        .output()
        .unwrap();
    assert_eq!(code(&ok), 0, "{}", stderr(&ok));

    dir.write(
        "cluster/broken.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: [not-shown-value]\n",
    );
    let bad = wflint_in(&dir.0)
        .args(["lint", "--no-config", "--context", "cluster", "wf.yaml"])
        .output()
        .unwrap();
    assert_eq!(code(&bad), 2);
    let message = stderr(&bad);
    assert!(message.contains("cluster/broken.yaml:4:7"), "{message}");
    assert!(!message.contains("not-shown-value"), "{message}");

    let missing = wflint_in(&dir.0)
        .args([
            "lint",
            "--no-config",
            "--controller-config",
            "nope.yaml",
            "wf.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&missing), 2);
    assert!(stderr(&missing).contains("nope.yaml"));
}

// ---------------------------------------------------------------------------------------------
// Output formats, through the binary (syntax rules only, so the snapshots do not move when
// other rules are added).

fn format_output(format: &str) -> String {
    let output = lint(&["--select", "syntax", "--format", format, "findings.yaml"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    stdout(&output).replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
}

#[test]
fn pretty_output() {
    insta::assert_snapshot!(format_output("pretty"));
}

#[test]
fn json_output() {
    insta::assert_snapshot!(format_output("json"));
}

#[test]
fn sarif_output() {
    insta::assert_snapshot!(format_output("sarif"));
}

#[test]
fn github_output() {
    insta::assert_snapshot!(format_output("github"));
}

#[test]
fn pretty_output_is_coloured_only_on_request() {
    let plain = lint(&["findings.yaml"]);
    assert!(!stdout(&plain).contains('\u{1b}'));
    let coloured = lint(&["--color", "always", "findings.yaml"]);
    assert!(stdout(&coloured).contains('\u{1b}'));
}

// ---------------------------------------------------------------------------------------------
// rules and explain

#[test]
fn rules_lists_every_rule_as_a_table_or_json() {
    let table = wflint_in(&fixtures()).arg("rules").output().unwrap();
    assert_eq!(code(&table), 0);
    assert!(stdout(&table).starts_with("CODE"));
    assert!(stdout(&table).contains("duplicate-key"));

    let output = wflint_in(&fixtures())
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let rules = json(&output);
    let duplicate = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "duplicate-key")
        .unwrap();
    assert_eq!(duplicate["group"], "syntax");
    assert_eq!(duplicate["default_severity"], "error");
}

#[test]
fn explain_prints_the_documentation_or_suggests() {
    let output = wflint_in(&fixtures())
        .args(["explain", "duplicate-key"])
        .output()
        .unwrap();
    assert_eq!(code(&output), 0);
    let text = stdout(&output);
    assert!(text.starts_with("# duplicate-key"));
    assert!(text.contains("## Why it matters") && text.contains("## Fix"));

    let output = wflint_in(&fixtures())
        .args(["explain", "duplicate-kye"])
        .output()
        .unwrap();
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("did you mean `duplicate-key`?"));
}

#[test]
fn help_documents_options_configuration_and_exit_codes() {
    let output = wflint_in(&fixtures())
        .args(["lint", "--help"])
        .output()
        .unwrap();
    let text = stdout(&output);
    for needle in [
        "--format",
        "--select",
        "--ignore",
        "--deny-warnings",
        "--namespace",
        "--context",
        "--controller-config",
        "--config",
        "--no-config",
        "wflint.toml",
        "Exit status",
        "wflint: ignore[",
    ] {
        assert!(text.contains(needle), "lint --help lacks {needle}");
    }
}
