//! Rules of the `argo` group: everything Argo's own validator (`argo lint --strict`) checks.
//!
//! The checks themselves live in [`crate::validate`]; this file declares their codes and docs.

use crate::declare_rule;

use super::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a field that Argo's API does not have, with the closest known field name.
    ///
    /// ## Why it matters
    /// `argo lint` (strict by default) rejects the object with `strict decoding error: unknown
    /// field`, and the Kubernetes API server prunes or rejects it; a misspelt field
    /// (`containr:`) silently does nothing.
    ///
    /// ## Example
    /// ```yaml
    /// templates:
    ///   - name: main
    ///     containr:
    ///       image: alpine
    /// ```
    ///
    /// ## Fix
    /// Use the suggested field name, or remove the field.
    pub static UNKNOWN_FIELD = {
        code: "unknown-field",
        group: "argo",
        severity: Error,
        summary: "field not in Argo's API",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a value of the wrong type, e.g. a list where Argo expects a mapping.
    ///
    /// ## Why it matters
    /// Argo cannot decode the object at all; it is rejected before any other check runs, so
    /// wflint also stops checking that object after this finding.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   templates:
    ///     name: main    # must be a list of templates
    /// ```
    ///
    /// ## Fix
    /// Give the field the type the Argo API documents.
    pub static INVALID_TYPE = {
        code: "invalid-type",
        group: "argo",
        severity: Error,
        summary: "value has the wrong type",
    }
}

/// The rules of this group.
pub static RULES: &[&Rule] = &[&UNKNOWN_FIELD, &INVALID_TYPE];
