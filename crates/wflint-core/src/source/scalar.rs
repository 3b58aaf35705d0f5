//! Plain-scalar resolution as Kubernetes reads YAML (sigs.k8s.io/yaml, YAML 1.1 flavoured):
//! `0755` is octal, `0x1f` hexadecimal, `~` null; quoted scalars are always strings.

use serde_json::{Number, Value};

/// The JSON value of a plain (unquoted, non-block) scalar.
pub(crate) fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Value::String(text.to_string());
    }
    if let Some(number) = resolve_int(text) {
        return Value::Number(number);
    }
    if let Some(number) = resolve_float(text) {
        return Value::Number(number);
    }
    Value::String(text.to_string())
}

fn resolve_int(text: &str) -> Option<Number> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || digits.contains("__") || digits.ends_with('_') {
        return None;
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    let (radix, body) = if let Some(hex) = clean.strip_prefix("0x") {
        (16, hex)
    } else if let Some(oct) = clean.strip_prefix("0o") {
        (8, oct)
    } else if let Some(bin) = clean.strip_prefix("0b") {
        (2, bin)
    } else if clean.len() > 1 && clean.starts_with('0') {
        (8, &clean[1..])
    } else {
        (10, clean.as_str())
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(body, radix).ok()?;
    if negative {
        let value = i64::try_from(magnitude).ok()?;
        Some(Number::from(-value))
    } else {
        Some(Number::from(magnitude))
    }
}

fn resolve_float(text: &str) -> Option<Number> {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let mut seen_digit = false;
    let mut seen_dot = false;
    let mut seen_exp = false;
    let mut prev = ' ';
    for c in body.chars() {
        match c {
            '0'..='9' => seen_digit = true,
            '_' if seen_digit && !seen_exp => {}
            '.' if !seen_dot && !seen_exp => seen_dot = true,
            'e' | 'E' if seen_digit && !seen_exp => seen_exp = true,
            '-' | '+' if matches!(prev, 'e' | 'E') => {}
            _ => return None,
        }
        prev = c;
    }
    if !seen_digit || matches!(prev, 'e' | 'E' | '-' | '+') {
        return None;
    }
    let clean: String = text.chars().filter(|c| *c != '_').collect();
    let value: f64 = clean.parse().ok()?;
    Number::from_f64(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resolves_like_kubernetes() {
        assert_eq!(resolve_plain("0755"), json!(493));
        assert_eq!(resolve_plain("0"), json!(0));
        assert_eq!(resolve_plain("10"), json!(10));
        assert_eq!(resolve_plain("-3"), json!(-3));
        assert_eq!(resolve_plain("0x1f"), json!(31));
        assert_eq!(resolve_plain("1_000"), json!(1000));
        assert_eq!(resolve_plain("1.5"), json!(1.5));
        assert_eq!(resolve_plain("1e3"), json!(1000.0));
        assert_eq!(resolve_plain(".5"), json!(0.5));
        assert_eq!(resolve_plain("~"), json!(null));
        assert_eq!(resolve_plain("true"), json!(true));
        assert_eq!(resolve_plain("yes"), json!("yes"));
        assert_eq!(resolve_plain("1.2.3"), json!("1.2.3"));
        assert_eq!(resolve_plain("089"), json!(89.0)); // yaml.v2 falls back to a float
        assert_eq!(resolve_plain("-"), json!("-"));
        assert_eq!(resolve_plain("10m"), json!("10m"));
        assert_eq!(resolve_plain(".inf"), json!(".inf"));
        assert_eq!(resolve_plain("99999999999999999999"), json!(1e20));
    }
}
