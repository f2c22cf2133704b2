use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::collaborators;
use crate::domain::Role;

/// A staff account. `Debug` leaves the password hash out so it never reaches a log.
#[derive(
    Clone,
    Queryable,
    Selectable,
    Identifiable,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[diesel(table_name = collaborators)]
pub struct Collaborator {
    pub id: i64,
    pub employee_number: String,
    pub full_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub role: String,
    /// Never leaves the server: not serialised, empty when read from the wire.
    #[serde(skip_serializing, default)]
    pub password_hash: String,
    pub must_change_password: bool,
    pub active: bool,
    pub failed_logins: i32,
    #[diesel(deserialize_as = crate::db::stamp::OptStamp)]
    pub locked_until: Option<NaiveDateTime>,
    pub search: String,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

impl Collaborator {
    /// The stored role; an unknown value (impossible under the CHECK constraint)
    /// reads as the least privileged one.
    pub fn role(&self) -> Role {
        self.role.parse().unwrap_or(Role::Support)
    }
}

impl std::fmt::Debug for Collaborator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Collaborator")
            .field("id", &self.id)
            .field("employee_number", &self.employee_number)
            .field("full_name", &self.full_name)
            .field("role", &self.role)
            .field("active", &self.active)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

#[derive(Insertable)]
#[diesel(table_name = collaborators)]
pub struct NewCollaborator<'a> {
    pub employee_number: &'a str,
    pub full_name: &'a str,
    pub email: &'a str,
    pub phone: Option<&'a str>,
    pub role: &'a str,
    pub password_hash: &'a str,
    pub must_change_password: bool,
    pub active: bool,
    pub failed_logins: i32,
    pub search: &'a str,
    /// [`crate::domain::text::fold`] of the name: what name columns sort by.
    pub sort_name: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}
