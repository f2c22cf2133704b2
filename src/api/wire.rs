//! What travels between [`super::remote::RemoteCrm`] and the server: request
//! bodies, list query strings, token answers and problem documents (RFC 9457).
//! One definition for both sides, so they cannot drift apart.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::{PaymentKind, Role};
use crate::error::{Error, FieldError};
use crate::services::clients::ClientInput;
use crate::services::collaborators::{CollaboratorInput, Handover};
use crate::services::events::EventInput;
use crate::services::query::*;
use crate::session::Session;

/// The media type of every error answer.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Largest page a list request may ask for.
pub const MAX_LIMIT: i64 = 5_000;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LoginBody {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RefreshBody {
    pub refresh_token: String,
}

/// The answer to a login or a refresh. `Debug` leaves the tokens out.
#[derive(Clone, Serialize, Deserialize, ToSchema)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds the access token is valid for.
    pub expires_in: i64,
    pub session: Session,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("expires_in", &self.expires_in)
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SetupState {
    pub needs_first_admin: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Count {
    pub count: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Target {
    pub entity: String,
    pub id: i64,
}

/// The answer to "may I?" (`POST /v1/allows`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Allowed {
    pub allowed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Version {
    pub version: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OwnPassword {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ResetPassword {
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ClientPatch {
    pub version: i32,
    #[serde(flatten)]
    pub input: ClientInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Reassign {
    pub version: i32,
    pub sales_contact_id: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NewContract {
    pub client_id: i64,
    pub total_cents: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ContractPatch {
    pub version: i32,
    pub total_cents: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NewPayment {
    pub amount_cents: i64,
    pub received_on: chrono::NaiveDate,
}

/// What a correction takes back: money given back, or a mistyped entry.
/// Only these two: a payment is recorded with [`NewPayment`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CorrectionKind {
    Refund,
    Correction,
}

impl From<CorrectionKind> for PaymentKind {
    fn from(k: CorrectionKind) -> PaymentKind {
        match k {
            CorrectionKind::Refund => PaymentKind::Refund,
            CorrectionKind::Correction => PaymentKind::Correction,
        }
    }
}

impl TryFrom<PaymentKind> for CorrectionKind {
    type Error = Error;
    fn try_from(k: PaymentKind) -> Result<CorrectionKind, Error> {
        match k {
            PaymentKind::Refund => Ok(CorrectionKind::Refund),
            PaymentKind::Correction => Ok(CorrectionKind::Correction),
            PaymentKind::Payment => Err(Error::field("kind", "must be a refund or a correction")),
        }
    }
}

/// A refund or a correction: `amount_cents` (more than zero) is taken off what
/// was paid, with the reason kept beside it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NewCorrection {
    pub kind: CorrectionKind,
    pub amount_cents: i64,
    pub reason: String,
    pub received_on: chrono::NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NewEvent {
    pub contract_id: i64,
    #[serde(flatten)]
    pub input: EventInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EventPatch {
    pub version: i32,
    #[serde(flatten)]
    pub input: EventInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Assign {
    pub version: i32,
    pub support_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NewCollaborator {
    #[serde(flatten)]
    pub input: CollaboratorInput,
    pub initial_password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CollaboratorPatch {
    pub version: i32,
    #[serde(flatten)]
    pub input: CollaboratorInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Deactivate {
    pub version: i32,
    #[serde(default)]
    pub handover: Handover,
}

#[derive(Debug, Clone, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffQuery {
    pub role: Role,
}

/// Paging and text common to every list query string. `q` holds the search
/// terms separated by spaces (the server folds them again, which changes
/// nothing in folded text).
macro_rules! list_query {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
        #[serde(default)]
        #[into_params(parameter_in = Query)]
        pub struct $name {
            $($(#[$fm])* pub $field: $ty,)*
            pub q: Option<String>,
            pub descending: bool,
            pub offset: i64,
            pub limit: Option<i64>,
            pub include_archived: bool,
            pub exact_count: bool,
        }

        impl $name {
            /// The paging part, as the services take it.
            pub fn params(&self) -> ListParams {
                ListParams {
                    descending: self.descending,
                    offset: self.offset.max(0),
                    limit: self.limit.unwrap_or(100).clamp(0, MAX_LIMIT),
                    include_archived: self.include_archived,
                    exact_count: self.exact_count,
                    ..Default::default()
                }
                .with_filter(self.q.as_deref().unwrap_or(""))
            }
        }
    };
}

/// The paging part of a list as query-string pairs.
pub fn params_query(p: &ListParams) -> Vec<(&'static str, String)> {
    let mut v = vec![
        ("offset", p.offset.to_string()),
        ("limit", p.limit.to_string()),
    ];
    if !p.terms.is_empty() {
        v.push(("q", p.terms.join(" ")));
    }
    for (k, on) in [
        ("descending", p.descending),
        ("include_archived", p.include_archived),
        ("exact_count", p.exact_count),
    ] {
        if on {
            v.push((k, "true".into()));
        }
    }
    v
}

list_query!(ClientsQuery { sort: ClientSort, sales_contact: Option<i64> });
list_query!(ContractsQuery {
    sort: ContractSort,
    unsigned: bool,
    balance_due: bool,
    sales_contact: Option<i64>,
    client: Option<i64>,
});
list_query!(EventsQuery {
    sort: EventSort,
    without_support: bool,
    support: Option<i64>,
    window: TimeWindow,
    now: Option<chrono::NaiveDateTime>,
    contract: Option<i64>,
    client: Option<i64>,
});
list_query!(CollaboratorsQuery { sort: CollaboratorSort, role: Option<Role>, active_only: bool });
list_query!(NotificationsQuery { unread_only: bool });
list_query!(AuditQuery {
    record_entity: Option<String>,
    record_id: Option<i64>,
    actor: Option<i64>,
});

/// A sort or window name as the query string spells it (its serde name).
pub fn name_of<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|j| j.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// An error answer (RFC 9457) with the fields a client needs to rebuild the
/// [`Error`] it stands for. `code` is stable; `title` and `detail` are prose.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub code: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<ProblemField>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<chrono::NaiveDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub message: String,
}

impl Problem {
    pub fn new(status: u16, code: &str, title: &str, detail: impl Into<String>) -> Problem {
        Problem {
            type_: "about:blank".into(),
            title: title.into(),
            status,
            code: code.into(),
            detail: detail.into(),
            ..Default::default()
        }
    }

    /// The problem a service error becomes. Database faults say nothing of the
    /// database (the server logs them).
    pub fn from_error(e: &Error) -> Problem {
        match e {
            Error::Validation(v) => Problem {
                fields: v
                    .iter()
                    .map(|f| ProblemField {
                        field: f.field.to_string(),
                        message: f.message.clone(),
                    })
                    .collect(),
                ..Problem::new(422, "validation", "invalid input", e.to_string())
            },
            Error::Rule(m) => Problem::new(422, "rule", "refused by a business rule", m.clone()),
            Error::Denied(d) => Problem::new(403, "denied", "not allowed", d.reason),
            Error::Conflict { entity, id } => Problem {
                entity: Some(entity.to_string()),
                id: Some(*id),
                ..Problem::new(409, "conflict", "version conflict", e.to_string())
            },
            Error::NotFound { entity, id } => Problem {
                entity: Some(entity.to_string()),
                id: Some(*id),
                ..Problem::new(404, "not_found", "not found", e.to_string())
            },
            Error::InvalidCredentials => {
                Problem::new(401, "invalid_credentials", "login refused", e.to_string())
            }
            Error::Locked { until } => Problem {
                until: Some(*until),
                ..Problem::new(403, "locked", "account locked", e.to_string())
            },
            Error::Inactive => Problem::new(403, "inactive", "account deactivated", e.to_string()),
            Error::SessionEnded(r) => {
                Problem::new(401, "session_ended", "session ended", r.clone())
            }
            Error::Throttled { retry_after_secs } => Problem {
                retry_after: Some(*retry_after_secs),
                ..Problem::new(429, "throttled", "too many requests", e.to_string())
            },
            _ => Problem::new(
                500,
                "internal",
                "internal error",
                "the server could not do this; see its log",
            ),
        }
    }

    /// The [`Error`] this problem stands for on the client's side.
    pub fn into_error(self) -> Error {
        let entity = |p: &Problem| intern(p.entity.as_deref().unwrap_or("record"));
        match self.code.as_str() {
            "validation" => Error::Validation(
                self.fields
                    .iter()
                    .map(|f| FieldError {
                        field: intern(&f.field),
                        message: f.message.clone(),
                    })
                    .collect(),
            ),
            "rule" => Error::Rule(self.detail),
            "denied" | "must_change_password" => Error::Denied(crate::policy::Denied {
                reason: intern(&self.detail),
            }),
            "conflict" => Error::Conflict {
                entity: entity(&self),
                id: self.id.unwrap_or_default(),
            },
            "not_found" if self.id.is_some() => Error::NotFound {
                entity: entity(&self),
                id: self.id.unwrap_or_default(),
            },
            "invalid_credentials" => Error::InvalidCredentials,
            "locked" => match self.until {
                Some(until) => Error::Locked { until },
                None => Error::Rule(self.detail),
            },
            "inactive" => Error::Inactive,
            "session_ended" | "unauthenticated" | "token_expired" => {
                Error::SessionEnded(self.detail)
            }
            "throttled" => Error::Throttled {
                retry_after_secs: self.retry_after.unwrap_or(60),
            },
            "payload_too_large" => Error::Rule("the request is too large for the server".into()),
            _ => Error::Connection(format!(
                "the server answered {} {}: {}",
                self.status, self.title, self.detail
            )),
        }
    }
}

/// Most distinct texts [`intern`] keeps; past it, a generic text stands in.
const MAX_INTERNED: usize = 512;

/// A `'static` copy of a field name, entity name or policy reason from the
/// server, where the library's error types hold `&'static str`. Each distinct
/// text is kept once; a server cannot make the table grow past
/// [`MAX_INTERNED`].
pub fn intern(s: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{LazyLock, Mutex};
    static TABLE: LazyLock<Mutex<HashSet<&'static str>>> = LazyLock::new(Mutex::default);
    let mut t = TABLE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(found) = t.get(s) {
        return found;
    }
    if t.len() >= MAX_INTERNED {
        return "(reason given by the server)";
    }
    let leaked: &'static str = Box::leak(s.to_string().into_boxed_str());
    t.insert(leaked);
    leaked
}
