//! Writing to standard output, where a reader that went away (`wflint ... | head`) is not an
//! error.

use std::io::{self, BufWriter, Write};

use crate::error::CliError;

/// Run `write` on a buffered, locked standard output and flush it.
pub(crate) fn write_stdout(
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), CliError> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => Err(CliError::Output(error)),
        _ => Ok(()),
    }
}
