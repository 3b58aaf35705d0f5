//! `wflint lsp` is wired to the language server: a client over real stdio gets diagnostics,
//! and the workspace's `wflint.toml` applies.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    io::{BufRead, BufReader, Read, Write},
    process::{Child, ChildStdin, ChildStdout, Command, Stdio},
    sync::mpsc,
    time::Duration,
};

use serde_json::{Value, json};

fn send(stdin: &mut ChildStdin, message: &Value) {
    let body = message.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    stdin.flush().unwrap();
}

fn reader(stdout: ChildStdout) -> mpsc::Receiver<Value> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut stdout = BufReader::new(stdout);
        loop {
            let mut length = 0;
            loop {
                let mut line = String::new();
                if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim();
                if line.is_empty() {
                    break;
                }
                if let Some(n) = line.strip_prefix("Content-Length: ") {
                    length = n.parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            if stdout.read_exact(&mut body).is_err() {
                return;
            }
            if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                return;
            }
        }
    });
    rx
}

/// Wait for the diagnostics of `uri`, answering the server's own requests (configuration,
/// capability registration) with `null` as a minimal client does.
fn diagnostics_for(rx: &mpsc::Receiver<Value>, stdin: &mut ChildStdin, uri: &str) -> Vec<Value> {
    loop {
        let message = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("publishDiagnostics in time");
        if message.get("method").is_some() && message.get("id").is_some() {
            send(
                stdin,
                &json!({"jsonrpc": "2.0", "id": message["id"], "result": null}),
            );
            continue;
        }
        if message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri
        {
            return message["params"]["diagnostics"].as_array().unwrap().clone();
        }
    }
}

fn start(root: &std::path::Path) -> (Child, ChildStdin, mpsc::Receiver<Value>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wflint"))
        .arg("lsp")
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let rx = reader(child.stdout.take().unwrap());
    let root_uri = format!("file://{}", root.display());
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"processId": null, "rootUri": root_uri, "capabilities": {},
                           "workspaceFolders": [{"uri": root_uri, "name": "ws"}]}}),
    );
    // Like every client, wait for the answer before going on.
    loop {
        let message = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("initialize answered");
        if message["id"] == 1 {
            break;
        }
    }
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    (child, stdin, rx)
}

const DOC: &str = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: a\n  name: b\nspec:\n  entrypoint: main\n  templates:\n    - name: main\n      container:\n        image: alpine:3.20\n";

#[test]
fn serves_diagnostics_and_honours_the_workspace_config() {
    let dir = tempfile::tempdir().unwrap();
    let uri = format!("file://{}/wf.yaml", dir.path().display());
    let (mut child, mut stdin, rx) = start(dir.path());
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": DOC}}}),
    );
    let diagnostics = diagnostics_for(&rx, &mut stdin, &uri);
    let codes: Vec<_> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["duplicate-key"], "{diagnostics:?}");
    assert_eq!(
        diagnostics[0]["range"]["start"],
        json!({"line": 4, "character": 2})
    );
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
    );
    send(&mut stdin, &json!({"jsonrpc": "2.0", "method": "exit"}));
    drop(stdin);
    let _ = child.wait();

    // The same document with a wflint.toml that ignores the rule: no diagnostics.
    std::fs::write(
        dir.path().join("wflint.toml"),
        "[rules]\nignore = [\"duplicate-key\"]\n",
    )
    .unwrap();
    let (mut child, mut stdin, rx) = start(dir.path());
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": DOC}}}),
    );
    assert_eq!(diagnostics_for(&rx, &mut stdin, &uri), Vec::<Value>::new());
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
    );
    send(&mut stdin, &json!({"jsonrpc": "2.0", "method": "exit"}));
    drop(stdin);
    let _ = child.wait();
}
