//! Timestamps are stored as naive UTC and shown / entered in local time.

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, TimeZone, Utc};

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
    Err(format!("use {DATETIME_FORMAT_HINT}, e.g. 2023-06-04 13:00"))
}

pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let s = s.trim().replace('/', "-");
    NaiveDate::parse_from_str(&s, "%Y-%m-%d")
        .map_err(|_| format!("use {DATE_FORMAT_HINT}, e.g. 2021-04-18"))
}

/// `2023-06-04 13:00` in local time.
pub fn show_local(utc: NaiveDateTime) -> String {
    to_local(utc).format("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_formats() {
        let t = parse_local_datetime("2023-06-04 13:00").unwrap();
        assert_eq!(t.to_string(), "2023-06-04 13:00:00");
        assert!(parse_local_datetime("4 June").is_err());
        assert_eq!(parse_date("2021/04/18").unwrap().to_string(), "2021-04-18");
    }

    #[test]
    fn local_round_trip() {
        let t = parse_local_datetime("2023-06-04 13:00").unwrap();
        let utc = from_local(t).unwrap();
        assert_eq!(to_local(utc), t);
    }
}
