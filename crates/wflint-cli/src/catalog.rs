//! `wflint rules` and `wflint explain`: the rule catalogue as a table, JSON or documentation.

use std::io::Write;

use serde::Serialize;
use wflint_core::rules::{self, Rule};

use crate::{
    args::{ExplainArgs, ListFormat, RulesArgs},
    error::CliError,
    output::write_stdout,
};

#[derive(Debug, Serialize)]
struct RuleEntry {
    code: &'static str,
    group: &'static str,
    default_severity: &'static str,
    summary: &'static str,
    url: String,
}

/// Print every rule.
pub(crate) fn list(args: &RulesArgs) -> Result<(), CliError> {
    let all: Vec<&'static Rule> = rules::all().collect();
    write_stdout(|out| match args.format {
        ListFormat::Pretty => write_table(&all, out),
        ListFormat::Json => {
            let entries: Vec<RuleEntry> = all
                .iter()
                .map(|rule| RuleEntry {
                    code: rule.code,
                    group: rule.group,
                    default_severity: rule.default_severity.as_str(),
                    summary: rule.summary,
                    url: rule.url(),
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &entries)?;
            writeln!(out)
        }
    })
}

fn write_table(all: &[&'static Rule], out: &mut dyn Write) -> std::io::Result<()> {
    let width = |f: fn(&Rule) -> &str, title: &str| {
        all.iter()
            .map(|rule| f(rule).len())
            .chain([title.len()])
            .max()
            .unwrap_or(0)
    };
    let code_width = width(|r| r.code, "CODE");
    let group_width = width(|r| r.group, "GROUP");
    writeln!(
        out,
        "{:<code_width$}  {:<group_width$}  {:<8}  SUMMARY",
        "CODE", "GROUP", "SEVERITY"
    )?;
    for rule in all {
        writeln!(
            out,
            "{:<code_width$}  {:<group_width$}  {:<8}  {}",
            rule.code,
            rule.group,
            rule.default_severity.as_str(),
            rule.summary
        )?;
    }
    Ok(())
}

/// Print one rule's documentation.
pub(crate) fn explain(args: &ExplainArgs) -> Result<(), CliError> {
    let code = args.code.trim();
    let rule = rules::by_code(code).ok_or_else(|| CliError::UnknownRule {
        code: code.to_string(),
        suggestion: rules::suggest(code),
    })?;
    write_stdout(|out| {
        writeln!(out, "# {}\n", rule.code)?;
        writeln!(
            out,
            "Group: {}. Default severity: {}. {}\n",
            rule.group,
            rule.default_severity,
            rule.url()
        )?;
        writeln!(out, "{}", rule.documentation())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_lists_every_rule_aligned() {
        let all: Vec<&'static Rule> = rules::all().collect();
        let mut out = Vec::new();
        write_table(&all, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), all.len() + 1);
        assert!(lines[0].starts_with("CODE"));
        let summary_column = lines[0].find("SUMMARY").unwrap();
        for (line, rule) in lines[1..].iter().zip(&all) {
            assert!(line.starts_with(rule.code));
            assert_eq!(&line[summary_column..], rule.summary);
        }
    }

    #[test]
    fn unknown_codes_get_a_suggestion() {
        let error = explain(&ExplainArgs {
            code: "unknown-feild".into(),
        })
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown rule `unknown-feild` (did you mean `unknown-field`?)"
        );
    }
}
