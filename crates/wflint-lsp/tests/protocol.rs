//! In-process protocol tests: a scripted client talks JSON-RPC to the server over in-memory
//! pipes and checks the exact messages it gets back.

mod common;

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use common::{TestClient, apply_edits, file_uri};
use serde_json::{Value, json};
use wflint_core::{
    LintOptions,
    context::{
        ClusterContext, ConfigMapInfo, ControllerConfig, Lookup, NoContext, SecretKeys,
        TemplateObject,
    },
};
use wflint_lsp::{LintSetup, ServeOptions, Settings, SetupError};

const URI: &str = "file:///work/flows/hello.yaml";

/// A workflow whose labels repeat a key after a value with multi-byte characters.
const WORKFLOW: &str = "\
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

const CLEAN: &str = "\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: hello-
  labels: {team: \"# café 😀\"}
spec:
  entrypoint: main
  templates:
    - {name: main, container: {image: \"alpine:3.20\"}}
";

const RULES_URL: &str = "https://github.com/wflint/wflint/blob/main/docs/rules.md";

fn range(line: u32, start: u32, end: u32) -> Value {
    json!({"start": {"line": line, "character": start}, "end": {"line": line, "character": end}})
}

/// The duplicate-key diagnostic of [`WORKFLOW`] with columns `second` (the repeated key) and
/// `first` (the original).
fn duplicate_key(second: u32, first: u32) -> Value {
    json!({
        "range": range(4, second, second + 4),
        "severity": 1,
        "code": "duplicate-key",
        "codeDescription": {"href": format!("{RULES_URL}#duplicate-key")},
        "source": "wflint",
        "message": "duplicate key `team`; the last value is used",
        "relatedInformation": [{
            "location": {"uri": URI, "range": range(4, first, first + 4)},
            "message": "first defined here",
        }],
    })
}

async fn started(encodings: Option<&[&str]>) -> (TestClient, Value) {
    let mut client = TestClient::start(ServeOptions::default());
    let result = client.initialize(encodings, json!({}), None).await;
    (client, result)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf16_is_the_default_and_ranges_count_utf16_units_after_multibyte_text() {
    let (mut client, result) = started(None).await;
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(result["capabilities"]["textDocumentSync"], 1);
    assert_eq!(result["serverInfo"]["name"], "wflint");
    client.open(URI, 1, WORKFLOW).await;
    // `  labels: {team: "# café 😀", ` is 29 characters, 30 UTF-16 units (😀 takes two).
    assert_eq!(
        client.diagnostics(URI, Some(1)).await,
        vec![duplicate_key(30, 11)]
    );
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf8_is_used_when_the_client_offers_it() {
    let (mut client, result) = started(Some(&["utf-8", "utf-16"])).await;
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    client.open(URI, 1, WORKFLOW).await;
    // The same prefix is 33 bytes of UTF-8 (é takes two, 😀 four).
    assert_eq!(
        client.diagnostics(URI, Some(1)).await,
        vec![duplicate_key(33, 11)]
    );
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_are_linted_and_a_syntax_error_is_placed_after_multibyte_text() {
    let (mut client, _) = started(None).await;
    client.open(URI, 1, WORKFLOW).await;
    assert_eq!(client.diagnostics(URI, Some(1)).await.len(), 1);
    client.change(URI, 2, CLEAN).await;
    assert_eq!(client.diagnostics(URI, Some(2)).await, Vec::<Value>::new());
    let broken = CLEAN.replace(
        "labels: {team: \"# café 😀\"}",
        "annotations: \"# café 😀\" ]",
    );
    client.change(URI, 3, &broken).await;
    let diagnostics = client.diagnostics(URI, Some(3)).await;
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic["code"], "yaml-syntax");
    assert_eq!(diagnostic["severity"], 1);
    // `  annotations: "# café 😀" ` is 26 characters, 27 UTF-16 units: the `]`.
    assert_eq!(diagnostic["range"], range(4, 27, 27));
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_latest_version_is_published_and_older_texts_are_ignored() {
    let (mut client, _) = started(None).await;
    client.open(URI, 1, CLEAN).await;
    assert_eq!(client.diagnostics(URI, Some(1)).await, Vec::<Value>::new());
    for version in 2..=30 {
        let text = if version % 2 == 0 { WORKFLOW } else { CLEAN };
        client.change(URI, version, text).await;
    }
    // An out-of-order change with an older version must not replace version 30.
    client.change(URI, 29, CLEAN).await;
    assert_eq!(
        client.diagnostics(URI, Some(30)).await,
        vec![duplicate_key(30, 11)]
    );
    // Code actions are only offered for the version the diagnostics were computed on.
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": URI},
                "range": range(4, 30, 30),
                "context": {"diagnostics": []},
            }),
        )
        .await;
    assert_eq!(actions.as_array().map(Vec::len), Some(1), "{actions}");
    let published = client.drain_published();
    let versions: Vec<i64> = published
        .iter()
        .map(|m| m["params"]["version"].as_i64().unwrap())
        .collect();
    assert!(
        versions.iter().all(|v| (1..=30).contains(v)) && versions.is_sorted(),
        "{versions:?}"
    );
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ignore_action_inserts_a_comment_the_linter_honours() {
    let (mut client, _) = started(None).await;
    client.open(URI, 1, WORKFLOW).await;
    let diagnostics = client.diagnostics(URI, Some(1)).await;
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": URI},
                "range": diagnostics[0]["range"],
                "context": {"diagnostics": diagnostics, "only": ["quickfix"]},
            }),
        )
        .await;
    let expected_edit = json!({
        "range": range(4, 0, 0),
        "newText": "  # wflint: ignore[duplicate-key]\n",
    });
    assert_eq!(
        actions,
        json!([{
            "title": "Ignore `duplicate-key` here (# wflint: ignore)",
            "kind": "quickfix",
            "diagnostics": [duplicate_key(30, 11)],
            "edit": {"changes": {URI: [expected_edit]}},
        }])
    );
    let edits = actions[0]["edit"]["changes"][URI].as_array().unwrap();
    let fixed = apply_edits(WORKFLOW, edits, false);
    assert!(fixed.contains(
        "metadata:\n  generateName: hello-\n  # wflint: ignore[duplicate-key]\n  labels:"
    ));
    client.change(URI, 2, &fixed).await;
    assert_eq!(client.diagnostics(URI, Some(2)).await, Vec::<Value>::new());
    // Other kinds of action are not offered.
    let refactors = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": URI},
                "range": range(4, 0, 40),
                "context": {"diagnostics": [], "only": ["refactor"]},
            }),
        )
        .await;
    assert_eq!(refactors, Value::Null);
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_on_a_diagnostic_shows_the_rule_documentation() {
    let (mut client, _) = started(None).await;
    client.open(URI, 1, WORKFLOW).await;
    client.diagnostics(URI, Some(1)).await;
    let hover = |character: u32| json!({"textDocument": {"uri": URI}, "position": {"line": 4, "character": character}});
    let result = client.request("textDocument/hover", hover(31)).await;
    assert_eq!(result["range"], range(4, 30, 34));
    assert_eq!(result["contents"]["kind"], "markdown");
    let text = result["contents"]["value"].as_str().unwrap();
    let rule = wflint_core::rules::by_code("duplicate-key").unwrap();
    assert!(
        text.starts_with("**wflint `duplicate-key`** (syntax): a mapping has the same key twice")
    );
    assert!(text.contains(&rule.documentation()), "{text}");
    assert!(text.contains(&format!("({RULES_URL}#duplicate-key)")));
    assert_eq!(
        client.request("textDocument/hover", hover(3)).await,
        Value::Null
    );
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_a_document_clears_its_diagnostics() {
    let (mut client, _) = started(None).await;
    client.open(URI, 1, WORKFLOW).await;
    assert_eq!(client.diagnostics(URI, Some(1)).await.len(), 1);
    client.close(URI).await;
    assert_eq!(client.diagnostics(URI, None).await, Vec::<Value>::new());
    let hover = json!({"textDocument": {"uri": URI}, "position": {"line": 4, "character": 31}});
    assert_eq!(
        client.request("textDocument/hover", hover).await,
        Value::Null
    );
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_reopened_right_after_closing_is_linted_again() {
    let (mut client, _) = started(None).await;
    client.open(URI, 1, WORKFLOW).await;
    assert_eq!(client.diagnostics(URI, Some(1)).await.len(), 1);
    client.close(URI).await;
    client.open(URI, 1, WORKFLOW).await;
    assert_eq!(client.diagnostics(URI, None).await, Vec::<Value>::new());
    assert_eq!(
        client.diagnostics(URI, Some(1)).await,
        vec![duplicate_key(30, 11)]
    );
    // The diagnostics stay for the open document: its code actions are there.
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": range(4, 31, 31), "context": {"diagnostics": []}}),
        )
        .await;
    assert_eq!(actions.as_array().map(Vec::len), Some(1));
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_argo_documents_get_diagnostics() {
    let (mut client, _) = started(None).await;
    let config_map =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: {a: \"1\", a: \"2\"}\n";
    let other = "file:///work/flows/config.yaml";
    client.open(other, 1, config_map).await;
    assert_eq!(
        client.diagnostics(other, Some(1)).await,
        Vec::<Value>::new()
    );
    let broken_other = "kind: ConfigMap\nmetadata: [\n";
    client.change(other, 2, broken_other).await;
    assert_eq!(
        client.diagnostics(other, Some(2)).await,
        Vec::<Value>::new()
    );
    // In a stream with both, only the Workflow's findings are shown.
    let both = format!("{config_map}---\n{WORKFLOW}");
    client.open(URI, 1, &both).await;
    let diagnostics = client.diagnostics(URI, Some(1)).await;
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["range"], range(10, 30, 34));
    // A Workflow that stops parsing is still recognised by its apiVersion line.
    let broken = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: [\n";
    client.change(URI, 2, broken).await;
    let diagnostics = client.diagnostics(URI, Some(2)).await;
    assert_eq!(diagnostics[0]["code"], "yaml-syntax", "{diagnostics:?}");
    client.shutdown().await;
}

/// A context whose every answer panics: stands for a bug inside one lint.
struct PanickingContext;

impl ClusterContext for PanickingContext {
    fn config_map(&self, _: &str, _: &str) -> Lookup<Arc<ConfigMapInfo>> {
        panic!("the context blew up")
    }
    fn secret(&self, _: &str, _: &str) -> Lookup<Arc<SecretKeys>> {
        panic!("the context blew up")
    }
    fn workflow_template(&self, _: &str, _: &str) -> Lookup<TemplateObject> {
        panic!("the context blew up")
    }
    fn cluster_workflow_template(&self, _: &str) -> Lookup<TemplateObject> {
        panic!("the context blew up")
    }
    fn controller(&self) -> Lookup<Arc<ControllerConfig>> {
        panic!("the context blew up")
    }
    fn notes(&self) -> Vec<String> {
        panic!("the context blew up")
    }
}

/// A loader for tests: namespace `boom` gives a panicking context, and a policy file lists
/// codes to ignore, one a line.
fn test_loader(settings: &Settings, root: Option<&Path>) -> Result<LintSetup, SetupError> {
    let mut setup = LintSetup::default();
    if settings.namespace.as_deref() == Some("boom") {
        setup.context = Box::new(PanickingContext);
    } else {
        setup.context = Box::new(NoContext);
    }
    if let Some(policy) = &settings.policy {
        let path = Settings::resolve(policy, root);
        let text = std::fs::read_to_string(&path).map_err(|error| SetupError {
            message: format!("cannot read {}: {error}", path.display()),
            watch: vec![path.clone()],
        })?;
        let codes: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let mut options = LintOptions::default();
        options.rules.ignore(codes).map_err(|error| SetupError {
            message: error.to_string(),
            watch: vec![path.clone()],
        })?;
        setup.options = options;
        setup.watch.push(path);
    }
    Ok(setup)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_a_lint_is_logged_and_the_session_goes_on() {
    let mut client = TestClient::start(ServeOptions::default().with_loader(test_loader));
    client
        .initialize(None, json!({"namespace": "boom"}), None)
        .await;
    client.open(URI, 1, WORKFLOW).await;
    let log = client.log_message_containing("failed while linting").await;
    assert_eq!(log["type"], 1);
    assert!(
        log["message"]
            .as_str()
            .unwrap()
            .contains("the context blew up")
    );
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"wflint": {"namespace": "fine"}}}),
        )
        .await;
    assert_eq!(
        client.diagnostics(URI, Some(1)).await,
        vec![duplicate_key(30, 11)]
    );
    client.shutdown().await;
}

#[allow(clippy::expect_used)] // test set-up
fn scratch_folder(name: &str) -> PathBuf {
    let folder = std::env::temp_dir().join(format!("wflint-lsp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).expect("a scratch folder can be made");
    folder
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_are_pulled_and_reloaded_when_a_watched_file_changes() {
    let folder = scratch_folder("reload");
    let policy = folder.join("policy.txt");
    std::fs::write(&policy, "").unwrap();
    let configuration = json!({"policy": "policy.txt"});
    let mut client = TestClient::start_with_configuration(
        ServeOptions::default().with_loader(test_loader),
        configuration,
    );
    client.initialize(None, json!({}), Some(&folder)).await;
    client.open(URI, 1, WORKFLOW).await;
    assert_eq!(client.diagnostics(URI, Some(1)).await.len(), 1);
    // `null` settings: the server asks for its section.
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": null}),
        )
        .await;
    // The re-registration after the reload watches the policy file the settings name.
    let policy_watcher = json!({
        "globPattern": {"baseUri": file_uri(&folder), "pattern": "policy.txt"},
    });
    client
        .server_request(|r| r["method"] == "workspace/configuration")
        .await;
    let registration = client
        .server_request(|r| {
            r["method"] == "client/registerCapability"
                && r["params"]["registrations"][0]["registerOptions"]["watchers"]
                    .as_array()
                    .is_some_and(|w| w.len() == 3)
        })
        .await;
    let watchers = &registration["params"]["registrations"][0]["registerOptions"]["watchers"];
    assert_eq!(watchers[0], json!({"globPattern": "**/*.{yaml,yml,json}"}));
    assert_eq!(watchers[1], json!({"globPattern": "**/wflint.toml"}));
    assert_eq!(watchers[2], policy_watcher);
    // Editing the policy file reloads it: the finding is now ignored.
    std::fs::write(&policy, "duplicate-key\n").unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": file_uri(&policy), "type": 2}]}),
        )
        .await;
    loop {
        if client.diagnostics(URI, Some(1)).await.is_empty() {
            break;
        }
    }
    client.shutdown().await;
    let _ = std::fs::remove_dir_all(&folder);
}

/// A template whose misspelt field follows a value with multi-byte characters.
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_fix_renames_a_misspelt_field() {
    let (mut client, _) = started(None).await;
    client.open(URI, 1, TYPO).await;
    // `    - {name: main, metadata: {annotations: {note: "# café 😀"}}, ` is 64 characters,
    // 65 UTF-16 units.
    let expected = json!({
        "range": range(7, 65, 73),
        "severity": 1,
        "code": "unknown-field",
        "codeDescription": {"href": format!("{RULES_URL}#unknown-field")},
        "source": "wflint",
        "message": "`containr` is not a field of a template\nhelp: did you mean `container`?",
    });
    let diagnostics = client.diagnostics(URI, Some(1)).await;
    let codes: Vec<&str> = diagnostics
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    // One mistake, one finding: not also "template has no body".
    assert_eq!(codes, ["unknown-field"], "{diagnostics:?}");
    assert_eq!(diagnostics[0], expected);
    // The cursor inside the key, as editors send it.
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": URI},
                "range": range(7, 67, 67),
                "context": {"diagnostics": [expected]},
            }),
        )
        .await;
    assert_eq!(actions[0]["title"], "Rename to `container`");
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["isPreferred"], true);
    assert_eq!(actions[0]["diagnostics"], json!([expected]));
    let edits = actions[0]["edit"]["changes"][URI].as_array().unwrap();
    assert_eq!(
        edits,
        &vec![json!({"range": range(7, 65, 73), "newText": "container"})]
    );
    let fixed = apply_edits(TYPO, edits, false);
    assert_eq!(fixed, TYPO.replace("containr", "container"));
    assert_eq!(
        actions[1]["edit"]["changes"][URI][0]["newText"],
        "    # wflint: ignore[unknown-field]\n"
    );
    client.change(URI, 2, &fixed).await;
    assert_eq!(client.diagnostics(URI, Some(2)).await, Vec::<Value>::new());
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_fix_edits_count_utf8_bytes_when_negotiated() {
    let (mut client, _) = started(Some(&["utf-8"])).await;
    client.open(URI, 1, TYPO).await;
    let diagnostics = client.diagnostics(URI, Some(1)).await;
    // The same prefix is 68 bytes (é two, 😀 four).
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["range"], range(7, 68, 76));
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": range(7, 70, 70), "context": {"diagnostics": []}}),
        )
        .await;
    let edits = actions[0]["edit"]["changes"][URI].as_array().unwrap();
    assert_eq!(
        apply_edits(TYPO, edits, true),
        TYPO.replace("containr", "container")
    );
    client.shutdown().await;
}
