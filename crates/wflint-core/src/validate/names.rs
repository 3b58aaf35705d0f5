//! Argo's rule for template, step and task names (`isValidWorkflowFieldName`): letters, digits
//! and `-`, starting with a letter or digit, at most 128 characters.

use super::tags::PLACEHOLDER_PREFIX;

const MAX_LENGTH: usize = 128;
const PATTERN_REASON: &str = "name must consist of alpha-numeric characters or '-', and must start with an alpha-numeric character (e.g. My-name1-2, 123-NAME)";

/// Argo's reasons (joined with `;`) why `name` is not a valid template/step/task name.
pub(crate) fn field_name_problems(name: &str) -> Option<String> {
    let mut reasons = Vec::new();
    if name.len() > MAX_LENGTH {
        reasons.push(format!("must be no more than {MAX_LENGTH} characters"));
    }
    let mut bytes = name.bytes();
    let pattern_ok = bytes.next().is_some_and(|b| b.is_ascii_alphanumeric())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !pattern_ok {
        reasons.push(PATTERN_REASON.to_string());
    }
    (!reasons.is_empty()).then(|| reasons.join(";"))
}

/// `isValidStepName`: like [`field_name_problems`], with Argo's internal placeholders (from
/// substituted inputs) counted as a valid `x`.
pub(crate) fn step_name_problems(name: &str) -> Option<String> {
    if !name.contains(PLACEHOLDER_PREFIX) {
        return field_name_problems(name);
    }
    let mut sanitized = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(start) = rest.find(PLACEHOLDER_PREFIX) {
        let after = &rest[start + PLACEHOLDER_PREFIX.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        sanitized.push_str(&rest[..start]);
        if digits > 0 {
            sanitized.push('x');
        } else {
            sanitized.push_str(PLACEHOLDER_PREFIX);
        }
        rest = &after[digits..];
    }
    sanitized.push_str(rest);
    field_name_problems(&sanitized)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_argo() {
        assert_eq!(field_name_problems("build-1"), None);
        assert_eq!(field_name_problems("1a"), None);
        assert!(field_name_problems("-a").is_some());
        assert!(field_name_problems("a_b").is_some());
        assert!(field_name_problems("").is_some());
        let long = "a".repeat(129);
        assert_eq!(
            field_name_problems(&long).as_deref(),
            Some("must be no more than 128 characters")
        );
        assert_eq!(
            step_name_problems("run-__argo__internal__placeholder-12"),
            None
        );
        assert!(step_name_problems("run_-__argo__internal__placeholder-12").is_some());
    }
}
