//! `wflint-webhook`: the admission gate as its own binary (for the container image). The same
//! server runs as `wflint serve`.

use std::process::ExitCode;

use clap::Parser;

/// wflint admission webhook for Argo Workflows.
#[derive(Parser)]
#[command(name = "wflint-webhook", version)]
struct Cli {
    #[command(flatten)]
    serve: wflint_webhook::ServeArgs,
}

fn main() -> ExitCode {
    wflint_webhook::run(Cli::parse().serve)
}
