//! Artifact paths checked as Argo's `Artifact.CleanPath` checks them: a path is required, and a
//! `..` segment must not climb out of the folder written before it.

use super::go;

/// Why `CleanPath` rejects an artifact path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathProblem {
    /// No path at all.
    Missing,
    /// A `..` segment escapes the folder before it.
    Traversal,
}

impl PathProblem {
    /// Argo's text for artifact `name`.
    pub(crate) fn argo_text(self, name: &str) -> String {
        match self {
            PathProblem::Missing => format!("Artifact '{name}' did not specify a path"),
            PathProblem::Traversal => format!(
                "Artifact '{name}' attempted to use a path containing '..'. Directory traversal is not permitted"
            ),
        }
    }
}

/// Argo's `CleanPath` on Linux: `Ok` with the cleaned path, or the problem.
pub(crate) fn clean_artifact_path(path: &str) -> Result<String, PathProblem> {
    if path.is_empty() {
        return Err(PathProblem::Missing);
    }
    let safe_dir: &[u8] = if let Some(at) = path.find("/../") {
        &path.as_bytes()[..at]
    } else if ends_with_slash_and_two_chars(path) {
        // Argo's pattern is `/..$` where `.` is any character: it also catches `/ab` at the end.
        &path.as_bytes()[..path.len() - 3]
    } else {
        &[]
    };
    let cleaned = go::clean_path(path);
    if !safe_dir.is_empty() {
        let mut with_slash = safe_dir.to_vec();
        with_slash.push(b'/');
        let escapes =
            !cleaned.as_bytes().starts_with(&with_slash) || cleaned.len() <= with_slash.len();
        if escapes {
            return Err(PathProblem::Traversal);
        }
    }
    Ok(cleaned)
}

/// Go's `regexp.MustCompile("/..$").MatchString(path)`: a `/` followed by exactly two
/// characters (not newlines) at the end.
fn ends_with_slash_and_two_chars(path: &str) -> bool {
    let mut tail = path.chars().rev();
    let (Some(last), Some(before_last), Some(slash)) = (tail.next(), tail.next(), tail.next())
    else {
        return false;
    };
    slash == '/' && last != '\n' && before_last != '\n'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_paths_that_stay_inside() {
        for (path, cleaned) in [
            ("/tmp/a", "/tmp/a"),
            ("/tmp/a/", "/tmp/a"),
            ("/tmp/../tmp/x", "/tmp/x"),
            ("relative/file", "relative/file"),
            ("/..", "/"),
            ("../up", "../up"),
            ("/a/bc", "/a/bc"),
            (
                "/tmp/{{inputs.parameters.x}}",
                "/tmp/{{inputs.parameters.x}}",
            ),
        ] {
            assert_eq!(clean_artifact_path(path), Ok(cleaned.to_string()), "{path}");
        }
    }

    #[test]
    fn rejects_traversal_and_missing_paths() {
        for path in [
            "/tmp/../x",
            "/tmp/x/../y",
            "/tmp/a/..",
            "a/..",
            "x//.",
            "/safe/../../etc",
            "/tmp/a/../..",
        ] {
            assert_eq!(
                clean_artifact_path(path),
                Err(PathProblem::Traversal),
                "{path}"
            );
        }
        assert_eq!(clean_artifact_path(""), Err(PathProblem::Missing));
        assert_eq!(
            PathProblem::Missing.argo_text("out"),
            "Artifact 'out' did not specify a path"
        );
    }

    #[test]
    fn multibyte_tails_do_not_panic() {
        let _ = clean_artifact_path("/é");
        let _ = clean_artifact_path("/éa");
        let _ = clean_artifact_path("ab/é/..");
    }
}
