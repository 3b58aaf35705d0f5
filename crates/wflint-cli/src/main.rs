//! The `wflint` command line: parse the arguments, run a subcommand, map the outcome to the
//! exit status (0 clean, 1 findings that fail the run, 2 wflint could not run).

use std::process::ExitCode;

use clap::Parser;

mod args;
mod catalog;
mod config;
mod discover;
mod error;
mod lint;
mod output;
mod render;

use args::{Cli, Command};
use error::CliError;
use lint::Outcome;

/// Exit status when findings fail the run.
const EXIT_FINDINGS: u8 = 1;
/// Exit status when wflint itself could not run (clap uses it for bad flags too).
const EXIT_TOOL_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Failed) => ExitCode::from(EXIT_FINDINGS),
        Err(error) => {
            eprintln!("{:?}", miette::Report::new(error));
            ExitCode::from(EXIT_TOOL_ERROR)
        }
    }
}

fn run(cli: Cli) -> Result<Outcome, CliError> {
    match cli.command {
        Command::Lint(args) => lint::run(
            &args,
            &lint::Environment::detect(),
            &mut std::io::stdin().lock(),
        ),
        Command::Rules(args) => catalog::list(&args).map(|()| Outcome::Clean),
        Command::Explain(args) => catalog::explain(&args).map(|()| Outcome::Clean),
    }
}
