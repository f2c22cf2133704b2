//! Field checks shared by the services: a bad value becomes a message at its field.

use email_address::EmailAddress;

use crate::domain::text::{check_no_controls, check_plain};
use crate::error::{Error, FieldError, Result};

/// Gathers field errors so a form shows all of them at once.
#[derive(Debug, Default)]
pub struct Checks(pub Vec<FieldError>);

impl Checks {
    pub fn push(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push(FieldError {
            field,
            message: message.into(),
        });
    }

    /// Required text, trimmed, at most `max` characters, one line, no control
    /// character (a stored escape sequence would drive the terminal that shows it).
    pub fn text(&mut self, field: &'static str, value: &str, required: bool, max: usize) {
        self.checked(field, value, required, max, false);
    }

    /// The same for text of several lines (notes): newlines and tabs allowed.
    pub fn multiline(&mut self, field: &'static str, value: &str, required: bool, max: usize) {
        self.checked(field, value, required, max, true);
    }

    fn checked(
        &mut self,
        field: &'static str,
        value: &str,
        required: bool,
        max: usize,
        multiline: bool,
    ) {
        if required && value.trim().is_empty() {
            self.push(field, "required");
            return;
        }
        if let Err(e) =
            check_plain(field, value, max).and_then(|()| check_no_controls(field, value, multiline))
        {
            self.0.push(e);
        }
    }

    pub fn email(&mut self, field: &'static str, value: &str) {
        let v = value.trim();
        if v.is_empty() {
            self.push(field, "required");
        } else if v.chars().count() > 254 || !EmailAddress::is_valid(v) || !v.contains('.') {
            self.push(field, "not a valid e-mail address (name@example.com)");
        }
    }

    /// Optional phone: international (`+33 6 12 34 56 78`) or French national format.
    pub fn phone(&mut self, field: &'static str, value: &str) {
        let v = value.trim();
        if v.is_empty() {
            return;
        }
        if normalize_phone(v).is_none() {
            self.push(field, "not a valid phone number (e.g. +33 6 12 34 56 78)");
        }
    }

    pub fn finish(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation(self.0))
        }
    }
}

/// Parses a phone number; numbers without a country code are read as French.
/// Returns the number as typed (trimmed) when it is valid.
pub fn normalize_phone(v: &str) -> Option<String> {
    let region = if v.trim_start().starts_with('+') {
        None
    } else {
        Some(phonenumber::country::Id::FR)
    };
    let parsed = phonenumber::parse(region, v).ok()?;
    // The brief's own examples use numbers that are well-formed but not assigned in
    // any numbering plan (+678 123 456 78): accept plausible lengths as well.
    let digits = v.chars().filter(char::is_ascii_digit).count();
    if phonenumber::is_valid(&parsed) || (7..=15).contains(&digits) {
        Some(v.trim().to_string())
    } else {
        None
    }
}

/// Normalised e-mail: trimmed and lower-case (addresses are compared that way).
pub fn email(v: &str) -> String {
    v.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_and_emails() {
        let mut c = Checks::default();
        c.phone("phone", "+678 123 456 78");
        c.phone("phone", "06 12 34 56 78");
        c.phone("phone", "+1 234 567 8901");
        c.email("email", "kevin@startup.io");
        assert!(c.0.is_empty(), "{:?}", c.0);
        c.text("name", "Kevin Casey", true, 100);
        c.multiline("notes", "line one\n\tline two", false, 100);
        assert!(c.0.is_empty(), "{:?}", c.0);
        c.text("name", "a\x1b]0;pwned\x07", true, 100);
        c.text("name", "two\nlines", true, 100);
        c.multiline("notes", "\x1b[2J", false, 100);
        c.multiline("notes", "\u{9b}5m", false, 100);
        c.text("name", "abc\u{202E}", true, 100);
        assert_eq!(c.0.len(), 5, "{:?}", c.0);
        c.0.clear();
        c.phone("phone", "call me");
        c.email("email", "kevin@");
        assert_eq!(c.0.len(), 2);
    }
}
