//! Money is an exact count of euro cents; floats never touch it.

use std::fmt;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct Cents(pub i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("enter an amount such as 1234.56 or 1 234,56")]
    Malformed,
    /// A comma or point followed by three digits or more (`12.345`, `1.000`):
    /// thousands or decimals? Refused rather than guessed.
    #[error("write thousands with a space (12 345) and at most two decimals (12.34 or 12,34)")]
    Ambiguous,
    #[error("the amount is too large")]
    TooLarge,
    #[error("the amount cannot be negative")]
    Negative,
}

/// Separators people put between groups of thousands: spaces (plain,
/// no-break, narrow no-break, thin) and apostrophes. Never a comma or a
/// point, which are the decimal separator.
fn groups_thousands(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{a0}' | '\u{202f}' | '\'' | '\u{2019}')
}

impl Cents {
    /// Parses one unambiguous grammar: digits, optionally grouped by three with
    /// spaces or apostrophes (`1 234`, `1'234`), then optionally a decimal comma
    /// or point with one or two digits (`1234.56`, `1 234,56`, `12,5`), with an
    /// optional `€` or `EUR`. `12.345` or `1,000` could mean thousands or
    /// decimals: refused with [`MoneyError::Ambiguous`], never guessed.
    pub fn parse(input: &str) -> Result<Cents, MoneyError> {
        let s = input.trim();
        let s = s.strip_suffix("EUR").unwrap_or(s).trim_end();
        let s = s.strip_suffix('€').unwrap_or(s).trim_end();
        let s = s.strip_prefix('€').unwrap_or(s).trim_start();
        if s.starts_with('-') {
            return Err(MoneyError::Negative);
        }
        if s.is_empty() {
            return Err(MoneyError::Malformed);
        }
        let (int_part, frac) = match s.find(['.', ',']) {
            Some(i) => (&s[..i], Some(&s[i + 1..])),
            None => (s, None),
        };
        let euros = whole_euros(int_part)?;
        let cents = match frac {
            None => 0,
            Some(f) if f.chars().any(|c| c == '.' || c == ',') => {
                return Err(MoneyError::Ambiguous)
            }
            Some(f) if !f.chars().all(|c| c.is_ascii_digit()) => return Err(MoneyError::Malformed),
            Some(f) if f.len() > 2 => return Err(MoneyError::Ambiguous),
            Some(f) if f.is_empty() && int_part.is_empty() => return Err(MoneyError::Malformed),
            Some(f) => f.parse::<i64>().unwrap_or(0) * if f.len() == 1 { 10 } else { 1 },
        };
        let total = euros
            .checked_mul(100)
            .and_then(|v| v.checked_add(cents))
            .ok_or(MoneyError::TooLarge)?;
        // Keep far below i64::MAX so sums of many amounts cannot overflow.
        if total > 100_000_000_000_000 {
            return Err(MoneyError::TooLarge);
        }
        Ok(Cents(total))
    }

    /// `10 000.00 €`: a thin grouping space, two decimals, as the brief writes it.
    pub fn display(self) -> String {
        let neg = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let euros = (abs / 100).to_string();
        let mut grouped = String::with_capacity(euros.len() + euros.len() / 3);
        for (i, ch) in euros.chars().enumerate() {
            if i > 0 && (euros.len() - i).is_multiple_of(3) {
                grouped.push(' ');
            }
            grouped.push(ch);
        }
        format!(
            "{}{}.{:02} €",
            if neg { "-" } else { "" },
            grouped,
            abs % 100
        )
    }

    /// `1234.56`: how a form shows an amount for editing.
    pub fn plain(self) -> String {
        format!("{}.{:02}", self.0 / 100, (self.0 % 100).abs())
    }
}

/// The euros before the decimal separator: digits, or groups of three after
/// the first joined by one thousands separator (`12 345`, `1'000'000`).
fn whole_euros(s: &str) -> Result<i64, MoneyError> {
    if s.is_empty() {
        return Ok(0);
    }
    let groups: Vec<&str> = s.split(groups_thousands).collect();
    let digits = |g: &str| !g.is_empty() && g.chars().all(|c| c.is_ascii_digit());
    if !groups.iter().all(|g| digits(g)) {
        return Err(MoneyError::Malformed);
    }
    if groups.len() > 1 && (groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3)) {
        return Err(MoneyError::Malformed);
    }
    groups.concat().parse().map_err(|_| MoneyError::TooLarge)
}

impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_one_unambiguous_grammar() {
        assert_eq!(Cents::parse("1234.56"), Ok(Cents(123_456)));
        assert_eq!(Cents::parse("1 234,56"), Ok(Cents(123_456)));
        assert_eq!(Cents::parse("1\u{a0}234,56"), Ok(Cents(123_456)));
        assert_eq!(Cents::parse("1\u{202f}234.56 €"), Ok(Cents(123_456)));
        assert_eq!(Cents::parse("1'234'567"), Ok(Cents(123_456_700)));
        assert_eq!(Cents::parse("10000"), Ok(Cents(1_000_000)));
        assert_eq!(Cents::parse("10 000.00 €"), Ok(Cents(1_000_000)));
        assert_eq!(Cents::parse("€ 12"), Ok(Cents(1200)));
        assert_eq!(Cents::parse("12 EUR"), Ok(Cents(1200)));
        assert_eq!(Cents::parse("12,5"), Ok(Cents(1250)));
        assert_eq!(Cents::parse("12.34"), Ok(Cents(1234)));
        assert_eq!(Cents::parse("0.01"), Ok(Cents(1)));
        assert_eq!(Cents::parse(",5"), Ok(Cents(50)));
        assert_eq!(Cents::parse("12."), Ok(Cents(1200)));
        // What the display writes reads back.
        for c in [Cents(1), Cents(123_456), Cents(1_234_567_890)] {
            assert_eq!(Cents::parse(&c.display()), Ok(c));
            assert_eq!(Cents::parse(&c.plain()), Ok(c));
        }
    }

    #[test]
    fn refuses_what_could_mean_two_things() {
        for s in [
            "12.345", "1.000", "1,000", "1,234.56", "1.234,56", "0.001", "1.2.3",
        ] {
            assert_eq!(Cents::parse(s), Err(MoneyError::Ambiguous), "{s}");
        }
        let m = MoneyError::Ambiguous.to_string();
        assert!(m.contains("12 345") && m.contains("12.34"), "{m}");
    }

    #[test]
    fn refuses_bad_input() {
        assert_eq!(Cents::parse(""), Err(MoneyError::Malformed));
        assert_eq!(Cents::parse("."), Err(MoneyError::Malformed));
        assert_eq!(Cents::parse("abc"), Err(MoneyError::Malformed));
        assert_eq!(Cents::parse("12 34"), Err(MoneyError::Malformed));
        assert_eq!(Cents::parse("1234 567"), Err(MoneyError::Malformed));
        assert_eq!(Cents::parse("12,3a"), Err(MoneyError::Malformed));
        assert_eq!(Cents::parse("-5"), Err(MoneyError::Negative));
        assert_eq!(
            Cents::parse("99999999999999999999"),
            Err(MoneyError::TooLarge)
        );
    }

    #[test]
    fn displays_grouped() {
        assert_eq!(Cents(1_000_000).display(), "10 000.00 €");
        assert_eq!(Cents(250_000).display(), "2 500.00 €");
        assert_eq!(Cents(5).display(), "0.05 €");
        assert_eq!(Cents(123_456).plain(), "1234.56");
    }
}
