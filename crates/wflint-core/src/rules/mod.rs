//! Rules as documented data: every code wflint can report, its group, default severity and
//! documentation, plus the [`RuleSet`] that selects and re-ranks them.
//!
//! A rule is declared with [`declare_rule!`]; its doc comment (sections *What it does*,
//! *Why it matters*, *Example*, *Fix*) is what `wflint explain CODE` prints. Each group keeps
//! its rules in one list (`syntax::RULES`, `argo::RULES`, `artifacts::RULES`); [`all`] chains them.

use std::collections::BTreeMap;

use crate::diagnostic::Severity;

pub mod argo;
pub mod argo_checks;
pub mod artifacts;
pub mod syntax;

/// Metadata and documentation of one rule.
#[derive(PartialEq, Eq)]
pub struct Rule {
    /// Stable kebab-case code, used in output, configuration and suppressions.
    pub code: &'static str,
    /// Group: `syntax`, `argo` or `artifacts`.
    pub group: &'static str,
    /// Severity unless configuration says otherwise.
    pub default_severity: Severity,
    /// One-line summary.
    pub summary: &'static str,
    /// Markdown documentation (from the declaration's doc comment).
    pub doc: &'static str,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Rule({})", self.code)
    }
}

impl Rule {
    /// The documentation with the one-space indent of doc comments removed.
    pub fn documentation(&self) -> String {
        let mut out = String::with_capacity(self.doc.len());
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string()
    }

    /// Where the rule's documentation is published (used by editors and SARIF).
    pub fn url(&self) -> String {
        format!(
            "https://github.com/wflint/wflint/blob/main/docs/rules.md#{}",
            self.code
        )
    }
}

/// Declare a rule as a `static` [`Rule`] whose doc comment is its documentation.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis static $name:ident = {
            code: $code:literal,
            group: $group:literal,
            severity: $severity:ident,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        $vis static $name: $crate::rules::Rule = $crate::rules::Rule {
            code: $code,
            group: $group,
            default_severity: $crate::diagnostic::Severity::$severity,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
        };
    };
}

/// The groups, in display order.
pub const GROUPS: &[&str] = &["syntax", "argo", "artifacts"];

/// Every rule, group by group.
pub fn all() -> impl Iterator<Item = &'static Rule> {
    syntax::RULES
        .iter()
        .chain(argo::RULES.iter())
        .chain(argo_checks::RULES.iter())
        .chain(artifacts::RULES.iter())
        .copied()
}

/// The rule with this code.
pub fn by_code(code: &str) -> Option<&'static Rule> {
    all().find(|rule| rule.code == code)
}

/// Codes close to `code`, for "did you mean" in error messages.
pub fn suggest(code: &str) -> Option<&'static str> {
    all()
        .map(|rule| (strsim::jaro_winkler(code, rule.code), rule.code))
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, code)| code)
}

/// A selector in `--select`/`--ignore`/configuration did not name a rule or group.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule or group `{selector}`{}", .suggestion.map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
pub struct UnknownSelector {
    /// What was written.
    pub selector: String,
    /// A close code, if any.
    pub suggestion: Option<&'static str>,
}

fn matches(selector: &str, rule: &Rule) -> bool {
    selector == "all" || selector == rule.code || selector == rule.group
}

fn check_selector(selector: &str) -> Result<(), UnknownSelector> {
    if selector == "all" || GROUPS.contains(&selector) || by_code(selector).is_some() {
        Ok(())
    } else {
        Err(UnknownSelector {
            selector: selector.to_string(),
            suggestion: suggest(selector),
        })
    }
}

/// Which rules run and at which severity.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    select: Option<Vec<String>>,
    ignore: Vec<String>,
    severities: BTreeMap<String, Severity>,
}

impl RuleSet {
    /// Every rule at its default severity.
    pub fn all() -> Self {
        Self::default()
    }

    /// Only run rules matching one of `selectors` (codes, groups or `all`); replaces any earlier
    /// selection.
    pub fn select<I, S>(&mut self, selectors: I) -> Result<&mut Self, UnknownSelector>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let selectors: Vec<String> = selectors.into_iter().map(Into::into).collect();
        selectors.iter().try_for_each(|s| check_selector(s))?;
        self.select = Some(selectors);
        Ok(self)
    }

    /// Never run rules matching one of `selectors`.
    pub fn ignore<I, S>(&mut self, selectors: I) -> Result<&mut Self, UnknownSelector>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        for selector in selectors {
            let selector = selector.into();
            check_selector(&selector)?;
            self.ignore.push(selector);
        }
        Ok(self)
    }

    /// Report rules matching `selector` at `severity`. Later calls win over earlier ones, and a
    /// code wins over its group.
    pub fn set_severity(
        &mut self,
        selector: &str,
        severity: Severity,
    ) -> Result<&mut Self, UnknownSelector> {
        check_selector(selector)?;
        self.severities.insert(selector.to_string(), severity);
        Ok(self)
    }

    /// Whether `rule` runs at all.
    pub fn enabled(&self, rule: &Rule) -> bool {
        let selected = self
            .select
            .as_ref()
            .is_none_or(|sel| sel.iter().any(|s| matches(s, rule)));
        selected && !self.ignore.iter().any(|s| matches(s, rule))
    }

    /// The severity `rule` reports at, or `None` when it is disabled.
    pub fn severity(&self, rule: &Rule) -> Option<Severity> {
        if !self.enabled(rule) {
            return None;
        }
        let by_code = self.severities.get(rule.code);
        let by_group = self
            .severities
            .get(rule.group)
            .or_else(|| self.severities.get("all"));
        Some(
            by_code
                .or(by_group)
                .copied()
                .unwrap_or(rule.default_severity),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case_and_documented() {
        let mut seen = std::collections::BTreeSet::new();
        for rule in all() {
            assert!(seen.insert(rule.code), "duplicate code {}", rule.code);
            assert!(
                rule.code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} is not kebab-case",
                rule.code
            );
            assert!(
                GROUPS.contains(&rule.group),
                "{} has unknown group {}",
                rule.code,
                rule.group
            );
            let doc = rule.documentation();
            for section in [
                "## What it does",
                "## Why it matters",
                "## Example",
                "## Fix",
            ] {
                assert!(
                    doc.contains(section),
                    "{} lacks section {section}",
                    rule.code
                );
            }
        }
    }

    #[test]
    fn selection_and_severity_overrides() {
        let rule = by_code("yaml-syntax").unwrap();
        let mut set = RuleSet::all();
        assert_eq!(set.severity(rule), Some(Severity::Error));
        set.select(["argo"]).unwrap();
        assert_eq!(set.severity(rule), None);
        set.select(["syntax"]).unwrap();
        set.set_severity("syntax", Severity::Info).unwrap();
        assert_eq!(set.severity(rule), Some(Severity::Info));
        set.set_severity("yaml-syntax", Severity::Warning).unwrap();
        assert_eq!(set.severity(rule), Some(Severity::Warning));
        set.ignore(["yaml-syntax"]).unwrap();
        assert!(!set.enabled(rule));
        let err = set.ignore(["yaml-syntx"]).unwrap_err();
        assert_eq!(err.suggestion, Some("yaml-syntax"));
    }
}
