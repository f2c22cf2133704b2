//! The logged-in collaborator, kept in memory after login and dropped on lock.

use chrono::NaiveDateTime;

use crate::domain::Role;
use crate::policy::Actor;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Session {
    pub collaborator_id: i64,
    pub role: Role,
    pub name: String,
    pub email: String,
    /// Set after an admin reset or on a new account: the UI asks for a new password
    /// before anything else.
    pub must_change_password: bool,
    pub logged_in_at: NaiveDateTime,
}

impl Session {
    /// The actor as of login. Good for deciding what to offer; every write re-reads
    /// the real one from the database.
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.collaborator_id,
            role: self.role,
            active: true,
        }
    }
}
