//! The `wflint.toml` configuration file: discovery, parsing with positions, validation.
//!
//! ```toml
//! namespace = "argo"                      # default namespace for objects without one
//! [rules]
//! select = ["argo", "artifacts"]          # only these codes or groups
//! ignore = ["artifact-gc-no-service-account"]
//! [rules.severity]
//! artifact-insecure = "error"
//! [[ignore]]                              # per-path ignores
//! paths = ["legacy/**"]
//! codes = ["unknown-field"]
//! ```

use std::{
    collections::BTreeMap,
    io,
    path::{Component, Path, PathBuf},
};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use miette::{NamedSource, SourceSpan};
use serde::Deserialize;
use toml::Spanned;
use wflint_core::{
    Severity,
    rules::{self, Rule},
};

/// The name of the configuration file looked up from the working folder upwards.
pub(crate) const FILE_NAME: &str = "wflint.toml";

/// The configuration file could not be used.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub(crate) enum ConfigError {
    /// The file could not be read.
    #[error("cannot read configuration file {}", path.display())]
    #[diagnostic(code(wflint::config))]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The file is not valid TOML, has an unknown key, or names an unknown rule.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Invalid(Box<InvalidConfig>),
}

/// A problem at a position in the configuration file.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("invalid configuration file {}:{line}:{column}: {message}", path.display())]
#[diagnostic(code(wflint::config))]
pub(crate) struct InvalidConfig {
    /// The file.
    path: PathBuf,
    /// 1-based line of the problem.
    pub(crate) line: usize,
    /// 1-based column of the problem.
    pub(crate) column: usize,
    /// What is wrong.
    pub(crate) message: String,
    /// The file's text, for the snippet.
    #[source_code]
    source_code: NamedSource<String>,
    /// Where.
    #[label("here")]
    span: SourceSpan,
    /// How to fix it.
    #[help]
    help: Option<String>,
}

/// The settings of one configuration file.
#[derive(Debug, Default)]
pub(crate) struct Config {
    /// The file it came from.
    pub(crate) path: PathBuf,
    /// Default namespace for objects without one.
    pub(crate) namespace: Option<String>,
    /// Only these codes or groups run.
    pub(crate) select: Option<Vec<String>>,
    /// These codes or groups never run.
    pub(crate) ignore: Vec<String>,
    /// Severity overrides by code or group, in file order.
    pub(crate) severities: Vec<(String, Severity)>,
    /// Per-path ignores.
    pub(crate) path_ignores: Vec<PathIgnore>,
}

/// Codes ignored in the files matching some globs.
#[derive(Debug)]
pub(crate) struct PathIgnore {
    globs: GlobSet,
    codes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    namespace: Option<Spanned<String>>,
    #[serde(default)]
    rules: RawRules,
    #[serde(default)]
    ignore: Vec<RawPathIgnore>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    select: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPathIgnore {
    paths: Vec<Spanned<String>>,
    codes: Vec<Spanned<String>>,
}

impl Config {
    /// The `wflint.toml` in `start` or the nearest of its parents, if any.
    pub(crate) fn discover(start: &Path) -> Result<Option<Self>, ConfigError> {
        for dir in start.ancestors() {
            let candidate = dir.join(FILE_NAME);
            if candidate.is_file() {
                return Self::load(&candidate).map(Some);
            }
        }
        Ok(None)
    }

    /// Read and validate the file at `path`.
    pub(crate) fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, &text)
    }

    /// Parse and validate `text`, read from `path`.
    pub(crate) fn parse(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let invalid = |span: std::ops::Range<usize>, message: String, help: Option<String>| {
            let (line, column) = line_col(text, span.start);
            ConfigError::Invalid(Box::new(InvalidConfig {
                path: path.to_path_buf(),
                line,
                column,
                message,
                source_code: NamedSource::new(path.display().to_string(), text.to_string()),
                span: (span.start, span.len()).into(),
                help,
            }))
        };
        let raw: RawConfig = toml::from_str(text).map_err(|error| {
            let message = error.message().trim().to_string();
            let help = message.starts_with("unknown field").then(|| {
                "valid keys: `namespace`, `[rules]` with `select`, `ignore` and \
                 `[rules.severity]`, and `[[ignore]]` with `paths` and `codes`"
                    .to_string()
            });
            invalid(error.span().unwrap_or(0..0), message, help)
        })?;
        let selector = |s: &Spanned<String>| -> Result<String, ConfigError> {
            check_selector(s.get_ref()).map_err(|message| {
                invalid(
                    s.span(),
                    message,
                    Some("`wflint rules` lists every code".into()),
                )
            })?;
            Ok(s.get_ref().clone())
        };
        let selectors = |list: &[Spanned<String>]| list.iter().map(selector).collect();

        let namespace = match raw.namespace {
            Some(ns) if ns.get_ref().trim().is_empty() => {
                return Err(invalid(
                    ns.span(),
                    "`namespace` must not be empty".into(),
                    None,
                ));
            }
            other => other.map(Spanned::into_inner),
        };
        let select = raw.rules.select.as_deref().map(selectors).transpose()?;
        let ignore = selectors(&raw.rules.ignore)?;
        let mut severities = Vec::new();
        for (code, level) in &raw.rules.severity {
            let code = selector(code)?;
            let severity = Severity::parse(level.get_ref()).ok_or_else(|| {
                invalid(
                    level.span(),
                    format!("unknown severity `{}`", level.get_ref()),
                    Some("use \"error\", \"warning\" or \"info\"".into()),
                )
            })?;
            severities.push((code, severity));
        }
        let mut path_ignores = Vec::new();
        for entry in &raw.ignore {
            let mut globs = GlobSetBuilder::new();
            for pattern in &entry.paths {
                let glob = GlobBuilder::new(pattern.get_ref())
                    .literal_separator(true)
                    .build()
                    .map_err(|error| {
                        invalid(
                            pattern.span(),
                            format!("invalid glob: {}", error.kind()),
                            None,
                        )
                    })?;
                globs.add(glob);
            }
            let globs = globs.build().map_err(|error| {
                invalid(
                    entry.paths.first().map_or(0..0, Spanned::span),
                    format!("invalid globs: {error}"),
                    None,
                )
            })?;
            path_ignores.push(PathIgnore {
                globs,
                codes: selectors(&entry.codes)?,
            });
        }
        Ok(Self {
            path: path.to_path_buf(),
            namespace,
            select,
            ignore,
            severities,
            path_ignores,
        })
    }

    /// The folder per-path globs are relative to.
    pub(crate) fn base_dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new(""))
    }

    /// Whether a per-path ignore silences `rule` in `file` (an absolute, normalised path).
    pub(crate) fn ignores(&self, file: &Path, rule: &Rule) -> bool {
        if self.path_ignores.is_empty() {
            return false;
        }
        let base = normalize(self.base_dir());
        let Ok(relative) = file.strip_prefix(&base) else {
            return false;
        };
        self.path_ignores.iter().any(|entry| {
            entry.globs.is_match(relative)
                && entry
                    .codes
                    .iter()
                    .any(|code| code == "all" || code == rule.code || code == rule.group)
        })
    }
}

/// Whether `selector` names a rule, a group or `all`; else the error message.
pub(crate) fn check_selector(selector: &str) -> Result<(), String> {
    if selector == "all" || rules::GROUPS.contains(&selector) || rules::by_code(selector).is_some()
    {
        return Ok(());
    }
    Err(rules::UnknownSelector {
        selector: selector.to_string(),
        suggestion: rules::suggest(selector),
    }
    .to_string())
}

/// `path` made absolute against `cwd`, with `.` and `..` resolved lexically.
pub(crate) fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    normalize(&cwd.join(path))
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let index = wflint_core::span::LineIndex::new(text);
    let at = index.line_col(text, offset, wflint_core::span::ColumnUnit::Chars);
    (at.line, at.column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("/repo/wflint.toml"), text)
    }

    fn position(error: ConfigError) -> (usize, usize, String) {
        match error {
            ConfigError::Invalid(invalid) => (invalid.line, invalid.column, invalid.message),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn reads_every_setting() {
        let config = parse(
            r#"
namespace = "argo"
[rules]
select = ["argo", "artifacts"]
ignore = ["invalid-type"]
[rules.severity]
unknown-field = "warning"
syntax = "info"
[[ignore]]
paths = ["legacy/**"]
codes = ["yaml-syntax"]
"#,
        )
        .unwrap();
        assert_eq!(config.namespace.as_deref(), Some("argo"));
        assert_eq!(
            config.select,
            Some(vec!["argo".to_string(), "artifacts".to_string()])
        );
        assert_eq!(config.ignore, vec!["invalid-type".to_string()]);
        assert!(
            config
                .severities
                .contains(&("unknown-field".to_string(), Severity::Warning))
        );
        assert!(
            config
                .severities
                .contains(&("syntax".to_string(), Severity::Info))
        );
        let yaml_syntax = rules::by_code("yaml-syntax").unwrap();
        let unknown_field = rules::by_code("unknown-field").unwrap();
        assert!(config.ignores(Path::new("/repo/legacy/a/b.yaml"), yaml_syntax));
        assert!(!config.ignores(Path::new("/repo/legacy/a/b.yaml"), unknown_field));
        assert!(!config.ignores(Path::new("/repo/current/b.yaml"), yaml_syntax));
        assert!(!config.ignores(Path::new("/elsewhere/legacy/b.yaml"), yaml_syntax));
    }

    #[test]
    fn unknown_keys_are_reported_at_their_line() {
        let (line, column, message) =
            position(parse("[rules]\nselect = [\"argo\"]\nignorre = []\n").unwrap_err());
        assert_eq!((line, column), (3, 1));
        assert!(message.contains("unknown field `ignorre`"), "{message}");
    }

    #[test]
    fn unknown_codes_are_reported_with_a_suggestion() {
        let (line, column, message) =
            position(parse("[rules]\nignore = [\"argo\", \"unknown-feild\"]\n").unwrap_err());
        assert_eq!((line, column), (2, 19));
        assert!(
            message.contains("did you mean `unknown-field`"),
            "{message}"
        );

        let (line, _, message) =
            position(parse("[rules.severity]\nunknown-feld = \"error\"\n").unwrap_err());
        assert_eq!(line, 2);
        assert!(message.contains("unknown-feld"), "{message}");

        let (line, _, message) =
            position(parse("[rules.severity]\nunknown-field = \"fatal\"\n").unwrap_err());
        assert_eq!(line, 2);
        assert!(message.contains("unknown severity `fatal`"), "{message}");

        let (line, _, message) =
            position(parse("[[ignore]]\npaths = [\"a/**\"]\ncodes = [\"nope\"]\n").unwrap_err());
        assert_eq!(line, 3);
        assert!(
            message.contains("unknown rule or group `nope`"),
            "{message}"
        );
    }

    #[test]
    fn syntax_errors_and_bad_globs_have_positions() {
        let (line, _, _) = position(parse("[rules\n").unwrap_err());
        assert_eq!(line, 1);
        let (line, _, message) =
            position(parse("[[ignore]]\npaths = [\"a/[\"]\ncodes = [\"all\"]\n").unwrap_err());
        assert_eq!(line, 2);
        assert!(message.contains("invalid glob"), "{message}");
    }

    #[test]
    fn discovery_walks_up_to_the_nearest_file() {
        let root = std::env::temp_dir().join(format!("wflint-config-{}", std::process::id()));
        let nested = root.join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(root.join(FILE_NAME), "namespace = \"top\"\n").unwrap();
        let found = Config::discover(&nested).unwrap().unwrap();
        assert_eq!(found.namespace.as_deref(), Some("top"));
        std::fs::write(root.join("a").join(FILE_NAME), "namespace = \"mid\"\n").unwrap();
        let found = Config::discover(&nested).unwrap().unwrap();
        assert_eq!(found.namespace.as_deref(), Some("mid"));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn paths_are_normalised_lexically() {
        assert_eq!(
            absolute(Path::new("/repo/x"), Path::new("../legacy/./a.yaml")),
            PathBuf::from("/repo/legacy/a.yaml")
        );
        assert_eq!(
            absolute(Path::new("/repo"), Path::new("/abs/a.yaml")),
            PathBuf::from("/abs/a.yaml")
        );
    }
}
