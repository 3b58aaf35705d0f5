//! The YAML reader on Argo's own corpus: every file reads without a syntax problem, and the
//! spanned tree has exactly the shape of the JSON value (so every field path has a span).

use std::path::{Path, PathBuf};

use serde_json::Value;
use wflint_core::source::{self, Limits, Node, NodeKind};

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: {} is absent", dir.display());
        None
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            out.push(path);
        }
    }
}

fn same_shape(value: &Value, node: &Node, text: &str, at: &str) -> usize {
    match (value, &node.kind) {
        (Value::Object(map), NodeKind::Map(entries)) => {
            assert_eq!(map.len(), entries.len(), "{at}: key count");
            entries
                .iter()
                .map(|e| {
                    assert_eq!(
                        &text[e.key_span.range()].trim_matches(['"', '\'']),
                        &&*e.key,
                        "{at}: key text"
                    );
                    let child = map
                        .get(&*e.key)
                        .unwrap_or_else(|| panic!("{at}.{} missing", e.key));
                    1 + same_shape(child, &e.value, text, &format!("{at}.{}", e.key))
                })
                .sum()
        }
        (Value::Array(items), NodeKind::Seq(nodes)) => {
            assert_eq!(items.len(), nodes.len(), "{at}: length");
            items
                .iter()
                .zip(nodes)
                .enumerate()
                .map(|(i, (v, n))| 1 + same_shape(v, n, text, &format!("{at}[{i}]")))
                .sum()
        }
        (Value::Object(_) | Value::Array(_), NodeKind::Scalar) => {
            panic!("{at}: collection without a tree")
        }
        (_, NodeKind::Scalar) => {
            assert!(
                !node.span.is_empty() || value.is_null() || value == "",
                "{at}: empty span for {value}"
            );
            0
        }
        (_, _) => panic!("{at}: scalar value with a collection node"),
    }
}

#[test]
fn every_corpus_file_reads_with_a_span_for_every_value() {
    let Some(dir) = corpus() else { return };
    let mut files = Vec::new();
    yaml_files(&dir, &mut files);
    files.sort();
    assert!(files.len() > 350, "found only {} files", files.len());
    let mut spans = 0;
    for path in &files {
        // A Pod manifest with `{{= ... }}` placeholders: not YAML until Argo substitutes them.
        if path.ends_with("resourceManifestWithExpressions.yaml") {
            continue;
        }
        let bytes = std::fs::read(path).unwrap();
        let file = source::parse(&path.display().to_string(), &bytes, &Limits::default());
        let problems: Vec<_> = file
            .problems
            .iter()
            .filter(|p| p.rule.code != "duplicate-key")
            .collect();
        assert!(problems.is_empty(), "{}: {:?}", path.display(), problems);
        for doc in &file.documents {
            spans += same_shape(
                &doc.value,
                &doc.tree,
                &file.source.text,
                &path.display().to_string(),
            );
        }
    }
    assert!(spans > 20_000, "only {spans} spans checked");
}
