//! Argo's validator (workflow/validate in argo-workflows v4.1), rule group `argo`.
//!
//! INTERIM (branch `checks`): runs the self-contained checks of [`checks`] on each object,
//! every template as written. The walker (branch `validator`) replaces this `run` with Argo's
//! traversal, which calls the same entry points in Argo's order and adds caller prefixes.

pub(crate) mod checks;

use crate::engine::{ObjectCx, Sink};

pub(crate) mod dag;
pub(crate) mod tags;

/// Run every Argo validator check on one object.
pub fn run(cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
    let Some(object) = cx.object else {
        return;
    };
    let mut found = Vec::new();
    checks::check_object(object, &mut found);
    for diagnostic in found {
        sink.report(diagnostic);
    }
}
