//! `--format pretty`: each finding through miette's graphical handler (code, severity,
//! message, source snippet with the label at the exact span, related labels, help), then a
//! one-line summary.

use std::{
    fmt,
    io::{self, Write},
    sync::Arc,
};

use miette::{
    Diagnostic as MietteDiagnostic, LabeledSpan, MietteHandlerOpts, MietteSpanContents,
    NamedSource, ReportHandler, SourceCode, SourceSpan, SpanContents,
};
use wflint_core::{Finding, Report, Severity, diagnostic::SourceFile, span::ColumnUnit};

use super::{Counts, RenderOptions, counts};

/// Shares a file's text with miette without copying it per finding.
#[derive(Debug)]
struct SharedText(Arc<SourceFile>);

impl SourceCode for SharedText {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, miette::MietteError> {
        let text = self.0.text.as_str();
        let contents =
            <str as SourceCode>::read_span(text, span, context_lines_before, context_lines_after)?;
        // miette counts the columns of the `[file:line:column]` header in bytes; wflint counts
        // characters everywhere, so the header agrees with the JSON and SARIF output.
        let start = self
            .0
            .lines
            .line_col(text, contents.span().offset(), ColumnUnit::Chars);
        Ok(Box::new(MietteSpanContents::new(
            contents.data(),
            *contents.span(),
            start.line - 1,
            start.column - 1,
            contents.line_count(),
        )))
    }
}

/// One finding seen as a miette diagnostic.
struct PrettyFinding<'a> {
    finding: &'a Finding,
    source: Option<NamedSource<SharedText>>,
    help: Option<String>,
}

impl<'a> PrettyFinding<'a> {
    fn new(finding: &'a Finding) -> Self {
        let diagnostic = &finding.diagnostic;
        let source = match (&finding.file, finding.span) {
            (Some(file), Some(_)) => Some(NamedSource::new(
                file.name.clone(),
                SharedText(file.clone()),
            )),
            _ => None,
        };
        let mut help = diagnostic.help.clone();
        if let Some(argo) = &diagnostic.argo_message {
            let note = format!("argo lint reports: {argo}");
            help = Some(match help {
                Some(text) => format!("{text}\n{note}"),
                None => note,
            });
        }
        Self {
            finding,
            source,
            help,
        }
    }
}

impl fmt::Debug for PrettyFinding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrettyFinding")
            .field("code", &self.finding.diagnostic.code())
            .finish_non_exhaustive()
    }
}

impl fmt::Display for PrettyFinding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.diagnostic.message)?;
        // Without a snippet, say where the finding is.
        if let (None, Some(file)) = (&self.source, &self.finding.file) {
            write!(f, " (in {})", file.name)?;
        }
        Ok(())
    }
}

impl std::error::Error for PrettyFinding<'_> {}

impl MietteDiagnostic for PrettyFinding<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.finding.diagnostic.code()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_deref()
            .map(|text| Box::new(text) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let span = self.finding.span?;
        let path = &self.finding.diagnostic.path;
        let primary_text = (!path.is_root()).then(|| path.to_string());
        let primary = LabeledSpan::new_primary_with_span(primary_text, span.range());
        let related = self
            .finding
            .diagnostic
            .related
            .iter()
            .zip(&self.finding.related_spans)
            .filter_map(|(related, span)| {
                span.map(|span| {
                    LabeledSpan::new_with_span(Some(related.message.clone()), span.range())
                })
            });
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

/// Renders one diagnostic with a handler.
struct Rendered<'a> {
    handler: &'a dyn ReportHandler,
    diagnostic: &'a dyn MietteDiagnostic,
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.handler.debug(self.diagnostic, f)
    }
}

/// Write every finding of `report`, then the summary.
pub(crate) fn render(
    report: &Report,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut handler = MietteHandlerOpts::new()
        .color(options.color)
        .unicode(true)
        .terminal_links(false)
        .force_graphical(true)
        .break_words(false)
        .context_lines(1);
    if let Some(width) = options.width {
        handler = handler.width(width);
    }
    let handler = handler.build();
    for finding in &report.findings {
        let diagnostic = PrettyFinding::new(finding);
        let rendered = Rendered {
            handler: &handler,
            diagnostic: &diagnostic,
        };
        writeln!(out, "{rendered}")?;
    }
    writeln!(out, "{}", summary(report, counts(report)))
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// `Found 1 error, 2 warnings and 0 infos in 3 files (4 objects).`
fn summary(report: &Report, counts: Counts) -> String {
    let scope = format!(
        "{} ({})",
        plural(report.files.len(), "file", "files"),
        plural(report.objects, "object", "objects")
    );
    if report.findings.is_empty() {
        return format!("No problems found in {scope}.");
    }
    format!(
        "Found {}, {} and {} in {scope}.",
        plural(counts.errors, "error", "errors"),
        plural(counts.warnings, "warning", "warnings"),
        plural(counts.infos, "info", "infos"),
    )
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::render::sample::sample_report;

    fn options(color: bool) -> RenderOptions {
        RenderOptions {
            color,
            width: Some(100),
            cwd: PathBuf::from("/repo"),
            tool_version: "0.0.0-test".into(),
        }
    }

    fn rendered(report: &Report, color: bool) -> String {
        let mut out = Vec::new();
        render(report, &options(color), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(rendered(&sample_report(), false));
    }

    #[test]
    fn colours_only_when_asked() {
        assert!(!rendered(&sample_report(), false).contains('\u{1b}'));
        assert!(rendered(&sample_report(), true).contains('\u{1b}'));
    }

    #[test]
    fn an_empty_report_says_so() {
        let report = Report {
            objects: 2,
            ..Report::default()
        };
        assert_eq!(
            rendered(&report, false),
            "No problems found in 0 files (2 objects).\n"
        );
    }
}
