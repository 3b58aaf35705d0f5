//! The command-line surface: subcommands and their options (clap derive).
//!
//! Options are grouped in small structs so front ends added later (`serve`, `--cluster`,
//! `--policy`) are one new variant or one new flattened group.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const LINT_EXAMPLES: &str = "\
Examples:
  wflint lint workflows/                        Lint every .yaml/.yml/.json file below workflows/
  wflint lint -                                 Lint a manifest read from standard input
  wflint lint --format sarif . > wflint.sarif   SARIF for GitHub code scanning
  wflint lint --format github .                 Annotations for a GitHub Actions step
  wflint lint --select artifacts --deny-warnings wf.yaml
  wflint lint --namespace team-a --context cluster/ --controller-config controller-cm.yaml wf.yaml

Exit status:
  0  no error-severity finding (and no warning with --deny-warnings)
  1  at least one such finding
  2  wflint could not run: bad option, unreadable path, invalid configuration or context

Configuration (wflint.toml, looked up from the working folder upwards; CLI options win):
  namespace = \"argo\"                      # default namespace for objects without one
  [rules]
  select = [\"argo\", \"artifacts\"]          # only these codes or groups (--select replaces it)
  ignore = [\"artifact-gc-no-service-account\"]  # never these (--ignore adds to it)
  [rules.severity]
  artifact-insecure = \"error\"             # error | warning | info
  [[ignore]]                              # per-path ignores, globs relative to the file's folder
  paths = [\"legacy/**\"]
  codes = [\"unknown-field\"]

Inline suppression: a comment `# wflint: ignore[code, ...]` on the line of a finding or on
the line above it silences those codes (or groups, or `all`) there.";

const RULES_EXAMPLES: &str = "\
Examples:
  wflint rules                  The rule table
  wflint rules --format json    The same as JSON
  wflint explain artifact-repository-missing";

/// Lint Argo Workflows manifests: every check `argo lint` makes, with exact file:line:column
/// locations, plus artifact checks Argo only fails on at run time.
#[derive(Debug, Parser)]
#[command(
    name = "wflint",
    version,
    propagate_version = true,
    arg_required_else_help = true,
    after_help = "Run `wflint lint --help` for the linter's options and configuration."
)]
pub(crate) struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Lint files and folders of Workflow, WorkflowTemplate, ClusterWorkflowTemplate and
    /// CronWorkflow manifests.
    #[command(after_help = LINT_EXAMPLES)]
    Lint(Box<LintArgs>),
    /// List every rule with its group, default severity and summary.
    #[command(after_help = RULES_EXAMPLES)]
    Rules(RulesArgs),
    /// Print the documentation of a rule: what it checks, why it matters, an example, the fix.
    #[command(after_help = "Example:\n  wflint explain unknown-field")]
    Explain(ExplainArgs),
    /// Run the admission gate: an HTTPS validating and mutating webhook for the Argo kinds.
    #[command(after_help = SERVE_EXAMPLES)]
    Serve(Box<wflint_webhook::ServeArgs>),
    /// Print the JSON Schema of Workflow, WorkflowTemplate, ClusterWorkflowTemplate and
    /// CronWorkflow as wflint knows them, for YAML editors (completion, hover, typos).
    #[command(after_help = SCHEMA_EXAMPLES)]
    Schema(SchemaArgs),
    /// Run the language server on stdin/stdout, for editors (diagnostics, quick fixes, hover).
    /// Settings (config file, context folders, policy, namespace) come from the editor's
    /// initialization options; see docs/editors.md.
    Lsp,
}

const SCHEMA_EXAMPLES: &str = "Examples:
  wflint schema --output argo-workflows.schema.json
  wflint schema --kind CronWorkflow

Then, in a manifest for yaml-language-server (VS Code YAML, Neovim, Helix):
  # yaml-language-server: $schema=./argo-workflows.schema.json";

/// Options of `wflint schema`.
#[derive(Debug, Args)]
pub(crate) struct SchemaArgs {
    /// Write the schema to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,

    /// Only this kind (Workflow, WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow)
    /// instead of one schema that accepts all four.
    #[arg(long, value_name = "KIND", value_parser = parse_kind)]
    pub(crate) kind: Option<wflint_core::model::ArgoKind>,
}

fn parse_kind(text: &str) -> Result<wflint_core::model::ArgoKind, String> {
    wflint_core::model::ArgoKind::from_kind(text).ok_or_else(|| {
        format!("`{text}` is not one of Workflow, WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow")
    })
}

const SERVE_EXAMPLES: &str = "Examples:
  wflint serve --addr 0.0.0.0:8443 --tls-cert tls.crt --tls-key tls.key --cluster
  wflint serve --addr 127.0.0.1:8443 --tls-cert tls.crt --tls-key tls.key \\
      --policy policies/default.yaml --context examples/key-only-artifacts/context

Endpoints: POST /validate, POST /mutate, GET /healthz, /readyz, /metrics.";

/// Options of `wflint lint`.
#[derive(Debug, Args)]
pub(crate) struct LintArgs {
    /// Files or folders to lint, or `-` for standard input. Folders are searched recursively
    /// for `.yaml`, `.yml` and `.json` files (hidden folders and `target/` are skipped).
    /// Documents of other kinds (ConfigMap, Secret, ...) are skipped quietly.
    #[arg(value_name = "PATH", required = true)]
    pub(crate) paths: Vec<PathBuf>,

    #[command(flatten)]
    pub(crate) output: OutputArgs,

    #[command(flatten)]
    pub(crate) rules: RuleArgs,

    #[command(flatten)]
    pub(crate) context: ContextArgs,

    #[command(flatten)]
    pub(crate) config: ConfigArgs,
}

/// How findings are printed.
#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
pub(crate) struct OutputArgs {
    /// Output format: `pretty` (source snippets for humans), `json` (the stable contract,
    /// version 1), `sarif` (SARIF 2.1.0 for GitHub code scanning), `github` (workflow-command
    /// annotations for GitHub Actions logs).
    #[arg(long, value_enum, default_value_t = Format::Pretty, value_name = "FORMAT")]
    pub(crate) format: Format,

    /// When to colour pretty output: `auto` colours only a terminal and honours `NO_COLOR`.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub(crate) color: ColorChoice,
}

/// Which rules run and what fails the run.
#[derive(Debug, Args)]
#[command(next_help_heading = "Rules")]
pub(crate) struct RuleArgs {
    /// Only run these rules: codes or groups (`syntax`, `argo`, `artifacts`, `all`),
    /// comma-separated or repeated. Replaces the configuration file's `select`.
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub(crate) select: Option<Vec<String>>,

    /// Never run these rules: codes or groups, comma-separated or repeated. Added to the
    /// configuration file's `ignore`.
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub(crate) ignore: Vec<String>,

    /// Fail (exit 1) on warnings too, not only on errors.
    #[arg(long)]
    pub(crate) deny_warnings: bool,

    /// Start from the rule settings of this policy file (`apiVersion: wflint.dev/v1`,
    /// `kind: Policy`, the format of the admission gate, e.g. `policies/strict.yaml`) for the
    /// namespace given by --namespace; the configuration file and the flags apply on top.
    #[arg(long, value_name = "FILE")]
    pub(crate) policy: Option<PathBuf>,
}

/// Cluster state the artifact and template checks may consult.
#[derive(Debug, Args)]
#[command(next_help_heading = "Cluster context")]
pub(crate) struct ContextArgs {
    /// Namespace for objects that name none (and for context objects without one).
    /// Default: the configuration file's `namespace`, else `default`.
    #[arg(long, short = 'n', value_name = "NS")]
    pub(crate) namespace: Option<String>,

    /// Files or folders of cluster manifests, as `kubectl get -o yaml` writes them
    /// (ConfigMaps, Secrets, WorkflowTemplates, ClusterWorkflowTemplates; `List` objects too).
    /// Repeatable. The given state is taken as complete: what it lacks is reported missing.
    /// Secrets are reduced to their key names at once. Without this option cluster facts are
    /// unknown and no check reports them missing.
    #[arg(long = "context", value_name = "PATH", conflicts_with = "cluster")]
    pub(crate) context: Vec<PathBuf>,

    /// The workflow controller's ConfigMap (`workflow-controller-configmap`, with
    /// `data.artifactRepository`, `data.workflowDefaults`, `data.workflowRestrictions`, or the
    /// whole configuration under `data.config`). Without it, a ConfigMap named
    /// `*workflow-controller-configmap` among the --context files is used.
    #[arg(long, value_name = "PATH", conflicts_with = "cluster")]
    pub(crate) controller_config: Option<PathBuf>,

    /// Read cluster facts live from the Kubernetes API instead of files (see `--cluster`).
    #[command(flatten)]
    pub(crate) cluster: wflint_kube::ClusterArgs,
}

/// Where settings come from.
#[derive(Debug, Args)]
#[command(next_help_heading = "Configuration")]
pub(crate) struct ConfigArgs {
    /// Read settings from this file instead of the `wflint.toml` found by looking in the
    /// working folder and its parents.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub(crate) config: Option<PathBuf>,

    /// Ignore any `wflint.toml`.
    #[arg(long)]
    pub(crate) no_config: bool,
}

/// Output formats of `wflint lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Source snippets with the code, severity, message and help.
    Pretty,
    /// The stable JSON contract (version 1).
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...::message`).
    Github,
}

/// Colour choice for pretty output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    /// Colour when standard output is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Options of `wflint rules`.
#[derive(Debug, Args)]
pub(crate) struct RulesArgs {
    /// `pretty` prints a table, `json` an array of rules.
    #[arg(long, value_enum, default_value_t = ListFormat::Pretty, value_name = "FORMAT")]
    pub(crate) format: ListFormat,
}

/// Output formats of `wflint rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ListFormat {
    /// A table.
    #[value(alias = "table")]
    Pretty,
    /// A JSON array.
    Json,
}

/// Options of `wflint explain`.
#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// The rule code, e.g. `unknown-field` (see `wflint rules`).
    #[arg(value_name = "CODE")]
    pub(crate) code: String,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn selectors_split_on_commas_and_repeat() {
        let cli = Cli::try_parse_from([
            "wflint",
            "lint",
            "--select",
            "argo,artifacts",
            "--select",
            "syntax",
            "--ignore",
            "unknown-field",
            "x.yaml",
        ])
        .unwrap();
        let Command::Lint(args) = cli.command else {
            panic!("not lint")
        };
        assert_eq!(
            args.rules.select,
            Some(vec![
                "argo".to_string(),
                "artifacts".to_string(),
                "syntax".to_string()
            ])
        );
        assert_eq!(args.rules.ignore, vec!["unknown-field".to_string()]);
        assert_eq!(args.paths, vec![PathBuf::from("x.yaml")]);
    }
}
