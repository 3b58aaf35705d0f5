//! The validator never panics on odd input: every object of Argo's examples (`../shared/corpus`)
//! is linted again after deterministic random mutations (values replaced by nulls, empty or
//! unclosed `{{` strings, wrong types, or other parts of the same object; names duplicated;
//! lists emptied), with the examples' templates as context. Skipped when the corpus is absent.

use std::path::{Path, PathBuf};

use serde_json::Value;
use wflint_core::{
    LintOptions,
    context::NoContext,
    engine::{Layered, TemplateIndex, objects_in},
    lint_value,
    source::{self, Limits},
};

fn examples() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    [
        root.join("../shared/corpus/argo-examples"),
        root.join("../../shared/corpus/argo-examples"),
    ]
    .into_iter()
    .find(|d| d.join("INDEX.tsv").is_file())
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}

/// xorshift64: deterministic, dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// JSON pointers of every node under `value`.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                let key = key.replace('~', "~0").replace('/', "~1");
                pointers(item, format!("{at}/{key}"), out);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                pointers(item, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

fn mutate(value: &mut Value, rng: &mut Rng) {
    let mut all = Vec::new();
    pointers(value, String::new(), &mut all);
    let spec: Vec<&String> = all.iter().filter(|p| p.starts_with("/spec")).collect();
    if spec.is_empty() {
        return;
    }
    let target = spec[rng.below(spec.len())].clone();
    let donor = spec[rng.below(spec.len())].clone();
    let replacement = match rng.below(9) {
        0 => Value::Null,
        1 => Value::String(String::new()),
        2 => Value::String("{{".to_string()),
        3 => Value::String("{{inputs.parameters.x}} {{steps.a.outputs.result}}".to_string()),
        4 => Value::from(-1),
        5 => Value::Array(Vec::new()),
        6 => Value::Object(serde_json::Map::new()),
        7 => Value::String("A.Succeeded && B || {{tasks.x.status}}".to_string()),
        _ => value.pointer(&donor).cloned().unwrap_or(Value::Null),
    };
    if let Some(slot) = value.pointer_mut(&target) {
        *slot = replacement;
    }
}

#[test]
fn mutated_examples_never_panic() {
    let Some(dir) = examples() else {
        eprintln!("skipping: ../shared/corpus/argo-examples is absent");
        return;
    };
    let mut paths = Vec::new();
    files(&dir, &mut paths);
    paths.sort();
    let parsed: Vec<_> = paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).unwrap_or_default();
            source::parse(&p.display().to_string(), &bytes, &Limits::default())
        })
        .collect();
    let options = LintOptions::default();
    let index = TemplateIndex::from_files(&parsed, &options.default_namespace);
    let context = Layered {
        templates: &index,
        inner: &NoContext,
        closed_world: true,
    };
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut linted = 0;
    for file in &parsed {
        for document in &file.documents {
            for (_, value, _) in objects_in(&document.value) {
                for round in 0..12 {
                    let mut mutated = value.clone();
                    for _ in 0..=(round % 3) {
                        mutate(&mut mutated, &mut rng);
                    }
                    let _ = lint_value(&mutated, &context, &options);
                    linted += 1;
                }
            }
        }
    }
    assert!(linted > 1000, "only {linted} mutated objects linted");
}
