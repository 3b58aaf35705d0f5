//! Templates known to the editor: those of the other open documents and those found in the
//! workspace folder, layered over the configured cluster context so `templateRef`s resolve the
//! way `wflint lint` resolves them across the files it is given.

use std::{
    collections::HashSet,
    path::{Path, PathBuf},
    sync::Arc,
};

use wflint_core::{
    context::{
        ClusterContext, ConfigMapInfo, ControllerConfig, Lookup, NoContext, SecretKeys,
        TemplateObject,
    },
    engine::{Layered, TemplateIndex},
    source::{self, Limits, ParsedFile},
};

/// Most files read when indexing a workspace folder.
const MAX_WORKSPACE_FILES: usize = 5_000;
/// Largest workspace file read (templates are small; generated bundles are not worth the time).
const MAX_WORKSPACE_FILE_BYTES: u64 = 1024 * 1024;

/// The WorkflowTemplates and ClusterWorkflowTemplates of a workspace folder.
pub(crate) struct WorkspaceTemplates {
    pub(crate) index: TemplateIndex,
    /// Files read.
    pub(crate) files: usize,
}

/// Read every manifest file under `root` that may hold a template (hidden folders, `target` and
/// `node_modules` are skipped) and index its templates.
pub(crate) fn index_folder(
    root: &Path,
    default_namespace: &str,
    limits: &Limits,
) -> WorkspaceTemplates {
    let mut paths = Vec::new();
    collect(root, &mut paths);
    let parsed: Vec<ParsedFile> = paths
        .iter()
        .filter_map(|path| {
            let bytes = std::fs::read(path).ok()?;
            // Cheap filter: most YAML files in a repository are not templates.
            let text = std::str::from_utf8(&bytes).ok()?;
            text.contains("WorkflowTemplate")
                .then(|| source::parse(&path.display().to_string(), &bytes, limits))
        })
        .collect();
    WorkspaceTemplates {
        index: TemplateIndex::from_files(&parsed, default_namespace),
        files: paths.len(),
    }
}

fn collect(folder: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        if out.len() >= MAX_WORKSPACE_FILES {
            return;
        }
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                collect(&entry.path(), out);
            }
        } else if kind.is_file()
            && is_manifest_name(&name)
            && entry
                .metadata()
                .is_ok_and(|m| m.len() <= MAX_WORKSPACE_FILE_BYTES)
        {
            out.push(entry.path());
        }
    }
}

/// Whether a file name looks like a manifest (`.yaml`, `.yml`, `.json`).
pub(crate) fn is_manifest_name(name: &str) -> bool {
    [".yaml", ".yml", ".json"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// The context one editor lint sees: templates of the other open documents first, then the
/// workspace folder's (except those read from files that are open, whose editor text wins), then
/// the configured context.
pub(crate) struct EditorContext<'a> {
    pub(crate) open: &'a [Arc<TemplateIndex>],
    pub(crate) workspace: Option<&'a TemplateIndex>,
    pub(crate) open_files: &'a HashSet<String>,
    pub(crate) inner: &'a dyn ClusterContext,
}

impl EditorContext<'_> {
    fn template(
        &self,
        find: impl Fn(&dyn ClusterContext) -> Lookup<TemplateObject>,
        fallback: impl FnOnce() -> Lookup<TemplateObject>,
    ) -> Lookup<TemplateObject> {
        let layer = |templates: &TemplateIndex| {
            find(&Layered {
                templates,
                inner: &NoContext,
                closed_world: false,
            })
        };
        for index in self.open {
            if let Lookup::Found(found) = layer(index) {
                return Lookup::Found(found);
            }
        }
        if let Some(Lookup::Found(found)) = self.workspace.map(layer) {
            let from_open_file = found
                .origin
                .as_ref()
                .is_some_and(|origin| self.open_files.contains(origin));
            if !from_open_file {
                return Lookup::Found(found);
            }
        }
        fallback()
    }
}

impl ClusterContext for EditorContext<'_> {
    fn config_map(&self, namespace: &str, name: &str) -> Lookup<Arc<ConfigMapInfo>> {
        self.inner.config_map(namespace, name)
    }
    fn secret(&self, namespace: &str, name: &str) -> Lookup<Arc<SecretKeys>> {
        self.inner.secret(namespace, name)
    }
    fn workflow_template(&self, namespace: &str, name: &str) -> Lookup<TemplateObject> {
        self.template(
            |layer| layer.workflow_template(namespace, name),
            || self.inner.workflow_template(namespace, name),
        )
    }
    fn cluster_workflow_template(&self, name: &str) -> Lookup<TemplateObject> {
        self.template(
            |layer| layer.cluster_workflow_template(name),
            || self.inner.cluster_workflow_template(name),
        )
    }
    fn controller(&self) -> Lookup<Arc<ControllerConfig>> {
        self.inner.controller()
    }
    fn notes(&self) -> Vec<String> {
        self.inner.notes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata:\n  name: shared\nspec:\n  templates: []\n";

    fn index_of(name: &str, text: &str) -> TemplateIndex {
        let file = source::parse(name, text.as_bytes(), &Limits::default());
        TemplateIndex::from_files(&[file], "default")
    }

    #[test]
    fn open_documents_win_and_open_files_hide_their_disk_copy() {
        let open = vec![Arc::new(index_of("/ws/a.yaml", TEMPLATE))];
        let workspace = index_of("/ws/b.yaml", &TEMPLATE.replace("shared", "disk"));
        let none_open = HashSet::new();
        let cx = EditorContext {
            open: &open,
            workspace: Some(&workspace),
            open_files: &none_open,
            inner: &NoContext,
        };
        assert!(cx.workflow_template("default", "shared").found().is_some());
        assert!(cx.workflow_template("default", "disk").found().is_some());
        assert!(matches!(
            cx.workflow_template("other", "shared"),
            Lookup::Unknown
        ));
        let open_files = HashSet::from(["/ws/b.yaml".to_string()]);
        let cx = EditorContext {
            open_files: &open_files,
            ..cx
        };
        assert!(cx.workflow_template("default", "disk").found().is_none());
    }

    #[test]
    fn folder_index_skips_hidden_folders_and_non_templates() {
        let root = std::env::temp_dir().join(format!("wflint-lsp-index-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("templates")).unwrap();
        std::fs::write(root.join("templates/t.yaml"), TEMPLATE).unwrap();
        std::fs::write(
            root.join(".git/t.yaml"),
            TEMPLATE.replace("shared", "hidden"),
        )
        .unwrap();
        std::fs::write(root.join("notes.txt"), TEMPLATE.replace("shared", "txt")).unwrap();
        let found = index_folder(&root, "default", &Limits::default());
        let cx = EditorContext {
            open: &[],
            workspace: Some(&found.index),
            open_files: &HashSet::new(),
            inner: &NoContext,
        };
        assert_eq!(found.files, 1);
        assert!(cx.workflow_template("default", "shared").found().is_some());
        assert!(cx.workflow_template("default", "hidden").found().is_none());
        let _ = std::fs::remove_dir_all(&root);
    }
}
