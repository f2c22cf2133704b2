//! The payments ledger. Rows are only ever added: the amount due is the total
//! minus their sum, kept in `contracts.due_cents` in the same transaction.

use diesel::prelude::*;

use crate::db::models::{NewPayment, Payment};
use crate::db::schema::payments;
use crate::db::DbConnection;
use crate::error::Result;
use crate::policy::Permit;

pub fn insert(conn: &mut DbConnection, _permit: &Permit, new: &NewPayment) -> Result<i64> {
    Ok(crate::with_backend!(conn, |c| diesel::insert_into(
        payments::table
    )
    .values(new)
    .returning(payments::id)
    .get_result::<i64>(c))?)
}

/// A contract's payments, newest first.
pub fn for_contract(conn: &mut DbConnection, contract_id: i64) -> Result<Vec<Payment>> {
    Ok(payments::table
        .filter(payments::contract_id.eq(contract_id))
        .order((payments::received_on.desc(), payments::id.desc()))
        .select(Payment::as_select())
        .load(conn)?)
}

/// The ledger's sum for a contract.
pub fn total_paid(conn: &mut DbConnection, contract_id: i64) -> Result<i64> {
    let amounts: Vec<i64> = payments::table
        .filter(payments::contract_id.eq(contract_id))
        .select(payments::amount_cents)
        .load(conn)?;
    Ok(amounts.iter().sum())
}
