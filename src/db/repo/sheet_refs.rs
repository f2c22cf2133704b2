//! Records by the id they had in the support team's spreadsheet (`external_ref`),
//! for imports that must find the same rows again.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::models::{Contract, Event};
use crate::db::schema::{clients, contracts, events};
use crate::db::DbConnection;
use crate::error::Result;
use crate::policy::Permit;

/// The events that have one of these sheet ids, read a chunk of ids per query.
/// An import reads them all before its rows: one lookup per row costs a fresh
/// query plan per value on SQLite (the planner consults the index's statistics
/// for each bound value).
///
/// When the database holds no more events with a sheet id than the sheet names
/// (a first import, or a sheet of the same events again), they are read in one
/// query instead: counting them takes the sheet-id index alone.
pub fn events_by_refs(conn: &mut DbConnection, refs: &[&str]) -> Result<Vec<Event>> {
    /// Ids per query, well under either backend's limit of bound values.
    const CHUNK: usize = 1_000;
    if refs.len() > CHUNK {
        let with_refs: i64 = events::table
            .filter(events::external_ref.is_not_null())
            .count()
            .get_result(conn)?;
        if with_refs as usize <= refs.len() {
            let wanted: std::collections::HashSet<&str> = refs.iter().copied().collect();
            let all: Vec<Event> = events::table
                .filter(events::external_ref.is_not_null())
                .select(Event::as_select())
                .load(conn)?;
            return Ok(all
                .into_iter()
                .filter(|e| {
                    e.external_ref
                        .as_deref()
                        .is_some_and(|r| wanted.contains(r))
                })
                .collect());
        }
    }
    let mut found = Vec::new();
    for chunk in refs.chunks(CHUNK) {
        found.extend(
            events::table
                .filter(events::external_ref.eq_any(chunk))
                .select(Event::as_select())
                .load(conn)?,
        );
    }
    Ok(found)
}

pub fn contract_by_ref(conn: &mut DbConnection, r: &str) -> Result<Option<Contract>> {
    Ok(contracts::table
        .filter(contracts::external_ref.eq(r))
        .select(Contract::as_select())
        .first(conn)
        .optional()?)
}

/// An event without a sheet id that matches on name, contract and start: a row
/// imported before without its id is found rather than added twice.
pub fn event_like(
    conn: &mut DbConnection,
    name: &str,
    contract_id: i64,
    starts_at: NaiveDateTime,
) -> Result<Option<Event>> {
    Ok(events::table
        .filter(events::contract_id.eq(contract_id))
        .filter(events::name.eq(name))
        .filter(events::starts_at.eq(starts_at))
        .filter(events::archived_at.is_null())
        .select(Event::as_select())
        .first(conn)
        .optional()?)
}

/// Client ids whose e-mail is `email`, whatever its case.
pub fn clients_by_email(conn: &mut DbConnection, email: &str) -> Result<Vec<i64>> {
    Ok(clients::table
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Text>("lower(clients.email)")
                .eq(email.trim().to_lowercase()),
        )
        .select(clients::id)
        .load(conn)?)
}

/// Client ids whose folded name is `folded` (see [`crate::domain::text::fold`]).
pub fn clients_by_folded_name(conn: &mut DbConnection, folded: &str) -> Result<Vec<i64>> {
    Ok(clients::table
        .filter(clients::sort_name.eq(folded))
        .filter(clients::archived_at.is_null())
        .select(clients::id)
        .load(conn)?)
}

/// The signed, not archived contracts of a client.
pub fn signed_contracts_of(conn: &mut DbConnection, client_id: i64) -> Result<Vec<Contract>> {
    Ok(contracts::table
        .filter(contracts::client_id.eq(client_id))
        .filter(contracts::signed.eq(true))
        .filter(contracts::archived_at.is_null())
        .select(Contract::as_select())
        .load(conn)?)
}

pub fn set_event_ref(conn: &mut DbConnection, _permit: &Permit, id: i64, r: &str) -> Result<()> {
    diesel::update(events::table.find(id))
        .set(events::external_ref.eq(r))
        .execute(conn)?;
    Ok(())
}

pub fn set_contract_ref(conn: &mut DbConnection, _permit: &Permit, id: i64, r: &str) -> Result<()> {
    diesel::update(contracts::table.find(id))
        .set(contracts::external_ref.eq(r))
        .execute(conn)?;
    Ok(())
}
