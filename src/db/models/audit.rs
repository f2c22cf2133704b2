use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::audit_entries;

/// Who did what to which record, with the changed fields as JSON
/// `[{"field": .., "before": .., "after": ..}]`.
#[derive(
    Debug,
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
#[diesel(table_name = audit_entries)]
pub struct AuditEntry {
    pub id: i64,
    pub actor_id: Option<i64>,
    pub entity: String,
    pub record_id: i64,
    pub action: String,
    pub changes: String,
    pub search: String,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Insertable)]
#[diesel(table_name = audit_entries)]
pub struct NewAuditEntry<'a> {
    pub actor_id: Option<i64>,
    pub entity: &'a str,
    pub record_id: i64,
    pub action: &'a str,
    pub changes: &'a str,
    pub search: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}
