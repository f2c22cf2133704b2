//! Library errors. Each variant carries what a user needs to act on it; the
//! screens show [`Error::user_message`], never a raw database error.

use chrono::NaiveDateTime;

use crate::policy::Denied;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A problem with one form field, shown beside that field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}", first_field_message(.0))]
    Validation(Vec<FieldError>),
    #[error("not allowed: {0}")]
    Denied(#[from] Denied),
    #[error("{entity} #{id} was changed by someone else in the meantime.")]
    Conflict { entity: &'static str, id: i64 },
    #[error("{entity} #{id} does not exist")]
    NotFound { entity: &'static str, id: i64 },
    #[error("wrong e-mail or password")]
    InvalidCredentials,
    #[error("this account is locked until {until} (UTC) after repeated failed logins")]
    Locked { until: NaiveDateTime },
    #[error("this account is deactivated")]
    Inactive,
    #[error("{0}")]
    Rule(String),
    #[error("database: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("{0}")]
    Connection(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("configuration: {0}")]
    Config(String),
    #[error("terminal: {0}")]
    Terminal(String),
    #[error("password hashing failed: {0}")]
    Hash(#[from] bcrypt::BcryptError),
    /// The server no longer honours this session (logged out elsewhere, account
    /// deactivated, role or password changed, refresh token reused): log in again.
    #[error("your session has ended ({0}); log in again")]
    SessionEnded(String),
    /// The server refuses more attempts for now.
    #[error("too many attempts; try again in {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    /// The server's certificate is not the one pinned: refused before anything
    /// was sent.
    #[error("{0}")]
    UntrustedServer(String),
}

fn first_field_message(errors: &[FieldError]) -> String {
    match errors.first() {
        Some(e) => format!("{}: {}", e.field, e.message),
        None => "invalid input".to_string(),
    }
}

impl Error {
    /// One field in error.
    pub fn field(field: &'static str, message: impl Into<String>) -> Error {
        Error::Validation(vec![FieldError {
            field,
            message: message.into(),
        }])
    }

    /// A sentence for the status line. Database internals are summarised; the full
    /// error goes to the log and Sentry.
    pub fn user_message(&self) -> String {
        match self {
            Error::Database(_) => "the database refused the operation; see the log".into(),
            other => other.to_string(),
        }
    }

    /// True for errors a user causes and can fix; false for faults worth reporting.
    pub fn is_expected(&self) -> bool {
        !matches!(
            self,
            Error::Database(_)
                | Error::Migration(_)
                | Error::Hash(_)
                | Error::Connection(_)
                | Error::Terminal(_)
                | Error::UntrustedServer(_)
        )
    }

    /// The field errors, if this is a validation error.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Error::Validation(v) => v,
            _ => &[],
        }
    }
}

/// Turns a unique-key violation into a message at the field it concerns.
pub fn unique_violation_to_field(
    e: diesel::result::Error,
    field: &'static str,
    what: &str,
) -> Error {
    use diesel::result::{DatabaseErrorKind, Error as DE};
    match e {
        DE::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
            Error::field(field, format!("{what} is already used by another record"))
        }
        other => Error::Database(other),
    }
}
