//! Quick fixes as byte edits: a diagnostic's symbolic [`Fix`] resolved against the document's span
//! tree, and the "ignore this finding" comment.
//!
//! A fix is only offered when its target can be found exactly and its source text reads back as
//! the value the linter saw: a key that came from a merge (`<<`) or a value behind an alias lives
//! elsewhere in the file, and editing the text at its span would change something else.

use wflint_core::{
    Finding,
    diagnostic::{Edit, Fix},
    engine::{objects_in, suppression_codes},
    path::{FieldPath, Segment},
    source::{self, Comment, Document, Entry, Limits, Node, NodeKind, ParsedFile},
    span::Span,
};

/// Replace the bytes of `span` with `new_text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ByteEdit {
    pub(crate) span: Span,
    pub(crate) new_text: String,
}

/// The edits of `fix` for `finding`, or `None` when one of them cannot be placed safely.
pub(crate) fn resolve_fix(
    fix: &Fix,
    finding: &Finding,
    file: &ParsedFile,
) -> Option<Vec<ByteEdit>> {
    let (document, base) = owner(finding, file)?;
    let text = &file.source.text;
    fix.edits
        .iter()
        .map(|edit| match edit {
            Edit::RenameKey { path, new_key } => {
                let (_, entry) = walk(document, &base.join(path))?;
                let entry = entry?;
                let raw = text.get(entry.key_span.range())?;
                scalar_reads_as(raw, &entry.key).then(|| ByteEdit {
                    span: entry.key_span,
                    new_text: render_like(raw, new_key),
                })
            }
            Edit::ReplaceValue { path, new_value } => {
                let full = base.join(path);
                let (node, _) = walk(document, &full)?;
                if !matches!(node.kind, NodeKind::Scalar) {
                    return None;
                }
                let current = match full.lookup(&document.value)? {
                    serde_json::Value::String(s) => s.clone(),
                    other @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_)) => {
                        other.to_string()
                    }
                    _ => return None,
                };
                let raw = text.get(node.span.range())?;
                scalar_reads_as(raw, &current).then(|| ByteEdit {
                    span: node.span,
                    new_text: render_like(raw, new_value),
                })
            }
        })
        .collect()
}

/// The document holding `finding` and the path of its object inside that document (the root,
/// or an item of a `kind: List`).
fn owner<'f>(finding: &Finding, file: &'f ParsedFile) -> Option<(&'f Document, FieldPath)> {
    let span = finding.span?;
    let document = file
        .documents
        .iter()
        .find(|d| d.span.start <= span.start && span.end <= d.span.end)?;
    let diagnostic = &finding.diagnostic;
    let base = objects_in(&document.value)
        .into_iter()
        .map(|(_, _, base)| base)
        .find(|base| {
            document.locate(&base.join(&diagnostic.path), diagnostic.target) == Some(span)
        })?;
    Some((document, base))
}

/// The node at exactly `path` and the mapping entry it is the value of (no fallback to an
/// ancestor, unlike [`Document::locate`]). Entries merged in with `<<` are written elsewhere
/// (outside their mapping's text), so they are not found.
fn walk<'d>(document: &'d Document, path: &FieldPath) -> Option<(&'d Node, Option<&'d Entry>)> {
    let mut node = &document.tree;
    let mut entry = None;
    for segment in path.segments() {
        match segment {
            Segment::Key(key) => {
                let found = node.entry(key)?;
                let inside =
                    node.span.start <= found.key_span.start && found.key_span.end <= node.span.end;
                if !inside {
                    return None;
                }
                entry = Some(found);
                node = &found.value;
            }
            Segment::Index(index) => {
                node = node.item(*index)?;
                entry = None;
            }
        }
    }
    Some((node, entry))
}

/// Whether the source text of a scalar (plain, single- or double-quoted) reads as `expected`.
fn scalar_reads_as(raw: &str, expected: &str) -> bool {
    if raw.contains('\n') {
        return false;
    }
    if raw.starts_with('"') {
        serde_json::from_str::<String>(raw).is_ok_and(|s| s == expected)
    } else if let Some(inner) = raw.strip_prefix('\'') {
        inner
            .strip_suffix('\'')
            .is_some_and(|inner| inner.replace("''", "'") == expected)
    } else {
        raw == expected
    }
}

/// `value` written in the quoting style of `original` where that style can hold it: plain only
/// when YAML reads it back as the same string (in block and flow context), single quotes only
/// for one line of printable text, double quotes otherwise.
pub(crate) fn render_like(original: &str, value: &str) -> String {
    let printable = !value.chars().any(char::is_control);
    if original.starts_with('\'') && printable {
        return format!("'{}'", value.replace('\'', "''"));
    }
    if !original.starts_with('"') && !original.starts_with('\'') && plain_is_safe(value) {
        return value.to_string();
    }
    serde_json::Value::String(value.to_string()).to_string()
}

fn plain_is_safe(value: &str) -> bool {
    let simple = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-'));
    if !simple {
        return false;
    }
    // The same reader the linter uses decides: `true`, `0755`, `1e3`, `~` are not strings.
    let probe = format!("{value}: {value}\n");
    let parsed = source::parse("probe.yaml", probe.as_bytes(), &Limits::default());
    parsed.problems.is_empty()
        && parsed
            .documents
            .first()
            .is_some_and(|d| d.value.get(value).and_then(serde_json::Value::as_str) == Some(value))
}

/// The edit that silences `code` for the finding starting at byte `start`: the code is added to
/// a `# wflint: ignore[...]` comment already on that line or on its own line just above,
/// otherwise a new comment line is inserted above, indented like the finding's line.
pub(crate) fn ignore_edit(code: &str, start: usize, file: &ParsedFile) -> ByteEdit {
    let text = &file.source.text;
    let lines = &file.source.lines;
    let line = lines.line_of(start);
    let existing = file.comments.iter().find(|comment| {
        let comment_line = lines.line_of(comment.span.start);
        let applies = comment_line == line || (comment.own_line && comment_line + 1 == line);
        applies && suppression_codes(&comment.text).is_some()
    });
    if let Some(at) = existing.and_then(|comment| closing_bracket(comment, text)) {
        return ByteEdit {
            span: Span::point(at),
            new_text: format!(", {code}"),
        };
    }
    let line_start = lines.line_start(line);
    let line_text = text.get(lines.line_range(line, text)).unwrap_or("");
    let indent_len = line_text.len() - line_text.trim_start_matches([' ', '\t']).len();
    let indent = line_text.get(..indent_len).unwrap_or("");
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    ByteEdit {
        span: Span::point(line_start),
        new_text: format!("{indent}# wflint: ignore[{code}]{newline}"),
    }
}

/// Byte offset of the `]` closing the code list of a suppression comment.
fn closing_bracket(comment: &Comment, text: &str) -> Option<usize> {
    let body = text.get(comment.span.range())?;
    let open = body.find("ignore[")?;
    let close = body[open..].find(']')? + open;
    Some(comment.span.start + close)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendering_keeps_the_quoting_style_and_quotes_what_plain_yaml_would_misread() {
        assert_eq!(render_like("image", "container"), "container");
        assert_eq!(render_like("\"image\"", "container"), "\"container\"");
        assert_eq!(render_like("'a'", "it's"), "'it''s'");
        assert_eq!(render_like("key", "true"), "\"true\"");
        assert_eq!(render_like("key", "0755"), "\"0755\"");
        assert_eq!(render_like("key", "a: b"), "\"a: b\"");
        assert_eq!(render_like("key", "{{x}}"), "\"{{x}}\"");
        assert_eq!(render_like("'a'", "line\nbreak"), "\"line\\nbreak\"");
        assert_eq!(render_like("x", "path/out.tgz"), "path/out.tgz");
    }

    #[test]
    fn scalars_read_back_in_every_style() {
        assert!(scalar_reads_as("name", "name"));
        assert!(scalar_reads_as("\"na\\\"me\"", "na\"me"));
        assert!(scalar_reads_as("'it''s'", "it's"));
        assert!(!scalar_reads_as("*alias", "name"));
    }

    fn parse(text: &str) -> ParsedFile {
        source::parse("t.yaml", text.as_bytes(), &Limits::default())
    }

    fn apply(text: &str, edit: &ByteEdit) -> String {
        let mut out = text.to_string();
        out.replace_range(edit.span.range(), &edit.new_text);
        out
    }

    #[test]
    fn ignore_comment_goes_above_with_the_line_indent() {
        let text = "a:\n  b: 1\n";
        let file = parse(text);
        let start = text.find("b:").unwrap();
        let edit = ignore_edit("unknown-field", start, &file);
        assert_eq!(
            apply(text, &edit),
            "a:\n  # wflint: ignore[unknown-field]\n  b: 1\n"
        );
    }

    #[test]
    fn ignore_code_joins_an_existing_comment_on_the_line_or_above() {
        let text = "a:\n  b: 1 # wflint: ignore[x]\n  # wflint: ignore[y] why\n  c: 2\n";
        let file = parse(text);
        let on_line = ignore_edit("z", text.find("b:").unwrap(), &file);
        assert!(apply(text, &on_line).contains("b: 1 # wflint: ignore[x, z]\n"));
        let above = ignore_edit("z", text.find("c:").unwrap(), &file);
        assert!(apply(text, &above).contains("  # wflint: ignore[y, z] why\n  c: 2"));
    }
}
