//! Rules of the `artifacts` group: artifact failures that pass `argo lint` and only show up at
//! run time (repository resolution, key-only artifacts, secrets, archive, garbage collection).

use super::Rule;

/// The rules of this group.
pub static RULES: &[&Rule] = &[];
