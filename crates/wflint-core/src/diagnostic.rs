//! Findings: what a rule reports, where, and how it could be fixed.
//!
//! A [`Diagnostic`] is symbolic: it names a [`FieldPath`] inside one object. The engine turns it
//! into a [`Finding`] with a file and byte span when the object came from source text.

use std::{fmt, sync::Arc};

use serde::{Deserialize, Serialize};

use crate::{path::FieldPath, rules::Rule, span::Span};

/// How serious a finding is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational advice; never fails a run.
    Info,
    /// Something likely wrong; fails a run only with `--deny-warnings`.
    Warning,
    /// The workflow will be rejected or fail; fails the run (exit 1) and denies admission.
    Error,
}

impl Severity {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parse `error`, `warning` (or `warn`), `info`.
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" | "note" => Some(Severity::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which part of the node at a path a finding points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Target {
    /// The value (the default): `image: │alpine│`.
    #[default]
    Value,
    /// The mapping key: `│imagePullPolicy│: Always`.
    Key,
    /// Key and value together.
    Entry,
}

/// A secondary location that helps explain a finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    /// Where, in the same object.
    pub path: FieldPath,
    /// What is there.
    pub message: String,
}

/// A symbolic, machine-applicable edit.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Rename the mapping key at `path` (the path of the key's value) to `new_key`.
    RenameKey {
        /// Path of the entry whose key changes.
        path: FieldPath,
        /// The replacement key text.
        new_key: String,
    },
    /// Replace the scalar value at `path` with `new_value` (a plain string, quoted as needed).
    ReplaceValue {
        /// Path of the scalar.
        path: FieldPath,
        /// The new value.
        new_value: String,
    },
}

/// A suggested fix for a finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    /// What the fix does, shown in editors ("Rename to `container`").
    pub title: String,
    /// The edits, applied together.
    pub edits: Vec<Edit>,
}

/// One finding of one rule inside one object.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// The rule that fired.
    pub rule: &'static Rule,
    /// Effective severity (the rule's default until configuration remaps it).
    pub severity: Severity,
    /// Plain-words description of the problem.
    pub message: String,
    /// Argo's own text for the same check, when Argo makes it.
    pub argo_message: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
    /// Where inside the object.
    pub path: FieldPath,
    /// Which part of the node at `path`.
    pub target: Target,
    /// Secondary locations.
    pub related: Vec<Related>,
    /// A safe fix, if there is one.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A finding of `rule` at `path` with the rule's default severity.
    pub fn new(rule: &'static Rule, path: FieldPath, message: impl Into<String>) -> Self {
        Self {
            rule,
            severity: rule.default_severity,
            message: message.into(),
            argo_message: None,
            help: None,
            path,
            target: Target::Value,
            related: Vec::new(),
            fix: None,
        }
    }

    /// The rule code.
    pub fn code(&self) -> &'static str {
        self.rule.code
    }

    /// Attach Argo's own message text.
    #[must_use]
    pub fn argo(mut self, text: impl Into<String>) -> Self {
        self.argo_message = Some(text.into());
        self
    }

    /// Attach help text.
    #[must_use]
    pub fn help(mut self, text: impl Into<String>) -> Self {
        self.help = Some(text.into());
        self
    }

    /// Point at the key instead of the value.
    #[must_use]
    pub fn on_key(mut self) -> Self {
        self.target = Target::Key;
        self
    }

    /// Point at the whole entry.
    #[must_use]
    pub fn on_entry(mut self) -> Self {
        self.target = Target::Entry;
        self
    }

    /// Add a secondary location.
    #[must_use]
    pub fn related(mut self, path: FieldPath, message: impl Into<String>) -> Self {
        self.related.push(Related {
            path,
            message: message.into(),
        });
        self
    }

    /// Attach a fix.
    #[must_use]
    pub fn fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// Override the severity.
    #[must_use]
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

/// The Kubernetes identity of a linted object.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ObjectRef {
    /// `Workflow`, `WorkflowTemplate`, `ClusterWorkflowTemplate`, `CronWorkflow` (or what the
    /// document says).
    pub kind: String,
    /// `metadata.name`, else `metadata.generateName`, else `object #<n>`.
    pub name: String,
    /// The namespace the object is linted in (`None` for cluster-scoped kinds).
    pub namespace: Option<String>,
}

/// A source file the findings point into.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as given on the command line (or `stdin`, or an editor URI).
    pub name: String,
    /// The text (lossily decoded when the file was not UTF-8).
    pub text: String,
    /// Line starts of `text`.
    pub lines: crate::span::LineIndex,
}

impl SourceFile {
    /// Wrap a name and text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let lines = crate::span::LineIndex::new(&text);
        Self {
            name: name.into(),
            text,
            lines,
        }
    }
}

/// A diagnostic placed in a file.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The finding itself.
    pub diagnostic: Diagnostic,
    /// The file it is in (`None` when the object came without source text, e.g. admission).
    pub file: Option<Arc<SourceFile>>,
    /// The object it is about (`None` for findings about a whole file, e.g. bad encoding).
    pub object: Option<ObjectRef>,
    /// Byte span of the primary location, when known.
    pub span: Option<Span>,
    /// Byte spans of the related locations, in order (`None` where unknown).
    pub related_spans: Vec<Option<Span>>,
}
