//! Timestamps are stored as naive UTC and shown / entered in local time.

use chrono::{DateTime, Datelike, Local, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};

/// The accepted input format, shown next to date-time fields.
pub const DATETIME_FORMAT_HINT: &str = "YYYY-MM-DD HH:MM";
pub const DATE_FORMAT_HINT: &str = "YYYY-MM-DD";

/// A source of "now", so that tests and snapshots can fix the clock.
pub type Clock = std::sync::Arc<dyn Fn() -> NaiveDateTime + Send + Sync>;

pub fn system_clock() -> Clock {
    std::sync::Arc::new(|| trunc_micros(Utc::now().naive_utc()))
}

pub fn fixed_clock(at: NaiveDateTime) -> Clock {
    std::sync::Arc::new(move || at)
}

/// Both backends keep microseconds; truncating keeps values equal after a round trip.
pub fn trunc_micros(t: NaiveDateTime) -> NaiveDateTime {
    use chrono::Timelike;
    let nanos = t.nanosecond() / 1000 * 1000;
    t.with_nanosecond(nanos).unwrap_or(t)
}

/// UTC → local, for display.
pub fn to_local(utc: NaiveDateTime) -> NaiveDateTime {
    Utc.from_utc_datetime(&utc)
        .with_timezone(&Local)
        .naive_local()
}

/// Local wall-clock → UTC. An ambiguous time (autumn clock change) takes the
/// earlier instant; a time that does not exist (spring gap) is refused.
pub fn from_local(local: NaiveDateTime) -> Option<NaiveDateTime> {
    Local
        .from_local_datetime(&local)
        .earliest()
        .map(|dt: DateTime<Local>| dt.with_timezone(&Utc).naive_utc())
}

/// Parses `2023-06-04 13:00` (also with `T`, seconds, or `/`).
pub fn parse_local_datetime(s: &str) -> Result<NaiveDateTime, String> {
    let s = s.trim().replace('/', "-").replace('T', " ");
    for fmt in [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %Hh%M",
        "%Y-%m-%d %H",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(&s, fmt) {
            return Ok(t);
        }
    }
    let date = s.split_whitespace().next().unwrap_or_default();
    if no_such_date(date) {
        return Err(format!("no such date: {date}"));
    }
    Err(format!("use {DATETIME_FORMAT_HINT}, e.g. 2023-06-04 13:00"))
}

pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let s = s.trim().replace('/', "-");
    NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| {
        if no_such_date(&s) {
            format!("no such date: {s}")
        } else {
            format!("use {DATE_FORMAT_HINT}, e.g. 2021-04-18")
        }
    })
}

/// Written the right way (`2026-02-30`: four digits, a month from 1 to 12, a
/// day from 1 to 31) but not on the calendar: the user needs to hear that the
/// day is wrong, not the format.
fn no_such_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let number = |p: &str, len: std::ops::RangeInclusive<usize>| {
        len.contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit())
    };
    let [y, m, d] = parts[..] else {
        return false;
    };
    if !(number(y, 4..=4) && number(m, 1..=2) && number(d, 1..=2)) {
        return false;
    }
    let (m, d) = (m.parse::<u32>().unwrap_or(0), d.parse::<u32>().unwrap_or(0));
    (1..=12).contains(&m) && (1..=31).contains(&d)
}

/// `2023-06-04 13:00` in local time.
pub fn show_local(utc: NaiveDateTime) -> String {
    // Written out rather than through a format string, which chrono interprets
    // anew for each call: an import writes three of these per row.
    let t = to_local(utc);
    if !(0..=9999).contains(&t.year()) {
        return t.format("%Y-%m-%d %H:%M").to_string();
    }
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_local_times_match_the_format_string() {
        for s in [
            "2023-06-04 13:05:09",
            "1999-12-31 23:59:59",
            "0001-01-01 00:00:00",
        ] {
            let utc = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
            assert_eq!(
                show_local(utc),
                to_local(utc).format("%Y-%m-%d %H:%M").to_string()
            );
        }
    }

    #[test]
    fn parses_formats() {
        let t = parse_local_datetime("2023-06-04 13:00").unwrap();
        assert_eq!(t.to_string(), "2023-06-04 13:00:00");
        assert!(parse_local_datetime("4 June").is_err());
        assert_eq!(parse_date("2021/04/18").unwrap().to_string(), "2021-04-18");
        assert_eq!(
            parse_date("2026-02-30"),
            Err("no such date: 2026-02-30".into())
        );
        assert_eq!(
            parse_date("2025-02-29"),
            Err("no such date: 2025-02-29".into())
        );
        assert!(parse_date("2024-02-29").is_ok());
        assert_eq!(
            parse_date("18/04/2021"),
            Err("use YYYY-MM-DD, e.g. 2021-04-18".into())
        );
        assert_eq!(
            parse_date("2021-13-01").map_err(|e| e.starts_with("use")),
            Err(true)
        );
        assert_eq!(
            parse_local_datetime("2026-02-30 10:00"),
            Err("no such date: 2026-02-30".into())
        );
    }

    #[test]
    fn local_round_trip() {
        let t = parse_local_datetime("2023-06-04 13:00").unwrap();
        let utc = from_local(t).unwrap();
        assert_eq!(to_local(utc), t);
    }
}
