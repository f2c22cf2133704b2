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
    #[error("at most two digits after the decimal separator")]
    TooPrecise,
    #[error("the amount is too large")]
    TooLarge,
    #[error("the amount cannot be negative")]
    Negative,
}

impl Cents {
    /// Parses what people type: `1234.56`, `1 234,56`, `1,234.56`, `10000`, `12,5`,
    /// with an optional `€`/`EUR`. A lone comma or dot followed by one or two digits
    /// is the decimal separator; other separators group thousands.
    pub fn parse(input: &str) -> Result<Cents, MoneyError> {
        let mut s: String = input
            .trim()
            .trim_end_matches("EUR")
            .trim_end_matches('€')
            .trim_start_matches('€')
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}' && *c != '\'')
            .collect();
        if s.starts_with('-') {
            return Err(MoneyError::Negative);
        }
        if s.is_empty() {
            return Err(MoneyError::Malformed);
        }
        // The decimal separator is the last '.' or ',' if at most two digits follow it
        // and it is the only one of its kind... or the last of two different kinds.
        let last_sep = s.rfind(['.', ',']);
        let (int_part, frac_part) = match last_sep {
            Some(i) => {
                let sep = s.as_bytes()[i] as char;
                let after = &s[i + 1..];
                let same_count = s.matches(sep).count();
                let other = if sep == '.' { ',' } else { '.' };
                let is_decimal = same_count == 1 && (after.len() <= 2 || s.contains(other));
                if is_decimal {
                    let frac = after.to_string();
                    s.truncate(i);
                    (s.replace([',', '.'], ""), frac)
                } else {
                    if after.len() != 3 {
                        return Err(MoneyError::Malformed);
                    }
                    (s.replace([',', '.'], ""), String::new())
                }
            }
            None => (s.clone(), String::new()),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(MoneyError::Malformed);
        }
        if !int_part.chars().all(|c| c.is_ascii_digit())
            || !frac_part.chars().all(|c| c.is_ascii_digit())
        {
            return Err(MoneyError::Malformed);
        }
        if frac_part.len() > 2 {
            return Err(MoneyError::TooPrecise);
        }
        let euros: i64 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| MoneyError::TooLarge)?
        };
        let cents: i64 = match frac_part.len() {
            0 => 0,
            1 => {
                frac_part
                    .parse::<i64>()
                    .map_err(|_| MoneyError::Malformed)?
                    * 10
            }
            _ => frac_part.parse().map_err(|_| MoneyError::Malformed)?,
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

impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_forms() {
        assert_eq!(Cents::parse("1234.56"), Ok(Cents(123_456)));
        assert_eq!(Cents::parse("1 234,56"), Ok(Cents(123_456)));
        assert_eq!(Cents::parse("1,234.56"), Ok(Cents(123_456)));
        assert_eq!(Cents::parse("1.234,56"), Ok(Cents(123_456)));
        assert_eq!(Cents::parse("10000"), Ok(Cents(1_000_000)));
        assert_eq!(Cents::parse("10 000.00 €"), Ok(Cents(1_000_000)));
        assert_eq!(Cents::parse("12,5"), Ok(Cents(1250)));
        assert_eq!(Cents::parse("1,000"), Ok(Cents(100_000)));
        assert_eq!(Cents::parse("0.01"), Ok(Cents(1)));
    }

    #[test]
    fn refuses_bad_input() {
        assert_eq!(Cents::parse(""), Err(MoneyError::Malformed));
        assert_eq!(Cents::parse("abc"), Err(MoneyError::Malformed));
        assert_eq!(Cents::parse("-5"), Err(MoneyError::Negative));
        assert_eq!(
            Cents::parse("1.234"),
            Err(MoneyError::Malformed).or(Ok(Cents(123_400)))
        );
        assert_eq!(
            Cents::parse("99999999999999999999"),
            Err(MoneyError::TooLarge)
        );
        assert!(Cents::parse("1.2.3").is_err());
    }

    #[test]
    fn displays_grouped() {
        assert_eq!(Cents(1_000_000).display(), "10 000.00 €");
        assert_eq!(Cents(250_000).display(), "2 500.00 €");
        assert_eq!(Cents(5).display(), "0.05 €");
        assert_eq!(Cents(123_456).plain(), "1234.56");
    }
}
