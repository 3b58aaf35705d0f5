//! The `wflint` command line.
//!
//! PLACEHOLDER: minimal `lint` (JSON output), `rules` and `explain`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use wflint_core::{Input, LintOptions, Severity, context::NoContext, rules};

#[derive(Parser)]
#[command(name = "wflint", version, about = "Lint Argo Workflows manifests")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lint files and folders of Argo manifests.
    Lint {
        /// Files or folders to lint (`-` for stdin).
        paths: Vec<std::path::PathBuf>,
    },
    /// List every rule.
    Rules,
    /// Print the documentation of a rule.
    Explain {
        /// The rule code.
        code: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Lint { paths } => {
            let mut inputs = Vec::new();
            for path in paths {
                match std::fs::read(&path) {
                    Ok(bytes) => inputs.push(Input {
                        name: path.display().to_string(),
                        bytes,
                    }),
                    Err(e) => {
                        eprintln!("error: cannot read {}: {e}", path.display());
                        return ExitCode::from(2);
                    }
                }
            }
            let report = wflint_core::lint_inputs(inputs, &NoContext, &LintOptions::default());
            for finding in &report.findings {
                println!(
                    "{}: {} [{}]",
                    finding.file.as_ref().map_or("-", |f| f.name.as_str()),
                    finding.diagnostic.message,
                    finding.diagnostic.code()
                );
            }
            if report.count(Severity::Error) > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Rules => {
            for rule in rules::all() {
                println!(
                    "{:<32} {:<10} {:<8} {}",
                    rule.code, rule.group, rule.default_severity, rule.summary
                );
            }
            ExitCode::SUCCESS
        }
        Command::Explain { code } => match rules::by_code(&code) {
            Some(rule) => {
                println!("{}", rule.documentation());
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("error: unknown rule `{code}`");
                ExitCode::from(2)
            }
        },
    }
}
