//! `wflint lsp`: the language server on stdio, configured like `wflint lint` (the workspace's
//! `wflint.toml`, a policy, context folders, the controller configuration).

use std::{path::Path, process::ExitCode};

use wflint_lsp::{LintSetup, ServeOptions, Settings, SetupError};

use crate::{
    config::{self, Config},
    lint::{self, Overrides},
};

/// Serve until the client says exit.
pub(crate) fn run() -> ExitCode {
    match wflint_lsp::run(ServeOptions::default().with_loader(setup)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: the language server stopped: {error}");
            ExitCode::from(2)
        }
    }
}

/// Editor settings + workspace folder → engine options and cluster facts, with the files whose
/// change must reload them.
fn setup(settings: &Settings, root: Option<&Path>) -> Result<LintSetup, SetupError> {
    let base = root
        .map(Path::to_path_buf)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default();
    let mut watch = Vec::new();
    let resolve = |path: &Path| config::absolute(&base, path);
    let policy = settings.policy.as_deref().map(resolve);
    watch.extend(policy.iter().cloned());
    let context: Vec<_> = settings.context.iter().map(|p| resolve(p)).collect();
    watch.extend(context.iter().cloned());
    let controller_config = settings.controller_config.as_deref().map(resolve);
    watch.extend(controller_config.iter().cloned());

    let fail = |message: String, watch: &[std::path::PathBuf]| SetupError {
        message,
        watch: watch.to_vec(),
    };
    let config = match &settings.config {
        Some(path) => {
            let path = resolve(path);
            watch.push(path.clone());
            Some(Config::load(&path).map_err(|e| fail(render(&e), &watch))?)
        }
        None => Config::discover(&base).map_err(|e| fail(render(&e), &watch))?,
    };
    if let Some(config) = &config {
        watch.push(config.path.clone());
    } else {
        watch.push(base.join(config::FILE_NAME));
    }
    let overrides = Overrides {
        namespace: settings.namespace.clone(),
        policy,
        ..Overrides::default()
    };
    let resolved = lint::combine(config, &overrides).map_err(|e| fail(render(&e), &watch))?;
    let context_args = crate::args::ContextArgs {
        namespace: None,
        context,
        controller_config,
        cluster: wflint_kube::ClusterArgs::default(),
    };
    let cluster = lint::cluster_context(&context_args, &resolved.options.default_namespace)
        .map_err(|e| fail(render(&e), &watch))?;
    Ok(LintSetup {
        options: resolved.options,
        context: cluster,
        watch,
        notes: Vec::new(),
    })
}

fn render(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
