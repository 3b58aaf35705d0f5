//! HTTP handling of the fake API server: URL routing, GET, paged LIST and WATCH streams.

use std::{collections::HashMap, sync::Arc, time::Duration};

use axum::{
    Router,
    body::{Body, Bytes},
    extract::State as AxumState,
    http::{Method, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use futures::SinkExt;
use serde_json::{Value, json};

use crate::{
    Shared,
    state::{FaultAction, RecordedRequest, ResourceType, status_body},
};

pub(crate) async fn serve(listener: tokio::net::TcpListener, shared: Arc<Shared>) {
    let app = Router::new().fallback(handle).with_state(shared);
    if let Err(e) = axum::serve(listener, app).await {
        eprintln!("fake kube: server stopped: {e}");
    }
}

/// What a URL addresses.
struct Target {
    resource_type: Option<ResourceType>,
    plural: String,
    namespace: Option<String>,
    name: Option<String>,
}

fn parse_path(path: &str) -> Option<Target> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, version, rest) = match segments.as_slice() {
        ["api", version, rest @ ..] => ("", *version, rest),
        ["apis", group, version, rest @ ..] => (*group, *version, rest),
        _ => return None,
    };
    let (namespace, plural, name) = match rest {
        ["namespaces", ns, plural] => (Some(*ns), *plural, None),
        ["namespaces", ns, plural, name] => (Some(*ns), *plural, Some(*name)),
        [plural] => (None, *plural, None),
        [plural, name] => (None, *plural, Some(*name)),
        _ => return None,
    };
    let resource_type = ResourceType::find(group, version, plural).filter(|t| {
        // A namespaced type addressed by name needs its namespace; a cluster type has none.
        if t.namespaced {
            namespace.is_some() || name.is_none()
        } else {
            namespace.is_none()
        }
    });
    Some(Target {
        resource_type,
        plural: plural.to_string(),
        namespace: namespace.map(str::to_string),
        name: name.map(str::to_string),
    })
}

fn parse_query(query: &str) -> HashMap<String, String> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect()
}

/// Enough percent-decoding for selectors and continue tokens.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = || {
            let digits = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            u8::from_str_radix(digits, 16).ok()
        };
        match (bytes[i], hex()) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn json_response(status: u16, body: &Value) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        code,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn reason_of(code: u16) -> &'static str {
    match code {
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        409 => "Conflict",
        410 => "Expired",
        429 => "TooManyRequests",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => "InternalError",
    }
}

fn fault_response(code: u16, target: &Target, verb: &str) -> Response {
    let message = match code {
        403 => {
            let name = target
                .name
                .as_deref()
                .map_or_else(String::new, |n| format!(" \"{n}\""));
            let scope = target.namespace.as_deref().map_or_else(
                || "at the cluster scope".to_string(),
                |ns| format!("in the namespace \"{ns}\""),
            );
            format!(
                "{plural}{name} is forbidden: User \"fake\" cannot {verb} resource \"{plural}\" {scope}",
                plural = target.plural
            )
        }
        _ => format!("injected failure ({code})"),
    };
    // Only a 403 names the object; an injected 404 looks like a resource type the server does
    // not serve (no details), unlike the 404 of a missing object.
    let details = (code == 403)
        .then(|| json!({"name": target.name.clone().unwrap_or_default(), "kind": target.plural}));
    json_response(code, &status_body(code, reason_of(code), &message, details))
}

async fn handle(AxumState(shared): AxumState<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    let path = uri.path().to_string();
    let query = uri.query().unwrap_or("").to_string();
    let params = parse_query(&query);
    let response = route(&shared, &method, &path, &params).await;
    shared.lock().requests.push(RecordedRequest {
        method: method.to_string(),
        path,
        query,
        status: response.status().as_u16(),
    });
    shared.changed();
    response
}

async fn route(
    shared: &Arc<Shared>,
    method: &Method,
    path: &str,
    params: &HashMap<String, String>,
) -> Response {
    let Some(target) = parse_path(path) else {
        return (StatusCode::NOT_FOUND, "404 page not found\n").into_response();
    };
    let watching = params.get("watch").is_some_and(|w| w == "true" || w == "1");
    let verb = match (&target.name, watching) {
        (Some(_), _) => "get",
        (None, true) => "watch",
        (None, false) => "list",
    };
    let actions = shared
        .lock()
        .take_fault(&target.plural, target.namespace.as_deref());
    for action in actions {
        match action {
            FaultAction::Delay(delay) => tokio::time::sleep(delay).await,
            FaultAction::Status(code) => return fault_response(code, &target, verb),
        }
    }
    let Some(resource_type) = target.resource_type else {
        let body = status_body(
            404,
            "NotFound",
            "the server could not find the requested resource",
            None,
        );
        return json_response(404, &body);
    };
    if method != Method::GET {
        let body = status_body(405, "MethodNotAllowed", "the fake serves GET only", None);
        return json_response(405, &body);
    }
    let namespace = target.namespace.as_deref();
    match (&target.name, watching) {
        (Some(name), _) => get(shared, resource_type, namespace, name),
        (None, false) => list(shared, resource_type, namespace, params),
        (None, true) => watch(shared, resource_type, namespace, params),
    }
}

fn get(
    shared: &Shared,
    resource_type: ResourceType,
    namespace: Option<&str>,
    name: &str,
) -> Response {
    let key = (
        resource_type,
        namespace.unwrap_or("").to_string(),
        name.to_string(),
    );
    match shared.lock().objects.get(&key) {
        Some(object) => json_response(200, object),
        None => {
            let message = format!("{} \"{name}\" not found", resource_type.plural);
            let details =
                json!({"name": name, "group": resource_type.group, "kind": resource_type.plural});
            json_response(404, &status_body(404, "NotFound", &message, Some(details)))
        }
    }
}

/// `metadata.name=x` from a field selector, the only selector the fake honours.
fn selected_name(params: &HashMap<String, String>) -> Option<String> {
    params
        .get("fieldSelector")?
        .split(',')
        .find_map(|term| term.strip_prefix("metadata.name="))
        .map(str::to_string)
}

fn name_of(object: &Value) -> &str {
    object
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn list(
    shared: &Shared,
    resource_type: ResourceType,
    namespace: Option<&str>,
    params: &HashMap<String, String>,
) -> Response {
    let state = shared.lock();
    let wanted_name = selected_name(params);
    let all: Vec<Value> = state
        .list(resource_type, namespace)
        .into_iter()
        .filter(|o| wanted_name.as_deref().is_none_or(|n| n == name_of(o)))
        .collect();
    let offset = params
        .get("continue")
        .and_then(|c| c.parse::<usize>().ok())
        .unwrap_or(0)
        .min(all.len());
    let limit = params
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|l| *l > 0)
        .unwrap_or(usize::MAX);
    let end = offset.saturating_add(limit).min(all.len());
    let mut metadata = json!({"resourceVersion": state.resource_version.to_string()});
    if end < all.len()
        && let Some(map) = metadata.as_object_mut()
    {
        map.insert("continue".into(), Value::String(end.to_string()));
    }
    let body = json!({
        "kind": format!("{}List", resource_type.kind),
        "apiVersion": resource_type.api_version(),
        "metadata": metadata,
        "items": all.get(offset..end).unwrap_or_default(),
    });
    json_response(200, &body)
}

/// One watch event line, `type` first as the API server writes it (so clients can decode the
/// object without buffering it).
fn event_line(event_type: &str, object: &Value) -> Bytes {
    Bytes::from(format!(
        "{{\"type\":\"{event_type}\",\"object\":{object}}}\n"
    ))
}

/// Decrements the open-watch count when a watch ends, however it ends.
struct OpenWatch(Arc<Shared>);

impl Drop for OpenWatch {
    fn drop(&mut self) {
        self.0.lock().open_watches -= 1;
        self.0.changed();
    }
}

type Chunk = Result<Bytes, std::io::Error>;

fn watch(
    shared: &Arc<Shared>,
    resource_type: ResourceType,
    namespace: Option<&str>,
    params: &HashMap<String, String>,
) -> Response {
    let from = params
        .get("resourceVersion")
        .and_then(|rv| rv.parse::<u64>().ok())
        .filter(|rv| *rv > 0);
    let timeout = params
        .get("timeoutSeconds")
        .and_then(|t| t.parse::<u64>().ok())
        .map(Duration::from_secs);
    let filter = WatchFilter {
        resource_type,
        namespace: namespace.map(str::to_string),
        name: selected_name(params),
    };
    let (sender, receiver) = futures::channel::mpsc::channel::<Chunk>(16);
    tokio::spawn(stream_events(
        Arc::clone(shared),
        filter,
        from,
        timeout,
        sender,
    ));
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from_stream(receiver))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

struct WatchFilter {
    resource_type: ResourceType,
    namespace: Option<String>,
    name: Option<String>,
}

impl WatchFilter {
    fn matches(&self, event: &crate::state::HistoryEvent) -> bool {
        event.resource_type == self.resource_type
            && self
                .namespace
                .as_deref()
                .is_none_or(|ns| ns == event.namespace)
            && self
                .name
                .as_deref()
                .is_none_or(|n| n == name_of(&event.object))
    }
}

async fn stream_events(
    shared: Arc<Shared>,
    filter: WatchFilter,
    from: Option<u64>,
    timeout: Option<Duration>,
    mut sender: futures::channel::mpsc::Sender<Chunk>,
) {
    // Subscribe before reading the state, so no change slips between the two.
    let mut changes = shared.changes.subscribe();
    let (initial, mut seen_through, epoch) = {
        let mut state = shared.lock();
        let epoch = state.break_epoch;
        let initial: Vec<Bytes> = match from {
            Some(from) if from < state.compacted_through => {
                let message = format!(
                    "too old resource version: {from} ({})",
                    state.compacted_through
                );
                vec![event_line(
                    "ERROR",
                    &status_body(410, "Expired", &message, None),
                )]
            }
            Some(from) => state
                .history
                .iter()
                .filter(|e| e.resource_version > from && filter.matches(e))
                .map(|e| event_line(e.event_type, &e.object))
                .collect(),
            None => state
                .list(filter.resource_type, filter.namespace.as_deref())
                .iter()
                .filter(|o| filter.name.as_deref().is_none_or(|n| n == name_of(o)))
                .map(|o| event_line("ADDED", o))
                .collect(),
        };
        state.open_watches += 1;
        let gone = matches!(from, Some(from) if from < state.compacted_through);
        let seen_through = if gone {
            None
        } else {
            Some(state.resource_version)
        };
        (initial, seen_through, epoch)
    };
    let _open = OpenWatch(Arc::clone(&shared));
    for line in initial {
        if sender.send(Ok(line)).await.is_err() {
            return;
        }
    }
    let Some(mut last) = seen_through.take() else {
        return;
    };
    let deadline = timeout.map(|t| tokio::time::Instant::now() + t);
    loop {
        let changed = match deadline {
            Some(deadline) => tokio::select! {
                changed = changes.changed() => changed,
                () = tokio::time::sleep_until(deadline) => return,
            },
            None => changes.changed().await,
        };
        if changed.is_err() {
            return;
        }
        let (lines, broken) = {
            let state = shared.lock();
            if state.break_epoch != epoch {
                (Vec::new(), true)
            } else {
                let lines: Vec<Bytes> = state
                    .history
                    .iter()
                    .filter(|e| e.resource_version > last && filter.matches(e))
                    .map(|e| event_line(e.event_type, &e.object))
                    .collect();
                last = state.resource_version;
                (lines, false)
            }
        };
        if broken {
            // Half an event, then an aborted body: the client sees a connection that died.
            let _ = sender
                .send(Ok(Bytes::from_static(b"{\"type\":\"MODIFIED\",\"obj")))
                .await;
            let _ = sender
                .send(Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "fake kube: watch broken on purpose",
                )))
                .await;
            return;
        }
        for line in lines {
            if sender.send(Ok(line)).await.is_err() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        let Some(target) = parse_path("/api/v1/namespaces/ns/secrets/cred") else {
            panic!("not parsed");
        };
        assert_eq!(target.resource_type, Some(ResourceType::SECRETS));
        assert_eq!(target.namespace.as_deref(), Some("ns"));
        assert_eq!(target.name.as_deref(), Some("cred"));

        let Some(target) = parse_path("/apis/argoproj.io/v1alpha1/clusterworkflowtemplates") else {
            panic!("not parsed");
        };
        assert_eq!(
            target.resource_type,
            Some(ResourceType::CLUSTER_WORKFLOW_TEMPLATES)
        );
        assert_eq!(target.name, None);

        // A cluster-scoped type inside a namespace, an unknown type: not served.
        let served = |path: &str| parse_path(path).and_then(|t| t.resource_type).is_some();
        assert!(!served(
            "/apis/argoproj.io/v1alpha1/namespaces/ns/clusterworkflowtemplates"
        ));
        assert!(!served("/api/v1/namespaces/ns/pods"));
        assert!(!served("/api/v1/secrets/name-without-namespace"));
        assert!(parse_path("/healthz").is_none());
    }

    #[test]
    fn queries() {
        let params = parse_query("watch=true&fieldSelector=metadata.name%3Dx&limit=2&empty");
        assert_eq!(params.get("watch").map(String::as_str), Some("true"));
        assert_eq!(selected_name(&params).as_deref(), Some("x"));
        assert_eq!(params.get("empty").map(String::as_str), Some(""));
    }
}
