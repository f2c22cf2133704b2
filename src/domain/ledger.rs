//! The kinds of rows in a contract's payments ledger. The ledger is append-only:
//! money received is a `Payment` (positive); a mistake is undone by a new `Refund`
//! (money given back) or `Correction` (a mistyped entry) row, negative, with a
//! reason. The database holds the same three names and the same signs.

use serde::{Deserialize, Serialize};
use strum::{AsRefStr, Display, EnumIter, EnumString};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    AsRefStr,
    Display,
    EnumIter,
    EnumString,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum PaymentKind {
    Payment,
    Refund,
    Correction,
}

impl PaymentKind {
    /// True for the rows that take money back out of the ledger.
    pub fn is_reversal(self) -> bool {
        self != PaymentKind::Payment
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_the_database() {
        assert_eq!(PaymentKind::Refund.as_ref(), "refund");
        assert_eq!("correction".parse(), Ok(PaymentKind::Correction));
        assert!("Payment".parse::<PaymentKind>().is_err());
        assert!(!PaymentKind::Payment.is_reversal());
    }
}
