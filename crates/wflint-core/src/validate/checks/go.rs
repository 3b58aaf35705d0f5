//! Go's text conventions that Argo's messages are built from: `%q` quoting, `strconv.Atoi`,
//! `time.ParseDuration`, `filepath.Clean`, `%s` of a string slice and `encoding/json` strings.
//!
//! Argo's error texts embed values formatted by Go; reproducing them byte for byte is what lets
//! `argo_message` match what users search for.

use std::fmt::Write as _;

/// Go's `strconv.Quote` (what `%q` prints for a string).
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `unicode.IsPrint`: graphic characters and the ASCII space, but no
/// other spaces, controls or invisible format characters.
fn is_go_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(
        c,
        '\u{ad}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
    )
}

/// The quoting of Go's `time` package (used in `time.ParseDuration` and `time.LoadLocation`
/// errors): non-ASCII and control bytes become `\xNN`.
pub(crate) fn time_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if (c as u32) >= 0x80 || c < ' ' {
            let mut buf = [0u8; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "\\x{byte:02x}");
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// `fmt.Sprintf("%s", []string{...})`: `[a b c]`.
pub(crate) fn string_slice(items: &[&str]) -> String {
    format!("[{}]", items.join(" "))
}

/// A string as Go's `encoding/json` writes it (HTML-sensitive characters escaped).
pub(crate) fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if c < ' ' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `json.Marshal` of a `[]string` (`null` for an absent or empty-and-nil list).
pub(crate) fn json_string_list(items: Option<&[String]>) -> String {
    match items {
        None => "null".to_string(),
        Some(items) => {
            let parts: Vec<String> = items.iter().map(|s| json_string(s)).collect();
            format!("[{}]", parts.join(","))
        }
    }
}

/// Why `strconv.Atoi` rejected a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AtoiError {
    /// Not a decimal integer.
    Syntax,
    /// Outside the 64-bit range.
    Range,
}

impl AtoiError {
    /// The error text Go prints: `strconv.Atoi: parsing "x": invalid syntax`.
    pub(crate) fn message(self, input: &str) -> String {
        let reason = match self {
            AtoiError::Syntax => "invalid syntax",
            AtoiError::Range => "value out of range",
        };
        format!("strconv.Atoi: parsing {}: {reason}", quote(input))
    }
}

/// Go's `strconv.Atoi` on a 64-bit platform: an optional sign and decimal digits only.
pub(crate) fn atoi(text: &str) -> Result<i64, AtoiError> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AtoiError::Syntax);
    }
    let mut magnitude: u64 = 0;
    for b in digits.bytes() {
        magnitude = magnitude
            .checked_mul(10)
            .and_then(|m| m.checked_add(u64::from(b - b'0')))
            .ok_or(AtoiError::Range)?;
    }
    if negative {
        if magnitude > i64::MAX as u64 + 1 {
            return Err(AtoiError::Range);
        }
        Ok((magnitude as i128).wrapping_neg() as i64)
    } else {
        i64::try_from(magnitude).map_err(|_| AtoiError::Range)
    }
}

/// Go's `time.ParseDuration`: the duration in nanoseconds, or Go's error text.
pub(crate) fn parse_duration(original: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", time_quote(original));
    let mut rest = original;
    let mut negative = false;
    if let Some(first) = rest.bytes().next()
        && (first == b'-' || first == b'+')
    {
        negative = first == b'-';
        rest = &rest[1..];
    }
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    const LIMIT: u64 = 1 << 63;
    let mut total: u64 = 0;
    while !rest.is_empty() {
        let first = rest.as_bytes()[0];
        if !(first == b'.' || first.is_ascii_digit()) {
            return Err(invalid());
        }
        let before = rest.len();
        let (mut value, after) = leading_int(rest).ok_or_else(invalid)?;
        rest = after;
        let had_integer = before != rest.len();
        let mut fraction: u64 = 0;
        let mut scale: f64 = 1.0;
        let mut had_fraction = false;
        if let Some(after_dot) = rest.strip_prefix('.') {
            let before = after_dot.len();
            let (f, s, after) = leading_fraction(after_dot);
            fraction = f;
            scale = s;
            rest = after;
            had_fraction = before != rest.len();
        }
        if !had_integer && !had_fraction {
            return Err(invalid());
        }
        let unit_len = rest
            .bytes()
            .position(|c| c == b'.' || c.is_ascii_digit())
            .unwrap_or(rest.len());
        if unit_len == 0 {
            return Err(format!(
                "time: missing unit in duration {}",
                time_quote(original)
            ));
        }
        let unit_text = &rest[..unit_len];
        rest = &rest[unit_len..];
        let unit: u64 = match unit_text {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60 * 1_000_000_000,
            "h" => 3_600 * 1_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    time_quote(unit_text),
                    time_quote(original)
                ));
            }
        };
        if value > LIMIT / unit {
            return Err(invalid());
        }
        value *= unit;
        if fraction > 0 {
            value += (fraction as f64 * (unit as f64 / scale)) as u64;
            if value > LIMIT {
                return Err(invalid());
            }
        }
        total += value;
        if total > LIMIT {
            return Err(invalid());
        }
    }
    if negative {
        return Ok((total as i128).wrapping_neg() as i64);
    }
    i64::try_from(total).map_err(|_| invalid())
}

fn leading_int(text: &str) -> Option<(u64, &str)> {
    let mut value: u64 = 0;
    let mut end = 0;
    for (i, b) in text.bytes().enumerate() {
        if !b.is_ascii_digit() {
            break;
        }
        if value > (1 << 63) / 10 {
            return None;
        }
        value = value * 10 + u64::from(b - b'0');
        if value > 1 << 63 {
            return None;
        }
        end = i + 1;
    }
    Some((value, &text[end..]))
}

fn leading_fraction(text: &str) -> (u64, f64, &str) {
    let mut value: u64 = 0;
    let mut scale = 1.0;
    let mut overflow = false;
    let mut end = 0;
    for (i, b) in text.bytes().enumerate() {
        if !b.is_ascii_digit() {
            break;
        }
        end = i + 1;
        if overflow {
            continue;
        }
        if value > (i64::MAX as u64) / 10 {
            overflow = true;
            continue;
        }
        let next = value * 10 + u64::from(b - b'0');
        if next > i64::MAX as u64 {
            overflow = true;
            continue;
        }
        value = next;
        scale *= 10.0;
    }
    (value, scale, &text[end..])
}

/// Go's `filepath.Clean` for `/`-separated paths (Argo runs on Linux).
pub(crate) fn clean_path(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_matches_go_percent_q() {
        assert_eq!(quote("abc"), "\"abc\"");
        assert_eq!(quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(quote("tab\there\n"), "\"tab\\there\\n\"");
        assert_eq!(quote("\u{1}"), "\"\\x01\"");
        assert_eq!(quote("héllo"), "\"héllo\"");
        assert_eq!(quote("nb\u{a0}sp"), "\"nb\\u00a0sp\"");
        assert_eq!(quote("\u{feff}"), "\"\\ufeff\"");
    }

    #[test]
    fn time_quote_escapes_bytes() {
        assert_eq!(time_quote("1x"), "\"1x\"");
        assert_eq!(time_quote("é"), "\"\\xc3\\xa9\"");
        assert_eq!(time_quote("a\"b"), "\"a\\\"b\"");
    }

    #[test]
    fn atoi_accepts_signs_and_rejects_the_rest() {
        assert_eq!(atoi("42"), Ok(42));
        assert_eq!(atoi("+7"), Ok(7));
        assert_eq!(atoi("-3"), Ok(-3));
        assert_eq!(atoi("007"), Ok(7));
        assert_eq!(atoi("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(atoi("9223372036854775808"), Err(AtoiError::Range));
        assert_eq!(atoi(""), Err(AtoiError::Syntax));
        assert_eq!(atoi("-"), Err(AtoiError::Syntax));
        assert_eq!(atoi("1_000"), Err(AtoiError::Syntax));
        assert_eq!(atoi(" 1"), Err(AtoiError::Syntax));
        assert_eq!(atoi("1.5"), Err(AtoiError::Syntax));
        assert_eq!(
            AtoiError::Syntax.message("x"),
            "strconv.Atoi: parsing \"x\": invalid syntax"
        );
    }

    #[test]
    fn durations_parse_like_go() {
        let second = 1_000_000_000;
        assert_eq!(parse_duration("1h30m"), Ok(5_400 * second));
        assert_eq!(parse_duration("1.5s"), Ok(1_500_000_000));
        assert_eq!(parse_duration(".5s"), Ok(500_000_000));
        assert_eq!(parse_duration("-2m"), Ok(-120 * second));
        assert_eq!(parse_duration("0"), Ok(0));
        assert_eq!(parse_duration("10\u{b5}s"), Ok(10_000));
        assert_eq!(
            parse_duration(""),
            Err("time: invalid duration \"\"".to_string())
        );
        assert_eq!(
            parse_duration("5"),
            Err("time: missing unit in duration \"5\"".to_string())
        );
        assert_eq!(
            parse_duration("5x"),
            Err("time: unknown unit \"x\" in duration \"5x\"".to_string())
        );
        assert_eq!(
            parse_duration("1h "),
            Err("time: unknown unit \"h \" in duration \"1h \"".to_string())
        );
        assert_eq!(
            parse_duration(".s"),
            Err("time: invalid duration \".s\"".to_string())
        );
        assert_eq!(
            parse_duration("99999999999999999999h"),
            Err("time: invalid duration \"99999999999999999999h\"".to_string())
        );
        assert!(parse_duration("3000000h").is_err());
    }

    #[test]
    fn clean_path_is_lexical_like_go() {
        for (input, want) in [
            ("", "."),
            ("/", "/"),
            ("/tmp/../x", "/x"),
            ("/..", "/"),
            ("a/..", "."),
            ("../a", "../a"),
            ("a/../../b", "../b"),
            ("/tmp//a/./b/", "/tmp/a/b"),
            ("./x", "x"),
        ] {
            assert_eq!(clean_path(input), want, "{input}");
        }
    }

    #[test]
    fn json_strings_escape_like_go() {
        assert_eq!(json_string("a<b"), "\"a\\u003cb\"");
        assert_eq!(
            json_string_list(Some(&["x".to_string(), "y".to_string()])),
            "[\"x\",\"y\"]"
        );
        assert_eq!(json_string_list(None), "null");
        assert_eq!(string_slice(&["a", "b"]), "[a b]");
        assert_eq!(string_slice(&[]), "[]");
    }
}
