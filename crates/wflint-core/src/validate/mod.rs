//! Argo's validator (workflow/validate in argo-workflows v4.1), rule group `argo`.
//!
//! [`walk`] ports the traversal of `validate.Workflow` (which templates are validated, in which
//! order, with which arguments and variables in scope); the template-local checks it calls are
//! pure functions. Unlike Argo, which returns its first error, every finding is reported, once
//! (a template reached through several calls is reported at the first), in a stable order.

use std::collections::HashSet;

use crate::{
    diagnostic::Diagnostic,
    engine::{ObjectCx, Sink},
};

mod args;
pub(crate) mod checks;
mod dag;
pub(crate) mod depends;
mod names;
pub(crate) mod scope;
mod steps;
pub(crate) mod tags;
mod vars;
mod walk;

/// Run every Argo validator check on one object.
pub fn run(cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
    let Some(object) = cx.object else {
        return;
    };
    let mut validator = walk::Validator::new(cx, object);
    validator.run();
    for diagnostic in dedup(validator.out) {
        sink.report(diagnostic);
    }
}

/// Keep the first of findings that say the same thing at the same place (a template reached
/// through several calls is checked again on each; Argo would print the first).
fn dedup(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = HashSet::new();
    diagnostics
        .into_iter()
        .filter(|d| {
            seen.insert((
                d.rule.code,
                d.path.clone(),
                format!("{:?}", d.target),
                d.message.clone(),
            ))
        })
        .collect()
}
