use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::payments;

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
#[diesel(table_name = payments)]
pub struct Payment {
    pub id: i64,
    pub contract_id: i64,
    pub amount_cents: i64,
    /// `payment`, `refund` or `correction` (see [`crate::domain::PaymentKind`]).
    pub kind: String,
    /// Why a refund or correction was recorded; empty for a payment.
    pub reason: String,
    pub received_on: NaiveDate,
    pub recorded_by_id: i64,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Insertable)]
#[diesel(table_name = payments)]
pub struct NewPayment {
    pub contract_id: i64,
    pub amount_cents: i64,
    /// `payment`, `refund` or `correction` (see [`crate::domain::PaymentKind`]).
    pub kind: String,
    /// Why a refund or correction was recorded; empty for a payment.
    pub reason: String,
    pub received_on: NaiveDate,
    pub recorded_by_id: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}
