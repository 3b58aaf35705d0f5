//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it.
//!
//! Hand-rolled serde structs for the small part of the schema wflint fills: one run, the rules
//! that fired (with their documentation), and one result per finding with a physical location
//! relative to the working folder. Columns count Unicode code points.

use std::{
    collections::BTreeMap,
    io::{self, Write},
};

use serde::Serialize;
use wflint_core::{Finding, Report, Severity, rules::Rule, span::ColumnUnit};

use super::{RenderOptions, region, relative_path};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/wflint/wflint";
/// The base every artifact URI is relative to (the checkout root, for GitHub).
const SRCROOT: &str = "%SRCROOT%";

#[derive(Debug, Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Debug, Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    semantic_version: &'a str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: String,
    short_description: Message,
    full_description: Message,
    help: MultiformatMessage,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Debug, Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Debug, Serialize)]
struct Message {
    text: String,
}

#[derive(Debug, Serialize)]
struct MultiformatMessage {
    text: String,
    markdown: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: Vec<Location<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties<'a>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    argo_message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    object: Option<String>,
    #[serde(skip_serializing_if = "str::is_empty")]
    path: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation<'a> {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'a str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn descriptor(rule: &'static Rule) -> ReportingDescriptor {
    let documentation = rule.documentation();
    ReportingDescriptor {
        id: rule.code,
        name: rule
            .code
            .split('-')
            .map(|word| {
                let mut chars = word.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_ascii_uppercase().to_string() + chars.as_str()
                })
            })
            .collect(),
        short_description: Message {
            text: rule.summary.to_string(),
        },
        full_description: Message {
            text: first_paragraph(&documentation),
        },
        help: MultiformatMessage {
            text: documentation.clone(),
            markdown: documentation,
        },
        help_uri: rule.url(),
        default_configuration: Configuration {
            level: level(rule.default_severity),
        },
        properties: RuleProperties {
            tags: vec![rule.group],
        },
    }
}

/// The text under `## What it does`, else the whole documentation.
fn first_paragraph(documentation: &str) -> String {
    let body = documentation
        .split("## What it does")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap_or(documentation);
    body.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A relative path as a URI reference: `/`-separated, with characters that URIs reserve
/// percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char);
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn location<'a>(
    finding: &Finding,
    span: Option<wflint_core::span::Span>,
    options: &RenderOptions,
) -> Location<'a> {
    let name = super::file_name(finding);
    let at = match (&finding.file, span) {
        (Some(file), Some(span)) => {
            let start = file
                .lines
                .line_col(&file.text, span.start, ColumnUnit::Chars);
            let end = file.lines.line_col(&file.text, span.end, ColumnUnit::Chars);
            Region {
                start_line: start.line,
                start_column: start.column,
                end_line: end.line,
                end_column: end.column,
            }
        }
        _ => {
            let at = region(finding);
            Region {
                start_line: at.line,
                start_column: at.column,
                end_line: at.end_line,
                end_column: at.end_column,
            }
        }
    };
    let path = relative_path(name, &options.cwd);
    // A file outside the working folder can only be named by an absolute `file:` URI.
    let artifact_location = if path.starts_with('/') {
        ArtifactLocation {
            uri: format!("file://{}", uri(&path)),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: uri(&path),
            uri_base_id: Some(SRCROOT),
        }
    };
    Location {
        id: None,
        physical_location: PhysicalLocation {
            artifact_location,
            region: at,
        },
        message: None,
    }
}

/// Write `report` as a SARIF log with one run.
pub(crate) fn render(
    report: &Report,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut rules: BTreeMap<&'static str, &'static Rule> = BTreeMap::new();
    for finding in &report.findings {
        rules.insert(finding.diagnostic.code(), finding.diagnostic.rule);
    }
    let rule_index: BTreeMap<&str, usize> = rules
        .keys()
        .enumerate()
        .map(|(index, code)| (*code, index))
        .collect();
    let results = report
        .findings
        .iter()
        .map(|finding| {
            let diagnostic = &finding.diagnostic;
            let related_locations = diagnostic
                .related
                .iter()
                .zip(&finding.related_spans)
                .enumerate()
                .filter_map(|(index, (related, span))| {
                    span.map(|span| Location {
                        id: Some(index),
                        message: Some(Message {
                            text: related.message.clone(),
                        }),
                        ..location(finding, Some(span), options)
                    })
                })
                .collect();
            SarifResult {
                rule_id: diagnostic.code(),
                rule_index: rule_index.get(diagnostic.code()).copied().unwrap_or(0),
                level: level(diagnostic.severity),
                message: Message {
                    text: diagnostic.message.clone(),
                },
                locations: vec![location(finding, finding.span, options)],
                related_locations,
                properties: Some(ResultProperties {
                    argo_message: diagnostic.argo_message.as_deref(),
                    help: diagnostic.help.as_deref(),
                    object: finding
                        .object
                        .as_ref()
                        .map(|object| match &object.namespace {
                            Some(ns) => format!("{} {ns}/{}", object.kind, object.name),
                            None => format!("{} {}", object.kind, object.name),
                        }),
                    path: diagnostic.path.to_string(),
                }),
            }
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "wflint",
                    version: &options.tool_version,
                    semantic_version: &options.tool_version,
                    information_uri: INFORMATION_URI,
                    rules: rules.values().map(|rule| descriptor(rule)).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::render::sample::sample_report;

    fn rendered() -> String {
        let options = RenderOptions {
            color: false,
            width: None,
            cwd: PathBuf::from("/repo"),
            tool_version: "0.0.0-test".into(),
        };
        let mut out = Vec::new();
        render(&sample_report(), &options, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(rendered());
    }

    #[test]
    fn has_what_github_code_scanning_requires() {
        let log: serde_json::Value = serde_json::from_str(&rendered()).unwrap();
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "wflint");
        let rules = driver["rules"].as_array().unwrap();
        for result in run["results"].as_array().unwrap() {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], result["ruleId"]);
            assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
            let location = &result["locations"][0]["physicalLocation"];
            let uri = location["artifactLocation"]["uri"].as_str().unwrap();
            assert!(!uri.starts_with('/') && !uri.contains('\\'), "{uri}");
            assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
        }
        for rule in rules {
            assert!(rule["helpUri"].as_str().unwrap().starts_with("https://"));
            assert!(!rule["fullDescription"]["text"].as_str().unwrap().is_empty());
        }
    }

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(
            uri(&relative_path(
                "/repo/a dir/wf#1.yaml",
                &PathBuf::from("/repo")
            )),
            "a%20dir/wf%231.yaml"
        );
        assert_eq!(
            uri(&relative_path("./x/y.yaml", &PathBuf::from("/repo"))),
            "x/y.yaml"
        );
        let report = Report {
            findings: vec![Finding {
                file: Some(std::sync::Arc::new(
                    wflint_core::diagnostic::SourceFile::new("/elsewhere/wf.yaml", "a: 1\n"),
                )),
                ..sample_report().findings.remove(0)
            }],
            ..Report::default()
        };
        let options = RenderOptions {
            color: false,
            width: None,
            cwd: PathBuf::from("/repo"),
            tool_version: "0".into(),
        };
        let mut out = Vec::new();
        render(&report, &options, &mut out).unwrap();
        let log: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let artifact =
            &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uri"], "file:///elsewhere/wf.yaml");
        assert!(artifact.get("uriBaseId").is_none());
    }
}
