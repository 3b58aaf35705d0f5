//! IANA time zone names, checked the way Go's `time.LoadLocation` checks them (Argo's
//! CronWorkflow `timezone` and the `TZ=`/`CRON_TZ=` schedule prefix).
//!
//! The zone list is the IANA database bundled into the binary (through jiff), so the answer
//! does not depend on the machine wflint runs on; Argo's controller embeds Go's copy of the same
//! database. Lookups are case-sensitive, as Go's are on Linux.

use std::sync::LazyLock;

use jiff::tz::TimeZoneDatabase;

static ZONES: LazyLock<TimeZoneDatabase> = LazyLock::new(TimeZoneDatabase::bundled);

/// Go's `time.LoadLocation(name)`: `Ok` when Go would load the zone, else Go's error text
/// (`unknown time zone Mars/Base`, `time: invalid location name`).
pub(crate) fn load_location(name: &str) -> Result<(), String> {
    if name.is_empty() || name == "UTC" || name == "Local" {
        return Ok(());
    }
    if name.contains("..") || name.starts_with('/') || name.starts_with('\\') {
        return Err("time: invalid location name".to_string());
    }
    let known = name != "Etc/Unknown"
        && ZONES
            .get(name)
            .is_ok_and(|zone| zone.iana_name() == Some(name));
    if known {
        Ok(())
    } else {
        Err(format!("unknown time zone {name}"))
    }
}

/// A known zone name that differs from `name` only in letter case, for a "did you mean" hint.
pub(crate) fn case_insensitive_match(name: &str) -> Option<String> {
    if name.is_empty() || name.contains("..") {
        return None;
    }
    let zone = ZONES.get(name).ok()?;
    let canonical = zone.iana_name()?;
    (canonical != name && canonical != "Etc/Unknown").then(|| canonical.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iana_names_load() {
        for name in [
            "",
            "UTC",
            "Local",
            "Asia/Tokyo",
            "America/New_York",
            "America/Argentina/Buenos_Aires",
            "Europe/Kyiv",
            "US/Pacific",
            "Etc/GMT+5",
            "GMT",
            "EST5EDT",
        ] {
            assert_eq!(load_location(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn unknown_names_fail_with_go_text() {
        assert_eq!(
            load_location("Not/A_Real_Timezone"),
            Err("unknown time zone Not/A_Real_Timezone".to_string())
        );
        assert_eq!(
            load_location("asia/tokyo"),
            Err("unknown time zone asia/tokyo".to_string())
        );
        assert_eq!(
            load_location("Etc/Unknown"),
            Err("unknown time zone Etc/Unknown".to_string())
        );
        assert_eq!(
            load_location("../etc/passwd"),
            Err("time: invalid location name".to_string())
        );
        assert_eq!(
            load_location("/etc/localtime"),
            Err("time: invalid location name".to_string())
        );
        assert_eq!(
            load_location("utc"),
            Err("unknown time zone utc".to_string())
        );
    }

    #[test]
    fn suggests_the_right_case() {
        assert_eq!(
            case_insensitive_match("asia/tokyo").as_deref(),
            Some("Asia/Tokyo")
        );
        assert_eq!(case_insensitive_match("Asia/Tokyo"), None);
        assert_eq!(case_insensitive_match("Mars/Base"), None);
    }
}
