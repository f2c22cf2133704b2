use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::notifications;

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
#[diesel(table_name = notifications)]
pub struct Notification {
    pub id: i64,
    pub recipient_id: i64,
    pub kind: String,
    pub entity: String,
    pub record_id: i64,
    pub message: String,
    #[diesel(deserialize_as = crate::db::stamp::OptStamp)]
    pub read_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Insertable)]
#[diesel(table_name = notifications)]
pub struct NewNotification<'a> {
    pub recipient_id: i64,
    pub kind: &'a str,
    pub entity: &'a str,
    pub record_id: i64,
    pub message: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}
