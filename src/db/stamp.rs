//! Reading timestamps from SQLite without chrono's format-string parser.
//!
//! SQLite keeps a timestamp as text (`2023-06-04 13:00:00`, with fractions of a
//! second when there are any), and diesel reads it back by trying format strings
//! with `NaiveDateTime::parse_from_str`, which interprets the format anew for
//! every value. A list of 20 000 events holds about 200 000 timestamps; that
//! parsing alone was an eighth of the time a command took to print them. The
//! model fields read through [`Stamp`] / [`OptStamp`] (`deserialize_as`) take
//! the common form directly and hand anything else to diesel's own parser;
//! PostgreSQL's binary timestamps go straight to diesel.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::sql_types::{Nullable, Timestamp};
use diesel::sqlite::{Sqlite, SqliteType};

use super::{MultiBackend, MultiRawValue};

/// A timestamp column's value (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::deserialize::FromSqlRow)]
pub struct Stamp(pub NaiveDateTime);

/// A nullable timestamp column's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::deserialize::FromSqlRow)]
pub struct OptStamp(pub Option<NaiveDateTime>);

impl From<Stamp> for NaiveDateTime {
    fn from(s: Stamp) -> Self {
        s.0
    }
}

impl From<OptStamp> for Option<NaiveDateTime> {
    fn from(s: OptStamp) -> Self {
        s.0
    }
}

/// `YYYY-MM-DD HH:MM:SS` with an optional `.fraction` (up to nanoseconds) — the
/// form diesel writes — or `None` for anything else.
pub fn parse_sqlite_text(s: &str) -> Option<NaiveDateTime> {
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b' ' || b[13] != b':' {
        return None;
    }
    if b[16] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let date = NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    let nanos = match &b[19..] {
        [] => 0,
        [b'.', digits @ ..] if !digits.is_empty() && digits.len() <= 9 => {
            let n = num(20..b.len())?;
            n * 10u32.pow(9 - digits.len() as u32)
        }
        _ => return None,
    };
    let time = NaiveTime::from_hms_nano_opt(num(11..13)?, num(14..16)?, num(17..19)?, nanos)?;
    Some(NaiveDateTime::new(date, time))
}

impl FromSql<Timestamp, Sqlite> for Stamp {
    fn from_sql(
        mut value: <Sqlite as diesel::backend::Backend>::RawValue<'_>,
    ) -> deserialize::Result<Self> {
        if value.value_type() == Some(SqliteType::Text) {
            if let Some(t) = parse_sqlite_text(value.read_text()) {
                return Ok(Stamp(t));
            }
        }
        <NaiveDateTime as FromSql<Timestamp, Sqlite>>::from_sql(value).map(Stamp)
    }
}

impl FromSql<Timestamp, Pg> for Stamp {
    fn from_sql(
        value: <Pg as diesel::backend::Backend>::RawValue<'_>,
    ) -> deserialize::Result<Self> {
        <NaiveDateTime as FromSql<Timestamp, Pg>>::from_sql(value).map(Stamp)
    }
}

impl FromSql<Timestamp, MultiBackend> for Stamp {
    fn from_sql(value: MultiRawValue<'_>) -> deserialize::Result<Self> {
        value.from_sql::<Self, Timestamp>()
    }
}

impl FromSql<Nullable<Timestamp>, MultiBackend> for OptStamp {
    fn from_sql(value: MultiRawValue<'_>) -> deserialize::Result<Self> {
        <Stamp as FromSql<Timestamp, MultiBackend>>::from_sql(value).map(|s| OptStamp(Some(s.0)))
    }

    fn from_nullable_sql(value: Option<MultiRawValue<'_>>) -> deserialize::Result<Self> {
        match value {
            None => Ok(OptStamp(None)),
            Some(v) => Self::from_sql(v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_diesel_writes_is_read_exactly() {
        let t = |s: &str| parse_sqlite_text(s);
        let at = |h, m, s, n| {
            NaiveDate::from_ymd_opt(2023, 6, 4).and_then(|d| d.and_hms_nano_opt(h, m, s, n))
        };
        assert_eq!(t("2023-06-04 13:00:00"), at(13, 0, 0, 0));
        assert_eq!(t("2023-06-04 13:05:09.5"), at(13, 5, 9, 500_000_000));
        assert_eq!(t("2023-06-04 13:05:09.123456"), at(13, 5, 9, 123_456_000));
        assert_eq!(
            t("2023-06-04 23:59:59.999999999"),
            at(23, 59, 59, 999_999_999)
        );
        // Every value diesel writes reads back the same.
        for s in ["2023-06-04 13:00:00", "2024-02-29 00:00:01.000001"] {
            let chrono = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").ok();
            assert_eq!(t(s), chrono, "{s}");
        }
    }

    #[test]
    fn other_forms_are_left_to_diesel() {
        for s in [
            "",
            "2023-06-04",
            "2023-06-04T13:00:00",
            "2023-06-04 13:00",
            "2023-06-04 13:00:00Z",
            "2023-06-04 13:00:00.",
            "2023-02-30 13:00:00",
            "2023-06-04 25:00:00",
            "2023-06-04 13:00:00.1234567890",
            "2459000.5",
            "２０２３-06-04 13:00:00",
        ] {
            assert_eq!(parse_sqlite_text(s), None, "{s:?}");
        }
    }
}
