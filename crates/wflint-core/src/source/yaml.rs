//! YAML events (granit-parser) → per-document JSON values plus a spanned tree of the same shape.
//!
//! Handles anchors/aliases (bounded expansion), `<<` merge keys, duplicate keys (last wins, and
//! reported), complex keys, and recovers after a syntax error at the next document boundary.

use std::collections::HashMap;

use granit_parser::{ErrorKind, Event, Options, Parser, ScalarStyle, ScanError, StructureStyle};
use serde_json::{Map, Value};

use super::{Comment, Document, Entry, Limits, Node, NodeKind, Problem, scalar::resolve_plain};
use crate::{rules::syntax, span::Span};

/// Everything read from one text.
pub(crate) struct Parsed {
    pub(crate) documents: Vec<Document>,
    pub(crate) problems: Vec<Problem>,
    pub(crate) comments: Vec<Comment>,
}

struct Built {
    value: Value,
    node: Node,
    size: usize,
}

struct PendingKey {
    text: String,
    span: Span,
    merge: bool,
}

enum Frame {
    Seq {
        start: usize,
        end: usize,
        flow: bool,
        anchor: usize,
        values: Vec<Value>,
        nodes: Vec<Node>,
        size: usize,
    },
    Map {
        start: usize,
        end: usize,
        flow: bool,
        anchor: usize,
        values: Map<String, Value>,
        entries: Vec<Entry>,
        size: usize,
        key: Option<PendingKey>,
        merges: Vec<Built>,
    },
}

struct DocState {
    start: usize,
    stack: Vec<Frame>,
    root: Option<Built>,
    nodes: usize,
    aliased: usize,
    anchors: HashMap<usize, Built>,
}

impl DocState {
    fn new(start: usize) -> Self {
        Self {
            start,
            stack: Vec::new(),
            root: None,
            nodes: 0,
            aliased: 0,
            anchors: HashMap::new(),
        }
    }
}

/// Why a document was abandoned.
enum Abort {
    Limit(String, Span),
}

/// Kubernetes' YAML reader refuses documents that are mostly aliases once they are large; the
/// allowed share shrinks from 99% at 400k nodes to 10% at 4M (yaml.v2's `allowedAliasRatio`).
fn alias_ratio_exceeded(nodes: usize, aliased: usize) -> bool {
    if aliased <= 100 || nodes <= 1000 {
        return false;
    }
    let ratio = match nodes {
        0..=400_000 => 0.99,
        4_000_000.. => 0.10,
        n => 0.99 - 0.89 * ((n - 400_000) as f64 / 3_600_000.0),
    };
    aliased as f64 / nodes as f64 > ratio
}

pub(crate) fn parse_text(text: &str, limits: &Limits) -> Parsed {
    let mut options = Options::default();
    options.max_buffered_comment_events = 100_000;
    let limit = limits.max_depth.clamp(1, u8::MAX as usize);
    options.flow_nesting_limit = limit;
    options.block_nesting_limit = limit;
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut out = Parsed {
        documents: Vec::new(),
        problems: Vec::new(),
        comments: Vec::new(),
    };
    let mut doc: Option<DocState> = None;
    let mut doc_index = 0usize;

    while let Some(next) = parser.next_event() {
        let result = match next {
            Ok((event, span)) => {
                let span = to_span(text, &span);
                handle_event(
                    text,
                    event,
                    span,
                    &mut doc,
                    &mut doc_index,
                    &mut out,
                    limits,
                )
            }
            Err(error) => {
                record_scan_error(text, &error, doc_index, &mut out);
                Err(None)
            }
        };
        match result {
            Ok(true) => break,
            Ok(false) => {}
            Err(abort) => {
                if let Some(Abort::Limit(message, span)) = abort {
                    out.problems.push(Problem {
                        rule: &syntax::INPUT_LIMIT,
                        message,
                        span,
                        related: None,
                        document: Some(doc_index),
                    });
                }
                doc = None;
                doc_index += 1;
                match parser.proceed_next_document() {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(error) => {
                        record_scan_error(text, &error, doc_index, &mut out);
                        break;
                    }
                }
            }
        }
    }
    out
}

fn record_scan_error(text: &str, error: &ScanError, doc_index: usize, out: &mut Parsed) {
    let marker = error.marker();
    let offset = marker
        .byte_offset()
        .unwrap_or_else(|| char_to_byte(text, marker.index()));
    let rule = match error.kind() {
        ErrorKind::RecursionLimitExceeded => &syntax::INPUT_LIMIT,
        _ => &syntax::YAML_SYNTAX,
    };
    let mut message = error.info();
    if message.is_empty() {
        message = "invalid YAML".to_string();
    }
    out.problems.push(Problem {
        rule,
        message,
        span: Span::point(offset.min(text.len())),
        related: None,
        document: Some(doc_index),
    });
}

fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i)
}

fn to_span(text: &str, span: &granit_parser::Span) -> Span {
    let start = span
        .start
        .byte_offset()
        .unwrap_or_else(|| char_to_byte(text, span.start.index()));
    let end = span
        .end
        .byte_offset()
        .unwrap_or_else(|| char_to_byte(text, span.end.index()));
    Span::new(start.min(text.len()), end.min(text.len()))
}

/// Returns `Ok(true)` at the end of the stream, `Err` when the document must be abandoned.
fn handle_event(
    text: &str,
    event: Event<'_>,
    span: Span,
    doc: &mut Option<DocState>,
    doc_index: &mut usize,
    out: &mut Parsed,
    limits: &Limits,
) -> Result<bool, Option<Abort>> {
    match event {
        Event::StreamEnd => Ok(true),
        Event::Comment(body, _) => {
            let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
            let own_line = text[line_start..span.start].trim().is_empty();
            out.comments.push(Comment {
                span,
                text: body.into_owned(),
                own_line,
            });
            Ok(false)
        }
        Event::DocumentStart(..) => {
            *doc = Some(DocState::new(span.end));
            Ok(false)
        }
        Event::DocumentEnd => {
            if let Some(state) = doc.take() {
                let (value, tree) = match state.root {
                    Some(root) => (root.value, root.node),
                    None => (
                        Value::Null,
                        Node {
                            span: Span::point(state.start),
                            kind: NodeKind::Scalar,
                        },
                    ),
                };
                let span = tree.span;
                out.documents.push(Document {
                    index: *doc_index,
                    span,
                    value,
                    tree,
                });
            }
            *doc_index += 1;
            Ok(false)
        }
        Event::Scalar(value, style, anchor, _tag) => {
            let state = doc.as_mut().ok_or(None)?;
            let plain = style == ScalarStyle::Plain;
            let key_text = value.clone().into_owned();
            let value = if plain {
                resolve_plain(&value)
            } else {
                Value::String(value.into_owned())
            };
            let built = Built {
                value,
                node: Node {
                    span,
                    kind: NodeKind::Scalar,
                },
                size: 1,
            };
            if anchor != 0 {
                state.anchors.insert(anchor, clone_built(&built));
            }
            count(state, 1, 0, span, limits)?;
            deliver(state, built, Some(key_text), plain, out, *doc_index)
        }
        Event::Alias(id) => {
            let state = doc.as_mut().ok_or(None)?;
            let Some(target) = state.anchors.get(&id) else {
                return Err(Some(Abort::Limit(
                    "alias refers to an unknown anchor".to_string(),
                    span,
                )));
            };
            let mut built = clone_built(target);
            built.node.span = span;
            let size = built.size;
            count(state, size, size, span, limits)?;
            deliver(state, built, None, false, out, *doc_index)
        }
        Event::SequenceStart(style, anchor, _) => {
            let state = doc.as_mut().ok_or(None)?;
            state.stack.push(Frame::Seq {
                start: span.start,
                end: span.end,
                flow: style == StructureStyle::Flow,
                anchor,
                values: Vec::new(),
                nodes: Vec::new(),
                size: 1,
            });
            count(state, 1, 0, span, limits)?;
            Ok(false)
        }
        Event::MappingStart(style, anchor, _) => {
            let state = doc.as_mut().ok_or(None)?;
            state.stack.push(Frame::Map {
                start: span.start,
                end: span.end,
                flow: style == StructureStyle::Flow,
                anchor,
                values: Map::new(),
                entries: Vec::new(),
                size: 1,
                key: None,
                merges: Vec::new(),
            });
            count(state, 1, 0, span, limits)?;
            Ok(false)
        }
        Event::SequenceEnd | Event::MappingEnd => {
            let state = doc.as_mut().ok_or(None)?;
            let frame = state.stack.pop().ok_or(None)?;
            let (built, anchor) = finish_frame(frame, span, out, *doc_index);
            if anchor != 0 {
                state.anchors.insert(anchor, clone_built(&built));
            }
            deliver(state, built, None, false, out, *doc_index)
        }
        // Stream start, anchor metadata, unresolved aliases (not emitted with our options).
        _ => Ok(false),
    }
}

fn count(
    state: &mut DocState,
    nodes: usize,
    aliased: usize,
    span: Span,
    limits: &Limits,
) -> Result<(), Option<Abort>> {
    state.nodes += nodes;
    state.aliased += aliased;
    if state.nodes > limits.max_nodes {
        return Err(Some(Abort::Limit(
            format!(
                "the document has more than {} nodes (after alias expansion)",
                limits.max_nodes
            ),
            span,
        )));
    }
    if alias_ratio_exceeded(state.nodes, state.aliased) {
        return Err(Some(Abort::Limit(
            "the document contains excessive aliasing (an alias expansion bomb?)".to_string(),
            span,
        )));
    }
    Ok(())
}

fn clone_built(built: &Built) -> Built {
    Built {
        value: built.value.clone(),
        node: built.node.clone(),
        size: built.size,
    }
}

fn finish_frame(
    frame: Frame,
    end_span: Span,
    out: &mut Parsed,
    doc_index: usize,
) -> (Built, usize) {
    match frame {
        Frame::Seq {
            start,
            end,
            flow,
            anchor,
            values,
            nodes,
            size,
        } => {
            let end = if flow {
                end_span.end
            } else {
                nodes.last().map_or(end, |n| n.span.end)
            };
            let node = Node {
                span: Span::new(start, end.max(start)),
                kind: NodeKind::Seq(nodes),
            };
            (
                Built {
                    value: Value::Array(values),
                    node,
                    size,
                },
                anchor,
            )
        }
        Frame::Map {
            start,
            end,
            flow,
            anchor,
            mut values,
            mut entries,
            mut size,
            key,
            merges,
        } => {
            if let Some(key) = key {
                // A key without value (`key:` at the end) never reaches here: the parser emits
                // an empty scalar. Keep whatever we have.
                values.insert(key.text.clone(), Value::Null);
                entries.push(Entry {
                    key: key.text.into_boxed_str(),
                    key_span: key.span,
                    value: Node {
                        span: Span::point(key.span.end),
                        kind: NodeKind::Scalar,
                    },
                });
            }
            for merge in merges {
                apply_merge(merge, &mut values, &mut entries, &mut size, out, doc_index);
            }
            let end = if flow {
                end_span.end
            } else {
                entries
                    .last()
                    .map_or(end, |e| e.value.span.end.max(e.key_span.end))
            };
            let node = Node {
                span: Span::new(start, end.max(start)),
                kind: NodeKind::Map(entries),
            };
            (
                Built {
                    value: Value::Object(values),
                    node,
                    size,
                },
                anchor,
            )
        }
    }
}

/// `<<: *base` or `<<: [*a, *b]`: keys not written explicitly are taken from the merged
/// mappings, earlier mappings first.
fn apply_merge(
    merge: Built,
    values: &mut Map<String, Value>,
    entries: &mut Vec<Entry>,
    size: &mut usize,
    out: &mut Parsed,
    doc_index: usize,
) {
    let sources: Vec<(Value, Node)> = match (merge.value, merge.node.kind) {
        (Value::Object(map), NodeKind::Map(map_entries)) => {
            vec![(
                Value::Object(map),
                Node {
                    span: merge.node.span,
                    kind: NodeKind::Map(map_entries),
                },
            )]
        }
        (Value::Array(items), NodeKind::Seq(nodes)) => items.into_iter().zip(nodes).collect(),
        _ => {
            out.problems.push(Problem {
                rule: &syntax::YAML_SYNTAX,
                message: "a merge key `<<` must be followed by a mapping or a list of mappings"
                    .to_string(),
                span: merge.node.span,
                related: None,
                document: Some(doc_index),
            });
            return;
        }
    };
    for (value, node) in sources {
        let (Value::Object(map), NodeKind::Map(map_entries)) = (value, node.kind) else {
            out.problems.push(Problem {
                rule: &syntax::YAML_SYNTAX,
                message: "a merge key `<<` can only merge mappings".to_string(),
                span: node.span,
                related: None,
                document: Some(doc_index),
            });
            continue;
        };
        let mut map = map;
        for entry in map_entries {
            if values.contains_key(entry.key.as_ref()) {
                continue;
            }
            if let Some(v) = map.remove(entry.key.as_ref()) {
                values.insert(entry.key.to_string(), v);
                *size += 1;
                entries.push(entry);
            }
        }
    }
}

/// Hand a finished node to its parent (or make it the document root).
fn deliver(
    state: &mut DocState,
    built: Built,
    key_text: Option<String>,
    plain: bool,
    out: &mut Parsed,
    doc_index: usize,
) -> Result<bool, Option<Abort>> {
    let Some(parent) = state.stack.last_mut() else {
        state.root = Some(built);
        return Ok(false);
    };
    match parent {
        Frame::Seq {
            values,
            nodes,
            size,
            ..
        } => {
            *size += built.size;
            values.push(built.value);
            nodes.push(built.node);
        }
        Frame::Map {
            values,
            entries,
            size,
            key,
            merges,
            ..
        } => match key.take() {
            None => {
                let text = match (&built.value, key_text) {
                    (_, Some(text)) => text,
                    (Value::String(s), None) => s.clone(),
                    (other, None) if matches!(built.node.kind, NodeKind::Scalar) => {
                        scalar_key_text(other)
                    }
                    (other, None) => {
                        out.problems.push(Problem {
                            rule: &syntax::YAML_SYNTAX,
                            message: "complex mapping keys (a list or mapping used as a key) are not supported by Kubernetes".to_string(),
                            span: built.node.span,
                            related: None,
                            document: Some(doc_index),
                        });
                        other.to_string()
                    }
                };
                let merge = plain && text == "<<";
                *key = Some(PendingKey {
                    text,
                    span: built.node.span,
                    merge,
                });
            }
            Some(pending) if pending.merge => {
                merges.push(built);
            }
            Some(pending) => {
                *size += built.size;
                if values.contains_key(&pending.text) {
                    if let Some(first) = entries.iter_mut().find(|e| *e.key == *pending.text) {
                        out.problems.push(Problem {
                            rule: &syntax::DUPLICATE_KEY,
                            message: format!(
                                "duplicate key `{}`; the last value is used",
                                pending.text
                            ),
                            span: pending.span,
                            related: Some((first.key_span, "first defined here".to_string())),
                            document: Some(doc_index),
                        });
                        first.key_span = pending.span;
                        first.value = built.node;
                    }
                    values.insert(pending.text, built.value);
                } else {
                    values.insert(pending.text.clone(), built.value);
                    entries.push(Entry {
                        key: pending.text.into_boxed_str(),
                        key_span: pending.span,
                        value: built.node,
                    });
                }
            }
        },
    }
    Ok(false)
}

fn scalar_key_text(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
