//! PLACEHOLDER

use crate::engine::Sink;

use super::super::analysis::ArtifactCx;

pub(crate) fn check(_cx: &ArtifactCx<'_>, _sink: &mut Sink<'_>) {}
