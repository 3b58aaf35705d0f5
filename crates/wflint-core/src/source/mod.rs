//! Reading manifests: files → documents → JSON values, with a span for every key and value.
//!
//! PLACEHOLDER implementation (JSON only); the YAML reader replaces it behind the same API.

use std::sync::Arc;

use crate::{
    diagnostic::{SourceFile, Target},
    path::FieldPath,
    rules::{self, Rule},
    span::Span,
};

/// Safety limits for reading input.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_bytes: usize,
    /// Deepest nesting of collections.
    pub max_depth: usize,
    /// Most nodes a document may have after alias expansion.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 16 * 1024 * 1024,
            max_depth: 256,
            max_nodes: 2_000_000,
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

/// One document of a file.
#[derive(Debug, Clone)]
pub struct Document {
    /// 0-based position in the file.
    pub index: usize,
    /// Span of the document's content.
    pub span: Span,
    /// The document as JSON (`Null` if it could not be read at all).
    pub value: serde_json::Value,
}

impl Document {
    /// Span of the node at `path` (key, value or both), or of its deepest existing ancestor.
    pub fn locate(&self, _path: &FieldPath, _target: Target) -> Option<Span> {
        Some(self.span)
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
pub fn parse(name: &str, bytes: &[u8], _limits: &Limits) -> ParsedFile {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let source = Arc::new(SourceFile::new(name, text));
    let mut documents = Vec::new();
    let mut problems = Vec::new();
    match serde_json::from_str::<serde_json::Value>(&source.text) {
        Ok(value) => documents.push(Document {
            index: 0,
            span: Span::new(0, source.text.len()),
            value,
        }),
        Err(e) => problems.push(Problem {
            rule: &rules::syntax::YAML_SYNTAX,
            message: e.to_string(),
            span: Span::point(0),
            related: None,
            document: Some(0),
        }),
    }
    ParsedFile {
        source,
        documents,
        problems,
        comments: Vec::new(),
    }
}
