//! Rules of the `syntax` group: input that cannot be read as Kubernetes manifests.
//!
//! `argo lint` silently drops such documents; wflint reports each one at its position.

use crate::declare_rule;

use super::Rule;

declare_rule! {
    /// ## What it does
    /// Reports YAML (or JSON) that does not parse, at the position the parser stopped.
    ///
    /// ## Why it matters
    /// `argo lint` drops a document it cannot parse without a word and may then report
    /// "found nothing to lint"; `kubectl apply` refuses the whole file. Every other document
    /// of the file is still linted by wflint.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   entrypoint: main
    ///    templates: []   # bad indentation
    /// ```
    ///
    /// ## Fix
    /// Correct the syntax at the reported line; an editor with YAML support shows the same spot.
    pub static YAML_SYNTAX = {
        code: "yaml-syntax",
        group: "syntax",
        severity: Error,
        summary: "the document is not valid YAML",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a mapping that has the same key twice.
    ///
    /// ## Why it matters
    /// Kubernetes rejects such manifests ("mapping key already defined"), and tools disagree on
    /// which of the two values wins; `argo lint` silently drops the whole document. wflint lints
    /// the document with the last value, like lenient YAML readers do.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   annotations: {a: "1"}
    ///   annotations: {b: "2"}
    /// ```
    ///
    /// ## Fix
    /// Merge the two entries into one.
    pub static DUPLICATE_KEY = {
        code: "duplicate-key",
        group: "syntax",
        severity: Error,
        summary: "a mapping has the same key twice",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a file that is not valid UTF-8.
    ///
    /// ## Why it matters
    /// YAML and JSON manifests must be UTF-8 for the Kubernetes API server. wflint still lints
    /// the file, with each invalid byte replaced by U+FFFD.
    ///
    /// ## Example
    /// A manifest saved as Latin-1 with `é` in a description.
    ///
    /// ## Fix
    /// Re-encode the file as UTF-8.
    pub static INVALID_ENCODING = {
        code: "invalid-encoding",
        group: "syntax",
        severity: Error,
        summary: "the file is not UTF-8",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a YAML document whose top level is not a mapping (a list, a string, a number).
    ///
    /// ## Why it matters
    /// Every Kubernetes object is a mapping with `apiVersion`, `kind` and `metadata`; anything
    /// else is refused by `kubectl apply` and skipped by `argo lint` without a word.
    ///
    /// ## Example
    /// ```yaml
    /// - apiVersion: argoproj.io/v1alpha1
    ///   kind: Workflow
    /// ```
    ///
    /// ## Fix
    /// Remove the leading `- ` or wrap the items in a `kind: List` object with `items:`.
    pub static NOT_A_MAPPING = {
        code: "not-a-mapping",
        group: "syntax",
        severity: Error,
        summary: "the document is not a mapping",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports input beyond wflint's safety limits: files over the size limit, documents nested
    /// too deeply, and alias expansions that would blow up ("billion laughs").
    ///
    /// ## Why it matters
    /// Such input is either an attack or a generated file gone wrong; expanding it would take
    /// unbounded time and memory. The Kubernetes API server refuses requests over 3 MiB.
    ///
    /// ## Example
    /// ```yaml
    /// a: &a ["x","x","x","x","x","x","x","x","x"]
    /// b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    /// c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]   # and so on
    /// ```
    ///
    /// ## Fix
    /// Split the file, or write the repeated content out instead of using aliases.
    pub static INPUT_LIMIT = {
        code: "input-limit",
        group: "syntax",
        severity: Error,
        summary: "the input exceeds a safety limit",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a document without `apiVersion` and `kind` whose `spec` is clearly a workflow
    /// spec (it has `templates`, `entrypoint` or `workflowTemplateRef`). wflint lints it as a
    /// `Workflow` so that its other problems are reported too.
    ///
    /// ## Why it matters
    /// `kubectl apply` refuses it (`Object 'Kind' is missing`) and `argo lint` skips it, then
    /// fails with "found nothing to lint".
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   generateName: hello-
    /// spec:
    ///   entrypoint: main
    /// ```
    ///
    /// ## Fix
    /// Add `apiVersion: argoproj.io/v1alpha1` and `kind: Workflow` (or the kind you meant).
    pub static MISSING_KIND = {
        code: "missing-kind",
        group: "syntax",
        severity: Error,
        summary: "a workflow document has no apiVersion and kind",
    }
}

/// The rules of this group.
pub static RULES: &[&Rule] = &[
    &YAML_SYNTAX,
    &DUPLICATE_KEY,
    &INVALID_ENCODING,
    &NOT_A_MAPPING,
    &INPUT_LIMIT,
];
