//! The language server: open documents, debounced lints off the async threads (latest version
//! wins), diagnostics, code actions, hover, and reloading the setup when settings or files change.

use std::{
    collections::{HashMap, HashSet},
    panic::AssertUnwindSafe,
    path::{Path, PathBuf},
    sync::{
        Arc, Mutex, MutexGuard, OnceLock, RwLock,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use tower_lsp_server::{
    Client, LanguageServer,
    jsonrpc::Result as RpcResult,
    ls_types::{
        CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
        CodeActionProviderCapability, CodeActionResponse, ConfigurationItem,
        DidChangeConfigurationParams, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
        DidChangeWatchedFilesRegistrationOptions, DidCloseTextDocumentParams,
        DidOpenTextDocumentParams, FileSystemWatcher, GlobPattern, Hover, HoverContents,
        HoverParams, HoverProviderCapability, InitializeParams, InitializeResult,
        InitializedParams, MarkupContent, MarkupKind, MessageType, OneOf, Registration,
        RelativePattern, ServerCapabilities, ServerInfo, TextDocumentContentChangeEvent,
        TextDocumentSyncCapability, TextDocumentSyncKind, Unregistration, Uri, WorkspaceEdit,
    },
};
use wflint_core::{engine::TemplateIndex, span::LineIndex};

use crate::{
    ServeOptions,
    encoding::{PositionEncoding, PositionMap, range_contains, ranges_touch},
    lint::{Item, LintJob, LintOutcome, lint},
    settings::{CONFIG_FILE_NAME, LintSetup, Settings, SetupLoader},
    workspace::{WorkspaceTemplates, index_folder, is_manifest_name},
};

/// Wait after an edit before linting, unless the settings say otherwise.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(20);
/// Wait after a burst of file-change events before re-reading files.
const FILE_EVENT_DEBOUNCE: Duration = Duration::from_millis(100);
const WATCH_REGISTRATION_ID: &str = "wflint-watched-files";

/// The wflint language server (see [`crate::service`] to build one).
pub struct Backend {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend").finish_non_exhaustive()
    }
}

/// What the client told us at `initialize`.
#[derive(Debug, Default)]
struct Session {
    encoding: PositionEncoding,
    root: Option<PathBuf>,
    dynamic_watchers: bool,
    relative_patterns: bool,
    pull_configuration: bool,
}

/// One open document.
struct OpenDocument {
    version: i32,
    text: Arc<str>,
    /// Renewed by every change and every forced re-lint (from one counter for all documents, so
    /// a lint of a closed and reopened document cannot pass for a current one); a lint result
    /// is kept only if the generation it started from is still current.
    generation: u64,
    /// Templates this document defines, offered to the lints of the others.
    templates: Option<Arc<TemplateIndex>>,
    /// The diagnostics last published, with their code actions.
    published: Option<Arc<Published>>,
}

struct Published {
    version: i32,
    items: Vec<Item>,
}

/// Why a document is linted: its own edit may change what the other documents see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cause {
    Edit,
    Refresh,
}

struct Shared {
    client: Client,
    loader: Arc<dyn SetupLoader>,
    session: OnceLock<Session>,
    settings: Mutex<Settings>,
    setup: RwLock<Arc<LintSetup>>,
    workspace: RwLock<Option<Arc<WorkspaceTemplates>>>,
    documents: Mutex<HashMap<Uri, OpenDocument>>,
    /// At most this many lints run at once (the rest wait, and are skipped if outdated by then).
    lint_slots: tokio::sync::Semaphore,
    /// Held while deciding to publish and publishing, so a late lint cannot overwrite the empty
    /// list sent when its document closed.
    publishing: tokio::sync::Mutex<()>,
    /// Held for a whole reload (and a whole re-index), so an older one never finishes last.
    reloading: tokio::sync::Mutex<()>,
    reindexing: tokio::sync::Mutex<()>,
    /// Source of document generations.
    generations: AtomicU64,
    /// Generations of the debounced reload and re-index requests.
    reload_generation: AtomicU64,
    reindex_generation: AtomicU64,
    watchers_registered: Mutex<bool>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock left plain data behind; keep serving.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn read<T: Clone>(lock: &RwLock<T>) -> T {
    lock.read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}

fn write<T>(lock: &RwLock<T>, value: T) {
    *lock
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = value;
}

impl Backend {
    pub(crate) fn new(client: Client, options: ServeOptions) -> Self {
        let slots = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            shared: Arc::new(Shared {
                client,
                loader: options.loader,
                session: OnceLock::new(),
                settings: Mutex::new(Settings::default()),
                setup: RwLock::new(Arc::new(LintSetup::default())),
                workspace: RwLock::new(None),
                documents: Mutex::new(HashMap::new()),
                lint_slots: tokio::sync::Semaphore::new(slots),
                publishing: tokio::sync::Mutex::new(()),
                reloading: tokio::sync::Mutex::new(()),
                reindexing: tokio::sync::Mutex::new(()),
                generations: AtomicU64::new(0),
                reload_generation: AtomicU64::new(0),
                reindex_generation: AtomicU64::new(0),
                watchers_registered: Mutex::new(false),
            }),
        }
    }
}

fn file_name_of(uri: &Uri) -> String {
    uri.to_file_path()
        .map_or_else(|| uri.as_str().to_string(), |p| p.display().to_string())
}

fn root_of(params: &InitializeParams) -> Option<PathBuf> {
    let from_folders = params
        .workspace_folders
        .as_ref()
        .and_then(|folders| folders.first())
        .map(|folder| folder.uri.clone());
    #[allow(deprecated)]
    let uri = from_folders.or_else(|| params.root_uri.clone())?;
    uri.to_file_path().map(|p| p.into_owned())
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

impl Shared {
    fn session(&self) -> &Session {
        self.session.get_or_init(Session::default)
    }

    fn debounce(&self) -> Duration {
        lock(&self.settings)
            .debounce_ms
            .map_or(DEFAULT_DEBOUNCE, Duration::from_millis)
    }

    /// Start a lint of `uri` after `delay`; a newer change or re-lint makes it moot.
    fn schedule(self: &Arc<Self>, uri: Uri, delay: Duration, cause: Cause) {
        let generation = {
            let mut documents = lock(&self.documents);
            let Some(document) = documents.get_mut(&uri) else {
                return;
            };
            document.generation = self.generations.fetch_add(1, Ordering::SeqCst) + 1;
            document.generation
        };
        let this = Arc::clone(self);
        tokio::spawn(async move { this.lint_later(uri, generation, delay, cause).await });
    }

    fn schedule_all(self: &Arc<Self>, delay: Duration, except: Option<&Uri>) {
        let uris: Vec<Uri> = lock(&self.documents)
            .keys()
            .filter(|uri| Some(*uri) != except)
            .cloned()
            .collect();
        for uri in uris {
            self.schedule(uri, delay, Cause::Refresh);
        }
    }

    fn is_current(&self, uri: &Uri, generation: u64) -> bool {
        lock(&self.documents)
            .get(uri)
            .is_some_and(|d| d.generation == generation)
    }

    fn job(&self, uri: &Uri) -> Option<(LintJob, i32)> {
        let documents = lock(&self.documents);
        let document = documents.get(uri)?;
        let open = documents
            .iter()
            .filter(|(other, _)| *other != uri)
            .filter_map(|(_, d)| d.templates.clone())
            .collect();
        let open_files = documents.keys().map(file_name_of).collect();
        let job = LintJob {
            uri: uri.clone(),
            name: file_name_of(uri),
            text: Arc::clone(&document.text),
            encoding: self.session().encoding,
            setup: read(&self.setup),
            open,
            workspace: read(&self.workspace),
            open_files,
        };
        Some((job, document.version))
    }

    async fn lint_later(self: Arc<Self>, uri: Uri, generation: u64, delay: Duration, cause: Cause) {
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        if !self.is_current(&uri, generation) {
            return;
        }
        let Ok(slot) = self.lint_slots.acquire().await else {
            return;
        };
        let Some((job, version)) = self
            .is_current(&uri, generation)
            .then(|| self.job(&uri))
            .flatten()
        else {
            return;
        };
        let outcome = tokio::task::spawn_blocking(move || {
            std::panic::catch_unwind(AssertUnwindSafe(|| lint(&job)))
        })
        .await;
        drop(slot);
        let outcome = match outcome {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(payload)) => {
                let message = format!(
                    "wflint failed while linting {} (version {version}): {}; the previous diagnostics stay",
                    uri.as_str(),
                    panic_message(payload.as_ref())
                );
                self.client.log_message(MessageType::ERROR, message).await;
                return;
            }
            Err(error) => {
                let message = format!("wflint lint task of {} failed: {error}", uri.as_str());
                self.client.log_message(MessageType::ERROR, message).await;
                return;
            }
        };
        self.publish(uri, generation, version, outcome, cause).await;
    }

    async fn publish(
        self: &Arc<Self>,
        uri: Uri,
        generation: u64,
        version: i32,
        outcome: LintOutcome,
        cause: Cause,
    ) {
        let publishing = self.publishing.lock().await;
        let (diagnostics, templates_changed) = {
            let mut documents = lock(&self.documents);
            let Some(document) = documents.get_mut(&uri) else {
                return;
            };
            if document.generation != generation {
                return;
            }
            let templates_changed = document.templates.is_some() || outcome.templates.is_some();
            document.templates = outcome.templates;
            let diagnostics = outcome
                .items
                .iter()
                .map(|item| item.diagnostic.clone())
                .collect();
            document.published = Some(Arc::new(Published {
                version,
                items: outcome.items,
            }));
            (diagnostics, templates_changed)
        };
        self.client
            .publish_diagnostics(uri.clone(), diagnostics, Some(version))
            .await;
        drop(publishing);
        if cause == Cause::Edit && templates_changed {
            // Templates defined here may resolve (or stop resolving) references elsewhere.
            self.schedule_all(self.debounce(), Some(&uri));
        }
    }

    /// Load the setup for the current settings (off the async threads), then re-index the
    /// workspace and re-lint every open document.
    async fn reload(self: &Arc<Self>) {
        let _reloading = self.reloading.lock().await;
        let settings = lock(&self.settings).clone();
        let root = self.session().root.clone();
        let loader = Arc::clone(&self.loader);
        let loaded = tokio::task::spawn_blocking(move || {
            std::panic::catch_unwind(AssertUnwindSafe(|| loader.load(&settings, root.as_deref())))
        })
        .await;
        match loaded {
            Ok(Ok(Ok(setup))) => {
                for note in &setup.notes {
                    self.client.log_message(MessageType::WARNING, note).await;
                }
                write(&self.setup, Arc::new(setup));
            }
            Ok(Ok(Err(error))) => {
                let message = format!("wflint: {error}; the previous settings stay in force");
                self.client
                    .show_message(MessageType::WARNING, message)
                    .await;
                let mut watch = read(&self.setup).watch.clone();
                watch.extend(error.watch);
                self.register_watchers(&watch).await;
                return;
            }
            Ok(Err(payload)) => {
                let message = format!(
                    "wflint: loading the settings failed: {}",
                    panic_message(payload.as_ref())
                );
                self.client.log_message(MessageType::ERROR, message).await;
                return;
            }
            Err(error) => {
                let message = format!("wflint: loading the settings failed: {error}");
                self.client.log_message(MessageType::ERROR, message).await;
                return;
            }
        }
        let watch = read(&self.setup).watch.clone();
        self.register_watchers(&watch).await;
        self.reindex().await;
    }

    /// Re-read the workspace folder's templates, then re-lint every open document.
    async fn reindex(self: &Arc<Self>) {
        let _reindexing = self.reindexing.lock().await;
        let enabled = lock(&self.settings).workspace_templates != Some(false);
        let root = self.session().root.clone().filter(|_| enabled);
        let templates = match root {
            Some(root) => {
                let setup = read(&self.setup);
                let indexed = tokio::task::spawn_blocking(move || {
                    std::panic::catch_unwind(AssertUnwindSafe(|| {
                        index_folder(
                            &root,
                            &setup.options.default_namespace,
                            &setup.options.limits,
                        )
                    }))
                })
                .await;
                match indexed {
                    Ok(Ok(templates)) => {
                        let message = format!(
                            "wflint: looked for templates in {} manifest files of the workspace",
                            templates.files
                        );
                        self.client.log_message(MessageType::INFO, message).await;
                        Some(Arc::new(templates))
                    }
                    _ => {
                        let message = "wflint: reading the workspace's templates failed";
                        self.client.log_message(MessageType::ERROR, message).await;
                        None
                    }
                }
            }
            None => None,
        };
        write(&self.workspace, templates);
        self.schedule_all(Duration::ZERO, None);
    }

    /// Run `action` once `FILE_EVENT_DEBOUNCE` passed without another request of its kind.
    fn debounced(
        self: &Arc<Self>,
        counter: fn(&Shared) -> &AtomicU64,
        action: fn(Arc<Shared>) -> tokio::task::JoinHandle<()>,
    ) {
        let generation = counter(self).fetch_add(1, Ordering::SeqCst) + 1;
        let this = Arc::clone(self);
        tokio::spawn(async move {
            tokio::time::sleep(FILE_EVENT_DEBOUNCE).await;
            if counter(&this).load(Ordering::SeqCst) == generation {
                let _ = action(this).await;
            }
        });
    }

    fn request_reload(self: &Arc<Self>) {
        self.debounced(
            |s| &s.reload_generation,
            |this| tokio::spawn(async move { this.reload().await }),
        );
    }

    fn request_reindex(self: &Arc<Self>) {
        self.debounced(
            |s| &s.reindex_generation,
            |this| tokio::spawn(async move { this.reindex().await }),
        );
    }

    /// Ask the client to report changes to manifests, `wflint.toml` and the setup's files.
    async fn register_watchers(&self, watch: &[PathBuf]) {
        let session = self.session();
        if !session.dynamic_watchers {
            return;
        }
        let mut watchers: Vec<FileSystemWatcher> = ["**/*.{yaml,yml,json}", "**/wflint.toml"]
            .into_iter()
            .map(|pattern| FileSystemWatcher {
                glob_pattern: GlobPattern::String(pattern.to_string()),
                kind: None,
            })
            .collect();
        for path in watch {
            let is_dir = path.is_dir();
            let pattern = if session.relative_patterns {
                let (base, pattern) = if is_dir {
                    (Some(path.as_path()), "**/*".to_string())
                } else {
                    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                    (path.parent(), name.unwrap_or_default())
                };
                match base.and_then(Uri::from_file_path) {
                    Some(base) => GlobPattern::Relative(RelativePattern {
                        base_uri: OneOf::Right(base),
                        pattern,
                    }),
                    None => continue,
                }
            } else if is_dir {
                GlobPattern::String(format!("{}/**", path.display()))
            } else {
                GlobPattern::String(path.display().to_string())
            };
            watchers.push(FileSystemWatcher {
                glob_pattern: pattern,
                kind: None,
            });
        }
        let Ok(register_options) =
            serde_json::to_value(DidChangeWatchedFilesRegistrationOptions { watchers })
        else {
            return;
        };
        let was_registered = std::mem::replace(&mut *lock(&self.watchers_registered), true);
        if was_registered {
            let _ = self
                .client
                .unregister_capability(vec![Unregistration {
                    id: WATCH_REGISTRATION_ID.to_string(),
                    method: "workspace/didChangeWatchedFiles".to_string(),
                }])
                .await;
        }
        let registration = Registration {
            id: WATCH_REGISTRATION_ID.to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: Some(register_options),
        };
        if let Err(error) = self.client.register_capability(vec![registration]).await {
            *lock(&self.watchers_registered) = false;
            let message = format!("wflint: cannot watch files: {error}");
            self.client.log_message(MessageType::WARNING, message).await;
        }
    }

    fn affects_setup(&self, path: &Path) -> bool {
        path.file_name().is_some_and(|n| n == CONFIG_FILE_NAME)
            || read(&self.setup)
                .watch
                .iter()
                .any(|watched| path.starts_with(watched))
    }
}

fn apply_change(
    text: &str,
    change: TextDocumentContentChangeEvent,
    encoding: PositionEncoding,
) -> String {
    match change.range {
        None => change.text,
        Some(range) => {
            let lines = LineIndex::new(text);
            let map = PositionMap::new(text, &lines, encoding);
            let start = map.offset(range.start);
            let end = map.offset(range.end).max(start);
            let mut next = String::with_capacity(text.len() + change.text.len());
            next.push_str(text.get(..start).unwrap_or(text));
            next.push_str(&change.text);
            next.push_str(text.get(end..).unwrap_or(""));
            next
        }
    }
}

fn hover_markdown(items: &[&Item]) -> String {
    let mut seen = HashSet::new();
    items
        .iter()
        .filter(|item| seen.insert(item.rule.code))
        .map(|item| {
            let rule = item.rule;
            format!(
                "**wflint `{}`** ({}): {}\n\n{}\n\n[Rule documentation]({})",
                rule.code,
                rule.group,
                rule.summary,
                rule.documentation(),
                rule.url()
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n---\n\n")
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> RpcResult<InitializeResult> {
        let capabilities = &params.capabilities;
        let watched = capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref());
        let session = Session {
            encoding: PositionEncoding::negotiate(capabilities),
            root: root_of(&params),
            dynamic_watchers: watched.and_then(|w| w.dynamic_registration) == Some(true),
            relative_patterns: watched.and_then(|w| w.relative_pattern_support) == Some(true),
            pull_configuration: capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.configuration)
                == Some(true),
        };
        let encoding = session.encoding;
        let _ = self.shared.session.set(session);
        if let Some(options) = &params.initialization_options {
            match Settings::from_json(options) {
                Ok(settings) => *lock(&self.shared.settings) = settings,
                Err(error) => {
                    let message = format!("wflint: {error}; using the defaults");
                    self.shared
                        .client
                        .show_message(MessageType::WARNING, message)
                        .await;
                }
            }
        }
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(encoding.kind()),
                text_document_sync: Some(TextDocumentSyncCapability::Kind(
                    TextDocumentSyncKind::FULL,
                )),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                        ..CodeActionOptions::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "wflint".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let shared = Arc::clone(&self.shared);
        tokio::spawn(async move { shared.reload().await });
    }

    async fn shutdown(&self) -> RpcResult<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        lock(&self.shared.documents).insert(
            document.uri.clone(),
            OpenDocument {
                version: document.version,
                text: Arc::from(document.text),
                generation: 0,
                templates: None,
                published: None,
            },
        );
        self.shared
            .schedule(document.uri, Duration::ZERO, Cause::Edit);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let encoding = self.shared.session().encoding;
        {
            let mut documents = lock(&self.shared.documents);
            let Some(document) = documents.get_mut(&uri) else {
                return;
            };
            if version <= document.version {
                // Out of order or repeated: an older text must never replace a newer one.
                return;
            }
            let mut text = document.text.to_string();
            for change in params.content_changes {
                text = apply_change(&text, change, encoding);
            }
            document.text = Arc::from(text);
            document.version = version;
        }
        self.shared
            .schedule(uri, self.shared.debounce(), Cause::Edit);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        // Removed before waiting for the publishing lock, so a reopening right after the close
        // is not undone; a lint that already decided to publish is sent before the empty list.
        let closed = lock(&self.shared.documents).remove(&uri);
        let publishing = self.shared.publishing.lock().await;
        self.shared
            .client
            .publish_diagnostics(uri.clone(), Vec::new(), None)
            .await;
        drop(publishing);
        if closed.is_some_and(|d| d.templates.is_some()) {
            self.shared.schedule_all(Duration::ZERO, None);
        }
    }

    async fn code_action(&self, params: CodeActionParams) -> RpcResult<Option<CodeActionResponse>> {
        let wants_quickfix = params.context.only.as_ref().is_none_or(|kinds| {
            kinds
                .iter()
                .any(|k| k == &CodeActionKind::QUICKFIX || k == &CodeActionKind::EMPTY)
        });
        let uri = params.text_document.uri;
        let published = {
            let documents = lock(&self.shared.documents);
            let Some(document) = documents.get(&uri) else {
                return Ok(None);
            };
            match &document.published {
                // Edits computed for another version of the text would land in the wrong place.
                Some(published) if published.version == document.version => Arc::clone(published),
                _ => return Ok(None),
            }
        };
        if !wants_quickfix {
            return Ok(None);
        }
        let edit = |edits| WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        };
        let mut actions = Vec::new();
        for item in &published.items {
            // Clients echo the diagnostics under the cursor; some convert their ranges back
            // imperfectly, so the code and start line identify them.
            let asked = ranges_touch(&item.diagnostic.range, &params.range)
                || params.context.diagnostics.iter().any(|d| {
                    d.code == item.diagnostic.code
                        && d.range.start.line == item.diagnostic.range.start.line
                });
            if !asked {
                continue;
            }
            if let Some(fix) = &item.fix {
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title.clone(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![item.diagnostic.clone()]),
                    edit: Some(edit(fix.edits.clone())),
                    is_preferred: Some(true),
                    ..CodeAction::default()
                }));
            }
            if let Some(ignore) = &item.ignore {
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("Ignore `{}` here (# wflint: ignore)", item.rule.code),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![item.diagnostic.clone()]),
                    edit: Some(edit(vec![ignore.clone()])),
                    ..CodeAction::default()
                }));
            }
        }
        Ok((!actions.is_empty()).then_some(actions))
    }

    async fn hover(&self, params: HoverParams) -> RpcResult<Option<Hover>> {
        let position = params.text_document_position_params.position;
        let uri = params.text_document_position_params.text_document.uri;
        let published = lock(&self.shared.documents)
            .get(&uri)
            .and_then(|d| d.published.clone());
        let Some(published) = published else {
            return Ok(None);
        };
        let items: Vec<&Item> = published
            .items
            .iter()
            .filter(|item| range_contains(&item.diagnostic.range, position))
            .collect();
        let Some(first) = items.first() else {
            return Ok(None);
        };
        Ok(Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: hover_markdown(&items),
            }),
            range: Some(first.diagnostic.range),
        }))
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let mut value = params.settings;
        if value.is_null() && self.shared.session().pull_configuration {
            let item = ConfigurationItem {
                scope_uri: None,
                section: Some("wflint".to_string()),
            };
            if let Ok(mut values) = self.shared.client.configuration(vec![item]).await {
                value = values.pop().unwrap_or_default();
            }
        }
        match Settings::from_json(&value) {
            Ok(settings) => *lock(&self.shared.settings) = settings,
            Err(error) => {
                let message = format!("wflint: {error}; the previous settings stay in force");
                self.shared
                    .client
                    .show_message(MessageType::WARNING, message)
                    .await;
                return;
            }
        }
        let shared = Arc::clone(&self.shared);
        tokio::spawn(async move { shared.reload().await });
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let root = self.shared.session().root.clone();
        let mut reload = false;
        let mut reindex = false;
        for change in &params.changes {
            let Some(path) = change.uri.to_file_path() else {
                continue;
            };
            if self.shared.affects_setup(&path) {
                reload = true;
            } else if root.as_ref().is_some_and(|root| path.starts_with(root))
                && path
                    .file_name()
                    .is_some_and(|n| is_manifest_name(&n.to_string_lossy()))
            {
                reindex = true;
            }
        }
        if reload {
            self.shared.request_reload();
        } else if reindex {
            self.shared.request_reindex();
        }
    }
}
