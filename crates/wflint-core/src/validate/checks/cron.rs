//! CronWorkflow schedules parsed with the semantics of robfig/cron v3's `ParseStandard`, the
//! parser Argo uses: five fields (minute, hour, day of month, month, day of week) with `*`, `?`,
//! ranges, steps, lists and month/day names, the descriptors `@yearly`, `@annually`,
//! `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly` and `@every <duration>`, and an
//! optional `TZ=<zone> ` or `CRON_TZ=<zone> ` prefix.
//!
//! Errors carry robfig's own texts, which Argo embeds in `cron schedule %s is malformed: %s`.

use super::{go, timezone};

/// Why a schedule does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ScheduleError {
    /// robfig/cron rejects it with this text.
    Malformed(String),
    /// A `TZ=`/`CRON_TZ=` prefix with no space after it: robfig/cron v3.0.1 slices out of bounds
    /// and panics here instead of returning an error, so Argo has no message for it.
    PrefixWithoutSchedule,
}

/// One of the five fields of a standard schedule.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    min: u64,
    max: u64,
    names: &'static [(&'static str, u64)],
}

const MINUTES: Bounds = Bounds {
    min: 0,
    max: 59,
    names: &[],
};
const HOURS: Bounds = Bounds {
    min: 0,
    max: 23,
    names: &[],
};
const DAYS_OF_MONTH: Bounds = Bounds {
    min: 1,
    max: 31,
    names: &[],
};
const MONTHS: Bounds = Bounds {
    min: 1,
    max: 12,
    names: &[
        ("jan", 1),
        ("feb", 2),
        ("mar", 3),
        ("apr", 4),
        ("may", 5),
        ("jun", 6),
        ("jul", 7),
        ("aug", 8),
        ("sep", 9),
        ("oct", 10),
        ("nov", 11),
        ("dec", 12),
    ],
};
const DAYS_OF_WEEK: Bounds = Bounds {
    min: 0,
    max: 6,
    names: &[
        ("sun", 0),
        ("mon", 1),
        ("tue", 2),
        ("wed", 3),
        ("thu", 4),
        ("fri", 5),
        ("sat", 6),
    ],
};

const FIELDS: [Bounds; 5] = [MINUTES, HOURS, DAYS_OF_MONTH, MONTHS, DAYS_OF_WEEK];

/// Parse `spec` as robfig/cron's `ParseStandard` does, keeping only whether it succeeds.
pub(crate) fn parse_standard(spec: &str) -> Result<(), ScheduleError> {
    let malformed = |text: String| Err(ScheduleError::Malformed(text));
    if spec.is_empty() {
        return malformed("empty spec string".to_string());
    }
    let mut spec = spec;
    if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
        let Some(space) = spec.find(' ') else {
            return Err(ScheduleError::PrefixWithoutSchedule);
        };
        let equals = spec.find('=').unwrap_or(0);
        let zone = spec.get(equals + 1..space).unwrap_or_default();
        if let Err(error) = timezone::load_location(zone) {
            return malformed(format!("provided bad location {zone}: {error}"));
        }
        spec = trim_go_space(spec.get(space..).unwrap_or_default());
    }
    if spec.starts_with('@') {
        return parse_descriptor(spec).map_err(ScheduleError::Malformed);
    }
    let fields: Vec<&str> = spec.split(is_go_space).filter(|f| !f.is_empty()).collect();
    if fields.len() != FIELDS.len() {
        return malformed(format!(
            "expected exactly {} fields, found {}: {}",
            FIELDS.len(),
            fields.len(),
            go::string_slice(&fields)
        ));
    }
    for (field, bounds) in fields.iter().zip(FIELDS) {
        parse_field(field, bounds).map_err(ScheduleError::Malformed)?;
    }
    Ok(())
}

/// Go's `unicode.IsSpace`, which `strings.Fields` and `strings.TrimSpace` split on.
fn is_go_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c as u32 > 0xff && c.is_whitespace())
}

fn trim_go_space(text: &str) -> &str {
    text.trim_matches(is_go_space)
}

fn parse_descriptor(descriptor: &str) -> Result<(), String> {
    match descriptor {
        "@yearly" | "@annually" | "@monthly" | "@weekly" | "@daily" | "@midnight" | "@hourly" => {
            Ok(())
        }
        _ => match descriptor.strip_prefix("@every ") {
            Some(duration) => go::parse_duration(duration)
                .map(|_| ())
                .map_err(|error| format!("failed to parse duration {descriptor}: {error}")),
            None => Err(format!("unrecognized descriptor: {descriptor}")),
        },
    }
}

/// A comma-separated list of ranges (empty items are skipped, as `strings.FieldsFunc` does).
fn parse_field(field: &str, bounds: Bounds) -> Result<(), String> {
    field
        .split(',')
        .filter(|item| !item.is_empty())
        .try_for_each(|item| parse_range(item, bounds))
}

/// `number | number "-" number [ "/" number ]`, `*` or `?` for the whole range.
fn parse_range(expr: &str, bounds: Bounds) -> Result<(), String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_and_high: Vec<&str> = range_and_step[0].split('-').collect();
    let single = low_and_high.len() == 1;
    let (start, mut end) = if low_and_high[0] == "*" || low_and_high[0] == "?" {
        // robfig ignores anything after `*-`: `*-5` means `*`.
        (bounds.min, bounds.max)
    } else {
        let start = parse_int_or_name(low_and_high[0], bounds)?;
        let end = match low_and_high.len() {
            1 => start,
            2 => parse_int_or_name(low_and_high[1], bounds)?,
            _ => return Err(format!("too many hyphens: {expr}")),
        };
        (start, end)
    };
    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            let step = parse_unsigned(range_and_step[1])?;
            // `N/step` means `N-max/step`.
            if single {
                end = bounds.max;
            }
            step
        }
        _ => return Err(format!("too many slashes: {expr}")),
    };
    if start < bounds.min {
        return Err(format!(
            "beginning of range ({start}) below minimum ({}): {expr}",
            bounds.min
        ));
    }
    if end > bounds.max {
        return Err(format!(
            "end of range ({end}) above maximum ({}): {expr}",
            bounds.max
        ));
    }
    if start > end {
        return Err(format!(
            "beginning of range ({start}) beyond end of range ({end}): {expr}"
        ));
    }
    if step == 0 {
        return Err(format!("step of range should be a positive number: {expr}"));
    }
    Ok(())
}

fn parse_int_or_name(expr: &str, bounds: Bounds) -> Result<u64, String> {
    let lower = expr.to_lowercase();
    if let Some((_, value)) = bounds.names.iter().find(|(name, _)| *name == lower) {
        return Ok(*value);
    }
    parse_unsigned(expr)
}

fn parse_unsigned(expr: &str) -> Result<u64, String> {
    let number = go::atoi(expr)
        .map_err(|error| format!("failed to parse int from {expr}: {}", error.message(expr)))?;
    u64::try_from(number).map_err(|_| format!("negative number ({number}) not allowed: {expr}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(spec: &str) -> String {
        match parse_standard(spec) {
            Err(ScheduleError::Malformed(text)) => text,
            other => panic!("{spec:?} gave {other:?}"),
        }
    }

    #[test]
    fn accepts_what_robfig_accepts() {
        for spec in [
            "* * * * *",
            "*/5 * * * *",
            "0 0 * * *",
            "0 9-17 * * MON-FRI",
            "0 0 1 jan,JUL *",
            "15,45 */2 1-15/3 * sun",
            "0 0 * * ?",
            "? ? ? ? ?",
            "5/15 * * * *",
            "0 0 29 2 *",
            "1,,2 * * * *",
            ", * * * *",
            "*-5 * * * *",
            "+5 * * * *",
            "  0   0  *  *  *  ",
            "0\t0 * * *",
            "@yearly",
            "@annually",
            "@monthly",
            "@weekly",
            "@daily",
            "@midnight",
            "@hourly",
            "@every 5m",
            "@every 1h30m",
            "@every -1s",
            "TZ=Asia/Tokyo 0 0 * * *",
            "CRON_TZ=America/New_York @daily",
            "TZ=UTC  * * * * *",
            "TZ= * * * * *",
        ] {
            assert_eq!(parse_standard(spec), Ok(()), "{spec}");
        }
    }

    #[test]
    fn rejects_with_robfig_texts() {
        let cases = [
            ("", "empty spec string"),
            ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
            (
                "0 0 * * * *",
                "expected exactly 5 fields, found 6: [0 0 * * * *]",
            ),
            ("60 * * * *", "end of range (60) above maximum (59): 60"),
            ("* 24 * * *", "end of range (24) above maximum (23): 24"),
            ("* * 0 * *", "beginning of range (0) below minimum (1): 0"),
            ("* * * 13 *", "end of range (13) above maximum (12): 13"),
            ("* * * * 7", "end of range (7) above maximum (6): 7"),
            (
                "5-1 * * * *",
                "beginning of range (5) beyond end of range (1): 5-1",
            ),
            (
                "*/0 * * * *",
                "step of range should be a positive number: */0",
            ),
            ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
            ("*/2/3 * * * *", "too many slashes: */2/3"),
            (
                "x * * * *",
                "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax",
            ),
            (
                "-1 * * * *",
                "failed to parse int from : strconv.Atoi: parsing \"\": invalid syntax",
            ),
            ("*/-1 * * * *", "negative number (-1) not allowed: -1"),
            (
                "* * * * MON-FRY",
                "failed to parse int from FRY: strconv.Atoi: parsing \"FRY\": invalid syntax",
            ),
            (
                "* * MON * *",
                "failed to parse int from MON: strconv.Atoi: parsing \"MON\": invalid syntax",
            ),
            ("@reboot", "unrecognized descriptor: @reboot"),
            ("@daily ", "unrecognized descriptor: @daily "),
            (
                "@every 5",
                "failed to parse duration @every 5: time: missing unit in duration \"5\"",
            ),
            ("@every", "unrecognized descriptor: @every"),
            (
                "TZ=Mars/Base * * * * *",
                "provided bad location Mars/Base: unknown time zone Mars/Base",
            ),
            ("TZ=UTC ", "expected exactly 5 fields, found 0: []"),
        ];
        for (spec, want) in cases {
            assert_eq!(error(spec), want, "{spec}");
        }
    }

    #[test]
    fn prefix_without_space_is_its_own_error() {
        assert_eq!(
            parse_standard("TZ=UTC"),
            Err(ScheduleError::PrefixWithoutSchedule)
        );
        assert_eq!(
            parse_standard("CRON_TZ=Asia/Tokyo\t@daily"),
            Err(ScheduleError::PrefixWithoutSchedule)
        );
        assert_eq!(
            error("CRON_TZ=Asia/Tokyo\t* * * * *"),
            "provided bad location Asia/Tokyo\t*: unknown time zone Asia/Tokyo\t*"
        );
    }

    #[test]
    fn odd_input_does_not_panic() {
        for spec in [
            "-",
            "/",
            ",",
            "*/",
            "-/-",
            "@",
            "TZ= ",
            "ñ * * * *",
            "9999999999999999999999 * * * *",
        ] {
            let _ = parse_standard(spec);
        }
    }
}
