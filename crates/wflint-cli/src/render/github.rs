//! `--format github`: GitHub Actions workflow commands, one annotation per finding:
//! `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=wflint(code)::message`.
//!
//! Escaping follows the runner's rules: in the message `%`, `\r` and `\n` are percent-encoded;
//! in property values `:` and `,` are too.

use std::io::{self, Write};

use wflint_core::{Report, Severity};

use super::{RenderOptions, file_name, region, relative_path};

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Escape the data (message) part of a workflow command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value of a workflow command.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Write one annotation per finding.
pub(crate) fn render(
    report: &Report,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    for finding in &report.findings {
        let diagnostic = &finding.diagnostic;
        let at = region(finding);
        let file = relative_path(file_name(finding), &options.cwd);
        let mut message = diagnostic.message.clone();
        if let Some(help) = &diagnostic.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        if let Some(argo) = &diagnostic.argo_message {
            message.push_str("\nargo lint reports: ");
            message.push_str(argo);
        }
        writeln!(
            out,
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            command(diagnostic.severity),
            escape_property(&file),
            at.line,
            at.column,
            at.end_line,
            at.end_column,
            escape_property(&format!("wflint({})", diagnostic.code())),
            escape_data(&message),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::render::sample::sample_report;

    #[test]
    fn snapshot() {
        let options = RenderOptions {
            color: false,
            width: None,
            cwd: PathBuf::from("/repo"),
            tool_version: "0.0.0-test".into(),
        };
        let mut out = Vec::new();
        render(&sample_report(), &options, &mut out).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap());
    }

    #[test]
    fn escapes_like_the_actions_runner() {
        assert_eq!(
            escape_data("100% done\r\nnext: a,b"),
            "100%25 done%0D%0Anext: a,b"
        );
        assert_eq!(
            escape_property("dir,x/a:b%.yaml\n"),
            "dir%2Cx/a%3Ab%25.yaml%0A"
        );
    }
}
