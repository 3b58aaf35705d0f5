//! End-to-end with a real editor as the client: headless Neovim starts the `wflint-lsp` binary
//! on a fixture, and the test reads back the diagnostics Neovim received and the text after it
//! applied the server's code action. Skipped, with a message, when `nvim` is not installed
//! (`scripts/test` installs it).

use std::process::Command;

use serde_json::{Value, json};

const FIXTURE: &str = "\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: hello-
  labels: {team: \"# café 😀\", team: data}
spec:
  entrypoint: main
  templates:
    - {name: main, container: {image: \"alpine:3.20\"}}
";

fn nvim_available() -> bool {
    Command::new("nvim")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
}

/// Run the Lua client on `fixture` (written to a scratch folder) and return what it saw.
#[allow(clippy::unwrap_used, clippy::expect_used)] // test support: fail loudly
fn run_neovim(name: &str, fixture: &str) -> Value {
    let folder =
        std::env::temp_dir().join(format!("wflint-lsp-nvim-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join("workflow.yaml");
    std::fs::write(&path, fixture).unwrap();
    let out = folder.join("result.json");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/nvim/diagnostics.lua");
    let run = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!("luafile {script}"))
        .env("WFLINT_LSP", env!("CARGO_BIN_EXE_wflint-lsp"))
        .env("FIXTURE", &path)
        .env("OUT", &out)
        .env("XDG_STATE_HOME", &folder)
        .env("XDG_CACHE_HOME", &folder)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("nvim runs");
    let text = std::fs::read_to_string(&out).unwrap_or_else(|error| {
        panic!(
            "Neovim wrote no result ({error}); status {:?}\nstdout: {}\nstderr: {}",
            run.status,
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        )
    });
    let _ = std::fs::remove_dir_all(&folder);
    let result: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(result.get("error"), None, "{result:#}");
    assert_eq!(result["offset_encoding"], "utf-16");
    result
}

fn skip_without_neovim(test: &str) -> bool {
    if nvim_available() {
        return false;
    }
    eprintln!(
        "SKIPPED {test}: `nvim` is not installed (scripts/test installs Debian's neovim package)"
    );
    true
}

#[test]
fn neovim_receives_the_diagnostics_and_applies_the_ignore_action() {
    if skip_without_neovim("neovim_receives_the_diagnostics_and_applies_the_ignore_action") {
        return;
    }
    let result = run_neovim("ignore", FIXTURE);
    // Neovim counts columns in bytes: `  labels: {team: "# café 😀", ` is 33 bytes; the server
    // sent UTF-16 column 30 and Neovim converted it with the line's text.
    assert_eq!(
        result["steps"][0]["diagnostics"],
        json!([{
            "lnum": 4, "col": 33, "end_lnum": 4, "end_col": 37,
            "severity": 1,
            "message": "duplicate key `team`; the last value is used",
            "source": "wflint",
            "code": "duplicate-key",
        }])
    );
    assert_eq!(
        result["action_title"],
        "Ignore `duplicate-key` here (# wflint: ignore)"
    );
    assert_eq!(
        result["text_after_action"],
        FIXTURE
            .trim_end()
            .replace("  labels:", "  # wflint: ignore[duplicate-key]\n  labels:")
    );
    assert_eq!(result["steps"][1]["diagnostics"], json!([]));
}

const TYPO: &str = "\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: typo-
spec:
  entrypoint: main
  templates:
    - {name: main, metadata: {annotations: {note: \"# café 😀\"}}, containr: {image: \"alpine:3.20\"}}
";

#[test]
#[allow(clippy::expect_used)]
fn neovim_applies_the_rename_quick_fix() {
    if skip_without_neovim("neovim_applies_the_rename_quick_fix") {
        return;
    }
    let result = run_neovim("rename", TYPO);
    let opened = &result["steps"][0]["diagnostics"];
    let opened = opened
        .as_array()
        .and_then(|all| all.iter().find(|d| d["code"] == "unknown-field"))
        .expect("an unknown-field diagnostic");
    // `    - {name: main, metadata: {annotations: {note: "# café 😀"}}, ` is 68 bytes.
    assert_eq!(
        (
            opened["lnum"].clone(),
            opened["col"].clone(),
            opened["end_col"].clone()
        ),
        (json!(7), json!(68), json!(76))
    );
    assert_eq!(opened["code"], "unknown-field");
    assert_eq!(result["action_title"], "Rename to `container`");
    assert_eq!(
        result["text_after_action"],
        TYPO.trim_end().replace("containr", "container")
    );
    assert_eq!(result["steps"][1]["diagnostics"], json!([]));
}
