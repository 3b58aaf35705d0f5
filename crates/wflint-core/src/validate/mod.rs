//! Argo's validator (workflow/validate in argo-workflows v4.1), rule group `argo`.
//!
//! PLACEHOLDER: the port of every check lands here.

use crate::engine::{ObjectCx, Sink};

pub(crate) mod dag;
pub(crate) mod tags;

/// Run every Argo validator check on one object.
pub fn run(_cx: &ObjectCx<'_>, _sink: &mut Sink<'_>) {}
