//! `wflint lint`: settings from the configuration file and the flags, inputs, context, the
//! engine run, output, and the exit status.

use std::{
    collections::HashMap,
    io::{IsTerminal, Read},
    path::{Path, PathBuf},
};

use wflint_core::{
    LintOptions, Report,
    context::{ClusterContext, FileContext, NoContext},
    rules::RuleSet,
};

use crate::{
    args::{ColorChoice, ContextArgs, Format, LintArgs},
    config::{self, Config},
    discover::{Discovered, discover},
    error::CliError,
    output::write_stdout,
    render::{self, RenderOptions},
};

/// The namespace used when neither the flag nor the configuration names one.
pub(crate) const DEFAULT_NAMESPACE: &str = "default";

/// How a lint run ended (the process exit status is derived from it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Nothing fails the run.
    Clean,
    /// An error-severity finding (or a warning with `--deny-warnings`).
    Failed,
}

/// The process environment a lint run depends on, injectable for tests.
#[derive(Debug, Clone)]
pub(crate) struct Environment {
    /// The working folder (configuration discovery, relative output paths).
    pub(crate) cwd: PathBuf,
    /// Whether standard output is a terminal.
    pub(crate) stdout_is_terminal: bool,
    /// Whether `NO_COLOR` is set to a non-empty value.
    pub(crate) no_color: bool,
}

impl Environment {
    /// The real environment of this process.
    pub(crate) fn detect() -> Self {
        Self {
            cwd: std::env::current_dir().unwrap_or_default(),
            stdout_is_terminal: std::io::stdout().is_terminal(),
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        }
    }
}

/// The resolved settings of one run.
#[derive(Debug)]
pub(crate) struct Settings {
    /// Options for the engine.
    pub(crate) options: LintOptions,
    /// The configuration file used, if any (for per-path ignores).
    pub(crate) config: Option<Config>,
}

/// Combine the configuration file and the flags; flags win.
pub(crate) fn settings(args: &LintArgs, cwd: &Path) -> Result<Settings, CliError> {
    let config = if args.config.no_config {
        None
    } else if let Some(path) = &args.config.config {
        Some(Config::load(&config::absolute(cwd, path))?)
    } else {
        Config::discover(cwd)?
    };
    let from_file = config.as_ref();
    let selector_error =
        |option: &'static str| move |selector| CliError::Selector { option, selector };

    let namespace = args
        .context
        .namespace
        .clone()
        .or_else(|| from_file.and_then(|c| c.namespace.clone()))
        .unwrap_or_else(|| DEFAULT_NAMESPACE.to_string());
    let mut rules = match &args.rules.policy {
        Some(path) => wflint_core::policy::Policy::load(&config::absolute(cwd, path))?
            .rule_set(Some(&namespace)),
        None => RuleSet::all(),
    };
    match (
        &args.rules.select,
        from_file.and_then(|c| c.select.as_ref()),
    ) {
        (Some(select), _) => {
            rules
                .select(select.iter().map(|s| s.trim()))
                .map_err(selector_error("--select"))?;
        }
        (None, Some(select)) => {
            rules
                .select(select.iter().cloned())
                .map_err(selector_error("select"))?;
        }
        (None, None) => {}
    }
    if let Some(config) = from_file {
        rules
            .ignore(config.ignore.iter().cloned())
            .map_err(selector_error("ignore"))?;
        for (selector, severity) in &config.severities {
            rules
                .set_severity(selector, *severity)
                .map_err(selector_error("severity"))?;
        }
    }
    rules
        .ignore(args.rules.ignore.iter().map(|s| s.trim()))
        .map_err(selector_error("--ignore"))?;

    Ok(Settings {
        options: LintOptions {
            default_namespace: namespace,
            rules,
            ..LintOptions::default()
        },
        config,
    })
}

/// Run `wflint lint`.
pub(crate) fn run(
    args: &LintArgs,
    environment: &Environment,
    stdin: &mut dyn Read,
) -> Result<Outcome, CliError> {
    let mut settings = settings(args, &environment.cwd)?;
    let discovered = discover(&args.paths, stdin)?;
    let locations = absolute_locations(&discovered, &environment.cwd);
    let inputs: Vec<_> = discovered.into_iter().map(|d| d.input).collect();
    let context = if args.context.cluster.cluster {
        // Live lookups answer unknown on errors; a template the cluster cannot show us must
        // not be reported missing.
        settings.options.templates_closed_world = false;
        live_context(&args.context, &inputs, &settings.options)?
    } else {
        cluster_context(&args.context, &settings.options.default_namespace)?
    };
    let mut report = wflint_core::lint_inputs(inputs, context.as_ref(), &settings.options);
    if let Some(config) = &settings.config {
        apply_path_ignores(&mut report, config, &locations);
    }

    for note in &report.notes {
        eprintln!("note: {note}");
    }
    let nothing_to_lint = report.objects == 0 && report.findings.is_empty();
    if nothing_to_lint {
        eprintln!("{}", nothing_to_lint_note(&report));
    }
    if !(nothing_to_lint && args.output.format == Format::Pretty) {
        let options = RenderOptions {
            color: use_color(args.output.color, environment),
            width: None,
            cwd: environment.cwd.clone(),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
        };
        write_stdout(|out| render::render(args.output.format, &report, &options, out))?;
    }
    Ok(outcome(&report, args.rules.deny_warnings))
}

/// The cluster facts the run may consult: the files given (a closed world), or nothing known.
pub(crate) fn cluster_context(
    args: &ContextArgs,
    default_namespace: &str,
) -> Result<Box<dyn ClusterContext>, CliError> {
    if args.context.is_empty() && args.controller_config.is_none() {
        return Ok(Box::new(NoContext));
    }
    Ok(Box::new(FileContext::load(
        &args.context,
        args.controller_config.as_deref(),
        default_namespace,
    )?))
}

/// Cluster facts read from the API server for just what `inputs` need.
fn live_context(
    args: &ContextArgs,
    inputs: &[wflint_core::Input],
    options: &LintOptions,
) -> Result<Box<dyn ClusterContext>, CliError> {
    let needs =
        wflint_kube::Needs::from_inputs(inputs, &options.default_namespace, &options.limits);
    let snapshot =
        wflint_kube::snapshot_blocking(&args.cluster, &needs).map_err(CliError::Cluster)?;
    Ok(Box::new(snapshot))
}

fn nothing_to_lint_note(report: &Report) -> String {
    if report.files.is_empty() {
        "note: nothing to lint: no .yaml, .yml or .json file found".to_string()
    } else {
        format!(
            "note: nothing to lint: no Workflow, WorkflowTemplate, ClusterWorkflowTemplate or \
             CronWorkflow found in {} file{}",
            report.files.len(),
            if report.files.len() == 1 { "" } else { "s" }
        )
    }
}

/// Absolute paths of the inputs by display name, for per-path ignores.
fn absolute_locations(discovered: &[Discovered], cwd: &Path) -> HashMap<String, PathBuf> {
    discovered
        .iter()
        .filter_map(|d| {
            let path = d.path.as_ref()?;
            Some((d.input.name.clone(), config::absolute(cwd, path)))
        })
        .collect()
}

fn apply_path_ignores(report: &mut Report, config: &Config, locations: &HashMap<String, PathBuf>) {
    report.findings.retain(|finding| {
        let Some(path) = finding
            .file
            .as_ref()
            .and_then(|file| locations.get(&file.name))
        else {
            return true;
        };
        !config.ignores(path, finding.diagnostic.rule)
    });
}

fn use_color(choice: ColorChoice, environment: &Environment) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => environment.stdout_is_terminal && !environment.no_color,
    }
}

/// Whether the findings fail the run.
pub(crate) fn outcome(report: &Report, deny_warnings: bool) -> Outcome {
    let counts = render::counts(report);
    if counts.errors > 0 || (deny_warnings && counts.warnings > 0) {
        Outcome::Failed
    } else {
        Outcome::Clean
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;
    use wflint_core::{Severity, rules};

    use super::*;
    use crate::{
        args::{Cli, Command},
        render::sample::sample_report,
    };

    fn lint_args(argv: &[&str]) -> LintArgs {
        let cli = Cli::try_parse_from(["wflint", "lint"].iter().chain(argv)).unwrap();
        match cli.command {
            Command::Lint(args) => *args,
            other => panic!("not lint: {other:?}"),
        }
    }

    #[test]
    fn exit_status_follows_severities() {
        let mut report = sample_report();
        assert_eq!(outcome(&report, false), Outcome::Failed);
        report
            .findings
            .retain(|f| f.diagnostic.severity != Severity::Error);
        assert_eq!(outcome(&report, false), Outcome::Clean);
        assert_eq!(outcome(&report, true), Outcome::Failed);
        report
            .findings
            .retain(|f| f.diagnostic.severity == Severity::Info);
        assert_eq!(outcome(&report, true), Outcome::Clean);
    }

    #[test]
    fn flags_win_over_the_configuration_file() {
        let dir = std::env::temp_dir().join(format!("wflint-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join(config::FILE_NAME),
            "namespace = \"from-file\"\n[rules]\nselect = [\"syntax\"]\nignore = [\"duplicate-key\"]\n\
             [rules.severity]\nyaml-syntax = \"warning\"\n",
        )
        .unwrap();
        let yaml_syntax = rules::by_code("yaml-syntax").unwrap();
        let duplicate_key = rules::by_code("duplicate-key").unwrap();
        let unknown_field = rules::by_code("unknown-field").unwrap();

        let from_file = settings(&lint_args(&["x.yaml"]), &dir).unwrap();
        assert_eq!(from_file.options.default_namespace, "from-file");
        assert_eq!(
            from_file.options.rules.severity(yaml_syntax),
            Some(Severity::Warning)
        );
        assert!(!from_file.options.rules.enabled(duplicate_key));
        assert!(!from_file.options.rules.enabled(unknown_field));

        let flags = settings(
            &lint_args(&[
                "--namespace",
                "ns",
                "--select",
                "argo",
                "--ignore",
                "invalid-type",
                "x.yaml",
            ]),
            &dir,
        )
        .unwrap();
        assert_eq!(flags.options.default_namespace, "ns");
        assert!(flags.options.rules.enabled(unknown_field));
        assert!(!flags.options.rules.enabled(yaml_syntax));
        assert!(
            !flags
                .options
                .rules
                .enabled(rules::by_code("invalid-type").unwrap())
        );

        let none = settings(&lint_args(&["--no-config", "x.yaml"]), &dir).unwrap();
        assert_eq!(none.options.default_namespace, DEFAULT_NAMESPACE);
        assert!(none.options.rules.enabled(duplicate_key));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn unknown_selectors_name_the_flag_and_suggest() {
        let error = settings(
            &lint_args(&["--no-config", "--ignore", "yaml-syntx", "x.yaml"]),
            Path::new("/"),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "--ignore: unknown rule or group `yaml-syntx` (did you mean `yaml-syntax`?)"
        );
    }

    #[test]
    fn colour_is_automatic_only_on_a_terminal_without_no_color() {
        let env = |tty, no_color| Environment {
            cwd: PathBuf::new(),
            stdout_is_terminal: tty,
            no_color,
        };
        assert!(use_color(ColorChoice::Auto, &env(true, false)));
        assert!(!use_color(ColorChoice::Auto, &env(true, true)));
        assert!(!use_color(ColorChoice::Auto, &env(false, false)));
        assert!(use_color(ColorChoice::Always, &env(false, true)));
        assert!(!use_color(ColorChoice::Never, &env(true, false)));
    }
}
