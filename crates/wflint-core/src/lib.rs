//! wflint-core: the Argo Workflows linter as a library.
//!
//! Synchronous and IO-free: callers hand in bytes or JSON values plus a [`context::ClusterContext`]
//! and get [`diagnostic::Finding`]s back. The CLI, the language server and the admission webhook
//! are thin adapters around [`engine`].

#![warn(missing_docs)]

pub mod artifacts;
pub mod context;
pub mod diagnostic;
pub mod engine;
pub mod model;
pub mod path;
pub mod policy;
mod restrictions;
pub mod rules;
pub mod source;
pub mod span;
pub mod validate;

pub use diagnostic::{Diagnostic, Finding, ObjectRef, Severity};
pub use engine::{Input, LintOptions, Report, lint_inputs, lint_value};
pub use path::FieldPath;
