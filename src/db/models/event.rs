use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::events;

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
#[diesel(table_name = events)]
pub struct Event {
    pub id: i64,
    pub name: String,
    pub contract_id: i64,
    pub support_id: Option<i64>,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub starts_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub ends_at: NaiveDateTime,
    pub location: String,
    pub attendees: i32,
    pub notes: String,
    pub search: String,
    #[diesel(deserialize_as = crate::db::stamp::OptStamp)]
    pub archived_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub updated_at: NaiveDateTime,
    pub version: i32,
    /// Its id in the support team's spreadsheet, kept so a re-import matches it.
    pub external_ref: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = events)]
pub struct NewEvent<'a> {
    pub name: &'a str,
    pub contract_id: i64,
    pub support_id: Option<i64>,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub location: &'a str,
    pub attendees: i32,
    pub notes: &'a str,
    pub search: &'a str,
    /// [`crate::domain::text::fold`] of the name: what name columns sort by.
    pub sort_name: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}
