//! A scriptable fake Kubernetes API server for wflint's tests: plain HTTP on a loopback port,
//! speaking enough of the API (GET, paged LIST, WATCH) for the resources wflint reads, with
//! faults on demand (403, slow answers, failing requests, broken watches, `410 Gone`).
//!
//! Point a real `kube::Client` at [`FakeKube::url`] (`kube::Config::new(url.parse()?)`), or
//! write [`FakeKube::kubeconfig`] to a file for a CLI under test.
//!
//! ```no_run
//! # async fn demo() {
//! use wflint_fakekube::FakeKube;
//! let kube = FakeKube::start().await;
//! kube.apply(serde_json::json!({
//!     "apiVersion": "v1", "kind": "ConfigMap",
//!     "metadata": {"name": "artifact-repositories", "namespace": "argo"},
//!     "data": {"default-v1": "s3: {bucket: b}"}
//! }));
//! kube.forbid("secrets", Some("locked"));
//! # }
//! ```

mod server;
mod state;

use std::{
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

use serde_json::Value;

pub use state::{Fault, FaultAction, RecordedRequest, ResourceType};

use state::State;

/// Shared between the test's handle and the server's handlers.
pub(crate) struct Shared {
    pub(crate) state: Mutex<State>,
    /// Bumped on every change watchers must look at (new events, broken watches).
    pub(crate) changes: tokio::sync::watch::Sender<u64>,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not hide the state from the rest of the test.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn changed(&self) {
        self.changes.send_modify(|generation| *generation += 1);
    }
}

enum Runner {
    /// Served by a task of the caller's tokio runtime.
    Task(tokio::task::JoinHandle<()>),
    /// Served by a thread owning its own runtime; dropping the sender stops it.
    Thread(Option<std::sync::mpsc::Sender<()>>),
}

/// A running fake API server. Dropping it stops the server.
pub struct FakeKube {
    url: String,
    shared: Arc<Shared>,
    runner: Runner,
}

impl FakeKube {
    /// Start on `127.0.0.1` (random port), served by the current tokio runtime.
    ///
    /// # Panics
    /// If no loopback port can be bound (a broken test environment).
    pub async fn start() -> Self {
        let shared = new_shared();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("fake kube: cannot bind a loopback port: {e}"));
        let url = local_url(&listener);
        let task = tokio::spawn(server::serve(listener, Arc::clone(&shared)));
        Self {
            url,
            shared,
            runner: Runner::Task(task),
        }
    }

    /// Start on `127.0.0.1` (random port) in a thread of its own, for synchronous tests (e.g. a
    /// CLI run with `assert_cmd`).
    ///
    /// # Panics
    /// If the thread, its runtime or the port cannot be set up.
    pub fn start_in_thread() -> Self {
        let shared = new_shared();
        let (url_tx, url_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
        let served = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("fake-kube".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build()
                    .unwrap_or_else(|e| panic!("fake kube: cannot build a runtime: {e}"));
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                        .await
                        .unwrap_or_else(|e| panic!("fake kube: cannot bind a loopback port: {e}"));
                    let _ = url_tx.send(local_url(&listener));
                    let server = tokio::spawn(server::serve(listener, served));
                    // Block a helper thread until the handle is dropped (the sender goes away).
                    let _ = tokio::task::spawn_blocking(move || stop_rx.recv()).await;
                    server.abort();
                });
                runtime.shutdown_timeout(Duration::from_millis(100));
            })
            .unwrap_or_else(|e| panic!("fake kube: cannot spawn its thread: {e}"));
        let url = url_rx
            .recv()
            .unwrap_or_else(|e| panic!("fake kube: the server thread died: {e}"));
        Self {
            url,
            shared,
            runner: Runner::Thread(Some(stop_tx)),
        }
    }

    /// Base URL, e.g. `http://127.0.0.1:40123`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A kubeconfig (YAML) whose current context `fake` points at this server.
    pub fn kubeconfig(&self) -> String {
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: {url}\n\
             users:\n- name: fake\n  user:\n    token: fake-token\ncontexts:\n- name: fake\n  context:\n    \
             cluster: fake\n    user: fake\n    namespace: default\ncurrent-context: fake\n",
            url = self.url
        )
    }

    /// Create or replace an object (its type is found from `apiVersion` and `kind`).
    ///
    /// # Panics
    /// If the object's type is not one [`ResourceType::known`] lists or it has no name.
    pub fn apply(&self, object: Value) {
        self.shared.lock().apply(object);
        self.shared.changed();
    }

    /// Create or replace several objects.
    pub fn apply_all(&self, objects: impl IntoIterator<Item = Value>) {
        {
            let mut state = self.shared.lock();
            for object in objects {
                state.apply(object);
            }
        }
        self.shared.changed();
    }

    /// Delete an object; returns whether it existed.
    pub fn delete(&self, plural: &str, namespace: Option<&str>, name: &str) -> bool {
        let existed = self.shared.lock().delete(plural, namespace, name);
        self.shared.changed();
        existed
    }

    /// Delete an object without telling watchers, as if its event was lost; pair it with
    /// [`FakeKube::compact`] so clients must list again to notice.
    pub fn delete_without_event(&self, plural: &str, namespace: Option<&str>, name: &str) -> bool {
        self.shared.lock().remove_silently(plural, namespace, name)
    }

    /// Answer `403 Forbidden` to every request for `plural` in `namespace` (`None`: every
    /// request for `plural`, whatever its namespace, including cluster-wide ones).
    pub fn forbid(&self, plural: &str, namespace: Option<&str>) {
        self.add_fault(Fault::new(plural, namespace, FaultAction::Status(403)));
    }

    /// Wait `delay` before answering requests for `plural` in `namespace` (`None`: all).
    pub fn delay(&self, plural: &str, namespace: Option<&str>, delay: Duration) {
        self.add_fault(Fault::new(plural, namespace, FaultAction::Delay(delay)));
    }

    /// Answer the next `times` requests for `plural` (any namespace) with HTTP `status`.
    pub fn fail_next(&self, plural: &str, times: usize, status: u16) {
        self.add_fault(Fault::new(plural, None, FaultAction::Status(status)).times(times));
    }

    /// Install any fault.
    pub fn add_fault(&self, fault: Fault) {
        self.shared.lock().faults.push(fault);
    }

    /// Remove every fault.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Break every open watch mid-stream: a partial event line, then the connection is aborted.
    pub fn break_watches(&self) {
        self.shared.lock().break_epoch += 1;
        self.shared.changed();
    }

    /// Forget the event history: watches resuming from any resource version seen so far get
    /// `410 Gone` and must list again. Open watches are broken too, so they have to resume.
    pub fn compact(&self) {
        self.shared.lock().compact();
        self.break_watches();
    }

    /// The current resource version.
    pub fn resource_version(&self) -> u64 {
        self.shared.lock().resource_version
    }

    /// Every request served so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// Number of requests matching `predicate`.
    pub fn count_requests(&self, predicate: impl Fn(&RecordedRequest) -> bool) -> usize {
        self.shared
            .lock()
            .requests
            .iter()
            .filter(|r| predicate(r))
            .count()
    }

    /// Number of watches currently streaming.
    pub fn open_watches(&self) -> usize {
        self.shared.lock().open_watches
    }

    /// Wait until `predicate` holds for the server state, re-checking on every change and
    /// every request. Wrap in a timeout in tests.
    pub async fn wait_until(&self, predicate: impl Fn(&FakeKube) -> bool) {
        let mut changes = self.shared.changes.subscribe();
        loop {
            if predicate(self) {
                return;
            }
            if changes.changed().await.is_err() {
                return;
            }
        }
    }
}

impl Drop for FakeKube {
    fn drop(&mut self) {
        match &mut self.runner {
            Runner::Task(task) => task.abort(),
            Runner::Thread(stop) => drop(stop.take()),
        }
    }
}

fn new_shared() -> Arc<Shared> {
    Arc::new(Shared {
        state: Mutex::new(State::default()),
        changes: tokio::sync::watch::channel(0).0,
    })
}

fn local_url(listener: &tokio::net::TcpListener) -> String {
    match listener.local_addr() {
        Ok(addr) => format!("http://{addr}"),
        Err(e) => panic!("fake kube: no local address: {e}"),
    }
}
