//! A stand-alone `wflint-lsp` binary serving the language server on stdio, for the end-to-end
//! tests and benchmarks of this crate (users run `wflint lsp`).

fn main() -> std::process::ExitCode {
    match wflint_lsp::run(wflint_lsp::ServeOptions::default()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("wflint-lsp: {error}");
            std::process::ExitCode::from(2)
        }
    }
}
