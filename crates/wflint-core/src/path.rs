//! Field paths: the symbolic location of a value inside one Kubernetes object.
//!
//! Rules report a [`FieldPath`] (`spec.templates[0].steps[1][0].template`); front ends turn it
//! into a byte span when they have the source text (CLI, editor) or print it as is (webhook).

use std::{borrow::Cow, fmt};

/// One step of a [`FieldPath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// A mapping key (field names are mostly literals, so they are borrowed, not copied).
    Key(Cow<'static, str>),
    /// A sequence index (0-based).
    Index(usize),
}

/// A route from the root of an object to one of its values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldPath(Vec<Segment>);

impl FieldPath {
    /// The root of the object.
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// Parse a dotted path such as `spec.templates[0].name` (keys with dots need `["a.b"]`).
    pub fn parse(text: &str) -> Self {
        let mut segments = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix("[\"") {
                let end = after.find("\"]").unwrap_or(after.len());
                segments.push(Segment::Key(after[..end].replace("\\\"", "\"").into()));
                rest = after.get(end + 2..).unwrap_or("");
            } else if let Some(after) = rest.strip_prefix('[') {
                let end = after.find(']').unwrap_or(after.len());
                match after[..end].parse() {
                    Ok(i) => segments.push(Segment::Index(i)),
                    Err(_) => segments.push(Segment::Key(after[..end].to_string().into())),
                }
                rest = after.get(end + 1..).unwrap_or("");
            } else {
                let rest_trimmed = rest.strip_prefix('.').unwrap_or(rest);
                let end = rest_trimmed.find(['.', '[']).unwrap_or(rest_trimmed.len());
                if end > 0 {
                    segments.push(Segment::Key(rest_trimmed[..end].to_string().into()));
                }
                rest = &rest_trimmed[end..];
                if end == 0 && !rest.starts_with('[') {
                    rest = rest.get(1..).unwrap_or("");
                }
            }
        }
        Self(segments)
    }

    /// This path extended by a key.
    #[must_use]
    pub fn key(&self, key: impl Into<Cow<'static, str>>) -> Self {
        self.extended(Segment::Key(key.into()))
    }

    /// A copy with room for the one more segment (a clone would be exactly full, and the push
    /// would reallocate).
    fn extended(&self, last: Segment) -> Self {
        let mut segments = Vec::with_capacity(self.0.len() + 1);
        segments.extend_from_slice(&self.0);
        segments.push(last);
        Self(segments)
    }

    /// This path extended by an index.
    #[must_use]
    pub fn index(&self, index: usize) -> Self {
        self.extended(Segment::Index(index))
    }

    /// This path extended by all segments of `other`.
    #[must_use]
    pub fn join(&self, other: &FieldPath) -> Self {
        let mut next = self.clone();
        next.0.extend(other.0.iter().cloned());
        next
    }

    /// Append a key in place.
    pub fn push_key(&mut self, key: impl Into<Cow<'static, str>>) {
        self.0.push(Segment::Key(key.into()));
    }

    /// Append an index in place.
    pub fn push_index(&mut self, index: usize) {
        self.0.push(Segment::Index(index));
    }

    /// Remove the last segment.
    pub fn pop(&mut self) -> Option<Segment> {
        self.0.pop()
    }

    /// The path without its last segment (the root stays the root).
    #[must_use]
    pub fn parent(&self) -> Self {
        let mut next = self.clone();
        next.0.pop();
        next
    }

    /// The segments, root first.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// The last segment, if any.
    pub fn last(&self) -> Option<&Segment> {
        self.0.last()
    }

    /// Whether this is the root.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of segments.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the path has no segment.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `prefix` is a prefix of this path.
    pub fn starts_with(&self, prefix: &FieldPath) -> bool {
        self.0.starts_with(&prefix.0)
    }

    /// RFC 6901 JSON Pointer of this path (`/spec/templates/0/name`).
    pub fn to_json_pointer(&self) -> String {
        let mut out = String::new();
        for segment in &self.0 {
            out.push('/');
            match segment {
                Segment::Key(key) => out.push_str(&key.replace('~', "~0").replace('/', "~1")),
                Segment::Index(i) => out.push_str(&i.to_string()),
            }
        }
        out
    }

    /// The value at this path inside `root`, if there is one.
    pub fn lookup<'v>(&self, root: &'v serde_json::Value) -> Option<&'v serde_json::Value> {
        self.0
            .iter()
            .try_fold(root, |value, segment| match segment {
                Segment::Key(key) => value.get(key.as_ref()),
                Segment::Index(i) => value.get(*i),
            })
    }
}

impl From<Vec<Segment>> for FieldPath {
    fn from(segments: Vec<Segment>) -> Self {
        Self(segments)
    }
}

fn is_plain_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '$')
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(key) if is_plain_key(key) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(key)?;
                }
                Segment::Key(key) => write!(f, "[\"{}\"]", key.replace('"', "\\\""))?,
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// Build a [`FieldPath`] from literal segments: `path!["spec", "templates", 0, "name"]`.
#[macro_export]
macro_rules! path {
    ($($seg:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut p = $crate::path::FieldPath::root();
        $( $crate::path::PathSegment::push_onto($seg, &mut p); )*
        p
    }};
}

/// Things that can be appended to a [`FieldPath`] by the [`path!`] macro.
pub trait PathSegment {
    /// Append `self` to `path`.
    fn push_onto(self, path: &mut FieldPath);
}

impl PathSegment for &'static str {
    fn push_onto(self, path: &mut FieldPath) {
        path.push_key(self);
    }
}

impl PathSegment for String {
    fn push_onto(self, path: &mut FieldPath) {
        path.push_key(self);
    }
}

impl PathSegment for &String {
    fn push_onto(self, path: &mut FieldPath) {
        path.push_key(self.clone());
    }
}

impl PathSegment for usize {
    fn push_onto(self, path: &mut FieldPath) {
        path.push_index(self);
    }
}

/// JSON Pointer look-ups (RFC 6901) that do not allocate: `serde_json::Value::pointer` builds
/// a `String` per reference token, which showed in the profile of every lint.
pub trait PointerExt {
    /// The value at `pointer` (`""` is the whole value), like `serde_json::Value::pointer`.
    fn at(&self, pointer: &str) -> Option<&serde_json::Value>;
}

impl PointerExt for serde_json::Value {
    fn at(&self, pointer: &str) -> Option<&serde_json::Value> {
        if pointer.contains('~') {
            // Escaped tokens (`~0`, `~1`) are rare: let serde_json unescape them.
            return self.pointer(pointer);
        }
        if pointer.is_empty() {
            return Some(self);
        }
        pointer
            .strip_prefix('/')?
            .split('/')
            .try_fold(self, |target, token| match target {
                serde_json::Value::Object(map) => map.get(token),
                serde_json::Value::Array(items) => array_index(token).and_then(|i| items.get(i)),
                _ => None,
            })
    }
}

/// An array index token as RFC 6901 spells it: digits, no leading zero, no sign.
fn array_index(token: &str) -> Option<usize> {
    let canonical = !token.is_empty()
        && token.bytes().all(|b| b.is_ascii_digit())
        && (token == "0" || !token.starts_with('0'));
    canonical.then(|| token.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_argo_field_paths() {
        let p = path!["spec", "templates", 0, "steps", 1, 0, "template"];
        assert_eq!(p.to_string(), "spec.templates[0].steps[1][0].template");
        let labels = path!["metadata", "labels", "workflows.argoproj.io/no-test"];
        assert_eq!(
            labels.to_string(),
            "metadata.labels[\"workflows.argoproj.io/no-test\"]"
        );
        assert_eq!(
            labels.to_json_pointer(),
            "/metadata/labels/workflows.argoproj.io~1no-test"
        );
    }

    #[test]
    fn parse_round_trips_display() {
        for text in [
            "spec.templates[0].steps[1][0].template",
            "metadata.labels[\"a.b/c\"]",
            "spec",
            "",
        ] {
            assert_eq!(FieldPath::parse(text).to_string(), text);
        }
    }

    #[test]
    fn lookup_follows_keys_and_indices() {
        let v = serde_json::json!({"spec": {"templates": [{"name": "a"}]}});
        assert_eq!(
            path!["spec", "templates", 0, "name"].lookup(&v),
            Some(&serde_json::json!("a"))
        );
        assert_eq!(path!["spec", "templates", 3].lookup(&v), None);
    }

    #[test]
    fn pointers_find_what_serde_json_finds() {
        use super::PointerExt as _;
        let v = serde_json::json!({
            "spec": {"templates": [{"name": "a"}, {"name": "b"}], "": {"x": 1}},
            "metadata": {"labels": {"a/b": "slash", "m~n": "tilde"}},
            "00": true
        });
        for pointer in [
            "",
            "/spec",
            "/spec/templates/1/name",
            "/spec/templates/01",
            "/spec/templates/-1",
            "/spec/templates/2",
            "/spec/templates/+1",
            "/spec//x",
            "spec",
            "/spec/templates/0/name/x",
            "/metadata/labels/a~1b",
            "/metadata/labels/m~0n",
            "/metadata/labels/a~2b",
            "/00",
        ] {
            assert_eq!(v.at(pointer), v.pointer(pointer), "{pointer:?}");
        }
        assert_eq!(
            v.at("/spec/templates/1/name"),
            Some(&serde_json::json!("b"))
        );
    }
}
