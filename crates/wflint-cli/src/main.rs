//! The `wflint` command line: parse the arguments, run a subcommand, map the outcome to the
//! exit status (0 clean, 1 findings that fail the run, 2 wflint could not run).

use std::{io::IsTerminal, process::ExitCode};

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
    install_error_handler();
    let cli = Cli::parse();
    if let Command::Serve(args) = cli.command {
        return wflint_webhook::run(*args);
    }
    match run(cli) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Failed) => ExitCode::from(EXIT_FINDINGS),
        Err(error) => {
            eprintln!("{:?}", miette::Report::new(error));
            ExitCode::from(EXIT_TOOL_ERROR)
        }
    }
}

/// Render tool errors without hyperlinks, and unwrapped when stderr is not a terminal (so logs
/// and scripts see each message on one line).
fn install_error_handler() {
    let stderr_is_terminal = std::io::stderr().is_terminal();
    // Only fails when a hook is already installed, which nothing else does.
    let _ = miette::set_hook(Box::new(move |_| {
        let mut options = miette::MietteHandlerOpts::new()
            .terminal_links(false)
            .break_words(false);
        if !stderr_is_terminal {
            options = options.width(10_000).color(false);
        }
        Box::new(options.build())
    }));
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
        Command::Serve(_) => Ok(Outcome::Clean),
    }
}
