//! Behaviours of Argo's validator traversal that wflint reproduces on purpose (scopes, options
//! per kind, message prefix chains), each pinned on a small manifest.

use wflint_core::{Input, LintOptions, context::NoContext, lint_inputs, rules::RuleSet};

/// `(code, argo_message)` of the `argo` findings of `yaml`.
fn findings(yaml: &str) -> Vec<(String, String)> {
    let mut rules = RuleSet::all();
    assert!(rules.select(["argo"]).is_ok());
    let options = LintOptions {
        rules,
        ..LintOptions::default()
    };
    let input = Input {
        name: "test.yaml".to_string(),
        bytes: yaml.as_bytes().to_vec(),
    };
    lint_inputs(vec![input], &NoContext, &options)
        .findings
        .into_iter()
        .map(|f| {
            (
                f.diagnostic.rule.code.to_string(),
                f.diagnostic.argo_message.unwrap_or_default(),
            )
        })
        .collect()
}

fn argo_messages(yaml: &str) -> Vec<String> {
    findings(yaml).into_iter().map(|(_, m)| m).collect()
}

const PRINT: &str = r#"
    - name: print
      inputs:
        parameters: [{name: message}]
      container:
        image: alpine:3.23
        args: ["{{inputs.parameters.message}}"]
"#;

#[test]
fn cron_workflows_are_validated_outside_lint_mode_with_a_prefix() {
    let yaml = r#"
apiVersion: argoproj.io/v1alpha1
kind: CronWorkflow
metadata:
  name: nightly
spec:
  schedules: ["0 0 * * *"]
  workflowSpec:
    arguments:
      parameters: [{name: day}]
    templates:
      - name: main
        container:
          image: alpine:3.23
"#;
    let messages = argo_messages(yaml);
    assert!(
        messages.contains(&"cannot validate Workflow: spec.entrypoint is required".to_string()),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.starts_with(
            "cannot validate Workflow: spec.arguments.day.value or spec.arguments.day.valueFrom is required"
        )),
        "{messages:?}"
    );
}

#[test]
fn workflow_templates_may_omit_argument_values_and_use_any_workflow_parameter() {
    let yaml = r#"
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: library
spec:
  arguments:
    parameters: [{name: day}]
  templates:
    - name: main
      container:
        image: alpine:3.23
        args: ["{{workflow.parameters.day}}", "{{workflow.parameters.other}}"]
"#;
    assert_eq!(findings(yaml), Vec::new());
    let as_workflow = yaml
        .replace("kind: WorkflowTemplate", "kind: Workflow")
        .replace("spec:\n", "spec:\n  entrypoint: main\n");
    assert_eq!(
        argo_messages(&as_workflow),
        vec!["templates.main: failed to resolve {{workflow.parameters.other}}".to_string()]
    );
}

#[test]
fn workflow_failures_only_in_the_exit_handler() {
    let yaml = format!(
        r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: failures-
spec:
  entrypoint: main
  onExit: report
  templates:
    - name: main
      steps:
        - - name: a
            template: print
            arguments:
              parameters: [{{name: message, value: "{{{{workflow.failures}}}}"}}]
    - name: report
      steps:
        - - name: b
            template: print
            arguments:
              parameters: [{{name: message, value: "{{{{workflow.failures}}}}"}}]
{PRINT}"#
    );
    assert_eq!(
        argo_messages(&yaml),
        vec!["templates.main.steps failed to resolve {{workflow.failures}}".to_string()]
    );
}

#[test]
fn steps_see_earlier_steps_and_their_own_group_but_not_later_ones() {
    let yaml = format!(
        r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: scope-
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - name: a
            template: print
            arguments:
              parameters: [{{name: message, value: x}}]
          - name: b
            template: print
            arguments:
              parameters: [{{name: message, value: "{{{{steps.a.outputs.result}}}}"}}]
        - - name: c
            template: print
            arguments:
              parameters: [{{name: message, value: "{{{{steps.d.status}}}} {{{{steps.namer.id}}}}"}}]
        - - name: d
            template: print
            arguments:
              parameters: [{{name: message, value: "{{{{steps.c.status}}}}"}}]
{PRINT}"#
    );
    assert_eq!(
        argo_messages(&yaml),
        vec!["templates.main.steps failed to resolve {{steps.d.status}}".to_string()]
    );
}

#[test]
fn dag_outputs_of_any_task_resolve_but_status_needs_an_ancestor() {
    let yaml = format!(
        r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: dag-scope-
spec:
  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
          - name: A
            template: print
            arguments:
              parameters: [{{name: message, value: "x {{{{tasks.B.outputs.result}}}}"}}]
          - name: B
            template: print
            arguments:
              parameters: [{{name: message, value: "{{{{tasks.C.status}}}}"}}]
          - name: C
            depends: A
            template: print
            arguments:
              parameters: [{{name: message, value: "{{{{tasks.A.status}}}}"}}]
{PRINT}"#
    );
    // The value also starts with `{{tasks.C.`, so the ancestry check reports it too.
    assert_eq!(
        argo_messages(&yaml),
        vec![
            "templates.main.tasks.B missing dependency 'C' for parameter 'message'".to_string(),
            "templates.main.tasks.B failed to resolve {{tasks.C.status}}".to_string(),
        ]
    );
}

#[test]
fn global_outputs_are_visible_after_their_producer() {
    let yaml = format!(
        r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: globals-
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - name: early
            template: print
            arguments:
              parameters: [{{name: message, value: "{{{{workflow.outputs.parameters.g}}}}"}}]
        - - name: produce
            template: produce
        - - name: late
            template: print
            arguments:
              parameters: [{{name: message, value: "{{{{workflow.outputs.parameters.g}}}}"}}]
    - name: produce
      container:
        image: alpine:3.23
      outputs:
        parameters:
          - name: out
            globalName: g
            valueFrom: {{path: /tmp/out}}
{PRINT}"#
    );
    assert_eq!(
        argo_messages(&yaml),
        vec![
            "templates.main.steps failed to resolve {{workflow.outputs.parameters.g}}".to_string()
        ]
    );
}

#[test]
fn loop_items_stay_in_scope_for_later_steps() {
    let yaml = format!(
        r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: items-
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - name: each
            template: print
            withItems: [{{os: linux}}]
            arguments:
              parameters: [{{name: message, value: "{{{{item.os}}}}"}}]
        - - name: after
            template: print
            arguments:
              parameters: [{{name: message, value: "{{{{item.os}}}} {{{{item.arch}}}}"}}]
{PRINT}"#
    );
    assert_eq!(
        argo_messages(&yaml),
        vec!["templates.main.steps failed to resolve {{item.arch}}".to_string()]
    );
}

#[test]
fn labels_are_known_only_when_the_object_carries_them() {
    let yaml = r#"
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: labelled
  labels:
    team: a
spec:
  workflowMetadata:
    annotations:
      note: b
  templates:
    - name: main
      container:
        image: alpine:3.23
        args:
          - "{{workflow.labels.team}} {{workflow.annotations.note}}"
          - "{{workflow.labels.workflows.argoproj.io/workflow-template}}"
"#;
    // The all-templates pass adds its prefix to the template's own (argo issue #10748).
    assert_eq!(
        argo_messages(yaml),
        vec![
            "templates.main templates.main: failed to resolve {{workflow.labels.workflows.argoproj.io/workflow-template}}"
                .to_string()
        ]
    );
}

#[test]
fn a_parameterised_template_reference_is_not_followed() {
    let yaml = format!(
        r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: dynamic-
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - name: call
            templateRef:
              name: library
              template: "{{{{item}}}}"
            withItems: [a]
        - - name: use
            template: print
            arguments:
              parameters: [{{name: message, value: "{{{{steps.call.outputs.result}}}}"}}]
{PRINT}"#
    );
    // Argo skips the call and so knows nothing of its outputs.
    assert_eq!(
        argo_messages(&yaml),
        vec!["templates.main.steps failed to resolve {{steps.call.outputs.result}}".to_string()]
    );
}

#[test]
fn nothing_cascades_from_a_missing_template() {
    let yaml = format!(
        r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: missing-
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - name: call
            template: nosuch
        - - name: use
            template: print
            arguments:
              parameters: [{{name: message, value: "{{{{steps.call.outputs.result}}}}"}}]
{PRINT}"#
    );
    assert_eq!(
        findings(&yaml),
        vec![(
            "template-not-found".to_string(),
            "templates.main.steps[0].call template name 'nosuch' undefined".to_string()
        )]
    );
}

#[test]
fn arguments_merged_from_a_workflow_template_point_at_the_reference() {
    let yaml = r#"
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: library
spec:
  entrypoint: main
  arguments:
    parameters:
      - {name: colour, value: green, enum: [red, blue]}
      - {name: size, value: big, enum: [small]}
  templates:
    - name: main
      container:
        image: alpine:3.23
---
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: merged-
spec:
  arguments:
    parameters:
      - {name: size, value: large, enum: [small]}
  workflowTemplateRef:
    name: library
"#;
    let input = Input {
        name: "test.yaml".to_string(),
        bytes: yaml.as_bytes().to_vec(),
    };
    let report = lint_inputs(vec![input], &NoContext, &LintOptions::default());
    let mut in_workflow: Vec<(String, String)> = report
        .findings
        .iter()
        .filter(|f| f.object.as_ref().is_some_and(|o| o.kind == "Workflow"))
        .map(|f| {
            (
                f.diagnostic.path.to_string(),
                f.diagnostic.argo_message.clone().unwrap_or_default(),
            )
        })
        .collect();
    in_workflow.sort();
    assert_eq!(
        in_workflow,
        vec![
            (
                "spec.arguments.parameters[0].value".to_string(),
                "spec.arguments.size.value should be present in spec.arguments.size.enum list"
                    .to_string()
            ),
            (
                "spec.workflowTemplateRef".to_string(),
                "spec.arguments.colour.value should be present in spec.arguments.colour.enum list"
                    .to_string()
            ),
        ]
    );
}

#[test]
fn plain_messages_show_variables_where_argo_shows_placeholders() {
    let yaml = r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: param-ref-
spec:
  entrypoint: outer
  templates:
    - name: outer
      steps:
        - - name: inner
            template: main
            arguments:
              parameters: [{name: lib, value: library}]
    - name: main
      inputs:
        parameters: [{name: lib}]
      steps:
        - - name: call
            templateRef:
              name: "{{inputs.parameters.lib}}"
              template: print
"#;
    let input = Input {
        name: "test.yaml".to_string(),
        bytes: yaml.as_bytes().to_vec(),
    };
    let report = lint_inputs(vec![input], &NoContext, &LintOptions::default());
    let finding = report
        .findings
        .iter()
        .find(|f| f.diagnostic.rule.code == "template-ref-not-found")
        .expect("a parameterised templateRef name is looked up, as in Argo");
    assert!(
        finding
            .diagnostic
            .message
            .contains("`{{inputs.parameters.lib}}`"),
        "{}",
        finding.diagnostic.message
    );
    assert!(
        finding
            .diagnostic
            .argo_message
            .as_deref()
            .is_some_and(|a| a.contains("__argo__internal__placeholder-")),
        "{:?}",
        finding.diagnostic.argo_message
    );
}

/// The template index is built from every input before any file is linted (two passes): a
/// `workflowTemplateRef` resolves to a template defined in a later file, also when the later
/// file spells its kind with escapes, and an unknown name is still reported.
#[test]
fn template_refs_resolve_across_files_whatever_their_order() {
    let workflow = |template: &str| Input {
        name: format!("wf-{template}.yaml"),
        bytes: format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {{name: wf-{template}}}\n\
             spec:\n  workflowTemplateRef: {{name: {template}}}\n"
        )
        .into_bytes(),
    };
    let yaml_template = Input {
        name: "template.yaml".to_string(),
        bytes:
            b"apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {name: plain}\n\
spec:\n  entrypoint: main\n  templates:\n  - name: main\n    container: {image: alpine:3.23}\n"
                .to_vec(),
    };
    let escaped_template = Input {
        name: "escaped.json".to_string(),
        bytes: br#"{"apiVersion": "argoproj.io/v1alpha1", "kind": "\u0057orkflow\u0054emplate",
 "metadata": {"name": "escaped"},
 "spec": {"entrypoint": "main", "templates": [{"name": "main", "container": {"image": "alpine:3.23"}}]}}"#
            .to_vec(),
    };
    // YAML escapes: `\x54` and a line break escaped inside a double-quoted scalar.
    let yaml_escaped_template = Input {
        name: "yaml-escaped.yaml".to_string(),
        bytes: b"apiVersion: argoproj.io/v1alpha1\nkind: \"Workflow\\x54emp\\\n  late\"\n\
metadata: {name: yaml-escaped}\nspec:\n  entrypoint: main\n  templates:\n  - name: main\n    container: {image: alpine:3.23}\n"
            .to_vec(),
    };
    let report = lint_inputs(
        vec![
            workflow("plain"),
            workflow("escaped"),
            workflow("yaml-escaped"),
            workflow("absent"),
            yaml_template,
            escaped_template,
            yaml_escaped_template,
        ],
        &NoContext,
        &LintOptions::default(),
    );
    let not_found: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.diagnostic.rule.code == "template-ref-not-found")
        .filter_map(|f| f.file.as_ref().map(|file| file.name.as_str()))
        .collect();
    assert_eq!(not_found, ["wf-absent.yaml"], "{:#?}", report.findings);
    assert_eq!(report.files.len(), 7);
    assert_eq!(report.objects, 7);
}
