//! The dates people type in a spreadsheet: the brief's `4 Jun 2023 @ 1PM`, French
//! or English month names, day-first `05/06/2023 13:00`, ISO, and the serial
//! numbers a spreadsheet stores. All are local wall-clock times.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use crate::domain::text::fold;

/// What the report says a date should look like.
pub const DATE_HINT: &str = "e.g. 4 Jun 2023 @ 1PM, 04/06/2023 13:00 or 2023-06-04 13:00";

/// A spreadsheet serial date (days since 1899-12-30, the fraction is the time of
/// day) as a local date-time, to the minute.
pub fn from_serial(serial: f64) -> Option<NaiveDateTime> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_hms_opt(0, 0, 0)?;
    let minutes = (serial * 24.0 * 60.0).round() as i64;
    epoch.checked_add_signed(Duration::minutes(minutes))
}

/// Parses one typed date-time (local). A date alone is midnight.
pub fn parse(text: &str) -> Result<NaiveDateTime, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("no date".into());
    }
    if let Ok(v) = t.replace(',', ".").parse::<f64>() {
        return from_serial(v).ok_or_else(|| format!("\"{t}\" is not a date ({DATE_HINT})"));
    }
    // "1 pm" reads like "1pm".
    let folded = fold(t).replace(" pm", "pm").replace(" am", "am");
    let (date_part, time_part) = split_time(&folded);
    let date = parse_date(date_part.trim())
        .ok_or_else(|| format!("\"{t}\" is not a date ({DATE_HINT})"))?;
    let time = match time_part.map(str::trim).filter(|s| !s.is_empty()) {
        None => NaiveTime::MIN,
        Some(s) => {
            parse_time(s).ok_or_else(|| format!("\"{t}\" has no time we can read ({DATE_HINT})"))?
        }
    };
    Ok(date.and_time(time))
}

/// Splits `4 jun 2023 @ 1pm`, `2023-06-04t13:00`, `05/06/2023 13:00` into date and
/// time (the text is folded: lower case, no accents).
fn split_time(s: &str) -> (&str, Option<&str>) {
    for sep in ["@", " a ", " at "] {
        if let Some((d, t)) = s.split_once(sep) {
            return (d, Some(t));
        }
    }
    // ISO: 2023-06-04t13:00
    if let Some(i) = s.find('t') {
        if i >= 8 && s[..i].chars().all(|c| c.is_ascii_digit() || c == '-') {
            return (&s[..i], Some(&s[i + 1..]));
        }
    }
    // Otherwise a time is the last word when it starts with a digit and holds ':'
    // or 'h', or ends in am/pm.
    if let Some((d, last)) = s.rsplit_once(' ') {
        let starts_with_digit = last.chars().next().is_some_and(|c| c.is_ascii_digit());
        let timeish = starts_with_digit
            && (last.contains(':')
                || last.contains('h')
                || last.ends_with("am")
                || last.ends_with("pm"));
        if timeish {
            return (d, Some(last));
        }
    }
    (s, None)
}

fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.');
    const NAMES: [(&str, u32); 24] = [
        ("jan", 1),
        ("feb", 2),
        ("fev", 2),
        ("mar", 3),
        ("apr", 4),
        ("avr", 4),
        ("may", 5),
        ("mai", 5),
        ("jun", 6),
        ("juin", 6),
        ("jul", 7),
        ("juil", 7),
        ("aug", 8),
        ("aou", 8),
        ("sep", 9),
        ("oct", 10),
        ("nov", 11),
        ("dec", 12),
        ("janv", 1),
        ("mars", 3),
        ("sept", 9),
        ("june", 6),
        ("july", 7),
        ("aout", 8),
    ];
    if w.len() < 3 {
        return None;
    }
    // The longest known name that starts the word: "juillet" → juil, "june" → june.
    NAMES
        .iter()
        .filter(|(n, _)| w.starts_with(n))
        .max_by_key(|(n, _)| n.len())
        .map(|(_, m)| *m)
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    // ISO first: 2023-06-04.
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d);
    }
    // Day first with / . or -: 05/06/2023, 5.6.23.
    let nums: Vec<&str> = s.split(['/', '.', '-']).map(str::trim).collect();
    if nums.len() == 3
        && nums
            .iter()
            .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    {
        let (d, m, y) = (
            nums[0].parse().ok()?,
            nums[1].parse().ok()?,
            nums[2].parse::<i32>().ok()?,
        );
        let y = if nums[2].len() == 2 { 2000 + y } else { y };
        return NaiveDate::from_ymd_opt(y, m, d);
    }
    // Words: "4 jun 2023", "jun 4 2023", "lundi 4 juin 2023", "4th june, 2023".
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let mut day = None;
    let mut mon = None;
    let mut year = None;
    for w in words {
        let digits: String = w.chars().take_while(|c| c.is_ascii_digit()).collect();
        if !digits.is_empty() {
            let n: i32 = digits.parse().ok()?;
            if digits.len() == 4 {
                year = Some(n);
            } else if day.is_none() {
                day = Some(n as u32);
            } else {
                return None;
            }
        } else if w == "mardi" {
            // Tuesday in French, not March.
        } else if let Some(m) = month(w) {
            mon = Some(m);
        }
    }
    NaiveDate::from_ymd_opt(year?, mon?, day?)
}

fn parse_time(s: &str) -> Option<NaiveTime> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let (s, pm) = if let Some(x) = s.strip_suffix("pm") {
        (x.to_string(), Some(true))
    } else if let Some(x) = s.strip_suffix("am") {
        (x.to_string(), Some(false))
    } else {
        (s, None)
    };
    let s = s.replace('h', ":");
    let mut parts = s.split(':');
    let h: u32 = parts.next()?.parse().ok()?;
    let m: u32 = match parts.next() {
        Some("") | None => 0,
        Some(x) => x.parse().ok()?,
    };
    let sec: u32 = match parts.next() {
        Some("") | None => 0,
        Some(x) => x.parse::<f64>().ok()? as u32,
    };
    let h = match pm {
        Some(_) if h == 0 || h > 12 => return None,
        Some(true) if h < 12 => h + 12,
        Some(false) if h == 12 => 0,
        _ => h,
    };
    NaiveTime::from_hms_opt(h, m, sec)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|d| d.and_hms_opt(h, mi, 0))
            .expect("valid")
    }

    #[test]
    fn the_briefs_dates() {
        assert_eq!(parse("4 Jun 2023 @ 1PM"), Ok(at(2023, 6, 4, 13, 0)));
        assert_eq!(parse("5 Jun 2023 @ 2AM"), Ok(at(2023, 6, 5, 2, 0)));
        assert_eq!(parse("5 May 2023 @ 3PM"), Ok(at(2023, 5, 5, 15, 0)));
        assert_eq!(parse("12 Dec 2023 @ 12PM"), Ok(at(2023, 12, 12, 12, 0)));
        assert_eq!(parse("12 Dec 2023 @ 12AM"), Ok(at(2023, 12, 12, 0, 0)));
        assert_eq!(parse("4 June 2023 1:30 pm"), Ok(at(2023, 6, 4, 13, 30)));
    }

    #[test]
    fn day_first_iso_french_and_serials() {
        assert_eq!(parse("05/06/2023 13:00"), Ok(at(2023, 6, 5, 13, 0)));
        assert_eq!(parse("5.6.23 9h30"), Ok(at(2023, 6, 5, 9, 30)));
        assert_eq!(parse("2023-06-04 13:00"), Ok(at(2023, 6, 4, 13, 0)));
        assert_eq!(parse("2023-06-04T13:00:00"), Ok(at(2023, 6, 4, 13, 0)));
        assert_eq!(parse("lundi 4 juin 2023 à 14h"), Ok(at(2023, 6, 4, 14, 0)));
        assert_eq!(parse("mardi 6 juin 2023"), Ok(at(2023, 6, 6, 0, 0)));
        assert_eq!(parse("4 août 2023"), Ok(at(2023, 8, 4, 0, 0)));
        assert_eq!(parse("4 juillet 2023 18:00"), Ok(at(2023, 7, 4, 18, 0)));
        // 45081.5416667 is 2023-06-04 13:00 in a spreadsheet.
        assert_eq!(parse("45081.5416667"), Ok(at(2023, 6, 4, 13, 0)));
        assert_eq!(from_serial(45081.0), Some(at(2023, 6, 4, 0, 0)));
    }

    #[test]
    fn nonsense_is_refused_with_an_example() {
        for bad in [
            "",
            "soon",
            "31/02/2023",
            "4 Jun 2023 @ 13PM",
            "2023-13-01",
            "-3",
        ] {
            let e = parse(bad).expect_err(bad);
            assert!(bad.is_empty() || e.contains("e.g."), "{bad}: {e}");
        }
    }
}
