//! Turning the PATH arguments into lint inputs: files, folders (recursive) and `-` for stdin.

use std::{
    collections::HashSet,
    io::Read,
    path::{Path, PathBuf},
};

use wflint_core::{Input, context::files::collect_manifest_files};

use crate::error::CliError;

/// The display name of standard input.
pub(crate) const STDIN_NAME: &str = "stdin";

/// One input to lint, with the path it was read from (`None` for stdin).
#[derive(Debug)]
pub(crate) struct Discovered {
    /// The input handed to the engine.
    pub(crate) input: Input,
    /// Where it came from, as given or found under a given folder.
    pub(crate) path: Option<PathBuf>,
}

/// Read every input named by `paths`, in order; folders contribute their manifest files in
/// sorted order. A file reached twice is read once.
pub(crate) fn discover(
    paths: &[PathBuf],
    stdin: &mut dyn Read,
) -> Result<Vec<Discovered>, CliError> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut stdin_read = false;
    for path in paths {
        if path == Path::new("-") {
            if stdin_read {
                return Err(CliError::StdinTwice);
            }
            stdin_read = true;
            let mut bytes = Vec::new();
            stdin.read_to_end(&mut bytes).map_err(CliError::Stdin)?;
            out.push(Discovered {
                input: Input {
                    name: STDIN_NAME.to_string(),
                    bytes,
                },
                path: None,
            });
            continue;
        }
        let files = collect_manifest_files(path).map_err(|source| CliError::Read {
            path: path.clone(),
            source,
        })?;
        for file in files {
            let identity = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
            if !seen.insert(identity) {
                continue;
            }
            let bytes = std::fs::read(&file).map_err(|source| CliError::Read {
                path: file.clone(),
                source,
            })?;
            out.push(Discovered {
                input: Input {
                    name: file.display().to_string(),
                    bytes,
                },
                path: Some(file),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_walked_in_sorted_order_skipping_hidden_and_target() {
        let root = std::env::temp_dir().join(format!("wflint-discover-{}", std::process::id()));
        for dir in ["b", "a/c", ".git", "target", "a/.hidden"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        for file in [
            "b/z.yaml",
            "a/c/y.yml",
            "a/x.json",
            "a/notes.txt",
            ".git/config.yaml",
            "target/out.yaml",
            "a/.hidden/h.yaml",
            "a/.dot.yaml",
        ] {
            std::fs::write(root.join(file), "{}").unwrap();
        }
        let found = discover(
            &[root.clone(), root.join("b/z.yaml")],
            &mut std::io::empty(),
        )
        .unwrap();
        let names: Vec<_> = found
            .iter()
            .map(|d| {
                d.path
                    .as_ref()
                    .unwrap()
                    .strip_prefix(&root)
                    .unwrap()
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(names, ["a/c/y.yml", "a/x.json", "b/z.yaml"]);

        // An explicit file is linted whatever its extension.
        let found = discover(&[root.join("a/notes.txt")], &mut std::io::empty()).unwrap();
        assert_eq!(found.len(), 1);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn stdin_is_read_once_and_named_stdin() {
        let mut stdin: &[u8] = b"kind: Workflow";
        let found = discover(&[PathBuf::from("-")], &mut stdin).unwrap();
        assert_eq!(found[0].input.name, STDIN_NAME);
        assert_eq!(found[0].input.bytes, b"kind: Workflow");
        assert!(found[0].path.is_none());
        let twice = discover(
            &[PathBuf::from("-"), PathBuf::from("-")],
            &mut std::io::empty(),
        );
        assert!(matches!(twice, Err(CliError::StdinTwice)));
    }

    #[test]
    fn a_missing_path_is_an_error_naming_it() {
        let error = discover(
            &[PathBuf::from("/no/such/wflint/input.yaml")],
            &mut std::io::empty(),
        )
        .unwrap_err();
        assert!(error.to_string().contains("/no/such/wflint/input.yaml"));
    }
}
