//! A scripted LSP client for the tests and benchmarks: JSON-RPC with `Content-Length` framing
//! over in-memory pipes to a server running in the same process.

// Test support: failing loudly (unwrap, expect) is what a broken conversation should do.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::{collections::VecDeque, path::Path, sync::Arc, time::Duration};

use serde_json::{Value, json};
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, WriteHalf},
    sync::{Mutex, mpsc},
};
use wflint_lsp::{ServeOptions, ls_types::Uri};

/// How long a test waits for a message before it fails (a hang guard, not a timing check).
pub const PATIENCE: Duration = Duration::from_secs(30);

/// One side of a conversation with the server.
pub struct TestClient {
    writer: Arc<Mutex<WriteHalf<DuplexStream>>>,
    incoming: mpsc::UnboundedReceiver<Value>,
    /// Messages read while waiting for something else, in arrival order.
    backlog: VecDeque<Value>,
    /// Requests the server sent to the client (`client/registerCapability`, ...).
    pub server_requests: Arc<std::sync::Mutex<Vec<Value>>>,
    next_id: i64,
    server: tokio::task::JoinHandle<()>,
}

async fn write_message(writer: &Mutex<WriteHalf<DuplexStream>>, message: &Value) {
    let body = message.to_string();
    let mut writer = writer.lock().await;
    let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
    writer
        .write_all(frame.as_bytes())
        .await
        .expect("write to server");
    writer.flush().await.expect("flush to server");
}

async fn read_message<R: tokio::io::AsyncBufRead + Unpin>(reader: &mut R) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).await.ok()?;
    serde_json::from_slice(&body).ok()
}

impl TestClient {
    /// Start a server with `options` and connect to it.
    pub fn start(options: ServeOptions) -> Self {
        Self::start_with_configuration(options, Value::Null)
    }

    /// Like [`TestClient::start`]; `workspace/configuration` requests get `configuration`.
    pub fn start_with_configuration(options: ServeOptions, configuration: Value) -> Self {
        let (client_end, server_end) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_end);
        let server = tokio::spawn(wflint_lsp::serve(server_read, server_write, options));
        let (client_read, client_write) = tokio::io::split(client_end);
        let writer = Arc::new(Mutex::new(client_write));
        let (sender, incoming) = mpsc::unbounded_channel();
        let server_requests = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (answer, requests) = (Arc::clone(&writer), Arc::clone(&server_requests));
        tokio::spawn(async move {
            let mut reader = BufReader::new(client_read);
            while let Some(message) = read_message(&mut reader).await {
                let is_request = message.get("id").is_some() && message.get("method").is_some();
                if is_request {
                    let result = match message["method"].as_str() {
                        Some("workspace/configuration") => json!([configuration.clone()]),
                        _ => Value::Null,
                    };
                    let reply = json!({"jsonrpc": "2.0", "id": message["id"], "result": result});
                    requests.lock().unwrap().push(message);
                    write_message(&answer, &reply).await;
                } else if sender.send(message).is_err() {
                    return;
                }
            }
        });
        Self {
            writer,
            incoming,
            backlog: VecDeque::new(),
            server_requests,
            next_id: 0,
            server,
        }
    }

    /// Send a notification.
    pub async fn notify(&self, method: &str, params: Value) {
        let message = json!({"jsonrpc": "2.0", "method": method, "params": params});
        write_message(&self.writer, &message).await;
    }

    /// Send a request and wait for its response (the whole response object).
    pub async fn request_raw(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let message = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        write_message(&self.writer, &message).await;
        self.wait_for(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none())
            .await
    }

    /// Send a request and return its `result` (fails the test on an error response).
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params).await;
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    async fn next_incoming(&mut self) -> Value {
        tokio::time::timeout(PATIENCE, self.incoming.recv())
            .await
            .expect("the server answers in time")
            .expect("the server is still connected")
    }

    /// The first message (earlier ones kept in the backlog first) that matches `wanted`.
    pub async fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(index) = self.backlog.iter().position(&wanted) {
            return self.backlog.remove(index).expect("index is in range");
        }
        loop {
            let message = self.next_incoming().await;
            if wanted(&message) {
                return message;
            }
            self.backlog.push_back(message);
        }
    }

    /// The first request the server sent to the client that matches `wanted` (polls the record
    /// the answering task keeps).
    pub async fn server_request(&self, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            if let Some(found) = self
                .server_requests
                .lock()
                .unwrap()
                .iter()
                .find(|r| wanted(r))
            {
                return found.clone();
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no such request from the server"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// The next `window/logMessage` whose text contains `needle`.
    pub async fn log_message_containing(&mut self, needle: &str) -> Value {
        self.wait_for(|m| {
            m["method"] == "window/logMessage"
                && m["params"]["message"]
                    .as_str()
                    .is_some_and(|s| s.contains(needle))
        })
        .await["params"]
            .clone()
    }

    /// Diagnostics published for `uri` at `version` (`None`: published without a version).
    pub async fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        let version = version.map_or(Value::Null, |v| json!(v));
        let message = self
            .wait_for(|m| {
                m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["uri"] == uri
                    && m["params"].get("version").unwrap_or(&Value::Null) == &version
            })
            .await;
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Every diagnostics notification already received, dropping them from the backlog.
    pub fn drain_published(&mut self) -> Vec<Value> {
        while let Ok(message) = self.incoming.try_recv() {
            self.backlog.push_back(message);
        }
        let (published, rest) = self
            .backlog
            .drain(..)
            .partition(|m| m["method"] == "textDocument/publishDiagnostics");
        self.backlog = rest;
        published.into_iter().collect()
    }

    /// `initialize` + `initialized`; returns the initialize result.
    pub async fn initialize(
        &mut self,
        position_encodings: Option<&[&str]>,
        options: Value,
        root: Option<&Path>,
    ) -> Value {
        let mut capabilities = json!({
            "workspace": {
                "didChangeWatchedFiles": {"dynamicRegistration": true, "relativePatternSupport": true},
                "configuration": true,
            },
            "textDocument": {"publishDiagnostics": {"relatedInformation": true, "versionSupport": true}},
        });
        if let Some(encodings) = position_encodings {
            capabilities["general"] = json!({"positionEncodings": encodings});
        }
        let folders = root.map_or(
            Value::Null,
            |root| json!([{"uri": file_uri(root), "name": "workspace"}]),
        );
        let result = self
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "capabilities": capabilities,
                    "initializationOptions": options,
                    "workspaceFolders": folders,
                }),
            )
            .await;
        self.notify("initialized", json!({})).await;
        result
    }

    /// Open a YAML document.
    pub async fn open(&self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": version, "text": text}}),
        )
        .await;
    }

    /// Replace a document's whole text.
    pub async fn change(&self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        )
        .await;
    }

    /// Close a document.
    pub async fn close(&self, uri: &str) {
        self.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    }

    /// `shutdown` then `exit`; waits for the server to stop.
    pub async fn shutdown(mut self) {
        let result = self.request("shutdown", Value::Null).await;
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null).await;
        tokio::time::timeout(PATIENCE, &mut self.server)
            .await
            .expect("the server stops after exit")
            .expect("the server task ends cleanly");
    }
}

/// The `file:` URI of a path.
pub fn file_uri(path: &Path) -> String {
    Uri::from_file_path(path)
        .expect("an absolute path")
        .as_str()
        .to_string()
}

/// Apply LSP text edits (UTF-16 positions) to `text`.
pub fn apply_edits(text: &str, edits: &[Value], utf8: bool) -> String {
    let offset = |position: &Value| {
        let line = position["line"].as_u64().unwrap() as usize;
        let character = position["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let line_text = text[start..].split('\n').next().unwrap();
        let mut counted = 0;
        for (index, ch) in line_text.char_indices() {
            if counted >= character {
                return start + index;
            }
            counted += if utf8 { ch.len_utf8() } else { ch.len_utf16() };
        }
        start + line_text.len()
    };
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|edit| {
            (
                offset(&edit["range"]["start"]),
                offset(&edit["range"]["end"]),
                edit["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort_by_key(|span| std::cmp::Reverse(span.0));
    let mut out = text.to_string();
    for (start, end, new_text) in spans {
        out.replace_range(start..end, new_text);
    }
    out
}

/// A Workflow of about `lines` lines (steps templates with containers, parameters and
/// artifacts; one value with multi-byte text), for benchmarks.
pub fn large_workflow(lines: usize) -> String {
    let mut text = String::from(
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  generateName: big-\n  \
         annotations:\n    note: \"café 😀\"\nspec:\n  entrypoint: main\n  templates:\n    - name: main\n      \
         steps:\n",
    );
    let per_template = 14;
    let templates = lines.saturating_sub(11).div_ceil(per_template + 2);
    for i in 0..templates {
        text.push_str(&format!(
            "        - - name: s{i}\n            template: t{i}\n"
        ));
    }
    for i in 0..templates {
        text.push_str(&format!(
            "    - name: t{i}\n      inputs:\n        parameters:\n          - name: p\n            \
             value: \"{i}\"\n      outputs:\n        artifacts:\n          - name: out\n            \
             path: /tmp/out-{i}.tgz\n      container:\n        image: alpine:3.20\n        \
             command: [sh, -c]\n        args: [\"echo {{{{inputs.parameters.p}}}} > /tmp/out-{i}.tgz\"]\n        \
             resources: {{limits: {{memory: 64Mi}}}}\n"
        ));
    }
    text
}

/// Resident set size of this process in KiB (Linux), if it can be read.
pub fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
