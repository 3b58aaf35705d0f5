//! The editor's settings for wflint and the seam that turns them into lint options and a
//! cluster context.
//!
//! Settings arrive as `initializationOptions` and again with `workspace/didChangeConfiguration`.
//! A [`SetupLoader`] reads the files they name (configuration, policy, `--context` folders) and
//! returns a [`LintSetup`]; the binary that serves the language server may pass its own loader
//! (the one that understands every configuration format it knows), otherwise [`DefaultLoader`]
//! applies what the core library offers.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use wflint_core::{
    LintOptions,
    context::{ClusterContext, FileContext, NoContext},
};

/// The settings a client sends, as `initializationOptions` or `workspace/didChangeConfiguration`
/// (either directly or under a `wflint` key). Relative paths are relative to the workspace folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// The `wflint.toml` to use; when absent the loader looks for one in the workspace folder.
    pub config: Option<PathBuf>,
    /// Files or folders of cluster manifests (the CLI's `--context`).
    pub context: Vec<PathBuf>,
    /// The controller ConfigMap (the CLI's `--controller-config`).
    pub controller_config: Option<PathBuf>,
    /// A policy file.
    pub policy: Option<PathBuf>,
    /// Namespace for objects that name none (the CLI's `--namespace`).
    pub namespace: Option<String>,
    /// Milliseconds to wait after an edit before linting (default 20).
    pub debounce_ms: Option<u64>,
    /// Whether WorkflowTemplates of the workspace folder resolve `templateRef`s (default true).
    pub workspace_templates: Option<bool>,
}

impl Settings {
    /// Read settings from a JSON value: the settings object itself, or an object with a
    /// `wflint` key holding it. `null` gives the defaults.
    pub fn from_json(value: &serde_json::Value) -> Result<Self, SettingsError> {
        let inner = value.get("wflint").unwrap_or(value);
        if inner.is_null() {
            return Ok(Self::default());
        }
        Self::deserialize(inner).map_err(|error| SettingsError(error.to_string()))
    }

    /// `path` made absolute against `root` (unchanged when already absolute or without a root).
    pub fn resolve(path: &Path, root: Option<&Path>) -> PathBuf {
        match root {
            Some(root) if path.is_relative() => root.join(path),
            _ => path.to_path_buf(),
        }
    }
}

/// The settings JSON did not have the expected shape.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid wflint settings: {0}")]
pub struct SettingsError(pub String);

/// What one lint run needs besides the document: options, cluster facts and the files whose
/// change must reload them.
pub struct LintSetup {
    /// Rules, severities, namespace, limits.
    pub options: LintOptions,
    /// Cluster facts (context folders, controller configuration).
    pub context: Box<dyn ClusterContext>,
    /// Files and folders to watch: a change to any of them reloads the setup.
    pub watch: Vec<PathBuf>,
    /// Things the user should know about the setup (shown once as log messages).
    pub notes: Vec<String>,
}

impl std::fmt::Debug for LintSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LintSetup")
            .field("options", &self.options)
            .field("watch", &self.watch)
            .field("notes", &self.notes)
            .finish_non_exhaustive()
    }
}

impl Default for LintSetup {
    fn default() -> Self {
        Self {
            options: LintOptions::default(),
            context: Box::new(NoContext),
            watch: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// The files named by the settings could not be used; the server keeps its previous setup and
/// shows this message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SetupError {
    /// What went wrong, for the user.
    pub message: String,
    /// Files to watch anyway, so fixing them reloads the setup.
    pub watch: Vec<PathBuf>,
}

/// Turns [`Settings`] into a [`LintSetup`]. Called off the async threads; may read files.
pub trait SetupLoader: Send + Sync + 'static {
    /// Load the setup for `settings` in the workspace folder `root` (if the client opened one).
    fn load(&self, settings: &Settings, root: Option<&Path>) -> Result<LintSetup, SetupError>;
}

impl<F> SetupLoader for F
where
    F: Fn(&Settings, Option<&Path>) -> Result<LintSetup, SetupError> + Send + Sync + 'static,
{
    fn load(&self, settings: &Settings, root: Option<&Path>) -> Result<LintSetup, SetupError> {
        self(settings, root)
    }
}

/// The name of the configuration file looked for in the workspace folder.
pub const CONFIG_FILE_NAME: &str = "wflint.toml";

/// The loader used when the serving binary brings none: applies the namespace and reads the
/// context files and controller configuration with the core's [`FileContext`]; a configuration
/// or policy file is watched but only noted, as reading those formats is the serving binary's
/// part (see [`SetupLoader`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultLoader;

impl SetupLoader for DefaultLoader {
    fn load(&self, settings: &Settings, root: Option<&Path>) -> Result<LintSetup, SetupError> {
        let mut setup = LintSetup::default();
        if let Some(namespace) = settings.namespace.as_ref().filter(|ns| !ns.is_empty()) {
            setup.options.default_namespace = namespace.clone();
        }
        let context: Vec<PathBuf> = settings
            .context
            .iter()
            .map(|path| Settings::resolve(path, root))
            .collect();
        let controller = settings
            .controller_config
            .as_ref()
            .map(|path| Settings::resolve(path, root));
        setup.watch.extend(context.iter().cloned());
        setup.watch.extend(controller.iter().cloned());
        if !context.is_empty() || controller.is_some() {
            let loaded = FileContext::load(
                &context,
                controller.as_deref(),
                &setup.options.default_namespace,
            )
            .map_err(|error| SetupError {
                message: format!("cannot use the context files: {error}"),
                watch: setup.watch.clone(),
            })?;
            setup.context = Box::new(loaded);
        }
        let config = match &settings.config {
            Some(path) => Some(Settings::resolve(path, root)),
            None => root
                .map(|root| root.join(CONFIG_FILE_NAME))
                .filter(|path| path.is_file()),
        };
        let policy = settings.policy.as_ref().map(|p| Settings::resolve(p, root));
        for path in config.into_iter().chain(policy) {
            setup.notes.push(format!(
                "{} is not applied: this build of the language server has no loader for it",
                path.display()
            ));
            setup.watch.push(path);
        }
        Ok(setup)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_read_directly_or_under_a_wflint_key() {
        let direct =
            serde_json::json!({"namespace": "argo", "context": ["cluster"], "debounceMs": 5});
        let nested = serde_json::json!({"wflint": direct.clone()});
        let expected = Settings {
            namespace: Some("argo".into()),
            context: vec![PathBuf::from("cluster")],
            debounce_ms: Some(5),
            ..Settings::default()
        };
        assert_eq!(Settings::from_json(&direct).unwrap(), expected);
        assert_eq!(Settings::from_json(&nested).unwrap(), expected);
        assert_eq!(
            Settings::from_json(&serde_json::Value::Null).unwrap(),
            Settings::default()
        );
        assert!(Settings::from_json(&serde_json::json!({"context": 3})).is_err());
    }

    #[test]
    fn default_loader_applies_the_namespace_and_watches_the_files_it_cannot_read() {
        let settings = Settings {
            namespace: Some("argo".into()),
            policy: Some("policy.yaml".into()),
            ..Settings::default()
        };
        let setup = DefaultLoader
            .load(&settings, Some(Path::new("/ws")))
            .unwrap();
        assert_eq!(setup.options.default_namespace, "argo");
        assert_eq!(setup.watch, vec![PathBuf::from("/ws/policy.yaml")]);
        assert_eq!(setup.notes.len(), 1);
    }

    #[test]
    fn default_loader_reads_context_folders_and_reports_unreadable_ones() {
        let root = std::env::temp_dir().join(format!("wflint-lsp-loader-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("cluster")).unwrap();
        std::fs::write(
            root.join("cluster/cm.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: repo\n  namespace: argo\ndata: {}\n",
        )
        .unwrap();
        let settings = Settings {
            context: vec![PathBuf::from("cluster")],
            ..Settings::default()
        };
        let setup = DefaultLoader.load(&settings, Some(&root)).unwrap();
        assert!(setup.context.config_map("argo", "repo").found().is_some());
        assert!(setup.context.config_map("argo", "other").is_missing());
        assert_eq!(setup.watch, vec![root.join("cluster")]);
        let missing = Settings {
            context: vec![PathBuf::from("nowhere")],
            ..Settings::default()
        };
        let error = DefaultLoader.load(&missing, Some(&root)).unwrap_err();
        assert!(
            error.message.starts_with("cannot use the context files"),
            "{}",
            error.message
        );
        assert_eq!(error.watch, vec![root.join("nowhere")]);
        let _ = std::fs::remove_dir_all(&root);
    }
}
