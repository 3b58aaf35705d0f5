//! Output formats of `wflint lint`: each renderer takes a [`Report`] and writes to any
//! [`Write`], so tests snapshot them from a hand-built report.

use std::{
    io::{self, Write},
    path::{Path, PathBuf},
};

use wflint_core::{
    Finding, Report, Severity,
    span::{ColumnUnit, Span},
};

use crate::args::Format;

pub(crate) mod github;
pub(crate) mod json;
pub(crate) mod pretty;
pub(crate) mod sarif;

#[cfg(test)]
pub(crate) mod sample;

/// What renderers need besides the report.
#[derive(Debug, Clone)]
pub(crate) struct RenderOptions {
    /// Colour pretty output.
    pub(crate) color: bool,
    /// Terminal width for pretty output (`None`: detect).
    pub(crate) width: Option<usize>,
    /// The working folder, which SARIF and GitHub paths are relative to.
    pub(crate) cwd: PathBuf,
    /// The version reported as the tool's.
    pub(crate) tool_version: String,
}

/// Write `report` in `format`.
pub(crate) fn render(
    format: Format,
    report: &Report,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Pretty => pretty::render(report, options, out),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, options, out),
        Format::Github => github::render(report, options, out),
    }
}

/// A finding's 1-based start and exclusive end, columns counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Region {
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) end_line: usize,
    pub(crate) end_column: usize,
}

/// Where `finding` is; 1:1 when it has no file or no span.
pub(crate) fn region(finding: &Finding) -> Region {
    match (&finding.file, finding.span) {
        (Some(file), Some(span)) => span_region(&file.text, &file.lines, span),
        _ => Region {
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
        },
    }
}

fn span_region(text: &str, lines: &wflint_core::span::LineIndex, span: Span) -> Region {
    let start = lines.line_col(text, span.start, ColumnUnit::Chars);
    let end = lines.line_col(text, span.end, ColumnUnit::Chars);
    Region {
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

/// The file name of a finding (`""` when it came without a file).
pub(crate) fn file_name(finding: &Finding) -> &str {
    finding
        .file
        .as_deref()
        .map_or("", |file| file.name.as_str())
}

/// `name` as a path relative to `cwd` with forward slashes, when it lies below `cwd`; else
/// the name as given (absolute paths stay absolute; `stdin` stays `stdin`).
pub(crate) fn relative_path(name: &str, cwd: &Path) -> String {
    let path = Path::new(name);
    let relative = if path.is_absolute() {
        path.strip_prefix(cwd).unwrap_or(path)
    } else {
        path.strip_prefix(".").unwrap_or(path)
    };
    let text = relative.to_string_lossy();
    if cfg!(windows) {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    }
}

/// Counts by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) errors: usize,
    pub(crate) warnings: usize,
    pub(crate) infos: usize,
}

/// The findings of `report` counted by severity.
pub(crate) fn counts(report: &Report) -> Counts {
    Counts {
        errors: report.count(Severity::Error),
        warnings: report.count(Severity::Warning),
        infos: report.count(Severity::Info),
    }
}
