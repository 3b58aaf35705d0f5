//! Reading manifests: files → documents → JSON values, with a span for every key and value.
//!
//! One parse per file (granit-parser events) yields, per document, the `serde_json::Value` the
//! rules work on and a [`Node`] tree of the same shape holding byte spans, so any
//! [`FieldPath`] can be placed at its exact key or value. Broken input never panics and is never
//! dropped silently: it becomes a [`Problem`] under a `syntax` rule, and the other documents of
//! the file are still read.

mod scalar;
mod yaml;

use std::sync::Arc;

use crate::{
    diagnostic::{SourceFile, Target},
    path::{FieldPath, Segment},
    rules::{self, Rule},
    span::Span,
};

/// Safety limits for reading input.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_bytes: usize,
    /// Deepest nesting of collections (at most 255).
    pub max_depth: usize,
    /// Most nodes a document may have after alias expansion.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 16 * 1024 * 1024,
            max_depth: 200,
            max_nodes: 1_000_000,
        }
    }
}

/// A comment in the source (`# ...`), for suppressions.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    /// Span of the whole comment including `#`.
    pub span: Span,
    /// Text after `#`.
    pub text: String,
    /// Whether nothing but whitespace precedes it on its line.
    pub own_line: bool,
}

/// A problem found while reading (reported under a `syntax` rule).
#[derive(Debug, Clone)]
pub struct Problem {
    /// The rule (`yaml-syntax`, `duplicate-key`, ...).
    pub rule: &'static Rule,
    /// What went wrong.
    pub message: String,
    /// Where.
    pub span: Span,
    /// A secondary location (e.g. the first occurrence of a duplicate key).
    pub related: Option<(Span, String)>,
    /// Index of the document it belongs to, if any.
    pub document: Option<usize>,
}

/// A node of the spanned tree that mirrors a document's JSON value.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Span of the node's text (for an alias: the `*name` token).
    pub span: Span,
    /// Its shape.
    pub kind: NodeKind,
}

/// The shape of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A scalar (its value is in the JSON value).
    Scalar,
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, entries in source order (merged entries last).
    Map(Vec<Entry>),
}

/// One entry of a mapping node.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key text.
    pub key: Box<str>,
    /// Span of the key.
    pub key_span: Span,
    /// The value.
    pub value: Node,
}

impl Node {
    /// The entry with this key, if this is a mapping that has it.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.kind {
            NodeKind::Map(entries) => entries.iter().find(|e| &*e.key == key),
            _ => None,
        }
    }

    /// The item at this index, if this is a sequence that long.
    pub fn item(&self, index: usize) -> Option<&Node> {
        match &self.kind {
            NodeKind::Seq(items) => items.get(index),
            _ => None,
        }
    }
}

/// One document of a file.
#[derive(Debug, Clone)]
pub struct Document {
    /// 0-based position in the file (counting documents that failed to parse).
    pub index: usize,
    /// Span of the document's content.
    pub span: Span,
    /// The document as JSON (`Null` for an empty document).
    pub value: serde_json::Value,
    /// Spans of every key and value.
    pub tree: Node,
}

impl Document {
    /// Span of the node at `path` (its key, value or both), or, when the path does not exist, a
    /// short span at its deepest existing ancestor (the key that holds it, or the `name` of the
    /// list item that holds it).
    pub fn locate(&self, path: &FieldPath, target: Target) -> Option<Span> {
        if path.is_root() {
            // The whole object is rarely useful to underline: point at its first key.
            if let NodeKind::Map(entries) = &self.tree.kind {
                return Some(entries.first().map_or(self.tree.span, |e| e.key_span));
            }
        }
        let mut node = &self.tree;
        let mut entry: Option<&Entry> = None;
        let mut in_item = false;
        for segment in path.segments() {
            let next = match segment {
                Segment::Key(key) => node.entry(key).map(|e| (&e.value, Some(e))),
                Segment::Index(i) => node.item(*i).map(|n| (n, None)),
            };
            match next {
                Some((child, child_entry)) => {
                    in_item = child_entry.is_none();
                    entry = child_entry;
                    node = child;
                }
                None => return Some(missing_child_span(node, entry, in_item)),
            }
        }
        Some(match (target, entry) {
            (Target::Value, _) | (_, None) => node.span,
            (Target::Key, Some(e)) => e.key_span,
            (Target::Entry, Some(e)) => e.key_span.cover(e.value.span),
        })
    }
}

fn missing_child_span(node: &Node, entry: Option<&Entry>, in_item: bool) -> Span {
    if let Some(entry) = entry {
        return entry.key_span;
    }
    if let (true, NodeKind::Map(entries)) = (in_item, &node.kind) {
        let named = entries
            .iter()
            .find(|e| &*e.key == "name")
            .or(entries.first());
        if let Some(e) = named {
            return e.key_span.cover(e.value.span);
        }
    }
    match &node.kind {
        NodeKind::Map(entries) => entries.first().map_or(node.span, |e| e.key_span),
        _ => node.span,
    }
}

/// A file read into documents.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    /// The source text.
    pub source: Arc<SourceFile>,
    /// The documents, in order (documents that failed to parse are absent).
    pub documents: Vec<Document>,
    /// Problems found while reading.
    pub problems: Vec<Problem>,
    /// Comments of the whole file.
    pub comments: Vec<Comment>,
}

/// Read `bytes` (a YAML or JSON file named `name`) into documents.
pub fn parse(name: &str, bytes: &[u8], limits: &Limits) -> ParsedFile {
    if bytes.len() > limits.max_file_bytes {
        return ParsedFile {
            source: Arc::new(SourceFile::new(name, String::new())),
            documents: Vec::new(),
            problems: vec![Problem {
                rule: &rules::syntax::INPUT_LIMIT,
                message: format!(
                    "the file has {} bytes, more than the limit of {} bytes; it was not read",
                    bytes.len(),
                    limits.max_file_bytes
                ),
                span: Span::point(0),
                related: None,
                document: None,
            }],
            comments: Vec::new(),
        };
    }
    let mut problems = Vec::new();
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(error) => {
            let offset = error.valid_up_to();
            problems.push(Problem {
                rule: &rules::syntax::INVALID_ENCODING,
                message: format!(
                    "the file is not valid UTF-8 (first bad byte at offset {offset}); invalid bytes were replaced by U+FFFD"
                ),
                span: Span::new(offset, offset + 1),
                related: None,
                document: None,
            });
            String::from_utf8_lossy(bytes).into_owned()
        }
    };
    let mut parsed = yaml::parse_text(&text, limits);
    if name.ends_with(".json") && parsed.problems.iter().any(|p| p.rule.code == "yaml-syntax") {
        // JSON that the YAML reader rejects (rare: e.g. tabs in odd places) is still JSON.
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
            let span = Span::new(0, text.len());
            parsed.problems.clear();
            parsed.documents = vec![Document {
                index: 0,
                span,
                value,
                tree: Node {
                    span,
                    kind: NodeKind::Scalar,
                },
            }];
        }
    }
    problems.append(&mut parsed.problems);
    problems.sort_by_key(|p| p.span.start);
    ParsedFile {
        source: Arc::new(SourceFile::new(name, text)),
        documents: parsed.documents,
        problems,
        comments: parsed.comments,
    }
}

#[cfg(test)]
mod tests;
