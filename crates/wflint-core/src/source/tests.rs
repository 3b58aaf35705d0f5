//! Tests of the YAML/JSON reader: values, spans, recovery and limits.

use serde_json::json;

use super::*;
use crate::path;

fn read(text: &str) -> ParsedFile {
    parse("test.yaml", text.as_bytes(), &Limits::default())
}

fn at(file: &ParsedFile, span: Option<Span>) -> &str {
    let span = span.expect("a span");
    &file.source.text[span.range()]
}

const WORKFLOW: &str = "\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: hello-   # trailing comment
spec:
  entrypoint: main
  templates:
    # own-line comment
    - name: main
      steps:
        - - name: gen
            template: gen
      container:
        image: \"alpine:3.20\"
        args: [a, 'b', 3]
        source: |
          echo hi
          echo there
";

#[test]
fn values_follow_kubernetes_scalar_rules() {
    let file = read("a: 0755\nb: '0755'\nc: true\nd: ~\ne: 1.5\nf: \"x\"\ng: yes\n");
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    assert_eq!(
        file.documents[0].value,
        json!({"a": 493, "b": "0755", "c": true, "d": null, "e": 1.5, "f": "x", "g": "yes"})
    );
}

#[test]
fn locates_keys_values_and_deep_paths() {
    let file = read(WORKFLOW);
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    let doc = &file.documents[0];
    assert_eq!(
        doc.value["spec"]["templates"][0]["container"]["args"],
        json!(["a", "b", 3])
    );
    let template = path!["spec", "templates", 0, "steps", 0, 0, "template"];
    assert_eq!(at(&file, doc.locate(&template, Target::Value)), "gen");
    assert_eq!(at(&file, doc.locate(&template, Target::Key)), "template");
    assert_eq!(
        at(&file, doc.locate(&template, Target::Entry)),
        "template: gen"
    );
    let image = path!["spec", "templates", 0, "container", "image"];
    assert_eq!(
        at(&file, doc.locate(&image, Target::Value)),
        "\"alpine:3.20\""
    );
    let arg = path!["spec", "templates", 0, "container", "args", 1];
    assert_eq!(at(&file, doc.locate(&arg, Target::Value)), "'b'");
    let source = path!["spec", "templates", 0, "container", "source"];
    assert!(at(&file, doc.locate(&source, Target::Value)).contains("echo there"));
    let line = file.source.lines.line_col(
        &file.source.text,
        doc.locate(&image, Target::Value).unwrap().start,
        crate::span::ColumnUnit::Chars,
    );
    assert_eq!((line.line, line.column), (14, 16));
}

#[test]
fn a_missing_path_points_at_its_deepest_ancestor() {
    let file = read(WORKFLOW);
    let doc = &file.documents[0];
    let missing = path!["spec", "templates", 0, "container", "imagePullPolicy"];
    assert_eq!(at(&file, doc.locate(&missing, Target::Value)), "container");
    let in_item = path!["spec", "templates", 0, "script"];
    assert_eq!(at(&file, doc.locate(&in_item, Target::Value)), "name: main");
    let past_end = path!["spec", "templates", 7, "name"];
    assert_eq!(at(&file, doc.locate(&past_end, Target::Value)), "templates");
}

#[test]
fn comments_are_collected_with_their_placement() {
    let file = read(WORKFLOW);
    let texts: Vec<(&str, bool)> = file
        .comments
        .iter()
        .map(|c| (c.text.trim(), c.own_line))
        .collect();
    assert_eq!(
        texts,
        vec![("trailing comment", false), ("own-line comment", true)]
    );
    assert!(at(&file, Some(file.comments[0].span)).starts_with("# trailing"));
}

#[test]
fn multi_document_files_recover_after_a_syntax_error() {
    let text = "kind: A\n---\nkind: B\n  bad: indent\n---\nkind: C\n";
    let file = read(text);
    let kinds: Vec<_> = file
        .documents
        .iter()
        .map(|d| d.value["kind"].clone())
        .collect();
    assert_eq!(kinds, vec![json!("A"), json!("C")]);
    assert_eq!(file.documents[1].index, 2);
    assert_eq!(file.problems.len(), 1);
    let problem = &file.problems[0];
    assert_eq!(problem.rule.code, "yaml-syntax");
    let pos = file
        .source
        .lines
        .line_col(text, problem.span.start, crate::span::ColumnUnit::Chars);
    assert_eq!(pos.line, 4, "{problem:?}");
}

#[test]
fn duplicate_keys_are_reported_and_the_last_wins() {
    let text = "metadata:\n  annotations: {a: '1'}\n  name: x\n  annotations: {b: '2'}\n";
    let file = read(text);
    assert_eq!(
        file.documents[0].value,
        json!({"metadata": {"annotations": {"b": "2"}, "name": "x"}})
    );
    let problem = &file.problems[0];
    assert_eq!(problem.rule.code, "duplicate-key");
    assert_eq!(file.source.lines.line_of(problem.span.start), 3);
    let (first, _) = problem.related.as_ref().unwrap();
    assert_eq!(file.source.lines.line_of(first.start), 1);
    let located = file.documents[0].locate(&path!["metadata", "annotations", "b"], Target::Value);
    assert_eq!(at(&file, located), "'2'");
}

#[test]
fn anchors_aliases_and_merge_keys() {
    let text = "base: &base {image: alpine, command: [sh]}\nc:\n  <<: *base\n  image: debian\nlist: [*base]\n";
    let file = read(text);
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    let v = &file.documents[0].value;
    assert_eq!(v["c"], json!({"image": "debian", "command": ["sh"]}));
    assert_eq!(v["list"][0]["image"], json!("alpine"));
    let alias = file.documents[0].locate(&path!["list", 0], Target::Value);
    assert_eq!(at(&file, alias), "*base");
}

#[test]
fn alias_bombs_stop_early() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = format!("*a{}", i - 1);
        let items = [prev.as_str(); 10].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{items}]\n"));
    }
    let file = read(&text);
    assert!(file.documents.is_empty());
    assert_eq!(file.problems.len(), 1);
    assert_eq!(file.problems[0].rule.code, "input-limit");
}

#[test]
fn deep_nesting_is_an_input_limit() {
    let text = format!("{}x{}", "[".repeat(1000), "]".repeat(1000));
    let file = read(&text);
    assert!(file.documents.is_empty());
    assert_eq!(
        file.problems[0].rule.code, "input-limit",
        "{:?}",
        file.problems
    );
}

#[test]
fn huge_files_are_not_read() {
    let limits = Limits {
        max_file_bytes: 10,
        ..Limits::default()
    };
    let file = parse("big.yaml", b"kind: Workflow\n", &limits);
    assert!(file.documents.is_empty());
    assert_eq!(file.problems[0].rule.code, "input-limit");
}

#[test]
fn invalid_utf8_is_reported_and_the_rest_still_read() {
    let bytes = b"kind: Workflow\nmetadata:\n  name: caf\xe9\n";
    let file = parse("latin1.yaml", bytes, &Limits::default());
    assert_eq!(file.problems[0].rule.code, "invalid-encoding");
    assert_eq!(file.problems[0].span.start, 36);
    assert_eq!(
        file.documents[0].value["metadata"]["name"],
        json!("caf\u{fffd}")
    );
}

#[test]
fn json_files_read_with_spans() {
    let text = "{\n  \"kind\": \"Workflow\",\n  \"spec\": {\"entrypoint\": \"main\"}\n}\n";
    let file = parse("wf.json", text.as_bytes(), &Limits::default());
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    let doc = &file.documents[0];
    assert_eq!(doc.value["spec"]["entrypoint"], json!("main"));
    assert_eq!(
        at(
            &file,
            doc.locate(&path!["spec", "entrypoint"], Target::Value)
        ),
        "\"main\""
    );
}

#[test]
fn empty_and_comment_only_documents_are_null() {
    let file = read("# just a comment\n---\n---\nkind: A\n");
    let values: Vec<_> = file.documents.iter().map(|d| d.value.clone()).collect();
    assert!(values.contains(&json!({"kind": "A"})));
    assert!(file.problems.is_empty());
}

#[test]
fn keys_keep_their_text() {
    let file = read("0755: a\ntrue: b\n1.0: c\n");
    assert_eq!(
        file.documents[0].value,
        json!({"0755": "a", "true": "b", "1.0": "c"})
    );
}

#[test]
fn unclosed_flow_collection_reports_a_position() {
    let file = read("a: [1, 2\nb: 3\n");
    assert!(file.documents.is_empty());
    assert_eq!(file.problems[0].rule.code, "yaml-syntax");
}
