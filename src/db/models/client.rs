use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::clients;

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
#[diesel(table_name = clients)]
pub struct Client {
    pub id: i64,
    pub full_name: String,
    pub email: String,
    pub phone: String,
    pub company_name: String,
    pub first_contact: NaiveDate,
    pub last_contact: NaiveDate,
    pub sales_contact_id: Option<i64>,
    pub search: String,
    #[diesel(deserialize_as = crate::db::stamp::OptStamp)]
    pub archived_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Insertable)]
#[diesel(table_name = clients)]
pub struct NewClient<'a> {
    pub full_name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub company_name: &'a str,
    pub first_contact: NaiveDate,
    pub last_contact: NaiveDate,
    pub sales_contact_id: Option<i64>,
    pub search: &'a str,
    /// [`crate::domain::text::fold`] of the name: what name columns sort by.
    pub sort_name: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}
