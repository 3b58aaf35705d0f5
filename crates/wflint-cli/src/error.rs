//! Errors of the tool itself (exit code 2), as opposed to findings, rendered with miette.

use std::{io, path::PathBuf};

use wflint_core::{context::ContextError, rules::UnknownSelector};

use crate::config::ConfigError;

/// Why wflint could not run.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub(crate) enum CliError {
    /// An input path could not be read.
    #[error("cannot read {}", path.display())]
    #[diagnostic(
        code(wflint::input),
        help("check that the path exists and is readable; use `-` for standard input")
    )]
    Read {
        /// The path given.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },

    /// The policy file given with `--policy` is unreadable or invalid.
    #[error(transparent)]
    #[diagnostic(code(wflint::policy), help("see policies/default.yaml for the format"))]
    Policy(#[from] wflint_core::policy::PolicyError),

    /// The live cluster could not be reached or configured (`--cluster`).
    #[error("cannot read the cluster")]
    #[diagnostic(
        code(wflint::cluster),
        help("check --kubeconfig / --kube-context, or lint offline with --context")
    )]
    Cluster(#[source] wflint_kube::KubeError),

    /// Standard input could not be read.
    #[error("cannot read standard input")]
    #[diagnostic(code(wflint::input))]
    Stdin(#[source] io::Error),

    /// `-` was given twice.
    #[error("standard input (`-`) can be linted only once")]
    #[diagnostic(code(wflint::input))]
    StdinTwice,

    /// A rule selector on the command line is unknown.
    #[error("{option}: {selector}")]
    #[diagnostic(code(wflint::selector), help("`wflint rules` lists every code"))]
    Selector {
        /// The option (`--select`, `--ignore`).
        option: &'static str,
        /// The unknown selector.
        selector: UnknownSelector,
    },

    /// The configuration file is invalid.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] ConfigError),

    /// A context file could not be used.
    #[error("invalid cluster context")]
    #[diagnostic(
        code(wflint::context),
        help(
            "--context takes manifests as `kubectl get -o yaml` writes them; \
             --controller-config takes the workflow controller's ConfigMap"
        )
    )]
    Context(#[from] ContextError),

    /// `wflint explain` was given an unknown code.
    #[error("unknown rule `{code}`{}", suggestion.map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    #[diagnostic(code(wflint::explain), help("`wflint rules` lists every code"))]
    UnknownRule {
        /// What was asked for.
        code: String,
        /// A close code, if any.
        suggestion: Option<&'static str>,
    },

    /// Writing the output failed (other than a closed pipe).
    #[error("cannot write the output")]
    #[diagnostic(code(wflint::output))]
    Output(#[source] io::Error),
}
