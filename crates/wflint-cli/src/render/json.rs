//! `--format json`: the stable JSON contract, version 1.
//!
//! The wire structs below are the contract; they are filled from the engine's types but never
//! derived from them, so internal refactors cannot change the output. Lines and columns are
//! 1-based, columns count characters, and the end is exclusive.

use std::io::{self, Write};

use serde::Serialize;
use wflint_core::{Finding, Report};

use super::{counts, file_name, region};

/// The contract's version number.
pub(crate) const VERSION: u32 = 1;

#[derive(Debug, Serialize)]
struct JsonReport<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: JsonSummary,
}

#[derive(Debug, Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    argo_message: Option<&'a str>,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    path: String,
    object: Option<JsonObject<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct JsonObject<'a> {
    kind: &'a str,
    name: &'a str,
    namespace: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct JsonSummary {
    files: usize,
    objects: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

fn diagnostic(finding: &Finding) -> JsonDiagnostic<'_> {
    let at = region(finding);
    let diagnostic = &finding.diagnostic;
    JsonDiagnostic {
        code: diagnostic.code(),
        severity: diagnostic.severity.as_str(),
        message: &diagnostic.message,
        argo_message: diagnostic.argo_message.as_deref(),
        file: file_name(finding),
        line: at.line,
        column: at.column,
        end_line: at.end_line,
        end_column: at.end_column,
        path: diagnostic.path.to_string(),
        object: finding.object.as_ref().map(|object| JsonObject {
            kind: &object.kind,
            name: &object.name,
            namespace: object.namespace.as_deref(),
        }),
        help: diagnostic.help.as_deref(),
    }
}

/// Write `report` as one pretty-printed JSON document and a newline.
pub(crate) fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let counts = counts(report);
    let document = JsonReport {
        version: VERSION,
        diagnostics: report.findings.iter().map(diagnostic).collect(),
        summary: JsonSummary {
            files: report.files.len(),
            objects: report.objects,
            errors: counts.errors,
            warnings: counts.warnings,
            infos: counts.infos,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::sample::sample_report;

    fn rendered() -> String {
        let mut out = Vec::new();
        render(&sample_report(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(rendered());
    }

    #[test]
    fn follows_the_version_1_contract() {
        let value: serde_json::Value = serde_json::from_str(&rendered()).unwrap();
        assert_eq!(value["version"], 1);
        let first = &value["diagnostics"][0];
        let keys: Vec<&str> = first
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        for key in [
            "code",
            "severity",
            "message",
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "path",
            "object",
        ] {
            assert!(keys.contains(&key), "missing {key}");
        }
        let file_level = value["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["object"].is_null())
            .expect("a file-level finding");
        assert_eq!(file_level["path"], "");
        for d in value["diagnostics"].as_array().unwrap() {
            assert!(
                ["error", "warning", "info"].contains(&d["severity"].as_str().unwrap()),
                "{d}"
            );
            assert!(d["line"].as_u64().unwrap() >= 1 && d["column"].as_u64().unwrap() >= 1);
        }
        let summary = &value["summary"];
        for key in ["files", "objects", "errors", "warnings", "infos"] {
            assert!(summary[key].is_u64(), "summary.{key}");
        }
    }
}
