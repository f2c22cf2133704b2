use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::contracts;
use crate::domain::Cents;

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
#[diesel(table_name = contracts)]
pub struct Contract {
    pub id: i64,
    pub client_id: i64,
    pub total_cents: i64,
    pub due_cents: i64,
    pub signed: bool,
    #[diesel(deserialize_as = crate::db::stamp::OptStamp)]
    pub signed_at: Option<NaiveDateTime>,
    pub signed_by_id: Option<i64>,
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

impl Contract {
    pub fn total(&self) -> Cents {
        Cents(self.total_cents)
    }
    pub fn due(&self) -> Cents {
        Cents(self.due_cents)
    }
    pub fn paid(&self) -> Cents {
        Cents(self.total_cents - self.due_cents)
    }
}

#[derive(Insertable)]
#[diesel(table_name = contracts)]
pub struct NewContract<'a> {
    pub client_id: i64,
    pub total_cents: i64,
    pub due_cents: i64,
    pub signed: bool,
    pub signed_at: Option<NaiveDateTime>,
    pub signed_by_id: Option<i64>,
    pub search: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}
