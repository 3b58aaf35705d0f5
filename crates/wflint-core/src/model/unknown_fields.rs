//! Unknown-field detection (`argo lint --strict`): every key of an object that is not in Argo's
//! API, found by walking the object's JSON with a tree of known fields compiled once from the
//! model's JSON Schema. The schema sees through `#[serde(flatten)]`, so inline Go structs
//! (containers of scripts and sidecars, artifact locations, buckets) are checked too.
//!
//! Free-form places (labels, annotations, plugin settings, `withItems`, `status`, ...) are not
//! walked. The same tree also pins down the exact path of a type error.

use std::sync::OnceLock;

use foldhash::HashMap;

use serde_json::{Map, Value};

use super::{
    ArgoKind,
    schema::{self, Root},
};
use crate::{
    diagnostic::{Diagnostic, Edit, Fix},
    engine::{ObjectCx, Sink},
    path::{FieldPath, Segment},
    rules::argo::UNKNOWN_FIELD,
};

/// How Argo itself treats an unknown field at a given place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgoReaction {
    /// Kubernetes' strict decoder reports it: `strict decoding error: unknown field "<path>"`.
    StrictDecoding,
    /// A key directly inside a step: Argo's own step decoder rejects it with
    /// `json: unknown field "<key>"`, before any other check.
    StepDecoding,
    /// Below a step, Argo decodes without strictness and drops the field silently (the
    /// Kubernetes API server still prunes or rejects it).
    Ignored,
}

/// A key that is not a field of the object it is in.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownField {
    /// Path of the key's value inside the object (`spec.templates[0].containr`).
    pub path: FieldPath,
    /// The key as written.
    pub key: String,
    /// Name of the type the key was found in (`Template`, `Container`, ...), if known.
    pub parent_type: Option<String>,
    /// A known field of that type with a close name that is not already set.
    pub suggestion: Option<String>,
    /// The known fields of that type, sorted.
    pub known: Vec<String>,
    /// How Argo reacts to it.
    pub argo: ArgoReaction,
}

impl UnknownField {
    /// Argo's own message for this field, when Argo reports it.
    pub fn argo_message(&self) -> Option<String> {
        match self.argo {
            ArgoReaction::StrictDecoding => Some(format!(
                "strict decoding error: unknown field \"{}\"",
                go_field_path(&self.path)
            )),
            ArgoReaction::StepDecoding => Some(format!("json: unknown field \"{}\"", self.key)),
            ArgoReaction::Ignored => None,
        }
    }
}

/// A field that older Argo versions had and v4 removed (accepted for v3.x manifests).
#[derive(Debug, Clone, PartialEq)]
pub struct RemovedField {
    /// Path of the field's value inside the object (`spec.schedule`).
    pub path: FieldPath,
    /// The key as written.
    pub key: String,
    /// The Argo version that removed it (`v4.0`).
    pub removed_in: String,
}

/// What a walk over an object's keys found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scan {
    /// Keys that are not fields of Argo's API, in the key order of the value.
    pub unknown: Vec<UnknownField>,
    /// Fields of v3.x that v4 removed, in the key order of the value.
    pub removed: Vec<RemovedField>,
}

/// Walk every key of an object of `kind`.
pub fn scan(kind: ArgoKind, value: &Value) -> Scan {
    scan_root(Root::Kind(kind), value, ArgoReaction::StrictDecoding)
}

/// Every unknown field of an artifact repository (a ConfigMap entry or the controller's
/// `artifactRepository`), with paths relative to the repository. Argo reads repository
/// ConfigMaps leniently, so these are [`ArgoReaction::Ignored`].
pub fn find_in_repository(value: &Value) -> Vec<UnknownField> {
    scan_root(Root::ArtifactRepository, value, ArgoReaction::Ignored).unknown
}

fn scan_root(root: Root, value: &Value, argo: ArgoReaction) -> Scan {
    let tree = tree();
    let mut walker = Walker {
        tree,
        scan: Scan::default(),
        path: FieldPath::root(),
    };
    walker.walk(tree.root(root), value, argo);
    walker.scan
}

/// Every unknown field of an object of `kind`, in the key order of `value`.
pub fn find(kind: ArgoKind, value: &Value) -> Vec<UnknownField> {
    scan(kind, value).unknown
}

/// The `unknown-field` pass.
pub fn run(cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
    if !sink.enabled(&UNKNOWN_FIELD) {
        return;
    }
    for field in find(cx.kind, cx.value) {
        sink.report(diagnostic(&field));
    }
}

fn diagnostic(field: &UnknownField) -> Diagnostic {
    let place = field
        .parent_type
        .as_deref()
        .map_or_else(String::new, |name| {
            format!(" of {}", article(&plain_type_name(name)))
        });
    let mut message = format!("`{}` is not a field{place}", field.key);
    if field.argo == ArgoReaction::Ignored {
        message.push_str("; Argo ignores it here, so it has no effect");
    }
    let mut diagnostic = Diagnostic::new(&UNKNOWN_FIELD, field.path.clone(), message).on_key();
    if let Some(text) = field.argo_message() {
        diagnostic = diagnostic.argo(text);
    }
    match &field.suggestion {
        Some(suggestion) => {
            diagnostic = diagnostic
                .help(format!("did you mean `{suggestion}`?"))
                .fix(Fix {
                    title: format!("Rename to `{suggestion}`"),
                    edits: vec![Edit::RenameKey {
                        path: field.path.clone(),
                        new_key: suggestion.clone(),
                    }],
                });
        }
        None if !field.known.is_empty() && field.known.len() <= 12 => {
            diagnostic = diagnostic.help(format!(
                "the fields here are {}",
                field
                    .known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        None => {
            diagnostic = diagnostic.help("remove it, or check its spelling and indentation");
        }
    }
    diagnostic
}

/// A type name in plain words: `WorkflowStep` → `workflow step`, `DagTask` → `DAG task`,
/// `ObjectMeta` → `metadata`.
fn plain_type_name(name: &str) -> String {
    match name {
        "ObjectMeta" => return "metadata".to_string(),
        "Metadata" => return "pod metadata".to_string(),
        _ => {}
    }
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        let next_lower = chars.peek().is_some_and(|n| n.is_lowercase());
        let previous_lower = word.chars().last().is_some_and(|p| p.is_lowercase());
        if c.is_uppercase() && !word.is_empty() && (previous_lower || next_lower) {
            words.push(std::mem::take(&mut word));
        }
        word.push(c);
    }
    words.push(word);
    words
        .iter()
        .map(|word| match word.as_str() {
            "Dag" | "Gcs" | "Oss" | "Hdfs" | "Http" | "Ttl" | "Dns" | "Csi" | "Nfs" => {
                word.to_ascii_uppercase()
            }
            w if w.chars().all(|c| c.is_uppercase() || c.is_ascii_digit()) => w.to_string(),
            w => w.to_lowercase(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `a template`, `an artifact`.
fn article(name: &str) -> String {
    let vowel = name
        .chars()
        .next()
        .is_some_and(|c| "AEIOUaeiou".contains(c));
    format!("{} {name}", if vowel { "an" } else { "a" })
}

/// A path as Kubernetes' strict JSON decoder prints it: keys joined by `.`, indices as `[i]`.
pub fn go_field_path(path: &FieldPath) -> String {
    let mut out = String::new();
    for segment in path.segments() {
        match segment {
            Segment::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Index(index) => {
                out.push('[');
                out.push_str(&index.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// The most precise path of a type error that serde reported at `reported`: the first value
/// at or below it whose JSON type the model does not accept (serde loses the path inside
/// inline structs).
pub(crate) fn refine_type_error(root: Root, value: &Value, reported: &FieldPath) -> FieldPath {
    let tree = tree();
    let mut node = tree.root(root);
    let mut current = value;
    for segment in reported.segments() {
        let next = match (segment, current) {
            (Segment::Key(key), Value::Object(map)) => map
                .get(&**key)
                .and_then(|child| tree.child(node, key).map(|n| (n, child))),
            (Segment::Index(index), Value::Array(list)) => list
                .get(*index)
                .and_then(|child| tree.item(node).map(|n| (n, child))),
            _ => None,
        };
        match next {
            Some((next_node, next_value)) => {
                node = next_node;
                current = next_value;
            }
            None => return reported.clone(),
        }
    }
    let mut path = reported.clone();
    if tree.first_type_error(node, current, &mut path) {
        path
    } else {
        reported.clone()
    }
}

type NodeId = usize;

/// JSON types a node accepts, as bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Types(u8);

impl Types {
    const NULL: u8 = 1;
    const BOOLEAN: u8 = 2;
    const INTEGER: u8 = 4;
    const NUMBER: u8 = 8;
    const STRING: u8 = 16;
    const ARRAY: u8 = 32;
    const OBJECT: u8 = 64;
    const ANY: Types = Types(127);

    fn from_name(name: &str) -> u8 {
        match name {
            "null" => Self::NULL,
            "boolean" => Self::BOOLEAN,
            "integer" => Self::INTEGER,
            "number" => Self::NUMBER | Self::INTEGER,
            "string" => Self::STRING,
            "array" => Self::ARRAY,
            "object" => Self::OBJECT,
            _ => 0,
        }
    }

    fn accepts(self, value: &Value) -> bool {
        let bit = match value {
            // `null` means "not set" everywhere in Go's decoding.
            Value::Null => return true,
            Value::Bool(_) => Self::BOOLEAN,
            Value::Number(n) if n.is_i64() || n.is_u64() => Self::INTEGER,
            Value::Number(_) => Self::NUMBER,
            Value::String(_) => Self::STRING,
            Value::Array(_) => Self::ARRAY,
            Value::Object(_) => Self::OBJECT,
        };
        self.0 & bit != 0
    }
}

/// What may follow an object's known fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Extra {
    /// Nothing: other keys are unknown fields.
    Closed,
    /// Anything, not walked.
    Open,
    /// Any key, with values of this node (a map).
    Values(NodeId),
}

#[derive(Debug, Clone)]
struct Node {
    types: Types,
    /// Name of the type (for messages and for spotting steps).
    name: Option<String>,
    fields: HashMap<String, NodeId>,
    /// Fields removed by a later Argo version, with that version.
    removed: HashMap<String, String>,
    extra: Extra,
    items: Option<NodeId>,
}

impl Node {
    fn leaf(types: Types) -> Self {
        Self {
            types,
            name: None,
            fields: HashMap::default(),
            removed: HashMap::default(),
            extra: Extra::Open,
            items: None,
        }
    }

    /// Whether the node checks the keys of objects (a closed object or a map).
    fn is_object(&self) -> bool {
        !self.fields.is_empty() || self.extra != Extra::Open
    }
}

/// The known-fields tree of all four kinds.
struct Tree {
    nodes: Vec<Node>,
    roots: [NodeId; 5],
}

fn tree() -> &'static Tree {
    static TREE: OnceLock<Tree> = OnceLock::new();
    TREE.get_or_init(|| Compiler::compile(schema::definitions()))
}

impl Tree {
    fn root(&self, root: Root) -> NodeId {
        self.roots[root.index()]
    }

    fn child(&self, node: NodeId, key: &str) -> Option<NodeId> {
        let node = &self.nodes[node];
        node.fields.get(key).copied().or(match node.extra {
            Extra::Values(values) => Some(values),
            Extra::Closed | Extra::Open => None,
        })
    }

    fn item(&self, node: NodeId) -> Option<NodeId> {
        self.nodes[node].items
    }

    /// Extend `path` to the first value (pre-order) that has a type `node` does not accept.
    fn first_type_error(&self, node: NodeId, value: &Value, path: &mut FieldPath) -> bool {
        if !self.nodes[node].types.accepts(value) {
            return true;
        }
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    if let Some(child_node) = self.child(node, key) {
                        path.push_key(key.clone());
                        if self.first_type_error(child_node, child, path) {
                            return true;
                        }
                        path.pop();
                    }
                }
                false
            }
            Value::Array(list) => {
                let Some(item_node) = self.item(node) else {
                    return false;
                };
                for (index, item) in list.iter().enumerate() {
                    path.push_index(index);
                    if self.first_type_error(item_node, item, path) {
                        return true;
                    }
                    path.pop();
                }
                false
            }
            _ => false,
        }
    }
}

struct Walker<'t> {
    tree: &'t Tree,
    scan: Scan,
    path: FieldPath,
}

impl Walker<'_> {
    fn walk(&mut self, node_id: NodeId, value: &Value, argo: ArgoReaction) {
        let tree = self.tree;
        let node = &tree.nodes[node_id];
        match value {
            Value::Object(map) if node.is_object() => {
                // Argo decodes steps with its own decoder: it rejects unknown keys of the step
                // itself and ignores everything unknown below it.
                let (here, below) = match (argo, node.name.as_deref()) {
                    (ArgoReaction::StrictDecoding, Some("WorkflowStep")) => {
                        (ArgoReaction::StepDecoding, ArgoReaction::Ignored)
                    }
                    _ => (argo, argo),
                };
                for (key, child) in map {
                    self.path.push_key(key.clone());
                    if let Some(version) = node.removed.get(key.as_str()) {
                        self.scan.removed.push(RemovedField {
                            path: self.path.clone(),
                            key: key.clone(),
                            removed_in: version.clone(),
                        });
                    }
                    match tree.child(node_id, key) {
                        Some(child_node) => self.walk(child_node, child, below),
                        None if node.extra == Extra::Closed => {
                            self.report(node, map, key, here);
                        }
                        None => {}
                    }
                    self.path.pop();
                }
            }
            Value::Array(list) => {
                if let Some(item_node) = node.items {
                    for (index, item) in list.iter().enumerate() {
                        self.path.push_index(index);
                        self.walk(item_node, item, argo);
                        self.path.pop();
                    }
                }
            }
            _ => {}
        }
    }

    fn report(
        &mut self,
        node: &Node,
        siblings: &Map<String, Value>,
        key: &str,
        argo: ArgoReaction,
    ) {
        let mut known: Vec<String> = node
            .fields
            .keys()
            .filter(|k| !node.removed.contains_key(*k))
            .cloned()
            .collect();
        known.sort();
        let suggestion = suggest(key, known.iter().filter(|k| !siblings.contains_key(*k)));
        self.scan.unknown.push(UnknownField {
            path: self.path.clone(),
            key: key.to_string(),
            parent_type: node.name.clone(),
            suggestion,
            known,
            argo,
        });
    }
}

/// The candidate closest to `key`, when exactly one is clearly close: the same name in another
/// case, a few typos away, or a transposition in a short name.
fn suggest<'a>(key: &str, candidates: impl Iterator<Item = &'a String>) -> Option<String> {
    let lowered = key.to_ascii_lowercase();
    let mut scored: Vec<(f64, &String)> = candidates
        .filter_map(|candidate| {
            let candidate_lower = candidate.to_ascii_lowercase();
            let edits = strsim::normalized_damerau_levenshtein(&lowered, &candidate_lower);
            let similar_length = lowered.len().abs_diff(candidate_lower.len()) <= 2;
            let score = if candidate_lower == lowered {
                3.0
            } else if lowered.len() >= 3
                && strsim::damerau_levenshtein(&lowered, &candidate_lower) <= 1
            {
                2.0 + edits
            } else if edits >= 0.7 {
                1.0 + edits
            } else if similar_length && strsim::jaro_winkler(&lowered, &candidate_lower) >= 0.9 {
                edits
            } else {
                return None;
            };
            Some((score, candidate))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    match scored.as_slice() {
        [(best, name), rest @ ..] if rest.first().is_none_or(|(second, _)| second < best) => {
            Some((*name).clone())
        }
        _ => None,
    }
}

/// Compiles the model's JSON Schema into a [`Tree`].
struct Compiler<'d> {
    defs: &'d Map<String, Value>,
    nodes: Vec<Node>,
    by_ref: HashMap<String, NodeId>,
}

impl<'d> Compiler<'d> {
    fn compile(definitions: &'d schema::Definitions) -> Tree {
        let mut compiler = Compiler {
            defs: &definitions.defs,
            nodes: Vec::new(),
            by_ref: HashMap::default(),
        };
        let roots = Root::ALL.map(|root| compiler.definition(definitions.root(root)));
        Tree {
            nodes: compiler.nodes,
            roots,
        }
    }

    fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    fn definition(&mut self, name: &str) -> NodeId {
        if let Some(id) = self.by_ref.get(name) {
            return *id;
        }
        // Reserve the id first: definitions are recursive (templates hold inline templates).
        let id = self.push(Node::leaf(Types::ANY));
        self.by_ref.insert(name.to_string(), id);
        let schema = self.defs.get(name).cloned().unwrap_or(Value::Bool(true));
        let mut node = self.node(&schema);
        node.name = Some(short_name(name).to_string());
        self.nodes[id] = node;
        id
    }

    fn node_id(&mut self, schema: &Value) -> NodeId {
        if let Some(name) = ref_name(schema).or_else(|| nullable_ref(schema)) {
            return self.definition(name);
        }
        let node = self.node(schema);
        self.push(node)
    }

    /// A node for a union branch: a copy of a referenced definition, or a compiled schema.
    fn branch(&mut self, schema: &Value) -> Node {
        match ref_name(schema) {
            Some(name) => {
                let id = self.definition(name);
                self.nodes[id].clone()
            }
            None => self.node(schema),
        }
    }

    fn node(&mut self, schema: &Value) -> Node {
        let Value::Object(object) = schema else {
            return Node::leaf(Types::ANY);
        };
        let own_types = object.get("type").map(types_of);
        let mut node = Node::leaf(own_types.unwrap_or(Types::ANY));
        let mut union_types = None;
        for keyword in ["anyOf", "oneOf", "allOf"] {
            if let Some(Value::Array(branches)) = object.get(keyword) {
                for branch in branches {
                    let branch = self.branch(branch);
                    if keyword != "allOf" {
                        union_types = Some(union_types.unwrap_or(0) | branch.types.0);
                    }
                    absorb(&mut node, branch);
                }
            }
        }
        if let (None, Some(types)) = (own_types, union_types) {
            node.types = Types(types);
        }
        if let Some(Value::Object(properties)) = object.get("properties") {
            for (field, field_schema) in properties {
                let id = self.node_id(field_schema);
                node.fields.insert(field.clone(), id);
                if let Some(version) = field_schema.get("x-removed-in").and_then(Value::as_str) {
                    node.removed.insert(field.clone(), version.to_string());
                }
            }
            node.extra = Extra::Closed;
        }
        match object.get("additionalProperties") {
            Some(Value::Bool(false)) => node.extra = Extra::Closed,
            Some(Value::Bool(true)) => node.extra = Extra::Open,
            Some(values @ Value::Object(_)) => {
                let id = self.node_id(values);
                node.extra = Extra::Values(id);
            }
            _ => {}
        }
        if let Some(items) = object.get("items").filter(|i| i.is_object()) {
            node.items = Some(self.node_id(items));
        }
        node
    }
}

/// Fold a branch of `anyOf`/`oneOf`/`allOf` into `node` (fields and item types add up).
fn absorb(node: &mut Node, branch: Node) {
    node.fields.extend(branch.fields);
    node.removed.extend(branch.removed);
    if branch.extra != Extra::Open {
        node.extra = branch.extra;
    }
    if node.items.is_none() {
        node.items = branch.items;
    }
    if node.name.is_none() {
        node.name = branch.name;
    }
}

fn types_of(type_keyword: &Value) -> Types {
    match type_keyword {
        Value::String(name) => Types(Types::from_name(name)),
        Value::Array(names) => Types(
            names
                .iter()
                .filter_map(Value::as_str)
                .fold(0, |acc, name| acc | Types::from_name(name)),
        ),
        _ => Types::ANY,
    }
}

/// The definition named by an `anyOf`/`oneOf` of one `$ref` and `null` (schemars' `Option<T>`).
fn nullable_ref(schema: &Value) -> Option<&str> {
    let branches = schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))?
        .as_array()?;
    let mut refs = branches
        .iter()
        .filter(|b| b.get("type").and_then(Value::as_str) != Some("null"));
    let only = refs.next()?;
    if refs.next().is_some() || schema.get("properties").is_some() {
        return None;
    }
    ref_name(only)
}

fn ref_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
}

/// `io.k8s.api.core.v1.Container` → `Container`.
fn short_name(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_read_as_plain_words() {
        assert_eq!(plain_type_name("WorkflowStep"), "workflow step");
        assert_eq!(plain_type_name("DagTask"), "DAG task");
        assert_eq!(plain_type_name("S3Artifact"), "S3 artifact");
        assert_eq!(plain_type_name("HTTPGetAction"), "HTTP get action");
        assert_eq!(plain_type_name("ObjectMeta"), "metadata");
        assert_eq!(article("artifact"), "an artifact");
    }

    #[test]
    fn go_paths_join_keys_with_dots_and_index_in_brackets() {
        let path = FieldPath::parse("spec.templates[0].steps[1][0].x");
        assert_eq!(go_field_path(&path), "spec.templates[0].steps[1][0].x");
        let path = crate::path!["metadata", "labels", "a.b/c"];
        assert_eq!(go_field_path(&path), "metadata.labels.a.b/c");
    }

    #[test]
    fn suggestions_need_one_clear_winner() {
        let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let fields = names(&["container", "containerSet", "script", "steps", "dag"]);
        assert_eq!(
            suggest("containr", fields.iter()).as_deref(),
            Some("container")
        );
        assert_eq!(suggest("Script", fields.iter()).as_deref(), Some("script"));
        assert_eq!(suggest("stepz", fields.iter()).as_deref(), Some("steps"));
        assert_eq!(suggest("image", fields.iter()), None);
        let fields = names(&["key", "bucket"]);
        assert_eq!(suggest("kye", fields.iter()).as_deref(), Some("key"));
    }
}
