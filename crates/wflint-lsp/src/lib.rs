//! wflint-lsp: the language server behind `wflint lsp`.
//!
//! Lints Argo Workflows manifests while they are edited and publishes the findings as LSP
//! diagnostics (exact ranges, rule code and documentation link, related locations), offers the
//! rules' quick fixes and an "ignore this finding" action, and shows a rule's documentation on
//! hover. Documents are synchronised in full; each edit is linted after a short debounce on a
//! blocking thread, and only the result for the latest version is published.
//!
//! ```no_run
//! // `wflint lsp`:
//! wflint_lsp::run(wflint_lsp::ServeOptions::default()).expect("the language server runs");
//! ```

use std::sync::Arc;

use tower_lsp_server::{ClientSocket, LspService, Server};

mod encoding;
mod fixes;
mod lint;
mod server;
mod settings;
mod workspace;

pub use encoding::PositionEncoding;
pub use lint::SOURCE;
pub use server::{Backend, DEFAULT_DEBOUNCE};
pub use settings::{
    CONFIG_FILE_NAME, DefaultLoader, LintSetup, Settings, SettingsError, SetupError, SetupLoader,
};
/// The protocol types the server speaks (re-exported for clients and tests).
pub use tower_lsp_server::ls_types;

/// How the server is set up by the binary that runs it.
#[derive(Clone)]
pub struct ServeOptions {
    /// Turns the editor's settings into lint options and a cluster context.
    pub loader: Arc<dyn SetupLoader>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            loader: Arc::new(DefaultLoader),
        }
    }
}

impl std::fmt::Debug for ServeOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServeOptions").finish_non_exhaustive()
    }
}

impl ServeOptions {
    /// Use `loader` for the settings (e.g. the CLI's, which reads `wflint.toml` and policies).
    #[must_use]
    pub fn with_loader(mut self, loader: impl SetupLoader) -> Self {
        self.loader = Arc::new(loader);
        self
    }
}

/// The server as a tower service plus the socket of its messages to the client, for callers
/// that drive it themselves.
pub fn service(options: ServeOptions) -> (LspService<Backend>, ClientSocket) {
    LspService::new(move |client| Backend::new(client, options))
}

/// Serve the protocol over any byte streams (JSON-RPC with `Content-Length` framing) until the
/// client sends `exit` or closes the input. Must run inside a multi-threaded tokio runtime.
pub async fn serve<I, O>(input: I, output: O, options: ServeOptions)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let (service, socket) = service(options);
    Server::new(input, output, socket).serve(service).await;
}

/// Serve the protocol on standard input and output.
pub async fn serve_stdio(options: ServeOptions) {
    serve(tokio::io::stdin(), tokio::io::stdout(), options).await;
}

/// Start a tokio runtime and serve on standard input and output until the client exits: the
/// whole of `wflint lsp`.
pub fn run(options: ServeOptions) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve_stdio(options));
    Ok(())
}
