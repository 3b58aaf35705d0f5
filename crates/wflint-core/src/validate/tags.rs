//! `{{...}}` tags as Argo's templating (valyala/fasttemplate with `{{`/`}}`) sees them: the first
//! `}}` after a `{{` closes the tag, a tag whose text starts with `=` is an expression, and only
//! simple tags under the seven checked prefixes are ever resolved by the validator.

use std::borrow::Cow;

/// Roots of the variables the validator checks; every other simple tag is left alone
/// (`common.GlobalVarValidWorkflowVariablePrefix`).
const CHECKED_PREFIXES: [&str; 7] = [
    "item.",
    "steps.",
    "inputs.",
    "outputs.",
    "pod.",
    "workflow.",
    "tasks.",
];

/// Argo's internal placeholder values start with this (`template.PlaceholderPrefix`).
pub(crate) const PLACEHOLDER_PREFIX: &str = "__argo__internal__placeholder-";

/// One `{{...}}` occurrence in a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tag<'a> {
    /// The text between `{{` and `}}`, untrimmed (Argo echoes it like that).
    pub(crate) text: &'a str,
    /// Byte offset of the opening `{{`.
    pub(crate) start: usize,
    /// Byte offset just past the closing `}}`.
    pub(crate) end: usize,
}

impl<'a> Tag<'a> {
    /// An expression tag (`{{= ...}}`); the validator never checks these.
    pub(crate) fn is_expression(&self) -> bool {
        self.text.starts_with('=')
    }

    /// The variable name the tag looks up (surrounding whitespace removed).
    pub(crate) fn name(&self) -> &'a str {
        self.text.trim()
    }

    /// Whether the validator resolves this tag at all: a simple tag under a checked prefix.
    pub(crate) fn is_checked(&self) -> bool {
        !self.is_expression() && has_checked_prefix(self.name())
    }
}

/// A `{{` with no `}}` after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unclosed {
    /// Byte offset of the `{{`.
    pub(crate) start: usize,
}

/// The tags of `text` in order, or where the first unclosed `{{` is.
pub(crate) fn scan(text: &str) -> Result<Vec<Tag<'_>>, Unclosed> {
    let mut tags = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("{{") {
        let start = from + open;
        let inner = start + 2;
        let Some(close) = text[inner..].find("}}") else {
            return Err(Unclosed { start });
        };
        let end = inner + close + 2;
        tags.push(Tag {
            text: &text[inner..inner + close],
            start,
            end,
        });
        from = end;
    }
    Ok(tags)
}

/// Whether `text` holds a `{{` at all (cheap pre-check before scanning).
pub(crate) fn has_tags(text: &str) -> bool {
    // A plain byte scan: `str::contains` sets up a two-way searcher on every call, which showed
    // in profiles (this runs on every string of every template call).
    let mut rest = text.as_bytes();
    while let Some(at) = rest.iter().position(|&b| b == b'{') {
        if rest.get(at + 1) == Some(&b'{') {
            return true;
        }
        rest = rest.get(at + 1..).unwrap_or_default();
    }
    false
}

/// Whether a trimmed tag name starts with one of the checked roots.
pub(crate) fn has_checked_prefix(name: &str) -> bool {
    CHECKED_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// Argo's `isParameter`: the text contains a `{{name(.part)*}}` tag (unanchored match of
/// `{{[-a-zA-Z0-9]+(\.[-a-zA-Z0-9_]+)*}}`).
pub(crate) fn is_parameter(text: &str) -> bool {
    let Ok(tags) = scan_lenient(text) else {
        return false;
    };
    tags.iter().any(|tag| simple_dotted_name(tag.text))
}

/// Like [`scan`], but stops quietly at an unclosed `{{` (keeping the tags before it).
fn scan_lenient(text: &str) -> Result<Vec<Tag<'_>>, ()> {
    match scan(text) {
        Ok(tags) => Ok(tags),
        Err(unclosed) => scan(&text[..unclosed.start]).map_err(|_| ()),
    }
}

fn simple_dotted_name(text: &str) -> bool {
    // The regexp is unanchored, so `{{a}}` inside `{{{a}}` also counts; fasttemplate's tag for
    // that is `{a`, whose suffix after the last `{` is what the regexp would see.
    let text = text.rsplit('{').next().unwrap_or(text);
    let mut parts = text.split('.');
    let first_ok = parts.next().is_some_and(|p| {
        !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    first_ok
        && parts.all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// Replace the simple tags of `text` whose name `lookup` knows, the way Argo's substitution
/// pass does while validating (`template.Replace` with unresolved tags allowed):
/// * a known simple tag becomes its value;
/// * a tag with a nested `{{` whose inner name is known becomes `{{outer-prefix<value>`
///   (fasttemplate already consumed the closing `}}`);
/// * an expression tag that is just a known variable name becomes its value (expressions
///   Argo cannot evaluate against placeholders stay as written);
/// * everything else is written back unchanged.
///
/// `None` when nothing changed (also for an unclosed `{{`: Argo's substitution fails as a
/// whole and the text stays as written).
pub(crate) fn substitute_owned(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    if !has_tags(text) {
        return None;
    }
    let tags = scan(text).ok()?;
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut changed = false;
    for tag in &tags {
        out.push_str(&text[last..tag.start]);
        last = tag.end;
        if let Some(expression) = tag.text.strip_prefix('=') {
            let name = expression.trim();
            match lookup(name).filter(|_| is_variable_path(name)) {
                Some(value) => {
                    out.push_str(&value);
                    changed = true;
                }
                None => out.push_str(&text[tag.start..tag.end]),
            }
            continue;
        }
        if let Some(value) = lookup(tag.name()) {
            out.push_str(&value);
            changed = true;
            continue;
        }
        if let Some(index) = tag.text.rfind("{{").filter(|&i| i > 0) {
            let (outer, nested) = (&tag.text[..index], &tag.text[index + 2..]);
            if let Some(value) = lookup(nested) {
                out.push_str("{{");
                out.push_str(outer);
                out.push_str(&value);
                changed = true;
                continue;
            }
        }
        out.push_str(&text[tag.start..tag.end]);
    }
    out.push_str(&text[last..]);
    changed.then_some(out)
}

/// `a.b.c` with identifier-ish parts (what an expression that merely names a variable looks
/// like).
fn is_variable_path(text: &str) -> bool {
    !text.is_empty()
        && text.split('.').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
}

/// The tag text as Argo prints it: taken from a Go JSON serialisation, so quotes, backslashes,
/// control characters and `<`, `>`, `&` appear escaped.
pub(crate) fn as_go_json(text: &str) -> Cow<'_, str> {
    let needs = text.chars().any(|c| {
        matches!(c, '"' | '\\' | '<' | '>' | '&' | '\u{2028}' | '\u{2029}') || (c as u32) < 0x20
    });
    if !needs {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        scan(s).unwrap_or_default().iter().map(|t| t.text).collect()
    }

    #[test]
    fn has_tags_finds_two_opening_braces_anywhere() {
        for text in ["{{", "a{{b", "x{ {{", "{{{", "}}{{", "\u{e9}{{"] {
            assert!(has_tags(text), "{text:?}");
        }
        for text in ["", "{", "a{b{c", "{ {", "}}", "{}{}", "\u{e9}{"] {
            assert!(!has_tags(text), "{text:?}");
        }
    }

    #[test]
    fn first_closing_braces_end_the_tag() {
        assert_eq!(texts("a {{x}} b {{ y }}"), vec!["x", " y "]);
        assert_eq!(
            texts("{{inputs.parameters.{{item}}}}"),
            vec!["inputs.parameters.{{item"]
        );
        assert_eq!(texts("{{a}}}}"), vec!["a"]);
        assert_eq!(texts("no tags } {"), Vec::<&str>::new());
        assert_eq!(scan("x {{a}} {{b"), Err(Unclosed { start: 8 }));
    }

    #[test]
    fn only_simple_tags_under_checked_prefixes_are_checked() {
        let tags =
            scan("{{inputs.x}} {{item}} {{=inputs.x}} {{ workflow.name }} {{input.x}} {{ =x}}")
                .unwrap_or_default();
        let checked: Vec<bool> = tags.iter().map(Tag::is_checked).collect();
        assert_eq!(checked, vec![true, false, false, true, false, false]);
        assert_eq!(tags[3].name(), "workflow.name");
        assert_eq!(tags[3].text, " workflow.name ");
    }

    #[test]
    fn substitution_replaces_known_simple_tags_only() {
        let lookup = |name: &str| match name {
            "inputs.parameters.x" => Some("X".to_string()),
            "item" => Some("I".to_string()),
            _ => None,
        };
        let substitute = |text: &str| substitute_owned(text, &lookup);
        assert_eq!(
            substitute("a {{ inputs.parameters.x }} {{steps.a.id}} {{=inputs.parameters.x}}"),
            Some("a X {{steps.a.id}} X".to_string())
        );
        assert_eq!(
            substitute("{{inputs.parameters.{{item}}}}"),
            Some("{{inputs.parameters.I}}".to_string())
        );
        assert_eq!(substitute("{{=asInt(inputs.parameters.x)}}"), None);
        assert_eq!(substitute("plain"), None);
        assert_eq!(substitute("{{inputs.parameters.x"), None);
    }

    #[test]
    fn parameters_are_recognised_like_argo() {
        assert!(is_parameter("{{inputs.parameters.a}}"));
        assert!(is_parameter("pre-{{workflow.name}}-post"));
        assert!(!is_parameter("{{a_b}}"));
        assert!(!is_parameter("{{ inputs.parameters.a }}"));
        assert!(!is_parameter("{{=x}}"));
        assert!(!is_parameter("plain"));
    }

    #[test]
    fn go_json_escaping() {
        assert_eq!(as_go_json("a\"b<c>&\n"), "a\\\"b\\u003cc\\u003e\\u0026\\n");
        assert_eq!(as_go_json("plain"), "plain");
    }
}
